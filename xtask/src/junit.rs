//! `--format junit`: the report as JUnit XML, for CI test views. One test suite per
//! operation of the spec, one test case per error finding (a failure) or, for an
//! operation the traffic exercised without an error, one passing case; an operation
//! without traffic is a skipped case. Per finding rather than per exchange: verify
//! keeps no list of the exchanges it checked (memory stays flat on a capture of
//! millions), only their findings. Warnings are the suite's output, not failures.

use crate::report::Report;
use minted_spec::finding::{Finding, Severity};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

/// The suite of findings no operation could be named for (unreadable files, unknown paths).
const UNMATCHED: &str = "(no operation)";

/// The JUnit XML of `report`.
pub fn junit(report: &Report) -> String {
    let mut by_operation: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for operation in &report.operations {
        by_operation.entry(operation).or_default();
    }
    for finding in &report.findings {
        by_operation.entry(finding.operation.as_deref().unwrap_or(UNMATCHED)).or_default().push(finding);
    }
    let seen = |operation: &str| !report.summary.operations_without_recording.iter().any(|o| o == operation);
    let mut junit = quick_junit::Report::new("minted-verify");
    for (operation, findings) in by_operation {
        let mut suite = TestSuite::new(operation);
        let errors: Vec<&&Finding> = findings.iter().filter(|f| f.severity == Severity::Error).collect();
        for finding in &errors {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_type(finding.kind.name())
                .set_message(summary(finding))
                .set_description(finding.to_string());
            let mut case = TestCase::new(name(finding), status);
            case.set_classname(operation);
            suite.add_test_case(case);
        }
        if errors.is_empty() {
            let status = if operation == UNMATCHED || seen(operation) {
                TestCaseStatus::success()
            } else {
                let mut skipped = TestCaseStatus::skipped();
                skipped.set_message("no exchange of this operation in the traffic");
                skipped
            };
            let mut case = TestCase::new("conforms to the spec", status);
            case.set_classname(operation);
            suite.add_test_case(case);
        }
        let warnings: Vec<String> =
            findings.iter().filter(|f| f.severity == Severity::Warning).map(ToString::to_string).collect();
        if !warnings.is_empty() {
            suite.set_system_out(warnings.join("\n"));
        }
        junit.add_test_suite(suite);
    }
    // Every string went in through quick-junit, which escapes it; writing to memory cannot fail.
    junit.to_string().unwrap_or_default()
}

/// Where the finding is: its file, its entry in a HAR, and its place in the exchange.
fn name(finding: &Finding) -> String {
    let mut name = finding.file.clone();
    if let Some(entry) = finding.entry {
        name += &format!(" entry {entry}");
    }
    name += &format!(": {}", finding.location);
    if !finding.pointer.is_empty() {
        name += &format!(" {}", finding.pointer);
    }
    name
}

fn summary(finding: &Finding) -> String {
    format!("spec says {}; found {}", finding.expected, finding.found)
}
