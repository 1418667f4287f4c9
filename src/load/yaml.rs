//! YAML parsing with errors that point at the file, line and column.
//!
//! Values are parsed with `serde_yaml` (the maintained `yaml_serde`). Problems found after
//! parsing (an unknown id, a negative figure) are located on demand by [`locate`], which walks
//! the YAML event stream of `saphyr-parser`; the fast path never pays for positions.

use std::path::Path;

use saphyr_parser::{Event, Parser, Span};
use serde::de::DeserializeOwned;

use crate::diagnostics::{self, Diagnostic};

/// One step of a path into a YAML document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    /// A key of a mapping.
    Key(&'a str),
    /// An index into a sequence.
    Index(usize),
}

/// Parses `text` into `T`. On failure, the diagnostic names `file` and the line and column of
/// the problem, `line_offset` lines below the start of `text`. `fields` are the field names the
/// top level accepts, used to suggest the nearest one for an unknown field.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    line_offset: usize,
    fields: &[&str],
) -> Result<T, Diagnostic> {
    if may_nest_deeper_than(text, MAX_DEPTH) {
        check_depth(text, file, line_offset)?;
    }
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(&e, text, file, line_offset, fields))
}

/// How deeply YAML may nest mappings and sequences. Real front matter nests four or five
/// levels; the limit keeps the YAML parser (whose cost grows with depth) fast on any input.
pub const MAX_DEPTH: usize = 64;

/// A cheap upper bound on nesting, so that ordinary front matter skips [`check_depth`] (a
/// second full parse): a line cannot open more levels than its indentation plus its
/// indicator characters, and flow brackets carry over from line to line. Closing brackets
/// are not subtracted: one inside a quoted string (`["]", ["]", ...`) would lower the bound
/// below the real depth, and such input, 10,000 levels deep, took seconds to reject.
fn may_nest_deeper_than(text: &str, limit: usize) -> bool {
    let mut flow = 0usize;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let mut indicators = 0usize;
        for b in line.bytes() {
            match b {
                b'[' | b'{' => flow += 1,
                b'-' | b':' | b'?' => indicators += 1,
                _ => continue,
            }
            if indent + indicators + flow > limit {
                return true;
            }
        }
    }
    false
}

/// Rejects YAML nested deeper than [`MAX_DEPTH`], pointing at the first node too deep. Reading
/// stops there, so the check costs little however deep the input goes; syntax errors are left
/// to the parser proper, which reports them better.
fn check_depth(text: &str, file: &Path, line_offset: usize) -> Result<(), Diagnostic> {
    let too_deep = |line: usize, column: usize| {
        Diagnostic::error(
            file,
            line + line_offset,
            column,
            format!("the YAML nests more than {MAX_DEPTH} levels deep"),
        )
        .with_hint("flatten the data: front matter needs a few levels at most")
    };
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        let (event, span) = match parser.next_event() {
            Some(Ok(next)) => next,
            // The scanner reads nested flow collections (`[[[[`) ahead, up to its own limit
            // of 255 levels, before it yields their events.
            Some(Err(e)) if e.info().contains("recursion limit") => {
                return Err(too_deep(e.marker().line(), e.marker().col() + 1));
            }
            Some(Err(_)) | None => break,
        };
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let (line, column) = pos(&span);
                    return Err(too_deep(line, column));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            Event::StreamEnd => break,
            _ => {}
        }
    }
    Ok(())
}

/// Turns a YAML error into a diagnostic with a location and a hint.
pub fn to_diagnostic(
    e: &serde_yaml::Error,
    text: &str,
    file: &Path,
    line_offset: usize,
    fields: &[&str],
) -> Diagnostic {
    let full = e.to_string();
    let (line, column) = match e.location() {
        Some(loc) => (loc.line() + line_offset, loc.column()),
        None => (line_offset.max(1), 0),
    };
    let message = strip_position(&full);
    // serde_yaml places errors raised while reading a value (a bad date) at the start of the
    // enclosing mapping: point at the value itself when it can be found.
    let (line, column) = match bad_value(&message).and_then(|v| find_value(text, v)) {
        Some((l, c)) => (l + line_offset, c),
        None => (line, column),
    };
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let name = rest.split('`').next().unwrap_or_default();
        let expected = expected_names(rest);
        // The top-level struct of front matter lists every kind's fields: narrow the
        // suggestion to those this file may use.
        let top_level = expected.contains(&"production") && expected.contains(&"facilities");
        let candidates: Vec<&str> = if top_level || expected.is_empty() {
            fields.to_vec()
        } else {
            expected
        };
        let prefix = message.split("unknown field").next().unwrap_or_default();
        let hint = match diagnostics::nearest(name, candidates.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? Free-form data belongs under `extra:`"),
            None => format!(
                "known fields here: {}; free-form data belongs under `extra:`",
                candidates.join(", ")
            ),
        };
        return Diagnostic::error(
            file,
            line,
            column,
            format!("{prefix}unknown field `{name}`"),
        )
        .with_hint(hint);
    }
    let hint = if message.contains("recursion limit exceeded")
        || message.contains("repetition limit exceeded")
    {
        "aliases (`*name`) expand too far here: write the values out instead"
    } else if message.contains("invalid type") || message.contains("invalid value") {
        "check the value's type against docs/content-model.md"
    } else if message.contains("missing field") {
        "add the field; docs/content-model.md lists what each entry needs"
    } else if message.contains("unknown variant") {
        "use one of the values listed"
    } else if message.contains("is not a date") {
        "dates are YYYY-MM-DD or YYYY-MM"
    } else if message.contains("cannot start any token")
        && tab_at(text, line.saturating_sub(line_offset))
    {
        "YAML is indented with spaces: replace the tabs at the start of this line"
    } else if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
        || message.contains("found character")
    {
        "this is not valid YAML: check indentation, and quote values that contain `: ` or start with a special character"
    } else {
        "check the YAML syntax near this position"
    };

    Diagnostic::error(file, line, column, message).with_hint(hint)
}

/// Whether line `line` (1-based) of `text` is indented with a tab.
fn tab_at(text: &str, line: usize) -> bool {
    let Some(line) = line.checked_sub(1).and_then(|l| text.lines().nth(l)) else {
        return false;
    };
    line.chars()
        .take_while(|c| c.is_whitespace())
        .any(|c| c == '\t')
}

/// The offending value quoted in a message of ours such as "`2025-13` is not a date".
fn bad_value(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let rest = &message[start..];
    let end = rest.find('`')?;
    rest[end..]
        .starts_with("` is not a date")
        .then(|| &rest[..end])
}

/// The 1-based line and column of the first scalar equal to `value` in `text`.
fn find_value(text: &str, value: &str) -> Option<(usize, usize)> {
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        if let Event::Scalar(v, ..) = &event {
            if v == value {
                return Some(pos(&span));
            }
        }
    }
    None
}

/// Removes serde_yaml's trailing " at line N column M".
fn strip_position(message: &str) -> String {
    // libyaml's messages may carry positions counted from the start of the front matter, not
    // the file ("... at line 3 column 1, while parsing ..."); the diagnostic has the right one.
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        let tail = &rest[i + " at line ".len()..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let after_line = &tail[digits..];
        if digits > 0 && after_line.starts_with(" column ") {
            let col_digits = after_line[" column ".len()..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            out.push_str(&rest[..i]);
            rest = &after_line[" column ".len() + col_digits..];
        } else {
            out.push_str(&rest[..i + " at line ".len()]);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// The names in "... expected one of `a`, `b`" (or "expected `a`").
fn expected_names(rest: &str) -> Vec<&str> {
    let Some(list) = rest.split("expected").nth(1) else {
        return Vec::new();
    };
    list.split('`').skip(1).step_by(2).collect()
}

/// The 1-based line and column of the value at `path` in `text`.
pub fn locate(text: &str, path: &[Seg<'_>]) -> Option<(usize, usize)> {
    find(text, path, false)
}

/// The 1-based line and column of the key that ends `path` (for "unknown field" errors).
pub fn locate_key(text: &str, path: &[Seg<'_>]) -> Option<(usize, usize)> {
    find(text, path, true)
}

/// Locates `path` in the front matter of a file whose YAML starts on `yaml_line`, falling back
/// to the nearest enclosing node that exists, then to the start of the front matter.
pub fn locate_in_file(text: &str, yaml_line: usize, path: &[Seg<'_>]) -> (usize, usize) {
    for len in (0..=path.len()).rev() {
        if let Some((line, col)) = locate(text, &path[..len]) {
            return (line + yaml_line - 1, col);
        }
    }
    (yaml_line.saturating_sub(1).max(1), 1)
}

fn pos(span: &Span) -> (usize, usize) {
    (span.start.line(), span.start.col() + 1)
}

fn find(text: &str, path: &[Seg<'_>], want_key: bool) -> Option<(usize, usize)> {
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, span) = parser.next_event()?.ok()?;
        match event {
            Event::MappingStart(..)
            | Event::SequenceStart(..)
            | Event::Scalar(..)
            | Event::Alias(_) => {
                return descend(&mut parser, &event, &span, path, want_key);
            }
            Event::StreamEnd => return None,
            _ => {}
        }
    }
}

fn descend<'a>(
    parser: &mut Parser<'a, saphyr_parser::StrInput<'a>>,
    event: &Event<'a>,
    span: &Span,
    path: &[Seg<'_>],
    want_key: bool,
) -> Option<(usize, usize)> {
    let Some((first, rest)) = path.split_first() else {
        return Some(pos(span));
    };
    match (event, first) {
        (Event::MappingStart(..), Seg::Key(wanted)) => loop {
            let (key, key_span) = parser.next_event()?.ok()?;
            if matches!(key, Event::MappingEnd) {
                return None;
            }
            let is_match = matches!(&key, Event::Scalar(k, ..) if k == wanted);
            if !is_match {
                skip(parser, &key)?;
            }
            let (value, value_span) = parser.next_event()?.ok()?;
            if is_match {
                if rest.is_empty() && want_key {
                    return Some(pos(&key_span));
                }
                return descend(parser, &value, &value_span, rest, want_key);
            }
            skip(parser, &value)?;
        },
        (Event::SequenceStart(..), Seg::Index(wanted)) => {
            let mut index = 0;
            loop {
                let (item, item_span) = parser.next_event()?.ok()?;
                if matches!(item, Event::SequenceEnd) {
                    return None;
                }
                if index == *wanted {
                    return descend(parser, &item, &item_span, rest, want_key);
                }
                skip(parser, &item)?;
                index += 1;
            }
        }
        _ => None,
    }
}

/// Skips the rest of the node that `event` opened.
fn skip<'a>(parser: &mut Parser<'a, saphyr_parser::StrInput<'a>>, event: &Event<'a>) -> Option<()> {
    let mut depth = match event {
        Event::MappingStart(..) | Event::SequenceStart(..) => 1usize,
        _ => return Some(()),
    };
    while depth > 0 {
        let (next, _) = parser.next_event()?.ok()?;
        match next {
            Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
            Event::MappingEnd | Event::SequenceEnd => depth -= 1,
            Event::StreamEnd => return None,
            _ => {}
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title: Gallium\nproduction:\n  - year: 2023\n    by_country: { CN: 750, RU: 5 }\n  - year: 2024\n    by_country:\n      CN: 1\n";

    #[test]
    fn locates_values_and_keys() {
        assert_eq!(locate(DOC, &[Seg::Key("title")]), Some((1, 8)));
        assert_eq!(locate_key(DOC, &[Seg::Key("production")]), Some((2, 1)));
        assert_eq!(
            locate(
                DOC,
                &[Seg::Key("production"), Seg::Index(1), Seg::Key("year")]
            ),
            Some((5, 11))
        );
        assert_eq!(
            locate(
                DOC,
                &[
                    Seg::Key("production"),
                    Seg::Index(0),
                    Seg::Key("by_country"),
                    Seg::Key("RU")
                ]
            ),
            Some((4, 32))
        );
        assert_eq!(
            locate_key(
                DOC,
                &[
                    Seg::Key("production"),
                    Seg::Index(1),
                    Seg::Key("by_country"),
                    Seg::Key("CN")
                ]
            ),
            Some((7, 7))
        );
        assert_eq!(locate(DOC, &[Seg::Key("missing")]), None);
    }

    #[test]
    fn the_depth_bound_never_misses_deep_nesting() {
        let block: String = (0..70).map(|d| format!("{}a:\n", " ".repeat(d))).collect();
        let flow = format!("a: {}", "[".repeat(70));
        let compact = format!("a: {}", "- ".repeat(70));
        for deep in [block, flow, compact] {
            assert!(may_nest_deeper_than(&deep, MAX_DEPTH));
            assert!(parse::<serde_yaml::Value>(&deep, Path::new("f.md"), 1, &[]).is_err());
        }
        assert!(!may_nest_deeper_than(DOC, MAX_DEPTH));
        // Brackets inside quoted strings must not lower the bound.
        let quoted = format!("a: {}1{}", "[\"]\", ".repeat(100), "]".repeat(100));
        assert!(may_nest_deeper_than(&quoted, MAX_DEPTH));
        let err = parse::<serde_yaml::Value>(&quoted, Path::new("f.md"), 1, &[]).unwrap_err();
        assert_eq!(err.message, "the YAML nests more than 64 levels deep");
    }

    #[test]
    fn bad_dates_point_at_the_value() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            title: String,
            date: crate::model::PartialDate,
        }
        let err =
            parse::<T>("title: x\ndate: 2024-02-30\n", Path::new("f.md"), 1, &[]).unwrap_err();
        assert_eq!((err.line, err.column), (3, 7), "{err}");
        assert!(err.message.contains("is not a date"));
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let deep = |open: &str, close: &str| {
            format!("a: {}1{}\n", open.repeat(10_000), close.repeat(10_000))
        };
        let cases = [
            (deep("[", "]"), 2),
            (deep("{b: ", "}"), 2),
            (format!("a:\n{}x\n", "- ".repeat(10_000)), 3),
        ];
        for (text, line) in cases {
            let err = parse::<serde_yaml::Value>(&text, Path::new("f.md"), 1, &[]).unwrap_err();
            assert_eq!(
                err.message, "the YAML nests more than 64 levels deep",
                "{text:.40}"
            );
            assert_eq!(err.line, line);
        }
        let ok = format!(
            "a: {}1{}\n",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse::<serde_yaml::Value>(&ok, Path::new("f.md"), 1, &[]).is_ok());
    }

    #[test]
    fn unknown_field_suggests_the_nearest() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            title: String,
            production: Option<u8>,
        }
        let err = parse::<T>(
            "title: x\nprodution: 3\n",
            Path::new("f.md"),
            1,
            &["title", "production"],
        )
        .unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert_eq!(err.message, "unknown field `prodution`");
        assert!(err.hint.unwrap().contains("did you mean `production`?"));
    }
}
