//! The live page in a real browser: `rasad serve` (the real binary and extractor) and headless
//! Chromium over WebDriver (Debian's `chromium` and `chromium-driver`; `.ci/run` installs them).
//! The page is opened on an empty store, the seeds are ingested, and the events appear without
//! a reload; a country filter and a date range (applied by the server) hide the others; an event's detail lists
//! its reports with the evidence right to left and the trigger marked; the map shades Russia
//! and the United States; the page fits a phone and switches to Arabic. Screenshots go to
//! `target/page.png` and `target/page-phone.png` (`docs/page.png` is a copy).

mod common;

use std::collections::BTreeSet;

use common::{webdriver::Browser, *};
use rasad::proto::Article;
use serde_json::{Value, json};

fn seeds() -> Vec<Article> {
    std::fs::read_to_string("seeds/seeds.jsonl").unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The ids of every event `GET /api/events?<query>` lists.
async fn api_ids(base: &str, query: &str) -> BTreeSet<String> {
    let page = http::get(&format!("{base}/api/events?page_size=1000&{query}")).await.json();
    page["events"].as_array().map_or(BTreeSet::new(), |e| e.iter().map(|e| e["id"].as_str().unwrap().to_string()).collect())
}

/// The ids of the events the page lists (a JavaScript expression).
const LISTED: &str = "[...document.querySelectorAll('#events li')].map(li => li.dataset.id).sort()";

fn ids(value: Value) -> BTreeSet<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

fn save(name: &str, png: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_follows_ingest_live_filters_shows_reports_and_maps_states() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let base = format!("http://{}", server.http_addr);
    let browser = Browser::start().await;
    browser.resize(1280, 1400).await;
    browser.goto(&format!("{base}/")).await;
    browser.wait_for("the page to start", "return document.body.dataset.ready === 'true';", json!([])).await;
    browser.wait_for("the stream to open", "return document.getElementById('connection').dataset.state === 'live';", json!([])).await;
    assert_eq!(browser.run(&format!("return {LISTED};"), json!([])).await, json!([]), "an empty store lists nothing");
    // Marks this document: a reload would lose it.
    browser.run("window.sameDocument = true;", json!([])).await;

    // The seeds arrive while the page is open.
    let results = ingest(&mut connect(&server.url()).await, seeds()).await;
    assert_eq!(results.len(), 5);
    let all = api_ids(&base, "").await;
    assert!(all.len() >= 10, "the seeds give many events: {all:?}");
    let script = format!("const ids = {LISTED}; return ids.length === {} ? ids : null;", all.len());
    let shown = browser.wait_for("every stored event in the list", &script, json!([])).await;
    assert_eq!(ids(shown), all);
    assert_eq!(browser.run("return window.sameDocument === true;", json!([])).await, json!(true), "no reload");

    // The map shades the states of the visible events and draws their contacts.
    let shaded = "return [...document.querySelectorAll('#map path.state.shaded')].map(p => p.dataset.id);";
    let shaded = ids(browser.run(shaded, json!([])).await);
    assert!(shaded.contains("RUS") && shaded.contains("USA"), "{shaded:?}");
    let contact = "return document.querySelector('#map path.contact[data-pair=\"RUS-USA\"]') !== null;";
    assert_eq!(browser.run(contact, json!([])).await, json!(true));
    let bars = browser.run("return document.querySelectorAll('#timeline rect.bar').length;", json!([])).await;
    assert!(bars.as_u64().unwrap() >= 1, "the timeline has days");

    // A country filter: the server answers, the page shows exactly its events.
    let russia = api_ids(&base, "country=RUS").await;
    assert!(!russia.is_empty() && russia.len() < all.len(), "RUS is in some events, not all: {russia:?}");
    browser
        .run(
            "const s = document.getElementById('country'); s.value = 'RUS'; s.dispatchEvent(new Event('change', {bubbles: true}));",
            json!([]),
        )
        .await;
    let script = format!("const ids = {LISTED}; return JSON.stringify(ids) === JSON.stringify(arguments[0]) ? ids : null;");
    browser.wait_for("only Russia's events", &script, json!([russia])).await;
    let shaded =
        ids(browser.run("return [...document.querySelectorAll('#map path.state.shaded')].map(p => p.dataset.id);", json!([])).await);
    assert!(shaded.contains("RUS"), "{shaded:?}");

    // An event's detail: its sides and roles, and every report with its evidence.
    let first = russia.iter().next().unwrap().clone();
    browser.click(&format!("#events li[data-id=\"{first}\"]")).await;
    let reports = http::get(&format!("{base}/api/events/{first}/reports?page_size=1000")).await.json();
    let articles: BTreeSet<String> =
        reports["reports"].as_array().unwrap().iter().map(|r| r["articleId"].as_str().unwrap().to_string()).collect();
    let listed =
        "const r = [...document.querySelectorAll('#detail .report')].map(r => r.dataset.article).sort(); return r.length ? r : null;";
    assert_eq!(ids(browser.wait_for("the event's reports", listed, json!([])).await), articles);
    let evidence = "const p = document.querySelector('#detail .report p.evidence'); \
                    return p && {dir: p.getAttribute('dir'), mark: p.querySelector('mark')?.textContent ?? ''};";
    let evidence = browser.run(evidence, json!([])).await;
    assert_eq!(evidence["dir"], "rtl");
    assert!(!evidence["mark"].as_str().unwrap().is_empty(), "the trigger is marked: {evidence}");
    let sides = browser.run("return document.querySelectorAll('#detail .sides-table tr').length - 1;", json!([])).await;
    assert!(sides.as_u64().unwrap() >= 2, "the sides are listed");
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";
    assert_eq!(browser.run(fits, json!([])).await, json!(true), "nothing wider than the window");
    browser.run("window.scrollTo(0, 0);", json!([])).await;
    save("page.png", &browser.screenshot().await);

    // Dates too are the server's filter; a range it refuses shows its reason.
    let set = "for (const [id, v] of Object.entries(arguments[0])) { const i = document.getElementById(id); i.value = v; \
               i.dispatchEvent(new Event('change', {bubbles: true})); }";
    browser.run(set, json!([{"since": "2019-01-01", "until": "2019-12-31"}])).await;
    let in_2019 = api_ids(&base, "country=RUS&since=2019-01-01&until=2019-12-31").await;
    assert!(!in_2019.is_empty() && in_2019.len() < russia.len(), "{in_2019:?}");
    browser.wait_for("Russia's events of 2019", &script, json!([in_2019])).await;
    browser.run(set, json!([{"since": "2020-01-01"}])).await;
    let refused = "const p = document.getElementById('empty'); return !p.hidden && p.textContent.includes('after') && p.textContent;";
    browser.wait_for("the server's reason", refused, json!([])).await;
    browser.click("#clear").await;
    browser.wait_for("every event again", &script, json!([all])).await;

    // A phone: nothing wider than the screen; then the Arabic labels, right to left.
    browser.resize(390, 844).await;
    browser.wait_for("a layout no wider than the phone", fits, json!([])).await;
    browser.click("#lang").await;
    let arabic = "return document.documentElement.dir === 'rtl' && document.querySelector('h1').textContent;";
    let title = browser.wait_for("Arabic labels", arabic, json!([])).await;
    assert!(title.as_str().unwrap().starts_with("رصد"), "{title}");
    browser.run("window.scrollTo(0, 0);", json!([])).await;
    save("page-phone.png", &browser.screenshot().await);
    browser.quit().await;
}
