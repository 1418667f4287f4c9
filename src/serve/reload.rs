//! Live reload: the script `serve` injects into every page, and the hub that sends
//! server-sent events to the open pages: `reload` after a rebuild, `build-error` (shown as an
//! overlay) when a rebuild fails.

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};

use crate::diagnostics::Diagnostic;

/// The path of the event stream.
pub const EVENTS_PATH: &str = "/__orebrief/events";

/// How many events may wait for a slow page before it is dropped (it reconnects).
const QUEUE: usize = 16;

/// The script injected before `</body>` of every page in `serve` (never in `build`): it
/// listens to [`EVENTS_PATH`], reloads on `reload`, and shows or hides the error overlay.
pub const SCRIPT: &str = r##"<script data-orebrief-serve>
(function () {
  "use strict";
  var generation = null, box = null;
  function hide() { if (box) { box.remove(); box = null; } }
  function show(list) {
    hide();
    box = document.createElement("div");
    box.id = "orebrief-error-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(24,24,27,.94);color:#fafafa;padding:2rem;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
    var head = document.createElement("div");
    head.style.cssText = "display:flex;justify-content:space-between;gap:1rem;margin-bottom:1rem";
    var title = document.createElement("strong");
    title.style.color = "#fca5a5";
    title.textContent = "orebrief: the last change did not build; showing the last good build";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.onclick = hide;
    head.appendChild(title);
    head.appendChild(close);
    box.appendChild(head);
    list.forEach(function (d) {
      var item = document.createElement("pre");
      item.className = "orebrief-error";
      item.style.cssText = "white-space:pre-wrap;margin:0 0 1rem;padding:.75rem;" +
        "border-left:3px solid #f87171;background:#27272a";
      var where = d.file + (d.line ? ":" + d.line + (d.column ? ":" + d.column : "") : "");
      item.textContent = where + ": " + d.message + (d.hint ? "\n  hint: " + d.hint : "");
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }
  var source = new EventSource("/__orebrief/events");
  source.addEventListener("hello", function (e) {
    if (generation !== null && generation !== e.data) { location.reload(); }
    generation = e.data;
  });
  source.addEventListener("reload", function (e) {
    generation = e.data;
    location.reload();
  });
  source.addEventListener("build-error", function (e) { show(JSON.parse(e.data)); });
  source.addEventListener("clear", hide);
})();
</script>
"##;

/// What the last rebuild left.
#[derive(Debug, Clone, Default)]
enum Status {
    /// It built.
    #[default]
    Good,
    /// It failed with these errors, as the JSON list sent to pages.
    Failed(String),
}

/// Sends events to every open page.
#[derive(Debug)]
pub struct Hub {
    clients: Mutex<Vec<SyncSender<String>>>,
    state: Mutex<(u64, Status)>,
    nonce: u64,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    /// A hub with no page connected.
    pub fn new() -> Hub {
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(0)
            ^ u64::from(std::process::id());
        Hub {
            clients: Mutex::new(Vec::new()),
            state: Mutex::new((0, Status::Good)),
            nonce,
        }
    }

    fn generation(&self, n: u64) -> String {
        format!("{:x}-{n}", self.nonce)
    }

    /// Connects a page: its first events say which build it has and, after a failed
    /// rebuild, the errors.
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (n, status) = self.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let _ = tx.try_send(format!(
            "retry: 1000\nevent: hello\ndata: {}\n\n",
            self.generation(n)
        ));
        if let Status::Failed(json) = status {
            let _ = tx.try_send(format!("event: build-error\ndata: {json}\n\n"));
        }
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        rx
    }

    /// How many pages are connected.
    pub fn clients(&self) -> usize {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn send(&self, event: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|tx| match tx.try_send(event.to_string()) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
        });
    }

    /// A rebuild changed the output: every page reloads (which also clears an overlay).
    pub fn reload(&self) {
        let n = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.0 += 1;
            state.1 = Status::Good;
            state.0
        };
        self.send(&format!("event: reload\ndata: {}\n\n", self.generation(n)));
    }

    /// A rebuild succeeded without changing anything a page shows: clears an overlay.
    pub fn clear(&self) {
        let was_failed = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            matches!(std::mem::take(&mut state.1), Status::Failed(_))
        };
        if was_failed {
            self.send("event: clear\ndata: ok\n\n");
        }
    }

    /// A rebuild failed: every page shows the errors over the last good build.
    pub fn error(&self, diagnostics: &[Diagnostic]) {
        let json = errors_json(diagnostics);
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = Status::Failed(json.clone());
        self.send(&format!("event: build-error\ndata: {json}\n\n"));
    }

    /// Disconnects every page (on shutdown).
    pub fn close(&self) {
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// The errors (not warnings) as a one-line JSON list of `{file, line, column, message, hint}`.
pub fn errors_json(diagnostics: &[Diagnostic]) -> String {
    let list: Vec<serde_json::Value> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            serde_json::json!({
                "file": d.file.display().to_string().replace('\\', "/"),
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_get_hello_then_reload_and_errors() {
        let hub = Hub::new();
        let rx = hub.subscribe();
        assert!(rx.recv().unwrap().contains("event: hello"));
        hub.error(&[Diagnostic::error("content/a.md", 3, 7, "bad \"thing\"")]);
        let e = rx.recv().unwrap();
        assert!(e.starts_with("event: build-error\ndata: [{"), "{e}");
        assert!(
            e.contains(r#""line":3"#) && e.contains(r#"bad \"thing\""#),
            "{e}"
        );
        // A page connecting now is told of the error at once.
        let late = hub.subscribe();
        late.recv().unwrap();
        assert!(late.recv().unwrap().contains("build-error"));
        hub.reload();
        assert!(rx.recv().unwrap().starts_with("event: reload\n"));
        // No error any more: a new page gets hello only.
        let fresh = hub.subscribe();
        fresh.recv().unwrap();
        assert!(fresh.try_recv().is_err());
    }

    #[test]
    fn disconnected_pages_are_dropped() {
        let hub = Hub::new();
        drop(hub.subscribe());
        hub.reload();
        assert_eq!(hub.clients(), 0);
    }
}
