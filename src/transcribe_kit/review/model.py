"""The combining model: logistic regressions whose coefficients are data (``model.json``).

``bench/review.py`` fits them on recordings with a reference and writes the
file; nothing here learns.  ``word`` turns a word's signals into the chance it
is wrong, ``word_second`` does the same when a second opinion was taken,
``place`` calibrates a run of doubtful words (its strongest word's log-odds and
its length) into the chance something in it is wrong, and ``speaker`` does the
same for a change of voice.
"""
from __future__ import annotations

import hashlib
import json
import math
from importlib import resources

MODEL_FILE = "model.json"


_active: dict | None = None


def coefficients() -> dict:
    """The coefficients in use: ``model.json`` (read once), or what :func:`use` gave."""
    global _active
    if _active is None:
        _active = json.loads(resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return _active


def use(data: dict | None) -> None:
    """Score with ``data`` instead of ``model.json`` (None: the file again); for the fitting script."""
    global _active
    _active = data


def digest() -> str:
    """A short hash of the coefficients in use: part of the review stage's cache key, so refitted
    coefficients redo the stage."""
    return hashlib.sha256(json.dumps(coefficients(), sort_keys=True).encode("utf-8")).hexdigest()[:12]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def logit(p: float) -> float:
    p = min(1 - 1e-6, max(1e-6, p))
    return math.log(p / (1 - p))


def linear(name: str, row: tuple[float, ...] | list[float]) -> float:
    """The log-odds of model ``name`` for one row of its features."""
    m = coefficients()[name]
    if len(m["coef"]) != len(row):
        raise ValueError(f"review/model.json: model {name!r} has {len(m['coef'])} coefficients for {len(row)} "
                         "signals; fit it again with bench/review.py --write")
    return m["intercept"] + sum(c * x for c, x in zip(m["coef"], row))


def used(name: str, row: tuple[float, ...], names: tuple[str, ...]) -> tuple[float, ...]:
    """The values of ``row`` (one per ``names``) that model ``name`` reads: those its ``features`` list
    names, in that order (all of them when it has no list)."""
    wanted = coefficients()[name].get("features")
    if wanted is None:
        return row
    index = {n: k for k, n in enumerate(names)}
    missing = [n for n in wanted if n not in index]
    if missing:
        raise ValueError(f"review/model.json: model {name!r} reads unknown signals {missing}; fit it again with "
                         "bench/review.py --write")
    return tuple(row[index[n]] for n in wanted)


def predict(name: str, row: tuple[float, ...] | list[float]) -> float:
    return sigmoid(linear(name, row))
