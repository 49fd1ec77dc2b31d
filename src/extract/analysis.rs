//! Per-token analysis of one article: tokens, their stems and lookup keys, and what the
//! lexicon says each one is. Everything later stages ask about a token is computed here once.
//!
//! News repeats its words (في، من، الرئيس، لافروف), so the analysis is kept per distinct form:
//! each token points at its form, and a form's keys and lexicon hits are slices of a few flat
//! arrays shared by the whole article.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::kb::{Cue, Kb, Trigger, Word, WordHit, entity_key};
use crate::text::{Sentence, Token, TokenKind, sentences, stems, tokenize};

pub struct Analysis<'t> {
    pub text: &'t str,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// Per token: a multi-word lexicon phrase starting there ("كانون الثاني", "لا توجد خطط").
    pub phrases: Vec<Option<(usize, Vec<Word>)>>,
    /// Per token: the index of its form in `forms`.
    form_of: Vec<u32>,
    forms: Vec<Form>,
    /// The interned keys all forms offer the matchers; forms hold ranges into it.
    keys: Vec<u32>,
    /// The lexicon hits of all forms; forms hold ranges into it.
    hits: Vec<WordHit>,
}

/// What one distinct form offers: ranges into the article's `keys` and `hits`.
#[derive(Debug, Clone, Default)]
struct Form {
    /// The ids of its stems' forms and skeletons, as every matcher reads them.
    keys: Range<u32>,
    /// Lexicon words.
    words: Range<u32>,
}

/// A slice of `v` by a stored range.
fn slice<'v, T>(v: &'v [T], r: &Range<u32>) -> &'v [T] {
    &v[r.start as usize..r.end as usize]
}

impl<'t> Analysis<'t> {
    pub fn new(kb: &Kb, text: &'t str) -> Analysis<'t> {
        let tokens = tokenize(text);
        let sentences = sentences(&tokens);
        // Form 0 is punctuation's: it offers nothing.
        let mut a = Analysis {
            text,
            sentences,
            phrases: Vec::new(),
            form_of: Vec::with_capacity(tokens.len()),
            forms: vec![Form::default()],
            keys: Vec::new(),
            hits: Vec::new(),
            tokens: Vec::new(),
        };
        let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
        let mut scratch = String::new();
        for t in &tokens {
            if matches!(t.kind, TokenKind::Punct(_)) {
                a.form_of.push(0);
                continue;
            }
            let next = a.forms.len() as u32;
            let form = *seen.entry(t.norm.as_str()).or_insert(next);
            a.form_of.push(form);
            if form != next {
                continue;
            }
            let (keys_start, words_start) = (a.keys.len() as u32, a.hits.len() as u32);
            kb.analyse_token(t, &mut scratch, &mut a.keys, &mut a.hits);
            a.forms.push(Form { keys: keys_start..a.keys.len() as u32, words: words_start..a.hits.len() as u32 });
        }
        a.tokens = tokens;
        a.phrases = (0..a.tokens.len()).map(|i| kb.phrase_at(|k| a.keys(k), i)).collect();
        a
    }

    fn form(&self, i: usize) -> Option<&Form> {
        self.form_of.get(i).map(|&f| &self.forms[f as usize])
    }

    /// Token `i`'s keys for the knowledge base's matchers (none past the end).
    pub fn keys(&self, i: usize) -> &[u32] {
        self.form(i).map_or(&[], |f| slice(&self.keys, &f.keys))
    }

    /// What the lexicon says token `i` is (nothing past the end).
    pub fn words(&self, i: usize) -> &[WordHit] {
        self.form(i).map_or(&[], |f| slice(&self.hits, &f.words))
    }

    /// The forms a word token may stand for: its stems, with and without ال.
    pub fn forms(&self, i: usize) -> Vec<&str> {
        let mut out = Vec::new();
        for s in stems(&self.tokens[i].norm).iter() {
            for f in [s, entity_key(s)] {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
        out
    }

    pub fn cue(&self, i: usize, wanted: impl Fn(Cue) -> bool) -> bool {
        self.words(i).iter().any(|w| matches!(w.word, Word::Cue(c) if wanted(c)))
    }

    pub fn cues(&self, i: usize) -> impl Iterator<Item = Cue> + '_ {
        self.words(i).iter().filter_map(|w| match w.word {
            Word::Cue(c) => Some(c),
            Word::Trigger(_) => None,
        })
    }

    pub fn trigger(&self, i: usize) -> Option<(Trigger, &WordHit)> {
        self.words(i).iter().find_map(|w| match w.word {
            Word::Trigger(t) => Some((t, w)),
            Word::Cue(_) => None,
        })
    }

    /// Whether token `i` is, as written, a word of some person's name and nothing the lexicon
    /// knows ("فيصل", "إبراهيم"; not "على", which normalises like the name علي).
    pub fn is_name_word(&self, kb: &Kb, i: usize) -> bool {
        self.is_word(i) && self.words(i).is_empty() && kb.is_name_word(&self.tokens[i].norm)
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Word)
    }
}
