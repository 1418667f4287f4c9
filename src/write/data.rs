//! Machine-readable exports: `data.json` beside every mineral, company and country page, a CSV
//! per production table, and `data/portal.json` for the whole portal. Field names are stable
//! and documented in `docs/data-exports.md`.

use serde::Serialize;

use crate::model::{Kind, PartialDate};
use crate::render::context::{Views, csv_path};
use crate::resolve::{Country, Site};

/// A production table with its metrics.
#[derive(Serialize)]
pub struct TableExport<'a> {
    stage: &'static str,
    year: i32,
    unit: &'a str,
    estimated: bool,
    source: Option<&'a str>,
    note: Option<&'a str>,
    world: f64,
    world_given: bool,
    countries: Vec<ShareExport<'a>>,
    other: Option<OtherExport>,
    top_country: Option<&'a str>,
    top_share: Option<f64>,
    hhi: f64,
    hhi_label: &'static str,
    hhi_lower_bound: bool,
    csv: String,
}

#[derive(Serialize)]
struct ShareExport<'a> {
    code: &'a str,
    name: &'a str,
    value: f64,
    share: f64,
    rank: usize,
}

#[derive(Serialize)]
struct OtherExport {
    value: f64,
    share: f64,
}

#[derive(Serialize)]
struct LinkExport<'a> {
    id: &'a str,
    kind: &'static str,
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct ProducerExport<'a> {
    company: &'a str,
    company_title: &'a str,
    facility: &'a str,
    country: &'a str,
    status: &'static str,
    capacity: Option<f64>,
    unit: Option<&'a str>,
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct AgreementExport<'a> {
    date: PartialDate,
    listed_by: &'a str,
    with: Option<&'a str>,
    with_name: Option<&'a str>,
    kind: &'a str,
    minerals: &'a [String],
    summary: Option<&'a str>,
    source: Option<&'a str>,
}

/// The `data.json` of a mineral or company page.
#[derive(Serialize)]
pub struct PageExport<'a> {
    id: &'a str,
    kind: &'static str,
    title: &'a str,
    url: String,
    summary: Option<&'a str>,
    /// The front matter as written, less `kind:` and `draft:` (and `internal:`, which a
    /// public build drops when it resolves).
    data: &'a crate::model::FrontMatter,
    production: Vec<TableExport<'a>>,
    producers: Vec<ProducerExport<'a>>,
    agreements: Vec<AgreementExport<'a>>,
    briefs: Vec<LinkExport<'a>>,
    backlinks: Vec<LinkExport<'a>>,
}

/// The `data.json` of a country page.
#[derive(Serialize)]
pub struct CountryExport<'a> {
    code: &'a str,
    name: &'a str,
    url: String,
    production: Vec<CountryProductionExport<'a>>,
    companies_headquartered: Vec<&'a str>,
    facilities: Vec<CountryFacilityExport<'a>>,
    export_controls: Vec<CountryControlExport<'a>>,
    us_imports: Vec<CountryImportExport<'a>>,
    reserves: Vec<CountryReserveExport<'a>>,
    briefs: Vec<&'a str>,
}

#[derive(Serialize)]
struct CountryReserveExport<'a> {
    mineral: &'a str,
    value: f64,
    unit: &'a str,
}

#[derive(Serialize)]
struct CountryProductionExport<'a> {
    mineral: &'a str,
    stage: &'static str,
    year: i32,
    value: f64,
    unit: &'a str,
    share: f64,
    rank: usize,
}

#[derive(Serialize)]
struct CountryFacilityExport<'a> {
    company: &'a str,
    facility: &'a str,
    minerals: Vec<&'a str>,
}

#[derive(Serialize)]
struct CountryControlExport<'a> {
    mineral: &'a str,
    effective: PartialDate,
    measure: &'a str,
}

#[derive(Serialize)]
struct CountryImportExport<'a> {
    mineral: &'a str,
    period: &'a str,
    share: f64,
}

/// A brief in `portal.json`.
#[derive(Serialize)]
pub struct BriefExport<'a> {
    id: &'a str,
    title: &'a str,
    date: Option<PartialDate>,
    summary: Option<&'a str>,
    url: String,
    minerals: &'a [String],
    companies: &'a [String],
    countries: &'a [String],
}

/// The whole portal: serialized as it is written, one page's export at a time, so that the
/// export of a large portal is never held whole in memory.
pub struct PortalExport<'a> {
    site: &'a Site,
    views: &'a Views<'a>,
    generated: &'a str,
}

/// A sequence serialized from a fresh iterator, element by element.
struct Each<F>(F);

impl<F, I> Serialize for Each<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

impl Serialize for PortalExport<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let (site, views) = (self.site, self.views);
        let of_kind =
            |kind: Kind| (0..site.pages.len()).filter(move |&i| site.pages[i].kind == kind);
        let mut out = serializer.serialize_struct("PortalExport", 8)?;
        out.serialize_field("title", &site.config.title)?;
        out.serialize_field("base_url", &views.urls.base)?;
        out.serialize_field("profile", site.profile.as_str())?;
        out.serialize_field("generated", self.generated)?;
        out.serialize_field(
            "minerals",
            &Each(|| of_kind(Kind::Mineral).map(|i| page_export(site, views, i))),
        )?;
        out.serialize_field(
            "companies",
            &Each(|| of_kind(Kind::Company).map(|i| page_export(site, views, i))),
        )?;
        out.serialize_field(
            "countries",
            &Each(|| {
                site.graph
                    .countries
                    .values()
                    .map(|c| country_export(site, views, c))
            }),
        )?;
        let briefs = site.briefs_newest_first();
        out.serialize_field(
            "briefs",
            &Each(|| {
                briefs.iter().map(|&i| {
                    let p = &site.pages[i];
                    BriefExport {
                        id: &p.id,
                        title: p.title(),
                        date: p.meta.date,
                        summary: p.meta.summary.as_deref(),
                        url: views.urls.permalink(&p.path),
                        minerals: p.meta.minerals.as_deref().unwrap_or(&[]),
                        companies: p.meta.companies.as_deref().unwrap_or(&[]),
                        countries: p.meta.countries.as_deref().unwrap_or(&[]),
                    }
                })
            }),
        )?;
        out.end()
    }
}

fn link<'a>(site: &'a Site, views: &Views<'_>, i: usize) -> LinkExport<'a> {
    let p = &site.pages[i];
    LinkExport {
        id: &p.id,
        kind: p.kind.as_str(),
        title: p.title(),
        url: views.urls.permalink(&p.path),
    }
}

/// The export of mineral or company page `i`.
pub fn page_export<'a>(site: &'a Site, views: &Views<'a>, i: usize) -> PageExport<'a> {
    let page = &site.pages[i];
    let production = match page.kind {
        Kind::Mineral => page
            .meta
            .production
            .iter()
            .flatten()
            .zip(&site.graph.tables[i])
            .map(|(t, m)| TableExport {
                stage: t.stage.as_str(),
                year: t.year,
                unit: &t.unit,
                estimated: t.estimated == Some(true),
                source: t.source.as_deref(),
                note: t.note.as_deref(),
                world: m.world,
                world_given: m.world_given,
                countries: m
                    .rows
                    .iter()
                    .map(|r| ShareExport {
                        code: &r.code,
                        name: views.country_ref(&r.code).name,
                        value: r.value,
                        share: r.share,
                        rank: r.rank,
                    })
                    .collect(),
                other: m.other.map(|(value, share)| OtherExport { value, share }),
                top_country: m.top.as_ref().map(|t| t.0.as_str()),
                top_share: m.top.as_ref().map(|t| t.1),
                hhi: m.hhi,
                hhi_label: m.concentration.as_str(),
                hhi_lower_bound: m.hhi_lower_bound,
                csv: views
                    .urls
                    .permalink(&csv_path(page, t.stage.as_str(), t.year)),
            })
            .collect(),
        _ => Vec::new(),
    };
    let producers = site.graph.producers[i]
        .iter()
        .map(|r| {
            let company = &site.pages[r.company];
            let f = &company.meta.facilities.as_ref().expect("facilities")[r.facility];
            let p = &f.products[r.product];
            ProducerExport {
                company: &company.id,
                company_title: company.title(),
                facility: &f.name,
                country: &f.country,
                status: p.status.as_str(),
                capacity: p.capacity,
                unit: p.unit.as_deref(),
                source: p.source.as_deref(),
            }
        })
        .collect();
    let agreements = site.graph.agreements[i]
        .iter()
        .map(|r| {
            let owner = &site.pages[r.owner];
            let a = &owner.meta.agreements.as_ref().expect("agreements")[r.index];
            AgreementExport {
                date: a.date,
                listed_by: &owner.id,
                with: a.with.as_deref(),
                with_name: a.with_name.as_deref(),
                kind: &a.kind,
                minerals: &a.minerals,
                summary: a.summary.as_deref(),
                source: a.source.as_deref(),
            }
        })
        .collect();
    PageExport {
        id: &page.id,
        kind: page.kind.as_str(),
        title: page.title(),
        url: views.urls.permalink(&page.path),
        summary: page.meta.summary.as_deref(),
        data: &page.meta,
        production,
        producers,
        agreements,
        briefs: site.graph.briefs[i]
            .iter()
            .map(|&b| link(site, views, b))
            .collect(),
        backlinks: site.graph.backlinks[i]
            .iter()
            .map(|&b| link(site, views, b))
            .collect(),
    }
}

/// The export of a country.
pub fn country_export<'a>(site: &'a Site, views: &Views<'a>, c: &'a Country) -> CountryExport<'a> {
    let pages = &site.pages;
    CountryExport {
        code: &c.code,
        name: &c.name,
        url: views
            .urls
            .permalink(&format!("countries/{}/", c.code.to_ascii_lowercase())),
        production: c
            .production
            .iter()
            .map(|&(m, t, r)| {
                let table = &pages[m].meta.production.as_ref().expect("tables")[t];
                let row = &site.graph.tables[m][t].rows[r];
                CountryProductionExport {
                    mineral: &pages[m].id,
                    stage: table.stage.as_str(),
                    year: table.year,
                    value: row.value,
                    unit: &table.unit,
                    share: row.share,
                    rank: row.rank,
                }
            })
            .collect(),
        companies_headquartered: c
            .headquarters
            .iter()
            .map(|&i| pages[i].id.as_str())
            .collect(),
        facilities: c
            .facilities
            .iter()
            .map(|&(i, f)| {
                let facility = &pages[i].meta.facilities.as_ref().expect("facilities")[f];
                CountryFacilityExport {
                    company: &pages[i].id,
                    facility: &facility.name,
                    minerals: facility
                        .products
                        .iter()
                        .map(|p| p.mineral.as_str())
                        .collect(),
                }
            })
            .collect(),
        export_controls: c
            .export_controls
            .iter()
            .map(|&(m, k)| {
                let control = &pages[m].meta.export_controls.as_ref().expect("controls")[k];
                CountryControlExport {
                    mineral: &pages[m].id,
                    effective: control.effective,
                    measure: &control.measure,
                }
            })
            .collect(),
        us_imports: c
            .us_imports
            .iter()
            .map(|&(m, share)| {
                let period = pages[m]
                    .meta
                    .us_trade
                    .as_ref()
                    .and_then(|t| t.import_sources.as_ref())
                    .map_or("", |s| s.period.0.as_str());
                CountryImportExport {
                    mineral: &pages[m].id,
                    period,
                    share,
                }
            })
            .collect(),
        reserves: c
            .reserves
            .iter()
            .map(|&(m, value)| CountryReserveExport {
                mineral: &pages[m].id,
                value,
                unit: pages[m]
                    .meta
                    .reserves
                    .as_ref()
                    .map_or("", |r| r.unit.as_str()),
            })
            .collect(),
        briefs: c.briefs.iter().map(|&b| pages[b].id.as_str()).collect(),
    }
}

/// The whole portal.
pub fn portal<'a>(site: &'a Site, views: &'a Views<'a>, generated: &'a str) -> PortalExport<'a> {
    PortalExport {
        site,
        views,
        generated,
    }
}

/// The CSV of production table `t` of mineral `i`: one row per country, then `other` when
/// the world total exceeds the listed countries.
pub fn table_csv(
    site: &Site,
    views: &Views<'_>,
    i: usize,
    t: usize,
) -> Result<Vec<u8>, csv::Error> {
    let page = &site.pages[i];
    let table = &page.meta.production.as_ref().expect("tables")[t];
    let m = &site.graph.tables[i][t];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "mineral",
        "stage",
        "year",
        "rank",
        "country_code",
        "country",
        "value",
        "unit",
        "share_percent",
        "estimated",
        "source",
    ])?;
    let year = table.year.to_string();
    let estimated = if table.estimated == Some(true) {
        "true"
    } else {
        "false"
    };
    let source = table.source.as_deref().unwrap_or("");
    for r in &m.rows {
        let name = views.country_ref(&r.code).name;
        w.write_record([
            page.id.as_str(),
            table.stage.as_str(),
            &year,
            &r.rank.to_string(),
            &r.code,
            name,
            &r.value.to_string(),
            &table.unit,
            &format!("{:.4}", r.share),
            estimated,
            source,
        ])?;
    }
    if let Some((value, share)) = m.other {
        w.write_record([
            page.id.as_str(),
            table.stage.as_str(),
            &year,
            "",
            "other",
            "Other (not listed)",
            &value.to_string(),
            &table.unit,
            &format!("{share:.4}"),
            estimated,
            source,
        ])?;
    }
    w.into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
}
