//! # orebrief
//!
//! A static site generator for critical-minerals briefing portals. A build runs four stages,
//! one module each:
//!
//! 1. [`load`]: walk `content/`, split and parse front matter into typed [`model::Page`]s;
//! 2. [`resolve`]: one graph of minerals, companies, countries, briefs and links, with the
//!    computed supply metrics;
//! 3. [`render`]: Markdown, shortcodes, charts and Tera templates;
//! 4. [`write`](mod@write): HTML, data exports, feeds, search and print pages, swapped in
//!    atomically.
//!
//! [`build`](mod@build) ties them together; [`config`] reads `site.yaml`; [`diagnostics`]
//! carries every error and warning with its file, line and column.
//! [`serve`] previews a site over HTTP with incremental rebuilds and live reload.

pub mod build;
pub mod config;
pub mod diagnostics;
pub mod load;
pub mod model;
pub mod pdf;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod write;

pub use build::{BuildOptions, BuildReport, Error, build, check};
