//! Content errors, one fixture per kind: each names the file, line and column and says what is
//! wrong, through the library (`build` and `check`) and the binary (exit code 1, the same line
//! on stderr). A site with several broken files reports them all in one run, and a failed
//! build leaves the previous output as it was.

mod common;

use std::path::Path;

use common::*;
use orebrief::diagnostics::Diagnostic;

/// Builds a site of `files` and expects one error at `file:line:column` whose message
/// contains `message`, from `build`, from `check`, and from the binary (exit code 1, with the
/// error printed as `file:line:column: error: message`). Returns the diagnostic.
#[track_caller]
fn expect_error(
    files: &[(&str, &str)],
    file: &str,
    line: usize,
    column: usize,
    message: &str,
) -> Diagnostic {
    let site = TestSite::new(files);
    let built = site.build_err();
    let d = expect_diag(&built, file, line, column, message).clone();
    assert!(d.is_error(), "{d}");
    let checked = site.check_err();
    assert_eq!(
        expect_diag(&checked, file, line, column, message),
        &d,
        "check and build disagree"
    );
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let shown = if line > 0 {
        format!("{file}:{line}:{column}: error: {}", d.message)
    } else {
        format!("{file}: error: {}", d.message)
    };
    assert!(stderr.contains(&shown), "no `{shown}` in\n{stderr}");
    assert!(stderr.contains("build failed"), "{stderr}");
    assert!(!site.out().exists(), "a failed build wrote public/");
    let output = run(site.root(), &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    d
}

const GALLIUM: (&str, &str) = (
    "content/minerals/gallium.md",
    "---\ntitle: Gallium\nsymbol: Ga\n---\nA fine page.\n",
);

#[test]
fn bad_yaml_syntax() {
    let file = page(&["title: Zinc", "summary: this: is bad"], &[]);
    let d = expect_error(
        &[("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        3,
        14,
        "mapping values are not allowed",
    );
    assert!(hint(&d).contains("not valid YAML"), "{d}");
}

#[test]
fn bad_yaml_in_a_flow_mapping() {
    let file = page(&["title: Zinc", "critical: { us: 2022"], &[]);
    let site = TestSite::new(&[("content/minerals/zinc.md", &file)]);
    let errors = site.build_err();
    let d = only_error(&errors, "did not find expected ',' or '}'");
    assert_eq!(d.file, Path::new("content/minerals/zinc.md"));
    // The problem is found where the flow mapping should have ended: at the end of the front
    // matter (line 4 of the file), or on the line that opened it.
    assert!((3..=4).contains(&d.line), "{d}");
}

#[test]
fn yaml_syntax_messages_carry_no_second_position() {
    let file = page(&["title: Zinc", "symbol: \"Zn"], &[]);
    let site = TestSite::new(&[("content/minerals/zinc.md", &file)]);
    let errors = site.build_err();
    let d = only_error(&errors, "quoted scalar");
    assert!(!d.message.contains(" at line "), "{d}");
}

#[test]
fn unknown_field_suggests_the_nearest_name() {
    let file = page(&["title: Zinc", "prodution: []"], &[]);
    let d = expect_error(
        &[("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        3,
        1,
        "unknown field `prodution`",
    );
    assert!(hint(&d).contains("did you mean `production`?"), "{d}");
}

#[test]
fn unknown_nested_field_suggests_the_nearest_name() {
    let file = page(
        &[
            "title: Zinc",
            "production:",
            "  - yeer: 2024",
            "    stage: mine",
            "    unit: t",
            "    by_country: { CN: 1 }",
        ],
        &[],
    );
    let d = expect_error(
        &[("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        4,
        5,
        "unknown field `yeer`",
    );
    assert!(hint(&d).contains("did you mean `year`?"), "{d}");
}

#[test]
fn unknown_field_in_site_yaml() {
    let site = TestSite::bare(&[("site.yaml", "titel: Portal\n")]);
    let errors = site.build_err();
    let d = expect_diag(&errors, "site.yaml", 1, 1, "unknown field `titel`");
    assert!(hint(d).contains("did you mean `title`?"), "{d}");
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
}

#[test]
fn missing_site_yaml() {
    let site = TestSite::bare(&[("content/about.md", &page(&["title: About"], &[]))]);
    let errors = site.build_err();
    let d = only_error(&errors, "no site.yaml in the site root");
    assert!(hint(d).contains("orebrief init"), "{d}");
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
}

#[test]
fn field_of_another_kind() {
    let file = page(&["title: Zinc", "symbol: Zn", "facilities: []"], &[]);
    expect_error(
        &[("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        4,
        1,
        "`facilities` is not a field of a mineral",
    );
    let file = page(&["title: Acme", "country: US", "symbol: Ac"], &[]);
    expect_error(
        &[("content/companies/acme.md", &file)],
        "content/companies/acme.md",
        4,
        1,
        "`symbol` is not a field of a company",
    );
}

#[test]
fn unknown_link_target_in_the_body() {
    // Four front-matter lines: the body starts on line 7.
    let file = page(
        &["title: Zinc", "symbol: Zn", "summary: s", "tags: [a]"],
        &["Intro line.", "", "See the [[nowhere]] page."],
    );
    let d = expect_error(
        &[GALLIUM, ("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        9,
        9,
        "unknown link target `[[nowhere]]`",
    );
    assert!(hint(&d).contains("page id"), "{d}");
}

#[test]
fn unknown_link_targets_of_every_form() {
    let file = page(
        &["title: Zinc"],
        &[
            "A [[galium]] typo,",
            "a [missing file](@/minerals/nope.md),",
            "and a [[ZZ]] country.",
        ],
    );
    let site = TestSite::new(&[GALLIUM, ("content/minerals/zinc.md", &file)]);
    let errors = site.build_err();
    let f = "content/minerals/zinc.md";
    let typo = expect_diag(&errors, f, 4, 3, "unknown link target `[[galium]]`");
    assert!(hint(typo).contains("did you mean [[gallium]]?"), "{typo}");
    expect_diag(
        &errors,
        f,
        5,
        3,
        "link to `@/minerals/nope.md`: no such content file",
    );
    expect_diag(
        &errors,
        f,
        6,
        7,
        "`[[ZZ]]` is not an ISO 3166-1 alpha-2 country code",
    );
    assert_eq!(errors.len(), 3, "{}", list(&errors));
}

#[test]
fn a_labelled_wiki_link_cut_by_a_table_column_is_an_error() {
    // `| [[gallium|Ga]] | x |` is three cells to a table: `[[gallium`, `Ga]]` and `x`.
    let file = page(
        &["title: Zinc"],
        &[
            "| Metal | Note |",
            "|---|---|",
            "| [[gallium|Ga]] | by-product |",
        ],
    );
    let d = expect_error(
        &[GALLIUM, ("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        6,
        3,
        "this wiki link is cut in two by the table's column separator",
    );
    assert!(hint(&d).contains(r"[[id\|Label]]"), "{d}");
}

#[test]
fn links_to_a_broken_file_do_not_bury_its_error() {
    // One typo in zinc.md; three pages link to it. Only the typo is reported: the links
    // are fine once it is fixed, and the build fails on it anyway.
    let linking = |n: usize| {
        page(
            &[&format!("title: Page {n}")],
            &["See [[zinc]] and [zinc](@/minerals/zinc.md)."],
        )
    };
    let (a, b, c) = (linking(1), linking(2), linking(3));
    let zinc = page(&["title: Zinc", "sumary: typo"], &[]);
    let site = TestSite::new(&[
        ("content/a.md", &a),
        ("content/b.md", &b),
        ("content/minerals/zinc.md", &zinc),
        ("content/z.md", &c),
    ]);
    let errors = site.build_err();
    expect_diag(
        &errors,
        "content/minerals/zinc.md",
        3,
        1,
        "unknown field `sumary`",
    );
    assert_eq!(errors.len(), 1, "{}", list(&errors));
}

#[test]
fn naming_a_left_out_page_as_another_kind_is_still_an_error() {
    // Left out of a public build, the company is still not a mineral.
    let secret = page(&["title: Secret Co", "visibility: internal"], &[]);
    let brief = page(
        &["title: Deal", "date: 2025-01-01", "minerals: [secret-co]"],
        &[],
    );
    expect_error(
        &[
            ("content/companies/secret-co.md", &secret),
            ("content/briefs/deal.md", &brief),
        ],
        "content/briefs/deal.md",
        4,
        12,
        "`secret-co` is a company, not a mineral",
    );
}

#[test]
fn a_shortcode_naming_a_left_out_mineral_says_why() {
    let draft = page(&["title: Zinc", "draft: true"], &[]);
    let file = page(&["title: About"], &["{{ producers(mineral=\"zinc\") }}"]);
    expect_error(
        &[
            ("content/minerals/zinc.md", &draft),
            ("content/about.md", &file),
        ],
        "content/about.md",
        4,
        1,
        "`producers` names the draft `zinc` (content/minerals/zinc.md)",
    );
}

#[test]
fn link_to_a_draft_is_an_error() {
    let site = TestSite::new(&[
        (
            "content/minerals/secret.md",
            &page(&["title: Secret", "draft: true"], &[]),
        ),
        (
            "content/about.md",
            &page(&["title: About"], &["See [[secret]]."]),
        ),
    ]);
    let errors = site.build_err();
    let d = expect_diag(&errors, "content/about.md", 4, 5, "link to draft `secret`");
    assert!(d.message.contains("content/minerals/secret.md"), "{d}");
    // With drafts the link is fine.
    site.build_with(orebrief::BuildOptions {
        drafts: true,
        ..site.options()
    });
    assert!(site.exists("minerals/secret/index.html"));
}

#[test]
fn missing_title() {
    let file = page(&["symbol: Zn"], &["Body."]);
    let d = expect_error(
        &[("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        1,
        1,
        "a mineral needs a `title`",
    );
    assert!(hint(&d).contains("title:"), "{d}");
}

#[test]
fn brief_without_date() {
    let file = page(&["title: A brief"], &[]);
    expect_error(
        &[("content/briefs/b.md", &file)],
        "content/briefs/b.md",
        1,
        1,
        "a brief needs a `date`",
    );
}

#[test]
fn wrong_type_of_value() {
    let file = page(
        &[
            "title: Zinc",
            "production:",
            "  - year: 2024",
            "    stage: mine",
            "    unit: t",
            "    world: lots",
            "    by_country: { CN: 1 }",
        ],
        &[],
    );
    let d = expect_error(
        &[("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        7,
        12,
        "invalid type: string \"lots\"",
    );
    assert!(d.message.contains("world"), "{d}");
}

#[test]
fn unknown_stage_is_an_error() {
    let file = page(
        &[
            "title: Zinc",
            "production:",
            "  - year: 2024",
            "    stage: smelting",
            "    unit: t",
            "    by_country: { CN: 1 }",
        ],
        &[],
    );
    let site = TestSite::new(&[("content/minerals/zinc.md", &file)]);
    let errors = site.build_err();
    let d = only_error(&errors, "unknown variant `smelting`");
    assert_eq!(d.file, Path::new("content/minerals/zinc.md"));
    assert_eq!(d.line, 5, "{d}");
}

#[test]
fn unknown_kind() {
    let file = page(&["title: Notes", "kind: minerl"], &[]);
    let d = expect_error(
        &[("content/notes.md", &file)],
        "content/notes.md",
        3,
        7,
        "unknown kind `minerl`",
    );
    assert!(hint(&d).contains("did you mean `mineral`?"), "{d}");
}

#[test]
fn bad_date() {
    let file = page(&["title: A brief", "date: 2025-13-01"], &[]);
    let site = TestSite::new(&[("content/briefs/b.md", &file)]);
    let errors = site.build_err();
    let d = only_error(&errors, "`2025-13-01` is not a date");
    assert_eq!(d.file, Path::new("content/briefs/b.md"));
    assert!(hint(d).contains("YYYY-MM-DD"), "{d}");
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("content/briefs/b.md:"));
}

#[test]
fn bad_date_points_at_the_date() {
    let file = page(&["title: A brief", "summary: s", "date: 2025-13-01"], &[]);
    expect_error(
        &[("content/briefs/b.md", &file)],
        "content/briefs/b.md",
        4,
        7,
        "`2025-13-01` is not a date",
    );
    let file = page(
        &[
            "title: Zinc",
            "export_controls:",
            "  - { country: CN, effective: 2025-02-30, measure: licence }",
        ],
        &[],
    );
    expect_error(
        &[("content/minerals/zinc.md", &file)],
        "content/minerals/zinc.md",
        4,
        31,
        "`2025-02-30` is not a date",
    );
}

#[test]
fn unterminated_front_matter() {
    let d = expect_error(
        &[(
            "content/minerals/zinc.md",
            "---\ntitle: Zinc\nsymbol: Zn\n\nBody text.\n",
        )],
        "content/minerals/zinc.md",
        1,
        1,
        "the front matter is not closed",
    );
    assert!(hint(&d).contains("---"), "{d}");
}

#[test]
fn files_without_front_matter_and_empty_files() {
    expect_error(
        &[("content/notes.md", "# Just Markdown\n")],
        "content/notes.md",
        1,
        1,
        "the file does not start with front matter",
    );
    expect_error(
        &[("content/notes.md", "")],
        "content/notes.md",
        1,
        1,
        "the file is empty",
    );
}

#[test]
fn duplicate_ids_in_two_folders_name_both_files() {
    let site = TestSite::new(&[
        ("content/minerals/zinc.md", &page(&["title: Zinc"], &[])),
        (
            "content/briefs/zinc.md",
            &page(&["title: Zinc brief", "date: 2025-01-01"], &[]),
        ),
    ]);
    let errors = site.build_err();
    let d = only_error(&errors, "the id `zinc` is also used by");
    let shown = d.to_string();
    assert!(shown.contains("content/minerals/zinc.md"), "{shown}");
    assert!(shown.contains("content/briefs/zinc.md"), "{shown}");
    assert!(hint(d).contains("unique"), "{d}");
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/minerals/zinc.md") && stderr.contains("content/briefs/zinc.md"),
        "{stderr}"
    );
}

#[test]
fn several_broken_files_are_reported_in_one_run() {
    let site = TestSite::new(&[
        GALLIUM,
        (
            "content/minerals/a-syntax.md",
            &page(&["title: A", "summary: this: is bad"], &[]),
        ),
        (
            "content/minerals/b-field.md",
            &page(&["title: B", "prodution: []"], &[]),
        ),
        ("content/minerals/c-title.md", &page(&["symbol: C"], &[])),
        (
            "content/minerals/d-link.md",
            &page(&["title: D"], &["Links to [[nowhere]]."]),
        ),
        (
            "content/briefs/e-date.md",
            &page(&["title: E", "date: 2025-13-01"], &[]),
        ),
    ]);
    let errors = site.build_err();
    expect_diag(
        &errors,
        "content/minerals/a-syntax.md",
        3,
        14,
        "mapping values",
    );
    expect_diag(&errors, "content/minerals/b-field.md", 3, 1, "prodution");
    expect_diag(&errors, "content/minerals/c-title.md", 1, 1, "title");
    expect_diag(&errors, "content/minerals/d-link.md", 4, 10, "[[nowhere]]");
    only_error(&errors, "`2025-13-01` is not a date");
    assert_eq!(errors.len(), 5, "{}", list(&errors));
    // Sorted by file, then line.
    let files: Vec<_> = errors.iter().map(|d| d.file.clone()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);

    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for d in &errors {
        assert!(stderr.contains(&d.to_string()), "no `{d}` in\n{stderr}");
    }
    assert!(stderr.contains("build failed: 5 error(s)"), "{stderr}");
}

#[test]
fn load_and_data_errors_of_several_files_are_reported_together() {
    let site = TestSite::new(&[
        GALLIUM,
        (
            "content/minerals/a-syntax.md",
            &page(&["title: A", "summary: this: is bad"], &[]),
        ),
        (
            "content/companies/acme.md",
            &page(
                &[
                    "title: Acme",
                    "facilities:",
                    "  - name: Plant",
                    "    country: US",
                    "    products:",
                    "      - { mineral: galium }",
                ],
                &[],
            ),
        ),
        (
            "content/minerals/zinc.md",
            &page(
                &[
                    "title: Zinc",
                    "production:",
                    "  - year: 2024",
                    "    stage: mine",
                    "    unit: t",
                    "    by_country: { CN: -1 }",
                    "    source: usgs",
                ],
                &[],
            ),
        ),
    ]);
    let errors = site.build_err();
    expect_diag(
        &errors,
        "content/minerals/a-syntax.md",
        3,
        14,
        "mapping values",
    );
    expect_diag(
        &errors,
        "content/companies/acme.md",
        7,
        20,
        "unknown mineral `galium`",
    );
    expect_diag(
        &errors,
        "content/minerals/zinc.md",
        7,
        23,
        "`-1` is not a valid figure",
    );
    assert_eq!(errors.len(), 3, "{}", list(&errors));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::new(&[
        GALLIUM,
        ("content/about.md", &page(&["title: About"], &["First."])),
    ]);
    site.build();
    site.write("public/marker.txt", "left by a previous deploy");
    let before = site.files();
    let about = site.read("about/index.html");

    // A new good page and an edit, together with a broken file.
    site.write("content/news.md", &page(&["title: News"], &["Fresh page."]));
    site.write("content/about.md", &page(&["title: About"], &["Second."]));
    site.write(
        "content/minerals/broken.md",
        &page(&["title: Broken", "symbol: [B"], &[]),
    );
    site.build_err();
    assert_eq!(site.files(), before, "the output changed");
    assert_eq!(site.read("marker.txt"), "left by a previous deploy");
    assert_eq!(site.read("about/index.html"), about);
    assert!(!site.exists("news/index.html"));

    // The same through the binary.
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    assert_eq!(site.files(), before);
    // No staging folder is left beside the output.
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("orebrief"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Once fixed, the next build replaces the output, marker and all.
    site.remove("content/minerals/broken.md");
    site.build();
    assert!(site.exists("news/index.html"));
    assert!(!site.exists("marker.txt"));
    assert!(site.read("about/index.html").contains("Second."));
}

#[test]
fn body_errors_keep_their_position_after_shortcodes_and_internal_blocks() {
    let zinc = page(
        &[
            "title: Zinc",
            "production:",
            "  - { year: 2024, stage: mine, unit: t, by_country: { CN: 1 }, source: usgs }",
        ],
        &[],
    );
    let about = page(
        &["title: About"],
        &[
            "{{ chart(mineral=\"zinc\") }} then [[nowhere]]",
            "",
            "{% internal() %}",
            "A secret line with {{ chart(mineral=\"zinc\") }}.",
            "{% end %}",
            "",
            "Later, é [[missing-two]].",
        ],
    );
    let site = TestSite::new(&[
        ("content/minerals/zinc.md", &zinc),
        ("content/about.md", &about),
    ]);
    let errors = site.build_err();
    expect_diag(&errors, "content/about.md", 4, 34, "`[[nowhere]]`");
    // Columns count characters, not bytes.
    expect_diag(&errors, "content/about.md", 10, 10, "`[[missing-two]]`");
    assert_eq!(errors.len(), 2, "{}", list(&errors));
}

#[test]
fn a_public_page_linking_to_an_internal_page_is_an_error_in_public_builds() {
    let site = TestSite::new(&[
        (
            "content/companies/secret-co.md",
            &page(&["title: Secret Co", "visibility: internal"], &[]),
        ),
        (
            "content/about.md",
            &page(&["title: About"], &["Ask [[secret-co]]."]),
        ),
    ]);
    let errors = site.build_err();
    let d = expect_diag(
        &errors,
        "content/about.md",
        4,
        5,
        "link to internal page `secret-co`",
    );
    assert!(hint(d).contains("internal"), "{d}");
    // The internal build has the page, and the link is fine there.
    site.build_with(orebrief::BuildOptions {
        profile: Some(orebrief::config::Profile::Internal),
        ..site.options()
    });
    assert!(site.exists("companies/secret-co/index.html"));
}
