//! The state file (`--state FILE`): the world, the feed's position and the clock kept
//! on disk, so that a sandbox killed at any moment starts again where its last
//! acknowledged change left it. Each save writes the whole state to `FILE.tmp`, syncs
//! it, renames it over `FILE` and syncs the folder: the file always holds one whole
//! state, the last one saved, never half of one.

use super::clock::{Clock, Kind};
use super::world::{Durable, World};
use serde_json::{Value, json};
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The file's form; a file of another is refused.
const VERSION: u64 = 1;

/// The state file, and the state it last saved (what a failed save puts back).
pub struct Store {
    path: PathBuf,
    clock: Clock,
    last: Value,
}

impl Store {
    /// Resumes `world` and `clock` from `path` when it exists (a missing file is a
    /// fresh start), then saves, so that the file can be written and holds the start.
    /// Why not, in a sentence, for a file that cannot be read, parsed, resumed or written.
    pub fn open(path: &Path, world: &mut World, clock: &Clock) -> Result<Store, String> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let saved: Value = serde_json::from_slice(&bytes)
                    .map_err(|e| format!("it is not a state file's JSON: {e}"))?;
                if saved.get("version").and_then(Value::as_u64) != Some(VERSION) {
                    return Err(format!("a state file of version {VERSION} is expected"));
                }
                let kind = clock_from(saved.get("clock")).ok_or("its clock cannot be read")?;
                let empty = Value::Null;
                world
                    .resume(saved.get("world").unwrap_or(&empty))
                    .map_err(|r| format!("world.{}: {}", r.field, r.message))?;
                clock.resume(kind);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("it cannot be read: {e}")),
        }
        let mut store = Store { path: path.to_path_buf(), clock: clock.clone(), last: Value::Null };
        store.save(world)?;
        Ok(store)
    }

    /// `FILE.tmp`, beside the file so that the rename stays on one file system.
    fn temporary(&self) -> PathBuf {
        let mut name = OsString::from(self.path.as_os_str());
        name.push(".tmp");
        PathBuf::from(name)
    }

    fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        let temporary = self.temporary();
        let mut file = OpenOptions::new().write(true).create(true).truncate(true).open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, &self.path)?;
        // The rename itself is durable only once the folder is synced.
        let folder = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(folder)?.sync_all()
    }
}

impl Durable for Store {
    fn save(&mut self, world: &World) -> Result<(), String> {
        let saved =
            json!({"version": VERSION, "clock": clock_json(self.clock.kind()), "world": world.durable()});
        let bytes = serde_json::to_vec(&saved).map_err(|e| e.to_string())?;
        self.write(&bytes).map_err(|e| format!("it cannot be written: {e}"))?;
        self.last = saved;
        Ok(())
    }

    fn put_back(&mut self, world: &mut World) {
        // The sandbox wrote it, so it resumes; should it not, the start is safer than half.
        if world.resume(&self.last["world"]).is_err() {
            world.reset();
        }
        if let Some(kind) = clock_from(self.last.get("clock")) {
            self.clock.resume(kind);
        }
    }
}

fn clock_json(kind: Kind) -> Value {
    match kind {
        Kind::System { ahead } => json!({"ahead_ms": u64::try_from(ahead.as_millis()).unwrap_or(u64::MAX)}),
        Kind::Manual { now } => {
            let after = now.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
            json!({"manual_unix_ms": u64::try_from(after.as_millis()).unwrap_or(u64::MAX)})
        }
    }
}

fn clock_from(value: Option<&Value>) -> Option<Kind> {
    let value = value?;
    if let Some(ms) = value.get("manual_unix_ms").and_then(Value::as_u64) {
        let now = SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms))?;
        return Some(Kind::Manual { now });
    }
    let ahead = Duration::from_millis(value.get("ahead_ms")?.as_u64()?);
    Some(Kind::System { ahead })
}
