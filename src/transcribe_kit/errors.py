"""The one base class of every error whose message is meant for the user.

Each stage raises its own subclass (``AudioError``, ``GlossaryError``, ...) with a
message that says what is wrong and what to do; the CLI and the batch runner catch
``UserError`` alone and show that message as one ``Error:`` line, so a new error
class is reported properly the moment it subclasses this one.  Anything else that
escapes is a bug and is reported as an internal error.

Each subclass also keeps the builtin base it always had (``ValueError``, ``OSError``,
``RuntimeError``), so code that caught those still does.
"""
from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: a bad path, a malformed file, a missing model."""
