//! `cargo bench -p minted-spec --features verify --bench parse`: what turning one HAR
//! entry's text into a `serde_json::Value` costs (the tree the engine checks), with
//! serde_json (what verify uses, with `arbitrary_precision`, so numbers keep their
//! text) against simd-json and sonic-rs deserializing the same entries into the same
//! `Value`, in the same run. Also how many of the three give the same tree.

#[path = "../tests/support/har.rs"]
mod har;

use serde_json::Value;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

const ENTRIES: usize = 20_000;

fn main() {
    let recordings = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&recordings)
        .expect("the recordings")
        .flat_map(|dir| std::fs::read_dir(dir.expect("a folder").path()).expect("a folder"))
        .map(|entry| entry.expect("a file").path())
        .collect();
    paths.sort();
    let texts: Vec<String> = paths.iter().map(|path| har::har_entry(path).to_string()).collect();
    let entries: Vec<&String> = texts.iter().cycle().take(ENTRIES).collect();
    let bytes: usize = entries.iter().map(|e| e.len()).sum();

    let serde = best(|| {
        for entry in &entries {
            black_box(serde_json::from_str::<Value>(entry).expect("JSON"));
        }
    });
    let simd = best(|| {
        for entry in &entries {
            let mut owned = entry.as_bytes().to_vec();
            black_box(simd_json::serde::from_slice::<Value>(&mut owned).expect("JSON"));
        }
    });
    let sonic = best(|| {
        for entry in &entries {
            black_box(sonic_rs::from_str::<Value>(entry).expect("JSON"));
        }
    });
    let rate = |seconds: f64| bytes as f64 / seconds / 1e6;
    println!("{ENTRIES} HAR entries, {:.1} MB, each into a serde_json::Value:", bytes as f64 / 1e6);
    println!("serde_json (verify's): {:.1} MB/s", rate(serde));
    println!("simd-json:             {:.1} MB/s ({:.2}x serde_json)", rate(simd), serde / simd);
    println!("sonic-rs:              {:.1} MB/s ({:.2}x serde_json)", rate(sonic), serde / sonic);

    // The engine needs each number's exact text (money is checked as written).
    let same = |parse: &dyn Fn(&str) -> Value| {
        texts.iter().filter(|t| parse(t) == serde_json::from_str::<Value>(t).unwrap()).count()
    };
    let simd_same = same(&|t| simd_json::serde::from_slice::<Value>(&mut t.as_bytes().to_vec()).unwrap());
    let sonic_same = same(&|t| sonic_rs::from_str::<Value>(t).unwrap());
    println!(
        "the same tree as serde_json for the {} distinct entries: simd-json {simd_same}, sonic-rs {sonic_same}",
        texts.len()
    );
}

/// The best of three timed runs, after one to warm up, in seconds.
fn best(mut run: impl FnMut()) -> f64 {
    run();
    (0..3)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}
