//! Which backend translates and how: the one description of a translation job's machinery that
//! the command line (`translate`, `align --backend`) and the project file's `[translate]`
//! table both fill, the list of backend names they accept, the environment variables that
//! hold their keys, and the engine built from it all.
//!
//! This module reads no environment variable: the caller hands over a lookup
//! ([`Settings::fill_keys`]), so that keys come from wherever the caller decides and a test
//! can give its own.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::command::{CommandConfig, CommandFormat};
use super::deepl::{DeeplConfig, EnglishVariant, Formality};
use super::libretranslate::LibreTranslateConfig;
use super::memory::MemoryConfig;
use super::openai::OpenAiConfig;
use super::{AnyBackend, Cache, Engine, EngineOptions, Progress, Secret, TranslateError};
use crate::text::Lang;

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

    /// What a user needs to know to pick the backend and set it up, for `--help`.
    pub fn details(self) -> &'static str {
        match self {
            BackendName::Tm => {
                "offline translation memory, the default: no key, no network. --memory FILE \
                 (TMX 1.4b, or TSV of French<TAB>English; repeatable), exact and fuzzy matches \
                 (--threshold PCT, 75 by default). Segments without a match are left empty and \
                 counted on stderr, or sent to --fallback deepl|libretranslate|openai|command."
            }
            BackendName::Deepl => {
                "DeepL API v2. Key in DEEPL_AUTH_KEY (a key ending in :fx goes to the Free \
                 host). --target-variant en-us|en-gb, --formality, --context. The glossary is \
                 created on the account once and reused."
            }
            BackendName::Libretranslate => {
                "LibreTranslate, http://localhost:5000 by default. Optional key in \
                 LIBRETRANSLATE_API_KEY."
            }
            BackendName::Openai => {
                "an OpenAI-compatible chat server, with --model NAME: OpenAI (key in \
                 OPENAI_API_KEY), Ollama (--endpoint http://localhost:11434/v1), llama.cpp \
                 server (--endpoint http://localhost:8080/v1), vLLM. The glossary terms of each \
                 batch go into the prompt."
            }
            BackendName::Command => {
                "an external program, given after `--`. It reads one segment per line on stdin \
                 and prints one translation per line (--command-format jsonl for JSON lines). \
                 PASSERELLE_SOURCE_LANG and PASSERELLE_TARGET_LANG are set for it."
            }
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

impl BackendName {
    /// What to do about the key this backend lacks; `endpoint` says how to name a local
    /// server (a flag, or a key of the project file).
    pub fn missing_key_advice(self, endpoint: &str) -> String {
        let variable = self.key_variable().unwrap_or_default();
        match self {
            BackendName::Deepl => format!(
                "the deepl backend needs a key: set {variable} (Free keys end in :fx and use \
                 https://api-free.deepl.com)"
            ),
            _ => format!(
                "the {self} backend needs {variable} for its own service, or {endpoint} for a \
                 local server (Ollama: http://localhost:11434/v1, llama.cpp: \
                 http://localhost:8080/v1)"
            ),
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

/// The backend settings of a command line (`translate`, `align --backend`): one endpoint,
/// model and timeout, for whichever service is in use (with `tm`, for its fallback).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub backend: Option<BackendName>,
    pub fallback: Option<BackendName>,
    pub memories: Vec<PathBuf>,
    /// Lowest fuzzy match percentage of the memory.
    pub threshold: u8,
    pub endpoint: Option<String>,
    pub model: Option<String>,
    pub timeout_secs: Option<f64>,
    pub target_variant: EnglishVariant,
    pub formality: Formality,
    /// The program of the `command` backend and its arguments.
    pub program: Vec<String>,
    pub command_format: CommandFormat,
}

impl Flags {
    fn uses(&self, name: BackendName) -> bool {
        self.backend.unwrap_or(BackendName::Tm) == name || self.fallback == Some(name)
    }
}

impl Settings {
    /// `base` (what every backend shares) with the configuration of each backend `flags` put
    /// in use, for translating `from` into `to`. The error is a whole sentence of advice,
    /// `key` naming the flag without its dashes.
    pub fn from_flags(
        base: Settings,
        flags: &Flags,
        from: &Lang,
        to: &Lang,
    ) -> Result<Settings, SettingsError> {
        let fail = |key: &'static str, message: &str| {
            Err(SettingsError {
                key,
                message: message.into(),
            })
        };
        let backend = flags.backend.unwrap_or(BackendName::Tm);
        if backend != BackendName::Tm && !flags.memories.is_empty() {
            return fail(
                "memory",
                "--memory is for --backend tm (to use a memory before a service, give \
                 --backend tm --fallback NAME)",
            );
        }
        if backend == BackendName::Tm && flags.memories.is_empty() {
            return fail(
                "memory",
                "the tm backend needs a translation memory: give --memory FILE (TMX, or TSV of \
                 French<TAB>English pairs), or choose a machine translation backend with \
                 --backend deepl|libretranslate|openai|command",
            );
        }
        if !flags.program.is_empty() && !flags.uses(BackendName::Command) {
            return fail(
                "command",
                "a program after `--` is for --backend command (or --fallback command)",
            );
        }
        let timeout_secs = flags
            .timeout_secs
            .unwrap_or(super::DEFAULT_TIMEOUT.as_secs_f64());
        if !(timeout_secs.is_finite() && timeout_secs > 0.0) {
            return fail("timeout", "--timeout must be a positive number of seconds");
        }
        let mut settings = Settings {
            backend,
            fallback: flags.fallback,
            ..base
        };
        if backend == BackendName::Tm {
            let mut memory = MemoryConfig::new(flags.memories.clone());
            memory.threshold = flags.threshold;
            memory.source_lang = from.code().to_string();
            memory.target_lang = to.code().to_string();
            settings.tm = Some(memory);
        }
        if flags.uses(BackendName::Deepl) {
            settings.deepl = Some(DeeplConfig {
                endpoint: flags.endpoint.clone(),
                target_variant: flags.target_variant,
                formality: flags.formality,
                timeout_secs,
                ..DeeplConfig::default()
            });
        }
        if flags.uses(BackendName::Libretranslate) {
            settings.libretranslate = Some(LibreTranslateConfig {
                endpoint: flags.endpoint.clone(),
                timeout_secs,
                ..LibreTranslateConfig::default()
            });
        }
        if flags.uses(BackendName::Openai) {
            settings.openai = Some(OpenAiConfig {
                endpoint: flags.endpoint.clone(),
                model: flags.model.clone(),
                timeout_secs,
                ..OpenAiConfig::default()
            });
        }
        if flags.uses(BackendName::Command) {
            let Some((program, rest)) = flags.program.split_first() else {
                return fail(
                    "command",
                    "the command backend needs a program after `--`, e.g. passerelle translate \
                     FILE --backend command -- translateLocally -m fr-en-tiny",
                );
            };
            let mut config = CommandConfig::new(program.clone(), rest.to_vec());
            config.format = flags.command_format;
            config.timeout_secs = timeout_secs;
            settings.command = Some(config);
        }
        Ok(settings)
    }

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
    fn flags_configure_the_backends_in_use_only() {
        let (fr, en) = (Lang::Fr, Lang::En);
        let flags = Flags {
            memories: vec!["tm.tmx".into()],
            fallback: Some(BackendName::Openai),
            endpoint: Some("http://localhost:11434/v1".into()),
            timeout_secs: Some(3.0),
            threshold: 80,
            ..Flags::default()
        };
        let s = Settings::from_flags(Settings::default(), &flags, &fr, &en).unwrap();
        assert_eq!(s.tm.as_ref().unwrap().threshold, 80);
        let openai = s.openai.as_ref().unwrap();
        assert_eq!(openai.timeout_secs, 3.0);
        assert_eq!(
            openai.endpoint.as_deref(),
            Some("http://localhost:11434/v1")
        );
        assert!(s.deepl.is_none() && s.command.is_none());
        let error = |flags: Flags| Settings::from_flags(Settings::default(), &flags, &fr, &en);
        assert_eq!(error(Flags::default()).unwrap_err().key, "memory");
        let stray_memory = Flags {
            backend: Some(BackendName::Deepl),
            memories: vec!["tm.tmx".into()],
            ..Flags::default()
        };
        assert_eq!(error(stray_memory).unwrap_err().key, "memory");
        let stray_program = Flags {
            backend: Some(BackendName::Deepl),
            program: vec!["cat".into()],
            ..Flags::default()
        };
        assert_eq!(error(stray_program).unwrap_err().key, "command");
        let no_program = Flags {
            backend: Some(BackendName::Command),
            ..Flags::default()
        };
        assert_eq!(error(no_program).unwrap_err().key, "command");
        let bad_timeout = Flags {
            backend: Some(BackendName::Libretranslate),
            timeout_secs: Some(f64::NAN),
            ..Flags::default()
        };
        assert_eq!(error(bad_timeout).unwrap_err().key, "timeout");
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
