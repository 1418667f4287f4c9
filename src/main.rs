//! The `orebrief` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use orebrief::config::Profile;
use orebrief::{BuildOptions, Error};

/// mimalloc: the pipeline allocates many small values (template contexts, HTML strings), and
/// it measurably beats the system allocator at that across threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long mimalloc keeps freed memory before it returns it to the system: 25 ms rather
/// than its default of one second. The stages of a large build free tens of MB that the next
/// stage does not take back at once; kept for a second, they raised the peak memory of a
/// 12k-page build by about 10 MiB, and kept for 250 ms by 4 to 13 MiB more than for 25 ms,
/// for some 40% fewer page faults and no CPU time measurably saved (docs/benchmarks.md). A
/// delay given in the environment (`MIMALLOC_PURGE_DELAY`, in any of the spellings mimalloc
/// reads) wins.
const PURGE_DELAY_MS: std::ffi::c_long = 25;

/// mimalloc's `mi_option_purge_delay`: not exported by the bindings, but fixed in mimalloc's
/// option enum, which keeps retired options as placeholders so that indexes stay put.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the allocator's options; called first thing in `main`.
fn tune_allocator() {
    // SAFETY: writes one entry of mimalloc's option table, which it reads on each purge;
    // called before `main` starts any thread (the function is not thread safe). As a
    // default, it leaves a value mimalloc found in the environment.
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// A static site generator for critical-minerals briefing portals.
#[derive(Parser)]
#[command(name = "orebrief", version, about, long_about = None)]
struct Cli {
    /// The site root: the folder holding site.yaml.
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    Public,
    Internal,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Public => Profile::Public,
            ProfileArg::Internal => Profile::Internal,
        }
    }
}

#[derive(clap::Args)]
struct SiteArgs {
    /// Build for `public` (the default) or the `internal` wiki.
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Write every link relative, so the output works from file://.
    #[arg(long)]
    relative_urls: bool,
    /// Override base_url of site.yaml.
    #[arg(long)]
    base_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into its output folder (public/ by default).
    Build {
        /// Write the output here instead of output_dir of site.yaml.
        #[arg(long, short)]
        output_dir: Option<PathBuf>,
        /// Remove the output this build replaces before returning. By default a background
        /// process removes it (a hidden .NAME.orebrief-trash-PID folder beside the output
        /// until it is done), and the build returns at once.
        #[arg(long)]
        wait_for_removal: bool,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Check everything a build checks, writing nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Print a brief and the profiles it names to PDF, with headless Chromium.
    Pdf {
        /// The brief's id (its file name without .md).
        brief: String,
        /// The PDF to write (default: BRIEF.pdf in the current folder).
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build the site in memory and serve it with live reload, rebuilding on every change.
    Serve {
        /// The port (the next free one is taken when it is in use).
        #[arg(long, short, default_value_t = orebrief::serve::DEFAULT_PORT)]
        port: u16,
        /// The address to listen on. The default serves this machine only.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Build for `public` (the default) or the `internal` wiki.
        #[arg(long, value_enum)]
        profile: Option<ProfileArg>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
    },
    /// Remove an output that `build` replaced: started by `build` itself, detached, so that
    /// the build need not wait for it (see `orebrief::write::previous`).
    #[command(name = "remove-previous-output", hide = true)]
    RemovePreviousOutput {
        /// The folder holding the output folder.
        parent: PathBuf,
        /// The output folder's name.
        name: String,
    },
    /// Create a new site that builds at once.
    Init {
        /// The folder to create.
        dir: PathBuf,
    },
    /// Create a new mineral, company or brief from a template.
    New {
        /// What to create.
        #[arg(value_enum)]
        kind: orebrief::scaffold::NewKind,
        /// Its id: the file name without .md (lower-case, hyphens).
        id: String,
    },
}

fn options(root: PathBuf, site: &SiteArgs) -> BuildOptions {
    BuildOptions {
        root,
        profile: site.profile.map(Into::into),
        drafts: site.drafts,
        relative_urls: site.relative_urls.then_some(true),
        base_url: site.base_url.clone(),
        ..BuildOptions::default()
    }
}

fn report_error(e: &Error) -> ExitCode {
    match e {
        Error::Content(diagnostics) => {
            for d in diagnostics {
                eprintln!("{d}");
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "\nbuild failed: {errors} error(s); the previous output, if any, is unchanged"
            );
            ExitCode::from(1)
        }
        Error::Output(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            output_dir,
            wait_for_removal,
            site,
        } => {
            let mut opts = options(cli.root, &site);
            opts.output_dir = output_dir;
            opts.exits_after = true;
            // Removing the replaced output is left to a process of its own (seconds on ext4
            // for a large portal): the build returns as soon as the new output is in place.
            if let (false, Ok(exe)) = (wait_for_removal, std::env::current_exe()) {
                opts.previous_output = orebrief::write::PreviousOutput::Detach(exe);
            }
            match orebrief::build(&opts) {
                Ok(report) => {
                    if !report.warnings.is_empty() {
                        eprintln!(
                            "{} warning(s): run `orebrief check` to see them",
                            report.warnings.len()
                        );
                    }
                    let out = report
                        .output
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    println!(
                        "built {} pages into {out} in {} ms",
                        report.pages,
                        report.elapsed.as_millis()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
        }
        Command::Check { site } => match orebrief::check(&BuildOptions {
            exits_after: true,
            ..options(cli.root, &site)
        }) {
            Ok(report) => {
                for w in &report.warnings {
                    eprintln!("{w}");
                }
                println!(
                    "ok: {} pages, {} warning(s)",
                    report.pages,
                    report.warnings.len()
                );
                ExitCode::SUCCESS
            }
            Err(e) => report_error(&e),
        },
        Command::Pdf {
            brief,
            output,
            site,
        } => {
            let output = output.unwrap_or_else(|| PathBuf::from(format!("{brief}.pdf")));
            match orebrief::pdf::brief_pdf(&options(cli.root, &site), &brief, &output) {
                Ok(path) => {
                    println!("wrote {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(orebrief::pdf::PdfError::Build(e)) => report_error(&e),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Serve {
            port,
            bind,
            profile,
            drafts,
            open,
        } => {
            if !bind.is_loopback() {
                eprintln!(
                    "serving to the network on {bind}: anyone who can reach it can read the site"
                );
            }
            let options = orebrief::serve::ServeOptions {
                build: BuildOptions {
                    root: cli.root,
                    profile: profile.map(Into::into),
                    drafts,
                    ..BuildOptions::default()
                },
                bind,
                port,
                ..orebrief::serve::ServeOptions::default()
            };
            match orebrief::serve::serve(options, open) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::RemovePreviousOutput { parent, name } => {
            match orebrief::write::previous::remove_handed_over(&parent, &name) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Init { dir } => match orebrief::scaffold::init(&dir) {
            Ok(()) => {
                println!(
                    "created a new site in {}: run `orebrief --root {} build`",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::New { kind, id } => match orebrief::scaffold::new_page(&cli.root, kind, &id) {
            Ok(path) => {
                println!("created {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option `tune_allocator` sets is mimalloc's purge delay: the index holds its
    /// documented default, one second. (The test only reads: setting the option is not
    /// thread safe, and the test harness runs threads.)
    #[test]
    fn the_option_set_is_the_purge_delay() {
        let from_environment = std::env::vars_os().any(|(name, _)| {
            let name = name.to_string_lossy().to_ascii_lowercase();
            name == "mimalloc_purge_delay" || name == "mimalloc_reset_delay"
        });
        if from_environment {
            return;
        }
        // SAFETY: reads one entry of mimalloc's option table.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(
            delay, 1000,
            "not mimalloc's purge delay, or its default changed"
        );
        assert!(PURGE_DELAY_MS < delay);
    }
}
