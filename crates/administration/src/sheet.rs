//! Spreadsheets in and out: an uploaded CSV or XLSX read as a header and rows of text,
//! and a report table written as CSV or XLSX with the same cells as its JSON.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader, Xlsx};
use rust_xlsxwriter::Workbook;

use crate::AdministrationError;

/// Most rows one upload may hold: a ward's population, with room to spare.
pub const MAX_ROWS: usize = 200_000;
/// Most columns a row may use: a resident list has a dozen.
pub const MAX_COLUMNS: usize = 64;
/// Longest CSV line, in bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Most bytes an XLSX may unpack to (its parts are compressed XML): a 200 000-row list
/// unpacks to about 60 MB.
pub const MAX_UNPACKED_BYTES: u64 = 128 * 1024 * 1024;

/// Which bound a hostile or oversized sheet crossed; checked before anything is
/// allocated for it, so that a small file cannot make the server build a huge grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetLimit {
    Columns,
    LineLength,
    Unpacked,
}

impl SheetLimit {
    pub fn messages(self) -> (String, String) {
        match self {
            SheetLimit::Columns => (
                format!("Mỗi dòng tối đa {MAX_COLUMNS} cột; tệp có ô nằm ngoài phạm vi đó."),
                format!("A row holds at most {MAX_COLUMNS} columns; the file has cells beyond."),
            ),
            SheetLimit::LineLength => (
                format!("Mỗi dòng của tệp CSV tối đa {} KB.", MAX_LINE_BYTES / 1024),
                format!("A CSV line holds at most {} KB.", MAX_LINE_BYTES / 1024),
            ),
            SheetLimit::Unpacked => (
                format!(
                    "Tệp Excel khi giải nén vượt quá {} MB; hãy chia nhỏ tệp.",
                    MAX_UNPACKED_BYTES / (1024 * 1024)
                ),
                format!(
                    "The Excel file unpacks to more than {} MB; split it.",
                    MAX_UNPACKED_BYTES / (1024 * 1024)
                ),
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    pub const XLSX_MIME: &'static str =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// From the upload's media type, or failing that its file name.
    pub fn detect(content_type: Option<&str>, file_name: Option<&str>) -> Option<Self> {
        let mime = content_type.map(|c| c.split(';').next().unwrap_or(c).trim().to_lowercase());
        match mime.as_deref() {
            Some("text/csv") => return Some(FileFormat::Csv),
            Some(m) if m == Self::XLSX_MIME => return Some(FileFormat::Xlsx),
            _ => {}
        }
        let name = file_name?.to_lowercase();
        if name.ends_with(".csv") {
            Some(FileFormat::Csv)
        } else if name.ends_with(".xlsx") {
            Some(FileFormat::Xlsx)
        } else {
            None
        }
    }
}

/// A sheet as text: the header, and each non-blank row with its number in the file
/// (the header is row 1).
#[derive(Debug, Default)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<(u32, Vec<String>)>,
}

pub fn read(bytes: &[u8], format: FileFormat) -> Result<Sheet, AdministrationError> {
    let mut rows = match format {
        FileFormat::Csv => read_csv(bytes)?,
        FileFormat::Xlsx => read_xlsx(bytes)?,
    }
    .into_iter()
    .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(AdministrationError::EmptyFile);
    };
    let rows: Vec<_> = rows.collect();
    if rows.len() > MAX_ROWS {
        return Err(AdministrationError::TooManyRows(MAX_ROWS));
    }
    Ok(Sheet { header, rows })
}

fn read_csv(bytes: &[u8]) -> Result<Vec<(u32, Vec<String>)>, AdministrationError> {
    // Excel writes a byte-order mark, and a semicolon where the comma is a decimal sign.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Bounds first: a line (quoted fields may span lines, so this bounds them too).
    if bytes
        .split(|b| *b == b'\n')
        .any(|line| line.len() > MAX_LINE_BYTES)
    {
        return Err(AdministrationError::SheetTooLarge(SheetLimit::LineLength));
    }
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first_line.iter().filter(|b| **b == c).count();
    let delimiter = if count(b';') > count(b',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => AdministrationError::NotUtf8 { line },
                    _ => AdministrationError::UnreadableFile(format!("line {line}: {e}")),
                });
            }
        }
        if record.len() > MAX_COLUMNS && record.iter().skip(MAX_COLUMNS).any(|c| !c.is_empty()) {
            return Err(AdministrationError::SheetTooLarge(SheetLimit::Columns));
        }
        let line = record.position().map_or(0, |p| p.line()) as u32;
        rows.push((
            line,
            record.iter().take(MAX_COLUMNS).map(str::to_owned).collect(),
        ));
        if rows.len() > MAX_ROWS + 1 {
            return Err(AdministrationError::TooManyRows(MAX_ROWS));
        }
    }
    Ok(rows)
}

/// Unpacks every part of the workbook into nothing, counting: a zip bomb is refused
/// here, having cost time but no memory, before the spreadsheet reader sees it.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), AdministrationError> {
    let unreadable = |e: &dyn std::fmt::Display| AdministrationError::UnreadableFile(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut budget = MAX_UNPACKED_BYTES;
    for index in 0..archive.len() {
        let part = archive.by_index(index).map_err(|e| unreadable(&e))?;
        let unpacked = std::io::copy(&mut part.take(budget + 1), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        if unpacked > budget {
            return Err(AdministrationError::SheetTooLarge(SheetLimit::Unpacked));
        }
        budget -= unpacked;
    }
    Ok(())
}

/// The first sheet's cells, streamed: only cells that exist are held, so a far cell
/// (`XFD1048576`) costs one entry, not a grid up to it.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<(u32, Vec<String>)>, AdministrationError> {
    check_unpacked_size(bytes)?;
    let unreadable = |e: &dyn std::fmt::Display| AdministrationError::UnreadableFile(e.to_string());
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let first = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(AdministrationError::EmptyFile)?;
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(|e| unreadable(&e))?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let text = cell_ref_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        let col = col as usize;
        if col >= MAX_COLUMNS {
            return Err(AdministrationError::SheetTooLarge(SheetLimit::Columns));
        }
        if !rows.contains_key(&row) && rows.len() > MAX_ROWS {
            return Err(AdministrationError::TooManyRows(MAX_ROWS));
        }
        let line = rows.entry(row).or_default();
        if line.len() <= col {
            line.resize(col + 1, String::new());
        }
        line[col] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (row + 1, cells))
        .collect())
}

fn cell_ref_text(cell: &DataRef<'_>) -> String {
    let data = match cell {
        DataRef::SharedString(s) => return (*s).to_owned(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            return s.clone();
        }
        DataRef::Int(i) => Data::Int(*i),
        DataRef::Float(f) => Data::Float(*f),
        DataRef::Bool(b) => Data::Bool(*b),
        DataRef::DateTime(d) => Data::DateTime(*d),
        DataRef::Error(_) | DataRef::Empty => return String::new(),
    };
    cell_text(&data)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers typed into a general cell arrive as floats: write them as typed.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.date().format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// A cell of a report table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    Bool(bool),
    Empty,
}

/// A report as a table: what CSV and XLSX are written from.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// A text cell as a CSV cell that no spreadsheet runs as a formula: one that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe
/// (OWASP's rule for CSV injection). Numbers are written as numbers, never as text, so
/// a negative number is not touched.
pub fn csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

impl Table {
    /// UTF-8 with a byte-order mark, so that Excel shows Vietnamese correctly.
    pub fn to_csv(&self) -> Result<Vec<u8>, AdministrationError> {
        let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(&self.columns).map_err(csv_error)?;
        for row in &self.rows {
            writer
                .write_record(row.iter().map(|cell| match cell {
                    Cell::Text(s) => csv_text(s).into_owned(),
                    Cell::Int(i) => i.to_string(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Bool(b) => b.to_string(),
                    Cell::Empty => String::new(),
                }))
                .map_err(csv_error)?;
        }
        writer
            .into_inner()
            .map_err(|e| AdministrationError::Internal(e.to_string()))
    }

    pub fn to_xlsx(&self) -> Result<Vec<u8>, AdministrationError> {
        let xlsx = |e: rust_xlsxwriter::XlsxError| AdministrationError::Internal(e.to_string());
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name(self.name).map_err(xlsx)?;
        for (col, name) in self.columns.iter().enumerate() {
            sheet.write_string(0, col as u16, *name).map_err(xlsx)?;
        }
        for (index, row) in self.rows.iter().enumerate() {
            let r = index as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                let c = col as u16;
                match cell {
                    Cell::Text(s) => sheet.write_string(r, c, s),
                    Cell::Int(i) => sheet.write_number(r, c, *i as f64),
                    Cell::Number(n) => sheet.write_number(r, c, *n),
                    Cell::Bool(b) => sheet.write_boolean(r, c, *b),
                    Cell::Empty => continue,
                }
                .map_err(xlsx)?;
            }
        }
        workbook.save_to_buffer().map_err(xlsx)
    }
}

fn csv_error(e: csv::Error) -> AdministrationError {
    AdministrationError::Internal(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_semicolons_and_blank_rows() {
        let file = "\u{feff}Họ và tên;CCCD\nAn;001090012345\n;\nBình;\"079185000001\"\n";
        let sheet = read(file.as_bytes(), FileFormat::Csv).expect("readable");
        assert_eq!(sheet.header, vec!["Họ và tên", "CCCD"]);
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[0], (2, vec!["An".into(), "001090012345".into()]));
        assert_eq!(sheet.rows[1].0, 4, "row numbers count the blank row");
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
        for hostile in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert!(csv_text(hostile).starts_with('\''), "{hostile:?}");
        }
        assert_eq!(csv_text("Nguyễn Văn An"), "Nguyễn Văn An");
        let table = Table {
            name: "t",
            columns: vec!["name", "delta"],
            rows: vec![vec![Cell::Text("=1+1".into()), Cell::Int(-3)]],
        };
        let csv = String::from_utf8(table.to_csv().expect("csv")).expect("utf-8");
        assert!(csv.ends_with("'=1+1,-3\n"), "{csv}");
    }

    #[test]
    fn csv_with_a_huge_line_or_too_many_columns_is_refused_before_reading() {
        let long = format!("name\n{}\n", "a".repeat(MAX_LINE_BYTES + 1));
        assert!(matches!(
            read(long.as_bytes(), FileFormat::Csv),
            Err(AdministrationError::SheetTooLarge(SheetLimit::LineLength))
        ));
        let wide = format!("name{}x\n", ",".repeat(MAX_COLUMNS + 5));
        assert!(matches!(
            read(wide.as_bytes(), FileFormat::Csv),
            Err(AdministrationError::SheetTooLarge(SheetLimit::Columns))
        ));
    }

    #[test]
    fn csv_that_is_not_utf8_is_refused() {
        let file = b"name\n\xE0\xE1\xFF\n";
        assert!(matches!(
            read(file, FileFormat::Csv),
            Err(AdministrationError::NotUtf8 { .. })
        ));
    }

    #[test]
    fn tables_round_trip_through_xlsx() {
        let table = Table {
            name: "report",
            columns: vec!["unit", "population", "percent", "on_target"],
            rows: vec![vec![
                Cell::Text("Tổ dân phố 1".into()),
                Cell::Int(12),
                Cell::Number(83.3),
                Cell::Bool(true),
            ]],
        };
        let bytes = table.to_xlsx().expect("written");
        let sheet = read(&bytes, FileFormat::Xlsx).expect("read back");
        assert_eq!(
            sheet.header,
            vec!["unit", "population", "percent", "on_target"]
        );
        assert_eq!(sheet.rows[0].1, vec!["Tổ dân phố 1", "12", "83.3", "true"]);
        let csv = String::from_utf8(table.to_csv().expect("csv")).expect("utf-8");
        assert_eq!(
            csv,
            "\u{feff}unit,population,percent,on_target\nTổ dân phố 1,12,83.3,true\n"
        );
    }
}
