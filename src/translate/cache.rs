//! A persistent, crash-safe cache of machine translations in one SQLite file (bundled, no
//! server).
//!
//! Each translation is stored under a SHA-256 key over everything that changes the result:
//! the backend, its scope (endpoint, model, options), the languages, the context, a hash of
//! the glossary, and the text. A changed glossary or option therefore misses the cache instead
//! of returning stale output. Writes go in one transaction per finished batch, in WAL mode:
//! a run killed half-way keeps every batch that had come back, and the next run sends only
//! the rest. Keys (API keys) are never part of a cache key or row. The embeddings client
//! ([`super::embed`]) keeps its vectors in the same file, as text, under its own backend name.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{Job, TermPair};

/// The schema version; bump it when the key derivation changes, to start afresh.
const SCHEMA: i64 = 1;

#[derive(Debug, thiserror::Error)]
#[error("translation cache {}: {message}", path.display())]
pub struct CacheError {
    pub path: PathBuf,
    pub message: String,
}

/// A cache key: 32 bytes of SHA-256.
pub type Key = [u8; 32];

pub struct Cache {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("path", &self.path).finish()
    }
}

impl Cache {
    /// passerelle/translations.sqlite in the platform's cache folder, if the platform has one.
    pub fn default_path() -> Option<PathBuf> {
        Some(
            dirs::cache_dir()?
                .join("passerelle")
                .join("translations.sqlite"),
        )
    }

    /// The cache a command asks for, opened: none when `off`, else the one at `given` or at
    /// the platform's default place.
    pub fn open_chosen(given: Option<&Path>, off: bool) -> Result<Option<Cache>, CacheError> {
        if off {
            return Ok(None);
        }
        let path = match given {
            Some(p) => p.to_path_buf(),
            None => Cache::default_path().ok_or_else(|| CacheError {
                path: PathBuf::from("(default)"),
                message: "no cache folder on this platform: give --cache PATH or --no-cache".into(),
            })?,
        };
        Cache::open(&path).map(Some)
    }

    /// Opens (creating it and its folder if needed) the cache at `path`.
    pub fn open(path: &Path) -> Result<Cache, CacheError> {
        let err = |message: String| CacheError {
            path: path.to_path_buf(),
            message,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| err(format!("cannot create its folder: {e}")))?;
        }
        let conn = Connection::open(path).map_err(|e| err(e.to_string()))?;
        Self::setup(&conn).map_err(|e| {
            err(format!(
                "{e} (delete the file, or run with --no-cache or another --cache path)"
            ))
        })?;
        Ok(Cache {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    /// A cache that lives in memory only, for tests and one-off library use.
    pub fn in_memory() -> Cache {
        let conn = Connection::open_in_memory().expect("SQLite opens an in-memory database");
        Self::setup(&conn).expect("a fresh in-memory database takes the schema");
        Cache {
            path: PathBuf::from(":memory:"),
            conn: Mutex::new(conn),
        }
    }

    fn setup(conn: &Connection) -> rusqlite::Result<()> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL: a killed process never corrupts the file and loses at most the batch it was
        // writing; NORMAL sync keeps commits cheap (only a power cut could lose the last ones).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != SCHEMA {
            conn.execute_batch("DROP TABLE IF EXISTS translations")?;
        }
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS translations (
                 key BLOB PRIMARY KEY,
                 backend TEXT NOT NULL,
                 translation TEXT NOT NULL,
                 created INTEGER NOT NULL
             ) WITHOUT ROWID",
        )?;
        conn.pragma_update(None, "user_version", SCHEMA)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cached translations of `keys`, in order (`None` for a miss).
    pub fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<String>>, CacheError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<Option<String>>> {
            let mut stmt =
                conn.prepare_cached("SELECT translation FROM translations WHERE key = ?1")?;
            keys.iter()
                .map(|k| stmt.query_row([&k[..]], |r| r.get(0)).optional())
                .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// Stores a finished batch in one transaction.
    pub fn put_many(&self, backend: &str, entries: &[(Key, &str)]) -> Result<(), CacheError> {
        let mut conn = self.lock();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut run = || -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT OR REPLACE INTO translations (key, backend, translation, created)
                     VALUES (?1, ?2, ?3, ?4)",
                )?;
                for (key, text) in entries {
                    stmt.execute(params![&key[..], backend, text, now])?;
                }
            }
            tx.commit()
        };
        run().map_err(|e| self.error(e))
    }

    /// How many translations the cache holds.
    pub fn len(&self) -> Result<usize, CacheError> {
        self.lock()
            .query_row("SELECT count(*) FROM translations", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as usize)
            .map_err(|e| self.error(e))
    }

    pub fn is_empty(&self) -> Result<bool, CacheError> {
        Ok(self.len()? == 0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn error(&self, e: rusqlite::Error) -> CacheError {
        CacheError {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }
}

/// The part of a cache key shared by every segment of a run.
#[derive(Debug, Clone)]
pub struct KeyPrefix(Sha256);

impl KeyPrefix {
    pub fn new(backend: &str, scope: &str, job: &Job) -> KeyPrefix {
        let mut h = Sha256::new();
        field(&mut h, b"passerelle translation cache v1");
        field(&mut h, backend.as_bytes());
        field(&mut h, scope.as_bytes());
        field(&mut h, job.source_lang.code().as_bytes());
        field(&mut h, job.target_lang.code().as_bytes());
        field(&mut h, job.context.as_deref().unwrap_or("").as_bytes());
        field(&mut h, &glossary_hash(&job.glossary));
        KeyPrefix(h)
    }

    pub fn key(&self, text: &str) -> Key {
        let mut h = self.0.clone();
        field(&mut h, text.as_bytes());
        h.finalize().into()
    }
}

/// A hash of a glossary that does not depend on the order of its entries.
pub fn glossary_hash(glossary: &[TermPair]) -> Key {
    let mut pairs: Vec<&TermPair> = glossary.iter().collect();
    pairs.sort();
    pairs.dedup();
    let mut h = Sha256::new();
    for p in pairs {
        field(&mut h, p.source.as_bytes());
        field(&mut h, p.target.as_bytes());
    }
    h.finalize().into()
}

/// Length-prefixed, so that ("ab", "c") and ("a", "bc") hash differently.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;

    fn job() -> Job {
        Job::new(Lang::Fr, Lang::En)
    }

    #[test]
    fn keys_change_with_everything_that_changes_the_output() {
        let base = KeyPrefix::new("deepl", "https://api.deepl.com|EN-US", &job()).key("Bonjour.");
        assert_eq!(
            base,
            KeyPrefix::new("deepl", "https://api.deepl.com|EN-US", &job()).key("Bonjour.")
        );
        let mut other = Vec::new();
        other.push(KeyPrefix::new("openai", "https://api.deepl.com|EN-US", &job()).key("Bonjour."));
        other.push(KeyPrefix::new("deepl", "https://api.deepl.com|EN-GB", &job()).key("Bonjour."));
        other.push(KeyPrefix::new("deepl", "https://api.deepl.com|EN-US", &job()).key("Bonjour !"));
        let mut j = job();
        j.glossary.push(TermPair::new("facture", "invoice"));
        other.push(KeyPrefix::new("deepl", "https://api.deepl.com|EN-US", &j).key("Bonjour."));
        let mut j = job();
        j.context = Some("billing".into());
        other.push(KeyPrefix::new("deepl", "https://api.deepl.com|EN-US", &j).key("Bonjour."));
        let j = Job::new(Lang::Fr, Lang::Other("de".into()));
        other.push(KeyPrefix::new("deepl", "https://api.deepl.com|EN-US", &j).key("Bonjour."));
        for k in &other {
            assert_ne!(*k, base);
        }
    }

    #[test]
    fn glossary_order_does_not_matter() {
        let a = [TermPair::new("a", "b"), TermPair::new("c", "d")];
        let b = [TermPair::new("c", "d"), TermPair::new("a", "b")];
        assert_eq!(glossary_hash(&a), glossary_hash(&b));
        assert_ne!(glossary_hash(&a), glossary_hash(&a[..1]));
    }

    #[test]
    fn stores_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cache.sqlite");
        let prefix = KeyPrefix::new("deepl", "", &job());
        {
            let cache = Cache::open(&path).unwrap();
            cache
                .put_many(
                    "deepl",
                    &[(prefix.key("Un."), "One."), (prefix.key("Deux."), "Two.")],
                )
                .unwrap();
        }
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.len().unwrap(), 2);
        assert_eq!(
            cache
                .get_many(&[prefix.key("Deux."), prefix.key("Trois.")])
                .unwrap(),
            [Some("Two.".to_string()), None]
        );
    }

    #[test]
    fn a_file_that_is_not_a_database_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        std::fs::write(
            &path,
            b"this is not sqlite, just some text that is long enough....",
        )
        .unwrap();
        let err = Cache::open(&path).unwrap_err().to_string();
        assert!(err.contains("--no-cache"), "{err}");
    }
}
