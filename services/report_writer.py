"""Writing the report draft into Word through a template the department can edit (docxtpl: Jinja2 in
Word). The bundled template is `bot/defaults/report_template.docx`, built by
`scripts/make_report_template.py`; `REPORT_TEMPLATE_FILE` replaces it.

The template receives the draft (`services.report_service.ReportDraft`) as plain values — `areas`,
`counts`, `blockers`, `next_due`, `appendix`, … — and three filters: `d` (a date as dd/mm/yyyy), `dm`
(dd/mm) and `upper` (Jinja's own). A broken template (not a .docx, a Jinja error, an unknown name) raises
`ReportTemplateError` with one line saying what is wrong; the output file is written only once the whole
document rendered (a temporary file is renamed into place).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate

from services.report_files import DOCX_MIME, ReportTemplateError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance  # the draft: services.report_service.ReportDraft

__all__ = ["DOCX_MIME", "ReportTemplateError", "render"]


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _day_month(value: dt.date | None) -> str:
    return value.strftime("%d/%m") if value else ""


def environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters["d"] = _date
    env.filters["dm"] = _day_month
    return env


def context(draft: DataclassInstance) -> dict[str, Any]:
    """The template's values: the draft (`services.report_service.ReportDraft`) as plain dicts and lists."""
    return dataclasses.asdict(draft)


def render(draft: DataclassInstance, template: Path, out: Path) -> Path:
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
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        doc.save(str(tmp))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
