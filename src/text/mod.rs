//! Arabic text layer: normalisation, tokens with offsets back into the original text,
//! clitic-stripped stem candidates, name skeletons, and sentence boundaries.

mod normalize;
mod tokens;

pub use normalize::{normalize, normalize_char, skeleton, skeleton_into};
pub use tokens::{Sentence, Stems, Token, TokenKind, follows_article, is_definite, sentences, stems, tokenize};
