//! Later mentions by surname: news names a person in full once ("وزير الخارجية محمد سالم ولد
//! مرزوك") and by the end of the name after ("واستقبل ولد مرزوك اليوم السفير الفرنسي"). A
//! person introduced in full, whether the knowledge base knows them or only the title they were
//! named under, is found again by that ending, so later sentences have their actor.

use rustc_hash::FxHashMap;

use crate::extract::analysis::Analysis;
use crate::kb::Kb;
use crate::text::{is_definite, stems};

use super::raw::preposition;
use super::{Actor, Mention, MentionKind};

/// Words that start the family part of a name: "ولد مرزوك", "بن علوي", "أبو قصرة", "آل ثاني".
const PARTICLES: &[&str] = &["ولد", "بن", "ابن", "بنت", "ابو", "ال"];

/// Words that end a compound name and name no one alone: "عبد الله", "نور الدين".
const COMPOUND_ENDS: &[&str] = &["الله", "الدين", "الرحمن", "الاسلام"];

/// One person introduced in full: the ending later mentions use, where the full name ended,
/// and the mention itself.
struct Introduced<'m> {
    ending: Vec<&'m str>,
    after: usize,
    mention: &'m Mention,
}

/// `mentions` with the later mentions by surname of the people they introduce in full;
/// `titles_end` holds where each title the text writes ends ("الرئيس معصوم": a surname may
/// follow a title).
pub(super) fn with_surnames(kb: &Kb, a: &Analysis<'_>, mut mentions: Vec<Mention>, titles_end: &[usize]) -> Vec<Mention> {
    let introduced = introductions(kb, a, &mentions);
    if introduced.is_empty() {
        return mentions;
    }
    let mut covered = vec![Cover::Free; a.tokens.len()];
    for m in &mentions {
        let cover = if matches!(m.kind, MentionKind::Adjective(_)) && m.end == m.first + 1 { Cover::Adjective } else { Cover::Mention };
        covered[m.first..m.end].iter_mut().for_each(|c| *c = cover);
    }
    // By the first word of its ending, so each token is looked up once under each of its forms.
    let mut by_first: FxHashMap<&str, Vec<&Introduced>> = FxHashMap::default();
    for p in &introduced {
        by_first.entry(p.ending[0]).or_default().push(p);
    }
    let mut found = Vec::new();
    let mut i = 0;
    while i < a.tokens.len() {
        let hit = stems(&a.tokens[i].norm)
            .iter()
            .filter_map(|form| by_first.get(form))
            .flatten()
            .find(|p| p.after <= i && ending_at(a, &covered, i, &p.ending, titles_end.contains(&i)));
        match hit {
            Some(p) => {
                let end = i + p.ending.len();
                let prep = a.preposition(i, |norm| preposition(kb, norm));
                found.push(Mention { first: i, end, kind: p.mention.kind.clone(), prep, name_span: p.mention.name_span });
                i = end;
            }
            None => i += 1,
        }
    }
    if !found.is_empty() {
        // A surname read where a nationality adjective was ("استقبل السوداني": al-Sudani, not
        // "Sudanese") replaces it.
        mentions.retain(|m| !(matches!(m.kind, MentionKind::Adjective(_)) && found.iter().any(|s| s.first == m.first)));
        mentions.extend(found);
        mentions.sort_by_key(|m| m.first);
    }
    mentions
}

/// The people named in full (two words or more) and the ending each is found again by; an
/// ending two people share names neither.
fn introductions<'m>(kb: &Kb, a: &'m Analysis<'_>, mentions: &'m [Mention]) -> Vec<Introduced<'m>> {
    // Ending → the first introduction with it, or `None` once two people share it.
    let mut first: FxHashMap<Vec<&str>, Option<&Mention>> = FxHashMap::default();
    let mut order = Vec::new();
    for m in mentions {
        let country = match &m.kind {
            MentionKind::Actor(Actor::Person(p)) => Some(kb.people[*p as usize].country.as_str()),
            MentionKind::Actor(Actor::Office { named: true, country, .. }) => Some(country.as_deref().unwrap_or_default()),
            _ => None,
        };
        let Some(ending) = country.and_then(|c| ending(a, m.name_span, FAMILY_FIRST.contains(&c))) else { continue };
        match first.get_mut(&ending) {
            Some(seen) => {
                if seen.is_some_and(|p| p.kind != m.kind) {
                    *seen = None;
                }
            }
            None => {
                order.push(ending.clone());
                first.insert(ending, Some(m));
            }
        }
    }
    order
        .into_iter()
        .filter_map(|ending| {
            let mention = first[&ending]?;
            Some(Introduced { ending, after: mention.end, mention })
        })
        .collect()
}

/// States whose people's names are written family name first ("شي جين بينغ" is Xi, "مون جاي
/// إن" Moon).
const FAMILY_FIRST: &[&str] = &["CHN", "KOR", "PRK", "TWN"];

/// The ending of the full name in tokens `first..end` that a later mention may use alone: from
/// the last particle on ("ولد مرزوك"), a compound's last two words ("عبد الله"), else the last
/// word, or the first where the family name comes first (`family_first`: "شي"); never the whole
/// name, never a word the lexicon has a meaning for.
fn ending<'a>(a: &'a Analysis<'_>, (first, end): (usize, usize), family_first: bool) -> Option<Vec<&'a str>> {
    if end < first + 2 || !(first..end).all(|k| a.is_word(k)) {
        return None;
    }
    let word = |k: usize| a.tokens[k].norm.as_str();
    if family_first {
        return (a.words(first).is_empty() && word(first).chars().count() >= 2).then(|| vec![word(first)]);
    }
    let particle = (first + 1..end - 1).rev().find(|&k| PARTICLES.contains(&word(k)));
    let start = match particle {
        Some(k) => k,
        None if COMPOUND_ENDS.contains(&word(end - 1)) || matches!(word(end - 2), "عبد" | "ابو") => end - 2,
        None => end - 1,
    };
    let meaningful = (start..end).any(|k| !PARTICLES.contains(&word(k)) && !a.words(k).is_empty());
    (start > first && !meaningful && word(end - 1).chars().count() >= 3).then(|| (start..end).map(word).collect())
}

/// What a token is already part of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cover {
    Free,
    /// A nationality adjective standing alone as one word ("السوداني").
    Adjective,
    Mention,
}

/// Whether `ending`, whose first word token `i` is under one of its forms (a clitic may stand
/// on it), goes on from there, in tokens no mention covers, as a name of its own (not the end of
/// another full name: the word before has a meaning, or is a title, `titled`). A one-word ending
/// that is also a nationality adjective is the name where no definite noun before it takes the
/// adjective ("استقبل السوداني", not "الوفد السوداني").
fn ending_at(a: &Analysis<'_>, covered: &[Cover], i: usize, ending: &[&str], titled: bool) -> bool {
    let end = i + ending.len();
    let adjective_alone = ending.len() == 1 && covered[i] == Cover::Adjective && !(i > 0 && is_definite(&a.tokens[i - 1].norm));
    let free = end <= a.tokens.len() && covered[i..end].iter().all(|&c| c == Cover::Free);
    if !(free || adjective_alone) || (i > 0 && a.is_word(i - 1) && a.words(i - 1).is_empty() && !titled) {
        return false;
    }
    (1..ending.len()).all(|k| a.tokens[i + k].norm == ending[k])
}
