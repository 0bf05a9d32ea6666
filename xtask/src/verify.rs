//! `cargo xtask verify`: every recorded exchange against the spec, summed up with the
//! docs inventory's coverage.

use crate::anchor::{SpecText, anchors};
use crate::report::Report;
use crate::{inventory, progress};
use minted_spec::contract::{Contract, Spec, SpecError};
use minted_spec::document::to_yaml;
use minted_spec::load::Loaded;
use minted_spec::located::Lines;
use minted_spec::suggest::{Suggestion, suggest};
use minted_spec::verify::{Progress, check_paths_watched};
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
    /// No progress line, even on a terminal.
    pub quiet: bool,
    /// Each finding's place in the spec and fingerprint are wanted (SARIF, GitHub
    /// annotations, a baseline): reading the spec's text for its lines costs start-up
    /// the other formats need not pay.
    pub anchored: bool,
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
    let scope = contract.scope(&options.hosts);
    let progress = Progress::default();
    let outcome = progress::watch(&progress, &options.paths, options.quiet, || {
        check_paths_watched(&contract, &options.paths, &scope, options.strict, &progress)
    });
    let coverage = inventory::coverage(&options.spec, &spec.document)?;
    let operations: Vec<String> = contract.operations.iter().map(|op| op.id.clone()).collect();
    let lines = if options.anchored { spec_lines(options) } else { Lines::default() };
    let spec_text = SpecText { file: options.spec.display().to_string(), lines };
    let anchors =
        if options.anchored { anchors(&spec.document, &spec_text, &outcome.findings) } else { Vec::new() };
    // Freeing thousands of compiled schema nodes one by one took a seventh of a run
    // over the recordings; the process exits next and gives the memory back at once.
    std::mem::forget(contract);
    std::mem::forget(spec);
    Ok(Report::new(outcome, &operations, coverage, anchors, spec_text.file))
}

/// Where each node of the spec's text is (nowhere, for a file that stopped being
/// readable since it was read: the findings then go without lines).
pub fn spec_lines(options: &Options) -> Lines {
    if options.embedded {
        return Lines::of(minted_spec::YAML);
    }
    std::fs::read_to_string(&options.spec).map(|text| Lines::of(&text)).unwrap_or_default()
}

/// `--suggest`: for each drift the exchanges show, the spec edit that would make them
/// pass. The spec file is not changed.
pub fn edits(options: &Options) -> Result<Vec<Suggestion>, SpecError> {
    let spec = options.read()?;
    let contract = Contract::compile(&spec)?;
    let loaded = Loaded::from_paths(&options.paths, &contract.scope(&options.hosts));
    suggest(&spec.document, &loaded.exchanges, options.strict)
}

/// The [`edits`] as text: each a YAML fragment at its JSON pointer, with a draft
/// `x-doc-note`.
pub fn suggestions(options: &Options, suggestions: Vec<Suggestion>) -> String {
    if suggestions.is_empty() {
        return "no spec edit to suggest\n".into();
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
    text
}
