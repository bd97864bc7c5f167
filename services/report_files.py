"""What callers of the report writer need without loading it: the Word file's MIME type and the
template error. `services/report_writer.py` imports docxtpl, python-docx, jinja2 and lxml; a bot
process that never drafts a report should not pay for them at start."""

from __future__ import annotations

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportTemplateError(Exception):
    """The template cannot be used; the message says why, in one line."""
