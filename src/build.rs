//! The whole pipeline: load -> resolve -> render -> write.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Profile, SiteConfig};
use crate::diagnostics::{self, Diagnostic};
use crate::load;
use crate::model::Kind;
use crate::render::annexes::{Annexes, NoScratch};
use crate::render::context::{Views, csv_path, data_json_path};
use crate::render::highlight;
use crate::render::markdown::Linker;
use crate::render::pages::{Highlight, RenderedBody, Renderer, title_case};
use crate::render::templates::Templates;
use crate::render::urls::Urls;
use crate::resolve::{self, Selection, Site};
pub use crate::write::stop::Stop;
use crate::write::stop::Stoppable;
use crate::write::{self, OutputError, Sink, data, feeds};

/// The most pages one job of a parallel loop over the pages takes (a country page is a job
/// of its own). Left to itself, rayon cuts a loop into about two pieces per thread and cuts
/// a piece again only when it is stolen; a piece a thread has started is never cut, so a
/// thread that found nothing left to steal slept while the other went through the rest of
/// its piece alone: at 12k pages, 0.2 s at the end of the data exports with one core idle.
/// A job costs well under a microsecond; a page, tens.
const PAGES_PER_JOB: usize = 8;

/// What a build is asked to do, beyond `site.yaml`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root (holds `site.yaml`).
    pub root: PathBuf,
    /// Overrides `output_dir` (an explicit choice: may lie outside the root).
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Overrides `profile`.
    pub profile: Option<Profile>,
    /// Include drafts.
    pub drafts: bool,
    /// Overrides `relative_urls`.
    pub relative_urls: Option<bool>,
    /// The date to treat as today (default: the real one), for staleness.
    pub today: Option<jiff::civil::Date>,
    /// HTML inserted before `</body>` of every page (the live-reload script of `serve`).
    pub inject: Option<String>,
    /// What becomes of the previous output once the new one is in place: by default it is
    /// removed before `build` returns; the `orebrief` binary hands it to a detached process.
    pub previous_output: write::PreviousOutput,
    /// Whether the process exits as soon as the build returns (the `orebrief` binary's
    /// `build` and `check`). The resolved site, the templates and the rendered bodies are
    /// then left for the exit to reclaim once the outputs are rendered (whether the build
    /// succeeded or not), not freed one allocation at a time: about 60 ms of a
    /// 12,000-page build, on one core at its very end. Leave it false in a process that
    /// goes on (`serve`, tests, a library caller): that memory would stay taken. Memory
    /// tools (heaptrack, valgrind) report it as leaked.
    pub exits_after: bool,
}

/// What a successful build or check did.
#[derive(Debug)]
pub struct BuildReport {
    /// Pages rendered (HTML files).
    pub pages: usize,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Where the output is (none for `check`).
    pub output: Option<PathBuf>,
    /// How long it took.
    pub elapsed: Duration,
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the content, templates or configuration, each with its location.
    #[error("{} error(s)", .0.iter().filter(|d| d.is_error()).count())]
    Content(Vec<Diagnostic>),
    /// The output could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Builds the site into its output folder. On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    run(options, true)
}

/// Runs every check a build runs, rendering everything but writing nothing.
pub fn check(options: &BuildOptions) -> Result<BuildReport, Error> {
    run(options, false)
}

/// Reads `site.yaml` and applies the options' overrides.
pub fn configure(options: &BuildOptions) -> Result<SiteConfig, Error> {
    let mut config = SiteConfig::load(&options.root).map_err(Error::Content)?;
    if let Some(url) = &options.base_url {
        config.base_url = url.clone();
    }
    if let Some(profile) = options.profile {
        config.profile = profile;
    }
    if let Some(relative) = options.relative_urls {
        config.relative_urls = relative;
    }
    Ok(config)
}

/// The output folder of a build.
pub fn output_dir(options: &BuildOptions, config: &SiteConfig) -> PathBuf {
    match &options.output_dir {
        Some(dir) => dir.clone(),
        None => options.root.join(&config.output_dir),
    }
}

fn run(options: &BuildOptions, write: bool) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let root = &options.root;
    let config = configure(options)?;
    let output = output_dir(options, &config);
    if write {
        write::output::check_output(root, &output, options.output_dir.is_some())?;
    }
    let today = options.today.unwrap_or_else(local_today);
    let mut problems = Vec::new();

    let mut clock = Instant::now();
    let (loaded, templates) = load_inputs(root, &config, load::Bodies::OnDisk);
    lap("load", &mut clock);
    if timings_on() {
        eprintln!("timing:   {}", loaded.reading);
    }
    let Some(prepared) = prepare(
        config,
        loaded,
        templates,
        options.drafts,
        today,
        false,
        &mut problems,
    ) else {
        return Err(fail(problems));
    };
    let Prepared {
        site,
        templates,
        urls,
        bodies: rendered,
        country_backlinks,
    } = &prepared;

    lap("resolve + bodies", &mut clock);
    let sink = if write {
        Sink::staging(&output)?
    } else {
        Sink::Discard
    };
    let result = write_site(
        site,
        urls,
        templates,
        rendered,
        country_backlinks,
        &sink,
        options,
        today,
        None,
    );
    lap("write", &mut clock);
    if options.exits_after {
        // Freed by the exit at once, rather than one allocation at a time.
        std::mem::forget(prepared);
    }
    match result {
        Ok(pages) => {
            problems.retain(|d| !d.is_error());
            diagnostics::sort_dedup(&mut problems);
            let commit = sink.commit_with(&options.previous_output)?;
            lap("swap", &mut clock);
            if let (Some(pid), true) = (commit.remover, timings_on()) {
                eprintln!("timing:   previous output handed to process {pid}, which removes it");
            }
            Ok(BuildReport {
                pages,
                warnings: problems,
                output: commit.output,
                elapsed: started.elapsed(),
            })
        }
        Err(e) => {
            sink.abandon();
            match e {
                Error::Content(mut more) => {
                    problems.append(&mut more);
                    Err(fail(problems))
                }
                other => Err(other),
            }
        }
    }
}

/// Today's date where the build runs. Without `TZ` set, the zone is read straight from
/// `/etc/localtime`: finding it by name first walks the whole zoneinfo database, a
/// millisecond or two of a small site's build.
pub fn local_today() -> jiff::civil::Date {
    use jiff::tz::TimeZone;
    let zone = match std::env::var_os("TZ") {
        Some(_) => None,
        None => std::fs::read("/etc/localtime")
            .ok()
            .and_then(|data| TimeZone::tzif("/etc/localtime", &data).ok()),
    };
    jiff::Timestamp::now()
        .to_zoned(zone.unwrap_or_else(TimeZone::system))
        .date()
}

/// Reads the content files (with their "last updated" dates from git), their bodies kept as
/// `bodies` says, and the templates, in parallel: the inputs of [`prepare`].
pub fn load_inputs(
    root: &Path,
    config: &SiteConfig,
    bodies: load::Bodies,
) -> (load::Loaded, Result<Templates, Vec<Diagnostic>>) {
    rayon::join(
        || {
            let log = load::history::GitLog::start(root);
            let mut loaded = load::load_bodies(root, bodies);
            // The first few pages with code: a body left on disk is read for it again.
            let fenced = loaded.fenced.iter().take(8).map(|&i| &loaded.pages[i]);
            crate::render::markdown::warm_up(fenced.filter_map(|p| load::read_body(root, p).ok()));
            load::history::fill_updated(log, &mut loaded.pages);
            loaded
        },
        || Templates::load(root, &config.theme),
    )
}

/// What a build has computed before it writes anything (kept by `serve` between rebuilds).
pub struct Prepared {
    /// The resolved site, with backlinks; page bodies are emptied once rendered.
    pub site: Site,
    /// The templates.
    pub templates: Templates,
    /// How links are written.
    pub urls: Urls,
    /// The rendered body of each page, by page index.
    pub bodies: Vec<RenderedBody>,
    /// Per country code, the pages whose bodies link to it.
    pub country_backlinks: BTreeMap<String, Vec<usize>>,
}

/// Resolves the site and renders every body, then records what the bodies link to. Warnings
/// and errors are added to `problems`; `None` when there is any error. The pages' Markdown
/// is dropped once rendered (bodies left on disk are read again, one at a time); their front
/// matter's text too, unless `keep_sources` (`serve` compares it between rebuilds).
pub fn prepare(
    config: SiteConfig,
    loaded: load::Loaded,
    templates: Result<Templates, Vec<Diagnostic>>,
    drafts: bool,
    today: jiff::civil::Date,
    keep_sources: bool,
    problems: &mut Vec<Diagnostic>,
) -> Option<Prepared> {
    problems.extend(loaded.diagnostics);
    let root = loaded.root;
    let templates = match templates {
        Ok(t) => Some(t),
        Err(mut e) => {
            problems.append(&mut e);
            None
        }
    };
    let selection = Selection {
        profile: config.profile,
        drafts,
    };
    let mut clock = Instant::now();
    let mut site = match resolve::resolve(config, loaded.pages, loaded.failed, selection, today) {
        Ok((site, warnings)) => {
            problems.extend(warnings);
            site
        }
        Err(mut e) => {
            problems.append(&mut e);
            return None;
        }
    };
    let templates = templates?;
    let urls = Urls {
        base: site.config.base_url(),
        relative: site.config.relative_urls,
    };
    lap("  resolve", &mut clock);

    // Markdown bodies (and the links they make), in parallel; each text is dropped once
    // rendered, and the front matter's text once resolved, unless `serve` keeps them.
    if !keep_sources {
        for page in &mut site.pages {
            page.yaml = String::new();
        }
    }
    let texts: Vec<String> = site
        .pages
        .iter_mut()
        .map(|p| std::mem::take(&mut p.body))
        .collect();
    let bodies: Vec<Result<RenderedBody, Vec<Diagnostic>>> = {
        let renderer = renderer(&site, &urls, &templates);
        let linker = Linker::new(&site, &urls);
        texts
            .into_par_iter()
            .with_max_len(PAGES_PER_JOB)
            .enumerate()
            .map(|(i, text)| match site.pages[i].body_on_disk {
                None => renderer.body(i, &text, &linker, Highlight::Later),
                Some(_) => {
                    let text = load::read_body(&root, &site.pages[i]).map_err(|d| vec![d])?;
                    renderer.body(i, &text, &linker, Highlight::Later)
                }
            })
            .collect()
    };
    // Highlighting is done, unless some bodies left their code for later (`write_site`
    // highlights it, then does this).
    if bodies.iter().flatten().all(RenderedBody::is_ready) {
        highlighting_done(keep_sources);
    }
    lap("  bodies", &mut clock);
    let mut rendered = Vec::with_capacity(bodies.len());
    for body in bodies {
        match body {
            Ok(b) => rendered.push(b),
            Err(mut e) => {
                problems.append(&mut e);
                rendered.push(RenderedBody::default());
            }
        }
    }
    if problems.iter().any(Diagnostic::is_error) {
        return None;
    }
    if std::env::var_os("OREBRIEF_SIZES").is_some() {
        let html: usize = rendered.iter().map(|b| b.html().packed_len()).sum();
        let yaml: usize = site.pages.iter().map(|p| p.yaml.len()).sum();
        eprintln!("sizes: packed html {html} yaml {yaml}");
    }
    let country_backlinks = link_bodies(&mut site, &rendered);
    lap("  backlinks", &mut clock);
    Some(Prepared {
        site,
        templates,
        urls,
        bodies: rendered,
        country_backlinks,
    })
}

/// Lets go of what highlighting holds once every body has its code: the memo of tokenized
/// lines, and unless `keep_compiled` (`serve`, for its next edit) the compiled syntaxes.
fn highlighting_done(keep_compiled: bool) {
    if keep_compiled {
        highlight::clear_memo();
    } else {
        highlight::release();
    }
}

/// Records what the rendered bodies link to: the backlinks of every page, the countries met
/// only in body links (so their pages exist) and the `countries` section they may need.
/// Returns, per country code, the pages whose bodies link to it.
pub fn link_bodies(site: &mut Site, bodies: &[RenderedBody]) -> BTreeMap<String, Vec<usize>> {
    let links: Vec<Vec<usize>> = bodies.iter().map(|b| b.links.clone()).collect();
    resolve::add_backlinks(site, &links);
    let mut country_backlinks: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, body) in bodies.iter().enumerate() {
        for code in &body.countries {
            resolve::countries::ensure(&mut site.graph.countries, code);
            country_backlinks.entry(code.clone()).or_default().push(i);
        }
    }
    resolve::ensure_countries_section(site);
    country_backlinks
}

/// Prints how long a stage took, to stderr, when `OREBRIEF_TIMINGS` is set: the figures
/// `docs/benchmarks.md` breaks a build down by.
fn lap(stage: &str, since: &mut Instant) {
    if timings_on() {
        eprintln!(
            "timing: {stage:<22} {:>8.1} ms  cpu {:>7.2} s  {}",
            since.elapsed().as_secs_f64() * 1000.0,
            cpu_seconds(),
            memory_status()
        );
    }
    *since = Instant::now();
}

/// Whether `OREBRIEF_TIMINGS` is set.
fn timings_on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("OREBRIEF_TIMINGS").is_some())
}

/// The process's CPU time so far, user plus system, in seconds (Linux; 0 elsewhere): the
/// difference between two laps is the CPU a stage used, against its wall time.
#[cfg(target_os = "linux")]
fn cpu_seconds() -> f64 {
    // SAFETY: `getrusage` only writes the struct it is given, which is plain data.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return 0.0;
        }
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

#[cfg(not(target_os = "linux"))]
fn cpu_seconds() -> f64 {
    0.0
}

/// The process's resident and peak resident memory (Linux; empty elsewhere).
fn memory_status() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)).map(|v| {
            v.trim()
                .trim_end_matches(" kB")
                .trim()
                .parse::<u64>()
                .unwrap_or(0)
                / 1024
        })
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!("rss {rss:>5} MiB, peak {peak:>5} MiB"),
        _ => String::new(),
    }
}

fn fail(mut problems: Vec<Diagnostic>) -> Error {
    diagnostics::sort_dedup(&mut problems);
    Error::Content(problems)
}

/// The renderer of one build: the views of `site` and the `site` value every template gets.
pub fn renderer<'a>(site: &'a Site, urls: &'a Urls, templates: &'a Templates) -> Renderer<'a> {
    let nav: Vec<NavItem> = site
        .sections
        .iter()
        .map(|s| NavItem {
            title: s
                .index
                .and_then(|i| site.pages[i].meta.title.clone())
                .unwrap_or_else(|| title_case(&s.name)),
            path: urls.page(&format!("{}/", s.name)).into_owned(),
        })
        .chain(
            site.pages
                .iter()
                .filter(|p| p.kind == Kind::Page && p.section.is_empty())
                .map(|p| NavItem {
                    title: p.title().to_string(),
                    path: urls.page(&p.path).into_owned(),
                }),
        )
        .collect();
    let as_of = site.latest_as_of();
    let value = SiteValue {
        title: &site.config.title,
        description: site.config.description.as_deref(),
        base_url: urls.base.clone(),
        language: &site.config.language,
        profile: site.profile.as_str(),
        extra: &site.config.extra,
        nav,
        generated: site.today.to_string(),
        as_of: as_of.map(|d| d.to_string()),
        search_path: urls.page("search/").into_owned(),
        print_path: urls.page(crate::render::print::PORTAL_PATH).into_owned(),
        paths: [
            "home",
            "minerals",
            "companies",
            "countries",
            "briefs",
            "search",
            "print",
        ]
        .into_iter()
        .map(|name| {
            let path = if name == "home" {
                String::new()
            } else {
                format!("{name}/")
            };
            (name, urls.page(&path).into_owned())
        })
        .collect(),
        feed_path: "atom.xml",
    };
    Renderer {
        views: Views::new(site, urls),
        templates,
        site_value: tera::Value::from_serializable(&value),
        as_of,
    }
}

#[derive(Serialize)]
struct NavItem {
    title: String,
    path: String,
}

#[derive(Serialize)]
struct SiteValue<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base_url: String,
    language: &'a str,
    profile: &'static str,
    extra: &'a serde_yaml::Mapping,
    nav: Vec<NavItem>,
    generated: String,
    as_of: Option<String>,
    search_path: String,
    print_path: String,
    feed_path: &'static str,
    /// Paths of well-known pages (`home`, `minerals`, ..., `search`, `print`), as links.
    paths: indexmap::IndexMap<&'static str, String>,
}

/// Collects the first error of parallel work.
struct Errors(Mutex<Vec<Diagnostic>>);

impl Errors {
    fn push(&self, d: Diagnostic) {
        self.0.lock().expect("error list").push(d);
    }
}

/// A part of a build's outputs, for the incremental rebuilds of `serve`: [`write_site`] given
/// one writes only these.
#[derive(Debug, Clone, Default)]
pub struct Only {
    /// Content pages (by index), with their data exports.
    pub pages: BTreeSet<usize>,
    /// Country pages, by ISO code.
    pub countries: BTreeSet<String>,
    /// Section list pages, by name.
    pub sections: BTreeSet<String>,
    /// The home page.
    pub home: bool,
    /// The 404 page.
    pub not_found: bool,
    /// The search index and page and the print pages (they read every page).
    pub search_and_print: bool,
    /// `data/portal.json`, the feed, the sitemap, `robots.txt`, `.nojekyll`, `CNAME`.
    pub site_files: bool,
    /// The theme's and the site's static files.
    pub static_files: bool,
    /// Asked while the search, print and site-wide files are written whether to give up on
    /// them (`serve` does when a change comes in); what was written is then incomplete.
    pub stop: Stop,
}

/// Renders and writes the outputs of a prepared build (all of them, or `only` those);
/// returns how many pages it wrote.
#[allow(clippy::too_many_arguments)]
pub fn write_site(
    site: &Site,
    urls: &Urls,
    templates: &Templates,
    bodies: &[RenderedBody],
    country_backlinks: &std::collections::BTreeMap<String, Vec<usize>>,
    sink: &Sink,
    options: &BuildOptions,
    today: jiff::civil::Date,
    only: Option<&Only>,
) -> Result<usize, Error> {
    let renderer = renderer(site, urls, templates);
    let views = &renderer.views;
    let errors = Errors(Mutex::new(Vec::new()));
    let io_error: Mutex<Option<OutputError>> = Mutex::new(None);
    let put = |rel: &str, bytes: &[u8]| {
        if let Err(e) = sink.write(rel, bytes) {
            io_error.lock().expect("io error").get_or_insert(e);
        }
    };
    let inject = |mut html: String| -> String {
        if let Some(script) = &options.inject {
            match html.rfind("</body>") {
                Some(at) => html.insert_str(at, script),
                None => html.push_str(script),
            }
        }
        html
    };
    let page_html = |result: Result<String, Diagnostic>, rel: &str| match result {
        Ok(html) => put(rel, inject(html).as_bytes()),
        Err(d) => errors.push(d),
    };

    let mut clock = Instant::now();
    let generated = today.to_string();
    let stop = only.map_or(&Stop::NEVER, |o| &o.stop);
    let write_stream = |rel: &str, fill: &mut Fill<'_>| {
        if stop.stopped() {
            return;
        }
        let written = if stop.can_stop() {
            // Checked once per 64 KiB, not at each of `serde_json`'s many small writes.
            sink.write_with(rel, |out| {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, Stoppable { out, stop });
                fill(&mut out)?;
                std::io::Write::flush(&mut out)
            })
        } else {
            sink.write_with(rel, fill)
        };
        if let Err(e) = written {
            io_error.lock().expect("io error").get_or_insert(e);
        }
    };
    let search_and_print = only.is_none_or(|o| o.search_and_print);
    // What the search index and the search page list.
    let items = if search_and_print {
        write::search::items(site)
    } else {
        Vec::new()
    };
    // The pages written (not a home, section or country note, which show on pages of
    // their own, and among `only`'s pages), as a parallel loop of small jobs.
    let content_pages = || {
        (0..site.pages.len())
            .into_par_iter()
            .with_max_len(PAGES_PER_JOB)
            .filter(move |&i| {
                !matches!(
                    site.pages[i].kind,
                    Kind::Home | Kind::Section | Kind::Country
                ) && only.is_none_or(|o| o.pages.contains(&i))
            })
    };
    // A content page's data exports: `data.json` for a mineral or company, a CSV per
    // production table of a mineral.
    let export_page = |i: usize| {
        let page = &site.pages[i];
        if matches!(page.kind, Kind::Mineral | Kind::Company) {
            match serde_json::to_vec_pretty(&data::page_export(site, views, i)) {
                Ok(json) => put(&data_json_path(&page.path), &json),
                Err(e) => errors.push(Diagnostic::error(
                    &page.file,
                    0,
                    0,
                    format!("cannot export data.json: {e}"),
                )),
            }
        }
        for (t, table) in page.meta.production.iter().flatten().enumerate() {
            if page.kind != Kind::Mineral {
                break;
            }
            match data::table_csv(site, views, i, t) {
                Ok(csv) => put(&csv_path(page, table.stage.as_str(), table.year), &csv),
                Err(e) => errors.push(Diagnostic::error(
                    &page.file,
                    0,
                    0,
                    format!("cannot export CSV: {e}"),
                )),
            }
        }
    };
    // A country page, with its data export.
    let country_page = |country: &&resolve::Country| {
        let path = format!("countries/{}/", country.code.to_ascii_lowercase());
        let backlinks = country_backlinks
            .get(&country.code)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        page_html(
            renderer.country(country, bodies, backlinks),
            &write::index_file(&path),
        );
        match serde_json::to_vec_pretty(&data::country_export(site, views, country)) {
            Ok(json) => put(&data_json_path(&path), &json),
            Err(e) => errors.push(Diagnostic::error(
                "countries",
                0,
                0,
                format!("cannot export data.json: {e}"),
            )),
        }
    };
    // Country pages whose note's code is still to be highlighted come with the web pages.
    let (countries, noted_countries): (Vec<&resolve::Country>, Vec<&resolve::Country>) = site
        .graph
        .countries
        .values()
        .filter(|c| only.is_none_or(|o| o.countries.contains(&c.code)))
        .partition(|c| c.note.is_none_or(|i| bodies[i].is_ready()));

    // First the outputs that need no body still to be highlighted: the data exports, the
    // country pages whose note is ready, 404 and the site-wide files. Beside them, the code
    // the bodies left for later (`Highlight::Later`) is highlighted: on a small site the
    // highlighter is still compiling its first language's expressions when the bodies
    // are rendered, and these outputs keep the other core busy while it does. Then the
    // highlighter lets go of what `prepare` would have freed (`serve`, the caller that
    // renders only some outputs, keeps the compiled syntaxes for its next edit).
    rayon::join(
        || {
            let mut clock = Instant::now();
            if crate::render::pages::highlight_later_code(bodies) {
                highlighting_done(only.is_some());
                lap("  code left for later", &mut clock);
            }
        },
        || {
            rayon::join(
                || {
                    let mut clock = Instant::now();
                    content_pages().for_each(export_page);
                    lap("  data exports", &mut clock);
                    countries.par_iter().with_max_len(1).for_each(country_page);
                    lap("  country pages", &mut clock);
                },
                || {
                    let mut clock = Instant::now();
                    if only.is_none_or(|o| o.not_found) {
                        page_html(renderer.not_found(), "404.html");
                    }
                    if only.is_none_or(|o| o.site_files) && !stop.stopped() {
                        site_files(
                            site,
                            urls,
                            templates,
                            views,
                            &generated,
                            &put,
                            &write_stream,
                        );
                    }
                    lap("  404 and site files", &mut clock);
                },
            )
        },
    );
    lap("exports, countries, 404, site files", &mut clock);

    // The print pages render beside the web pages and the search index: they need only
    // the bodies. On a small site the web pages alone cannot keep both cores busy (each
    // stage ends with one core waiting for the other's last page), and the print pages,
    // when they came after the web pages, ended the build on one core. The timings of the
    // two sides (`OREBRIEF_TIMINGS`) overlap in time.
    let ((), extra_pages) = rayon::join(
        || {
            let mut clock = Instant::now();
            content_pages().for_each(|i| {
                let path = write::index_file(&site.pages[i].path);
                page_html(renderer.page(i, &bodies[i]), &path);
            });
            noted_countries
                .par_iter()
                .with_max_len(1)
                .for_each(country_page);
            lap("  pages", &mut clock);
            // Sections, home.
            site.sections.par_iter().for_each(|section| {
                if only.is_some_and(|o| !o.sections.contains(&section.name)) {
                    return;
                }
                page_html(
                    renderer.section(section, bodies),
                    &write::index_file(&format!("{}/", section.name)),
                );
            });
            if only.is_none_or(|o| o.home) {
                page_html(renderer.home(bodies), "index.html");
            }
            lap("  sections, home", &mut clock);
            // The search index.
            if search_and_print {
                write_stream(write::search::INDEX_FILE, &mut |out| {
                    write::search::write_script(site, urls, &items, bodies, out)
                });
                lap("  search index", &mut clock);
            }
        },
        || {
            if !search_and_print {
                return 0;
            }
            let script = |_: &str| options.inject.clone().unwrap_or_default();
            print_pages(
                site,
                templates,
                &renderer,
                bodies,
                &items,
                &page_html,
                &write_stream,
                &script,
                stop,
                sink.scratch_file(),
            )
        },
    );
    lap("pages, search, print", &mut clock);
    // The static files last: a file of `static/` wins over an output at the same path, as
    // in `serve`.
    if only.is_none_or(|o| o.static_files) {
        for (rel, bytes) in &templates.theme_static {
            put(rel, bytes);
        }
        copy_static(&options.root, sink, &errors, &io_error);
    }
    lap("static files", &mut clock);

    if let Some(e) = io_error.into_inner().expect("io error") {
        return Err(Error::Output(e));
    }
    let errors = errors.0.into_inner().expect("errors");
    if !errors.is_empty() {
        return Err(Error::Content(errors));
    }
    let pages = site
        .pages
        .iter()
        .filter(|p| !matches!(p.kind, Kind::Home | Kind::Section | Kind::Country))
        .count()
        + site.graph.countries.len()
        + site.sections.len()
        + 2
        + extra_pages;
    Ok(pages)
}

/// Fills a streamed output file.
type Fill<'a> = dyn FnMut(&mut (dyn std::io::Write + Send)) -> std::io::Result<()> + 'a;
/// Writes a streamed output file at a path inside the output.
type WriteStream<'w> = dyn for<'a> Fn(&str, &mut Fill<'a>) + Sync + 'w;

/// Writes the site-wide files: `data/portal.json`, the feed, the sitemap, `robots.txt`,
/// `.nojekyll` and `CNAME`.
fn site_files(
    site: &Site,
    urls: &Urls,
    templates: &Templates,
    views: &crate::render::context::Views<'_>,
    generated: &str,
    put: &(dyn Fn(&str, &[u8]) + Sync),
    write_stream: &WriteStream<'_>,
) {
    let portal = data::portal(site, views, generated);
    write_stream("data/portal.json", &mut |out| {
        serde_json::to_writer(out, &portal).map_err(std::io::Error::other)
    });
    put("atom.xml", feeds::atom(site, urls, generated).as_bytes());
    let mut paths: Vec<(String, Option<String>)> = vec![(String::new(), None)];
    paths.extend(site.sections.iter().map(|s| (format!("{}/", s.name), None)));
    if templates.has("search.html") {
        paths.push((write::search::PAGE_PATH.to_string(), None));
    }
    paths.extend(
        site.pages
            .iter()
            .filter(|p| !matches!(p.kind, Kind::Home | Kind::Section | Kind::Country))
            .map(|p| {
                (
                    p.path.clone(),
                    p.meta.updated.or(p.meta.date).map(|d| d.to_string()),
                )
            }),
    );
    paths.extend(
        site.graph
            .countries
            .keys()
            .map(|c| (format!("countries/{}/", c.to_ascii_lowercase()), None)),
    );
    put("sitemap.xml", feeds::sitemap(&paths, urls).as_bytes());
    put("robots.txt", feeds::robots(urls).as_bytes());
    put(".nojekyll", b"");
    if let Some(cname) = &site.config.cname {
        put("CNAME", format!("{}\n", cname.trim()).as_bytes());
    }
}

/// Writes the search page (listing `items`), the printable briefs and the portal as one
/// document; returns how many pages it wrote. `scratch` is a file for the portal's parts
/// that the briefs' annexes reuse (`render::annexes`).
#[allow(clippy::too_many_arguments)]
fn print_pages(
    site: &Site,
    templates: &Templates,
    renderer: &Renderer<'_>,
    bodies: &[RenderedBody],
    items: &[write::search::Item<'_>],
    page_html: &(dyn Fn(Result<String, Diagnostic>, &str) + Sync),
    write_stream: &WriteStream<'_>,
    inject: &(dyn Fn(&str) -> String + Sync),
    stop: &Stop,
    scratch: Option<std::fs::File>,
) -> usize {
    use crate::render::print;
    let mut clock = Instant::now();
    let mut pages = 0;
    if templates.has("search.html") {
        page_html(
            write::search::page(renderer, items),
            &write::index_file(write::search::PAGE_PATH),
        );
        pages += 1;
    }
    if templates.has("print.html") {
        let briefs: Vec<usize> = (0..site.pages.len())
            .filter(|&i| site.pages[i].kind == Kind::Brief)
            .collect();
        // A profile named by several briefs is rendered once for all their annexes, and
        // the portal's own part of it is used for them when the theme allows it
        // (`render::annexes`).
        let scratch = if briefs.is_empty() {
            Err(NoScratch::NoBriefs)
        } else if renderer.views.urls.relative {
            // Relative links differ between the portal's document and a brief's, one or
            // more folders deeper.
            Err(NoScratch::RelativeLinks)
        } else if templates.may_read_field(&print::PAGE_PART_TEMPLATES, "part", "label") {
            Err(NoScratch::ReadsLabel)
        } else {
            scratch.ok_or(NoScratch::NoFile)
        };
        let annexes = Annexes::new(briefs.iter().flat_map(|&i| renderer.annex_pages(i)))
            .with_scratch(scratch);
        // The whole portal, streamed to its file as its parts are rendered; before the
        // briefs, whose shared annexes (below) would otherwise still be held by the
        // allocator while the portal's table of contents is built.
        match renderer.portal_print(bodies) {
            Ok(mut doc) => {
                if let Some(at) = doc.shell.rfind("</body>") {
                    // The live-reload script of `serve`, as on every other page.
                    let script = inject("");
                    doc.shell.insert_str(at, &script);
                }
                write_stream(&write::index_file(print::PORTAL_PATH), &mut |out| {
                    let mut failed = None;
                    let rendered = renderer.write_print(&doc, bodies, Some(&annexes), |piece| {
                        match out.write_all(piece.as_bytes()) {
                            Ok(()) => true,
                            Err(e) => {
                                failed = Some(e);
                                false
                            }
                        }
                    });
                    if let Err(d) = rendered {
                        page_html(Err(d), "");
                    }
                    failed.map_or(Ok(()), Err)
                });
            }
            Err(d) => page_html(Err(d), ""),
        }
        lap("  portal print", &mut clock);
        // Parts in parallel only when the briefs cannot keep every thread busy (see
        // `print_to_string`).
        let parallel = briefs.len() < rayon::current_num_threads();
        briefs.par_iter().for_each(|&i| {
            if stop.stopped() {
                return;
            }
            page_html(
                renderer.brief_print(i, bodies).and_then(|doc| {
                    renderer.print_to_string(&doc, bodies, Some(&annexes), parallel)
                }),
                &write::index_file(&print::brief_print_path(&site.pages[i].path)),
            );
        });
        lap("  brief prints", &mut clock);
        if timings_on() {
            eprintln!("timing:   {}", annexes.summary());
        }
        pages += briefs.len() + 1;
    }
    pages
}

/// Copies the site's `static/` folder as it is (after the theme's, so it wins).
fn copy_static(root: &Path, sink: &Sink, errors: &Errors, io_error: &Mutex<Option<OutputError>>) {
    let dir = root.join("static");
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(&dir).follow_links(false).into_iter() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(
                    Diagnostic::error("static", 0, 0, format!("cannot copy: {e}"))
                        .with_hint("check permissions and symbolic links under static/"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                if let Err(e) = sink.write(&rel, &bytes) {
                    io_error.lock().expect("io error").get_or_insert(e);
                }
            }
            Err(e) => errors.push(Diagnostic::error(
                Path::new("static").join(&rel),
                0,
                0,
                format!("cannot read: {e}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_date_in_the_system_zone() {
        let before = jiff::Zoned::now().date();
        let today = local_today();
        let after = jiff::Zoned::now().date();
        assert!(
            today == before || today == after,
            "{today} against {before}"
        );
    }
}
