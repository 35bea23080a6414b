//! The crate's error type: every failure a caller may want to report, with the file (and,
//! where it helps, the byte offset) it concerns. Messages are lower case, one line, without a
//! final period; the CLI prefixes them and picks the exit code.

use std::io;
use std::path::{Path, PathBuf};

use crate::text::Utf8Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {}", show_path(path), describe_io(source))]
    Read { path: PathBuf, source: io::Error },

    #[error("{}: {source}", show_path(path))]
    Utf8 { path: PathBuf, source: Utf8Error },

    #[error("{}: cannot write: {}", show_path(path), describe_io(source))]
    Write { path: PathBuf, source: io::Error },

    /// A file that was read but is not what it should be; `line` is 1-based.
    #[error("{}:{line}: {message}", show_path(path))]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },

    /// Bad input that is not tied to one line of a file: mismatched counts, empty documents.
    #[error("{0}")]
    Input(String),
}

impl Error {
    pub fn read(path: &Path, source: io::Error) -> Error {
        Error::Read {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// How a path is named in messages: `-` is standard input.
pub fn show_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// An I/O error in words, without the "(os error N)" noise.
pub fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "is a directory, not a file".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(p) => text[..p].to_lowercase(),
                None => text,
            }
        }
    }
}
