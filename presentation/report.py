"""Chat wording for the periodic CCHC report draft («soạn báo cáo CCHC quý 3», /baocao_cchc q3)."""

from __future__ import annotations

from presentation.common import fmt_date, short
from services.report_model import ReportDraft


def template_broken(reason: str) -> str:
    return f"Chưa soạn được báo cáo: {reason}. Xin báo quản trị kiểm tra tệp mẫu (REPORT_TEMPLATE_FILE)."


def sent(draft: ReportDraft) -> str:
    c = draft.counts
    return (
        f"📝 **Dự thảo báo cáo CCHC {draft.period_name}** — số liệu đến hết ngày {fmt_date(draft.cutoff)}.\n"
        f"{c.done}/{c.shares} phần việc hoàn thành, {c.in_progress} đang thực hiện, {c.blocked} vướng mắc, "
        f"{c.overdue} quá hạn; {c.not_updated} phần việc chưa cập nhật.\n"
        "Anh/chị mở tệp Word, điền các chỗ đánh dấu «[…cần bổ sung…]» và hoàn thiện trước khi trình ký."
    )


def caption(draft: ReportDraft) -> str:
    return f"Dự thảo báo cáo CCHC {draft.period_name}"


def unit_summary(draft: ReportDraft, unit: str) -> str:
    """A head's own unit's part of the report, short enough for a phone."""
    lines = [f"📝 **{unit} — báo cáo CCHC {draft.period_name}** (đến {fmt_date(draft.cutoff)})"]
    parts = [p for p in (draft.direction, *draft.areas) if p is not None]
    done = [c for a in parts for c in a.done]
    going = [p for a in parts for p in a.in_progress]
    if done:
        lines.append(f"\n**Hoàn thành trong kỳ ({len(done)}):**")
        lines.extend(
            f"• NV {c.task}: {short(c.title)}" + (f" (mốc «{c.milestone}»)" if c.milestone else "")
            + f" — {fmt_date(c.date)}"
            for c in done
        )
    else:
        lines.append("\nChưa có phần việc nào hoàn thành trong kỳ.")
    if going:
        lines.append(f"\n**Đang thực hiện ({len(going)}):**")
        lines.extend(f"• NV {p.task}: {short(p.title)}" + (f" — {p.percent}%" if p.percent is not None else "")
                     for p in going)
    if draft.blockers:
        lines.append("\n**Vướng mắc:**")
        lines.extend(f"• NV {b.task}: {b.note or '(chưa ghi nội dung)'}" for b in draft.blockers)
    if draft.overdue:
        lines.append("\n**Quá hạn:**")
        lines.extend(f"• NV {o.task}: {short(o.title)} — {o.milestone} (hạn {fmt_date(o.due)})" for o in draft.overdue)
    if draft.due_next:
        lines.append(f"\n**Đến hạn từ {fmt_date(draft.carry_start)} đến {fmt_date(draft.next_end)}:**")
        lines.extend(f"• NV {d.task}: {short(d.title)} — {d.milestone} (hạn {fmt_date(d.due)})" for d in draft.due_next)
    lines.append(
        f"\nTổng: {draft.counts.shares} phần việc, {draft.counts.done} hoàn thành, {draft.counts.overdue} quá hạn. "
        "Bản báo cáo đầy đủ của Sở do Văn phòng Sở soạn."
    )
    return "\n".join(lines)
