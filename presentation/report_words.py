"""The words the periodic report's outline writes besides the plan's own: a target's verdict and goal,
the period a figure belongs to when it is not the report's, the report's period names, the headings of the
blockers' reasons and of the statistics annex's counts, and the one marker of a blank. The report service is handed `REPORT_WORDS` by the bootstrap (services may not import
presentation), and fills the draft's text fields with them; the Word template then only lays them out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.report_period import ReportPeriod
from presentation.format import fmt_goal
from presentation.names import file_name_label
from presentation.periods import ORDINALS, TITLES

# The headings of the blockers' reasons in part III.3 «Nguyên nhân» (`domain.report_rules.CAUSES`).
CAUSE_NAMES = {
    "guidance": "Chờ văn bản, hướng dẫn của cơ quan cấp trên",
    "funding": "Thiếu kinh phí, cơ sở vật chất",
    "staff": "Thiếu nhân lực hoặc nhân sự thay đổi",
    "systems": "Vướng mắc về hệ thống, phần mềm",
    "coordination": "Phụ thuộc sự phối hợp của đơn vị khác",
    "other": "Nguyên nhân khác",
}
# The periodic counts of the statistics annex (Biểu số liệu, `domain.report_rules.INDICATORS`).
INDICATOR_NAMES = {
    "cases_received": "Số hồ sơ TTHC tiếp nhận trong kỳ",
    "cases_on_time": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn, trước hạn",
    "cases_late": "Số hồ sơ TTHC giải quyết trễ hạn (đã có văn bản xin lỗi)",
    "online_services_level4": "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến mức độ 4",
    "online_cases": "Tỷ lệ hồ sơ giải quyết trực tuyến mức độ 3, 4",
    "online_payment_procedures": "Tỷ lệ TTHC triển khai thanh toán trực tuyến",
    "online_payment_transactions": "Tỷ lệ giao dịch thanh toán trực tuyến",
    "digitised_results": "Tỷ lệ số hóa kết quả giải quyết TTHC",
    "one_stop_updates": "Tỷ lệ hồ sơ TTHC cập nhật trên Hệ thống một cửa điện tử",
    "signed_documents": "Tỷ lệ văn bản hành chính được ký số, gửi nhận dạng điện tử",
    "satisfaction": "Mức độ hài lòng của người dân, doanh nghiệp",
    "feedback": "Số phản ánh, kiến nghị về TTHC tiếp nhận / đã xử lý",
    "units_inspected": "Tỷ lệ phòng, đơn vị được kiểm tra công tác CCHC",
}


@dataclass(frozen=True)
class ReportWords:
    """Satisfies `services.report_build.OutlineWords`."""

    # The one marker for every blank a person must fill in (docs/report.md: «Form»).
    blank: str = "[…cần bổ sung…]"
    verdicts: Mapping[bool | None, str] = field(
        default_factory=lambda: {True: "đạt", False: "chưa đạt", None: "chưa có số liệu"})
    period_labels: Mapping[str, str] = field(
        default_factory=lambda: {"Q1": "Quý I", "Q2": "Quý II", "H1": "6 tháng", "Q3": "Quý III", "Y": "năm"})

    def verdict(self, met: bool | None) -> str:
        return self.verdicts[met]

    def figure_period(self, period: str) -> str:
        """«số liệu Quý III»: a figure of another period than the report's (the annual view's fallback)."""
        return f"số liệu {self.period_labels.get(period, period)}"

    def period_name(self, rp: ReportPeriod) -> str:
        """«Quý III năm 2022», «6 tháng đầu năm 2022», «năm 2022»."""
        return f"năm {rp.year}" if rp.period == "Y" else f"{TITLES[rp.period]} năm {rp.year}"

    def period_title(self, period: str) -> str:
        """«Quý III», «6 tháng đầu năm», «cả năm»: the months a report covers."""
        return TITLES[period]

    def next_title(self, period: str) -> str:
        """«quý IV»: the quarter after the period's cut-off (part IV of the report)."""
        return ORDINALS[period]

    def goal(self, goal: float | None, direction: str | None) -> str:
        return fmt_goal(goal, direction)

    def cause(self, code: str) -> str:
        return CAUSE_NAMES[code]

    def indicator(self, code: str) -> str:
        return INDICATOR_NAMES[code]

    def file_label(self, name: str | None, caption: str | None, number: int) -> str:
        return file_name_label(name, caption, number)


REPORT_WORDS = ReportWords()
