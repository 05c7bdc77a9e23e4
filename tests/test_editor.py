"""The local web editor: its security rules and its save path (no browser)."""
from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from edit_helpers import make_episode, snapshot

from transcribe_kit.editing.server import serve
from transcribe_kit.editing.apply import EditOptions
from transcribe_kit.document import Transcript
from transcribe_kit.editing import Episode
from transcribe_kit.asr.alignment import ForcedAlignOptions


@pytest.fixture
def editor(tmp_path: Path):
    folder = make_episode(tmp_path / "rivers")
    (tmp_path / "secret.txt").write_text("outside the episode")
    server, url = serve(folder, EditOptions(ForcedAlignOptions(use_audio=False)))
    yield folder, url
    server.shutdown()
    server.server_close()


def request(url: str, path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """A raw request (no client-side path normalisation), so traversal reaches the server as sent."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def token_of(url: str) -> str:
    return url.split("token=")[1]


def test_serves_on_loopback_with_token(editor):
    folder, url = editor
    assert url.startswith("http://127.0.0.1:")
    status, body = request(url, "/?token=" + token_of(url))
    assert status == 200 and b"/assets/editor.js" in body and b"http" not in body.split(b"<body")[0].replace(b'http-equiv', b'')


@pytest.mark.parametrize("path", ["/", "/api/transcript", "/audio", "/assets/editor.js", "/?token=wrong"])
def test_no_token_is_forbidden(editor, path):
    _, url = editor
    status, _ = request(url, path)
    assert status == 403


@pytest.mark.parametrize("path", ["/assets/../transcript.json", "/assets/..%2f..%2fsecret.txt", "/transcript.json",
                                  "/assets/%2e%2e/%2e%2e/secret.txt", "/../secret.txt", "/assets/editor.html.bak"])
def test_path_traversal_is_not_found(editor, path):
    _, url = editor
    sep = "&" if "?" in path else "?"
    status, body = request(url, f"{path}{sep}token={token_of(url)}")
    assert status == 404 and b"outside the episode" not in body


def test_other_host_header_is_refused(editor):
    _, url = editor
    for host in ("evil.example:80", "127.0.0.1.evil.example", "127.0.0.1"):
        status, _ = request(url, "/?token=" + token_of(url), headers={"Host": host})
        assert status == 403


def test_save_needs_the_token_header(editor):
    folder, url = editor
    before = snapshot(folder)
    body = json.dumps({"text": "Ann: hello"}).encode()
    status, _ = request(url, "/api/save?token=" + token_of(url), "POST", {"Content-Type": "application/json"}, body)
    assert status == 403
    assert snapshot(folder) == before


def test_transcript_and_save(editor):
    folder, url = editor
    headers = {"X-Token": token_of(url)}
    status, data = request(url, "/api/transcript", headers=headers)
    page = json.loads(data)
    assert status == 200 and page["speakers"] == ["Ann", "Bob"]
    assert page["sections"][0]["heading"] == "Welcome"
    blocks = []
    for section in page["sections"]:
        if section["heading"]:
            blocks.append(f"[{section['heading']}]")
        for p in section["paragraphs"]:
            blocks.append(f"{p['speaker']}: " + " ".join(w[0] for w in p["words"]))
    text = "\n\n".join(blocks).replace("Cotswolds", "Chilterns").replace("Bob:", "Robert:")
    status, data = request(url, "/api/save", "POST", {**headers, "Content-Type": "application/json"},
                           json.dumps({"text": text}).encode())
    result = json.loads(data)
    assert status == 200 and result["version"] == 2 and result["estimated"] == 1
    assert "Robert: It rises in the Chilterns" in (folder / "transcript.txt").read_text()
    assert (folder / ".history" / "transcript.v1.json").exists()
    status, data = request(url, "/api/save", "POST", {**headers, "Content-Type": "application/json"},
                           json.dumps({"text": "[Broken\n\nAnn: hi"}).encode())
    assert status == 400 and "line 1: broken heading brackets" in json.loads(data)["error"]
    assert Episode(folder).load().version == 2


def test_edit_command_prints_the_link_and_opens_the_browser(tmp_path, monkeypatch):
    import time
    import webbrowser

    from click.testing import CliRunner

    from transcribe_kit.cli import cli

    folder = make_episode(tmp_path / "rivers")
    opened = []
    monkeypatch.setattr(webbrowser, "open", opened.append)

    def stop(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", stop)
    out = CliRunner().invoke(cli, ["edit", str(folder), "--no-audio"])
    assert out.exit_code == 0, out.output
    assert "http://127.0.0.1:" in out.output and "token=" in out.output
    assert opened and opened[0] in out.output
    out = CliRunner().invoke(cli, ["edit", str(folder), "--no-browser"])
    assert len(opened) == 1
    out = CliRunner().invoke(cli, ["edit", str(tmp_path)])
    assert out.exit_code == 1 and "no transcript.json here" in out.output


def test_a_save_against_an_older_version_is_refused(editor):
    folder, url = editor
    headers = {"X-Token": token_of(url), "Content-Type": "application/json"}
    text = (folder / "transcript.txt").read_text().split("rivers.\n\n", 2)[2].split("\n\nThanks for")[0]
    status, data = request(url, "/api/save", "POST", headers,
                           json.dumps({"text": text.replace("Cotswolds", "Chilterns"), "version": 1}).encode())
    assert status == 200 and json.loads(data)["version"] == 2
    status, data = request(url, "/api/save", "POST", headers,
                           json.dumps({"text": text.replace("London", "Oxford"), "version": 1}).encode())
    assert status == 409 and "reload the page" in json.loads(data)["error"]
    assert "Chilterns" in (folder / "transcript.txt").read_text() and "Oxford" not in (folder / "transcript.txt").read_text()


def test_two_editors_saving_at_once_lose_nothing(tmp_path: Path):
    """Two editor servers on one folder (separate locks on the same file, as two processes have),
    each saving a different correction to the version both loaded: one is saved, the other is
    refused with 409 and a reason, and no version file is written twice."""
    import threading

    folder = make_episode(tmp_path / "rivers")
    servers = [serve(folder, EditOptions(ForcedAlignOptions(use_audio=False))) for _ in range(2)]
    try:
        texts = []
        for old, new, (_, url) in zip(("Cotswolds", "Thames"), ("Chilterns", "Severn"), servers):
            status, data = request(url, "/api/transcript", headers={"X-Token": token_of(url)})
            page = json.loads(data)
            blocks = [f"{p['speaker']}: " + " ".join(w[0] for w in p["words"])
                      for s in page["sections"] for p in s["paragraphs"]]
            texts.append(json.dumps({"text": "\n\n".join(blocks).replace(old, new), "version": page["version"]}))
        answers = [None, None]

        def save(k):
            _, url = servers[k]
            answers[k] = request(url, "/api/save", "POST",
                                 {"X-Token": token_of(url), "Content-Type": "application/json"}, texts[k].encode())

        threads = [threading.Thread(target=save, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for server, _ in servers:
            server.shutdown()
            server.server_close()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 409], answers
    refused = next(json.loads(data) for status, data in answers if status == 409)
    assert "reload the page" in refused["error"]
    doc = Episode(folder).load()
    assert doc.version == 2
    saved = Transcript.load(folder / ".history" / "transcript.v2.json")
    assert saved.text() == doc.text() and ("Chilterns" in doc.text()) != ("Severn" in doc.text())
