//! The Markdown pass of one page: shortcode scanning (`{{ ... }}`, `{% internal() %}`), call
//! parsing, wiki links and `@/` links, heading ids, code highlighting, and the built-in
//! shortcodes rendered through the default theme, against a small fixed site.
//!
//! The first byte sets the build: bit 0 turns raw HTML off, bit 1 makes the build internal,
//! bit 2 makes links relative. With raw HTML off, the output must carry no markup the body
//! did not get from orebrief: no `<script`, no `javascript:` link.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use orebrief::config::{Profile, SiteConfig};
use orebrief::model::Page;
use orebrief::render::markdown::Linker;
use orebrief::render::pages::Highlight;
use orebrief::render::shortcodes;
use orebrief::render::templates::Templates;
use orebrief::render::urls::Urls;
use orebrief::resolve::{self, Selection};

const SITE: &str =
    "title: Fuzz\nbase_url: https://example.org/p/\nsources:\n  - { id: usgs, title: USGS }\n";

const PAGES: &[(&str, &str)] = &[
    (
        "content/minerals/gallium.md",
        "---\ntitle: Gallium <b>\nproduction:\n  - { year: 2024, stage: refinery, unit: t, by_country: { CN: 90, JP: 10 }, source: usgs }\nus_trade:\n  import_sources: { period: 2020-2023, shares: { CN: 50, other: 50 } }\n  source: usgs\n---\n",
    ),
    (
        "content/companies/korea-zinc.md",
        "---\ntitle: Korea Zinc\ncountry: KR\nfacilities:\n  - { name: Onsan, country: KR, products: [ { mineral: gallium } ] }\n---\n",
    ),
    (
        "content/briefs/secret.md",
        "---\ntitle: Secret\ndate: 2025-01-01\nvisibility: internal\n---\n",
    ),
    ("content/about.md", "---\ntitle: About\n---\n"),
    ("content/countries/kr.md", "---\n---\n"),
];

struct Fixed {
    config: SiteConfig,
    pages: Vec<Page>,
    templates: Templates,
}

thread_local! {
    static FIXED: Fixed = {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("site.yaml"), SITE).expect("site.yaml");
        let config = SiteConfig::load(dir.path()).expect("config");
        let templates = Templates::load(dir.path(), "default").expect("templates");
        let pages = PAGES
            .iter()
            .map(|(file, text)| orebrief::load::parse_page(Path::new(file), text).expect("page"))
            .collect();
        Fixed { config, pages, templates }
    };
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    // The scanner and the call parser on their own.
    let scanned = shortcodes::scan(body, flags & 2 != 0);
    for call in &scanned.calls {
        assert!(call.offset < body.len());
    }
    let _ = shortcodes::parse_call(body);

    FIXED.with(|fixed| {
        let mut config = fixed.config.clone();
        config.markdown.raw_html = flags & 1 == 0;
        let raw_html = config.markdown.raw_html;
        let profile = if flags & 2 != 0 {
            Profile::Internal
        } else {
            Profile::Public
        };
        let mut page = orebrief::load::parse_page(
            Path::new("content/briefs/fuzz.md"),
            "---\ntitle: Fuzz\ndate: 2025-01-01\n---\n",
        )
        .expect("fuzz page");
        page.body = body.to_string();
        let mut pages = fixed.pages.clone();
        pages.push(page);
        let selection = Selection {
            profile,
            drafts: false,
        };
        let Ok((site, _)) = resolve::resolve(
            config,
            pages,
            Vec::new(),
            selection,
            jiff::civil::date(2026, 1, 15),
        ) else {
            panic!("the fixed site must resolve");
        };
        let urls = Urls {
            base: site.config.base_url(),
            relative: flags & 4 != 0,
        };
        let renderer = orebrief::build::renderer(&site, &urls, &fixed.templates);
        let linker = Linker::new(&site, &urls);
        let i = site.index["fuzz"];
        match renderer.body(i, body, &linker, Highlight::Now) {
            Ok(rendered) => {
                if !raw_html {
                    let lower = rendered.html().unpack().to_ascii_lowercase();
                    assert!(!lower.contains("<script"), "script in {lower}");
                    assert!(
                        !lower.contains("href=\"javascript:"),
                        "javascript: in {lower}"
                    );
                    assert!(
                        !lower.contains("src=\"javascript:"),
                        "javascript: in {lower}"
                    );
                }
            }
            Err(diagnostics) => {
                for d in &diagnostics {
                    assert!(d.line >= 1, "{d}");
                    let _ = d.to_string();
                }
            }
        }
    });
});
