//! Reading the files of a content folder (curriculum, question banks) and reporting
//! every problem found in them as `file:line: message`, so an editor can fix them all
//! in one pass.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// Relative to the content folder.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Reads files under one folder and collects the problems found in them.
pub struct ContentReader {
    root: PathBuf,
    errors: Vec<FileError>,
}

impl ContentReader {
    pub fn new(root: &Path) -> Self {
        ContentReader {
            root: root.to_path_buf(),
            errors: Vec::new(),
        }
    }

    /// Records a problem in `path`, at `line` when known.
    pub fn error(&mut self, path: &Path, line: Option<usize>, message: impl Into<String>) {
        let file = path
            .strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string();
        self.errors.push(FileError {
            file,
            line,
            message: message.into(),
        });
    }

    /// The file's text; a file that cannot be read is a problem of its own.
    pub fn read(&mut self, path: &Path) -> Option<String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => {
                self.error(path, None, format!("cannot read: {e}"));
                None
            }
        }
    }

    /// Parses TOML, reporting an error at its line; `first_line` is the line of the
    /// file where `text` starts (a part of it: front matter, one question).
    pub fn toml<T: serde::de::DeserializeOwned>(
        &mut self,
        path: &Path,
        text: &str,
        first_line: usize,
    ) -> Option<T> {
        match toml::from_str(text) {
            Ok(value) => Some(value),
            Err(e) => {
                let line = e
                    .span()
                    .map(|span| first_line + line_at(text, span.start) - 1);
                self.error(path, line, e.message().to_owned());
                None
            }
        }
    }

    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_errors(self) -> Vec<FileError> {
        self.errors
    }
}

/// The 1-based line of byte offset `at` in `text`.
pub fn line_at(text: &str, at: usize) -> usize {
    text.get(..at.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// The line of the first occurrence of `needle` in `text`, for pointing at a value
/// that parsed but is wrong.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|at| line_at(text, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toml_error_is_reported_at_its_line_in_the_whole_file() {
        let root = Path::new("/content");
        let mut reader = ContentReader::new(root);
        let file = "a = 1\nb = 2\n[part]\nc = = 3\n";
        let part_start = file.find("[part]").expect("part");
        let parsed: Option<toml::Table> = reader.toml(
            &root.join("courses/x/bank.toml"),
            &file[part_start..],
            line_at(file, part_start),
        );
        assert!(parsed.is_none());
        let errors = reader.into_errors();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].file, "courses/x/bank.toml");
        assert_eq!(errors[0].line, Some(4));
        assert!(errors[0].to_string().starts_with("courses/x/bank.toml:4: "));
        assert_eq!(line_of(file, "b ="), Some(2));
        assert_eq!(line_at(file, 0), 1);
    }
}
