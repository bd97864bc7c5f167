"""Plan importers: the department's document (.txt extraction, .docx, .xlsx) → `ParsedPlan`.

Each format only turns its file into a `PlanSource` (the narrative lines and the appendix rows);
`assemble.build_plan` does the rest once, so the three formats cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

from domain.plan import ParsedPlan, PlanFormatError
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from storage.importers.assemble import build_plan
from storage.importers.source import PlanSource

SUPPORTED = (".txt", ".docx", ".xlsx")


def read_source(path: Path) -> PlanSource:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        from storage.importers.text import read_text

        return read_text(_decode_text(path))
    if suffix == ".docx":
        from storage.importers.word import read_docx

        return read_docx(path)
    if suffix == ".xlsx":
        from storage.importers.excel import read_xlsx

        return read_xlsx(path)
    raise PlanFormatError(f"định dạng «{suffix or path.name}» không được hỗ trợ (chỉ nhận .txt, .docx, .xlsx)")


def _decode_text(path: Path) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with BOM — what Notepad saves as "Unicode"."""
    data = path.read_bytes()
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanFormatError(
            f"tệp «{path.name}» không phải văn bản UTF-8 (byte lạ ở dòng {line}); hãy lưu lại với mã hóa UTF-8"
        ) from exc


def parse_plan_file(
    path: str | Path, units: UnitDirectory, calendar: ReportingCalendar, *, year: int | None = None
) -> ParsedPlan:
    path = Path(path)
    if not path.is_file():
        raise PlanFormatError(f"không tìm thấy tệp {path}")
    plan = build_plan(read_source(path), units, calendar)
    return plan.rebase(year) if year else plan
