from __future__ import annotations

import datetime as dt

import pytest

from transcribe_kit import metadata
from transcribe_kit.document import EpisodeMeta, Participant
from transcribe_kit.layout import participants_sentence


def test_series_file_fills_in_and_episode_wins(tmp_path):
    audio = tmp_path / "ep1.mp3"
    audio.write_bytes(b"x")
    (tmp_path / "series.toml").write_text('series_intro = "This is the series."\nclosing = "Series closing"\n')
    (tmp_path / "ep1.toml").write_text('title = "One"\npublished = 2024-03-01\nclosing = "Episode closing"\n')
    meta, found = metadata.load_for(audio)
    assert found == tmp_path / "ep1.toml"
    assert meta.series_intro == "This is the series."
    assert meta.closing == "Episode closing"
    assert meta.published == dt.date(2024, 3, 1)
    assert metadata.missing_fields(meta) == ["summary", "participants"]


def test_unknown_key_in_series_file(tmp_path):
    audio = tmp_path / "ep1.mp3"
    (tmp_path / "series.toml").write_text('title = "not a series field"\n')
    with pytest.raises(metadata.MetadataError, match="series.toml: unknown key 'title'"):
        metadata.load_for(audio)


def test_corpus_metadata_gives_the_page_sentence():
    from conftest import CORPUS, need

    meta, _ = metadata.load_for(need(CORPUS / "podcast_004_full" / "podcast_004_full.mp3"))
    assert meta.title == "The evidence base around domestic violence and abuse"
    assert [p.host for p in meta.participants] == [True, False, False, False]
    assert participants_sentence(meta) == meta.participants_text


@pytest.mark.parametrize("people, summary, expected", [
    ([("Ann Lee", "Host", True), ("Bo Chan", "Chief Executive of X", False)],
     "This podcast explores housing.", "Ann Lee, Host, talks to Bo Chan, Chief Executive of X about housing."),
    ([("Ann Lee", None, True), ("Bo Chan", None, False), ("Cy Dee", "Researcher", False)], None,
     "Ann Lee talks to Bo Chan and Cy Dee, Researcher."),
    ([("Ann Lee", "Host", False), ("Bo Chan", None, False)], "A chat.", "Ann Lee, Host, talks to Bo Chan."),
    ([("Ann Lee", None, True), ("Bo Chan", None, False)],
     "This podcast looks at how libraries help people online, and at the part volunteers play.",
     "Ann Lee talks to Bo Chan about how libraries help people online, and about the part volunteers play."),
])
def test_generated_participants_sentence(people, summary, expected):
    meta = EpisodeMeta(summary=summary, participants=tuple(Participant(n, r, h) for n, r, h in people))
    assert participants_sentence(meta) == expected
