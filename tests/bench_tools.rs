//! The benchmark tools of issue 7, which docs/benchmarks.md's figures rest on: the corpus
//! generator (`examples/gen_corpus.rs`), the independent corpus generator
//! (`scripts/gen-independent-corpus.py`), the Hugo converter (`scripts/bench-hugo-site.py`),
//! the report (`scripts/bench-report.py`), the bench script itself (`scripts/bench.sh`), and
//! the tools behind the A/B comparisons of a change (`scripts/bench-ab.py`) and the
//! timelines of small builds (`scripts/bench-timeline.py`).
//! A generated corpus must build with no error and no warning, and the Hugo site must show
//! the same production tables and producers as orebrief, or the side-by-side figures
//! compare different work.
//!
//! The scripts need `python3` with PyYAML, `hugo` and GNU time (`.ci/run` installs them); a missing
//! tool fails these tests with what to install, unless `OREBRIEF_SKIP_BENCH_TOOLS=1` says to
//! skip them.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TestSite, collapse, rows, sel, show, texts};
use scraper::Html;

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use gen_corpus::{Corpus, DEFAULT_SEED};

/// The repository root.
fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the tests that run the scripts can run: `python3` with PyYAML (and `hugo` when
/// `hugo` is set) are there. Panics with what to install when they are not, unless
/// `OREBRIEF_SKIP_BENCH_TOOLS=1`.
fn tools(hugo: bool) -> bool {
    tools_and_time(hugo, false)
}

/// [`tools`], and GNU time (`/usr/bin/time`, which `scripts/bench.sh` times builds with)
/// when `time` is set.
fn tools_and_time(hugo: bool, time: bool) -> bool {
    let works = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let mut missing = Vec::new();
    if !works("python3", &["-c", "import yaml"]) {
        missing.push("python3 with PyYAML");
    }
    if hugo && !works("hugo", &["version"]) {
        missing.push("hugo");
    }
    if time && !Path::new("/usr/bin/time").exists() {
        missing.push("GNU time");
    }
    if missing.is_empty() {
        return true;
    }
    if std::env::var("OREBRIEF_SKIP_BENCH_TOOLS").is_ok_and(|v| v == "1") {
        eprintln!(
            "skipping (OREBRIEF_SKIP_BENCH_TOOLS=1): no {}",
            missing.join(", ")
        );
        return false;
    }
    panic!(
        "this test needs {}: install them with `apt-get install -y python3 python3-yaml hugo time` \
         (.ci/run does), or set OREBRIEF_SKIP_BENCH_TOOLS=1 to skip it",
        missing.join(" and ")
    );
}

/// Runs `program` with `args`, panicking with its output (or with what to install) unless
/// it succeeds.
fn run_tool(program: &str, args: &[&Path]) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed\n{}",
        show(&output)
    );
}

/// Runs `scripts/<script>` with `python3` and `args`: its standard output, or a panic with
/// its whole output when it fails.
fn script_stdout<S: AsRef<OsStr>>(script: &str, args: &[S]) -> String {
    let output = Command::new("python3")
        .arg(repo().join("scripts").join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    assert!(output.status.success(), "{script}: {}", show(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs `command`, which must fail with exit code `code` and `says` in its standard error
/// (2 for a run refused before any work).
fn assert_exits(command: &mut Command, code: i32, says: &str) {
    let output = command.output().expect("run the script");
    assert_eq!(output.status.code(), Some(code), "{}", show(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(says),
        "{}",
        show(&output)
    );
}

/// Writes the independent generator's corpus for `n` minerals into `dir`.
fn independent_corpus(n: usize, dir: &Path) {
    let n = n.to_string();
    run_tool(
        "python3",
        &[
            &repo().join("scripts/gen-independent-corpus.py"),
            Path::new(&n),
            dir,
        ],
    );
}

/// A site written by the corpus generator for `n` minerals.
fn generated(n: usize) -> TestSite {
    let site = TestSite::bare(&[]);
    let (files, _) = Corpus::new(n, DEFAULT_SEED)
        .write(site.root(), false)
        .expect("write the corpus");
    assert_eq!(files, 6 * n + 4, "6N pages and 4 index pages");
    site
}

/// Builds `site` (public profile), panicking on any error or warning.
fn build_clean(site: &TestSite) -> orebrief::BuildReport {
    let report = site.build();
    assert!(
        report.warnings.is_empty(),
        "warnings:\n{}",
        common::list(&report.warnings)
    );
    report
}

/// The output folders under `dir/<section>/` that hold an `index.html`.
fn pages_in(dir: &Path, section: &str) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(dir.join(section))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().join("index.html").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// Converts the site at `site_root` with `scripts/bench-hugo-site.py` into `work/hugo` and
/// builds it with `hugo` into `work/hugo-out`; returns the output folder.
fn hugo_build(site_root: &Path, work: &Path) -> PathBuf {
    let hugo = work.join("hugo");
    let hugo_out = work.join("hugo-out");
    run_tool(
        "python3",
        &[&repo().join("scripts/bench-hugo-site.py"), site_root, &hugo],
    );
    run_tool(
        "hugo",
        &[
            Path::new("--quiet"),
            Path::new("--source"),
            &hugo,
            Path::new("--destination"),
            &hugo_out,
        ],
    );
    hugo_out
}

/// Builds the site at `root` into `out` in `profile`, panicking on failure.
fn build_into(
    root: &Path,
    out: &Path,
    profile: orebrief::config::Profile,
) -> orebrief::BuildReport {
    orebrief::build(&orebrief::BuildOptions {
        root: root.to_path_buf(),
        output_dir: Some(out.to_path_buf()),
        profile: Some(profile),
        today: Some(common::today()),
        ..orebrief::BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("{profile:?} build failed: {}", common::describe(&e)))
}

fn parse(path: &Path) -> Html {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Html::parse_document(&text)
}

#[test]
fn the_generated_corpus_builds_with_no_warning_and_has_what_it_promises() {
    let n = 5;
    let site = generated(n);
    let report = build_clean(&site);
    let out = site.out();
    let minerals = pages_in(&out, "minerals");
    let companies = pages_in(&out, "companies");
    let briefs = pages_in(&out, "briefs");
    assert_eq!(
        (minerals.len(), companies.len(), briefs.len()),
        (n, 4 * n, n),
        "N minerals, 4N companies and N briefs"
    );
    assert!(report.pages >= 6 * n, "{} pages", report.pages);

    // Every profile: a table, a bullet and a numbered list, highlighted YAML and three
    // links to other pages in its body.
    let pages = minerals
        .iter()
        .map(|id| format!("minerals/{id}"))
        .chain(companies.iter().map(|id| format!("companies/{id}")))
        .chain(briefs.iter().map(|id| format!("briefs/{id}")));
    for page in pages {
        let html = site.html(&format!("{page}/index.html"));
        let body = |css: &str| html.select(&sel(&format!(".content {css}"))).count();
        assert!(body("table") >= 1, "{page}: no table in the body");
        assert!(body("ul") >= 1 && body("ol") >= 1, "{page}: lists missing");
        assert!(
            body("pre[data-lang=\"yaml\"] span[class^=\"hl-\"]") > 0,
            "{page}: no highlighted YAML block"
        );
        let internal = html
            .select(&sel(".content a[href]"))
            .filter_map(|a| a.value().attr("href"))
            .filter(|href| {
                ["minerals/", "companies/", "briefs/"]
                    .iter()
                    .any(|s| href.contains(s))
            })
            .count();
        assert!(internal >= 3, "{page}: {internal} links to other pages");
    }
    // Two facilities per company, and every mineral page lists producers with its
    // production table.
    for id in &companies {
        let html = site.html(&format!("companies/{id}/index.html"));
        let facilities = html
            .select(&sel("section.facilities table.facility"))
            .count();
        assert_eq!(facilities, 2, "{id}: facilities");
    }
    for id in &minerals {
        let html = site.html(&format!("minerals/{id}/index.html"));
        assert!(
            !rows(&html, "section.production table.data tbody").is_empty(),
            "{id}: no production table"
        );
    }
}

#[test]
fn the_generated_corpus_depends_only_on_n_and_the_seed() {
    let files = |seed| -> Vec<(PathBuf, String)> { Corpus::new(4, seed).files().collect() };
    let first = files(DEFAULT_SEED);
    assert_eq!(first, files(DEFAULT_SEED), "same N and seed, same files");
    assert_ne!(first, files(DEFAULT_SEED + 1), "the seed changes the pages");
}

#[test]
fn the_independent_corpus_builds_with_no_warning_in_both_profiles() {
    if !tools(false) {
        return;
    }
    let site = TestSite::bare(&[]);
    let dir = site.root().join("corpus");
    independent_corpus(12, &dir);
    for profile in [
        orebrief::config::Profile::Public,
        orebrief::config::Profile::Internal,
    ] {
        let out = site.root().join(format!("out-{profile:?}"));
        let report = build_into(&dir, &out, profile);
        assert!(
            report.warnings.is_empty(),
            "{profile:?} warnings:\n{}",
            common::list(&report.warnings)
        );
        for section in ["minerals", "companies", "briefs"] {
            assert!(
                !pages_in(&out, section).is_empty(),
                "{profile:?}: no {section}"
            );
        }
    }
    // Its internal pages (`visibility: internal`) are in the internal build only.
    let public = common::files_under(&site.root().join("out-Public"));
    let internal = common::files_under(&site.root().join("out-Internal"));
    let internal_ids: Vec<String> = walkdir::WalkDir::new(dir.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .is_ok_and(|t| t.lines().any(|l| l == "visibility: internal"))
        })
        .map(|e| {
            let stem = e.path().file_stem().unwrap_or_default();
            stem.to_string_lossy().to_lowercase()
        })
        .collect();
    assert!(!internal_ids.is_empty(), "the corpus has internal pages");
    for id in &internal_ids {
        let page = |f: &String| f.ends_with(&format!("/{id}/index.html"));
        assert!(internal.iter().any(page), "{id}: not in the internal build");
        assert!(!public.iter().any(page), "{id}: in the public build");
    }
}

/// What a production table or producer list says, by mineral: the rows of every
/// production table (rank, country, value, share) and the producers (company, country,
/// capacity, status), as text, countries by their code (the converter names a few of them
/// differently).
type Facts = BTreeMap<String, (Vec<Vec<String>>, Vec<Vec<String>>)>;

/// The rows of the tables matching `css`, each cell as its collapsed text, or as the code
/// of the country it links to.
fn coded_rows(html: &Html, css: &str) -> Vec<Vec<String>> {
    let (row, cell, country) = (sel("tr"), sel("th, td"), sel("a[href*=\"/countries/\"]"));
    html.select(&sel(css))
        .flat_map(|t| t.select(&row).collect::<Vec<_>>())
        .map(|r| {
            r.select(&cell)
                .map(|c| match c.select(&country).next() {
                    Some(a)
                        if collapse(&c.text().collect::<String>())
                            == collapse(&a.text().collect::<String>()) =>
                    {
                        let href = a.value().attr("href").unwrap_or_default();
                        href.trim_end_matches('/')
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .to_string()
                    }
                    _ => collapse(&c.text().collect::<String>()),
                })
                .collect()
        })
        .collect()
}

/// The body rows of every table matching `table` in `html`, each as the cells of the
/// columns headed `columns` (countries by code), sorted.
fn columns(html: &Html, table: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for t in html.select(&sel(table)) {
        let fragment = Html::parse_fragment(&t.html());
        let headers = texts(&fragment, "thead th");
        let index: Vec<usize> = columns
            .iter()
            .map(|name| {
                headers
                    .iter()
                    .position(|h| h == name)
                    .unwrap_or_else(|| panic!("no {name} column in {headers:?}"))
            })
            .collect();
        for row in coded_rows(&fragment, "tbody") {
            out.push(index.iter().map(|&c| row[c].clone()).collect());
        }
    }
    out.sort();
    out
}

/// The production rows and producers of every mineral page under `out`.
fn mineral_facts(out: &Path) -> Facts {
    let mut facts = Facts::new();
    for id in pages_in(out, "minerals") {
        let html = parse(&out.join("minerals").join(&id).join("index.html"));
        let production = coded_rows(&html, "section.production table.data tbody");
        let producers = columns(
            &html,
            "table.producers",
            &["Company", "Country", "Capacity", "Status"],
        );
        facts.insert(id, (production, producers));
    }
    facts
}

/// The products of every company page under `out`: (mineral, capacity, status) of each
/// product of each facility.
fn company_products(out: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    pages_in(out, "companies")
        .into_iter()
        .map(|id| {
            let html = parse(&out.join("companies").join(&id).join("index.html"));
            let products = columns(
                &html,
                "section.facilities table",
                &["Mineral", "Capacity", "Status"],
            );
            (id, products)
        })
        .collect()
}

/// Sets the capacities of the first products in the company file at `path` to `values`, in
/// order, so that the comparison meets the values a generated corpus does not have.
fn set_capacities(path: &Path, values: &[&str]) {
    let mut text = std::fs::read_to_string(path).expect("read the company");
    let mut from = 0;
    for value in values {
        let at = from
            + text[from..]
                .find("capacity: ")
                .expect("a product with a capacity")
            + "capacity: ".len();
        let end = at + text[at..].find(',').expect("a comma after the capacity");
        text.replace_range(at..end, value);
        from = at + value.len();
    }
    std::fs::write(path, text).expect("write the company");
}

#[test]
fn the_hugo_site_shows_the_same_tables_and_producers_as_orebrief() {
    if !tools(true) {
        return;
    }
    let site = generated(4);
    // A capacity of zero and one with decimals, which the generator does not write.
    let company = std::fs::read_dir(site.root().join("content/companies"))
        .expect("companies")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| !p.ends_with("_index.md"))
        .min()
        .expect("a company");
    set_capacities(&company, &["0", "12.5"]);
    build_clean(&site);
    let hugo_out = hugo_build(site.root(), site.root());
    let ours = mineral_facts(&site.out());
    let theirs = mineral_facts(&hugo_out);
    assert_eq!(ours.len(), 4);
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (id, (production, producers)) in &ours {
        assert!(!production.is_empty() && !producers.is_empty(), "{id}");
        assert_eq!(&theirs[id].0, production, "{id}: production tables differ");
        assert_eq!(&theirs[id].1, producers, "{id}: producers differ");
    }
    // Every company has its page, with the same products; every country page has a term
    // page.
    let (ours, theirs) = (company_products(&site.out()), company_products(&hugo_out));
    assert_eq!(ours.len(), 16);
    assert_eq!(ours, theirs, "company products differ");
    let shown: Vec<&String> = ours.values().flatten().map(|p| &p[1]).collect();
    for capacity in ["0 t/yr", "12.5 t/yr", "n/a"] {
        assert!(
            shown.iter().any(|c| *c == capacity),
            "no capacity shown as {capacity}: {shown:?}"
        );
    }
    let countries = pages_in(&site.out(), "countries");
    assert!(!countries.is_empty());
    for code in countries {
        assert!(
            hugo_out
                .join("countries")
                .join(&code)
                .join("index.html")
                .is_file(),
            "no Hugo term page for country {code}"
        );
    }
}

#[test]
fn the_hugo_converter_takes_the_sample_portal_and_leaves_internal_pages_out() {
    if !tools(true) {
        return;
    }
    let site = TestSite::bare(&[]);
    let hugo_out = hugo_build(repo(), site.root());
    // The repository's portal, built by orebrief into a temporary folder.
    let ours = site.root().join("ours");
    build_into(repo(), &ours, orebrief::config::Profile::Public);
    for section in ["minerals", "companies", "briefs"] {
        let pages = pages_in(&ours, section);
        assert!(!pages.is_empty(), "{section}");
        assert_eq!(pages, pages_in(&hugo_out, section), "{section}");
    }
    // Pages an internal build adds (internal notes, drafts) have no Hugo page either.
    let internal = site.root().join("internal");
    build_into(repo(), &internal, orebrief::config::Profile::Internal);
    let hugo_files = common::files_under(&hugo_out);
    let left_out: Vec<String> = common::files_under(&internal)
        .difference(&common::files_under(&ours))
        .filter_map(|f| f.strip_suffix("/index.html"))
        .filter_map(|dir| dir.rsplit('/').next())
        .map(str::to_string)
        .collect();
    assert!(!left_out.is_empty(), "the sample portal has internal pages");
    for id in &left_out {
        let suffix = format!("/{id}/index.html");
        assert!(
            !hugo_files
                .iter()
                .any(|f| f.ends_with(&suffix) || *f == format!("{id}/index.html")),
            "{id} is internal but has a Hugo page"
        );
    }
}

#[test]
fn the_bench_report_computes_the_ratios_and_the_verdicts_of_the_targets() {
    if !tools(false) {
        return;
    }
    let site = TestSite::bare(&[]);
    let dir = site.root();
    // Run by run, the tools taking turns: tool, key, run, wall s, CPU s, peak KiB, load.
    let results = [
        "orebrief\t2000\t1\t7.0\t13\t230000\t1.0",
        "hugo\t2000\t1\t51.0\t90\t4000000\t1.0",
        "orebrief\t2000\t2\t8.0\t14\t231000\t1.0",
        "hugo\t2000\t2\t60.0\t95\t4000000\t1.0",
        "orebrief\t2000\t3\t9.0\t15\t232000\t1.0",
        "hugo\t2000\t3\t70.0\t99\t4000000\t1.0",
        "orebrief\tdir1-other\t1\t10.0\t18\t262144\t1.0",
        "hugo\tdir1-other\t1\t55.0\t90\t4000000\t1.0",
        "orebrief\tdir1-other\t2\t8.0\t16\t262144\t1.0",
        "hugo\tdir1-other\t2\t60.0\t95\t4000000\t1.0",
        "orebrief\tdir1-other\t3\t12.0\t20\t262144\t1.0",
        "hugo\tdir1-other\t3\t62.0\t99\t4000000\t1.0",
    ];
    std::fs::write(dir.join("results.tsv"), results.join("\n") + "\n").unwrap();
    std::fs::write(
        dir.join("corpora.tsv"),
        "dir1-other\t12036\tother\n2000\t12004\tN=2000\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("tiny.json"),
        r#"{"tool": "orebrief", "load": "1.0", "method": "hyperfine", "median": 0.0581, "mean": 0.06, "stddev": 0.01, "min": 0.048, "runs": 20}"#,
    )
    .unwrap();
    let docs = dir.join("benchmarks.md");
    std::fs::write(
        &docs,
        "# Title\n\nbefore\n<!-- bench:results:begin -->\nold table\n<!-- bench:results:end -->\nafter\n",
    )
    .unwrap();
    let (results, corpora, tiny) = (
        dir.join("results.tsv"),
        dir.join("corpora.tsv"),
        dir.join("tiny.json"),
    );
    let report = script_stdout(
        "bench-report.py",
        &[
            OsStr::new("--results"),
            results.as_os_str(),
            OsStr::new("--corpora"),
            corpora.as_os_str(),
            OsStr::new("--tiny"),
            tiny.as_os_str(),
            OsStr::new("--commit"),
            OsStr::new("abc"),
            OsStr::new("--machine"),
            OsStr::new("m"),
            OsStr::new("--command"),
            OsStr::new("c"),
            OsStr::new("--docs"),
            docs.as_os_str(),
        ],
    );
    // Medians: orebrief 8 s and Hugo 60 s; Hugo's fastest 51 s; rounds 51/7, 60/8, 70/9.
    assert!(
        report.contains("| 12,004 (N=2000) | 7.5 | 6.4 | 7.3, 7.5, 7.8 | 7.3 |"),
        "{report}"
    );
    // Medians 10 and 60 s: 6 by the median; rounds 55/10, 60/8 and 62/12.
    assert!(
        report.contains("| 12,036 (other) | 6.0 | 5.5 | 5.5, 7.5, 5.2 | 5.2 |"),
        "{report}"
    );
    for verdict in [
        "12k-page build of 12,004 (N=2000): 8.00 s wall (target <= 1.5 s: not met), 226 MiB peak (target <= 250 MiB: met)",
        "12k-page build of 12,036 (other): 10.00 s wall (target <= 1.5 s: not met), 256 MiB peak (target <= 250 MiB: not met)",
        "12,004 (N=2000) against Hugo: 7.5 times faster, median over median, 7.3 in the lowest round (target >= 6: met by the median, met in every round)",
        "12,036 (other) against Hugo: 6.0 times faster, median over median, 5.2 in the lowest round (target >= 6: met by the median, not met in every round)",
        "tiny-site cold build: 58.1 ms median (target <= 20 ms: not met)",
    ] {
        assert!(report.contains(verdict), "missing {verdict:?} in\n{report}");
    }
    // The block between the markers is replaced; the text around it stays.
    let written = std::fs::read_to_string(&docs).unwrap();
    assert!(
        written.starts_with("# Title\n\nbefore\n<!-- bench:results:begin -->\n### Results of ")
    );
    assert!(
        written.ends_with("<!-- bench:results:end -->\nafter\n"),
        "{written}"
    );
    assert!(!written.contains("old table"));
    assert!(written.contains(report.trim_end()));
}

/// `scripts/bench.sh` end to end, with this test run's own binary (`--bin`) on two small
/// corpora: one it generates (N=2) and a site folder (the independent generator's, N=3),
/// Hugo beside it, two rounds, and the tiny site timed by the plain loop (`--no-hyperfine`,
/// the path taken where hyperfine is missing). Every figure docs/benchmarks.md quotes comes
/// from this script: its rows must alternate the tools, hold real measurements and reach
/// the report, which must leave the docs alone under `--no-docs`.
#[test]
fn the_bench_script_times_both_tools_in_turns_and_reports_every_run() {
    if !tools_and_time(true, true) {
        return;
    }
    let work = TestSite::bare(&[]);
    let bench = work.root().join("bench");
    let folder = work.root().join("other");
    independent_corpus(3, &folder);
    let folder_pages = walkdir::WalkDir::new(folder.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    let docs = repo().join("docs/benchmarks.md");
    let docs_before = std::fs::read(&docs).unwrap();
    let bin = env!("CARGO_BIN_EXE_orebrief");
    // Refused before any work: a --bin that is not there, and --bin with --ref.
    for (args, says) in [
        (
            vec!["--bin", "/nonexistent/orebrief"],
            "--bin /nonexistent/orebrief: not an executable file",
        ),
        (
            vec!["--bin", bin, "--ref", "HEAD"],
            "--bin and --ref name two different binaries",
        ),
    ] {
        assert_exits(
            Command::new("bash")
                .arg(repo().join("scripts/bench.sh"))
                .env("BENCH_DIR", &bench)
                .args(&args),
            2,
            says,
        );
    }
    assert!(!bench.exists(), "a refused run wrote {bench:?}");
    let output = Command::new("bash")
        .arg(repo().join("scripts/bench.sh"))
        .env("BENCH_DIR", &bench)
        .args(["--bin", bin, "--runs", "2", "--tiny-runs", "3"])
        .args(["--no-hyperfine", "--no-docs", "2"])
        .arg(&folder)
        .output()
        .expect("run scripts/bench.sh");
    assert!(output.status.success(), "{}", show(&output));
    let report = String::from_utf8_lossy(&output.stdout);

    // Two rounds of each corpus, the tools taking turns, each run measured.
    let results = std::fs::read_to_string(bench.join("results.tsv")).unwrap();
    let rows: Vec<Vec<&str>> = results.lines().map(|l| l.split('\t').collect()).collect();
    let order: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[0], r[1], r[2])).collect();
    assert_eq!(
        order,
        [
            ("orebrief", "2", "1"),
            ("hugo", "2", "1"),
            ("orebrief", "2", "2"),
            ("hugo", "2", "2"),
            ("orebrief", "dir1-other", "1"),
            ("hugo", "dir1-other", "1"),
            ("orebrief", "dir1-other", "2"),
            ("hugo", "dir1-other", "2"),
        ],
        "{results}"
    );
    for row in &rows {
        let wall: f64 = row[3].parse().unwrap();
        let cpu: f64 = row[4].parse().unwrap();
        let rss_kib: u64 = row[5].parse().unwrap();
        assert!(wall > 0.0 && cpu > 0.0, "{row:?}");
        // Each tool holds its own code and the site: more than a few MiB.
        assert!(rss_kib > 4096, "{row:?}");
    }

    // The report shows each corpus for both tools, the command and the tiny site.
    for (key, pages) in [("N=2", 16), ("other", folder_pages)] {
        for tool in ["orebrief", "hugo"] {
            let row = format!("| {pages} ({key}) | {tool} |");
            assert!(report.contains(&row), "missing {row:?} in\n{report}");
        }
    }
    let command = format!(
        "- command: `scripts/bench.sh --bin {bin} --runs 2 --tiny-runs 3 --no-hyperfine 2 {}`",
        folder.display()
    );
    assert!(
        report.contains(&command),
        "missing {command:?} in\n{report}"
    );
    // The binary is named as given, with its version; the repository's HEAD only as such.
    let named = format!("binary {bin} (orebrief ");
    assert!(report.contains(&named), "missing {named:?} in\n{report}");
    assert!(report.contains("(--bin; repository HEAD "), "{report}");
    for tool in ["orebrief", "hugo"] {
        let row = format!("| {tool} | loop | 3 |");
        assert!(report.contains(&row), "missing {row:?} in\n{report}");
    }
    assert!(report.contains("tiny-site cold build: "), "{report}");

    // The outputs are gone, and `--no-docs` left docs/benchmarks.md as it was.
    for left in ["out-tiny", "trash", "out-orebrief-2", "out-hugo-2"] {
        assert!(!bench.join(left).exists(), "{left} was left in {bench:?}");
    }
    assert!(
        std::fs::read(&docs).unwrap() == docs_before,
        "--no-docs wrote the docs"
    );
}

/// `scripts/bench-ab.py` end to end: this test run's binary against itself on a generated
/// corpus (N=2), two rounds of two runs after one warm-up. Docs/benchmarks.md's A/B figures
/// come from it: every round must show a measurement for each binary, the summary must
/// count the rounds, and the folder given as `--out` must be left as it was (the script
/// works in a new folder under it). Then two stand-in binaries (shell scripts that log their
/// calls) show the turns and the counts exactly (old's warm-up and runs, then new's, round
/// by round) and that the peak RSS is the build's own, not Python's (about 15 MiB, which a
/// process forked by Python carries); a stand-in that fails stops the script with exit code
/// 1 and its error. A missing binary, a folder that is not a site and an `--out` that is
/// not a folder are refused before any build, with exit code 2.
#[test]
fn the_ab_script_takes_turns_and_sums_up_the_rounds() {
    if !tools_and_time(false, true) {
        return;
    }
    let site = generated(2);
    let work = TestSite::bare(&[]);
    let out = work.root().join("ab");
    std::fs::create_dir_all(out.join("out")).unwrap();
    std::fs::write(out.join("out/keep.txt"), "mine").unwrap();
    let bin = env!("CARGO_BIN_EXE_orebrief");
    let script = repo().join("scripts/bench-ab.py");
    let site_arg = site.root().to_str().unwrap();
    let work_arg = work.root().to_str().unwrap();
    for (args, says) in [
        (
            vec![bin, "/nonexistent/orebrief", "--site", site_arg],
            "/nonexistent/orebrief is not an executable file",
        ),
        (
            vec![bin, bin, "--site", work_arg],
            "has no site.yaml: not a site root",
        ),
        (
            vec![bin, bin, "--site", site_arg, "--out", bin],
            "not a folder",
        ),
    ] {
        assert_exits(Command::new("python3").arg(&script).args(&args), 2, says);
    }
    // The arguments of a run of `old` against `new` on the site, into `--out`.
    let ab = |old: &str, new: &str, more: &[&str]| -> Vec<String> {
        [old, new, "--site", site_arg, "--out", out.to_str().unwrap()]
            .iter()
            .chain(more)
            .map(|s| s.to_string())
            .collect()
    };
    let report = script_stdout(
        "bench-ab.py",
        &ab(bin, bin, &["--rounds", "2", "--runs", "2", "--warmup", "1"]),
    );
    let turns: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("round "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        turns,
        ["round 1 old", "round 1 new", "round 2 old", "round 2 new"],
        "{report}"
    );
    for line in report.lines().filter(|l| l.starts_with("round ")) {
        // "round 1 old: wall 41.20 ms, user ..., sys ..., peak RSS 15.3 MiB"
        let wall: f64 = line
            .split("wall ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no wall time in {line:?}"));
        assert!(wall > 0.0, "{line}");
        assert!(
            line.contains(" MiB") && !line.contains("peak RSS 0.0 MiB"),
            "{line}"
        );
    }
    assert!(
        report.contains("median of the round medians: old "),
        "{report}"
    );
    assert!(report.contains("new faster in "), "{report}");
    assert!(report.contains(" of 2 rounds"), "{report}");
    let left: Vec<_> = walkdir::WalkDir::new(&out)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(&out).unwrap().to_path_buf())
        .collect();
    assert_eq!(
        left,
        [PathBuf::from("out"), PathBuf::from("out/keep.txt")],
        "--out was not left as it was"
    );

    // Stand-ins that log their calls, and one that fails.
    let log = work.root().join("calls.log");
    let stand_in = |name: &str, code: u8| {
        let path = work.root().join(name);
        let text = format!(
            "#!/bin/sh\necho {name} >> '{}'\necho 'it broke' >&2\nexit {code}\n",
            log.display()
        );
        executable(&path, &text)
    };
    let (old, new, broken) = (
        stand_in("old", 0),
        stand_in("new", 0),
        stand_in("broken", 3),
    );
    let report = script_stdout(
        "bench-ab.py",
        &ab(
            &old,
            &new,
            &["--rounds", "2", "--runs", "2", "--warmup", "1"],
        ),
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        calls.lines().collect::<Vec<_>>(),
        ["old", "old", "old", "new", "new", "new"].repeat(2),
        "{report}"
    );
    for line in report.lines().filter(|l| l.starts_with("round ")) {
        let peak: f64 = line
            .rsplit("peak RSS ")
            .next()
            .and_then(|rest| rest.strip_suffix(" MiB"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no peak RSS in {line:?}"));
        // A shell's own peak is a few MiB; with Python's it would be 10 MiB or more.
        assert!(peak > 0.0 && peak < 8.0, "{line}");
    }
    // The error of the build that failed, with its exit code.
    assert_exits(
        Command::new("python3")
            .arg(&script)
            .args(ab(&old, &broken, &["--rounds", "1"])),
        1,
        "exited with 3:\nit broke",
    );

    // --rebuild: each build finds the output of the one before, and starts only once the
    // folder handed to the remover of the one before is gone. These stand-ins log what they
    // find, write an output and leave a trash folder that a background job removes later.
    let rebuild_log = work.root().join("rebuild.log");
    let rebuilder = |name: &str| {
        let path = work.root().join(format!("re-{name}"));
        let text = format!(
            "#!/bin/sh\nout=\"$5\"; parent=$(dirname \"$out\")\n\
             if ls -a \"$parent\" | grep -q '^\\.out\\.orebrief-trash-'; then t=trash; else t=settled; fi\n\
             if [ -d \"$out\" ]; then o=over; else o=fresh; fi\n\
             echo \"{name} $o $t\" >> '{}'\n\
             mkdir -p \"$out\" \"$parent/.out.orebrief-trash-$$\"\n\
             (sleep 0.2; rmdir \"$parent/.out.orebrief-trash-$$\") >/dev/null 2>&1 &\n",
            rebuild_log.display()
        );
        executable(&path, &text)
    };
    let (old, new) = (rebuilder("old"), rebuilder("new"));
    // Two sites (the same one twice): the second starts afresh too, not over the first's.
    let report = script_stdout(
        "bench-ab.py",
        &ab(
            &old,
            &new,
            &[
                "--rounds",
                "2",
                "--runs",
                "2",
                "--rebuild",
                "--site",
                site_arg,
            ],
        ),
    );
    assert!(report.contains("replacing the output before"), "{report}");
    let calls = std::fs::read_to_string(&rebuild_log).unwrap();
    let mut site_calls = vec!["old fresh settled"];
    site_calls.extend(
        [
            "old over settled",
            "old over settled",
            "new over settled",
            "new over settled",
        ]
        .repeat(2),
    );
    let expected = site_calls.repeat(2);
    assert_eq!(calls.lines().collect::<Vec<_>>(), expected, "{report}");
    assert_exits(
        Command::new("python3")
            .arg(&script)
            .args(ab(&old, &new, &["--rebuild", "--check"])),
        2,
        "not allowed with argument",
    );
}

/// Writes the shell script `text` to `path`, executable; its path as a string.
fn executable(path: &Path, text: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_string()
}

/// `scripts/bench-timeline.py` on a made-up `perf script` output sampled at 1 kHz: two
/// builds (`orebrief` processes), each with a thread of another name (the highlighter's
/// warm-up, git dates), and a shell with as many samples, which is not a build. Per
/// millisecond the busy cores are the average over the builds, every thread of a build
/// counts, and each sample goes to the first stage of `bench-profile.py` whose rule matches
/// a frame of its stack (git's dates before the rest of loading, though both rules match
/// the same frame). The summary's cores are all the builds' CPU over all their spans.
#[test]
fn the_timeline_script_averages_the_builds_millisecond_by_millisecond() {
    if !tools(false) {
        return;
    }
    let site = TestSite::bare(&[]);
    let script = site.root().join("perf.script");
    let sample = |comm: &str, pid: u32, tid: u32, at: f64, frames: &[&str]| {
        let mut s = format!("{comm:>16} {pid:>7}/{tid:<7} {at:.6}: \n");
        for f in frames {
            s.push_str(&format!("\t    55d8c7e0a3b1 {f}+0x12\n"));
        }
        s.push('\n');
        s
    };
    let templates = [
        "tera::parse",
        "orebrief::render::templates::Templates::load",
    ];
    let highlight = ["orebrief::render::highlight::code_block", "std::thread"];
    let part = [
        "orebrief::render::print::<impl Renderer>::print_part",
        "main",
    ];
    let load = ["orebrief::load::load_file_as", "rayon::registry::main_loop"];
    let git = [
        "std::process::Child::wait",
        "orebrief::load::history::read_dates",
    ];
    let text = [
        sample("orebrief", 100, 100, 10.0000, &templates),
        sample("highlight-warm-", 100, 101, 10.0001, &highlight),
        sample("orebrief", 100, 100, 10.0025, &part),
        sample("orebrief", 200, 200, 20.0003, &load),
        sample("git dates", 200, 201, 20.0004, &git),
        sample("bash", 300, 300, 30.0, &["bash_main"]),
        sample("bash", 300, 300, 30.0001, &["bash_main"]),
        sample("bash", 300, 300, 30.0002, &["bash_main"]),
    ]
    .concat();
    std::fs::write(&script, text).unwrap();
    let report = script_stdout(
        "bench-timeline.py",
        &[
            script.as_os_str(),
            OsStr::new("--hz"),
            OsStr::new("1000"),
            OsStr::new("--min-samples"),
            OsStr::new("2"),
        ],
    );
    // Millisecond 0: four samples over two builds, at one sample per core-millisecond, each
    // in a stage of its own: the three first by name are shown.
    assert!(
        report.contains(concat!(
            "  0  2.00  load: git's \"last updated\" dates 0.50, ",
            "load: read, split, checks 0.50, markdown: syntax highlighting (syntect) 0.50\n"
        )),
        "{report}"
    );
    assert!(
        report.contains("  2  0.50  print pages: brief prints and the portal print"),
        "{report}"
    );
    assert!(
        !report.contains("  1  "),
        "no sample in millisecond 1: {report}"
    );
    // Spans 2.5 and 0.1 ms, each plus the last sample's millisecond: 5 ms of CPU in 4.6 ms.
    assert!(
        report.contains(
            "2 builds; median span of a build's samples 1.3 ms; 1.09 cores busy on average"
        ),
        "the shell counted, or the summary is wrong: {report}"
    );
}
