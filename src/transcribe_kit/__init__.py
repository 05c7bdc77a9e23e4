"""transcribe_kit: podcast and event recordings to publishable, accessible transcripts."""
from __future__ import annotations

__version__ = "0.1.0"

from .document import Transcript  # noqa: E402
from .errors import UserError  # noqa: E402

__all__ = ["Transcript", "UserError", "__version__"]
