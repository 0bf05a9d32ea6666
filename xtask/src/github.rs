//! GitHub workflow commands: an annotation per finding or change, escaped as the
//! runner reads them (a message's `%`, `\r`, `\n`; a property's also `:` and `,`).

/// A line and a column in the file, where known.
pub type Place = (Option<usize>, Option<usize>);

/// One annotation: `::error file=...,line=...,col=...,title=...::message`.
pub fn annotation(level: &str, file: Option<&str>, place: Place, title: &str, message: &str) -> String {
    let mut properties = Vec::new();
    if let Some(file) = file {
        properties.push(format!("file={}", property(file)));
        if let Some(line) = place.0 {
            properties.push(format!("line={line}"));
        }
        if let Some(column) = place.1 {
            properties.push(format!("col={column}"));
        }
    }
    properties.push(format!("title={}", property(title)));
    format!("::{level} {}::{}", properties.join(","), data(message))
}

/// A message, escaped.
pub fn data(message: &str) -> String {
    message.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn property(value: &str) -> String {
    data(value).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn properties_and_messages_are_escaped() {
        let line = super::annotation("error", Some("a,b:c.yaml"), (Some(3), Some(7)), "t", "50%\nnext");
        assert_eq!(line, "::error file=a%2Cb%3Ac.yaml,line=3,col=7,title=t::50%25%0Anext");
    }
}
