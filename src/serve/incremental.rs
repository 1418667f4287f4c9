//! Incremental rebuilds: `serve` keeps what a build computed (the loaded pages, the resolved
//! site, the rendered bodies, which output files each page owns) and on a change re-renders
//! only what the change touches. The result is the output a full build would write (the tests
//! check this file by file); when a change is not understood well enough to be narrowed down,
//! everything is rebuilt in memory.
//!
//! - A **body** edit (front matter unchanged) re-renders that body and its page; when its links
//!   change, also the pages whose backlinks change.
//! - A **front-matter** edit resolves the graph again (it is linear and fast), re-renders the
//!   bodies that link to the page (when its title changed) or call shortcodes naming it, then
//!   the page, the pages it names, the pages naming it (when its title changed), the pages
//!   whose relations changed, the countries it appears in before or after the edit, its
//!   section list and the home page.
//! - A **static** file change copies the static files again.
//! - A **template** or **configuration** change, a file **added**, **removed** or renamed, a
//!   change of a page's kind or visibility, a country note's front matter or anything shown in
//!   every page's navigation rebuilds everything.
//!
//! Each rebuild has two phases: first the pages (what a reload shows), then
//! ([`Incremental::finish`]) the search index and page, the print pages and the site-wide
//! files, which read every page. Requests for those wait while they are stale.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::store::{Bytes, Layer, Layers, Store};
use crate::build::{self, BuildOptions, Error, Only, Prepared};
use crate::config::{Profile, SiteConfig};
use crate::diagnostics::{self, Diagnostic};
use crate::load;
use crate::model::{Kind, Page, PartialDate};
use crate::render::markdown::{Linker, TocEntry};
use crate::render::pages::{Highlight, RenderedBody};
use crate::render::shortcodes::{self, ArgValue};
use crate::render::templates::Templates;
use crate::render::urls::Urls;
use crate::resolve::{self, Country, Selection, Site};
use crate::write::Sink;

/// What changed on disk since the last rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files and folders under `content/`, relative to the site root.
    pub content: BTreeSet<PathBuf>,
    /// Something under `static/`.
    pub static_files: bool,
    /// `site.yaml`, `templates/` or `themes/`: everything is rebuilt.
    pub everything: bool,
}

impl Changes {
    /// Whether the change can alter the output, judged from its paths alone: not when it
    /// only touches files under `content/` that no build reads (a path with an extension
    /// other than `.md`, such as an image an editor autosaves; a folder's path has none).
    pub fn may_change_output(&self) -> bool {
        self.everything
            || self.static_files
            || self
                .content
                .iter()
                .any(|p| p.extension().is_none_or(|x| x == "md"))
    }

    /// Adds `other`'s changes to these.
    pub fn merge(&mut self, other: Changes) {
        self.content.extend(other.content);
        self.static_files |= other.static_files;
        self.everything |= other.everything;
    }

    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.content.is_empty() && !self.static_files && !self.everything
    }
}

/// What a rebuild did.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// How far it went: `full (why)`, `body`, `front matter`, `static` or `nothing`.
    pub scope: String,
    /// Output units (pages with their exports, country and section pages) rendered.
    pub rendered: usize,
    /// Output files added, changed or removed.
    pub changed: usize,
    /// Warnings of the content (full rebuilds only).
    pub warnings: Vec<Diagnostic>,
    /// How long it took.
    pub elapsed: Duration,
}

/// The owner of a set of output files, rendered as one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Unit {
    /// A content page (by index in the site), with its data exports.
    Page(usize),
    /// A country page, with its data export.
    Country(String),
    /// A section's list page.
    Section(String),
    /// The home page.
    Home,
    /// The 404 page.
    NotFound,
    /// Everything else the page phase writes: the feed, the sitemap, `portal.json`...
    SiteFiles,
}

/// One edited content file.
struct Edit {
    /// Index in [`Incremental::loaded`].
    loaded: usize,
    /// The page as it is now, with its body.
    page: Page,
}

/// The state kept between rebuilds.
pub struct Incremental {
    options: BuildOptions,
    config: SiteConfig,
    today: jiff::civil::Date,
    /// Every loaded page, left-out ones included, with their bodies emptied.
    loaded: Vec<Page>,
    /// The body of each loaded page.
    texts: Vec<String>,
    /// Index in `loaded` by file.
    by_file: HashMap<PathBuf, usize>,
    failed: Vec<(String, PathBuf)>,
    /// "Last updated" dates from git, read when first needed.
    dates: Option<HashMap<PathBuf, PartialDate>>,
    prep: Prepared,
    /// Index in `loaded` of each site page.
    site_to_loaded: Vec<usize>,
    /// String arguments of the shortcodes of each site page's body.
    calls: Vec<Vec<String>>,
    /// The unit owning each page, country and section folder.
    dirs: HashMap<String, Unit>,
    /// The files of each unit in the page layer.
    owned: HashMap<Unit, Vec<String>>,
    /// A copy of `loaded` made ahead of the next front-matter edit, which needs one.
    spare: Option<Vec<Page>>,
    /// What [`Incremental::finish`] still has to write.
    deferred: Option<Only>,
    store: Arc<Store>,
}

/// Times the steps of a rebuild, printed when `OREBRIEF_SERVE_TIMINGS` is set.
struct Laps {
    at: Option<Instant>,
}

impl Laps {
    fn new() -> Laps {
        Laps {
            at: std::env::var_os("OREBRIEF_SERVE_TIMINGS").map(|_| Instant::now()),
        }
    }

    fn lap(&mut self, what: &str) {
        if let Some(at) = self.at {
            eprintln!("  {what}: {:.1} ms", at.elapsed().as_secs_f64() * 1000.0);
            self.at = Some(Instant::now());
        }
    }

    /// Prints `what` (not a time) among the laps.
    fn note(&self, what: &dyn std::fmt::Display) {
        if self.at.is_some() {
            eprintln!("  {what}");
        }
    }
}

fn fail(mut problems: Vec<Diagnostic>) -> Error {
    problems.retain(Diagnostic::is_error);
    diagnostics::sort_dedup(&mut problems);
    Error::Content(problems)
}

/// Renders `only` into memory.
fn render(prep: &Prepared, options: &BuildOptions, only: &Only) -> Result<Layer, Error> {
    let sink = Sink::memory();
    build::write_site(
        &prep.site,
        &prep.urls,
        &prep.templates,
        &prep.bodies,
        &prep.country_backlinks,
        &sink,
        options,
        prep.site.today,
        Some(only),
    )?;
    Ok(sink
        .into_files()
        .into_iter()
        .map(|(k, v)| (k, Arc::new(v)))
        .collect())
}

/// The files the search and print phase writes (a request for one waits while it is
/// pending, even before it was first written): the search page and index, the portal print
/// and each brief's print page.
fn deferred_paths(prep: &Prepared) -> HashSet<String> {
    use crate::render::print;
    use crate::write::{index_file, search};
    let mut paths = HashSet::from([search::INDEX_FILE.to_string()]);
    if prep.templates.has("search.html") {
        paths.insert(index_file(search::PAGE_PATH));
    }
    if prep.templates.has("print.html") {
        paths.insert(index_file(print::PORTAL_PATH));
        paths.extend(
            prep.site
                .pages
                .iter()
                .filter(|p| p.kind == Kind::Brief)
                .map(|p| index_file(&print::brief_print_path(&p.path))),
        );
    }
    paths
}

/// [`render`], unless `stop` stops it: `None` then. Output written after a stop is
/// incomplete, and an error may come from the stop itself, so either is thrown away.
fn render_unless(
    prep: &Prepared,
    options: &BuildOptions,
    only: Only,
    stop: &build::Stop,
) -> Result<Option<Layer>, Error> {
    let only = Only {
        stop: stop.clone(),
        ..only
    };
    let files = render(prep, options, &only);
    if stop.stopped() {
        return Ok(None);
    }
    files.map(Some)
}

fn unit_of(site: &Site, i: usize) -> Unit {
    let page = &site.pages[i];
    match page.kind {
        Kind::Home => Unit::Home,
        Kind::Section => Unit::Section(page.section.clone()),
        Kind::Country => Unit::Country(page.id.to_ascii_uppercase()),
        _ => Unit::Page(i),
    }
}

fn dirs_of(site: &Site) -> HashMap<String, Unit> {
    let mut dirs = HashMap::with_capacity(site.pages.len() + site.graph.countries.len());
    for section in &site.sections {
        dirs.insert(
            format!("{}/", section.name),
            Unit::Section(section.name.clone()),
        );
    }
    for code in site.graph.countries.keys() {
        dirs.insert(
            format!("countries/{}/", code.to_ascii_lowercase()),
            Unit::Country(code.clone()),
        );
    }
    for (i, page) in site.pages.iter().enumerate() {
        if !matches!(page.kind, Kind::Home | Kind::Section | Kind::Country) {
            dirs.insert(page.path.clone(), Unit::Page(i));
        }
    }
    dirs
}

/// The unit that owns the output file `path`: the nearest enclosing page, country or section
/// folder, else the home or 404 page, else the site-wide files.
fn owner(dirs: &HashMap<String, Unit>, path: &str) -> Unit {
    match path {
        "index.html" => return Unit::Home,
        "404.html" => return Unit::NotFound,
        _ => {}
    }
    let mut end = path.rfind('/');
    while let Some(e) = end {
        if let Some(unit) = dirs.get(&path[..=e]) {
            return unit.clone();
        }
        end = path[..e].rfind('/');
    }
    Unit::SiteFiles
}

fn only_of(units: &BTreeSet<Unit>) -> Only {
    let mut only = Only::default();
    for unit in units {
        match unit {
            Unit::Page(i) => {
                only.pages.insert(*i);
            }
            Unit::Country(c) => {
                only.countries.insert(c.clone());
            }
            Unit::Section(s) => {
                only.sections.insert(s.clone());
            }
            Unit::Home => only.home = true,
            Unit::NotFound => only.not_found = true,
            Unit::SiteFiles => only.site_files = true,
        }
    }
    only
}

/// The string arguments of the shortcodes in `body`: the ids they name.
fn shortcode_args(body: &str, keep_internal: bool) -> Vec<String> {
    if !body.contains("{{") {
        return Vec::new();
    }
    shortcodes::scan(body, keep_internal)
        .calls
        .into_iter()
        .flat_map(|c| c.args.into_values())
        .filter_map(|v| match v {
            ArgValue::Str(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// The words of `text` that could be ids.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'))
        .filter(|w| !w.is_empty())
}

/// Whether `text` has the word `id`.
fn mentions(text: &str, id: &str) -> bool {
    let is_word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    text.match_indices(id).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(is_word)
            && !text[at + id.len()..].chars().next().is_some_and(is_word)
    })
}

fn same_toc(a: &[TocEntry], b: &[TocEntry]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.level == y.level && x.id == y.id && x.title == y.title)
}

fn same_body(a: &RenderedBody, b: &RenderedBody) -> bool {
    a.html() == b.html()
        && a.links == b.links
        && a.countries == b.countries
        && same_toc(&a.toc, &b.toc)
}

/// Whether country `c` shows anything of page `p` (whose id is `id`).
fn country_shows(site: &Site, c: &Country, p: usize, id: &str) -> bool {
    c.note == Some(p)
        || c.production.iter().any(|&(m, _, _)| m == p)
        || c.headquarters.contains(&p)
        || c.export_controls.iter().any(|&(m, _)| m == p)
        || c.us_imports.iter().any(|&(m, _)| m == p)
        || c.reserves.iter().any(|&(m, _)| m == p)
        || c.briefs.contains(&p)
        || c.facilities.iter().any(|&(company, f)| {
            company == p
                || site.pages[company]
                    .meta
                    .facilities
                    .as_ref()
                    .and_then(|list| list.get(f))
                    .is_some_and(|facility| facility.products.iter().any(|x| x.mineral == id))
        })
}

/// What a country page shows of page `p` (compared before and after an edit).
fn country_view(site: &Site, p: usize, code: &str) -> String {
    use std::fmt::Write;
    let page = &site.pages[p];
    let m = &page.meta;
    let mut out = String::new();
    for (t, metrics) in site.graph.tables[p].iter().enumerate() {
        let table = &m.production.as_ref().expect("tables")[t];
        for row in metrics.rows.iter().filter(|r| r.code == code) {
            let _ = write!(
                out,
                "p{t}:{}:{}:{}:{:?}:{:?}:{};",
                table.stage.as_str(),
                table.year,
                table.unit,
                row.value,
                row.share,
                row.rank
            );
        }
    }
    for c in m
        .export_controls
        .iter()
        .flatten()
        .filter(|c| c.country == code)
    {
        let _ = write!(out, "c:{:?}:{};", c.effective, c.measure);
    }
    if let Some(i) = m.us_trade.as_ref().and_then(|t| t.import_sources.as_ref()) {
        if let Some(share) = i.shares.get(code) {
            let _ = write!(out, "i:{}:{share:?};", i.period.0);
        }
    }
    if let Some(r) = &m.reserves {
        if let Some(v) = r.by_country.get(code) {
            let _ = write!(out, "r:{}:{v:?};", r.unit);
        }
    }
    if page.kind == Kind::Company && m.country.as_deref() == Some(code) {
        out.push_str("hq;");
    }
    for (f, facility) in m.facilities.iter().flatten().enumerate() {
        if facility.country == code {
            let minerals: Vec<&str> = facility
                .products
                .iter()
                .map(|p| p.mineral.as_str())
                .collect();
            let _ = write!(out, "f{f}:{}:{minerals:?};", facility.name);
        }
    }
    if page.kind == Kind::Brief && m.countries.iter().flatten().any(|c| c == code) {
        let _ = write!(out, "b:{:?}:{:?};", m.date, m.summary);
    }
    if !out.is_empty() {
        out = format!("{}|{}", page.title(), out);
    }
    out
}

/// What the home page shows of page `p`: a mineral's dashboard row, a brief among the latest.
fn home_view(site: &Site, p: usize) -> String {
    let page = &site.pages[p];
    let m = &page.meta;
    match page.kind {
        Kind::Mineral => format!(
            "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            page.title(),
            m.symbol,
            m.production,
            site.graph.tables[p],
            m.us_trade.as_ref().map(|t| &t.net_import_reliance),
            m.export_controls,
            m.critical
        ),
        Kind::Brief => format!("{}|{:?}|{:?}", page.title(), m.date, m.summary),
        _ => String::new(),
    }
}

/// What a section list shows of a page, and what orders it.
fn section_view(page: &Page) -> String {
    let m = &page.meta;
    format!(
        "{}|{:?}|{:?}|{:?}",
        page.title(),
        m.date,
        m.summary,
        m.weight
    )
}

/// The minerals a company's facilities name.
fn products(page: &Page) -> impl Iterator<Item = &str> {
    page.meta
        .facilities
        .iter()
        .flatten()
        .flat_map(|f| f.products.iter().map(|p| p.mineral.as_str()))
}

impl Incremental {
    /// Builds everything into `store` (the pages; the search and print outputs follow in
    /// [`Incremental::finish`]).
    pub fn build(
        options: BuildOptions,
        store: Arc<Store>,
    ) -> Result<(Incremental, Rebuilt), Error> {
        let started = Instant::now();
        let mut lap = Laps::new();
        let config = build::configure(&options)?;
        let today = options.today.unwrap_or_else(crate::build::local_today);
        let (loaded, templates) =
            build::load_inputs(&options.root, &config, crate::load::Bodies::InMemory);
        lap.lap("load");
        lap.note(&loaded.reading);
        let mut pages = Vec::with_capacity(loaded.pages.len());
        let mut texts = Vec::with_capacity(loaded.pages.len());
        for page in &loaded.pages {
            let mut copy = page.clone();
            texts.push(std::mem::take(&mut copy.body));
            pages.push(copy);
        }
        let failed = loaded.failed.clone();
        let mut problems = Vec::new();
        let mut prep = build::prepare(
            config.clone(),
            loaded,
            templates,
            options.drafts,
            today,
            true,
            &mut problems,
        )
        .ok_or_else(|| fail(problems.clone()))?;
        lap.lap("resolve and bodies");
        problems.retain(|d| !d.is_error());
        diagnostics::sort_dedup(&mut problems);

        let by_file: HashMap<PathBuf, usize> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.file.clone(), i))
            .collect();
        let site_to_loaded: Vec<usize> = prep.site.pages.iter().map(|p| by_file[&p.file]).collect();
        let keep_internal = prep.site.profile == Profile::Internal;
        let calls: Vec<Vec<String>> = site_to_loaded
            .par_iter()
            .map(|&l| shortcode_args(&texts[l], keep_internal))
            .collect();

        let all = Only {
            pages: (0..prep.site.pages.len()).collect(),
            countries: prep.site.graph.countries.keys().cloned().collect(),
            sections: prep.site.sections.iter().map(|s| s.name.clone()).collect(),
            home: true,
            not_found: true,
            site_files: true,
            ..Only::default()
        };
        let page_files = render(&prep, &options, &all)?;
        let statics = render(
            &prep,
            &options,
            &Only {
                static_files: true,
                ..Only::default()
            },
        )?;
        lap.lap("pages");
        // Rendered, every body has its code in: keep that HTML alone.
        for body in &mut prep.bodies {
            body.settle();
        }
        let dirs = dirs_of(&prep.site);
        let mut owned: HashMap<Unit, Vec<String>> = HashMap::new();
        let mut site_files = HashSet::new();
        for path in page_files.keys() {
            let unit = owner(&dirs, path);
            if unit == Unit::SiteFiles {
                site_files.insert(path.clone());
            }
            owned.entry(unit).or_default().push(path.clone());
        }
        let rendered = prep.site.pages.len() + prep.site.graph.countries.len();
        let old = store.snapshot();
        let search_and_print =
            store.read(|l| l.map(|l| l.search_and_print.clone()).unwrap_or_default());
        let layers = Layers {
            pages: page_files,
            site_files,
            deferred: deferred_paths(&prep),
            search_and_print,
            statics,
        };
        let changed = {
            let new = layers.flatten();
            new.iter()
                .filter(|(k, v)| old.get(*k).is_none_or(|o| o != *v))
                .count()
                + old.keys().filter(|k| !new.contains_key(*k)).count()
        };
        store.set_pending(true);
        store.replace(layers);
        let state = Incremental {
            options,
            config,
            today,
            loaded: pages,
            texts,
            by_file,
            failed,
            dates: None,
            prep,
            site_to_loaded,
            calls,
            dirs,
            owned,
            spare: None,
            deferred: Some(Only {
                search_and_print: true,
                ..Only::default()
            }),
            store,
        };
        Ok((
            state,
            Rebuilt {
                scope: "full".into(),
                rendered,
                changed,
                warnings: problems,
                elapsed: started.elapsed(),
            },
        ))
    }

    /// The options of the builds.
    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// The resolved site of the last good build.
    pub fn site(&self) -> &Site {
        &self.prep.site
    }

    /// Prepares, between changes, what the next front-matter edit needs (a copy of the pages).
    pub fn prepare_next(&mut self) {
        if self.spare.is_none() {
            self.spare = Some(self.loaded.par_iter().cloned().collect());
        }
    }

    /// Whether [`Incremental::finish`] has work to do.
    pub fn has_deferred(&self) -> bool {
        self.deferred.is_some()
    }

    /// Writes what the last rebuild deferred: the search index and page, the print pages and
    /// (after an incremental rebuild) the site-wide files. Requests for them wait meanwhile.
    pub fn finish(&mut self) -> Result<Rebuilt, Error> {
        let done = self.finish_unless(&build::Stop::default())?;
        Ok(done.expect("a build that never stops finishes"))
    }

    /// [`Incremental::finish`], given up when `stop` says so (`serve` stops it when a change
    /// comes in, so that the change is shown without waiting for outputs it will make stale
    /// again): `None` then. What was not finished stays deferred, and requests for it go on
    /// waiting; what was finished (the search and print files, when only the site-wide files
    /// were stopped) is kept.
    pub fn finish_unless(&mut self, stop: &build::Stop) -> Result<Option<Rebuilt>, Error> {
        let started = Instant::now();
        let Some(deferred) = self.deferred.take() else {
            return Ok(Some(Rebuilt {
                scope: "nothing".into(),
                rendered: 0,
                changed: 0,
                warnings: Vec::new(),
                elapsed: started.elapsed(),
            }));
        };
        let changed = match self.write_deferred(deferred, stop) {
            Ok(None) => return Ok(None),
            Ok(Some(changed)) => Ok(changed),
            Err(e) => Err(e),
        };
        // Done, or failed (the error is shown; the next change tries again): requests stop
        // waiting either way.
        self.store.set_pending(false);
        Ok(Some(Rebuilt {
            scope: "search, print and site-wide files".into(),
            rendered: 0,
            changed: changed?,
            warnings: Vec::new(),
            elapsed: started.elapsed(),
        }))
    }

    /// Writes the `deferred` outputs into the store and returns how many files changed;
    /// `None` when `stop` stopped them, what is left of `deferred` deferred again.
    fn write_deferred(
        &mut self,
        mut deferred: Only,
        stop: &build::Stop,
    ) -> Result<Option<usize>, Error> {
        let mut changed = 0;
        if deferred.search_and_print {
            let only = Only {
                search_and_print: true,
                ..Only::default()
            };
            let Some(files) = render_unless(&self.prep, &self.options, only, stop)? else {
                self.deferred = Some(deferred);
                return Ok(None);
            };
            changed += self.store.update(|l| {
                let n = files
                    .iter()
                    .filter(|(k, v)| l.search_and_print.get(*k).is_none_or(|o| o != *v))
                    .count()
                    + l.search_and_print
                        .keys()
                        .filter(|k| !files.contains_key(*k))
                        .count();
                l.search_and_print = files;
                n
            });
            deferred.search_and_print = false;
        }
        if deferred.site_files {
            let units = BTreeSet::from([Unit::SiteFiles]);
            let Some(files) = render_unless(&self.prep, &self.options, only_of(&units), stop)?
            else {
                self.deferred = Some(deferred);
                return Ok(None);
            };
            changed += self.merge(&units, files);
        }
        Ok(Some(changed))
    }

    /// Rebuilds what `changes` touch. On an error nothing changes: the last good output stays.
    pub fn apply(&mut self, changes: &Changes) -> Result<Rebuilt, Error> {
        let started = Instant::now();
        let now = self.options.today.unwrap_or_else(crate::build::local_today);
        if changes.everything {
            return self.rebuild_all("templates or site.yaml changed", started);
        }
        if now != self.today {
            return self.rebuild_all("the date changed", started);
        }
        let mut edits = Vec::new();
        for file in &changes.content {
            let full = self.options.root.join(file);
            if file.extension().is_none_or(|x| x != "md") {
                // A folder added, removed or renamed (or a non-Markdown file, which no build reads).
                let holds_pages = self.loaded.iter().any(|p| p.file.starts_with(file));
                if full.is_dir() || holds_pages {
                    return self.rebuild_all("a content folder changed", started);
                }
                continue;
            }
            let known = self.by_file.get(file).copied();
            match (known, full.is_file()) {
                (None, false) => continue,
                (None, true) => return self.rebuild_all("a page was added", started),
                (Some(_), false) => return self.rebuild_all("a page was removed", started),
                (Some(l), true) => {
                    let mut page = load::load_file(&self.options.root, file).map_err(fail)?;
                    if page.meta.updated.is_none() {
                        let root = &self.options.root;
                        let dates = self
                            .dates
                            .get_or_insert_with(|| load::history::last_commit_dates(root));
                        page.meta.updated = dates.get(file).copied();
                    }
                    let old = &self.loaded[l];
                    if page.yaml == old.yaml
                        && page.yaml_line == old.yaml_line
                        && page.body_line == old.body_line
                        && page.meta.updated == old.meta.updated
                        && page.body == self.texts[l]
                    {
                        continue;
                    }
                    edits.push(Edit { loaded: l, page });
                }
            }
        }
        let mut rebuilt = if edits.is_empty() {
            None
        } else {
            let body_only = edits.iter().all(|e| {
                let old = &self.loaded[e.loaded];
                e.page.yaml == old.yaml
                    && e.page.yaml_line == old.yaml_line
                    && e.page.body_line == old.body_line
                    && e.page.meta.updated == old.meta.updated
            });
            let done = if body_only {
                self.apply_bodies(&edits)?
            } else {
                None
            };
            match done {
                Some(r) => Some(r),
                None => Some(self.apply_data(edits)?),
            }
        };
        if changes.static_files {
            let files = render(
                &self.prep,
                &self.options,
                &Only {
                    static_files: true,
                    ..Only::default()
                },
            )?;
            let changed = self.store.update(|l| {
                let n = files
                    .iter()
                    .filter(|(k, v)| l.statics.get(*k).is_none_or(|o| o != *v))
                    .count()
                    + l.statics.keys().filter(|k| !files.contains_key(*k)).count();
                l.statics = files;
                n
            });
            let r = rebuilt.get_or_insert_with(|| Rebuilt {
                scope: "static".into(),
                rendered: 0,
                changed: 0,
                warnings: Vec::new(),
                elapsed: Duration::ZERO,
            });
            r.changed += changed;
        }
        let mut rebuilt = rebuilt.unwrap_or(Rebuilt {
            scope: "nothing".into(),
            rendered: 0,
            changed: 0,
            warnings: Vec::new(),
            elapsed: Duration::ZERO,
        });
        rebuilt.elapsed = started.elapsed();
        Ok(rebuilt)
    }

    fn rebuild_all(&mut self, why: &str, started: Instant) -> Result<Rebuilt, Error> {
        let (state, mut rebuilt) = Incremental::build(self.options.clone(), self.store.clone())?;
        *self = state;
        rebuilt.scope = format!("full ({why})");
        rebuilt.elapsed = started.elapsed();
        Ok(rebuilt)
    }

    /// Replaces the files of `units` in the page layer with `files`; returns how many files
    /// changed.
    fn merge(&mut self, units: &BTreeSet<Unit>, files: Layer) -> usize {
        let mut by_unit: HashMap<Unit, Vec<(String, Bytes)>> = HashMap::new();
        for (path, bytes) in files {
            by_unit
                .entry(owner(&self.dirs, &path))
                .or_default()
                .push((path, bytes));
        }
        let owned = &mut self.owned;
        self.store.update(|l| {
            let mut changed = 0;
            for unit in units {
                let new = by_unit.remove(unit).unwrap_or_default();
                let keep: HashSet<&str> = new.iter().map(|(p, _)| p.as_str()).collect();
                for old in owned.remove(unit).unwrap_or_default() {
                    if !keep.contains(old.as_str()) {
                        l.pages.remove(&old);
                        l.site_files.remove(&old);
                        changed += 1;
                    }
                }
                let mut paths = Vec::with_capacity(new.len());
                for (path, bytes) in new {
                    if l.pages.get(&path).is_none_or(|o| o != &bytes) {
                        changed += 1;
                        l.pages.insert(path.clone(), bytes);
                    }
                    if *unit == Unit::SiteFiles {
                        l.site_files.insert(path.clone());
                    }
                    paths.push(path);
                }
                owned.insert(unit.clone(), paths);
            }
            // Files of other units, written by parts of the build that cannot be narrowed down:
            // written over, and nothing of those units removed.
            for (unit, new) in by_unit {
                let list = owned.entry(unit.clone()).or_default();
                for (path, bytes) in new {
                    if l.pages.get(&path).is_none_or(|o| o != &bytes) {
                        changed += 1;
                    }
                    if !list.contains(&path) {
                        list.push(path.clone());
                    }
                    if unit == Unit::SiteFiles {
                        l.site_files.insert(path.clone());
                    }
                    l.pages.insert(path, bytes);
                }
            }
            changed
        })
    }

    /// Renders `units` of the current state and merges them into the store; defers the search,
    /// print and site-wide files.
    fn write_units(&mut self, units: BTreeSet<Unit>, scope: &str) -> Result<Rebuilt, Error> {
        if units.is_empty() {
            return Ok(Rebuilt {
                scope: scope.into(),
                rendered: 0,
                changed: 0,
                warnings: Vec::new(),
                elapsed: Duration::ZERO,
            });
        }
        let mut lap = Laps::new();
        let files = render(&self.prep, &self.options, &only_of(&units))?;
        lap.lap(&format!(
            "render {} unit(s) ({} file(s))",
            units.len(),
            files.len()
        ));
        let changed = self.merge(&units, files);
        lap.lap("merge");
        self.store.set_pending(true);
        self.deferred = Some(Only {
            search_and_print: true,
            site_files: true,
            ..Only::default()
        });
        Ok(Rebuilt {
            scope: scope.into(),
            rendered: units.len(),
            changed,
            warnings: Vec::new(),
            elapsed: Duration::ZERO,
        })
    }

    /// Body-only edits. `None` when the countries a body links to changed: the caller then
    /// treats the edits as front-matter edits.
    fn apply_bodies(&mut self, edits: &[Edit]) -> Result<Option<Rebuilt>, Error> {
        let which: Vec<(usize, &str)> = edits
            .iter()
            .filter_map(|e| {
                self.prep
                    .site
                    .index
                    .get(&e.page.id)
                    .map(|&i| (i, e.page.body.as_str()))
            })
            .collect();
        let rendered = render_bodies(
            &mut self.prep.site,
            &self.prep.urls,
            &self.prep.templates,
            &which,
        )?;
        if rendered
            .iter()
            .any(|(i, b)| b.countries != self.prep.bodies[*i].countries)
        {
            return Ok(None);
        }
        let mut units = BTreeSet::new();
        let mut links_changed = false;
        let mut previous = Vec::new();
        for (i, body) in rendered {
            let old = &self.prep.bodies[i];
            if !same_body(old, &body) {
                units.insert(unit_of(&self.prep.site, i));
            }
            links_changed |= old.links != body.links;
            previous.push((i, std::mem::replace(&mut self.prep.bodies[i], body)));
        }
        if links_changed {
            let old = std::mem::take(&mut self.prep.site.graph.backlinks);
            self.prep.country_backlinks =
                build::link_bodies(&mut self.prep.site, &self.prep.bodies);
            for (j, list) in self.prep.site.graph.backlinks.iter().enumerate() {
                if old.get(j) != Some(list) {
                    units.insert(unit_of(&self.prep.site, j));
                }
            }
        }
        let n = edits.len();
        match self.write_units(units, &format!("body of {n} page(s)")) {
            Ok(r) => {
                let keep_internal = self.prep.site.profile == Profile::Internal;
                for e in edits {
                    self.texts[e.loaded] = e.page.body.clone();
                    if let Some(&i) = self.prep.site.index.get(&e.page.id) {
                        self.calls[i] = shortcode_args(&e.page.body, keep_internal);
                    }
                }
                Ok(Some(r))
            }
            Err(e) => {
                for (i, body) in previous {
                    self.prep.bodies[i] = body;
                }
                if links_changed {
                    self.prep.country_backlinks =
                        build::link_bodies(&mut self.prep.site, &self.prep.bodies);
                }
                Err(e)
            }
        }
    }

    /// Front-matter edits (and body edits whose country links changed).
    fn apply_data(&mut self, edits: Vec<Edit>) -> Result<Rebuilt, Error> {
        let started = Instant::now();
        for e in &edits {
            let old = &self.loaded[e.loaded];
            if (old.kind == Kind::Country || e.page.kind == Kind::Country)
                && old.yaml != e.page.yaml
            {
                return self.rebuild_all("a country note's front matter changed", started);
            }
        }
        let mut lap = Laps::new();
        let mut pages: Vec<Page> = match self.spare.take() {
            Some(pages) => pages,
            None => self.loaded.par_iter().cloned().collect(),
        };
        for e in &edits {
            let mut page = e.page.clone();
            page.body = String::new();
            pages[e.loaded] = page;
        }
        let selection = Selection {
            profile: self.config.profile,
            drafts: self.options.drafts,
        };
        lap.lap("clone pages");
        let (mut site, _warnings) = resolve::resolve(
            self.config.clone(),
            pages,
            self.failed.clone(),
            selection,
            self.today,
        )
        .map_err(fail)?;
        lap.lap("resolve");
        let old = &self.prep.site;
        let same_pages = site.pages.len() == old.pages.len()
            && site.excluded.len() == old.excluded.len()
            && site
                .pages
                .iter()
                .zip(&old.pages)
                .all(|(a, b)| a.id == b.id && a.kind == b.kind && a.path == b.path)
            && site.excluded.keys().all(|k| old.excluded.contains_key(k));
        if !same_pages {
            return self.rebuild_all("pages were added, removed, moved or left out", started);
        }
        // What every page shows in its navigation and footer.
        let nav_changed = site.latest_as_of() != old.latest_as_of()
            || site.pages.iter().zip(&old.pages).any(|(a, b)| {
                (a.kind == Kind::Section || (a.kind == Kind::Page && a.section.is_empty()))
                    && a.title() != b.title()
            });
        if nav_changed {
            return self.rebuild_all("the navigation or the portal's as-of date changed", started);
        }

        // Bodies to render again: the edited ones, those linking to a page whose title changed
        // (a bare `[[id]]` shows the title), and those whose shortcodes name an edited page or
        // a mineral an edited company produces (`producers` shows the company).
        let edited: Vec<(usize, &Edit)> = edits
            .iter()
            .filter_map(|e| site.index.get(&e.page.id).map(|&i| (i, e)))
            .collect();
        let mut redo: BTreeSet<usize> = edited.iter().map(|(i, _)| *i).collect();
        let mut titled: Vec<usize> = Vec::new();
        for &(i, _) in &edited {
            let (o, n) = (&old.pages[i], &site.pages[i]);
            if o.title() != n.title() {
                titled.push(i);
                redo.extend(old.graph.backlinks[i].iter().copied());
            }
            let mut names: Vec<&str> = vec![n.id.as_str()];
            names.extend(products(o));
            names.extend(products(n));
            for (j, args) in self.calls.iter().enumerate() {
                if args.iter().any(|a| names.contains(&a.as_str())) {
                    redo.insert(j);
                }
            }
        }
        let new_texts: HashMap<usize, &str> = edited
            .iter()
            .map(|(i, e)| (*i, e.page.body.as_str()))
            .collect();
        let which: Vec<(usize, &str)> = redo
            .iter()
            .map(|&j| {
                (
                    j,
                    new_texts
                        .get(&j)
                        .copied()
                        .unwrap_or(self.texts[self.site_to_loaded[j]].as_str()),
                )
            })
            .collect();
        lap.lap("choose bodies");
        let rendered = render_bodies(&mut site, &self.prep.urls, &self.prep.templates, &which)?;

        lap.lap("render bodies");
        // The new bodies, backlinks and countries.
        let mut bodies = std::mem::take(&mut self.prep.bodies);
        let mut previous = Vec::with_capacity(rendered.len());
        let mut units: BTreeSet<Unit> = BTreeSet::new();
        for (j, body) in rendered {
            if !same_body(&bodies[j], &body) {
                units.insert(unit_of(&site, j));
            }
            previous.push((j, std::mem::replace(&mut bodies[j], body)));
        }
        let country_backlinks = build::link_bodies(&mut site, &bodies);
        lap.lap("link bodies");
        let old = &self.prep.site;
        let sections_changed = site.sections.len() != old.sections.len()
            || site
                .sections
                .iter()
                .zip(&old.sections)
                .any(|(a, b)| a.name != b.name);
        if sections_changed {
            self.prep.bodies = bodies;
            for (j, body) in previous {
                self.prep.bodies[j] = body;
            }
            return self.rebuild_all("the sections changed", started);
        }

        // The units to render.
        for &(i, e) in &edited {
            units.insert(unit_of(&site, i));
            let o = &old.pages[i];
            if !site.pages[i].section.is_empty() && section_view(o) != section_view(&site.pages[i])
            {
                units.insert(Unit::Section(site.pages[i].section.clone()));
            }
            if home_view(old, i) != home_view(&site, i) {
                units.insert(Unit::Home);
            }
            // Pages it names (they show it: producers, agreements, briefs).
            for word in words(&o.yaml).chain(words(&e.page.yaml)) {
                if let Some(&j) = site.index.get(word) {
                    units.insert(unit_of(&site, j));
                }
            }
            // Pages it links to (they show it among their backlinks).
            let before = previous.iter().find(|(j, _)| *j == i).map(|(_, b)| b);
            for &j in bodies[i]
                .links
                .iter()
                .chain(before.iter().flat_map(|b| b.links.iter()))
            {
                units.insert(unit_of(&site, j));
            }
        }
        // Pages naming a page whose title changed.
        for &i in &titled {
            let id = site.pages[i].id.as_str();
            for page in &self.loaded {
                if mentions(&page.yaml, id) {
                    if let Some(&j) = site.index.get(&page.id) {
                        units.insert(unit_of(&site, j));
                    }
                }
            }
        }
        // Pages whose relations changed.
        let g = (&old.graph, &site.graph);
        for j in 0..site.pages.len() {
            if g.0.tables[j] != g.1.tables[j]
                || g.0.producers[j] != g.1.producers[j]
                || g.0.agreements[j] != g.1.agreements[j]
                || g.0.briefs[j] != g.1.briefs[j]
                || g.0.backlinks[j] != g.1.backlinks[j]
            {
                units.insert(unit_of(&site, j));
            }
        }
        // Countries showing an edited page, before or after.
        let codes: BTreeSet<&String> = old
            .graph
            .countries
            .keys()
            .chain(site.graph.countries.keys())
            .collect();
        for code in codes {
            // A title is shown through other pages' data too (a facility producing a mineral).
            let shows = |s: &Site, backlinks: &std::collections::BTreeMap<String, Vec<usize>>| {
                let country = s.graph.countries.get(code);
                titled.iter().any(|&i| {
                    country.is_some_and(|c| country_shows(s, c, i, &s.pages[i].id))
                        || backlinks.get(code).is_some_and(|b| b.contains(&i))
                })
            };
            let in_both = old.graph.countries.contains_key(code.as_str())
                && site.graph.countries.contains_key(code.as_str());
            if !in_both
                || edited
                    .iter()
                    .any(|&(i, _)| country_view(old, i, code) != country_view(&site, i, code))
                || shows(old, &self.prep.country_backlinks)
                || shows(&site, &country_backlinks)
                || self.prep.country_backlinks.get(code.as_str())
                    != country_backlinks.get(code.as_str())
            {
                units.insert(Unit::Country(code.clone()));
                if !in_both {
                    units.insert(Unit::Section("countries".into()));
                }
            }
        }
        lap.lap("choose units");

        // Commit, render, and on failure put the last good state back.
        let old_site = std::mem::replace(&mut self.prep.site, site);
        let old_country_backlinks =
            std::mem::replace(&mut self.prep.country_backlinks, country_backlinks);
        self.prep.bodies = bodies;
        let old_dirs = std::mem::replace(&mut self.dirs, dirs_of(&self.prep.site));
        lap.lap("commit");
        let n = edits.len();
        match self.write_units(units, &format!("front matter of {n} page(s)")) {
            Ok(mut r) => {
                lap.lap("render and merge units");
                let keep_internal = self.prep.site.profile == Profile::Internal;
                for e in edits {
                    if let Some(&i) = self.prep.site.index.get(&e.page.id) {
                        self.calls[i] = shortcode_args(&e.page.body, keep_internal);
                    }
                    let mut page = e.page;
                    self.texts[e.loaded] = std::mem::take(&mut page.body);
                    self.loaded[e.loaded] = page;
                }
                // Freeing the old site takes a while: not on the way to the reload.
                let garbage = (old_site, old_country_backlinks, old_dirs, previous);
                std::thread::spawn(move || drop(garbage));
                r.elapsed = started.elapsed();
                Ok(r)
            }
            Err(e) => {
                self.prep.site = old_site;
                self.prep.country_backlinks = old_country_backlinks;
                for (j, body) in previous {
                    self.prep.bodies[j] = body;
                }
                self.dirs = old_dirs;
                Err(e)
            }
        }
    }
}

/// Renders the bodies `which` (page index, text) of `site`, whose pages have their bodies
/// emptied (and emptied again after).
fn render_bodies(
    site: &mut Site,
    urls: &Urls,
    templates: &Templates,
    which: &[(usize, &str)],
) -> Result<Vec<(usize, RenderedBody)>, Error> {
    let results: Vec<(usize, Result<RenderedBody, Vec<Diagnostic>>)> = {
        let renderer = build::renderer(site, urls, templates);
        let linker = Linker::new(site, urls);
        which
            .par_iter()
            .map(|&(i, text)| (i, renderer.body(i, text, &linker, Highlight::Now)))
            .collect()
    };
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(results.len());
    for (i, r) in results {
        match r {
            Ok(b) => out.push((i, b)),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(fail(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_belong_to_the_nearest_page_folder() {
        let dirs: HashMap<String, Unit> = [
            ("minerals/".to_string(), Unit::Section("minerals".into())),
            ("minerals/gallium/".to_string(), Unit::Page(3)),
            ("countries/cn/".to_string(), Unit::Country("CN".into())),
        ]
        .into_iter()
        .collect();
        assert_eq!(owner(&dirs, "minerals/gallium/index.html"), Unit::Page(3));
        assert_eq!(
            owner(&dirs, "minerals/gallium/print/index.html"),
            Unit::Page(3)
        );
        assert_eq!(
            owner(&dirs, "minerals/index.html"),
            Unit::Section("minerals".into())
        );
        assert_eq!(
            owner(&dirs, "countries/cn/data.json"),
            Unit::Country("CN".into())
        );
        assert_eq!(owner(&dirs, "index.html"), Unit::Home);
        assert_eq!(owner(&dirs, "404.html"), Unit::NotFound);
        assert_eq!(owner(&dirs, "data/portal.json"), Unit::SiteFiles);
        assert_eq!(owner(&dirs, "atom.xml"), Unit::SiteFiles);
    }

    #[test]
    fn ids_are_found_as_whole_words() {
        assert!(mentions("minerals: [gallium, zinc]", "zinc"));
        assert!(mentions("with: korea-zinc", "korea-zinc"));
        assert!(!mentions("with: korea-zinc", "zinc"));
        assert!(!mentions("zincite", "zinc"));
        let w: Vec<&str> = words("a: [gallium, korea-zinc]\n  x_1").collect();
        assert_eq!(w, ["a", "gallium", "korea-zinc", "x_1"]);
    }

    #[test]
    fn shortcode_arguments_name_ids() {
        let args = shortcode_args(
            "Text {{ supply_table(mineral=\"gallium\", year=2024) }} and {{ producers(mineral=\"zinc\") }}",
            false,
        );
        assert_eq!(args, ["gallium", "zinc"]);
        assert!(shortcode_args("no calls", false).is_empty());
    }
}
