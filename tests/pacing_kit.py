"""Telegram's and Zalo's per-chat pace, shortened for channel tests that are not about pacing.

The real pace is one message a second to a private chat and one every three seconds to a group
(services/pacing.py). A channel test that exchanges five messages with one chat waited four seconds on it;
over the suite that was about a minute of waiting on a rule the pacing tests check on their own
(tests/e2e/test_telegram_flood_pacing.py, test_telegram_fairness.py, test_telegram_limits.py,
test_two_processes.py run the real pace). Here the intervals keep their proportions at a twentieth, so
sends to one chat are still spaced and ordered, just sooner.
"""

from __future__ import annotations

from services.pacing import CHAT_INTERVAL, GROUP_INTERVAL, Pacer

QUICK = 0.05  # of the real intervals: 50 ms in a private chat, 150 ms in a group


def quick(pacer: Pacer) -> Pacer:
    """A pacer over the same bot budget whose per-chat intervals are a twentieth of the real ones."""
    return Pacer(pacer.budget, chat_interval=CHAT_INTERVAL * QUICK, group_interval=GROUP_INTERVAL * QUICK,
                 chat_burst=pacer.chat_burst)
