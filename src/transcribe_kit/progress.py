"""Progress hooks: a rich progress bar on stderr, or nothing."""
from __future__ import annotations

import sys
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

STAGE_NAMES = {
    "decode": "Decoding audio",
    "recognise": "Recognising speech",
    "events": "Hearing speech and music",
    "sounds": "Listening for skipped speech and music",
    "timing": "Snapping word times",
    "diarise": "Finding speakers",
    "style": "Names and house style",
    "turns": "Building turns",
    "speakers": "Naming speakers",
    "edges": "Closing gaps between words",
    "second": "A second opinion on the words",
    "review": "Places to check",
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


class BatchProgress:
    """An overall bar plus one bar per episode, showing the stage it is in."""

    def __init__(self, total: int, enabled: bool = True):
        self.enabled = enabled and sys.stderr.isatty()
        self.total = total
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> BatchProgress:
        if self.enabled:
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                                     TimeElapsedColumn(), console=Console(stderr=True))
            self.progress.__enter__()
            self.overall = self.progress.add_task("[bold]All episodes[/]", total=max(self.total, 1))
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self.progress.__exit__(*exc)

    def event(self, episode: str, stage: str, completed: int, total: int) -> None:
        if not self.enabled:
            return
        if episode not in self.tasks:
            self.tasks[episode] = self.progress.add_task(episode, total=1)
        description = f"{episode}: {STAGE_NAMES.get(stage, stage)}"
        self.progress.update(self.tasks[episode], description=description, completed=completed, total=max(total, 1))

    def done(self, episode: str, failed: bool) -> None:
        if not self.enabled:
            return
        if episode not in self.tasks:
            self.tasks[episode] = self.progress.add_task(episode, total=1)
        mark = "[red]failed[/]" if failed else "[green]done[/]"
        self.progress.update(self.tasks[episode], description=f"{episode}: {mark}", completed=1, total=1)
        self.progress.advance(self.overall)
