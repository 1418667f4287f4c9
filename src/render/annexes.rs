//! Annex parts shared between the printable briefs of one build.
//!
//! A mineral named by several briefs is an annex of each of their print documents, and its
//! part (the profile, with its production tables and producers: the costliest part to
//! render) is the same in all of them but for its label, "Annex B" in one and "Annex A" in
//! another, and for which of its links jump inside the document. So each part is rendered
//! once with a placeholder for its label and its ids prefixed ([`Prefixed`]), kept packed
//! with LZ4 until the last brief that names it is written, and on each use given its label;
//! the document then only checks the links noted in it ([`super::rewrite::with_jumps`]).
//!
//! Only pages named by two briefs or more are kept, within a budget that grows with their
//! number ([`Annexes::max_bytes`]), so that the share of annexes reused does not fall as
//! a portal grows (with a fixed budget, 79% of the annexes of a 60k-page portal were
//! rendered again) and the memory the cache takes grows no faster than the portal. The
//! packed parts are stored end to end in blocks of 1 MiB, all freed together when
//! the cache is dropped: held as thousands of separate allocations, scattered through the
//! allocator's pages, their memory was not reused by what the build did next and raised its
//! peak by their size.
//!
//! The result is meant to be the same as without the cache:
//! - the placeholder ([`label_mark`]) has as many characters as the label, so a theme that
//!   measures or cuts text holding the label cuts it at the same place;
//! - the first use of each label value on each kind of page (mineral, company) is also
//!   rendered with the label itself and compared, and every use until one such check has
//!   passed checks too; a theme that does more with `part.label` than show it (a filter, a
//!   test of its value) makes them differ, and the cache is switched off for the rest of the
//!   build;
//! - a placeholder left in a part after relabelling (a filter changed it) also switches the
//!   cache off, and that part is rendered directly.
//!
//! What it cannot see is a theme whose use of the label depends on the page in other ways
//! than its kind; docs/publishing.md asks themes to show the label as text.
//!
//! **Parts of the whole-portal document.** That document (written before the briefs) renders
//! every profile as a part at the same heading level as an annex, with no label. When the
//! theme's part templates never read `part.label` (the default theme shows it outside the
//! part, in `print.html`; [`super::template_reads`] reads the templates to tell), an annex is
//! that same part, so the portal's parts of the pages briefs name are written to a scratch
//! file ([`Annexes::with_scratch`], [`Annexes::offer`]) and read back for the briefs instead
//! of being rendered again, which was most of their cost (a 12k-page portal: 2.8-3.1 s of CPU
//! for its briefs' print pages, 0.2 s of it for the briefs themselves). The file is on disk,
//! not in memory: at 12k pages it holds about 150 MB. Should a write fail (a full disk), the
//! file is emptied and not used again, and the parts are rendered as without it. As a
//! further guard, the first use of each label on each kind of page is checked against the
//! part rendered with its label, as above; a difference stops the use of the file for the
//! rest of the build.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::rewrite::{Prefixed, replace_in_part};
use crate::diagnostics::Diagnostic;

/// The first character of a placeholder, then [`MARK_REST`]: private-use characters, which
/// HTML escaping and case changes leave alone and which no label holds.
const MARK_START: char = '\u{F8FE}';
const MARK_REST: char = '\u{F8FF}';

/// The placeholder that stands for `label` while a part is rendered for the cache: as many
/// characters as the label.
pub fn label_mark(label: &str) -> String {
    let mut mark = String::from(MARK_START);
    for _ in 1..label.chars().count() {
        mark.push(MARK_REST);
    }
    mark
}

/// The least budget of packed bytes (48 MiB), whatever the number of pages kept.
pub const MIN_BYTES: usize = 48 << 20;

/// The budget of packed bytes per page kept (16 KiB). A mineral's annex packs to about 13 KB
/// and a company's to about 5 KB, so at this rate the cache only fills when the parts are
/// far larger than usual; past its budget, parts are rendered each time they are used, as
/// without the cache.
pub const BYTES_PER_PAGE: usize = 16 << 10;

/// The size of a block of packed parts (1 MiB).
const BLOCK_BYTES: usize = 1 << 20;

/// The shared annex parts of one build's printable briefs.
pub struct Annexes {
    state: Mutex<State>,
    /// The portal document's parts, end to end, when there is a scratch file.
    scratch: Option<Scratch>,
    /// Why the scratch file is not used ([`NoScratch`] as a number), or 0 while it is.
    scratch_off: AtomicU8,
    /// Parts taken from the scratch file.
    from_portal: AtomicUsize,
    /// Set once a part rendered with a placeholder differs from the part rendered with its
    /// label: from then on every part is rendered for its document.
    off: AtomicBool,
    hits: AtomicUsize,
    renders: AtomicUsize,
}

/// The scratch file and how much of it is taken.
struct Scratch {
    file: File,
    len: AtomicU64,
}

/// Why the briefs do not take the portal document's parts from a scratch file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum NoScratch {
    /// No brief names a page.
    NoBriefs = 1,
    /// The build writes no folder (`serve` and `check` render in memory), the file could
    /// not be made, or the system is not Unix (no reads and writes at offsets).
    NoFile,
    /// Links are relative: the portal's document and a brief's are at different depths.
    RelativeLinks,
    /// The theme's part templates may read `part.label` ([`super::template_reads`]).
    ReadsLabel,
    /// A part from the file differed from the part rendered with its label.
    Differs,
    /// A write to the file failed (a full disk, say).
    WriteFailed,
}

impl NoScratch {
    fn from_u8(n: u8) -> Option<NoScratch> {
        [
            NoScratch::NoBriefs,
            NoScratch::NoFile,
            NoScratch::RelativeLinks,
            NoScratch::ReadsLabel,
            NoScratch::Differs,
            NoScratch::WriteFailed,
        ]
        .into_iter()
        .find(|r| *r as u8 == n)
    }

    /// The reason, as the summary line gives it.
    fn text(self) -> &'static str {
        match self {
            NoScratch::NoBriefs => "no brief names a page",
            NoScratch::NoFile => "no scratch file",
            NoScratch::RelativeLinks => "links are relative",
            NoScratch::ReadsLabel => "the theme's part templates read part.label",
            NoScratch::Differs => "a part differed from the part rendered with its label",
            NoScratch::WriteFailed => "a write to the scratch file failed",
        }
    }
}

/// Writes all of `bytes` at `offset` of `file`, whoever else writes or reads it elsewhere.
#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

/// Fills `bytes` from `offset` of `file`.
#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

/// Elsewhere the scratch file is not used: its parts are rendered as without it.
#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// A part of the portal document in the scratch file.
struct Written {
    /// The relative root of the portal document.
    root: String,
    offset: u64,
    len: usize,
    /// Where its link spans are in `State::written_links`.
    spans: Range<usize>,
}

#[derive(Default)]
struct State {
    /// The portal document's parts in the scratch file, by page index.
    written: HashMap<usize, Written>,
    /// The link spans of the parts in the scratch file (start and end of each), end to end.
    written_links: Vec<usize>,
    /// The (kind of page, label) pairs whose check of a part from the scratch file passed.
    checked_written: HashSet<(&'static str, String)>,
    /// Uses still to come of each page, by page index.
    left: HashMap<usize, u32>,
    /// The kept parts, by page index.
    parts: HashMap<usize, Entry>,
    /// The packed parts, end to end.
    blocks: Vec<Vec<u8>>,
    /// The link spans of the kept parts (start and end of each), end to end.
    links: Vec<usize>,
    /// Packed bytes stored in `blocks`.
    bytes: usize,
    /// The most packed bytes `blocks` may hold.
    max_bytes: usize,
    /// The (kind of page, label) pairs whose check passed.
    checked: HashSet<(&'static str, String)>,
}

struct Entry {
    /// The relative root of the document the part was rendered for: a brief at another
    /// depth of the site cannot use it.
    root: String,
    /// The characters of its placeholder: a label of another length cannot use it.
    mark: String,
    /// Where its packed bytes are in `blocks`.
    block: usize,
    start: usize,
    len: usize,
    /// The length of the HTML.
    unpacked: usize,
    /// Where its link spans are in `links`.
    spans: Range<usize>,
}

impl State {
    /// The part kept as `entry`; `None` should its bytes not unpack (they always do).
    fn unpack(&self, entry: &Entry) -> Option<Prefixed> {
        let packed = self
            .blocks
            .get(entry.block)?
            .get(entry.start..entry.start + entry.len)?;
        let bytes = lz4_flex::block::decompress(packed, entry.unpacked).ok()?;
        let html = String::from_utf8(bytes).ok()?;
        let links = self
            .links
            .get(entry.spans.clone())?
            .chunks_exact(2)
            .map(|pair| pair[0]..pair[1])
            .collect();
        Some(Prefixed { html, links })
    }

    /// Stores `packed` at the end of the last block, or of a new one; `None` past the
    /// budget.
    fn store(&mut self, packed: &[u8]) -> Option<(usize, usize)> {
        if self.bytes + packed.len() > self.max_bytes {
            return None;
        }
        let fits = self
            .blocks
            .last()
            .is_some_and(|b| b.capacity() - b.len() >= packed.len());
        if !fits {
            self.blocks
                .push(Vec::with_capacity(BLOCK_BYTES.max(packed.len())));
        }
        let block = self.blocks.len() - 1;
        let target = &mut self.blocks[block];
        let start = target.len();
        target.extend_from_slice(packed);
        self.bytes += packed.len();
        Some((block, start))
    }
}

impl Annexes {
    /// A cache for documents whose annexes are `uses`: the page index of each annex of each
    /// document (a page named by three briefs appears three times).
    pub fn new(uses: impl IntoIterator<Item = usize>) -> Annexes {
        let mut left: HashMap<usize, u32> = HashMap::new();
        for j in uses {
            *left.entry(j).or_default() += 1;
        }
        let shared = left.values().filter(|&&n| n > 1).count();
        Annexes {
            state: Mutex::new(State {
                left,
                max_bytes: Self::max_bytes(shared),
                ..State::default()
            }),
            scratch: None,
            scratch_off: AtomicU8::new(NoScratch::NoFile as u8),
            from_portal: AtomicUsize::new(0),
            off: AtomicBool::new(false),
            hits: AtomicUsize::new(0),
            renders: AtomicUsize::new(0),
        }
    }

    /// Keeps the whole-portal document's parts of the pages named as annexes in `file`
    /// ([`Annexes::offer`]), for the briefs to take; or, given why not, keeps none.
    pub fn with_scratch(mut self, file: Result<File, NoScratch>) -> Annexes {
        // Parts are written and read at offsets, which only unix's `FileExt` offers here.
        #[cfg(not(unix))]
        let file = file.and(Err(NoScratch::NoFile));
        match file {
            Ok(file) => {
                self.scratch = Some(Scratch {
                    file,
                    len: AtomicU64::new(0),
                });
                self.scratch_off.store(0, Ordering::Relaxed);
            }
            Err(why) => {
                self.scratch = None;
                self.scratch_off.store(why as u8, Ordering::Relaxed);
            }
        }
        self
    }

    /// Why the scratch file is not used, if it is not.
    pub fn no_scratch(&self) -> Option<NoScratch> {
        NoScratch::from_u8(self.scratch_off.load(Ordering::Relaxed))
    }

    /// The bytes the scratch file holds: none once it was stopped, which emptied it.
    fn scratch_bytes(&self) -> u64 {
        self.scratch
            .as_ref()
            .filter(|_| self.no_scratch().is_none())
            .map_or(0, |s| s.len.load(Ordering::Relaxed))
    }

    /// Stops the use of the scratch file for `why`, and gives back its disk space.
    fn stop_scratch(&self, why: NoScratch) {
        if self
            .scratch_off
            .compare_exchange(0, why as u8, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        {
            let mut state = self.state();
            state.written.clear();
            state.written_links = Vec::new();
        }
        if let Some(scratch) = &self.scratch {
            // Nothing to do should this fail too: the file goes when the build ends.
            let _ = scratch.file.set_len(0);
        }
    }

    /// Offers the portal document's part of page `j`, rendered for a document whose relative
    /// root is `root`, with no label, its ids prefixed, before its links jump: kept in the
    /// scratch file when page `j` is an annex of some brief. A part that cannot be written is
    /// simply not kept.
    pub fn offer(&self, j: usize, root: &str, part: &Prefixed) {
        let Some(scratch) = &self.scratch else {
            return;
        };
        if self.scratch_off.load(Ordering::Relaxed) != 0 || !self.state().left.contains_key(&j) {
            return;
        }
        let len = part.html.len() as u64;
        let offset = scratch.len.fetch_add(len, Ordering::Relaxed);
        if write_at(&scratch.file, part.html.as_bytes(), offset).is_err() {
            self.stop_scratch(NoScratch::WriteFailed);
            return;
        }
        let mut state = self.state();
        if self.scratch_off.load(Ordering::Relaxed) != 0 {
            return;
        }
        let first = state.written_links.len();
        let links: Vec<usize> = part.links.iter().flat_map(|s| [s.start, s.end]).collect();
        state.written_links.extend_from_slice(&links);
        state.written.insert(
            j,
            Written {
                root: root.to_string(),
                offset,
                len: part.html.len(),
                spans: first..first + links.len(),
            },
        );
    }

    /// The portal document's part of page `j` from the scratch file, when it was kept for a
    /// document whose root is `root`.
    fn written(&self, j: usize, root: &str) -> Option<Prefixed> {
        if self.scratch_off.load(Ordering::Relaxed) != 0 {
            return None;
        }
        let scratch = self.scratch.as_ref()?;
        let (offset, len, links) = {
            let state = self.state();
            let written = state.written.get(&j).filter(|w| w.root == root)?;
            let links: Vec<Range<usize>> = state
                .written_links
                .get(written.spans.clone())?
                .chunks_exact(2)
                .map(|pair| pair[0]..pair[1])
                .collect();
            (written.offset, written.len, links)
        };
        let mut bytes = vec![0; len];
        read_at(&scratch.file, &mut bytes, offset).ok()?;
        // The file may have been emptied by a failed write while it was read.
        if self.scratch_off.load(Ordering::Relaxed) != 0 {
            return None;
        }
        let html = String::from_utf8(bytes).ok()?;
        Some(Prefixed { html, links })
    }

    /// The part of page `j` from the scratch file, checked on the first use of each label on
    /// each kind of page; `None` when there is none (or the check failed: then the cache is
    /// not used again).
    fn scratch_part(
        &self,
        j: usize,
        kind: &'static str,
        root: &str,
        label: &str,
        render: &impl Fn(&str) -> Result<Prefixed, Diagnostic>,
    ) -> Option<Result<Prefixed, Diagnostic>> {
        let part = self.written(j, root)?;
        let key = (kind, label.to_string());
        if !self.state().checked_written.contains(&key) {
            let direct = match render(label) {
                Ok(direct) => direct,
                Err(e) => return Some(Err(e)),
            };
            if direct != part {
                self.stop_scratch(NoScratch::Differs);
                return Some(Ok(direct));
            }
            self.state().checked_written.insert(key);
        }
        self.from_portal.fetch_add(1, Ordering::Relaxed);
        Some(Ok(part))
    }

    /// The budget of packed bytes for `shared` pages named more than once: [`BYTES_PER_PAGE`]
    /// each, and at least [`MIN_BYTES`].
    pub fn max_bytes(shared: usize) -> usize {
        shared.saturating_mul(BYTES_PER_PAGE).max(MIN_BYTES)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held leaves counts at worst one use off: still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Switches the cache off and lets go of what it holds.
    fn switch_off(&self) {
        self.off.store(true, Ordering::Relaxed);
        let mut state = self.state();
        state.parts.clear();
        state.blocks.clear();
        state.links.clear();
    }

    /// The part of page `j` (of kind `kind`) as annex `label` of a document whose relative
    /// root is `root`, its ids prefixed, before its links jump inside the document.
    /// `render(label)` renders and prefixes the part with `label` as `part.label`; it is
    /// called with the label's placeholder when the part is not kept yet, and with `label`
    /// itself to check a use or once the cache is off.
    pub fn part(
        &self,
        j: usize,
        kind: &'static str,
        root: &str,
        label: &str,
        render: impl Fn(&str) -> Result<Prefixed, Diagnostic>,
    ) -> Result<Prefixed, Diagnostic> {
        if label.is_empty() {
            return render(label);
        }
        if let Some(part) = self.scratch_part(j, kind, root, label, &render) {
            let mut state = self.state();
            if let Some(n) = state.left.get_mut(&j) {
                *n = n.saturating_sub(1);
            }
            return part;
        }
        if self.off.load(Ordering::Relaxed) {
            return render(label);
        }
        let mark = label_mark(label);
        let (kept, left, check) = {
            let mut state = self.state();
            let left = match state.left.get_mut(&j) {
                Some(n) => {
                    *n = n.saturating_sub(1);
                    *n
                }
                None => 0,
            };
            let kept = match state.parts.get(&j) {
                Some(entry) if entry.root == root && entry.mark == mark => state.unpack(entry),
                _ => None,
            };
            if left == 0 {
                // Its bytes stay in their block until the cache is dropped.
                state.parts.remove(&j);
            }
            // Recorded only once a check passed: until then every use checks.
            let check = !state.checked.contains(&(kind, label.to_string()));
            (kept, left, check)
        };
        let (marked, fresh) = match kept {
            Some(part) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                (part, None)
            }
            None => {
                self.renders.fetch_add(1, Ordering::Relaxed);
                let part = render(&mark)?;
                let packed = (left > 0).then(|| {
                    let links: Vec<usize> =
                        part.links.iter().flat_map(|s| [s.start, s.end]).collect();
                    (lz4_flex::block::compress(part.html.as_bytes()), links)
                });
                (part, packed)
            }
        };
        let unpacked = marked.html.len();
        let part = replace_in_part(marked, &mark, label);
        let leaked = [MARK_START, MARK_REST].iter().any(|c| {
            memchr::memmem::find(part.html.as_bytes(), c.encode_utf8(&mut [0; 4]).as_bytes())
                .is_some()
        });
        if leaked {
            // A filter changed the placeholder, so it could not be replaced.
            self.switch_off();
            return render(label);
        }
        if check {
            let direct = render(label)?;
            if direct != part {
                self.switch_off();
                return Ok(direct);
            }
            self.state().checked.insert((kind, label.to_string()));
        }
        if let Some((packed, links)) = fresh {
            let mut state = self.state();
            let wanted = state.left.get(&j).is_some_and(|&n| n > 0)
                && !state.parts.contains_key(&j)
                && !self.off.load(Ordering::Relaxed);
            if let Some((block, start)) = wanted.then(|| state.store(&packed)).flatten() {
                let first = state.links.len();
                state.links.extend_from_slice(&links);
                state.parts.insert(
                    j,
                    Entry {
                        root: root.to_string(),
                        mark,
                        block,
                        start,
                        len: packed.len(),
                        unpacked,
                        spans: first..first + links.len(),
                    },
                );
            }
        }
        Ok(part)
    }

    /// What the cache did, for `OREBRIEF_TIMINGS`: parts used from it, parts rendered, the
    /// bytes it stored and whether it was switched off.
    pub fn summary(&self) -> String {
        let state = self.state();
        format!(
            "annex parts: {} from the portal print ({} kept, {:.1} MiB on disk){}, {} rendered, {} reused, {:.1} MiB packed{}",
            self.from_portal.load(Ordering::Relaxed),
            state.written.len(),
            self.scratch_bytes() as f64 / (1024.0 * 1024.0),
            self.no_scratch()
                .map_or(String::new(), |why| format!(" (not used: {})", why.text())),
            self.renders.load(Ordering::Relaxed),
            self.hits.load(Ordering::Relaxed),
            state.bytes as f64 / (1024.0 * 1024.0),
            if self.off.load(Ordering::Relaxed) {
                " (switched off: the theme does more with part.label than show it)"
            } else {
                ""
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn prefixed(html: String) -> Prefixed {
        crate::render::rewrite::prefix_part(&html, "a-", Some("../"))
    }

    /// A stand-in template: shows the label twice and the page's number.
    fn template(j: usize, calls: &Cell<usize>) -> impl Fn(&str) -> Result<Prefixed, Diagnostic> {
        move |label: &str| {
            calls.set(calls.get() + 1);
            Ok(prefixed(format!(
                "<p>{label}</p><h2 id=\"t\">Page {j}</h2><p title=\"{label}\"><a href=\"../x/\">x</a></p>"
            )))
        }
    }

    #[test]
    fn a_part_named_twice_is_rendered_once_and_relabelled() {
        let annexes = Annexes::new([7, 7, 8]);
        let calls = Cell::new(0);
        let first = annexes
            .part(7, "mineral", "../", "Annex A", template(7, &calls))
            .unwrap();
        assert_eq!(first.links.len(), 1);
        assert_eq!(&first.html[first.links[0].clone()], "../x/");
        assert_eq!(
            first.html,
            "<p>Annex A</p><h2 id=\"a-t\">Page 7</h2><p title=\"Annex A\"><a href=\"../x/\">x</a></p>"
        );
        // One render with the mark, one to check the label "Annex A".
        assert_eq!(calls.get(), 2);
        let second = annexes
            .part(7, "mineral", "../", "Annex B", template(7, &calls))
            .unwrap();
        assert_eq!(&second.html[second.links[0].clone()], "../x/");
        assert_eq!(
            second.html,
            "<p>Annex B</p><h2 id=\"a-t\">Page 7</h2><p title=\"Annex B\"><a href=\"../x/\">x</a></p>"
        );
        // Reused; only the check of the new label "Annex B" rendered.
        assert_eq!(calls.get(), 3);
        // Its last use is done: the part is no longer kept.
        assert!(annexes.state().parts.is_empty());
        assert!(annexes.summary().contains("1 rendered, 1 reused"));
    }

    /// A stand-in template that does not show the label (as the default theme's parts).
    fn unlabelled(j: usize, calls: &Cell<usize>) -> impl Fn(&str) -> Result<Prefixed, Diagnostic> {
        move |_: &str| {
            calls.set(calls.get() + 1);
            Ok(prefixed(format!(
                "<h3 id=\"t\">Page {j}</h3><p><a href=\"../x/\">x</a></p>"
            )))
        }
    }

    fn scratch() -> Result<File, NoScratch> {
        Ok(tempfile::tempfile().unwrap())
    }

    #[test]
    fn parts_of_the_portal_document_serve_as_annexes() {
        let annexes = Annexes::new([7, 7, 8, 9]).with_scratch(scratch());
        let calls = Cell::new(0);
        // The portal document offers its parts: those of pages named as annexes are kept.
        for j in [6, 7, 8, 9] {
            annexes.offer(j, "../", &unlabelled(j, &calls)("").unwrap());
        }
        assert_eq!(annexes.state().written.len(), 3);
        calls.set(0);
        // The first use of a label on a kind is checked against a render; later ones are not
        // rendered at all, and come out as the portal rendered them.
        let first = annexes
            .part(7, "mineral", "../", "Annex A", unlabelled(7, &calls))
            .unwrap();
        assert_eq!(calls.get(), 1);
        assert_eq!(first, unlabelled(7, &Cell::new(0))("").unwrap());
        assert_eq!(&first.html[first.links[0].clone()], "../x/");
        let again = annexes
            .part(8, "mineral", "../", "Annex A", unlabelled(8, &calls))
            .unwrap();
        assert_eq!(calls.get(), 1);
        assert!(again.html.contains("Page 8"));
        annexes
            .part(7, "mineral", "../", "Annex B", unlabelled(7, &calls))
            .unwrap();
        assert_eq!(calls.get(), 2, "a new label is checked");
        // A document at another depth cannot use them.
        annexes
            .part(9, "mineral", "../../", "Annex A", unlabelled(9, &calls))
            .unwrap();
        assert!(
            annexes
                .summary()
                .starts_with("annex parts: 3 from the portal print (3 kept")
        );
    }

    #[test]
    fn a_part_that_shows_its_label_stops_the_use_of_the_portal_parts() {
        let annexes = Annexes::new([7, 7, 8]).with_scratch(scratch());
        let calls = Cell::new(0);
        for j in [7, 8] {
            annexes.offer(j, "../", &template(j, &calls)("").unwrap());
        }
        let part = annexes
            .part(7, "mineral", "../", "Annex A", template(7, &calls))
            .unwrap();
        assert!(part.html.starts_with("<p>Annex A</p>"), "{}", part.html);
        assert!(annexes.state().written.is_empty());
        let part = annexes
            .part(8, "mineral", "../", "Annex B", template(8, &calls))
            .unwrap();
        assert!(part.html.starts_with("<p>Annex B</p>"), "{}", part.html);
        assert!(
            annexes
                .summary()
                .contains("(not used: a part differed from the part rendered with its label)"),
            "{}",
            annexes.summary()
        );
        assert!(
            annexes
                .summary()
                .starts_with("annex parts: 0 from the portal print")
        );
    }

    #[test]
    fn without_a_scratch_file_nothing_is_offered() {
        let annexes = Annexes::new([7, 7]);
        annexes.offer(7, "../", &unlabelled(7, &Cell::new(0))("").unwrap());
        assert!(annexes.state().written.is_empty());
        assert!(annexes.summary().contains("(not used: no scratch file)"));
        let annexes = Annexes::new([7, 7]).with_scratch(Err(NoScratch::ReadsLabel));
        annexes.offer(7, "../", &unlabelled(7, &Cell::new(0))("").unwrap());
        assert!(annexes.state().written.is_empty());
        assert!(
            annexes
                .summary()
                .contains("(not used: the theme's part templates read part.label)")
        );
    }

    #[test]
    fn a_failed_write_stops_the_scratch_file_and_the_parts_are_rendered() {
        // A file open only for reading stands for a full disk: every write fails.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scratch");
        std::fs::write(&path, b"").unwrap();
        let file = File::open(&path).unwrap();
        let annexes = Annexes::new([7, 7, 8, 8]).with_scratch(Ok(file));
        let calls = Cell::new(0);
        annexes.offer(7, "../", &unlabelled(7, &calls)("").unwrap());
        annexes.offer(8, "../", &unlabelled(8, &calls)("").unwrap());
        assert!(annexes.state().written.is_empty());
        assert_eq!(annexes.no_scratch(), Some(NoScratch::WriteFailed));
        let part = annexes
            .part(8, "mineral", "../", "Annex A", unlabelled(8, &calls))
            .unwrap();
        assert!(part.html.contains("Page 8"));
        let summary = annexes.summary();
        assert!(
            summary.starts_with("annex parts: 0 from the portal print (0 kept")
                && summary.contains("(not used: a write to the scratch file failed)")
                && summary.contains("1 rendered"),
            "{summary}"
        );
    }

    #[test]
    fn a_part_that_differs_empties_the_scratch_file() {
        let annexes = Annexes::new([7, 7]).with_scratch(scratch());
        let calls = Cell::new(0);
        annexes.offer(7, "../", &template(7, &calls)("").unwrap());
        let file_len = || {
            annexes
                .scratch
                .as_ref()
                .unwrap()
                .file
                .metadata()
                .unwrap()
                .len()
        };
        assert!(file_len() > 0);
        assert_eq!(annexes.scratch_bytes(), file_len());
        annexes
            .part(7, "mineral", "../", "Annex A", template(7, &calls))
            .unwrap();
        assert_eq!(annexes.no_scratch(), Some(NoScratch::Differs));
        assert_eq!(file_len(), 0);
        assert!(annexes.state().written_links.is_empty());
        assert_eq!(annexes.scratch_bytes(), 0);
    }

    #[test]
    fn a_page_named_once_is_not_kept() {
        let annexes = Annexes::new([3]);
        let calls = Cell::new(0);
        annexes
            .part(3, "mineral", "../", "Annex A", template(3, &calls))
            .unwrap();
        assert!(annexes.state().parts.is_empty());
        assert_eq!(annexes.state().bytes, 0);
    }

    #[test]
    fn the_budget_grows_with_the_pages_kept() {
        assert_eq!(Annexes::max_bytes(0), MIN_BYTES);
        assert_eq!(Annexes::max_bytes(1_000), MIN_BYTES);
        assert_eq!(Annexes::max_bytes(28_000), 28_000 * BYTES_PER_PAGE);
        // Pages named once do not count.
        let uses: Vec<usize> = (0..5_000)
            .flat_map(|j| [j, j])
            .chain(5_000..9_000)
            .collect();
        assert_eq!(Annexes::new(uses).state().max_bytes, 5_000 * BYTES_PER_PAGE);
    }

    #[test]
    fn past_its_budget_a_part_is_rendered_for_each_use() {
        let annexes = Annexes::new([7, 7]);
        annexes.state().max_bytes = 10;
        let calls = Cell::new(0);
        let first = annexes
            .part(7, "mineral", "../", "Annex A", template(7, &calls))
            .unwrap();
        let second = annexes
            .part(7, "mineral", "../", "Annex B", template(7, &calls))
            .unwrap();
        assert!(second.html.starts_with("<p>Annex B</p>"), "{}", second.html);
        assert_eq!(first.html.replace("Annex A", "Annex B"), second.html);
        assert!(annexes.state().parts.is_empty());
        assert_eq!(annexes.state().bytes, 0);
        assert!(
            annexes.summary().contains("0 reused"),
            "{}",
            annexes.summary()
        );
    }

    #[test]
    fn parts_are_stored_end_to_end_in_blocks() {
        let uses: Vec<usize> = (0..40).flat_map(|j| [j, j]).collect();
        let annexes = Annexes::new(uses);
        // Parts of about 100 KB that barely pack: about ten to a block.
        let big = |j: usize| {
            move |label: &str| -> Result<Prefixed, Diagnostic> {
                let mut seed = j as u64 + 1;
                let noise: String = (0..100_000)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        char::from(b'a' + (seed >> 59) as u8)
                    })
                    .collect();
                Ok(prefixed(format!("<p>{label}</p>{noise}")))
            }
        };
        for j in 0..40 {
            annexes
                .part(j, "mineral", "../", "Annex A", big(j))
                .unwrap();
        }
        let blocks = annexes.state().blocks.len();
        assert!((3..=6).contains(&blocks), "{blocks} blocks");
        for j in 0..40 {
            let html = annexes
                .part(j, "mineral", "../", "Annex B", big(j))
                .unwrap();
            assert_eq!(html, big(j)("Annex B").unwrap());
        }
        assert!(annexes.summary().contains("40 rendered, 40 reused"));
    }

    #[test]
    fn another_root_renders_again() {
        let annexes = Annexes::new([5, 5]);
        let calls = Cell::new(0);
        annexes
            .part(5, "mineral", "../", "Annex A", template(5, &calls))
            .unwrap();
        annexes
            .part(5, "mineral", "../../", "Annex A", template(5, &calls))
            .unwrap();
        assert!(annexes.summary().contains("2 rendered, 0 reused"));
    }

    #[test]
    fn a_theme_that_transforms_the_label_switches_the_cache_off() {
        let annexes = Annexes::new([1, 1, 1]);
        let upper = |label: &str| -> Result<Prefixed, Diagnostic> {
            Ok(prefixed(format!("<p>{}</p>", label.to_uppercase())))
        };
        assert_eq!(
            annexes
                .part(1, "mineral", "../", "Annex A", upper)
                .unwrap()
                .html,
            "<p>ANNEX A</p>"
        );
        assert_eq!(
            annexes
                .part(1, "mineral", "../", "Annex B", upper)
                .unwrap()
                .html,
            "<p>ANNEX B</p>"
        );
        assert!(annexes.summary().contains("switched off"));
        assert!(annexes.state().parts.is_empty());
    }

    #[test]
    fn errors_pass_through() {
        let annexes = Annexes::new([2, 2]);
        let failing = |_: &str| -> Result<Prefixed, Diagnostic> {
            Err(Diagnostic::error("t.html", 1, 1, "boom"))
        };
        assert!(
            annexes
                .part(2, "mineral", "../", "Annex A", failing)
                .is_err()
        );
    }

    #[test]
    fn a_check_is_made_for_each_kind_of_page_and_recorded_once_it_passes() {
        let annexes = Annexes::new([1, 1, 2, 2]);
        let plain = |label: &str| -> Result<Prefixed, Diagnostic> {
            Ok(prefixed(format!("<p>{label}</p>")))
        };
        // The label "Annex A" passes on a mineral...
        annexes.part(1, "mineral", "../", "Annex A", plain).unwrap();
        assert!(
            annexes
                .state()
                .checked
                .contains(&("mineral", "Annex A".to_string()))
        );
        // ...which says nothing of a company template that shouts it.
        let upper = |label: &str| -> Result<Prefixed, Diagnostic> {
            Ok(prefixed(format!("<p>{}</p>", label.to_uppercase())))
        };
        let company = annexes.part(2, "company", "../", "Annex A", upper).unwrap();
        assert_eq!(company.html, "<p>ANNEX A</p>");
        assert!(annexes.summary().contains("switched off"));
    }

    #[test]
    fn a_failed_check_is_not_recorded() {
        let annexes = Annexes::new([4, 4]);
        let failing = |label: &str| -> Result<Prefixed, Diagnostic> {
            if label.starts_with('A') {
                Err(Diagnostic::error("t.html", 1, 1, "boom"))
            } else {
                Ok(prefixed(format!("<p>{label}</p>")))
            }
        };
        assert!(
            annexes
                .part(4, "mineral", "../", "Annex A", failing)
                .is_err()
        );
        assert!(annexes.state().checked.is_empty());
    }

    #[test]
    fn text_cut_to_a_length_is_cut_as_with_the_label() {
        // A theme that shortens "label: title" to 12 characters.
        let annexes = Annexes::new([6, 6, 6]);
        let cut = |label: &str| -> Result<Prefixed, Diagnostic> {
            let text: String = format!("{label}: Aluminium alloy")
                .chars()
                .take(12)
                .collect();
            Ok(prefixed(format!("<p>{text}</p>")))
        };
        for label in ["Annex A", "Annex B", "Annex C"] {
            assert_eq!(
                annexes.part(6, "mineral", "../", label, cut).unwrap(),
                cut(label).unwrap()
            );
        }
        assert!(!annexes.summary().contains("switched off"));
        assert!(annexes.summary().contains("1 rendered, 2 reused"));
    }

    #[test]
    fn a_placeholder_left_in_the_output_renders_the_part_directly() {
        // A filter that drops the label's first character: the placeholder is broken, so
        // it cannot be replaced.
        let annexes = Annexes::new([8, 8]);
        let tail = |label: &str| -> Result<Prefixed, Diagnostic> {
            Ok(prefixed(format!(
                "<p>{}</p>",
                label.chars().skip(1).collect::<String>()
            )))
        };
        let part = annexes.part(8, "mineral", "../", "Annex A", tail).unwrap();
        assert_eq!(part.html, "<p>nnex A</p>");
        assert!(annexes.summary().contains("switched off"));
    }

    #[test]
    fn placeholders_are_as_long_as_their_labels() {
        for label in ["A", "Annex A", "Annex AB", "Anhang Ä"] {
            assert_eq!(label_mark(label).chars().count(), label.chars().count());
        }
    }
}
