"""What a delivered file's bytes look like, for the reason of a file refused for its encoding.

"not valid gb18030 at byte 3" tells a department where decoding failed; what it needs to fix
its export is what it actually sent: "the bytes are UTF-8 with a byte-order mark, but the
contract promises GBK (GB18030)". The checks are exact, not guesses: a byte-order mark, a ZIP
signature, whether the whole file decodes as UTF-8 or as GB18030, UTF-16's NUL bytes. A text
that is valid UTF-8 with Chinese in it is called UTF-8 even though GB18030 could decode it too
(multi-byte UTF-8 is almost never GBK text that happens to be valid UTF-8).
"""

from __future__ import annotations

import codecs

BOMS = (  # longest first: a UTF-32 LE mark begins with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)"),
)
# what a contract's encoding is called in a message, and the descriptions that fit it
PROMISE = {
    "gb18030": "GBK (GB18030)",
    "gbk": "GBK (GB18030)",
    "gb2312": "GBK (GB18030)",
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (a byte-order mark allowed)",
}
ASCII = "plain ASCII"
UTF8 = "UTF-8 without a byte-order mark"
UTF8_BOM = "UTF-8 with a byte-order mark"
GBK = "GBK/GB18030 (not UTF-8)"
FITS = {
    "gb18030": {ASCII, GBK},
    "gbk": {ASCII, GBK},
    "gb2312": {ASCII, GBK},
    "utf-8": {ASCII, UTF8},
    "utf-8-sig": {ASCII, UTF8, UTF8_BOM},
}


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def describe_bytes(data: bytes) -> str:
    """What the bytes are, in the words a department's IT staff use."""
    if data.startswith(b"PK\x03\x04"):
        return "a ZIP archive (an XLSX workbook?), not text"
    for bom, name in BOMS:
        if data.startswith(bom):
            return UTF8_BOM if name == "UTF-8" else f"{name} with a byte-order mark"
    if data.isascii():
        return ASCII
    if _decodes(data, "utf-8"):
        return UTF8
    head = data[:4096]
    if head.count(0) * 4 > len(head):  # every other byte NUL: UTF-16 text without its mark
        return "UTF-16 without a byte-order mark (every other byte is NUL)"
    if _decodes(data, "gb18030"):
        return GBK
    return "neither UTF-8 nor GBK (GB18030): another encoding, or not text"


def encoding_mismatch(encoding: str, data: bytes) -> str | None:
    """ "the bytes are X, but the contract promises Y" when the bytes do not look like the
    contract's encoding; None when they do (or the encoding is one we do not describe)."""
    key = codecs.lookup(encoding).name
    fits = FITS.get(key)
    if fits is None:
        return None
    found = describe_bytes(data)
    if found in fits:
        return None
    return f"the bytes are {found}, but the contract promises {PROMISE[key]}"
