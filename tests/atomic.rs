//! Atomic output: a build writes a fresh folder beside the output and swaps it in only when
//! everything succeeded. A failed or killed build leaves the previous output byte for byte;
//! stale pages go, files of `static/` stay; and output folders that would replace the site
//! itself, or lie outside the root without `--output-dir`, are refused without touching them.
//! The binary hands the replaced output to a detached remover and returns.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use orebrief::Error;

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Entries of `dir` other than `keep`, by name.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

fn mineral(title: &str, body: &str) -> String {
    page(&[&format!("title: {title}")], &[body])
}

fn small_site() -> TestSite {
    TestSite::new(&[
        (
            "content/minerals/zinc.md",
            &mineral("Zinc", "Zinc [[lead]]."),
        ),
        ("content/minerals/lead.md", &mineral("Lead", "Lead.")),
        ("content/about.md", &page(&["title: About"], &["About."])),
        ("static/files/report.pdf", "%PDF-1.4 not really"),
        ("static/favicon.ico", "icon"),
    ])
}

fn refused(result: Result<orebrief::BuildReport, Error>) -> String {
    match result {
        Err(Error::Output(e)) => e.to_string(),
        Err(e) => panic!(
            "expected the output folder to be refused, got {}",
            describe(&e)
        ),
        Ok(_) => panic!("expected the output folder to be refused"),
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = small_site();
    site.build();
    let before = snapshot(&site.out());
    assert!(before.contains_key("minerals/zinc/index.html"));
    // A content error, then a template error: neither touches public/.
    site.write("content/minerals/zinc.md", &mineral("Zinc", "[[nowhere]]"));
    site.build_err();
    assert_eq!(snapshot(&site.out()), before);
    site.write("content/minerals/zinc.md", &mineral("Zinc", "Zinc."));
    site.write("templates/page.html", "{% if %}");
    site.build_err();
    assert_eq!(snapshot(&site.out()), before);
    // No staging folder is left beside the output.
    assert_eq!(
        others(
            site.root(),
            &["content", "static", "templates", "site.yaml", "public"]
        ),
        Vec::<String>::new()
    );
}

#[test]
fn stale_pages_go_and_static_files_stay() {
    let site = small_site();
    site.build();
    assert!(site.exists("minerals/lead/index.html"));
    assert!(site.exists("files/report.pdf"));
    // A file that an earlier build (or a person) left in the output is not kept.
    std::fs::write(site.out().join("stray.html"), "old").unwrap();
    site.remove("content/minerals/lead.md");
    site.write("content/minerals/zinc.md", &mineral("Zinc", "Zinc."));
    site.build();
    assert!(!site.exists("minerals/lead/index.html"));
    assert!(!site.exists("minerals/lead"));
    assert!(!site.exists("stray.html"));
    assert_eq!(site.read("files/report.pdf"), "%PDF-1.4 not really");
    assert_eq!(site.read("favicon.ico"), "icon");
    assert!(
        site.exists("style.css"),
        "the theme's static files are written too"
    );
}

#[test]
fn a_git_checkout_in_the_output_is_carried_over() {
    let site = small_site();
    site.build();
    std::fs::create_dir_all(site.out().join(".git/refs")).unwrap();
    std::fs::write(site.out().join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    site.build();
    assert_eq!(site.read(".git/HEAD"), "ref: refs/heads/gh-pages\n");
}

#[test]
fn leftovers_of_a_killed_build_are_cleaned_and_a_set_aside_output_is_put_back() {
    let site = small_site();
    site.build();
    let before = snapshot(&site.out());
    // A dead process (pid beyond pid_max) left a staging folder.
    let staging = site.root().join(".public.orebrief-new-4194305");
    std::fs::create_dir_all(staging.join("minerals")).unwrap();
    // ... and another one set the previous output aside and died before putting the new one
    // in place.
    let aside = site.root().join(".public.orebrief-old-4194306");
    std::fs::rename(site.out(), &aside).unwrap();
    site.write("content/minerals/zinc.md", &mineral("Zinc", "[[broken]]"));
    site.build_err();
    // The failed build ran no writing: the set-aside output is still there.
    assert!(aside.exists());
    site.write(
        "content/minerals/zinc.md",
        &mineral("Zinc", "Zinc [[lead]]."),
    );
    site.build();
    assert!(!staging.exists() && !aside.exists());
    assert_eq!(
        snapshot(&site.out()).keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
}

#[test]
fn the_previous_output_is_restored_when_a_build_died_mid_swap() {
    let site = small_site();
    site.build();
    let before = snapshot(&site.out());
    let aside = site.root().join(".public.orebrief-old-4194306");
    std::fs::rename(site.out(), &aside).unwrap();
    // The next build begins by putting it back, before it writes anything.
    let sink = orebrief::write::Sink::staging(&site.out()).unwrap();
    assert_eq!(snapshot(&site.out()), before);
    sink.abandon();
    assert_eq!(
        others(site.root(), &["content", "static", "site.yaml", "public"]),
        Vec::<String>::new()
    );
}

#[test]
fn output_folders_that_would_replace_the_site_are_refused_and_left_alone() {
    let site = small_site();
    let root = site.root();
    let cases: &[(&str, &str)] = &[
        (".", "it is the site root or contains it"),
        ("..", "it is the site root or contains it"),
        ("content", "it lies inside the site's content/ folder"),
        (
            "content/public",
            "it lies inside the site's content/ folder",
        ),
        ("static", "it lies inside the site's static/ folder"),
        (
            "templates/out",
            "it lies inside the site's templates/ folder",
        ),
        ("themes/x", "it lies inside the site's themes/ folder"),
        ("../elsewhere", "it lies outside the site root"),
        (
            "/tmp/orebrief-absolute-out",
            "it lies outside the site root",
        ),
        ("public/../../escape", "it lies outside the site root"),
        ("missing/../../escape", "it lies outside the site root"),
    ];
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let before = snapshot(root);
    for (dir, why) in cases {
        site.write("site.yaml", &format!("{SITE_YAML}output_dir: {dir}\n"));
        let message = refused(orebrief::build(&site.options()));
        assert!(message.contains(why), "output_dir {dir}: {message}");
        assert!(message.starts_with("refusing output folder"), "{message}");
        let mut now = snapshot(root);
        now.remove("site.yaml");
        let mut expected = before.clone();
        expected.remove("site.yaml");
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{dir}"
        );
    }
    assert!(!root.join("missing").exists());
    assert!(!root.parent().unwrap().join("escape").exists());
}

#[test]
fn an_explicit_output_dir_may_lie_outside_but_never_on_a_site() {
    let site = small_site();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("site-out");
    let mut options = site.options();
    options.output_dir = Some(out.clone());
    site.build_with(options.clone());
    assert!(out.join("minerals/zinc/index.html").exists());

    // A folder that holds another site's sources, or a file.
    let other = TestSite::new(&[("content/a.md", &mineral("A", "a"))]);
    for (target, why) in [
        (other.root().to_path_buf(), "it holds a content/ folder"),
        (other.root().join("site.yaml"), "it is a file, not a folder"),
        (
            site.root().join("content/minerals"),
            "it lies inside the site's content/ folder",
        ),
    ] {
        let mut options = site.options();
        options.output_dir = Some(target.clone());
        let message = refused(orebrief::build(&options));
        assert!(message.contains(why), "{}: {message}", target.display());
    }
    for (folder, why) in [("templates", "templates/"), ("static", "static/")] {
        let dir = elsewhere.path().join(format!("with-{folder}"));
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        std::fs::write(dir.join(folder).join("keep.txt"), "keep").unwrap();
        let mut options = site.options();
        options.output_dir = Some(dir.clone());
        let message = refused(orebrief::build(&options));
        assert!(message.contains(why), "{message}");
        assert_eq!(
            std::fs::read_to_string(dir.join(folder).join("keep.txt")).unwrap(),
            "keep"
        );
    }
    assert!(other.root().join("content/a.md").exists());
}

#[test]
fn the_cli_refuses_an_unsafe_output_dir_with_exit_code_1() {
    let site = small_site();
    let output = run(site.root(), &["build", "--output-dir", "content"]);
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "error: refusing output folder content: it lies inside the site's content/ folder"
        ),
        "{stderr}"
    );
    assert!(site.root().join("content/minerals/zinc.md").exists());
}

/// A site big enough that a debug build takes a while to write.
fn large_site(pages: usize, version: &str) -> TestSite {
    let site = TestSite::new(&[]);
    let body = "Paragraph with **bold**, a [[zinc]] link and `code`.\n\n".repeat(20);
    site.write("content/minerals/zinc.md", &mineral("Zinc", &body));
    for i in 0..pages {
        site.write(
            &format!("content/briefs/brief-{i:05}.md"),
            &page(
                &[&format!("title: Brief {i} {version}"), "date: 2025-01-01"],
                &[&body],
            ),
        );
    }
    site
}

fn staging_dirs(root: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".public.orebrief-new-")
        })
        .collect()
}

#[test]
fn a_build_killed_mid_write_leaves_the_previous_output_intact() {
    let site = large_site(1000, "v1");
    let first = run(site.root(), &["build"]);
    assert!(first.status.success(), "{}", show(&first));
    let before = snapshot(&site.out());
    assert!(before.len() > 1000);
    // Change every page, then kill builds at several points of their run.
    for i in 0..1000 {
        let body = "Changed.\n".repeat(3);
        site.write(
            &format!("content/briefs/brief-{i:05}.md"),
            &page(
                &[&format!("title: Brief {i} v2"), "date: 2025-01-01"],
                &[&body],
            ),
        );
    }
    let mut killed_mid_write = 0;
    for delay_ms in [0u64, 50, 200] {
        let mut child = bin()
            .args(["build"])
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        // Wait for the staging folder to fill up a little, then kill (SIGKILL).
        loop {
            let written = staging_dirs(site.root())
                .iter()
                .map(|d| files_under(d).len())
                .sum::<usize>();
            if written > 20 + delay_ms as usize || started.elapsed() > Duration::from_secs(120) {
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(delay_ms / 10));
        if child.try_wait().unwrap().is_none() {
            killed_mid_write += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let now = snapshot(&site.out());
        if now != before {
            // The build finished before the kill: then the output is the whole new build.
            assert!(
                now.get("briefs/brief-00000/index.html")
                    .is_some_and(|b| String::from_utf8_lossy(b).contains("Brief 0 v2")),
                "the output is neither the old build nor the new one"
            );
            assert_eq!(now.len(), before.len());
            return;
        }
    }
    assert!(killed_mid_write > 0, "no build was killed while writing");
    // A complete build afterwards swaps in the new output and cleans the leftovers.
    let last = run(site.root(), &["build"]);
    assert!(last.status.success(), "{}", show(&last));
    assert!(staging_dirs(site.root()).is_empty());
    // The output it replaced is removed by a process of its own.
    wait_for_removers(site.root());
    assert_eq!(
        others(site.root(), &["content", "site.yaml", "public"]),
        Vec::<String>::new()
    );
    assert!(
        site.read("briefs/brief-00000/index.html")
            .contains("Brief 0 v2")
    );
}

#[test]
fn the_sink_writes_nothing_outside_the_output() {
    let site = small_site();
    let sink = orebrief::write::Sink::staging(&site.out()).unwrap();
    for rel in [
        "../escape.html",
        "/tmp/orebrief-escape.html",
        "a/../../escape.html",
        "",
    ] {
        let e = sink.write(rel, b"x").unwrap_err();
        assert!(
            e.to_string()
                .contains("an output file must lie inside the output folder"),
            "{rel}: {e}"
        );
        assert!(
            sink.write_with(rel, |out| out.write_all(b"x")).is_err(),
            "{rel}"
        );
    }
    sink.write("ok/index.html", b"ok").unwrap();
    sink.commit().unwrap();
    assert_eq!(site.read("ok/index.html"), "ok");
    assert!(!site.root().join("escape.html").exists());
    assert!(!Path::new("/tmp/orebrief-escape.html").exists());
    assert_eq!(
        others(site.root(), &["content", "static", "site.yaml", "public"]),
        Vec::<String>::new()
    );
}

/// The trash folders beside the output `public/` of `root`.
fn trash_dirs(root: &Path) -> Vec<String> {
    others(root, &[])
        .into_iter()
        .filter(|n| n.starts_with(".public.orebrief-trash-"))
        .collect()
}

/// Waits (up to a minute) until no trash folder is left beside `root`'s output: the remover
/// removes its folder last, and panics otherwise.
fn wait_for_removers(root: &Path) {
    let started = Instant::now();
    while !trash_dirs(root).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "still there after a minute: {:?}",
            trash_dirs(root)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `orebrief build ARGS` in `root` with `OREBRIEF_TIMINGS=1`, which must succeed;
/// returns its standard error.
fn timed_build(root: &Path, args: &[&str]) -> String {
    let output = bin()
        .arg("build")
        .args(args)
        .env("OREBRIEF_TIMINGS", "1")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", show(&output));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The pid of the remover a build's `OREBRIEF_TIMINGS` output says it handed the previous
/// output to.
fn remover_pid(stderr: &str) -> Option<u32> {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("timing:   previous output handed to process "))
        .and_then(|rest| rest.split(',').next())
        .and_then(|pid| pid.parse().ok())
}

#[test]
fn the_binary_hands_the_previous_output_to_a_detached_remover() {
    let site = small_site();
    let build = || timed_build(site.root(), &[]);
    // Nothing to hand over the first time.
    assert!(!build().contains("previous output handed"));
    site.write("content/about.md", &page(&["title: About"], &["Second."]));
    let stderr = build();
    // The build returned with the new output in place ...
    assert!(site.read("about/index.html").contains("Second."));
    assert!(remover_pid(&stderr).is_some(), "no hand-over in:\n{stderr}");
    // ... and the remover, a process of its own, removes the previous one.
    wait_for_removers(site.root());
    assert_eq!(
        others(site.root(), &["content", "static", "site.yaml", "public"]),
        Vec::<String>::new()
    );
    assert!(site.read("about/index.html").contains("Second."));
    assert_eq!(site.read("files/report.pdf"), "%PDF-1.4 not really");
}

/// Starts `orebrief remove-previous-output ROOT public` by hand, its input a pipe the test
/// holds; with the folder it will remove, named with its pid.
fn start_remover(root: &Path) -> (std::process::Child, PathBuf) {
    let remover = bin()
        .args(["remove-previous-output"])
        .arg(root)
        .arg("public")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let folder = root.join(format!(".public.orebrief-trash-{}", remover.id()));
    (remover, folder)
}

#[test]
fn the_remover_waits_for_its_input_to_close_and_removes_only_its_own_folder() {
    use std::io::Write as _;
    let site = small_site();
    site.build();
    let (mut remover, own) = start_remover(site.root());
    // Another remover's folder (a pid beyond pid_max, so no live process has it).
    let other = site.root().join(".public.orebrief-trash-4194307");
    for dir in [&own, &other] {
        std::fs::create_dir_all(dir.join("minerals/zinc")).unwrap();
        std::fs::write(dir.join("minerals/zinc/index.html"), "old").unwrap();
    }
    // Until its input closes, the remover waits: the build renames the folder first.
    remover.stdin.as_mut().unwrap().write_all(b"x").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(remover.try_wait().unwrap().is_none(), "it did not wait");
    assert!(own.join("minerals/zinc/index.html").exists());
    drop(remover.stdin.take());
    assert!(remover.wait().unwrap().success());
    assert!(!own.exists(), "its own folder is still there");
    assert!(other.join("minerals/zinc/index.html").exists());
    assert!(site.exists("minerals/zinc/index.html"));

    // A symbolic link at its folder's name is not followed: what it points to stays.
    let (mut remover, link) = start_remover(site.root());
    std::os::unix::fs::symlink(site.out(), &link).unwrap();
    drop(remover.stdin.take());
    assert!(remover.wait().unwrap().success());
    assert!(
        site.exists("minerals/zinc/index.html"),
        "the link was followed"
    );
    std::fs::remove_file(&link).unwrap();

    // A name that is not a plain folder name is refused, and nothing is removed.
    for name in ["../public", "", ".."] {
        let output = bin()
            .args(["remove-previous-output"])
            .arg(site.root())
            .arg(name)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}: {}", show(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("is not an output folder's name"),
            "{}",
            show(&output)
        );
    }
    assert!(other.exists() && site.exists("minerals/zinc/index.html"));
}

#[test]
fn a_trash_folder_is_left_to_its_live_remover_and_never_put_back_as_the_output() {
    let site = small_site();
    site.build();
    // A remover still running: any live process will do.
    let mut live = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let busy = site
        .root()
        .join(format!(".public.orebrief-trash-{}", live.id()));
    std::fs::create_dir_all(busy.join("briefs")).unwrap();
    site.build();
    assert!(
        busy.join("briefs").exists(),
        "a live remover's folder was taken"
    );
    live.kill().unwrap();
    live.wait().unwrap();

    // Its remover died, and the output is gone: the next build removes the folder, half
    // removed as it may be, and does not put it back in the output's place, even when the
    // build then fails while writing (a template error at render time).
    std::fs::create_dir_all(busy.join("minerals/zinc")).unwrap();
    std::fs::write(busy.join("minerals/zinc/index.html"), "half gone").unwrap();
    std::fs::remove_dir_all(site.out()).unwrap();
    site.write("templates/page.html", "{{ no_such_variable.at_all }}");
    site.build_err();
    assert!(!busy.exists(), "the dead remover's folder is still there");
    assert!(
        !site.out().exists(),
        "a trash folder was put back as the output"
    );
    site.remove("templates/page.html");
    site.build();
    assert!(site.read("minerals/zinc/index.html").contains("Zinc"));
    assert!(trash_dirs(site.root()).is_empty());
}

#[test]
fn the_build_returns_before_its_remover_which_holds_nothing_of_the_builds() {
    use std::io::Read as _;
    use std::os::fd::{FromRawFd as _, OwnedFd};
    use std::os::unix::process::CommandExt as _;
    let site = small_site();
    site.build();
    // A descriptor the build inherits without close-on-exec, as a test runner's or a make
    // jobserver's: a reader of its pipe sees the end only once no process holds it.
    let mut ends = [0; 2];
    // SAFETY: `pipe2` fills `ends` with two new descriptors, owned below.
    assert_eq!(
        unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) },
        0
    );
    // SAFETY: each descriptor was just made and is owned once.
    let (reader, writer) =
        unsafe { (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1])) };
    let inherited = ends[1];
    let mut command = bin();
    command
        .arg("build")
        .env("OREBRIEF_TIMINGS", "1")
        // The remover waits 10 s before it removes anything: the margin of every check
        // below that it is still at work.
        .env("OREBRIEF_REMOVER_DELAY_MS", "10000")
        .current_dir(site.root());
    // SAFETY: `dup2` is async-signal-safe; the child gets the pipe as descriptor 3, open
    // across `exec` (dup2 clears close-on-exec).
    unsafe {
        command.pre_exec(move || {
            if libc::dup2(inherited, 3) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().unwrap();
    drop(writer);
    assert!(output.status.success(), "{}", show(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let pid = remover_pid(&stderr).unwrap_or_else(|| panic!("no hand-over in:\n{stderr}"));
    // The build returned while its remover still waits: the previous output is still there.
    let trash = site.root().join(format!(".public.orebrief-trash-{pid}"));
    assert!(
        trash.join("minerals/zinc/index.html").exists(),
        "the build waited for the removal"
    );
    // The remover holds no descriptor but its three standard ones (input the build's pipe,
    // closed; output and errors /dev/null), runs in a group of its own, from `/`.
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let fds = || {
        let mut fds: Vec<String> = std::fs::read_dir(proc.join("fd"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        fds.sort();
        fds
    };
    // It closes the others first thing, which may not have happened yet.
    let started = Instant::now();
    while fds() != ["0", "1", "2"] && started.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(fds(), ["0", "1", "2"]);
    for fd in ["1", "2"] {
        assert_eq!(
            std::fs::read_link(proc.join("fd").join(fd)).unwrap(),
            Path::new("/dev/null")
        );
    }
    assert_eq!(
        std::fs::read_link(proc.join("cwd")).unwrap(),
        Path::new("/")
    );
    let stat = std::fs::read_to_string(proc.join("stat")).unwrap();
    // "pid (comm) state ppid pgrp ...": the group is the remover's own id.
    let pgrp = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .nth(2)
        .unwrap();
    assert_eq!(pgrp, pid.to_string());
    // So the pipe's reader sees its end at once, not when the removal is done.
    let mut rest = Vec::new();
    std::fs::File::from(reader).read_to_end(&mut rest).unwrap();
    assert!(
        trash.exists(),
        "the pipe stayed open until the removal was done"
    );
    wait_for_removers(site.root());
}

#[test]
fn output_folders_named_like_options_are_handed_over_and_the_flag_waits() {
    let site = small_site();
    let build = |args: &[&str]| timed_build(site.root(), args);
    let dashed = ["--output-dir", "./-out"];
    build(&dashed);
    assert!(remover_pid(&build(&dashed)).is_some());
    // The remover took `-out` for a name, not an option: its folder goes.
    let started = Instant::now();
    while others(site.root(), &[])
        .iter()
        .any(|n| n.starts_with(".-out.orebrief-trash-"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{:?}",
            others(site.root(), &[])
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(site.root().join("-out/minerals/zinc/index.html").exists());

    // --wait-for-removal: nothing is handed over, and nothing is left when the build returns.
    build(&[]);
    let stderr = build(&["--wait-for-removal"]);
    assert_eq!(remover_pid(&stderr), None, "{stderr}");
    assert!(trash_dirs(site.root()).is_empty());
    assert!(site.exists("minerals/zinc/index.html"));
}

/// As process 1 (a container started without an init), a detached remover would die with
/// the build, leaving the previous output behind: the build removes it itself. Needs
/// `unshare` and the right to make a pid namespace, as root or in a user namespace of its
/// own (`-r`); where neither is allowed it says so and checks nothing.
#[test]
fn as_process_one_the_build_removes_the_previous_output_itself() {
    let works = |flags: &[&str]| {
        std::process::Command::new("unshare")
            .args(flags)
            .args(["--mount-proc", "true"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let Some(flags) = [["-pf"], ["-rpf"]].into_iter().find(|f| works(f)) else {
        eprintln!("skipped: `unshare -pf` and `unshare -rpf` are not allowed here");
        return;
    };
    let site = small_site();
    site.build();
    site.write("content/about.md", &page(&["title: About"], &["Second."]));
    let output = std::process::Command::new("unshare")
        .args(flags)
        .args(["--mount-proc", "--"])
        .arg(env!("CARGO_BIN_EXE_orebrief"))
        .arg("build")
        .env("OREBRIEF_TIMINGS", "1")
        .current_dir(site.root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", show(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(remover_pid(&stderr), None, "{stderr}");
    assert!(
        trash_dirs(site.root()).is_empty(),
        "{:?}",
        trash_dirs(site.root())
    );
    assert!(site.read("about/index.html").contains("Second."));
}
