//! The domain types: what a profile's front matter says, typed.
//!
//! One [`FrontMatter`] struct carries every field the content model names for any kind; the
//! load stage checks that a file uses only the fields of its own kind (see [`Kind::fields`]).
//! Everything here mirrors `docs/content-model.md`; a field's meaning never changes.

use std::fmt;
use std::path::PathBuf;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a content file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A mineral profile (`content/minerals/`).
    Mineral,
    /// A company profile (`content/companies/`).
    Company,
    /// A dated briefing note (`content/briefs/`).
    Brief,
    /// A note on a country (`content/countries/<code>.md`).
    Country,
    /// Any other page.
    Page,
    /// A section's `_index.md`.
    Section,
    /// The home page, `content/_index.md`.
    Home,
}

/// Fields every kind may carry.
const COMMON: &[&str] = &[
    "kind",
    "title",
    "summary",
    "tags",
    "weight",
    "date",
    "updated",
    "draft",
    "visibility",
    "internal",
    "extra",
    "sources",
    "aliases",
];

impl Kind {
    /// The kind a file gets from its top folder under `content/`.
    pub fn from_folder(folder: &str) -> Kind {
        match folder {
            "minerals" => Kind::Mineral,
            "companies" => Kind::Company,
            "briefs" => Kind::Brief,
            "countries" => Kind::Country,
            _ => Kind::Page,
        }
    }

    /// The kind named by a `kind:` field.
    pub fn from_name(name: &str) -> Option<Kind> {
        Some(match name {
            "mineral" => Kind::Mineral,
            "company" => Kind::Company,
            "brief" => Kind::Brief,
            "country" => Kind::Country,
            "page" => Kind::Page,
            _ => return None,
        })
    }

    /// The kinds a `kind:` field may name.
    pub const NAMES: &'static [&'static str] = &["mineral", "company", "brief", "country", "page"];

    /// Lower-case name, as in templates and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Mineral => "mineral",
            Kind::Company => "company",
            Kind::Brief => "brief",
            Kind::Country => "country",
            Kind::Page => "page",
            Kind::Section => "section",
            Kind::Home => "home",
        }
    }

    /// The front-matter fields this kind accepts, besides the common ones.
    fn own_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Mineral => &[
                "symbol",
                "critical",
                "as_of",
                "production",
                "reserves",
                "uses",
                "us_trade",
                "export_controls",
            ],
            Kind::Company => &[
                "country",
                "headquarters",
                "founded",
                "listing",
                "website",
                "facilities",
                "agreements",
                "as_of",
            ],
            Kind::Brief => &["minerals", "companies", "countries"],
            Kind::Country | Kind::Page | Kind::Section | Kind::Home => &[],
        }
    }

    /// Every front-matter field this kind accepts.
    pub fn fields(self) -> impl Iterator<Item = &'static str> {
        COMMON.iter().chain(self.own_fields()).copied()
    }

    /// Whether this kind accepts `field`.
    pub fn accepts(self, field: &str) -> bool {
        self.fields().any(|f| f == field)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A date written `YYYY-MM-DD` or `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// Year.
    pub year: i16,
    /// Month, 1-12.
    pub month: i8,
    /// Day of the month, when given.
    pub day: Option<i8>,
}

impl PartialDate {
    /// Parses `YYYY-MM-DD` or `YYYY-MM`, checking that the date exists.
    pub fn parse(s: &str) -> Result<PartialDate, String> {
        let bad = || format!("`{s}` is not a date: write YYYY-MM-DD or YYYY-MM");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, len: usize| -> Option<i32> {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        match parts.as_slice() {
            [y, m] => {
                let (year, month) = (num(y, 4).ok_or_else(bad)?, num(m, 2).ok_or_else(bad)?);
                jiff::civil::Date::new(year as i16, month as i8, 1).map_err(|_| bad())?;
                Ok(PartialDate {
                    year: year as i16,
                    month: month as i8,
                    day: None,
                })
            }
            [y, m, d] => {
                let (year, month, day) = (
                    num(y, 4).ok_or_else(bad)?,
                    num(m, 2).ok_or_else(bad)?,
                    num(d, 2).ok_or_else(bad)?,
                );
                jiff::civil::Date::new(year as i16, month as i8, day as i8).map_err(|_| bad())?;
                Ok(PartialDate {
                    year: year as i16,
                    month: month as i8,
                    day: Some(day as i8),
                })
            }
            _ => Err(bad()),
        }
    }

    /// Whole months from this date to `today` (negative when in the future).
    pub fn months_until(&self, today: jiff::civil::Date) -> i32 {
        (i32::from(today.year()) - i32::from(self.year)) * 12 + i32::from(today.month())
            - i32::from(self.month)
    }

    /// As an RFC 3339 timestamp at midnight UTC (first of the month when no day is given).
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            self.year,
            self.month,
            self.day.unwrap_or(1)
        )
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(d)?;
        PartialDate::parse(&text.0).map_err(serde::de::Error::custom)
    }
}

/// A scalar read as text, whether YAML typed it as a string, a number or a boolean
/// (`ticker: 010130`, `period: 2020`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `visibility:` of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// In every build (the default).
    #[default]
    Public,
    /// Only in internal builds.
    Internal,
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Id that figures name in their `source:`.
    pub id: String,
    /// Title of the publication.
    pub title: String,
    /// Where to find it.
    #[serde(default)]
    pub url: Option<String>,
    /// When it was consulted.
    #[serde(default)]
    pub accessed: Option<PartialDate>,
}

/// Every field of every kind's front matter. Which of them a file may use depends on its kind.
///
/// Serialized only as the `data` of a page's exports (`write::data`): without `kind` and
/// `draft`, and without `internal` in a public build, whose resolve drops it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    // Common to every kind.
    /// Overrides the kind that the folder gives (not exported: the export gives the kind).
    #[serde(skip_serializing)]
    pub kind: Option<String>,
    /// The page's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// One or two sentences shown in lists, search and feeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Free tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Ordering within a section (lower first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// Date of a page or brief.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// When the page was last updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<PartialDate>,
    /// Left out unless the build asks for drafts (not exported).
    #[serde(skip_serializing)]
    pub draft: Option<bool>,
    /// `internal`: only in internal builds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Free-form data shown only in internal builds (a public build's resolve drops it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<serde_yaml::Value>,
    /// Free-form data for templates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_yaml::Value>,
    /// Sources the page's figures cite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<Source>>,
    /// Other names of the subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,

    // Mineral.
    /// Chemical symbol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Year the mineral entered each critical list (`us`, `eu`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical: Option<IndexMap<String, i32>>,
    /// When the figures were last checked (minerals and companies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    /// Production tables: one per stage and year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub production: Option<Vec<Production>>,
    /// Reserves by country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserves: Option<Reserves>,
    /// End uses with their shares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uses: Option<Vec<Use>>,
    /// US trade figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub us_trade: Option<UsTrade>,
    /// Export controls in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_controls: Option<Vec<ExportControl>>,

    // Company.
    /// Headquarters country (ISO code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Headquarters city.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headquarters: Option<String>,
    /// Year founded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub founded: Option<i32>,
    /// Stock listing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing: Option<Listing>,
    /// Company website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Plants, mines and refineries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facilities: Option<Vec<Facility>>,
    /// Supply agreements, MOUs, offtakes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreements: Option<Vec<Agreement>>,

    // Brief.
    /// Minerals a brief covers (ids).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minerals: Option<Vec<String>>,
    /// Companies a brief covers (ids).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub companies: Option<Vec<String>>,
    /// Countries a brief covers (ISO codes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
}

impl FrontMatter {
    /// The names of the fields that are set.
    pub fn fields_set(&self) -> Vec<&'static str> {
        let set = [
            ("kind", self.kind.is_some()),
            ("title", self.title.is_some()),
            ("summary", self.summary.is_some()),
            ("tags", self.tags.is_some()),
            ("weight", self.weight.is_some()),
            ("date", self.date.is_some()),
            ("updated", self.updated.is_some()),
            ("draft", self.draft.is_some()),
            ("visibility", self.visibility.is_some()),
            ("internal", self.internal.is_some()),
            ("extra", self.extra.is_some()),
            ("sources", self.sources.is_some()),
            ("aliases", self.aliases.is_some()),
            ("symbol", self.symbol.is_some()),
            ("critical", self.critical.is_some()),
            ("as_of", self.as_of.is_some()),
            ("production", self.production.is_some()),
            ("reserves", self.reserves.is_some()),
            ("uses", self.uses.is_some()),
            ("us_trade", self.us_trade.is_some()),
            ("export_controls", self.export_controls.is_some()),
            ("country", self.country.is_some()),
            ("headquarters", self.headquarters.is_some()),
            ("founded", self.founded.is_some()),
            ("listing", self.listing.is_some()),
            ("website", self.website.is_some()),
            ("facilities", self.facilities.is_some()),
            ("agreements", self.agreements.is_some()),
            ("minerals", self.minerals.is_some()),
            ("companies", self.companies.is_some()),
            ("countries", self.countries.is_some()),
        ];
        set.into_iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| name)
            .collect()
    }
}

/// Stage of a production table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Mine output.
    Mine,
    /// Refinery output.
    Refinery,
    /// Smelter output.
    Smelter,
}

impl Stage {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Mine => "mine",
            Stage::Refinery => "refinery",
            Stage::Smelter => "smelter",
        }
    }
}

/// One production table: a stage in a year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Production {
    /// Data year.
    pub year: i32,
    /// mine, refinery or smelter.
    pub stage: Stage,
    /// Unit of the figures (t, kg, ...).
    pub unit: String,
    /// World total; defaults to the sum of `by_country`.
    #[serde(default)]
    pub world: Option<f64>,
    /// Output by ISO country code.
    pub by_country: IndexMap<String, f64>,
    /// The figures are estimates.
    #[serde(default)]
    pub estimated: Option<bool>,
    /// Shown under the table.
    #[serde(default)]
    pub note: Option<String>,
    /// Id of the source.
    #[serde(default)]
    pub source: Option<String>,
}

/// Reserves by country.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reserves {
    /// Unit of the figures.
    pub unit: String,
    /// Reserves by ISO country code.
    pub by_country: IndexMap<String, f64>,
    /// World total, when given.
    #[serde(default)]
    pub world: Option<f64>,
    /// Id of the source.
    #[serde(default)]
    pub source: Option<String>,
}

/// An end use and its share.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Use {
    /// What it is used for.
    pub name: String,
    /// Percent of consumption.
    #[serde(default)]
    pub share: Option<f64>,
}

/// US trade figures for a mineral.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsTrade {
    /// Net import reliance as a share of apparent consumption.
    #[serde(default)]
    pub net_import_reliance: Option<ImportReliance>,
    /// Where US imports come from.
    #[serde(default)]
    pub import_sources: Option<ImportSources>,
    /// Id of the source.
    #[serde(default)]
    pub source: Option<String>,
}

/// Net import reliance in a year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportReliance {
    /// Data year.
    pub year: i32,
    /// Percent of apparent consumption.
    pub percent: f64,
}

/// Import shares by country over a period.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportSources {
    /// The years covered (`2019-2022`).
    pub period: Text,
    /// Percent by ISO code; `other` is the rest of the world.
    pub shares: IndexMap<String, f64>,
}

/// An export control a country imposes on a mineral.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportControl {
    /// The imposing country (ISO code).
    pub country: String,
    /// When it took effect.
    pub effective: PartialDate,
    /// What the measure is.
    pub measure: String,
    /// Id of the source.
    #[serde(default)]
    pub source: Option<String>,
}

/// A stock listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listing {
    /// Exchange (KRX, NYSE, ...).
    pub exchange: String,
    /// Ticker symbol.
    pub ticker: Text,
}

/// A facility of a company.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// Name of the plant or mine.
    pub name: String,
    /// Town or region.
    #[serde(default)]
    pub location: Option<String>,
    /// ISO country code.
    pub country: String,
    /// What it makes.
    #[serde(default)]
    pub products: Vec<Product>,
}

/// Status of a product line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Producing now (the default).
    #[default]
    Operating,
    /// Announced or being built.
    Planned,
    /// No longer producing.
    Closed,
}

impl Status {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Operating => "operating",
            Status::Planned => "planned",
            Status::Closed => "closed",
        }
    }
}

/// A mineral a facility produces.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Mineral id.
    pub mineral: String,
    /// Capacity, in `unit`.
    #[serde(default)]
    pub capacity: Option<f64>,
    /// Unit of the capacity (t/yr, ...).
    #[serde(default)]
    pub unit: Option<String>,
    /// operating, planned or closed.
    #[serde(default)]
    pub status: Status,
    /// Id of the source.
    #[serde(default)]
    pub source: Option<String>,
}

/// An agreement between a company and a party.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// When it was signed or announced.
    pub date: PartialDate,
    /// The other party's company id.
    #[serde(default)]
    pub with: Option<String>,
    /// The other party's name, when it has no page.
    #[serde(default)]
    pub with_name: Option<String>,
    /// MOU, offtake, supply contract, ...
    pub kind: String,
    /// Minerals it covers (ids).
    #[serde(default)]
    pub minerals: Vec<String>,
    /// What it says.
    #[serde(default)]
    pub summary: Option<String>,
    /// Id of the source.
    #[serde(default)]
    pub source: Option<String>,
}

/// Checks that a URL from front matter is http(s) or relative, never `javascript:` or `data:`.
pub fn check_url(url: &Option<String>) -> Result<(), String> {
    let Some(url) = url else { return Ok(()) };
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end =
        lower.find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'));
    match scheme_end {
        Some(i) if lower[i..].starts_with(':') && i > 0 => {
            let scheme = &lower[..i];
            if scheme == "http" || scheme == "https" || scheme == "mailto" {
                Ok(())
            } else {
                Err(format!(
                    "URL `{url}` uses the `{scheme}:` scheme; only http(s), mailto and relative URLs are allowed"
                ))
            }
        }
        _ => Ok(()),
    }
}

/// A content file, loaded: where it is, what kind, its typed front matter and its body.
#[derive(Debug, Clone)]
pub struct Page {
    /// Unique id: the file name without `.md`, lower-case (`_index` files: their section path).
    pub id: String,
    /// What the page is.
    pub kind: Kind,
    /// The file, relative to the site root (`content/minerals/gallium.md`).
    pub file: PathBuf,
    /// The output path, relative to the site root URL (`minerals/gallium/`).
    pub path: String,
    /// The top folder under `content/` (`minerals`), or empty for top-level files.
    pub section: String,
    /// Typed front matter.
    pub meta: FrontMatter,
    /// The YAML text of the front matter, kept to locate errors found later.
    pub yaml: String,
    /// The line of the file where the YAML starts (1-based).
    pub yaml_line: usize,
    /// The Markdown body; empty when it was left on disk ([`Page::body_on_disk`]).
    pub body: String,
    /// The line of the file where the body starts (1-based).
    pub body_line: usize,
    /// Set when the load stage left the body on disk, to be read again when it is rendered
    /// ([`crate::load::Bodies::OnDisk`]): a hash of the file's text, so that a file changed
    /// in between is an error rather than a page made of two versions.
    pub body_on_disk: Option<u64>,
}

impl Page {
    /// The title, falling back to the id.
    pub fn title(&self) -> &str {
        self.meta.title.as_deref().unwrap_or(&self.id)
    }

    /// Whether the page is for internal builds only.
    pub fn is_internal(&self) -> bool {
        self.meta.visibility == Some(Visibility::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_reject() {
        assert_eq!(
            PartialDate::parse("2025-10-30").unwrap().to_string(),
            "2025-10-30"
        );
        assert_eq!(
            PartialDate::parse("2025-01").unwrap().to_string(),
            "2025-01"
        );
        assert!(PartialDate::parse("2025-02-30").is_err());
        assert!(PartialDate::parse("2025-13").is_err());
        assert!(PartialDate::parse("25-01-01").is_err());
        assert!(PartialDate::parse("yesterday").is_err());
    }

    #[test]
    fn months_until_counts_calendar_months() {
        let d = PartialDate::parse("2024-11").unwrap();
        assert_eq!(d.months_until(jiff::civil::date(2026, 5, 3)), 18);
    }

    #[test]
    fn urls_reject_script_schemes() {
        assert!(check_url(&Some("https://x.org".into())).is_ok());
        assert!(check_url(&Some("/relative/".into())).is_ok());
        assert!(check_url(&Some("javascript:alert(1)".into())).is_err());
        assert!(check_url(&Some(" JaVa\tScript:alert(1)".into())).is_err());
        assert!(check_url(&Some("data:text/html,x".into())).is_err());
    }

    #[test]
    fn kinds_accept_their_fields_only() {
        assert!(Kind::Mineral.accepts("production"));
        assert!(!Kind::Mineral.accepts("facilities"));
        assert!(Kind::Company.accepts("facilities"));
        assert!(Kind::Page.accepts("weight"));
    }
}
