//! Phrase index: multi-word entries keyed by per-token forms, matched at a token position
//! against the stems the text's tokens may stand for; plus a one-edit index over name
//! skeletons for the spellings no list foresees (تيلرسون/تيرلسون).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

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
pub struct Match {
    /// Length in tokens.
    pub len: usize,
    pub entities: Vec<Entity>,
}

/// The strings the matchers use, interned: normalised forms ("روسيا", "لافروف") and, in a
/// namespace of their own, name skeletons ("لفرف"). Ids never repeat across the two, so one
/// list of ids per text token serves every index.
#[derive(Debug, Default)]
pub struct Vocabulary {
    forms: HashMap<Box<str>, u32>,
    skeletons: HashMap<Box<str>, u32>,
}

impl Vocabulary {
    fn next_id(&self) -> u32 {
        (self.forms.len() + self.skeletons.len()) as u32
    }

    /// The id of a normalised form, interned if new.
    pub fn form_id(&mut self, form: &str) -> u32 {
        let next = self.next_id();
        *self.forms.entry(form.into()).or_insert(next)
    }

    /// The id of a name skeleton, interned if new.
    pub fn skeleton_id(&mut self, skeleton: &str) -> u32 {
        let next = self.next_id();
        *self.skeletons.entry(skeleton.into()).or_insert(next)
    }

    /// The id of a form some entry uses.
    pub fn form(&self, form: &str) -> Option<u32> {
        self.forms.get(form).copied()
    }

    /// The id of a skeleton some name uses.
    pub fn skeleton(&self, skeleton: &str) -> Option<u32> {
        self.skeletons.get(skeleton).copied()
    }
}

/// Multi-word phrases over interned token keys: the text side looks each candidate form up
/// once and matches by number. Ids are dense, so phrases are found by their first key with
/// an array index rather than a hash probe.
#[derive(Debug, Default)]
pub struct PhraseIndex {
    /// By first key id: the phrases that start with it.
    by_first: Vec<Vec<Entry>>,
    /// One bit per key id: whether some phrase starts with it. Most text keys start none; this
    /// small bit set answers that without touching `by_first`.
    starts: Vec<u64>,
    /// Every key some phrase uses, at any position.
    used: HashSet<u32>,
}

/// A phrase's remaining token keys after the first, and what it names.
type Entry = (Box<[u32]>, Entity);

impl PhraseIndex {
    /// Whether some phrase uses this key at any position.
    pub fn uses(&self, key: u32) -> bool {
        self.used.contains(&key)
    }

    /// Adds a phrase given as its per-token key ids.
    pub fn insert(&mut self, keys: &[u32], entity: Entity) {
        let Some((&first, rest)) = keys.split_first() else { return };
        self.used.extend(keys);
        let first = first as usize;
        if self.by_first.len() <= first {
            self.by_first.resize_with(first + 1, Vec::new);
        }
        if self.starts.len() <= first / 64 {
            self.starts.resize(first / 64 + 1, 0);
        }
        self.starts[first / 64] |= 1 << (first % 64);
        let slot = &mut self.by_first[first];
        if !slot.iter().any(|(r, e)| **r == *rest && *e == entity) {
            slot.push((rest.into(), entity));
        }
    }

    /// The longest phrase of at least `min_len` tokens starting at token `i`, given each
    /// token's candidate key ids (`keys(k)` is empty past the end of the text). Returns its
    /// length in tokens and every entity it names.
    pub fn longest_at<'k>(&self, keys: impl Fn(usize) -> &'k [u32], i: usize, min_len: usize) -> Option<Match> {
        let mut best: Option<Match> = None;
        for cand in keys(i) {
            if !self.starts(*cand) {
                continue;
            }
            let entries = &self.by_first[*cand as usize];
            for (rest, entity) in entries {
                let len = 1 + rest.len();
                if len < min_len
                    || best.as_ref().is_some_and(|m| m.len > len)
                    || !rest.iter().enumerate().all(|(k, key)| keys(i + 1 + k).contains(key))
                {
                    continue;
                }
                match &mut best {
                    Some(m) if m.len == len => {
                        if !m.entities.contains(entity) {
                            m.entities.push(*entity);
                        }
                    }
                    _ => best = Some(Match { len, entities: vec![*entity] }),
                }
            }
        }
        best
    }

    /// Whether some phrase begins with this key id.
    pub fn starts(&self, key: u32) -> bool {
        let key = key as usize;
        self.starts.get(key / 64).is_some_and(|bits| bits & (1 << (key % 64)) != 0)
    }

    /// Whether some phrase of two or more words begins with this key id.
    pub fn starts_phrase(&self, id: u32) -> bool {
        self.by_first.get(id as usize).is_some_and(|entries| entries.iter().any(|(rest, _)| !rest.is_empty()))
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

/// Visits the keys a skeleton is filed under and looked up by: the skeleton, then the skeleton
/// without each of its characters in turn (built in one buffer).
fn visit_keys(skeleton: &str, mut visit: impl FnMut(&str)) {
    visit(skeleton);
    let mut key = String::with_capacity(skeleton.len());
    for (i, c) in skeleton.char_indices() {
        key.clear();
        key.push_str(&skeleton[..i]);
        key.push_str(&skeleton[i + c.len_utf8()..]);
        visit(&key);
    }
}

/// The longest word (in characters) `edit_distance` compares without allocating.
pub const SHORT_WORD: usize = 32;

/// Edit distance (insertions, deletions, substitutions, adjacent transpositions) between two
/// short words given as characters, over three rolling rows of the usual table (on the stack
/// when `b` has at most `SHORT_WORD` characters). Transliterations add or drop a long vowel
/// (ترامب/ترمب) but do not trade one for another: such a substitution costs two ("أوروبي" is
/// not "أوريبي").
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    if width <= SHORT_WORD + 1 {
        distance_in_rows(a, b, &mut [0; 3 * (SHORT_WORD + 1)])
    } else {
        distance_in_rows(a, b, &mut vec![0; 3 * width])
    }
}

fn substitution_cost(a: char, b: char) -> usize {
    let long_vowel = |c: char| matches!(c, 'ا' | 'و' | 'ي');
    match (a == b, long_vowel(a) && long_vowel(b)) {
        (true, _) => 0,
        (false, true) => 2,
        (false, false) => 1,
    }
}

/// `edit_distance` in `rows`, at least three rows of `b.len() + 1` cells.
fn distance_in_rows(a: &[char], b: &[char], rows: &mut [usize]) -> usize {
    let width = b.len() + 1;
    // Where each row starts in `rows`: two rows back, the previous row, this row.
    let (mut two_back, mut previous, mut now) = (0, width, 2 * width);
    for j in 0..width {
        rows[previous + j] = j;
    }
    let mut before = None;
    for (i, &ca) in a.iter().enumerate() {
        rows[now] = i + 1;
        for j in 1..width {
            let cost = substitution_cost(ca, b[j - 1]);
            let mut best = (rows[previous + j] + 1).min(rows[now + j - 1] + 1).min(rows[previous + j - 1] + cost);
            if j > 1 && before == Some(b[j - 1]) && ca == b[j - 2] {
                best = best.min(rows[two_back + j - 2] + 1);
            }
            rows[now + j] = best;
        }
        (two_back, previous, now) = (previous, now, two_back);
        before = Some(ca);
    }
    rows[previous + width - 1]
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
        visit_keys(skeleton, |key| {
            let slot = self.by_deletion.entry(key.to_string()).or_default();
            if !slot.iter().any(|(s, p)| s == skeleton && *p == person) {
                slot.push((skeleton.to_string(), person));
            }
        });
    }

    /// People whose name skeleton is within one edit of `skeleton`.
    pub fn lookup(&self, skeleton: &str) -> Vec<u32> {
        let mut out = Vec::new();
        if skeleton.chars().count() < FUZZY_MIN_CHARS {
            return out;
        }
        visit_keys(skeleton, |key| {
            for (name, person) in self.by_deletion.get(key).into_iter().flatten() {
                if within_one_edit(name, skeleton) && !out.contains(person) {
                    out.push(*person);
                }
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_phrase_wins() {
        let mut vocabulary = Vocabulary::default();
        let (wilayat, muttahida) = (vocabulary.form_id("ولايات"), vocabulary.form_id("متحده"));
        let mut idx = PhraseIndex::default();
        idx.insert(&[wilayat, muttahida], Entity::State(1));
        idx.insert(&[wilayat], Entity::Place(9));
        let ids = |forms: &[&str]| forms.iter().filter_map(|f| vocabulary.form(f)).collect::<Vec<u32>>();
        let text = [ids(&["والولايات", "الولايات", "ولايات"]), ids(&["المتحده", "متحده"]), ids(&["اليوم"])];
        let keys = |k: usize| text.get(k).map_or(&[][..], Vec::as_slice);
        let m = idx.longest_at(keys, 0, 1).unwrap();
        assert_eq!((m.len, m.entities), (2, vec![Entity::State(1)]));
        assert_eq!(idx.longest_at(keys, 2, 1), None);
        assert!(idx.starts_phrase(wilayat));
        assert!(idx.uses(muttahida));
        assert_ne!(vocabulary.skeleton_id("ولايات"), wilayat);
    }

    #[test]
    fn one_edit_covers_transpositions_and_drops() {
        let edit_distance = |a: &str, b: &str| edit_distance(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>());
        assert_eq!(edit_distance("عرباوي", "عربي"), 2);
        assert_eq!(edit_distance("تيلرسون", "تليرسون"), 1);
        assert_eq!(edit_distance("", "ابc"), 3);
        assert_eq!(edit_distance("abcd", ""), 4);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("اوروبي", "اوريبي"), 2);
        assert_eq!(edit_distance("ترمب", "ترامب"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        // Longer than SHORT_WORD: rows on the heap, same answers.
        let long = "ل".repeat(SHORT_WORD + 8);
        assert_eq!(edit_distance(&long, &format!("{}ب", &long[..long.len() - 2])), 1);
        assert_eq!(edit_distance(&format!("ب{long}"), &long), 1);
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
