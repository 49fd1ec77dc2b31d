//! Tokens (words, numbers, punctuation) with their place in the original text, the
//! clitic-stripped stems a word may stand for, and sentence boundaries.

use compact_str::CompactString;

use super::normalize::normalize_char;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    /// One punctuation character (normalised: Latin and Arabic commas are both ',').
    Punct(char),
}

/// One token: `norm` is its normalised form (stored inline: most words need no allocation);
/// `start..end` are byte offsets into the text.
#[derive(Debug, Clone)]
pub struct Token {
    pub kind: TokenKind,
    pub norm: CompactString,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct(c)
    }
}

/// Letters and digits, with a fast path for ASCII and the Arabic block (most of the text).
fn is_letter_or_digit(c: char) -> bool {
    match c as u32 {
        0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A => true,
        0x00..=0x7F => false,
        code @ 0x0600..=0x06FF => is_arabic_letter_or_digit(code),
        _ => c.is_alphanumeric(),
    }
}

const fn is_arabic_letter_or_digit(code: u32) -> bool {
    matches!(code, 0x0621..=0x064A | 0x0660..=0x0669 | 0x066E..=0x066F | 0x0671..=0x06D3 | 0x06D5 | 0x06EE..=0x06FC)
}

/// What a character is to a word: a letter or digit (normalised), a mark it carries
/// (diacritics, tatweel: dropped, but the word goes on), or neither (the word ends).
#[derive(Clone, Copy)]
enum InWord {
    Letter(char),
    Mark,
    Outside,
}

/// A character's place in a word, given whether it is a letter or digit.
const fn classify(c: char, letter_or_digit: bool) -> InWord {
    match normalize_char(c) {
        None => InWord::Mark,
        Some(n) if letter_or_digit => InWord::Letter(n),
        Some(_) => InWord::Outside,
    }
}

/// `classify` for ASCII (spaces and Latin letters and digits), worked out at compile time.
const ASCII: [InWord; 128] = {
    let mut table = [InWord::Outside; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8 as char;
        table[i] = classify(c, c.is_ascii_alphanumeric());
        i += 1;
    }
    table
};

/// `classify` for the Arabic block U+0600–U+06FF, worked out at compile time.
const ARABIC_BLOCK: [InWord; 256] = {
    let mut table = [InWord::Outside; 256];
    let mut i = 0;
    while i < 256 {
        let code = 0x600 + i as u32;
        if let Some(c) = char::from_u32(code) {
            table[i] = classify(c, is_arabic_letter_or_digit(code));
        }
        i += 1;
    }
    table
};

fn in_word(c: char) -> InWord {
    match c as u32 {
        code @ 0x00..=0x7F => ASCII[code as usize],
        code @ 0x600..=0x6FF => ARABIC_BLOCK[(code - 0x600) as usize],
        _ => classify(c, is_letter_or_digit(c)),
    }
}

fn punct(c: char) -> Option<char> {
    Some(match c {
        '،' | ',' => ',',
        '.' | '؟' | '?' | '!' | '…' => '.',
        '؛' | ';' => ';',
        '\n' => '\n',
        ':' | '(' | ')' | '/' | '-' | '–' | '—' | '+' | '"' | '«' | '»' | '“' | '”' | '\'' => match c {
            '–' | '—' => '-',
            '«' | '»' | '“' | '”' | '\'' => '"',
            c => c,
        },
        _ => return None,
    })
}

/// Splits text into tokens. Control characters and other symbols are skipped.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    // The word being read, normalised; copied once into its token (inline when short).
    let mut word = String::new();
    let mut chars = text.char_indices();
    let mut pending = None;
    while let Some((start, c)) = pending.take().or_else(|| chars.next()) {
        if let InWord::Letter(first) = in_word(c) {
            word.clear();
            word.push(first);
            let mut digits = first.is_ascii_digit();
            // Letters and marks run on to the first character outside the word, or the end.
            let mut end = text.len();
            for (i, c) in chars.by_ref() {
                match in_word(c) {
                    InWord::Letter(n) => {
                        word.push(n);
                        digits &= n.is_ascii_digit();
                    }
                    InWord::Mark => {}
                    InWord::Outside => {
                        pending = Some((i, c));
                        end = i;
                        break;
                    }
                }
            }
            let kind = if digits { TokenKind::Number } else { TokenKind::Word };
            tokens.push(Token { kind, norm: CompactString::new(&word), start, end });
        } else if let Some(p) = punct(c) {
            tokens.push(Token {
                kind: TokenKind::Punct(p),
                norm: CompactString::from(p.encode_utf8(&mut [0; 4]) as &str),
                start,
                end: start + c.len_utf8(),
            });
        }
    }
    tokens
}

/// A sentence: the token range `tokens` of the article's token list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub first: usize,
    pub end: usize,
}

/// Splits a token list into sentences at full stops, question marks and line breaks.
pub fn sentences(tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut first = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct('.') || t.is_punct('\n') {
            if i > first {
                out.push(Sentence { first, end: i });
            }
            first = i + 1;
        }
    }
    if tokens.len() > first {
        out.push(Sentence { first, end: tokens.len() });
    }
    out
}

/// The stems a normalised word may stand for once proclitics are taken off, longest first:
/// conjunction (و ف), preposition (ب ل ك), article (ال; ل + ال is written لل). A stem keeps at
/// least two letters, so names that begin with these letters survive as the first candidate
/// ("لافروف" stays, "للافروف" also yields "لافروف").
pub fn stems(word: &str) -> Stems<'_> {
    let mut out = Stems { word, starts: [0; Stems::MAX], len: 1 };
    for conj in ["", "و", "ف"] {
        let Some(a) = word.strip_prefix(conj) else { continue };
        for prep in ["", "ب", "ل", "ك"] {
            let Some(b) = a.strip_prefix(prep) else { continue };
            out.push(b);
            if let Some(c) = b.strip_prefix("ال") {
                out.push(c);
            }
            if prep == "ل"
                && let Some(c) = b.strip_prefix('ل')
            {
                out.push(c);
            }
        }
    }
    out
}

/// The stems of one word, kept as the byte offsets where they start, in increasing order
/// (longest stem first).
#[derive(Debug, Clone, Copy)]
pub struct Stems<'w> {
    word: &'w str,
    starts: [usize; Stems::MAX],
    len: usize,
}

impl<'w> Stems<'w> {
    /// Every stem is a suffix of the word that starts after at most a conjunction, a
    /// preposition and an article (four letters): at most five distinct starts.
    pub const MAX: usize = 5;

    fn push(&mut self, stem: &'w str) {
        let start = self.word.len() - stem.len();
        let at = self.starts[..self.len].partition_point(|&s| s < start);
        if stem.chars().nth(1).is_none() || self.starts[..self.len].get(at) == Some(&start) {
            return;
        }
        self.starts.copy_within(at..self.len, at + 1);
        self.starts[at] = start;
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stem `k`, longest first.
    pub fn get(&self, k: usize) -> &'w str {
        &self.word[self.starts[k]..]
    }

    pub fn iter(&self) -> impl Iterator<Item = &'w str> + '_ {
        self.starts[..self.len].iter().map(|&s| &self.word[s..])
    }

    pub fn contains(&self, stem: &str) -> bool {
        self.iter().any(|s| s == stem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.norm.to_string()).collect()
    }

    #[test]
    fn tokens_keep_offsets_into_the_original() {
        let text = "وصل بومبيو، اليومَ إلى سوتشي.";
        let toks = tokenize(text);
        assert_eq!(words(text), ["وصل", "بومبيو", ",", "اليوم", "الي", "سوتشي", "."]);
        assert_eq!(&text[toks[3].start..toks[3].end], "اليومَ");
        assert_eq!(&text[toks[1].start..toks[1].end], "بومبيو");
    }

    #[test]
    fn numbers_in_both_alphabets() {
        let toks = tokenize("وقعا ١٥ مذكرة في 16-10-2022");
        assert_eq!(toks[1].kind, TokenKind::Number);
        assert_eq!(toks[1].norm, "15");
        assert_eq!(words("16-10-2022"), ["16", "-", "10", "-", "2022"]);
    }

    #[test]
    fn control_characters_and_symbols_are_skipped() {
        assert_eq!(words("\u{0}لافروف\u{7}\t€ 5%"), ["لافروف", "5"]);
    }

    #[test]
    fn clitics_come_off_without_breaking_names() {
        assert!(stems("وبومبيو").contains("بومبيو"));
        assert!(stems("للافروف").contains("لافروف"));
        assert_eq!(stems("لافروف").get(0), "لافروف");
        assert!(stems("والاميركي").contains("اميركي"));
        assert!(stems("بلافروف").contains("لافروف"));
        assert!(stems("فالرياض").contains("رياض"));
        assert!(stems("للرييس").contains("رييس"));
        assert!(!stems("ولي").contains("ي"));
        let all: Vec<&str> = stems("وبالعاصمه").iter().collect();
        assert_eq!(all, ["وبالعاصمه", "بالعاصمه", "العاصمه", "عاصمه"]);
    }

    #[test]
    fn sentences_split_at_stops_and_lines() {
        let toks = tokenize("التقى الوزيران. ثم عادا\nإلى بلديهما");
        let s = sentences(&toks);
        assert_eq!(s.len(), 3);
        assert_eq!(toks[s[1].first].norm, "ثم");
    }
}
