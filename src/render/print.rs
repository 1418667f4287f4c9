//! Printable documents, one HTML page each, styled for paper (A4 or Letter) by the theme's
//! print CSS:
//!
//! - `briefs/<id>/print/`: a brief, then the profile of every mineral and company it names,
//!   as annexes, with a table of contents;
//! - `print/`: the whole portal as one document: home (with the dashboard), minerals,
//!   companies, countries, briefs and other pages.
//!
//! Each part is rendered through `partials/print_<kind>.html` with the same values its own
//! page gets (and the same partials: supply tables, producers, import sources, charts), from
//! the already rendered bodies ([`RenderedBody::html`], whose
//! [`ROOT_MARK`](super::urls::ROOT_MARK) becomes the print page's root). Ids inside a part
//! are prefixed with the part's anchor so that they stay unique in the document, and links
//! to a page that is part of the document jump to it.

use std::collections::HashMap;

use serde::Serialize;
use tera::{Context, Value};

use super::annexes::Annexes;
use super::context::{CountryDetails, PageView};
use super::markdown::TocEntry;
use super::pages::{RenderedBody, Renderer};
use super::rewrite::{prefix_part, with_jumps};
use crate::diagnostics::Diagnostic;
use crate::model::{Kind, PartialDate};
use crate::resolve::Country;

/// The site path of the whole portal as one document.
pub const PORTAL_PATH: &str = "print/";

/// The site path of the printable version of the brief whose page is at `path`.
pub fn brief_print_path(path: &str) -> String {
    format!("{path}print/")
}

/// A print document ready to be written: the template's output with a marker where each
/// part goes, and the parts, planned but not yet rendered. The parts are rendered as the
/// document is written ([`Renderer::write_print`]), a few at a time, so that the whole-portal
/// document (every page of the site) is streamed to its file and never held in memory.
pub struct PrintDocument<'s> {
    /// `print.html`'s output; part `n` stands as [`part_marker`]`(n)`.
    pub shell: String,
    /// The document's site path.
    path: String,
    /// The relative root of the document's links.
    root: String,
    /// Web path of each page that is part of the document -> its anchor.
    anchors: HashMap<String, String>,
    /// The parts, in document order.
    parts: Vec<Planned<'s>>,
}

/// The marker of part `n` in [`PrintDocument::shell`].
pub fn part_marker(n: usize) -> String {
    format!("<!--orebrief-print-part-{n}-->")
}

/// The most parts rendered (in parallel, in the portal document) before they are written
/// out.
const PARTS_AT_ONCE: usize = 64;

/// How much rendered HTML a chunk of parts should hold (4 MiB): a chunk of parts is held
/// while the next one renders, and the parts of a portal differ a hundredfold in size (a
/// company against a country with every producer and brief of its own), so chunks are
/// sized from the parts just rendered.
const CHUNK_BYTES: usize = 4 << 20;

/// The parts in the first chunk of a kind, before any part of that kind was measured.
const FIRST_CHUNK: usize = 8;

/// What a part of a document shows.
#[derive(Clone, Copy)]
enum Subject<'s> {
    /// The home page and its dashboard.
    Home,
    /// A page of the site.
    Page(usize),
    /// A country page.
    Country(&'s Country),
}

/// A part, planned before anything is rendered (links between parts need every anchor).
struct Planned<'s> {
    subject: Subject<'s>,
    anchor: String,
    /// "Annex A".
    label: Option<String>,
    /// Heading level of the part's title.
    level: u8,
    /// The title is the document's own (the brief of a brief's document).
    headless: bool,
}

struct Chapter<'s> {
    anchor: Option<String>,
    title: Option<String>,
    parts: Vec<Planned<'s>>,
}

#[derive(Serialize)]
struct DocumentView<'a> {
    /// `brief` or `portal`.
    kind: &'static str,
    title: &'a str,
    eyebrow: String,
    summary: Option<&'a str>,
    date: Option<PartialDate>,
    /// Link to the web version.
    web_path: String,
    edition: &'static str,
    toc: Vec<TocItem>,
    chapters: Vec<ChapterView>,
    /// `@page` rules with the running header (safe CSS).
    page_css: Value,
}

#[derive(Serialize)]
struct TocItem {
    anchor: String,
    label: String,
    kind: &'static str,
    children: Vec<TocItem>,
}

#[derive(Serialize)]
struct ChapterView {
    anchor: Option<String>,
    title: Option<String>,
    parts: Vec<PartView>,
}

#[derive(Serialize)]
struct PartView {
    anchor: String,
    kind: &'static str,
    internal: bool,
    /// The id of the part's title (the document's title for a headless part).
    labelledby: String,
    /// "Annex A", for an annex.
    label: Option<String>,
    html: Value,
}

/// What a part's template gets as `part`.
#[derive(Serialize)]
struct PartInfo<'a> {
    anchor: &'a str,
    label: Option<&'a str>,
    level: u8,
    sub: u8,
    headless: bool,
    /// The page's address on the published site.
    permalink: String,
}

impl<'a> Renderer<'a> {
    /// Renders the printable version of brief `i`: the brief, then the profile of every
    /// mineral and company it names, as annexes, with a table of contents.
    pub fn brief_print(
        &self,
        i: usize,
        bodies: &[RenderedBody],
    ) -> Result<PrintDocument<'a>, Diagnostic> {
        let site = self.views.site;
        let page = &site.pages[i];
        let path = brief_print_path(&page.path);
        let mut annexes = Vec::new();
        for (n, j) in self.annex_pages(i).into_iter().enumerate() {
            annexes.push(Planned {
                subject: Subject::Page(j),
                anchor: anchor_of(site, Subject::Page(j)),
                label: Some(format!("Annex {}", annex_letter(n))),
                // Under the "Annexes" chapter, at the level of the whole-portal document's
                // parts, so that an annex can be the part that document rendered.
                level: 3,
                headless: false,
            });
        }
        let chapters = vec![
            Chapter {
                anchor: None,
                title: None,
                parts: vec![Planned {
                    subject: Subject::Page(i),
                    anchor: anchor_of(site, Subject::Page(i)),
                    label: None,
                    level: 1,
                    headless: true,
                }],
            },
            Chapter {
                anchor: Some("annexes".to_string()),
                title: Some("Annexes".to_string()),
                parts: annexes,
            },
        ];
        let eyebrow = match page.meta.date {
            Some(d) => format!("Brief · {d}"),
            None => "Brief".to_string(),
        };
        self.document(
            &path,
            "brief",
            page.title(),
            eyebrow,
            page.meta.summary.as_deref(),
            page.meta.date,
            self.views.urls.page(&page.path).into_owned(),
            chapters,
            bodies,
        )
    }

    /// The pages that are annexes of brief `i`'s printable version, in order: the minerals
    /// it names, then the companies, each once.
    pub fn annex_pages(&self, i: usize) -> Vec<usize> {
        let site = self.views.site;
        let page = &site.pages[i];
        let named = |ids: &Option<Vec<String>>, kind| {
            ids.iter()
                .flatten()
                .filter_map(move |id| site.find(id, kind))
                .collect::<Vec<usize>>()
        };
        let mut pages = named(&page.meta.minerals, Kind::Mineral);
        pages.extend(named(&page.meta.companies, Kind::Company));
        let mut seen = std::collections::HashSet::new();
        pages.retain(|j| seen.insert(*j));
        pages
    }

    /// Renders the whole portal as one document: home, minerals, companies, countries,
    /// briefs and other pages.
    pub fn portal_print(&self, bodies: &[RenderedBody]) -> Result<PrintDocument<'a>, Diagnostic> {
        let site = self.views.site;
        let mut chapters = vec![Chapter {
            anchor: None,
            title: None,
            parts: vec![Planned {
                subject: Subject::Home,
                anchor: anchor_of(site, Subject::Home),
                label: None,
                level: 2,
                headless: false,
            }],
        }];
        let part = |subject: Subject<'a>| Planned {
            subject,
            anchor: anchor_of(site, subject),
            label: None,
            level: 3,
            headless: false,
        };
        let mut chapter = |name: &str, title: String, parts: Vec<Planned<'a>>| {
            if !parts.is_empty() {
                chapters.push(Chapter {
                    anchor: Some(format!("chapter-{name}")),
                    title: Some(title),
                    parts,
                });
            }
        };
        let section_title = |name: &str| {
            site.sections
                .iter()
                .find(|s| s.name == name)
                .and_then(|s| s.index)
                .and_then(|i| site.pages[i].meta.title.clone())
                .unwrap_or_else(|| super::pages::title_case(name))
        };
        let of_kind = |kind: Kind| -> Vec<Planned<'a>> {
            // Section order first (weight, date, title), then pages of the kind elsewhere.
            let mut list: Vec<usize> = site
                .sections
                .iter()
                .flat_map(|s| s.pages.iter().copied())
                .filter(|&j| site.pages[j].kind == kind)
                .collect();
            let listed: std::collections::HashSet<usize> = list.iter().copied().collect();
            for (j, p) in site.pages.iter().enumerate() {
                if p.kind == kind && !listed.contains(&j) {
                    list.push(j);
                }
            }
            list.into_iter().map(|j| part(Subject::Page(j))).collect()
        };
        chapter(
            "minerals",
            section_title("minerals"),
            of_kind(Kind::Mineral),
        );
        chapter(
            "companies",
            section_title("companies"),
            of_kind(Kind::Company),
        );
        let mut countries: Vec<&Country> = site.graph.countries.values().collect();
        countries.sort_by_cached_key(|c| c.name.to_lowercase());
        chapter(
            "countries",
            section_title("countries"),
            countries
                .into_iter()
                .map(|c| part(Subject::Country(c)))
                .collect(),
        );
        chapter("briefs", section_title("briefs"), of_kind(Kind::Brief));
        chapter("pages", "Other pages".to_string(), of_kind(Kind::Page));
        self.document(
            PORTAL_PATH,
            "portal",
            &site.config.title,
            "The whole portal".to_string(),
            site.config.description.as_deref(),
            None,
            self.views.urls.page("").into_owned(),
            chapters,
            bodies,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn document<'s>(
        &self,
        path: &str,
        kind: &'static str,
        title: &str,
        eyebrow: String,
        summary: Option<&str>,
        date: Option<PartialDate>,
        web_path: String,
        chapters: Vec<Chapter<'s>>,
        bodies: &[RenderedBody],
    ) -> Result<PrintDocument<'s>, Diagnostic> {
        let site = self.views.site;
        let urls = self.views.urls;
        let root = urls.root(path);
        // Links to a page that is part of the document jump to it.
        let targets: Vec<(String, &str)> = chapters
            .iter()
            .flat_map(|c| c.parts.iter())
            .map(|p| (self.web_path(p.subject), p.anchor.as_str()))
            .collect();
        let anchors: HashMap<String, String> = targets
            .into_iter()
            .map(|(path, anchor)| (path, anchor.to_string()))
            .collect();
        let mut toc = Vec::new();
        let mut views = Vec::with_capacity(chapters.len());
        let mut planned_parts: Vec<Planned<'s>> = Vec::new();
        for chapter in chapters {
            let mut parts = Vec::with_capacity(chapter.parts.len());
            let mut items = Vec::new();
            for planned in chapter.parts {
                let (label, kind) = self.toc_label(&planned);
                let children = if planned.headless {
                    self.part_toc(planned.subject, bodies)
                        .iter()
                        .filter(|h| h.level <= 3)
                        .map(|h| TocItem {
                            anchor: format!("{}-{}", planned.anchor, h.id),
                            label: h.title.clone(),
                            kind: "heading",
                            children: Vec::new(),
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                items.push(TocItem {
                    anchor: planned.anchor.clone(),
                    label,
                    kind,
                    children,
                });
                parts.push(PartView {
                    anchor: planned.anchor.clone(),
                    kind: subject_kind(site, planned.subject),
                    internal: matches!(planned.subject, Subject::Page(j) if site.pages[j].is_internal()),
                    labelledby: if planned.headless {
                        "document-title".to_string()
                    } else {
                        format!("{}-title", planned.anchor)
                    },
                    label: planned.label.clone(),
                    html: Value::safe_string(&part_marker(planned_parts.len())),
                });
                planned_parts.push(planned);
            }
            match (&chapter.anchor, &chapter.title) {
                (Some(anchor), Some(title)) => toc.push(TocItem {
                    anchor: anchor.clone(),
                    label: title.clone(),
                    kind: "chapter",
                    children: items,
                }),
                _ => toc.extend(items),
            }
            views.push(ChapterView {
                anchor: chapter.anchor.clone(),
                title: chapter.title.clone(),
                parts,
            });
        }
        let internal = site.profile == crate::config::Profile::Internal;
        let mut header = site.config.title.clone();
        if internal {
            header.push_str(" (Internal)");
        }
        if let Some(as_of) = self.as_of {
            header.push_str(&format!(" · Data as of {as_of}"));
        }
        let page_css = format!(
            "@page {{ @top-left {{ content: \"{}\"; font-family: system-ui, sans-serif; font-size: 8.5pt; color: #444; }} }} .print-header {{ display: none !important; }}",
            css_string(&header)
        );
        let view = DocumentView {
            kind,
            title,
            eyebrow,
            summary,
            date,
            web_path,
            edition: if internal { "Internal" } else { "Public" },
            toc,
            chapters: views,
            page_css: Value::safe_string(&page_css),
        };
        let mut ctx = self.base_context(path);
        ctx.insert("document", &view);
        ctx.insert(
            "page",
            &DocumentPage {
                title,
                kind: "print",
                path: urls.page(path).into_owned(),
                summary,
            },
        );
        let shell = self.templates.render("print.html", &ctx)?;
        Ok(PrintDocument {
            shell,
            path: path.to_string(),
            root,
            anchors,
            parts: planned_parts,
        })
    }

    /// Writes `doc` through `emit`, piece by piece: the shell's text and the parts, each
    /// rendered when its turn comes, a chunk at a time, in parallel, while the chunk
    /// rendered before is emitted. A chunk holds parts of one kind, 8 of them at first, then
    /// as many as make about 4 MiB at the size of the parts of the chunk before (at most 64).
    /// Annexes come from `annexes` when given (the cache shared by the briefs of a build).
    /// Stops at the first part that fails to render, or when `emit` returns false.
    pub fn write_print(
        &self,
        doc: &PrintDocument<'_>,
        bodies: &[RenderedBody],
        annexes: Option<&Annexes>,
        emit: impl FnMut(&str) -> bool + Send,
    ) -> Result<(), Diagnostic> {
        self.write_parts(doc, bodies, annexes, true, emit)
    }

    /// [`Renderer::write_print`], rendering each chunk's parts in parallel (and the next
    /// chunk while one is emitted) when `parallel`, else one part after another.
    fn write_parts(
        &self,
        doc: &PrintDocument<'_>,
        bodies: &[RenderedBody],
        annexes: Option<&Annexes>,
        parallel: bool,
        mut emit: impl FnMut(&str) -> bool + Send,
    ) -> Result<(), Diagnostic> {
        use rayon::prelude::*;
        let render = |chunk: &[Planned<'_>]| -> Vec<Result<String, Diagnostic>> {
            let part = |planned| self.print_part(doc, planned, bodies, annexes);
            if parallel {
                chunk.par_iter().map(part).collect()
            } else {
                chunk.iter().map(part).collect()
            }
        };
        let mut rest = doc.shell.as_str();
        let mut next = 0;
        // Emits one rendered chunk; false once the document is done (an error, or `emit`
        // declined).
        let mut emit_chunk = |htmls: Vec<Result<String, Diagnostic>>| -> Result<bool, Diagnostic> {
            for html in htmls {
                let html = html?;
                let marker = part_marker(next);
                next += 1;
                // A theme that does not show a part leaves it out.
                let Some(at) = rest.find(&marker) else {
                    continue;
                };
                if !emit(&rest[..at]) || !emit(&html) {
                    return Ok(false);
                }
                rest = &rest[at + marker.len()..];
            }
            Ok(true)
        };
        let site = self.views.site;
        let kind = |n: usize| subject_kind(site, doc.parts[n].subject);
        // The chunk that starts at part `start`, after a chunk of `before` parts of
        // `before_kind` that rendered to `bytes`.
        let chunk_at = |start: usize, before: Option<(&str, usize, usize)>| {
            let this = kind(start);
            let size = match before {
                Some((k, n, bytes)) if k == this => {
                    (CHUNK_BYTES * n / bytes.max(1)).clamp(1, PARTS_AT_ONCE)
                }
                _ => FIRST_CHUNK,
            };
            let end = (start..doc.parts.len().min(start + size))
                .take_while(|&n| kind(n) == this)
                .count();
            start..start + end
        };
        let mut range = (!doc.parts.is_empty()).then(|| chunk_at(0, None));
        let mut pending = range.clone().map(|r| render(&doc.parts[r]));
        while let Some(htmls) = pending.take() {
            let done = range.clone().unwrap_or_default();
            let bytes = htmls
                .iter()
                .map(|h| h.as_ref().map_or(0, String::len))
                .sum();
            range = (done.end < doc.parts.len())
                .then(|| chunk_at(done.end, Some((kind(done.start), done.len(), bytes))));
            let (emitted, rendered) = match range.clone() {
                Some(r) if parallel => {
                    rayon::join(|| emit_chunk(htmls), || Some(render(&doc.parts[r])))
                }
                Some(r) => (emit_chunk(htmls), Some(render(&doc.parts[r]))),
                None => (emit_chunk(htmls), None),
            };
            if !emitted? {
                return Ok(());
            }
            pending = rendered;
        }
        emit(rest);
        Ok(())
    }

    /// The whole of `doc` as one string (a brief and its annexes, taken from `annexes` when
    /// given), its parts rendered in parallel or one after another. A build prints its
    /// briefs in parallel, each one part after another, as long as there are at least as
    /// many briefs as threads: parts rendered in parallel inside each let a waiting thread
    /// start other briefs, so that the number of documents held at once, and the build's
    /// peak memory, varied from run to run.
    pub fn print_to_string(
        &self,
        doc: &PrintDocument<'_>,
        bodies: &[RenderedBody],
        annexes: Option<&Annexes>,
        parallel: bool,
    ) -> Result<String, Diagnostic> {
        let mut out = String::with_capacity(doc.shell.len() + doc.parts.len() * 40_000);
        self.write_parts(doc, bodies, annexes, parallel, |piece| {
            out.push_str(piece);
            true
        })?;
        Ok(out)
    }

    /// Renders one part, its ids prefixed with its anchor and its links to other parts of
    /// the document turned into jumps. A labelled part of a page (an annex) comes from
    /// `annexes` when given.
    fn print_part(
        &self,
        doc: &PrintDocument<'_>,
        planned: &Planned<'_>,
        bodies: &[RenderedBody],
        annexes: Option<&Annexes>,
    ) -> Result<String, Diagnostic> {
        let prefix = format!("{}-", planned.anchor);
        let render = |label: Option<&str>| -> Result<_, Diagnostic> {
            let html = self.part(&doc.path, &doc.root, planned, label, bodies)?;
            Ok(prefix_part(&html, &prefix, Some(&doc.root)))
        };
        let part = match (annexes, planned.subject, planned.label.as_deref()) {
            (Some(annexes), Subject::Page(j), Some(label)) => {
                let kind = self.views.site.pages[j].kind.as_str();
                annexes.part(j, kind, &doc.root, label, |label| render(Some(label)))?
            }
            // A part of the whole-portal document: kept for the briefs naming its page.
            (Some(annexes), Subject::Page(j), None) => {
                let part = render(None)?;
                annexes.offer(j, &doc.root, &part);
                part
            }
            _ => render(planned.label.as_deref())?,
        };
        Ok(with_jumps(part, (doc.root.as_str(), &doc.anchors)))
    }

    /// The href (without root) of the web page of a subject.
    fn web_path(&self, subject: Subject<'_>) -> String {
        let urls = self.views.urls;
        match subject {
            Subject::Home => urls.page("").into_owned(),
            Subject::Page(j) => urls.page(&self.views.site.pages[j].path).into_owned(),
            Subject::Country(c) => urls
                .page(&format!("countries/{}/", c.code.to_ascii_lowercase()))
                .into_owned(),
        }
    }

    fn toc_label(&self, planned: &Planned<'_>) -> (String, &'static str) {
        let site = self.views.site;
        let (title, kind) = match planned.subject {
            Subject::Home => (
                site.home
                    .and_then(|i| site.pages[i].meta.title.clone())
                    .filter(|t| *t != site.config.title)
                    .unwrap_or_else(|| "Overview".to_string()),
                "home",
            ),
            Subject::Page(j) => (
                site.pages[j].title().to_string(),
                site.pages[j].kind.as_str(),
            ),
            Subject::Country(c) => (c.name.clone(), "country"),
        };
        match &planned.label {
            Some(label) => (format!("{label}: {title}"), kind),
            None => (title, kind),
        }
    }

    fn part_toc<'b>(&self, subject: Subject<'_>, bodies: &'b [RenderedBody]) -> &'b [TocEntry] {
        match subject {
            Subject::Page(j) => bodies.get(j).map_or(&[][..], |b| b.toc.as_slice()),
            _ => &[],
        }
    }

    /// Renders one part through `partials/print_<kind>.html`, with `label` as its label.
    fn part(
        &self,
        doc_path: &str,
        root: &str,
        planned: &Planned<'_>,
        label: Option<&str>,
        bodies: &[RenderedBody],
    ) -> Result<String, Diagnostic> {
        let site = self.views.site;
        let v = &self.views;
        let mut ctx: Context = self.base_context(doc_path);
        let shift = planned.level.saturating_sub(1);
        let body = |j: usize| -> String {
            let html = bodies
                .get(j)
                .map(|b| b.html().rooted(root))
                .unwrap_or_default();
            shift_headings(&html, shift)
        };
        let web = self.web_path(planned.subject);
        // Source references of a profile point into its own sources list.
        ctx.insert("page_path", &web);
        let permalink = match planned.subject {
            Subject::Home => v.urls.permalink(""),
            Subject::Page(j) => v.urls.permalink(&site.pages[j].path),
            Subject::Country(c) => v
                .urls
                .permalink(&format!("countries/{}/", c.code.to_ascii_lowercase())),
        };
        ctx.insert(
            "part",
            &PartInfo {
                anchor: &planned.anchor,
                label,
                level: planned.level.min(6),
                sub: planned.level.saturating_add(1).min(6),
                headless: planned.headless,
                permalink,
            },
        );
        let template = match planned.subject {
            Subject::Home => {
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
                        body(i),
                    ),
                    None => (
                        site.config.title.as_str(),
                        site.config.description.as_deref(),
                        String::new(),
                    ),
                };
                ctx.insert(
                    "page",
                    &HomePrint {
                        id: "home",
                        kind: "home",
                        title,
                        summary,
                        path: web.clone(),
                        content: Value::safe_string(&content),
                    },
                );
                ctx.insert("dashboard", &self.dashboard());
                "partials/print_home.html"
            }
            Subject::Country(country) => {
                let (content, summary, toc) = match country.note {
                    Some(i) => (
                        body(i),
                        site.pages[i].meta.summary.as_deref(),
                        bodies.get(i).map_or(&[][..], |b| b.toc.as_slice()),
                    ),
                    None => (String::new(), None, &[][..]),
                };
                let updated = country.note.and_then(|i| site.pages[i].meta.updated);
                ctx.insert(
                    "page",
                    &CountryPrint {
                        id: country.code.to_ascii_lowercase(),
                        kind: "country",
                        title: &country.name,
                        summary,
                        path: web.clone(),
                        content: Value::safe_string(&content),
                        toc,
                        updated,
                        details: v.country(country),
                    },
                );
                "partials/print_country.html"
            }
            Subject::Page(j) => {
                let page = &site.pages[j];
                let content = Value::safe_string(&body(j));
                let toc = bodies.get(j).map_or(&[][..], |b| b.toc.as_slice());
                let common = v.common(j, content, toc);
                match page.kind {
                    Kind::Mineral => {
                        ctx.insert("mineral", &v.page_ref(j));
                        ctx.insert(
                            "page",
                            &Print {
                                common,
                                details: self.mineral(j),
                            },
                        );
                        PAGE_PART_TEMPLATES[0]
                    }
                    Kind::Company => {
                        ctx.insert(
                            "page",
                            &Print {
                                common,
                                details: self.company(j),
                            },
                        );
                        PAGE_PART_TEMPLATES[1]
                    }
                    Kind::Brief => {
                        ctx.insert(
                            "page",
                            &Print {
                                common,
                                details: self.brief(&site.pages[j]),
                            },
                        );
                        PAGE_PART_TEMPLATES[2]
                    }
                    _ => {
                        ctx.insert("page", &common);
                        PAGE_PART_TEMPLATES[3]
                    }
                }
            }
        };
        self.templates.render(template, &ctx)
    }
}

/// The templates of the parts of pages: mineral, company, brief, any other page. An annex is
/// one of these.
pub const PAGE_PART_TEMPLATES: [&str; 4] = [
    "partials/print_mineral.html",
    "partials/print_company.html",
    "partials/print_brief.html",
    "partials/print_page.html",
];

/// `A`, `B`, ... `Z`, `AA`, `AB`, ...
fn annex_letter(n: usize) -> String {
    let mut n = n + 1;
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push((b'A' + (n % 26) as u8) as char);
        n /= 26;
    }
    letters.iter().rev().collect()
}

fn anchor_of(site: &crate::resolve::Site, subject: Subject<'_>) -> String {
    match subject {
        Subject::Home => "home".to_string(),
        Subject::Page(j) => format!("{}-{}", site.pages[j].kind.as_str(), site.pages[j].id),
        Subject::Country(c) => format!("country-{}", c.code.to_ascii_lowercase()),
    }
}

fn subject_kind(site: &crate::resolve::Site, subject: Subject<'_>) -> &'static str {
    match subject {
        Subject::Home => "home",
        Subject::Page(j) => site.pages[j].kind.as_str(),
        Subject::Country(_) => "country",
    }
}

/// A string as the body of a CSS string literal (inside double quotes).
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3c "),
            '>' => out.push_str("\\3e "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Lowers every heading of `html` by `by` levels (at most to `h6`), so that a page's body
/// sits under the heading of its part. The tags are found with two substring searches
/// (`<h`, `</h`) rather than by looking at every tag: a body has hundreds of tags (each
/// highlighted token is a span) and a handful of headings.
pub fn shift_headings(html: &str, by: u8) -> String {
    if by == 0 {
        return html.to_string();
    }
    let bytes = html.as_bytes();
    // Where the level digit of each heading tag is, opening (`<h2 id="x">`) or closing.
    let mut digits: Vec<usize> = memchr::memmem::find_iter(bytes, "<h")
        .map(|at| at + 2)
        .chain(memchr::memmem::find_iter(bytes, "</h").map(|at| at + 3))
        .filter(|&d| {
            matches!(bytes.get(d..d + 2), Some([b'1'..=b'6', next])
                if *next == b'>' || next.is_ascii_whitespace())
        })
        .collect();
    digits.sort_unstable();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for d in digits {
        out.push_str(&html[copied..d]);
        out.push(char::from(
            b'0' + (bytes[d] - b'0').saturating_add(by).min(6),
        ));
        copied = d + 1;
    }
    out.push_str(&html[copied..]);
    out
}

#[derive(Serialize)]
struct DocumentPage<'a> {
    title: &'a str,
    kind: &'static str,
    path: String,
    summary: Option<&'a str>,
}

#[derive(Serialize)]
struct Print<'a, D: Serialize> {
    #[serde(flatten)]
    common: PageView<'a>,
    #[serde(flatten)]
    details: D,
}

#[derive(Serialize)]
struct HomePrint<'a> {
    id: &'static str,
    kind: &'static str,
    title: &'a str,
    summary: Option<&'a str>,
    path: String,
    content: Value,
}

#[derive(Serialize)]
struct CountryPrint<'a> {
    id: String,
    kind: &'static str,
    title: &'a str,
    summary: Option<&'a str>,
    path: String,
    content: Value,
    toc: &'a [TocEntry],
    updated: Option<PartialDate>,
    #[serde(flatten)]
    details: CountryDetails<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The implementation before the substring searches, kept as the reference the current
    /// one must match.
    fn shift_headings_before(html: &str, by: u8) -> String {
        if by == 0 {
            return html.to_string();
        }
        let mut out = String::with_capacity(html.len());
        let mut copied = 0;
        let bytes = html.as_bytes();
        for (at, _) in html.match_indices('<') {
            let name = if bytes.get(at + 1) == Some(&b'/') {
                at + 2
            } else {
                at + 1
            };
            match bytes.get(name..name + 3) {
                Some([b'h', d @ b'1'..=b'6', next])
                    if *next == b'>' || next.is_ascii_whitespace() =>
                {
                    out.push_str(&html[copied..name + 1]);
                    let level = (d - b'0' + by).min(6);
                    out.push(char::from(b'0' + level));
                    copied = name + 2;
                }
                _ => {}
            }
        }
        out.push_str(&html[copied..]);
        out
    }

    #[test]
    fn headings_move_down() {
        assert_eq!(
            shift_headings("<h2 id=\"x\">A</h2><header><hr><h6>B</h6>", 2),
            "<h4 id=\"x\">A</h4><header><hr><h6>B</h6>"
        );
    }

    #[test]
    fn annexes_are_lettered() {
        assert_eq!(annex_letter(0), "A");
        assert_eq!(annex_letter(25), "Z");
        assert_eq!(annex_letter(26), "AA");
    }

    proptest::proptest! {
        /// On strings of tag-like pieces (headings of every level, near misses such as
        /// `<h7>`, `<hr>`, `<header>`, unclosed tags), the output is that of the
        /// implementation before.
        #[test]
        fn shifting_matches_the_implementation_before(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<h1>", "<h2 id=\"x\">", "</h3>", "<h4\n", "<h6>", "</h6 >", "<h7>", "<h0>",
                    "<hr>", "<header>", "</h", "<h", "<", "/", "h", "1", "6", ">", " ", "x", "é",
                ]),
                0..30,
            ),
            by in proptest::prop_oneof![0u8..7, 250u8..=255],
        ) {
            let html: String = pieces.concat();
            // A shift of 6 or more takes every heading to h6, and a large one does not
            // overflow.
            proptest::prop_assert_eq!(
                shift_headings(&html, by),
                shift_headings_before(&html, by.min(6))
            );
        }
    }
}
