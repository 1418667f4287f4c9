//! "Last updated" dates from git: when the site lives in a git repository, a page without an
//! `updated:` field takes the date of the newest commit that changed its file, on any branch
//! merged into the history (`git log --full-history`: a commit whose change a merge later
//! dropped still counts, as with Hugo's git dates, which read every commit).
//!
//! Reading them walks the history: `git log --name-only` over `content/` compares the trees
//! of every commit, so its cost grows with the number of commits and the size of the content
//! folders (20,000 commits: 1.6 s over a 1,000-file portal, 14 s over a 12,000-file one; see
//! docs/benchmarks.md).
//! So the dates read are kept, with the commit they were read at, in the repository's git
//! folder (`<git dir>/orebrief/`): the next build reads only the commits made since (usually none),
//! and walks the whole history again only when that commit is no longer in the history of
//! `HEAD` (after a rebase or a reset), in a shallow clone, or when the kept file is missing or
//! unreadable.
//!
//! It all runs on a thread of its own, started before the content is read; a missing `git`,
//! a site outside any repository or a file never committed simply yields no date. Replaced
//! objects (`git replace`) are not followed, so that a whole walk and a kept file agree.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use crate::model::{Page, PartialDate};

/// The date of the last commit of each file, by path relative to the site root
/// (`content/minerals/gallium.md`).
pub type Dates = HashMap<PathBuf, PartialDate>;

/// Starts each commit in the `git log` output (a byte that never starts a file name: every
/// name starts with `content/`).
const COMMIT: u8 = 0x1e;

/// The first line of a kept dates file; another version's file is read as missing.
const CACHE_HEADER: &str = "orebrief git dates 2";

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
    git: Arc<Git>,
}

impl GitLog {
    /// Starts reading the dates of the files under `root/content`.
    pub fn start(root: &Path) -> GitLog {
        let git = Arc::new(Git {
            root: root.to_path_buf(),
            cancelled: AtomicBool::new(false),
            running: Mutex::new(None),
        });
        let reader = Arc::clone(&git);
        let thread = std::thread::Builder::new()
            .name("git dates".into())
            .spawn(move || read_dates(&reader));
        GitLog {
            thread: thread.ok(),
            git,
        }
    }

    /// Waits for the dates. Empty when git is missing or failed (not a repository).
    pub fn dates(self) -> Dates {
        self.thread
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default()
    }

    /// Gives the dates up unread: the git command running is killed, no other is started,
    /// nothing is kept, and the thread is not waited for.
    pub fn cancel(self) {
        self.git.cancel();
    }
}

/// Runs the git commands of one reading, one at a time, so that [`GitLog::cancel`] can kill
/// the one running.
struct Git {
    root: PathBuf,
    cancelled: AtomicBool,
    running: Mutex<Option<Child>>,
}

impl Git {
    /// `git -C root` with `args`, its output unquoted and unsigned and replaced objects not
    /// followed, whatever the user's configuration says: its standard output when it
    /// succeeds, `None` when it fails or the reading was cancelled.
    fn run(&self, args: &[&str]) -> Option<Vec<u8>> {
        if self.is_cancelled() {
            return None;
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args([
                "--no-replace-objects",
                "-c",
                "core.quotepath=off",
                "-c",
                "log.showSignature=false",
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let stdout = child.stdout.take();
        *self.slot() = Some(child);
        // A cancel that came before the child was in its slot could not kill it.
        if self.is_cancelled() {
            self.kill();
        }
        let mut out = Vec::new();
        let read = stdout.map(|mut s| s.read_to_end(&mut out));
        let status = self.slot().take()?.wait().ok()?;
        let read = read.is_some_and(|r| r.is_ok());
        (read && status.success() && !self.is_cancelled()).then_some(out)
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Child>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        self.kill();
    }

    fn kill(&self) {
        if let Some(child) = self.slot().as_mut() {
            let _ = child.kill();
        }
    }
}

/// The repository a site is in, as `git rev-parse` finds it.
#[derive(Debug, PartialEq, Eq)]
struct Repo {
    /// The git folder (`.git`, or a worktree's or submodule's folder inside it), absolute;
    /// `None` when its path or the site's is not UTF-8 (then nothing is kept).
    git_dir: Option<PathBuf>,
    /// The site root's path inside the working tree, `/`-terminated (empty at its top).
    prefix: String,
    /// The commit checked out.
    head: String,
    /// Whether the clone is shallow: its oldest commits stand for the history cut off.
    shallow: bool,
}

/// What `git rev-parse` said of the site's folder.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// A repository with commits.
    Repo(Repo),
    /// No repository, no commit yet, or no git: no dates.
    Nothing,
    /// An answer this code cannot read (a git older than 2.15 echoes the options it does not
    /// know): the whole history is read, and nothing kept.
    Unknown,
}

/// Asks git about the repository holding the site.
fn find(git: &Git) -> Found {
    let asked = git.run(&[
        "rev-parse",
        "--absolute-git-dir",
        "--is-shallow-repository",
        "--show-prefix",
        "HEAD",
    ]);
    match asked {
        Some(out) => parse_rev_parse(&out).map_or(Found::Unknown, Found::Repo),
        None => Found::Nothing,
    }
}

/// Reads `git rev-parse --absolute-git-dir --is-shallow-repository --show-prefix HEAD`.
fn parse_rev_parse(out: &[u8]) -> Option<Repo> {
    let mut lines = out.split(|&b| b == b'\n');
    let git_dir = lines.next()?;
    let shallow = match lines.next()? {
        b"true" => true,
        b"false" => false,
        _ => return None,
    };
    let prefix = lines.next()?;
    let head = std::str::from_utf8(lines.next()?).ok()?.trim();
    if !is_commit(head) {
        return None;
    }
    let text = |bytes| std::str::from_utf8(bytes).ok();
    let (git_dir, prefix) = match (text(git_dir), text(prefix)) {
        (Some(dir), _) if !Path::new(dir).is_absolute() => return None,
        (Some(dir), Some(prefix)) => (Some(PathBuf::from(dir)), prefix.to_string()),
        _ => (None, String::new()),
    };
    Some(Repo {
        git_dir,
        prefix,
        head: head.to_string(),
        shallow,
    })
}

/// Whether `text` is a full commit id (SHA-1 or SHA-256), as git prints them.
fn is_commit(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads the dates: from the kept file when it was written at `HEAD`, from it and the commits
/// made since when its commit is an ancestor of `HEAD`, else from the whole history; then keeps
/// them for the next build.
fn read_dates(git: &Git) -> Dates {
    let repo = match find(git) {
        Found::Repo(repo) => repo,
        Found::Nothing => return Dates::new(),
        Found::Unknown => return log(git, "HEAD").unwrap_or_default(),
    };
    let cache = match &repo.git_dir {
        Some(dir) if !repo.shallow => Some(cache_file(dir, &repo.prefix)),
        _ => None,
    };
    let kept = cache
        .as_deref()
        .and_then(|file| read_cache(file, &repo.prefix));
    let dates = match kept {
        Some((commit, dates)) if commit == repo.head => return dates,
        Some((commit, mut dates)) if is_ancestor(git, &commit, &repo.head) => {
            match log(git, &format!("{commit}..{}", repo.head)) {
                Some(newer) => {
                    merge_newest(&mut dates, newer);
                    dates
                }
                None => return Dates::new(),
            }
        }
        _ => match log(git, &repo.head) {
            Some(dates) => dates,
            None => return Dates::new(),
        },
    };
    if let Some(file) = cache.filter(|_| !git.is_cancelled()) {
        // Best effort: a build in a read-only checkout still has its dates.
        let _ = write_cache(&file, &repo.prefix, &repo.head, &dates);
    }
    dates
}

/// Whether `commit` is in the history of `head`.
fn is_ancestor(git: &Git, commit: &str, head: &str) -> bool {
    git.run(&["merge-base", "--is-ancestor", commit, head])
        .is_some()
}

/// Runs `git log` over `content/` for `revisions` (a commit, or a range `a..b`) and reads it.
///
/// `--full-history` lists every commit that changed a file, including those of a merged
/// branch that git's default simplification would leave out: the commits of `a..b` and those
/// of `a`'s history are then exactly those of `b`'s, so dates kept at `a` plus the range's
/// are the dates a whole walk at `b` would read.
fn log(git: &Git, revisions: &str) -> Option<Dates> {
    let out = git.run(&[
        "log",
        "-z",
        "--full-history",
        "--relative",
        "--no-renames",
        "--date=short",
        "--format=%x1e%cd",
        "--name-only",
        revisions,
        "--",
        "content",
    ])?;
    Some(parse_log(&out))
}

/// Parses `git log -z --format=%x1e%cd --date=short --name-only`: for each file, the newest
/// date of the commits that changed it (the first met, unless clocks disagreed).
///
/// With `-z` every file name comes as git stores it, each ended by a NUL byte: a name with a
/// quote, a backslash, a tab or a line break, or not UTF-8, is not quoted and escaped as
/// without it. Each commit is its date, ended by a NUL, then a line break before its first
/// name.
pub fn parse_log(log: &[u8]) -> Dates {
    let mut dates = Dates::new();
    let mut current: Option<PartialDate> = None;
    for field in log.split(|&b| b == 0) {
        if let Some(date) = field.strip_prefix(&[COMMIT]) {
            current = std::str::from_utf8(date)
                .ok()
                .and_then(|d| PartialDate::parse(d.trim()).ok());
            continue;
        }
        let name = field.strip_prefix(b"\n").unwrap_or(field);
        if name.is_empty() {
            continue;
        }
        if let Some(date) = current {
            keep_newest(&mut dates, path_from_bytes(name), date);
        }
    }
    dates
}

/// A path from the bytes git printed: on Unix any bytes, elsewhere UTF-8 (as git writes
/// names there).
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// The bytes of `path`, as [`path_from_bytes`] reads them back.
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        match path.to_string_lossy() {
            std::borrow::Cow::Borrowed(text) => std::borrow::Cow::Borrowed(text.as_bytes()),
            std::borrow::Cow::Owned(text) => std::borrow::Cow::Owned(text.into_bytes()),
        }
    }
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
fn cache_file(git_dir: &Path, prefix: &str) -> PathBuf {
    use std::hash::Hasher;
    let mut hash = rustc_hash::FxHasher::default();
    hash.write(prefix.as_bytes());
    git_dir
        .join("orebrief")
        .join(format!("dates-{:016x}", hash.finish()))
}

/// Reads a kept dates file: the commit it was written at, and the dates. `None` when it is
/// missing, of another version, of another site, or damaged in any way.
///
/// The file is three lines (the version, `site <prefix>`, `commit <id>`), then one record per
/// file, `<date> <path>` ended by a NUL byte (a path may hold any other byte, a line break
/// too), then `end` and a line break.
fn read_cache(file: &Path, prefix: &str) -> Option<(String, Dates)> {
    let bytes = std::fs::read(file).ok()?;
    let mut rest = bytes.as_slice();
    let mut line = || -> Option<&str> {
        let at = memchr::memchr(b'\n', rest)?;
        let text = std::str::from_utf8(&rest[..at]).ok()?;
        rest = &rest[at + 1..];
        Some(text)
    };
    if line()? != CACHE_HEADER || line()?.strip_prefix("site ")? != prefix {
        return None;
    }
    let commit = line()?
        .strip_prefix("commit ")
        .filter(|c| is_commit(c))?
        .to_string();
    let mut dates = Dates::new();
    loop {
        if rest == b"end\n" {
            return Some((commit, dates));
        }
        let at = memchr::memchr(0, rest)?;
        let (date, path) = rest[..at].split_at(memchr::memchr(b' ', &rest[..at])?);
        let date = PartialDate::parse(std::str::from_utf8(date).ok()?).ok()?;
        dates.insert(path_from_bytes(&path[1..]), date);
        rest = &rest[at + 1..];
    }
}

/// Keeps `dates`, read at `commit`, for the next build: written beside and renamed into place,
/// so that a build running at the same time reads the old file or the new one, whole.
fn write_cache(file: &Path, prefix: &str, commit: &str, dates: &Dates) -> std::io::Result<()> {
    let mut bytes = format!("{CACHE_HEADER}\nsite {prefix}\ncommit {commit}\n").into_bytes();
    let mut sorted: Vec<(&PathBuf, &PartialDate)> = dates.iter().collect();
    sorted.sort();
    for (path, date) in sorted {
        bytes.extend_from_slice(date.to_string().as_bytes());
        bytes.push(b' ');
        bytes.extend_from_slice(&path_bytes(path));
        bytes.push(0);
    }
    bytes.extend_from_slice(b"end\n");
    let dir = file.parent().expect("a file in a folder");
    // Only `orebrief/` itself: the git folder is there, or nothing is written.
    if let Err(e) = std::fs::create_dir(dir) {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            return Err(e);
        }
    }
    // Named for this process and this write, should two run at once.
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let temporary = dir.join(format!(
        ".{}.{}.{}",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("dates"),
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&temporary, bytes)?;
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

    /// What `git log -z --format=%x1e%cd --name-only` prints for `commits` (date, names).
    fn z(commits: &[(&str, &[&str])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (date, names) in commits {
            out.extend_from_slice(format!("\u{1e}{date}\0").as_bytes());
            if !names.is_empty() {
                out.push(b'\n');
            }
            for name in *names {
                out.extend_from_slice(name.as_bytes());
                out.push(0);
            }
        }
        out
    }

    #[test]
    fn the_newest_commit_of_a_file_wins() {
        let log = z(&[
            // A merge lists no names.
            ("2025-05-06", &[]),
            ("2025-03-04", &["content/a.md"]),
            ("2024-01-02", &["content/a.md", "content/b.md"]),
        ]);
        let dates = parse_log(&log);
        assert_eq!(dates[Path::new("content/a.md")].to_string(), "2025-03-04");
        assert_eq!(dates[Path::new("content/b.md")].to_string(), "2024-01-02");
        assert_eq!(dates.len(), 2);
        // Listed out of order (a commit made on a clock set back): still the newest date.
        let skewed = z(&[
            ("2024-01-02", &["content/a.md"]),
            ("2025-03-04", &["content/a.md"]),
        ]);
        assert_eq!(
            parse_log(&skewed)[Path::new("content/a.md")],
            date("2025-03-04")
        );
    }

    #[test]
    fn newer_commits_add_to_the_kept_dates() {
        let mut kept = parse_log(&z(&[("2024-01-02", &["content/a.md", "content/b.md"])]));
        merge_newest(
            &mut kept,
            parse_log(&z(&[("2025-06-01", &["content/b.md", "content/c.md"])])),
        );
        assert_eq!(kept[Path::new("content/a.md")], date("2024-01-02"));
        assert_eq!(kept[Path::new("content/b.md")], date("2025-06-01"));
        assert_eq!(kept[Path::new("content/c.md")], date("2025-06-01"));
    }

    #[test]
    fn rev_parse_output_is_read() {
        let head = "5f15a3ffdedcd03fee1da55c1482f3f64059ced5";
        let parse = |text: String| parse_rev_parse(text.as_bytes());
        let repo = parse(format!("/work/r/.git\nfalse\nsite/\n{head}\n")).unwrap();
        assert_eq!(
            repo,
            Repo {
                git_dir: Some(PathBuf::from("/work/r/.git")),
                prefix: "site/".into(),
                head: head.into(),
                shallow: false,
            }
        );
        let top = parse(format!("/work/r/.git\ntrue\n\n{head}\n")).unwrap();
        assert!(top.shallow && top.prefix.is_empty());
        // No commit yet: git prints `HEAD` back.
        assert_eq!(parse("/work/r/.git\nfalse\n\nHEAD\n".into()), None);
        assert_eq!(parse("/work/r/.git\nfalse\n".into()), None);
        // An older git prints back the options it does not know.
        let old = format!("--absolute-git-dir\n--is-shallow-repository\n\n{head}\n");
        assert_eq!(parse(old), None);
        let old = format!("/work/r/.git\n--is-shallow-repository\n\n{head}\n");
        assert_eq!(parse(old), None);
        // A folder named in bytes that are not UTF-8: its dates are read, not kept.
        let mut bytes = b"/work/caf\xe9/.git\nfalse\n\n".to_vec();
        bytes.extend_from_slice(head.as_bytes());
        let odd = parse_rev_parse(&bytes).unwrap();
        assert_eq!(odd.git_dir, None);
        assert_eq!(odd.head, head);
    }

    #[test]
    fn a_kept_file_must_name_a_commit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("orebrief").join("dates-1");
        let dates = parse_log(&z(&[("2025-03-04", &["content/a.md"])]));
        write_cache(&file, "", "HEAD", &dates).unwrap();
        assert_eq!(read_cache(&file, ""), None);
        write_cache(&file, "", "--output=x", &dates).unwrap();
        assert_eq!(read_cache(&file, ""), None);
        let commit = "5f15a3ffdedcd03fee1da55c1482f3f64059ced5";
        write_cache(&file, "", commit, &dates).unwrap();
        assert_eq!(read_cache(&file, ""), Some((commit.to_string(), dates)));
    }

    #[test]
    fn nothing_is_written_where_the_git_folder_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("no-git").join("orebrief").join("dates-1");
        assert!(write_cache(&file, "", "abc", &Dates::new()).is_err());
        assert!(!dir.path().join("no-git").exists());
    }

    #[test]
    fn kept_dates_read_back_as_written_and_only_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("orebrief").join("dates-1");
        let dates = parse_log(&z(&[
            (
                "2025-03-04",
                &["content/a b.md", "content/x \"q\"\\\tl\nine.md"],
            ),
            ("2024-01-02", &["content/c.md"]),
        ]));
        let commit = "5f15a3ffdedcd03fee1da55c1482f3f64059ced5";
        write_cache(&file, "site/", commit, &dates).unwrap();
        assert_eq!(
            read_cache(&file, "site/"),
            Some((commit.to_string(), dates.clone()))
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
