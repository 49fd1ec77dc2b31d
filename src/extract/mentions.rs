//! Mentions: the actors, places and states an article names, found with the knowledge base's
//! matchers and composed into units ("وزير الخارجية الأمريكي مايك بومبيو" is one actor;
//! "نظيره الروسي" a counterpart; "مسؤولون أميركيون وروس" two states' officials).

use compact_str::CompactString;

use crate::kb::{Cue, Entity, Kb, Office, PlaceKind, Title};
use crate::text::is_definite;

use super::analysis::Analysis;

/// Who an actor mention names, before dates resolve titles to people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Person(u32),
    /// A title: the holder of `office` in `country` on the event's date. Without a country,
    /// the last person mentioned who held it.
    Office {
        office: Office,
        role: CompactString,
        country: Option<CompactString>,
        deputy: bool,
        /// The holder is named right after the title, by a name the knowledge base does not
        /// know (the mention's `name_span`).
        named: bool,
    },
    /// "نظيره الروسي": whoever holds, in `country`, the office of the other side.
    Counterpart {
        country: Option<CompactString>,
    },
    /// A state acting through unnamed officials, or named for its government.
    State(CompactString),
    Organisation(u32),
}

impl Actor {
    /// Whoever holds `title`'s office in `country` (a deputy or former holder: someone of it).
    fn holder(title: &Title, country: Option<CompactString>, deputy: bool) -> Actor {
        Actor::Office { office: title.office, role: title.role_en.as_str().into(), country, deputy, named: false }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MentionKind {
    Actor(Actor),
    /// A state by name ("روسيا"): an actor, a location or a topic depending on context.
    StateName(u32),
    /// A capital or seat of power: an actor (Moscow = Russia) or a location.
    Seat(u32),
    /// A city, venue or region.
    Place(u32),
    /// A nationality adjective not attached to an actor.
    Adjective(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub first: usize,
    pub end: usize,
    pub kind: MentionKind,
    /// A preposition written on the first word: 'ب', 'ل' or 'ك'.
    pub prep: Option<char>,
    /// Where the name itself is (for `nameAr`): token range of the name part.
    pub name_span: (usize, usize),
}

#[derive(Debug, Clone)]
enum Raw {
    Entity(Vec<Entity>),
    Counterpart,
    Agent,
}

#[derive(Debug, Clone)]
struct RawMention {
    first: usize,
    end: usize,
    raw: Raw,
    prep: Option<char>,
}

/// The preposition written on a word ("بموسكو", "لليابان"), unless the letter belongs to the
/// name ("لبنان", "بيروت", "وبيروت").
fn preposition(kb: &Kb, norm: &str) -> Option<char> {
    let rest = norm.strip_prefix(['و', 'ف']).filter(|r| r.chars().count() >= 2).unwrap_or(norm);
    if kb.is_known_form(norm) || kb.is_known_form(rest) {
        return None;
    }
    rest.chars().next().filter(|c| matches!(c, 'ب' | 'ل' | 'ك'))
}

fn raw_mentions(kb: &Kb, a: &Analysis<'_>) -> Vec<RawMention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < a.tokens.len() {
        if !a.is_word(i) {
            i += 1;
            continue;
        }
        // A one-word name found by its skeleton must be a plausible spelling of it; the closest
        // spelling comes first (الكاظمي is Kadhimi before it is Koizumi).
        let opens = a.opens_phrase(i);
        let name = opens.then(|| kb.name_at(|k| a.keys(k), i)).flatten().and_then(|mut n| {
            if n.len == 1 {
                // The word before, when it is a name word no mention took (a given name).
                let given_before = i > 0 && out.last().is_none_or(|m: &RawMention| m.end < i) && a.is_name_word(kb, i - 1);
                let mut ranked: Vec<(usize, Entity)> = n
                    .entities
                    .iter()
                    .filter(|e| match e {
                        // "إبراهيم باتيل" is not Pratibha Patil: a given name before the surname
                        // that is someone else's, not theirs, names another person.
                        Entity::Person(p) => !given_before || kb.is_word_of(*p, &a.tokens[i - 1].norm),
                        _ => true,
                    })
                    .filter_map(|e| match e {
                        Entity::Person(p) => a.spelling_distance(kb, i, *p).map(|d| (d, *e)),
                        _ => Some((0, *e)),
                    })
                    .collect();
                ranked.sort_by_key(|(distance, _)| *distance);
                n.entities = ranked.into_iter().map(|(_, e)| e).collect();
            }
            (!n.entities.is_empty()).then_some(n)
        });
        let entity = opens.then(|| kb.entity_at(|k| a.keys(k), i)).flatten();
        // A state, adjective, place or title found letter for letter beats a name of the same
        // length found by its skeleton ("العراقي" is Iraqi, not عراقجي).
        let chosen = match (name, entity) {
            (Some(n), Some(e)) if e.len >= n.len => Some(e),
            (Some(n), _) => Some(n),
            (None, e) => e,
        };
        if let Some(m) = chosen {
            let len = m.len;
            // "مستشفى الملك فيصل", "مطار الملك خالد": a place named after someone.
            let named_place = i > 0 && a.cue(i - 1, |c| c == Cue::Institution);
            if named_place && m.entities.iter().all(|e| matches!(e, Entity::Person(_) | Entity::Title(_))) {
                i += len;
                continue;
            }
            out.push(RawMention {
                first: i,
                end: i + len,
                raw: Raw::Entity(m.entities),
                prep: a.preposition(i, |norm| preposition(kb, norm)),
            });
            i += len;
            continue;
        }
        if a.cue(i, |c| c == Cue::Counterpart) {
            out.push(RawMention { first: i, end: i + 1, raw: Raw::Counterpart, prep: None });
        } else if a.cue(i, |c| c == Cue::Agent) {
            out.push(RawMention { first: i, end: i + 1, raw: Raw::Agent, prep: None });
        } else if a.words(i).is_empty() && i > 0 && kb.starts_name(a.keys(i - 1)) {
            let forms = a.forms(i);
            let mut fuzzy: Vec<u32> = forms.iter().flat_map(|f| kb.fuzzy_name(&crate::text::skeleton(f))).collect();
            // The given name before must be one of theirs: "توني ويلهامسن" is not Gavin Williamson.
            fuzzy.retain(|p| a.spelling_distance(kb, i, *p).is_some() && kb.is_word_of(*p, &a.tokens[i - 1].norm));
            fuzzy.dedup();
            if let [person] = fuzzy.as_slice() {
                out.push(RawMention { first: i, end: i + 1, raw: Raw::Entity(vec![Entity::Person(*person)]), prep: None });
            }
        }
        i += 1;
    }
    out
}

/// The country an entity belongs to, if any.
fn country_of<'k>(kb: &'k Kb, e: &Entity) -> Option<&'k str> {
    Some(match e {
        Entity::State(s) | Entity::Adjective { state: s, .. } => kb.states[*s as usize].code.as_str(),
        Entity::Place(p) => kb.places[*p as usize].country.as_str(),
        Entity::Person(p) => kb.people[*p as usize].country.as_str(),
        _ => return None,
    })
}

/// A name several entries share ("عمان": Oman or Amman; "طرابلس") means the one whose country
/// the article otherwise talks about most.
fn prefer_article_countries(kb: &Kb, raw: &mut [RawMention]) {
    let mut counts: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for r in raw.iter() {
        // A mention counts when it names one country, however many entries say so
        // ("السعودية" is the state and its adjective).
        if let Raw::Entity(es) = &r.raw
            && let Some(c) = es.first().and_then(|e| country_of(kb, e))
            && es.iter().all(|e| country_of(kb, e) == Some(c))
        {
            *counts.entry(c).or_default() += 1;
        }
    }
    for r in raw.iter_mut() {
        if let Raw::Entity(es) = &mut r.raw
            && es.len() > 1
        {
            es.sort_by_key(|e| std::cmp::Reverse(country_of(kb, e).map_or(0, |c| counts.get(c).copied().unwrap_or(0))));
        }
    }
}

/// Only punctuation (and "كل من") between tokens `from` and `to`.
fn punct_gap(a: &Analysis<'_>, from: usize, to: usize) -> bool {
    to >= from && (from..to).all(|k| !a.is_word(k) || matches!(a.tokens[k].norm.as_str(), "كل" | "من"))
}

/// A word for the kind of state before its name ("جمهورية سيراليون", "ودولة قطر").
fn state_kind(word: &str) -> bool {
    matches!(word.trim_start_matches('و'), "جمهوريه" | "دوله" | "مملكه" | "سلطنه" | "اماره")
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
/// ("ومملكة البحرين ودولة قطر والمملكة الأردنية"): (first token, end token, state) each.
fn states_listed_after(kb: &Kb, a: &Analysis<'_>, raw: &[RawMention], k: usize, mut at: usize) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    for m in &raw[k.min(raw.len())..] {
        let gap_ok = (at..m.first).all(|t| state_kind(&a.tokens[t].norm)) && m.first - at <= 1;
        let joined = a.tokens.get(at).is_some_and(|t| t.norm.starts_with('و'));
        let Some(s) = genitive_state(kb, m).filter(|_| gap_ok && joined) else { break };
        out.push((m.first, m.end, s));
        at = m.end;
    }
    out
}

impl RawMention {
    /// The first of its entities `pick` accepts.
    fn pick<T>(&self, pick: impl Fn(&Entity) -> Option<T>) -> Option<T> {
        match &self.raw {
            Raw::Entity(es) => es.iter().find_map(pick),
            _ => None,
        }
    }
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

fn adjective_of(r: &RawMention) -> Option<u32> {
    r.pick(|e| if let Entity::Adjective { state, .. } = e { Some(*state) } else { None })
}

/// "نظيرها المالي": a state with no adjective of its own (مالي, whose adjective is also
/// "financial") read as one when its one-word name, which has no article, carries one.
fn article_on_name(kb: &Kb, a: &Analysis, r: &RawMention) -> Option<u32> {
    let definite = r.end == r.first + 1 && is_definite(&a.tokens[r.first].norm);
    r.pick(|e| match e {
        Entity::State(s) if definite && !kb.states[*s as usize].name_ar.starts_with("ال") => Some(*s),
        _ => None,
    })
}

/// A state named by its name, its capital or its seat of power.
fn genitive_state(kb: &Kb, r: &RawMention) -> Option<u32> {
    r.pick(|e| match e {
        Entity::State(s) => Some(*s),
        Entity::Place(p) if matches!(kb.places[*p as usize].kind, PlaceKind::Capital | PlaceKind::Seat) => {
            kb.state_id(&kb.places[*p as usize].country)
        }
        _ => None,
    })
}

fn person_of(r: &RawMention) -> Option<u32> {
    r.pick(|e| if let Entity::Person(p) = e { Some(*p) } else { None })
}

fn title_of(r: &RawMention) -> Option<u32> {
    r.pick(|e| if let Entity::Title(t) = e { Some(*t) } else { None })
}

/// The person named right after a title or "نظيره" (only punctuation or courtesy words between), as
/// (person, first token, end token). A name joined by "و" is the next item of a list, not
/// the title's holder ("الملك والسيسي": the king and Sisi), unless the و is its own
/// ("الرئيس وليد").
fn named_after(kb: &Kb, a: &Analysis<'_>, next: Option<&RawMention>, end: usize) -> Option<(u32, usize, usize)> {
    let courtesy = |k: usize| !a.is_word(k) || a.cue(k, |c| c == Cue::Honorific);
    let n = next.filter(|n| punct_gap(a, end, n.first) || (end..n.first).all(courtesy))?;
    let p = person_of(n)?;
    let first = &a.tokens[n.first].norm;
    (!first.starts_with('و') || kb.is_word_of(p, first)).then_some((p, n.first, n.end))
}

/// "وزير الداخلية التونسي خالد النوري", "السفير المصري في تونس، باسم يحيى حسن": the name of a
/// title's holder that the knowledge base does not know, as (first token, end token): after a
/// comma, a quotation mark or courtesy words, one to four words the lexicon has no meaning for, up to the next
/// mention, punctuation or word it knows. One word only when it is some person's given name;
/// a first word with the article, a conjunction or "ل" is no name ("والرئيس", "لعملية السلام").
fn unlisted_name(kb: &Kb, a: &Analysis<'_>, next: Option<&RawMention>, end: usize) -> Option<(usize, usize)> {
    let stop = next.map_or(a.tokens.len(), |n| n.first);
    let mut first = end;
    while first < stop
        && (!a.is_word(first) && matches!(a.tokens[first].norm.as_str(), "," | "\"") || a.cue(first, |c| c == Cue::Honorific))
    {
        first += 1;
    }
    // A word with a preposition on its article ("للشؤون", "بمقر المجلس" has none, "بالعاصمة")
    // is no part of a name.
    let prefixed = |k: usize| {
        let w = a.tokens[k].norm.trim_start_matches(['و', 'ف']);
        ["لل", "بال", "كال"].iter().any(|p| w.starts_with(p))
    };
    let bare = |k: usize| a.is_word(k) && a.words(k).is_empty() && !prefixed(k);
    let last = (first..stop).take_while(|&k| bare(k)).take(5).last()? + 1;
    let len = last - first;
    let opening = &a.tokens[first].norm;
    let plain_opening = !opening.starts_with(['و', 'ل']) && !opening.starts_with("ال") || a.is_name_word(kb, first);
    let ends = last == stop || !bare(last);
    (plain_opening && ends && ((2..=4).contains(&len) || len == 1 && a.is_name_word(kb, first))).then_some((first, last))
}

/// "يقوم محمد رضا رحيمي النائب الأول للرئيس الإيراني": the name of a title's holder the
/// knowledge base does not know, written before the title (from token `head`, where the title
/// and a deputy's words start), as (first token, end token): two to four words the lexicon has
/// no meaning for, after the mention that ends at `after` and nothing else, the first of them
/// some person's given name or after courtesy words ("سعادة السيد جورج فيوري رئيس مجلس الشيوخ").
fn unlisted_name_before(kb: &Kb, a: &Analysis<'_>, after: usize, head: usize) -> Option<(usize, usize)> {
    let bare = |k: usize| a.is_word(k) && a.words(k).is_empty();
    let first = (after..head).rev().take_while(|&k| bare(k)).take(5).last()?;
    let len = head - first;
    let opens = first == after || !bare(first - 1);
    let courtesy = first > 0 && a.cue(first - 1, |c| c == Cue::Honorific);
    ((2..=4).contains(&len) && opens && (courtesy || a.is_name_word(kb, first))).then_some((first, head))
}

/// Finds and composes the mentions of an analysed article, in text order.
pub fn mentions(kb: &Kb, a: &Analysis<'_>) -> Vec<Mention> {
    let mut raw = raw_mentions(kb, a);
    prefer_article_countries(kb, &mut raw);
    let mut out: Vec<Mention> = Vec::new();
    let mut j = 0;
    let next_adjacent = |j: usize, gap_ok: &dyn Fn(usize, usize) -> bool| -> Option<&RawMention> {
        let cur = &raw[j];
        raw.get(j + 1).filter(|n| gap_ok(cur.end, n.first))
    };
    let adjacent = |from: usize, to: usize| from == to;
    let punct = |from: usize, to: usize| punct_gap(a, from, to);
    // The title of the last title-derived actor, for "... والأميركي مايك بومبيو".
    let mut last_title: Option<u32> = None;
    while j < raw.len() {
        let r = &raw[j];
        let mut end = r.end;
        let mut consumed = 1;
        let mut name_span = (r.first, r.end);
        let kind = match &r.raw {
            Raw::Entity(es) => {
                if let Some(t) = title_of(r) {
                    let title = &kb.titles[t as usize];
                    // "نائب الرئيس", "النائب الأول للرئيس": an ordinal may stand between.
                    let ordinal = r.first > 1 && matches!(a.tokens[r.first - 1].norm.as_str(), "الاول" | "الثاني" | "الثالث");
                    let deputy_at = if ordinal { r.first.checked_sub(2) } else { r.first.checked_sub(1) };
                    let deputy = deputy_at.is_some_and(|k| a.cue(k, |c| c == Cue::Deputy));
                    let mut country = title.country.as_deref().map(CompactString::from);
                    // "سفراء دول بريطانيا وفرنسا", "سفير جمهورية أذربيجان", "سفراء كل من بريطانيا
                    // وفرنسا": the word "states", the kind of state or "each of" may stand between;
                    // "وزير الطاقة والمناجم الجزائري": the rest of the portfolio.
                    let portfolio = |from: usize, to: usize| {
                        to > from
                            && to - from <= 3
                            && a.tokens[from].norm.starts_with("وال")
                            && (from..to).all(|k| a.is_word(k) && a.tokens[k].norm.trim_start_matches('و').starts_with("ال"))
                    };
                    let of_states = |from: usize, to: usize| {
                        from == to
                            || portfolio(from, to)
                            || (to == from + 1
                                && (a.tokens[from].norm.trim_start_matches('و') == "دول" || state_kind(&a.tokens[from].norm)))
                            || (to == from + 2 && a.tokens[from].norm == "كل" && a.tokens[from + 1].norm == "من")
                    };
                    if let Some(n) = next_adjacent(j, &of_states)
                        && let Some(s) = adjective_of(n).or_else(|| genitive_state(kb, n))
                    {
                        // "وزراء خارجية إيران وتركيا وروسيا": one holder of the office in each.
                        let more = if adjective_of(n).is_none() { states_listed_after(kb, a, &raw, j + 2, n.end) } else { Vec::new() };
                        if !more.is_empty() && !deputy {
                            for (first, end, s) in std::iter::once((r.first, n.end, s)).chain(more.iter().copied()) {
                                let country = Some(kb.states[s as usize].code.as_str().into());
                                let kind = MentionKind::Actor(Actor::holder(title, country, false));
                                out.push(Mention { first, end, kind, prep: r.prep, name_span: (first, end) });
                            }
                            last_title = Some(t);
                            j += 2 + more.len();
                            continue;
                        }
                        country = Some(kb.states[s as usize].code.as_str().into());
                        end = n.end;
                        consumed += 1;
                    }
                    // An ambassador's host: "السفير الروسي لدى واشنطن".
                    if matches!(title.office, Office::Ambassador | Office::Envoy)
                        && let Some(n) = raw.get(j + consumed)
                        && n.first <= end + 1
                        && !a.tokens[n.first].norm.starts_with('و')
                        && genitive_state(kb, n).is_some()
                    {
                        end = n.end;
                        consumed += 1;
                    }
                    last_title = Some(t);
                    // "السابق": a former holder, never today's; "حينذاك": the holder at the time.
                    let mut former = false;
                    while a.is_word(end) && a.cues(end).any(|c| matches!(c, Cue::Former | Cue::AtTheTime)) {
                        former |= a.cue(end, |c| c == Cue::Former);
                        end += 1;
                    }
                    if let Some((p, first, last)) = named_after(kb, a, raw.get(j + consumed), end) {
                        (name_span, end, consumed) = ((first, last), last, consumed + 1);
                        MentionKind::Actor(Actor::Person(p))
                    } else if country.is_none() && a.is_name_word(kb, end) && raw.get(j + consumed).is_none_or(|n| n.first != end) {
                        // "الأمير فيصل بن بندر", "مطار الملك خالد": a title of no country before
                        // a name the knowledge base does not know is someone else, not the
                        // office's holder.
                        j += consumed;
                        continue;
                    } else if let Some(span) = country.as_ref().and_then(|_| {
                        unlisted_name(kb, a, raw.get(j + consumed), end).or_else(|| {
                            unlisted_name_before(
                                kb,
                                a,
                                j.checked_sub(1).map_or(0, |k| raw[k].end),
                                deputy_at.filter(|_| deputy).unwrap_or(r.first),
                            )
                        })
                    }) {
                        name_span = span;
                        end = end.max(span.1);
                        MentionKind::Actor(Actor::Office {
                            office: title.office,
                            role: title.role_en.as_str().into(),
                            country,
                            deputy: deputy || former,
                            named: true,
                        })
                    } else {
                        MentionKind::Actor(Actor::holder(title, country, deputy || former))
                    }
                } else if let Some(p) = person_of(r) {
                    // Apposition: "ميشال عون رئيس جمهورية لبنان"; not a title of another state,
                    // the person received ("استقبل محمد شياع السوداني السفير الياباني").
                    let own = |country: Option<&str>| country.is_none_or(|c| c == kb.people[p as usize].country);
                    let state_after = |k: usize| {
                        raw.get(k).filter(|m| m.first == raw[k - 1].end).and_then(|m| adjective_of(m).or_else(|| genitive_state(kb, m)))
                    };
                    if let Some(n) = next_adjacent(j, &punct)
                        && let Some(t) = title_of(n)
                        && !a.tokens[n.first].norm.starts_with('و')
                        && own(kb.titles[t as usize].country.as_deref())
                        && own(state_after(j + 2).map(|s| kb.states[s as usize].code.as_str()))
                    {
                        consumed += 1;
                        end = n.end;
                        if let Some(m) = raw.get(j + 2).filter(|m| m.first == n.end)
                            && (adjective_of(m).is_some() || genitive_state(kb, m).is_some())
                        {
                            consumed += 1;
                            end = m.end;
                        }
                    }
                    MentionKind::Actor(Actor::Person(p))
                } else if let Some(s) = adjective_of(r).filter(|_| reads_as_adjective(a, &raw, j)) {
                    match last_title {
                        Some(t) if a.tokens[r.first].norm.starts_with('و') && out.last().is_some_and(|m| punct_gap(a, m.end, r.first)) => {
                            let title = &kb.titles[t as usize];
                            let country = Some(kb.states[s as usize].code.as_str().into());
                            if let Some((p, first, last)) = named_after(kb, a, raw.get(j + 1), r.end) {
                                (name_span, end, consumed) = ((first, last), last, consumed + 1);
                                MentionKind::Actor(Actor::Person(p))
                            } else {
                                MentionKind::Actor(Actor::holder(title, country, false))
                            }
                        }
                        _ => MentionKind::Adjective(s),
                    }
                } else {
                    match es[0] {
                        Entity::State(s) => MentionKind::StateName(s),
                        Entity::Place(p) if matches!(kb.places[p as usize].kind, PlaceKind::Capital | PlaceKind::Seat) => {
                            MentionKind::Seat(p)
                        }
                        Entity::Place(p) => MentionKind::Place(p),
                        Entity::Organisation(o) => MentionKind::Actor(Actor::Organisation(o)),
                        _ => {
                            j += 1;
                            continue;
                        }
                    }
                }
            }
            Raw::Counterpart => {
                let mut country = None;
                if let Some(n) = next_adjacent(j, &adjacent)
                    && let Some(s) = adjective_of(n).or_else(|| article_on_name(kb, a, n))
                {
                    country = Some(kb.states[s as usize].code.as_str().into());
                    end = n.end;
                    consumed += 1;
                } else if let Some(n) = next_adjacent(j, &|from, to| in_state(a, from, to))
                    && let Some(s) = genitive_state(kb, n)
                {
                    // "بنظيره في جمهورية سيراليون تيموثي موسى كابا"; "مع نظرائه في كل من
                    // السعودية ومملكة البحرين ودولة قطر": one counterpart in each.
                    let more = states_listed_after(kb, a, &raw, j + 2, n.end);
                    if !more.is_empty() {
                        let first = (r.first, n.end, s);
                        for (first, end, s) in std::iter::once(first).chain(more.iter().copied()) {
                            let country = Some(kb.states[s as usize].code.as_str().into());
                            let kind = MentionKind::Actor(Actor::Counterpart { country });
                            out.push(Mention { first, end, kind, prep: None, name_span: (first, end) });
                        }
                        j += 2 + more.len();
                        continue;
                    }
                    country = Some(kb.states[s as usize].code.as_str().into());
                    end = n.end;
                    consumed += 1;
                }
                if let Some((p, first, last)) = named_after(kb, a, raw.get(j + consumed), end) {
                    (name_span, end, consumed) = ((first, last), last, consumed + 1);
                    MentionKind::Actor(Actor::Person(p))
                } else {
                    MentionKind::Actor(Actor::Counterpart { country })
                }
            }
            Raw::Agent => {
                // "مسؤولون أميركيون وروس", "فريقين من روسيا والولايات المتحدة"
                let mut states = Vec::new();
                let mut k = j + 1;
                let mut at = r.end;
                while let Some(n) = raw.get(k) {
                    let joined = n.first == at
                        || (states.is_empty() && n.first == at + 1 && a.tokens[at].norm == "من")
                        || (!states.is_empty() && punct_gap(a, at, n.first));
                    let Some(s) = adjective_of(n).or_else(|| genitive_state(kb, n)).filter(|_| joined) else { break };
                    states.push((s, n.first, n.end));
                    at = n.end;
                    k += 1;
                }
                for (s, first, end) in &states {
                    out.push(Mention {
                        first: *first,
                        end: *end,
                        kind: MentionKind::Actor(Actor::State(kb.states[*s as usize].code.as_str().into())),
                        prep: None,
                        name_span: (*first, *end),
                    });
                }
                j = k;
                continue;
            }
        };
        if !matches!(kind, MentionKind::Actor(Actor::Office { .. } | Actor::Person(_))) {
            last_title = None;
        }
        out.push(Mention { first: r.first, end, kind, prep: r.prep, name_span });
        j += consumed;
    }
    out
}
