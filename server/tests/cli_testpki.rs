//! `jpki-verify testpki DIR` regenerates exactly the committed test PKI.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::Path;
use std::process::Command;

#[test]
fn regenerates_the_committed_fixtures() {
    let out_dir = std::env::temp_dir().join(format!("jpki-verify-testpki-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let status = Command::new(env!("CARGO_BIN_EXE_jpki-verify"))
        .arg("testpki")
        .arg(&out_dir)
        .status()
        .unwrap();
    assert!(status.success());
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/testpki");
    let mut n = 0;
    for entry in std::fs::read_dir(&committed).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(out_dir.join(name)).unwrap(),
            "{}",
            name.to_string_lossy()
        );
        n += 1;
    }
    assert_eq!(n, std::fs::read_dir(&out_dir).unwrap().count());
    assert!(n > 50);
    std::fs::remove_dir_all(&out_dir).unwrap();
}
