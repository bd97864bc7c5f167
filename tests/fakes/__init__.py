"""Test doubles shared by several test modules and benchmarks (reminder senders, a fake Bot API)."""
