//! The newcomer's path: from a fresh copy of the repository's files, README's two commands.
//! The first (`cargo run --release -- ARGS`) is run here as the test's own build of the binary
//! with the same ARGS, in a temporary copy of the repository, and must succeed; the second
//! must be `cargo test`, which is what is running this.

use crate::common::{passerelle, repo_root};

/// README's "Two commands": the shell block's command lines.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README has a ```sh block with the two commands");
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Copies the repository's own files (not build outputs, not git's) to a fresh folder.
fn fresh_copy() -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            let skip = ["target", "out", ".git", "docs"].iter().any(|s| name == *s);
            if skip {
                continue;
            }
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                copy(&path, &to.join(&name));
            } else {
                std::fs::copy(&path, to.join(&name)).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&repo_root(), dir.path());
    dir
}

#[test]
fn readmes_two_commands_work_from_a_fresh_copy() {
    let commands = readme_commands();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let args = commands[0]
        .strip_prefix("cargo run --release -- ")
        .expect("the first command runs passerelle through cargo");
    assert_eq!(commands[1], "cargo test");

    let fresh = fresh_copy();
    let out = passerelle()
        .current_dir(fresh.path())
        .args(args.split_whitespace())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`passerelle {args}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Whatever README's first command is, the project's own run works offline from the copy.
    let out = passerelle()
        .current_dir(fresh.path())
        .arg("run")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "report.html",
        "microsoft-build.tmx",
        "microsoft-build.xlf",
        "findings.sarif",
    ] {
        assert!(fresh.path().join("out").join(file).is_file(), "{file}");
    }
}
