//! Syntax highlighting of fenced code with syntect, as CSS classes (`hl-keyword` ...), so
//! themes colour code in their stylesheet. The syntax set is loaded once, lazily, from a
//! dump embedded in the binary ([`DUMP`]), and only when some page has a code block.

use std::cell::{Cell, RefCell};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;
use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The class prefix of highlighted code.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The syntaxes, as written by `examples/syntax_dump.rs`: syntect's defaults, with YAML's
/// Perl classes (`\s`, `\d`, `\w`) made ASCII, as YAML defines them, which makes its
/// expressions markedly cheaper to compile (docs/benchmarks.md), three of YAML's expressions
/// (implicit keys, sequence dashes) written without the look-arounds that made fancy-regex
/// backtrack from every position of a line (they match where syntect's do, and also on lines
/// so long that syntect's give up), and our TOML grammar (`syntaxes/TOML.sublime-syntax`).
/// `tests/syntax_dump.rs` checks it is what the example writes, that it loads and that YAML
/// tokenizes as with syntect's defaults.
pub const DUMP: &[u8] = include_bytes!("syntaxes.packdump");

/// The syntaxes as loaded from [`DUMP`], to find a block's syntax by name. Nothing
/// tokenizes with this set, so its regular expressions are never compiled and it stays
/// small; the sets that tokenize are copies of it ([`shared`], [`with_syntaxes`]).
///
/// A dump this syntect cannot read (one written by another version; Cargo.toml pins the
/// minor version, and `tests/syntax_dump.rs` fails first) leaves the set empty: code is then
/// shown as plain text rather than stopping the build.
fn catalogue() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| syntect::dumps::from_uncompressed_data(DUMP).unwrap_or_default())
}

/// The copy of the syntaxes that threads tokenize with until they have their own; its
/// expressions compile as they are first used. [`release`] drops it.
static SHARED: Mutex<Option<Arc<SyntaxSet>>> = Mutex::new(None);

fn shared() -> Arc<SyntaxSet> {
    let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(shared.get_or_insert_with(|| Arc::new(catalogue().clone())))
}

/// The lines a thread tokenizes with the shared syntax set before it takes a copy of its
/// own (see [`with_syntaxes`]); fewer in tests, so that they reach the switch.
const SHARED_LINES: usize = if cfg!(test) { 64 } else { 4096 };

/// A thread's own copy of the syntax set, once it has tokenized [`SHARED_LINES`] lines.
struct Local {
    own: RefCell<Option<SyntaxSet>>,
    shared_lines: Cell<usize>,
}

thread_local! {
    static LOCAL: Local = const {
        Local {
            own: RefCell::new(None),
            shared_lines: Cell::new(0),
        }
    };
}

/// Calls `f` with the syntax set this thread tokenizes with: the shared one at first, then,
/// once the thread has tokenized [`SHARED_LINES`] lines, a copy of its own.
///
/// Each regular expression of the regex crate (which fancy-regex runs its plain parts on)
/// keeps a pool of search caches, fast only for the thread that used it first; every other
/// thread goes through a lock on each search. In the shared set that thread is the warm-up
/// thread ([`warm_up`]) or one of the workers, so all or half of a large site's lines took
/// the slow path (a fifth more time in a measured YAML block). A copy of the set compiles
/// its expressions again (milliseconds for YAML) and the thread owns them, which pays on a
/// large site and would not on a small one, hence the threshold. The copy stays with its
/// thread until [`release`]: about 2 MiB each for YAML alone, measured as the peak of a
/// 12k-page build with 8 worker threads, 278-281 MiB against 267-268 MiB without copies.
/// Parse states hold indices into the set (and captured text), and the copies are the same
/// set, so a state and the memo's entries serve any of them.
fn with_syntaxes<R>(f: impl FnOnce(&SyntaxSet) -> R) -> R {
    LOCAL.with(|local| {
        if let Some(own) = local.own.borrow().as_ref() {
            return f(own);
        }
        let lines = local.shared_lines.get() + 1;
        local.shared_lines.set(lines);
        if lines > SHARED_LINES {
            *local.own.borrow_mut() = Some(catalogue().clone());
            f(local.own.borrow().as_ref().expect("just set"))
        } else {
            f(&shared())
        }
    })
}

/// Frees what highlighting holds once a build's bodies are rendered: the memo of tokenized
/// lines, and every compiled copy of the syntaxes (the shared one and each worker's own).
/// Compiled, the syntaxes of eleven languages took 45 MB of a 12k-page build's peak heap,
/// held through the print pages for nothing. Highlighting after this loads them again.
///
/// A warm-up still running ([`warm_up`]) is waited for first: it tokenizes with the shared
/// set, and would otherwise compile a new one after this dropped it, held until the next
/// release.
pub fn release() {
    join_warm_ups();
    clear_memo();
    *SHARED.lock().unwrap_or_else(PoisonError::into_inner) = None;
    rayon::broadcast(|_| release_thread());
}

/// Drops the calling thread's own copy of the syntaxes.
fn release_thread() {
    LOCAL.with(|local| {
        local.own.borrow_mut().take();
        local.shared_lines.set(0);
    })
}

/// The word of a fence's info string that names its language (`rust` in `rust,ignore`);
/// empty for none.
pub fn language_token(lang: &str) -> &str {
    lang.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("")
}

/// HTML for a code block in `lang` (a fence's info string; empty for none).
pub fn code_block(code: &str, lang: &str) -> String {
    let token = language_token(lang);
    let escaped_lang = escape(token);
    let inner = if token.is_empty() {
        None
    } else {
        highlight(code, token)
    };
    let class = if token.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{escaped_lang}\"")
    };
    match inner {
        Some(html) => format!(
            "<pre class=\"code\" data-lang=\"{escaped_lang}\"><code{class}>{html}</code></pre>\n"
        ),
        None => format!(
            "<pre class=\"code\"><code{class}>{}</code></pre>\n",
            escape(code)
        ),
    }
}

fn highlight(code: &str, token: &str) -> Option<String> {
    let syntax = catalogue().find_syntax_by_token(token)?;
    let mut state = Arc::new(ParseState::new(syntax));
    let mut stack = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 3);
    let mut open_spans: isize = 0;
    for line in LinesWithEndings::from(code) {
        let ops = tokenize(&mut state, &syntax.name, line)?;
        let (formatted, delta) =
            line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut stack).ok()?;
        open_spans += delta;
        html.push_str(&formatted);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

/// A line tokenized: the syntax and the state it was tokenized in, the tokenizer's results
/// and the state after it. The states are shared: a line's state before is the line
/// before's state after, so the entries of a block's lines hold each state once (the memo
/// of a 12k-page corpus held 39 MB at its largest when each entry had two states of its
/// own), and a hit takes the state after by reference count.
struct Seen {
    syntax: &'static str,
    before: Arc<ParseState>,
    ops: Vec<(usize, ScopeStackOp)>,
    after: Arc<ParseState>,
}

/// Lines already tokenized, by line, then by syntax and parse state. Tokenizing is a pure
/// function of the three, and code blocks across a portal repeat many lines (keys, braces,
/// imports), so a hit skips the regex work that dominates highlighting. States are compared,
/// not hashed (syntect's states cannot be hashed): a line is rarely met in many states.
struct Memo {
    shards: Vec<Mutex<FxHashMap<String, Vec<Seen>>>>,
}

/// The most states kept for one line.
const STATES_PER_LINE: usize = 16;

/// Entries per shard before the shard is emptied, to bound memory.
const MEMO_SHARD_LIMIT: usize = 8192;

static MEMO: OnceLock<Memo> = OnceLock::new();

fn memo() -> &'static Memo {
    MEMO.get_or_init(|| Memo {
        shards: (0..16).map(|_| Mutex::new(FxHashMap::default())).collect(),
    })
}

/// Empties the memo of tokenized lines: once a build's bodies are rendered it is of no more
/// use, and its room is better left to the pages and print documents rendered after.
pub fn clear_memo() {
    if let Some(memo) = MEMO.get() {
        for shard in &memo.shards {
            if let Ok(mut map) = shard.lock() {
                *map = FxHashMap::default();
            }
        }
    }
}

/// Tokenizes `line` of `syntax` from `state`, through the memo.
fn tokenize(
    state: &mut Arc<ParseState>,
    syntax: &'static str,
    line: &str,
) -> Option<Vec<(usize, ScopeStackOp)>> {
    let shard = {
        use std::hash::{Hash, Hasher};
        let mut hasher = rustc_hash::FxHasher::default();
        line.hash(&mut hasher);
        &memo().shards[(hasher.finish() % 16) as usize]
    };
    if let Some(seen) = shard.lock().ok()?.get(line).and_then(|all| {
        all.iter()
            .find(|s| s.syntax == syntax && *s.before == **state)
    }) {
        *state = Arc::clone(&seen.after);
        return Some(seen.ops.clone());
    }
    let before = Arc::clone(state);
    let mut next = ParseState::clone(&before);
    let ops = with_syntaxes(|set| next.parse_line(line, set)).ok()?;
    *state = Arc::new(next);
    let mut map = shard.lock().ok()?;
    if map.len() >= MEMO_SHARD_LIMIT {
        map.clear();
    }
    let all = map.entry(line.to_string()).or_default();
    // A line met in ever more states (a closing brace at every depth) is looked up by
    // comparing them one by one: keep a few.
    if all.len() < STATES_PER_LINE {
        all.push(Seen {
            syntax,
            before,
            ops: ops.clone(),
            after: Arc::clone(state),
        });
    }
    Some(ops)
}

/// Highlights `code` as `lang` on a thread of its own, the output thrown away: loading the
/// syntaxes and compiling the regular expressions of a language the first time costs a
/// small site more than the rest of its bodies, and this does it while the build still
/// loads (see [`super::markdown::warm_up`]). The lines tokenized stay in the memo, so no
/// work is lost. Bodies rendered while it runs may leave their code for later and offer it
/// to the warm-up ([`warming`], [`offer`]).
///
/// `OREBRIEF_WARM_UP`, for tests: `off` starts no warm-up (every body highlights its code at
/// once), `hold` keeps the warm-up running past its own block until it is waited for
/// ([`join_warm_ups`], at most [`HOLD`]), so that every body leaves its code for later.
pub fn warm_up(code: String, lang: String) {
    match warm_up_setting() {
        Some("off") => {}
        _ => {
            start_warm_up(code, lang);
        }
    }
}

/// The longest `OREBRIEF_WARM_UP=hold` keeps a warm-up running past its own block.
pub const HOLD: std::time::Duration = std::time::Duration::from_secs(10);

/// Whether [`join_warm_ups`] was called, for the warm-ups `OREBRIEF_WARM_UP=hold` holds.
static JOINED: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

/// `OREBRIEF_WARM_UP`, read once.
fn warm_up_setting() -> Option<&'static str> {
    static SETTING: OnceLock<Option<String>> = OnceLock::new();
    SETTING
        .get_or_init(|| std::env::var("OREBRIEF_WARM_UP").ok())
        .as_deref()
}

/// The warm-ups running ([`warm_up`]), and the code blocks offered to them ([`offer`]).
struct Warming {
    running: usize,
    queue: Vec<(String, String)>,
    lines: usize,
}

static WARMING: Mutex<Warming> = Mutex::new(Warming {
    running: 0,
    queue: Vec::new(),
    lines: 0,
});

fn warming_state() -> std::sync::MutexGuard<'static, Warming> {
    WARMING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether a warm-up ([`warm_up`]) is still running: highlighting now would wait for it
/// (the expressions it compiles are the ones the next block needs).
pub fn warming() -> bool {
    warming_state().running > 0
}

/// The most lines the warm-ups take ([`offer`]) before they end.
const OFFERED_LINES: usize = 512;

/// Offers a code block to the running warm-up, which tokenizes it after its own block into
/// the memo, so that highlighting it later is a look-up: true if taken. The warm-up's thread
/// compiled the expressions and owns their fast search caches, so it tokenizes lines about
/// twice as fast as a worker meeting them first (docs/benchmarks.md); a small site's
/// bodies offer their blocks while they leave them for later. Up to `OFFERED_LINES` lines
/// in all; a block offered once no warm-up runs is not taken.
pub fn offer(code: &str, lang: &str) -> bool {
    let lines = code.lines().count();
    let mut state = warming_state();
    if state.running == 0 || state.lines + lines > OFFERED_LINES {
        return false;
    }
    state.lines += lines;
    state.queue.push((code.to_string(), lang.to_string()));
    true
}

/// Counts a running warm-up in [`WARMING`] until dropped, however its thread ends. When
/// the last one ends, the blocks offered too late for it are let go (highlighting them
/// costs what it would have without the offer).
struct Running;

impl Running {
    fn start() -> Running {
        warming_state().running += 1;
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut state = warming_state();
        state.running -= 1;
        if state.running == 0 {
            state.queue = Vec::new();
            state.lines = 0;
        }
    }
}

/// Highlights the blocks offered ([`offer`]) until none is left, the output thrown away.
fn tokenize_offered() {
    loop {
        let offered = std::mem::take(&mut warming_state().queue);
        if offered.is_empty() {
            return;
        }
        for (code, lang) in offered {
            code_block(&code, &lang);
            #[cfg(test)]
            tests::TOKENIZED_OFFERED
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(code);
        }
    }
}

/// The warm-up threads not yet waited for by [`release`].
static WARM_UPS: Mutex<Vec<std::thread::JoinHandle<()>>> = Mutex::new(Vec::new());

/// Starts a warm-up ([`warm_up`]) and notes its thread for [`release`]; its id, unless the
/// thread could not be started (then there is no warm-up, and highlighting is cold).
fn start_warm_up(code: String, lang: String) -> Option<std::thread::ThreadId> {
    let running = Running::start();
    let handle = std::thread::Builder::new()
        .name("highlight-warm-up".into())
        .spawn(move || {
            let _running = running;
            code_block(&code, &lang);
            if warm_up_setting() == Some("hold") {
                let joined = JOINED.0.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = JOINED.1.wait_timeout_while(joined, HOLD, |joined| !*joined);
            }
            #[cfg(test)]
            drop(tests::HOLD.lock().unwrap_or_else(PoisonError::into_inner));
            tokenize_offered();
            #[cfg(test)]
            tests::FINISHED
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(std::thread::current().id());
        })
        .ok()?;
    let id = handle.thread().id();
    let mut warm_ups = WARM_UPS.lock().unwrap_or_else(PoisonError::into_inner);
    // Finished ones are dropped, so that a long `serve` does not gather them.
    warm_ups.retain(|h| !h.is_finished());
    warm_ups.push(handle);
    Some(id)
}

/// Held while warm-ups are joined: a `release` that finds the list already taken by another
/// still waits until that one has joined them.
static JOINING: Mutex<()> = Mutex::new(());

/// Waits for every warm-up started so far. A warm-up that panicked is let be: the renderer
/// meets the same block and reports whatever went wrong.
pub fn join_warm_ups() {
    *JOINED.0.lock().unwrap_or_else(PoisonError::into_inner) = true;
    JOINED.1.notify_all();
    let _joining = JOINING.lock().unwrap_or_else(PoisonError::into_inner);
    let warm_ups = std::mem::take(&mut *WARM_UPS.lock().unwrap_or_else(PoisonError::into_inner));
    for handle in warm_ups {
        let _ = handle.join();
    }
}

/// Escapes text for HTML content.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("let x = 1;\n", "rust");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("language-rust"));
    }

    #[test]
    fn the_memo_gives_the_same_html_as_a_fresh_tokenizer() {
        let code = "a: 1\nb: [x, \"y\"]\n# note\nc:\n  - d\n";
        let first = code_block(code, "yaml");
        let second = code_block(code, "yaml");
        assert_eq!(first, second);
        assert!(first.contains(&unmemoized(code, "yaml")));
    }

    /// `code` highlighted by syntect's own generator, with no memo involved.
    fn unmemoized(code: &str, lang: &str) -> String {
        let set = catalogue().clone();
        let syntax = set.find_syntax_by_token(lang).unwrap();
        let mut generator =
            syntect::html::ClassedHTMLGenerator::new_with_class_style(syntax, &set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        generator.finalize()
    }

    #[test]
    fn released_syntaxes_load_again_and_highlight_the_same() {
        // On a thread of its own: the builds of other tests release the workers' copies.
        std::thread::spawn(|| {
            // Distinct lines (the memo would answer repeated ones), past the switch to the
            // thread's own copy.
            let code: String = (0..SHARED_LINES + 8)
                .map(|i| format!("key{i}: [r{i}, \"q{i}\"]\n"))
                .collect();
            let before = code_block(&code, "yaml");
            assert!(
                LOCAL.with(|l| l.own.borrow().is_some()),
                "no copy was taken"
            );
            release_thread();
            assert!(
                LOCAL.with(|l| l.own.borrow().is_none()),
                "the copy was kept"
            );
            release();
            assert_eq!(code_block(&code, "yaml"), before);
            assert!(before.contains(&unmemoized(&code, "yaml")));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_line_met_in_two_states_is_tokenized_for_each() {
        // `x;` inside a string that spans lines, then as code.
        let code = "let s = \"\nx;\n\";\nx;\n";
        let first = code_block(code, "rust");
        assert_eq!(first, code_block(code, "rust"));
        let expected = unmemoized(code, "rust");
        assert!(first.contains(&expected), "{first}\n{expected}");
        assert!(expected.contains("hl-string"), "{expected}");
    }

    #[test]
    fn a_thread_past_the_threshold_tokenizes_with_its_own_copy_and_the_same_result() {
        let handle = std::thread::spawn(|| {
            // Distinct lines, so that the memo does not answer them; a flow sequence spans
            // the switch (after line SHARED_LINES), so that the copy takes over mid-construct.
            let open = SHARED_LINES - 10;
            let close = SHARED_LINES + 10;
            let code: String = (0..SHARED_LINES * 2)
                .map(|i| match i {
                    _ if i == open => format!("seq{i}: [\n"),
                    _ if i > open && i < close => format!("  item{i},\n"),
                    _ if i == close => "]\n".to_string(),
                    _ => format!("key{i}: [v{i}, \"s{i}\"]  # n{i}\n"),
                })
                .collect();
            assert!(LOCAL.with(|l| l.own.borrow().is_none()));
            let html = code_block(&code, "yaml");
            assert!(
                LOCAL.with(|l| l.own.borrow().is_some()),
                "no copy was taken"
            );
            // The state reached with the shared set carries on in the copy: the output is
            // syntect's own, and an item after the switch is still inside the sequence
            // (a plain scalar `in` a flow collection, not `out` of one).
            let expected = unmemoized(&code, "yaml");
            assert!(html.contains(&expected), "{html}\n{expected}");
            let after = format!("hl-in hl-yaml\">item{}</span>", SHARED_LINES + 5);
            assert!(expected.contains(&after), "{expected}");
            assert!(expected.contains("hl-comment"), "{expected}");
        });
        handle.join().unwrap();
    }

    /// The warm-up threads that have finished their block, in the order they did.
    pub(super) static FINISHED: Mutex<Vec<std::thread::ThreadId>> = Mutex::new(Vec::new());

    #[test]
    fn release_waits_for_a_warm_up_still_tokenizing() {
        // Distinct lines, enough that the warm-up takes milliseconds: had `release` not
        // waited, it would return long before the warm-up's last line.
        let code: String = (0..SHARED_LINES * 8)
            .map(|i| format!("key{i}: [w{i}, \"u{i}\"]\n"))
            .collect();
        let id = start_warm_up(code, "yaml".into()).expect("a warm-up thread");
        release();
        assert!(
            FINISHED.lock().unwrap().contains(&id),
            "release returned with the warm-up still running"
        );
        assert!(
            WARM_UPS
                .lock()
                .unwrap()
                .iter()
                .all(|h| h.thread().id() != id),
            "the warm-up was not taken off the list"
        );
    }

    /// Held by a test to keep warm-ups from going past their own block.
    pub(super) static HOLD: Mutex<()> = Mutex::new(());

    /// The offered blocks warm-ups have tokenized.
    pub(super) static TOKENIZED_OFFERED: Mutex<Vec<String>> = Mutex::new(Vec::new());

    #[test]
    fn a_running_warm_up_tokenizes_the_blocks_offered_to_it_within_the_budget() {
        let block = "offered_key_1: [a, b]\noffered_key_2: 3\n";
        let long: String = (0..=OFFERED_LINES)
            .map(|i| format!("over{i}: v\n"))
            .collect();
        let id = {
            let _hold = HOLD.lock().unwrap();
            let id = start_warm_up("w: 1\n".into(), "yaml".into()).expect("a warm-up thread");
            assert!(warming(), "a warm-up held is running");
            assert!(offer(block, "yaml"), "a running warm-up takes a block");
            assert!(
                !offer(&long, "yaml"),
                "a block over the budget is not taken"
            );
            id
        };
        join_warm_ups();
        assert!(FINISHED.lock().unwrap().contains(&id));
        let tokenized = TOKENIZED_OFFERED.lock().unwrap();
        assert!(tokenized.iter().any(|b| b == block), "{tokenized:?}");
        assert!(!tokenized.contains(&long));
    }

    #[test]
    fn unknown_languages_are_escaped_plain_text() {
        let html = code_block("<script>\n", "nosuchlang");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }
}
