"""The review queue: fit its model on some recordings, score it on others.

    python bench/review.py EPISODES [--fit podcast_004_short] [--second] [--write]

EPISODES is a folder of processed episodes (``process -o EPISODES``), one
sub-folder per recording, each with its transcript.json.  Recordings with a
reference in the corpus are used: podcast_004_short and podcast_004_full (the
synthetic episodes' ``.turns.json``), the NASA interview (``.turns.json``) and the
pyannote sample (``.stm``).

1. Labels: the transcript's words aligned with the reference by
   ``shared/tools/review_score.py``'s own rules; a word is wrong when it touches a
   word error event; a change of voice is wrong when it touches a speaker error event.
2. Fit, on the ``--fit`` recordings only: the word model (logistic regression on
   ``WORD_FEATURES`` of ``review.signals.FEATURES``), the place calibration (a listed
   word's log-odds against "touches an error"), and the speaker model
   (``review.places.SPEAKER_FEATURES`` against "touches a wrong-voice run").
   ``--write`` stores the coefficients in ``src/transcribe_kit/review/model.json``.
3. Score, on every recording: the stage's places written as review.json, then
   review_score.py on it (the probability ranking beside the queue, at 5/10/20 %),
   and a calibration table (score bands against the share of places that were
   wrong) over the recordings not fitted on.

``--second`` adds the second opinion (tiny.en, or ``--second-model``; greedy, text only, as the ``second``
side stage hears it): its words are decoded once per recording and kept in
EPISODE/second.<model>.text.json (wrap the first run in ``flock /tmp/heavy.lock``).
``--loo`` scores each recording with a model fitted on all the others but its sibling
(``SIBLINGS``: the same text synthesised twice).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _common import CORPUS, SHARED, table

from transcribe_kit import audio, metadata
from transcribe_kit.document import Transcript
from transcribe_kit.review import ReviewOptions, ReviewPlan, model, places_of, review_json, second_words
from transcribe_kit.review.places import SPEAKER_FEATURES, order, recogniser_doubt, speaker_rows
from transcribe_kit.review.signals import FEATURES, disagreements, word_signals
from transcribe_kit.vocabulary import VocabOptions, vocabulary_for

SCORER = SHARED / "tools" / "review_score.py"
MODEL_JSON = Path(__file__).resolve().parent.parent / "src" / "transcribe_kit" / "review" / "model.json"
RECORDINGS = {  # name -> (reference, audio)
    "podcast_004_short": ("podcast_004_short/podcast_004_short.turns.json", "podcast_004_short/podcast_004_short.mp3"),
    "podcast_004_full": ("podcast_004_full/podcast_004_full.turns.json", "podcast_004_full/podcast_004_full.mp3"),
    "nasa_hwhap414_science_in_space": ("real/nasa_hwhap414_science_in_space.turns.json",
                                       "real/nasa_hwhap414_science_in_space.mp3"),
    "pyannote_sample": ("real/pyannote_sample.stm", "real/pyannote_sample.wav"),
    # who speaks when only (RTTM): wrong voices, no words; for the speaker model
    "pyannote_test_dev00": ("real/pyannote_test_dev00.rttm", "real/pyannote_test_dev00.wav"),
    "pyannote_test_tst00": ("real/pyannote_test_tst00.rttm", "real/pyannote_test_tst00.wav"),
}
# two recordings of the same text (podcast_004_short is the first 17 minutes of podcast_004_full, synthesised
# again): a recording scored leave-one-out is never scored by a model fitted on its sibling
SIBLINGS = {"podcast_004_short": "podcast_004_full", "podcast_004_full": "podcast_004_short"}
BANDS = (0.0, 0.1, 0.2, 0.35, 0.5, 0.7, 1.01)


def scorer():
    spec = importlib.util.spec_from_file_location("review_score", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Recording:
    """One processed recording with its reference: the Transcript and which words are wrong."""

    def __init__(self, name: str, folder: Path, rs):
        ref_name, audio_name = RECORDINGS[name]
        self.name, self.folder = name, folder
        self.ref_path, self.audio_path = CORPUS / ref_name, CORPUS / audio_name
        self.doc = Transcript.load(folder / "transcript.json")
        meta, _ = metadata.load_for(self.audio_path, None)
        vocab = vocabulary_for(self.audio_path, meta, None, VocabOptions())
        self.names = tuple(t.text for t in vocab.terms)
        self._labels(rs)

    @property
    def has_words(self) -> bool:
        return self.ref_path.suffix != ".rttm"

    def _labels(self, rs) -> None:
        if not self.has_words:
            self.word_events, self.wrong = [], []
            self.speaker_events = rttm_events(self.doc, self.ref_path)
            return
        ref = rs.read_ref(self.ref_path)
        words = self.doc.to_dict()["words"]
        names = {s.id: s.full for s in self.doc.speakers}
        tok, owner = [], []
        for i, w in enumerate(words):
            for t in rs.split(w["text"]):
                tok.append(t)
                owner.append(i)
        wevs, pairs = rs.events(ref, tok)
        sevs = rs.speaker_events(ref, [names.get(words[i].get("speaker"), words[i].get("speaker")) for i in owner],
                                 pairs) or []
        self.word_events = [{owner[k] for k in e} for e in wevs]
        self.speaker_events = [{owner[k] for k in e} for e in sevs]
        self.wrong = [0] * len(words)
        for e in self.word_events:
            for i in e:
                self.wrong[i] = 1

    def second(self, options: ReviewOptions) -> list[float]:
        path = self.folder / f"second.{options.second_model}.text.json"
        if not path.exists():
            started = time.perf_counter()
            heard = second_words(audio.load(self.audio_path), options, self.doc.language)
            path.write_text(json.dumps({"words": heard, "seconds": round(time.perf_counter() - started, 1)}))
        return disagreements(self.doc.words, json.loads(path.read_text())["words"])

    def touches(self, first: int, last: int, kind: str) -> int:
        span = set(range(first, max(last, first + 1)))
        events = self.speaker_events if kind == "speaker" else self.word_events
        return int(any(e & span for e in events))


def rttm_events(doc: Transcript, path: Path) -> list[set[int]]:
    """Runs of words given to the wrong voice, against a reference RTTM: a word's true voice is the one
    the reference has speaking over most of it (words with none, or two voices at once, are left out);
    voices are mapped one to one where most words agree."""
    import itertools

    spans = [(float(f[3]) * 1000, (float(f[3]) + float(f[4])) * 1000, f[7])
             for f in (line.split() for line in path.read_text().splitlines()) if f and f[0] == "SPEAKER"]
    truth = {}
    for i, w in enumerate(doc.words):
        heard = {}
        for a, b, who in spans:
            heard[who] = heard.get(who, 0) + max(0, min(b, w.end_ms) - max(a, w.start_ms))
        ranked = sorted(heard.items(), key=lambda kv: -kv[1])
        length = max(1, w.end_ms - w.start_ms)
        if ranked and ranked[0][1] > 0.5 * length and (len(ranked) < 2 or ranked[1][1] < 0.3 * length):
            truth[i] = ranked[0][0]
    hyp = sorted({doc.words[i].speaker for i in truth})
    refs = sorted(set(truth.values()))
    best = max((dict(zip(hyp, perm)) for perm in itertools.permutations(refs, min(len(hyp), len(refs)))),
               key=lambda m: sum(m.get(doc.words[i].speaker) == t for i, t in truth.items()), default={})
    wrong = sorted(i for i, t in truth.items() if best.get(doc.words[i].speaker) != t)
    events: list[set[int]] = []
    for i in wrong:
        if events and max(events[-1]) == i - 1:
            events[-1].add(i)
        else:
            events.append({i})
    return events


# What the word model reads: the rest of review.signals.FEATURES give the places their reasons, but fitted
# on one kind of voice they do worse than the probability alone on another (bench/README.md "Review queue")
WORD_FEATURES = ("logp", "disagrees", "known")
SECOND = ReviewOptions(second_opinion=True)  # the second opinion's settings (--second-model)


def signals_of(r: Recording, second: bool):
    return word_signals(r.doc, r.names, r.second(SECOND) if second else None)


def word_rows(signals) -> list[tuple[float, ...]]:
    """What the word model reads of each word's signals."""
    return [model.used("word", row, FEATURES) for row in signals.rows]


def fit(train: list[Recording], second: bool, speaker_train: list[Recording] | None = None) -> dict:
    from sklearn.linear_model import LogisticRegression

    stored = model.coefficients()
    data = {"fitted_on": "+".join(r.name for r in train), "features": list(FEATURES),
            "speaker_features": list(SPEAKER_FEATURES)}
    X, y = [], []
    model.use({"word": {"features": list(WORD_FEATURES)}})
    for r in (r for r in train if r.has_words):  # every word counts the same (a 30 s clip does not outweigh an hour)
        X += word_rows(signals_of(r, second))
        y += r.wrong
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
    data["word"] = {"features": list(WORD_FEATURES), "coef": [round(c, 4) for c in lr.coef_[0]],
                    "intercept": round(float(lr.intercept_[0]), 4)}
    if not second:
        k = WORD_FEATURES.index("disagrees")  # all 0 without it: keep the stored weight
        data["word"]["coef"][k] = stored["word"]["coef"][k]
    model.use(data | {"place": {"coef": [1.0], "intercept": 0.0}, "speaker": {"coef": [0.0] * 7, "intercept": 0}})
    data["place"] = _fit_places(train, second)
    data["speaker"] = _fit_speaker(speaker_train or train) or stored["speaker"]
    if speaker_train:
        data["speaker_fitted_on"] = "+".join(r.name for r in speaker_train)
    return data


def _fit_places(train: list[Recording], second: bool) -> dict:
    """A word place's calibration: its word's log-odds against "touches a mistake", over the words the
    review lists (the first quarter of the ranking), so that a place scored 0.7 is wrong 7 times in 10."""
    from sklearn.linear_model import LogisticRegression

    X, y = [], []
    options = ReviewOptions()
    for r in (r for r in train if r.has_words):
        signals = signals_of(r, second)
        doubt = [model.predict("word", row) for row in word_rows(signals)]
        for i in order(doubt, recogniser_doubt(r.doc, signals.known))[:int(options.reach * len(doubt))]:
            X.append((model.logit(doubt[i]),))
            y.append(r.wrong[i])
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
    return {"coef": [round(c, 4) for c in lr.coef_[0]], "intercept": round(float(lr.intercept_[0]), 4)}


def _fit_speaker(train: list[Recording]) -> dict | None:
    from sklearn.linear_model import LogisticRegression

    X, y = [], []
    for r in train:
        for first, last, row in speaker_rows(r.doc):
            X.append(row)
            y.append(r.touches(first, last, "speaker"))
    if len(set(y)) < 2:  # no wrong voice in the fitting set: keep the stored model
        return None
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
    return {"coef": [round(c, 4) for c in lr.coef_[0]], "intercept": round(float(lr.intercept_[0]), 4)}


def score(r: Recording, second: bool, rs) -> tuple[dict, list[tuple[float, int]]]:
    """review_score.py's figures for the stage's places, and (score, wrong) for each place."""
    options = replace(SECOND, second_opinion=second)
    started = time.perf_counter()
    plan = ReviewPlan(options, r.names)
    places = places_of(r.doc, plan, r.second(options) if second else None)
    seconds = time.perf_counter() - started
    if r.has_words:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "review.json"
            path.write_text(review_json(places, r.doc))
            out = subprocess.run([sys.executable, str(SCORER), str(r.ref_path), str(r.folder / "transcript.json"),
                                  "--review", str(path)], capture_output=True, text=True, check=True).stdout
        result = json.loads(out)
    else:
        result = speaker_only(r, places, rs)
    result["seconds"] = round(seconds, 2)
    result["places"] = len(places)
    marks = [(p.kind, p.score, int(r.touches(*p.words, "words") or r.touches(*p.words, "speaker")))
             for p in places if r.has_words or p.kind == "speaker"]  # with no reference words, only voices count
    return result, marks


def speaker_only(r: Recording, places, rs) -> dict:
    """review_score.py's figures by its own rules, for a reference with voices and no words (RTTM)."""
    words = r.doc.to_dict()["words"]
    keep = list(range(len(words)))
    items = json.loads(review_json(places, r.doc))["items"]
    out = {"ref_words": None, "hyp_words": len(words), "word_error_events": None,
           "speaker_error_events": len(r.speaker_events), "budgets": {}}
    for b in (0.05, 0.10, 0.20):
        row = {}
        for name, flagged in (("probability", rs.flagged_by_probability(words, keep, b)),
                              ("review", rs.flagged_by_review(items, words, keep, b))):
            found = rs.caught(r.speaker_events, flagged)
            row[name] = {"flagged": len(flagged), "word_recall": None,
                         "speaker_recall": round(found / len(r.speaker_events), 3) if r.speaker_events else None}
        out["budgets"][f"{b:.2f}"] = row
    return out


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f} %"


def report(results: dict[str, dict], fitted: set[str], speaker_fitted: set[str] = frozenset()) -> str:
    rows = []
    for name, res in results.items():
        b = res["budgets"]
        tag = name + (" (fitted on)" if name in fitted else " (speaker model fitted on)" if name in speaker_fitted else "")
        rows.append([tag, res["word_error_events"], res["hyp_words"],
                     " / ".join(pct(b[k]["probability"]["word_recall"]) for k in ("0.05", "0.10", "0.20")),
                     " / ".join(pct(b[k]["review"]["word_recall"]) for k in ("0.05", "0.10", "0.20")),
                     res["speaker_error_events"] or 0,
                     " / ".join(pct(b[k]["probability"]["speaker_recall"]) for k in ("0.05", "0.10", "0.20")),
                     " / ".join(pct(b[k]["review"]["speaker_recall"]) for k in ("0.05", "0.10", "0.20")),
                     res["places"], res["seconds"]])
    return table(["recording", "error places", "words", "probability 5/10/20 %", "review 5/10/20 %",
                  "wrong-voice places", "probability 5/10/20 %", "review 5/10/20 %", "review places", "review s"], rows)


def calibration(marks: list[tuple[str, float, int]]) -> str:
    rows = []
    for lo, hi in zip(BANDS, BANDS[1:]):
        inside = [w for _, s, w in marks if lo <= s < hi]
        mean = [s for _, s, _ in marks if lo <= s < hi]
        if inside:
            rows.append([f"{lo:.2f}-{min(hi, 1):.2f}", len(inside), f"{sum(mean) / len(mean):.2f}",
                         f"{sum(inside) / len(inside):.2f}"])
    return table(["score band", "places", "mean score", "share wrong"], rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("episodes", type=Path)
    ap.add_argument("--fit", default="podcast_004_short", help="comma-separated recordings to fit on")
    ap.add_argument("--fit-speaker", default="podcast_004_short,pyannote_sample,pyannote_test_dev00,pyannote_test_tst00",
                    help="recordings to fit the speaker model on (the synthetic episodes have almost no wrong voices)")
    ap.add_argument("--loo", action="store_true",
                    help="score each recording with a model fitted on all the others (leave one out)")
    ap.add_argument("--second", action="store_true", help="with the second opinion (tiny.en, greedy)")
    ap.add_argument("--second-model", default=ReviewOptions.second_model,
                    help="the second opinion's recogniser (default %(default)s)")
    ap.add_argument("--write", action="store_true", help="store the --fit coefficients in review/model.json")
    ap.add_argument("--no-fit", action="store_true", help="score with the stored model.json as it is")
    args = ap.parse_args()
    global SECOND
    SECOND = ReviewOptions(second_opinion=True, second_model=args.second_model)
    rs = scorer()
    recs = {n: Recording(n, args.episodes / n, rs) for n in RECORDINGS if (args.episodes / n / "transcript.json").exists()}
    fitted = set() if args.no_fit else set(args.fit.split(","))
    speaker_set = [recs[n] for n in args.fit_speaker.split(",") if n in recs]
    if args.no_fit:  # the stored model: say what it was fitted on
        stored = model.coefficients()
        fitted = set(stored.get("fitted_on", "").split("+"))
        speaker_set = [recs[n] for n in stored.get("speaker_fitted_on", "").split("+") if n in recs]
    results, held = {}, []
    for name, r in recs.items():
        if args.loo:  # fitted on the others, never on the same text read in another run (SIBLINGS)
            model.use(fit([o for n, o in recs.items() if n != name and n != SIBLINGS.get(name)], args.second))
        elif fitted and not args.no_fit:
            model.use(fit([recs[n] for n in fitted], args.second, speaker_set))
        results[name], marks = score(r, args.second, rs)
        if args.loo or name not in fitted:
            spoken = args.loo or name not in {o.name for o in speaker_set}
            held += [m for m in marks if spoken or m[0] != "speaker"]
    if fitted and args.write:
        data = fit([recs[n] for n in fitted], args.second, speaker_set)
        MODEL_JSON.write_text(json.dumps(data, indent=1) + "\n")
    how = "each scored with a model fitted on the others" if args.loo else f"fitted on {'+'.join(sorted(fitted))}"
    if speaker_set and not args.loo:
        how += f", the speaker model on {'+'.join(r.name for r in speaker_set)}"
    print(f"Review queue against the probability ranking ({how}{', with the second opinion' if args.second else ''}):\n")
    print(report(results, set() if args.loo else fitted, set() if args.loo else {r.name for r in speaker_set}))
    held_names = list(recs) if args.loo else [n for n in recs if n not in fitted]
    print(f"\nCalibration: every place of the recordings not fitted on ({', '.join(held_names)}; "
          "speaker places only where the speaker model was not fitted either):\n")
    print(calibration(held))


if __name__ == "__main__":
    main()
