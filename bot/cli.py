"""`cchc-bot` command line (docs/contracts.md §1). Bad input → one line on stderr and a non-zero exit, never a
traceback."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from bot.bootstrap import App, running_app
from bot.settings import Settings
from domain.plan import PlanFormatError
from domain.reminders.policy import PolicyError
from presentation.common import no_plan
from services.errors import NoPlan
from storage.db import DatabaseUrlError


class CliError(Exception):
    """An expected failure with a message for the operator."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        self.exit(2, f"cchc-bot: lỗi tham số: {message} (xem `cchc-bot --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cchc-bot", description="Trợ lý Kế hoạch CCHC — Sở Công Thương")
    parser.add_argument("--db", help="URL cơ sở dữ liệu (mặc định: DATABASE_URL hoặc SQLite nhúng)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("run", help="chạy các kênh đã cấu hình và bộ nhắc việc (không có token: chat console)")

    chat = sub.add_parser("chat", help="chat trên console, cùng bộ máy hội thoại")
    chat.add_argument("--as", dest="as_unit", default="van-phong", metavar="UNIT_ID")
    chat.add_argument("--role", default="head", choices=["head", "officer", "coordinator", "leader", "admin"])

    _plan_commands(sub)

    nlu = sub.add_parser("nlu", help="phân tích câu hỏi (JSON lines trên stdin)")
    nlu.add_argument("--today", type=_date, help="bắt buộc khi không có --eval")
    nlu.add_argument("--eval", dest="eval_file", metavar="FILE",
                     help="đo độ chính xác trên một tập có nhãn (.yaml họ câu hỏi hoặc .jsonl)")
    nlu.add_argument("--noise", type=int, metavar="SEED", help="với --eval: thêm lỗi gõ điện thoại (có hạt giống)")
    nlu.add_argument("--failures", type=int, default=0, metavar="N", help="với --eval: in N câu sai đầu tiên")

    invite = sub.add_parser("invite", help="tạo mã mời dùng một lần")
    invite.add_argument("--unit", required=True)
    invite.add_argument("--role", required=True, choices=["head", "officer", "coordinator", "leader", "admin"])
    invite.add_argument("--json", action="store_true")

    _reminder_commands(sub)
    _document_commands(sub)
    web = sub.add_parser("web", help="trang web theo dõi (docs/contracts.md §6)").add_subparsers(dest="web_command", required=True)
    web.add_parser("serve", help="chạy máy chủ web (WEB_LISTEN, WEB_PORT — mặc định 8080)")
    link = web.add_parser("link", help="đường dẫn đăng nhập dùng một lần, hiệu lực 10 phút")
    link.add_argument("--unit", required=True)
    link.add_argument("--role", required=True, choices=["head", "officer", "coordinator", "leader", "admin"])
    link.add_argument("--json", action="store_true")
    for add in PARSERS:
        add(sub)
    _db_anywhere(parser)
    return parser


def _plan_commands(sub: argparse._SubParsersAction) -> None:
    """`plan import | check | dump | diff | close | years`."""
    plan = sub.add_parser("plan", help="nhập / xuất kế hoạch").add_subparsers(dest="plan_command", required=True)
    imp = plan.add_parser("import", help="nhập kế hoạch từ .txt, .docx, .xlsx")
    imp.add_argument("path")
    imp.add_argument("--year", type=_year, help="đổi mọi mốc thời gian sang năm N")
    check = plan.add_parser("check", help="đọc thử một tệp kế hoạch, không lưu: nhiệm vụ, đơn vị, thời hạn hiểu được")
    check.add_argument("path")
    check.add_argument("--json", action="store_true", help="in dạng JSON (docs/contracts.md §2)")
    check.add_argument("--year", type=_year, help="đọc mọi mốc thời gian như của năm N")
    dump = plan.add_parser("dump", help="in kế hoạch đã lưu")
    dump.add_argument("--json", action="store_true", required=True)
    dump.add_argument("--year", type=_year)
    diff = plan.add_parser("diff", help="so sánh kế hoạch hai năm: nhiệm vụ thêm, bỏ, đổi, đổi chủ trì")
    diff.add_argument("--from", dest="from_year", type=_year, required=True, metavar="YEAR")
    diff.add_argument("--to", dest="to_year", type=_year, required=True, metavar="YEAR")
    diff.add_argument("--json", action="store_true")
    close = plan.add_parser("close", help="ngày khóa kế hoạch một năm đã qua: sau ngày này chỉ còn xem")
    close.add_argument("--year", type=_year, required=True)
    close_on = close.add_mutually_exclusive_group(required=True)
    close_on.add_argument("--on", type=_date, metavar="YYYY-MM-DD", help="ngày cuối còn nhận cập nhật muộn")
    close_on.add_argument("--default", action="store_true", help="trở lại mặc định: 31/01 năm sau")
    years = plan.add_parser("years", help="các năm đã nhập: năm đang dùng, ngày khóa")
    years.add_argument("--json", action="store_true")



def _reminder_commands(sub: argparse._SubParsersAction) -> None:
    """`reminders due | simulate`."""
    reminders = sub.add_parser("reminders", help="nhắc việc").add_subparsers(dest="reminders_command", required=True)
    due = reminders.add_parser("due", help="chạy thử: các nhắc việc đến hạn tại thời điểm AT")
    due.add_argument("--at", required=True, type=_datetime)
    due.add_argument("--json", action="store_true")
    simulate = reminders.add_parser("simulate", help="mô phỏng: mọi tin nhắc việc sẽ gửi trong khoảng ngày (trên bản sao)")
    simulate.add_argument("--from", dest="start", required=True, type=_date)
    simulate.add_argument("--to", dest="end", required=True, type=_date)
    simulate.add_argument("--staff-all", action="store_true",
                          help="trên bản sao: mỗi đơn vị có một trưởng đơn vị, Văn phòng có một người điều phối")
    simulate.add_argument("--json", action="store_true")
    simulate.add_argument("--texts", action="store_true",
                          help="kèm nguyên văn mỗi tin nhắn (trường \"text\" trong --json)")



def _document_commands(sub: argparse._SubParsersAction) -> None:
    """`export xlsx`, `report draft`, `status`: the documents and numbers read from the projection."""
    export = sub.add_parser("export", help="xuất báo cáo").add_subparsers(dest="export_command", required=True)
    xlsx = export.add_parser("xlsx", help="bảng phụ lục kèm tình trạng, dạng Excel")
    xlsx.add_argument("path")
    xlsx.add_argument("--period", type=_period, metavar=PERIOD_METAVAR)
    xlsx.add_argument("--year", type=_year, help="kế hoạch năm N (mặc định: kế hoạch đang dùng)")

    report = sub.add_parser("report", help="báo cáo định kỳ").add_subparsers(dest="report_command", required=True)
    draft = report.add_parser("draft", help="soạn dự thảo báo cáo CCHC (Word) từ số liệu các đơn vị đã báo")
    draft.add_argument("--period", required=True, type=_period, metavar=PERIOD_METAVAR)
    draft.add_argument("--year", type=_year)
    draft.add_argument("--out", required=True, metavar="PATH.docx")
    draft.add_argument("--json", action="store_true", help="in số liệu báo cáo dạng JSON (docs/contracts.md §5)")
    draft.add_argument("--evidence-annex", metavar="PATH.xlsx", help="danh mục minh chứng đã xác nhận (Excel)")
    draft.add_argument("--signer", choices=["deputy", "director"], default="deputy",
                       help="deputy: KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC (mặc định); director: GIÁM ĐỐC")
    status = sub.add_parser("status", help="tình trạng mọi phần việc vào cuối một ngày (từ lịch sử cập nhật)")
    status.add_argument("--at", required=True, type=_date, metavar="YYYY-MM-DD")
    status.add_argument("--unit", metavar="UNIT_ID")
    status.add_argument("--year", type=_year, help="kế hoạch năm N (mặc định: năm của --at nếu đã nhập, không thì năm đang dùng)")
    status.add_argument("--json", action="store_true", required=True)


# Modules of bot/commands/ that bring their own subcommands add them here (see `register_parser`).
PARSERS: list[Callable[[argparse._SubParsersAction], None]] = []


def register_parser(fn: Callable[[argparse._SubParsersAction], None]) -> Callable[[argparse._SubParsersAction], None]:
    """Decorator: `fn(sub)` adds a command's subparser to `cchc-bot` (docs/contracts.md §1)."""
    PARSERS.append(fn)
    return fn


def _db_anywhere(parser: argparse.ArgumentParser) -> None:
    """`--db URL` before or after the subcommand (docs/contracts.md §1): every subcommand accepts it too; given
    there, it overrides the one before (SUPPRESS: absent, it leaves the top-level value alone)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if not any("--db" in a.option_strings for a in child._actions):
                    child.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
                _db_anywhere(child)


PERIOD_METAVAR = "Q1|Q2|H1|Q3|Q4|Y"
PERIOD_Q4_NOTE = "Q4 là kỳ báo cáo năm (Y): quý IV không có báo cáo riêng, số liệu quý IV nằm trong báo cáo năm"
YEARS_AROUND_PLAN = 5


def _period(value: str) -> str:
    """Q1 Q2 H1 Q3 Q4 Y in any case (docs/contracts.md §1); Q4 is the annual report's period, Y."""
    from domain.report_period import UnknownPeriod, normalise_period
    from presentation.periods import unknown_period

    try:
        period = normalise_period(value)
    except UnknownPeriod as exc:
        raise argparse.ArgumentTypeError(unknown_period(exc.text)) from None
    if value.strip().upper() == "Q4":
        print(f"cchc-bot: {PERIOD_Q4_NOTE}", file=sys.stderr)
    return period


def _year(value: str) -> int:
    """A four-digit year; whether it is near the plan's year is checked once the database is open
    (`check_year`)."""
    text = value.strip()
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"năm «{value}» không hợp lệ: cần 4 chữ số, vd. 2026")
    return int(text)


def check_year(year: int | None, plan_year: int | None, today_year: int) -> None:
    """A `--year` more than five years from the stored plan's year (or, with no plan, from today's year) is a
    typing slip, refused before anything is written."""
    if year is None:
        return
    around = plan_year if plan_year is not None else today_year
    if abs(year - around) > YEARS_AROUND_PLAN:
        which = f"năm của kế hoạch đã lưu ({plan_year})" if plan_year is not None else f"năm nay ({today_year})"
        raise CliError(f"--year {year} quá xa {which}: cần trong khoảng {around - YEARS_AROUND_PLAN}–"
                       f"{around + YEARS_AROUND_PLAN}")


def output_path(given: str, suffix: str) -> Path:
    """The file a command writes (export, report, backup), checked before any work: the error names the path the
    operator typed — never the temporary file the writer goes through (docs/contracts.md §1)."""
    path = Path(given).expanduser()
    if not path.name.lower().endswith(suffix):
        raise CliError(f"«{given}»: tệp phải có đuôi {suffix}")
    if path.is_dir():
        raise CliError(f"«{given}» là một thư mục; cần tên tệp, vd. {path / ('ten-tep' + suffix)}")
    parent = path.parent
    if not parent.exists():
        raise CliError(f"không ghi được «{given}»: thư mục «{parent}» không tồn tại")
    if not parent.is_dir():
        raise CliError(f"không ghi được «{given}»: «{parent}» không phải thư mục")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(f"không ghi được «{given}»: không có quyền ghi")
    return path


@contextlib.contextmanager
def writing(given: str):
    """An OSError while writing `given` is told with the operator's path, not the writer's temporary file."""
    try:
        yield
    except OSError as exc:
        raise CliError(f"không ghi được «{given}»: {exc.strerror or exc}") from None


def _datetime(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"thời điểm không hợp lệ «{value}» (cần ISO, vd. 2022-09-23T08:00)") from None


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ «{value}» (cần YYYY-MM-DD, vd. 2022-01-01)") from None


# -- commands ---------------------------------------------------------------------------------------
async def stored_plan_year(app: App) -> int | None:
    info = await app.queries.plan_info()
    return info[1] if info else None


async def cmd_plan_import(app: App, args) -> int:
    check_year(args.year, await stored_plan_year(app), app.clock.today().year)
    result = await app.plans.import_plan(args.path, args.year)
    verb = "Đã nhập" if result.created else "Đã cập nhật"
    print(
        f"{verb} kế hoạch năm {result.year}: {result.tasks} nhiệm vụ, {result.assignments} dòng phân công, "
        f"{result.milestones} mốc thời gian."
    )
    from presentation.deadlines import import_summary, unknown_units_summary

    if result.unknown_units:
        print(unknown_units_summary(result.unknown_units))
    if result.needs_date:
        print(import_summary(result.needs_date))
    return 0


async def cmd_plan_dump(app: App, args) -> int:
    check_year(args.year, await stored_plan_year(app), app.clock.today().year)
    print(json.dumps(await app.plans.dump(args.year), ensure_ascii=False, indent=2))
    return 0


COMMANDS: dict[str, Callable[[App, argparse.Namespace], Awaitable[int]]] = {
    "plan import": cmd_plan_import,
    "plan dump": cmd_plan_dump,
}


def _command_key(args) -> str:
    sub = getattr(args, f"{args.command}_command", None)
    return f"{args.command} {sub}" if sub else args.command


def register(name: str):
    """Decorator used by other modules (chat, nlu, invite, reminders, export) to add a command."""

    def wrap(fn):
        COMMANDS[name] = fn
        return fn

    return wrap


# Commands that must not start the app (which migrates the database): backup reads the database as it is,
# restore builds it from the archive. They receive the settings instead.
RAW_COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], Awaitable[int]]] = {}


def register_raw(name: str):
    """Like `register`, for a command that opens the database itself (backup, restore)."""

    def wrap(fn):
        RAW_COMMANDS[name] = fn
        return fn

    return wrap


def _load_command_modules() -> None:
    import importlib

    for module in ("bot.commands",):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


async def _dispatch(args) -> int:
    settings = Settings(**({"database_url": args.db} if args.db else {}))
    key = _command_key(args)
    if key in RAW_COMMANDS:
        return await RAW_COMMANDS[key](settings, args)
    handler = COMMANDS.get(key)
    if handler is None:
        raise CliError(f"lệnh «{key}» chưa được hỗ trợ")
    async with running_app(settings) as app:
        return await handler(app, args)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _load_command_modules()
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(_dispatch(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cchc-bot plan dump --json | head`: the reader left, nothing went wrong
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except NoPlan as exc:
        print(f"cchc-bot: lỗi: {no_plan(exc.year)}", file=sys.stderr)
        return 1
    except (CliError, PlanFormatError, DatabaseUrlError, PolicyError, FileNotFoundError) as exc:
        print(f"cchc-bot: lỗi: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        first = exc.errors()[0]
        print(f"cchc-bot: cấu hình không hợp lệ: {first['loc'][0]}: {first['msg']}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"cchc-bot: lỗi hệ thống: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # last resort: still one line, the details go to the log
        logging.getLogger("cchc").exception("unexpected error")
        print(f"cchc-bot: lỗi không mong đợi: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
