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

async function load() {
  const {ok, data} = await answer(fetch("/api/transcript", {headers: {"X-Token": token}}));
  if (!ok) { say(data.error || "the transcript could not be loaded", true); return; }
  document.getElementById("title").textContent = data.title || data.episode;
  version = data.version;
  draw(data);
  drawSpeakers(data.speakers);
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
  } else if ((e.ctrlKey || e.metaKey) && e.key === "s") {
    e.preventDefault();
    save();
  }
});
load().catch((err) => say(`could not load the transcript: ${err}`, true));
