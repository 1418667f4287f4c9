//! The error audit: every error and warning that `orebrief build` and `check` can report, each
//! with a fixture that triggers it, checked for its message, file, line and column. The table
//! of `docs/errors.md` lists the same cases by name, and a test checks that each message the
//! fixtures produce is quoted there, so the page and the tool cannot drift apart.
//!
//! Fixtures are inline: each case names its files (a default `site.yaml` is added unless the
//! case has one). Line 1 of a content file is its opening `---`.

mod common;

use std::path::Path;

use common::*;
use orebrief::diagnostics::{Diagnostic, Severity};

/// One fixture and the diagnostic it must produce.
struct Case {
    /// The name in docs/errors.md.
    name: &'static str,
    /// Files of the site.
    files: &'static [(&'static str, &'static str)],
    /// Where the diagnostic points.
    file: &'static str,
    line: usize,
    column: usize,
    /// The start of the message (its variable tail, such as an OS error, may follow).
    message: &'static str,
    /// Error or warning.
    severity: Severity,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

const MINERAL: &str = "content/minerals/zinc.md";
const COMPANY: &str = "content/companies/acme.md";
const BRIEF: &str = "content/briefs/deal.md";
const ABOUT: &str = "content/about.md";

/// A mineral the other fixtures can refer to.
const ZINC: (&str, &str) = (MINERAL, "---\ntitle: Zinc\n---\n");

const CASES: &[Case] = &[
    // ---- Loading files (src/load) ----
    Case {
        name: "not-utf8",
        files: &[], // written as bytes by the runner
        file: MINERAL,
        line: 4,
        column: 4,
        message: "the file is not valid UTF-8",
        severity: E,
    },
    Case {
        name: "empty-file",
        files: &[(MINERAL, "\n  \n")],
        file: MINERAL,
        line: 1,
        column: 1,
        message: "the file is empty",
        severity: E,
    },
    Case {
        name: "no-front-matter",
        files: &[(MINERAL, "# Zinc\n")],
        file: MINERAL,
        line: 1,
        column: 1,
        message: "the file does not start with front matter",
        severity: E,
    },
    Case {
        name: "unterminated-front-matter",
        files: &[(MINERAL, "---\ntitle: Zinc\n")],
        file: MINERAL,
        line: 1,
        column: 1,
        message: "the front matter is not closed",
        severity: E,
    },
    Case {
        name: "unknown-kind",
        files: &[(ABOUT, "---\ntitle: A\nkind: minerl\n---\n")],
        file: ABOUT,
        line: 3,
        column: 7,
        message: "unknown kind `minerl`",
        severity: E,
    },
    Case {
        name: "kind-on-index",
        files: &[("content/minerals/_index.md", "---\nkind: page\n---\n")],
        file: "content/minerals/_index.md",
        line: 2,
        column: 1,
        message: "`kind` cannot be set on an `_index.md` file",
        severity: E,
    },
    Case {
        name: "field-of-another-kind",
        files: &[(MINERAL, "---\ntitle: Zinc\nheadquarters: Seoul\n---\n")],
        file: MINERAL,
        line: 3,
        column: 1,
        message: "`headquarters` is not a field of a mineral",
        severity: E,
    },
    Case {
        name: "missing-title",
        files: &[(MINERAL, "---\nsymbol: Zn\n---\n")],
        file: MINERAL,
        line: 1,
        column: 1,
        message: "a mineral needs a `title`",
        severity: E,
    },
    Case {
        name: "brief-without-date",
        files: &[(BRIEF, "---\ntitle: Deal\n---\n")],
        file: BRIEF,
        line: 1,
        column: 1,
        message: "a brief needs a `date`",
        severity: E,
    },
    Case {
        name: "bad-id",
        files: &[("content/minerals/zinc.ore.md", "---\ntitle: Zinc\n---\n")],
        file: "content/minerals/zinc.ore.md",
        line: 0,
        column: 0,
        message: "`zinc.ore` cannot be an id",
        severity: E,
    },
    Case {
        name: "reserved-id",
        files: &[("content/minerals/search.md", "---\ntitle: Search\n---\n")],
        file: "content/minerals/search.md",
        line: 0,
        column: 0,
        message: "`search` is a reserved name and cannot be an id",
        severity: E,
    },
    Case {
        name: "duplicate-id",
        files: &[
            ZINC,
            ("content/companies/zinc.md", "---\ntitle: Zinc Inc\n---\n"),
        ],
        file: MINERAL,
        line: 0,
        column: 0,
        message: "the id `zinc` is also used by content/companies/zinc.md",
        severity: E,
    },
    // ---- YAML (src/load/yaml.rs) ----
    Case {
        name: "yaml-syntax",
        files: &[(MINERAL, "---\ntitle: Zinc\nsymbol: Zn: x\n---\n")],
        file: MINERAL,
        line: 3,
        column: 11,
        message: "mapping values are not allowed in this context",
        severity: E,
    },
    Case {
        name: "yaml-tab-indent",
        files: &[(MINERAL, "---\ntitle: Zinc\nreserves:\n\tunit: t\n---\n")],
        file: MINERAL,
        line: 4,
        column: 1,
        message: "found character that cannot start any token",
        severity: E,
    },
    Case {
        name: "yaml-too-deep",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nextra: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n---\n",
        )],
        file: MINERAL,
        line: 3,
        column: 71,
        message: "the YAML nests more than 64 levels deep",
        severity: E,
    },
    Case {
        name: "yaml-alias-limit",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n---\n",
        )],
        file: MINERAL,
        line: 1,
        column: 0,
        message: "repetition limit exceeded",
        severity: E,
    },
    Case {
        name: "unknown-field",
        files: &[(MINERAL, "---\ntitle: Zinc\nprodution: []\n---\n")],
        file: MINERAL,
        line: 3,
        column: 1,
        message: "unknown field `prodution`",
        severity: E,
    },
    Case {
        name: "unknown-nested-field",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nreserves: { unit: t, by_country: { CN: 1 }, sorce: usgs }\n---\n",
        )],
        file: MINERAL,
        line: 3,
        column: 45,
        message: "reserves: unknown field `sorce`",
        severity: E,
    },
    Case {
        name: "invalid-type",
        files: &[(MINERAL, "---\ntitle: [Zinc]\n---\n")],
        file: MINERAL,
        line: 2,
        column: 8,
        message: "title: invalid type: sequence, expected a string",
        severity: E,
    },
    Case {
        name: "missing-field",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nproduction:\n  - { year: 2024, stage: mine, by_country: { CN: 1 } }\n---\n",
        )],
        file: MINERAL,
        line: 4,
        column: 5,
        message: "production[0]: missing field `unit`",
        severity: E,
    },
    Case {
        name: "unknown-variant",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nproduction:\n  - { year: 2024, stage: mill, unit: t, by_country: { CN: 1 } }\n---\n",
        )],
        file: MINERAL,
        line: 4,
        column: 26,
        message: "production[0].stage: unknown variant `mill`",
        severity: E,
    },
    Case {
        name: "bad-date",
        files: &[(BRIEF, "---\ntitle: Deal\ndate: 2025-13-01\n---\n")],
        file: BRIEF,
        line: 3,
        column: 7,
        message: "`2025-13-01` is not a date: write YYYY-MM-DD or YYYY-MM",
        severity: E,
    },
    // ---- site.yaml (src/config.rs) ----
    Case {
        name: "site-unknown-field",
        files: &[("site.yaml", "title: T\nbase_ur: https://x.org/\n")],
        file: "site.yaml",
        line: 2,
        column: 1,
        message: "unknown field `base_ur`",
        severity: E,
    },
    Case {
        name: "site-missing-title",
        files: &[("site.yaml", "description: D\n")],
        file: "site.yaml",
        line: 1,
        column: 1,
        message: "missing field `title`",
        severity: E,
    },
    Case {
        name: "base-url-not-http",
        files: &[("site.yaml", "title: T\nbase_url: ftp://x.org/\n")],
        file: "site.yaml",
        line: 2,
        column: 11,
        message: "base_url `ftp://x.org/` is not an http(s) URL",
        severity: E,
    },
    Case {
        name: "site-source-url",
        files: &[(
            "site.yaml",
            "title: T\nsources:\n  - { id: s, title: S, url: \"javascript:alert(1)\" }\n",
        )],
        file: "site.yaml",
        line: 3,
        column: 29,
        message: "URL `javascript:alert(1)` uses the `javascript:` scheme",
        severity: E,
    },
    Case {
        name: "theme-not-found",
        files: &[("site.yaml", "title: T\ntheme: fancy\n")],
        file: "site.yaml",
        line: 0,
        column: 0,
        message: "theme `fancy` not found: no folder themes/fancy/",
        severity: E,
    },
    // ---- Data checks (src/resolve/validate.rs) ----
    Case {
        name: "source-not-listed",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nreserves: { unit: t, by_country: { CN: 1 }, source: usgss }\n---\n",
        )],
        file: MINERAL,
        line: 3,
        column: 53,
        message: "source `usgss` is not listed",
        severity: E,
    },
    Case {
        name: "no-source",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nreserves: { unit: t, by_country: { CN: 1 } }\n---\n",
        )],
        file: MINERAL,
        line: 3,
        column: 11,
        message: "this figure cites no source",
        severity: W,
    },
    Case {
        name: "country-code-key",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nreserves: { unit: t, by_country: { UK: 1 }, source: usgs }\n---\n",
        )],
        file: MINERAL,
        line: 3,
        column: 36,
        message: "`UK` is not an ISO 3166-1 alpha-2 country code",
        severity: E,
    },
    Case {
        name: "country-code-value",
        files: &[(COMPANY, "---\ntitle: Acme\ncountry: kr\n---\n")],
        file: COMPANY,
        line: 3,
        column: 10,
        message: "`kr` is not an ISO 3166-1 alpha-2 country code",
        severity: E,
    },
    Case {
        name: "bad-figure",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nreserves: { unit: t, by_country: { CN: -5 }, source: usgs }\n---\n",
        )],
        file: MINERAL,
        line: 3,
        column: 40,
        message: "`-5` is not a valid figure: figures are numbers of zero or more",
        severity: E,
    },
    Case {
        name: "world-below-sum",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nproduction:\n  - { year: 2024, stage: mine, unit: t, world: 5, by_country: { CN: 10 }, source: usgs }\n---\n",
        )],
        file: MINERAL,
        line: 4,
        column: 48,
        message: "world total 5 is less than the sum of by_country (10)",
        severity: E,
    },
    Case {
        name: "second-table",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nproduction:\n  - { year: 2024, stage: mine, unit: t, by_country: { CN: 1 }, source: usgs }\n  - { year: 2024, stage: mine, unit: t, by_country: { CN: 2 }, source: usgs }\n---\n",
        )],
        file: MINERAL,
        line: 5,
        column: 13,
        message: "a second mine table for 2024",
        severity: E,
    },
    Case {
        name: "use-shares-over-100",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nuses:\n  - { name: a, share: 70 }\n  - { name: b, share: 40 }\n---\n",
        )],
        file: MINERAL,
        line: 4,
        column: 3,
        message: "the shares of `uses` sum to 110, more than 100",
        severity: E,
    },
    Case {
        name: "reliance-over-100",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nus_trade:\n  net_import_reliance: { year: 2024, percent: 120 }\n  source: usgs\n---\n",
        )],
        file: MINERAL,
        line: 4,
        column: 47,
        message: "net import reliance above 100%",
        severity: E,
    },
    Case {
        name: "import-shares-over-100",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nus_trade:\n  import_sources: { period: 2020-2023, shares: { CN: 80, other: 30 } }\n  source: usgs\n---\n",
        )],
        file: MINERAL,
        line: 4,
        column: 48,
        message: "import shares sum to 110, more than 100",
        severity: E,
    },
    Case {
        name: "agreement-no-party",
        files: &[(
            COMPANY,
            "---\ntitle: Acme\nagreements:\n  - { date: 2025-01, kind: MOU, source: usgs }\n---\n",
        )],
        file: COMPANY,
        line: 4,
        column: 5,
        message: "an agreement names no party",
        severity: E,
    },
    Case {
        name: "agreement-party-twice",
        files: &[(
            COMPANY,
            "---\ntitle: Acme\nagreements:\n  - { date: 2025-01, with: acme, with_name: Acme, kind: MOU, source: usgs }\n---\n",
        )],
        file: COMPANY,
        line: 4,
        column: 45,
        message: "an agreement names its party twice",
        severity: E,
    },
    Case {
        name: "country-note-not-iso",
        files: &[("content/countries/xx.md", "---\n---\n")],
        file: "content/countries/xx.md",
        line: 0,
        column: 0,
        message: "`xx` is not an ISO 3166-1 alpha-2 code",
        severity: E,
    },
    Case {
        name: "website-scheme",
        files: &[(
            COMPANY,
            "---\ntitle: Acme\nwebsite: \"javascript:alert(1)\"\n---\n",
        )],
        file: COMPANY,
        line: 3,
        column: 10,
        message: "URL `javascript:alert(1)` uses the `javascript:` scheme",
        severity: E,
    },
    Case {
        name: "source-url-scheme",
        files: &[(
            MINERAL,
            "---\ntitle: Zinc\nsources:\n  - { id: s, title: S, url: \"data:text/html,x\" }\n---\n",
        )],
        file: MINERAL,
        line: 4,
        column: 29,
        message: "URL `data:text/html,x` uses the `data:` scheme",
        severity: E,
    },
    Case {
        name: "stale-figures",
        files: &[(MINERAL, "---\ntitle: Zinc\nas_of: 2020-01\n---\n")],
        file: MINERAL,
        line: 3,
        column: 8,
        message: "figures as of 2020-01 are 72 months old (stale after 18)",
        severity: W,
    },
    // ---- Relations and URLs (src/resolve/mod.rs) ----
    Case {
        name: "unknown-target",
        files: &[
            (
                BRIEF,
                "---\ntitle: Deal\ndate: 2025-01-01\nminerals: [zync]\n---\n",
            ),
            ZINC,
        ],
        file: BRIEF,
        line: 4,
        column: 12,
        message: "unknown mineral `zync`",
        severity: E,
    },
    Case {
        name: "wrong-kind-target",
        files: &[
            (
                BRIEF,
                "---\ntitle: Deal\ndate: 2025-01-01\ncompanies: [zinc]\n---\n",
            ),
            ZINC,
        ],
        file: BRIEF,
        line: 4,
        column: 13,
        message: "`zinc` is a mineral, not a company",
        severity: E,
    },
    Case {
        name: "same-url",
        files: &[
            (ABOUT, "---\ntitle: About\n---\n"),
            ("content/about/_index.md", "---\ntitle: About us\n---\n"),
        ],
        file: ABOUT,
        line: 0,
        column: 0,
        message: "content/about.md and content/about/_index.md both map to the URL /about/",
        severity: E,
    },
    Case {
        name: "bad-section-name",
        files: &[("content/Notes/a.md", "---\ntitle: A\n---\n")],
        file: "content/Notes/a.md",
        line: 0,
        column: 0,
        message: "content/Notes/ cannot be a section: `Notes` cannot be an id",
        severity: E,
    },
    // ---- Bodies: shortcode scanning (src/render/shortcodes.rs) ----
    Case {
        name: "end-closes-nothing",
        files: &[(ABOUT, "---\ntitle: A\n---\nText\n{% end %}\n")],
        file: ABOUT,
        line: 5,
        column: 1,
        message: "`{% end %}` closes no block",
        severity: E,
    },
    Case {
        name: "internal-nested",
        files: &[(
            ABOUT,
            "---\ntitle: A\n---\n{% internal() %}\n{% internal() %}\n{% end %}\n",
        )],
        file: ABOUT,
        line: 5,
        column: 1,
        message: "internal blocks cannot be nested",
        severity: E,
    },
    Case {
        name: "internal-unclosed",
        files: &[(ABOUT, "---\ntitle: A\n---\nx\n{% internal() %}\nsecret\n")],
        file: ABOUT,
        line: 5,
        column: 1,
        message: "`{% internal() %}` is never closed: add `{% end %}`",
        severity: E,
    },
    Case {
        name: "unknown-block-shortcode",
        files: &[(ABOUT, "---\ntitle: A\n---\n{% secret() %}\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "unknown block shortcode `secret`",
        severity: E,
    },
    Case {
        name: "not-a-call",
        files: &[(ABOUT, "---\ntitle: A\n---\nSee {{ chart }}.\n")],
        file: ABOUT,
        line: 4,
        column: 5,
        message: "`chart` is not a shortcode call: write `name(arg=\"value\")`",
        severity: E,
    },
    Case {
        name: "bad-shortcode-name",
        files: &[(ABOUT, "---\ntitle: A\n---\n{{ my-chart() }}\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "`my-chart` is not a shortcode name",
        severity: E,
    },
    Case {
        name: "call-missing-paren",
        files: &[(ABOUT, "---\ntitle: A\n---\n{{ chart(mineral=\"zinc\" }}\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "the call to `chart` is missing its closing `)`",
        severity: E,
    },
    Case {
        name: "bad-arguments",
        files: &[(ABOUT, "---\ntitle: A\n---\n{{ chart(\"zinc\") }}\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "bad arguments to `chart`: write them as key=\"value\"",
        severity: E,
    },
    Case {
        name: "unterminated-string",
        files: &[(ABOUT, "---\ntitle: A\n---\n{{ chart(mineral=\"zinc) }}\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "unterminated string in the call to `chart`",
        severity: E,
    },
    Case {
        name: "unquoted-value",
        files: &[(ABOUT, "---\ntitle: A\n---\n{{ chart(mineral=zinc) }}\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "`zinc` is not a value: quote strings, as in mineral=\"zinc\"",
        severity: E,
    },
    Case {
        name: "argument-without-value",
        files: &[(ABOUT, "---\ntitle: A\n---\n{{ chart(mineral=) }}\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "argument `mineral` of `chart` has no value",
        severity: E,
    },
    Case {
        name: "argument-twice",
        files: &[(
            ABOUT,
            "---\ntitle: A\n---\n{{ chart(mineral=\"a\", mineral=\"b\") }}\n",
        )],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "argument `mineral` is given twice",
        severity: E,
    },
    // ---- Bodies: links (src/render/markdown.rs) ----
    Case {
        name: "unknown-link-target",
        files: &[(ABOUT, "---\ntitle: A\n---\nSee [[zync]].\n"), ZINC],
        file: ABOUT,
        line: 4,
        column: 5,
        message: "unknown link target `[[zync]]`",
        severity: E,
    },
    Case {
        name: "not-a-country-link",
        files: &[(ABOUT, "---\ntitle: A\n---\nIn [[XX]].\n")],
        file: ABOUT,
        line: 4,
        column: 4,
        message: "`[[XX]]` is not an ISO 3166-1 alpha-2 country code",
        severity: E,
    },
    Case {
        name: "no-such-content-file",
        files: &[(ABOUT, "---\ntitle: A\n---\n[Zinc](@/minerals/zync.md)\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "link to `@/minerals/zync.md`: no such content file",
        severity: E,
    },
    Case {
        name: "link-to-internal",
        files: &[
            (ABOUT, "---\ntitle: A\n---\nSee [[secret]].\n"),
            (
                "content/briefs/secret.md",
                "---\ntitle: S\ndate: 2025-01-01\nvisibility: internal\n---\n",
            ),
        ],
        file: ABOUT,
        line: 4,
        column: 5,
        message: "link to internal page `secret` (content/briefs/secret.md) from a page in the public build",
        severity: E,
    },
    Case {
        name: "wiki-link-cut-by-table",
        files: &[
            (
                ABOUT,
                "---\ntitle: A\n---\n| Metal | Note |\n|---|---|\n| [[zinc|Zn]] | x |\n",
            ),
            (MINERAL, "---\ntitle: Zinc\n---\n"),
        ],
        file: ABOUT,
        line: 6,
        column: 3,
        message: "this wiki link is cut in two by the table's column separator: its `|` starts a new cell",
        severity: E,
    },
    Case {
        name: "link-to-draft",
        files: &[
            (ABOUT, "---\ntitle: A\n---\nSee [[zinc]].\n"),
            (MINERAL, "---\ntitle: Zinc\ndraft: true\n---\n"),
        ],
        file: ABOUT,
        line: 4,
        column: 5,
        message: "link to draft `zinc` (content/minerals/zinc.md)",
        severity: E,
    },
    Case {
        name: "shortcode-names-broken-file",
        files: &[
            (
                ABOUT,
                "---\ntitle: A\n---\n{{ producers(mineral=\"zinc\") }}\n",
            ),
            (MINERAL, "---\ntitle: Zinc\nsymbol: [\n---\n"),
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "`producers` names `zinc`, whose file has errors",
        severity: E,
    },
    Case {
        name: "raw-html-off-link-scheme",
        files: &[
            ("site.yaml", "title: T\nmarkdown: { raw_html: false }\n"),
            (
                ABOUT,
                "---\ntitle: A\n---\nA [link](javascript:alert(1)).\n",
            ),
        ],
        file: ABOUT,
        line: 4,
        column: 3,
        message: "URL `javascript:alert(1)` uses the `javascript:` scheme",
        severity: E,
    },
    Case {
        name: "raw-html-off-heading-attribute",
        files: &[
            ("site.yaml", "title: T\nmarkdown: { raw_html: false }\n"),
            (ABOUT, "---\ntitle: A\n---\n# Title {onclick=alert(1)}\n"),
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "the heading attribute `onclick` is raw HTML, which `markdown.raw_html: false` turns off",
        severity: E,
    },
    // ---- Bodies: shortcodes (src/render/pages.rs) ----
    Case {
        name: "unknown-shortcode",
        files: &[
            (ABOUT, "---\ntitle: A\n---\n{{ chrat(mineral=\"zinc\") }}\n"),
            ZINC,
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "unknown shortcode `chrat`",
        severity: E,
    },
    Case {
        name: "shortcode-unknown-argument",
        files: &[
            (
                ABOUT,
                "---\ntitle: A\n---\n{{ producers(mineral=\"zinc\", year=2024) }}\n",
            ),
            ZINC,
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "`producers` takes no argument `year`",
        severity: E,
    },
    Case {
        name: "shortcode-argument-not-string",
        files: &[
            (ABOUT, "---\ntitle: A\n---\n{{ producers(mineral=3) }}\n"),
            ZINC,
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "argument `mineral` of `producers` must be a quoted string",
        severity: E,
    },
    Case {
        name: "shortcode-needs-mineral",
        files: &[(ABOUT, "---\ntitle: A\n---\n{{ producers() }}\n")],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "`producers` needs a `mineral` argument",
        severity: E,
    },
    Case {
        name: "shortcode-unknown-mineral",
        files: &[
            (
                ABOUT,
                "---\ntitle: A\n---\n{{ producers(mineral=\"zync\") }}\n",
            ),
            ZINC,
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "unknown mineral `zync`",
        severity: E,
    },
    Case {
        name: "shortcode-unknown-stage",
        files: &[
            (
                ABOUT,
                "---\ntitle: A\n---\n{{ supply_table(mineral=\"zinc\", stage=\"mill\") }}\n",
            ),
            ZINC,
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "unknown stage `mill`",
        severity: E,
    },
    Case {
        name: "shortcode-year-not-whole",
        files: &[
            (
                ABOUT,
                "---\ntitle: A\n---\n{{ supply_table(mineral=\"zinc\", year=2024.5) }}\n",
            ),
            ZINC,
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "`year` must be a whole number",
        severity: E,
    },
    Case {
        name: "shortcode-no-table",
        files: &[
            (
                ABOUT,
                "---\ntitle: A\n---\n{{ supply_table(mineral=\"zinc\") }}\n",
            ),
            ZINC,
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "`zinc` has no production table",
        severity: E,
    },
    Case {
        name: "shortcode-no-import-sources",
        files: &[
            (
                ABOUT,
                "---\ntitle: A\n---\n{{ import_sources(mineral=\"zinc\") }}\n",
            ),
            ZINC,
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "`zinc` has no `us_trade.import_sources`",
        severity: E,
    },
    Case {
        name: "shortcode-template-failed",
        files: &[
            (ABOUT, "---\ntitle: A\n---\n{{ note() }}\n"),
            ("templates/shortcodes/note.html", "{{ text | upper }}"),
        ],
        file: ABOUT,
        line: 4,
        column: 1,
        message: "shortcode `note` failed: templates/shortcodes/note.html:",
        severity: E,
    },
    // ---- Templates (src/render/templates.rs) ----
    Case {
        name: "template-syntax",
        files: &[(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}{{ page.title }{% endblock content %}\n",
        )],
        file: "templates/page.html",
        line: 2,
        column: 34,
        message: "Found `}` but expected }}.",
        severity: E,
    },
    Case {
        name: "template-missing-parent",
        files: &[("templates/page.html", "{% extends \"nowhere.html\" %}\n")],
        file: "templates/page.html",
        line: 0,
        column: 0,
        message: "extends `nowhere.html`, which does not exist",
        severity: E,
    },
    Case {
        name: "template-render-error",
        files: &[
            (ABOUT, "---\ntitle: A\n---\n"),
            ("templates/page.html", "{{ page.nothing.deeper }}\n"),
        ],
        file: "templates/page.html",
        line: 1,
        column: 9,
        message: "Field `nothing` is not defined.",
        severity: E,
    },
];

/// Builds the case's site and returns its diagnostics (errors from a failed check, or the
/// warnings of a passing one).
fn diagnostics(case: &Case) -> Vec<Diagnostic> {
    let site = TestSite::new(case.files);
    if case.name == "not-utf8" {
        std::fs::create_dir_all(site.root().join("content/minerals")).unwrap();
        std::fs::write(
            site.root().join(MINERAL),
            b"---\ntitle: Zinc\n---\nCaf\xe9\n",
        )
        .unwrap();
    }
    match orebrief::check(&site.options()) {
        Ok(report) => report.warnings,
        Err(orebrief::Error::Content(d)) => d,
        Err(e) => panic!("{}: {e}", case.name),
    }
}

/// The diagnostic of a case, checked for its place, severity and message.
fn found(case: &Case) -> Diagnostic {
    try_found(case).unwrap_or_else(|e| panic!("{e}"))
}

fn try_found(case: &Case) -> Result<Diagnostic, String> {
    let all = diagnostics(case);
    all.iter()
        .find(|d| {
            d.file == Path::new(case.file)
                && d.line == case.line
                && d.column == case.column
                && d.severity == case.severity
                && d.message.starts_with(case.message)
        })
        .cloned()
        .ok_or_else(|| {
            format!(
                "{}: no {:?} at {}:{}:{} starting {:?}; got:\n{}",
                case.name,
                case.severity,
                case.file,
                case.line,
                case.column,
                case.message,
                list(&all)
            )
        })
}

#[test]
fn every_case_reports_its_diagnostic_at_its_place() {
    let mut names = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for case in CASES {
        assert!(names.insert(case.name), "{} twice", case.name);
        if let Err(e) = try_found(case) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The docs page, read once.
fn errors_doc() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md")
}

#[test]
fn docs_errors_md_lists_every_case_with_its_message() {
    let doc = errors_doc();
    let mut missing = Vec::new();
    for case in CASES {
        let d = found(case);
        // Messages are quoted in the page as they appear, with `|` escaped for the table; the
        // start of each is compared, so that a long tail (a template's list of fields) may
        // change without touching the page.
        let shown: String = d.message.replace('|', "\\|").chars().take(80).collect();
        if !doc.contains(&format!("`{}`", case.name)) || !doc.contains(&shown) {
            missing.push(format!("| `{}` | {} |", case.name, d));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/errors.md lacks these cases or messages:\n{}",
        missing.join("\n")
    );
}

// ---- Cases that need more than a few inline files ----

#[test]
fn too_large() {
    let site = TestSite::new(&[]);
    let big = format!("---\ntitle: Zinc\n---\n{}", "x".repeat(10 * 1024 * 1024));
    site.write(MINERAL, &big);
    let errs = site.check_err();
    expect_diag(
        &errs,
        MINERAL,
        0,
        0,
        "the file is larger than 10 MiB, the most a content file may hold",
    );
}

#[test]
fn too_many_problems_in_one_body() {
    let body = format!("---\ntitle: A\n---\n{}", "[[nowhere]]\n".repeat(150));
    let site = TestSite::new(&[(ABOUT, &body)]);
    let errs = site.check_err();
    expect_diag(
        &errs,
        ABOUT,
        4,
        1,
        "50 more problem(s) in this body are not listed",
    );
}

#[test]
fn too_many_shortcodes() {
    let body = format!(
        "---\ntitle: A\n---\n{}",
        "{{ producers(mineral=\"zinc\") }}\n".repeat(1001)
    );
    let site = TestSite::new(&[(ABOUT, &body), ZINC]);
    let errs = site.check_err();
    expect_diag(
        &errs,
        ABOUT,
        1004,
        1,
        "more than 1000 shortcode calls and internal blocks in one page",
    );
}

#[test]
fn too_many_internal_blocks() {
    let body = format!(
        "---\ntitle: A\n---\n{}",
        "{% internal() %}\nx\n{% end %}\n".repeat(1001)
    );
    let site = TestSite::new(&[(ABOUT, &body)]);
    let mut options = site.options();
    options.profile = Some(orebrief::config::Profile::Internal);
    let errs = match orebrief::check(&options) {
        Err(orebrief::Error::Content(d)) => d,
        other => panic!("{:?}", other.map(|_| ())),
    };
    expect_diag(
        &errs,
        ABOUT,
        4,
        1,
        "more than 1000 internal blocks in one page",
    );
}

#[test]
fn no_site_yaml() {
    let site = TestSite::bare(&[(MINERAL, "---\ntitle: Zinc\n---\n")]);
    let errs = site.check_err();
    expect_diag(&errs, "site.yaml", 0, 0, "no site.yaml in the site root");
}

#[test]
fn site_yaml_unreadable() {
    let site = TestSite::bare(&[]);
    std::fs::create_dir_all(site.root().join("site.yaml")).unwrap();
    let errs = site.check_err();
    expect_diag(&errs, "site.yaml", 0, 0, "cannot read site.yaml: ");
}

#[test]
fn template_not_utf8() {
    let site = TestSite::new(&[]);
    std::fs::create_dir_all(site.root().join("templates")).unwrap();
    std::fs::write(site.root().join("templates/page.html"), b"\xff\xfe").unwrap();
    let errs = site.check_err();
    expect_diag(&errs, "templates/page.html", 0, 0, "cannot read template: ");
}

#[test]
fn template_not_found() {
    // A theme of the site's own that lacks a template the build needs.
    let site = TestSite::new(&[
        ("site.yaml", "title: T\ntheme: bare\n"),
        (
            "themes/bare/templates/base.html",
            "{% block content %}{% endblock content %}",
        ),
        (ABOUT, "---\ntitle: A\n---\n"),
    ]);
    let errs = site.check_err();
    let d = errs
        .iter()
        .find(|d| d.message.starts_with("template `") && d.message.ends_with("` not found"))
        .unwrap_or_else(|| panic!("{}", list(&errs)));
    assert_eq!((d.line, d.column), (0, 0));
    assert!(d.file.starts_with("templates"), "{d}");
}

#[test]
fn output_folder_refusals() {
    let site = TestSite::new(&[ZINC]);
    for (dir, message) in [
        (
            ".",
            "refusing output folder ./.: it is the site root or contains it",
        ),
        ("content", "it lies inside the site's content/ folder"),
        (
            "../out",
            "it lies outside the site root; pass --output-dir to choose such a folder explicitly",
        ),
    ] {
        site.write("site.yaml", &format!("title: T\noutput_dir: {dir}\n"));
        match orebrief::build(&site.options()) {
            Err(orebrief::Error::Output(e)) => {
                let text = e.to_string();
                assert!(text.starts_with("refusing output folder "), "{text}");
                assert!(
                    text.contains(message.trim_start_matches("refusing output folder ./.: ")),
                    "{text}"
                );
            }
            other => panic!("{dir}: {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn cli_errors() {
    let site = TestSite::new(&[ZINC]);
    // `new` over an existing file, and `init` into a site.
    let out = run(site.root(), &["new", "mineral", "zinc"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("already exists; choose another name or remove it first"),
        "{}",
        show(&out)
    );
    let out = run(site.root(), &["init", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("site.yaml already exists"),
        "{}",
        show(&out)
    );
    // A content error: every diagnostic, then the summary line.
    site.write(MINERAL, "---\ntitle: Zinc\nprodution: []\n---\n");
    let out = run(site.root(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/minerals/zinc.md:3:1: error: unknown field `prodution`"));
    assert!(stderr.contains("build failed: 1 error(s); the previous output, if any, is unchanged"));
}

/// Prints the table rows of docs/errors.md from the fixtures (run with `--ignored
/// --nocapture` after changing a message).
#[test]
#[ignore]
fn print_table_rows() {
    for case in CASES {
        let d = found(case);
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let place = match (d.line, d.column) {
            (0, _) => d.file.display().to_string(),
            (l, 0) => format!("{}:{l}", d.file.display()),
            (l, c) => format!("{}:{l}:{c}", d.file.display()),
        };
        println!(
            "| `{}` | {kind} | `{place}` | {} | {} |",
            case.name,
            d.message.replace('|', "\\|"),
            d.hint.as_deref().unwrap_or("").replace('|', "\\|")
        );
    }
}
