"""The published page in a real browser: Debian's Chromium driven by Playwright, checked with axe-core.

The page is made from a real processed clip (tiny.en on 40 s of a corpus
episode) with chapters added as an editor would, and metadata and text that
try to inject a ``<script>``.  Chromium, Playwright and axe-core are
installed by ``make install``.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from clips import ROOT, corpus_or_skip, cut

from transcribe_kit.asr import AsrOptions
from transcribe_kit.document import Chapter
from transcribe_kit.fileio import atomic_write_many
from transcribe_kit.pipeline import ProcessOptions, process_file
from transcribe_kit.publish import publish
from transcribe_kit.turns import TurnOptions
from transcribe_kit.writers import render_all

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--autoplay-policy=no-user-gesture-required"]
INJECT = "<script>window.injected = true</script>"
META = f'''title = "Beyond the bookshelf {INJECT}"
published = 2024-03-01
summary = "A short test episode & its <b>markup</b>."

[[participants]]
name = "Dez Holmes"
role = "Director"
host = true
'''


def _episode(tmp: Path) -> Path:
    """Process a 40 s clip, then add chapters (one with markup in its heading) as an editor would."""
    clip = cut(corpus_or_skip() / "podcast_004_short" / "podcast_004_short.mp3", 0.0, 40.0, tmp / "clip.mp3")
    (tmp / "clip.toml").write_text(META, encoding="utf-8")
    options = ProcessOptions(asr=AsrOptions(model="tiny.en", language="en"),
                             turns=TurnOptions(paragraph_pause_ms=250, paragraph_min_words=8))
    result = process_file(clip, tmp / "outputs", options)
    doc = result.transcript
    starts = [doc.words[t.start].start_ms for t in doc.turns] + \
             [doc.words[p].start_ms for t in doc.turns for p in t.paragraphs]
    assert len(starts) >= 4, "the clip should give at least four paragraphs"
    second = sorted(starts)[1]
    doc = dataclasses.replace(doc, chapters=(Chapter(0, None), Chapter(second, f"Who is here {INJECT}")))
    atomic_write_many(render_all(doc, result.out_dir, list(options.formats)))
    return result.out_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("publish")
    return publish(_episode(tmp), tmp / "site")


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "Chromium is missing: run `make install` (apt-get install chromium)"
    assert AXE.exists(), "axe-core is missing: run `make install` (npm install --prefix tests/js)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(site.as_uri())
    tab.wait_for_function("document.getElementById('player').readyState >= 1")
    yield tab
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def _time_ms(page) -> float:
    return page.evaluate("document.getElementById('player').currentTime * 1000")


def _starts(page, selector: str) -> list[int]:
    return page.eval_on_selector_all(selector, "els => els.map(e => Number(e.dataset.start))")


def test_tracks_load_from_a_file_url(page, site):
    page.wait_for_function("[...document.querySelectorAll('track')].every(t => t.readyState === 2)")
    kinds = page.evaluate("[...document.getElementById('player').textTracks].map(t => [t.kind, t.cues.length])")
    chapters = json.loads((site.parent / "chapters.json").read_text())["chapters"]
    assert kinds[0][0] == "captions" and kinds[0][1] > 0
    assert kinds[1] == ["chapters", len(chapters)]
    assert page.get_attribute("track[kind=captions]", "default") is not None


def test_play_chapter_and_paragraph_clicks_seek_and_highlight_follows(page):
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function("document.getElementById('player').currentTime > 0.3")
    chapter_starts = _starts(page, ".chapters button")
    page.click(".chapters li:nth-child(2) button")
    assert abs(_time_ms(page) - chapter_starts[1]) < 400
    para_starts = _starts(page, ".para")
    page.locator(".para .text").nth(2).click()
    assert abs(_time_ms(page) - para_starts[2]) < 400
    assert page.locator(".para").nth(2).get_attribute("aria-current") == "true"
    # let it play across the next paragraph boundary: the highlight moves on by itself
    page.evaluate(f"document.getElementById('player').currentTime = {(para_starts[3] - 600) / 1000}")
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function(f"document.getElementById('player').currentTime * 1000 > {para_starts[3] + 300}")
    page.wait_for_function("document.querySelectorAll('.para')[3].classList.contains('current')")
    assert page.locator(".para.current").count() == 1
    page.wait_for_function("document.getElementById('now-text').textContent.length > 0")


def test_search_filters_and_jumps(page):
    texts = page.eval_on_selector_all(".para .text", "els => els.map(e => e.textContent)")
    word = max((w.strip(".,?!").lower() for w in texts[-1].split()), key=len)  # a word of the last paragraph
    expected = [i for i, t in enumerate(texts) if word in t.lower()]
    page.fill("#search-box", word)
    visible = page.eval_on_selector_all(".para", "els => els.map(e => !e.hidden)")
    assert [i for i, v in enumerate(visible) if v] == expected
    assert page.locator(".para mark").count() >= len(expected)
    page.press("#search-box", "Enter")
    assert abs(_time_ms(page) - _starts(page, ".para")[expected[0]]) < 400
    assert "Match 1 of" in page.text_content("#search-status")
    page.press("#search-box", "Escape")
    assert page.locator(".para[hidden]").count() == 0


def test_keyboard_reaches_and_uses_every_control_with_a_visible_focus(page):
    focused = []
    while "INPUT" not in [f[0] for f in focused] and len(focused) < 40:  # the player's own controls come first
        page.keyboard.press("Tab")
        focused.append(page.evaluate("""() => { const e = document.activeElement;
            const s = getComputedStyle(e);
            return [e.tagName, e.className, s.outlineStyle, parseFloat(s.outlineWidth)]; }"""))
    chapter = next(i for i, f in enumerate(focused) if f[0] == "BUTTON" and "seek" in f[1])
    assert "INPUT" in [f[0] for f in focused]
    for tag, _, style, width in focused:
        if tag in ("BUTTON", "INPUT", "A"):
            assert style != "none" and width >= 2, focused
    page.focus(".chapters li:nth-child(2) button")
    page.keyboard.press("Enter")
    assert abs(_time_ms(page) - _starts(page, ".chapters button")[1]) < 400
    assert chapter >= 0


def test_markup_in_metadata_and_text_shows_as_text(page):
    assert INJECT in page.title()
    assert INJECT in page.text_content("h1")
    assert INJECT in page.text_content(".chapters")
    assert page.evaluate("window.injected") is None
    assert page.locator("main b, header b").count() == 0


def test_axe_finds_no_serious_or_critical_violation(page, site):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, bad
    page.locator(".para .text").nth(1).click()
    page.evaluate("window.scrollTo(0, 0)")  # the sticky player would otherwise cover the chapter list
    shot = site.parent / "screenshot.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def _sample_episode(tmp: Path) -> Path:
    """outputs/sample as `make demo` leaves it, else the bundled sample processed here with tiny.en."""
    made = ROOT / "outputs" / "sample"
    if (made / "transcript.json").is_file():
        return made
    audio = ROOT / "audio" / "sample.mp3"
    if not audio.is_file():
        pytest.skip("no outputs/sample and no audio/sample.mp3 to make it from")
    options = ProcessOptions(asr=AsrOptions(model="tiny.en", language="en"))
    return process_file(audio, tmp / "outputs", options).out_dir


def test_sample_episode_page_plays_seeks_follows_and_passes_axe(browser, tmp_path):
    page_path = publish(_sample_episode(tmp_path), tmp_path / "site")
    tab = browser.new_page(viewport={"width": 1000, "height": 900})
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(page_path.as_uri())
    tab.wait_for_function("[...document.querySelectorAll('track')].every(t => t.readyState === 2)")
    assert tab.evaluate("document.getElementById('player').textTracks[0].cues.length") > 0
    starts = _starts(tab, ".para")
    assert len(starts) >= 2
    tab.locator(".para .text").nth(len(starts) - 1).click()
    assert abs(_time_ms(tab) - starts[-1]) < 400
    tab.wait_for_function("document.getElementById('player').currentTime > 0 && "
                          "[...document.querySelectorAll('.para')].at(-1).classList.contains('current')")
    chapters = _starts(tab, ".chapters button")
    if len(chapters) > 1:  # the sample has chapters once the chapters stage is in the pipeline
        tab.click(".chapters li:nth-child(2) button")
        assert abs(_time_ms(tab) - chapters[1]) < 400
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], v["help"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, bad
    tab.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(path=str(page_path.parent / "screenshot.png"))
    tab.close()
    assert not errors, errors


def test_a_two_speaker_cue_reaches_the_browser_with_both_names(browser, tmp_path):
    """A quick exchange ("Hello." / "Hello.") is one cue of two voices on the page's captions track, as
    Chromium parses it: both names, one line each."""
    import numpy as np
    from clips import write
    from test_exchanges import OPTIONS, phone_call

    audio = write((np.sin(np.arange(9 * 16000) / 9) * 8000).astype(np.int16), tmp_path / "call.mp3")
    doc = dataclasses.replace(phone_call(), episode="call", duration_ms=9000, source=str(audio))
    out = tmp_path / "outputs" / "call"
    atomic_write_many(render_all(doc, out, ["json", "vtt", "srt", "podcast-json"], OPTIONS))
    site = publish(out, tmp_path / "site")
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.goto(site.as_uri())
        tab.wait_for_function("document.querySelector('track[kind=captions]').readyState === 2")
        voices = tab.evaluate("""() => {
            const cues = [...document.getElementById('player').textTracks[0].cues];
            return cues.map(c => [...c.getCueAsHTML().querySelectorAll('span[title]')].map(s => s.title))
                       .filter(names => names.length > 1);
        }""")
    finally:
        context.close()
    assert voices == [["Bo Chen", "Ann Lee"]]
