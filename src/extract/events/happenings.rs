//! The happenings one frame reports, each a draft: a tour is one visit per destination, a call
//! "with A, B and C" one call per side, a meeting with several people of one state one meeting
//! with each; with each its place, mode and topics.

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::extract::mentions::{Actor, MentionKind};
use crate::kb::{Cue, Office};
use crate::proto::{ConsultMode, EventStatus, EventType};
use crate::text::TokenKind;

use super::frame::Frame;
use super::roles::{Named, Roles};
use super::sides::with_host;
use super::{Builder, CAMEO_MEET, Draft, Place, Side, TriggerAt, Who, count_people, count_sides};

/// The sides of one happening and where it took place.
type Happening = (Vec<Side>, Option<Place>);

impl Builder<'_, '_> {
    /// The drafts frame `f` reports: `base` (the fields they share) with the sides, place, mode
    /// and topics of each happening.
    pub(super) fn happenings(&self, f: &Frame, roles: Roles, sides: Vec<Side>, base: Draft, reported: &[Draft]) -> Vec<Draft> {
        let a = self.a;
        let pos = f.pos();
        let phone = f.t.trigger.mode == ConsultMode::Phone
            || (pos.saturating_sub(3).max(f.left)..f.right).any(|k| a.cue(k, |c| c == Cue::Phone) || a.tokens[k].norm.starts_with("هاتفي"));
        let on = base.date.map(|d| d.start).or(self.published);
        let Roles { after, before, mut destinations, location, topics, to_come_from } = roles;
        if destinations.is_empty()
            && base.date.is_some()
            && let Some(place) = self.earlier_destination(f.t, &sides, reported)
        {
            destinations.push(place);
        }
        // "زار وزير الإعلام ... مقر وكالة الأنباء السعودية في العاصمة السعودية الرياض": a visit of
        // one side the frame names to a building or city of another state goes to that state
        // (a verb's: a visit noun's clause may hold another happening's place).
        if destinations.is_empty()
            && f.t.trigger.takes_destination
            && f.t.trigger.is_verb
            && count_sides(&sides) == 1
            && !(after.is_empty() && before.is_empty())
            && let Some(place) = location.as_ref().filter(|l| l.specific && !sides.iter().any(|s| s.country == l.country))
        {
            destinations.push(place.clone());
        }
        if self.none_holds_them(f, &sides, &after, on) {
            return Vec::new();
        }
        let owned = f.t.trigger.needs_owner && f.t.pronoun;
        if f.t.trigger.needs_stops && destinations.is_empty() && !owned {
            return Vec::new();
        }
        let groups: Vec<Happening> = if destinations.is_empty() {
            // "مع A وB": a "مع" that names sides ("مع تراجع قوات الحكومة" names none).
            let with_sides = |k: usize| {
                a.cue(k, |c| c == Cue::With)
                    && f.mentions
                        .iter()
                        .any(|m| (k + 1..=k + 3).contains(&m.first) && matches!(m.kind, MentionKind::Actor(_) | MentionKind::StateName(_)))
            };
            // A meeting told again ("اللقاء مع قادة الاتحاد الأوروبي") or of many ("قمة ثلاثية
            // تجمعه مع A و B", "اجتماع آلية التعاون الثلاثي مع نظيريه") is one.
            let of_many = (pos..(pos + 4).min(f.right))
                .take_while(|&k| a.is_word(k) && (k == pos || f.mentions.iter().all(|m| m.first != k)))
                .any(|k| a.cue(k, |c| c == Cue::Many));
            // "التقى ولي العهد على هامش القمة كلاً من A و B و C": meetings on the sidelines of a
            // gathering are each with one of them.
            let sidelines = f.t.trigger.is_verb && (f.left..f.right).any(|k| a.cue(k, |c| c == Cue::Margin));
            // "سيلتقي دا سيلفا نظيريه الكوبي ... والفنزويلي ...": his counterparts, each met.
            let counterparts = |k: usize| a.forms(k).iter().any(|w| matches!(*w, "نظيريه" | "نظيريها" | "نظرائه" | "نظرائها"));
            // "عقد مجلس التعاون الخليجي اجتماعاً مع وزير الخارجية الصيني": a grouping that acts
            // as its members meets as one.
            let grouping = before
                .iter()
                .any(|(_, actor)| matches!(actor, Actor::Organisation(o) if !self.kb.organisations[*o as usize].members.is_empty()));
            let split = phone
                || f.t.trigger.with_each
                || (!self.told_again(f.t)
                    && !of_many
                    && !grouping
                    && (sidelines || self.each_of(f, &before) || (pos..f.right).any(|k| with_sides(k) || counterparts(k))));
            self.one_place(f.t, sides, &after, location, split, on)
        } else {
            let stops: Vec<CompactString> = destinations.iter().map(|d| d.country.clone()).collect();
            destinations.into_iter().map(|dest| (stop_sides(&sides, &dest, &stops), Some(dest))).collect()
        };
        groups
            .into_iter()
            .enumerate()
            .filter(|(_, (sides, _))| count_sides(sides) >= 2)
            .map(|(k, (sides, place))| {
                // A stop still to come of a tour told in the past is planned, and not on the day
                // the leg told took place.
                let to_come = to_come_from.is_some_and(|from| k >= from) && base.status == EventStatus::Occurred;
                let base = if to_come {
                    Draft {
                        status: EventStatus::Planned,
                        status_explicit: true,
                        cameo: 36,
                        date: None,
                        date_explicit: false,
                        ..base.clone()
                    }
                } else {
                    base.clone()
                };
                let mode = mode(f.t, phone, &sides, place.as_ref());
                let mut topics = topics.clone();
                topics.retain(|c| !sides.iter().any(|s| s.country == *c) && place.as_ref().is_none_or(|l| l.country != *c));
                topics.dedup();
                let named_people = count_people(&sides);
                Draft { mode, sides, location: place, topics, named_people, ..base }
            })
            .collect()
    }

    /// "حيث عقد اجتماعات مع الحارثي ... ومع القيادي الحوثي محمد عبدالسلام": contacts with each of
    /// those named after a noun need someone before it, named or understood, to hold them; when
    /// every side is one of those met, who held them is unknown and no contact is told. Not
    /// credentials, whose ambassadors may be named after the noun with whoever received them,
    /// nor contacts "between" those named ("لقاءات ثنائية أبرزها بين بايدن ونظيره الصيني").
    fn none_holds_them(&self, f: &Frame, sides: &[Side], after: &[Named], on: Option<NaiveDate>) -> bool {
        let t = f.t;
        if !t.trigger.with_each || t.trigger.is_verb || f.between.is_some() || after.iter().any(|(_, actor)| self.ambassador(actor, on)) {
            return false;
        }
        let met = self.resolve(after, on);
        sides.iter().all(|s| met.contains(s))
    }

    /// "وكانت زيارة الرئيس مقررة في سبتمبر": a dated visit noun of one traveller with no
    /// destination named goes where the last visit reported of that traveller went (undated, it
    /// is that visit, told again).
    fn earlier_destination(&self, t: &TriggerAt, sides: &[Side], reported: &[Draft]) -> Option<Place> {
        if !t.trigger.takes_destination || t.trigger.is_verb {
            return None;
        }
        let [traveller @ Side { who: Who::Person { person, .. }, .. }] = sides else { return None };
        reported.iter().rev().find_map(|d| {
            let travelled =
                d.mode == ConsultMode::Visit && d.sides.iter().any(|s| matches!(s.who, Who::Person { person: p, .. } if p == *person));
            d.location.as_ref().filter(|l| travelled && l.country != traveller.country).cloned()
        })
    }

    /// The happenings of a frame with no destination: one call or meeting per other side when
    /// `split` (a call, or "with A, B and C") and three sides or more; one meeting per person met
    /// apart; else one happening.
    fn one_place(
        &self,
        t: &TriggerAt,
        sides: Vec<Side>,
        after: &[Named],
        location: Option<Place>,
        split: bool,
        on: Option<NaiveDate>,
    ) -> Vec<Happening> {
        if count_sides(&sides) >= 3 && split {
            // Credentials go to the one side that is no ambassador, wherever it is named; with
            // no one named to receive them, no contact can be told.
            let first = if t.trigger.with_each { sides.iter().position(|s| !s.is_ambassador()) } else { Some(0) };
            let Some(first) = first.map(|k| &sides[k]) else { return Vec::new() };
            return sides
                .iter()
                .filter(|o| o.country != first.country || o.country.is_empty())
                .map(|other| (vec![first.clone(), other.clone()], location.clone()))
                .collect();
        }
        match self.people_met_apart(t, &sides, after, on) {
            Some(met) => met.into_iter().map(|pair| (pair, location.clone())).collect(),
            None => vec![(sides, location)],
        }
    }

    /// "تلتقي الوزيرة المشير طنطاوي والدكتور عصام شرف", "سيلتقي برئيس مجلس الدوما ... ونائب رئيس
    /// الوزراء ... ووزير الخارجية": a meeting verb or noun whose objects are several people of one
    /// state (named, or by titles whose holders are unknown), the other side being one, is a
    /// meeting with each of them; as pairs of sides. Not a reception or an arrival, which one
    /// party gives together, nor a meeting told again ("أظهرت صور الاجتماع لافروف وترامب
    /// والسفير الروسي": who was at it).
    fn people_met_apart(&self, t: &TriggerAt, sides: &[Side], after: &[Named], on: Option<NaiveDate>) -> Option<Vec<Vec<Side>>> {
        if t.trigger.cameo != CAMEO_MEET || t.trigger.mode != ConsultMode::Unspecified || count_sides(sides) < 2 || self.told_again(t) {
            return None;
        }
        // "التقى ... وفدا من تركيا برئاسة وزير الخارجية ... بحضور وزير الدفاع ... ووزير التجارة": the
        // people listed after "in the presence of" came with the party met; nobody is met apart.
        let listed_end = after.last().map_or(t.pos, |(m, _)| m.end);
        if (t.pos..listed_end).any(|k| self.a.cue(k, |c| c == Cue::Presence)) {
            return None;
        }
        // Each actor resolved on its own: two titles of one state stay two people. An ambassador
        // named beside someone of their state comes with them ("المبعوث الأمريكي ... والسفير
        // الأمريكي"): no meeting of their own.
        // A title and a name in one item of the list are one person ("المبعوث الأمريكي الخاص إلى
        // اليمن ثيموتي ليندركينغ").
        let mut met: Vec<Side> = Vec::new();
        let mut last_end = 0;
        for named @ (m, _) in after.iter().filter(|(_, actor)| !self.ambassador(actor, on)) {
            let Some(side) = self.resolve(std::slice::from_ref(named), on).into_iter().next().filter(Side::is_someone) else { continue };
            let same_item = met.last().is_some_and(|last| last.country == side.country) && !self.new_item(last_end, m.first);
            last_end = m.end;
            if same_item {
                if let (Some(last), Who::Person { .. }) = (met.last_mut(), &side.who) {
                    *last = side;
                }
            } else if !met.contains(&side) {
                met.push(side);
            }
        }
        // People of one state, and officers of organisations listed with them ("برئيس البرلمان
        // المصري ... والأمين العام لجامعة الدول العربية").
        let officer = |s: &Side| matches!(s.who, Who::Organisation { .. });
        let of_state = |c: &CompactString| met.iter().filter(|s| !officer(s) && s.country == *c).count();
        let listed_with_officer = met.windows(2).find(|w| !officer(&w[0]) && officer(&w[1])).map(|w| w[0].country.clone());
        let country = met.iter().filter(|s| !officer(s)).map(|s| s.country.clone()).find(|c| of_state(c) >= 2).or(listed_with_officer)?;
        let is_met = |s: &Side| s.country == country || officer(s);
        let other: Vec<&Side> = sides.iter().filter(|s| !is_met(s)).collect();
        let person = |s: &Side| if let Who::Person { person, .. } = s.who { Some(person) } else { None };
        let people_met = sides.iter().filter(|s| s.country == country).filter_map(person).all(|p| met.iter().any(|m| person(m) == Some(p)));
        (other.len() == 1 && people_met).then(|| met.into_iter().filter(is_met).map(|p| vec![other[0].clone(), p]).collect())
    }

    /// "استقبل السوداني كلا من: سفير دولة الكويت، وسفير جمهورية مصر": "each of" after the
    /// subject of the trigger of frame `f` lists the parties the subject met one by one; not
    /// when it lists the subjects ("التقى اليوم كل من ترامب وولي العهد والشرع"), nor in a
    /// sentence that tells the gathering they came to ("انطلقت فعاليات القمة، حيث استقبل
    /// الرئيس كل من ..."). "كلا على حدة" (each apart), wherever it stands, says the same, and so
    /// does "من بينهم" (among them) after a number of people met ("عددا من القادة، من بينهم").
    fn each_of(&self, f: &Frame, before: &[Named]) -> bool {
        let a = self.a;
        let pos = f.pos();
        let each = |k: usize| matches!(a.tokens[k].norm.as_str(), "كل" | "كلا");
        let apart = |k: usize| each(k) && a.tokens[k + 1].norm == "علي" && a.tokens.get(k + 2).is_some_and(|t| t.norm == "حده");
        let gathering = (f.sentence.first..f.sentence.end).any(|k| k != pos && a.trigger(k).is_some());
        if (f.sentence.first..f.sentence.end.saturating_sub(1)).any(apart) {
            return !gathering;
        }
        // "كلا من A وB", or "عددا من القادة، من بينهم A وB" (among them).
        let Some(list) = (pos + 1..f.right.saturating_sub(1)).find(|&k| each(k) && a.tokens[k + 1].norm == "من" || self.among_them(k))
        else {
            return false;
        };
        let subject =
            !before.is_empty() || f.mentions.iter().any(|m| m.first > pos && m.end <= list && matches!(m.kind, MentionKind::Actor(_)));
        subject && !gathering
    }

    /// Whether a mention at token `first` starts a new item of a list after the one that ended at
    /// `from`: a comma, "ثم" or a word with "و" comes between ("، ورئيس الحكومة", "والدكتور عصام
    /// شرف", "ثم رئيس مجلس النواب").
    fn new_item(&self, from: usize, first: usize) -> bool {
        (from..=first).any(|k| {
            let t = &self.a.tokens[k];
            t.norm.starts_with('و') || t.norm == "ثم" || matches!(t.kind, TokenKind::Punct(_))
        })
    }

    /// Whether an actor is an ambassador (by title, or holding the office on day `on`).
    fn ambassador(&self, actor: &Actor, on: Option<NaiveDate>) -> bool {
        match actor {
            Actor::Office { office, .. } => *office == Office::Ambassador,
            Actor::Person(p) => self.kb.term_on(*p, on).is_some_and(|t| t.office == Office::Ambassador),
            _ => false,
        }
    }
}

/// The sides of one stop `dest` of a journey to the states `stops`: when someone comes from
/// none of them (the traveller), the hosts met at another stop are not met at this one ("يزور
/// إثيوبيا في ختام جولة شملت أنغولا وزامبيا": the Ethiopian president who receives him is no
/// side of the visits to Angola and Zambia).
fn stop_sides(sides: &[Side], dest: &Place, stops: &[CompactString]) -> Vec<Side> {
    let host_elsewhere = |s: &Side| s.country != dest.country && stops.contains(&s.country);
    let traveller = sides.iter().any(|s| !s.country.is_empty() && !stops.contains(&s.country));
    let here: Vec<Side> = sides.iter().filter(|s| !(traveller && host_elsewhere(s))).cloned().collect();
    with_host(&here, Some(dest))
}

/// The mode of a contact: a call; three sides or more meet multilaterally; at the place of one
/// side a visit, elsewhere a meeting in a third country; else what the trigger says.
fn mode(t: &TriggerAt, phone: bool, sides: &[Side], place: Option<&Place>) -> ConsultMode {
    if t.trigger.event_type != EventType::Consult {
        ConsultMode::Unspecified
    } else if phone {
        ConsultMode::Phone
    } else if count_sides(sides) >= 3 {
        ConsultMode::Multilateral
    } else if let Some(p) = place {
        if sides.iter().any(|s| s.country == p.country) { ConsultMode::Visit } else { ConsultMode::ThirdParty }
    } else {
        t.trigger.mode
    }
}
