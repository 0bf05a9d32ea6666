//! A crate outside this workspace, as a partner's would be, depends on `minted-connect`
//! by path with the `sandbox` feature, starts the sandbox in its own `#[tokio::test]`
//! and reads a customer through the client (`tests/partner/`). Built offline with this
//! workspace's lock file and target folder, so it costs one more build of the client.

use std::path::Path;
use std::process::Command;

#[test]
fn a_partner_crate_starts_the_sandbox_from_its_own_tests() {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target/tmp is in the target folder");
    // A copy outside the checkout, so that nothing can reach the spec by a relative path.
    let partner = std::env::temp_dir().join(format!("minted-partner-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partner);
    std::fs::create_dir_all(partner.join("src")).unwrap();
    std::fs::create_dir_all(partner.join("tests")).unwrap();
    let fixture = checkout.join("tests/partner");
    let manifest = std::fs::read_to_string(fixture.join("Cargo.toml")).unwrap();
    let manifest = manifest.replace("\"MINTED_CONNECT\"", &format!("{:?}", checkout.display().to_string()));
    std::fs::write(partner.join("Cargo.toml"), manifest).unwrap();
    for file in ["src/lib.rs", "tests/sandbox.rs"] {
        std::fs::copy(fixture.join(file), partner.join(file)).unwrap();
    }
    // The same versions as this workspace, and no registry needed.
    std::fs::copy(checkout.join("Cargo.lock"), partner.join("Cargo.lock")).unwrap();

    let output = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--quiet"])
        .current_dir(&partner)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    let _ = std::fs::remove_dir_all(&partner);
}
