//! Watching the site: `content/`, `templates/`, `themes/`, `static/` and `site.yaml`, with
//! the events of one save (an editor's write, rename and chmod) debounced into one change.
//! Editors' temporary, backup and swap files are ignored.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::incremental::Changes;
use crate::load::walk::is_ignored;

/// The folders watched (recursively) under the site root.
pub const FOLDERS: [&str; 4] = ["content", "templates", "themes", "static"];

/// Sorts a changed path (relative to the site root) into `changes`. Paths outside the watched
/// folders, and editors' temporary files, are left out.
pub fn classify(rel: &Path, changes: &mut Changes) {
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    if parts.is_empty() || parts.len() != rel.components().count() {
        return;
    }
    if parts.iter().any(|p| is_ignored(p)) {
        return;
    }
    match parts[0] {
        "site.yaml" if parts.len() == 1 => changes.everything = true,
        "templates" | "themes" => changes.everything = true,
        "static" => changes.static_files = true,
        "content" => {
            changes.content.insert(rel.to_path_buf());
        }
        _ => {}
    }
}

/// Watches a site, sending each debounced batch of changes.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Starts watching `root` (which should be absolute): every batch of changes, sorted by
    /// [`classify`], is sent on `tx` wrapped by `wrap`, `debounce` after its last event.
    pub fn start<M: Send + 'static>(
        root: &Path,
        debounce: Duration,
        tx: Sender<M>,
        wrap: impl Fn(Result<Changes, String>) -> M + Send + 'static,
    ) -> notify::Result<Watcher> {
        let base = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            let message = match result {
                Ok(events) => {
                    let mut changes = Changes::default();
                    for event in &events {
                        if event.kind.is_access() {
                            continue;
                        }
                        for path in &event.paths {
                            if let Ok(rel) = path.strip_prefix(&base) {
                                classify(rel, &mut changes);
                            }
                        }
                    }
                    if changes.is_empty() {
                        return;
                    }
                    Ok(changes)
                }
                Err(errors) => Err(errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")),
            };
            let _ = tx.send(wrap(message));
        };
        let tick = (debounce / 4).max(Duration::from_millis(5));
        let debouncer = new_debouncer(debounce, Some(tick), handler)
            .map_err(|e| notify::Error::generic(&e.to_string()))?;
        let mut watcher = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watcher.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        watcher.watch_folders();
        Ok(watcher)
    }

    /// Watches the folders that exist now and were not watched yet (a folder created after
    /// `serve` started is picked up at the next change).
    pub fn watch_folders(&mut self) {
        for name in FOLDERS {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            let watched = self.watched.contains(name);
            if exists && !watched {
                if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watched.insert(name);
                }
            } else if !exists && watched {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.remove(name);
            }
        }
    }

    /// Stops watching.
    pub fn stop(self) {
        self.debouncer.stop_nonblocking();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classified(paths: &[&str]) -> Changes {
        let mut c = Changes::default();
        for p in paths {
            classify(Path::new(p), &mut c);
        }
        c
    }

    #[test]
    fn paths_sort_into_kinds_of_change() {
        let c = classified(&["content/minerals/gallium.md", "static/logo.svg"]);
        assert_eq!(c.content.len(), 1);
        assert!(c.static_files && !c.everything);
        assert!(classified(&["site.yaml"]).everything);
        assert!(classified(&["templates/page.html"]).everything);
        assert!(classified(&["themes/default/templates/base.html"]).everything);
    }

    #[test]
    fn editor_files_and_other_folders_are_ignored() {
        for p in [
            "content/minerals/.gallium.md.swp",
            "content/minerals/gallium.md~",
            "content/minerals/#gallium.md#",
            "content/.hidden/x.md",
            "public/index.html",
            ".git/index",
            "target/debug/x",
            "static/.DS_Store",
            "../outside/content/x.md",
        ] {
            assert!(classified(&[p]).is_empty(), "{p}");
        }
    }
}
