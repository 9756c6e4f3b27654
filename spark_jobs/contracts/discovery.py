"""Which sources exist, and in which order silver builds them: both read off the contracts.

YAML only (no Spark), so the DAG files can call this at parse time.
"""

from __future__ import annotations

import logging
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import yaml

from spark_jobs.contracts.loader import Contract, ContractError, all_contracts, load_contract

log = logging.getLogger(__name__)


def source_contracts(contract_dir: Path | str) -> list[tuple[str, Contract | None, str | None]]:
    """Every source to ingest as (source, contract, error).

    When `all_contracts()` fails (one bad file), each YAML file is loaded on its own so that the
    other sources keep working: a file with `fields` that does not load is a broken contract,
    returned as (file stem, None, error) so that its DAG exists and its runs fail with the
    error; a YAML file without `fields` is not a contract and is left out with a warning.
    """
    try:
        return [(c.name, c, None) for c in all_contracts(contract_dir)]
    except Exception as exc:
        log.warning("all_contracts() failed (%s); loading %s file by file", exc, contract_dir)
    out: list[tuple[str, Contract | None, str | None]] = []
    for path in sorted(Path(contract_dir).glob("*.yaml")):
        try:
            contract = load_contract(path)
        except Exception as exc:
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            except Exception:
                raw = {"fields": None}  # unreadable YAML: count it as a broken contract
            if isinstance(raw, dict) and "fields" not in raw:
                log.warning("%s is not a delivery contract (no `fields`): no ingest DAG", path.name)
                continue
            out.append((path.stem, None, f"{path.name}: {type(exc).__name__}: {exc}"))
        else:
            out.append((contract.name, contract, None))
    return out


def find_contract(source: str, contract_dir: Path | str) -> Contract:
    """The contract named `source`: `<dir>/<source>.yaml`, else any file whose `name` it is."""
    path = Path(contract_dir) / f"{source}.yaml"
    if path.is_file():
        contract = load_contract(path)
        if contract.name == source:
            return contract
    for name, found, error in source_contracts(contract_dir):
        if name == source:
            if found is None:
                raise ValueError(f"the contract of {source} does not load: {error}")
            return found
    raise KeyError(f"no contract named {source!r} in {contract_dir}")


def build_order(contracts: list[Contract]) -> list[Contract]:
    """`contracts` so that every contract comes after the silver tables its fields reference.

    References to tables outside `contracts` are left to the caller (they must already exist in
    silver). Ties keep the given order, so the order is stable. A cycle is a contract error.
    """
    by_name = {c.name: c for c in contracts}
    graph: TopologicalSorter[str] = TopologicalSorter()
    for c in contracts:
        deps = c.referenced_tables
        graph.add(c.name, *sorted(d for d in deps if d in by_name and d != c.name))
    try:
        graph.prepare()
    except CycleError as exc:
        raise ContractError(f"contracts reference each other in a cycle: {exc.args[1]}") from None
    order: list[str] = []
    position = {c.name: i for i, c in enumerate(contracts)}
    while graph.is_active():
        ready = sorted(graph.get_ready(), key=position.__getitem__)
        order.extend(ready)
        graph.done(*ready)
    return [by_name[n] for n in order]
