//! A whole set of exchanges against the contract: every finding, and which operations
//! the set exercised. Summing up and printing belong to whoever reports the run.

use crate::check::Checker;
use crate::contract::{Contract, Scope};
use crate::exchange::{Body, Exchange, SkipReason, Skipped};
use crate::finding::Finding;
use crate::load::{self, Decoded, Loaded, Read};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, channel, sync_channel};
use std::sync::{Arc, Mutex};

/// What checking a set of exchanges found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Unreadable files first, then each exchange's findings in file and entry order.
    pub findings: Vec<Finding>,
    /// Files read.
    pub files: usize,
    /// Exchanges checked.
    pub exchanges: usize,
    /// HAR entries not checked, by why.
    pub skipped: Skipped,
    /// The operations at least one exchange was checked against.
    pub operations_seen: BTreeSet<String>,
}

/// Checks every exchange of `loaded`; with `strict`, drift is an error.
pub fn check_all(contract: &Contract, loaded: Loaded, strict: bool) -> Outcome {
    let checker = Checker { contract, strict };
    let mut outcome = Outcome {
        files: loaded.files,
        exchanges: 0,
        skipped: loaded.skipped,
        findings: loaded.unreadable,
        operations_seen: BTreeSet::new(),
    };
    for exchange in &loaded.exchanges {
        match check_one(&checker, exchange) {
            Ok((operation, found)) => {
                outcome.exchanges += 1;
                outcome.operations_seen.extend(operation);
                outcome.findings.extend(found);
            }
            Err(reason) => outcome.skipped.add(reason),
        }
    }
    outcome
}

/// Checks one exchange. A page or an asset of the API's host (a body that is not JSON
/// back, none sent, and no operation's method and path) is not the API's: skipped.
fn check_one(
    checker: &Checker<'_>,
    exchange: &Exchange,
) -> Result<(Option<String>, Vec<Finding>), SkipReason> {
    let not_json = |body: &Body| !matches!(body, Body::Json(_) | Body::Invalid(_));
    if let (Some(request), Some(response)) = (&exchange.request, &exchange.response)
        && matches!(response.body, Body::Other { .. })
        && not_json(&request.body)
        && checker.contract.route(&request.method, &request.path).is_none()
    {
        return Err(SkipReason::NotJson);
    }
    Ok(checker.check(exchange))
}

/// How many units of work may wait for a checker: what bounds memory, whatever the
/// size of the input.
const QUEUED: usize = 256;

/// What checking one unit of work gave.
enum Done {
    Checked(Option<String>, Vec<Finding>),
    Skipped(SkipReason),
    Unreadable(Finding),
}

/// What a streamed run has done so far, for a progress display on another thread.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes read from the files.
    pub bytes: AtomicU64,
    /// Exchanges checked.
    pub exchanges: AtomicU64,
    /// Findings, unreadable files included.
    pub findings: AtomicU64,
}

/// Checks every recording and HAR under `paths` as it is read, on every core, keeping
/// only findings and counts: a HAR is read entry by entry, and at most a few hundred
/// exchanges wait at any time. The findings come in the same order as
/// [`check_all`]'s over [`Loaded::from_paths`]: unreadable files first, then each
/// exchange's in file and entry order.
pub fn check_paths(contract: &Contract, paths: &[PathBuf], scope: &Scope, strict: bool) -> Outcome {
    check_paths_watched(contract, paths, scope, strict, &Progress::default())
}

/// [`check_paths`], counting what it does in `progress` as it goes.
pub fn check_paths_watched(
    contract: &Contract,
    paths: &[PathBuf],
    scope: &Scope,
    strict: bool,
    progress: &Progress,
) -> Outcome {
    let checker = Checker { contract, strict };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (work, queue) = sync_channel::<(u64, Read)>(QUEUED);
    let queue = Arc::new(Mutex::new(queue));
    let (done, results) = channel::<(u64, Done)>();
    let mut outcome = Outcome::default();
    std::thread::scope(|scope_| {
        for _ in 0..workers {
            let (queue, done, checker) = (Arc::clone(&queue), done.clone(), &checker);
            scope_.spawn(move || work_on(&queue, &done, checker, scope));
        }
        drop(done);
        let collector = scope_.spawn(|| collect(results, progress));
        let mut sequence = 0;
        load::stream(paths, &progress.bytes, |read| {
            if let Read::File = read {
                outcome.files += 1;
                return;
            }
            sequence += 1;
            // A checker that stopped (it cannot, short of a panic) ends the run early.
            let _ = work.send((sequence, read));
        });
        drop(work);
        let (unreadable, checked, tally) = collector.join().expect("the collector does not panic");
        outcome.findings = unreadable;
        outcome.findings.extend(checked);
        outcome.exchanges = tally.exchanges;
        outcome.skipped = tally.skipped;
        outcome.operations_seen = tally.operations_seen;
    });
    outcome
}

fn work_on(
    queue: &Mutex<Receiver<(u64, Read)>>,
    done: &std::sync::mpsc::Sender<(u64, Done)>,
    checker: &Checker<'_>,
    scope: &Scope,
) {
    loop {
        let next = queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
        let Ok((sequence, read)) = next else { return };
        let result = match load::decode(read, scope) {
            Decoded::File => continue,
            Decoded::Exchange(exchange) => match check_one(checker, &exchange) {
                Ok((operation, findings)) => Done::Checked(operation, findings),
                Err(reason) => Done::Skipped(reason),
            },
            Decoded::Skipped(reason) => Done::Skipped(reason),
            Decoded::Unreadable(finding) => Done::Unreadable(finding),
        };
        if done.send((sequence, result)).is_err() {
            return;
        }
    }
}

/// What the collector counts besides findings.
#[derive(Default)]
struct Tally {
    exchanges: usize,
    skipped: Skipped,
    operations_seen: BTreeSet<String>,
}

/// The results in reading order: unreadable findings, then the checked ones.
fn collect(results: Receiver<(u64, Done)>, progress: &Progress) -> (Vec<Finding>, Vec<Finding>, Tally) {
    let (mut unreadable, mut checked) = (BTreeMap::new(), BTreeMap::new());
    let mut tally = Tally::default();
    for (sequence, done) in results {
        match done {
            Done::Checked(operation, findings) => {
                progress.exchanges.fetch_add(1, Ordering::Relaxed);
                progress.findings.fetch_add(findings.len() as u64, Ordering::Relaxed);
                tally.exchanges += 1;
                tally.operations_seen.extend(operation);
                if !findings.is_empty() {
                    checked.insert(sequence, findings);
                }
            }
            Done::Skipped(reason) => tally.skipped.add(reason),
            Done::Unreadable(finding) => {
                progress.findings.fetch_add(1, Ordering::Relaxed);
                unreadable.insert(sequence, finding);
            }
        }
    }
    (unreadable.into_values().collect(), checked.into_values().flatten().collect(), tally)
}
