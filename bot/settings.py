"""One settings object, read from the environment and `.env` (see `.env.example`, docs/contracts.md §1)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULTS = Path(__file__).parent / "defaults"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    cchc_data_dir: Path = Field(default=Path("data"))
    database_url: str | None = None
    telegram_bot_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    telegram_bot_username: str | None = None  # for invite links; looked up with getMe when unset
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    # Fairness and pacing (docs/operations.md): a chat sending more than this is served at this rate —
    # the rate at which the messenger lets the bot answer it (one a second privately, 20 a minute in a group)
    sender_rate_per_minute: float = 60
    sender_group_rate_per_minute: float = 20
    sender_burst: int = 10  # messages a chat may send at once before the rate applies
    telegram_rate_per_second: float = 25  # the bot's budget, shared by every process on one PostgreSQL
    zalo_bot_token: str | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_secret: str | None = None
    zalo_webhook_url: str | None = None
    zalo_rate_per_second: float = 10  # the Zalo bot's send budget (Zalo publishes no limit; kept modest)
    # The web server (docs/contracts.md §6): dashboard, both webhooks, /healthz, /metrics on one port. The
    # reverse proxy forwards the webhooks' public paths (TELEGRAM_WEBHOOK_URL, ZALO_WEBHOOK_URL) here.
    web_listen: str = "127.0.0.1"
    web_port: int | None = None  # `cchc-bot run` serves the web only when set; `web serve` defaults to 8080
    web_base_url: str | None = None
    web_session_idle_minutes: int = 60
    evidence_dir: Path | None = None
    evidence_max_bytes: int = 20 * 1024 * 1024
    tz_name: str = "Asia/Ho_Chi_Minh"
    cchc_today: dt.date | None = None
    units_file: Path = DEFAULTS / "units.yaml"
    reporting_calendar_file: Path = DEFAULTS / "reporting_calendar.yaml"
    calendar_overrides_file: Path = DEFAULTS / "calendar_overrides.yaml"
    reminder_policy_file: Path | None = None
    seed_plan_file: Path = DEFAULTS / "ke-hoach-cchc-2022.txt"
    report_template_file: Path = DEFAULTS / "report_template.docx"
    invite_ttl_days: int = 7
    log_level: str = "INFO"

    @field_validator("cchc_today", mode="before")
    @classmethod
    def _empty_today(cls, value):
        return value or None

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.cchc_data_dir / 'cchc.db').as_posix()}"

    @property
    def evidence_path(self) -> Path:
        return self.evidence_dir or self.cchc_data_dir / "evidence"

    @property
    def web_public_url(self) -> str:
        """Where sign-in links point: WEB_BASE_URL, else the address the server listens on."""
        return (self.web_base_url or f"http://{self.web_listen}:{self.web_port or 8080}").rstrip("/")

    @field_validator("web_port", "web_base_url", mode="before")
    @classmethod
    def _empty_none(cls, value):
        return value or None

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)
