//! A whole set of exchanges against the contract: every finding, and which operations
//! the set exercised. Summing up and printing belong to whoever reports the run.

use crate::check::Checker;
use crate::contract::Contract;
use crate::finding::Finding;
use crate::load::Loaded;
use std::collections::BTreeSet;

/// What checking a set of exchanges found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Unreadable files first, then each exchange's findings in file and entry order.
    pub findings: Vec<Finding>,
    /// Files read.
    pub files: usize,
    /// Exchanges checked.
    pub exchanges: usize,
    /// HAR entries to other hosts, skipped.
    pub skipped_other_host: usize,
    /// HAR entries with non-JSON bodies, skipped.
    pub skipped_not_json: usize,
    /// The operations at least one exchange was checked against.
    pub operations_seen: BTreeSet<String>,
}

/// Checks every exchange of `loaded`; with `strict`, drift is an error.
pub fn check_all(contract: &Contract, loaded: Loaded, strict: bool) -> Outcome {
    let checker = Checker { contract, strict };
    let mut outcome = Outcome {
        files: loaded.files,
        exchanges: loaded.exchanges.len(),
        skipped_other_host: loaded.skipped_other_host,
        skipped_not_json: loaded.skipped_not_json,
        findings: loaded.unreadable,
        operations_seen: BTreeSet::new(),
    };
    for exchange in &loaded.exchanges {
        let (operation, found) = checker.check(exchange);
        outcome.operations_seen.extend(operation);
        outcome.findings.extend(found);
    }
    outcome
}
