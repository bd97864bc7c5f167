"""One module per conversation capability. Each exposes handler functions registered with
`conversation.registry` for an intent or a button prefix; handlers call services, never repositories."""


def load_all() -> None:
    """Import every handler module so that its registration decorators run (called by the bootstrap)."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
