//! `orebrief serve`: builds the site in memory, serves it over HTTP on the loopback address,
//! watches the site and rebuilds what each change touches, and reloads the open pages.
//!
//! - [`http`]: the HTTP server (files of the build only, traversal refused, MIME types, 404);
//! - [`watch`]: the file watcher, with editors' temporary files ignored;
//! - [`incremental`]: the rebuilds, narrowed down to what a change touches;
//! - [`reload`]: the injected live-reload script and the server-sent events;
//! - [`store`]: the output, kept in memory (the site's `public/` is never touched).

pub mod http;
pub mod incremental;
pub mod reload;
pub mod store;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::build::{BuildOptions, Error};
use crate::diagnostics::Diagnostic;
use incremental::{Changes, Incremental, Rebuilt};
use reload::Hub;
use store::Store;

/// The default port.
pub const DEFAULT_PORT: u16 = 1111;

/// What `serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site (root, profile, drafts). `base_url` and `inject` are set by `serve`.
    pub build: BuildOptions,
    /// The address to listen on (loopback by default).
    pub bind: IpAddr,
    /// The port; `0` lets the system choose.
    pub port: u16,
    /// Try the next ports when `port` is taken.
    pub next_free_port: bool,
    /// How long to wait after a file event for more (one save makes several).
    pub debounce: Duration,
    /// Print what happens to the terminal.
    pub verbose: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            build: BuildOptions::default(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            next_free_port: true,
            debounce: Duration::from_millis(30),
            verbose: true,
        }
    }
}

/// Why `serve` could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The site root is not readable.
    #[error("cannot read the site root {0}: {1}")]
    Root(PathBuf, #[source] std::io::Error),
    /// No port could be bound.
    #[error("cannot listen on {0}: {1}")]
    Bind(String, #[source] std::io::Error),
    /// The file watcher could not start.
    #[error("cannot watch {0}: {1}")]
    Watch(PathBuf, #[source] notify_debouncer_full::notify::Error),
    /// Ctrl-C could not be caught.
    #[error("cannot catch Ctrl-C: {0}")]
    Signal(#[from] ctrlc::Error),
}

enum Message {
    Changed(Changes),
    WatchError(String),
    /// A request waits for the search, print or site-wide files.
    Wanted,
    /// Nothing changed for [`IDLE`]: time for the search, print and site-wide files.
    Idle,
    Shutdown,
}

/// How long the rebuild loop waits for more changes before it rebuilds the search, print and
/// site-wide files (a request for one of them has them rebuilt at once).
const IDLE: Duration = Duration::from_millis(1500);

fn from_watch(result: Result<Changes, String>) -> Message {
    match result {
        Ok(changes) => Message::Changed(changes),
        Err(e) => Message::WatchError(e),
    }
}

/// Changes on their way to the rebuild loop: counted when the watcher sends one (before it
/// sends it) and when the loop takes it, so that "a change is waiting" is exact, with no flag
/// to clear and no window between setting and clearing it. Only changes that may alter the
/// output count ([`Changes::may_change_output`]), and `serve` stopping.
#[derive(Debug, Default)]
struct News {
    sent: AtomicU64,
    taken: AtomicU64,
}

impl News {
    /// The watcher (or `shutdown`) is about to send a change.
    fn send(&self) {
        self.sent.fetch_add(1, Ordering::SeqCst);
    }

    /// The loop took a change.
    fn take(&self) {
        self.taken.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether a change was sent that the loop has not taken yet.
    fn waiting(&self) -> bool {
        let taken = self.taken.load(Ordering::SeqCst);
        self.sent.load(Ordering::SeqCst) > taken
    }
}

/// How the search, print and site-wide phases went so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Phases {
    /// Phases started.
    pub started: u64,
    /// Phases that ran to their end (or failed).
    pub finished: u64,
    /// Phases stopped for a change.
    pub put_off: u64,
}

/// The check that stops the search, print and site-wide files while a change waits for the
/// rebuild loop (or `serve` is stopping), unless a request waits for them: the change is
/// then rebuilt first, and they follow once nothing changes for [`IDLE`].
fn give_way(news: Arc<News>, store: Arc<Store>) -> crate::build::Stop {
    crate::build::Stop::new(move || news.waiting() && !store.has_waiters())
}

/// A running `serve`: the HTTP server, the watcher and the rebuild thread.
pub struct Server {
    url: String,
    addr: SocketAddr,
    http: http::Http,
    tx: Sender<Message>,
    /// Changes on their way to the rebuild loop, for which the search, print and site-wide
    /// files give way ([`give_way`]).
    news: Arc<News>,
    phases: Arc<Mutex<Phases>>,
    thread: Option<JoinHandle<()>>,
    store: Arc<Store>,
    hub: Arc<Hub>,
}

/// The errors of a failed build, as diagnostics.
pub fn diagnostics_of(e: &Error) -> Vec<Diagnostic> {
    match e {
        Error::Content(list) => list.iter().filter(|d| d.is_error()).cloned().collect(),
        Error::Output(e) => vec![Diagnostic::error("output", 0, 0, e.to_string())],
    }
}

fn print_errors(e: &Error) {
    let list = diagnostics_of(e);
    for d in &list {
        eprintln!("{d}");
    }
    eprintln!(
        "build failed: {} error(s); still serving the last good build",
        list.len()
    );
}

fn report(r: &Rebuilt, verbose: bool) {
    if verbose {
        eprintln!(
            "rebuilt {}: {} unit(s) rendered, {} file(s) changed in {} ms",
            r.scope,
            r.rendered,
            r.changed,
            r.elapsed.as_millis()
        );
    }
}

impl Server {
    /// Binds, builds, then serves and watches until [`Server::shutdown`]. A site that does not
    /// build yet is served as an error page until it does.
    pub fn start(options: ServeOptions) -> Result<Server, ServeError> {
        let root = std::fs::canonicalize(&options.build.root)
            .map_err(|e| ServeError::Root(options.build.root.clone(), e))?;
        let listener = http::bind(options.bind, options.port, options.next_free_port)
            .map_err(|e| ServeError::Bind(format!("{}:{}", options.bind, options.port), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError::Bind(options.bind.to_string(), e))?;
        let host = match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        let url = format!("http://{host}:{}/", addr.port());
        let build = BuildOptions {
            root: root.clone(),
            output_dir: None,
            base_url: Some(url.clone()),
            inject: Some(reload::SCRIPT.to_string()),
            ..options.build.clone()
        };
        let store = Arc::new(Store::new());
        let hub = Arc::new(Hub::new());
        let verbose = options.verbose;

        let (tx, rx) = mpsc::channel();
        {
            let tx = std::sync::Mutex::new(tx.clone());
            store.on_wait(move || {
                let _ = tx
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .send(Message::Wanted);
            });
        }
        let news = Arc::new(News::default());
        let phases = Arc::new(Mutex::new(Phases::default()));
        let wrap = {
            let news = news.clone();
            move |result: Result<Changes, String>| {
                if result.as_ref().is_ok_and(Changes::may_change_output) {
                    news.send();
                }
                from_watch(result)
            }
        };
        let watcher = watch::Watcher::start(&root, options.debounce, tx.clone(), wrap)
            .map_err(|e| ServeError::Watch(root.clone(), e))?;
        if verbose {
            eprintln!("building {} ...", root.display());
        }
        let state = match Incremental::build(build.clone(), store.clone()) {
            Ok((mut state, rebuilt)) => {
                state.prepare_next();
                if verbose {
                    if !rebuilt.warnings.is_empty() {
                        eprintln!(
                            "{} warning(s): run `orebrief check` to see them",
                            rebuilt.warnings.len()
                        );
                    }
                    eprintln!(
                        "built {} pages in {} ms",
                        state.site().pages.len(),
                        rebuilt.elapsed.as_millis()
                    );
                }
                Some(state)
            }
            Err(e) => {
                print_errors(&e);
                hub.error(&diagnostics_of(&e));
                None
            }
        };
        let http = http::Http::start(listener, store.clone(), hub.clone())
            .map_err(|e| ServeError::Bind(addr.to_string(), e))?;
        let thread = {
            let (store, hub) = (store.clone(), hub.clone());
            let shared = Shared {
                store: store.clone(),
                news: news.clone(),
                phases: phases.clone(),
            };
            std::thread::Builder::new()
                .name("orebrief-rebuild".into())
                .spawn(move || rebuild_loop(rx, watcher, build, state, shared, hub, verbose))
                .map_err(|e| ServeError::Bind(addr.to_string(), e))?
        };
        Ok(Server {
            url,
            addr,
            http,
            tx,
            news,
            phases,
            thread: Some(thread),
            store,
            hub,
        })
    }

    /// The URL served (`http://127.0.0.1:1111/`), which is also the build's `base_url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The files served.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// How the search, print and site-wide phases went so far.
    pub fn phases(&self) -> Phases {
        *self.phases.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many pages listen for reloads.
    pub fn pages_listening(&self) -> usize {
        self.hub.clients()
    }

    /// Stops watching and serving, closing every connection. A rebuild still running is
    /// waited for up to `wait`, then left to end with the process.
    pub fn shutdown_within(mut self, wait: Duration) {
        self.news.send();
        let _ = self.tx.send(Message::Shutdown);
        self.hub.close();
        self.http.stop();
        if let Some(thread) = self.thread.take() {
            let deadline = std::time::Instant::now() + wait;
            while !thread.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }

    /// Stops watching and serving, closing every connection, once the rebuild running ends.
    pub fn shutdown(self) {
        self.shutdown_within(Duration::from_secs(600));
    }
}

/// Runs `serve` until Ctrl-C: the `orebrief serve` command. `open` opens the site in a browser.
pub fn serve(options: ServeOptions, open: bool) -> Result<(), ServeError> {
    let (tx, rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })?;
    let server = Server::start(options)?;
    println!("serving {} (Ctrl-C to stop)", server.url());
    if open {
        if let Err(e) = open::that_detached(server.url()) {
            eprintln!("cannot open a browser: {e}");
        }
    }
    let _ = rx.recv();
    eprintln!("stopping");
    server.shutdown_within(Duration::from_millis(500));
    Ok(())
}

/// What the rebuild loop shares with the server.
struct Shared {
    /// The output served.
    store: Arc<Store>,
    /// Changes on their way (see [`give_way`]).
    news: Arc<News>,
    /// How the search, print and site-wide phases went.
    phases: Arc<Mutex<Phases>>,
}

fn rebuild_loop(
    rx: Receiver<Message>,
    mut watcher: watch::Watcher,
    options: BuildOptions,
    mut state: Option<Incremental>,
    shared: Shared,
    hub: Arc<Hub>,
    verbose: bool,
) {
    let Shared {
        store,
        news,
        phases,
    } = shared;
    let count = |f: fn(&mut Phases)| f(&mut phases.lock().unwrap_or_else(|e| e.into_inner()));
    // Changes of a failed rebuild, tried again with the next ones.
    let mut carried = Changes::default();
    // The search, print and site-wide files; when `give_way` is given, put off again should
    // a change come in meanwhile.
    let finish = |state: &mut Option<Incremental>, give_way: Option<crate::build::Stop>| {
        let Some(s) = state.as_mut().filter(|s| s.has_deferred()) else {
            return;
        };
        let started = std::time::Instant::now();
        count(|p| p.started += 1);
        match s.finish_unless(&give_way.unwrap_or_default()) {
            Ok(Some(r)) => {
                count(|p| p.finished += 1);
                report(&r, verbose);
            }
            Ok(None) => {
                count(|p| p.put_off += 1);
                if verbose {
                    eprintln!(
                        "put off search, print and site-wide files after {} ms",
                        started.elapsed().as_millis()
                    );
                }
            }
            Err(e) => {
                count(|p| p.finished += 1);
                print_errors(&e);
                hub.error(&diagnostics_of(&e));
            }
        }
    };
    'outer: loop {
        // The search, print and site-wide files wait until nothing changes for a moment, or
        // until a request needs them.
        let message = if state.as_ref().is_some_and(Incremental::has_deferred) {
            match rx.recv_timeout(IDLE) {
                Ok(m) => m,
                Err(mpsc::RecvTimeoutError::Timeout) => Message::Idle,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            }
        };
        let mut changes = match message {
            Message::Shutdown => break,
            Message::Wanted => {
                finish(&mut state, None);
                continue;
            }
            Message::Idle => {
                finish(&mut state, Some(give_way(news.clone(), store.clone())));
                continue;
            }
            Message::WatchError(e) => {
                eprintln!("watch error: {e}");
                continue;
            }
            Message::Changed(c) => {
                if c.may_change_output() {
                    news.take();
                }
                c
            }
        };
        let mut wanted = false;
        while let Ok(more) = rx.try_recv() {
            match more {
                Message::Shutdown => break 'outer,
                Message::Wanted => wanted = true,
                Message::Idle => {}
                Message::WatchError(e) => eprintln!("watch error: {e}"),
                Message::Changed(c) => {
                    if c.may_change_output() {
                        news.take();
                    }
                    changes.merge(c)
                }
            }
        }
        watcher.watch_folders();
        changes.merge(std::mem::take(&mut carried));
        let result = match state.as_mut() {
            Some(s) => s.apply(&changes),
            None => Incremental::build(options.clone(), store.clone()).map(|(s, r)| {
                state = Some(s);
                r
            }),
        };
        match result {
            Ok(r) => {
                report(&r, verbose);
                if r.changed > 0 {
                    hub.reload();
                } else {
                    hub.clear();
                }
                if wanted {
                    finish(&mut state, None);
                }
                if let Some(s) = state.as_mut() {
                    s.prepare_next();
                }
            }
            Err(e) => {
                print_errors(&e);
                hub.error(&diagnostics_of(&e));
                carried = changes;
            }
        }
    }
    watcher.stop();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deferred_outputs_give_way_to_a_change_on_its_way_unless_a_request_waits() {
        let news = Arc::new(News::default());
        let store = Arc::new(Store::new());
        let stop = give_way(news.clone(), store.clone());
        assert!(!stop.stopped(), "no change yet");
        news.send();
        assert!(stop.stopped());
        // Taken by the loop: a new phase does not give way, the stopped one stays stopped.
        news.take();
        assert!(stop.stopped());
        assert!(!give_way(news.clone(), store.clone()).stopped());

        // A request waiting for the deferred files: they do not give way.
        store.update(|l| {
            l.search_and_print
                .insert("search-index.js".into(), Arc::new(b"old".to_vec()));
        });
        store.set_pending(true);
        let (tx, rx) = mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        store.on_wait(move || tx.lock().unwrap().send(()).unwrap());
        let waiting = {
            let store = store.clone();
            std::thread::spawn(move || store.get("search-index.js"))
        };
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let stop = give_way(news.clone(), store.clone());
        news.send();
        assert!(!stop.stopped(), "stopped while a request waits");
        store.set_pending(false);
        assert_eq!(waiting.join().unwrap().unwrap().as_slice(), b"old");
        assert!(
            stop.stopped(),
            "the request was answered: the change stops it"
        );
    }
}
