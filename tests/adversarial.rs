//! Issue 18, bounded fuzzing in `cargo test` (`cargo fuzz` needs a nightly compiler, which the
//! project's machines lack): a few hundred adversarial articles from a fixed seed, through the
//! library extractor and through a real server's Ingest and Extract over a socket.

mod common;

use std::{
    collections::{HashMap, HashSet},
    panic::{AssertUnwindSafe, catch_unwind},
    sync::Arc,
};

use common::{
    adversarial::{Kind, Rng, seed_texts, text},
    raw::*,
    *,
};
use prost::Message;
use rasad::{
    extract::Extractor,
    proto::{Article, ExtractResponse, IngestOutcome, IngestResult, ListEventsRequest, ListReportsRequest},
};
use tonic::Code;

const SEED: u64 = 0x18_5eed;
const ARTICLES: usize = 300;
/// The test server's limits: article text and gRPC message.
const ARTICLE_BYTES: usize = 64 << 10;
const MESSAGE_BYTES: usize = 1 << 20;

/// What the server must answer to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Accepted,
    /// Rejected on Ingest, this code on Extract.
    Refused(Code),
}

#[derive(Debug)]
struct Case {
    what: String,
    article: RawArticle,
    expected: Expected,
}

/// Article `i`: mostly adversarial but valid texts (one in eight exactly at the size limit), one
/// in four refused (empty, blank, over the limit, a bad date, not UTF-8).
fn case(i: usize, rng: &mut Rng, seeds: &[String]) -> Case {
    let id = format!("adv-{i}");
    let dates = ["2019-05-14", "", "2021-02-28T23:59:59+03:00"];
    let published_at = rng.pick(&dates).to_string();
    let refused = |what: &str, text: Vec<u8>, published_at: &str, code| Case {
        what: format!("{id} {what}"),
        article: RawArticle { id: id.clone().into_bytes(), text, published_at: published_at.into() },
        expected: Expected::Refused(code),
    };
    let valid = |rng: &mut Rng, bytes: usize| {
        let kind = *rng.pick(&Kind::ALL);
        // The id first keeps texts distinct (a text seen before is a duplicate) and never blank.
        let prefix = format!("{i} ");
        (kind, prefix.clone() + &text(kind, bytes - prefix.len(), rng, seeds))
    };
    let small = 8 + rng.below(4000);
    match rng.below(16) {
        0 => refused("empty", vec![], "2019-05-14", Code::InvalidArgument),
        1 => refused("blank", " \n\t\u{a0}\u{3000}\r\n".as_bytes().to_vec(), "", Code::InvalidArgument),
        2 => {
            let over = ARTICLE_BYTES + 1 + rng.below(1000);
            let (kind, text) = valid(rng, over);
            refused(&format!("{kind:?} over the limit"), text.into_bytes(), &published_at, Code::ResourceExhausted)
        }
        3 => {
            let (kind, text) = valid(rng, small);
            refused(&format!("{kind:?} dated 2019-13-45"), text.into_bytes(), "2019-13-45", Code::InvalidArgument)
        }
        4 => {
            let (kind, text) = valid(rng, small);
            let mut bytes = text.into_bytes();
            let at = rng.below(bytes.len());
            bytes.splice(at..at, rng.pick(&[&b"\xff\xfe"[..], b"\xed\xa0\x80", b"\xd8"]).iter().copied());
            refused(&format!("{kind:?} not UTF-8"), bytes, &published_at, Code::InvalidArgument)
        }
        n => {
            let bytes = if n < 7 { ARTICLE_BYTES } else { 16 + rng.below(if n < 12 { 2000 } else { 16_000 }) };
            let (kind, text) = valid(rng, bytes);
            Case {
                what: format!("{id} {kind:?} of {bytes} bytes"),
                article: RawArticle { id: id.into_bytes(), text: text.into_bytes(), published_at: published_at.into_bytes() },
                expected: Expected::Accepted,
            }
        }
    }
}

fn cases() -> Vec<Case> {
    let (mut rng, seeds) = (Rng::new(SEED), seed_texts());
    (0..ARTICLES).map(|i| case(i, &mut rng, &seeds)).collect()
}

/// The article as the typed API sees it (bytes that are not UTF-8 replaced).
fn typed(raw: &RawArticle) -> Article {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    Article { id: text(&raw.id), text: text(&raw.text), published_at: text(&raw.published_at), ..Default::default() }
}

/// Every evidence is the text between its character offsets.
fn assert_evidence_points_into(extraction: &ExtractResponse, article: &Article, what: &str) {
    let chars: Vec<char> = article.text.chars().collect();
    for evidence in extraction.events.iter().flat_map(|e| &e.evidence) {
        let (start, end) = (evidence.start as usize, evidence.end as usize);
        assert!(start <= end && end <= chars.len(), "{what}: evidence {start}..{end} of {} characters", chars.len());
        assert_eq!(chars[start..end].iter().collect::<String>(), evidence.sentence, "{what}: evidence {start}..{end}");
    }
}

#[test]
fn the_extractor_survives_every_adversarial_article() {
    let extractor = Extractor::embedded().expect("knowledge base");
    for case in cases() {
        let article = typed(&case.article);
        let extraction = catch_unwind(AssertUnwindSafe(|| extractor.extract(&article)))
            .unwrap_or_else(|_| panic!("the extractor panicked on {}", case.what));
        assert_evidence_points_into(&extraction, &article, &case.what);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stores_each_valid_adversarial_article_once_and_refuses_the_rest() {
    let server = TestServer::start(Arc::new(Extractor::embedded().expect("knowledge base"))).await;
    let cases = cases();
    let (results, end) = ingest_raw(&server.url, cases.iter().map(|c| c.article.clone()).collect()).await;
    end.expect("the stream ends normally");
    assert_eq!(results.len(), cases.len(), "one result per article");
    for (case, result) in cases.iter().zip(&results) {
        assert_answers(case, result);
    }
    let accepted: Vec<&Case> = cases.iter().filter(|c| c.expected == Expected::Accepted).collect();
    assert!(accepted.len() > ARTICLES / 2 && accepted.len() < ARTICLES, "{} of {ARTICLES} valid", accepted.len());

    for case in cases.iter().filter(|c| c.expected != Expected::Accepted) {
        let status = extract_raw(&server.url, case.article.clone()).await.expect_err(&case.what);
        assert_eq!(Expected::Refused(status.code()), case.expected, "Extract of {}: {status:?}", case.what);
    }

    let (again, end) = ingest_raw(&server.url, accepted.iter().map(|c| c.article.clone()).collect()).await;
    end.expect("the stream ends normally");
    for (case, result) in accepted.iter().zip(&again) {
        assert_eq!((result.outcome(), result.duplicate_of.as_bytes()), (IngestOutcome::Duplicate, &case.article.id[..]), "{}", case.what);
    }
    assert_eq!(again.len(), accepted.len());

    let reporting: HashSet<String> = results
        .iter()
        .filter(|r| !(r.created_event_ids.is_empty() && r.updated_event_ids.is_empty()))
        .map(|r| r.article_id.clone())
        .collect();
    let reports = stored_reports(&server).await;
    let reported: HashSet<String> = reports.keys().map(|(_, article)| article.clone()).collect();
    assert_eq!(reported, reporting, "the articles the store holds reports of are those that reported events");
    assert!(reports.values().all(|&n| n == 1), "an article reported twice in one event: {reports:?}");
}

/// What the server must have answered to `case` on Ingest.
fn assert_answers(case: &Case, result: &IngestResult) {
    assert!(result.encoded_len() <= MESSAGE_BYTES, "{}: a result of {} bytes", case.what, result.encoded_len());
    assert_eq!(result.article_id.as_bytes(), &case.article.id[..], "{}: results in order", case.what);
    match case.expected {
        Expected::Accepted => assert_eq!(result.outcome(), IngestOutcome::Accepted, "{}: {}", case.what, result.error),
        Expected::Refused(_) => {
            assert_eq!(result.outcome(), IngestOutcome::Rejected, "{}", case.what);
            assert!(!result.error.is_empty(), "{}: rejected without a reason", case.what);
        }
    }
    if case.what.ends_with("not UTF-8") {
        assert!(result.error.contains("INVALID_ARGUMENT"), "{}: {}", case.what, result.error);
    }
}

/// How many reports each (event, article) pair has in the store, over every page of
/// ListEvents and ListReports (each within the message limit).
async fn stored_reports(server: &TestServer) -> HashMap<(String, String), usize> {
    let mut client = server.client().await;
    let (mut counts, mut events_token) = (HashMap::new(), String::new());
    loop {
        let request = ListEventsRequest { page_size: 100, page_token: events_token, ..Default::default() };
        let page = client.list_events(request).await.expect("a page of events").into_inner();
        assert!(page.encoded_len() <= MESSAGE_BYTES, "a page of {} bytes", page.encoded_len());
        for event in page.events {
            let mut token = String::new();
            loop {
                let request = ListReportsRequest { event_id: event.id.clone(), page_size: 100, page_token: token };
                let reports = client.list_reports(request).await.expect("a page of reports").into_inner();
                assert!(reports.encoded_len() <= MESSAGE_BYTES, "a page of {} bytes", reports.encoded_len());
                for report in reports.reports {
                    *counts.entry((event.id.clone(), report.article_id)).or_insert(0) += 1;
                }
                token = reports.next_page_token;
                if token.is_empty() {
                    break;
                }
            }
        }
        events_token = page.next_page_token;
        if events_token.is_empty() {
            return counts;
        }
    }
}
