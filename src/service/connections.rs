//! The connections the gRPC server accepts, bounded: at most `max` open at once (the next ones
//! wait in the listen backlog until one closes, so idle sockets cannot exhaust the descriptors),
//! and a connection that sends nothing for `idle` is closed. A live client is never idle by that
//! measure: the server pings every connection (HTTP/2 keepalive) more often than that, and the
//! client's answers are reads. What it closes is a socket that was opened and left, or a peer
//! that went away without a word.

use std::{
    io,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll, ready},
    time::Duration,
};

use futures_util::StreamExt;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore},
    time::{Instant, Sleep},
};
use tokio_stream::Stream;
use tonic::transport::server::{Connected, TcpConnectInfo, TcpIncoming};

/// How many connections, and how long one may stay silent.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections open at once.
    pub max: usize,
    /// A connection that sends nothing this long is closed.
    pub idle: Duration,
    /// Requests (streams included) running at once on one connection.
    pub requests_per_connection: usize,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits { max: 512, idle: Duration::from_secs(60), requests_per_connection: 256 }
    }
}

impl ConnectionLimits {
    /// How often the server pings a connection: often enough that a live client has answered
    /// within the idle timeout.
    pub fn keepalive(&self) -> Duration {
        (self.idle / 3).max(Duration::from_millis(100))
    }
}

/// The connections accepted on `listener`, at most `limits.max` open at once.
pub fn incoming(listener: TcpListener, limits: ConnectionLimits) -> impl Stream<Item = io::Result<Bounded>> {
    let tcp = TcpIncoming::from(listener).with_nodelay(Some(true)).with_keepalive(Some(limits.keepalive()));
    let permits = Arc::new(Semaphore::new(limits.max.max(1)));
    futures_util::stream::unfold((tcp, permits), move |(mut tcp, permits)| async move {
        loop {
            // Accepts only with a free place: the others wait in the listen backlog.
            let permit = permits.clone().acquire_owned().await.ok()?;
            match tcp.next().await? {
                Ok(stream) => return Some((Ok(Bounded::new(stream, permit, limits.idle)), (tcp, permits))),
                Err(e) => {
                    // Out of descriptors, or the peer left before being accepted: wait a little
                    // rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    })
}

/// An accepted connection holding its place among the `max`, closed when silent for `idle`.
pub struct Bounded {
    stream: TcpStream,
    _place: OwnedSemaphorePermit,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl Bounded {
    fn new(stream: TcpStream, place: OwnedSemaphorePermit, idle: Duration) -> Bounded {
        Bounded { stream, _place: place, idle, deadline: Box::pin(tokio::time::sleep(idle)) }
    }
}

impl Connected for Bounded {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        self.stream.connect_info()
    }
}

impl AsyncRead for Bounded {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    let next = Instant::now() + self.idle;
                    self.deadline.as_mut().reset(next);
                }
                Poll::Ready(result)
            }
            Poll::Pending => {
                ready!(self.deadline.as_mut().poll(cx));
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the connection was idle too long")))
            }
        }
    }
}

impl AsyncWrite for Bounded {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
