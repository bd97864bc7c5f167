"""App wiring, settings, the command line and the channels (console, Telegram, Zalo)."""
