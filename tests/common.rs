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

/// Serves `app` on 127.0.0.1, on a free port, in a thread of its own; it lives until the test
/// process ends. The loopback servers of the translation and embedding tests start here.
pub fn serve(app: axum::Router) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}
