"""`cchc-bot run`: every configured channel plus the reminder scheduler; the console when no
messenger token is configured."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from bot.bootstrap import App
from bot.channels.console import ConsoleSender
from bot.cli import CliError, register
from bot.commands.chat import choose_persona, ensure_plan, open_console
from conversation.router import Router
from domain.messages import Engine

log = logging.getLogger(__name__)

# SIGTERM: the channels stop fetching and let the updates in hand finish (STOP_GRACE); whatever still
# holds the process after this many seconds (a connection thread stuck in a cancelled query…) is cut
# short — everything unfinished is in the durable inbox, so this is no worse than a kill.
HARD_STOP_SECONDS = 3.5


def _hard_exit(code: int = 0) -> None:
    log.warning("graceful stop took over %.1f s; exiting now (unfinished updates stay in the inbox)",
                HARD_STOP_SECONDS)
    logging.shutdown()
    os._exit(code)


def _arm_hard_exit(code: int) -> None:
    deadline = threading.Timer(HARD_STOP_SECONDS, _hard_exit, args=(code,))
    deadline.daemon = True
    deadline.start()


async def _stop_scheduler(scheduler) -> None:
    """A tick in flight gets one second to finish (SIGTERM must stop the process within 5 s)."""
    from scheduler.runner import stop_scheduler

    await stop_scheduler(scheduler, grace=1.0)


async def _start_scheduler(app: App):
    try:
        from scheduler.runner import start_scheduler
    except ImportError:  # pragma: no cover - the scheduler module is part of the product
        log.warning("reminder scheduler unavailable")
        return None
    return await start_scheduler(app)


async def _serve_web(app: App, scheduler, stop: asyncio.Event) -> None:
    from web.server import create_web_app, serve

    settings = app.settings
    expected = tuple(name for name, token in (("telegram", settings.telegram_bot_token),
                                              ("zalo", settings.zalo_bot_token)) if token)
    asgi = create_web_app(app, scheduler_alive=(lambda: bool(scheduler and scheduler.running)), channels=expected)
    app.web_running = True
    try:
        await serve(asgi, app.settings.web_listen, app.settings.web_port or 0, stop)
    except OSError as exc:
        app.web_running = False
        stop.set()
        raise CliError(f"không mở được cổng web {app.settings.web_listen}:{app.settings.web_port} "
                       f"({exc.strerror or exc})") from None


def _end_console_on_signals() -> asyncio.Event:
    """Ctrl-C and SIGTERM cancel the console (whatever the handler inherited: a terminal's, or none when
    started in the background) and arm the hard stop, so the console never stays after them; the event
    tells a cancellation by signal from any other."""
    loop, console, interrupted = asyncio.get_running_loop(), asyncio.current_task(), asyncio.Event()

    def interrupt() -> None:
        if not interrupted.is_set():
            interrupted.set()
            _arm_hard_exit(130)
            if console is not None:
                console.cancel()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, interrupt)
    return interrupted


@register("run")
async def cmd_run(app: App, args) -> int:
    settings = app.settings
    channels: list[Callable[[App, Engine, asyncio.Event], Coroutine[Any, Any, None]]] = []
    if settings.telegram_bot_token:
        from bot.channels.telegram import serve as serve_telegram

        channels.append(serve_telegram)
    if settings.zalo_bot_token:
        from bot.channels.zalo import serve as serve_zalo

        channels.append(serve_zalo)
    webhooks = [name for name, token, url in (
        ("TELEGRAM_WEBHOOK_URL", settings.telegram_bot_token, settings.telegram_webhook_url),
        ("ZALO_WEBHOOK_URL", settings.zalo_bot_token, settings.zalo_webhook_url),
    ) if token and url]
    if webhooks and not settings.web_port:
        raise CliError(
            f"{' và '.join(webhooks)} cần máy chủ web: đặt WEB_PORT (ví dụ 8080) và cho reverse proxy chuyển "
            "đường dẫn webhook tới WEB_LISTEN:WEB_PORT"
        )
    if not channels:
        app.senders["console"] = ConsoleSender(sys.stdout)
        scheduler = await _start_scheduler(app)
        stop = asyncio.Event()
        web = asyncio.create_task(_serve_web(app, scheduler, stop)) if settings.web_port else None
        interrupted = _end_console_on_signals()
        try:
            unit, role = await choose_persona()
            return await open_console(app, unit, role)
        except asyncio.CancelledError:
            if interrupted.is_set():  # Ctrl-C (or SIGTERM): the console ends at once, as a shell command does
                return 130
            raise
        finally:
            if web is not None:
                stop.set()
                await asyncio.gather(web, return_exceptions=True)
            if scheduler:
                await _stop_scheduler(scheduler)
    logging.getLogger().setLevel(settings.log_level)  # a server's log; the console keeps warnings only
    note = await ensure_plan(app)
    if note:
        log.info(note)
    router = Router(app)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def request_stop() -> None:
        if not stop.is_set():
            stop.set()
            _arm_hard_exit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, request_stop)
    scheduler = None
    try:
        warm = asyncio.create_task(router.prepare(), name="nlu-warm-up")  # while the channels start
        tasks = [asyncio.create_task(serve(app, router, stop)) for serve in channels]
        await asyncio.sleep(0)
        scheduler = await _start_scheduler(app)
        if settings.web_port:  # the dashboard, the webhooks, /healthz and /metrics on one port
            tasks.append(asyncio.create_task(_serve_web(app, scheduler, stop)))
        await asyncio.gather(warm, *tasks)
    finally:
        if scheduler:
            await _stop_scheduler(scheduler)
    return 0
