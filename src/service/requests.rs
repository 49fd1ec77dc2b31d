//! Requests tonic could not read, answered the way gRPC clients expect: a message that does not
//! decode (a string that is not UTF-8) is the caller's INVALID_ARGUMENT, one over the size limit
//! RESOURCE_EXHAUSTED (tonic says INTERNAL and OUT_OF_RANGE). On an Ingest stream an article that
//! does not decode is rejected on its own and the stream goes on: [`ArticleCodec`] hands the
//! pipeline every message, readable or not.

use prost::{Message, bytes::Buf};
use tonic::{
    Code, Status,
    body::Body,
    codec::{BufferSettings, Codec, DecodeBuf, Decoder},
    codegen::http,
};
use tonic_prost::ProstEncoder;

use crate::proto::{Article, IngestResult};

/// Where tonic's message for a request that does not decode starts.
const UNDECODABLE: &str = "failed to decode Protobuf message";
/// Where tonic's message for a request over the size limit starts.
const TOO_LARGE: &str = "Error, decoded message length too large";

/// The status gRPC expects for a request tonic could not read, when tonic says otherwise.
pub fn caller_status(status: &Status) -> Option<Status> {
    match status.code() {
        Code::Internal if status.message().starts_with(UNDECODABLE) => {
            Some(Status::invalid_argument(format!("{}; strings must be UTF-8", status.message())))
        }
        Code::OutOfRange if status.message().starts_with(TOO_LARGE) => {
            Some(Status::resource_exhausted(format!("{}; send smaller messages", status.message())))
        }
        _ => None,
    }
}

/// Rewrites the status of a response that ended before it began (a request tonic could not read).
pub fn correct_status(response: &mut http::Response<Body>) {
    let corrected = Status::from_header_map(response.headers()).and_then(|status| caller_status(&status));
    if let Some(status) = corrected {
        // Only header values that cannot be built fail; the original status then stays.
        let _ = status.add_header(response.headers_mut());
    }
}

/// An article on an Ingest stream that does not decode.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Its `id`, as far as it can be read (empty if not at all).
    pub article_id: String,
    pub error: String,
}

/// One message of an Ingest stream.
pub type Received = Result<Article, Unreadable>;

/// The `id` field of an `Article`, read without the rest, even when the rest is not UTF-8.
#[derive(Clone, PartialEq, Message)]
struct ArticleId {
    #[prost(bytes = "vec", tag = "1")]
    id: Vec<u8>,
}

fn read_article(bytes: prost::bytes::Bytes) -> Received {
    Article::decode(bytes.clone()).map_err(|e| Unreadable {
        article_id: ArticleId::decode(bytes).map(|a| String::from_utf8_lossy(&a.id).into_owned()).unwrap_or_default(),
        error: format!("not a readable Article ({e}); strings must be UTF-8 (INVALID_ARGUMENT)"),
    })
}

/// The Ingest codec: `IngestResult`s out with prost, every message in as a [`Received`].
#[derive(Default)]
pub struct ArticleCodec;

impl Codec for ArticleCodec {
    type Encode = IngestResult;
    type Decode = Received;
    type Encoder = ProstEncoder<IngestResult>;
    type Decoder = ArticleDecoder;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::new(BufferSettings::default())
    }

    fn decoder(&mut self) -> ArticleDecoder {
        ArticleDecoder
    }
}

pub struct ArticleDecoder;

impl Decoder for ArticleDecoder {
    type Item = Received;
    type Error = Status;

    /// Always consumes the whole message and yields it: an error here would end the stream.
    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<Received>, Status> {
        Ok(Some(read_article(buf.copy_to_bytes(buf.remaining()))))
    }
}
