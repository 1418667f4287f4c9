//! The output folder: built fresh beside the old one and swapped in only when the whole build
//! succeeded, so a failed or interrupted build leaves the previous output as it was.

use std::io;
use std::path::{Component, Path, PathBuf};

use super::previous::{PreviousOutput, trash_prefix};

/// Where a build writes.
pub enum Sink {
    /// A staging folder that becomes the output on [`Sink::commit`].
    Staging {
        /// The staging folder.
        dir: PathBuf,
        /// The final output folder.
        output: PathBuf,
        /// Folders of the staging folder made so far: most files go into a folder made for
        /// an earlier one (a page's `data.json` beside its `index.html`), and asking the file
        /// system again costs two system calls per file.
        made: Made,
    },
    /// `check`: render everything, write nothing.
    Discard,
    /// `serve`: keep every file in memory, by its path inside the output.
    Memory(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>),
}

/// Why an output folder is refused.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output folder would overwrite the site itself.
    #[error("refusing output folder {0}: {1}")]
    Unsafe(PathBuf, String),
    /// Reading or writing failed.
    #[error("{0}: {1}")]
    Io(PathBuf, #[source] io::Error),
}

/// What [`Sink::commit_with`] did.
#[derive(Debug, Default)]
pub struct Commit {
    /// The output folder (none for `check` and `serve`, which write no folder).
    pub output: Option<PathBuf>,
    /// The process id of the remover the previous output was handed to, if it was.
    pub remover: Option<u32>,
}

/// Checks that `output` is a safe place to replace wholesale.
pub fn check_output(root: &Path, output: &Path, explicit: bool) -> Result<(), OutputError> {
    let root_abs =
        std::fs::canonicalize(root).map_err(|e| OutputError::Io(root.to_path_buf(), e))?;
    let out_abs = absolute(output);
    let refuse = |why: &str| Err(OutputError::Unsafe(output.to_path_buf(), why.to_string()));
    if out_abs == root_abs || root_abs.starts_with(&out_abs) {
        return refuse("it is the site root or contains it");
    }
    if out_abs.exists() && !out_abs.is_dir() {
        return refuse("it is a file, not a folder");
    }
    // A build replaces the whole folder: never one that holds a site's sources.
    for name in ["content", "templates", "static"] {
        if out_abs.join(name).is_dir() {
            return refuse(&format!("it holds a {name}/ folder, as a site does"));
        }
    }
    if out_abs.join("site.yaml").exists() {
        return refuse("it holds a site.yaml");
    }
    for name in ["content", "templates", "static", "themes"] {
        if out_abs == root_abs.join(name) || out_abs.starts_with(root_abs.join(name)) {
            return refuse(&format!("it lies inside the site's {name}/ folder"));
        }
    }
    if !explicit && !out_abs.starts_with(&root_abs) {
        return refuse(
            "it lies outside the site root; pass --output-dir to choose such a folder explicitly",
        );
    }
    Ok(())
}

/// The folders of a staging folder made so far.
type Made = std::sync::Mutex<std::collections::HashSet<PathBuf>>;

/// Makes the folder `path` goes in, unless `made` has it.
fn make_parent(path: &Path, made: &Made) -> Result<(), OutputError> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    let lock = || made.lock().unwrap_or_else(|e| e.into_inner());
    if lock().contains(parent) {
        return Ok(());
    }
    std::fs::create_dir_all(parent).map_err(|e| OutputError::Io(parent.to_path_buf(), e))?;
    lock().insert(parent.to_path_buf());
    Ok(())
}

/// `path` made absolute against the current folder, as the file system will resolve it:
/// symbolic links of the part that exists are resolved, and each `..` goes up from there, so
/// `public/../../elsewhere` is seen as `elsewhere`, outside the root.
fn absolute(path: &Path) -> PathBuf {
    let joined = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => {
                out.push(other);
                if let Ok(real) = std::fs::canonicalize(&out) {
                    out = real;
                }
            }
        }
    }
    out
}

impl Sink {
    /// A fresh staging folder next to `output`.
    pub fn staging(output: &Path) -> Result<Sink, OutputError> {
        let output = absolute(output);
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent.clone(), e))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.orebrief-new-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| OutputError::Io(dir.clone(), e))?;
        }
        clean_leftovers(&parent, &name, &output);
        std::fs::create_dir(&dir).map_err(|e| OutputError::Io(dir.clone(), e))?;
        Ok(Sink::Staging {
            dir,
            output,
            made: Default::default(),
        })
    }

    /// A file for a build's own scratch data, in the staging folder but never part of the
    /// output: it has no name there (or loses it at once) and is gone when closed. `None` for
    /// the sinks that write no folder, or when it cannot be made.
    pub fn scratch_file(&self) -> Option<std::fs::File> {
        match self {
            Sink::Staging { dir, .. } => tempfile::tempfile_in(dir).ok(),
            _ => None,
        }
    }

    /// An empty in-memory sink.
    pub fn memory() -> Sink {
        Sink::Memory(Default::default())
    }

    /// The files written to an in-memory sink (none for the others).
    pub fn into_files(self) -> std::collections::HashMap<String, Vec<u8>> {
        match self {
            Sink::Memory(files) => files.into_inner().unwrap_or_else(|e| e.into_inner()),
            _ => Default::default(),
        }
    }

    /// Writes `bytes` at `rel` (a path inside the output, `/`-separated).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if let Sink::Memory(files) = self {
            let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
            files.insert(rel.to_string(), bytes.to_vec());
            return Ok(());
        }
        let Sink::Staging { dir, made, .. } = self else {
            return Ok(());
        };
        let path = inside(dir, rel)?;
        make_parent(&path, made)?;
        std::fs::write(&path, bytes).map_err(|e| OutputError::Io(path, e))
    }

    /// Writes the file at `rel` through `fill`, streamed: a large output (the whole portal as
    /// one document, the search index, `portal.json`) is written as it is produced, never held
    /// whole in memory. An error `fill` returns fails the write.
    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut (dyn io::Write + Send)) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        use std::io::Write as _;
        match self {
            Sink::Staging { dir, made, .. } => {
                let path = inside(dir, rel)?;
                make_parent(&path, made)?;
                let file =
                    std::fs::File::create(&path).map_err(|e| OutputError::Io(path.clone(), e))?;
                let mut out = io::BufWriter::with_capacity(1 << 18, file);
                fill(&mut out).map_err(|e| OutputError::Io(path.clone(), e))?;
                out.flush().map_err(|e| OutputError::Io(path, e))
            }
            Sink::Discard => fill(&mut io::sink()).map_err(|e| OutputError::Io(rel.into(), e)),
            Sink::Memory(_) => {
                let mut bytes = Vec::new();
                fill(&mut bytes).map_err(|e| OutputError::Io(rel.into(), e))?;
                self.write(rel, &bytes)
            }
        }
    }

    /// Swaps the staging folder in as the output and removes the previous output before it
    /// returns. A `.git` folder in the old output (a deploy checkout) is carried over.
    pub fn commit(self) -> Result<Option<PathBuf>, OutputError> {
        self.commit_with(&PreviousOutput::Remove)
            .map(|commit| commit.output)
    }

    /// Swaps the staging folder in as the output, then disposes of the previous output as
    /// `previous` says. A `.git` folder in the old output (a deploy checkout) is carried over.
    pub fn commit_with(self, previous: &PreviousOutput) -> Result<Commit, OutputError> {
        let Sink::Staging { dir, output, .. } = self else {
            return Ok(Commit::default());
        };
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if output.exists() {
            let git = output.join(".git");
            let carried = git.exists();
            if carried {
                std::fs::rename(&git, dir.join(".git"))
                    .map_err(|e| OutputError::Io(git.clone(), e))?;
            }
            let old = parent.join(format!(".{name}.orebrief-old-{}", std::process::id()));
            match swap(&dir, &output, &old) {
                Ok(replaced) => {
                    let remover = previous.dispose(&replaced, &parent, &name);
                    return Ok(Commit {
                        output: Some(output),
                        remover,
                    });
                }
                Err(e) => {
                    if carried {
                        let _ = std::fs::rename(dir.join(".git"), &git);
                    }
                    return Err(OutputError::Io(output, e));
                }
            }
        }
        std::fs::rename(&dir, &output).map_err(|e| OutputError::Io(output.clone(), e))?;
        Ok(Commit {
            output: Some(output),
            remover: None,
        })
    }

    /// Removes the staging folder of a failed build.
    pub fn abandon(self) {
        if let Sink::Staging { dir, .. } = self {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// `rel` joined to the staging folder `dir`, refused unless it stays inside: every part must be
/// a plain name (no `..`, no root, no prefix). Paths come from checked ids and from walks of
/// `static/`, so this never fires on a real site; it makes "nothing is written outside the
/// output" hold whatever a caller passes.
fn inside(dir: &Path, rel: &str) -> Result<PathBuf, OutputError> {
    let rel_path = Path::new(rel);
    if rel.is_empty()
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(OutputError::Unsafe(
            rel_path.to_path_buf(),
            "an output file must lie inside the output folder".into(),
        ));
    }
    Ok(dir.join(rel_path))
}

/// Puts the folder `new` in place of `output`; returns where the previous output now is. On
/// Linux one `renameat2(RENAME_EXCHANGE)` swaps the two atomically, so `output` is complete at
/// every instant, even if the process is killed; elsewhere, or on a file system without it,
/// the previous output is first renamed to `old` (and put back if the second rename fails).
fn swap(new: &Path, output: &Path, old: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    if exchange(new, output).is_ok() {
        return Ok(new.to_path_buf());
    }
    std::fs::rename(output, old)?;
    if let Err(e) = std::fs::rename(new, output) {
        let _ = std::fs::rename(old, output);
        return Err(e);
    }
    Ok(old.to_path_buf())
}

/// Exchanges two paths atomically (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are NUL-terminated strings that outlive the call; the system call
    // only reads them.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Removes staging and old folders that an interrupted build left behind (by any process),
/// and trash folders whose remover died ([`super::previous`]). Where the output itself is
/// missing (a build killed between the two renames of [`swap`] without `RENAME_EXCHANGE`),
/// the previous output is put back instead; a trash folder never is (it may be half gone).
fn clean_leftovers(parent: &Path, name: &str, output: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        format!(".{name}.orebrief-new-"),
        format!(".{name}.orebrief-old-"),
        trash_prefix(name),
    ];
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = prefixes.iter().find_map(|p| file.strip_prefix(p.as_str())) {
            // Leave the folders of a build, or a remover, still running in another process.
            let alive = pid
                .parse::<u32>()
                .ok()
                .is_some_and(|pid| pid != std::process::id() && running(pid));
            if alive {
                continue;
            }
            let is_old = file.starts_with(prefixes[1].as_str());
            if !(is_old && !output.exists() && std::fs::rename(entry.path(), output).is_ok()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Whether a process `pid` runs, by `/proc/PID/status` (so never where there is no `/proc`):
/// a process (not a thread of one, which `/proc` also answers for: its `Tgid` is another
/// id) that is not a zombie, which has exited and waits for its parent to notice.
fn running(pid: u32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(str::trim)
            .unwrap_or("")
    };
    field("Tgid:") == pid.to_string() && !matches!(field("State:").chars().next(), Some('Z' | 'X'))
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    use super::running;

    #[test]
    #[cfg(target_os = "linux")]
    fn running_is_true_for_a_live_process_only_not_a_thread_or_a_zombie() {
        assert!(running(std::process::id()));
        // Beyond the largest pid Linux hands out.
        assert!(!running(4_194_310));
        // A thread of this process: /proc answers for its id too.
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            // SAFETY: gettid has no preconditions.
            tx.send(unsafe { libc::gettid() } as u32).unwrap();
            let _ = stop_rx.recv();
        });
        let tid = rx.recv().unwrap();
        assert!(std::path::Path::new(&format!("/proc/{tid}")).exists());
        assert!(!running(tid), "a thread was taken for a process");
        stop_tx.send(()).unwrap();
        thread.join().unwrap();
        // A child that has exited and is not yet waited for: a zombie.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let started = std::time::Instant::now();
        while running(child.id()) {
            assert!(started.elapsed().as_secs() < 30, "the child never exited");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(std::path::Path::new(&format!("/proc/{}", child.id())).exists());
        child.wait().unwrap();
    }
}
