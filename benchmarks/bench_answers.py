"""How long the bot's answers are on a phone: median, p95 and max characters over real questions.

Questions written from the plan (not from the NLU development set), asked by unit heads, officers,
the Văn phòng's coordinator and a leader, on five dates of 2022. Goal (issue 12): median ≤ 400,
p95 ≤ 900, max ≤ 1,500 characters (longer content pages). `tests/integration/test_answer_lengths.py` runs the
same set and holds the goal.

    .venv/bin/python benchmarks/bench_answers.py [--show 10]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATES = (dt.date(2022, 2, 10), dt.date(2022, 5, 20), dt.date(2022, 8, 15), dt.date(2022, 10, 5), dt.date(2022, 12, 20))
# (who, unit, role): the people asking
PEOPLE = (
    ("head-vp", "van-phong", "head"),
    ("head-tt", "thanh-tra", "head"),
    ("head-qltm", "qltm", "head"),
    ("officer-qlcn", "qlcn", "officer"),
    ("head-khtcth", "khtcth", "head"),
    ("coord", "van-phong", "coordinator"),
    ("leader", "lanh-dao-so", "leader"),
    ("head-ttkc", "ttkc", "head"),
)
QUESTIONS = (
    "quý này có việc gì đến hạn?",
    "tháng này phòng mình phải nộp gì",
    "tuần sau có hạn gì không",
    "còn việc gì chưa xong",
    "việc nào đã trễ hạn",
    "30 ngày tới có gì đến hạn",
    "quý sau có những việc gì",
    "tháng 11 cuối năm có việc gì",
    "việc thường xuyên",
    "nhiệm vụ 58 là gì",
    "nv 5",
    "việc công khai tài chính do ai chủ trì",
    "ai chủ trì việc đánh giá công chức",
    "nhiệm vụ 25 gồm những gì",
    "chi tiết nhiệm vụ 12",
    "nv 33",
    "khi nào nộp báo cáo CCHC quý 3",
    "hạn báo cáo kiểm soát TTHC 6 tháng",
    "lịch báo cáo năm nay",
    "báo cáo năm nộp khi nào",
    "khi nào nộp báo cáo đánh giá công chức",
    "mức độ hài lòng phải đạt bao nhiêu %",
    "chỉ tiêu thanh toán trực tuyến",
    "chỉ tiêu lĩnh vực 3",
    "chỉ tiêu của kế hoạch",
    "tiến độ toàn sở",
    "phòng mình làm được bao nhiêu",
    "thanh tra làm đến đâu rồi",
    "lịch sử nhiệm vụ 17",
    "hướng dẫn sử dụng",
    "bot làm được những gì",
    "tôi là ai",
    "xin chào",
    "giá xăng hôm nay",
    "nv 17 đang làm 50%",
    "xong rồi",
    "1",
    "minh chứng nhiệm vụ 17",
    "tắt nhắc nhở",
    "bật lại nhắc nhở",
)


@dataclass(frozen=True)
class Answer:
    who: str
    day: dt.date
    question: str
    length: int


async def collect(app, router) -> list[Answer]:
    """Every question, on every date, each asked by one person in turn (all roles over the set)."""
    from domain.messages import Incoming

    codes = {}
    for who, unit, role in PEOPLE:
        codes[who] = (await app.users.create_invite(unit, role, now=app.clock.now())).code
    message_id = 0

    async def say(who: str, text: str) -> list:
        nonlocal message_id
        message_id += 1
        return await router.handle(Incoming(
            channel="bench", sender_id=who, chat_id=who, text=text, message_id=str(message_id), sender_name=who,
        ))

    for who, _, _ in PEOPLE:
        reply = await say(who, f"đăng ký {codes[who]}")
        assert "thành công" in reply[0].text, reply[0].text
    answers: list[Answer] = []
    turn = 0
    for d, day in enumerate(DATES):
        app.clock.set(dt.datetime.combine(day, dt.time(9), tzinfo=TZ))
        for question in QUESTIONS:
            who = PEOPLE[(turn + 3 * d) % len(PEOPLE)][0]  # each date, other people ask each question
            turn += 1
            replies = await say(who, question)
            text = "\n".join(r.text for r in replies if r.text)
            answers.append(Answer(who, day, question, len(text)))
    return answers


def figures(answers: list[Answer]) -> tuple[float, float, int]:
    lengths = sorted(a.length for a in answers)
    p95 = lengths[min(len(lengths) - 1, round(0.95 * (len(lengths) - 1)))]
    return statistics.median(lengths), p95, lengths[-1]


async def build(tmp: Path):
    from bot.bootstrap import build_app
    from bot.settings import DEFAULTS, Settings
    from conversation.router import Router
    from domain.clock import FixedClock

    settings = Settings(cchc_data_dir=tmp, database_url=f"sqlite:///{tmp / 'answers.db'}", _env_file=None)
    app = await build_app(settings, clock=FixedClock(dt.datetime.combine(DATES[0], dt.time(9), tzinfo=TZ)))
    await app.plans.import_plan(DEFAULTS / "ke-hoach-cchc-2022.txt")
    return app, Router(app)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=10, help="list the N longest answers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, router = await build(Path(tmp))
        try:
            answers = await collect(app, router)
        finally:
            await app.close()
    median, p95, longest = figures(answers)
    roles = sorted({role for _, _, role in PEOPLE})
    print(f"{len(answers)} answers, {len(QUESTIONS)} questions × {len(DATES)} dates, roles: {', '.join(roles)}")
    print(f"median {median:.0f} chars · p95 {p95} · max {longest}   (goal: ≤ 400 · ≤ 900 · ≤ 1500)")
    for a in sorted(answers, key=lambda a: -a.length)[: args.show]:
        print(f"  {a.length:5d}  {a.day:%d/%m} {a.who:13s} {a.question}")


if __name__ == "__main__":
    asyncio.run(main())
