//! Whatever the bytes, loading never panics: it either loads or returns located diagnostics.

use proptest::prelude::*;
use std::path::Path;

const FILES: [&str; 10] = [
    "model.toml",
    "countries.csv",
    "firms.csv",
    "sites.csv",
    "items.csv",
    "stages.csv",
    "lanes.csv",
    "inputs.csv",
    "demand.csv",
    "scenarios.csv",
];

fn example_files() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
    FILES
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
        .collect()
}

fn check(files: &[(String, Vec<u8>)]) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    match keel_io::load(dir.path()) {
        Ok(_) => {}
        Err(keel_io::IoError::Invalid(inv)) => {
            assert!(inv.error_count() > 0);
            for d in &inv.diagnostics {
                assert!(!d.file.is_empty() && !d.message.is_empty());
            }
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Entirely random content in one file, the rest of the example intact.
    #[test]
    fn random_bytes_in_any_file(which in 0usize..FILES.len(), bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut files = example_files();
        files[which].1 = bytes;
        check(&files);
    }

    /// Small corruptions of real files: flipped, deleted and inserted bytes (quotes, commas, newlines, UTF-8).
    #[test]
    fn mutated_example(which in 0usize..FILES.len(), edits in proptest::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![b'"', b',', b'\n', b'\r', b';', b'-', b'.', 0xff, 0xc3, b'0', b' ']), 0u8..3), 1..20)) {
        let mut files = example_files();
        let f = &mut files[which].1;
        for (at, byte, op) in edits {
            if f.is_empty() { f.push(byte); continue; }
            let i = at.index(f.len());
            match op {
                0 => f[i] = byte,
                1 => { f.remove(i); }
                _ => f.insert(i, byte),
            }
        }
        check(&files);
    }
}

#[test]
fn empty_files_and_headers_only() {
    let mut files = example_files();
    for f in files.iter_mut() {
        f.1.clear();
    }
    check(&files);
}
