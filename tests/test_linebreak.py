from hypothesis import given
from hypothesis import strategies as st

from transcribe_kit.captions import linebreak
from transcribe_kit.captions.linebreak import break_costs, line_count, split_lines


def lay_out(text, max_chars=42, tagger=None, reserve=0):
    words = text.split()
    return split_lines(words, break_costs(words, tagger), max_chars, 2, reserve)


def test_one_line_when_it_fits():
    assert lay_out("We are here today.") == ("We are here today.",)


def test_breaks_after_punctuation_rather_than_in_the_middle():
    lines = lay_out("When the work began, we had no idea how long it would take us")
    assert lines == ("When the work began,", "we had no idea how long it would take us")


def test_never_ends_a_line_on_an_article_preposition_or_conjunction():
    for text in ("we spoke to a number of the people who run the services in the area",
                 "the evidence base around domestic violence and abuse in the community"):
        first, second = lay_out(text, max_chars=40)
        assert linebreak.bare(first.split()[-1]) not in (
            linebreak.DETERMINERS | linebreak.PREPOSITIONS | linebreak.CONJUNCTIONS), (first, second)
        assert len(first) <= 40 and len(second) <= 40


def test_pronoun_stays_with_its_verb():
    costs = break_costs("so we think".split())
    assert costs[1] == linebreak.BAD_PRONOUN_VERB


def test_a_clitic_verb_stays_with_what_follows_it():
    """ "I'm | the Digital Inclusion Lead": "I'm" cannot end a clause; "don't" can."""
    costs = break_costs("I'm the lead and we're here but I don't".split())
    assert costs[0] == costs[4] == linebreak.BAD_VERB_PARTS
    first, second = lay_out("I'm Priya Raghunathan, I'm the Digital Inclusion Lead at Harbourside", max_chars=37)
    assert not first.endswith("I'm"), (first, second)


def test_ambiguous_word_asks_the_tagger():
    calls = []

    def tagger(words):
        calls.append(list(words))
        return [("PRON", "PRON"), ("VERB", "VERB"), ("PRON", "PRON"), ("ADP", "ADP"), ("PRON", "PRON")]

    costs = break_costs("I like that about them".split(), tagger)
    assert calls  # "that" is ambiguous: the tagger was asked
    assert costs[2] < linebreak.BAD_DETERMINER  # "that" used as a pronoun, not before a noun


def test_spacy_tags_that_as_a_determiner_before_a_noun():
    from transcribe_kit.nlp import pos_tags

    words = "I know that book and I know that it matters.".split()
    tags = pos_tags(words)
    assert tags[2][0] == "DET" and tags[7][0] in ("SCONJ", "PRON")
    costs = break_costs(words, pos_tags)
    assert costs[2] == linebreak.BAD_DETERMINER


def test_speaker_label_room_is_kept_on_the_first_line():
    lines = lay_out("this line is exactly forty characters ok", max_chars=42, reserve=5)
    assert len(lines) == 2 and len(lines[0]) + 5 <= 42


def test_line_count_is_the_fewest_lines():
    assert line_count([5, 5, 5], 11) == 2
    assert line_count([5, 5], 11) == 1
    assert line_count([50], 42) == 1


def test_model_files_are_hash_checked(tmp_path):
    import pytest

    from transcribe_kit import nlp

    for name in nlp.SHA256:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"not the model")
    with pytest.raises(nlp.NlpError, match="sha256"):
        nlp.verify(tmp_path)
    with pytest.raises(nlp.NlpError, match="missing"):
        nlp.verify(tmp_path / "nowhere")


def test_a_broken_tagger_falls_back_to_word_lists():
    def broken(words):
        raise RuntimeError("no model")

    assert break_costs("the cat sat".split(), broken) == break_costs("the cat sat".split())


@given(st.lists(st.integers(1, 50), min_size=1, max_size=40), st.integers(5, 45), st.integers(0, 3),
       st.lists(st.sampled_from([0, 0, 0, 4, 9]), min_size=40, max_size=40))
def test_line_reach_agrees_with_line_count(lengths, max_chars, max_lines, reserves):
    reach = linebreak.line_reach(lengths, max_chars, max_lines, reserves)
    for i in range(len(lengths)):
        for j in range(i + 1, len(lengths) + 1):
            fits = linebreak.line_count(lengths[i:j], max_chars, reserves[i]) <= max_lines
            assert fits == (j <= reach[i])


def test_loading_the_tagger_does_not_import_torch_and_torch_still_imports_after():
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys\n"
              "from transcribe_kit import nlp\n"
              "tagger = nlp.load()\n"
              "assert 'torch' not in sys.modules, 'spaCy pulled in torch'\n"
              "assert nlp.load() is tagger, 'one spaCy pipeline per process'\n"
              "assert {'tagger', 'attribute_ruler', 'ner', 'parser', 'lemmatizer'} <= set(tagger.pipe_names)\n"
              "assert nlp.pos_tags(['The', 'cat', 'sat.'])[1] == ('NOUN', 'NOUN')\n"
              "import torch\n"
              "assert torch.zeros(2).sum().item() == 0\n")
    src = str(Path(__file__).resolve().parents[1] / "src")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
