//! The role each mention of a frame plays: a side named after the trigger or before it, a
//! destination of a visit, the place, a state discussed (topic), an attendee, a stop of a tour
//! listed apart, or nothing. Decided from the cue words just before a mention and where it
//! stands against the trigger and the actors already read.

use compact_str::CompactString;

use crate::kb::{Cue, Office, PlaceKind};
use crate::text::TokenKind;

use super::frame::Frame;
use super::{Builder, Place};
use crate::extract::mentions::{Actor, Mention, MentionKind};

/// An actor the frame names, with the mention that names it.
pub(super) type Named<'m> = (&'m Mention, Actor);

/// What a frame's mentions say, by role.
#[derive(Default)]
pub(super) struct Roles<'m> {
    /// Actors named after the trigger (verb–subject–object order) and before it.
    pub after: Vec<Named<'m>>,
    pub before: Vec<Named<'m>>,
    /// Where a visit or tour goes, in text order.
    pub destinations: Vec<Place>,
    /// The stops of a tour from this one on are still to come ("التي بدأها بباكستان، وستشمل
    /// الصين"): a verb in the future introduced them.
    pub to_come_from: Option<usize>,
    pub location: Option<Place>,
    /// The states discussed (ISO alpha-3).
    pub topics: Vec<CompactString>,
}

/// Where a mention stands, read from the words before it.
struct Position {
    /// Where the words that introduce the mention start ("العاصمة" in "العاصمة الليبية طرابلس").
    head: usize,
    /// A verb in the future stands between the mention read before and this one ("وستشمل").
    after_future: bool,
    /// After a word of location ("في", "ب"): where it happens.
    located: bool,
    /// After "إلى" or "ل": where it goes.
    towards: bool,
    /// After "عند" / "من" or "ك": beside the point.
    aside: bool,
    /// After "عن" / "حول" or in a list of such: a topic.
    about: bool,
    /// Where the journey of a motion verb before the trigger leads.
    journey_end: bool,
    /// Next to the trigger, after "مع", or right after the actor before.
    near: bool,
    /// The noun trigger's genitive ("زيارة روسيا").
    own_genitive: bool,
    /// The first place after a visit verb and its subject ("زار روسيا").
    direct_object: bool,
    /// After "منذ" (since): it dates the event and plays no part in it ("أول اتصال منذ تسلم
    /// ترامب مهامه في البيت الأبيض").
    since: bool,
    /// Among the participants: in the "بين" list when there is one.
    in_chain: bool,
    /// A stop of a tour ("جولة تشمل الإمارات وقطر"), reported on its own.
    listed: bool,
    /// Of a tour told as made ("جولة شملت"): a stop made, not one still to come.
    made: bool,
}

/// Reads a frame's mentions in text order, keeping what the reading of one tells the next.
struct Reader<'b, 'f, 'k, 't> {
    b: &'b Builder<'k, 't>,
    f: &'b Frame<'f>,
    roles: Roles<'f>,
    /// Where the last mention other than an adjective ended.
    prev_end: usize,
    /// Where the last actor ended.
    last_actor_end: Option<usize>,
    /// Where the next adjective naming a side of a contact noun may start.
    adjective_chain: usize,
    /// The end of the list of places a tour includes, while it goes on.
    listed_end: Option<usize>,
    /// The stops listed so far were made ("جولة شملت"), not still to come.
    stops_made: bool,
    /// The end of the list of topics, while it goes on.
    topic_chain_end: Option<usize>,
    /// Where the last mention read as a destination or as the place ended.
    place_end: Option<usize>,
}

impl Builder<'_, '_> {
    /// The roles of the mentions of frame `f`.
    pub(super) fn roles<'f>(&self, f: &Frame<'f>) -> Roles<'f> {
        let mut reader = Reader {
            b: self,
            f,
            roles: Roles::default(),
            prev_end: f.left,
            last_actor_end: None,
            adjective_chain: f.pos() + 1,
            listed_end: None,
            stops_made: false,
            topic_chain_end: None,
            place_end: None,
        };
        for &m in &f.mentions {
            reader.read(m);
        }
        reader.roles
    }
}

impl<'f> Reader<'_, 'f, '_, '_> {
    fn read(&mut self, m: &'f Mention) {
        let at = self.position(m);
        if !matches!(m.kind, MentionKind::Adjective(_)) {
            self.prev_end = m.end;
        }
        // Who attends is no side; where they attend ("لحضور قمة في باريس") is still the place.
        let attends = self.b.attending(self.f.left, m.first);
        if attends && matches!(m.kind, MentionKind::Actor(_) | MentionKind::Adjective(_)) {
            return;
        }
        // "اتصالات شملت نظراءه رؤساء السنغال والجزائر": who a contact that goes nowhere
        // includes are its sides.
        let includes_people = matches!(m.kind, MentionKind::Actor(_)) && !self.f.t.trigger.takes_destination;
        if at.listed && !includes_people {
            self.listed_end = Some(m.end);
            self.stops_made = at.made;
            self.listed_stop(m, at.made);
            return;
        }
        if at.since {
            return;
        }
        let (b, f) = (self.b, self.f);
        let pos = f.pos();
        let trigger = f.t.trigger;
        let participant = !attends && at.in_chain && (f.between.is_some() || at.near);
        match &m.kind {
            // An organisation's own meeting ("قمة حلف الناتو") is not a contact with it.
            MentionKind::Actor(Actor::Organisation(_)) if !participant || at.about || at.own_genitive => {}
            MentionKind::Actor(found) => {
                if !at.about && at.in_chain {
                    self.actor(m, found.clone());
                }
            }
            MentionKind::StateName(s) | MentionKind::Adjective(s) if at.about => {
                self.roles.topics.push(b.kb.states[*s as usize].code.as_str().into());
                self.topic_chain_end = Some(m.end);
            }
            MentionKind::Place(p) if at.about => {
                let place = &b.kb.places[*p as usize];
                if place.kind == PlaceKind::Region && !place.country.is_empty() {
                    self.roles.topics.push(place.country.as_str().into());
                    self.topic_chain_end = Some(m.end);
                }
            }
            // "قمة روسية تركية إيرانية", "المحادثات الروسية الأمريكية": adjectives right
            // after a contact noun name its sides.
            MentionKind::Adjective(s) if !trigger.is_verb && (self.adjective_chain..=self.adjective_chain + 1).contains(&m.first) => {
                self.adjective_chain = m.end;
                self.actor(m, Actor::State(b.kb.states[*s as usize].code.as_str().into()));
            }
            MentionKind::Adjective(_) => {}
            MentionKind::StateName(s) => {
                let st = &b.kb.states[*s as usize];
                // A state named before a verb of visiting is an earlier stop ("ثم تركيا وبعدها زار
                // إريتريا"), not who travels: people and delegations travel.
                let earlier_stop = trigger.takes_destination && trigger.is_verb && m.first < pos;
                let place = self.state_place(*s);
                if (at.towards || at.direct_object || self.continues_destinations(m)) && trigger.takes_destination {
                    self.destination(place, &at);
                } else if at.located || at.journey_end {
                    self.roles.location.get_or_insert(place);
                } else if !at.aside && !at.towards && participant && !earlier_stop {
                    let state: CompactString = st.code.as_str().into();
                    let actor = if f.leaders {
                        Actor::Office {
                            office: Office::HeadOfState,
                            role: "leader".into(),
                            country: Some(state),
                            deputy: false,
                            named: false,
                        }
                    } else {
                        Actor::State(state)
                    };
                    self.actor(m, actor);
                }
            }
            MentionKind::Seat(p) | MentionKind::Place(p) => {
                let pl = &b.kb.places[*p as usize];
                if pl.country.is_empty() {
                    return;
                }
                let seat = matches!(pl.kind, PlaceKind::Capital | PlaceKind::Seat);
                let place = self.city_place(*p);
                let genitive = at.own_genitive || (m.first > pos + 1 && b.a.trigger(m.first - 1).is_some_and(|(tr, _)| !tr.is_verb));
                if (at.towards || at.direct_object) && trigger.takes_destination {
                    self.destination(place, &at);
                    self.place_end = Some(m.end);
                } else if at.located || genitive || at.journey_end || (!seat && at.towards) {
                    let destination = self.roles.destinations.last().filter(|d| self.contradicts(at.head, d, &place)).is_some();
                    let location = self.roles.location.as_ref();
                    if destination {
                        self.roles.destinations.pop();
                        self.roles.destinations.push(place);
                    } else if location.is_none_or(|l| !l.specific || self.contradicts(at.head, l, &place)) {
                        self.roles.location = Some(place);
                    }
                    self.place_end = Some(m.end);
                } else if seat && !at.aside && !at.towards && participant {
                    self.actor(m, Actor::State(pl.country.as_str().into()));
                }
            }
        }
    }

    /// The whole state `s` as a place.
    fn state_place(&self, s: u32) -> Place {
        Place::state(&self.b.kb.states[s as usize])
    }

    /// The city, seat or venue `p` as a place.
    fn city_place(&self, p: u32) -> Place {
        Place::specific(&self.b.kb.places[p as usize])
    }

    /// "في مستهل جولة خليجية تشمل قطر وسلطنة عمان": a state (or its capital) that a journey
    /// includes is a stop still to come, a visit of its own; one more place of a state already
    /// visited is no new stop.
    fn listed_stop(&mut self, m: &Mention, made: bool) {
        if !self.f.t.trigger.takes_destination {
            return;
        }
        let place = match m.kind {
            MentionKind::StateName(s) => self.state_place(s),
            MentionKind::Place(p) if self.b.kb.places[p as usize].kind == PlaceKind::Capital => self.city_place(p),
            _ => return,
        };
        if self.roles.destinations.iter().any(|d| d.country == place.country) {
            return;
        }
        if !made {
            self.roles.to_come_from.get_or_insert(self.roles.destinations.len());
        }
        self.roles.destinations.push(place);
    }

    /// "في قصر الشعب بالعاصمة بكين": a city of another state named right after the place read
    /// (`read`) says where that place is, so the place was another of its name (a palace of
    /// Damascus has a namesake in Beijing): the city, introduced at token `head`, replaces it.
    fn contradicts(&self, head: usize, read: &Place, city: &Place) -> bool {
        let a = self.b.a;
        let between = |k: usize| !a.is_word(k) || a.cue(k, |c| c == Cue::In);
        read.country != city.country && self.place_end.is_some_and(|e| e <= head && (e..head).all(between))
    }

    fn destination(&mut self, place: Place, at: &Position) {
        if at.after_future && self.roles.to_come_from.is_none() {
            self.roles.to_come_from = Some(self.roles.destinations.len());
        }
        self.roles.destinations.push(place);
    }

    /// "زيارة إلى روسيا والصين", "جولته التي شملت السعودية وقطر": a state named after a
    /// destination is one too, unless it is the target of something else ("رحلته إلى إسرائيل
    /// ... في أعقاب الضربات على إيران").
    fn continues_destinations(&self, m: &Mention) -> bool {
        let a = self.b.a;
        let target = m.first > 0 && matches!(a.tokens[m.first - 1].norm.as_str(), "علي" | "ضد" | "تجاه" | "عن");
        !self.roles.destinations.is_empty() && !target
    }

    fn actor(&mut self, m: &'f Mention, actor: Actor) {
        self.last_actor_end = Some(m.end);
        if m.first > self.f.pos() { self.roles.after.push((m, actor)) } else { self.roles.before.push((m, actor)) }
    }

    /// "تشمل قطر", "تشمل كذلك قيرغيزيا", "تشمل ثلاث دول هي كينيا": a word of inclusion at most
    /// four words before token `first`, with no punctuation between.
    fn after_includes(&self, first: usize) -> bool {
        self.includes_at(first).is_some()
    }

    /// The word of inclusion that `after_includes` finds before token `first`.
    fn includes_at(&self, first: usize) -> Option<usize> {
        let a = self.b.a;
        (first.saturating_sub(4).max(self.prev_end)..first)
            .rev()
            .take_while(|&k| !matches!(a.tokens[k].kind, TokenKind::Punct(_)))
            .find(|&k| a.cue(k, |c| c == Cue::Includes))
    }

    /// Where mention `m` stands, from the words between the mention read before and it.
    fn position(&self, m: &Mention) -> Position {
        let (a, f) = (self.b.a, self.f);
        let pos = f.pos();
        let no_word_between = |from: usize| (from..m.first).all(|k| !a.is_word(k));
        // "إلى العاصمة الليبية طرابلس": the cue stands before the words that introduce the
        // place ("العاصمة", "مدينة") and the adjectives between.
        // "إلى العاصمة العراقية، بغداد،": a comma may set the name apart.
        let introduces = |k: usize| {
            a.cue(k - 1, |c| c == Cue::PlaceWord) || f.mentions.iter().any(|x| x.end == k && matches!(x.kind, MentionKind::Adjective(_)))
        };
        let mut head = m.first;
        if head > self.prev_end + 1 && matches!(a.tokens[head - 1].kind, TokenKind::Punct(',' | '،')) && introduces(head - 1) {
            head -= 1;
        }
        while head > self.prev_end && introduces(head) {
            head -= 1;
        }
        // "إلى كل من بلجيكا وإيطاليا", "مع كل من", "زار كلا من": "كل من" opens a list after its cue.
        if head >= self.prev_end + 2 && a.tokens[head - 1].norm == "من" && matches!(a.tokens[head - 2].norm.as_str(), "كل" | "كلا") {
            head -= 2;
        }
        let cue_before =
            |wanted: Cue, window: usize| (head.saturating_sub(window).max(self.prev_end)..head).any(|k| a.cue(k, |c| c == wanted));
        let about_from = if m.first > pos { self.prev_end.max(pos + 1) } else { self.prev_end };
        // "نفى أنباء عن عزم الرئيس تبون القيام بزيارة": what "عن" introduces before the trigger,
        // with no punctuation up to it, is the contact, and who is named in it its side.
        let governs_trigger = m.first < pos && (m.end..pos).all(|k| !matches!(a.tokens[k].kind, TokenKind::Punct(_)));
        let about = (m.first.saturating_sub(4).max(about_from)..m.first).any(|k| a.cue(k, |c| c == Cue::About)) && !governs_trigger
            || self.topic_chain_end.is_some_and(no_word_between);
        // "بالعاصمة بكين", "للعاصمة الإريترية أسمرا": the preposition may be written on the word
        // that introduces the place.
        let head_written = |prep: &str| head < m.first && a.tokens[head].norm.trim_start_matches(['و', 'ف']).starts_with(prep);
        let on_head = head_written("بال");
        // "مقيمين بالقاهرة": where someone lives is neither where they meet nor a side.
        let resident = cue_before(Cue::Resident, 2);
        let located = (cue_before(Cue::In, 3) || m.prep == Some('ب') || on_head) && !resident;
        let towards = cue_before(Cue::To, 1) || m.prep == Some('ل') || head_written("لل");
        let chained = self.last_actor_end.is_some_and(no_word_between);
        // "زار روسيا", "يصل سلطان عمان هيثم بن طارق القاهرة": the first place after the
        // verb and its subject.
        let object_from = self.last_actor_end.filter(|&e| e > pos).unwrap_or(pos + 1);
        // "أول زيارة لمسؤول أمريكي إلى مصر منذ تنحي الرئيس مبارك": who is named after "since"
        // dates the event, and is no side of it.
        // Before the trigger, only a "منذ" of the mention's own phrase ("منذ انتخابه رئيسا
        // للصومال، وبدأها بزيارة"): none with punctuation or the trigger between.
        let since = if m.first > pos {
            (pos + 1..m.first).any(|k| a.cue(k, |c| c == Cue::Since))
        } else {
            (f.left..m.first).rev().take_while(|&k| !matches!(a.tokens[k].kind, TokenKind::Punct(_))).any(|k| a.cue(k, |c| c == Cue::Since))
        };
        let future = |k: usize| {
            a.words(k).iter().any(|w| w.future)
                || (a.cue(k, |c| c == Cue::Includes) && a.tokens[k].norm.trim_start_matches('و').starts_with('س'))
        };
        Position {
            head,
            after_future: (self.prev_end..head).any(future),
            located,
            towards,
            // Not in a list after "بين كل من".
            aside: resident || f.between.is_none() && (cue_before(Cue::At, 1) || cue_before(Cue::From, 1) || m.prep == Some('ك')),
            about,
            // "ينتقل إلى الدوحة للقاء": where the journey leads is where the purpose happens.
            journey_end: towards && f.journey.is_some_and(|k| k < m.first && m.first < pos),
            near: m.first <= pos + 3 && m.end + 3 >= pos || cue_before(Cue::With, 2) || chained,
            own_genitive: !f.t.trigger.is_verb && m.first == pos + 1,
            direct_object: f.t.trigger.takes_destination
                && m.first > pos
                && !located
                && (m.first <= pos + 3 || (object_from..head).all(|k| !a.is_word(k))),
            since,
            in_chain: f.between.as_ref().is_none_or(|c| c.iter().any(|x| std::ptr::eq(*x, m))),
            listed: self.after_includes(m.first) || self.listed_end.is_some_and(no_word_between),
            made: match self.includes_at(m.first) {
                Some(k) => a.tokens[k].norm.trim_start_matches('و').starts_with("شمل"),
                None => self.stops_made,
            },
        }
    }
}
