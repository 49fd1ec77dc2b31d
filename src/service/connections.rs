//! The connections the gRPC server accepts, bounded: at most `max` open at once, and a connection
//! that sends nothing for `idle` is closed. A live client is never idle by that measure: the
//! server pings every connection (HTTP/2 keepalive) more often than that, and the client's
//! answers are reads. What it closes is a socket that was opened and left, or a peer that went
//! away without a word.
//!
//! The cap is kept by accepting every connection at once and shedding, never by leaving them in
//! the listen backlog: a client queued there behind thousands of sockets opened and left (which
//! the kernel completes whether or not the server accepts) would wait until the idle timeout
//! freed their places, Health included. A new connection beyond `max` takes the place of the
//! oldest one that has not sent a byte yet (a socket opened and left, or a client still
//! handshaking); when every open connection has spoken, the new one is closed at once, and the
//! client sees it refused rather than hanging.

use std::{
    collections::BTreeMap,
    io,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll, ready},
    time::Duration,
};

use futures_util::StreamExt;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    time::{Instant, Sleep},
};
use tokio_stream::Stream;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
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

/// The connections accepted on `listener`, at most `limits.max` open at once: every connection
/// is accepted as it comes, and one beyond the cap sheds the oldest silent one or is closed.
pub fn incoming(listener: TcpListener, limits: ConnectionLimits) -> impl Stream<Item = io::Result<Bounded>> {
    let tcp = TcpIncoming::from(listener).with_nodelay(Some(true)).with_keepalive(Some(limits.keepalive()));
    let places = Arc::new(Places::new(limits.max.max(1)));
    futures_util::stream::unfold((tcp, places), move |(mut tcp, places)| async move {
        loop {
            match tcp.next().await? {
                Ok(stream) => match places.take() {
                    Some(place) => return Some((Ok(Bounded::new(stream, place, limits.idle)), (tcp, places))),
                    // Dropping the socket closes it: the client is refused, not queued.
                    None => tracing::debug!(max = places.max, "refused a connection: every place is held by a connection that has spoken"),
                },
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

/// The places of the open connections.
struct Places {
    max: usize,
    open: Mutex<Open>,
}

/// How many connections are open, and which of them have not sent a byte yet.
#[derive(Default)]
struct Open {
    count: usize,
    /// The silent connections by the order they were accepted, each with the token that sheds it.
    silent: BTreeMap<u64, CancellationToken>,
    accepted: u64,
}

impl Places {
    fn new(max: usize) -> Places {
        Places { max, open: Mutex::default() }
    }

    fn open(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for a new connection: a free one, or else that of the oldest silent connection,
    /// which is shed; `None` when every place is held by a connection that has spoken.
    fn take(self: &Arc<Places>) -> Option<Place> {
        let mut open = self.open();
        if open.count >= self.max {
            let (_, oldest) = open.silent.pop_first()?;
            oldest.cancel();
            open.count -= 1;
        }
        let id = open.accepted;
        open.accepted += 1;
        let shed = CancellationToken::new();
        open.silent.insert(id, shed.clone());
        open.count += 1;
        Some(Place { id, places: self.clone(), shed, state: Said::Nothing })
    }
}

/// What a connection holding a place has done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    /// Not a byte yet: it may be shed.
    Nothing,
    /// It has sent bytes: it keeps its place until it closes.
    Something,
    /// Shed before it spoke: its place was already given to a newer connection.
    TooLate,
}

/// A connection's place among the `max`, given back when the connection closes.
struct Place {
    id: u64,
    places: Arc<Places>,
    shed: CancellationToken,
    state: Said,
}

impl Place {
    /// The connection sent its first bytes: it can no longer be shed.
    fn spoke(&mut self) {
        if self.state == Said::Nothing {
            let kept = self.places.open().silent.remove(&self.id).is_some();
            self.state = if kept { Said::Something } else { Said::TooLate };
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.places.open();
        let held = match self.state {
            Said::Something => true,
            Said::Nothing => open.silent.remove(&self.id).is_some(),
            Said::TooLate => false,
        };
        if held {
            open.count -= 1;
        }
    }
}

/// An accepted connection holding its place among the `max`, closed when silent for `idle` or
/// when shed to make room for a newer one.
pub struct Bounded {
    stream: TcpStream,
    place: Place,
    shed: Pin<Box<WaitForCancellationFutureOwned>>,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl Bounded {
    fn new(stream: TcpStream, place: Place, idle: Duration) -> Bounded {
        let shed = Box::pin(place.shed.clone().cancelled_owned());
        Bounded { stream, place, shed, idle, deadline: Box::pin(tokio::time::sleep(idle)) }
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
                    self.place.spoke();
                    let next = Instant::now() + self.idle;
                    self.deadline.as_mut().reset(next);
                }
                Poll::Ready(result)
            }
            Poll::Pending => {
                if self.shed.as_mut().poll(cx).is_ready() {
                    let shed = "the connection sent nothing and its place went to a newer connection";
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::ConnectionAborted, shed)));
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn places(max: usize) -> Arc<Places> {
        Arc::new(Places::new(max))
    }

    #[test]
    fn a_connection_beyond_the_cap_takes_the_place_of_the_oldest_silent_one() {
        let places = places(2);
        let (mut first, mut second) = (places.take().unwrap(), places.take().unwrap());
        let third = places.take().expect("the first had not spoken");
        assert!(first.shed.is_cancelled());
        assert!(!second.shed.is_cancelled() && !third.shed.is_cancelled());
        assert_eq!(places.open().count, 2);
        // Bytes read after it was shed do not win its place back, and closing it gives none back.
        first.spoke();
        second.spoke();
        drop(first);
        assert_eq!(places.open().count, 2);
        let _fourth = places.take().expect("the third had not spoken");
        assert!(third.shed.is_cancelled() && !second.shed.is_cancelled());
    }

    #[test]
    fn when_every_connection_has_spoken_a_new_one_is_refused_until_one_closes() {
        let places = places(2);
        let (mut first, mut second) = (places.take().unwrap(), places.take().unwrap());
        first.spoke();
        second.spoke();
        assert!(places.take().is_none());
        drop(first);
        assert!(places.take().is_some());
        assert!(!second.shed.is_cancelled());
    }
}
