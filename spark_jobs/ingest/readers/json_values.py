"""JSON values as bronze strings, shared by the jsonl and json_pages readers.

Numbers are kept exactly as written (`1.50` stays `1.50`, a 20-digit id stays whole), values are
found by a dotted path (`entity.uscc`, `items.0.code`), and a value becomes the string bronze
stores: strings as they are, numbers as written, true/false, lists joined by the field's
separator (else JSON), objects as compact JSON with Chinese kept readable.
"""

from __future__ import annotations

import json

from spark_jobs.contracts import Contract


class _Number(str):
    """A JSON number kept exactly as written (`1.50` stays `1.50`, a 20-digit id stays whole)."""


MISSING = object()  # what `lookup` returns when the path leads nowhere


def loads(text: str):
    """json.loads, but numbers stay as written (as `_Number` strings)."""
    return json.loads(text, parse_int=_Number, parse_float=_Number, parse_constant=_Number)


def lookup(document, path: str):
    """The value at a dotted path (`data.records`, `items.0.code`), or `MISSING`."""
    current = document
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return MISSING
    return current


def to_json(value) -> str:
    """Compact JSON with numbers as written and Chinese kept readable."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{json.dumps(str(k), ensure_ascii=False)}:{to_json(v)}" for k, v in value.items()
            )
            + "}"
        )
    return json.dumps(value, ensure_ascii=False)


def value_text(value, separator: str | None = None) -> str | None:
    """A JSON value as bronze's string: strings as they are, numbers as written, true/false,
    null as null, lists joined by the field's separator (else JSON), objects as JSON."""
    if value is None or value is MISSING:
        return None
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and separator is not None:
        return separator.join(
            ""
            if v is None
            else (to_json(v) if isinstance(v, (list, dict)) else value_text(v) or "")
            for v in value
        )
    return to_json(value)


def record_values(contract: Contract, record: dict) -> dict[str, str | None]:
    """Every contract field's value in one JSON object, found by the field's `key`."""
    return {
        f.name: value_text(lookup(record, f.key or f.name), f.separator) for f in contract.fields
    }


def kind(value) -> str:
    """What a JSON value is, for messages: "an array", "a number", "null" …"""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, _Number):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "null" if value is None else "true/false"
