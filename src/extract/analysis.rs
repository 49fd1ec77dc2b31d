//! Per-token analysis of one article: tokens, their stems and lookup keys, and what the
//! lexicon says each one is. Everything later stages ask about a token is computed here once.

use rustc_hash::FxHashMap;

use crate::kb::{Cue, Kb, TokenKeys, Trigger, Word, WordHit, entity_key};
use crate::text::{Sentence, Token, TokenKind, sentences, stems, tokenize};

pub struct Analysis<'t> {
    pub text: &'t str,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// Per token: ids of the entity keys it offers (stems with and without ال).
    pub entity_keys: Vec<Vec<u32>>,
    /// Per token: ids of the name keys it offers (skeletons and exact forms).
    pub name_keys: Vec<Vec<u32>>,
    /// Per token: lexicon words.
    pub words: Vec<Vec<WordHit>>,
    /// Per token: a multi-word lexicon phrase starting there ("كانون الثاني", "لا توجد خطط").
    pub phrases: Vec<Option<(usize, Vec<Word>)>>,
}

impl<'t> Analysis<'t> {
    pub fn new(kb: &Kb, text: &'t str) -> Analysis<'t> {
        let tokens = tokenize(text);
        let sentences = sentences(&tokens);
        let mut entity_keys = Vec::with_capacity(tokens.len());
        let mut name_keys = Vec::with_capacity(tokens.len());
        let mut lexicon_keys = Vec::with_capacity(tokens.len());
        let mut words = Vec::with_capacity(tokens.len());
        let mut scratch = String::new();
        // News repeats its words (في، من، الرئيس، لافروف): look each form up once.
        let mut seen: FxHashMap<&str, (TokenKeys, Vec<WordHit>)> = FxHashMap::default();
        for t in &tokens {
            let (keys, hits) = match t.kind {
                TokenKind::Word => seen
                    .entry(t.norm.as_str())
                    .or_insert_with(|| {
                        let st = stems(&t.norm);
                        (kb.token_keys(&st, &mut scratch), kb.words_of(&st))
                    })
                    .clone(),
                TokenKind::Number => (kb.number_keys(&t.norm), Vec::new()),
                TokenKind::Punct(_) => (TokenKeys::default(), Vec::new()),
            };
            entity_keys.push(keys.entity);
            name_keys.push(keys.name);
            lexicon_keys.push(keys.lexicon);
            words.push(hits);
        }
        let phrases = (0..tokens.len()).map(|i| kb.phrase_at(&lexicon_keys, i).filter(|(len, _)| *len > 1)).collect();
        Analysis { text, tokens, sentences, entity_keys, name_keys, words, phrases }
    }

    /// The forms a word token may stand for: its stems, with and without ال.
    pub fn forms(&self, i: usize) -> Vec<&str> {
        let mut out = Vec::new();
        for s in stems(&self.tokens[i].norm) {
            for f in [s, entity_key(s)] {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
        out
    }

    pub fn cue(&self, i: usize, wanted: impl Fn(Cue) -> bool) -> bool {
        self.words.get(i).is_some_and(|ws| ws.iter().any(|w| matches!(w.word, Word::Cue(c) if wanted(c))))
    }

    pub fn cues(&self, i: usize) -> impl Iterator<Item = Cue> + '_ {
        self.words[i].iter().filter_map(|w| match w.word {
            Word::Cue(c) => Some(c),
            Word::Trigger(_) => None,
        })
    }

    pub fn trigger(&self, i: usize) -> Option<(Trigger, &WordHit)> {
        self.words[i].iter().find_map(|w| match w.word {
            Word::Trigger(t) => Some((t, w)),
            Word::Cue(_) => None,
        })
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Word)
    }
}
