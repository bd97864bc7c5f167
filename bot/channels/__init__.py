"""Channels: each turns its messenger's updates into `Incoming` and renders `Reply` back."""
