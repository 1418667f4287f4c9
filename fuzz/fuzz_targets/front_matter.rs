//! Front matter: decoding (BOM, CR line ends, invalid UTF-8), splitting, YAML parsing into the
//! typed model, kind and field checks, and the data checks of `resolve::validate`, which
//! locate problems in the YAML. The first byte picks where the file lies, and so its kind.
#![no_main]

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use orebrief::config::SiteConfig;

const FILES: &[&str] = &[
    "content/minerals/gallium.md",
    "content/companies/korea-zinc.md",
    "content/briefs/deal.md",
    "content/countries/kr.md",
    "content/about.md",
    "content/_index.md",
    "content/minerals/_index.md",
    "content/notes/sub/x.md",
];

fn config() -> &'static SiteConfig {
    static CONFIG: OnceLock<SiteConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("site.yaml"), "title: Fuzz\n").expect("site.yaml");
        SiteConfig::load(dir.path()).expect("config")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let file = Path::new(FILES[first as usize % FILES.len()]);
    let Ok(text) = orebrief::load::decode(file, rest.to_vec()) else {
        return;
    };
    match orebrief::load::parse_page(file, &text) {
        Ok(page) => {
            // What reaches later stages is safe to use as a path.
            assert!(!page.path.contains(".."), "{}", page.path);
            assert!(!page.path.starts_with('/'), "{}", page.path);
            if !page.id.starts_with("_index/") {
                assert!(orebrief::load::check_id(&page.id).is_ok(), "{}", page.id);
            }
            let mut out = Vec::new();
            orebrief::resolve::validate::check_page(
                &page,
                config(),
                &HashSet::new(),
                jiff::civil::date(2026, 1, 15),
                &mut out,
            );
            for d in &out {
                let _ = d.to_string();
            }
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            for d in &diagnostics {
                assert!(d.is_error());
                let _ = d.to_string();
            }
        }
    }
});
