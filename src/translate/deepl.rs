//! DeepL API v2: `POST /v2/translate` with the key in `Authorization: DeepL-Auth-Key`, and
//! glossaries through `/v2/glossaries`.
//!
//! The host follows the key (a key ending in `:fx` is a Free key and goes to
//! `api-free.deepl.com`, any other to `api.deepl.com`) unless an endpoint is given.
//! `source_lang` is always sent (DeepL requires it with a glossary, and guessing the language
//! of a short segment is a needless risk); English targets are `EN-US` or `EN-GB`. Batches stay
//! under the 128 KiB request limit (a 413 splits them) and hold at most 50 texts by default.
//! The glossary is created once from the run's pairs, named after a hash of its content, and
//! found again by that name on later runs, so each distinct glossary is created once per
//! account; its `glossary_id` goes with every request. 456 (quota used up) stops the run, and
//! a 403 explains the Free/Pro host mix-up that causes most of them. A batch with
//! placeholders, tags or URLs goes as XML (`tag_handling=xml`) with each of them inside an
//! ignored `<ph>` tag ([`super::shield`]); a batch of plain prose goes as it is.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::http::{self, Reply};
use super::{
    shield, Backend, BackendConfig, BackendError, BackendSpec, BatchRequest, BoxFuture,
    Capabilities, ConfigError, Flags, Job, MalformedPolicy, Secret, SettingsError, Shield,
    Translation, DEFAULT_TIMEOUT,
};
use crate::text::Lang;

pub const BACKEND: BackendSpec = BackendSpec {
    name: "deepl",
    describe: "DeepL API v2",
    details: "DeepL API v2. Key in DEEPL_AUTH_KEY (a key ending in :fx goes to the Free host). \
              --target-variant en-us|en-gb, --formality, --context. The glossary is created on \
              the account once and reused.",
    key_variable: Some("DEEPL_AUTH_KEY"),
    machine: true,
    fallback: true,
    required: None,
};

pub const FREE_ENDPOINT: &str = "https://api-free.deepl.com";
pub const PRO_ENDPOINT: &str = "https://api.deepl.com";
/// DeepL's limit on the whole request body.
pub const MAX_BODY: usize = 128 * 1024;

/// English variant for `target_lang` (DeepL deprecates plain `EN`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnglishVariant {
    #[default]
    EnUs,
    EnGb,
}

/// Formality. Plain `more`/`less` are sent as `prefer_more`/`prefer_less`: DeepL rejects the
/// plain forms for targets without formality, English among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Formality {
    #[default]
    Default,
    #[serde(alias = "prefer_more", alias = "prefer-more")]
    More,
    #[serde(alias = "prefer_less", alias = "prefer-less")]
    Less,
}

impl EnglishVariant {
    pub const ALL: [EnglishVariant; 2] = [EnglishVariant::EnUs, EnglishVariant::EnGb];

    pub fn name(self) -> &'static str {
        match self {
            EnglishVariant::EnUs => "en-us",
            EnglishVariant::EnGb => "en-gb",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            EnglishVariant::EnUs => "American English",
            EnglishVariant::EnGb => "British English",
        }
    }
}

impl Formality {
    pub const ALL: [Formality; 3] = [Formality::Default, Formality::More, Formality::Less];

    pub fn name(self) -> &'static str {
        match self {
            Formality::Default => "default",
            Formality::More => "more",
            Formality::Less => "less",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Formality::Default => "the engine's default",
            Formality::More => {
                "sent as prefer_more, which never fails on languages without formality"
            }
            Formality::Less => "sent as prefer_less",
        }
    }

    fn wire(self) -> Option<&'static str> {
        match self {
            Formality::Default => None,
            Formality::More => Some("prefer_more"),
            Formality::Less => Some("prefer_less"),
        }
    }
}

// Every field may be left out; a missing one takes `Default`'s value.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeeplConfig {
    pub api_key: Option<Secret>,
    /// Base URL (`https://api-free.deepl.com`); by default chosen from the key.
    pub endpoint: Option<String>,
    pub target_variant: EnglishVariant,
    pub formality: Formality,
    pub preserve_formatting: bool,
    pub max_texts: usize,
    pub timeout_secs: f64,
}

impl Default for DeeplConfig {
    fn default() -> DeeplConfig {
        DeeplConfig {
            api_key: None,
            endpoint: None,
            target_variant: EnglishVariant::EnUs,
            formality: Formality::Default,
            preserve_formatting: true,
            max_texts: 50,
            timeout_secs: DEFAULT_TIMEOUT.as_secs_f64(),
        }
    }
}

impl BackendConfig for DeeplConfig {
    fn build(&self) -> Result<std::sync::Arc<dyn Backend>, ConfigError> {
        Ok(std::sync::Arc::new(Deepl::new(self.clone())?))
    }

    fn from_flags(
        flags: &Flags,
        _from: &Lang,
        _to: &Lang,
        timeout_secs: f64,
    ) -> Result<DeeplConfig, SettingsError> {
        Ok(DeeplConfig {
            endpoint: flags.endpoint.clone(),
            target_variant: flags.target_variant,
            formality: flags.formality,
            timeout_secs,
            ..DeeplConfig::default()
        })
    }

    fn unconfigured() -> Option<DeeplConfig> {
        Some(DeeplConfig::default())
    }

    fn key(&mut self) -> Option<&mut Option<Secret>> {
        Some(&mut self.api_key)
    }

    /// DeepL has no keyless service.
    fn key_missing(&self) -> bool {
        self.api_key.is_none()
    }

    fn missing_key_advice(spec: &BackendSpec, _endpoint: &str) -> String {
        format!(
            "the deepl backend needs a key: set {} (Free keys end in :fx and use \
             https://api-free.deepl.com)",
            spec.key_variable.unwrap_or_default()
        )
    }
}

/// Whether a key is a DeepL API Free key (as DeepL's own clients decide).
pub fn is_free_key(key: &str) -> bool {
    key.trim_end().ends_with(":fx")
}

pub struct Deepl {
    config: DeeplConfig,
    key: Secret,
    endpoint: String,
    client: reqwest::Client,
    timeout: std::time::Duration,
    /// The glossary made for this run: (hash of its entries, glossary_id).
    glossary: Mutex<Option<(String, String)>>,
}

impl Deepl {
    pub fn new(config: DeeplConfig) -> Result<Deepl, ConfigError> {
        let key = config
            .api_key
            .clone()
            .filter(|k| !k.expose().trim().is_empty())
            .ok_or_else(|| ConfigError::invalid("deepl", "an authentication key is needed"))?;
        let endpoint = match &config.endpoint {
            Some(e) => e.as_str(),
            None if is_free_key(key.expose()) => FREE_ENDPOINT,
            None => PRO_ENDPOINT,
        };
        let endpoint = http::endpoint("deepl", endpoint)?;
        let (client, timeout) = http::checked_client(
            "deepl",
            config.timeout_secs,
            &[("max_texts", config.max_texts)],
        )?;
        Ok(Deepl {
            client,
            key,
            endpoint,
            timeout,
            config,
            glossary: Mutex::new(None),
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn target_lang(&self, lang: &Lang) -> String {
        match (lang, self.config.target_variant) {
            (Lang::En, EnglishVariant::EnUs) => "EN-US".into(),
            (Lang::En, EnglishVariant::EnGb) => "EN-GB".into(),
            (other, _) => other.code().to_ascii_uppercase(),
        }
    }

    fn auth(&self) -> String {
        format!("DeepL-Auth-Key {}", self.key.expose())
    }

    /// The error a non-2xx reply stands for, in DeepL's terms.
    fn error(&self, reply: &Reply) -> BackendError {
        #[derive(Deserialize)]
        struct ErrorBody {
            message: Option<String>,
            detail: Option<String>,
        }
        let message = match serde_json::from_slice::<ErrorBody>(&reply.body) {
            Ok(ErrorBody { message, detail }) => {
                let parts: Vec<String> = message.into_iter().chain(detail).collect();
                parts.join(": ")
            }
            Err(_) if reply.body.iter().all(u8::is_ascii_whitespace) => String::new(),
            Err(_) => http::snippet(&reply.body),
        };
        let message = http::clean_message(&message, Some(&self.key));
        match reply.status.as_u16() {
            403 => BackendError::Auth(self.explain_403(&message)),
            456 => BackendError::Quota(format!(
                "HTTP 456{}: the character quota of this DeepL key is used up; the run stops \
                 (segments translated so far are cached)",
                colon(&message)
            )),
            // 529 is DeepL's "too many requests" too.
            529 => BackendError::RateLimited {
                retry_after: reply.retry_after(),
                message: format!("HTTP 529{}", colon(&message)),
            },
            _ => http::classify(reply, message),
        }
    }

    fn explain_403(&self, message: &str) -> String {
        let free = is_free_key(self.key.expose());
        let kind = if free {
            "a Free key (it ends in :fx)"
        } else {
            "a Pro key"
        };
        let right = if free { FREE_ENDPOINT } else { PRO_ENDPOINT };
        let host_hint = if self.endpoint == FREE_ENDPOINT || self.endpoint == PRO_ENDPOINT {
            if self.endpoint == right {
                "the key is wrong, revoked, or not allowed to use this endpoint".to_string()
            } else {
                format!("it works only with {right}, not {}", self.endpoint)
            }
        } else {
            format!(
                "check the key, and that the endpoint {} is right for it ({right})",
                self.endpoint
            )
        };
        format!(
            "DeepL refused the key (HTTP 403{}); this is {kind}: {host_hint}. Free keys work \
             only with {FREE_ENDPOINT}, Pro keys only with {PRO_ENDPOINT}",
            colon(message)
        )
    }

    async fn post_json(&self, path: &str, body: &[u8]) -> Result<Reply, BackendError> {
        let url = http::join(&self.endpoint, path);
        let request = self
            .client
            .post(&url)
            .header(reqwest::header::AUTHORIZATION, self.auth())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        http::send(request, &url, self.timeout).await
    }

    /// Finds this glossary on the account, or creates it; returns its id.
    async fn ensure_glossary(&self, job: &Job) -> Result<Option<String>, BackendError> {
        let Some(entries) = glossary_tsv(&job.glossary) else {
            return Ok(None);
        };
        let source = job.source_lang.code().to_string();
        let target = job.target_lang.code().to_string();
        let mut h = Sha256::new();
        for part in [&source, &target, &entries] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        let hash: String = h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if let Some((h, id)) = self
            .glossary
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            if h == hash {
                return Ok(Some(id));
            }
        }
        let name = format!("passerelle-{hash}");

        #[derive(Deserialize)]
        struct Glossary {
            glossary_id: String,
            name: String,
            #[serde(default)]
            source_lang: String,
            #[serde(default)]
            target_lang: String,
        }
        #[derive(Deserialize)]
        struct List {
            glossaries: Vec<Glossary>,
        }

        let url = http::join(&self.endpoint, "/v2/glossaries");
        let request = self
            .client
            .get(&url)
            .header(reqwest::header::AUTHORIZATION, self.auth());
        let reply = http::send(request, &url, self.timeout).await?;
        if !reply.status.is_success() {
            return Err(self.error(&reply));
        }
        let list: List = reply.json("deepl glossary list")?;
        let found = list.glossaries.into_iter().find(|g| {
            g.name == name
                && g.source_lang.eq_ignore_ascii_case(&source)
                && g.target_lang.eq_ignore_ascii_case(&target)
        });
        let id = match found {
            Some(g) => g.glossary_id,
            None => {
                let body = json!({
                    "name": name,
                    "source_lang": source,
                    "target_lang": target,
                    "entries": entries,
                    "entries_format": "tsv",
                });
                let reply = self
                    .post_json("/v2/glossaries", body.to_string().as_bytes())
                    .await?;
                if !reply.status.is_success() {
                    return Err(self.error(&reply));
                }
                #[derive(Deserialize)]
                struct Created {
                    glossary_id: String,
                }
                reply
                    .json::<Created>("deepl glossary creation")?
                    .glossary_id
            }
        };
        *self.glossary.lock().unwrap_or_else(|p| p.into_inner()) = Some((hash, id.clone()));
        Ok(Some(id))
    }
}

fn colon(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// The glossary as DeepL's TSV entries: one `source<TAB>target` line per pair, the first pair
/// for each source term only (DeepL rejects duplicate keys), without pairs DeepL would refuse
/// (empty, holding tabs or line breaks, over 1024 bytes). `None` when nothing is left.
pub fn glossary_tsv(pairs: &[super::TermPair]) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for p in pairs {
        let (s, t) = (p.source.trim(), p.target.trim());
        let bad = |x: &str| x.is_empty() || x.len() > 1024 || x.contains(['\t', '\n', '\r']);
        if bad(s) || bad(t) || !seen.insert(s.to_string()) {
            continue;
        }
        out.push_str(s);
        out.push('\t');
        out.push_str(t);
        out.push('\n');
    }
    (!out.is_empty()).then_some(out)
}

#[derive(Serialize)]
struct TranslateBody<'a> {
    text: &'a [String],
    source_lang: String,
    target_lang: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    glossary_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    formality: Option<&'static str>,
    preserve_formatting: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a str>,
    /// `xml` when a text of the batch has placeholders, tags or URLs to protect.
    #[serde(skip_serializing_if = "Option::is_none")]
    tag_handling: Option<&'static str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    ignore_tags: &'static [&'static str],
}

impl Backend for Deepl {
    fn name(&self) -> &str {
        "deepl"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            max_texts: self.config.max_texts,
            // Room for the JSON around the texts; the exact body is checked before sending.
            max_bytes: MAX_BODY - 8 * 1024,
            glossary: true,
            context: true,
            on_malformed: MalformedPolicy::RetryOnce,
            shield: Shield::Own,
        }
    }

    fn cache_scope(&self) -> Option<String> {
        Some(format!(
            "{}|{:?}|{:?}|preserve_formatting={}",
            self.endpoint,
            self.config.target_variant,
            self.config.formality,
            self.config.preserve_formatting
        ))
    }

    fn prepare<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), BackendError>> {
        Box::pin(async move { self.ensure_glossary(job).await.map(|_| ()) })
    }

    fn translate<'a>(
        &'a self,
        req: BatchRequest<'a>,
    ) -> BoxFuture<'a, Result<Vec<Translation>, BackendError>> {
        Box::pin(async move {
            let glossary_id = self.ensure_glossary(req.job).await?;
            // Placeholders, tags and URLs go inside a tag DeepL leaves alone; the whole batch
            // is then XML. A batch of plain prose is sent as it is.
            let xml = req.texts.iter().any(|t| shield::needs_xml(t));
            let wrapped: Vec<String>;
            let texts = if xml {
                wrapped = req.texts.iter().map(|t| shield::xml_wrap(t)).collect();
                &wrapped[..]
            } else {
                req.texts
            };
            let body = TranslateBody {
                text: texts,
                source_lang: req.job.source_lang.code().to_ascii_uppercase(),
                target_lang: self.target_lang(&req.job.target_lang),
                glossary_id,
                formality: self.config.formality.wire(),
                preserve_formatting: self.config.preserve_formatting,
                context: req.job.context.as_deref(),
                tag_handling: xml.then_some("xml"),
                ignore_tags: if xml { &[shield::IGNORED_TAG] } else { &[] },
            };
            let body = serde_json::to_vec(&body).expect("strings serialize");
            if body.len() > MAX_BODY {
                return Err(BackendError::TooLarge(format!(
                    "{} bytes, over DeepL's {MAX_BODY}-byte request limit",
                    body.len()
                )));
            }
            let reply = self.post_json("/v2/translate", &body).await?;
            if !reply.status.is_success() {
                return Err(self.error(&reply));
            }
            #[derive(Deserialize)]
            struct Text {
                text: String,
            }
            #[derive(Deserialize)]
            struct Translations {
                translations: Vec<Text>,
            }
            let reply: Translations = reply.json("deepl")?;
            if reply.translations.len() != req.texts.len() {
                return Err(BackendError::Malformed(format!(
                    "deepl returned {} translations for {} texts",
                    reply.translations.len(),
                    req.texts.len()
                )));
            }
            Ok(reply
                .translations
                .into_iter()
                .map(|t| match xml {
                    true => Translation::machine(shield::xml_unwrap(&t.text)),
                    false => Translation::machine(t.text),
                })
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::TermPair;

    fn config(key: &str) -> DeeplConfig {
        DeeplConfig {
            api_key: Some(Secret::new(key)),
            ..DeeplConfig::default()
        }
    }

    #[test]
    fn the_host_follows_the_key() {
        assert_eq!(
            Deepl::new(config("abc:fx")).unwrap().endpoint(),
            FREE_ENDPOINT
        );
        assert_eq!(Deepl::new(config("abc")).unwrap().endpoint(), PRO_ENDPOINT);
        let mut c = config("abc:fx");
        c.endpoint = Some("http://127.0.0.1:9/".into());
        assert_eq!(Deepl::new(c).unwrap().endpoint(), "http://127.0.0.1:9");
        assert!(Deepl::new(DeeplConfig::default()).is_err());
    }

    #[test]
    fn target_codes() {
        let d = Deepl::new(config("k")).unwrap();
        assert_eq!(d.target_lang(&Lang::En), "EN-US");
        assert_eq!(d.target_lang(&Lang::Other("de".into())), "DE");
        let mut c = config("k");
        c.target_variant = EnglishVariant::EnGb;
        assert_eq!(Deepl::new(c).unwrap().target_lang(&Lang::En), "EN-GB");
    }

    #[test]
    fn forbidden_explains_free_and_pro_hosts() {
        let d = Deepl::new(config("abc:fx")).unwrap();
        let mut c = config("abc:fx");
        c.endpoint = Some(PRO_ENDPOINT.into());
        let wrong = Deepl::new(c).unwrap();
        let m = wrong.explain_403("Wrong endpoint. Use https://api-free.deepl.com");
        assert!(
            m.contains("works only with https://api-free.deepl.com, not https://api.deepl.com"),
            "{m}"
        );
        assert!(d.explain_403("").contains("wrong, revoked"));
        assert!(!m.contains("abc:fx"));
    }

    #[test]
    fn glossary_entries_are_deduplicated_and_cleaned() {
        let pairs = [
            TermPair::new("facture", "invoice"),
            TermPair::new("facture", "bill"),
            TermPair::new("bad\tterm", "x"),
            TermPair::new(" avoir ", " credit note "),
            TermPair::new("", "nothing"),
        ];
        assert_eq!(
            glossary_tsv(&pairs).unwrap(),
            "facture\tinvoice\navoir\tcredit note\n"
        );
        assert_eq!(glossary_tsv(&[]), None);
    }
}
