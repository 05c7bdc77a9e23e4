"""What people say that tells who speaks: introductions, people spoken to, thanks, hand-overs.

Each cue is a rule over a turn's words (or spaCy's parse of its first words),
with its weight in ``NamingOptions``:

- "I'm Jo Todd" / "my name is ..." near the start of a turn: the turn is Jo's
  (``is_intro``, ``introduced_names``);
- a name spoken to, not about (``addressed``), points at a neighbouring turn
  (``spoken_to``): "over to you, Jo" and a name opening a welcome or a question
  at the next one, "Thank you, Olumide" opening a turn at the previous one, a
  name near the end of a turn (a hand-over) at the next;
- without metadata, the names spoken to are people to name (``vocative_names``);
  a name only talked about ("we spoke to Adam last week") is nobody to name.

``naming`` sums the evidence and names the voices.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Transcript
from ..vocabulary.terms import HONORIFICS

_INTRO = (("i'm",), ("i", "am"), ("name's",), ("name", "is"), ("called",), ("this", "is"), ("it's",))
_THANKS = {"thank", "thanks", "thankyou", "cheers"}
# a name after these words, or before those, is talked about rather than talked to ("what Jo was saying")
_ABOUT_BEFORE = {"what", "as", "like", "from", "with", "about", "of", "by", "that", "agree", "and", "when", "if"}
_ABOUT_AFTER = {"was", "has", "had", "is", "said", "says", "mentioned", "talked", "made", "raised", "just", "and",
                "did", "does", "will", "would've", "who", "were"}


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
    # With as many voices as the metadata lists participants and all but one named on evidence, the
    # last voice is the one participant left (unless its evidence is against them).
    by_elimination: bool = True
    head_words: int = 40  # how far into a turn an introduction is looked for
    edge_words: int = 25  # the end (or start) of a turn where hand-overs (thanks) are
    name_similarity: float = 0.8  # difflib ratio for a recognised word to match a name


def clean(word: str) -> str:
    return word.strip(".,;:!?\"'()").replace("’", "'")


def is_intro(words: list[str], i: int) -> bool:
    before = [t.lower().replace("’", "'").strip(".,;:!?\"") for t in words[max(0, i - 3):i]]
    return _ends_with(before, _INTRO)


def _ends_with(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Do ``words`` (lower case) end with one of ``phrases``?"""
    return any(tuple(words[-len(p):]) == p for p in phrases if len(words) >= len(p))


def starts_sentence(words: list[str], i: int) -> bool:
    """The introduction phrase before word ``i`` opens a sentence."""
    for k in range(i - 1, max(-1, i - 4), -1):
        if k == 0 or words[k - 1].endswith((".", "?", "!")):
            return True
    return False


def addressed(words: list[str], i: int) -> bool:
    """The name at ``i`` (possibly followed by a surname) is spoken to, not about."""
    j = _name_end(words, i)  # not across a sentence end: "Thank you, Olumide. That is..." has no surname "That"
    if clean(words[j]).lower().endswith("'s"):
        return False
    before = clean(words[i - 1]).lower() if i else ""
    after = clean(words[j + 1]).lower() if j + 1 < len(words) and not words[j].endswith((",", ".", "?", "!")) else ""
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
    follows = i + 1 < len(words) and clean(words[i + 1])[:1].isupper()
    return i + 1 if follows and not words[i].endswith((",", ".", "?", "!")) else i


def _opening(words: list[str], i: int) -> str | None:
    """How the name at ``i`` opens its turn: "vocative" ("Lisa, ..." or "Hi Dr Adisa, ..."),
    "thanks" ("Thank you, Olumide"), or None when it does not open it."""
    if any(w.endswith((".", "?", "!")) for w in words[:i]):
        return None
    before = [clean(w).lower().rstrip(".") for w in words[:i]]
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
    while h and clean(words[h - 1]).lower().rstrip(".") in HONORIFICS:  # "over to you, Dr Adisa"
        h -= 1
    phrase = words[max(0, h - 3):h]
    if tuple(clean(w).lower() for w in phrase) == _OVER and not any(w.endswith((".", "?", "!")) for w in phrase):
        return True
    j = _name_end(words, i)
    return words[j].endswith(",") and tuple(clean(w).lower() for w in words[j + 1:j + 4]) == _OVER


def _quote(words: list[str], start: int, end: int, limit: int = 12) -> str:
    """Words ``[start, end)`` for a reason string, cut after ``limit`` words."""
    text = " ".join(words[max(0, start):min(end, start + limit)])
    return text + " ..." if end > start + limit else text


def _question_quote(words: list[str], i: int) -> str:
    """The name's sentence and the closing question, quoted: '"Kyla, good point." ... "what do you think?"'."""
    opened, asked = _sentence(words, i), _sentence(words, len(words) - 1)
    question = f'"{_quote(words, *asked)}"'
    return question if opened == asked else f'"{_quote(words, opened[0], opened[1], 6)}" ... {question}'


def spoken_to(words: list[str], i: int, tail: int, named_after: bool,
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


def said_in_lower_case(doc: Transcript) -> set[str]:
    """Words the transcript spells in lower case somewhere: common words, not names ("Brilliant, ...")."""
    return {clean(w.text).lower() for w in doc.words if clean(w.text)[:1].islower()}


def handover_snippets(turn_words: list[list[str]], head_words: int) -> list[str]:
    """A few words around each "over to you" past the first ``head_words`` of a turn."""
    return [" ".join(words[max(0, k - 4):k + 7]) for words in turn_words
            for k in range(max(0, head_words - 3), len(words) - 2)
            if tuple(clean(w).lower() for w in words[k:k + 3]) == _OVER]


# words that open a turn ("Brilliant, ...", "Yep, ...") or follow "thank you," that the small
# tagger has been seen to call a name (PROPN, even PERSON)
_NOT_NAMES = frozenset("yep yeah yes yup mhm mm hmm um uh okay ok alright brilliant cheers cool perfect lovely "
                       "excellent fantastic great gosh folks thanks thank nice interesting sure right wow welcome "
                       "everyone everybody guys listeners".split())


def vocative_names(parsed, said_lower: set[str], opening: bool) -> list[str]:
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
INTRO_HINT = re.compile(r"(?i:\bmy name(?:'s|’s| is)|\bi'm|\bi’m|\bi am|\bcalled)\s+[A-Z]")


def introduced_names(parsed) -> list[str]:
    """The names a parsed text introduces: a PERSON after "I'm", "my name is" and the like,
    and whatever capitalised words follow "my name is" / "called"."""
    names = [ent.text for ent in parsed.ents if ent.label_ == "PERSON" and _introduces(parsed, ent)]
    return [name.strip(" ,.") for name in names + _named_as(parsed)]


def _introduces(parsed, ent) -> bool:
    before = parsed.text[:ent.start_char].split()[-3:]
    return is_intro(before + [ent.text], len(before))


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
