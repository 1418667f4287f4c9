//! Syntax highlighting of fenced code with syntect, as CSS classes (`hl-keyword` ...), so
//! themes colour code in their stylesheet. The syntax set is loaded once, lazily, from the
//! dump embedded in syntect, and only when some page has a code block.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The class prefix of highlighted code.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// HTML for a code block in `lang` (a fence's info string; empty for none).
pub fn code_block(code: &str, lang: &str) -> String {
    let token = lang
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("");
    let escaped_lang = escape(token);
    let inner = if token.is_empty() {
        None
    } else {
        highlight(code, token)
    };
    let class = if token.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{escaped_lang}\"")
    };
    match inner {
        Some(html) => format!(
            "<pre class=\"code\" data-lang=\"{escaped_lang}\"><code{class}>{html}</code></pre>\n"
        ),
        None => format!(
            "<pre class=\"code\"><code{class}>{}</code></pre>\n",
            escape(code)
        ),
    }
}

fn highlight(code: &str, token: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(token)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// Escapes text for HTML content.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("let x = 1;\n", "rust");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("language-rust"));
    }

    #[test]
    fn unknown_languages_are_escaped_plain_text() {
        let html = code_block("<script>\n", "nosuchlang");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }
}
