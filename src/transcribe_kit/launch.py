"""The ``transcribe-kit`` command's start: the C heap's settings, then the command line.

glibc reads its tunables only when a process starts, so the command starts again once with the C heap
on huge pages (``memory.huge_pages_environment``).  That happens here, before click and the commands are
imported: the first process then costs a bare interpreter's start, not the half second the command
line's imports take.
"""
from __future__ import annotations

import os
import sys

from . import memory


def main():
    environment = memory.huge_pages_environment()
    if environment is not None and sys.executable and getattr(sys, "orig_argv", None):
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environment)
    from .cli import main as command_line  # the commands load in the process that runs them

    command_line()
