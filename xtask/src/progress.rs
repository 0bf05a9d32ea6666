//! A progress line on stderr while verify reads a large input: bytes read, exchanges
//! checked, findings so far. Only for a person watching: never when stderr is not a
//! terminal (CI logs, pipes), never with `--quiet`, never for a small input.

use indicatif::{ProgressBar, ProgressStyle};
use minted_spec::verify::Progress;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// From this many bytes of input a run shows its progress.
pub const LARGE: u64 = 50 * 1024 * 1024;

/// Overrides [`LARGE`] (a test's small input, a person's preference).
pub const THRESHOLD_VARIABLE: &str = "MINTED_VERIFY_PROGRESS_BYTES";

/// Whether a run shows progress.
pub fn wanted(stderr_is_terminal: bool, quiet: bool, input_bytes: u64, threshold: u64) -> bool {
    stderr_is_terminal && !quiet && input_bytes >= threshold
}

/// The size of what a run over `paths` reads (what cannot be listed counts nothing).
pub fn input_bytes(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|path| minted_spec::load::files_under(path).ok())
        .flatten()
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|metadata| metadata.len())
        .sum()
}

/// Runs `work`, drawing `progress` on stderr meanwhile when a person would want it.
pub fn watch<T>(progress: &Progress, paths: &[PathBuf], quiet: bool, work: impl FnOnce() -> T) -> T {
    let threshold = std::env::var(THRESHOLD_VARIABLE).ok().and_then(|v| v.parse().ok()).unwrap_or(LARGE);
    let total = input_bytes(paths);
    if !wanted(std::io::stderr().is_terminal(), quiet, total, threshold) {
        return work();
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template("{bar:30} {binary_bytes}/{binary_total_bytes} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                bar.set_position(progress.bytes.load(Ordering::Relaxed));
                bar.set_message(format!(
                    "{} exchanges checked, {} findings",
                    progress.exchanges.load(Ordering::Relaxed),
                    progress.findings.load(Ordering::Relaxed)
                ));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_only_on_a_terminal_without_quiet_for_a_large_input() {
        assert!(wanted(true, false, LARGE, LARGE));
        assert!(!wanted(false, false, u64::MAX, LARGE), "not a terminal");
        assert!(!wanted(true, true, u64::MAX, LARGE), "--quiet");
        assert!(!wanted(true, false, LARGE - 1, LARGE), "a small input");
    }
}
