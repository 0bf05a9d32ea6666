//! What `cargo xtask changes` says of each edit from old.yaml to new.yaml, held
//! against code: each case in `cases/` is downstream code that compiles against the
//! old client and, as its first line says, fails against the new one with the error
//! it names (`breaks CHECK (error)`) or still compiles (`builds CHECK`). Every change
//! the report reads as a compile break has a case that breaks, and no case that
//! builds is read as one. As cargo-semver-checks does for its lints, in one fixture:
//! two specs, many cases, each type-checked alone (`rustc --emit=metadata`).

use minted_spec::changes::{Rust, report};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    /// The file's name, as a Rust identifier.
    name: String,
    check: String,
    breaks: Option<String>,
    file: PathBuf,
    code: String,
}

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn cases() -> Vec<Case> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(fixture("cases")).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let code = std::fs::read_to_string(&file).unwrap();
            let first = code.lines().next().unwrap_or_default();
            // `CHECK.rs`, or `CHECK--SUFFIX.rs` for another case of the same check.
            let stem = file.file_stem().unwrap().to_str().unwrap().to_string();
            let check = stem.split("--").next().unwrap().to_string();
            let breaks = match first.strip_prefix(&format!("//! breaks {check} (")) {
                Some(rest) => Some(rest.split_once("):").expect("`(error):` after the check").0.to_string()),
                None => {
                    assert!(
                        first.starts_with(&format!("//! builds {check}:")),
                        "{}: {first}",
                        file.display()
                    );
                    None
                }
            };
            Case { name: stem.replace('-', "_"), check, breaks, file, code }
        })
        .collect()
}

/// Where cargo put the fixture's library and its dependencies: beside this test.
fn fixture_library() -> (PathBuf, PathBuf) {
    let deps = std::env::current_exe().unwrap().parent().unwrap().to_path_buf();
    let newest = std::fs::read_dir(&deps)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_str().unwrap();
            name.starts_with("libwitness-") && name.ends_with(".rlib")
        })
        .max_by_key(|path| path.metadata().and_then(|m| m.modified()).unwrap());
    (deps.clone(), newest.expect("cargo built the fixture's library beside this test"))
}

/// Type-checks `code` against one side's client; the compiler's complaint if it fails.
fn check(code: &str, side: &str, name: &str) -> Result<(), String> {
    let (deps, library) = fixture_library();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("witnesses").join(side);
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join(format!("{name}.rs"));
    let prelude = format!(
        "#![allow(dead_code, unused_imports, unused_variables)]\nuse witness::{{{side} as api, Decimal}};\nuse api::prelude::*;\n"
    );
    // The case's opening line is about it, not the crate it becomes part of.
    std::fs::write(&source, prelude + &code.replace("//!", "//")).unwrap();
    let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--edition", "2024", "--crate-type", "lib", "--emit=metadata", "--crate-name", name])
        .arg("--out-dir")
        .arg(&dir)
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg("--extern")
        .arg(format!("witness={}", library.display()))
        .arg(&source)
        .output()
        .unwrap();
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) }
}

#[test]
fn each_case_compiles_against_the_old_client_and_breaks_against_the_new_as_it_says() {
    let cases = cases();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    // All at once against the old client: each as a module of one crate.
    let together: String = cases
        .iter()
        .map(|case| format!("mod {} {{\nuse super::*;\n{}\n}}\n", case.name, case.code.replace("//!", "//")))
        .collect();
    if let Err(complaint) = check(&together, "old", "all_cases") {
        panic!("the cases must compile against the old client:\n{complaint}");
    }
    let results: Vec<(&Case, Result<(), String>)> = std::thread::scope(|scope| {
        let running: Vec<_> =
            cases.iter().map(|case| (case, scope.spawn(|| check(&case.code, "new", &case.name)))).collect();
        running.into_iter().map(|(case, handle)| (case, handle.join().unwrap())).collect()
    });
    let mut wrong = Vec::new();
    for (case, result) in results {
        let file = case.file.display();
        match (&case.breaks, result) {
            (None, Ok(())) => {}
            (None, Err(complaint)) => {
                wrong.push(format!("{file} should build against the new client:\n{complaint}"))
            }
            (Some(error), Ok(())) => {
                wrong.push(format!("{file} should break against the new client ({error})"))
            }
            (Some(error), Err(complaint)) if !complaint.contains(error.as_str()) => {
                wrong.push(format!("{file} breaks, but not with {error:?}:\n{complaint}"))
            }
            (Some(_), Err(_)) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn the_report_reads_each_edit_as_its_case_shows() {
    let (old, new) = (
        std::fs::read_to_string(fixture("old.yaml")).unwrap(),
        std::fs::read_to_string(fixture("new.yaml")).unwrap(),
    );
    let report = report(&old, &new).unwrap();
    let cases = cases();
    for case in &cases {
        let read: Vec<Rust> =
            report.changes.iter().filter(|c| c.check == case.check).map(|c| c.rust).collect();
        assert!(!read.is_empty(), "the report has no {} change: {:#?}", case.check, report.changes);
        match case.breaks {
            Some(_) => {
                assert!(read.contains(&Rust::Compile), "{}: read as {read:?}, the case breaks", case.name)
            }
            None => assert!(
                read.iter().any(|rust| *rust != Rust::Compile),
                "{}: read only as a compile break, the case builds",
                case.name
            ),
        }
    }
    for change in report.changes.iter().filter(|c| c.rust == Rust::Compile) {
        let witnessed = cases.iter().any(|case| case.check == change.check && case.breaks.is_some());
        assert!(witnessed, "no case breaks as {} says: {change:#?}", change.check);
    }
}
