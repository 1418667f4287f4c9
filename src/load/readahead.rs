//! Reads content files several at a time, ahead of the parser, so that the parser finds
//! them in the page cache.
//!
//! When the files are not in the page cache (the first build after a boot, or after the
//! kernel needed the memory for something else), reading is bound by the disk's latency,
//! not by the CPU: with one read in flight per worker thread, two workers kept a virtual
//! disk idle most of the time. Reading the 12,004 files of a 95 MB portal took 1.49 to
//! 1.61 s two at a time and 0.65 to 0.80 s sixteen at a time. So [`parse_all`] starts
//! [`READERS`] plain threads that read the files in order into a small buffer and drop what
//! they read, at most [`AHEAD`] files ahead, while the workers parse the files batch after
//! batch in the same order, reading each again, from memory by then. On a 12k-page portal
//! with an emptied page cache, loading took 1.1 to 1.5 s instead of 2.2 to 2.7 s
//! (docs/benchmarks.md, "What changed after bc6dea2").
//!
//! With the files in the page cache, the readers only add work: 12,000 more opens and reads
//! competing for the cores, roughly 90 ms more load time on a 12k-page portal. So
//! [`parse_all`] first reads up to [`PROBES`] files spread over the site one after another,
//! timing each, and starts the readers once [`SLOW_FILES`] of them took [`SLOW_READ`] or
//! longer: a read from memory takes a few microseconds, one from a disk tens to hundreds. A
//! site just written (a fresh checkout, generated content) is in the page cache, and is read
//! as before. With a quarter of a 12k-page portal's files evicted, the probe started the
//! readers in two checks of four, with half of them in all four, and the load stage took
//! 0.84 to 1.03 s with readers against 1.08 to 1.40 s without (docs/benchmarks.md). A fast
//! SSD may answer under [`SLOW_READ`]; the readers then stay off, where they would gain
//! little.
//!
//! The readers keep nothing. Handing the bytes they read to the workers instead (through a
//! queue, parsed in the order they arrived) left 213 to 220 MiB in use after loading a
//! 12k-page portal against 198 to 201 MiB, while reading a file a second time from the page
//! cache is a copy of a few kilobytes.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// The reader threads (16). On the project's bench machine, 16 reads in flight read a cold
/// portal in half the time of 2, and 32 no faster than 8 to 16 (docs/benchmarks.md). With
/// a cold cache they wait on the disk; with a warm one each read is a short copy.
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

/// The most files read one after another to tell a cold page cache from a warm one (32,
/// spread evenly over the site).
pub const PROBES: usize = 32;

/// A read slower than this (40 µs) probably went to the disk. On the bench machine a file
/// of a 12k-page portal took 6 to 10 µs to read from the page cache, 82 to 151 µs from its
/// virtual disk when the host still held it, and hundreds of microseconds when it did not
/// (docs/benchmarks.md). At 100 µs, half the reads of the middle case passed for cached.
pub const SLOW_READ: Duration = Duration::from_micros(40);

/// The slow reads of the [`PROBES`] that start the readers (8, a quarter). A thread
/// preempted while it reads from memory makes a read slow too: on the bench machine, where
/// a build's start keeps both cores busy, up to 3 of the 32 reads of a cached portal were
/// slow, and the first 8 reads of a cold one all were (docs/benchmarks.md).
pub const SLOW_FILES: usize = 8;

const _: () = assert!(MIN_FILES >= PROBES, "the probe reads distinct files");

/// How [`parse_all`] read a site's files (for `OREBRIEF_TIMINGS`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reading {
    /// Under [`MIN_FILES`] files: read by the workers, not probed.
    #[default]
    Small,
    /// Probed: `files` read in `took`, `slow` of them slower than [`SLOW_READ`]; readers
    /// started when `ahead`.
    Probed {
        /// The files the probe read.
        files: usize,
        /// Those slower than [`SLOW_READ`].
        slow: usize,
        /// How long the probe took.
        took: Duration,
        /// Whether readers read the files ahead of the workers.
        ahead: bool,
    },
}

impl Reading {
    /// Whether readers read the files ahead of the workers.
    pub fn ahead(&self) -> bool {
        matches!(self, Reading::Probed { ahead: true, .. })
    }
}

impl std::fmt::Display for Reading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reading::Small => write!(f, "read-ahead: under {MIN_FILES} files, not probed"),
            Reading::Probed {
                files,
                slow,
                took,
                ahead,
            } => write!(
                f,
                "read-ahead: {files} files probed in {:.2} ms, {slow} slow, readers {}",
                took.as_secs_f64() * 1000.0,
                if *ahead { "started" } else { "not started" }
            ),
        }
    }
}

/// Calls `parse` on every file of `files` in parallel and returns the results in the order
/// of `files`, and how the files were read. With [`MIN_FILES`] files or more, when a probe
/// finds them outside the page cache, [`READERS`] threads read the files (joined to `root`)
/// ahead of the workers.
pub fn parse_all<T: Send>(
    root: &Path,
    files: &[PathBuf],
    parse: impl Fn(&Path) -> T + Sync,
) -> (Vec<T>, Reading) {
    parse_all_with(root, files, SLOW_READ, parse)
}

/// [`parse_all`], with `slow_read` for [`SLOW_READ`] (tests force the readers on with zero
/// and off with [`Duration::MAX`]).
pub(crate) fn parse_all_with<T: Send>(
    root: &Path,
    files: &[PathBuf],
    slow_read: Duration,
    parse: impl Fn(&Path) -> T + Sync,
) -> (Vec<T>, Reading) {
    let parse_all_now = || files.par_iter().map(|file| parse(file)).collect();
    if files.len() < MIN_FILES {
        return (parse_all_now(), Reading::Small);
    }
    let reading = probe(root, files, slow_read);
    if !reading.ahead() {
        return (parse_all_now(), reading);
    }
    let results = in_order(
        files.len(),
        AHEAD,
        |i, buffer| {
            warm(&root.join(&files[i]), buffer);
        },
        |i| parse(&files[i]),
    );
    (results, reading)
}

/// Reads up to [`PROBES`] files of `files`, spread evenly, one after another, timing each,
/// and stops as soon as [`SLOW_FILES`] took `slow_read` or longer: the disk answered, and
/// the readers are to start. The files read are then in the page cache, for the workers.
fn probe(root: &Path, files: &[PathBuf], slow_read: Duration) -> Reading {
    let mut buffer = vec![0; BUFFER];
    probe_with(files, slow_read, |file| {
        let one = Instant::now();
        warm(&root.join(file), &mut buffer);
        one.elapsed()
    })
}

/// [`probe`], with `read` reading a file and returning how long it took.
fn probe_with(
    files: &[PathBuf],
    slow_read: Duration,
    mut read: impl FnMut(&Path) -> Duration,
) -> Reading {
    let started = Instant::now();
    let (mut files_read, mut slow) = (0, 0);
    while files_read < PROBES && slow < SLOW_FILES {
        let Some(file) = files.get(files_read * files.len() / PROBES) else {
            break;
        };
        if read(file) >= slow_read {
            slow += 1;
        }
        files_read += 1;
    }
    Reading::Probed {
        files: files_read,
        slow,
        took: started.elapsed(),
        ahead: slow >= SLOW_FILES,
    }
}

/// Reads `path` into `buffer` and drops what it read, up to the most the parser reads
/// ([`super::MAX_FILE_BYTES`] and one byte); returns the bytes read. Errors end the reading
/// quietly: they are the parser's to report, when it reads the file itself.
fn warm(path: &Path, buffer: &mut [u8]) -> u64 {
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    let mut file = file.take(super::MAX_FILE_BYTES + 1);
    let mut total = 0;
    while let Ok(n @ 1..) = file.read(buffer) {
        total += n as u64;
    }
    total
}

/// Returns `parse(i)` for every `i` below `n`, in order, parsed in parallel batch after
/// batch, while [`READERS`] threads call `read(i, buffer)` for each `i` in order, at most
/// `ahead` past the first `i` of the batch being parsed, and skip any `i` of a batch already
/// parsed when they get to it. A panic in `parse` reaches the caller once the readers have
/// stopped.
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
        // Tells the readers that all is parsed when this closure ends, by returning or by a
        // panic in `parse`: the scope waits for the readers, and a reader left waiting for
        // the front to move would wait for ever.
        let _stop = Stop(&front, &moved);
        let read_ahead = || {
            let mut buffer = vec![0; BUFFER];
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let mut at = front.lock().unwrap_or_else(PoisonError::into_inner);
                while matches!(*at, Some(f) if i >= f + ahead) {
                    at = moved.wait(at).unwrap_or_else(PoisonError::into_inner);
                }
                match *at {
                    None => break,
                    // In a batch parsed already: a worker that overtook the readers read it.
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
        results
    })
}

/// Sets the front to `None` (all parsed) when dropped.
struct Stop<'a>(&'a Mutex<Option<usize>>, &'a Condvar);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        set_front(self.0, self.1, None);
    }
}

/// Tells the readers how far the workers got.
fn set_front(front: &Mutex<Option<usize>>, moved: &Condvar, to: Option<usize>) {
    *front.lock().unwrap_or_else(PoisonError::into_inner) = to;
    moved.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `n` files through [`parse_all_with`] with `slow_read`, and checks the results
    /// and whether readers started.
    fn run(n: usize, slow_read: Duration, readers: bool) {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..n).map(|i| PathBuf::from(format!("f{i}.md"))).collect();
        for (i, file) in files.iter().enumerate() {
            std::fs::write(dir.path().join(file), format!("text {i}")).unwrap();
        }
        let (out, reading) = parse_all_with(dir.path(), &files, slow_read, |file| {
            let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
            format!("{}: {text}", file.display())
        });
        assert_eq!(reading == Reading::Small, n < MIN_FILES, "{reading}");
        assert_eq!(reading.ahead(), readers && n >= MIN_FILES, "{reading}");
        assert_eq!(out.len(), n);
        for (i, line) in out.iter().enumerate() {
            assert_eq!(line, &format!("f{i}.md: text {i}"));
        }
    }

    #[test]
    fn results_keep_the_order_of_the_files_with_or_without_readers() {
        for n in [0, MIN_FILES - 1, MIN_FILES, BATCH, MIN_FILES * 5 + 7] {
            // Every read counts as slow: the readers start.
            run(n, Duration::ZERO, true);
            // No read counts as slow: they do not.
            run(n, Duration::MAX, false);
        }
    }

    #[test]
    fn the_probe_stops_at_the_slow_reads_that_start_the_readers() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..MIN_FILES)
            .map(|i| PathBuf::from(format!("f{i}.md")))
            .collect();
        let counts = |reading| match reading {
            Reading::Probed {
                files, slow, ahead, ..
            } => Some((files, slow, ahead)),
            Reading::Small => None,
        };
        // Every read slow: the probe stops at the count that starts the readers.
        let slow = probe(dir.path(), &files, Duration::ZERO);
        assert_eq!(counts(slow), Some((SLOW_FILES, SLOW_FILES, true)));
        // No read slow: all the probes are read, and no readers start.
        let fast = probe(dir.path(), &files, Duration::MAX);
        assert_eq!(counts(fast), Some((PROBES, 0, false)));
    }

    #[test]
    fn a_quarter_of_slow_reads_starts_the_readers_wherever_they_fall() {
        let files: Vec<PathBuf> = (0..PROBES).map(|i| PathBuf::from(format!("{i}"))).collect();
        let index = |file: &Path| file.to_str().unwrap().parse::<usize>().unwrap();
        let slow = Duration::from_millis(1);
        let decide = |is_slow: &dyn Fn(usize) -> bool| match probe_with(&files, slow, |file| {
            if is_slow(index(file)) {
                slow
            } else {
                Duration::ZERO
            }
        }) {
            Reading::Probed {
                files, slow, ahead, ..
            } => (files, slow, ahead),
            Reading::Small => unreachable!(),
        };
        // Every fourth file out of the cache: the eighth slow read, the 29th read, starts them.
        assert_eq!(decide(&|i| i % 4 == 0), (29, SLOW_FILES, true));
        // The slow ones last: all 32 read.
        assert_eq!(
            decide(&|i| i >= PROBES - SLOW_FILES),
            (PROBES, SLOW_FILES, true)
        );
        // One fewer: no readers.
        assert_eq!(
            decide(&|i| i > PROBES - SLOW_FILES),
            (PROBES, SLOW_FILES - 1, false)
        );
    }

    #[test]
    fn files_in_the_page_cache_start_no_readers() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..MIN_FILES * 2)
            .map(|i| PathBuf::from(format!("f{i}.md")))
            .collect();
        for file in &files {
            std::fs::write(dir.path().join(file), "x".repeat(8_000)).unwrap();
        }
        // Just written, the files are in memory; a busy machine may still stretch a few
        // reads of one probe, but not of five in a row.
        let readings: Vec<Reading> = (0..5)
            .map(|_| parse_all(dir.path(), &files, |_| ()).1)
            .collect();
        assert!(readings.iter().any(|r| !r.ahead()), "{readings:?}");
        assert!(readings.iter().all(|r| *r != Reading::Small));
    }

    #[test]
    fn readers_read_each_file_once_and_never_too_far_ahead() {
        use std::sync::atomic::AtomicBool;
        let n = 5_000;
        // At least a batch, so that readers may read the batch being parsed.
        let ahead = BATCH + 44;
        let deadline = Instant::now() + Duration::from_secs(60);
        let parsed = AtomicUsize::new(0);
        let reads: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
        let too_far = AtomicBool::new(false);
        let out = in_order(
            n,
            ahead,
            |i, _| {
                reads[i].fetch_add(1, Ordering::SeqCst);
                if i >= parsed.load(Ordering::SeqCst) + ahead {
                    too_far.store(true, Ordering::Relaxed);
                }
            },
            |i| {
                // Each file waits for its reader (who may read it, as `ahead` is at least a
                // batch), so that every file is read ahead, however the threads run.
                while reads[i].load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_micros(50));
                }
                parsed.fetch_add(1, Ordering::SeqCst);
                i * 2
            },
        );
        assert_eq!(out, (0..n).map(|i| i * 2).collect::<Vec<_>>());
        assert!(
            !too_far.load(Ordering::Relaxed),
            "a reader got {ahead} or more ahead"
        );
        let counts: Vec<usize> = reads.iter().map(|r| r.load(Ordering::SeqCst)).collect();
        assert!(
            counts.iter().all(|&c| c == 1),
            "every file read once: {counts:?}"
        );
    }

    #[test]
    fn a_panic_in_the_parser_reaches_the_caller_instead_of_leaving_readers_waiting() {
        use std::panic::{AssertUnwindSafe, catch_unwind};
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| {
                in_order(
                    5_000,
                    300,
                    |_, _| {},
                    |i| {
                        assert!(i != 1, "a parser bug");
                        i
                    },
                )
            }));
            let _ = tx.send(result.is_err());
        });
        let outcome = rx.recv_timeout(std::time::Duration::from_secs(60));
        assert_eq!(outcome, Ok(true), "the panic did not come back within 60 s");
    }

    #[test]
    fn warming_reads_a_whole_file_up_to_the_parser_limit_and_ignores_errors() {
        let dir = tempfile::tempdir().unwrap();
        let mut buffer = vec![0; BUFFER];
        let small = dir.path().join("small.md");
        std::fs::write(&small, vec![b'x'; 3 * BUFFER + 5]).unwrap();
        assert_eq!(warm(&small, &mut buffer), 3 * BUFFER as u64 + 5);
        let runaway = dir.path().join("runaway.md");
        let file = std::fs::File::create(&runaway).unwrap();
        file.set_len(super::super::MAX_FILE_BYTES + 1000).unwrap();
        assert_eq!(
            warm(&runaway, &mut buffer),
            super::super::MAX_FILE_BYTES + 1
        );
        assert_eq!(warm(&dir.path().join("missing.md"), &mut buffer), 0);
        assert_eq!(warm(dir.path(), &mut buffer), 0, "a folder");
    }
}
