//! How much of the docs inventory (`docs-inventory.csv` beside the spec) the spec's
//! operations cover, through the rows each operation names in `x-docs`.

use minted_spec::error::{ErrorKind, Place, SpecError};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Serialize, Debug, Default, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub entries: usize,
    /// Entries an operation covers, by the inventory's status (documented, partial, missing).
    pub with_operation: BTreeMap<String, usize>,
    /// Entries no operation covers, by status.
    pub without_operation: BTreeMap<String, usize>,
}

#[derive(serde::Deserialize)]
struct Row {
    section: String,
    group: String,
    title: String,
    status: String,
}

/// `None` when the spec has no inventory beside it.
pub fn coverage(spec_file: &Path, spec: &Value) -> Result<Option<Coverage>, SpecError> {
    let file = spec_file.with_file_name("docs-inventory.csv");
    if !file.exists() {
        return Ok(None);
    }
    let unusable = |e: csv::Error| unusable(e).in_file(file.display().to_string());
    let mut reader = csv::Reader::from_path(&file).map_err(unusable)?;
    let rows: Vec<Row> = reader.deserialize().collect::<Result<_, _>>().map_err(unusable)?;

    let operations = minted_spec::document::operations(spec);
    let covered: BTreeSet<(String, String, String)> = operations
        .iter()
        .filter_map(|operation| operation.object(spec).get("x-docs")?.as_array())
        .flatten()
        .map(|entry| {
            let field = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
            (field("section"), field("group"), field("title"))
        })
        .collect();

    let mut coverage = Coverage { entries: rows.len(), ..Coverage::default() };
    for row in rows {
        let side = if covered.contains(&(row.section, row.group, row.title)) {
            &mut coverage.with_operation
        } else {
            &mut coverage.without_operation
        };
        *side.entry(row.status).or_default() += 1;
    }
    Ok(Some(coverage))
}

/// Why the inventory cannot be used: it cannot be read, or a row is not one (placed
/// at its line when csv knows it).
fn unusable(e: csv::Error) -> SpecError {
    if e.is_io_error() {
        return SpecError::new(ErrorKind::Unreadable, e.to_string());
    }
    let at =
        |pos: &csv::Position| Place::Line { line: usize::try_from(pos.line()).unwrap_or(0), column: None };
    match e.kind() {
        csv::ErrorKind::Deserialize { pos: Some(pos), err } => {
            SpecError::new(ErrorKind::Syntax, err.to_string()).at(at(pos))
        }
        csv::ErrorKind::UnequalLengths { pos: Some(pos), expected_len, len } => {
            let reason = format!("a row of {len} fields where the header has {expected_len}");
            SpecError::new(ErrorKind::Syntax, reason).at(at(pos))
        }
        _ => SpecError::new(ErrorKind::Syntax, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A folder of its own for a spec and the inventory beside it.
    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-inventory-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn error_of(inventory: &str) -> SpecError {
        let dir = folder("row");
        std::fs::write(dir.join("docs-inventory.csv"), inventory).unwrap();
        let error = coverage(&dir.join("spec.yaml"), &serde_json::json!({"paths": {}})).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        error
    }

    #[test]
    fn a_row_that_is_not_one_is_a_syntax_error_at_its_line() {
        let short = error_of("section,group,title,status\na,b,c,documented\na,b,c\n");
        assert_eq!(short.kind(), ErrorKind::Syntax, "{short}");
        assert_eq!(short.place(), Some(&Place::Line { line: 3, column: None }), "{short}");
        assert!(short.file().is_some_and(|file| file.ends_with("docs-inventory.csv")), "{short}");
        assert!(
            short.to_string().ends_with("docs-inventory.csv:3: a row of 3 fields where the header has 4")
        );

        let no_status = error_of("section,group,title\na,b,c\n");
        assert_eq!(no_status.kind(), ErrorKind::Syntax, "{no_status}");
        assert_eq!(no_status.place(), Some(&Place::Line { line: 2, column: None }), "{no_status}");
        assert!(no_status.reason().contains("status"), "{no_status}");
    }
}
