//! A small HTTP/1.1 server: `GET` and `HEAD` of the files in the [`Store`] and the live-reload
//! event stream. It is written here rather than taken from a crate because the event stream
//! must be flushed event by event, which the small synchronous servers do not do.
//!
//! Safe by default: only files the build produced are served (the store holds nothing else,
//! and nothing is read from disk); a path whose decoded segments include `.` or `..`, a
//! backslash or a NUL byte is refused with 403; the 404 page is sent with status 404.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::reload::{EVENTS_PATH, Hub, SCRIPT};
use super::store::Store;

/// At most this many connections are served at once; more are answered 503.
const MAX_CONNECTIONS: usize = 256;
/// An idle keep-alive connection is closed after this long.
const IDLE: Duration = Duration::from_secs(10);
/// The event stream sends a comment this often, so a closed page is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// The longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;

/// Binds `addr:port`, or when `next_free` the first free port of the hundred from `port` on.
pub fn bind(addr: IpAddr, port: u16, next_free: bool) -> io::Result<TcpListener> {
    let last = if next_free && port != 0 {
        port.saturating_add(99)
    } else {
        port
    };
    let mut error = None;
    for p in port..=last {
        match TcpListener::bind((addr, p)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(error.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

/// A running server.
pub struct Http {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    open: Arc<Mutex<HashMap<u64, TcpStream>>>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    store: Arc<Store>,
    hub: Arc<Hub>,
    stop: Arc<AtomicBool>,
    active: AtomicUsize,
    open: Arc<Mutex<HashMap<u64, TcpStream>>>,
    next_id: AtomicU64,
}

impl Http {
    /// Serves `store` and `hub` on `listener` from a thread of its own.
    pub fn start(listener: TcpListener, store: Arc<Store>, hub: Arc<Hub>) -> io::Result<Http> {
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(HashMap::new()));
        let shared = Arc::new(Shared {
            store,
            hub,
            stop: stop.clone(),
            active: AtomicUsize::new(0),
            open: open.clone(),
            next_id: AtomicU64::new(0),
        });
        let thread = std::thread::Builder::new()
            .name("orebrief-http".into())
            .spawn(move || accept(listener, shared))?;
        Ok(Http {
            addr,
            stop,
            open,
            thread: Some(thread),
        })
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every open connection and waits for the accepting thread.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread up.
        let wake = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => {
                SocketAddr::from(([127, 0, 0, 1], self.addr.port()))
            }
            IpAddr::V6(ip) if ip.is_unspecified() => {
                SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, self.addr.port()))
            }
            _ => self.addr,
        };
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        for (_, stream) in self.open.lock().unwrap_or_else(|e| e.into_inner()).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept(listener: TcpListener, shared: Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut stream) = conn else {
            continue;
        };
        if shared.active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = respond(
                &mut stream,
                &Response::text(503, "too many connections"),
                false,
                false,
            );
            continue;
        }
        shared.active.fetch_add(1, Ordering::SeqCst);
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            shared
                .open
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, clone);
        }
        let worker = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("orebrief-conn".into())
            .spawn(move || {
                let _ = connection(stream, &worker);
                worker
                    .open
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
                worker.active.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            // No thread: the connection was dropped with the closure.
            shared
                .open
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            shared.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// A parsed request head.
#[derive(Debug)]
struct Request {
    method: String,
    target: String,
    keep_alive: bool,
    has_body: bool,
}

/// Reads one request head; `None` at the end of the stream.
fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut head: Vec<String> = Vec::new();
    let mut size = 0;
    loop {
        let mut line = Vec::new();
        let n = reader
            .by_ref()
            .take((MAX_HEAD - size + 1) as u64)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            if head.is_empty() {
                return Ok(None);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "truncated head",
            ));
        }
        size += n;
        if size > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
        }
        let line = String::from_utf8(line)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "head not UTF-8"))?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if head.is_empty() {
                continue; // Blank lines before a request are allowed.
            }
            break;
        }
        head.push(line.to_string());
    }
    let mut parts = head[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    };
    if !version.starts_with("HTTP/1.") || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    }
    let mut connection = String::new();
    let mut has_body = false;
    for line in &head[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "bad header"));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "connection" => connection = value.to_ascii_lowercase(),
            "content-length" => has_body |= value != "0",
            "transfer-encoding" => has_body = true,
            _ => {}
        }
    }
    let keep_alive = if version == "HTTP/1.0" {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    Ok(Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
        has_body,
    }))
}

/// A response to send.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// The body.
    pub body: Arc<Vec<u8>>,
    /// `Location`, for redirects.
    pub location: Option<String>,
}

impl Response {
    fn text(status: u16, text: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8".into(),
            body: Arc::new(format!("{text}\n").into_bytes()),
            location: None,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn respond(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    );
    if let Some(location) = &response.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    if response.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&response.body)?;
    }
    stream.flush()
}

fn connection(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(());
            }
            Err(_) => {
                let _ = respond(
                    &mut stream,
                    &Response::text(400, "bad request"),
                    false,
                    false,
                );
                return Ok(());
            }
        };
        if shared.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let head_only = request.method == "HEAD";
        let path = request.target.split(['?', '#']).next().unwrap_or("");
        if path == EVENTS_PATH && request.method == "GET" {
            return events(stream, shared);
        }
        let keep_alive = request.keep_alive && !request.has_body;
        let response = route(&request.method, &request.target, &shared.store);
        respond(&mut stream, &response, head_only, keep_alive)?;
        if !keep_alive {
            return Ok(());
        }
    }
}

/// The live-reload event stream of one page.
fn events(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let rx = shared.hub.subscribe();
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n",
    )?;
    stream.flush()?;
    loop {
        match rx.recv_timeout(KEEP_ALIVE) {
            Ok(event) => stream.write_all(event.as_bytes())?,
            Err(RecvTimeoutError::Timeout) => {
                if shared.stop.load(Ordering::SeqCst) {
                    return Ok(());
                }
                stream.write_all(b": keep-alive\n\n")?;
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        stream.flush()?;
    }
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a path (`*`, an absolute URL, bad percent-encoding): 400.
    Malformed,
    /// A path that tries to leave the output (`..`), or that no build writes: 403.
    Forbidden,
}

/// Decodes a request path (`/a%20b/`) into a path inside the output (`a b/`), refusing
/// anything that could leave it.
pub fn output_path(target: &str) -> Result<String, Refused> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(path) = path.strip_prefix('/') else {
        return Err(Refused::Malformed);
    };
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(Refused::Malformed),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).map_err(|_| Refused::Forbidden)?;
    if decoded.contains(['\0', '\\']) || decoded.starts_with('/') {
        return Err(Refused::Forbidden);
    }
    if decoded.split('/').any(|s| s == ".." || s == ".") {
        return Err(Refused::Forbidden);
    }
    Ok(decoded)
}

/// The `Content-Type` of an output file.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "svg" | "atom+xml" | "rss+xml" | "manifest+json"
        )
        || mime.suffix().is_some_and(|s| s == "xml" || s == "json");
    if textual {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

fn html(status: u16, body: Vec<u8>) -> Response {
    Response {
        status,
        content_type: "text/html; charset=utf-8".into(),
        body: Arc::new(body),
        location: None,
    }
}

/// Answers a `GET` or `HEAD` of `target`.
fn route(method: &str, target: &str, store: &Store) -> Response {
    if method != "GET" && method != "HEAD" {
        return Response::text(405, "only GET and HEAD");
    }
    let rel = match output_path(target) {
        Ok(rel) => rel,
        Err(Refused::Malformed) => return Response::text(400, "bad request"),
        Err(Refused::Forbidden) => return Response::text(403, "forbidden"),
    };
    if !store.is_built() {
        let page = format!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>orebrief serve</title><body><p>The site has not built yet: fix the errors shown in the terminal and this page reloads.</p>{SCRIPT}</body></html>"
        );
        return html(503, page.into_bytes());
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if let Some(bytes) = store.get(&key) {
        return Response {
            status: 200,
            content_type: content_type(&key),
            body: bytes,
            location: None,
        };
    }
    if !rel.is_empty() && !rel.ends_with('/') && store.get(&format!("{rel}/index.html")).is_some() {
        let (path, query) = match target.find('?') {
            Some(at) => target.split_at(at),
            None => (target, ""),
        };
        return Response {
            status: 301,
            content_type: "text/plain; charset=utf-8".into(),
            body: Arc::new(Vec::new()),
            location: Some(format!("{path}/{query}")),
        };
    }
    match store.get("404.html") {
        Some(page) => Response {
            status: 404,
            content_type: "text/html; charset=utf-8".into(),
            body: page,
            location: None,
        },
        None => Response::text(404, "not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_traversal_refused() {
        assert_eq!(output_path("/"), Ok(String::new()));
        assert_eq!(
            output_path("/minerals/gallium/?x=1#y"),
            Ok("minerals/gallium/".into())
        );
        assert_eq!(output_path("/a%20b/c.csv"), Ok("a b/c.csv".into()));
        for bad in [
            "/../etc/passwd",
            "/minerals/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/minerals/%2e%2e/%2e%2e/x",
            "/./index.html",
            "/..%5c..%5cwindows",
            "/a%00b",
            "//etc/passwd",
            "/%c0%ae%c0%ae/x",
        ] {
            assert_eq!(output_path(bad), Err(Refused::Forbidden), "{bad}");
        }
        for bad in ["*", "http://example.org/", "/%zz", "/%2"] {
            assert_eq!(output_path(bad), Err(Refused::Malformed), "{bad}");
        }
    }

    #[test]
    fn content_types_name_their_charset() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert!(content_type("search-index.js").contains("javascript; charset=utf-8"));
        assert_eq!(content_type("data.json"), "application/json; charset=utf-8");
        assert!(content_type("atom.xml").ends_with("xml; charset=utf-8"));
        assert_eq!(content_type("a.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("logo.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("photo.png"), "image/png");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type(".nojekyll"), "application/octet-stream");
    }

    #[test]
    fn request_heads_parse() {
        let mut r =
            io::Cursor::new(b"GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".to_vec());
        let req = read_request(&mut r).unwrap().unwrap();
        assert_eq!(
            (req.method.as_str(), req.target.as_str(), req.keep_alive),
            ("GET", "/x", false)
        );
        let mut r = io::Cursor::new(b"GET /x HTTP/1.0\r\n\r\n".to_vec());
        assert!(!read_request(&mut r).unwrap().unwrap().keep_alive);
        let mut r = io::Cursor::new(b"GET /x y HTTP/1.1\r\n\r\n".to_vec());
        assert!(read_request(&mut r).is_err());
        let mut r = io::Cursor::new(Vec::new());
        assert!(read_request(&mut r).unwrap().is_none());
    }
}
