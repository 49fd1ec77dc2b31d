//! `rasad export` as a user runs it: the seeds ingested into a server on a socket, exported
//! through it (`--server`) and, once it stopped, from its data directory (`--data-dir`), which
//! it refuses while the server holds it; the date, country and type filters select what
//! `ListEvents` selects; bad flags get an error that says what to write instead.

mod common;

use std::{collections::BTreeSet, path::Path, process::Output, sync::Arc};

use common::*;
use rasad::{
    export::plover::PloverRecord,
    extract::Extractor,
    proto::{Article, EventFilter, EventType, GetEventRequest, ListEventsRequest},
};
use serde_json::Value;

fn seeds() -> Vec<Article> {
    std::fs::read_to_string("seeds/seeds.jsonl").unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A server with the seeds ingested by the real extractor.
async fn seeded_server() -> TestServer {
    let server = TestServer::start(Arc::new(Extractor::embedded().unwrap())).await;
    let results = ingest(&mut server.client().await, seeds()).await;
    assert_eq!(results.len(), 5);
    server
}

fn rasad_export(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rasad")).arg("export").args(args).output().unwrap()
}

/// The records of a successful JSON-lines export.
fn records(args: &[&str]) -> Vec<Value> {
    let out = rasad_export(args);
    assert!(out.status.success(), "rasad export {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn ids(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

/// The ids `ListEvents` gives for `request` (one page holds them all).
async fn listed(client: &mut Client, request: ListEventsRequest) -> Vec<String> {
    let page = client.list_events(ListEventsRequest { page_size: 1000, ..request }).await.unwrap().into_inner();
    page.events.into_iter().map(|e| e.id).collect()
}

/// The failure message of an export that must fail.
fn refused(args: &[&str]) -> String {
    let out = rasad_export(args);
    assert!(!out.status.success(), "rasad export {args:?} succeeded");
    assert!(out.stdout.is_empty(), "rasad export {args:?} wrote {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

fn dir_arg(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_and_its_data_directory_export_the_same_records() {
    let server = seeded_server().await;
    let mut client = server.client().await;
    let all = listed(&mut client, ListEventsRequest::default()).await;
    assert!(all.len() > 5, "{all:?}");

    let through_server = records(&["--server", &server.url]);
    assert_eq!(ids(&through_server), all);
    let lavrov = through_server
        .iter()
        .flat_map(|r| r["actor"].as_array().unwrap())
        .find(|a| a["identifier_id"] == "person/sergey-lavrov")
        .expect("Lavrov is an actor");
    assert_eq!(
        (&lavrov["code"], &lavrov["sector"], &lavrov["cameo_code"]),
        (&Value::from("RUS"), &Value::from("GOV"), &Value::from("RUSGOV"))
    );
    assert!(through_server.iter().all(|r| r["event"].as_array().is_some_and(|e| e.len() == 1) && r["num_articles"].as_u64() > Some(0)));

    let held = refused(&["--data-dir", dir_arg(server.dir.path())]);
    assert!(held.contains("in use by a running server") && held.contains("--server"), "{held}");

    let dir = server.stop().await;
    assert_eq!(records(&["--data-dir", dir_arg(dir.path())]), through_server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_select_what_list_events_selects_from_either_source() {
    let server = seeded_server().await;
    let mut client = server.client().await;
    let all = listed(&mut client, ListEventsRequest::default()).await;
    let in_2019 =
        listed(&mut client, ListEventsRequest { date_from: "2019-01-01".into(), date_to: "2019-12-31".into(), ..Default::default() }).await;
    let filter = EventFilter { countries: vec!["USA".into()], event_types: vec![EventType::Agree.into()], ..Default::default() };
    let usa_agree =
        listed(&mut client, ListEventsRequest { filter: Some(filter), date_from: "2019-01-01".into(), ..Default::default() }).await;
    assert!(!in_2019.is_empty() && in_2019.len() < all.len(), "{in_2019:?} of {all:?}");
    assert!(!usa_agree.is_empty() && usa_agree.len() < in_2019.len(), "{usa_agree:?}");

    let year = ["--since", "2019-01-01", "--until", "2019-12-31"];
    let usa = ["--country", "usa", "--type", "agree", "--since", "2019-01-01"];
    let from_server = records(&[&["--server", server.url.as_str()][..], &year].concat());
    assert_eq!(ids(&from_server), in_2019);
    for r in &from_server {
        let (first, last) = (r["date"].as_str().unwrap(), r["enddate"].as_str().or(r["date"].as_str()).unwrap());
        assert!(first <= "2019-12-31" && last >= "2019-01-01", "{r}");
    }
    let usa_from_server = records(&[&["--server", server.url.as_str()][..], &usa].concat());
    assert_eq!(ids(&usa_from_server), usa_agree);
    for r in &usa_from_server {
        let codes: BTreeSet<_> = r["actor"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
        assert!(codes.contains("USA") && r["event"][0] == "AGREE", "{r}");
    }

    let dir = server.stop().await;
    let data_dir = ["--data-dir", dir_arg(dir.path())];
    assert_eq!(records(&[&data_dir[..], &year].concat()), from_server);
    assert_eq!(records(&[&data_dir[..], &usa].concat()), usa_from_server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_has_a_header_and_a_row_per_event() {
    let dir = seeded_server().await.stop().await;
    let jsonl = records(&["--data-dir", dir_arg(dir.path())]);
    let out = rasad_export(&["--data-dir", dir_arg(dir.path()), "--format", "csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{} events exported", jsonl.len())));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    for column in [
        "id",
        "date",
        "enddate",
        "event",
        "mode",
        "context",
        "quad_code",
        "actor_code",
        "actor_identifier_text",
        "event_loc_country_code",
        "event_text",
        "num_articles",
        "num_sources",
        "article_ids",
    ] {
        assert!(header.iter().any(|h| h == column), "no column {column} in {header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), jsonl.len());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, record) in rows.iter().zip(&jsonl) {
        assert_eq!(row.get(column("id")), record["id"].as_str());
        let names: Vec<_> = record["actor"].as_array().unwrap().iter().map(|a| a["identifier_text"].as_str().unwrap()).collect();
        assert_eq!(row.get(column("actor_identifier_text")), Some(names.join(" | ").as_str()));
    }
}

#[test]
fn bad_flags_say_what_to_write_instead() {
    let empty = tempfile::tempdir().unwrap();
    let dir = dir_arg(empty.path());
    let cases: [(&[&str], &str); 8] = [
        (&["--data-dir", dir, "--format", "xml"], "possible values: plover-jsonl, csv"),
        (&["--data-dir", dir, "--country", "Russia"], "not an ISO 3166-1 alpha-3 country code"),
        (&["--data-dir", dir, "--since", "14/05/2019"], "write it as YYYY-MM-DD"),
        (&["--data-dir", dir, "--type", "meet"], "not an event type"),
        (&["--data-dir", dir, "--since", "2020-01-01", "--until", "2019-01-01"], "--since 2020-01-01 is after --until 2019-01-01"),
        (&["--format", "csv"], "--data-dir <DATA_DIR>"),
        (&["--data-dir", dir, "--server", "http://127.0.0.1:1"], "cannot be used with"),
        (&["--data-dir", dir], "holds no Rasad store"),
    ];
    for (args, expected) in cases {
        let message = refused(args);
        assert!(message.contains(expected), "rasad export {args:?}: {message}");
    }
    let unreachable = refused(&["--server", "http://127.0.0.1:1"]);
    assert!(unreachable.contains("cannot connect to http://127.0.0.1:1"), "{unreachable}");
}

/// The fields of a PLOVER event record and of its entities ("Data Fields" of the PLOVER manual).
const PLOVER_FIELDS: &[&str] =
    &["id", "date", "enddate", "actor", "recipient", "event", "event_loc", "event_text", "quad_code", "mode", "context", "coder"];
const PLOVER_ENTITY_FIELDS: &[&str] = &["code", "sector", "entity_text", "identifier_id", "identifier_text"];
const PLOVER_EVENTS: &[&str] = &[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_record_has_the_plover_fields_and_one_round_trips_to_its_stored_event() {
    let server = seeded_server().await;
    let exported = records(&["--server", &server.url]);
    for record in &exported {
        for field in PLOVER_FIELDS {
            assert!(record.get(*field).is_some(), "{field} missing from {record}");
        }
        for entity in record["actor"].as_array().unwrap() {
            for field in PLOVER_ENTITY_FIELDS {
                assert!(entity.get(*field).is_some(), "{field} missing from an actor of {}", record["id"]);
            }
        }
        let event = record["event"][0].as_str().unwrap();
        assert!(PLOVER_EVENTS.contains(&event), "{event} is no PLOVER event");
    }
    // One record read back as a PLOVER record writes the same JSON, and says what the store says.
    let record: PloverRecord = serde_json::from_value(exported[0].clone()).unwrap();
    assert_eq!(serde_json::to_value(&record).unwrap(), exported[0]);
    let mut client = server.client().await;
    let stored = client.get_event(GetEventRequest { event_id: record.id.clone() }).await.unwrap().into_inner().event.unwrap();
    assert_eq!(record.date.as_deref(), stored.date.as_ref().map(|d| d.start.as_str()));
    let mut exported_actors: Vec<&str> = record.actor.iter().map(|a| a.identifier_id.as_str()).collect();
    let mut stored_actors: Vec<&str> = stored.participants.iter().map(|p| p.actor_id.as_str()).collect();
    exported_actors.sort();
    stored_actors.sort();
    assert_eq!(exported_actors, stored_actors);
    assert_eq!(record.num_articles, stored.num_articles);
}
