//! `cargo bench -p minted-spec --features verify --bench parse`: what turning one HAR
//! entry's text into a `serde_json::Value` costs (the tree the engine checks), with
//! serde_json (what verify uses, with `arbitrary_precision`, so numbers keep their
//! text) against simd-json and sonic-rs deserializing the same entries into the same
//! `Value`, in the same run. Also how many of the three give the same tree.

#[path = "../tests/support/har.rs"]
mod har;

use serde_json::Value;
use std::hint::black_box;
use std::time::Instant;

const ENTRIES: usize = 20_000;
const ROUNDS: usize = 7;

fn main() {
    let texts = har::recorded_entries();
    let entries: Vec<&String> = texts.iter().cycle().take(ENTRIES).collect();
    let bytes: usize = entries.iter().map(|e| e.len()).sum();

    type Parser<'a> = (&'a str, &'a dyn Fn(&str));
    let parsers: [Parser; 3] = [
        ("serde_json (verify's)", &|entry| {
            drop(black_box(serde_json::from_str::<Value>(entry).expect("JSON")))
        }),
        ("simd-json", &|entry| {
            let mut owned = entry.as_bytes().to_vec();
            drop(black_box(simd_json::serde::from_slice::<Value>(&mut owned).expect("JSON")));
        }),
        ("sonic-rs", &|entry| drop(black_box(sonic_rs::from_str::<Value>(entry).expect("JSON")))),
    ];
    // Rounds time the three in turn, so that the machine's drift falls on all alike;
    // each figure is the median over the rounds.
    let mut seconds: Vec<Vec<f64>> = vec![Vec::new(); parsers.len()];
    for round in 0..=ROUNDS {
        for (times, (_, parse)) in seconds.iter_mut().zip(&parsers) {
            let started = Instant::now();
            entries.iter().for_each(|entry| parse(entry));
            if round > 0 {
                times.push(started.elapsed().as_secs_f64());
            }
        }
    }
    let median = |times: &[f64]| {
        let mut sorted = times.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    };
    println!(
        "{ENTRIES} HAR entries, {:.1} MB, each into a serde_json::Value (median of {ROUNDS} rounds):",
        bytes as f64 / 1e6
    );
    for ((name, _), times) in parsers.iter().zip(&seconds) {
        let ratios: Vec<f64> = seconds[0].iter().zip(times).map(|(serde, this)| serde / this).collect();
        println!(
            "{name:<22} {:>6.1} MB/s, {:.2}x serde_json",
            bytes as f64 / median(times) / 1e6,
            median(&ratios)
        );
    }

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
