//! One trigger's frame: the stretch of its sentence that speaks of it, and the stages that turn
//! it into drafts, each in a module of its own:
//! bounds (here) → roles of the frame's mentions (`roles`) → date and status (`when`) → sides
//! (`sides`) → the happenings it reports, with their places and modes (`happenings`).

use crate::kb::Cue;
use crate::proto::{EventStatus, EventType};
use crate::text::Sentence;

use super::when::When;
use super::{Builder, Draft, TriggerAt};
use crate::extract::mentions::{Mention, MentionKind};

/// Where one trigger's frame lies: token positions in the article.
pub(super) struct Frame<'f> {
    pub t: &'f TriggerAt,
    /// The trigger's sentence, as tokens `first..end`, and as a byte span of the text.
    pub sentence: &'f Sentence,
    pub span: (usize, usize),
    /// The frame: tokens `left..right`. It starts after the previous trigger or the last clause
    /// boundary before this one, and ends at the next trigger or the first boundary after it.
    pub left: usize,
    pub right: usize,
    /// Where the trigger's clause starts.
    pub clause_start: usize,
    /// The verb of travel whose purpose a contact noun states ("ينتقل إلى الدوحة للقاء").
    pub motion: Option<usize>,
    /// The verb of travel before a contact noun in its clause, whoever its subject
    /// ("يتوجه الرئيس إلى تونس للمشاركة في الاجتماع"): where it leads, the contact takes place.
    pub journey: Option<usize>,
    /// The mentions of the frame, but for the trigger's own.
    pub mentions: Vec<&'f Mention>,
    /// "بين X و Y": the actors listed after بين, who are exactly the participants.
    pub between: Option<Vec<&'f Mention>>,
    /// The list is of leaders ("يجمع قادة كل من الجزائر وتونس"): each state stands for its head.
    pub leaders: bool,
}

impl Frame<'_> {
    pub fn pos(&self) -> usize {
        self.t.pos
    }
}

impl Builder<'_, '_> {
    /// The events one trigger reports: its frame runs from `prev` (after the previous trigger)
    /// to `next` within `sentence`; `reported` are the events reported before, in text order.
    pub(super) fn frame(
        &self,
        t: &TriggerAt,
        prev: usize,
        next: usize,
        sentence: &Sentence,
        cue_status: Option<EventStatus>,
        reported: &[Draft],
    ) -> Vec<Draft> {
        if self.negated_past(t, sentence) {
            return Vec::new();
        }
        let f = self.bounds(t, prev, next, sentence);
        if self.cargo_arrives(&f) {
            return Vec::new();
        }
        let roles = self.roles(&f);
        let when = self.when(&f, cue_status);
        let on = when.date.map(|d| d.start).or(self.published);
        let sides = self.sides(&f, &roles, on, next, reported);
        self.happenings(&f, roles, sides, self.base_draft(&f, &when), reported)
    }

    /// Past negation right before the trigger: it did not happen, and nothing was planned.
    fn negated_past(&self, t: &TriggerAt, sentence: &Sentence) -> bool {
        (t.pos.saturating_sub(3).max(sentence.first)..t.pos).any(|k| self.a.cue(k, |c| c == Cue::NegPast))
    }

    /// "طائرات سعودية محملة بالمواد الإغاثية وصلت إلى مطار حلب", "وصلت سفينة مساعدات": a verb of
    /// arrival whose subject is a thing, before it in its clause or right after it, tells no
    /// visit; someone's plane is still someone's arrival ("وصلت طائرة الرئيس").
    fn cargo_arrives(&self, f: &Frame) -> bool {
        let trigger = f.t.trigger;
        if !(trigger.is_verb && trigger.takes_destination) {
            return false;
        }
        let pos = f.pos();
        let cargo = |k: usize| self.a.cue(k, |c| c == Cue::Cargo);
        let actor = |m: &Mention| matches!(m.kind, MentionKind::Actor(_));
        let before = (f.clause_start..pos).rev().find(|&k| cargo(k)).is_some_and(|k| !self.mentions_in(k + 1, pos).iter().any(actor));
        let owner_after = |k: usize| self.mentions_in(k + 1, f.right).iter().any(|m| actor(m) && m.first == k + 1);
        let after = (pos + 1..(pos + 3).min(f.right)).find(|&k| cargo(k)).is_some_and(|k| !owner_after(k));
        before || after
    }

    /// Where the frame of trigger `t` lies, between `prev` and `next` in `sentence`.
    fn bounds<'f>(&'f self, t: &'f TriggerAt, prev: usize, next: usize, sentence: &'f Sentence) -> Frame<'f> {
        let a = self.a;
        let pos = t.pos;
        let boundary = |k: usize| a.cue(k, |c| matches!(c, Cue::Complementizer | Cue::Clause));
        // ".. لزيارة X إلى بكين، وزيارة Y إلى الصين": a noun coordinated after a comma opens a
        // phrase of its own; what came before belongs to the earlier one.
        let left = if self.coordinated(t, sentence.first) { pos } else { (prev..pos).rev().find(|&k| boundary(k)).map_or(prev, |k| k + 1) };
        // "زيارة الكاظمي إلى أنقرة ...، ومنتصف الشهر ذاته، أجرى وزير الخارجية فؤاد حسين زيارة":
        // after a contact named before in the sentence, a verb that carries this noun starts it.
        let left = match (prev > sentence.first, self.carrier(prev..pos)) {
            (true, Some(k)) if !t.trigger.is_verb => left.max(k + 1),
            _ => left,
        };
        let clause_start = (sentence.first..left).rev().find(|&j| boundary(j)).map_or(sentence.first, |j| j + 1);
        // A contact noun that states a journey's purpose has the subject and the tense of the verb of
        // travel, and nothing before that verb is its own.
        let motion = self.motion_verb(t, clause_start);
        let journey = (!t.trigger.is_verb).then(|| (clause_start..pos).rev().find(|&k| a.cue(k, |c| c == Cue::Motion))).flatten();
        let left = motion.map_or(left, |k| left.max(k + 1));
        let sideline = |k: usize| (k.saturating_sub(2)..k).any(|j| a.cue(j, |c| c == Cue::Sideline));
        let carried_next = self.carrier(pos + 1..next).filter(|_| self.a.trigger(next).is_some_and(|(n, _)| !n.is_verb));
        let right = (pos + 1..next)
            .find(|&k| {
                a.cue(k, |c| matches!(c, Cue::Report | Cue::Clause | Cue::Complementizer))
                    || (a.cue(k, |c| c == Cue::Generic) && !sideline(k))
            })
            .unwrap_or(next)
            .min(carried_next.unwrap_or(next));
        let mentions: Vec<&Mention> = self.mentions_in(left, right).iter().filter(|m| !(m.first <= pos && pos < m.end)).collect();
        let between = self.between_list(pos, right, &mentions);
        let leaders =
            between.as_ref().and_then(|list| list.first()).is_some_and(|m| (pos + 1..m.first).any(|k| a.cue(k, |c| c == Cue::Group)));
        Frame {
            t,
            sentence,
            span: (a.tokens[sentence.first].start, a.tokens[sentence.end - 1].end),
            left,
            right,
            clause_start,
            motion,
            journey,
            mentions,
            between,
            leaders,
        }
    }

    /// The verb that carries the contact noun at the end of tokens `range` ("أجرى", "قام ب"),
    /// in the singular right before the noun ("كما أجرى اتصالا"), or with its subject right after
    /// it and the noun right after the subject ("أجرى وزير الخارجية فؤاد حسين زيارة", "قام
    /// الرئيس أمس بزيارة").
    fn carrier(&self, range: std::ops::Range<usize>) -> Option<usize> {
        let noun = range.end;
        let k = range.rev().find(|&k| self.a.cue(k, |c| c == Cue::Support))?;
        // Not a dual or plural verb ("أجريا اتصالا"): its subject is the pair named before.
        let norm = self.a.tokens[k].norm.as_str();
        if k + 1 == noun && !(norm.ends_with('ا') || norm.ends_with("ان") || norm.ends_with("ون")) {
            return Some(k);
        }
        // "زيارة يقوم بها عاهل سعودي لليابان": the verb's pronoun stands for a noun before it.
        let resumptive = self.a.tokens.get(k + 1).is_some_and(|t| matches!(t.norm.as_str(), "به" | "بها" | "بهما"));
        let subject = self.mentions_in(k + 1, noun).iter().find(|m| matches!(m.kind, MentionKind::Actor(_)))?;
        (!resumptive && subject.first <= k + 2 && noun <= subject.end + 1).then_some(k)
    }

    /// "بين X و Y" (or "يجمع X و Y") within four words after the trigger at `pos`: the actors,
    /// states and seats listed after it with nothing but "كل", "من" or "قادة" between them.
    fn between_list<'m>(&self, pos: usize, right: usize, mentions: &[&'m Mention]) -> Option<Vec<&'m Mention>> {
        let a = self.a;
        let b = (pos + 1..right).filter(|&k| a.is_word(k)).take(4).find(|&k| a.cue(k, |c| c == Cue::Between))?;
        let mut list: Vec<&Mention> = Vec::new();
        let mut at = b + 1;
        for m in mentions.iter().filter(|m| m.first > b) {
            // "بين كل من", "يجمع قادة": words that introduce the list, not items of it.
            let gap_ok =
                (at..m.first).all(|k| !a.is_word(k) || matches!(a.tokens[k].norm.as_str(), "كل" | "من") || a.cue(k, |c| c == Cue::Group));
            if !gap_ok {
                break;
            }
            if matches!(m.kind, MentionKind::Actor(_) | MentionKind::StateName(_) | MentionKind::Seat(_)) {
                list.push(m);
            }
            at = m.end;
        }
        (!list.is_empty()).then_some(list)
    }

    /// Whether a plan cue of the trigger's sentence, before it, follows a form of كان ("وكان من
    /// المقرر أن", "كان مقررا").
    fn planned_in_the_past(&self, f: &Frame) -> bool {
        let plan = |c: &Cue| matches!(c, Cue::Status { status: EventStatus::Planned, .. });
        (f.sentence.first..f.pos()).any(|k| self.a.cues_read_at(k).0.iter().any(plan) && self.pluperfect(k))
    }

    /// The fields every draft of a frame shares; sides, place, mode and topics come later.
    fn base_draft(&self, f: &Frame, when: &When) -> Draft {
        let a = self.a;
        let (pos, trigger) = (f.pos(), f.t.trigger);
        let planned_contact = when.status == EventStatus::Planned && trigger.event_type == EventType::Consult;
        Draft {
            event_type: trigger.event_type,
            cameo: if planned_contact { 36 } else { trigger.cameo },
            mode: crate::proto::ConsultMode::Unspecified,
            status: when.status,
            status_explicit: when.status_explicit,
            sides: Vec::new(),
            date: when.date,
            date_explicit: when.date.is_some(),
            weekday: when.weekday,
            location: None,
            topics: Vec::new(),
            evidence: vec![(f.span, (a.tokens[pos].start, a.tokens[pos].end))],
            named_people: 0,
            refers_back: !trigger.is_verb && when.date.is_none() && self.definite(pos),
            during_visit: self.during_visit(f.left.min(pos)..f.right),
            past_plan: when.status == EventStatus::Planned && self.planned_in_the_past(f),
            // Not the "أول" of a date ("محادثات أول من أمس").
            characterises: !trigger.is_verb
                && [pos.checked_sub(1), Some(pos + 1)]
                    .into_iter()
                    .flatten()
                    .any(|k| k < f.right && a.cue(k, |c| c == Cue::First) && self.dates_in(k..k + 1).is_empty()),
        }
    }
}
