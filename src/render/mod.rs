//! Stage 3, **render**: Markdown bodies, shortcodes, charts and Tera templates.

pub mod annexes;
pub mod charts;
pub mod code;
pub mod context;
pub mod format;
pub mod highlight;
pub mod markdown;
pub mod packed;
pub mod pages;
pub mod print;
pub mod rewrite;
pub mod shortcodes;
pub mod template_reads;
pub mod templates;
pub mod urls;
