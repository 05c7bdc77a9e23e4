"""The editor's "Check these" list in a real Chromium (Debian's, driven by playwright), checked with axe-core."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from edit_helpers import make_episode, sample_transcript
from test_editor_browser import browser, write_wav  # noqa: F401  (browser: the editor tests' fixture)

from conftest import ROOT
from transcribe_kit.asr.alignment import ForcedAlignOptions
from transcribe_kit.editing import Episode
from transcribe_kit.editing.apply import EditOptions
from transcribe_kit.editing.server import serve
from transcribe_kit.fileio import atomic_write
from transcribe_kit.review import REVIEW_FILE, ReviewPlan, places_of, review_json
from transcribe_kit.review.queue import load_queue

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


@pytest.fixture
def episode(tmp_path) -> Path:
    """The rivers episode with three doubtful stretches, a recording, and its review.json."""
    doc = sample_transcript()
    doubt = {"Thames.": 0.02, "Where": 0.05, "Cotswolds": 0.03, "wet.": 0.04}
    doc = replace(doc, words=tuple(replace(w, probability=doubt.get(w.text, 0.98)) for w in doc.words))
    folder = make_episode(tmp_path / "rivers", doc)
    write_wav(folder / "rivers.wav", doc.duration_ms / 1000)
    atomic_write(folder / REVIEW_FILE, review_json(places_of(doc, ReviewPlan()), doc))
    return folder


def review(folder: Path) -> list[dict]:
    return json.loads((folder / REVIEW_FILE).read_text())["items"]


def test_walk_the_list_play_mark_reload_and_resolve_by_editing(episode, browser):
    listed = load_queue(episode).worth_checking()
    assert len(listed) >= 2
    server, url = serve(episode, EditOptions(ForcedAlignOptions(use_audio=False)))
    try:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#check-list li")
        assert page.locator("#check-list li").count() == len(listed)
        assert page.locator("#checks-left").text_content() == f"({len(listed)} left)"
        # only the listed places are marked in the text
        words = Episode(episode).load().words
        expected = [w.text for w in words if any(it["start_ms"] - 1 <= w.start_ms <= it["end_ms"] for it in listed)]
        assert page.locator(".w.check").all_text_contents() == expected
        assert 0 < len(expected) < len(words) / 3
        # choose the first place: its words are marked, and it plays from a second before to a second after
        first = listed[0]
        page.locator("#check-list .place").first.click()
        page.wait_for_function("!document.getElementById('player').paused")
        assert " ".join(page.locator(".w.here").all_text_contents()) in first_text(page)
        page.wait_for_function("document.getElementById('player').paused", timeout=15000)
        stopped = page.evaluate("document.getElementById('player').currentTime")
        assert abs(stopped - (first["end_ms"] + 1000) / 1000) < 0.6
        # "looks right" (Alt+Enter, from anywhere but a word being typed) marks it and goes on to the next
        page.locator("h1").click()
        page.keyboard.press("Alt+Enter")
        page.wait_for_function(f"document.getElementById('checks-left').textContent === '({len(listed) - 1} left)'")
        assert [it["checked"] for it in review(episode) if it["id"] == first["id"]] == [True]
        # it survives a reload
        page.reload()
        page.wait_for_selector("#check-list li.done")
        assert page.locator("#check-list li").first.get_attribute("class") == "done"
        # Alt+Down goes to the next unchecked place; editing one of its words resolves it
        page.locator("h1").click()
        page.keyboard.press("Alt+ArrowDown")
        page.wait_for_selector(".w.here")
        target = page.locator(".w.here").first
        chosen = page.evaluate("checks[at].id")
        target.dblclick()
        page.keyboard.type("Rivers")
        page.locator("#save").click()
        page.wait_for_function("document.getElementById('status').textContent.startsWith('saved')", timeout=20000)
        page.wait_for_function(f"document.getElementById('checks-left').textContent === '({len(listed) - 2} left)'")
        assert [it["checked"] for it in review(episode) if it["id"] == chosen] == [True]
        if AXE.exists():
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            bad = [(v["id"], v["impact"], v["help"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
            assert not bad, bad
        else:
            pytest.skip("axe-core is missing: run `make install` (npm install --prefix tests/js)")
    finally:
        server.shutdown()
        server.server_close()


def first_text(page) -> str:
    return page.locator("#check-list .place").first.text_content()
