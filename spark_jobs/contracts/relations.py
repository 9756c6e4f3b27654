"""Contract keys that name other fields of the row, checked once the fields are parsed:
`not_after` / `not_before` (dates), `not_above` / `positive_when` (numbers), `starts_with`,
`required_when`, and the `where` of a reference to the contract's own table."""

from __future__ import annotations

from spark_jobs.contracts.model import (
    DELIVERY_DATE,
    NUMBER_TYPES,
    TIME_TYPES,
    ContractError,
    Field,
)


def check_bounds(contract: str, fields: tuple[Field, ...]) -> None:
    """`not_after` / `not_before` are set on a date or timestamp field and name another date
    or timestamp field (`not_after` also `delivery_date`). A timestamp is compared with a date
    by its local date (in its `timezone`), with another timestamp as an instant."""
    times = {f.name for f in fields if f.type in TIME_TYPES}
    for f in fields:
        for key in ("not_after", "not_before"):
            target = getattr(f, key)
            if target is None:
                continue
            where = f"{contract}.{f.name}"
            if f.type not in TIME_TYPES:
                raise ContractError(
                    f"{where}: `{key}` applies to date and timestamp fields, not {f.type}"
                )
            if key == "not_after" and target == DELIVERY_DATE:
                continue
            if not isinstance(target, str) or target == f.name or target not in times:
                others = sorted(times - {f.name})
                allowed = (
                    f"{DELIVERY_DATE!r} (the batch's delivery date) or another date or "
                    f"timestamp field {others}"
                    if key == "not_after"
                    else f"another date or timestamp field {others}"
                )
                raise ContractError(f"{where}: `{key}: {target!r}` must be {allowed}")


def check_relations(contract: str, fields: tuple[Field, ...]) -> None:
    """The keys that name other fields of the row name ones that fit: `not_above` another
    number, `positive_when` code fields and their codes, `starts_with` fields other than
    itself that are neither lists nor personal data."""
    by_name = {f.name: f for f in fields}
    for f in fields:
        where = f"{contract}.{f.name}"
        if (f.not_above or f.positive_when) and f.type not in NUMBER_TYPES:
            raise ContractError(
                f"{where}: `not_above` and `positive_when` apply to integer and decimal "
                f"fields, not {f.type}"
            )
        if f.not_above is not None:
            other = by_name.get(f.not_above)
            if other is None or other is f or other.type not in NUMBER_TYPES:
                numbers = sorted(x.name for x in fields if x.type in NUMBER_TYPES and x is not f)
                raise ContractError(
                    f"{where}: `not_above: {f.not_above!r}` must be another number field {numbers}"
                )
        _check_codes(where, "positive_when", f.positive_when, by_name)
        _check_codes(where, "required_when", f.required_when, by_name)
        if f.references and f.references["table"] == contract:  # a reference to itself
            _check_codes(where, "references.where", f.references.get("where"), by_name)
            if f.references["field"] not in by_name or f.references["field"] == f.name:
                raise ContractError(
                    f"{where}: `references` to {contract} itself names "
                    f"{f.references['field']!r}: it must be another field of the contract"
                )
        if f.starts_with and f.type != "string":
            raise ContractError(f"{where}: `starts_with` applies to string fields, not {f.type}")
        for name in f.starts_with:
            other = by_name.get(name)
            if other is None or other is f or other.type == "list" or other.pii != "none":
                raise ContractError(
                    f"{where}: `starts_with` names {name!r}: it must be another field of the "
                    "contract, not a list and not personal data"
                )


def _check_codes(where: str, key: str, condition, by_name: dict[str, Field]) -> None:
    """A code condition (`{field: [codes]}`) names code fields of the contract and their codes."""
    for name, codes in (condition or {}).items():
        other = by_name.get(name)
        if other is None or other.type != "code":
            raise ContractError(f"{where}: `{key}` names {name!r}, not a code field")
        unknown = [c for c in codes if c not in other.codes]
        if unknown:
            raise ContractError(
                f"{where}: `{key}.{name}` lists codes {unknown} that are not in "
                f"its code list {sorted(other.codes)}"
            )
