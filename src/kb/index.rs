//! Phrase index: multi-word entries keyed by per-token forms, matched at a token position
//! against the stems the text's tokens may stand for; plus a one-edit index over name
//! skeletons for the spellings no list foresees (تيلرسون/تيرلسون).

use std::collections::HashMap;

/// What a matched phrase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    State(u32),
    Adjective { state: u32, plural: bool },
    Place(u32),
    Organisation(u32),
    Person(u32),
    Title(u32),
    Word(u32),
}

/// A phrase found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'k> {
    /// Length in tokens.
    pub len: usize,
    pub entities: Vec<Entity>,
    /// The key the first token matched by (its stem, without clitics).
    pub first_key: &'k str,
}

#[derive(Debug, Default)]
pub struct PhraseIndex {
    by_first: HashMap<String, Vec<(Box<[String]>, Entity)>>,
}

impl PhraseIndex {
    /// Adds a phrase given as its per-token keys.
    pub fn insert(&mut self, keys: Vec<String>, entity: Entity) {
        let mut keys = keys.into_iter();
        let Some(first) = keys.next() else { return };
        let rest: Box<[String]> = keys.collect();
        let slot = self.by_first.entry(first).or_default();
        if !slot.iter().any(|(r, e)| *r == rest && *e == entity) {
            slot.push((rest, entity));
        }
    }

    /// The longest phrase starting at token `i`, given each token's candidate keys
    /// (`None` for tokens that cannot be inside a phrase). Returns its length in tokens and
    /// every entity it names, and the key its first token matched by.
    pub fn longest_at<'k>(&self, keys: &'k [Option<Vec<String>>], i: usize) -> Option<Match<'k>> {
        let first = keys.get(i)?.as_ref()?;
        let mut best: Option<Match<'k>> = None;
        for cand in first {
            let Some(entries) = self.by_first.get(cand) else { continue };
            for (rest, entity) in entries {
                let len = 1 + rest.len();
                let fits = rest.iter().enumerate().all(|(k, key)| {
                    keys.get(i + 1 + k).and_then(|c| c.as_ref()).is_some_and(|c| c.contains(key))
                });
                if !fits {
                    continue;
                }
                match &mut best {
                    Some(m) if m.len == len => {
                        if !m.entities.contains(entity) {
                            m.entities.push(*entity);
                        }
                    }
                    Some(m) if m.len > len => {}
                    _ => best = Some(Match { len, entities: vec![*entity], first_key: cand }),
                }
            }
        }
        best
    }

    /// Whether some phrase of two or more words begins with this key.
    pub fn starts_phrase(&self, key: &str) -> bool {
        self.by_first.get(key).is_some_and(|entries| entries.iter().any(|(rest, _)| !rest.is_empty()))
    }
}

/// Single-token name skeletons reachable within one edit (deletion, insertion, substitution or
/// transposition of adjacent letters).
#[derive(Debug, Default)]
pub struct FuzzyNames {
    by_deletion: HashMap<String, Vec<(String, u32)>>,
}

/// Skeletons shorter than this are matched exactly only: short ones collide with common words.
pub const FUZZY_MIN_CHARS: usize = 5;

fn deletions(s: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len()).map(move |skip| chars.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| *c).collect())
}

/// Edit distance (insertions, deletions, substitutions, adjacent transpositions) between two
/// short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for j in 0..=b.len() {
        d[0][j] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Damerau–Levenshtein distance ≤ 1 between two short strings.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix = ra.iter().rev().zip(rb.iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&ra[..ra.len() - suffix], &rb[..rb.len() - suffix]);
    match (ma.len(), mb.len()) {
        (0, 0) | (1, 0) | (0, 1) | (1, 1) => true,
        (2, 2) => ma[0] == mb[1] && ma[1] == mb[0],
        _ => false,
    }
}

impl FuzzyNames {
    pub fn insert(&mut self, skeleton: &str, person: u32) {
        if skeleton.chars().count() < FUZZY_MIN_CHARS {
            return;
        }
        for key in std::iter::once(skeleton.to_string()).chain(deletions(skeleton)) {
            let slot = self.by_deletion.entry(key).or_default();
            if !slot.iter().any(|(s, p)| s == skeleton && *p == person) {
                slot.push((skeleton.to_string(), person));
            }
        }
    }

    /// People whose name skeleton is within one edit of `skeleton`.
    pub fn lookup(&self, skeleton: &str) -> Vec<u32> {
        let mut out = Vec::new();
        if skeleton.chars().count() < FUZZY_MIN_CHARS {
            return out;
        }
        for key in std::iter::once(skeleton.to_string()).chain(deletions(skeleton)) {
            for (name, person) in self.by_deletion.get(&key).into_iter().flatten() {
                if within_one_edit(name, skeleton) && !out.contains(person) {
                    out.push(*person);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(words: &[&[&str]]) -> Vec<Option<Vec<String>>> {
        words.iter().map(|c| Some(c.iter().map(|s| s.to_string()).collect())).collect()
    }

    #[test]
    fn longest_phrase_wins() {
        let mut idx = PhraseIndex::default();
        idx.insert(vec!["ولايات".into(), "متحده".into()], Entity::State(1));
        idx.insert(vec!["ولايات".into()], Entity::Place(9));
        let text = keys(&[&["والولايات", "الولايات", "ولايات"], &["المتحده", "متحده"], &["اليوم"]]);
        let m = idx.longest_at(&text, 0).unwrap();
        assert_eq!((m.len, m.entities, m.first_key), (2, vec![Entity::State(1)], "ولايات"));
        assert_eq!(idx.longest_at(&text, 2), None);
    }

    #[test]
    fn one_edit_covers_transpositions_and_drops() {
        assert_eq!(edit_distance("عرباوي", "عربي"), 2);
        assert_eq!(edit_distance("تيلرسون", "تليرسون"), 1);
        assert!(within_one_edit("تلرسن", "ترلسن"));
        assert!(within_one_edit("تلرسن", "تلرسين"));
        assert!(within_one_edit("تلرسن", "تلرسن"));
        assert!(!within_one_edit("تلرسن", "ترسلن"));
        let mut f = FuzzyNames::default();
        f.insert("تلرسن", 7);
        assert_eq!(f.lookup("ترلسن"), vec![7]);
        assert_eq!(f.lookup("تلسن"), Vec::<u32>::new());
    }
}
