//! Which backend translates and how: the one description of a translation job's machinery that
//! the command line (`translate`, `align --backend`) and the project file's `[translate]`
//! table both fill, and the engine built from it. What differs between backends (their
//! names, keys, flags) is in each backend's file; this module goes through the list.
//!
//! This module reads no environment variable: the caller hands over a lookup
//! ([`Settings::fill_keys`]), so that keys come from wherever the caller decides and a test
//! can give its own.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::command::CommandFormat;
use super::deepl::{EnglishVariant, Formality};
use super::{AnyBackend, Cache, Engine, EngineOptions, Progress, Secret, TranslateError};
use crate::text::Lang;

pub use super::BackendName;

impl BackendName {
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn as_str(&self) -> &'static str {
        self.spec().name
    }

    /// What the backend is, in a line for help texts.
    pub fn describe(self) -> &'static str {
        self.spec().describe
    }

    /// What a user needs to know to pick the backend and set it up, for `--help`.
    pub fn details(self) -> String {
        self.spec()
            .details
            .replace("{fallbacks}", &BackendName::fallback_list())
    }

    /// The environment variable that holds the backend's key, if it takes one.
    pub fn key_variable(&self) -> Option<&'static str> {
        self.spec().key_variable
    }

    /// The backends a translation memory can send its misses to.
    pub fn fallbacks() -> impl Iterator<Item = BackendName> {
        BackendName::ALL
            .iter()
            .copied()
            .filter(|b| b.spec().fallback)
    }

    /// Their names as a command line offers them: `deepl|libretranslate|...`.
    pub fn fallback_list() -> String {
        BackendName::fallbacks()
            .map(BackendName::name)
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// The first of the list: the offline memory, which needs no key and no network.
impl Default for BackendName {
    fn default() -> BackendName {
        BackendName::ALL[0]
    }
}

impl std::fmt::Display for BackendName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the person who runs a job gives its settings, so that errors and advice name them as
/// they know them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsIn {
    /// Command-line flags (`--endpoint`, `--embed-endpoint`).
    Flags,
    /// A project file (`[translate.NAME] endpoint`, `[align.embeddings] endpoint`).
    ProjectFile,
}

impl SettingsIn {
    /// The setting that holds the URL of the backend named `backend`.
    pub fn endpoint(self, backend: &str) -> String {
        let embeddings = backend == super::embed::NAME;
        match (self, embeddings) {
            (SettingsIn::Flags, false) => "--endpoint".into(),
            (SettingsIn::Flags, true) => "--embed-endpoint".into(),
            (SettingsIn::ProjectFile, false) => format!("[translate.{backend}] endpoint"),
            (SettingsIn::ProjectFile, true) => "[align.embeddings] endpoint".into(),
        }
    }

    /// How to give that URL: `--endpoint URL`, `[translate.NAME] endpoint = "URL"`.
    pub fn endpoint_with_value(self, backend: &str) -> String {
        match self {
            SettingsIn::Flags => format!("{} URL", self.endpoint(backend)),
            SettingsIn::ProjectFile => format!("{} = \"URL\"", self.endpoint(backend)),
        }
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

impl SettingsError {
    pub(crate) fn new(key: &'static str, message: impl Into<String>) -> SettingsError {
        SettingsError {
            key,
            message: message.into(),
        }
    }
}

/// Makes [`Settings`], with a configuration field per backend, from [`super::backends!`]'s
/// list.
macro_rules! settings {
    ($($variant:ident => $field:ident: $module:ident :: $config:ident,)*) => {
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
            $(
                #[doc = concat!("`[translate.", stringify!($field), "]`, or what the flags give it.")]
                pub $field: Option<super::$module::$config>,
            )*
        }

        impl Default for Settings {
            fn default() -> Settings {
                let engine = EngineOptions::default();
                Settings {
                    backend: BackendName::default(),
                    fallback: None,
                    context: None,
                    concurrency: engine.concurrency,
                    max_retries: engine.max_retries,
                    base_delay: engine.base_delay,
                    $($field: None,)*
                }
            }
        }

        impl Settings {
            /// The configuration given for `name`, if one is.
            pub fn config(&self, name: BackendName) -> Option<AnyBackend> {
                match name {
                    $(BackendName::$variant => self.$field.clone().map(AnyBackend::$variant),)*
                }
            }

            /// Gives its backend `config`, replacing what it had.
            pub fn set_config(&mut self, config: AnyBackend) {
                match config {
                    $(AnyBackend::$variant(c) => self.$field = Some(c),)*
                }
            }
        }
    };
}

super::backends!(settings);

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
    /// The backend the flags choose (the default one without `--backend`).
    pub fn backend(&self) -> BackendName {
        self.backend.unwrap_or_default()
    }

    /// Whether `name` is the backend or its fallback.
    pub fn uses(&self, name: BackendName) -> bool {
        self.backend() == name || self.fallback == Some(name)
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
        for name in BackendName::ALL {
            name.check_flags(flags)?;
        }
        let timeout_secs = flags
            .timeout_secs
            .unwrap_or(super::DEFAULT_TIMEOUT.as_secs_f64());
        if !(timeout_secs.is_finite() && timeout_secs > 0.0) {
            return Err(SettingsError::new(
                "timeout",
                "--timeout must be a positive number of seconds",
            ));
        }
        let mut settings = Settings {
            backend: flags.backend(),
            fallback: flags.fallback,
            ..base
        };
        for &name in BackendName::ALL.iter().filter(|&&b| flags.uses(b)) {
            settings.set_config(name.config_from_flags(flags, from, to, timeout_secs)?);
        }
        Ok(settings)
    }

    /// Whether `name` is the backend or its fallback.
    pub fn uses(&self, name: BackendName) -> bool {
        self.backend == name || self.fallback == Some(name)
    }

    /// Whether a machine (not only a local memory) translates: its results are worth caching.
    pub fn machine(&self) -> bool {
        self.backend.spec().machine || self.fallback.is_some()
    }

    /// The configuration of `name`: the one given, else its default.
    fn config_or_default(&self, name: BackendName) -> Option<AnyBackend> {
        self.config(name).or_else(|| name.unconfigured())
    }

    /// Fills in the keys the settings leave out, for the backends in use, from `lookup` (given
    /// the variable's name: [`BackendName::key_variable`]). `Err` names a backend in use that
    /// still lacks the key it needs ([`Settings::missing_key`]) and how to give it, or else
    /// the endpoint of a local server instead (named as `settings_in` says).
    pub fn fill_keys(
        &mut self,
        lookup: impl Fn(&str) -> Option<Secret>,
        settings_in: SettingsIn,
    ) -> Result<(), SettingsError> {
        self.fill_keys_from(lookup);
        match self.missing_key() {
            Some(name) => Err(SettingsError::new(
                "key",
                name.missing_key_advice(&settings_in.endpoint_with_value(name.name())),
            )),
            None => Ok(()),
        }
    }

    fn fill_keys_from(&mut self, lookup: impl Fn(&str) -> Option<Secret>) {
        for &name in BackendName::ALL {
            let Some(variable) = name.key_variable() else {
                continue;
            };
            if !self.uses(name) {
                continue;
            }
            let Some(mut config) = self.config_or_default(name) else {
                continue;
            };
            if let Some(key) = config.config_mut().key() {
                if key.is_none() {
                    *key = lookup(variable);
                }
            }
            self.set_config(config);
        }
    }

    /// A backend in use that cannot work without a key it lacks (DeepL always needs one,
    /// OpenAI's own service too, a local server named by its endpoint does not).
    pub fn missing_key(&self) -> Option<BackendName> {
        BackendName::ALL.iter().copied().find(|&name| {
            self.uses(name)
                && self
                    .config_or_default(name)
                    .is_some_and(|c| c.config().key_missing())
        })
    }

    /// The backend configuration to build, its fallback included.
    pub fn backend_config(&self) -> Result<AnyBackend, SettingsError> {
        if self.fallback.is_some() && self.backend != BackendName::Tm {
            return Err(SettingsError {
                key: "fallback",
                message: "a fallback is for the tm backend (memory misses go to it)".into(),
            });
        }
        if self.fallback.is_some_and(|f| !f.spec().fallback) {
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
        self.config_or_default(name)
            .ok_or_else(|| match &name.spec().required {
                Some(required) => SettingsError::new(required.key, required.message),
                None => SettingsError::new(
                    name.name(),
                    format!("the {name} backend needs a [translate.{name}] table"),
                ),
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
        let e = s
            .clone()
            .fill_keys(|_| None, SettingsIn::Flags)
            .unwrap_err();
        assert!(e.message.contains("DEEPL_AUTH_KEY"), "{e}");
        s.fill_keys(
            |name| (name == "DEEPL_AUTH_KEY").then(|| Secret::new("k:fx")),
            SettingsIn::Flags,
        )
        .unwrap();
        assert!(s.deepl.as_ref().unwrap().api_key.is_some());
        assert!(s.openai.is_none() && s.libretranslate.is_none());
        assert_eq!(s.missing_key(), None);
        let openai = Settings {
            backend: BackendName::Openai,
            ..Settings::default()
        };
        assert_eq!(openai.missing_key(), Some(BackendName::Openai));
        let e = openai.clone().fill_keys(|_| None, SettingsIn::ProjectFile);
        let e = e.unwrap_err().message;
        assert!(e.contains("[translate.openai] endpoint = \"URL\""), "{e}");
        let e = openai.clone().fill_keys(|_| None, SettingsIn::Flags);
        assert!(e.unwrap_err().message.contains("--endpoint URL"));
    }

    #[test]
    fn advice_names_the_setting_where_it_was_given() {
        use crate::translate::embed::NAME;
        assert_eq!(SettingsIn::Flags.endpoint("deepl"), "--endpoint");
        assert_eq!(SettingsIn::Flags.endpoint(NAME), "--embed-endpoint");
        let file = SettingsIn::ProjectFile;
        assert_eq!(file.endpoint("deepl"), "[translate.deepl] endpoint");
        assert_eq!(file.endpoint(NAME), "[align.embeddings] endpoint");
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
