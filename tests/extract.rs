//! The extractor end to end on real Arabic phrasing: names and their variants, clitics,
//! titles resolved by date, counterparts, modality, modes, dates, distractors and bad input.

use std::sync::OnceLock;

use rasad::extract::{Extractor, FormCache};
use rasad::proto::{Article, ConsultMode, Event, EventStatus, EventType};

fn extractor() -> &'static Extractor {
    static E: OnceLock<Extractor> = OnceLock::new();
    E.get_or_init(|| Extractor::embedded().expect("embedded knowledge base loads"))
}

fn events(text: &str, published: &str) -> Vec<Event> {
    let article = Article { id: "t".into(), text: text.into(), published_at: published.into(), ..Default::default() };
    extractor().extract(&article).events
}

fn one(text: &str, published: &str) -> Event {
    let found = events(text, published);
    assert_eq!(found.len(), 1, "expected one event in {text:?}, got {found:#?}");
    found.into_iter().next().unwrap()
}

fn actors(e: &Event) -> Vec<String> {
    let mut ids: Vec<String> = e.participants.iter().map(|p| p.actor_id.clone()).collect();
    ids.sort();
    ids
}

/// An event's participant countries, sorted.
fn countries(e: &Event) -> Vec<&str> {
    let mut c: Vec<&str> = e.participants.iter().map(|p| p.country.as_str()).collect();
    c.sort_unstable();
    c
}

fn status(e: &Event) -> EventStatus {
    EventStatus::try_from(e.status).unwrap()
}

fn date(e: &Event) -> String {
    e.date.as_ref().map(|d| d.start.clone()).unwrap_or_default()
}

#[test]
fn name_variants_and_clitics_reach_one_actor() {
    for text in ["التقى سيرغي لافروف مع مايك بومبيو في سوتشي.", "التقى سيرجى لافروف وبومبيو في سوتشي.", "التقى بومبو بلافروف في سوتشي."]
    {
        let e = one(text, "2019-05-14");
        assert_eq!(actors(&e), ["person/mike-pompeo", "person/sergey-lavrov"], "{text}");
    }
    let e = one("اتصال هاتفي بين ترمب وبوتين اليوم.", "2025-02-12");
    assert_eq!(actors(&e), ["person/donald-trump", "person/vladimir-putin"]);
    // A spelling no list foresees, one transposition away, after a known given name.
    let e = one("بحث لافروف مع ريكس تيرلسون العلاقات الثنائية أمس.", "2018-01-17");
    assert!(actors(&e).contains(&"person/rex-tillerson".to_string()), "{:?}", actors(&e));
    // One edit from a known surname after someone else's given name is somebody else.
    let found = events("زار الرئيس الفلسطيني محمود عباس، اليوم الجمعة، البرلمان النرويجي والتقى رئيسته توني ويلهامسن تروين.", "");
    assert!(found.iter().all(|e| !actors(e).contains(&"person/gavin-williamson".to_string())), "{found:#?}");
}

#[test]
fn a_common_word_spelled_like_a_short_name_is_nobody() {
    // "شي" is how many write شيء (thing): it must not bring Xi Jinping into the meeting.
    let e = one("قال لافروف إنه لا شيء يمنع لقاء بوتين بنظيره الأمريكي جو بايدن، ولم يتغير شي في موقف موسكو.", "2024-03-01");
    assert_eq!(actors(&e), ["person/joe-biden", "person/vladimir-putin"]);
    // "يعلن" (announces) is no spelling of Ya'alon's short name.
    let e = one("زار الرئيس السوري بشار الأسد طهران اليوم في زيارة لم يعلن عنها مسبقا والتقى نظيره الإيراني محمود أحمدي نجاد.", "2009-08-19");
    assert_eq!(countries(&e), ["IRN", "SYR"], "{e:#?}");
}

#[test]
fn a_surname_written_with_the_article_needs_it_in_the_text() {
    // "شرع" (began) is not الشرع: the article is part of how that surname is written.
    let e = one("شرع الرئيس الفنزويلي نيكولاس مادورو في زيارة دولة للجزائر بدعوة من الرئيس عبد العزيز بوتفليقة.", "2015-01-05");
    assert_eq!(actors(&e), ["person/abdelaziz-bouteflika", "person/nicolas-maduro"]);
    let e = one("استقبل الرئيس السوري أحمد الشرع وزير الخارجية التركي هاكان فيدان، وبحث الشرع وفيدان العلاقات.", "2025-01-22");
    assert!(actors(&e).contains(&"person/ahmed-al-sharaa".to_string()), "{:?}", actors(&e));
}

#[test]
fn a_courtesy_word_between_a_title_and_a_name_keeps_them_together() {
    let e = one("استقبل رئيس مجلس الوزراء السيد محمد شياع السوداني السفير الياباني الجديد لدى العراق السيد أكيرا إندو.", "2024-01-10");
    assert_eq!(actors(&e), ["person/JPN/akira-indu", "person/mohammed-shia-al-sudani"]);
    let e = one("التقى رئيس الوزراء الدكتور حيدر العبادي الرئيس الروسي فلاديمير بوتين.", "2016-01-10");
    assert_eq!(actors(&e), ["person/haider-al-abadi", "person/vladimir-putin"]);
}

#[test]
fn an_arrival_at_an_airport_is_in_the_city_it_serves() {
    let text = "وصل الرئيس الفرنسي إيمانويل ماكرون اليوم الخميس إلى الجزائر في زيارة رسمية، وكان في استقباله لدى وصوله الى مطار هواري بومدين الدولي الرئيس عبد المجيد تبون.";
    let e = one(text, "2022-08-25");
    assert_eq!(location(&e), ("Algiers".to_string(), "DZA".to_string()), "{e:#?}");
}

#[test]
fn who_is_named_in_what_about_introduces_before_the_contact_is_its_side() {
    let text = "نفى مدير الوكالة أنباء عن عزم الرئيس الجزائري عبد المجيد تبون القيام بزيارة رسمية الى المغرب الشهر القادم.";
    let e = one(text, "");
    assert_eq!((actors(&e), status(&e)), (vec!["person/abdelmadjid-tebboune".to_string(), "state/MAR".to_string()], EventStatus::Negated));
}

#[test]
fn who_heads_what_was_named_before_heads_no_delegation() {
    let text = "بدأ رئيس مجلس النواب الليبي عقيلة صالح أمس زيارته إلى أنقرة. \
                وتتنازع السلطة في ليبيا حكومتان، الثانية حكومة الوحدة الوطنية ويترأسها عبد الحميد الدبيبة.";
    let e = one(text, "2022-08-02");
    assert!(!actors(&e).contains(&"person/abdul-hamid-dbeibeh".to_string()), "{e:#?}");
}

#[test]
fn an_ambassador_of_the_republic_of_a_state_is_of_that_state() {
    let e = one("استقبل رئيس الوزراء محمد شياع السوداني، اليوم، سفير جمهورية أذربيجان لدى العراق إيلدار سليموف.", "2024-05-02");
    assert_eq!(actors(&e), ["person/AZE/iildar-slimuf", "person/mohammed-shia-al-sudani"]);
}

#[test]
fn who_receives_an_ambassador_with_no_state_named_is_of_the_state_he_serves_in() {
    let text = "استقبل وزير الصحة أحمد بن عمر اليوم السفير الصيني لدى ليبيا لي زيغو في مكتبه.";
    assert_eq!(countries(&one(text, "2018-02-19")), ["CHN", "LBY"]);
    // Ambassadors to two states: no state is assumed for whoever receives them.
    let text = format!("{text} وكان السفير الصيني لدى تونس قد التقى أمس رئيس الحكومة.");
    assert!(events(&text, "2018-02-19").iter().all(|e| !countries(e).contains(&"LBY")));
}

#[test]
fn a_name_before_a_comma_and_its_title_is_the_holder() {
    let text = "التقى الدكتور جابر عصفور، وزير الثقافة، الاثنين، مع سفير إندونيسيا بالقاهرة نور فائزي سواندي.";
    let e = one(text, "2014-08-18");
    assert_eq!(countries(&e), ["EGY", "IDN"]);
    assert!(e.participants.iter().any(|p| p.name_ar == "جابر عصفور"), "{e:#?}");
}

#[test]
fn a_ministers_portfolio_runs_on_to_his_state() {
    // A portfolio no title row lists in full, with a word of talks ("البحث") inside it.
    let text = "التقى وزير التعليم العالي والبحث العلمي الكوبي ألبرتو غارسيا مع سفير الإمارات بدر المطروشي.";
    let e = one(text, "2022-11-15");
    assert_eq!(countries(&e), ["ARE", "CUB"]);
    assert!(e.participants.iter().any(|p| p.name_ar == "ألبرتو غارسيا" && p.country == "CUB"), "{e:#?}");
    // Latin America's "minister of foreign relations" is the foreign minister.
    let e = one("التقى وزير العلاقات الخارجية الكوبي برونو رودريغيز مع سفير الإمارات بدر المطروشي.", "2022-11-15");
    assert!(e.participants.iter().any(|p| p.actor_id == "person/bruno-rodriguez-parrilla"), "{e:#?}");
    // A day's words are no portfolio: the delegation's state is not the minister's.
    let found = events("استقبل وزير الخارجية اليوم الأحد الوفد الروسي.", "2022-11-13");
    assert!(found.iter().flat_map(|e| &e.participants).all(|p| p.role != "foreign minister" || p.country != "RUS"), "{found:#?}");
}

#[test]
fn a_welcome_says_nothing_of_the_contacts_status() {
    // Welcoming a visit still to come: the visit is due, not proposed.
    let e = one("ورحب وزير الدولة القطري بالزيارة المرتقبة لرئيس الوزراء الفرنسي إلى الدوحة نهاية الشهر الجاري.", "2019-03-10");
    assert_eq!(status(&e), EventStatus::Planned, "{e:#?}");
    // Welcoming an invitation: the invitation, however long its inviter's name, proposes the visit.
    let text = "ورحب الرئيس الكيني وليام روتو بدعوة رئيس مجلس السيادة الانتقالي عبد الفتاح البرهان لزيارة السودان.";
    let e = one(text, "2024-12-10");
    assert_eq!(countries(&e), ["KEN", "SDN"]);
    assert_eq!(status(&e), EventStatus::Proposed, "{e:#?}");
}

#[test]
fn a_counterpart_named_by_a_name_no_list_knows_is_that_person() {
    let e = one("التقى وزير الداخلية الليبي خالد مازن نظيره القطري سالم مبارك آل شافي في الدوحة.", "2022-11-15");
    assert_eq!(countries(&e), ["LBY", "QAT"]);
    assert!(e.participants.iter().any(|p| p.country == "QAT" && p.name_ar == "سالم مبارك آل شافي"), "{e:#?}");
    // Given names before a surname the list knows stay the listed holder's.
    let e = one("التقى وزير الخارجية الروسي سيرغي لافروف نظيره الأمريكي أنتوني بلينكن في جنيف.", "2022-01-10");
    assert!(e.participants.iter().any(|p| p.actor_id == "person/antony-blinken"), "{e:#?}");
}

#[test]
fn an_envoys_standing_stands_between_the_title_and_the_name() {
    for text in [
        "استقبل وزير الخارجية الكويتي سفير سوريا لدى الكويت المعين حديثا، أيمن سوسان.",
        "استقبل وزير الخارجية الكويتي سفير سوريا الجديد لدى الكويت أيمن سوسان.",
        "استقبل وزير الخارجية الكويتي سفير سوريا لدى الكويت السفير أيمن سوسان.",
        "استقبل وزير الخارجية الكويتي سفير سوريا غير المقيم أيمن سوسان.",
        "استقبل وزير الخارجية الكويتي مندوب سوريا الدائم لدى جامعة الدول العربية أيمن سوسان.",
    ] {
        let e = one(text, "2022-11-15");
        assert!(e.participants.iter().any(|p| p.country == "SYR" && p.name_ar == "أيمن سوسان"), "{text}: {e:#?}");
    }
}

#[test]
fn a_visit_with_no_place_between_the_articles_state_and_another_is_to_the_articles_state() {
    // A Saudi agency's report: the visitor came to Saudi Arabia.
    let text = "استقبل وزير الخارجية الأمير فيصل بن فرحان اليوم وزير خارجية سيراليون تيموثي موسى كابا، في زيارة رسمية. (واس)";
    let e = one(text, "2023-11-10");
    assert_eq!(mode(&e), ConsultMode::Visit);
    assert_eq!(e.location.as_ref().map(|l| (l.country.as_str(), l.whole_country)), Some(("SAU", true)), "{e:#?}");
}

#[test]
fn a_relative_pronoun_ends_a_name_no_list_knows() {
    let text = "استقبل وزير الخارجية الأمير فيصل بن فرحان اليوم وزير خارجية سيراليون تيموثي موسى كابا الذي يقوم بزيارة رسمية للمملكة.";
    let e = one(text, "2023-11-10");
    assert!(e.participants.iter().any(|p| p.country == "SLE" && p.name_ar == "تيموثي موسى كابا"), "{e:#?}");
}

#[test]
fn a_counterpart_in_a_state_is_of_that_state() {
    let text = "التقى الأمير فيصل بن فرحان وزير الخارجية السعودي اليوم الجمعة بنظيره في جمهورية سيراليون تيموثي موسى كابا في الرياض.";
    let e = one(text, "2023-11-10");
    let countries: Vec<&str> = e.participants.iter().map(|p| p.country.as_str()).collect();
    assert!(countries.contains(&"SLE") && countries.contains(&"SAU"), "{e:#?}");
}

#[test]
fn calls_with_counterparts_in_a_list_of_states_are_a_call_with_each() {
    let text = "أجرى وزير الخارجية الكويتي عبدالله اليحيا أمس سلسلة اتصالات هاتفية مع نظرائه في كل من المملكة العربية السعودية ومملكة البحرين ودولة قطر.";
    let found = events(text, "2025-03-10");
    let mut others: Vec<String> =
        found.iter().flat_map(|e| e.participants.iter().map(|p| p.country.clone())).filter(|c| c != "KWT").collect();
    others.sort();
    assert_eq!(others, ["BHR", "QAT", "SAU"], "{found:#?}");
    assert!(found.iter().all(|e| mode(e) == ConsultMode::Phone && date(e) == "2025-03-09"), "{found:#?}");
    // "قد تلقى" is a call received, not a possible one.
    let e = one("وقد تلقى وزير الخارجية الجزائري أحمد عطاف اتصالا هاتفيا من نظيره الكوبي برونو رودريغيز.", "2023-05-14");
    assert_eq!(status(&e), EventStatus::Occurred);
}

#[test]
fn meetings_with_several_leaders_listed_are_a_meeting_with_each() {
    let others = |text: &str| {
        let found = events(text, "2025-09-01");
        assert!(found.iter().all(|e| countries(e).contains(&"PAK") && e.participants.len() == 2), "{found:#?}");
        let mut others: Vec<String> =
            found.iter().flat_map(|e| e.participants.iter().map(|p| p.country.clone())).filter(|c| c != "PAK").collect();
        others.sort();
        others
    };
    for text in [
        "وأجرى رئيس الوزراء الباكستاني شهباز شريف لقاءات مع الرئيس الروسي فلاديمير بوتين والرئيس التركي رجب طيب أردوغان.",
        "والتقى رئيس الوزراء الباكستاني شهباز شريف عددا من القادة، من بينهم الرئيس الروسي فلاديمير بوتين والرئيس التركي رجب طيب أردوغان.",
    ] {
        assert_eq!(others(text), ["RUS", "TUR"]);
    }
    // "نظيريه": his two counterparts, each met.
    let found =
        events("كما سيلتقي دا سيلفا الثلاثاء المقبل في بوينوس آيرس نظيريه الكوبي ميجيل دياز كانيل والفنزويلي نيكولاس مادورو.", "2023-01-21");
    let pairs: Vec<Vec<&str>> = found.iter().map(countries).collect();
    assert_eq!(pairs, [["BRA", "CUB"], ["BRA", "VEN"]], "{found:#?}");
    // Meetings with those named after the noun, with no one before it to hold them: none told.
    let text = "وقال في بيان، إن غروندبرغ، اختتم زيارة إلى مسقط حيث عقد اجتماعات مع الشيخ خليفة الحارثي، وكيل وزارة الخارجية \
                العمانية للشؤون الدبلوماسية، ومع مسؤولين عمانيين آخرين، ومع القيادي الحوثي محمد عبدالسلام.";
    assert!(events(text, "2023-03-02").iter().all(|e| !(countries(e).contains(&"OMN") && countries(e).contains(&"YEM"))));
}

#[test]
fn a_grouping_meets_as_one_and_its_meeting_told_again_with_attendees_stays_one() {
    let text = "عقد مجلس التعاون الخليجي، اليوم، اجتماعاً مع وزير الخارجية الصيني وانغ يي في نيويورك. وترأس الاجتماع وزير الخارجية \
                السعودي فيصل بن فرحان، وشارك فيه وزيرا خارجية الكويت أحمد ناصر المحمد والبحرين عبداللطيف الزياني.";
    let e = one(text, "2022-09-22");
    assert_eq!(countries(&e), ["ARE", "BHR", "CHN", "KWT", "OMN", "QAT", "SAU"]);
}

#[test]
fn a_call_off_denied_leaves_the_contact_due() {
    let text =
        "أكد المتحدث باسم وزارة الخارجية المصرية أن زيارة العاهل السعودي الملك سلمان إلى القاهرة في موعدها ولم يتم إلغاؤها أو تأجيلها.";
    assert_eq!(status(&one(text, "2016-04-02")), EventStatus::Planned);
    let text = "أعلنت وزارة الخارجية المصرية إلغاء زيارة العاهل السعودي الملك سلمان إلى القاهرة.";
    assert_eq!(status(&one(text, "2016-04-02")), EventStatus::Cancelled);
}

#[test]
fn talks_with_those_after_with_are_held_by_the_subject_left_understood() {
    let text = "وعلى هامش القمة، من المرتقب أن يجري بوتين سلسلة لقاءات ثنائية، من بينها مباحثات مع الرئيس الإيراني مسعود بزشكيان، \
                ورئيس الوزراء الهندي ناريندرا مودي.";
    let found = events(text, "2025-08-31");
    let pairs: Vec<Vec<&str>> = found.iter().map(countries).collect();
    assert_eq!(pairs, [["IRN", "RUS"], ["IND", "RUS"]], "{found:#?}");
    assert!(found.iter().all(|e| status(e) == EventStatus::Planned), "{found:#?}");
}

#[test]
fn a_title_of_another_state_after_a_name_is_whom_they_met_not_an_apposition() {
    let e = one("استقبل محمد شياع السوداني السفير الياباني أكيرا إندو.", "2024-01-10");
    assert_eq!(actors(&e), ["person/JPN/akira-indu", "person/mohammed-shia-al-sudani"]);
}

#[test]
fn a_verb_with_the_article_is_its_verbal_noun() {
    // "التشاور" is consultation to come, not "they consulted".
    let text = "تلقى وزير الخارجية الكويتي صباح الخالد الحمد الصباح اليوم اتصالا هاتفيا من وزير الخارجية البريطاني وليام هيغ. \
                واتفق الجانبان على مواصلة التشاور خلال اجتماعات الجمعية العامة في نيويورك الشهر المقبل.";
    let found = events(text, "2013-08-28");
    let consults: Vec<(EventStatus, String)> =
        found.iter().filter(|e| e.event_type == EventType::Consult as i32).map(|e| (status(e), date(e))).collect();
    assert_eq!(consults, [(EventStatus::Occurred, "2013-08-28".to_string()), (EventStatus::Planned, "2013-09".to_string())], "{found:#?}");
}

#[test]
fn titles_resolve_to_the_holder_on_the_event_date() {
    let text = "استقبل وزير الخارجية الأمريكي نظيره الروسي في واشنطن اليوم.";
    assert_eq!(actors(&one(text, "2018-01-17")), ["person/rex-tillerson", "person/sergey-lavrov"]);
    assert_eq!(actors(&one(text, "2018-06-19")), ["person/mike-pompeo", "person/sergey-lavrov"]);
    assert_eq!(actors(&one(text, "2026-03-01")), ["person/marco-rubio", "person/sergey-lavrov"]);
    let e = one("اتصل الرئيس الأمريكي بالرئيس الروسي أمس.", "2016-06-01");
    assert_eq!(actors(&e), ["person/barack-obama", "person/vladimir-putin"]);
    let role = e.participants.iter().find(|p| p.actor_id == "person/barack-obama").unwrap().role.clone();
    assert_eq!(role, "president");
}

#[test]
fn deputies_and_reporters_are_not_participants() {
    let e = one("قال نائب وزير الخارجية الروسي إن فريقين من روسيا والولايات المتحدة سيعقدان اجتماعا الأسبوع المقبل.", "2025-02-23");
    assert_eq!(actors(&e), ["state/RUS", "state/USA"]);
}

#[test]
fn modality_from_the_verb_and_around_it() {
    let cases = [
        ("سيلتقي الرئيس المصري نظيره الفرنسي في باريس.", EventStatus::Planned),
        ("من المقرر أن يلتقي الرئيس المصري نظيره الفرنسي في باريس.", EventStatus::Planned),
        ("التقى الرئيس المصري نظيره الفرنسي في باريس.", EventStatus::Occurred),
        ("رحب الرئيس المصري باحتمال عقد لقاء مع نظيره الفرنسي.", EventStatus::Proposed),
        ("نفى الرئيس المصري عقد لقاء مع نظيره الفرنسي.", EventStatus::Negated),
        ("أرجأ الرئيس المصري زيارته إلى فرنسا.", EventStatus::Cancelled),
        ("أعلنت الرئاسة تأجيل زيارة الرئيس المصري إلى فرنسا.", EventStatus::Cancelled),
    ];
    for (text, expected) in cases {
        let found = events(text, "2019-03-10");
        assert_eq!(found.len(), 1, "{text}: {found:#?}");
        assert_eq!(status(&found[0]), expected, "{text}");
        assert_eq!(countries(&found[0]), ["EGY", "FRA"], "{text}");
    }
    // A past negation is no event at all: "has not visited".
    assert!(events("لم يقم لافروف بزيارة رسمية إلى واشنطن منذ عام 2017.", "2019-12-09").is_empty());
}

#[test]
fn modes_phone_visit_and_third_party() {
    let e = one("تلقى الرئيس الفلسطيني محمود عباس، يوم الأربعاء، اتصالا هاتفيا من الرئيس الإسرائيلي ريئوفين ريفلين.", "2020-03-18");
    assert_eq!(e.mode, ConsultMode::Phone as i32);
    assert_eq!(date(&e), "2020-03-18");
    let e = one("يصل سلطان عمان هيثم بن طارق القاهرة، غدا الأحد.", "2023-05-20");
    assert_eq!((e.mode, status(&e), date(&e)), (ConsultMode::Visit as i32, EventStatus::Planned, "2023-05-21".to_string()));
    assert_eq!(e.location.as_ref().unwrap().name_en, "Cairo");
    let e = one("التقى بوتين وزيلينسكي اليوم الاثنين في باريس.", "2019-12-09");
    assert_eq!(e.mode, ConsultMode::ThirdParty as i32);
}

#[test]
fn spoke_by_telephone_is_a_call_and_spoke_about_is_not() {
    let e =
        one("وقال مكتب نتنياهو إن رئيس الوزراء الإسرائيلي بنيامين نتنياهو تحدث هاتفيا مع ولي عهد أبوظبي الشيخ محمد بن زايد.", "2021-03-11");
    assert_eq!((mode(&e), actors(&e).len()), (ConsultMode::Phone, 2));
    assert!(events("وتحدث الرئيس الروسي فلاديمير بوتين عن العلاقات مع الولايات المتحدة.", "2021-03-11").is_empty());
    // The subject before the verb when everyone after it follows "مع".
    let found = events("البيت الأبيض: ترامب سيتحدث هاتفيا مع هولاند وميركل وبوتين غدا.", "2017-01-27");
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().all(|e| actors(e).contains(&"person/donald-trump".to_string())), "{found:#?}");
}

#[test]
fn one_call_with_several_leaders_is_several_calls() {
    let found =
        events("يتحادث الرئيس الأمريكي دونالد ترامب يوم غد هاتفيا مع الرئيس الفرنسي والمستشارة الألمانية والرئيس الروسي.", "2017-01-27");
    let mut others: Vec<String> = found.iter().map(|e| actors(e).into_iter().find(|a| a != "person/donald-trump").unwrap()).collect();
    others.sort();
    assert_eq!(others, ["person/angela-merkel", "person/francois-hollande", "person/vladimir-putin"]);
    assert!(found.iter().all(|e| status(e) == EventStatus::Planned && date(e) == "2017-01-28" && e.mode == ConsultMode::Phone as i32));
}

#[test]
fn the_same_meeting_told_twice_is_one_event() {
    let text = "لافروف يبحث مع بومبيو في واشنطن. وقال مصدر إن وزير الخارجية الروسي سيرغي لافروف سيبحث يوم غد الثلاثاء مع نظيره الأمريكي مايك بومبيو في واشنطن التنسيق في سوريا.";
    let e = one(text, "2019-12-09");
    assert_eq!((status(&e), date(&e)), (EventStatus::Planned, "2019-12-10".to_string()));
    assert_eq!(e.evidence.len(), 2);
    assert_eq!(e.topics.iter().map(|t| t.country.as_str()).collect::<Vec<_>>(), ["SYR"]);
}

#[test]
fn agreements_and_signings() {
    let e = one("واتفقت موسكو وواشنطن على استئناف الحوار.", "2025-02-18");
    assert_eq!(e.event_type, EventType::Agree as i32);
    let e = one("وقع الجانبان السعودي والصيني مذكرة تفاهم في الرياض.", "2022-12-08");
    assert_eq!((e.event_type, e.cameo_code.as_str()), (EventType::Agree as i32, "057"));
    // "وقع" also means "happened": without an agreement it is not a signing.
    assert!(events("وقع انفجار في بيروت أمس.", "2020-08-05").is_empty());
}

#[test]
fn sports_weather_and_prices_yield_nothing() {
    for text in [
        "حقق منتخبنا انتصارا على شقيقه الكويتي في اللقاء الودي الذي احتضنه ستاد جابر الأحمد، حيث التقيا تسع مرات.",
        "قفز سعر برميل خام برنت اليوم فوق 80 دولارا مع خروج العالم من أزمة كوفيد.",
        "توقعت الأرصاد الجوية أمطارا غزيرة على الرياض وجدة غدا.",
    ] {
        assert!(events(text, "2021-01-01").is_empty(), "{text}");
    }
}

#[test]
fn without_a_dateline_relative_dates_stay_unresolved() {
    let article = Article {
        id: "x".into(), text: "التقى لافروف بومبيو اليوم الثلاثاء في سوتشي.".into(), ..Default::default()
    };
    let response = extractor().extract(&article);
    assert_eq!(response.events.len(), 1);
    assert!(response.events[0].date.is_none());
    assert!(response.warnings[0].contains("publication date unknown"));
}

#[test]
fn evidence_points_into_the_text_as_sent() {
    let text = "عاجل:\nالتقى سيرغي لافروف مع مايك بومبيو في سوتشي.";
    let e = one(text, "2019-05-14");
    let ev = &e.evidence[0];
    let chars: Vec<char> = text.chars().collect();
    let quoted: String = chars[ev.start as usize..ev.end as usize].iter().collect();
    assert_eq!(quoted, ev.sentence);
    assert_eq!(ev.trigger, "التقى");
}

#[test]
fn bad_input_gives_sensible_output() {
    for text in
        ["", "   \n\t", "The ministers met in Geneva on Tuesday.", "\u{0}\u{1}\u{7f}لافروف\u{202e}بومبيو\u{feff}", "🙂 اجتماع 🙂 لقاء"]
    {
        let _ = events(text, "2019-05-14");
    }
    assert!(events("The ministers met in Geneva on Tuesday.", "2019-05-14").is_empty());
    // Malformed publication date: a warning, and relative dates stay unresolved.
    let article =
        Article {
            id: "x".into(), text: "التقى لافروف بومبيو أمس.".into(), published_at: "14/05/2019".into(), ..Default::default()
        };
    let response = extractor().extract(&article);
    assert!(response.warnings.iter().any(|w| w.contains("14/05/2019")));
}

#[test]
fn ten_megabytes_of_text() {
    let paragraph = "التقى وزير الخارجية الروسي سيرغي لافروف نظيره الأمريكي مايك بومبيو في سوتشي اليوم. ";
    let text = paragraph.repeat(10 * 1024 * 1024 / paragraph.len());
    let found = events(&text, "2019-05-14");
    assert_eq!(found.len(), 1, "one happening however many times it is told");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn arabic_soup() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "لافروف",
            "وبومبيو",
            "التقى",
            "سيلتقي",
            "اتصالا هاتفيا",
            "مع",
            "بين",
            "و",
            "،",
            ".",
            "\n",
            "في",
            "موسكو",
            "واشنطن",
            "الرئيس",
            "الروسي",
            "نظيره",
            "أمس",
            "غدا",
            "الثلاثاء",
            "الماضي",
            "3",
            "مايو/أيار",
            "2019",
            "٢٠١٩",
            "لم",
            "لا توجد خطط",
            "تأجيل",
            "زيارة",
            "إلى",
            "\u{0}",
            "\u{640}",
            "َ",
            "abc",
            "🙂",
            "(",
            ")",
            "/",
            "-",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.join(" "))
    }

    proptest! {
        #[test]
        fn never_panics_and_evidence_is_in_bounds(text in arabic_soup(), any_text in ".{0,200}") {
            for t in [&text, &any_text] {
                let chars = t.chars().count() as u32;
                for e in events(t, "2019-05-14") {
                    prop_assert!(e.participants.len() >= 2);
                    for ev in &e.evidence {
                        prop_assert!(ev.start <= ev.end && ev.end <= chars);
                    }
                }
            }
        }
    }
}

#[test]
fn a_shared_name_means_the_country_the_article_is_about() {
    let e = one("استقبل العاهل الأردني الملك عبدالله الثاني في عمان اليوم الرئيس الفرنسي.", "2019-03-10");
    assert_eq!(e.location.as_ref().unwrap().name_en, "Amman");
    let found = events("يزور الرئيس الإيراني عمان غدا، ويلتقي السلطان العماني هيثم بن طارق.", "2023-05-27");
    assert!(found.iter().any(|e| e.location.as_ref().is_some_and(|l| l.country == "OMN")), "{found:#?}");
}

#[test]
fn a_name_as_written_is_not_a_clitic_reading() {
    // "فيصل" is a name, not ف + يصل (arrives).
    let found = events("وكان الأمير فيصل بن فرحان في الرياض مع وزير الخارجية الأمريكي.", "2022-12-08");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn titles_before_unknown_names_and_places_named_after_people_are_not_actors() {
    // The Riyadh governor is not in the knowledge base: "الأمير فيصل بن بندر" is not "the emir".
    let found = events("وكان في استقبال الرئيس الصيني الأمير فيصل بن بندر أمير منطقة الرياض.", "2022-12-07");
    assert!(found.is_empty(), "{found:#?}");
    // King Faisal's hospital is not King Faisal.
    let found = events("زار رئيس الوزراء العراقي مصطفى الكاظمي مستشفى الملك فيصل التخصصي.", "2020-07-20");
    assert!(found.iter().all(|e| !actors(e).contains(&"person/faisal-bin-abdulaziz".to_string())), "{found:#?}");
}

#[test]
fn other_ministers_stand_for_their_state() {
    let e = one("والتقى وزير الطاقة السعودي الأمير عبدالعزيز بن سلمان نظيره الروسي في الرياض.", "2022-09-24");
    let countries: Vec<&str> = e.participants.iter().map(|p| p.country.as_str()).collect();
    assert!(countries.contains(&"SAU") && countries.contains(&"RUS"), "{countries:?}");
    let e = one("وكان وزير الاقتصاد الألماني قد زار قطر في مارس الماضي.", "2022-09-24");
    assert_eq!(actors(&e), ["state/DEU", "state/QAT"]);
    assert_eq!(date(&e), "2022-03");
}

#[test]
fn cues_reach_a_place_across_the_capital_and_its_adjective() {
    let e = one("وصل رئيس الوزراء المصري مصطفى مدبولي اليوم إلى العاصمة الليبية طرابلس.", "2021-04-20");
    assert_eq!(ConsultMode::try_from(e.mode).unwrap(), ConsultMode::Visit);
    assert_eq!(e.location.as_ref().map(|l| l.name_en.as_str()), Some("Tripoli"));
    assert!(actors(&e).contains(&"state/LBY".to_string()), "{:?}", actors(&e));
}

#[test]
fn the_two_sides_sign_what_they_witness() {
    let text = "وصل رئيس الوزراء المصري مصطفى مدبولي اليوم إلى طرابلس. \
                وشهد رئيسا الحكومتين في ختام المباحثات توقيع 11 مذكرة تفاهم واتفاقية تعاون.";
    let found = events(text, "2021-04-20");
    let agreement = found.iter().find(|e| e.event_type == EventType::Agree as i32).expect("an agreement");
    let countries: Vec<&str> = agreement.participants.iter().map(|p| p.country.as_str()).collect();
    assert!(countries.contains(&"EGY") && countries.contains(&"LBY"), "{countries:?}");
}

#[test]
fn a_given_name_that_is_someone_elses_rules_out_a_surname_match() {
    let found = events("والتقى ولي العهد السعودي وزير التجارة الجنوب إفريقي إبراهيم باتيل في الرياض.", "2022-10-16");
    assert!(found.iter().all(|e| !actors(e).contains(&"person/pratibha-patil".to_string())), "{found:#?}");
}

#[test]
fn the_kingdom_is_the_one_the_article_is_about() {
    let text = "أعلنت السعودية أن الرئيس الصيني وصل إلى المملكة أمس في زيارة رسمية.";
    let e = one(text, "2022-12-08");
    assert!(actors(&e).contains(&"state/SAU".to_string()), "{:?}", actors(&e));
}

#[test]
fn a_new_clause_has_its_own_subject() {
    let text = "ذكرت مصادر عراقية أن رئيس الوزراء العراقي مصطفى الكاظمي سيتوجه غدا إلى طهران، فيما زار وزير الخارجية الإيراني بغداد أمس.";
    let found = events(text, "2020-07-20");
    let visit = found.iter().find(|e| date(e) == "2020-07-19").expect("the visit to Baghdad");
    assert!(!actors(visit).iter().any(|a| a.contains("kadhimi")), "{:?}", actors(visit));
}

#[test]
fn attendees_of_the_meeting_just_reported_join_it() {
    let text = "بحث الرئيس التركي رجب طيب إردوغان، الثلاثاء، مع رئيس الوزراء العراقي محمد شياع السوداني العلاقات الثنائية. \
                وحضر اللقاء وزير الخارجية التركي ونظيره العراقي.";
    let consults: Vec<Event> = events(text, "2023-03-21").into_iter().filter(|e| e.event_type == EventType::Consult as i32).collect();
    assert_eq!(consults.len(), 1, "{consults:#?}");
}

#[test]
fn adjectives_after_a_contact_noun_name_its_sides() {
    let e = one("وقال بيسكوف إنه لا توجد خطط حاليا لعقد قمة روسية تركية إيرانية.", "2016-08-10");
    assert_eq!(actors(&e), ["state/IRN", "state/RUS", "state/TUR"]);
    assert_eq!(status(&e), EventStatus::Negated);
    assert_eq!(ConsultMode::try_from(e.mode).unwrap(), ConsultMode::Multilateral);
}

#[test]
fn the_stops_a_tour_includes_are_visits_still_to_come_with_no_day_of_their_own() {
    let text = "وصل المستشار الألماني أولاف شولتز السبت إلى مدينة جدة السعودية في مستهل جولة خليجية تستغرق يومين وتشمل كذلك الإمارات وقطر.";
    let found = events(text, "2022-09-24");
    let arrival = &found[0];
    assert_eq!(actors(arrival), ["person/olaf-scholz", "state/SAU"]);
    assert_eq!(arrival.location.as_ref().map(|l| l.name_en.as_str()), Some("Jeddah"));
    let stops: Vec<(Vec<String>, i32, bool)> = found[1..].iter().map(|e| (actors(e), e.status, e.date.is_none())).collect();
    let planned = EventStatus::Planned as i32;
    assert_eq!(
        stops,
        [
            (vec!["person/olaf-scholz".to_string(), "state/ARE".to_string()], planned, true),
            (vec!["person/olaf-scholz".to_string(), "state/QAT".to_string()], planned, true),
        ]
    );
}

#[test]
fn a_visit_a_relative_clause_tells_on_the_sidelines_of_something_else_is_reported() {
    let text = "وقعت تركيا والكويت اليوم 4 اتفاقيات، على هامش الزيارة الرسمية التي بدأها الرئيس أردوغان، اليوم، إلى الكويت، في مستهل جولة خليجية تشمل قطر وسلطنة عمان.";
    let found = events(text, "2025-10-21");
    let visits: Vec<Vec<String>> = found.iter().filter(|e| e.mode == ConsultMode::Visit as i32).map(actors).collect();
    assert_eq!(
        visits,
        [
            ["person/recep-tayyip-erdogan", "state/KWT"],
            ["person/recep-tayyip-erdogan", "state/QAT"],
            ["person/recep-tayyip-erdogan", "state/OMN"]
        ]
    );
}

#[test]
fn an_extraction_asked_to_stop_ends_with_nothing_and_one_never_asked_is_the_same() {
    let article = Article {
        id: "t".into(),
        text: "التقى لافروف بومبيو في سوتشي اليوم.".into(),
        published_at: "2019-05-14".into(),
        ..Default::default()
    };
    assert_eq!(extractor().extract_until(&article, &|| true), None);
    assert_eq!(extractor().extract_until(&article, &|| false), Some(extractor().extract(&article)));
    // Asked between its stages: it stops at the first question after the answer changes.
    let asked = std::cell::Cell::new(0);
    let stop = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    assert_eq!(extractor().extract_until(&article, &stop), None);
    assert_eq!(asked.get(), 2);
}

#[test]
fn the_form_cache_never_changes_the_events() {
    let articles: Vec<Article> =
        include_str!("../seeds/seeds.jsonl").lines().map(|l| serde_json::from_str(l).expect("seed line")).collect();
    let fresh: Vec<_> = articles.iter().map(|a| extractor().extract_with(a, &mut FormCache::default())).collect();
    // One cache through the articles in reverse order, then again after a cache of another
    // extractor: every article meets forms analysed for the others.
    let mut cache = FormCache::default();
    let warm: Vec<_> = articles.iter().rev().map(|a| extractor().extract_with(a, &mut cache)).collect();
    let other = Extractor::embedded().expect("embedded knowledge base loads");
    other.extract_with(&articles[0], &mut cache);
    let again: Vec<_> = articles.iter().map(|a| extractor().extract_with(a, &mut cache)).collect();
    assert!(warm.into_iter().rev().eq(fresh.iter().cloned()));
    assert_eq!(again, fresh);
}

fn location(e: &Event) -> (String, String) {
    e.location.as_ref().map(|l| (l.name_en.clone(), l.country.clone())).unwrap_or_default()
}

fn mode(e: &Event) -> ConsultMode {
    ConsultMode::try_from(e.mode).unwrap()
}

#[test]
fn talks_with_no_place_of_their_own_took_place_at_the_dateline() {
    // A reception in the dateline's country: a visit, at the dateline.
    let e = one("دمشق-سانا\nاستقبل الرئيس بشار الأسد اليوم وزير الخارجية اللبناني عبد الله بو حبيب.", "2023-02-08");
    assert_eq!((location(&e), mode(&e)), (("Damascus".into(), "SYR".into()), ConsultMode::Visit));
    // A state at the dateline is its capital; the agency and date after it do not matter.
    let e = one("الكويت 12 مايو (كونا) - استقبل أمير الكويت اليوم رئيس الوزراء العراقي.", "2023-05-12");
    assert_eq!(location(&e), ("Kuwait City".into(), "KWT".into()));
    // A visit named only by its country is placed in the city it is reported from.
    let e = one("الجزائر - وصلت رئيسة الوزراء الإيطالية جورجيا ميلوني اليوم في زيارة رسمية إلى الجزائر.", "2023-01-22");
    assert_eq!(location(&e).1, "DZA");
    assert_ne!(location(&e).0, "Algeria");
    // A phone call has no place; talks between two other countries are not at the dateline;
    // a city that opens a sentence without a dash is no dateline.
    let e = one("موسكو - أجرى الرئيس الروسي اتصالا هاتفيا اليوم مع الرئيس الأمريكي.", "2025-02-12");
    assert_eq!((location(&e), mode(&e)), (Default::default(), ConsultMode::Phone));
    let e = one("باريس (أ ف ب) - التقى وزير الخارجية الروسي نظيره الأمريكي اليوم.", "2019-05-14");
    assert_eq!(location(&e), Default::default());
    let e = one("موسكو تستقبل اليوم وزير الخارجية الأمريكي.", "2019-05-14");
    assert_eq!(location(&e), Default::default());
    // A headline saying what Moscow says; talks still to come are not placed.
    let e = one("موسكو: اجتماع روسي أمريكي جديد الأسبوع الجاري", "2025-02-23");
    assert_eq!(location(&e), Default::default());
    let e = one("موسكو - سيلتقي وزير الخارجية الروسي نظيره الأمريكي الأسبوع المقبل.", "2019-05-14");
    assert_eq!(location(&e), Default::default());
}

#[test]
fn a_meeting_told_in_the_perfect_happened_and_stays_apart_from_an_invitation() {
    let text = "التقى الرئيس الفرنسي إيمانويل ماكرون الرئيس الجزائري عبد المجيد تبون في باريس.\n\
                وأعلن تبون أنه وجه دعوة إلى ماكرون لزيارة الجزائر، مشيرا إلى أن ماكرون رحب بالدعوة.";
    let found = events(text, "2022-08-25");
    let statuses: Vec<EventStatus> = found.iter().map(status).collect();
    assert_eq!(statuses, [EventStatus::Occurred, EventStatus::Proposed], "{found:#?}");
    assert_eq!(location(&found[0]).0, "Paris");
}

#[test]
fn a_headline_title_is_the_holder_named_in_the_lead_and_the_leaders_are_the_summit() {
    // "الملك والسيسي": the king and Sisi, two people; the king is the one the lead names.
    let text = "الملك والسيسي وتبون يعقدون قمة ثلاثية في الجزائر\n\
                عقد العاهل الأردني الملك عبدالله الثاني والرئيس المصري عبد الفتاح السيسي والرئيس الجزائري عبد المجيد تبون اليوم قمة ثلاثية.\n\
                واتفق القادة في البيان الختامي على تعزيز التعاون الاقتصادي.";
    let found = events(text, "2022-11-01");
    let summit = found.iter().find(|e| e.event_type == EventType::Consult as i32).expect("the summit");
    assert_eq!(mode(summit), ConsultMode::Multilateral);
    assert_eq!(actors(summit).len(), 3, "{summit:#?}");
    assert_eq!(found.iter().filter(|e| e.event_type == EventType::Consult as i32).count(), 1, "{found:#?}");
    let agreement = found.iter().find(|e| e.event_type == EventType::Agree as i32).expect("the leaders agreed");
    assert_eq!(actors(agreement), actors(summit));
}

#[test]
fn an_interim_or_acting_title_names_the_person_after_it() {
    // Without "المؤقت" read as a qualifier, the title of no country would be the prime
    // minister named before (Sharaf), not the one named after it.
    let text = "التقى عصام شرف رئيس مجلس الوزراء المصري اليوم وزير الخارجية الفرنسي.\n\
                وتلتقي كلينتون غدا رئيس الحكومة المؤقتة الباجي قائد السبسي في تونس.";
    let found = events(text, "2011-03-16");
    let tunis = found.iter().find(|e| location(e).1 == "TUN").expect("the meeting in Tunis");
    assert!(actors(tunis).contains(&"person/beji-caid-essebsi".to_string()), "{:?}", actors(tunis));
    assert!(!actors(tunis).contains(&"person/essam-sharaf".to_string()), "{:?}", actors(tunis));
}

#[test]
fn a_meeting_during_the_visit_takes_the_visits_day_and_place() {
    let text = "وصل رئيس الوزراء الأردني بشر الخصاونة اليوم الأحد إلى بغداد في زيارة رسمية.\n\
                ومن المقرر أن يلتقي الخصاونة خلال الزيارة الرئيس العراقي برهم صالح.";
    let found = events(text, "2021-03-14");
    // The visit, whose host the article leaves unnamed, is Salih's too (the one Iraqi of the day).
    let meeting = found.iter().find(|e| e.evidence.iter().any(|ev| ev.trigger == "يلتقي")).expect("the meeting with Salih");
    assert!(actors(meeting).contains(&"person/barham-salih".to_string()), "{meeting:#?}");
    assert_eq!(status(meeting), EventStatus::Planned);
    assert_eq!(date(meeting), "2021-03-14");
    assert_eq!((location(meeting).0.as_str(), mode(meeting)), ("Baghdad", ConsultMode::Visit));
}

#[test]
fn the_two_presidents_are_the_last_presidents_who_met_not_their_ministers() {
    let text = "التقى الرئيس الروسي فلاديمير بوتين نظيره التركي رجب طيب أردوغان اليوم في سان بطرسبورغ.\n\
                كما التقى وزيرا الخارجية سيرغي لافروف ومولود تشاووش أوغلو في سوتشي مطلع يوليو.\n\
                ومن المنتظر أن يلتقي الرئيسان مجددا في الصين الشهر المقبل.";
    let found = events(text, "2016-08-09");
    let next = found.iter().find(|e| status(e) == EventStatus::Planned).expect("the planned meeting");
    assert_eq!(actors(next), ["person/recep-tayyip-erdogan", "person/vladimir-putin"]);
    let ministers = found.iter().find(|e| actors(e).contains(&"person/sergey-lavrov".to_string())).expect("the ministers");
    assert_eq!(date(ministers), "2016-07");
}

#[test]
fn the_two_sides_do_not_reach_across_a_clause_into_the_next_host() {
    let text = "ويتوجه المستشار الألماني أولاف شولتس الأحد إلى الإمارات حيث يلتقي الرئيس محمد بن زايد، \
                ومن المتوقع أن يوقع البلدان اتفاقا، قبل أن ينتقل إلى الدوحة للقاء أمير قطر تميم بن حمد.";
    for e in events(text, "2022-09-24") {
        let a = actors(&e);
        assert!(!(a.contains(&"person/tamim-bin-hamad".to_string()) && a.contains(&"person/mohamed-bin-zayed".to_string())), "{a:?}");
    }
}

#[test]
fn a_journeys_purpose_is_a_meeting_of_the_traveller() {
    // Pro-drop travel verb in the imperfect after "على أن": planned, dated by "غدا", placed at
    // the destination; the earlier clause's counterpart is not a side.
    let found = events(
        "بحث وزير الخارجية الروسي سيرغي لافروف اليوم الاثنين في أنقرة مع نظيره التركي مولود تشاووش أوغلو الأزمة السورية، على أن يسافر غدا الثلاثاء إلى الرياض للقاء العاهل السعودي الملك سلمان بن عبد العزيز.",
        "2019-06-03",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    let e = &found[1];
    assert_eq!(actors(e), ["person/salman-bin-abdulaziz", "person/sergey-lavrov"]);
    assert_eq!((status(e), date(e).as_str()), (EventStatus::Planned, "2019-06-04"));
    assert_eq!(e.location.as_ref().map(|l| l.name_en.as_str()), Some("Riyadh"));
    assert_eq!(e.mode, ConsultMode::Visit as i32);
    // In the perfect, after "ثم": it happened, between the traveller and the host only.
    let found = events(
        "بحث وزير الخارجية الروسي سيرغي لافروف أمس في أنقرة مع نظيره التركي مولود تشاووش أوغلو الأزمة السورية، ثم غادر إلى الرياض للقاء العاهل السعودي الملك سلمان بن عبد العزيز.",
        "2019-06-03",
    );
    let e = found.iter().find(|e| actors(e).contains(&"person/salman-bin-abdulaziz".to_string())).expect("the meeting in Riyadh");
    assert_eq!((actors(e).len(), status(e)), (2, EventStatus::Occurred));
}

#[test]
fn runs_of_days_and_plans_later_in_the_current_year() {
    let e = one("تلقى الرئيس الفرنسي إيمانويل ماكرون خلال اليومين الماضيين اتصالا هاتفيا من المستشار الألماني أولاف شولتس.", "2022-10-05");
    assert_eq!(actors(&e), ["person/emmanuel-macron", "person/olaf-scholz"]);
    assert_eq!(status(&e), EventStatus::Occurred);
    let d = e.date.as_ref().unwrap();
    assert_eq!((d.start.as_str(), d.end.as_str()), ("2022-10-03", "2022-10-04"));
    // A plan for "later this year" is still to come: from the dateline to the year's end.
    let e = one("ويعتزم الرئيس المصري زيارة اليابان في وقت لاحق من العام الجاري.", "2019-05-14");
    assert_eq!(actors(&e), ["person/abdel-fattah-el-sisi", "state/JPN"]);
    assert_eq!(status(&e), EventStatus::Planned);
    let d = e.date.as_ref().unwrap();
    assert_eq!((d.start.as_str(), d.end.as_str()), ("2019-05-14", "2019-12-31"));
    // "It was decided" plans; "السنة الجارية" is the current year.
    let e = one("كما تقرر عقد اجتماع بين الرئيس المصري والعاهل الأردني قبل نهاية السنة الجارية.", "2021-03-10");
    assert_eq!(actors(&e), ["person/abdel-fattah-el-sisi", "person/abdullah-ii"]);
    assert_eq!(status(&e), EventStatus::Planned);
    let d = e.date.as_ref().unwrap();
    assert_eq!((d.start.as_str(), d.end.as_str()), ("2021-03-10", "2021-12-31"));
}

#[test]
fn an_arrival_is_a_visit_only_when_someone_arrives() {
    let e = one("وكان العاهل الأردني الملك عبد الله الثاني في مقدمة مستقبلي الرئيس المصري لدى وصوله إلى العقبة أمس.", "2021-06-28");
    assert_eq!(actors(&e), ["person/abdel-fattah-el-sisi", "person/abdullah-ii"]);
    assert_eq!((status(&e), date(&e).as_str(), e.mode), (EventStatus::Occurred, "2021-06-27", ConsultMode::Visit as i32));
    assert!(events("وأعلنت الوكالة عن وصول المساعدات المصرية إلى غزة أمس.", "2021-06-28").is_empty());
}

#[test]
fn a_bare_title_is_whoever_named_before_held_it_then_among_other_offices() {
    // Prime minister when the article is written, crown prince (and defence minister) in 2019.
    let e = one(
        "وترأس ولي العهد رئيس مجلس الوزراء الأمير محمد بن سلمان الجلسة. وتأتي الزيارة امتدادا لزيارة سمو ولي العهد إلى اليابان في يونيو 2019.",
        "2022-12-08",
    );
    assert_eq!(actors(&e), ["person/mohammed-bin-salman", "state/JPN"]);
    assert_eq!((status(&e), date(&e).as_str()), (EventStatus::Occurred, "2019-06"));
}

#[test]
fn a_verb_in_the_dual_gives_the_signing_the_pair_just_reported() {
    // "شهدا" (the two witnessed): the agreement is between the two leaders of the talks.
    let found = events(
        "استقبل الرئيس المصري عبد الفتاح السيسي في القاهرة اليوم الأحد ولي العهد السعودي الأمير محمد بن سلمان، وشهدا في ختام المباحثات توقيع 14 اتفاقية للتعاون بين البلدين.",
        "2018-03-04",
    );
    let agree: Vec<&Event> = found.iter().filter(|e| e.event_type == EventType::Agree as i32).collect();
    assert_eq!(agree.len(), 1, "{found:#?}");
    assert_eq!(actors(agree[0]), ["person/abdel-fattah-el-sisi", "person/mohammed-bin-salman"]);
    assert_eq!((status(agree[0]), date(agree[0]).as_str()), (EventStatus::Occurred, "2018-03-04"));
    // "شهداء" (martyrs) is written the same once its hamza drops: it names no pair.
    assert!(events("وشيع الآلاف الشهداء، بينما رفضت الفصائل توقيع أي اتفاق قبل وقف القصف الذي أوقع شهداء.", "2018-03-04").is_empty());
}

#[test]
fn a_state_whose_name_is_also_an_adjective_is_the_state_where_no_noun_precedes_it() {
    // "اتفقت السعودية والكويت", "زيارة للسعودية": the state; "مدينة جدة السعودية" (see the
    // tour's test) and an indefinite "قمة روسية": the adjective.
    let e = one("اتفقت السعودية والكويت اليوم على تعزيز التعاون التجاري.", "2024-05-02");
    assert_eq!(actors(&e), ["state/KWT", "state/SAU"]);
    let e = one("بدأ أمير الكويت اليوم زيارة للسعودية.", "2024-05-02");
    assert!(actors(&e).contains(&"state/SAU".to_string()), "{:?}", actors(&e));
    // "إلى" (normalised الي) only looks like a definite word: the state after it is the state.
    let e = one("وصل الرئيس الروسي فلاديمير بوتين إلى السعودية في زيارة رسمية.", "2023-12-06");
    assert_eq!(actors(&e), ["person/vladimir-putin", "state/SAU"]);
}

#[test]
fn whoever_is_named_after_since_is_no_side() {
    let text = "يزور رئيس الوزراء الياباني القاهرة غدا في أول زيارة من نوعها منذ عهد الرئيس الأسبق حسني مبارك.";
    let e = one(text, "2023-05-01");
    assert!(!actors(&e).iter().any(|a| a.contains("mubarak")), "{:?}", actors(&e));
}

#[test]
fn a_meeting_with_two_people_of_one_state_is_a_meeting_with_each() {
    let text = "ويلتقي وزير الخارجية الفرنسي غدا في بغداد الرئيس العراقي برهم صالح ورئيس الوزراء مصطفى الكاظمي.";
    let found = events(text, "2020-07-15");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|e| actors(e).len() == 2 && actors(e).contains(&"person/jean-yves-le-drian".to_string())));
    // A reception is given by the hosts together: one event.
    let text = "واستقبل الرئيس العراقي برهم صالح ورئيس الوزراء مصطفى الكاظمي اليوم في بغداد وزير الخارجية الفرنسي.";
    assert_eq!(events(text, "2020-07-15").len(), 1);
}

#[test]
fn the_heads_of_the_delegations_named_next_are_the_people_of_the_meeting() {
    let text = "عقد في القاهرة اليوم اجتماع أمني بمشاركة مسؤولين من مصر وقطر والولايات المتحدة وإسرائيل.\n\
                وترأس الوفد القطري محمد بن عبد الرحمن آل ثاني، فيما ترأس الوفد الأمريكي وليام بيرنز.";
    let e = one(text, "2024-01-10");
    let ids = actors(&e);
    assert!(ids.contains(&"person/mohammed-bin-abdulrahman".to_string()) && ids.contains(&"person/william-burns".to_string()), "{ids:?}");
    assert_eq!(e.participants.len(), 4, "{ids:?}");
    // Someone of a state that is no side of it does not join it.
    let text = "عقد في القاهرة اليوم اجتماع أمني بمشاركة مسؤولين من مصر وقطر وإسرائيل.\n\
                وترأس الوفد القطري محمد بن عبد الرحمن آل ثاني، فيما ترأس الوفد الأمريكي وليام بيرنز.";
    let e = one(text, "2024-01-10");
    assert!(!actors(&e).contains(&"person/william-burns".to_string()), "{:?}", actors(&e));
}

#[test]
fn whoever_attends_or_mediates_is_no_side() {
    let text = "استقبل الرئيس عبد الفتاح السيسي اليوم في القاهرة الملك عبد الله الثاني، بحضور رئيس الوزراء العراقي محمد شياع السوداني.";
    let e = one(text, "2024-03-05");
    assert_eq!(actors(&e), ["person/abdel-fattah-el-sisi", "person/abdullah-ii"]);
    // The attendee does not take the place of the subject before the verb.
    let e = one("السيسي يجتمع بالعاهل الأردني بوساطة فيدان", "2024-03-05");
    assert_eq!(actors(&e), ["person/abdel-fattah-el-sisi", "person/abdullah-ii"]);
}

#[test]
fn the_heads_named_after_a_contact_in_its_sentence_are_its_sides() {
    let text = "واختتمت اليوم في الدوحة مفاوضات ترأس فيها الوفد المصري وزير الخارجية بدر عبد العاطي، \
                فيما ترأس الوفد الأردني أيمن الصفدي، بحضور هاكان فيدان.";
    let e = one(text, "2024-09-10");
    assert_eq!(actors(&e), ["person/ayman-safadi", "person/badr-abdelatty"]);
}

#[test]
fn talks_over_a_run_of_days_date_from_the_first_and_their_agreement_on_its_day() {
    let text = "اتفقت مصر والأردن اليوم على تعزيز التعاون الاقتصادي.\n\
                وجاء الاتفاق إثر مباحثات جرت في عمان بين 3 و7 أكتوبر الجاري، ترأس فيها الوفد المصري بدر عبد العاطي، \
                فيما ترأس الوفد الأردني أيمن الصفدي.";
    let found = events(text, "2024-10-07");
    let talks = found.iter().find(|e| e.event_type == EventType::Consult as i32).expect("the talks");
    assert_eq!(date(talks), "2024-10-03");
    let agreement = found.iter().find(|e| e.event_type == EventType::Agree as i32).expect("the agreement");
    assert_eq!(date(agreement), "2024-10-07");
}

#[test]
fn an_honorific_of_an_office_is_its_holder_named_before_not_whoever_was_named_last() {
    let text = "وصل الرئيس الصيني شي جين بينغ إلى القاهرة أمس، وكان في استقباله وزير الخارجية بدر عبد العاطي.\n\
                ويلتقي فخامته اليوم الملك عبد الله الثاني.";
    let found = events(text, "2024-05-20");
    let e = found.iter().find(|e| actors(e).contains(&"person/abdullah-ii".to_string())).expect("the meeting with the king");
    assert_eq!(actors(e), ["person/abdullah-ii", "person/xi-jinping"]);
}

#[test]
fn a_plan_covers_the_contact_nouns_coordinated_after_it_and_dates_them_from_its_clause() {
    let text = "ومن المقرر أن يعقد الرئيس عبد الفتاح السيسي غدا الخميس مباحثات مع الملك عبد الله الثاني، \
                ولقاء مع رئيس الوزراء العراقي محمد شياع السوداني.";
    let found = events(text, "2024-04-10");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|e| status(e) == EventStatus::Planned && date(e) == "2024-04-11"), "{found:#?}");
    // The day a spokesman spoke, before the clause of the plan, is not the plan's.
    let text = "وقال المتحدث أمس الثلاثاء إن من المقرر عقد قمة بين الرئيس عبد الفتاح السيسي والملك عبد الله الثاني، \
                ولقاء مع رئيس الوزراء العراقي محمد شياع السوداني.";
    let found = events(text, "2024-04-10");
    let iraq = found.iter().find(|e| actors(e).contains(&"person/mohammed-shia-al-sudani".to_string())).expect("the meeting with Iraq");
    assert_eq!((status(iraq), date(iraq)), (EventStatus::Planned, String::new()));
}

#[test]
fn an_ordinal_day_before_a_month_is_that_day() {
    let text = "وكان وزير الخارجية أيمن الصفدي قد التقى نظيره المصري بدر عبد العاطي في القاهرة في الحادي والعشرين من مارس الماضي.";
    assert_eq!(date(&one(text, "2025-05-01")), "2025-03-21");
    let text = "والتقى الملك عبد الله الثاني الرئيس عبد الفتاح السيسي في الثاني عشر من يناير 2024.";
    let e = one(text, "2024-06-01");
    assert_eq!(
        (date(&e), actors(&e)),
        ("2024-01-12".to_string(), vec!["person/abdel-fattah-el-sisi".to_string(), "person/abdullah-ii".to_string()])
    );
}

#[test]
fn a_first_visit_characterises_the_contact_just_reported_with_its_sides() {
    let text = "وصل وزير الخارجية الصيني وانغ يي إلى الرياض أمس، حيث التقى نظيره السعودي الأمير فيصل بن فرحان، \
                في أول زيارة لمسؤول صيني رفيع إلى السعودية منذ عامين.";
    let e = one(text, "2024-05-08");
    assert_eq!(actors(&e), ["person/faisal-bin-farhan", "person/wang-yi"]);
    // A summit is the first visit of one of its leaders.
    let text = "عقد الرئيس التونسي قيس سعيد ورئيسة الوزراء الإيطالية جورجيا ميلوني والرئيس الجزائري عبد المجيد تبون \
                اليوم قمة ثلاثية في تونس. وهي الزيارة الأولى لرئيس جزائري إلى تونس منذ عامين.";
    assert_eq!(one(text, "2024-05-08").participants.len(), 3);
}

#[test]
fn a_passive_postponement_after_its_noun_cancels_the_contact() {
    let text = "وكانت زيارة الرئيس التركي رجب طيب أردوغان إلى الدوحة مقررة الشهر الماضي، لكنها أُرجئت إلى موعد لاحق.";
    let e = one(text, "2024-06-10");
    assert_eq!((status(&e), date(&e)), (EventStatus::Cancelled, "2024-05".to_string()));
}

#[test]
fn a_plan_called_off_by_a_definite_noun_after_it_is_cancelled() {
    let text = "وكان من المقرر أن يزور الرئيس الألماني فرانك فالتر شتاينماير السعودية في نوفمبر 2024، إلا أن الزيارة أُرجئت.";
    let e = one(text, "2025-02-01");
    assert_eq!((status(&e), date(&e)), (EventStatus::Cancelled, "2024-11".to_string()));
}

#[test]
fn talks_planned_with_the_host_of_a_visit_under_way_are_that_visit() {
    let text = "توجه وزير الخارجية المصري سامح شكري صباح اليوم إلى الجزائر، ومن المقرر أن يلتقي نظيره الجزائري رمطان لعمامرة.";
    let e = one(text, "2021-11-11");
    assert_eq!((mode(&e), status(&e)), (ConsultMode::Visit, EventStatus::Occurred));
    assert!(actors(&e).contains(&"person/ramtane-lamamra".to_string()), "{e:#?}");
    // A weekday of the clause before is not the visit's: "يزور ... حاليا" is under way.
    let found = events("التقى الرئيس الإثيوبي، الجمعة، وزير الخارجية الإماراتي عبدالله بن زايد الذي يزور إثيوبيا حاليا.", "");
    assert!(found.iter().all(|e| status(e) == EventStatus::Occurred), "{found:#?}");
}

#[test]
fn a_plan_told_in_the_past_is_the_meeting_the_article_calls_off() {
    let text = "أفادت صحيفة يونانية بإلغاء اجتماع كان مقررا في نيويورك بين رئيس الوزراء اليوناني كيرياكوس ميتسوتاكيس والرئيس التركي رجب طيب أردوغان. \
                وكان من المقرر أن يلتقي ميتسوتاكيس وأردوغان أمس الثلاثاء في البيت التركي.";
    let e = one(text, "2025-09-24");
    assert_eq!((status(&e), date(&e)), (EventStatus::Cancelled, "2025-09-23".to_string()));
}

#[test]
fn the_postponement_already_told_calls_off_no_other_contact() {
    let text = "أعلن وزير الخارجية السعودي فيصل بن فرحان اليوم تأجيل زيارة رئيس الوزراء العراقي مصطفى الكاظمي إلى المملكة. \
                وأجرى فيصل بن فرحان اتصالا هاتفيا بنظيره العراقي، أبلغه خلاله بقرار التأجيل.";
    let found = events(text, "2020-07-20");
    let call = found.iter().find(|e| mode(e) == ConsultMode::Phone).expect("the call");
    assert_eq!(status(call), EventStatus::Occurred, "{found:#?}");
}

#[test]
fn without_a_dateline_a_trip_announced_in_the_imperfect_for_a_weekday_is_planned() {
    let e = one("يتجه الرئيس الألماني فرانك فالتر شتاينماير إلى الأردن، الأحد، في زيارة تستمر يومين.", "");
    assert_eq!(status(&e), EventStatus::Planned);
    let e = one("وفي أيار، يتوجه الرئيس البرازيلي لولا دي سيلفا إلى إيران.", "");
    assert_eq!((status(&e), actors(&e)), (EventStatus::Planned, vec!["person/lula-da-silva".to_string(), "state/IRN".to_string()]));
    // A weekday of an earlier clause is the arrival's, not the meeting's.
    let found = events("وصل الرئيس الإيراني حسن روحاني، الأربعاء، إلى مسقط في زيارة رسمية يلتقي خلالها بالسلطان قابوس بن سعيد.", "");
    assert!(found.iter().all(|e| status(e) == EventStatus::Occurred), "{found:#?}");
}

#[test]
fn the_same_day_is_the_day_last_named() {
    let text = "وصل الرئيس الصيني شي جين بينغ إلى القاهرة ظهر الأربعاء. والتقى شي برئيس الوزراء المصري شريف إسماعيل في نفس اليوم.";
    let found = events(text, "2016-01-22");
    assert!(!found.is_empty() && found.iter().all(|e| date(e) == "2016-01-20"), "{found:#?}");
}

#[test]
fn the_next_stops_of_a_tour_are_the_travellers_not_the_last_host_met() {
    let text = "يبدأ الرئيس البرازيلي لولا دا سيلفا اليوم جولة ستقوده إلى كوبا، حيث سيقوم بزيارة رسمية ويلتقي الرئيس راوول كاسترو. \
                وفي أيار، يتوجه إلى إيران.";
    let found = events(text, "");
    let iran = found.iter().find(|e| e.participants.iter().any(|p| p.country == "IRN")).expect("the visit to Iran");
    assert!(iran.participants.iter().any(|p| p.country == "BRA"), "{iran:#?}");
}

#[test]
fn his_visits_to_a_list_of_states_are_one_visit_of_his_to_each() {
    let text = "أفادت مصادر رسمية ان رئيس الجمهورية اللبناني جوزاف عون سيزور الاردن للقاء الملك عبد الله الثاني، بعد زياراته الى مصر والسعودية والكويت.";
    let found = events(text, "");
    for host in ["EGY", "SAU", "KWT"] {
        let visit = found.iter().find(|e| e.participants.iter().any(|p| p.country == host)).unwrap_or_else(|| panic!("{host}: {found:#?}"));
        assert!(actors(visit).contains(&"person/joseph-aoun".to_string()), "{visit:#?}");
    }
    // Visits with no one's pronoun stay a generic plural.
    assert!(events("تتواصل الزيارات الى مصر والسعودية.", "").is_empty());
}

#[test]
fn a_dated_visit_with_no_destination_goes_where_its_travellers_last_visit_went() {
    let text = "وصل الرئيس التركي رجب طيب أردوغان إلى الدوحة أمس في زيارة رسمية تستمر يومين. \
                وكانت زيارة أردوغان مقررة في مارس الماضي، لكنها أرجئت بسبب الانتخابات.";
    let found = events(text, "2024-06-10");
    assert_eq!(found.len(), 2, "{found:#?}");
    let earlier = found.iter().find(|e| date(e) == "2024-03").expect("the visit planned for March");
    assert_eq!(
        (status(earlier), actors(earlier)),
        (EventStatus::Cancelled, vec!["person/recep-tayyip-erdogan".to_string(), "state/QAT".to_string()])
    );
}

#[test]
fn a_month_with_its_other_name_in_brackets_takes_the_direction_after_them() {
    let text = "وكان الرئيس التركي رجب طيب أردوغان قد زار الدوحة في أكتوبر (تشرين الأول) الماضي.";
    assert_eq!(date(&one(text, "2024-06-10")), "2023-10");
}

#[test]
fn without_a_dateline_a_relative_date_still_says_whether_the_contact_is_to_come() {
    // No publication date: "بعد غد" and "الشهر الماضي" give no day, but one visit is still to
    // come and the other is past, so they are two events, not one.
    let found = events(
        "يزور رئيس الوزراء الهندي ناريندرا مودي الرياض بعد غد. وكان مودي قد زار السعودية الشهر الماضي حيث التقى الملك سلمان بن عبد العزيز.",
        "",
    );
    let statuses: Vec<EventStatus> = found.iter().map(status).collect();
    assert!(statuses.contains(&EventStatus::Planned) && statuses.contains(&EventStatus::Occurred), "{found:#?}");
    assert!(found.iter().all(|e| e.date.is_none()), "no day can be known: {found:#?}");
}

#[test]
fn the_sender_of_a_message_is_no_side_and_an_invitation_proposes_a_visit() {
    let found = events(
        "استقبل الرئيس الإندونيسي جوكو ويدودو اليوم وزير الخارجية القطري الذي سلمه رسالة خطية من أمير قطر الشيخ تميم بن حمد تضمنت دعوة لزيارة الدوحة.",
        "2019-03-10",
    );
    let met = found.iter().find(|e| status(e) == EventStatus::Occurred).expect("the reception");
    assert!(!actors(met).contains(&"person/tamim-bin-hamad".to_string()), "the sender is not at the meeting: {:?}", actors(met));
    assert!(found.iter().any(|e| status(e) == EventStatus::Proposed), "the invitation proposes a visit: {found:#?}");
    // An invitation answered is no proposal: the visit it led to happened.
    let e = one("وصل الرئيس المصري إلى بكين أمس في زيارة دولة تلبية لدعوة من الرئيس الصيني شي جين بينغ.", "2024-05-29");
    assert_eq!(status(&e), EventStatus::Occurred);
}

#[test]
fn a_city_of_another_state_right_after_a_venue_says_where_the_venue_is() {
    // Damascus has a "قصر الشعب"; so does Beijing, which the text names right after it.
    let e =
        one("التقى رئيس الوزراء الباكستاني شهباز شريف الرئيس الصيني شي جين بينغ أمس في قصر الشعب في العاصمة الصينية بكين.", "2024-06-08");
    let place = e.location.as_ref().expect("a place");
    assert_eq!((place.name_en.as_str(), place.country.as_str()), ("Beijing", "CHN"));
    let e = one("وصل الرئيس المصري لدى وصوله قصر الشعب بالعاصمة بكين أمس في زيارة دولة.", "2024-05-29");
    assert_eq!(e.location.as_ref().map(|l| l.country.as_str()), Some("CHN"), "{e:#?}");
}

#[test]
fn without_a_dateline_a_title_is_the_person_the_article_names_with_it() {
    // No publication date, so no office holder can be looked up by day; the article itself
    // names the Turkish president, and "الرئيس التركي" later is him.
    let found = events(
        "قال الرئيس التركي رجب طيب أردوغان إن العلاقات بين البلدين ممتازة. واستقبل أمير قطر الشيخ تميم بن حمد آل ثاني الرئيس التركي في الدوحة.",
        "",
    );
    let talks = found.iter().find(|e| actors(e).contains(&"person/tamim-bin-hamad".to_string())).expect("the talks");
    assert!(actors(talks).contains(&"person/recep-tayyip-erdogan".to_string()), "{:?}", actors(talks));
}

#[test]
fn a_past_perfect_after_kana_qad_happened_and_a_since_clause_places_nothing() {
    // "قد" before a verb starting with ت is a possibility only in the present; after كان it is
    // a past perfect, whatever the verb's first letter.
    let e = one(
        "وكان الرئيسان قد تحادثا الشهر الماضي عقب فوز الرئيس الأمريكي دونالد ترامب بالانتخابات مع الرئيس المصري عبد الفتاح السيسي.",
        "2017-01-23",
    );
    assert_eq!(status(&e), EventStatus::Occurred);
    // Who and where are named after "منذ" date the contact; they are not its place.
    let e = one(
        "أجرى الرئيس المصري عبد الفتاح السيسي اليوم اتصالا هاتفيا مع الرئيس الأمريكي دونالد ترامب هو الأول منذ تسلم ترامب مهام منصبه رسميا في البيت الأبيض في 20 يناير.",
        "2017-01-23",
    );
    assert_eq!((date(&e), e.location.is_none()), ("2017-01-23".to_string(), true), "{e:#?}");
}

#[test]
fn the_stops_of_a_tour_still_to_come_are_planned() {
    let found = events(
        "وصل الرئيس الإندونيسي جوكو ويدودو أمس إلى الرياض في مستهل جولة خليجية بدأها بالسعودية، وستشمل كذلك قطر والكويت.",
        "2019-04-15",
    );
    let status_in = |c: &str| found.iter().find(|e| e.participants.iter().any(|p| p.country == c)).map(status);
    assert_eq!(status_in("SAU"), Some(EventStatus::Occurred), "{found:#?}");
    assert_eq!(status_in("QAT"), Some(EventStatus::Planned), "{found:#?}");
    assert_eq!(status_in("KWT"), Some(EventStatus::Planned), "{found:#?}");
}

#[test]
fn a_state_named_before_a_verb_of_visiting_is_an_earlier_stop_not_the_traveller() {
    let found = events("بدأ الرئيس التركي رجب طيب أردوغان جولته بزيارة الجزائر ثم تونس وبعدها زار موريتانيا.", "2020-01-28");
    let last = found.iter().find(|e| e.participants.iter().any(|p| p.country == "MRT")).expect("the visit to Mauritania");
    let countries: Vec<&str> = last.participants.iter().map(|p| p.country.as_str()).collect();
    assert_eq!(countries, ["TUR", "MRT"], "{found:#?}");
}

#[test]
fn talks_written_as_a_purpose_are_what_the_meeting_is_for() {
    // "لبحث" after the meeting is its purpose, not a second contact; who is "في حضور" attends.
    let e = one(
        "التقى الرئيس عبد الفتاح السيسي اليوم الرئيس الروسي فلاديمير بوتين في نيويورك، في حضور وزير الخارجية سامح شكري، لبحث القضايا الإقليمية والدولية.",
        "2015-09-29",
    );
    assert_eq!(actors(&e), ["person/abdel-fattah-el-sisi", "person/vladimir-putin"], "{e:#?}");
}

#[test]
fn expected_is_planned_and_not_expected_is_negated() {
    let found = events(
        "قال مسؤولون إن وزير الخارجية التركي مولود تشاووش أوغلو سيزور القاهرة الأسبوع المقبل، ومن المتوقع أن يلتقي نظيره المصري سامح شكري. ومن غير المتوقع أن يلتقي الرئيس عبد الفتاح السيسي.",
        "2021-05-01",
    );
    let with = |id: &str| found.iter().find(|e| actors(e).contains(&id.to_string())).map(status);
    assert_eq!(with("person/sameh-shoukry"), Some(EventStatus::Planned), "{found:#?}");
    assert_eq!(with("person/abdel-fattah-el-sisi"), Some(EventStatus::Negated), "{found:#?}");
}

#[test]
fn ambassadors_of_a_list_of_states_meet_the_latter_named_before() {
    // "سفراء دول X وY وZ": each state is a side; "الأخير" is the person named before.
    let e = one(
        "أعلن مكتب رئيس الوزراء العراقي مصطفى الكاظمي أن الأخير التقى سفراء دول بريطانيا وفرنسا وألمانيا المعتمدين لدى بغداد.",
        "2021-02-01",
    );
    let countries: Vec<&str> = e.participants.iter().map(|p| p.country.as_str()).collect();
    assert_eq!(countries, ["IRQ", "GBR", "FRA", "DEU"], "{e:#?}");
    assert_eq!(e.participants[0].actor_id, "person/mustafa-al-kadhimi");
}

#[test]
fn a_meeting_that_brings_together_the_leaders_of_states_has_their_heads_as_sides() {
    // "تجمع قادة كل من X وY وZ": exactly the listed states, each by its head on that day.
    let e = one("تستضيف بغداد غدا القمة الثلاثية التي تجمع قادة كل من مصر والأردن والعراق.", "2021-06-26");
    let ids = actors(&e);
    assert!(ids.contains(&"person/abdel-fattah-el-sisi".to_string()) && ids.contains(&"person/abdullah-ii".to_string()), "{ids:?}");
    let countries: std::collections::BTreeSet<&str> = e.participants.iter().map(|p| p.country.as_str()).collect();
    assert_eq!(countries, ["EGY", "IRQ", "JOR"].into_iter().collect());
}

#[test]
fn what_is_named_in_a_since_clause_before_a_visit_is_not_its_destination() {
    // "منذ انتخابه رئيسا للصومال": Somalia dates the tour; the tour goes to the UAE.
    let found = events(
        "التقى الرئيس التركي رجب طيب أردوغان في أنقرة الرئيس الصومالي حسن شيخ محمود. وتعد تركيا الدولة الثالثة التي يزورها حسن شيخ محمود منذ انتخابه رئيسا للصومال، وبدأها بزيارة دولة الإمارات.",
        "2022-07-20",
    );
    let uae = found.iter().find(|e| e.participants.iter().any(|p| p.country == "ARE")).expect("the visit to the UAE");
    let countries: Vec<&str> = uae.participants.iter().map(|p| p.country.as_str()).collect();
    assert_eq!(countries, ["SOM", "ARE"], "{found:#?}");
}

#[test]
fn without_a_dateline_an_agreement_takes_the_place_of_the_only_talks_of_its_sides() {
    let found =
        events("التقى وزير الخارجية الإماراتي الشيخ عبدالله بن زايد آل نهيان في نيروبي الرئيس الكيني. ووقع البلدان سبع مذكرات تفاهم.", "");
    let agreement = found.iter().find(|e| e.event_type == EventType::Agree as i32).expect("the agreement");
    assert_eq!(agreement.location.as_ref().map(|l| l.name_en.as_str()), Some("Nairobi"), "{found:#?}");
}

#[test]
fn a_meeting_a_named_traveller_goes_to_takes_place_where_the_journey_leads() {
    let found = events(
        "توجه الرئيس التركي رجب طيب أردوغان اليوم إلى الدوحة للمشاركة في القمة التي تجمع قادة كل من تركيا وقطر والكويت.",
        "2021-12-07",
    );
    let summit = found.iter().find(|e| e.participants.len() >= 3).expect("the summit");
    assert_eq!(summit.location.as_ref().map(|l| l.name_en.as_str()), Some("Doha"), "{found:#?}");
}

#[test]
fn a_long_run_without_a_full_stop_is_read_in_bounded_sentences() {
    // 256 KB of contact sentences joined by "و" with no full stop: each event's evidence is a
    // bounded piece of it, not the whole run (which made responses too large to send).
    let unit = "التقى الرئيس المصري عبد الفتاح السيسي نظيره الفرنسي إيمانويل ماكرون في باريس وبحث معه العلاقات الثنائية و ";
    let found = events(&unit.repeat(256 * 1024 / unit.len()), "2020-01-01");
    assert!(!found.is_empty());
    let longest = found.iter().flat_map(|e| &e.evidence).map(|ev| ev.sentence.len()).max().unwrap();
    assert!(longest <= 240 * 16, "evidence of {longest} bytes");
}

#[test]
fn the_host_of_one_stop_of_a_tour_is_no_side_of_the_others() {
    let text = "استقبل الرئيس الكيني وليام روتو، الخميس، وزير الخارجية التركي هاكان فيدان الذي يزور كينيا حاليا في ختام جولة أفريقية شملت نيجيريا وغانا.";
    let found = events(text, "2024-06-13");
    let with = |state: &str| found.iter().filter(|e| e.participants.iter().any(|p| p.country == state)).collect::<Vec<_>>();
    assert!(with("NGA").iter().chain(&with("GHA")).all(|e| !e.participants.iter().any(|p| p.country == "KEN")), "{found:#?}");
    assert!(with("NGA").iter().chain(&with("GHA")).all(|e| actors(e).contains(&"person/hakan-fidan".to_string())), "{found:#?}");
    assert!(!with("NGA").is_empty() && !with("GHA").is_empty(), "{found:#?}");
    assert!(with("KEN").iter().any(|e| actors(e).contains(&"person/william-ruto".to_string())), "{found:#?}");
    // A journey whose every side is of a stop (the pronoun's owner is Lebanese, and "للبنان"
    // reads as a stop): no one can be told from a host, so each stop keeps its traveller.
    let text = "سيزور الرئيس اللبناني جوزاف عون الأردن، بعد زياراته إلى مصر والعراق، لشكر الدول العربية على دعمها للبنان.";
    let found = events(text, "2025-06-01");
    assert!(found.iter().any(|e| e.participants.iter().any(|p| p.country == "EGY")), "{found:#?}");
}

#[test]
fn a_counterpart_takes_the_state_whose_adjective_is_ambiguous() {
    // مالي has no adjective of its own (المالي is also "the financial").
    let e = one("استقبل وزير الخارجية الجزائري أحمد عطاف اليوم نظيره المالي عبد الله ديوب في الجزائر.", "2024-01-10");
    assert!(e.participants.iter().any(|p| p.country == "MLI"), "{e:#?}");
    assert!(actors(&e).contains(&"person/ahmed-attaf".to_string()), "{e:#?}");
}

#[test]
fn a_verb_that_carries_a_contact_noun_gives_it_the_subject_after_the_verb() {
    let text = "وكانت زيارة الرئيس السيسي إلى الرياض هي الأولى له منذ توليه منصبه، وفي الشهر ذاته أجرى وزير الخارجية سامح شكري زيارة رسمية إلى الأردن.";
    let found = events(text, "2014-08-20");
    let to = |state: &str| found.iter().find(|e| e.participants.iter().any(|p| p.country == state));
    let jordan = to("JOR").unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(actors(jordan), ["person/sameh-shoukry", "state/JOR"]);
    let saudi = to("SAU").unwrap_or_else(|| panic!("{found:#?}"));
    assert!(!actors(saudi).contains(&"person/sameh-shoukry".to_string()), "{found:#?}");
}

#[test]
fn a_visit_named_as_the_setting_of_a_meeting_leaves_the_meeting_its_people() {
    let text = "وتلتقي المستشارة الألمانية أنغيلا ميركل في زيارتها للعاصمة الروسية الرئيس فلاديمير بوتين ووزير الخارجية سيرغي لافروف.";
    let found = events(text, "2015-05-10");
    let met = |who: &str| found.iter().filter(|e| actors(e).contains(&who.to_string())).count();
    assert_eq!((met("person/vladimir-putin"), met("person/sergey-lavrov")), (1, 1), "{found:#?}");
    assert!(found.iter().all(|e| e.participants.len() == 2), "{found:#?}");
}

#[test]
fn titles_of_one_state_met_in_turn_are_a_meeting_with_each() {
    let text = "وسيلتقي وزير الخارجية المصري سامح شكري خلال الزيارة برئيس مجلس الدوما فياتشيسلاف فولودين، ونائب رئيس الوزراء الروسي أليكسي أوفرتشوك، ووزير الخارجية سيرغي لافروف.";
    let found = events(text, "2023-03-10");
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().all(|e| actors(e).contains(&"person/sameh-shoukry".to_string())), "{found:#?}");
    let speaker = found.iter().flat_map(|e| &e.participants).find(|p| p.country == "RUS" && p.role.contains("duma"));
    assert!(speaker.is_some(), "{found:#?}");
}

#[test]
fn a_plural_title_before_a_list_of_states_is_the_holder_in_each() {
    let e = one("بدأ وزراء خارجية مصر والأردن والعراق اجتماعا في عمان اليوم لبحث الأوضاع في المنطقة مع تصاعد التوتر.", "2024-06-10");
    assert_eq!(countries(&e), ["EGY", "IRQ", "JOR"], "{e:#?}");
    // Named from the date, and one meeting of three: "مع تصاعد التوتر" names no side to split on.
    assert!(actors(&e).contains(&"person/sameh-shoukry".to_string()), "{e:#?}");
    assert_eq!(ConsultMode::try_from(e.mode).unwrap(), ConsultMode::Multilateral);
}

#[test]
fn bilateral_meetings_with_each_of_a_list_are_one_meeting_each() {
    let text = "وعقد ولي العهد السعودي الأمير محمد بن سلمان لقاءات ثنائية مع كل من العاهل الأردني الملك عبد الله الثاني، والرئيس التركي رجب طيب أردوغان، والرئيس الفلسطيني محمود عباس.";
    let found = events(text, "2024-11-11");
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().all(|e| e.participants.len() == 2 && actors(e).contains(&"person/mohammed-bin-salman".to_string())), "{found:#?}");
}

#[test]
fn a_journey_to_each_of_a_list_of_states_is_a_visit_to_each() {
    let found = events("عاد الرئيس المصري محمد مرسي إلى القاهرة اليوم، بعد زيارة إلى كل من بلجيكا وإيطاليا.", "2012-09-16");
    let mut hosts: Vec<&str> = found.iter().flat_map(|e| &e.participants).map(|p| p.country.as_str()).filter(|c| *c != "EGY").collect();
    hosts.sort_unstable();
    assert_eq!(hosts, ["BEL", "ITA"], "{found:#?}");
}

#[test]
fn a_meeting_told_again_with_a_group_is_not_split_into_pairs() {
    let text = "استقبل الرئيس عبد الفتاح السيسي اليوم رئيس وزراء اليونان كيرياكوس ميتسوتاكيس، ورئيسة وزراء إيطاليا جورجيا ميلوني، ورئيس قبرص نيكوس خريستودوليدس. وأكد السيسي أن اللقاء مع قادة الاتحاد الأوروبي اليوم محطة مهمة.";
    let found = events(text, "2024-03-17");
    assert!(found.iter().all(|e| e.participants.iter().any(|p| p.country == "EGY")), "{found:#?}");
}

#[test]
fn a_contact_that_will_be_is_planned() {
    let e = one("ستكون هذه أول زيارة للرئيس الفرنسي إيمانويل ماكرون إلى الجزائر.", "");
    assert_eq!(status(&e), EventStatus::Planned, "{e:#?}");
}

#[test]
fn a_summit_with_a_list_of_leaders_is_one_meeting_of_all() {
    let text = "يتوجه الرئيس المصري عبد الفتاح السيسي غدا إلى عمان للمشاركة في قمة ثلاثية تجمعه مع العاهل الأردني الملك عبد الله الثاني ورئيس الوزراء العراقي مصطفى الكاظمي.";
    let found = events(text, "2021-08-24");
    // The trip to the host, and the summit: no pair of the summit's sides on its own.
    assert!(
        found.iter().any(|e| e.participants.len() == 3 && ConsultMode::try_from(e.mode).unwrap() == ConsultMode::Multilateral),
        "{found:#?}"
    );
    assert!(!found.iter().any(|e| countries(e) == ["EGY", "IRQ"]), "{found:#?}");
}

#[test]
fn a_common_adjective_is_no_one_word_name_one_vowel_away() {
    // "أوروبي" (European) shares its skeleton with "أوريبي" (Uribe).
    let found = events("سيجتمع مسؤولون إيرانيون مع مسؤول أوروبي ومسؤولين أمريكيين في جنيف يوم الاثنين.", "2013-10-12");
    assert!(found.iter().all(|e| !actors(e).contains(&"person/alvaro-uribe".to_string())), "{found:#?}");
}

#[test]
fn a_national_security_adviser_is_someone_of_their_state() {
    let e = one("جمعت مكالمة هاتفية اليوم بين مستشار الأمن القومي الأمريكي وعبد الله حمدوك رئيس الوزراء السوداني.", "2021-09-22");
    assert_eq!(countries(&e), ["SDN", "USA"], "{e:#?}");
    assert!(e.participants.iter().any(|p| p.role == "national security adviser"), "{e:#?}");
}

#[test]
fn a_call_for_cooperation_after_a_meeting_does_not_make_the_meeting_proposed() {
    let text = "ويأتي اللقاء بين الرئيسين بوتين وأردوغان في سوتشي في خضم الحرب الدائرة في أوكرانيا وتلويح أنقرة بعملية عسكرية في سوريا التي دعا الزعيمان إلى التعاون ضد التنظيمات الإرهابية فيها.";
    let found = events(text, "2022-08-05");
    assert!(found.iter().all(|e| status(e) != EventStatus::Proposed), "{found:#?}");
}

#[test]
fn a_holder_the_knowledge_base_does_not_know_is_named_as_the_article_writes_them() {
    let text = "استقبل وزير الداخلية التونسي خالد النوري، يوم الثلاثاء 28 أكتوبر 2025، السفير المصري في تونس باسم يحيى حسن، في لقاء رسمي.";
    let e = one(text, "2025-10-29");
    let named: Vec<(&str, &str, &str, &str)> =
        e.participants.iter().map(|p| (p.country.as_str(), p.name_ar.as_str(), p.name_en.as_str(), p.role.as_str())).collect();
    assert_eq!(
        named,
        [("TUN", "خالد النوري", "Khald al-Nuri", "interior minister"), ("EGY", "باسم يحيى حسن", "Basm Yhia Hsn", "ambassador")]
    );
    assert!(e.participants.iter().all(|p| p.kind == rasad::proto::ActorKind::Person as i32));
    assert_eq!(actors(&e), ["person/EGY/basm-yhia-hsn", "person/TUN/khald-al-nuri"]);
}

#[test]
fn words_after_a_title_that_are_no_name_name_no_one() {
    // A noun with a preposition on its article, and a single word no one is named by.
    for text in ["التقى وزير الخارجية التونسي للشؤون الأفريقية السفير المصري.", "التقى وزير الخارجية التونسي اليوم السفير المصري مرحبا."]
    {
        let e = one(text, "2025-10-29");
        assert!(e.participants.iter().all(|p| p.name_ar.is_empty()), "{text}: {:?}", e.participants);
    }
}

#[test]
fn credentials_are_presented_by_each_ambassador_to_whoever_receives_them() {
    let text =
        "قدم صباح اليوم سفراء كل من المملكة المتحدة وفرنسا وألمانيا أوراق اعتمادهم لرئيس المجلس الرئاسي لحكومة الوفاق الوطني فايز السراج.";
    let found = events(text, "2016-11-26");
    let pairs: Vec<Vec<String>> = found.iter().map(actors).collect();
    assert_eq!(
        pairs,
        [["person/fayez-al-sarraj", "state/GBR"], ["person/fayez-al-sarraj", "state/FRA"], ["person/fayez-al-sarraj", "state/DEU"]]
    );
    // With no one named to receive them, there is no contact to tell.
    assert!(events("يتسلم أوراق اعتماد سفراء البحرين ومالطا والبرتغال.", "2024-04-29").is_empty());
    // The receiver is the subject before the credentials ("فقد تقبل": a perfect verb, no "may").
    let text =
        "فقد تقبل جلالة الملك عبدالله الثاني أوراق اعتماد كل من سفير جمهورية كازاخستان طلعت شالدنباي، وسفير جمهورية الهند مانيش تشوهان.";
    let found = events(text, "2024-08-27");
    assert_eq!(found.iter().map(countries).collect::<Vec<_>>(), [["JOR", "KAZ"], ["IND", "JOR"]], "{found:#?}");
    assert!(found.iter().all(|e| status(e) == EventStatus::Occurred), "{found:#?}");
}

#[test]
fn a_first_deputy_is_not_the_office_holder_and_a_name_before_the_title_is_theirs() {
    let text = "يقوم محمد رضا رحيمي النائب الأول للرئيس الإيراني بزيارة إلى كينيا اليوم.";
    let e = one(text, "2012-11-15");
    let named: Vec<(&str, &str, &str)> = e.participants.iter().map(|p| (p.country.as_str(), p.name_ar.as_str(), p.role.as_str())).collect();
    assert_eq!(named, [("IRN", "محمد رضا رحيمي", "official"), ("KEN", "", "")]);
}

#[test]
fn the_stops_a_visit_includes_may_be_counted_first() {
    let text = "وصل الرئيس الإيراني إبراهيم رئيسي اليوم إلى نيروبي في زيارة تشمل ثلاث دول هي كينيا وأوغندا وزيمبابوي.";
    let found = events(text, "2023-07-12");
    let hosts: Vec<(String, i32)> =
        found.iter().map(|e| (e.location.as_ref().map_or(String::new(), |l| l.country.clone()), e.status)).collect();
    let (occurred, planned) = (EventStatus::Occurred as i32, EventStatus::Planned as i32);
    assert_eq!(hosts, [("KEN".to_string(), occurred), ("UGA".to_string(), planned), ("ZWE".to_string(), planned)]);
}

#[test]
fn a_portfolio_of_two_ministries_and_courtesy_words_keep_the_holder_of_the_state() {
    let text = "من المقرر أن يبدأ وزير الطاقة والمناجم الجزائري، محمد عرقاب، غدا الاثنين، زيارة عمل إلى العاصمة الموريتانية نواكشوط.";
    let e = one(text, "2024-04-14");
    let named: Vec<(&str, &str)> = e.participants.iter().map(|p| (p.country.as_str(), p.name_ar.as_str())).collect();
    assert_eq!(named, [("DZA", "محمد عرقاب"), ("MRT", "")]);
    let text = "وصل سعادة السيد جورج فيوري رئيس مجلس الشيوخ الكندي إلى الدوحة، مساء اليوم، في زيارة عمل.";
    let e = one(text, "2023-02-18");
    assert!(e.participants.iter().any(|p| (p.country.as_str(), p.name_ar.as_str()) == ("CAN", "جورج فيوري")), "{:?}", e.participants);
    let text = "بحث وزير الصناعة الايراني \"عباس ابادي\" مع وزير الطاقة العماني في مسقط اليوم.";
    let e = one(text, "2023-02-18");
    assert!(e.participants.iter().any(|p| p.name_ar == "عباس ابادي"), "{:?}", e.participants);
}

#[test]
fn with_no_publication_date_the_weekday_the_text_gives_is_kept() {
    let e = one("وصل وزير الخارجية الأردني أيمن الصفدي، اليوم، الاثنين، إلى دمشق.", "");
    let date = e.date.expect("a date with its weekday");
    assert_eq!((date.start.as_str(), date.weekday.as_str()), ("", "monday"));
    // With a dateline, the weekday resolves to a day and is not repeated.
    let e = one("وصل وزير الخارجية الأردني أيمن الصفدي، اليوم، الاثنين، إلى دمشق.", "2023-07-03");
    let date = e.date.expect("a date");
    assert_eq!((date.start.as_str(), date.weekday.as_str()), ("2023-07-03", ""));
}

#[test]
fn a_happening_repeated_a_hundred_times_carries_a_bounded_evidence() {
    let text = "التقى لافروف بومبيو في سوتشي ".repeat(500);
    let found = events(&text, "2019-05-14");
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|e| e.evidence.len() <= rasad::extract::MAX_EVIDENCE),
        "{:?}",
        found.iter().map(|e| e.evidence.len()).collect::<Vec<_>>()
    );
}

#[test]
fn a_person_named_in_full_is_found_again_by_surname() {
    // Known to the knowledge base under the full name only: "ولد مرزوك" alone is him.
    let found =
        events("استقبل وزير الخارجية محمد سالم ولد مرزوك اليوم سفراء أوروبيين. واستقبل ولد مرزوك اليوم السفير الفرنسي ألكسندر غارسيا.", "");
    let french = found.iter().find(|e| countries(e) == ["FRA", "MRT"]).unwrap_or_else(|| panic!("{found:#?}"));
    assert!(actors(french).contains(&"person/mohamed-salem-ould-merzoug".to_string()), "{:?}", actors(french));
    // Unknown to it: the title's holder named in full, then by the family part of the name.
    let found =
        events("وصل وزير الخارجية الموريتاني أحمد ولد باهية إلى الرباط. والتقى ولد باهية في وقت لاحق السفيرة الألمانية إيزابيل هنين.", "");
    let german = found.iter().find(|e| countries(e) == ["DEU", "MRT"]).unwrap_or_else(|| panic!("{found:#?}"));
    let mauritanian = german.participants.iter().find(|p| p.country == "MRT").unwrap();
    assert_eq!(mauritanian.name_ar, "أحمد ولد باهية");
}

#[test]
fn calls_to_counterparts_listed_by_state_are_one_call_each() {
    let found = events(
        "أجرى الرئيس محمد ولد الشيخ الغزواني الخميس مزيدا من الاتصالات الهاتفية بقادة دول الجوار شملت نظراءه رؤساء السنغال والجزائر وتونس.",
        "2020-05-21",
    );
    let mut pairs: Vec<Vec<&str>> = found.iter().map(countries).collect();
    pairs.sort();
    assert_eq!(pairs, [["DZA", "MRT"], ["MRT", "SEN"], ["MRT", "TUN"]], "{found:#?}");
    assert!(found.iter().all(|e| ConsultMode::try_from(e.mode) == Ok(ConsultMode::Phone)));
}

#[test]
fn a_bare_title_in_a_national_agency_report_is_of_the_agency_state() {
    // Credited to Petra (Jordan): the bare minister's title with an unlisted name is Jordanian.
    let text = "عمان 3 آذار (بترا)- بحث وزير الزراعة خالد الحنيفات اليوم مع السفير الهولندي لدى المملكة هاري فيرفاي سبل التعاون.";
    let e = one(text, "2024-03-03");
    assert_eq!(countries(&e), ["JOR", "NLD"]);
    let jordanian = e.participants.iter().find(|p| p.country == "JOR").unwrap();
    assert_eq!(jordanian.name_ar, "خالد الحنيفات");
    // With no agency named, the same title and name stay nobody's.
    let found = events("بحث وزير الزراعة خالد الحنيفات اليوم مع السفير الهولندي هاري فيرفاي سبل التعاون.", "2024-03-03");
    assert!(found.iter().all(|e| !countries(e).contains(&"JOR")), "{found:#?}");
    // An agency of the world (Reuters) is no state's press: the city it files from says whose
    // officials its bare titles name.
    let e = one("بيروت (رويترز)- بحث وزير الزراعة عباس الحاج حسن اليوم مع السفير الهولندي هاري فيرفاي سبل التعاون.", "2024-03-03");
    assert_eq!(countries(&e), ["LBN", "NLD"], "{e:#?}");
    // A national agency wins over the city: Petra's correspondent in Cairo writes of Jordanians.
    let e = one("القاهرة 3 آذار (بترا)- بحث وزير الزراعة خالد الحنيفات اليوم مع السفير الهولندي هاري فيرفاي سبل التعاون.", "2024-03-03");
    assert_eq!(countries(&e), ["JOR", "NLD"], "{e:#?}");
}

#[test]
fn a_bare_title_with_a_name_in_a_report_filed_from_a_city_is_of_that_city_state() {
    let e = one("أبوظبي - استقبل وزير الداخلية سيف الشعفار بمكتبه أمس سفير فرنسا لدى الدولة.", "2024-03-03");
    assert_eq!(countries(&e), ["ARE", "FRA"]);
    let emirati = e.participants.iter().find(|p| p.country == "ARE").unwrap();
    assert_eq!(emirati.name_ar, "سيف الشعفار", "{e:#?}");
}

#[test]
fn kingdom_of_before_a_state_is_part_of_its_name() {
    // "المملكة" alone names the kingdom the article is about; "مملكة" with no article is the
    // head of another state's name.
    let e = one("استقبل الرئيس عبد الفتاح السيسي اليوم رئيس وزراء مملكة السويد أولف كريسترسون في القاهرة.", "2024-03-03");
    assert_eq!(countries(&e), ["EGY", "SWE"], "{e:#?}");
    let e =
        one("الرياض (واس)- استقبل ولي العهد الأمير محمد بن سلمان اليوم في المملكة رئيس وزراء مملكة السويد أولف كريسترسون.", "2024-03-03");
    assert_eq!(countries(&e), ["SAU", "SWE"], "{e:#?}");
}

#[test]
fn consuls_and_governors_are_officials_of_their_states() {
    let e = one("استقبل محافظ الإسكندرية محمد الشريف اليوم القنصل العام الإيطالي في الإسكندرية.", "2024-03-03");
    assert_eq!(countries(&e), ["EGY", "ITA"], "{e:#?}");
    let governor = e.participants.iter().find(|p| p.country == "EGY").unwrap();
    assert_eq!(governor.name_ar, "محمد الشريف");
    let e = one(
        "بحث رئيس الوزراء رامي الحمد الله اليوم في رام الله مع القنصل البلجيكي العام في القدس ماركو دي بيرنا سبل التعاون.",
        "2024-03-03",
    );
    assert_eq!(countries(&e), ["BEL", "PSE"], "{e:#?}");
    // As an adjective, "الحاكم" names no one.
    let e = one("التقى الرئيس الروسي فلاديمير بوتين اليوم زعيم الحزب الحاكم في الصين شي جين بينغ.", "2024-03-03");
    assert_eq!(countries(&e), ["CHN", "RUS"], "{e:#?}");
}

#[test]
fn a_visit_to_a_building_in_a_foreign_city_is_a_visit_to_its_state() {
    let e = one("زار وزير الخارجية الكوبي برونو رودريغيز اليوم مقر جامعة القاهرة في العاصمة المصرية القاهرة.", "2023-05-02");
    assert_eq!(countries(&e), ["CUB", "EGY"]);
    assert_eq!(ConsultMode::try_from(e.mode), Ok(ConsultMode::Visit));
}

#[test]
fn whoever_is_inaugurated_hosts_the_occasion_and_is_no_side() {
    let text = "التقى وزير الخارجية المصري سامح شكري نظيره الأرجنتيني على هامش حفل تنصيب رئيس البرازيل لويس إيناسيو لولا دا سيلفا.";
    let e = one(text, "2023-01-01");
    assert_eq!(countries(&e), ["ARG", "EGY"], "{e:#?}");
}

#[test]
fn meetings_on_the_sidelines_with_leaders_listed_are_one_with_each() {
    let text = "التقى رئيس الوزراء الباكستاني شهباز شريف اليوم على هامش قمة منظمة شنغهاي للتعاون، نيابة عن الرئيس آصف علي زرداري، كلا من الرئيس الإيراني مسعود بزشكيان، ورئيس الوزراء الماليزي أنور إبراهيم، ورئيس جمهورية أوزبكستان شوكت ميرضيائيف.";
    let found = events(text, "2025-09-01");
    let mut pairs: Vec<Vec<&str>> = found.iter().map(countries).collect();
    pairs.sort();
    assert_eq!(pairs, [["IRN", "PAK"], ["MYS", "PAK"], ["PAK", "UZB"]], "{found:#?}");
    // Whom the prime minister stands in for is at none of them.
    assert!(found.iter().all(|e| e.participants.iter().filter(|p| p.country == "PAK").count() == 1), "{found:#?}");
}

#[test]
fn a_visit_postponed_by_the_verb_ajjala_is_cancelled_but_for_the_sake_of_is_not() {
    let e = one("أعلنت الرئاسة أن الرئيس الفرنسي إيمانويل ماكرون قد أجل زيارته إلى الجزائر التي كانت مقررة الأسبوع المقبل.", "2024-03-03");
    assert_eq!(status(&e), EventStatus::Cancelled, "{e:#?}");
    let e = one("قالت الرئاسة إن الرئيس الفرنسي إيمانويل ماكرون يؤجل زيارته إلى الجزائر.", "2024-03-03");
    assert_eq!(status(&e), EventStatus::Cancelled, "{e:#?}");
    let e = one("زار الرئيس الفرنسي إيمانويل ماكرون الجزائر اليوم من أجل بحث التعاون.", "2024-03-03");
    assert_eq!(status(&e), EventStatus::Occurred, "{e:#?}");
}

#[test]
fn a_visit_to_a_state_takes_the_one_city_of_it_the_article_names() {
    let place = |text: &str| one(text, "2024-03-03").location.map(|l| l.name_en).unwrap_or_default();
    let visit = "وصل الرئيس الكيني وليام روتو اليوم إلى الصين في زيارة دولة.";
    assert_eq!(place(&format!("{visit} ويتضمن برنامج الزيارة لقاءات في العاصمة بكين.")), "Beijing");
    // Two cities of the state named: the article does not say which.
    assert_eq!(place(&format!("{visit} ويتضمن برنامج الزيارة لقاءات في بكين وشنغهاي.")), "China");
}

#[test]
fn where_an_ambassador_resides_is_neither_the_place_nor_a_side() {
    let e = one("قدم سفير بلجيكا لدى السودان المقيم بالقاهرة نسخة من أوراق اعتماده لوزير الخارجية السوداني علي الصادق.", "2024-03-03");
    assert_eq!(countries(&e), ["BEL", "SDN"], "{e:#?}");
    assert!(e.location.as_ref().is_none_or(|l| l.country != "EGY"), "{e:#?}");
}

#[test]
fn the_kingdom_alone_is_saudi_arabia_unless_another_kingdom_agency_writes_it() {
    let e = one("غادر وزير الخارجية الكيني موساليا مودافادي اليوم إلى المملكة في زيارة رسمية.", "2024-03-03");
    assert_eq!(countries(&e), ["KEN", "SAU"], "{e:#?}");
    let e = one("عمان 3 آذار (بترا)- وصل وزير الخارجية الكيني موساليا مودافادي اليوم إلى المملكة في زيارة رسمية.", "2024-03-03");
    assert_eq!(countries(&e), ["JOR", "KEN"], "{e:#?}");
}

#[test]
fn talks_told_without_a_place_take_the_place_of_the_visit_of_those_days() {
    let text = "اجتمع الرئيس عبد الفتاح السيسي مع وزير الخارجية الروسي سيرجي لافروف في القاهرة اليوم الاثنين، في مستهل جولة تستغرق يومين.\nوفي وقت لاحق اليوم عقد لافروف مباحثات مع نظيره المصري سامح شكري.";
    let found = events(text, "2021-04-12");
    let talks = found.iter().find(|e| actors(e).contains(&"person/sameh-shoukry".to_string())).expect("the talks with Shoukry");
    assert_eq!(talks.location.as_ref().map(|l| l.name_en.as_str()), Some("Cairo"), "{found:#?}");
    assert_eq!(talks.mode, ConsultMode::Visit as i32);
    // A call between the same states keeps no place, and talks of another year keep theirs.
    let text = "التقى الرئيس عبد الفتاح السيسي وزير الخارجية الروسي سيرجي لافروف في القاهرة اليوم.\nوأجرى شكري اتصالا هاتفيا مع لافروف.\nوكان شكري قد بحث مع لافروف في عام 2018 العلاقات الثنائية.";
    let found = events(text, "2021-04-12");
    assert!(
        found.iter().filter(|e| e.mode == ConsultMode::Phone as i32 || date(e).starts_with("2018")).all(|e| e.location.is_none()),
        "{found:#?}"
    );
}

#[test]
fn the_capital_of_a_state_named_by_its_adjective_is_the_place_of_a_visit() {
    for text in [
        "وصل وزير الخارجية الكويتي الشيخ أحمد ناصر الصباح إلى العاصمة العراقية، بغداد، الأحد، والتقى رئيس الوزراء العراقي مصطفى الكاظمي.",
        "وصل وزير الخارجية الكويتي الشيخ أحمد ناصر الصباح إلى العاصمة العراقية الأحد، والتقى رئيس الوزراء العراقي مصطفى الكاظمي.",
    ] {
        let e = one(text, "2020-06-14");
        assert_eq!(e.location.as_ref().map(|l| l.name_en.as_str()), Some("Baghdad"), "{text}");
        assert_eq!(e.mode, ConsultMode::Visit as i32, "{text}");
    }
}

#[test]
fn an_honorific_subject_is_the_subject_of_the_article_not_the_last_holder_named() {
    let text = "استقبل الملك عبدالله الثاني اليوم وفدا من رجال الأعمال.\nوبحث جلالته الأوضاع في المنطقة مع كل من الرئيس الفرنسي نيكولا ساركوزي، والعاهل المغربي الملك محمد السادس.\nكما أجرى جلالته اتصالا هاتفيا مع الرئيس المصري محمد حسني مبارك.";
    let found = events(text, "2010-05-04");
    assert_eq!(found.len(), 3, "{found:#?}");
    for e in &found {
        assert!(countries(e).contains(&"JOR"), "{found:#?}");
    }
}

#[test]
fn a_tour_is_a_visit_to_each_state_it_includes_and_a_round_of_talks_is_no_tour() {
    let found = events("يقوم الرئيس الفرنسي إيمانويل ماكرون الأسبوع المقبل بجولة أفريقية تشمل السنغال وساحل العاج وغانا.", "2023-02-20");
    let mut hosts: Vec<&str> = found.iter().filter_map(|e| e.location.as_ref().map(|l| l.country.as_str())).collect();
    hosts.sort_unstable();
    assert_eq!(hosts, ["CIV", "GHA", "SEN"], "{found:#?}");
    assert!(found.iter().all(|e| status(e) == EventStatus::Planned), "{found:#?}");
    assert!(events("انطلقت في جنيف جولة جديدة من المحادثات حول اليمن.", "2023-02-20").is_empty());
}

#[test]
fn a_contact_after_a_sideline_word_is_told_there_when_the_sentence_tells_no_other() {
    let e = one("أكد وزير الخارجية السعودي فيصل بن فرحان خلال لقائه نظيره العماني بدر البوسعيدي في مسقط اليوم أهمية التعاون.", "2023-05-05");
    assert_eq!(countries(&e), ["OMN", "SAU"], "{e:#?}");
    // The setting of a contact the sentence reports is no contact of its own.
    let found =
        events("التقى وزير الخارجية السعودي فيصل بن فرحان نظيره العماني بدر البوسعيدي على هامش القمة الخليجية في الرياض.", "2023-05-05");
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn each_of_after_a_subject_lists_the_parties_met_one_by_one() {
    let text = "استقبل رئيس الوزراء العراقي محمد شياع السوداني اليوم سفراء عدد من الدول.\nحيث استقبل السوداني كلا من: سفير دولة الكويت، وسفير جمهورية مصر العربية، وسفير الجمهورية التركية.";
    let found = events(text, "2022-11-03");
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().all(|e| countries(e).contains(&"IRQ") && countries(e).len() == 2), "{found:#?}");
    // Listed as the subjects, they met together.
    let found = events(
        "التقى اليوم في الرياض كل من الرئيس الأمريكي دونالد ترامب، وولي العهد السعودي الأمير محمد بن سلمان، والرئيس السوري أحمد الشرع.",
        "2025-05-14",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn receptions_each_apart_are_one_contact_per_guest() {
    let found = events(
        "استقبل رئيس الوزراء الفلسطيني محمد اشتية اليوم في مكتبه برام الله سفير مالطا وسفير اليونان الجديدين لدى فلسطين كلا على حدة.",
        "2021-03-04",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|e| countries(e).contains(&"PSE") && countries(e).len() == 2), "{found:#?}");
}

#[test]
fn a_future_support_verb_before_talks_makes_them_planned() {
    let found = events(
        "قال الكرملين إن الرئيس فلاديمير بوتين سيجري محادثات مع كل من الرئيس الصيني شي جين بينغ ورئيس الوزراء الهندي ناريندرا مودي.",
        "2024-10-20",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|e| status(e) == EventStatus::Planned), "{found:#?}");
    // The future sits in a relative clause after the noun: "the state visit that he will make".
    let e =
        one("وتأتي زيارة الدولة التي سيقوم بها الرئيس الصيني شي جين بينغ إلى الرياض تلبية لدعوة من خادم الحرمين الشريفين.", "2022-12-06");
    assert_eq!(status(&e), EventStatus::Planned);
}

#[test]
fn a_denial_and_the_report_it_denies_are_one_negated_event() {
    let found = events(
        "نفى الكرملين أن يلتقي الرئيس فلاديمير بوتين نظيره الأمريكي دونالد ترامب في هلسنكي يوم 16 يوليو. وكانت صحف قد ذكرت أن بوتين سيلتقي ترامب في هلسنكي يوم 16 يوليو.",
        "2018-07-01",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(status(&found[0]), EventStatus::Negated);
    assert_eq!(date(&found[0]), "2018-07-16");
}

#[test]
fn lan_denies_only_the_verb_after_it() {
    let e = one("قال أردوغان: لن ألتقي السيسي في السعودية.", "2020-01-01");
    assert_eq!(status(&e), EventStatus::Negated);
    // A typo inside a name ("فهد لن محمود") denies nothing.
    let e = one("وكان في استقبال الرئيس الإيراني حسن روحاني نائب رئيس الوزراء العماني فهد لن محمود السعيد.", "2017-02-15");
    assert_eq!(status(&e), EventStatus::Occurred);
}

fn events_at(text: &str, published: &str, url: &str) -> Vec<Event> {
    let article = Article { id: "t".into(), text: text.into(), published_at: published.into(), url: url.into(), ..Default::default() };
    extractor().extract(&article).events
}

#[test]
fn a_bare_title_in_a_national_outlet_is_of_its_state() {
    let text = "استقبل راشد بن عبدالله وزير الداخلية اليوم السفير الفرنسي.";
    for (url, state) in [
        ("https://www.alwatannews.net/article/1", Some("BHR")),
        ("https://news.example.com.bh/1", Some("BHR")),
        ("https://www.aljazeera.net/news/1", None),
        ("", None),
    ] {
        let found = events_at(text, "2020-03-01", url);
        let ours: Vec<&str> = found.iter().flat_map(|e| countries(e)).filter(|&c| c != "FRA").collect();
        match state {
            Some(state) => assert_eq!(ours, [state], "{url}: {found:#?}"),
            None => assert!(ours.is_empty(), "{url}: {found:#?}"),
        }
    }
}

#[test]
fn a_delegation_listed_after_its_head_is_of_the_heads_state() {
    // In a Libyan outlet a bare title would be Libya's; in the Turkish delegation's list it is Turkey's.
    let found = events_at(
        "التقى رئيس المجلس الرئاسي محمد المنفي وفدا من تركيا برئاسة وزير الخارجية مولود تشاووش أوغلو، بحضور وزير الدفاع خلوصي آكار، ووزير التجارة محمد موش.",
        "2021-05-03",
        "https://news.example.ly/1",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(countries(&found[0]), ["LBY", "TUR"]);
    assert!(found[0].participants.iter().all(|p| p.country == "TUR" || p.actor_id == "person/mohamed-al-menfi"), "{found:#?}");
}

#[test]
fn a_given_name_before_a_day_is_the_time_of_day() {
    let found = events_at("استقبل وزير الداخلية، صباح اليوم، السفير الفرنسي.", "2020-03-01", "https://www.alwatannews.net/article/1");
    assert!(found.iter().flat_map(|e| &e.participants).all(|p| p.name_ar != "صباح"), "{found:#?}");
}

#[test]
fn an_agency_named_after_a_reporting_verb_is_the_press_of_its_state() {
    // A Libyan site reposting the Saudi agency: the bare title is Saudi, not Libyan.
    let found = events_at(
        "وذكرت وكالة الأنباء السعودية أن نائب وزير الخارجية وليد بن عبدالكريم الخريجي استقبل اليوم السفير الفرنسي.",
        "2025-01-11",
        "https://news.example.ly/1",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(countries(&found[0]), ["FRA", "SAU"]);
}

#[test]
fn a_grouping_that_meets_as_one_is_its_member_states() {
    let e = one("ينعقد غدا بدولة الكويت الاجتماع الوزاري لمجلس التعاون لدول الخليج العربية لبحث ملفات إستراتيجية.", "2024-08-31");
    assert_eq!(countries(&e), ["ARE", "BHR", "KWT", "OMN", "QAT", "SAU"]);
    assert_eq!(status(&e), EventStatus::Planned);
    // With a state met as one, and the chair of that state's side named after "برئاسة".
    let e = one(
        "سيعقد الاجتماع الوزاري المشترك الثاني بين مجلس التعاون الخليجي واليابان برئاسة وزير الخارجية الياباني تاكيشي إيوايا.",
        "2024-08-31",
    );
    assert_eq!(countries(&e), ["ARE", "BHR", "JPN", "KWT", "OMN", "QAT", "SAU"]);
    assert!(e.participants.iter().any(|p| p.country == "JPN" && p.actor_id.starts_with("person/")), "{e:#?}");
    // A grouping that acts as a body of its own (no members listed in the data) stays one side.
    let e = one("بحث وزير الخارجية المصري سامح شكري مع الاتحاد الأوروبي في بروكسل تطورات الأوضاع.", "2022-03-01");
    assert_eq!(countries(&e), ["", "EGY"], "{e:#?}");
}

#[test]
fn a_feminine_plural_of_a_nisba_names_no_state() {
    // "مجريات الأحداث" (the course of events) is no Hungarians.
    let e = one(
        "يصل إلى مدينة بورتسودان يوم الإثنين المبعوث الأمريكي للسودان توم بيريلو. ويناقش بيرللو مع المسؤولين السودانيين مجريات الأحداث المتعلقة بالحرب.",
        "",
    );
    assert!(!countries(&e).contains(&"HUN"), "{e:#?}");
}

#[test]
fn things_that_arrive_make_no_visit_but_someones_plane_does() {
    assert!(events("وصلت 3 طائرات سعودية محملة بالمواد الإغاثية إلى مطار حلب الدولي.", "2023-02-10").is_empty());
    assert!(events("3 طائرات سعودية محملة بالمواد الإغاثية وصلت إلى مطار حلب الدولي.", "2023-02-10").is_empty());
    assert!(events("وصلت سفينة مساعدات سعودية إلى ميناء بورتسودان.", "2023-02-10").is_empty());
    let e = one("وصلت طائرة الرئيس الإيراني إبراهيم رئيسي إلى مطار دمشق الدولي.", "2023-05-03");
    assert_eq!(countries(&e), ["IRN", "SYR"]);
}

#[test]
fn a_denied_visit_and_the_reports_of_it_are_one_denied_visit() {
    let text = "نفى مصدر دبلوماسي سوري الأنباء عن زيارة مرتقبة لوزير الخارجية السعودي فيصل بن فرحان للعاصمة السورية دمشق. \
                ونقلت روسيا اليوم عن مصدرها أنه لا يوجد حديث حاليا عن زيارة، بعد الأنباء التي تحدثت عن زيارة مرتقبة للوزير السعودي إلى دمشق.";
    let e = one(text, "");
    assert_eq!(countries(&e), ["SAU", "SYR"]);
    assert_eq!(status(&e), EventStatus::Negated);
}

#[test]
fn who_mandated_a_trip_is_no_side_of_it() {
    // Undated, "رئيس الجمهورية" would be the president the article names later.
    let text = "بتكليف من رئيس الجمهورية، يشرع وزير الخارجية أحمد عطاف في زيارات عمل إلى كل من إيطاليا، وصربيا. \
                وذلك بعد زيارة الرئيس عبد المجيد تبون إلى روسيا.";
    let found = events(text, "");
    let italy = found.iter().find(|e| countries(e).contains(&"ITA")).expect("the visit to Italy");
    assert_eq!(actors(italy), ["person/ahmed-attaf", "state/ITA"], "{italy:#?}");
}

#[test]
fn each_of_in_the_accusative_lists_the_stops_of_a_visit() {
    let found = events("زار وزير الخارجية الصيني وانغ يي كلاً من السعودية والجزائر.", "2023-01-10");
    assert_eq!(found.iter().map(countries).collect::<Vec<_>>(), [["CHN", "SAU"], ["CHN", "DZA"]], "{found:#?}");
}

#[test]
fn a_contact_noun_carried_by_a_verb_takes_the_subject_its_sentence_names() {
    let e = one("أعلن وزير الخارجية الأردني أيمن الصفدي أنه سيقوم بزيارة إلى السعودية الأسبوع المقبل.", "2023-03-05");
    assert_eq!(countries(&e), ["JOR", "SAU"]);
    assert_eq!(status(&e), EventStatus::Planned);
    // A passive leaves no subject: those named in the sentences before are no side of it.
    let text = "يعقد وزراء الخارجية العرب اجتماعا طارئا غدا برئاسة وزير خارجية جيبوتي محمود علي يوسف. \
                ويسبق الاجتماع اجتماع للجنة الرباعية بحضور الأمين العام للجامعة العربية أحمد أبو الغيط. \
                ثم يجرى اجتماع تشاوري مغلق لوزراء الخارجية العرب ورؤساء الوفود.";
    let found = events(text, "2017-11-18");
    assert!(found.iter().all(|e| countries(e) != ["DJI", "EGY"]), "{found:#?}");
}

#[test]
fn the_day_before_yesterday_is_a_date_not_a_first() {
    let text = "التقى رئيس الوزراء الكويتي الشيخ جابر مبارك الحمد الصباح الرئيس الصيني شي جينبينغ في بكين. \
                وكان الشيخ جابر المبارك أجرى محادثات أول من أمس مع نظيره الصيني لي كه تشيانغ.";
    let found = events(text, "2015-05-12");
    let talks = found.iter().find(|e| actors(e).contains(&"person/li-keqiang".to_string())).expect("the talks with Li Keqiang");
    assert!(!actors(talks).contains(&"person/xi-jinping".to_string()), "{found:#?}");
    assert_eq!(date(talks), "2015-05-10");
}

#[test]
fn calls_to_someone_named_right_after_are_calls() {
    // An item no list knows ("واتشاد") does not end the list of states.
    let text = "وكان الرئيس الموريتاني محمد ولد الشيخ الغزواني أجرى يوم أمس اتصالات بقادة دول الساحل رؤساء بوركينا فاسو والنيجر واتشاد ومالي، \
                كما أجرى اتصالا أول أمس برئيس ساحل العاج.";
    let found = events(text, "2020-05-21");
    let on = |c: &str| found.iter().find(|e| countries(e).contains(&c)).map(date).unwrap_or_default();
    assert_eq!([on("BFA"), on("NER"), on("MLI"), on("CIV")], ["2020-05-20", "2020-05-20", "2020-05-20", "2020-05-19"], "{found:#?}");
    assert!(found.iter().all(|e| countries(e).contains(&"MRT")), "{found:#?}");
    // Not the calls a network carries.
    assert!(events("ارتفعت أسعار الاتصالات بالشبكة الوطنية في موريتانيا.", "2020-05-21").is_empty());
}

#[test]
fn an_envoy_of_a_president_is_of_his_state_and_the_president_is_no_side() {
    let text = "ومن المقرر أن يلتقي الملك عبدالله الثاني بوزير الخارجية ماركو روبيو، ومستشار الأمن القومي مايك والتز، \
                والمبعوث الخاص للرئيس الأميركي للشرق الأوسط ستيفن ويتكوف.";
    let found = events(text, "2025-02-10");
    let met: Vec<Vec<String>> = found.iter().map(actors).collect();
    assert_eq!(
        met,
        [
            ["person/abdullah-ii", "person/marco-rubio"],
            ["person/abdullah-ii", "person/mike-waltz"],
            ["person/abdullah-ii", "person/steve-witkoff"]
        ],
        "{found:#?}"
    );
}

#[test]
fn a_likelihood_far_after_a_contact_is_not_its_status() {
    let e = one(
        "يعقد الرئيس الأميركي جو بايدن ونظيره الصيني شي جين بينغ قمة في سان فرانسيسكو اليوم الأربعاء في محاولة لتحقيق الاستقرار في العلاقات بعد سنوات من المخاوف المتزايدة باندلاع صراع محتمل بشأن تايوان.",
        "2023-11-15",
    );
    assert_eq!(status(&e), EventStatus::Occurred);
    let e = one("وأكد المصدر أن زيارة الرئيس الإيراني إبراهيم رئيسي المرتقبة إلى دمشق ستتم قريبا.", "2023-04-20");
    assert_eq!(status(&e), EventStatus::Planned);
}

#[test]
fn an_organisations_officer_is_of_no_state() {
    // The GCC's secretary-general is no member state, known or not to the knowledge base.
    let e = one(
        "استقبل أمير البلاد الشيخ نواف الأحمد الجابر الصباح بقصر السيف صباح اليوم الأمين العام لمجلس التعاون لدول الخليج العربية الدكتور نايف فلاح الحجرف.",
        "2020-12-28",
    );
    assert_eq!(countries(&e), ["", "KWT"], "{e:#?}");
    let officer = e.participants.iter().find(|p| p.country.is_empty()).unwrap();
    assert_eq!(
        (officer.name_ar.as_str(), officer.role.as_str(), officer.actor_code.as_str()),
        ("نايف فلاح الحجرف", "secretary-general", "IGOPGSGCC")
    );
    // A former foreign minister named as a UN envoy, before or after the title, is the UN's
    // wherever the article names him again.
    for text in [
        "التقى الرئيس اليمني عبدربه منصور هادي، في الرياض، أمس، مبعوث الأمم المتحدة لليمن إسماعيل ولد الشيخ أحمد. وبحث هادي مع ولد الشيخ أحمد مسار المشاورات.",
        "التقى إسماعيل ولد الشيخ أحمد المبعوث الخاص للأمين العام للأمم المتحدة إلى اليمن، يوسف بن علوي في مسقط.",
    ] {
        let found = events(text, "2016-10-03");
        assert!(!found.is_empty() && found.iter().all(|e| countries(e).len() == 2 && countries(e)[0].is_empty()), "{text}: {found:#?}");
        assert!(
            found.iter().all(|e| e.participants.iter().any(|p| p.actor_id == "person/ismail-ould-cheikh-ahmed" && p.country.is_empty()))
        );
    }
    // "المبعوث الأممي" carries its organisation.
    for text in [
        "التقى المبعوث الأممي إلى ليبيا غسان سلامة رئيس المجلس الرئاسي فايز السراج في طرابلس.",
        "التقى الرئيس اليمني عبدربه منصور هادي في الرياض إسماعيل ولد الشيخ أحمد المبعوث الأممي إلى اليمن.",
    ] {
        let e = one(text, "2016-10-03");
        assert!(e.participants.iter().any(|p| p.country.is_empty() && p.actor_code == "IGOUNO"), "{text}: {e:#?}");
    }
}

#[test]
fn a_title_before_an_organisation_is_its_officer_only_where_the_organisation_has_its_own() {
    // The AU's chair in turn is a head of state, who stays of their state.
    let e = one(
        "التقى فخامة رئيس الجمهورية، رئيس الاتحاد الإفريقي السيد محمد ولد الشيخ الغزواني، ظهر اليوم السبت في العاصمة الغامبية بانجول، بفخامة الرئيس السنغالي السيد بصيرو ديوماي فاي.",
        "2024-05-04",
    );
    assert_eq!(countries(&e), ["MRT", "SEN"], "{e:#?}");
    // The president of the European Commission is hers.
    let e = one("استقبل الرئيس عبد الفتاح السيسي اليوم رئيسة المفوضية الأوروبية أورسولا فون دير لاين.", "2024-03-17");
    assert_eq!(countries(&e), ["", "EGY"], "{e:#?}");
    // An officer's title before a state is that state's official; without an organisation after
    // it, it names no one ("المدير العام للشركة").
    let e = one("التقى حسين الشيخ في رام الله ممثل روسيا الاتحادية لدى فلسطين.", "2023-04-30");
    assert_eq!(countries(&e), ["PSE", "RUS"], "{e:#?}");
    assert!(events("التقى المدير العام للشركة رئيس مجلس الإدارة في الرياض.", "2023-04-30").is_empty());
}

#[test]
fn an_officer_listed_with_a_states_people_after_a_meeting_verb_is_met_apart() {
    let found = events(
        "والتقى الرئيس الصيني شي جين بينغ أمس برئيس البرلمان المصري علي عبد العال والأمين العام لجامعة الدول العربية نبيل العربي على التوالي.",
        "2016-01-22",
    );
    let met: Vec<Vec<&str>> = found.iter().map(countries).collect();
    assert_eq!(met, [vec!["CHN", "EGY"], vec!["", "CHN"]], "{found:#?}");
}

#[test]
fn a_rulers_honorifics_stand_between_a_title_and_its_holder() {
    let e = one(
        "جرى اتصال هاتفي بين رئيس الوزراء البحريني الشيخ خليفة بن سلمان آل خليفة وأمير دولة الكويت صاحب السمو الشيخ صباح الأحمد الجابر الصباح.",
        "2006-09-19",
    );
    assert_eq!(countries(&e), ["BHR", "KWT"]);
    assert_eq!(actors(&e), ["person/khalifa-bin-salman", "person/sabah-al-ahmad"]);
}

#[test]
fn a_president_elect_is_the_person_named_not_the_holder_of_the_day() {
    let e =
        one("استقبل الرئيس الفرنسي إيمانويل ماكرون الرئيس الأمريكي المنتخب دونالد ترمب في قصر الإليزيه في باريس يوم السبت.", "2024-12-08");
    assert_eq!(actors(&e), ["person/donald-trump", "person/emmanuel-macron"]);
}

#[test]
fn a_trip_called_off_goes_only_to_its_destination_and_is_told_once() {
    let e = one(
        "ألغى وزير الخارجية الأمريكي ماركو روبيو، رحلته إلى إسرائيل التي كانت مقررة يوم غد الإثنين، في أعقاب الضربات الأمريكية الإسرائيلية على إيران. وقال مساعد الوزير: لن يسافر الوزير روبيو إلى إسرائيل في 2 مارس.",
        "2026-03-01",
    );
    assert_eq!(countries(&e), ["ISR", "USA"]);
    assert_eq!(status(&e), EventStatus::Cancelled);
}

#[test]
fn a_destination_may_carry_its_preposition_on_the_word_for_capital() {
    let e = one(
        "وصل رئيس الوزراء الإثيوبي آبي أحمد، والرئيس الكيني أوهورو كينياتا، اليوم الأحد، للعاصمة الإريترية أسمرا في زيارة مفاجئة.",
        "2019-03-03",
    );
    assert_eq!(countries(&e), ["ERI", "ETH", "KEN"]);
    assert_eq!(e.location.as_ref().map(|l| l.country.as_str()), Some("ERI"));
}

#[test]
fn an_adjective_one_letter_from_an_articled_surname_is_no_one() {
    let e =
        one("التقى أمير قطر الشيخ حمد بن خليفة آل ثاني رئيس جمهورية بيرو أويانتا أومالا، وبحثا التعاون العلمي بين البلدين.", "2013-02-16");
    assert_eq!(countries(&e), ["PER", "QAT"]);
}

#[test]
fn a_groupings_meeting_told_again_gathers_the_attendees_named_first() {
    let e = one(
        "شارك وزير الخارجية الأمير فيصل بن فرحان اليوم في اجتماع الدورة الـ 159 للمجلس الوزاري لدول مجلس التعاون لدول الخليج العربية، وذلك برئاسة رئيس مجلس الوزراء وزير الخارجية في دولة قطر الشيخ محمد بن عبدالرحمن آل ثاني في العاصمة الرياض.\nحضر الاجتماع مدير إدارة مجلس التعاون لدول الخليج العربية أنس الوسيدي.",
        "2024-03-03",
    );
    assert_eq!(countries(&e), ["ARE", "BHR", "KWT", "OMN", "QAT", "SAU"]);
    assert!(actors(&e).contains(&"person/faisal-bin-farhan".to_string()), "{e:#?}");
}

#[test]
fn a_trilateral_meeting_with_two_counterparts_is_one_meeting() {
    let e = one(
        "شارك وزير الخارجية العراقي فؤاد حسين، يوم الخميس، في اجتماع آلية التعاون الثلاثي مع نظيريه الأردني أيمن الصفدي، والمصري بدر عبد العاطي، في مقر البعثة الأردنية بنيويورك.",
        "2025-09-25",
    );
    assert_eq!(countries(&e), ["EGY", "IRQ", "JOR"]);
}

#[test]
fn a_meeting_a_visits_programme_holds_is_planned() {
    let found = events(
        "وصل الى بيروت اليوم رئيس مجلس النواب العراقي سليم الجبوري آتيا من بغداد، وذلك في زيارة الى لبنان تستمر ليومين يلتقي خلالها رئيس مجلس النواب نبيه بري.",
        "",
    );
    let meeting = found.iter().find(|e| e.evidence.iter().any(|ev| ev.trigger == "يلتقي")).expect("the meeting with Berri");
    assert!(actors(meeting).contains(&"person/nabih-berri".to_string()), "{found:#?}");
    assert_eq!(status(meeting), EventStatus::Planned, "{found:#?}");
}

#[test]
fn chairing_is_not_liz_truss() {
    let found = events(
        "وتضمن برنامج الزيارة ترؤس الوزير الجانب التونسي في أعمال اللجنة المشتركة مع سلطنة عمان، كما ترأس الملك الاجتماع.",
        "2024-01-30",
    );
    assert!(found.iter().all(|e| !actors(e).contains(&"person/liz-truss".to_string())), "{found:#?}");
}

#[test]
fn a_name_written_family_name_first_is_read_whole_before_the_destination() {
    let e = one(
        "من المقرر أن تزور وزيرة الخارجية اليابانية كاميكاوا يوكو تركيا في أعقاب جولة أوروبية، حيث ستلتقي بنظيرها التركي هاكان فيدان.",
        "",
    );
    assert_eq!(e.location.as_ref().map(|l| l.country.as_str()), Some("TUR"), "{e:#?}");
}

#[test]
fn a_state_named_like_its_adjective_after_a_preposition_is_the_state() {
    let e = one("بدأ رئيس الوزراء الإثيوبي أبي أحمد، السبت، زيارة رسمية إلى جيبوتي هي الأولى له منذ توليه منصبه.", "2018-04-28");
    assert_eq!(countries(&e), ["DJI", "ETH"]);
}

#[test]
fn a_state_told_with_no_one_is_the_one_person_who_acts_for_it_that_day() {
    let text = "التقى وزير الخارجية الصيني وانغ يي نظيره السعودي الأمير فيصل بن فرحان في الرياض أمس الأحد. \
                واتفقت الصين والسعودية على تعزيز التنسيق بشأن القضايا الإقليمية.";
    let all = events(text, "2025-12-15");
    let agreement = all.iter().find(|e| e.event_type == EventType::Agree as i32).expect("the agreement");
    assert!(agreement.participants.iter().any(|p| p.actor_id == "person/wang-yi"), "{agreement:#?}");
    // Two people act for Saudi Arabia that day: the state stays the state.
    let text = "التقى وزير الخارجية الصيني وانغ يي نظيره السعودي الأمير فيصل بن فرحان في الرياض أمس الأحد، \
                كما التقى ولي العهد السعودي الأمير محمد بن سلمان. واتفقت الصين والسعودية على تعزيز التنسيق.";
    let all = events(text, "2025-12-15");
    let agreement = all.iter().find(|e| e.event_type == EventType::Agree as i32).expect("the agreement");
    assert!(agreement.participants.iter().any(|p| p.actor_id == "state/SAU"), "{agreement:#?}");
    // An agreement of years ago takes no one from the day's news.
    let text = "استقبل الرئيس الجزائري عبد المجيد تبون اليوم الاثنين رئيس الوزراء الموريتاني. \
                وكانت الجزائر وموريتانيا قد وقعتا اتفاقية للتعاون في عام 1990.";
    let all = events(text, "2024-03-04");
    let old = all.iter().find(|e| e.date.as_ref().is_some_and(|d| d.start == "1990")).expect("the agreement of 1990");
    assert_eq!(actors(old), ["state/DZA", "state/MRT"], "{old:#?}");
}

#[test]
fn the_two_presidents_of_two_states_are_each_states_president() {
    let e = one("والتقى الرئيسان الفرنسي والسنغالي اليوم في دكار.", "2018-02-02");
    assert_eq!(actors(&e), ["person/emmanuel-macron", "person/macky-sall"], "{e:#?}");
}

#[test]
fn a_deputy_is_not_the_person_whose_deputy_he_is() {
    // Beside the deputy, after his title: whose deputy he is.
    let found = events("أعلنت الإدارة الأمريكية اليوم تأجيل زيارة مايك بنس، نائب الرئيس الأمريكي، دونالد ترامب، لإسرائيل.", "2018-01-01");
    assert!(found.iter().all(|e| !actors(e).contains(&"person/donald-trump".to_string())), "{found:#?}");
    assert!(found.iter().any(|e| actors(e).contains(&"person/mike-pence".to_string())), "{found:#?}");
    // "نائب ترامب": someone of Trump's state.
    let found = events("تأجيل زيارة نائب ترامب إلى إسرائيل.", "2018-01-01");
    assert!(found.iter().all(|e| !actors(e).contains(&"person/donald-trump".to_string())), "{found:#?}");
    assert!(found.iter().any(|e| countries(e) == ["ISR", "USA"]), "{found:#?}");
}

#[test]
fn whose_decision_it_was_is_no_side() {
    let found = events("وكان من المقرر أن يجري مايك بنس زيارة لإسرائيل منتصف ديسمبر الماضي، بعد قرار ترامب الاعتراف بالقدس.", "2018-01-01");
    let visit = found.iter().find(|e| countries(e) == ["ISR", "USA"]).expect("the visit");
    assert!(actors(visit).contains(&"person/mike-pence".to_string()), "{visit:#?}");
    assert!(!actors(visit).contains(&"person/donald-trump".to_string()), "{visit:#?}");
}

#[test]
fn a_counterpart_is_named_only_by_words_that_read_as_a_name() {
    let e = one("وأوضح ناصر بوريطة أن مباحثاته مع نظيره الغيني اهتمت بعدد من القضايا.", "2021-03-20");
    assert!(e.participants.iter().all(|p| p.name_ar != "اهتمت بعدد"), "{e:#?}");
}

#[test]
fn a_tour_told_as_made_made_its_stops() {
    let found = events("زار الشيخ نواف الأحمد دولا خليجية وعربية شملت السعودية والبحرين.", "2024-03-01");
    for country in ["BHR", "SAU"] {
        let visit = found.iter().find(|e| countries(e).contains(&country)).expect("a visit to each");
        assert_eq!(status(visit), EventStatus::Occurred, "{visit:#?}");
    }
    // Calls that included counterparts were calls with them.
    let found = events("أجرى الرئيس الموريتاني محمد ولد الشيخ الغزواني اتصالات هاتفية شملت نظراءه رؤساء السنغال والجزائر.", "2020-05-21");
    assert!(found.iter().any(|e| countries(e) == ["MRT", "SEN"]), "{found:#?}");
}

#[test]
fn a_title_followed_by_another_name_is_that_person_not_the_listed_holder() {
    // The lists' foreign minister of Libya on that day is someone else: the text names who met.
    let e = one("استقبل وزير الخارجية أحمد بن عمر اليوم السفير البريطاني لدى ليبيا لي زيغو في مكتبه.", "2023-01-01");
    let minister = e.participants.iter().find(|p| p.country == "LBY").expect("a Libyan side");
    assert_eq!(minister.name_ar, "أحمد بن عمر", "{e:#?}");
    // A spelling of the holder's name keeps the holder.
    let e = one("التقى وزير الخارجية الروسي سيرجى لافروف نظيره الأمريكي مايك بومبيو في سوتشي اليوم.", "2019-05-14");
    assert_eq!(actors(&e), ["person/mike-pompeo", "person/sergey-lavrov"]);
}

#[test]
fn a_surname_after_a_title_is_the_person_introduced_in_full() {
    let text = "قال العاني إن الرئيس العراقي فؤاد معصوم سيزور تركيا قريبا. وكان الرئيس معصوم قد أنهى زيارة إلى المملكة العربية السعودية.";
    let found = events(text, "2017-01-01");
    let saudi = found.iter().find(|e| countries(e) == ["IRQ", "SAU"]).expect("the visit to Saudi Arabia");
    assert_eq!(status(saudi), EventStatus::Occurred, "{saudi:#?}");
    assert!(actors(saudi).contains(&"person/fuad-masum".to_string()), "{saudi:#?}");
}

#[test]
fn a_nationality_adjective_before_a_name_is_someone_of_its_state() {
    // Credentials of two ambassadors named by adjective and name: one ceremony each. Jordan's
    // Samir Rifai, whom the lists know, is a namesake of Palestine's ambassador.
    let found =
        events("تقبل الرئيس السوري بشار الأسد اليوم أوراق اعتماد الإيراني مهدي سبحاني والفلسطيني سمير الرفاعي سفيرين لبلادهما.", "2021-06-13");
    let mut pairs: Vec<Vec<&str>> = found.iter().map(countries).collect();
    pairs.sort();
    assert_eq!(pairs, [["IRN", "SYR"], ["PSE", "SYR"]], "{found:#?}");
    assert!(found.iter().all(|e| !actors(e).iter().any(|a| a.contains("samir"))), "{found:#?}");
    // A title of one state before a name the lists give someone of another: the same namesake.
    let found = events("تقبل الرئيس السوري بشار الأسد اليوم أوراق اعتماد السفير الفلسطيني سمير الرفاعي.", "2021-06-13");
    assert_eq!(found.iter().map(countries).collect::<Vec<_>>(), [["PSE", "SYR"]], "{found:#?}");
    // An adjective that describes a noun before it, or is no definite word, names no one.
    assert!(events("وصل الوفد الإيراني مهدي إلى دمشق.", "2021-06-13").iter().all(|e| e.participants.iter().all(|p| p.name_ar.is_empty())));
}

#[test]
fn credentials_of_ambassadors_listed_after_their_sentence_are_one_ceremony_each() {
    // The ambassadors named with their states in the lines after.
    let text = "استقبل الملك محمد السادس اليوم بالقصر الملكي بالرباط عددا من السفراء الأجانب، الذين قدموا له أوراق اعتمادهم.\nويتعلق الأمر بالسادة\nجان ماري مويل سفير جمهورية الكونغو،\nمحمد بن عياد سفير الجمهورية التونسية.";
    let found = events(text, "2019-01-04");
    let mut pairs: Vec<Vec<&str>> = found.iter().map(countries).collect();
    pairs.sort();
    assert_eq!(pairs, [["COG", "MAR"], ["MAR", "TUN"]], "{found:#?}");
    // The states listed after ambassadors named with none; the receiver's own state is none of them.
    let text = "استقبل الملك محمد السادس اليوم مجموعة من السفراء الأجانب، الذين قدموا لجلالته أوراق اعتمادهم.\nوشمل هذا الاستقبال سفراء من دول مختلفة، من بينها تركيا، كندا، مما يعكس الروابط التي تجمع المغرب بهذه الدول.";
    let found = events(text, "2025-05-14");
    let mut pairs: Vec<Vec<&str>> = found.iter().map(countries).collect();
    pairs.sort();
    assert_eq!(pairs, [["CAN", "MAR"], ["MAR", "TUR"]], "{found:#?}");
}

#[test]
fn the_feminine_past_of_a_verb_in_alif_maqsura_is_read() {
    let e = one("التقت وزيرة الخارجية الألمانية أنالينا بيربوك نظيرها الأردني أيمن الصفدي.", "2023-06-10");
    assert_eq!(actors(&e), ["person/annalena-baerbock", "person/ayman-safadi"]);
    let e = one("وكانت الحكومة قد ألغت زيارة وزير الخارجية الإيطالي إلى ليبيا.", "2023-06-10");
    assert_eq!(status(&e), EventStatus::Cancelled, "{e:#?}");
}

#[test]
fn a_delegation_described_before_its_nationality_is_of_that_state() {
    for text in ["وصل وفد أمني مصري إلى الخرطوم ظهر اليوم.", "وصل وفد أمني رفيع المستوى من جمهورية مصر العربية إلى الخرطوم ظهر اليوم."]
    {
        let e = one(text, "2022-01-11");
        assert_eq!(countries(&e), ["EGY", "SDN"], "{text}: {e:#?}");
    }
    // A capital after words that describe the delegation is where it went, not whose it is: a
    // delegation of no state named makes no side.
    assert_eq!(events("وقبل أن يتوجه إلى روسيا، زار الوفد الإفريقي كييف.", "2023-06-16"), []);
}

#[test]
fn the_name_ali_written_with_ya_is_part_of_a_name_not_the_preposition() {
    let e = one("استقبل وزير الخارجية الأردني أيمن الصفدي القائم بالأعمال العراقي في عمان منيف علي حسين.", "2023-04-30");
    assert!(e.participants.iter().any(|p| p.country == "IRQ" && p.name_ar == "منيف علي حسين"), "{e:#?}");
    // على, written with alif maqsura, stays the preposition.
    let e = one("التقى وزير الخارجية الأردني أيمن الصفدي على هامش القمة نظيره المصري سامح شكري.", "2023-04-30");
    assert_eq!(countries(&e), ["EGY", "JOR"], "{e:#?}");
}

#[test]
fn a_title_joined_by_and_takes_no_name_before_it() {
    // The name before "والقائم بالأعمال" is the minister's, not the chargé's.
    let e = one("التقى رئيس الوزراء العراقي وزير الصناعة والتجارة الأردني يوسف الشمالي والقائم بالأعمال الكويتي في عمان.", "2023-04-30");
    assert!(!e.participants.iter().any(|p| p.country == "KWT" && p.name_ar == "يوسف الشمالي"), "{e:#?}");
    // That "والأمين العام" after a named speaker is the next one met, not a second post, is
    // `an_officer_listed_with_a_states_people_after_a_meeting_verb_is_met_apart`.
}

#[test]
fn a_chinese_or_korean_leader_is_named_again_by_the_family_name_first() {
    let found = events("وصل الرئيس الصيني شي جين بينغ إلى القاهرة. والتقى شي أمس برئيس الوزراء المصري شريف إسماعيل.", "2016-01-22");
    assert!(
        found.iter().any(|e| countries(e) == ["CHN", "EGY"]
            && actors(e).iter().any(|a| a.contains("xi-jinping"))
            && e.mode() != ConsultMode::Phone),
        "{found:#?}"
    );
}

#[test]
fn an_unlisted_name_ends_before_a_purpose() {
    let e = one("التقى وزير الخزانة الأميركي ستيفن منوشين مع رئيس البنك الدولي ديفيد مالباس لحل الخلافات حول السد.", "2019-12-10");
    assert!(e.participants.iter().any(|p| p.name_ar == "ديفيد مالباس"), "{e:#?}");
}

#[test]
fn a_meeting_with_an_envoy_takes_place_where_the_envoy_serves() {
    let e = one("استقبل وزير الشؤون الخارجية الموريتاني اليوم السفير الصيني لدى بلادنا.", "2023-04-30");
    assert_eq!(e.location.as_ref().map(|l| l.country.as_str()), Some("MRT"), "{e:#?}");
    // A call with an envoy is placed nowhere.
    let e = one("تلقى وزير الخارجية المصري اتصالا هاتفيا من السفير الأمريكي.", "2023-04-30");
    assert_eq!(e.location, None, "{e:#?}");
}
