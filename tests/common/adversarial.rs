//! Adversarial article texts from a seeded generator, for the bounded fuzz test, the soak test
//! and the worst-case benchmark: the inputs of issue 18 (long runs with no punctuation, one
//! trigger repeated, odd Unicode, digits and huge numbers) at any size. The same seed gives the
//! same texts on every machine, so a failure names the article that caused it.

/// xorshift64*: small, fast, and good enough to pick among shapes and words.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The shapes of adversarial text, all valid UTF-8 (blank only by chance, when very short).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Words of the seed articles (names, titles, triggers) with no full stop or newline.
    LongRun,
    /// One trigger repeated ("التقى التقى ..."), or a trigger and two names repeated.
    RepeatedTrigger,
    /// Lone combining marks, direction marks and overrides, NUL, tatweel, emoji, BOM.
    OddUnicode,
    /// ASCII, Arabic-Indic and Persian digits mixed, impossible dates, numbers of 40 digits.
    Digits,
    /// Pieces of the seed articles cut at random places and glued together.
    SeedShards,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::LongRun, Kind::RepeatedTrigger, Kind::OddUnicode, Kind::Digits, Kind::SeedShards];
}

/// The texts of the five seed articles.
pub fn seed_texts() -> Vec<String> {
    include_str!("../../seeds/seeds.jsonl")
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("seed line")["text"].as_str().expect("seed text").to_string())
        .collect()
}

const TRIGGERS: [&str; 3] = ["التقى ", "التقى لافروف بومبيو ", "اتصال هاتفي بين ترامب وبوتين "];

const ODD: [&str; 16] = [
    "\u{064B}",
    "\u{0651}\u{0652}",
    "\u{0300}",
    "\u{200F}",
    "\u{200E}",
    "\u{202E}",
    "\u{2066}",
    "\u{200D}",
    "\0",
    "\u{0640}",
    "\u{1F1F8}\u{1F1E6}",
    "\u{1F44D}\u{1F3FD}",
    "\u{FEFF}",
    "\u{FFFF}",
    "\u{E000}",
    "ل",
];

const NUMBERS: [&str; 8] = ["٢٠١٩", "۱۳۹۸", "2019", "99999999999999999999999999999999999999", "٣١/١٣/٢٠١٩", "0", "١٢3٤", "-4294967296"];

/// A text of `kind` of exactly `bytes` bytes (`bytes` > 0), the unit that would cross the end
/// replaced by `x`s.
pub fn text(kind: Kind, bytes: usize, rng: &mut Rng, seeds: &[String]) -> String {
    let words: Vec<&str> =
        seeds.iter().flat_map(|s| s.split(|c: char| c.is_whitespace() || ".،؟!:".contains(c))).filter(|w| !w.is_empty()).collect();
    let trigger = *rng.pick(&TRIGGERS);
    let mut out = String::with_capacity(bytes);
    loop {
        let unit = match kind {
            Kind::LongRun => format!("{} ", rng.pick(&words)),
            Kind::RepeatedTrigger => trigger.to_string(),
            Kind::OddUnicode => rng.pick(&ODD).to_string(),
            Kind::Digits => format!("{} ", rng.pick(&NUMBERS)),
            Kind::SeedShards => {
                let seed: &String = rng.pick(seeds);
                shard(seed, rng)
            }
        };
        if out.len() + unit.len() > bytes {
            break;
        }
        out.push_str(&unit);
    }
    let fill = bytes - out.len();
    out.extend(std::iter::repeat_n('x', fill));
    out
}

/// A piece of `seed` of up to 200 bytes from a random place, cut on character boundaries.
fn shard(seed: &str, rng: &mut Rng) -> String {
    let boundary = |mut at: usize| {
        while !seed.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = boundary(rng.below(seed.len()));
    let end = boundary((start + 1 + rng.below(200)).min(seed.len()));
    seed[start..end].to_string()
}
