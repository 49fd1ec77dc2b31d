//! The knowledge base's records: states, places, organisations, people and their offices,
//! titles, and the lexicon of triggers and cue words.

use chrono::NaiveDate;

use crate::proto::{ConsultMode, EventType};

#[derive(Debug, Clone)]
pub struct State {
    pub code: String,
    pub name_en: String,
    pub name_ar: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Capital,
    Seat,
    City,
    Venue,
    Region,
}

#[derive(Debug, Clone)]
pub struct Place {
    pub name_en: String,
    pub name_ar: String,
    pub country: String,
    pub kind: PlaceKind,
}

#[derive(Debug, Clone)]
pub struct Organisation {
    pub id: String,
    pub name_en: String,
    pub name_ar: String,
    pub cameo: String,
    /// The member states that stand as the sides of a contact the grouping makes as one.
    pub members: Vec<String>,
    /// Its president is an officer of its own, not a member state's leader chairing in turn.
    pub own_chair: bool,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub name_en: String,
    pub country: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Office {
    HeadOfState,
    HeadOfGovernment,
    ForeignMinister,
    DefenceMinister,
    CrownPrince,
    Ambassador,
    Envoy,
    /// Any other minister (energy, finance, trade...): the knowledge base keeps no holders, so
    /// one stands for the state.
    Minister,
    /// The speaker of a parliament or of one of its chambers: no holders kept either.
    Speaker,
    /// An officer of an international organisation (its secretary-general, director, high
    /// commissioner): someone only with the organisation named after the title, of no state.
    Official,
}

impl Office {
    pub fn parse(s: &str) -> Option<Office> {
        Some(match s {
            "head_of_state" => Office::HeadOfState,
            "head_of_government" => Office::HeadOfGovernment,
            "foreign_minister" => Office::ForeignMinister,
            "defence_minister" => Office::DefenceMinister,
            "crown_prince" => Office::CrownPrince,
            "ambassador" => Office::Ambassador,
            "envoy" => Office::Envoy,
            "minister" => Office::Minister,
            "speaker" => Office::Speaker,
            "official" => Office::Official,
            _ => return None,
        })
    }

    /// The name `parse` reads.
    pub fn name(self) -> &'static str {
        match self {
            Office::HeadOfState => "head_of_state",
            Office::HeadOfGovernment => "head_of_government",
            Office::ForeignMinister => "foreign_minister",
            Office::DefenceMinister => "defence_minister",
            Office::CrownPrince => "crown_prince",
            Office::Ambassador => "ambassador",
            Office::Envoy => "envoy",
            Office::Minister => "minister",
            Office::Speaker => "speaker",
            Office::Official => "official",
        }
    }

    /// The CAMEO actor-code suffix for a holder of this office.
    pub fn cameo_suffix(self) -> &'static str {
        match self {
            Office::DefenceMinister => "MIL",
            _ => "GOV",
        }
    }
}

/// One term of office.
#[derive(Debug, Clone)]
pub struct Term {
    pub person: u32,
    pub country: String,
    pub office: Office,
    pub role_en: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl Term {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day < end)
    }
}

#[derive(Debug, Clone)]
pub struct Title {
    pub office: Office,
    pub role_en: String,
    /// For titles only one state uses (خادم الحرمين الشريفين).
    pub country: Option<String>,
    /// For titles of one organisation's officers ("المبعوث الأممي").
    pub organisation: Option<u32>,
}

/// What an event trigger word signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    pub event_type: EventType,
    pub mode: ConsultMode,
    /// CAMEO code (43 for "043").
    pub cameo: u16,
    pub is_verb: bool,
    pub takes_destination: bool,
    /// A noun that names a contact only with a possessive pronoun ("لدى وصوله": his arrival;
    /// "وصول المساعدات" is no visit).
    pub needs_owner: bool,
    /// A word that names a contact only by telephone ("تحدث هاتفيا", "اتصالات هاتفية"; "تحدث عن"
    /// is speech, "جدول الاتصالات" no contact).
    pub needs_phone: bool,
    /// A contact of the first side with each other side apart: credentials are presented one
    /// ambassador at a time ("تسلم أوراق اعتماد سفراء البحرين ومالطا").
    pub with_each: bool,
    /// A noun that names a contact only with the places it goes to ("جولة تشمل النمسا وإسبانيا",
    /// "زيارات إلى كل من"; "جولة المفاوضات", "جولة الإعادة" go nowhere). With `needs_owner`, either
    /// suffices ("زياراته" is one).
    pub needs_stops: bool,
}

/// Classes of lexicon words other than triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    Agreement,
    /// A modality cue; `backward` when it modifies the trigger before it.
    Status {
        status: crate::proto::EventStatus,
        backward: bool,
    },
    Maybe,
    NegPast,
    /// "لن": denies the verb right after it ("لن يزور", "لن ألتقي"), and nothing when no verb
    /// follows (a typo inside a name, "فهد لن محمود").
    NegFuture,
    Month(u32),
    /// An ordinal day of a month (الثالث، الخامس عشر): a date with the month after it.
    Ordinal(u32),
    Weekday(u32),
    RelDay(i64),
    /// A run of days (اليومين، الأيام): with "past" or "next" after it, that many days before or
    /// after the dateline.
    Days(i64),
    RelDir(i64),
    Unit(Unit),
    Season(u32),
    Complementizer,
    /// A new clause with its own subject: bounds trigger frames (فيما، بينما).
    Clause,
    /// A place named after a person: the name after it is not an actor (مستشفى، مطار).
    Institution,
    /// "Includes" (تشمل، تضم): the places listed after it are stops of a tour, not sides.
    Includes,
    /// A verb that carries a contact noun ("أجرى زيارة", "قام بزيارة", "عقد اجتماعا"): the
    /// subject after it is the noun's, and it ends the frame of a trigger before it.
    Support,
    /// A verb of travel (ينتقل، غادر، سافر): a contact noun later in its clause ("ينتقل إلى
    /// الدوحة للقاء أمير قطر") has its understood subject and its tense.
    Motion,
    /// A word that introduces a place name ("العاصمة", "مدينة"): cues before it apply to the
    /// place.
    PlaceWord,
    /// A word for a capital ("العاصمة"): with a state's adjective and no city after it
    /// ("إلى العاصمة العراقية"), that state's capital.
    CapitalWord,
    Report,
    Between,
    With,
    From,
    In,
    To,
    About,
    At,
    Sideline,
    /// "هامش" (the sidelines) alone of the sideline words: meetings there are each with one
    /// of the leaders listed.
    Margin,
    /// "مقيم" (resident): the place after it is where someone lives, not where they meet
    /// ("سفراء لبلادهم لدى السودان مقيمين بالقاهرة").
    Resident,
    /// The plural head of a title ("وزراء", "رؤساء"): several holders, never one named after it.
    PluralTitle,
    /// A state's news agency (سانا، واس، بترا), by its state's code: where a dateline or a
    /// closing bracket names it, the article is that state's press.
    Agency([u8; 3]),
    Agent,
    Counterpart,
    Phone,
    Sports,
    Deputy,
    Generic,
    /// "First" (أول، الأولى) next to a contact noun: the contact is characterised ("في أول
    /// زيارة لمسؤول أمريكي إلى مصر"), and is the one just reported that has its sides.
    First,
    /// A meeting of several sides ("قمة", "ثلاثية"): one meeting of all, never split into pairs.
    Many,
    Since,
    /// "The two sides"; with the office both hold when the word names it ("الرئيسان").
    Pair(Option<Office>),
    Group,
    /// "Headed" (ترأس الوفد): the first person named after it headed a delegation, a side of the
    /// contact before it in its sentence, else of the event just reported.
    Heads,
    /// A verb in the perfect that begins like an imperfect ("تلقى", "تباحث", "تحادث": forms V and
    /// VI), so its تـ is no sign of the present.
    Perfect,
    /// A courtesy word between a title and its holder's name ("رئيس الوزراء السيد محمد شياع
    /// السوداني", "الوزير الدكتور"): the title still names who follows.
    Honorific,
    /// "In the presence of", "mediated by" (بحضور، بوساطة): who is named after it, up to the
    /// next comma or clause, attends the contact and is no side of it.
    Presence,
    /// Things that arrive or are sent (طائرات، شحنة، مساعدات، سفينة): as the subject of a verb
    /// of arrival they make it no visit ("طائرات سعودية محملة بالمواد الإغاثية وصلت إلى مطار حلب").
    Cargo,
    /// An invitation ("دعوة جلالته للقيام بزيارة"): the contact noun right after it is proposed;
    /// not one it answers ("تلبية لدعوة من"), which comes before it or after "من".
    Invitation,
    PartOf,
    Former,
    AtTheTime,
    /// An honorific with a pronoun (سموه، فخامته): the person named before; with the office the
    /// honorific is given to (فخامته a president's, دولته a prime minister's), its holder.
    Pronoun(Option<Office>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Week,
    Month,
    Year,
    End,
}

/// A lexicon entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Trigger(Trigger),
    Cue(Cue),
}
