"""A local fake of the Zalo Bot Platform API for end-to-end tests (see server.py)."""

from tests.fake_zalo.server import (
    FakeZalo,
    image_update,
    sticker_update,
    text_update,
    unsupported_update,
)

__all__ = ["FakeZalo", "image_update", "sticker_update", "text_update", "unsupported_update"]
