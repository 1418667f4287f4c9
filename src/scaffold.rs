//! `orebrief init` and `orebrief new`: starting points that build at once.

use std::path::{Path, PathBuf};

/// What `orebrief new` creates.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKind {
    /// A mineral profile in content/minerals/.
    Mineral,
    /// A company profile in content/companies/.
    Company,
    /// A dated brief in content/briefs/.
    Brief,
}

/// Why scaffolding failed.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The target exists.
    #[error("{0} already exists; choose another name or remove it first")]
    Exists(PathBuf),
    /// The id is not valid.
    #[error("{0}")]
    BadId(String),
    /// Writing failed.
    #[error("{0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
}

/// The GitHub Pages workflow that `init` writes and the repo ships.
pub const PAGES_WORKFLOW: &str = include_str!("../.github/workflows/pages.yml");

const SITE_YAML: &str = "title: My Minerals Portal
description: Supply profiles of strategic minerals and the companies that produce them.
base_url: https://example.github.io/my-portal/
theme: default
output_dir: public
language: en
relative_urls: false
profile: public
stale_after_months: 18
sources:
  - { id: usgs-mcs-2025, title: \"USGS Mineral Commodity Summaries 2025\", url: \"https://pubs.usgs.gov/periodicals/mcs2025/mcs2025.pdf\" }
";

const HOME: &str = "---
title: My Minerals Portal
summary: Supply profiles of strategic minerals.
---
Welcome. Add minerals with `orebrief new mineral ID`, companies with `orebrief new company ID`
and briefs with `orebrief new brief ID`, then run `orebrief build`.
";

fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    if path.exists() {
        return Err(ScaffoldError::Exists(path.to_path_buf()));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ScaffoldError::Io(parent.to_path_buf(), e))?;
    }
    std::fs::write(path, text).map_err(|e| ScaffoldError::Io(path.to_path_buf(), e))
}

/// Creates a new site in `dir` (which must not hold a site already).
pub fn init(dir: &Path) -> Result<(), ScaffoldError> {
    if dir.join("site.yaml").exists() {
        return Err(ScaffoldError::Exists(dir.join("site.yaml")));
    }
    write_new(&dir.join("site.yaml"), SITE_YAML)?;
    write_new(&dir.join("content/_index.md"), HOME)?;
    write_new(
        &dir.join("content/minerals/_index.md"),
        "---\ntitle: Minerals\n---\n",
    )?;
    write_new(
        &dir.join("content/minerals/example-mineral.md"),
        &mineral("example-mineral"),
    )?;
    write_new(&dir.join(".github/workflows/pages.yml"), PAGES_WORKFLOW)?;
    // The output, and the previous output while a background process removes it.
    write_new(&dir.join(".gitignore"), "/public/\n/.public.orebrief-*/\n")?;
    Ok(())
}

/// Creates a new page of `kind` with `id` under `root`, returning its path.
pub fn new_page(root: &Path, kind: NewKind, id: &str) -> Result<PathBuf, ScaffoldError> {
    crate::load::check_id(id).map_err(|e| {
        ScaffoldError::BadId(format!(
            "{e}: ids are lower-case letters, digits, `-` and `_`"
        ))
    })?;
    let (folder, text) = match kind {
        NewKind::Mineral => ("minerals", mineral(id)),
        NewKind::Company => ("companies", company(id)),
        NewKind::Brief => ("briefs", brief(id)),
    };
    let path = root.join("content").join(folder).join(format!("{id}.md"));
    write_new(&path, &text)?;
    Ok(path)
}

fn title_of(id: &str) -> String {
    crate::render::pages::title_case(id)
}

fn mineral(id: &str) -> String {
    format!(
        "---
title: {title}
summary: One sentence on what {title} is and why it matters.
tags: []
# as_of: 2025-01
# production:
#   - year: 2024
#     stage: mine
#     unit: t
#     by_country: {{ CN: 100, US: 20 }}
#     source: usgs-mcs-2025
# sources:
#   - {{ id: my-source, title: \"...\", url: \"https://...\" }}
---
Write the profile here. Link other pages by id, as in `[[another-id]]`, and countries by ISO
code, as in [[CN]].
",
        title = title_of(id)
    )
}

fn company(id: &str) -> String {
    format!(
        "---
title: {title}
summary: One sentence on the company.
# country: KR
# facilities:
#   - name: Main plant
#     country: KR
#     products:
#       - {{ mineral: zinc, capacity: 1000, unit: t/yr, source: my-source }}
# sources:
#   - {{ id: my-source, title: \"...\", url: \"https://...\" }}
---
Write the profile here.
",
        title = title_of(id)
    )
}

fn brief(id: &str) -> String {
    let today = crate::build::local_today();
    format!(
        "---
title: {title}
date: {today}
summary: One sentence on what the brief says.
minerals: []
companies: []
countries: []
---
Write the brief here.
",
        title = title_of(id)
    )
}
