//! Who may call what. `rasad serve --api-keys FILE` names bearer tokens with a role each (lines
//! `role token`): `read` may Subscribe, GetEvent, ListEvents, ListReports, Extract and use
//! reflection; `write` may also Ingest. [`AuthLayer`] checks every gRPC request against them in
//! one place, before any service sees it; the health service stays open so that load balancers
//! and orchestrators can probe without a key. Without a keys file everything is open (the
//! default, on 127.0.0.1). [`Bearer`] is the other end: the token a `rasad` client sends.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
    task::{Context, Poll},
};

use sha2::{Digest, Sha256};
use tonic::{
    Request, Status,
    codegen::{BoxFuture, http},
    metadata::{Ascii, MetadataValue},
    service::{Interceptor, interceptor::InterceptedService},
    transport::Channel,
};
use tower::{Layer, Service};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads: Subscribe, GetEvent, ListEvents, ListReports, Extract, reflection.
    Read,
    /// Everything `Read` may, and Ingest.
    Write,
}

impl Role {
    fn allows(self, needed: Role) -> bool {
        self == Role::Write || needed == Role::Read
    }

    fn name(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("cannot read the API keys file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("API keys file line {line}: {why}; write `read TOKEN` or `write TOKEN`")]
    Line { line: usize, why: String },
    #[error("the API keys file {0} names no key: every call would be refused")]
    Empty(PathBuf),
    #[error("the token cannot be sent in an HTTP header (printable ASCII only)")]
    Unsendable,
}

/// The configured keys; by default none, and then every call is allowed.
#[derive(Debug, Clone, Default)]
pub struct Keys(Option<Arc<HashMap<[u8; 32], Role>>>);

/// The call every key may make without a key (probes).
const HEALTH: &str = "/grpc.health.v1.Health/";
/// The call that needs a key of role `write`.
const INGEST: &str = "/rasad.v1.RasadService/Ingest";

impl Keys {
    /// The keys in `path`: one `role token` a line; blank lines and lines starting with `#` are skipped.
    pub fn load(path: &Path) -> Result<Keys, KeysError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeysError::Io { path: path.to_path_buf(), source })?;
        let mut keys = HashMap::new();
        for (i, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (role, token) = parse_line(line).map_err(|why| KeysError::Line { line: i, why })?;
            keys.insert(digest(token), role);
        }
        if keys.is_empty() {
            return Err(KeysError::Empty(path.to_path_buf()));
        }
        Ok(Keys(Some(Arc::new(keys))))
    }

    /// Whether any key is configured (calls need one).
    pub fn required(&self) -> bool {
        self.0.is_some()
    }

    /// Whether the request to `path` with `headers` may go on.
    #[allow(clippy::result_large_err)]
    fn check(&self, path: &str, headers: &http::HeaderMap) -> Result<(), Status> {
        let Some(keys) = &self.0 else { return Ok(()) };
        if path.starts_with(HEALTH) {
            return Ok(());
        }
        let token = headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let Some(token) = token else {
            return Err(Status::unauthenticated("this server needs an API key: send the header `authorization: Bearer TOKEN`"));
        };
        let role = keys.get(&digest(token.trim())).ok_or_else(|| Status::unauthenticated("unknown API key"))?;
        let needed = if path == INGEST { Role::Write } else { Role::Read };
        if !role.allows(needed) {
            return Err(Status::permission_denied(format!(
                "{path} needs a key of role {}; this key's role is {}",
                needed.name(),
                role.name()
            )));
        }
        Ok(())
    }
}

fn parse_line(line: &str) -> Result<(Role, &str), String> {
    let mut words = line.split_whitespace();
    let role = match words.next() {
        Some("read") => Role::Read,
        Some("write") => Role::Write,
        Some(other) => return Err(format!("unknown role {other:?}")),
        None => return Err("empty line".into()),
    };
    let token = words.next().ok_or("no token after the role")?;
    if words.next().is_some() {
        return Err("more than a role and a token".into());
    }
    Bearer::new(Some(token)).map_err(|e| e.to_string())?;
    Ok((role, token))
}

/// Keys are looked up by their SHA-256, so that how long a lookup takes tells nothing about a key.
fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Refuses a request its key does not allow (UNAUTHENTICATED, PERMISSION_DENIED) before the
/// services see it.
#[derive(Clone)]
pub struct AuthLayer(pub Keys);

impl<S> Layer<S> for AuthLayer {
    type Service = Authorize<S>;

    fn layer(&self, inner: S) -> Authorize<S> {
        Authorize { inner, keys: self.0.clone() }
    }
}

#[derive(Clone)]
pub struct Authorize<S> {
    inner: S,
    keys: Keys,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<S, B> Service<http::Request<B>> for Authorize<S>
where
    S: Service<http::Request<B>>,
    S::Response: Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = BoxFuture<S::Response, BoxError>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        // tonic answers a `Status` returned as the error with that status.
        if let Err(status) = self.keys.check(request.uri().path(), request.headers()) {
            return Box::pin(std::future::ready(Err(status.into())));
        }
        let answer = self.inner.call(request);
        Box::pin(async move { answer.await.map_err(Into::into) })
    }
}

/// Sends `authorization: Bearer TOKEN` with every call, when there is a token.
#[derive(Clone)]
pub struct Bearer(Option<MetadataValue<Ascii>>);

impl Bearer {
    pub fn new(token: Option<&str>) -> Result<Bearer, KeysError> {
        let header = token.map(|t| MetadataValue::try_from(format!("Bearer {t}"))).transpose();
        Ok(Bearer(header.map_err(|_| KeysError::Unsendable)?))
    }
}

impl Interceptor for Bearer {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(header) = &self.0 {
            request.metadata_mut().insert("authorization", header.clone());
        }
        Ok(request)
    }
}

/// A connection of a `rasad` client: a channel that sends its token.
pub type Connection = InterceptedService<Channel, Bearer>;
