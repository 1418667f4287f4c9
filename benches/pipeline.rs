//! Micro-benchmarks of the build's hot paths, through the public library API, on pages from
//! the benchmark corpus generator (examples/gen_corpus.rs, compiled in as a module).
//!
//! ```text
//! cargo bench --bench pipeline                 # all
//! cargo bench --bench pipeline -- highlight    # those whose name contains "highlight"
//! ```
//!
//! Timings only: nothing here asserts a time. The whole-site comparison with Hugo is
//! scripts/bench.sh; see docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use orebrief::config::{Profile, SiteConfig};
use orebrief::load;
use orebrief::model::Page;
use orebrief::render::highlight;
use orebrief::render::markdown::{self, Linker};
use orebrief::render::urls::Urls;
use orebrief::resolve::{self, Selection, Site};
use orebrief::{BuildOptions, check};

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use gen_corpus::{Corpus, DEFAULT_SEED};

fn main() {
    divan::main();
}

/// A generated corpus on disk (a temp dir kept for the whole run), with its files in memory.
struct Fixture {
    dir: tempfile::TempDir,
    files: Vec<(PathBuf, String)>,
}

impl Fixture {
    fn new(n: usize) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = Corpus::new(n, DEFAULT_SEED);
        corpus.write(dir.path(), false).expect("write corpus");
        Fixture {
            dir,
            files: corpus.files().collect(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The text of the first file under `content/<section>/` that is not an index.
    fn first(&self, section: &str) -> (&Path, &str) {
        self.files
            .iter()
            .find(|(p, _)| {
                p.starts_with(Path::new("content").join(section))
                    && p.file_name().is_some_and(|f| f != "_index.md")
            })
            .map(|(p, t)| (p.as_path(), t.as_str()))
            .expect("a page of that section")
    }

    fn pages(&self) -> Vec<Page> {
        let loaded = load::load(self.root());
        assert!(
            loaded.diagnostics.is_empty(),
            "the corpus loads cleanly: {:?}",
            loaded.diagnostics.first()
        );
        loaded.pages
    }

    fn config(&self) -> SiteConfig {
        SiteConfig::load(self.root()).expect("site.yaml")
    }

    fn site(&self) -> Site {
        resolve::resolve(
            self.config(),
            self.pages(),
            Vec::new(),
            selection(),
            today(),
        )
        .expect("the corpus resolves")
        .0
    }
}

fn selection() -> Selection {
    Selection {
        profile: Profile::Public,
        drafts: false,
    }
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 6, 1)
}

/// N=20: 124 files, enough for one typical page of each kind.
fn small() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| Fixture::new(20))
}

/// N=3: the 22-file tiny site of the cold-build target.
fn tiny() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| Fixture::new(3))
}

/// Stage 1: front matter split + YAML parse + field checks of one page.
mod parse_page {
    use super::*;

    #[divan::bench(args = ["minerals", "companies", "briefs"])]
    fn kind(bencher: divan::Bencher, section: &str) {
        let (path, text) = small().first(section);
        bencher
            .counter(divan::counter::BytesCount::new(text.len()))
            .bench(|| load::parse_page(divan::black_box(path), divan::black_box(text)));
    }
}

/// Stage 3: one body through Markdown, wiki links and highlighting (shortcodes stay
/// placeholders here; they are rendered by the page renderer).
mod markdown_body {
    use super::*;

    fn setup() -> &'static (Site, Urls) {
        static S: OnceLock<(Site, Urls)> = OnceLock::new();
        S.get_or_init(|| {
            let site = small().site();
            let urls = Urls {
                base: site.config.base_url(),
                relative: false,
            };
            (site, urls)
        })
    }

    #[divan::bench(args = ["minerals", "companies", "briefs"])]
    fn kind(bencher: divan::Bencher, section: &str) {
        let (site, urls) = setup();
        let linker = Linker::new(site, urls);
        let i = site
            .pages
            .iter()
            .position(|p| {
                p.section == section && !p.body.is_empty() && p.id != format!("_index/{section}")
            })
            .expect("a page");
        let body = site.pages[i].body.as_str();
        bencher
            .counter(divan::counter::BytesCount::new(body.len()))
            .bench(|| markdown::render(divan::black_box(body), &linker, false));
    }

    /// The same body with its fenced YAML block removed: the cost of Markdown and links alone.
    #[divan::bench]
    fn mineral_without_code_block(bencher: divan::Bencher) {
        let (site, urls) = setup();
        let linker = Linker::new(site, urls);
        let page = site
            .pages
            .iter()
            .find(|p| p.section == "minerals" && p.kind == orebrief::model::Kind::Mineral)
            .expect("a mineral");
        let body = strip_fences(&page.body);
        bencher.bench(|| markdown::render(divan::black_box(&body), &linker, false));
    }
}

fn strip_fences(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut inside = false;
    for line in body.lines() {
        if line.starts_with("```") {
            inside = !inside;
            continue;
        }
        if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn yaml_block(body: &str) -> String {
    let start = body.find("```yaml\n").expect("a YAML block") + "```yaml\n".len();
    let end = start + body[start..].find("```").expect("closed");
    body[start..end].to_string()
}

/// Syntax highlighting of the corpus's typical fenced block (about ten lines of YAML), and the
/// same block with no language (escaped only), to show what syntect costs.
mod highlight_code {
    use super::*;

    #[divan::bench(args = ["yaml", "rust", ""])]
    fn yaml_block_as(bencher: divan::Bencher, lang: &str) {
        let (_, text) = small().first("minerals");
        let code = yaml_block(text);
        // Prime the lazily loaded syntax set outside the measurement.
        highlight::code_block(&code, lang);
        bencher
            .counter(divan::counter::BytesCount::new(code.len()))
            .bench(|| highlight::code_block(divan::black_box(&code), lang));
    }

    /// Every line made unique (a trailing comment with a counter) so that no memo of earlier
    /// lines can help: the cost of tokenizing new code.
    #[divan::bench]
    fn yaml_block_unique_lines(bencher: divan::Bencher) {
        let (_, text) = small().first("minerals");
        let code = yaml_block(text);
        highlight::code_block(&code, "yaml");
        let run = std::sync::atomic::AtomicU64::new(0);
        bencher
            .with_inputs(|| {
                let n = run.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                code.lines()
                    .map(|l| format!("{l} # {n}\n"))
                    .collect::<String>()
            })
            .bench_refs(|code| highlight::code_block(code, "yaml"));
    }
}

/// Stage 3: one page through its templates, its body already rendered: the web page of each
/// kind, and a brief's printable version (the brief and its annex profiles).
mod render_page {
    use super::*;
    use orebrief::build::{Prepared, load_inputs, prepare, renderer};

    fn setup() -> &'static Prepared {
        static P: OnceLock<Prepared> = OnceLock::new();
        P.get_or_init(|| {
            let fixture = small();
            let config = fixture.config();
            let (loaded, templates) =
                load_inputs(fixture.root(), &config, orebrief::load::Bodies::OnDisk);
            let mut problems = Vec::new();
            prepare(
                config,
                loaded,
                templates,
                false,
                today(),
                false,
                &mut problems,
            )
            .expect("the corpus builds")
        })
    }

    fn first(prepared: &Prepared, section: &str) -> usize {
        prepared
            .site
            .pages
            .iter()
            .position(|p| p.section == section && p.id != format!("_index/{section}"))
            .expect("a page")
    }

    #[divan::bench(args = ["minerals", "companies", "briefs"])]
    fn web_page(bencher: divan::Bencher, section: &str) {
        let p = setup();
        let renderer = renderer(&p.site, &p.urls, &p.templates);
        let i = first(p, section);
        bencher.bench(|| {
            renderer
                .page(divan::black_box(i), &p.bodies[i])
                .map(|h| h.len())
        });
    }

    #[divan::bench]
    fn brief_print(bencher: divan::Bencher) {
        let p = setup();
        let renderer = renderer(&p.site, &p.urls, &p.templates);
        let i = first(p, "briefs");
        bencher.bench(|| {
            renderer
                .brief_print(divan::black_box(i), &p.bodies)
                .and_then(|doc| renderer.print_to_string(&doc, &p.bodies, None, false))
                .map(|h| h.len())
        });
    }
}

/// Stage 2: the graph (relations, validation, metrics, countries) of N minerals, 6N pages.
mod resolve_graph {
    use super::*;

    #[divan::bench(args = [20, 200, 1000], sample_count = 20)]
    fn minerals(bencher: divan::Bencher, n: usize) {
        let fixture = Fixture::new(n);
        let pages = fixture.pages();
        let config = fixture.config();
        bencher
            .with_inputs(|| (config.clone(), pages.clone()))
            .bench_values(|(config, pages)| {
                resolve::resolve(config, pages, Vec::new(), selection(), today())
                    .map(|(site, _)| site.pages.len())
            });
    }
}

/// Stage 1 for a whole site: walk, read, split and parse every file (in parallel).
mod load_site {
    use super::*;

    #[divan::bench(args = [20, 200], sample_count = 20)]
    fn minerals(bencher: divan::Bencher, n: usize) {
        let fixture = Fixture::new(n);
        bencher.bench(|| load::load(fixture.root()).pages.len());
    }
}

/// Every page rendered (Markdown, templates, data exports) but nothing written: `check` on
/// the tiny site and on N=20. Includes loading the built-in theme's templates.
mod whole_site {
    use super::*;

    fn options(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            today: Some(today()),
            ..BuildOptions::default()
        }
    }

    #[divan::bench(sample_count = 20)]
    fn check_tiny_site(bencher: divan::Bencher) {
        let opts = options(tiny().root());
        bencher.bench(|| check(&opts).expect("check passes").pages);
    }

    #[divan::bench(sample_count = 10)]
    fn check_n20(bencher: divan::Bencher) {
        let opts = options(small().root());
        bencher.bench(|| check(&opts).expect("check passes").pages);
    }

    /// A full build of the tiny site into a fresh output folder each time.
    #[divan::bench(sample_count = 20)]
    fn build_tiny_site(bencher: divan::Bencher) {
        let out = tempfile::tempdir().expect("temp dir");
        let mut run = 0;
        bencher.bench_local(|| {
            run += 1;
            let mut opts = options(tiny().root());
            opts.output_dir = Some(out.path().join(format!("out-{run}")));
            orebrief::build(&opts).expect("build passes").pages
        });
    }
}
