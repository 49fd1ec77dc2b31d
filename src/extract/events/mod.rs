//! Events: each trigger word opens a frame of its sentence; the frame's mentions become the
//! sides of the contact (titles resolved to office holders on the event's date), its date,
//! place, mode, topics and status (modality cues, tense and date against the dateline).
//! This module walks the sentences and gives each trigger its modality cues; `frame` and the
//! modules of its stages turn one trigger into drafts.

mod frame;
mod happenings;
mod roles;
mod sides;
mod when;

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::kb::{Cue, Kb, Trigger, Word};
use crate::proto::{ConsultMode, EventStatus, EventType};
use crate::text::TokenKind;

use super::analysis::Analysis;
use super::dates::{DateValue, FoundDate};
use super::mentions::{Actor, Mention, MentionKind};

/// One side of an event, resolved. Its strings are short (codes, roles, names): held inline,
/// so that the sides a frame copies while it tries readings cost no allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Person {
        person: u32,
        role: CompactString,
        name_ar: CompactString,
    },
    /// A state, or someone of it under `role`; `name_ar` is their name as the article wrote
    /// it when the knowledge base does not know them ("وزير الداخلية التونسي خالد النوري").
    State {
        role: CompactString,
        name_ar: CompactString,
    },
    /// An organisation, or one of its officers: a person the knowledge base knows, or one the
    /// article names (`name_ar`); neither for the organisation itself.
    Organisation {
        organisation: u32,
        person: Option<u32>,
        name_ar: CompactString,
        role: CompactString,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// ISO alpha-3; empty for organisations.
    pub country: CompactString,
    pub who: Who,
}

impl Side {
    /// A state, with no person or role.
    pub fn state(country: CompactString) -> Side {
        Side { country, who: Who::State { role: CompactString::default(), name_ar: CompactString::default() } }
    }

    /// An organisation, or an officer of it: of no state.
    pub fn of_organisation(organisation: u32, person: Option<u32>, name_ar: CompactString, role: CompactString) -> Side {
        Side { country: CompactString::default(), who: Who::Organisation { organisation, person, name_ar, role } }
    }

    /// Whether the side is someone: a person, or a title whose holder is unknown.
    pub fn is_someone(&self) -> bool {
        match &self.who {
            Who::Person { .. } => true,
            Who::State { role, name_ar } => !role.is_empty() || !name_ar.is_empty(),
            Who::Organisation { person, name_ar, .. } => person.is_some() || !name_ar.is_empty(),
        }
    }

    /// Whether the side is a state's envoy to another: an ambassador, a chargé d'affaires or a
    /// consul (not a permanent representative, who serves at an organisation).
    pub fn is_envoy(&self) -> bool {
        let role = match &self.who {
            Who::Person { role, .. } | Who::State { role, .. } => role,
            Who::Organisation { .. } => return false,
        };
        matches!(role.as_str(), "ambassador" | "chargé d'affaires" | "consul general" | "consul")
    }

    /// Whether the side is an ambassador whose holder is unknown (who presents credentials).
    pub fn is_ambassador(&self) -> bool {
        matches!(&self.who, Who::State { role, .. } if role == "ambassador")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub name_en: CompactString,
    pub name_ar: CompactString,
    pub country: CompactString,
    /// A city or venue rather than a whole country.
    pub specific: bool,
}

impl Place {
    /// A whole state as a place.
    pub fn state(state: &crate::kb::State) -> Place {
        Place {
            name_en: state.name_en.as_str().into(),
            name_ar: state.name_ar.as_str().into(),
            country: state.code.as_str().into(),
            specific: false,
        }
    }

    /// A city, seat or venue of the knowledge base as a place.
    pub fn specific(place: &crate::kb::Place) -> Place {
        Place {
            name_en: place.name_en.as_str().into(),
            name_ar: place.name_ar.as_str().into(),
            country: place.country.as_str().into(),
            specific: true,
        }
    }
}

/// An event found in one frame, before the article's reports of one happening are merged.
#[derive(Debug, Clone)]
pub struct Draft {
    pub event_type: EventType,
    pub cameo: u16,
    pub mode: ConsultMode,
    pub status: EventStatus,
    /// The status comes from a cue, the tense or an explicit date, not the default.
    pub status_explicit: bool,
    pub sides: Vec<Side>,
    pub date: Option<DateValue>,
    pub date_explicit: bool,
    /// With no date: the weekday the text gives it (0 = Monday).
    pub weekday: Option<u32>,
    pub location: Option<Place>,
    pub topics: Vec<CompactString>,
    /// Byte range of the supporting sentence and of the trigger word.
    pub evidence: Vec<((usize, usize), (usize, usize))>,
    pub named_people: usize,
    /// Told with a definite noun and no date of its own ("الاجتماع"): it refers back to an
    /// event already reported, however long ago.
    pub refers_back: bool,
    /// Takes place during a visit already reported ("خلال الزيارة", "أثناء زيارته").
    pub during_visit: bool,
    /// Told as a first ("أول زيارة", "الزيارة الأولى"): it characterises an event already
    /// reported that has its sides, when there is one.
    pub characterises: bool,
    /// Planned in the past tense ("وكان من المقرر أن يلتقي"): a plan the article may go on to
    /// call off.
    pub past_plan: bool,
}

impl Draft {
    pub fn countries(&self) -> Vec<&str> {
        let mut c: Vec<&str> = self.sides.iter().map(|s| s.country.as_str()).collect();
        c.sort_unstable();
        c.dedup();
        c
    }
}

struct TriggerAt {
    pos: usize,
    trigger: Trigger,
    future: bool,
    pronoun: bool,
}

fn status_rank(s: EventStatus) -> u8 {
    match s {
        EventStatus::Cancelled => 5,
        EventStatus::Negated => 4,
        EventStatus::Proposed => 3,
        EventStatus::Planned => 2,
        _ => 1,
    }
}

/// How far back (in tokens) an understood subject or a bare title is looked for.
const ANTECEDENT_WINDOW: usize = 120;

/// CAMEO 040 (discuss by telephone or in person), the code of the lexicon's verbs and nouns of talks.
const CAMEO_DISCUSS: u16 = 40;
/// CAMEO 043 (meet), the code of the lexicon's meeting verbs and nouns.
const CAMEO_MEET: u16 = 43;
/// CAMEO 057 (sign a formal agreement).
const CAMEO_SIGN: u16 = 57;

pub struct Builder<'a, 't> {
    pub kb: &'a Kb,
    pub a: &'a Analysis<'t>,
    pub mentions: &'a [Mention],
    /// The article's date expressions, in text order.
    pub dates: &'a [FoundDate],
    pub published: Option<NaiveDate>,
}

impl Builder<'_, '_> {
    /// Whether a sentence speaks of sport ("المنتخب", "المباراة"): a word of sport inside an
    /// actor's mention is none ("الرئيس الأمريكي المنتخب": the president-elect).
    fn about_sports(&self, mut range: std::ops::Range<usize>) -> bool {
        range.any(|i| self.a.cue(i, |c| c == Cue::Sports) && !self.in_actor(i))
    }

    /// Whether token `i` is a word of an actor's mention ("البحث" in "وزير التعليم العالي
    /// والبحث العلمي"): no trigger and no cue of the sentence around it.
    fn in_actor(&self, i: usize) -> bool {
        let before = self.mentions.partition_point(|m| m.first <= i);
        before > 0 && i < self.mentions[before - 1].end && matches!(self.mentions[before - 1].kind, MentionKind::Actor(_))
    }

    /// Drafts for every trigger of every sentence, in text order.
    pub fn drafts(&self) -> Vec<Draft> {
        let mut out = Vec::new();
        for s in &self.a.sentences {
            let range = s.first..s.end;
            if self.about_sports(range.clone()) {
                continue;
            }
            let has_agreement_noun = range.clone().any(|i| self.a.cue(i, |c| c == Cue::Agreement));
            // Each trigger, with whether it is only the setting of a contact named after a sideline
            // word ("خلال لقائه", "على هامش القمة").
            let found: Vec<(TriggerAt, bool)> = range
                .clone()
                .filter_map(|i| {
                    let (t, hit) = self.a.trigger(i).filter(|_| !self.in_actor(i))?;
                    // "اتصالات هاتفية", or calls to whoever is named right after ("اتصالات بقادة
                    // دول الساحل", "اتصالات بنظيره").
                    let phoned = || {
                        (i + 1..(i + 3).min(s.end)).any(|k| self.a.cue(k, |c| c == Cue::Phone))
                            || (i + 1 < s.end
                                && self.a.tokens[i + 1].norm.starts_with('ب')
                                && (self.mentions.binary_search_by_key(&(i + 1), |m| m.first).is_ok()
                                    || self.a.cue(i + 1, |c| matches!(c, Cue::Group | Cue::PluralTitle | Cue::Counterpart))))
                    };
                    if (t.cameo == CAMEO_SIGN && !has_agreement_noun)
                        || (t.needs_owner && !hit.pronoun && !t.needs_stops)
                        || (t.needs_phone && !phoned())
                    {
                        return None;
                    }
                    if self.purpose_of_contact(i, t, s.first) || self.setting_of_contact(i, t, hit.pronoun, s.first) {
                        return None;
                    }
                    let at = TriggerAt { pos: i, trigger: t, future: hit.future, pronoun: hit.pronoun };
                    Some((at, self.on_sidelines_of(i, t, s.first, s.end)))
                })
                .collect();
            let triggers = self.told_here(found);
            if triggers.is_empty() {
                self.name_delegation_heads(range, &mut out);
                continue;
            }
            let statuses = self.assign_status_cues(s.first, s.end, &triggers);

            for (k, t) in triggers.iter().enumerate() {
                let prev = if k > 0 { triggers[k - 1].pos + 1 } else { s.first };
                let next = triggers.get(k + 1).map_or(s.end, |n| n.pos);
                let drafts = self.frame(t, prev, next, s, statuses[k], &out);
                out.extend(drafts);
            }
        }
        out
    }

    /// The triggers of a sentence that tell a contact, from those `found` (each with whether a
    /// sideline word sets it): a contact after a sideline word is the setting of what the
    /// sentence reports ("التقى ... على هامش القمة"); when the sentence reports nothing else, it is
    /// told here ("أكد الوزير خلال لقائه نظيره العماني", "خلال استقبال سموه المبعوث"), unless
    /// a definite noun names it again ("خلال الزيارة": told before). A tour (not visits: "بعد
    /// زياراته إلى مصر والسعودية" are journeys of their own) after a journey
    /// of the sentence is that journey's ("يزور إثيوبيا في ختام جولة شملت أنغولا وزامبيا",
    /// "قبل أن يتوجه إلى الدوحة ... على أن يختتم جولته في أبوظبي").
    fn told_here(&self, found: Vec<(TriggerAt, bool)>) -> Vec<TriggerAt> {
        let alone = found.iter().all(|(_, setting)| *setting);
        let first_journey = found.iter().position(|(t, _)| t.trigger.takes_destination);
        found
            .into_iter()
            .enumerate()
            .filter(|(k, (t, _))| !(t.trigger.needs_stops && !t.trigger.needs_owner && first_journey.is_some_and(|j| j < *k)))
            .filter(|(_, (t, setting))| !setting || (alone && !self.told_again(t)))
            .map(|(_, (t, _))| t)
            .collect()
    }

    /// "يلتقي السيسي مادورو ... لبحث القضايا الإقليمية", "وصل إلى القاهرة لمناقشة": talks written
    /// with the purpose ل after a contact in the same sentence are what that contact is for, not
    /// a contact of their own.
    fn purpose_of_contact(&self, i: usize, t: Trigger, first: usize) -> bool {
        t.cameo == CAMEO_DISCUSS
            && t.mode != ConsultMode::Phone
            && self.a.tokens[i].norm.trim_start_matches('و').starts_with('ل')
            && (first..i).any(|k| self.a.trigger(k).is_some())
    }

    /// "على هامش الزيارة", "خلال المباحثات": a contact named after a sideline word is the setting
    /// of what the sentence reports, told elsewhere; unless a relative clause tells it here
    /// ("على هامش الزيارة الرسمية التي بدأها الرئيس أردوغان، اليوم، إلى الكويت").
    fn on_sidelines_of(&self, i: usize, t: Trigger, first: usize, end: usize) -> bool {
        (i.saturating_sub(2).max(first)..i).any(|k| self.a.cue(k, |c| c == Cue::Sideline))
            && !(t.takes_destination && !t.is_verb && (i + 1..(i + 3).min(end)).any(|k| self.relative(k)))
    }

    /// "وتلتقي ميركل في زيارتها للعاصمة التركية الرئيس أردوغان": a possessed visit noun after
    /// "في", within the clause of a contact verb before it, is where that contact takes place, not
    /// a contact of its own (the visit is told elsewhere: "تقوم ميركل بزيارة إلى تركيا").
    fn setting_of_contact(&self, i: usize, t: Trigger, pronoun: bool, first: usize) -> bool {
        let a = self.a;
        let boundary = |k: usize| a.cue(k, |c| matches!(c, Cue::Complementizer | Cue::Clause));
        t.takes_destination
            && !t.is_verb
            && pronoun
            && i > first
            && a.cue(i - 1, |c| c == Cue::In)
            && (first..i - 1).rev().take_while(|&k| !boundary(k)).any(|k| a.trigger(k).is_some_and(|(v, _)| v.is_verb))
    }

    /// "وترأس الوفد الفلسطيني حسين الشيخ، فيما ترأس الوفد الإسرائيلي تساحي هنغبي": a sentence
    /// (tokens `range`) with no contact of its own that says who headed the delegations names
    /// the people of the event just reported: each head whose state is a side of it joins it.
    fn name_delegation_heads(&self, range: std::ops::Range<usize>, reported: &mut [Draft]) {
        let Some(last) = reported.last_mut() else { return };
        let on = last.date.map(|d| d.start).or(self.published);
        for side in self.delegation_heads(range, on) {
            if last.sides.iter().any(|s| s.country == side.country) {
                add_side(&mut last.sides, side);
            }
        }
        last.named_people = count_people(&last.sides);
    }

    /// The people tokens `range` say headed delegations: the first person named after each
    /// "headed" cue, before the next one ("ترأس الوفد الإيراني أمين المجلس الأعلى ... علي
    /// شمخاني، بحضور ..."), unless only attending. Not with an object pronoun ("حكومة ...
    /// ويترأسها الدبيبة": heads what was named before it, no delegation).
    fn delegation_heads(&self, range: std::ops::Range<usize>, on: Option<NaiveDate>) -> Vec<Side> {
        let heads_delegation = |k: usize| self.a.words(k).iter().any(|h| h.word == Word::Cue(Cue::Heads) && !h.pronoun);
        let cues: Vec<usize> = range.clone().filter(|&k| heads_delegation(k)).collect();
        let mut heads = Vec::new();
        for (n, &k) in cues.iter().enumerate() {
            let end = cues.get(n + 1).copied().unwrap_or(range.end);
            let head = self.mentions_in(k + 1, end).iter().find_map(|m| match &m.kind {
                MentionKind::Actor(actor @ Actor::Person(_)) if !self.attending(k + 1, m.first) => Some((m, actor.clone())),
                _ => None,
            });
            for side in head.map(|h| self.resolve(&[h], on)).unwrap_or_default() {
                add_side(&mut heads, side);
            }
        }
        heads
    }

    /// Whether what is named at token `first` attends the contact rather than being a side of
    /// it: a presence cue ("بحضور", "بوساطة") comes before it, after `from`, with no punctuation
    /// or new clause between.
    fn attending(&self, from: usize, first: usize) -> bool {
        (from..first)
            .rev()
            .take_while(|&k| {
                !matches!(self.a.tokens[k].kind, TokenKind::Punct(_)) && !self.a.cue(k, |c| matches!(c, Cue::Clause | Cue::Complementizer))
            })
            .any(|k| self.a.cue(k, |c| c == Cue::Presence))
    }

    /// Whether a negation ("لم", "لن", "عدم", "دون") stands at most four words before token `i`,
    /// in its clause ("ولم يتم إلغاؤها أو تأجيلها").
    fn negation_before(&self, i: usize) -> bool {
        (i.saturating_sub(4)..i)
            .rev()
            .take_while(|&k| !matches!(self.a.tokens[k].kind, TokenKind::Punct(_)))
            .any(|k| matches!(self.a.tokens[k].norm.trim_start_matches('و'), "لم" | "لن" | "عدم" | "بعدم" | "دون" | "بدون"))
    }

    /// Gives each modality cue of a sentence to the trigger it modifies. Generic plural contact
    /// nouns ("اجتماعات محتملة") take the cues next to them too, but open no event.
    fn assign_status_cues(&self, first: usize, end: usize, triggers: &[TriggerAt]) -> Vec<Option<EventStatus>> {
        let mut targets: Vec<(usize, Option<usize>)> = triggers.iter().enumerate().map(|(k, t)| (t.pos, Some(k))).collect();
        // Not where a longer trigger starts with the generic noun ("لقاءات ثنائية").
        let trigger_at = |i: usize| triggers.iter().any(|t| t.pos == i);
        targets.extend((first..end).filter(|&i| self.a.cue(i, |c| c == Cue::Generic) && !trigger_at(i)).map(|i| (i, None)));
        targets.sort_unstable();
        let mut out: Vec<Option<EventStatus>> = vec![None; triggers.len()];
        let mut give = |target: Option<usize>, s: EventStatus| {
            if let Some(k) = target
                && out[k].is_none_or(|cur| status_rank(s) > status_rank(cur))
            {
                out[k] = Some(s);
            }
        };
        let mut i = first;
        while i < end {
            let (cues, len) = self.a.cues_read_at(i);
            let next = targets.iter().find(|t| t.0 >= i).map(|t| t.1);
            let before = targets.iter().rev().find(|t| t.0 < i);
            let prev = before.map(|t| t.1);
            for cue in cues {
                let cue = match cue {
                    Cue::NegFuture if self.a.tokens.get(i + 1).is_some_and(|t| t.norm.starts_with(['ي', 'ت', 'ن', 'ا'])) => {
                        Cue::Status { status: EventStatus::Negated, backward: false }
                    }
                    // "في موعدها ولم يتم إلغاؤها أو تأجيلها": a call-off denied leaves the contact due.
                    Cue::Status { status: EventStatus::Cancelled, backward } if self.negation_before(i) => {
                        Cue::Status { status: EventStatus::Planned, backward }
                    }
                    other => other,
                };
                match cue {
                    Cue::Status { status, backward } => {
                        // A cue that reads forward takes a contact before it when none follows,
                        // but not across a relative clause, which speaks of something else
                        // ("ويأتي اللقاء في خضم الحرب ... في سوريا التي دعا الزعيمان إلى
                        // التعاون" calls for no meeting).
                        let own_clause = before.is_some_and(|t| !(t.0..i).any(|k| self.relative(k)));
                        // An adjective of plan or likelihood qualifies the noun it follows, its
                        // possessor named in full between ("زيارة الرئيس الإيراني إبراهيم رئيسي
                        // المرتقبة"), not a contact told far before it ("قمة ... باندلاع صراع محتمل").
                        let far = before.is_some_and(|t| i - t.0 > 6);
                        let target = match backward {
                            true if far && status != EventStatus::Cancelled => None,
                            true => prev.or(next),
                            false => next.or(prev.filter(|_| own_clause)),
                        };
                        give(target.flatten(), status);
                    }
                    Cue::Invitation => {
                        if let Some(k) = next.flatten().filter(|&k| self.invited(i, &triggers[k])) {
                            give(Some(k), EventStatus::Proposed);
                        }
                    }
                    Cue::Maybe => {
                        let present = self.a.tokens.get(i + 1).is_some_and(|t| t.norm.starts_with(['ي', 'ت', 'ن']))
                            && !self.a.cue(i + 1, |c| c == Cue::Perfect);
                        if present && !self.pluperfect(i) {
                            give(next.flatten(), EventStatus::Proposed);
                        }
                    }

                    _ => {}
                }
            }
            i += len;
        }
        // "من المقرر أن يشارك ... حيث يلتقي", "... في القمة الأولى، وفي القمة الثانية": a plan
        // covers the present-tense verbs and the coordinated contact nouns that follow it.
        for k in 1..triggers.len() {
            if out[k].is_none()
                && out[k - 1] == Some(EventStatus::Planned)
                && (self.present_tense(&triggers[k]) || self.coordinated(&triggers[k], first) || self.among(&triggers[k]))
            {
                out[k] = out[k - 1];
            }
        }
        // "كان من المقرر أن يزور ... إلا أن الزيارة أُرجئت": the contact named again by a definite
        // noun was called off, and the plan with it.
        for k in 1..triggers.len() {
            let called_off = matches!(out[k], Some(EventStatus::Cancelled | EventStatus::Negated));
            if called_off && !triggers[k].trigger.is_verb && self.definite(triggers[k].pos) && out[k - 1] == Some(EventStatus::Planned) {
                out[k - 1] = out[k];
            }
        }
        out
    }

    /// "كانا قد تحادثا": a form of كان shortly before the "قد" at token `i` makes the verb after
    /// it a past perfect, whatever letter it starts with.
    fn pluperfect(&self, i: usize) -> bool {
        (i.saturating_sub(3)..i)
            .any(|k| matches!(self.a.tokens[k].norm.trim_start_matches(['و', 'ف']), "كان" | "كانت" | "كانا" | "كانتا" | "كانوا"))
    }

    /// Whether the invitation at token `i` is to the contact noun `t`: it follows within four
    /// words besides the inviter's mention ("بدعوة رئيس مجلس السيادة عبد الفتاح البرهان لزيارة"),
    /// with no "من" (an invitation from someone) and no punctuation between.
    fn invited(&self, i: usize, t: &TriggerAt) -> bool {
        !t.trigger.is_verb
            && t.pos > i
            && (i + 1..t.pos).filter(|&k| !self.in_actor(k)).count() <= 4
            && (i + 1..t.pos).all(|k| !matches!(self.a.tokens[k].kind, TokenKind::Punct(_)) && !self.a.cue(k, |c| c == Cue::From))
    }

    /// A contact noun coordinated after a comma in a sentence starting at token `first`
    /// ("، وزيارة", "، وفي القمة"): it opens a phrase of its own.
    fn coordinated(&self, t: &TriggerAt, first: usize) -> bool {
        let a = self.a;
        let pos = t.pos;
        let after_comma = |k: usize| k > first && a.tokens[k - 1].is_punct(',');
        let conjoined = |k: usize| a.tokens[k].norm.starts_with('و');
        !t.trigger.is_verb
            && ((conjoined(pos) && after_comma(pos))
                || (pos > first
                    && conjoined(pos - 1)
                    && a.cue(pos - 1, |c| matches!(c, Cue::In | Cue::With | Cue::At))
                    && after_comma(pos - 1)))
    }

    /// "سلسلة لقاءات ثنائية، من بينها مباحثات مع": a contact noun right after "among them", one
    /// of the contacts named before it.
    fn among(&self, t: &TriggerAt) -> bool {
        !t.trigger.is_verb && t.pos >= 2 && self.among_them(t.pos - 2)
    }

    /// Whether "among them" ("من بينهم", "من بينها", "من ضمنهم") starts at token `k`.
    fn among_them(&self, k: usize) -> bool {
        self.a.tokens[k].norm == "من" && self.a.tokens.get(k + 1).is_some_and(|t| matches!(t.norm.as_str(), "بينهم" | "بينها" | "ضمنهم"))
    }

    /// Where "مع" stands within three words after the trigger of frame `f` ("مباحثات مع").
    fn with_right_after(&self, f: &frame::Frame) -> Option<usize> {
        (f.pos() + 1..(f.pos() + 4).min(f.right)).find(|&k| self.a.cue(k, |c| c == Cue::With))
    }

    /// A verb in the imperfect (يلتقي، تبحث، نلتقي), with or without the future prefix.
    fn present_tense(&self, t: &TriggerAt) -> bool {
        t.trigger.is_verb && self.imperfect(t.pos)
    }

    /// Whether token `k`, read as a verb, is in the imperfect.
    fn imperfect(&self, k: usize) -> bool {
        self.a.tokens[k].norm.trim_start_matches(['و', 'ف']).starts_with(['ي', 'ت', 'ن', 'س']) && !self.a.cue(k, |c| c == Cue::Perfect)
    }

    /// The verb of travel whose purpose a contact noun states ("ينتقل إلى الدوحة للقاء أمير
    /// قطر"): the last one of the noun's clause (from `clause_start`), when it leaves its subject
    /// understood (no actor between it and the noun).
    fn motion_verb(&self, t: &TriggerAt, clause_start: usize) -> Option<usize> {
        if t.trigger.is_verb || t.pronoun {
            return None;
        }
        let k = (clause_start..t.pos).rev().find(|&k| self.a.cue(k, |c| c == Cue::Motion))?;
        let explicit = self.mentions_in(k + 1, t.pos).iter().any(|m| matches!(m.kind, MentionKind::Actor(_)));
        (!explicit).then_some(k)
    }

    /// The mentions lying wholly inside tokens `from..to` (mentions are in text order).
    fn mentions_in(&self, from: usize, to: usize) -> &[Mention] {
        let start = self.mentions.partition_point(|m| m.first < from);
        let end = start + self.mentions[start..].partition_point(|m| m.end <= to);
        &self.mentions[start..end]
    }

    /// The date expressions starting inside tokens `range`.
    fn dates_in(&self, range: std::ops::Range<usize>) -> &[FoundDate] {
        let start = self.dates.partition_point(|d| d.first < range.start);
        let end = start + self.dates[start..].partition_point(|d| d.first < range.end);
        &self.dates[start..end]
    }

    /// Whether tokens `range` say "during the visit" (a sideline word before a definite or
    /// possessed visit noun: "خلال الزيارة", "أثناء زيارته"), which refers to a visit already
    /// reported.
    fn during_visit(&self, range: std::ops::Range<usize>) -> bool {
        range.into_iter().any(|k| {
            self.a.trigger(k).is_some_and(|(t, hit)| !t.is_verb && t.takes_destination && (hit.pronoun || self.definite(k)))
                && (k.saturating_sub(2)..k).any(|j| self.a.cue(j, |c| c == Cue::Sideline))
        })
    }

    /// Whether token `k` is a relative pronoun (التي، الذي ...): a clause about the noun before.
    fn relative(&self, k: usize) -> bool {
        crate::text::is_relative(&self.a.tokens[k].norm)
    }

    /// A contact told again by a definite noun ("اللقاء", "صور الاجتماع"): the one already named,
    /// with whoever was at it.
    fn told_again(&self, t: &TriggerAt) -> bool {
        !t.trigger.is_verb && self.definite(t.pos)
    }

    fn definite(&self, i: usize) -> bool {
        crate::text::is_definite(&self.a.tokens[i].norm)
    }
}

/// Distinct sides: countries, and organisations each on their own.
pub fn count_sides(sides: &[Side]) -> usize {
    let same = |a: &Side, b: &Side| match (&a.who, &b.who) {
        (Who::Organisation { organisation: x, .. }, Who::Organisation { organisation: y, .. }) => x == y,
        (Who::Organisation { .. }, _) | (_, Who::Organisation { .. }) => false,
        _ => a.country == b.country,
    };
    sides.iter().enumerate().filter(|&(k, s)| !sides[..k].iter().any(|earlier| same(earlier, s))).count()
}

/// How many of the sides are people the knowledge base knows (a draft's `named_people`).
pub fn count_people(sides: &[Side]) -> usize {
    sides.iter().filter(|s| matches!(s.who, Who::Person { .. })).count()
}

/// Adds a side: a person replaces their state's bare entry; duplicates are dropped.
pub fn add_side(sides: &mut Vec<Side>, side: Side) {
    match &side.who {
        Who::Person { person, .. } => {
            if sides.iter().any(|s| matches!(s.who, Who::Person { person: p, .. } if p == *person)) {
                return;
            }
            sides.retain(|s| !(s.country == side.country && matches!(s.who, Who::State { .. })));
        }
        Who::State { name_ar, .. } => {
            // Someone named in the text stands for their state's bare entry.
            let bare = |s: &Side| s.country == side.country && matches!(&s.who, Who::State { name_ar: n, .. } if n.is_empty());
            if !name_ar.is_empty() && sides.iter().any(bare) {
                sides.retain(|s| !bare(s));
            } else if sides.iter().any(|s| s.country == side.country && !matches!(s.who, Who::Organisation { .. })) {
                return;
            }
        }
        Who::Organisation { organisation, .. } => {
            let of_it = |s: &Side| matches!(s.who, Who::Organisation { organisation: o, .. } if o == *organisation);
            // An officer stands for the organisation's bare entry, as a person for their state's.
            if side.is_someone() && sides.iter().any(|s| of_it(s) && !s.is_someone()) {
                sides.retain(|s| !of_it(s));
            } else if sides.iter().any(of_it) {
                return;
            }
        }
    }
    sides.push(side);
}
