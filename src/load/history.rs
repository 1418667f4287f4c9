//! "Last updated" dates from git: when the site lives in a git repository, a page without an
//! `updated:` field takes the date of the last commit that changed its file.
//!
//! One `git log` runs per build, over the whole `content/` folder, started before the content
//! is read; a missing `git`, a site outside any repository or a file never committed simply
//! yields no date.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::model::{Page, PartialDate};

/// Separates commits in the `git log` output (a byte that never starts a file name).
const COMMIT: char = '\u{1e}';

/// The date of the last commit of each file under `root/content`, by path relative to `root`
/// (`content/minerals/gallium.md`). Empty when git is missing or `root` is not in a repository.
pub fn last_commit_dates(root: &Path) -> HashMap<PathBuf, PartialDate> {
    GitLog::start(root).dates()
}

/// A `git log` over `content/` started in the background, so that it runs while the content
/// is read (starting git and walking the history takes milliseconds, a good part of the
/// build of a small site).
pub struct GitLog(Option<Child>);

impl GitLog {
    /// Starts `git log` in `root`; a missing `git` is noticed by [`GitLog::dates`].
    pub fn start(root: &Path) -> GitLog {
        let child = Command::new("git")
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
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        GitLog(child.ok())
    }

    /// Waits for the log and reads it: the date of the last commit of each file. Empty when
    /// git is missing or failed (not a repository).
    pub fn dates(self) -> HashMap<PathBuf, PartialDate> {
        match self.0.map(Child::wait_with_output) {
            Some(Ok(out)) if out.status.success() => {
                parse_log(&String::from_utf8_lossy(&out.stdout))
            }
            _ => HashMap::new(),
        }
    }

    /// Stops the log unread.
    pub fn cancel(self) {
        if let Some(mut child) = self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
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

/// Fills `updated` from `log` for every page that does not set it.
pub fn fill_updated(log: GitLog, pages: &mut [Page]) {
    if pages.iter().all(|p| p.meta.updated.is_some()) {
        log.cancel();
        return;
    }
    let dates = log.dates();
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
