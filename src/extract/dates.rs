//! Date expressions in Arabic news and their resolution against the publication date:
//! explicit dates in both month-name sets and digit alphabets, numeric dates, years, weekdays
//! relative to the dateline, relative days, weeks, months, years and seasons.

use chrono::{Datelike, Duration, NaiveDate};

use crate::kb::{Cue, Unit};

use super::analysis::Analysis;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    Day,
    Month,
    Year,
    Range,
}

/// A resolved date: one day, a month, a year, or a range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateValue {
    pub start: NaiveDate,
    /// Last day, for `Range`.
    pub end: Option<NaiveDate>,
    pub precision: Precision,
}

impl DateValue {
    pub fn day(d: NaiveDate) -> DateValue {
        DateValue { start: d, end: None, precision: Precision::Day }
    }

    fn month(year: i32, month: u32) -> Option<DateValue> {
        Some(DateValue { start: NaiveDate::from_ymd_opt(year, month, 1)?, end: None, precision: Precision::Month })
    }

    fn year(year: i32) -> Option<DateValue> {
        Some(DateValue { start: NaiveDate::from_ymd_opt(year, 1, 1)?, end: None, precision: Precision::Year })
    }

    pub fn range(start: NaiveDate, end: NaiveDate) -> DateValue {
        DateValue { start, end: Some(end), precision: Precision::Range }
    }

    /// First and last day covered.
    pub fn span(&self) -> (NaiveDate, NaiveDate) {
        let last = match self.precision {
            Precision::Day => self.start,
            Precision::Range => self.end.unwrap_or(self.start),
            Precision::Month => last_of_month(self.start.year(), self.start.month()),
            Precision::Year => NaiveDate::from_ymd_opt(self.start.year(), 12, 31).unwrap_or(self.start),
        };
        (self.start, last)
    }

    /// The ISO form for the API: "2019-05-14", "2019-05" or "2019".
    pub fn start_text(&self) -> String {
        match self.precision {
            Precision::Day | Precision::Range => self.start.format("%Y-%m-%d").to_string(),
            Precision::Month => self.start.format("%Y-%m").to_string(),
            Precision::Year => self.start.format("%Y").to_string(),
        }
    }
}

fn last_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).unwrap_or_default()
}

/// A date expression before the event's tense is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateExpr {
    Fixed(DateValue),
    /// A bare weekday ("يوم الأربعاء"): the last one for a past event, the next for a planned one.
    Weekday(u32),
    /// A date relative to an unknown publication date ("أمس", "بعد غد", "الشهر المقبل" in an
    /// article with no dateline): no day, but its direction: -1 past, 0 today, 1 to come.
    Relative(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub first: usize,
    pub end: usize,
    pub expr: DateExpr,
}

/// The English name of weekday `w` (0 = Monday), as the API writes it.
pub fn weekday_name(w: u32) -> &'static str {
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][w as usize % 7]
}

/// Resolves a bare weekday against the publication date.
pub fn resolve_weekday(weekday: u32, published: NaiveDate, future: bool) -> NaiveDate {
    let today = published.weekday().num_days_from_monday() as i64;
    let w = weekday as i64;
    if future { published + Duration::days((w - today).rem_euclid(7)) } else { published - Duration::days((today - w).rem_euclid(7)) }
}

struct Scanner<'a, 't> {
    a: &'a Analysis<'t>,
    published: Option<NaiveDate>,
}

impl Scanner<'_, '_> {
    fn cue<T>(&self, i: usize, f: impl Fn(Cue) -> Option<T>) -> Option<T> {
        if i >= self.a.tokens.len() {
            return None;
        }
        self.a.cues(i).find_map(&f)
    }

    fn number(&self, i: usize) -> Option<u32> {
        let t = self.a.tokens.get(i)?;
        (t.kind == crate::text::TokenKind::Number && t.norm.len() <= 4).then(|| t.norm.parse().ok()).flatten()
    }

    fn year_at(&self, i: usize) -> Option<i32> {
        self.number(i).filter(|y| (1900..=2100).contains(y)).map(|y| y as i32)
    }

    /// The value a calendar word of one or more words at `i` has (`value` picks the class):
    /// (value, tokens used). A phrase ("كانون الثاني", "الخامس عشر") wins over its first word.
    fn calendar_at(&self, i: usize, value: impl Fn(Cue) -> Option<u32>) -> Option<(u32, usize)> {
        if let Some((len, words)) = self.a.phrases.get(i).and_then(|p| p.as_ref())
            && let Some(v) = words.iter().find_map(|w| if let crate::kb::Word::Cue(c) = w.word { value(c) } else { None })
        {
            return Some((v, *len));
        }
        self.cue(i, value).map(|v| (v, 1))
    }

    /// A month name at `i` (one or two words, optionally "مايو/أيار" or "سبتمبر (أيلول)"):
    /// (month, tokens used).
    fn month_at(&self, i: usize) -> Option<(u32, usize)> {
        let one = |i: usize| self.calendar_at(i, |c| if let Cue::Month(m) = c { Some(m) } else { None });
        let punct = |i: usize, p: char| self.a.tokens.get(i).is_some_and(|t| t.is_punct(p));
        let (m, len) = one(i)?;
        if punct(i + len, '/')
            && let Some((_, len2)) = one(i + len + 1)
        {
            return Some((m, len + 1 + len2));
        }
        if punct(i + len, '(')
            && let Some((_, len2)) = one(i + len + 1)
            && punct(i + len + 1 + len2, ')')
        {
            return Some((m, len + len2 + 2));
        }
        Some((m, len))
    }

    /// "الثالث من فبراير", "الخامس عشر من سبتمبر": an ordinal day at `i`, with a month after
    /// it: (day, tokens of the day).
    fn ordinal_day_at(&self, i: usize) -> Option<(u32, usize)> {
        let (day, len) = self.calendar_at(i, |c| if let Cue::Ordinal(d) = c { Some(d) } else { None })?;
        self.month_after_day(i + len).map(|_| (day, len))
    }

    /// The month after a day that ends at `i`, with "من" and "شهر" between ("12 من شهر آذار",
    /// "الثالث من فبراير"): (month, tokens from `i` to the month's end).
    fn month_after_day(&self, i: usize) -> Option<(u32, usize)> {
        let of = usize::from(self.cue(i, |c| (c == Cue::From).then_some(())).is_some());
        let word_month = usize::from(self.a.tokens.get(i + of).is_some_and(|t| t.norm == "شهر"));
        let (month, len) = self.month_at(i + of + word_month)?;
        Some((month, of + word_month + len))
    }

    /// "و10" or "و 10" at `i`: the number after the conjunction, and the tokens used.
    fn and_number(&self, i: usize) -> Option<(u32, usize)> {
        let t = self.a.tokens.get(i)?;
        if t.norm == "و" {
            return self.number(i + 1).map(|n| (n, 2));
        }
        let digits = t.norm.strip_prefix('و').filter(|d| (1..=2).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))?;
        digits.parse().ok().map(|n| (n, 1))
    }

    /// "و1 فيفري 2018", "إلى 2 يوليو" at `i`, after a day and its month: the last day of a span
    /// into another month, as (day, month, year if written, tokens used).
    fn day_in_another_month(&self, i: usize) -> Option<(u32, u32, Option<i32>, usize)> {
        let (day, day_len) = match (self.cue(i, |c| (c == Cue::To).then_some(())), self.number(i + 1)) {
            (Some(()), Some(d)) => (d, 2),
            _ => self.and_number(i)?,
        };
        let (month, month_len) = self.month_at(i + day_len)?;
        let year = self.year_at(i + day_len + month_len);
        (1..=31).contains(&day).then_some((day, month, year, day_len + month_len + usize::from(year.is_some())))
    }

    /// An expression `len` tokens long, `dir` from the publication date (-1 before, 0 on it,
    /// 1 after) and `resolve`d against it: with no publication date, its direction alone.
    fn relative(&self, dir: i64, len: usize, resolve: impl FnOnce(NaiveDate) -> Option<DateValue>) -> Option<(DateExpr, usize)> {
        match self.published {
            Some(p) => Some((DateExpr::Fixed(resolve(p)?), len)),
            None => Some((DateExpr::Relative(dir.signum()), len)),
        }
    }

    fn reldir(&self, i: usize) -> Option<i64> {
        self.cue(i, |c| if let Cue::RelDir(d) = c { Some(d) } else { None })
    }

    /// The year a day-and-month without a year falls in: the one nearest the publication
    /// date, or the last/next one when the text says "الماضي"/"المقبل".
    fn infer_year(&self, month: u32, day: u32, dir: Option<i64>) -> Option<NaiveDate> {
        let p = self.published?;
        let candidates: Vec<NaiveDate> = (p.year() - 1..=p.year() + 1).filter_map(|y| NaiveDate::from_ymd_opt(y, month, day)).collect();
        match dir {
            Some(d) if d < 0 => candidates.into_iter().filter(|c| *c <= p).max(),
            Some(d) if d > 0 => candidates.into_iter().filter(|c| *c >= p).min(),
            Some(_) => NaiveDate::from_ymd_opt(p.year(), month, day),
            None => candidates.into_iter().min_by_key(|c| (*c - p).num_days().abs()),
        }
    }

    /// "نفس اليوم", "ذات اليوم", "اليوم نفسه", "اليوم ذاته" at `i` (the day word): the tokens
    /// from `i` that the phrase still covers.
    fn same_day(&self, i: usize) -> Option<usize> {
        self.cue(i, |c| (c == Cue::RelDay(0)).then_some(()))?;
        let norm = |k: usize| self.a.tokens.get(k).map(|t| t.norm.trim_start_matches(['و', 'ف', 'ب']));
        let before = i.checked_sub(1).and_then(norm).is_some_and(|w| matches!(w, "نفس" | "ذات"));
        let after = norm(i + 1).is_some_and(|w| matches!(w, "نفسه" | "ذاته"));
        (before || after).then_some(1 + usize::from(after))
    }

    fn at(&self, i: usize) -> Option<(DateExpr, usize)> {
        // Every expression starts with a number or a calendar word ("أول" of "أول من أمس" among
        // them): most tokens are neither.
        let token = self.a.tokens.get(i)?;
        let calendar = |c: Cue| {
            matches!(
                c,
                Cue::Month(_)
                    | Cue::Ordinal(_)
                    | Cue::Unit(_)
                    | Cue::In
                    | Cue::RelDay(_)
                    | Cue::Days(_)
                    | Cue::Weekday(_)
                    | Cue::Season(_)
                    | Cue::First
            )
        };
        let calendar_phrase = self.a.phrases[i]
            .as_ref()
            .is_some_and(|(_, words)| words.iter().any(|w| matches!(w.word, crate::kb::Word::Cue(Cue::Month(_) | Cue::Ordinal(_)))));
        if token.kind != crate::text::TokenKind::Number && !self.a.cues(i).any(calendar) && !calendar_phrase {
            return None;
        }
        let fixed = |v: DateValue, len: usize| Some((DateExpr::Fixed(v), len));
        // "3 مايو/أيار 2019", "6 مايو", "من 7 إلى 10 مايو الجاري", "بين 6 و10 مارس", "الثالث من
        // فبراير الجاري"
        let day_at = self.number(i).filter(|d| (1..=31).contains(d)).map(|d| (d, 1)).or_else(|| self.ordinal_day_at(i));
        if let Some((day, day_len)) = day_at {
            let last_day = match (self.cue(i + day_len, |c| (c == Cue::To).then_some(())), self.number(i + day_len + 1)) {
                (Some(()), Some(e)) => Some((e, 2)),
                _ => self.and_number(i + day_len),
            };
            let (day_end, range_end) = match last_day {
                Some((e, len)) if (day..=31).contains(&e) => (Some(e), len),
                _ => (None, 0),
            };
            let mi = i + day_len + range_end;
            if let Some((month, mlen)) = self.month_after_day(mi) {
                let after = mi + mlen;
                if day_end.is_none()
                    && let Some((end_day, end_month, end_year, end_len)) = self.day_in_another_month(after)
                {
                    let end_year = end_year.or_else(|| self.infer_year(month, day, None).map(|d| d.year()))?;
                    let start_year = if end_month < month { end_year - 1 } else { end_year };
                    let start = NaiveDate::from_ymd_opt(start_year, month, day)?;
                    let end = NaiveDate::from_ymd_opt(end_year, end_month, end_day)?;
                    return fixed(DateValue::range(start, end), after - i + end_len);
                }
                let (year, ylen) = match self.year_at(after) {
                    Some(y) => (Some(y), 1),
                    None if self.cue(after, |c| (c == Cue::Unit(Unit::Year)).then_some(())).is_some()
                        && self.year_at(after + 1).is_some() =>
                    {
                        (self.year_at(after + 1), 2)
                    }
                    None => (None, 0),
                };
                let dir = if year.is_none() { self.reldir(after) } else { None };
                let start = match year {
                    Some(y) => NaiveDate::from_ymd_opt(y, month, day),
                    None => self.infer_year(month, day, dir),
                }?;
                let len = after - i + ylen + usize::from(dir.is_some());
                return match day_end.and_then(|e| NaiveDate::from_ymd_opt(start.year(), month, e)) {
                    Some(end) => fixed(DateValue::range(start, end), len),
                    None => fixed(DateValue::day(start), len),
                };
            }
            // "16-10-2022", "2022/10/16"
            let sep = |k: usize| self.a.tokens.get(k).is_some_and(|t| t.is_punct('-') || t.is_punct('/'));
            if sep(i + 1) && sep(i + 3) {
                let (a, b, c) = (self.number(i), self.number(i + 2), self.year_at(i + 4));
                if let (Some(d), Some(m), Some(y)) = (a, b, c) {
                    return fixed(DateValue::day(NaiveDate::from_ymd_opt(y, m, d)?), 5);
                }
            }
        }
        if let Some(y) = self.year_at(i)
            && self.a.tokens.get(i + 1).is_some_and(|t| t.is_punct('-') || t.is_punct('/'))
            && let (Some(m), Some(d)) = (self.number(i + 2), self.number(i + 4))
        {
            return fixed(DateValue::day(NaiveDate::from_ymd_opt(y, m, d)?), 5);
        }
        // "أيار/مايو 2017", "سبتمبر الماضي", "في فبراير"
        if let Some((month, len)) = self.month_at(i) {
            if let Some(y) = self.year_at(i + len) {
                return fixed(DateValue::month(y, month)?, len + 1);
            }
            // "مارس عام 2014", "يناير من عام 2020"
            let of = usize::from(self.cue(i + len, |c| (c == Cue::From).then_some(())).is_some());
            if self.cue(i + len + of, |c| (c == Cue::Unit(Unit::Year)).then_some(())).is_some()
                && let Some(y) = self.year_at(i + len + of + 1)
            {
                return fixed(DateValue::month(y, month)?, len + of + 2);
            }
            // "فبراير من العام الماضي", "سبتمبر العام المقبل"
            if self.cue(i + len + of, |c| (c == Cue::Unit(Unit::Year)).then_some(())).is_some()
                && let Some(dir) = self.reldir(i + len + of + 1)
            {
                return self.relative(dir, len + of + 2, |p| DateValue::month(p.year() + dir as i32, month));
            }
            let dir = self.reldir(i + len);
            // "سبتمبر الماضي" with no dateline: a month before it.
            if let Some(d) = dir.filter(|_| self.published.is_none()) {
                return self.relative(d, len + 1, |_| None);
            }
            let introduced = i > 0
                && (self.cue(i - 1, |c| matches!(c, Cue::In | Cue::Sideline | Cue::PartOf).then_some(())).is_some()
                    || self.a.tokens[i - 1].norm.ends_with("شهر"));
            if dir.is_some() || introduced {
                let d = self.infer_year(month, 1, dir)?;
                return fixed(DateValue::month(d.year(), month)?, len + usize::from(dir.is_some()));
            }
        }
        // "عام 2013", "في 2014"
        if self.cue(i, |c| (c == Cue::Unit(Unit::Year)).then_some(())).is_some()
            && let Some(y) = self.year_at(i + 1)
        {
            return fixed(DateValue::year(y)?, 2);
        }
        if self.cue(i, |c| (c == Cue::In).then_some(())).is_some()
            && let Some(y) = self.year_at(i + 1)
            && self.month_at(i + 2).is_none()
        {
            return fixed(DateValue::year(y)?, 2);
        }
        let published = self.published;
        // "أول من أمس", "أول أمس": the day before yesterday
        if self.cue(i, |c| (c == Cue::First).then_some(())).is_some() {
            let of = usize::from(self.cue(i + 1, |c| (c == Cue::From).then_some(())).is_some());
            if self.cue(i + 1 + of, |c| (c == Cue::RelDay(-1)).then_some(())).is_some() {
                return self.relative(-2, 2 + of, |p| Some(DateValue::day(p - Duration::days(2))));
            }
        }
        // "اليوم الثلاثاء", "يوم غد الثلاثاء", "أمس"
        if let Some(offset) = self.cue(i, |c| if let Cue::RelDay(d) = c { Some(d) } else { None }) {
            let weekday = usize::from(self.cue(i + 1, |c| matches!(c, Cue::Weekday(_)).then_some(())).is_some());
            return self.relative(offset, 1 + weekday, |p| Some(DateValue::day(p + Duration::days(offset))));
        }
        // "خلال اليومين الماضيين", "في الأيام المقبلة"
        if let Some(n) = self.cue(i, |c| if let Cue::Days(n) = c { Some(n) } else { None }) {
            let dir = self.reldir(i + 1).filter(|&d| d != 0)?;
            return self.relative(dir, 2, |p| {
                Some(if dir < 0 {
                    DateValue::range(p - Duration::days(n), p - Duration::days(1))
                } else {
                    DateValue::range(p + Duration::days(1), p + Duration::days(n))
                })
            });
        }
        // "الأحد الماضي", "الثلاثاء المقبل", "يوم الأربعاء"
        if let Some(w) = self.cue(i, |c| if let Cue::Weekday(w) = c { Some(w) } else { None }) {
            // "الجمعة (27 يناير 2017)": the explicit date that follows wins.
            let mut k = i + 1;
            while self.a.tokens.get(k).is_some_and(|t| matches!(t.kind, crate::text::TokenKind::Punct(p) if p != '.' && p != '\n')) {
                k += 1;
            }
            if self.number(k).is_some()
                && let Some((DateExpr::Fixed(v), len)) = self.at(k)
            {
                return Some((DateExpr::Fixed(v), k - i + len));
            }
            return match self.reldir(i + 1) {
                Some(d) if d != 0 => self.relative(d, 2, |p| {
                    Some(DateValue::day(if d < 0 {
                        resolve_weekday(w, p - Duration::days(1), false)
                    } else {
                        resolve_weekday(w, p + Duration::days(1), true)
                    }))
                }),
                _ => Some((DateExpr::Weekday(w), 1)),
            };
        }
        // "هذا الأسبوع", "الأسبوع الماضي", "نهاية الأسبوع", "الشهر المقبل", "العام الماضي"
        let this = i > 0 && matches!(self.a.tokens[i - 1].norm.as_str(), "هذا" | "هذه");
        if let Some(unit) = self.cue(i, |c| if let Cue::Unit(u) = c { Some(u) } else { None }) {
            if unit == Unit::End {
                let p = published?;
                let inner = self.cue(i + 1, |c| if let Cue::Unit(u) = c { Some(u) } else { None })?;
                return match inner {
                    Unit::Week => {
                        let friday = resolve_weekday(4, p, true);
                        fixed(DateValue::range(friday, friday + Duration::days(1)), 2)
                    }
                    Unit::Month => fixed(
                        DateValue::range(last_of_month(p.year(), p.month()) - Duration::days(6), last_of_month(p.year(), p.month())),
                        2,
                    ),
                    _ => None,
                };
            }
            let dir = self.reldir(i + 1).or(this.then_some(0))?;
            let len = 1 + usize::from(!this || self.reldir(i + 1).is_some());
            return self.relative(dir, len, |p| match unit {
                Unit::Week => Some(DateValue::range(p + Duration::days(7 * dir), p + Duration::days(7 * dir + 6))),
                Unit::Month => {
                    let m0 = p.year() * 12 + p.month() as i32 - 1 + dir as i32;
                    DateValue::month(m0.div_euclid(12), (m0.rem_euclid(12) + 1) as u32)
                }
                Unit::Year => DateValue::year(p.year() + dir as i32),
                Unit::End => None,
            });
        }
        // "الخريف المقبل"
        if let Some(first_month) = self.cue(i, |c| if let Cue::Season(m) = c { Some(m) } else { None }) {
            let dir = self.reldir(i + 1)?;
            let Some(p) = published else { return self.relative(dir, 2, |_| None) };
            let mut year = p.year();
            let starts = |y: i32| NaiveDate::from_ymd_opt(y, first_month, 1).unwrap_or(p);
            if dir > 0 && starts(year) <= p {
                year += 1;
            } else if dir < 0 && starts(year) > p {
                year -= 1;
            }
            let start = starts(year);
            let end_month = (first_month + 1) % 12 + 1;
            let end_year = if end_month < first_month { year + 1 } else { year };
            return fixed(DateValue::range(start, last_of_month(end_year, end_month)), 2);
        }
        None
    }
}

/// Every date expression in the article, left to right.
pub fn find_dates(a: &Analysis<'_>, published: Option<NaiveDate>) -> Vec<FoundDate> {
    let scanner = Scanner { a, published };
    let mut out = Vec::new();
    let mut i = 0;
    while i < a.tokens.len() {
        if let Some(len) = scanner.same_day(i) {
            // "في نفس اليوم", "اليوم ذاته": the day last named, not the day of publication.
            if let Some(expr) = out.last().map(|d: &FoundDate| d.expr) {
                out.push(FoundDate { first: i, end: i + len, expr });
            }
            i += len;
        } else if let Some((expr, len)) = scanner.at(i) {
            out.push(FoundDate { first: i, end: i + len, expr });
            i += len.max(1);
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::FormCache;
    use crate::kb::Kb;
    use std::sync::OnceLock;

    fn kb() -> &'static Kb {
        static KB: OnceLock<Kb> = OnceLock::new();
        KB.get_or_init(|| Kb::embedded().unwrap())
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The first date in `text`, resolved against `published`, as (start, end, precision).
    fn first(text: &str, published: &str) -> Option<(String, Option<String>, Precision)> {
        let mut forms = FormCache::default();
        let a = Analysis::new(kb(), text, &mut forms);
        let found = find_dates(&a, Some(day(published)));
        found.first().map(|d| match d.expr {
            DateExpr::Fixed(v) => (v.start_text(), v.end.map(|e| e.to_string()), v.precision),
            DateExpr::Weekday(w) => (format!("weekday {w}"), None, Precision::Day),
            DateExpr::Relative(d) => unreachable!("a date relative to {published} ({d}) is resolved"),
        })
    }

    fn start(text: &str, published: &str) -> String {
        first(text, published).map(|d| d.0).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn a_day_of_a_month_with_words_between() {
        assert_eq!(start("في الـ 12 من شهر آذار/مارس 2019", "2019-03-01"), "2019-03-12");
        assert_eq!(start("في الثالث من شهر فبراير الجاري", "2020-02-01"), "2020-02-03");
        assert_eq!(start("من 7 إلى 10 من شهر مايو 2019", "2019-05-01"), "2019-05-07");
    }

    #[test]
    fn explicit_dates_in_both_month_sets_and_digit_alphabets() {
        assert_eq!(start("في 3 مايو/أيار الحالي", "2019-05-14"), "2019-05-03");
        assert_eq!(start("في 6 أيار", "2019-05-14"), "2019-05-06");
        assert_eq!(start("الجمعة (27 يناير/ كانون الثاني 2017)", "2017-01-27"), "2017-01-27");
        assert_eq!(start("يوم ١٨ شباط ٢٠٢٥", "2025-02-23"), "2025-02-18");
        assert_eq!(start("في 12 فيفري", "2025-02-23"), "2025-02-12");
        assert_eq!(start("16-10-2022 | 08:45", "2022-10-16"), "2022-10-16");
        assert_eq!(start("في أيار/مايو 2017", "2019-12-09"), "2017-05");
        assert_eq!(start("في سوتشي مطلع يوليو/تموز", "2016-08-09"), "2016-07");
        assert_eq!(start("أواخر سبتمبر الماضي", "2016-08-09"), "2015-09");
        assert_eq!(start("في أكتوبر (تشرين الأول) الماضي", "2019-03-02"), "2018-10");
        assert_eq!(start("منذ يناير من عام 2020", "2023-05-20"), "2020-01");
        assert_eq!(start("في فبراير من العام الماضي", "2023-05-28"), "2022-02");
        assert_eq!(start("في سبتمبر العام المقبل", "2023-05-28"), "2024-09");
        assert_eq!(start("في عام 2013", "2018-01-17"), "2013");
        assert_eq!(start("زار اليابان عام 2014", "2017-03-13"), "2014");
    }

    #[test]
    fn a_span_across_two_months_takes_the_year_written_after_its_end() {
        let span = |s: &str, e: &str| Some((s.to_string(), Some(e.to_string()), Precision::Range));
        assert_eq!(first("زيارة دولة يومي 31 جانفي و1 فيفري 2018", "2018-01-20"), span("2018-01-31", "2018-02-01"));
        assert_eq!(first("من 30 ديسمبر إلى 2 يناير 2020", "2019-12-01"), span("2019-12-30", "2020-01-02"));
        assert_eq!(first("من 30 يونيو إلى 2 يوليو", "2019-06-20"), span("2019-06-30", "2019-07-02"));
    }

    #[test]
    fn day_month_without_year_takes_the_nearest_year() {
        assert_eq!(start("في 28 ديسمبر", "2020-01-03"), "2019-12-28");
        assert_eq!(start("في 2 يناير", "2019-12-30"), "2020-01-02");
        assert_eq!(start("في سبتمبر الماضي", "2019-12-09"), "2019-09");
        assert_eq!(start("في أيلول/سبتمبر الماضي", "2019-09-20"), "2019-09");
        assert_eq!(start("في يونيو/حزيران المقبل", "2019-05-14"), "2019-06");
        assert_eq!(start("في يونيو المقبل", "2019-07-01"), "2020-06");
    }

    #[test]
    fn weekdays_and_days_relative_to_the_dateline() {
        // 2019-05-14 is a Tuesday, 2018-06-19 a Tuesday, 2017-01-27 a Friday.
        assert_eq!(start("اليوم الثلاثاء", "2019-05-14"), "2019-05-14");
        assert_eq!(start("يوم غد الثلاثاء", "2019-12-09"), "2019-12-10");
        assert_eq!(start("يوم غدٍ (السبت)", "2017-01-27"), "2017-01-28");
        assert_eq!(start("أمس الاثنين", "2019-05-14"), "2019-05-13");
        assert_eq!(start("أول من أمس", "2019-05-14"), "2019-05-12");
        assert_eq!(start("أول أمس", "2019-05-14"), "2019-05-12");
        assert_eq!(start("فجر الثلاثاء الماضي", "2018-06-19"), "2018-06-12");
        assert_eq!(start("يوم الجمعة الفائت", "2019-12-09"), "2019-12-06");
        assert_eq!(start("الأحد الماضي", "2018-01-17"), "2018-01-14");
        assert_eq!(start("الخميس المقبل", "2019-05-14"), "2019-05-16");
        assert_eq!(start("يوم الأربعاء", "2020-03-18"), "weekday 2");
        assert_eq!(resolve_weekday(2, day("2020-03-18"), false), day("2020-03-18"));
        assert_eq!(resolve_weekday(6, day("2017-03-13"), false), day("2017-03-12"));
        assert_eq!(resolve_weekday(1, day("2017-03-13"), true), day("2017-03-14"));
    }

    #[test]
    fn weeks_months_years_and_seasons() {
        assert_eq!(first("هذا الأسبوع", "2025-02-23"), Some(("2025-02-23".into(), Some("2025-03-01".into()), Precision::Range)));
        assert_eq!(first("نهاية الأسبوع", "2025-02-23"), Some(("2025-02-28".into(), Some("2025-03-01".into()), Precision::Range)));
        assert_eq!(start("الأسبوع الماضي", "2025-02-23"), "2025-02-16");
        assert_eq!(start("الشهر المقبل", "2019-12-09"), "2020-01");
        assert_eq!(start("هذا الشهر", "2017-03-27"), "2017-03");
        assert_eq!(start("العام الماضي", "2019-12-09"), "2018");
        assert_eq!(first("في الخريف المقبل", "2018-06-19"), Some(("2018-09-01".into(), Some("2018-11-30".into()), Precision::Range)));
        assert_eq!(first("خلال اليومين الماضيين", "2021-04-14"), Some(("2021-04-12".into(), Some("2021-04-13".into()), Precision::Range)));
        assert_eq!(first("في الأيام الأخيرة", "2021-04-14"), Some(("2021-04-11".into(), Some("2021-04-13".into()), Precision::Range)));
        assert_eq!(first("في الأيام المقبلة", "2021-04-14"), Some(("2021-04-15".into(), Some("2021-04-17".into()), Precision::Range)));
        assert_eq!(start("الأيام الصعبة", "2021-04-14"), "none");
        assert_eq!(first("الشتاء المقبل", "2018-06-19"), Some(("2018-12-01".into(), Some("2019-02-28".into()), Precision::Range)));
        assert_eq!(
            first("من 7 إلى 10 مايو الجاري", "2025-05-08"),
            Some(("2025-05-07".into(), Some("2025-05-10".into()), Precision::Range))
        );
    }

    #[test]
    fn relative_dates_stay_unresolved_without_a_dateline() {
        let mut forms = FormCache::default();
        let a = Analysis::new(kb(), "اليوم الثلاثاء وغدا والأسبوع المقبل و3 مايو وسبتمبر الماضي والخريف المقبل", &mut forms);
        let found: Vec<DateExpr> = find_dates(&a, None).iter().map(|d| d.expr).collect();
        // Their direction from the unknown dateline is all that is left of them.
        use DateExpr::Relative;
        assert_eq!(found, [Relative(0), Relative(1), Relative(1), Relative(-1), Relative(1)]);
        let mut forms = FormCache::default();
        let a = Analysis::new(kb(), "في 3 مايو 2019", &mut forms);
        assert_eq!(find_dates(&a, None).len(), 1);
    }

    #[test]
    fn malformed_dates_are_not_dates() {
        // An impossible day falls back to what is certain: the month.
        assert_eq!(start("في 31 فبراير 2019", "2019-05-14"), "2019-02");
        assert_eq!(start("في 45 مايو", "2019-05-14"), "none");
        assert_eq!(start("99-99-2019", "2019-05-14"), "none");
    }
}
