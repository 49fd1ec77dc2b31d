// Builds web/world.json, the page's world map, from npm `world-atlas` (Natural Earth 1:110m,
// public domain): one projected SVG path per state keyed by its ISO 3166-1 alpha-3 code (the
// codes events use), with the point its contacts are drawn to, and the English and Arabic names
// from data/states.tsv. Committed, so the page needs no internet; rerun it only to change the map.
//
//   dir=$(mktemp -d) && (cd "$dir" && npm init -y >/dev/null && npm install --silent \
//     world-atlas@2.0.2 topojson-client@3.1.0 d3-geo@3.1.1 i18n-iso-countries@7.14.0)
//   NODE_PATH="$dir/node_modules" node scripts/world-map.mjs > web/world.json
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH ?? ".", "x.js"));
const { feature } = require("topojson-client");
const { geoNaturalEarth1, geoPath, geoArea } = require("d3-geo");
const countries = require("i18n-iso-countries");
const atlas = require("world-atlas/countries-110m.json");

const WIDTH = 960;
const HEIGHT = 500;

// data/states.tsv: code, name_en, names_ar (first is the common form), adjectives_ar.
function states() {
  const tsv = new URL("../data/states.tsv", import.meta.url);
  const out = new Map();
  for (const line of readFileSync(tsv, "utf8").split("\n")) {
    if (!line || line.startsWith("#") || line.startsWith("code\t")) continue;
    const [code, en, ar] = line.split("\t");
    out.set(code, { en, ar: ar.split("|")[0] });
  }
  return out;
}

// The largest polygon of a state (mainland France, not French Guiana), where its lines end.
function mainland(f) {
  if (f.geometry.type !== "MultiPolygon") return f;
  const polygons = f.geometry.coordinates.map((coordinates) => ({ type: "Polygon", coordinates }));
  polygons.sort((a, b) => geoArea(b) - geoArea(a));
  return polygons[0];
}

const names = states();
const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: "Sphere" });
const draw = geoPath(projection).digits(1);
const shapes = feature(atlas, atlas.objects.countries).features.map((f) => {
  // Kosovo and a few disputed areas have no numeric code in Natural Earth.
  const code = f.id === undefined ? (f.properties.name === "Kosovo" ? "XKX" : "") : countries.numericToAlpha3(f.id) ?? "";
  const known = names.get(code);
  const [x, y] = draw.centroid(mainland(f)).map((v) => Math.round(v * 10) / 10);
  return { id: code, en: known?.en ?? f.properties.name, ar: known?.ar ?? "", d: draw(f), c: [x, y] };
});
shapes.sort((a, b) => (a.id || "~").localeCompare(b.id || "~"));
process.stdout.write(JSON.stringify({ width: WIDTH, height: HEIGHT, sphere: draw({ type: "Sphere" }), countries: shapes }) + "\n");
