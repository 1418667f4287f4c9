//! Stage 1, **load**: walk `content/`, split each file into front matter and body, and parse
//! the front matter into typed [`Page`]s. Files are read and parsed in parallel.

pub mod history;
pub mod readahead;
pub mod split;
pub mod walk;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{self, Diagnostic};
use crate::model::{FrontMatter, Kind, Page};
use split::SplitError;
use yaml::Seg;

/// Everything the load stage produced.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Pages that parsed, in path order.
    pub pages: Vec<Page>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// Ids of files that failed to parse, so later stages do not also call them unknown.
    pub failed: Vec<(String, PathBuf)>,
    /// How the files were read ([`readahead::Reading`]).
    pub reading: readahead::Reading,
    /// The site root the files were read from.
    pub root: PathBuf,
    /// The pages (indices into `pages`, in order) whose bodies hold a code fence (```` ``` ````
    /// or `~~~`), for the highlighter's warm-up.
    pub fenced: Vec<usize>,
}

/// Where the load stage keeps the pages' Markdown bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// In [`Page::body`] (`serve`, which renders them again on edits).
    InMemory,
    /// On disk: [`Page::body`] is left empty and [`read_body`] reads it again when it is
    /// rendered. Held together, the bodies of the generator's 12k-page portal take 66 MB
    /// (docs/benchmarks.md, "Memory"); left on disk, the RSS after loading it fell from 198
    /// to 133 MiB. Read again one at a time, they cost a copy from the page cache each.
    OnDisk,
}

/// Loads every content file under `root`, with the bodies in memory.
pub fn load(root: &Path) -> Loaded {
    load_bodies(root, Bodies::InMemory)
}

/// Loads every content file under `root`, its bodies kept as `bodies` says.
pub fn load_bodies(root: &Path, bodies: Bodies) -> Loaded {
    load_with(root, readahead::SLOW_READ, bodies)
}

/// [`load_bodies`], with `slow_read` for [`readahead::SLOW_READ`] (tests force the read-ahead).
fn load_with(root: &Path, slow_read: std::time::Duration, bodies: Bodies) -> Loaded {
    let (files, mut diagnostics) = walk::content_files(root);
    let (results, reading) = readahead::parse_all_with(root, &files, slow_read, |file| {
        load_file_as(root, file, bodies)
    });
    let mut pages = Vec::with_capacity(results.len());
    let mut failed = Vec::new();
    let mut fenced = Vec::new();
    for (result, file) in results.into_iter().zip(&files) {
        match result {
            Ok((page, has_fence)) => {
                if has_fence {
                    fenced.push(pages.len());
                }
                pages.push(page);
            }
            Err(mut errors) => {
                diagnostics.append(&mut errors);
                let stem = file
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                failed.push((stem, file.clone()));
            }
        }
    }
    check_unique(&pages, &mut diagnostics);
    Loaded {
        pages,
        diagnostics,
        failed,
        reading,
        root: root.to_path_buf(),
        fenced,
    }
}

/// The largest content file read, in bytes (10 MiB): far above any real page, and small
/// enough that a runaway file (a pasted data dump, a log) fails fast with a clear error.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads and parses one file (`file` is relative to `root`).
pub fn load_file(root: &Path, file: &Path) -> Result<Page, Vec<Diagnostic>> {
    load_file_as(root, file, Bodies::InMemory).map(|(page, _)| page)
}

/// [`load_file`], keeping the body as `bodies` says; also tells whether the body holds a
/// code fence.
fn load_file_as(root: &Path, file: &Path, bodies: Bodies) -> Result<(Page, bool), Vec<Diagnostic>> {
    let text = read_text(root, file)?;
    // Of the whole text: a fence in the front matter only adds a page for the warm-up to
    // look at.
    let has_fence = text.contains("```") || text.contains("~~~");
    let mut page = parse_page_as(file, &text, bodies)?;
    if bodies == Bodies::OnDisk {
        page.body_on_disk = Some(text_hash(&text));
    }
    Ok((page, has_fence))
}

/// Reads the body of `page` (loaded from under `root`): the one it holds, or, when it was
/// left on disk, its file's again, provided the file did not change since it was loaded.
pub fn read_body(root: &Path, page: &Page) -> Result<String, Diagnostic> {
    let Some(hash) = page.body_on_disk else {
        return Ok(page.body.clone());
    };
    let changed = || {
        Diagnostic::error(
            &page.file,
            0,
            0,
            "the file changed while the site was being built",
        )
        .with_hint("build again once the file is saved")
    };
    let text = read_text(root, &page.file).map_err(|_| changed())?;
    if text_hash(&text) != hash {
        return Err(changed());
    }
    Ok(split::split(&text).map_err(|_| changed())?.body.to_string())
}

/// A hash of a file's text, to tell whether it changed.
fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Reads a content file's text (`file` is relative to `root`): UTF-8, without BOM, with LF
/// line ends, at most [`MAX_FILE_BYTES`].
fn read_text(root: &Path, file: &Path) -> Result<String, Vec<Diagnostic>> {
    let bytes = read_limited(&root.join(file))
        .map_err(|e| vec![Diagnostic::error(file, 0, 0, format!("cannot read: {e}"))])?
        .ok_or_else(|| {
            vec![
                Diagnostic::error(
                    file,
                    0,
                    0,
                    format!(
                        "the file is larger than {} MiB, the most a content file may hold",
                        MAX_FILE_BYTES / (1024 * 1024)
                    ),
                )
                .with_hint("split it into several pages; data belongs in front matter or CSV"),
            ]
        })?;
    decode(file, bytes).map_err(|d| vec![d])
}

/// Reads `path` whole, or `None` when it holds more than [`MAX_FILE_BYTES`].
fn read_limited(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// Decodes a file's bytes as UTF-8 (with or without BOM), with LF line ends.
pub fn decode(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column) = diagnostics::line_col(std::str::from_utf8(&bytes[..valid]).unwrap_or(""), valid);
        Diagnostic::error(file, line, column, "the file is not valid UTF-8").with_hint("save it as UTF-8 (text pasted from PDFs and spreadsheets is often Latin-1 or Windows-1252)")
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// Parses a file's text into a page.
pub fn parse_page(file: &Path, text: &str) -> Result<Page, Vec<Diagnostic>> {
    parse_page_as(file, text, Bodies::InMemory)
}

/// [`parse_page`], copying the body into the page only if `bodies` keeps it in memory.
fn parse_page_as(file: &Path, text: &str, bodies: Bodies) -> Result<Page, Vec<Diagnostic>> {
    let parts = split::split(text).map_err(|e| {
        let (message, hint, line) = match e {
            SplitError::Empty => (
                "the file is empty",
                "start it with front matter: a line `---`, `title: ...`, and a line `---`",
                1,
            ),
            SplitError::NoFrontMatter => (
                "the file does not start with front matter",
                "put a line `---` first, then YAML fields such as `title: ...`, then a line `---`",
                1,
            ),
            SplitError::Unterminated => (
                "the front matter is not closed",
                "add a line `---` after the last front-matter field",
                1,
            ),
        };
        vec![Diagnostic::error(file, line, 1, message).with_hint(hint)]
    })?;
    let (section, stem, depth) = place(file);
    let is_index = stem == "_index";
    if is_index && depth > 1 {
        // Sections are the top folders of content/; sub-folders only group files.
        return Err(vec![
            Diagnostic::error(
                file,
                1,
                1,
                format!("an `_index.md` in a sub-folder of content/{section}/: sub-folders only group files and have no list page"),
            )
            .with_hint(format!(
                "move its title and text into content/{section}/_index.md, or rename it to make it a page"
            )),
        ]);
    }
    let folder_kind = if is_index {
        if section.is_empty() {
            Kind::Home
        } else {
            Kind::Section
        }
    } else if depth == 0 {
        Kind::Page
    } else {
        Kind::from_folder(&section)
    };
    let meta: FrontMatter = if parts.yaml.trim().is_empty() {
        FrontMatter::default()
    } else {
        yaml::parse(
            parts.yaml,
            file,
            parts.yaml_line - 1,
            &folder_kind.fields().collect::<Vec<_>>(),
        )
        .map_err(|d| vec![d])?
    };
    let mut errors = Vec::new();
    let at = |path: &[Seg<'_>]| {
        yaml::locate_key(parts.yaml, path).map_or((1, 1), |(l, c)| (l + parts.yaml_line - 1, c))
    };
    let kind = match (&meta.kind, folder_kind) {
        (Some(name), Kind::Mineral | Kind::Company | Kind::Brief | Kind::Country | Kind::Page) => {
            match Kind::from_name(name) {
                Some(kind) => kind,
                None => {
                    let (line, col) = yaml::locate(parts.yaml, &[Seg::Key("kind")])
                        .map_or((1, 1), |(l, c)| (l + parts.yaml_line - 1, c));
                    let hint = match diagnostics::nearest(name, Kind::NAMES.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("kinds are: {}", Kind::NAMES.join(", ")),
                    };
                    errors.push(
                        Diagnostic::error(file, line, col, format!("unknown kind `{name}`"))
                            .with_hint(hint),
                    );
                    folder_kind
                }
            }
        }
        (Some(_), _) => {
            let (line, col) = at(&[Seg::Key("kind")]);
            errors.push(
                Diagnostic::error(
                    file,
                    line,
                    col,
                    "`kind` cannot be set on an `_index.md` file",
                )
                .with_hint("remove it: an _index.md describes its section"),
            );
            folder_kind
        }
        (None, kind) => kind,
    };
    for field in meta.fields_set() {
        if !kind.accepts(field) {
            let (line, col) = at(&[Seg::Key(field)]);
            let known: Vec<&str> = kind.fields().collect();
            let hint = match diagnostics::nearest(field, known.iter().copied()) {
                Some(near) if near != field => {
                    format!("did you mean `{near}`? Free-form data belongs under `extra:`")
                }
                _ => format!(
                    "a {kind} takes: {}; free-form data belongs under `extra:`",
                    known.join(", ")
                ),
            };
            errors.push(
                Diagnostic::error(
                    file,
                    line,
                    col,
                    format!("`{field}` is not a field of a {kind}"),
                )
                .with_hint(hint),
            );
        }
    }
    let needs_title = matches!(
        kind,
        Kind::Mineral | Kind::Company | Kind::Brief | Kind::Page
    );
    if needs_title && meta.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(
            Diagnostic::error(file, 1, 1, format!("a {kind} needs a `title`"))
                .with_hint("add `title: ...` to the front matter"),
        );
    }
    if kind == Kind::Brief && meta.date.is_none() {
        errors.push(
            Diagnostic::error(file, 1, 1, "a brief needs a `date`")
                .with_hint("add `date: YYYY-MM-DD`: briefs are ordered and fed by date"),
        );
    }
    let id = if is_index {
        format!("_index/{section}")
    } else {
        stem.to_lowercase()
    };
    if !is_index {
        if let Err(why) = check_id(&id) {
            errors.push(
                Diagnostic::error(file, 0, 0, why)
                    .with_hint("rename the file: ids are lower-case letters, digits, `-` and `_`"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let path = match kind {
        Kind::Home => String::new(),
        Kind::Section => format!("{section}/"),
        Kind::Country => format!("countries/{id}/"),
        _ if section.is_empty() => format!("{id}/"),
        _ => format!("{section}/{id}/"),
    };
    Ok(Page {
        id,
        kind,
        file: file.to_path_buf(),
        path,
        section,
        meta,
        yaml: parts.yaml.to_string(),
        yaml_line: parts.yaml_line,
        body: match bodies {
            Bodies::InMemory => parts.body.to_string(),
            Bodies::OnDisk => String::new(),
        },
        body_line: parts.body_line,
        body_on_disk: None,
    })
}

/// The top folder under `content/`, the file stem, and how deep the file sits below `content/`.
fn place(file: &Path) -> (String, String, usize) {
    let parts: Vec<String> = file
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    // parts[0] is "content".
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let depth = parts.len().saturating_sub(2);
    let section = if depth == 0 {
        String::new()
    } else {
        parts[1].clone()
    };
    (section, stem, depth)
}

/// Names that cannot be ids: they would collide with output files or leave their folder.
const RESERVED: &[&str] = &[
    "index", "data", "search", "print", "static", "con", "nul", "aux", "prn",
];

/// Checks that `id` is safe as a URL segment and a folder name.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !id.starts_with('-');
    if !ok {
        return Err(format!(
            "`{}` cannot be an id",
            crate::diagnostics::printable(id)
        ));
    }
    if RESERVED.contains(&id) {
        return Err(format!("`{id}` is a reserved name and cannot be an id"));
    }
    Ok(())
}

/// Reports ids used by more than one file.
fn check_unique(pages: &[Page], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &PathBuf> = HashMap::with_capacity(pages.len());
    for page in pages {
        if let Some(first) = seen.insert(&page.id, &page.file) {
            diagnostics.push(
                Diagnostic::error(&page.file, 0, 0, format!("the id `{}` is also used by {}", page.id, first.display()))
                    .with_hint("ids are unique across the whole site, since a wiki link names an id alone: rename one file"),
            );
            seen.insert(&page.id, first);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(file: &str, text: &str) -> Result<Page, Vec<Diagnostic>> {
        parse_page(Path::new(file), text)
    }

    #[test]
    fn kind_comes_from_the_folder_and_can_be_overridden() {
        let p = parse(
            "content/minerals/sub/gallium.md",
            "---\ntitle: Gallium\n---\n",
        )
        .unwrap();
        assert_eq!(
            (p.kind, p.id.as_str(), p.path.as_str()),
            (Kind::Mineral, "gallium", "minerals/gallium/")
        );
        let p = parse(
            "content/notes/x.md",
            "---\ntitle: X\nkind: brief\ndate: 2025-01-01\n---\n",
        )
        .unwrap();
        assert_eq!(p.kind, Kind::Brief);
        let p = parse("content/about.md", "---\ntitle: About\n---\n").unwrap();
        assert_eq!((p.kind, p.path.as_str()), (Kind::Page, "about/"));
        let p = parse("content/_index.md", "---\n---\n").unwrap();
        assert_eq!((p.kind, p.path.as_str()), (Kind::Home, ""));
    }

    #[test]
    fn fields_of_another_kind_are_errors_with_a_location() {
        let errs = parse(
            "content/minerals/x.md",
            "---\ntitle: X\nfacilities: []\n---\n",
        )
        .unwrap_err();
        assert_eq!(errs[0].message, "`facilities` is not a field of a mineral");
        assert_eq!((errs[0].line, errs[0].column), (3, 1));
    }

    #[test]
    fn unknown_kind_is_an_error() {
        let errs = parse("content/x.md", "---\ntitle: X\nkind: minerl\n---\n").unwrap_err();
        assert_eq!(errs[0].message, "unknown kind `minerl`");
        assert_eq!((errs[0].line, errs[0].column), (3, 7));
        assert!(errs[0].hint.as_deref().unwrap().contains("`mineral`"));
    }

    #[test]
    fn an_index_file_in_a_sub_folder_is_an_error_that_says_why() {
        let errors =
            parse("content/companies/kr/_index.md", "---\ntitle: Korea\n---\n").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (1, 1));
        assert!(
            errors[0]
                .message
                .contains("in a sub-folder of content/companies/"),
            "{}",
            errors[0]
        );
        assert!(parse("content/companies/_index.md", "---\ntitle: C\n---\n").is_ok());
        assert!(parse("content/_index.md", "---\ntitle: Home\n---\n").is_ok());
    }

    #[test]
    fn missing_title_and_bad_ids() {
        let errs = parse("content/minerals/x.md", "---\nsymbol: X\n---\n").unwrap_err();
        assert_eq!(errs[0].message, "a mineral needs a `title`");
        assert!(parse("content/minerals/Bad Name.md", "---\ntitle: X\n---\n").is_err());
        assert!(check_id("..").is_err());
        assert!(check_id("data").is_err());
        assert!(check_id("korea-zinc").is_ok());
    }

    #[test]
    fn a_site_read_ahead_loads_in_path_order_with_every_error_located() {
        let dir = tempfile::tempdir().unwrap();
        let minerals = dir.path().join("content/minerals");
        std::fs::create_dir_all(&minerals).unwrap();
        // More than one batch of the parser (256 files).
        let n = readahead::MIN_FILES * 5;
        for i in 0..n {
            let text = match i {
                57 => b"---\ntitle: X\nfacilities: []\n---\n".to_vec(),
                131 => b"---\ntitle: Y\n---\n\xff".to_vec(),
                300 => b"---\nsymbol: Z\n---\n".to_vec(),
                _ => format!("---\ntitle: Mineral {i}\n---\nBody {i}.\n").into_bytes(),
            };
            std::fs::write(minerals.join(format!("m{i:03}.md")), text).unwrap();
        }
        // Readers forced on, whatever the page cache holds.
        let loaded = load_with(dir.path(), std::time::Duration::ZERO, Bodies::InMemory);
        assert!(loaded.reading.ahead(), "{}", loaded.reading);
        let ids: Vec<&str> = loaded.pages.iter().map(|p| p.id.as_str()).collect();
        let expected: Vec<String> = (0..n)
            .filter(|i| ![57, 131, 300].contains(i))
            .map(|i| format!("m{i:03}"))
            .collect();
        assert_eq!(ids, expected);
        let errors: Vec<(String, usize, usize)> = loaded
            .diagnostics
            .iter()
            .map(|d| (d.file.display().to_string(), d.line, d.column))
            .collect();
        assert_eq!(
            errors,
            vec![
                ("content/minerals/m057.md".to_string(), 3, 1),
                ("content/minerals/m131.md".to_string(), 4, 1),
                ("content/minerals/m300.md".to_string(), 1, 1),
            ]
        );
        assert_eq!(loaded.failed.len(), 3);
    }

    #[test]
    fn bodies_left_on_disk_read_back_as_loaded_and_a_changed_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let minerals = dir.path().join("content/minerals");
        std::fs::create_dir_all(&minerals).unwrap();
        let files = [
            (
                "a.md",
                "\u{feff}---\r\ntitle: A\r\n---\r\nLine one.\r\n\r\n```yaml\r\nk: v\r\n```\r\n",
            ),
            ("b.md", "---\ntitle: B\n---\n"),
            ("c.md", "---\ntitle: C\n---\n# C\n\n~~~\nplain\n~~~\n"),
        ];
        for (name, text) in files {
            std::fs::write(minerals.join(name), text).unwrap();
        }
        let kept = load(dir.path());
        let on_disk = load_bodies(dir.path(), Bodies::OnDisk);
        assert_eq!(on_disk.fenced, [0, 2]);
        assert_eq!(kept.fenced, on_disk.fenced);
        for (k, d) in kept.pages.iter().zip(&on_disk.pages) {
            assert!(d.body.is_empty() && d.body_on_disk.is_some() && k.body_on_disk.is_none());
            assert_eq!(read_body(dir.path(), d).unwrap(), k.body);
            assert_eq!(read_body(dir.path(), k).unwrap(), k.body);
        }
        assert_eq!(kept.pages[0].body, "Line one.\n\n```yaml\nk: v\n```\n");
        // Edited (even keeping its length) or deleted after loading: an error, not a mixture.
        std::fs::write(minerals.join("a.md"), files[0].1.replace("one", "two")).unwrap();
        std::fs::remove_file(minerals.join("b.md")).unwrap();
        for page in &on_disk.pages[..2] {
            let error = read_body(dir.path(), page).unwrap_err();
            assert_eq!(error.file, page.file);
            assert!(
                error
                    .message
                    .contains("changed while the site was being built"),
                "{error}"
            );
        }
        assert_eq!(
            read_body(dir.path(), &on_disk.pages[2]).unwrap(),
            kept.pages[2].body
        );
    }
}
