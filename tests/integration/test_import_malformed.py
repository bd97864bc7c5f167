"""Malformed plans fail with an error that names the line and what was expected, and write nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.plan import PlanFormatError
from storage.models import Assignment, AssignmentLead, Milestone, Plan, Section, Task, Unit
from tests.conftest import SEED
from tests.fixtures_plans import edit_seed, line_index

TASK3 = "3\tKế hoạch kiểm tra CCHC năm 2022"


def _replace_in(prefix: str, old: str, new: str):
    def edit(lines: list[str]) -> list[str]:
        i = line_index(lines, prefix)
        assert old in lines[i]
        lines[i] = lines[i].replace(old, new, 1)
        return lines

    return edit


def _drop(prefix: str):
    def edit(lines: list[str]) -> list[str]:
        del lines[line_index(lines, prefix)]
        return lines

    return edit


def _cut_after(prefix: str):
    def edit(lines: list[str]) -> list[str]:
        return lines[: line_index(lines, prefix) + 1]

    return edit


def _without_headers(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("STT\t")]


def _task3_line() -> int:
    return line_index(SEED.read_text(encoding="utf-8").splitlines(), TASK3) + 1


# (id, edit, expected message: where + what was expected)
CASES = [
    ("missing-total", _drop("TỔNG SỐ"), r"^thiếu dòng tổng «TỔNG SỐ: 59 NHIỆM VỤ» ở cuối bảng \(tệp bị cắt\?\)$"),
    ("cut-off-file", _cut_after("40\t"), r"^thiếu dòng tổng «TỔNG SỐ: 40 NHIỆM VỤ» ở cuối bảng"),
    (
        "wrong-total",
        _replace_in("TỔNG SỐ", "59", "58"),
        r"^dòng 311: dòng tổng ghi 58 nhiệm vụ nhưng bảng có 59 nhiệm vụ$",
    ),
    (
        "wrong-column-count",
        _replace_in(TASK3, "\tVăn phòng Sở\t", " Văn phòng Sở\t"),
        rf"^dòng {_task3_line()}: hàng bảng có 5 cột, cần 6 cột \(STT, Nhiệm vụ, Sản phẩm, Đơn vị chủ trì",
    ),
    # An unknown lead unit no longer stops the import: the row imports without it and the import names it
    # with a suggestion (tests/unit/test_plan_other_layouts.py).
    (
        "no-lead-unit",
        _replace_in(TASK3, "\tVăn phòng Sở\t", "\t\t"),
        rf"^dòng {_task3_line()}: nhiệm vụ 3: thiếu đơn vị chủ trì$",
    ),
    # An unknown deadline phrase is no longer an error: it imports as a milestone that needs a date
    # (tests/integration/test_deadline_needs_date.py).
    (
        "row-without-task",
        _replace_in(TASK3, TASK3, "3\t"),
        rf"^dòng {_task3_line()}: nhiệm vụ 3 thiếu tên nhiệm vụ$",
    ),
    (
        "numbering-gap",
        _replace_in("30\t", "30\t", "31\t"),
        r"^dòng \d+: số thứ tự nhiệm vụ không liên tục: cần 30, gặp 31$",
    ),
    ("missing-section", _drop("IV\t"), r"^dòng \d+: mục La Mã không liên tục: cần mục IV, gặp mục V$"),
    ("no-table", _without_headers, r"^không thấy bảng phụ lục nhiệm vụ"),
    ("no-title", _drop("KẾ HOẠCH"), r"^không thấy tên kế hoạch"),
]


async def _counts(app) -> dict[str, int]:
    async with app.sessions() as session:
        return {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (Plan, Section, Task, Assignment, AssignmentLead, Milestone, Unit)
        }


@pytest.mark.parametrize(("edit", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_malformed_plan_fails_and_writes_nothing(seeded_app, tmp_path, edit, message):
    before_counts, before_dump = await _counts(seeded_app), await seeded_app.plans.dump()
    path = edit_seed(tmp_path, "bad.txt", edit)
    with pytest.raises(PlanFormatError, match=message):
        await seeded_app.plans.import_plan(path)
    assert await _counts(seeded_app) == before_counts
    assert await seeded_app.plans.dump() == before_dump


async def test_malformed_plan_on_an_empty_database_writes_nothing(app, tmp_path):
    path = edit_seed(tmp_path, "bad.txt", CASES[2][1])
    with pytest.raises(PlanFormatError):
        await app.plans.import_plan(path)
    assert set((await _counts(app)).values()) == {0}
    assert not await app.plans.has_plan()


async def test_missing_file(app, tmp_path):
    with pytest.raises(PlanFormatError, match="không tìm thấy tệp"):
        await app.plans.import_plan(tmp_path / "nothing.txt")


async def test_text_encodings(app, tmp_path):
    """Notepad's "Unicode" (UTF-16) is read; a legacy 8-bit encoding is refused with the line named."""
    utf16 = tmp_path / "utf16.txt"
    utf16.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-16")
    assert (await app.plans.import_plan(utf16)).tasks == 59
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(SEED.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    with pytest.raises(PlanFormatError, match=r"«legacy\.txt» không phải văn bản UTF-8 \(byte lạ ở dòng 4\)"):
        await app.plans.import_plan(legacy)
