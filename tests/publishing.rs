//! Publishing targets: the search index and page, printable briefs and the portal document,
//! the files GitHub Pages needs (sitemap, feed, robots.txt, .nojekyll, CNAME, 404), "last
//! updated" dates from git, the `pdf` command's errors, a crawl of every link of every page
//! (absolute and relative builds, a fixture and the repository's sample site), and what
//! a public build leaves out of every byte it writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use orebrief::config::Profile;
use orebrief::{BuildOptions, Error};
use scraper::{ElementRef, Html, Selector};

const BASE: &str = "https://example.org/portal/";

/// Unique strings of the internal material of the leak fixture.
const PAGE_MARKER: &str = "ZQXPAGEMARKER4471";
const FRONT_MATTER_MARKER: &str = "ZQXFRONTMATTER8812";
const BLOCK_MARKER: &str = "ZQXBLOCKMARKER3390";
const BRIEF_MARKER: &str = "ZQXBRIEFMARKER6015";
const INTERNAL_COMPANY_ID: &str = "shadowcorp-refining";
const INTERNAL_COMPANY_TITLE: &str = "Shadowcorp Refining Qx";
const INTERNAL_BRIEF_ID: &str = "secret-brief-qx";

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 1, 15)
}

/// A site in a temporary folder.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::Builder::new()
            .prefix("orebrief-publishing-")
            .tempdir()
            .expect("temp dir");
        let site = Site { dir };
        for (path, text) in files {
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

    fn options(&self, out: &str) -> BuildOptions {
        BuildOptions {
            root: self.root().to_path_buf(),
            output_dir: Some(self.root().join(out)),
            today: Some(today()),
            ..BuildOptions::default()
        }
    }

    /// Builds into `<root>/<out>`, panicking with the diagnostics on failure.
    fn build(&self, out: &str, relative: bool, profile: Profile) -> PathBuf {
        let mut options = self.options(out);
        options.relative_urls = Some(relative);
        options.profile = Some(profile);
        match orebrief::build(&options) {
            Ok(report) => report.output.expect("an output folder"),
            Err(e) => panic!("build failed: {}", describe(&e)),
        }
    }
}

fn describe(e: &Error) -> String {
    match e {
        Error::Content(ds) => ds
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

fn page(front: &[&str], body: &[&str]) -> String {
    let mut text = String::from("---\n");
    for l in front {
        text.push_str(l);
        text.push('\n');
    }
    text.push_str("---\n");
    for l in body {
        text.push_str(l);
        text.push('\n');
    }
    text
}

/// The fixture: two public minerals, a public company, a public brief naming only public
/// things, an older brief, a plain page, and internal material in all three forms (an
/// internal company that produces a mineral, an internal brief, `internal:` front matter
/// and an `{% internal() %}` block).
fn fixture() -> Site {
    let site_yaml = format!(
        "title: Leak Test Portal\ndescription: Minerals for tests.\nbase_url: {BASE}\ncname: briefs.example.org\nsources:\n  - {{ id: usgs, title: \"USGS Mineral Commodity Summaries\", url: \"https://example.com/usgs\" }}\n"
    );
    let gallium_internal = format!("internal: {{ analyst: \"{FRONT_MATTER_MARKER}\" }}");
    let internal_company_title = format!("title: {INTERNAL_COMPANY_TITLE}");
    let internal_brief_body = format!("{BRIEF_MARKER} is in this brief.");
    let internal_company_body = format!("{PAGE_MARKER} works here.");
    let block = BLOCK_MARKER.to_string();
    Site::new(&[
        ("site.yaml", &site_yaml),
        (
            "content/_index.md",
            &page(
                &["title: Leak Test Portal", "summary: The home page."],
                &["Welcome to the portal."],
            ),
        ),
        (
            "content/about.md",
            &page(
                &["title: About", "summary: What this is."],
                &["A plain page with a [link to gallium](@/minerals/gallium.md)."],
            ),
        ),
        (
            "content/minerals/gallium.md",
            &page(
                &[
                    "title: Gallium",
                    "symbol: Ga",
                    "summary: A by-product of alumina refining.",
                    "aliases: [gallium metal]",
                    "tags: [semiconductors]",
                    "as_of: 2025-01",
                    &gallium_internal,
                    "production:",
                    "  - { year: 2024, stage: refinery, unit: t, by_country: { CN: 750, JP: 10, KR: 5 }, source: usgs }",
                    "uses:",
                    "  - { name: integrated circuits, share: 70 }",
                    "reserves: { unit: t, by_country: { CN: 1000, JP: 20 }, world: 1200, source: usgs }",
                    "us_trade: { net_import_reliance: { year: 2023, percent: 100 }, source: usgs }",
                    "export_controls:",
                    "  - { country: CN, effective: 2023-08-01, measure: export licence required, source: usgs }",
                ],
                &[
                    "## Supply",
                    "",
                    "China refines almost all of it; see [[germanium]] too.",
                    "",
                    "{% internal() %}",
                    &block,
                    "{% end %}",
                    "",
                    "## Outlook",
                    "",
                    "Recovery outside China is growing.[^1]",
                    "",
                    "[^1]: A footnote.",
                ],
            ),
        ),
        (
            "content/minerals/germanium.md",
            &page(
                &[
                    "title: Germanium",
                    "symbol: Ge",
                    "summary: Used in fibre optics and infrared optics.",
                    "as_of: 2024-11",
                    "production:",
                    "  - { year: 2024, stage: refinery, unit: t, by_country: { CN: 180, CA: 20 }, source: usgs }",
                ],
                &["## Supply", "", "Mostly Chinese."],
            ),
        ),
        (
            "content/companies/acme-metals.md",
            &page(
                &[
                    "title: Acme Metals",
                    "country: JP",
                    "headquarters: Osaka",
                    "summary: Refines gallium in Japan.",
                    "facilities:",
                    "  - { name: Osaka Works, country: JP, products: [ { mineral: gallium, capacity: 10, unit: t/yr, source: usgs } ] }",
                    "  - { name: Kyushu Plant, location: Fukuoka, country: JP, products: [ { mineral: germanium } ] }",
                ],
                &["Acme refines [[gallium]]."],
            ),
        ),
        (
            &format!("content/companies/{INTERNAL_COMPANY_ID}.md"),
            &page(
                &[
                    &internal_company_title,
                    "visibility: internal",
                    "country: NO",
                    "summary: A company for the internal wiki only.",
                    "facilities:",
                    "  - { name: Fjord Plant, country: NO, products: [ { mineral: germanium, capacity: 3, unit: t/yr, source: usgs } ] }",
                ],
                &[&internal_company_body],
            ),
        ),
        (
            "content/briefs/public-brief.md",
            &page(
                &[
                    "title: Gallium and germanium outlook",
                    "date: 2025-10-30",
                    "summary: Where gallium and germanium come from.",
                    "minerals: [gallium, germanium]",
                    "companies: [acme-metals]",
                    "countries: [CN, JP]",
                ],
                &[
                    "## Background",
                    "",
                    "China controls [[gallium]]; [[acme-metals|Acme]] is an alternative.",
                    "",
                    "{{ supply_table(mineral=\"germanium\") }}",
                    "",
                    "## What to watch",
                    "",
                    "Licences, see [the USGS](https://example.com/usgs).",
                ],
            ),
        ),
        (
            "content/briefs/older-brief.md",
            &page(
                &[
                    "title: An older brief",
                    "date: 2024-05-01",
                    "summary: Written earlier.",
                    "minerals: [germanium]",
                ],
                &["Older text."],
            ),
        ),
        (
            &format!("content/briefs/{INTERNAL_BRIEF_ID}.md"),
            &page(
                &[
                    "title: Secret brief",
                    "date: 2026-01-01",
                    "visibility: internal",
                    "summary: Internal only.",
                    &format!("companies: [{INTERNAL_COMPANY_ID}]"),
                ],
                &[&internal_brief_body],
            ),
        ),
    ])
}

/// Every file under `dir`, as `/`-separated paths.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in walk(dir) {
        out.insert(rel(dir, &entry));
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn rel(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The entries of `search-index.js`.
fn search_index(out: &Path) -> Vec<serde_json::Value> {
    let js = read(out, "search-index.js");
    let start = js
        .find("window.OREBRIEF_SEARCH = ")
        .expect("the index assigns window.OREBRIEF_SEARCH")
        + "window.OREBRIEF_SEARCH = ".len();
    let json = js[start..].trim_end().trim_end_matches(';');
    serde_json::from_str::<Vec<serde_json::Value>>(json).expect("the index is a JSON array")
}

fn entry<'a>(index: &'a [serde_json::Value], kind: &str, title: &str) -> &'a serde_json::Value {
    index
        .iter()
        .find(|e| e["kind"] == kind && e["title"] == title)
        .unwrap_or_else(|| panic!("no {kind} `{title}` in the search index: {index:#?}"))
}

// ---------------------------------------------------------------------------------------
// Search

#[test]
fn search_index_lists_what_the_build_holds_with_paths_for_links() {
    let site = fixture();
    let out = site.build("abs", false, Profile::Public);
    let index = search_index(&out);
    let gallium = entry(&index, "mineral", "Gallium");
    assert_eq!(gallium["path"], "minerals/gallium/");
    assert_eq!(gallium["symbol"], "Ga");
    assert_eq!(gallium["summary"], "A by-product of alumina refining.");
    assert!(gallium["aliases"].to_string().contains("gallium metal"));
    assert!(gallium["tags"].to_string().contains("semiconductors"));
    assert!(gallium["text"].as_str().unwrap().contains("China refines"));
    let acme = entry(&index, "company", "Acme Metals");
    assert_eq!(acme["code"], "JP");
    let japan = entry(&index, "country", "Japan");
    assert_eq!(japan["code"], "JP");
    assert_eq!(japan["path"], "countries/jp/");
    assert!(!japan["summary"].as_str().unwrap().is_empty());
    let brief = entry(&index, "brief", "Gallium and germanium outlook");
    assert_eq!(brief["date"], "2025-10-30");
    entry(&index, "page", "About");
    // Home and section pages are not entries; every path names a file of the build.
    for e in &index {
        let kind = e["kind"].as_str().unwrap();
        assert!(
            ["mineral", "company", "country", "brief", "page"].contains(&kind),
            "{e}"
        );
        let path = e["path"].as_str().unwrap();
        assert!(
            out.join(path).join("index.html").is_file(),
            "{path} is not a page"
        );
    }

    // Relative builds write paths that open from file://.
    let out = site.build("rel", true, Profile::Public);
    let index = search_index(&out);
    let gallium = entry(&index, "mineral", "Gallium");
    assert_eq!(gallium["path"], "minerals/gallium/index.html");
    for e in &index {
        assert!(out.join(e["path"].as_str().unwrap()).is_file(), "{e}");
    }
}

#[test]
fn search_page_loads_the_index_as_a_script_and_is_accessible() {
    let site = fixture();
    for (out, relative) in [("abs", false), ("rel", true)] {
        let out = site.build(out, relative, Profile::Public);
        let html = Html::parse_document(&read(&out, "search/index.html"));
        let scripts: Vec<&str> = html
            .select(&sel("script[src]"))
            .map(|s| s.value().attr("src").unwrap())
            .collect();
        let (index_src, search_src) = if relative {
            ("../search-index.js", "../search.js")
        } else {
            (
                "https://example.org/portal/search-index.js",
                "https://example.org/portal/search.js",
            )
        };
        assert!(scripts.contains(&index_src), "{scripts:?}");
        assert!(scripts.contains(&search_src), "{scripts:?}");
        assert!(
            out.join("search.js").is_file() && out.join("search-index.js").is_file(),
            "the scripts are written"
        );
        // No fetch: the page works from file://.
        assert!(!read(&out, "search.js").contains("fetch("));
        let input = html.select(&sel("input#search-q[name=q]")).next().unwrap();
        assert_eq!(input.value().attr("type"), Some("search"));
        assert!(html.select(&sel("label[for=search-q]")).next().is_some());
        let status = html.select(&sel("#search-status")).next().unwrap();
        assert_eq!(status.value().attr("aria-live"), Some("polite"));
        assert!(html.select(&sel("#search-results")).next().is_some());
        let kinds: Vec<&str> = html
            .select(&sel("input[type=checkbox][name=kind]"))
            .map(|c| c.value().attr("value").unwrap())
            .collect();
        assert_eq!(kinds, ["mineral", "company", "country", "brief", "page"]);
        let form = html.select(&sel("#search-form")).next().unwrap();
        let root = if relative { "../" } else { BASE };
        assert_eq!(form.value().attr("data-root"), Some(root));
        // Every page has a search form pointing at the search page.
        let home = Html::parse_document(&read(&out, "index.html"));
        let action = home
            .select(&sel("form.site-search"))
            .next()
            .expect("a search form in the header")
            .value()
            .attr("action")
            .unwrap()
            .to_string();
        let expected = if relative {
            "./search/index.html".to_string()
        } else {
            format!("{BASE}search/")
        };
        assert_eq!(action, expected);
        assert_unique_ids(&out, "search/index.html");
    }
}

// ---------------------------------------------------------------------------------------
// Print

fn assert_unique_ids(out: &Path, rel: &str) {
    let html = Html::parse_document(&read(out, rel));
    let mut seen = BTreeMap::new();
    for el in html.select(&sel("[id]")) {
        *seen
            .entry(el.value().attr("id").unwrap().to_string())
            .or_insert(0) += 1;
    }
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "{rel}: repeated ids {repeated:?}");
}

#[test]
fn brief_print_page_has_the_brief_a_contents_table_and_annex_profiles() {
    let site = fixture();
    let out = site.build("abs", false, Profile::Public);
    let rel = "briefs/public-brief/print/index.html";
    let text = read(&out, rel);
    let html = Html::parse_document(&text);
    let h1: String = html.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(h1.trim(), "Gallium and germanium outlook");
    // The table of contents links to the brief's sections and to every annex.
    let toc: Vec<String> = html
        .select(&sel("nav.print-toc a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    for anchor in [
        "#brief-public-brief",
        "#brief-public-brief-background",
        "#mineral-gallium",
        "#mineral-germanium",
        "#company-acme-metals",
    ] {
        assert!(toc.iter().any(|h| h == anchor), "{anchor} not in {toc:?}");
    }
    let labels: Vec<String> = html
        .select(&sel("nav.print-toc a"))
        .map(|a| a.text().collect())
        .collect();
    assert!(labels.iter().any(|l| l == "Annex A: Gallium"), "{labels:?}");
    assert!(
        labels.iter().any(|l| l == "Annex C: Acme Metals"),
        "{labels:?}"
    );
    // The annexes come under a chapter of their own, each at the level of a profile in the
    // whole-portal document, its label above it.
    let chapter: String = html
        .select(&sel("section#annexes > h2#annexes-title"))
        .next()
        .expect("an Annexes chapter")
        .text()
        .collect();
    assert_eq!(chapter, "Annexes");
    let first = html
        .select(&sel("section#annexes > section.print-part"))
        .next()
        .unwrap();
    let label: String = first
        .select(&sel(".annex-label"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(label, "Annex A");
    assert!(first.select(&sel("h3.part-title")).next().is_some());
    // The brief's body, then each annex with its profile.
    let body: String = html
        .select(&sel("#brief-public-brief .content"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(body.contains("China controls"));
    let gallium = html.select(&sel("section#mineral-gallium")).next().unwrap();
    let gallium_text: String = gallium.text().collect();
    assert!(gallium_text.contains("China refines almost all of it"));
    assert!(gallium_text.contains("Gallium refinery production, 2024"));
    assert!(gallium_text.contains("integrated circuits"));
    // The producers table (the same partial as on the page) names the public company.
    assert!(
        gallium
            .select(&sel("table.producers"))
            .next()
            .is_some_and(|t| t.text().collect::<String>().contains("Acme Metals"))
    );
    assert!(gallium.select(&sel("svg.chart")).next().is_some());
    let acme: String = html
        .select(&sel("section#company-acme-metals"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(acme.contains("Osaka Works"));
    // Links to annexed pages jump inside the document; others go to the site.
    let links: Vec<&str> = html
        .select(&sel("#brief-public-brief .content a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert!(links.contains(&"#mineral-gallium"), "{links:?}");
    assert!(links.contains(&"#company-acme-metals"), "{links:?}");
    // The header line of every printed page: the portal's title and the data's as-of date.
    assert!(text.contains("Leak Test Portal · Data as of 2025-01"));
    assert!(text.contains("@page"));
    assert_unique_ids(&out, rel);
    // The brief page links to its printable version.
    let page = Html::parse_document(&read(&out, "briefs/public-brief/index.html"));
    assert!(
        page.select(&sel("a"))
            .any(|a| a.value().attr("href") == Some(&format!("{BASE}briefs/public-brief/print/")))
    );
}

#[test]
fn pages_and_their_print_parts_show_the_same_data_sections() {
    let site = fixture();
    let out = site.build("abs", false, Profile::Public);
    let page = Html::parse_document(&read(&out, "minerals/gallium/index.html"));
    let print = Html::parse_document(&read(&out, "briefs/public-brief/print/index.html"));
    let annex = print
        .select(&sel("section#mineral-gallium"))
        .next()
        .expect("the gallium annex");
    // The tables and paragraphs of each data section, as text (the headings differ: the
    // page's carry anchor links, the annex's are a level lower).
    let text_of = |root: ElementRef<'_>, section: &str| -> String {
        let section = root
            .select(&sel(&format!("section.{section}")))
            .next()
            .unwrap_or_else(|| panic!("no section.{section}"));
        section
            .select(&sel("table, p"))
            .flat_map(|e| e.text())
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for section in [
        "production",
        "reserves",
        "uses",
        "us-trade",
        "export-controls",
        "producers-section",
    ] {
        let on_page = text_of(page.root_element(), section);
        assert!(!on_page.is_empty(), "{section}");
        assert_eq!(on_page, text_of(annex, section), "{section}");
    }
    // The same for a company: its facilities (one product with no status or capacity).
    let company = Html::parse_document(&read(&out, "companies/acme-metals/index.html"));
    let acme = print
        .select(&sel("section#company-acme-metals"))
        .next()
        .expect("the acme annex");
    let facilities = text_of(company.root_element(), "facilities");
    assert!(
        facilities.contains("Kyushu Plant (Fukuoka, Japan )"),
        "{facilities}"
    );
    assert!(
        facilities.contains("Germanium operating n/a"),
        "{facilities}"
    );
    assert_eq!(facilities, text_of(acme, "facilities"));
    // And for a country, against its part of the whole-portal document: its reserves (which
    // its page once left out) among them.
    let country = Html::parse_document(&read(&out, "countries/cn/index.html"));
    let portal = Html::parse_document(&read(&out, "print/index.html"));
    let cn = portal
        .select(&sel("section#country-cn"))
        .next()
        .expect("the China part");
    for section in ["production", "reserves", "export-controls"] {
        let on_page = text_of(country.root_element(), section);
        assert!(!on_page.is_empty(), "{section}");
        assert_eq!(on_page, text_of(cn, section), "{section}");
    }
    assert!(text_of(cn, "reserves").contains("Gallium 1,000 t"));
    // The world total of the reserves, which the page once left out.
    assert!(text_of(annex, "reserves").contains("World 1,200"));
    // Page headings keep their anchor links; the annex's are two levels lower (the annex is
    // an h3 under the "Annexes" chapter), without them.
    assert!(page.select(&sel("h2#reserves a.anchor")).next().is_some());
    assert!(
        annex
            .select(&sel("h4#mineral-gallium-reserves"))
            .next()
            .is_some()
    );
    assert!(
        annex
            .select(&sel("section.reserves a.anchor"))
            .next()
            .is_none()
    );
}

/// Three briefs naming the same profiles in different orders (one a top-level page, so one
/// folder less deep), for the annex parts the printable briefs of a build share.
fn shared_annexes(theme_header: Option<&str>) -> Site {
    let mineral = |id: &str, title: &str, producer_note: &str| {
        page(
            &[
                &format!("title: {title}"),
                "production:",
                "  - { year: 2024, stage: refinery, unit: t, by_country: { CN: 750, JP: 10 } }",
            ],
            &[&format!("About {id}. {producer_note}")],
        )
    };
    let company = |title: &str, mineral: &str| {
        page(
            &[
                &format!("title: {title}"),
                "country: JP",
                &format!(
                    "facilities:\n  - {{ name: {title} Works, country: JP, products: [ {{ mineral: {mineral} }} ] }}"
                ),
            ],
            &[&format!("{title} makes [[{mineral}]].")],
        )
    };
    let brief = |title: &str, minerals: &str, companies: &str| {
        page(
            &[
                "kind: brief",
                &format!("title: {title}"),
                "date: 2025-10-30",
                &format!("minerals: [{minerals}]"),
                &format!("companies: [{companies}]"),
            ],
            &["Text."],
        )
    };
    let mut files = vec![
        (
            "site.yaml".to_string(),
            format!("title: Shared\nbase_url: {BASE}\n"),
        ),
        (
            "content/minerals/gallium.md".to_string(),
            mineral("gallium", "Gallium", "See [[germanium]]."),
        ),
        (
            "content/minerals/germanium.md".to_string(),
            mineral("germanium", "Germanium", ""),
        ),
        (
            "content/companies/acme.md".to_string(),
            company("Acme", "gallium"),
        ),
        (
            "content/companies/beta.md".to_string(),
            company("Beta", "germanium"),
        ),
        (
            "content/briefs/one.md".to_string(),
            brief("One", "gallium", "acme"),
        ),
        (
            "content/briefs/two.md".to_string(),
            brief("Two", "germanium, gallium", "beta, acme"),
        ),
        (
            "content/three.md".to_string(),
            brief("Three", "germanium, gallium", ""),
        ),
    ];
    if let Some(header) = theme_header {
        files.push((
            "templates/partials/print_part_header.html".to_string(),
            header.to_string(),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Site::new(&refs)
}

/// The label shown in the annex `section#{id}` of a brief's printable version, and the
/// hrefs of its links.
fn annex(out: &Path, brief: &str, id: &str, label: &str) -> (String, Vec<String>) {
    let path = match brief {
        "three" => "three/print/index.html".to_string(),
        _ => format!("briefs/{brief}/print/index.html"),
    };
    let html = Html::parse_document(&read(out, &path));
    let section = html
        .select(&sel(&format!("section#{id}")))
        .next()
        .unwrap_or_else(|| panic!("{brief}: no {id}"));
    let shown = section
        .select(&sel(label))
        .next()
        .map(|l| l.text().collect::<String>())
        .unwrap_or_default();
    let hrefs = section
        .select(&sel("a[href]"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    (shown, hrefs)
}

#[test]
fn briefs_naming_the_same_profile_each_get_its_annex_with_their_own_label_and_links() {
    // A profile named by several briefs is rendered once for all of them (render::annexes);
    // each brief must still show it with its own annex letter, and with links that jump
    // inside that brief's document only to what that document holds.
    let site = shared_annexes(None);
    let out = site.build("rel", true, Profile::Public);
    let gallium = |brief: &str| annex(&out, brief, "mineral-gallium", ".annex-label");
    let (label, links) = gallium("one");
    assert_eq!(label, "Annex A");
    // Acme is an annex of "one": its producer row jumps to it; germanium is not.
    assert!(links.contains(&"#company-acme".to_string()), "{links:?}");
    assert!(
        links.contains(&"../../../minerals/germanium/index.html".to_string()),
        "{links:?}"
    );
    let (label, links) = gallium("two");
    assert_eq!(label, "Annex B");
    assert!(links.contains(&"#company-acme".to_string()), "{links:?}");
    assert!(
        links.contains(&"#mineral-germanium".to_string()),
        "{links:?}"
    );
    assert_eq!(
        annex(&out, "two", "mineral-germanium", ".annex-label").0,
        "Annex A"
    );
    assert_eq!(
        annex(&out, "two", "company-beta", ".annex-label").0,
        "Annex C"
    );
    assert_eq!(
        annex(&out, "two", "company-acme", ".annex-label").0,
        "Annex D"
    );
    // "three" is a top-level page, one folder less deep, and names no company: its links
    // climb one level less and lead to the company's page.
    let (label, links) = gallium("three");
    assert_eq!(label, "Annex B");
    assert!(
        links.contains(&"../../companies/acme/index.html".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"#mineral-germanium".to_string()),
        "{links:?}"
    );
    for brief in ["briefs/one", "briefs/two", "three"] {
        assert_unique_ids(&out, &format!("{brief}/print/index.html"));
    }
    let problems = crawl(&out, BASE, true);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_theme_that_transforms_the_annex_label_still_gets_each_label() {
    // The shared annex parts are rendered with a placeholder label; a theme that filters
    // the label (here to capitals) must see the real one.
    let header = "<header>{% if part.label %}<p class=\"label\">{{ part.label | upper }}|{{ part.label | length }}</p>{% endif %}<h{{ part.level }} id=\"title\">{{ page.title }}</h{{ part.level }}></header>";
    let site = shared_annexes(Some(header));
    let out = site.build("rel", true, Profile::Public);
    let label = |brief: &str, id: &str| annex(&out, brief, id, ".label").0;
    assert_eq!(label("one", "mineral-gallium"), "ANNEX A|7");
    assert_eq!(label("two", "mineral-gallium"), "ANNEX B|7");
    assert_eq!(label("two", "company-acme"), "ANNEX D|7");
    assert_eq!(label("three", "mineral-gallium"), "ANNEX B|7");
}

/// Builds `site` with the command line, absolute links, into `out` under its root, and
/// returns the `annex parts:` line `OREBRIEF_TIMINGS` prints.
fn annex_summary(site: &Site, out: &str) -> (PathBuf, String) {
    annex_summary_with(site, out, &[])
}

/// [`annex_summary`] with more environment variables.
fn annex_summary_with(site: &Site, out: &str, env: &[(&str, &str)]) -> (PathBuf, String) {
    let output = site.root().join(out);
    let run = Command::new(env!("CARGO_BIN_EXE_orebrief"))
        .arg("--root")
        .arg(site.root())
        .args(["build", "--output-dir"])
        .arg(&output)
        .env("OREBRIEF_TIMINGS", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("annex parts:"))
        .unwrap_or_else(|| panic!("no annex summary in {stderr}"))
        .to_string();
    (output, line)
}

#[test]
fn annexes_are_the_parts_of_the_portal_document_when_the_theme_allows() {
    // With absolute links every document has the same root, and the default theme shows an
    // annex's label outside its part: the eight annexes of the three briefs are the parts
    // the whole-portal document rendered, not rendered again, and still each shows its own
    // label and jumps only to what its own document holds.
    let site = shared_annexes(None);
    let (out, summary) = annex_summary(&site, "abs");
    assert!(
        summary.contains("annex parts: 8 from the portal print (4 kept")
            && summary.contains(", 0 rendered, 0 reused"),
        "{summary}"
    );
    let gallium = |brief: &str| annex(&out, brief, "mineral-gallium", ".annex-label");
    let (label, links) = gallium("one");
    assert_eq!(label, "Annex A");
    assert!(links.contains(&"#company-acme".to_string()), "{links:?}");
    assert!(
        links.contains(&format!("{BASE}minerals/germanium/")),
        "{links:?}"
    );
    let (label, links) = gallium("two");
    assert_eq!(label, "Annex B");
    assert!(
        links.contains(&"#mineral-germanium".to_string()),
        "{links:?}"
    );
    let (label, links) = gallium("three");
    assert_eq!(label, "Annex B");
    assert!(
        links.contains(&format!("{BASE}companies/acme/")),
        "{links:?}"
    );
    // The same annex, whatever the document, and the same as the portal's own part but for
    // the label and the jumps.
    let portal = read(&out, "print/index.html");
    assert!(portal.contains("About gallium. See"));
    for brief in ["briefs/one", "briefs/two", "three"] {
        assert_unique_ids(&out, &format!("{brief}/print/index.html"));
    }
    let problems = crawl(&out, BASE, false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_theme_showing_the_label_in_its_part_gets_annexes_rendered_for_each_brief() {
    let header = "<header>{% if part.label %}<p class=\"label\">{{ part.label | upper }}</p>{% endif %}<h{{ part.level }} id=\"title\">{{ page.title }}</h{{ part.level }}></header>";
    let site = shared_annexes(Some(header));
    let (out, summary) = annex_summary(&site, "abs");
    assert!(
        summary.contains("(not used: the theme's part templates read part.label)"),
        "{summary}"
    );
    let label = |brief: &str, id: &str| annex(&out, brief, id, ".label").0;
    assert_eq!(label("one", "mineral-gallium"), "ANNEX A");
    assert_eq!(label("two", "mineral-gallium"), "ANNEX B");
    assert_eq!(label("two", "company-acme"), "ANNEX D");
    assert_eq!(label("three", "mineral-gallium"), "ANNEX B");
}

#[test]
fn annexes_taken_from_the_portal_document_are_byte_for_byte_those_rendered_for_each_brief() {
    // The same site twice: with the default theme, whose briefs take their annexes from the
    // whole-portal document; and with a part header that tests `part.label` but shows
    // nothing more, so that every annex is rendered for its brief. Every file must match.
    let shared = shared_annexes(None);
    let (taken, summary) = annex_summary(&shared, "taken");
    assert!(
        summary.contains("annex parts: 8 from the portal print"),
        "{summary}"
    );
    let header = format!(
        "{}{{% if part.label %}}{{% endif %}}",
        include_str!("../themes/default/templates/partials/print_part_header.html")
    );
    let rendered_site = shared_annexes(Some(&header));
    let (rendered, summary) = annex_summary(&rendered_site, "rendered");
    assert!(
        summary.contains("annex parts: 0 from the portal print")
            && summary.contains("(not used: the theme's part templates read part.label)"),
        "{summary}"
    );
    let files = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let (a, b) = (files(&taken), files(&rendered));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(
        a.iter()
            .any(|(p, _)| p.ends_with("briefs/two/print/index.html"))
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{} differs:\n{}\n---\n{}",
            path.display(),
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        );
    }
}

#[test]
fn a_theme_showing_the_label_only_for_some_pages_gets_it_on_those_pages() {
    // Brief "a" names gallium, which has no summary, and brief "b" germanium, which has one;
    // each is its brief's "Annex A". The theme shows the label only with a summary, so the
    // first annex looks the same with or without its label: a check on it alone would pass,
    // and germanium, taken from the portal document, would lose its label. One thread makes
    // "a" go first.
    let mineral = |title: &str, summary: &str| {
        let mut front = vec![format!("title: {title}")];
        if !summary.is_empty() {
            front.push(format!("summary: {summary}"));
        }
        let front: Vec<&str> = front.iter().map(String::as_str).collect();
        page(&front, &[&format!("About {title}.")])
    };
    let brief = |title: &str, mineral: &str| {
        page(
            &[
                "kind: brief",
                &format!("title: {title}"),
                "date: 2025-10-30",
                &format!("minerals: [{mineral}]"),
            ],
            &["Text."],
        )
    };
    let files = [
        (
            "site.yaml".to_string(),
            format!("title: Some\nbase_url: {BASE}\n"),
        ),
        (
            "content/minerals/gallium.md".to_string(),
            mineral("Gallium", ""),
        ),
        (
            "content/minerals/germanium.md".to_string(),
            mineral("Germanium", "Used in fibre optics."),
        ),
        ("content/briefs/a.md".to_string(), brief("A", "gallium")),
        ("content/briefs/b.md".to_string(), brief("B", "germanium")),
        (
            "templates/partials/print_part_header.html".to_string(),
            "{% if page.summary and part.label %}<p class=\"label\">{{ part.label }}</p>{% endif %}<h{{ part.level }} id=\"title\">{{ page.title }}</h{{ part.level }}>".to_string(),
        ),
    ];
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::new(&refs);
    let (out, summary) = annex_summary_with(&site, "abs", &[("RAYON_NUM_THREADS", "1")]);
    assert_eq!(annex(&out, "a", "mineral-gallium", ".label").0, "");
    assert_eq!(annex(&out, "b", "mineral-germanium", ".label").0, "Annex A");
    assert!(
        summary.contains("(not used: the theme's part templates read part.label)"),
        "{summary}"
    );
}

#[test]
fn portal_print_keeps_its_parts_in_order_across_many_of_them() {
    // The portal document is rendered in chunks of parts (8, then up to 64), each written
    // while the next renders: 150 minerals make four chunks, whose parts must follow the
    // table of contents.
    let mut files: Vec<(String, String)> = vec![(
        "site.yaml".to_string(),
        format!("title: Many\nbase_url: {BASE}\n"),
    )];
    for n in 0..150 {
        files.push((
            format!("content/minerals/m{n:03}.md"),
            page(
                &[&format!("title: Mineral {n:03}")],
                &[&format!("Body {n:03}.")],
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::new(&refs);
    let out = site.build("abs", false, Profile::Public);
    let rel = "print/index.html";
    let text = read(&out, rel);
    let html = Html::parse_document(&text);
    let toc: Vec<String> = html
        .select(&sel("nav.print-toc a"))
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with("#mineral-"))
        .map(|h| h[1..].to_string())
        .collect();
    let parts: Vec<String> = html
        .select(&sel("section[id^=\"mineral-m\"]"))
        .filter_map(|s| s.value().attr("id"))
        .filter(|id| !id[8..].contains('-'))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = (0..150).map(|n| format!("mineral-m{n:03}")).collect();
    assert_eq!(toc, expected);
    assert_eq!(parts, expected);
    // Each part holds its own body, and the document is whole.
    let body_of = |id: &str| -> String {
        html.select(&sel(&format!("section#{id} .content")))
            .next()
            .map(|c| c.text().collect())
            .unwrap_or_default()
    };
    for n in [0, 7, 8, 71, 72, 135, 136, 149] {
        assert!(
            body_of(&format!("mineral-m{n:03}")).contains(&format!("Body {n:03}.")),
            "part {n}"
        );
    }
    assert!(text.trim_end().ends_with("</html>"));
    assert_unique_ids(&out, rel);
}

#[test]
fn portal_print_page_holds_every_public_page() {
    let site = fixture();
    let out = site.build("rel", true, Profile::Public);
    let rel = "print/index.html";
    let html = Html::parse_document(&read(&out, rel));
    for id in [
        "home",
        "chapter-minerals",
        "mineral-gallium",
        "mineral-germanium",
        "chapter-companies",
        "company-acme-metals",
        "chapter-countries",
        "country-cn",
        "country-jp",
        "chapter-briefs",
        "brief-public-brief",
        "brief-older-brief",
        "page-about",
    ] {
        assert!(
            html.select(&sel(&format!("[id=\"{id}\"]")))
                .next()
                .is_some(),
            "no #{id} in print/"
        );
    }
    let toc = html.select(&sel("nav.print-toc")).next().unwrap();
    assert!(toc.text().collect::<String>().contains("Germanium"));
    // The dashboard comes with the home part.
    assert!(
        html.select(&sel("#home table.dashboard-table"))
            .next()
            .is_some()
    );
    assert_unique_ids(&out, rel);
    // Relative builds link assets from the document's own folder.
    let css = html
        .select(&sel("link[rel=stylesheet]"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(css, "../style.css");
}

#[test]
fn print_css_handles_paper() {
    let site = fixture();
    let out = site.build("abs", false, Profile::Public);
    let css = read(&out, "style.css");
    let print = &css[css.find("@media print").expect("print rules")..];
    assert!(css.contains("@page"));
    assert!(
        css.contains("size: auto"),
        "A4 or Letter, whichever the printer uses"
    );
    assert!(css.contains("counter(page)"), "page numbers");
    assert!(print.contains(".site-nav"), "no navigation in print");
    assert!(
        print.contains("a[href^=\"http\"]::after") && print.contains("attr(href)"),
        "external link addresses printed"
    );
    assert!(
        print.contains("break-inside: avoid"),
        "tables and charts kept whole"
    );
}

// ---------------------------------------------------------------------------------------
// GitHub Pages files

#[test]
fn sitemap_feed_robots_nojekyll_cname() {
    let site = fixture();
    let out = site.build("abs", false, Profile::Public);
    let all = files(&out);
    assert!(all.contains(".nojekyll"));
    assert_eq!(read(&out, "CNAME"), "briefs.example.org\n");
    let robots = read(&out, "robots.txt");
    assert!(
        robots.contains(&format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );

    let sitemap = read(&out, "sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| &s[..s.find("</loc>").unwrap()])
        .collect();
    for path in [
        "",
        "minerals/gallium/",
        "companies/acme-metals/",
        "briefs/public-brief/",
        "countries/jp/",
        "search/",
        "about/",
    ] {
        let url = format!("{BASE}{path}");
        assert!(locs.contains(&url.as_str()), "{url} not in the sitemap");
    }
    for loc in &locs {
        let rel = loc.strip_prefix(BASE).expect("every loc is under base_url");
        assert!(
            out.join(rel).join("index.html").is_file(),
            "{loc} has no page"
        );
    }
    assert!(!sitemap.contains(INTERNAL_COMPANY_ID) && !sitemap.contains(INTERNAL_BRIEF_ID));

    let atom = read(&out, "atom.xml");
    let titles: Vec<&str> = atom
        .split("<entry>")
        .skip(1)
        .map(|e| {
            let t = &e[e.find("<title>").unwrap() + 7..];
            &t[..t.find("</title>").unwrap()]
        })
        .collect();
    assert_eq!(
        titles,
        ["Gallium and germanium outlook", "An older brief"],
        "newest first, no internal brief"
    );
    assert!(atom.contains("<summary>Where gallium and germanium come from.</summary>"));
    assert!(atom.contains(&format!("{BASE}briefs/public-brief/")));
}

#[test]
fn not_found_page_links_work_at_any_depth() {
    let site = fixture();
    for (out, relative) in [("abs", false), ("rel", true)] {
        let out = site.build(out, relative, Profile::Public);
        let html = Html::parse_document(&read(&out, "404.html"));
        let mut n = 0;
        for el in html.select(&sel("[href], [src], form[action]")) {
            let v = el.value();
            let url = v
                .attr("href")
                .or(v.attr("src"))
                .or(v.attr("action"))
                .unwrap();
            if url.starts_with('#') || url.starts_with("mailto:") {
                continue;
            }
            assert!(
                url.starts_with(BASE)
                    || url.starts_with("https://") && !url.contains("example.org"),
                "404.html links {url}: not absolute to base_url, so it would break below the top folder"
            );
            n += 1;
        }
        assert!(n > 3, "404.html links home, the sections and its CSS");
        // And they resolve to files (the crawl maps base_url to the output folder).
        let problems = crawl(&out, BASE, relative);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

// ---------------------------------------------------------------------------------------
// Link crawl

/// Removes `.` and `..` segments of a URL path.
fn normalize(url: &str) -> String {
    let (prefix, path) = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            let slash = after.find('/').map_or(url.len(), |s| i + 3 + s);
            (&url[..slash], &url[slash..])
        }
        None => ("", url),
    };
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').collect();
    for (k, seg) in parts.iter().enumerate() {
        match *seg {
            "." => {
                if k == parts.len() - 1 {
                    segments.push("");
                }
            }
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
                if k == parts.len() - 1 {
                    segments.push("");
                }
            }
            s => segments.push(s),
        }
    }
    format!("{prefix}{}", segments.join("/"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The ids of an HTML file, cached.
fn ids_of<'c>(
    cache: &'c mut HashMap<PathBuf, BTreeSet<String>>,
    file: &Path,
) -> &'c BTreeSet<String> {
    cache.entry(file.to_path_buf()).or_insert_with(|| {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let html = Html::parse_document(&text);
        let mut ids: BTreeSet<String> = html
            .select(&sel("[id]"))
            .map(|e| e.value().attr("id").unwrap().to_string())
            .collect();
        ids.extend(
            html.select(&sel("a[name]"))
                .map(|e| e.value().attr("name").unwrap().to_string()),
        );
        ids
    })
}

/// Parses every HTML file of `out` and resolves every link and asset: `base`-prefixed
/// URLs map to the output folder, relative ones resolve against the file's folder, `x/`
/// means `x/index.html`, and a `#fragment` must name an id of its target. In relative
/// builds a root-relative link (`/x`) is a problem, since it breaks `file://`, and so is a
/// link to a folder (except on 404.html, which links absolutely on purpose), since
/// `file://` shows a folder listing there. Returns the problems.
fn crawl(out: &Path, base: &str, relative: bool) -> Vec<String> {
    let origin = {
        let i = base.find("://").unwrap() + 3;
        &base[..base[i..].find('/').map_or(base.len(), |s| i + s)]
    };
    let mut problems = Vec::new();
    let mut ids: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let link_sel = sel("[href], [src], form[action]");
    let mut checked = 0usize;
    for file in walk(out) {
        if file.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let rel_file = rel(out, &file);
        let text = std::fs::read_to_string(&file).unwrap();
        let html = Html::parse_document(&text);
        if !html.errors.is_empty() && html.root_element().select(&sel("body")).next().is_none() {
            problems.push(format!("{rel_file}: does not parse: {:?}", html.errors));
        }
        let file_url = format!("{base}{rel_file}");
        for el in html.select(&link_sel) {
            for attr in ["href", "src", "action"] {
                let Some(raw) = el.value().attr(attr) else {
                    continue;
                };
                if attr == "action" && el.value().name() != "form" {
                    continue;
                }
                let raw = raw.trim();
                checked += 1;
                if let Some(problem) = check_link(
                    out, base, origin, relative, &rel_file, &file, &file_url, raw, &mut ids,
                ) {
                    problems.push(format!("{rel_file}: {attr}=\"{raw}\": {problem}"));
                }
            }
        }
    }
    assert!(checked > 0, "no links at all in {}", out.display());
    problems
}

#[allow(clippy::too_many_arguments)]
fn check_link(
    out: &Path,
    base: &str,
    origin: &str,
    relative: bool,
    rel_file: &str,
    file: &Path,
    file_url: &str,
    raw: &str,
    ids: &mut HashMap<PathBuf, BTreeSet<String>>,
) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("javascript:") || lower.starts_with("data:text/html") {
        return Some("script URL".into());
    }
    if lower.starts_with("mailto:") || lower.starts_with("tel:") || lower.starts_with("data:") {
        return None;
    }
    if raw.is_empty() {
        return Some("empty link".into());
    }
    let (no_fragment, fragment) = match raw.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (raw, None),
    };
    let no_query = no_fragment.split('?').next().unwrap();
    if no_query.is_empty() {
        // A link inside the same document.
        return match fragment {
            Some(f) if !f.is_empty() && !ids_of(ids, file).contains(&percent_decode(f)) => {
                Some(format!("no element with id `{f}` in this page"))
            }
            _ => None,
        };
    }
    let has_scheme = no_query.find(':').is_some_and(|i| {
        no_query[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && i > 0
    });
    let absolute = if has_scheme {
        no_query.to_string()
    } else if let Some(rest) = no_query.strip_prefix("//") {
        format!("https://{rest}")
    } else if no_query.starts_with('/') {
        if relative {
            return Some("root-relative link: breaks file://".into());
        }
        format!("{origin}{no_query}")
    } else {
        let dir = &file_url[..file_url.rfind('/').unwrap() + 1];
        normalize(&format!("{dir}{no_query}"))
    };
    let Some(site_rel) = absolute.strip_prefix(base).or_else(|| {
        (absolute.len() + 1 == base.len() && base.starts_with(&absolute)).then_some("")
    }) else {
        if absolute.starts_with(origin) {
            return Some(format!(
                "{absolute} is on the site's host but outside base_url"
            ));
        }
        return None; // External.
    };
    if relative
        && !has_scheme
        && rel_file != "404.html"
        && (site_rel.is_empty() || site_rel.ends_with('/'))
    {
        return Some("a folder link: file:// shows a folder listing, not the page".into());
    }
    let site_rel = percent_decode(site_rel);
    let target_rel = if site_rel.is_empty() || site_rel.ends_with('/') {
        format!("{site_rel}index.html")
    } else {
        site_rel
    };
    let target = out.join(&target_rel);
    if !target.is_file() {
        return Some(format!("{target_rel} does not exist"));
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        if target_rel.ends_with(".html") && !ids_of(ids, &target).contains(&percent_decode(f)) {
            return Some(format!("{target_rel} has no element with id `{f}`"));
        }
    }
    None
}

#[test]
fn crawl_finds_a_broken_link() {
    let site = fixture();
    let out = site.build("abs", false, Profile::Public);
    std::fs::remove_file(out.join("minerals/germanium/index.html")).unwrap();
    let problems = crawl(&out, BASE, false);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("minerals/germanium/index.html does not exist")),
        "{problems:#?}"
    );
}

#[test]
fn every_link_resolves_in_absolute_and_relative_builds_of_the_fixture() {
    let site = fixture();
    for profile in [Profile::Public, Profile::Internal] {
        for (name, relative) in [("abs", false), ("rel", true)] {
            let out = site.build(&format!("{name}-{}", profile.as_str()), relative, profile);
            let problems = crawl(&out, BASE, relative);
            assert!(
                problems.is_empty(),
                "{} {name}: {} broken links:\n{}",
                profile.as_str(),
                problems.len(),
                problems.join("\n")
            );
        }
    }
}

/// Copies the repository's sample site (content and site.yaml) into a temporary folder.
fn sample_site() -> Site {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new(&[]);
    let content = repo.join("content");
    for file in walk(&content) {
        let rel = rel(repo, &file);
        std::fs::create_dir_all(site.root().join(&rel).parent().unwrap()).unwrap();
        std::fs::copy(&file, site.root().join(&rel)).unwrap();
    }
    std::fs::copy(repo.join("site.yaml"), site.root().join("site.yaml")).unwrap();
    site
}

fn base_url_of(root: &Path) -> String {
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let line = yaml
        .lines()
        .find(|l| l.starts_with("base_url:"))
        .expect("base_url in site.yaml");
    let url = line["base_url:".len()..].trim().trim_matches('"');
    format!("{}/", url.trim_end_matches('/'))
}

#[test]
fn every_link_resolves_in_the_sample_site() {
    let site = sample_site();
    let base = base_url_of(site.root());
    for (name, relative) in [("abs", false), ("rel", true)] {
        let out = site.build(name, relative, Profile::Public);
        let problems = crawl(&out, &base, relative);
        assert!(
            problems.is_empty(),
            "sample site {name}: {} broken links:\n{}",
            problems.len(),
            problems.join("\n")
        );
        assert!(out.join("search-index.js").is_file());
        assert!(out.join("print/index.html").is_file());
    }
}

// ---------------------------------------------------------------------------------------
// Visibility

#[test]
fn a_public_build_leaves_every_internal_thing_out_of_every_byte() {
    let site = fixture();
    for (name, relative) in [("abs", false), ("rel", true)] {
        let out = site.build(name, relative, Profile::Public);
        let all = files(&out);
        // The fixture writes every kind of output file; all of them are searched.
        for ext in ["html", "json", "csv", "xml", "js", "txt"] {
            assert!(
                all.iter().any(|f| f.ends_with(&format!(".{ext}"))),
                "no .{ext} file to search"
            );
        }
        let needles = [
            PAGE_MARKER,
            FRONT_MATTER_MARKER,
            BLOCK_MARKER,
            BRIEF_MARKER,
            INTERNAL_COMPANY_ID,
            INTERNAL_COMPANY_TITLE,
            INTERNAL_BRIEF_ID,
            "Fjord Plant",
        ];
        let mut found = Vec::new();
        for file in walk(&out) {
            let bytes = std::fs::read(&file).unwrap();
            for needle in needles {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(format!("{needle} in {}", rel(&out, &file)));
                }
            }
        }
        assert!(
            found.is_empty(),
            "internal material leaked:\n{}",
            found.join("\n")
        );
        // Nor does the internal company's country (met nowhere else) get a page.
        assert!(!out.join("countries/no").exists());
        assert!(!all.iter().any(|f| f.contains(INTERNAL_COMPANY_ID)));
    }
}

/// Whether `el` or an ancestor is marked internal.
fn marked_internal(el: ElementRef<'_>) -> bool {
    let mut node = Some(el);
    while let Some(e) = node {
        let v = e.value();
        if v.attr("data-internal") == Some("true") || v.classes().any(|c| c.contains("internal")) {
            return true;
        }
        node = e.parent().and_then(ElementRef::wrap);
    }
    false
}

/// The innermost elements whose own text holds `needle`.
fn holding<'h>(html: &'h Html, needle: &str) -> Vec<ElementRef<'h>> {
    html.select(&sel("*"))
        .filter(|e| {
            e.children()
                .filter_map(|c| c.value().as_text())
                .any(|t| t.contains(needle))
        })
        .collect()
}

#[test]
fn an_internal_build_shows_the_internal_material_marked_internal() {
    let site = fixture();
    let out = site.build("int", false, Profile::Internal);

    let company = read(&out, &format!("companies/{INTERNAL_COMPANY_ID}/index.html"));
    assert!(company.contains(PAGE_MARKER));
    let html = Html::parse_document(&company);
    assert!(
        html.select(&sel(".internal[role=note]")).next().is_some(),
        "an internal page carries the internal banner"
    );

    let gallium = Html::parse_document(&read(&out, "minerals/gallium/index.html"));
    for marker in [FRONT_MATTER_MARKER, BLOCK_MARKER] {
        let els = holding(&gallium, marker);
        assert!(!els.is_empty(), "{marker} not shown in the internal build");
        assert!(
            els.iter().all(|e| marked_internal(*e)),
            "{marker} is not inside an element marked internal"
        );
    }
    // The internal company is a producer of germanium in the internal wiki.
    let germanium = read(&out, "minerals/germanium/index.html");
    assert!(germanium.contains(INTERNAL_COMPANY_TITLE));
    assert!(out.join("countries/no/index.html").is_file());

    // The search index holds the internal pages, flagged.
    let index = search_index(&out);
    let shadow = entry(&index, "company", INTERNAL_COMPANY_TITLE);
    assert_eq!(shadow["internal"], true);
    assert!(shadow["text"].as_str().unwrap().contains(PAGE_MARKER));
    assert_eq!(entry(&index, "mineral", "Gallium").get("internal"), None);
    let gallium_entry = entry(&index, "mineral", "Gallium");
    assert!(
        !gallium_entry.to_string().contains(FRONT_MATTER_MARKER),
        "`internal:` front matter is never indexed"
    );

    // The printable documents carry them too, marked.
    let print = Html::parse_document(&read(&out, "print/index.html"));
    let part = print
        .select(&sel(&format!("section#company-{INTERNAL_COMPANY_ID}")))
        .next()
        .expect("the internal company in the portal document");
    assert!(marked_internal(part));
    let brief_print = read(
        &out,
        &format!("briefs/{INTERNAL_BRIEF_ID}/print/index.html"),
    );
    assert!(brief_print.contains(BRIEF_MARKER));
    assert!(
        brief_print.contains(PAGE_MARKER),
        "the annex of the internal company"
    );
    let annex = Html::parse_document(&read(&out, "briefs/public-brief/print/index.html"));
    for marker in [FRONT_MATTER_MARKER, BLOCK_MARKER] {
        let els = holding(&annex, marker);
        assert!(!els.is_empty(), "{marker} not in the gallium annex");
        assert!(
            els.iter().all(|e| marked_internal(*e)),
            "{marker} unmarked in print"
        );
    }
}

#[test]
fn a_public_page_linking_to_an_internal_page_fails_the_public_build() {
    let site = fixture();
    site.write(
        "content/briefs/public-brief.md",
        &page(
            &[
                "title: Gallium and germanium outlook",
                "date: 2025-10-30",
                "minerals: [gallium]",
            ],
            &["Intro.", "", "Ask [[shadowcorp-refining]] about it."],
        ),
    );
    let err = orebrief::build(&site.options("abs")).expect_err("the build must fail");
    let Error::Content(diagnostics) = err else {
        panic!("expected content errors, got {err}");
    };
    let d = diagnostics
        .iter()
        .find(|d| d.is_error() && d.message.contains(INTERNAL_COMPANY_ID))
        .unwrap_or_else(|| panic!("no error naming the internal page: {diagnostics:#?}"));
    assert_eq!(d.file, Path::new("content/briefs/public-brief.md"));
    // Front matter is lines 1-5, the body starts on line 6; the link is on line 8 at column 5.
    assert_eq!((d.line, d.column), (8, 5), "{d}");
    assert!(
        d.to_string()
            .starts_with("content/briefs/public-brief.md:8:5: error:")
    );
    // The previous output is untouched: nothing was written.
    assert!(!site.root().join("abs").exists());
    // The internal build has the page, so the same link is fine there.
    site.build("int", false, Profile::Internal);
}

#[test]
fn front_matter_naming_a_left_out_page_builds_without_the_reference() {
    // The contract makes only body links to a left-out page errors; a relation named in
    // front matter is left out with the page it names.
    let site = fixture();
    site.write(
        "content/minerals/draftium.md",
        &page(&["title: Draftium Qx", "draft: true"], &[]),
    );
    site.write(
        "content/companies/open-co.md",
        &page(
            &[
                "title: Open Co",
                "country: JP",
                "facilities:",
                "  - { name: Open Works, country: JP, products: [ { mineral: draftium }, { mineral: gallium, capacity: 7, unit: t/yr, source: usgs } ] }",
                "  - { name: Ghost Works Qx, country: JP, products: [ { mineral: draftium } ] }",
                "agreements:",
                &format!("  - {{ date: 2025-01, with: {INTERNAL_COMPANY_ID}, kind: MOU, summary: Pact text Qx, source: usgs }}"),
                "  - { date: 2025-02, with: acme-metals, kind: offtake, minerals: [draftium, gallium], summary: Open deal, source: usgs }",
            ],
            &[],
        ),
    );
    site.write(
        "content/briefs/deal-brief.md",
        &page(
            &[
                "title: Deal brief",
                "date: 2025-11-01",
                &format!("companies: [{INTERNAL_COMPANY_ID}, open-co]"),
                "minerals: [draftium, gallium]",
            ],
            &["Text."],
        ),
    );
    let out = site.build("abs", false, Profile::Public);
    let mut found = Vec::new();
    for file in walk(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        for needle in [
            INTERNAL_COMPANY_ID,
            "Pact text Qx",
            "draftium",
            "Draftium Qx",
            "Ghost Works Qx",
        ] {
            if text.contains(needle) {
                found.push(format!("{needle} in {}", rel(&out, &file)));
            }
        }
    }
    assert!(
        found.is_empty(),
        "left-out pages named:\n{}",
        found.join("\n")
    );
    // What names pages in the build stays, on both sides of each relation.
    let open = read(&out, "companies/open-co/index.html");
    assert!(
        open.contains("Open deal") && open.contains("Open Works"),
        "{open}"
    );
    let acme = read(&out, "companies/acme-metals/index.html");
    assert!(
        acme.contains("Open deal"),
        "the agreement is missing on its other party"
    );
    let gallium = read(&out, "minerals/gallium/index.html");
    assert!(gallium.contains("Open Works") && gallium.contains("Deal brief"));
    let brief = read(&out, "briefs/deal-brief/index.html");
    assert!(brief.contains("Open Co"), "{brief}");
    // In an internal build with drafts, every reference is there again.
    let mut options = site.options("int");
    options.profile = Some(Profile::Internal);
    options.drafts = true;
    orebrief::build(&options).expect("the internal build");
    let int = site.root().join("int");
    let open = read(&int, "companies/open-co/index.html");
    assert!(
        open.contains("Pact text Qx") && open.contains("Draftium Qx"),
        "{open}"
    );
    assert!(open.contains("Ghost Works Qx"), "{open}");
    let brief = read(&int, "briefs/deal-brief/index.html");
    assert!(brief.contains(INTERNAL_COMPANY_TITLE) && brief.contains("Draftium Qx"));
}

// ---------------------------------------------------------------------------------------
// Last updated

fn git(dir: &Path, args: &[&str]) -> bool {
    git_at(dir, "2024-03-05T12:00:00+00:00", args)
}

/// Runs git in `dir`, its commits made at `when`.
fn git_at(dir: &Path, when: &str, args: &[&str]) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", when)
        .env("GIT_COMMITTER_DATE", when)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn pages_show_their_last_update_from_front_matter_or_git() {
    let site = fixture();
    site.write(
        "content/about.md",
        &page(&["title: About", "updated: 2025-12-01"], &["A plain page."]),
    );
    // Outside a repository: front matter only.
    let out = site.build("nogit", false, Profile::Public);
    assert!(read(&out, "about/index.html").contains("Updated <time datetime=\"2025-12-01\">"));
    assert!(!read(&out, "minerals/gallium/index.html").contains("Updated <time"));

    if !git(site.root(), &["init", "-q"]) {
        eprintln!("git is not available: skipping the git part of this test");
        return;
    }
    assert!(git(site.root(), &["add", "content", "site.yaml"]));
    assert!(git(site.root(), &["commit", "-q", "-m", "content"]));
    let out = site.build("git", false, Profile::Public);
    // No `updated:`: the date of the last commit of the file.
    let gallium = read(&out, "minerals/gallium/index.html");
    assert!(
        gallium.contains("Updated <time datetime=\"2024-03-05\">"),
        "{gallium}"
    );
    // Front matter wins over git.
    assert!(read(&out, "about/index.html").contains("Updated <time datetime=\"2025-12-01\">"));
    // Companies show when their data was checked next to it.
    let acme = read(&out, "companies/acme-metals/index.html");
    assert!(acme.contains("Updated <time datetime=\"2024-03-05\">"));
    // And the sitemap carries it.
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains(&format!(
        "<loc>{BASE}minerals/gallium/</loc><lastmod>2024-03-05</lastmod>"
    )));
    // The print annexes show it as well.
    assert!(
        read(&out, "briefs/public-brief/print/index.html")
            .contains("Updated <time datetime=\"2024-03-05\">")
    );
}

/// Changes the date the kept dates file `cache` holds for `file`, to `date`.
fn change_kept_date(cache: &Path, file: &str, date: &str) {
    let text = std::fs::read_to_string(cache).unwrap();
    // Records are `<date> <path>` ended by a NUL, after three header lines.
    let at = text
        .find(&format!(" {file}\0"))
        .unwrap_or_else(|| panic!("no {file} in {text}"));
    let start = text[..at].rfind(['\0', '\n']).unwrap() + 1;
    std::fs::write(cache, format!("{}{date}{}", &text[..start], &text[at..])).unwrap();
}

/// The "Updated" date a built page shows.
fn updated_on(out: &Path, rel: &str) -> String {
    const MARK: &str = "Updated <time datetime=\"";
    let html = read(out, rel);
    let at = html
        .find(MARK)
        .unwrap_or_else(|| panic!("no update date in {rel}"))
        + MARK.len();
    html[at..at + 10].to_string()
}

#[test]
fn git_dates_are_kept_between_builds_and_follow_new_commits_resets_and_damage() {
    let site = fixture();
    if !git(site.root(), &["init", "-q"]) {
        eprintln!("git is not available: skipping this test");
        return;
    }
    assert!(git(site.root(), &["add", "content", "site.yaml"]));
    assert!(git(site.root(), &["commit", "-q", "-m", "content"]));
    let gallium = "minerals/gallium/index.html";
    let acme = "companies/acme-metals/index.html";
    let out = site.build("first", false, Profile::Public);
    assert_eq!(updated_on(&out, gallium), "2024-03-05");
    // The dates are kept in the git folder, with the commit they were read at.
    let kept: Vec<PathBuf> = std::fs::read_dir(site.root().join(".git/orebrief"))
        .expect("a folder of kept dates")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let cache = kept[0].clone();
    let text = std::fs::read_to_string(&cache).unwrap();
    assert!(
        text.contains("\n2024-03-05 content/_index.md\0")
            && text.contains("\x002024-03-05 content/companies/acme-metals.md\0"),
        "{text}"
    );

    // A new commit: read on top of the kept dates (shown by a date changed in the file for a
    // page the commit does not touch, which only the file holds).
    let file = site.root().join("content/minerals/gallium.md");
    let body = std::fs::read_to_string(&file).unwrap();
    site.write("content/minerals/gallium.md", &format!("{body}\nMore.\n"));
    let later = "2025-02-10T09:00:00+00:00";
    assert!(git_at(
        site.root(),
        later,
        &["commit", "-q", "-am", "gallium"]
    ));
    change_kept_date(&cache, "content/minerals/germanium.md", "2023-06-06");
    let out = site.build("second", false, Profile::Public);
    assert_eq!(updated_on(&out, gallium), "2025-02-10");
    assert_eq!(updated_on(&out, acme), "2024-03-05");
    let germanium = "minerals/germanium/index.html";
    assert_eq!(updated_on(&out, germanium), "2023-06-06");

    // At the commit they were kept at, the kept dates are used as they are: no history is
    // read (shown by a date changed in the file, which only it holds).
    change_kept_date(&cache, "content/companies/acme-metals.md", "2023-01-01");
    let out = site.build("third", false, Profile::Public);
    assert_eq!(updated_on(&out, acme), "2023-01-01");
    assert_eq!(updated_on(&out, gallium), "2025-02-10");

    // Reset past the kept commit: the whole history is read again.
    assert!(git(site.root(), &["reset", "-q", "--hard", "HEAD~1"]));
    let out = site.build("reset", false, Profile::Public);
    assert_eq!(updated_on(&out, gallium), "2024-03-05");
    assert_eq!(updated_on(&out, acme), "2024-03-05");
    assert_eq!(updated_on(&out, germanium), "2024-03-05");

    // A damaged file is read as missing, and written again.
    std::fs::write(&cache, "orebrief git dates 2\nsite \ncommit 12").unwrap();
    let out = site.build("damaged", false, Profile::Public);
    assert_eq!(updated_on(&out, gallium), "2024-03-05");
    assert!(
        std::fs::read_to_string(&cache)
            .unwrap()
            .ends_with("\0end\n")
    );

    // A shallow clone's oldest commit stands for the history cut off: nothing is kept there.
    let shallow = site.root().join("shallow");
    let url = format!("file://{}", site.root().display());
    let cloned = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&shallow)
        .status()
        .is_ok_and(|s| s.success());
    assert!(cloned);
    let options = BuildOptions {
        root: shallow.clone(),
        output_dir: Some(site.root().join("from-shallow")),
        today: Some(today()),
        ..BuildOptions::default()
    };
    orebrief::build(&options).unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert_eq!(
        updated_on(&site.root().join("from-shallow"), acme),
        "2024-03-05"
    );
    assert!(!shallow.join(".git/orebrief").exists());
}

#[test]
fn kept_git_dates_give_what_a_whole_walk_gives_after_a_merge() {
    let site = fixture();
    if !git(site.root(), &["init", "-q"]) {
        eprintln!("git is not available: skipping this test");
        return;
    }
    let root = site.root();
    let append = |rel: &str| {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        site.write(rel, &format!("{text}\nMore.\n"));
    };
    let commit = |when: &str, message: &str| {
        let at = format!("{when}T09:00:00+00:00");
        assert!(git_at(root, &at, &["commit", "-q", "-am", message]));
    };
    assert!(git(root, &["add", "content", "site.yaml"]));
    assert!(git(root, &["commit", "-q", "-m", "A"]));
    assert!(git(root, &["branch", "side"]));
    // main: gallium changes; a build keeps the dates at this commit.
    append("content/minerals/gallium.md");
    commit("2025-02-10", "B");
    site.build("at-b", false, Profile::Public);
    // side: acme changes; merged into main with side's content, gallium's change dropped (a
    // merge git's default history simplification would follow along side alone).
    assert!(git(root, &["checkout", "-q", "side"]));
    append("content/companies/acme-metals.md");
    commit("2025-06-01", "S");
    assert!(git(root, &["checkout", "-q", "main"]));
    assert!(git(root, &["merge", "-q", "--no-commit", "side"]));
    assert!(git(root, &["checkout", "side", "--", "content"]));
    commit("2025-07-01", "M");

    // The merge's commits are read on top of the kept dates: a date changed in the file for
    // a page they do not touch stays.
    let cache = std::fs::read_dir(root.join(".git/orebrief"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    change_kept_date(&cache, "content/minerals/germanium.md", "2023-06-06");
    let pages = [
        "minerals/gallium/index.html",
        "companies/acme-metals/index.html",
    ];
    let kept = site.build("kept", false, Profile::Public);
    assert_eq!(
        updated_on(&kept, "minerals/germanium/index.html"),
        "2023-06-06"
    );
    let from_kept: Vec<String> = pages.iter().map(|p| updated_on(&kept, p)).collect();
    std::fs::remove_dir_all(root.join(".git/orebrief")).unwrap();
    let walked = site.build("walked", false, Profile::Public);
    let from_walk: Vec<String> = pages.iter().map(|p| updated_on(&walked, p)).collect();
    assert_eq!(from_kept, from_walk);
    assert_eq!(from_walk, ["2025-02-10", "2025-06-01"]);
}

/// Names git quotes in its output unless asked for raw names (`-z`): a double quote, a
/// backslash, a tab, a line break, bytes that are not UTF-8.
#[cfg(unix)]
#[test]
fn files_whose_names_git_would_quote_get_their_dates_and_keep_them() {
    use std::os::unix::ffi::OsStrExt;
    let site = fixture();
    if !git(site.root(), &["init", "-q"]) {
        eprintln!("git is not available: skipping this test");
        return;
    }
    let names: [&[u8]; 5] = [
        b"say \"hi\"",
        b"back\\slash",
        b"tab\there",
        b"line\nbreak",
        b"caf\xe9",
    ];
    // Page files are named by their ids (plain letters), but the folders they are kept in
    // may be named anything.
    for (n, name) in names.iter().enumerate() {
        let mut dir = b"content/notes/".to_vec();
        dir.extend_from_slice(name);
        let dir = site.root().join(std::ffi::OsStr::from_bytes(&dir));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("odd-{n}.md")),
            page(&[&format!("title: Odd {n}")], &["Text."]),
        )
        .unwrap();
    }
    assert!(git(site.root(), &["add", "content", "site.yaml"]));
    assert!(git(site.root(), &["commit", "-q", "-m", "odd names"]));
    for build in ["walked", "kept"] {
        let out = site.build(build, false, Profile::Public);
        for n in 0..names.len() {
            assert_eq!(
                updated_on(&out, &format!("notes/odd-{n}/index.html")),
                "2024-03-05",
                "{build}: odd-{n}"
            );
        }
    }
}

#[test]
fn data_as_of_shows_in_the_page_meta() {
    let site = fixture();
    site.write(
        "content/companies/acme-metals.md",
        &page(
            &["title: Acme Metals", "as_of: 2025-06", "country: JP"],
            &["Text."],
        ),
    );
    let out = site.build("abs", false, Profile::Public);
    let acme = read(&out, "companies/acme-metals/index.html");
    assert!(
        acme.contains("Data as of <time datetime=\"2025-06\">"),
        "{acme}"
    );
    assert!(
        read(&out, "minerals/gallium/index.html")
            .contains("Figures as of <time datetime=\"2025-01\">")
    );
}

// ---------------------------------------------------------------------------------------
// `orebrief pdf` errors (the browser tests print for real)

fn orebrief(root: &Path, args: &[&str], path: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orebrief"));
    cmd.arg("--root").arg(root).args(args).current_dir(root);
    if let Some(path) = path {
        cmd.env("PATH", path).env_remove("OREBRIEF_CHROMIUM");
    }
    cmd.output().expect("run orebrief")
}

#[test]
fn pdf_of_an_unknown_brief_lists_the_near_ids() {
    let site = fixture();
    let out = orebrief(site.root(), &["pdf", "public-brif"], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no brief `public-brif`"), "{stderr}");
    assert!(stderr.contains("`public-brief`"), "{stderr}");
    // An internal brief needs the internal profile; a mineral is not a brief.
    let out = orebrief(site.root(), &["pdf", INTERNAL_BRIEF_ID], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--profile internal"), "{stderr}");
    let out = orebrief(site.root(), &["pdf", "gallium"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`gallium` is a mineral") && stderr.contains("not a brief"),
        "{stderr}"
    );
}

#[test]
fn pdf_without_a_browser_says_how_to_install_one() {
    let site = fixture();
    let empty = site.root().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out = orebrief(
        site.root(),
        &["pdf", "public-brief", "-o", "x.pdf"],
        Some(empty.to_str().unwrap()),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
    assert!(stderr.contains("OREBRIEF_CHROMIUM"), "{stderr}");
    assert!(!site.root().join("x.pdf").exists());
}
