"""A unit renamed in next year's directory (`formerly:` in units.yaml) keeps its people and its history:
its head stays registered under the new unit, last year's shares and updates read under the new name, and
last year's plan, which names the old unit, still resolves to it."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from bot.bootstrap import build_app
from bot.settings import DEFAULTS
from conversation.router import Router
from domain.clock import FixedClock
from domain.units import UnitDirectory
from storage.models import Assignment, AssignmentLead, Plan, Task
from tests.conftest import SEED, make_settings
from tests.conversation_kit import AUG_15_2022, Chat, registered

RENUMBERED = Path(__file__).resolve().parents[1] / "data" / "ke-hoach-cchc-2023-renumbered.txt"


def renamed_directory(path: Path) -> Path:
    data = yaml.safe_load((DEFAULTS / "units.yaml").read_text(encoding="utf-8"))
    for unit in data["units"]:
        if unit["id"] == "qltm":
            unit.update(id="tmhn", name="Phòng Thương mại và Hội nhập", aliases=["TMHN"],
                        formerly=["qltm", "Phòng Quản lý Thương mại", "P.QLTM", "QLTM"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_directory_resolves_former_names_to_the_new_unit(tmp_path):
    units = UnitDirectory.load(renamed_directory(tmp_path / "units.yaml"))
    assert units.resolve("Phòng Quản lý Thương mại") == "tmhn"
    assert units.resolve("qltm") == "tmhn"
    assert units.renamed() == {"qltm": "tmhn"}


async def test_a_renamed_unit_keeps_its_people_and_history(tmp_path):
    clock = FixedClock(AUG_15_2022)
    settings = make_settings(tmp_path)
    app = await build_app(settings, clock=clock)
    await app.plans.import_plan(SEED)
    task = next(t for t in (await app.plans.dump())["tasks"]
                if any("qltm" in a["lead"] for a in t["assignments"]))["number"]
    chat = await registered(app, Router(app), "tm-head", "qltm")
    assert "Đã ghi nhận" in await chat.text(f"nv {task} xong")
    await app.close()

    renamed = make_settings(tmp_path, units_file=renamed_directory(tmp_path / "units.yaml"))
    app = await build_app(renamed, clock=clock)
    try:
        await app.plans.import_plan(RENUMBERED)
        who = await Chat(Router(app), "tm-head").text("tôi là ai")  # the same sender, now in the renamed unit
        assert "Phòng Thương mại và Hội nhập" in who, who
        dump_2022 = await app.plans.dump(2022)
        leads_2022 = {u for t in dump_2022["tasks"] for a in t["assignments"] for u in a["lead"]}
        assert "tmhn" in leads_2022 and "qltm" not in leads_2022
        async with app.plans.uow() as uow:
            done = await uow.session.execute(
                select(AssignmentLead.unit_id, AssignmentLead.status)
                .join(Assignment).join(Task).join(Plan)
                .where(Plan.year == 2022, Task.number == task, AssignmentLead.unit_id.in_(["qltm", "tmhn"]))
            )
            assert done.all() == [("tmhn", "done")]
    finally:
        await app.close()
