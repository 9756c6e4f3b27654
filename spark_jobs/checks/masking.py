"""Personal-data masking and keyed tokens: what later layers carry instead of the raw value.

A plain SHA-256 of an ID or phone number is reversible by brute force (about 10^11 candidates),
so tokens are HMAC-SHA256 keyed by `LAKEHOUSE_MASKING_KEY` (docs/pitfalls.md, personal data).
"""

from __future__ import annotations

import hashlib
import hmac


def mask_name(name: str | None) -> str | None:
    """Keep the family name, hide the rest: 张三丰 → 张**."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """Keep the carrier prefix and last four digits: 13812345678 → 138****5678."""
    if not phone:
        return phone
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def tokenise(value: str | None, key: str) -> str | None:
    """Keyed HMAC-SHA256: linkable across tables, not reversible by brute force without the key."""
    if value is None or value == "":
        return None
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()
