"""The words the periodic report's outline writes besides the plan's own: a target's verdict and goal,
the period a figure belongs to when it is not the report's, the report's period name and the one marker
of a blank. The report service is handed `REPORT_WORDS` by the bootstrap (services may not import
presentation), and fills the draft's text fields with them; the Word template then only lays them out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.report_period import ReportPeriod
from presentation.format import fmt_goal
from presentation.names import file_name_label


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
        return f"năm {rp.year}" if rp.period == "Y" else f"{rp.title} năm {rp.year}"

    def goal(self, goal: float | None, direction: str | None) -> str:
        return fmt_goal(goal, direction)

    def file_label(self, name: str | None, caption: str | None, number: int) -> str:
        return file_name_label(name, caption, number)


REPORT_WORDS = ReportWords()
