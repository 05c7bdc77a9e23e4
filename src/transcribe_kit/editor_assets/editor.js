// transcribe-kit editor: no framework, no network beyond this local server.
"use strict";
const token = document.body.dataset.token;
const player = document.getElementById("player");
const page = document.getElementById("page");
const statusEl = document.getElementById("status");
let timed = [];  // [{el, start, end}] in time order, for highlighting
let current = null;
let version = null;  // the version this page shows; a save against another one is refused

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function say(message, error = false) {
  statusEl.textContent = message;
  statusEl.className = error ? "error" : "";
}

// every answer as an object: the server's JSON, or an error that says what happened
async function answer(request) {
  let response;
  try {
    response = await request;
  } catch (e) {
    return {ok: false, data: {error: `the editor cannot be reached (${e.message}); is it still running?`}};
  }
  const text = await response.text();
  try {
    return {ok: response.ok, data: JSON.parse(text)};
  } catch (e) {
    return {ok: false, data: {error: `${response.status} ${response.statusText || "error"}: ${text.slice(0, 200)}`}};
  }
}

// ---- "Check these": the review's places, in rank order --------------------------
let checks = [];  // [{id, kind, score, reason, suggestion, checked, start_ms, end_ms, text}]
let at = -1;  // the place being checked
let stopAt = null;  // seconds: a place plays from a second before to a second after

function clock(ms) {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function wordsOf(place) {
  return timed.filter((t) => t.start >= place.start_ms - 1 && t.start <= place.end_ms);
}

async function loadChecks() {
  const {ok, data} = await answer(fetch("/api/review", {headers: {"X-Token": token}}));
  if (!ok) { say(data.error || "the places to check could not be loaded", true); return; }
  showChecks(data);
}

function showChecks(data) {
  checks = data.items;
  const list = document.getElementById("check-list");
  list.replaceChildren();
  for (const t of timed) t.el.classList.remove("check", "here");
  checks.forEach((place, k) => {
    const item = el("li", {class: place.checked ? "done" : ""});
    const go = el("button", {type: "button", class: "place"}, `${clock(place.start_ms)} ${place.text}`);
    go.addEventListener("click", () => goTo(k));
    const why = el("span", {class: "why"}, place.reason + (place.suggestion ? ` (perhaps: ${place.suggestion})` : "")
                   + (place.checked ? " (checked)" : ""));
    item.append(go, why);
    list.append(item);
    if (!place.checked) for (const t of wordsOf(place)) t.el.classList.add("check");
  });
  document.getElementById("checks-left").textContent = `(${data.left} left)`;
  if (at >= checks.length) at = -1;
  if (at >= 0) mark(at);
}

function mark(k) {
  for (const t of timed) t.el.classList.remove("here");
  [...document.querySelectorAll("#check-list li")].forEach((li, j) => li.setAttribute("aria-current", String(j === k)));
  const words = wordsOf(checks[k]);
  for (const t of words) t.el.classList.add("here");
  document.getElementById("check-ok").disabled = checks[k].checked;
  return words;
}

function goTo(k) {
  if (k < 0 || k >= checks.length) return;
  at = k;
  const words = mark(k);
  if (words.length) words[0].el.scrollIntoView({block: "center"});
  player.currentTime = Math.max(0, checks[k].start_ms - 1000) / 1000;
  stopAt = (checks[k].end_ms + 1000) / 1000;
  player.play().catch(() => {});
}

function step(direction) {
  // the next (or previous) unchecked place; the first one when none is chosen yet
  for (let k = at + direction; k >= 0 && k < checks.length; k += direction) {
    if (!checks[k].checked) { goTo(k); return; }
  }
  say(direction > 0 ? "no more places to check after this one" : "no places to check before this one");
}

async function looksRight() {
  if (at < 0 || !checks[at] || checks[at].checked) return;
  const {ok, data} = await answer(fetch("/api/review", {
    method: "POST", headers: {"Content-Type": "application/json", "X-Token": token},
    body: JSON.stringify({id: checks[at].id, checked: true}),
  }));
  if (!ok) { say(data.error || "the mark was not saved", true); return; }
  showChecks(data);
  say(`marked as checked; ${data.left} left`);
  step(1);
}

player.addEventListener("timeupdate", () => {
  if (stopAt !== null && player.currentTime >= stopAt) { player.pause(); stopAt = null; }
});
player.addEventListener("pause", () => { stopAt = null; });  // paused by hand: a later play runs on
document.getElementById("check-next").addEventListener("click", () => step(1));
document.getElementById("check-prev").addEventListener("click", () => step(-1));
document.getElementById("check-ok").addEventListener("click", looksRight);

async function load() {
  const {ok, data} = await answer(fetch("/api/transcript", {headers: {"X-Token": token}}));
  if (!ok) { say(data.error || "the transcript could not be loaded", true); return; }
  document.getElementById("title").textContent = data.title || data.episode;
  version = data.version;
  draw(data);
  drawSpeakers(data.speakers);
  await loadChecks();
  say(`version ${data.version}`);
}

function headingNode(text) {
  const box = el("div", {class: "heading", draggable: "true"});
  const input = el("input", {type: "text", "aria-label": "Heading"});
  input.value = text;
  const remove = el("button", {type: "button", class: "small", title: "Remove this heading"}, "remove");
  remove.addEventListener("click", () => box.remove());
  box.append(input, remove);
  box.addEventListener("dragstart", (e) => { window.dragged = box; e.dataTransfer.setData("text/plain", "heading"); });
  return box;
}

function paragraphNode(p) {
  const box = el("div", {class: "para"});
  const who = el("input", {type: "text", class: "who", "aria-label": "Speaker", list: "speaker-names"});
  who.value = p.speaker;
  const text = el("div", {class: "text", contenteditable: "true", spellcheck: "true"});
  p.words.forEach(([word, start, end], k) => {
    const span = el("span", {class: "w", "data-start": start}, word);
    span.addEventListener("click", () => { player.currentTime = start / 1000; });
    timed.push({el: span, start, end});
    text.append(span);
    if (k < p.words.length - 1) text.append(" ");
  });
  const add = el("button", {type: "button", class: "small", title: "Add a heading before this paragraph"}, "+ heading");
  add.addEventListener("click", () => page.insertBefore(headingNode("New heading"), box));
  const tools = el("div", {class: "tools"});
  tools.append(add);
  box.append(who, text, tools);
  box.addEventListener("dragover", (e) => { e.preventDefault(); box.classList.add("drop"); });
  box.addEventListener("dragleave", () => box.classList.remove("drop"));
  box.addEventListener("drop", (e) => {
    e.preventDefault();
    box.classList.remove("drop");
    if (window.dragged) page.insertBefore(window.dragged, box);
    window.dragged = null;
  });
  return box;
}

function draw(data) {
  page.replaceChildren();
  timed = [];
  for (const section of data.sections) {
    if (section.heading) page.append(headingNode(section.heading));
    for (const p of section.paragraphs) page.append(paragraphNode(p));
  }
  timed.sort((a, b) => a.start - b.start);
}

function drawSpeakers(names) {
  const box = document.getElementById("speakers");
  box.replaceChildren();
  const list = el("datalist", {id: "speaker-names"});
  for (const name of names) {
    list.append(el("option", {value: name}));
    const row = el("label", {}, "");
    const input = el("input", {type: "text", "aria-label": `Rename ${name} everywhere`, "data-name": name});
    input.value = name;
    input.addEventListener("change", () => {
      for (const who of page.querySelectorAll(".who")) if (who.value === input.dataset.name) who.value = input.value;
      input.dataset.name = input.value;
    });
    row.append(input);
    box.append(row);
  }
  box.append(list);
}

function pageText() {
  const blocks = [];
  for (const node of page.children) {
    if (node.classList.contains("heading")) {
      blocks.push(`[${node.querySelector("input").value.trim()}]`);
    } else {
      const words = node.querySelector(".text").innerText.replace(/\s+/g, " ").trim();
      blocks.push(`${node.querySelector(".who").value.trim()}: ${words}`);
    }
  }
  return blocks.join("\n\n") + "\n";
}

async function save() {
  say("saving…");
  const {ok, data: result} = await answer(fetch("/api/save", {
    method: "POST", headers: {"Content-Type": "application/json", "X-Token": token},
    body: JSON.stringify({text: pageText(), version}),
  }));
  if (!ok) { showError(result.error || "save failed"); return; }
  await load();
  const saved = `saved: version ${result.version} (${result.summary}); ${result.aligned} word(s) timed, ${result.estimated} estimated`;
  if (result.caption_problems) {
    say(`${saved}. Captions break a rule: ${result.captions.join("; ")}`, true);
  } else {
    say(result.captions && result.captions.length ? `${saved}. Captions: ${result.captions.join("; ")}` : saved);
  }
}

function showError(message) {
  // the page text puts block k on line 2k + 1: point at the block the error names
  const match = /^line (\d+): (.*)$/s.exec(message);
  const node = match ? page.children[Math.floor((Number(match[1]) - 1) / 2)] : null;
  say(match ? match[2] : message, true);
  if (node) {
    node.classList.add("bad");
    node.scrollIntoView({block: "center"});
    setTimeout(() => node.classList.remove("bad"), 4000);
  }
}

function highlight() {
  const now = player.currentTime * 1000;
  let lo = 0, hi = timed.length - 1, found = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timed[mid].start <= now) { found = timed[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  if (found !== current) {
    if (current) current.el.classList.remove("now");
    if (found) found.el.classList.add("now");
    current = found;
  }
  if (!player.paused) requestAnimationFrame(highlight);
}

player.addEventListener("play", () => requestAnimationFrame(highlight));
player.addEventListener("error", () => say("the recording was not found: start the editor with --audio FILE to hear it", true));
player.addEventListener("seeked", highlight);
document.getElementById("save").addEventListener("click", save);
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" || (e.ctrlKey && e.code === "Space")) {
    e.preventDefault();
    if (player.paused) player.play(); else player.pause();
  } else if (e.key === "F1" || (e.altKey && e.key === "ArrowLeft")) {
    e.preventDefault();
    player.currentTime = Math.max(0, player.currentTime - 5);
  } else if (e.altKey && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
    e.preventDefault();
    step(e.key === "ArrowDown" ? 1 : -1);
  } else if (e.altKey && e.key === "Enter") {
    e.preventDefault();
    looksRight();
  } else if ((e.ctrlKey || e.metaKey) && e.key === "s") {
    e.preventDefault();
    save();
  }
});
load().catch((err) => say(`could not load the transcript: ${err}`, true));
