//! Reading articles from the command line's FILES_OR_DIRS: `.txt` files (one article each, the
//! id is the file name without extension) and Article JSON Lines (`.jsonl`, proto3 JSON).

use std::{
    fs,
    io::{self, BufRead, BufReader},
    path::{Path, PathBuf},
};

use crate::proto::Article;

/// A file or line that could not be read as an article.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}:{line}: not an Article JSON object: {source}")]
    Json { path: String, line: usize, source: serde_json::Error },
    #[error("{path}: not a .txt or .jsonl file")]
    Kind { path: String },
}

/// The article files named by `paths`: files as given, directories searched recursively for
/// `.txt` and `.jsonl` files (in name order).
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let io = |source| InputError::Io { path: dir.display().to_string(), source };
    let mut entries = fs::read_dir(dir).map_err(io)?.map(|e| e.map(|e| e.path())).collect::<Result<Vec<_>, _>>().map_err(io)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("txt" | "jsonl")) {
            out.push(path);
        }
    }
    Ok(())
}

/// Every article in `files`, in order. `.txt` articles get `published_at` when given.
pub fn articles(files: Vec<PathBuf>, published_at: Option<String>) -> impl Iterator<Item = Result<Article, InputError>> {
    files.into_iter().flat_map(move |path| -> Box<dyn Iterator<Item = Result<Article, InputError>>> {
        let display = path.display().to_string();
        let io = |source| InputError::Io { path: display.clone(), source };
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => match fs::File::open(&path) {
                Ok(file) => Box::new(BufReader::new(file).lines().enumerate().filter_map(move |(i, line)| {
                    let line = match line {
                        Ok(line) if line.trim().is_empty() => return None,
                        Ok(line) => line,
                        Err(source) => {
                            return Some(Err(InputError::Io { path: display.clone(), source }));
                        }
                    };
                    Some(serde_json::from_str::<Article>(&line).map_err(|source| InputError::Json {
                        path: display.clone(),
                        line: i + 1,
                        source,
                    }))
                })),
                Err(e) => Box::new(std::iter::once(Err(io(e)))),
            },
            Some("txt") => Box::new(std::iter::once(fs::read_to_string(&path).map_err(io).map(|text| Article {
                id: path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                text,
                published_at: published_at.clone().unwrap_or_default(),
                ..Default::default()
            }))),
            _ => Box::new(std::iter::once(Err(InputError::Kind { path: display }))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_txt_and_jsonl() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.txt"), "نص").unwrap();
        fs::write(dir.path().join("a.jsonl"), "{\"id\":\"x\",\"text\":\"t\",\"publishedAt\":\"2019-05-14\"}\n\nnot json\n").unwrap();
        fs::write(dir.path().join("c.md"), "ignored").unwrap();
        let found = files(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(found.len(), 2);
        let read: Vec<_> = articles(found, Some("2020-01-01".into())).collect();
        assert_eq!(read[0].as_ref().unwrap().published_at, "2019-05-14");
        assert!(matches!(read[1], Err(InputError::Json { line: 3, .. })));
        let txt = read[2].as_ref().unwrap();
        assert_eq!((txt.id.as_str(), txt.published_at.as_str()), ("b", "2020-01-01"));
    }
}
