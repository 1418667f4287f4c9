//! Paths: ids that would leave their folder, symbolic links in `content/` and `static/`, and
//! files that would be written at the same URL.

mod common;

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use common::*;

fn mineral(title: &str) -> String {
    page(&[&format!("title: {title}")], &["Body."])
}

#[test]
fn ids_that_would_leave_their_folder_or_collide_with_output_files_are_errors() {
    for id in ["..", ".", "a/b", "a\\b", "a\0b", "a.b", "", "-x", "A b"] {
        assert!(orebrief::load::check_id(id).is_err(), "{id:?}");
    }
    for id in [
        "index", "data", "search", "print", "static", "con", "nul", "aux", "prn",
    ] {
        let why = orebrief::load::check_id(id).unwrap_err();
        assert_eq!(
            why,
            format!("`{id}` is a reserved name and cannot be an id")
        );
    }
    assert!(orebrief::load::check_id("korea-zinc_2").is_ok());
}

#[test]
fn file_names_that_cannot_be_ids_are_errors_naming_the_file() {
    for (file, id) in [
        ("content/minerals/a.b.md", "a.b"),
        ("content/minerals/with space.md", "with space"),
        ("content/minerals/data.md", "data"),
        ("content/CON.md", "con"),
        ("content/briefs/print.md", "print"),
    ] {
        let site = TestSite::new(&[(file, &mineral("X"))]);
        let errs = site.check_err();
        let d = expect_diag(&errs, file, 0, 0, &format!("`{id}`"));
        assert!(d.message.contains("cannot be an id"), "{d}");
        assert!(hint(d).contains("rename the file"), "{d}");
    }
}

#[test]
fn a_file_name_that_is_not_utf8_is_an_error_not_a_panic() {
    let site = TestSite::new(&[("content/about.md", &mineral("About"))]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    let path = site.root().join("content").join(name);
    std::fs::write(&path, mineral("Latin-1 name")).unwrap();
    let errs = site.check_err();
    let bad = errors(&errs);
    assert_eq!(bad.len(), 1, "{}", list(&errs));
    assert!(bad[0].message.contains("cannot be an id"), "{}", bad[0]);
}

#[test]
fn symbolic_links_out_of_the_root_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), mineral("Secret")).unwrap();
    std::fs::create_dir(outside.path().join("dir")).unwrap();
    std::fs::write(outside.path().join("dir/also.md"), mineral("Also")).unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
    let site = TestSite::new(&[
        ("content/about.md", &mineral("About")),
        ("static/ok.txt", "ok"),
    ]);
    let link = |target: &Path, at: &str| {
        std::os::unix::fs::symlink(target, site.root().join(at)).unwrap();
    };
    link(&outside.path().join("secret.md"), "content/secret.md");
    link(&outside.path().join("dir"), "content/linked");
    link(&outside.path().join("passwd"), "static/passwd");
    link(outside.path(), "static/outside");
    site.build();
    let files = site.files();
    assert!(files.contains("about/index.html"));
    assert!(files.contains("ok.txt"));
    for name in ["secret", "linked", "also", "passwd", "outside"] {
        assert!(
            !files.iter().any(|f| f.contains(name)),
            "{name} was followed: {files:?}"
        );
    }
}

#[test]
fn symbolic_link_loops_end() {
    let site = TestSite::new(&[
        ("content/minerals/zinc.md", &mineral("Zinc")),
        ("static/css/a.css", "a{}"),
    ]);
    let root = site.root();
    std::os::unix::fs::symlink(root.join("content"), root.join("content/minerals/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("content/self"), root.join("content/self")).unwrap();
    std::os::unix::fs::symlink(root.join("static"), root.join("static/css/up")).unwrap();
    let started = std::time::Instant::now();
    site.build();
    assert!(started.elapsed().as_secs() < 60);
    assert!(site.exists("minerals/zinc/index.html"));
    assert!(site.exists("css/a.css"));
    assert!(
        !site
            .files()
            .iter()
            .any(|f| f.contains("loop") || f.contains("up/"))
    );
}

#[test]
fn a_page_and_a_section_of_the_same_name_are_an_error_naming_both() {
    let site = TestSite::new(&[
        ("content/about.md", &mineral("About")),
        ("content/about/_index.md", &page(&["title: About us"], &[])),
    ]);
    let errs = site.check_err();
    let d = only_error(&errs, "both map to the URL");
    assert_eq!(d.file, Path::new("content/about.md"));
    assert_eq!(
        d.message,
        "content/about.md and content/about/_index.md both map to the URL /about/"
    );
    assert!(hint(d).contains("rename or move one of them"));

    // A folder without an _index.md makes a section list page too.
    let site = TestSite::new(&[
        ("content/team.md", &mineral("Team")),
        ("content/team/alice.md", &mineral("Alice")),
    ]);
    let errs = site.check_err();
    let d = only_error(&errs, "both map to the URL");
    assert_eq!(
        d.message,
        "content/team.md and content/team/alice.md both map to the URL /team/"
    );
}

#[test]
fn a_top_level_page_named_like_a_generated_section_is_an_error() {
    let site = TestSite::new(&[
        ("content/countries.md", &mineral("Countries")),
        ("content/minerals.md", &mineral("Minerals")),
        (
            "content/minerals/zinc.md",
            &page(
                &[
                    "title: Zinc",
                    "export_controls: [ { country: CN, effective: 2024-01, measure: x } ]",
                ],
                &[],
            ),
        ),
    ]);
    let errs = site.check_err();
    expect_diag(
        &errs,
        "content/countries.md",
        0,
        0,
        "content/countries.md and the list of countries both map to the URL /countries/",
    );
    expect_diag(
        &errs,
        "content/minerals.md",
        0,
        0,
        "content/minerals.md and content/minerals/zinc.md both map to the URL /minerals/",
    );
}

#[test]
fn a_page_at_the_place_of_a_country_page_is_an_error() {
    let site = TestSite::new(&[(
        "content/countries/kr.md",
        &page(&["title: Korea notes", "kind: page"], &[]),
    )]);
    let errs = site.check_err();
    expect_diag(
        &errs,
        "content/countries/kr.md",
        0,
        0,
        "content/countries/kr.md and the page of country KR both map to the URL /countries/kr/",
    );
}

#[test]
fn section_folders_must_be_usable_in_urls() {
    for (folder, why) in [
        ("Big Folder", "`Big Folder` cannot be an id"),
        ("search", "`search` is a reserved name"),
    ] {
        let file = format!("content/{folder}/x.md");
        let site = TestSite::new(&[(file.as_str(), &mineral("X"))]);
        let errs = site.check_err();
        let d = only_error(&errs, "cannot be a section");
        assert_eq!(d.file, Path::new(&file));
        assert!(d.message.contains(why), "{d}");
    }
}

#[test]
fn the_same_id_in_two_folders_is_an_error_naming_both() {
    let site = TestSite::new(&[
        ("content/minerals/zinc.md", &mineral("Zinc")),
        ("content/companies/zinc.md", &mineral("Zinc Inc")),
    ]);
    let errs = site.check_err();
    let d = only_error(&errs, "the id `zinc` is also used by");
    assert_eq!(d.file, Path::new("content/minerals/zinc.md"));
    assert!(d.message.ends_with("content/companies/zinc.md"), "{d}");
}

#[test]
fn pages_in_sub_folders_keep_their_section_url() {
    let site = TestSite::new(&[
        ("content/minerals/base/zinc.md", &mineral("Zinc")),
        ("content/minerals/tech/gallium.md", &mineral("Gallium")),
    ]);
    site.build();
    assert!(site.exists("minerals/zinc/index.html"));
    assert!(site.exists("minerals/gallium/index.html"));
    assert!(!site.exists("minerals/base/zinc/index.html"));
}
