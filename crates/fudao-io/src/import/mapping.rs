//! The caller's column choices: header text → field, or ignore.

use crate::fields::Field;
use crate::IoError;
use serde::Serialize;

/// What a [`ColumnMap`] does with a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnChoice {
    /// Read the column as this field, exactly as if its header named the field.
    Field(Field),
    /// Ignore the column, even if its header was recognised.
    Ignore,
}

impl ColumnChoice {
    /// The key of the "ignore this column" choice.
    pub const IGNORE_KEY: &'static str = "ignore";

    /// Parses a choice: `ignore` (or nothing) ignores the column, a field key
    /// ([`Field::key`], e.g. `staff`, `q.high_tech`) assigns that field.
    pub fn parse(key: &str) -> Result<ColumnChoice, IoError> {
        let k = key.trim();
        if k.is_empty() || k.eq_ignore_ascii_case(Self::IGNORE_KEY) {
            return Ok(ColumnChoice::Ignore);
        }
        match Field::from_key(k) {
            Some(f) if f != Field::Seq => Ok(ColumnChoice::Field(f)),
            _ => Err(IoError::UnknownField { key: k.to_string() }),
        }
    }

    /// The choice's key: the field key, or `ignore`.
    pub fn key(self) -> &'static str {
        match self {
            ColumnChoice::Field(f) => f.key(),
            ColumnChoice::Ignore => Self::IGNORE_KEY,
        }
    }
}

/// The caller's choices for columns, by header text as the sheet shows it (as in
/// [`ImportSheet::unknown_columns`] and [`ColumnInfo::header`]; a two-row header is
/// `group/sub`). Headers are compared ignoring spaces, line breaks and full-/half-width.
///
/// A mapped column is read exactly like a recognised one: units and years in its header,
/// every cell validated. Mapping two columns to one field (or a column to a field another
/// column already fills) is an [`IoError::MappingConflict`]; a header the sheet does not have
/// is an [`IoError::MappedHeaderMissing`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    entries: Vec<(String, ColumnChoice)>,
}

impl ColumnMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the choice for `header`, replacing an earlier choice for the same header.
    pub fn set(&mut self, header: &str, choice: ColumnChoice) -> &mut Self {
        let key = header_key(header);
        match self.entries.iter_mut().find(|(h, _)| header_key(h) == key) {
            Some(e) => *e = (header.trim().to_string(), choice),
            None => self.entries.push((header.trim().to_string(), choice)),
        }
        self
    }

    /// Builder form of [`set`](ColumnMap::set).
    pub fn with(mut self, header: &str, choice: ColumnChoice) -> Self {
        self.set(header, choice);
        self
    }

    /// Parses `HEADER=FIELD` (as given on the command line; the last `=` separates them, so a
    /// header may contain `=`) and adds it.
    pub fn add_arg(&mut self, arg: &str) -> Result<&mut Self, IoError> {
        let (header, key) = arg
            .rsplit_once('=')
            .filter(|(h, _)| !h.trim().is_empty())
            .ok_or_else(|| IoError::BadMapping {
                arg: arg.to_string(),
            })?;
        let choice = ColumnChoice::parse(key)?;
        Ok(self.set(header, choice))
    }

    /// The choice for a header, if any.
    pub fn get(&self, header: &str) -> Option<ColumnChoice> {
        if self.entries.is_empty() {
            return None;
        }
        let key = header_key(header);
        self.entries
            .iter()
            .find(|(h, _)| header_key(h) == key)
            .map(|(_, c)| *c)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries, in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, ColumnChoice)> {
        self.entries.iter().map(|(h, c)| (h.as_str(), *c))
    }
}

/// A header reduced for comparing with a [`ColumnMap`] entry: half-width, no whitespace.
pub(super) fn header_key(h: &str) -> String {
    fudao_core::text::to_half_width(h)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}
