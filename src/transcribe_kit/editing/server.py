"""``transcribe-kit edit``: a local web editor for one episode folder.

Served by bottle on 127.0.0.1 only, on a random port, behind a secret token
(in the first URL; then an HttpOnly same-site cookie).  Requests with another
Host header are refused (DNS rebinding), every route is fixed (no path from
the request reaches the file system), and the only files it reads are its own
packaged assets, the episode's transcript.json and the episode's recording.
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

from ..audio import AudioError
from ..audio import load as load_audio
from ..layout import build_page
from .apply import EditOptions
from .episode import Conflict, Episode, speaker_names
from .readback import EditError, parse_body, text_blocks

ASSETS = {"editor.js": "application/javascript", "editor.css": "text/css"}
COOKIE = "tk_token"
MAX_BODY = 20 * 1024 * 1024


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
        page = parse_body(text_blocks(text), speaker_names(doc))
        result = episode.apply_page(doc, page, lambda: _decoded(config.audio), config.options)
    return {"version": result.transcript.version, "changes": len(result.changes),
            "summary": result.transcript.history[-1].summary if result.changed else "no changes",
            "aligned": result.aligned, "estimated": result.estimated}


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
    import bottle

    app = bottle.Bottle()

    @app.hook("before_request")
    def guard():
        host = bottle.request.get_header("Host", "")
        if host not in (f"127.0.0.1:{port_of()}", f"localhost:{port_of()}"):
            bottle.abort(403, "refused: wrong Host")
        given = bottle.request.query.get("token") or bottle.request.get_cookie(COOKIE) \
            or bottle.request.get_header("X-Token") or ""
        if not hmac.compare_digest(given.encode(), config.token.encode()):
            bottle.abort(403, "forbidden: this editor needs the link it printed, with its token")

    @app.get("/")
    def index():
        bottle.response.set_cookie(COOKIE, config.token, httponly=True, samesite="strict", path="/")
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

    @app.get("/audio")
    def audio():
        if config.audio is None or not config.audio.is_file():
            bottle.abort(404, "the recording was not found; start the editor with --audio FILE")
        return bottle.static_file(config.audio.name, root=str(config.audio.parent))

    @app.post("/api/save")
    def save_route():
        if bottle.request.get_header("X-Token") != config.token:
            bottle.abort(403, "saves need the X-Token header")
        if (bottle.request.content_length or 0) > MAX_BODY:
            bottle.abort(413, "too large")
        bottle.response.content_type = "application/json"
        try:
            body = json.loads(bottle.request.body.read().decode("utf-8"))
            version = body.get("version")
            return json.dumps(save(config, str(body["text"]), int(version) if version is not None else None))
        except (EditError, ValueError, KeyError, TypeError, AttributeError) as exc:
            bottle.response.status = 409 if isinstance(exc, Conflict) else 400
            return json.dumps({"error": str(exc)})

    return app


def _asset(name: str) -> str:
    return (files("transcribe_kit") / "editor_assets" / name).read_text(encoding="utf-8")


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
    config = EditorConfig(episode, secrets.token_urlsafe(24), found.resolve() if found else None, options)
    app = make_app(config, lambda: box["port"])
    server = make_server("127.0.0.1", 0, app, server_class=_Server, handler_class=_Quiet)
    box["port"] = server.server_port
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/?token={config.token}"
