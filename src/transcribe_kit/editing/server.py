"""``transcribe-kit edit``: a local web editor for one episode folder.

Served by bottle on 127.0.0.1 only, on a random port, behind a secret token
(in the first URL; then an HttpOnly same-site cookie named after the port, so
editors on other ports never collide; saves carry it in ``X-Token``).  Requests
with another Host header are refused (DNS rebinding), every route is fixed (no
path from the request reaches the file system), and the only files it reads
are its own packaged assets, the episode's transcript.json and the episode's
recording, served only when its content is audio or video.  Every error is a
JSON ``{"error": ...}`` the page shows; a body is read only up to its limit.
A save runs the same re-alignment and re-rendering as ``apply-edits``, under
the episode's lock (:meth:`Episode.locked`), so two editors, or an editor and
``apply-edits``, never lose each other's changes.
"""
from __future__ import annotations

import functools
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle

from ..audio import AudioError
from ..audio import load as load_audio
from ..audio import is_media
from ..layout import build_page
from .apply import EditOptions
from .episode import Conflict, Episode, caption_checks, check_size, speaker_names
from .readback import EditError, parse_body, text_blocks
from ..review import REVIEW_FILE, ReviewError, set_checked
from ..review.queue import load_queue, place_words

ASSETS = {"editor.js": "application/javascript", "editor.css": "text/css"}
COOKIE = "tk_token_{port}"  # one cookie per editor: browsers share cookies between ports of a host
MAX_BODY = 20 * 1024 * 1024  # bytes; a save larger than this is refused before it is read
MEDIA_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac", ".wav": "audio/wav",
               ".flac": "audio/flac", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
               ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm",
               ".mkv": "video/x-matroska"}


@dataclass(frozen=True)
class EditorConfig:
    episode: Episode
    token: str
    audio: Path | None
    options: EditOptions


def page_json(doc) -> dict:
    """The page as the browser draws it: sections of paragraphs of timed words."""
    sections = []
    for section in build_page(doc).sections:
        paragraphs = []
        for p in section.paragraphs:
            count = len(p.text.split())
            words = [[w.text, w.start_ms, w.end_ms] for w in doc.words[p.first_word:p.first_word + count]]
            paragraphs.append({"speaker": p.speaker, "words": words})
        sections.append({"heading": section.heading, "paragraphs": paragraphs})
    return {"episode": doc.episode, "title": doc.meta.title, "version": doc.version,
            "speakers": [s.display for s in doc.speakers], "sections": sections}


def save(config: EditorConfig, text: str, version: int | None = None) -> dict:
    """Apply the page the browser sent (house text layout, body only) to the version it was loaded from."""
    episode = config.episode
    with episode.locked():
        doc = episode.load()
        if version is not None and version != doc.version:
            raise Conflict(f"the transcript is now at version {doc.version}, not the version {version} "
                           "this page was loaded from; reload the page (your changes are not saved)")
        check_size(doc, len(text))
        page = parse_body(text_blocks(text), speaker_names(doc))
        result = episode.apply_page(doc, page, lambda: _decoded(config.audio), config.options)
        captions = caption_checks(episode.folder) if result.changed else []
    return {"version": result.transcript.version, "changes": len(result.changes),
            "summary": result.transcript.history[-1].summary if result.changed else "no changes",
            "aligned": result.aligned, "estimated": result.estimated,
            "captions": [r.summary() for r in captions], "caption_problems": sum(not r.ok for r in captions)}


def read_save(environ: dict) -> tuple[str, int | None]:
    """The save request's ``(text, version)``; an ``EditError`` for anything else.

    At most ``MAX_BODY`` bytes are read, and only with a Content-Length: a chunked body
    (which no browser sends for a save) is refused unread."""
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        raise BodyError(411, "send the page with a Content-Length, not chunked")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BodyError(400, "Content-Length is not a number") from None
    if length > MAX_BODY:
        raise BodyError(413, f"the page is {length} bytes; the limit is {MAX_BODY}")
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BodyError(400, "the request is not the JSON the editor sends") from None
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise BodyError(400, 'the request needs {"text": the page as text, "version": a number}')
    version = body.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise BodyError(400, "version must be a whole number")
    return body["text"], version


def review_json(episode: Episode) -> dict:
    """The "Check these" list: the places worth checking, in rank order, with their words now."""
    doc = episode.load()
    queue = load_queue(episode.folder, doc)
    items = []
    for it in queue.worth_checking():
        first, last = place_words(doc, it)
        items.append({k: it.get(k) for k in ("id", "kind", "score", "reason", "suggestion", "checked")}
                     | {"start_ms": doc.words[first].start_ms if last > first else it["start_ms"],
                        "end_ms": doc.words[last - 1].end_ms if last > first else it["end_ms"],
                        "text": " ".join(w.text for w in doc.words[first:last])})
    return {"items": items, "left": sum(1 for it in items if not it["checked"])}


def read_mark(environ: dict) -> tuple[str, bool]:
    """A mark request's ``(place id, checked)``; a ``BodyError`` for anything else."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BodyError(400, "Content-Length is not a number") from None
    if not 0 < length <= 4096:
        raise BodyError(400, "a mark is a small JSON object")
    try:
        body = json.loads(environ["wsgi.input"].read(length).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BodyError(400, "the request is not the JSON the editor sends") from None
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not isinstance(body.get("checked"), bool):
        raise BodyError(400, 'a mark needs {"id": a place id, "checked": true or false}')
    return body["id"], body["checked"]


class BodyError(EditError):
    """A save request that is not what the page sends; ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@functools.lru_cache(maxsize=1)
def _decoded_at(path: Path, mtime_ns: int):
    try:
        return load_audio(path)
    except AudioError:
        return None


def _decoded(path: Path | None):
    """The recording, decoded once per editor session (saves re-time against it)."""
    return _decoded_at(path, path.stat().st_mtime_ns) if path is not None and path.is_file() else None


def make_app(config: EditorConfig, port_of: callable):
    app = bottle.Bottle()
    app.default_error_handler = _json_error

    @app.hook("before_request")
    def guard():
        host = bottle.request.get_header("Host", "")
        if host not in (f"127.0.0.1:{port_of()}", f"localhost:{port_of()}"):
            bottle.abort(403, "refused: wrong Host")
        given = bottle.request.get_header("X-Token") or bottle.request.query.get("token") \
            or bottle.request.get_cookie(COOKIE.format(port=port_of())) or ""
        if not hmac.compare_digest(given.encode(), config.token.encode()):
            bottle.abort(403, "forbidden: this editor needs the link it printed, with its token")

    @app.hook("after_request")
    def no_sniffing():
        bottle.response.set_header("X-Content-Type-Options", "nosniff")

    @app.get("/")
    def index():
        bottle.response.set_cookie(COOKIE.format(port=port_of()), config.token, httponly=True, samesite="strict",
                                   path="/")
        bottle.response.set_header("Cache-Control", "no-store")
        return _asset("editor.html").replace("{{token}}", config.token)

    @app.get("/assets/<name>")
    def asset(name):
        if name not in ASSETS:
            bottle.abort(404, "no such asset")
        bottle.response.content_type = ASSETS[name]
        return _asset(name)

    @app.get("/api/transcript")
    def transcript():
        bottle.response.content_type = "application/json"
        return json.dumps(page_json(config.episode.load()))

    @app.get("/api/review")
    def review_list():
        bottle.response.content_type = "application/json"
        return json.dumps(review_json(config.episode))

    def posted(what: str, work):
        """A change asked by the page: only with the server's token; its answer or its error as JSON."""
        if bottle.request.get_header("X-Token") != config.token:
            bottle.abort(403, f"{what} need the X-Token header")
        bottle.response.content_type = "application/json"
        try:
            return json.dumps(work())
        except (EditError, ReviewError) as exc:
            bottle.response.status = getattr(exc, "status", 409 if isinstance(exc, Conflict) else 400)
            return json.dumps({"error": str(exc)})

    def mark():
        place, checked = read_mark(bottle.request.environ)
        with config.episode.locked():
            set_checked(config.episode.folder / REVIEW_FILE, place, checked)
        return review_json(config.episode)

    @app.post("/api/review")
    def review_mark():
        return posted("marks", mark)

    @app.get("/audio")
    def audio():
        if config.audio is None:
            bottle.abort(404, "the recording was not found (or is not audio); start the editor with --audio FILE")
        return bottle.static_file(config.audio.name, root=str(config.audio.parent),
                                  mimetype=MEDIA_TYPES.get(config.audio.suffix.lower(), "application/octet-stream"))

    @app.post("/api/save")
    def save_route():
        return posted("saves", lambda: save(config, *read_save(bottle.request.environ)))

    return app


def _json_error(error) -> str:
    """Every error answer as ``{"error": message}``, so the page can show it."""
    bottle.response.content_type = "application/json"
    bottle.response.set_header("X-Content-Type-Options", "nosniff")
    return json.dumps({"error": str(error.body or error.status_line)})


def _asset(name: str) -> str:
    return (files("transcribe_kit") / "editor_assets" / name).read_text(encoding="utf-8")


def playable(path: Path | None) -> Path | None:
    """The recording to serve: the file itself (links resolved), only when its content is audio or video."""
    if path is None:
        return None
    real = Path(path).resolve()
    return real if real.is_file() and real.suffix.lower() in MEDIA_TYPES and is_media(real) else None


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


def serve(episode_dir: Path, options: EditOptions, audio: Path | None = None):
    """A started editor server (in a thread) and its URL; call ``shutdown()`` to stop it."""
    episode = Episode(Path(episode_dir).resolve())
    found = episode.find_audio(audio)
    box: dict[str, int] = {}
    config = EditorConfig(episode, secrets.token_urlsafe(24), playable(found), options)
    app = make_app(config, lambda: box["port"])
    server = make_server("127.0.0.1", 0, app, server_class=_Server, handler_class=_Quiet)
    box["port"] = server.server_port
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/?token={config.token}"
