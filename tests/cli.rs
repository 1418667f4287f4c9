//! The `orebrief` command line: help, build, check, init, new, and exit codes (0 success,
//! 1 content or I/O errors, 2 usage errors).

mod common;

use common::*;

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_lists_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["--help"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let text = stdout(&output);
    assert!(text.contains("static site generator"), "{text}");
    for command in ["build", "check", "init", "new"] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "no `{command}` in\n{text}"
        );
    }
    assert!(text.contains("--root"), "{text}");
    let output = run(dir.path(), &["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn build_help_lists_its_options() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["build", "--help"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let text = stdout(&output);
    for option in [
        "--output-dir",
        "--base-url",
        "--relative-urls",
        "--profile",
        "--drafts",
    ] {
        assert!(text.contains(option), "no {option} in\n{text}");
    }
    assert!(text.contains("public"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["publish"]);
    assert_eq!(output.status.code(), Some(2), "{}", show(&output));
    assert!(
        stderr(&output).contains("unrecognized subcommand"),
        "{}",
        show(&output)
    );
    let output = run(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", show(&output));
    let output = run(dir.path(), &["build", "--frobnicate"]);
    assert_eq!(output.status.code(), Some(2), "{}", show(&output));
    let output = run(dir.path(), &["build", "--profile", "secret"]);
    assert_eq!(output.status.code(), Some(2), "{}", show(&output));
    let output = run(dir.path(), &["new", "widget", "x"]);
    assert_eq!(output.status.code(), Some(2), "{}", show(&output));
    // Nothing was written.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn build_writes_the_site_and_says_where() {
    let site = TestSite::fixture("supply");
    let elsewhere = tempfile::tempdir().unwrap();
    let root = site.root().to_str().unwrap();
    let output = run(elsewhere.path(), &["--root", root, "build"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let text = stdout(&output);
    assert!(text.starts_with("built "), "{text}");
    assert!(text.contains(&site.out().display().to_string()), "{text}");
    // The stale germanium figures are a warning, and the build goes on.
    assert!(stderr(&output).contains("warning(s)"), "{}", show(&output));
    assert!(site.exists("index.html"));
    assert!(site.exists("minerals/indium/index.html"));
    assert!(site.exists("data/portal.json"));
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn check_reports_warnings_and_writes_nothing() {
    let site = TestSite::fixture("supply");
    let output = run(site.root(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert!(stdout(&output).starts_with("ok: "), "{}", show(&output));
    assert!(
        stdout(&output).contains("1 warning(s)"),
        "{}",
        show(&output)
    );
    let err = stderr(&output);
    assert!(
        err.contains("content/minerals/germanium.md:4:8: warning: figures as of 2024-01 are"),
        "{err}"
    );
    assert!(!site.out().exists());
}

#[test]
fn content_errors_exit_1() {
    let site = TestSite::new(&[(
        "content/about.md",
        &page(&["title: About"], &["See [[nowhere]]."]),
    )]);
    for command in ["build", "check"] {
        let output = run(site.root(), &[command]);
        assert_eq!(output.status.code(), Some(1), "{}", show(&output));
        let err = stderr(&output);
        assert!(
            err.contains("content/about.md:4:5: error: unknown link target `[[nowhere]]`"),
            "{err}"
        );
        assert!(err.contains("build failed: 1 error(s)"), "{err}");
    }
    assert!(!site.out().exists());
}

#[test]
fn build_options_base_url_relative_urls_and_output_dir() {
    let site = TestSite::fixture("supply");
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("www");
    let output = run(
        site.root(),
        &[
            "build",
            "--base-url",
            "https://org.github.io/repo/",
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert!(!site.out().exists());
    let html = scraper::Html::parse_document(
        &std::fs::read_to_string(out_dir.join("minerals/indium/index.html")).unwrap(),
    );
    assert_eq!(
        attrs(&html, "link[rel=stylesheet]", "href")[0],
        "https://org.github.io/repo/style.css"
    );

    let output = run(site.root(), &["build", "--relative-urls"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let html = site.html("minerals/indium/index.html");
    assert_eq!(
        attrs(&html, "link[rel=stylesheet]", "href")[0],
        "../../style.css"
    );
}

#[test]
fn output_outside_the_root_needs_an_explicit_option() {
    let site = TestSite::new(&[
        ("site.yaml", "title: T\noutput_dir: ../elsewhere\n"),
        ("content/about.md", &page(&["title: About"], &[])),
    ]);
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    assert!(
        stderr(&output).contains("outside the site root"),
        "{}",
        show(&output)
    );
}

#[test]
fn init_writes_a_site_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["init", "portal"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert!(
        stdout(&output).contains("created a new site"),
        "{}",
        show(&output)
    );
    let root = dir.path().join("portal");
    for file in [
        "site.yaml",
        "content/_index.md",
        "content/minerals/_index.md",
        "content/minerals/example-mineral.md",
        ".github/workflows/pages.yml",
        ".gitignore",
    ] {
        assert!(root.join(file).is_file(), "no {file}");
    }
    // The output, and the previous one while a background process removes it.
    let ignored = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert_eq!(ignored, "/public/\n/.public.orebrief-*/\n");
    std::fs::write(root.join("site.yaml"), "title: Mine\n").unwrap();
    let output = run(dir.path(), &["init", "portal"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        show(&output)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("site.yaml")).unwrap(),
        "title: Mine\n"
    );
}

#[test]
fn init_then_build() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["init", "portal"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let root = dir.path().join("portal");
    assert!(root.join("site.yaml").is_file());
    assert!(root.join("content/_index.md").is_file());
    assert!(root.join(".github/workflows/pages.yml").is_file());

    let output = run(&root, &["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert!(root.join("public/index.html").is_file());
    assert!(
        root.join("public/minerals/example-mineral/index.html")
            .is_file()
    );
    let output = run(&root, &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));

    // A second init into the same folder refuses.
    let output = run(dir.path(), &["init", "portal"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        show(&output)
    );
}

#[test]
fn new_creates_pages_and_refuses_duplicates_and_bad_ids() {
    let site = TestSite::new(&[]);
    let root = site.root();
    let output = run(root, &["new", "mineral", "cobalt"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let file = root.join("content/minerals/cobalt.md");
    assert!(stdout(&output).contains("cobalt.md"), "{}", show(&output));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("---\ntitle: Cobalt\n"), "{text}");

    let output = run(root, &["new", "company", "acme-metals"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert!(root.join("content/companies/acme-metals.md").is_file());
    let output = run(root, &["new", "brief", "weekly-1"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let brief = std::fs::read_to_string(root.join("content/briefs/weekly-1.md")).unwrap();
    assert!(brief.contains("\ndate: "), "{brief}");

    // The same id again fails and leaves the file alone.
    std::fs::write(&file, "---\ntitle: Edited\n---\n").unwrap();
    let output = run(root, &["new", "mineral", "cobalt"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        show(&output)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "---\ntitle: Edited\n---\n"
    );

    // Ids are lower-case letters, digits, - and _, and not reserved names.
    for bad in ["Bad Id", "../escape", "index"] {
        let output = run(root, &["new", "mineral", bad]);
        assert_eq!(output.status.code(), Some(1), "{bad}: {}", show(&output));
    }
    assert!(!root.join("content/escape.md").exists());
    assert!(!root.join("content/minerals/index.md").exists());
}

#[test]
fn pages_from_new_company_and_new_brief_build() {
    let site = TestSite::new(&[]);
    for (kind, id) in [("company", "acme-metals"), ("brief", "weekly-1")] {
        let output = run(site.root(), &["new", kind, id]);
        assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    }
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert_eq!(
        text(&site.html("companies/acme-metals/index.html"), "main h1"),
        "Acme metals"
    );
    assert_eq!(
        text(&site.html("briefs/weekly-1/index.html"), "main h1"),
        "Weekly 1"
    );
}

#[test]
fn a_page_from_new_mineral_builds() {
    let site = TestSite::new(&[]);
    let output = run(site.root(), &["new", "mineral", "cobalt"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert_eq!(
        text(&site.html("minerals/cobalt/index.html"), "main h1"),
        "Cobalt"
    );
}

/// `TZ` decides the build's date (the "Generated" date of every page), whatever
/// `/etc/localtime` says: 14 hours ahead of UTC and 12 behind are on different dates at any
/// time of day, so a build that ignored `TZ` would get one of the two wrong.
#[test]
fn the_generated_date_is_today_in_the_zone_named_by_tz() {
    let site = TestSite::fixture("supply");
    let root = site.root().to_str().unwrap();
    let mut dates = Vec::new();
    for (tz, hours) in [("<+14>-14", 14), ("<-12>+12", -12)] {
        let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(hours));
        let before = jiff::Timestamp::now().to_zoned(zone.clone()).date();
        let output = bin()
            .env("TZ", tz)
            .args(["--root", root, "build"])
            .output()
            .expect("run orebrief");
        assert_eq!(output.status.code(), Some(0), "{}", show(&output));
        let after = jiff::Timestamp::now().to_zoned(zone).date();
        let html = site.read("index.html");
        let generated = html
            .split("Generated <time datetime=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no generated date in\n{html}"))
            .to_string();
        assert!(
            [before.to_string(), after.to_string()].contains(&generated),
            "TZ={tz}: generated {generated}, today there {before}"
        );
        dates.push(generated);
    }
    assert_ne!(dates[0], dates[1]);
}
