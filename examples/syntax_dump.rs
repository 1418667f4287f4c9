//! Writes the syntax set orebrief highlights code with, `src/render/syntaxes.packdump`,
//! embedded in the binary by `src/render/highlight.rs`:
//!
//! ```text
//! cargo run --example syntax_dump            # writes src/render/syntaxes.packdump
//! cargo run --example syntax_dump -- OUT     # writes OUT instead
//! ```
//!
//! The set is syntect's default syntaxes with one change: in the YAML syntax, the Perl
//! classes `\s`, `\S`, `\d`, `\D`, `\w` and `\W` are made ASCII (`[[:space:]]` ...).
//! YAML's own whitespace is space and tab (its line breaks CR and LF), its numbers and dates
//! use ASCII digits, and `\w` only names a reserved directive; compiled as Unicode classes
//! these expressions made YAML costly to start (docs/benchmarks.md, "What changed after
//! a888a0c"). On text without non-ASCII whitespace or digits the two tokenize
//! alike (`tests/syntax_dump.rs`).
//!
//! Three YAML expressions are also rewritten without look-arounds ([`YAML_REWRITES`]), so
//! that fancy-regex hands them to regex-automata whole instead of backtracking from every
//! position of a line; they match where syntect's do, except on lines long enough for
//! syntect's to give up (`tests/syntax_dump.rs` tokenizes generated texts with both: 3,000
//! in a debug test run, 30,000 with `--release`).
//!
//! It also adds TOML, which syntect's defaults lack, from `src/render/syntaxes/` ([`EXTRA`]),
//! read with syntect's `yaml-load` loader (a dev-dependency feature; it brings the
//! unmaintained `yaml-rust` into this example and the tests only, never into the binary).
//!
//! Rebuilt from its definitions, the set keeps every syntax, scope and extension but not
//! the paths of syntect's source files, so `find_syntax_by_path` finds nothing in it
//! (orebrief finds syntaxes by a fence's language token).
//!
//! Run it again after upgrading syntect or editing a grammar; `tests/syntax_dump.rs` fails
//! while the file in the repository differs from what this writes.

use std::path::{Path, PathBuf};

use syntect::parsing::syntax_definition::{Pattern, SyntaxDefinition};
use syntect::parsing::{Regex, SyntaxSet, SyntaxSetBuilder};

/// The syntaxes whose Perl classes are made ASCII.
pub const ASCII_SYNTAXES: &[&str] = &["YAML"];

/// The syntaxes added to syntect's defaults: their `.sublime-syntax` sources, by file name.
pub const EXTRA: &[(&str, &str)] = &[(
    "src/render/syntaxes/TOML.sublime-syntax",
    include_str!("../src/render/syntaxes/TOML.sublime-syntax"),
)];

/// Where the dump lives in the repository.
pub const DUMP_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/render/syntaxes.packdump");

/// The syntax set to dump: syntect's defaults, with the classes of [`ASCII_SYNTAXES`] made
/// ASCII, and the [`EXTRA`] syntaxes. An expression that no longer compiles after the
/// change, or an extra syntax that does not load, is an error naming it.
pub fn syntaxes() -> Result<SyntaxSet, String> {
    let defaults = SyntaxSet::load_defaults_newlines().into_builder();
    // The definitions are linked by index into the set: rebuild it whole, in order.
    let mut builder = SyntaxSetBuilder::new();
    for definition in defaults.syntaxes() {
        let mut definition = definition.clone();
        if definition.name == "YAML" {
            rewrite_yaml(&mut definition)?;
        }
        if ASCII_SYNTAXES.contains(&definition.name.as_str()) {
            make_ascii(&mut definition)?;
        }
        builder.add(definition);
    }
    for (file, source) in EXTRA {
        let definition = SyntaxDefinition::load_from_str(source, true, None)
            .map_err(|e| format!("{file}: {e}"))?;
        builder.add(definition);
    }
    Ok(builder.build())
}

/// YAML expressions rewritten without the look-arounds that kept them from fancy-regex's
/// fast path, each as (context, the expression's text in syntect's grammar, the text it
/// becomes). Each matches at the same places as syntect's (whose grammar gives none of
/// their groups a scope), except where syntect's gives up: fancy-regex stops a search after
/// a million backtracking steps, which syntect takes for no match, and `flow-pair`'s
/// original reaches that on a flow collection with about 700 characters before a later key,
/// which the rewrite still finds (`tests/syntax_dump.rs`):
///
/// - `block-pair` and `flow-pair` look ahead for an implicit key (`key words: value`). Inside
///   the lookahead, a run of spaces may continue the key only when no `#` (a comment) or
///   space follows: `\s+ (?![#\s])`. A plain character other than `#`, or `:` and a
///   non-space, after such a run would be consumed next by the loop's other branches, so
///   the run consumes it itself: `\s+ (?: [^\s:#] | : \S )`; a run followed by `:` and a
///   space or the line's end is taken by the `\s* :` after the loop in both forms, and a
///   run followed by anything else ends no key in either. The lookahead is then the whole
///   expression and free of look-arounds, which fancy-regex hands to regex-automata as one
///   forward search (its "trailing lookahead" optimization) instead of running its
///   backtracking VM from every position of the line: 64% and 13% of YAML's matching time on
///   the benchmark corpus (docs/benchmarks.md).
/// - `block-sequence`: `-` not followed by a non-space is `-` followed by a space or the end
///   of the text, a trailing positive lookahead that fancy-regex also hands over whole.
pub const YAML_REWRITES: &[(&str, &str, &str)] = &[
    (
        "block-pair",
        r"      [^\s:]
    | : \S
    | \s+ (?![#\s])
  )*",
        r"      [^\s:]
    | : \S
    | \s+ (?: [^\s:#] | : \S )
  )*",
    ),
    (
        "flow-pair",
        r"      [^\s:[\[\]{},]]
    | : [^\s[\[\]{},]]
    | \s+ (?![#\s])
  )*",
        r"      [^\s:[\[\]{},]]
    | : [^\s[\[\]{},]]
    | \s+ (?: [^\s:[\[\]{},]#] | : [^\s[\[\]{},]] )
  )*",
    ),
    ("block-sequence", r"(-)(?!\S)", r"(-)(?=\s|\z)"),
];

/// Applies [`YAML_REWRITES`] to the YAML definition: each must meet its text exactly once, so
/// that a grammar changed by a syntect upgrade fails here rather than keeping the slow form
/// or, worse, a rewrite that no longer fits.
fn rewrite_yaml(definition: &mut SyntaxDefinition) -> Result<(), String> {
    for (context, from, to) in YAML_REWRITES {
        let patterns = definition
            .contexts
            .get_mut(*context)
            .ok_or_else(|| format!("YAML has no context {context}"))?
            .patterns
            .iter_mut();
        let mut met = 0;
        for pattern in patterns {
            let Pattern::Match(matched) = pattern else {
                continue;
            };
            let text = matched.regex.regex_str();
            let here = text.matches(from).count();
            if here > 0 {
                matched.regex = Regex::new(text.replace(from, to));
            }
            met += here;
        }
        if met != 1 {
            return Err(format!(
                "YAML, context {context}: {from:?} met {met} times, not once: check the \
                 rewrite against this syntect's grammar"
            ));
        }
    }
    Ok(())
}

/// Rewrites every match expression of `definition` with [`ascii_classes`].
fn make_ascii(definition: &mut SyntaxDefinition) -> Result<(), String> {
    for (name, context) in &mut definition.contexts {
        for pattern in &mut context.patterns {
            let Pattern::Match(matched) = pattern else {
                continue;
            };
            let rewritten = ascii_classes(matched.regex.regex_str());
            if rewritten == matched.regex.regex_str() {
                continue;
            }
            // syntect marks the expressions with back-references to a `begin` match (`\1`):
            // they compile only once substituted, as syntect does when it meets them.
            if !matched.has_captures {
                if let Some(e) = Regex::try_compile(&rewritten) {
                    return Err(format!(
                        "{}, context {name}: {rewritten:?} does not compile: {e}",
                        definition.name
                    ));
                }
            }
            matched.regex = Regex::new(rewritten);
        }
    }
    Ok(())
}

/// `re` with its Perl classes made ASCII: `\s` becomes `[[:space:]]` (`[:space:]` inside a
/// bracketed class), `\S` becomes `[^[:space:]]` (a nested class inside one), and likewise
/// `\d`/`\D` (`digit`) and `\w`/`\W` (`word`). Escaped backslashes (`\\s` is a backslash
/// and an `s`) and POSIX classes already there are kept.
///
/// It follows brackets, not the whole regex syntax: a `[` or `\` inside an `(?x)` comment,
/// or a `]` first in a nested class, would put it off. The YAML grammar has none; the
/// tokenizing test of `tests/syntax_dump.rs` would show it.
pub fn ascii_classes(re: &str) -> String {
    let mut out = String::with_capacity(re.len() + 16);
    let mut depth = 0usize;
    let mut chars = re.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let class = match next.to_ascii_lowercase() {
                    's' => "space",
                    'd' => "digit",
                    'w' => "word",
                    _ => "",
                };
                let (open, close) = if next.is_ascii_uppercase() {
                    ("[^[:", ":]]")
                } else if depth > 0 {
                    ("[:", ":]")
                } else {
                    ("[[:", ":]]")
                };
                if class.is_empty() {
                    out.push('\\');
                    out.push(next);
                } else {
                    out.extend([open, class, close]);
                }
            }
            '[' if depth > 0 && chars.peek() == Some(&':') => {
                // A POSIX class, `[:alpha:]`: copied whole.
                out.push('[');
                for c in chars.by_ref() {
                    out.push(c);
                    if c == ']' {
                        break;
                    }
                }
            }
            '[' => {
                depth += 1;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // A `]` first in a class is a literal.
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if depth > 0 => {
                depth -= 1;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Writes the set to `path`, uncompressed, as syntect loads embedded dumps.
pub fn write(set: &SyntaxSet, path: &Path) -> Result<(), String> {
    syntect::dumps::dump_to_uncompressed_file(set, path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn main() {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DUMP_PATH));
    if let Err(e) = syntaxes().and_then(|set| write(&set, &path)) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    println!("wrote {}", path.display());
}
