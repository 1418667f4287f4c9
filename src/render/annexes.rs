//! Annex parts shared between the printable briefs of one build.
//!
//! A mineral named by several briefs is an annex of each of their print documents, and its
//! part (the profile, with its production tables and producers: the costliest part to
//! render) is the same in all of them but for its label, "Annex B" in one and "Annex A" in
//! another. The links of a part are made document-specific afterwards
//! ([`super::print`]'s `rewrite_part`), so the template's output can be shared: each part is
//! rendered once with a placeholder for its label, kept packed ([`PackedHtml`]) until the
//! last brief that names it is written, and given its label on each use.
//!
//! Only pages named by two briefs or more are kept, each until its last use, within
//! [`MAX_BYTES`]. The result is the same as without the cache: the first use of each label
//! value is also rendered with the label itself and compared; a theme that does more with
//! `part.label` than show it (a filter, a test on its value) makes them differ, and the cache
//! is then switched off for the rest of the build.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::packed::PackedHtml;
use crate::diagnostics::Diagnostic;

/// Stands for the label while a part is rendered for the cache: private-use characters,
/// which HTML escaping leaves alone and which no label holds.
pub const LABEL_MARK: &str = "\u{F8FF}orebrief-annex-label\u{F8FF}";

/// The most packed bytes the cache holds at once (48 MiB). A mineral's annex packs to about
/// 13 KB and a company's to about 5 KB, so a portal of 2,000 minerals fits about twice over;
/// past the limit, parts are rendered each time they are used, as without the cache.
pub const MAX_BYTES: usize = 48 << 20;

/// The shared annex parts of one build's printable briefs.
pub struct Annexes {
    state: Mutex<State>,
    /// Set once a part rendered with [`LABEL_MARK`] differs from the part rendered with its
    /// label: from then on every part is rendered for its document.
    off: AtomicBool,
    hits: AtomicUsize,
    renders: AtomicUsize,
}

#[derive(Default)]
struct State {
    /// Uses still to come of each page, by page index.
    left: HashMap<usize, u32>,
    /// The kept parts, by page index.
    parts: HashMap<usize, Entry>,
    /// Packed bytes held by `parts`, and the most they held.
    bytes: usize,
    peak: usize,
    /// Label values whose first use was checked.
    checked: HashSet<String>,
}

struct Entry {
    /// The relative root of the document the part was rendered for: a brief at another
    /// depth of the site cannot use it.
    root: String,
    html: Arc<PackedHtml>,
}

impl Annexes {
    /// A cache for documents whose annexes are `uses`: the page index of each annex of each
    /// document (a page named by three briefs appears three times).
    pub fn new(uses: impl IntoIterator<Item = usize>) -> Annexes {
        let mut left: HashMap<usize, u32> = HashMap::new();
        for j in uses {
            *left.entry(j).or_default() += 1;
        }
        Annexes {
            state: Mutex::new(State {
                left,
                ..State::default()
            }),
            off: AtomicBool::new(false),
            hits: AtomicUsize::new(0),
            renders: AtomicUsize::new(0),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held leaves counts at worst one use off: still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The part of page `j` as annex `label` of a document whose relative root is `root`,
    /// before its links are rewritten for the document. `render(label)` renders the part
    /// with `label` as `part.label`; it is called with [`LABEL_MARK`] when the part is not
    /// kept yet, and with `label` itself to check a label's first use or once the cache is
    /// off.
    pub fn part(
        &self,
        j: usize,
        root: &str,
        label: &str,
        render: impl Fn(&str) -> Result<String, Diagnostic>,
    ) -> Result<String, Diagnostic> {
        if self.off.load(Ordering::Relaxed) {
            return render(label);
        }
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
                Some(entry) if entry.root == root => Some(Arc::clone(&entry.html)),
                _ => None,
            };
            if left == 0 {
                if let Some(entry) = state.parts.remove(&j) {
                    state.bytes -= entry.html.packed_len();
                }
            }
            let check = !state.checked.contains(label);
            if check {
                state.checked.insert(label.to_string());
            }
            (kept, left, check)
        };
        let (marked, fresh) = match kept {
            Some(packed) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                (packed.unpack(), None)
            }
            None => {
                self.renders.fetch_add(1, Ordering::Relaxed);
                let html = render(LABEL_MARK)?;
                let packed = (left > 0).then(|| PackedHtml::pack(&html));
                (html, packed)
            }
        };
        let html = marked.replace(LABEL_MARK, label);
        if check {
            let direct = render(label)?;
            if direct != html {
                self.off.store(true, Ordering::Relaxed);
                let mut state = self.state();
                state.parts.clear();
                state.bytes = 0;
                return Ok(direct);
            }
        }
        if let Some(packed) = fresh {
            let mut state = self.state();
            let size = packed.packed_len();
            let wanted = state.left.get(&j).is_some_and(|&n| n > 0)
                && !state.parts.contains_key(&j)
                && state.bytes + size <= MAX_BYTES
                && !self.off.load(Ordering::Relaxed);
            if wanted {
                state.parts.insert(
                    j,
                    Entry {
                        root: root.to_string(),
                        html: Arc::new(packed),
                    },
                );
                state.bytes += size;
                state.peak = state.peak.max(state.bytes);
            }
        }
        Ok(html)
    }

    /// What the cache did, for `OREBRIEF_TIMINGS`: parts used from it, parts rendered, the
    /// most it held and whether it was switched off.
    pub fn summary(&self) -> String {
        let state = self.state();
        format!(
            "annex parts: {} rendered, {} reused, at most {:.1} MiB packed{}",
            self.renders.load(Ordering::Relaxed),
            self.hits.load(Ordering::Relaxed),
            state.peak as f64 / (1024.0 * 1024.0),
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

    /// A stand-in template: shows the label twice and the page's number.
    fn template(j: usize, calls: &Cell<usize>) -> impl Fn(&str) -> Result<String, Diagnostic> {
        move |label: &str| {
            calls.set(calls.get() + 1);
            Ok(format!(
                "<p>{label}</p><h2>Page {j}</h2><p title=\"{label}\"></p>"
            ))
        }
    }

    #[test]
    fn a_part_named_twice_is_rendered_once_and_relabelled() {
        let annexes = Annexes::new([7, 7, 8]);
        let calls = Cell::new(0);
        let first = annexes
            .part(7, "../", "Annex A", template(7, &calls))
            .unwrap();
        assert_eq!(
            first,
            "<p>Annex A</p><h2>Page 7</h2><p title=\"Annex A\"></p>"
        );
        // One render with the mark, one to check the label "Annex A".
        assert_eq!(calls.get(), 2);
        let second = annexes
            .part(7, "../", "Annex B", template(7, &calls))
            .unwrap();
        assert_eq!(
            second,
            "<p>Annex B</p><h2>Page 7</h2><p title=\"Annex B\"></p>"
        );
        // Reused; only the check of the new label "Annex B" rendered.
        assert_eq!(calls.get(), 3);
        // Its last use is done: the part is no longer held.
        assert!(annexes.state().parts.is_empty());
        assert_eq!(annexes.state().bytes, 0);
        assert!(annexes.summary().contains("1 rendered, 1 reused"));
    }

    #[test]
    fn a_page_named_once_is_not_kept() {
        let annexes = Annexes::new([3]);
        let calls = Cell::new(0);
        annexes
            .part(3, "../", "Annex A", template(3, &calls))
            .unwrap();
        assert!(annexes.state().parts.is_empty());
    }

    #[test]
    fn another_root_renders_again() {
        let annexes = Annexes::new([5, 5]);
        let calls = Cell::new(0);
        annexes
            .part(5, "../", "Annex A", template(5, &calls))
            .unwrap();
        annexes
            .part(5, "../../", "Annex A", template(5, &calls))
            .unwrap();
        assert!(annexes.summary().contains("2 rendered, 0 reused"));
    }

    #[test]
    fn a_theme_that_transforms_the_label_switches_the_cache_off() {
        let annexes = Annexes::new([1, 1, 1]);
        let upper = |label: &str| -> Result<String, Diagnostic> {
            Ok(format!("<p>{}</p>", label.to_uppercase()))
        };
        assert_eq!(
            annexes.part(1, "../", "Annex A", upper).unwrap(),
            "<p>ANNEX A</p>"
        );
        assert_eq!(
            annexes.part(1, "../", "Annex B", upper).unwrap(),
            "<p>ANNEX B</p>"
        );
        assert!(annexes.summary().contains("switched off"));
        assert!(annexes.state().parts.is_empty());
    }

    #[test]
    fn errors_pass_through() {
        let annexes = Annexes::new([2, 2]);
        let failing = |_: &str| -> Result<String, Diagnostic> {
            Err(Diagnostic::error("t.html", 1, 1, "boom"))
        };
        assert!(annexes.part(2, "../", "Annex A", failing).is_err());
    }
}
