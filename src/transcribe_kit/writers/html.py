"""The published page as semantic HTML: ``h1`` title, a ``section`` with an ``h2`` per
chapter, and each paragraph carrying its speaker and start time as data attributes.

Rendered with jinja2 and autoescaping, so nothing in a transcript can inject markup.
"""
from __future__ import annotations

import re

import jinja2

from ..document import Transcript
from ..layout import build_page, paragraph_mark
from . import WriterOptions, register

TEMPLATE = """\
<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ page.title or episode }}</title>
</head>
<body>
<article class="transcript">
<header>
<h1>{{ page.title or episode }}</h1>
{% if page.published %}<p class="published">Published: <time datetime="{{ published_iso }}">{{ page.published }}</time></p>
{% endif %}{% for cls, text in intro %}<p class="{{ cls }}">{{ text }}</p>
{% endfor %}</header>
{% for section in page.sections %}<section data-start="{{ section.start_ms }}">
{% if section.heading %}<h2>{{ section.heading }}</h2>
{% endif %}{% for p in section.paragraphs %}<p data-speaker="{{ p.speaker }}"{% if p.speaker_id %} data-speaker-id="{{ p.speaker_id }}"{% endif %} data-start="{{ p.start_ms }}" data-end="{{ p.end_ms }}">{% if timestamps %}<time class="mark">{{ mark(p) }}</time> {% endif %}{% if p.opens_turn %}<b class="speaker">{{ p.speaker }}:</b> {% endif %}{{ p.text }}</p>
{% endfor %}</section>
{% endfor %}{% if closing %}<footer>
{% for text in closing %}<p>{{ text }}</p>
{% endfor %}</footer>
{% endif %}</article>
</body>
</html>
"""


def _template():
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.from_string(TEMPLATE)


@register("html", "transcript.html", "the published page as semantic HTML")
def render(doc: Transcript, options: WriterOptions) -> str:
    page = build_page(doc)
    intro = [(cls, text) for cls, text in (("summary", page.summary), ("participants", page.participants),
                                           ("series", page.series_intro)) if text]
    closing = [b.strip() for b in re.split(r"\n\s*\n", page.closing or "") if b.strip()]
    return _template().render(
        page=page, episode=doc.episode, lang=doc.language or "en", intro=intro, closing=closing,
        published_iso=doc.meta.published.isoformat() if doc.meta.published else "",
        timestamps=options.timestamps, mark=paragraph_mark,
    )
