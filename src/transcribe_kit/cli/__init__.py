"""The ``transcribe-kit`` command line: a thin layer over the Python API.

``processing`` makes episodes (process, batch, check, publish, models);
``editing`` changes them (apply-edits, history, revert, edit, speakers, glossary,
voices); ``options`` holds the options the commands share and turns every
``UserError`` into one ``Error:`` line.
"""
from __future__ import annotations

import gc

import click

from .. import __version__, memory
from . import editing, processing, review


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transcribe-kit")
def cli():
    """Turn podcast episodes and event recordings into publishable, accessible transcripts.

    Everything runs offline, with models installed from Python packages.
    """


for _command in processing.COMMANDS + editing.COMMANDS + (review.review,):
    cli.add_command(_command)


def main():
    """The command line, once the C heap's settings are made (``transcribe_kit.launch``)."""
    memory.limit_arenas()  # before any thread starts a heap of its own
    try:
        cli(prog_name="transcribe-kit")
    finally:
        # Every output is written by now.  With torch and lightning loaded, the interpreter's
        # last garbage collection over millions of long-lived objects took a second of a short
        # clip's run; frozen, they are left to the system, which frees the whole process anyway.
        gc.freeze()
