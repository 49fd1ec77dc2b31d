//! A PLOVER record as one flat CSV row, for spreadsheets: every nested field becomes columns
//! named by its path (`actor_identifier_text`, `event_loc_country_code`), and a list becomes
//! one cell with its items joined by [`SEPARATOR`], position by position across an entity's
//! columns.

use serde::{Deserialize, Serialize};

use super::plover::{Entity, PloverRecord};

/// Between the items of a list in one cell.
pub const SEPARATOR: &str = " | ";

/// One CSV row; the header is the field names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CsvRow {
    pub id: String,
    pub date: String,
    pub enddate: String,
    pub date_precision: String,
    pub event: String,
    pub mode: String,
    pub context: String,
    pub quad_code: String,
    pub status: String,
    pub cameo_code: String,
    pub actor_code: String,
    pub actor_sector: String,
    pub actor_entity_text: String,
    pub actor_identifier_id: String,
    pub actor_identifier_text: String,
    pub actor_office: String,
    pub actor_cameo_code: String,
    pub recipient_code: String,
    pub recipient_sector: String,
    pub recipient_entity_text: String,
    pub recipient_identifier_id: String,
    pub recipient_identifier_text: String,
    pub recipient_office: String,
    pub recipient_cameo_code: String,
    pub event_loc_extracted_place: String,
    pub event_loc_resolved_place: String,
    pub event_loc_country_code: String,
    pub event_text: String,
    pub topics: String,
    pub confidence: f32,
    pub num_articles: u32,
    pub num_sources: u32,
    pub article_ids: String,
    pub coder: String,
}

/// One column of a list of entities.
fn column(entities: &[Entity], field: fn(&Entity) -> &str) -> String {
    entities.iter().map(field).collect::<Vec<_>>().join(SEPARATOR)
}

impl From<&PloverRecord> for CsvRow {
    fn from(r: &PloverRecord) -> CsvRow {
        let place = |field: fn(&super::plover::EventLocation) -> &str| r.event_loc.as_ref().map(field).unwrap_or_default().to_owned();
        CsvRow {
            id: r.id.clone(),
            date: r.date.clone().unwrap_or_default(),
            enddate: r.enddate.clone().unwrap_or_default(),
            date_precision: r.date_precision.clone(),
            event: r.event.join(SEPARATOR),
            mode: r.mode.join(SEPARATOR),
            context: r.context.join(SEPARATOR),
            quad_code: r.quad_code.map(|q| q.to_string()).unwrap_or_default(),
            status: r.status.clone(),
            cameo_code: r.cameo_code.clone(),
            actor_code: column(&r.actor, |e| &e.code),
            actor_sector: column(&r.actor, |e| &e.sector),
            actor_entity_text: column(&r.actor, |e| &e.entity_text),
            actor_identifier_id: column(&r.actor, |e| &e.identifier_id),
            actor_identifier_text: column(&r.actor, |e| &e.identifier_text),
            actor_office: column(&r.actor, |e| &e.office),
            actor_cameo_code: column(&r.actor, |e| &e.cameo_code),
            recipient_code: column(&r.recipient, |e| &e.code),
            recipient_sector: column(&r.recipient, |e| &e.sector),
            recipient_entity_text: column(&r.recipient, |e| &e.entity_text),
            recipient_identifier_id: column(&r.recipient, |e| &e.identifier_id),
            recipient_identifier_text: column(&r.recipient, |e| &e.identifier_text),
            recipient_office: column(&r.recipient, |e| &e.office),
            recipient_cameo_code: column(&r.recipient, |e| &e.cameo_code),
            event_loc_extracted_place: place(|l| &l.extracted_place),
            event_loc_resolved_place: place(|l| &l.resolved_place),
            event_loc_country_code: place(|l| &l.country_code),
            event_text: r.event_text.join(SEPARATOR),
            topics: r.topics.join(SEPARATOR),
            confidence: r.confidence,
            num_articles: r.num_articles,
            num_sources: r.num_sources,
            article_ids: r.article_ids.join(SEPARATOR),
            coder: r.coder.clone(),
        }
    }
}

impl CsvRow {
    /// The column names, in order: the header `csv` writes for a row.
    pub fn columns() -> Result<csv::StringRecord, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.serialize(CsvRow::default())?;
        let written = writer.into_inner().map_err(|e| e.into_error())?;
        csv::Reader::from_reader(written.as_slice()).headers().cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::plover::tests::lavrov_pompeo;

    #[test]
    fn entities_become_aligned_cells() {
        let row = CsvRow::from(&PloverRecord::from_event(&lavrov_pompeo()));
        assert_eq!(row.actor_identifier_text, "Sergey Lavrov | Mike Pompeo");
        assert_eq!(row.actor_code, "RUS | USA");
        assert_eq!(row.actor_office, "foreign minister | secretary of state");
        assert_eq!((row.recipient_code.as_str(), row.event_loc_country_code.as_str()), ("", "USA"));
        assert_eq!((row.event.as_str(), row.mode.as_str(), row.quad_code.as_str()), ("CONSULT", "visit", "1"));
    }

    #[test]
    fn the_header_names_every_field() {
        let columns = CsvRow::columns().expect("a header");
        assert_eq!(columns.len(), 34);
        assert_eq!(columns.get(0), Some("id"));
        assert!(columns.iter().any(|c| c == "actor_identifier_text"), "{columns:?}");
    }
}
