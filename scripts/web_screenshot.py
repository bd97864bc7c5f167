"""Re-draw docs/web-overview.png: the overview of the seed plan with a year's activity (the benchmark's
1,000 status updates and 500 evidence rows), as a coordinator sees it, in Debian's Chromium.

    .venv/bin/python scripts/web_screenshot.py [--width 1100] [--out docs/web-overview.png]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.async_api import async_playwright

from benchmarks.fixtures import NOW, populate
from bot.bootstrap import build_app
from bot.settings import DEFAULTS, Settings
from domain.clock import FixedClock
from web.server import create_web_app, serve

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--out", default=str(ROOT / "docs" / "web-overview.png"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, cchc_data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/demo.db")
        app = await build_app(settings, clock=FixedClock(NOW))
        await app.plans.import_plan(DEFAULTS / "ke-hoach-cchc-2022.txt")
        await populate(app, 1000, 500)
        stop, started, bound = asyncio.Event(), asyncio.Event(), []
        task = asyncio.create_task(serve(create_web_app(app), "127.0.0.1", 0, stop, started=started, bound=bound))
        await started.wait()
        app.web_auth.base_url = f"http://127.0.0.1:{bound[0]}"
        link = await app.web_auth.issue_link(now=app.clock.now(), unit_id="van-phong", role="coordinator")
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = await browser.new_page(viewport={"width": args.width, "height": 900})
                await page.goto(link.url)
                await page.click("#sign-in")
                await page.wait_for_url("**/")
                await page.screenshot(path=args.out, full_page=False)
                await browser.close()
        finally:
            stop.set()
            await task
            await app.close()
    print(args.out)


if __name__ == "__main__":
    asyncio.run(main())
