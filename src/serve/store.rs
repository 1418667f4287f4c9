//! The served output, in memory: nothing is written to disk, and only files a build produced
//! can be served.
//!
//! The files come in three layers, looked up in the order a full build writes them (a later
//! writer wins): the site's and the theme's static files, then the search and print outputs
//! (which read every page, so they are rebuilt after the pages, see [`Store::set_pending`]),
//! then the pages with their data exports and the site-wide files.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

/// A file's bytes, shared between the store and the responses being sent.
pub type Bytes = Arc<Vec<u8>>;

/// One layer of files, by path inside the output (`minerals/gallium/index.html`).
pub type Layer = HashMap<String, Bytes>;

/// The three layers.
#[derive(Debug, Default, Clone)]
pub struct Layers {
    /// Pages, data exports and site-wide files.
    pub pages: Layer,
    /// The paths of `pages` that are site-wide files (the feed, the sitemap, `portal.json`).
    pub site_files: HashSet<String>,
    /// The paths the search and print phase writes, known before it first runs.
    pub deferred: HashSet<String>,
    /// The search index and page and the print pages.
    pub search_and_print: Layer,
    /// Static files.
    pub statics: Layer,
}

impl Layers {
    /// The file at `path`, if the build produced one.
    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.statics
            .get(path)
            .or_else(|| self.search_and_print.get(path))
            .or_else(|| self.pages.get(path))
    }

    /// Every file, as a full build would have written it.
    pub fn flatten(&self) -> BTreeMap<String, Bytes> {
        let mut all: BTreeMap<String, Bytes> = BTreeMap::new();
        for layer in [&self.pages, &self.search_and_print, &self.statics] {
            for (k, v) in layer {
                all.insert(k.clone(), v.clone());
            }
        }
        all
    }
}

/// Called when a request waits for stale files, so that they are rebuilt now.
#[derive(Default)]
struct Waker(Mutex<Option<Box<dyn Fn() + Send + Sync>>>);

impl std::fmt::Debug for Waker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Waker")
    }
}

/// The output being served, shared by the rebuilds and the HTTP server.
#[derive(Debug, Default)]
pub struct Store {
    layers: RwLock<Option<Layers>>,
    pending: Mutex<bool>,
    ready: Condvar,
    waker: Waker,
    /// Requests waiting for the stale files.
    waiting: AtomicUsize,
}

/// Counts a waiting request out when dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How long a request for a file still being rebuilt waits before it is answered anyway.
const WAIT: Duration = Duration::from_secs(60);

impl Store {
    /// An empty store (nothing built yet).
    pub fn new() -> Store {
        Store::default()
    }

    /// Whether a build has succeeded yet.
    pub fn is_built(&self) -> bool {
        self.layers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// The file at `path`. While the search and print outputs are stale, a request for one of
    /// them (or for a site-wide file) has them rebuilt and waits, also when it was never
    /// written yet ([`Layers::deferred`]). Another path not found does not wait (browsers ask
    /// for `/favicon.ico` on every page).
    pub fn get(&self, path: &str) -> Option<Bytes> {
        {
            let layers = self.layers.read().unwrap_or_else(|e| e.into_inner());
            let layers = layers.as_ref()?;
            let deferred = !layers.statics.contains_key(path)
                && (layers.site_files.contains(path)
                    || layers.search_and_print.contains_key(path)
                    || layers.deferred.contains(path));
            if !deferred || !self.is_pending() {
                return layers.get(path).cloned();
            }
        }
        self.wait_ready();
        let layers = self.layers.read().unwrap_or_else(|e| e.into_inner());
        layers.as_ref()?.get(path).cloned()
    }

    fn is_pending(&self) -> bool {
        *self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets what is called when a request waits for the stale files.
    pub fn on_wait(&self, wake: impl Fn() + Send + Sync + 'static) {
        *self.waker.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(wake));
    }

    /// Whether a request is waiting for the stale files (the rebuild that makes them must
    /// then not give way to a change).
    pub fn has_waiters(&self) -> bool {
        self.waiting.load(Ordering::SeqCst) > 0
    }

    fn wait_ready(&self) {
        // Counted before the rebuild is asked for, so that it sees the request.
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting(&self.waiting);
        if let Some(wake) = self
            .waker
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            wake();
        }
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self
            .ready
            .wait_timeout_while(pending, WAIT, |p| *p)
            .unwrap_or_else(|e| e.into_inner());
    }

    /// Marks the search, print and site-wide files as stale (`true`) or fresh.
    pub fn set_pending(&self, pending: bool) {
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = pending;
        if !pending {
            self.ready.notify_all();
        }
    }

    /// Reads the layers.
    pub fn read<T>(&self, f: impl FnOnce(Option<&Layers>) -> T) -> T {
        let layers = self.layers.read().unwrap_or_else(|e| e.into_inner());
        f(layers.as_ref())
    }

    /// Changes the layers (creating them when nothing was built yet).
    pub fn update<T>(&self, f: impl FnOnce(&mut Layers) -> T) -> T {
        let mut layers = self.layers.write().unwrap_or_else(|e| e.into_inner());
        f(layers.get_or_insert_with(Layers::default))
    }

    /// Replaces everything.
    pub fn replace(&self, new: Layers) {
        *self.layers.write().unwrap_or_else(|e| e.into_inner()) = Some(new);
    }

    /// Every file, as a full build would have written it (empty before the first build).
    pub fn snapshot(&self) -> BTreeMap<String, Bytes> {
        self.read(|l| l.map(Layers::flatten).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(s: &str) -> Bytes {
        Arc::new(s.as_bytes().to_vec())
    }

    #[test]
    fn static_files_win_then_search_and_print_then_pages() {
        let mut l = Layers::default();
        l.pages.insert("a".into(), bytes("page"));
        l.pages.insert("b".into(), bytes("page"));
        l.search_and_print.insert("b".into(), bytes("print"));
        l.search_and_print.insert("c".into(), bytes("print"));
        l.statics.insert("c".into(), bytes("static"));
        assert_eq!(l.get("a").unwrap().as_slice(), b"page");
        assert_eq!(l.get("b").unwrap().as_slice(), b"print");
        assert_eq!(l.get("c").unwrap().as_slice(), b"static");
        assert_eq!(l.flatten().len(), 3);
    }

    #[test]
    fn pages_are_served_while_search_and_print_are_pending() {
        let store = Arc::new(Store::new());
        store.update(|l| {
            l.pages.insert("index.html".into(), bytes("home"));
            l.search_and_print
                .insert("search/index.html".into(), bytes("old"));
        });
        store.set_pending(true);
        let (tx, rx) = std::sync::mpsc::channel();
        let tx = Mutex::new(tx);
        store.on_wait(move || tx.lock().unwrap().send(()).unwrap());
        assert_eq!(store.get("index.html").unwrap().as_slice(), b"home");
        assert!(!store.has_waiters());
        let waiting = {
            let store = store.clone();
            std::thread::spawn(move || store.get("search/index.html"))
        };
        // The request asks for the rebuild, and is counted as waiting by then.
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(store.has_waiters());
        std::thread::sleep(Duration::from_millis(50));
        store.update(|l| {
            l.search_and_print
                .insert("search/index.html".into(), bytes("new"))
        });
        store.set_pending(false);
        assert_eq!(waiting.join().unwrap().unwrap().as_slice(), b"new");
        assert!(!store.has_waiters());
    }
}
