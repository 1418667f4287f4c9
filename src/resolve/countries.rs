//! Country pages: every ISO code met anywhere in the data, with what the data says of it.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::model::Kind;

use super::Site;
use super::validate::country_name;

/// One country's place in the supply graph.
#[derive(Debug, Clone, Default)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, upper-case.
    pub code: String,
    /// ISO short name, or the title of its note.
    pub name: String,
    /// Its note in `content/countries/`, if any.
    pub note: Option<usize>,
    /// (mineral page, table index, row index) of each production table it appears in.
    pub production: Vec<(usize, usize, usize)>,
    /// Companies headquartered there.
    pub headquarters: Vec<usize>,
    /// (company, facility index) of facilities there.
    pub facilities: Vec<(usize, usize)>,
    /// (mineral, control index) of export controls it imposes.
    pub export_controls: Vec<(usize, usize)>,
    /// (mineral, share) of US imports from it.
    pub us_imports: Vec<(usize, f64)>,
    /// (mineral, value) of its reserves.
    pub reserves: Vec<(usize, f64)>,
    /// Briefs that name it.
    pub briefs: Vec<usize>,
}

/// Collects every country met in the data of `site`.
pub fn collect(site: &Site, _out: &mut Vec<Diagnostic>) -> BTreeMap<String, Country> {
    let mut countries: BTreeMap<String, Country> = BTreeMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        let m = &page.meta;
        for (t, metrics) in site.graph.tables[i].iter().enumerate() {
            for (r, row) in metrics.rows.iter().enumerate() {
                if let Some(c) = entry(&mut countries, &row.code) {
                    c.production.push((i, t, r));
                }
            }
        }
        if let Some(reserves) = &m.reserves {
            for (code, &value) in &reserves.by_country {
                if let Some(c) = entry(&mut countries, code) {
                    c.reserves.push((i, value));
                }
            }
        }
        if let Some(imports) = m.us_trade.as_ref().and_then(|t| t.import_sources.as_ref()) {
            for (code, &share) in &imports.shares {
                if let Some(c) = entry(&mut countries, code) {
                    c.us_imports.push((i, share));
                }
            }
        }
        for (k, control) in m.export_controls.iter().flatten().enumerate() {
            if let Some(c) = entry(&mut countries, &control.country) {
                c.export_controls.push((i, k));
            }
        }
        if page.kind == Kind::Company {
            if let Some(c) = m
                .country
                .as_deref()
                .and_then(|code| entry(&mut countries, code))
            {
                c.headquarters.push(i);
            }
        }
        for (f, facility) in m.facilities.iter().flatten().enumerate() {
            if let Some(c) = entry(&mut countries, &facility.country) {
                c.facilities.push((i, f));
            }
        }
        if page.kind == Kind::Brief {
            for code in m.countries.iter().flatten() {
                if let Some(c) = entry(&mut countries, code) {
                    c.briefs.push(i);
                }
            }
        }
        if page.kind == Kind::Country {
            let code = page.id.to_ascii_uppercase();
            if let Some(c) = entry(&mut countries, &code) {
                c.note = Some(i);
                if let Some(title) = &page.meta.title {
                    c.name = title.clone();
                }
            }
        }
    }
    for country in countries.values_mut() {
        country
            .briefs
            .sort_by(|&a, &b| site.pages[b].meta.date.cmp(&site.pages[a].meta.date));
        country
            .production
            .sort_by_cached_key(|a| (site.pages[a.0].title().to_lowercase(), a.1));
    }
    countries
}

fn entry<'a>(countries: &'a mut BTreeMap<String, Country>, code: &str) -> Option<&'a mut Country> {
    let name = country_name(code)?;
    Some(
        countries
            .entry(code.to_string())
            .or_insert_with(|| Country {
                code: code.to_string(),
                name: name.to_string(),
                ..Country::default()
            }),
    )
}

/// Adds a country met only in a body link (`[[KR]]`), so its page exists.
pub fn ensure(countries: &mut BTreeMap<String, Country>, code: &str) -> bool {
    let Some(name) = country_name(code) else {
        return false;
    };
    countries
        .entry(code.to_string())
        .or_insert_with(|| Country {
            code: code.to_string(),
            name: name.to_string(),
            ..Country::default()
        });
    true
}
