//! The values templates receive (see `docs/templates.md`), built from the resolved site.
//! Everything is computed here, in Rust; templates only display it.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use serde::Serialize;
use tera::Value;

use super::charts::{self, Bar};
use super::markdown::TocEntry;
use super::urls::Urls;
use crate::model::{Kind, Page, PartialDate, Source};
use crate::resolve::metrics::TableMetrics;
use crate::resolve::{Country, Site};

/// A link to a page.
#[derive(Debug, Clone)]
pub struct Ref<'a> {
    /// Page id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Site path (see [`Urls::page`]).
    pub path: Cow<'a, str>,
    /// Kind name.
    pub kind: &'static str,
    /// The same four fields as a template value, made once per build by
    /// [`Views::page_ref`]: a page is linked from thousands of tables and lists, and Tera
    /// takes a ready value by reference count instead of serializing the fields again.
    shared: Option<Value>,
}

impl Serialize for Ref<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = [
            ("id", self.id),
            ("title", self.title),
            ("path", &*self.path),
            ("kind", self.kind),
        ];
        serialize_ref(self.shared.as_ref(), "Ref", &fields, serializer)
    }
}

/// Serializes a link: its `shared` template value when there is one, else its `fields` as
/// a struct named `name`.
fn serialize_ref<S: serde::Serializer>(
    shared: Option<&Value>,
    name: &'static str,
    fields: &[(&'static str, &str)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    if let Some(value) = shared {
        return value.serialize(serializer);
    }
    let mut out = serializer.serialize_struct(name, fields.len())?;
    for (key, value) in fields {
        out.serialize_field(key, value)?;
    }
    out.end()
}

/// A link to a country page.
#[derive(Debug, Clone)]
pub struct CountryRef<'a> {
    /// ISO code.
    pub code: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Site path.
    pub path: Arc<str>,
    /// The same three fields as a template value, made once per build for each country of
    /// the graph by [`Views::new`]: countries fill every production table, and Tera takes
    /// a ready value by reference count (as for [`Ref`]).
    shared: Option<Value>,
}

impl Serialize for CountryRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = [
            ("code", self.code),
            ("name", self.name),
            ("path", &*self.path),
        ];
        serialize_ref(self.shared.as_ref(), "CountryRef", &fields, serializer)
    }
}

/// Builds views of the site for one build.
pub struct Views<'a> {
    /// The site.
    pub site: &'a Site,
    /// Link writing.
    pub urls: &'a Urls,
    /// Each page's [`Ref`] as a template value, made when first asked for.
    refs: Vec<OnceLock<Value>>,
    /// The ref of each country of the graph: its name, its path, and its fields as a
    /// template value.
    countries: FxHashMap<&'a str, (&'a str, Arc<str>, Value)>,
}

/// The path of a production table's CSV, under the mineral's folder.
pub fn csv_path(page: &Page, stage: &str, year: i32) -> String {
    format!("{}production-{stage}-{year}.csv", page.path)
}

/// The path of a page's `data.json`.
pub fn data_json_path(path: &str) -> String {
    format!("{path}data.json")
}

impl<'a> Views<'a> {
    /// Views of `site`, linked through `urls`.
    pub fn new(site: &'a Site, urls: &'a Urls) -> Self {
        let mut views = Views {
            site,
            urls,
            refs: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            countries: FxHashMap::default(),
        };
        views.countries = site
            .graph
            .countries
            .keys()
            .map(|code| {
                let plain = views.plain_country_ref(code);
                let value = Value::from_serializable(&plain);
                (code.as_str(), (plain.name, plain.path, value))
            })
            .collect();
        views
    }

    /// A ref to page `i`.
    pub fn page_ref(&self, i: usize) -> Ref<'a> {
        let mut page = self.plain_ref(i);
        page.shared = self
            .refs
            .get(i)
            .map(|cell| cell.get_or_init(|| Value::from_serializable(&page)).clone());
        page
    }

    /// A ref to page `i`, without its template value.
    fn plain_ref(&self, i: usize) -> Ref<'a> {
        let p = &self.site.pages[i];
        // A country note without a title is named after its country, not its file.
        let title = match (p.kind, &p.meta.title) {
            (Kind::Country, None) => self
                .site
                .graph
                .countries
                .get(&p.id.to_ascii_uppercase())
                .map_or(p.title(), |c| c.name.as_str()),
            _ => p.title(),
        };
        Ref {
            id: &p.id,
            title,
            path: self.urls.page(&p.path),
            kind: p.kind.as_str(),
            shared: None,
        }
    }

    /// A ref to a country by code (its name from the graph, else the ISO name, else the code).
    pub fn country_ref<'b>(&self, code: &'b str) -> CountryRef<'b>
    where
        'a: 'b,
    {
        match self.countries.get(code) {
            Some((name, path, value)) => CountryRef {
                code,
                name,
                path: Arc::clone(path),
                shared: Some(value.clone()),
            },
            None => self.plain_country_ref(code),
        }
    }

    /// A ref to the page of country `code`, without its template value.
    fn plain_country_ref<'b>(&self, code: &'b str) -> CountryRef<'b>
    where
        'a: 'b,
    {
        let name = self
            .site
            .graph
            .countries
            .get(code)
            .map(|c| c.name.as_str())
            .or_else(|| crate::resolve::validate::country_name(code))
            .unwrap_or(code);
        CountryRef {
            code,
            name,
            path: self
                .urls
                .page(&format!("countries/{}/", code.to_ascii_lowercase()))
                .into(),
            shared: None,
        }
    }

    /// Sources a page shows: its own, then the site-level ones its figures cite, then those
    /// of the agreements other companies list with it (shown on its page too).
    pub fn sources(&self, page: &'a Page) -> Vec<&'a Source> {
        let mut list: Vec<&Source> = page.meta.sources.iter().flatten().collect();
        for id in cited(page) {
            if list.iter().any(|s| s.id == id) {
                continue;
            }
            if let Some(s) = self.site.config.sources.iter().find(|s| s.id == id) {
                list.push(s);
            }
        }
        let i = self.site.index.get(&page.id).copied();
        for r in i
            .and_then(|i| self.site.graph.agreements.get(i))
            .into_iter()
            .flatten()
            .filter(|r| Some(r.owner) != i)
        {
            let owner = &self.site.pages[r.owner];
            let Some(id) = owner
                .meta
                .agreements
                .as_ref()
                .and_then(|a| a[r.index].source.as_deref())
            else {
                continue;
            };
            if list.iter().any(|s| s.id == id) {
                continue;
            }
            if let Some(s) = owner.meta.sources.iter().flatten().find(|s| s.id == id) {
                list.push(s);
            } else if let Some(s) = self.site.config.sources.iter().find(|s| s.id == id) {
                list.push(s);
            }
        }
        list
    }

    /// The view of production table `t` of mineral page `i`.
    pub fn table(&self, i: usize, t: usize) -> TableView<'a> {
        self.table_with_ids(i, t, "")
    }

    /// [`Views::table`], with `id_prefix` before the chart's element ids, so that a table shown
    /// again on the same page (by a shortcode) does not repeat them.
    pub fn table_with_ids(&self, i: usize, t: usize, id_prefix: &str) -> TableView<'a> {
        let page = &self.site.pages[i];
        let table = &page.meta.production.as_ref().expect("mineral with tables")[t];
        let metrics: &TableMetrics = &self.site.graph.tables[i][t];
        let stage = table.stage.as_str();
        let rows: Vec<RowView> = metrics
            .rows
            .iter()
            .map(|r| RowView {
                rank: r.rank,
                country: self.country_ref(&r.code),
                value: r.value,
                share: r.share,
            })
            .collect();
        let mut bars: Vec<Bar> = rows
            .iter()
            .take(8)
            .map(|r| Bar {
                label: r.country.name.to_string(),
                share: r.share,
            })
            .collect();
        if let Some((_, share)) = metrics.other {
            bars.push(Bar {
                label: "Other".into(),
                share,
            });
        }
        let top = metrics.top.as_ref().map(|(code, share)| TopView {
            country: self.country_ref(code),
            share: *share,
        });
        let caption = format!(
            "{} {} production, {}{} ({})",
            page.title(),
            stage,
            table.year,
            if table.estimated == Some(true) {
                ", estimated"
            } else {
                ""
            },
            table.unit
        );
        let desc = match &top {
            Some(top) => format!(
                "Largest producer: {} with {} of the world total.",
                top.country.name,
                super::format::percent(top.share, 1)
            ),
            None => "No production figures.".to_string(),
        };
        let chart = charts::share_bars(
            &format!("{id_prefix}chart-{}-{stage}-{}", page.id, table.year),
            &format!(
                "Share of world {stage} production of {} in {}",
                page.title(),
                table.year
            ),
            &desc,
            &bars,
        );
        TableView {
            stage,
            year: table.year,
            unit: &table.unit,
            estimated: table.estimated == Some(true),
            note: table.note.as_deref(),
            source: table.source.as_deref(),
            caption,
            world: metrics.world,
            world_given: metrics.world_given,
            rows,
            other: metrics
                .other
                .map(|(value, share)| OtherView { value, share }),
            top,
            hhi: metrics.hhi.round() as i64,
            hhi_label: metrics.concentration.as_str(),
            hhi_lower_bound: metrics.hhi_lower_bound,
            csv: self
                .urls
                .page(&csv_path(page, stage, table.year))
                .into_owned(),
            chart: Value::safe_string(&chart),
        }
    }

    /// The headline table of a mineral: the newest year, mine before refinery before smelter.
    pub fn headline_table(&self, i: usize) -> Option<usize> {
        let tables = self.site.pages[i].meta.production.as_ref()?;
        (0..tables.len()).max_by(|&a, &b| {
            tables[a]
                .year
                .cmp(&tables[b].year)
                .then(tables[b].stage.cmp(&tables[a].stage))
        })
    }

    /// The producers of mineral `i`.
    pub fn producers(&self, i: usize) -> Vec<ProducerView<'a>> {
        self.site.graph.producers[i]
            .iter()
            .map(|r| {
                let company = &self.site.pages[r.company];
                let facility = &company.meta.facilities.as_ref().expect("facilities")[r.facility];
                let product = &facility.products[r.product];
                ProducerView {
                    company: self.page_ref(r.company),
                    facility: &facility.name,
                    location: facility.location.as_deref(),
                    country: self.country_ref(&facility.country),
                    status: product.status.as_str(),
                    capacity: product.capacity,
                    unit: product.unit.as_deref(),
                    source: product.source.as_deref(),
                }
            })
            .collect()
    }

    /// The US import sources of mineral `i`, with their chart.
    pub fn import_sources(&self, i: usize) -> Option<ImportSourcesView<'a>> {
        self.import_sources_with_ids(i, "")
    }

    /// [`Views::import_sources`], with `id_prefix` before the chart's element ids.
    pub fn import_sources_with_ids(
        &self,
        i: usize,
        id_prefix: &str,
    ) -> Option<ImportSourcesView<'a>> {
        let page = &self.site.pages[i];
        let imports = page.meta.us_trade.as_ref()?.import_sources.as_ref()?;
        let mut rows: Vec<ImportRow> = imports
            .shares
            .iter()
            .filter(|(c, _)| *c != "other")
            .map(|(c, &share)| ImportRow {
                country: self.country_ref(c),
                share,
            })
            .collect();
        rows.sort_by(|a, b| b.share.total_cmp(&a.share));
        let other_share = imports.shares.get("other").copied();
        let mut bars: Vec<Bar> = rows
            .iter()
            .map(|r| Bar {
                label: r.country.name.to_string(),
                share: r.share,
            })
            .collect();
        if let Some(share) = other_share {
            bars.push(Bar {
                label: "Other".into(),
                share,
            });
        }
        let title = format!(
            "Sources of US imports of {}, {}",
            page.title(),
            imports.period
        );
        let desc = rows.first().map_or_else(String::new, |r| {
            format!(
                "Largest source: {} with {}.",
                r.country.name,
                super::format::percent(r.share, 1)
            )
        });
        let chart = charts::share_bars(
            &format!("{id_prefix}chart-{}-imports", page.id),
            &title,
            &desc,
            &bars,
        );
        Some(ImportSourcesView {
            period: &imports.period.0,
            rows,
            other_share,
            chart: Value::safe_string(&chart),
        })
    }

    /// Briefs that name page `i` (or the country `code`).
    pub fn briefs(&self, list: &[usize]) -> Vec<BriefRef<'a>> {
        list.iter().map(|&b| self.brief_ref(b)).collect()
    }

    /// A brief with its date and summary.
    pub fn brief_ref(&self, b: usize) -> BriefRef<'a> {
        let p = &self.site.pages[b];
        BriefRef {
            page: self.page_ref(b),
            date: p.meta.date,
            summary: p.meta.summary.as_deref(),
        }
    }

    /// Common fields of a page view.
    pub fn common(&self, i: usize, content: Value, toc: &'a [TocEntry]) -> PageView<'a> {
        let page = &self.site.pages[i];
        let m = &page.meta;
        let internal_build = self.site.profile == crate::config::Profile::Internal;
        let stale = m.as_of.is_some_and(|d| {
            d.months_until(self.site.today) > self.site.config.stale_after_months as i32
        });
        let has_data = matches!(page.kind, Kind::Mineral | Kind::Company);
        PageView {
            id: &page.id,
            kind: page.kind.as_str(),
            title: page.title(),
            summary: m.summary.as_deref(),
            path: self.urls.page(&page.path),
            content,
            toc,
            tags: m.tags.as_deref().unwrap_or(&[]),
            date: m.date,
            updated: m.updated,
            as_of: m.as_of,
            stale,
            internal: page.is_internal(),
            internal_data: if internal_build {
                m.internal.as_ref()
            } else {
                None
            },
            extra: m.extra.as_ref(),
            sources: self.sources(page),
            backlinks: self.site.graph.backlinks[i]
                .iter()
                .map(|&b| self.page_ref(b))
                .collect(),
            briefs: self.briefs(&self.site.graph.briefs[i]),
            data_json: has_data.then(|| self.urls.page(&data_json_path(&page.path)).into_owned()),
        }
    }

    /// The country view of `country`.
    pub fn country(&self, country: &'a Country) -> CountryDetails<'a> {
        let site = self.site;
        CountryDetails {
            code: &country.code,
            name: &country.name,
            production: country
                .production
                .iter()
                .map(|&(m, t, r)| {
                    let table = &site.pages[m].meta.production.as_ref().expect("tables")[t];
                    let row = &site.graph.tables[m][t].rows[r];
                    CountryProduction {
                        mineral: self.page_ref(m),
                        stage: table.stage.as_str(),
                        year: table.year,
                        value: row.value,
                        unit: &table.unit,
                        share: row.share,
                        rank: row.rank,
                    }
                })
                .collect(),
            companies_hq: country
                .headquarters
                .iter()
                .map(|&c| self.page_ref(c))
                .collect(),
            facilities: country
                .facilities
                .iter()
                .map(|&(c, f)| {
                    let facility = &site.pages[c].meta.facilities.as_ref().expect("facilities")[f];
                    let minerals = facility
                        .products
                        .iter()
                        .filter_map(|p| site.find(&p.mineral, Kind::Mineral))
                        .map(|m| self.page_ref(m))
                        .collect();
                    CountryFacility {
                        company: self.page_ref(c),
                        facility: &facility.name,
                        minerals,
                    }
                })
                .collect(),
            export_controls: country
                .export_controls
                .iter()
                .map(|&(m, k)| {
                    let control = &site.pages[m]
                        .meta
                        .export_controls
                        .as_ref()
                        .expect("controls")[k];
                    CountryControl {
                        mineral: self.page_ref(m),
                        effective: control.effective,
                        measure: &control.measure,
                    }
                })
                .collect(),
            us_imports: country
                .us_imports
                .iter()
                .map(|&(m, share)| {
                    let period = site.pages[m]
                        .meta
                        .us_trade
                        .as_ref()
                        .and_then(|t| t.import_sources.as_ref())
                        .map(|s| s.period.0.as_str())
                        .unwrap_or("");
                    CountryImport {
                        mineral: self.page_ref(m),
                        period,
                        share,
                    }
                })
                .collect(),
            reserves: country
                .reserves
                .iter()
                .map(|&(m, value)| {
                    let unit = site.pages[m]
                        .meta
                        .reserves
                        .as_ref()
                        .map(|r| r.unit.as_str())
                        .unwrap_or("");
                    CountryReserve {
                        mineral: self.page_ref(m),
                        value,
                        unit,
                    }
                })
                .collect(),
        }
    }
}

/// Ids of the sources a page's figures cite, in order of first citation.
pub fn cited(page: &Page) -> Vec<&str> {
    let m = &page.meta;
    let mut ids: Vec<&str> = Vec::new();
    fn add<'p>(ids: &mut Vec<&'p str>, s: &'p Option<String>) {
        if let Some(id) = s.as_deref() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    for t in m.production.iter().flatten() {
        add(&mut ids, &t.source);
    }
    if let Some(r) = &m.reserves {
        add(&mut ids, &r.source);
    }
    if let Some(t) = &m.us_trade {
        add(&mut ids, &t.source);
    }
    for c in m.export_controls.iter().flatten() {
        add(&mut ids, &c.source);
    }
    for f in m.facilities.iter().flatten() {
        for p in &f.products {
            add(&mut ids, &p.source);
        }
    }
    for a in m.agreements.iter().flatten() {
        add(&mut ids, &a.source);
    }
    ids
}

/// Fields every page view has.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// Id.
    pub id: &'a str,
    /// Kind name.
    pub kind: &'static str,
    /// Title.
    pub title: &'a str,
    /// Summary.
    pub summary: Option<&'a str>,
    /// Site path.
    pub path: Cow<'a, str>,
    /// Rendered body (safe HTML).
    pub content: Value,
    /// Headings.
    pub toc: &'a [TocEntry],
    /// Tags.
    pub tags: &'a [String],
    /// Date.
    pub date: Option<PartialDate>,
    /// Last update.
    pub updated: Option<PartialDate>,
    /// Figures as of.
    pub as_of: Option<PartialDate>,
    /// Figures older than `stale_after_months`.
    pub stale: bool,
    /// An internal page.
    pub internal: bool,
    /// `internal:` data, in internal builds only.
    pub internal_data: Option<&'a serde_yaml::Value>,
    /// `extra:` data.
    pub extra: Option<&'a serde_yaml::Value>,
    /// Sources shown.
    pub sources: Vec<&'a Source>,
    /// Pages linking here.
    pub backlinks: Vec<Ref<'a>>,
    /// Briefs naming this page.
    pub briefs: Vec<BriefRef<'a>>,
    /// Path of `data.json`.
    pub data_json: Option<String>,
}

/// A brief in a list.
#[derive(Debug, Clone, Serialize)]
pub struct BriefRef<'a> {
    /// The page.
    #[serde(flatten)]
    pub page: Ref<'a>,
    /// Its date.
    pub date: Option<PartialDate>,
    /// Its summary.
    pub summary: Option<&'a str>,
}

/// A production table.
#[derive(Debug, Serialize)]
pub struct TableView<'a> {
    /// Stage.
    pub stage: &'static str,
    /// Year.
    pub year: i32,
    /// Unit.
    pub unit: &'a str,
    /// Estimates.
    pub estimated: bool,
    /// Note under the table.
    pub note: Option<&'a str>,
    /// Source id.
    pub source: Option<&'a str>,
    /// Caption.
    pub caption: String,
    /// World total.
    pub world: f64,
    /// Whether the world total was given.
    pub world_given: bool,
    /// Countries.
    pub rows: Vec<RowView<'a>>,
    /// Unlisted remainder.
    pub other: Option<OtherView>,
    /// Largest producer.
    pub top: Option<TopView<'a>>,
    /// HHI, rounded.
    pub hhi: i64,
    /// low, moderate or high.
    pub hhi_label: &'static str,
    /// HHI counts listed countries only.
    pub hhi_lower_bound: bool,
    /// CSV path.
    pub csv: String,
    /// SVG chart.
    pub chart: Value,
}

/// A country row.
#[derive(Debug, Serialize)]
pub struct RowView<'a> {
    /// Rank.
    pub rank: usize,
    /// Country.
    pub country: CountryRef<'a>,
    /// Figure.
    pub value: f64,
    /// Percent of world.
    pub share: f64,
}

/// The unlisted remainder.
#[derive(Debug, Serialize)]
pub struct OtherView {
    /// Figure.
    pub value: f64,
    /// Percent of world.
    pub share: f64,
}

/// The top producer.
#[derive(Debug, Serialize)]
pub struct TopView<'a> {
    /// Country.
    pub country: CountryRef<'a>,
    /// Percent of world.
    pub share: f64,
}

/// A producer of a mineral.
#[derive(Debug, Serialize)]
pub struct ProducerView<'a> {
    /// Company.
    pub company: Ref<'a>,
    /// Facility name.
    pub facility: &'a str,
    /// Location.
    pub location: Option<&'a str>,
    /// Country.
    pub country: CountryRef<'a>,
    /// operating, planned, closed.
    pub status: &'static str,
    /// Capacity.
    pub capacity: Option<f64>,
    /// Unit.
    pub unit: Option<&'a str>,
    /// Source id.
    pub source: Option<&'a str>,
}

/// US import sources.
#[derive(Debug, Serialize)]
pub struct ImportSourcesView<'a> {
    /// Period.
    pub period: &'a str,
    /// Countries, largest first.
    pub rows: Vec<ImportRow<'a>>,
    /// Share of the rest of the world.
    pub other_share: Option<f64>,
    /// SVG chart.
    pub chart: Value,
}

/// A country's share of US imports.
#[derive(Debug, Serialize)]
pub struct ImportRow<'a> {
    /// Country.
    pub country: CountryRef<'a>,
    /// Percent.
    pub share: f64,
}

/// Country page details.
#[derive(Debug, Serialize)]
pub struct CountryDetails<'a> {
    /// ISO code.
    pub code: &'a str,
    /// Name.
    pub name: &'a str,
    /// Production shares.
    pub production: Vec<CountryProduction<'a>>,
    /// Companies headquartered there.
    pub companies_hq: Vec<Ref<'a>>,
    /// Facilities there.
    pub facilities: Vec<CountryFacility<'a>>,
    /// Export controls it imposes.
    pub export_controls: Vec<CountryControl<'a>>,
    /// US imports from it.
    pub us_imports: Vec<CountryImport<'a>>,
    /// Its reserves.
    pub reserves: Vec<CountryReserve<'a>>,
}

/// A mineral a country produces.
#[derive(Debug, Serialize)]
pub struct CountryProduction<'a> {
    /// Mineral.
    pub mineral: Ref<'a>,
    /// Stage.
    pub stage: &'static str,
    /// Year.
    pub year: i32,
    /// Figure.
    pub value: f64,
    /// Unit.
    pub unit: &'a str,
    /// Percent of world.
    pub share: f64,
    /// Rank.
    pub rank: usize,
}

/// A facility in a country.
#[derive(Debug, Serialize)]
pub struct CountryFacility<'a> {
    /// Company.
    pub company: Ref<'a>,
    /// Facility name.
    pub facility: &'a str,
    /// What it makes.
    pub minerals: Vec<Ref<'a>>,
}

/// An export control a country imposes.
#[derive(Debug, Serialize)]
pub struct CountryControl<'a> {
    /// Mineral.
    pub mineral: Ref<'a>,
    /// When.
    pub effective: PartialDate,
    /// What.
    pub measure: &'a str,
}

/// US imports from a country.
#[derive(Debug, Serialize)]
pub struct CountryImport<'a> {
    /// Mineral.
    pub mineral: Ref<'a>,
    /// Period.
    pub period: &'a str,
    /// Percent.
    pub share: f64,
}

/// A country's reserves of a mineral.
#[derive(Debug, Serialize)]
pub struct CountryReserve<'a> {
    /// Mineral.
    pub mineral: Ref<'a>,
    /// Figure.
    pub value: f64,
    /// Unit.
    pub unit: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;
    use crate::resolve::{Selection, resolve};

    #[test]
    fn a_shared_ref_gives_templates_and_exports_the_same_fields() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://example.org/sub/\n",
        )
        .unwrap();
        let config = SiteConfig::load(dir.path()).unwrap();
        let page = crate::load::parse_page(
            std::path::Path::new("content/minerals/gallium.md"),
            "---\ntitle: \"Gallium <Ga>\"\nproduction:\n  - { year: 2024, stage: mine, unit: t, by_country: { CN: 5 } }\n---\nBody.\n",
        )
        .unwrap();
        let selection = Selection {
            profile: crate::config::Profile::Public,
            drafts: false,
        };
        let today = jiff::civil::date(2026, 1, 15);
        let (site, _) = resolve(config, vec![page], Vec::new(), selection, today).unwrap();
        for relative in [false, true] {
            let urls = Urls {
                base: site.config.base_url(),
                relative,
            };
            let views = Views::new(&site, &urls);
            let i = site.index["gallium"];
            let plain = views.plain_ref(i);
            assert!(plain.shared.is_none());
            // Twice: made once, then shared.
            for _ in 0..2 {
                let shared = views.page_ref(i);
                assert!(shared.shared.is_some());
                assert_eq!(
                    serde_json::to_string(&shared).unwrap(),
                    serde_json::to_string(&plain).unwrap()
                );
                let (a, b) = (
                    Value::from_serializable(&shared),
                    Value::from_serializable(&plain),
                );
                assert_eq!(a, b);
                assert!(a.to_string().contains("Gallium <Ga>"), "{a}");
            }
            let plain = views.plain_country_ref("CN");
            let shared = views.country_ref("CN");
            assert!(plain.shared.is_none() && shared.shared.is_some());
            assert_eq!(
                serde_json::to_string(&shared).unwrap(),
                serde_json::to_string(&plain).unwrap()
            );
            let value = Value::from_serializable(&shared);
            assert_eq!(value, Value::from_serializable(&plain));
            assert!(value.to_string().contains("countries/cn/"), "{value}");
            // A code outside the graph gets its fields made on the spot.
            assert!(views.country_ref("NO").shared.is_none());
        }
    }
}
