//! Spreadsheets in and out: an uploaded CSV or XLSX read as a header and rows of text,
//! and a report table written as CSV or XLSX with the same cells as its JSON.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;

use crate::AdministrationError;

/// Most rows one upload may hold: a ward's population, with room to spare.
pub const MAX_ROWS: usize = 200_000;

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
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            match e.kind() {
                csv::ErrorKind::Utf8 { .. } => AdministrationError::NotUtf8 { line },
                _ => AdministrationError::UnreadableFile(format!("line {line}: {e}")),
            }
        })?;
        let line = record.position().map_or(0, |p| p.line()) as u32;
        rows.push((line, record.iter().map(str::to_owned).collect()));
        if rows.len() > MAX_ROWS + 1 {
            return Err(AdministrationError::TooManyRows(MAX_ROWS));
        }
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<(u32, Vec<String>)>, AdministrationError> {
    let unreadable = |e: &dyn std::fmt::Display| AdministrationError::UnreadableFile(e.to_string());
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(AdministrationError::EmptyFile)?
        .map_err(|e| unreadable(&e))?;
    let first_row = range.start().map_or(0, |(row, _)| row);
    let first_col = range.start().map_or(0, |(_, col)| col) as usize;
    Ok(range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            // Columns left of the used range are still columns of the header.
            let mut text = vec![String::new(); first_col];
            text.extend(cells.iter().map(cell_text));
            (first_row + index as u32 + 1, text)
        })
        .collect())
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

impl Table {
    /// UTF-8 with a byte-order mark, so that Excel shows Vietnamese correctly.
    pub fn to_csv(&self) -> Result<Vec<u8>, AdministrationError> {
        let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(&self.columns).map_err(csv_error)?;
        for row in &self.rows {
            writer
                .write_record(row.iter().map(|cell| match cell {
                    Cell::Text(s) => s.clone(),
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
