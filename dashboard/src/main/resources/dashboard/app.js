// Draws the city from the region catalog and redraws the figures the server pushes (server-sent events).
"use strict";
const SIZE = 560, PAD = 20, COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const svg = (name, attrs) => {
  const el = document.createElementNS("http://www.w3.org/2000/svg", name);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  return el;
};
const fixed = (value, digits) => value === undefined ? "-" : value.toFixed(digits);
let project = null;
const centres = {};

fetch("api/catalog").then((r) => r.json()).then((regions) => {
  const south = Math.min(...regions.map((r) => r.south)), north = Math.max(...regions.map((r) => r.north));
  const west = Math.min(...regions.map((r) => r.west)), east = Math.max(...regions.map((r) => r.east));
  const aspect = Math.cos(((south + north) / 2) * Math.PI / 180); // a degree of longitude is shorter than one of latitude
  const scale = (SIZE - 2 * PAD) / Math.max((east - west) * aspect, north - south);
  project = (lat, lon) => [PAD + (lon - west) * aspect * scale, SIZE - PAD - (lat - south) * scale];
  const layer = document.getElementById("regions");
  for (const r of regions) {
    const [x1, y1] = project(r.north, r.west), [x2, y2] = project(r.south, r.east);
    layer.append(svg("rect", {class: "region", x: x1, y: y1, width: x2 - x1, height: y2 - y1}));
    const [cx, cy] = project(r.lat, r.lon);
    centres[r.id] = [cx, cy];
    layer.append(svg("circle", {class: "centre", cx, cy, r: 2}));
    const label = svg("text", {class: "label", x: cx + 3, y: cy - 3});
    label.textContent = r.name;
    layer.append(label);
  }
  listen();
});

function listen() {
  const events = new EventSource("events");
  events.onopen = () => { document.getElementById("status").textContent = "live"; };
  events.onerror = () => { document.getElementById("status").textContent = "reconnecting…"; };
  events.onmessage = (message) => draw(JSON.parse(message.data));
}

function draw(figures) {
  document.getElementById("status").textContent =
    figures.unreadable > 0 ? `live (${figures.unreadable} records unreadable, skipped)` : "live";
  const versions = [...new Set(figures.points.map((p) => p.version))].sort((a, b) => a - b);
  const points = document.getElementById("points"), lines = document.getElementById("lines");
  points.replaceChildren();
  lines.replaceChildren();
  for (const p of figures.points) {
    const [x, y] = project(p.lat, p.lon);
    // To where the photo was taken when the prediction says; else to its true region's centre.
    const truth = p.trueLat !== undefined ? project(p.trueLat, p.trueLon) : centres[p.trueRegion];
    if (p.errorKm !== undefined && truth) {
      const colour = p.errorKm < 2 ? "#2a2" : p.errorKm < 8 ? "#e90" : "#c22";
      lines.append(svg("line", {class: "error-line", x1: x, y1: y, x2: truth[0], y2: truth[1], stroke: colour}));
    }
    const dot = svg("circle", {class: "prediction", cx: x + jitter(p.id, 0), cy: y + jitter(p.id, 1), r: 3,
      fill: COLOURS[versions.indexOf(p.version) % COLOURS.length], "data-version": p.version});
    dot.append(svg("title", {}));
    dot.firstChild.textContent = `${p.id}: ${p.region} (v${p.version})`;
    points.append(dot);
  }
  document.querySelector("#versions tbody").replaceChildren(...figures.versions.map((v) => row([
    v.version, v.predictions, fixed(v.perSecond, 1), v.accuracy === undefined ? "-" : fixed(100 * v.accuracy, 1) + " %",
    fixed(v.meanErrorKm, 2), fixed(v.meanExpectedErrorKm, 2)])));
  for (const key of ["p50", "p95", "p99"]) {
    document.getElementById(key).textContent = fixed(figures.latencyMs[key], 0);
  }
  document.getElementById("samples").textContent = figures.latencyMs.samples;
  document.querySelector("#dead-letters tbody").replaceChildren(
    ...Object.entries(figures.deadLetters).map(([code, count]) => row([code, count])));
  document.getElementById("reasons").replaceChildren(...figures.reasons.slice().reverse().map((r) =>
    item(`${r.code}: ${r.reason}`, "")));
  document.getElementById("timeline").replaceChildren(...figures.timeline.slice().reverse().map((t) =>
    item(`${t.time.substring(11, 19)} ${t.model} v${t.version} ${t.state}${t.reason ? ": " + t.reason : ""}`, t.state)));
}

// Predictions share region centres: a small offset, the same for a photo on every redraw, keeps them apart.
function jitter(id, axis) {
  let h = axis * 7919;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) | 0;
  return ((h % 1000) / 1000) * 12;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    td.textContent = c;
    tr.append(td);
  }
  return tr;
}

function item(text, state) {
  const li = document.createElement("li");
  li.textContent = text;
  li.className = state;
  return li;
}
