//! The stream clock: merging's "now" in a stream where many articles lost their publication
//! day. The clock is the latest publication day of the articles merged. A report of an undated
//! article came at the clock of its arrival; articles come roughly in publication order, so it
//! was published no later than the first publication day merged after it. An undated report is
//! read as news of the stream's present: it joins only stored events that may have been heard
//! within [`MergeConfig::undated_heard_within_days`] of the clock, never an earlier occurrence
//! of the same sides (a state visit that recurs a year or two later, to the same place).
//!
//! [`MergeConfig::undated_heard_within_days`]: super::MergeConfig::undated_heard_within_days

use std::{collections::BTreeSet, ops::Bound};

use chrono::NaiveDate;

use super::Report;

/// The publication days of the articles merged.
#[derive(Default)]
pub struct Clock {
    days: BTreeSet<NaiveDate>,
}

impl Clock {
    /// Notes the publication day of a report's article, if it gives one.
    pub fn hear(&mut self, report: &Report) {
        if let Some(day) = day(&report.published) {
            self.days.insert(day);
        }
    }

    /// The latest publication day merged (as a report's `clock`: empty when there is none).
    pub fn now(&self) -> String {
        self.days.last().map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
    }

    /// Whether a stored event whose reports were `heard` may have been heard within `days`
    /// days of the clock: its latest dated report was published then, or an undated report of
    /// it came when no publication day merged since is older than that.
    pub fn recent(&self, heard: Heard, days: i64) -> bool {
        let Some(&now) = self.days.last() else { return true };
        let after = |clock: Option<NaiveDate>| match clock {
            Some(clock) => self.days.range((Bound::Excluded(clock), Bound::Unbounded)).next().copied(),
            None => self.days.first().copied(),
        };
        let undated_latest = match heard.undated {
            // Nothing was published after it came: it may be as recent as the clock.
            Some(clock) => match after(clock) {
                Some(day) => Some(day),
                None => return true,
            },
            None => None,
        };
        heard.dated.max(undated_latest).is_none_or(|latest| (now - latest).num_days() <= days)
    }
}

/// When the reports of a stored event came: the latest publication day of its dated articles,
/// and the latest clock (None: before any publication day) at which an undated one came.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Heard {
    dated: Option<NaiveDate>,
    undated: Option<Option<NaiveDate>>,
}

impl Heard {
    pub fn of(report: &Report) -> Heard {
        match day(&report.published) {
            Some(published) => Heard { dated: Some(published), undated: None },
            None => Heard { dated: None, undated: Some(day(&report.clock)) },
        }
    }

    /// The latest of both.
    pub fn latest(self, other: Heard) -> Heard {
        Heard { dated: self.dated.max(other.dated), undated: self.undated.max(other.undated) }
    }
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(published: &str, clock: &str) -> Report {
        Report { published: published.into(), clock: clock.into(), ..Default::default() }
    }

    #[test]
    fn an_undated_report_was_heard_no_later_than_the_next_publication_day() {
        let mut clock = Clock::default();
        assert!(clock.recent(Heard::of(&report("", "")), 0), "no clock yet: all is recent");
        clock.hear(&report("2021-03-31", ""));
        assert_eq!(clock.now(), "2021-03-31");
        let undated = Heard::of(&report("", "2021-03-31"));
        assert!(clock.recent(undated, 0), "nothing published since it came");
        clock.hear(&report("2023-03-20", "2021-03-31"));
        assert!(clock.recent(undated, 0), "it may have come the day before 2023-03-20");
        clock.hear(&report("2023-06-14", ""));
        assert!(clock.recent(undated, 120) && !clock.recent(undated, 80));
        clock.hear(&report("2024-05-15", ""));
        assert!(!clock.recent(undated, 120));
        let dated = Heard::of(&report("2024-02-01", ""));
        assert!(clock.recent(dated, 120) && !clock.recent(dated, 100));
        assert!(clock.recent(undated.latest(dated), 120), "the latest report counts");
        let before_any = Heard::of(&report("", ""));
        assert!(!clock.recent(before_any, 120), "it came before 2021-03-31");
        assert!(clock.recent(Heard::of(&report("", "2024-05-15")), 0));
    }
}
