//! `--format github` and `--format markdown`: the report where a pull request shows
//! it, as workflow annotations at the spec's lines, or as a table for a comment.

use crate::github::{self, annotation};
use crate::report::{Report, plural, skip_reasons};
use minted_spec::finding::{Finding, Severity};
use std::fmt::Write;

/// How many findings the markdown lists before it only counts them.
const LISTED: usize = 20;

impl Report {
    /// One annotation per finding, at the spec's line of the node it disagrees with
    /// (at the traffic's file for a finding of no operation), then a summary line:
    /// GitHub shows only ten annotations of each level per step, the summary all.
    pub fn github(&self) -> String {
        let mut out = String::new();
        for (finding, anchor) in self.findings.iter().zip(&self.anchors) {
            let level = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let (file, place) = match anchor.place {
                Some((line, column)) => (self.spec_file.as_str(), (Some(line), Some(column))),
                None => (finding.file.as_str(), (None, None)),
            };
            let _ = writeln!(
                out,
                "{}",
                annotation(level, Some(file), place, &finding.kind.name(), &finding.to_string())
            );
        }
        let _ = writeln!(out, "{}", github::data(&self.headline()));
        out
    }

    /// A summary table for a pull-request comment, then the first findings.
    pub fn markdown(&self) -> String {
        let s = &self.summary;
        let mut out = String::from("### Spec against traffic\n\n");
        let _ = writeln!(out, "{}\n", self.headline());
        out.push_str("| | |\n|---|---:|\n");
        let _ = writeln!(out, "| files | {} |", s.files);
        let _ = writeln!(out, "| exchanges checked | {} |", s.exchanges);
        for (count, why) in skip_reasons(&s.skipped) {
            if count > 0 {
                let _ = writeln!(out, "| not checked: {why} | {count} |");
            }
        }
        let _ = writeln!(out, "| errors | {} |", s.errors);
        let _ = writeln!(out, "| warnings | {} |", s.warnings);
        let recorded = s.operations - s.operations_without_recording.len();
        let _ = writeln!(out, "| operations with traffic | {recorded} of {} |", s.operations);
        if !s.findings_by_kind.is_empty() {
            out.push_str("\n| finding | count |\n|---|---:|\n");
            for (kind, count) in &s.findings_by_kind {
                let _ = writeln!(out, "| `{kind}` | {count} |");
            }
        }
        if !self.findings.is_empty() {
            out.push_str("\n| | operation | where | spec says | found |\n|---|---|---|---|---|\n");
            for finding in self.findings.iter().take(LISTED) {
                let _ = writeln!(out, "{}", row(finding));
            }
            if self.findings.len() > LISTED {
                let _ = writeln!(out, "\nand {} more.", self.findings.len() - LISTED);
            }
        }
        out
    }

    /// `3 errors, 1 warning in 120 exchanges`.
    pub fn headline(&self) -> String {
        let s = &self.summary;
        format!(
            "{}, {} in {}",
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
            plural(s.exchanges, "exchange")
        )
    }
}

fn row(finding: &Finding) -> String {
    let mark = if finding.severity == Severity::Error { "error" } else { "warning" };
    let mut place = format!("{} {}", finding.file, finding.location);
    if let Some(entry) = finding.entry {
        place = format!("{} entry {entry} {}", finding.file, finding.location);
    }
    if !finding.pointer.is_empty() {
        place += &format!(" `{}`", finding.pointer);
    }
    let cells = [
        format!("{mark} `{}`", finding.kind.name()),
        finding.operation.clone().unwrap_or_else(|| "-".into()),
        place,
        finding.expected.clone(),
        finding.found.clone(),
    ];
    let cells: Vec<String> = cells.iter().map(|cell| cell.replace('|', "\\|").replace('\n', " ")).collect();
    format!("| {} |", cells.join(" | "))
}
