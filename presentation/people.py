"""What the operator reads when a command names a unit, role or person that does not exist (`cchc-bot
users …`, `invite`, `chat`, `web link`), and the name a virtual web user is stored under."""

from __future__ import annotations

from presentation.names import role_name
from services.errors import Unknown, UnknownName
from services.web_auth import WebAuthError


def refusal(exc: UnknownName) -> str:
    """One line saying what was wrong and what would do."""
    known = ", ".join(exc.known)
    if isinstance(exc, WebAuthError):  # `web link`: the units are many, the file lists them
        if exc.what is Unknown.ROLE:
            return f"vai trò «{exc.value}» không có; dùng một trong: {known}"
        return f"không có đơn vị «{exc.value}» (xem danh sách trong units.yaml)"
    if exc.what is Unknown.UNIT:
        return f"không có đơn vị «{exc.value}» (các đơn vị: {known})"
    if exc.what is Unknown.ROLE:
        return f"vai trò «{exc.value}» không hợp lệ (chọn: {known})"
    return f"không có người dùng số {exc.value} (xem `cchc-bot users list`)"


def virtual_web_user(unit: str, role: str) -> str:
    """The display name of the stand-in a web sign-in link creates for a unit and role with nobody
    registered (`WebAuthService.issue_link`); `unit` is the unit's name."""
    return f"Người dùng web ({role_name(role)}, {unit})"
