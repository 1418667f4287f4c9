//! `site.yaml`: the site configuration.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::load::yaml;
use crate::model::Source;

/// Which material a build includes (see "Visibility" in the content model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The public portal: everything internal is left out of every output file.
    #[default]
    Public,
    /// The internal wiki: internal pages, data and body blocks included and marked.
    Internal,
}

impl Profile {
    /// `public` or `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Public => "public",
            Profile::Internal => "internal",
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "public" => Ok(Profile::Public),
            "internal" => Ok(Profile::Internal),
            other => Err(format!(
                "unknown profile `{other}` (expected `public` or `internal`)"
            )),
        }
    }
}

/// Markdown options.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Whether raw HTML in Markdown bodies is passed through (default) or escaped.
    #[serde(default = "yes")]
    pub raw_html: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig { raw_html: true }
    }
}

fn yes() -> bool {
    true
}

fn default_theme() -> String {
    "default".into()
}

fn default_output() -> PathBuf {
    PathBuf::from("public")
}

fn default_language() -> String {
    "en".into()
}

fn default_stale() -> u32 {
    18
}

/// The contents of `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The portal's title.
    pub title: String,
    /// One sentence on what the portal is.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the site is published; may carry a sub-path. Links are made against it.
    #[serde(default)]
    pub base_url: String,
    /// Theme name: `default` is built in.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Output folder, relative to the site root.
    #[serde(default = "default_output")]
    pub output_dir: PathBuf,
    /// Language code for `<html lang>`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Make every link relative, so the output can be browsed from `file://`.
    #[serde(default)]
    pub relative_urls: bool,
    /// `public` or `internal`.
    #[serde(default)]
    pub profile: Profile,
    /// Custom domain for GitHub Pages: written to `CNAME`.
    #[serde(default)]
    pub cname: Option<String>,
    /// Figures older than this many months (by `as_of`) are flagged.
    #[serde(default = "default_stale")]
    pub stale_after_months: u32,
    /// Sources cited by many pages.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Markdown options.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

/// Names the fields of `site.yaml`, for suggestions.
pub const FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "theme",
    "output_dir",
    "language",
    "relative_urls",
    "profile",
    "cname",
    "stale_after_months",
    "sources",
    "markdown",
    "extra",
];

impl SiteConfig {
    /// Reads and checks `site.yaml` under `root`.
    pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let path = root.join("site.yaml");
        let shown = PathBuf::from("site.yaml");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(vec![
                    Diagnostic::error(&shown, 0, 0, "no site.yaml in the site root").with_hint(
                        "run `orebrief init DIR` to start a site, or pass --root to point at one",
                    ),
                ]);
            }
            Err(e) => {
                return Err(vec![Diagnostic::error(
                    &shown,
                    0,
                    0,
                    format!("cannot read site.yaml: {e}"),
                )]);
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let config: SiteConfig = yaml::parse(text, &shown, 0, FIELDS).map_err(|d| vec![d])?;
        let mut errors = Vec::new();
        let scheme_ok = ["http://", "https://", "/"]
            .iter()
            .any(|p| config.base_url.starts_with(p));
        if !config.base_url.is_empty() && !scheme_ok {
            let (line, col) = yaml::locate(text, &[yaml::Seg::Key("base_url")]).unwrap_or((0, 0));
            errors.push(
                Diagnostic::error(
                    &shown,
                    line,
                    col,
                    format!("base_url `{}` is not an http(s) URL", config.base_url),
                )
                .with_hint("write it as https://host/sub-path/"),
            );
        }
        for (i, source) in config.sources.iter().enumerate() {
            if let Err(msg) = crate::model::check_url(&source.url) {
                let (line, col) = yaml::locate(
                    text,
                    &[
                        yaml::Seg::Key("sources"),
                        yaml::Seg::Index(i),
                        yaml::Seg::Key("url"),
                    ],
                )
                .unwrap_or((0, 0));
                errors.push(
                    Diagnostic::error(&shown, line, col, msg)
                        .with_hint("use an http(s) or relative URL"),
                );
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// The base URL with exactly one trailing slash (`/` when none is set).
    pub fn base_url(&self) -> String {
        let trimmed = self.base_url.trim_end_matches('/');
        format!("{trimmed}/")
    }
}
