//! Code blocks in a rendered body. The Markdown renderer writes a mark where each fenced or
//! indented code block goes ([`mark`]) and keeps the block's code and language
//! ([`CodeBlock`]); the body's highlighted blocks replace the marks ([`fill`]) once the rest
//! of its HTML is done (shortcodes, internal blocks, links to the root). So code is never
//! rewritten as the body's HTML is (a `$orebrief-root$` in code is written with a character
//! reference, which the links to the root made later leave be), and a build can leave the
//! highlighting of a body for later: while the highlighter still compiles a language's
//! expressions at the start of a build, the bodies keep their marks and the outputs that
//! need no body go ahead (see [`super::pages::RenderedBody::html`]).

use std::sync::LazyLock;

use super::highlight;
use super::urls::ROOT_MARK;

/// A code block of a body: its code and its fence's info string (empty for none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeBlock {
    /// The code.
    pub code: String,
    /// The info string; its first word names the language.
    pub lang: String,
}

impl CodeBlock {
    /// Whether the block names a language, and so goes through the highlighter.
    pub fn names_language(&self) -> bool {
        !highlight::language_token(&self.lang).is_empty()
    }
}

/// The start of every mark: a word no text can hold by chance, as it carries a number drawn
/// afresh by each process. Marks never reach an output: [`fill`] replaces them all.
static PREFIX: LazyLock<String> = LazyLock::new(|| {
    use std::hash::BuildHasher;
    let nonce = std::collections::hash_map::RandomState::new().hash_one(0u8);
    format!("orebriefcode{nonce:016x}n")
});

/// The mark of a body's code block `n`. The renderer writes it with a line break after it,
/// which [`fill`] replaces along with the mark (a highlighted block ends with its own).
pub fn mark(n: usize) -> String {
    format!("{}{n}x", *PREFIX)
}

/// `html` with the mark of each of `blocks` replaced by the block, highlighted.
pub fn fill(html: &str, blocks: &[CodeBlock]) -> String {
    if blocks.is_empty() {
        return html.to_string();
    }
    let highlighted: Vec<String> = blocks
        .iter()
        .map(|b| {
            let html = highlight::code_block(&b.code, &b.lang);
            // Links to the root are made where a body is shown (`PackedHtml::rooted`): code
            // showing the mark keeps it, its `$` written as a character reference.
            if html.contains(ROOT_MARK) {
                html.replace(ROOT_MARK, &ROOT_MARK.replacen('$', "&#36;", 1))
            } else {
                html
            }
        })
        .collect();
    let extra: usize = highlighted.iter().map(String::len).sum();
    // A mark takes its line break with it.
    replace_numbered(html, &PREFIX, extra, "\n", |n| {
        highlighted.get(n).map(String::as_str)
    })
}

/// `text` with each `WORD<n>x` (`word`, a number, `x`) for which `with(n)` gives a
/// replacement replaced by it, and `then` right after it, when there, taken with it; other
/// occurrences of the word stay as they are. `extra`: the bytes the replacements may add.
pub(super) fn replace_numbered<'r>(
    text: &str,
    word: &str,
    extra: usize,
    then: &str,
    mut with: impl FnMut(usize) -> Option<&'r str>,
) -> String {
    let mut out = String::with_capacity(text.len() + extra);
    let mut rest = text;
    let finder = memchr::memmem::Finder::new(word);
    while let Some(at) = finder.find(rest.as_bytes()) {
        let after = &rest[at + word.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let replacement = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with('x'))
            .and_then(&mut with);
        out.push_str(&rest[..at]);
        match replacement {
            Some(replacement) => {
                out.push_str(replacement);
                rest = &after[digits + 1..];
                rest = rest.strip_prefix(then).unwrap_or(rest);
            }
            None => {
                out.push_str(word);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(code: &str, lang: &str) -> CodeBlock {
        CodeBlock {
            code: code.into(),
            lang: lang.into(),
        }
    }

    #[test]
    fn marks_are_replaced_by_their_blocks_in_any_order() {
        let blocks = [block("a: 1\n", "yaml"), block("x < y\n", "")];
        let html = format!("<p>one</p>\n{}<p>two</p>\n{}", mark(1), mark(0));
        let filled = fill(&html, &blocks);
        assert_eq!(
            filled,
            format!(
                "<p>one</p>\n{}<p>two</p>\n{}",
                highlight::code_block("x < y\n", ""),
                highlight::code_block("a: 1\n", "yaml")
            )
        );
        assert!(filled.contains("<pre class=\"code\"><code>x &lt; y\n</code></pre>"));
        assert!(!filled.contains(PREFIX.as_str()));
    }

    #[test]
    fn a_mark_takes_its_line_break_with_it() {
        let blocks = [block("a\n", "")];
        let html = format!("<p>x</p>\n{}\n<p>y</p>\n", mark(0));
        assert_eq!(
            fill(&html, &blocks),
            "<p>x</p>\n<pre class=\"code\"><code>a\n</code></pre>\n<p>y</p>\n"
        );
    }

    #[test]
    fn code_showing_the_root_mark_keeps_it() {
        let blocks = [block("see $orebrief-root$ here\n", "")];
        let filled = fill(&mark(0), &blocks);
        assert!(filled.contains("see &#36;orebrief-root$ here"), "{filled}");
        assert!(!filled.contains(ROOT_MARK));
    }

    #[test]
    fn words_like_a_mark_that_are_not_one_stay() {
        let blocks = [block("a\n", "")];
        for text in [
            PREFIX.to_string(),
            format!("{}7x", *PREFIX),
            format!("{}0", *PREFIX),
            "orebriefcode0n0x".to_string(),
        ] {
            assert_eq!(fill(&text, &blocks), text, "{text}");
        }
    }

    #[test]
    fn the_prefix_is_drawn_per_process_and_looks_like_no_word() {
        assert!(PREFIX.starts_with("orebriefcode") && PREFIX.ends_with('n'));
        assert_eq!(PREFIX.len(), "orebriefcode".len() + 16 + 1);
        assert_eq!(mark(12), format!("{}12x", *PREFIX));
    }

    #[test]
    fn only_blocks_with_a_language_are_highlighted() {
        assert!(block("", "yaml").names_language());
        assert!(block("", "rust,ignore").names_language());
        assert!(!block("", "").names_language());
        assert!(!block("", "  ").names_language());
    }
}
