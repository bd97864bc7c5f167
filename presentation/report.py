"""Chat wording for the periodic CCHC report draft («soạn báo cáo CCHC quý 3», /baocao_cchc q3)."""

from __future__ import annotations

from presentation.common import fmt_date, short


def template_broken(reason: str) -> str:
    return f"Chưa soạn được báo cáo: {reason}. Xin báo quản trị kiểm tra tệp mẫu (REPORT_TEMPLATE_FILE)."


def sent(draft) -> str:
    c = draft.counts
    return (
        f"📝 **Dự thảo báo cáo CCHC {draft.period_name}** — số liệu đến hết ngày {fmt_date(draft.cutoff)}.\n"
        f"{c.done} phần việc hoàn thành, {c.in_progress} đang thực hiện, {c.blocked} vướng mắc, "
        f"{c.not_started} chưa thực hiện; {draft.figures_in_period} chỉ tiêu có số liệu.\n"
        "Anh/chị mở tệp Word, điền số, ngày văn bản và hoàn thiện trước khi trình ký."
    )


def caption(draft) -> str:
    return f"Dự thảo báo cáo CCHC {draft.period_name}"


def unit_summary(draft, unit: str) -> str:
    """A head's own unit's part of the report, short enough for a phone."""
    lines = [f"📝 **{unit} — báo cáo CCHC {draft.period_name}** (đến {fmt_date(draft.cutoff)})"]
    done = [c for a in draft.areas for c in a.completed]
    going = [p for a in draft.areas for p in a.in_progress]
    if done:
        lines.append(f"\n**Hoàn thành trong kỳ ({len(done)}):**")
        lines.extend(
            f"• NV {c.task}: {short(c.title)}" + (f" (mốc «{c.milestone}»)" if c.milestone else "") + f" — {fmt_date(c.date)}"
            for c in done
        )
    else:
        lines.append("\nChưa có phần việc nào hoàn thành trong kỳ.")
    if going:
        lines.append(f"\n**Đang thực hiện ({len(going)}):**")
        lines.extend(f"• NV {p.task}: {short(p.title)} — {p.status}" for p in going)
    if draft.blockers:
        lines.append("\n**Vướng mắc:**")
        lines.extend(f"• NV {b.task}: {b.note or '(chưa ghi nội dung)'}" for b in draft.blockers)
    due = [d for u in draft.next_due for d in u.due]
    if due:
        lines.append(f"\n**Đến hạn {draft.next_title}:**")
        lines.extend(f"• NV {d.task}: {short(d.title)} — {d.milestone} (hạn {fmt_date(d.due)})" for d in due)
    lines.append(
        f"\nTổng: {draft.counts.total} phần việc, {draft.counts.done} hoàn thành, {draft.counts.overdue} trễ hạn. "
        "Bản báo cáo đầy đủ của Sở do Văn phòng Sở soạn."
    )
    return "\n".join(lines)
