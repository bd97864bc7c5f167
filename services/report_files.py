"""What callers of the report writer need without loading it: the Word file's MIME type and the
template error. `presentation/report_document.py` imports docxtpl, python-docx, jinja2 and lxml; a bot
process that never drafts a report should not pay for them at start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportTemplateError(Exception):
    """The template cannot be used; the message says why, in one line."""


def save_atomically(out: Path, save: Callable[[str], object]) -> Path:
    """Write a document beside `out` under a hidden name, then move it over `out`: a reader never sees a
    half-written file, and a failed save leaves nothing behind (the export, the report and its annex)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        save(str(tmp))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
