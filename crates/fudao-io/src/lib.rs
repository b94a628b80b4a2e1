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
pub mod limits;

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
    /// The file exceeds one of the [`limits`]; refused before reading further.
    TooLarge {
        path: PathBuf,
        limit: limits::Limit,
        /// What was found (see [`limits::Limit`] for the unit).
        found: u64,
        /// The 0-based (row, column) where the bound was crossed, if at a cell.
        at: Option<(u32, u32)>,
    },
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
            IoError::TooLarge {
                path,
                limit,
                found,
                at,
            } => too_large_message(path, *limit, *found, *at),
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

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn too_large_message(
    path: &std::path::Path,
    limit: limits::Limit,
    found: u64,
    at: Option<(u32, u32)>,
) -> Msg {
    use limits::Limit;
    let file = path.display();
    let (at_zh, at_en) = match at {
        Some((r, c)) => {
            let l = import::column_letter(c);
            (
                format!("第{}行{l}列", r + 1),
                format!("row {}, column {l}", r + 1),
            )
        }
        None => (String::new(), String::new()),
    };
    let split_zh =
        "请在 Excel/WPS 中将表格按行拆分为几个较小的文件（例如每个文件不超过 5 万行）后分别导入";
    let split_en = "split the sheet by rows into smaller files (e.g. at most 50,000 rows each) in Excel/WPS and import them one by one";
    let resave_zh =
        "文件可能已损坏；请在 Excel/WPS 中打开并另存为新的 .xlsx 文件，必要时按行拆分后再导入";
    let resave_en = "the file may be damaged; open it in Excel/WPS and save it as a new .xlsx file, splitting it by rows if needed, then import again";
    let max = limit.max();
    match limit {
        Limit::FileSize => Msg::new(
            format!("文件 {file} 大小为 {}，超过导入上限 {}。{split_zh}", mb(found), mb(max)),
            format!("file {file} is {}, over the import limit of {}: {split_en}", mb(found), mb(max)),
        ),
        Limit::XmlSize => Msg::new(
            format!("文件 {file} 解压后的表格数据超过导入上限 {}（可能含大量空白或已损坏）。{resave_zh}", mb(max)),
            format!("file {file} holds more than {} of sheet data once decompressed (the import limit; it may be padded or damaged): {resave_en}", mb(max)),
        ),
        Limit::XmlRun => Msg::new(
            format!("文件 {file} 中有一段超过 {} 的连续内容（单个单元格或标记过长，上限 {}）。{resave_zh}", mb(max), mb(max)),
            format!("file {file} holds a single stretch of more than {} (one cell or tag; the limit is {}): {resave_en}", mb(max), mb(max)),
        ),
        Limit::Rows => Msg::new(
            format!("文件 {file} 的数据到第{found}行，超过导入上限 {max} 行。{split_zh}"),
            format!("file {file} has data down to row {found}, over the import limit of {max} rows: {split_en}"),
        ),
        Limit::Columns => Msg::new(
            format!(
                "文件 {file} 的{at_zh}有内容，超过导入上限 {max} 列（到 {} 列）。请删除多余的列，或将表格按列拆分为几个文件（每个文件都保留“统一社会信用代码”列）后分别导入",
                import::column_letter(max as u32 - 1)
            ),
            format!(
                "file {file} has a value at {at_en}, beyond the import limit of {max} columns (up to column {}): delete the extra columns, or split the sheet by columns into files that each keep the USCC column, and import them one by one",
                import::column_letter(max as u32 - 1)
            ),
        ),
        Limit::Cells => Msg::new(
            format!("文件 {file} 超过导入上限 {max} 个单元格（行数 × 列数，读到{at_zh}时）。{split_zh}"),
            format!("file {file} exceeds the import limit of {max} cells (rows × columns, reached at {at_en}): {split_en}"),
        ),
        Limit::CellChars => Msg::new(
            format!("文件 {file} {at_zh}的单元格有 {found} 个字符，超过上限 {max} 个字符（Excel 单元格的最大长度）。请缩短或删除该单元格后再导入"),
            format!("file {file}: the cell at {at_en} holds {found} characters, over the limit of {max} (Excel's maximum cell length); shorten or delete it and import again"),
        ),
        Limit::Merges => Msg::new(
            format!("文件 {file} 的合并单元格过多（超过 {max} 个，或合并范围超过 {} 个单元格）。请选中表格取消合并单元格后另存，再导入", limits::MAX_CELLS),
            format!("file {file} has too many merged cells (over {max} regions, or regions covering over {} cells): unmerge the cells, save, and import again", limits::MAX_CELLS),
        ),
    }
}
