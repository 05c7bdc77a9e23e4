"""The editor in a real Chromium (Debian's, driven by playwright; never `playwright install`)."""
from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from edit_helpers import make_episode

from transcribe_kit.editing.server import serve
from transcribe_kit.editing.apply import EditOptions
from transcribe_kit.editing import Episode
from transcribe_kit.asr.alignment import ForcedAlignOptions

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--autoplay-policy=no-user-gesture-required"]

pytestmark = pytest.mark.browser


def write_wav(path: Path, seconds: float) -> None:
    rng = np.random.default_rng(0)
    samples = (rng.normal(0, 0.01, int(16000 * seconds)) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(samples.tobytes())


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def test_edit_word_rename_speaker_and_save(tmp_path, browser):
    folder = make_episode(tmp_path / "rivers")
    write_wav(folder / "rivers.wav", Episode(folder).load().duration_ms / 1000)
    server, url = serve(folder, EditOptions(ForcedAlignOptions(use_audio=False)))
    try:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector(".para .w")
        assert page.locator(".para").count() == 6
        # click a word: the player seeks to it
        word = page.locator(".w", has_text="Cotswolds")
        start = int(word.get_attribute("data-start"))
        word.click()
        page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime * 1000 - {start}) < 50")
        # F1 jumps back 5 s
        page.evaluate("document.getElementById('player').currentTime = 12")
        page.keyboard.press("F1")
        assert abs(page.evaluate("document.getElementById('player').currentTime") - 7) < 0.1
        # Esc plays: the word being spoken is highlighted; Esc again pauses
        page.locator("h1").click()
        page.keyboard.press("Escape")
        page.wait_for_function("!document.getElementById('player').paused")
        page.wait_for_selector(".w.now")
        page.keyboard.press("Escape")
        page.wait_for_function("document.getElementById('player').paused")
        # an unknown speaker is refused and the paragraph is pointed at
        who = page.locator(".para .who").nth(2)
        who.fill("Zed")
        page.locator("#save").click()
        page.wait_for_selector(".para.bad")
        assert "unknown speaker 'Zed'" in page.locator("#status").text_content()
        who.fill("Ann")
        # edit the word in place
        word.dblclick()
        page.keyboard.type("Chilterns")
        # rename a speaker everywhere
        page.locator("#speakers-box summary").click()
        page.get_by_label("Rename Bob everywhere").fill("Robert")
        page.get_by_label("Rename Bob everywhere").press("Tab")
        # drag the second chapter's heading onto the paragraph after
        page.locator(".heading").nth(1).drag_to(page.locator(".para").nth(3))
        page.locator("#save").click()
        page.wait_for_function("document.getElementById('status').textContent.startsWith('saved')", timeout=20000)
        status = page.locator("#status").text_content()
        assert "version 2" in status, status
    finally:
        server.shutdown()
        server.server_close()
    text = (folder / "transcript.txt").read_text()
    assert "Robert: It rises in the Chilterns and flows" in text
    assert "Chilterns" in (folder / "captions.vtt").read_text()
    doc = Episode(folder).load()
    assert doc.speaker("S2").label == "Robert"
    assert sorted(c.kind for c in doc.history[-1].changes) == ["chapter-move", "rename", "words"]
    assert doc.chapters[1].start_ms == doc.words[doc.turns[3].start].start_ms
    assert (folder / ".history" / "transcript.v1.json").exists()


def test_two_editors_in_one_browser_both_save(tmp_path, browser):
    """Two episodes open in two tabs of one browser (cookies are shared between the ports of
    127.0.0.1): each tab saves its own edit, and an error answer is shown as a readable message."""
    folders = [make_episode(tmp_path / name) for name in ("first", "second")]
    servers = [serve(folder, EditOptions(ForcedAlignOptions(use_audio=False))) for folder in folders]
    try:
        context = browser.new_context()
        pages = [context.new_page() for _ in servers]
        for page, (_, url) in zip(pages, servers):
            page.goto(url)
            page.wait_for_selector(".para .w")
        for page, new in zip(pages, ("Chilterns", "Mendips")):
            page.locator(".w", has_text="Cotswolds").dblclick()
            page.keyboard.type(new)
            page.locator("#save").click()
            page.wait_for_function("document.getElementById('status').textContent.startsWith('saved')", timeout=20000)
        # the server answers 409 for a page loaded from an older version: the page says why
        pages[0].evaluate("version = 1")
        pages[0].locator("#save").click()
        pages[0].wait_for_function("document.getElementById('status').className === 'error'", timeout=20000)
        assert "reload the page" in pages[0].locator("#status").text_content()
        context.close()
    finally:
        for server, _ in servers:
            server.shutdown()
            server.server_close()
    assert "Chilterns" in (folders[0] / "transcript.txt").read_text()
    assert "Mendips" in (folders[1] / "transcript.txt").read_text()
