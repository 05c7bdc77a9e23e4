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

from .document import EpisodeMeta, Transcript
from .errors import UserError
from .vocabulary.terms import HONORIFICS

_INTRO = (("i'm",), ("i", "am"), ("name's",), ("name", "is"), ("called",), ("this", "is"), ("it's",))
_THANKS = {"thank", "thanks", "thankyou", "cheers"}
# a name after these words, or before those, is talked about rather than talked to ("what Jo was saying")
_ABOUT_BEFORE = {"what", "as", "like", "from", "with", "about", "of", "by", "that", "agree", "and", "when", "if"}
_ABOUT_AFTER = {"was", "has", "had", "is", "said", "says", "mentioned", "talked", "made", "raised", "just", "and",
                "did", "does", "will", "would've", "who", "were"}
_TOKEN = re.compile(r"[^\w'’-]+")


@dataclass(frozen=True)
class NamingOptions:
    intro_weight: float = 3.0  # "I'm Jo Todd" / "my name is ..." in the first words of a turn
    role_weight: float = 2.0  # "I'm the director of ..." matching a participant's role
    handover_weight: float = 1.0  # a name near the end of a turn: the next turn is theirs
    thanks_weight: float = 1.0  # "Thank you, Olumide" at the start: the previous turn was theirs
    # "Lisa, thanks for joining us" / "Lisa, welcome to the show": a name opening a turn that welcomes
    # is the next speaker's; often the only cue in a two-person interview, so it passes min_score alone
    welcome_weight: float = 2.0
    question_weight: float = 2.0  # "Kyla, ... what do you think?": a turn that opens with a name ends with a question
    over_weight: float = 2.0  # "over to you, Jo" / "Jo, over to you": the next turn is Jo's
    vocative_people: bool = True  # without metadata, people spoken to by name ("Lisa, thanks...") are named too
    mention_penalty: float = 1.0  # a name said inside a turn: that turn is someone else's
    host_weight: float = 1.0  # the host opens and closes
    voice_weight: float = 4.0  # times (similarity - threshold) / (1 - threshold)
    voice_threshold: float = 0.80  # cosine similarity to a library voice that counts at all
    min_score: float = 2.0  # a voice needs at least this much evidence to be named
    head_words: int = 40  # how far into a turn an introduction is looked for
    edge_words: int = 25  # the end (or start) of a turn where hand-overs (thanks) are
    name_similarity: float = 0.8  # difflib ratio for a recognised word to match a name


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
        token = _clean(raw)
        if not token[:1].isupper():
            continue
        for p in people:
            if any(_matches(token, key, options) for key in p.keys()):
                surname = p.surname and _matches(token, p.surname.lower(), options)
                start = i - 1 if surname and i and _clean(words[i - 1])[:1].isupper() else i
                if found and found[-1][1] == p and found[-1][0] >= start - 1:
                    break  # the surname of the name just found
                found.append((start, p))
                break
    return found


def _clean(word: str) -> str:
    return word.strip(".,;:!?\"'()").replace("’", "'")


def _is_intro(words: list[str], i: int) -> bool:
    before = [t.lower().replace("’", "'").strip(".,;:!?\"") for t in words[max(0, i - 3):i]]
    return _ends_with(before, _INTRO)


def _ends_with(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Do ``words`` (lower case) end with one of ``phrases``?"""
    return any(tuple(words[-len(p):]) == p for p in phrases if len(words) >= len(p))


def _starts_sentence(words: list[str], i: int) -> bool:
    """The introduction phrase before word ``i`` opens a sentence."""
    for k in range(i - 1, max(-1, i - 4), -1):
        if k == 0 or words[k - 1].endswith((".", "?", "!")):
            return True
    return False


def _addressed(words: list[str], i: int) -> bool:
    """The name at ``i`` (possibly followed by a surname) is spoken to, not about."""
    j = _name_end(words, i)  # not across a sentence end: "Thank you, Olumide. That is..." has no surname "That"
    if _clean(words[j]).lower().endswith("'s"):
        return False
    before = _clean(words[i - 1]).lower() if i else ""
    after = _clean(words[j + 1]).lower() if j + 1 < len(words) and not words[j].endswith((",", ".", "?", "!")) else ""
    return before not in _ABOUT_BEFORE and after not in _ABOUT_AFTER


def _is_thanks(words: list[str], i: int) -> bool:
    before = {t.lower().strip(".,;:!?\"") for t in words[max(0, i - 3):i]}
    vocative = i <= 8 and words[i].endswith((",", ".", "?", "!"))
    return bool(before & _THANKS) or vocative


_GREETINGS = {"hi", "hello", "hey"}  # may come before a name that opens a turn ("Hi Lisa, welcome")
# "thank you, Olumide" at the very start of a turn
_THANK_OPENINGS = (("thank", "you"), ("thanks",), ("thankyou",), ("cheers",), ("thank", "you", "so", "much"),
                   ("thanks", "so", "much"), ("thank", "you", "very", "much"), ("thanks", "very", "much"))
_OVER = ("over", "to", "you")
# thanks for coming, not for what was said ("thanks for joining us"), or a welcome ("welcome to the show")
_WELCOME = re.compile(r"\b(?:thanks?|thank you)\b[\w\s,']{0,30}?\bfor (?:joining|being (?:here|with|on)|coming"
                      r"|taking (?:the|some|your) time|making (?:the|some) time)"
                      r"|(?<!you're )(?<!you are )\bwelcome\b")


def _name_end(words: list[str], i: int) -> int:
    """The last word of the name starting at ``i``: its surname, when one follows without a comma."""
    follows = i + 1 < len(words) and _clean(words[i + 1])[:1].isupper()
    return i + 1 if follows and not words[i].endswith((",", ".", "?", "!")) else i


def _opening(words: list[str], i: int) -> str | None:
    """How the name at ``i`` opens its turn: "vocative" ("Lisa, ..." or "Hi Dr Adisa, ..."),
    "thanks" ("Thank you, Olumide"), or None when it does not open it."""
    if any(w.endswith((".", "?", "!")) for w in words[:i]):
        return None
    before = [_clean(w).lower().rstrip(".") for w in words[:i]]
    while before and before[-1] in HONORIFICS:
        before.pop()
    end = _name_end(words, i)
    if all(w in _GREETINGS for w in before) and (words[end].endswith(",") or _welcome_follows(words[end + 1:end + 7])):
        return "vocative"
    return "thanks" if tuple(before) in _THANK_OPENINGS else None


# a welcome straight after a name marks it as spoken to even when the recogniser wrote no comma
# ("Lisa thanks for joining us", "Jo welcome to the show")
_WELCOME_START = re.compile(r"^(?:thanks?|thank you|welcome)\b")


def _welcome_follows(after: list[str]) -> bool:
    text = " ".join(after).lower().replace("’", "'")
    return bool(_WELCOME_START.match(text) and _WELCOME.search(text))


def _sentence(words: list[str], i: int) -> tuple[int, int]:
    """The ``[start, end)`` words of the sentence holding word ``i``."""
    start = max([k + 1 for k in range(i) if words[k].endswith((".", "?", "!"))] + [0])
    end = next((k + 1 for k in range(i, len(words)) if words[k].endswith((".", "?", "!"))), len(words))
    return start, end


def _welcomes(words: list[str], i: int) -> bool:
    """The sentence of the name at ``i`` welcomes someone: only that sentence, so "Thank you, Jo.
    And welcome to the listeners" is still thanks to Jo."""
    start, end = _sentence(words, i)
    return bool(_WELCOME.search(" ".join(words[start:end]).lower().replace("’", "'")))


def _handed_over(words: list[str], i: int) -> bool:
    """"over to you, Jo" or "Jo, over to you", in one sentence."""
    h = i
    while h and _clean(words[h - 1]).lower().rstrip(".") in HONORIFICS:  # "over to you, Dr Adisa"
        h -= 1
    phrase = words[max(0, h - 3):h]
    if tuple(_clean(w).lower() for w in phrase) == _OVER and not any(w.endswith((".", "?", "!")) for w in phrase):
        return True
    j = _name_end(words, i)
    return words[j].endswith(",") and tuple(_clean(w).lower() for w in words[j + 1:j + 4]) == _OVER


def _quote(words: list[str], start: int, end: int, limit: int = 12) -> str:
    """Words ``[start, end)`` for a reason string, cut after ``limit`` words."""
    text = " ".join(words[max(0, start):min(end, start + limit)])
    return text + " ..." if end > start + limit else text


def _question_quote(words: list[str], i: int) -> str:
    """The name's sentence and the closing question, quoted: '"Kyla, good point." ... "what do you think?"'."""
    opened, asked = _sentence(words, i), _sentence(words, len(words) - 1)
    question = f'"{_quote(words, *asked)}"'
    return question if opened == asked else f'"{_quote(words, opened[0], opened[1], 6)}" ... {question}'


def _spoken_to(words: list[str], i: int, tail: int, named_after: bool,
               options: NamingOptions) -> tuple[int, float, str] | None:
    """Whose turn the name at ``i``, spoken to, points at: (turn offset, weight, reason), or None.

    The explicit cues come first: "over to you", then a name opening a welcome or a
    question (the next turn), then "Thank you, X" opening the turn (the previous one);
    then a name near the end (a hand-over) or a vocative near the start (thanks).
    """
    quote, sentence = " ".join(words[max(0, i - 4):i + 3]), _quote(words, *_sentence(words, i))
    if _handed_over(words, i):
        return 1, options.over_weight, f'handed over to: "{sentence}"'
    opening = _opening(words, i)
    if opening and _welcomes(words, i):
        return 1, options.welcome_weight, f'welcomed before: "{sentence}"'
    if opening == "vocative" and words[-1].endswith("?") and not named_after:
        return 1, options.question_weight, f"asked before: {_question_quote(words, i)}"
    if opening == "thanks":
        return -1, options.thanks_weight, f'thanked after: "{quote}"'
    if i >= tail:
        return 1, options.handover_weight, f'hand-over before: "{quote}"'
    if i < options.edge_words and _is_thanks(words, i) and not _welcomes(words, i):
        return -1, options.thanks_weight, f'thanked after: "{quote}"'
    return None


def turn_evidence(index: int, words: list[str], people: list[Person], options: NamingOptions) -> list[Evidence]:
    """What one turn's words say about who speaks it, the turn before and the turn after."""
    out: list[Evidence] = []
    n = len(words)
    last_sentence = max((k + 1 for k in range(n - 1) if words[k].endswith((".", "?", "!"))), default=0)
    tail = min(n - options.edge_words, last_sentence)
    found = mentions(words, people, options)
    intros = [i for i, _ in found if _is_intro(words, i) and (i < options.head_words or _starts_sentence(words, i))]
    for i, p in found:
        quote = " ".join(words[max(0, i - 4):i + 3])
        if i in intros:  # an introduction speaks for the words up to the next one
            end = min([k for k in intros if k > i] + [n])
            start = max([k + 1 for k in range(max(0, i - 4), i) if words[k].endswith((".", "?", "!"))] + [0])
            out.append(Evidence(index, p.name, options.intro_weight, f'introduces themself: "{quote}"', (start, end)))
            continue
        out.append(Evidence(index, p.name, -options.mention_penalty, f'names {p.first}: "{quote}"'))
        if not _addressed(words, i):
            continue
        named_after = any(k > i and q != p for k, q in found)  # "Jo, good point. Kyla, what do you think?"
        cue = _spoken_to(words, i, tail, named_after, options)
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
    from scipy.optimize import linear_sum_assignment

    if scores.size == 0:
        return {}
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return {int(r): int(c) for r, c in zip(rows, cols) if scores[r, c] >= min_score}


def name_speakers(doc: Transcript, options: NamingOptions = NamingOptions(),
                  voice_scores: dict[tuple[str, str], float] | None = None,
                  extra_people: list[Person] | None = None) -> Transcript:
    """Rename the anonymous speakers of ``doc`` where the evidence allows, keeping it."""
    people = people_of(doc.meta) + list(extra_people or [])
    ids = [s.id for s in doc.speakers]
    evidence = collect_evidence(doc, people, options)
    scores = score_matrix(doc, evidence, ids, people, voice_scores)
    chosen = assign_names(scores, options.min_score)
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
    is spoken to (see ``_vocative_names``).  A name merely mentioned ("we spoke
    to Adam") is nobody to name.
    """
    from . import nlp

    turn_words = [[w.text for w in doc.words[t.start:t.end]] for t in doc.turns]
    heads = [" ".join(words[:options.head_words]) for words in turn_words]
    pipeline = nlp.load(exclude=("parser", "lemmatizer"))
    found: dict[str, Person] = {}
    first_turn = None  # the turn of the first self-introduction
    addressed: list[str] = []
    said_lower = _said_in_lower_case(doc) if options.vocative_people else set()
    for n, parsed in enumerate(pipeline.pipe(heads)):
        names = _introduced_names(parsed)
        if names and first_turn is None:
            first_turn = n
        for name in names:
            found.setdefault(name.lower(), person(name))
        if options.vocative_people:
            addressed += _vocative_names(parsed, said_lower, opening=True)
    if options.vocative_people:  # "over to you, Jo" past the first words of a long turn
        for parsed in pipeline.pipe(_handover_snippets(turn_words, options.head_words)):
            addressed += _vocative_names(parsed, said_lower, opening=False)
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


def _said_in_lower_case(doc: Transcript) -> set[str]:
    """Words the transcript spells in lower case somewhere: common words, not names ("Brilliant, ...")."""
    return {_clean(w.text).lower() for w in doc.words if _clean(w.text)[:1].islower()}


def _handover_snippets(turn_words: list[list[str]], head_words: int) -> list[str]:
    """A few words around each "over to you" past the first ``head_words`` of a turn."""
    return [" ".join(words[max(0, k - 4):k + 7]) for words in turn_words
            for k in range(max(0, head_words - 3), len(words) - 2)
            if tuple(_clean(w).lower() for w in words[k:k + 3]) == _OVER]


# words that open a turn ("Brilliant, ...", "Yep, ...") or follow "thank you," that the small
# tagger has been seen to call a name (PROPN, even PERSON)
_NOT_NAMES = frozenset("yep yeah yes yup mhm mm hmm um uh okay ok alright brilliant cheers cool perfect lovely "
                       "excellent fantastic great gosh folks thanks thank nice interesting sure right wow welcome "
                       "everyone everybody guys listeners".split())


def _vocative_names(parsed, said_lower: set[str], opening: bool) -> list[str]:
    """The names a parsed text speaks to: with ``opening`` (the text starts a turn) a name
    opening it before a comma ("Lisa, thanks ...", "Hi Dr Adisa, ...") or right after an
    opening "thank you," ("Thank you, Olumide."); anywhere, one before or after "over to
    you".  After "thank you," and "over to you," a capital letter already marks a name, so
    the tagger's word class is not needed there ("Olumide" is tagged an adverb)."""
    low = [t.lower_.replace("’", "'") for t in parsed]
    spans: list[tuple[int, int] | None] = []
    if opening:
        start = 1 if low and low[0] in _GREETINGS else 0
        span = _name_span(parsed, start, said_lower, loose=False)
        follows = span and span[1] < len(parsed) and (
            parsed[span[1]].text == "," or _welcome_follows([t.text for t in parsed[span[1]:span[1] + 8]]))
        spans.append(span if follows else None)
        for phrase in _THANK_OPENINGS:
            if tuple(low[:len(phrase)]) == phrase:
                k = len(phrase) + (len(parsed) > len(phrase) and parsed[len(phrase)].text == ",")
                spans.append(_name_span(parsed, k, said_lower, loose=True))
    for k in range(len(parsed) - 2):
        if tuple(low[k:k + 3]) != _OVER:
            continue
        after = k + 3 + (k + 3 < len(parsed) and parsed[k + 3].text == ",")
        spans.append(_name_span(parsed, after, said_lower, loose=True))
        if k and parsed[k - 1].text == ",":  # "Jo, over to you": the name ends at the comma
            spans.append(_name_ending(parsed, k - 1, said_lower))
    return [parsed[a:b].text for a, b in (s for s in spans if s)]


def _name_span(parsed, start: int, said_lower: set[str], loose: bool) -> tuple[int, int] | None:
    """``[start, end)`` tokens of a name at ``start``: honorifics, then one or two name words
    (a first name, a surname).  Never a title: a run of three or more capitalised words
    ("Houston We Have a Podcast") is a show, a book, a place, not a person."""
    k = start
    while k < len(parsed) and parsed[k].text[:1].isupper() and parsed[k].lower_.rstrip(".") in HONORIFICS:
        k += 1
    first = k
    while k < len(parsed) and k - first < 2 and _name_word(parsed[k], said_lower, loose or k > first):
        k += 1
    run = first
    while run < len(parsed) and _capitalised(parsed[run]):
        run += 1
    return (start, k) if k > first and run - first < 3 else None


def _name_ending(parsed, end: int, said_lower: set[str]) -> tuple[int, int] | None:
    """The name whose last word is just before token ``end`` ("Jo Todd" in "Jo Todd, over to you"):
    all the capitalised words before it but a sentence's first that is no name ("Thanks Jo, ..."),
    so that "Small Steps Giant Leaps, over to you" is a title, not "Giant Leaps"."""
    start = end
    while start and _capitalised(parsed[start - 1]) and parsed[start - 1].lower_.rstrip(".") not in HONORIFICS:
        start -= 1
    opens_sentence = start == 0 or parsed[start - 1].text in (".", "?", "!")
    if start < end and opens_sentence and not _name_word(parsed[start], said_lower, loose=False):
        start += 1
    while start and _capitalised(parsed[start - 1]) and parsed[start - 1].lower_.rstrip(".") in HONORIFICS:
        start -= 1
    span = _name_span(parsed, start, said_lower, loose=False)
    return span if span and span[1] == end else None


def _capitalised(token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and token.text != "I"


def _name_word(token, said_lower: set[str], loose: bool) -> bool:
    """A word that can be (part of) a name: capitalised, not a common word nor a place, show or
    organisation (GPE, ORG, WORK_OF_ART ...); a PERSON, or a proper noun, or anything capitalised
    when ``loose``, that the transcript never spells in lower case."""
    if not _capitalised(token) or (len(token.text) > 1 and token.text.isupper()):  # "NASA", "OK"
        return False
    if token.lower_ in _NOT_NAMES or token.lower_ in HONORIFICS or token.ent_type_ not in ("", "PERSON"):
        return False
    if token.ent_type_ == "PERSON":
        return True
    return not token.is_stop and (loose or token.pos_ == "PROPN") and token.lower_ not in said_lower


# where a self-introduction may be: an introducing phrase before a capital letter
_INTRO_HINT = re.compile(r"(?i:\bmy name(?:'s|’s| is)|\bi'm|\bi’m|\bi am|\bcalled)\s+[A-Z]")


def introduced_anywhere(doc: Transcript) -> list[Person]:
    """Everyone who introduces themselves anywhere in the words, whoever speaks them: before
    diarisation, the fewest voices there can be.  A first name said again with a surname
    ("I'm Des" ... "my name is Des Holmes") is one person."""
    from . import nlp

    text = " ".join(w.text for w in doc.words)
    snippets = [text[max(0, m.start() - 20):m.end() + 60] for m in _INTRO_HINT.finditer(text)]
    people: list[Person] = []
    for parsed in nlp.load(exclude=("parser", "lemmatizer")).pipe(snippets):
        for name in _introduced_names(parsed):
            new = person(name)
            if not any(new.first.lower() == p.first.lower() or (new.surname and new.surname == p.surname)
                       for p in people):
                people.append(new)
    return people


def _introduced_names(parsed) -> list[str]:
    """The names a parsed text introduces: a PERSON after "I'm", "my name is" and the like,
    and whatever capitalised words follow "my name is" / "called"."""
    names = [ent.text for ent in parsed.ents if ent.label_ == "PERSON" and _introduces(parsed, ent)]
    return [name.strip(" ,.") for name in names + _named_as(parsed)]


def _introduces(parsed, ent) -> bool:
    before = parsed.text[:ent.start_char].split()[-3:]
    return _is_intro(before + [ent.text], len(before))


_NAMING = (("name", "is"), ("name", "'s"), ("name's",), ("called",))  # what follows these is a name, whatever the tagger says


def _named_as(parsed) -> list[str]:
    """Capitalised words right after "my name is" / "I'm called" (up to three): the tagger
    may call an unfamiliar name a place ("Des Holmes" as GPE)."""
    out = []
    for i in range(len(parsed)):
        if not _ends_with([t.lower_.replace("’", "'") for t in parsed[max(0, i - 2):i]], _NAMING):
            continue
        j = i
        while j < min(i + 3, len(parsed)) and parsed[j].is_alpha and parsed[j].text[:1].isupper() and parsed[j].text != "I":
            j += 1
        if j > i:
            out.append(parsed[i:j].text)
    return out


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
