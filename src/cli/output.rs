//! Where a command's main output goes: standard output (buffered, a closed pipe ends the run
//! quietly) or a file written atomically when the command finishes.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use super::Failure;
use crate::error::Error;
use crate::files;

pub(crate) enum Output {
    Stdout(BufWriter<io::Stdout>),
    /// Collected in memory, then written atomically by [`Output::finish`].
    File {
        path: PathBuf,
        buf: Vec<u8>,
    },
}

impl Output {
    pub fn stdout() -> Output {
        Output::Stdout(BufWriter::with_capacity(1 << 16, io::stdout()))
    }

    /// Standard output, or `path` when given (`-` also means standard output).
    pub fn to(path: Option<PathBuf>) -> Output {
        match path {
            Some(path) if path.as_os_str() != "-" => Output::File {
                path,
                buf: Vec::new(),
            },
            _ => Output::stdout(),
        }
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self, Output::Stdout(_))
    }

    /// Whether to colour what goes here: standard output, and a terminal that takes colour
    /// (or `CLICOLOR_FORCE`), unless `NO_COLOR` says otherwise.
    pub fn colour(&self) -> bool {
        self.is_stdout()
            && anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
    }

    pub fn finish(self) -> Result<(), Failure> {
        match self {
            Output::Stdout(mut w) => w.flush().map_err(stdout_error),
            Output::File { path, buf } => Ok(files::write_atomic(&path, &buf)?),
        }
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(bytes),
            Output::File { buf, .. } => {
                buf.extend_from_slice(bytes);
                Ok(bytes.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { .. } => Ok(()),
        }
    }
}

fn stdout_error(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::BrokenPipe
    } else {
        Failure::Lib(Error::Write {
            path: PathBuf::from("<stdout>"),
            source: e,
        })
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        stdout_error(e)
    }
}
