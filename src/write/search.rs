//! Site search that needs no server and no network: an index built at build time, written as
//! a script (`search-index.js`, assigning `window.OREBRIEF_SEARCH`) that the search page loads
//! with a `<script>` tag, so it works from `file://` as well as on GitHub Pages, and the
//! search page itself (`search/`, template `search.html`, script `search.js`).
//!
//! Only what is in the build enters the index: pages left out (drafts, internal pages in a
//! public build) are not in the site at all, bodies have their internal blocks removed in
//! public builds, and `internal:` front matter is never read here.

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::{Kind, PartialDate};
use crate::render::pages::{RenderedBody, Renderer};
use crate::render::urls::{ROOT_MARK, Urls};
use crate::resolve::{Country, Site};

/// Where the index script is written, inside the output.
pub const INDEX_FILE: &str = "search-index.js";

/// The site path of the search page.
pub const PAGE_PATH: &str = "search/";

/// The kinds an entry can have, in the order the search page lists them.
pub const KINDS: &[(&str, &str)] = &[
    ("mineral", "Minerals"),
    ("company", "Companies"),
    ("country", "Countries"),
    ("brief", "Briefs"),
    ("page", "Pages"),
];

/// One searchable thing.
#[derive(Debug, Clone, Serialize)]
pub struct Entry<'a> {
    /// `mineral`, `company`, `country`, `brief` or `page`.
    pub kind: &'static str,
    /// Title (a country's name).
    pub title: &'a str,
    /// Summary shown under the title.
    pub summary: String,
    /// Site path as links in this build write it (`minerals/gallium/`, or
    /// `minerals/gallium/index.html` in relative builds); the search page prefixes its root.
    pub path: String,
    /// Other names (a mineral's aliases, a company's ticker).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<&'a str>,
    /// Tags.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub tags: &'a [String],
    /// A mineral's chemical symbol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<&'a str>,
    /// A country's ISO code, or a company's headquarters country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    /// A brief's date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// The body as plain text, for matching.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// An internal page (internal builds only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
}

/// What the index holds an entry for: every mineral, company, brief and plain page in the
/// build, and every country page.
#[derive(Clone, Copy)]
pub enum Item<'a> {
    /// A page, by index.
    Page(usize),
    /// A country page.
    Country(&'a Country),
}

/// The items of the index, in index order.
pub fn items(site: &Site) -> Vec<Item<'_>> {
    let pages = site.pages.iter().enumerate().filter(|(_, page)| {
        matches!(
            page.kind,
            Kind::Mineral | Kind::Company | Kind::Brief | Kind::Page
        )
    });
    pages
        .map(|(i, _)| Item::Page(i))
        .chain(site.graph.countries.values().map(Item::Country))
        .collect()
}

impl Item<'_> {
    /// The entry's kind (`mineral`, ..., `country`).
    pub fn kind(&self, site: &Site) -> &'static str {
        match self {
            Item::Page(i) => site.pages[*i].kind.as_str(),
            Item::Country(_) => "country",
        }
    }
}

/// The entry of one item, with its body's text.
pub fn entry<'a>(
    site: &'a Site,
    urls: &Urls,
    item: Item<'a>,
    bodies: &[RenderedBody],
) -> Entry<'a> {
    let i = match item {
        Item::Page(i) => i,
        Item::Country(country) => return country_entry(site, urls, country, bodies),
    };
    let page = &site.pages[i];
    let m = &page.meta;
    let mut aliases: Vec<&str> = m.aliases.iter().flatten().map(String::as_str).collect();
    if let Some(listing) = &m.listing {
        aliases.push(&listing.ticker.0);
    }
    if let Some(hq) = &m.headquarters {
        aliases.push(hq);
    }
    Entry {
        kind: page.kind.as_str(),
        title: page.title(),
        summary: m.summary.clone().unwrap_or_default(),
        path: urls.page(&page.path).into_owned(),
        aliases,
        tags: m.tags.as_deref().unwrap_or(&[]),
        symbol: m.symbol.as_deref(),
        code: m.country.as_deref(),
        date: m.date,
        text: bodies
            .get(i)
            .map(|b| plain_text(&b.html().unpack()))
            .unwrap_or_default(),
        internal: page.is_internal(),
    }
}

fn country_entry<'a>(
    site: &'a Site,
    urls: &Urls,
    country: &'a Country,
    bodies: &[RenderedBody],
) -> Entry<'a> {
    let note = country.note.map(|i| &site.pages[i]);
    let summary = match note.and_then(|p| p.meta.summary.clone()) {
        Some(s) => s,
        None => country_summary(site, country),
    };
    Entry {
        kind: "country",
        title: &country.name,
        summary,
        path: urls
            .page(&format!("countries/{}/", country.code.to_ascii_lowercase()))
            .into_owned(),
        aliases: Vec::new(),
        tags: note.and_then(|p| p.meta.tags.as_deref()).unwrap_or(&[]),
        symbol: None,
        code: Some(&country.code),
        date: None,
        text: country
            .note
            .and_then(|i| bodies.get(i))
            .map(|b| plain_text(&b.html().unpack()))
            .unwrap_or_default(),
        internal: false,
    }
}

/// "Produces gallium, germanium; headquarters of Korea Zinc." from the data.
fn country_summary(site: &Site, country: &Country) -> String {
    let mut minerals: Vec<&str> = Vec::new();
    for &(m, _, _) in &country.production {
        let title = site.pages[m].title();
        if !minerals.contains(&title) {
            minerals.push(title);
        }
    }
    let companies: Vec<&str> = country
        .headquarters
        .iter()
        .map(|&c| site.pages[c].title())
        .collect();
    let list = |items: &[&str]| {
        let shown: Vec<&str> = items.iter().take(6).copied().collect();
        let more = items.len().saturating_sub(shown.len());
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    let mut parts = Vec::new();
    if !minerals.is_empty() {
        parts.push(format!("Produces {}", list(&minerals)));
    }
    if !companies.is_empty() {
        parts.push(format!("home of {}", list(&companies)));
    }
    if !country.export_controls.is_empty() {
        parts.push("imposes export controls".to_string());
    }
    if parts.is_empty() {
        return "Country profile".to_string();
    }
    let mut text = parts.join("; ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text.push('.');
    text
}

/// How many entries are made (in parallel) before they are written out.
const ENTRIES_AT_ONCE: usize = 64;

/// Writes the index as a script, `window.OREBRIEF_SEARCH = [...];`, streamed: the entries
/// are made 64 at a time and written as they are made, so that the index of a
/// large portal (the text of every page) is never held whole in memory.
pub fn write_script(
    site: &Site,
    urls: &Urls,
    items: &[Item<'_>],
    bodies: &[RenderedBody],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    out.write_all(
        b"/* Search index of this build, made by orebrief. */\nwindow.OREBRIEF_SEARCH = [",
    )?;
    for (c, chunk) in items.chunks(ENTRIES_AT_ONCE).enumerate() {
        let json: Vec<Result<String, serde_json::Error>> = chunk
            .par_iter()
            .map(|&item| serde_json::to_string(&entry(site, urls, item, bodies)).map(script_safe))
            .collect();
        for (k, entry) in json.into_iter().enumerate() {
            if c + k > 0 {
                out.write_all(b",")?;
            }
            out.write_all(entry.map_err(std::io::Error::other)?.as_bytes())?;
        }
    }
    out.write_all(b"];\n")
}

/// JSON made safe inside a script: it is a JavaScript literal; escape what an old parser or
/// an HTML viewer might trip on.
fn script_safe(json: String) -> String {
    if !json.contains(['\u{2028}', '\u{2029}']) && !json.contains("</") {
        return json;
    }
    json.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        .replace("</", "<\\/")
}

#[derive(Serialize)]
struct KindView {
    name: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct SearchView {
    index: &'static str,
    script: &'static str,
    total: usize,
    kinds: Vec<KindView>,
}

#[derive(Serialize)]
struct PageValue {
    title: &'static str,
    kind: &'static str,
    path: String,
}

/// Renders the search page (`search.html`), listing the kinds present in `items`.
pub fn page(renderer: &Renderer<'_>, items: &[Item<'_>]) -> Result<String, Diagnostic> {
    let site = renderer.views.site;
    let mut ctx = renderer.base_context(PAGE_PATH);
    let kinds = KINDS
        .iter()
        .map(|&(name, label)| KindView {
            name,
            label,
            count: items.iter().filter(|e| e.kind(site) == name).count(),
        })
        .filter(|k| k.count > 0)
        .collect();
    ctx.insert(
        "search",
        &SearchView {
            index: INDEX_FILE,
            script: "search.js",
            total: items.len(),
            kinds,
        },
    );
    ctx.insert(
        "page",
        &PageValue {
            title: "Search",
            kind: "search",
            path: renderer.views.urls.page(PAGE_PATH).into_owned(),
        },
    );
    renderer.templates.render("search.html", &ctx)
}

/// The text of an HTML fragment: tags dropped (and the content of `svg`, `script` and
/// `style`), common entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    // The element whose content is skipped, until its end tag.
    let mut skip_until: Option<&str> = None;
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        if skip_until.is_none() {
            push_text(&mut out, &rest[..lt]);
        }
        let after = &rest[lt..];
        let Some(gt) = memchr::memchr(b'>', after.as_bytes()) else {
            rest = "";
            break;
        };
        let tag = &after[1..gt];
        let closing = tag.starts_with('/');
        let unslashed = tag.trim_start_matches('/');
        let name_len = unslashed
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let name = &unslashed[..name_len];
        match skip_until {
            Some(end) if closing && name.eq_ignore_ascii_case(end) => skip_until = None,
            Some(_) => {}
            None => {
                if !closing && !tag.ends_with('/') {
                    skip_until = ["svg", "script", "style"]
                        .into_iter()
                        .find(|skipped| name.eq_ignore_ascii_case(skipped));
                }
                // Block-level tags separate words.
                out.push(' ');
            }
        }
        rest = &after[gt + 1..];
    }
    if skip_until.is_none() {
        push_text(&mut out, rest);
    }
    if out.contains(ROOT_MARK) {
        out = out.replace(ROOT_MARK, "");
    }
    let mut text = String::with_capacity(out.len());
    for word in out.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

fn push_text(out: &mut String, text: &str) {
    if !text.contains('&') {
        out.push_str(text);
        return;
    }
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| match &after[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" | "#x27" => Some('\''),
            "nbsp" => Some(' '),
            other => other
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| other.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_charts() {
        let html = "<h2 id=\"a\">Supply &amp; demand</h2><p>China&#39;s <a href=\"x\">share</a></p><svg><title>chart</title><text>98%</text></svg><p>end</p>";
        assert_eq!(plain_text(html), "Supply & demand China's share end");
    }

    #[test]
    fn plain_text_skips_scripts_and_styles_in_any_case_and_keeps_the_rest() {
        let html = "<P>One</P><SCRIPT type=\"x\">var a = \"<p>no</p>\";</Script><style>p{}</STYLE>\n\t<br/>two&nbsp;&lt;b&gt; <svg/>three<img src=\"$orebrief-root$a.png\"> $orebrief-root$four</p>";
        assert_eq!(plain_text(html), "One two <b> three four");
        assert_eq!(plain_text("no tags,   just  text "), "no tags, just text");
        assert_eq!(plain_text("<p>cut <em"), "cut");
    }

    #[test]
    fn json_is_made_safe_for_a_script() {
        assert_eq!(script_safe(r#"{"a":"x"}"#.into()), r#"{"a":"x"}"#);
        assert_eq!(
            script_safe("{\"a\":\"</script>\u{2028}\"}".into()),
            r#"{"a":"<\/script>\u2028"}"#
        );
    }
}
