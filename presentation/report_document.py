"""Writing the report draft into Word through a template the department can edit (docxtpl: Jinja2 in
Word). The bundled template is `bot/defaults/report_template.docx`, built by
`scripts/make_report_template.py`; `REPORT_TEMPLATE_FILE` replaces it. It stands in presentation because
it chooses what a reader of the document sees (and the words of a broken template's error); the bootstrap
hands `render` to the report service, importing this module only when a draft is written.

The template receives the draft (`services.report_model.ReportDraft`) as plain values — `direction`,
`areas`, `counts`, `overdue`, `blockers`, `causes`, `due_next`, `stats`, `targets`, `indicators`, … (docs/report.md
lists them) — and three filters: `d` (a date as dd/mm/yyyy), `dm` (dd/mm) and `upper` (Jinja's own). A
broken template (not a .docx, a Jinja error, an unknown name) raises `ReportTemplateError` with one line
saying what is wrong; the output file is written only once the whole document rendered (a temporary file
is renamed into place).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate

from domain.projection import Counts
from services.report_files import DOCX_MIME, ReportTemplateError, save_atomically
from services.report_model import ReportDraft

__all__ = ["DOCX_MIME", "ReportTemplateError", "context", "render"]


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _day_month(value: dt.date | None) -> str:
    return value.strftime("%d/%m") if value else ""


class _Environment(jinja2.Environment):
    """Jinja compiles a template's XML in about 0.7 s (most of a draft's render): the compiled parts are
    kept by their source, so a second draft from the same template renders its data only. An edited
    template is new source, hence compiled afresh."""

    KEEP = 16

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self.filters["d"] = _date
        self.filters["dm"] = _day_month
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= self.KEEP:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


_ENV = _Environment()


def environment() -> jinja2.Environment:
    return _ENV


def plain(value: Any) -> Any:
    """Dataclasses as dicts, recursively; a projection's `Counts` also gives its `done_percent`."""
    if isinstance(value, Counts):
        return {**{f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, "done_percent": value.done_percent}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.metadata.get("template", True)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def context(draft: ReportDraft) -> dict[str, Any]:
    """The template's values: the draft as plain dicts and lists."""
    values: dict[str, Any] = plain(draft)
    return values


def render(draft: ReportDraft, template: Path, out: Path) -> Path:
    template = Path(template)
    if not template.is_file():
        raise ReportTemplateError(f"không tìm thấy mẫu báo cáo {template} (REPORT_TEMPLATE_FILE)")
    try:
        doc = DocxTemplate(str(template))
        doc.render(context(draft), environment(), autoescape=True)
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError):
        raise ReportTemplateError(f"mẫu báo cáo {template.name} không phải tệp Word .docx hợp lệ") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ReportTemplateError(f"mẫu báo cáo {template.name} có lỗi cú pháp: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise ReportTemplateError(f"mẫu báo cáo {template.name} dùng tên không có trong dữ liệu: {exc.message}") from None
    except (jinja2.TemplateError, TypeError, AttributeError) as exc:
        raise ReportTemplateError(f"mẫu báo cáo {template.name} không dùng được: {exc}") from None
    return save_atomically(Path(out), doc.save)
