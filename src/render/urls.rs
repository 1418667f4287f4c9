//! Turning site paths into hrefs, absolute (against `base_url`) or relative (for `file://`).

/// Stands for the page's root in HTML made once and shown on several pages (a body shown on
/// its own page and in a print annex); replaced by the real root when the page is rendered.
/// Made only of characters that pulldown-cmark leaves as they are in an href and that HTML
/// escaping leaves alone, so it survives into the HTML unchanged.
pub const ROOT_MARK: &str = "$orebrief-root$";

/// `html` with every [`ROOT_MARK`] replaced by `root` (returned as it is when it has none,
/// as absolute builds' bodies do).
pub fn with_root(html: String, root: &str) -> String {
    replace_marks(html, ROOT_MARK, root)
}

/// `html` with every `mark` replaced by `with`, `html` itself when it holds none. A
/// SIMD substring search (`memchr::memmem`): markers are looked for in every rendered page,
/// and `str::replace` scans several times slower.
pub fn replace_marks(html: String, mark: &str, with: &str) -> String {
    let finder = memchr::memmem::Finder::new(mark);
    let mut marks = finder.find_iter(html.as_bytes()).peekable();
    if marks.peek().is_none() {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut copied = 0;
    for at in marks {
        out.push_str(&html[copied..at]);
        out.push_str(with);
        copied = at + mark.len();
    }
    out.push_str(&html[copied..]);
    out
}

/// How links are written in this build.
#[derive(Debug, Clone)]
pub struct Urls {
    /// The base URL with one trailing slash.
    pub base: String,
    /// Whether links are relative.
    pub relative: bool,
}

impl Urls {
    /// The prefix that a site path is appended to, on a page at `page_path`.
    pub fn root(&self, page_path: &str) -> String {
        if self.relative {
            let depth = page_path.split('/').filter(|s| !s.is_empty()).count();
            if depth == 0 {
                "./".to_string()
            } else {
                "../".repeat(depth)
            }
        } else {
            self.base.clone()
        }
    }

    /// The path to link to for the page at site path `path` (a folder path such as
    /// `minerals/gallium/`). Relative builds name `index.html`, so that `file://` opens it.
    pub fn page<'a>(&self, path: &'a str) -> std::borrow::Cow<'a, str> {
        if self.relative && (path.is_empty() || path.ends_with('/')) {
            std::borrow::Cow::Owned(format!("{path}index.html"))
        } else {
            std::borrow::Cow::Borrowed(path)
        }
    }

    /// A full permalink (for feeds and sitemaps), always against the base URL.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_marks_become_the_root() {
        let html = format!("<a href=\"{ROOT_MARK}a/\">a</a> <a href=\"{ROOT_MARK}\">home</a>");
        assert_eq!(
            with_root(html, "../../"),
            "<a href=\"../../a/\">a</a> <a href=\"../../\">home</a>"
        );
        assert_eq!(with_root("<p>none</p>".into(), "../"), "<p>none</p>");
    }

    #[test]
    fn relative_roots_climb_to_the_top() {
        let urls = Urls {
            base: "https://x.org/repo/".into(),
            relative: true,
        };
        assert_eq!(urls.root(""), "./");
        assert_eq!(urls.root("minerals/gallium/"), "../../");
        assert_eq!(
            urls.page("minerals/gallium/"),
            "minerals/gallium/index.html"
        );
        assert_eq!(urls.page("data/portal.json"), "data/portal.json");
    }

    #[test]
    fn absolute_roots_are_the_base_url() {
        let urls = Urls {
            base: "https://x.org/repo/".into(),
            relative: false,
        };
        assert_eq!(urls.root("minerals/gallium/"), "https://x.org/repo/");
        assert_eq!(urls.page("minerals/gallium/"), "minerals/gallium/");
    }
}
