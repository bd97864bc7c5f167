"""The web view in a real browser: Debian's Chromium, headless, driven by Playwright (never
`playwright install`: the system browser is used). Skipped, with the reason, only when no browser
exists on the machine (`.ci/run` installs it)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil

import pytest

from domain.clock import FixedClock
from tests import db_templates
from tests.conftest import make_settings
from tests.conversation_kit import AUG_15_2022
from tests.coordinator_kit import add_evidence, lead_of, person
from web.server import create_web_app, serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a1d2e3b40000000049454e44ae426082"
)

BOT_TOKEN = "123456:browser-test-token"
pytestmark = [pytest.mark.heavy,
              pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")]


@contextlib.asynccontextmanager
async def running_site(tmp_path):
    app = await db_templates.seeded_app(make_settings(tmp_path, telegram_bot_token=BOT_TOKEN),
                                        clock=FixedClock(AUG_15_2022))
    stop, started, bound = asyncio.Event(), asyncio.Event(), []
    task = asyncio.create_task(serve(create_web_app(app), "127.0.0.1", 0, stop, started=started, bound=bound))
    try:
        await asyncio.wait_for(started.wait(), 10)
        app.web_auth.base_url = f"http://127.0.0.1:{bound[0]}"
        yield app
    finally:
        stop.set()
        await task
        await app.close()


@contextlib.asynccontextmanager
async def browser():
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def test_sign_in_overview_task_and_review_in_a_browser(tmp_path):
    async with running_site(tmp_path) as app, browser() as chromium:
        head = await person(app, "van-phong", "head", "Chị Lan")
        folder = app.settings.evidence_path / "2022" / "17"
        folder.mkdir(parents=True)
        (folder / "anh.png").write_bytes(PNG)
        evidence = await add_evidence(app, await lead_of(app, 17, "van-phong"), head, "bien-ban-hop.png",
                                      app.clock.now(), mime="image/png", path="2022/17/anh.png")
        link = await app.web_auth.issue_link(now=app.clock.now(), unit_id="van-phong", role="coordinator")

        page = await (await chromium.new_context(viewport={"width": 390, "height": 844})).new_page()  # a phone
        await page.goto(link.url)
        await page.click("#sign-in")
        await page.wait_for_url("**/")
        assert "Kế hoạch CCHC năm 2022" in await page.text_content("h1")
        assert await page.locator("#units tbody tr").count() >= 8
        assert await page.locator("#areas svg.bar").count() >= 5  # the inline charts
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        shot = await page.screenshot(full_page=True)
        assert shot[:8] == b"\x89PNG\r\n\x1a\n"

        await page.goto(f"{app.web_auth.base_url}/nhiem-vu/17")
        assert "Nhiệm vụ 17" in await page.text_content("h1")
        assert await page.locator("#evidence img.thumb").count() == 1
        # the thumbnail comes through the authorised route (lazy-loaded: wait until the browser has it)
        # (img.decode() resolves once the image is loaded; wait_for_function would need eval, which the
        # page's Content-Security-Policy rightly forbids)
        thumb = page.locator("#evidence img.thumb")
        await thumb.scroll_into_view_if_needed()
        assert await thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") == 1
        wide = await page.evaluate("""[...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 391).slice(0, 5)
            .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))""")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390, wide
        await page.click(f"#accept-{evidence}")
        await page.wait_for_selector("#notice")
        assert "Đã xác nhận" in await page.text_content("#notice")
        assert "Đã xác nhận" in await page.text_content("#evidence")

        used = await (await chromium.new_context()).new_page()
        await used.goto(link.url)
        await used.click("#sign-in")
        assert "không còn dùng được" in await used.text_content("h1")


async def test_head_cannot_open_another_unit_and_expired_links_are_refused(tmp_path):
    async with running_site(tmp_path) as app, browser() as chromium:
        link = await app.web_auth.issue_link(now=app.clock.now(), unit_id="thanh-tra", role="head")
        old = await app.web_auth.issue_link(now=app.clock.now() - dt.timedelta(minutes=11), unit_id="thanh-tra",
                                            role="head")
        page = await (await chromium.new_context()).new_page()
        await page.goto(link.url)
        await page.click("#sign-in")
        await page.wait_for_url("**/")
        own = await page.goto(f"{app.web_auth.base_url}/don-vi/thanh-tra")
        assert own.status == 200 and "Thanh tra Sở" in await page.text_content("h1")
        other = await page.goto(f"{app.web_auth.base_url}/don-vi/van-phong")
        assert other.status == 403 and "Không có quyền" in await page.text_content("h1")

        stale = await (await chromium.new_context()).new_page()
        await stale.goto(old.url)
        await stale.click("#sign-in")
        assert "không còn dùng được" in await stale.text_content("h1")


async def test_telegram_mini_app_signs_in_from_the_url_fragment(tmp_path):
    """Telegram opens the Mini App with the signed initData in the fragment (#tgWebAppData=…); the page's
    inline script posts it and the registered person lands on the overview, nothing fetched elsewhere."""
    import json
    from urllib.parse import quote

    from services.web_auth import sign_init_data

    async with running_site(tmp_path) as app, browser() as chromium:
        await app.users.ensure_local_user("telegram", "880001", "qltm", "head", "Chị Mai")
        fields = {"auth_date": str(int(app.clock.now().timestamp())),
                  "user": json.dumps({"id": 880001, "first_name": "Mai"})}
        init_data = sign_init_data(fields, BOT_TOKEN)
        page = await (await chromium.new_context()).new_page()
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(app.web_auth.base_url) else None)
        await page.goto(f"{app.web_auth.base_url}/telegram-mini-app#tgWebAppData={quote(init_data)}&tgWebAppVersion=8.0")
        await page.wait_for_url(f"{app.web_auth.base_url}/")
        assert "Chị Mai" in await page.text_content("header")
        assert outside == []
