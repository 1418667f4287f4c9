//! Inputs that fuzzing (see `fuzz/` and `docs/fuzzing.md`) or hardening found to crash, hang
//! or misbehave, kept as regression tests. Each file under `tests/regressions/<target>/` is fed
//! to the same harness as the fuzz target of that name:
//!
//! - `front_matter/`: the first byte picks the file's place, the rest is decoded and parsed
//!   with `load::parse_page`, then checked with `resolve::validate::check_page`;
//! - `markdown/`: the first byte sets raw HTML, profile and relative links, the rest is the
//!   body of a brief rendered (Markdown, links, shortcodes) against a small fixed site;
//! - `pipeline/`: the first byte sets the build, the rest is cut at `\0` into up to four
//!   content files of a site that `orebrief::check` checks.
//!
//! Each must end without a panic, within a time bound, and with a page or located errors.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use orebrief::config::{Profile, SiteConfig};
use orebrief::render::markdown::Linker;
use orebrief::render::pages::Highlight;
use orebrief::render::shortcodes;
use orebrief::render::templates::Templates;
use orebrief::render::urls::Urls;
use orebrief::resolve::{self, Selection};

const BOUND: Duration = Duration::from_secs(60);

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 1, 15)
}

/// The inputs kept for `target`, by path.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs in {}", dir.display());
    out
}

fn run_all(target: &str, harness: fn(&[u8])) {
    for (path, bytes) in inputs(target) {
        let started = Instant::now();
        let result = std::panic::catch_unwind(|| harness(&bytes));
        assert!(result.is_ok(), "{} panicked", path.display());
        assert!(
            started.elapsed() < BOUND,
            "{} took {:?}",
            path.display(),
            started.elapsed()
        );
    }
}

fn site_config(yaml: &str) -> SiteConfig {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.yaml"), yaml).unwrap();
    SiteConfig::load(dir.path()).unwrap()
}

const FRONT_MATTER_FILES: &[&str] = &[
    "content/minerals/gallium.md",
    "content/companies/korea-zinc.md",
    "content/briefs/deal.md",
    "content/countries/kr.md",
    "content/about.md",
    "content/_index.md",
    "content/minerals/_index.md",
    "content/notes/sub/x.md",
];

/// The harness of the `front_matter` fuzz target.
fn front_matter(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let file = Path::new(FRONT_MATTER_FILES[first as usize % FRONT_MATTER_FILES.len()]);
    let Ok(text) = orebrief::load::decode(file, rest.to_vec()) else {
        return;
    };
    match orebrief::load::parse_page(file, &text) {
        Ok(page) => {
            assert!(!page.path.contains(".."), "{}", page.path);
            if !page.id.starts_with("_index/") {
                assert!(orebrief::load::check_id(&page.id).is_ok(), "{}", page.id);
            }
            let config = site_config("title: Fuzz\n");
            let mut out = Vec::new();
            orebrief::resolve::validate::check_page(
                &page,
                &config,
                &HashSet::new(),
                today(),
                &mut out,
            );
        }
        Err(diagnostics) => assert!(diagnostics.iter().all(|d| d.is_error())),
    }
}

const MARKDOWN_SITE: &str =
    "title: Fuzz\nbase_url: https://example.org/p/\nsources:\n  - { id: usgs, title: USGS }\n";

const MARKDOWN_PAGES: &[(&str, &str)] = &[
    (
        "content/minerals/gallium.md",
        "---\ntitle: Gallium <b>\nproduction:\n  - { year: 2024, stage: refinery, unit: t, by_country: { CN: 90, JP: 10 }, source: usgs }\nus_trade:\n  import_sources: { period: 2020-2023, shares: { CN: 50, other: 50 } }\n  source: usgs\n---\n",
    ),
    (
        "content/companies/korea-zinc.md",
        "---\ntitle: Korea Zinc\ncountry: KR\nfacilities:\n  - { name: Onsan, country: KR, products: [ { mineral: gallium } ] }\n---\n",
    ),
    (
        "content/briefs/secret.md",
        "---\ntitle: Secret\ndate: 2025-01-01\nvisibility: internal\n---\n",
    ),
    ("content/about.md", "---\ntitle: About\n---\n"),
    ("content/countries/kr.md", "---\n---\n"),
];

/// The harness of the `markdown` fuzz target.
fn markdown(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let scanned = shortcodes::scan(body, flags & 2 != 0);
    for call in &scanned.calls {
        assert!(call.offset < body.len());
    }
    let _ = shortcodes::parse_call(body);

    let dir = tempfile::tempdir().unwrap();
    let mut config = site_config(MARKDOWN_SITE);
    let templates = Templates::load(dir.path(), "default").unwrap();
    config.markdown.raw_html = flags & 1 == 0;
    let raw_html = config.markdown.raw_html;
    let profile = if flags & 2 != 0 {
        Profile::Internal
    } else {
        Profile::Public
    };
    let mut pages: Vec<_> = MARKDOWN_PAGES
        .iter()
        .map(|(file, text)| orebrief::load::parse_page(Path::new(file), text).unwrap())
        .collect();
    let mut page = orebrief::load::parse_page(
        Path::new("content/briefs/fuzz.md"),
        "---\ntitle: Fuzz\ndate: 2025-01-01\n---\n",
    )
    .unwrap();
    page.body = body.to_string();
    pages.push(page);
    let selection = Selection {
        profile,
        drafts: false,
    };
    let (site, _) = resolve::resolve(config, pages, Vec::new(), selection, today())
        .expect("the fixed site resolves");
    let urls = Urls {
        base: site.config.base_url(),
        relative: flags & 4 != 0,
    };
    let renderer = orebrief::build::renderer(&site, &urls, &templates);
    let linker = Linker::new(&site, &urls);
    match renderer.body(site.index["fuzz"], body, &linker, Highlight::Now) {
        Ok(rendered) => {
            if !raw_html {
                let lower = rendered.html().unpack().to_ascii_lowercase();
                assert!(!lower.contains("<script"), "{lower}");
                assert!(!lower.contains("href=\"javascript:"), "{lower}");
                assert!(!lower.contains("src=\"javascript:"), "{lower}");
            }
        }
        Err(diagnostics) => {
            for d in &diagnostics {
                assert!(d.line >= 1, "{d}");
            }
        }
    }
}

const PIPELINE_FILES: &[&str] = &[
    "content/minerals/gallium.md",
    "content/companies/korea-zinc.md",
    "content/briefs/deal.md",
    "content/about.md",
];

/// The harness of the `pipeline` fuzz target.
fn pipeline(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut yaml = String::from("title: Fuzz\nbase_url: https://example.org/p/\n");
    if flags & 8 != 0 {
        yaml.push_str("markdown: { raw_html: false }\n");
    }
    std::fs::write(root.join("site.yaml"), yaml).unwrap();
    for (file, text) in PIPELINE_FILES.iter().zip(rest.split(|&b| b == 0)) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let options = orebrief::BuildOptions {
        root: root.to_path_buf(),
        profile: Some(if flags & 1 != 0 {
            Profile::Internal
        } else {
            Profile::Public
        }),
        drafts: flags & 2 != 0,
        relative_urls: Some(flags & 4 != 0),
        today: Some(today()),
        ..Default::default()
    };
    match orebrief::check(&options) {
        Ok(report) => assert!(report.output.is_none()),
        Err(orebrief::Error::Content(diagnostics)) => {
            assert!(diagnostics.iter().any(|d| d.is_error()));
        }
        Err(e) => panic!("check failed outside the content: {e}"),
    }
}

#[test]
fn front_matter_regressions() {
    run_all("front_matter", front_matter);
}

#[test]
fn markdown_regressions() {
    run_all("markdown", markdown);
}

#[test]
fn pipeline_regressions() {
    run_all("pipeline", pipeline);
}
