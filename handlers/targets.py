"""Targets (chỉ tiêu): «chỉ tiêu lĩnh vực 7 đạt chưa» (goal vs the latest figure), and figures reported
by chat: «chỉ tiêu ký số quý 3 đạt 97%», «tỷ lệ hồ sơ trực tuyến 6 tháng: 41,5%», «đã kiểm tra 4/7 phòng».

A figure is written at once only when the target was recognised with certainty (its code, or every word
found in one target only) and the message needed no typo repair; otherwise the bot asks first, offering
the next best targets as buttons — the same rule as status updates. Coordinators asking for the targets
also see which ones still have no figure for the current period.

Short by default: a question about one target gets that target in one line; a bare «chỉ tiêu» gets the
areas with their number of targets; a question about one area gets its targets with goal and figure.
"""

from __future__ import annotations

import itertools
import re

from conversation import state
from conversation.callbacks import PickTarget, TargetsPage
from conversation.context import Context
from conversation.nlu import CONFIDENT
from conversation.registry import callback, intent
from domain.messages import Reply
from domain.report_period import current_period, says_fourth_quarter
from domain.text import fold
from presentation import reports as texts
from presentation import targets as text
from presentation import years
from presentation.common import NO_PLAN
from services.errors import NoPlan

TARGET_CODE = re.compile(r"(?<![\d.,/])([1-9])\.(\d{1,2})(?![\d.,/])")

# words of a target question that say nothing about which target
_FILLER = frozenset(
    ["chi", "tieu", "muc", "tieu", "la", "bao", "nhieu", "phan", "tram", "ty", "le", "ti", "le", "phai", "dat", "can", "dat", "toi", "thieu", "yeu", "cau", "cua", "ke", "hoach", "linh", "vuc", "nam", "nay", "the", "nao", "ra", "sao", "gi", "nao", "ve", "cho", "so", "muc", "dat", "duoc", "kpi", "bao", "nhieu", "%", "va", "cac", "nhung", "trong", "may", "tat", "ca", "het", "liet", "ke", "xem"]
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _FILLER and len(w) > 1}


def _pairs(text: str) -> set[str]:
    """Two-syllable words («ký số», «định kỳ»): what tells apart targets that share a syllable."""
    tokens = re.findall(r"[a-z0-9]+", fold(text))
    return {f"{a} {b}" for a, b in itertools.pairwise(tokens) if not (a in _FILLER and b in _FILLER)}


# «tất cả chỉ tiêu về …», «liệt kê các chỉ tiêu …»: the whole area, never one target of it
ALL_OF_AREA = re.compile(r"\b(?:tat ca|toan bo|liet ke|danh sach|cac|nhung|het|moi)\b")
# «phải đạt tối thiểu mấy phần trăm»: the required level of one target
REQUIRED = re.compile(r"\b(?:phai dat|can dat|toi thieu|yeu cau|it nhat|bat buoc|chi tieu la)\b|\bmay phan tram\b")


def _one_target(question: str, rows: list, area_words: set[str] | None = None, *, required: bool = False):
    """The one target a question names: the most content words in common with its text (at least two,
    or one word found in that target only when the question asks for a required level), ties broken by
    its short name; None when two targets remain equally likely. The words of the area's own title
    («chính quyền điện tử») name the area, not a target."""
    asked = _words(question) - (area_words or set())
    pairs = _pairs(question)
    scored = sorted(
        (
            (len(asked & _words(r.target.text)) + len(pairs & _pairs(r.target.text)),
             len(asked & _words(r.target.short_name)), i)
            for i, r in enumerate(rows)
        ),
        reverse=True,
    )
    least = 1 if required else 2
    if not scored or scored[0][0] < least or (len(scored) > 1 and scored[1][:2] == scored[0][:2]):
        return None
    return rows[scored[0][2]]


def _matching(question: str, rows: list) -> list:
    """The targets a question names: those with the most content words in common with their text (at
    least two). Several equally likely are all returned — one sentence of the plan may hold two targets
    («… thanh toán trực tuyến; trong đó, tỷ lệ giao dịch …»): the reader sees each, none is chosen for them."""
    asked = _words(question)
    scored = [(len(asked & _words(r.target.text)), r) for r in rows]
    best = max((score for score, _ in scored), default=0)
    return [r for score, r in scored if score == best] if best >= 2 else []


@intent("targets")
async def targets(ctx: Context) -> list[Reply]:
    period = current_period(ctx.today)
    code = TARGET_CODE.search(ctx.message.text or "")
    if code is not None:  # «chỉ tiêu 7.1»: one target, its figures of the year (the history)
        return await one_target(ctx, f"{code.group(1)}.{int(code.group(2))}")
    try:
        year, period, rows = await ctx.app.targets.status(period=period, today=ctx.today)
        sections = {n: title for n, title, _ in await ctx.app.queries.targets()}
    except NoPlan:
        return ctx.reply(NO_PLAN)
    wanted = ctx.nlu.section
    if wanted is not None and wanted not in sections:
        return ctx.reply(text.no_section(wanted, len(sections)))
    by_section = [
        (n, title, [r.target.text for r in rows if r.target.section == n])
        for n, title in sections.items() if wanted is None or n == wanted
    ]
    asked = fold(ctx.message.text or "")
    area = _words(sections.get(wanted, "")) if wanted is not None else set()
    required = bool(REQUIRED.search(asked))
    candidates = [r for r in rows if wanted is None or r.target.section == wanted]
    if required or not ALL_OF_AREA.search(asked):
        found = _matching(asked, candidates)
        if len(found) > 1 and not required:  # several equally likely: every one, none chosen for the reader
            return ctx.reply(text.several(found, period))
        one = _one_target(asked, candidates, area, required=required)
        if one is not None:  # a one-fact question: one line, with the figure when there is one
            if required:
                return ctx.reply(text.required_line(one))
            return ctx.reply(text.target_line(one, period).lstrip("• "))
    if wanted is None:  # the areas with their number of targets; coordinators also see what is missing
        missing = [r.target for r in rows if r.figure is None and r.target.goal is not None]
        chase = text.missing_line(period, missing) if ctx.sender.is_coordinator and missing else None
        return ctx.reply(texts.targets_overview(by_section) + (f"\n\n{chase}" if chase else ""))
    chosen = [r for r in rows if r.target.section == wanted]
    return [text.overview(year, period, chosen, sections, wanted=wanted)]


async def one_target(ctx: Context, code: str) -> list[Reply]:
    try:
        _, all_targets = await ctx.app.targets.targets()
    except NoPlan:
        return ctx.reply(NO_PLAN)
    target = next((t for t in all_targets if t.code == code), None)
    if target is None:
        return ctx.reply(text.UNKNOWN)
    year = await ctx.app.reports.plan_year()
    cutoffs = {p: ctx.app.reports.period_of(p, year).cutoff for p in ("Q1", "Q2", "H1", "Q3", "Y")}
    return ctx.reply(text.detail(target, await ctx.app.targets.history(target.id), ctx.app.units, cutoffs))


@intent("target_figure")
async def target_figure(ctx: Context) -> list[Reply]:
    if ctx.sender.role not in ("head", "coordinator", "admin"):
        return ctx.reply(text.READ_ONLY)
    figure = ctx.nlu.figure or {}
    if figure.get("value") is None:
        return ctx.reply(text.BAD_VALUE)
    try:
        match = await ctx.app.targets.match(ctx.nlu.note or "")
    except NoPlan:
        return ctx.reply(NO_PLAN)
    if match is None:
        return ctx.reply(text.UNKNOWN)
    pending = {
        "action": "target_figure", "target_id": match.target.id, "period": ctx.nlu.report or current_period(ctx.today),
        "value": figure["value"], "numerator": figure.get("numerator"), "denominator": figure.get("denominator"),
        "text": ctx.message.text, "key": ctx.message.idempotency_key,
        "q4": says_fourth_quarter(fold(ctx.message.text)),
    }
    if not match.confident or ctx.nlu.confidence < CONFIDENT:
        await state.change(ctx, pending=pending)
        question, buttons = text.confirm(match.target, pending, match.alternatives)
        return [Reply(question, buttons=buttons)]
    return await apply_figure(ctx, pending)


async def apply_figure(ctx: Context, pending: dict) -> list[Reply]:
    """Write a figure (after a confirmation, or at once when the target was certain)."""
    try:
        outcome = await ctx.app.targets.record(
            ctx.sender, target_id=int(pending["target_id"]), period=pending["period"], value=float(pending["value"]),
            numerator=pending.get("numerator"), denominator=pending.get("denominator"), channel=ctx.message.channel,
            text=pending.get("text"), key=pending.get("key"), now=ctx.now,
        )
    except NoPlan:
        return ctx.reply(NO_PLAN)
    if outcome.kind == "recorded":
        cutoff = ctx.app.reports.period_of(pending["period"], await ctx.app.reports.plan_year()).cutoff
        late = cutoff if ctx.today > cutoff else None
        return ctx.reply(text.recorded(outcome, pending["period"], cutoff=late, fourth_quarter=bool(pending.get("q4"))))
    if outcome.kind == "closed" and outcome.year is not None and outcome.closed_on is not None:
        return ctx.reply(years.closed(outcome.year, outcome.closed_on))
    messages = {
        "duplicate": text.DUPLICATE, "read_only": text.READ_ONLY, "bad_value": text.BAD_VALUE,
        "unknown_target": text.UNKNOWN,
    }
    return ctx.reply(messages.get(outcome.kind, text.UNKNOWN))


@callback(PickTarget)
async def pick_target(ctx: Context) -> list[Reply]:
    """tg:<target_id> — the right target for a pending figure, chosen among the alternatives."""
    chat = await state.load(ctx)
    pending = chat.pending
    if not pending or pending.get("action") != "target_figure":
        return ctx.reply(text.EXPIRED)
    await state.change(ctx, pending=None)
    return await apply_figure(ctx, {**pending, "target_id": ctx.pressed(PickTarget).target_id})


@callback(TargetsPage)
async def turn_page(ctx: Context) -> list[Reply]:
    """◀ ▶ of one area's targets (goal and figure of the current period, the plan's full wording)."""
    try:
        year, period, rows = await ctx.app.targets.status(period=current_period(ctx.today), today=ctx.today)
        sections = {n: title for n, title, _ in await ctx.app.queries.targets()}
    except NoPlan:
        return ctx.reply(NO_PLAN)
    button = ctx.pressed(TargetsPage)
    number = button.section
    if number not in sections:
        return ctx.reply(texts.no_section(number, len(sections)))
    chosen = [r for r in rows if r.target.section == number]
    reply = text.overview(year, period, chosen, sections, wanted=number, page=button.page)
    reply.edit = True
    return [reply]
