//! The supply graph, on the fixture portal of `tests/fixtures/supply` (written from the
//! content model alone): producer tables, agreements on both sides, briefs and backlinks,
//! supply metrics worked out by hand, country pages, the home dashboard, shortcodes, charts,
//! and the data checks with their locations.
//!
//! The fixture's production tables, worked out by hand:
//!
//! - indium refinery 2024 (t): CN 500, KR 300, JP 200; world = sum = 1,000; shares 50/30/20;
//!   HHI = 2,500 + 900 + 400 = 3,800, high; ranks 1, 2, 3.
//! - zinc mine 2024 (kt): world 1,000 given; CN 300, PE 150, AU 150 (listed 600); shares
//!   30/15/15, other 400 = 40%; HHI = 900 + 225 + 225 = 1,350, low, a lower bound; AU and PE
//!   tie at rank 2.
//! - zinc mine 2023 (kt): CN 400, PE 100; world = 500; shares 80/20; HHI = 6,400 + 400 =
//!   6,800, high.
//! - germanium refinery 2024 (t): CN 30, RU 20, US 20, CA 15, JP 15; world = 100; HHI = 900 +
//!   400 + 400 + 225 + 225 = 2,150, moderate; ranks CN 1, RU 2, US 2, CA 4, JP 4.

mod common;

use common::*;
use orebrief::diagnostics::Diagnostic;

fn supply() -> TestSite {
    let site = TestSite::fixture("supply");
    site.build();
    site
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Rows of the body and foot of the tables matching `css` (header rows left out).
fn body_rows(html: &scraper::Html, css: &str) -> Vec<Vec<String>> {
    assert!(html.select(&sel(css)).next().is_some(), "no table {css}");
    rows(html, &format!("{css} tbody, {css} tfoot"))
}

#[test]
fn producer_tables_list_every_facility_that_makes_the_mineral() {
    let site = supply();
    let indium = site.html("minerals/indium/index.html");
    let table = "section.producers-section table.producers";
    assert_eq!(
        body_rows(&indium, table),
        [
            strings(&[
                "Korea Zinc",
                "Onsan Smelter, Ulsan",
                "Korea (Republic of)",
                "operating",
                "150 t/yr"
            ]),
            strings(&[
                "Teck Resources",
                "Trail Operations, Trail, British Columbia",
                "Canada",
                "closed",
                "n/a"
            ]),
        ]
    );
    assert_eq!(
        attrs(&indium, &format!("{table} tbody th a"), "href"),
        [
            format!("{BASE}companies/korea-zinc/"),
            format!("{BASE}companies/teck/")
        ]
    );

    let zinc = site.html("minerals/zinc/index.html");
    assert_eq!(
        body_rows(&zinc, table),
        [
            strings(&[
                "Korea Zinc",
                "Onsan Smelter, Ulsan",
                "Korea (Republic of)",
                "operating",
                "650,000 t/yr"
            ]),
            strings(&[
                "Korea Zinc",
                "Sun Metals, Townsville",
                "Australia",
                "operating",
                "230,000 t/yr"
            ]),
            strings(&[
                "Teck Resources",
                "Trail Operations, Trail, British Columbia",
                "Canada",
                "operating",
                "300,000 t/yr"
            ]),
        ]
    );
    let germanium = site.html("minerals/germanium/index.html");
    assert_eq!(
        body_rows(&germanium, table),
        [strings(&[
            "Korea Zinc",
            "Onsan Smelter, Ulsan",
            "Korea (Republic of)",
            "planned",
            "12 t/yr"
        ])]
    );
}

#[test]
fn company_pages_list_facilities_and_facts() {
    let site = supply();
    let kz = site.html("companies/korea-zinc/index.html");
    assert_eq!(
        texts(&kz, "dl.facts dd"),
        [
            "Korea (Republic of)",
            "Seoul",
            "1974",
            "KRX: 010130",
            "example.com/koreazinc"
        ]
    );
    assert_eq!(
        texts(&kz, "table.facility caption"),
        [
            "Onsan Smelter (Ulsan, Korea (Republic of))",
            "Sun Metals (Townsville, Australia)"
        ]
    );
    assert_eq!(
        body_rows(&kz, "table.facility"),
        [
            strings(&["Zinc", "operating", "650,000 t/yr", "usgs"]),
            strings(&["Indium", "operating", "150 t/yr", "usgs"]),
            strings(&["Germanium", "planned", "12 t/yr", "usgs"]),
            strings(&["Zinc", "operating", "230,000 t/yr", "usgs"]),
        ]
    );
    assert_eq!(
        attrs(&kz, "table.facility tbody th a", "href")[..3],
        [
            format!("{BASE}minerals/zinc/"),
            format!("{BASE}minerals/indium/"),
            format!("{BASE}minerals/germanium/")
        ]
    );
}

#[test]
fn an_agreement_shows_on_both_parties() {
    let site = supply();
    let table = "section.agreements table";
    let kz = site.html("companies/korea-zinc/index.html");
    assert_eq!(
        body_rows(&kz, table),
        [
            strings(&[
                "2025-08",
                "Lockheed Martin",
                "MOU",
                "Germanium",
                "Germanium offtake rights. (source: usgs)"
            ]),
            strings(&[
                "2025-06-15",
                "US industrial customers",
                "supply contract",
                "Indium",
                "First indium shipment. (source: usgs)"
            ]),
        ]
    );
    assert_eq!(
        attrs(&kz, &format!("{table} tbody th a"), "href"),
        [format!("{BASE}companies/lockheed-martin/")]
    );
    // The other party sees it, naming the company whose file lists it.
    let lm = site.html("companies/lockheed-martin/index.html");
    assert_eq!(
        body_rows(&lm, table),
        [strings(&[
            "2025-08",
            "Korea Zinc",
            "MOU",
            "Germanium",
            "Germanium offtake rights. (source: usgs)"
        ])]
    );
    assert_eq!(
        attrs(&lm, &format!("{table} tbody th a"), "href"),
        [format!("{BASE}companies/korea-zinc/")]
    );
    // A company with no agreements has no agreements section.
    let teck = site.html("companies/teck/index.html");
    assert_eq!(teck.select(&sel("section.agreements")).count(), 0);
}

#[test]
fn a_brief_shows_on_every_page_it_names() {
    let site = supply();
    let briefs = |file: &str| texts(&site.html(file), "section.page-briefs li a");
    let outlook = "Indium outlook 2025";
    let deal = "Germanium deal";
    assert_eq!(briefs("minerals/indium/index.html"), [outlook]);
    assert_eq!(briefs("minerals/zinc/index.html"), [outlook]);
    assert_eq!(briefs("minerals/germanium/index.html"), [deal]);
    // Newest first.
    assert_eq!(briefs("companies/korea-zinc/index.html"), [outlook, deal]);
    assert_eq!(briefs("companies/lockheed-martin/index.html"), [deal]);
    assert!(briefs("companies/teck/index.html").is_empty());
    assert_eq!(briefs("countries/kr/index.html"), [outlook]);
    assert_eq!(briefs("countries/cn/index.html"), [outlook]);
    assert_eq!(briefs("countries/us/index.html"), [deal]);
    assert!(briefs("countries/pe/index.html").is_empty());
    let indium = site.html("minerals/indium/index.html");
    assert_eq!(
        attrs(&indium, "section.page-briefs li a", "href"),
        [format!("{BASE}briefs/indium-outlook/")]
    );
    assert_eq!(
        texts(&indium, "section.page-briefs li time"),
        ["2025-10-30"]
    );
    // The brief lists what it names.
    let brief = site.html("briefs/indium-outlook/index.html");
    assert_eq!(
        texts(&brief, "section.named li a"),
        [
            "Indium",
            "Zinc",
            "Korea Zinc",
            "Korea (Republic of)",
            "China"
        ]
    );
}

#[test]
fn body_links_appear_as_backlinks() {
    let site = supply();
    let backlinks = |file: &str| texts(&site.html(file), "section.backlinks li a");
    assert_eq!(
        backlinks("minerals/indium/index.html"),
        ["Supply Watch", "Indium outlook 2025", "Korea Zinc", "Zinc"]
    );
    // @/ path links count too (the home page links zinc by path).
    assert_eq!(
        backlinks("minerals/zinc/index.html"),
        ["Supply Watch", "Indium"]
    );
    assert_eq!(
        backlinks("companies/lockheed-martin/index.html"),
        ["Germanium deal"]
    );
    assert!(backlinks("companies/teck/index.html").is_empty());
    // [[KR]] links show on the country page.
    assert_eq!(
        backlinks("countries/kr/index.html"),
        ["Indium outlook 2025", "Korea Zinc", "Indium"]
    );
    let indium = site.html("minerals/indium/index.html");
    assert_eq!(
        attrs(&indium, "section.backlinks li a", "href")[1],
        format!("{BASE}briefs/indium-outlook/")
    );
}

#[test]
fn backlinks_from_country_notes_show_the_country_name() {
    let site = supply();
    let kz = site.html("companies/korea-zinc/index.html");
    assert_eq!(
        texts(&kz, "section.backlinks li a"),
        ["Korea (Republic of)", "Indium"]
    );
}

#[test]
fn supply_metrics_on_the_mineral_pages() {
    let site = supply();
    let indium = site.html("minerals/indium/index.html");
    let section = "section.production";
    assert_eq!(
        body_rows(&indium, &format!("{section} table")),
        [
            strings(&["1", "China", "500", "50.0%"]),
            strings(&["2", "Korea (Republic of)", "300", "30.0%"]),
            strings(&["3", "Japan", "200", "20.0%"]),
            strings(&[
                "",
                "World total (sum of listed countries)",
                "1,000",
                "100.0%"
            ]),
        ]
    );
    assert_eq!(
        texts(&indium, &format!("{section} .top-producer")),
        ["Top producer: China with 50.0% of world refinery production."]
    );
    assert_eq!(
        texts(&indium, &format!("{section} .concentration")),
        ["Concentration: HHI 3,800 high"]
    );
    assert_eq!(
        attrs(&indium, &format!("{section} .concentration .hhi"), "class"),
        ["hhi hhi-high"]
    );
    assert!(texts(&indium, &format!("{section} .hhi-note")).is_empty());

    // World larger than the listed countries: an "other" row and a lower bound.
    let zinc = site.html("minerals/zinc/index.html");
    let tables = rows(&zinc, &format!("{section} table"));
    assert_eq!(
        tables[..6],
        [
            strings(&["Rank", "Country", "Production (kt)", "Share of world"]),
            strings(&["1", "China", "300", "30.0%"]),
            strings(&["2", "Australia", "150", "15.0%"]),
            strings(&["2", "Peru", "150", "15.0%"]),
            strings(&["", "Other countries", "400", "40.0%"]),
            strings(&["", "World total", "1,000", "100.0%"]),
        ]
    );
    assert_eq!(
        texts(&zinc, &format!("{section} .concentration")),
        [
            "Concentration: HHI at least 1,350 low",
            "Concentration: HHI 6,800 high"
        ]
    );
    let note = texts(&zinc, &format!("{section} .hhi-note"));
    assert_eq!(note.len(), 1);
    assert!(note[0].contains("lower bound"), "{note:?}");
    assert_eq!(
        texts(&zinc, &format!("{section} caption")),
        [
            "Zinc mine production, 2024 (kt) (estimated)",
            "Zinc mine production, 2023 (kt)"
        ]
    );
    assert_eq!(
        texts(&zinc, &format!("{section} .table-note")),
        ["Note: a note under the table"]
    );

    let germanium = site.html("minerals/germanium/index.html");
    let ranks: Vec<(String, String)> = body_rows(&germanium, &format!("{section} table"))
        .into_iter()
        .take(5)
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert_eq!(
        ranks,
        [
            ("1".into(), "China".into()),
            ("2".into(), "Russian Federation".into()),
            ("2".into(), "United States of America".into()),
            ("4".into(), "Canada".into()),
            ("4".into(), "Japan".into())
        ]
    );
    assert_eq!(
        texts(&germanium, &format!("{section} .concentration")),
        ["Concentration: HHI 2,150 moderate"]
    );
}

#[test]
fn supply_metrics_in_data_json() {
    let site = supply();
    let indium = site.json("minerals/indium/data.json");
    let t = &indium["production"][0];
    approx(num(&t["hhi"]), 3800.0, 1e-6);
    assert_eq!(t["hhi_label"], "high");
    assert_eq!(t["hhi_lower_bound"], false);
    assert_eq!(t["top_country"], "CN");
    approx(num(&t["top_share"]), 50.0, 1e-9);
    approx(num(&t["world"]), 1000.0, 1e-9);
    assert_eq!(t["world_given"], false);
    let shares: Vec<(String, f64, u64)> = t["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                num(&c["share"]),
                c["rank"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shares,
        [
            ("CN".to_string(), 50.0, 1),
            ("KR".to_string(), 30.0, 2),
            ("JP".to_string(), 20.0, 3)
        ]
    );

    let zinc = site.json("minerals/zinc/data.json");
    let t = &zinc["production"][0];
    assert_eq!(
        (t["stage"].as_str(), t["year"].as_i64()),
        (Some("mine"), Some(2024))
    );
    approx(num(&t["hhi"]), 1350.0, 1e-6);
    assert_eq!(t["hhi_label"], "low");
    assert_eq!(t["hhi_lower_bound"], true);
    approx(num(&t["other"]["value"]), 400.0, 1e-9);
    approx(num(&t["other"]["share"]), 40.0, 1e-9);
    assert_eq!(t["world_given"], true);
    assert_eq!(t["estimated"], true);
    let ranks: Vec<u64> = t["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, [1, 2, 2]);
    let t = &zinc["production"][1];
    approx(num(&t["hhi"]), 6800.0, 1e-6);
    assert_eq!(t["hhi_label"], "high");
    assert!(t["other"].is_null());
    approx(num(&t["top_share"]), 80.0, 1e-9);

    let germanium = site.json("minerals/germanium/data.json");
    approx(num(&germanium["production"][0]["hhi"]), 2150.0, 1e-6);
    assert_eq!(germanium["production"][0]["hhi_label"], "moderate");
}

#[test]
fn hhi_label_boundaries() {
    // 2,500 exactly is moderate (CN 50, two of 25); just over it is high.
    let table = |by_country: &str| {
        page(
            &[
                "title: Tin",
                "production:",
                "  - year: 2024",
                "    stage: mine",
                "    unit: t",
                &format!("    by_country: {by_country}"),
                "    source: usgs",
            ],
            &[],
        )
    };
    for (by_country, hhi, label) in [
        ("{ CN: 50, ID: 25, PE: 25 }", 3750.0, "high"),
        ("{ CN: 40, ID: 30, PE: 30 }", 3400.0, "high"),
        ("{ CN: 30, ID: 30, PE: 20, BR: 20 }", 2600.0, "high"),
        (
            "{ CN: 50, ID: 10, PE: 10, BR: 10, BO: 10, MM: 10 }",
            3000.0,
            "high",
        ),
        ("{ CN: 25, ID: 25, PE: 25, BR: 25 }", 2500.0, "moderate"),
        (
            "{ CN: 20, ID: 20, PE: 20, BR: 20, BO: 20 }",
            2000.0,
            "moderate",
        ),
        (
            "{ CN: 20, ID: 20, PE: 15, BR: 15, BO: 10, MM: 10, AU: 10 }",
            1550.0,
            "moderate",
        ),
        (
            "{ CN: 20, ID: 20, PE: 10, BR: 10, BO: 10, MM: 10, AU: 10, MY: 10 }",
            1400.0,
            "low",
        ),
        (
            "{ CN: 10, ID: 10, PE: 10, BR: 10, BO: 10, MM: 10, AU: 10, MY: 10, RW: 10, CD: 10 }",
            1000.0,
            "low",
        ),
    ] {
        let site = TestSite::new(&[("content/minerals/tin.md", &table(by_country))]);
        site.build();
        let t = &site.json("minerals/tin/data.json")["production"][0];
        approx(num(&t["hhi"]), hhi, 1e-6);
        assert_eq!(t["hhi_label"], label, "{by_country}");
    }
}

#[test]
fn a_country_page_for_every_iso_code_met() {
    let site = supply();
    let countries: Vec<String> = site
        .files()
        .into_iter()
        .filter_map(|f| {
            f.strip_prefix("countries/")
                .and_then(|f| f.strip_suffix("/index.html"))
                .map(str::to_string)
        })
        .collect();
    assert_eq!(countries, ["au", "ca", "cn", "jp", "kr", "pe", "ru", "us"]);
    for (code, name) in [
        ("au", "Australia"),
        ("ca", "Canada"),
        ("cn", "China"),
        ("jp", "Japan"),
        ("kr", "Korea (Republic of)"),
        ("pe", "Peru"),
        ("ru", "Russian Federation"),
        ("us", "United States of America"),
    ] {
        let html = site.html(&format!("countries/{code}/index.html"));
        assert_eq!(
            text(&html, "main h1"),
            format!("{name} {}", code.to_uppercase())
        );
        assert_eq!(
            site.json(&format!("countries/{code}/data.json"))["name"],
            name
        );
    }
}

#[test]
fn the_countries_list_page_lists_every_country() {
    let site = supply();
    let html = site.html("countries/index.html");
    let links = attrs(&html, "main a", "href");
    for code in ["au", "ca", "cn", "jp", "kr", "pe", "ru", "us"] {
        assert!(
            links.contains(&format!("{BASE}countries/{code}/")),
            "no link to {code} in {links:?}"
        );
    }
    assert!(
        texts(&html, "main")
            .iter()
            .any(|t| t.contains("Korea (Republic of)"))
    );
}

#[test]
fn country_pages_gather_what_the_data_says() {
    let site = supply();
    let production = "section.production table";
    let cn = site.html("countries/cn/index.html");
    assert_eq!(
        body_rows(&cn, production),
        [
            strings(&["Germanium", "refinery", "2024", "30 t", "30.0%", "1"]),
            strings(&["Indium", "refinery", "2024", "500 t", "50.0%", "1"]),
            strings(&["Zinc", "mine", "2024", "300 kt", "30.0%", "1"]),
            strings(&["Zinc", "mine", "2023", "400 kt", "80.0%", "1"]),
        ]
    );
    assert_eq!(
        body_rows(&cn, "section.export-controls table"),
        [strings(&[
            "Indium",
            "2025-02-04",
            "export licence required"
        ])]
    );
    assert!(texts(&cn, "section.companies-hq").is_empty());

    let kr = site.html("countries/kr/index.html");
    assert_eq!(
        body_rows(&kr, production),
        [strings(&[
            "Indium", "refinery", "2024", "300 t", "30.0%", "2"
        ])]
    );
    assert_eq!(texts(&kr, "section.companies-hq li a"), ["Korea Zinc"]);
    assert_eq!(
        body_rows(&kr, "section.facilities table"),
        [strings(&[
            "Onsan Smelter",
            "Korea Zinc",
            "Zinc, Indium, Germanium"
        ])]
    );
    assert_eq!(
        body_rows(&kr, "section.us-imports table"),
        [strings(&["Indium", "2020-2023", "29.0%"])]
    );
    assert!(texts(&kr, "section.export-controls").is_empty());

    let us = site.html("countries/us/index.html");
    assert_eq!(texts(&us, "section.companies-hq li a"), ["Lockheed Martin"]);
    assert_eq!(
        body_rows(&us, production),
        [strings(&[
            "Germanium",
            "refinery",
            "2024",
            "20 t",
            "20.0%",
            "2"
        ])]
    );

    let ca = site.html("countries/ca/index.html");
    assert_eq!(texts(&ca, "section.companies-hq li a"), ["Teck Resources"]);
    assert_eq!(
        body_rows(&ca, "section.facilities table"),
        [strings(&[
            "Trail Operations",
            "Teck Resources",
            "Zinc, Indium"
        ])]
    );
    assert_eq!(
        body_rows(&ca, "section.us-imports table"),
        [strings(&["Indium", "2020-2023", "20.0%"])]
    );
    assert_eq!(
        body_rows(&ca, production),
        [strings(&[
            "Germanium",
            "refinery",
            "2024",
            "15 t",
            "15.0%",
            "4"
        ])]
    );

    let au = site.html("countries/au/index.html");
    assert_eq!(
        body_rows(&au, "section.facilities table"),
        [strings(&["Sun Metals", "Korea Zinc", "Zinc"])]
    );
    assert!(texts(&au, "section.companies-hq").is_empty());

    let pe = site.html("countries/pe/index.html");
    assert_eq!(
        body_rows(&pe, production),
        [
            strings(&["Zinc", "mine", "2024", "150 kt", "15.0%", "2"]),
            strings(&["Zinc", "mine", "2023", "100 kt", "20.0%", "2"]),
        ]
    );
    let jp = site.html("countries/jp/index.html");
    assert_eq!(
        body_rows(&jp, production),
        [
            strings(&["Germanium", "refinery", "2024", "15 t", "15.0%", "4"]),
            strings(&["Indium", "refinery", "2024", "200 t", "20.0%", "3"]),
        ]
    );
    assert_eq!(
        body_rows(&jp, "section.us-imports table"),
        [strings(&["Indium", "2020-2023", "11.0%"])]
    );
}

#[test]
fn a_country_note_is_rendered_on_top_of_its_page() {
    let site = supply();
    let kr = site.html("countries/kr/index.html");
    assert_eq!(text(&kr, "main .lead"), "A refiner rather than a miner.");
    assert_eq!(attrs(&kr, "main .content h2", "id"), ["smelting"]);
    assert!(text(&kr, "main .content h2").starts_with("Smelting"));
    assert_eq!(
        text(&kr, "main .content p"),
        "A note on Korea: home of Korea Zinc."
    );
    // The note comes before the data sections.
    let raw = site.read("countries/kr/index.html");
    let note = raw.find("A note on Korea").unwrap();
    let production = raw.find("<section class=\"production\"").unwrap();
    assert!(note < production);
    // A country without a note has no content block.
    let cn = site.html("countries/cn/index.html");
    assert!(texts(&cn, "main .content").is_empty());
}

#[test]
fn country_links_in_bodies_show_the_iso_name_and_create_the_page() {
    let site = TestSite::new(&[(
        "content/about.md",
        &page(&["title: About"], &["Trade with [[NO]] and [[CL|Chile]]."]),
    )]);
    site.build();
    let html = site.html("about/index.html");
    assert_eq!(texts(&html, ".content a"), ["Norway", "Chile"]);
    let no = site.html("countries/no/index.html");
    assert_eq!(text(&no, "main h1"), "Norway NO");
    assert_eq!(texts(&no, "section.backlinks li a"), ["About"]);
    assert!(site.exists("countries/cl/index.html"));
}

#[test]
fn the_home_dashboard_has_one_row_per_mineral() {
    let site = supply();
    let home = site.html("index.html");
    let table = "section.dashboard table";
    assert_eq!(
        attrs(&home, table, "class"),
        ["data sortable dashboard-table"]
    );
    assert_eq!(
        body_rows(&home, table),
        [
            strings(&[
                "Germanium",
                "Ge",
                "refinery, 2024",
                "China",
                "30.0%",
                "2,150",
                "moderate",
                "n/a",
                "none",
                "none"
            ]),
            strings(&[
                "Indium",
                "In",
                "refinery, 2024",
                "China",
                "50.0%",
                "3,800",
                "high",
                "100.0%",
                "China",
                "US EU"
            ]),
            strings(&[
                "Zinc",
                "Zn",
                "mine, 2024",
                "China",
                "30.0%",
                "1,350",
                "low",
                "76.0%",
                "none",
                "US"
            ]),
        ]
    );
    // Every cell of the body carries a data-sort value for the sorting script.
    let cells = home
        .select(&sel(&format!("{table} tbody th, {table} tbody td")))
        .count();
    let sortable = attrs(&home, &format!("{table} tbody [data-sort]"), "data-sort");
    assert_eq!(cells, 30);
    assert_eq!(sortable.len(), cells);
    assert_eq!(
        attrs(&home, &format!("{table} tbody td.num"), "data-sort")
            .into_iter()
            .filter(|v| ["2150", "3800", "1350"].contains(&v.as_str()))
            .count(),
        3
    );
    assert_eq!(
        attrs(&home, &format!("{table} tbody th a"), "href"),
        [
            format!("{BASE}minerals/germanium/"),
            format!("{BASE}minerals/indium/"),
            format!("{BASE}minerals/zinc/")
        ]
    );
    assert!(attrs(&home, "script", "src").contains(&format!("{BASE}sort.js")));
    assert_eq!(
        texts(&home, ".recent-briefs li a"),
        ["Indium outlook 2025", "Germanium deal"]
    );
}

#[test]
fn built_in_shortcodes_render_in_bodies() {
    let site = supply();
    let indium = site.html("minerals/indium/index.html");
    let body = ".content";
    assert_eq!(
        texts(&indium, &format!("{body} figure.supply-table caption")),
        ["Indium refinery production, 2024 (t)"]
    );
    assert_eq!(
        body_rows(&indium, &format!("{body} figure.supply-table table"))[..3],
        [
            strings(&["1", "China", "500", "50.0%"]),
            strings(&["2", "Korea (Republic of)", "300", "30.0%"]),
            strings(&["3", "Japan", "200", "20.0%"]),
        ]
    );
    assert_eq!(
        texts(
            &indium,
            &format!("{body} figure.supply-table .concentration")
        ),
        ["Concentration: HHI 3,800 high"]
    );
    // producers(): the same rows as the page's own producers table.
    assert_eq!(
        body_rows(&indium, &format!("{body} .shortcode-producers table")),
        body_rows(&indium, "section.producers-section table.producers")
    );
    assert_eq!(
        body_rows(&indium, &format!("{body} figure.import-sources table")),
        [
            strings(&["Korea (Republic of)", "29.0%"]),
            strings(&["Canada", "20.0%"]),
            strings(&["Japan", "11.0%"]),
            strings(&["Other countries", "40.0%"]),
        ]
    );
    assert_eq!(
        texts(&indium, &format!("{body} figure.chart-figure svg title")),
        ["Share of world refinery production of Indium in 2024"]
    );
    // No placeholder is left anywhere.
    assert!(
        !site
            .read("minerals/indium/index.html")
            .contains("orebriefshortcode")
    );
}

#[test]
fn shortcode_arguments_pick_the_table() {
    let site = TestSite::fixture("supply");
    site.write(
        "content/about.md",
        &page(
            &["title: About"],
            &[
                "{{ supply_table(mineral=\"zinc\", year=2023) }}",
                "",
                "{{ chart(mineral=\"indium\", of=\"imports\") }}",
            ],
        ),
    );
    site.build();
    let html = site.html("about/index.html");
    assert_eq!(
        texts(&html, ".content figure.supply-table caption"),
        ["Zinc mine production, 2023 (kt)"]
    );
    assert_eq!(
        texts(&html, ".content figure.chart-figure svg title"),
        ["Sources of US imports of Indium, 2020-2023"]
    );
}

fn callout_site(body: &[&str]) -> TestSite {
    TestSite::new(&[
        (
            "templates/shortcodes/callout.html",
            "<aside class=\"callout callout-{{ level }}\">{{ text }}</aside>",
        ),
        ("content/about.md", &page(&["title: About"], body)),
    ])
}

#[test]
fn code_shows_the_words_the_renderer_uses_for_its_own_marks_as_written() {
    // The body's shortcode placeholders, internal blocks and links to the root are filled in
    // before its code goes in, so code showing the same words keeps them.
    let site = callout_site(&[
        "```text",
        "orebriefshortcode0x $orebrief-root$ orebriefinternalopen0x",
        "```",
        "",
        "{{ callout(level=\"info\", text=\"The call\") }}",
    ]);
    site.build();
    let html = site.read("about/index.html");
    assert!(
        html.contains("orebriefshortcode0x &#36;orebrief-root$ orebriefinternalopen0x"),
        "{html}"
    );
    assert_eq!(html.matches("The call").count(), 1, "{html}");
    assert_eq!(
        texts(&site.html("about/index.html"), ".content aside"),
        ["The call"]
    );
    // The block is followed by the next one on the next line, as pulldown-cmark writes it.
    assert!(
        html.contains("</code></pre>\n<aside class=\"callout"),
        "{html}"
    );
}

#[test]
fn calls_in_indented_code_and_in_a_quoted_fence_are_shown_as_written() {
    let site = callout_site(&[
        "Before.",
        "",
        "    {{ callout(level=\"a\", text=\"indented\") }}",
        "",
        "> ```yaml",
        "> k: {{ callout(level='b', text=\"quoted\") }}",
        "> ```",
        "",
        "    {{ nosuch(text=\"not a call: no error\") }}",
        "",
        "{{ callout(level=\"c\", text=\"A real call\") }}",
    ]);
    site.build();
    let html = site.html("about/index.html");
    assert_eq!(
        texts(&html, ".content pre"),
        [
            "{{ callout(level=\"a\", text=\"indented\") }}",
            "k: {{ callout(level='b', text=\"quoted\") }}",
            "{{ nosuch(text=\"not a call: no error\") }}"
        ]
    );
    assert_eq!(texts(&html, ".content aside"), ["A real call"]);
    assert!(!site.read("about/index.html").contains("orebriefshortcode"));
}

#[test]
fn a_site_defined_shortcode_renders_with_its_arguments() {
    let site = callout_site(&[
        "Inline {{ callout(level=\"warn\", text=\"Mind <the> gap\") }} here.",
        "",
        "{{ callout(level='info', text=\"On its own\") }}",
        "",
        "`{{ callout(level=\"code\", text=\"not a call\") }}`",
    ]);
    site.build();
    let html = site.html("about/index.html");
    assert_eq!(
        attrs(&html, ".content aside", "class"),
        ["callout callout-warn", "callout callout-info"]
    );
    assert_eq!(
        texts(&html, ".content aside"),
        ["Mind <the> gap", "On its own"]
    );
    // Arguments are escaped like any template value.
    assert!(
        site.read("about/index.html")
            .contains("Mind &lt;the&gt; gap")
    );
    // Inside code, a call is text.
    assert_eq!(
        texts(&html, ".content code"),
        ["{{ callout(level=\"code\", text=\"not a call\") }}"]
    );
}

#[test]
fn whole_number_shortcode_arguments_render_as_integers() {
    let site = TestSite::new(&[
        (
            "templates/shortcodes/since.html",
            "<span class=\"since\">since {{ year }}</span>",
        ),
        (
            "content/about.md",
            &page(&["title: About"], &["Listed {{ since(year=2024) }}."]),
        ),
    ]);
    site.build();
    assert_eq!(
        texts(&site.html("about/index.html"), ".content .since"),
        ["since 2024"]
    );
}

#[test]
fn bad_shortcode_calls_are_errors_with_their_location() {
    let site = TestSite::fixture("supply");
    site.write(
        "content/about.md",
        &page(
            &["title: About"],
            &[
                "{{ supply_table(mineral=\"zinx\") }}",
                "",
                "{{ supply_table(mineral=\"zinc\", stage=\"smelting\") }}",
                "",
                "Text {{ suply_table(mineral=\"zinc\") }} more.",
                "",
                "{{ chart(mineral=zinc) }}",
                "",
                "{{ import_sources(mineral=\"zinc\") }}",
                "",
                "{{ supply_table(mineral=\"zinc\", year=1999) }}",
                "",
                "{{ producers(mineral=\"zinc\", stage=\"mine\") }}",
            ],
        ),
    );
    let errors = site.build_err();
    let f = "content/about.md";
    let d = expect_diag(&errors, f, 4, 1, "unknown mineral `zinx`");
    assert!(hint(d).contains("did you mean `zinc`?"), "{d}");
    let d = expect_diag(&errors, f, 6, 1, "unknown stage `smelting`");
    assert!(hint(d).contains("mine, refinery and smelter"), "{d}");
    let d = expect_diag(&errors, f, 8, 6, "unknown shortcode `suply_table`");
    assert!(hint(d).contains("did you mean `supply_table`?"), "{d}");
    expect_diag(
        &errors,
        f,
        10,
        1,
        "`zinc` is not a value: quote strings, as in mineral=\"zinc\"",
    );
    expect_diag(&errors, f, 12, 1, "`zinc` has no `us_trade.import_sources`");
    expect_diag(&errors, f, 14, 1, "`zinc` has no production table in 1999");
    expect_diag(&errors, f, 16, 1, "`producers` takes no argument `stage`");
    assert_eq!(common::errors(&errors).len(), 7, "{}", list(&errors));

    let output = run(site.root(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/about.md:8:6: error: unknown shortcode `suply_table`"),
        "{stderr}"
    );
}

#[test]
fn charts_are_accessible_svg() {
    let site = supply();
    let mut charts = 0;
    for file in [
        "minerals/indium/index.html",
        "minerals/zinc/index.html",
        "minerals/germanium/index.html",
    ] {
        let html = site.html(file);
        for svg in html.select(&sel("svg.chart")) {
            charts += 1;
            let titles: Vec<_> = svg.select(&sel("title")).collect();
            let descs: Vec<_> = svg.select(&sel("desc")).collect();
            assert_eq!((titles.len(), descs.len()), (1, 1), "{file}");
            let title_id = titles[0].value().attr("id").unwrap();
            let desc_id = descs[0].value().attr("id").unwrap();
            assert_eq!(
                svg.value().attr("aria-labelledby"),
                Some(format!("{title_id} {desc_id}").as_str())
            );
            assert_eq!(svg.value().attr("role"), Some("img"));
            assert!(!titles[0].text().collect::<String>().trim().is_empty());
            assert!(!descs[0].text().collect::<String>().trim().is_empty());
        }
    }
    // indium: its table and imports, and three shortcodes (supply_table, import_sources,
    // chart); zinc: two tables; germanium: one.
    assert_eq!(charts, 5 + 2 + 1);
    let zinc = site.html("minerals/zinc/index.html");
    assert_eq!(
        texts(&zinc, "section.production svg title"),
        [
            "Share of world mine production of Zinc in 2024",
            "Share of world mine production of Zinc in 2023"
        ]
    );
    assert_eq!(
        texts(&zinc, "section.production svg desc")[0],
        "Largest producer: China with 30.0% of the world total."
    );
    // Bars: China, Australia, Peru and the unlisted rest.
    let first = zinc.select(&sel("section.production svg")).next().unwrap();
    let labels: Vec<String> = first
        .select(&sel("text.chart-label"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(labels, ["China", "Australia", "Peru", "Other"]);
    let values: Vec<String> = first
        .select(&sel("text.chart-value"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(values, ["30.0%", "15.0%", "15.0%", "40.0%"]);
}

#[test]
fn chart_ids_are_unique_on_a_page() {
    let site = supply();
    let html = site.html("minerals/indium/index.html");
    let mut ids = attrs(&html, "[id]", "id");
    let n = ids.len();
    ids.sort();
    let mut dupes = ids.clone();
    dupes.dedup();
    assert_eq!(dupes.len(), n, "duplicate ids in {ids:?}");
}

// Data checks: each problem is an error (or a warning) at the value's file, line and column.

const ZINC: (&str, &str) = (
    "content/minerals/zinc.md",
    "---\ntitle: Zinc\nsymbol: Zn\n---\n",
);
const LOCKHEED: (&str, &str) = (
    "content/companies/lockheed-martin.md",
    "---\ntitle: Lockheed Martin\ncountry: US\n---\n",
);

/// Build errors of a site made of `file` (at `path`) and the valid zinc and Lockheed pages.
fn data_errors(path: &str, front: &[&str]) -> Vec<Diagnostic> {
    TestSite::new(&[ZINC, LOCKHEED, (path, &page(front, &[]))]).build_err()
}

fn tin(lines: &[&str]) -> Vec<String> {
    let mut front = vec!["title: Tin".to_string()];
    front.extend(lines.iter().map(|s| s.to_string()));
    front
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn unknown_mineral_in_a_product() {
    let errors = data_errors(
        "content/companies/acme.md",
        &[
            "title: Acme",
            "facilities:",
            "  - name: Plant",
            "    country: US",
            "    products:",
            "      - { mineral: zinx, capacity: 5, unit: t/yr, source: usgs }",
        ],
    );
    let d = expect_diag(
        &errors,
        "content/companies/acme.md",
        7,
        20,
        "unknown mineral `zinx`",
    );
    assert!(hint(d).contains("did you mean `zinc`?"), "{d}");
    assert_eq!(errors.len(), 1, "{}", list(&errors));
}

#[test]
fn a_product_naming_a_company_is_the_wrong_kind() {
    let errors = data_errors(
        "content/companies/acme.md",
        &[
            "title: Acme",
            "facilities:",
            "  - name: Plant",
            "    country: US",
            "    products:",
            "      - { mineral: lockheed-martin }",
        ],
    );
    expect_diag(
        &errors,
        "content/companies/acme.md",
        7,
        20,
        "`lockheed-martin` is a company, not a mineral",
    );
}

#[test]
fn unknown_company_in_an_agreement() {
    let errors = data_errors(
        "content/companies/acme.md",
        &[
            "title: Acme",
            "agreements:",
            "  - { date: 2025-08, with: lockheed, kind: MOU, source: usgs }",
        ],
    );
    let d = expect_diag(
        &errors,
        "content/companies/acme.md",
        4,
        28,
        "unknown company `lockheed`",
    );
    assert!(hint(d).contains("did you mean `lockheed-martin`?"), "{d}");
}

#[test]
fn an_agreement_needs_exactly_one_party() {
    let errors = data_errors(
        "content/companies/acme.md",
        &[
            "title: Acme",
            "agreements:",
            "  - { date: 2025-08, kind: MOU, source: usgs }",
            "  - { date: 2025-09, with: lockheed-martin, with_name: LM, kind: MOU, source: usgs }",
        ],
    );
    expect_diag(
        &errors,
        "content/companies/acme.md",
        4,
        5,
        "an agreement names no party",
    );
    expect_diag(
        &errors,
        "content/companies/acme.md",
        5,
        56,
        "an agreement names its party twice",
    );
}

#[test]
fn unknown_iso_codes() {
    let front = tin(&[
        "production:",
        "  - year: 2024",
        "    stage: mine",
        "    unit: t",
        "    by_country: { CN: 60, XX: 40 }",
        "    source: usgs",
    ]);
    let errors = data_errors("content/minerals/tin.md", &as_strs(&front));
    let d = expect_diag(
        &errors,
        "content/minerals/tin.md",
        7,
        27,
        "`XX` is not an ISO 3166-1 alpha-2 country code",
    );
    assert!(hint(d).contains("ISO 3166-1 alpha-2 code such as"), "{d}");
}

#[test]
fn lower_case_iso_codes_hint_the_upper_case_one() {
    let errors = data_errors(
        "content/companies/acme.md",
        &[
            "title: Acme",
            "country: kr",
            "facilities:",
            "  - name: Plant",
            "    country: UK",
        ],
    );
    let f = "content/companies/acme.md";
    let d = expect_diag(
        &errors,
        f,
        3,
        10,
        "`kr` is not an ISO 3166-1 alpha-2 country code",
    );
    assert!(hint(d).contains("write `KR`"), "{d}");
    let d = expect_diag(&errors, f, 6, 14, "`UK` is not an ISO 3166-1");
    assert!(hint(d).contains("`GB`"), "{d}");

    // The same for keys of a table, for import sources and for briefs.
    let front = tin(&[
        "production:",
        "  - year: 2024",
        "    stage: mine",
        "    unit: t",
        "    by_country: { kr: 1 }",
        "    source: usgs",
        "us_trade:",
        "  import_sources: { period: 2024, shares: { cn: 50, other: 50 } }",
        "  source: usgs",
    ]);
    let errors = data_errors("content/minerals/tin.md", &as_strs(&front));
    let f = "content/minerals/tin.md";
    let d = expect_diag(&errors, f, 7, 19, "`kr` is not an ISO");
    assert!(hint(d).contains("write `KR`"), "{d}");
    let d = expect_diag(&errors, f, 10, 45, "`cn` is not an ISO");
    assert!(hint(d).contains("write `CN`"), "{d}");
    assert_eq!(errors.len(), 2, "{}", list(&errors));

    let errors = data_errors(
        "content/briefs/b.md",
        &["title: B", "date: 2025-01-01", "countries: [KR, jp]"],
    );
    let d = expect_diag(&errors, "content/briefs/b.md", 4, 17, "`jp` is not an ISO");
    assert!(hint(d).contains("write `JP`"), "{d}");
}

#[test]
fn a_source_naming_no_listed_source() {
    let front = tin(&[
        "production:",
        "  - year: 2024",
        "    stage: mine",
        "    unit: t",
        "    by_country: { CN: 1 }",
        "    source: usgs-2099",
    ]);
    let errors = data_errors("content/minerals/tin.md", &as_strs(&front));
    let d = expect_diag(
        &errors,
        "content/minerals/tin.md",
        8,
        13,
        "source `usgs-2099` is not listed",
    );
    assert!(hint(d).contains("did you mean `usgs`?"), "{d}");
}

#[test]
fn page_sources_and_site_sources_both_count() {
    let front = tin(&[
        "production:",
        "  - year: 2024",
        "    stage: mine",
        "    unit: t",
        "    by_country: { CN: 1 }",
        "    source: own",
        "  - year: 2023",
        "    stage: mine",
        "    unit: t",
        "    by_country: { CN: 1 }",
        "    source: usgs",
        "sources:",
        "  - { id: own, title: Own source, url: \"https://example.com/own\" }",
        "  - { id: usgs, title: Page edition of USGS, url: \"https://example.com/usgs-page\" }",
    ]);
    let site = TestSite::new(&[("content/minerals/tin.md", &page(&as_strs(&front), &[]))]);
    let report = site.check();
    assert!(report.warnings.is_empty(), "{}", list(&report.warnings));
    site.build();
    // The page-level source shadows the site-level one of the same id.
    let html = site.html("minerals/tin/index.html");
    assert_eq!(
        attrs(&html, "section.sources li", "id"),
        ["source-own", "source-usgs"]
    );
    assert_eq!(
        attrs(&html, "section.sources li a", "href"),
        ["https://example.com/own", "https://example.com/usgs-page"]
    );
}

#[test]
fn import_shares_past_100_5() {
    let imports = |shares: &str| {
        tin(&[
            "us_trade:",
            &format!("  import_sources: {{ period: 2020-2023, shares: {shares} }}"),
            "  source: usgs",
        ])
    };
    let errors = data_errors(
        "content/minerals/tin.md",
        &as_strs(&imports("{ CN: 60, JP: 40, other: 0.6 }")),
    );
    expect_diag(
        &errors,
        "content/minerals/tin.md",
        4,
        48,
        "import shares sum to 100.6, more than 100",
    );
    // Rounding up to half a point is allowed.
    let front = imports("{ CN: 60, JP: 40, other: 0.5 }");
    TestSite::new(&[("content/minerals/tin.md", &page(&as_strs(&front), &[]))]).build();
}

#[test]
fn world_smaller_than_the_countries() {
    let table = |world: &str| {
        tin(&[
            "production:",
            "  - year: 2024",
            "    stage: mine",
            "    unit: t",
            &format!("    world: {world}"),
            "    by_country: { CN: 60, ID: 40 }",
            "    source: usgs",
        ])
    };
    let errors = data_errors("content/minerals/tin.md", &as_strs(&table("90")));
    let d = expect_diag(
        &errors,
        "content/minerals/tin.md",
        7,
        12,
        "world total 90 is less than the sum of by_country (100)",
    );
    assert!(hint(d).contains("shares are of `world`"), "{d}");
    // Within half a percent is rounding.
    let front = table("99.6");
    TestSite::new(&[("content/minerals/tin.md", &page(&as_strs(&front), &[]))]).build();
}

#[test]
fn negative_figures() {
    let front = tin(&[
        "production:",
        "  - year: 2024",
        "    stage: mine",
        "    unit: t",
        "    by_country: { CN: -5 }",
        "    source: usgs",
        "reserves: { unit: t, by_country: { CN: -1 }, source: usgs }",
    ]);
    let errors = data_errors("content/minerals/tin.md", &as_strs(&front));
    let f = "content/minerals/tin.md";
    expect_diag(
        &errors,
        f,
        7,
        23,
        "`-5` is not a valid figure: figures are numbers of zero or more",
    );
    expect_diag(&errors, f, 9, 40, "`-1` is not a valid figure");
    let errors = data_errors(
        "content/companies/acme.md",
        &[
            "title: Acme",
            "facilities:",
            "  - name: Plant",
            "    country: US",
            "    products:",
            "      - { mineral: zinc, capacity: -3, source: usgs }",
        ],
    );
    expect_diag(
        &errors,
        "content/companies/acme.md",
        7,
        36,
        "`-3` is not a valid figure",
    );
}

#[test]
fn a_second_table_for_the_same_stage_and_year() {
    let front = tin(&[
        "production:",
        "  - year: 2024",
        "    stage: mine",
        "    unit: t",
        "    by_country: { CN: 1 }",
        "    source: usgs",
        "  - year: 2024",
        "    stage: smelter",
        "    unit: t",
        "    by_country: { CN: 1 }",
        "    source: usgs",
        "  - year: 2024",
        "    stage: mine",
        "    unit: t",
        "    by_country: { CN: 2 }",
        "    source: usgs",
    ]);
    let errors = data_errors("content/minerals/tin.md", &as_strs(&front));
    let d = expect_diag(
        &errors,
        "content/minerals/tin.md",
        14,
        11,
        "a second mine table for 2024",
    );
    assert!(hint(d).contains("one table per stage and year"), "{d}");
    assert_eq!(errors.len(), 1, "{}", list(&errors));
}

#[test]
fn shares_and_percentages_above_100() {
    let front = tin(&[
        "uses:",
        "  - { name: solder, share: 70 }",
        "  - { name: chemicals, share: 40 }",
        "us_trade:",
        "  net_import_reliance: { year: 2024, percent: 120 }",
        "  source: usgs",
    ]);
    let errors = data_errors("content/minerals/tin.md", &as_strs(&front));
    let f = "content/minerals/tin.md";
    expect_diag(
        &errors,
        f,
        4,
        3,
        "the shares of `uses` sum to 110, more than 100",
    );
    expect_diag(&errors, f, 7, 47, "net import reliance above 100%");
}

#[test]
fn a_brief_naming_an_unknown_mineral_or_company() {
    let errors = data_errors(
        "content/briefs/b.md",
        &[
            "title: B",
            "date: 2025-01-01",
            "minerals: [zinc, tinn]",
            "companies: [lockheed]",
        ],
    );
    let f = "content/briefs/b.md";
    expect_diag(&errors, f, 4, 18, "unknown mineral `tinn`");
    let d = expect_diag(&errors, f, 5, 13, "unknown company `lockheed`");
    assert!(hint(d).contains("did you mean `lockheed-martin`?"), "{d}");
}

#[test]
fn a_figure_with_no_source_is_a_warning_in_check() {
    let front = tin(&[
        "production:",
        "  - year: 2024",
        "    stage: mine",
        "    unit: t",
        "    by_country: { CN: 1 }",
    ]);
    let site = TestSite::new(&[("content/minerals/tin.md", &page(&as_strs(&front), &[]))]);
    let report = site.check();
    assert_eq!(report.warnings.len(), 1, "{}", list(&report.warnings));
    let w = &report.warnings[0];
    assert!(!w.is_error());
    assert_eq!(w.file, std::path::Path::new("content/minerals/tin.md"));
    assert_eq!((w.line, w.column), (4, 5), "{w}");
    assert_eq!(w.message, "this figure cites no source");
    // The build goes on and reports it too.
    let report = site.build();
    assert_eq!(report.warnings.len(), 1);
    assert!(site.exists("minerals/tin/index.html"));
    let output = run(site.root(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("content/minerals/tin.md:4:5: warning: this figure cites no source")
    );
}

#[test]
fn stale_figures_are_a_warning_and_a_notice_on_the_page() {
    let site = TestSite::fixture("supply");
    let report = site.check();
    assert_eq!(report.warnings.len(), 1, "{}", list(&report.warnings));
    let w = &report.warnings[0];
    assert_eq!(
        w.file,
        std::path::Path::new("content/minerals/germanium.md")
    );
    assert_eq!((w.line, w.column), (4, 8), "{w}");
    // 2024-01 to 2026-01-15 is 24 months, more than stale_after_months (18).
    assert_eq!(
        w.message,
        "figures as of 2024-01 are 24 months old (stale after 18)"
    );
    site.build();
    let germanium = site.html("minerals/germanium/index.html");
    assert_eq!(text(&germanium, ".as-of"), "Figures as of 2024-01.");
    assert_eq!(texts(&germanium, ".stale-warning").len(), 1);
    assert!(text(&germanium, ".stale-warning").contains("2024-01"));
    // 2025-06 is 7 months old: shown as of, not flagged.
    let indium = site.html("minerals/indium/index.html");
    assert_eq!(text(&indium, ".as-of"), "Figures as of 2025-06.");
    assert!(texts(&indium, ".stale-warning").is_empty());
    // The threshold comes from site.yaml: at 30 months nothing is stale.
    let yaml = site
        .read_root("site.yaml")
        .replace("stale_after_months: 18", "stale_after_months: 30");
    site.write("site.yaml", &yaml);
    assert!(site.check().warnings.is_empty());
}

#[test]
fn the_content_model_fixture_builds_with_only_the_stale_warning() {
    let site = TestSite::fixture("supply");
    let report = site.build();
    assert_eq!(
        report
            .warnings
            .iter()
            .map(|w| w.message.as_str())
            .collect::<Vec<_>>(),
        ["figures as of 2024-01 are 24 months old (stale after 18)"]
    );
    // Every page of the content, its sections, the eight countries, home and 404.
    for page in [
        "index.html",
        "404.html",
        "about/index.html",
        "minerals/index.html",
        "minerals/germanium/index.html",
        "minerals/indium/index.html",
        "minerals/zinc/index.html",
        "companies/index.html",
        "companies/korea-zinc/index.html",
        "companies/lockheed-martin/index.html",
        "companies/teck/index.html",
        "briefs/index.html",
        "briefs/germanium-deal/index.html",
        "briefs/indium-outlook/index.html",
        "countries/index.html",
    ] {
        assert!(site.exists(page), "no {page}");
    }
    // The country note is the KR page, not a page of its own.
    assert!(!site.exists("countries/kr/kr/index.html"));
    assert_eq!(
        site.files()
            .iter()
            .filter(|f| f.starts_with("countries/") && f.ends_with("/index.html"))
            .count(),
        8 + 1
    );
}

#[test]
fn a_country_named_only_by_a_brief_gets_its_page() {
    let site = TestSite::new(&[(
        "content/briefs/nordics.md",
        &page(
            &["title: Nordic note", "date: 2025-05-01", "countries: [NO]"],
            &[],
        ),
    )]);
    site.build();
    let no = site.html("countries/no/index.html");
    assert_eq!(text(&no, "main h1"), "Norway NO");
    assert_eq!(texts(&no, "section.page-briefs li a"), ["Nordic note"]);
    assert_eq!(
        site.json("countries/no/data.json")["briefs"],
        serde_json::json!(["nordics"])
    );
}

#[test]
fn a_country_note_must_be_named_by_an_iso_code() {
    let site = TestSite::new(&[(
        "content/countries/korea.md",
        &page(&["title: Korea"], &["A note."]),
    )]);
    let errors = site.build_err();
    let d = only_error(&errors, "`korea` is not an ISO 3166-1 alpha-2 code");
    assert_eq!(d.file, std::path::Path::new("content/countries/korea.md"));
    assert!(hint(d).contains("content/countries/kr.md"), "{d}");
}
