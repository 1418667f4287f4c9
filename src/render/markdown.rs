//! Markdown bodies to HTML with pulldown-cmark: tables, footnotes, strikethrough, task lists,
//! smart punctuation, heading ids with anchor links, highlighted code, and links by id
//! (`[[gallium]]`, `[[KR]]`) or by content path (`[text](@/minerals/gallium.md)`).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use super::code::{self, CodeBlock};
use super::highlight;
use super::shortcodes::{self, Scanned};
use super::urls::{ROOT_MARK, Urls};
use crate::resolve::validate::country_name;
use crate::resolve::{Excluded, Site};

/// An entry of a page's table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The heading's id.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// A problem in a body, at a byte offset of the original body.
#[derive(Debug, Clone)]
pub struct BodyError {
    /// Offset in the original body.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// HTML; links inside the site start with [`ROOT_MARK`]; shortcodes still stand as
    /// placeholders (see [`Body::scanned`]), code blocks as marks ([`code::mark`]).
    pub html: String,
    /// The code blocks, in the order of their marks.
    pub code: Vec<CodeBlock>,
    /// The calls of [`Body::scanned`] that stood in code, and are shown there as text.
    pub calls_in_code: Vec<usize>,
    /// Headings.
    pub toc: Vec<TocEntry>,
    /// Pages linked to (indices into the site's pages).
    pub links: Vec<usize>,
    /// Country codes linked to.
    pub countries: Vec<String>,
    /// The scanned shortcode calls and internal blocks.
    pub scanned: Scanned,
    /// Problems.
    pub errors: Vec<BodyError>,
}

/// What resolving links needs to know.
pub struct Linker<'a> {
    /// The site.
    pub site: &'a Site,
    /// Page index by file path (for `@/` links).
    pub by_file: HashMap<PathBuf, usize>,
    /// How hrefs are written.
    pub urls: &'a Urls,
    /// Whether raw HTML passes through.
    pub raw_html: bool,
}

impl<'a> Linker<'a> {
    /// Prepares link resolution for `site`.
    pub fn new(site: &'a Site, urls: &'a Urls) -> Linker<'a> {
        let by_file = site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.file.clone(), i))
            .collect();
        Linker {
            site,
            by_file,
            urls,
            raw_html: site.config.markdown.raw_html,
        }
    }
}

enum Target {
    Page(usize),
    Country(String),
    /// A page whose file has errors: those errors fail the build, and a link to it is not
    /// reported again (one broken file would otherwise bury its own error under every link
    /// to it).
    Broken,
}

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_SMART_PUNCTUATION)
    .union(Options::ENABLE_HEADING_ATTRIBUTES)
    .union(Options::ENABLE_WIKILINKS);

/// Starts warming the highlighter up ([`highlight::warm_up`]) with the first fenced code
/// block that names a language among `bodies`, as the renderer will meet it. Only bodies
/// with a fence are parsed, and only up to that block.
pub fn warm_up(bodies: impl IntoIterator<Item = impl AsRef<str>>) {
    let found = bodies
        .into_iter()
        .filter(|b| b.as_ref().contains("```") || b.as_ref().contains("~~~"))
        .find_map(|b| first_fenced_code(b.as_ref()));
    if let Some((code, lang)) = found {
        highlight::warm_up(code, lang);
    }
}

/// The code and language of the first fenced code block of `body` that names a language.
fn first_fenced_code(body: &str) -> Option<(String, String)> {
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(body, OPTIONS) {
        match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))))
                if !info.trim().is_empty() =>
            {
                code = Some((info.to_string(), String::new()));
            }
            (Some((_, buf)), Event::Text(t)) => buf.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => break,
            _ => {}
        }
    }
    code.map(|(lang, buf)| (buf, lang))
}

/// Renders `body`, resolving its links. `keep_internal` keeps `{% internal() %}` blocks.
pub fn render(body: &str, linker: &Linker<'_>, keep_internal: bool) -> Body {
    let scanned = shortcodes::scan(body, keep_internal);
    let mut out = Body::default();
    for e in &scanned.errors {
        out.errors.push(BodyError {
            offset: e.offset,
            message: e.message.clone(),
            hint: None,
        });
    }
    let text = &scanned.text;
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut link_stack: Vec<Option<String>> = Vec::new(); // replacement text for bare wiki links
    let mut code: Option<(String, String)> = None;
    let mut seen_links: HashSet<usize> = HashSet::new();
    for (event, range) in Parser::new_ext(text, OPTIONS).into_offset_iter() {
        if let Some((lang, buf)) = &mut code {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    // With its line break, as the highlighted block ends with one.
                    events.push(Event::Html(
                        format!("{}\n", code::mark(out.code.len())).into(),
                    ));
                    let within = scanned.map.original(range.start)..scanned.map.original(range.end);
                    out.code.push(CodeBlock {
                        code: shortcodes::restore_calls(
                            buf,
                            &scanned,
                            body,
                            within,
                            &mut out.calls_in_code,
                        ),
                        lang: std::mem::take(lang),
                    });
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let bare = matches!(link_type, LinkType::WikiLink { has_pothole: false });
                let internal = wiki || dest_url.starts_with("@/");
                if !internal {
                    if !linker.raw_html {
                        refuse_scheme(&dest_url, scanned.map.original(range.start), &mut out);
                    }
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                    link_stack.push(None);
                    continue;
                }
                // In a table, a label's `|` is escaped (`[[id\|Label]]`), and the parser
                // leaves the backslash at the end of the target.
                let dest_url: &str = match dest_url.strip_suffix('\\') {
                    Some(target) if wiki => target,
                    _ => &dest_url,
                };
                let (target, anchor) = match dest_url.split_once('#') {
                    Some((t, a)) => (t.to_string(), format!("#{a}")),
                    None => (dest_url.to_string(), String::new()),
                };
                let offset = scanned.map.original(range.start);
                match resolve_target(&target, wiki, linker) {
                    Ok(Target::Page(i)) => {
                        if seen_links.insert(i) {
                            out.links.push(i);
                        }
                        let page = &linker.site.pages[i];
                        let href = format!("{ROOT_MARK}{}{anchor}", linker.urls.page(&page.path));
                        link_stack.push(bare.then(|| page.title().to_string()));
                        events.push(Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url: href.into(),
                            title,
                            id,
                        }));
                    }
                    Ok(Target::Country(code)) => {
                        let path = format!("countries/{}/", code.to_ascii_lowercase());
                        let href = format!("{ROOT_MARK}{}{anchor}", linker.urls.page(&path));
                        let name = linker
                            .site
                            .graph
                            .countries
                            .get(&code)
                            .map(|c| c.name.clone())
                            .or_else(|| country_name(&code).map(str::to_string));
                        link_stack.push(if bare { name } else { None });
                        if !out.countries.contains(&code) {
                            out.countries.push(code);
                        }
                        events.push(Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url: href.into(),
                            title,
                            id,
                        }));
                    }
                    // A dead link: its target's file has errors (reported for that file), or
                    // it is wrong here.
                    dead => {
                        if let Err((message, hint)) = dead {
                            out.errors.push(BodyError {
                                offset,
                                message,
                                hint: Some(hint),
                            });
                        }
                        link_stack.push(None);
                        events.push(Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url: "#".into(),
                            title,
                            id,
                        }));
                    }
                }
            }
            Event::Text(t) if matches!(link_stack.last(), Some(Some(_))) => {
                // The text of a bare wiki link is its id: show the title instead.
                if let Some(Some(title)) = link_stack.last_mut() {
                    let title = std::mem::take(title);
                    if !title.is_empty() {
                        events.push(Event::Text(title.into()));
                    }
                } else {
                    events.push(Event::Text(t));
                }
            }
            Event::End(TagEnd::Link) => {
                link_stack.pop();
                events.push(Event::End(TagEnd::Link));
            }
            Event::Start(Tag::Image { ref dest_url, .. }) if !linker.raw_html => {
                refuse_scheme(dest_url, scanned.map.original(range.start), &mut out);
                events.push(event);
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) if !linker.raw_html && !attrs.is_empty() => {
                out.errors.push(BodyError {
                    offset: scanned.map.original(range.start),
                    message: format!(
                        "the heading attribute `{}` is raw HTML, which `markdown.raw_html: false` turns off",
                        attrs[0].0
                    ),
                    hint: Some("keep to `{#id}` and `{.class}` in heading attributes".into()),
                });
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs: Vec::new(),
                }));
            }
            Event::Start(tag @ (Tag::TableHead | Tag::TableRow)) => {
                if let Some(at) = cut_wiki_link(&text[range.clone()]) {
                    out.errors.push(BodyError {
                        offset: scanned.map.original(range.start + at),
                        message: "this wiki link is cut in two by the table's column separator: its `|` starts a new cell".into(),
                        hint: Some("in a table, escape the `|` of a labelled link: [[id\\|Label]]".into()),
                    });
                }
                events.push(Event::Start(tag));
            }
            Event::Html(h) | Event::InlineHtml(h) if !linker.raw_html => {
                events.push(Event::Text(h))
            }
            other => events.push(other),
        }
    }
    add_heading_ids(&mut events, &mut out.toc);
    out.html.reserve(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out.scanned = scanned;
    out
}

/// Where a table row's source holds a labelled wiki link whose `|` is not escaped, which
/// the table takes for a column separator (`| [[id|Label]] |` is two cells, `[[id` and
/// `Label]]`). A `[[` in a code span, escaped (`\[[`) or closed by no `]]` is not a link.
fn cut_wiki_link(row: &str) -> Option<usize> {
    // Most rows hold no wiki link: skip them before marking code spans.
    if !row.contains("[[") {
        return None;
    }
    let bytes = row.as_bytes();
    // Mark the bytes inside code spans: a run of backticks up to the next run as long.
    let mut code = vec![false; bytes.len()];
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let fence = &row[i..i + run];
        let mut end = None;
        let mut j = i + run;
        while let Some(k) = row[j..].find(fence) {
            let at = j + k;
            let len = bytes[at..].iter().take_while(|&&b| b == b'`').count();
            if len == run {
                end = Some(at + run);
                break;
            }
            j = at + len;
        }
        match end {
            Some(end) => {
                code[i..end].fill(true);
                i = end;
            }
            None => i += run,
        }
    }
    let mut from = 0;
    while let Some(k) = row[from..].find("[[") {
        let at = from + k;
        from = at + 2;
        if code[at] || (at > 0 && bytes[at - 1] == b'\\') {
            continue;
        }
        let Some(close) = row[at + 2..].find("]]") else {
            continue;
        };
        let inside = &row[at + 2..at + 2 + close];
        let cut = inside
            .char_indices()
            .any(|(n, c)| c == '|' && !inside[..n].ends_with('\\'));
        if cut {
            return Some(at);
        }
    }
    None
}

/// With raw HTML off, a link or image may only point at an http(s), mailto or relative URL:
/// any other scheme (`javascript:`, `data:`, `vbscript:`) is an error at the link.
fn refuse_scheme(dest: &str, offset: usize, out: &mut Body) {
    if let Err(message) = crate::model::check_url(&Some(dest.to_string())) {
        out.errors.push(BodyError {
            offset,
            message,
            hint: Some(
                "`markdown.raw_html: false` allows links to http(s), mailto and relative URLs only"
                    .into(),
            ),
        });
    }
}

fn resolve_target(
    target: &str,
    wiki: bool,
    linker: &Linker<'_>,
) -> Result<Target, (String, String)> {
    let site = linker.site;
    if wiki {
        if target.len() == 2 && target.bytes().all(|b| b.is_ascii_uppercase()) {
            return if country_name(target).is_some() {
                Ok(Target::Country(target.to_string()))
            } else {
                Err((
                    format!("`[[{target}]]` is not an ISO 3166-1 alpha-2 country code"),
                    "country links use codes such as [[KR]] or [[CN]]".into(),
                ))
            };
        }
        let id = target.trim().to_lowercase();
        if let Some(&i) = site.index.get(&id) {
            return Ok(Target::Page(i));
        }
        if let Some((Excluded::Broken, _)) = site.excluded.get(&id) {
            return Ok(Target::Broken);
        }
        return Err(missing(&id, &format!("[[{target}]]"), site));
    }
    let rel = target.trim_start_matches("@/");
    let file = PathBuf::from("content").join(rel);
    match linker.by_file.get(&file) {
        Some(&i) => Ok(Target::Page(i)),
        None => {
            let id = file
                .file_stem()
                .map(|s| s.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            match site.excluded.get(&id) {
                Some((Excluded::Broken, _)) => Ok(Target::Broken),
                Some(_) => Err(missing(&id, target, site)),
                None => Err((
                    format!("link to `{target}`: no such content file"),
                    format!("paths are relative to content/, as in @/minerals/{id}.md"),
                )),
            }
        }
    }
}

fn missing(id: &str, shown: &str, site: &Site) -> (String, String) {
    if let Some((why, file)) = site.excluded.get(id) {
        let message = match why {
            Excluded::Internal => format!(
                "link to internal page `{id}` ({}) from a page in the public build",
                file.display()
            ),
            Excluded::Draft => format!("link to draft `{id}` ({})", file.display()),
            // Callers make a broken target a dead link (`Target::Broken`) before asking here.
            Excluded::Broken => format!("link to `{id}`, whose file has errors"),
        };
        return (message, why.hint("link"));
    }
    let hint = match crate::diagnostics::nearest(id, site.pages.iter().map(|p| p.id.as_str())) {
        Some(near) => format!("did you mean [[{near}]]?"),
        None => {
            "wiki links name a page id (its file name without .md) or an ISO country code".into()
        }
    };
    (format!("unknown link target `{shown}`"), hint)
}

/// Gives every heading an id (its own `{#id}`, or a slug of its text, made unique) and an
/// anchor link, and collects the table of contents.
fn add_heading_ids(events: &mut Vec<Event<'_>>, toc: &mut Vec<TocEntry>) {
    // One pass that moves events into a new list (inserting into the old one cost a shift of
    // every later event per heading), with a counter per id base so that the n-th "Notes"
    // finds `notes-n` at once rather than after trying `notes-1` ... `notes-(n-1)`.
    let mut used: HashSet<String> = HashSet::new();
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut iter = std::mem::take(events).into_iter();
    events.reserve(iter.len() + 16);
    while let Some(event) = iter.next() {
        let Event::Start(Tag::Heading {
            level,
            id: given,
            classes,
            attrs,
        }) = event
        else {
            events.push(event);
            continue;
        };
        let mut inner = Vec::new();
        let mut end = None;
        for e in iter.by_ref() {
            if matches!(e, Event::End(TagEnd::Heading(_))) {
                end = Some(e);
                break;
            }
            inner.push(e);
        }
        let mut title = String::new();
        for e in &inner {
            if let Event::Text(t) | Event::Code(t) = e {
                title.push_str(t);
            }
        }
        let base = given.map(|g| g.to_string()).unwrap_or_else(|| {
            let s = slug::slugify(&title);
            if s.is_empty() {
                "section".to_string()
            } else {
                s
            }
        });
        let mut unique = base.clone();
        if !used.insert(unique.clone()) {
            let n = next.entry(base.clone()).or_insert(1);
            loop {
                unique = format!("{base}-{n}");
                *n += 1;
                if used.insert(unique.clone()) {
                    break;
                }
            }
        }
        events.push(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(unique.clone())),
            classes,
            attrs,
        }));
        events.extend(inner);
        let anchor = format!(
            "<a class=\"anchor\" href=\"#{unique}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
        );
        events.push(Event::Html(anchor.into()));
        events.extend(end);
        toc.push(TocEntry {
            level: heading_number(level),
            id: unique,
            title,
        });
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_wiki_link_is_found_in_its_row_and_nothing_else_is() {
        assert_eq!(cut_wiki_link("| [[a|Label]] | x |"), Some(2));
        assert_eq!(cut_wiki_link("| x | see [[b#h|B]] |"), Some(10));
        // Escaped, not a link, in code, or unlabelled: fine.
        for row in [
            r"| [[a\|Label]] | x |",
            "| see [[ here | x |",
            r"| \[[a|b]] | x |",
            "| `[[a|b]]` | x |",
            "| ``[[a|b]]`` and `x` | y |",
            "| [[a]] | [[KR]] |",
        ] {
            assert_eq!(cut_wiki_link(row), None, "{row}");
        }
        // A code span elsewhere in the row does not hide a cut link.
        assert_eq!(cut_wiki_link("| [[a|L]] `x` |"), Some(2));
    }

    #[test]
    fn the_warm_up_takes_the_first_fenced_block_that_names_a_language() {
        let body = "Intro with ```inline``` code.\n\n```\nplain\n```\n\n    ```rust\n    indented, not fenced\n\n~~~yaml\na: 1\nb: 2\n~~~\n\n```rust\nfn main() {}\n```\n";
        assert_eq!(
            first_fenced_code(body),
            Some(("a: 1\nb: 2\n".to_string(), "yaml".to_string()))
        );
        assert_eq!(first_fenced_code("no code here\n"), None);
        assert_eq!(
            first_fenced_code("```rust\nfn main() {}"),
            Some(("fn main() {}".to_string(), "rust".to_string()))
        );
    }
}
