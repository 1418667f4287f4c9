//! Property: random valid content always builds, and every link in the output leads to a file
//! of the output (and every `#fragment` to an element of its page), in absolute and relative
//! builds alike.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use proptest::prelude::*;

const COUNTRIES: &[&str] = &["CN", "US", "KR", "JP", "DE", "CA", "AU", "CD", "ZA", "BR"];
const TEXT_CHARS: &str = "[a-zA-Z0-9 éüß漢&<>\"'*_`#!?.,;:()/-]";

/// A random site: minerals, companies, briefs and plain pages with cross references.
#[derive(Debug, Clone)]
struct SiteSpec {
    minerals: Vec<MineralSpec>,
    companies: Vec<CompanySpec>,
    briefs: Vec<BriefSpec>,
    pages: Vec<String>,
    relative: bool,
}

#[derive(Debug, Clone)]
struct MineralSpec {
    title: String,
    shares: Vec<(usize, u32)>,
    body: Vec<Block>,
}

#[derive(Debug, Clone)]
struct CompanySpec {
    title: String,
    country: usize,
    products: Vec<usize>,
    body: Vec<Block>,
}

#[derive(Debug, Clone)]
struct BriefSpec {
    title: String,
    day: u32,
    minerals: Vec<usize>,
    countries: Vec<usize>,
    body: Vec<Block>,
}

/// A piece of a body; indices are taken modulo the number of targets.
#[derive(Debug, Clone)]
enum Block {
    Text(String),
    Heading(u8, String),
    List(Vec<String>),
    Code(String),
    WikiLink(usize, bool),
    PathLink(usize),
    CountryLink(usize),
    Table(u8),
    Anchor(String),
    Chart(usize),
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("{TEXT_CHARS}{{1,24}}"))
        .unwrap()
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        text().prop_map(Block::Text),
        (1u8..=6, text()).prop_map(|(l, t)| Block::Heading(l, t)),
        prop::collection::vec(text(), 1..4).prop_map(Block::List),
        text().prop_map(Block::Code),
        (any::<usize>(), any::<bool>()).prop_map(|(i, p)| Block::WikiLink(i, p)),
        any::<usize>().prop_map(Block::PathLink),
        any::<usize>().prop_map(Block::CountryLink),
        (1u8..4).prop_map(Block::Table),
        text().prop_map(Block::Anchor),
        any::<usize>().prop_map(Block::Chart),
    ]
}

fn body() -> impl Strategy<Value = Vec<Block>> {
    prop::collection::vec(block(), 0..8)
}

fn site_spec() -> impl Strategy<Value = SiteSpec> {
    let mineral = (
        text(),
        prop::collection::vec((0..COUNTRIES.len(), 1u32..1000), 0..4),
        body(),
    )
        .prop_map(|(title, shares, body)| MineralSpec {
            title,
            shares,
            body,
        });
    let company = (
        text(),
        0..COUNTRIES.len(),
        prop::collection::vec(any::<usize>(), 0..3),
        body(),
    )
        .prop_map(|(title, country, products, body)| CompanySpec {
            title,
            country,
            products,
            body,
        });
    let brief = (
        text(),
        1u32..28,
        prop::collection::vec(any::<usize>(), 0..3),
        prop::collection::vec(0..COUNTRIES.len(), 0..3),
        body(),
    )
        .prop_map(|(title, day, minerals, countries, body)| BriefSpec {
            title,
            day,
            minerals,
            countries,
            body,
        });
    (
        prop::collection::vec(mineral, 1..5),
        prop::collection::vec(company, 0..4),
        prop::collection::vec(brief, 0..4),
        prop::collection::vec(text(), 0..3),
        any::<bool>(),
    )
        .prop_map(|(minerals, companies, briefs, pages, relative)| SiteSpec {
            minerals,
            companies,
            briefs,
            pages,
            relative,
        })
}

/// A YAML scalar.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

impl SiteSpec {
    /// Every page as (content path, id).
    fn files(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for i in 0..self.minerals.len() {
            out.push((format!("minerals/m{i}.md"), format!("m{i}")));
        }
        for i in 0..self.companies.len() {
            out.push((format!("companies/c{i}.md"), format!("c{i}")));
        }
        for i in 0..self.briefs.len() {
            out.push((format!("briefs/b{i}.md"), format!("b{i}")));
        }
        for i in 0..self.pages.len() {
            out.push((format!("p{i}.md"), format!("p{i}")));
        }
        out
    }

    fn render_body(&self, blocks: &[Block]) -> String {
        let files = self.files();
        let mut out = String::new();
        for block in blocks {
            // Markdown special characters are escaped where they would change the structure.
            let esc = |s: &str| {
                s.chars()
                    .flat_map(|c| match c {
                        '*' | '_' | '`' | '#' | '<' | '>' | '[' | ']' | '!' | '(' | ')' | '{' => {
                            vec!['\\', c]
                        }
                        c => vec![c],
                    })
                    .collect::<String>()
            };
            match block {
                Block::Text(t) => out.push_str(&format!("{}\n\n", esc(t))),
                Block::Heading(l, t) => {
                    out.push_str(&format!("{} {}\n\n", "#".repeat(*l as usize), esc(t)))
                }
                Block::List(items) => {
                    for item in items {
                        out.push_str(&format!("- {}\n", esc(item)));
                    }
                    out.push('\n');
                }
                Block::Code(t) => out.push_str(&format!("```\n{}\n```\n\n", t.replace('`', "'"))),
                Block::WikiLink(i, pothole) => {
                    let (_, id) = &files[i % files.len()];
                    if *pothole {
                        out.push_str(&format!("See [[{id}|the page]].\n\n"));
                    } else {
                        out.push_str(&format!("See [[{id}]].\n\n"));
                    }
                }
                Block::PathLink(i) => {
                    let (path, _) = &files[i % files.len()];
                    out.push_str(&format!("[by path](@/{path}#top)\n\n"));
                }
                Block::CountryLink(i) => {
                    out.push_str(&format!("In [[{}]].\n\n", COUNTRIES[i % COUNTRIES.len()]));
                }
                Block::Table(n) => {
                    out.push_str("| a | b |\n|---|---|\n");
                    for r in 0..*n {
                        out.push_str(&format!("| {r} | x |\n"));
                    }
                    out.push('\n');
                }
                Block::Anchor(t) => {
                    out.push_str(&format!("## {}\n\n[back up](#{})\n\n", esc(t), "top"))
                }
                Block::Chart(i) => {
                    let m = i % self.minerals.len();
                    if !self.minerals[m].shares.is_empty() {
                        out.push_str(&format!("{{{{ supply_table(mineral=\"m{m}\") }}}}\n\n"));
                    }
                }
            }
        }
        out.push_str("## Top {#top}\n");
        out
    }

    fn write(&self) -> TestSite {
        let site = TestSite::new(&[]);
        for (i, m) in self.minerals.iter().enumerate() {
            let mut front = vec![format!("title: {}", q(&m.title))];
            let shares: BTreeMap<usize, u32> = m.shares.iter().copied().collect();
            if !shares.is_empty() {
                let by: Vec<String> = shares
                    .iter()
                    .map(|(c, v)| format!("{}: {v}", COUNTRIES[*c]))
                    .collect();
                front.push(format!(
                    "production:\n  - {{ year: 2024, stage: mine, unit: t, by_country: {{ {} }}, source: usgs }}",
                    by.join(", ")
                ));
            }
            site.write(
                &format!("content/minerals/m{i}.md"),
                &format!(
                    "---\n{}\n---\n{}",
                    front.join("\n"),
                    self.render_body(&m.body)
                ),
            );
        }
        for (i, c) in self.companies.iter().enumerate() {
            let products: BTreeSet<usize> =
                c.products.iter().map(|p| p % self.minerals.len()).collect();
            let products: Vec<String> = products
                .iter()
                .map(|m| format!("{{ mineral: m{m} }}"))
                .collect();
            site.write(
                &format!("content/companies/c{i}.md"),
                &format!(
                    "---\ntitle: {}\ncountry: {}\nfacilities:\n  - {{ name: Plant, country: {}, products: [{}] }}\n---\n{}",
                    q(&c.title),
                    COUNTRIES[c.country],
                    COUNTRIES[c.country],
                    products.join(", "),
                    self.render_body(&c.body)
                ),
            );
        }
        for (i, b) in self.briefs.iter().enumerate() {
            let minerals: BTreeSet<String> = b
                .minerals
                .iter()
                .map(|m| format!("m{}", m % self.minerals.len()))
                .collect();
            let countries: BTreeSet<&str> = b.countries.iter().map(|c| COUNTRIES[*c]).collect();
            site.write(
                &format!("content/briefs/b{i}.md"),
                &format!(
                    "---\ntitle: {}\ndate: 2025-03-{:02}\nminerals: [{}]\ncountries: [{}]\n---\n{}",
                    q(&b.title),
                    b.day,
                    minerals.into_iter().collect::<Vec<_>>().join(", "),
                    countries.into_iter().collect::<Vec<_>>().join(", "),
                    self.render_body(&b.body)
                ),
            );
        }
        for (i, title) in self.pages.iter().enumerate() {
            site.write(
                &format!("content/p{i}.md"),
                &format!("---\ntitle: {}\n---\n{}", q(title), self.render_body(&[])),
            );
        }
        site
    }
}

/// Asserts that every link of every HTML file leads to an output file, and every fragment of
/// a link within the site to an element with that id.
fn assert_links_resolve(site: &TestSite) {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut ids_of = |file: &str| -> BTreeSet<String> {
        ids.entry(file.to_string())
            .or_insert_with(|| {
                attrs(&site.html(file), "[id]", "id")
                    .into_iter()
                    .collect::<BTreeSet<_>>()
            })
            .clone()
    };
    let links = site.all_links();
    assert!(!links.is_empty());
    for link in links {
        if link.permalink {
            continue;
        }
        let fragment = link.href.split_once('#').map(|(_, f)| f.to_string());
        let target = if link.href.starts_with('#') {
            Some(link.file.clone())
        } else {
            site.target(&link, BASE)
        };
        let Some(target) = target else {
            continue;
        };
        assert!(
            site.out().join(&target).is_file(),
            "{} links to {} ({target}), which is not in the output",
            link.file,
            link.href
        );
        if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            if target.ends_with(".html") {
                assert!(
                    ids_of(&target).contains(&fragment),
                    "{} links to {}: no element has the id {fragment}",
                    link.file,
                    link.href
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_valid_content_builds_and_every_link_resolves(spec in site_spec()) {
        let site = spec.write();
        let mut options = site.options();
        options.relative_urls = Some(spec.relative);
        if let Err(e) = orebrief::build(&options) {
            panic!("{}\n{spec:#?}", describe(&e));
        }
        assert_links_resolve(&site);
    }
}
