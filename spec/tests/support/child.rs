//! Shared by the tests of the `minted-sandbox` command: starting it as a child process
//! and reading the address it serves on from its first line on stderr.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `minted-sandbox --addr 127.0.0.1:0` with `args`, from `folder`: the child and the
/// address it serves on (or the line it printed instead).
pub fn start(args: &[&std::ffi::OsStr], folder: &std::path::Path) -> (Child, Result<SocketAddr, String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_minted-sandbox"))
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .current_dir(folder)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (sender, lines) = std::sync::mpsc::channel();
    // Drained to the end: a closed pipe would fail the sandbox's next log line.
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    // A line that never comes fails the test instead of hanging it.
    let first = lines.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
    let addr = first
        .strip_prefix("sandbox on http://")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|addr| addr.parse().ok())
        .ok_or(first);
    (child, addr)
}
