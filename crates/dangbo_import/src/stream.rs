//! A CSV member list read as a stream: the command line imports a national list (a million
//! rows, over 100 MB) holding one row at a time. The encoding, the delimiter and a legacy font
//! are decided on the first megabyte; the rest is decoded field by field as it is read.

use crate::legacy::{self, Legacy};
use crate::table::{Cell, Table, TableError};
use std::collections::VecDeque;
use std::io::{Cursor, Read};
use std::sync::{Arc, Mutex};

/// Bytes read ahead to decide the encoding, the delimiter and a legacy font.
const SAMPLE: u64 = 1 << 20;

/// A data row with its number in the file (1-based), or why the file stopped being readable.
pub type RowResult = Result<(usize, Vec<Cell>), TableError>;

/// A member list: its header and its data rows (entirely empty rows dropped), whole or streamed.
pub struct Sheet {
    pub headers: Vec<String>,
    /// The legacy encoding the text was converted from (TCVN3, VNI), if it was.
    pub converted_from: Option<&'static str>,
    pub rows: Box<dyn Iterator<Item = RowResult> + Send>,
    /// The number of data rows, when known before reading them.
    pub len: Option<usize>,
}

impl From<Table> for Sheet {
    fn from(table: Table) -> Sheet {
        let len = Some(table.rows.len());
        Sheet { headers: table.headers, converted_from: table.converted_from, rows: Box::new(table.rows.into_iter().map(Ok)), len }
    }
}

/// How the fields of one file become text.
#[derive(Clone, Copy)]
struct Decoder {
    utf8: bool,
    legacy: Option<Legacy>,
}

impl Decoder {
    fn cell(self, field: &[u8]) -> Cell {
        let text = match std::str::from_utf8(field) {
            Ok(s) if self.utf8 => s.to_string(),
            // Windows-1258, as Excel on a Vietnamese Windows writes CSV.
            _ => encoding_rs::WINDOWS_1258.decode(field).0.into_owned(),
        };
        if text.trim().is_empty() {
            return Cell::Empty;
        }
        Cell::Text(match self.legacy {
            Some(enc) => legacy::convert(&text, enc),
            None => text,
        })
    }

    fn row(self, record: &csv::ByteRecord) -> Vec<Cell> {
        record.iter().map(|f| self.cell(f)).collect()
    }
}

/// Opens a CSV member list for streaming: reads up to its header row and returns the rest as
/// an iterator. UTF-8 (a BOM is dropped) unless the first megabyte is not, then Windows-1258.
pub fn stream_csv<R: Read + Send + 'static>(mut reader: R) -> Result<Sheet, TableError> {
    let mut sample = Vec::new();
    reader.by_ref().take(SAMPLE).read_to_end(&mut sample).map_err(|_| TableError::NotSpreadsheet)?;
    if let Some(rest) = sample.strip_prefix(b"\xef\xbb\xbf") {
        sample = rest.to_vec();
    }
    if sample.iter().all(u8::is_ascii_whitespace) {
        return Err(TableError::Empty);
    }
    if sample.contains(&0) {
        return Err(TableError::NotSpreadsheet);
    }
    // A sample cut inside a character is still UTF-8.
    let utf8 = std::str::from_utf8(&sample).map_or_else(|e| e.error_len().is_none(), |_| true);
    // The first line with a separator decides (a title row above the header may have none).
    let first = sample.split(|b| *b == b'\n').find(|l| l.contains(&b';') || l.contains(&b',')).unwrap_or_default();
    let delimiter = if first.iter().filter(|b| **b == b';').count() > first.iter().filter(|b| **b == b',').count() { b';' } else { b',' };
    let builder = || {
        let mut b = csv::ReaderBuilder::new();
        b.has_headers(false).flexible(true).delimiter(delimiter);
        b
    };
    let plain = Decoder { utf8, legacy: None };
    let sampled: Vec<Vec<Cell>> = builder().from_reader(sample.as_slice()).byte_records().map_while(Result::ok).map(|r| plain.row(&r)).collect();
    let decoder = Decoder { utf8, legacy: legacy::detect(sampled.iter().flatten().filter_map(text_of)) };
    let lines = Lines::default();
    let counted = Counted { inner: Cursor::new(sample).chain(reader), read: 0, line: 1, at_line_start: true, lines: lines.clone() };
    let mut records = builder().from_reader(counted).into_byte_records().enumerate();
    let headers = loop {
        match records.next() {
            None => return Err(TableError::NoHeader),
            Some((_, Err(_))) => return Err(TableError::NotSpreadsheet),
            Some((_, Ok(r))) => {
                let cells = decoder.row(&r);
                if cells.iter().filter(|c| **c != Cell::Empty).count() >= 2 {
                    break cells.iter().map(Cell::text).collect();
                }
            }
        }
    };
    // After a read error the file ends there: one error, then nothing (a failing disk would
    // otherwise repeat it forever).
    let mut failed = false;
    let rows = records.take_while(move |(_, r)| !std::mem::replace(&mut failed, r.is_err())).filter_map(move |(i, r)| match r {
        Err(_) => Some(Err(TableError::Unreadable)),
        // The line the record starts on (the csv reader skips blank lines: not its index).
        Ok(r) => {
            let line = r.position().and_then(|p| lines.line_at(p.byte())).unwrap_or(i + 1);
            Some(decoder.row(&r)).filter(|cells| cells.iter().any(|c| *c != Cell::Empty)).map(|cells| Ok((line, cells)))
        }
    });
    Ok(Sheet { headers, converted_from: decoder.legacy.map(Legacy::name), rows: Box::new(rows), len: None })
}

/// Where the lines read so far begin: the offset of each line's first byte that is not a line
/// end, with the line's number. The csv reader reports where it started reading a record, which
/// may be the end of the line before or blank lines it skipped; the record's line is that of
/// the first content byte from there. Lines are dropped once passed (the reader reads ahead of
/// the record it returns by one buffer).
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<VecDeque<(u64, usize)>>>);

impl Lines {
    /// The 1-based line of the first record starting at or after `offset` (asked in order).
    fn line_at(&self, offset: u64) -> Option<usize> {
        let mut starts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        while starts.front().is_some_and(|(o, _)| *o < offset) {
            starts.pop_front();
        }
        starts.front().map(|(_, line)| *line)
    }
}

/// A reader that notes where each line's content begins as it hands the bytes out.
struct Counted<R> {
    inner: R,
    read: u64,
    line: usize,
    at_line_start: bool,
    lines: Lines,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut starts = self.lines.0.lock().unwrap_or_else(|e| e.into_inner());
        for (i, b) in buf[..n].iter().enumerate() {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.at_line_start = true;
                }
                b'\r' => {}
                _ if self.at_line_start => {
                    starts.push_back((self.read + i as u64, self.line));
                    self.at_line_start = false;
                }
                _ => {}
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

fn text_of(c: &Cell) -> Option<&str> {
    match c {
        Cell::Text(s) => Some(s.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out its bytes a few at a time (as a pipe or a slow disk does).
    struct Trickle(Cursor<Vec<u8>>);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7);
            self.0.read(&mut buf[..n])
        }
    }

    #[test]
    fn a_large_list_streams_row_by_row_with_its_row_numbers() {
        let mut csv = String::from("Danh sách đảng viên\n\nHọ và tên;Ngày sinh\n");
        for i in 0..60_000 {
            csv.push_str(&format!("Nguyễn Văn Hùng {i};01/02/1990\n"));
            if i == 10 {
                csv.push_str(";\n");
            }
        }
        assert!(csv.len() as u64 > SAMPLE, "the list is larger than the sample");
        let sheet = stream_csv(Trickle(Cursor::new(csv.into_bytes()))).unwrap();
        assert_eq!(sheet.headers, ["Họ và tên", "Ngày sinh"]);
        let rows: Vec<_> = sheet.rows.map(Result::unwrap).collect();
        assert_eq!(rows.len(), 60_000, "the empty row is dropped");
        assert_eq!(rows[0], (4, vec![Cell::Text("Nguyễn Văn Hùng 0".into()), Cell::Text("01/02/1990".into())]));
        assert_eq!(rows[11].0, 16, "numbers count the dropped row");
        assert_eq!(rows[59_999].1[0].text(), "Nguyễn Văn Hùng 59999");
    }

    #[test]
    fn rows_are_numbered_by_their_line_whatever_the_line_ends() {
        for end in ["\n", "\r\n"] {
            let csv = ["Họ và tên,Ngày sinh", "An,1", "", "Bình,2", "Chi,3"].join(end) + end;
            let rows: Vec<usize> = stream_csv(Cursor::new(csv.into_bytes())).unwrap().rows.map(|r| r.unwrap().0).collect();
            assert_eq!(rows, [2, 4, 5], "line end {end:?}");
        }
    }

    /// A file whose reading fails, again and again, after a header and rows past the sample.
    struct Failing(Cursor<Vec<u8>>);

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("disk")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn a_read_error_ends_the_rows_with_one_error() {
        let mut csv = String::from("Ho ten,Ngay sinh\n");
        while (csv.len() as u64) < SAMPLE + 1000 {
            csv.push_str("An,1\n");
        }
        let good = csv.lines().count() - 1;
        let sheet = stream_csv(Failing(Cursor::new(csv.into_bytes()))).expect("the sample reads");
        let rows: Vec<RowResult> = sheet.rows.collect();
        assert_eq!(rows.len(), good + 1);
        assert_eq!(rows.last(), Some(&Err(TableError::Unreadable)));
    }

    #[test]
    fn windows_1258_and_bad_files() {
        let cp1258: &[u8] = b"Ho\xf2 va\xcc t\xean;Nga\xccy sinh\n\xd0\xe3\xf2ng Thi\xf2 A\xecnh;03/04/1991\n";
        let sheet = stream_csv(Cursor::new(cp1258.to_vec())).unwrap();
        assert_eq!(sheet.headers[0], "Họ và tên");
        assert_eq!(sheet.rows.map(Result::unwrap).next().unwrap().1[0].text(), "Đặng Thị Ánh");
        assert_eq!(stream_csv(Cursor::new(b" \n".to_vec())).err(), Some(TableError::Empty));
        assert_eq!(stream_csv(Cursor::new(b"one\n\n".to_vec())).err(), Some(TableError::NoHeader));
        assert_eq!(stream_csv(Cursor::new(b"a,b\0\n".to_vec())).err(), Some(TableError::NotSpreadsheet));
    }
}
