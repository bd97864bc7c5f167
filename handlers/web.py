"""/web: a one-time link to the web view for the person asking (roles as in chat)."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from presentation.web import web_link_reply, web_not_running


@intent("web_link")
async def web_link(ctx: Context) -> list[Reply]:
    """A link only where a page answers: WEB_BASE_URL (published, by this or another process) or this process's
    own web server; otherwise how to start one — a refused 127.0.0.1:8080 helps nobody."""
    if not ctx.app.config.web_base_url and not ctx.app.web_running:
        return ctx.reply(web_not_running())
    auth = ctx.app.web_auth
    link = await auth.issue_link(now=ctx.now, user=ctx.sender)
    return [web_link_reply(link.url, link.expires_at, ctx.app.clock.tz, channel=ctx.message.channel,
                           base_url=auth.base_url)]
