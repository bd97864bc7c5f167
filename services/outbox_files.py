"""Files written for a chat answer (exports, report drafts, charts) live only until they are sent."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path


def prune(folder: Path, pattern: str, keep: dt.timedelta) -> None:
    """Remove the files of `folder` matching `pattern` older than `keep`. Wall clock on purpose: a
    file's age is real even when the bot's calendar is pinned for a demo. A file another process removed
    first, or cannot remove, is left alone."""
    limit = time.time() - keep.total_seconds()
    for old in folder.glob(pattern):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass
