//! `cargo xtask changes OLD [NEW]`: what an edit of the spec does, read by
//! `minted_spec::changes`, written as text, markdown (a CHANGELOG section), JSON or
//! GitHub annotations, with the exit status `--fail-on` asks for.

use crate::github;
use minted_spec::changes::{Bump, Change, Report, Rust, Side, Wire, report};
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

/// Where a spec's text comes from: a file, or `git:REF` (the file committed at REF).
pub struct Source {
    /// As given, to name it in the report.
    pub name: String,
    pub text: String,
}

impl Source {
    /// Reads `given`: `git:REF` takes `spec_file` as committed at REF in the
    /// repository that holds it, anything else is a file.
    pub fn read(given: &str, spec_file: &Path) -> Result<Source, String> {
        let text = match given.strip_prefix("git:") {
            Some(reference) => committed(reference, spec_file)?,
            None => std::fs::read_to_string(given).map_err(|e| format!("{given}: {e}"))?,
        };
        Ok(Source { name: given.to_string(), text })
    }
}

/// The text of `file` as committed at `reference`.
fn committed(reference: &str, file: &Path) -> Result<String, String> {
    let folder = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = file.file_name().and_then(|n| n.to_str()).ok_or("the spec file has no name")?;
    // `./NAME` is relative to `-C`, so the repository's layout need not be known.
    let shown = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(["show", &format!("{reference}:./{name}")])
        .output()
        .map_err(|e| format!("git:{reference}: cannot run git: {e}"))?;
    if !shown.status.success() {
        let why = String::from_utf8_lossy(&shown.stderr);
        return Err(format!("git:{reference}: {}", why.lines().next().unwrap_or("git show failed").trim()));
    }
    String::from_utf8(shown.stdout).map_err(|_| format!("git:{reference}: the spec is not UTF-8"))
}

/// What makes `--fail-on` end with status 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Any wire break.
    Breaking,
    /// Any compile break (or wire break).
    Compile,
    /// Anything but words: a minor or major release.
    Minor,
}

/// The edit read, with the names of its two sides.
#[derive(Serialize)]
pub struct Edit {
    #[serde(skip)]
    pub old: String,
    #[serde(skip)]
    pub new: String,
    #[serde(flatten)]
    pub report: Report,
    /// What the release means while the crate is 0.x.
    pub zero_x: &'static str,
}

/// Reads the edit from `old` to `new`; `Err` when either cannot be read as a spec.
pub fn run(old: &Source, new: &Source) -> Result<Edit, String> {
    let report = report(&old.text, &new.text).map_err(|(side, e)| {
        let name = if side == Side::Old { &old.name } else { &new.name };
        e.in_file(name).to_string()
    })?;
    let zero_x = report.bump.for_zero_x();
    Ok(Edit { old: old.name.clone(), new: new.name.clone(), report, zero_x })
}

impl Edit {
    /// 1 when `fail_on` is met, else 0.
    pub fn exit_code(&self, fail_on: Option<FailOn>) -> u8 {
        let r = &self.report;
        let failed = match fail_on {
            None => false,
            Some(FailOn::Breaking) => r.wire == Wire::Breaking,
            Some(FailOn::Compile) => r.wire == Wire::Breaking || r.rust == Rust::Compile,
            Some(FailOn::Minor) => r.bump >= Bump::Minor,
        };
        u8::from(failed)
    }

    fn place(&self, change: &Change) -> String {
        let file = if change.side == Side::Old { &self.old } else { &self.new };
        match change.line {
            Some(line) => format!("{file}:{line}"),
            None => file.clone(),
        }
    }

    fn headline(&self) -> String {
        let r = &self.report;
        if r.changes.is_empty() {
            return "no change to the API: none".into();
        }
        format!(
            "{} release ({}): {}; wire {}, rust {}",
            name(r.bump),
            self.zero_x,
            plural(r.changes.len(), "change"),
            name(r.wire),
            name(r.rust)
        )
    }

    pub fn text(&self) -> String {
        let mut out = format!("{} -> {}: {}\n", self.old, self.new, self.headline());
        for change in &self.report.changes {
            let _ = write!(
                out,
                "\n{} {} [wire {}, rust {}]\n  {}{}\n",
                self.place(change),
                change.check,
                name(change.wire),
                name(change.rust),
                operations(change),
                change.what
            );
            if !change.items.is_empty() {
                let _ = writeln!(out, "  touches {}", change.items.join(", "));
            }
        }
        out
    }

    /// A CHANGELOG section, newest first, to paste under a version heading.
    pub fn markdown(&self) -> String {
        let r = &self.report;
        let mut out = format!(
            "### Spec changes ({} release: wire {}, rust {})\n\nFrom `{}` to `{}`.\n",
            name(r.bump),
            name(r.wire),
            name(r.rust),
            self.old,
            self.new
        );
        let sections = [
            (Bump::Major, "Breaking: a call, a decoding or a build may fail"),
            (Bump::Minor, "Added and compatible"),
            (Bump::Patch, "Documentation"),
        ];
        for (bump, title) in sections {
            let changes: Vec<&Change> = r.changes.iter().filter(|c| c.bump() == bump).collect();
            if changes.is_empty() {
                continue;
            }
            let _ = write!(out, "\n#### {title}\n\n");
            for change in changes {
                let items: Vec<String> = change.items.iter().map(|i| format!("`{i}`")).collect();
                let items =
                    if items.is_empty() { String::new() } else { format!(" Touches {}.", items.join(", ")) };
                let _ = writeln!(
                    out,
                    "- {}{} (`{}`: wire {}, rust {}; {}).{items}",
                    markdown_operations(change),
                    change.what.replace('|', "\\|"),
                    change.check,
                    name(change.wire),
                    name(change.rust),
                    self.place(change)
                );
            }
        }
        if r.changes.is_empty() {
            out += "\nNo change.\n";
        }
        out
    }

    /// One workflow annotation a change (an error if it breaks, a warning if it adds,
    /// a notice for words), then one summary line: GitHub shows only ten of each kind.
    pub fn github(&self) -> String {
        let mut out = String::new();
        for change in &self.report.changes {
            let level = match change.bump() {
                Bump::Major => "error",
                Bump::Minor => "warning",
                _ => "notice",
            };
            let (file, line) = match (change.side, change.line) {
                (Side::New, Some(line)) => (Some(self.new.as_str()), Some(line)),
                _ => (None, None),
            };
            let message = format!(
                "{}{} (wire {}, rust {}){}",
                operations(change),
                change.what,
                name(change.wire),
                name(change.rust),
                if change.items.is_empty() {
                    String::new()
                } else {
                    format!("; touches {}", change.items.join(", "))
                }
            );
            let _ =
                writeln!(out, "{}", github::annotation(level, file, (line, None), change.check, &message));
        }
        let _ = writeln!(out, "{}", self.headline());
        out
    }
}

/// `price_fix, buy: ` before what changed, when it concerns operations.
fn operations(change: &Change) -> String {
    if change.operations.is_empty() { String::new() } else { format!("{}: ", change.operations.join(", ")) }
}

fn markdown_operations(change: &Change) -> String {
    let ops: Vec<String> = change.operations.iter().map(|op| format!("`{op}`")).collect();
    if ops.is_empty() { String::new() } else { format!("{}: ", ops.join(", ")) }
}

/// How an effect is printed: its JSON name.
fn name(value: impl Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
