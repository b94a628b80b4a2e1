//! The bounds every import stays within, so that a damaged or hostile file is refused in
//! seconds and with little memory instead of exhausting the machine.
//!
//! Each bound is checked while the file is read (never after building something of its size),
//! and a file over one is refused with an [`IoError::TooLarge`](crate::IoError::TooLarge)
//! naming the bound and how to split the file. The values are far above what district offices
//! send: a 200,000-row list with 25 columns is 5 million cells, 20–40 MB as `.csv` or `.xlsx`.

/// Largest file read at all (bytes).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest total of decompressed XML in an `.xlsx`/`.ods` (bytes), counted while streaming
/// the archive before anything is parsed.
pub const MAX_XML_BYTES: u64 = 256 * 1024 * 1024;
/// Longest stretch of XML between two markup characters (`<`, `>`): one text node or one tag.
/// Bounds what the XML parser buffers at once.
pub const MAX_XML_RUN: u64 = 1024 * 1024;
/// Rows of a sheet (Excel's own maximum).
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns holding data (up to column `ALL`); Excel allows 16,384, no firm list needs this many.
pub const MAX_COLUMNS: u32 = 1_000;
/// Cells held in memory, counted as rows × the columns each row uses up to its last value.
pub const MAX_CELLS: u64 = 6_000_000;
/// Characters in one cell (Excel's own maximum).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Characters in a firm name; longer names are rejected row by row.
pub const MAX_NAME_CHARS: usize = 100;
/// Merged regions in one sheet.
pub const MAX_MERGES: u64 = 1_000_000;
/// Largest `colspan` honoured in an HTML table (the HTML standard's own clamp).
pub const MAX_HTML_COLSPAN: u32 = 1_000;

/// Which bound a file exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`MAX_FILE_BYTES`]; `found` is the file size in bytes.
    FileSize,
    /// [`MAX_XML_BYTES`]; `found` is the size read so far.
    XmlSize,
    /// [`MAX_XML_RUN`]; `found` is the length of the stretch read so far.
    XmlRun,
    /// [`MAX_ROWS`]; `found` is the 1-based row number.
    Rows,
    /// [`MAX_COLUMNS`]; `found` is the 1-based column number.
    Columns,
    /// [`MAX_CELLS`]; `found` is the count reached (the limit + 1).
    Cells,
    /// [`MAX_CELL_CHARS`]; `found` is the cell's length in characters.
    CellChars,
    /// [`MAX_MERGES`], or merged regions covering more than [`MAX_CELLS`] cells; `found` is
    /// the count of regions (or of covered cells) reached.
    Merges,
}

impl Limit {
    /// The bound's value.
    pub fn max(self) -> u64 {
        match self {
            Limit::FileSize => MAX_FILE_BYTES,
            Limit::XmlSize => MAX_XML_BYTES,
            Limit::XmlRun => MAX_XML_RUN,
            Limit::Rows => MAX_ROWS as u64,
            Limit::Columns => MAX_COLUMNS as u64,
            Limit::Cells => MAX_CELLS,
            Limit::CellChars => MAX_CELL_CHARS as u64,
            Limit::Merges => MAX_MERGES,
        }
    }
}

/// Counts cells as a grid grows and refuses past [`MAX_CELLS`], [`MAX_ROWS`],
/// [`MAX_COLUMNS`] and [`MAX_CELL_CHARS`].
#[derive(Debug, Default)]
pub(crate) struct Budget {
    cells: u64,
}

/// A bound exceeded at a cell: (limit, found, 0-based row, 0-based column).
pub(crate) type Over = (Limit, u64, u32, u32);

impl Budget {
    /// A row of `len` cells (up to its last value) at 0-based row `r` is about to be held.
    pub(crate) fn row(&mut self, r: usize, len: usize) -> Result<(), Over> {
        self.check_pos(r, len.saturating_sub(1))?;
        self.add(len as u64 + 1, r, len)
    }

    /// `n` more cells are about to be held (at 0-based row `r`, column `c`).
    pub(crate) fn add(&mut self, n: u64, r: usize, c: usize) -> Result<(), Over> {
        self.cells += n;
        if self.cells > MAX_CELLS {
            return Err((Limit::Cells, MAX_CELLS + 1, r as u32, c as u32));
        }
        Ok(())
    }

    /// A value at 0-based (`r`, `c`) is allowed by [`MAX_ROWS`] and [`MAX_COLUMNS`].
    pub(crate) fn check_pos(&self, r: usize, c: usize) -> Result<(), Over> {
        if r >= MAX_ROWS as usize {
            return Err((Limit::Rows, r as u64 + 1, r as u32, c as u32));
        }
        if c >= MAX_COLUMNS as usize {
            return Err((
                Limit::Columns,
                c as u64 + 1,
                r.min(u32::MAX as usize) as u32,
                c.min(u32::MAX as usize) as u32,
            ));
        }
        Ok(())
    }
}

/// A text is within [`MAX_CELL_CHARS`]; `Err(chars)` otherwise.
pub(crate) fn check_text(s: &str) -> Result<(), u64> {
    // Bytes bound characters from above: count only when it may matter.
    if s.len() <= MAX_CELL_CHARS {
        return Ok(());
    }
    let n = s.chars().count();
    if n > MAX_CELL_CHARS {
        Err(n as u64)
    } else {
        Ok(())
    }
}
