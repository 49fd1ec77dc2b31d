//! One event per happening within an article: the headline, the lead and later paragraphs
//! usually describe the same meeting. Drafts that agree on type, sides and date merge (what the
//! events of one occasion then lend each other is `occasions`).

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::proto::{ConsultMode, EventStatus, EventType};

use super::dates::Precision;
use super::events::{Draft, Place, Side, Who, add_side};

fn people(d: &Draft, country: &str) -> Vec<u32> {
    d.sides
        .iter()
        .filter(|s| s.country == country)
        .filter_map(|s| match s.who {
            Who::Person { person, .. } => Some(person),
            _ => None,
        })
        .collect()
}

/// "وجرى خلال الاجتماع" after "شارك الوزير في اجتماع المجلس الوزاري لمجلس التعاون": a meeting
/// told again (`larger`, with countries `of_larger`) that adds only states, several and none of
/// them named by a person (a grouping's members, not a mediator), to the sides of another report
/// (`of_other`).
fn more_states_told_again(larger: &Draft, of_larger: &[&str], of_other: &[&str]) -> bool {
    let added = |s: &&Side| !of_other.contains(&s.country.as_str());
    larger.refers_back
        && of_other.iter().all(|c| of_larger.contains(c))
        && of_larger.len() >= of_other.len() + 2
        && larger.sides.iter().filter(added).all(|s| !s.is_someone())
}

/// "عقد مجلس التعاون اجتماعاً مع وزير الخارجية الصيني ... وترأس الاجتماع وزير الخارجية السعودي،
/// وشارك فيه وزيرا خارجية الكويت والبحرين": the meeting just reported (`a`), told again (`b`)
/// with those of its sides who attended, two states or more of it and none other.
fn attendees_told(a: &Draft, b: &Draft, of_a: &[&str], of_b: &[&str]) -> bool {
    b.refers_back && of_b.len() >= 2 && of_b.iter().all(|c| of_a.contains(c)) && a.event_type == b.event_type
}

/// `latest`: `a` is the event reported just before `b`.
fn same_sides(a: &Draft, b: &Draft, latest: bool) -> bool {
    // "وحضر اللقاء وزيرا الخارجية", "وجرى خلال الاجتماع" (of a grouping's member states): the
    // meeting just reported, with more of its attendees.
    let told_again = latest && (a.refers_back || b.refers_back);
    let (ca, cb) = (a.countries(), b.countries());
    if ca != cb {
        return latest && (more_states_told_again(a, &ca, &cb) || more_states_told_again(b, &cb, &ca) || attendees_told(a, b, &ca, &cb));
    }
    // Officials or states with no named person meet apart from their leaders, unless both
    // reports date it the same; an agreement signed by the two states in their leaders'
    // presence is one signing.
    if a.event_type == EventType::Consult && (a.named_people == 0) != (b.named_people == 0) && !(a.date_explicit && b.date_explicit) {
        return false;
    }
    if told_again {
        return true;
    }
    a.countries().iter().all(|c| {
        let (pa, pb) = (people(a, c), people(b, c));
        pa.is_empty() || pb.is_empty() || pa.iter().any(|p| pb.contains(p))
    })
}

/// How long before publication an explicitly dated event may still be the news of the day
/// (that an undated report refers to, that took place where the report is filed).
pub const RECENT_DAYS: i64 = 7;

pub(super) fn dates_agree(a: &Draft, b: &Draft, published: Option<NaiveDate>) -> bool {
    match (a.date.filter(|_| a.date_explicit), b.date.filter(|_| b.date_explicit)) {
        (Some(x), Some(y)) => {
            let ((xs, xe), (ys, ye)) = (x.span(), y.span());
            xs <= ye && ys <= xe
        }
        // An undated report is the day's news, not a background event of years ago.
        (Some(d), None) | (None, Some(d)) => {
            a.refers_back || b.refers_back || published.is_none_or(|p| d.span().1 >= p - chrono::Duration::days(RECENT_DAYS))
        }
        (None, None) => true,
    }
}

/// Statuses one happening can be told with: the same, or one of them not said; a trip called
/// off and then said not to take place ("ألغى رحلته" … "لن يسافر") is one cancelled trip.
fn statuses_agree(a: &Draft, b: &Draft) -> bool {
    let called_off = |s: EventStatus| matches!(s, EventStatus::Cancelled | EventStatus::Negated);
    a.status == b.status || !a.status_explicit || !b.status_explicit || called_off(a.status) && called_off(b.status)
}

fn modes_agree(a: ConsultMode, b: ConsultMode) -> bool {
    a == b || a == ConsultMode::Unspecified || b == ConsultMode::Unspecified || (a != ConsultMode::Phone && b != ConsultMode::Phone)
}

/// The people of a state a draft names, as who they are: a person (however the article wrote
/// the name), or a title whose holder is unknown.
fn someone_of<'d>(d: &'d Draft, country: &str) -> Vec<(Option<u32>, &'d str)> {
    d.sides
        .iter()
        .filter(|s| s.country == country && s.is_someone())
        .map(|s| match &s.who {
            Who::Person { person, .. } => (Some(*person), ""),
            Who::State { role, .. } => (None, role.as_str()),
            Who::Organisation { person, .. } => (*person, ""),
        })
        .collect()
}

/// Two drafts of one trigger that name different people of a state: the frame split a meeting
/// with each of them ("سيلتقي برئيس مجلس الدوما ... ووزير الخارجية لافروف").
/// The people are compared first: an event folded from thousands of drafts of one repeated
/// sentence names the same people in all, and its evidence is then never scanned.
fn met_apart(a: &Draft, b: &Draft) -> bool {
    let different_people = a.countries().iter().any(|c| {
        let (pa, pb) = (someone_of(a, c), someone_of(b, c));
        !pa.is_empty() && !pb.is_empty() && pa.iter().all(|p| !pb.contains(p))
    });
    different_people && a.evidence.iter().any(|(_, ta)| b.evidence.iter().any(|(_, tb)| ta == tb))
}

fn reports_same(a: &Draft, b: &Draft, published: Option<NaiveDate>, latest: bool) -> bool {
    !met_apart(a, b)
        && a.event_type == b.event_type
        && same_sides(a, b, latest)
        && dates_agree(a, b, published)
        && statuses_agree(a, b)
        && modes_agree(a.mode, b.mode)
}

fn precision_rank(d: &Draft) -> u8 {
    match d.date.map(|d| d.precision) {
        Some(Precision::Day) => 4,
        Some(Precision::Range) => 3,
        Some(Precision::Month) => 2,
        Some(Precision::Year) => 1,
        None => 0,
    }
}

fn absorb(into: &mut Draft, from: Draft) {
    if from.date_explicit && (!into.date_explicit || precision_rank(&from) > precision_rank(into)) {
        into.date = from.date;
        into.date_explicit = true;
    }
    if into.date.is_none() {
        into.date = from.date;
    }
    into.weekday = into.weekday.or(from.weekday);
    if from.status_explicit && (!into.status_explicit || rank(from.status) > rank(into.status)) {
        into.status = from.status;
        into.status_explicit = true;
        into.cameo = from.cameo;
    }
    match (&into.location, from.location) {
        (None, Some(l)) => into.location = Some(l),
        (Some(cur), Some(l)) if !cur.specific && l.specific && cur.country == l.country => into.location = Some(l),
        _ => {}
    }
    if into.mode == ConsultMode::Unspecified || (into.mode == ConsultMode::Visit && from.mode == ConsultMode::Phone) {
        into.mode = from.mode;
    }
    for t in from.topics {
        if !into.topics.contains(&t) {
            into.topics.push(t);
        }
    }
    for side in from.sides {
        add_side(&mut into.sides, side);
    }
    into.evidence.extend(from.evidence);
    into.named_people = into.named_people.max(from.named_people);
}

/// Which status wins when two explicit reports in one article differ.
fn rank(s: EventStatus) -> u8 {
    match s {
        EventStatus::Cancelled => 5,
        EventStatus::Occurred => 4,
        EventStatus::Planned => 3,
        EventStatus::Proposed => 2,
        _ => 1,
    }
}

/// The event a characterisation ("في أول زيارة لمسؤول أمريكي إلى مصر") describes: the last
/// one reported of its type, on a day it agrees with, whose sides include its own (a summit
/// is the first visit of one of its leaders).
fn characterised(events: &[Draft], d: &Draft, published: Option<NaiveDate>) -> Option<usize> {
    if !d.characterises {
        return None;
    }
    let countries = d.countries();
    events
        .iter()
        .rposition(|e| e.event_type == d.event_type && dates_agree(e, d, published) && countries.iter().all(|c| e.countries().contains(c)))
}

/// The plan a cancellation calls off, or the cancellation of a plan: "أُلغي اجتماع كان مقررا
/// ... وكان من المقرر أن يلتقي X و Y أمس" is one cancelled meeting, dated by the plan.
fn called_off(events: &[Draft], d: &Draft, published: Option<NaiveDate>) -> Option<usize> {
    let plan = |e: &Draft| e.past_plan && e.status == EventStatus::Planned;
    let pair = |plan_of: &Draft, cancelled: &Draft| plan(plan_of) && cancelled.status == EventStatus::Cancelled;
    events.iter().rposition(|e| {
        (pair(d, e) || pair(e, d))
            && e.event_type == d.event_type
            && same_sides(e, d, false)
            && dates_agree(e, d, published)
            && modes_agree(e.mode, d.mode)
    })
}

/// A denial of a plan or a proposal it reports: "لن يلتقي نظيره ... نافياً ما أشيع عن أن
/// الرئيسين سيعقدان لقاءهما" is one meeting, not happening.
fn denied(events: &[Draft], d: &Draft, published: Option<NaiveDate>) -> Option<usize> {
    events.iter().rposition(|e| {
        denial(e, d)
            && e.event_type == d.event_type
            && same_sides(e, d, false)
            && dates_agree(e, d, published)
            && modes_agree(e.mode, d.mode)
    })
}

/// One of two drafts denies what the other plans or proposes, both naming who would meet, and
/// when or where (a denial of other talks between the same states, "لا توجد أي خطط" for a format
/// of ministers, is not the denial of a meeting of the two named; an undated "لن" may deny
/// something else of a meeting: "اللقاء لن يكون له آثار"). "نفى ... الأنباء عن زيارة مرتقبة
/// لوزير الخارجية السعودي ... لدمشق" and "الأنباء التي تحدثت عن زيارة مرتقبة للوزير السعودي"
/// are one denied visit, placed in Damascus and dated by neither.
fn denial(a: &Draft, b: &Draft) -> bool {
    let intended = |d: &Draft| matches!(d.status, EventStatus::Planned | EventStatus::Proposed);
    fn placed(d: &Draft) -> Option<&Place> {
        d.location.as_ref().filter(|l| l.specific)
    }
    let when_or_where =
        (a.date_explicit && b.date_explicit) || (!a.date_explicit && !b.date_explicit && placed(a).is_some() && placed(a) == placed(b));
    let named = a.named_people > 0 && b.named_people > 0 && when_or_where;
    named && ((a.status == EventStatus::Negated && intended(b)) || (b.status == EventStatus::Negated && intended(a)))
}

/// "وتوجه شكري إلى الجزائر ... ومن المقرر أن يلتقي نظيره الجزائري": the talks planned with the
/// host of a visit under way are that visit, still going on: the last visit reported, occurred,
/// between the same states on a day they agree on, when no one else of the host state has been
/// met yet (talks with a second host are a meeting of their own; "في زيارة يلتقي خلالها
/// بالسلطان ... سيجري محادثات مع السلطان" is one). Talks told as held "during the
/// visit" ("خلال الزيارة") are a meeting of their own within it.
fn talks_of_the_visit(events: &[Draft], d: &Draft, published: Option<NaiveDate>) -> Option<usize> {
    if d.event_type != EventType::Consult || d.status != EventStatus::Planned || d.mode != ConsultMode::Unspecified || d.during_visit {
        return None;
    }
    let k = events.iter().rposition(|e| e.event_type == EventType::Consult && e.mode == ConsultMode::Visit)?;
    let visit = &events[k];
    let host = visit.location.as_ref()?.country.as_str();
    let host_met = events.iter().any(|e| people(e, host).iter().any(|p| !people(d, host).contains(p)));
    (visit.status == EventStatus::Occurred && !host_met && same_sides(visit, d, false) && dates_agree(visit, d, published)).then_some(k)
}

/// Folds an article's drafts into one event per happening. Two reports of one happening have
/// the same states as sides, so each draft is compared only with the events of its states (an
/// article of hundreds of events stays linear); the rarer links (a characterisation, a
/// cancellation, talks during a visit, a denial) look at every event.
pub fn one_per_happening(drafts: Vec<Draft>, published: Option<NaiveDate>) -> Vec<Draft> {
    let mut events: Vec<Draft> = Vec::new();
    let mut by_states: FxHashMap<Vec<String>, Vec<usize>> = FxHashMap::default();
    for d in drafts {
        let states = states_of(&d);
        // A report that refers back joins the event just before it only when no event
        // already shares its people.
        let same = by_states.get(&states).and_then(|ks| ks.iter().rev().copied().find(|&i| reports_same(&events[i], &d, published, false)));
        let latest = events.len().checked_sub(1).filter(|&i| reports_same(&events[i], &d, published, true));
        let merged = same
            .or(latest)
            .or_else(|| characterised(&events, &d, published))
            .or_else(|| called_off(&events, &d, published))
            .or_else(|| talks_of_the_visit(&events, &d, published))
            .or_else(|| denied(&events, &d, published));
        match merged {
            Some(i) => {
                let before = states_of(&events[i]);
                let negated = denial(&events[i], &d);
                absorb(&mut events[i], d);
                if negated {
                    events[i].status = EventStatus::Negated;
                }
                let after = states_of(&events[i]);
                if after != before {
                    if let Some(ks) = by_states.get_mut(&before) {
                        ks.retain(|&k| k != i);
                    }
                    let ks = by_states.entry(after).or_default();
                    let at = ks.partition_point(|&k| k < i);
                    ks.insert(at, i);
                }
            }
            None => {
                by_states.entry(states).or_default().push(events.len());
                events.push(d);
            }
        }
    }
    events
}

pub(super) fn states_of(d: &Draft) -> Vec<String> {
    d.countries().into_iter().map(str::to_owned).collect()
}
