//! Helpers shared by the integration tests.

use std::path::PathBuf;

use assert_cmd::Command;

pub mod embed_server;

/// The `passerelle` binary, run from the repository root.
pub fn passerelle() -> Command {
    let mut cmd = Command::cargo_bin("passerelle").expect("binary built");
    cmd.current_dir(repo_root());
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    cmd
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Standard output of a run, as text.
pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}
