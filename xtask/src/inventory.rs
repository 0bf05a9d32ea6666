//! How much of the docs inventory (`docs-inventory.csv` beside the spec) the spec's
//! operations cover, through the rows each operation names in `x-docs`.

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
pub fn coverage(spec_file: &Path, spec: &Value) -> Result<Option<Coverage>, String> {
    let file = spec_file.with_file_name("docs-inventory.csv");
    if !file.exists() {
        return Ok(None);
    }
    let mut reader = csv::Reader::from_path(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let rows: Vec<Row> =
        reader.deserialize().collect::<Result<_, _>>().map_err(|e| format!("{}: {e}", file.display()))?;

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
