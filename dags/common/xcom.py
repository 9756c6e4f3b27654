"""Task results as plain JSON for XCom (dates and decimals as strings)."""

from __future__ import annotations

import json


def to_xcom(value):
    return json.loads(json.dumps(value, default=str))
