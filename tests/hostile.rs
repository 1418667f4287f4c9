//! Hostile content: script tags, event-handler attributes and `javascript:` links in every
//! front-matter string field (and in site.yaml, Markdown bodies, shortcode arguments and
//! internal data), built for the public portal and the internal wiki. No output file may carry
//! a script that the content injected: every HTML file is parsed, and must hold no `<script>`
//! but the theme's own, no `on*` attribute and no `javascript:` link; JSON files parse; the
//! search index script is one JSON literal; XML files hold only their own elements.
//!
//! URL fields accept only http(s) and relative URLs; with `markdown.raw_html: false`, raw HTML
//! in bodies is shown as text, and links to other schemes and heading attributes are errors.

mod common;

use std::path::Path;

use common::*;
use orebrief::config::Profile;
use scraper::Html;

/// Breaks out of text, of double- and single-quoted attributes, and carries every way of
/// running a script that an HTML parser knows.
const P: &str = r#"x"'><script>alert("XSS")</script><img src=x onerror=alert(1)><svg onload=alert(1)><a href="javascript:alert(1)">j</a><iframe src="javascript:alert(1)"></iframe>' onmouseover='alert(1)"#;
/// A value that would run if it became a link.
const J: &str = "javascript:alert(1)";

/// `s` as a YAML scalar (a JSON string is a YAML double-quoted scalar).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The theme's scripts: each is loaded by `src`, never inline.
const THEME_SCRIPTS: &[&str] = &["sort.js", "search.js", "search-index.js"];

fn hostile_site() -> TestSite {
    let p = q(P);
    let j = q(J);
    let pj = format!("{p}, {j}");
    let site_yaml = format!(
        "title: {p}
description: {p}
base_url: https://example.org/portal/
markdown: {{ raw_html: false }}
sources:
  - {{ id: usgs, title: {p}, url: \"https://example.com/usgs?q=\\\"><script>alert(1)</script>\" }}
extra: {{ note: {p}, list: [{pj}] }}
"
    );
    let gallium = format!(
        "---
title: {p}
summary: {p}
tags: [{pj}]
aliases: [{pj}]
symbol: {p}
critical: {{ {p}: 2022 }}
as_of: 2025-12
production:
  - {{ year: 2024, stage: refinery, unit: {p}, by_country: {{ CN: 90, JP: 10 }}, note: {p}, source: {p} }}
reserves: {{ unit: {p}, by_country: {{ CN: 100 }}, source: usgs }}
uses:
  - {{ name: {p}, share: 60 }}
us_trade:
  net_import_reliance: {{ year: 2024, percent: 100 }}
  import_sources: {{ period: {p}, shares: {{ CN: 50, other: 50 }} }}
  source: usgs
export_controls:
  - {{ country: CN, effective: 2024-12-03, measure: {p}, source: usgs }}
sources:
  - {{ id: {p}, title: {p}, url: \"https://example.org/?a=1&b=\\\"><script>alert(1)</script>\" }}
extra: {{ note: {p}, list: [{pj}], nested: {{ {p}: {p} }} }}
internal: {{ note: {p}, list: [{pj}], nested: {{ {p}: {p} }} }}
---
# {P}

Raw <script>alert(1)</script> and <img src=x onerror=alert(1)> inline, a [[korea-zinc|{P}]]
wiki link, a [titled link](https://example.org/ \"{title}\"), `<script>code</script>`, and
a footnote[^{P}].

<div onclick=\"alert(1)\">
<script>alert('block')</script>
</div>

<iframe src=\"javascript:alert(1)\"></iframe>

```html
<script>alert('fenced')</script>
```

{{{{ note(text={p}) }}}}

{{{{ supply_table(mineral=\"gallium\") }}}}

{{{{ chart(mineral=\"gallium\") }}}}

{{{{ producers(mineral=\"gallium\") }}}}

{{{{ import_sources(mineral=\"gallium\") }}}}

{{% internal() %}}
Internal <script>alert('internal')</script> {P}
{{% end %}}

[^{P}]: {P}
",
        title = P.replace('"', "\\\""),
    );
    let company = format!(
        "---
title: {p}
summary: {p}
tags: [{pj}]
aliases: [{pj}]
country: KR
headquarters: {p}
founded: 1974
listing: {{ exchange: {p}, ticker: {p} }}
website: \"https://example.org/\\\"><script>alert(1)</script>\"
as_of: 2025-12
facilities:
  - name: {p}
    location: {p}
    country: KR
    products:
      - {{ mineral: gallium, capacity: 10, unit: {p}, source: usgs }}
agreements:
  - {{ date: 2025-08, with_name: {p}, kind: {p}, minerals: [gallium], summary: {p}, source: usgs }}
extra: {{ note: {p} }}
internal: [{pj}]
---
Body of {P}.
"
    );
    let brief = format!(
        "---
title: {p}
date: 2025-10-30
summary: {p}
tags: [{pj}]
minerals: [gallium]
companies: [korea-zinc]
countries: [KR, CN]
internal: {p}
---
See [[gallium]], [[korea-zinc]] and [[KR]]. {P}
"
    );
    let secret = format!(
        "---\ntitle: {p}\ndate: 2025-11-01\nvisibility: internal\nsummary: {p}\n---\nInternal brief {P}\n"
    );
    let about = format!("---\ntitle: {p}\nsummary: {p}\nweight: 1\n---\n{P}\n");
    let section = format!("---\ntitle: {p}\nsummary: {p}\n---\n{P}\n");
    let home = format!("---\ntitle: {p}\nsummary: {p}\n---\nWelcome {P}\n");
    let country = format!("---\ntitle: {p}\nsummary: {p}\n---\nKorea {P}\n");
    TestSite::new(&[
        ("site.yaml", &site_yaml),
        ("content/_index.md", &home),
        ("content/about.md", &about),
        ("content/minerals/_index.md", &section),
        ("content/minerals/gallium.md", &gallium),
        ("content/companies/korea-zinc.md", &company),
        ("content/briefs/deal.md", &brief),
        ("content/briefs/secret.md", &secret),
        ("content/countries/kr.md", &country),
        (
            "templates/shortcodes/note.html",
            "<span class=\"note\">{{ text }}</span>",
        ),
    ])
}

/// Whether an attribute value would run script when followed or loaded.
fn is_script_url(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| squeezed.starts_with(s))
}

/// Asserts that one HTML document carries no injected script.
fn assert_html_clean(file: &str, html: &str) {
    let doc = Html::parse_document(html);
    for element in doc.select(&sel("*")) {
        let el = element.value();
        let name = el.name();
        assert!(
            !["iframe", "object", "embed", "base", "frame"].contains(&name),
            "{file}: a <{name}> element"
        );
        if name == "script" {
            let src = el.attr("src").unwrap_or_else(|| {
                panic!(
                    "{file}: an inline script: {}",
                    element.text().collect::<String>()
                )
            });
            let file_name = src.rsplit('/').next().unwrap();
            assert!(
                THEME_SCRIPTS.contains(&file_name),
                "{file}: a script that is not the theme's: {src}"
            );
        }
        if name == "meta" {
            assert!(el.attr("http-equiv").is_none(), "{file}: a meta http-equiv");
        }
        for (attr, value) in el.attrs() {
            assert!(
                !attr.to_ascii_lowercase().starts_with("on"),
                "{file}: <{name} {attr}=\"{value}\">"
            );
            if matches!(
                attr,
                "href" | "src" | "action" | "formaction" | "xlink:href" | "srcdoc" | "poster"
            ) {
                assert!(!is_script_url(value), "{file}: <{name} {attr}=\"{value}\">");
            }
        }
    }
}

/// Asserts that an XML file holds only the elements of a feed or a sitemap.
fn assert_xml_clean(file: &str, xml: &str) {
    const ALLOWED: &[&str] = &[
        "?xml",
        "feed",
        "title",
        "subtitle",
        "link",
        "id",
        "updated",
        "published",
        "summary",
        "generator",
        "entry",
        "author",
        "name",
        "urlset",
        "url",
        "loc",
        "lastmod",
    ];
    for (i, _) in xml.match_indices('<') {
        let rest = xml[i + 1..].trim_start_matches('/');
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '?' || *c == ':')
            .collect();
        assert!(
            ALLOWED.contains(&name.as_str()),
            "{file}: an element <{name}>"
        );
    }
}

/// Asserts that every output file is free of injected script; returns how many were checked.
fn assert_output_clean(site: &TestSite) -> usize {
    let files = site.files();
    for file in &files {
        let path = site.out().join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let ext = Path::new(file)
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        match ext.as_str() {
            "html" => assert_html_clean(file, &text),
            "json" => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
            }
            "xml" => assert_xml_clean(file, &text),
            "js" if THEME_SCRIPTS.contains(&file.as_str()) && file != "search-index.js" => {
                let theme = std::fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("themes/default/static")
                        .join(file),
                )
                .unwrap();
                assert_eq!(text, theme, "{file} is not the theme's script");
            }
            "js" => {
                let start = text.find(['[', '{']).expect("a JSON literal");
                let end = text.rfind([']', '}']).expect("a JSON literal") + 1;
                let prefix = &text[..start];
                assert!(
                    prefix.trim_end().ends_with("window.OREBRIEF_SEARCH ="),
                    "{file}: {prefix}"
                );
                assert_eq!(text[end..].trim(), ";", "{file}");
                serde_json::from_str::<serde_json::Value>(&text[start..end])
                    .unwrap_or_else(|e| panic!("{file}: the index is not one JSON literal: {e}"));
                assert!(!text.to_ascii_lowercase().contains("</script"), "{file}");
            }
            _ => {}
        }
    }
    files.len()
}

#[test]
fn hostile_front_matter_and_bodies_inject_no_script_in_a_public_build() {
    let site = hostile_site();
    // Body links to javascript: are refused with raw HTML off, so the fixture has none; the
    // rest builds.
    site.build();
    let checked = assert_output_clean(&site);
    assert!(checked > 20, "only {checked} files");
    // The payloads did reach the pages, as text.
    let gallium = site.html("minerals/gallium/index.html");
    assert!(texts(&gallium, "main h1")[0].contains(r#"<script>alert("XSS")</script>"#));
    assert!(
        gallium
            .root_element()
            .text()
            .collect::<String>()
            .contains("Raw <script>alert(1)</script> and <img src=x onerror=alert(1)> inline")
    );
    assert_eq!(texts(&gallium, ".note").len(), 1);
    assert!(text(&gallium, ".note").contains("<script>"));
    let company = site.html("companies/korea-zinc/index.html");
    let company_text = company.root_element().text().collect::<String>();
    assert!(company_text.contains("onerror=alert(1)"));
    // Nothing internal reached the public build.
    let all: String = site
        .files()
        .iter()
        .filter_map(|f| std::fs::read_to_string(site.out().join(f)).ok())
        .collect();
    assert!(!all.contains("Internal brief"));
    assert!(!all.contains("alert('internal')"));
}

#[test]
fn hostile_internal_data_injects_no_script_in_an_internal_build() {
    let site = hostile_site();
    let mut options = site.options();
    options.profile = Some(Profile::Internal);
    site.build_with(options);
    assert_output_clean(&site);
    let gallium = site.html("minerals/gallium/index.html");
    let internal = texts(&gallium, ".internal-data");
    assert!(!internal.is_empty(), "the internal data is shown");
    assert!(
        internal
            .iter()
            .any(|t| t.contains("<script>alert(\"XSS\")</script>"))
    );
    assert!(site.exists("briefs/secret/index.html"));
    assert!(
        site.html("minerals/gallium/index.html")
            .root_element()
            .text()
            .collect::<String>()
            .contains("Internal <script>alert(")
    );
}

#[test]
fn relative_builds_are_as_clean() {
    let site = hostile_site();
    let mut options = site.options();
    options.relative_urls = Some(true);
    site.build_with(options);
    assert_output_clean(&site);
}

#[test]
fn url_fields_accept_only_http_and_relative_urls() {
    for url in [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ] {
        // A company's website.
        let site = TestSite::new(&[(
            "content/companies/acme.md",
            &page(&["title: Acme", &format!("website: {}", q(url))], &[]),
        )]);
        let errs = site.check_err();
        let d = expect_diag(
            &errs,
            "content/companies/acme.md",
            3,
            10,
            "and relative URLs are allowed",
        );
        assert!(d.message.starts_with("URL `"), "{d}");
        assert_eq!(hint(d), "use an http(s) URL");
        // A page's source.
        let site = TestSite::new(&[(
            "content/minerals/zinc.md",
            &page(
                &[
                    "title: Zinc",
                    "sources:",
                    &format!("  - {{ id: s, title: S, url: {} }}", q(url)),
                ],
                &[],
            ),
        )]);
        let errs = site.check_err();
        let d = only_error(&errs, "and relative URLs are allowed");
        assert_eq!(
            (d.file.to_str().unwrap(), d.line),
            ("content/minerals/zinc.md", 4)
        );
        // A site-wide source.
        let site = TestSite::new(&[(
            "site.yaml",
            &format!(
                "title: T\nsources:\n  - {{ id: s, title: S, url: {} }}\n",
                q(url)
            ),
        )]);
        let errs = site.check_err();
        let d = only_error(&errs, "and relative URLs are allowed");
        assert_eq!((d.file.to_str().unwrap(), d.line), ("site.yaml", 3));
    }
    for url in [
        "https://example.org/a?b=c",
        "http://x.org",
        "/local/file.pdf",
        "docs/a.pdf",
        "mailto:a@b.org",
    ] {
        assert!(
            orebrief::model::check_url(&Some(url.to_string())).is_ok(),
            "{url}"
        );
    }
}

fn raw_html_off(body: &[&str]) -> TestSite {
    TestSite::new(&[
        (
            "site.yaml",
            &format!("{SITE_YAML}markdown: {{ raw_html: false }}\n"),
        ),
        ("content/about.md", &page(&["title: About"], body)),
    ])
}

#[test]
fn with_raw_html_off_inline_html_and_html_blocks_are_shown_as_text() {
    let site = raw_html_off(&[
        "Inline <b onclick=\"alert(1)\">bold</b> and <script>alert(1)</script>.",
        "",
        "<div onmouseover=\"alert(1)\">",
        "<script>alert('block')</script>",
        "</div>",
        "",
        "<!-- a comment --> <?php echo 1; ?> <![CDATA[x]]>",
    ]);
    site.build();
    let html = site.read("about/index.html");
    assert_html_clean("about/index.html", &html);
    let doc = site.html("about/index.html");
    let shown = doc.root_element().text().collect::<String>();
    assert!(
        shown.contains("Inline <b onclick=\"alert(1)\">bold</b> and <script>alert(1)</script>.")
    );
    assert!(shown.contains("<div onmouseover=\"alert(1)\">"));
    assert!(shown.contains("<!-- a comment -->"));
    assert!(texts(&doc, ".content b").is_empty());
}

#[test]
fn with_raw_html_off_script_links_and_heading_attributes_are_errors() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "[click](javascript:alert(1))",
            1,
            "uses the `javascript:` scheme",
        ),
        (
            "[click]( JAVASCRIPT:alert(1) )",
            1,
            "uses the `javascript:` scheme",
        ),
        (
            "![img](data:image/svg+xml,<svg/onload=alert(1)>)",
            1,
            "uses the `data:` scheme",
        ),
        ("<javascript:alert(1)>", 1, "uses the `javascript:` scheme"),
        (
            "[ref][r]\n\n[r]: vbscript:msgbox(1)",
            1,
            "uses the `vbscript:` scheme",
        ),
        (
            "Text [x](javascript:alert(1)) here",
            6,
            "uses the `javascript:` scheme",
        ),
        (
            "# Title {onclick=alert(1)}",
            1,
            "the heading attribute `onclick` is raw HTML",
        ),
        (
            "## Title {#id .cls data-x=1}",
            1,
            "the heading attribute `data-x` is raw HTML",
        ),
    ];
    for (body, column, message) in cases {
        let site = raw_html_off(&[body]);
        let errs = site.check_err();
        let d = expect_diag(&errs, "content/about.md", 4, *column, message);
        assert!(
            hint(d).contains("raw_html") || hint(d).contains("{#id}"),
            "{d}"
        );
    }
    // Links that are fine stay fine, and `{#id}` and `{.class}` are allowed.
    let site = raw_html_off(&[
        "[a](https://x.org) [b](/local/) [c](mailto:a@b.org) [d](#top) [e](docs/file.pdf)",
        "",
        "## Title {#custom .wide}",
    ]);
    site.build();
    let doc = site.html("about/index.html");
    assert_eq!(attrs(&doc, ".content h2", "id"), ["custom"]);
    assert_eq!(attrs(&doc, ".content h2", "class"), ["wide"]);
}

#[test]
fn with_raw_html_on_authors_are_trusted() {
    // The default: raw HTML, script links and heading attributes pass through, as documented.
    let site = TestSite::new(&[(
        "content/about.md",
        &page(
            &["title: About"],
            &[
                "<b class=\"x\">bold</b> [j](javascript:void(0))",
                "",
                "# T {data-x=1}",
            ],
        ),
    )]);
    site.build();
    let doc = site.html("about/index.html");
    assert_eq!(texts(&doc, ".content b.x"), ["bold"]);
    assert_eq!(attrs(&doc, ".content h1", "data-x"), ["1"]);
}

#[test]
fn the_checks_catch_a_field_shown_unescaped() {
    // A negative control: a site template that marks the title `| safe` is caught.
    let site = TestSite::new(&[
        (
            "content/about.md",
            &page(&[&format!("title: {}", q(P))], &[]),
        ),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title | safe }}</h1>{% endblock content %}",
        ),
    ]);
    site.build();
    let html = site.read("about/index.html");
    let caught = std::panic::catch_unwind(|| assert_html_clean("about/index.html", &html));
    assert!(caught.is_err());
}

#[test]
fn a_shortcode_in_a_heading_puts_no_html_in_an_attribute() {
    let site = TestSite::new(&[(
        "content/minerals/zinc.md",
        &page(
            &[
                "title: Zinc",
                "production: [ { year: 2024, stage: mine, unit: t, by_country: { CN: 9, AU: 1 }, source: usgs } ]",
            ],
            &[
                "## {{ chart(mineral=\"zinc\") }}",
                "",
                "[x](https://example.org/ \"{{ chart(mineral='zinc') }}\")",
            ],
        ),
    )]);
    site.build();
    let html = site.read("minerals/zinc/index.html");
    assert_html_clean("minerals/zinc/index.html", &html);
    let doc = site.html("minerals/zinc/index.html");
    for element in doc.select(&sel("*")) {
        for (attr, value) in element.value().attrs() {
            assert!(
                !value.contains('<'),
                "<{} {attr}=\"{value}\">",
                element.value().name()
            );
        }
    }
    assert_eq!(doc.select(&sel(".content h2 svg.chart")).count(), 1);
}
