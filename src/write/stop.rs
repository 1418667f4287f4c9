//! Stopping the outputs that read every page (the search index, the print pages, the
//! site-wide files) part of the way through: `serve` gives them up when a change comes in.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A check [`write_site`](crate::build::write_site) makes while it writes the search, print
/// and site-wide files (before each brief's print page and each streamed file, and once per
/// 64 KiB a streamed file writes, so the portal print stops after the chunk of parts it is
/// rendering): once it says stop, those are left unfinished and the build's output must be thrown away. The default
/// never stops. A stop latches: once [`Stop::stopped`] has returned `true` it always does,
/// whatever the check would say later, so that a caller asking afterwards learns that the
/// output is incomplete.
#[derive(Clone, Default)]
pub struct Stop(Option<Arc<Latch>>);

/// The check of a [`Stop`], and whether it has said stop.
struct Latch {
    check: Box<dyn Fn() -> bool + Send + Sync>,
    said: AtomicBool,
}

impl Stop {
    /// The stop that never stops (the default).
    pub const NEVER: Stop = Stop(None);

    /// A stop asked through `check`.
    pub fn new(check: impl Fn() -> bool + Send + Sync + 'static) -> Stop {
        Stop(Some(Arc::new(Latch {
            check: Box::new(check),
            said: AtomicBool::new(false),
        })))
    }

    /// Whether this can stop at all (the default cannot).
    pub fn can_stop(&self) -> bool {
        self.0.is_some()
    }

    /// Whether to stop now: `true` once the check has said so, ever since.
    pub fn stopped(&self) -> bool {
        let Some(latch) = &self.0 else {
            return false;
        };
        if latch.said.load(Ordering::SeqCst) {
            return true;
        }
        let stop = (latch.check)();
        if stop {
            latch.said.store(true, Ordering::SeqCst);
        }
        stop
    }
}

impl std::fmt::Debug for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Stop(check)"
        } else {
            "Stop(never)"
        })
    }
}

/// A streamed output's writer that fails once [`Stop::stopped`], so that a long file (the
/// portal print, the search index, `portal.json`) is given up part of the way through.
pub(crate) struct Stoppable<'w> {
    pub(crate) out: &'w mut (dyn std::io::Write + Send),
    pub(crate) stop: &'w Stop,
}

impl std::io::Write for Stoppable<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.stop.stopped() {
            // Not `ErrorKind::Interrupted`, which `write_all` retries.
            return Err(std::io::Error::other("stopped"));
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_latches_and_the_default_never_stops() {
        let default = Stop::default();
        assert!(!default.can_stop() && !default.stopped());
        let say = Arc::new(AtomicBool::new(false));
        let stop = {
            let say = say.clone();
            Stop::new(move || say.load(Ordering::SeqCst))
        };
        assert!(stop.can_stop() && !stop.stopped());
        say.store(true, Ordering::SeqCst);
        assert!(stop.stopped());
        say.store(false, Ordering::SeqCst);
        assert!(stop.stopped(), "a stop that said stop goes on saying so");
        assert!(stop.clone().stopped(), "clones share the latch");
    }
}
