//! `cargo xtask`: maintenance commands for the spec and its recordings.

use clap::{Parser, Subcommand, ValueEnum};
use minted_spec::sandbox;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xtask::baseline::Baseline;
use xtask::{changes, verify};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Maintenance commands for the Minted Connect spec"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check recorded exchanges (our recordings or HAR 1.2 files) against the spec.
    ///
    /// Exit status: 0 when everything conforms, 1 on any error finding, 2 when the spec
    /// or a recording cannot be read at all.
    Verify {
        /// The OpenAPI spec [default: spec/minted-connect.yaml]
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Treat undocumented fields, parameters and bodies as errors, not warnings.
        #[arg(long)]
        strict: bool,
        /// `json`: the findings and the summary as one JSON document; `sarif`: SARIF 2.1.0
        /// for code-scanning views; `junit`: JUnit XML for CI test views; `github`:
        /// workflow annotations at the spec's lines; `markdown`: a pull-request comment.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A host whose HAR entries count as this API's, besides the spec's servers
        /// (a production host, say). Repeatable.
        #[arg(long = "host", value_name = "HOST")]
        hosts: Vec<String>,
        /// After the report, the spec edit that would answer each finding of drift
        /// (undocumented field or status, wrong type, null, value outside an enum,
        /// missing required field), as a YAML fragment at its JSON pointer. The spec
        /// file is never changed.
        #[arg(long)]
        suggest: bool,
        /// Write the findings to FILE as accepted (JSON; fill in each `reason`), for
        /// --baseline to read.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
        /// Findings FILE lists are accepted: reported as such, with the exit status of
        /// a clean run; those no longer found are reported as stale.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// No progress line on stderr (shown otherwise on a terminal, for inputs over 50 MB).
        #[arg(long)]
        quiet: bool,
        /// Recording files, HAR files, or directories of them [default: spec/recordings]
        paths: Vec<PathBuf>,
    },
    /// What an edit of the spec does: each change with its effect on the wire
    /// (breaking or compatible) and on code built against the generated crate (compile,
    /// runtime or none), the generated items it touches, and the release it calls for.
    ///
    /// Reads only the two specs: no client is generated. Examples are not changes.
    /// Exit status: 0, or 1 when --fail-on is met; 2 when a spec cannot be read.
    Changes {
        /// The spec before the edit: a file, or git:REF for spec/minted-connect.yaml as
        /// committed at REF (git:HEAD, git:v0.1.0, git:origin/main).
        old: String,
        /// The spec after it [default: spec/minted-connect.yaml]
        new: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ChangesFormat::Text)]
        format: ChangesFormat,
        /// Exit with status 1 when the edit breaks the wire (`breaking`), breaks the
        /// wire or the build (`compile`), or is more than words (`minor`).
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Write the spec with every named example inline (from its recording), as one
    /// self-contained file for tools that do not follow `externalValue` (Prism, Redoc,
    /// Schemathesis).
    Bundle {
        /// The OpenAPI spec [default: spec/minted-connect.yaml]
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Where to write it (JSON, which every OpenAPI tool reads) [default: target/openapi/minted-connect.json]
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Serve the API on this machine from the spec and its recordings, until Ctrl-C:
    /// the `minted-sandbox` command, whose flags `cargo xtask sandbox --help` lists.
    #[command(disable_help_flag = true)]
    Sandbox {
        /// The flags of `minted-sandbox` (--addr, --seed, --fault, ...).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Junit,
    Sarif,
    Github,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum ChangesFormat {
    Text,
    /// A CHANGELOG section.
    Markdown,
    /// `bump`, `wire`, `rust` and `changes`.
    Json,
    /// GitHub workflow annotations, then a summary line.
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
    Compile,
    Minor,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Verify { spec, strict, format, hosts, suggest, write_baseline, baseline, quiet, paths } => {
            let paths = if paths.is_empty() { vec![in_workspace("spec/recordings")] } else { paths };
            let embedded = spec.is_none();
            let spec = spec.unwrap_or_else(|| in_workspace("spec/minted-connect.yaml"));
            let anchored = matches!(format, Format::Sarif | Format::Github)
                || baseline.is_some()
                || write_baseline.is_some();
            let options = verify::Options { spec, embedded, paths, strict, hosts, quiet, anchored };
            let mut report = match verify::run(&options) {
                Ok(report) => report,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Some(file) = &write_baseline
                && let Err(e) = Baseline::of(&report).write(file)
            {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            if let Some(file) = &baseline {
                match Baseline::read(file) {
                    Ok(baseline) => report.accept(&baseline),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            let edits = if suggest {
                match verify::edits(&options) {
                    Ok(edits) => edits,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            } else {
                Vec::new()
            };
            let mut text = match format {
                Format::Text => report.text(),
                Format::Json => serde_json::to_string_pretty(&report).expect("findings serialize") + "\n",
                Format::Junit => xtask::junit::junit(&report),
                Format::Sarif => {
                    let sarif = xtask::sarif::sarif(&report, &edits, &verify::spec_lines(&options));
                    serde_json::to_string_pretty(&sarif).expect("a SARIF log serializes") + "\n"
                }
                Format::Github => report.github(),
                Format::Markdown => report.markdown(),
            };
            // SARIF carries the edits as fixes; the other formats print them after the report.
            if suggest && !matches!(format, Format::Sarif) {
                text += &verify::suggestions(&options, edits);
            }
            // A reader that stops early (`| head`) is not an error of ours.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::from(report.exit_code())
        }
        Command::Changes { old, new, format, fail_on } => {
            let spec_file = in_workspace("spec/minted-connect.yaml");
            let new_file = new.unwrap_or_else(|| spec_file.clone());
            let sources = changes::Source::read(&old, &spec_file).and_then(|old| {
                Ok((old, changes::Source::read(&new_file.display().to_string(), &spec_file)?))
            });
            let edit = sources.and_then(|(old, new)| changes::run(&old, &new));
            let edit = match edit {
                Ok(edit) => edit,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let text = match format {
                ChangesFormat::Text => edit.text(),
                ChangesFormat::Markdown => edit.markdown(),
                ChangesFormat::Json => {
                    serde_json::to_string_pretty(&edit).expect("a report serializes") + "\n"
                }
                ChangesFormat::Github => edit.github(),
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            let fail_on = fail_on.map(|f| match f {
                FailOn::Breaking => changes::FailOn::Breaking,
                FailOn::Compile => changes::FailOn::Compile,
                FailOn::Minor => changes::FailOn::Minor,
            });
            ExitCode::from(edit.exit_code(fail_on))
        }
        Command::Bundle { spec, out } => {
            let spec = spec.unwrap_or_else(|| in_workspace("spec/minted-connect.yaml"));
            let out = out.unwrap_or_else(|| in_workspace("target/openapi/minted-connect.json"));
            match xtask::bundle::write(&spec, &out) {
                Ok(()) => {
                    eprintln!("wrote {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Sandbox { args } => sandbox::command::run(args),
    }
}

/// A default path, found from the workspace root and shown relative to where we run.
fn in_workspace(relative: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace");
    let path = root.join(relative);
    match std::env::current_dir() {
        Ok(cwd) => path.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(path),
        Err(_) => path,
    }
}
