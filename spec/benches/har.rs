//! `cargo bench -p minted-spec --features verify --bench har`: verify over HAR files of
//! 50 MB and 500 MB, written by the bench from the recordings (cycled, each a HAR entry)
//! into the target folder, never committed. Each run is a child process, so that its
//! peak RSS is its own: the streaming, parallel run (`verify::check_paths`, what
//! `cargo xtask verify` does) against the baseline measured in the same run, the
//! whole-file run (`Loaded::from_paths` then `check_all`: the file, its tree and every
//! exchange in memory, checked on one core).

#[path = "../tests/support/har.rs"]
mod har;

use minted_spec::contract::{Contract, Spec};
use minted_spec::load::Loaded;
use minted_spec::verify::{Outcome, check_all, check_paths};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SIZES_MB: [u64; 2] = [50, 500];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, mode, file, ..] = args.as_slice()
        && (mode == "--stream" || mode == "--whole")
    {
        return child(mode, Path::new(file));
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("har-bench");
    std::fs::create_dir_all(&dir).expect("a folder for the HARs");
    println!(
        "{:<34} {:>10} {:>8} {:>12} {:>10} {:>9}",
        "run", "exchanges", "wall s", "exchanges/s", "peak RSS", "cpu/wall"
    );
    for mb in SIZES_MB {
        let file = dir.join(format!("{mb}mb.har"));
        let exchanges = write_har(&file, mb * 1024 * 1024);
        let stream = run("--stream", &file);
        let whole = run("--whole", &file);
        for (name, figures) in
            [("streaming, every core", &stream), ("whole file, one core (baseline)", &whole)]
        {
            println!(
                "{:<34} {:>10} {:>8.2} {:>12.0} {:>7} MB {:>9.2}",
                format!("{mb} MB: {name}"),
                figures.exchanges,
                figures.wall,
                figures.exchanges as f64 / figures.wall,
                figures.peak_mb,
                figures.cpu / figures.wall
            );
        }
        assert_eq!(stream.exchanges, exchanges, "every entry is checked");
        assert_eq!(stream.findings, whole.findings, "the same findings");
        println!(
            "{mb} MB: streaming is {:.2}x the baseline's rate with {:.3}x its peak RSS",
            whole.wall / stream.wall,
            stream.peak_mb as f64 / whole.peak_mb as f64
        );
        let _ = std::fs::remove_file(&file);
    }
}

struct Figures {
    exchanges: usize,
    findings: usize,
    wall: f64,
    cpu: f64,
    peak_mb: u64,
}

fn run(mode: &str, file: &Path) -> Figures {
    let output = Command::new(std::env::current_exe().expect("the bench binary"))
        .args([mode, &file.display().to_string()])
        .output()
        .expect("the child runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<f64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    assert!(
        output.status.success() && numbers.len() == 5,
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Figures {
        exchanges: numbers[0] as usize,
        findings: numbers[1] as usize,
        wall: numbers[2],
        cpu: numbers[3],
        peak_mb: numbers[4] as u64,
    }
}

/// In the child: one run, then exchanges, findings, wall and CPU seconds, peak RSS in MB.
fn child(mode: &str, file: &Path) {
    let started = Instant::now();
    let contract = Contract::compile(&Spec::embedded().expect("the spec reads")).expect("the spec compiles");
    let paths = [file.to_path_buf()];
    let scope = contract.scope(&[]);
    let outcome: Outcome = match mode {
        "--stream" => check_paths(&contract, &paths, &scope, true),
        _ => check_all(&contract, Loaded::from_paths(&paths, &scope), true),
    };
    let wall = started.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    // utime and stime, in clock ticks of 1/100 s (Linux's USER_HZ).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks: f64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<f64>().ok()).sum();
    println!(
        "{} {} {wall:.3} {:.2} {}",
        outcome.exchanges,
        outcome.findings.len(),
        ticks / 100.0,
        peak_kb / 1024
    );
}

/// Writes a HAR of about `bytes`, cycling the recordings; returns how many entries.
fn write_har(file: &PathBuf, bytes: u64) -> usize {
    let entries = har::recorded_entries();
    let mut out = std::io::BufWriter::new(std::fs::File::create(file).expect("the HAR is written"));
    let mut written = 0u64;
    let mut count = 0;
    write!(
        out,
        r#"{{"log": {{"version": "1.2", "creator": {{"name": "har bench", "version": "1"}}, "entries": ["#
    )
    .expect("write");
    for entry in entries.iter().cycle() {
        if written >= bytes {
            break;
        }
        if count > 0 {
            out.write_all(b",\n").expect("write");
        }
        out.write_all(entry.as_bytes()).expect("write");
        written += entry.len() as u64 + 2;
        count += 1;
    }
    out.write_all(b"]}}\n").expect("write");
    out.flush().expect("write");
    count
}
