//! Bilingual, field-level errors. Every message a user can see carries Simplified Chinese
//! (the default UI language) and English.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A user-facing message in both UI languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }
    /// The message in the given language (`"en"` gives English, anything else Chinese).
    pub fn in_lang(&self, lang: &str) -> &str {
        if lang.starts_with("en") {
            &self.en
        } else {
            &self.zh
        }
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh, self.en)
    }
}

/// One problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's key, as serialised (e.g. `uscc`, `tech_staff`).
    pub field: String,
    /// A stable machine-readable code (e.g. `uscc.check_char`, `required`).
    pub code: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: &str, code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            code: code.to_string(),
            message: Msg::new(zh, en),
        }
    }
    pub fn required(field: &str, label_zh: &str) -> Self {
        Self::new(
            field,
            "required",
            format!("{label_zh}不能为空"),
            format!("{field} is required"),
        )
    }
    pub fn negative(field: &str, label_zh: &str) -> Self {
        Self::new(
            field,
            "negative",
            format!("{label_zh}不能为负数"),
            format!("{field} must not be negative"),
        )
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// All problems found in one record. Empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(transparent)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| e.field.as_str())
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        write!(f, "{}", parts.join("; "))
    }
}
