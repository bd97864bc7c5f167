"""The web server (docs/contracts.md §6): one Starlette application, served by uvicorn, for the dashboard, the
messengers' webhooks, `/healthz` and `/metrics`. An entry point like `scheduler/`: it reaches the
services through the `App` it is given and renders its own wording (`web/templates`, `web/present.py`).
"""

from web.server import create_web_app

__all__ = ["create_web_app"]
