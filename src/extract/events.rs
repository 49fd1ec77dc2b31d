//! Events: each trigger word opens a frame of its sentence; the frame's mentions become the
//! sides of the contact (titles resolved to office holders on the event's date), its date,
//! place, mode, topics and status (modality cues, tense and date against the dateline).

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::kb::{Cue, Kb, Office, PlaceKind, Trigger, Word};
use crate::proto::{ConsultMode, EventStatus, EventType};
use crate::text::{Sentence, TokenKind};

use super::analysis::Analysis;
use super::dates::{DateExpr, DateValue, FoundDate, Precision, resolve_weekday};
use super::mentions::{Actor, Mention, MentionKind};

/// One side of an event, resolved. Its strings are short (codes, roles, names): held inline,
/// so that the sides a frame copies while it tries readings cost no allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Person { person: u32, role: CompactString, name_ar: CompactString },
    State { role: CompactString },
    Organisation(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// ISO alpha-3; empty for organisations.
    pub country: CompactString,
    pub who: Who,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub name_en: CompactString,
    pub name_ar: CompactString,
    pub country: CompactString,
    /// A city or venue rather than a whole country.
    pub specific: bool,
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
    /// Drafts for every trigger of every sentence, in text order.
    pub fn drafts(&self) -> Vec<Draft> {
        let mut out = Vec::new();
        for s in &self.a.sentences {
            let range = s.first..s.end;
            if range.clone().any(|i| self.a.cue(i, |c| c == Cue::Sports)) {
                continue;
            }
            let has_agreement_noun = range.clone().any(|i| self.a.cue(i, |c| c == Cue::Agreement));
            let triggers: Vec<TriggerAt> = range
                .clone()
                .filter_map(|i| {
                    let (t, hit) = self.a.trigger(i)?;
                    if (t.cameo == CAMEO_SIGN && !has_agreement_noun) || (t.needs_owner && !hit.pronoun) {
                        return None;
                    }
                    let absorbed = (i.saturating_sub(2).max(s.first)..i).any(|k| self.a.cue(k, |c| c == Cue::Sideline));
                    (!absorbed).then_some(TriggerAt { pos: i, trigger: t, future: hit.future, pronoun: hit.pronoun })
                })
                .collect();
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
        last.named_people = last.sides.iter().filter(|s| matches!(s.who, Who::Person { .. })).count();
    }

    /// The people tokens `range` say headed delegations: the first person named after each
    /// "headed" cue, before the next one ("ترأس الوفد الإيراني أمين المجلس الأعلى ... علي
    /// شمخاني، بحضور ..."), unless only attending.
    fn delegation_heads(&self, range: std::ops::Range<usize>, on: Option<NaiveDate>) -> Vec<Side> {
        let cues: Vec<usize> = range.clone().filter(|&k| self.a.cue(k, |c| c == Cue::Heads)).collect();
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

    /// Gives each modality cue of a sentence to the trigger it modifies. Generic plural contact
    /// nouns ("اجتماعات محتملة") take the cues next to them too, but open no event.
    fn assign_status_cues(&self, first: usize, end: usize, triggers: &[TriggerAt]) -> Vec<Option<EventStatus>> {
        let mut targets: Vec<(usize, Option<usize>)> = triggers.iter().enumerate().map(|(k, t)| (t.pos, Some(k))).collect();
        targets.extend((first..end).filter(|&i| self.a.cue(i, |c| c == Cue::Generic)).map(|i| (i, None)));
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
            let (cues, len): (Vec<Cue>, usize) = match &self.a.phrases[i] {
                Some((len, words)) => (words.iter().filter_map(|w| if let Word::Cue(c) = w { Some(*c) } else { None }).collect(), *len),
                None => (self.a.cues(i).collect(), 1),
            };
            let next = targets.iter().find(|t| t.0 >= i).map(|t| t.1);
            let prev = targets.iter().rev().find(|t| t.0 < i).map(|t| t.1);
            for cue in cues {
                match cue {
                    Cue::Status { status, backward } => {
                        let target = if backward { prev.or(next) } else { next.or(prev) };
                        give(target.flatten(), status);
                    }
                    Cue::Maybe => {
                        let present = self.a.tokens.get(i + 1).is_some_and(|t| t.norm.starts_with(['ي', 'ت', 'ن']));
                        if present {
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
                && (self.present_tense(&triggers[k]) || self.coordinated(&triggers[k], first))
            {
                out[k] = out[k - 1];
            }
        }
        out
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

    /// A verb in the imperfect (يلتقي، تبحث، نلتقي), with or without the future prefix.
    fn present_tense(&self, t: &TriggerAt) -> bool {
        t.trigger.is_verb && self.imperfect(t.pos)
    }

    /// Whether token `k`, read as a verb, is in the imperfect.
    fn imperfect(&self, k: usize) -> bool {
        self.a.tokens[k].norm.trim_start_matches(['و', 'ف']).starts_with(['ي', 'ت', 'ن', 'س'])
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

    /// The events one trigger reports: its frame runs from `prev` (after the previous trigger)
    /// to `next` within `sentence`; `reported` are the events reported before, in text order.
    fn frame(
        &self,
        t: &TriggerAt,
        prev: usize,
        next: usize,
        sentence: &Sentence,
        cue_status: Option<EventStatus>,
        reported: &[Draft],
    ) -> Vec<Draft> {
        let last = reported.last();
        let (sent_first, sent_end) = (sentence.first, sentence.end);
        let sentence_span = (self.a.tokens[sent_first].start, self.a.tokens[sent_end - 1].end);
        let a = self.a;
        let pos = t.pos;
        // Past negation right before the trigger: it did not happen, and nothing was planned.
        if (pos.saturating_sub(3).max(sent_first)..pos).any(|k| a.cue(k, |c| c == Cue::NegPast)) {
            return Vec::new();
        }
        // ".. لزيارة X إلى بكين، وزيارة Y إلى الصين": a noun coordinated after a comma opens a
        // phrase of its own; what came before belongs to the earlier one.
        let left = if self.coordinated(t, sent_first) {
            pos
        } else {
            (prev..pos).rev().find(|&k| a.cue(k, |c| matches!(c, Cue::Complementizer | Cue::Clause))).map_or(prev, |k| k + 1)
        };
        let clause_start =
            (sent_first..left).rev().find(|&j| a.cue(j, |c| matches!(c, Cue::Complementizer | Cue::Clause))).map_or(sent_first, |j| j + 1);
        // A contact noun that states a journey's purpose has the subject and the tense of the verb of
        // travel, and nothing before that verb is its own.
        let motion = self.motion_verb(t, clause_start);
        let left = motion.map_or(left, |k| left.max(k + 1));
        let sideline = |k: usize| (k.saturating_sub(2)..k).any(|j| a.cue(j, |c| c == Cue::Sideline));
        let right = (pos + 1..next)
            .find(|&k| {
                a.cue(k, |c| matches!(c, Cue::Report | Cue::Clause | Cue::Complementizer))
                    || (a.cue(k, |c| c == Cue::Generic) && !sideline(k))
            })
            .unwrap_or(next);
        let in_frame: Vec<&Mention> = self.mentions_in(left, right).iter().filter(|m| !(m.first <= pos && pos < m.end)).collect();

        // "بين X و Y": the participants are exactly the list after بين.
        let between = (pos + 1..(pos + 5).min(right)).find(|&k| a.cue(k, |c| c == Cue::Between));
        let chain: Option<Vec<&Mention>> = between.and_then(|b| {
            let mut list: Vec<&Mention> = Vec::new();
            let mut at = b + 1;
            for m in in_frame.iter().filter(|m| m.first > b) {
                let gap_ok = (at..m.first).all(|k| !a.is_word(k) || matches!(a.tokens[k].norm.as_str(), "كل" | "من"));
                if !gap_ok {
                    break;
                }
                if matches!(m.kind, MentionKind::Actor(_) | MentionKind::StateName(_) | MentionKind::Seat(_)) {
                    list.push(m);
                }
                at = m.end;
            }
            (!list.is_empty()).then_some(list)
        });

        let mut after: Vec<(&Mention, Actor)> = Vec::new();
        let mut before: Vec<(&Mention, Actor)> = Vec::new();
        let mut destinations: Vec<Place> = Vec::new();
        let mut location: Option<Place> = None;
        let mut topics: Vec<CompactString> = Vec::new();
        let mut topic_chain_end: Option<usize> = None;
        let mut prev_end = left;
        let mut last_actor_end: Option<usize> = None;
        // Where the next adjective naming a side of a contact noun may start.
        let mut adjective_chain = pos + 1;
        // The end of the list of places a tour includes, while it goes on.
        let mut listed_end: Option<usize> = None;
        for m in &in_frame {
            let chained = last_actor_end.is_some_and(|e| (e..m.first).all(|k| !a.is_word(k)));
            // "إلى العاصمة الليبية طرابلس": the cue stands before the words that introduce the
            // place ("العاصمة", "مدينة") and the adjectives between.
            let mut head = m.first;
            while head > prev_end
                && (a.cue(head - 1, |c| c == Cue::PlaceWord)
                    || in_frame.iter().any(|x| x.end == head && matches!(x.kind, MentionKind::Adjective(_))))
            {
                head -= 1;
            }
            let cue_before =
                |wanted: Cue, window: usize| (head.saturating_sub(window).max(prev_end)..head).any(|k| a.cue(k, |c| c == wanted));
            let about_from = if m.first > pos { prev_end.max(pos + 1) } else { prev_end };
            let about = (m.first.saturating_sub(4).max(about_from)..m.first).any(|k| a.cue(k, |c| c == Cue::About))
                || topic_chain_end.is_some_and(|e| (e..m.first).all(|k| !a.is_word(k)));
            let located = cue_before(Cue::In, 3) || m.prep == Some('ب');
            let towards = cue_before(Cue::To, 1) || m.prep == Some('ل');
            let aside = cue_before(Cue::At, 1) || cue_before(Cue::From, 1) || m.prep == Some('ك');
            // "ينتقل إلى الدوحة للقاء": where the journey leads is where the purpose happens.
            let journey_end = towards && motion.is_some_and(|k| k < m.first && m.first < pos);
            let near = m.first <= pos + 3 && m.end + 3 >= pos || cue_before(Cue::With, 2) || chained;
            let own_genitive = !t.trigger.is_verb && m.first == pos + 1;
            // "زار روسيا", "يصل سلطان عمان هيثم بن طارق القاهرة": the first place after the
            // verb and its subject.
            let object_from = last_actor_end.filter(|&e| e > pos).unwrap_or(pos + 1);
            let direct_object = t.trigger.takes_destination
                && m.first > pos
                && !located
                && (m.first <= pos + 3 || (object_from..m.first).all(|k| !a.is_word(k)));
            // "أول زيارة لمسؤول أمريكي إلى مصر منذ تنحي الرئيس مبارك": who is named after "since"
            // dates the event, and is no side of it.
            let since = m.first > pos && (pos + 1..m.first).any(|k| a.cue(k, |c| c == Cue::Since));
            let in_chain = !since && chain.as_ref().is_none_or(|c| c.iter().any(|x| std::ptr::eq(*x, *m)));
            // "جولة تشمل الإمارات وقطر": the stops a tour includes are reported on their own.
            let listed = cue_before(Cue::Includes, 1) || listed_end.is_some_and(|e| (e..m.first).all(|k| !a.is_word(k)));
            if !matches!(m.kind, MentionKind::Adjective(_)) {
                prev_end = m.end;
            }
            if self.attending(left, m.first) {
                continue;
            }
            if listed {
                listed_end = Some(m.end);
                continue;
            }
            let mut actor = |actor: Actor| {
                last_actor_end = Some(m.end);
                if m.first > pos { after.push((m, actor)) } else { before.push((m, actor)) }
            };
            match &m.kind {
                // An organisation's own meeting ("قمة حلف الناتو") is not a contact with it.
                MentionKind::Actor(Actor::Organisation(_)) if !(in_chain && (chain.is_some() || near)) || about || own_genitive => {}
                MentionKind::Actor(found) => {
                    if !about && in_chain {
                        actor(found.clone());
                    }
                }
                MentionKind::StateName(s) | MentionKind::Adjective(s) if about => {
                    topics.push(self.kb.states[*s as usize].code.as_str().into());
                    topic_chain_end = Some(m.end);
                }
                MentionKind::Place(p) if about => {
                    let place = &self.kb.places[*p as usize];
                    if place.kind == PlaceKind::Region && !place.country.is_empty() {
                        topics.push(place.country.as_str().into());
                        topic_chain_end = Some(m.end);
                    }
                }
                // "قمة روسية تركية إيرانية", "المحادثات الروسية الأمريكية": adjectives right
                // after a contact noun name its sides.
                MentionKind::Adjective(s) if !t.trigger.is_verb && (adjective_chain..=adjective_chain + 1).contains(&m.first) => {
                    adjective_chain = m.end;
                    actor(Actor::State(self.kb.states[*s as usize].code.as_str().into()));
                }
                MentionKind::Adjective(_) => {}
                MentionKind::StateName(s) => {
                    let st = &self.kb.states[*s as usize];
                    let place = Place {
                        name_en: st.name_en.as_str().into(),
                        name_ar: st.name_ar.as_str().into(),
                        country: st.code.as_str().into(),
                        specific: false,
                    };
                    if (towards || direct_object || destinations.last().is_some_and(|_| (prev_end..m.first).all(|k| !a.is_word(k))))
                        && t.trigger.takes_destination
                    {
                        destinations.push(place);
                    } else if located || journey_end {
                        location.get_or_insert(place);
                    } else if !aside && !towards && in_chain && (chain.is_some() || near) {
                        actor(Actor::State(st.code.as_str().into()));
                    }
                }
                MentionKind::Seat(p) | MentionKind::Place(p) => {
                    let pl = &self.kb.places[*p as usize];
                    let seat = matches!(pl.kind, PlaceKind::Capital | PlaceKind::Seat);
                    let place = Place {
                        name_en: pl.name_en.as_str().into(),
                        name_ar: pl.name_ar.as_str().into(),
                        country: pl.country.as_str().into(),
                        specific: true,
                    };
                    let genitive = own_genitive || (m.first > pos + 1 && a.trigger(m.first - 1).is_some_and(|(tr, _)| !tr.is_verb));
                    if pl.country.is_empty() {
                        continue;
                    }
                    if (towards || direct_object) && t.trigger.takes_destination {
                        destinations.push(place);
                    } else if located || genitive || journey_end || (!seat && towards) {
                        if location.as_ref().is_none_or(|l| !l.specific) {
                            location = Some(place);
                        }
                    } else if seat && !aside && !towards && in_chain && (chain.is_some() || near) {
                        actor(Actor::State(pl.country.as_str().into()));
                    }
                }
            }
        }

        // Date: the first expression after the trigger, else the last one before it; never
        // one that follows "منذ" (since).
        let dates: Vec<_> = self
            .dates_in(left.min(pos)..right)
            .iter()
            .filter(|d| {
                let since = (d.first.saturating_sub(6).max(left)..d.first).rev().find(|&k| a.cue(k, |c| c == Cue::Since));
                since.is_none_or(|k| (k..d.first).any(|j| a.trigger(j).is_some()))
            })
            .collect();
        let present_tense = self.present_tense(t) || motion.is_some_and(|k| self.imperfect(k));
        let future = t.future || motion.is_some_and(|k| a.words(k).iter().any(|w| w.future));
        // A verb still to come with no date of its own takes the sentence's earlier one
        // ("غداً الأربعاء ... حيث يلتقي"); a planned contact noun its clause's ("من المقرر أن
        // يشارك غدا في القمة ...، وفي القمة"), not the day a report was made.
        let earlier = if present_tense {
            self.dates_in(sent_first..left.min(pos))
        } else if !t.trigger.is_verb && cue_status == Some(EventStatus::Planned) {
            self.dates_in(clause_start..left.min(pos))
        } else {
            &[]
        };
        let found = dates.iter().find(|d| d.first > pos).or_else(|| dates.iter().rev().find(|d| d.end <= pos)).copied().or(earlier.last());
        let leaning_future = future || present_tense && matches!(cue_status, None | Some(EventStatus::Planned));
        let date = found.and_then(|d| match d.expr {
            DateExpr::Fixed(v) => Some(v),
            DateExpr::Weekday(w) => {
                self.published.map(|p| DateValue::day(resolve_weekday(w, p, leaning_future || cue_status == Some(EventStatus::Planned))))
            }
        });

        // Status: a cue, else the future prefix, else the date against the dateline.
        let (status, status_explicit) = match (cue_status, date, self.published) {
            (Some(s), _, _) => (s, true),
            _ if future => (EventStatus::Planned, true),
            (None, Some(d), Some(p)) if d.span().0 > p => (EventStatus::Planned, true),
            (None, Some(d), Some(p)) if d.span().1 < p => (EventStatus::Occurred, true),
            // A span still running ("هذا الأسبوع") says nothing of whether it happened yet.
            (None, Some(d), Some(p)) if d.span().1 > p => (EventStatus::Occurred, false),
            (None, Some(_), _) => (EventStatus::Occurred, true),
            // A verb in the perfect ("التقى", "بحث") says it happened.
            _ => (EventStatus::Occurred, (t.trigger.is_verb || motion.is_some()) && !present_tense),
        };
        // A plan in a period already under way ("في وقت لاحق من العام الجاري") is still to come.
        let date = match (date, self.published) {
            (Some(d), Some(p)) if status == EventStatus::Planned && d.precision != Precision::Day && d.start < p && d.span().1 >= p => {
                Some(DateValue::range(p, d.span().1))
            }
            _ => date,
        };
        let on = date.map(|d| d.start).or(self.published);

        // Sides: the actors after the trigger (VSO), then those before it when that is not
        // enough, then the understood subject (pro-drop, "لقائه").
        let host = |sides: &mut Vec<Side>, dest: Option<&Place>| {
            if let Some(d) = dest
                && !sides.iter().any(|s| s.country == d.country)
            {
                sides.push(Side { country: d.country.clone(), who: Who::State { role: CompactString::default() } });
            }
        };
        let first_dest = destinations.first();
        let mut sides = self.resolve(&after, on);
        let mut with_dest = sides.clone();
        host(&mut with_dest, first_dest);
        // A call someone received or made ("تلقى X اتصالين من A و B"): X is a side of each.
        let caller = t.trigger.mode == ConsultMode::Phone && !t.trigger.is_verb && !before.is_empty();
        if count_sides(&with_dest) < 2 || caller {
            let mut all: Vec<(&Mention, Actor)> = before.clone();
            all.extend(after.iter().cloned());
            sides = self.resolve(&all, on);
            with_dest = sides.clone();
            host(&mut with_dest, first_dest);
        }
        // Sides named by reference to an event reported before, by a word of the sentence up to
        // the frame's end ("وشهد رئيسا الحكومتين في ختام المباحثات توقيع ..."):
        // - "the two sides": the event just before; "the two presidents": the last event whose
        //   people both hold that office. Not across a clause boundary ("يوقع البلدان اتفاقا،
        //   قبل أن ينتقل ... للقاء"): another clause's pair is its own;
        // - "the leaders": the last summit (an event of three or more sides), whichever clause
        //   names them ("بمشاركة القادة الثلاثة، فيما احتضنت القاهرة القمة الأولى").
        let cue_in = |from: usize, wanted: fn(Cue) -> bool| (from..right).find_map(|k| a.cues(k).find(|&c| wanted(c)));
        let referred = match (cue_in(clause_start, |c| matches!(c, Cue::Pair(_))), cue_in(sent_first, |c| c == Cue::Group)) {
            (Some(Cue::Pair(Some(office))), _) if count_sides(&with_dest) < 2 => {
                reported.iter().rev().find(|d| self.all_hold(d, office, on))
            }
            (Some(Cue::Pair(None)), _) if count_sides(&with_dest) < 2 => last,
            (_, Some(_)) if count_sides(&with_dest) < 3 => reported.iter().rev().find(|d| count_sides(&d.sides) >= 3),
            _ => None,
        };
        if let Some(earlier) = referred {
            for side in &earlier.sides {
                add_side(&mut sides, side.clone());
            }
            with_dest = sides.clone();
        }
        // "مباحثات ... ترأس فيها وفد المملكة X، فيما ترأس الوفد الإيراني Y": the heads of the
        // delegations named after the contact in its sentence are its people, and its sides when
        // its frame names fewer than two.
        let fill = count_sides(&with_dest) < 2;
        for head in self.delegation_heads(pos + 1..next, on) {
            if fill || with_dest.iter().any(|s| s.country == head.country) {
                add_side(&mut sides, head);
                with_dest = sides.clone();
            }
        }
        let with_follows = (pos + 1..(pos + 4).min(right)).any(|k| a.cue(k, |c| c == Cue::With));
        let honorific = (left..right).find_map(|k| a.cues(k).find_map(|c| if let Cue::Pronoun(office) = c { Some(office) } else { None }));
        let subject = || match honorific.flatten() {
            // "ويلتقي فخامته": the president named last, even of a state the frame names.
            Some(office) => self.antecedent(pos, on, |s| {
                let Who::Person { person, .. } = s.who else { return false };
                self.office_of(person, on).is_some_and(|(o, _)| o == office)
                    && !with_dest.iter().any(|w| w.country == s.country && matches!(w.who, Who::Person { .. }))
            }),
            None => self
                .sentence_subject(reported, sentence_span, &with_dest)
                .or_else(|| self.antecedent(pos, on, |s| !with_dest.iter().any(|w| w.country == s.country))),
        };
        if count_sides(&with_dest) < 2
            && (t.trigger.is_verb || t.pronoun || with_follows || honorific.is_some() || motion.is_some())
            && let Some(side) = subject()
        {
            sides.retain(|s| !(s.country == side.country && matches!(s.who, Who::State { .. })));
            sides.insert(0, side);
        }

        let phone = t.trigger.mode == ConsultMode::Phone
            || (pos.saturating_sub(3).max(left)..right).any(|k| a.cue(k, |c| c == Cue::Phone) || a.tokens[k].norm.starts_with("هاتفي"));
        let split = phone || (pos..right).any(|k| a.cue(k, |c| c == Cue::With));
        let base = Draft {
            event_type: t.trigger.event_type,
            cameo: if status == EventStatus::Planned && t.trigger.event_type == EventType::Consult { 36 } else { t.trigger.cameo },
            mode: ConsultMode::Unspecified,
            status,
            status_explicit,
            sides: Vec::new(),
            date,
            date_explicit: date.is_some(),
            location: None,
            topics: Vec::new(),
            evidence: vec![(sentence_span, (a.tokens[pos].start, a.tokens[pos].end))],
            named_people: 0,
            refers_back: !t.trigger.is_verb && date.is_none() && self.definite(pos),
            during_visit: self.during_visit(left.min(pos)..right),
            characterises: !t.trigger.is_verb
                && [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten().any(|k| k < right && a.cue(k, |c| c == Cue::First)),
        };
        // "وكانت زيارة الرئيس مقررة في سبتمبر": a dated visit of one traveller with no destination
        // named goes where the last visit reported of that traveller went (undated, it is that
        // visit, told again).
        if destinations.is_empty()
            && date.is_some()
            && t.trigger.takes_destination
            && !t.trigger.is_verb
            && let [traveller @ Side { who: Who::Person { person, .. }, .. }] = sides.as_slice()
            && let Some(place) = reported.iter().rev().find_map(|d| {
                let travelled =
                    d.mode == ConsultMode::Visit && d.sides.iter().any(|s| matches!(s.who, Who::Person { person: p, .. } if p == *person));
                d.location.as_ref().filter(|l| travelled && l.country != traveller.country)
            })
        {
            destinations.push(place.clone());
        }
        // A tour is one visit per country; a call "with A, B and C" one call per side.
        let mut groups: Vec<(Vec<Side>, Option<Place>)> = Vec::new();
        if destinations.is_empty() {
            if count_sides(&sides) >= 3 && split {
                let (first, rest) = sides.split_first().map(|(f, r)| (f.clone(), r.to_vec())).unwrap_or_else(|| unreachable!());
                for other in rest.into_iter().filter(|o| o.country != first.country || o.country.is_empty()) {
                    groups.push((vec![first.clone(), other], location.clone()));
                }
            } else if let Some(met) = self.people_met_apart(t, &sides, &after, on) {
                groups.extend(met.into_iter().map(|pair| (pair, location.clone())));
            } else {
                groups.push((sides, location));
            }
        } else {
            for dest in destinations {
                let mut group = sides.clone();
                host(&mut group, Some(&dest));
                groups.push((group, Some(dest)));
            }
        }
        groups
            .into_iter()
            .filter(|(sides, _)| count_sides(sides) >= 2)
            .map(|(sides, place)| {
                let mode = if t.trigger.event_type != EventType::Consult {
                    ConsultMode::Unspecified
                } else if phone {
                    ConsultMode::Phone
                } else if count_sides(&sides) >= 3 {
                    ConsultMode::Multilateral
                } else if let Some(p) = place.as_ref() {
                    if sides.iter().any(|s| s.country == p.country) { ConsultMode::Visit } else { ConsultMode::ThirdParty }
                } else {
                    t.trigger.mode
                };
                let mut topics = topics.clone();
                topics.retain(|c| !sides.iter().any(|s| s.country == *c) && place.as_ref().is_none_or(|l| l.country != *c));
                topics.dedup();
                let named_people = sides.iter().filter(|s| matches!(s.who, Who::Person { .. })).count();
                Draft { mode, sides, location: place, topics, named_people, ..base.clone() }
            })
            .collect()
    }

    /// "تلتقي الوزيرة المشير طنطاوي والدكتور عصام شرف": a meeting verb or noun whose objects
    /// are several people of one state, the other side being one, is a meeting with each of
    /// them; as pairs of sides. Not a reception or an arrival, which one party gives together.
    fn people_met_apart(
        &self,
        t: &TriggerAt,
        sides: &[Side],
        after: &[(&Mention, Actor)],
        on: Option<NaiveDate>,
    ) -> Option<Vec<Vec<Side>>> {
        if t.trigger.cameo != CAMEO_MEET || t.trigger.mode != ConsultMode::Unspecified || count_sides(sides) != 2 {
            return None;
        }
        let people = |c: &str| sides.iter().filter(|s| s.country == c && matches!(s.who, Who::Person { .. })).count();
        let country = sides.iter().map(|s| s.country.as_str()).find(|c| people(c) >= 2)?;
        let (theirs, other): (Vec<&Side>, Vec<&Side>) = sides.iter().partition(|s| s.country == country);
        let met = self.resolve(after, on);
        (other.len() == 1 && theirs.iter().all(|s| met.contains(s)))
            .then(|| theirs.into_iter().map(|p| vec![other[0].clone(), p.clone()]).collect())
    }

    /// Whether an event's sides are people who all held `office` on a day.
    fn all_hold(&self, d: &Draft, office: Office, on: Option<NaiveDate>) -> bool {
        let mut people = d.sides.iter().filter_map(|s| if let Who::Person { person, .. } = s.who { Some(person) } else { None });
        people.clone().count() >= 2 && people.all(|p| self.office_of(p, on).is_some_and(|(o, _)| o == office))
    }

    /// The office a person held on a day.
    fn office_of(&self, person: u32, on: Option<NaiveDate>) -> Option<(Office, &str)> {
        self.kb.term_on(person, on).map(|t| (t.office, t.role_en.as_str()))
    }

    fn name_ar(&self, m: &Mention) -> CompactString {
        let (f, e) = m.name_span;
        self.a.text[self.a.tokens[f].start..self.a.tokens[e - 1].end].into()
    }

    fn person_side(&self, person: u32, on: Option<NaiveDate>, name_ar: CompactString) -> Side {
        let p = &self.kb.people[person as usize];
        let role = self.office_of(person, on).map(|(_, r)| r).unwrap_or_default().into();
        Side { country: p.country.as_str().into(), who: Who::Person { person, role, name_ar } }
    }

    /// The one holder of an office on a day, if the knowledge base knows exactly one.
    fn holder(&self, office: Office, country: &str, on: Option<NaiveDate>) -> Option<u32> {
        let on = on?;
        let mut holders = self.kb.holders(office, country, on).map(|t| t.person);
        let first = holders.next()?;
        holders.all(|p| p == first).then_some(first)
    }

    fn resolve(&self, actors: &[(&Mention, Actor)], on: Option<NaiveDate>) -> Vec<Side> {
        let mut sides: Vec<Side> = Vec::new();
        let anchor_office = actors.iter().find_map(|(_, actor)| match actor {
            Actor::Person(p) => self.office_of(*p, on).map(|(o, _)| o),
            Actor::Office { office, deputy: false, country: Some(_), .. } => Some(*office),
            _ => None,
        });
        for (m, actor) in actors {
            let side = match actor {
                Actor::Person(p) => Some(self.person_side(*p, on, self.name_ar(m))),
                Actor::Office { office, role, country: Some(c), deputy } => match self.holder(*office, c, on).filter(|_| !deputy) {
                    Some(p) => Some(self.person_side(p, on, CompactString::default())),
                    None => Some(Side {
                        country: c.clone(),
                        who: Who::State { role: if *deputy { CompactString::default() } else { role.clone() } },
                    }),
                },
                Actor::Office { office, role, country: None, deputy: false } if (m.first..m.end).any(|k| self.definite(k)) => {
                    self.named_holder(m.first, *office, role, on)
                }
                Actor::Office { .. } => None,
                Actor::Counterpart { country: Some(c) } => match anchor_office.and_then(|o| self.holder(o, c, on)) {
                    Some(p) => Some(self.person_side(p, on, CompactString::default())),
                    None => Some(Side { country: c.clone(), who: Who::State { role: CompactString::default() } }),
                },
                Actor::Counterpart { country: None } => None,
                Actor::State(c) => Some(Side { country: c.clone(), who: Who::State { role: CompactString::default() } }),
                Actor::Organisation(o) => Some(Side { country: CompactString::default(), who: Who::Organisation(*o) }),
            };
            if let Some(side) = side {
                add_side(&mut sides, side);
            }
        }
        sides
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

    fn definite(&self, i: usize) -> bool {
        self.a.tokens[i].norm.trim_start_matches(['و', 'ف']).starts_with("ال")
    }

    /// "العاهل" or "سمو الأمير" with no country: the last person named before who held that
    /// office under that title (an emir is not a president), else the first one named after
    /// (a headline's "الملك" is named in the lead).
    fn named_holder(&self, pos: usize, office: Office, role: &str, on: Option<NaiveDate>) -> Option<Side> {
        let holder = |m: &Mention| match m.kind {
            MentionKind::Actor(Actor::Person(p))
                if self.kb.terms_of(p).any(|t| t.office == office && t.role_en == role && on.is_none_or(|d| t.covers(d))) =>
            {
                Some(self.person_side(p, on, CompactString::default()))
            }
            _ => None,
        };
        let window = 4 * ANTECEDENT_WINDOW;
        self.mentions_in(pos.saturating_sub(window), pos)
            .iter()
            .rev()
            .find_map(holder)
            .or_else(|| self.mentions_in(pos + 1, (pos + window).min(self.a.tokens.len())).iter().find_map(holder))
    }

    /// The subject a sentence already gave an earlier verb, for a later one that leaves it
    /// understood ("ويتوجه المستشار إلى الإمارات حيث يلتقي ... قبل أن ينتقل إلى الدوحة للقاء
    /// أمير قطر": the chancellor travels on, not the host he met): the first side of the
    /// sentence's last event, when it is a person whose country is not yet a side.
    fn sentence_subject(&self, reported: &[Draft], sentence: (usize, usize), sides: &[Side]) -> Option<Side> {
        let last = reported.last().filter(|d| d.evidence[0].0 == sentence)?;
        let subject = last.sides.first().filter(|s| matches!(s.who, Who::Person { .. }))?;
        (!sides.iter().any(|s| s.country == subject.country)).then(|| subject.clone())
    }

    /// The nearest person (or titled office holder) named before `pos` that `fits` (whose
    /// country is not yet a side, say): the understood subject of a verb or the owner of "لقائه".
    fn antecedent(&self, pos: usize, on: Option<NaiveDate>, fits: impl Fn(&Side) -> bool) -> Option<Side> {
        self.mentions_in(pos.saturating_sub(ANTECEDENT_WINDOW), pos).iter().rev().find_map(|m| {
            let actor = match &m.kind {
                MentionKind::Actor(actor @ (Actor::Person(_) | Actor::Office { deputy: false, .. })) => actor.clone(),
                _ => return None,
            };
            // Resolved as anywhere else ("جلالة الملك" is the king named before), people only.
            let side = self.resolve(&[(m, actor)], on).into_iter().next()?;
            (matches!(side.who, Who::Person { .. }) && fits(&side)).then_some(side)
        })
    }
}

/// Distinct sides: countries, and organisations each on their own.
pub fn count_sides(sides: &[Side]) -> usize {
    let same = |a: &Side, b: &Side| match (&a.who, &b.who) {
        (Who::Organisation(x), Who::Organisation(y)) => x == y,
        (Who::Organisation(_), _) | (_, Who::Organisation(_)) => false,
        _ => a.country == b.country,
    };
    sides.iter().enumerate().filter(|&(k, s)| !sides[..k].iter().any(|earlier| same(earlier, s))).count()
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
        Who::State { .. } => {
            if sides.iter().any(|s| s.country == side.country && !matches!(s.who, Who::Organisation(_))) {
                return;
            }
        }
        Who::Organisation(o) => {
            if sides.iter().any(|s| s.who == Who::Organisation(*o)) {
                return;
            }
        }
    }
    sides.push(side);
}
