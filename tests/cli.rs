//! What every command shares: help, version, completions, usage errors and their exit codes.

use predicates::prelude::*;

use crate::common::passerelle;

#[test]
fn help_lists_the_commands_and_exit_codes() {
    passerelle()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("segment"))
        .stdout(predicate::str::contains("completions"))
        .stdout(predicate::str::contains("Exit status"));
}

#[test]
fn version_is_printed() {
    passerelle()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "passerelle {}",
            env!("CARGO_PKG_VERSION")
        )));
}

#[test]
fn unknown_subcommands_and_flags_are_usage_errors() {
    passerelle()
        .arg("frobnicate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unrecognized subcommand"));
    passerelle().args(["segment", "--nope"]).assert().code(2);
    passerelle()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        passerelle()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("passerelle"))
            .stdout(predicate::str::contains("segment"));
    }
    passerelle().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn quiet_and_verbose_conflict() {
    passerelle()
        .args(["-q", "-v", "segment"])
        .write_stdin("x")
        .assert()
        .code(2);
}
