"""/xuatbaocao through the router: who gets which workbook. Coordinators and leaders export the whole
department (or a unit they name); heads and officers only their own unit, and never another's."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conversation.router import Router
from services.export_service import XLSX_MIME
from tests.conversation_kit import registered
from tests.coordinator_kit import at

NOW = at(8, 15, 9)


@pytest.fixture
def app(plan_app):
    return plan_app


@pytest.fixture
def router(app):
    return Router(app)


def workbook_of(replies):
    files = [r.file for r in replies if r.file is not None]
    assert len(files) == 1, [r.text for r in replies]
    file = files[0]
    assert file.mime_type == XLSX_MIME and file.name.endswith(".xlsx")
    assert all(r.private_only for r in replies)  # unit data never goes to a group
    return load_workbook(file.path), file


def statuses_units(wb) -> set[str]:
    """The units named in the Tình trạng column (multi-lead rows write «Unit: status»)."""
    names = set()
    for values in wb["Phụ lục"].iter_rows(min_row=4, values_only=True):
        if isinstance(values[0], str) or values[6] is None:
            continue
        for line in str(values[6]).split("\n"):
            if ": " in line:
                names.add(line.split(": ", 1)[0])
    return names


def task_numbers(wb) -> list[int]:
    return [v[0] for v in wb["Phụ lục"].iter_rows(min_row=4, values_only=True) if isinstance(v[0], int)]


async def test_coordinator_exports_the_department_with_a_period(app, router):
    coord = await registered(app, router, "c1", "van-phong", role="coordinator")
    head = await registered(app, router, "h1", "van-phong")
    await head.say("xong nhiệm vụ 3")
    replies = await coord.say("/xuatbaocao q3")
    wb, file = workbook_of(replies)
    assert "toàn Sở" in replies[0].text and "Hoàn thành Quý III" in replies[0].text
    assert wb.sheetnames == ["Phụ lục", "Tổng hợp", "Lịch sử", "Hoàn thành Quý III"]
    assert task_numbers(wb) == list(range(1, 60))
    assert file.name == "bao-cao-cchc-toan-so-q3-20220815.xlsx"
    assert [v[1] for v in wb["Hoàn thành Quý III"].iter_rows(min_row=4, values_only=True) if v[1]] == [3]

    replies = await coord.say("xuất báo cáo của thanh tra ra excel")
    wb, _ = workbook_of(replies)
    assert "Thanh tra Sở" in replies[0].text
    assert statuses_units(wb) <= {"Thanh tra Sở"} and 3 not in task_numbers(wb)


async def test_leader_exports_read_only_data(app, router):
    leader = await registered(app, router, "l1", "lanh-dao-so", role="leader")
    wb, _ = workbook_of(await leader.say("/xuatbaocao"))
    assert task_numbers(wb) == list(range(1, 60))
    assert len(wb.sheetnames) == 3


@pytest.mark.parametrize("role", ["head", "officer"])
async def test_heads_and_officers_get_their_own_unit_only(app, router, role):
    user = await registered(app, router, f"u-{role}", "qltm", role=role)
    replies = await user.say("/xuatbaocao")
    wb, file = workbook_of(replies)
    own = {lead.task_number for lead in await app.queries.leads(unit_ids=["qltm"])}
    assert set(task_numbers(wb)) == own
    assert statuses_units(wb) <= {"Phòng Quản lý Thương mại"}
    assert "Phòng Quản lý Thương mại" in wb["Phụ lục"]["A2"].value and "qltm" in file.name
    summary = [v[1] for v in wb["Tổng hợp"].iter_rows(min_row=4, max_row=5, values_only=True)]
    assert summary == ["Phòng Quản lý Thương mại", "Toàn Sở"]

    refused = await user.say("/xuatbaocao thanh tra")
    assert len(refused) == 1 and refused[0].file is None
    assert "chỉ xuất được báo cáo của Phòng Quản lý Thương mại" in refused[0].text
