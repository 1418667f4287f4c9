//! Shortcodes in Markdown bodies, Zola-style: `{{ name(arg="value", n=3) }}` for an inline
//! call and `{% internal() %} ... {% end %}` around material for internal builds only.
//!
//! Before Markdown is parsed, each call is replaced by a placeholder word; after rendering,
//! the placeholders are swapped for the calls' HTML. A [`SourceMap`] keeps positions in the
//! rewritten text traceable to the original, so errors still name the right line and column.

use indexmap::IndexMap;

/// A literal argument value.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    /// A quoted string.
    Str(String),
    /// A number.
    Num(f64),
    /// true or false.
    Bool(bool),
}

impl serde::Serialize for ArgValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ArgValue::Str(v) => s.serialize_str(v),
            // Whole numbers stay whole (`year=2024` shows as 2024, not 2024.0).
            ArgValue::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => s.serialize_i64(*n as i64),
            ArgValue::Num(n) => s.serialize_f64(*n),
            ArgValue::Bool(b) => s.serialize_bool(*b),
        }
    }
}

/// One call found in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Shortcode name.
    pub name: String,
    /// Named arguments in order.
    pub args: IndexMap<String, ArgValue>,
    /// Byte offset of the call in the original body.
    pub offset: usize,
    /// Its length in bytes there, `{{` to `}}`.
    pub len: usize,
}

/// A problem found while scanning, at a byte offset of the original body.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanError {
    /// Offset in the original body.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Maps offsets in rewritten text back to the original.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// (offset in new text, offset in original), sorted; each starts a run copied verbatim
    /// (or a replacement, which maps to the start of what it replaced).
    points: Vec<(usize, usize)>,
}

impl SourceMap {
    /// The original offset for an offset in the rewritten text.
    pub fn original(&self, new: usize) -> usize {
        match self.points.binary_search_by_key(&new, |p| p.0) {
            Ok(i) => self.points[i].1,
            Err(0) => new,
            Err(i) => {
                let (n, o) = self.points[i - 1];
                o + (new - n)
            }
        }
    }
}

/// The body after scanning.
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    /// The body with calls replaced by placeholders and, in public builds, internal blocks removed.
    pub text: String,
    /// Offsets back to the original body.
    pub map: SourceMap,
    /// Inline calls, in order; call `i` stands as [`placeholder`]`(i)`.
    pub calls: Vec<Call>,
    /// Number of internal blocks kept (in internal builds): open/close placeholders.
    pub internal_blocks: usize,
    /// Problems found.
    pub errors: Vec<ScanError>,
}

/// The placeholder word for call `i`.
pub fn placeholder(i: usize) -> String {
    format!("orebriefshortcode{i}x")
}

/// `code` (the text of a code block of `scanned`, at `within` in `original`, the body
/// scanned) with the placeholder of each call made within it put back as the call was
/// written, its number added to `restored`: the scan leaves fenced blocks that start a line
/// alone, but not indented code or a fence inside a quote, and calls in code are text, not
/// calls. Words that only look like a placeholder stay.
pub fn restore_calls(
    code: &str,
    scanned: &Scanned,
    original: &str,
    within: std::ops::Range<usize>,
    restored: &mut Vec<usize>,
) -> String {
    const WORD: &str = "orebriefshortcode";
    if scanned.calls.is_empty() || !code.contains(WORD) {
        return code.to_string();
    }
    super::code::replace_numbered(code, WORD, 0, "", |n| {
        let call = scanned
            .calls
            .get(n)
            .filter(|c| within.contains(&c.offset))?;
        let source = original.get(call.offset..call.offset + call.len)?;
        restored.push(n);
        Some(source)
    })
}

/// The placeholder words opening and closing internal block `i`.
pub fn internal_placeholders(i: usize) -> (String, String) {
    (
        format!("orebriefinternalopen{i}x"),
        format!("orebriefinternalclose{i}x"),
    )
}

/// The most shortcode calls and internal blocks one body may hold: each is swapped in by a
/// pass over the body's HTML, so the limit keeps the cost of a body linear in its size.
pub const MAX_SHORTCODES: usize = 1000;

/// Scans `body`; `keep_internal` is true in internal builds.
pub fn scan(body: &str, keep_internal: bool) -> Scanned {
    let mut out = Scanned::default();
    if !body.contains("{{") && !body.contains("{%") {
        out.text = body.to_string();
        return out;
    }
    let mut copied_to = 0; // original offset copied so far
    let mut fence: Option<(char, usize)> = None;
    let mut internal_open: Option<(usize, bool)> = None; // (offset, was skipping)
    let mut skipping = false;
    let mut line_start = 0;
    while line_start < body.len() {
        let line_end = body[line_start..]
            .find('\n')
            .map_or(body.len(), |i| line_start + i + 1);
        let line = &body[line_start..line_end];
        let trimmed = line.trim_start();
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = fence_char {
            let run = trimmed.chars().take_while(|&x| x == c).count();
            if run >= 3 {
                match fence {
                    None => fence = Some((c, run)),
                    Some((fc, fr))
                        if fc == c && run >= fr && trimmed.trim_end().chars().all(|x| x == c) =>
                    {
                        fence = None
                    }
                    _ => {}
                }
                line_start = line_end;
                continue;
            }
        }
        if fence.is_some() {
            line_start = line_end;
            continue;
        }
        let mut pos = line_start;
        while let Some(found) = next_tag(body, pos, line_end) {
            let (start, is_block) = found;
            let close = if is_block { "%}" } else { "}}" };
            let Some(end_rel) = body[start + 2..line_end].find(close) else {
                pos = start + 2;
                continue;
            };
            let end = start + 2 + end_rel + 2;
            let inner = body[start + 2..end - 2].trim();
            if is_block {
                if inner == "end" {
                    match internal_open.take() {
                        Some((_, was_skipping)) => {
                            if skipping {
                                blank_out(&mut out, body, copied_to, start, end);
                            } else {
                                push_copy(&mut out, body, copied_to, start);
                                let (_, close) = internal_placeholders(out.internal_blocks - 1);
                                push_replacement(&mut out, start, &format!("\n\n{close}\n\n"));
                            }
                            copied_to = end;
                            skipping = was_skipping;
                        }
                        None => out.errors.push(ScanError {
                            offset: start,
                            message: "`{% end %}` closes no block".into(),
                        }),
                    }
                } else {
                    match parse_call(inner) {
                        Ok((name, args)) if name == "internal" && args.is_empty() => {
                            if internal_open.is_some() {
                                out.errors.push(ScanError { offset: start, message: "internal blocks cannot be nested".into() });
                            } else {
                                if skipping {
                                    blank_out(&mut out, body, copied_to, start, end);
                                } else {
                                    push_copy(&mut out, body, copied_to, start);
                                    if keep_internal {
                                        let (open, _) = internal_placeholders(out.internal_blocks);
                                        out.internal_blocks += 1;
                                        push_replacement(&mut out, start, &format!("\n\n{open}\n\n"));
                                    } else {
                                        out.map.points.push((out.text.len(), start));
                                    }
                                }
                                copied_to = end;
                                internal_open = Some((start, skipping));
                                skipping = skipping || !keep_internal;
                            }
                        }
                        Ok((name, _)) => out.errors.push(ScanError {
                            offset: start,
                            message: format!("unknown block shortcode `{name}`: the only block shortcode is `{{% internal() %}} ... {{% end %}}`"),
                        }),
                        Err(message) => out.errors.push(ScanError { offset: start, message }),
                    }
                }
            } else if !skipping {
                match parse_call(inner) {
                    Ok(_) if out.calls.len() + out.internal_blocks >= MAX_SHORTCODES => {
                        if !out
                            .errors
                            .iter()
                            .any(|e| e.message.starts_with("more than"))
                        {
                            out.errors.push(ScanError {
                                offset: start,
                                message: format!(
                                    "more than {MAX_SHORTCODES} shortcode calls and internal blocks in one page"
                                ),
                            });
                        }
                    }
                    Ok((name, args)) => {
                        push_copy(&mut out, body, copied_to, start);
                        let word = placeholder(out.calls.len());
                        push_replacement(&mut out, start, &word);
                        out.calls.push(Call {
                            name,
                            args,
                            offset: start,
                            len: end - start,
                        });
                        copied_to = end;
                    }
                    Err(message) => out.errors.push(ScanError {
                        offset: start,
                        message,
                    }),
                }
            }
            pos = end;
        }
        line_start = line_end;
    }
    if out.internal_blocks > MAX_SHORTCODES {
        out.errors.push(ScanError {
            offset: 0,
            message: format!("more than {MAX_SHORTCODES} internal blocks in one page"),
        });
    }
    if let Some((offset, _)) = internal_open {
        out.errors.push(ScanError {
            offset,
            message: "`{% internal() %}` is never closed: add `{% end %}`".into(),
        });
    }
    if skipping {
        blank_out(&mut out, body, copied_to, body.len(), body.len());
    } else {
        push_copy(&mut out, body, copied_to, body.len());
    }
    out
}

/// Finds the next `{{` or `{%` between `from` and `to` that is not inside inline code.
fn next_tag(body: &str, from: usize, to: usize) -> Option<(usize, bool)> {
    let bytes = body.as_bytes();
    let mut i = from;
    while i + 1 < to {
        if bytes[i] == b'{' && (bytes[i + 1] == b'{' || bytes[i + 1] == b'%') {
            let line_start = body[..i].rfind('\n').map_or(0, |p| p + 1);
            let ticks = bytes[line_start..i].iter().filter(|&&b| b == b'`').count();
            if ticks % 2 == 0 {
                return Some((i, bytes[i + 1] == b'%'));
            }
        }
        i += 1;
    }
    None
}

fn push_copy(out: &mut Scanned, body: &str, from: usize, to: usize) {
    if from < to {
        out.map.points.push((out.text.len(), from));
        out.text.push_str(&body[from..to]);
    }
}

fn push_replacement(out: &mut Scanned, original: usize, text: &str) {
    out.map.points.push((out.text.len(), original));
    out.text.push_str(text);
}

/// Drops text inside an internal block in a public build, keeping its line breaks so that
/// later line numbers still match.
fn blank_out(out: &mut Scanned, body: &str, from: usize, to: usize, end: usize) {
    let newlines = body[from.min(end)..end].matches('\n').count();
    let _ = to;
    out.map.points.push((out.text.len(), from));
    out.text.push_str(&"\n".repeat(newlines));
}

/// Parses `name(key="v", n=1, flag=true)`.
pub fn parse_call(inner: &str) -> Result<(String, IndexMap<String, ArgValue>), String> {
    let open = inner
        .find('(')
        .ok_or_else(|| format!("`{inner}` is not a shortcode call: write `name(arg=\"value\")`"))?;
    let name = inner[..open].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("`{name}` is not a shortcode name"));
    }
    let rest = inner[open + 1..].trim_end();
    let args_text = rest
        .strip_suffix(')')
        .ok_or_else(|| format!("the call to `{name}` is missing its closing `)`"))?;
    let mut args = IndexMap::new();
    let mut chars = args_text.char_indices().peekable();
    loop {
        while chars
            .next_if(|(_, c)| c.is_whitespace() || *c == ',')
            .is_some()
        {}
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        while chars
            .next_if(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
            .is_some()
        {}
        let key_end = chars.peek().map_or(args_text.len(), |(i, _)| *i);
        let key = args_text[start..key_end].trim();
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        if key.is_empty() || chars.next().map(|(_, c)| c) != Some('=') {
            return Err(format!(
                "bad arguments to `{name}`: write them as key=\"value\""
            ));
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let value = match chars.peek().map(|(_, c)| *c) {
            Some(q @ ('"' | '\'')) => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some((_, c)) if c == q => break,
                        Some((_, '\\')) => {
                            if let Some((_, c)) = chars.next() {
                                s.push(c);
                            }
                        }
                        Some((_, c)) => s.push(c),
                        None => return Err(format!("unterminated string in the call to `{name}`")),
                    }
                }
                ArgValue::Str(s)
            }
            Some(_) => {
                let vstart = chars.peek().map_or(args_text.len(), |(i, _)| *i);
                while chars
                    .next_if(|(_, c)| !c.is_whitespace() && *c != ',')
                    .is_some()
                {}
                let vend = chars.peek().map_or(args_text.len(), |(i, _)| *i);
                let raw = &args_text[vstart..vend];
                match raw {
                    "true" => ArgValue::Bool(true),
                    "false" => ArgValue::Bool(false),
                    _ => ArgValue::Num(raw.parse().map_err(|_| {
                        format!("`{raw}` is not a value: quote strings, as in {key}=\"{raw}\"")
                    })?),
                }
            }
            None => return Err(format!("argument `{key}` of `{name}` has no value")),
        };
        if args.insert(key.to_string(), value).is_some() {
            return Err(format!("argument `{key}` is given twice"));
        }
    }
    Ok((name.to_string(), args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls_with_arguments() {
        let (name, args) =
            parse_call(r#"supply_table(mineral="gallium", stage='refinery', year=2023, all=true)"#)
                .unwrap();
        assert_eq!(name, "supply_table");
        assert_eq!(args["mineral"], ArgValue::Str("gallium".into()));
        assert_eq!(args["stage"], ArgValue::Str("refinery".into()));
        assert_eq!(args["year"], ArgValue::Num(2023.0));
        assert_eq!(args["all"], ArgValue::Bool(true));
        assert!(parse_call("chart(mineral=gallium)").is_err());
        assert!(parse_call("chart(mineral=\"a\"").is_err());
        assert_eq!(parse_call("chart()").unwrap().1.len(), 0);
    }

    #[test]
    fn replaces_calls_outside_code_only() {
        let body = "a {{ chart(mineral=\"x\") }} b\n```\n{{ not_me() }}\n```\n`{{ nor_me() }}`\n";
        let s = scan(body, false);
        assert_eq!(s.calls.len(), 1);
        assert_eq!(s.calls[0].offset, 2);
        assert!(s.text.starts_with(&format!("a {} b\n", placeholder(0))));
        assert!(s.text.contains("{{ not_me() }}") && s.text.contains("{{ nor_me() }}"));
        // An offset after the call maps back to the original.
        let b_new = s.text.find(" b").unwrap() + 1;
        assert_eq!(s.map.original(b_new), body.find(" b").unwrap() + 1);
    }

    #[test]
    fn internal_blocks_vanish_in_public_builds_and_keep_lines() {
        let body = "one\n{% internal() %}\nsecret [[x]]\n{% end %}\ntwo [[y]]\n";
        let s = scan(body, false);
        assert!(!s.text.contains("secret"));
        assert_eq!(s.text.matches('\n').count(), body.matches('\n').count());
        let y_new = s.text.find("[[y]]").unwrap();
        assert_eq!(s.map.original(y_new), body.find("[[y]]").unwrap());
        let kept = scan(body, true);
        assert!(kept.text.contains("secret"));
        assert_eq!(kept.internal_blocks, 1);
    }

    #[test]
    fn unclosed_and_stray_blocks_are_errors() {
        assert_eq!(scan("{% internal() %}\nx", false).errors.len(), 1);
        assert_eq!(scan("x {% end %}", false).errors.len(), 1);
        assert_eq!(scan("{% other() %}", false).errors.len(), 1);
    }
}
