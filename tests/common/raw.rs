//! Calls with articles whose strings are any bytes, as a client in another language may send
//! them (text that is not UTF-8 included): the typed client cannot build such a message.

use rasad::proto::{Article, ExtractResponse, IngestResult};
use tonic::{Request, Status, codegen::http::uri::PathAndQuery, transport::Channel};
use tonic_prost::ProstCodec;

/// An `Article` whose strings are any bytes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RawArticle {
    #[prost(bytes = "vec", tag = "1")]
    pub id: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub text: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    pub published_at: Vec<u8>,
}

pub fn raw(a: &Article) -> RawArticle {
    RawArticle { id: a.id.clone().into_bytes(), text: a.text.clone().into_bytes(), published_at: a.published_at.clone().into_bytes() }
}

/// A gRPC client of the server at `url` that takes messages of any size.
async fn raw_client(url: &str) -> tonic::client::Grpc<Channel> {
    let channel = Channel::from_shared(url.to_string()).unwrap().connect().await.unwrap();
    let mut grpc = tonic::client::Grpc::new(channel).max_decoding_message_size(usize::MAX);
    grpc.ready().await.unwrap();
    grpc
}

/// Ingests `articles` as they are on one stream: the results until the stream ends, and how it ended.
pub async fn ingest_raw(url: &str, articles: Vec<RawArticle>) -> (Vec<IngestResult>, Result<(), Status>) {
    let mut grpc = raw_client(url).await;
    let path = PathAndQuery::from_static("/rasad.v1.RasadService/Ingest");
    let codec = ProstCodec::<RawArticle, IngestResult>::default();
    let mut results = grpc.streaming(Request::new(tokio_stream::iter(articles)), path, codec).await.unwrap().into_inner();
    let mut out = Vec::new();
    loop {
        match results.message().await {
            Ok(Some(r)) => out.push(r),
            Ok(None) => return (out, Ok(())),
            Err(status) => return (out, Err(status)),
        }
    }
}

pub async fn extract_raw(url: &str, article: RawArticle) -> Result<ExtractResponse, Status> {
    let mut grpc = raw_client(url).await;
    let path = PathAndQuery::from_static("/rasad.v1.RasadService/Extract");
    let codec = ProstCodec::<RawArticle, ExtractResponse>::default();
    grpc.unary(Request::new(article), path, codec).await.map(|r| r.into_inner())
}
