//! Tera templates: the theme (built in, or from `themes/<name>/`), overridden by the site's
//! `templates/`, with orebrief's filters registered.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tera::{Kwargs, State, Tera};

use super::format;
use crate::diagnostics::Diagnostic;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// The loaded templates, and where each came from (for error messages).
pub struct Templates {
    /// The Tera instance.
    pub tera: Tera,
    /// Template name -> the file it came from, as shown to users.
    pub origins: HashMap<String, PathBuf>,
    /// Static files of the theme: (path inside `static/`, contents), embedded or read.
    pub theme_static: Vec<(String, Vec<u8>)>,
    /// Every template: (name, Tera source), for [`Templates::may_read_field`].
    sources: Vec<(String, String)>,
}

impl Templates {
    /// Loads the theme named in `theme` and the overrides under `root/templates`.
    pub fn load(root: &Path, theme: &str) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: Vec<(String, String, PathBuf)> = Vec::new();
        let mut theme_static = Vec::new();
        let theme_dir = root.join("themes").join(theme);
        if theme_dir.is_dir() {
            read_tree(
                &theme_dir.join("templates"),
                &Path::new("themes").join(theme).join("templates"),
                &mut |name, text, shown| {
                    sources.push((name, text, shown));
                },
            )?;
            let static_dir = theme_dir.join("static");
            if static_dir.is_dir() {
                for entry in walkdir::WalkDir::new(&static_dir)
                    .follow_links(false)
                    .into_iter()
                    .flatten()
                {
                    if entry.file_type().is_file() {
                        let rel = entry
                            .path()
                            .strip_prefix(&static_dir)
                            .unwrap_or(entry.path())
                            .to_string_lossy()
                            .replace('\\', "/");
                        let bytes = std::fs::read(entry.path()).map_err(|e| {
                            vec![Diagnostic::error(
                                entry.path(),
                                0,
                                0,
                                format!("cannot read: {e}"),
                            )]
                        })?;
                        theme_static.push((rel, bytes));
                    }
                }
            }
        } else if theme == "default" {
            for (path, bytes) in DEFAULT_THEME {
                if let Some(name) = path.strip_prefix("templates/") {
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    sources.push((
                        name.to_string(),
                        text,
                        PathBuf::from(format!("(built-in theme)/templates/{name}")),
                    ));
                } else if let Some(rel) = path.strip_prefix("static/") {
                    theme_static.push((rel.to_string(), bytes.to_vec()));
                }
            }
        } else {
            return Err(vec![
                Diagnostic::error(
                    "site.yaml",
                    0,
                    0,
                    format!("theme `{theme}` not found: no folder themes/{theme}/"),
                )
                .with_hint("use `theme: default` (built in), or add the theme under themes/"),
            ]);
        }
        read_tree(
            &root.join("templates"),
            Path::new("templates"),
            &mut |name, text, shown| {
                sources.retain(|(n, _, _)| *n != name);
                sources.push((name, text, shown));
            },
        )?;
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        register_filters(&mut tera);
        let origins: HashMap<String, PathBuf> = sources
            .iter()
            .map(|(n, _, p)| (n.clone(), p.clone()))
            .collect();
        tera.add_raw_templates(sources.iter().map(|(n, t, _)| (n.as_str(), t.as_str())))
            .map_err(|e| vec![template_error(&e, &origins)])?;
        Ok(Templates {
            tera,
            origins,
            theme_static,
            sources: sources.into_iter().map(|(n, t, _)| (n, t)).collect(),
        })
    }

    /// Whether the templates `roots`, or those they include, extend or call, may read
    /// `field` of the context variable `var` ([`super::template_reads`]).
    pub fn may_read_field(&self, roots: &[&str], var: &str, field: &str) -> bool {
        let sources: Vec<(&str, &str)> = self
            .sources
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        super::template_reads::may_read_field(&sources, roots, var, field)
    }

    /// Renders `name`, turning a Tera error into a diagnostic that names the template file.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|e| template_error(&e, &self.origins))
    }

    /// Whether a template exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }
}

/// Reads every file under `dir` as a template named by its path relative to `dir`.
fn read_tree(
    dir: &Path,
    shown: &Path,
    add: &mut dyn FnMut(String, String, PathBuf),
) -> Result<(), Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut errors = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file()
            || crate::load::walk::is_ignored(&entry.file_name().to_string_lossy())
        {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel.to_string_lossy().replace('\\', "/");
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => add(name, text, shown.join(rel)),
            Err(e) => errors.push(Diagnostic::error(
                shown.join(rel),
                0,
                0,
                format!("cannot read template: {e}"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A Tera error as a diagnostic at the template's file, line and column.
pub fn template_error(e: &tera::Error, origins: &HashMap<String, PathBuf>) -> Diagnostic {
    use std::error::Error as _;
    let file_of = |name: &str| {
        origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    match e.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut message = report.message().to_string();
            if let Some(source) = e.source() {
                message = format!("{message}: {source}");
            }
            Diagnostic::error(
                file_of(report.filename()),
                span.start_line,
                span.start_col + 1,
                message,
            )
            .with_hint(
                "fix the template; see docs/templates.md for the variables each template gets",
            )
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            file_of(current),
            0,
            0,
            format!("extends `{parent}`, which does not exist"),
        ),
        tera::ErrorKind::TemplateNotFound(name) => Diagnostic::error(
            PathBuf::from("templates").join(name),
            0,
            0,
            format!("template `{name}` not found"),
        )
        .with_hint("the theme must provide it, or the site's templates/ folder"),
        other => Diagnostic::error("templates", 0, 0, other.to_string()),
    }
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter(
        "num",
        |value: f64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let decimals = kwargs.get::<i64>("decimals")?.unwrap_or(2).clamp(0, 12) as usize;
            Ok(format::number(value, decimals))
        },
    );
    tera.register_filter(
        "pct",
        |value: f64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let decimals = kwargs.get::<i64>("decimals")?.unwrap_or(1).clamp(0, 12) as usize;
            Ok(format::percent(value, decimals))
        },
    );
}
