//! Fudao spreadsheet import and export.
//!
//! * [`import::read_firms`] reads firm lists as district offices actually send them — `.xlsx`,
//!   `.xls`, `.ods` and `.csv`/`.txt` (UTF-8 with or without BOM, UTF-16, GBK/GB18030),
//!   with title rows above the header, merged cells, header synonyms and units, text or
//!   serial dates, numbers with separators and units, blank, total and footer rows — and
//!   returns one [`fudao_core::patch::ImportRow`] per good row plus one [`import::RowError`]
//!   per bad cell (row number as the user sees it, column header, bilingual reason).
//! * [`export`] writes firms, needs or any table ([`export::write_xlsx`]) to `.xlsx` and `.csv`.
//!
//! The store applies the rows in one transaction; this crate never touches the database.

pub mod cells;
pub mod export;
mod fields;
mod grid;
pub mod import;

pub use fields::{field_of_header, Field, Unit};

use fudao_core::Msg;
use std::path::PathBuf;

/// Failures that stop a whole file from being read or written. Problems with single rows are
/// not errors: they are reported in [`import::ImportSheet::errors`].
#[derive(Debug)]
pub enum IoError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not a spreadsheet this crate can read, or is damaged.
    Spreadsheet {
        path: PathBuf,
        detail: String,
    },
    SheetNotFound {
        wanted: String,
        available: Vec<String>,
    },
    /// No row looks like a header naming the USCC or firm-name column.
    NoHeader(Msg),
    Write {
        path: PathBuf,
        detail: String,
    },
}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message())
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IoError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl IoError {
    /// The error as a bilingual message.
    pub fn message(&self) -> Msg {
        match self {
            IoError::Io { path, source } => Msg::new(
                format!("无法读取文件 {}：{source}", path.display()),
                format!("cannot read file {}: {source}", path.display()),
            ),
            IoError::Spreadsheet { path, detail } => Msg::new(
                format!(
                    "无法打开电子表格 {}：{detail}（支持 .xlsx、.xls、.ods、.csv）",
                    path.display()
                ),
                format!(
                    "cannot open spreadsheet {}: {detail} (supported: .xlsx, .xls, .ods, .csv)",
                    path.display()
                ),
            ),
            IoError::SheetNotFound { wanted, available } => Msg::new(
                format!(
                    "工作表“{wanted}”不存在，可用的工作表：{}",
                    available.join("、")
                ),
                format!(
                    "sheet '{wanted}' not found; available: {}",
                    available.join(", ")
                ),
            ),
            IoError::NoHeader(m) => m.clone(),
            IoError::Write { path, detail } => Msg::new(
                format!("无法写入 {}：{detail}", path.display()),
                format!("cannot write {}: {detail}", path.display()),
            ),
        }
    }
}
