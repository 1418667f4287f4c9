//! Whether templates may read one field of a context variable: a reading of their Tera
//! source, made once when the theme is loaded.
//!
//! The briefs' annexes are taken from the whole-portal document's parts, which were rendered
//! with no `part.label` (`render::annexes`); that is only right when the part templates never
//! read the label. Rendering to find out would cost what the sharing saves, and comparing a
//! few renderings cannot see a theme that shows the label only for some pages
//! (`{% if page.summary and part.label %}`), so the templates themselves are read.
//!
//! The reading errs on the side of "may read": from the templates named as roots, it follows
//! every template named in a string literal inside a tag (`include`, `extends`) and every
//! template that defines a component, and in each, inside `{{ }}` and `{% %}` (not comments
//! or `raw` blocks, found as Tera's lexer finds them, string escapes included), it looks at
//! each use of the variable: `part.label`, `part?.label` and `part["label"]` read the field;
//! `part.level` and `part["level"]` do not; any other use (`part` passed whole to a filter,
//! a component or a `set`, spread as `{...part}`, or indexed by an expression) may, and so
//! does `__tera_context`. A `{% for part in` or `{% set part =` binds the name and is not a
//! read; elsewhere `for` is an ordinary name (`<Label for part />` passes `part` whole).
//! Source it cannot follow to its end (a tag, string, comment or `raw` block never closed)
//! may read.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Whether the templates named in `roots`, or any template they reach, may read `field` of
/// the context variable `var`. `sources` is every template: (name, Tera source).
pub fn may_read_field(sources: &[(&str, &str)], roots: &[&str], var: &str, field: &str) -> bool {
    let by_name: HashMap<&str, &str> = sources.iter().copied().collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut todo: Vec<&str> = roots.to_vec();
    // Components can be called from anywhere and may take `@part` implicitly.
    todo.extend(
        sources
            .iter()
            .filter(|(_, source)| defines_component(source))
            .map(|&(name, _)| name),
    );
    while let Some(name) = todo.pop() {
        if !seen.insert(name) {
            continue;
        }
        let Some(&source) = by_name.get(name) else {
            continue;
        };
        let mut reads = false;
        for piece in tags(source) {
            let Piece::Tag(tag) = piece else {
                return true;
            };
            let tokens = tokens(tag);
            if reads_in(&tokens, var, field) {
                reads = true;
                break;
            }
            for token in &tokens {
                if let Token::Str(s) = token
                    && let Some((&other, _)) = by_name.get_key_value(s.as_ref())
                {
                    todo.push(other);
                }
            }
        }
        if reads {
            return true;
        }
    }
    false
}

/// Whether `source` defines a Tera component.
fn defines_component(source: &str) -> bool {
    tags(source).any(|piece| {
        matches!(piece, Piece::Tag(tag)
            if matches!(tokens(tag).first(), Some(Token::Ident(word)) if *word == "component"))
    })
}

/// What the reading found next in a template: the inside of a `{{ }}` or `{% %}` tag, or
/// source it cannot read (a tag, string or `raw` block never closed), which Tera would have
/// refused and which counts as "may read".
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Tag(&'a str),
    Unreadable,
}

/// The insides of the `{{ }}` and `{% %}` tags of `source`, in order, without comments and
/// without what `{% raw %}` blocks hold, as Tera's lexer finds them: a comment ends at the
/// first `#}`, a raw block at the first `{% endraw %}` (with optional `-` and whitespace),
/// a tag at its closing delimiter outside string literals. A leading whitespace-control `-`
/// is not part of the inside.
fn tags(source: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = source;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('{')?;
            let after = &rest[start + 1..];
            let close = match after.as_bytes().first() {
                Some(b'{') => "}}",
                Some(b'%') => "%}",
                Some(b'#') => {
                    // A comment: skipped whole, to its first `#}`.
                    match after[1..].find("#}") {
                        Some(end) => {
                            rest = &after[1 + end + 2..];
                            continue;
                        }
                        None => {
                            rest = "";
                            return Some(Piece::Unreadable);
                        }
                    }
                }
                _ => {
                    rest = after;
                    continue;
                }
            };
            let body = &after[1..];
            let ws = usize::from(body.starts_with('-'));
            if close == "%}"
                && let Some(len) = skip_tag(&body[ws..], "raw").map(|len| len + ws)
            {
                match raw_end(&body[len..]) {
                    Some(end) => {
                        rest = &body[len + end..];
                        continue;
                    }
                    None => {
                        rest = "";
                        return Some(Piece::Unreadable);
                    }
                }
            }
            let Some(end) = tag_end(body, close) else {
                rest = "";
                return Some(Piece::Unreadable);
            };
            rest = &body[end + 2..];
            let inside = &body[..end];
            return Some(Piece::Tag(inside.strip_prefix('-').unwrap_or(inside)));
        }
    })
}

/// The length of the tag `{% name %}` (with optional `-` and whitespace) that `body`, the
/// text after a `{%`, starts with, if it is that tag.
fn skip_tag(body: &str, name: &str) -> Option<usize> {
    let rest = body.strip_prefix('-').unwrap_or(body);
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let rest = rest.strip_prefix(name)?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let rest = rest.strip_prefix("%}")?;
    Some(body.len() - rest.len())
}

/// Where the text after a `{% raw %}` ends: just after its `{% endraw %}`.
fn raw_end(body: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = body[from..].find("{%") {
        let tag = from + found + 2;
        if let Some(len) = skip_tag(&body[tag..], "endraw") {
            return Some(tag + len);
        }
        from = tag;
    }
    None
}

/// Where `close` ends the tag whose inside starts `body`, outside string literals (in which
/// a backslash escapes the next character); `None` when it never does.
fn tag_end(body: &str, close: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut quote = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if body[i..].starts_with(close) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// A token of a tag, as far as this reading needs.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Ident(&'a str),
    /// A string literal, unescaped as Tera unescapes it.
    Str(Cow<'a, str>),
    /// `...`, which spreads a map into a map literal or a component's arguments.
    Spread,
    /// Any other character; `?.` and `?[` are read as `.` and `[`.
    Punct(char),
}

/// The tokens of the inside of a tag; numbers are read as identifiers, which is harmless.
fn tokens(tag: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = tag.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Token::Ident(&tag[i..end]));
        } else if matches!(c, '"' | '\'' | '`') {
            let start = i + 1;
            let mut end = tag.len();
            let mut escaped = false;
            while let Some((j, d)) = chars.next() {
                if d == c {
                    end = j;
                    break;
                }
                if d == '\\' {
                    escaped = true;
                    chars.next();
                }
            }
            let raw = &tag[start..end];
            out.push(Token::Str(if escaped {
                Cow::Owned(unescape(raw))
            } else {
                Cow::Borrowed(raw)
            }));
        } else if c == '.' && tag[i..].starts_with("...") {
            chars.next();
            chars.next();
            out.push(Token::Spread);
        } else if c == '?' && matches!(chars.peek(), Some(&(_, '.' | '['))) {
            continue;
        } else {
            out.push(Token::Punct(c));
        }
    }
    out
}

/// A string literal's text with Tera's escapes (`\"`, `\'`, `\/`, `\\`, `\n`, `\t`, `\r`)
/// replaced by what they stand for.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Whether the tokens of one tag may read `field` of `var`.
fn reads_in(tokens: &[Token<'_>], var: &str, field: &str) -> bool {
    for (i, token) in tokens.iter().enumerate() {
        let Token::Ident(word) = token else {
            continue;
        };
        if *word == "__tera_context" {
            return true;
        }
        if *word != var {
            continue;
        }
        let before = i.checked_sub(1).map(|k| &tokens[k]);
        // `x.part` is another variable's attribute.
        if before == Some(&Token::Punct('.')) {
            continue;
        }
        let next = tokens.get(i + 1);
        // Only as a tag's first word: `for` is no reserved name in Tera 2, so `<for part />`
        // or `<Label for part />` pass `part` whole to a component.
        let binds = i == 1
            && (matches!(before, Some(Token::Ident(w)) if *w == "for")
                || (matches!(before, Some(Token::Ident(w)) if *w == "set" || *w == "set_global")
                    && next == Some(&Token::Punct('='))
                    && tokens.get(i + 2) != Some(&Token::Punct('='))));
        if binds {
            continue;
        }
        let reads = match (next, tokens.get(i + 2), tokens.get(i + 3)) {
            (Some(Token::Punct('.')), Some(Token::Ident(name)), _) => *name == field,
            (Some(Token::Punct('[')), Some(Token::Str(name)), Some(Token::Punct(']'))) => {
                *name == field
            }
            _ => true,
        };
        if reads {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(templates: &[(&str, &str)]) -> bool {
        may_read_field(templates, &["part.html"], "part", "label")
    }

    #[test]
    fn fields_other_than_the_one_asked_for_are_not_reads() {
        assert!(!reads(&[(
            "part.html",
            "<h{{ part.level }} id=\"{{ part.anchor }}\">{{ page.title }}</h{{ part['level'] }}>{% if part.headless %}x{% endif %}{{ c.label }}{{ kind_label }}"
        )]));
    }

    #[test]
    fn the_field_read_by_name_or_by_key_is_a_read() {
        assert!(reads(&[("part.html", "{{ part.label }}")]));
        assert!(reads(&[(
            "part.html",
            "{% if page.summary and part.label %}x{% endif %}"
        )]));
        assert!(reads(&[("part.html", "{{ part[\"label\"] | upper }}")]));
        assert!(reads(&[("part.html", "{{- part . label -}}")]));
    }

    #[test]
    fn the_variable_used_whole_or_indexed_by_an_expression_may_read_it() {
        assert!(reads(&[("part.html", "{{ part | json_encode }}")]));
        assert!(reads(&[("part.html", "{% set p = part %}{{ p.level }}")]));
        assert!(reads(&[("part.html", "{{ part[key] }}")]));
        assert!(reads(&[("part.html", "{{ __tera_context }}")]));
    }

    #[test]
    fn comments_raw_blocks_and_strings_are_not_reads() {
        assert!(!reads(&[(
            "part.html",
            "{# shows part.label #}{% raw %}{{ part.label }}{% endraw %}{{ \"part.label\" }}<p>part.label</p>{{ part.level }}"
        )]));
        // A `%}` inside a string does not end the tag.
        assert!(reads(&[("part.html", "{% set x = \"%}\" ~ part.label %}")]));
    }

    #[test]
    fn names_bound_by_for_and_set_are_not_reads() {
        assert!(!reads(&[(
            "part.html",
            "{% for part in parts %}{{ loop.index }}{% endfor %}{% set part = 1 %}"
        )]));
    }

    #[test]
    fn included_parents_and_component_templates_are_read_too() {
        let header = ("header.html", "{{ part.label }}");
        assert!(reads(&[
            ("part.html", "{% include \"header.html\" %}"),
            header
        ]));
        assert!(reads(&[
            ("part.html", "{% extends \"header.html\" %}"),
            header
        ]));
        assert!(reads(&[
            ("part.html", "{{ page.title }}"),
            (
                "components.html",
                "{% component Label(@part) %}{{ part.label }}{% endcomponent Label %}"
            )
        ]));
        // A template no root reaches does not count: the document around the parts shows
        // the label itself.
        assert!(!reads(&[("part.html", "{{ part.level }}"), header]));
    }

    /// Whether Tera, rendering `root` of `templates` with a part whose label is `LABEL`,
    /// shows the label: the ground truth the reading must never miss.
    fn tera_shows_label(templates: &[(&str, &str)], root: &str) -> bool {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .unwrap_or_else(|e| panic!("templates load: {e}"));
        let mut context = tera::Context::new();
        context.insert("part", &serde_json::json!({"label": "LABEL", "level": 2}));
        let html = tera
            .render(root, &context)
            .unwrap_or_else(|e| panic!("{root} renders: {e}"));
        html.contains("LABEL")
    }

    /// Asserts that Tera shows the label and that the reading says it may.
    fn caught(templates: &[(&str, &str)]) {
        assert!(
            tera_shows_label(templates, "part.html"),
            "the case does not show the label: {templates:?}"
        );
        assert!(reads(templates), "the reading missed: {templates:?}");
    }

    #[test]
    fn escaped_quotes_do_not_end_a_string_early() {
        caught(&[("part.html", r#"{{ "\"" }}{{ part.label }}"#)]);
        caught(&[("part.html", r#"{{ '\'' }}{{ part.label }}"#)]);
        caught(&[("part.html", r#"{% set x = "\"%}" %}{{ part.label }}"#)]);
    }

    #[test]
    fn escaped_template_names_are_followed() {
        caught(&[
            ("part.html", r#"{% include "partials\/label.html" %}"#),
            ("partials/label.html", "{{ part.label }}"),
        ]);
    }

    #[test]
    fn components_defined_with_whitespace_control_are_read() {
        caught(&[
            ("part.html", "{{ <Label /> }}"),
            (
                "components.html",
                "{%- component Label(@part) -%}{{ part.label }}{%- endcomponent Label -%}",
            ),
        ]);
    }

    #[test]
    fn the_variable_spread_whole_may_read_it() {
        caught(&[("part.html", "{% set p = {...part} %}{{ p.label }}")]);
        caught(&[
            ("part.html", "{{ <Badge {...part} /> }}"),
            (
                "components.html",
                "{% component Badge(label, level) %}{{ label }}{% endcomponent Badge %}",
            ),
        ]);
    }

    #[test]
    fn a_raw_block_ends_at_its_endraw_whatever_it_holds() {
        caught(&[(
            "part.html",
            "{% raw %}{#{% endraw %}{{ part.label }}{# x #}",
        )]);
        caught(&[(
            "part.html",
            "{%- raw -%}{{ x }}{% endraw{%- endraw -%}{{ part.label }}",
        )]);
        assert!(!reads(&[(
            "part.html",
            "{% raw %}{{ part.label }}{%- endraw %}{{ part.level }}"
        )]));
    }

    #[test]
    fn optional_chaining_is_read_like_a_dot() {
        caught(&[("part.html", "{{ part?.label }}")]);
        assert!(!reads(&[("part.html", "{{ part?.level }}{{ x?.part }}")]));
    }

    #[test]
    fn source_the_reading_cannot_follow_may_read() {
        assert!(reads(&[("part.html", "{{ \"unclosed }}")]));
        assert!(reads(&[("part.html", "{{ part.level ")]));
        assert!(reads(&[("part.html", "{% raw %} never closed")]));
    }

    #[test]
    fn a_raw_block_opened_with_two_dashes_is_one() {
        caught(&[("part.html", "{%--raw%}{#{%endraw%}{{ part.label }}")]);
        caught(&[("part.html", "{%--raw%}{{ \"{%endraw%}{{ part.label }}\" }}")]);
        caught(&[
            ("part.html", "{{ <Label /> }}"),
            (
                "components.html",
                "{%--raw%}{#{%endraw%}{% component Label(@part) %}{{ part.label }}{% endcomponent Label %}",
            ),
        ]);
        assert!(reads(&[("part.html", "{{ part.level }}{# never closed")]));
    }

    #[test]
    fn for_is_a_binding_only_as_the_first_word_of_a_tag() {
        caught(&[
            ("part.html", "{{ <for part /> }}"),
            (
                "components.html",
                "{% component for(...rest) %}{{ rest.part.label }}{% endcomponent for %}",
            ),
        ]);
        caught(&[
            ("part.html", "{% <for part> %}x{% </for> %}"),
            (
                "components.html",
                "{% component for(...rest) %}{{ rest.part.label }}{{ body }}{% endcomponent for %}",
            ),
        ]);
        caught(&[
            ("part.html", "{{ <ui.for part /> }}"),
            (
                "components.html",
                "{% component ui.for(...rest) %}{{ rest.part.label }}{% endcomponent ui.for %}",
            ),
        ]);
        caught(&[
            (
                "part.html",
                "{% set for = part.anchor ~ \"-t\" %}{% if part.level == 2 %}{{ <FieldLabel for part /> }}{% endif %}",
            ),
            (
                "components.html",
                "{% component FieldLabel(for, ...attrs) %}<label for=\"{{ for }}\">{{ attrs.part.label }}</label>{% endcomponent FieldLabel %}",
            ),
        ]);
        // Loops and `set` still bind, whitespace control or not.
        assert!(!reads(&[(
            "part.html",
            "{%- for part in parts -%}{{ loop.index }}{% endfor %}{% set_global part = 1 %}"
        )]));
    }

    #[test]
    fn the_default_theme_parts_do_not_read_the_label() {
        let templates = super::super::templates::Templates::load(
            std::path::Path::new("/nonexistent"),
            "default",
        )
        .unwrap_or_else(|_| panic!("the default theme loads"));
        assert!(!templates.may_read_field(
            &super::super::print::PAGE_PART_TEMPLATES,
            "part",
            "label"
        ));
        assert!(templates.may_read_field(&["print.html"], "part", "label"));
    }
}
