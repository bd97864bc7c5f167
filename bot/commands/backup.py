"""`cchc-bot backup --out PATH` and `cchc-bot restore PATH [--db URL] [--force]` (docs/contracts.md §8).

Neither starts the app: a backup reads the database at the revision it is (while the bot runs), a restore
builds the target from the archive (migrating it to the archive's revision first, then to the newest).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.cli import CliError, output_path, register_parser, register_raw, writing
from bot.settings import Settings
from storage.archive import ArchiveError
from storage.backup import RestoreRefused, backup, restore


@register_parser
def _parsers(sub: argparse._SubParsersAction) -> None:
    made = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu và minh chứng vào một tệp .tar.gz")
    made.add_argument("--out", required=True, metavar="PATH.tar.gz")
    back = sub.add_parser("restore", help="khôi phục một bản sao lưu vào cơ sở dữ liệu trống (SQLite hoặc PostgreSQL)")
    back.add_argument("path", metavar="PATH.tar.gz")
    back.add_argument("--force", action="store_true", help="ghi đè cơ sở dữ liệu đích đã có dữ liệu")


@register_raw("backup")
async def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    out = output_path(args.out, ".tar.gz")
    try:
        with writing(args.out):
            result = await backup(settings.db_url, settings.evidence_path, out, dt.datetime.now(settings.tz))
    except ArchiveError as exc:
        raise CliError(str(exc)) from None
    for missing in result.missing:
        print(f"cchc-bot: cảnh báo: thiếu tệp minh chứng «{missing}» trong {settings.evidence_path}", file=sys.stderr)
    print(out)
    return 0


@register_raw("restore")
async def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    try:
        archive = await restore(Path(args.path).expanduser(), settings.db_url, settings.evidence_path,
                                force=args.force)
    except (ArchiveError, RestoreRefused) as exc:
        raise CliError(f"không khôi phục: {exc}") from None
    manifest = archive.manifest
    rows = sum(manifest["tables"].values())
    print(f"Đã khôi phục bản sao lưu {manifest['created_at']} (lược đồ {manifest['schema_revision']}): "
          f"{len(manifest['tables'])} bảng, {rows} dòng, {manifest['evidence']['files']} tệp minh chứng "
          f"({manifest['evidence']['bytes']} byte).")
    for table, count in manifest["tables"].items():
        if count:
            print(f"  {table}: {count}")
    return 0
