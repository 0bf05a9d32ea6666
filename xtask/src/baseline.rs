//! Accepted drift: a baseline file lists findings a team has seen and accepted (each
//! with a reason a person writes); a run against it reports them as accepted, with the
//! exit status of a clean run, and reports the ones no longer found as stale.
//!
//! The file is JSON: what `--write-baseline` writes, and what a review reads in a diff.

use crate::anchor::{Anchor, field_path};
use crate::report::{Accepted, Report};
use minted_spec::finding::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The file: the accepted findings, one per fingerprint.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub accepted: Vec<Accepted>,
}

impl Baseline {
    /// The findings of `report`, one entry per fingerprint, in the findings' order.
    pub fn of(report: &Report) -> Baseline {
        let mut seen = BTreeSet::new();
        let accepted = report
            .findings
            .iter()
            .zip(&report.anchors)
            .filter(|(_, anchor)| seen.insert(anchor.fingerprint.clone()))
            .map(|(finding, anchor)| Accepted {
                fingerprint: anchor.fingerprint.clone(),
                kind: finding.kind.name(),
                operation: finding.operation.clone(),
                at: at(finding, anchor),
                reason: String::new(),
            })
            .collect();
        Baseline { accepted }
    }

    pub fn read(file: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("{}: cannot read the baseline: {e}", file.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not a baseline: {e}", file.display()))
    }

    pub fn write(&self, file: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())? + "\n";
        std::fs::write(file, text).map_err(|e| format!("{}: cannot write the baseline: {e}", file.display()))
    }
}

/// `response.body /data/wallets/*/interest (spec /components/schemas/Wallet)`: array
/// indices left out, as the fingerprint leaves them.
fn at(finding: &Finding, anchor: &Anchor) -> String {
    let mut at = finding.location.clone();
    if !finding.pointer.is_empty() {
        at += &format!(" {}", field_path(&finding.pointer));
    }
    if let Some(spec) = &anchor.spec_pointer {
        at += &format!(" (spec {spec})");
    }
    at
}

impl Report {
    /// Moves the findings `baseline` accepts out of the findings (and the counts), and
    /// notes the accepted entries no finding matched as stale.
    /// The report must be anchored ([`crate::verify::Options::anchored`]).
    pub fn accept(&mut self, baseline: &Baseline) {
        let accepted: BTreeSet<&str> = baseline.accepted.iter().map(|a| a.fingerprint.as_str()).collect();
        let mut matched = BTreeSet::new();
        let findings = std::mem::take(&mut self.findings);
        let anchors = std::mem::take(&mut self.anchors);
        for (finding, anchor) in findings.into_iter().zip(anchors) {
            if accepted.contains(anchor.fingerprint.as_str()) {
                matched.insert(anchor.fingerprint.clone());
                self.accepted.push((finding, anchor));
            } else {
                self.findings.push(finding);
                self.anchors.push(anchor);
            }
        }
        self.summary.stale =
            baseline.accepted.iter().filter(|a| !matched.contains(&a.fingerprint)).cloned().collect();
        self.summary.accepted = self.accepted.len();
        self.recount();
    }
}
