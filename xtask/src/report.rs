//! The end of a run: findings, a summary, and the exit status they make.

use crate::anchor::Anchor;
use crate::inventory::Coverage;
use minted_spec::exchange::Skipped;
use minted_spec::finding::{Finding, Kind, Severity};
use minted_spec::verify::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Serialize, Debug)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Each finding's place in the spec and fingerprint, in the findings' order.
    #[serde(skip)]
    pub anchors: Vec<Anchor>,
    /// The spec file, as the findings' places name it.
    #[serde(skip)]
    pub spec_file: String,
    /// The spec's operations.
    #[serde(skip)]
    pub operations: Vec<String>,
    /// Findings a baseline accepts, with their anchors: out of the counts.
    #[serde(skip)]
    pub accepted: Vec<(Finding, Anchor)>,
}

#[derive(Serialize, Debug)]
pub struct Summary {
    pub files: usize,
    pub exchanges: usize,
    /// Capture entries not checked, by why.
    pub skipped: Skipped,
    pub errors: usize,
    pub warnings: usize,
    pub findings_by_kind: BTreeMap<String, usize>,
    pub operations: usize,
    pub operations_without_recording: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<Coverage>,
    /// Findings a baseline accepts (`--baseline`), not counted above.
    #[serde(skip_serializing_if = "is_zero")]
    pub accepted: usize,
    /// Accepted findings no longer found: the baseline can drop them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale: Vec<Accepted>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Report {
    /// 2: something could not be read at all; 1: an error finding; 0: everything conforms.
    pub fn exit_code(&self) -> u8 {
        if self.findings.iter().any(|f| f.kind == Kind::Unreadable) {
            2
        } else if self.summary.errors > 0 {
            1
        } else {
            0
        }
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        for finding in &self.findings {
            let _ = writeln!(out, "{finding}");
        }
        let s = &self.summary;
        if !self.findings.is_empty() {
            out.push('\n');
        }
        let _ = write!(out, "checked {} from {}", plural(s.exchanges, "exchange"), plural(s.files, "file"));
        let reasons = skip_reasons(&s.skipped);
        let reasons: Vec<String> =
            reasons.iter().filter(|(n, _)| *n > 0).map(|(n, why)| format!("{n} {why}")).collect();
        if !reasons.is_empty() {
            let _ = write!(out, "; not checkable: {}", reasons.join(", "));
        }
        let _ = writeln!(out, "\n{}, {}", plural(s.errors, "error"), plural(s.warnings, "warning"));
        if s.accepted > 0 {
            let _ = writeln!(out, "accepted by the baseline: {}", plural(s.accepted, "finding"));
        }
        for stale in &s.stale {
            let operation = stale.operation.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "stale[{}] {operation} {}: accepted by the baseline, no longer found ({})",
                stale.kind, stale.at, stale.fingerprint
            );
        }
        for (kind, count) in &s.findings_by_kind {
            let _ = writeln!(out, "  {kind}: {count}");
        }
        let recorded = s.operations - s.operations_without_recording.len();
        let _ = write!(out, "operations with a recording: {recorded} of {}", s.operations);
        if !s.operations_without_recording.is_empty() {
            let _ = write!(out, "; none for {}", s.operations_without_recording.join(", "));
        }
        out.push('\n');
        if let Some(inventory) = &s.inventory {
            let counted = |by_status: &BTreeMap<String, usize>| {
                let total: usize = by_status.values().sum();
                let parts: Vec<String> =
                    by_status.iter().map(|(status, n)| format!("{n} {status}")).collect();
                format!("{total} ({})", parts.join(", "))
            };
            let _ = writeln!(
                out,
                "docs inventory: {} entries; with an operation {}; without one {}",
                inventory.entries,
                counted(&inventory.with_operation),
                counted(&inventory.without_operation)
            );
        }
        out
    }
}

impl Report {
    /// Sums up an outcome: `operations` are the spec's, `inventory` its docs coverage.
    pub fn new(
        outcome: Outcome,
        operations: &[String],
        inventory: Option<Coverage>,
        anchors: Vec<Anchor>,
        spec_file: String,
    ) -> Report {
        let summary = Summary {
            files: outcome.files,
            exchanges: outcome.exchanges,
            skipped: outcome.skipped,
            errors: 0,
            warnings: 0,
            findings_by_kind: BTreeMap::new(),
            operations: operations.len(),
            operations_without_recording: operations
                .iter()
                .filter(|id| !outcome.operations_seen.contains(*id))
                .cloned()
                .collect(),
            inventory,
            accepted: 0,
            stale: Vec::new(),
        };
        let mut report = Report {
            findings: outcome.findings,
            summary,
            anchors,
            spec_file,
            operations: operations.to_vec(),
            accepted: Vec::new(),
        };
        report.recount();
        report
    }

    /// The summary's counts of the findings.
    pub(crate) fn recount(&mut self) {
        let count = |severity| self.findings.iter().filter(|f| f.severity == severity).count();
        self.summary.errors = count(Severity::Error);
        self.summary.warnings = count(Severity::Warning);
        self.summary.findings_by_kind.clear();
        for finding in &self.findings {
            *self.summary.findings_by_kind.entry(finding.kind.name()).or_default() += 1;
        }
    }
}

/// Each reason an entry was not checked, with its count.
pub(crate) fn skip_reasons(skipped: &Skipped) -> [(usize, &'static str); 4] {
    [
        (skipped.other_host, "to other hosts"),
        (skipped.not_json, "pages or assets (no JSON, no operation)"),
        (skipped.aborted, "aborted (no response)"),
        (skipped.not_captured, "with a body the capture left out"),
    ]
}

pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// One accepted finding, as a baseline file lists it (`crate::baseline`), and as a report
/// names the stale ones: its fingerprint (what is matched), and what it was, for the
/// person reading the file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub fingerprint: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Where in the exchange (and the spec's node, when it has one).
    #[serde(rename = "where")]
    pub at: String,
    /// Why it is accepted: left empty for a person to fill in.
    #[serde(default)]
    pub reason: String,
}
