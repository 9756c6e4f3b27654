"""Personal data inside free text (complaint content, action content, remarks), masked.

`mask_text(text, known_names)` finds and masks, in place and keeping the text's length:

| what | found by | masked like |
|---|---|---|
| ID number, 18 characters | a digit run of 17 digits + check character, area code not starting 0, a real birth date (1900 to this year); the check character is not required (a mistyped number is still someone's) unless the run is a valid USCC | `110**************X` (`mask_id_number`) |
| ID number, legacy 15 digits | a 15-digit run, area code not starting 0, a real `19YYMMDD` birth date | `110***********1` |
| mobile | an 11-digit run `1[3-9]…` (also after `86`, or written `138-1234-5678` / `138 1234 5678`) | `138****5678` (`masking.mask_phone`) |
| landline | `0xx(x)-xxxxxxx(x)`, `(0xxx)xxxxxxx`, or 10-12 digits starting 0 right after 电话/座机/固话/联系方式/Tel | `mask_phone` of what was written |
| name, known | every occurrence of a name given by the caller (the row's own name fields) | `张**` (`masking.mask_name`) |
| name, by context | a cue (我叫, 联系人, 投诉人, 举报人, 来电人, 当事人, 姓名： …) then a surname (`surnames.py`, from Faker's zh_CN list) and one or two given-name characters | `张*`, `张**` |

A digit run is a maximal run of digits, so part of a longer number (an
order number, a 20-digit registration number) is never taken for a mobile or ID number.
Fullwidth digits (`１３８…`) count as digits. A cued name is the longest surname + one or two
given characters after which a name can end: the text ends, or a non-Han character, a function
word (在, 未, 的 …) or a word that follows names (反映, 称, 电话, 先生 …) comes next; so
`当事人危险化学品` and `向诉求人解释说明` keep their words, and a place mark in the given part
(晋城市) is not a name. A name the text gives without a cue, and which is not
among the known names, cannot be told from other words: that is the limit of this detector
(docs/personal_data.md).

`mask_text_column(text_col, *name_cols)` is the same as a Spark column (a pandas UDF; the
pattern of `spark_jobs.silver.rules.per_value`, copied so that checks does not import silver).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd  # at module level: pandas_udf resolves the UDF's annotations here

from spark_jobs.checks.identifiers import id_check_character, uscc_problem
from spark_jobs.checks.masking import mask_name, mask_phone
from spark_jobs.checks.surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES

if TYPE_CHECKING:
    from pyspark.sql import Column

__all__ = [
    "NAME_CUES",
    "NAME_FOLLOWERS",
    "Span",
    "cue_before",
    "find_personal_data",
    "follower_at",
    "is_han",
    "mask_id_number",
    "mask_text",
    "mask_text_column",
    "mask_text_series",
    "name_ends_at",
    "normalise_digits",
    "real_birth_date",
]

# Fullwidth digits, X and hyphen to ASCII, one character for one (positions stay the same).
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ－", "0123456789Xx-")

# Words after which a name follows (longest first in the pattern).
NAME_CUES = (
    "我叫",
    "名叫",
    "我是",
    "本人",
    "联系人",
    "来电人",
    "来访人",
    "投诉人",
    "举报人",
    "诉求人",
    "申请人",
    "反映人",
    "当事人",
    "代理人",
    "经办人",
    "负责人",
    "法定代表人",
    "法人代表",
    "户主",
    "检查人员",
    "执法人员",
    "姓名",
)
# Words that follow a name: a given name stops before them.
NAME_FOLLOWERS = (
    "反映",
    "反应",
    "称",
    "表示",
    "来电",
    "来信",
    "来访",
    "投诉",
    "举报",
    "要求",
    "希望",
    "请求",
    "诉求",
    "咨询",
    "电话",
    "手机",
    "联系",
    "先生",
    "女士",
    "小姐",
    "同志",
    "师傅",
    "老师",
    "身份证",
    "证件",
    "住址",
    "家住",
    "住在",
    "现住",
    "性别",
    "年龄",
    "男",
    "女",
    "岁",
)
# Characters that are not part of a given name (function words, and 某 of 张某/李某某).
_NOT_GIVEN = frozenset(
    "的了在是于和与及或并而且之其此该也都就从向对把被给到为曾已将因等某未没不无仍又再还即才只系经"
)
# Characters a given name does not have: they make the "name" a place or organisation (晋城市).
_PLACE_MARK = frozenset("市县区省镇乡村州盟街号司店厂矿局")
_SEPARATORS = ":：为是 \t\u3000"
_LIST_SEPARATORS = "、和及与"

_CUE = re.compile(
    "(?:" + "|".join(sorted(NAME_CUES, key=len, reverse=True)) + ")[:：为是\\s\u3000]*"
)
# ASCII digits only ([0-9], not \d): Python's \d also takes other scripts' digits.
_DIGIT_RUN = re.compile(r"(?<![0-9])(?:[0-9]{17}[Xx]|[0-9]+)(?![0-9])")
_SPLIT_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]([- ])[0-9]{4}\1[0-9]{4}(?![0-9])")
_LANDLINE = re.compile(
    r"(?<![0-9])(?:0[0-9]{2,3}-|\(0[0-9]{2,3}\)|（0[0-9]{2,3}）)[0-9]{7,8}(?![0-9])"
)
_CUED_LANDLINE = re.compile(
    r"(?:电话|座机|固话|联系方式|[Tt]el|TEL)[:：\s]*(0[0-9]{9,11})(?![0-9])"
)


@dataclass(frozen=True)
class Span:
    """A piece of personal data in a text: [start, end), its kind and its masked form."""

    start: int
    end: int
    kind: str  # id_number | mobile | landline | name
    masked: str


def is_han(ch: str) -> bool:
    """A CJK unified ideograph (the characters names are written in)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def normalise_digits(text: str) -> str:
    """Fullwidth digits, X and hyphen as ASCII; the same length, so positions carry over."""
    return text.translate(_FULLWIDTH)


def mask_id_number(number: str | None) -> str | None:
    """Keep the first three characters and the check character: 11010519491231002X → 110**************X."""
    if not number:
        return number
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 4) + number[-1]


def real_birth_date(yyyymmdd: str, earliest: int = 1900) -> bool:
    """`yyyymmdd` is a calendar date from `earliest` to today."""
    try:
        d = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(earliest, 1, 1) <= d <= date.today()


def _digit_spans(norm: str, original: str) -> list[Span]:
    spans = []
    for m in _DIGIT_RUN.finditer(norm):
        run, s, e = m.group(), m.start(), m.end()
        raw = original[s:e]
        if len(run) == 18 and run[0] != "0" and run[:17].isdigit() and real_birth_date(run[6:14]):
            upper = run.upper()
            if id_check_character(upper[:17]) != upper[17] and uscc_problem(upper) is None:
                continue  # a USCC that happens to look like an ID number
            spans.append(Span(s, e, "id_number", mask_id_number(raw) or raw))
        elif (
            len(run) == 15 and run.isdigit() and run[0] != "0" and real_birth_date("19" + run[6:12])
        ):
            spans.append(Span(s, e, "id_number", mask_id_number(raw) or raw))
        elif len(run) == 11 and run.isdigit() and run[0] == "1" and run[1] in "3456789":
            spans.append(Span(s, e, "mobile", mask_phone(raw) or raw))
        elif len(run) == 13 and run.isdigit() and run.startswith("861") and run[3] in "3456789":
            spans.append(Span(s + 2, e, "mobile", mask_phone(raw[2:]) or raw[2:]))
    for m in _SPLIT_MOBILE.finditer(norm):
        raw, sep = original[m.start() : m.end()], m.group(1)
        spans.append(Span(m.start(), m.end(), "mobile", f"{raw[:3]}{sep}****{sep}{raw[-4:]}"))
    for m in _LANDLINE.finditer(norm):
        raw = original[m.start() : m.end()]
        spans.append(Span(m.start(), m.end(), "landline", mask_phone(raw) or raw))
    for m in _CUED_LANDLINE.finditer(norm):
        raw = original[m.start(1) : m.end(1)]
        spans.append(Span(m.start(1), m.end(1), "landline", mask_phone(raw) or raw))
    return spans


def follower_at(text: str, i: int) -> bool:
    """A word that follows names (反映, 电话, 先生 …) starts at `text[i]`."""
    return any(text.startswith(w, i) for w in NAME_FOLLOWERS)


def cue_before(text: str, i: int) -> bool:
    """`text[:i]` ends with a name cue (联系人, 我叫 …), separators (：, 为, spaces) allowed."""
    j = i
    while j > 0 and text[j - 1] in _SEPARATORS:
        j -= 1
    return any(text.endswith(c, 0, j) for c in NAME_CUES)


def name_ends_at(text: str, end: int) -> bool:
    """A name can end before `text[end]`: the text ends, or a non-Han character, a function
    word (在, 未, 的 …) or a word that follows names (反映, 电话 …) comes next."""
    if end >= len(text):
        return True
    ch = text[end]
    return not is_han(ch) or ch in _NOT_GIVEN or follower_at(text, end)


def _name_at(text: str, p: int) -> int | None:
    """The end of a surname + given name starting at `text[p]`, or None."""
    if text[p : p + 2] in COMPOUND_SURNAMES:
        g = p + 2
    elif p < len(text) and text[p] in SINGLE_SURNAMES:
        g = p + 1
    else:
        return None
    n = 0
    while n < 2 and g + n < len(text):
        ch = text[g + n]
        if not is_han(ch) or ch in _NOT_GIVEN or ch in _PLACE_MARK or follower_at(text, g + n):
            break
        n += 1
    # the longest given name after which a name can end (危险化学品 has none)
    while n > 0 and not name_ends_at(text, g + n):
        n -= 1
    return g + n if n else None


def _cued_names(text: str) -> list[Span]:
    """Names after a cue, and the names listed after them (举报人张三、李四和王五)."""
    spans = []
    for m in _CUE.finditer(text):
        p = m.end()
        while (end := _name_at(text, p)) is not None:
            spans.append(Span(p, end, "name", mask_name(text[p:end]) or ""))
            if end < len(text) and text[end] in _LIST_SEPARATORS:
                p = end + 1
            else:
                break
    return spans


def _clean_names(known_names: Iterable[Any] | None) -> list[str]:
    out = set()
    for name in known_names or ():
        if not isinstance(name, str):
            continue
        cleaned = "".join(name.split())
        if len(cleaned) >= 2:
            out.add(cleaned)
    return sorted(out, key=len, reverse=True)


def _known_names(text: str, names: list[str]) -> list[Span]:
    spans = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            spans.append(Span(start, start + len(name), "name", mask_name(name) or ""))
            start = text.find(name, start + len(name))
    return spans


def _non_overlapping(spans: list[Span]) -> list[Span]:
    """Earliest first, the longest of those starting together; later overlapping spans drop."""
    chosen: list[Span] = []
    for sp in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not chosen or sp.start >= chosen[-1].end:
            chosen.append(sp)
    return chosen


def find_personal_data(text: str, known_names: Iterable[Any] | None = None) -> list[Span]:
    """The personal data `mask_text` masks, as non-overlapping spans in text order."""
    norm = normalise_digits(text)
    spans = _digit_spans(norm, text)
    spans += _known_names(text, _clean_names(known_names))
    spans += _cued_names(text)
    return _non_overlapping(spans)


def mask_text(text: Any, known_names: Iterable[Any] | None = None) -> str | None:
    """`text` with its phone numbers, ID numbers and names masked (same length).

    `known_names`: names the row itself carries (caller, complainant, contact): every
    occurrence is masked, cue or not. None stays None, another non-string is masked as its
    `str()`; if anything unexpected fails, the whole text is starred rather than let through.
    """
    if text is None:
        return None
    if isinstance(text, float) and text != text:  # NaN: a null in a pandas batch
        return None
    if not isinstance(text, str):
        text = str(text)
    try:
        spans = find_personal_data(text, known_names)
        parts, at = [], 0
        for sp in spans:
            parts += [text[at : sp.start], sp.masked]
            at = sp.end
        parts.append(text[at:])
        return "".join(parts)
    except Exception:  # never raise, never leak
        return "*" * len(text)


def _names_of(value: Any) -> list[Any]:
    """The names of one row as Spark's array<string> arrives in pandas (ndarray, list or None)."""
    if value is None or isinstance(value, float | str):
        return [value] if isinstance(value, str) else []
    try:
        return list(value)
    except TypeError:
        return []


def mask_text_series(texts: pd.Series, names: pd.Series | None = None) -> pd.Series:
    """`mask_text` over a pandas batch; `names[i]` is row i's list of known names."""
    if names is None:
        out = [mask_text(t) for t in texts]
    else:
        out = [mask_text(t, _names_of(n)) for t, n in zip(texts, names, strict=False)]
    return pd.Series(out, index=texts.index, dtype=object)


@lru_cache(maxsize=1)
def _mask_udf():
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    @F.pandas_udf(T.StringType())
    def mask(texts: pd.Series, names: pd.Series) -> pd.Series:
        return mask_text_series(texts, names)

    return mask


# What Python's str.split() splits on (`_clean_names`): the same set as `str.isspace`
# (tests/unit/checks/test_free_text.py checks every code point).
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Every digit span `_digit_spans` can find holds a run of at least four digits (ASCII or
# fullwidth: the split mobile's 1234 group is the shortest); every cued name follows a cue.
# One pattern, so each text is decoded and scanned once.
_MAY_HOLD = "[0-9０-９]{4}|" + "|".join(NAME_CUES)


def may_hold_personal_data(text: Column, names: list[Column]) -> Column:
    """A Spark condition true for every text in which `find_personal_data` can find anything
    (and for some others): a run of four digits, a name cue, or one of the row's names as
    `_clean_names` cleans it. The Python detector then runs on those rows only: in the
    province's action content that is about 4 % of the rows (50,000 of 1.15 M)."""
    from pyspark.sql import functions as F

    cond = text.rlike(_MAY_HOLD)
    for name in names:
        cleaned = F.translate(name, PY_WHITESPACE, "")  # characters without a match: removed
        cond = cond | ((F.length(cleaned) >= 2) & text.contains(cleaned))
    return F.coalesce(cond, F.lit(False))


def mask_text_column(
    text_col: Column | str, *name_cols: Column | str, send: Column | None = None
) -> Column:
    """Spark: `text_col` masked like `mask_text`, with the row's `name_cols` as known names.

    `mask_text_column("content", "contact_name")` → a string Column (alias it yourself).
    Only texts `may_hold_personal_data` go to the Python detector (Spark evaluates a Python
    UDF on every row, so the others go as nulls); the rest come back as they are, which is
    what the detector returns for them. `send`: that condition, when the caller computed it
    in a column of its own (used three times here; Spark does not inline a column used more
    than once).
    """
    from pyspark.sql import functions as F

    def col(c: Column | str) -> Column:
        return F.col(c) if isinstance(c, str) else c

    text = col(text_col).cast("string")
    name_values = [col(c).cast("string") for c in name_cols]
    if send is None:
        send = may_hold_personal_data(text, name_values)
    if name_values:
        names = F.array(*name_values)
    else:
        names = F.array(F.lit(None).cast("string"))
    masked = _mask_udf()(F.when(send, text), F.when(send, names))
    return F.when(send, masked).otherwise(text)
