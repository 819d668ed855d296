//! `keel generate --options N`: the options asked for are written, load, and come out the same every run.

use std::process::Command;

fn keel(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .output()
        .expect("keel runs")
}

#[test]
fn generate_with_options_writes_them_and_check_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let run = keel(&[
            "generate",
            "--stages",
            "300",
            "--seed",
            "5",
            "--options",
            "40",
            &out.display().to_string(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{run:?}");
    }
    let options = std::fs::read_to_string(a.join("options.csv")).unwrap();
    assert_eq!(options.lines().count(), 41, "{options}");
    assert!(
        options.starts_with("id,kind,stage,amount,cost,probability,group,name,time_to_effect\n")
    );
    for f in ["options.csv", "stages.csv", "inputs.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between two runs"
        );
    }
    let check = keel(&["check", &a.display().to_string(), "--format", "csv"]);
    assert_eq!(check.status.code(), Some(0));
    let text = String::from_utf8(check.stdout).unwrap();
    // 40 options: 16 sources (each its own candidate), 12 capacity, 12 stockpiles; 4 bets in one group.
    assert!(text.contains("investment options,40\n"), "{text}");
    assert!(
        text.contains("risky options (probability < 1),4\n"),
        "{text}"
    );
    assert!(text.contains("option groups,1\n"), "{text}");
    assert!(
        text.contains("candidate stages (seen only by keel plan),16\n"),
        "{text}"
    );
    assert!(text.contains("stages,300\n"), "{text}");
    assert_eq!(options.matches(",source,").count(), 16);
    assert_eq!(options.matches(",capacity,").count(), 12);
    assert_eq!(options.matches(",stockpile,").count(), 12);
}
