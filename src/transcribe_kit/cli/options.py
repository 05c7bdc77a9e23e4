"""Options and error handling shared by the ``transcribe-kit`` commands."""
from __future__ import annotations

import functools
from pathlib import Path

import click

from ..asr import AsrOptions
from ..captions import CaptionOptions
from ..chapters import ChapterOptions
from ..errors import UserError
from ..outline import read_outline
from ..pipeline import ProcessOptions
from ..sounds import SoundOptions
from ..review import ReviewOptions
from ..speakers import SpeakerOptions
from ..speakers.diarize import DiarizeOptions
from ..vocabulary import VocabOptions
from ..vocabulary.style import StyleOptions
from ..writers import WriterOptions


def user_errors(fn):
    """Turn the library's user-facing errors (every ``UserError``) into one clean ``Error:`` line."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


def asr_options(fn):
    """Options shared by every command that runs speech recognition."""
    decorators = [
        click.option("--engine", type=click.Choice(["faster-whisper", "openai-whisper"]),
                     default="faster-whisper", show_default=True, help="Speech recognition engine."),
        click.option("--model", "model", type=click.Choice(["base", "tiny.en"]), default=None,
                     help="Whisper model: base (default, multilingual) or tiny.en (fast, English only)."),
        click.option("--fast", is_flag=True, help="Shortcut for --model tiny.en."),
        click.option("--model-path", type=click.Path(exists=True), default=None,
                     help="Use these weights instead: a CTranslate2 folder, or an openai-whisper .pt."),
        click.option("--language", default="en", show_default=True,
                     help="Language code of the speech, or 'auto' to detect it."),
        click.option("--beam-size", type=click.IntRange(1, 10), default=5, show_default=True,
                     help="Beam width; 1 is greedy decoding."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def build_asr_options(engine, model, fast, model_path, language, beam_size):
    if fast and model not in (None, "tiny.en"):
        raise click.UsageError("--fast means --model tiny.en; do not give both")
    name = "tiny.en" if fast else (model or "base")
    lang = None if language == "auto" else language
    if name == "tiny.en" and lang not in (None, "en"):
        raise click.UsageError("tiny.en understands English only; use --model base for other languages")
    return AsrOptions(engine=engine, model=name, model_path=model_path,
                      language="en" if name == "tiny.en" else lang, beam_size=beam_size)


def vocabulary_options(fn):
    """Options for the episode's vocabulary and the house style."""
    decorators = [
        click.option("--outline", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                     help="Event outline: slide titles (.txt one a line, .pptx or .pdf); their names and terms "
                          "steer recognition, and chapters follow them with the titles as headings."),
        click.option("--glossary", "glossary_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     default=None, help="A glossary file, added to glossary.txt / series.toml beside the audio."),
        click.option("--no-vocabulary", is_flag=True,
                     help="Do not prompt the recogniser with the episode's names and terms, nor correct near-misses."),
        click.option("--spelling", type=click.Choice(["uk", "us", "off"]), default="uk", show_default=True,
                     help="Respell words the British (uk) or American (us) way; names are never touched."),
        click.option("--fillers", type=click.Choice(["drop", "keep"]), default="drop", show_default=True,
                     help="drop: remove um/uh/erm (\"you know\", \"sort of\" stay); keep: every word."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def build_vocabulary_options(outline, glossary_file, no_vocabulary, spelling, fillers):
    vocab = VocabOptions(prompt=not no_vocabulary, correct=not no_vocabulary,
                         glossary=glossary_file)
    style = StyleOptions(spelling=spelling, drop_fillers=StyleOptions().drop_fillers if fillers == "drop" else ())
    return vocab, style


def speaker_options(fn):
    """Options of the speaker stage (diarisation and naming)."""
    decorators = [
        click.option("--speakers", "num_speakers", type=click.IntRange(1, 20), default=None,
                     help="Exact number of speakers (default: the metadata's participants, else estimated: "
                          "at least as many as introduce themselves)."),
        click.option("--min-speakers", type=click.IntRange(1, 20), default=None, help="At least this many speakers."),
        click.option("--max-speakers", type=click.IntRange(1, 20), default=None, help="At most this many speakers."),
        click.option("--no-diarize", is_flag=True, help="Skip speaker diarisation: one voice throughout."),
        click.option("--speaker-embedding", type=click.Choice(["campplus", "ge2e", "fused"]), default=None,
                     help="Voice model that tells speakers apart: CAM++, GE2E, or both joined "
                          "(default: the one bench/README.md reports best on real recordings)."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def build_speaker_options(num_speakers, min_speakers, max_speakers, no_diarize, speaker_embedding=None):
    if min_speakers and max_speakers and min_speakers > max_speakers:
        raise click.UsageError("--min-speakers is larger than --max-speakers")
    chosen = {"embedding": speaker_embedding} if speaker_embedding else {}
    return SpeakerOptions(enabled=not no_diarize, diarize=DiarizeOptions(
        num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers, **chosen))


def episode_options(fn):
    """Everything ``process`` and ``batch`` both take about an episode: recognition, vocabulary,
    speakers, the layouts' timestamps and the chapters."""
    decorators = [
        asr_options, vocabulary_options, speaker_options,
        click.option("--timestamps", is_flag=True, help="Put [mm:ss] before each paragraph of the text layouts."),
        click.option("--chapters", "n_chapters", type=click.IntRange(0), default=None,
                     help="Number of topic chapters after the untitled opening "
                          "(default: chosen from the content; 0: none)."),
        click.option("--no-sounds", is_flag=True,
                     help="Skip the sound check: no [music] cues, and speech the recogniser skipped "
                          "is not looked for or decoded again."),
        click.option("--music-under-speech/--no-music-under-speech", default=True, show_default=True,
                     help="Caption music that starts under speech (a show's intro bed) with [music] at its start."),
        click.option("--second-opinion", is_flag=True,
                     help="Review: tiny.en hears the audio again beside recognition and the words where the two "
                          "disagree are listed; finds more mistakes on real speech, costs about a fifth more time "
                          "and 240 MB more memory. English only."),
        click.option("--jobs", type=click.IntRange(1, 1024), default=None,
                     help="Use at most N cores (default: every core the process may use)."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def _readable_outline(path: Path) -> Path:
    """``path``, once its titles have been read (so a bad outline fails before any work)."""
    read_outline(path)
    return path


def build_process_options(engine, model, fast, model_path, language, beam_size,
                          outline, glossary_file, no_vocabulary, spelling, fillers,
                          num_speakers, min_speakers, max_speakers, no_diarize, timestamps, n_chapters,
                          speaker_embedding=None, tag_audio: bool = False, no_sounds: bool = False,
                          music_under_speech: bool = True, second_opinion: bool = False, jobs: int | None = None):
    """The ProcessOptions of :func:`episode_options`' values."""
    if second_opinion and language not in ("en", "auto"):
        raise click.UsageError("--second-opinion hears with tiny.en, which understands English only")
    vocab, style = build_vocabulary_options(outline, glossary_file, no_vocabulary, spelling, fillers)
    captions = CaptionOptions(music_under_speech=music_under_speech)
    return ProcessOptions(asr=build_asr_options(engine, model, fast, model_path, language, beam_size),
                          vocab=vocab, style=style, writer=WriterOptions(timestamps=timestamps, captions=captions),
                          sounds=SoundOptions(enabled=not no_sounds),
                          chapters=None if n_chapters == 0 else ChapterOptions(count=n_chapters),
                          outline=outline and user_errors(_readable_outline)(outline),
                          speakers=build_speaker_options(num_speakers, min_speakers, max_speakers, no_diarize,
                                                         speaker_embedding),
                          tag_audio=tag_audio, review=ReviewOptions(second_opinion=second_opinion), jobs=jobs)
