//! Exchanges read from files or embedded texts: our recording format or HAR 1.2,
//! told apart by a HAR's `log`.

use crate::exchange::Exchange;
use crate::finding::Finding;
use crate::har::{self, Skip};
use crate::recording;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub use crate::har::Scope;

/// What a set of files held.
#[derive(Default, Debug)]
pub struct Loaded {
    /// Files read (or tried).
    pub files: usize,
    /// Every exchange, in file order, then entry order.
    pub exchanges: Vec<Exchange>,
    /// HAR entries to hosts other than the API's.
    pub skipped_other_host: usize,
    /// HAR entries whose bodies are not JSON.
    pub skipped_not_json: usize,
    /// Files or HAR entries that cannot be read.
    pub unreadable: Vec<Finding>,
}

impl Loaded {
    /// Reads every recording and HAR under `paths` (files, or directories searched
    /// for `.json` and `.har`, in name order).
    pub fn from_paths(paths: &[PathBuf], scope: &Scope) -> Loaded {
        let mut loaded = Loaded::default();
        for path in paths {
            let files = match files_under(path) {
                Ok(files) => files,
                Err(reason) => {
                    loaded.unreadable.push(Finding::unreadable(&path.display().to_string(), None, reason));
                    continue;
                }
            };
            for file in files {
                let name = file.display().to_string();
                match std::fs::read_to_string(&file) {
                    Ok(text) => loaded.add(&name, &text, scope),
                    Err(e) => {
                        loaded.files += 1;
                        let reason = format!("cannot read the file: {e}");
                        loaded.unreadable.push(Finding::unreadable(&name, None, reason));
                    }
                }
            }
        }
        loaded
    }

    /// Reads named texts, e.g. [`crate::RECORDINGS`].
    pub fn from_texts<'t>(texts: impl IntoIterator<Item = (&'t str, &'t str)>, scope: &Scope) -> Loaded {
        let mut loaded = Loaded::default();
        for (name, text) in texts {
            loaded.add(name, text, scope);
        }
        loaded
    }

    /// Adds the exchanges of one file's text.
    pub fn add(&mut self, name: &str, text: &str, scope: &Scope) {
        self.files += 1;
        let document = match parse(text) {
            Ok(document) => document,
            Err(reason) => return self.unreadable.push(Finding::unreadable(name, None, reason)),
        };
        if document.get("log").is_none() {
            return match recording::read(name, &document) {
                Ok(exchange) => self.exchanges.push(exchange),
                Err(reason) => self.unreadable.push(Finding::unreadable(name, None, reason)),
            };
        }
        let entries = match har::read(name, &document, scope) {
            Ok(entries) => entries,
            Err(reason) => return self.unreadable.push(Finding::unreadable(name, None, reason)),
        };
        for (index, entry) in entries {
            match entry {
                Ok(exchange) => self.exchanges.push(exchange),
                Err(Skip::OtherHost) => self.skipped_other_host += 1,
                Err(Skip::NotJson) => self.skipped_not_json += 1,
                Err(Skip::Malformed(reason)) => {
                    self.unreadable.push(Finding::unreadable(name, Some(index), reason))
                }
            }
        }
    }
}

fn parse(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Err("an empty file".into());
    }
    serde_json::from_str(text).map_err(|e| match e.is_eof() {
        true => format!("JSON cut off: {e}"),
        false => format!("not valid JSON: {e}"),
    })
}

fn files_under(path: &Path) -> Result<Vec<PathBuf>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "har")) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// One unit of work read from a file, in file and entry order.
pub(crate) enum Read {
    /// A recording file's document (small: read whole).
    Recording { file: String, document: Value },
    /// One HAR entry, still as text: turning it into a tree is the reader's job.
    HarEntry { file: String, index: usize, entry: Box<serde_json::value::RawValue> },
    /// A file, or a HAR entry, that cannot be read.
    Unreadable(Finding),
    /// A file was opened (or tried).
    File,
}

/// Reads every recording and HAR under `paths` as [`Loaded::from_paths`] does, but
/// hands each on as it is read: a HAR is read entry by entry, never whole, so memory
/// does not grow with its size.
pub(crate) fn stream(paths: &[PathBuf], mut each: impl FnMut(Read)) {
    for path in paths {
        let files = match files_under(path) {
            Ok(files) => files,
            Err(reason) => {
                each(Read::Unreadable(Finding::unreadable(&path.display().to_string(), None, reason)));
                continue;
            }
        };
        for file in files {
            each(Read::File);
            let name = file.display().to_string();
            if let Err(reason) = stream_file(&file, &name, &mut each) {
                each(Read::Unreadable(Finding::unreadable(&name, None, reason)));
            }
        }
    }
}

/// A file's top-level object: `log.entries` streamed, any other key kept (a recording
/// is small); a recording when it has no `log`.
fn stream_file(file: &Path, name: &str, each: &mut impl FnMut(Read)) -> Result<(), String> {
    use serde::de::{DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde_json::value::RawValue;
    use std::fmt;

    struct Top<'a, F> {
        name: &'a str,
        each: &'a mut F,
    }
    struct Log<'a, F>(&'a str, &'a mut F);
    struct Entries<'a, F>(&'a str, &'a mut F);

    impl<'de, F: FnMut(Read)> Visitor<'de> for Top<'_, F> {
        type Value = Option<serde_json::Map<String, Value>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object: a recording or a HAR")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut rest = serde_json::Map::new();
            let mut har = false;
            while let Some(key) = map.next_key::<String>()? {
                if key == "log" {
                    har = map.next_value_seed(Log(self.name, &mut *self.each))?;
                    if !har {
                        return Err(serde::de::Error::custom("a HAR without a `log.entries` array"));
                    }
                } else {
                    rest.insert(key, map.next_value()?);
                }
            }
            Ok((!har).then_some(rest))
        }
    }
    impl<'de, F: FnMut(Read)> DeserializeSeed<'de> for Log<'_, F> {
        type Value = bool;
        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
            deserializer.deserialize_map(self)
        }
    }
    impl<'de, F: FnMut(Read)> Visitor<'de> for Log<'_, F> {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a HAR `log` object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut entries = false;
            while let Some(key) = map.next_key::<String>()? {
                if key == "entries" {
                    map.next_value_seed(Entries(self.0, &mut *self.1))?;
                    entries = true;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(entries)
        }
    }
    impl<'de, F: FnMut(Read)> DeserializeSeed<'de> for Entries<'_, F> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_seq(self)
        }
    }
    impl<'de, F: FnMut(Read)> Visitor<'de> for Entries<'_, F> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a `log.entries` array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut index = 0;
            while let Some(entry) = seq.next_element::<Box<RawValue>>()? {
                (self.1)(Read::HarEntry { file: self.0.to_string(), index, entry });
                index += 1;
            }
            Ok(())
        }
    }

    let reader = std::fs::File::open(file).map_err(|e| format!("cannot read the file: {e}"))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, reader);
    if std::io::BufRead::fill_buf(&mut reader)
        .map_err(|e| format!("cannot read the file: {e}"))?
        .iter()
        .all(u8::is_ascii_whitespace)
    {
        return Err("an empty file".into());
    }
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let top = Top { name, each: &mut *each };
    let recording = deserializer.deserialize_map(top).and_then(|r| deserializer.end().map(|()| r));
    match recording {
        Ok(Some(document)) => {
            each(Read::Recording { file: name.to_string(), document: Value::Object(document) });
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) if e.is_eof() => Err(format!("JSON cut off: {e}")),
        Err(e) if e.is_data() && e.to_string().starts_with("a HAR without") => Err(e.to_string()),
        Err(e) => Err(format!("not valid JSON: {e}")),
    }
}
