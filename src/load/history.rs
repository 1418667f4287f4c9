//! "Last updated" dates from git: when the site lives in a git repository, a page without an
//! `updated:` field takes the date of the last commit that changed its file.
//!
//! One `git log` runs per build, over the whole `content/` folder; a missing `git`, a site
//! outside any repository or a file never committed simply yields no date.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::model::{Page, PartialDate};

/// Separates commits in the `git log` output (a byte that never starts a file name).
const COMMIT: char = '\u{1e}';

/// The date of the last commit of each file under `root/content`, by path relative to `root`
/// (`content/minerals/gallium.md`). Empty when git is missing or `root` is not in a repository.
pub fn last_commit_dates(root: &Path) -> HashMap<PathBuf, PartialDate> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--relative",
            "--no-renames",
            "--date=short",
            "--format=%x1e%cd",
            "--name-only",
            "--",
            "content",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(out) if out.status.success() => parse_log(&String::from_utf8_lossy(&out.stdout)),
        _ => HashMap::new(),
    }
}

/// Parses `git log --format=%x1e%cd --date=short --name-only`: newest commit first, so the
/// first date met for a file is its last change.
pub fn parse_log(log: &str) -> HashMap<PathBuf, PartialDate> {
    let mut dates = HashMap::new();
    let mut current: Option<PartialDate> = None;
    for line in log.lines() {
        if let Some(date) = line.strip_prefix(COMMIT) {
            current = PartialDate::parse(date.trim()).ok();
            continue;
        }
        let name = line.trim_end();
        if name.is_empty() {
            continue;
        }
        if let Some(date) = current {
            dates.entry(PathBuf::from(name)).or_insert(date);
        }
    }
    dates
}

/// Fills `updated` from git for every page that does not set it.
pub fn fill_updated(root: &Path, pages: &mut [Page]) {
    if pages.iter().all(|p| p.meta.updated.is_some()) {
        return;
    }
    let dates = last_commit_dates(root);
    if dates.is_empty() {
        return;
    }
    for page in pages {
        if page.meta.updated.is_none() {
            if let Some(date) = dates.get(&page.file) {
                page.meta.updated = Some(*date);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_a_file_wins() {
        let log =
            "\u{1e}2025-03-04\n\ncontent/a.md\n\n\u{1e}2024-01-02\n\ncontent/a.md\ncontent/b.md\n";
        let dates = parse_log(log);
        assert_eq!(dates[Path::new("content/a.md")].to_string(), "2025-03-04");
        assert_eq!(dates[Path::new("content/b.md")].to_string(), "2024-01-02");
        assert_eq!(dates.len(), 2);
    }
}
