//! The sides of a frame's event, in four steps: the actors named after the trigger (VSO), with
//! those before it when that is not enough; sides named by reference to an event reported
//! before ("the two sides", "the leaders"); the heads of delegations named after the contact;
//! and the understood subject (pro-drop, "لقائه", "فخامته"). Also how a named actor becomes a
//! side: a title resolves to whoever held the office on the event's date.

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::kb::{Cue, Office};
use crate::proto::ConsultMode;

use super::frame::Frame;
use super::roles::{Named, Roles};
use super::{ANTECEDENT_WINDOW, Builder, Draft, Place, Side, Who, add_side, count_sides};
use crate::extract::mentions::{Actor, Mention, MentionKind};

impl Builder<'_, '_> {
    /// The sides of frame `f` on day `on`; `next` is where the next trigger of the sentence is,
    /// `reported` the events reported before.
    pub(super) fn sides(&self, f: &Frame, roles: &Roles, on: Option<NaiveDate>, next: usize, reported: &[Draft]) -> Vec<Side> {
        let first_dest = roles.destinations.first();
        let mut sides = self.named_sides(f, roles, on);
        // The sides counted: with the host of a visit until a later step adds sides.
        let mut counted = with_host(&sides, first_dest);
        if let Some(earlier) = self.referred(f, &counted, on, reported) {
            for side in &earlier.sides {
                add_side(&mut sides, side.clone());
            }
            counted = sides.clone();
        }
        // "مباحثات ... ترأس فيها وفد المملكة X، فيما ترأس الوفد الإيراني Y": the heads of the
        // delegations named after the contact in its sentence are its people, and its sides when
        // its frame names fewer than two.
        let fill = count_sides(&counted) < 2;
        for head in self.delegation_heads(f.pos() + 1..next, on) {
            if fill || counted.iter().any(|s| s.country == head.country) {
                add_side(&mut sides, head);
                counted = sides.clone();
            }
        }
        // An honorific or "الأخير" as the subject, before the trigger or right after its verb,
        // stands for a person named before, even beside other sides ("الأخير التقى سفراء دول
        // بريطانيا وفرنسا وألمانيا", "بحث جلالته ... مع كل من الرئيس الأميركي ...").
        let subject_end = if f.t.trigger.is_verb { (f.pos() + 2).min(f.right) } else { f.pos() };
        // "يجري بوتين سلسلة لقاءات، من بينها مباحثات مع A، B و C": those after "مع" are met, by a
        // subject left understood when no one is named before the contact.
        let with_at = self.with_right_after(f);
        let nothing_before = roles.before.is_empty() && self.mentions_in(f.left, f.pos()).is_empty();
        let only_met = nothing_before && with_at.is_some_and(|w| roles.after.iter().all(|(m, _)| m.first > w));
        if (count_sides(&counted) < 2 || only_met || self.honorific_in(f.left..subject_end).is_some())
            && let Some(side) = self.understood_subject(f, &counted, on, reported)
        {
            sides.retain(|s| !(s.country == side.country && matches!(s.who, Who::State { .. })));
            sides.insert(0, side);
        }
        if f.t.trigger.with_each && count_sides(&sides) < 2 {
            for side in self.ambassadors_listed_after(f, &sides, on) {
                add_side(&mut sides, side);
            }
        }
        sides
    }

    /// "استقبل الملك ... عددا من السفراء الأجانب، الذين قدموا له أوراق اعتمادهم. ويتعلق الأمر
    /// بالسادة ... سفير جمهورية الكونغو، ... سفير جمهورية كوريا": credentials that name no one
    /// presenting them are presented by the ambassadors the text lists after their sentence, until
    /// it tells another contact by a verb: each ambassador named with a state, or each state
    /// listed after ambassadors named with none ("سفراء من دول مختلفة، من بينها تركيا، كندا").
    /// Never one of `sides` (who received them) or of their states.
    fn ambassadors_listed_after(&self, f: &Frame, sides: &[Side], on: Option<NaiveDate>) -> Vec<Side> {
        let a = self.a;
        let from = f.sentence.end;
        let to = (from..a.tokens.len()).find(|&k| a.trigger(k).is_some_and(|(t, _)| t.is_verb)).unwrap_or(a.tokens.len());
        let ambassador = |m: &Mention| matches!(&m.kind, MentionKind::Actor(Actor::Office { office: Office::Ambassador, .. }));
        let mut listed: Vec<Side> = Vec::new();
        let mut after_plural = false;
        for m in self.mentions_in(from, to) {
            let side = match &m.kind {
                MentionKind::Actor(Actor::Office { office: Office::Ambassador, country: None, .. }) => {
                    after_plural = true;
                    None
                }
                MentionKind::Actor(actor) if ambassador(m) => self.resolve(&[(m, actor.clone())], on).into_iter().next(),
                MentionKind::StateName(st) if after_plural => Some(Side {
                    country: self.kb.states[*st as usize].code.as_str().into(),
                    who: Who::State { role: CompactString::const_new("ambassador"), name_ar: CompactString::default() },
                }),
                _ => None,
            };
            if let Some(side) = side.filter(|s| !s.country.is_empty() && !sides.iter().any(|r| r.country == s.country)) {
                add_side(&mut listed, side);
            }
        }
        listed
    }

    /// The actors after the trigger, or all the frame's actors when those after it (with the host
    /// of a visit) make fewer than two sides or the trigger is a call someone made or received
    /// ("تلقى X اتصالين من A و B": X is a side of each).
    fn named_sides(&self, f: &Frame, roles: &Roles, on: Option<NaiveDate>) -> Vec<Side> {
        let sides = self.resolve(&roles.after, on);
        let caller = f.t.trigger.mode == ConsultMode::Phone && !f.t.trigger.is_verb && !roles.before.is_empty();
        // "بعد زياراته إلى مصر والسعودية": the traveller is whom the pronoun stands for, not
        // whoever was named before the noun.
        let possessed_journey = f.t.pronoun && !f.t.trigger.is_verb && !roles.destinations.is_empty();
        // "ترامب سيتحدث هاتفيا مع هولاند وميركل": everyone after the verb is after its "مع",
        // so the subject stands before it.
        let with = (f.pos() + 1..f.right).find(|&k| self.a.cue(k, |c| c == Cue::With));
        let subject_first = with.is_some_and(|w| roles.after.iter().all(|(m, _)| m.first > w)) && !roles.before.is_empty();
        // "تقبل الملك أوراق اعتماد سفيري A و B", "أوراق اعتماد الإيراني مهدي سبحاني": the
        // ambassadors, or people named under no title, after the credentials present them to
        // whoever is named before.
        let untitled = |s: &Side| matches!(&s.who, Who::State { role, name_ar } if role.is_empty() && !name_ar.is_empty());
        let no_receiver = f.t.trigger.with_each && sides.iter().all(|s| s.is_ambassador() || untitled(s));
        if count_sides(&with_host(&sides, roles.destinations.first())) >= 2 && !caller && !subject_first && !no_receiver {
            return sides;
        }
        if possessed_journey {
            // Of those named before, only the hosts ("وكان الملك في مقدمة مستقبليه لدى وصوله").
            let hosts = self.resolve(&roles.before, on).into_iter().filter(|s| roles.destinations.iter().any(|d| d.country == s.country));
            return sides.into_iter().chain(hosts).collect();
        }
        let all: Vec<Named> = roles.before.iter().chain(&roles.after).cloned().collect();
        self.resolve(&all, on)
    }

    /// The event reported before whose sides a word of the sentence up to the frame's end names:
    /// - "the two sides": the event just before; "the two presidents": the last event whose
    ///   people both hold that office. Not across a clause boundary ("يوقع البلدان اتفاقا، قبل أن
    ///   ينتقل ... للقاء"): another clause's pair is its own;
    /// - "the leaders": the last summit (an event of three or more sides), whichever clause names
    ///   them ("بمشاركة القادة الثلاثة، فيما احتضنت القاهرة القمة الأولى").
    fn referred<'r>(&self, f: &Frame, counted: &[Side], on: Option<NaiveDate>, reported: &'r [Draft]) -> Option<&'r Draft> {
        let a = self.a;
        let cue_in = |from: usize, wanted: fn(Cue) -> bool| (from..f.right).find_map(|k| a.cues(k).find(|&c| wanted(c)));
        match (cue_in(f.clause_start, |c| matches!(c, Cue::Pair(_))), cue_in(f.sentence.first, |c| c == Cue::Group)) {
            (Some(Cue::Pair(Some(office))), _) if count_sides(counted) < 2 => reported.iter().rev().find(|d| self.all_hold(d, office, on)),
            (Some(Cue::Pair(None)), _) if count_sides(counted) < 2 => reported.last(),
            (_, Some(_)) if count_sides(counted) < 3 => reported.iter().rev().find(|d| count_sides(&d.sides) >= 3),
            _ => None,
        }
    }

    /// The subject a verb, a possessed noun ("لقائه"), "مع" or an honorific leaves understood:
    /// for an honorific ("ويلتقي فخامته") the subject of the contact reported last when they hold
    /// its office, else the holder of its office named last, even of a state the frame names; else the sentence's subject, else the nearest person named before whose
    /// country is not yet a side.
    fn understood_subject(&self, f: &Frame, counted: &[Side], on: Option<NaiveDate>, reported: &[Draft]) -> Option<Side> {
        let pos = f.pos();
        let with_follows = self.with_right_after(f).is_some();
        let honorific = self.honorific_in(f.left..f.right);
        let leaves_subject = f.t.trigger.is_verb || f.t.pronoun || with_follows || honorific.is_some() || f.motion.is_some();
        // A contact noun carried by a verb ("أعلن أنه سيقوم بزيارة", "أجرى محادثات") leaves its
        // subject understood too, but only someone its own sentence names: a passive ("ثم يُجرى
        // اجتماع لوزراء الخارجية") has none to leave.
        let reach = if leaves_subject {
            pos.saturating_sub(ANTECEDENT_WINDOW)
        } else if self.carrying_verb(f).is_some() {
            f.sentence.first
        } else {
            return None;
        };
        match honorific.flatten() {
            Some(office) => {
                let fits = |s: &Side| {
                    let Who::Person { person, .. } = s.who else { return false };
                    self.office_of(person, on).is_some_and(|(o, _)| o == office)
                        && !counted.iter().any(|w| w.country == s.country && matches!(w.who, Who::Person { .. }))
                };
                // The subject of the contact reported last goes on being the subject ("أجرى جلالته
                // اتصالا" after "بحث جلالته ... مع ... العاهل البحريني": the king of the article,
                // not the last one named); else the nearest holder named before.
                let subject = reported.last().and_then(|d| d.sides.first()).filter(|s| fits(s)).cloned();
                subject.or_else(|| self.antecedent(reach..pos, on, fits))
            }
            None => self
                .sentence_subject(reported, f.span, counted)
                .or_else(|| self.last_traveller(f, counted, reported))
                .or_else(|| self.antecedent(reach..pos, on, |s| !counted.iter().any(|w| w.country == s.country))),
        }
    }

    /// "ينتقل بعدها إلى السلفادور", "وسيزور أيضا كولومبيا": a journey with no traveller named
    /// goes on the tour of whoever made the last visit reported, not whoever was named last
    /// (the host met on the way).
    fn last_traveller(&self, f: &Frame, counted: &[Side], reported: &[Draft]) -> Option<Side> {
        if !f.t.trigger.takes_destination {
            return None;
        }
        let visit = reported.iter().rev().find(|d| d.mode == ConsultMode::Visit && d.location.is_some())?;
        let host = visit.location.as_ref()?.country.as_str();
        let traveller = visit.sides.iter().find(|s| matches!(s.who, Who::Person { .. }) && s.country != host)?;
        (!counted.iter().any(|w| w.country == traveller.country)).then(|| traveller.clone())
    }

    /// An honorific or pronoun in tokens `range` ("فخامته", "الأخير"), with the office it names if any.
    fn honorific_in(&self, range: std::ops::Range<usize>) -> Option<Option<Office>> {
        range.into_iter().find_map(|k| self.a.cues(k).find_map(|c| if let Cue::Pronoun(office) = c { Some(office) } else { None }))
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

    /// Whether the name a title is followed by ("وزير الخارجية أحمد بن عمر") may be a spelling of
    /// `person`'s: it does not follow the title (a name before it may be the end of another's),
    /// it does not begin with a given name, or a word of it is one of theirs or within their
    /// spellings' reach. A title's holder by the lists is not the one the text names otherwise (an
    /// acting minister, a rival government's, a list whose dates are off).
    fn names_person(&self, m: &Mention, person: u32) -> bool {
        let (first, end) = m.name_span;
        first < m.first
            || !self.a.is_name_word(self.kb, first)
            || (first..end)
                .any(|k| self.kb.is_word_of(person, &self.a.tokens[k].norm) || self.a.spelling_distance(self.kb, k, person).is_some())
    }

    fn person_side(&self, person: u32, on: Option<NaiveDate>, name_ar: CompactString) -> Side {
        let p = &self.kb.people[person as usize];
        let role = self.office_of(person, on).map(|(_, r)| r).unwrap_or_default().into();
        Side { country: p.country.as_str().into(), who: Who::Person { person, role, name_ar } }
    }

    /// The holder of an office named at token `pos`: on a known day, the one the knowledge base
    /// knows (if exactly one); on an unknown day (no dateline), the nearest person the article
    /// names who held that office, before `pos`, else after it.
    fn holder(&self, office: Office, country: &str, on: Option<NaiveDate>, pos: usize) -> Option<u32> {
        let Some(on) = on else { return self.named_office_holder(office, country, pos) };
        let mut holders = self.kb.holders(office, country, on).map(|t| t.person);
        let first = holders.next()?;
        holders.all(|p| p == first).then_some(first)
    }

    fn named_office_holder(&self, office: Office, country: &str, pos: usize) -> Option<u32> {
        let held = |m: &Mention| match m.kind {
            MentionKind::Actor(Actor::Person(p)) if self.kb.terms_of(p).any(|t| t.office == office && t.country == country) => Some(p),
            _ => None,
        };
        self.mentions_in(0, pos)
            .iter()
            .rev()
            .find_map(held)
            .or_else(|| self.mentions_in(pos + 1, self.a.tokens.len()).iter().find_map(held))
    }

    /// The sides named actors stand for on day `on`: a person, the holder of a title (or the
    /// title's state when the holder is unknown), a counterpart of the first officeholder named,
    /// a state, an organisation (or its member states, for a grouping whose members the data lists).
    pub(super) fn resolve(&self, actors: &[Named], on: Option<NaiveDate>) -> Vec<Side> {
        let mut sides: Vec<Side> = Vec::new();
        let anchor_office = actors.iter().find_map(|(_, actor)| match actor {
            Actor::Person(p) => self.office_of(*p, on).map(|(o, _)| o),
            Actor::Office { office, deputy: false, country: Some(_), .. } => Some(*office),
            _ => None,
        });
        for (m, actor) in actors {
            // A grouping that acts as its members ("الاجتماع الوزاري لمجلس التعاون") is its member states.
            if let Actor::Organisation(o) = actor
                && let members = &self.kb.organisations[*o as usize].members
                && !members.is_empty()
            {
                for c in members {
                    add_side(&mut sides, Side::state(c.as_str().into()));
                }
                continue;
            }
            let side = match actor {
                Actor::Person(p) => Some(self.person_side(*p, on, self.name_ar(m))),
                Actor::Official { organisation, role, person, named } => {
                    let name_ar = if *named || person.is_some() { self.name_ar(m) } else { CompactString::default() };
                    Some(Side::of_organisation(*organisation, *person, name_ar, role.clone()))
                }
                Actor::Office { office, role, country: Some(c), deputy, named } => {
                    let holder = self.holder(*office, c, on, m.first).filter(|&p| !deputy && (!named || self.names_person(m, p)));
                    match holder {
                        Some(p) => Some(self.person_side(p, on, CompactString::default())),
                        None => Some(Side {
                            country: c.clone(),
                            // A deputy or former holder is someone of that state, under no title of theirs.
                            who: Who::State {
                                role: if *deputy { CompactString::const_new("official") } else { role.clone() },
                                name_ar: if *named { self.name_ar(m) } else { CompactString::default() },
                            },
                        }),
                    }
                }
                Actor::Office { office, role, country: None, deputy: false, .. } if (m.first..m.end).any(|k| self.definite(k)) => {
                    self.named_holder(m.first, *office, role, on)
                }
                Actor::Office { .. } => None,
                // Named by a name no list knows: that person, whoever holds the office.
                Actor::Counterpart { country: Some(c), named: true } => {
                    Some(Side { country: c.clone(), who: Who::State { role: CompactString::default(), name_ar: self.name_ar(m) } })
                }
                Actor::Counterpart { country: Some(c), named: false } => match anchor_office.and_then(|o| self.holder(o, c, on, m.first)) {
                    Some(p) => Some(self.person_side(p, on, CompactString::default())),
                    None => Some(Side::state(c.clone())),
                },
                Actor::Counterpart { country: None, .. } => None,
                Actor::Unlisted(c) => {
                    Some(Side { country: c.clone(), who: Who::State { role: CompactString::default(), name_ar: self.name_ar(m) } })
                }
                Actor::State(c) => Some(Side::state(c.clone())),
                Actor::Organisation(o) => Some(Side::of_organisation(*o, None, CompactString::default(), CompactString::default())),
            };
            if let Some(side) = side {
                add_side(&mut sides, side);
            }
        }
        sides
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
    /// sentence's last event, when it is someone (a person, or a title whose holder is unknown:
    /// "يتوجه وزير الخارجية البرازيلي ... أن يلتقي خلالها") whose country is not yet a side.
    fn sentence_subject(&self, reported: &[Draft], sentence: (usize, usize), sides: &[Side]) -> Option<Side> {
        let last = reported.last().filter(|d| d.evidence[0].0 == sentence)?;
        let subject = last.sides.first().filter(|s| s.is_someone() && !s.country.is_empty())?;
        (!sides.iter().any(|s| s.country == subject.country)).then(|| subject.clone())
    }

    /// The nearest person (or titled office holder) named in tokens `range` that `fits` (whose
    /// country is not yet a side, say): the understood subject of a verb or the owner of "لقائه".
    fn antecedent(&self, range: std::ops::Range<usize>, on: Option<NaiveDate>, fits: impl Fn(&Side) -> bool) -> Option<Side> {
        self.mentions_in(range.start, range.end).iter().rev().find_map(|m| {
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

/// `sides` with the state of a visit's destination `dest` when no side is of that state yet.
pub(super) fn with_host(sides: &[Side], dest: Option<&Place>) -> Vec<Side> {
    let mut out = sides.to_vec();
    if let Some(d) = dest
        && !out.iter().any(|s| s.country == d.country)
    {
        out.push(Side::state(d.country.clone()));
    }
    out
}
