//! Writes the syntax set orebrief highlights code with, `src/render/syntaxes.packdump`,
//! embedded in the binary by `src/render/highlight.rs`:
//!
//! ```text
//! cargo run --example syntax_dump            # writes src/render/syntaxes.packdump
//! cargo run --example syntax_dump -- OUT     # writes OUT instead
//! ```
//!
//! The set is syntect's default syntaxes with one change: in the YAML syntax, the Perl
//! classes `\s`, `\S`, `\d`, `\D`, `\w` and `\W` are made ASCII (`[[:space:]]` ...). YAML's
//! own whitespace is only space and tab, its numbers and dates ASCII digits, and `\w`
//! only names a directive; but compiled as Unicode classes these expressions took about
//! 13 ms of a small site's build (every page of a portal may hold a YAML block), against
//! about 8 ms as ASCII. On ASCII text the two tokenize alike (`tests/syntax_dump.rs`).
//!
//! Run it again after upgrading syntect; `tests/syntax_dump.rs` fails while the file in the
//! repository differs from what this writes.

use std::path::{Path, PathBuf};

use syntect::parsing::syntax_definition::{Pattern, SyntaxDefinition};
use syntect::parsing::{Regex, SyntaxSet, SyntaxSetBuilder};

/// The syntaxes whose Perl classes are made ASCII.
pub const ASCII_SYNTAXES: &[&str] = &["YAML"];

/// Where the dump lives in the repository.
pub const DUMP_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/render/syntaxes.packdump");

/// The syntax set to dump: syntect's defaults, with the classes of [`ASCII_SYNTAXES`] made
/// ASCII. An expression that no longer compiles after the change is an error naming it.
pub fn syntaxes() -> Result<SyntaxSet, String> {
    let defaults = SyntaxSet::load_defaults_newlines().into_builder();
    // The definitions are linked by index into the set: rebuild it whole, in order.
    let mut builder = SyntaxSetBuilder::new();
    for definition in defaults.syntaxes() {
        let mut definition = definition.clone();
        if ASCII_SYNTAXES.contains(&definition.name.as_str()) {
            make_ascii(&mut definition)?;
        }
        builder.add(definition);
    }
    Ok(builder.build())
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
            // Expressions with back-references to the `begin` match (`\1`) only compile
            // once substituted, as syntect does when it meets them.
            if !matched.has_captures || !has_back_reference(&rewritten) {
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

/// Whether `re` holds a back-reference such as `\1`.
fn has_back_reference(re: &str) -> bool {
    let mut chars = re.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next().is_some_and(|n| n.is_ascii_digit()) {
            return true;
        }
    }
    false
}

/// `re` with its Perl classes made ASCII: `\s` becomes `[[:space:]]` (`[:space:]` inside a
/// bracketed class), `\S` becomes `[^[:space:]]` (a nested class inside one), and likewise
/// `\d`/`\D` (`digit`) and `\w`/`\W` (`word`). Escaped backslashes (`\\s` is a backslash
/// and an `s`) and POSIX classes already there are kept.
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
                if class.is_empty() {
                    out.push('\\');
                    out.push(next);
                } else if next.is_ascii_uppercase() {
                    out.push_str(&format!("[^[:{class}:]]"));
                } else if depth > 0 {
                    out.push_str(&format!("[:{class}:]"));
                } else {
                    out.push_str(&format!("[[:{class}:]]"));
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
