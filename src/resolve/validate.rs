//! Checks of front-matter data that need more than its types: ISO codes, sources, share
//! sums, signs of figures, staleness. Each problem is located in the file.

use std::collections::HashSet;

use crate::config::SiteConfig;
use crate::diagnostics::{self, Diagnostic};
use crate::load::yaml::{self, Seg};
use crate::model::{Kind, Page, check_url};

/// Tolerance for shares that sum past 100 through rounding.
pub const SHARE_TOLERANCE: f64 = 0.5;

/// A diagnostic at the front-matter value `path` of `page`.
pub fn error_at(page: &Page, path: &[Seg<'_>], message: impl Into<String>) -> Diagnostic {
    let (line, column) = yaml::locate_in_file(&page.yaml, page.yaml_line, path);
    Diagnostic::error(&page.file, line, column, message)
}

/// A warning at the front-matter value `path` of `page`.
pub fn warning_at(page: &Page, path: &[Seg<'_>], message: impl Into<String>) -> Diagnostic {
    let (line, column) = yaml::locate_in_file(&page.yaml, page.yaml_line, path);
    Diagnostic::warning(&page.file, line, column, message)
}

/// A diagnostic at the key that ends `path` (for problems with a map key such as an ISO code).
fn key_error(page: &Page, path: &[Seg<'_>], message: impl Into<String>) -> Diagnostic {
    let (line, column) = yaml::locate_key(&page.yaml, path)
        .map(|(l, c)| (l + page.yaml_line - 1, c))
        .unwrap_or_else(|| yaml::locate_in_file(&page.yaml, page.yaml_line, path));
    Diagnostic::error(&page.file, line, column, message)
}

/// The English short name of an ISO 3166-1 alpha-2 code, if it is one.
pub fn country_name(code: &str) -> Option<&'static str> {
    rust_iso3166::from_alpha2(code).map(|c| c.name)
}

/// Checks an ISO code; `Err` carries the message and a hint.
pub fn check_country(code: &str) -> Result<(), (String, String)> {
    if country_name(code).is_some() {
        return Ok(());
    }
    let upper = code.to_ascii_uppercase();
    let hint = if country_name(&upper).is_some() {
        format!("ISO codes are upper-case: write `{upper}`")
    } else if upper == "UK" {
        "the ISO code of the United Kingdom is `GB`".to_string()
    } else if upper == "EL" {
        "the ISO code of Greece is `GR`".to_string()
    } else {
        "use an ISO 3166-1 alpha-2 code such as `CN`, `US` or `KR`".to_string()
    };
    Err((
        format!("`{code}` is not an ISO 3166-1 alpha-2 country code"),
        hint,
    ))
}

/// Collects problems in one page's data. `site_sources` are the ids of site-level sources.
pub fn check_page(
    page: &Page,
    config: &SiteConfig,
    site_sources: &HashSet<&str>,
    today: jiff::civil::Date,
    out: &mut Vec<Diagnostic>,
) {
    let m = &page.meta;
    let page_sources: HashSet<&str> = m.sources.iter().flatten().map(|s| s.id.as_str()).collect();
    let check_source = |source: &Option<String>, path: &[Seg<'_>], out: &mut Vec<Diagnostic>| {
        match source {
            Some(id)
                if !page_sources.contains(id.as_str()) && !site_sources.contains(id.as_str()) =>
            {
                let known: Vec<&str> = page_sources
                    .iter()
                    .chain(site_sources.iter())
                    .copied()
                    .collect();
                let hint = match diagnostics::nearest(id, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? Sources are listed in the page's `sources:` or in site.yaml"),
                None => "add it to the page's `sources:` list (id, title, url) or to `sources:` in site.yaml".to_string(),
            };
                out.push(
                    error_at(page, path, format!("source `{id}` is not listed")).with_hint(hint),
                );
            }
            Some(_) => {}
            None => out.push(
                warning_at(page, path, "this figure cites no source")
                    .with_hint("add `source: <id>`"),
            ),
        }
    };
    let check_code = |code: &str, path: &[Seg<'_>], is_key: bool, out: &mut Vec<Diagnostic>| {
        if let Err((message, hint)) = check_country(code) {
            let d = if is_key {
                key_error(page, path, message)
            } else {
                error_at(page, path, message)
            };
            out.push(d.with_hint(hint));
        }
    };
    let check_figure = |value: f64, path: &[Seg<'_>], out: &mut Vec<Diagnostic>| {
        if !value.is_finite() || value < 0.0 {
            out.push(
                error_at(
                    page,
                    path,
                    format!("`{value}` is not a valid figure: figures are numbers of zero or more"),
                )
                .with_hint(
                    "leave a figure out rather than write a placeholder; explain gaps in `note:`",
                ),
            );
        }
    };

    for (i, source) in m.sources.iter().flatten().enumerate() {
        if let Err(message) = check_url(&source.url) {
            out.push(
                error_at(
                    page,
                    &[Seg::Key("sources"), Seg::Index(i), Seg::Key("url")],
                    message,
                )
                .with_hint("use an http(s) or relative URL"),
            );
        }
    }
    if let Err(message) = check_url(&m.website) {
        out.push(error_at(page, &[Seg::Key("website")], message).with_hint("use an http(s) URL"));
    }

    // Mineral data.
    let mut seen_tables = HashSet::new();
    for (i, table) in m.production.iter().flatten().enumerate() {
        let at = |rest: &[Seg<'static>]| -> Vec<Seg<'static>> {
            let mut p = vec![Seg::Key("production"), Seg::Index(i)];
            p.extend_from_slice(rest);
            p
        };
        if !seen_tables.insert((table.stage, table.year)) {
            out.push(
                error_at(
                    page,
                    &at(&[Seg::Key("year")]),
                    format!("a second {} table for {}", table.stage.as_str(), table.year),
                )
                .with_hint("one table per stage and year: merge them"),
            );
        }
        for (code, &value) in &table.by_country {
            let path = [
                Seg::Key("production"),
                Seg::Index(i),
                Seg::Key("by_country"),
                Seg::Key(code),
            ];
            check_code(code, &path, true, out);
            check_figure(value, &path, out);
        }
        let listed: f64 = table.by_country.values().sum();
        if let Some(world) = table.world {
            check_figure(world, &at(&[Seg::Key("world")]), out);
            if world.is_finite() && listed > world * 1.005 + 1e-9 {
                out.push(
                    error_at(
                        page,
                        &at(&[Seg::Key("world")]),
                        format!(
                            "world total {world} is less than the sum of by_country ({listed})"
                        ),
                    )
                    .with_hint("shares are of `world`: correct the total or the country figures"),
                );
            }
        }
        check_source(&table.source, &at(&[Seg::Key("source")]), out);
    }
    if let Some(reserves) = &m.reserves {
        for (code, &value) in &reserves.by_country {
            let path = [Seg::Key("reserves"), Seg::Key("by_country"), Seg::Key(code)];
            check_code(code, &path, true, out);
            check_figure(value, &path, out);
        }
        if let Some(world) = reserves.world {
            let path = [Seg::Key("reserves"), Seg::Key("world")];
            check_figure(world, &path, out);
            let listed: f64 = reserves.by_country.values().sum();
            if world.is_finite() && listed > world * 1.005 + 1e-9 {
                out.push(
                    error_at(
                        page,
                        &path,
                        format!(
                            "world reserves {world} are less than the sum of by_country ({listed})"
                        ),
                    )
                    .with_hint("correct the total or the country figures"),
                );
            }
        }
        check_source(
            &reserves.source,
            &[Seg::Key("reserves"), Seg::Key("source")],
            out,
        );
    }
    if let Some(uses) = &m.uses {
        let mut sum = 0.0;
        for (i, u) in uses.iter().enumerate() {
            if let Some(share) = u.share {
                check_figure(
                    share,
                    &[Seg::Key("uses"), Seg::Index(i), Seg::Key("share")],
                    out,
                );
                sum += share;
            }
        }
        if sum > 100.0 + SHARE_TOLERANCE {
            out.push(
                error_at(
                    page,
                    &[Seg::Key("uses")],
                    format!("the shares of `uses` sum to {sum}, more than 100"),
                )
                .with_hint("shares are percentages of the whole"),
            );
        }
    }
    if let Some(trade) = &m.us_trade {
        if let Some(nir) = &trade.net_import_reliance {
            check_figure(
                nir.percent,
                &[
                    Seg::Key("us_trade"),
                    Seg::Key("net_import_reliance"),
                    Seg::Key("percent"),
                ],
                out,
            );
            if nir.percent > 100.0 {
                out.push(error_at(page, &[Seg::Key("us_trade"), Seg::Key("net_import_reliance"), Seg::Key("percent")], "net import reliance above 100%").with_hint("it is a percentage of apparent consumption; USGS writes >75 and the like as a note"));
            }
        }
        if let Some(imports) = &trade.import_sources {
            let mut sum = 0.0;
            for (code, &share) in &imports.shares {
                let path = [
                    Seg::Key("us_trade"),
                    Seg::Key("import_sources"),
                    Seg::Key("shares"),
                    Seg::Key(code),
                ];
                if code != "other" {
                    check_code(code, &path, true, out);
                }
                check_figure(share, &path, out);
                sum += share;
            }
            if sum > 100.0 + SHARE_TOLERANCE {
                out.push(
                    error_at(
                        page,
                        &[
                            Seg::Key("us_trade"),
                            Seg::Key("import_sources"),
                            Seg::Key("shares"),
                        ],
                        format!("import shares sum to {sum}, more than 100"),
                    )
                    .with_hint("shares are percentages; `other` is the rest of the world"),
                );
            }
        }
        check_source(
            &trade.source,
            &[Seg::Key("us_trade"), Seg::Key("source")],
            out,
        );
    }
    for (i, control) in m.export_controls.iter().flatten().enumerate() {
        check_code(
            &control.country,
            &[
                Seg::Key("export_controls"),
                Seg::Index(i),
                Seg::Key("country"),
            ],
            false,
            out,
        );
        check_source(
            &control.source,
            &[
                Seg::Key("export_controls"),
                Seg::Index(i),
                Seg::Key("source"),
            ],
            out,
        );
    }

    // Company data.
    if let Some(code) = &m.country {
        check_code(code, &[Seg::Key("country")], false, out);
    }
    for (f, facility) in m.facilities.iter().flatten().enumerate() {
        check_code(
            &facility.country,
            &[Seg::Key("facilities"), Seg::Index(f), Seg::Key("country")],
            false,
            out,
        );
        for (p, product) in facility.products.iter().enumerate() {
            let path = [
                Seg::Key("facilities"),
                Seg::Index(f),
                Seg::Key("products"),
                Seg::Index(p),
            ];
            if let Some(capacity) = product.capacity {
                let mut cap = path.to_vec();
                cap.push(Seg::Key("capacity"));
                check_figure(capacity, &cap, out);
                let mut src = path.to_vec();
                src.push(Seg::Key("source"));
                check_source(&product.source, &src, out);
            } else if product.source.is_some() {
                let mut src = path.to_vec();
                src.push(Seg::Key("source"));
                check_source(&product.source, &src, out);
            }
        }
    }
    for (i, agreement) in m.agreements.iter().flatten().enumerate() {
        let path = [Seg::Key("agreements"), Seg::Index(i)];
        match (&agreement.with, &agreement.with_name) {
            (None, None) => out.push(
                error_at(page, &path, "an agreement names no party").with_hint(
                    "add `with: <company id>`, or `with_name: <name>` for a party with no page",
                ),
            ),
            (Some(_), Some(_)) => out.push(
                error_at(
                    page,
                    &[path[0], path[1], Seg::Key("with_name")],
                    "an agreement names its party twice",
                )
                .with_hint(
                    "use `with:` for a company with a page, `with_name:` otherwise, not both",
                ),
            ),
            _ => {}
        }
        check_source(
            &agreement.source,
            &[path[0], path[1], Seg::Key("source")],
            out,
        );
    }

    // Brief data.
    for (i, code) in m.countries.iter().flatten().enumerate() {
        check_code(code, &[Seg::Key("countries"), Seg::Index(i)], false, out);
    }
    if page.kind == Kind::Country {
        let code = page.id.to_ascii_uppercase();
        if country_name(&code).is_none() {
            out.push(
                Diagnostic::error(
                    &page.file,
                    0,
                    0,
                    format!("`{}` is not an ISO 3166-1 alpha-2 code", page.id),
                )
                .with_hint("name country notes by their code: content/countries/kr.md"),
            );
        }
    }

    // Staleness.
    if let Some(as_of) = m.as_of {
        let months = as_of.months_until(today);
        if months > config.stale_after_months as i32 {
            out.push(
                warning_at(
                    page,
                    &[Seg::Key("as_of")],
                    format!(
                        "figures as of {as_of} are {months} months old (stale after {})",
                        config.stale_after_months
                    ),
                )
                .with_hint("check the figures against the newest edition and update `as_of`"),
            );
        }
    }
}
