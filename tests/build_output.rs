//! The core pipeline seen from its output: pretty URLs, sections, home and 404 pages, Markdown
//! features, links by id and by path, template and static overrides, `base_url` and
//! `relative_urls`.

mod common;

use common::*;
use orebrief::BuildOptions;

fn site_with_every_kind_of_page() -> TestSite {
    TestSite::new(&[
        (
            "content/_index.md",
            &page(
                &["title: Home Title", "summary: The home summary."],
                &["Welcome home."],
            ),
        ),
        (
            "content/about.md",
            &page(&["title: About us"], &["A plain page."]),
        ),
        (
            "content/minerals/_index.md",
            &page(&["title: Mineral profiles"], &["Intro to the minerals."]),
        ),
        (
            "content/minerals/gallium.md",
            &page(&["title: Gallium", "symbol: Ga"], &["Gallium body."]),
        ),
        (
            "content/minerals/by-product/germanium.md",
            &page(&["title: Germanium"], &[]),
        ),
        (
            "content/companies/acme.md",
            &page(&["title: Acme Metals"], &[]),
        ),
        (
            "content/briefs/weekly.md",
            &page(
                &["title: Weekly note", "date: 2025-10-30"],
                &["Brief body."],
            ),
        ),
        (
            "content/notes/deep/field-trip.md",
            &page(&["title: Field trip"], &["Notes from a trip."]),
        ),
    ])
}

#[test]
fn pretty_urls_for_pages_sections_home_and_404() {
    let site = site_with_every_kind_of_page();
    let report = site.build();
    let files = site.files();
    for expected in [
        "index.html",
        "404.html",
        "about/index.html",
        "minerals/index.html",
        "minerals/gallium/index.html",
        "minerals/germanium/index.html",
        "companies/index.html",
        "companies/acme/index.html",
        "briefs/index.html",
        "briefs/weekly/index.html",
        "notes/index.html",
        "notes/field-trip/index.html",
    ] {
        assert!(files.contains(expected), "no {expected} in {files:#?}");
    }
    // Sub-folders only group files: no output under them, and no .html files named after pages.
    assert!(
        !files
            .iter()
            .any(|f| f.contains("by-product") || f.contains("deep"))
    );
    assert!(!files.iter().any(|f| f.ends_with("gallium.html")));
    // No data mentions a country, so there is no countries section.
    assert!(
        !files.iter().any(|f| f.starts_with("countries/")),
        "{files:#?}"
    );
    // 8 content pages + home + 404 + 4 sections... the report counts HTML pages written.
    let html = files.iter().filter(|f| f.ends_with(".html")).count();
    assert_eq!(report.pages, html, "report.pages vs HTML files {files:#?}");
    assert_eq!(report.output.as_deref(), Some(site.out().as_path()));
}

#[test]
fn section_list_pages_with_and_without_index() {
    let site = site_with_every_kind_of_page();
    site.build();

    let minerals = site.html("minerals/index.html");
    assert_eq!(text(&minerals, "main h1"), "Mineral profiles");
    assert_eq!(text(&minerals, "main .content"), "Intro to the minerals.");
    assert_eq!(
        attrs(&minerals, ".section-list a", "href"),
        [
            format!("{BASE}minerals/gallium/"),
            format!("{BASE}minerals/germanium/")
        ]
    );
    assert_eq!(
        texts(&minerals, ".section-list a"),
        ["Gallium", "Germanium"]
    );

    // Sections without _index.md get a title from the folder name.
    let companies = site.html("companies/index.html");
    assert_eq!(text(&companies, "main h1"), "Companies");
    assert_eq!(texts(&companies, ".section-list a"), ["Acme Metals"]);
    let notes = site.html("notes/index.html");
    assert_eq!(text(&notes, "main h1"), "Notes");
    assert_eq!(
        attrs(&notes, ".section-list a", "href"),
        [format!("{BASE}notes/field-trip/")]
    );
    let briefs = site.html("briefs/index.html");
    assert_eq!(texts(&briefs, ".section-list a"), ["Weekly note"]);
    assert_eq!(texts(&briefs, ".section-list time"), ["2025-10-30"]);

    // Every section is in the navigation, minerals and companies first.
    let home = site.html("index.html");
    let nav = texts(&home, ".site-nav a");
    assert_eq!(nav[..2], ["Mineral profiles", "Companies"]);
    for title in ["Briefs", "Notes", "About us"] {
        assert!(nav.iter().any(|n| n == title), "{title} not in nav {nav:?}");
    }
}

#[test]
fn home_page_and_404() {
    let site = site_with_every_kind_of_page();
    site.build();
    let home = site.html("index.html");
    assert_eq!(text(&home, "main h1"), "Home Title");
    assert_eq!(text(&home, "main .lead"), "The home summary.");
    assert_eq!(text(&home, "main .content"), "Welcome home.");
    let not_found = site.html("404.html");
    assert_eq!(text(&not_found, "main h1"), "Page not found");
    // The 404 page links against the base URL, so it works at any depth.
    assert!(attrs(&not_found, "main a", "href").contains(&BASE.to_string()));
    assert!(
        attrs(&not_found, "link[rel=stylesheet]", "href").contains(&format!("{BASE}style.css"))
    );

    // A plain page.
    let about = site.html("about/index.html");
    assert_eq!(text(&about, "main h1"), "About us");
    assert_eq!(text(&about, "main .content"), "A plain page.");
}

#[test]
fn home_page_without_index_md_uses_the_site_title() {
    let site = TestSite::new(&[(
        "content/minerals/gallium.md",
        &page(&["title: Gallium"], &[]),
    )]);
    site.build();
    let home = site.html("index.html");
    assert_eq!(text(&home, "main h1"), "Test Portal");
    assert_eq!(text(&home, "title"), "Test Portal");
    assert!(site.exists("404.html"));
    assert!(site.exists("minerals/index.html"));
}

#[test]
fn markdown_tables_footnotes_strikethrough_tasks_and_smart_punctuation() {
    let site = TestSite::new(&[(
        "content/about.md",
        &page(
            &["title: About"],
            &[
                "| Country | Share |",
                "|---|---:|",
                "| China | 98% |",
                "",
                "A claim.[^src]",
                "",
                "[^src]: The footnote text.",
                "",
                "~~old~~ new",
                "",
                "- [x] done",
                "- [ ] todo",
                "",
                "\"Quoted\" -- it's here...",
            ],
        ),
    )]);
    site.build();
    let html = site.html("about/index.html");
    assert_eq!(
        rows(&html, ".content table"),
        [vec!["Country", "Share"], vec!["China", "98%"]]
    );
    // Footnote reference points at the definition.
    let refs = attrs(&html, ".content sup.footnote-reference a", "href");
    assert_eq!(refs.len(), 1);
    let ids = attrs(&html, ".content .footnote-definition", "id");
    assert_eq!(refs[0], format!("#{}", ids[0]));
    assert_eq!(
        text(&html, ".content .footnote-definition p"),
        "The footnote text."
    );
    assert_eq!(texts(&html, ".content del"), ["old"]);
    assert_eq!(
        html.select(&sel(".content input[type=checkbox][checked]"))
            .count(),
        1
    );
    assert_eq!(
        html.select(&sel(".content input[type=checkbox][disabled]"))
            .count(),
        2
    );
    let last = texts(&html, ".content > p").pop().unwrap();
    assert_eq!(
        last,
        "\u{201c}Quoted\u{201d} \u{2013} it\u{2019}s here\u{2026}"
    );
}

#[test]
fn headings_get_unique_ids_anchor_links_and_a_toc() {
    let site = TestSite::new(&[(
        "content/about.md",
        &page(
            &["title: About"],
            &[
                "# Overview",
                "",
                "## Same",
                "",
                "## Same",
                "",
                "## Same",
                "",
                "## Custom {#my-id}",
            ],
        ),
    )]);
    site.build();
    let html = site.html("about/index.html");
    let ids = attrs(&html, ".content h1, .content h2", "id");
    assert_eq!(ids, ["overview", "same", "same-1", "same-2", "my-id"]);
    let anchors = attrs(&html, ".content h1 a.anchor, .content h2 a.anchor", "href");
    assert_eq!(
        anchors,
        ["#overview", "#same", "#same-1", "#same-2", "#my-id"]
    );
    // Every id on the page is unique.
    let mut all = attrs(&html, "[id]", "id");
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "duplicate ids: {all:?}");
}

#[test]
fn fenced_code_is_highlighted_with_classes_and_unknown_languages_are_escaped() {
    let site = TestSite::new(&[(
        "content/about.md",
        &page(
            &["title: About"],
            &[
                "```rust",
                "fn main() { let x = 1; }",
                "```",
                "",
                "```yaml",
                "key: value",
                "```",
                "",
                "```python",
                "def f():",
                "    return 1",
                "```",
                "",
                "```nosuchlang",
                "<script>alert(1)</script>",
                "```",
            ],
        ),
    )]);
    site.build();
    let html = site.html("about/index.html");
    // Each language gets its scope classes, all prefixed `hl-`: the `fn` of Rust is a storage
    // type, a YAML key a tag, Python's `return` a keyword.
    for (lang, token, class) in [
        ("rust", "fn", "hl-storage"),
        ("yaml", "key", "hl-tag"),
        ("python", "return", "hl-keyword"),
    ] {
        let css = format!(".content pre.code[data-lang={lang}] code.language-{lang}");
        assert_eq!(html.select(&sel(&css)).count(), 1, "{css}");
        let classes = attrs(&html, &format!("{css} span"), "class");
        assert!(
            classes
                .iter()
                .all(|c| c.split(' ').all(|c| c.starts_with("hl-"))),
            "{classes:?}"
        );
        assert!(
            classes.iter().all(|c| c.contains(&format!("hl-{lang}"))),
            "{classes:?}"
        );
        let spans = html
            .select(&sel(&format!("{css} span")))
            .filter(|s| s.text().collect::<String>() == token)
            .filter_map(|s| s.value().attr("class").map(str::to_string))
            .collect::<Vec<_>>();
        assert!(
            spans.iter().any(|c| c.split(' ').any(|c| c == class)),
            "{lang}: `{token}` has classes {spans:?}, none is {class}"
        );
    }
    assert!(text(&html, ".content pre code.language-rust").contains("fn main() { let x = 1; }"));
    // Unknown language: plain, escaped text, no script element.
    assert_eq!(
        text(&html, ".content pre code.language-nosuchlang"),
        "<script>alert(1)</script>"
    );
    assert_eq!(html.select(&sel(".content script")).count(), 0);
    assert_eq!(
        html.select(&sel(".content code.language-nosuchlang span"))
            .count(),
        0
    );
    let raw = site.read("about/index.html");
    assert!(raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

fn linking_site() -> TestSite {
    TestSite::new(&[
        (
            "content/minerals/gallium.md",
            &page(&["title: Gallium"], &[]),
        ),
        (
            "content/companies/korea-zinc.md",
            &page(&["title: Korea Zinc"], &[]),
        ),
        (
            "content/about.md",
            &page(
                &["title: About"],
                &[
                    "Bare [[gallium]].",
                    "",
                    "Piped [[korea-zinc|the smelter]].",
                    "",
                    "Country [[KR]].",
                    "",
                    "Path [the profile](@/minerals/gallium.md).",
                    "",
                    "Anchor [[gallium#uses|uses]].",
                ],
            ),
        ),
    ])
}

#[test]
fn wiki_links_show_the_target_title_or_the_given_text() {
    let site = linking_site();
    site.build();
    let html = site.html("about/index.html");
    assert_eq!(
        texts(&html, ".content a"),
        [
            "Gallium",
            "the smelter",
            "Korea (Republic of)",
            "the profile",
            "uses"
        ]
    );
    // A country linked from a body gets its page.
    assert!(site.exists("countries/kr/index.html"));
}

#[test]
fn a_labelled_wiki_link_in_a_table_escapes_its_bar() {
    let site = TestSite::new(&[
        (
            "content/companies/korea-zinc.md",
            &page(&["title: Korea Zinc"], &[]),
        ),
        (
            "content/about.md",
            &page(
                &["title: About"],
                &[
                    "| Company | Size |",
                    "|---|---|",
                    "| [[korea-zinc\\|the smelter]] | big |",
                    "| [[korea-zinc#facilities\\|its plants]] | two |",
                ],
            ),
        ),
    ]);
    site.build();
    let html = site.html("about/index.html");
    assert_eq!(
        texts(&html, "tbody td"),
        ["the smelter", "big", "its plants", "two"]
    );
    assert_eq!(
        attrs(&html, "tbody a", "href"),
        [
            format!("{BASE}companies/korea-zinc/"),
            format!("{BASE}companies/korea-zinc/#facilities"),
        ]
    );
    // The link counts: the company lists the page among its backlinks.
    let company = site.html("companies/korea-zinc/index.html");
    assert!(texts(&company, ".backlinks a").contains(&"About".to_string()));
}

#[test]
fn wiki_links_point_at_their_targets() {
    let site = linking_site();
    site.build();
    let html = site.html("about/index.html");
    assert_eq!(
        attrs(&html, ".content a", "href"),
        [
            format!("{BASE}minerals/gallium/"),
            format!("{BASE}companies/korea-zinc/"),
            format!("{BASE}countries/kr/"),
            format!("{BASE}minerals/gallium/"),
            format!("{BASE}minerals/gallium/#uses"),
        ]
    );
}

#[test]
fn site_template_overrides_the_theme_template() {
    let site = TestSite::new(&[
        (
            "content/minerals/gallium.md",
            &page(&["title: Gallium", "symbol: Ga"], &[]),
        ),
        ("content/companies/acme.md", &page(&["title: Acme"], &[])),
        (
            "templates/mineral.html",
            "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">Custom page for {{ page.title }} ({{ page.symbol }})</p>{% endblock content %}",
        ),
    ]);
    site.build();
    let mineral = site.html("minerals/gallium/index.html");
    assert_eq!(text(&mineral, "#custom"), "Custom page for Gallium (Ga)");
    assert_eq!(mineral.select(&sel("article.profile.mineral")).count(), 0);
    // base.html is still the theme's.
    assert_eq!(text(&mineral, ".site-title a"), "Test Portal");
    // Other kinds keep the theme's templates.
    let company = site.html("companies/acme/index.html");
    assert_eq!(company.select(&sel("article.profile.company")).count(), 1);
    assert_eq!(company.select(&sel("#custom")).count(), 0);
}

#[test]
fn a_site_without_themes_folder_uses_the_built_in_theme() {
    let site = TestSite::new(&[(
        "content/minerals/gallium.md",
        &page(&["title: Gallium"], &[]),
    )]);
    assert!(!site.root().join("themes").exists());
    site.build();
    assert_eq!(
        site.read("style.css"),
        include_str!("../themes/default/static/style.css")
    );
    assert_eq!(
        site.read("sort.js"),
        include_str!("../themes/default/static/sort.js")
    );
    assert_eq!(
        site.read("syntax.css"),
        include_str!("../themes/default/static/syntax.css")
    );
    let html = site.html("minerals/gallium/index.html");
    assert_eq!(html.select(&sel("article.profile.mineral")).count(), 1);
}

#[test]
fn a_theme_folder_in_the_site_is_used_instead_of_the_built_in_one() {
    let site = TestSite::new(&[
        ("site.yaml", "title: Themed\ntheme: plain\n"),
        (
            "content/about.md",
            &page(&["title: About"], &["Body text."]),
        ),
        (
            "themes/plain/templates/page.html",
            "<h1>{{ page.title }}</h1>{{ page.content | safe }}",
        ),
        ("themes/plain/templates/section.html", "{{ section.title }}"),
        ("themes/plain/templates/home.html", "home"),
        ("themes/plain/templates/404.html", "missing"),
        ("themes/plain/static/plain.css", "p { margin: 0 }"),
    ]);
    site.build();
    assert_eq!(
        site.read("about/index.html"),
        "<h1>About</h1><p>Body text.</p>\n"
    );
    assert_eq!(site.read("index.html"), "home");
    assert_eq!(site.read("plain.css"), "p { margin: 0 }");
    assert!(!site.exists("style.css"));
}

#[test]
fn an_unknown_theme_is_an_error() {
    let site = TestSite::new(&[("site.yaml", "title: T\ntheme: nosuch\n")]);
    let errors = site.build_err();
    let e = only_error(&errors, "theme `nosuch` not found");
    assert_eq!(e.file, std::path::Path::new("site.yaml"));
}

#[test]
fn site_static_files_are_copied_and_win_over_the_theme() {
    let site = TestSite::new(&[
        ("content/about.md", &page(&["title: About"], &[])),
        ("static/style.css", "body { color: hotpink }\n"),
        (
            "static/img/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
        ("static/CNAME-not", "x"),
    ]);
    site.build();
    assert_eq!(site.read("style.css"), "body { color: hotpink }\n");
    assert_eq!(
        site.read("img/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    assert_eq!(site.read("CNAME-not"), "x");
    // Theme files the site does not replace are still there.
    assert_eq!(
        site.read("syntax.css"),
        include_str!("../themes/default/static/syntax.css")
    );
}

#[test]
fn site_static_files_win_over_the_outputs_the_build_writes() {
    // The static files are written last, whatever wrote the same path before: a page, the
    // home page, a country page, a data export, the search index, 404, the sitemap.
    let files = [
        "about/index.html",
        "index.html",
        "countries/cn/index.html",
        "countries/cn/data.json",
        "minerals/indium/data.json",
        "search-index.js",
        "404.html",
        "sitemap.xml",
    ];
    let site = TestSite::fixture("supply");
    for file in files {
        site.write(&format!("static/{file}"), &format!("static {file}"));
    }
    for _ in 0..3 {
        site.build();
        for file in files {
            assert_eq!(site.read(file), format!("static {file}"), "{file}");
        }
    }
}

const ORG: &str = "https://org.github.io/repo/";

fn external(href: &str) -> bool {
    href.starts_with("https://example.com/")
}

#[test]
fn base_url_option_prefixes_every_template_link_and_asset() {
    let site = TestSite::fixture("supply");
    site.build_with(BuildOptions {
        base_url: Some(ORG.into()),
        ..site.options()
    });
    let links = site.all_links();
    assert!(links.len() > 200, "only {} links", links.len());
    let mut internal = 0;
    for link in links.iter().filter(|l| !l.in_body) {
        let ok = link.href.starts_with('#') || link.href.starts_with(ORG) || external(&link.href);
        assert!(ok, "{} links to {}", link.file, link.href);
        internal += usize::from(link.href.starts_with(ORG));
    }
    assert!(internal > 150, "only {internal} internal links");
    for file in [
        "index.html",
        "minerals/indium/index.html",
        "countries/kr/index.html",
    ] {
        let html = site.html(file);
        assert_eq!(
            attrs(&html, "link[rel=stylesheet]", "href"),
            [format!("{ORG}style.css"), format!("{ORG}syntax.css")],
            "{file}"
        );
    }
    // Shortcodes inside bodies use it too.
    let indium = site.html("minerals/indium/index.html");
    assert!(
        attrs(&indium, ".content table.producers a", "href")
            .contains(&format!("{ORG}companies/korea-zinc/"))
    );
    // And the machine-readable files.
    assert_eq!(site.json("data/portal.json")["base_url"], ORG);
    assert_eq!(
        site.json("minerals/indium/data.json")["url"],
        format!("{ORG}minerals/indium/")
    );
    assert!(
        site.read("sitemap.xml")
            .contains(&format!("<loc>{ORG}minerals/indium/</loc>"))
    );
    assert!(!site.read("sitemap.xml").contains(BASE));
}

#[test]
fn base_url_option_prefixes_links_in_bodies() {
    let site = TestSite::fixture("supply");
    site.build_with(BuildOptions {
        base_url: Some(ORG.into()),
        ..site.options()
    });
    let body: Vec<Link> = site.all_links().into_iter().filter(|l| l.in_body).collect();
    assert!(body.len() > 10);
    for link in &body {
        let ok = link.href.starts_with('#') || link.href.starts_with(ORG) || external(&link.href);
        assert!(ok, "{} links to {}", link.file, link.href);
    }
    let indium = site.html("minerals/indium/index.html");
    assert_eq!(
        attrs(&indium, ".content > p a", "href"),
        [
            format!("{ORG}countries/kr/"),
            format!("{ORG}companies/korea-zinc/"),
            format!("{ORG}minerals/zinc/"),
        ]
    );
}

#[test]
fn every_template_link_leads_to_an_output_file() {
    let site = TestSite::fixture("supply");
    site.build();
    let mut checked = 0;
    for link in site.all_links().iter().filter(|l| !l.in_body) {
        if let Some(target) = site.target(link, BASE) {
            assert!(
                site.exists(&target),
                "{} links to {} ({target}), which was not written",
                link.file,
                link.href
            );
            checked += 1;
        }
    }
    assert!(checked > 150, "only {checked} links checked");
}

#[test]
fn brief_print_links_lead_to_a_page() {
    let site = TestSite::fixture("supply");
    site.build();
    let html = site.html("briefs/indium-outlook/index.html");
    let print = attrs(&html, ".print-link a", "href");
    assert_eq!(print, [format!("{BASE}briefs/indium-outlook/print/")]);
    assert!(site.exists("briefs/indium-outlook/print/index.html"));
}

fn relative_build() -> TestSite {
    let site = TestSite::fixture("supply");
    site.build_with(BuildOptions {
        relative_urls: Some(true),
        ..site.options()
    });
    site
}

#[test]
fn relative_urls_make_template_links_relative() {
    let site = relative_build();
    let indium = site.html("minerals/indium/index.html");
    assert_eq!(
        attrs(&indium, "link[rel=stylesheet]", "href"),
        ["../../style.css", "../../syntax.css"]
    );
    let producers = attrs(
        &indium,
        "section.producers-section table.producers a",
        "href",
    );
    assert_eq!(
        producers,
        [
            "../../companies/korea-zinc/index.html",
            "../../countries/kr/index.html",
            "../../companies/teck/index.html",
            "../../countries/ca/index.html"
        ]
    );
    let home = site.html("index.html");
    assert!(
        attrs(&home, ".dashboard-table a", "href")
            .contains(&"./minerals/indium/index.html".to_string())
    );
    // Nothing but the 404 page and the permalinks of printable documents names the base URL.
    for link in site.all_links() {
        if link.file != "404.html" && !link.permalink {
            assert!(
                !link.href.starts_with(BASE),
                "{} links to {}",
                link.file,
                link.href
            );
        }
    }
    // Template links all lead to files that exist.
    for link in site
        .all_links()
        .iter()
        .filter(|l| !l.in_body && !l.permalink && l.file != "404.html")
    {
        if let Some(target) = site.target(link, BASE) {
            assert!(
                site.exists(&target),
                "{} links to {} ({target})",
                link.file,
                link.href
            );
        }
    }
}

#[test]
fn relative_urls_every_link_names_an_existing_file() {
    let site = relative_build();
    let indium = site.html("minerals/indium/index.html");
    assert_eq!(
        attrs(&indium, ".content > p a", "href"),
        [
            "../../countries/kr/index.html",
            "../../companies/korea-zinc/index.html",
            "../../minerals/zinc/index.html"
        ]
    );
    for link in site
        .all_links()
        .iter()
        .filter(|l| l.file != "404.html" && !l.permalink)
    {
        let href = link.href.split('#').next().unwrap();
        if href.is_empty() || href.contains("://") {
            continue;
        }
        let dir = match link.file.rfind('/') {
            Some(i) => &link.file[..=i],
            None => "",
        };
        let path = normalize(&format!("{dir}{href}"));
        assert!(
            site.out().join(&path).is_file(),
            "{} links to {}, which is not a file",
            link.file,
            link.href
        );
    }
}

#[test]
fn relative_urls_link_home_and_sections_by_index_html() {
    let site = relative_build();
    let indium = site.html("minerals/indium/index.html");
    assert_eq!(
        attrs(&indium, ".site-title a", "href"),
        ["../../index.html"]
    );
    let home = site.html("index.html");
    assert_eq!(attrs(&home, ".site-title a", "href"), ["./index.html"]);
    assert_eq!(
        attrs(&home, ".recent-briefs .more a", "href"),
        ["./briefs/index.html"]
    );
}

#[test]
fn relative_urls_from_site_yaml() {
    let site = TestSite::new(&[
        (
            "site.yaml",
            "title: T\nbase_url: https://example.org/portal/\nrelative_urls: true\n",
        ),
        (
            "content/minerals/gallium.md",
            &page(&["title: Gallium"], &[]),
        ),
    ]);
    site.build();
    let html = site.html("minerals/index.html");
    assert_eq!(
        attrs(&html, ".section-list a", "href"),
        ["../minerals/gallium/index.html"]
    );
    assert_eq!(
        attrs(&html, "link[rel=stylesheet]", "href")[0],
        "../style.css"
    );
}

#[test]
fn output_dir_option_writes_elsewhere() {
    let site = TestSite::new(&[("content/about.md", &page(&["title: About"], &[]))]);
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("site-out");
    let report = site.build_with(BuildOptions {
        output_dir: Some(out.clone()),
        ..site.options()
    });
    assert_eq!(report.output.as_deref(), Some(out.as_path()));
    assert!(out.join("about/index.html").is_file());
    assert!(!site.out().exists());
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::new(&[
        ("content/about.md", &page(&["title: About"], &[])),
        (
            "content/minerals/secret.md",
            &page(&["title: Secret", "draft: true"], &[]),
        ),
    ]);
    site.build();
    assert!(!site.exists("minerals/secret/index.html"));
    site.build_with(BuildOptions {
        drafts: true,
        ..site.options()
    });
    assert!(site.exists("minerals/secret/index.html"));
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::fixture("supply");
    let report = site.check();
    assert!(report.output.is_none());
    assert!(report.pages > 20, "{}", report.pages);
    assert!(!site.out().exists());
}

#[test]
fn the_sample_portal_builds() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = TestSite::bare(&[]);
    std::fs::copy(repo.join("site.yaml"), site.root().join("site.yaml")).unwrap();
    let minerals: Vec<String> = std::fs::read_dir(repo.join("content/minerals"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "_index.md")
        .map(|n| n.trim_end_matches(".md").to_string())
        .collect();
    for entry in walk(&repo.join("content")) {
        let rel = entry
            .strip_prefix(repo)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        site.write(&rel, &std::fs::read_to_string(&entry).unwrap());
    }
    assert!(minerals.len() >= 5, "{minerals:?}");
    site.build();
    for id in &minerals {
        assert!(site.exists(&format!("minerals/{id}/index.html")), "{id}");
        let data = site.json(&format!("minerals/{id}/data.json"));
        for table in data["production"].as_array().unwrap() {
            let hhi = num(&table["hhi"]);
            assert!((0.0..=10_000.0 + 1e-6).contains(&hhi), "{id}: {hhi}");
            let csv = table["csv"].as_str().unwrap();
            let base = site.json("data/portal.json")["base_url"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(site.exists(csv.strip_prefix(&base).unwrap()), "{csv}");
        }
    }
    let home = site.html("index.html");
    assert_eq!(
        home.select(&sel("section.dashboard tbody tr")).count(),
        minerals.len()
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The build leaves a body's code for later while the highlighter still warms up
/// (`Highlight::Later`), and writes the outputs that need no body meanwhile; what it writes
/// must be what it writes when every body is highlighted at once. `OREBRIEF_WARM_UP=hold`
/// keeps the warm-up running, so that every body leaves its code for later; `off` starts
/// none, so that every body highlights at once.
#[test]
fn code_left_for_later_comes_out_as_code_highlighted_at_once() {
    let code = [
        "",
        "```yaml",
        "mineral: zinc # a note",
        "by_country: { CN: 4000, PE: 1400 }",
        "```",
        "",
        "    indented <code> with no language",
        "",
        "- In a list:",
        "",
        "  ```rust",
        "  fn main() { println!(\"$orebrief-root$ orebriefshortcode0x\"); }",
        "  ```",
        "",
        "~~~",
        "fenced, no language: orebriefcode0n0x",
        "~~~",
    ]
    .join("\n");
    for relative in [false, true] {
        let site = TestSite::fixture("supply");
        if relative {
            let yaml = site.read_root("site.yaml") + "relative_urls: true\n";
            site.write("site.yaml", &yaml);
        }
        // A country note, the home page, a plain page, a mineral and a brief.
        for file in [
            "content/countries/kr.md",
            "content/_index.md",
            "content/about.md",
            "content/minerals/zinc.md",
            "content/briefs/indium-outlook.md",
        ] {
            let text = site.read_root(file) + &code;
            site.write(file, &text);
        }
        let build = |warm_up: &str, out: &str| {
            let output = bin()
                .current_dir(site.root())
                .args(["build", "--output-dir", out])
                .env("OREBRIEF_WARM_UP", warm_up)
                .env("OREBRIEF_TIMINGS", "1")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert!(output.status.success(), "{stderr}");
            stderr
        };
        let now = build("off", "at-once");
        let later = build("hold", "later");
        assert!(!now.contains("code left for later"), "{now}");
        assert!(later.contains("code left for later"), "{later}");
        let (at_once, later) = (site.root().join("at-once"), site.root().join("later"));
        let files = files_under(&at_once);
        assert_eq!(files, files_under(&later));
        for file in &files {
            let a = std::fs::read(at_once.join(file)).unwrap();
            let b = std::fs::read(later.join(file)).unwrap();
            assert!(a == b, "{file} differs (relative: {relative})");
        }
        for page in ["countries/kr/index.html", "index.html", "about/index.html"] {
            let html = std::fs::read_to_string(later.join(page)).unwrap();
            assert!(
                html.contains("<code class=\"language-yaml\"><span class=\"hl-"),
                "{page}"
            );
            assert!(
                html.contains("<code class=\"language-rust\"><span class=\"hl-"),
                "{page}"
            );
            assert!(
                html.contains("indented &lt;code&gt; with no language"),
                "{page}"
            );
            // Code is never rewritten as the rest of the body is.
            assert!(
                html.contains("&#36;orebrief-root$ orebriefshortcode0x"),
                "{page}"
            );
            assert!(
                html.contains("fenced, no language: orebriefcode0n0x"),
                "{page}"
            );
            assert_eq!(html.matches("orebriefcode").count(), 1, "{page}");
        }
    }
}
