"""CLI commands beyond `plan import/dump`: each submodule registers itself with `bot.cli.register`.

Every submodule here is imported automatically, so adding a command is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
