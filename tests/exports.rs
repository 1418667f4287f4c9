//! Machine-readable exports (`docs/data-exports.md`): `data.json` beside every mineral, company
//! and country page, one CSV per production table, and `data/portal.json`, checked on the
//! fixture portal of `tests/fixtures/supply` against values worked out by hand.

mod common;

use std::collections::BTreeSet;

use common::*;
use orebrief::BuildOptions;
use orebrief::config::Profile;
use serde_json::{Value, json};

fn supply() -> TestSite {
    let site = TestSite::fixture("supply");
    site.build();
    site
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn data_json_beside_every_mineral_company_and_country_page() {
    let site = supply();
    let files = site.files();
    let pages: BTreeSet<String> = files
        .iter()
        .filter(|f| {
            let parts: Vec<&str> = f.split('/').collect();
            parts.len() == 3
                && ["minerals", "companies", "countries"].contains(&parts[0])
                && parts[2] == "index.html"
        })
        .map(|f| f.trim_end_matches("index.html").to_string())
        .collect();
    let data: BTreeSet<String> = files
        .iter()
        .filter(|f| f.ends_with("/data.json"))
        .map(|f| f.trim_end_matches("data.json").to_string())
        .collect();
    assert_eq!(pages.len(), 3 + 3 + 8, "{pages:?}");
    assert_eq!(data, pages);
    for dir in &pages {
        let json = site.json(&format!("{dir}data.json"));
        assert_eq!(json["url"], format!("{BASE}{dir}"), "{dir}");
        // Each page links to its data.json.
        let html = site.html(&format!("{dir}index.html"));
        assert_eq!(
            attrs(&html, ".data-links a", "href"),
            [format!("{BASE}{dir}data.json")],
            "{dir}"
        );
    }
}

#[test]
fn mineral_data_json_has_the_documented_shape() {
    let site = supply();
    let indium = site.json("minerals/indium/data.json");
    assert_eq!(
        keys(&indium),
        [
            "id",
            "kind",
            "title",
            "url",
            "summary",
            "data",
            "production",
            "producers",
            "agreements",
            "briefs",
            "backlinks"
        ]
    );
    assert_eq!(indium["id"], "indium");
    assert_eq!(indium["kind"], "mineral");
    assert_eq!(indium["title"], "Indium");
    assert_eq!(indium["summary"], "A by-product of zinc smelting.");
    assert_eq!(indium["agreements"], json!([]));

    // The front matter as written, figures as decimals, years as integers.
    let data = &indium["data"];
    assert_eq!(data["symbol"], "In");
    assert_eq!(data["critical"], json!({ "us": 2022, "eu": 2023 }));
    assert_eq!(data["as_of"], "2025-06");
    assert_eq!(
        data["production"][0]["by_country"],
        json!({ "CN": 500.0, "KR": 300.0, "JP": 200.0 })
    );
    assert!(data["production"][0]["by_country"]["CN"].is_f64());
    assert!(data["production"][0]["year"].is_i64());
    assert_eq!(data["production"][0]["world"], Value::Null);
    assert_eq!(data["us_trade"]["import_sources"]["period"], "2020-2023");
    assert!(data.get("kind").is_none());

    let table = &indium["production"][0];
    assert_eq!(
        keys(table),
        [
            "stage",
            "year",
            "unit",
            "estimated",
            "source",
            "note",
            "world",
            "world_given",
            "countries",
            "other",
            "top_country",
            "top_share",
            "hhi",
            "hhi_label",
            "hhi_lower_bound",
            "csv"
        ]
    );
    assert_eq!(
        table["countries"][1],
        json!({ "code": "KR", "name": "Korea (Republic of)", "value": 300.0, "share": 30.0, "rank": 2 })
    );
    assert_eq!(
        table["csv"],
        format!("{BASE}minerals/indium/production-refinery-2024.csv")
    );
    assert!(table["year"].is_i64() && table["countries"][0]["rank"].is_u64());

    assert_eq!(
        indium["producers"],
        json!([
            {
                "company": "korea-zinc",
                "company_title": "Korea Zinc",
                "facility": "Onsan Smelter",
                "country": "KR",
                "status": "operating",
                "capacity": 150.0,
                "unit": "t/yr",
                "source": "usgs"
            },
            {
                "company": "teck",
                "company_title": "Teck Resources",
                "facility": "Trail Operations",
                "country": "CA",
                "status": "closed",
                "capacity": null,
                "unit": null,
                "source": null
            }
        ])
    );
    assert_eq!(
        indium["briefs"],
        json!([{
            "id": "indium-outlook",
            "kind": "brief",
            "title": "Indium outlook 2025",
            "url": format!("{BASE}briefs/indium-outlook/")
        }])
    );
    assert_eq!(
        ids(&indium["backlinks"], "id"),
        ["_index/", "indium-outlook", "korea-zinc", "zinc"]
    );
    assert_eq!(
        ids(&indium["backlinks"], "kind"),
        ["home", "brief", "company", "mineral"]
    );
}

#[test]
fn company_data_json_lists_agreements_from_both_sides() {
    let site = supply();
    let kz = site.json("companies/korea-zinc/data.json");
    assert_eq!(kz["kind"], "company");
    assert_eq!(kz["production"], json!([]));
    assert_eq!(kz["producers"], json!([]));
    assert_eq!(kz["data"]["country"], "KR");
    assert_eq!(kz["data"]["founded"], 1974);
    assert_eq!(kz["data"]["listing"]["ticker"], "010130");
    assert_eq!(
        kz["data"]["facilities"][0]["products"][0],
        json!({ "mineral": "zinc", "capacity": 650000.0, "unit": "t/yr", "status": "operating", "source": "usgs" })
    );
    assert_eq!(ids(&kz["agreements"], "date"), ["2025-08", "2025-06-15"]);
    assert_eq!(
        kz["agreements"][0],
        json!({
            "date": "2025-08",
            "listed_by": "korea-zinc",
            "with": "lockheed-martin",
            "with_name": null,
            "kind": "MOU",
            "minerals": ["germanium"],
            "summary": "Germanium offtake rights.",
            "source": "usgs"
        })
    );
    assert_eq!(kz["agreements"][1]["with_name"], "US industrial customers");
    assert_eq!(
        ids(&kz["briefs"], "id"),
        ["indium-outlook", "germanium-deal"]
    );

    let lm = site.json("companies/lockheed-martin/data.json");
    assert_eq!(lm["agreements"], json!([kz["agreements"][0]]));
    assert_eq!(ids(&lm["backlinks"], "id"), ["germanium-deal"]);
    let teck = site.json("companies/teck/data.json");
    assert_eq!(teck["agreements"], json!([]));
    assert_eq!(teck["briefs"], json!([]));
    assert_eq!(teck["backlinks"], json!([]));
}

#[test]
fn country_data_json() {
    let site = supply();
    let kr = site.json("countries/kr/data.json");
    assert_eq!(
        keys(&kr),
        [
            "code",
            "name",
            "url",
            "production",
            "companies_headquartered",
            "facilities",
            "export_controls",
            "us_imports",
            "reserves",
            "briefs"
        ]
    );
    assert_eq!(kr["code"], "KR");
    assert_eq!(kr["name"], "Korea (Republic of)");
    assert_eq!(kr["url"], format!("{BASE}countries/kr/"));
    assert_eq!(
        kr["production"],
        json!([{ "mineral": "indium", "stage": "refinery", "year": 2024, "value": 300.0, "unit": "t", "share": 30.0, "rank": 2 }])
    );
    assert_eq!(kr["companies_headquartered"], json!(["korea-zinc"]));
    assert_eq!(
        kr["facilities"],
        json!([{ "company": "korea-zinc", "facility": "Onsan Smelter", "minerals": ["zinc", "indium", "germanium"] }])
    );
    assert_eq!(kr["export_controls"], json!([]));
    assert_eq!(
        kr["us_imports"],
        json!([{ "mineral": "indium", "period": "2020-2023", "share": 29.0 }])
    );
    assert_eq!(kr["reserves"], json!([]));
    assert_eq!(kr["briefs"], json!(["indium-outlook"]));

    let cn = site.json("countries/cn/data.json");
    assert_eq!(
        ids(&cn["production"], "mineral"),
        ["germanium", "indium", "zinc", "zinc"]
    );
    let shares: Vec<f64> = cn["production"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| num(&p["share"]))
        .collect();
    assert_eq!(shares, [30.0, 50.0, 30.0, 80.0]);
    assert_eq!(
        cn["export_controls"],
        json!([{ "mineral": "indium", "effective": "2025-02-04", "measure": "export licence required" }])
    );
    assert_eq!(
        cn["reserves"],
        json!([{ "mineral": "indium", "value": 8000.0, "unit": "t" }])
    );
    let us = site.json("countries/us/data.json");
    assert_eq!(us["companies_headquartered"], json!(["lockheed-martin"]));
    assert_eq!(us["briefs"], json!(["germanium-deal"]));
    assert_eq!(us["facilities"], json!([]));
}

const CSV_HEADER: [&str; 11] = [
    "mineral",
    "stage",
    "year",
    "rank",
    "country_code",
    "country",
    "value",
    "unit",
    "share_percent",
    "estimated",
    "source",
];

/// The records of a CSV file of the output, after checking its header.
fn csv_records(site: &TestSite, rel: &str) -> Vec<csv::StringRecord> {
    let text = site.read(rel);
    assert!(!text.starts_with('\u{feff}'), "{rel} starts with a BOM");
    assert!(!text.contains('\r'), "{rel} has CR line ends");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), &CSV_HEADER[..], "{rel}");
    reader
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("{rel}: {e}")))
        .collect()
}

#[test]
fn one_csv_per_production_table() {
    let site = supply();
    let csvs: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".csv"))
        .collect();
    assert_eq!(
        csvs,
        [
            "minerals/germanium/production-refinery-2024.csv",
            "minerals/indium/production-refinery-2024.csv",
            "minerals/zinc/production-mine-2023.csv",
            "minerals/zinc/production-mine-2024.csv"
        ]
    );
    for rel in &csvs {
        let records = csv_records(&site, rel);
        assert!(!records.is_empty(), "{rel}");
        let mut shares = 0.0;
        for r in &records {
            let value: f64 = r[6]
                .parse()
                .unwrap_or_else(|_| panic!("{rel}: value {r:?}"));
            let share: f64 = r[8]
                .parse()
                .unwrap_or_else(|_| panic!("{rel}: share {r:?}"));
            assert!(value >= 0.0 && (0.0..=100.0).contains(&share), "{r:?}");
            let year: i32 = r[2].parse().unwrap();
            assert!((2023..=2024).contains(&year));
            if &r[4] != "other" {
                r[3].parse::<u32>()
                    .unwrap_or_else(|_| panic!("{rel}: rank {r:?}"));
            }
            shares += share;
        }
        approx(shares, 100.0, 0.001);
        // The page links to it, and its table in data.json names it.
        let dir = &rel[..rel.rfind('/').unwrap() + 1];
        let html = site.html(&format!("{dir}index.html"));
        assert!(
            attrs(&html, "a.csv", "href").contains(&format!("{BASE}{rel}")),
            "{rel} not linked"
        );
    }
}

#[test]
fn csv_rows_by_hand() {
    let site = supply();
    let rows = |rel: &str| -> Vec<Vec<String>> {
        csv_records(&site, rel)
            .iter()
            .map(|r| r.iter().map(str::to_string).collect())
            .collect()
    };
    let s = |list: &[&str]| list.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        rows("minerals/zinc/production-mine-2024.csv"),
        [
            s(&[
                "zinc", "mine", "2024", "1", "CN", "China", "300", "kt", "30.0000", "true", "usgs"
            ]),
            s(&[
                "zinc",
                "mine",
                "2024",
                "2",
                "AU",
                "Australia",
                "150",
                "kt",
                "15.0000",
                "true",
                "usgs"
            ]),
            s(&[
                "zinc", "mine", "2024", "2", "PE", "Peru", "150", "kt", "15.0000", "true", "usgs"
            ]),
            s(&[
                "zinc",
                "mine",
                "2024",
                "",
                "other",
                "Other (not listed)",
                "400",
                "kt",
                "40.0000",
                "true",
                "usgs"
            ]),
        ]
    );
    assert_eq!(
        rows("minerals/indium/production-refinery-2024.csv"),
        [
            s(&[
                "indium", "refinery", "2024", "1", "CN", "China", "500", "t", "50.0000", "false",
                "usgs"
            ]),
            s(&[
                "indium",
                "refinery",
                "2024",
                "2",
                "KR",
                "Korea (Republic of)",
                "300",
                "t",
                "30.0000",
                "false",
                "usgs"
            ]),
            s(&[
                "indium", "refinery", "2024", "3", "JP", "Japan", "200", "t", "20.0000", "false",
                "usgs"
            ]),
        ]
    );
}

#[test]
fn csv_keeps_namibia_non_ascii_names_decimals_and_quotes() {
    let site = TestSite::new(&[
        (
            "site.yaml",
            "title: T\nbase_url: https://example.org/portal/\nsources:\n  - { id: \"a,b\", title: Comma source }\n",
        ),
        (
            "content/minerals/uranium.md",
            &page(
                &[
                    "title: Uranium",
                    "production:",
                    "  - year: 2024",
                    "    stage: mine",
                    "    unit: t U",
                    "    by_country: { NA: 0.5, TR: 1.5, CD: 2 }",
                    "    source: \"a,b\"",
                ],
                &[],
            ),
        ),
    ]);
    site.build();
    let records = csv_records(&site, "minerals/uranium/production-mine-2024.csv");
    let cols = |i: usize| records.iter().map(|r| r[i].to_string()).collect::<Vec<_>>();
    assert_eq!(cols(4), ["CD", "TR", "NA"]);
    assert_eq!(
        cols(5),
        ["Congo (Democratic Republic of the)", "Türkiye", "Namibia"]
    );
    assert_eq!(cols(6), ["2", "1.5", "0.5"]);
    assert_eq!(cols(7), ["t U", "t U", "t U"]);
    assert_eq!(cols(8), ["50.0000", "37.5000", "12.5000"]);
    assert_eq!(cols(10), ["a,b", "a,b", "a,b"]);
    assert!(
        site.read("minerals/uranium/production-mine-2024.csv")
            .contains("\"a,b\"")
    );
}

#[test]
fn portal_json_lists_everything_and_matches_the_page_exports() {
    let site = supply();
    let text = site.read("data/portal.json");
    assert!(!text.contains("\n  "), "portal.json is pretty-printed");
    let portal: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        keys(&portal),
        [
            "title",
            "base_url",
            "profile",
            "generated",
            "minerals",
            "companies",
            "countries",
            "briefs"
        ]
    );
    assert_eq!(portal["title"], "Supply Watch");
    assert_eq!(portal["base_url"], BASE);
    assert_eq!(portal["profile"], "public");
    assert_eq!(portal["generated"], "2026-01-15");
    assert_eq!(
        ids(&portal["minerals"], "id"),
        ["germanium", "indium", "zinc"]
    );
    assert_eq!(
        ids(&portal["companies"], "id"),
        ["korea-zinc", "lockheed-martin", "teck"]
    );
    assert_eq!(
        ids(&portal["countries"], "code"),
        ["AU", "CA", "CN", "JP", "KR", "PE", "RU", "US"]
    );
    for m in portal["minerals"].as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        assert_eq!(m, &site.json(&format!("minerals/{id}/data.json")), "{id}");
    }
    for c in portal["companies"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert_eq!(c, &site.json(&format!("companies/{id}/data.json")), "{id}");
    }
    for c in portal["countries"].as_array().unwrap() {
        let code = c["code"].as_str().unwrap().to_lowercase();
        assert_eq!(
            c,
            &site.json(&format!("countries/{code}/data.json")),
            "{code}"
        );
    }
    // Briefs, newest first, with what they name as written.
    assert_eq!(
        portal["briefs"],
        json!([
            {
                "id": "indium-outlook",
                "title": "Indium outlook 2025",
                "date": "2025-10-30",
                "summary": "Korea's place in indium.",
                "url": format!("{BASE}briefs/indium-outlook/"),
                "minerals": ["indium", "zinc"],
                "companies": ["korea-zinc"],
                "countries": ["KR", "CN"]
            },
            {
                "id": "germanium-deal",
                "title": "Germanium deal",
                "date": "2025-08-26",
                "summary": "An offtake for germanium.",
                "url": format!("{BASE}briefs/germanium-deal/"),
                "minerals": ["germanium"],
                "companies": ["korea-zinc", "lockheed-martin"],
                "countries": ["US"]
            }
        ])
    );
}

#[test]
fn export_urls_are_absolute_even_in_relative_builds() {
    let site = TestSite::fixture("supply");
    site.build_with(BuildOptions {
        relative_urls: Some(true),
        ..site.options()
    });
    let zinc = site.json("minerals/zinc/data.json");
    assert_eq!(zinc["url"], format!("{BASE}minerals/zinc/"));
    assert_eq!(
        zinc["production"][0]["csv"],
        format!("{BASE}minerals/zinc/production-mine-2024.csv")
    );
    assert_eq!(site.json("data/portal.json")["base_url"], BASE);
    // The page itself links to the CSV relatively.
    let html = site.html("minerals/zinc/index.html");
    assert!(
        attrs(&html, "a.csv", "href")
            .contains(&"../../minerals/zinc/production-mine-2024.csv".to_string())
    );
}

#[test]
fn export_urls_start_with_a_slash_without_base_url() {
    let site = TestSite::new(&[
        ("site.yaml", "title: T\n"),
        (
            "content/minerals/tin.md",
            &page(
                &[
                    "title: Tin",
                    "production:",
                    "  - { year: 2024, stage: mine, unit: t, by_country: { CN: 1 } }",
                ],
                &[],
            ),
        ),
    ]);
    site.build();
    let tin = site.json("minerals/tin/data.json");
    assert_eq!(tin["url"], "/minerals/tin/");
    assert_eq!(
        tin["production"][0]["csv"],
        "/minerals/tin/production-mine-2024.csv"
    );
    assert_eq!(site.json("data/portal.json")["base_url"], "/");
}

#[test]
fn exports_leave_the_kind_and_draft_fields_out() {
    let site = TestSite::new(&[(
        "content/minerals/tin.md",
        &page(
            &[
                "title: Tin",
                "kind: mineral",
                "draft: true",
                "production:",
                "  - { year: 2024, stage: mine, unit: t, by_country: { CN: 1 }, source: usgs }",
            ],
            &[],
        ),
    )]);
    site.build_with(BuildOptions {
        drafts: true,
        ..site.options()
    });
    let tin = site.json("minerals/tin/data.json");
    assert_eq!(tin["kind"], "mineral");
    assert_eq!(tin["data"]["title"], "Tin");
    for field in ["kind", "draft"] {
        assert!(tin["data"].get(field).is_none(), "{field}: {}", tin["data"]);
    }
    let portal = site.json("data/portal.json");
    let data = &portal["minerals"][0]["data"];
    assert_eq!(data["title"], "Tin");
    for field in ["kind", "draft"] {
        assert!(data.get(field).is_none(), "{field}: {data}");
    }
}

fn visibility_site() -> TestSite {
    TestSite::new(&[
        (
            "content/minerals/tin.md",
            &page(
                &[
                    "title: Tin",
                    "internal: { analyst: Jo }",
                    "extra: { colour: grey }",
                    "production:",
                    "  - { year: 2024, stage: mine, unit: t, by_country: { CN: 1 }, source: usgs }",
                ],
                &[],
            ),
        ),
        (
            "content/companies/public-co.md",
            &page(
                &[
                    "title: Public Co",
                    "country: PE",
                    "facilities:",
                    "  - { name: Open Mine, country: PE, products: [ { mineral: tin } ] }",
                ],
                &[],
            ),
        ),
        (
            "content/companies/secret-co.md",
            &page(
                &[
                    "title: Secret Co",
                    "visibility: internal",
                    "country: BO",
                    "facilities:",
                    "  - { name: Hidden Mine, country: BO, products: [ { mineral: tin } ] }",
                ],
                &[],
            ),
        ),
    ])
}

#[test]
fn public_exports_leave_internal_material_out() {
    let site = visibility_site();
    site.build();
    let tin = site.json("minerals/tin/data.json");
    assert_eq!(ids(&tin["producers"], "company"), ["public-co"]);
    assert!(tin["data"].get("internal").is_none(), "{}", tin["data"]);
    assert_eq!(tin["data"]["extra"], json!({ "colour": "grey" }));
    assert!(!site.exists("companies/secret-co/data.json"));
    assert!(!site.exists("countries/bo/data.json"));
    let portal = site.read("data/portal.json");
    for marker in ["secret-co", "Secret Co", "Hidden Mine", "analyst", "\"BO\""] {
        assert!(!portal.contains(marker), "portal.json has {marker}");
    }

    site.build_with(BuildOptions {
        profile: Some(Profile::Internal),
        ..site.options()
    });
    let tin = site.json("minerals/tin/data.json");
    assert_eq!(
        ids(&tin["producers"], "company"),
        ["public-co", "secret-co"]
    );
    assert_eq!(tin["data"]["internal"], json!({ "analyst": "Jo" }));
    assert!(site.exists("companies/secret-co/data.json"));
    assert_eq!(site.json("data/portal.json")["profile"], "internal");
}
