// The live page: lists the stored events that match the filters (GET /api/events), follows their
// changes as they are committed (GET /api/stream, Server-Sent Events; the browser resumes after
// the last sequence it saw when the connection drops), and draws them on a world map and a
// timeline. The server applies every filter. Labels in English or Arabic.
"use strict";

const TYPES = ["CONSULT", "AGREE", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
  "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
const STATUSES = ["OCCURRED", "PLANNED", "PROPOSED", "NEGATED", "CANCELLED"];
const PAGE = 200;

const LABELS = {
  en: {
    title: "Rasad — live political events", country: "Country", type: "Type", status: "Status", since: "From", until: "To",
    all: "All", clear: "Clear", events: "Events", more: "More", map: "Map", timeline: "Events per day",
    empty: "No events yet: ingest articles and they appear here as they are stored.",
    footer: "Map: Natural Earth (public domain) via world-atlas.", live: "live", connecting: "connecting…",
    sides: "Sides", role: "Role", state: "State", code: "Actor code", date: "Date", place: "Place", mode: "Mode",
    topics: "Topics", articles: "Articles", sources: "Sources", confidence: "Confidence", history: "Status history",
    reports: "Reports", close: "Close", undated: "undated", nowhere: "place not given", conflicts: "Disputed",
    published: "published", source: "source", trigger: "trigger", lang: "العربية", from_publication: "(publication date)",
    TYPE: { CONSULT: "Consult", AGREE: "Agree", SUPPORT: "Support", CONCEDE: "Concede", COOPERATE: "Cooperate", AID: "Aid",
      RETREAT: "Retreat", REQUEST: "Request", ACCUSE: "Accuse", REJECT: "Reject", THREATEN: "Threaten", PROTEST: "Protest",
      SANCTION: "Sanction", MOBILIZE: "Mobilize", COERCE: "Coerce", ASSAULT: "Assault" },
    STATUS: { OCCURRED: "occurred", PLANNED: "planned", PROPOSED: "proposed", NEGATED: "negated", CANCELLED: "cancelled" },
    MODE: { PHONE: "phone call", VISIT: "visit", THIRD_PARTY: "meeting in a third country", MULTILATERAL: "multilateral" },
  },
  ar: {
    title: "رصد — الأحداث السياسية مباشرة", country: "الدولة", type: "النوع", status: "الحالة", since: "من", until: "إلى",
    all: "الكل", clear: "مسح", events: "الأحداث", more: "المزيد", map: "الخريطة", timeline: "الأحداث في اليوم",
    empty: "لا أحداث بعد: أرسل المقالات وستظهر هنا فور تخزينها.",
    footer: "الخريطة: Natural Earth (ملكية عامة) عبر world-atlas.", live: "مباشر", connecting: "جارٍ الاتصال…",
    sides: "الأطراف", role: "المنصب", state: "الدولة", code: "رمز الفاعل", date: "التاريخ", place: "المكان", mode: "الشكل",
    topics: "المواضيع", articles: "المقالات", sources: "المصادر", confidence: "الثقة", history: "تطور الحالة",
    reports: "التقارير", close: "إغلاق", undated: "بلا تاريخ", nowhere: "المكان غير مذكور", conflicts: "خلاف",
    published: "نُشر", source: "المصدر", trigger: "الكلمة الدالة", lang: "English", from_publication: "(تاريخ النشر)",
    TYPE: { CONSULT: "تشاور", AGREE: "اتفاق", SUPPORT: "دعم", CONCEDE: "تنازل", COOPERATE: "تعاون", AID: "مساعدة",
      RETREAT: "انسحاب", REQUEST: "طلب", ACCUSE: "اتهام", REJECT: "رفض", THREATEN: "تهديد", PROTEST: "احتجاج",
      SANCTION: "عقوبات", MOBILIZE: "تعبئة", COERCE: "إكراه", ASSAULT: "اعتداء" },
    STATUS: { OCCURRED: "وقع", PLANNED: "مقرر", PROPOSED: "مقترح", NEGATED: "منفي", CANCELLED: "ملغى" },
    MODE: { PHONE: "اتصال هاتفي", VISIT: "زيارة", THIRD_PARTY: "لقاء في بلد ثالث", MULTILATERAL: "متعدد الأطراف" },
  },
};

const state = {
  lang: localStorage.getItem("rasad.lang") === "ar" ? "ar" : "en",
  events: new Map(), // id -> event
  order: [], // ids, the latest change first
  fresh: new Set(), // ids changed since the list was drawn
  next: "", // page token of the listing
  selected: null,
  stream: null,
  generation: 0, // bumped on every filter change, so late answers of old filters are dropped
  world: null,
};

const $ = (id) => document.getElementById(id);
const t = (key) => LABELS[state.lang][key] ?? LABELS.en[key] ?? key;
const suffix = (value, prefix) => (value ?? "").replace(prefix, "");
const typeOf = (e) => suffix(e.eventType, "EVENT_TYPE_");
const statusOf = (e) => suffix(e.status, "EVENT_STATUS_") || "OCCURRED";
const modeOf = (e) => suffix(e.mode, "CONSULT_MODE_");

/// An element with attributes and children (strings become text: nothing is parsed as HTML).
function el(tag, attrs = {}, ...children) {
  const svg = ["svg", "path", "line", "rect", "text", "title", "g", "circle"].includes(tag);
  const node = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// ---- names -------------------------------------------------------------------------------

function stateName(code) {
  const c = state.world?.byId.get(code);
  if (!c) return code;
  return state.lang === "ar" && c.ar ? c.ar : c.en;
}

/// The actor's name in the page's language: a state without an Arabic name as written takes
/// its name from the map's list.
function actorName(p) {
  if (p.kind === "ACTOR_KIND_STATE" && p.country && !(state.lang === "ar" && p.nameAr)) return stateName(p.country);
  const name = state.lang === "ar" ? p.nameAr || p.nameEn : p.nameEn || p.nameAr;
  return name || (p.country ? stateName(p.country) : p.actorId);
}

function placeName(loc) {
  if (!loc) return "";
  return state.lang === "ar" ? loc.nameAr || loc.nameEn : loc.nameEn || loc.nameAr;
}

function dateText(d) {
  if (!d || !d.start) return t("undated");
  const range = d.end ? `${d.start} – ${d.end}` : d.start;
  return d.fromPublication ? `${range} ${t("from_publication")}` : range;
}

function sidesText(e) {
  return (e.participants ?? []).map((p) => (p.country ? `${actorName(p)} (${p.country})` : actorName(p))).join(" · ");
}

// ---- filters -----------------------------------------------------------------------------

function query() {
  const q = new URLSearchParams();
  for (const key of ["country", "type", "status", "since", "until"]) {
    const v = $(key).value;
    if (v) q.append(key, v);
  }
  return q;
}

function fillSelects() {
  const keep = { country: $("country").value, type: $("type").value, status: $("status").value };
  const options = (select, items) => {
    const all = el("option", { value: "" }, t("all"));
    select.replaceChildren(all, ...items.map(([v, label]) => el("option", { value: v }, label)));
  };
  const states = [...(state.world?.byId.keys() ?? [])].map((c) => [c, `${stateName(c)} (${c})`]);
  states.sort((a, b) => a[1].localeCompare(b[1], state.lang));
  options($("country"), states);
  options($("type"), TYPES.map((x) => [x.toLowerCase(), t("TYPE")[x]]));
  options($("status"), STATUSES.map((x) => [x.toLowerCase(), t("STATUS")[x]]));
  for (const [k, v] of Object.entries(keep)) $(k).value = v;
}

// ---- loading and the live stream ---------------------------------------------------------

/// Lists the matching events and follows their changes. The stream opens first and its updates
/// wait until the listing has arrived, then apply in order: nothing committed in between is lost.
async function reload() {
  const generation = ++state.generation;
  state.events.clear();
  state.order = [];
  state.fresh.clear();
  if (state.stream) state.stream.close();
  const waiting = [];
  let listed = false;
  const stream = new EventSource(`/api/stream?${query()}`);
  state.stream = stream;
  setConnection("connecting");
  stream.onopen = () => setConnection("live");
  stream.onerror = () => setConnection("connecting");
  // The server could not read its log: the stream ends, and the browser reconnects after the
  // last update it saw.
  stream.addEventListener("failure", () => setConnection("connecting"));
  stream.onmessage = (m) => {
    const update = JSON.parse(m.data);
    if (listed) applyUpdate(update);
    else waiting.push(update);
  };
  let page;
  try {
    page = await fetchJson(`/api/events?${query()}&page_size=${PAGE}`);
  } catch (error) {
    // The server refused the filters (a start after the end...): say why.
    stream.close();
    render();
    $("empty").textContent = error.message;
    return;
  }
  if (generation !== state.generation) return;
  addListed(page);
  listed = true;
  waiting.forEach(applyUpdate);
  render();
}

async function more() {
  const generation = state.generation;
  const page = await fetchJson(`/api/events?${query()}&page_size=${PAGE}&page_token=${state.next}`);
  if (generation === state.generation) {
    addListed(page);
    render();
  }
}

function addListed(page) {
  for (const e of page.events ?? []) {
    if (!state.events.has(e.id)) state.order.push(e.id);
    state.events.set(e.id, e);
  }
  state.next = page.nextPageToken ?? "";
}

function applyUpdate(u) {
  if (u.mergedEventId) {
    state.events.delete(u.mergedEventId);
    state.order = state.order.filter((id) => id !== u.mergedEventId);
  }
  const e = u.event;
  if (!e) return;
  state.events.set(e.id, e);
  state.order = [e.id, ...state.order.filter((id) => id !== e.id)];
  state.fresh.add(e.id);
  scheduleRender();
  if (state.selected === e.id || state.selected === u.mergedEventId) showDetail(e.id);
}

let pending = false;
function scheduleRender() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function setConnection(s) {
  $("connection").dataset.state = s;
  $("connection").textContent = t(s);
}

async function fetchJson(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body;
}

// ---- drawing -----------------------------------------------------------------------------

function render() {
  const visible = state.order.map((id) => state.events.get(id)).filter(Boolean);
  $("events").replaceChildren(...visible.map(eventItem));
  $("count").textContent = `(${visible.length})`;
  $("empty").hidden = visible.length > 0;
  $("empty").textContent = t("empty");
  $("more").hidden = !state.next;
  const fresh = [...state.fresh];
  state.fresh.clear();
  // Let the highlight fade.
  setTimeout(() => fresh.forEach((id) => document.querySelector(`#events li[data-id="${CSS.escape(id)}"]`)?.classList.remove("fresh")), 1500);
  drawMap(visible);
  drawTimeline(visible);
}

function eventItem(e) {
  const status = statusOf(e);
  const mode = modeOf(e);
  const where = placeName(e.location);
  return el("li", {
    "data-id": e.id,
    class: [state.fresh.has(e.id) && "fresh", state.selected === e.id && "selected"].filter(Boolean).join(" "),
    onclick: () => showDetail(e.id, true),
  },
  el("div", { class: "line1" },
    el("span", { class: "kind" }, t("TYPE")[typeOf(e)] ?? typeOf(e)),
    el("span", { class: `badge ${status}` }, t("STATUS")[status]),
    mode ? el("span", { class: "meta" }, t("MODE")[mode]) : null),
  el("div", { class: "sides" }, sidesText(e)),
  el("div", { class: "meta" }, [dateText(e.date), where, `${e.numArticles ?? 0} ✉`, e.id].filter(Boolean).join(" · ")));
}

function drawMap(visible) {
  const svg = $("map");
  const world = state.world;
  if (!world) return;
  svg.setAttribute("viewBox", `0 0 ${world.width} ${world.height}`);
  const shaded = new Set();
  const contacts = new Map(); // "A-B" -> number of events
  for (const e of visible) {
    const states = [...new Set((e.participants ?? []).map((p) => p.country).filter((c) => world.byId.has(c)))].sort();
    states.forEach((c) => shaded.add(c));
    for (let i = 0; i < states.length; i++) {
      for (let j = i + 1; j < states.length; j++) {
        const key = `${states[i]}-${states[j]}`;
        contacts.set(key, (contacts.get(key) ?? 0) + 1);
      }
    }
  }
  const countries = world.countries.map((c) => el("path", {
    d: c.d, class: shaded.has(c.id) ? "state shaded" : "state", "data-id": c.id || null,
  }, el("title", {}, c.id ? stateName(c.id) : c.en)));
  const lines = [...contacts].map(([key, n]) => {
    const [a, b] = key.split("-").map((c) => world.byId.get(c).c);
    // A curve bowing away from the equator, so lines between the same regions stay apart.
    const mx = (a[0] + b[0]) / 2;
    const my = (a[1] + b[1]) / 2 - Math.hypot(b[0] - a[0], b[1] - a[1]) * 0.2;
    return el("path", { d: `M${a[0]},${a[1]} Q${mx},${my} ${b[0]},${b[1]}`, class: "contact", "data-pair": key, "stroke-width": Math.min(1 + n * 0.4, 4) },
      el("title", {}, `${stateName(key.slice(0, 3))} – ${stateName(key.slice(4))}: ${n}`));
  });
  const ends = [...shaded].map((c) => el("circle", { cx: world.byId.get(c).c[0], cy: world.byId.get(c).c[1], r: 2.2, class: "end" }));
  svg.replaceChildren(el("path", { d: world.sphere, class: "sphere" }), ...countries, ...lines, ...ends);
}

function drawTimeline(visible) {
  const svg = $("timeline");
  const perDay = new Map();
  for (const e of visible) {
    const day = e.date?.start;
    if (day && day.length === 10) perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const width = 600, height = 90, base = 72;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  if (perDay.size === 0) {
    svg.replaceChildren(el("text", { x: 4, y: 40, class: "axis" }, t("undated")));
    return;
  }
  const days = [...perDay.keys()].sort();
  const ms = (d) => Date.parse(`${d}T00:00:00Z`);
  const first = ms(days[0]), last = ms(days[days.length - 1]);
  const span = Math.max(last - first, 86400000);
  const most = Math.max(...perDay.values());
  const bar = Math.max(3, Math.min(24, (width - 20) / ((span / 86400000) + 1)));
  const x = (d) => 10 + ((ms(d) - first) / span) * (width - 20 - bar);
  const bars = days.map((d) => {
    const h = (perDay.get(d) / most) * (base - 8);
    return el("rect", { x: x(d), y: base - h, width: bar, height: h, class: "bar", "data-day": d }, el("title", {}, `${d}: ${perDay.get(d)}`));
  });
  const axis = [
    el("text", { x: 10, y: height - 4, class: "axis" }, days[0]),
    days.length > 1 ? el("text", { x: width - 10, y: height - 4, class: "axis", "text-anchor": "end" }, days[days.length - 1]) : null,
  ];
  svg.replaceChildren(...bars, ...axis);
}

// ---- detail ------------------------------------------------------------------------------

/// Shows the event's detail; `reveal` scrolls to it on a phone (where it is below the list).
async function showDetail(id, reveal = false) {
  state.selected = id;
  document.querySelectorAll("#events li").forEach((li) => li.classList.toggle("selected", li.dataset.id === id));
  const [event, reports] = await Promise.all([
    fetchJson(`/api/events/${encodeURIComponent(id)}`),
    fetchJson(`/api/events/${encodeURIComponent(id)}/reports?page_size=100`),
  ]);
  if (state.selected !== id) return;
  const detail = $("detail");
  detail.replaceChildren(...detailBody(event, reports.reports ?? []));
  detail.hidden = false;
  if (reveal && window.matchMedia("(max-width: 760px)").matches) detail.scrollIntoView({ block: "start" });
}

function detailBody(e, reports) {
  const status = statusOf(e);
  const facts = [
    [t("status"), `${t("STATUS")[status]}`],
    [t("date"), dateText(e.date)],
    [t("place"), placeName(e.location) || t("nowhere")],
    modeOf(e) ? [t("mode"), t("MODE")[modeOf(e)]] : null,
    (e.topics ?? []).length ? [t("topics"), e.topics.map((x) => (state.lang === "ar" ? x.nameAr || x.nameEn : x.nameEn || x.nameAr)).join("، ")] : null,
    [t("articles"), `${e.numArticles ?? 0}`],
    [t("sources"), `${e.numSources ?? 0}`],
    [t("confidence"), (e.confidence ?? 0).toFixed(2)],
    ...(e.conflicts ?? []).map((c) => [`${t("conflicts")}: ${c.field}`, [c.chosen, ...(c.others ?? [])].join(" / ")]),
  ].filter(Boolean);
  return [
    el("button", { type: "button", class: "close", onclick: () => { $("detail").hidden = true; state.selected = null; } }, t("close")),
    el("h2", {}, `${t("TYPE")[typeOf(e)] ?? typeOf(e)} · ${e.id}`),
    el("dl", {}, facts.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("h3", {}, t("sides")),
    el("table", { class: "sides-table" },
      el("tr", {}, [t("sides"), t("role"), t("state"), t("code")].map((h) => el("th", {}, h))),
      (e.participants ?? []).map((p) => el("tr", {},
        el("td", {}, actorName(p)), el("td", {}, p.role ?? ""), el("td", {}, p.country ? stateName(p.country) : ""), el("td", {}, p.actorCode ?? "")))),
    el("h3", {}, t("history")),
    statusHistory(reports),
    el("h3", {}, `${t("reports")} (${reports.length})`),
    el("ol", { class: "reports" }, reports.map(reportItem)),
  ];
}

/// The status each article gave, in publication order, with the changes marked.
function statusHistory(reports) {
  const sorted = [...reports].sort((a, b) => (a.published ?? "").localeCompare(b.published ?? ""));
  let last = null;
  return el("ol", { class: "history" }, sorted.map((r) => {
    const s = statusOf(r.event ?? {});
    const changed = s !== last;
    last = s;
    return el("li", { class: changed ? "change" : "same" },
      `${r.published || "?"} — `, changed ? el("strong", {}, t("STATUS")[s]) : t("STATUS")[s], ` (${r.articleId})`);
  }));
}

function reportItem(r) {
  const e = r.event ?? {};
  const account = [t("STATUS")[statusOf(e)], dateText(e.date), placeName(e.location), sidesText(e)].filter(Boolean).join(" · ");
  return el("li", { class: "report", "data-article": r.articleId },
    el("div", { class: "line1" }, el("strong", {}, r.articleId), el("span", { class: "meta" },
      [r.source && `${t("source")}: ${r.source}`, r.published && `${t("published")} ${r.published}`].filter(Boolean).join(" · "))),
    el("div", { class: "meta" }, account),
    (e.evidence ?? []).map(evidence));
}

/// The evidence sentence, right to left, with its trigger highlighted.
function evidence(ev) {
  const sentence = ev.sentence ?? "";
  const at = ev.trigger ? sentence.indexOf(ev.trigger) : -1;
  const parts = at < 0 ? [sentence] : [sentence.slice(0, at), el("mark", { title: t("trigger") }, ev.trigger), sentence.slice(at + ev.trigger.length)];
  return el("p", { class: "evidence", dir: "rtl", lang: "ar" }, parts);
}

// ---- language ----------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.documentElement.dir = state.lang === "ar" ? "rtl" : "ltr";
  document.title = t("title");
  document.querySelectorAll("[data-t]").forEach((n) => { n.textContent = t(n.dataset.t); });
  $("lang").textContent = t("lang");
  setConnection($("connection").dataset.state);
  fillSelects();
  render();
  if (state.selected) showDetail(state.selected);
}

// ---- start -------------------------------------------------------------------------------

async function start() {
  const world = await fetchJson("/world.json");
  world.byId = new Map(world.countries.filter((c) => c.id).map((c) => [c.id, c]));
  state.world = world;
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "ar" ? "en" : "ar";
    localStorage.setItem("rasad.lang", state.lang);
    applyLanguage();
  });
  $("filters").addEventListener("change", reload);
  $("filters").addEventListener("reset", () => setTimeout(reload));
  $("more").addEventListener("click", more);
  applyLanguage();
  await reload();
  document.body.dataset.ready = "true";
}

start();
