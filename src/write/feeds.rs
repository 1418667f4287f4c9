//! Files for publishing: the Atom feed of briefs, `sitemap.xml`, `robots.txt`, `.nojekyll`
//! and `CNAME` for GitHub Pages.

use std::fmt::Write;

use crate::render::highlight::escape;
use crate::render::urls::Urls;
use crate::resolve::Site;

/// The Atom feed of briefs, newest first, with each brief's summary.
pub fn atom(site: &Site, urls: &Urls, generated: &str) -> String {
    let mut briefs = site.briefs_newest_first();
    briefs.truncate(50);
    let updated = briefs
        .first()
        .and_then(|&i| site.pages[i].meta.updated.or(site.pages[i].meta.date))
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| format!("{generated}T00:00:00Z"));
    let mut xml = String::with_capacity(1024 + briefs.len() * 512);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}</updated>\n  <generator uri=\"https://github.com/orebrief/orebrief\">orebrief</generator>\n",
        escape(&site.config.language),
        escape(&site.config.title),
        escape(site.config.description.as_deref().unwrap_or("")),
        escape(&urls.permalink("atom.xml")),
        escape(&urls.base),
        escape(&urls.base),
    );
    for i in briefs {
        let page = &site.pages[i];
        let link = urls.permalink(&page.path);
        let date = page
            .meta
            .date
            .map(|d| d.rfc3339())
            .unwrap_or_else(|| updated.clone());
        let updated = page
            .meta
            .updated
            .map(|d| d.rfc3339())
            .unwrap_or_else(|| date.clone());
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <published>{date}</published>\n    <updated>{updated}</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape(page.title()),
            escape(&link),
            escape(&link),
            escape(page.meta.summary.as_deref().unwrap_or("")),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// `sitemap.xml` of every page in the build.
pub fn sitemap(paths: &[(String, Option<String>)], urls: &Urls) -> String {
    let mut xml = String::with_capacity(128 + paths.len() * 96);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, lastmod) in paths {
        let _ = write!(xml, "  <url><loc>{}</loc>", escape(&urls.permalink(path)));
        if let Some(lastmod) = lastmod {
            let _ = write!(xml, "<lastmod>{lastmod}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt` pointing at the sitemap.
pub fn robots(urls: &Urls) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        urls.permalink("sitemap.xml")
    )
}
