"""Commands that work on a processed episode: corrections, history, speakers, voices, glossary."""
from __future__ import annotations

import time
import webbrowser
from pathlib import Path

import click

from .. import audio
from ..asr.alignment import ForcedAlignOptions
from ..document import Transcript
from ..editing import Episode
from ..editing.apply import EditOptions
from ..editing.episode import caption_checks
from ..editing.server import serve
from ..speakers import library as vl
from ..speakers import voiceprint
from ..vocabulary import glossary as g
from .options import user_errors


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
    return EditOptions(align=ForcedAlignOptions(model=model, language=language or "en", use_audio=not no_audio),
                       author=author)


@click.command("apply-edits")
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
    episode = Episode(episode_dir)
    doc = episode.load()
    options = build_edit_options(model, no_audio, author, doc.language)
    result = episode.apply_edits(edited_file, options, audio=audio)
    if not result.changed:
        click.echo(f"{edited_file}: no changes")
        return
    if result.estimated and not no_audio and episode.find_audio(audio, doc) is None:
        click.echo("Warning: the recording was not found, so new words were spread evenly; "
                   "pass --audio FILE to time them against it", err=True)
    kinds = result.transcript.history[-1].summary
    click.echo(f"{episode_dir}: version {result.transcript.version} ({kinds}); "
               f"{result.aligned} new word(s) timed against the audio, {result.estimated} estimated")
    _check_captions(episode_dir)


def _check_captions(episode_dir: Path) -> None:
    """Warn when the re-rendered captions break a hard caption rule."""
    for report in caption_checks(episode_dir):
        if not report.ok:
            click.echo(f"Warning: {report.summary()}", err=True)


@click.command()
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@user_errors
def history(episode_dir):
    """List the versions of EPISODE_DIR's transcript (* marks the current one)."""
    for v in Episode(episode_dir).versions():
        r = v.revision
        mark = "*" if v.current else ("" if v.kept else "-")
        by = f" by {r.author}" if r.author else ""
        click.echo(f"{mark:1} v{r.version:<3} {r.at}  {r.kind:8} {r.summary}{by}")


@click.command()
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("version", type=click.IntRange(min=1))
@click.option("--author", default=None, help="Name recorded with the new version.")
@user_errors
def revert(episode_dir, version, author):
    """Make VERSION of EPISODE_DIR current again (as a new version; nothing is lost)."""
    doc = Episode(episode_dir).revert(version, author)
    click.echo(f"{episode_dir}: version {doc.version} is version {version} again")


@click.command()
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
    doc = Episode(episode_dir).load()
    server, url = serve(episode_dir, build_edit_options(model, no_audio, author, doc.language), audio)
    click.echo(f"Editing {doc.episode} at {url}\nPress Ctrl+C to stop.")
    if not no_browser:
        webbrowser.open(url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


@click.group()
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
    known = g.parse(glossary_file.read_text(encoding="utf-8"), str(glossary_file)) if glossary_file else ()
    found = g.suggest(list(episodes), known, min_episodes)
    for s in found:
        click.echo(f"{g.format_entry(s.entry)}    # {', '.join(s.episodes)}")
    if not found:
        click.echo(f"No change was made the same way in {min_episodes} episodes.", err=True)


@click.command("speakers")
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help='Rename a speaker, e.g. --rename "Speaker 2=Kyla Kirkpatrick" (repeatable).')
@user_errors
def speakers_command(episode_dir, renames):
    """Show or rename the speakers of a processed episode (EPISODE_DIR holds transcript.json).

    Renaming makes a new version of transcript.json (`revert` undoes it) and
    re-renders every output in the folder with the settings it was made with;
    no model runs.
    """
    episode = Episode(episode_dir)
    doc = episode.rename(list(renames)) if renames else episode.load()
    for s in doc.speakers:
        words = sum(w.speaker == s.id for w in doc.words)
        host = " (host)" if s.is_host else ""
        click.echo(f"{s.id:4} {s.display:14} {s.full}{host}: {words} words")
        for why in s.evidence:
            click.echo(f"       - {why}")


@click.group()
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
    spans = vl.speech_of(Transcript.load(from_episode / "transcript.json"), name) if from_episode else None
    vector, speech_ms = vl.embed_person(audio.load(audio_file), voiceprint.VoiceEncoder(), spans)
    where = vl.add_voice(name, vector, speech_ms)
    click.echo(f"{name}: {speech_ms / 1000:.0f} s of speech stored in {where}")


@voices.command("list")
@user_errors
def voices_list():
    """List the voices in the library."""
    library = vl.load_library()
    for name in sorted(library):
        click.echo(name)
    if not library:
        click.echo(f"no voices yet ({vl.library_path()}); add one with: transcribe-kit voices add NAME AUDIO")


COMMANDS = (apply_edits, history, revert, edit, speakers_command, glossary, voices)
