"""Glossary syntax, where glossaries are found, and suggestions from editors' corrections."""
import pytest

from transcribe_kit.document import Change, Revision, Transcript, Word
from transcribe_kit.vocabulary.glossary import Entry, GlossaryError, format_entry, load_for, merge, parse_line, suggest


def test_line_syntax():
    assert parse_line("Kyla Kirkpatrick") == Entry("Kyla Kirkpatrick", (), "glossary")
    assert parse_line("SafeLives | heard as: Safe Lives, safe lives  # charity").variants == ("Safe Lives", "safe lives")
    assert parse_line("DVA | DBA").variants == ("DBA",)
    assert parse_line("   # a comment") is None and parse_line("") is None
    with pytest.raises(GlossaryError, match="term before"):
        parse_line("| heard as: x")
    with pytest.raises(GlossaryError, match="nothing after"):
        parse_line("Term |")


def test_format_round_trips():
    for line in ("Kyla", "SafeLives | heard as: Safe Lives, safe lives"):
        assert format_entry(parse_line(line)) == line


def test_merge_pools_variants():
    assert merge([Entry("DVA", ("DBA",)), Entry("dva", ("D.V.A.",))]) == (Entry("DVA", ("DBA", "D.V.A.")),)


def test_found_beside_the_audio_in_series_and_episode_toml(tmp_path):
    audio = tmp_path / "ep1.mp3"
    (tmp_path / "glossary.txt").write_text("Kyla | heard as: Kayla\n", encoding="utf-8")
    (tmp_path / "series.toml").write_text('glossary = ["Respect", "Kyla | heard as: Kala"]\n', encoding="utf-8")
    (tmp_path / "ep1.toml").write_text('glossary = """\nMirabal | heard as: mirror ball\n"""\n', encoding="utf-8")
    entries = load_for(audio)
    assert [(e.term, e.variants) for e in entries] == [("Kyla", ("Kayla", "Kala")), ("Respect", ()),
                                                      ("Mirabal", ("mirror ball",))]


def test_bad_glossary_in_toml_is_a_user_error(tmp_path):
    (tmp_path / "series.toml").write_text("glossary = 3\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="list of lines"):
        load_for(tmp_path / "a.mp3")


def _episode(folder, name, changes):
    records = tuple(Change("words", before=heard, after=written, start_ms=i * 1000)
                    for i, (heard, written) in enumerate(changes))
    history = (Revision(1, "2026-01-01T00:00:00+00:00", "process"),
               Revision(2, "2026-01-02T00:00:00+00:00", "edit", changes=records + (Change("rename", "S1", "Dez"),)))
    doc = Transcript(episode=name, words=tuple(Word(w, 0, 10) for _, w in changes), history=history)
    folder.mkdir()
    (folder / "transcript.json").write_text(doc.to_json(), encoding="utf-8")
    return folder


def test_suggest_changes_made_the_same_way_in_two_episodes(tmp_path):
    a = _episode(tmp_path / "a", "ep1", [("Kayla", "Kyla"), ("Mirror", "Mirabal"), ("DBA,", "DVA,"),
                                         ("and then we went on to say", "and we said")])
    b = _episode(tmp_path / "b", "ep2", [("kayla", "Kyla"), ("DBA", "DVA"), ("teh", "the"),
                                         ("and then we went on to say", "and we said")])
    found = suggest([a, b])
    assert [(format_entry(s.entry), s.episodes) for s in found] == [
        ("DVA | heard as: dba", ("ep1", "ep2")), ("Kyla | heard as: kayla", ("ep1", "ep2"))]
    assert [s.entry.term for s in suggest([a, b], known=(Entry("Kyla", ("Kayla",)),))] == ["DVA"]
    assert suggest([a]) == []
