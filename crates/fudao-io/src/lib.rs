//! Fudao spreadsheet import and export.
//!
//! * [`import::read_firms`] reads firm lists as district offices actually send them — `.xlsx`,
//!   `.xls`, `.ods` and `.csv`/`.txt` (UTF-8 with or without BOM, UTF-16, GBK/GB18030),
//!   with title rows above the header, merged cells, header synonyms and units, text or
//!   serial dates, numbers with separators and units, blank, total and footer rows — and
//!   returns one [`fudao_core::patch::ImportRow`] per good row plus one [`import::RowError`]
//!   per bad cell (row number as the user sees it, column header, bilingual reason).
//!   [`import::read_firms_mapped`] takes the user's [`import::ColumnMap`] for columns whose
//!   headers are not recognised (header text → field, or ignore).
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
    /// A column mapping names a field key that does not exist (or cannot be assigned).
    UnknownField {
        key: String,
    },
    /// A column mapping is not of the form `HEADER=FIELD`.
    BadMapping {
        arg: String,
    },
    /// A column mapping names a header the sheet does not have.
    MappedHeaderMissing {
        header: String,
        sheet: String,
        /// Every header of the sheet, in sheet order.
        available: Vec<String>,
    },
    /// A mapped column would fill a field (for the same year, for yearly figures) that another
    /// column fills too. `columns` are (letter, header) in sheet order.
    MappingConflict {
        field: Field,
        year: Option<i32>,
        columns: [(String, String); 2],
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
            IoError::UnknownField { key } => {
                let keys: Vec<&str> = std::iter::once(import::ColumnChoice::IGNORE_KEY)
                    .chain(Field::mappable().map(Field::key))
                    .collect();
                Msg::new(
                    format!("没有字段“{key}”，可用的字段：{}", keys.join("、")),
                    format!("no field '{key}'; valid fields: {}", keys.join(", ")),
                )
            }
            IoError::BadMapping { arg } => Msg::new(
                format!("列对应“{arg}”的格式应为 表头=字段（例：员工规模=staff）"),
                format!("column mapping '{arg}' should read HEADER=FIELD (e.g. 员工规模=staff)"),
            ),
            IoError::MappedHeaderMissing {
                header,
                sheet,
                available,
            } => Msg::new(
                format!(
                    "工作表“{sheet}”中没有表头为“{header}”的列，现有表头：{}",
                    available.join("、")
                ),
                format!(
                    "sheet '{sheet}' has no column headed '{header}'; its headers: {}",
                    available.join(", ")
                ),
            ),
            IoError::MappingConflict {
                field,
                year,
                columns: [(l1, h1), (l2, h2)],
            } => {
                let (yz, ye) = match year {
                    Some(y) => (format!("{y}年"), format!(" for {y}")),
                    None => (String::new(), String::new()),
                };
                Msg::new(
                    format!(
                        "{l1}列“{h1}”和{l2}列“{h2}”都对应{yz}“{}”，请将其中一列设为忽略或对应其他字段",
                        field.label_zh()
                    ),
                    format!(
                        "columns {l1} '{h1}' and {l2} '{h2}' both fill {} ({}){ye}; ignore one of them or map it to another field",
                        field.label_en(),
                        field.key()
                    ),
                )
            }
        }
    }
}
