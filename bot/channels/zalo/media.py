"""Downloading the photo behind a Zalo image message, at once.

Zalo hands over a URL, not a file id that stays valid (there is no getFile), so evidence must be
fetched while the message is handled. The download is capped while it streams (a lying or missing
Content-Length cannot make us buffer more than the cap) and only images are accepted: whatever the
URL serves otherwise is refused before anything is stored.
"""

from __future__ import annotations

import httpx

from domain.messages import Attachment
from presentation import channels as texts

# The evidence policy accepts JPG/PNG photos (as on Telegram); anything else is refused here already,
# before the bytes are kept.
IMAGE_TYPES = ("image/jpeg", "image/jpg", "image/png")
_EXTENSIONS = {"image/jpeg": "jpg", "image/jpg": "jpg", "image/png": "png"}


class DownloadRefused(Exception):
    """The file was not taken; `user_message` is the Vietnamese explanation for the sender."""

    def __init__(self, user_message: str, reason: str) -> None:
        super().__init__(reason)
        self.user_message = user_message


async def download_image(
    http: httpx.AsyncClient, url: str, attachment: Attachment, *, max_bytes: int, timeout: float = 30.0
) -> bytes:
    """Fetch `url`, check type and size, and fill in the attachment's mime type, size and name."""
    try:
        async with http.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code != 200:
                raise DownloadRefused(texts.PHOTO_LINK_FAILED, f"HTTP {response.status_code}")
            mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if mime not in IMAGE_TYPES:
                raise DownloadRefused(texts.PHOTO_NOT_AN_IMAGE, f"content-type {mime!r}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise DownloadRefused(texts.photo_too_large(max_bytes), f"content-length {declared}")
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise DownloadRefused(texts.photo_too_large(max_bytes), f"over {max_bytes} bytes")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise DownloadRefused(texts.PHOTO_DOWNLOAD_FAILED, type(exc).__name__) from None
    data = b"".join(chunks)
    if not data:
        raise DownloadRefused(texts.PHOTO_EMPTY, "empty body")
    attachment.mime_type = "image/jpeg" if mime == "image/jpg" else mime  # some CDNs say image/jpg
    attachment.size = len(data)
    if not attachment.file_name:
        attachment.file_name = f"zalo-{attachment.file_id or 'photo'}.{_EXTENSIONS.get(mime, 'jpg')}"
    return data
