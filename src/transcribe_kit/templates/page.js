/* transcribe-kit episode page: seek, follow along, search. Plain DOM, no libraries. */
(function () {
  "use strict";
  var audio = document.getElementById("player");
  var paragraphs = Array.prototype.slice.call(document.querySelectorAll(".para"));
  var chapterItems = Array.prototype.slice.call(document.querySelectorAll(".chapters li"));
  var current = null;

  function seek(ms, play) {
    audio.currentTime = ms / 1000;
    if (play) {
      var started = audio.play();
      if (started && started.catch) { started.catch(function () {}); }
    }
    follow();
  }

  /* the last item whose data-start is at or before t (items are in time order) */
  function at(items, t, startOf) {
    var lo = 0, hi = items.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (startOf(items[mid]) <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function startOf(el) {
    var button = el.querySelector ? el.querySelector("[data-start]") : null;
    return Number(el.getAttribute("data-start") || (button && button.getAttribute("data-start")));
  }

  function follow() {
    var t = audio.currentTime * 1000;
    var i = at(paragraphs, t, startOf);
    var next = i >= 0 ? paragraphs[i] : null;
    if (next !== current) {
      if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
      if (next) { next.classList.add("current"); next.setAttribute("aria-current", "true"); }
      current = next;
    }
    var c = at(chapterItems, t, startOf);
    chapterItems.forEach(function (li, n) {
      li.classList.toggle("current", n === c);
      if (n === c) { li.setAttribute("aria-current", "true"); } else { li.removeAttribute("aria-current"); }
    });
  }

  /* buttons seek; a click anywhere on a paragraph does too (the button is there for keyboards) */
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-start]");
    if (!target || !(target.matches("button") || target.classList.contains("para"))) { return; }
    if (window.getSelection && String(window.getSelection()).length > 0) { return; }  /* selecting text */
    seek(Number(target.getAttribute("data-start")), true);
  });
  audio.addEventListener("timeupdate", follow);
  audio.addEventListener("seeked", follow);

  /* captions: keep the tracks loaded and show the current caption under the player */
  var nowText = document.getElementById("now-text");
  Array.prototype.forEach.call(audio.textTracks, function (track) {
    if (track.mode === "disabled") { track.mode = "hidden"; }
    if (track.kind === "captions" || track.kind === "subtitles") {
      track.mode = "hidden";
      track.addEventListener("cuechange", function () {
        var cue = track.activeCues && track.activeCues[0];
        nowText.textContent = cue ? cue.text.replace(/<[^>]*>/g, "") : "";
      });
    }
  });

  /* search: show only matching paragraphs; Enter (or Next match) plays the next one */
  var box = document.getElementById("search-box");
  var status = document.getElementById("search-status");
  var form = document.getElementById("search");
  var matches = [], position = -1;

  function clearMarks(p) {
    var text = p.querySelector(".text");
    if (text.querySelector("mark")) { text.textContent = text.textContent; }
  }

  function mark(p, query) {
    var text = p.querySelector(".text");
    var plain = text.textContent, lower = plain.toLowerCase(), from = 0, i;
    text.textContent = "";
    while ((i = lower.indexOf(query, from)) >= 0) {
      text.appendChild(document.createTextNode(plain.slice(from, i)));
      var m = document.createElement("mark");
      m.textContent = plain.slice(i, i + query.length);
      text.appendChild(m);
      from = i + query.length;
    }
    text.appendChild(document.createTextNode(plain.slice(from)));
  }

  function filter() {
    var query = box.value.trim().toLowerCase();
    matches = [];
    position = -1;
    paragraphs.forEach(function (p) {
      clearMarks(p);
      var hit = !query || p.textContent.toLowerCase().indexOf(query) >= 0;
      p.hidden = !hit;
      if (query && hit) { matches.push(p); mark(p, query); }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".transcript .chapter"), function (section) {
      section.hidden = !!query && !section.querySelector(".para:not([hidden])");
    });
    status.textContent = !query ? "" :
      matches.length === 0 ? "No paragraph contains \u201c" + box.value.trim() + "\u201d." :
      matches.length + (matches.length === 1 ? " paragraph matches." : " paragraphs match.");
  }

  function jump() {
    if (!matches.length) { return; }
    position = (position + 1) % matches.length;
    var p = matches[position];
    p.scrollIntoView({ block: "center" });
    seek(startOf(p), true);
    status.textContent = "Match " + (position + 1) + " of " + matches.length + ", playing from " +
      p.querySelector(".time").textContent + ".";
  }

  box.addEventListener("input", filter);
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { box.value = ""; filter(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); jump(); });
  follow();
})();
