//! Issue 18: what a hostile or unlucky client does to the service, over a socket.

mod common;

use std::sync::Arc;

use common::*;
use rasad::proto::SubscribeRequest;
use tonic::Code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resuming_after_a_sequence_beyond_the_head_is_refused_with_the_head() {
    let server = TestServer::start(Arc::new(Scripted)).await;
    let mut client = server.client().await;
    let articles = (0..3).map(|i| article(&format!("h{i}"), &format!("h{i}\nEVENT CONSULT OCCURRED RUS USA"))).collect();
    ingest(&mut client, articles).await;
    let beyond = SubscribeRequest { after_sequence: Some(40), ..Default::default() };
    let status = client.subscribe(beyond).await.expect_err("refused");
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
    assert!(status.message().contains("(3)"), "the head is in the message: {}", status.message());
    // At the head itself: nothing missed, nothing to replay.
    let at_head = SubscribeRequest { after_sequence: Some(3), ..Default::default() };
    assert!(client.subscribe(at_head).await.is_ok());
}
