//! The thresholds and weights of the merge decision, with defaults; `rasad serve
//! --merge-config FILE` reads them from JSON (absent keys keep their default).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Why a merge configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: not a merge configuration", path.display())]
    Parse { path: PathBuf, source: serde_json::Error },
}

/// How much each kind of agreement counts, and what it takes to merge. A report joins a stored
/// event when no report of that event vetoes it and its best score reaches [`threshold`].
///
/// [`threshold`]: MergeConfig::threshold
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MergeConfig {
    /// Lowest score that makes two reports one event.
    pub threshold: f32,
    /// Two day-precise dates this many days apart or less are the same day (time zones,
    /// "yesterday" resolved against a late dateline).
    pub day_tolerance_days: i64,
    /// An OCCURRED report dated only by its publication may recall an event this many days
    /// earlier ("they last met in Washington").
    pub weak_window_days: i64,
    /// A PLANNED/PROPOSED/CANCELLED report dated only by its publication may be about an event up
    /// to this many days later.
    pub planned_window_days: i64,
    /// Least Jaccard overlap of the participants (countries, or organisations) when the sets differ.
    pub min_participant_overlap: f32,
    /// Both dates explicit and the same day.
    pub same_day: f32,
    /// The same day, at least one of them only the publication day.
    pub same_publication_day: f32,
    /// A day within a month (or a month in the same month).
    pub contained_month: f32,
    /// A day within a year or a longer range.
    pub contained_vague: f32,
    /// Only the weak window links the dates (usually negative).
    pub weak_date: f32,
    /// The same participants.
    pub participants_identical: f32,
    /// Overlapping participants (one side names more).
    pub participants_overlap: f32,
    /// The same place.
    pub location: f32,
    /// Different places in the same country (for example a city and the country).
    pub location_same_country: f32,
    /// The same mode (phone, visit...).
    pub mode: f32,
    /// Different in-person modes (visit vs third country); phone vs in-person is a veto.
    pub mode_differs: f32,
    /// At least one shared topic.
    pub topics: f32,
    /// How many of the newest stored events of a type and pair of sides an undated report is
    /// compared with (and a dated report, for the undated events it places).
    pub undated_window_events: usize,
    /// An undated report joins only stored events heard within this many days of the stream
    /// clock (the latest publication day merged), and a dated report places only undated events
    /// heard so: news, not an earlier occurrence of the same sides.
    pub undated_heard_within_days: i64,
}

impl Default for MergeConfig {
    fn default() -> Self {
        MergeConfig {
            threshold: 3.0,
            day_tolerance_days: 1,
            weak_window_days: 60,
            planned_window_days: 120,
            min_participant_overlap: 0.5,
            same_day: 3.0,
            same_publication_day: 2.0,
            contained_month: 1.0,
            contained_vague: 0.5,
            weak_date: -1.0,
            participants_identical: 2.0,
            participants_overlap: 1.0,
            location: 1.5,
            location_same_country: -0.5,
            mode: 1.0,
            mode_differs: -1.0,
            topics: 0.5,
            undated_window_events: 32,
            undated_heard_within_days: 120,
        }
    }
}

impl MergeConfig {
    /// Reads a JSON file of overrides.
    pub fn load(path: &Path) -> Result<MergeConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        serde_json::from_str(&text).map_err(|source| ConfigError::Parse { path: path.to_path_buf(), source })
    }

    /// Months on either side of a report's own months where a matching report may be indexed.
    pub(crate) fn month_spread(&self) -> i32 {
        let days = self.weak_window_days.max(self.planned_window_days) + self.day_tolerance_days;
        i32::try_from(days / 28 + 1).unwrap_or(i32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_keys_keep_defaults_and_unknown_keys_are_refused() {
        let c: MergeConfig = serde_json::from_str(r#"{"threshold": 4.5}"#).unwrap();
        assert_eq!(c, MergeConfig { threshold: 4.5, ..MergeConfig::default() });
        assert!(serde_json::from_str::<MergeConfig>(r#"{"treshold": 4.5}"#).is_err());
    }

    #[test]
    fn a_file_that_cannot_be_read_or_parsed_says_which_and_why() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.json");
        let e = MergeConfig::load(&missing).unwrap_err();
        assert!(matches!(&e, ConfigError::Read { path, .. } if *path == missing), "{e:?}");
        let misspelt = dir.path().join("misspelt.json");
        std::fs::write(&misspelt, r#"{"treshold": 4.5}"#).unwrap();
        let e = MergeConfig::load(&misspelt).unwrap_err();
        assert!(matches!(&e, ConfigError::Parse { path, .. } if *path == misspelt), "{e:?}");
        assert_eq!(e.to_string(), format!("{}: not a merge configuration", misspelt.display()));
        assert!(std::error::Error::source(&e).unwrap().to_string().contains("unknown field `treshold`"));
    }
}
