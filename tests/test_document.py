import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transcribe_kit.document import (
    Chapter, DocumentError, EpisodeMeta, Participant, Speaker, Transcript, Turn, Word,
)

text = st.text(min_size=1, max_size=12)


@st.composite
def transcripts(draw):
    speakers = tuple(Speaker(id=f"S{i}", name=draw(st.none() | text), label=draw(st.none() | text),
                             role=draw(st.none() | text), is_host=draw(st.booleans()))
                     for i in range(draw(st.integers(0, 3))))
    ids = [s.id for s in speakers] or [None]
    starts = sorted(draw(st.lists(st.integers(0, 10**8), max_size=30)))
    words = tuple(Word(text=draw(text), start_ms=s, end_ms=s + draw(st.integers(0, 5000)),
                       probability=draw(st.none() | st.floats(0, 1)), speaker=draw(st.sampled_from(ids)),
                       estimated=draw(st.booleans())) for s in starts)
    turns = (Turn(speaker=ids[0], start=0, end=len(words)),) if words else ()
    meta = EpisodeMeta(title=draw(st.none() | text), published=draw(st.none() | st.dates()),
                       participants=tuple(Participant(name=draw(text), role=draw(st.none() | text),
                                                      host=draw(st.booleans())) for _ in range(draw(st.integers(0, 3)))))
    chapters = tuple(Chapter(start_ms=draw(st.integers(0, 10**8)), heading=draw(st.none() | text))
                     for _ in range(draw(st.integers(0, 3))))
    return Transcript(episode=draw(text), duration_ms=draw(st.integers(0, 10**8)), meta=meta,
                      speakers=speakers, words=words, turns=turns, chapters=chapters,
                      engine={"engine": "x"})


@given(transcripts())
def test_json_round_trip_is_exact(doc):
    again = Transcript.from_json(doc.to_json())
    assert again == doc
    assert again.to_json() == doc.to_json()


def _valid():
    return Transcript(episode="e", speakers=(Speaker("S1"),),
                      words=(Word("Hello", 0, 500, 0.9, "S1"), Word("there.", 500, 900, 0.8, "S1")),
                      turns=(Turn("S1", 0, 2),), meta=EpisodeMeta(published=dt.date(2022, 2, 10))).to_dict()


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["words"][1].update(start_ms="500"), "words[1].start_ms: expected int"),
    (lambda d: d["words"][0].update(end_ms=1.5), "words[0].end_ms: expected int"),
    (lambda d: d["words"][1].update(speaker="S9"), "words[1].speaker: unknown speaker"),
    (lambda d: d["words"][1].update(start_ms=-5), "words[1]"),
    (lambda d: d.update(schema_version=99), "schema_version"),
    (lambda d: d["meta"].update(published="10/02/2022"), "meta.published: expected a date"),
    (lambda d: d["turns"][0].update(end=7), "turns[0]: word range"),
    (lambda d: d["speakers"][0].update(colour="red"), "speakers[0].colour: unknown field"),
    (lambda d: d.pop("episode"), "episode: missing"),
])
def test_loading_names_the_bad_field(mutate, message):
    data = _valid()
    mutate(data)
    with pytest.raises(DocumentError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Transcript.from_dict(data)


def test_load_reports_path_and_bad_json(tmp_path):
    path = tmp_path / "transcript.json"
    path.write_text("{not json")
    with pytest.raises(DocumentError, match="transcript.json: not valid JSON"):
        Transcript.load(path)
    path.write_text(json.dumps(_valid()))
    assert Transcript.load(path).words[0].text == "Hello"


def test_revisions_are_numbered():
    doc = Transcript(episode="e").with_revision("process").with_revision("edit", "fixed a name")
    assert [r.version for r in doc.history] == [1, 2]
    assert doc.history[-1].kind == "edit"
