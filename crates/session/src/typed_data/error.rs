//! Why typed data could not be hashed ([`TypedDataError`]), and where: the path of the offending
//! type or value (`message.Policies[2].Selector`), built on the stack as the hasher descends.

use std::fmt;

use serde_json::Value;

use crate::text::Escaped;

/// Why typed data could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypedDataError {
    /// The typed data is of revision 0 (`StarkNetDomain`, Pedersen hashes).
    #[error(
        "typed data of revision 0 (legacy: \"StarkNetDomain\", Pedersen hashes) is not supported; \
         only revision 1 (\"StarknetDomain\", domain.revision \"1\") is"
    )]
    LegacyRevision,
    /// The domain names a revision other than 0 or 1.
    #[error("domain.revision: {} is not a supported SNIP-12 revision; only revision 1 (\"1\") is", Escaped(.0))]
    UnsupportedRevision(String),
    /// The type definitions (or the typed data's outer shape) are invalid at `path`.
    #[error("{}: {}", Escaped(path), Escaped(reason))]
    InvalidType {
        /// Where, e.g. `types.Policy[1]` or `primaryType`.
        path: String,
        /// What is wrong there.
        reason: String,
    },
    /// A value does not fit its type at `path`.
    #[error("{}: {}", Escaped(path), Escaped(reason))]
    InvalidValue {
        /// Where, e.g. `message.Policies[2].Selector`.
        path: String,
        /// What is wrong there.
        reason: String,
    },
}

/// Where a value sits, built on the stack and rendered only for an error.
#[derive(Clone, Copy)]
pub(super) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

/// One step of a [`Path`]: its start, a member's name or an array index.
#[derive(Clone, Copy)]
enum Segment<'a> {
    Root(&'a str),
    Field(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    pub(super) fn root(name: &'a str) -> Self {
        Self { parent: None, segment: Segment::Root(name) }
    }

    pub(super) fn field(&'a self, name: &'a str) -> Path<'a> {
        Path { parent: Some(self), segment: Segment::Field(name) }
    }

    pub(super) fn index(&'a self, index: usize) -> Path<'a> {
        Path { parent: Some(self), segment: Segment::Index(index) }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root(name) => f.write_str(name),
            Segment::Field(name) => write!(f, ".{name}"),
            Segment::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// A [`TypedDataError::InvalidType`]: the types (or the document's outer shape) are wrong at `path`.
pub(super) fn invalid_type(path: impl Into<String>, reason: impl Into<String>) -> TypedDataError {
    TypedDataError::InvalidType { path: path.into(), reason: reason.into() }
}

/// A [`TypedDataError::InvalidValue`]: the value at `path` does not fit its type.
pub(super) fn invalid_value(path: &Path<'_>, reason: impl Into<String>) -> TypedDataError {
    TypedDataError::InvalidValue { path: path.to_string(), reason: reason.into() }
}

/// `name` is not among the types (nor a preset).
pub(super) fn unknown_type(name: &str) -> TypedDataError {
    invalid_type("types", format!("{name:?} is not a defined type"))
}

/// `value` reads as a number outside `range`, the values of `type`.
pub(super) fn out_of_range(path: &Path<'_>, value: &Value, r#type: &str, range: &str) -> TypedDataError {
    invalid_value(path, format!("{} is out of the range {range} of {type}", show(value)))
}

/// A value for an error message, cut short.
pub(super) fn show(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
