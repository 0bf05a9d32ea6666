//! `cargo xtask verify`: every recorded exchange against the spec, summed up with the
//! docs inventory's coverage.

use crate::inventory;
use crate::report::Report;
use minted_spec::contract::{Contract, Spec, SpecError};
use minted_spec::document::to_yaml;
use minted_spec::load::Loaded;
use minted_spec::suggest::suggest;
use minted_spec::verify::check_paths;
use std::path::PathBuf;

/// What to check, and how.
pub struct Options {
    /// The spec file; its folder's `docs-inventory.csv`, if any, is summed up too.
    pub spec: PathBuf,
    /// The file is the checkout's own spec, which this command embeds (read at build
    /// time, so start-up skips reading the YAML).
    pub embedded: bool,
    /// Recordings, HAR files, or folders of them.
    pub paths: Vec<PathBuf>,
    /// Drift is an error.
    pub strict: bool,
    /// Hosts whose HAR entries count, besides the spec's servers.
    pub hosts: Vec<String>,
}

impl Options {
    fn read(&self) -> Result<Spec, SpecError> {
        if self.embedded { Spec::embedded() } else { Spec::read(&self.spec) }
    }
}

/// Checks the exchanges; `Err` when the spec (or its inventory) cannot be used at all.
/// For a process that ends after it: the compiled spec is left to the operating system.
pub fn run(options: &Options) -> Result<Report, SpecError> {
    let spec = options.read()?;
    let contract = Contract::compile(&spec)?;
    let outcome = check_paths(&contract, &options.paths, &contract.scope(&options.hosts), options.strict);
    let coverage = inventory::coverage(&options.spec, &spec.document)?;
    let operations: Vec<String> = contract.operations.iter().map(|op| op.id.clone()).collect();
    // Freeing thousands of compiled schema nodes one by one took a seventh of a run
    // over the recordings; the process exits next and gives the memory back at once.
    std::mem::forget(contract);
    std::mem::forget(spec);
    Ok(Report::new(outcome, &operations, coverage))
}

/// `--suggest`: for each drift the exchanges show, the spec edit that would make them
/// pass, as a YAML fragment at its JSON pointer, with a draft `x-doc-note`. The spec
/// file is not changed.
pub fn suggestions(options: &Options) -> Result<String, SpecError> {
    let spec = options.read()?;
    let contract = Contract::compile(&spec)?;
    let loaded = Loaded::from_paths(&options.paths, &contract.scope(&options.hosts));
    let suggestions = suggest(&spec.document, &loaded.exchanges, options.strict)?;
    if suggestions.is_empty() {
        return Ok("no spec edit to suggest\n".into());
    }
    let mut text = format!(
        "\n{} suggested edits to {} (review each; the file is not changed):\n",
        suggestions.len(),
        options.spec.display()
    );
    for suggestion in suggestions {
        let kinds: Vec<String> = suggestion.kinds.iter().map(|k| k.name()).collect();
        text += &format!(
            "\n# {}, from {}\nat {}:\n",
            kinds.join(", "),
            suggestion.files.join(", "),
            suggestion.at
        );
        for line in to_yaml(&suggestion.value).lines() {
            text += &format!("  {line}\n");
        }
    }
    Ok(text)
}
