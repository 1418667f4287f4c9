//! `orebrief pdf BRIEF_ID`: a brief and its annexes as a PDF, by building the site with
//! relative links into a temporary folder and printing `briefs/<id>/print/` with headless
//! Chromium (or Chrome).
//!
//! The browser is `$OREBRIEF_CHROMIUM` when set, else the first of `chromium`,
//! `chromium-browser`, `google-chrome` and `google-chrome-stable` on `PATH`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, configure};
use crate::config::Profile;
use crate::model::Kind;
use crate::render::print::brief_print_path;

/// The environment variable naming the browser to use.
pub const BROWSER_VAR: &str = "OREBRIEF_CHROMIUM";

/// Browser names looked for on `PATH`, in order.
pub const BROWSER_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long the browser may take to print.
const TIMEOUT: Duration = Duration::from_secs(180);

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No browser on `PATH` and none named by `OREBRIEF_CHROMIUM`.
    #[error(
        "no Chromium or Chrome found (looked for {} on PATH): install Chromium (Debian or Ubuntu: `sudo apt-get install chromium`), or set {BROWSER_VAR} to the path of a Chromium or Chrome binary",
        BROWSER_NAMES.join(", ")
    )]
    NoBrowser,
    /// `OREBRIEF_CHROMIUM` names something that cannot be run.
    #[error(
        "{BROWSER_VAR} is set to `{0}`, which is not an executable file: set it to the path of a Chromium or Chrome binary, or unset it to search PATH"
    )]
    BadBrowser(PathBuf),
    /// No brief with that id is in this build.
    #[error("{message}")]
    UnknownBrief {
        /// The id asked for.
        id: String,
        /// Ids of briefs in the build, nearest first.
        near: Vec<String>,
        /// The whole message.
        message: String,
    },
    /// The site did not build (its diagnostics say why).
    #[error("the site did not build: {0}")]
    Build(#[source] crate::Error),
    /// The build did not write the print page.
    #[error("the build wrote no print page at {0}")]
    NoPrintPage(PathBuf),
    /// The browser failed.
    #[error("{browser} failed to print ({status}){}", if .log.is_empty() { String::new() } else { format!(":\n{}", .log) })]
    Browser {
        /// The browser run.
        browser: PathBuf,
        /// How it ended.
        status: String,
        /// The end of its error output.
        log: String,
    },
    /// The browser took too long.
    #[error("{0} did not finish printing within {1} seconds")]
    Timeout(PathBuf, u64),
    /// Reading or writing a file failed.
    #[error("{0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
}

/// Finds the browser: `$OREBRIEF_CHROMIUM`, else a known name on `PATH`.
pub fn find_browser() -> Result<PathBuf, PdfError> {
    if let Some(value) = std::env::var_os(BROWSER_VAR).filter(|v| !v.is_empty()) {
        let named = PathBuf::from(&value);
        if named.components().count() == 1 {
            if let Some(found) = on_path(&value.to_string_lossy()) {
                return Ok(found);
            }
        }
        return if is_executable(&named) {
            Ok(named)
        } else {
            Err(PdfError::BadBrowser(named))
        };
    }
    BROWSER_NAMES
        .iter()
        .find_map(|name| on_path(name))
        .ok_or(PdfError::NoBrowser)
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// A folder removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, PdfError> {
        let base = std::env::temp_dir();
        for attempt in 0..100u32 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let dir = base.join(format!(
                "orebrief-pdf-{}-{nanos:x}-{attempt}",
                std::process::id()
            ));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(PdfError::Io(dir, e)),
            }
        }
        Err(PdfError::Io(
            base,
            std::io::Error::other("cannot create a temporary folder"),
        ))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Builds the site of `options` with relative links into a temporary folder and prints the
/// printable version of brief `id` to `output` with headless Chromium.
pub fn brief_pdf(options: &BuildOptions, id: &str, output: &Path) -> Result<PathBuf, PdfError> {
    let path = brief_site_path(options, id)?;
    let browser = find_browser()?;
    let tmp = TempDir::new()?;
    let mut opts = options.clone();
    opts.output_dir = Some(tmp.0.join("site"));
    opts.relative_urls = Some(true);
    opts.inject = None;
    let report = crate::build(&opts).map_err(PdfError::Build)?;
    let site = report.output.unwrap_or_else(|| tmp.0.join("site"));
    let page = site.join(brief_print_path(&path)).join("index.html");
    if !page.is_file() {
        return Err(PdfError::NoPrintPage(page));
    }
    let pdf = tmp.0.join("brief.pdf");
    print_to_pdf(&browser, &file_url(&page), &pdf, &tmp.0.join("profile"))?;
    let output = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| PdfError::Io(output.to_path_buf(), e))?
            .join(output)
    };
    if let Some(parent) = output.parent() {
        std::fs::create_dir_all(parent).map_err(|e| PdfError::Io(parent.to_path_buf(), e))?;
    }
    std::fs::copy(&pdf, &output).map_err(|e| PdfError::Io(output.clone(), e))?;
    Ok(output)
}

/// The site path of brief `id` in the build `options` describe, or why there is none.
fn brief_site_path(options: &BuildOptions, id: &str) -> Result<String, PdfError> {
    let config = configure(options).map_err(PdfError::Build)?;
    let loaded = crate::load::load(&options.root);
    let included = |p: &crate::model::Page| {
        (options.drafts || p.meta.draft != Some(true))
            && (config.profile == Profile::Internal || !p.is_internal())
    };
    let mut briefs: Vec<&crate::model::Page> = loaded
        .pages
        .iter()
        .filter(|p| p.kind == Kind::Brief && included(p))
        .collect();
    let wanted = id.trim().to_lowercase();
    if let Some(page) = briefs.iter().find(|p| p.id == wanted) {
        return Ok(page.path.clone());
    }
    let mut message = format!("no brief `{id}` in this build");
    if let Some(page) = loaded.pages.iter().find(|p| p.id == wanted) {
        if page.kind != Kind::Brief {
            message = format!(
                "`{id}` is a {} ({}), not a brief",
                page.kind,
                page.file.display()
            );
        } else if page.meta.draft == Some(true) && !options.drafts {
            message = format!(
                "brief `{id}` ({}) is a draft: pass --drafts to include it",
                page.file.display()
            );
        } else if page.is_internal() {
            message = format!(
                "brief `{id}` ({}) is internal: pass --profile internal to include it",
                page.file.display()
            );
        }
    }
    briefs.sort_by(|a, b| {
        strsim::jaro_winkler(&wanted, &b.id)
            .total_cmp(&strsim::jaro_winkler(&wanted, &a.id))
            .then_with(|| a.id.cmp(&b.id))
    });
    let close: Vec<String> = briefs
        .iter()
        .filter(|p| strsim::jaro_winkler(&wanted, &p.id) >= 0.7 || p.id.contains(&wanted))
        .take(5)
        .map(|p| p.id.clone())
        .collect();
    let near = if close.is_empty() {
        briefs.iter().take(10).map(|p| p.id.clone()).collect()
    } else {
        close.clone()
    };
    if near.is_empty() {
        message.push_str("; the build has no briefs");
    } else if !close.is_empty() {
        message.push_str(&format!(
            "; did you mean {}?",
            close
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    } else {
        message.push_str(&format!(
            "; briefs in this build: {}{}",
            near.join(", "),
            if briefs.len() > near.len() {
                ", ..."
            } else {
                ""
            }
        ));
    }
    Err(PdfError::UnknownBrief {
        id: id.to_string(),
        near,
        message,
    })
}

/// `file:///...` for an absolute path, with the bytes a URL path cannot hold escaped.
pub fn file_url(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from("file://");
    if !text.starts_with('/') {
        url.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// The arguments that make Chromium print `url` to `pdf` and quit, with a fresh profile in
/// `profile` and no network activity of its own.
pub fn print_args(url: &str, pdf: &Path, profile: &Path) -> Vec<String> {
    vec![
        "--headless".into(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        format!("--user-data-dir={}", profile.display()),
        "--no-pdf-header-footer".into(),
        format!("--print-to-pdf={}", pdf.display()),
        url.into(),
    ]
}

/// Prints `url` to `pdf` with `browser`.
pub fn print_to_pdf(browser: &Path, url: &str, pdf: &Path, profile: &Path) -> Result<(), PdfError> {
    std::fs::create_dir_all(profile).map_err(|e| PdfError::Io(profile.to_path_buf(), e))?;
    let log_path = profile.with_extension("log");
    let log = std::fs::File::create(&log_path).map_err(|e| PdfError::Io(log_path.clone(), e))?;
    let mut child = Command::new(browser)
        .args(print_args(url, pdf, profile))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| PdfError::Io(browser.to_path_buf(), e))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PdfError::Timeout(browser.to_path_buf(), TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(PdfError::Io(browser.to_path_buf(), e)),
        }
    };
    let printed = std::fs::read(pdf)
        .map(|bytes| bytes.starts_with(b"%PDF"))
        .unwrap_or(false);
    if status.success() && printed {
        return Ok(());
    }
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("dbus") && !l.trim().is_empty())
        .collect();
    let tail = lines[lines.len().saturating_sub(12)..].join("\n");
    Err(PdfError::Browser {
        browser: browser.to_path_buf(),
        status: if status.success() {
            "no PDF written".to_string()
        } else {
            status.to_string()
        },
        log: tail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_escape_spaces() {
        assert_eq!(
            file_url(Path::new("/no/such dir/a#b.html")),
            "file:///no/such%20dir/a%23b.html"
        );
    }

    #[test]
    fn print_arguments_name_the_output_and_the_profile() {
        let args = print_args("file:///x.html", Path::new("/t/o.pdf"), Path::new("/t/p"));
        assert!(args.contains(&"--print-to-pdf=/t/o.pdf".to_string()));
        assert!(args.contains(&"--user-data-dir=/t/p".to_string()));
        assert!(args.contains(&"--no-pdf-header-footer".to_string()));
        assert_eq!(args.last().map(String::as_str), Some("file:///x.html"));
    }
}
