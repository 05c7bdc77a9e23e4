"""Names for voices: self-introductions, hand-overs, the host flag and the voice library.

Evidence ties a *turn* to a person: "I'm Jo Todd" (the turn is Jo's),
"Kyla, I think you were going to start..." at the end of a turn (the next
turn is Kyla's), "Thank you, Olumide" at the start (the previous turn was
Olumide's), and a name said anywhere else in a turn (that turn is *not*
that person's).  A name that opens a turn and is spoken to ("Lisa, thanks for
joining us", "Kyla, what do you think?") is the next speaker's, and so is one
handed "over to you".  The host usually opens and closes.  A known voice in
the voice library adds its cosine similarity.  All evidence is summed per
voice and resolved jointly by an optimal assignment (Hungarian); a voice
whose best score stays under ``min_score`` keeps its "Speaker N" label, so
a weak guess never becomes a confident wrong name.  Each named speaker
keeps the sentences that named it in ``Speaker.evidence``.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

import numpy as np

from .. import nlp
from ..document import EpisodeMeta, Transcript
from ..errors import UserError
from ..vocabulary.terms import HONORIFICS
from .cues import (INTRO_HINT, NamingOptions, addressed, clean, handover_snippets, introduced_names, is_intro,
                   said_in_lower_case, spoken_to, starts_sentence, vocative_names)

# the introductions need the named entities and the tags, not the parse or the lemmas
NAMES_ONLY = ("parser", "lemmatizer")
_TOKEN = re.compile(r"[^\w'’-]+")


@dataclass(frozen=True)
class Person:
    name: str  # full name as the metadata gives it
    first: str
    surname: str | None
    role: str | None = None
    host: bool = False

    def keys(self) -> tuple[str, ...]:
        return tuple(k.lower() for k in (self.first, self.surname) if k)


@dataclass(frozen=True)
class Evidence:
    turn: int
    person: str  # Person.name
    weight: float
    reason: str
    span: tuple[int, int] | None = None  # the words this is about, when narrower than the turn


def person(name: str, role: str | None = None, host: bool = False) -> Person:
    parts = [p for p in name.split() if p.strip(".").lower() not in HONORIFICS] or name.split()
    return Person(name=name, first=parts[0], surname=parts[-1] if len(parts) > 1 else None, role=role, host=host)


def people_of(meta: EpisodeMeta) -> list[Person]:
    return [person(p.name, p.role, p.host) for p in meta.participants]


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.split(text.replace("’", "'")) if t]


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _matches(token: str, key: str, options: NamingOptions) -> bool:
    """A recognised word is a name: equal, one edit off a short name, or close to a long one."""
    token = token.lower().removesuffix("'s")
    if token == key:
        return True
    if len(key) <= 4:  # "Des" for Dez, "Kala" for Kyla, "Joe" for Jo
        return token[:1] == key[:1] and _distance(token, key) <= 1
    return difflib.SequenceMatcher(None, token, key).ratio() >= options.name_similarity


def mentions(words: list[str], people: list[Person], options: NamingOptions) -> list[tuple[int, Person]]:
    """(index of the name's first word, person) for each capitalised word naming a participant.

    "Jo Todd" is one mention; a surname right after an unrecognised
    capitalised word ("Alamine Addissa") starts at that word.
    """
    found: list[tuple[int, Person]] = []
    for i, raw in enumerate(words):
        token = clean(raw)
        if not token[:1].isupper():
            continue
        for p in people:
            if any(_matches(token, key, options) for key in p.keys()):
                surname = p.surname and _matches(token, p.surname.lower(), options)
                start = i - 1 if surname and i and clean(words[i - 1])[:1].isupper() else i
                if found and found[-1][1] == p and found[-1][0] >= start - 1:
                    break  # the surname of the name just found
                found.append((start, p))
                break
    return found


def turn_evidence(index: int, words: list[str], people: list[Person], options: NamingOptions) -> list[Evidence]:
    """What one turn's words say about who speaks it, the turn before and the turn after."""
    out: list[Evidence] = []
    n = len(words)
    last_sentence = max((k + 1 for k in range(n - 1) if words[k].endswith((".", "?", "!"))), default=0)
    tail = min(n - options.edge_words, last_sentence)
    found = mentions(words, people, options)
    intros = [i for i, _ in found if is_intro(words, i) and (i < options.head_words or starts_sentence(words, i))]
    for i, p in found:
        quote = " ".join(words[max(0, i - 4):i + 3])
        if i in intros:  # an introduction speaks for the words up to the next one
            end = min([k for k in intros if k > i] + [n])
            start = max([k + 1 for k in range(max(0, i - 4), i) if words[k].endswith((".", "?", "!"))] + [0])
            out.append(Evidence(index, p.name, options.intro_weight, f'introduces themself: "{quote}"', (start, end)))
            continue
        out.append(Evidence(index, p.name, -options.mention_penalty, f'names {p.first}: "{quote}"'))
        if not addressed(words, i):
            continue
        named_after = any(k > i and q != p for k, q in found)  # "Jo, good point. Kyla, what do you think?"
        cue = spoken_to(words, i, tail, named_after, options)
        if cue:
            offset, weight, reason = cue
            out.append(Evidence(index + offset, p.name, weight, reason))
    out += _role_evidence(index, words, people, options)
    return out


def _role_evidence(index: int, words: list[str], people: list[Person], options: NamingOptions) -> list[Evidence]:
    head = " ".join(words[:options.head_words]).lower().replace("’", "'")
    if not re.search(r"\bi(?:'m| am) (?:the|a|an)\b", head):
        return []
    head_words = set(_tokens(head))
    out = []
    for p in people:
        role = {t for t in _tokens((p.role or "").lower()) if len(t) >= 4}
        if len(role) >= 2 and len(role & head_words) / len(role) >= 0.6:
            out.append(Evidence(index, p.name, options.role_weight, f"states the role of {p.first}"))
    return out


def collect_evidence(doc: Transcript, people: list[Person], options: NamingOptions = NamingOptions()) -> list[Evidence]:
    """Evidence from every turn's words, plus the host opening and closing."""
    evidence: list[Evidence] = []
    for t, turn in enumerate(doc.turns):
        words = [w.text for w in doc.words[turn.start:turn.end]]
        evidence += [replace(e, span=(turn.start + e.span[0], turn.start + e.span[1])) if e.span else e
                     for e in turn_evidence(t, words, people, options)]
    hosts = [p for p in people if p.host]
    if len(hosts) == 1 and doc.turns:
        evidence.append(Evidence(0, hosts[0].name, options.host_weight, "the host opens"))
        evidence.append(Evidence(len(doc.turns) - 1, hosts[0].name, options.host_weight, "the host closes"))
    return [e for e in evidence if 0 <= e.turn < len(doc.turns)]


def score_matrix(doc: Transcript, evidence: list[Evidence], speaker_ids: list[str], people: list[Person],
                 voice_scores: dict[tuple[str, str], float] | None = None) -> np.ndarray:
    """``[speaker, person]`` sums of evidence weight."""
    row = {s: i for i, s in enumerate(speaker_ids)}
    col = {p.name: j for j, p in enumerate(people)}
    scores = np.zeros((len(speaker_ids), len(people)))
    for e in evidence:
        speaker = doc.turns[e.turn].speaker
        if speaker in row and e.person in col:
            scores[row[speaker], col[e.person]] += e.weight
    for (speaker, name), value in (voice_scores or {}).items():
        if speaker in row and name in col:
            scores[row[speaker], col[name]] += value
    return scores


def assign_names(scores: np.ndarray, min_score: float) -> dict[int, int]:
    """Speaker row -> person column, jointly optimal, only where the evidence is strong enough."""
    from scipy.optimize import linear_sum_assignment  # scipy.optimize takes 0.6 s to import: only when voices are named

    if scores.size == 0:
        return {}
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return {int(r): int(c) for r, c in zip(rows, cols) if scores[r, c] >= min_score}


def _left_over(chosen: dict[int, int], scores, voices: int, listed: int) -> tuple[int, int] | None:
    """(voice, participant) when one voice is unnamed, one of the metadata's ``listed`` participants (the
    first columns of ``scores``) is unused, and the metadata lists as many people as there are voices."""
    if voices != listed or voices < 2:
        return None
    unnamed = [r for r in range(voices) if r not in chosen]
    unused = [c for c in range(listed) if c not in chosen.values()]
    if len(unnamed) == 1 and len(unused) == 1 and scores[unnamed[0], unused[0]] >= 0:
        return unnamed[0], unused[0]
    return None


def name_speakers(doc: Transcript, options: NamingOptions = NamingOptions(),
                  voice_scores: dict[tuple[str, str], float] | None = None,
                  extra_people: list[Person] | None = None) -> Transcript:
    """Rename the anonymous speakers of ``doc`` where the evidence allows, keeping it."""
    people = people_of(doc.meta) + list(extra_people or [])
    ids = [s.id for s in doc.speakers]
    evidence = collect_evidence(doc, people, options)
    scores = score_matrix(doc, evidence, ids, people, voice_scores)
    chosen = assign_names(scores, options.min_score)
    last = _left_over(chosen, scores, len(ids), len(people_of(doc.meta))) if options.by_elimination else None
    if last:
        chosen[last[0]] = last[1]
    speakers = []
    for r, speaker in enumerate(doc.speakers):
        if r not in chosen:
            speakers.append(replace(speaker, name=None, label=f"Speaker {r + 1}", role=None, is_host=False, evidence=()))
            continue
        p = people[chosen[r]]
        why = tuple(e.reason for e in evidence if e.person == p.name and e.weight > 0
                    and doc.turns[e.turn].speaker == speaker.id)
        voice = (voice_scores or {}).get((speaker.id, p.name))
        why += (f"voice library match (+{voice:.2f})",) if voice else ()
        if last and r == last[0]:
            why += (f"the one participant left: the metadata lists {len(ids)} and every other voice is named",)
        speakers.append(replace(speaker, name=p.name, label=p.first, role=p.role, is_host=p.host, evidence=why))
    return replace(doc, speakers=tuple(speakers))


def with_library(people: list[Person], library: dict, options: NamingOptions = NamingOptions()) -> list[Person]:
    """People who introduced themselves plus the library's voices; a library name
    ("Sheila Smith") replaces an introduced one it matches ("Sheila")."""
    known = [person(name) for name in library]
    kept = [p for p in people if not any(_matches(p.first, k.first.lower(), options) for k in known)]
    return kept + known


def introduced_people(doc: Transcript, options: NamingOptions = NamingOptions()) -> list[Person]:
    """People who introduce themselves by name, for episodes whose metadata lists nobody,
    then (``vocative_people``) those spoken to by name: "Lisa, thanks for joining us",
    "Thank you, Olumide", "over to you, Jo".  In an interview the guest is often only
    ever addressed, never introduced.

    Uses spaCy's PERSON entities on the first words of each turn; a name
    counts only where it follows "I'm", "my name is" and the like, or where it
    is spoken to (see ``vocative_names``).  A name merely mentioned ("we spoke
    to Adam") is nobody to name.
    """
    turn_words = [[w.text for w in doc.words[t.start:t.end]] for t in doc.turns]
    heads = [" ".join(words[:options.head_words]) for words in turn_words]
    pipeline = nlp.load()
    found: dict[str, Person] = {}
    first_turn = None  # the turn of the first self-introduction
    addressed: list[str] = []
    said_lower = said_in_lower_case(doc) if options.vocative_people else set()
    for n, parsed in enumerate(pipeline.pipe(heads, disable=NAMES_ONLY)):
        names = introduced_names(parsed)
        if names and first_turn is None:
            first_turn = n
        for name in names:
            found.setdefault(name.lower(), person(name))
        if options.vocative_people:
            addressed += vocative_names(parsed, said_lower, opening=True)
    if options.vocative_people:  # "over to you, Jo" past the first words of a long turn
        for parsed in pipeline.pipe(handover_snippets(turn_words, options.head_words)):
            addressed += vocative_names(parsed, said_lower, opening=False)
    people = list(found.values())
    if first_turn is not None and len(people) > 1:
        # who introduces themselves first and names the others in the same turn ("I'm Des,
        # and I'm joined by Jo Todd and Kyla Kirkpatrick") is the host
        turn = doc.turns[first_turn]
        named = {p.name for _, p in mentions([w.text for w in doc.words[turn.start:turn.end]], people, options)}
        if len(named - {people[0].name}) >= 1 and people[0].name in named:
            people[0] = replace(people[0], host=True)
    return _add_addressed(people, addressed, options)


def _add_addressed(people: list[Person], names: list[str], options: NamingOptions) -> list[Person]:
    """``people`` and, after them, the people spoken to: one who introduced themself ("I'm Jo
    Todd") is not added again as "Jo", and "Lisa" then "Lisa Smith" is one person, the fuller."""
    introduced = len(people)
    out = list(people)
    for name in names:
        new = person(name)
        same = [k for k, p in enumerate(out) if any(_matches(new.first, key, options) for key in p.keys())]
        if not same:
            out.append(new)
        elif same[0] >= introduced and new.surname and not out[same[0]].surname:
            out[same[0]] = new
    return out


def introduced_anywhere(doc: Transcript) -> list[Person]:
    """Everyone who introduces themselves anywhere in the words, whoever speaks them: before
    diarisation, the fewest voices there can be.  A first name said again with a surname
    ("I'm Des" ... "my name is Des Holmes") is one person."""
    text = " ".join(w.text for w in doc.words)
    snippets = [text[max(0, m.start() - 20):m.end() + 60] for m in INTRO_HINT.finditer(text)]
    people: list[Person] = []
    for parsed in nlp.load().pipe(snippets, disable=NAMES_ONLY):
        for name in introduced_names(parsed):
            new = person(name)
            if not any(new.first.lower() == p.first.lower() or (new.surname and new.surname == p.surname)
                       for p in people):
                people.append(new)
    return people


class RenameError(UserError, ValueError):
    """A --rename does not name a speaker of the episode."""


def parse_rename(text: str) -> tuple[str, str]:
    old, sep, new = text.partition("=")
    if not sep or not old.strip() or not new.strip():
        raise RenameError(f"--rename {text!r}: expected OLD=NEW, e.g. \"Speaker 2=Kyla Kirkpatrick\"")
    return old.strip(), new.strip()


def rename(doc: Transcript, old: str, new: str) -> Transcript:
    """Give the speaker called ``old`` (label, full name or id) the name ``new``."""
    key = old.casefold()
    hits = [s for s in doc.speakers if key in {s.id.casefold(), (s.label or "").casefold(), (s.name or "").casefold()}]
    if not hits:
        known = ", ".join(f"{s.display} ({s.id})" for s in doc.speakers) or "none"
        raise RenameError(f"no speaker called {old!r}; speakers are: {known}")
    p = next((q for q in people_of(doc.meta) if q.name.casefold() == new.casefold()), person(new))
    target = hits[0]
    updated = replace(target, name=p.name, label=p.first, role=p.role, is_host=p.host,
                      evidence=target.evidence + (f"renamed by an editor from {target.display!r}",))
    speakers = tuple(updated if s.id == target.id else s for s in doc.speakers)
    return replace(doc, speakers=speakers).with_revision("rename", f"{target.display} -> {p.name}")
