"""apply-edits on the text layout: each kind of edit, errors, history and revert."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from edit_helpers import make_episode, sample_transcript, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from transcribe_kit.cli import cli
from transcribe_kit.document import Transcript
from transcribe_kit.editing import Conflict, Episode
from transcribe_kit.editing.apply import EditOptions, apply_page, word_key
from transcribe_kit.editing.readback import EditError, parse_body, text_blocks
from transcribe_kit.asr.alignment import ForcedAlignOptions

NO_AUDIO = EditOptions(ForcedAlignOptions(use_audio=False))


@pytest.fixture
def episode(tmp_path: Path) -> Path:
    return make_episode(tmp_path / "rivers")


def edit(episode: Path, change, options: EditOptions = NO_AUDIO):
    """Export transcript.txt, change its text, apply it back."""
    text = (episode / "transcript.txt").read_text()
    edited = episode.parent / "edited.txt"
    edited.write_text(change(text))
    return Episode(episode).apply_edits(edited, options)


def kept_times(before: Transcript, after: Transcript, skip: set[str] = frozenset()) -> bool:
    old = {(w.text.strip(",.?"), w.start_ms, w.end_ms) for w in before.words}
    return all((w.text.strip(",.?"), w.start_ms, w.end_ms) in old for w in after.words
               if w.text.strip(",.?") not in skip)


def test_unchanged_file_changes_nothing(episode):
    before = snapshot(episode)
    result = edit(episode, lambda t: t)
    assert not result.changed
    assert snapshot(episode) == before


def test_substitution_keeps_other_times_and_times_new_word_in_its_gap(episode):
    before = Episode(episode).load()
    result = edit(episode, lambda t: t.replace("Cotswolds", "Chilterns"))
    after = Episode(episode).load()
    assert kept_times(before, after, {"Chilterns"})
    new = next(w for w in after.words if w.text == "Chilterns")
    old_index = [w.text for w in before.words].index("Cotswolds")
    assert before.words[old_index - 1].end_ms <= new.start_ms <= new.end_ms <= before.words[old_index + 1].start_ms
    assert new.estimated and result.estimated == 1
    assert "Chilterns" in (episode / "transcript.txt").read_text()
    assert "Chilterns" in (episode / "captions.vtt").read_text()
    record = after.history[-1]
    assert record.kind == "edit" and record.version == before.version + 1
    assert [(c.kind, c.before, c.after) for c in record.changes] == [("words", "Cotswolds", "Chilterns")]


def test_insertion_and_deletion(episode):
    before = Episode(episode).load()
    edit(episode, lambda t: t.replace("flows east to", "flows gently east into").replace("Thanks for having me. ", ""))
    after = Episode(episode).load()
    texts = [w.text for w in after.words]
    assert "gently" in texts and "into" in texts and "having" not in texts
    assert kept_times(before, after, {"gently", "into", "Thanks", "for", "having", "me"})
    starts = [w.start_ms for w in after.words]
    assert starts == sorted(starts)


def test_punctuation_and_case_keep_times(episode):
    before = Episode(episode).load()
    result = edit(episode, lambda t: t.replace("Where does it begin?", "where does it begin!"))
    after = Episode(episode).load()
    assert result.aligned == result.estimated == 0
    assert [(w.start_ms, w.end_ms) for w in after.words] == [(w.start_ms, w.end_ms) for w in before.words]
    assert "begin!" in [w.text for w in after.words]


def test_rename_speaker_everywhere(episode):
    result = edit(episode, lambda t: t.replace("\nBob:", "\nRobert:"))
    after = Episode(episode).load()
    assert after.speaker("S2").label == "Robert"
    assert [c.kind for c in result.changes] == ["rename"]
    assert "Robert: Thanks" in (episode / "transcript.txt").read_text()


def test_speaker_of_one_turn(episode):
    result = edit(episode, lambda t: t.replace("Ann: And what about", "Bob: And what about"))
    after = Episode(episode).load()
    floods = next(w for w in after.words if w.text == "floods")
    assert floods.speaker == "S2"
    assert ("speaker", "Ann", "Bob") in [(c.kind, c.before, c.after) for c in result.changes]
    assert len(after.turns) == 4  # the last three turns are now one


def test_speaker_left_without_words_is_dropped(episode):
    edit(episode, lambda t: t.replace("\nBob:", "\nAnn:"))
    after = Episode(episode).load()
    assert [s.id for s in after.speakers] == ["S1"] and len(after.turns) == 1
    assert "Bob" not in (episode / "captions.vtt").read_text()


def test_participant_becomes_new_speaker(episode):
    edit(episode, lambda t: t.replace("Ann: And what about", "Cy: And what about"))
    after = Episode(episode).load()
    cy = next(s for s in after.speakers if s.label == "Cy")
    assert cy.name == "Cy Dunn" and cy.role == "Farmer"


def test_unknown_speaker_names_the_line(episode):
    before = snapshot(episode)
    with pytest.raises(EditError, match=r"line 15: unknown speaker 'Zed'"):
        edit(episode, lambda t: t.replace("Ann: Let us", "Zed: Let us"))
    assert snapshot(episode) == before


def test_heading_change_add_remove_move(episode):
    result = edit(episode, lambda t: t.replace("[The Thames]", "[The River Thames]")
                  .replace("[Welcome]\n\n", "")
                  .replace("Ann: And what about", "[Floods]\n\nAnn: And what about"))
    after = Episode(episode).load()
    headings = [c.heading for c in after.chapters]
    assert headings == ["The River Thames", "Floods"]
    kinds = sorted(c.kind for c in result.changes)
    assert kinds == ["chapter-add", "chapter-remove", "heading"]
    floods = next(w for w in after.words if w.text == "And")
    assert after.chapters[1].start_ms == floods.start_ms
    moved = edit(episode, lambda t: t.replace("[Floods]\n\n", "").replace("Bob: Floods", "[Floods]\n\nBob: Floods"))
    assert [c.kind for c in moved.changes] == ["chapter-move"]


def test_split_and_merge_paragraphs(episode):
    result = edit(episode, lambda t: t.replace("show. Today", "show.\n\nToday")
                  .replace("subject.\n\n[The Thames]\n\nAnn: Let us", "subject.\n\n[The Thames]\n\nAnn: Let us"))
    after = Episode(episode).load()
    assert after.turns[0].paragraphs == (6,)
    assert re.search(r"show\.\n\n(Ann: )?Today we talk", (episode / "transcript.txt").read_text())
    assert [c.kind for c in result.changes] == ["paragraph-split"]
    merged = edit(episode, lambda t: re.sub(r"show\.\n\n(Ann: )?Today", "show. Today", t))
    assert [c.kind for c in merged.changes] == ["paragraph-merge"]
    assert Episode(episode).load().turns[0].paragraphs == ()


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace("[The Thames]", "[The Thames"), r"line 13: broken heading brackets"),
    (lambda t: t.replace("Rivers of England", "Mountains of Wales"), r"line 1: .* another episode"),
    (lambda t: t.split("[Welcome]")[0] + "[Welcome]\n\nAnn: " + "completely different words " * 30,
     r"line \d+: only \d+% of the words match"),
    (lambda t: t.replace("[The Thames]\n\n", "[The Thames]\n\n[Another]\n\n"), r"line 13: heading \[The Thames\] has no paragraph"),
    (lambda t: t.replace("Bob: It rises in the Cotswolds and flows east to London.", "Bob:"),
     r"line 17: paragraph of Bob has no words"),
])
def test_malformed_input_names_the_line_and_changes_nothing(episode, change, message):
    before = snapshot(episode)
    with pytest.raises(EditError, match=message):
        edit(episode, change)
    assert snapshot(episode) == before


def test_timestamp_marks_round_trip(episode):
    from transcribe_kit.writers import WriterOptions, get

    doc = Episode(episode).load()
    marked = get("txt").render(doc, WriterOptions(timestamps=True))
    edited = episode.parent / "marked.txt"
    edited.write_text(marked.replace("Today we talk about rivers.", "Today we talk about streams."))
    Episode(episode).apply_edits(edited, NO_AUDIO)
    text = (episode / "transcript.txt").read_text()
    assert "[00:00] Ann: Hello" in text and "streams." in text


def test_markdown_file(episode):
    md = (episode / "transcript.txt").read_text()
    md = md.replace("Rivers of England", "# Rivers of England").replace("[The Thames]", "## The Thames")
    md = md.replace("[Welcome]", "## Welcome").replace("Bob: It rises", "**Bob:** It *really* rises")
    edited = episode.parent / "edited.md"
    edited.write_text(md)
    result = Episode(episode).apply_edits(edited, NO_AUDIO)
    assert [(c.kind, c.before, c.after) for c in result.changes] == [("words", None, "really")]


def test_history_and_revert(episode):
    edit(episode, lambda t: t.replace("Cotswolds", "Chilterns"))
    edit(episode, lambda t: t.replace("\nBob:", "\nRobert:"))
    assert [v.revision.version for v in Episode(episode).versions()] == [1, 2, 3]
    assert (episode / ".history" / "transcript.v1.json").exists()
    doc = Episode(episode).revert(1)
    assert doc.version == 4 and doc.history[-1].kind == "revert"
    assert "Cotswolds" in (episode / "transcript.txt").read_text()
    assert doc.words == sample_transcript().words


def test_cli_apply_history_revert(episode):
    edited = episode.parent / "edited.txt"
    edited.write_text((episode / "transcript.txt").read_text().replace("Cotswolds", "Chilterns"))
    runner = CliRunner()
    out = runner.invoke(cli, ["apply-edits", str(episode), str(edited), "--no-audio", "--author", "Jo"])
    assert out.exit_code == 0, out.output
    assert "version 2" in out.output and "1 estimated" in out.output
    out = runner.invoke(cli, ["history", str(episode)])
    assert "* v2" in out.output and "by Jo" in out.output and "process" in out.output
    out = runner.invoke(cli, ["revert", str(episode), "1"])
    assert out.exit_code == 0 and "version 3 is version 1 again" in out.output
    out = runner.invoke(cli, ["revert", str(episode), "9"])
    assert out.exit_code == 1 and out.output.startswith("Error: no saved copy of version 9")
    edited.write_text((episode / "transcript.txt").read_text().replace("London", "Oxford"))
    out = runner.invoke(cli, ["apply-edits", str(episode), str(edited)])
    assert out.exit_code == 0 and "Warning: the recording was not found" in out.output
    edited.write_text("[Broken\n\nAnn: hi\n")
    out = runner.invoke(cli, ["apply-edits", str(episode), str(edited), "--no-audio"])
    assert out.exit_code == 1 and "Error: line 1: broken heading brackets" in out.output
    assert "Traceback" not in out.output


WORDS = st.sampled_from(["river", "Thames", "flood,", "the", "Oxford.", "and", "we", "it's"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["sub", "ins", "del", "punct"]), st.integers(0, 10_000), WORDS),
                max_size=12))
def test_any_word_edits_keep_the_document_valid(tmp_path_factory, edits):
    """Random word edits: the words become the edited ones, survivors keep their times, times stay in order."""
    doc = sample_transcript()
    texts = [w.text for w in doc.words]
    for kind, at, word in edits:
        k = at % len(texts)
        if kind == "sub":
            texts[k] = word
        elif kind == "ins":
            texts.insert(k, word)
        elif kind == "del" and len(texts) > 40:
            del texts[k]
        elif kind == "punct":
            texts[k] = texts[k].rstrip(",.") + ","
    page = parse_body(text_blocks("Ann: " + " ".join(texts)), {"Ann", "Bob"})
    result = apply_page(doc, page, lambda: None, NO_AUDIO)
    new = result.transcript
    assert [w.text for w in new.words] == texts
    assert Transcript.from_json(new.to_json()) == new
    starts = [w.start_ms for w in new.words]
    assert starts == sorted(starts)
    old = {(word_key(w.text), w.start_ms, w.end_ms) for w in doc.words}
    assert all((word_key(w.text), w.start_ms, w.end_ms) in old for w in new.words if not w.estimated)
    assert sum(w.estimated for w in new.words) == result.estimated


def test_changes_wait_for_another_process_holding_the_episode(episode):
    """The lock is across processes: a change waits while another process holds the folder."""
    import subprocess
    import sys
    import time

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom transcribe_kit.editing import Episode\n"
         "with Episode(sys.argv[1]).locked():\n    print('held', flush=True)\n    time.sleep(1.5)\n",
         str(episode)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with Episode(episode).locked():
            waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
    assert waited > 0.5, waited


def test_a_version_file_is_never_written_twice(episode):
    folder = Episode(episode)
    doc = folder.load()
    first = doc.with_revision("edit", "one")
    with folder.locked():
        folder.commit(doc, first)
        with pytest.raises(Conflict, match="reload"):
            folder.commit(doc, doc.with_revision("edit", "two"))
    assert Transcript.load(folder.version_path(first.version)).history[-1].summary == "one"


def test_apply_edits_refuses_control_characters_and_pages_of_another_size(episode):
    before = snapshot(episode)
    page = (episode / "transcript.txt").read_text()
    edited = episode.parent / "edited.txt"
    edited.write_text(page.replace("Cotswolds", "Cots\u001bwolds"))
    out = CliRunner().invoke(cli, ["apply-edits", str(episode), str(edited), "--no-audio"])
    line = page[:page.index("Cotswolds")].count("\n") + 1
    assert out.exit_code == 1 and f"Error: line {line}: a control character (U+001B)" in out.output, out.output
    edited.write_text(page + "\n\nAnn: " + "more words " * 100_000)
    out = CliRunner().invoke(cli, ["apply-edits", str(episode), str(edited), "--no-audio"])
    assert out.exit_code == 1 and "far more than this episode's transcript" in out.output, out.output
    assert snapshot(episode) == before
