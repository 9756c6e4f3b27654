"""Delivery contracts (`schemas/*.yaml`): the one description of each source's format and rules."""

from spark_jobs.contracts.discovery import build_order, find_contract, source_contracts
from spark_jobs.contracts.loader import (
    BY_HEADER,
    BY_KEY,
    FIELD_TYPES,
    FORMATS,
    PAGE_KEYS,
    PII_CLASSES,
    Contract,
    ContractError,
    Field,
    PageKeys,
    all_contracts,
    get_contract,
    load_contract,
)

__all__ = [
    "BY_HEADER",
    "BY_KEY",
    "FIELD_TYPES",
    "FORMATS",
    "PAGE_KEYS",
    "PII_CLASSES",
    "Contract",
    "ContractError",
    "Field",
    "PageKeys",
    "all_contracts",
    "build_order",
    "find_contract",
    "get_contract",
    "load_contract",
    "source_contracts",
]
