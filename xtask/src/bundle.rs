//! `cargo xtask bundle`: the spec as one self-contained file, its named examples inline.

use minted_spec::document;
use std::path::Path;

/// Reads `spec`, inlines its examples from the recordings beside it, writes `out` as JSON.
pub fn write(spec: &Path, out: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("{}: cannot read the spec: {e}", spec.display()))?;
    let name = spec.display().to_string();
    let parsed = document::parse(&text).map_err(|e| e.in_file(&name).to_string())?;
    let beside = spec.parent().unwrap_or(Path::new("."));
    let read = |file: &str| std::fs::read_to_string(beside.join(file)).ok();
    let bundled = document::with_inline_examples(&parsed, &read).map_err(|e| e.in_file(&name).to_string())?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let json = serde_json::to_string_pretty(&bundled).map_err(|e| e.to_string())?;
    std::fs::write(out, json + "\n").map_err(|e| format!("{}: {e}", out.display()))
}
