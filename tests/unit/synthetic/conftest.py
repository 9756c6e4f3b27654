"""The committed province, read once with the pipeline's readers (see `reading.Delivery`)."""

from __future__ import annotations

import pytest

from tests.synthetic import PROVINCE
from tests.unit.synthetic.reading import Delivery


@pytest.fixture(scope="session")
def delivery() -> Delivery:
    return Delivery(PROVINCE)
