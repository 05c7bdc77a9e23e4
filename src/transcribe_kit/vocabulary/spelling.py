"""British spelling by rule, for the words the spelling list does not hold.

breame's American -> British list covers the common words; derived forms are
endless ("minimization", "operationalize", "centering", "flavorless"), so each
rule-shaped family is a rule here, with the exceptions beside it:

- ``-ize`` / ``-ization`` / ``-izing`` ... -> ``-ise`` ...: any stem of three
  letters or more (so *size*, *prize* and *seize* are never touched), except
  the words built on *size* and a few roots where ``-ize`` is not a suffix;
- ``-yze`` -> ``-yse`` (*analyze*, *paralyzing*);
- ``-er`` -> ``-re`` for the roots that take it (*center*, *theater*, *fiber*):
  *centering* -> *centring*;
- ``-or`` -> ``-our`` for the roots that take it, with their endings
  (*flavorful*, *multicolored*, *behavioral*), but not ``-orous`` / ``-orary`` /
  ``-orific`` / ``-orize``, which British spelling keeps (*humorous*, *honorary*);
- ``-ense`` -> ``-ence`` (*defense*, *offense*, *pretense*; *license* is left
  alone: British writes *licence* for the noun and *license* for the verb);
- a doubled ``l`` before ``-ed``, ``-ing``, ``-er`` (*traveled*, *modeling*,
  *counselor*), and the single ``l`` of *enrolment*, *fulfilment*, *skilful*.

``british(word)`` returns the British form of a lower-case word, or None when
no rule applies.  Names and titles never reach it (``style.respell`` skips them).
"""
from __future__ import annotations

import re

# words that end like an -ize verb but whose "ize" is part of the root
IZE_EXCEPTIONS = frozenset("size prize seize maize baize capsize assize".split())
_IZE = re.compile(r"^(?P<stem>[a-z]{3,})iz(?P<end>e|es|ed|ing|er|ers|ation|ations|ational|ationally|able|ability)$")
_YZE = re.compile(r"^(?P<stem>[a-z]{2,})yz(?P<end>e|es|ed|ing|er|ers)$")

# -er/-re: the roots, and the endings that follow.  Only center and theater take a prefix
# (epicenter, amphitheater): "bluster", "politer" and "limiter" end like luster, liter and miter.
RE_ROOTS = ("fib", "meag", "somb", "spect", "lust", "calib", "sab", "scept", "sepulch", "och", "goit",
            "reconnoit", "saltpet")
_RE = re.compile(rf"^(?:(?P<pre>[a-z]*?)(?P<root>cent|theat)|(?P<root2>{'|'.join(RE_ROOTS)}))"
                 rf"(?P<end>er|ers|ered|ering)$")
_RE_ENDS = {"er": "re", "ers": "res", "ered": "red", "ering": "ring"}

# -or/-our: the roots, and the endings British spelling gives the -our form
OUR_ROOTS = ("col", "fav", "hon", "lab", "neighb", "behavi", "hum", "flav", "harb", "rum", "vap", "vig", "savi",
             "sav", "endeav", "arm", "od", "parl", "val", "clam", "cand", "ranc", "splend", "tum", "ferv", "ard",
             "glam", "rig", "demean", "arb")
_OUR = re.compile(rf"^(?P<pre>[a-z]*?)(?P<root>{'|'.join(OUR_ROOTS)})or(?P<end>|s|ed|ing|er|ers|ful|fully|less|"
                  rf"able|ably|hood|hoods|ite|ites|al|ally|ist|ists|y|ies)$")
_OUR_ONLY = frozenset({"behavi", "neighb"})  # roots whose -or- is the whole point: any ending above
_OUR_SHORT = frozenset({"", "s", "ed", "ing", "er", "ers", "ful", "fully", "less", "able", "ably", "ite", "ites",
                        "y", "ies"})

_ENSE = re.compile(r"^(?P<pre>[a-z]*?)(?P<root>def|off|pret)ense(?P<end>|s|less)$")

# a final -l doubles before a vowel ending in British spelling
L_ROOTS = ("travel", "cancel", "label", "model", "fuel", "counsel", "level", "signal", "total", "marvel", "jewel",
           "channel", "dial", "duel", "funnel", "grovel", "libel", "panel", "pedal", "pencil", "quarrel", "rival",
           "shovel", "snorkel", "tunnel", "yodel", "barrel", "enamel", "gravel", "kennel", "marshal", "pummel",
           "revel", "spiral", "stencil", "swivel", "towel", "ravel", "bevel", "cudgel", "equal", "initial",
           "tassel", "chisel", "shrivel", "squirrel", "victual", "sandal")
_L = re.compile(rf"^(?P<pre>[a-z]*?)(?P<root>{'|'.join(sorted(L_ROOTS, key=len, reverse=True))})"
                rf"(?P<end>ed|ing|er|ers|or|ors)$")
# and a few British words keep a single l where American doubles it
SINGLE_L = {"enrollment": "enrolment", "enrollments": "enrolments", "installment": "instalment",
            "installments": "instalments", "fulfillment": "fulfilment", "skillful": "skilful",
            "skillfully": "skilfully", "willful": "wilful", "willfully": "wilfully", "distill": "distil",
            "instill": "instil", "enroll": "enrol", "enrolls": "enrols", "fulfill": "fulfil", "fulfills": "fulfils"}


# each family: its pattern, when a match counts, and the British form built from the match
_RULES = (
    (_IZE, lambda m: not _ize_root(m.string), lambda m: f"{m['stem']}is{m['end']}"),
    (_YZE, lambda m: True, lambda m: f"{m['stem']}ys{m['end']}"),
    (_RE, lambda m: True, lambda m: f"{m['pre'] or ''}{m['root'] or m['root2']}{_RE_ENDS[m['end']]}"),
    (_OUR, lambda m: m["end"] in _OUR_SHORT or m["root"] in _OUR_ONLY, lambda m: f"{m['pre']}{m['root']}our{m['end']}"),
    (_ENSE, lambda m: True, lambda m: f"{m['pre']}{m['root']}ence{m['end']}"),
    (_L, lambda m: True, lambda m: f"{m['pre']}{m['root']}l{m['end']}"),
)


def british(word: str) -> str | None:
    """The British spelling of a lower-case ``word`` by the rules above, or None."""
    if not word.isalpha() or not word.islower():
        return None
    if word in SINGLE_L:
        return SINGLE_L[word]
    for pattern, counts, build in _RULES:
        m = pattern.match(word)
        if m and counts(m):
            return build(m)
    return None


def _ize_root(word: str) -> bool:
    """Is the "ize" of ``word`` part of its root (*capsized*, *downsizing*, *prizes*)?"""
    stem = word[:word.rindex("iz") + 3]  # ... up to and including "ize"
    return "size" in word or any(stem.endswith(x) for x in IZE_EXCEPTIONS)
