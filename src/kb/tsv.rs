//! Reader for the knowledge base's one file format: tab-separated rows under a header,
//! `#` comments, `|` between variants. Errors name the file and the line.

use std::fmt;

/// A load error, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for KbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for KbError {}

/// One data row: its cells and where it came from.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub file: &'a str,
    pub line: usize,
    pub cells: Vec<&'a str>,
}

impl<'a> Row<'a> {
    pub fn get(&self, i: usize) -> &'a str {
        self.cells.get(i).map_or("", |c| c.trim())
    }

    /// The `|`-separated variants of a cell, without empties.
    pub fn variants(&self, i: usize) -> impl Iterator<Item = &'a str> {
        self.get(i).split('|').map(str::trim).filter(|v| !v.is_empty())
    }

    pub fn error(&self, message: impl Into<String>) -> KbError {
        KbError { file: self.file.to_string(), line: self.line, message: message.into() }
    }

    /// A required, non-empty cell.
    pub fn required(&self, i: usize, name: &str) -> Result<&'a str, KbError> {
        let v = self.get(i);
        if v.is_empty() { Err(self.error(format!("column `{name}` is empty"))) } else { Ok(v) }
    }

    /// A `YYYY-MM-DD` cell, or `None` when empty.
    pub fn date(&self, i: usize, name: &str) -> Result<Option<chrono::NaiveDate>, KbError> {
        let v = self.get(i);
        if v.is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| self.error(format!("column `{name}`: {v:?} is not a YYYY-MM-DD date")))
    }
}

/// Parses a file, checking that its header is exactly `columns`.
pub fn parse<'a>(file: &'a str, text: &'a str, columns: &[&str]) -> Result<Vec<Row<'a>>, KbError> {
    let mut rows = Vec::new();
    let mut header_seen = false;
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let row = Row { file, line: line_no, cells };
        if !header_seen {
            let header: Vec<&str> = row.cells.iter().map(|c| c.trim()).collect();
            if header != columns {
                return Err(row.error(format!("header must be `{}`, found `{}`", columns.join("\\t"), header.join("\\t"))));
            }
            header_seen = true;
            continue;
        }
        if row.cells.len() > columns.len() {
            return Err(row.error(format!("{} columns, the header has {}", row.cells.len(), columns.len())));
        }
        rows.push(row);
    }
    if !header_seen {
        return Err(KbError { file: file.to_string(), line: 0, message: "no header line".into() });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_variants_and_comments() {
        let text = "# people\ncode\tnames\n\nRUS\tروسيا| روسيه |\n";
        let rows = parse("states.tsv", text, &["code", "names"]).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].variants(1).collect::<Vec<_>>(), ["روسيا", "روسيه"]);
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = parse("x.tsv", "a\tb\n1\t2\t3\n", &["a", "b"]).unwrap_err();
        assert_eq!(err.to_string(), "x.tsv:2: 3 columns, the header has 2");
        let err = parse("x.tsv", "a\tc\n", &["a", "b"]).unwrap_err();
        assert!(err.to_string().starts_with("x.tsv:1: header must be"));
        let row = parse("o.tsv", "d\n2019-13-01\n", &["d"]).unwrap().remove(0);
        assert_eq!(row.date(0, "d").unwrap_err().to_string(), "o.tsv:2: column `d`: \"2019-13-01\" is not a YYYY-MM-DD date");
    }
}
