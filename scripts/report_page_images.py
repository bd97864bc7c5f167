"""Page images of a drafted Quý III report for docs/report.md (run from the repository root):

    .venv/bin/python scripts/report_page_images.py [--pages 3] [--out docs]

A throw-away database gets the bundled 2022 plan and a scripted quarter (work done, in progress and
blocked, accepted evidence, two target figures); the Q3 draft is written, converted to PDF by LibreOffice
headless and its first pages to PNG by pdftoppm (poppler-utils) as docs/report-q3-page-N.png. Both tools must
be installed (Debian: `apt-get install libreoffice-writer-nogui poppler-utils`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.bootstrap import App, build_app
from bot.settings import DEFAULTS, Settings
from domain.clock import FixedClock
from domain.people import UserView

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2022, month, day, 9, 0, tzinfo=TZ)


async def status(app: App, user: UserView, task: int, value: str, when: dt.datetime, **extra: object) -> None:
    await app.statuses.update(user, task=task, status=value, channel="demo", text=None, key=None, now=when,
                              percent=extra.get("percent"), note=extra.get("note"), lead_id=None)


async def quarter(app: App) -> None:
    vp = await app.users.ensure_local_user("demo", "vp", "van-phong", "head", "Nguyễn Văn A")
    tt = await app.users.ensure_local_user("demo", "tt", "thanh-tra", "head", "Lê Thị C")
    coord = await app.users.ensure_local_user("demo", "coord", "van-phong", "coordinator", "Trần Thị B")
    await status(app, vp, 3, "done", at(8, 10))
    await status(app, tt, 4, "done", at(7, 20))
    await status(app, vp, 8, "done", at(9, 5))
    await status(app, vp, 17, "in_progress", at(8, 1), percent=60)
    await status(app, vp, 7, "blocked", at(8, 2), note="chờ hướng dẫn của Sở Nội vụ về mẫu báo cáo mới")
    _, targets = await app.targets.targets()
    codes = {t.code: t for t in targets}
    for code, value in (("7.1", 97.0), ("3.6", 41.5)):
        await app.targets.record(coord, target_id=codes[code].id, period="Q3", value=value, channel="demo",
                                 text=None, key=None, now=at(9, 1))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None or shutil.which("pdftoppm") is None:
        raise SystemExit("cần LibreOffice (soffice) và pdftoppm (poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings(cchc_data_dir=root, database_url=f"sqlite:///{root / 'demo.db'}", _env_file=None)
        app = await build_app(settings, clock=FixedClock(at(9, 20)))
        try:
            await app.plans.import_plan(DEFAULTS / "ke-hoach-cchc-2022.txt")
            await quarter(app)
            docx = root / "bao-cao-q3.docx"
            await app.reports.write("Q3", docx, 2022)
        finally:
            await app.close()
        subprocess.run([office, "--headless", f"-env:UserInstallation=file://{root / 'lo'}", "--convert-to", "pdf",
                        "--outdir", str(root), str(docx)], check=True, capture_output=True, timeout=300)
        args.out.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(args.pages), str(docx.with_suffix(".pdf")),
                        str(root / "page")], check=True)
        for n, image in enumerate(sorted(root.glob("page-*.png")), 1):
            target = args.out / f"report-q3-page-{n}.png"
            shutil.copyfile(image, target)
            print(target)


if __name__ == "__main__":
    asyncio.run(main())
