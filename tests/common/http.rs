//! A small HTTP/1.1 client for the HTTP front's tests and for WebDriver: whole responses, and
//! Server-Sent Events read one message at a time.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::{
    Request,
    body::{Bytes, Incoming},
};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};

/// A whole response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends `method url` with `headers` and a JSON `body` (if any); the response head.
pub async fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&serde_json::Value>) -> hyper::Response<Incoming> {
    let mut request = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Full::new(Bytes::from(json.to_string()))
        }
        None => Full::default(),
    };
    let sent = client().request(request.body(body).unwrap());
    tokio::time::timeout(Duration::from_secs(60), sent)
        .await
        .expect("a response within 60 s")
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// The whole response to `method url`.
pub async fn call(method: &str, url: &str, body: Option<&serde_json::Value>) -> Reply {
    let response = send(method, url, &[], body).await;
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply { status, content_type, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

pub async fn get(url: &str) -> Reply {
    call("GET", url, None).await
}

/// One Server-Sent Event.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub event: String,
    pub data: String,
}

impl Message {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// An open event stream.
pub struct Events {
    body: Incoming,
    buffer: String,
}

impl Events {
    /// Opens `url` with `headers`; panics unless it answers 200 with `text/event-stream`.
    pub async fn open(url: &str, headers: &[(&str, &str)]) -> Events {
        let response = send("GET", url, headers, None).await;
        let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
        assert_eq!((response.status().as_u16(), kind.as_deref()), (200, Some("text/event-stream")), "{url}");
        Events { body: response.into_body(), buffer: String::new() }
    }

    /// The next message (keep-alive comments skipped), or `None` within `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Message> {
        tokio::time::timeout(wait, self.next()).await.ok().flatten()
    }

    /// The next message; `None` when the stream ends.
    pub async fn next(&mut self) -> Option<Message> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut message = Message { id: String::new(), event: "message".into(), data: String::new() };
                for line in block.lines() {
                    let (field, value) = line.split_once(':').map_or((line, ""), |(f, v)| (f, v.strip_prefix(' ').unwrap_or(v)));
                    match field {
                        "id" => message.id = value.into(),
                        "event" => message.event = value.into(),
                        "data" => message.data.push_str(value),
                        _ => {}
                    }
                }
                if !message.data.is_empty() {
                    return Some(message);
                }
                continue;
            }
            let frame = self.body.frame().await?.unwrap();
            if let Ok(data) = frame.into_data() {
                self.buffer.push_str(&String::from_utf8_lossy(&data));
            }
        }
    }

    /// The next `n` messages, failing after 20 s.
    pub async fn take(&mut self, n: usize) -> Vec<Message> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match self.next_within(Duration::from_secs(20)).await {
                Some(m) => out.push(m),
                None => panic!("the stream gave {} of {n} messages", out.len()),
            }
        }
        out
    }
}
