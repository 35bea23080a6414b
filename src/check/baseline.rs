//! Baselines: findings someone has accepted, so that CI fails only on new ones.
//!
//! A baseline is a JSON file listing findings by [fingerprint](super::Finding::fingerprint),
//! with the rule, term, segment and message beside it for the people who review it (only the
//! fingerprint counts when filtering). Entries are sorted, so that a regenerated baseline
//! diffs cleanly. Reading and writing are pure: bytes in, bytes out.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Finding;

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("not a passerelle baseline: {0}")]
pub struct BaselineError(String);

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Accepted>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Accepted {
    fingerprint: String,
    rule: String,
    term: String,
    segment: usize,
    message: String,
}

/// The set of accepted fingerprints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
}

impl Baseline {
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let file: File = serde_json::from_str(text).map_err(|e| BaselineError(e.to_string()))?;
        if file.version != 1 {
            return Err(BaselineError(format!(
                "unsupported version {}",
                file.version
            )));
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|a| a.fingerprint).collect(),
        })
    }

    /// The baseline file accepting every one of `findings`.
    pub fn write(findings: &[Finding]) -> Vec<u8> {
        let mut accepted: Vec<Accepted> = findings
            .iter()
            .map(|f| Accepted {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.id().to_string(),
                term: f.term.clone(),
                segment: f.segment,
                message: f.message.clone(),
            })
            .collect();
        accepted.sort_by(|a, b| {
            (a.segment, &a.rule, &a.fingerprint).cmp(&(b.segment, &b.rule, &b.fingerprint))
        });
        let file = File {
            version: 1,
            findings: accepted,
        };
        let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
        out.push(b'\n');
        out
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    pub fn contains(&self, finding: &Finding) -> bool {
        self.fingerprints.contains(&finding.fingerprint)
    }

    /// Removes the accepted findings; returns how many were removed.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| !self.contains(f));
        before - findings.len()
    }
}
