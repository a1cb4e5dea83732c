"""Loading the repository's own configuration (itsm.yaml); a broken one stops the run."""

from __future__ import annotations

from pathlib import Path

from itsmcode.errors import ConfigError
from itsmcode.load.layout import CONFIG_FILE
from itsmcode.load.source import read
from itsmcode.load.validate import validate
from itsmcode.load.yamlio import YamlProblem, decode, parse
from itsmcode.models import Config


def load_config(root: Path) -> Config:
    """The validated Config of the repository at ``root``, or a located ConfigError."""
    source = read(root, CONFIG_FILE, 1024 * 1024)
    try:
        if source.problem:
            raise source.problem
        document = parse(decode(source.data or b""))
    except YamlProblem as problem:
        raise ConfigError(
            f"{CONFIG_FILE}:{problem.line}:{problem.column}: [{problem.rule}] {problem.message}"
        ) from None
    entity, problems = validate(document.data)
    if problems:
        first = problems[0]
        line, column = document.locate(first.loc, key=first.at_key)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ConfigError(f"{CONFIG_FILE}:{line}:{column}: [{first.rule}] {first.message}{more}")
    if not isinstance(entity, Config):
        raise ConfigError(
            f"{CONFIG_FILE}:1:1: expected kind Config, found {entity.kind if entity else '?'}"
        )
    return entity
