//! Generates a synthetic orebrief portal for benchmarks.
//!
//! ```text
//! cargo run --release --example gen_corpus -- N OUT [--seed S] [--force]
//! ```
//!
//! writes `OUT/site.yaml` and `OUT/content/` with N minerals, 4N companies (two facilities
//! each) and N briefs, i.e. 6N pages plus the home page and three section `_index.md` files.
//! At N=2000 that is 12,000 pages and about 95 MB of Markdown (about 8 KB a page).
//!
//! Every page follows `docs/content-model.md` and passes `orebrief check` with no error and
//! no warning: every figure cites a listed source, shares sum to 100 or less, `world` is at
//! least the sum of `by_country`, every id named exists, and every country is a valid ISO
//! 3166-1 alpha-2 code. Each body has headings, paragraphs, a pipe table, a bullet and a
//! numbered list, a fenced YAML block and three `[[id]]` wiki links to other generated pages
//! (plus one `[[CC|Name]]` country link); mineral bodies also call `supply_table`.
//!
//! The output is a pure function of N and the seed: a fixed-seed SplitMix64 generator, no
//! clock, no hash-map iteration order.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// SplitMix64: tiny, fast, good enough for synthetic data, and reproducible everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// `k` distinct indices below `n`, in random order.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let k = k.min(n);
        let mut out: Vec<usize> = Vec::with_capacity(k);
        while out.len() < k {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

/// (code, short name) of ISO 3166-1 alpha-2 countries that appear in minerals statistics.
const COUNTRIES: &[(&str, &str)] = &[
    ("CN", "China"),
    ("US", "United States"),
    ("AU", "Australia"),
    ("CL", "Chile"),
    ("KR", "Korea"),
    ("JP", "Japan"),
    ("DE", "Germany"),
    ("CA", "Canada"),
    ("BR", "Brazil"),
    ("IN", "India"),
    ("ZA", "South Africa"),
    ("RU", "Russia"),
    ("ID", "Indonesia"),
    ("PE", "Peru"),
    ("CD", "DR Congo"),
    ("MX", "Mexico"),
    ("KZ", "Kazakhstan"),
    ("PH", "Philippines"),
    ("MA", "Morocco"),
    ("TR", "Turkey"),
    ("VN", "Vietnam"),
    ("MM", "Myanmar"),
    ("LA", "Laos"),
    ("GA", "Gabon"),
    ("BO", "Bolivia"),
    ("AR", "Argentina"),
    ("ZW", "Zimbabwe"),
    ("FI", "Finland"),
    ("SE", "Sweden"),
    ("NO", "Norway"),
    ("PL", "Poland"),
    ("BE", "Belgium"),
    ("NL", "Netherlands"),
    ("FR", "France"),
    ("GB", "United Kingdom"),
    ("ES", "Spain"),
    ("PT", "Portugal"),
    ("AT", "Austria"),
    ("GR", "Greece"),
    ("HU", "Hungary"),
    ("UA", "Ukraine"),
    ("MN", "Mongolia"),
    ("MY", "Malaysia"),
    ("TH", "Thailand"),
    ("GH", "Ghana"),
    ("NG", "Nigeria"),
    ("TZ", "Tanzania"),
    ("MZ", "Mozambique"),
    ("MG", "Madagascar"),
    ("NA", "Namibia"),
    ("ZM", "Zambia"),
    ("NC", "New Caledonia"),
    ("CU", "Cuba"),
    ("RW", "Rwanda"),
    ("UZ", "Uzbekistan"),
    ("SA", "Saudi Arabia"),
    ("AE", "United Arab Emirates"),
    ("VE", "Venezuela"),
    ("GN", "Guinea"),
    ("SL", "Sierra Leone"),
];

/// (id stem, title, symbol) of minerals and elements on critical lists.
const ELEMENTS: &[(&str, &str, &str)] = &[
    ("gallium", "Gallium", "Ga"),
    ("germanium", "Germanium", "Ge"),
    ("indium", "Indium", "In"),
    ("antimony", "Antimony", "Sb"),
    ("tungsten", "Tungsten", "W"),
    ("lithium", "Lithium", "Li"),
    ("cobalt", "Cobalt", "Co"),
    ("graphite", "Graphite", "C"),
    ("zinc", "Zinc", "Zn"),
    ("nickel", "Nickel", "Ni"),
    ("manganese", "Manganese", "Mn"),
    ("aluminum", "Aluminum", "Al"),
    ("arsenic", "Arsenic", "As"),
    ("barite", "Barite", "Ba"),
    ("beryllium", "Beryllium", "Be"),
    ("bismuth", "Bismuth", "Bi"),
    ("cerium", "Cerium", "Ce"),
    ("cesium", "Cesium", "Cs"),
    ("chromium", "Chromium", "Cr"),
    ("dysprosium", "Dysprosium", "Dy"),
    ("erbium", "Erbium", "Er"),
    ("europium", "Europium", "Eu"),
    ("fluorspar", "Fluorspar", "F"),
    ("gadolinium", "Gadolinium", "Gd"),
    ("hafnium", "Hafnium", "Hf"),
    ("holmium", "Holmium", "Ho"),
    ("iridium", "Iridium", "Ir"),
    ("lanthanum", "Lanthanum", "La"),
    ("lutetium", "Lutetium", "Lu"),
    ("magnesium", "Magnesium", "Mg"),
    ("neodymium", "Neodymium", "Nd"),
    ("niobium", "Niobium", "Nb"),
    ("palladium", "Palladium", "Pd"),
    ("platinum", "Platinum", "Pt"),
    ("praseodymium", "Praseodymium", "Pr"),
    ("rhodium", "Rhodium", "Rh"),
    ("rubidium", "Rubidium", "Rb"),
    ("ruthenium", "Ruthenium", "Ru"),
    ("samarium", "Samarium", "Sm"),
    ("scandium", "Scandium", "Sc"),
    ("tantalum", "Tantalum", "Ta"),
    ("tellurium", "Tellurium", "Te"),
    ("terbium", "Terbium", "Tb"),
    ("thulium", "Thulium", "Tm"),
    ("tin", "Tin", "Sn"),
    ("titanium", "Titanium", "Ti"),
    ("vanadium", "Vanadium", "V"),
    ("ytterbium", "Ytterbium", "Yb"),
    ("yttrium", "Yttrium", "Y"),
    ("zirconium", "Zirconium", "Zr"),
    ("copper", "Copper", "Cu"),
    ("silicon", "Silicon", "Si"),
    ("silver", "Silver", "Ag"),
    ("molybdenum", "Molybdenum", "Mo"),
    ("rhenium", "Rhenium", "Re"),
    ("selenium", "Selenium", "Se"),
    ("cadmium", "Cadmium", "Cd"),
    ("potash", "Potash", "K"),
    ("phosphate", "Phosphate rock", "P"),
    ("uranium", "Uranium", "U"),
    ("boron", "Boron", "B"),
    ("strontium", "Strontium", "Sr"),
];

/// Product forms: the second part of a mineral id after the first round of elements.
const FORMS: &[&str] = &[
    "concentrate",
    "oxide",
    "metal",
    "high-purity",
    "scrap",
    "alloy",
    "carbonate",
    "hydroxide",
    "sulfate",
    "powder",
    "compounds",
    "wire",
    "ingot",
    "residue",
    "sponge",
    "nitride",
];

const COMPANY_ADJ: &[&str] = &[
    "northern",
    "southern",
    "pacific",
    "atlantic",
    "boreal",
    "atlas",
    "summit",
    "meridian",
    "granite",
    "cascade",
    "aurora",
    "horizon",
    "pioneer",
    "sterling",
    "keystone",
    "harbor",
    "ridge",
    "delta",
    "orion",
    "polar",
    "eastern",
    "western",
    "central",
    "coastal",
    "highland",
    "prairie",
    "sierra",
    "canyon",
    "valley",
    "river",
    "lakeshore",
    "redstone",
    "blackrock",
    "ironbark",
    "sunrise",
    "evergreen",
    "frontier",
    "liberty",
    "union",
    "royal",
    "imperial",
    "crescent",
    "vanguard",
    "apex",
    "zenith",
    "nova",
    "vertex",
    "quantum",
    "noble",
    "bluebird",
];

const COMPANY_PLACE: &[&str] = &[
    "andes",
    "pilbara",
    "yukon",
    "katanga",
    "ontario",
    "nevada",
    "baltic",
    "nordic",
    "danube",
    "ural",
    "gobi",
    "sahel",
    "kivu",
    "atacama",
    "altiplano",
    "kalahari",
    "bushveld",
    "sudbury",
    "kimberley",
    "tasman",
    "mekong",
    "sumatra",
    "luzon",
    "anatolia",
    "iberia",
    "lapland",
    "quebec",
    "labrador",
    "yilgarn",
    "copperbelt",
    "pampas",
    "cerrado",
    "deccan",
    "hokkaido",
    "jeolla",
    "bavaria",
    "silesia",
    "thrace",
    "carpathian",
    "caspian",
];

const COMPANY_NOUN: &[&str] = &[
    "metals",
    "mining",
    "resources",
    "refining",
    "materials",
    "minerals",
    "smelting",
    "holdings",
    "industries",
    "chemicals",
    "technologies",
    "exploration",
];

const CITIES: &[&str] = &[
    "Toronto",
    "Vancouver",
    "Perth",
    "Santiago",
    "Seoul",
    "Tokyo",
    "Frankfurt",
    "Johannesburg",
    "Lima",
    "Jakarta",
    "Lubumbashi",
    "Denver",
    "Brisbane",
    "Antofagasta",
    "Ulsan",
    "Osaka",
    "Hamburg",
    "Montreal",
    "Belo Horizonte",
    "Mumbai",
    "Almaty",
    "Manila",
    "Casablanca",
    "Istanbul",
    "Hanoi",
    "Stockholm",
    "Oslo",
    "Brussels",
    "Antwerp",
    "Paris",
    "London",
    "Madrid",
    "Lisbon",
    "Vienna",
    "Athens",
    "Warsaw",
    "Ulaanbaatar",
    "Kuala Lumpur",
    "Bangkok",
    "Accra",
    "Dar es Salaam",
    "Windhoek",
    "Lusaka",
    "Harare",
    "Kigali",
    "Tashkent",
    "Riyadh",
    "Dubai",
];

const EXCHANGES: &[&str] = &[
    "TSX", "ASX", "NYSE", "NASDAQ", "LSE", "KRX", "TSE", "JSE", "HKEX", "SSE", "Euronext",
];

const USES: &[&str] = &[
    "batteries",
    "integrated circuits",
    "optoelectronic devices",
    "permanent magnets",
    "catalysts",
    "alloys and superalloys",
    "flame retardants",
    "glass and ceramics",
    "fibre optics",
    "infrared optics",
    "solar cells",
    "cutting tools",
    "steelmaking",
    "defense applications",
    "pigments",
    "electroplating",
    "medical imaging",
    "lubricants",
];

const MEASURES: &[&str] = &[
    "export licence required for the metal, oxides and compounds",
    "exports to the United States banned in principle",
    "export quota set for the calendar year",
    "temporary suspension of concentrate exports",
    "export licence required for processing technology",
    "ban on exports of unprocessed ore",
    "licensing extended to downstream products and scrap",
];

const AGREEMENT_KINDS: &[&str] = &[
    "MOU",
    "offtake",
    "supply contract",
    "joint venture",
    "tolling agreement",
    "equity investment",
    "site acquisition",
];

const BRIEF_TOPICS: &[(&str, &str)] = &[
    ("export-controls", "export controls tighten"),
    ("quota-review", "quota review"),
    ("price-spike", "price spike and its causes"),
    ("offtake-deals", "a wave of offtake deals"),
    ("new-capacity", "new capacity outside China"),
    ("stockpile", "strategic stockpile purchases"),
    ("tariffs", "tariff changes and trade flows"),
    ("recycling", "recycling and secondary supply"),
    ("permitting", "permitting delays at new mines"),
    ("smelter-outage", "a smelter outage"),
];

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Everything one page needs to name other pages.
struct World {
    minerals: Vec<Mineral>,
    companies: Vec<Company>,
    briefs: Vec<Brief>,
}

struct Mineral {
    id: String,
    title: String,
    symbol: &'static str,
}

struct Company {
    id: String,
    title: String,
    country: usize,
}

struct Brief {
    id: String,
    title: String,
    year: usize,
    month: usize,
    day: usize,
}

fn mineral_names(n: usize) -> Vec<Mineral> {
    (0..n)
        .map(|i| {
            let (stem, title, symbol) = ELEMENTS[i % ELEMENTS.len()];
            let round = i / ELEMENTS.len();
            if round == 0 {
                return Mineral {
                    id: stem.to_string(),
                    title: title.to_string(),
                    symbol,
                };
            }
            let form = FORMS[(round - 1) % FORMS.len()];
            let series = (round - 1) / FORMS.len();
            let form_title = form.replace('-', " ");
            let (id, title) = if series == 0 {
                (format!("{stem}-{form}"), format!("{title} {form_title}"))
            } else {
                (
                    format!("{stem}-{form}-{}", series + 1),
                    format!("{title} {form_title}, grade {}", series + 1),
                )
            };
            Mineral { id, title, symbol }
        })
        .collect()
}

fn title_words(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn company_names(n: usize, rng: &mut Rng) -> Vec<Company> {
    let combos = COMPANY_ADJ.len() * COMPANY_PLACE.len() * COMPANY_NOUN.len();
    (0..n)
        .map(|i| {
            // A stride co-prime with the number of combinations spreads names out.
            let k = (i * 7919) % combos;
            let adj = COMPANY_ADJ[k % COMPANY_ADJ.len()];
            let place = COMPANY_PLACE[(k / COMPANY_ADJ.len()) % COMPANY_PLACE.len()];
            let noun = COMPANY_NOUN[k / (COMPANY_ADJ.len() * COMPANY_PLACE.len())];
            let series = i / combos;
            let (id, title) = if series == 0 {
                (
                    format!("{adj}-{place}-{noun}"),
                    title_words(&[adj, place, noun]),
                )
            } else {
                (
                    format!("{adj}-{place}-{noun}-{}", series + 1),
                    format!("{} {}", title_words(&[adj, place, noun]), roman(series + 1)),
                )
            };
            Company {
                id,
                title,
                country: rng.below(24), // headquarters mostly in the bigger producers
            }
        })
        .collect()
}

fn roman(n: usize) -> String {
    const R: &[(usize, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut s = String::new();
    for &(v, r) in R {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

fn brief_names(n: usize, minerals: &[Mineral], rng: &mut Rng) -> Vec<Brief> {
    (0..n)
        .map(|i| {
            let m = &minerals[rng.below(minerals.len())];
            let (slug, phrase) = BRIEF_TOPICS[rng.below(BRIEF_TOPICS.len())];
            let year = 2023 + rng.below(3);
            let month = 1 + rng.below(12);
            let day = 1 + rng.below(28);
            Brief {
                id: format!("{}-{slug}-{year}-{i}", m.id),
                title: format!("{}: {phrase}, {} {year}", m.title, MONTHS[month - 1]),
                year,
                month,
                day,
            }
        })
        .collect()
}

/// Sentence material. `{M}` mineral title, `{C}` country, `{K}` company, `{Y}` year,
/// `{P}` percent, `{N}` number, `{T}` a number of months, `{S}`/`{s}` stage.
const SENTENCES: &[&str] = &[
    "{S} output in {C} rose by about {P}% in {Y}, driven by higher recovery rates and the restart of idled lines.",
    "Most of the world's {M} is recovered as a by-product, so new supply depends on decisions taken for the host metal rather than on the price of {M} itself.",
    "{K} said its plant would reach nameplate capacity of {N} tonnes a year by {Y}, after commissioning delays in the previous quarter.",
    "Buyers in Japan and Europe have signed multi-year contracts to secure feedstock from outside the dominant producer.",
    "The estimate for {Y} is provisional and will be revised when national statistics are published.",
    "Prices fell by {P}% over the year as inventories built up at traders and consumers drew down their stocks.",
    "Government agencies in {C} listed the material as critical in {Y} and opened a consultation on stockpiling.",
    "Analysts expect demand from electronics, defense and energy storage to grow by {P}% a year through the end of the decade.",
    "The concentration of {s} capacity means that a single policy change can move the market within weeks.",
    "{K} reported a {P}% increase in shipments, mostly to customers in the United States and Korea.",
    "Permitting for the expansion took {T} months, longer than the company had planned when it announced the project.",
    "Recycling of production scrap supplies a growing share of demand, but end-of-life recovery remains small.",
    "A licence regime introduced in {Y} requires exporters to name the end user and the final destination of every shipment.",
    "Trade data show that imports from {C} doubled while shipments from the traditional suppliers declined.",
    "The project is financed by a mix of equity, export-credit loans and an offtake prepayment from a downstream buyer.",
    "Output at the mine was cut by {P}% after heavy rains flooded the lower benches for several weeks.",
    "Refiners outside the main producing country report that feedstock, not capacity, is the binding constraint.",
    "The reserve estimate was raised to {N} tonnes after a new drilling campaign extended the known orebody.",
    "Environmental inspections in {C} closed several small smelters, removing about {P}% of the country's capacity.",
    "Industry groups argue that long-term contracts with price floors are needed before new projects can be financed.",
];

fn fill(template: &str, rng: &mut Rng, mineral: &str, company: &str, out: &mut String) {
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let key = &rest[at + 1..at + 2];
        match key {
            "M" => out.push_str(mineral),
            "C" => out.push_str(COUNTRIES[rng.below(COUNTRIES.len())].1),
            "K" => out.push_str(company),
            "Y" => write!(out, "{}", 2018 + rng.below(8)).unwrap(),
            "P" => write!(out, "{}", 2 + rng.below(60)).unwrap(),
            "N" => write!(out, "{}", 5 * (2 + rng.below(4000))).unwrap(),
            "S" => out.push_str(["Mine", "Refinery", "Smelter"][rng.below(3)]),
            "s" => out.push_str(["mine", "refinery", "smelter"][rng.below(3)]),
            "T" => write!(out, "{}", 6 + rng.below(55)).unwrap(),
            _ => out.push_str(key),
        }
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
}

fn paragraph(rng: &mut Rng, mineral: &str, company: &str, out: &mut String) {
    let n = rng.range(4, 7);
    for s in 0..n {
        if s > 0 {
            // Wrap lines like a hand-written file.
            out.push(if s % 2 == 0 { '\n' } else { ' ' });
        }
        fill(
            SENTENCES[rng.below(SENTENCES.len())],
            rng,
            mineral,
            company,
            out,
        );
    }
    out.push_str("\n\n");
}

/// The parts every body shares: paragraphs, a table, two lists, a YAML block.
struct BodySpec<'a> {
    mineral: &'a str,
    company: &'a str,
    /// Three wiki links, already written (`[[id]]` or `[[id|text]]`).
    links: [String; 3],
    /// A country link, already written.
    country_link: String,
    /// Extra lines (a shortcode) after the first section.
    extra: Option<String>,
    paragraphs: usize,
    yaml_block: String,
}

fn body(rng: &mut Rng, spec: &BodySpec<'_>) -> String {
    let mut b = String::with_capacity(8192);
    paragraph(rng, spec.mineral, spec.company, &mut b);
    // The first cross-link sits in the opening section.
    let _ = writeln!(
        b,
        "For the wider picture see {} and the notes on {}.\n",
        spec.links[0], spec.country_link
    );
    if let Some(extra) = &spec.extra {
        b.push_str(extra);
        b.push_str("\n\n");
    }
    b.push_str("## Supply and demand\n\n");
    let per_section = spec.paragraphs.max(3) / 3;
    for _ in 0..per_section {
        paragraph(rng, spec.mineral, spec.company, &mut b);
    }
    b.push_str("Key points:\n\n");
    for _ in 0..4 {
        b.push_str("- ");
        fill(
            SENTENCES[rng.below(SENTENCES.len())],
            rng,
            spec.mineral,
            spec.company,
            &mut b,
        );
        b.push('\n');
    }
    let _ = writeln!(
        b,
        "- Related: {}, which covers the same supply chain.\n",
        spec.links[1]
    );
    b.push_str("## Figures\n\n");
    let _ = writeln!(b, "| Year | Output (t) | Change | Share of world |");
    let _ = writeln!(b, "|------|-----------:|-------:|---------------:|");
    let mut value = 1000 + rng.below(90_000);
    for year in 2020..2026 {
        let change = rng.below(30) as i64 - 12;
        value = (value as i64 * (100 + change) / 100).max(10) as usize;
        let _ = writeln!(
            b,
            "| {year} | {value} | {change:+}% | {}.{}% |",
            5 + rng.below(80),
            rng.below(10)
        );
    }
    b.push('\n');
    for _ in 0..per_section {
        paragraph(rng, spec.mineral, spec.company, &mut b);
    }
    b.push_str("The data behind the headline table, as recorded:\n\n```yaml\n");
    b.push_str(&spec.yaml_block);
    b.push_str("```\n\n## Outlook\n\n");
    for _ in 0..spec.paragraphs.saturating_sub(2 * per_section + 1) {
        paragraph(rng, spec.mineral, spec.company, &mut b);
    }
    b.push_str("What to watch next:\n\n");
    for i in 1..=3 {
        let _ = write!(b, "{i}. ");
        fill(
            SENTENCES[rng.below(SENTENCES.len())],
            rng,
            spec.mineral,
            spec.company,
            &mut b,
        );
        b.push('\n');
    }
    let _ = writeln!(
        b,
        "\nThis note will be updated as figures are revised; see also {}.",
        spec.links[2]
    );
    b
}

fn date(rng: &mut Rng, years: std::ops::RangeInclusive<usize>) -> String {
    let y = rng.range(*years.start(), *years.end());
    format!("{y}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

fn source_line(out: &mut String, id: &str, title: &str, url: &str, accessed: &str) {
    let _ = writeln!(
        out,
        "  - {{ id: {id}, title: \"{title}\", url: \"{url}\", accessed: {accessed} }}"
    );
}

fn write_mineral(w: &World, i: usize, rng: &mut Rng) -> String {
    let m = &w.minerals[i];
    let n = w.minerals.len();
    let mut s = String::with_capacity(10_000);
    let uses: Vec<&str> = rng
        .distinct(USES.len(), 2)
        .into_iter()
        .map(|u| USES[u])
        .collect();
    s.push_str("---\n");
    let _ = writeln!(s, "title: {}", m.title);
    let _ = writeln!(s, "symbol: {}", m.symbol);
    let _ = writeln!(
        s,
        "summary: \"{} is used mainly in {} and {}; supply is concentrated in a few countries and several of them license exports.\"",
        m.title, uses[0], uses[1]
    );
    let _ = writeln!(s, "aliases: [{} metal, {} products]", m.id, m.symbol);
    let _ = writeln!(s, "tags: [{}, critical, by-product]", uses[0]);
    let _ = writeln!(
        s,
        "critical: {{ us: {}, eu: {} }}",
        2018 + rng.below(8),
        2020 + rng.below(4)
    );
    let _ = writeln!(s, "as_of: 2026-{:02}", 1 + rng.below(9));
    let src = format!("usgs_{}", m.id.replace('-', "_"));
    s.push_str("production:\n");
    let mut headline: Vec<(&str, u64)> = Vec::new();
    for (stage, year) in [
        ("mine", 2025),
        ("mine", 2024),
        ("refinery", 2025),
        ("refinery", 2024),
    ] {
        let k = rng.range(5, 10);
        let countries = rng.distinct(COUNTRIES.len(), k);
        let scale = [10u64, 100, 1_000, 10_000, 100_000][rng.below(5)];
        let mut weight = 1000 + rng.below(9000) as u64;
        let mut rows: Vec<(&str, u64)> = Vec::with_capacity(k);
        for &c in &countries {
            rows.push((COUNTRIES[c].0, weight * scale / 100));
            weight = weight * (30 + rng.below(60) as u64) / 100 + 1;
        }
        let listed: u64 = rows.iter().map(|r| r.1).sum();
        let _ = writeln!(s, "  - year: {year}");
        let _ = writeln!(s, "    stage: {stage}");
        let _ = writeln!(s, "    unit: t");
        if rng.chance(70) {
            let _ = writeln!(
                s,
                "    world: {}",
                listed + listed * rng.below(12) as u64 / 100
            );
        }
        s.push_str("    by_country: { ");
        for (j, (code, v)) in rows.iter().enumerate() {
            if j > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "{code}: {v}");
        }
        s.push_str(" }\n");
        if year == 2025 {
            s.push_str("    estimated: true\n");
        }
        let _ = writeln!(
            s,
            "    note: \"{stage} output in {year}; figures for some countries are withheld to avoid disclosing company data.\""
        );
        let _ = writeln!(s, "    source: {src}");
        if headline.is_empty() {
            headline = rows;
        }
    }
    s.push_str("reserves:\n  unit: t\n  by_country: { ");
    for (j, c) in rng.distinct(COUNTRIES.len(), 5).into_iter().enumerate() {
        if j > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{}: {}", COUNTRIES[c].0, 1000 * (1 + rng.below(900)));
    }
    s.push_str(" }\n");
    let _ = writeln!(s, "  source: usgs_mcs2026");
    s.push_str("uses:\n");
    let weights: Vec<usize> = (0..4).map(|_| 1 + rng.below(50)).collect();
    let total: usize = weights.iter().sum();
    for (j, u) in rng.distinct(USES.len(), 4).into_iter().enumerate() {
        let _ = writeln!(
            s,
            "  - {{ name: {}, share: {} }}",
            USES[u],
            weights[j] * 100 / total
        );
    }
    s.push_str("us_trade:\n");
    let _ = writeln!(
        s,
        "  net_import_reliance: {{ year: 2025, percent: {} }}",
        20 + rng.below(81)
    );
    let weights: Vec<usize> = (0..4).map(|_| 1 + rng.below(40)).collect();
    let total: usize = weights.iter().sum::<usize>() + 10;
    s.push_str("  import_sources: { period: 2021-2024, shares: { ");
    let mut sum = 0;
    for (j, c) in rng.distinct(COUNTRIES.len(), 4).into_iter().enumerate() {
        let share = weights[j] * 100 / total;
        sum += share;
        let _ = write!(s, "{}: {share}, ", COUNTRIES[c].0);
    }
    let _ = writeln!(s, "other: {} }} }}", 100 - sum);
    let _ = writeln!(s, "  source: usgs_mcs2026");
    s.push_str("export_controls:\n");
    for _ in 0..rng.range(1, 3) {
        let (code, _) = COUNTRIES[rng.below(12)];
        let _ = writeln!(
            s,
            "  - {{ country: {code}, effective: {}, measure: \"{}\", source: {} }}",
            date(rng, 2023..=2025),
            MEASURES[rng.below(MEASURES.len())],
            if rng.chance(50) {
                "mofcom_2023_23"
            } else {
                "mofcom_2025_10"
            }
        );
    }
    s.push_str("sources:\n");
    source_line(
        &mut s,
        &src,
        &format!("USGS Mineral Commodity Summaries 2026 - {}", m.title),
        &format!(
            "https://pubs.usgs.gov/periodicals/mcs2026/mcs2026-{}.pdf",
            m.id
        ),
        "2026-02-10",
    );
    source_line(
        &mut s,
        &format!("trade_{}", m.id.replace('-', "_")),
        &format!("{} trade statistics, customs data 2021-2024", m.title),
        &format!("https://trade.example.org/commodities/{}", m.id),
        "2026-03-01",
    );
    source_line(
        &mut s,
        &format!("review_{}", m.id.replace('-', "_")),
        &format!("Industry review: {} markets and outlook", m.title),
        &format!("https://research.example.org/reviews/{}-2026", m.id),
        "2026-01-20",
    );
    s.push_str("extra:\n");
    let _ = writeln!(
        s,
        "  prices: [\"{}: ${}/kg (Jan 2025)\", \"{}: ${}/kg (Oct 2025)\"]",
        m.title,
        10 + rng.below(900),
        m.title,
        10 + rng.below(900)
    );
    let _ = writeln!(
        s,
        "  capacity_note: \"World capacity is estimated at {} t a year, of which about {}% is idle.\"",
        1000 * (1 + rng.below(500)),
        rng.below(40)
    );
    s.push_str("---\n\n");

    // Body.
    let other = &w.minerals[(i + 1 + rng.below(n.max(2) - 1)) % n];
    let company = &w.companies[(i * 4 + rng.below(4)) % w.companies.len()];
    let brief = &w.briefs[rng.below(w.briefs.len())];
    let (code, name) = COUNTRIES
        .iter()
        .find(|(c, _)| *c == headline[0].0)
        .copied()
        .unwrap_or(COUNTRIES[0]);
    let mut yaml = String::new();
    let _ = writeln!(
        yaml,
        "mineral: {}\nstage: mine\nyear: 2025\nby_country:",
        m.id
    );
    for (c, v) in headline.iter().take(4) {
        let _ = writeln!(yaml, "  {c}: {v}");
    }
    let _ = writeln!(yaml, "top: {{ country: {code}, estimated: true }}");
    let spec = BodySpec {
        mineral: &m.title,
        company: &company.title,
        links: [
            format!("[[{}]]", other.id),
            format!("[[{}|{}]]", company.id, company.title),
            format!("[[{}]]", brief.id),
        ],
        country_link: format!("[[{code}|{name}]]"),
        extra: Some(format!(
            "{{{{ supply_table(mineral=\"{}\", stage=\"mine\") }}}}",
            m.id
        )),
        paragraphs: 8,
        yaml_block: yaml,
    };
    s.push_str(&body(rng, &spec));
    s
}

fn write_company(w: &World, i: usize, rng: &mut Rng) -> String {
    let c = &w.companies[i];
    let n = w.minerals.len();
    let (hq_code, hq_name) = COUNTRIES[c.country];
    let mut s = String::with_capacity(8_000);
    s.push_str("---\n");
    let _ = writeln!(s, "title: {}", c.title);
    let _ = writeln!(s, "country: {hq_code}");
    let _ = writeln!(s, "headquarters: {}", CITIES[rng.below(CITIES.len())]);
    let _ = writeln!(s, "founded: {}", 1890 + rng.below(130));
    let _ = writeln!(
        s,
        "listing: {{ exchange: {}, ticker: \"{:06}\" }}",
        EXCHANGES[rng.below(EXCHANGES.len())],
        rng.below(999_999)
    );
    let _ = writeln!(s, "website: https://www.{}.example.com", c.id);
    // Products: minerals spread so each mineral gets about sixteen product lines.
    let product_mineral = |k: usize, rng: &mut Rng| (i / 4 + k * 7 + rng.below(5)) % n;
    let first = &w.minerals[product_mineral(0, rng)];
    let _ = writeln!(
        s,
        "summary: \"{}-based producer of {} and by-products, with two facilities and supply agreements in Asia, Europe and North America.\"",
        hq_name, first.title
    );
    let _ = writeln!(
        s,
        "tags: [producer, {}]",
        if rng.chance(50) { "refiner" } else { "miner" }
    );
    let _ = writeln!(s, "as_of: 2026-{:02}", 1 + rng.below(9));
    let src = format!("report_{}", c.id.replace('-', "_"));
    let press = format!("press_{}", c.id.replace('-', "_"));
    s.push_str("facilities:\n");
    let mut named: Vec<usize> = Vec::new();
    for f in 0..2 {
        let country = if f == 0 {
            c.country
        } else {
            rng.below(COUNTRIES.len())
        };
        let (code, name) = COUNTRIES[country];
        let _ = writeln!(
            s,
            "  - name: {} {}",
            title_words(&[COMPANY_PLACE[rng.below(COMPANY_PLACE.len())]]),
            ["Smelter", "Refinery", "Mine", "Processing Plant"][rng.below(4)]
        );
        let _ = writeln!(
            s,
            "    location: {} district, {name}",
            title_words(&[COMPANY_PLACE[rng.below(COMPANY_PLACE.len())]])
        );
        let _ = writeln!(s, "    country: {code}");
        s.push_str("    products:\n");
        let mut seen = Vec::new();
        for k in 0..rng.range(1, 3) {
            let mi = product_mineral(f * 3 + k, rng);
            if seen.contains(&mi) {
                continue;
            }
            seen.push(mi);
            named.push(mi);
            let mineral = &w.minerals[mi];
            match rng.below(3) {
                0 => {
                    let _ = writeln!(
                        s,
                        "      - {{ mineral: {}, capacity: {}, unit: t/yr, source: {src} }}",
                        mineral.id,
                        5 * (1 + rng.below(20_000))
                    );
                }
                1 => {
                    let _ = writeln!(
                        s,
                        "      - {{ mineral: {}, capacity: {}, unit: t/yr, status: planned, source: {press} }}",
                        mineral.id,
                        5 * (1 + rng.below(2_000))
                    );
                }
                _ => {
                    let _ = writeln!(s, "      - {{ mineral: {}, source: {src} }}", mineral.id);
                }
            }
        }
    }
    s.push_str("agreements:\n");
    let m = w.companies.len();
    let mut partners = Vec::new();
    for _ in 0..rng.range(2, 3) {
        let other = (i + 1 + rng.below(m.max(2) - 1)) % m;
        partners.push(other);
        let mineral = &w.minerals[named[rng.below(named.len())]];
        let _ = writeln!(
            s,
            "  - {{ date: {}, with: {}, kind: {}, minerals: [{}], summary: \"{} agreed to supply {} to {} for {} years, with volumes rising from {} t to {} t a year and a price linked to published benchmarks.\", source: {press} }}",
            date(rng, 2023..=2025),
            w.companies[other].id,
            AGREEMENT_KINDS[rng.below(AGREEMENT_KINDS.len())],
            mineral.id,
            c.title,
            mineral.title,
            w.companies[other].title,
            2 + rng.below(9),
            10 * (1 + rng.below(50)),
            10 * (51 + rng.below(100)),
        );
    }
    if rng.chance(40) {
        let _ = writeln!(
            s,
            "  - {{ date: {}, with_name: \"Ministry of Industry of {}\", kind: MOU, summary: \"Cooperation on permitting, training and a domestic processing hub.\", source: {press} }}",
            date(rng, 2023..=2025),
            hq_name
        );
    }
    s.push_str("sources:\n");
    source_line(
        &mut s,
        &src,
        &format!("{} annual report 2025", c.title),
        &format!(
            "https://www.{}.example.com/investors/annual-report-2025.pdf",
            c.id
        ),
        "2026-03-15",
    );
    source_line(
        &mut s,
        &press,
        &format!("{} press releases 2023-2025", c.title),
        &format!("https://www.{}.example.com/news", c.id),
        "2026-03-15",
    );
    source_line(
        &mut s,
        &format!("filing_{}", c.id.replace('-', "_")),
        &format!("{} regulatory filing (Form 20-F or equivalent)", c.title),
        &format!("https://filings.example.org/{}", c.id),
        "2026-02-01",
    );
    s.push_str("extra:\n");
    let _ = writeln!(
        s,
        "  employees: {}\n  revenue_musd: {}\n  ceo: \"{} {}\"",
        50 + rng.below(20_000),
        5 + rng.below(9_000),
        ["A.", "B.", "C.", "D.", "J.", "K.", "M.", "S."][rng.below(8)],
        [
            "Kim", "Smith", "Garcia", "Nguyen", "Okafor", "Tanaka", "Muller", "Silva"
        ][rng.below(8)]
    );
    s.push_str("---\n\n");

    let partner = &w.companies[partners[0]];
    let mineral = &w.minerals[named[0]];
    let brief = &w.briefs[rng.below(w.briefs.len())];
    let mut yaml = String::new();
    let _ = writeln!(
        yaml,
        "company: {}\nheadquarters: {hq_code}\nfacilities: 2\nproducts:",
        c.id
    );
    for &mi in named.iter().take(3) {
        let _ = writeln!(yaml, "  - {}", w.minerals[mi].id);
    }
    let _ = writeln!(yaml, "partners: [{}]", partner.id);
    let spec = BodySpec {
        mineral: &mineral.title,
        company: &c.title,
        links: [
            format!("[[{}]]", mineral.id),
            format!("[[{}|{}]]", partner.id, partner.title),
            format!("[[{}]]", brief.id),
        ],
        country_link: format!("[[{hq_code}|{hq_name}]]"),
        extra: None,
        paragraphs: 5,
        yaml_block: yaml,
    };
    s.push_str(&body(rng, &spec));
    s
}

fn write_brief(w: &World, i: usize, rng: &mut Rng) -> String {
    let b = &w.briefs[i];
    let mut s = String::with_capacity(8_000);
    let k = rng.range(2, 4);
    let minerals: Vec<usize> = rng.distinct(w.minerals.len(), k);
    let k = rng.range(2, 3);
    let companies: Vec<usize> = rng.distinct(w.companies.len(), k);
    let k = rng.range(2, 4);
    let countries: Vec<usize> = rng.distinct(COUNTRIES.len(), k);
    let list = |ids: Vec<&str>| ids.join(", ");
    s.push_str("---\n");
    let _ = writeln!(s, "title: \"{}\"", b.title);
    let _ = writeln!(s, "date: {}-{:02}-{:02}", b.year, b.month, b.day);
    let _ = writeln!(
        s,
        "summary: \"What changed for {} in {} {}, who is affected and what to watch next.\"",
        w.minerals[minerals[0]].title,
        MONTHS[b.month - 1],
        b.year
    );
    let _ = writeln!(
        s,
        "minerals: [{}]",
        list(
            minerals
                .iter()
                .map(|&m| w.minerals[m].id.as_str())
                .collect()
        )
    );
    let _ = writeln!(
        s,
        "companies: [{}]",
        list(
            companies
                .iter()
                .map(|&c| w.companies[c].id.as_str())
                .collect()
        )
    );
    let _ = writeln!(
        s,
        "countries: [{}]",
        list(countries.iter().map(|&c| COUNTRIES[c].0).collect())
    );
    let _ = writeln!(
        s,
        "tags: [brief, {}]",
        ["policy", "trade", "markets", "projects"][rng.below(4)]
    );
    s.push_str("sources:\n");
    source_line(
        &mut s,
        &format!("notice_{i}"),
        "Official notice and implementing rules",
        &format!("https://gazette.example.org/notices/{i}"),
        &format!("{}-{:02}-{:02}", b.year, b.month, b.day),
    );
    source_line(
        &mut s,
        &format!("news_{i}"),
        "Trade press coverage",
        &format!("https://news.example.org/{}", b.id),
        &format!("{}-{:02}-{:02}", b.year, b.month, b.day),
    );
    s.push_str("---\n\n");

    let m0 = &w.minerals[minerals[0]];
    let c0 = &w.companies[companies[0]];
    let other = &w.briefs[(i + 1 + rng.below(w.briefs.len().max(2) - 1)) % w.briefs.len()];
    let (code, name) = COUNTRIES[countries[0]];
    let mut yaml = String::new();
    let _ = writeln!(
        yaml,
        "brief: {}\ndate: {}-{:02}-{:02}\nminerals: [{}]\nmeasure:\n  country: {code}\n  kind: export licence\n  effective: {}-{:02}-01",
        b.id, b.year, b.month, b.day, m0.id, b.year, b.month
    );
    let spec = BodySpec {
        mineral: &m0.title,
        company: &c0.title,
        links: [
            format!("[[{}]]", m0.id),
            format!("[[{}|{}]]", c0.id, c0.title),
            format!("[[{}]]", other.id),
        ],
        country_link: format!("[[{code}|{name}]]"),
        extra: None,
        paragraphs: 7,
        yaml_block: yaml,
    };
    s.push_str(&body(rng, &spec));
    s
}

const SITE_YAML: &str = r#"# Generated by `cargo run --release --example gen_corpus` for benchmarks.
title: Synthetic Critical Minerals Portal
description: A generated portal for orebrief benchmarks.
base_url: https://bench.example.org/portal/
theme: default
output_dir: public
language: en
relative_urls: false
profile: public
# Large, so that the corpus stays free of staleness warnings whatever the date of the run.
stale_after_months: 1200
sources:
  - id: usgs_mcs2026
    title: "USGS Mineral Commodity Summaries 2026 (February 2026), data year 2025"
    url: "https://pubs.usgs.gov/periodicals/mcs2026/"
  - id: mofcom_2023_23
    title: "MOFCOM/GAC Announcement No. 23 of 2023: gallium- and germanium-related items"
    url: "https://www.mofcom.gov.cn/"
  - id: mofcom_2025_10
    title: "MOFCOM/GAC Announcement No. 10 of 2025: tungsten, tellurium, bismuth, molybdenum and indium items"
    url: "https://www.mofcom.gov.cn/"
extra:
  generated: true
"#;

/// A generated portal: names every page can refer to, and a seed. Pages are made on demand
/// (see [`Corpus::files`]), so a large corpus never sits in memory.
pub struct Corpus {
    n: usize,
    seed: u64,
    world: World,
}

/// The seed of the published benchmark corpora.
pub const DEFAULT_SEED: u64 = 20_260_101;

/// `site.yaml` of every generated corpus.
pub fn site_yaml() -> &'static str {
    SITE_YAML
}

impl Corpus {
    /// The corpus of `n` minerals (n >= 2).
    pub fn new(n: usize, seed: u64) -> Corpus {
        assert!(n >= 2, "a corpus needs at least two minerals");
        let mut names = Rng::new(seed ^ 0x6f72_6562_7269_6566);
        let minerals = mineral_names(n);
        let companies = company_names(4 * n, &mut names);
        let briefs = brief_names(n, &minerals, &mut names);
        Corpus {
            n,
            seed,
            world: World {
                minerals,
                companies,
                briefs,
            },
        }
    }

    /// Every content file: (path relative to the site root, text), in a fixed order: the four
    /// index pages, then minerals, companies and briefs.
    pub fn files(&self) -> impl Iterator<Item = (PathBuf, String)> + '_ {
        let n = self.n;
        let w = &self.world;
        let content = PathBuf::from("content");
        let home = std::iter::once((
            content.join("_index.md"),
            format!(
                "---\ntitle: Synthetic Critical Minerals Portal\nsummary: \"{n} minerals, {} companies and {n} briefs, generated for benchmarks.\"\n---\n\nStart with [[{}]], the first mineral of the portal.\n",
                4 * n,
                w.minerals[0].id
            ),
        ));
        let sections = [
            ("minerals", "Minerals"),
            ("companies", "Companies"),
            ("briefs", "Briefs"),
        ]
        .into_iter()
        .map(move |(dir, title)| {
            (
                PathBuf::from("content").join(dir).join("_index.md"),
                format!(
                    "---\ntitle: {title}\nsummary: \"All {dir} of the portal.\"\n---\n\nEvery {dir} page, in order.\n"
                ),
            )
        });
        // One generator per page, seeded by kind and index, so that a page does not depend
        // on the order of the others.
        let rng = move |kind: u64, i: usize| {
            let mut r = Rng::new(self.seed ^ (kind << 60) ^ i as u64);
            r.next();
            r
        };
        let minerals = (0..n).map(move |i| {
            (
                PathBuf::from("content/minerals").join(format!("{}.md", w.minerals[i].id)),
                write_mineral(w, i, &mut rng(1, i)),
            )
        });
        let companies = (0..4 * n).map(move |i| {
            (
                PathBuf::from("content/companies").join(format!("{}.md", w.companies[i].id)),
                write_company(w, i, &mut rng(2, i)),
            )
        });
        let briefs = (0..n).map(move |i| {
            (
                PathBuf::from("content/briefs").join(format!("{}.md", w.briefs[i].id)),
                write_brief(w, i, &mut rng(3, i)),
            )
        });
        home.chain(sections)
            .chain(minerals)
            .chain(companies)
            .chain(briefs)
    }

    /// Writes the site (`site.yaml` and `content/`) under `out`. Returns (files, bytes of
    /// Markdown). An existing `content/` is an error unless `force`, which replaces it.
    pub fn write(&self, out: &Path, force: bool) -> std::io::Result<(usize, u64)> {
        let content = out.join("content");
        if content.exists() {
            if !force {
                return Err(std::io::Error::other(format!(
                    "{} exists: pass --force to replace it",
                    content.display()
                )));
            }
            fs::remove_dir_all(&content)?;
        }
        for dir in ["minerals", "companies", "briefs"] {
            fs::create_dir_all(content.join(dir))?;
        }
        fs::write(out.join("site.yaml"), SITE_YAML)?;
        let mut pages = 0;
        let mut bytes = 0u64;
        for (path, text) in self.files() {
            bytes += text.len() as u64;
            pages += 1;
            fs::write(out.join(path), text)?;
        }
        Ok((pages, bytes))
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut seed: u64 = DEFAULT_SEED;
    let mut force = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => {
                    eprintln!("--seed needs a number");
                    return ExitCode::from(2);
                }
            },
            "--force" => force = true,
            "-h" | "--help" => {
                println!("usage: gen_corpus N OUT [--seed S] [--force]");
                return ExitCode::SUCCESS;
            }
            _ => positional.push(a),
        }
    }
    let (Some(n), Some(out)) = (
        positional.first().and_then(|s| s.parse::<usize>().ok()),
        positional.get(1),
    ) else {
        eprintln!("usage: gen_corpus N OUT [--seed S] [--force]  (N >= 2)");
        return ExitCode::from(2);
    };
    if n < 2 {
        eprintln!("N must be at least 2");
        return ExitCode::from(2);
    }
    match Corpus::new(n, seed).write(Path::new(out), force) {
        Ok((pages, bytes)) => {
            println!(
                "wrote {pages} pages ({n} minerals, {} companies, {n} briefs, 4 index pages), {:.1} MB of Markdown ({:.1} KB a page) to {out}",
                4 * n,
                bytes as f64 / 1e6,
                bytes as f64 / pages as f64 / 1e3
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}
