//! Reading inputs and writing outputs safely: text files (or standard input) decoded as
//! UTF-8 with the offset of the first bad byte, and atomic writes (a temporary file in the
//! same folder, renamed over the target) so that an interrupted run never leaves half a file.

use std::io::{self, Read, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::text::Utf8Error;

/// The file name's extension in lower case (empty without one), to tell formats apart.
pub fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Reads a file, or standard input for `-`, as UTF-8 text. A BOM is kept (spans count it).
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| Error::read(path, e))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| Error::read(path, e))?
    };
    String::from_utf8(bytes).map_err(|e| Error::Utf8 {
        path: path.to_path_buf(),
        source: Utf8Error {
            offset: e.utf8_error().valid_up_to(),
        },
    })
}

/// Writes `contents` to `path` atomically: readers see the old file or the new one, never a
/// mix, even if the process dies half-way.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let err = |e: io::Error| Error::Write {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".passerelle-").suffix(".tmp");
    // A temporary file is private (0600); the output should get the mode a plain write would
    // give it: the replaced file's, or the default under the user's umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    tmp.write_all(contents).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// The character an XML entity or character reference stands for (`&amp;`, `&#233;`,
/// `&#xE9;`), for the TMX, XLIFF and TBX readers; `None` for an unknown entity or an invalid
/// code point.
pub(crate) fn xml_reference(r: &quick_xml::events::BytesRef) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        Ok(None) => quick_xml::escape::resolve_predefined_entity(&r.decode().ok()?)?
            .chars()
            .next(),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.txt");
        std::fs::write(&path, b"caf\xc3\xa9 \xff!").unwrap();
        let err = read_text(&path).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("bad.txt: invalid UTF-8 at byte 6"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_not_private_to_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"one").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_ne!(mode & 0o044, 0, "{mode:o}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"two").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
    }

    #[test]
    fn xml_references_resolve_to_characters() {
        use quick_xml::events::BytesRef;
        assert_eq!(xml_reference(&BytesRef::new("amp")), Some('&'));
        assert_eq!(xml_reference(&BytesRef::new("apos")), Some('\''));
        assert_eq!(xml_reference(&BytesRef::new("#233")), Some('é'));
        assert_eq!(xml_reference(&BytesRef::new("#xE9")), Some('é'));
        assert_eq!(xml_reference(&BytesRef::new("nbsp")), None);
        assert_eq!(xml_reference(&BytesRef::new("#xD800")), None);
    }

    #[test]
    fn missing_file_is_named() {
        let err = read_text(Path::new("/nonexistent/x.txt")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nonexistent/x.txt: no such file or directory"
        );
    }

    #[test]
    fn atomic_write_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"first version, long").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn atomic_write_into_a_missing_folder_fails_cleanly() {
        let err = write_atomic(Path::new("/nonexistent/dir/out.txt"), b"x").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/nonexistent/dir/out.txt: cannot write"),
            "{err}"
        );
    }
}
