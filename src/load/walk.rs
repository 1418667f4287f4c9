//! Finds the content files of a site.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

/// The Markdown files under `content/`, sorted by path, relative to `root`.
///
/// Hidden files and folders, editor back-ups and swap files are skipped. Symbolic links are
/// not followed, so a link out of the site or a link loop cannot be walked into.
pub fn content_files(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let content = root.join("content");
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !content.is_dir() {
        return (files, problems);
    }
    let walker = WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in
        walker.filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or("")))
    {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if entry.file_type().is_file() && path.extension().is_some_and(|x| x == "md") {
                    files.push(path.strip_prefix(root).unwrap_or(path).to_path_buf());
                }
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
                    .unwrap_or_else(|| PathBuf::from("content"));
                problems.push(Diagnostic::warning(path, 0, 0, format!("skipped: {e}")));
            }
        }
    }
    (files, problems)
}

/// Names the walker and the file watcher pass over: hidden files, editor back-ups and swap files.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [".gallium.md.swp", "gallium.md~", "#gallium.md#", ".hidden"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("gallium.md"));
    }
}
