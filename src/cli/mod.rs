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

use clap::Args;
use tonic::transport::Channel;

use crate::{
    proto::rasad_service_client::RasadServiceClient,
    service::{HTTP2_CONNECTION_WINDOW, HTTP2_STREAM_WINDOW},
};

/// The `--server` option shared by the client subcommands.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// URL of the Rasad server.
    #[arg(long, env = "RASAD_SERVER", default_value = "http://127.0.0.1:50051")]
    pub server: String,
}

impl ServerArgs {
    pub async fn connect(&self) -> anyhow::Result<RasadServiceClient<Channel>> {
        let client = RasadServiceClient::new(self.channel().await?);
        Ok(client.max_decoding_message_size(usize::MAX).max_encoding_message_size(usize::MAX))
    }

    /// A connection to the server, for clients other than the generated one.
    pub async fn channel(&self) -> anyhow::Result<Channel> {
        let endpoint = Channel::from_shared(self.server.clone()).map_err(|e| anyhow::anyhow!("bad server URL {}: {e}", self.server))?;
        let endpoint = endpoint.initial_connection_window_size(HTTP2_CONNECTION_WINDOW).initial_stream_window_size(HTTP2_STREAM_WINDOW);
        endpoint.connect().await.map_err(|e| anyhow::anyhow!("cannot connect to {}: {e} (is `rasad serve` running?)", self.server))
    }
}
