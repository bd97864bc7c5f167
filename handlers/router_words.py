"""The router's own words (presentation/common.py), registered like a handler so that the conversation
core does not import presentation: `conversation.registry.RouterWords`."""

from __future__ import annotations

from conversation.registry import RouterWords, router_words
from presentation.common import (
    ACCOUNT_DEACTIVATED,
    APOLOGY,
    INVALID_BUTTON,
    NEXT_MARK,
    NO_CHOICE,
    NO_NEXT_PAGE,
    NOT_REGISTERED,
    OLD_BUTTON,
    long_message_note,
)

router_words(
    RouterWords(
        apology=APOLOGY,
        not_registered=NOT_REGISTERED,
        account_deactivated=ACCOUNT_DEACTIVATED,
        old_button=OLD_BUTTON,
        invalid_button=INVALID_BUTTON,
        no_choice=lambda n: NO_CHOICE.format(n=n),
        no_next_page=NO_NEXT_PAGE,
        next_mark=NEXT_MARK,
        long_message_note=long_message_note,
    )
)
