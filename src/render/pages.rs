//! Renders each kind of page through its template.

use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::code::{self, CodeBlock};
use super::context::{
    BriefRef, CountryRef, ImportSourcesView, PageView, ProducerView, Ref, TableView, Views,
};
use super::highlight;
use super::markdown::{self, Body, Linker};
use super::packed::PackedHtml;
use super::shortcodes::{self, ArgValue, Call};
use super::templates::Templates;
use super::urls::ROOT_MARK;
use crate::diagnostics::{self, Diagnostic};
use crate::model::{Kind, Page, PartialDate, Source, Stage};
use crate::resolve::{Country, Section, Site};

/// A body after Markdown and shortcodes: HTML (site links start with [`ROOT_MARK`] in
/// relative builds) and what it links to.
#[derive(Debug, Default)]
pub struct RenderedBody {
    /// The HTML (links to the site's root written as [`ROOT_MARK`] in relative builds), its
    /// code blocks still marks while `later` holds them.
    html: PackedHtml,
    /// The code blocks left for later ([`Highlight::Later`]), and the HTML once they are in.
    later: Option<Box<LaterCode>>,
    /// Headings.
    pub toc: Vec<markdown::TocEntry>,
    /// Pages it links to.
    pub links: Vec<usize>,
    /// Countries it links to.
    pub countries: Vec<String>,
}

/// Code blocks a body left for later, and its HTML with them, made once.
#[derive(Debug)]
struct LaterCode {
    blocks: Vec<CodeBlock>,
    html: OnceLock<PackedHtml>,
}

/// When [`Renderer::body`] highlights a body's code blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// At once.
    Now,
    /// At once, unless the highlighter is still warming up ([`highlight::warming`]): then
    /// the blocks wait, as marks, until the body's HTML is first asked for
    /// ([`RenderedBody::html`]), so that a build can write the outputs that need no body
    /// in the meantime, and are offered to the warm-up ([`highlight::offer`]).
    Later,
}

impl RenderedBody {
    /// The HTML. A body whose code was left for later gets it now, highlighted: waiting for
    /// the highlighter's warm-up, once per body, whichever thread asks first.
    pub fn html(&self) -> &PackedHtml {
        match &self.later {
            None => &self.html,
            Some(later) => later.html.get_or_init(|| {
                highlight::join_warm_ups();
                PackedHtml::pack(&code::fill(&self.html.unpack(), &later.blocks))
            }),
        }
    }

    /// Whether [`RenderedBody::html`] is ready without highlighting anything.
    pub fn is_ready(&self) -> bool {
        self.later.as_ref().is_none_or(|l| l.html.get().is_some())
    }

    /// Keeps only the HTML with the code in, once it is made (`serve` holds its bodies
    /// between rebuilds: the code blocks and the HTML without them would be held twice).
    pub fn settle(&mut self) {
        if let Some(later) = self.later.take_if(|l| l.html.get().is_some()) {
            self.html = later.html.into_inner().expect("made");
        }
    }
}

/// Highlights the code that `bodies` left for later ([`Highlight::Later`]), in parallel once
/// the highlighter's warm-up is over; false when there was none.
pub fn highlight_later_code(bodies: &[RenderedBody]) -> bool {
    let later: Vec<&RenderedBody> = bodies.iter().filter(|b| !b.is_ready()).collect();
    if later.is_empty() {
        return false;
    }
    // Waited for here, on one thread, rather than by each body on a worker of its own.
    highlight::join_warm_ups();
    later.par_iter().for_each(|b| {
        b.html();
    });
    true
}

/// Renders pages of one build.
pub struct Renderer<'a> {
    /// Views of the site.
    pub views: Views<'a>,
    /// Templates.
    pub templates: &'a Templates,
    /// The `site` value every template gets.
    pub site_value: Value,
    /// The latest `as_of` of the site's pages, found once (every print document's running
    /// header names it, and a scan of the pages for each brief grew with briefs × pages).
    pub as_of: Option<crate::model::PartialDate>,
}

const BUILT_IN: &[&str] = &["supply_table", "producers", "import_sources", "chart"];

impl<'a> Renderer<'a> {
    fn site(&self) -> &'a Site {
        self.views.site
    }

    /// A context with the variables every template gets, for a page at `page_path`.
    pub fn base_context(&self, page_path: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site_value.clone());
        ctx.insert("root", &self.views.urls.root(page_path));
        ctx.insert("page_path", page_path);
        ctx.insert(
            "internal_build",
            &(self.site().profile == crate::config::Profile::Internal),
        );
        ctx
    }

    /// Renders the body of page `i`: Markdown, links and shortcodes.
    pub fn body(
        &self,
        i: usize,
        text: &str,
        linker: &Linker<'_>,
        highlight: Highlight,
    ) -> Result<RenderedBody, Vec<Diagnostic>> {
        let page = &self.site().pages[i];
        let keep_internal = self.site().profile == crate::config::Profile::Internal;
        let body: Body = markdown::render(text, linker, keep_internal);
        // Past MAX_BODY_ERRORS problems, one more error gives the count: a body full of broken
        // links must not cost a scan of the whole body for each of them.
        let mut unlisted = body.errors.len().saturating_sub(MAX_BODY_ERRORS);
        let mut errors: Vec<Diagnostic> = body
            .errors
            .iter()
            .take(MAX_BODY_ERRORS)
            .map(|e| {
                let d = body_diagnostic(page, text, e.offset, e.message.clone());
                match &e.hint {
                    Some(h) => d.with_hint(h.clone()),
                    None => d,
                }
            })
            .collect();
        let mut outputs: Vec<Option<String>> = Vec::with_capacity(body.scanned.calls.len());
        for (n, call) in body.scanned.calls.iter().enumerate() {
            // A call in code is shown as text, not rendered.
            if body.calls_in_code.contains(&n) {
                outputs.push(None);
                continue;
            }
            let result = self.shortcode(call);
            outputs.push(result.as_ref().ok().cloned());
            match result {
                Ok(_) => {}
                Err(_) if errors.len() >= MAX_BODY_ERRORS => unlisted += 1,
                Err((message, hint)) => {
                    errors.push(body_diagnostic(page, text, call.offset, message).with_hint(hint))
                }
            }
        }
        let mut html = fill_placeholders(&body.html, &mut outputs);
        if unlisted > 0 {
            errors.push(
                Diagnostic::error(
                    &page.file,
                    page.body_line,
                    1,
                    format!("{unlisted} more problem(s) in this body are not listed"),
                )
                .with_hint("fix the problems listed and build again to see the rest"),
            );
        }
        for n in 0..body.scanned.internal_blocks.min(shortcodes::MAX_SHORTCODES) {
            let (open, close) = shortcodes::internal_placeholders(n);
            html = html
                .replacen(
                    &format!("<p>{open}</p>"),
                    "<div class=\"internal-block\" data-internal=\"true\">",
                    1,
                )
                .replacen(&format!("<p>{close}</p>"), "</div>", 1);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if !self.views.urls.relative {
            html = super::urls::with_root(html, &self.views.urls.base);
        }
        // Code goes in last, so that nothing above rewrites it.
        let later = highlight == Highlight::Later
            && body.code.iter().any(CodeBlock::names_language)
            && highlight::warming();
        let (html, later) = if later {
            for block in body.code.iter().filter(|b| b.names_language()) {
                highlight::offer(&block.code, &block.lang);
            }
            let later = LaterCode {
                blocks: body.code,
                html: OnceLock::new(),
            };
            (PackedHtml::pack(&html), Some(Box::new(later)))
        } else {
            (PackedHtml::pack(&code::fill(&html, &body.code)), None)
        };
        Ok(RenderedBody {
            html,
            later,
            toc: body.toc,
            links: body.links,
            countries: body.countries,
        })
    }

    fn shortcode(&self, call: &Call) -> Result<String, (String, String)> {
        let mut ctx = self.base_context("");
        ctx.insert("root", ROOT_MARK);
        let template = format!("shortcodes/{}.html", call.name);
        if BUILT_IN.contains(&call.name.as_str()) {
            self.built_in(call, &mut ctx)?;
        } else if self.templates.has(&template) {
            for (k, v) in &call.args {
                ctx.insert(k.clone(), v);
            }
        } else {
            let known: Vec<&str> = BUILT_IN.to_vec();
            let hint = match diagnostics::nearest(&call.name, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "built-in shortcodes: {}; a site adds its own as templates/shortcodes/NAME.html",
                    known.join(", ")
                ),
            };
            return Err((format!("unknown shortcode `{}`", call.name), hint));
        }
        self.templates.render(&template, &ctx).map_err(|d| {
            (
                format!(
                    "shortcode `{}` failed: {}: {}",
                    call.name,
                    d.file.display(),
                    d.message
                ),
                "fix the shortcode template".to_string(),
            )
        })
    }

    fn built_in(&self, call: &Call, ctx: &mut Context) -> Result<(), (String, String)> {
        // Charts drawn by a shortcode get ids of their own: the page may show the same chart.
        let ids = format!("sc{}-", call.offset);
        let allowed: &[&str] = match call.name.as_str() {
            "supply_table" => &["mineral", "stage", "year"],
            "chart" => &["mineral", "stage", "year", "of"],
            _ => &["mineral"],
        };
        for key in call.args.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err((
                    format!("`{}` takes no argument `{key}`", call.name),
                    format!("its arguments: {}", allowed.join(", ")),
                ));
            }
        }
        let text = |key: &str| -> Result<Option<&str>, (String, String)> {
            match call.args.get(key) {
                None => Ok(None),
                Some(ArgValue::Str(s)) => Ok(Some(s)),
                Some(_) => Err((
                    format!(
                        "argument `{key}` of `{}` must be a quoted string",
                        call.name
                    ),
                    format!("write {key}=\"...\""),
                )),
            }
        };
        let site = self.site();
        let id = text("mineral")?.ok_or_else(|| {
            (
                format!("`{}` needs a `mineral` argument", call.name),
                format!("write {}(mineral=\"gallium\")", call.name),
            )
        })?;
        let m = site.find(id, Kind::Mineral).ok_or_else(|| {
            use crate::resolve::Excluded;
            if let Some((why, file)) = site.excluded.get(id) {
                let name = &call.name;
                let file = file.display();
                let message = match why {
                    Excluded::Internal => format!(
                        "`{name}` names the internal page `{id}` ({file}), which a public build leaves out"
                    ),
                    Excluded::Draft => format!("`{name}` names the draft `{id}` ({file})"),
                    Excluded::Broken => format!("`{name}` names `{id}`, whose file has errors"),
                };
                return (message, why.hint("call"));
            }
            let hint = match diagnostics::nearest(
                id,
                site.pages
                    .iter()
                    .filter(|p| p.kind == Kind::Mineral)
                    .map(|p| p.id.as_str()),
            ) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "name a mineral by its id (its file name without .md)".to_string(),
            };
            (format!("unknown mineral `{id}`"), hint)
        })?;
        ctx.insert("mineral", &self.views.page_ref(m));
        let table_index = || -> Result<usize, (String, String)> {
            let tables = site.pages[m].meta.production.as_deref().unwrap_or(&[]);
            let stage = match text("stage")? {
                None => None,
                Some(s) => Some(match s {
                    "mine" => Stage::Mine,
                    "refinery" => Stage::Refinery,
                    "smelter" => Stage::Smelter,
                    other => {
                        return Err((
                            format!("unknown stage `{other}`"),
                            "stages are mine, refinery and smelter".into(),
                        ));
                    }
                }),
            };
            let year = match call.args.get("year") {
                None => None,
                Some(ArgValue::Num(n)) if n.fract() == 0.0 => Some(*n as i32),
                Some(_) => {
                    return Err((
                        "`year` must be a whole number".into(),
                        "write year=2024".into(),
                    ));
                }
            };
            let candidates = (0..tables.len()).filter(|&t| {
                stage.is_none_or(|s| tables[t].stage == s)
                    && year.is_none_or(|y| tables[t].year == y)
            });
            // Without a stage or year: the headline table, as on the dashboard; otherwise the
            // newest table that matches, mine before refinery before smelter.
            let chosen = if stage.is_none() && year.is_none() {
                self.views.headline_table(m)
            } else {
                candidates.max_by(|&a, &b| {
                    tables[a]
                        .year
                        .cmp(&tables[b].year)
                        .then(tables[b].stage.cmp(&tables[a].stage))
                })
            };
            chosen.ok_or_else(|| {
                let have: Vec<String> = tables
                    .iter()
                    .map(|t| format!("{} {}", t.stage.as_str(), t.year))
                    .collect();
                (
                    format!(
                        "`{id}` has no production table{}{}",
                        stage
                            .map(|s| format!(" for stage {}", s.as_str()))
                            .unwrap_or_default(),
                        year.map(|y| format!(" in {y}")).unwrap_or_default()
                    ),
                    if have.is_empty() {
                        "add a `production:` table to the mineral".to_string()
                    } else {
                        format!("its tables: {}", have.join(", "))
                    },
                )
            })
        };
        match call.name.as_str() {
            "supply_table" => {
                ctx.insert("table", &self.views.table_with_ids(m, table_index()?, &ids))
            }
            "producers" => ctx.insert("producers", &self.views.producers(m)),
            "import_sources" => match self.views.import_sources_with_ids(m, &ids) {
                Some(view) => ctx.insert("import_sources", &view),
                None => {
                    return Err((
                        format!("`{id}` has no `us_trade.import_sources`"),
                        "add them to the mineral, or remove the shortcode".into(),
                    ));
                }
            },
            _ => {
                let of = text("of")?.unwrap_or("production");
                if of != "production" && of != "imports" {
                    return Err((
                        format!("`of` must be \"production\" or \"imports\", not \"{of}\""),
                        "chart(mineral=\"x\", of=\"imports\") draws US import sources".into(),
                    ));
                }
                let chart = if of == "imports" {
                    self.views
                        .import_sources_with_ids(m, &ids)
                        .map(|v| v.chart)
                        .ok_or_else(|| {
                            (
                                format!("`{id}` has no `us_trade.import_sources`"),
                                "chart(of=\"production\") draws production shares".to_string(),
                            )
                        })?
                } else {
                    self.views.table_with_ids(m, table_index()?, &ids).chart
                };
                ctx.insert_value("chart", chart);
            }
        }
        Ok(())
    }

    /// Renders page `i` (a mineral, company, brief or plain page).
    pub fn page(&self, i: usize, body: &RenderedBody) -> Result<String, Diagnostic> {
        let page = &self.site().pages[i];
        let mut ctx = self.base_context(&page.path);
        let root = self.views.urls.root(&page.path);
        let content = Value::safe_string(&body.html().rooted(&root));
        let common = self.views.common(i, content, &body.toc);
        let template = match page.kind {
            Kind::Mineral => {
                ctx.insert(
                    "page",
                    &WithDetails {
                        common,
                        details: self.mineral(i),
                    },
                );
                "mineral.html"
            }
            Kind::Company => {
                ctx.insert(
                    "page",
                    &WithDetails {
                        common,
                        details: self.company(i),
                    },
                );
                "company.html"
            }
            Kind::Brief => {
                ctx.insert(
                    "page",
                    &WithDetails {
                        common,
                        details: self.brief(page),
                    },
                );
                "brief.html"
            }
            _ => {
                ctx.insert("page", &common);
                "page.html"
            }
        };
        self.templates.render(template, &ctx)
    }

    /// What a mineral page shows beyond the common fields (also used by print pages).
    pub(super) fn mineral(&self, i: usize) -> MineralDetails<'a> {
        let page = &self.site().pages[i];
        let m = &page.meta;
        let v = &self.views;
        MineralDetails {
            symbol: m.symbol.as_deref(),
            aliases: m.aliases.as_deref().unwrap_or(&[]),
            critical: m
                .critical
                .iter()
                .flatten()
                .map(|(list, &year)| Critical {
                    list,
                    label: list.to_uppercase(),
                    year,
                })
                .collect(),
            production: (0..m.production.as_ref().map_or(0, Vec::len))
                .map(|t| v.table(i, t))
                .collect(),
            reserves: m.reserves.as_ref().map(|r| {
                let mut rows: Vec<ReserveRow> = r
                    .by_country
                    .iter()
                    .map(|(c, &value)| ReserveRow {
                        country: v.country_ref(c),
                        value,
                    })
                    .collect();
                rows.sort_by(|a, b| b.value.total_cmp(&a.value));
                ReservesView {
                    unit: &r.unit,
                    source: r.source.as_deref(),
                    world: r.world,
                    rows,
                }
            }),
            uses: m
                .uses
                .iter()
                .flatten()
                .map(|u| UseView {
                    name: &u.name,
                    share: u.share,
                })
                .collect(),
            us_trade: m.us_trade.as_ref().map(|t| UsTradeView {
                source: t.source.as_deref(),
                net_import_reliance: t.net_import_reliance.as_ref().map(|n| Reliance {
                    year: n.year,
                    percent: n.percent,
                }),
                import_sources: v.import_sources(i),
            }),
            export_controls: m
                .export_controls
                .iter()
                .flatten()
                .map(|c| ControlView {
                    country: v.country_ref(&c.country),
                    effective: c.effective,
                    measure: &c.measure,
                    source: c.source.as_deref(),
                })
                .collect(),
            producers: v.producers(i),
        }
    }

    /// What a company page shows beyond the common fields (also used by print pages).
    pub(super) fn company(&self, i: usize) -> CompanyDetails<'a> {
        let site = self.site();
        let page = &site.pages[i];
        let m = &page.meta;
        let v = &self.views;
        let mineral_ref = |id: &str| site.find(id, Kind::Mineral).map(|j| v.page_ref(j));
        CompanyDetails {
            country: m.country.as_deref().map(|c| v.country_ref(c)),
            headquarters: m.headquarters.as_deref(),
            founded: m.founded,
            listing: m.listing.as_ref().map(|l| Listing {
                exchange: &l.exchange,
                ticker: &l.ticker.0,
            }),
            website: m.website.as_deref(),
            facilities: m
                .facilities
                .iter()
                .flatten()
                .map(|f| FacilityView {
                    name: &f.name,
                    location: f.location.as_deref(),
                    country: v.country_ref(&f.country),
                    products: f
                        .products
                        .iter()
                        .filter_map(|p| {
                            Some(ProductView {
                                mineral: mineral_ref(&p.mineral)?,
                                capacity: p.capacity,
                                unit: p.unit.as_deref(),
                                status: p.status.as_str(),
                                source: p.source.as_deref(),
                            })
                        })
                        .collect(),
                })
                .collect(),
            agreements: site.graph.agreements[i]
                .iter()
                .map(|r| {
                    let owner = &site.pages[r.owner];
                    let a = &owner.meta.agreements.as_ref().expect("agreements")[r.index];
                    let party = if r.owner == i {
                        match a.with.as_deref().and_then(|w| site.find(w, Kind::Company)) {
                            Some(j) => Party {
                                title: site.pages[j].title(),
                                path: Some(v.page_ref(j).path.into_owned()),
                            },
                            None => Party {
                                title: a.with_name.as_deref().or(a.with.as_deref()).unwrap_or(""),
                                path: None,
                            },
                        }
                    } else {
                        Party {
                            title: owner.title(),
                            path: Some(v.page_ref(r.owner).path.into_owned()),
                        }
                    };
                    AgreementView {
                        date: a.date,
                        party,
                        kind: &a.kind,
                        minerals: a.minerals.iter().filter_map(|id| mineral_ref(id)).collect(),
                        summary: a.summary.as_deref(),
                        source: a.source.as_deref(),
                        listed_by: v.page_ref(r.owner),
                    }
                })
                .collect(),
        }
    }

    /// What a brief page shows beyond the common fields (also used by print pages).
    pub(super) fn brief(&self, page: &'a Page) -> BriefDetails<'a> {
        let site = self.site();
        let v = &self.views;
        let refs = |ids: &Option<Vec<String>>, kind| {
            ids.iter()
                .flatten()
                .filter_map(|id| site.find(id, kind))
                .map(|j| v.page_ref(j))
                .collect()
        };
        BriefDetails {
            minerals: refs(&page.meta.minerals, Kind::Mineral),
            companies: refs(&page.meta.companies, Kind::Company),
            countries: page
                .meta
                .countries
                .iter()
                .flatten()
                .map(|c| v.country_ref(c))
                .collect(),
            print_path: v.urls.page(&format!("{}print/", page.path)).into_owned(),
        }
    }

    /// Renders a section's list page.
    pub fn section(
        &self,
        section: &Section,
        bodies: &[RenderedBody],
    ) -> Result<String, Diagnostic> {
        let site = self.site();
        let path = format!("{}/", section.name);
        let mut ctx = self.base_context(&path);
        let root = self.views.urls.root(&path);
        let pages: Vec<BriefRef> = section
            .pages
            .iter()
            .map(|&i| self.views.brief_ref(i))
            .collect();
        let (title, content) = match section.index {
            Some(i) => (
                site.pages[i]
                    .meta
                    .title
                    .clone()
                    .unwrap_or_else(|| title_case(&section.name)),
                bodies[i].html().rooted(&root),
            ),
            None => (title_case(&section.name), String::new()),
        };
        let countries: Vec<CountryRef> = if section.name == "countries" {
            site.graph
                .countries
                .keys()
                .map(|c| self.views.country_ref(c))
                .collect()
        } else {
            Vec::new()
        };
        ctx.insert(
            "section",
            &SectionView {
                title: &title,
                path: self.views.urls.page(&path).into_owned(),
                kind: &section.name,
                content: Value::safe_string(&content),
                pages,
                countries,
            },
        );
        self.templates.render("section.html", &ctx)
    }

    /// Renders a country page.
    pub fn country(
        &self,
        country: &'a Country,
        bodies: &[RenderedBody],
        backlinks: &[usize],
    ) -> Result<String, Diagnostic> {
        let path = format!("countries/{}/", country.code.to_ascii_lowercase());
        let mut ctx = self.base_context(&path);
        let root = self.views.urls.root(&path);
        let (content, toc, summary, note_internal) = match country.note {
            Some(i) => (
                bodies[i].html().rooted(&root),
                bodies[i].toc.as_slice(),
                self.site().pages[i].meta.summary.as_deref(),
                self.site().pages[i].is_internal(),
            ),
            None => (String::new(), &[][..], None, false),
        };
        let view = CountryPage {
            id: country.code.to_ascii_lowercase(),
            kind: "country",
            title: &country.name,
            summary,
            path: self.views.urls.page(&path).into_owned(),
            content: Value::safe_string(&content),
            toc,
            internal: note_internal,
            backlinks: backlinks.iter().map(|&b| self.views.page_ref(b)).collect(),
            briefs: self.views.briefs(&country.briefs),
            data_json: self
                .views
                .urls
                .page(&super::context::data_json_path(&path))
                .into_owned(),
            sources: Vec::new(),
            details: self.views.country(country),
        };
        ctx.insert("page", &view);
        self.templates.render("country.html", &ctx)
    }

    /// Renders the home page with the dashboard.
    pub fn home(&self, bodies: &[RenderedBody]) -> Result<String, Diagnostic> {
        let site = self.site();
        let mut ctx = self.base_context("");
        let root = self.views.urls.root("");
        let (title, summary, content) = match site.home {
            Some(i) => (
                site.pages[i]
                    .meta
                    .title
                    .as_deref()
                    .unwrap_or(&site.config.title),
                site.pages[i]
                    .meta
                    .summary
                    .as_deref()
                    .or(site.config.description.as_deref()),
                bodies[i].html().rooted(&root),
            ),
            None => (
                site.config.title.as_str(),
                site.config.description.as_deref(),
                String::new(),
            ),
        };
        ctx.insert(
            "page",
            &HomeView {
                title,
                summary,
                content: Value::safe_string(&content),
                path: self.views.urls.page("").into_owned(),
                kind: "home",
            },
        );
        ctx.insert("dashboard", &self.dashboard());
        let mut briefs = site.briefs_newest_first();
        briefs.truncate(5);
        ctx.insert("recent_briefs", &self.views.briefs(&briefs));
        self.templates.render("home.html", &ctx)
    }

    /// One row per mineral, by title.
    pub fn dashboard(&self) -> Vec<DashboardRow<'a>> {
        let site = self.site();
        let mut minerals: Vec<usize> = (0..site.pages.len())
            .filter(|&i| site.pages[i].kind == Kind::Mineral)
            .collect();
        minerals.sort_by_cached_key(|&i| site.pages[i].title().to_lowercase());
        minerals
            .into_iter()
            .map(|i| {
                let m = &site.pages[i].meta;
                let headline = self.views.headline_table(i);
                let metrics = headline.map(|t| &site.graph.tables[i][t]);
                let table = headline.map(|t| &m.production.as_ref().expect("tables")[t]);
                let mut controls: Vec<CountryRef> = Vec::new();
                for c in m.export_controls.iter().flatten() {
                    if !controls.iter().any(|x| x.code == c.country) {
                        controls.push(self.views.country_ref(&c.country));
                    }
                }
                DashboardRow {
                    mineral: self.views.page_ref(i),
                    symbol: m.symbol.as_deref(),
                    stage: table.map(|t| t.stage.as_str()),
                    year: table.map(|t| t.year),
                    top: metrics.and_then(|x| x.top.as_ref()).map(|(c, share)| {
                        super::context::TopView {
                            country: self.views.country_ref(c),
                            share: *share,
                        }
                    }),
                    hhi: metrics.map(|x| x.hhi.round() as i64),
                    hhi_label: metrics.map(|x| x.concentration.as_str()),
                    net_import_reliance: m
                        .us_trade
                        .as_ref()
                        .and_then(|t| t.net_import_reliance.as_ref())
                        .map(|n| n.percent),
                    export_controls: controls,
                    critical: m
                        .critical
                        .iter()
                        .flatten()
                        .map(|(list, _)| list.to_uppercase())
                        .collect(),
                }
            })
            .collect()
    }

    /// Renders the 404 page (links against the base URL, so it works at any depth).
    pub fn not_found(&self) -> Result<String, Diagnostic> {
        let mut ctx = self.base_context("");
        ctx.insert("root", &self.views.urls.base);
        self.templates.render("404.html", &ctx)
    }
}

/// Swaps each shortcode placeholder of `html` for its call's HTML (`outputs[n]` for
/// placeholder `n`) in one pass: a placeholder alone in a paragraph (`<p>word</p>`) replaces
/// the paragraph. Only placeholders in text are swapped, never one inside a tag (a heading
/// made of a call gets the word as its id), so a call's HTML cannot land in an attribute.
/// Replacing the calls one by one scanned the whole body per call: 500 charts took seconds.
fn fill_placeholders(html: &str, outputs: &mut [Option<String>]) -> String {
    const WORD: &str = "orebriefshortcode";
    let extra: usize = outputs.iter().flatten().map(String::len).sum();
    let mut out = String::with_capacity(html.len() + extra);
    let mut in_tag = false;
    let mut rest = html;
    // Copies `chunk` and follows whether the text after it lies inside a tag.
    let copy = |out: &mut String, chunk: &str, in_tag: &mut bool| {
        out.push_str(chunk);
        if let Some(i) = chunk.bytes().rposition(|b| b == b'<' || b == b'>') {
            *in_tag = chunk.as_bytes()[i] == b'<';
        }
    };
    let finder = memchr::memmem::Finder::new(WORD);
    while let Some(at) = finder.find(rest.as_bytes()) {
        let after = &rest[at + WORD.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let end = at + WORD.len() + digits + 1;
        let number = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with('x'));
        copy(&mut out, &rest[..at], &mut in_tag);
        let call = match number {
            Some(n) if !in_tag => outputs.get_mut(n).and_then(Option::take),
            _ => None,
        };
        match call {
            Some(call) => {
                if out.ends_with("<p>") && rest[end..].starts_with("</p>") {
                    out.truncate(out.len() - 3);
                    rest = &rest[end + 4..];
                } else {
                    rest = &rest[end..];
                }
                out.push_str(&call);
            }
            None => {
                out.push_str(WORD);
                rest = after;
            }
        }
    }
    copy(&mut out, rest, &mut in_tag);
    out
}

/// The most problems listed for one body.
pub const MAX_BODY_ERRORS: usize = 100;

/// Maps a body offset to a diagnostic at the file's line and column.
fn body_diagnostic(page: &Page, text: &str, offset: usize, message: String) -> Diagnostic {
    let (line, column) = diagnostics::line_col(text, offset);
    Diagnostic::error(&page.file, line + page.body_line - 1, column, message)
}

/// `rare-earths` -> `Rare earths`.
pub fn title_case(name: &str) -> String {
    let text = name.replace(['-', '_'], " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[derive(Serialize)]
struct WithDetails<'a, D: Serialize> {
    #[serde(flatten)]
    common: PageView<'a>,
    #[serde(flatten)]
    details: D,
}

#[derive(Serialize)]
struct Critical<'a> {
    list: &'a str,
    label: String,
    year: i32,
}

/// See [`Renderer::mineral`].
#[derive(Serialize)]
pub(super) struct MineralDetails<'a> {
    symbol: Option<&'a str>,
    aliases: &'a [String],
    critical: Vec<Critical<'a>>,
    production: Vec<TableView<'a>>,
    reserves: Option<ReservesView<'a>>,
    uses: Vec<UseView<'a>>,
    us_trade: Option<UsTradeView<'a>>,
    export_controls: Vec<ControlView<'a>>,
    producers: Vec<ProducerView<'a>>,
}

#[derive(Serialize)]
struct ReservesView<'a> {
    unit: &'a str,
    source: Option<&'a str>,
    world: Option<f64>,
    rows: Vec<ReserveRow<'a>>,
}

#[derive(Serialize)]
struct ReserveRow<'a> {
    country: CountryRef<'a>,
    value: f64,
}

#[derive(Serialize)]
struct UseView<'a> {
    name: &'a str,
    share: Option<f64>,
}

#[derive(Serialize)]
struct UsTradeView<'a> {
    source: Option<&'a str>,
    net_import_reliance: Option<Reliance>,
    import_sources: Option<ImportSourcesView<'a>>,
}

#[derive(Serialize)]
struct Reliance {
    year: i32,
    percent: f64,
}

#[derive(Serialize)]
struct ControlView<'a> {
    country: CountryRef<'a>,
    effective: PartialDate,
    measure: &'a str,
    source: Option<&'a str>,
}

/// See [`Renderer::company`].
#[derive(Serialize)]
pub(super) struct CompanyDetails<'a> {
    country: Option<CountryRef<'a>>,
    headquarters: Option<&'a str>,
    founded: Option<i32>,
    listing: Option<Listing<'a>>,
    website: Option<&'a str>,
    facilities: Vec<FacilityView<'a>>,
    agreements: Vec<AgreementView<'a>>,
}

#[derive(Serialize)]
struct Listing<'a> {
    exchange: &'a str,
    ticker: &'a str,
}

#[derive(Serialize)]
struct FacilityView<'a> {
    name: &'a str,
    location: Option<&'a str>,
    country: CountryRef<'a>,
    products: Vec<ProductView<'a>>,
}

#[derive(Serialize)]
struct ProductView<'a> {
    mineral: Ref<'a>,
    capacity: Option<f64>,
    unit: Option<&'a str>,
    status: &'static str,
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct Party<'a> {
    title: &'a str,
    path: Option<String>,
}

#[derive(Serialize)]
struct AgreementView<'a> {
    date: PartialDate,
    party: Party<'a>,
    kind: &'a str,
    minerals: Vec<Ref<'a>>,
    summary: Option<&'a str>,
    source: Option<&'a str>,
    listed_by: Ref<'a>,
}

/// See [`Renderer::brief`].
#[derive(Serialize)]
pub(super) struct BriefDetails<'a> {
    minerals: Vec<Ref<'a>>,
    companies: Vec<Ref<'a>>,
    countries: Vec<CountryRef<'a>>,
    print_path: String,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    path: String,
    kind: &'a str,
    content: Value,
    pages: Vec<BriefRef<'a>>,
    countries: Vec<CountryRef<'a>>,
}

#[derive(Serialize)]
struct CountryPage<'a> {
    id: String,
    kind: &'static str,
    title: &'a str,
    summary: Option<&'a str>,
    path: String,
    content: Value,
    toc: &'a [markdown::TocEntry],
    internal: bool,
    backlinks: Vec<Ref<'a>>,
    briefs: Vec<BriefRef<'a>>,
    data_json: String,
    sources: Vec<&'a Source>,
    #[serde(flatten)]
    details: super::context::CountryDetails<'a>,
}

#[derive(Serialize)]
struct HomeView<'a> {
    title: &'a str,
    summary: Option<&'a str>,
    content: Value,
    path: String,
    kind: &'static str,
}

/// A row of the home dashboard.
#[derive(Serialize)]
pub struct DashboardRow<'a> {
    mineral: Ref<'a>,
    symbol: Option<&'a str>,
    stage: Option<&'static str>,
    year: Option<i32>,
    top: Option<super::context::TopView<'a>>,
    hhi: Option<i64>,
    hhi_label: Option<&'static str>,
    net_import_reliance: Option<f64>,
    export_controls: Vec<CountryRef<'a>>,
    critical: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_with_code_left_for_later_gets_it_on_first_use_and_settles_to_one_html() {
        let mut body = RenderedBody {
            html: PackedHtml::pack(&format!("<p>a</p>\n{}\n<p>b</p>\n", code::mark(0))),
            later: Some(Box::new(LaterCode {
                blocks: vec![CodeBlock {
                    code: "x < y\n".into(),
                    lang: String::new(),
                }],
                html: OnceLock::new(),
            })),
            ..RenderedBody::default()
        };
        assert!(!body.is_ready());
        // Not made yet: nothing to settle.
        body.settle();
        assert!(body.later.is_some());
        let filled = "<p>a</p>\n<pre class=\"code\"><code>x &lt; y\n</code></pre>\n<p>b</p>\n";
        assert_eq!(body.html().unpack(), filled);
        assert!(body.is_ready());
        body.settle();
        assert!(body.later.is_none());
        assert_eq!(body.html().unpack(), filled);
        assert_eq!(body.html.unpack(), filled);
    }
}
