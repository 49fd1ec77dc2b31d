//! Export of the stored events for event-data users (`rasad export`): each event as a PLOVER
//! record ([`plover`]), written as JSON lines or as a CSV row for spreadsheets ([`table`]), read
//! from an embedded store or through a running server ([`source`]).

pub mod plover;
pub mod source;
pub mod table;

use std::io::Write;

use crate::{proto::Event, store::StoreError};
use plover::PloverRecord;
use table::CsvRow;

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the export: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A filter or a date range the store or the server refused.
    #[error("{0}")]
    Query(String),
    #[error("the server failed to list the events: {} ({:?})", .0.message(), .0.code())]
    Server(Box<tonic::Status>),
}

/// How the records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One PLOVER JSON record per line.
    PloverJsonl,
    /// One row per record, with a header; nested fields flattened (see `table`).
    Csv,
}

/// Writes events to `W` in a [`Format`].
pub struct Exporter<W: Write> {
    sink: Sink<W>,
    written: u64,
}

enum Sink<W: Write> {
    Jsonl(W),
    /// Boxed: the CSV writer holds its buffers and state inline.
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> Exporter<W> {
    /// An exporter to `out`; a CSV export starts with its header, even when no event follows.
    pub fn new(format: Format, out: W) -> Result<Exporter<W>, ExportError> {
        let sink = match format {
            Format::PloverJsonl => Sink::Jsonl(out),
            Format::Csv => {
                let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(out);
                writer.write_record(&CsvRow::columns()?)?;
                Sink::Csv(Box::new(writer))
            }
        };
        Ok(Exporter { sink, written: 0 })
    }

    pub fn write(&mut self, event: &Event) -> Result<(), ExportError> {
        let record = PloverRecord::from_event(event);
        match &mut self.sink {
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, &record)?;
                out.write_all(b"\n")?;
            }
            Sink::Csv(writer) => writer.serialize(CsvRow::from(&record))?,
        }
        self.written += 1;
        Ok(())
    }

    /// Flushes the output; returns the number of events written.
    pub fn finish(self) -> Result<u64, ExportError> {
        match self.sink {
            Sink::Jsonl(mut out) => out.flush()?,
            Sink::Csv(mut writer) => writer.flush()?,
        }
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plover::tests::lavrov_pompeo;
    use serde_json::Value;

    /// The fields of the PLOVER JSON table (manual, "Data Fields") that Rasad fills.
    const PLOVER_FIELDS: [&str; 12] =
        ["id", "date", "enddate", "actor", "recipient", "event", "event_loc", "event_text", "quad_code", "mode", "context", "coder"];
    /// The manual's required fields.
    const REQUIRED: [&str; 4] = ["id", "date", "actor", "event"];
    /// The manual's entity object, and the location object (from Mordecai3/Geonames).
    const ENTITY_FIELDS: [&str; 10] =
        ["code", "sector", "entity_text", "identifier_id", "identifier_text", "religion", "ethnicity", "office", "gender", "age"];
    const LOCATION_FIELDS: [&str; 3] = ["extracted_place", "resolved_place", "country_code"];

    fn export(format: Format, events: &[Event]) -> String {
        let mut out = Vec::new();
        let mut exporter = Exporter::new(format, &mut out).expect("an exporter");
        for e in events {
            exporter.write(e).expect("written");
        }
        assert_eq!(exporter.finish().expect("flushed"), events.len() as u64);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn jsonl_records_carry_the_plover_fields() {
        let out = export(Format::PloverJsonl, &[lavrov_pompeo()]);
        let record: Value = serde_json::from_str(out.lines().next().expect("a line")).expect("JSON");
        for field in PLOVER_FIELDS {
            assert!(record.get(field).is_some(), "no {field} in {record}");
        }
        for field in REQUIRED {
            assert!(!record[field].is_null(), "required {field} is null in {record}");
        }
        for entity in record["actor"].as_array().expect("a list of actors") {
            let extra: Vec<_> = entity.as_object().expect("an object").keys().filter(|k| !ENTITY_FIELDS.contains(&k.as_str())).collect();
            assert_eq!(extra, ["cameo_code"], "{entity}");
        }
        for key in record["event_loc"].as_object().expect("a location").keys() {
            assert!(LOCATION_FIELDS.contains(&key.as_str()), "{key} is not a PLOVER location field");
        }
        assert_eq!(record["event"], serde_json::json!(["CONSULT"]));
        assert_eq!(record["date"], "2019-12-10");
    }

    #[test]
    fn an_event_round_trips_through_jsonl() {
        let event = lavrov_pompeo();
        let out = export(Format::PloverJsonl, std::slice::from_ref(&event));
        assert_eq!(out.lines().count(), 1);
        let back: PloverRecord = serde_json::from_str(out.trim_end()).expect("a PLOVER record");
        assert_eq!(back, PloverRecord::from_event(&event));
        let names: Vec<_> = back.actor.iter().map(|a| a.identifier_text.as_str()).collect();
        assert_eq!(names, ["Sergey Lavrov", "Mike Pompeo"]);
        assert_eq!((back.id.as_str(), back.num_articles, back.event_text[0].as_str()), ("ev-4", 2, event.evidence[0].sentence.as_str()));
    }

    #[test]
    fn an_event_round_trips_through_csv() {
        let event = lavrov_pompeo();
        let out = export(Format::Csv, &[event.clone(), event.clone()]);
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        assert_eq!(reader.headers().expect("a header"), &CsvRow::columns().expect("columns"));
        let rows: Vec<CsvRow> = reader.deserialize().collect::<Result<_, _>>().expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], CsvRow::from(&PloverRecord::from_event(&event)));
        let countries: Vec<_> = rows[0].actor_code.split(table::SEPARATOR).collect();
        assert_eq!(countries, ["RUS", "USA"]);
        assert_eq!(rows[0].event_text, event.evidence[0].sentence);
    }

    #[test]
    fn an_empty_csv_export_is_its_header() {
        let out = export(Format::Csv, &[]);
        assert_eq!(out.lines().count(), 1);
        assert!(out.starts_with("id,date,enddate,"), "{out}");
    }
}
