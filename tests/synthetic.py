"""Small in-memory Transcripts for tests: timed words from sentences, no audio."""
from __future__ import annotations

from transcribe_kit.document import Speaker, Transcript, Word
from transcribe_kit.turns import build_turns


def transcript_from(turns: list[tuple[str, str]], speakers: tuple[Speaker, ...] = (),
                    word_ms: int = 300, turn_gap_ms: int = 800, episode: str = "synthetic") -> Transcript:
    """(speaker id, text) turns -> a Transcript with evenly timed words and built turns."""
    words, t = [], 500
    for speaker, text in turns:
        for token in text.split():
            words.append(Word(text=token, start_ms=t, end_ms=t + word_ms - 50, speaker=speaker))
            t += word_ms
        t += turn_gap_ms
    ids = {s for s, _ in turns}
    speakers = speakers or tuple(Speaker(id=s, label=s) for s in sorted(ids))
    doc = Transcript(episode=episode, duration_ms=t + 1000, speakers=speakers, words=tuple(words))
    return build_turns(doc)


def words_of(text: str, step_ms: int = 500) -> Transcript:
    """One speaker-less word every ``step_ms`` (400 ms long), split on spaces: for the word passes."""
    words = tuple(Word(w, i * step_ms, i * step_ms + step_ms - 100, 0.9) for i, w in enumerate(text.split()))
    return Transcript(episode="t", duration_ms=len(words) * step_ms, words=words)


def text_of(doc: Transcript) -> str:
    return " ".join(w.text for w in doc.words)
