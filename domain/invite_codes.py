"""Invite codes: the one shape the generator draws and the chat parser always accepts.

A code is 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L: codes are read aloud and
typed on phones). A new code always mixes letters and digits, and letters and digits alternate at least
twice, so that it never reads as something else in a chat message:

- not only digits ("234567" could be a number; codes of only digits were drawn before and still exist);
- not letters then digits ("NV9374" reads as the task reference «nv 9374», "CV2345" likewise);
- not digits then letters ("23ABCD": "23" could lead a status update «23 xong»).

`is_code_shaped` accepts every code the generator could ever produce, including the older codes drawn
from the same alphabet without those rules, so invites already sent keep working.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_LETTERS = frozenset(c for c in CODE_ALPHABET if c.isalpha())
_DIGITS = frozenset(c for c in CODE_ALPHABET if c.isdigit())
_ONE_BLOCK_EACH = re.compile(r"[A-Z]+[0-9]+|[0-9]+[A-Z]+")


def is_new_code(code: str) -> bool:
    """True for a code of the current shape (what `new_code` draws)."""
    return (
        len(code) == CODE_LENGTH
        and all(c in CODE_ALPHABET for c in code)
        and any(c in _LETTERS for c in code)
        and any(c in _DIGITS for c in code)
        and not _ONE_BLOCK_EACH.fullmatch(code)
    )


def is_code_shaped(token: str) -> bool:
    """True for any code ever issued (current or legacy shape), compared case-insensitively."""
    upper = token.upper()
    return len(upper) == CODE_LENGTH and all(c in CODE_ALPHABET for c in upper)


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random code of the current shape (`choice` is injectable for tests)."""
    while True:
        code = "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if is_new_code(code):
            return code
