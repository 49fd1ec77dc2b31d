//! Headless Chromium driven over WebDriver (W3C JSON over HTTP) through Debian's `chromedriver`:
//! just what the page test needs (open a URL, run a script, click, size the window, screenshot).

use std::{
    io::{BufRead, BufReader},
    os::unix::process::CommandExt,
    process::{Child, Command, Stdio},
    time::Duration,
};

use base64::Engine;
use serde_json::{Value, json};

use super::http;

/// Chromium's flags: headless, no sandbox (CI runs as root), nothing that reaches the network.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// A chromedriver process and one browser session in it. Chromedriver runs in a process group
/// of its own with the browsers it starts, and the whole group is killed when this is dropped
/// (a failed test leaves no Chromium behind).
pub struct Browser {
    driver: Child,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a port it picks and opens a headless Chromium with a fresh profile.
    pub async fn start() -> Browser {
        let mut driver = Command::new("chromedriver")
            .arg("--port=0")
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (apt-get install chromium chromium-driver)");
        let mut lines = BufReader::new(driver.stdout.take().unwrap()).lines();
        let port = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.split_once("started successfully on port ").map(|(_, p)| p.trim_end_matches('.').to_string()))
            .expect("chromedriver says its port");
        std::thread::spawn(move || lines.for_each(drop));
        let profile = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
        }}});
        let base = format!("http://127.0.0.1:{port}");
        let created = http::call("POST", &format!("{base}/session"), Some(&capabilities)).await.json();
        let session = created["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {created}")).to_string();
        Browser { driver, session: format!("{base}/session/{session}"), _profile: profile }
    }

    /// A WebDriver command of this session; its `value`.
    async fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let reply = http::call(method, &format!("{}{path}", self.session), body.as_ref()).await;
        let value = reply.json()["value"].clone();
        assert_eq!(reply.status, 200, "{method} {path}: {value}");
        value
    }

    pub async fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url }))).await;
    }

    pub async fn resize(&self, width: u32, height: u32) {
        self.command("POST", "/window/rect", Some(json!({ "width": width, "height": height }))).await;
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) in the page; what it returns.
    pub async fn run(&self, script: &str, args: Value) -> Value {
        self.command("POST", "/execute/sync", Some(json!({ "script": script, "args": args }))).await
    }

    /// Polls `script` until it returns something other than null/false (up to 20 s); that value.
    pub async fn wait_for(&self, what: &str, script: &str, args: Value) -> Value {
        for _ in 0..200 {
            let value = self.run(script, args.clone()).await;
            if !value.is_null() && value != json!(false) {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("waited 20 s for {what}");
    }

    /// Clicks the element `css` selects.
    pub async fn click(&self, css: &str) {
        let found = self.command("POST", "/element", Some(json!({ "using": "css selector", "value": css }))).await;
        let id = found.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("an element id").to_string();
        self.command("POST", &format!("/element/{id}/click"), Some(json!({}))).await;
    }

    /// A PNG of the window.
    pub async fn screenshot(&self) -> Vec<u8> {
        let encoded = self.command("GET", "/screenshot", None).await;
        base64::engine::general_purpose::STANDARD.decode(encoded.as_str().unwrap()).unwrap()
    }
}

impl Browser {
    /// Ends the session, which closes Chromium.
    pub async fn quit(self) {
        http::call("DELETE", &self.session, None).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.driver.id())]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
