"""Next year's plan against this year's: tasks are matched by what they are, not by their number."""

from __future__ import annotations

from domain.plan_diff import TaskOutline, diff_plans

OLD = [
    TaskOutline(1, "Ban hành Kế hoạch CCHC năm 2022", ("van-phong",), ("Tháng 12/2021",), ("Kế hoạch CCHC năm 2022",)),
    TaskOutline(2, "Kế hoạch kiểm tra CCHC năm 2022", ("van-phong",), ("Quý III",)),
    TaskOutline(3, "Công tác rà soát TTHC", ("van-phong", "qltm"), ("Theo thời hạn Kế hoạch rà soát",)),
    TaskOutline(4, "Tổ chức hội thảo chuyển đổi số năm 2022", ("qlcn",), ("Quý II",)),
]


def test_a_new_first_task_renumbers_the_others_without_changing_them():
    new = [TaskOutline(1, "Tổng kết Kế hoạch CCHC năm 2022", ("van-phong",), ("Tháng 02/2023",))] + [
        TaskOutline(t.number + 1, t.title.replace("2022", "2023"), t.leads,
                    tuple(d.replace("2021", "2022") for d in t.deadlines), tuple(p.replace("2022", "2023") for p in t.products))
        for t in OLD
    ]
    diff = diff_plans(2022, OLD, 2023, new)
    assert [t.number for t in diff.added] == [1]
    assert diff.removed == ()
    assert diff.changed == ()  # only the years moved
    assert [(c.old.number, c.new.number) for c in diff.kept] == [(1, 2), (2, 3), (3, 4), (4, 5)]
    assert all(c.renumbered for c in diff.kept)


def test_removed_task_changed_deadline_and_changed_leads_are_named():
    new = [
        TaskOutline(1, "Ban hành Kế hoạch CCHC năm 2023", ("van-phong",), ("Tháng 12/2022",), ("Kế hoạch CCHC năm 2023",)),
        TaskOutline(2, "Kế hoạch kiểm tra công tác CCHC năm 2023", ("van-phong",), ("Quý II",)),
        TaskOutline(3, "Công tác rà soát TTHC", ("van-phong", "qlnl"), ("Theo thời hạn Kế hoạch rà soát",)),
    ]
    diff = diff_plans(2022, OLD, 2023, new)
    assert [t.number for t in diff.removed] == [4]
    assert diff.added == ()
    changed = {c.new.number: c for c in diff.changed}
    assert set(changed) == {2, 3}
    assert changed[2].deadlines_changed and changed[2].title_changed and not changed[2].leads_changed
    assert changed[3].leads_added == ("qlnl",) and changed[3].leads_removed == ("qltm",)
    assert [c.new.number for c in diff.lead_changes] == [3]


def test_the_part_of_a_diff_that_concerns_one_unit():
    new = [TaskOutline(1, "Công tác rà soát TTHC", ("van-phong", "qlnl"), ("Theo thời hạn Kế hoạch rà soát",)),
           TaskOutline(2, "Số hóa hồ sơ TTHC", ("qltm",), ("Quý IV",))]
    mine = diff_plans(2022, OLD, 2023, new).for_unit("qltm")
    assert [t.number for t in mine.added] == [2]
    assert [c.new.number for c in mine.kept] == [1]  # it led task 3 last year, no more this year
    assert mine.removed == ()
