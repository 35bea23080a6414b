//! An external translation program (Bergamot/translateLocally, Marian, Argos, a script): run
//! once per batch with its configured arguments, fed the segments on standard input, read
//! back from standard output.
//!
//! Two protocols: `line` (one segment per line in, one translation per line out; line breaks
//! inside a segment become spaces) and `jsonl` (one `{"id", "text"}` object per line in; each
//! line out is a JSON string or an object with a `text` or `translation` field). The program
//! must answer with as many lines as it was given, exit with status 0, and finish within the
//! timeout; otherwise the run stops with a message that says which of these went wrong (and
//! the end of its standard error). The languages are passed as the environment variables
//! `PASSERELLE_SOURCE_LANG` and `PASSERELLE_TARGET_LANG`. Nothing here goes through a shell.

use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{
    default_timeout_secs, timeout_from_secs, Backend, BackendConfig, BackendError, BackendName,
    BackendSpec, BatchRequest, BoxFuture, Capabilities, ConfigError, Flags, MalformedPolicy,
    Required, SettingsError, Shield, Translation,
};
use crate::text::Lang;

pub const BACKEND: BackendSpec = BackendSpec {
    name: "command",
    describe: "external program reading stdin, writing stdout",
    details: "an external program, given after `--`. It reads one segment per line on stdin and \
              prints one translation per line (--command-format jsonl for JSON lines). \
              PASSERELLE_SOURCE_LANG and PASSERELLE_TARGET_LANG are set for it.",
    key_variable: None,
    machine: true,
    fallback: true,
    required: Some(Required {
        key: "command.program",
        message: "the command backend needs a program to run",
        file_hint: ": add [translate.command] with program = \"...\"",
    }),
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandFormat {
    #[default]
    Line,
    Jsonl,
}

impl CommandFormat {
    pub const ALL: [CommandFormat; 2] = [CommandFormat::Line, CommandFormat::Jsonl];

    pub fn name(self) -> &'static str {
        match self {
            CommandFormat::Line => "line",
            CommandFormat::Jsonl => "jsonl",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CommandFormat::Line => "one segment per line in, one translation per line out",
            CommandFormat::Jsonl => {
                "{\"id\", \"text\"} per line in; a JSON string or {\"text\"} per line out"
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandConfig {
    pub program: String,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub format: CommandFormat,
    /// Segments per run of the program: large, because engines load their model each time.
    #[serde(default = "default_max_texts")]
    pub max_texts: usize,
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: f64,
}

fn default_max_texts() -> usize {
    200
}

impl CommandConfig {
    pub fn new(program: impl Into<String>, args: Vec<String>) -> CommandConfig {
        CommandConfig {
            program: program.into(),
            args,
            format: CommandFormat::Line,
            max_texts: default_max_texts(),
            timeout_secs: default_timeout_secs(),
        }
    }
}

impl BackendConfig for CommandConfig {
    fn build(&self) -> Result<std::sync::Arc<dyn Backend>, ConfigError> {
        Ok(std::sync::Arc::new(Command::new(self.clone())?))
    }

    /// The program comes after `--` on the command line, for this backend only.
    fn check_flags(flags: &Flags) -> Result<(), SettingsError> {
        if !flags.program.is_empty() && !flags.uses(BackendName::Command) {
            return Err(SettingsError::new(
                "command",
                "a program after `--` is for --backend command (or --fallback command)",
            ));
        }
        Ok(())
    }

    fn from_flags(
        flags: &Flags,
        _from: &Lang,
        _to: &Lang,
        timeout_secs: f64,
    ) -> Result<CommandConfig, SettingsError> {
        let Some((program, rest)) = flags.program.split_first() else {
            return Err(SettingsError::new(
                "command",
                "the command backend needs a program after `--`, e.g. passerelle translate \
                 FILE --backend command -- translateLocally -m fr-en-tiny",
            ));
        };
        let mut config = CommandConfig::new(program.clone(), rest.to_vec());
        config.format = flags.command_format;
        config.timeout_secs = timeout_secs;
        Ok(config)
    }

    /// There is no default program.
    fn unconfigured() -> Option<CommandConfig> {
        None
    }
}

pub struct Command {
    config: CommandConfig,
    timeout: Duration,
}

impl Command {
    pub fn new(config: CommandConfig) -> Result<Command, ConfigError> {
        if config.program.trim().is_empty() {
            return Err(ConfigError::invalid("command", "no program to run"));
        }
        if config.max_texts == 0 {
            return Err(ConfigError::invalid(
                "command",
                "max_texts must be at least 1",
            ));
        }
        let timeout = timeout_from_secs("command", config.timeout_secs)?;
        Ok(Command { config, timeout })
    }

    fn input(&self, texts: &[String]) -> String {
        let mut input = String::new();
        for (id, text) in texts.iter().enumerate() {
            match self.config.format {
                CommandFormat::Line => {
                    input.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "))
                }
                CommandFormat::Jsonl => {
                    input.push_str(&serde_json::json!({"id": id, "text": text}).to_string())
                }
            }
            input.push('\n');
        }
        input
    }

    async fn run(&self, input: String, source: &str, target: &str) -> Result<String, BackendError> {
        let program = &self.config.program;
        let mut child = tokio::process::Command::new(program)
            .args(&self.config.args)
            .env("PASSERELLE_SOURCE_LANG", source)
            .env("PASSERELLE_TARGET_LANG", target)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                BackendError::Failed(format!(
                    "cannot run `{program}`: {}",
                    crate::error::describe_io(&e)
                ))
            })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        // Write and read at once: a program that answers line by line would otherwise fill
        // its output pipe and wait for us forever.
        let writer = async move {
            // A program that exits without reading everything is judged by its status.
            let _ = stdin.write_all(input.as_bytes()).await;
            drop(stdin);
        };
        let mut out = Vec::new();
        let mut err = Vec::new();
        let work = async {
            let (_, o, e) = tokio::join!(
                writer,
                stdout.read_to_end(&mut out),
                stderr.read_to_end(&mut err)
            );
            o.and(e)?;
            child.wait().await
        };
        let status = match tokio::time::timeout(self.timeout, work).await {
            Ok(Ok(status)) => status,
            Ok(Err(e)) => {
                return Err(BackendError::Failed(format!(
                    "`{program}`: {}",
                    crate::error::describe_io(&e)
                )))
            }
            Err(_) => {
                return Err(BackendError::Failed(format!(
                    "`{program}` did not finish within {} s (give more with --timeout)",
                    self.timeout.as_secs_f64()
                )))
            }
        };
        if !status.success() {
            let how = match status.code() {
                Some(code) => format!("exited with status {code}"),
                None => "was killed by a signal".to_string(),
            };
            return Err(BackendError::Failed(format!(
                "`{program}` {how}{}",
                stderr_tail(&err)
            )));
        }
        String::from_utf8(out).map_err(|e| {
            BackendError::Malformed(format!(
                "`{program}` printed invalid UTF-8 at byte {}",
                e.utf8_error().valid_up_to()
            ))
        })
    }

    fn parse(&self, output: &str, expected: usize) -> Result<Vec<String>, BackendError> {
        let program = &self.config.program;
        let body = output.strip_suffix('\n').unwrap_or(output);
        let mut lines: Vec<&str> = if output.is_empty() {
            Vec::new()
        } else {
            body.split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .collect()
        };
        // A final newline, or blank lines after the last answer, are not answers.
        while lines.len() > expected && lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        if lines.len() != expected {
            return Err(BackendError::Malformed(format!(
                "`{program}` printed {} lines for {expected} segments (it must print exactly \
                 one line per input line)",
                lines.len()
            )));
        }
        match self.config.format {
            CommandFormat::Line => Ok(lines.into_iter().map(str::to_string).collect()),
            CommandFormat::Jsonl => lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| {
                    let value: Value = serde_json::from_str(line).map_err(|_| {
                        BackendError::Malformed(format!(
                            "`{program}`: output line {} is not JSON",
                            i + 1
                        ))
                    })?;
                    let text = match &value {
                        Value::String(s) => Some(s.clone()),
                        Value::Object(map) => map
                            .get("text")
                            .or_else(|| map.get("translation"))
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        _ => None,
                    };
                    text.ok_or_else(|| {
                        BackendError::Malformed(format!(
                            "`{program}`: output line {} is neither a JSON string nor an object \
                             with a \"text\" field",
                            i + 1
                        ))
                    })
                })
                .collect(),
        }
    }
}

/// The last lines of a program's standard error, to quote in a message.
fn stderr_tail(err: &[u8]) -> String {
    let text = String::from_utf8_lossy(err);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let tail = lines[lines.len().saturating_sub(3)..].join(" | ");
    format!(": {}", super::http::snippet(tail.as_bytes()))
}

impl Backend for Command {
    fn name(&self) -> &str {
        "command"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            max_texts: self.config.max_texts,
            max_bytes: usize::MAX,
            glossary: false,
            context: false,
            // The same input gives the same wrong output.
            on_malformed: MalformedPolicy::Fail,
            shield: Shield::Markers,
        }
    }

    fn cache_scope(&self) -> Option<String> {
        let mut scope = format!("{:?}", self.config.format);
        for part in std::iter::once(&self.config.program).chain(&self.config.args) {
            scope.push('\0');
            scope.push_str(part);
        }
        Some(scope)
    }

    fn translate<'a>(
        &'a self,
        req: BatchRequest<'a>,
    ) -> BoxFuture<'a, Result<Vec<Translation>, BackendError>> {
        Box::pin(async move {
            let input = self.input(req.texts);
            let output = self
                .run(
                    input,
                    req.job.source_lang.code(),
                    req.job.target_lang.code(),
                )
                .await?;
            let lines = self.parse(&output, req.texts.len())?;
            Ok(lines.into_iter().map(Translation::machine).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(format: CommandFormat) -> Command {
        let mut c = CommandConfig::new("cat", vec![]);
        c.format = format;
        Command::new(c).unwrap()
    }

    #[test]
    fn line_input_keeps_one_segment_per_line() {
        let c = command(CommandFormat::Line);
        assert_eq!(
            c.input(&["Un\nparagraphe.".into(), "Deux.".into()]),
            "Un paragraphe.\nDeux.\n"
        );
        assert_eq!(c.parse("One.\r\nTwo.\n\n", 2).unwrap(), ["One.", "Two."]);
        assert!(c
            .parse("One.\n", 2)
            .unwrap_err()
            .to_string()
            .contains("printed 1 lines for 2 segments"));
    }

    #[test]
    fn jsonl_accepts_strings_and_objects() {
        let c = command(CommandFormat::Jsonl);
        assert_eq!(c.input(&["a\nb".into()]), "{\"id\":0,\"text\":\"a\\nb\"}\n");
        assert_eq!(
            c.parse(
                "\"One.\"\n{\"id\":1,\"text\":\"Two.\"}\n{\"translation\":\"Three.\"}\n",
                3
            )
            .unwrap(),
            ["One.", "Two.", "Three."]
        );
        assert!(c.parse("One.\n", 1).is_err());
    }
}
