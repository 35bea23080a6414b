//! LibreTranslate: `POST /translate` with `q` as an array (one request per batch), `source`,
//! `target`, `format: "text"` and the optional `api_key` in the JSON body; `GET /languages`
//! once per run to check that the server offers the language pair.
//!
//! Errors come as `{"error": "..."}` and are shown as the server wrote them. A 400 saying the
//! request "exceeds text limit" or "exceeds ... limit" is the operator's batch or character
//! limit: the batch is split rather than the run stopped. LibreTranslate has no glossary
//! support, so glossaries are not sent (the checker still verifies the terms).

use serde::{Deserialize, Serialize};

use super::http::{self, Reply};
use super::{
    Backend, BackendConfig, BackendError, BackendSpec, BatchRequest, BoxFuture, Capabilities,
    ConfigError, Flags, Job, MalformedPolicy, Secret, SettingsError, Shield, Translation,
    DEFAULT_TIMEOUT,
};
use crate::text::Lang;

pub const BACKEND: BackendSpec = BackendSpec {
    name: "libretranslate",
    describe: "LibreTranslate server",
    details: "LibreTranslate, http://localhost:5000 by default. Optional key in \
              LIBRETRANSLATE_API_KEY.",
    key_variable: Some("LIBRETRANSLATE_API_KEY"),
    machine: true,
    fallback: true,
    required: None,
};

pub const DEFAULT_ENDPOINT: &str = "http://localhost:5000";

// Every field may be left out; a missing one takes `Default`'s value.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LibreTranslateConfig {
    pub api_key: Option<Secret>,
    /// Base URL, `http://localhost:5000` by default.
    pub endpoint: Option<String>,
    pub max_texts: usize,
    pub max_bytes: usize,
    pub timeout_secs: f64,
}

impl Default for LibreTranslateConfig {
    fn default() -> LibreTranslateConfig {
        LibreTranslateConfig {
            api_key: None,
            endpoint: None,
            max_texts: 32,
            max_bytes: 16 * 1024,
            timeout_secs: DEFAULT_TIMEOUT.as_secs_f64(),
        }
    }
}

impl BackendConfig for LibreTranslateConfig {
    fn build(&self) -> Result<std::sync::Arc<dyn Backend>, ConfigError> {
        Ok(std::sync::Arc::new(LibreTranslate::new(self.clone())?))
    }

    fn from_flags(
        flags: &Flags,
        _from: &Lang,
        _to: &Lang,
        timeout_secs: f64,
    ) -> Result<LibreTranslateConfig, SettingsError> {
        Ok(LibreTranslateConfig {
            endpoint: flags.endpoint.clone(),
            timeout_secs,
            ..LibreTranslateConfig::default()
        })
    }

    fn unconfigured() -> Option<LibreTranslateConfig> {
        Some(LibreTranslateConfig::default())
    }

    /// The key is optional: many servers take none.
    fn key(&mut self) -> Option<&mut Option<Secret>> {
        Some(&mut self.api_key)
    }
}

pub struct LibreTranslate {
    config: LibreTranslateConfig,
    endpoint: String,
    client: reqwest::Client,
    timeout: std::time::Duration,
}

impl LibreTranslate {
    pub fn new(config: LibreTranslateConfig) -> Result<LibreTranslate, ConfigError> {
        let endpoint = http::endpoint(
            "libretranslate",
            config.endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT),
        )?;
        let (client, timeout) = http::checked_client(
            "libretranslate",
            config.timeout_secs,
            &[
                ("max_texts", config.max_texts),
                ("max_bytes", config.max_bytes),
            ],
        )?;
        Ok(LibreTranslate {
            client,
            endpoint,
            timeout,
            config,
        })
    }

    fn error(&self, reply: &Reply) -> BackendError {
        #[derive(Deserialize)]
        struct ErrorBody {
            error: String,
        }
        let message = match serde_json::from_slice::<ErrorBody>(&reply.body) {
            Ok(e) => e.error,
            Err(_) => http::snippet(&reply.body),
        };
        let message = http::clean_message(&message, self.config.api_key.as_ref());
        let status = reply.status.as_u16();
        if status == 400 && message.contains("exceeds") && message.contains("limit") {
            return BackendError::TooLarge(format!("HTTP 400: {message}"));
        }
        if status == 403 {
            return BackendError::Auth(format!(
                "HTTP 403: {message} (set LIBRETRANSLATE_API_KEY to a key this server accepts)"
            ));
        }
        http::classify(reply, message)
    }

    async fn check_languages(&self, job: &Job) -> Result<(), BackendError> {
        #[derive(Deserialize)]
        struct Language {
            code: String,
            #[serde(default)]
            targets: Option<Vec<String>>,
        }
        let url = http::join(&self.endpoint, "/languages");
        let reply = http::send(self.client.get(&url), &url, self.timeout).await?;
        if !reply.status.is_success() {
            return Err(self.error(&reply));
        }
        let languages: Vec<Language> = reply.json("libretranslate /languages")?;
        let (source, target) = (job.source_lang.code(), job.target_lang.code());
        let offered = |code: &str| languages.iter().find(|l| l.code == code);
        let Some(from) = offered(source) else {
            let codes: Vec<&str> = languages.iter().map(|l| l.code.as_str()).collect();
            return Err(BackendError::BadRequest(format!(
                "the server at {} does not translate from '{source}' (it knows: {})",
                self.endpoint,
                codes.join(", ")
            )));
        };
        // Older servers list no targets: any listed language is then a target.
        let ok = match &from.targets {
            Some(targets) => targets.iter().any(|t| t == target),
            None => offered(target).is_some(),
        };
        if !ok {
            return Err(BackendError::BadRequest(format!(
                "the server at {} does not translate '{source}' into '{target}'",
                self.endpoint
            )));
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct TranslateBody<'a> {
    q: &'a [String],
    source: &'a str,
    target: &'a str,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<&'a str>,
}

impl Backend for LibreTranslate {
    fn name(&self) -> &str {
        "libretranslate"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            max_texts: self.config.max_texts,
            max_bytes: self.config.max_bytes,
            glossary: false,
            context: false,
            on_malformed: MalformedPolicy::RetryOnce,
            shield: Shield::Markers,
        }
    }

    fn cache_scope(&self) -> Option<String> {
        Some(self.endpoint.clone())
    }

    fn prepare<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), BackendError>> {
        Box::pin(self.check_languages(job))
    }

    fn translate<'a>(
        &'a self,
        req: BatchRequest<'a>,
    ) -> BoxFuture<'a, Result<Vec<Translation>, BackendError>> {
        Box::pin(async move {
            let body = TranslateBody {
                q: req.texts,
                source: req.job.source_lang.code(),
                target: req.job.target_lang.code(),
                format: "text",
                api_key: self.config.api_key.as_ref().map(Secret::expose),
            };
            let url = http::join(&self.endpoint, "/translate");
            let reply = http::send(self.client.post(&url).json(&body), &url, self.timeout).await?;
            if !reply.status.is_success() {
                return Err(self.error(&reply));
            }
            #[derive(Deserialize)]
            #[serde(untagged)]
            enum Texts {
                Many(Vec<String>),
                One(String),
            }
            #[derive(Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct Reply {
                translated_text: Texts,
            }
            let texts = match reply.json::<Reply>("libretranslate")?.translated_text {
                Texts::Many(v) => v,
                Texts::One(s) => vec![s],
            };
            if texts.len() != req.texts.len() {
                return Err(BackendError::Malformed(format!(
                    "libretranslate returned {} translations for {} texts",
                    texts.len(),
                    req.texts.len()
                )));
            }
            Ok(texts.into_iter().map(Translation::machine).collect())
        })
    }
}
