//! The subcommands of the `rasad` binary. `main.rs` only parses arguments and calls these.

pub mod bench;
pub mod export;
pub mod extract;
pub mod ingest;
pub mod input;
pub mod kb;
pub mod merge_eval;
pub mod serve;
pub mod subscribe;
pub mod worker;

use std::path::PathBuf;

use clap::Args;
use tonic::{
    service::interceptor::InterceptedService,
    transport::{Certificate, Channel, ClientTlsConfig, Identity},
};

use crate::{
    proto::rasad_service_client::RasadServiceClient,
    service::{
        HTTP2_CONNECTION_WINDOW, HTTP2_STREAM_WINDOW,
        auth::{Bearer, Connection},
    },
};

/// The `--server` option shared by the client subcommands, with how to reach it.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// URL of the Rasad server (https://... when it serves TLS).
    #[arg(long, env = "RASAD_SERVER", default_value = "http://127.0.0.1:50051")]
    pub server: String,
    #[command(flatten)]
    pub secure: Secure,
}

/// TLS and the API key of a client.
#[derive(Debug, Clone, Args)]
pub struct Secure {
    /// The CA certificate (PEM) that signed the server's certificate; the server URL is https://.
    #[arg(long, env = "RASAD_CA")]
    pub ca: Option<PathBuf>,
    /// This client's certificate (PEM), for a server that asks for one (mutual TLS).
    #[arg(long, env = "RASAD_CERT", requires_all = ["key", "ca"])]
    pub cert: Option<PathBuf>,
    /// The private key (PEM) of --cert.
    #[arg(long, env = "RASAD_KEY", requires = "cert")]
    pub key: Option<PathBuf>,
    /// The API key sent as `authorization: Bearer TOKEN`.
    #[arg(long, env = "RASAD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

impl ServerArgs {
    pub async fn connect(&self) -> anyhow::Result<RasadServiceClient<Connection>> {
        let client = RasadServiceClient::new(self.channel().await?);
        Ok(client.max_decoding_message_size(usize::MAX).max_encoding_message_size(usize::MAX))
    }

    /// A connection to the server, for clients other than the generated one.
    pub async fn channel(&self) -> anyhow::Result<Connection> {
        let endpoint = Channel::from_shared(self.server.clone()).map_err(|e| anyhow::anyhow!("bad server URL {}: {e}", self.server))?;
        let mut endpoint = endpoint.initial_connection_window_size(HTTP2_CONNECTION_WINDOW).initial_stream_window_size(HTTP2_STREAM_WINDOW);
        let https = endpoint.uri().scheme_str() == Some("https");
        match (&self.secure.ca, https) {
            (Some(_), true) => endpoint = endpoint.tls_config(self.secure.tls()?)?,
            (None, false) => {}
            (Some(_), false) => anyhow::bail!("--ca is for a TLS server: write its URL as https://..."),
            (None, true) => {
                anyhow::bail!("{} is a TLS server: pass --ca FILE, the CA certificate that signed its certificate", self.server)
            }
        }
        let bearer = Bearer::new(self.secure.token.as_deref())?;
        let channel =
            endpoint.connect().await.map_err(|e| anyhow::anyhow!("cannot connect to {}: {e} (is `rasad serve` running?)", self.server))?;
        Ok(InterceptedService::new(channel, bearer))
    }
}

impl Secure {
    fn tls(&self) -> anyhow::Result<ClientTlsConfig> {
        let read = |path: &PathBuf| std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()));
        let mut tls = ClientTlsConfig::new();
        if let Some(ca) = &self.ca {
            tls = tls.ca_certificate(Certificate::from_pem(read(ca)?));
        }
        if let (Some(cert), Some(key)) = (&self.cert, &self.key) {
            tls = tls.identity(Identity::from_pem(read(cert)?, read(key)?));
        }
        Ok(tls)
    }
}
