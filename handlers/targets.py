"""'Chỉ tiêu thanh toán trực tuyến là bao nhiêu': the plan's quantitative targets (part II, a).

Short by default: a question about one target gets that target in one line («Chỉ tiêu mức độ hài lòng:
tối thiểu 85% (lĩnh vực 3)»); a question about one area gets its targets; a bare «chỉ tiêu» gets the
areas with their number of targets.
"""

from __future__ import annotations

import re

from conversation.callbacks import TargetsPage
from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import Reply
from domain.text import fold
from presentation import reports as texts
from presentation.common import NO_PLAN
from services.query_service import NoPlan

# words of a target question that say nothing about which target
_FILLER = frozenset(
    ["chi", "tieu", "muc", "tieu", "la", "bao", "nhieu", "phan", "tram", "ty", "le", "ti", "le", "phai", "dat", "can", "dat", "toi", "thieu", "yeu", "cau", "cua", "ke", "hoach", "linh", "vuc", "nam", "nay", "the", "nao", "ra", "sao", "gi", "nao", "ve", "cho", "so", "muc", "dat", "duoc", "kpi", "bao", "nhieu", "%", "va", "cac", "nhung", "trong"]
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _FILLER and len(w) > 1}


def best_target(question: str, sections: list[tuple[int, str, list[str]]]) -> tuple[int, str] | None:
    """The one target a question is about: the item sharing the most content words (at least two, and
    clearly more than the runner-up)."""
    asked = _words(question)
    scored = sorted(
        ((len(asked & _words(item)), number, item) for number, _, items in sections for item in items),
        key=lambda t: -t[0],
    )
    if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1], scored[0][2]


@intent("targets")
async def targets(ctx: Context) -> list[Reply]:
    try:
        sections = await ctx.app.queries.targets()
    except NoPlan:
        return ctx.reply(NO_PLAN)
    wanted = ctx.nlu.section
    chosen = [s for s in sections if wanted is None or s[0] == wanted]
    if not chosen:
        return ctx.reply(texts.no_section(wanted, len(sections)))
    one = best_target(ctx.message.text, chosen)
    if one is not None:
        return ctx.reply(texts.target_fact(one[1], one[0]))
    if wanted is None and len(chosen) > 1:
        return ctx.reply(texts.targets_overview(chosen))
    number, title, items = chosen[0]
    return [texts.targets_one(number, title, items)]


@callback(TargetsPage)
async def turn_page(ctx: Context) -> list[Reply]:
    try:
        sections = await ctx.app.queries.targets()
    except NoPlan:
        return ctx.reply(NO_PLAN)
    chosen = [s for s in sections if s[0] == ctx.button.section]
    if not chosen:
        return ctx.reply(texts.no_section(ctx.button.section, len(sections)))
    reply = texts.targets_one(*chosen[0], page=ctx.button.page)
    reply.edit = True
    return [reply]
