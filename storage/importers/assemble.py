"""Turn a `PlanSource` (narrative + appendix rows) into a `ParsedPlan`.

This is where the document's conventions are understood: section rows I–VII, task rows, sub-rows
without a number (a second assignment of the same task), rows continued across a page break, bullet
lists inside cells, unit phrases (collectives expanded), scoped lead units and deadline phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.deadlines import parse_deadline, restrict_to_scope
from domain.plan import ParsedAssignment, ParsedPlan, ParsedSection, ParsedTask, PlanFormatError
from domain.reporting import ReportingCalendar
from domain.text import fold, nfc
from domain.units import UnitDirectory
from storage.importers.source import PlanSource, Row

ROMANS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_HTML = re.compile(r"<[^>]+>")
_BULLET = re.compile(r"(?:^|(?<=[\s;.]))-\s+")


def clean(cell: str) -> str:
    return nfc(_HTML.sub(" ", cell or ""))


def bullets(cell: str) -> list[str]:
    """'- a; - b' → ['a', 'b']; a cell without a leading dash is one item."""
    text = clean(cell)
    if not text:
        return []
    if not text.startswith("-"):
        return [text.rstrip(" ;")]
    return [item.strip().rstrip(" ;") for item in _BULLET.split(text) if item.strip(" ;")]


@dataclass
class _TaskRows:
    number: int
    section: int
    rows: list[list[str]] = field(default_factory=list)
    where: list[str] = field(default_factory=list)


def build_plan(source: PlanSource, units: UnitDirectory, calendar: ReportingCalendar) -> ParsedPlan:
    title, issuer, year = _read_title(source)
    issuer = issuer or units.department  # a workbook named from its file name has no "của <cơ quan>"
    targets = _read_targets(source.narrative)
    sections, grouped = _group_rows(source.rows)
    for section in sections:
        section.targets = targets.get(section.number, [])
    tasks = [_build_task(group, units, calendar, year) for group in grouped]
    _check_numbering(tasks, grouped, source)
    number, signed = find_reference(source.narrative)
    return ParsedPlan(year=year, title=title, issuer=issuer, sections=sections, tasks=tasks, number=number,
                      signed=signed)


# -- narrative ------------------------------------------------------------------------------------
def find_title(narrative: list[str]) -> str | None:
    """The plan's name from its heading: a line 'KẾ HOẠCH' followed by the name, or 'Kế hoạch ...'."""
    lines = [nfc(line) for line in narrative if line.strip()]
    for i, line in enumerate(lines):
        if fold(line) == "ke hoach" and i + 1 < len(lines):
            return f"Kế hoạch {lines[i + 1]}"
        if fold(line).startswith("ke hoach "):
            return line[0].upper() + line[1:]
    return None


_REFERENCE = re.compile(
    r"Kế hoạch số\s*(?P<number>[^\s,;()]*/\s*KH[-\w.Đđ]*)(?:\s*ngày\s*(?P<date>(?:\d{1,2})?\s*/\s*\d{1,2}\s*/\s*\d{4}))?",
    re.IGNORECASE,
)


def find_reference(narrative: list[str]) -> tuple[str | None, str | None]:
    """The plan's own number and date («(Kèm theo Kế hoạch số /KH-SCT ngày /12/2021 …)»), as far as the
    file states them: a number or day left blank in the document stays out («/KH-SCT», «/12/2021»)."""
    for line in narrative:
        m = _REFERENCE.search(nfc(line))
        if m:
            date = re.sub(r"\s+", "", m.group("date")) if m.group("date") else None
            return re.sub(r"\s+", "", m.group("number")), date
    return None, None


def _read_title(source: PlanSource) -> tuple[str, str, int]:
    title = source.extra.get("title") or find_title(source.narrative)
    if not title:
        raise PlanFormatError("không thấy tên kế hoạch (dòng 'KẾ HOẠCH' và tên kế hoạch ở đầu văn bản)")
    year_match = re.search(r"(?:năm|nam)\s+(\d{4})", title, re.IGNORECASE)
    if not year_match:
        raise PlanFormatError(f"tên kế hoạch «{title}» không có năm (vd. 'năm 2022')")
    issuer_match = re.search(r"của\s+(.+?)\s+năm\s+\d{4}", title)
    issuer = source.extra.get("issuer") or (issuer_match.group(1) if issuer_match else "")
    return title, issuer, int(year_match.group(1))


def _read_targets(narrative: list[str]) -> dict[int, list[str]]:
    """The 'a) Chỉ tiêu' bullets of part II, per numbered reform area."""
    targets: dict[int, list[str]] = {}
    in_part_two = False
    area: int | None = None
    collecting = False
    for raw in narrative:
        line = nfc(raw)
        if not line:
            continue
        folded = fold(line)
        if re.match(r"^(i|ii|iii|iv|v|vi)\s", folded) and re.match(r"^[IVX]+\.", line):
            in_part_two = folded.startswith("ii chi tieu")
            collecting = False
            continue
        if not in_part_two:
            continue
        if numbered := re.match(r"^(\d+)\.\s+\S", line):
            area, collecting = int(numbered.group(1)), False
            continue
        if re.match(r"^[a-z]\)", line):
            collecting = folded.startswith("a chi tieu")
            continue
        if not collecting or area is None:
            continue
        bucket = targets.setdefault(area, [])
        if line.startswith("-"):
            bucket.append(line.lstrip("- ").strip())
        elif bucket and line[0].islower():
            bucket[-1] = f"{bucket[-1]} {line}"
        else:
            bucket.append(line)
    return targets


# -- table ----------------------------------------------------------------------------------------
def _group_rows(rows: list[Row]) -> tuple[list[ParsedSection], list[_TaskRows]]:
    sections: list[ParsedSection] = []
    grouped: list[_TaskRows] = []
    for row in rows:
        cells = [c or "" for c in row.cells]
        stt = clean(cells[0]).rstrip(".")
        if stt.upper() in ROMANS and not stt.isdigit():
            if ROMANS[stt.upper()] != len(sections) + 1:  # a lost or repeated section shifts every task
                expected = {n: r for r, n in ROMANS.items()}.get(len(sections) + 1, str(len(sections) + 1))
                raise PlanFormatError(
                    f"mục La Mã không liên tục: cần mục {expected}, gặp mục {stt.upper()}", where=row.where
                )
            sections.append(ParsedSection(number=ROMANS[stt.upper()], roman=stt.upper(), title=clean(cells[1])))
            continue
        if stt.isdigit():
            if not sections:
                raise PlanFormatError(f"nhiệm vụ {stt} đứng trước mục La Mã đầu tiên (I, II, ...)", where=row.where)
            grouped.append(_TaskRows(int(stt), sections[-1].number, [cells], [row.where]))
            continue
        if stt:
            raise PlanFormatError(f"cột STT phải là số thứ tự hoặc số La Mã, gặp «{stt}»", where=row.where)
        if not grouped:
            raise PlanFormatError("hàng không có STT đứng trước nhiệm vụ đầu tiên", where=row.where)
        if row.continued:  # the tail of a row split by a page break
            previous = grouped[-1].rows[-1]
            grouped[-1].rows[-1] = [f"{a.rstrip()} {b.strip()}".strip() for a, b in zip(previous, cells, strict=True)]
        else:  # a sub-row: another assignment of the same task
            grouped[-1].rows.append(cells)
            grouped[-1].where.append(row.where)
    return sections, grouped


def _build_task(group: _TaskRows, units: UnitDirectory, calendar: ReportingCalendar, year: int) -> ParsedTask:
    first = group.rows[0]
    title = clean(first[1])
    if not title:
        raise PlanFormatError(f"nhiệm vụ {group.number} thiếu tên nhiệm vụ", where=group.where[0])
    task = ParsedTask(number=group.number, section=group.section, title=title)
    for cells, where in zip(group.rows, group.where, strict=True):
        deadline = clean(cells[5]) or clean(first[5])
        products = bullets(cells[2])
        try:
            milestones = parse_deadline(deadline, year=year, products=products, calendar_=calendar)
            leads, unknown = _lead_groups(cells[3], units)
            coordinating, external = _coordinating(cells[4], units)
        except ValueError as exc:
            raise PlanFormatError(f"nhiệm vụ {group.number}: {exc}", where=where) from exc
        for lead, scope in leads:
            task.assignments.append(
                ParsedAssignment(
                    lead=lead, coordinating=coordinating, external_coordinating=external, products=products,
                    scope=scope, milestones=restrict_to_scope(_copy(milestones), scope) if scope else _copy(milestones),
                    lead_text=clean(cells[3]), coordinating_text=clean(cells[4]), deadline_text=deadline,
                    unknown_leads=list(unknown) if scope is None else [],
                )
            )
    return task


def _copy(milestones):
    from dataclasses import replace

    return [replace(m) for m in milestones]


def _lead_groups(cell: str, units: UnitDirectory) -> tuple[list[tuple[list[str], str | None]], list[str]]:
    """Lead units of one row: the unscoped ones together, each 'Unit: part of the work' on its own;
    and the names the directory does not know (they never stop the import)."""
    items = bullets(cell)
    if len(items) == 1 and ";" in items[0]:
        items = [part.strip() for part in items[0].split(";") if part.strip()]
    if not items:
        raise ValueError("thiếu đơn vị chủ trì")
    main: list[str] = []
    scoped: list[tuple[list[str], str | None]] = []
    unknown: list[str] = []
    for item in items:
        name, sep, scope = item.partition(":")
        ids = _unit_ids(name if sep else item, units)
        if not ids:
            unknown.append((name if sep else item).strip().rstrip(".;"))
            continue
        qualifier = None if sep else _qualifier(item, units)
        if sep and scope.strip():
            scoped.append((ids, scope.strip().rstrip(".")))
        elif qualifier and len(ids) > 1:
            # «Các phòng, đơn vị giải quyết hồ sơ trễ hẹn»: the qualifier is the share's scope (issue 11),
            # so that the share is not pushed to every unit of the collective.
            scoped.append((ids, qualifier))
        else:
            main.extend(i for i in ids if i not in main)
    office = units.office_id()
    if unknown and not main and office:  # held by the Văn phòng until units.yaml knows the unit
        main.append(office)
    groups = ([(main, None)] if main or unknown else []) + scoped
    return groups, unknown


def _qualifier(phrase: str, units: UnitDirectory) -> str | None:
    """The words after a collective phrase («… thuộc Sở được giao quản trị phần mềm» → «được giao quản
    trị phần mềm»), in the plan's own spelling; None when the phrase is the collective alone."""
    found = units.collective(phrase.strip().rstrip(".;"))
    if not found or not found[1]:
        return None
    words = phrase.strip().rstrip(".;").split()
    n = len(found[1].split())
    return " ".join(words[-n:]).strip(" ,.;") or None if n <= len(words) else None


def _coordinating(cell: str, units: UnitDirectory) -> tuple[list[str], list[str]]:
    ids: list[str] = []
    external: list[str] = []
    items = bullets(cell)
    if len(items) == 1 and ";" in items[0]:
        items = [part.strip() for part in items[0].split(";") if part.strip()]
    for item in items:
        item = item.strip().rstrip(".")
        parts = [item] if _unit_ids(item, units) or units.resolve(item) else re.split(r"\s+và\s+", item)
        if len(parts) > 1 and not any(_unit_ids(p, units) or units.resolve(p) for p in parts):
            parts = [item]  # «Sở Thông tin và Truyền thông»: one body whose name has «và»
        for part in parts:
            part = part.strip().rstrip(".")
            found = _unit_ids(part, units)
            if found:
                ids.extend(i for i in found if i not in ids)
            elif part:
                text = part[0].upper() + part[1:]
                if text not in external:
                    external.append(text)
    return ids, external


def _unit_ids(phrase: str, units: UnitDirectory) -> list[str]:
    """Member unit ids named by a phrase: a collective expanded, or one unit; external bodies → []."""
    phrase = phrase.strip().rstrip(".;")
    if not phrase:
        return []
    collective = units.collective(phrase)
    if collective:
        return units.members_of_kinds(collective[0].kinds)
    unit_id = units.resolve(phrase)
    unit = units.get(unit_id) if unit_id else None
    if unit is None or unit.is_external:
        return []
    return [unit.id]


def _check_numbering(tasks: list[ParsedTask], grouped: list[_TaskRows], source: PlanSource) -> None:
    if not tasks:
        raise PlanFormatError("bảng phụ lục không có nhiệm vụ nào")
    for expected, (task, group) in enumerate(zip(tasks, grouped, strict=True), start=1):
        if task.number != expected:
            raise PlanFormatError(
                f"số thứ tự nhiệm vụ không liên tục: cần {expected}, gặp {task.number}", where=group.where[0]
            )
    if source.total is None:
        if not source.require_total:
            return
        raise PlanFormatError(f"thiếu dòng tổng «TỔNG SỐ: {len(tasks)} NHIỆM VỤ» ở cuối bảng (tệp bị cắt?)")
    if source.total != len(tasks):
        raise PlanFormatError(
            f"dòng tổng ghi {source.total} nhiệm vụ nhưng bảng có {len(tasks)} nhiệm vụ", where=source.total_where
        )
