//! `cargo bench -p minted-spec --features sandbox --bench nonces`: what an authenticated
//! request's Digest check costs with 0 and with 50,000 nonces issued (unauthenticated
//! requests each get one), against a baseline measured in the same run: the previous
//! store, a map of every nonce pruned with `retain` on each check, doing the same
//! parsing and hashing.

use minted_spec::sandbox::digest::{Answer, Guard, Refusal};
use sha2::{Digest as _, Sha256};
use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::{Duration, Instant};

const CHECKS: u32 = 20_000;
const ISSUED: usize = 50_000;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn nonce_of(challenge: &str) -> String {
    challenge.split("nonce=\"").nth(1).expect("a nonce")[..32].to_string()
}

/// A correct answer to `nonce` for `GET /x`, as user `u` with password `p` in realm `r`.
fn answer(nonce: &str, nc: u32) -> String {
    let nc = format!("{nc:08x}");
    let ha1 = hex(&Sha256::digest(b"u:r:p"));
    let ha2 = hex(&Sha256::digest(b"GET:/x"));
    let response = hex(&Sha256::digest(format!("{ha1}:{nonce}:{nc}:c:auth:{ha2}").as_bytes()));
    format!(
        r#"Digest username="u", realm="r", uri="/x", algorithm=SHA-256, nonce="{nonce}", nc={nc}, cnonce="c", qop=auth, response="{response}", opaque="{}""#,
        &nonce[..16]
    )
}

/// Mean time of one check over `CHECKS` answers to the guard's newest nonce.
fn per_check(guard: &Guard) -> Duration {
    let nonce = nonce_of(&guard.challenges(&Refusal::NoAnswer)[0]);
    let answers: Vec<String> = (1..=CHECKS).map(|nc| answer(&nonce, nc)).collect();
    let started = Instant::now();
    for answer in &answers {
        assert!(black_box(guard.check("GET", "/x", Some(answer))).is_ok());
    }
    started.elapsed() / CHECKS
}

/// The previous store: every nonce in one map, pruned by `retain` on each check.
fn baseline_per_check(outstanding: usize) -> Duration {
    let mut nonces: HashMap<String, (Instant, HashSet<String>)> =
        (0..outstanding).map(|i| (format!("{i:032x}"), (Instant::now(), HashSet::new()))).collect();
    let nonce = format!("{:032x}", outstanding + 1);
    nonces.insert(nonce.clone(), (Instant::now(), HashSet::new()));
    let answers: Vec<String> = (1..=CHECKS).map(|nc| answer(&nonce, nc)).collect();
    let lifetime = Duration::from_secs(3600);
    let started = Instant::now();
    for text in &answers {
        let parsed = Answer::parse(text).expect("an answer");
        assert!(parsed.proves("p", "GET"));
        nonces.retain(|_, (at, _)| at.elapsed() < lifetime);
        let (_, counts) = nonces.get_mut(&parsed.nonce).expect("issued");
        assert!(counts.insert(parsed.nc));
    }
    started.elapsed() / CHECKS
}

fn main() {
    let fresh = Guard::new("r", "u", "p", Duration::from_secs(3600));
    let quiet = per_check(&fresh);
    let busy = Guard::new("r", "u", "p", Duration::from_secs(3600));
    for _ in 0..ISSUED {
        busy.challenges(&Refusal::NoAnswer);
    }
    let loaded = per_check(&busy);
    let baseline_quiet = baseline_per_check(0);
    let baseline_loaded = baseline_per_check(ISSUED);
    println!("{CHECKS} authenticated checks each (parse, SHA-256 proof, nonce lookup and count)");
    println!(
        "sandbox, 0 nonces issued before:         {quiet:?} per check ({:.0}/s)",
        1.0 / quiet.as_secs_f64()
    );
    println!(
        "sandbox, {ISSUED} issued ({} kept):     {loaded:?} per check ({:.0}/s)",
        busy.outstanding(),
        1.0 / loaded.as_secs_f64()
    );
    println!("baseline (retain per check), 0 others:   {baseline_quiet:?} per check");
    println!("baseline (retain per check), {ISSUED} others: {baseline_loaded:?} per check");
    println!(
        "with {ISSUED} issued: sandbox {:.1}x its quiet cost, baseline {:.1}x; sandbox {:.1}x faster than baseline",
        loaded.as_secs_f64() / quiet.as_secs_f64(),
        baseline_loaded.as_secs_f64() / baseline_quiet.as_secs_f64(),
        baseline_loaded.as_secs_f64() / loaded.as_secs_f64()
    );
}
