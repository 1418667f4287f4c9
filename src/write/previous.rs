//! The previous output, once a build has swapped the new one in: removed before the build
//! returns, or handed to a detached process so that the build returns at once.
//!
//! Removing an output unlinks every file in it. On ext4 that takes 3.4 to 3.5 s for the
//! 12,000-page benchmark portal (32,000 files) and 7 to 8.5 ms for a 20-page site, about a
//! fifth of that site's rebuild there (docs/benchmarks.md, "What changed after 0b364a4").
//! `orebrief build` hands the folder to `orebrief remove-previous-output`
//! ([`REMOVE_COMMAND`]), a process of its own that outlives the build, and returns; the
//! library's default ([`PreviousOutput::Remove`]) removes it in place, so that nothing
//! outlives a call.
//!
//! The hand-over, without a window in which another build could take the folder for a
//! leftover of a dead process ([`super::output`] removes those):
//! 1. the build starts the remover with a pipe as its standard input;
//! 2. it renames the previous output to [`trash_name`]`(name, pid)`, the remover's pid;
//! 3. it closes the pipe. The remover waits for that, then removes the folder named with its
//!    own pid. While the remover runs, a build on Linux leaves the folder alone (its pid is
//!    alive in `/proc`); elsewhere a build may remove it too, which is harmless.
//!
//! Should the remover not start, or the rename fail, the build removes the folder itself. It
//! also does so as process 1 (a container started without an init), whose exit kills every
//! process of the container. Where the remover is killed all the same (a container whose
//! init exits with the build, a service manager that stops what a job leaves running), the
//! folder stays until the next build removes it; `--wait-for-removal` is for those places.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What becomes of the previous output after a successful build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PreviousOutput {
    /// Removed before the build returns.
    #[default]
    Remove,
    /// Handed to `EXE remove-previous-output` (the `orebrief` binary), started detached: the
    /// build returns without waiting for it. Where it cannot be started, or the build runs
    /// as process 1, removed in place. The remover is never waited for: a process that
    /// builds many times with this (unlike the `orebrief` binary, which exits after one
    /// build) keeps a finished remover as a zombie until it exits itself.
    Detach(PathBuf),
}

/// The hidden subcommand of the `orebrief` binary that removes a handed-over output
/// ([`remove_handed_over`]).
pub const REMOVE_COMMAND: &str = "remove-previous-output";

/// Makes a remover wait this many milliseconds before it removes anything: for tests, which
/// look at the remover while it runs.
pub const DELAY_VAR: &str = "OREBRIEF_REMOVER_DELAY_MS";

/// The folder a remover with process id `pid` removes, beside the output folder `name`.
pub fn trash_name(name: &str, pid: u32) -> String {
    format!("{}{pid}", trash_prefix(name))
}

/// What every trash folder beside the output folder `name` starts with.
pub(crate) fn trash_prefix(name: &str) -> String {
    format!(".{name}.orebrief-trash-")
}

/// Whether `name` can be an output folder's name for the remover: a plain name, not `.` or
/// `..`, with no separator.
fn plain_name(name: &str) -> bool {
    !(name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']))
}

impl PreviousOutput {
    /// Disposes of `previous`, the replaced output, which lies in `parent` beside the output
    /// folder `name`. Returns the remover's process id when it was handed over.
    pub(crate) fn dispose(&self, previous: &Path, parent: &Path, name: &str) -> Option<u32> {
        let handed = match self {
            PreviousOutput::Detach(exe) if std::process::id() != 1 && plain_name(name) => {
                hand_off(exe, previous, parent, name).ok()
            }
            _ => None,
        };
        if handed.is_none() {
            remove_tree(previous);
        }
        handed
    }
}

/// Starts the remover and renames `previous` for it (steps 1-3 of the module's hand-over).
/// The child is not waited for (see [`PreviousOutput::Detach`]).
fn hand_off(exe: &Path, previous: &Path, parent: &Path, name: &str) -> io::Result<u32> {
    let mut command = Command::new(exe);
    command
        .arg(REMOVE_COMMAND)
        // A name may begin with `-`: after `--` it is not taken for an option.
        .arg("--")
        .arg(parent)
        .arg(name)
        // The parent is absolute; the remover does not keep the build's folder (or its
        // mount) busy.
        .current_dir("/")
        .stdin(Stdio::piped())
        // Not the build's: whoever reads the build's output (a pipe, a test) must not wait
        // for the remover too.
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // A group of its own: Ctrl-C on the build, or a kill of its process group, leaves the
    // removal of a folder that is garbage either way to finish.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn()?;
    let pid = child.id();
    let renamed = std::fs::rename(previous, parent.join(trash_name(name, pid)));
    // Closing its standard input lets the remover start; after a failed rename it finds no
    // folder and exits.
    drop(child.stdin.take());
    renamed.map(|()| pid)
}

/// The remover (`orebrief remove-previous-output PARENT NAME`): waits for its standard input
/// to close, then removes `PARENT/.NAME.orebrief-trash-PID`, PID being its own process id,
/// at a lower CPU and I/O priority. A folder that is not there (the build's rename failed)
/// is nothing to do; a symbolic link there is not followed. Refuses a `NAME` that is not a
/// plain folder name.
pub fn remove_handed_over(parent: &Path, name: &str) -> Result<(), String> {
    // Descriptors the build inherited without close-on-exec (a test runner's, a make
    // jobserver's) would otherwise keep whoever waits on them waiting for the removal too.
    close_inherited();
    if !plain_name(name) {
        return Err(format!(
            "{REMOVE_COMMAND}: {name:?} is not an output folder's name; this command is run by \
             `orebrief build`, not by hand"
        ));
    }
    // Until the build closes the pipe (or exits), the folder may not be in place yet.
    let _ = io::stdin().read_to_end(&mut Vec::new());
    lower_priority();
    if let Some(ms) = std::env::var(DELAY_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let trash = parent.join(trash_name(name, std::process::id()));
    if std::fs::symlink_metadata(&trash).is_ok_and(|m| m.is_dir()) {
        remove_tree(&trash);
    }
    Ok(())
}

/// Closes every descriptor above standard error: with `close_range`, or, where the kernel
/// lacks it (before Linux 5.9) or a sandbox refuses it, one by one from `/proc/self/fd`.
fn close_inherited() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `close_range` only closes this process's descriptors from 3 up; nothing
        // in this process uses any of them (the remover opens its own files afterwards).
        let closed = unsafe {
            libc::syscall(
                libc::SYS_close_range,
                3 as libc::c_uint,
                libc::c_uint::MAX,
                0,
            )
        };
        if closed != 0 {
            // The listing's own descriptor is among them, closed by the time they are.
            let open: Vec<libc::c_int> = std::fs::read_dir("/proc/self/fd")
                .map(|entries| {
                    entries
                        .flatten()
                        .filter_map(|e| e.file_name().to_str()?.parse().ok())
                        .filter(|&fd| fd > 2)
                        .collect()
                })
                .unwrap_or_default();
            for fd in open {
                // SAFETY: closes a descriptor this process does not use (an already closed
                // one gives EBADF, which is ignored); nothing else runs in it now.
                unsafe {
                    libc::close(fd);
                }
            }
        }
    }
}

/// Lowers the remover's priority: CPU (`nice` 10) and, on Linux, I/O (the lowest level of
/// the best-effort class; the idle class could starve it for as long as a build writes).
/// Elsewhere it keeps the build's priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: `nice` only changes this process's scheduling priority; its result (the new
    // value, or -1 on failure) is not needed.
    unsafe {
        libc::nice(10);
    }
    #[cfg(target_os = "linux")]
    // SAFETY: `ioprio_set` for this process (`IOPRIO_WHO_PROCESS`, 0) only changes its I/O
    // priority: class 2 (best effort) in bits 13 and up, level 7 (the lowest).
    unsafe {
        libc::syscall(libc::SYS_ioprio_set, 1, 0, (2 << 13) | 7);
    }
}

/// Removes a folder, its top-level folders in parallel: a large portal has tens of
/// thousands of files, and deleting them one after another took longer. A symbolic link at
/// `path` is removed, not followed.
pub(crate) fn remove_tree(path: &Path) {
    use rayon::prelude::*;
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir()) {
        let _ = std::fs::remove_file(path);
        return;
    }
    if let Ok(entries) = std::fs::read_dir(path) {
        let entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.par_iter().for_each(|entry| {
            let _ = if entry.is_dir() && !entry.is_symlink() {
                std::fs::remove_dir_all(entry)
            } else {
                std::fs::remove_file(entry)
            };
        });
    }
    let _ = std::fs::remove_dir_all(path);
}
