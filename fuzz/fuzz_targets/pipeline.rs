//! The whole pipeline on fuzzed content: the input is cut at each `\0` into up to four files
//! (a mineral, a company, a brief and a page), written into a fresh site, and the site is
//! checked with `orebrief::check`, which loads, resolves and renders everything and writes
//! nothing. The first byte sets the profile, drafts, relative links and raw HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orebrief::config::Profile;

const FILES: &[&str] = &[
    "content/minerals/gallium.md",
    "content/companies/korea-zinc.md",
    "content/briefs/deal.md",
    "content/about.md",
];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let dir = tempfile::Builder::new()
        .prefix("orebrief-fuzz-")
        .tempdir()
        .expect("temp dir");
    let root = dir.path();
    let mut yaml = String::from("title: Fuzz\nbase_url: https://example.org/p/\n");
    if flags & 8 != 0 {
        yaml.push_str("markdown: { raw_html: false }\n");
    }
    std::fs::write(root.join("site.yaml"), yaml).expect("site.yaml");
    for (file, text) in FILES.iter().zip(rest.split(|&b| b == 0)) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(&path, text).expect("write");
    }
    let options = orebrief::BuildOptions {
        root: root.to_path_buf(),
        profile: Some(if flags & 1 != 0 {
            Profile::Internal
        } else {
            Profile::Public
        }),
        drafts: flags & 2 != 0,
        relative_urls: Some(flags & 4 != 0),
        today: Some(jiff::civil::date(2026, 1, 15)),
        ..Default::default()
    };
    match orebrief::check(&options) {
        Ok(report) => {
            assert!(report.output.is_none());
        }
        Err(orebrief::Error::Content(diagnostics)) => {
            assert!(diagnostics.iter().any(|d| d.is_error()));
            for d in &diagnostics {
                let _ = d.to_string();
            }
        }
        Err(e) => panic!("check failed outside the content: {e}"),
    }
});
