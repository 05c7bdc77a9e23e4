"""Publish a processed episode as a static, self-contained web page.

``publish(episode_dir, site_root)`` writes ``site_root/<episode>/``: ``index.html``
(player with captions and chapters tracks, chapter list, searchable transcript
in the house layout), the audio, ``captions.vtt``, ``chapters.vtt`` and
``chapters.json`` (when the episode has chapters), ``transcript.podcast.json``
(Podcasting 2.0 JSON transcript) and ``rss-item.xml``.  The text files are
the episode folder's own, or rendered by the writers when it lacks them.

The page needs no server and no network: its CSS and script are inline and
its text tracks are embedded as ``data:`` URLs (browsers refuse to load a
track file from a ``file://`` page).  Templates are rendered by jinja2 with
autoescaping on, so no transcript or metadata text can inject markup.
"""
from __future__ import annotations

import base64
from bisect import bisect_right
import email.utils
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, time, timezone
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from .captions.sounds import label as sound_label
from .document import Transcript
from .editing import Episode
from .errors import UserError
from .fileio import FILE_MODE, atomic_write_many
from .layout import build_page
from .timecode import clock
from .writers import get, recorded_options
from .writers.chapters import chapter_list

# what <audio> plays in every current browser; anything else is converted to MP3
WEB_AUDIO = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".mp4": "audio/mp4", ".aac": "audio/aac",
             ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg", ".wav": "audio/wav",
             ".flac": "audio/flac", ".webm": "audio/webm"}


class PublishError(UserError, ValueError):
    """The episode folder cannot be published; the message says why and what to do."""


@dataclass(frozen=True)
class PublishOptions:
    base_url: str | None = None  # where the episode's site folder is served; None = relative URLs in rss-item.xml
    audio: Path | None = None  # the audio to publish; None = the Transcript's source, or one beside transcript.json


def load_episode(episode_dir: Path) -> Transcript:
    path = episode_dir / "transcript.json"
    if not path.is_file():
        raise PublishError(f"{episode_dir}: no transcript.json here; run `transcribe-kit process` first")
    return Transcript.load(path)


def publish(episode_dir: str | Path, site_root: str | Path, options: PublishOptions = PublishOptions()) -> Path:
    """Write the episode's page and its files; return the page's path."""
    episode_dir = Path(episode_dir)
    doc = load_episode(episode_dir)
    source = find_audio(doc, episode_dir, options.audio)
    out = Path(site_root) / doc.episode
    audio_name = _publish_audio(source, out)
    writers = ["vtt", "podcast-json"] + (["chapters-vtt", "chapters-json"] if doc.chapters else [])
    files = dict(_episode_file(episode_dir, doc, w) for w in writers)
    chapters = chapter_list(doc) if doc.chapters else []
    page = render_page(doc, chapters, audio_name, files["captions.vtt"], files.get("chapters.vtt"))
    rss = render_rss_item(doc, audio_name, (out / audio_name).stat().st_size, bool(chapters), options.base_url)
    atomic_write_many({out / name: text for name, text in files.items()}
                      | {out / "index.html": page, out / "rss-item.xml": rss})
    return out / "index.html"


# ---- audio --------------------------------------------------------------------

def find_audio(doc: Transcript, episode_dir: Path, given: Path | None = None) -> Path:
    """The audio to publish: ``given``, else the recording the episode folder knows (``Episode.find_audio``)."""
    found = Episode(episode_dir).find_audio(given, doc)
    if found is None or not found.is_file():
        tried = str(found or given or doc.source or "nothing recorded in transcript.json, no audio file in the folder")
        raise PublishError(f"{episode_dir}: cannot find the episode's audio (tried: {tried}); give it with --audio FILE")
    return found


def _publish_audio(source: Path, out: Path) -> str:
    """Copy (or, for formats browsers cannot play, convert to MP3) the audio into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    playable = source.suffix.lower() in WEB_AUDIO
    name = source.name if playable else f"{source.stem}.mp3"
    target = out / name
    if playable and target.exists() and target.stat().st_size == source.stat().st_size \
            and target.stat().st_mtime >= source.stat().st_mtime:
        return name
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
    os.close(fd)
    os.chmod(tmp, FILE_MODE)
    try:
        (shutil.copyfile if playable else _to_mp3)(source, Path(tmp))
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return name


def _to_mp3(source: Path, target: Path, bitrate: int = 96_000) -> None:
    import av  # PyAV only when the audio must be converted

    try:
        _convert(av, source, target, bitrate)
    except (av.error.FFmpegError, IndexError) as exc:
        raise PublishError(f"{source}: cannot convert the audio to MP3 for the web ({exc})") from None


def _convert(av, source: Path, target: Path, bitrate: int) -> None:
    with av.open(str(source)) as inp, av.open(str(target), "w", format="mp3") as outp:
        stream = outp.add_stream("libmp3lame", rate=44_100, layout="stereo")
        stream.bit_rate = bitrate
        resampler = av.AudioResampler(format="s16p", layout="stereo", rate=44_100)
        for frame in inp.decode(inp.streams.audio[0]):
            for out_frame in resampler.resample(frame):
                outp.mux(stream.encode(out_frame))
        for out_frame in resampler.resample(None):
            outp.mux(stream.encode(out_frame))
        outp.mux(stream.encode(None))


# ---- the episode's other files ------------------------------------------------------

def _episode_file(episode_dir: Path, doc: Transcript, writer: str) -> tuple[str, str]:
    """(file name, text) of a writer's output: the episode folder's copy, else rendered now."""
    chosen = get(writer)
    path = episode_dir / chosen.filename
    text = path.read_text(encoding="utf-8") if path.is_file() else chosen.render(doc, recorded_options(doc))
    return chosen.filename, text


# ---- page and feed item -------------------------------------------------------------

def _environment():
    return jinja2.Environment(loader=jinja2.PackageLoader("transcribe_kit", "templates"),
                              autoescape=jinja2.select_autoescape(["html", "xml", "j2"], default=True),
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _asset(name: str):
    return Markup((resources.files("transcribe_kit") / "templates" / name).read_text(encoding="utf-8"))


def _data_url(text: str) -> str:
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def with_sounds(doc: Transcript, sections) -> list:
    """Each section with its items in time order: ``("p", paragraph)`` and, for every captioned sound
    (``[music]``) that starts in it, ``("sound", (start_ms, label))``."""
    options = recorded_options(doc).captions
    starts = [section.start_ms for section in sections]
    placed: list[list] = [[] for _ in sections]
    for sound in doc.sounds:
        text = sound_label(sound, options)
        if text and sections:
            placed[max(0, bisect_right(starts, sound.start_ms) - 1)].append((sound.start_ms, text))
    out = []
    for section, sounds in zip(sections, placed):
        items: list = []
        for p in section.paragraphs:
            while sounds and sounds[0][0] < p.start_ms:
                items.append(("sound", sounds.pop(0)))
            items.append(("p", p))
        out.append((section, items + [("sound", s) for s in sounds]))
    return out


def render_page(doc: Transcript, chapters: list, audio_name: str, captions_vtt: str,
                chapters_vtt: str | None) -> str:
    page = build_page(doc)
    sections = with_sounds(doc, page.sections)
    closing = [block.strip() for block in (page.closing or "").split("\n\n") if block.strip()]
    return _environment().get_template("page.html.j2").render(
        page=page, sections=sections, doc=doc, chapters=chapters, clock=clock, closing=closing,
        audio_name=quote(audio_name), audio_type=WEB_AUDIO.get(Path(audio_name).suffix.lower(), "audio/mpeg"),
        captions_src=_data_url(captions_vtt), chapters_src=_data_url(chapters_vtt) if chapters_vtt else None,
        language=doc.language or "en", style=_asset("page.css"), script=_asset("page.js"),
        generator=f"transcribe-kit {__import__('transcribe_kit').__version__}",
    )


def render_rss_item(doc: Transcript, audio_name: str, audio_bytes: int, has_chapters: bool,
                    base_url: str | None) -> str:
    base = (base_url.rstrip("/") + "/") if base_url else ""
    published = None
    if doc.meta.published:
        moment = datetime.combine(doc.meta.published, time(12, 0), tzinfo=timezone.utc)
        published = email.utils.format_datetime(moment)
    return _environment().get_template("rss-item.xml.j2").render(
        doc=doc, base=base, audio_name=quote(audio_name), audio_bytes=audio_bytes,
        audio_type=WEB_AUDIO.get(Path(audio_name).suffix.lower(), "audio/mpeg"),
        has_chapters=has_chapters, published=published, language=doc.language or "en",
    )
