//! A small Chrome DevTools Protocol client for the dashboard's browser tests: it starts Debian's Chromium
//! headless with a fresh profile, talks to one page over the protocol's WebSocket, and offers what the tests
//! need: open a URL, run JavaScript in the page (awaiting promises), wait for a condition, hand a file to a file
//! input (as a user choosing it would), and take screenshots.
//!
//! Needs Chromium (`scripts/install-deps.sh --browser`, or `apt-get install -y chromium`); the path can be
//! overridden with `KEEL_CHROMIUM`. A missing browser fails the test: CI installs it.
#![allow(dead_code, unreachable_pub)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

pub struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    _profile: tempfile::TempDir,
    /// Messages the page logged to its console, and uncaught exceptions (checked by tests: none expected).
    pub console: Vec<String>,
    /// Every HTTP response the page received: (URL, status).
    pub responses: Vec<(String, u16)>,
}

fn chromium() -> PathBuf {
    let p = std::env::var_os("KEEL_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        p.exists(),
        "headless Chromium not found at {}: install it with `scripts/install-deps.sh --browser` \
         (or `apt-get install -y chromium`), or set KEEL_CHROMIUM to its path",
        p.display()
    );
    p
}

impl Browser {
    /// Starts Chromium with a window of `width` x `height` CSS pixels and attaches to its first page.
    pub fn launch(width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                &format!("--window-size={width},{height}"),
                &format!("--user-data-dir={}", profile.path().display()),
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        // Chromium prints the browser's WebSocket address on stderr; keep draining stderr afterwards so it
        // never blocks on a full pipe.
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let port = loop {
            let line = lines
                .next()
                .expect("chromium exited before it listened")
                .unwrap();
            if let Some(rest) = line.split("DevTools listening on ws://127.0.0.1:").nth(1) {
                break rest.split('/').next().unwrap().parse::<u16>().unwrap();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        let list: Value = {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let r = ureq::get(&format!("http://127.0.0.1:{port}/json/list")).call();
                if let Ok(r) = r {
                    let v: Value =
                        serde_json::from_slice(&r.into_body().read_to_vec().unwrap()).unwrap();
                    if v.as_array()
                        .is_some_and(|a| a.iter().any(|t| t["type"] == "page"))
                    {
                        break v;
                    }
                }
                assert!(Instant::now() < deadline, "chromium listed no page");
                std::thread::sleep(Duration::from_millis(100));
            }
        };
        let url = list
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .unwrap()["webSocketDebuggerUrl"]
            .as_str()
            .unwrap()
            .to_owned();
        let (ws, _) = tungstenite::connect(url.as_str()).expect("connect to the page");
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        }
        let mut b = Browser {
            child,
            ws,
            next: 0,
            _profile: profile,
            console: Vec::new(),
            responses: Vec::new(),
        };
        b.call("Page.enable", &json!({}));
        b.call("Runtime.enable", &json!({}));
        b.call("Network.enable", &json!({}));
        b
    }

    /// Sends one command and returns its result, keeping console messages and exceptions seen meanwhile.
    pub fn call(&mut self, method: &str, params: &Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.ws
            .send(Message::text(
                json!({"id": id, "method": method, "params": params}).to_string(),
            ))
            .unwrap();
        loop {
            let msg = self.ws.read().expect("read from chromium");
            let Message::Text(t) = msg else { continue };
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            match v["method"].as_str() {
                Some("Runtime.consoleAPICalled") => {
                    let args: Vec<String> = v["params"]["args"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|a| a["value"].to_string())
                        .collect();
                    self.console
                        .push(format!("{}: {}", v["params"]["type"], args.join(" ")));
                }
                Some("Runtime.exceptionThrown") => self.console.push(format!(
                    "exception: {}",
                    v["params"]["exceptionDetails"]["exception"]["description"]
                )),
                Some("Network.responseReceived") => self.responses.push((
                    v["params"]["response"]["url"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                    v["params"]["response"]["status"].as_u64().unwrap_or(0) as u16,
                )),
                _ => {}
            }
            if v["id"].as_u64() == Some(id) {
                assert!(v["error"].is_null(), "{method} failed: {}", v["error"]);
                return v["result"].clone();
            }
        }
    }

    /// Opens `url` and waits until the page has loaded.
    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", &json!({ "url": url }));
        self.wait(
            "document.readyState === 'complete'",
            Duration::from_secs(30),
        );
    }

    /// Evaluates `js` in the page (awaiting a promise) and returns its value; an exception fails the test.
    pub fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            &json!({"expression": js, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(
            r["exceptionDetails"].is_null(),
            "the page threw on `{js}`: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    /// Polls `condition` (a JavaScript expression) until it is truthy; fails the test after `timeout`, saying
    /// what the page showed.
    pub fn wait(&mut self, condition: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.eval(condition);
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return v;
            }
            if Instant::now() > deadline {
                let text = self.eval("document.body ? document.body.innerText : ''");
                panic!(
                    "waited {timeout:?} for `{condition}`; the page shows:\n{}\nconsole: {:?}",
                    text.as_str().unwrap_or(""),
                    self.console
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Gives `path` to the file input `selector`, as choosing it in the file dialog would (fires `change`).
    pub fn set_file(&mut self, selector: &str, path: &Path) {
        let r = self.call(
            "Runtime.evaluate",
            &json!({ "expression": format!("document.querySelector({})", json!(selector)) }),
        );
        let object = r["result"]["objectId"]
            .as_str()
            .unwrap_or_else(|| panic!("no element {selector}"))
            .to_owned();
        self.call(
            "DOM.setFileInputFiles",
            &json!({"files": [path.display().to_string()], "objectId": object}),
        );
    }

    /// A PNG of the viewport (`full`: the whole page).
    pub fn screenshot(&mut self, full: bool) -> Vec<u8> {
        let r = self.call(
            "Page.captureScreenshot",
            &json!({"format": "png", "captureBeyondViewport": full}),
        );
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
