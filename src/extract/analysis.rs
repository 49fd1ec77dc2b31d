//! Per-token analysis of one article: tokens, their stems and lookup keys, and what the
//! lexicon says each one is. Everything later stages ask about a token is computed here once.

use crate::kb::{Cue, Kb, Trigger, Word, WordHit, entity_key};
use crate::text::skeleton;
use crate::text::{Sentence, Token, TokenKind, sentences, stems, tokenize};

pub struct Analysis<'t> {
    pub text: &'t str,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// Per token: entity keys (stems without ال), `None` for punctuation.
    pub entity_keys: Vec<Option<Vec<String>>>,
    /// Per token: name keys (skeletons of the stems, plus "=form" for exact matching).
    pub name_keys: Vec<Option<Vec<String>>>,
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
        let mut stem_keys = Vec::with_capacity(tokens.len());
        let mut words = Vec::with_capacity(tokens.len());
        for t in &tokens {
            if t.kind != TokenKind::Word {
                let number = (t.kind == TokenKind::Number).then(|| vec![t.norm.clone()]);
                entity_keys.push(number.clone());
                name_keys.push(None);
                stem_keys.push(number);
                words.push(Vec::new());
                continue;
            }
            let st = stems(&t.norm);
            let mut ek: Vec<String> = Vec::with_capacity(st.len());
            let mut nk: Vec<String> = Vec::with_capacity(st.len() * 2);
            for s in &st {
                for e in [s.to_string(), entity_key(s)] {
                    if ek.contains(&e) {
                        continue;
                    }
                    let n = skeleton(&e);
                    if !nk.contains(&n) {
                        nk.push(n);
                    }
                    nk.push(format!("={e}"));
                    ek.push(e);
                }
            }
            words.push(kb.words_of(&st));
            stem_keys.push(Some(st.iter().map(|s| s.to_string()).collect()));
            entity_keys.push(Some(ek));
            name_keys.push(Some(nk));
        }
        let phrases = (0..tokens.len()).map(|i| kb.phrase_at(&stem_keys, i).filter(|(len, _)| *len > 1)).collect();
        Analysis { text, tokens, sentences, entity_keys, name_keys, words, phrases }
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
