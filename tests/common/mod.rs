//! Shared helpers of the integration tests: fixture sites in temporary folders, builds with a
//! fixed "today", reading output files, and looking up diagnostics and HTML elements.
//!
//! Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use orebrief::diagnostics::Diagnostic;
use orebrief::{BuildOptions, BuildReport, Error};
use scraper::{Html, Selector};
use tempfile::TempDir;

/// The base URL of the default `site.yaml` of a fixture.
pub const BASE: &str = "https://example.org/portal/";

/// The `site.yaml` a fixture gets when it does not bring its own.
pub const SITE_YAML: &str = "title: Test Portal
description: A portal for tests.
base_url: https://example.org/portal/
stale_after_months: 18
sources:
  - { id: usgs, title: \"USGS Mineral Commodity Summaries\", url: \"https://example.com/usgs\" }
";

/// The date every build treats as today, so that staleness is deterministic.
pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 1, 15)
}

/// Joins lines with `\n` and ends with one, so that line `n` of a fixture is `lines[n - 1]`.
pub fn lines(lines: &[&str]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// A content file: front matter lines between `---` fences, then the body lines.
/// The first front-matter line is line 2 of the file; the body starts on line
/// `front.len() + 3`.
pub fn page(front: &[&str], body: &[&str]) -> String {
    let mut all = vec!["---"];
    all.extend_from_slice(front);
    all.push("---");
    all.extend_from_slice(body);
    lines(&all)
}

/// A site in a temporary folder.
pub struct TestSite {
    pub dir: TempDir,
}

impl TestSite {
    /// Writes `files` (paths relative to the site root), adding the default `site.yaml` unless
    /// `files` has one.
    pub fn new(files: &[(&str, &str)]) -> TestSite {
        let site = TestSite::bare(files);
        if !files.iter().any(|(p, _)| *p == "site.yaml") {
            site.write("site.yaml", SITE_YAML);
        }
        site
    }

    /// A copy of `tests/fixtures/<name>/` (builds write into the copy, never the fixture).
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::bare(&[]);
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_tree(&from, site.root());
        site
    }

    /// Writes exactly `files`.
    pub fn bare(files: &[(&str, &str)]) -> TestSite {
        let dir = tempfile::Builder::new()
            .prefix("orebrief-test-")
            .tempdir()
            .expect("temp dir");
        let site = TestSite { dir };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or overwrites) a file under the root, creating folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }

    /// The text of a file under the root (not the output).
    pub fn read_root(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Removes a file under the root.
    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root().join(rel)).unwrap();
    }

    /// Build options for this site, with the fixed today.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root().to_path_buf(),
            today: Some(today()),
            ..BuildOptions::default()
        }
    }

    /// Builds, panicking with every diagnostic on failure.
    pub fn build(&self) -> BuildReport {
        self.build_with(self.options())
    }

    /// Builds with `options`, panicking with every diagnostic on failure.
    pub fn build_with(&self, options: BuildOptions) -> BuildReport {
        match orebrief::build(&options) {
            Ok(report) => report,
            Err(e) => panic!("build failed: {}", describe(&e)),
        }
    }

    /// Builds, expecting content errors; returns the diagnostics.
    pub fn build_err(&self) -> Vec<Diagnostic> {
        expect_content_error(orebrief::build(&self.options()))
    }

    /// Checks, panicking with every diagnostic on failure.
    pub fn check(&self) -> BuildReport {
        match orebrief::check(&self.options()) {
            Ok(report) => report,
            Err(e) => panic!("check failed: {}", describe(&e)),
        }
    }

    /// Checks, expecting content errors; returns the diagnostics.
    pub fn check_err(&self) -> Vec<Diagnostic> {
        expect_content_error(orebrief::check(&self.options()))
    }

    /// The output folder.
    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Whether `rel` exists in the output.
    pub fn exists(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }

    /// The text of output file `rel`.
    pub fn read(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}\noutput files:\n{}",
                path.display(),
                self.files().into_iter().collect::<Vec<_>>().join("\n")
            )
        })
    }

    /// Output file `rel` parsed as JSON.
    pub fn json(&self, rel: &str) -> serde_json::Value {
        let text = self.read(rel);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}\n{text}"))
    }

    /// Output file `rel` parsed as HTML.
    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }

    /// Every file in the output, relative and `/`-separated.
    pub fn files(&self) -> BTreeSet<String> {
        files_under(&self.out())
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, relative and `/`-separated.
pub fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

fn expect_content_error(result: Result<BuildReport, Error>) -> Vec<Diagnostic> {
    match result {
        Ok(report) => panic!(
            "expected the build to fail, but it succeeded with warnings:\n{}",
            list(&report.warnings)
        ),
        Err(Error::Content(diagnostics)) => diagnostics,
        Err(other) => panic!("expected content errors, got {other}"),
    }
}

/// A failed build's error with every diagnostic, for panic messages.
pub fn describe(e: &Error) -> String {
    match e {
        Error::Content(d) => format!("{e}\n{}", list(d)),
        other => other.to_string(),
    }
}

/// Diagnostics one per line, as the CLI prints them.
pub fn list(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The errors among `diagnostics`.
pub fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics.iter().filter(|d| d.is_error()).collect()
}

/// The one diagnostic at `file:line:column`, checking that its message contains `message`.
pub fn expect_diag<'a>(
    diagnostics: &'a [Diagnostic],
    file: &str,
    line: usize,
    column: usize,
    message: &str,
) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.file == Path::new(file) && d.line == line && d.column == column)
        .collect();
    assert!(
        !found.is_empty(),
        "no diagnostic at {file}:{line}:{column}; got:\n{}",
        list(diagnostics)
    );
    found
        .into_iter()
        .find(|d| d.message.contains(message))
        .unwrap_or_else(|| {
            panic!(
                "no diagnostic at {file}:{line}:{column} says {message:?}; got:\n{}",
                list(diagnostics)
            )
        })
}

/// The one error whose message contains `message` (panics when there is none or several).
pub fn only_error<'a>(diagnostics: &'a [Diagnostic], message: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error() && d.message.contains(message))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one error saying {message:?}; got:\n{}",
        list(diagnostics)
    );
    found[0]
}

/// The hint of a diagnostic, or "".
pub fn hint(d: &Diagnostic) -> &str {
    d.hint.as_deref().unwrap_or("")
}

/// A CSS selector (panics on a typo in the test).
pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// The text of each element matching `css`, whitespace collapsed.
pub fn texts(html: &Html, css: &str) -> Vec<String> {
    html.select(&sel(css))
        .map(|e| collapse(&e.text().collect::<String>()))
        .collect()
}

/// The text of the one element matching `css`.
pub fn text(html: &Html, css: &str) -> String {
    let all = texts(html, css);
    assert_eq!(all.len(), 1, "expected one {css}, found {all:?}");
    all.into_iter().next().unwrap()
}

/// The `attr` of each element matching `css`.
pub fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    html.select(&sel(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Every `href` and `src` in a document.
pub fn links(html: &Html) -> Vec<String> {
    let mut out = attrs(html, "[href]", "href");
    out.extend(attrs(html, "[src]", "src"));
    out
}

/// Rows of the tables matching `css` (a `table` selector): each row's cells (`th` and `td`)
/// as collapsed text.
pub fn rows(html: &Html, css: &str) -> Vec<Vec<String>> {
    let row = sel("tr");
    let cell = sel("th, td");
    html.select(&sel(css))
        .flat_map(|t| t.select(&row).collect::<Vec<_>>())
        .map(|r| {
            r.select(&cell)
                .map(|c| collapse(&c.text().collect::<String>()))
                .collect()
        })
        .collect()
}

/// A link found in an output page.
#[derive(Debug, Clone)]
pub struct Link {
    /// The HTML file it is in, relative to the output folder.
    pub file: String,
    /// The `href` or `src`.
    pub href: String,
    /// Whether it sits inside a rendered Markdown body (an element of class `content`).
    pub in_body: bool,
    /// Whether it is a permalink (class `permalink`): the full URL printed documents carry.
    pub permalink: bool,
}

impl TestSite {
    /// Every `href` and `src` of every HTML file in the output.
    pub fn all_links(&self) -> Vec<Link> {
        let mut out = Vec::new();
        for file in self.files().into_iter().filter(|f| f.ends_with(".html")) {
            let html = self.html(&file);
            for element in html.select(&sel("[href], [src]")) {
                let href = element
                    .value()
                    .attr("href")
                    .or_else(|| element.value().attr("src"))
                    .unwrap()
                    .to_string();
                let in_body = element.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .and_then(|e| e.attr("class"))
                        .is_some_and(|c| c.split_whitespace().any(|c| c == "content"))
                });
                let permalink = element
                    .value()
                    .attr("class")
                    .is_some_and(|c| c.split_whitespace().any(|c| c == "permalink"));
                out.push(Link {
                    file: file.clone(),
                    href,
                    in_body,
                    permalink,
                });
            }
        }
        out
    }

    /// The output file a link leads to, if it stays inside the site: absolute links are
    /// taken against `base`, relative ones against the folder of the page. A link to a folder
    /// leads to its `index.html`. `None` for fragments and links out of the site.
    pub fn target(&self, link: &Link, base: &str) -> Option<String> {
        let href = link.href.split(['#', '?']).next().unwrap();
        if href.is_empty() {
            return None;
        }
        let path = if let Some(rest) = href.strip_prefix(base) {
            rest.to_string()
        } else if href.contains("://") || href.starts_with("mailto:") {
            return None;
        } else {
            let dir = match link.file.rfind('/') {
                Some(i) => &link.file[..=i],
                None => "",
            };
            normalize(&format!("{dir}{href}"))
        };
        let path = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else if self.out().join(&path).is_dir() {
            format!("{path}/index.html")
        } else {
            path
        };
        Some(path)
    }
}

/// Folds `.` and `..` segments of a `/`-separated relative path.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut out = parts.join("/");
    if out.starts_with('/') {
        out.remove(0);
    }
    out
}

/// Collapses runs of whitespace into one space and trims.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `orebrief` binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_orebrief"))
}

/// Runs the binary with `args` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run orebrief")
}

/// stdout and stderr of a run, for messages.
pub fn show(output: &Output) -> String {
    format!(
        "status: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Asserts that `a` and `b` differ by less than `eps`.
#[track_caller]
pub fn approx(a: f64, b: f64, eps: f64) {
    assert!((a - b).abs() < eps, "{a} is not within {eps} of {b}");
}

/// A JSON number (panics when it is not one).
#[track_caller]
pub fn num(v: &serde_json::Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {v}"))
}
