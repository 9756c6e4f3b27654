"""Plain-Python references of silver's value standardisation: amounts in yuan, Excel serial
dates and the date/timestamp formats (the Spark forms are proved by the scenario folders
tests/scenarios/silver/amounts, dates_mixed and timestamps)."""

from datetime import date

import pytest

from spark_jobs.silver.standardise import FULL_WIDTH, HALF_WIDTH, standard_amount
from spark_jobs.silver.typed import excel_serial_date, has_zone


@pytest.mark.parametrize(
    "delivered, standard",
    [
        ("1234.50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1,234,567", "1234567"),
        ("１，２３４．５０", "1234.50"),  # full-width digits, comma and full stop
        ("12.5万元", "125000"),
        ("12.5万", "125000"),
        ("0.35万元", "3500"),
        ("1,200万元", "12000000"),
        ("3000元", "3000"),
        ("￥3,000元", "3000"),
        ("¥ 3,000.00", "3000.00"),
        ("RMB 5,000.00", "5000.00"),
        ("-1,000", "-1000"),
        ("12.123456789万元", "121234.5679"),  # rounded to 8 places first, as Spark's decimal
        # not amounts: left as delivered for the decimal type to refuse
        ("1,2,3", "1,2,3"),
        ("12,34.5", "12,34.5"),
        ("abc万元", "abc万元"),
        ("五万元", "五万元"),
    ],
)
def test_amounts_in_yuan(delivered, standard):
    # silver makes digits half-width first (coded fields), then runs the amount step
    assert standard_amount(delivered.translate(str.maketrans(FULL_WIDTH, HALF_WIDTH))) == standard


@pytest.mark.parametrize(
    "serial, day",
    [
        ("45446", date(2024, 6, 3)),
        ("45446.75", date(2024, 6, 3)),  # the time of day does not change the date
        ("1", None),  # before 1900-03-01: Excel's phantom 1900-02-29 makes these ambiguous
        ("61", date(1900, 3, 1)),
        ("2958465", date(9999, 12, 31)),
        ("2958466", None),
        ("20240603", None),
        ("-45446", None),
        ("4.5e4", None),
    ],
)
def test_excel_serial_dates(serial, day):
    assert excel_serial_date(serial) == day


@pytest.mark.parametrize(
    "pattern, zoned",
    [
        ("yyyy-MM-dd HH:mm:ss", False),
        ("yyyy-MM-dd'T'HH:mm:ss", False),
        ("yyyy-MM-dd'T'HH:mm:ssXXX", True),
        ("yyyy-MM-dd HH:mm:ss VV", True),
        ("yyyy年M月d日", False),
        ("yyyy-MM-dd 'Z'", False),  # a quoted Z is text
    ],
)
def test_formats_with_their_own_zone(pattern, zoned):
    assert has_zone(pattern) is zoned
