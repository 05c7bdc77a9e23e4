"""The ``review`` command: the places an editor should check first."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..editing import Episode
from ..review import REVIEW_FILE, ReviewError
from ..review.queue import BUDGET, WORTH, describe, in_context, load_queue, place_words, summary
from .options import user_errors


@click.command()
@click.argument("episode_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--top", type=click.IntRange(1), default=None,
              help=f"Show the N most doubtful unchecked places [default: the list an editor is given: the "
                   f"places that fit in {BUDGET:.0%} of the words, and any scored {WORTH} or more].")
@click.option("--all", "show_all", is_flag=True, help="Show every place, checked ones and low scores too.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the places as JSON (review.json's items, with their words).")
@user_errors
def review(episode_dir, top, show_all, as_json):
    """List the places in EPISODE_DIR most likely to be wrong, most doubtful first.

    Each place: its time, its kind (words, speaker, name), the chance that
    something there is wrong, its words in [brackets] with a little context,
    why it is listed, and a name it nearly spells where there is one.
    """
    doc = Episode(episode_dir).load()
    if not (episode_dir / REVIEW_FILE).is_file():
        raise ReviewError(f"{episode_dir}: no {REVIEW_FILE} (an episode processed before the review stage); "
                          "process it again to list the places to check (with its stage cache, only the review is redone)")
    queue = load_queue(episode_dir, doc)
    if show_all:
        items = list(queue.items)
    elif top:
        items = [it for it in queue.items if not it.get("checked")]
    else:
        items = queue.to_check()
    items = items[:top] if top else items
    if as_json:
        rows = [it | {"text": " ".join(w.text for w in doc.words[slice(*place_words(doc, it))]),
                      "context": in_context(doc, it)} for it in items]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for it in items:
        click.echo(describe(doc, it))
    click.echo(summary(episode_dir, queue))
