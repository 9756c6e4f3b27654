"""Identifier checks against the known answers of docs/national_rules.md#known-answers."""

import pytest
from stdnum.cn import uscc as stdnum_uscc

from spark_jobs.checks.identifiers import (
    current_divisions,
    division_name,
    division_problem,
    id15_to_18,
    id_check_character,
    id_number_problem,
    strip_identifier_noise,
    upper_check_character,
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


# -- standardisation of identifiers (docs/contract_format.md#standardisation) ----------------
@pytest.mark.parametrize(
    "first17, check",
    [
        ("11010519491231002", "X"),  # GB 11643's own example: S = 167, r = 2
        ("36042619910101007", "1"),  # python-stdnum's doctest 360426199101010071
        ("44052418800101001", "4"),
    ],
)
def test_id_check_character_known_answers(first17, check):
    from stdnum.cn import ric

    assert id_check_character(first17) == check
    # stdnum's function expects the check position present (it drops the last character)
    assert ric.calc_check_digit(first17 + "0") == check


def test_id_check_character_agrees_with_stdnum_on_many_numbers():
    import random

    from stdnum.cn import ric

    rng = random.Random(11643)
    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        assert id_check_character(first17) == ric.calc_check_digit(first17 + "0"), first17


@pytest.mark.parametrize(
    "legacy, full",
    [
        ("110105491231002", "11010519491231002X"),  # national_rules.md known answer
        ("360426910101007", "360426199101010071"),  # stdnum's doctest number, shortened
        ("310104680704123", "310104196807041235"),
        ("110101550101001", "110101195501010013"),
    ],
)
def test_legacy_15_digit_id_numbers_become_18(legacy, full):
    from stdnum.cn import ric

    assert id15_to_18(legacy) == full
    assert id_number_problem(full) is None
    assert ric.is_valid(full)  # the maintained library accepts the converted number
    assert ric.get_birth_date(full).isoformat() == f"19{legacy[6:8]}-{legacy[8:10]}-{legacy[10:12]}"


@pytest.mark.parametrize("bad", ["11010549123100", "1101054912310021", "11010549123100X", ""])
def test_only_15_digits_convert(bad):
    with pytest.raises(ValueError):
        id15_to_18(bad)


@pytest.mark.parametrize(
    "delivered, standard",
    [
        ("统一社会信用代码：91110000600037341L", "91110000600037341L"),
        ("统一社会信用代码:9111 0000 6000 3734 1L（1/1）", "91110000600037341L"),
        ("91110000600037341L(1/1)", "91110000600037341L"),
        ("身份证号:11010519491231002X", "11010519491231002X"),
        ("身份证号110105-19491231-002X", "11010519491231002X"),
        ("110105 1949 1231 002X", "11010519491231002X"),
        ("110105\u300019491231002X", "11010519491231002X"),
        ("11010519491231002X号", "11010519491231002X"),
        ("注册号: 310230001716146 [副本]", "310230001716146"),
        ("91110000600037341L", "91110000600037341L"),
        ("张三", "张三"),  # a name where a code belongs: left for the check to refuse
        ("undefined", "undefined"),
        ("身份证号：", None),  # a label and nothing else is empty
    ],
)
def test_label_noise_is_stripped(delivered, standard):
    assert strip_identifier_noise(delivered) == standard


@pytest.mark.parametrize(
    "value, upper",
    [
        ("11010519491231002x", "11010519491231002X"),
        ("91110000600037341l", "91110000600037341L"),  # valid after upper-casing
        ("91310115ma1h7xxx08", "91310115ma1h7xxx08"),  # lower case inside: still refused
        ("undefined", "undefined"),
        ("11010519491231002X", "11010519491231002X"),
        ("", ""),
    ],
)
def test_only_a_lower_case_check_character_is_upper_cased(value, upper):
    assert upper_check_character(value) == upper


def test_upper_cased_check_characters_then_pass():
    assert uscc_problem(upper_check_character("91110000600037341l")) is None
    assert id_number_problem(upper_check_character("11010519491231002x")) is None
    assert uscc_problem(upper_check_character("91310115ma1h7xxx08")) is not None


def test_division_name_drops_the_validity_prefix():
    """The stdnum table writes `[1997-]小店区`; the dashboard shows 小店区."""
    assert division_name("140000") == "山西省" and division_name("140100") == "太原市"
    assert division_name("140105") == "小店区"
    assert division_name("999999") is None and division_name(None) is None
