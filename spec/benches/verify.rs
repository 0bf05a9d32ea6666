//! `cargo bench -p minted-spec --features verify`: 10,000 exchanges, made by cycling the committed recordings,
//! checked with the spec compiled once, against a baseline measured in the same run that
//! compiles the exchange's operation for every exchange (what a tool without a compiled
//! contract pays).

use minted_spec::check::Checker;
use minted_spec::contract::{Contract, Spec};
use minted_spec::load::Loaded;
use std::hint::black_box;
use std::time::{Duration, Instant};

const EXCHANGES: usize = 10_000;
/// Compiling per exchange is slow; the baseline's rate is measured on this many.
const BASELINE_EXCHANGES: usize = 1_000;

fn main() {
    let spec = Spec::embedded().expect("spec");
    let started = Instant::now();
    let contract = Contract::compile(&spec).expect("spec compiles");
    let compile_all = started.elapsed();
    let loaded = Loaded::from_texts(minted_spec::RECORDINGS.iter().copied(), &contract.scope(&[]));
    let exchanges: Vec<_> = loaded.exchanges.iter().cycle().take(EXCHANGES).collect();
    let checker = Checker { contract: &contract, strict: true };

    let compiled_once = timed(|| {
        for exchange in &exchanges {
            black_box(checker.check(exchange));
        }
    });

    let definitions = spec.operations();
    let per_exchange = timed(|| {
        for exchange in exchanges.iter().take(BASELINE_EXCHANGES) {
            let request = exchange.request.as_ref().expect("recordings have requests");
            let (operation, _) = contract.route(&request.method, &request.path).expect("recordings route");
            let definition = definitions.iter().find(|d| d.id == operation.id).expect("same spec");
            spec.forget_compiled();
            let single = Contract {
                operations: vec![spec.compile(definition).expect("compiles")],
                hosts: Vec::new(),
                base_paths: Vec::new(),
            };
            black_box(Checker { contract: &single, strict: true }.check(exchange));
        }
    });

    let rate_once = EXCHANGES as f64 / compiled_once.as_secs_f64();
    let rate_per_exchange = BASELINE_EXCHANGES as f64 / per_exchange.as_secs_f64();
    println!("compiling the whole spec once: {compile_all:?}");
    println!("compiled once:        {EXCHANGES} exchanges in {compiled_once:?}: {rate_once:.0} exchanges/s");
    println!(
        "compiled per exchange: {BASELINE_EXCHANGES} exchanges in {per_exchange:?}: {rate_per_exchange:.0} exchanges/s"
    );
    println!("ratio: compiled once is {:.1}x the per-exchange baseline", rate_once / rate_per_exchange);
}

/// The best of three runs, after one to warm up.
fn timed(mut run: impl FnMut()) -> Duration {
    run();
    (0..3)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .min()
        .expect("three runs")
}
