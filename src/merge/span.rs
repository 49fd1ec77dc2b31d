//! The days a happening covers. A summit over two days or a three-day visit is reported on
//! each of its days, each report dated the day it speaks of; a stored event keeps the first and
//! last day its reports give to the day (its span), and a report of a day within the span, or a
//! day beyond it where the place and people agree, is a report of the same happening.
//!
//! Only explicit days count, and ranges of a week at most: a publication day only approximates
//! the day of the happening, and a longer range ("by the end of the month") is a window in which
//! something may happen, not a happening that lasts.

use chrono::NaiveDate;

use crate::proto::{DatePrecision, EventDate};

/// The first and last day of a happening.
pub type Span = (NaiveDate, NaiveDate);

/// The longest span of one happening, in days (first and last included).
pub const LONGEST_HAPPENING_DAYS: i64 = 7;

/// Whether a happening can last from `first` to `last`.
pub fn fits_a_happening((first, last): Span) -> bool {
    (last - first).num_days() < LONGEST_HAPPENING_DAYS
}

/// The days a report's date gives to the day, if it does.
pub fn days_of(date: &EventDate) -> Option<Span> {
    let precise = matches!(date.precision(), DatePrecision::Day | DatePrecision::Range);
    date.days().filter(|&days| precise && !date.from_publication && fits_a_happening(days))
}

/// The span that covers both (either when the other is unknown).
pub fn cover(a: Option<Span>, b: Option<Span>) -> Option<Span> {
    match (a, b) {
        (Some((f1, l1)), Some((f2, l2))) => Some((f1.min(f2), l1.max(l2))),
        (a, b) => a.or(b),
    }
}

/// A span as a date: one day, or a range.
pub fn as_date((first, last): Span) -> EventDate {
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    if first == last {
        EventDate { start: day(first), precision: DatePrecision::Day.into(), ..Default::default() }
    } else {
        EventDate { start: day(first), end: day(last), precision: DatePrecision::Range.into(), ..Default::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(start: &str, end: &str, precision: DatePrecision, from_publication: bool) -> EventDate {
        EventDate { start: start.into(), end: end.into(), precision: precision.into(), from_publication, ..Default::default() }
    }

    #[test]
    fn only_explicit_days_and_short_ranges_give_days() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(days_of(&date("2019-02-27", "", DatePrecision::Day, false)), Some((d("2019-02-27"), d("2019-02-27"))));
        assert_eq!(days_of(&date("2019-02-27", "2019-02-28", DatePrecision::Range, false)), Some((d("2019-02-27"), d("2019-02-28"))));
        assert_eq!(days_of(&date("2019-02-27", "", DatePrecision::Day, true)), None, "a publication day");
        assert_eq!(days_of(&date("2022-01-18", "2022-01-31", DatePrecision::Range, false)), None, "a window");
        assert_eq!(days_of(&date("2019-02", "", DatePrecision::Month, false)), None);
        let span = cover(Some((d("2019-02-27"), d("2019-02-27"))), Some((d("2019-02-28"), d("2019-02-28")))).unwrap();
        assert_eq!(as_date(span), date("2019-02-27", "2019-02-28", DatePrecision::Range, false));
        assert_eq!(cover(None, Some(span)), Some(span));
    }
}
