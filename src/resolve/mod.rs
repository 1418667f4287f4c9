//! Stage 2, **resolve**: one graph of minerals, companies, countries, briefs and links, with
//! the computed metrics, built once per build and read by every later stage.

pub mod countries;
pub mod metrics;
pub mod validate;

use std::collections::{BTreeMap, HashMap, HashSet};

use rustc_hash::FxHashMap;
use std::path::PathBuf;

use crate::config::{Profile, SiteConfig};
use crate::diagnostics::Diagnostic;
use crate::load::yaml::Seg;
use crate::model::{Kind, Page};
pub use countries::Country;
use metrics::TableMetrics;
use validate::error_at;

/// Why a page is left out of this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excluded {
    /// `draft: true` and the build does not ask for drafts.
    Draft,
    /// `visibility: internal` in a public build.
    Internal,
    /// The file has errors of its own, already reported.
    Broken,
}

impl Excluded {
    /// What to do about a `thing` ("link", "call") in a built page that names a page left
    /// out for this reason: the hint of its error, the same wherever the page is named.
    pub fn hint(self, thing: &str) -> String {
        match self {
            Excluded::Internal => format!(
                "remove the {thing}, wrap it in {{% internal() %}} ... {{% end %}}, or mark this page `visibility: internal`"
            ),
            Excluded::Draft => {
                format!("publish the draft, build with --drafts, or remove the {thing}")
            }
            Excluded::Broken => "fix the errors reported for that file".to_string(),
        }
    }
}

/// A section: a top-level folder of `content/` (or the generated `countries` list).
#[derive(Debug, Clone)]
pub struct Section {
    /// Folder name (`minerals`).
    pub name: String,
    /// Its `_index.md`, if any (index into [`Site::pages`]).
    pub index: Option<usize>,
    /// Its pages, in display order.
    pub pages: Vec<usize>,
}

/// A facility's product line, seen from the mineral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProducerRef {
    /// The company page.
    pub company: usize,
    /// Index of the facility in the company's `facilities`.
    pub facility: usize,
    /// Index of the product in the facility's `products`.
    pub product: usize,
}

/// An agreement, seen from either party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgreementRef {
    /// The company whose file lists it.
    pub owner: usize,
    /// Index in the owner's `agreements`.
    pub index: usize,
}

/// Relations and metrics computed from all pages.
#[derive(Debug, Default)]
pub struct Graph {
    /// Per page: the metrics of each of its production tables.
    pub tables: Vec<Vec<TableMetrics>>,
    /// Per mineral page: the facilities that produce it.
    pub producers: Vec<Vec<ProducerRef>>,
    /// Per company page: its agreements and those that name it.
    pub agreements: Vec<Vec<AgreementRef>>,
    /// Per page: the briefs that name it.
    pub briefs: Vec<Vec<usize>>,
    /// Per page: the pages whose bodies link to it (filled after Markdown is rendered).
    pub backlinks: Vec<Vec<usize>>,
    /// Every country met anywhere, by ISO code.
    pub countries: BTreeMap<String, Country>,
}

/// The whole site, resolved.
#[derive(Debug)]
pub struct Site {
    /// `site.yaml`.
    pub config: SiteConfig,
    /// The profile of this build.
    pub profile: Profile,
    /// The pages in this build (drafts and, in public builds, internal pages left out, and
    /// every page's `internal:` front matter dropped).
    pub pages: Vec<Page>,
    /// Ids left out of this build, and why: links to them are errors.
    pub excluded: HashMap<String, (Excluded, PathBuf)>,
    /// The pages of `excluded` that are internal or drafts (not broken), with their kind:
    /// front matter naming one as that kind is left out with it (see `relate`).
    pub hidden: Hidden,
    /// Page index by id.
    pub index: FxHashMap<String, usize>,
    /// The home page's `_index.md`, if any.
    pub home: Option<usize>,
    /// Sections, in navigation order.
    pub sections: Vec<Section>,
    /// Relations and metrics.
    pub graph: Graph,
    /// The date the build treats as today.
    pub today: jiff::civil::Date,
}

/// What a build includes.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    /// The profile.
    pub profile: Profile,
    /// Whether drafts are included.
    pub drafts: bool,
}

impl Site {
    /// The page with `id`, if it is in this build.
    pub fn page(&self, id: &str) -> Option<&Page> {
        self.index.get(id).map(|&i| &self.pages[i])
    }

    /// Index of the page with `id` and kind `kind`.
    pub fn find(&self, id: &str, kind: Kind) -> Option<usize> {
        self.index
            .get(id)
            .copied()
            .filter(|&i| self.pages[i].kind == kind)
    }

    /// The briefs, newest first (by `date`; equal dates in file order).
    pub fn briefs_newest_first(&self) -> Vec<usize> {
        let mut briefs: Vec<usize> = (0..self.pages.len())
            .filter(|&i| self.pages[i].kind == Kind::Brief)
            .collect();
        briefs.sort_by(|&a, &b| {
            self.pages[b]
                .meta
                .date
                .cmp(&self.pages[a].meta.date)
                .then(a.cmp(&b))
        });
        briefs
    }

    /// The newest `as_of` among minerals and companies.
    pub fn latest_as_of(&self) -> Option<crate::model::PartialDate> {
        self.pages.iter().filter_map(|p| p.meta.as_of).max()
    }
}

/// Builds the graph. `pages` are all loaded pages; those outside `selection` are set aside.
pub fn resolve(
    config: SiteConfig,
    pages: Vec<Page>,
    failed: Vec<(String, PathBuf)>,
    selection: Selection,
    today: jiff::civil::Date,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut excluded: HashMap<String, (Excluded, PathBuf)> = failed
        .into_iter()
        .map(|(id, file)| (id, (Excluded::Broken, file)))
        .collect();
    let mut hidden = FxHashMap::default();
    let mut kept = Vec::with_capacity(pages.len());
    for page in pages {
        let why = if page.meta.draft == Some(true) && !selection.drafts {
            Some(Excluded::Draft)
        } else if page.is_internal() && selection.profile == Profile::Public {
            Some(Excluded::Internal)
        } else {
            None
        };
        match why {
            Some(why) => {
                hidden.insert(page.id.clone(), page.kind);
                excluded.insert(page.id.clone(), (why, page.file.clone()));
            }
            None => kept.push(page),
        }
    }
    let pages = kept;
    let index: FxHashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();

    let site_sources: HashSet<&str> = config.sources.iter().map(|s| s.id.as_str()).collect();
    let per_page: Vec<Vec<Diagnostic>> = {
        use rayon::prelude::*;
        pages
            .par_iter()
            .map(|page| {
                let mut out = Vec::new();
                validate::check_page(page, &config, &site_sources, today, &mut out);
                out
            })
            .collect()
    };
    diagnostics.extend(per_page.into_iter().flatten());

    let mut site = Site {
        profile: selection.profile,
        pages,
        excluded,
        hidden,
        index,
        home: None,
        sections: Vec::new(),
        graph: Graph::default(),
        today,
        config,
    };
    relate(&mut site, &mut diagnostics);
    site.sections = sections(&site);
    site.home = site.pages.iter().position(|p| p.kind == Kind::Home);
    site.graph.countries = countries::collect(&site, &mut diagnostics);
    check_paths(&site, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok((site, diagnostics))
}

/// Reports files that would be written where another page goes: a top-level page named like
/// a section (`content/about.md` beside `content/about/`), a top-level page `countries` (the
/// list of countries), a page at the place of a country page (`countries/kr/`), and sections
/// whose folder name cannot be a URL segment or is reserved (`search`, `print`, `data`).
fn check_paths(site: &Site, out: &mut Vec<Diagnostic>) {
    let section_file = |section: &Section| {
        section
            .index
            .or_else(|| section.pages.first().copied())
            .map(|i| site.pages[i].file.display().to_string())
    };
    for section in &site.sections {
        if let Err(why) = crate::load::check_id(&section.name) {
            let file = section_file(section).unwrap_or_default();
            out.push(
                Diagnostic::error(
                    &file,
                    0,
                    0,
                    format!("content/{}/ cannot be a section: {why}", section.name),
                )
                .with_hint("rename the folder: section names are lower-case letters, digits, `-` and `_`, and not a reserved name"),
            );
        }
    }
    for page in &site.pages {
        if matches!(page.kind, Kind::Home | Kind::Section | Kind::Country) {
            continue;
        }
        let other = if page.section.is_empty() {
            match site.sections.iter().find(|s| s.name == page.id) {
                Some(section) => section_file(section),
                None if page.id == "countries" => Some("the list of countries".to_string()),
                None => None,
            }
        } else if page.path.starts_with("countries/")
            && validate::country_name(&page.id.to_ascii_uppercase()).is_some()
        {
            Some(format!(
                "the page of country {}",
                page.id.to_ascii_uppercase()
            ))
        } else {
            None
        };
        if let Some(other) = other {
            out.push(
                Diagnostic::error(
                    &page.file,
                    0,
                    0,
                    format!(
                        "{} and {other} both map to the URL /{}",
                        page.file.display(),
                        page.path
                    ),
                )
                .with_hint("rename or move one of them: each page needs a URL of its own"),
            );
        }
    }
}

/// Looks up a relation's target id, reporting an unknown, excluded or wrong-kind target.
fn target(
    site: &Site,
    from: &Page,
    id: &str,
    kind: Kind,
    path: &[Seg<'_>],
    out: &mut Vec<Diagnostic>,
) -> Option<usize> {
    if let Some(i) = site.find(id, kind) {
        return Some(i);
    }
    let d = if let Some(&i) = site.index.get(id) {
        error_at(
            from,
            path,
            format!("`{id}` is a {}, not a {kind}", site.pages[i].kind),
        )
    } else if let Some(&left_out) = site.hidden.get(id) {
        if left_out == kind {
            // Left out of this build (internal, a draft): the relation is left out with it
            // (see `relate`).
            return None;
        }
        error_at(from, path, format!("`{id}` is a {left_out}, not a {kind}"))
    } else if site.excluded.contains_key(id) {
        // A file with errors: reported for that file.
        return None;
    } else {
        let known = site
            .pages
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.id.as_str());
        let hint = match crate::diagnostics::nearest(id, known) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("no {kind} has the id `{id}`: ids are file names without .md"),
        };
        error_at(from, path, format!("unknown {kind} `{id}`")).with_hint(hint)
    };
    out.push(d);
    None
}

/// The pages left out of a build (internal, drafts) by id, with their kind ([`Site::hidden`]).
pub type Hidden = FxHashMap<String, Kind>;

/// Whether `id`, named as a `kind`, is a left-out page of that kind.
fn left_out(hidden: &Hidden, id: &str, kind: Kind) -> bool {
    hidden.get(id) == Some(&kind)
}

/// Whether a product is left out: it is of a left-out mineral.
fn product_left_out(hidden: &Hidden, product: &crate::model::Product) -> bool {
    left_out(hidden, &product.mineral, Kind::Mineral)
}

/// Whether a facility is left out: it names products, all of them left out.
fn facility_left_out(hidden: &Hidden, facility: &crate::model::Facility) -> bool {
    !facility.products.is_empty()
        && facility
            .products
            .iter()
            .all(|p| product_left_out(hidden, p))
}

/// Whether an agreement is left out: it is `with` a left-out company (it would name it).
fn agreement_left_out(hidden: &Hidden, agreement: &crate::model::Agreement) -> bool {
    agreement
        .with
        .as_deref()
        .is_some_and(|w| left_out(hidden, w, Kind::Company))
}

/// Removes from `meta` what names a page of `hidden` as its kind: left-out facilities,
/// products and agreements, and such ids in an agreement's or a brief's `minerals` and a
/// brief's `companies`. (Naming one as another kind is an error, reported by [`target`].)
/// `relate` skips the same entries, with the same predicates, before this runs.
fn leave_out_references(meta: &mut crate::model::FrontMatter, hidden: &Hidden) {
    if let Some(facilities) = &mut meta.facilities {
        facilities.retain(|f| !facility_left_out(hidden, f));
        for facility in facilities {
            facility.products.retain(|p| !product_left_out(hidden, p));
        }
    }
    if let Some(agreements) = &mut meta.agreements {
        agreements.retain(|a| !agreement_left_out(hidden, a));
        for agreement in agreements {
            agreement
                .minerals
                .retain(|m| !left_out(hidden, m, Kind::Mineral));
        }
    }
    for (ids, kind) in [
        (&mut meta.minerals, Kind::Mineral),
        (&mut meta.companies, Kind::Company),
    ] {
        for ids in ids.iter_mut() {
            ids.retain(|id| !left_out(hidden, id, kind));
        }
    }
}

/// Builds the two-way relations: producers, agreements, briefs. Also removes what the
/// build leaves out from the pages' front matter: references to left-out pages and, in a
/// public build, the `internal:` data.
fn relate(site: &mut Site, out: &mut Vec<Diagnostic>) {
    let n = site.pages.len();
    let mut graph = Graph {
        tables: vec![Vec::new(); n],
        producers: vec![Vec::new(); n],
        agreements: vec![Vec::new(); n],
        briefs: vec![Vec::new(); n],
        backlinks: vec![Vec::new(); n],
        countries: BTreeMap::new(),
    };
    // Pages left out of this build (internal pages in a public build, drafts): what names
    // them in front matter is left out too, as the contract says of the relations computed
    // from them; only body links to them are errors (`render::markdown`). Refs index the
    // lists as they will be once those entries are removed, after this loop.
    for (i, page) in site.pages.iter().enumerate() {
        let m = &page.meta;
        graph.tables[i] = m
            .production
            .iter()
            .flatten()
            .map(|t| metrics::production(&t.by_country, t.world))
            .collect();
        let mut kept_facilities = 0;
        for (f, facility) in m.facilities.iter().flatten().enumerate() {
            if facility_left_out(&site.hidden, facility) {
                continue;
            }
            let facility_index = kept_facilities;
            kept_facilities += 1;
            let mut kept = 0;
            for (p, product) in facility.products.iter().enumerate() {
                if product_left_out(&site.hidden, product) {
                    continue;
                }
                let path = [
                    Seg::Key("facilities"),
                    Seg::Index(f),
                    Seg::Key("products"),
                    Seg::Index(p),
                    Seg::Key("mineral"),
                ];
                if let Some(mineral) =
                    target(site, page, &product.mineral, Kind::Mineral, &path, out)
                {
                    graph.producers[mineral].push(ProducerRef {
                        company: i,
                        facility: facility_index,
                        product: kept,
                    });
                }
                kept += 1;
            }
        }
        let mut kept = 0;
        for (a, agreement) in m.agreements.iter().flatten().enumerate() {
            if agreement_left_out(&site.hidden, agreement) {
                continue;
            }
            let index = kept;
            kept += 1;
            graph.agreements[i].push(AgreementRef { owner: i, index });
            if let Some(with) = &agreement.with {
                let path = [Seg::Key("agreements"), Seg::Index(a), Seg::Key("with")];
                if let Some(other) = target(site, page, with, Kind::Company, &path, out) {
                    if other != i {
                        graph.agreements[other].push(AgreementRef { owner: i, index });
                    }
                }
            }
            for (k, mineral) in agreement.minerals.iter().enumerate() {
                let path = [
                    Seg::Key("agreements"),
                    Seg::Index(a),
                    Seg::Key("minerals"),
                    Seg::Index(k),
                ];
                target(site, page, mineral, Kind::Mineral, &path, out);
            }
        }
        for (field, kind, ids) in [
            ("minerals", Kind::Mineral, &m.minerals),
            ("companies", Kind::Company, &m.companies),
        ] {
            for (k, id) in ids.iter().flatten().enumerate() {
                if let Some(j) =
                    target(site, page, id, kind, &[Seg::Key(field), Seg::Index(k)], out)
                {
                    if page.kind == Kind::Brief {
                        graph.briefs[j].push(i);
                    }
                }
            }
        }
    }
    if !site.hidden.is_empty() {
        for page in &mut site.pages {
            leave_out_references(&mut page.meta, &site.hidden);
        }
    }
    if site.profile == Profile::Public {
        // What only internal builds show is not kept, so no output can show it.
        for page in &mut site.pages {
            page.meta.internal = None;
        }
    }
    for list in &mut graph.agreements {
        list.sort_by(|a, b| {
            let date = |r: &AgreementRef| {
                site.pages[r.owner]
                    .meta
                    .agreements
                    .as_ref()
                    .map(|v| v[r.index].date)
            };
            date(b).cmp(&date(a))
        });
    }
    for list in &mut graph.briefs {
        list.sort_by(|&a, &b| {
            site.pages[b]
                .meta
                .date
                .cmp(&site.pages[a].meta.date)
                .then(a.cmp(&b))
        });
    }
    site.graph = graph;
}

/// Adds the `countries` section when the site has countries and no `content/countries/_index.md`.
pub fn ensure_countries_section(site: &mut Site) {
    if site.graph.countries.is_empty() || site.sections.iter().any(|s| s.name == "countries") {
        return;
    }
    let at = site
        .sections
        .iter()
        .position(|s| !matches!(s.name.as_str(), "minerals" | "companies"))
        .unwrap_or(site.sections.len());
    site.sections.insert(
        at,
        Section {
            name: "countries".into(),
            index: None,
            pages: Vec::new(),
        },
    );
}

/// Records the body links found while rendering Markdown: `links[i]` are the pages page `i`
/// links to. Fills [`Graph::backlinks`].
pub fn add_backlinks(site: &mut Site, links: &[Vec<usize>]) {
    let mut backlinks = vec![Vec::new(); site.pages.len()];
    for (from, targets) in links.iter().enumerate() {
        for &to in targets {
            if to != from && backlinks[to].last() != Some(&from) {
                backlinks[to].push(from);
            }
        }
    }
    for list in &mut backlinks {
        list.sort_unstable();
        list.dedup();
    }
    site.graph.backlinks = backlinks;
}

/// Sections in navigation order: minerals, companies, countries, briefs, then the others by name.
fn sections(site: &Site) -> Vec<Section> {
    let mut by_name: BTreeMap<&str, Section> = BTreeMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        if page.section.is_empty() || page.kind == Kind::Country {
            continue;
        }
        let section = by_name.entry(&page.section).or_insert_with(|| Section {
            name: page.section.clone(),
            index: None,
            pages: Vec::new(),
        });
        if page.kind == Kind::Section {
            section.index = Some(i);
        } else {
            section.pages.push(i);
        }
    }
    let order = |name: &str| match name {
        "minerals" => 0,
        "companies" => 1,
        "countries" => 2,
        "briefs" => 3,
        _ => 4,
    };
    let mut sections: Vec<Section> = by_name.into_values().collect();
    for section in &mut sections {
        // Weight, then newest first, then title and id; the keys made once per page.
        section.pages.sort_by_cached_key(|&i| {
            let page = &site.pages[i];
            (
                page.meta.weight.unwrap_or(i64::MAX),
                std::cmp::Reverse(page.meta.date),
                page.title().to_lowercase(),
                page.id.as_str(),
            )
        });
    }
    sections.sort_by_key(|s| (order(&s.name), s.name.clone()));
    sections
}
