//! Fudao spreadsheet import and export.
