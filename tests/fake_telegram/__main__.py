"""`python -m tests.fake_telegram --limit 30 [--per-chat 1] [--window 1] [--latency 0.02]`: the fake Bot API
in a process of its own; prints {"base_url", "token"} as one JSON line, serves until terminated."""

from tests.fake_telegram.server import main

main()
