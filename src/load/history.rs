//! "Last updated" dates from git: when the site lives in a git repository, a page without an
//! `updated:` field takes the date of the last commit that changed its file.
//!
//! Reading them walks the history: `git log --name-only` over `content/` compares the trees
//! of every commit, so its cost grows with the number of commits and the size of the content
//! folders (20,000 commits: 1.6 s over a 1,000-file portal, 14 s over a 12,000-file one; see
//! docs/benchmarks.md).
//! So the dates read are kept, with the commit they were read at, in the repository's git
//! folder (`.git/orebrief/`): the next build reads only the commits made since (usually none),
//! and walks the whole history again only when that commit is no longer in the history of
//! `HEAD` (after a rebase or a reset), in a shallow clone, or when the kept file is missing or
//! unreadable.
//!
//! It all runs on a thread of its own, started before the content is read; a missing `git`,
//! a site outside any repository or a file never committed simply yields no date.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crate::model::{Page, PartialDate};

/// The date of the last commit of each file, by path relative to the site root
/// (`content/minerals/gallium.md`).
pub type Dates = HashMap<PathBuf, PartialDate>;

/// Separates commits in the `git log` output (a byte that never starts a file name).
const COMMIT: char = '\u{1e}';

/// The first line of a kept dates file; another version's file is read as missing.
const CACHE_HEADER: &str = "orebrief git dates 1";

/// The date of the last commit of each file under `root/content`, by path relative to `root`
/// (`content/minerals/gallium.md`). Empty when git is missing or `root` is not in a repository.
pub fn last_commit_dates(root: &Path) -> Dates {
    GitLog::start(root).dates()
}

/// The dates being read in the background (see the module's documentation), so that git runs
/// while the content is read (starting git takes milliseconds, a good part of the build of a
/// small site).
pub struct GitLog {
    thread: Option<JoinHandle<Dates>>,
    cancelled: Arc<AtomicBool>,
}

impl GitLog {
    /// Starts reading the dates of the files under `root/content`.
    pub fn start(root: &Path) -> GitLog {
        let root = root.to_path_buf();
        let cancelled = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancelled);
        let thread = std::thread::Builder::new()
            .name("git dates".into())
            .spawn(move || read_dates(&root, &flag));
        GitLog {
            thread: thread.ok(),
            cancelled,
        }
    }

    /// Waits for the dates. Empty when git is missing or failed (not a repository).
    pub fn dates(self) -> Dates {
        self.thread
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default()
    }

    /// Gives the dates up unread: no further git command is started, nothing is kept, and
    /// the thread is not waited for.
    pub fn cancel(self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// The repository a site is in, as `git rev-parse` finds it.
#[derive(Debug, PartialEq, Eq)]
struct Repo {
    /// The git folder (`.git`, or a worktree's folder inside it), absolute.
    git_dir: PathBuf,
    /// The site root's path inside the working tree, `/`-terminated (empty at its top).
    prefix: String,
    /// The commit checked out.
    head: String,
    /// Whether the clone is shallow: its oldest commits stand for the history cut off.
    shallow: bool,
}

impl Repo {
    /// Asks git about the repository holding `root`; `None` outside one, in a repository
    /// without commits, or without git.
    fn find(root: &Path) -> Option<Repo> {
        let out = git(root)
            .args([
                "rev-parse",
                "--absolute-git-dir",
                "--is-shallow-repository",
                "--show-prefix",
                "HEAD",
            ])
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        parse_rev_parse(&String::from_utf8_lossy(&out.stdout))
    }
}

/// Reads `git rev-parse --absolute-git-dir --is-shallow-repository --show-prefix HEAD`.
fn parse_rev_parse(text: &str) -> Option<Repo> {
    let mut lines = text.lines();
    let git_dir = PathBuf::from(lines.next()?);
    let shallow = lines.next()? == "true";
    let prefix = lines.next()?.to_string();
    let head = lines.next()?.trim().to_string();
    let is_commit = matches!(head.len(), 40 | 64) && head.bytes().all(|b| b.is_ascii_hexdigit());
    (git_dir.is_absolute() && is_commit).then_some(Repo {
        git_dir,
        prefix,
        head,
        shallow,
    })
}

/// `git -C root`, its output unquoted and unsigned whatever the user's configuration says.
fn git(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(root)
        .args(["-c", "core.quotepath=off", "-c", "log.showSignature=false"])
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Reads the dates: from the kept file when it was written at `HEAD`, from it and the commits
/// made since when its commit is an ancestor of `HEAD`, else from the whole history; then keeps
/// them for the next build.
fn read_dates(root: &Path, cancelled: &AtomicBool) -> Dates {
    let go_on = || !cancelled.load(Ordering::Relaxed);
    let Some(repo) = Repo::find(root).filter(|_| go_on()) else {
        return Dates::new();
    };
    let cache = (!repo.shallow).then(|| cache_file(&repo));
    let kept = cache
        .as_deref()
        .and_then(|file| read_cache(file, &repo.prefix));
    let dates = match kept {
        Some((commit, dates)) if commit == repo.head => return dates,
        _ if !go_on() => return Dates::new(),
        Some((commit, mut dates)) if is_ancestor(root, &commit, &repo.head) => {
            match log(root, &format!("{commit}..{}", repo.head)) {
                Some(newer) => {
                    merge_newest(&mut dates, newer);
                    dates
                }
                None => return Dates::new(),
            }
        }
        _ => match log(root, &repo.head) {
            Some(dates) => dates,
            None => return Dates::new(),
        },
    };
    if let Some(file) = cache.filter(|_| go_on()) {
        // Best effort: a build in a read-only checkout still has its dates.
        let _ = write_cache(&file, &repo.prefix, &repo.head, &dates);
    }
    dates
}

/// Whether `commit` is in the history of `head`.
fn is_ancestor(root: &Path, commit: &str, head: &str) -> bool {
    git(root)
        .args(["merge-base", "--is-ancestor", commit, head])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `git log` over `content/` for `revisions` (a commit, or a range `a..b`) and reads it.
///
/// `--full-history` lists every commit that changed a file, including those of a merged
/// branch that git's default simplification would leave out: the commits of `a..b` and those
/// of `a`'s history are then exactly those of `b`'s, so dates kept at `a` plus the range's
/// are the dates a whole walk at `b` would read.
fn log(root: &Path, revisions: &str) -> Option<Dates> {
    let out = git(root)
        .args([
            "log",
            "--full-history",
            "--relative",
            "--no-renames",
            "--date=short",
            "--format=%x1e%cd",
            "--name-only",
            revisions,
            "--",
            "content",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(parse_log(&String::from_utf8_lossy(&out.stdout)))
}

/// Parses `git log --format=%x1e%cd --date=short --name-only`: for each file, the newest date
/// of the commits that changed it (the first met, unless clocks disagreed).
pub fn parse_log(log: &str) -> Dates {
    let mut dates = Dates::new();
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
            keep_newest(&mut dates, PathBuf::from(name), date);
        }
    }
    dates
}

fn keep_newest(dates: &mut Dates, file: PathBuf, date: PartialDate) {
    dates
        .entry(file)
        .and_modify(|d| *d = (*d).max(date))
        .or_insert(date);
}

/// Adds the dates of newer commits to those of the history before them.
fn merge_newest(dates: &mut Dates, newer: Dates) {
    for (file, date) in newer {
        keep_newest(dates, file, date);
    }
}

/// Where the dates of the site at `repo.prefix` are kept: one file per site in the
/// repository, named by a hash of its path (which the file repeats, to be sure).
fn cache_file(repo: &Repo) -> PathBuf {
    use std::hash::Hasher;
    let mut hash = rustc_hash::FxHasher::default();
    hash.write(repo.prefix.as_bytes());
    repo.git_dir
        .join("orebrief")
        .join(format!("dates-{:016x}", hash.finish()))
}

/// Reads a kept dates file: the commit it was written at, and the dates. `None` when it is
/// missing, of another version, of another site, or damaged in any way.
fn read_cache(file: &Path, prefix: &str) -> Option<(String, Dates)> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.lines();
    if lines.next()? != CACHE_HEADER || lines.next()?.strip_prefix("site ")? != prefix {
        return None;
    }
    let commit = lines.next()?.strip_prefix("commit ")?.to_string();
    let mut dates = Dates::new();
    let mut complete = false;
    for line in lines {
        if line == "end" {
            complete = true;
            break;
        }
        let (date, file) = line.split_once(' ')?;
        dates.insert(PathBuf::from(file), PartialDate::parse(date).ok()?);
    }
    complete.then_some((commit, dates))
}

/// Keeps `dates`, read at `commit`, for the next build: written beside and renamed into place,
/// so that a build running at the same time reads the old file or the new one, whole.
fn write_cache(file: &Path, prefix: &str, commit: &str, dates: &Dates) -> std::io::Result<()> {
    use std::fmt::Write as _;
    let mut text = format!("{CACHE_HEADER}\nsite {prefix}\ncommit {commit}\n");
    let mut sorted: Vec<(&PathBuf, &PartialDate)> = dates.iter().collect();
    sorted.sort();
    for (path, date) in sorted {
        // Paths git printed, so UTF-8 (lossily) and without line breaks.
        let _ = writeln!(text, "{date} {}", path.display());
    }
    text.push_str("end\n");
    let dir = file.parent().expect("a file in a folder");
    std::fs::create_dir_all(dir)?;
    // Named for this process and this write, should two run at once.
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let temporary = dir.join(format!(
        ".{}.{}.{}",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("dates"),
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Fills `updated` from `log` for every page that does not set it (when every page sets it,
/// the log is cancelled).
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

    fn date(text: &str) -> PartialDate {
        PartialDate::parse(text).unwrap()
    }

    #[test]
    fn the_newest_commit_of_a_file_wins() {
        let log =
            "\u{1e}2025-03-04\n\ncontent/a.md\n\n\u{1e}2024-01-02\n\ncontent/a.md\ncontent/b.md\n";
        let dates = parse_log(log);
        assert_eq!(dates[Path::new("content/a.md")].to_string(), "2025-03-04");
        assert_eq!(dates[Path::new("content/b.md")].to_string(), "2024-01-02");
        assert_eq!(dates.len(), 2);
        // Listed out of order (a commit made on a clock set back): still the newest date.
        let skewed = "\u{1e}2024-01-02\n\ncontent/a.md\n\u{1e}2025-03-04\n\ncontent/a.md\n";
        assert_eq!(
            parse_log(skewed)[Path::new("content/a.md")],
            date("2025-03-04")
        );
    }

    #[test]
    fn newer_commits_add_to_the_kept_dates() {
        let mut kept = parse_log("\u{1e}2024-01-02\ncontent/a.md\ncontent/b.md\n");
        merge_newest(
            &mut kept,
            parse_log("\u{1e}2025-06-01\ncontent/b.md\ncontent/c.md\n"),
        );
        assert_eq!(kept[Path::new("content/a.md")], date("2024-01-02"));
        assert_eq!(kept[Path::new("content/b.md")], date("2025-06-01"));
        assert_eq!(kept[Path::new("content/c.md")], date("2025-06-01"));
    }

    #[test]
    fn rev_parse_output_is_read() {
        let head = "5f15a3ffdedcd03fee1da55c1482f3f64059ced5";
        let repo = parse_rev_parse(&format!("/work/r/.git\nfalse\nsite/\n{head}\n")).unwrap();
        assert_eq!(
            repo,
            Repo {
                git_dir: PathBuf::from("/work/r/.git"),
                prefix: "site/".into(),
                head: head.into(),
                shallow: false,
            }
        );
        let top = parse_rev_parse(&format!("/work/r/.git\ntrue\n\n{head}\n")).unwrap();
        assert!(top.shallow && top.prefix.is_empty());
        // No commit yet: git prints `HEAD` back.
        assert_eq!(parse_rev_parse("/work/r/.git\nfalse\n\nHEAD\n"), None);
        assert_eq!(parse_rev_parse("/work/r/.git\nfalse\n"), None);
    }

    #[test]
    fn kept_dates_read_back_as_written_and_only_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("orebrief").join("dates-1");
        let dates = parse_log("\u{1e}2025-03-04\ncontent/a b.md\n\u{1e}2024-01-02\ncontent/c.md\n");
        write_cache(&file, "site/", "abc123", &dates).unwrap();
        assert_eq!(
            read_cache(&file, "site/"),
            Some(("abc123".to_string(), dates.clone()))
        );
        // Another site's file, or none, is not read.
        assert_eq!(read_cache(&file, ""), None);
        assert_eq!(read_cache(&dir.path().join("none"), "site/"), None);
        // Nothing left beside it.
        assert_eq!(
            std::fs::read_dir(file.parent().unwrap()).unwrap().count(),
            1
        );
        // A file cut short, or with a line damaged, is not read.
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.trim_end().strip_suffix("end").unwrap()).unwrap();
        assert_eq!(read_cache(&file, "site/"), None);
        std::fs::write(&file, text.replace("2024-01-02", "2024-13-02")).unwrap();
        assert_eq!(read_cache(&file, "site/"), None);
        std::fs::write(&file, text.replace(CACHE_HEADER, "orebrief git dates 0")).unwrap();
        assert_eq!(read_cache(&file, "site/"), None);
    }
}
