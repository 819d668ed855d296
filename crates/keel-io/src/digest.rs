//! A model's digest: SHA-256 over the files it is loaded from, so that work split across machines
//! (`keel merge`) can tell whether every part ran on the same model.
//!
//! A folder's digest covers its `.csv` and `.toml` files (what the loader reads), in name order, each as its
//! name, its length and its bytes; a workbook's covers its bytes. Renaming or moving the folder leaves it
//! unchanged; editing any number in it changes it.
//!
//! # Complexity
//! Linear in the size of the files.

use crate::IoError;
use sha2::{Digest, Sha256};
use std::path::Path;

/// `sha256:` and the hex digest of the model files at `path` (a folder or a workbook).
pub fn digest(path: &Path) -> Result<String, IoError> {
    let mut h = Sha256::new();
    if path.is_dir() {
        let mut names: Vec<String> = std::fs::read_dir(path)
            .map_err(|e| IoError::io(path, e))?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| {
                let n = n.to_ascii_lowercase();
                n.ends_with(".csv") || n.ends_with(".toml")
            })
            .collect();
        names.sort();
        for name in names {
            let file = path.join(&name);
            let bytes = std::fs::read(&file).map_err(|e| IoError::io(&file, e))?;
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
    } else {
        h.update(std::fs::read(path).map_err(|e| IoError::io(path, e))?);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("sha256:{hex}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_digest_follows_content_not_location() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for d in [a.path(), b.path()] {
            std::fs::write(d.join("stages.csv"), "id\ns1\n").unwrap();
            std::fs::write(d.join("model.toml"), "currency = \"CAD\"\n").unwrap();
            std::fs::write(d.join("notes.txt"), "ignored").unwrap();
        }
        std::fs::write(b.path().join("notes.txt"), "other notes").unwrap();
        let da = digest(a.path()).unwrap();
        assert_eq!(da, digest(b.path()).unwrap());
        assert_eq!(da.len(), "sha256:".len() + 64);
        std::fs::write(b.path().join("stages.csv"), "id\ns2\n").unwrap();
        assert_ne!(da, digest(b.path()).unwrap());
    }

    #[test]
    fn file_digest_is_sha256_of_its_bytes() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("m.xlsx");
        std::fs::write(&f, "abc").unwrap();
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            digest(&f).unwrap(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
