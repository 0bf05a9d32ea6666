//! Exchanges read from files or embedded texts: our recording format or HAR 1.2,
//! told apart by a HAR's `log`.

use crate::contract::Scope;
use crate::error::{ErrorKind, Place, SpecError};
use crate::exchange::{Exchange, SkipReason, Skipped};
use crate::finding::Finding;
use crate::har::{self, NO_ENTRIES, Skip};
use crate::recording;
use serde_json::Value;
use serde_json::value::RawValue;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a set of files held.
#[derive(Default, Debug)]
pub struct Loaded {
    /// Files read (or tried).
    pub files: usize,
    /// Every exchange, in file order, then entry order.
    pub exchanges: Vec<Exchange>,
    /// HAR entries not checked, by why.
    pub skipped: Skipped,
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
                Err(error) => {
                    loaded.unreadable.push(Finding::unreadable(&error));
                    continue;
                }
            };
            for file in files {
                let name = file.display().to_string();
                match std::fs::read_to_string(&file) {
                    Ok(text) => loaded.add(&name, &text, scope),
                    Err(e) => {
                        loaded.files += 1;
                        loaded.unreadable.push(Finding::unreadable(&cannot_read(&name, &e)));
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

    /// Adds the exchanges of one file's text, read whole.
    pub fn add(&mut self, name: &str, text: &str, scope: &Scope) {
        self.take(Decoded::File);
        let mut document = match parse(name, text) {
            Ok(document) => document,
            Err(error) => return self.take(Decoded::Unreadable(Finding::unreadable(&error))),
        };
        let file = name.to_string();
        if document.get("log").is_none() {
            return self.take(decode(Read::Recording { file, document }, scope));
        }
        let entries = match har::take_entries(name, &mut document) {
            Ok(entries) => entries,
            Err(error) => return self.take(Decoded::Unreadable(Finding::unreadable(&error))),
        };
        for (index, entry) in entries.into_iter().enumerate() {
            let entry = Entry::Tree(entry);
            self.take(decode(Read::HarEntry { file: file.clone(), index, entry }, scope));
        }
    }

    fn take(&mut self, decoded: Decoded) {
        match decoded {
            Decoded::File => self.files += 1,
            Decoded::Exchange(exchange) => self.exchanges.push(exchange),
            Decoded::Skipped(reason) => self.skipped.add(reason),
            Decoded::Unreadable(finding) => self.unreadable.push(finding),
        }
    }
}

/// One unit of work read from a file, in file and entry order.
pub(crate) enum Read {
    /// A recording file's document (small: read whole).
    Recording { file: String, document: Value },
    /// One HAR entry.
    HarEntry { file: String, index: usize, entry: Entry },
    /// A file, or a HAR entry, that cannot be read.
    Unreadable(Finding),
    /// A file was opened (or tried).
    File,
}

/// A HAR entry: a tree when the file was read whole, still text when it is streamed
/// (turning it into a tree is then the checker thread's job).
pub(crate) enum Entry {
    Tree(Value),
    Text(Box<RawValue>),
}

/// What a unit of work is to whoever checks and counts.
pub(crate) enum Decoded {
    Exchange(Exchange),
    Skipped(SkipReason),
    Unreadable(Finding),
    File,
}

/// A unit of work as an exchange, or why it is none: the one reading of recordings
/// and HAR entries, whether the file was read whole or streamed.
pub(crate) fn decode(read: Read, scope: &Scope) -> Decoded {
    let (file, index, entry) = match read {
        Read::File => return Decoded::File,
        Read::Unreadable(finding) => return Decoded::Unreadable(finding),
        Read::Recording { file, document } => {
            return recording::read(&file, &document)
                .map_or_else(|error| Decoded::Unreadable(Finding::unreadable(&error)), Decoded::Exchange);
        }
        Read::HarEntry { file, index, entry } => (file, index, entry),
    };
    let tree;
    let entry = match entry {
        Entry::Tree(ref value) => value,
        Entry::Text(text) => match serde_json::from_str(text.get()) {
            Ok(value) => {
                tree = value;
                &tree
            }
            // serde_json's line and column are within the entry: they stay in the reason.
            Err(e) => {
                let error = SpecError::new(ErrorKind::Syntax, format!("not valid JSON: {e}"))
                    .in_file(&file)
                    .at(Place::Entry(index));
                return Decoded::Unreadable(Finding::unreadable(&error));
            }
        },
    };
    match har::read_entry(&file, index, entry, scope) {
        Ok(exchange) => Decoded::Exchange(exchange),
        Err(Skip::Skipped(reason)) => Decoded::Skipped(reason),
        Err(Skip::Malformed(error)) => Decoded::Unreadable(Finding::unreadable(&error)),
    }
}

/// The JSON document of the file `name`.
fn parse(name: &str, text: &str) -> Result<Value, SpecError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SpecError::new(ErrorKind::Syntax, "an empty file").in_file(name));
    }
    serde_json::from_str(text).map_err(|e| unparsed(name, &e))
}

/// A UTF-8 byte-order mark, which Windows tools (Fiddler, Notepad) write before JSON
/// and serde_json does not read.
const BOM: &str = "\u{feff}";

/// A JSON text that does not read, placed where serde_json stopped: cut off, not JSON,
/// a HAR without entries (found while streaming it), or a file that stopped being readable.
fn unparsed(file: &str, e: &serde_json::Error) -> SpecError {
    use serde_json::error::Category;
    let message = e.to_string();
    let message =
        message.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())).unwrap_or(&message);
    let (kind, reason) = match e.classify() {
        Category::Eof => (ErrorKind::Syntax, format!("JSON cut off: {message}")),
        Category::Io => (ErrorKind::Unreadable, format!("cannot read the file: {message}")),
        Category::Data if message == NO_ENTRIES => (ErrorKind::Capture, message.to_string()),
        Category::Syntax | Category::Data => (ErrorKind::Syntax, format!("not valid JSON: {message}")),
    };
    let error = SpecError::new(kind, reason).in_file(file);
    if e.line() == 0 { error } else { error.at(Place::line(e.line(), e.column())) }
}

fn cannot_read(file: &str, e: &std::io::Error) -> SpecError {
    SpecError::new(ErrorKind::Unreadable, format!("cannot read the file: {e}")).in_file(file)
}

/// The files a run reads under `path`: the file itself, or a folder's `.json` and
/// `.har` files, in name order.
pub fn files_under(path: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let unreadable = |path: &Path, reason: String| {
        SpecError::new(ErrorKind::Unreadable, reason).in_file(path.display().to_string())
    };
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(path, format!("cannot read: {e}")))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let cannot_list = |e| unreadable(&dir, format!("cannot list the folder: {e}"));
        let entries = std::fs::read_dir(&dir).map_err(cannot_list)?;
        for entry in entries {
            let entry = entry.map_err(cannot_list)?;
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

/// Reads every recording and HAR under `paths` as [`Loaded::from_paths`] does, but
/// hands each on as it is read: a HAR is read entry by entry, never whole, so memory
/// does not grow with its size.
pub(crate) fn stream(paths: &[PathBuf], bytes: &AtomicU64, mut each: impl FnMut(Read)) {
    for path in paths {
        let files = match files_under(path) {
            Ok(files) => files,
            Err(error) => {
                each(Read::Unreadable(Finding::unreadable(&error)));
                continue;
            }
        };
        for file in files {
            each(Read::File);
            let name = file.display().to_string();
            if let Err(error) = stream_file(&file, &name, bytes, &mut each) {
                each(Read::Unreadable(Finding::unreadable(&error)));
            }
        }
    }
}

/// A file's top-level object: `log.entries` streamed, any other key kept (a recording
/// is small); a recording when it has no `log`.
fn stream_file(
    file: &Path,
    name: &str,
    bytes: &AtomicU64,
    each: &mut impl FnMut(Read),
) -> Result<(), SpecError> {
    use serde::de::{DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
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
                        return Err(serde::de::Error::custom(NO_ENTRIES));
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
                (self.1)(Read::HarEntry { file: self.0.to_string(), index, entry: Entry::Text(entry) });
                index += 1;
            }
            Ok(())
        }
    }

    let reader = std::fs::File::open(file).map_err(|e| cannot_read(name, &e))?;
    let reader = Counting { inner: reader, bytes };
    let mut reader = std::io::BufReader::with_capacity(1 << 20, reader);
    let start = std::io::BufRead::fill_buf(&mut reader).map_err(|e| cannot_read(name, &e))?;
    let bom = if start.starts_with(BOM.as_bytes()) { BOM.len() } else { 0 };
    let empty = start[bom..].iter().all(u8::is_ascii_whitespace);
    std::io::BufRead::consume(&mut reader, bom);
    if empty {
        return Err(SpecError::new(ErrorKind::Syntax, "an empty file").in_file(name));
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
        Err(e) => Err(unparsed(name, &e)),
    }
}

/// A reader that adds what it reads to a count another thread may watch.
struct Counting<'a, R> {
    inner: R,
    bytes: &'a AtomicU64,
}

impl<R: std::io::Read> std::io::Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.bytes.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::har::read_entry;
    use serde_json::json;

    /// The one error that reading `text` as the file `name` ends in.
    fn error_of(name: &str, text: &str) -> SpecError {
        let mut document = match parse(name, text) {
            Ok(document) => document,
            Err(error) => return error,
        };
        if document.get("log").is_none() {
            return recording::read(name, &document).expect_err("a broken recording");
        }
        match har::take_entries(name, &mut document) {
            Err(error) => error,
            Ok(entries) => match entries.first().map(|entry| read_entry(name, 0, entry, &Scope::default())) {
                Some(Err(Skip::Malformed(error))) => error,
                _ => panic!("a broken first entry"),
            },
        }
    }

    #[test]
    fn each_kind_of_unreadable_file_is_told_apart() {
        let cases = [
            ("", ErrorKind::Syntax, None),
            ("{\"request\": }", ErrorKind::Syntax, Some(Place::line(1, 13))),
            ("{\"request\": {\"method\": \"GET\"", ErrorKind::Syntax, Some(Place::line(1, 28))),
            ("[]", ErrorKind::Recording, None),
            ("{\"request\": {\"method\": 1}}", ErrorKind::Recording, None),
            ("{\"log\": {}}", ErrorKind::Capture, None),
            ("{\"log\": {\"entries\": [{\"request\": {}}]}}", ErrorKind::Capture, Some(Place::Entry(0))),
        ];
        for (text, kind, place) in cases {
            let error = error_of("x.json", text);
            assert_eq!((error.kind(), error.place()), (kind, place.as_ref()), "{text}: {error}");
            assert_eq!(error.file(), Some("x.json"), "{text}");
            assert_eq!(error.to_string().lines().count(), 1, "{text}: {error}");
        }
    }

    /// A finding of a file that does not parse reads as it did when errors were strings.
    #[test]
    fn a_json_error_is_placed_and_its_finding_reads_as_serde_json_says_it() {
        let text = "{\"request\": }";
        let error = error_of("x.json", text);
        assert_eq!(error.reason(), "not valid JSON: expected value");
        assert_eq!(error.to_string(), "x.json:1:13: not valid JSON: expected value");
        let serde = serde_json::from_str::<Value>(text).unwrap_err();
        assert_eq!(Finding::unreadable(&error).found, format!("not valid JSON: {serde}"));

        let entry = json!({"request": {"method": "GET"}});
        let Err(Skip::Malformed(error)) = read_entry("x.har", 3, &entry, &Scope::default()) else {
            panic!("an entry without a URL reads")
        };
        let finding = Finding::unreadable(&error);
        assert_eq!((finding.file.as_str(), finding.entry), ("x.har", Some(3)));
        assert_eq!(finding.found, "no `request.url`");
        assert_eq!(error.to_string(), "x.har: entry 3: no `request.url`");
    }

    #[test]
    fn a_missing_path_is_unreadable_and_a_streamed_har_without_entries_is_placed() {
        let error = files_under(Path::new("no/such/folder")).unwrap_err();
        assert_eq!((error.kind(), error.file()), (ErrorKind::Unreadable, Some("no/such/folder")));

        let file = std::env::temp_dir().join(format!("minted-spec-no-entries-{}.har", std::process::id()));
        std::fs::write(&file, "{\"log\": {\"version\": \"1.2\"}}").unwrap();
        let streamed = stream_file(&file, "x.har", &AtomicU64::new(0), &mut |_| {});
        std::fs::remove_file(&file).unwrap();
        let error = streamed.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Capture);
        assert_eq!(error.reason(), NO_ENTRIES);
        assert!(matches!(error.place(), Some(Place::Line { line: 1, .. })), "{error}");
    }
}
