//! `cargo xtask verify`: checks every recorded exchange against the spec.

pub mod check;
pub mod contract;
pub mod exchange;
pub mod finding;
mod har;
pub mod inventory;
mod recording;
pub mod report;
mod schema;

use contract::{Contract, Spec, SpecError};
use exchange::Scope;
use std::collections::BTreeSet;
use std::path::PathBuf;

pub struct Options {
    pub spec: PathBuf,
    pub paths: Vec<PathBuf>,
    pub strict: bool,
    /// Hosts whose HAR entries count, besides the spec's servers.
    pub hosts: Vec<String>,
}

pub fn run(options: &Options) -> Result<report::Report, SpecError> {
    let contract = Contract::compile(&Spec::read(&options.spec)?)?;
    Ok(verify(&contract, options))
}

pub fn scope(contract: &Contract, extra_hosts: &[String]) -> Scope {
    let mut hosts = contract.hosts.clone();
    hosts.extend(extra_hosts.iter().cloned());
    let mut base_paths = contract.base_paths.clone();
    if base_paths.is_empty() || !extra_hosts.is_empty() {
        base_paths.push(String::new());
    }
    Scope { hosts, base_paths }
}

/// A name as one token of a JSON pointer (RFC 6901: `~` and `/` escaped).
pub(crate) fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

pub fn verify(contract: &Contract, options: &Options) -> report::Report {
    let loaded = exchange::load(&options.paths, &scope(contract, &options.hosts));
    let checker = check::Checker { contract, strict: options.strict };
    let mut findings = loaded.unreadable;
    let mut recorded = BTreeSet::new();
    for exchange in &loaded.exchanges {
        let (operation, found) = checker.check(exchange);
        recorded.extend(operation);
        findings.extend(found);
    }
    let operations: Vec<String> = contract.operations.iter().map(|op| op.id.clone()).collect();
    let summary = report::summarize(
        &findings,
        loaded.files,
        loaded.exchanges.len(),
        (loaded.skipped_other_host, loaded.skipped_not_json),
        &operations,
        &recorded,
        contract.inventory.clone(),
    );
    report::Report { findings, summary }
}
