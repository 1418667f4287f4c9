//! `orebrief serve`: incremental rebuilds equal full builds file for file, and the server
//! (started on a free port) serves the build safely, reloads pages on a change, shows a broken
//! edit as an overlay and recovers.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use orebrief::BuildOptions;
use orebrief::build::Stop;
use orebrief::serve::incremental::{Changes, Incremental};
use orebrief::serve::store::Store;
use orebrief::serve::{Phases, ServeOptions, Server};
use tempfile::TempDir;

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

// ---------------------------------------------------------------------------------------------
// The fixture: two minerals, two companies (a facility each way, an agreement), two briefs, a
// country note, section and home index pages, a top-level page and a static file.

const FILES: &[(&str, &str)] = &[
    (
        "site.yaml",
        "title: Serve Test
description: A portal for serve tests.
base_url: https://example.org/portal/
language: en
stale_after_months: 18
sources:
  - { id: usgs, title: \"USGS Mineral Commodity Summaries\", url: \"https://example.com/usgs\" }
",
    ),
    (
        "content/_index.md",
        "---
title: Serve Test Portal
summary: Home summary.
---
Welcome. Start with [[alpha]].
",
    ),
    (
        "content/about.md",
        "---
title: About
---
About this portal.
",
    ),
    (
        "content/minerals/_index.md",
        "---
title: Minerals
---
All the minerals.
",
    ),
    (
        "content/minerals/alpha.md",
        "---
title: Alpha
symbol: Al
summary: Alpha summary.
as_of: 2025-06
production:
  - year: 2024
    stage: mine
    unit: t
    by_country: { CN: 500, AU: 300, CL: 200 }
    source: usgs
  - year: 2023
    stage: mine
    unit: t
    by_country: { CN: 450, AU: 250 }
    source: usgs
reserves:
  unit: t
  by_country: { CN: 8000, AU: 2000 }
  source: usgs
us_trade:
  net_import_reliance: { year: 2024, percent: 75 }
  import_sources: { period: 2020-2023, shares: { CA: 40, CN: 30, other: 30 } }
  source: usgs
export_controls:
  - { country: CN, effective: 2024-12-01, measure: export licence required, source: usgs }
---
Alpha is mined in [[CN]] and by [[acme]].

## Supply

{{ supply_table(mineral=\"alpha\") }}

{{ producers(mineral=\"alpha\") }}
",
    ),
    (
        "content/minerals/beta.md",
        "---
title: Beta
symbol: Be
summary: Beta summary.
as_of: 2025-06
production:
  - year: 2024
    stage: refinery
    unit: t
    by_country: { JP: 60, KR: 40 }
    source: usgs
---
Beta comes from [[KR]].

{{ chart(mineral=\"beta\") }}
",
    ),
    (
        "content/companies/acme.md",
        "---
title: Acme Metals
country: AU
summary: Acme summary.
facilities:
  - name: Acme Mine
    country: AU
    products:
      - { mineral: alpha, capacity: 100, unit: t/yr, source: usgs }
  - name: Acme Refinery
    country: JP
    products:
      - { mineral: beta, capacity: 10, unit: t/yr, source: usgs }
agreements:
  - { date: 2025-03, with: bolt, kind: offtake, minerals: [alpha], summary: \"Alpha offtake.\", source: usgs }
---
Acme mines [[alpha]].
",
    ),
    (
        "content/companies/bolt.md",
        "---
title: Bolt Industries
country: US
summary: Bolt summary.
---
Bolt buys [[alpha]] from [[acme|Acme]].
",
    ),
    (
        "content/briefs/outlook.md",
        "---
title: Alpha outlook
date: 2025-10-30
summary: Outlook summary.
minerals: [alpha, beta]
companies: [acme]
countries: [CN, AU]
---
The outlook for [[alpha]] in [[AU]].

{{ producers(mineral=\"beta\") }}
",
    ),
    (
        "content/briefs/older.md",
        "---
title: Older brief
date: 2024-05-01
summary: Older summary.
minerals: [beta]
---
An older note on [[beta]].
",
    ),
    (
        "content/countries/au.md",
        "---
summary: A note on Australia.
---
Australia hosts [[acme]].
",
    ),
    ("static/extra.txt", "a static file\n"),
];

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 1, 15)
}

struct Site {
    dir: TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::Builder::new()
            .prefix("orebrief-serve-")
            .tempdir()
            .unwrap();
        let site = Site { dir };
        for (path, text) in FILES {
            site.write(path, text);
        }
        site
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Replaces `from` by `to` in `rel`, which must contain it.
    fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root().to_path_buf(),
            today: Some(today()),
            base_url: Some("http://127.0.0.1:1111/".into()),
            ..BuildOptions::default()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Incremental rebuilds against full builds.

/// A site with its incremental state, as `serve` keeps it.
struct Session {
    site: Site,
    store: Arc<Store>,
    state: Incremental,
}

/// A full in-memory build of `options`, with the search and print outputs.
fn full(options: &BuildOptions) -> BTreeMap<String, Arc<Vec<u8>>> {
    let store = Arc::new(Store::new());
    let (mut state, _) = match Incremental::build(options.clone(), store.clone()) {
        Ok(s) => s,
        Err(e) => panic!("full build failed: {}", describe(&e)),
    };
    state.finish().unwrap();
    store.snapshot()
}

fn describe(e: &orebrief::Error) -> String {
    orebrief::serve::diagnostics_of(e)
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Panics naming every file that differs, with the first differing line.
fn assert_same(
    step: &str,
    got: &BTreeMap<String, Arc<Vec<u8>>>,
    want: &BTreeMap<String, Arc<Vec<u8>>>,
) {
    let mut problems = Vec::new();
    for (path, bytes) in want {
        match got.get(path) {
            None => problems.push(format!("missing {path}")),
            Some(g) if g != bytes => {
                let (g, w) = (String::from_utf8_lossy(g), String::from_utf8_lossy(bytes));
                let line = g
                    .lines()
                    .zip(w.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                problems.push(format!(
                    "differs {path} at line {}:\n  incremental: {}\n  full:        {}",
                    line + 1,
                    g.lines().nth(line).unwrap_or(""),
                    w.lines().nth(line).unwrap_or("")
                ));
            }
            _ => {}
        }
    }
    for path in got.keys() {
        if !want.contains_key(path) {
            problems.push(format!("extra {path}"));
        }
    }
    assert!(
        problems.is_empty(),
        "after {step}: the incremental output differs from a full build:\n{}",
        problems.join("\n")
    );
}

impl Session {
    fn new() -> Session {
        let site = Site::new();
        let store = Arc::new(Store::new());
        let (mut state, _) = Incremental::build(site.options(), store.clone()).unwrap();
        state.finish().unwrap();
        Session { site, store, state }
    }

    /// Applies the change of `paths` (relative to the root) and returns its scope.
    fn apply(&mut self, paths: &[&str]) -> Result<String, orebrief::Error> {
        let mut changes = Changes::default();
        for p in paths {
            orebrief::serve::watch::classify(Path::new(p), &mut changes);
        }
        let r = self.state.apply(&changes)?;
        self.state.finish()?;
        Ok(r.scope)
    }

    /// Applies the change and checks the output against a full build.
    fn step(&mut self, step: &str, paths: &[&str]) -> String {
        let scope = match self.apply(paths) {
            Ok(s) => s,
            Err(e) => panic!("{step}: rebuild failed: {}", describe(&e)),
        };
        assert_same(step, &self.store.snapshot(), &full(&self.site.options()));
        scope
    }

    fn file(&self, path: &str) -> String {
        String::from_utf8(
            self.store
                .get(path)
                .unwrap_or_else(|| panic!("no {path}"))
                .to_vec(),
        )
        .unwrap()
    }
}

#[test]
fn the_fixture_builds_and_a_fresh_state_equals_a_full_build() {
    let s = Session::new();
    assert!(s.store.get("minerals/alpha/index.html").is_some());
    assert!(s.store.get("extra.txt").is_some());
    assert_same("nothing", &s.store.snapshot(), &full(&s.site.options()));
}

#[test]
fn body_edits_rebuild_only_the_page_and_equal_a_full_build() {
    let mut s = Session::new();
    let acme_before = s.file("companies/acme/index.html");
    s.site.replace(
        "content/minerals/beta.md",
        "Beta comes from",
        "Beta, refined, comes from",
    );
    let scope = s.step("a body edit", &["content/minerals/beta.md"]);
    assert!(scope.starts_with("body"), "{scope}");
    assert!(
        s.file("minerals/beta/index.html")
            .contains("Beta, refined, comes from")
    );
    assert_eq!(s.file("companies/acme/index.html"), acme_before);

    // A link added: beta now shows among alpha's backlinks.
    s.site.replace(
        "content/minerals/beta.md",
        "comes from [[KR]].",
        "comes from [[KR]], like [[alpha]].",
    );
    assert!(
        s.step("a link added", &["content/minerals/beta.md"])
            .starts_with("body")
    );
    assert!(s.file("minerals/alpha/data.json").contains("\"beta\""));
    // ... and removed again.
    s.site
        .replace("content/minerals/beta.md", ", like [[alpha]].", ".");
    s.step("a link removed", &["content/minerals/beta.md"]);
    // A link to a country met nowhere else: its page appears, then goes.
    s.site.replace(
        "content/minerals/beta.md",
        "comes from [[KR]].",
        "comes from [[KR]] and [[BR]].",
    );
    s.step("a new country link", &["content/minerals/beta.md"]);
    assert!(s.store.get("countries/br/index.html").is_some());
    s.site
        .replace("content/minerals/beta.md", " and [[BR]].", ".");
    s.step("the country link removed", &["content/minerals/beta.md"]);
    assert!(s.store.get("countries/br/index.html").is_none());
    // Home, section index and country note bodies.
    s.site
        .replace("content/_index.md", "Welcome.", "Welcome home.");
    s.step("the home body", &["content/_index.md"]);
    s.site.replace(
        "content/minerals/_index.md",
        "All the minerals.",
        "Every mineral.",
    );
    s.step("a section body", &["content/minerals/_index.md"]);
    s.site.replace(
        "content/countries/au.md",
        "Australia hosts",
        "Australia is home to",
    );
    s.step("a country note body", &["content/countries/au.md"]);
    // Saving without a change rebuilds nothing.
    assert_eq!(
        s.step("a save without change", &["content/minerals/beta.md"]),
        "nothing"
    );
}

#[test]
fn front_matter_edits_equal_a_full_build() {
    let mut s = Session::new();
    // A title shown by companies, briefs, bodies with [[alpha]], countries and the dashboard.
    s.site.replace(
        "content/minerals/alpha.md",
        "title: Alpha",
        "title: Alphanium",
    );
    let scope = s.step("a mineral title", &["content/minerals/alpha.md"]);
    assert!(scope.starts_with("front matter"), "{scope}");
    assert!(s.file("companies/bolt/index.html").contains("Alphanium"));
    // A title shown by a page that names it in its front matter only (Acme's facility).
    s.site
        .replace("content/minerals/beta.md", "title: Beta", "title: Betanium");
    s.step(
        "a title named in front matter only",
        &["content/minerals/beta.md"],
    );
    assert!(s.file("companies/acme/index.html").contains("Betanium"));
    // Production figures: shares, HHI, CSV, countries, dashboard.
    s.site.replace(
        "content/minerals/alpha.md",
        "{ CN: 500, AU: 300, CL: 200 }",
        "{ CN: 100, AU: 300, CL: 600 }",
    );
    s.step("production figures", &["content/minerals/alpha.md"]);
    // A table removed: its CSV goes.
    s.site.replace(
        "content/minerals/alpha.md",
        "  - year: 2023\n    stage: mine\n    unit: t\n    by_country: { CN: 450, AU: 250 }\n    source: usgs\n",
        "",
    );
    s.step("a table removed", &["content/minerals/alpha.md"]);
    assert!(
        s.store
            .get("minerals/alpha/production-mine-2023.csv")
            .is_none()
    );
    // A new country in the data.
    s.site.replace(
        "content/minerals/alpha.md",
        "CL: 600 }",
        "CL: 500, PE: 100 }",
    );
    s.step("a new producing country", &["content/minerals/alpha.md"]);
    assert!(s.store.get("countries/pe/index.html").is_some());
    // A facility moved and its product changed: producers of both minerals, brief shortcodes,
    // facility countries.
    s.site.replace(
        "content/companies/acme.md",
        "    country: JP\n    products:\n      - { mineral: beta",
        "    country: KR\n    products:\n      - { mineral: alpha",
    );
    s.step("a facility", &["content/companies/acme.md"]);
    // An agreement's party, a company title, a company country.
    s.site.replace(
        "content/companies/acme.md",
        "with: bolt",
        "with_name: \"Someone\"",
    );
    s.step("an agreement", &["content/companies/acme.md"]);
    s.site.replace(
        "content/companies/bolt.md",
        "title: Bolt Industries",
        "title: Bolt Group",
    );
    s.step("a company title", &["content/companies/bolt.md"]);
    s.site
        .replace("content/companies/bolt.md", "country: US", "country: CA");
    s.step("a company country", &["content/companies/bolt.md"]);
    // A brief's date, summary and lists.
    s.site.replace(
        "content/briefs/older.md",
        "date: 2024-05-01",
        "date: 2025-12-01",
    );
    s.step("a brief date", &["content/briefs/older.md"]);
    s.site.replace(
        "content/briefs/outlook.md",
        "minerals: [alpha, beta]",
        "minerals: [beta]",
    );
    s.step("a brief's minerals", &["content/briefs/outlook.md"]);
    s.site.replace(
        "content/briefs/outlook.md",
        "countries: [CN, AU]",
        "countries: [CN, NZ]",
    );
    s.step("a brief's countries", &["content/briefs/outlook.md"]);
    // Fields shown by some of the pages naming the page only.
    for (file, from, to) in [
        (
            "content/minerals/alpha.md",
            "summary: Alpha summary.",
            "summary: Alpha, summarised.",
        ),
        ("content/minerals/alpha.md", "symbol: Al", "symbol: Ap"),
        (
            "content/minerals/alpha.md",
            "measure: export licence required",
            "measure: export ban",
        ),
        (
            "content/minerals/alpha.md",
            "by_country: { CN: 8000, AU: 2000 }",
            "by_country: { CN: 8000, AU: 2500 }",
        ),
        (
            "content/minerals/alpha.md",
            "shares: { CA: 40, CN: 30, other: 30 }",
            "shares: { CA: 45, CN: 25, other: 30 }",
        ),
        ("content/minerals/alpha.md", "percent: 75", "percent: 80"),
        (
            "content/companies/acme.md",
            "name: Acme Mine",
            "name: Acme Pit",
        ),
        (
            "content/companies/acme.md",
            "summary: Acme summary.",
            "summary: Acme, summarised.",
        ),
        (
            "content/briefs/outlook.md",
            "summary: Outlook summary.",
            "summary: Outlook, summarised.",
        ),
        (
            "content/briefs/outlook.md",
            "title: Alpha outlook",
            "title: The alpha outlook",
        ),
    ] {
        s.site.replace(file, from, to);
        s.step(&format!("{file}: {to}"), &[file]);
    }
    // Front matter and body of two files at once.
    s.site.replace(
        "content/minerals/beta.md",
        "summary: Beta summary.",
        "summary: New beta.",
    );
    s.site
        .replace("content/companies/bolt.md", "Bolt buys", "Bolt Group buys");
    s.step(
        "two files",
        &["content/minerals/beta.md", "content/companies/bolt.md"],
    );
}

/// Applies a mineral's new title (shown by the search index, the print pages and the
/// site-wide files) without finishing, and returns the output served right after.
fn retitle_without_finishing(s: &mut Session) -> BTreeMap<String, Arc<Vec<u8>>> {
    s.site.replace(
        "content/minerals/alpha.md",
        "title: Alpha",
        "title: Alphanium",
    );
    let mut changes = Changes::default();
    orebrief::serve::watch::classify(Path::new("content/minerals/alpha.md"), &mut changes);
    s.state.apply(&changes).unwrap();
    assert!(s.state.has_deferred());
    s.store.snapshot()
}

/// A stop that says so from its `after`-th check on, counting its checks.
fn stop_after(after: usize) -> (Stop, Arc<AtomicUsize>) {
    let checks = Arc::new(AtomicUsize::new(0));
    let counted = checks.clone();
    let stop = Stop::new(move || counted.fetch_add(1, Ordering::SeqCst) >= after);
    (stop, checks)
}

#[test]
fn a_stopped_finish_serves_the_last_outputs_and_the_next_finish_completes_them() {
    // How many checks a finish that is never stopped makes, on the same edit.
    let total = {
        let mut s = Session::new();
        retitle_without_finishing(&mut s);
        let (never, checks) = stop_after(usize::MAX);
        let done = s.state.finish_unless(&never).unwrap();
        assert!(done.is_some(), "a finish never stopped completes");
        assert!(!s.state.has_deferred());
        checks.load(Ordering::SeqCst)
    };
    // The search index, each print page, each brief and every streamed write are checked.
    assert!(total > 10, "only {total} checks");
    let edited = Site::new();
    edited.replace(
        "content/minerals/alpha.md",
        "title: Alpha",
        "title: Alphanium",
    );
    let want = full(&edited.options());
    for after in [0, 1, total / 3, total / 2, total - 1] {
        let mut s = Session::new();
        let before = retitle_without_finishing(&mut s);
        assert!(
            !String::from_utf8_lossy(&before["search-index.js"]).contains("Alphanium"),
            "the search index is deferred"
        );
        let (stop, _) = stop_after(after);
        let done = s.state.finish_unless(&stop).unwrap();
        assert!(
            done.is_none(),
            "stopped at check {after} of {total}, yet finished"
        );
        assert!(
            s.state.has_deferred(),
            "stopped at check {after}: nothing left to do"
        );
        // Every file served is the one of before the finish or the one of a full build:
        // nothing written after the stop is kept.
        let got = s.store.snapshot();
        for (path, bytes) in &got {
            assert!(
                before.get(path) == Some(bytes) || want.get(path) == Some(bytes),
                "stopped at check {after}: {path} is neither the old file nor the new"
            );
        }
        for path in before.keys().chain(want.keys()) {
            assert!(
                got.contains_key(path),
                "stopped at check {after}: {path} is gone"
            );
        }
        // Requests for the deferred files wait for them.
        let waiting = {
            let store = s.store.clone();
            std::thread::spawn(move || store.get("search-index.js"))
        };
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !waiting.is_finished(),
            "stopped at check {after}: a request for the search index did not wait"
        );
        s.state.finish().unwrap();
        let served = waiting.join().unwrap().unwrap();
        assert!(String::from_utf8_lossy(&served).contains("Alphanium"));
        assert_same(
            &format!("a finish after a stop at check {after}"),
            &s.store.snapshot(),
            &want,
        );
    }
}

#[test]
fn requests_for_search_and_print_files_not_written_yet_wait_for_them() {
    // A first phase stopped before it wrote anything: the search and print files do not
    // exist yet, and a request for one has them written and waits, rather than a 404.
    let site = Site::new();
    for path in [
        "search-index.js",
        "search/index.html",
        "print/index.html",
        "briefs/outlook/print/index.html",
    ] {
        let store = Arc::new(Store::new());
        let (mut state, _) = Incremental::build(site.options(), store.clone()).unwrap();
        let (stop, _) = stop_after(0);
        assert!(state.finish_unless(&stop).unwrap().is_none());
        assert!(
            !store.snapshot().contains_key(path),
            "{path} already written"
        );
        let (tx, rx) = std::sync::mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        store.on_wait(move || {
            let _ = tx.lock().unwrap().send(());
        });
        let waiting = {
            let store = store.clone();
            std::thread::spawn(move || store.get(path))
        };
        rx.recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("a request for {path} did not wait"));
        state.finish().unwrap();
        assert!(waiting.join().unwrap().is_some(), "{path} was not served");
        // The paths known ahead are the ones the phase writes, no more, no fewer.
        let (ahead, written) = store.read(|l| {
            let l = l.unwrap();
            let mut written: Vec<&String> = l.search_and_print.keys().collect();
            let mut ahead: Vec<&String> = l.deferred.iter().collect();
            written.sort();
            ahead.sort();
            (format!("{ahead:?}"), format!("{written:?}"))
        });
        assert_eq!(ahead, written);
    }
}

#[test]
fn structural_changes_rebuild_everything_and_equal_a_full_build() {
    let mut s = Session::new();
    let full_scope = |scope: String| assert!(scope.starts_with("full"), "{scope}");
    // The portal's as-of date and the navigation are on every page.
    s.site.replace(
        "content/minerals/beta.md",
        "as_of: 2025-06",
        "as_of: 2025-11",
    );
    full_scope(s.step("the latest as-of", &["content/minerals/beta.md"]));
    s.site
        .replace("content/about.md", "title: About", "title: About us");
    full_scope(s.step("a navigation title", &["content/about.md"]));
    // A country note's title names the country everywhere.
    s.site
        .replace("content/countries/au.md", "summary:", "title: Oz\nsummary:");
    full_scope(s.step("a country note title", &["content/countries/au.md"]));
    // Drafts leave the build.
    s.site.replace(
        "content/briefs/older.md",
        "minerals: [beta]",
        "minerals: [beta]\ndraft: true",
    );
    full_scope(s.step("a draft", &["content/briefs/older.md"]));
    // Pages added and removed.
    s.site.write(
        "content/minerals/gamma.md",
        "---\ntitle: Gamma\nsummary: New.\n---\nGamma is like [[beta]].\n",
    );
    full_scope(s.step("a page added", &["content/minerals/gamma.md"]));
    std::fs::remove_file(s.site.root().join("content/minerals/gamma.md")).unwrap();
    full_scope(s.step("a page removed", &["content/minerals/gamma.md"]));
    // A shortcode template of the site, and site.yaml.
    s.site.write(
        "templates/shortcodes/callout.html",
        "<aside class=\"callout\">{{ text }}</aside>",
    );
    s.site.replace(
        "content/about.md",
        "About this portal.",
        "About this portal.\n\n{{ callout(text=\"Hello\") }}\n",
    );
    full_scope(s.step(
        "a template added",
        &["templates/shortcodes/callout.html", "content/about.md"],
    ));
    s.site.write(
        "templates/shortcodes/callout.html",
        "<aside class=\"callout big\">{{ text }}</aside>",
    );
    full_scope(s.step("a template edited", &["templates/shortcodes/callout.html"]));
    s.site
        .replace("site.yaml", "title: Serve Test", "title: Serve Test Portal");
    full_scope(s.step("site.yaml", &["site.yaml"]));
}

#[test]
fn static_changes_equal_a_full_build() {
    let mut s = Session::new();
    s.site.write("static/extra.txt", "changed\n");
    assert_eq!(
        s.step("a static file edited", &["static/extra.txt"]),
        "static"
    );
    assert_eq!(s.file("extra.txt"), "changed\n");
    s.site.write("static/css/more.css", "body { color: red }\n");
    s.step("a static file added", &["static/css/more.css"]);
    // A static file wins over a generated one of the same path, and the generated one comes
    // back when it goes.
    s.site
        .write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    s.step("a static file over a generated one", &["static/robots.txt"]);
    std::fs::remove_file(s.site.root().join("static/robots.txt")).unwrap();
    s.step("the static file removed", &["static/robots.txt"]);
    assert!(s.file("robots.txt").contains("Sitemap"));
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_state_and_the_next_good_edit_recovers() {
    let mut s = Session::new();
    let good = s.store.snapshot();
    // A broken shortcode in a body, then an unknown id in the front matter.
    s.site.replace(
        "content/minerals/beta.md",
        "{{ chart(mineral=\"beta\") }}",
        "{{ chart(mineral=\"betta\") }}",
    );
    let e = s.apply(&["content/minerals/beta.md"]).unwrap_err();
    assert!(
        describe(&e).contains("content/minerals/beta.md"),
        "{}",
        describe(&e)
    );
    assert_same("a broken body", &s.store.snapshot(), &good);
    s.site
        .replace("content/companies/acme.md", "with: bolt", "with: bolts");
    assert!(
        s.apply(&["content/companies/acme.md", "content/minerals/beta.md"])
            .is_err()
    );
    assert_same("a broken front matter", &s.store.snapshot(), &good);
    // Fixed: the output is that of a full build of the fixed site.
    s.site.replace("content/minerals/beta.md", "betta", "beta");
    s.site
        .replace("content/companies/acme.md", "with: bolts", "with: bolt");
    s.site
        .replace("content/minerals/beta.md", "Beta comes", "Beta still comes");
    s.step(
        "the fix",
        &["content/minerals/beta.md", "content/companies/acme.md"],
    );
}

#[test]
fn a_series_of_incremental_rebuilds_equals_a_fresh_build_on_disk() {
    let mut s = Session::new();
    let edits: &[(&str, &str, &str)] = &[
        (
            "content/minerals/alpha.md",
            "Alpha is mined",
            "Alpha is chiefly mined",
        ),
        (
            "content/minerals/alpha.md",
            "title: Alpha",
            "title: Alpha metal",
        ),
        (
            "content/companies/acme.md",
            "capacity: 100",
            "capacity: 120",
        ),
        (
            "content/briefs/outlook.md",
            "The outlook for",
            "The near-term outlook for [[bolt]] and",
        ),
        ("content/minerals/beta.md", "KR: 40 }", "KR: 40, CN: 20 }"),
        ("static/extra.txt", "a static file", "a changed static file"),
        (
            "content/briefs/older.md",
            "summary: Older summary.",
            "summary: Revised.",
        ),
    ];
    for (file, from, to) in edits {
        s.site.replace(file, from, to);
        s.apply(&[file])
            .unwrap_or_else(|e| panic!("{file}: {}", describe(&e)));
    }
    // A full build to disk, with the same options, read back file by file.
    let out = tempfile::tempdir().unwrap();
    let options = BuildOptions {
        output_dir: Some(out.path().join("public")),
        ..s.site.options()
    };
    orebrief::build(&options).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let mut on_disk = BTreeMap::new();
    for entry in walkdir(&out.path().join("public")) {
        let rel = entry
            .strip_prefix(out.path().join("public"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        on_disk.insert(rel, Arc::new(std::fs::read(&entry).unwrap()));
    }
    assert!(on_disk.len() > 40, "{} files", on_disk.len());
    // The live-reload script is for serve only.
    for (path, bytes) in &on_disk {
        assert!(
            !String::from_utf8_lossy(bytes).contains("__orebrief"),
            "{path} has the live-reload script"
        );
    }
    assert_same("the series", &s.store.snapshot(), &on_disk);
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The server, over HTTP.

struct Reply {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` as it is (so that traversal attempts reach the server unchanged).
fn raw(addr: SocketAddr, request: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, target: &str) -> Reply {
    raw(
        addr,
        &format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    )
}

/// A live-reload event stream, as a page's `EventSource` reads it.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(b"GET /__orebrief/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut events = Events {
            reader: BufReader::new(stream),
        };
        let head = events.line(Duration::from_secs(10)).unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        loop {
            let line = events.line(Duration::from_secs(10)).unwrap();
            if line.to_ascii_lowercase().starts_with("content-type") {
                assert!(line.contains("text/event-stream"), "{line}");
            }
            if line.is_empty() {
                break;
            }
        }
        let (name, _) = events.next(Duration::from_secs(10)).expect("hello");
        assert_eq!(name, "hello");
        events
    }

    fn line(&mut self, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let mut line = String::new();
        loop {
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) if line.ends_with('\n') => {
                    return Some(line.trim_end_matches(['\r', '\n']).to_string());
                }
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    if Instant::now() > deadline {
                        return None;
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// The next event (name, data), or `None` after `timeout`.
    fn next(&mut self, timeout: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + timeout;
        let (mut name, mut data) = (String::from("message"), String::new());
        let mut any = false;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.line(left)?;
            if line.is_empty() {
                if any {
                    return Some((name, data));
                }
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_string();
                any = true;
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push_str(v);
                any = true;
            }
        }
    }

    /// Waits for the event `want`, skipping others.
    fn wait_for(&mut self, want: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left) {
                Some((name, data)) if name == want => return data,
                Some(_) => {}
                None => panic!("no `{want}` event within {timeout:?}"),
            }
        }
    }
}

fn start(site: &Site) -> Server {
    start_at(site.root())
}

/// `serve` on a free port of the site at `root`, quiet.
fn start_at(root: &Path) -> Server {
    Server::start(ServeOptions {
        build: BuildOptions {
            root: root.to_path_buf(),
            today: Some(today()),
            ..BuildOptions::default()
        },
        port: 0,
        next_free_port: false,
        verbose: false,
        ..ServeOptions::default()
    })
    .unwrap()
}

/// Polls `path` until its body contains `text`.
fn eventually(addr: SocketAddr, path: &str, text: &str) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let reply = get(addr, path);
        if reply.text().contains(text) {
            return reply;
        }
        assert!(Instant::now() < deadline, "{path} never showed {text:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn serves_the_build_with_mime_types_redirects_and_a_404_page() {
    let site = Site::new();
    let server = start(&site);
    let addr = server.addr();
    assert_eq!(server.url(), format!("http://127.0.0.1:{}/", addr.port()));
    assert!(addr.ip().is_loopback());

    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.headers["content-type"], "text/html; charset=utf-8");
    let text = home.text();
    // base_url is the local address, and the live-reload script is injected.
    assert!(
        text.contains(&format!("href=\"{}minerals/\"", server.url())),
        "{text}"
    );
    assert!(text.contains("/__orebrief/events"));
    assert!(text.contains("data-orebrief-serve"));

    for (path, mime) in [
        ("/minerals/alpha/", "text/html; charset=utf-8"),
        (
            "/minerals/alpha/data.json",
            "application/json; charset=utf-8",
        ),
        (
            "/minerals/alpha/production-mine-2024.csv",
            "text/csv; charset=utf-8",
        ),
        ("/style.css", "text/css; charset=utf-8"),
        ("/extra.txt", "text/plain; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
    ] {
        let r = get(addr, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.headers["content-type"], mime, "{path}");
        assert_eq!(r.headers["content-length"], r.body.len().to_string());
    }
    // A folder without its slash is redirected.
    let r = get(addr, "/minerals/alpha?x=1");
    assert_eq!(r.status, 301);
    assert_eq!(r.headers["location"], "/minerals/alpha/?x=1");
    // Not found: the site's 404 page, with status 404.
    let r = get(addr, "/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("<html"), "{}", r.text());
    // HEAD has the head only; other methods are refused.
    let r = raw(
        addr,
        "HEAD /minerals/alpha/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert!(r.headers["content-length"].parse::<usize>().unwrap() > 1000);
    let r = raw(
        addr,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 405);
    // Keep-alive: two requests on one connection.
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /extra.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /extra.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut all = String::new();
    stream.read_to_string(&mut all).unwrap();
    assert_eq!(all.matches("HTTP/1.1 200 OK").count(), 2, "{all}");
    // The site's public/ is never written.
    assert!(!site.root().join("public").exists());
    server.shutdown();
}

#[test]
fn traversal_and_files_outside_the_build_are_refused() {
    let site = Site::new();
    // A symbolic link out of static/: never copied, so never served.
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.root().join("site.yaml"),
        site.root().join("static/leak.txt"),
    )
    .unwrap();
    let server = start(&site);
    let addr = server.addr();
    for target in [
        "/../site.yaml",
        "/../../../../etc/passwd",
        "/minerals/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E%2Fsite.yaml",
        "/minerals/%2e%2e/%2e%2e/site.yaml",
        "/..%2f..%2fetc%2fpasswd",
        "/..%5csite.yaml",
        "/%00index.html",
        "//etc/passwd",
        "/./index.html",
    ] {
        let r = get(addr, target);
        assert!(
            r.status == 403 || r.status == 404,
            "{target}: {} {}",
            r.status,
            r.text()
        );
        assert!(!r.text().contains("base_url"), "{target} leaked site.yaml");
        assert!(!r.text().contains("root:"), "{target} leaked /etc/passwd");
    }
    assert_eq!(get(addr, "/%2e%2e/site.yaml").status, 403);
    for target in [
        "/%252e%252e/site.yaml",
        "/site.yaml",
        "/content/minerals/alpha.md",
        "/leak.txt",
    ] {
        assert_eq!(get(addr, target).status, 404, "{target}");
    }
    let r = raw(
        addr,
        "GET http://example.org/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 400);
    server.shutdown();
}

#[test]
fn an_edit_reloads_the_open_pages_with_the_new_content() {
    let site = Site::new();
    let server = start(&site);
    let addr = server.addr();
    let mut page = Events::connect(addr);
    site.replace(
        "content/minerals/beta.md",
        "Beta comes from",
        "Beta now comes from",
    );
    page.wait_for("reload", WAIT);
    assert!(
        get(addr, "/minerals/beta/")
            .text()
            .contains("Beta now comes from")
    );
    // A front-matter edit reaches the pages that show it.
    site.replace(
        "content/minerals/alpha.md",
        "title: Alpha",
        "title: Alphanium",
    );
    page.wait_for("reload", WAIT);
    eventually(addr, "/companies/bolt/", "Alphanium");
    eventually(addr, "/", "Alphanium");
    // The search index follows (its request waits for it).
    eventually(addr, "/search-index.js", "Alphanium");
    // Editors' swap and backup files are ignored.
    site.write("content/minerals/.beta.md.swp", "garbage");
    site.write("content/minerals/beta.md~", "garbage");
    site.write("content/minerals/#beta.md#", "garbage");
    assert!(page.next(Duration::from_millis(600)).is_none());
    server.shutdown();
}

#[test]
fn a_broken_edit_shows_an_overlay_and_the_next_good_edit_clears_it() {
    let site = Site::new();
    let server = start(&site);
    let addr = server.addr();
    let before = get(addr, "/minerals/beta/").text();
    let mut page = Events::connect(addr);

    // An unclosed front matter: the error names the file, line and column.
    let good = site.read("content/minerals/beta.md");
    site.write(
        "content/minerals/beta.md",
        &good.replacen("symbol: Be\n", "symbol: [Be\n", 1),
    );
    let data = page.wait_for("build-error", WAIT);
    let errors: serde_json::Value = serde_json::from_str(&data).unwrap();
    let first = &errors[0];
    assert_eq!(first["file"], "content/minerals/beta.md", "{data}");
    assert!(first["line"].as_u64().unwrap() >= 2, "{data}");
    assert!(first["column"].as_u64().is_some(), "{data}");
    assert!(!first["message"].as_str().unwrap().is_empty(), "{data}");
    // The last good build is still served.
    assert_eq!(get(addr, "/minerals/beta/").text(), before);
    // A page opened now is told of the error at once.
    let mut late = Events::connect(addr);
    late.wait_for("build-error", WAIT);
    // An unrelated good edit does not hide the error: the broken file still fails.
    site.replace("content/companies/bolt.md", "Bolt buys", "Bolt still buys");
    let data = page.wait_for("build-error", WAIT);
    assert!(data.contains("content/minerals/beta.md"), "{data}");

    // Fixed: pages reload with both edits, and a new page gets no error.
    site.write(
        "content/minerals/beta.md",
        &good.replacen("Beta comes from", "Beta, fixed, comes from", 1),
    );
    page.wait_for("reload", WAIT);
    assert!(
        get(addr, "/minerals/beta/")
            .text()
            .contains("Beta, fixed, comes from")
    );
    assert!(
        get(addr, "/companies/bolt/")
            .text()
            .contains("Bolt still buys")
    );
    let mut fresh = Events::connect(addr);
    assert!(fresh.next(Duration::from_millis(300)).is_none());
    server.shutdown();
}

#[test]
fn the_command_serves_on_loopback_and_stops_cleanly_on_ctrl_c() {
    let site = Site::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_orebrief"))
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", "0"])
        .env("OREBRIEF_SERVE_TIMINGS", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .strip_prefix("serving ")
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains(&url));
    let _events = Events::connect(addr);

    #[cfg(unix)]
    {
        let status = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "{status:?}");
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(err.contains("stopping"), "{err}");
        // The startup's steps, with how the files were read, as a build's timings show them.
        for step in [
            "  load: ",
            "  read-ahead: ",
            "  resolve and bodies: ",
            "  pages: ",
        ] {
            assert!(err.contains(step), "no {step:?} in {err}");
        }
        assert!(TcpStream::connect(addr).is_err(), "still listening");
    }
    #[cfg(not(unix))]
    {
        let _ = child.kill();
    }
    assert!(!site.root().join("public").exists());
}

/// Every content file of the sample portal of this repository, edited twice (its body, then
/// its title), each edit checked against a full build. Slow (two full builds per file):
/// `cargo test --test serve -- --ignored`.
#[test]
#[ignore]
fn every_page_of_the_sample_portal_edited_equals_a_full_build() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site {
        dir: tempfile::Builder::new()
            .prefix("orebrief-serve-sample-")
            .tempdir()
            .unwrap(),
    };
    std::fs::copy(repo.join("site.yaml"), site.root().join("site.yaml")).unwrap();
    let mut files = Vec::new();
    for file in walkdir(&repo.join("content")) {
        let rel = file
            .strip_prefix(repo)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        site.write(&rel, &std::fs::read_to_string(&file).unwrap());
        files.push(rel);
    }
    let store = Arc::new(Store::new());
    let (mut state, _) = Incremental::build(site.options(), store.clone()).unwrap();
    state.finish().unwrap();
    let mut s = Session { site, store, state };
    files.sort();
    for rel in &files {
        let text = s.site.read(rel);
        s.site.write(
            rel,
            &format!("{text}\nAn added sentence with a link to [[gallium]].\n"),
        );
        s.step(&format!("the body of {rel}"), &[rel]);
        if let Some(line) = s.site.read(rel).lines().find(|l| l.starts_with("title: ")) {
            let line = line.to_string();
            let edited = match line.strip_suffix('"') {
                Some(open) => format!("{open} (edited)\""),
                None => format!("{line} (edited)"),
            };
            s.site.replace(rel, &line, &edited);
            s.step(&format!("the title of {rel}"), &[rel]);
        }
    }
}

/// Polls `server`'s phases until `done` holds of them.
fn phases_until(server: &Server, what: &str, done: impl Fn(Phases) -> bool) -> Phases {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let phases = server.phases();
        if done(phases) {
            return phases;
        }
        assert!(Instant::now() < deadline, "{what} never came: {phases:?}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn an_edit_during_the_search_and_print_phase_puts_it_off_and_it_follows() {
    // A portal large enough for the phase to take a while: 600 pages and their print pages.
    let dir = tempfile::Builder::new()
        .prefix("orebrief-serve-phase-")
        .tempdir()
        .unwrap();
    gen_corpus::Corpus::new(100, gen_corpus::DEFAULT_SEED)
        .write(dir.path(), false)
        .unwrap();
    let minerals = dir.path().join("content/minerals");
    let mut names: Vec<String> = std::fs::read_dir(&minerals)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".md") && !n.starts_with('_'))
        .collect();
    names.sort();
    let file = minerals.join(&names[0]);
    let page = format!("/minerals/{}/", names[0].trim_end_matches(".md"));
    let original = std::fs::read_to_string(&file).unwrap();
    let edit = |n: usize| {
        std::fs::write(&file, format!("{original}\nPhase test edit {n}.\n")).unwrap();
    };
    let server = start_at(dir.path());
    let addr = server.addr();
    let mut events = Events::connect(addr);
    phases_until(&server, "the first phase's end", |p| p.finished >= 1);
    // Edits, each saved as soon as the phase after the one before has started, until one
    // comes while a phase runs (a phase may end before the watcher has reported the edit).
    let mut n = 0;
    let put_off = loop {
        n += 1;
        assert!(n <= 8, "no edit came during a phase: {:?}", server.phases());
        let before = server.phases();
        edit(n);
        events.wait_for("reload", WAIT);
        let started = phases_until(&server, "a phase after the edit", |p| {
            p.started > before.started
        });
        edit(n * 100);
        events.wait_for("reload", WAIT);
        let after = phases_until(&server, "the phase's end", |p| {
            p.finished + p.put_off >= started.started
        });
        if after.put_off > before.put_off {
            break after;
        }
    };
    // The page shows the edit made during the phase, and the phase follows it: the search
    // index, which was put off, shows it too once nothing changes for a while.
    assert!(
        get(addr, &page)
            .text()
            .contains(&format!("Phase test edit {}.", n * 100))
    );
    phases_until(&server, "the phase after the put-off one", |p| {
        p.finished > put_off.finished
    });
    let index = get(addr, "/search-index.js").text();
    assert!(index.contains(&format!("Phase test edit {}.", n * 100)));
    server.shutdown();
}
