//! What a report of changes says: each change with its wire and Rust effects, the
//! generated items it touches, and the release the whole edit calls for.

use serde::Serialize;

/// What a change does on the wire, to a client built before it.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Wire {
    /// Existing calls and decoding keep working.
    Compatible,
    /// An existing client's call or decoding could now fail.
    Breaking,
}

/// What a change does to code built against the generated crate, once it upgrades.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Rust {
    /// Nothing a caller can see.
    None,
    /// It compiles but behaves differently: a builder refuses a value, a call goes
    /// elsewhere, `Debug` masks a field.
    Runtime,
    /// Code that compiled against the old crate may stop compiling.
    Compile,
}

/// The release an edit calls for.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// The spec did not change.
    None,
    /// Only its words: descriptions, notes, `x-docs`, titles.
    Patch,
    /// Additions, and changes nobody's code or calls can trip on.
    Minor,
    /// A wire break or a compile break.
    Major,
}

impl Bump {
    /// What the bump means while the crate's version is 0.x: Cargo reads `0.x` as
    /// the major part, so a major bump moves x and a minor or patch bump the last part.
    pub fn for_zero_x(self) -> &'static str {
        match self {
            Bump::None => "no release",
            Bump::Patch | Bump::Minor => "0.x.y to 0.x.(y+1)",
            Bump::Major => "0.x.y to 0.(x+1).0",
        }
    }
}

/// Which spec a change's place is in: the new one, or (for what was removed) the old.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The old spec.
    Old,
    /// The new spec.
    New,
}

/// One change between two specs.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct Change {
    /// The check that found it (`request-property-added`, ...): see [`CHECKS`].
    pub check: &'static str,
    /// The operations it concerns (their `operationId`s), when it concerns any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    /// A JSON pointer into the spec of `side`.
    pub pointer: String,
    /// Which spec `pointer` and `line` are in.
    pub side: Side,
    /// The 1-based line of `pointer` in that spec's text, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What changed, in words.
    pub what: String,
    /// Its effect on the wire.
    pub wire: Wire,
    /// Its effect on code built against the generated crate.
    pub rust: Rust,
    /// The generated items it touches, by their Rust names (`types::PriceFix::currency`,
    /// `ClientPricingExt::price_fix`).
    pub items: Vec<String>,
}

impl Change {
    /// The release this change alone calls for.
    pub fn bump(&self) -> Bump {
        if self.wire == Wire::Breaking || self.rust == Rust::Compile {
            Bump::Major
        } else if self.check == DOCS {
            Bump::Patch
        } else {
            Bump::Minor
        }
    }
}

/// Everything an edit changed, and what it calls for as a whole.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct Report {
    /// The release the edit calls for: the largest of its changes'.
    pub bump: Bump,
    /// The worst wire effect: `breaking` if any change breaks.
    pub wire: Wire,
    /// The worst Rust effect: `compile` over `runtime` over `none`.
    pub rust: Rust,
    /// Each change, in the order of the spec.
    pub changes: Vec<Change>,
}

impl Report {
    pub(super) fn of(changes: Vec<Change>) -> Report {
        Report {
            bump: changes.iter().map(Change::bump).max().unwrap_or(Bump::None),
            wire: changes.iter().map(|c| c.wire).max().unwrap_or(Wire::Compatible),
            rust: changes.iter().map(|c| c.rust).max().unwrap_or(Rust::None),
            changes,
        }
    }
}

/// The check of words-only edits.
pub const DOCS: &str = "docs-changed";

/// One kind of change the report recognises: its id, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// How reports name it.
    pub id: &'static str,
    /// The change, and why its effects are what they are.
    pub meaning: &'static str,
}

/// Every check, by id. Their effects are set where each is found (`compare.rs`), and
/// `spec/tests/changes.rs` states the reading of an edit of each kind.
#[rustfmt::skip]
pub const CHECKS: &[Check] = &[
    Check { id: "operation-added", meaning: "a new method on the client" },
    Check { id: "operation-removed", meaning: "calls to it fail; its method is gone" },
    Check { id: "operation-renamed", meaning: "the same call under a new operationId: the method and its builder are renamed" },
    Check { id: "operation-moved", meaning: "the same operationId at another method or path: old clients call what is no longer there" },
    Check { id: "operation-tag-changed", meaning: "its first tag names the extension trait that holds its method" },
    Check { id: "parameter-added", meaning: "a new parameter: optional, a new builder method; required, old calls lack it and the builder refuses to send without it" },
    Check { id: "parameter-removed", meaning: "old clients still send it, which servers ignore; its builder method is gone" },
    Check { id: "parameter-made-required", meaning: "old calls may lack it; the builder refuses to send without it" },
    Check { id: "parameter-made-optional", meaning: "nothing breaks" },
    Check { id: "parameter-retyped", meaning: "another type: old values may be refused, the builder takes another type" },
    Check { id: "request-body-changed", meaning: "the request body is added, removed, made required or refers to another schema" },
    Check { id: "response-body-changed", meaning: "the success body refers to another schema, or is added or removed" },
    Check { id: "response-status-added", meaning: "a status the operation did not declare" },
    Check { id: "response-status-removed", meaning: "a status the operation no longer declares" },
    Check { id: "request-property-added", meaning: "request structs are exhaustive (literals stay possible), so any new field breaks literals; a required one also old calls" },
    Check { id: "request-property-removed", meaning: "servers ignore a field they do not know; its struct field is gone" },
    Check { id: "response-property-added", meaning: "old clients ignore it; response structs are non-exhaustive; a required one must be given to the type's builder" },
    Check { id: "response-property-removed", meaning: "an old client that requires it fails to decode; its struct field is gone" },
    Check { id: "property-added", meaning: "a field of a type no operation uses: its struct is exhaustive" },
    Check { id: "property-removed", meaning: "a field of a type no operation uses: its struct field is gone" },
    Check { id: "property-made-required", meaning: "in a request, old calls may lack it; in a response, old clients have it; Option<T> becomes T unless null stays allowed" },
    Check { id: "property-made-optional", meaning: "in a response, old clients that require it fail; in a request, nothing; T becomes Option<T> unless it was nullable" },
    Check { id: "property-nullable-added", meaning: "in a response, old clients cannot decode null" },
    Check { id: "property-nullable-removed", meaning: "in a request, old calls that send null are refused" },
    Check { id: "property-retyped", meaning: "another type: old values no longer fit either way; the field's Rust type changes" },
    Check { id: "enum-value-added", meaning: "generated enums are non-exhaustive and responses decode an unlisted value as Received::Unlisted" },
    Check { id: "enum-value-removed", meaning: "in a request, old calls may send it; its variant is gone" },
    Check { id: "constraint-tightened", meaning: "in a request, old values may be refused; in a response, old clients accept all that comes; a validated type refuses more" },
    Check { id: "constraint-loosened", meaning: "in a response, old clients may refuse what now comes; a validated type accepts more" },
    Check { id: "schema-added", meaning: "a new type" },
    Check { id: "schema-removed", meaning: "its type is gone" },
    Check { id: "schema-renamed", meaning: "the same schema under a new name: its type is renamed" },
    Check { id: "sensitive-mark-added", meaning: "Debug masks the field and recordings redact it" },
    Check { id: "sensitive-mark-removed", meaning: "Debug shows the field and recordings keep it" },
    Check { id: DOCS, meaning: "descriptions, summaries, notes, titles: the generated docs change, nothing else" },
    Check { id: "unclassified", meaning: "a change the report does not read: read it yourself; counted as breaking" },
];
