"""YAML read with libyaml's C parser when PyYAML was built with it (it almost always is).

The configuration files (units, reporting calendar, reminder policy, work days, the NLU glossary and
corpus) are read whenever an app is built; PyYAML's pure-Python parser spent about 3 % of the test
suite's CPU and a noticeable part of a bot process's start on them. The C parser gives the same data.
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The data of one YAML document, read safely (no Python objects), like `yaml.safe_load`."""
    return yaml.load(text, Loader=_Loader)
