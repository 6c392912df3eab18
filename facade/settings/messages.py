"""pydantic's errors as the operator reads them: `file: key: reason`, one per line.

Keys are dotted TOML paths; a register is named by its `naam` (operators know their
registers by name, not by position), or by its index while it has no usable one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

# pydantic's error types in the words the settings have always used.
REASONS = {
    "missing": "is required",
    "int_type": "must be a whole number, not {input!r}",
    "string_type": "must be of type str, not {input!r}",
    "bool_type": "must be of type bool, not {input!r}",
    "float_type": "must be a number, not {input!r}",
    "list_type": "must be of type list, not {input!r}",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "literal_error": "must be {expected}, not {input!r}",
}


def register_names(entries: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """How each `[[registers]]` entry is named in messages, and the names used twice."""
    labels: list[str] = []
    twice: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        naam = entry.get("naam") if isinstance(entry, dict) else None
        if isinstance(naam, str) and naam and naam not in seen:
            labels.append(f"registers.{naam}")
        else:
            labels.append(f"registers[{index}]")
            if isinstance(naam, str) and naam:
                twice.append((f"registers[{index}].naam", f"'{naam}' is used by another register"))
        seen.add(naam if isinstance(naam, str) else "")
    return labels, twice


def problems(
    error: ValidationError, path: Path, schema: type[BaseModel], registers: Sequence[str]
) -> list[str]:
    lines = []
    for detail in error.errors(include_url=False):
        key = _key(detail["loc"], registers)
        if detail["type"] == "rules":
            for sub, reason in detail["ctx"]["problems"]:
                lines.append(f"{path}: {_join(key, sub)}: {reason}")
        else:
            lines.append(f"{path}: {key}: {_reason(detail, schema)}")
    return lines


def _reason(detail: ErrorDetails, schema: type[BaseModel]) -> str:
    if detail["type"] == "extra_forbidden":
        table = _model_at(schema, detail["loc"][:-1])
        known = sorted(table.model_fields) if table else []
        return f"unknown key (known: {', '.join(known)})"
    template = REASONS.get(detail["type"])
    if template is None:
        return detail["msg"]  # our own refusals, and whatever pydantic says best itself
    return template.format(input=detail["input"], **detail.get("ctx", {}))


def _key(loc: tuple[int | str, ...], registers: Sequence[str]) -> str:
    key = ""
    for step in loc:
        if isinstance(step, int):
            key = registers[step] if key == "registers" else f"{key}[{step}]"
        else:
            key = _join(key, step)
    return key


def _join(key: str, sub: str) -> str:
    return f"{key}.{sub}" if key else sub


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The table a location points into (list positions stay in the same table)."""
    for step in loc:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        found = _model_in(field.annotation) if field else None
        if found is None:
            return None
        model = found
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None
