//! Browser tests with headless Chromium (Debian's `chromium`, or `$OREBRIEF_CHROMIUM`) run
//! directly, no WebDriver: the search page from `file://` in a relative build and over HTTP
//! (a tiny static server on 127.0.0.1) in an absolute build, with no console errors; and a
//! brief's print page printed to PDF, read back with `pdftotext` (poppler-utils).
//!
//! Without Chromium or pdftotext these tests fail, saying how to install them, unless
//! `OREBRIEF_SKIP_BROWSER=1` is set.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use orebrief::BuildOptions;
use scraper::{Html, Selector};

/// The brief of the sample site the print tests use, and what its PDF must say.
const BRIEF: &str = "korea-zinc-us-partnerships-2025";
const BRIEF_TITLE_START: &str = "Korea Zinc's 2025 push into the US";
const ANNEX_MINERAL: &str = "Annex A: Germanium";

/// One browser at a time: the machine may have two cores, and Chromium wants them.
static BROWSER: Mutex<()> = Mutex::new(());

fn skipping() -> bool {
    std::env::var("OREBRIEF_SKIP_BROWSER").is_ok_and(|v| v == "1")
}

/// The browser, or `None` when tests are to be skipped; panics when it is missing.
fn chromium() -> Option<PathBuf> {
    match orebrief::pdf::find_browser() {
        Ok(path) => Some(path),
        Err(e) if skipping() => {
            eprintln!("skipping the browser test (OREBRIEF_SKIP_BROWSER=1): {e}");
            None
        }
        Err(e) => panic!(
            "the browser tests need headless Chromium: {e}.\nInstall it with `apt-get install -y chromium poppler-utils`, or set OREBRIEF_SKIP_BROWSER=1 to skip these tests."
        ),
    }
}

fn pdftotext() -> Option<()> {
    let found = Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if found {
        Some(())
    } else if skipping() {
        eprintln!("skipping the PDF test (OREBRIEF_SKIP_BROWSER=1): pdftotext not found");
        None
    } else {
        panic!(
            "the PDF test needs pdftotext: install it with `apt-get install -y poppler-utils`, or set OREBRIEF_SKIP_BROWSER=1 to skip these tests"
        )
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// A copy of the repository's sample site (content and site.yaml) in a temporary folder.
fn sample_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::Builder::new()
        .prefix("orebrief-browser-")
        .tempdir()
        .unwrap();
    let mut files = Vec::new();
    walk(&repo.join("content"), &mut files);
    for file in files {
        let rel = file.strip_prefix(repo).unwrap();
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, to).unwrap();
    }
    std::fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    dir
}

fn build(root: &Path, out: &Path, relative: bool, base_url: Option<String>) -> PathBuf {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output_dir: Some(out.to_path_buf()),
        relative_urls: Some(relative),
        base_url,
        today: Some(jiff::civil::date(2026, 6, 1)),
        ..BuildOptions::default()
    };
    match orebrief::build(&options) {
        Ok(report) => report.output.unwrap(),
        Err(e) => panic!("build failed: {e:?}"),
    }
}

/// What a headless Chromium run gave.
struct Run {
    stdout: String,
    stderr: String,
}

impl Run {
    /// Console messages and uncaught errors the page produced.
    fn console_problems(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
            .collect()
    }
}

/// Runs the browser with `args` after the common ones, killing it after a minute.
fn run_browser(browser: &Path, profile: &Path, args: &[String]) -> Run {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let out_file = profile.with_extension("out");
    let err_file = profile.with_extension("err");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    loop {
        match child.try_wait().unwrap() {
            Some(_) => break,
            None if started.elapsed() > Duration::from_secs(90) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 90 s: {args:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    Run {
        stdout: std::fs::read_to_string(&out_file).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_file).unwrap_or_default(),
    }
}

/// The DOM of `url` after its scripts ran, with the console logged to stderr.
fn dump_dom(browser: &Path, work: &Path, name: &str, url: &str) -> Run {
    run_browser(
        browser,
        &work.join(name),
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            "--virtual-time-budget=3000".into(),
            "--dump-dom".into(),
            url.into(),
        ],
    )
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The results the search page shows: (kind class, link href, text).
fn results(dom: &str) -> (Vec<(String, String, String)>, String) {
    let html = Html::parse_document(dom);
    let list = html
        .select(&sel("#search-results li"))
        .map(|li| {
            let kind = li
                .value()
                .classes()
                .find(|c| c.starts_with("kind-"))
                .unwrap_or("")
                .to_string();
            let href = li
                .select(&sel("a"))
                .next()
                .and_then(|a| a.value().attr("href"))
                .unwrap_or("")
                .to_string();
            (kind, href, li.text().collect::<String>())
        })
        .collect();
    let status = html
        .select(&sel("#search-status"))
        .next()
        .map(|s| s.text().collect::<String>())
        .unwrap_or_default();
    (list, status)
}

fn file_url(path: &Path) -> String {
    orebrief::pdf::file_url(path)
}

#[test]
fn search_works_from_file_urls_in_a_relative_build() {
    let Some(browser) = chromium() else { return };
    let site = sample_site();
    let work = tempfile::tempdir().unwrap();
    let out = build(site.path(), &work.path().join("site"), true, None);
    let search = out.join("search/index.html");
    let url = format!("{}?q=germanium", file_url(&search));
    let run = dump_dom(&browser, work.path(), "p1", &url);
    assert!(
        run.console_problems().is_empty(),
        "console errors: {:#?}",
        run.console_problems()
    );
    let (list, status) = results(&run.stdout);
    assert!(!list.is_empty(), "no results in\n{}", run.stdout);
    assert!(status.contains("for “germanium”"), "{status}");
    let (kind, href, text) = &list[0];
    assert_eq!(kind, "kind-mineral", "{list:#?}");
    assert!(text.contains("Germanium"), "{text}");
    assert_eq!(href, "../minerals/germanium/index.html");
    // Every result links to a file of the build, from the search page's folder.
    for (_, href, _) in &list {
        let target = out.join("search").join(href);
        assert!(target.is_file(), "{href} does not open from file://");
    }
    // The query box shows the query; companies that produce germanium are found too.
    assert!(run.stdout.contains("value=\"germanium\"") || list.len() > 1);
    assert!(
        list.iter().any(|(k, _, _)| k == "kind-company"),
        "{list:#?}"
    );

    // Filter by kind from the address: only companies.
    let url = format!("{}?q=germanium&kind=company", file_url(&search));
    let run = dump_dom(&browser, work.path(), "p2", &url);
    assert!(
        run.console_problems().is_empty(),
        "{:#?}",
        run.console_problems()
    );
    let (list, _) = results(&run.stdout);
    assert!(!list.is_empty());
    assert!(
        list.iter().all(|(k, _, _)| k == "kind-company"),
        "{list:#?}"
    );
    let html = Html::parse_document(&run.stdout);
    let unchecked: Vec<&str> = html
        .select(&sel("input[name=kind]:not([checked])"))
        .filter_map(|c| c.value().attr("value"))
        .collect();
    assert!(unchecked.is_empty() || !unchecked.contains(&"company"));

    // A chemical symbol and an ISO code find their page.
    let run = dump_dom(
        &browser,
        work.path(),
        "p3",
        &format!("{}?q=KR", file_url(&search)),
    );
    let (list, _) = results(&run.stdout);
    assert!(
        list.first()
            .is_some_and(|(k, _, t)| k == "kind-country" && t.contains("Korea")),
        "{list:#?}"
    );
}

/// Serves `dir` over HTTP on 127.0.0.1 from a thread; returns the listener's port.
fn serve(listener: TcpListener, dir: PathBuf) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let _ = respond(stream, &dir);
            });
        }
    });
}

fn respond(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let mut rel = path.trim_start_matches('/').to_string();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let file = dir.join(&rel);
    let safe = !rel.split('/').any(|s| s == "..");
    let (status, body, kind) = match std::fs::File::open(&file) {
        Ok(mut f) if safe && file.is_file() => {
            let mut body = Vec::new();
            f.read_to_end(&mut body)?;
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                Some("json") => "application/json",
                Some("xml") => "application/xml",
                Some("svg") => "image/svg+xml",
                _ => "application/octet-stream",
            };
            ("200 OK", body, kind)
        }
        _ => (
            "404 Not Found",
            std::fs::read(dir.join("404.html")).unwrap_or_default(),
            "text/html; charset=utf-8",
        ),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

#[test]
fn search_works_over_http_in_an_absolute_build() {
    let Some(browser) = chromium() else { return };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/");
    let site = sample_site();
    let work = tempfile::tempdir().unwrap();
    let out = build(
        site.path(),
        &work.path().join("site"),
        false,
        Some(base.clone()),
    );
    serve(listener, out.clone());

    let run = dump_dom(
        &browser,
        work.path(),
        "h1",
        &format!("{base}search/?q=germanium"),
    );
    assert!(
        run.console_problems().is_empty(),
        "console errors: {:#?}",
        run.console_problems()
    );
    let (list, status) = results(&run.stdout);
    assert!(!list.is_empty(), "no results in\n{}", run.stdout);
    assert!(status.contains("result"), "{status}");
    assert_eq!(list[0].1, format!("{base}minerals/germanium/"));
    for (_, href, _) in &list {
        let rel = href.strip_prefix(&base).expect("links against base_url");
        assert!(out.join(rel).join("index.html").is_file(), "{href}");
    }

    // The header's search form leads there from any page, and the home page's own script
    // (table sorting) runs cleanly.
    let run = dump_dom(&browser, work.path(), "h2", &base);
    assert!(
        run.console_problems().is_empty(),
        "{:#?}",
        run.console_problems()
    );
    let html = Html::parse_document(&run.stdout);
    let form = html.select(&sel("form.site-search")).next().unwrap();
    assert_eq!(
        form.value().attr("action"),
        Some(format!("{base}search/").as_str())
    );
    assert!(
        html.select(&sel("button.sort-button, th button"))
            .next()
            .is_some()
    );
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_print_page_of_a_brief_prints_to_pdf_with_its_annexes() {
    let Some(browser) = chromium() else { return };
    let Some(()) = pdftotext() else { return };
    let site = sample_site();
    let work = tempfile::tempdir().unwrap();
    let out = build(site.path(), &work.path().join("site"), true, None);
    let page = out.join(format!("briefs/{BRIEF}/print/index.html"));
    let pdf = work.path().join("brief.pdf");
    let run = run_browser(
        &browser,
        &work.path().join("p"),
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
            file_url(&page),
        ],
    );
    assert!(pdf.is_file(), "no PDF written: {}", run.stderr);
    let text = pdf_text(&pdf);
    assert!(text.contains(BRIEF_TITLE_START), "{text}");
    assert!(
        text.contains(ANNEX_MINERAL),
        "the table of contents names the annex"
    );
    assert!(
        !text.contains(&format!("a. {ANNEX_MINERAL}")),
        "an annex carries its own letter in the contents, with no list marker: {text}"
    );
    assert!(
        text.contains("Germanium refinery production"),
        "the annex's table"
    );
    assert!(
        text.contains("Critical Minerals Briefing · Data as of"),
        "the running header"
    );
    assert!(text.contains("1 / "), "page numbers");
}

#[test]
fn orebrief_pdf_writes_the_brief_and_its_annexes() {
    let Some(_browser) = chromium() else { return };
    let Some(()) = pdftotext() else { return };
    let site = sample_site();
    let work = tempfile::tempdir().unwrap();
    let pdf = work.path().join("out/brief.pdf");
    let output = {
        let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
        Command::new(env!("CARGO_BIN_EXE_orebrief"))
            .arg("--root")
            .arg(site.path())
            .args(["pdf", BRIEF, "-o"])
            .arg(&pdf)
            .output()
            .expect("run orebrief pdf")
    };
    assert!(
        output.status.success(),
        "orebrief pdf failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = pdf_text(&pdf);
    assert!(text.contains(BRIEF_TITLE_START), "{text}");
    assert!(text.contains(ANNEX_MINERAL));
    // The site itself is untouched: the build went to a temporary folder.
    assert!(!site.path().join("public").exists());
}
