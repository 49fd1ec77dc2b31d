//! When a frame's event happens and whether it did: its date (the date expression the frame
//! gives it, resolved against the dateline) and its status (a modality cue, else the tense, else
//! the date against the dateline).

use crate::extract::mentions::MentionKind;
use crate::kb::Cue;
use crate::proto::EventStatus;
use crate::text::TokenKind;

use super::Builder;
use super::frame::Frame;
use crate::extract::dates::{DateExpr, DateValue, FoundDate, Precision, resolve_weekday};

/// A frame's date and status.
pub(super) struct When {
    pub date: Option<DateValue>,
    /// A weekday (0 = Monday) the frame gives that no dateline resolves.
    pub weekday: Option<u32>,
    pub status: EventStatus,
    /// The status comes from a cue, the tense or an explicit date, not the default.
    pub status_explicit: bool,
}

/// How the trigger's verb (or the verb of travel a contact noun depends on) is conjugated.
struct Tense {
    /// In the imperfect (يلتقي، تبحث).
    present: bool,
    /// With the future prefix (سيلتقي).
    future: bool,
}

impl Builder<'_, '_> {
    /// The date and status of frame `f`, whose trigger the sentence's modality cues gave
    /// `cue_status`.
    pub(super) fn when(&self, f: &Frame, cue_status: Option<EventStatus>) -> When {
        let tense = self.tense(f);
        let expr = self.frame_date(f, &tense, cue_status);
        let date = self.resolve_date(expr, &tense, cue_status);
        let (status, status_explicit) = self.status(f, &tense, cue_status, date, expr);
        // A plan in a period already under way ("في وقت لاحق من العام الجاري") is still to come.
        let date = match (date, self.published) {
            (Some(d), Some(p)) if status == EventStatus::Planned && d.precision != Precision::Day && d.start < p && d.span().1 >= p => {
                Some(DateValue::range(p, d.span().1))
            }
            _ => date,
        };
        // "اليوم، الاثنين" with no dateline: no date, but the day of the week is known.
        let weekday = date.is_none().then(|| self.weekday_named(f)).flatten();
        When { date, weekday, status, status_explicit }
    }

    /// The first bare weekday the frame names, if any.
    fn weekday_named(&self, f: &Frame) -> Option<u32> {
        self.dates_in(f.left.min(f.pos())..f.right).iter().find_map(|d| match d.expr {
            DateExpr::Weekday(w) => Some(w),
            _ => None,
        })
    }

    /// Whether the frame, within the trigger's clause, names a weekday or a month of its own (not
    /// one before someone named: "التقى، الجمعة، الوزير الذي يزور البلاد") that no dateline
    /// resolves.
    fn own_unresolved_day(&self, f: &Frame) -> bool {
        let pos = f.pos();
        // Before the trigger, only with no one named between ("وفي أيار، يتوجه").
        let own = |k: usize| k > pos || self.mentions_in(k, pos).is_empty();
        let range = f.left.max(f.clause_start).min(pos)..f.right;
        self.dates_in(range.clone()).iter().any(|d| matches!(d.expr, DateExpr::Weekday(_)) && own(d.end))
            || range.into_iter().any(|k| self.a.cue(k, |c| matches!(c, Cue::Month(_))) && own(k + 1))
    }

    /// Whether an imperfect contact verb of the third person is followed by "خلالها" (during it,
    /// the visit): what a visit's programme holds is still to come ("ناقشا خلالها" is a perfect).
    fn in_programme(&self, f: &Frame) -> bool {
        let (pos, next) = (f.pos(), f.pos() + 1);
        let third_person = self.a.tokens[pos].norm.trim_start_matches(['و', 'ف']).starts_with(['ي', 'ت']);
        f.t.trigger.is_verb && third_person && next < f.right && matches!(self.a.tokens[next].norm.as_str(), "خلالها" | "خلاله")
    }

    /// The trigger's tense; a contact noun takes its verb's: the verb of travel whose purpose it
    /// states, else the verb that carries it.
    fn tense(&self, f: &Frame) -> Tense {
        let verb = f.motion.or_else(|| self.carrying_verb(f));
        Tense {
            present: self.present_tense(f.t) || verb.is_some_and(|k| self.imperfect(k)),
            future: f.t.future || verb.is_some_and(|k| self.a.words(k).iter().any(|w| w.future)),
        }
    }

    /// The verb that carries a contact noun ("يجري", "يقوم ب", "يعقد"): within its clause right
    /// before it, with at most its subject between ("بوتين سيجري محادثات", "سيجري الرئيس
    /// محادثات"), or in the future in a relative clause right after it ("زيارة الدولة التي
    /// سيقوم بها تبون").
    pub(super) fn carrying_verb(&self, f: &Frame) -> Option<usize> {
        if f.t.trigger.is_verb {
            return None;
        }
        let (a, pos) = (self.a, f.pos());
        let support = |k: usize| a.cue(k, |c| c == Cue::Support);
        let plain = |k: usize| a.is_word(k) && a.trigger(k).is_none();
        let subject_only = |k: usize| self.mentions_in(k + 1, pos).iter().all(|m| matches!(m.kind, MentionKind::Actor(_)));
        let before =
            (f.clause_start.max(pos.saturating_sub(6))..pos).rev().take_while(|&k| plain(k)).find(|&k| support(k) && subject_only(k));
        before.or_else(|| {
            let end = (pos + 4).min(f.sentence.end);
            let rel = (pos + 1..end).take_while(|&k| plain(k)).find(|&k| self.relative(k))?;
            // Only its future: "التي يجريها" tells a visit under way, as the noun alone does.
            let future = |k: usize| a.words(k).iter().any(|w| w.future);
            (rel + 1 < f.sentence.end && support(rel + 1) && future(rel + 1)).then_some(rel + 1)
        })
    }

    /// The frame's date expression: the first after the trigger, else the last one before it
    /// (never one that follows "منذ", since); a verb still to come with no date of its own takes
    /// the sentence's earlier one ("غداً الأربعاء ... حيث يلتقي"), a planned contact noun its
    /// clause's ("من المقرر أن يشارك غدا في القمة ...، وفي القمة"), not the day a report was made.
    fn frame_date(&self, f: &Frame, tense: &Tense, cue_status: Option<EventStatus>) -> Option<DateExpr> {
        let (a, pos) = (self.a, f.pos());
        let dates: Vec<&FoundDate> = self
            .dates_in(f.left.min(pos)..f.right)
            .iter()
            .filter(|d| {
                // The "منذ" whose clause the date ends: no punctuation between them.
                let since = (f.left..d.first)
                    .rev()
                    .take_while(|&k| !matches!(a.tokens[k].kind, TokenKind::Punct(_)))
                    .find(|&k| a.cue(k, |c| c == Cue::Since));
                since.is_none_or(|k| (k..d.first).any(|j| a.trigger(j).is_some()))
            })
            .collect();
        let earlier = if tense.present {
            self.dates_in(f.sentence.first..f.left.min(pos))
        } else if !f.t.trigger.is_verb && cue_status == Some(EventStatus::Planned) {
            self.dates_in(f.clause_start..f.left.min(pos))
        } else {
            &[]
        };
        let found =
            dates.iter().find(|d| d.first > pos).or_else(|| dates.iter().rev().find(|d| d.end <= pos)).copied().or(earlier.last())?;
        Some(found.expr)
    }

    /// A date expression's value for a frame: a bare weekday is the next one for an event still
    /// to come, the last one otherwise; a date relative to an unknown dateline has none.
    fn resolve_date(&self, expr: Option<DateExpr>, tense: &Tense, cue_status: Option<EventStatus>) -> Option<DateValue> {
        let leaning_future = tense.future || tense.present && matches!(cue_status, None | Some(EventStatus::Planned));
        match expr? {
            DateExpr::Fixed(v) => Some(v),
            DateExpr::Weekday(w) => {
                self.published.map(|p| DateValue::day(resolve_weekday(w, p, leaning_future || cue_status == Some(EventStatus::Planned))))
            }
            DateExpr::Relative(_) => None,
        }
    }

    /// The status: a cue, else the future prefix, else the date against the dateline (or, with
    /// no dateline, the direction of a relative date: "بعد غد", "يناير الماضي"), else the tense;
    /// with whether anything said it (not the default).
    fn status(
        &self,
        f: &Frame,
        tense: &Tense,
        cue_status: Option<EventStatus>,
        date: Option<DateValue>,
        expr: Option<DateExpr>,
    ) -> (EventStatus, bool) {
        match (cue_status, date, self.published) {
            (Some(s), _, _) => (s, true),
            _ if tense.future => (EventStatus::Planned, true),
            // "يتوجه الرئيس إلى الرياض الأحد", "وفي أيار يتوجه إلى إيران" with no dateline: the
            // imperfect with a day or month of its own announces the trip (with a dateline, a
            // weekday resolves forward).
            (None, None, None) if tense.present && self.own_unresolved_day(f) => (EventStatus::Planned, true),
            // "في زيارة تستمر يومين يلتقي خلالها رئيس مجلس النواب": the programme of a visit.
            _ if tense.present && self.in_programme(f) => (EventStatus::Planned, true),
            _ if matches!(expr, Some(DateExpr::Relative(d)) if d > 0) => (EventStatus::Planned, true),
            _ if matches!(expr, Some(DateExpr::Relative(d)) if d < 0) => (EventStatus::Occurred, true),
            (None, Some(d), Some(p)) if d.span().0 > p => (EventStatus::Planned, true),
            (None, Some(d), Some(p)) if d.span().1 < p => (EventStatus::Occurred, true),
            // A span still running ("هذا الأسبوع") says nothing of whether it happened yet.
            (None, Some(d), Some(p)) if d.span().1 > p => (EventStatus::Occurred, false),
            (None, Some(_), _) => (EventStatus::Occurred, true),
            // A verb in the perfect ("التقى", "بحث") says it happened.
            _ => (EventStatus::Occurred, (f.t.trigger.is_verb || f.motion.is_some()) && !tense.present),
        }
    }
}
