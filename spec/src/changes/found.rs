//! The changes found so far. One change of a schema is met once for each type that
//! holds it (a component and each `allOf` that merges it in): met again, it is the
//! same change, touching one more item.

use super::model::{Change, Rust, Side, Wire};
use std::collections::HashMap;

/// Where a change is, and what it is: two findings that agree on these are one change.
type Key = (&'static str, Side, String, String);

#[derive(Default)]
pub struct Found {
    changes: Vec<Change>,
    index: HashMap<Key, usize>,
}

/// One finding, before it is merged with the same change found elsewhere.
pub struct Finding<'a> {
    pub check: &'static str,
    pub side: Side,
    pub pointer: &'a str,
    pub what: String,
    pub wire: Wire,
    pub rust: Rust,
    pub items: Vec<String>,
    pub operations: Vec<String>,
}

impl Found {
    pub fn add(&mut self, finding: Finding<'_>) {
        let key = (finding.check, finding.side, finding.pointer.to_string(), finding.what.clone());
        if let Some(&at) = self.index.get(&key) {
            let change = &mut self.changes[at];
            change.wire = change.wire.max(finding.wire);
            change.rust = change.rust.max(finding.rust);
            merge(&mut change.items, finding.items);
            merge(&mut change.operations, finding.operations);
            return;
        }
        self.index.insert(key, self.changes.len());
        let mut change = Change {
            check: finding.check,
            operations: Vec::new(),
            pointer: finding.pointer.to_string(),
            side: finding.side,
            line: None,
            what: finding.what,
            wire: finding.wire,
            rust: finding.rust,
            items: Vec::new(),
        };
        merge(&mut change.items, finding.items);
        merge(&mut change.operations, finding.operations);
        self.changes.push(change);
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn into_changes(self) -> Vec<Change> {
        self.changes
    }
}

/// Adds what is new, keeping the list sorted.
fn merge(into: &mut Vec<String>, more: Vec<String>) {
    for item in more {
        if let Err(at) = into.binary_search(&item) {
            into.insert(at, item);
        }
    }
}
