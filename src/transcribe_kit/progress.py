"""Progress hooks: a rich progress bar on stderr, or nothing."""
from __future__ import annotations

import sys
from contextlib import contextmanager

STAGE_NAMES = {
    "decode": "Decoding audio",
    "recognise": "Recognising speech",
    "diarise": "Finding speakers",
    "style": "Names and house style",
    "turns": "Building turns",
    "write": "Writing outputs",
}


def silent(stage: str, completed: int, total: int) -> None:
    pass


@contextmanager
def rich_hook(label: str, enabled: bool = True):
    """Yield a hook drawing one bar per stage, silent when stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield silent
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn(f"[bold]{label}[/] {{task.description}}"), BarColumn(),
                        TaskProgressColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=False)
    tasks: dict[str, int] = {}

    def hook(stage: str, completed: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(STAGE_NAMES.get(stage, stage), total=max(total, 1))
        progress.update(tasks[stage], completed=completed, total=max(total, 1))

    with progress:
        yield hook
