//! Arabic text layer: normalisation, tokens with offsets back into the original text,
//! clitic-stripped stem candidates, name skeletons, sentence boundaries, and a Latin spelling
//! for names.

mod normalize;
mod romanise;
mod tokens;

pub use normalize::{normalize, normalize_char, skeleton, skeleton_into};
pub use romanise::romanise;
pub use tokens::{Sentence, Stems, Token, TokenKind, follows_article, is_definite, is_relative, sentences, stems, tokenize};
