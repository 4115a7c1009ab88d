//! The parser of `contracts/src/errors.cairo`, shared by the build script (which generates
//! `sk_contracts::errors` with it) and this crate's unit tests.

/// One `pub const NAME: felt252 = 'code';` of errors.cairo.
pub(crate) struct ErrorCode {
    pub name: String,
    pub code: String,
    /// The `///` doc comment lines right above the constant, if any.
    pub doc: Vec<String>,
    pub line: usize,
}

/// Reads errors.cairo strictly: besides blank lines and comments, every line must be
/// `pub const NAME: felt252 = 'code';` with a SCREAMING_SNAKE name and a short string of at most
/// 31 printable ASCII characters, and no name or code may appear twice. Anything else is an
/// error naming `file:line`, so no code can be skipped silently.
pub(crate) fn parse_errors(file: &str, source: &str) -> Result<Vec<ErrorCode>, String> {
    const SHAPE: &str = "expected `pub const NAME: felt252 = 'code';` (a short-string felt \
                         constant), a comment or a blank line";
    let mut codes: Vec<ErrorCode> = Vec::new();
    let mut doc = Vec::new();
    for (index, raw) in source.lines().enumerate() {
        let line = index + 1;
        let fail = |why: String| Err(format!("{file}:{line}: {why}"));
        let text = raw.trim();
        if let Some(comment) = text.strip_prefix("///") {
            doc.push(comment.trim_end().to_string());
            continue;
        }
        if text.is_empty() || text.starts_with("//") {
            // A blank line or a plain comment (a section heading, `//!`) ends a doc comment.
            doc.clear();
            continue;
        }
        let Some(rest) = text.strip_prefix("pub const ") else {
            return fail(format!("{SHAPE}, found `{text}`"));
        };
        let Some((name, rest)) = rest.split_once(':') else {
            return fail(format!("{SHAPE}, found `{text}`"));
        };
        let name = name.trim();
        let value = rest.trim_start().strip_prefix("felt252");
        let Some(value) = value.and_then(|r| r.trim_start().strip_prefix('=')) else {
            return fail(format!("`{name}` is not a felt252 constant: {SHAPE}"));
        };
        let value = value.trim();
        let Some((code, after)) = value.strip_prefix('\'').and_then(|v| v.split_once('\'')) else {
            return fail(format!("`{name}` = `{value}` is not a short string ('...'): {SHAPE}"));
        };
        match after.trim_end().strip_prefix(';') {
            Some("") => {}
            Some(more) => return fail(format!("`{name}`: nothing may follow the `;`, found `{}`", more.trim())),
            None => {
                return fail(format!(
                    "`{name}`: the string '{code}' must be followed by `;`, found `{}`",
                    after.trim_end()
                ))
            }
        }
        let mut chars = name.chars();
        let screaming = chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !screaming {
            return fail(format!("`{name}` is not a SCREAMING_SNAKE_CASE name"));
        }
        if name == "ALL" {
            return fail("`ALL` names the generated list of every code; rename the constant".into());
        }
        if code.is_empty() {
            return fail(format!("`{name}` is the empty string"));
        }
        let unfit = |c: &char| !(c.is_ascii_graphic() || *c == ' ') || matches!(c, '\\' | '`');
        if let Some(c) = code.chars().find(unfit) {
            return fail(format!(
                "`{name}` = '{code}' has the character {c:?}: codes are printable ASCII without \
                 backslashes or backticks"
            ));
        }
        if code.len() > 31 {
            return fail(format!(
                "`{name}` = '{code}' is {} characters long; a short string holds at most 31",
                code.len()
            ));
        }
        if let Some(other) = codes.iter().find(|c| c.name == name) {
            return fail(format!("`{name}` is defined twice (first on line {})", other.line));
        }
        if let Some(other) = codes.iter().find(|c| c.code == code) {
            let (other, first) = (&other.name, other.line);
            return fail(format!("`{name}` and `{other}` (line {first}) are both '{code}'"));
        }
        let doc = std::mem::take(&mut doc);
        codes.push(ErrorCode { name: name.into(), code: code.into(), doc, line });
    }
    if codes.is_empty() {
        return Err(format!("{file}: no error code found ({SHAPE})"));
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(source: &str) -> String {
        match parse_errors("errors.cairo", source) {
            Ok(codes) => panic!("parsed {} codes instead of failing", codes.len()),
            Err(message) => message,
        }
    }

    #[test]
    fn reads_codes_with_their_docs_and_lines() {
        let source = "//! Errors.\n\n// Sessions.\n/// Too late.\npub const EXPIRED: felt252 = 'session/expired';\n\
                      pub const ONLY_SELF: felt252 = 'account/only-self';\n";
        let codes = parse_errors("errors.cairo", source).expect("valid");
        assert_eq!(codes.len(), 2);
        assert_eq!((codes[0].name.as_str(), codes[0].code.as_str(), codes[0].line), ("EXPIRED", "session/expired", 5));
        assert_eq!(codes[0].doc, vec![" Too late.".to_string()]);
        assert!(codes[1].doc.is_empty());
    }

    #[test]
    fn refuses_what_would_skip_or_garble_a_code() {
        let cases = [
            ("const A: felt252 = 'a';", "errors.cairo:1: expected `pub const NAME"),
            ("pub const A: u8 = 1;", "`A` is not a felt252 constant"),
            ("pub const A: felt252 = 0x61;", "is not a short string"),
            ("pub const A: felt252 = 'a'; // why", "nothing may follow the `;`"),
            ("pub const A: felt252 = 'a'", "must be followed by `;`"),
            ("pub const lower: felt252 = 'a';", "is not a SCREAMING_SNAKE_CASE name"),
            ("pub const ALL: felt252 = 'a';", "`ALL` names the generated list"),
            ("pub const A: felt252 = '';", "is the empty string"),
            ("pub const A: felt252 = 'a`b';", "has the character '`'"),
            ("pub const A: felt252 = 'session/this-code-is-far-too-long';", "a short string holds at most 31"),
            (
                "pub const A: felt252 = 'a';\npub const A: felt252 = 'b';",
                "errors.cairo:2: `A` is defined twice (first on line 1)",
            ),
            ("pub const A: felt252 = 'a';\npub const B: felt252 = 'a';", "`B` and `A` (line 1) are both 'a'"),
            ("// nothing here\n", "no error code found"),
        ];
        for (source, expected) in cases {
            let message = error(source);
            assert!(message.contains(expected), "{source:?}: expected `{expected}` in `{message}`");
        }
    }
}
