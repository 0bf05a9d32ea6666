//! One token of a JSON pointer (RFC 6901), escaped and unescaped.

/// `name` as one token of a pointer: `~` becomes `~0`, `/` becomes `~1`.
pub fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The name one pointer token stands for (the inverse of [`escape`]).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_and_unescape_are_inverses() {
        for name in ["plain", "a/b", "~", "~1", "/~0/", ""] {
            assert_eq!(super::unescape(&super::escape(name)), name);
        }
        assert_eq!(super::escape("a/~b"), "a~1~0b");
    }
}
