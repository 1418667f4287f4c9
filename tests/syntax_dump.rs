//! The syntax set orebrief embeds (`src/render/syntaxes.packdump`), against what
//! `examples/syntax_dump.rs` writes and against syntect's defaults it is made from.

#[allow(dead_code)]
#[path = "../examples/syntax_dump.rs"]
mod syntax_dump;

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use syntax_dump::ascii_classes;
use syntect::parsing::{ParseState, ScopeStackOp, SyntaxDefinition, SyntaxSet};
use syntect::util::LinesWithEndings;

fn embedded() -> SyntaxSet {
    syntect::dumps::from_uncompressed_data(orebrief::render::highlight::DUMP)
        .expect("the embedded dump loads")
}

/// The tokens of `text` as `syntax` in `set`, line by line.
fn tokens(set: &SyntaxSet, syntax: &str, text: &str) -> Vec<Vec<(usize, ScopeStackOp)>> {
    let syntax = set.find_syntax_by_token(syntax).expect("a known syntax");
    let mut state = ParseState::new(syntax);
    LinesWithEndings::from(text)
        .map(|line| state.parse_line(line, set).expect("tokenizes"))
        .collect()
}

/// The definitions of a set, as syntect compares them (the dump's bytes also depend on how
/// flate2 compresses, which may change with nothing else).
fn definitions(set: SyntaxSet) -> Vec<SyntaxDefinition> {
    set.into_builder().syntaxes().to_vec()
}

#[test]
fn the_embedded_dump_is_what_the_example_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("syntaxes.packdump");
    let set = syntax_dump::syntaxes().expect("the rewritten expressions compile");
    syntax_dump::write(&set, &path).unwrap();
    let written: SyntaxSet = syntect::dumps::from_uncompressed_dump_file(&path).unwrap();
    assert!(
        definitions(written) == definitions(embedded()),
        "src/render/syntaxes.packdump is stale: run `cargo run --example syntax_dump` and \
         commit the file"
    );
}

#[test]
fn the_dump_has_every_default_syntax() {
    let names = |set: &SyntaxSet| -> Vec<(String, Vec<String>)> {
        set.syntaxes()
            .iter()
            .map(|s| (s.name.clone(), s.file_extensions.clone()))
            .collect()
    };
    let ours = embedded();
    let mut expected = names(&SyntaxSet::load_defaults_newlines());
    assert!(expected.len() > 50);
    // And ours, added last.
    expected.push(("TOML".to_string(), vec!["toml".to_string()]));
    assert_eq!(names(&ours), expected);
}

/// YAML as analysts write it, with every construct the grammar knows: on ASCII text the
/// ASCII classes must tokenize exactly as syntect's Unicode ones.
const YAML: &str = r#"%YAML 1.2
%TAG !ore! tag:orebrief.example,2026:
%FOO bar baz
---
kind: mineral   # a comment
title: "Gallium \x41\u00e9 \U0001F600 \"quoted\""
single: 'it''s'
date: 2024-03-01
updated: 2024-03-01T10:20:30.5+02:00
share: 0.98
count: -12
hex: 0x1F
octal: 0o17
inf: .inf
flags: [true, False, ~, null, yes, Off]
empty: {}
production:
  - country: CN
    tonnes: 600
    year: 2023
  - {country: RU, tonnes: 5.5, note: "flow: map"}
anchor: &base
  a: 1
merged:
  <<: *base
  b: !!str 2
tagged: !ore!thing value
? complex key
: complex value
literal: |
  line one
    indented
folded: >-
  folded text
  continues
plain multi
  line: no
url: https://example.com/a:b#c
...
"#;

/// `text` without its non-ASCII whitespace and digits: the characters whose class the dump
/// changed.
fn without_unicode_spaces_and_digits(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii() || !(c.is_whitespace() || c.is_numeric()))
        .collect()
}

#[test]
fn yaml_tokenizes_as_syntect_defaults_do_without_unicode_spaces_and_digits() {
    let defaults = SyntaxSet::load_defaults_newlines();
    let ours = embedded();
    let mut texts = vec![YAML.to_string()];
    // And the front matter of every page of the sample portal.
    let content = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
    for entry in walkdir::WalkDir::new(content) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if let Some(front) = text
                .strip_prefix("---\n")
                .and_then(|t| t.split("\n---").next())
            {
                texts.push(format!("{front}\n"));
            }
        }
    }
    assert!(texts.len() > 20, "the sample portal's pages were found");
    for text in &texts {
        let text = without_unicode_spaces_and_digits(text);
        assert_eq!(
            tokens(&ours, "yaml", &text),
            tokens(&defaults, "yaml", &text),
            "YAML tokenized differently:\n{text}"
        );
    }
}

/// Pieces of YAML lines around what `syntax_dump::YAML_REWRITES` changes: implicit keys
/// with spaces, `#` after a space or not, `:` with and without a space after it, flow
/// collections (with keys that hold a space, a ` ,` or a ` :`), sequence dashes, tabs,
/// carriage returns (CRLF lines), and every indicator a plain scalar may not start with.
const PIECES: &[&str] = &[
    "a",
    "key",
    "b c",
    "x1",
    " ",
    "  ",
    "\t",
    " \t",
    ":",
    ": ",
    ":x",
    " :b",
    "#",
    " #",
    "# c",
    "-",
    "- ",
    "-\t",
    "?",
    "? ",
    ",",
    ", ",
    " ,",
    "[",
    "]",
    "{",
    "}",
    "{a b: c}",
    "[a b: c]",
    "{a ,b: c}",
    "{a :b: c}",
    "[ {a b: c} ]",
    "'",
    "\"",
    "&a",
    "*a",
    "!t",
    "|",
    ">",
    "%",
    "@",
    "`",
    "~",
    "null",
    "1",
    "0x1F",
    "2024-03-01",
    "a:b",
    "a #b",
    "a#b",
    "\r",
];

/// Short YAML texts built from [`PIECES`]: one to four lines of zero to three spaces of
/// indent and one to seven pieces, some without a final line break (where `\z` and
/// `(?m:$)` differ from a line's end).
fn yaml_text() -> impl Strategy<Value = String> {
    let line = (
        0..4usize,
        prop::collection::vec(prop::sample::select(PIECES), 1..=7),
    );
    (prop::collection::vec(line, 1..=4), any::<bool>()).prop_map(|(lines, unended)| {
        let mut text = String::new();
        for (indent, pieces) in lines {
            text.push_str(&" ".repeat(indent));
            text.extend(pieces);
            text.push('\n');
        }
        if unended {
            text.pop();
        }
        text
    })
}

/// The embedded set and syntect's defaults, loaded once for all the cases below.
fn yaml_sets() -> &'static (SyntaxSet, SyntaxSet) {
    static SETS: std::sync::OnceLock<(SyntaxSet, SyntaxSet)> = std::sync::OnceLock::new();
    SETS.get_or_init(|| (embedded(), SyntaxSet::load_defaults_newlines()))
}

proptest! {
    // A fixed seed: every run tries the same texts (each of six wrong rewrites tried failed
    // on them), and a failure shrinks to a short text.
    #![proptest_config(ProptestConfig {
        cases: if cfg!(debug_assertions) { 3_000 } else { 30_000 },
        rng_seed: RngSeed::Fixed(0x0b5e_55ed),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The rewritten YAML expressions (implicit keys, sequence dashes) must match where
    /// syntect's do: every generated text tokenizes alike in both sets. (They differ on
    /// purpose only past fancy-regex's backtracking limit: see
    /// `a_key_after_a_long_flow_scalar_is_a_key`.)
    #[test]
    fn rewritten_yaml_expressions_tokenize_generated_yaml_as_syntect_defaults_do(
        text in yaml_text()
    ) {
        let (ours, defaults) = yaml_sets();
        prop_assert_eq!(tokens(ours, "yaml", &text), tokens(defaults, "yaml", &text));
    }
}

/// fancy-regex gives up a search after a million backtracking steps, which syntect takes for
/// "no match": syntect's own flow-pair lookahead reached that limit on a flow collection
/// with about 700 characters before a later key, and took the key for plain text. The
/// rewritten lookahead has no backtracking and finds the key.
#[test]
fn a_key_after_a_long_flow_scalar_is_a_key() {
    let prose = "the refinery restarted after the export licence was granted ".repeat(14);
    let text = format!("meta: {{summary: \"{prose}\", lang: en}}\n");
    assert!(text.len() > 800);
    let at = text.find("lang").unwrap();
    let line = &tokens(&yaml_sets().0, "yaml", &text)[0];
    assert!(
        line.iter()
            .any(|(i, op)| *i == at && format!("{op:?}").contains("meta.flow-pair.key")),
        "`lang` is not a key: {line:?}"
    );
}

/// Whether `text`, as YAML, holds a mapping key.
fn has_key(set: &SyntaxSet, text: &str) -> bool {
    tokens(set, "yaml", text)
        .concat()
        .iter()
        .any(|(_, op)| format!("{op:?}").contains("entity.name.tag"))
}

#[test]
fn only_ascii_space_separates_a_yaml_key() {
    // U+3000 is Unicode whitespace but not YAML's: `a:\u{3000}b` is one plain scalar, not a
    // key and its value. syntect's Unicode `\s` took it for a key.
    let defaults = SyntaxSet::load_defaults_newlines();
    assert!(has_key(&defaults, "a:\u{3000}b\n"));
    assert!(!has_key(&embedded(), "a:\u{3000}b\n"));
    // With a space, or a tab, it is a key in both.
    for text in ["a: b\n", "a:\tb\n"] {
        assert!(
            has_key(&defaults, text) && has_key(&embedded(), text),
            "{text:?}"
        );
    }
}

/// A snippet in each of a few other languages: their grammars are rebuilt with YAML's and
/// must tokenize exactly as syntect's.
const OTHERS: &[(&str, &str)] = &[
    (
        "json",
        "{\"mineral\": \"gallium\", \"share\": 0.98, \"tags\": [true, null]}\n",
    ),
    (
        "python",
        "import csv\n\ndef share(t, total):\n    return t / total  # ratio\n",
    ),
    (
        "rust",
        "fn hhi(s: &[f64]) -> f64 {\n    s.iter().map(|x| x * x).sum()\n}\n",
    ),
    (
        "sh",
        "for f in content/*.md; do\n  echo \"$f\" | wc -c\ndone\n",
    ),
    (
        "sql",
        "SELECT country, SUM(tonnes) FROM production GROUP BY country;\n",
    ),
    (
        "html",
        "<p class=\"x\">Ga <a href=\"/g\">link</a></p>\n<script>let a = 1;</script>\n",
    ),
    ("md", "# Title\n\n```yaml\nkey: value\n```\n"),
];

#[test]
fn other_languages_tokenize_as_syntect_defaults_do() {
    let defaults = SyntaxSet::load_defaults_newlines();
    let ours = embedded();
    for (language, text) in OTHERS {
        assert_eq!(
            tokens(&ours, language, text),
            tokens(&defaults, language, text),
            "{language} tokenized differently"
        );
    }
}

#[test]
fn the_highlighted_html_of_a_yaml_block_is_classed() {
    let html = orebrief::render::highlight::code_block("year: 2024\nsource: USGS\n", "yaml");
    assert!(html.contains("data-lang=\"yaml\""), "{html}");
    assert!(html.contains("hl-entity hl-name hl-tag"), "{html}");
    assert!(html.contains("hl-constant hl-numeric"), "{html}");
}

#[test]
fn perl_classes_become_ascii_classes() {
    assert_eq!(ascii_classes(r"\s+"), "[[:space:]]+");
    assert_eq!(ascii_classes(r"\S"), "[^[:space:]]");
    assert_eq!(ascii_classes(r"\d{4}-\w"), "[[:digit:]]{4}-[[:word:]]");
    assert_eq!(ascii_classes(r"\D\W"), "[^[:digit:]][^[:word:]]");
    // Inside a bracketed class, and inside a nested one.
    assert_eq!(ascii_classes(r"[^\s:]"), "[^[:space:]:]");
    assert_eq!(ascii_classes(r"[^\s[-?:,]]"), "[^[:space:][-?:,]]");
    assert_eq!(ascii_classes(r"[\S,]"), "[[^[:space:]],]");
    // A `]` first in a class is a literal; the class goes on.
    assert_eq!(ascii_classes(r"[]\s]x"), "[][:space:]]x");
    assert_eq!(ascii_classes(r"[^]\d]"), "[^][:digit:]]");
}

#[test]
fn other_escapes_and_posix_classes_are_kept() {
    for kept in [
        r"\\s",
        r"\\\\d",
        r"[[:alpha:]]",
        r"[^[:alpha:]_]",
        r"\p{L}\b\n\t\x41",
        r"(?x) a \# b",
        r"\1",
        "",
    ] {
        assert_eq!(ascii_classes(kept), kept);
    }
    // A trailing lone backslash is left as it is.
    assert_eq!(ascii_classes("a\\"), "a\\");
    // `\[` is an escaped bracket, not a class: the `\s` after it is outside any class.
    assert_eq!(ascii_classes(r"\[\s\]"), r"\[[[:space:]]\]");
}

/// The opening tag of a span of TOML highlighted as `scope` (the classes before `hl-toml`).
fn toml_open(scope: &str) -> String {
    let classes: Vec<String> = scope.split('.').map(|s| format!("hl-{s}")).collect();
    format!("<span class=\"{} hl-toml\">", classes.join(" "))
}

/// A whole span of TOML highlighted as `scope` around `text`.
fn toml_span(scope: &str, text: &str) -> String {
    format!("{}{text}</span>", toml_open(scope))
}

#[test]
fn toml_is_highlighted() {
    let code = "# Production, tonnes\n[production.\"CN\"]\ncountry = \"CN\" # note\n\
                tonnes = 600_000\nhex = 0xDEAD_beef\nshare = -1.5e3\ndate = 2024-03-01\n\
                at = 1979-05-27T07:32:00+02:00\nok = false\nlist = [1, 'two', { a = 3 }]\n\
                note = \"\"\"\nsecond \\u00e9 line\"\"\"\n[[sources]]\nbad = \"open\nafter = 1\n";
    let html = orebrief::render::highlight::code_block(code, "toml");
    assert!(html.contains("data-lang=\"toml\""), "{html}");
    for (scope, text) in [
        ("punctuation.definition.comment", "#"),
        ("entity.name.section.table", "production.&quot;CN&quot;"),
        ("entity.name.tag", "country"),
        ("keyword.operator.assignment", "="),
        ("constant.numeric", "600_000"),
        ("constant.numeric", "0xDEAD_beef"),
        ("constant.numeric", "-1.5e3"),
        ("constant.other.datetime", "2024-03-01"),
        ("constant.other.datetime", "1979-05-27T07:32:00+02:00"),
        ("constant.language.boolean", "false"),
        ("punctuation.section.array.begin", "["),
        ("punctuation.section.mapping.begin", "{"),
        ("entity.name.tag", "a"),
        ("constant.numeric", "3"),
        ("constant.character.escape", "\\u00e9"),
        ("entity.name.section.table.array", "sources"),
        // An unterminated string ends with its line: the next line is a key again.
        ("entity.name.tag", "after"),
    ] {
        let span = toml_span(scope, text);
        assert!(html.contains(&span), "no {span} in\n{html}");
    }
    // The strings and the comment: their text follows their opening mark (`"`, `'`, `#`)
    // inside the span. Then a multi-line string's second line inside it.
    for (scope, inner) in [
        ("string.quoted.double", "CN"),
        ("string.quoted.single", "two"),
        ("comment.line.number-sign", " Production, tonnes"),
    ] {
        let open = toml_open(scope);
        let at = html.find(&open).expect(scope) + open.len();
        let after_mark = html[at..].split_once("</span>").expect("the mark's span").1;
        assert!(
            after_mark.starts_with(inner),
            "{scope}: {inner} in {after_mark}"
        );
    }
    let triple = html
        .split(&toml_open("string.quoted.triple.double"))
        .nth(1)
        .expect("a multi-line string");
    let end = triple
        .find(&toml_span(
            "punctuation.definition.string.end",
            "&quot;&quot;&quot;",
        ))
        .expect("its end");
    assert!(triple[..end].contains("\nsecond "), "{triple}");
}
