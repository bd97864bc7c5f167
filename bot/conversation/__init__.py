"""The messenger-neutral conversation core: message model, formatting, router."""
