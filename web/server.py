"""The Starlette application: routes, sign-in, roles, webhooks, health and metrics.

Security rules (issue 14, docs/contracts.md §6):
- Webhooks: the secret header is compared in constant time and a wrong one is answered 403 before the
  body is read; the body is capped (Content-Length checked first, then the bytes actually streamed);
  malformed JSON is a 400 without a traceback. Nothing reaches a channel unless all of that passed.
- Sessions: a random token in an HttpOnly, SameSite=Lax cookie (Secure behind TLS), idle expiry.
  Every form carries the session's CSRF token. Heads and officers see their own unit only (403
  otherwise); only coordinators (and admins) review evidence, through the same `ReviewService` as
  /minhchung. Evidence files are served only by `/tep/{id}`, after the same unit check.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from domain.clock import Clock
from domain.messages import Sender, Webhook
from domain.report_period import UnknownPeriod, current_period, normalise_period
from domain.reporting import PERIODS as REPORT_PERIODS
from domain.units import UnitDirectory
from presentation.common import NO_PLAN
from presentation.format import file_size, fmt_date
from presentation.names import file_label
from presentation.review import review_notice
from services import metrics
from services.access import may_draft_department_report, unit_in_view, visible_units
from services.dashboard_service import PERIODS, STATUS_FILTERS, DashboardService, Filters
from services.errors import NoPlan
from services.export_service import XLSX_MIME, ExportService
from services.plan_service import PlanService
from services.query_service import QueryService
from services.report_service import ReportService
from services.review_service import ReviewForbidden, ReviewKind, ReviewService
from services.status_service import StatusService
from services.target_service import TargetService
from services.web_auth import WebAuthService, WebUser
from storage.db import ping
from web import present

if TYPE_CHECKING:
    import uvicorn  # imported when serving only

log = logging.getLogger(__name__)

COOKIE = "cchc_session"
MAX_BODY = 1024 * 1024  # a webhook update is a few KB; Telegram's largest are well under this
SAFE_INLINE = {"image/jpeg", "image/png"}  # shown in the page; everything else is downloaded
# Pages load nothing from elsewhere (styles and the Mini App's few lines of script are inline).
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}



def _environment(units, tz) -> Environment:
    env = Environment(loader=PackageLoader("web", "templates"), autoescape=select_autoescape(), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(
        d=fmt_date, t=lambda at: present.fmt_time(at, tz), status=present.status_label,
        role=present.role_label, size=file_size, bar=present.bar, unit=units.name,
        goal=present.goal_label, figure=present.figure_label, verdict=present.verdict_label,
        file_label=file_label,
    )
    env.globals.update(
        STATUS_NAMES=present.STATUS_NAMES, STATUS_COLOURS=present.STATUS_COLOURS,
        REVIEW_NAMES=present.REVIEW_NAMES, PERIOD_NAMES=present.PERIOD_NAMES,
        EXPORT_PERIODS=present.EXPORT_PERIODS, CHANNEL_NAMES=present.CHANNEL_NAMES, unit_name=units.name,
    )
    return env


class WebSettings(Protocol):
    @property
    def web_public_url(self) -> str: ...


class WebApp(Protocol):
    """What the web server uses of `bot.bootstrap.App` (`web` sits below `bot` and does not import it).
    Read-only members, so that the App's fields (of these types or narrower ones) satisfy it."""

    @property
    def settings(self) -> WebSettings: ...
    @property
    def engine(self) -> AsyncEngine: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def units(self) -> UnitDirectory: ...
    @property
    def plans(self) -> PlanService: ...
    @property
    def queries(self) -> QueryService: ...
    @property
    def statuses(self) -> StatusService: ...
    @property
    def review(self) -> ReviewService: ...
    @property
    def exports(self) -> ExportService: ...
    @property
    def dashboard(self) -> DashboardService: ...
    @property
    def targets(self) -> TargetService: ...
    @property
    def reports(self) -> ReportService: ...
    @property
    def web_auth(self) -> WebAuthService: ...
    @property
    def senders(self) -> dict[str, Sender]: ...
    @property
    def webhooks(self) -> dict[str, Webhook]: ...
    @property
    def channel_errors(self) -> dict[str, str]: ...


class WebServer:
    """The routes over one running `App`."""

    def __init__(self, app: WebApp, *, scheduler_alive=None, channels: tuple[str, ...] = (),
                 secure: bool | None = None) -> None:
        self.app = app
        self.scheduler_alive = scheduler_alive
        self.channels = channels
        base = app.settings.web_public_url
        self.secure = base.startswith("https://") if secure is None else secure
        self.tz = app.clock.tz
        self.templates = _environment(app.units, self.tz)
        self._notices: set[asyncio.Task] = set()

    # -- plumbing ----------------------------------------------------------------------------------
    def render(self, name: str, request: Request, status_code: int = 200, **context) -> HTMLResponse:
        html = self.templates.get_template(name).render(request=request, today=self.app.clock.now().date(), **context)
        return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)

    def problem(self, request: Request, status: int, title: str, text: str, user: WebUser | None = None) -> HTMLResponse:
        return self.render("message.html", request, status, title=title, text=text, user=user)

    def no_plan(self, request: Request, user: WebUser) -> HTMLResponse:
        return self.problem(request, 503, "Chưa có kế hoạch", NO_PLAN, user)

    def forbidden(self, request: Request, user: WebUser, text: str | None = None) -> HTMLResponse:
        unit = self.app.units.name(user.user.unit_id)
        return self.problem(
            request, 403, "Không có quyền xem trang này",
            text or f"Tài khoản của anh/chị chỉ xem được công việc của {unit}. Bấm «Tổng quan» để quay lại.",
            user,
        )

    async def user(self, request: Request) -> WebUser | None:
        return await self.app.web_auth.session(request.cookies.get(COOKIE), now=self.app.clock.now())

    def sign_in_needed(self, request: Request) -> HTMLResponse:
        return self.problem(
            request, 401, "Cần đăng nhập",
            "Gõ /web trong chat với trợ lý CCHC (Telegram hoặc Zalo) để nhận đường dẫn đăng nhập, "
            "dùng được một lần trong 10 phút.",
        )

    def _is_secure(self, request: Request) -> bool:
        return self.secure or request.url.scheme == "https"

    def start_session(self, request: Request, session: WebUser, target: str = "/") -> RedirectResponse:
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE, session.token, httponly=True, samesite="lax", secure=self._is_secure(request),
            max_age=int(self.app.web_auth.idle.total_seconds()) * 24, path="/",
        )
        return response

    async def form(self, request: Request, user: WebUser) -> dict[str, str] | None:
        """The posted form when its CSRF token is the session's, else None."""
        form = await request.form()
        given = str(form.get("csrf", ""))
        if not hmac.compare_digest(given.encode(), user.csrf.encode()):
            return None
        return {k: str(v) for k, v in form.items()}

    # -- health, metrics -----------------------------------------------------------------------------
    async def healthz(self, request: Request) -> JSONResponse:
        database = await ping(self.app.engine)
        scheduler = None if self.scheduler_alive is None else bool(self.scheduler_alive())
        channels = sorted(self.app.senders)
        missing = sorted(set(self.channels) - set(channels))
        down = dict(sorted(self.app.channel_errors.items()))
        ok = database and scheduler is not False and not missing and not down
        body: dict[str, object] = {
            "status": "ok" if ok else "error",
            "database": "ok" if database else "unreachable",
            "scheduler": "not running here" if scheduler is None else ("ok" if scheduler else "stopped"),
            "channels": channels,
            "webhooks": sorted(self.app.webhooks),
        }
        if missing:
            body["channels_not_started"] = missing
        if down:
            body["channels_down"] = down  # running, but not receiving: the reason for each
        return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})

    async def metrics(self, request: Request) -> Response:
        text, content_type = metrics.render()
        return Response(text, media_type=content_type)

    # -- webhooks --------------------------------------------------------------------------------------
    def _webhook_for(self, path: str) -> Webhook | None:
        for hook in list(self.app.webhooks.values()):
            if hook.path == path:
                return hook
        return None

    async def webhook(self, request: Request) -> Response:
        hook = self._webhook_for(request.url.path) if request.method == "POST" else None
        if hook is None:
            if request.method == "POST" or request.url.path.startswith(("/api", "/telegram", "/zalo")):
                return JSONResponse({"ok": False, "description": "not found"}, status_code=404)
            return self.problem(request, 404, "Không tìm thấy trang", "Bấm «Tổng quan» để về trang đầu.")
        given = request.headers.get(hook.header, "")
        if not hmac.compare_digest(given.encode(), hook.secret.encode()):
            log.warning("%s webhook: request with a wrong or missing secret refused", hook.channel)
            return JSONResponse({"ok": False, "description": "forbidden"}, status_code=403)
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            return JSONResponse({"ok": False, "description": "too large"}, status_code=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return JSONResponse({"ok": False, "description": "too large"}, status_code=413)
        try:
            update = json.loads(body)
        except ValueError:
            return JSONResponse({"ok": False, "description": "invalid JSON"}, status_code=400)
        if not isinstance(update, dict):
            return JSONResponse({"ok": False, "description": "not an update"}, status_code=400)
        try:
            await hook.submit(update)
        except Exception:  # an update the channel cannot even decode: refuse it, keep the server up
            log.warning("%s webhook: update refused", hook.channel, exc_info=True)
            return JSONResponse({"ok": False, "description": "bad update"}, status_code=400)
        return JSONResponse({"ok": True})

    # -- sign-in ---------------------------------------------------------------------------------------
    async def sign_in_page(self, request: Request) -> HTMLResponse:
        """GET shows a button; only the POST uses the link (link previews and scanners fetch GETs)."""
        return self.render("sign_in.html", request, token=request.path_params["token"], user=None)

    async def sign_in(self, request: Request) -> Response:
        session = await self.app.web_auth.redeem(request.path_params["token"], now=self.app.clock.now())
        if session is None:
            return self.problem(
                request, 410, "Đường dẫn không còn dùng được",
                "Đường dẫn đăng nhập chỉ dùng được một lần và trong 10 phút. "
                "Gõ /web trong chat với trợ lý để nhận đường dẫn mới.",
            )
        return self.start_session(request, session)

    async def mini_app(self, request: Request) -> Response:
        if request.method == "GET":
            return self.render("mini_app.html", request, user=None)
        form = await request.form()
        session = await self.app.web_auth.from_init_data(str(form.get("init_data", "")), now=self.app.clock.now())
        if session is None:
            return self.problem(
                request, 403, "Không xác nhận được tài khoản Telegram",
                "Trang này mở từ nút «Mở trang tổng quan» trong chat với trợ lý; tài khoản Telegram phải đã "
                "đăng ký bằng mã mời. Đóng trang, gõ /web trong chat rồi bấm lại nút.",
            )
        return self.start_session(request, session)

    async def sign_out(self, request: Request) -> Response:
        user = await self.user(request)
        if user is not None and await self.form(request, user) is not None:
            await self.app.web_auth.sign_out(user.token)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    # -- pages -------------------------------------------------------------------------------------------
    def filters(self, request: Request, user: WebUser) -> Filters:
        q = request.query_params
        unit = q.get("unit") or None
        if unit and self.app.units.get(unit) is None:
            unit = None
        area = int(q["area"]) if q.get("area", "").isdigit() else None
        status = q.get("status") if q.get("status") in STATUS_FILTERS else None
        period = q.get("period") if q.get("period") in PERIODS else None
        year = int(q["year"]) if q.get("year", "").isdigit() else None  # a year without a plan: the current one
        return Filters(unit_in_view(user.user, unit).unit_id, area, status, period, year)

    async def overview(self, request: Request) -> Response:
        user = await self.user(request)
        if user is None:
            return self.sign_in_needed(request)
        filters = self.filters(request, user)
        only = unit_in_view(user.user, None).unit_id
        data = await self.app.dashboard.overview(self.app.clock.now().date(), filters, only_unit=only)
        if data is None and filters.year is not None:
            data = await self.app.dashboard.overview(self.app.clock.now().date(), replace(filters, year=None), only_unit=only)
        if data is None:
            return self.no_plan(request, user)
        units = [(u.id, u.name) for u in self.app.units.member_units]
        pending = None
        if user.sees_all_units:
            version = await self.app.plans.current_version()  # cached: the overview just read it
            pending = await self.app.review.waiting(version[0]) if version else 0
        # targets: the latest figure of the report period shown (the current one when the filter is not a
        # report period, e.g. Q4) — one read of the targets and their figures
        report = data.period if data.period in REPORT_PERIODS else current_period(data.today)
        try:
            _, _, rows = await self.app.targets.status(
                period=report, today=data.today, year=None if data.current else data.year
            )
        except NoPlan:
            rows = []
        figures: dict[int, list] = {}
        for row in rows:
            figures.setdefault(row.target.section, []).append(row)
        return self.render("overview.html", request, user=user, o=data, units=units, pending=pending,
                           report=report, figures=figures)

    async def unit(self, request: Request) -> Response:
        user = await self.user(request)
        if user is None:
            return self.sign_in_needed(request)
        unit_id = request.path_params["unit"]
        if self.app.units.get(unit_id) is None:
            return self.problem(request, 404, "Không có đơn vị này", "Bấm «Tổng quan» để chọn đơn vị.", user)
        if not user.may_see_unit(unit_id):
            return self.forbidden(request, user)
        try:
            page = await self.app.dashboard.unit_page(unit_id, self.app.clock.now().date())
        except NoPlan:
            return self.no_plan(request, user)
        return self.render("unit.html", request, user=user, page=page)

    async def task(self, request: Request) -> Response:
        user = await self.user(request)
        if user is None:
            return self.sign_in_needed(request)
        number = request.path_params["number"]
        try:
            detail = await self.app.queries.task_detail(number, self.app.clock.now().date())
        except NoPlan:
            detail = None
        if detail is None:
            return self.problem(request, 404, f"Không có nhiệm vụ {number}",
                                "Kế hoạch không có nhiệm vụ số này. Bấm «Tổng quan» để xem danh sách.", user)
        units = visible_units(user.user)
        if units is not None and not any(lead.unit_id in units for lead in detail.leads):
            return self.forbidden(
                request, user,
                f"Nhiệm vụ {number} không do {self.app.units.name(user.user.unit_id)} chủ trì nên anh/chị không "
                "xem được chi tiết. Bấm «Tổng quan» để xem việc của đơn vị mình.",
            )
        history = [row for row in (await self.app.statuses.history(number) or []) if units is None or row[0] in units]
        files = await self.app.review.for_task(number, unit_ids=units)
        statuses = [s for s in detail.statuses if units is None or s.unit_id in units]
        return self.render("task.html", request, user=user, t=detail, statuses=statuses,
                           history=list(reversed(history)), files=files)

    async def review_queue(self, request: Request) -> Response:
        user = await self.user(request)
        if user is None:
            return self.sign_in_needed(request)
        try:
            page = await self.app.review.pending(user.user, limit=50)
        except ReviewForbidden:
            return self.forbidden(request, user, "Hàng chờ duyệt minh chứng chỉ dành cho Văn phòng Sở và Lãnh đạo Sở. "
                                                 "Minh chứng của đơn vị mình xem ở trang từng nhiệm vụ.")
        notice = request.query_params.get("ok")
        return self.render("review.html", request, user=user, page=page, notice=notice)

    async def review(self, request: Request) -> Response:
        user = await self.user(request)
        if user is None:
            return self.sign_in_needed(request)
        form = await self.form(request, user)
        if form is None:
            return self.problem(request, 403, "Phiên làm việc đã đổi",
                                "Trang đã cũ hoặc mở từ nơi khác. Tải lại trang «Minh chứng» rồi thao tác lại.", user)
        evidence_id = request.path_params["evidence"]
        now = self.app.clock.now()
        action = request.path_params["action"]
        if action == "chap-nhan":
            outcome = await self.app.review.accept(user.user, evidence_id, now=now)
        elif action == "tra-lai":
            outcome = await self.app.review.return_(user.user, evidence_id, form.get("comment", ""), now=now)
        else:
            return self.problem(request, 404, "Không có thao tác này", "Tải lại trang «Minh chứng».", user)
        if outcome.kind in (ReviewKind.FORBIDDEN, ReviewKind.READ_ONLY):
            return self.forbidden(request, user, "Chỉ Văn phòng Sở (điều phối) duyệt minh chứng; "
                                                 "Lãnh đạo Sở xem hàng chờ, không duyệt.")
        if outcome.kind in (ReviewKind.ACCEPTED, ReviewKind.RETURNED):
            task = asyncio.get_running_loop().create_task(self._notify(outcome))
            self._notices.add(task)  # keep a reference until it is done (the loop holds only weak ones)
            task.add_done_callback(self._notices.discard)
        back = form.get("back") or "/minh-chung"
        if not back.startswith("/") or back.startswith("//") or "?" in back:
            back = "/minh-chung"
        return RedirectResponse(f"{back}?ok={outcome.kind}", status_code=303)

    async def _notify(self, outcome) -> None:
        try:
            await self.app.review.notify(outcome, review_notice(outcome, self.app.units))
        except Exception:  # the review is written; a failed notice is logged, never shown as a failure
            log.warning("review notice not sent", exc_info=True)

    async def evidence_file(self, request: Request) -> Response:
        user = await self.user(request)
        if user is None:
            return self.sign_in_needed(request)
        ev = await self.app.review.get(request.path_params["evidence"])
        if ev is None:
            return self.problem(request, 404, "Không có tệp này", "Tệp đã bị xoá hoặc đường dẫn sai.", user)
        if not user.may_see_unit(ev.unit_id):
            return self.forbidden(request, user)
        path = self.app.review.file_path(ev)
        if path is None:
            return self.problem(request, 404, "Tệp không còn trên máy chủ",
                                "Tệp minh chứng đã bị xoá khỏi thư mục lưu trữ. Báo quản trị hệ thống.", user)
        mime = ev.mime_type or "application/octet-stream"
        inline = request.query_params.get("xem") == "1" and mime in SAFE_INLINE
        name = ev.file_name or f"minh-chung-{ev.id}{path.suffix}"
        return FileResponse(
            path, media_type=mime, filename=name, content_disposition_type="inline" if inline else "attachment",
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
        )

    async def export(self, request: Request) -> Response:
        user = await self.user(request)
        if user is None:
            return self.sign_in_needed(request)
        period = request.query_params.get("period") or None
        if period not in (None, *present.EXPORT_PERIODS):
            period = None
        unit = request.query_params.get("unit") or None
        if unit and self.app.units.get(unit) is None:
            unit = None
        asked_year = request.query_params.get("year", "")
        year = int(asked_year) if asked_year.isdigit() else None
        scope = unit_in_view(user.user, unit)
        if scope.refused:  # an export of another unit is refused, not narrowed
            return self.forbidden(request, user)
        unit = scope.unit_id
        folder = Path(tempfile.mkdtemp(prefix="cchc-web-export-"))
        path = folder / "bao-cao.xlsx"
        now = self.app.clock.now()
        try:
            await self.app.exports.export(path, now=now, unit_id=unit, period=period, year=year)
        except NoPlan:
            return self.no_plan(request, user)
        name = (f"bao-cao-cchc-{unit or 'toan-so'}" + (f"-{year}" if year else "") + (f"-{period.lower()}" if period else "")
                + f"-{now:%Y%m%d}.xlsx")
        return FileResponse(path, media_type=XLSX_MIME, filename=name,
                            background=BackgroundTask(_remove, folder))

    async def report(self, request: Request) -> Response:
        """The periodic report's draft (.docx), as `cchc-bot report draft` writes it: coordinators, leaders
        and admins only (it states the whole department)."""
        from services.report_files import DOCX_MIME, ReportTemplateError

        user = await self.user(request)
        if user is None:
            return self.sign_in_needed(request)
        if not may_draft_department_report(user.user):
            return self.forbidden(request, user, "Dự thảo báo cáo CCHC của cả Sở chỉ dành cho Văn phòng Sở và "
                                                 "Lãnh đạo Sở. Bấm «Tổng quan» để quay lại.")
        now = self.app.clock.now()
        asked = request.query_params.get("period")
        try:
            period = normalise_period(asked) if asked else current_period(now.date())
        except UnknownPeriod:
            return self.problem(request, 400, "Kỳ báo cáo không hợp lệ",
                                f"Không có kỳ báo cáo «{asked}». Chọn một trong các kỳ: Q1 (quý I), Q2 (quý II), "
                                "H1 (6 tháng đầu năm), Q3 (quý III), Y (cả năm).", user)
        folder = Path(tempfile.mkdtemp(prefix="cchc-web-report-"))
        try:
            draft, path, _ = await self.app.reports.write(period, folder / "bao-cao.docx")
        except NoPlan:
            _remove(folder)
            return self.no_plan(request, user)
        except ReportTemplateError as exc:
            _remove(folder)
            log.warning("report draft: %s", exc)
            return self.problem(request, 500, "Không tạo được báo cáo",
                                f"Mẫu báo cáo có lỗi: {exc}. Báo quản trị hệ thống.", user)
        name = f"bao-cao-cchc-{period.lower()}-{draft.year}-{now:%Y%m%d}.docx"
        return FileResponse(path, media_type=DOCX_MIME, filename=name,
                            headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
                            background=BackgroundTask(_remove, folder))


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def create_web_app(app: WebApp, *, scheduler_alive=None, channels: tuple[str, ...] = (),
                   secure: bool | None = None) -> Starlette:
    """The ASGI application over a built `App`. `scheduler_alive()` tells /healthz whether the reminder
    scheduler of this process runs (None: this process runs no scheduler, e.g. `web serve`);
    `channels` are the messengers this process should have started (their senders are registered)."""
    server = WebServer(app, scheduler_alive=scheduler_alive, channels=channels, secure=secure)
    routes = [
        Route("/healthz", server.healthz, methods=["GET"]),
        Route("/metrics", server.metrics, methods=["GET"]),
        Route("/", server.overview, methods=["GET"]),
        Route("/dang-nhap/{token}", server.sign_in_page, methods=["GET"]),
        Route("/dang-nhap/{token}", server.sign_in, methods=["POST"]),
        Route("/telegram-mini-app", server.mini_app, methods=["GET", "POST"]),
        Route("/dang-xuat", server.sign_out, methods=["POST"]),
        Route("/don-vi/{unit}", server.unit, methods=["GET"]),
        Route("/nhiem-vu/{number:int}", server.task, methods=["GET"]),
        Route("/minh-chung", server.review_queue, methods=["GET"]),
        Route("/minh-chung/{evidence:int}/{action:str}", server.review, methods=["POST"]),
        Route("/tep/{evidence:int}", server.evidence_file, methods=["GET"]),
        Route("/xuat.xlsx", server.export, methods=["GET"]),
        Route("/bao-cao.docx", server.report, methods=["GET"]),
        Route("/{path:path}", server.webhook, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    ]
    web = Starlette(routes=routes)
    web.state.server = server
    return web


async def serve(asgi: Starlette, host: str, port: int, stop: asyncio.Event, *, started: asyncio.Event | None = None,
                bound: list[int] | None = None) -> None:
    """Serve `asgi` with uvicorn until `stop` is set. `port` 0 picks a free port, reported in `bound`."""
    import uvicorn

    config = uvicorn.Config(asgi, host=host, port=port, log_level="warning", lifespan="off",
                            proxy_headers=True, access_log=False)
    server = _quiet_server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                await task  # raises the bind error (port in use, …)
                raise OSError(f"web server stopped before it started on {host}:{port}")
            await asyncio.sleep(0.01)
        if bound is not None:
            bound.extend(s.getsockname()[1] for srv in server.servers for s in srv.sockets)
        log.info("web: http://%s:%s", host, bound[0] if bound else port)
        if started is not None:
            started.set()
        stop_wait = asyncio.create_task(stop.wait())
        await asyncio.wait({task, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        stop_wait.cancel()
    finally:
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)


def _quiet_server(config: uvicorn.Config) -> uvicorn.Server:
    """uvicorn's Server without its own signal handling (the command's handlers stop it)."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

        def install_signal_handlers(self) -> None:  # older uvicorn
            pass

    return Server(config)
