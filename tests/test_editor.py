"""The local web editor: its security rules and its save path (no browser)."""
from __future__ import annotations

import http.client
import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
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
    """Two editor processes on one folder, each saving a different correction to the version both
    loaded, at the same moment: one is saved, the other is refused with 409 and a reason, and no
    version file is written twice."""
    import subprocess
    import sys
    import threading

    folder = make_episode(tmp_path / "rivers")
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom transcribe_kit.editing.server import serve\n"
         "from transcribe_kit.editing.apply import EditOptions\n"
         "from transcribe_kit.asr.alignment import ForcedAlignOptions\n"
         "server, url = serve(sys.argv[1], EditOptions(ForcedAlignOptions(use_audio=False)))\n"
         "print(url, flush=True)\ntime.sleep(120)\n", str(folder)],
        stdout=subprocess.PIPE, text=True)
    server, here = serve(folder, EditOptions(ForcedAlignOptions(use_audio=False)))
    try:
        urls = [here, child.stdout.readline().strip()]
        bodies = []
        for old, new, url in zip(("Cotswolds", "Thames"), ("Chilterns", "Severn"), urls):
            text, version = _page_text(url)
            bodies.append(json.dumps({"text": text.replace(old, new), "version": version}).encode())
        answers = [None, None]

        def save(k):
            answers[k] = _save(urls[k], bodies[k])

        threads = [threading.Thread(target=save, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.shutdown()
        server.server_close()
        child.kill()
        child.wait()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 409], answers
    refused = next(json.loads(data) for status, data in answers if status == 409)
    assert "reload the page" in refused["error"]
    doc = Episode(folder).load()
    assert doc.version == 2
    saved = Transcript.load(folder / ".history" / "transcript.v2.json")
    assert saved.text() == doc.text() and ("Chilterns" in doc.text()) != ("Severn" in doc.text())
    assert ("Chilterns" in doc.text()) == ("Chilterns" in (folder / "captions.vtt").read_text())


def _page_text(url: str) -> tuple[str, int]:
    status, data = request(url, "/api/transcript", headers={"X-Token": token_of(url)})
    page = json.loads(data)
    blocks = [f"{p['speaker']}: " + " ".join(w[0] for w in p["words"])
              for s in page["sections"] for p in s["paragraphs"]]
    return "\n\n".join(blocks), page["version"]


def _save(url: str, body: bytes, headers: dict | None = None):
    return request(url, "/api/save", "POST",
                   {"X-Token": token_of(url), "Content-Type": "application/json", **(headers or {})}, body)


def test_another_editors_cookie_does_not_lock_this_one_out(editor, tmp_path):
    """Browsers share cookies between the ports of 127.0.0.1: a second editor's cookie (and an old
    one-name cookie) must not make the first refuse its own page's requests."""
    folder, url = editor
    other = make_episode(tmp_path / "other")
    server, other_url = serve(other, EditOptions(ForcedAlignOptions(use_audio=False)))
    try:
        port = urlsplit(other_url).port
        cookies = f"tk_token_{port}={token_of(other_url)}; tk_token={token_of(other_url)}"
        text, version = _page_text(url)
        status, data = _save(url, json.dumps({"text": text.replace("Thames", "Severn"), "version": version}).encode(),
                             {"Cookie": cookies})
        assert status == 200, data
        status, _ = request(url, "/api/transcript", headers={"X-Token": token_of(url), "Cookie": cookies})
        assert status == 200
    finally:
        server.shutdown()
        server.server_close()
    assert "Severn" in (folder / "transcript.txt").read_text()


def test_every_error_is_json_the_page_can_show(editor):
    _, url = editor
    status, data = request(url, "/api/transcript", headers={"X-Token": "wrong"})
    assert status == 403 and "token" in json.loads(data)["error"]
    status, data = request(url, "/nowhere?token=" + token_of(url))
    assert status == 404 and json.loads(data)["error"]


@pytest.mark.parametrize("body, message", [
    (b'{"text": "Ann: hi", "version": 1e400}', "version must be a whole number"),
    (b"[" * 100_000 + b"]" * 100_000, "not the JSON the editor sends"),
    (b'["Ann: hi"]', "needs"),
    (b'{"text": 5}', "needs"),
    (b"\xff\xfe", "not the JSON the editor sends"),
])
def test_malformed_saves_are_refused_with_a_reason(editor, body, message):
    folder, url = editor
    before = snapshot(folder)
    status, data = _save(url, body)
    assert status == 400 and message in json.loads(data)["error"]
    assert snapshot(folder) == before


def test_bodies_are_read_only_up_to_the_limit(editor):
    """A chunked body is refused unread, a Content-Length over the limit too; an edit far longer
    than the episode is refused before any alignment."""
    import socket

    from transcribe_kit.editing import server as editor_server

    folder, url = editor
    before = snapshot(folder)
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall((f"POST /api/save HTTP/1.1\r\nHost: 127.0.0.1:{parts.port}\r\nX-Token: {token_of(url)}\r\n"
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
                     + b"4000\r\n" + b"x" * 0x4000 + b"\r\n")
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.0 411") or answer.startswith(b"HTTP/1.1 411"), answer[:80]
    status, data = request(url, "/api/save", "POST", {"X-Token": token_of(url), "Content-Type": "application/json",
                                                       "Content-Length": str(editor_server.MAX_BODY + 1)}, b"{}")
    assert status == 413
    text, version = _page_text(url)
    status, data = _save(url, json.dumps({"text": text + "\n\nAnn: " + "word " * 200_000, "version": version}).encode())
    assert status == 400 and "far more than this episode" in json.loads(data)["error"]
    assert snapshot(folder) == before


def test_control_characters_are_refused_with_their_line(editor):
    folder, url = editor
    before = snapshot(folder)
    text, version = _page_text(url)
    status, data = _save(url, json.dumps({"text": text.replace("Thames", "Tha\u0007mes"), "version": version}).encode())
    assert status == 400 and json.loads(data)["error"].startswith("line 5: a control character (U+0007)")
    assert snapshot(folder) == before


def test_a_save_answers_with_the_caption_check(editor):
    folder, url = editor
    text, version = _page_text(url)
    status, data = _save(url, json.dumps({"text": text.replace("Thames", "Severn"), "version": version}).encode())
    result = json.loads(data)
    assert status == 200 and result["caption_problems"] == 0
    assert [line.split(":")[0] for line in result["captions"]] == ["captions.vtt", "captions.srt"]


def test_audio_is_served_only_when_it_is_audio(tmp_path):
    """/audio serves the recording by its content, with a fixed type and nosniff; a transcript whose
    `source` names a system file, or a recording that links to a text file, serves nothing."""
    from conftest import write_wav

    secret = tmp_path / "passwd.mp3"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    for name, make in (("source", None), ("link", "link")):
        folder = make_episode(tmp_path / name)
        doc = Episode(folder).load()
        if make:
            (folder / "rivers.mp3").symlink_to(secret)
        else:
            (folder / "transcript.json").write_text(replace(doc, source=str(secret)).to_json())
        server, url = serve(folder, EditOptions(ForcedAlignOptions(use_audio=False)))
        try:
            status, data = request(url, "/audio?token=" + token_of(url))
        finally:
            server.shutdown()
            server.server_close()
        assert status == 404 and b"root:" not in data
    folder = make_episode(tmp_path / "real")
    write_wav(folder / "rivers.wav", np.zeros(16000, dtype=np.float32) + 0.01)
    server, url = serve(folder, EditOptions(ForcedAlignOptions(use_audio=False)))
    try:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.request("GET", "/audio?token=" + token_of(url))
        response = conn.getresponse()
        response.read()
        conn.close()
    finally:
        server.shutdown()
        server.server_close()
    assert response.status == 200 and response.getheader("Content-Type") == "audio/wav"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
