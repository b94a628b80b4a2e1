//! Print-document model: a small, renderer-independent description of a printed document
//! (a 一企一策 plan, a report) as a sequence of blocks.
//!
//! The plan composer builds a [`Document`]; the `fudao-pdf` crate lays it out on A4 pages. The
//! model holds *content* only — no fonts, sizes or coordinates — so it can be serialised,
//! snapshot-tested, or rendered by something else (HTML preview, Typst) later.
//!
//! Conventions:
//! - Every string is final, display-ready text (amounts already formatted, e.g. `"2,000"`).
//! - A missing figure is written as [`MISSING`] (`"—"`); [`cell`] helps with that.
//! - Text may contain `\n` only in [`Block::Paragraph`] (hard line break) and table cells.
//!
//! ```
//! use chrono::NaiveDate;
//! use fudao_core::doc::*;
//! let meta = DocMeta::new("一企一策融资服务方案", "P-2026-0001", NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
//! let mut doc = Document::new(meta);
//! doc.push(Block::heading(1, "一、企业概况"));
//! doc.push(Block::paragraph("企业成立于2015年，现有员工120人。"));
//! assert!(doc.validate().is_ok());
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The text printed where a figure is unknown.
pub const MISSING: &str = "—";

/// Formats an optional value for a table cell, printing [`MISSING`] when absent.
pub fn cell<T: std::fmt::Display>(value: Option<T>) -> String {
    match value {
        Some(v) => v.to_string(),
        None => MISSING.to_string(),
    }
}

/// A complete printable document: metadata plus a flow of blocks laid out top to bottom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub meta: DocMeta,
    pub blocks: Vec<Block>,
}

/// Document-level information: PDF metadata, running header and footer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    /// Document title (PDF `Title`), e.g. `一企一策融资服务方案 — 济南某某科技有限公司`.
    pub title: String,
    /// PDF `Subject`, e.g. `金融辅导 一企一策`.
    pub subject: String,
    /// PDF `Author`, e.g. the coaching team's name.
    pub author: String,
    /// Plan number printed in the footer of every page, e.g. `P-2026-0001 v2`.
    pub plan_number: String,
    /// Document date: used as the PDF creation/modification date (midnight, China time).
    pub date: NaiveDate,
    /// One line printed in the footer of every page, e.g. `内部资料 注意保密`.
    pub confidentiality: String,
    /// Running header, left side (e.g. programme name).
    pub header_left: String,
    /// Running header, right side (e.g. firm name).
    pub header_right: String,
}

impl DocMeta {
    /// Metadata with the given title, plan number and date; other fields get plain defaults
    /// (subject `一企一策`, author `济南市金融辅导`, confidentiality `内部资料 注意保密`,
    /// header left = programme name, header right = title).
    pub fn new(title: impl Into<String>, plan_number: impl Into<String>, date: NaiveDate) -> Self {
        let title = title.into();
        Self {
            subject: "一企一策".to_string(),
            author: "济南市金融辅导".to_string(),
            plan_number: plan_number.into(),
            date,
            confidentiality: "内部资料 注意保密".to_string(),
            header_left: "济南市科创金融改革试验区 · 金融辅导".to_string(),
            header_right: title.clone(),
            title,
        }
    }
}

/// One unit of content in the document flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// The cover/title block at the top of the first page.
    Title(TitleBlock),
    /// A section heading. Level 1 = section (一、…), 2 = subsection, 3 = minor heading.
    Heading { level: u8, text: String },
    /// A justified paragraph; `\n` forces a line break.
    Paragraph { text: String },
    /// A bulleted list; each item is wrapped and justified like a paragraph.
    Bullets { items: Vec<String> },
    /// Label–value pairs laid out in `columns` columns (1–3), e.g. a firm profile.
    KeyValueGrid { pairs: Vec<KeyValue>, columns: u8 },
    /// A table whose cells wrap; split across pages with the header row repeated.
    Table(Table),
    /// A vector chart.
    Chart(Chart),
    /// Signature lines for the parties that sign the document.
    SignOff { parties: Vec<SignParty> },
    /// A QR code of `data` drawn as vector squares (about 30 mm), `caption` beside it.
    QrCode { data: String, caption: String },
    /// One line of small grey type (e.g. a short link on the cover).
    FinePrint { text: String },
    /// Start a new page.
    PageBreak,
    /// Vertical blank space in millimetres.
    Spacer { mm: f32 },
}

impl Block {
    /// A heading block.
    pub fn heading(level: u8, text: impl Into<String>) -> Self {
        Block::Heading {
            level,
            text: text.into(),
        }
    }
    /// A paragraph block.
    pub fn paragraph(text: impl Into<String>) -> Self {
        Block::Paragraph { text: text.into() }
    }
    /// A bullet list block.
    pub fn bullets<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Self {
        Block::Bullets {
            items: items.into_iter().map(Into::into).collect(),
        }
    }
}

/// The title block: large title, optional subtitle, then key–value lines (firm, USCC, date…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TitleBlock {
    pub title: String,
    pub subtitle: Option<String>,
    pub lines: Vec<KeyValue>,
}

/// A label and its value, e.g. `统一社会信用代码` / `91370100MA3C5G7X1K`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

impl KeyValue {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Horizontal alignment of a table column's cells (headers are always centred).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A table column: header text, relative width and alignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub header: String,
    /// Relative width: the table's width is shared in proportion to the weights (must be > 0).
    pub weight: f32,
    pub align: Align,
}

impl Column {
    pub fn new(header: impl Into<String>, weight: f32, align: Align) -> Self {
        Self {
            header: header.into(),
            weight,
            align,
        }
    }
}

/// A table: columns, rows of cell text (one string per column), optional note printed below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    pub note: Option<String>,
}

/// A chart drawn as vector graphics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "chart", rename_all = "snake_case")]
pub enum Chart {
    /// Radar (spider) chart of indicators, each scaled to its own maximum (needs ≥ 3 axes).
    Radar { title: String, axes: Vec<RadarAxis> },
    /// Grouped bar chart: one group per category (e.g. year), one bar per series; `None` values
    /// are left empty and labelled [`MISSING`]. `unit` is printed on the value axis (e.g. `万元`).
    Bars {
        title: String,
        categories: Vec<String>,
        series: Vec<BarSeries>,
        unit: String,
    },
}

/// One radar axis: label, value and the axis maximum (e.g. `研发投入`, 30, 50).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RadarAxis {
    pub label: String,
    pub value: f64,
    pub max: f64,
}

/// One bar series: name (legend) and one value per category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarSeries {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A signing party: role label (e.g. `企业（盖章）`) and the printed name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignParty {
    pub role: String,
    pub name: String,
}

impl SignParty {
    pub fn new(role: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            role: role.into(),
            name: name.into(),
        }
    }
}

/// A structural problem in a [`Document`] that a renderer cannot lay out sensibly.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DocError {
    #[error("block {block}: table row {row} has {got} cells, expected {expected} (表格行单元格数与列数不符)")]
    RowLength {
        block: usize,
        row: usize,
        got: usize,
        expected: usize,
    },
    #[error("block {block}: table has no columns (表格没有列)")]
    NoColumns { block: usize },
    #[error("block {block}: column {column} has weight {weight}, must be > 0 (列宽权重必须大于0)")]
    BadWeight {
        block: usize,
        column: usize,
        weight: f32,
    },
    #[error("block {block}: series {series} has {got} values for {expected} categories (柱状图数据个数与类别数不符)")]
    SeriesLength {
        block: usize,
        series: String,
        got: usize,
        expected: usize,
    },
    #[error(
        "block {block}: radar chart needs at least 3 axes with max > 0 (雷达图至少需要3个有效维度)"
    )]
    Radar { block: usize },
    #[error("block {block}: {what} (数值无效)")]
    BadNumber { block: usize, what: String },
    #[error("block {block}: heading level {level} not in 1..=3 (标题级别应为1至3)")]
    HeadingLevel { block: usize, level: u8 },
    #[error("block {block}: QR code data must be 1–{MAX_QR_BYTES} bytes, got {len} (二维码内容长度无效)")]
    QrData { block: usize, len: usize },
}

impl Document {
    /// An empty document with the given metadata.
    pub fn new(meta: DocMeta) -> Self {
        Self {
            meta,
            blocks: Vec::new(),
        }
    }

    /// Appends a block; returns `self` for chaining.
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// Checks the structure: table rows match their columns, weights are positive, bar series
    /// match their categories, radar charts have ≥ 3 usable axes, numbers are finite, heading
    /// levels are 1–3. Returns the first problem found.
    pub fn validate(&self) -> Result<(), DocError> {
        for (b, block) in self.blocks.iter().enumerate() {
            match block {
                Block::Heading { level, .. } if !(1..=3).contains(level) => {
                    return Err(DocError::HeadingLevel {
                        block: b,
                        level: *level,
                    })
                }
                Block::Table(t) => {
                    if t.columns.is_empty() {
                        return Err(DocError::NoColumns { block: b });
                    }
                    for (c, col) in t.columns.iter().enumerate() {
                        if !(col.weight.is_finite() && col.weight > 0.0) {
                            return Err(DocError::BadWeight {
                                block: b,
                                column: c,
                                weight: col.weight,
                            });
                        }
                    }
                    for (r, row) in t.rows.iter().enumerate() {
                        if row.len() != t.columns.len() {
                            return Err(DocError::RowLength {
                                block: b,
                                row: r,
                                got: row.len(),
                                expected: t.columns.len(),
                            });
                        }
                    }
                }
                Block::Chart(Chart::Radar { axes, .. }) => {
                    if axes.len() < 3 || axes.iter().any(|a| !(a.max.is_finite() && a.max > 0.0)) {
                        return Err(DocError::Radar { block: b });
                    }
                    if let Some(a) = axes.iter().find(|a| !a.value.is_finite()) {
                        return Err(DocError::BadNumber {
                            block: b,
                            what: format!("radar axis {} value {}", a.label, a.value),
                        });
                    }
                }
                Block::Chart(Chart::Bars {
                    categories, series, ..
                }) => {
                    for s in series {
                        if s.values.len() != categories.len() {
                            return Err(DocError::SeriesLength {
                                block: b,
                                series: s.name.clone(),
                                got: s.values.len(),
                                expected: categories.len(),
                            });
                        }
                        if s.values.iter().flatten().any(|v| !v.is_finite()) {
                            return Err(DocError::BadNumber {
                                block: b,
                                what: format!("bar series {} has a non-finite value", s.name),
                            });
                        }
                    }
                }
                Block::QrCode { data, .. } if data.is_empty() || data.len() > MAX_QR_BYTES => {
                    return Err(DocError::QrData {
                        block: b,
                        len: data.len(),
                    })
                }
                Block::Spacer { mm } if !(mm.is_finite() && *mm >= 0.0) => {
                    return Err(DocError::BadNumber {
                        block: b,
                        what: format!("spacer {mm} mm"),
                    })
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Calls `f(location, text)` for every piece of text that will be printed, including the
    /// metadata shown in header and footer. `location` is a short human-readable description
    /// such as `block 12 table row 3 column 2`, used in error messages (e.g. a missing glyph).
    pub fn for_each_text<'a>(&'a self, mut f: impl FnMut(&dyn Fn() -> String, &'a str)) {
        let m = &self.meta;
        f(&|| "header left".into(), &m.header_left);
        f(&|| "header right".into(), &m.header_right);
        f(&|| "footer plan number".into(), &m.plan_number);
        f(&|| "footer confidentiality".into(), &m.confidentiality);
        for (b, block) in self.blocks.iter().enumerate() {
            match block {
                Block::Title(t) => {
                    f(&|| format!("block {b} title"), &t.title);
                    if let Some(s) = &t.subtitle {
                        f(&|| format!("block {b} subtitle"), s);
                    }
                    for (i, kv) in t.lines.iter().enumerate() {
                        f(&|| format!("block {b} title line {i} label"), &kv.key);
                        f(&|| format!("block {b} title line {i} value"), &kv.value);
                    }
                }
                Block::Heading { text, .. } => f(&|| format!("block {b} heading"), text),
                Block::Paragraph { text } => f(&|| format!("block {b} paragraph"), text),
                Block::Bullets { items } => {
                    for (i, it) in items.iter().enumerate() {
                        f(&|| format!("block {b} bullet {i}"), it);
                    }
                }
                Block::KeyValueGrid { pairs, .. } => {
                    for (i, kv) in pairs.iter().enumerate() {
                        f(&|| format!("block {b} pair {i} label"), &kv.key);
                        f(&|| format!("block {b} pair {i} value"), &kv.value);
                    }
                }
                Block::Table(t) => {
                    for (c, col) in t.columns.iter().enumerate() {
                        f(
                            &|| format!("block {b} table header column {c}"),
                            &col.header,
                        );
                    }
                    for (r, row) in t.rows.iter().enumerate() {
                        for (c, text) in row.iter().enumerate() {
                            f(&|| format!("block {b} table row {r} column {c}"), text);
                        }
                    }
                    if let Some(n) = &t.note {
                        f(&|| format!("block {b} table note"), n);
                    }
                }
                Block::Chart(Chart::Radar { title, axes }) => {
                    f(&|| format!("block {b} chart title"), title);
                    for (i, a) in axes.iter().enumerate() {
                        f(&|| format!("block {b} radar axis {i}"), &a.label);
                    }
                }
                Block::Chart(Chart::Bars {
                    title,
                    categories,
                    series,
                    unit,
                }) => {
                    f(&|| format!("block {b} chart title"), title);
                    f(&|| format!("block {b} chart unit"), unit);
                    for (i, c) in categories.iter().enumerate() {
                        f(&|| format!("block {b} chart category {i}"), c);
                    }
                    for (i, s) in series.iter().enumerate() {
                        f(&|| format!("block {b} chart series {i}"), &s.name);
                    }
                }
                Block::SignOff { parties } => {
                    for (i, p) in parties.iter().enumerate() {
                        f(&|| format!("block {b} sign-off {i} role"), &p.role);
                        f(&|| format!("block {b} sign-off {i} name"), &p.name);
                    }
                }
                Block::QrCode { caption, .. } => f(&|| format!("block {b} QR caption"), caption),
                Block::FinePrint { text } => f(&|| format!("block {b} fine print"), text),
                Block::PageBreak | Block::Spacer { .. } => {}
            }
        }
    }

    /// Adds the firm's feedback code to a plan document: the short link in fine print right
    /// after the cover's title block, and a QR code of `url` with a caption right after the
    /// last sign-off block (at the end when there is none), on the sign-off page.
    pub fn add_feedback_code(&mut self, url: &str) {
        let qr = Block::QrCode {
            data: url.to_string(),
            caption: format!(
                "扫码评价：请用手机扫描左侧二维码，对本次金融辅导服务作出评价（无需登录，约1分钟）。\n{url}"
            ),
        };
        match self
            .blocks
            .iter()
            .rposition(|b| matches!(b, Block::SignOff { .. }))
        {
            Some(i) => self.blocks.insert(i + 1, qr),
            None => self.blocks.push(qr),
        }
        let fine = Block::FinePrint {
            text: format!("满意度评价（扫码或访问）：{url}"),
        };
        match self
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Title(_)))
        {
            Some(i) => self.blocks.insert(i + 1, fine),
            None => self.blocks.insert(0, fine),
        }
    }
}

/// Largest QR code content, in bytes (a URL; far below what a printed code can hold).
pub const MAX_QR_BYTES: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> DocMeta {
        DocMeta::new(
            "一企一策",
            "P-1",
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        )
    }

    fn table(rows: Vec<Vec<&str>>) -> Block {
        Block::Table(Table {
            columns: vec![
                Column::new("项目", 2.0, Align::Left),
                Column::new("金额（万元）", 1.0, Align::Right),
            ],
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(String::from).collect())
                .collect(),
            note: None,
        })
    }

    #[test]
    fn cell_prints_dash_for_missing() {
        assert_eq!(cell(Some(2000)), "2000");
        assert_eq!(cell::<i32>(None), "—");
    }

    #[test]
    fn validate_accepts_well_formed_and_empty_tables() {
        let mut d = Document::new(meta());
        d.push(table(vec![vec!["营业收入", "2,000"]]))
            .push(table(vec![]));
        assert_eq!(d.validate(), Ok(()));
    }

    #[test]
    fn validate_reports_short_row_with_position() {
        let mut d = Document::new(meta());
        d.push(Block::paragraph("x"))
            .push(table(vec![vec!["a", "1"], vec!["b"]]));
        assert_eq!(
            d.validate(),
            Err(DocError::RowLength {
                block: 1,
                row: 1,
                got: 1,
                expected: 2
            })
        );
    }

    #[test]
    fn validate_checks_charts_and_headings() {
        let mut d = Document::new(meta());
        d.push(Block::Chart(Chart::Bars {
            title: "t".into(),
            categories: vec!["2023".into(), "2024".into()],
            series: vec![BarSeries {
                name: "营业收入".into(),
                values: vec![Some(1.0)],
            }],
            unit: "万元".into(),
        }));
        assert!(matches!(
            d.validate(),
            Err(DocError::SeriesLength {
                got: 1,
                expected: 2,
                ..
            })
        ));

        let mut d = Document::new(meta());
        d.push(Block::Chart(Chart::Radar {
            title: "t".into(),
            axes: vec![
                RadarAxis {
                    label: "a".into(),
                    value: 1.0,
                    max: 2.0,
                },
                RadarAxis {
                    label: "b".into(),
                    value: 1.0,
                    max: 0.0,
                },
                RadarAxis {
                    label: "c".into(),
                    value: 1.0,
                    max: 2.0,
                },
            ],
        }));
        assert_eq!(d.validate(), Err(DocError::Radar { block: 0 }));

        let mut d = Document::new(meta());
        d.push(Block::heading(4, "x"));
        assert_eq!(
            d.validate(),
            Err(DocError::HeadingLevel { block: 0, level: 4 })
        );
    }

    #[test]
    fn for_each_text_visits_every_printed_string_with_location() {
        let mut d = Document::new(meta());
        d.push(Block::heading(1, "一、概况"))
            .push(table(vec![vec!["营业收入", "2,000"]]))
            .push(Block::SignOff {
                parties: vec![SignParty::new("企业（盖章）", "济南某某科技有限公司")],
            });
        let mut seen = Vec::new();
        d.for_each_text(|loc, text| seen.push((loc(), text.to_string())));
        assert!(seen.contains(&("block 0 heading".into(), "一、概况".into())));
        assert!(seen.contains(&("block 1 table row 0 column 1".into(), "2,000".into())));
        assert!(seen.contains(&(
            "block 1 table header column 1".into(),
            "金额（万元）".into()
        )));
        assert!(seen.contains(&(
            "block 2 sign-off 0 name".into(),
            "济南某某科技有限公司".into()
        )));
        assert!(seen.contains(&("footer plan number".into(), "P-1".into())));
    }

    #[test]
    fn feedback_code_goes_after_the_title_and_the_last_sign_off() {
        let url = "https://fk.example.cn/f/abcdefghijklmnopqrstuvwxyz";
        let mut d = Document::new(meta());
        d.push(Block::Title(TitleBlock {
            title: "一企一策".into(),
            subtitle: None,
            lines: vec![],
        }))
        .push(Block::paragraph("正文"))
        .push(Block::SignOff {
            parties: vec![SignParty::new("企业（盖章）", "济南某某科技有限公司")],
        })
        .push(Block::paragraph("附件"));
        d.add_feedback_code(url);
        assert!(matches!(&d.blocks[1], Block::FinePrint { text } if text.ends_with(url)));
        assert!(
            matches!(&d.blocks[4], Block::QrCode { data, caption } if data == url && caption.contains(url))
        );
        assert!(matches!(&d.blocks[5], Block::Paragraph { .. }));
        assert_eq!(d.validate(), Ok(()));
        let mut seen = Vec::new();
        d.for_each_text(|loc, _| seen.push(loc()));
        assert!(seen.contains(&"block 4 QR caption".to_string()));
        assert!(seen.contains(&"block 1 fine print".to_string()));

        let mut e = Document::new(meta());
        e.push(Block::QrCode {
            data: "x".repeat(MAX_QR_BYTES + 1),
            caption: String::new(),
        });
        assert_eq!(
            e.validate(),
            Err(DocError::QrData {
                block: 0,
                len: MAX_QR_BYTES + 1
            })
        );
    }

    #[test]
    fn serde_round_trip_keeps_everything() {
        let mut d = Document::new(meta());
        d.push(Block::Title(TitleBlock {
            title: "一企一策".into(),
            subtitle: Some("融资服务方案".into()),
            lines: vec![KeyValue::new("企业名称", "济南某某科技有限公司")],
        }))
        .push(Block::PageBreak)
        .push(Block::Spacer { mm: 5.0 })
        .push(Block::bullets(["甲", "乙"]));
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"kind\":\"page_break\""));
        let back: Document = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }
}
