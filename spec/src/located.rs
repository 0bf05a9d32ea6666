//! Where each node of a YAML text sits: the line and column of every JSON pointer,
//! so that a report can point a maintainer at the line of the spec to edit.
//!
//! The text is read with `saphyr-parser`'s events, which carry their position; the
//! document's values themselves come from [`crate::document::parse`].

use crate::pointer;
use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// The position of every node of one YAML text, by JSON pointer.
#[derive(Debug, Default, Clone)]
pub struct Lines {
    at: HashMap<String, (usize, usize)>,
}

/// What the walk is inside of.
enum Open {
    /// A mapping, and the key just read (with where it is) whose value comes next.
    Mapping { key: Option<(String, (usize, usize))> },
    /// A sequence, and how many items it has had.
    Sequence { next: usize },
}

impl Lines {
    /// Reads the positions of `text`; a text that stops parsing part-way keeps what came before.
    pub fn of(text: &str) -> Lines {
        let mut lines = Lines::default();
        let mut stack: Vec<(String, Open)> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        while let Some(Ok((event, span))) = parser.next_event() {
            let place = (span.start.line(), span.start.col() + 1);
            // A key of a mapping is a scalar too; it names the next value instead, and
            // that value is placed at its key, the line a maintainer looks for.
            if let (Event::Scalar(key, ..), Some((_, Open::Mapping { key: slot @ None }))) =
                (&event, stack.last_mut())
            {
                *slot = Some((key.to_string(), place));
                continue;
            }
            let (at, place) = match stack.last_mut() {
                None => (String::new(), place),
                Some((parent, Open::Mapping { key })) => {
                    let (key, at_key) = key.take().unwrap_or_default();
                    (format!("{parent}/{}", pointer::escape(&key)), at_key)
                }
                Some((parent, Open::Sequence { next })) => {
                    *next += 1;
                    (format!("{parent}/{}", *next - 1), place)
                }
            };
            match event {
                Event::MappingStart(..) => {
                    lines.at.entry(at.clone()).or_insert(place);
                    stack.push((at, Open::Mapping { key: None }));
                }
                Event::SequenceStart(..) => {
                    lines.at.entry(at.clone()).or_insert(place);
                    stack.push((at, Open::Sequence { next: 0 }));
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::Scalar(..) | Event::Alias(_) => {
                    lines.at.entry(at).or_insert(place);
                }
                _ => {}
            }
        }
        lines
    }

    /// The 1-based line and column of the node at `pointer`, or of the nearest
    /// node above it that the text has.
    pub fn find(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut at = pointer;
        loop {
            if let Some(place) = self.at.get(at) {
                return Some(*place);
            }
            at = at.rsplit_once('/')?.0;
        }
    }

    /// The 1-based line and column of the node at exactly `pointer`, if the text has it.
    pub fn at(&self, pointer: &str) -> Option<(usize, usize)> {
        self.at.get(pointer).copied()
    }

    /// Where the node at `pointer` ends: where the first node after it that is not
    /// inside it starts; `None` when it is the text's last node (or not in it).
    pub fn end_of(&self, pointer: &str) -> Option<(usize, usize)> {
        let start = *self.at.get(pointer)?;
        let inside = |other: &str| other.strip_prefix(pointer).is_some_and(|rest| rest.starts_with('/'));
        self.at
            .iter()
            .filter(|(other, place)| **place > start && !inside(other))
            .map(|(_, place)| *place)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    const TEXT: &str = "\
openapi: 3.0.3
paths:
  /a/{id}:
    get:
      operationId: get_a
      parameters:
        - {name: id, in: path}
        - name: q
          in: query
components:
  schemas:
    A:
      properties:
        x~y: {type: string, x-sensitive: true}
";

    #[test]
    fn every_pointer_finds_its_line_and_column() {
        let lines = Lines::of(TEXT);
        assert_eq!(lines.find(""), Some((1, 1)));
        // A value is placed at its key.
        assert_eq!(lines.find("/paths/~1a~1{id}/get"), Some((4, 5)));
        assert_eq!(lines.find("/paths/~1a~1{id}/get/operationId"), Some((5, 7)));
        assert_eq!(lines.find("/paths/~1a~1{id}/get/parameters/0"), Some((7, 11)));
        assert_eq!(lines.find("/paths/~1a~1{id}/get/parameters/1/in"), Some((9, 11)));
        assert_eq!(lines.find("/components/schemas/A/properties/x~0y"), Some((14, 9)));
        assert_eq!(lines.find("/components/schemas/A/properties/x~0y/x-sensitive"), Some((14, 29)));
        // Not in the text: the nearest node above it.
        assert_eq!(lines.find("/components/schemas/A/properties/z"), Some((13, 7)));
        // A node ends where the next one outside it starts.
        assert_eq!(lines.end_of("/paths/~1a~1{id}/get/parameters/0"), Some((8, 11)));
        assert_eq!(lines.end_of("/paths"), Some((10, 1)));
        assert_eq!(lines.end_of("/components"), None);
        assert_eq!(lines.at("/paths/~1a~1{id}/get/parameters/1/in"), Some((9, 11)));
        assert_eq!(lines.at("/components/schemas/A/properties/z"), None);
    }

    #[test]
    fn a_broken_text_keeps_what_came_before() {
        let lines = Lines::of("a: 1\nb: [\n");
        assert_eq!(lines.find("/a"), Some((1, 1)));
    }
}
