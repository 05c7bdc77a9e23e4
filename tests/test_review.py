"""The review: places to check, review.json, and the commands that show them."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from clips import write
from edit_helpers import sample_transcript
from synthetic import transcript_from
from transcribe_kit.cli import cli
from transcribe_kit.document import Speaker, SpeechSegment, Transcript, Word
from transcribe_kit.fileio import atomic_write_many
from transcribe_kit.review import REVIEW_FILE, ReviewPlan, keep_checked, places_of, read_review, review_json, set_checked
from transcribe_kit.review.queue import listed as listed_places
from transcribe_kit.review.queue import load_queue
from transcribe_kit.writers import render_all, writers


def doubtful(doc: Transcript, texts: dict[str, float]) -> Transcript:
    """``doc`` with every word sure (0.98) except those in ``texts``, given that probability."""
    return replace(doc, words=tuple(replace(w, probability=texts.get(w.text, 0.98)) for w in doc.words))


def test_doubtful_words_are_listed_first_each_as_a_place():
    doc = doubtful(sample_transcript(), {"Thames.": 0.04, "Where": 0.05, "Cotswolds": 0.5})
    places = [p for p in places_of(doc, ReviewPlan()) if p.kind == "words"]  # (the names come first here)
    texts = [" ".join(w.text for w in doc.words[slice(*p.words)]) for p in places]
    assert set(texts[:3]) == {"Thames.", "Where", "Cotswolds"}  # the doubtful words, before any sure one
    assert texts.index("Thames.") < texts.index("Cotswolds")
    assert all(p.kind == "words" and p.words[1] - p.words[0] == 1 for p in places[:3])
    assert places[0].start_ms == doc.words[places[0].words[0]].start_ms
    assert all(0 <= p.score <= 1 for p in places)
    thames = places[texts.index("Thames.")]
    assert thames.score > places[texts.index("Cotswolds")].score  # scores are chances: the surer word lower
    again = [p for p in places_of(doc, ReviewPlan()) if p.kind == "words"]
    assert [p.id for p in again] == [p.id for p in places]  # ids are stable


def test_a_name_the_recogniser_was_told_to_expect_is_not_doubted_for_its_rare_tokens():
    # a rare name comes out at a low probability even when heard right: spelt exactly as the episode's
    # metadata gives it, it waits behind an ordinary word the recogniser was as unsure of
    doc = doubtful(sample_transcript(), {"Thames.": 0.05, "Cotswolds": 0.04})

    def words_in_order(plan):
        return [doc.words[p.words[0]].text for p in places_of(doc, plan) if p.kind == "words"]

    assert words_in_order(ReviewPlan()).index("Cotswolds") < words_in_order(ReviewPlan()).index("Thames.")
    named = words_in_order(ReviewPlan(names=("The Cotswolds",)))
    assert "Cotswolds" not in named[:named.index("Thames.") + 1]  # after it, or not listed at all


def test_the_order_fuses_the_model_with_the_recogniser_and_spaces_out_neighbours():
    from transcribe_kit.review.places import order

    # the model and the recogniser agree on word 1; the model alone likes word 3, the recogniser word 5
    doubt = [0.01, 0.9, 0.01, 0.8, 0.01, 0.02, 0.01]
    prior = [0.01, 0.9, 0.01, 0.02, 0.01, 0.8, 0.01]
    ranked = order(doubt, prior)
    assert ranked[0] == 1 and set(ranked[1:3]) == {3, 5}
    # a doubtful word's neighbour (likely the same mistake) waits behind an equally doubtful word elsewhere
    pair = order([0.9, 0.85, 0.01, 0.01, 0.85, 0.01], [0.9, 0.85, 0.01, 0.01, 0.85, 0.01])
    assert pair[:3] == [0, 4, 1]
    assert sorted(order(doubt, prior)) == list(range(len(doubt)))  # every word, once
    # how long a neighbour waits follows the doubt of the word taken: behind a word that is probably
    # right (0.1), its own mistake would be a mistake of its own, and its doubt counts nearly in full
    for doubts, first in (([0.1, 0.095, 0.01, 0.08, 0.01], [0, 1, 3]), ([0.9, 0.85, 0.01, 0.5, 0.01], [0, 3, 1])):
        assert order(doubts, doubts)[:3] == first


def test_a_near_miss_of_a_name_is_suggested():
    doc = transcript_from([("S1", "Welcome Olumidey to the show today"), ("S1", "It is good to be here")])
    doc = doubtful(doc, {"Olumidey": 0.3})
    places = places_of(doc, ReviewPlan(names=("Dr Olumide Adisa",)))
    near = [p for p in places if p.suggestion]
    assert near and near[0].suggestion == "Olumide"
    assert "Olumidey" in " ".join(w.text for w in doc.words[slice(*near[0].words)])
    assert "Olumide" in near[0].reason


def test_words_where_two_voices_overlap_at_a_change_of_speaker_are_listed():
    doc = transcript_from([("A", "so what happened next then"), ("B", "well we went home after that")])
    edge = next(i for i in range(1, len(doc.words)) if doc.words[i].speaker != doc.words[i - 1].speaker)
    a, b = doc.words[edge - 1], doc.words[edge]
    apart = (SpeechSegment(0, a.end_ms, "A"), SpeechSegment(b.start_ms, doc.duration_ms, "B"))
    overlap = (SpeechSegment(0, b.start_ms + 400, "A"), SpeechSegment(a.start_ms, doc.duration_ms, "B"))
    plain = [p for p in places_of(replace(doc, segments=apart), ReviewPlan()) if p.kind == "speaker"]
    flagged = [p for p in places_of(replace(doc, segments=overlap), ReviewPlan()) if p.kind == "speaker"]
    assert flagged[0].words[0] in (edge - 1, edge)  # the change of voice first, on one side of it
    assert flagged[0].words[1] - flagged[0].words[0] == 1
    assert "two voices at once" in flagged[0].reason
    assert flagged[0].score > plain[0].score  # the overlap is what makes the change of voice doubtful
    # in the order, the diarisation's own doubt counts voice_weight times; a plain change of voice, once
    from transcribe_kit.review.places import speaker_places

    weighed = {p.reason: weight / p.score for segs in (apart, overlap)
               for weight, p in speaker_places(replace(doc, segments=segs), voice_weight=3.0)}
    assert weighed[plain[0].reason] == pytest.approx(1.0) and weighed[flagged[0].reason] == pytest.approx(3.0)


def test_a_name_not_introduced_by_its_owner_is_listed_with_its_evidence():
    doc = transcript_from([("A", "I'm Ann Lee and this is the show"), ("B", "thanks for having me here")])
    why = "the one participant left: the metadata lists 2 and every other voice is named"
    doc = replace(doc, speakers=(Speaker("A", "Ann Lee", "Ann", evidence=('introduces themself: "I\'m Ann Lee"',)),
                                 Speaker("B", "Bo Diaz", "Bo", evidence=(why,))))
    names = [p for p in places_of(doc, ReviewPlan()) if p.kind == "name"]
    assert len(names) == 1 and "Bo Diaz" in names[0].reason and why in names[0].reason
    assert doc.words[names[0].words[0]].speaker == "B"


def test_the_review_reaches_no_published_file():
    doc = doubtful(sample_transcript(), {"Thames.": 0.04, "Where": 0.1})
    doc = replace(doc, review=places_of(doc, ReviewPlan()))
    assert doc.review
    plain = render_all(replace(doc, review=()), Path("ep"), list(writers()))
    reviewed = render_all(doc, Path("ep"), list(writers()))
    docx_file = Path("ep/transcript.docx")
    # every format but Word's, transcript.json included, is the same with or without a review
    assert {p: v for p, v in reviewed.items() if p != docx_file} == {p: v for p, v in plain.items() if p != docx_file}
    assert "review" not in json.loads(reviewed[Path("ep/transcript.json")])
    # the stage cache keeps it (the whole document), and it reads back
    assert Transcript.from_json(doc.to_json()).review == doc.review


def test_word_carries_the_places_as_comments_that_reading_it_back_ignores(tmp_path):
    import docx

    from transcribe_kit.editing.readback import docx_blocks

    doc = doubtful(sample_transcript(), {"Thames.": 0.03, "Where": 0.03, "wet.": 0.04})
    doc = replace(doc, review=places_of(doc, ReviewPlan()))
    for name, version in (("reviewed", doc), ("plain", replace(doc, review=()))):
        (tmp_path / f"{name}.docx").write_bytes(render_all(version, tmp_path, ["docx"])[tmp_path / "transcript.docx"])
    comments = [c.text for c in docx.Document(str(tmp_path / "reviewed.docx")).comments]
    listed = listed_places(doc.review, len(doc.words), span=lambda p: p.words, score=lambda p: p.score)
    assert len(listed) < len(doc.review)  # the editor's list, not every place
    assert len(comments) == len({p.words[0] for p in listed}) > 0  # one comment on a word that starts two places
    assert any("unsure" in c for c in comments) and all(c.startswith("Check (") for c in comments)
    assert not list(docx.Document(str(tmp_path / "plain.docx")).comments)
    assert docx_blocks(tmp_path / "reviewed.docx") == docx_blocks(tmp_path / "plain.docx")
    import zipfile

    comments_xml = zipfile.ZipFile(tmp_path / "reviewed.docx").read("word/comments.xml")
    assert b"w:date" not in comments_xml  # no time of writing: the same transcript gives the same bytes


def test_the_list_reaches_a_tenth_of_the_words_and_every_likely_mistake_beyond():
    items = [{"words": [i, i + 1], "score": s} for i, s in enumerate([0.2, 0.1, 0.05, 0.4, 0.02, 0.31])]
    assert [it["words"][0] for it in listed_places(items, 20)] == [0, 1, 3, 5]  # 2 words fit; then 0.3 or more
    assert listed_places(items, 100, budget=0.05) == items[:5] + [items[5]]


def test_review_json_has_the_schema_and_keeps_an_editors_checks(tmp_path):
    doc = doubtful(sample_transcript(), {"Thames.": 0.04, "Where": 0.1, "wet.": 0.05})
    places = places_of(doc, ReviewPlan())
    path = tmp_path / REVIEW_FILE
    path.write_text(review_json(places, doc))
    data = read_review(path)
    assert data["schema_version"] == 1 and data["words"] == len(doc.words)
    item = data["items"][0]
    assert set(item) == {"id", "kind", "words", "start_ms", "end_ms", "score", "reason", "suggestion", "checked"}
    assert item["checked"] is False
    set_checked(path, item["id"])
    again = keep_checked(places_of(doc, ReviewPlan()), path)  # a rerun keeps the mark on the same place
    assert [p.checked for p in again] == [p.id == item["id"] for p in again]


@pytest.fixture
def episode(tmp_path) -> Path:
    audio = write((np.sin(np.arange(12 * 16000) / 9) * 8000).astype(np.int16), tmp_path / "rivers.mp3")
    doc = doubtful(replace(sample_transcript(), source=str(audio)), {"Thames.": 0.03, "Where": 0.03, "wet.": 0.04})
    folder = tmp_path / "rivers"
    files = render_all(doc, folder, ["json", "txt", "vtt", "podcast-json"])
    atomic_write_many(files | {folder / REVIEW_FILE: review_json(places_of(doc, ReviewPlan()), doc)})
    return folder


def test_review_command_prints_the_places_with_their_words(episode):
    result = CliRunner().invoke(cli, ["review", str(episode)])
    assert result.exit_code == 0, result.output
    assert "start with the [Thames." in result.output
    assert result.output.strip().splitlines()[-1].endswith(f"of the words): transcribe-kit edit {episode}")
    rows = json.loads(CliRunner().invoke(cli, ["review", str(episode), "--json", "--top", "1"]).output)
    first = read_review(episode / REVIEW_FILE)["items"][0]
    assert len(rows) == 1 and rows[0]["id"] == first["id"] and rows[0]["kind"] == first["kind"]
    rows = json.loads(CliRunner().invoke(cli, ["review", str(episode), "--json", "--top", "4"]).output)
    assert any("[Thames.]" in row["context"] and row["kind"] == "words" for row in rows)


def test_review_of_an_episode_without_a_review_says_what_to_do(episode):
    (episode / REVIEW_FILE).unlink()
    result = CliRunner().invoke(cli, ["review", str(episode)])
    assert result.exit_code == 1 and result.output.startswith("Error:") and "process it again" in result.output


def test_publish_says_what_is_unchecked_and_can_require_the_review(episode, tmp_path):
    runner = CliRunner()
    refused = runner.invoke(cli, ["publish", str(episode), "-o", str(tmp_path / "site"), "--require-review"])
    assert refused.exit_code == 1 and "Error:" in refused.output and "unchecked" in refused.output
    assert not (tmp_path / "site").exists()
    said = runner.invoke(cli, ["publish", str(episode), "-o", str(tmp_path / "site")])
    assert said.exit_code == 0 and "places to check are unchecked" in said.output
    for item in load_queue(episode).to_check():
        set_checked(episode / REVIEW_FILE, item["id"])
    done = runner.invoke(cli, ["publish", str(episode), "-o", str(tmp_path / "site2"), "--require-review"])
    assert done.exit_code == 0, done.output
    assert "unchecked" not in done.output


def test_editing_the_words_of_a_place_resolves_it_and_only_it(episode, tmp_path):
    from transcribe_kit.editing import Episode

    before = {it["id"]: it for it in load_queue(episode).items}
    thames = next(i for i, it in before.items() if it["start_ms"] <= _start(episode, "Thames.") <= it["end_ms"])
    edited = tmp_path / "edited.txt"
    edited.write_text((episode / "transcript.txt").read_text().replace("the Thames.", "the Severn."))
    Episode(episode).apply_edits(edited)
    after = {it["id"]: it["checked"] for it in load_queue(episode).items}
    assert after[thames] is True
    assert sum(after.values()) == 1  # the places whose words did not change are still to check


def _start(folder: Path, text: str) -> int:
    return next(w.start_ms for w in Transcript.load(folder / "transcript.json").words if w.text == text)


def test_the_editor_lists_the_places_and_saves_a_mark(episode):
    from test_editor import request, token_of
    from transcribe_kit.asr.alignment import ForcedAlignOptions
    from transcribe_kit.editing.apply import EditOptions
    from transcribe_kit.editing.server import serve

    server, url = serve(episode, EditOptions(ForcedAlignOptions(use_audio=False)))
    try:
        token = {"X-Token": token_of(url)}
        status, body = request(url, "/api/review", headers=token)
        listed = json.loads(body)
        assert status == 200 and listed["left"] == len(listed["items"]) > 0
        assert [it["id"] for it in listed["items"]] == [it["id"] for it in load_queue(episode).worth_checking()]
        assert all(it["text"] for it in listed["items"])
        mark = json.dumps({"id": listed["items"][0]["id"], "checked": True}).encode()
        status, body = request(url, "/api/review", "POST", token | {"Content-Type": "application/json"}, mark)
        assert status == 200 and json.loads(body)["left"] == listed["left"] - 1
        status, _ = request(url, "/api/review", "POST", {"Content-Type": "application/json"}, mark)
        assert status == 403  # a mark needs the token header, as a save does
        status, body = request(url, "/api/review", "POST", token, json.dumps({"id": "nope", "checked": True}).encode())
        assert status == 400 and "no place" in json.loads(body)["error"]
    finally:
        server.shutdown()
        server.server_close()
    assert read_review(episode / REVIEW_FILE)["items"][0]["checked"] is True


def test_a_second_opinion_flags_the_word_it_did_not_hear(jfk_wav):
    from transcribe_kit import audio
    from transcribe_kit.review import ReviewOptions, second_words
    from transcribe_kit.review.signals import disagreements

    heard = second_words(audio.load(jfk_wav), ReviewOptions(), "en")  # tiny.en, greedy, no prompt
    assert len(heard) > 15 and "country" in " ".join(heard).lower()
    words = tuple(Word(text, 500 * i, 500 * i + 400, 0.9) for i, text in enumerate(heard))
    k = next(i for i, text in enumerate(heard) if "country" in text.lower())
    wrong = words[:k] + (replace(words[k], text="county"),) + words[k + 1:]  # a misheard word, just as sure
    doc = Transcript(episode="jfk", duration_ms=500 * len(words), words=wrong)
    second = disagreements(doc.words, heard)
    assert second == [float(i == k) for i in range(len(words))]
    places = places_of(doc, ReviewPlan(), second)
    assert places[0].words == (k, k + 1) and "second recogniser" in places[0].reason


def test_speech_without_words_and_stretches_decoded_again_are_places_to_check():
    from transcribe_kit.document import Sound, Speaker, Word
    from transcribe_kit.review import ReviewPlan, places_of

    words = tuple(Word(t, s, s + 400, 0.95, "S1") for t, s in (("So", 0), ("the", 500), ("research", 1000),
                                                                ("points", 9000), ("here.", 9500)))
    doc = Transcript(episode="e", duration_ms=20_000, speakers=(Speaker("S1", "Jo Todd", "Jo"),), words=words,
                     sounds=(Sound("recovered", 8800, 10_000, 0.9), Sound("unrecognised", 2000, 8000, 0.9)))
    found = {p.kind: p for p in places_of(doc, ReviewPlan())}
    unheard = found["unrecognised"]
    assert (unheard.start_ms, unheard.end_ms) == (2000, 8000) and unheard.words == (2, 3)
    assert "could not put into words" in unheard.reason and unheard.score >= 0.9
    assert found["recovered"].words == (3, 5) and "decoding them again" in found["recovered"].reason


def test_captions_too_fast_to_read_are_places_to_condense():
    from transcribe_kit.review import ReviewPlan, places_of
    from test_exchanges import fast_talker  # 70 characters in 2 s between two other turns

    condense = [p for p in places_of(fast_talker(), ReviewPlan()) if p.kind == "condense"]
    assert len(condense) == 1 and condense[0].reason.startswith("speech at ")
    assert "condense it" in condense[0].reason


def test_the_second_opinion_is_heard_beside_recognition_and_adds_only_itself_and_the_review(tmp_path, jfk_wav):
    from transcribe_kit.asr import AsrOptions
    from transcribe_kit.pipeline import ProcessOptions, process_file
    from transcribe_kit.review import ReviewOptions
    from transcribe_kit.speakers import SpeakerOptions
    from transcribe_kit.stagecache import StageCache

    cache = StageCache(tmp_path / "cache")
    base = ProcessOptions(asr=AsrOptions(model="tiny.en"), speakers=SpeakerOptions(enabled=False))
    plain = process_file(jfk_wav, tmp_path / "out", base, cache=cache)
    assert "second" not in plain.computed + plain.cached
    second = ReviewOptions(second_opinion=True)
    heard = process_file(jfk_wav, tmp_path / "out", replace(base, review=second), cache=cache)
    assert "second" in heard.computed and "recognise" in heard.cached  # a side stage: recognition is not redone
    assert heard.computed[-1] == "review" and set(heard.computed) == {"second", "review"}
    log = [e for e in cache.entries() if e["stage"] == "second"]
    assert len(log) == 1 and not log[0]["cached"]
    # the review read what it heard: jfk is heard alike, so no word is doubted for a disagreement
    assert heard.transcript.review and not any("second recogniser" in p.reason for p in heard.transcript.review)
    again = process_file(jfk_wav, tmp_path / "out", replace(base, review=second), cache=cache)
    assert not again.computed  # all from the cache (the side stage is not even read: the review is cached)
