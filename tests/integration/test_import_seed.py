"""The seed plan (`ke-hoach-cchc-2022.txt`) imports exactly: every task, every awkward row.

The expected values below were read off the document by eye, not produced by the importer: a task lost
at a page break, a unit missed in a collective phrase or a row merged into the wrong task shows up here
as a named difference. Everything is checked on the stored plan's dump (docs/contracts.md §2), i.e. after the
round trip through the database.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.bootstrap import build_app
from domain.text import nfc
from tests.conftest import SEED, make_settings

VP, TTR, KH, CN, TM, NL, TTKC = "van-phong", "thanh-tra", "khtcth", "qlcn", "qltm", "qlnl", "ttkc"
# "Các phòng, đơn vị thuộc Sở" — the six internal units; "..., đơn vị trực thuộc" adds the Trung tâm.
INTERNAL = [VP, TTR, KH, CN, TM, NL]
ALL_UNITS = [*INTERNAL, TTKC]

# (number, section, title) of all 59 tasks, as printed in the appendix.
TASKS = [
    (1, 1, "Ban hành và triển khai thực hiện Kế hoạch về công tác CCHC năm 2022"),
    (2, 1, "Ban hành và triển khai thực hiện Kế hoạch tuyên truyền CCHC năm 2022"),
    (3, 1, "Kế hoạch kiểm tra CCHC năm 2022"),
    (4, 1, "Công tác tuyên truyền CCHC năm 2022"),
    (5, 1, "Báo cáo CCHC định kỳ"),
    (6, 1, "Báo cáo chuyên đề về CCHC"),
    (7, 1, "Báo cáo kiểm soát TTHC định kỳ (thực hiện đồng bộ trên Hệ thống báo cáo Chính phủ)"),
    (8, 1, "Công tác kiểm tra CCHC năm 2022"),
    (9, 1, "Sáng kiến hoặc giải pháp mới trong CCHC được áp dụng có hiệu quả"),
    (10, 1, "Thực hiện các nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao trên Hệ thống thông tin chỉ đạo điều hành"),
    (11, 1, "Trách nhiệm của người đứng đầu trong công tác CCHC"),
    (12, 2, "Xây dựng VBQPPL theo phân công của UBND tỉnh."),
    (13, 2, "Tham gia xây dựng VBQPPL."),
    (14, 2, "Thực hiện rà soát, hệ thống hóa VBQPPL do cấp tỉnh ban hành thuộc lĩnh vực quản lý của đơn vị theo đúng quy định."),
    (15, 2, "Xử lý văn bản sau rà soát, kiểm tra và kiến nghị."),
    (16, 2, "Theo dõi tình hình thi hành pháp luật"),
    (17, 3, "Công tác rà soát TTHC"),
    (18, 3, "Kịp thời tham mưu UBND tỉnh công bố TTHC theo quy định"),
    (19, 3, "Kịp thời tham mưu ban hành quy trình nội bộ giải quyết TTHC"),
    (20, 3, "Công khai đầy đủ TTHC thuộc thẩm quyền giải quyết, đường dây nóng trên Trang thông tin điện tử của cơ quan"),
    (21, 3, "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức đối với TTHC thuộc thẩm quyền giải quyết"),
    (22, 3, "Cập nhật hồ sơ TTHC vào Hệ thống Một cửa điện tử"),
    (23, 3, "Rà soát tham mưu ban hành Quy chế phối hợp thực hiện liên thông nhóm TTHC"),
    (24, 3, "Giải quyết hồ sơ thủ tục hành chính đúng và trước hạn cho tổ chức cá nhân."),
    (25, 3, "Thực hiện quy định về xin lỗi trong giải quyết TTHC."),
    (26, 4, "Thực hiện quy định về chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức, bộ máy biên chế"),
    (27, 4, "Thực hiện sắp xếp lại tổ chức bên trong các cơ quan hành chính, đơn vị sự nghiệp theo quy định"),
    (28, 4, "Thực hiện quy định về số lượng lãnh đạo tại cơ quan, đơn vị"),
    (29, 4, "Thực hiện quy định về quản lý biên chế"),
    (30, 4, "Thực hiện đầy đủ các quy định về phân cấp quản lý do cấp trên ban hành"),
    (31, 5, "Kịp thời rà soát, điều chỉnh; trình UBND tỉnh điều chỉnh Đề án vị trí việc làm công chức theo hướng dẫn của Bộ, ngành trung ương."),
    (32, 5, "Bố trí công chức theo vị trí việc làm và tiêu chuẩn ngạch công chức tương ứng với bản mô tả công việc, khung năng lực của từng vị trí"),
    (33, 5, "Xây dựng Đề án vị trí việc làm của đơn vị sự nghiệp trực thuộc."),
    (34, 5, "Bố trí viên chức theo đúng vị trí việc làm được phê duyệt."),
    (35, 5, "Tuyển dụng CCVC và nâng ngạch CC, thăng hạng VC"),
    (36, 5, "Ban hành tiêu chí đánh giá cụ thể phù hợp với cơ quan, đơn vị."),
    (37, 5, "Kết quả thực hiện việc đánh giá CCVC hàng năm"),
    (38, 5, "Thực hiện quy định về bổ nhiệm, bổ nhiệm lại"),
    (39, 5, "Xây dựng Kế hoạch và triển khai thực hiện và báo cáo kết quả đào tạo, bồi dưỡng hàng năm"),
    (40, 5, "Thực hiện chuyển đổi vị trí công tác CCVC theo quy định"),
    (41, 5, "Thực hiện văn hóa công vụ, công sở"),
    (42, 5, "Thực hiện kê khai tài sản công chức, viên chức theo quy định"),
    (43, 6, "Thực hiện công khai tài chính đầy đủ theo quy định"),
    (44, 6, "Thực hiện chế độ tự chủ, tự chịu trách nhiệm về sử dụng biên chế và kinh phí quản lý hành chính; cơ chế tự chủ, tự chịu trách nhiệm tại ĐVTT Sở."),
    (45, 6, "Số đơn vị sự nghiệp công lập thuộc sở tự bảo đảm toàn bộ hoặc một phần chi thường xuyên tăng so với năm trước."),
    (46, 6, "Tổ chức thực hiện các khuyến nghị sau thanh tra, kiểm tra của cơ quan có thẩm quyền"),
    (47, 6, "Xây dựng và báo cáo dự toán, chấp hành, quyết toán ngân sách"),
    (48, 6, "Sử dụng đầy đủ các phần mềm phục vụ cho công tác quản lý tài chính, ngân sách"),
    (49, 7, "Xây dựng và thực hiện kế hoạch ứng dụng Công nghệ thông tin tại cơ quan, đơn vị"),
    (50, 7, "Cung cấp các loại thông tin phục vụ người dân và doanh nghiệp trên Trang thông tin điện tử của cơ quan, đơn vị"),
    (51, 7, "Cung cấp thông tin trên Trang thông tin điện tử của cơ quan, đơn vị"),
    (52, 7, "Thực hiện tiếp nhận, xử lý và phát hành văn bản dưới dạng điện tử có ký số."),
    (53, 7, "Thực hiện tạo lập hồ sơ công việc điện tử trên VPĐT."),
    (54, 7, "Xây dựng cơ sở dữ liệu, phần mềm quản lý chuyên ngành"),
    (55, 7, "Cung cấp dịch vụ công trực tuyến mức độ 3, 4"),
    (56, 7, "Có giải pháp khuyến khích người dân, tổ chức nộp hồ sơ trực tuyến"),
    (57, 7, "Thực hiện kết nối chế độ báo cáo của đơn vị với Hệ thống thông tin báo cáo UBND tỉnh"),
    (58, 7, "Áp dụng hệ thống quản lý chất lượng theo tiêu chuẩn ISO:9001 theo quy định"),
    (59, 7, "Thực hiện tiếp nhận và trả kết quả giải quyết TTHC qua dịch vụ bưu chính công ích"),
]

SECTIONS = [
    (1, "I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"),
    (2, "II", "CẢI CÁCH THỂ CHẾ"),
    (3, "III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
    (4, "IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY"),
    (5, "V", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ"),
    (6, "VI", "CẢI CÁCH TÀI CHÍNH CÔNG"),
    (7, "VII", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ"),
]

# task → one (lead, coordinating, external_coordinating) per row of the appendix.
UNITS = {
    # two rows → two assignments; the second row is the Trung tâm's own plan, no coordinating unit
    1: [([VP], INTERNAL, []), ([TTKC], [], [])],
    2: [([VP], ALL_UNITS, [])],
    4: [(ALL_UNITS, [], [])],  # collective lead, empty coordinating cell
    # scoped lead: the Trung tâm gets an assignment of its own (checked in detail below)
    5: [([VP], ALL_UNITS, []), ([TTKC], ALL_UNITS, [])],
    9: [(ALL_UNITS, [], [])],
    11: [(["lanh-dao-so", VP], ALL_UNITS, [])],  # HTML list "- Lãnh đạo Sở - Văn phòng"
    12: [(INTERNAL, ALL_UNITS, [])],  # "Các phòng, ĐV thuộc Sở; - Thanh tra Sở" (Thanh tra is one of them)
    13: [(ALL_UNITS, [], ["Các cơ quan đơn vị xây dựng dự thảo VBQPPL"])],
    14: [([TTR, VP, KH, CN, TM, NL], [], ["Các cơ quan đơn vị xây dựng dự thảo VBQPPL"])],
    15: [([TTR], [], ["Các cơ quan đơn vị xây dựng dự thảo VBQPPL"])],
    16: [([TTR], ALL_UNITS, [])],
    17: [([VP], ALL_UNITS, [])],
    21: [([TTR], ALL_UNITS, [])],
    22: [(["mot-cua"], ALL_UNITS, [])],  # lead and coordinating continued across a page break
    23: [(INTERNAL, [], ["Các cơ quan đơn vị liên quan"])],
    25: [(INTERNAL, [], ["Các cơ quan đơn vị liên quan"])],  # "Các phòng, đơn vị giải quyết hồ sơ trễ hẹn."
    26: [([VP], [], ["Sở Nội vụ", "Các cơ quan, đơn vị liên quan"])],  # external bodies only
    30: [(INTERNAL, ALL_UNITS, [])],  # "Các phòng, đơn vị thuộc Sở được giao."
    33: [([TTKC], [VP], ["Cơ quan, đơn vị liên quan"])],  # "Văn phòng Sở và cơ quan, đơn vị liên quan"
    34: [([TTKC], [VP], ["Cơ quan, đơn vị liên quan"])],
    43: [([KH, VP, TTKC], INTERNAL, [])],  # "P.KHTCTH; Văn phòng Sở; TTKC&XTTM"
    44: [([KH, VP, TTKC], INTERNAL, [])],
    48: [([KH, VP, TTKC], INTERNAL, [])],
    51: [(ALL_UNITS, [], ["Các cơ quan đơn vị liên quan"])],
    52: [([VP], ALL_UNITS, [])],  # "Văn phòng" alone
    54: [(INTERNAL, [], ["Các cơ quan đơn vị liên quan"])],
    58: [(ALL_UNITS, ALL_UNITS, [])],
    59: [([VP], ALL_UNITS, [])],
}


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> dict:
    """The seed imported into a fresh SQLite database and dumped (once for this module)."""

    async def run() -> dict:
        app = await build_app(make_settings(tmp_path_factory.mktemp("seed")))
        try:
            await app.plans.import_plan(SEED)
            return await app.plans.dump()
        finally:
            await app.close()

    return asyncio.run(run())


def task(dump: dict, number: int) -> dict:
    return next(t for t in dump["tasks"] if t["number"] == number)


def test_plan_heading(dump):
    assert dump["plan"] == {
        "year": 2022,
        "title": "Kế hoạch Cải cách hành chính của Sở Công Thương năm 2022",
        "issuer": "Sở Công Thương",
    }


def test_every_task_number_section_and_title(dump):
    got = [(t["number"], t["section"], t["title"]) for t in dump["tasks"]]
    assert got == [(n, s, nfc(title)) for n, s, title in TASKS]


def test_sections_and_their_sizes(dump):
    assert [(s["number"], s["roman"], s["title"]) for s in dump["sections"]] == SECTIONS
    counts = Counter(t["section"] for t in dump["tasks"])
    assert [counts[n] for n in range(1, 8)] == [11, 5, 9, 5, 12, 6, 11]


def test_section_targets_come_from_part_two(dump):
    targets = {s["number"]: s["targets"] for s in dump["sections"]}
    assert [len(targets[n]) for n in range(1, 8)] == [3, 1, 9, 1, 2, 1, 6]
    assert targets[1][1] == (
        "Thực hiện kiểm tra công tác cải cách hành chính ít nhất 60% đối với tất cả các phòng, "
        "đơn vị thuộc Sở và đơn vị trực thuộc."
    )
    # a bullet broken over two lines in the extraction is one target
    assert targets[3][4] == (
        "Hoàn thành việc cung cấp dịch vụ công trực tuyến mức độ 4 đối với 100% tổng số TTHC đủ điều kiện "
        "trên Cổng Dịch vụ công của tỉnh và tích hợp trên Cổng Dịch vụ công quốc gia. Tỷ lệ hồ sơ giải "
        "quyết trực tuyến mức độ 3 và mức độ 4 trên tổng số hồ sơ đạt trên 30%."
    )
    assert targets[7][0] == "100% văn bản hành chính (trừ văn bản mật) được ký số và lưu chuyển dưới dạng điện tử."


@pytest.mark.parametrize("number", sorted(UNITS))
def test_lead_and_coordinating_units(dump, number):
    got = [(a["lead"], a["coordinating"], a["external_coordinating"]) for a in task(dump, number)["assignments"]]
    assert got == UNITS[number]


def test_task_1_second_row_is_the_trung_tam_plan(dump):
    first, second = task(dump, 1)["assignments"]
    assert first["products"] == ["Kế hoạch CCHC năm 2022 của Sở Công Thương"]
    assert second["products"] == ["Kế hoạch CCHC năm 2022 của Trung tâm Khuyến công và Xúc tiến Thương mại"]
    assert [(m["label"], m["kind"]) for m in second["milestones"]] == [
        ("Ban hành Kế hoạch", "after_event"),
        ("Thực hiện", "year_round"),
    ]
    assert second["milestones"][0]["trigger"] == "có Kế hoạch CCHC của Sở"


def test_task_5_scoped_lead_has_only_the_annual_report(dump):
    whole, scoped = task(dump, 5)["assignments"]
    assert whole["scope"] is None
    assert [m["period"] for m in whole["milestones"]] == ["Q1", "H1", "Q3", "Y"]
    assert scoped["lead"] == [TTKC]
    assert scoped["scope"] == "thực hiện báo cáo năm 2022"
    assert [(m["kind"], m["period"], m["due"]) for m in scoped["milestones"]] == [
        ("periodic_report", "Y", "2022-12-15")
    ]
    scoped_tasks = (5, 25, 30, 54)
    assert all(a["scope"] is None for t in dump["tasks"] if t["number"] not in scoped_tasks for a in t["assignments"])


def test_qualified_collective_leads_keep_their_qualifier_as_scope(dump):
    """«Các phòng, đơn vị giải quyết hồ sơ trễ hẹn» is not «every unit»: the qualifier is the scope (issue 11)."""
    scopes = {n: [a["scope"] for a in task(dump, n)["assignments"]] for n in (25, 30, 54)}
    assert scopes == {
        25: ["giải quyết hồ sơ trễ hẹn"], 30: ["được giao"], 54: ["được giao quản trị phần mềm"],
    }
    assert len(task(dump, 25)["assignments"][0]["lead"]) == 6


def test_rows_continued_across_page_breaks(dump):
    (t22,) = task(dump, 22)["assignments"]
    assert t22["products"] == [
        "Bảng thống kê hồ sơ TTHC được cập nhật vào Hệ thống một cửa điện tử so với tổng hồ sơ các phòng "
        "chuyên môn đã tiếp nhận giải quyết."
    ]
    (t32,) = task(dump, 32)["assignments"]
    assert [(m["label"], m["kind"], m["due"], m["text"]) for m in t32["milestones"]] == [
        ("Ban hành Kế hoạch", "date", "2022-03-31", "Quý I"),
        ("Báo cáo", "per_authority", None, "Theo quy định của cơ quan có thẩm quyền"),
    ]
    (t50,) = task(dump, 50)["assignments"]
    assert t50["products"] == [
        "Cung cấp thông tin đầy đủ theo Luật Tiếp cận thông tin trên Trang thông tin điện tử",
        "Cung cấp thông tin người phát ngôn báo chí và đầu mối tiếp nhận yêu cầu cung cấp thông tin "
        "Trang thông tin điện tử của đơn vị",
    ]


def test_html_list_fragments_become_bullets(dump):
    (t14,) = task(dump, 14)["assignments"]
    assert t14["products"] == [
        "Kế hoạch và thực hiện chế độ báo cáo",
        "Báo cáo kết quả kiểm tra, rà soát VBQPPL của đơn vị",
        "Kiến nghị sửa đổi, bổ sung, thay thế VBQPPL của ngành không còn phù hợp",
    ]
    assert not any("<" in p for t in dump["tasks"] for a in t["assignments"] for p in a["products"])


def test_assignment_and_milestone_totals(dump):
    assignments = [a for t in dump["tasks"] for a in t["assignments"]]
    assert len(assignments) == 61  # 59 tasks + task 1's second row + task 5's scoped lead
    assert all(a["lead"] for a in assignments)
    assert all(a["milestones"] for a in assignments)
