"""Identifier checks against the known answers of docs/national_rules.md#known-answers."""

import pytest
from stdnum.cn import uscc as stdnum_uscc

from spark_jobs.checks.identifiers import (
    current_divisions,
    division_problem,
    id_number_problem,
    uscc_problem,
    uscc_with_check,
)
from spark_jobs.checks.masking import mask_name, mask_phone, tokenise


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",
        "91350100M000100Y43",
        "913303275586060950",
        "91330105MA2KER1H4N",
        "91320412MA1NMRK6X6",
    ],
)
def test_valid_usccs(code):
    assert uscc_problem(code) is None
    assert stdnum_uscc.is_valid(code)  # and the maintained library agrees


@pytest.mark.parametrize(
    "code, reason",
    [
        ("91350100M000100Y4A", "check character 'A' should be '3'"),
        ("91110000600037341X", "check character 'X' should be 'L'"),
        ("9111000060003734", "length 16, expected 18"),
        ("91110000600037341l", "characters outside the GB 32100 alphabet"),
        ("9111000060003734IL", "characters outside the GB 32100 alphabet"),
        ("", "empty"),
    ],
)
def test_invalid_usccs_name_the_problem(code, reason):
    assert reason in uscc_problem(code)


def test_letter_registration_codes_where_stdnum_is_wrong():
    """GB 32100 allows Y/A/N in position 1; python-stdnum rejects them, we must not."""
    code = uscc_with_check("Y1110000MA000000")[:17]
    code = uscc_with_check(code)
    assert uscc_problem(code) is None
    assert not stdnum_uscc.is_valid(code)


def test_lower_case_is_refused_unlike_stdnum():
    assert stdnum_uscc.is_valid("91110000600037341l")
    assert uscc_problem("91110000600037341l") is not None


def test_check_character_known_answer():
    assert uscc_with_check("91110000600037341") == "91110000600037341L"


@pytest.mark.parametrize(
    "code, problem",
    [
        ("110105", None),
        ("140105", None),
        ("110103", "retired division code"),
        ("999999", "not in the GB/T 2260 code table"),
        ("1401", "not 6 digits"),
        ("14010A", "not 6 digits"),
    ],
)
def test_division_codes(code, problem):
    result = division_problem(code)
    assert (result is None) if problem is None else (problem in result)


def test_current_divisions_of_shanxi_are_all_valid():
    codes = current_divisions("14")
    assert len(codes) > 100
    assert all(division_problem(c) is None for c, _ in codes)


def test_masks_and_tokens():
    assert mask_name("张三丰") == "张**"
    assert mask_phone("13812345678") == "138****5678"
    token = tokenise("13812345678", "k1")
    assert len(token) == 64 and token == tokenise("13812345678", "k1")
    assert token != tokenise("13812345678", "k2")  # keyed: no key, no brute force
    assert tokenise(None, "k") is None


@pytest.mark.parametrize(
    "number, problem",
    [
        ("11010519491231002X", None),
        ("360426199101010071", None),
        ("110105194912310021", "check character '1' should be 'X'"),
        ("11010519491231002x", "not 17 digits and a check character"),
        ("110105194902300020", "impossible birth date 19490230"),
        ("99999919491231002", "not 17 digits and a check character"),
    ],
)
def test_id_numbers(number, problem):
    result = id_number_problem(number)
    assert (result is None) if problem is None else (problem in result)


def test_id_number_with_a_county_younger_than_its_holder_passes_unlike_stdnum():
    """440524 existed 1983-1993; stdnum rejects an 1880 birth there, the check char is right."""
    from stdnum.cn import ric

    assert not ric.is_valid("440524188001010014")
    assert id_number_problem("440524188001010014") is None
