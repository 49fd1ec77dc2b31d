//! Routes `RasadService` calls. Subscribe with each update encoded once: the generated server
//! would need one `EventUpdate` per subscriber, cloned and encoded for each; instead
//! [`SharedRoute`] answers Subscribe itself with a codec that writes the hub's shared bytes (the
//! log record) as they are. Ingest with a codec that hands on articles that do not decode, so that
//! one of them is rejected alone (`requests`). Every other call goes to the generated server.
//! The bytes on the wire are the same; the status of a request tonic could not read is corrected.

use std::{
    convert::Infallible,
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
    Service, ingest,
    requests::{self, ArticleCodec, Received},
};
use crate::proto::{IngestResult, SubscribeRequest, rasad_service_server::RasadServiceServer};

const SUBSCRIBE: &str = "/rasad.v1.RasadService/Subscribe";
const INGEST: &str = "/rasad.v1.RasadService/Ingest";

/// The Rasad service: Subscribe here, the rest in the generated server.
#[derive(Clone)]
pub struct SharedRoute {
    rasad: RasadServiceServer<Service>,
    service: Service,
    max_message_bytes: usize,
}

impl SharedRoute {
    pub fn new(rasad: RasadServiceServer<Service>, service: Service, max_message_bytes: usize) -> SharedRoute {
        SharedRoute { rasad, service, max_message_bytes }
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
        let (service, limit) = (self.service.clone(), Some(self.max_message_bytes));
        let answer: Self::Future = match request.uri().path() {
            SUBSCRIBE => Box::pin(async move {
                let mut grpc = Grpc::new(SharedCodec).apply_max_message_size_config(limit, limit);
                Ok(grpc.server_streaming(Subscribe(service), request).await)
            }),
            INGEST => Box::pin(async move {
                let mut grpc = Grpc::new(ArticleCodec).apply_max_message_size_config(limit, limit);
                Ok(grpc.streaming(Ingest(service), request).await)
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
struct Ingest(Service);

impl StreamingService<Received> for Ingest {
    type Response = IngestResult;
    type ResponseStream = ReceiverStream<Result<IngestResult, Status>>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<tonic::Streaming<Received>>) -> Self::Future {
        let replies = ingest::start(self.0.shared.clone(), request.into_inner());
        Box::pin(async move { Ok(Response::new(ReceiverStream::new(replies))) })
    }
}

/// The Subscribe handler.
struct Subscribe(Service);

impl ServerStreamingService<SubscribeRequest> for Subscribe {
    type Response = Bytes;
    type ResponseStream = BoxStream<Bytes>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<SubscribeRequest>) -> Self::Future {
        let service = self.0.clone();
        Box::pin(async move {
            let updates = service.updates(request.into_inner()).await?;
            Ok(Response::new(Box::pin(updates) as Self::ResponseStream))
        })
    }
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
