//! The analysis of each distinct word form, kept across the articles one caller extracts.
//!
//! News repeats its words, within an article and from one article to the next (في، من، الرئيس،
//! لافروف): a form's keys and lexicon hits are computed once and every token points at its form.
//! The cache only saves work: an article's analysis is the same with a fresh cache or a warm one.
//! Facts only a few forms are asked about (a name's spelling distance, a written preposition)
//! are computed the first time they are asked and kept with the form.

use std::cell::{OnceCell, RefCell};
use std::ops::Range;
use std::sync::Arc;

use compact_str::CompactString;
use rustc_hash::FxHashMap;

use crate::kb::{Kb, WordHit};
use crate::text::{Token, TokenKind};

/// Forms a cache holds before it starts again empty (about 100 bytes each).
const CAPACITY: usize = 50_000;

/// Analysed word forms, with the knowledge base they were analysed with. Build one with
/// `FormCache::default()` and pass it to `Extractor::extract_with`; a cache used with another
/// extractor than last time forgets what it held.
#[derive(Debug)]
pub struct FormCache {
    /// The extractor whose knowledge base analysed the forms held.
    owner: Option<Arc<()>>,
    /// Normalised form → its index in `forms`.
    index: FxHashMap<CompactString, u32>,
    forms: Vec<Form>,
    /// The interned keys all forms offer the matchers; forms hold ranges into it.
    keys: Vec<u32>,
    /// The lexicon hits of all forms; forms hold ranges into it.
    hits: Vec<WordHit>,
    /// A buffer for the analysis of a new form.
    scratch: String,
    /// (form, person) → how far the form is from a spelling of the person's one-word names.
    spellings: RefCell<FxHashMap<(u32, u32), Option<usize>>>,
    /// Form → the same form written as a name (`as_name`).
    names: FxHashMap<u32, u32>,
}

/// What one distinct form offers: ranges into the cache's `keys` and `hits`.
#[derive(Debug, Clone, Default)]
struct Form {
    /// The ids of its stems' forms and skeletons, as every matcher reads them.
    keys: Range<u32>,
    /// Lexicon words.
    words: Range<u32>,
    /// Whether it may begin an entity phrase or a name (`Kb::opens_phrase`).
    opens_phrase: bool,
    /// Whether it may begin a lexicon phrase (`Kb::opens_lexicon_phrase`).
    opens_lexicon_phrase: bool,
    /// The preposition written on the word, once asked.
    preposition: OnceCell<Option<char>>,
}

/// A slice of `v` by a stored range.
fn slice<'v, T>(v: &'v [T], r: &Range<u32>) -> &'v [T] {
    &v[r.start as usize..r.end as usize]
}

impl Default for FormCache {
    fn default() -> Self {
        // Form 0 is punctuation's: it offers nothing.
        FormCache {
            owner: None,
            index: FxHashMap::default(),
            forms: vec![Form::default()],
            keys: Vec::new(),
            hits: Vec::new(),
            scratch: String::new(),
            spellings: RefCell::default(),
            names: FxHashMap::default(),
        }
    }
}

impl FormCache {
    /// Readies the cache for an article analysed by the extractor `owner` identifies: forms
    /// another extractor analysed are dropped, and so is everything once the cache is full.
    pub(super) fn prepare(&mut self, owner: &Arc<()>) {
        let same_owner = self.owner.as_ref().is_some_and(|o| Arc::ptr_eq(o, owner));
        if !same_owner || self.index.len() >= CAPACITY {
            *self = FormCache { owner: Some(Arc::clone(owner)), ..FormCache::default() };
        }
    }

    /// The index of a token's form, analysed with `kb` if the cache does not hold it yet.
    pub(super) fn form_of(&mut self, kb: &Kb, token: &Token) -> u32 {
        if matches!(token.kind, TokenKind::Punct(_)) {
            return 0;
        }
        if let Some(&form) = self.index.get(token.norm.as_str()) {
            return form;
        }
        let form = self.forms.len() as u32;
        let (keys_start, words_start) = (self.keys.len() as u32, self.hits.len() as u32);
        kb.analyse_token(token, &mut self.scratch, &mut self.keys, &mut self.hits);
        let keys = keys_start..self.keys.len() as u32;
        self.forms.push(Form {
            opens_phrase: kb.opens_phrase(slice(&self.keys, &keys)),
            opens_lexicon_phrase: kb.opens_lexicon_phrase(slice(&self.keys, &keys)),
            keys,
            words: words_start..self.hits.len() as u32,
            preposition: OnceCell::new(),
        });
        self.index.insert(token.norm.clone(), form);
        form
    }

    /// Form `form` written as a name: the same keys, and nothing the lexicon says of it ("علي"
    /// the name, not the preposition على).
    pub(super) fn as_name(&mut self, form: u32) -> u32 {
        if let Some(&name) = self.names.get(&form) {
            return name;
        }
        let name = self.forms.len() as u32;
        let of = &self.forms[form as usize];
        let plain = Form { keys: of.keys.clone(), words: 0..0, opens_phrase: of.opens_phrase, ..Form::default() };
        self.forms.push(plain);
        self.names.insert(form, name);
        name
    }

    /// Form `form`'s keys for the knowledge base's matchers.
    pub(super) fn keys(&self, form: u32) -> &[u32] {
        slice(&self.keys, &self.forms[form as usize].keys)
    }

    /// Whether form `form` may begin an entity phrase or a name.
    pub(super) fn opens_phrase(&self, form: u32) -> bool {
        self.forms[form as usize].opens_phrase
    }

    /// Whether form `form` may begin a lexicon phrase.
    pub(super) fn opens_lexicon_phrase(&self, form: u32) -> bool {
        self.forms[form as usize].opens_lexicon_phrase
    }

    /// What the lexicon says form `form` is.
    pub(super) fn words(&self, form: u32) -> &[WordHit] {
        slice(&self.hits, &self.forms[form as usize].words)
    }

    /// The preposition written on form `form`, computed by `compute` the first time.
    pub(super) fn preposition(&self, form: u32, compute: impl FnOnce() -> Option<char>) -> Option<char> {
        *self.forms[form as usize].preposition.get_or_init(compute)
    }

    /// How far form `form` is from a spelling of `person`, computed by `compute` the first time.
    pub(super) fn spelling_distance(&self, form: u32, person: u32, compute: impl FnOnce() -> Option<usize>) -> Option<usize> {
        if let Some(&known) = self.spellings.borrow().get(&(form, person)) {
            return known;
        }
        let distance = compute();
        self.spellings.borrow_mut().insert((form, person), distance);
        distance
    }
}
