"""Helpers for the web tests: an HTTP client on the ASGI app (no socket), sign-in through a real link."""

from __future__ import annotations

import contextlib
import re

import httpx

from web.server import COOKIE, create_web_app


@contextlib.asynccontextmanager
async def web_client(app, *, base_url: str = "http://web", **kwargs):
    asgi = create_web_app(app, **kwargs)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(asgi), base_url=base_url) as client:
        yield client


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


async def sign_in(client: httpx.AsyncClient, app, unit: str, role: str, *, user=None) -> str:
    """Sign `client` in through a one-time link (as /web or `web link` gives); returns the cookie."""
    link = await app.web_auth.issue_link(now=app.clock.now(), unit_id=unit, role=role, user=user)
    response = await client.post(path_of(link.url))
    assert response.status_code == 303, response.text
    return response.cookies[COOKIE]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
