"""--outline: slide titles aligned to what was said, unspoken slides skipped."""
from __future__ import annotations


import pytest

from transcribe_kit import outline
from transcribe_kit.chapters import outline as alignment
from transcribe_kit.chapters import OPENING

from synthetic import transcript_from

# Ten slides; the talk never mentions "Funding timeline and budget" or "Staff wellbeing survey results".
TITLES = [
    "About the project",
    "Context and background",
    "Overview of sources used",
    "Funding timeline and budget",
    "Key messages from the rapid literature review",
    "Themes from the focus groups",
    "Messages from the strategic briefing",
    "Staff wellbeing survey results",
    "Recommendations for commissioners",
    "Questions from the audience",
]
SPOKEN = {
    "About the project": "Let me begin with what this project is about. The project looked at "
    "work with fathers who harm their families and how social workers respond to them.",
    "Context and background": "Some context and background first. The new law extends the legal measures and "
    "brings a statutory duty for a national strategy on this kind of harm.",
    "Overview of sources used": "Here is an overview of the sources we used. We read published studies, ran "
    "interviews with practitioners and gathered reports from local areas.",
    "Key messages from the rapid literature review": "Now the key messages from the rapid literature review. "
    "Research on these interventions started three decades ago and the evidence keeps growing.",
    "Themes from the focus groups": "Next, the themes from the focus groups. Practitioners told us they lacked "
    "confidence and wanted supervision and training to engage with these men.",
    "Messages from the strategic briefing": "Then the messages from the strategic briefing. Leaders need to "
    "build a whole system response across agencies and share information safely.",
    "Recommendations for commissioners": "Finally our recommendations for commissioners. Fund services for "
    "the long term, evaluate them properly and listen to survivors when designing them.",
    "Questions from the audience": "We have time for questions from the audience now. Please raise your hand "
    "and wait for the microphone to reach you.",
}
FILLER = ("and this matters because families deserve services that keep everyone safe while people change "
          "the way they behave over time")


def talk():
    """One speaker: a greeting, then each spoken slide's words; and where each slide's words start."""
    turns = [("S1", "Good morning and thank you all for coming along today.")]
    turns += [("S1", f"{SPOKEN[t]} {FILLER}.") for t in TITLES if t in SPOKEN]
    doc = transcript_from(turns)
    starts, at = {}, 0
    for (_, text), title in zip(turns, [None, *[t for t in TITLES if t in SPOKEN]]):
        if title:
            starts[title] = doc.words[at].start_ms
        at += len(text.split())
    return doc, starts


@pytest.fixture(scope="module")
def aligned():
    doc, _ = talk()
    return alignment.outline_chapters(doc, TITLES)


def test_ten_titles_two_unspoken_give_eight_chapters(aligned):
    headed = [c for c in aligned.chapters if c.source == "outline"]
    assert [c.heading for c in headed] == [t for t in TITLES if t in SPOKEN]


def test_each_chapter_starts_where_its_slide_is_spoken(aligned):
    _, starts = talk()
    assert {c.heading: c.start_ms for c in aligned.chapters if c.source == "outline"} == starts


def test_each_chapter_opens_a_paragraph_so_its_heading_sits_between_paragraphs(aligned):
    from transcribe_kit.layout import build_page

    page = build_page(aligned)
    assert [s.heading for s in page.sections] == [None, *[t for t in TITLES if t in SPOKEN]]
    assert all(s.paragraphs[0].start_ms == s.start_ms for s in page.sections[1:])


def test_the_greeting_before_the_first_slide_is_the_untitled_opening(aligned):
    assert aligned.chapters[0].source == OPENING and aligned.chapters[0].heading is None


def test_lexical_alignment_alone_finds_the_same_chapters():
    doc = alignment.outline_chapters(talk()[0], TITLES, alignment.OutlineOptions(use_embeddings=False))
    assert [c.heading for c in doc.chapters if c.source == "outline"] == [t for t in TITLES if t in SPOKEN]


def test_an_agenda_read_aloud_is_not_where_the_slides_start():
    agenda = ("Today I will cover what the project is about, the context and background, the sources "
              "we used and the themes from the focus groups, and finish with questions from the audience.")
    turns = [("S1", "Good morning and thank you all for coming along today."), ("S1", agenda)]
    turns += [("S1", f"{SPOKEN[t]} {FILLER}.") for t in TITLES if t in SPOKEN]
    doc = transcript_from(turns)
    first_slide = doc.words[len(turns[0][1].split()) + len(agenda.split())].start_ms
    out = alignment.outline_chapters(doc, TITLES)
    headed = [c for c in out.chapters if c.source == "outline"]
    assert [c.heading for c in headed] == [t for t in TITLES if t in SPOKEN]
    assert headed[0].start_ms == first_slide  # "About the project" where it is talked about, not in the agenda


def test_align_is_monotonic_and_skips_weak_titles():
    import numpy as np

    scores = np.array([[0.9, 0.1, 0.1], [0.2, 0.2, 0.3], [0.1, 0.95, 0.1], [0.8, 0.1, 0.1]])
    assert alignment.align(scores, 0.5) == [0, None, 1, None]


def test_read_plain_text_outline_strips_bullets(tmp_path):
    path = tmp_path / "outline.txt"
    path.write_text("Presentation outline\n\n- > About the project\n• Questions\n", encoding="utf-8")
    assert outline.read_outline(path) == ["Presentation outline", "About the project", "Questions"]


DECK_TEXT = """
community libraries

Beyond the bookshelf: a year of digital drop-ins

Dr Ann Lee

14th March 2026

Agenda

- > Why drop-ins
- > What we learned
- > Questions

Why drop-ins

- > Most visitors who asked for help had **never used an email account** before, and many had been turned away elsewhere.
- > Volunteers were recruited from the local residents' group and trained over four evenings in the spring term.
 - Tablets on loan

community libraries

What we learned

\u201cI was scared to press anything in case I broke it, and now I book my own appointments online every month.\u201d

Lived experience group

\u201cMy grandson set it up for me once, but I never knew what I had agreed to or where my details had gone.\u201d

Lived experience
group

\u201cI come every week now, and I help the new people who are as nervous as I was when I first walked in.\u201d

Lived experience group 12

\u201cThe sessions only work because nobody is rushed and everybody goes at their own pace, week after week.\u201d

Volunteer group

community libraries

Questions?
"""


def test_a_decks_text_gives_its_slide_titles_not_its_bullets_quotes_or_footers(tmp_path):
    path = tmp_path / "deck.txt"
    path.write_text(DECK_TEXT, encoding="utf-8")
    assert outline.read_outline(path) == ["Agenda", "Why drop-ins", "What we learned", "Questions?"]


def test_the_shared_event_deck_gives_its_slide_titles():
    from clips import SHARED

    deck = SHARED / "reference" / "event_slides.txt"
    if not deck.is_file():
        pytest.skip(f"{deck} is not available")
    titles = outline.read_outline(deck)
    assert titles[:3] == ["Presentation outline", "About the project", "Current landscape and scale of the issue"]
    assert {"Rapid Literature Review", "Strategic Briefing", "Questions?"} <= set(titles)
    assert all(len(t.split()) <= outline.TITLE_MAX_WORDS and not t.startswith(("\u201c", '"')) for t in titles)
    assert not {"research in practice", "Lived experience group", "Dr Jessica Wild"} & set(titles)


def test_read_pptx_titles(tmp_path):
    import pptx

    deck = pptx.Presentation()
    cover = deck.slides.add_slide(deck.slide_layouts[0])  # "Title Slide": the talk, not a chapter
    cover.shapes.title.text = "Responding to perpetrators: project overview"
    cover.placeholders[1].text = "Dr Jessica Wild, 28th September 2021"
    for title in TITLES[:3]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = "a bullet that is not a title"
    deck.save(tmp_path / "deck.pptx")
    assert outline.read_outline(tmp_path / "deck.pptx") == TITLES[:3]


def _pdf(pages: list[str]) -> bytes:
    """A minimal PDF, one line of Helvetica text a page (written by hand: no PDF writer needed)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in pages:
        stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_read_pdf_titles(tmp_path):
    (tmp_path / "deck.pdf").write_bytes(_pdf(TITLES[:3]))
    assert outline.read_outline(tmp_path / "deck.pdf") == TITLES[:3]


@pytest.mark.parametrize("name,data", [("bad.pptx", b"not a zip"), ("bad.pdf", b"%PDF-1.4 garbage"),
                                       ("empty.txt", b"\n \n")])
def test_unreadable_outlines_are_user_errors(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(outline.OutlineError, match=name):
        outline.read_outline(tmp_path / name)
