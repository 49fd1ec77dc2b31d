//! Routes `RasadService` calls. Subscribe with each update encoded once: the generated server
//! would need one `EventUpdate` per subscriber, cloned and encoded for each; instead
//! [`SharedRoute`] answers Subscribe itself with a codec that writes the hub's shared bytes (the
//! log record) as they are. Ingest with a codec that hands on articles that do not decode, so that
//! one of them is rejected alone (`requests`). Every other call goes to the generated server.
//! The bytes on the wire are the same; the status of a request tonic could not read is corrected.

use std::{
    convert::Infallible,
    sync::Arc,
    task::{Context, Poll},
};

use prost::bytes::{BufMut, Bytes};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{
    Request, Response, Status,
    body::Body,
    codec::{BufferSettings, Codec, EncodeBuf, Encoder},
    codegen::{BoxFuture, BoxStream, Service as TowerService, http},
    server::{Grpc, NamedService, ServerStreamingService, StreamingService},
};
use tonic_prost::ProstDecoder;

use super::{
    Service, Shared,
    filter::{Filter, UpdateFilter, WatchedFields},
    hub::Start,
    ingest,
    requests::{self, ArticleCodec, Received},
};
use crate::proto::{IngestResult, SubscribeRequest, rasad_service_server::RasadServiceServer};

const SUBSCRIBE: &str = "/rasad.v1.RasadService/Subscribe";
const INGEST: &str = "/rasad.v1.RasadService/Ingest";

/// The Rasad service: Subscribe here, the rest in the generated server.
#[derive(Clone)]
pub struct SharedRoute {
    rasad: RasadServiceServer<Service>,
    shared: Arc<Shared>,
    max_message_bytes: usize,
}

impl SharedRoute {
    pub fn new(rasad: RasadServiceServer<Service>, shared: Arc<Shared>, max_message_bytes: usize) -> SharedRoute {
        SharedRoute { rasad, shared, max_message_bytes }
    }
}

impl NamedService for SharedRoute {
    const NAME: &'static str = <RasadServiceServer<Service> as NamedService>::NAME;
}

impl TowerService<http::Request<Body>> for SharedRoute {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Infallible>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let (shared, limit) = (self.shared.clone(), Some(self.max_message_bytes));
        let answer: Self::Future = match request.uri().path() {
            SUBSCRIBE => Box::pin(async move {
                let mut grpc = Grpc::new(SharedCodec).apply_max_message_size_config(limit, limit);
                Ok(grpc.server_streaming(Subscribe(shared), request).await)
            }),
            INGEST => Box::pin(async move {
                let mut grpc = Grpc::new(ArticleCodec).apply_max_message_size_config(limit, limit);
                Ok(grpc.streaming(Ingest(shared), request).await)
            }),
            _ => self.rasad.call(request),
        };
        Box::pin(async move {
            let mut response = answer.await?;
            requests::correct_status(&mut response);
            Ok(response)
        })
    }
}

/// The Ingest handler.
struct Ingest(Arc<Shared>);

impl StreamingService<Received> for Ingest {
    type Response = IngestResult;
    type ResponseStream = ReceiverStream<Result<IngestResult, Status>>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<tonic::Streaming<Received>>) -> Self::Future {
        let replies = ingest::start(self.0.clone(), request.into_inner());
        Box::pin(async move { Ok(Response::new(ReceiverStream::new(replies))) })
    }
}

/// The Subscribe handler.
struct Subscribe(Arc<Shared>);

impl ServerStreamingService<SubscribeRequest> for Subscribe {
    type Response = Bytes;
    type ResponseStream = BoxStream<Bytes>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<SubscribeRequest>) -> Self::Future {
        let shared = self.0.clone();
        Box::pin(async move {
            let req = request.into_inner();
            let filter = UpdateFilter { events: Filter::parse(req.filter)?, fields: WatchedFields::parse(req.changed_fields)? };
            let start = match (req.after_sequence, req.snapshot) {
                (Some(_), true) => {
                    return Err(Status::invalid_argument(
                        "snapshot and after_sequence cannot be combined: a snapshot already reflects the whole log \
                         (resume later with after_sequence = the snapshot updates' sequence)",
                    ));
                }
                (Some(n), false) => Start::After(resumable(n, shared.hub.head())?),
                (None, true) => Start::Snapshot,
                (None, false) => Start::Live,
            };
            let updates = shared.hub.clone().subscribe(filter, start, shared.shutdown.clone());
            Ok(Response::new(Box::pin(updates) as Self::ResponseStream))
        })
    }
}

/// `after_sequence` if the log reaches it. A sequence beyond the head was never sent by this
/// store (it was reset or restored from an older copy): following it would silently skip the
/// updates numbered up to it, so the client is told instead.
#[allow(clippy::result_large_err)]
fn resumable(after: u64, head: u64) -> Result<u64, Status> {
    if after > head {
        return Err(Status::out_of_range(format!(
            "after_sequence {after} is beyond the head of the update log ({head}): this store never sent it \
             (it was reset or restored); resubscribe with after_sequence <= {head}, or with snapshot"
        )));
    }
    Ok(after)
}

/// Decodes `SubscribeRequest`s with prost; encodes responses that are already encoded.
struct SharedCodec;

impl Codec for SharedCodec {
    type Encode = Bytes;
    type Decode = SubscribeRequest;
    type Encoder = Encoded;
    type Decoder = ProstDecoder<SubscribeRequest>;

    fn encoder(&mut self) -> Encoded {
        Encoded
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstDecoder::new(BufferSettings::default())
    }
}

/// Writes an encoded message as it is.
struct Encoded;

impl Encoder for Encoded {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}
