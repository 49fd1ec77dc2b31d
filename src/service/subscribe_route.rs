//! `RasadService/Subscribe` with each update encoded once. The generated server would need one
//! `EventUpdate` per subscriber, cloned and encoded for each; instead [`SharedRoute`] answers
//! Subscribe itself with a codec that writes the hub's shared bytes (the log record) as they are,
//! and hands every other call to the generated server. The bytes on the wire are the same.

use std::{
    convert::Infallible,
    sync::Arc,
    task::{Context, Poll},
};

use prost::bytes::{BufMut, Bytes};
use tonic::{
    Request, Response, Status,
    body::Body,
    codec::{BufferSettings, Codec, EncodeBuf, Encoder},
    codegen::{BoxFuture, BoxStream, Service as TowerService, http},
    server::{Grpc, NamedService, ServerStreamingService},
};
use tonic_prost::ProstDecoder;

use super::{
    Service, Shared,
    filter::{Filter, UpdateFilter, WatchedFields},
    hub::Start,
};
use crate::proto::{SubscribeRequest, rasad_service_server::RasadServiceServer};

const SUBSCRIBE: &str = "/rasad.v1.RasadService/Subscribe";

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
        if request.uri().path() != SUBSCRIBE {
            return self.rasad.call(request);
        }
        let subscribe = Subscribe(self.shared.clone());
        let limit = Some(self.max_message_bytes);
        Box::pin(async move {
            let mut grpc = Grpc::new(SharedCodec).apply_max_message_size_config(limit, limit);
            Ok(grpc.server_streaming(subscribe, request).await)
        })
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
