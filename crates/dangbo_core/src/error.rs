//! Field-level validation errors. Messages are catalog keys, translated at the edge.

use serde::Serialize;
use std::collections::BTreeMap;

/// One problem with one input field: a message-catalog key plus its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

/// Problems found in one command's input, by field name. Empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldErrors(pub BTreeMap<String, FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem for `field` unless one is already recorded there.
    pub fn add(&mut self, field: &str, key: &'static str) {
        self.0.entry(field.to_string()).or_insert(FieldError { key, args: Vec::new() });
    }

    pub fn add_with(&mut self, field: &str, key: &'static str, args: Vec<(&'static str, String)>) {
        self.0.entry(field.to_string()).or_insert(FieldError { key, args });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `field` has the problem `key`.
    pub fn has(&self, field: &str, key: &str) -> bool {
        self.0.get(field).is_some_and(|e| e.key == key)
    }

    pub fn single(field: &str, key: &'static str) -> Self {
        let mut e = Self::new();
        e.add(field, key);
        e
    }

    /// `Ok(value)` when no problem was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}
