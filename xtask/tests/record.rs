//! The loop of the README's "Checking the spec against the real server", run against
//! the sandbox with the README's own commands: record the quickstart with
//! `MINTED_RECORD`, then `cargo xtask verify --strict` (and `--suggest`) on what it wrote.
//! Once against the sandbox as it is (clean), once against a sandbox that drifts from
//! the spec in two ways (exactly those two findings, and the two edits proposed).

use minted_spec::sandbox::{PASSWORD, Sandbox, USERNAME};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `MINTED_RECORD=DIR cargo run --example quickstart --features sandbox`, with `server`
/// (`MINTED_BASE_URL` and the credentials) or without (the quickstart's own sandbox).
fn quickstart(dir: &Path, server: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["run", "--quiet", "--example", "quickstart", "--features", "sandbox"])
        .current_dir(workspace())
        .env("MINTED_RECORD", dir)
        .env_remove("MINTED_BASE_URL");
    if let Some(url) = server {
        command.env("MINTED_BASE_URL", url).env("MINTED_USERNAME", USERNAME).env("MINTED_PASSWORD", PASSWORD);
    }
    command.output().unwrap()
}

/// `cargo xtask verify --strict [--suggest] DIR`.
fn verify(dir: &Path, suggest: bool) -> (Option<i32>, String) {
    let mut args = vec!["verify", "--strict"];
    if suggest {
        args.push("--suggest");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg(dir)
        .current_dir(workspace())
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_recorded_quickstart_verifies_clean_and_a_drifting_server_gets_its_two_edits() {
    let clean = fresh_dir("recorded");
    let run = quickstart(&clean, None);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (status, report) = verify(&clean, false);
    assert_eq!(status, Some(0), "{report}");
    assert!(report.contains("checked 8 exchanges from 8 files\n0 errors, 0 warnings"), "{report}");

    // A server that sends a field the spec does not declare, and an order's total as a string.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let drifting = runtime.block_on(async {
        Sandbox::default()
            .log(|_| {})
            .transform(|operation, body| match operation {
                "get_customer" => body["data"]["loyalty_tier"] = "gold".into(),
                "get_order" => body["data"]["total"] = body["data"]["total"].to_string().into(),
                _ => {}
            })
            .start(([127, 0, 0, 1], 0).into())
            .await
            .unwrap()
    });
    let drifted = fresh_dir("drifted");
    let run = quickstart(&drifted, Some(&drifting.url()));
    assert!(run.status.success(), "the client takes both: {}", String::from_utf8_lossy(&run.stderr));
    let (status, report) = verify(&drifted, true);
    assert_eq!(status, Some(1), "{report}");
    let findings: Vec<&str> = report.lines().filter(|line| line.starts_with("error[")).collect();
    assert_eq!(findings.len(), 2, "{report}");
    assert!(
        findings[0].contains("error[undocumented-field]")
            && findings[0].contains("get_customer response.body/data/loyalty_tier")
    );
    assert!(
        findings[1].contains("error[wrong-type]")
            && findings[1].contains("get_order response.body/data/total")
    );
    assert!(report.contains("2 suggested edits"), "{report}");
    assert!(
        report.contains("at /components/schemas/Customer/properties/loyalty_tier:\n  type: string\n"),
        "{report}"
    );
    assert!(report.contains("at /components/schemas/Order/properties/total:\n  anyOf:\n"), "{report}");
    drop(drifting);
}
