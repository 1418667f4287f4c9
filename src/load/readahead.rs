//! Reads content files several at a time, ahead of the parser, so that the parser finds
//! them in the page cache.
//!
//! When the files are not in the page cache (the first build after a boot, a CI machine, a
//! checkout just pulled), reading is bound by the disk's latency, not by the CPU: with one
//! read in flight per worker thread, two workers kept a virtual disk idle most of the time.
//! Reading the 12,000 files of a 95 MB portal took 1.6 s two at a time and 0.75 s sixteen
//! at a time. So [`parse_all`] starts [`READERS`] plain threads that read the files in order
//! into a small buffer and drop what they read, at most [`AHEAD`] files ahead, while the
//! workers parse the files batch after batch in the same order, reading each again, from
//! memory by then. On a 12k-page
//! portal with an emptied page cache, loading took 1.1 to 1.5 s instead of 2.2 to 2.7 s
//! (docs/benchmarks.md).
//!
//! The readers keep nothing. Handing the bytes they read to the workers instead (through a
//! queue, parsed in the order they arrived) left 213 to 220 MiB in use after loading a
//! 12k-page portal against 198 to 201 MiB, while reading a file a second time from the page
//! cache is a copy of a few kilobytes.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use rayon::prelude::*;

/// The reader threads (16): enough requests in flight to keep a disk busy, measured on this
/// project's bench machine; they spend their time blocked in `read`, not on a core.
pub const READERS: usize = 16;

/// Below this many files (64), no readers are started: their start-up would cost more than
/// they save on a small site.
pub const MIN_FILES: usize = 64;

/// The readers' buffer (64 KiB each).
const BUFFER: usize = 64 << 10;

/// The files parsed together (256): the workers parse the files batch after batch, so that
/// they follow the readers, who read them in order.
const BATCH: usize = 256;

/// How far the readers may get ahead of the workers, in files (4,096, about 32 MB of a
/// typical portal): what they read must still be in the page cache when it is parsed, even
/// on a machine short of memory.
pub const AHEAD: usize = 4096;

/// Calls `parse` on every file of `files` in parallel and returns the results in the order
/// of `files`. With [`MIN_FILES`] files or more, [`READERS`] threads read the files (joined
/// to `root`) ahead of the workers.
pub fn parse_all<T: Send>(
    root: &Path,
    files: &[PathBuf],
    parse: impl Fn(&Path) -> T + Sync,
) -> Vec<T> {
    if files.len() < MIN_FILES {
        return files.par_iter().map(|file| parse(file)).collect();
    }
    in_order(
        files.len(),
        AHEAD,
        |i, buffer| {
            // Errors are the parser's to report, when it reads the file itself; past the
            // most it reads, a runaway file is left unread here too.
            if let Ok(f) = std::fs::File::open(root.join(&files[i])) {
                let mut f = f.take(super::MAX_FILE_BYTES + 1);
                while matches!(f.read(buffer), Ok(n) if n > 0) {}
            }
        },
        |i| parse(&files[i]),
    )
}

/// Returns `parse(i)` for every `i` below `n`, in order, parsed in parallel batch after
/// batch, while [`READERS`] threads call `read(i, buffer)` for each `i` in order, at most
/// `ahead` past the first `i` not parsed yet, and skip any `i` parsed before they got to it.
fn in_order<T: Send>(
    n: usize,
    ahead: usize,
    read: impl Fn(usize, &mut [u8]) + Sync,
    parse: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    // The first file not yet parsed, or `None` once all are.
    let front = Mutex::new(Some(0));
    let moved = Condvar::new();
    std::thread::scope(|scope| {
        let read_ahead = || {
            let mut buffer = vec![0; BUFFER];
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let Ok(mut at) = front.lock() else { break };
                while matches!(*at, Some(f) if i >= f + ahead) {
                    let Ok(later) = moved.wait(at) else { return };
                    at = later;
                }
                match *at {
                    None => break,
                    // Parsed already: a worker that overtook the readers read it itself.
                    Some(f) if i < f => continue,
                    Some(_) => {}
                }
                drop(at);
                read(i, &mut buffer);
            }
        };
        for _ in 0..READERS {
            // A thread the system refuses is one reader fewer: the workers read what no
            // reader did.
            let _ = std::thread::Builder::new()
                .name("read-ahead".into())
                .spawn_scoped(scope, read_ahead);
        }
        let mut results = Vec::with_capacity(n);
        let mut start = 0;
        while start < n {
            let end = (start + BATCH).min(n);
            results.par_extend((start..end).into_par_iter().map(&parse));
            set_front(&front, &moved, Some(end));
            start = end;
        }
        set_front(&front, &moved, None);
        results
    })
}

/// Tells the readers how far the workers got.
fn set_front(front: &Mutex<Option<usize>>, moved: &Condvar, to: Option<usize>) {
    if let Ok(mut at) = front.lock() {
        *at = to;
    }
    moved.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(n: usize) {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..n).map(|i| PathBuf::from(format!("f{i}.md"))).collect();
        for (i, file) in files.iter().enumerate() {
            std::fs::write(dir.path().join(file), format!("text {i}")).unwrap();
        }
        let out = parse_all(dir.path(), &files, |file| {
            let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
            format!("{}: {text}", file.display())
        });
        assert_eq!(out.len(), n);
        for (i, line) in out.iter().enumerate() {
            assert_eq!(line, &format!("f{i}.md: text {i}"));
        }
    }

    #[test]
    fn results_keep_the_order_of_the_files_with_or_without_readers() {
        run(0);
        run(MIN_FILES - 1);
        run(MIN_FILES);
        run(MIN_FILES * 5 + 7);
    }

    #[test]
    fn readers_read_each_file_once_in_order_and_never_too_far_ahead() {
        use std::sync::atomic::AtomicBool;
        let n = 5_000;
        let ahead = 300;
        let parsed = AtomicUsize::new(0);
        let reads: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
        let too_far = AtomicBool::new(false);
        let out = in_order(
            n,
            ahead,
            |i, _| {
                reads[i].fetch_add(1, Ordering::Relaxed);
                if i >= parsed.load(Ordering::SeqCst) + ahead {
                    too_far.store(true, Ordering::Relaxed);
                }
            },
            |i| {
                // Slower than the readers, who then wait for the workers.
                std::thread::sleep(std::time::Duration::from_micros(20));
                parsed.fetch_add(1, Ordering::SeqCst);
                i * 2
            },
        );
        assert_eq!(out, (0..n).map(|i| i * 2).collect::<Vec<_>>());
        assert!(
            !too_far.load(Ordering::Relaxed),
            "a reader got more than {ahead} ahead"
        );
        assert!(reads.iter().all(|r| r.load(Ordering::Relaxed) <= 1));
        let read = reads
            .iter()
            .filter(|r| r.load(Ordering::Relaxed) == 1)
            .count();
        assert!(read > n / 2, "the readers read {read} of {n} files");
    }

    #[test]
    fn a_missing_file_is_left_to_the_parser() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..MIN_FILES)
            .map(|i| PathBuf::from(format!("f{i}.md")))
            .collect();
        let out = parse_all(dir.path(), &files, |file| dir.path().join(file).exists());
        assert_eq!(out, vec![false; MIN_FILES]);
    }
}
