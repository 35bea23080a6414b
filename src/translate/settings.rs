//! Which backend translates and how: the one description of a translation job's machinery that
//! the command line (`translate`, `align --backend`) and the project file's `[translate]`
//! table both fill, the list of backend names they accept, the environment variables that
//! hold their keys, and the engine built from it all.
//!
//! This module reads no environment variable: the caller hands over a lookup
//! ([`Settings::fill_keys`]), so that keys come from wherever the caller decides and a test
//! can give its own.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::command::CommandConfig;
use super::deepl::DeeplConfig;
use super::libretranslate::LibreTranslateConfig;
use super::memory::MemoryConfig;
use super::openai::OpenAiConfig;
use super::{AnyBackend, Cache, Engine, EngineOptions, Progress, Secret, TranslateError};

/// The translation backends, by the name the command line and project files give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendName {
    Tm,
    Deepl,
    Libretranslate,
    Openai,
    Command,
}

impl BackendName {
    pub const ALL: [BackendName; 5] = [
        BackendName::Tm,
        BackendName::Deepl,
        BackendName::Libretranslate,
        BackendName::Openai,
        BackendName::Command,
    ];

    /// The backends a translation memory can send its misses to.
    pub const FALLBACKS: [BackendName; 4] = [
        BackendName::Deepl,
        BackendName::Libretranslate,
        BackendName::Openai,
        BackendName::Command,
    ];

    pub fn name(self) -> &'static str {
        self.as_str()
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            BackendName::Tm => "tm",
            BackendName::Deepl => "deepl",
            BackendName::Libretranslate => "libretranslate",
            BackendName::Openai => "openai",
            BackendName::Command => "command",
        }
    }

    /// What the backend is, in a line for help texts.
    pub fn describe(self) -> &'static str {
        match self {
            BackendName::Tm => "offline translation memory (TMX or TSV)",
            BackendName::Deepl => "DeepL API v2",
            BackendName::Libretranslate => "LibreTranslate server",
            BackendName::Openai => {
                "OpenAI-compatible chat completions (OpenAI, Ollama, llama.cpp, vLLM)"
            }
            BackendName::Command => "external program reading stdin, writing stdout",
        }
    }

    /// The environment variable that holds the backend's key, if it takes one.
    pub fn key_variable(&self) -> Option<&'static str> {
        match self {
            BackendName::Deepl => Some("DEEPL_AUTH_KEY"),
            BackendName::Libretranslate => Some("LIBRETRANSLATE_API_KEY"),
            BackendName::Openai => Some("OPENAI_API_KEY"),
            BackendName::Tm | BackendName::Command => None,
        }
    }
}

impl fmt::Display for BackendName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A setting that is missing or contradicts another: `key` is the setting's name under
/// `[translate]` (`tm.memories`, `fallback`), which the caller turns into a flag or a line of
/// its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SettingsError {
    pub key: &'static str,
    pub message: String,
}

/// Who translates, with what, how hard to try.
#[derive(Debug, Clone)]
pub struct Settings {
    pub backend: BackendName,
    /// With `tm`: where segments the memory has no match for go.
    pub fallback: Option<BackendName>,
    /// A description of the text, for backends that take one.
    pub context: Option<String>,
    /// Most requests in flight at once.
    pub concurrency: usize,
    /// Most retries of one request.
    pub max_retries: u32,
    /// First backoff delay.
    pub base_delay: Duration,
    pub tm: Option<MemoryConfig>,
    pub deepl: Option<DeeplConfig>,
    pub libretranslate: Option<LibreTranslateConfig>,
    pub openai: Option<OpenAiConfig>,
    pub command: Option<CommandConfig>,
}

impl Default for Settings {
    fn default() -> Settings {
        let engine = EngineOptions::default();
        Settings {
            backend: BackendName::Tm,
            fallback: None,
            context: None,
            concurrency: engine.concurrency,
            max_retries: engine.max_retries,
            base_delay: engine.base_delay,
            tm: None,
            deepl: None,
            libretranslate: None,
            openai: None,
            command: None,
        }
    }
}

impl Settings {
    /// Whether `name` is the backend or its fallback.
    pub fn uses(&self, name: BackendName) -> bool {
        self.backend == name || self.fallback == Some(name)
    }

    /// Whether a machine (not only a local memory) translates: its results are worth caching.
    pub fn machine(&self) -> bool {
        self.backend != BackendName::Tm || self.fallback.is_some()
    }

    /// Fills in the keys the settings leave out, for the backends in use, from `lookup` (given
    /// the variable's name: [`BackendName::key_variable`]).
    pub fn fill_keys(&mut self, lookup: impl Fn(&str) -> Option<Secret>) {
        let key = |name: BackendName| name.key_variable().and_then(&lookup);
        if self.uses(BackendName::Deepl) {
            let c = self.deepl.get_or_insert_with(DeeplConfig::default);
            if c.api_key.is_none() {
                c.api_key = key(BackendName::Deepl);
            }
        }
        if self.uses(BackendName::Libretranslate) {
            let c = self
                .libretranslate
                .get_or_insert_with(LibreTranslateConfig::default);
            if c.api_key.is_none() {
                c.api_key = key(BackendName::Libretranslate);
            }
        }
        if self.uses(BackendName::Openai) {
            let c = self.openai.get_or_insert_with(OpenAiConfig::default);
            if c.api_key.is_none() {
                c.api_key = key(BackendName::Openai);
            }
        }
    }

    /// A backend in use that cannot work without a key it lacks: DeepL always needs one,
    /// OpenAI's own service too (a local server named by its endpoint does not).
    pub fn missing_key(&self) -> Option<BackendName> {
        if self.uses(BackendName::Deepl) && self.deepl.as_ref().is_none_or(|c| c.api_key.is_none())
        {
            return Some(BackendName::Deepl);
        }
        let openai_unreachable = |c: &OpenAiConfig| c.api_key.is_none() && c.endpoint.is_none();
        if self.uses(BackendName::Openai) && self.openai.as_ref().is_none_or(openai_unreachable) {
            return Some(BackendName::Openai);
        }
        None
    }

    /// The backend configuration to build, its fallback included.
    pub fn backend_config(&self) -> Result<AnyBackend, SettingsError> {
        if self.fallback.is_some() && self.backend != BackendName::Tm {
            return Err(SettingsError {
                key: "fallback",
                message: "a fallback is for the tm backend (memory misses go to it)".into(),
            });
        }
        if self.fallback == Some(BackendName::Tm) {
            return Err(SettingsError {
                key: "fallback",
                message: "the fallback must be a machine translation backend".into(),
            });
        }
        let primary = self.service(self.backend)?;
        match (primary, self.fallback) {
            (AnyBackend::Tm(mut memory), Some(fallback)) => {
                if memory.fallback.is_some() {
                    return Err(SettingsError {
                        key: "fallback",
                        message: "give the fallback either as translate.fallback or as \
                                  translate.tm.fallback, not both"
                            .into(),
                    });
                }
                memory.fallback = Some(Box::new(self.service(fallback)?));
                Ok(AnyBackend::Tm(memory))
            }
            (config, _) => Ok(config),
        }
    }

    fn service(&self, name: BackendName) -> Result<AnyBackend, SettingsError> {
        Ok(match name {
            BackendName::Tm => AnyBackend::Tm(self.tm.clone().ok_or_else(|| {
                SettingsError {
                    key: "tm.memories",
                    message: "the tm backend needs a translation memory (TMX, or TSV of \
                          source<TAB>target pairs)"
                        .into(),
                }
            })?),
            BackendName::Deepl => AnyBackend::Deepl(self.deepl.clone().unwrap_or_default()),
            BackendName::Libretranslate => {
                AnyBackend::LibreTranslate(self.libretranslate.clone().unwrap_or_default())
            }
            BackendName::Openai => AnyBackend::Openai(self.openai.clone().unwrap_or_default()),
            BackendName::Command => {
                AnyBackend::Command(self.command.clone().ok_or_else(|| SettingsError {
                    key: "command.program",
                    message: "the command backend needs a program to run".into(),
                })?)
            }
        })
    }

    /// How the engine batches and retries.
    pub fn engine_options(&self) -> EngineOptions {
        EngineOptions {
            concurrency: self.concurrency,
            max_retries: self.max_retries,
            base_delay: self.base_delay,
            ..EngineOptions::default()
        }
    }

    /// The engine for `config` (from [`Settings::backend_config`]), with its fallback, the
    /// cache and where progress goes.
    pub fn engine(
        &self,
        config: &AnyBackend,
        cache: Option<Arc<Cache>>,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<Engine, TranslateError> {
        let mut engine = Engine::new(config.build()?).with_options(self.engine_options());
        if let Some(fallback) = config.fallback() {
            engine = engine.with_fallback(fallback.build()?);
        }
        if let Some(cache) = cache {
            engine = engine.with_cache(cache);
        }
        if let Some(progress) = progress {
            engine = engine.with_progress(progress);
        }
        Ok(engine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_filled_only_for_the_backends_in_use() {
        let mut s = Settings {
            backend: BackendName::Tm,
            fallback: Some(BackendName::Deepl),
            ..Settings::default()
        };
        assert_eq!(s.missing_key(), Some(BackendName::Deepl));
        s.fill_keys(|name| (name == "DEEPL_AUTH_KEY").then(|| Secret::new("k:fx")));
        assert!(s.deepl.as_ref().unwrap().api_key.is_some());
        assert!(s.openai.is_none() && s.libretranslate.is_none());
        assert_eq!(s.missing_key(), None);
        let openai = Settings {
            backend: BackendName::Openai,
            ..Settings::default()
        };
        assert_eq!(openai.missing_key(), Some(BackendName::Openai));
    }

    #[test]
    fn contradictions_name_their_setting() {
        let s = Settings {
            backend: BackendName::Deepl,
            fallback: Some(BackendName::Openai),
            ..Settings::default()
        };
        assert_eq!(s.backend_config().unwrap_err().key, "fallback");
        let s = Settings::default();
        assert_eq!(s.backend_config().unwrap_err().key, "tm.memories");
        let s = Settings {
            backend: BackendName::Command,
            ..Settings::default()
        };
        assert_eq!(s.backend_config().unwrap_err().key, "command.program");
    }
}
