//! Rewriting a part's HTML for the print document that holds it: its ids (and the references
//! to them) get the part's prefix, so that they stay unique in the document, and its links to
//! pages that are parts of the same document become jumps inside it.
//!
//! Two steps: [`prefix_part`] depends only on the part and the document's root, and notes
//! where the part links into the site; [`with_jumps`] looks only at those links. A part
//! shown in many documents (an annex, see [`super::annexes`]) is prefixed once, and each
//! document only checks its links.

use std::collections::HashMap;
use std::ops::Range;

/// Where links of a part may jump inside its document: the document's root (the prefix of
/// its links to the site) and the anchor of each page that is part of it, by web path. The
/// anchor map is built once per document: the whole-portal document has as many parts as
/// pages, so neither a search per target nor a map per part may be made.
pub type Jumps<'a> = (&'a str, &'a HashMap<String, String>);

/// A part's HTML with its ids prefixed, and the spans of its `href` values that start with
/// the document's root: the links that may become jumps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefixed {
    /// The HTML.
    pub html: String,
    /// Byte ranges of `html`, in order.
    pub links: Vec<Range<usize>>,
}

/// Attributes whose values are ids or lists of ids.
const ID_ATTRIBUTES: &[&str] = &[
    "id",
    "for",
    "headers",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "list",
];

/// The first step: `html` with every id prefixed with `prefix`, and the references to them
/// (`href="#id"`, `aria-labelledby`, `for`, ...), so that several pages can share one
/// document; and, given the document's `root`, the spans of the links that may become
/// jumps.
pub fn prefix_part(html: &str, prefix: &str, root: Option<&str>) -> Prefixed {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut links = Vec::new();
    // `html[..copied]` is in `out`; most attributes are left as they are, so only the text
    // before a changed value is copied, in one piece.
    let mut copied = 0;
    // The closing quote of the last value: the name of the next attribute starts after it.
    let mut from = 0;
    // Every quote, in one pass: a value opens with `="` and closes at the next quote; any
    // other quote is text.
    let bytes = html.as_bytes();
    let mut quotes = memchr::memchr_iter(b'"', bytes);
    while let Some(quote) = quotes.next() {
        if quote == 0 || bytes[quote - 1] != b'=' {
            continue;
        }
        let at = quote - 1;
        let before = &html[from..at];
        // Just after the last byte that cannot be in an attribute name. Names are ASCII, so
        // a byte of a longer character (`é="x"` in text) ends the scan, at a character
        // boundary, and what is before it is not the space an attribute needs.
        let name_start = before
            .bytes()
            .rposition(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b':' || b == b'_'))
            .map_or(0, |p| p + 1);
        let name = &before[name_start..];
        let start = at + 2;
        let end = quotes.next().unwrap_or(html.len());
        let value = &html[start..end];
        from = end;
        // `class` and `style`, most of a part's attributes (every span of highlighted code
        // has a class), are neither ids nor links.
        if name.eq_ignore_ascii_case("class") || name.eq_ignore_ascii_case("style") {
            continue;
        }
        let is_attribute = before[..name_start].ends_with(|c: char| c.is_ascii_whitespace());
        let is_href = name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("xlink:href");
        if is_attribute && ID_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(name)) {
            out.push_str(&html[copied..start]);
            for (n, id) in value.split_ascii_whitespace().enumerate() {
                if n > 0 {
                    out.push(' ');
                }
                out.push_str(prefix);
                out.push_str(id);
            }
            copied = end;
        } else if is_attribute && is_href && value.len() > 1 && value.starts_with('#') {
            out.push_str(&html[copied..start]);
            out.push('#');
            out.push_str(prefix);
            out.push_str(&value[1..]);
            copied = end;
        } else if is_href && root.is_some_and(|r| value.starts_with(r)) {
            let at_out = out.len() + (start - copied);
            links.push(at_out..at_out + value.len());
        }
    }
    out.push_str(&html[copied..]);
    Prefixed { html: out, links }
}

/// The second step: the links of `part` that lead to a page that is part of the document
/// become jumps: `href="{root}{path}"` to `href="#{anchor}"`, and
/// `href="{root}{path}#x"` to `href="#{anchor}-x"`.
pub fn with_jumps(part: Prefixed, jumps: Jumps<'_>) -> String {
    let found: Vec<(Range<usize>, String)> = part
        .links
        .iter()
        .filter_map(|span| {
            let jump = jump(part.html.get(span.clone())?, jumps)?;
            Some((span.clone(), jump))
        })
        .collect();
    if found.is_empty() {
        return part.html;
    }
    let mut out = String::with_capacity(part.html.len());
    let mut copied = 0;
    for (span, jump) in found {
        out.push_str(&part.html[copied..span.start]);
        out.push_str(&jump);
        copied = span.end;
    }
    out.push_str(&part.html[copied..]);
    out
}

/// The jump inside the document that a link to `href` becomes, if it leads to a part.
fn jump(href: &str, (root, anchors): Jumps<'_>) -> Option<String> {
    let rel = href.strip_prefix(root)?;
    let (path, fragment) = match rel.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rel, None),
    };
    anchors.get(path).map(|anchor| match fragment {
        Some(f) => format!("#{anchor}-{f}"),
        None => format!("#{anchor}"),
    })
}

/// `part` with every `mark` in its HTML replaced by `with`, its link spans moved to match.
pub fn replace_in_part(part: Prefixed, mark: &str, with: &str) -> Prefixed {
    let marks: Vec<usize> = memchr::memmem::find_iter(part.html.as_bytes(), mark).collect();
    if marks.is_empty() {
        return part;
    }
    let html = super::urls::replace_marks(part.html, mark, with);
    // A position moves by the marks before it.
    let moved = |at: usize| {
        let before = marks.partition_point(|&m| m < at);
        at - before * mark.len() + before * with.len()
    };
    let links = part
        .links
        .iter()
        .map(|span| moved(span.start)..moved(span.end))
        .collect();
    Prefixed { html, links }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The implementation before copy-on-write (9a9d809), kept as the reference the
    /// current one must match.
    fn prefix_part_before(html: &str, prefix: &str, root: Option<&str>) -> Prefixed {
        let mut out = String::with_capacity(html.len() + html.len() / 16);
        let mut links = Vec::new();
        let mut rest = html;
        let finder = memchr::memmem::Finder::new("=\"");
        while let Some(at) = finder.find(rest.as_bytes()) {
            let before = &rest[..at];
            // Just after the last byte that cannot be in an attribute name. Names are ASCII, so
            // a byte of a longer character (`é="x"` in text) ends the scan, at a character
            // boundary, and what is before it is not the space an attribute needs.
            let name_start = before
                .bytes()
                .rposition(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b':' || b == b'_'))
                .map_or(0, |p| p + 1);
            let name = &before[name_start..];
            let is_attribute = before[..name_start].ends_with(|c: char| c.is_ascii_whitespace());
            out.push_str(before);
            out.push_str("=\"");
            let after = &rest[at + 2..];
            let end = memchr::memchr(b'"', after.as_bytes()).unwrap_or(after.len());
            let value = &after[..end];
            let is_href =
                name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("xlink:href");
            // `class` and `style`, most of a part's attributes (every span of highlighted code
            // has a class), are neither ids nor links.
            let plain = name.eq_ignore_ascii_case("class") || name.eq_ignore_ascii_case("style");
            if plain {
                out.push_str(value);
            } else if is_attribute && ID_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(name)) {
                for (n, id) in value.split_ascii_whitespace().enumerate() {
                    if n > 0 {
                        out.push(' ');
                    }
                    out.push_str(prefix);
                    out.push_str(id);
                }
            } else if is_attribute && is_href && value.len() > 1 && value.starts_with('#') {
                out.push('#');
                out.push_str(prefix);
                out.push_str(&value[1..]);
            } else {
                if is_href && root.is_some_and(|r| value.starts_with(r)) {
                    links.push(out.len()..out.len() + value.len());
                }
                out.push_str(value);
            }
            rest = &after[end..];
        }
        out.push_str(rest);
        Prefixed { html: out, links }
    }

    fn prefix_ids(html: &str, prefix: &str) -> String {
        prefix_part(html, prefix, None).html
    }

    /// Both steps.
    fn rewrite_part(html: &str, prefix: &str, jumps: Jumps<'_>) -> String {
        with_jumps(prefix_part(html, prefix, Some(jumps.0)), jumps)
    }

    #[test]
    fn ids_and_their_references_get_the_prefix() {
        let html = r##"<h2 id="uses">Uses<a class="anchor" href="#uses">#</a></h2><svg aria-labelledby="c-title c-desc"><title id="c-title">t</title></svg><a href="https://x.org/#top">x</a><p>a="b"</p>"##;
        let out = prefix_ids(html, "mineral-ga-");
        assert!(out.contains(r#"id="mineral-ga-uses""#));
        assert!(out.contains(r##"href="#mineral-ga-uses""##));
        assert!(out.contains(r#"aria-labelledby="mineral-ga-c-title mineral-ga-c-desc""#));
        assert!(out.contains(r##"href="https://x.org/#top""##));
        assert!(out.contains(r#"<p>a="b"</p>"#));
    }

    #[test]
    fn text_that_looks_like_an_attribute_after_any_character_is_left_alone() {
        for html in [
            "<p>é=\"x\"</p>",
            "<p>\u{F8FF}=\"x\" ≠=\"y\"</p>",
            "日本=\"a\"",
        ] {
            assert_eq!(prefix_ids(html, "p-"), html);
        }
        assert_eq!(
            prefix_ids("<h2 id=\"é\">é</h2>", "p-"),
            "<h2 id=\"p-é\">é</h2>"
        );
    }

    const LINKS: &str = r##"<a href="../../minerals/ga/index.html">Ga</a> <a href="../../minerals/ga/index.html#source-x">s</a> <a href="../../minerals/gab/index.html">no</a> <a href="#own">own</a> <a href="https://x.org/">out</a>"##;

    fn anchors() -> HashMap<String, String> {
        [("minerals/ga/index.html".into(), "mineral-ga".into())].into()
    }

    #[test]
    fn links_to_parts_become_jumps() {
        let anchors = anchors();
        let out = rewrite_part(LINKS, "p-", ("../../", &anchors));
        assert_eq!(
            out,
            r##"<a href="#mineral-ga">Ga</a> <a href="#mineral-ga-source-x">s</a> <a href="../../minerals/gab/index.html">no</a> <a href="#p-own">own</a> <a href="https://x.org/">out</a>"##
        );
    }

    #[test]
    fn only_links_into_the_site_are_noted() {
        let part = prefix_part(LINKS, "p-", Some("../../"));
        let noted: Vec<&str> = part.links.iter().map(|s| &part.html[s.clone()]).collect();
        assert_eq!(
            noted,
            [
                "../../minerals/ga/index.html",
                "../../minerals/ga/index.html#source-x",
                "../../minerals/gab/index.html"
            ]
        );
        assert!(prefix_part(LINKS, "p-", None).links.is_empty());
        // No jump: the prefixed HTML as it is.
        let none = HashMap::new();
        assert_eq!(with_jumps(part.clone(), ("../../", &none)), part.html);
    }

    #[test]
    fn replacing_a_mark_keeps_the_links_in_place() {
        let html = format!("<p>@@</p>{LINKS}<p>@@ and @@</p>");
        let anchors = anchors();
        let part = prefix_part(&html, "p-", Some("../../"));
        for with in ["", "Annex B", "A much longer label than the mark"] {
            let replaced = replace_in_part(part.clone(), "@@", with);
            let direct = prefix_part(&html.replace("@@", with), "p-", Some("../../"));
            assert_eq!(replaced, direct, "{with:?}");
            assert_eq!(
                with_jumps(replaced, ("../../", &anchors)),
                rewrite_part(&html.replace("@@", with), "p-", ("../../", &anchors))
            );
        }
    }

    proptest::proptest! {
        /// Copy-on-write changes nothing: on strings of attribute-like pieces (names of
        /// every kind, with and without a space before them, unclosed values, non-ASCII
        /// text), the output and the noted links are those of the implementation before.
        #[test]
        fn matches_the_implementation_before(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    " id=\"", " ID=\"", "for=\"", " headers=\"", " aria-labelledby=\"",
                    " class=\"", " style=\"", " href=\"", " HREF=\"", " xlink:href=\"",
                    "href=\"", " data-x=\"", "=\"", "\"", "#", "#x", "../", "../../a/",
                    " a b ", "<p>", "</a>", "é", "\u{F8FF}", "x", "-", ":", "_", " ", "\t",
                ]),
                0..40,
            )
        ) {
            let html: String = pieces.concat();
            for root in [None, Some("../"), Some("../../")] {
                proptest::prop_assert_eq!(
                    prefix_part(&html, "p-", root),
                    prefix_part_before(&html, "p-", root)
                );
            }
        }
    }
}
