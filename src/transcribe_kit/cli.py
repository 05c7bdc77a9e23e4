"""The ``transcribe-kit`` command line: a thin layer over the Python API."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import __version__

USER_ERRORS: tuple[type[Exception], ...] = ()


def _user_errors() -> tuple[type[Exception], ...]:
    from .audio import AudioError
    from .batch import BatchError
    from .checker import CaptionParseError
    from .document import DocumentError
    from .glossary import GlossaryError
    from .metadata import MetadataError
    from .models import ModelError
    from .nlp import NlpError
    from .outline import OutlineError
    from .publish import PublishError
    from .readback import EditError
    from .speakers import RenameError
    from .timecode import TimecodeError
    from .voices import VoiceError

    return (AudioError, BatchError, CaptionParseError, DocumentError, EditError, GlossaryError, MetadataError,
            ModelError, NlpError, OutlineError, PublishError, TimecodeError, RenameError, VoiceError)


def user_errors(fn):
    """Turn the library's user-facing errors into one clean ``Error:`` line."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _user_errors() as exc:
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
    from .asr import AsrOptions

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
    from .pipeline import VocabOptions
    from .style import StyleOptions

    vocab = VocabOptions(prompt=not no_vocabulary, correct=not no_vocabulary, outline=outline,
                         glossary=glossary_file)
    style = StyleOptions(spelling=spelling, drop_fillers=StyleOptions().drop_fillers if fillers == "drop" else ())
    return vocab, style


def speaker_options(fn):
    """Options of the speaker stage (diarisation and naming)."""
    decorators = [
        click.option("--speakers", "num_speakers", type=click.IntRange(1, 20), default=None,
                     help="Exact number of speakers (default: the metadata's participants, else estimated)."),
        click.option("--min-speakers", type=click.IntRange(1, 20), default=None, help="At least this many speakers."),
        click.option("--max-speakers", type=click.IntRange(1, 20), default=None, help="At most this many speakers."),
        click.option("--no-diarize", is_flag=True, help="Skip speaker diarisation: one voice throughout."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def build_speaker_options(num_speakers, min_speakers, max_speakers, no_diarize):
    from .diarize import DiarizeOptions
    from .pipeline import SpeakerOptions

    if min_speakers and max_speakers and min_speakers > max_speakers:
        raise click.UsageError("--min-speakers is larger than --max-speakers")
    return SpeakerOptions(enabled=not no_diarize, diarize=DiarizeOptions(
        num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transcribe-kit")
def cli():
    """Turn podcast episodes and event recordings into publishable, accessible transcripts.

    Everything runs offline, with models installed from Python packages.
    """


@cli.command()
@click.argument("audio_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Folder that receives one sub-folder per episode.")
@click.option("--meta", type=click.Path(path_type=Path), default=None,
              help="Episode metadata TOML (default: <audio stem>.toml beside the audio).")
@asr_options
@vocabulary_options
@speaker_options
@click.option("--timestamps", is_flag=True, help="Put [mm:ss] before each paragraph of the text layouts.")
@click.option("--chapters", "n_chapters", type=click.IntRange(0), default=None,
              help="Number of topic chapters after the untitled opening (default: chosen from the content; 0: none).")
@click.option("--tag-audio", is_flag=True,
              help="Also write <name>.chapters.mp3: a copy of an MP3 input with ID3 chapters (the input is not changed).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def process(audio_files, output, meta, engine, model, fast, model_path, language, beam_size,
            outline, glossary_file, no_vocabulary, spelling, fillers,
            num_speakers, min_speakers, max_speakers, no_diarize, timestamps, n_chapters, tag_audio, quiet):
    """Transcribe AUDIO_FILES (any audio or video) into OUTPUT/<name>/.

    Writes transcript.json (the editable document), the published page's
    layout as transcript.txt, .md, .html and .docx, captions.vtt and
    captions.srt (checked against the caption rules; the summary is printed),
    chapters.vtt, chapters.json, chapters.txt, transcript.podcast.json and speakers.rttm.
    """
    from .chapters import ChapterOptions
    from .outline import read_outline
    from .pipeline import ProcessOptions, process_file
    from .progress import rich_hook
    from .writers import WriterOptions

    vocab, style = build_vocabulary_options(outline, glossary_file, no_vocabulary, spelling, fillers)
    titles = tuple(user_errors(read_outline)(outline)) if outline else ()
    chapters = None if n_chapters == 0 else ChapterOptions(count=n_chapters)
    options = ProcessOptions(asr=build_asr_options(engine, model, fast, model_path, language, beam_size),
                             vocab=vocab, style=style, writer=WriterOptions(timestamps=timestamps),
                             chapters=chapters, outline=titles,
                             speakers=build_speaker_options(num_speakers, min_speakers, max_speakers, no_diarize),
                             tag_audio=tag_audio)
    failures = 0
    for path in audio_files:
        try:
            with rich_hook(path.name, enabled=not quiet) as hook:
                result = user_errors(process_file)(path, output, options, meta_path=meta, hook=hook)
        except click.ClickException as exc:
            failures += 1
            click.echo(f"Error: {exc.message}", err=True)
            continue
        for warning in result.warnings:
            click.echo(f"Warning: {path.name}: {warning}", err=True)
        for report in result.checks:
            click.echo(f"check {report.summary()}", err=True)
        words = len(result.transcript.words)
        click.echo(f"{path.name}: {words} words -> {result.out_dir}/")
    if failures:
        sys.exit(1)


@cli.command()
@click.argument("caption_file", type=click.Path(path_type=Path))
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="TOML file overriding the limits (max_chars_per_line, max_lines, target_cps, max_cps, "
                   "min_duration_ms, max_duration_ms, min_gap_ms).")
@click.option("--summary", "summary_only", is_flag=True, help="Print only the summary line.")
@user_errors
def check(caption_file, rules_file, summary_only):
    """Check CAPTION_FILE (.vtt or .srt) against the caption rules.

    Prints each violation with its cue number, time and rule, then a summary
    line.  Exits 1 when a hard rule is broken (line length, line count, over
    the maximum reading speed, too short or long, overlap), 0 otherwise.
    """
    from .checker import Rules, check_file

    rules = Rules.load(rules_file) if rules_file else Rules()
    report = check_file(caption_file, rules)
    if not summary_only:
        for violation in report.violations:
            click.echo(str(violation))
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Folder that receives one sub-folder per episode.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Episodes processed at once, each in its own process (which loads the models once).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the episodes as tasks on this running Dask scheduler (tcp://host:8786) instead.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Stage cache that lets a rerun resume [default: OUTPUT/.cache].")
@asr_options
@vocabulary_options
@click.option("--timestamps", is_flag=True, help="Put [mm:ss] before each paragraph of the text layouts.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def batch(folder, output, workers, scheduler, cache_dir, engine, model, fast, model_path, language, beam_size,
          outline, glossary_file, no_vocabulary, spelling, fillers, timestamps, quiet):
    """Process every audio or video file in FOLDER (with its <name>.toml metadata).

    Each episode goes to OUTPUT/<name>/ as with `process`.  Every stage's
    result is cached, so a rerun after a crash resumes where it stopped and
    a rerun with changed settings redoes only the stages they affect.  One
    bad file never stops the others; the exit code is 1 if any failed.
    """
    from .batch import find_audio, run_batch
    from .pipeline import ProcessOptions
    from .progress import BatchProgress
    from .writers import WriterOptions

    vocab, style = build_vocabulary_options(outline, glossary_file, no_vocabulary, spelling, fillers)
    options = ProcessOptions(asr=build_asr_options(engine, model, fast, model_path, language, beam_size),
                             vocab=vocab, style=style, writer=WriterOptions(timestamps=timestamps))
    paths = find_audio(folder)
    if not paths:
        raise click.ClickException(f"{folder}: no audio or video files found")
    with BatchProgress(len(paths), enabled=not quiet) as bar:
        reports = user_errors(run_batch)(paths, output, options, cache_dir or output / ".cache", workers, scheduler,
                                         on_event=bar.event,
                                         on_done=lambda r: bar.done(r.episode, r.error is not None))
    _print_summary(reports)
    if any(r.error for r in reports):
        sys.exit(1)


def _print_summary(reports) -> None:
    from rich.console import Console
    from rich.table import Table

    from .timecode import clock

    table = Table(title="Batch summary")
    for name in ("episode", "duration", "speakers", "chapters", "caption violations", "time", "stages run/cached"):
        table.add_column(name, justify="left" if name == "episode" else "right")
    table.add_column("error", overflow="fold", ratio=1)
    for r in reports:
        if r.error:
            table.add_row(r.episode, "-", "-", "-", "-", f"{r.seconds:.1f} s", "-", r.error)
            continue
        table.add_row(r.episode, clock(r.duration_ms), str(r.speakers), str(r.chapters), str(r.caption_violations),
                      f"{r.seconds:.1f} s", f"{len(r.computed)}/{len(r.cached)}", "")
    Console(width=max(120, Console().width)).print(table)
    for r in reports:
        for warning in r.warnings:
            click.echo(f"Warning: {r.episode}: {warning}", err=True)
        if r.error:
            click.echo(f"Error: {r.episode}: {r.error}", err=True)
    failed = sum(1 for r in reports if r.error)
    click.echo(f"{len(reports) - failed} of {len(reports)} episodes processed" + (f", {failed} failed" if failed else ""))


@cli.command()
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="Site folder; the page goes to OUTPUT/<episode>/index.html.")
@click.option("--base-url", default=None, metavar="URL",
              help="Address the episode's page folder is served at, for the links in rss-item.xml "
                   "(relative links when not given).")
@click.option("--audio", "audio_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The audio to publish (default: the file the transcript was made from).")
@user_errors
def publish(episode_dir, output, base_url, audio_file):
    """Publish EPISODE_DIR (a processed episode) as a static web page.

    Writes index.html (player with captions and chapters, chapter list,
    searchable transcript; works from a file or any web server, no network),
    a copy of the audio, captions.vtt, chapters.vtt/.json, a Podcasting 2.0
    transcript.json and rss-item.xml.
    """
    from .publish import PublishOptions
    from .publish import publish as publish_episode

    page = publish_episode(episode_dir, output, PublishOptions(base_url=base_url, audio=audio_file))
    click.echo(f"{page}")
    if not base_url:
        click.echo("Note: rss-item.xml has relative links; give --base-url for a feed.", err=True)


@cli.command()
def models():
    """List the offline models: where each is, its size, and whether its hash checks out."""
    from . import models as m

    bad = 0
    for name in m.names():
        st = m.status(name)
        size = f"{st.size_bytes / 1e6:.0f} MB" if st.size_bytes else "-"
        click.echo(f"{name:8} {'ok ' if st.ok else 'BAD'} {size:>7}  {st.path or '-'}")
        click.echo(f"{'':8}     {st.detail}; packages: {', '.join(st.packages)}")
        bad += not st.ok
    for name in m.names():
        pt = m.cache_dir() / "models" / f"openai-whisper-{name}-converted.pt"
        state = f"{pt.stat().st_size / 1e6:.0f} MB  {pt}" if pt.exists() else "converted on first use of --engine openai-whisper"
        click.echo(f"{name:8} openai-whisper checkpoint: {state}")
    if bad:
        raise click.ClickException(f"{bad} model(s) missing or damaged; see above")


def align_options(fn):
    """Options of the commands that re-time edited words against the audio."""
    decorators = [
        click.option("--audio", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                     help="The episode's recording (default: the one named in transcript.json)."),
        click.option("--model", "model", type=click.Choice(["base", "tiny.en"]), default="base",
                     show_default=True, help="Whisper model that times new words against the audio."),
        click.option("--no-audio", is_flag=True, help="Spread new words evenly instead (marked estimated)."),
        click.option("--author", default=None, help="Name recorded with the new version."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def build_edit_options(model, no_audio, author, language):
    from .edits import EditOptions
    from .realign import AlignOptions

    return EditOptions(align=AlignOptions(model=model, language=language or "en", use_audio=not no_audio),
                       author=author)


@cli.command("apply-edits")
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("edited_file", type=click.Path(dir_okay=False, path_type=Path))
@align_options
@user_errors
def apply_edits(episode_dir, edited_file, audio, model, no_audio, author):
    """Apply EDITED_FILE (an edited transcript.txt, .md or .docx) to EPISODE_DIR.

    Unchanged words keep their times; new words are timed against the audio of
    their gap.  Every output is re-rendered and the previous version is kept
    (see `history` and `revert`).
    """
    from .history import apply_edits as apply, find_audio, load

    doc = load(episode_dir)
    options = build_edit_options(model, no_audio, author, doc.language)
    result = apply(episode_dir, edited_file, options, audio=audio)
    if not result.changed:
        click.echo(f"{edited_file}: no changes")
        return
    if result.estimated and not no_audio and find_audio(episode_dir, doc, audio) is None:
        click.echo("Warning: the recording was not found, so new words were spread evenly; "
                   "pass --audio FILE to time them against it", err=True)
    kinds = result.transcript.history[-1].summary
    click.echo(f"{episode_dir}: version {result.transcript.version} ({kinds}); "
               f"{result.aligned} new word(s) timed against the audio, {result.estimated} estimated")
    _check_captions(episode_dir)


def _check_captions(episode_dir: Path) -> None:
    """Run the caption rules checker on the re-rendered captions, where this install has it."""
    try:
        from .checker import check_file
    except ImportError:
        return
    for name in ("captions.vtt", "captions.srt"):
        if (episode_dir / name).exists():
            report = check_file(episode_dir / name)
            if not report.ok:
                click.echo(f"Warning: {name}: {report.summary()}", err=True)


@cli.command()
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@user_errors
def history(episode_dir):
    """List the versions of EPISODE_DIR's transcript (* marks the current one)."""
    from .history import versions

    for v in versions(episode_dir):
        r = v.revision
        mark = "*" if v.current else ("" if v.kept else "-")
        by = f" by {r.author}" if r.author else ""
        click.echo(f"{mark:1} v{r.version:<3} {r.at}  {r.kind:8} {r.summary}{by}")


@cli.command()
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("version", type=click.IntRange(min=1))
@click.option("--author", default=None, help="Name recorded with the new version.")
@user_errors
def revert(episode_dir, version, author):
    """Make VERSION of EPISODE_DIR current again (as a new version; nothing is lost)."""
    from .history import revert as go_back

    doc = go_back(episode_dir, version, author)
    click.echo(f"{episode_dir}: version {doc.version} is version {version} again")


@cli.command()
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@align_options
@click.option("--no-browser", is_flag=True, help="Print the link but do not open a browser.")
@user_errors
def edit(episode_dir, audio, model, no_audio, author, no_browser):
    """Open EPISODE_DIR in a local web editor (127.0.0.1 only, secret link).

    Play the recording beside the transcript, click a word to hear it, edit
    words, speakers and headings, and save: the same re-alignment and
    re-rendering as `apply-edits` runs, and the previous version is kept.
    Stop with Ctrl+C.
    """
    import time
    import webbrowser

    from .editor import serve
    from .history import load

    doc = load(episode_dir)
    server, url = serve(episode_dir, build_edit_options(model, no_audio, author, doc.language), audio)
    click.echo(f"Editing {doc.episode} at {url}\nPress Ctrl+C to stop.")
    if not no_browser:
        webbrowser.open(url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


@cli.group()
def glossary():
    """The series glossary: names and terms spelt the house's way (see glossary.txt)."""


@glossary.command()
@click.argument("episodes", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--glossary", "glossary_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="The current glossary; pairs it already lists are not suggested again.")
@click.option("--min-episodes", type=click.IntRange(2), default=2, show_default=True,
              help="Suggest a change made the same way in at least this many episodes.")
@user_errors
def suggest(episodes, glossary_file, min_episodes):
    """Suggest glossary lines from corrections editors made in EPISODES.

    EPISODES are episode output folders (or their transcript.json).  Reads the
    word changes in each transcript's edit history (apply-edits / edit) and
    prints, in glossary syntax, every change made the same way in several episodes.
    """
    from . import glossary as g

    known = g.parse(glossary_file.read_text(encoding="utf-8"), str(glossary_file)) if glossary_file else ()
    found = g.suggest(list(episodes), known, min_episodes)
    for s in found:
        click.echo(f"{g.format_entry(s.entry)}    # {', '.join(s.episodes)}")
    if not found:
        click.echo(f"No change was made the same way in {min_episodes} episodes.", err=True)


@cli.command("speakers")
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help='Rename a speaker, e.g. --rename "Speaker 2=Kyla Kirkpatrick" (repeatable).')
@user_errors
def speakers_command(episode_dir, renames):
    """Show or rename the speakers of a processed episode (EPISODE_DIR holds transcript.json).

    Renaming rewrites transcript.json and re-renders every output in the folder
    from it; no model runs.
    """
    from . import speakers as sp
    from .document import Transcript
    from .fileio import atomic_write_many
    from .writers import render_all, writers

    path = episode_dir / "transcript.json"
    doc = Transcript.load(path)
    for text in renames:
        doc = sp.rename(doc, *sp.parse_rename(text))
    if renames:
        names = [w.name for w in writers().values() if (episode_dir / w.filename).exists() or w.name == "json"]
        atomic_write_many(render_all(doc, episode_dir, names))
    for s in doc.speakers:
        words = sum(w.speaker == s.id for w in doc.words)
        host = " (host)" if s.is_host else ""
        click.echo(f"{s.id:4} {s.display:14} {s.full}{host}: {words} words")
        for why in s.evidence:
            click.echo(f"       - {why}")


@cli.group()
def voices():
    """The voice library: known voices recognised in new episodes."""


@voices.command("add")
@click.argument("name")
@click.argument("audio_file", type=click.Path(path_type=Path))
@click.option("--from-episode", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="A processed episode folder of AUDIO_FILE: use only NAME's speech in it.")
@user_errors
def voices_add(name, audio_file, from_episode):
    """Store the voice of NAME from AUDIO_FILE (a recording of NAME alone, or --from-episode)."""
    from . import audio, voiceprint
    from . import voices as vl
    from .document import Transcript

    spans = vl.speech_of(Transcript.load(from_episode / "transcript.json"), name) if from_episode else None
    vector, speech_ms = vl.embed_person(audio.load(audio_file), voiceprint.VoiceEncoder(), spans)
    where = vl.add_voice(name, vector, speech_ms)
    click.echo(f"{name}: {speech_ms / 1000:.0f} s of speech stored in {where}")


@voices.command("list")
@user_errors
def voices_list():
    """List the voices in the library."""
    from . import voices as vl

    library = vl.load_library()
    for name in sorted(library):
        click.echo(name)
    if not library:
        click.echo(f"no voices yet ({vl.library_path()}); add one with: transcribe-kit voices add NAME AUDIO")


def main():
    cli(prog_name="transcribe-kit")
