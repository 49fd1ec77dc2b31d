//! Per-token analysis of one article: tokens, their stems and lookup keys, and what the
//! lexicon says each one is. Everything later stages ask about a token is computed here once.
//!
//! News repeats its words (في، من، الرئيس، لافروف), so the analysis is kept per distinct form
//! in a `FormCache`: each token points at its form.

use crate::kb::{Cue, Kb, Trigger, Word, WordHit, entity_key};
use crate::text::{Sentence, Token, TokenKind, follows_article, sentences, stems, tokenize};

use super::forms::FormCache;

pub struct Analysis<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// Per token: a multi-word lexicon phrase starting there ("كانون الثاني", "لا توجد خطط",
    /// "لقاءات ثنائية"), as its length and what the lexicon says it is.
    pub phrases: Vec<Option<(usize, Vec<WordHit>)>>,
    /// Per token: its form in `forms`.
    form_of: Vec<u32>,
    forms: &'a FormCache,
}

/// "منيف علي حسين", "الدكتور علي الزناتي": the preposition على and the name علي normalise alike,
/// but the name is written with a final ي, and the word after it is no word the lexicon knows.
fn written_as_name(text: &str, tokens: &[Token], known: impl Fn(usize) -> bool, i: usize) -> bool {
    let t = &tokens[i];
    t.norm == "علي"
        && text[t.start..t.end].ends_with('\u{064A}')
        && tokens.get(i + 1).is_some_and(|n| n.kind == TokenKind::Word && !known(i + 1))
}

impl<'a> Analysis<'a> {
    /// Analyses `text`, taking the forms `forms` holds from it and adding the others.
    pub fn new(kb: &Kb, text: &'a str, forms: &'a mut FormCache) -> Analysis<'a> {
        let tokens = tokenize(text);
        let sentences = sentences(&tokens);
        let mut form_of: Vec<u32> = tokens.iter().map(|t| forms.form_of(kb, t)).collect();
        // A word written as a name is the name, whatever else its form is to the lexicon.
        let names: Vec<usize> = {
            let known = |k: usize| !forms.words(form_of[k]).is_empty();
            (0..tokens.len()).filter(|&i| written_as_name(text, &tokens, known, i) && known(i)).collect()
        };
        for i in names {
            form_of[i] = forms.as_name(form_of[i]);
        }
        let forms: &FormCache = forms;
        let keys = |k: usize| form_of.get(k).map_or(&[][..], |&f| forms.keys(f));
        let as_hits = |(len, words): (usize, Vec<Word>)| {
            (len, words.into_iter().map(|word| WordHit { word, future: false, pronoun: false }).collect())
        };
        let phrases = (0..tokens.len())
            .map(|i| if forms.opens_lexicon_phrase(form_of[i]) { kb.phrase_at(keys, i).map(as_hits) } else { None })
            .collect();
        Analysis { text, tokens, sentences, phrases, form_of, forms }
    }

    /// Token `i`'s keys for the knowledge base's matchers (none past the end).
    pub fn keys(&self, i: usize) -> &[u32] {
        self.form_of.get(i).map_or(&[], |&f| self.forms.keys(f))
    }

    /// Whether token `i` may begin an entity phrase or a name.
    pub fn opens_phrase(&self, i: usize) -> bool {
        self.form_of.get(i).is_some_and(|&f| self.forms.opens_phrase(f))
    }

    /// What the lexicon says token `i` is (nothing past the end).
    pub fn words(&self, i: usize) -> &[WordHit] {
        self.form_of.get(i).map_or(&[], |&f| self.forms.words(f))
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

    /// How far token `i`'s word, under any of its forms, is from a spelling of `person`'s
    /// one-word names (`Kb::spelling_distance`); `None` when it is not a spelling of them.
    pub fn spelling_distance(&self, kb: &Kb, i: usize, person: u32) -> Option<usize> {
        let word = self.tokens[i].norm.as_str();
        let compute = || self.forms(i).iter().filter_map(|f| kb.spelling_distance(person, f, follows_article(word, f))).min();
        self.forms.spelling_distance(self.form_of[i], person, compute)
    }

    /// The preposition written on token `i`'s word, computed by `compute` from the normalised
    /// word the first time its form is asked.
    pub fn preposition(&self, i: usize, compute: impl FnOnce(&str) -> Option<char>) -> Option<char> {
        self.forms.preposition(self.form_of[i], || compute(&self.tokens[i].norm))
    }

    pub fn cue(&self, i: usize, wanted: impl Fn(Cue) -> bool) -> bool {
        self.words(i).iter().any(|w| matches!(w.word, Word::Cue(c) if wanted(c)))
    }

    /// The cues read at token `i`, and how many tokens they cover: a lexicon phrase's
    /// ("من المقرر", "لا توجد خطط") where one starts there, else the token's own.
    pub fn cues_read_at(&self, i: usize) -> (Vec<Cue>, usize) {
        match &self.phrases[i] {
            Some((len, words)) => (words.iter().filter_map(|w| if let Word::Cue(c) = w.word { Some(c) } else { None }).collect(), *len),
            None => (self.cues(i).collect(), 1),
        }
    }

    pub fn cues(&self, i: usize) -> impl Iterator<Item = Cue> + '_ {
        self.words(i).iter().filter_map(|w| match w.word {
            Word::Cue(c) => Some(c),
            Word::Trigger(_) => None,
        })
    }

    /// The contact token `i` names, as a word or as the first of a phrase ("لقاءات ثنائية").
    pub fn trigger(&self, i: usize) -> Option<(Trigger, &WordHit)> {
        let phrase = self.phrases.get(i).and_then(|p| p.as_ref()).map_or(&[][..], |(_, hits)| hits.as_slice());
        self.words(i).iter().chain(phrase).find_map(|w| match w.word {
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
