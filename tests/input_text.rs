//! Input text: UTF-8 with or without a byte order mark, CRLF and CR line ends, tabs; and
//! hostile shapes of input (invalid UTF-8, an unterminated front matter, empty files, a 50 MB
//! file, lists, quotes, emphasis and brackets nested 10,000 deep, YAML nested 10,000 deep,
//! aliases that expand exponentially). Each ends in a correct page or a clear error at a
//! file, line and column, in bounded time, without a panic or a stack overflow.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

/// Generous: these inputs took minutes, or overflowed the stack, before their limits.
const BOUND: Duration = Duration::from_secs(60);

fn write_bytes(site: &TestSite, rel: &str, bytes: &[u8]) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Checks the site, within [`BOUND`]; returns the diagnostics of a failure or `None`.
fn timed_check(site: &TestSite) -> Option<Vec<orebrief::diagnostics::Diagnostic>> {
    let started = Instant::now();
    let result = orebrief::check(&site.options());
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    match result {
        Ok(_) => None,
        Err(orebrief::Error::Content(d)) => Some(d),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn bom_crlf_cr_and_tabs_build_as_expected() {
    let lf = "---\ntitle: Zinc\nsummary: \"A\tB\"\ntags: [a, b]\n---\n# Zinc\n\nText\twith a tab, [[lead]].\n\n\tindented code\n";
    let site = TestSite::new(&[("content/minerals/lead.md", &page(&["title: Lead"], &[]))]);
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("lf", lf.as_bytes().to_vec()),
        ("bom", [b"\xEF\xBB\xBF".as_slice(), lf.as_bytes()].concat()),
        ("crlf", lf.replace('\n', "\r\n").into_bytes()),
        (
            "bom-crlf",
            [
                b"\xEF\xBB\xBF".as_slice(),
                lf.replace('\n', "\r\n").as_bytes(),
            ]
            .concat(),
        ),
        ("cr", lf.replace('\n', "\r").into_bytes()),
    ];
    let mut pages = Vec::new();
    for (name, bytes) in &variants {
        write_bytes(&site, "content/minerals/zinc.md", bytes);
        site.build();
        let html = site.read("minerals/zinc/index.html");
        let doc = site.html("minerals/zinc/index.html");
        assert_eq!(attrs(&doc, ".content h1", "id"), ["zinc"], "{name}");
        assert!(!html.contains('\r'), "{name}: a CR reached the output");
        assert!(
            !html.contains('\u{feff}'),
            "{name}: the BOM reached the output"
        );
        assert_eq!(
            attrs(&doc, "meta[name=description]", "content"),
            ["A\tB"],
            "{name}"
        );
        assert!(
            texts(&doc, ".content pre")
                .iter()
                .any(|t| t == "indented code"),
            "{name}: a tab-indented line is a code block"
        );
        assert!(
            texts(&doc, ".content a").contains(&"Lead".to_string()),
            "{name}"
        );
        pages.push(html);
    }
    // Every variant renders the same page.
    assert!(pages.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn line_numbers_count_crlf_and_bom_files_right() {
    for (name, prefix, eol) in [
        ("lf", "", "\n"),
        ("crlf", "", "\r\n"),
        ("bom-crlf", "\u{feff}", "\r\n"),
        ("cr", "", "\r"),
    ] {
        let text =
            format!("{prefix}---{eol}title: Zinc{eol}---{eol}{eol}One.{eol}See [[nowhere]].{eol}");
        let site = TestSite::new(&[("content/minerals/zinc.md", &text)]);
        let errs = site.check_err();
        expect_diag(
            &errs,
            "content/minerals/zinc.md",
            6,
            5,
            "unknown link target",
        );
        let _ = name;
    }
}

#[test]
fn a_tab_indenting_yaml_is_a_clear_error() {
    let site = TestSite::new(&[(
        "content/minerals/zinc.md",
        "---\ntitle: Zinc\nreserves:\n\tunit: t\n---\n",
    )]);
    let errs = timed_check(&site).expect("tabs cannot indent YAML");
    let d = errors(&errs)[0];
    assert_eq!(d.file, Path::new("content/minerals/zinc.md"));
    assert_eq!(d.line, 4, "{d}");
    assert!(hint(d).contains("tab"), "{d}");
}

#[test]
fn invalid_utf8_is_an_error_at_the_first_bad_byte() {
    let site = TestSite::new(&[]);
    write_bytes(
        &site,
        "content/minerals/zinc.md",
        b"---\ntitle: Zinc\n---\nCaf\xe9 au lait\n",
    );
    let errs = timed_check(&site).unwrap();
    let d = expect_diag(
        &errs,
        "content/minerals/zinc.md",
        4,
        4,
        "the file is not valid UTF-8",
    );
    assert!(hint(d).contains("save it as UTF-8"));
}

#[test]
fn unterminated_front_matter_empty_and_blank_files_are_errors() {
    for (text, message) in [
        (
            "---\ntitle: Zinc\n\nNo closing fence.\n",
            "the front matter is not closed",
        ),
        ("", "the file is empty"),
        ("\n\n   \n\t\n", "the file is empty"),
        ("\u{feff}", "the file is empty"),
        ("# Zinc\n", "the file does not start with front matter"),
        ("---", "the front matter is not closed"),
    ] {
        let site = TestSite::new(&[("content/minerals/zinc.md", text)]);
        let errs = timed_check(&site).unwrap();
        expect_diag(&errs, "content/minerals/zinc.md", 1, 1, message);
    }
}

#[test]
fn a_50_mb_file_is_a_clear_error_and_a_large_valid_one_builds() {
    let site = TestSite::new(&[]);
    let line = "Zinc is refined from sphalerite concentrate, with [[lead]] and `code`.\n\n";
    let mut big = String::from("---\ntitle: Zinc\n---\n");
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(line);
    }
    site.write("content/minerals/zinc.md", &big);
    site.write("content/minerals/lead.md", &page(&["title: Lead"], &[]));
    let errs = timed_check(&site).unwrap();
    let d = expect_diag(
        &errs,
        "content/minerals/zinc.md",
        0,
        0,
        "the file is larger than 10 MiB, the most a content file may hold",
    );
    assert!(hint(d).contains("split it"));
    // A body of 2 MB (far beyond any real page) still renders.
    big.truncate(2 * 1024 * 1024);
    site.write("content/minerals/zinc.md", &big);
    assert!(timed_check(&site).is_none());
}

#[test]
fn a_large_body_full_of_broken_links_lists_100_errors_then_a_count() {
    let mut body = String::from("---\ntitle: Zinc\n---\n");
    for _ in 0..20_000 {
        body.push_str("See [[nowhere]].\n");
    }
    let site = TestSite::new(&[("content/minerals/zinc.md", &body)]);
    let errs = timed_check(&site).unwrap();
    assert_eq!(
        errs.iter()
            .filter(|d| d.message.contains("unknown link target"))
            .count(),
        100
    );
    expect_diag(
        &errs,
        "content/minerals/zinc.md",
        4,
        1,
        "19900 more problem(s) in this body are not listed",
    );
}

#[test]
fn too_many_shortcodes_in_one_body_are_an_error() {
    let mut body = String::from("---\ntitle: Zinc\n---\n");
    for _ in 0..1500 {
        body.push_str("{{ chart(mineral=\"zinc\") }}\n");
    }
    let site = TestSite::new(&[("content/minerals/zinc.md", &body)]);
    let errs = timed_check(&site).unwrap();
    expect_diag(
        &errs,
        "content/minerals/zinc.md",
        1004,
        1,
        "more than 1000 shortcode calls and internal blocks in one page",
    );
}

/// Bodies nested 10,000 deep, each as one Markdown construct.
fn deep_bodies() -> Vec<(&'static str, String)> {
    let n = 10_000;
    vec![
        ("list on one line", format!("{}x\n", "- ".repeat(n))),
        (
            "ordered list on one line",
            format!("{}x\n", "1. ".repeat(n)),
        ),
        ("blockquote", format!("{} x\n", ">".repeat(n))),
        ("blockquote with spaces", format!("{}x\n", "> ".repeat(n))),
        (
            "indented list",
            (0..1000)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
        ),
        (
            "emphasis",
            format!("{}x{}\n", "*a ".repeat(n), " b*".repeat(n)),
        ),
        ("strong", format!("{}x{}\n", "**".repeat(n), "**".repeat(n))),
        (
            "brackets",
            format!("{}x{}\n", "[".repeat(n), "](u)".repeat(n)),
        ),
        (
            "images",
            format!("{}x{}\n", "![".repeat(n), "](u)".repeat(n)),
        ),
        (
            "wiki brackets",
            format!("{}x{}\n", "[[".repeat(n), "]]".repeat(n)),
        ),
        (
            "html",
            format!("{}x{}\n", "<div>".repeat(n), "</div>".repeat(n)),
        ),
        (
            "footnotes",
            format!(
                "{}\n",
                (0..n).map(|i| format!("[^{i}]")).collect::<String>()
            ),
        ),
        ("table", format!("|a|\n|-|\n{}", "|x|\n".repeat(n))),
        ("shortcode braces", format!("{}\n", "{{ ".repeat(n))),
        (
            "backticks",
            format!("{}x{}\n", "`".repeat(n), "`".repeat(n)),
        ),
    ]
}

#[test]
fn markdown_nested_10000_deep_renders_in_bounded_time() {
    for (name, body) in deep_bodies() {
        let site = TestSite::new(&[(
            "content/minerals/zinc.md",
            &format!("---\ntitle: Zinc\n---\n{body}"),
        )]);
        let started = Instant::now();
        let result = orebrief::build(&site.options());
        assert!(
            started.elapsed() < BOUND,
            "{name}: took {:?}",
            started.elapsed()
        );
        match result {
            Ok(_) => assert!(site.exists("minerals/zinc/index.html"), "{name}"),
            Err(orebrief::Error::Content(d)) => {
                // Only clear errors with a location are acceptable.
                for d in errors(&d) {
                    assert!(d.line > 0, "{name}: {d}");
                }
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn yaml_nested_10000_deep_is_a_clear_error() {
    let n = 10_000;
    let cases = [
        (
            "flow sequences",
            format!("extra: {}1{}", "[".repeat(n), "]".repeat(n)),
            3,
        ),
        (
            "flow mappings",
            format!("extra: {}1{}", "{a: ".repeat(n), "}".repeat(n)),
            3,
        ),
        (
            "flow sequences with quoted closers",
            format!("extra: {}1{}", "[\"]\", ".repeat(n), "]".repeat(n)),
            3,
        ),
        (
            "block sequences",
            format!("extra:\n  {}x", "- ".repeat(n)),
            4,
        ),
        (
            "block mappings",
            format!(
                "extra:\n{}",
                (0..1000)
                    .map(|i| format!("{}k{i}:\n", " ".repeat(i + 1)))
                    .collect::<String>()
            ),
            67,
        ),
    ];
    for (name, yaml, line) in cases {
        let site = TestSite::new(&[(
            "content/minerals/zinc.md",
            &format!("---\ntitle: Zinc\n{yaml}\n---\n"),
        )]);
        let errs = timed_check(&site).unwrap_or_else(|| panic!("{name} built"));
        let d = only_error(&errs, "the YAML nests more than 64 levels deep");
        assert_eq!(d.file, Path::new("content/minerals/zinc.md"), "{name}");
        assert_eq!(d.line, line, "{name}: {d}");
        assert!(d.column > 0, "{name}: {d}");
    }
    // site.yaml is read by the same parser.
    let site = TestSite::new(&[(
        "site.yaml",
        &format!("title: T\nextra: {}1{}\n", "[".repeat(n), "]".repeat(n)),
    )]);
    let errs = timed_check(&site).unwrap();
    let d = only_error(&errs, "the YAML nests more than 64 levels deep");
    assert_eq!((d.file.to_str(), d.line), (Some("site.yaml"), 2));
}

#[test]
fn exponential_aliases_are_a_clear_error() {
    let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let site = TestSite::new(&[(
        "content/minerals/zinc.md",
        &format!(
            "---\ntitle: Zinc\nextra:\n{}---\n",
            yaml.lines().map(|l| format!("  {l}\n")).collect::<String>()
        ),
    )]);
    let errs = timed_check(&site).unwrap();
    let d = errors(&errs)[0];
    assert_eq!(d.file, Path::new("content/minerals/zinc.md"));
    assert!(d.message.contains("limit exceeded"), "{d}");
    assert!(hint(d).contains("aliases"), "{d}");
}

#[test]
fn long_lines_and_many_headings_render() {
    let long = "word ".repeat(200_000);
    let headings: String = (0..5000)
        .map(|i| format!("## Same\n\npara {i}\n\n"))
        .collect();
    let site = TestSite::new(&[
        (
            "content/minerals/zinc.md",
            &page(&["title: Zinc"], &[&long]),
        ),
        (
            "content/minerals/lead.md",
            &page(&["title: Lead"], &[&headings]),
        ),
    ]);
    assert!(timed_check(&site).is_none());
    site.build();
    let doc = site.html("minerals/lead/index.html");
    let ids = attrs(&doc, ".content h2", "id");
    assert_eq!(ids.len(), 5000);
    assert_eq!(ids[4999], "same-4999");
}

#[test]
fn hundreds_of_shortcodes_render_in_linear_time() {
    let mut body = String::from(
        "---\ntitle: Zinc\nproduction: [ { year: 2024, stage: mine, unit: t, by_country: { CN: 9, AU: 1 }, source: usgs } ]\n---\n",
    );
    for _ in 0..900 {
        body.push_str("{{ chart(mineral=\"zinc\") }}\n\n");
    }
    let site = TestSite::new(&[("content/minerals/zinc.md", &body)]);
    let started = Instant::now();
    site.build();
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    let doc = site.html("minerals/zinc/index.html");
    assert_eq!(doc.select(&sel(".content svg.chart")).count(), 900);
    assert!(
        !site
            .read("minerals/zinc/index.html")
            .contains("orebriefshortcode")
    );
}
