//! Composition: raw mentions read left to right into the mentions later stages see. A title
//! takes the state, host, "former" and name written around it; a name takes its apposition;
//! "نظيره" takes its state; "مسؤولون أميركيون وروس" becomes one actor per state.

use compact_str::CompactString;

use crate::extract::analysis::Analysis;
use crate::kb::{Cue, Entity, Kb, Office, Organisation, PlaceKind};
use crate::text::is_definite;

use super::names::{conjoined, named_after, unlisted_name, unlisted_name_before};
use super::raw::{Raw, RawMention, adjective_of, article_on_name, genitive_state, person_of, state_of_locality, title_of};
use super::{Actor, Mention, MentionKind};

/// Only punctuation (and "كل من") between tokens `from` and `to`.
pub(super) fn punct_gap(a: &Analysis<'_>, from: usize, to: usize) -> bool {
    to >= from && (from..to).all(|k| !a.is_word(k) || matches!(a.tokens[k].norm.as_str(), "كل" | "من"))
}

/// A word for the kind of state before its name ("جمهورية سيراليون", "ودولة قطر").
fn state_kind(word: &str) -> bool {
    matches!(word.trim_start_matches('و'), "جمهوريه" | "دوله" | "مملكه" | "سلطنه" | "اماره")
}

/// "رئيس مجلس الشورى الإسلامي الإيراني", "رئيس المجلس الوطني الاتحادي الإماراتي": a word of
/// the institution's own name between a title and its state.
fn institution_qualifier(word: &str) -> bool {
    matches!(word, "الاسلامي" | "الوطني" | "الاتحادي" | "الشعبي" | "الاعلي" | "الفدرالي" | "الفيدرالي")
}

/// The end of the words of an envoy's standing from token `at` on ("الجديد", "المعين حديثا",
/// "المعتمد", "غير المقيم", "الدائم", "فوق العادة والمفوض"): not part of a name. "المقيم" alone
/// stays: where a resident envoy resides follows it ("المقيم بالقاهرة").
fn past_standing(a: &Analysis<'_>, mut at: usize) -> usize {
    const STANDING: [&str; 13] = [
        "الجديد",
        "الجديده",
        "المعين",
        "المعينه",
        "حديثا",
        "المعتمد",
        "المعتمده",
        "الدايم",
        "الدايمه",
        "فوق",
        "العاده",
        "المفوض",
        "والمفوض",
    ];
    let non_resident =
        |k: usize| a.tokens[k].norm == "غير" && a.is_word(k + 1) && matches!(a.tokens[k + 1].norm.as_str(), "المقيم" | "المقيمه");
    while a.is_word(at) {
        if non_resident(at) {
            at += 2;
        } else if STANDING.contains(&a.tokens[at].norm.as_str()) {
            at += 1;
        } else {
            break;
        }
    }
    at
}

/// Tokens `from..to` are "في" (or "في كل من") and at most a word for the kind of state: a
/// counterpart "in" the state named next.
fn in_state(a: &Analysis<'_>, from: usize, to: usize) -> bool {
    let words: Vec<&str> = (from..to).map(|k| a.tokens[k].norm.as_str()).collect();
    let rest = match words.as_slice() {
        ["في", "كل", "من", rest @ ..] | ["في", rest @ ..] => rest,
        _ => return false,
    };
    matches!(rest, [] | [_]) && rest.iter().all(|w| state_kind(w))
}

/// The states listed by "و" after a state that ends at token `at`, from raw mention `k` on
/// ("ومملكة البحرين ودولة قطر والمملكة الأردنية"): (first token, end token, state) each. An
/// item no list knows, between two that it does, does not end the list ("والنيجر واتشاد ومالي").
fn states_listed_after(kb: &Kb, a: &Analysis<'_>, raw: &[RawMention], k: usize, mut at: usize) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    for m in &raw[k.min(raw.len())..] {
        let and = |t: usize| a.tokens.get(t).is_some_and(|t| t.norm.starts_with('و'));
        let joined = and(at);
        let unknown_item = m.first == at + 1 && and(m.first) && a.is_word(at);
        let gap_ok = ((at..m.first).all(|t| state_kind(&a.tokens[t].norm)) || unknown_item) && m.first - at <= 1;
        let Some(s) = genitive_state(kb, m).filter(|_| gap_ok && joined) else { break };
        out.push((m.first, m.end, s));
        at = m.end;
    }
    out
}

/// Whether raw mention `j`, an adjective, reads as one. A definite word that is also a state's
/// name ("السعودية") is the adjective only where an adjective stands: right after a definite
/// word or a mention it qualifies ("الحكومة السعودية", "مدينة جدة السعودية"), or joined by و
/// to an adjective or title ("العراقية والسعودية"); elsewhere it names the state ("أعلنت
/// السعودية وإيران", "بين إيران والسعودية", "للسعودية"). An indefinite one stays the adjective
/// ("قمة ثلاثية روسية").
fn reads_as_adjective(a: &Analysis<'_>, raw: &[RawMention], j: usize) -> bool {
    let r = &raw[j];
    let definite = |k: usize| is_definite(&a.tokens[k].norm);
    if r.pick(|e| matches!(e, Entity::State(_)).then_some(())).is_none() {
        return true;
    }
    if r.prep.is_some() {
        return false;
    }
    // "زيارة رسمية إلى جيبوتي": after a preposition, a state's name, not an adjective.
    let after_preposition =
        r.first > 0 && matches!(a.tokens[r.first - 1].norm.as_str(), "الي" | "في" | "من" | "مع" | "عن" | "علي" | "بين" | "نحو" | "لدي");
    if after_preposition {
        return false;
    }
    if !definite(r.first) {
        return true;
    }
    let before = j.checked_sub(1).map(|k| &raw[k]);
    if a.tokens[r.first].norm.starts_with('و') {
        return before.is_some_and(|b| punct_gap(a, b.end, r.first) && (adjective_of(b).is_some() || title_of(b).is_some()));
    }
    match before.filter(|b| b.end == r.first) {
        // "يزور شتاينماير السعودية": after a person's name, the state he visits.
        Some(b) => b.pick(|e| matches!(e, Entity::State(_) | Entity::Person(_)).then_some(())).is_none(),
        None => r.first > 0 && a.is_word(r.first - 1) && definite(r.first - 1),
    }
}

/// Whether a title of `office` before organisation `org` names an officer of it: an officer's
/// title before any; a president's only before a body with a chair of its own ("رئيس المفوضية
/// الأوروبية", not "رئيس الاتحاد الإفريقي", a head of state chairing in turn); another (an envoy,
/// an ambassador) before a body acting as such, not a grouping whose member states meet ("وزراء
/// خارجية مجلس التعاون").
fn officer_of(office: Office, org: &Organisation) -> bool {
    match office {
        Office::Official => true,
        Office::HeadOfState | Office::HeadOfGovernment => org.own_chair,
        _ => org.members.is_empty(),
    }
}

/// A state's code, as actors carry it.
fn code(kb: &Kb, s: u32) -> CompactString {
    kb.states[s as usize].code.as_str().into()
}

/// One mention composed from raw mention `j` and the `consumed - 1` after it.
struct Composed {
    kind: MentionKind,
    end: usize,
    consumed: usize,
    name_span: (usize, usize),
}

impl Composed {
    fn single(r: &RawMention, kind: MentionKind) -> Composed {
        Composed { kind, end: r.end, consumed: 1, name_span: (r.first, r.end) }
    }
}

/// What reading one raw mention gave.
enum Step {
    One(Composed),
    /// Several mentions, already in the output; skip this many raw mentions.
    Pushed(usize),
    /// Nothing; skip this many raw mentions.
    Skip(usize),
}

/// The state or states written after a title.
enum TitleScope {
    One(TitleState),
    /// One holder in each state listed, as (first token, end token, state).
    Each(Vec<(usize, usize, u32)>),
}

/// The state a title is of, as written after it, and where the title's words end.
struct TitleState {
    country: Option<CompactString>,
    end: usize,
    consumed: usize,
}

pub(super) struct Composer<'k, 'a> {
    kb: &'k Kb,
    a: &'a Analysis<'a>,
    raw: Vec<RawMention>,
    out: Vec<Mention>,
    /// The title of the last title-derived actor, for "... والأميركي مايك بومبيو".
    last_title: Option<u32>,
    /// The state whose press wrote the article.
    home: Option<CompactString>,
}

impl<'k, 'a> Composer<'k, 'a> {
    pub(super) fn new(kb: &'k Kb, a: &'a Analysis<'a>, raw: Vec<RawMention>, home: Option<CompactString>) -> Composer<'k, 'a> {
        Composer { kb, a, raw, out: Vec::new(), last_title: None, home }
    }

    pub(super) fn compose(mut self) -> Vec<Mention> {
        let mut j = 0;
        while j < self.raw.len() {
            let step = match &self.raw[j].raw {
                Raw::Entity(_) => self.entity(j),
                Raw::Counterpart => self.counterpart(j),
                Raw::Agent => self.agents(j),
            };
            match step {
                Step::One(c) => {
                    if !matches!(c.kind, MentionKind::Actor(Actor::Office { .. } | Actor::Person(_))) {
                        self.last_title = None;
                    }
                    let r = &self.raw[j];
                    self.out.push(Mention { first: r.first, end: c.end, kind: c.kind, prep: r.prep, name_span: c.name_span });
                    j += c.consumed;
                }
                Step::Pushed(n) | Step::Skip(n) => j += n,
            }
        }
        self.out
    }

    /// One mention per state listed, as (first token, end token, state), each the actor `actor`
    /// makes of the state's code; then skip the raw mentions of the list and the one before it.
    fn one_in_each(&mut self, listed: Vec<(usize, usize, u32)>, prep: Option<char>, actor: impl Fn(CompactString) -> Actor) -> Step {
        let skip = 1 + listed.len();
        for (first, end, s) in listed {
            let kind = MentionKind::Actor(actor(code(self.kb, s)));
            self.out.push(Mention { first, end, kind, prep, name_span: (first, end) });
        }
        Step::Pushed(skip)
    }

    /// Raw mention `j` after `end`, when only what `gap_ok` accepts stands between.
    fn next_after(&self, j: usize, gap_ok: impl Fn(usize, usize) -> bool) -> Option<&RawMention> {
        let cur = &self.raw[j];
        self.raw.get(j + 1).filter(|n| gap_ok(cur.end, n.first))
    }

    fn entity(&mut self, j: usize) -> Step {
        let (kb, a) = (self.kb, self.a);
        let r = &self.raw[j];
        if let Some(t) = title_of(r) {
            return self.title(j, t);
        }
        if let Some(p) = person_of(r) {
            // "نائب ترامب", "مساعد بوتين": someone of the person's state, whose deputy or aide
            // they are, not the person.
            if r.first > 0 && a.cue(r.first - 1, |c| c == Cue::Deputy) {
                let country = Some(kb.people[p as usize].country.as_str().into());
                let kind = MentionKind::Actor(Actor::Office {
                    office: Office::Minister,
                    role: "official".into(),
                    country,
                    deputy: true,
                    named: false,
                });
                return Step::One(Composed { kind, end: r.end, consumed: 1, name_span: (r.first - 1, r.end) });
            }
            return Step::One(self.person(j, p));
        }
        if let Some(s) = adjective_of(r).filter(|_| reads_as_adjective(a, &self.raw, j)) {
            if let Some(p) = self.capital_without_its_name(j, s) {
                return Step::One(Composed::single(r, MentionKind::Seat(p)));
            }
            return Step::One(self.adjective(j, s));
        }
        let Raw::Entity(es) = &r.raw else { return Step::Skip(1) };
        let kind = match es[0] {
            Entity::State(s) => MentionKind::StateName(s),
            Entity::Place(p) if matches!(kb.places[p as usize].kind, PlaceKind::Capital | PlaceKind::Seat) => MentionKind::Seat(p),
            Entity::Place(p) => MentionKind::Place(p),
            Entity::Organisation(o) => MentionKind::Actor(Actor::Organisation(o)),
            _ => return Step::Skip(1),
        };
        Step::One(Composed::single(r, kind))
    }

    /// A title and what is written around it: its state, an ambassador's host, "السابق", and
    /// its holder's name.
    fn title(&mut self, j: usize, t: u32) -> Step {
        let (kb, a) = (self.kb, self.a);
        let r = &self.raw[j];
        let title = &kb.titles[t as usize];
        // "نائب الرئيس", "النائب الأول للرئيس": an ordinal may stand between.
        let ordinal = r.first > 1 && matches!(a.tokens[r.first - 1].norm.as_str(), "الاول" | "الثاني" | "الثالث");
        let deputy_at = if ordinal { r.first.checked_sub(2) } else { r.first.checked_sub(1) };
        let deputy = deputy_at.is_some_and(|k| a.cue(k, |c| c == Cue::Deputy));
        let TitleState { mut country, mut end, mut consumed } = match self.title_scope(j, deputy) {
            TitleScope::One(state) => state,
            TitleScope::Each(listed) => {
                self.last_title = Some(t);
                return self.one_in_each(listed, r.prep, |country| Actor::holder(title, Some(country), false));
            }
        };
        let head = deputy_at.filter(|_| deputy).unwrap_or(self.raw[j].first);
        if country.is_none()
            && let Some(official) = self.official(j, t, head, end, consumed)
        {
            self.last_title = Some(t);
            return official;
        }
        if title.office == Office::Official && country.is_none() {
            return Step::Skip(consumed);
        }
        let r = &self.raw[j];
        // An ambassador's standing and host: "السفير الروسي لدى واشنطن", "سفير سوريا الجديد
        // لدى الكويت", "مندوب ليبيا الدائم لدى جامعة الدول العربية", "لدى الكويت السفير أيمن
        // سوسان" (the title said again before the name).
        if matches!(title.office, Office::Ambassador | Office::Envoy) {
            end = past_standing(a, end);
            if let Some(host_end) = self.host_after(j + consumed, end) {
                end = past_standing(a, host_end);
                consumed += 1;
            }
            if let Some(n) = self.raw.get(j + consumed)
                && !a.cue(r.first, |c| c == Cue::PluralTitle)
                && n.first == end
                && title_of(n).is_some_and(|again| kb.titles[again as usize].office == title.office)
            {
                end = n.end;
                consumed += 1;
            }
        }
        // "المبعوث الخاص للرئيس الأميركي": whose envoy it is (of the principal's state), not
        // someone met.
        if title.office == Office::Envoy
            && let Some(n) = self.raw.get(j + consumed)
            && n.first == end
            && n.prep == Some('ل')
            && title_of(n).is_some()
            && let TitleScope::One(principal) = self.title_scope(j + consumed, false)
            && principal.country.is_some()
        {
            country = country.or(principal.country);
            end = principal.end;
            consumed += principal.consumed;
        }
        self.last_title = Some(t);
        // "السابق": a former holder, never today's; "حينذاك": the holder at the time.
        let mut former = false;
        while a.is_word(end) && a.cues(end).any(|c| matches!(c, Cue::Former | Cue::AtTheTime)) {
            former |= a.cue(end, |c| c == Cue::Former);
            end += 1;
        }
        let next = self.raw.get(j + consumed);
        if let Some((p, first, last)) = named_after(kb, a, next, end) {
            // "مايك بينس، نائب الرئيس الأمريكي، دونالد ترامب": a deputy's title set beside the
            // person it describes names, after it, whose deputy that is: no one met.
            if deputy && self.beside_a_person(j, head) {
                return Step::Skip(consumed + 1);
            }
            // "والسفير الفلسطيني سمير الرفاعي": a name the lists give someone of another state,
            // after a title of this one, is a namesake of this state.
            if let Some(c) = country.as_ref().filter(|c| **c != kb.people[p as usize].country) {
                let kind = Actor::Office {
                    office: title.office,
                    role: title.role_en.as_str().into(),
                    country: Some(c.clone()),
                    deputy,
                    named: true,
                };
                return Step::One(Composed { kind: MentionKind::Actor(kind), end: last, consumed: consumed + 1, name_span: (first, last) });
            }
            return Step::One(Composed {
                kind: MentionKind::Actor(Actor::Person(p)),
                end: last,
                consumed: consumed + 1,
                name_span: (first, last),
            });
        }
        // "وزير الإعلام حمزة المصطفى" in a national agency's report: one person's title of no
        // country (not a head of state's or a prince's, which name royals and places: "الأمير
        // فيصل بن بندر", "مطار الملك خالد") before a name the knowledge base does not know is
        // of the state whose press wrote it.
        let singular = !a.cue(r.first, |c| c == Cue::PluralTitle);
        let implied = match &country {
            None if singular && !matches!(title.office, Office::HeadOfState | Office::CrownPrince) => {
                self.listed_state(r.first).or_else(|| self.home.clone())
            }
            _ => None,
        };
        if country.is_none() && implied.is_none() && a.is_name_word(kb, end) && next.is_none_or(|n| n.first != end) {
            // A title of no country before a name the knowledge base does not know is someone
            // else, not the office's holder.
            return Step::Skip(consumed);
        }
        let unlisted = country.as_ref().or(implied.as_ref()).and_then(|_| self.unlisted_holder(j, next, end, head));
        // An implied state needs a name that reads as one: a given name first, or courtesy
        // words before it (not a quotation: "وزير الخارجية \"تتصل بأواصر").
        let reads_as_name =
            |(first, _): (usize, usize)| a.is_name_word(kb, first) || first > 0 && a.cue(first - 1, |c| c == Cue::Honorific);
        let unlisted = unlisted.filter(|&span| country.is_some() || reads_as_name(span));
        let country = if unlisted.is_some() { country.or(implied) } else { country };
        let deputy = deputy || former;
        Step::One(match unlisted {
            Some(span) => {
                let kind = MentionKind::Actor(Actor::Office {
                    office: title.office,
                    role: title.role_en.as_str().into(),
                    country,
                    deputy,
                    named: true,
                });
                Composed { kind, end: end.max(span.1), consumed, name_span: span }
            }
            None => {
                Composed { kind: MentionKind::Actor(Actor::holder(title, country, deputy)), end, consumed, name_span: (r.first, r.end) }
            }
        })
    }

    /// Whether the title that is raw mention `j`, with its words from token `head` on, stands
    /// beside a person the knowledge base knows, after a comma ("مايك بينس، نائب الرئيس"): it says
    /// who that person is.
    fn beside_a_person(&self, j: usize, head: usize) -> bool {
        let a = self.a;
        j > 0
            && person_of(&self.raw[j - 1]).is_some()
            && self.raw[j - 1].end + 1 == head
            && (a.tokens[head - 1].is_punct(',') || a.tokens[head - 1].is_punct('،'))
    }

    /// The name, unknown to the knowledge base, of the holder of the title that is raw mention
    /// `j`: after the title's words (which end at `end`), else before them (from `head`).
    fn unlisted_holder(&self, j: usize, next: Option<&RawMention>, end: usize, head: usize) -> Option<(usize, usize)> {
        unlisted_name(self.kb, self.a, next, end).or_else(|| {
            let after = j.checked_sub(1).map_or(0, |k| self.raw[k].end);
            unlisted_name_before(self.kb, self.a, after, head)
        })
    }

    /// Where the ambassador or officer whose title ends at token `end` serves, when raw mention
    /// `k` names it right after ("لدى واشنطن", "لليمن", "في العراق"): where that ends.
    fn host_after(&self, k: usize, end: usize) -> Option<usize> {
        let n = self.raw.get(k)?;
        let host = genitive_state(self.kb, n).is_some() || n.pick(|e| matches!(e, Entity::Organisation(_)).then_some(())).is_some();
        (n.first <= end + 1 && !self.a.tokens[n.first].norm.starts_with('و') && host).then_some(n.end)
    }

    /// The organisation title `t`, ending at token `end`, makes its holder an officer of: the one
    /// the title carries ("المبعوث الأممي"), else the one named after it from raw mention `k` on
    /// (`organisation_after`).
    fn post_of(&self, t: u32, k: usize, end: usize) -> Option<(u32, usize, usize)> {
        let title = &self.kb.titles[t as usize];
        match title.organisation {
            Some(o) => Some((o, end, 0)),
            None => self.organisation_after(k, end, title.office),
        }
    }

    /// The organisation named right after a title of `office` that ends at token `end`, from raw
    /// mention `k` on ("لمجلس التعاون", "الأمم المتحدة", "للأمين العام للأمم المتحدة": the title
    /// of its head between), when the title names an officer of it: (organisation, end token, raw
    /// mentions read).
    fn organisation_after(&self, k: usize, end: usize, office: Office) -> Option<(u32, usize, usize)> {
        let n = self.raw.get(k).filter(|n| n.first == end && matches!(n.prep, None | Some('ل')))?;
        if let Some(o) = n.pick(|e| if let Entity::Organisation(o) = e { Some(*o) } else { None }) {
            return officer_of(office, &self.kb.organisations[o as usize]).then_some((o, n.end, 1));
        }
        title_of(n).filter(|&t| self.kb.titles[t as usize].office == Office::Official)?;
        self.organisation_after(k + 1, n.end, Office::Official).map(|(o, e, read)| (o, e, read + 1))
    }

    /// "الأمين العام لمجلس التعاون لدول الخليج العربية الدكتور نايف فلاح الحجرف", "مبعوث الأمم
    /// المتحدة لليمن إسماعيل ولد الشيخ أحمد", "المبعوث الخاص للأمين العام للأمم المتحدة": a
    /// title of no state before an organisation names an officer of it, who is of no state,
    /// with where they serve and their name (known or not) after. Right after another title and
    /// its state ("رئيس وزراء بلجيكا رئيس الاتحاد الأوروبي"), it is a second post of the
    /// person that title names, who stays of their state: the words are skipped.
    fn official(&self, j: usize, t: u32, head: usize, end: usize, consumed: usize) -> Option<Step> {
        let (kb, a) = (self.kb, self.a);
        let title = &kb.titles[t as usize];
        let (organisation, mut end, read) = self.post_of(t, j + consumed, end)?;
        let mut consumed = consumed + read;
        if let Some(host_end) = self.host_after(j + consumed, end) {
            end = host_end;
            consumed += 1;
        }
        // A title joined by "و" is the next item of a list, not a second post ("رئيس البرلمان
        // المصري علي عبد العال والأمين العام لجامعة الدول العربية").
        let second_post = !conjoined(&a.tokens[self.raw[j].first].norm)
            && self.out.last().is_some_and(|m| {
                m.end == self.raw[j].first
                    && matches!(m.kind, MentionKind::Actor(Actor::Person(_) | Actor::Office { country: Some(_), .. }))
            });
        if second_post {
            return Some(Step::Skip(consumed));
        }
        let next = self.raw.get(j + consumed);
        let official =
            |person, named| MentionKind::Actor(Actor::Official { organisation, role: title.role_en.as_str().into(), person, named });
        if let Some((p, first, last)) = named_after(kb, a, next, end) {
            return Some(Step::One(Composed {
                kind: official(Some(p), false),
                end: last,
                consumed: consumed + 1,
                name_span: (first, last),
            }));
        }
        Some(Step::One(match self.unlisted_holder(j, next, end, head) {
            Some(span) => Composed { kind: official(None, true), end: end.max(span.1), consumed, name_span: span },
            None => Composed { kind: official(None, false), end, consumed, name_span: (self.raw[j].first, self.raw[j].end) },
        }))
    }

    /// The state of the person listed before a title coordinated to them at token `first`
    /// ("بحضور وزير الدفاع خلوصي آكار، ووزير الطاقة والموارد الطبيعية فاتح دونماز، ووزير التجارة
    /// محمد موش"): the members of one delegation are of one state, whatever press writes it. The
    /// list runs back over coordinated titles of no state to the last person of one.
    fn listed_state(&self, first: usize) -> Option<CompactString> {
        let a = self.a;
        let coordinated = |k: usize| a.tokens[k].norm.starts_with('و');
        let same_sentence = |from: usize, to: usize| (from..to).all(|k| !a.tokens[k].is_punct('.'));
        if !coordinated(first) {
            return None;
        }
        let mut at = first;
        for m in self.out.iter().rev() {
            if m.end > at || !same_sentence(m.end, at) {
                return None;
            }
            match &m.kind {
                MentionKind::Actor(Actor::Person(p)) => return Some(self.kb.people[*p as usize].country.as_str().into()),
                MentionKind::Actor(Actor::Office { country: Some(c), named: true, .. }) => return Some(c.clone()),
                MentionKind::Actor(Actor::Office { country: None, .. }) if coordinated(m.first) => at = m.first,
                _ => return None,
            }
        }
        None
    }

    /// The state written after title `t` (raw mention `j`): "السفير الروسي", "سفير جمهورية
    /// أذربيجان", "سفراء دول بريطانيا وفرنسا", "سفراء كل من بريطانيا وفرنسا", "وزير الطاقة
    /// والمناجم الجزائري" (the rest of the portfolio between); several states listed
    /// ("وزراء خارجية إيران وتركيا وروسيا") give one holder in each.
    fn title_scope(&self, j: usize, deputy: bool) -> TitleScope {
        let (kb, a) = (self.kb, self.a);
        let r = &self.raw[j];
        let title = title_of(r).map(|t| &kb.titles[t as usize]);
        // A minister's portfolio may run on past the words the title was found by ("وزير
        // التعليم العالي والبحث العلمي الكوبي", "وزير الشباب والرياضة"): definite words that
        // are no verb and no cue but a topic's ("البحث العلمي" is research, not talks).
        let minister = title.is_some_and(|t| matches!(t.office, Office::Minister | Office::ForeignMinister | Office::DefenceMinister));
        let portfolio_word = |k: usize| {
            a.is_word(k)
                && a.tokens[k].norm.trim_start_matches('و').starts_with("ال")
                && a.trigger(k).is_none_or(|(t, _)| !t.is_verb)
                && a.cues(k).all(|c| c == Cue::About)
        };
        let portfolio = |from: usize, to: usize| {
            to > from
                && if minister {
                    to - from <= 4 && (from..to).all(portfolio_word)
                } else {
                    to - from <= 3
                        && a.tokens[from].norm.starts_with("وال")
                        && (from..to).all(|k| a.is_word(k) && a.tokens[k].norm.trim_start_matches('و').starts_with("ال"))
                }
        };
        let of_states = |from: usize, to: usize| {
            from == to
                || portfolio(from, to)
                || (to == from + 1
                    && (a.tokens[from].norm.trim_start_matches('و') == "دول"
                        || state_kind(&a.tokens[from].norm)
                        || institution_qualifier(&a.tokens[from].norm)))
                || (to == from + 2 && institution_qualifier(&a.tokens[from].norm) && institution_qualifier(&a.tokens[from + 1].norm))
                || (to == from + 2 && a.tokens[from].norm == "كل" && a.tokens[from + 1].norm == "من")
        };
        let own = TitleState { country: title.and_then(|t| t.country.as_deref()).map(CompactString::from), end: r.end, consumed: 1 };
        let Some(n) = self.next_after(j, of_states) else { return TitleScope::One(own) };
        let genitive = genitive_state(kb, n).or_else(|| (n.first == r.end).then(|| state_of_locality(kb, n)).flatten());
        let Some(s) = adjective_of(n).or(genitive) else { return TitleScope::One(own) };
        let more = if adjective_of(n).is_none() { states_listed_after(kb, a, &self.raw, j + 2, n.end) } else { Vec::new() };
        if more.is_empty() || deputy {
            return TitleScope::One(TitleState { country: Some(code(kb, s)), end: n.end, consumed: 2 });
        }
        TitleScope::Each(std::iter::once((r.first, n.end, s)).chain(more).collect())
    }

    /// "ميشال عون رئيس جمهورية لبنان": a name and the title in apposition after it, unless the
    /// title is another state's (the person received: "استقبل محمد شياع السوداني السفير
    /// الياباني").
    fn person(&self, j: usize, p: u32) -> Composed {
        let (kb, a) = (self.kb, self.a);
        let r = &self.raw[j];
        let mut c = Composed::single(r, MentionKind::Actor(Actor::Person(p)));
        let own = |country: Option<&str>| country.is_none_or(|c| c == kb.people[p as usize].country);
        let state_after = |k: usize| {
            self.raw.get(k).filter(|m| m.first == self.raw[k - 1].end).and_then(|m| adjective_of(m).or_else(|| genitive_state(kb, m)))
        };
        if let Some(n) = self.next_after(j, |from, to| punct_gap(a, from, to))
            && let Some(t) = title_of(n)
            && !a.tokens[n.first].norm.starts_with('و')
            && own(kb.titles[t as usize].country.as_deref())
            && own(state_after(j + 2).map(|s| kb.states[s as usize].code.as_str()))
        {
            c.consumed += 1;
            c.end = n.end;
            let title = &kb.titles[t as usize];
            if let Some(m) = self.raw.get(j + 2).filter(|m| m.first == n.end)
                && (adjective_of(m).is_some() || genitive_state(kb, m).is_some())
            {
                c.consumed += 1;
                c.end = m.end;
            } else if let Some((organisation, end, read)) = self.post_of(t, j + 2, n.end) {
                // "إسماعيل ولد الشيخ أحمد المبعوث الخاص للأمين العام للأمم المتحدة": an officer.
                let role = title.role_en.as_str().into();
                c.kind = MentionKind::Actor(Actor::Official { organisation, role, person: Some(p), named: false });
                c.consumed += read;
                c.end = end;
            }
        }
        c
    }

    /// A nationality adjective: "... والأميركي مايك بومبيو" continues a list of the last
    /// title's holders; otherwise the adjective alone.
    fn adjective(&self, j: usize, s: u32) -> Composed {
        let (kb, a) = (self.kb, self.a);
        let r = &self.raw[j];
        let listed = self
            .last_title
            .filter(|_| a.tokens[r.first].norm.starts_with('و') && self.out.last().is_some_and(|m| punct_gap(a, m.end, r.first)));
        let Some(t) = listed else {
            return self.named_by_adjective(j, s).unwrap_or_else(|| Composed::single(r, MentionKind::Adjective(s)));
        };
        if let Some((p, first, last)) = named_after(kb, a, self.raw.get(j + 1), r.end) {
            return Composed { kind: MentionKind::Actor(Actor::Person(p)), end: last, consumed: 2, name_span: (first, last) };
        }
        let country = Some(code(kb, s));
        Composed::single(r, MentionKind::Actor(Actor::holder(&kb.titles[t as usize], country, false)))
    }

    /// "أوراق اعتماد الإيراني مهدي سبحاني والفلسطيني سمير الرفاعي": a definite nationality adjective
    /// that stands as a noun (no definite noun before it for it to describe: a word the lexicon has no
    /// meaning for, which no mention ends with) right before a name is
    /// someone of its state. A name the lists give to someone of another state is a namesake
    /// (Jordan's Samir Rifai is not Palestine's ambassador); one of its own state stays that person.
    fn named_by_adjective(&self, j: usize, s: u32) -> Option<Composed> {
        let (kb, a) = (self.kb, self.a);
        let r = &self.raw[j];
        let before = r.first.checked_sub(1);
        let described = before.is_some_and(|k| {
            a.is_word(k)
                && is_definite(a.tokens[k].norm.trim_start_matches('و'))
                && a.words(k).is_empty()
                && self.out.last().is_none_or(|m| m.end != r.first)
        });
        if described || r.end != r.first + 1 || !is_definite(a.tokens[r.first].norm.trim_start_matches('و')) {
            return None;
        }
        let country = code(kb, s);
        let next = self.raw.get(j + 1).filter(|n| n.first == r.end);
        let (name_span, consumed) = match next.and_then(person_of) {
            Some(p) if kb.people[p as usize].country != country => ((r.end, next?.end), 2),
            Some(_) => return None,
            None => {
                let span =
                    unlisted_name(kb, a, self.raw.get(j + 1), r.end).filter(|&(first, _)| first == r.end && a.is_name_word(kb, first))?;
                (span, 1)
            }
        };
        Some(Composed { kind: MentionKind::Actor(Actor::Unlisted(country)), end: name_span.1, consumed, name_span })
    }

    /// "إلى العاصمة العراقية" with no city named after it: the capital of the adjective's state
    /// (with one, "العاصمة العراقية، بغداد", the city is the place).
    fn capital_without_its_name(&self, j: usize, s: u32) -> Option<u32> {
        let (kb, a) = (self.kb, self.a);
        let r = &self.raw[j];
        if r.first == 0 || !a.cue(r.first - 1, |c| c == Cue::CapitalWord) {
            return None;
        }
        let city_after = self.next_after(j, |from, to| punct_gap(a, from, to)).is_some_and(|n| {
            n.pick(|e| {
                matches!(e, Entity::Place(p) if matches!(kb.places[*p as usize].kind, PlaceKind::Capital | PlaceKind::City)).then_some(())
            })
            .is_some()
        });
        kb.capital(&code(kb, s)).filter(|_| !city_after)
    }

    /// "نظيره الروسي", "بنظيره في جمهورية سيراليون تيموثي موسى كابا", "مع نظرائه في كل من
    /// السعودية ومملكة البحرين ودولة قطر" (one counterpart in each).
    fn counterpart(&mut self, j: usize) -> Step {
        let (kb, a) = (self.kb, self.a);
        let r = &self.raw[j];
        let (mut country, mut end, mut consumed) = (None, r.end, 1);
        if let Some(n) = self.next_after(j, |from, to| from == to)
            && let Some(s) = adjective_of(n).or_else(|| article_on_name(kb, a, n))
        {
            (country, end, consumed) = (Some(code(kb, s)), n.end, 2);
        } else if let Some(n) = self.next_after(j, |from, to| in_state(a, from, to))
            && let Some(s) = genitive_state(kb, n)
        {
            let more = states_listed_after(kb, a, &self.raw, j + 2, n.end);
            if !more.is_empty() {
                let listed = std::iter::once((r.first, n.end, s)).chain(more).collect();
                return self.one_in_each(listed, None, |country| Actor::Counterpart { country: Some(country), named: false });
            }
            (country, end, consumed) = (Some(code(kb, s)), n.end, 2);
        }
        let r = &self.raw[j];
        if let Some((p, first, last)) = named_after(kb, a, self.raw.get(j + consumed), end) {
            return Step::One(Composed {
                kind: MentionKind::Actor(Actor::Person(p)),
                end: last,
                consumed: consumed + 1,
                name_span: (first, last),
            });
        }
        // Words no list knows before a word it does ("خوسي مانويل ألباريس") are part of a name
        // the list knows otherwise, not all of one; and the name has a word of some person's
        // name ("مباحثاته مع نظيره الغيني اهتمت بعدد" goes on with a verb).
        let next = self.raw.get(j + consumed);
        if country.is_some()
            && let Some(span) = unlisted_name(kb, a, next, end)
            && next.is_none_or(|n| n.first > span.1)
            && (span.0..span.1).any(|k| a.is_name_word(kb, k))
        {
            let kind = MentionKind::Actor(Actor::Counterpart { country, named: true });
            return Step::One(Composed { kind, end: span.1, consumed, name_span: span });
        }
        let kind = MentionKind::Actor(Actor::Counterpart { country, named: false });
        Step::One(Composed { kind, end, consumed, name_span: (r.first, r.end) })
    }

    /// "مسؤولون أميركيون وروس", "فريقين من روسيا والولايات المتحدة": one state actor each.
    fn agents(&mut self, j: usize) -> Step {
        let (kb, a) = (self.kb, self.a);
        let mut states: Vec<(usize, usize, u32)> = Vec::new();
        let mut k = j + 1;
        let mut at = self.raw[j].end;
        // "وفد أمني مصري", "الوفد البرلماني العراقي": up to three adjectives of relation that
        // describe the agent (none the lexicon has a meaning for) may stand before its nationality
        // adjective; "وفد رفيع المستوى من مصر": its standing before "من" and a state's name.
        let describing = |from: usize, n: &RawMention| {
            let len = n.first.saturating_sub(from);
            let word = |k: usize| a.tokens[k].norm.as_str();
            if (3..=4).contains(&len) && [word(n.first - 3), word(n.first - 2), word(n.first - 1)] == ["رفيع", "المستوي", "من"]
            {
                return true;
            }
            let relation = |w: &str| ["ي", "يه", "يا", "يين", "يون"].iter().any(|end| w.ends_with(end));
            (1..=3).contains(&len)
                && adjective_of(n).is_some()
                && (from..n.first).all(|k| a.is_word(k) && a.words(k).is_empty() && relation(word(k)))
        };
        while let Some(n) = self.raw.get(k) {
            let joined = n.first == at
                || (states.is_empty() && n.first == at + 1 && a.tokens[at].norm == "من")
                || (states.is_empty() && describing(at, n))
                || (!states.is_empty() && punct_gap(a, at, n.first));
            let Some(s) = adjective_of(n).or_else(|| genitive_state(kb, n)).filter(|_| joined) else { break };
            states.push((n.first, n.end, s));
            at = n.end;
            k += 1;
        }
        // The agent word itself, then the states: one more than the list.
        self.one_in_each(states, None, Actor::State)
    }
}
