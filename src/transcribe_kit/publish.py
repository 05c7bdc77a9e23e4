"""Publish a processed episode as a static, self-contained web page.

``publish(episode_dir, site_root)`` writes ``site_root/<episode>/``: ``index.html``
(player with captions and chapters tracks, chapter list, searchable transcript
in the house layout), the audio, ``captions.vtt``, ``chapters.vtt`` and
``chapters.json`` (when the episode has chapters), ``transcript.json`` in the
Podcasting 2.0 JSON transcript format, and ``rss-item.xml``.

The page needs no server and no network: its CSS and script are inline and
its text tracks are embedded as ``data:`` URLs (browsers refuse to load a
track file from a ``file://`` page).  Templates are rendered by jinja2 with
autoescaping on, so no transcript or metadata text can inject markup.
"""
from __future__ import annotations

import base64
import email.utils
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, time, timezone
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from .captions import build_cues
from .document import Transcript
from .fileio import FILE_MODE, atomic_write_many
from .layout import build_page
from .timecode import clock, ms_to_seconds
from .timecode import vtt as vtt_time

# what <audio> plays in every current browser; anything else is converted to MP3
WEB_AUDIO = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".mp4": "audio/mp4", ".aac": "audio/aac",
             ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg", ".wav": "audio/wav",
             ".flac": "audio/flac", ".webm": "audio/webm"}


class PublishError(ValueError):
    """The episode folder cannot be published; the message says why and what to do."""


@dataclass(frozen=True)
class PublishOptions:
    base_url: str | None = None  # where the episode's site folder is served; None = relative URLs in rss-item.xml
    audio: Path | None = None  # the audio to publish; None = the Transcript's source, or one beside transcript.json


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    end_ms: int
    title: str


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
    chapters = chapter_list(doc)
    captions = _read_or(episode_dir / "captions.vtt", lambda: _render_vtt(doc))
    chapters_vtt = _read_or(episode_dir / "chapters.vtt", lambda: chapters_to_vtt(chapters)) if chapters else None
    chapters_json = _read_or(episode_dir / "chapters.json", lambda: chapters_to_json(doc, chapters)) if chapters else None
    files = {out / "captions.vtt": captions, out / "transcript.json": podcast_transcript_json(doc)}
    if chapters:
        files[out / "chapters.vtt"] = chapters_vtt
        files[out / "chapters.json"] = chapters_json
    files[out / "index.html"] = render_page(doc, chapters, audio_name, captions, chapters_vtt)
    files[out / "rss-item.xml"] = render_rss_item(doc, audio_name, (out / audio_name).stat().st_size,
                                                  bool(chapters), options.base_url)
    atomic_write_many(files)
    return out / "index.html"


# ---- audio --------------------------------------------------------------------

def find_audio(doc: Transcript, episode_dir: Path, given: Path | None = None) -> Path:
    """The audio to publish: ``given``, else the Transcript's source, else ``<episode>.*`` beside it."""
    candidates = [given] if given else []
    if not given and doc.source:
        candidates.append(Path(doc.source))
    if not given:
        candidates += sorted(p for p in episode_dir.glob(f"{doc.episode}.*") if p.suffix.lower() in WEB_AUDIO)
    for path in candidates:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in candidates) or "nothing recorded in transcript.json"
    raise PublishError(f"{episode_dir}: cannot find the episode's audio (tried: {tried}); give it with --audio FILE")


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
    import av

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


# ---- chapters and transcripts in the podcast formats ------------------------------

def chapter_list(doc: Transcript) -> list[Chapter]:
    """The episode's chapters with their ends; the untitled opening is called "Opening"."""
    starts = sorted(doc.chapters, key=lambda c: c.start_ms)
    end = max(doc.duration_ms, doc.words[-1].end_ms if doc.words else 0)
    return [Chapter(c.start_ms, starts[i + 1].start_ms if i + 1 < len(starts) else max(end, c.start_ms + 1),
                    c.heading or "Opening") for i, c in enumerate(starts)]


def chapters_to_vtt(chapters: list[Chapter]) -> str:
    from .writers.captions import escape_vtt

    out = ["WEBVTT", ""]
    for n, c in enumerate(chapters, 1):
        out += [f"chapter-{n}", f"{vtt_time(c.start_ms)} --> {vtt_time(c.end_ms)}", escape_vtt(c.title), ""]
    return "\n".join(out)


def chapters_to_json(doc: Transcript, chapters: list[Chapter]) -> str:
    """Podcasting 2.0 JSON chapters, version 1.2.0."""
    body = {"version": "1.2.0", "chapters": [{"startTime": ms_to_seconds(c.start_ms), "title": c.title,
                                              "endTime": ms_to_seconds(c.end_ms)} for c in chapters]}
    if doc.meta.title:
        body["title"] = doc.meta.title
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def podcast_transcript_json(doc: Transcript) -> str:
    """Podcasting 2.0 JSON transcript: one segment per caption cue, with the speaker's name."""
    segments = []
    for cue in build_cues(doc):
        speaker = doc.speaker(cue.speaker)
        segment = {"startTime": ms_to_seconds(cue.start_ms), "endTime": ms_to_seconds(cue.end_ms), "body": cue.text}
        if speaker:
            segment = {"speaker": speaker.full} | segment
        segments.append(segment)
    return json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False, indent=1) + "\n"


def _render_vtt(doc: Transcript) -> str:
    from .writers import WriterOptions, get

    return get("vtt").render(doc, WriterOptions())


def _read_or(path: Path, make) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else make()


# ---- page and feed item -------------------------------------------------------------

def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("transcribe_kit", "templates"),
                              autoescape=jinja2.select_autoescape(["html", "xml", "j2"], default=True),
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _asset(name: str):
    from markupsafe import Markup

    return Markup((resources.files("transcribe_kit") / "templates" / name).read_text(encoding="utf-8"))


def _data_url(text: str) -> str:
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def render_page(doc: Transcript, chapters: list[Chapter], audio_name: str, captions_vtt: str,
                chapters_vtt: str | None) -> str:
    page = build_page(doc)
    closing = [block.strip() for block in (page.closing or "").split("\n\n") if block.strip()]
    return _environment().get_template("page.html.j2").render(
        page=page, doc=doc, chapters=chapters, clock=clock, closing=closing,
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
