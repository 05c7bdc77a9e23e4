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
    from .document import DocumentError
    from .metadata import MetadataError
    from .models import ModelError
    from .timecode import TimecodeError

    return (AudioError, DocumentError, MetadataError, ModelError, TimecodeError)


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
@click.option("--timestamps", is_flag=True, help="Put [mm:ss] before each paragraph of the text layouts.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def process(audio_files, output, meta, engine, model, fast, model_path, language, beam_size, timestamps, quiet):
    """Transcribe AUDIO_FILES (any audio or video) into OUTPUT/<name>/.

    Writes transcript.json (the editable document), transcript.txt (the
    published page's layout), captions.vtt and captions.srt.
    """
    from .pipeline import ProcessOptions, process_file
    from .progress import rich_hook
    from .writers import WriterOptions

    options = ProcessOptions(asr=build_asr_options(engine, model, fast, model_path, language, beam_size),
                             writer=WriterOptions(timestamps=timestamps))
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
        words = len(result.transcript.words)
        click.echo(f"{path.name}: {words} words -> {result.out_dir}/")
    if failures:
        sys.exit(1)


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


def main():
    cli(prog_name="transcribe-kit")
