"""Synthesise a short event recording that follows a slide deck, with exact ground truth.

A made-up conference talk ("Digital drop-ins in community libraries") by one
presenter, who works through a deck saved as text in the form of
``shared/reference/event_slides.txt`` (title slide, agenda, slide titles with
bullets, quotations with attributions, a repeated footer), skips three of its
slides, and takes two questions from the audience at the end.  Voices and
timing are made as in ``tools/make_sample.py`` (piper + Praat, seeded).

Writes NAME.mp3, NAME.toml (the event's metadata: the presenter only),
NAME.deck.txt (the outline to pass as ``--outline``), and the ground truth in
the corpus' formats so ``shared/corpus/score.py --ref`` reads it:
NAME.chapters.json (one chapter per slide that is spoken, from its first
sentence), NAME.words.json (word times shared by character length inside each
sentence, as the corpus does), NAME.rttm (one line per sentence) and
NAME.meta.json.  With ``--acronyms`` the presenter also defines two acronyms from
the words before them and uses them later (not on the deck: ``ACRONYM_LINES``),
for ``bench/acronyms.py``.  Used by ``bench/outline.py``; not a project
dependency (run it with the venv described in make_sample.py):

    /tmp/synthvenv/bin/python tools/make_event.py --out /work/cache/event
    /tmp/synthvenv/bin/python tools/make_event.py --acronyms --name event_acronyms --out /work/cache/event
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_sample  # noqa: E402  (the voice, trimming and MP3 encoding)

SR = make_sample.SR
SENT_GAP, TURN_GAP, LEAD_IN, TAIL = (0.25, 0.6), (0.8, 1.4), 0.5, 1.0

# id -> full name, role (None: not in the metadata), median F0 (Hz), formant ratio
SPEAKERS = {
    "Ann": ("Ann Lee", "Research Fellow, Open Shelves", 205.0, 1.15),
    "Audience 1": ("Audience 1", None, 112.0, 1.0),
    "Audience 2": ("Audience 2", None, 168.0, 1.08),
}

DECK = """
open shelves

Digital drop-ins in community libraries: findings from a year of sessions

Dr Ann Lee

14th March 2026

Regional library network conference

Presentation outline

- > About the project
- > Who came and what they wanted
- > Barriers and the role of volunteers
- > Key messages and next steps
- > Questions

About the project

- > A year of **weekly digital drop-in sessions** in twelve community libraries across the region, run with local volunteers and funded by the county council.
- > We recorded every visit, interviewed learners and volunteers, and ran two workshops with library managers to test what we found.

open shelves

Who came to the sessions

- > Over **three thousand visits** from about nine hundred people; most were over sixty-five, and one in five had never used the internet at all.
- > A growing number of younger adults came for help with job applications, benefit claims and housing forms.

What people wanted help with

- > Health: booking appointments, repeat prescriptions and the NHS App.
- > Money and work: online banking, universal credit and job searches.
- > Staying in touch: video calls with family, email and photographs.

open shelves

Barriers to getting online

- > **Confidence** was a bigger barrier than cost or access; many learners were afraid of making a mistake they could not undo.
- > Scams and fraud were a constant worry, and passwords were the most common reason for a repeat visit.

The role of volunteers

- > Volunteers gave **time and patience**: most sessions were one to one and lasted up to an hour.
- > Training, a clear role description and a named contact at the library kept volunteers coming back.

Voices of learners: data from interviews

\u201cI was frightened to press anything in case I broke it, and now I book my own appointments every month without asking my daughter.\u201d

Learner, aged 78

\u201cThe volunteer never once made me feel stupid, and that is why I kept coming back every single Tuesday.\u201d

Learner, aged 64

open shelves

Lending devices

- > Tablets and data dongles were lent for up to four weeks to learners without a device at home.

Partnerships with health services

- > Three GP surgeries referred patients to the sessions to help them use the NHS App and online repeat prescriptions.
- > Surgeries reported fewer phone calls for routine requests from the patients who came.

Costs and funding

- > The average cost of a session was under forty pounds, most of it staff time for coordination.

Key messages for library services

- > Start with the person's own goal, not with the device.
- > Invest in volunteers: recruitment, training and recognition.
- > Work with local partners who already see the people who are offline.

open shelves

Next steps

- > A toolkit for library managers, published in the summer, and a second year of sessions in six more libraries.

References

- > Good Things Foundation (2025) Digital Nation. Sheffield: Good Things Foundation.
- > Office for National Statistics (2024) Internet users, UK.

Questions?
"""

# (speaker, slide title this turn opens with or None, [sentences])
SCRIPT = [
    ("Ann", None, [
        "Good morning everyone, and thank you for coming.",
        "My name is Ann Lee, I'm a research fellow at Open Shelves, and I'm going to talk about "
        "what we learned from a year of digital drop-in sessions in community libraries.",
    ]),
    ("Ann", "Presentation outline", [
        "Here is an outline of the presentation.",
        "I'll say a little about the project, then who came and what they wanted, the barriers "
        "people face and the part volunteers play, and finish with our key messages and next steps, "
        "leaving time for your questions.",
    ]),
    ("Ann", "About the project", [
        "So first, about the project itself.",
        "For a whole year we ran weekly digital drop-in sessions in twelve community libraries "
        "across the region, staffed by local volunteers and funded by the county council.",
        "We recorded every visit, we interviewed learners and volunteers, and we held two workshops "
        "with library managers to test what we were finding.",
    ]),
    ("Ann", "Who came to the sessions", [
        "So who came to the sessions?",
        "We counted more than three thousand visits from about nine hundred people.",
        "Most of them were over sixty-five, and one in five had never been online at all.",
        "But over the year we saw more and more younger adults coming in for help with job "
        "applications, benefit claims and housing forms.",
    ]),
    ("Ann", "What people wanted help with", [
        "What did people want help with?",
        "Health came first: booking a doctor's appointment, ordering repeat prescriptions and "
        "setting up the NHS App.",
        "Then money and work, so online banking, universal credit and searching for jobs.",
        "And a lot of people simply wanted to stay in touch, with video calls to their "
        "grandchildren, email and sharing photographs.",
    ]),
    ("Ann", "Barriers to getting online", [
        "Now let me turn to the barriers to getting online.",
        "The biggest barrier was not the cost of a device or of broadband, it was confidence.",
        "Many learners told us they were afraid of making a mistake that they could not undo.",
        "Scams and fraud worried almost everyone, and forgotten passwords were the most common "
        "reason for coming back a second time.",
    ]),
    ("Ann", "The role of volunteers", [
        "This is where the volunteers made all the difference.",
        "What volunteers gave was time and patience.",
        "Most sessions were one to one, and some lasted up to an hour.",
        "The volunteers who stayed with us had proper training, a clear description of their role, "
        "and a named contact at the library they could turn to.",
    ]),
    ("Ann", "Voices of learners: data from interviews", [
        "I want to share some of the voices of learners from our interviews.",
        "One woman of seventy-eight told us she used to be frightened to press anything in case she "
        "broke it, and that she now books her own appointments every month.",
        "Another learner said the volunteer never once made her feel stupid, and that was why she "
        "kept coming back every Tuesday.",
    ]),
    ("Ann", "Partnerships with health services", [
        "We also built partnerships with health services.",
        "Three GP surgeries referred patients to the drop-ins so that they could learn to use the "
        "NHS App and order their prescriptions online.",
        "The surgeries told us they had fewer phone calls for routine requests from the patients "
        "who came to us.",
    ]),
    ("Ann", "Key messages for library services", [
        "So what are the key messages for library services?",
        "Start with the person's own goal, not with the device.",
        "Invest in your volunteers, in how you recruit them, train them and thank them.",
        "And work with local partners who already see the people who are offline.",
    ]),
    ("Ann", "Next steps", [
        "As for next steps, we are writing a toolkit for library managers, which will be published "
        "in the summer.",
        "And the sessions will continue for a second year, in six more libraries.",
        "Thank you for listening, and I'm happy to take your questions.",
    ]),
    ("Audience 1", "Questions?", [
        "Thank you, that was really interesting.",
        "How did you keep volunteers from burning out when the sessions were so busy?",
    ]),
    ("Ann", None, [
        "That's a great question.",
        "We capped each volunteer at one morning a fortnight, and we always had a member of staff "
        "on hand so that nobody was left on their own with a difficult case.",
    ]),
    ("Audience 2", None, [
        "Did you find any difference between the rural libraries and the ones in town?",
    ]),
    ("Ann", None, [
        "Yes, in the rural libraries fewer people came, but they stayed longer and came back more often.",
        "Transport was the main problem there, so some volunteers started visiting people at home.",
        "Thank you all very much.",
    ]),
]

# --acronyms: sentences added after the sentence given, so that the presenter defines two
# acronyms ("digital volunteer advisers, which I'll refer to as DVAs": Whisper base hears
# "DBAs"; "community learning partnerships ... CLPs") and uses them later in the talk.
ACRONYM_LINES = {
    "We recorded every visit, we interviewed learners and volunteers, and we held two workshops "
    "with library managers to test what we were finding.": [
        "We worked closely with the community learning partnerships, which I'll refer to as CLPs.",
    ],
    "This is where the volunteers made all the difference.": [
        "We trained forty digital volunteer advisers, which I'll refer to as DVAs.",
        "The CLPs helped us to recruit them.",
    ],
    "Most sessions were one to one, and some lasted up to an hour.": [
        "Our DVAs kept a short note of every session.",
    ],
    "Invest in your volunteers, in how you recruit them, train them and thank them.": [
        "Every library should have DVAs, and the CLPs are the place to find them.",
    ],
    "That's a great question.": [
        "Our DVAs told us what kept them going.",
    ],
}
ACRONYMS = {"DVA": "digital volunteer advisers", "CLP": "community learning partnerships"}

TITLE = "Digital drop-ins in community libraries: findings from a year of sessions"
SUMMARY = ("A talk at the regional library network conference on what a year of digital drop-in "
           "sessions in community libraries taught us about getting people online.")


def with_acronyms(script: list) -> list:
    """The talk with the sentences of ACRONYM_LINES added where they belong."""
    out = []
    for speaker, slide, texts in script:
        out.append((speaker, slide, [t for text in texts for t in [text, *ACRONYM_LINES.get(text, [])]]))
    added = sum(len(t) for _, _, t in out) - sum(len(t) for _, _, t in script)
    assert added == sum(map(len, ACRONYM_LINES.values())), "an ACRONYM_LINES anchor is not in the talk"
    return out


def build(seed: int, log, script: list = SCRIPT) -> dict:
    rng = np.random.default_rng(seed)
    voice = make_sample.Voice(seed)
    pieces = [np.zeros(int(LEAD_IN * SR), np.float32)]
    cursor = len(pieces[0])
    turns, sentences, previous = [], [], None
    for speaker, slide, texts in script:
        turn = {"index": len(turns), "speaker": speaker, "slide": slide, "sentences": []}
        for k, text in enumerate(texts):
            if cursor > len(pieces[0]):
                lo, hi = TURN_GAP if (k == 0 and (speaker != previous or slide)) else SENT_GAP
                gap = int(round(rng.uniform(lo, hi) * SR))
                pieces.append(np.zeros(gap, np.float32))
                cursor += gap
            _, _, f0, formant = SPEAKERS[speaker]
            y, _ = voice.say_as(text, f0, formant)
            sentence = {"index": len(sentences), "turn": turn["index"], "speaker": speaker,
                        "start": round(cursor / SR, 3), "end": round((cursor + len(y)) / SR, 3), "text": text}
            turn["sentences"].append(sentence)
            sentences.append(sentence)
            pieces.append(y)
            cursor += len(y)
        previous = speaker
        turns.append(turn)
        log(f"turn {turn['index']} ({speaker}, {slide}): ends {cursor / SR:.1f} s")
    pieces.append(np.zeros(int(TAIL * SR), np.float32))
    return {"audio": np.concatenate(pieces), "turns": turns, "sentences": sentences}


def words_of(sentences: list[dict], chapter_of_turn: dict[int, int]) -> list[dict]:
    """Reference words: each sentence's span shared among its words by character length."""
    words = []
    for s in sentences:
        tokens = s["text"].split()
        total = sum(len(t) for t in tokens)
        at = s["start"]
        for t in tokens:
            length = (s["end"] - s["start"]) * len(t) / total
            words.append({"word": t, "start": round(at, 3), "end": round(at + length, 3), "speaker": s["speaker"],
                          "sentence": s["index"], "turn": s["turn"], "chapter": chapter_of_turn[s["turn"]]})
            at += length
    return words


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--name", default="event_talk")
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--acronyms", action="store_true",
                    help="the presenter also defines two acronyms and uses them (see ACRONYM_LINES)")
    args = ap.parse_args(argv)
    t0 = time.time()
    script = with_acronyms(SCRIPT) if args.acronyms else SCRIPT
    res = build(args.seed, lambda m: print(m, file=sys.stderr, flush=True), script)
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / args.name
    make_sample.encode_mp3(res["audio"], base.with_suffix(".mp3"))
    duration = round(len(res["audio"]) / SR, 3)

    chapters, chapter_of_turn = [], {}
    for turn in res["turns"]:
        if turn["slide"] or not chapters:
            chapters.append({"index": len(chapters), "heading": turn["slide"], "start": turn["sentences"][0]["start"],
                             "first_turn": turn["index"]})
        chapter_of_turn[turn["index"]] = len(chapters) - 1
    for c, nxt in zip(chapters, chapters[1:] + [None]):
        c["end"] = nxt["start"] if nxt else duration
    (base.parent / f"{args.name}.chapters.json").write_text(json.dumps(chapters, indent=1) + "\n")
    (base.parent / f"{args.name}.words.json").write_text(
        json.dumps(words_of(res["sentences"], chapter_of_turn), indent=1) + "\n")
    (base.parent / f"{args.name}.rttm").write_text("".join(
        f"SPEAKER {args.name} 1 {s['start']:.3f} {s['end'] - s['start']:.3f} <NA> <NA> {s['speaker']} <NA> <NA>\n"
        for s in res["sentences"]))
    participants = [{"first": sid, "full_name": name, "display_name": name, "role": role, "is_host": False}
                    for sid, (name, role, *_) in SPEAKERS.items()]
    (base.parent / f"{args.name}.meta.json").write_text(json.dumps(
        {"name": args.name, "title": TITLE, "duration_s": duration, "participants": participants,
         "synthetic": True, "seed": args.seed, "skipped_slides": ["Lending devices", "Costs and funding", "References"],
         "defined_acronyms": ACRONYMS if args.acronyms else {}},
        indent=1) + "\n")
    (base.parent / f"{args.name}.deck.txt").write_text(DECK.lstrip("\n"), encoding="utf-8")
    (base.parent / f"{args.name}.toml").write_text(
        f"title = {json.dumps(TITLE)}\npublished = 2026-03-14\nsummary = {json.dumps(SUMMARY)}\n\n"
        '[[participants]]\nname = "Dr Ann Lee"\nrole = "Research Fellow, Open Shelves"\nhost = false\n',
        encoding="utf-8")
    print(f"{base}.mp3: {duration:.1f} s, {len(res['sentences'])} sentences, {len(chapters)} chapters, "
          f"{time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
