//! Stage 4, **write**: pages, data exports, feeds, search and print, swapped in atomically.

pub mod data;
pub mod feeds;
pub mod output;
pub mod previous;
pub mod search;
pub mod stop;

pub use output::{Commit, OutputError, Sink};
pub use previous::PreviousOutput;

/// The file a page's folder path is written to: `minerals/gallium/` -> `minerals/gallium/index.html`.
pub fn index_file(path: &str) -> String {
    format!("{path}index.html")
}
