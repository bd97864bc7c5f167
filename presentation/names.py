"""The department's words for the states the domain keeps as codes: a share's status, an evidence file's
review, a person's role. Its documents, the chat, the web view and the exports all write them from here
(the web capitalises the review words)."""

from __future__ import annotations

from typing import Protocol

from domain.shares import ReviewState, Status

STATUS_NAMES: dict[str, str] = {  # keyed by Status (a str)
    Status.NOT_STARTED: "Chưa thực hiện",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.BLOCKED: "Vướng mắc",
    Status.DONE: "Hoàn thành",
}
# A share nobody has reported on yet: not «chưa thực hiện», which only the unit itself says.
NOT_UPDATED_NAME = "Chưa cập nhật"
REVIEW_NAMES: dict[str, str] = {
    ReviewState.PENDING: "chờ duyệt", ReviewState.ACCEPTED: "đã xác nhận", ReviewState.RETURNED: "bị trả lại",
}
ROLE_NAMES = {
    "head": "trưởng đơn vị",
    "officer": "công chức",
    "coordinator": "điều phối (Văn phòng)",
    "leader": "Lãnh đạo Sở",
    "admin": "quản trị",
}


def status_text(status: str, percent: int | None, updated: bool = True) -> str:
    """A share's status as the plan's documents write it («Đang thực hiện 60%»); a share nobody has
    reported on is «Chưa cập nhật» — «chưa thực hiện» is only what a unit itself said."""
    if status == Status.NOT_STARTED and not updated:
        return NOT_UPDATED_NAME
    name = STATUS_NAMES.get(status, status)
    return f"{name} {percent}%" if status == Status.IN_PROGRESS and percent is not None else name


class NamedFile(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def file_name(self) -> str | None: ...
    @property
    def caption(self) -> str | None: ...


def file_label(ev: NamedFile) -> str:
    """How people recognise an evidence file: its name, else its caption, else its number."""
    return file_name_label(ev.file_name, ev.caption, ev.id)


def file_name_label(name: str | None, caption: str | None, number: int) -> str:
    return name or (caption or "").strip()[:60] or f"tệp #{number}"


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)
