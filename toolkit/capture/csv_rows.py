"""The rows of a CSV ratings file, read as they come: strict encodings, never a guess.

UTF-8 (with or without its byte-order mark) or UTF-16 with its byte-order mark; anything else is refused, naming
the first byte that is not text in that encoding (its position in the file and the row it is on). Nothing is ever
replaced: one stray Windows-1252 byte no longer turns "Zoë" into "ZoÃ«" for the whole file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from toolkit.capture.import_errors import refuse

BLOCK = 1 << 20  # bytes decoded at a time
SAVE_AS = "save it as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8) and try again"


class Lenient(Exception):
    """The strict reader met irregular quoting (a"b"c): read the file again leniently, as spreadsheets do."""


def sniff(stream: BinaryIO, file: str) -> tuple[str, int]:
    """The file's encoding (a codec name) and the length of its byte-order mark; UTF-32 is refused."""
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: the same first two bytes
        refuse(file, f"is UTF-32 text, which is not accepted; {SAVE_AS}")
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-bom", 3
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    return "utf-8", 0


def _lines(stream: BinaryIO, file: str, encoding: str, skip: int, rows: list[int]) -> Iterator[str]:
    """The file's text line by line (line ends kept, as csv wants); `rows` holds the rows read so far (for errors)."""
    codec = "utf-8" if encoding == "utf-8-bom" else encoding
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    stream.seek(skip)
    at, carry = skip, ""  # `at`: the file position of the first byte not yet given to the decoder
    while True:
        block = stream.read(BLOCK)
        final = not block
        if codec == "utf-8" and b"\x00" in block:
            where = at + block.index(0)
            refuse(
                file,
                f"contains NUL bytes (first at position {where}), so it is not a CSV text file (UTF-16 without its "
                f"byte-order mark, an old .xls?); save it from Excel as .xlsx or 'CSV UTF-8' and try again",
            )
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(block, final)
        except UnicodeDecodeError as exc:
            good = exc.object[: exc.start].decode(codec, errors="strict")
            yield from _split(carry + good, final=False)[0]
            where, bad = at - pending + exc.start, exc.object[exc.start : exc.start + 1]
            row = rows[0] + 1
            if final and codec != "utf-8" and exc.reason == "truncated data":
                why = f"ends in the middle of a character (position {where}): the file is cut short"
            elif codec == "utf-8":
                mark = "is marked as UTF-8 but" if encoding == "utf-8-bom" else "is not UTF-8 text:"
                why = f"{mark} byte 0x{bad.hex()} at position {where} is not UTF-8"
            else:
                why = f"is marked as UTF-16 but the bytes at position {where} are not UTF-16 ({exc.reason})"
            refuse(file, f"{why}; nothing was replaced or guessed; {SAVE_AS}", row=row)
        at += len(block)
        lines, carry = _split(carry + text, final=final)
        yield from lines
        if final:
            return


def _split(text: str, *, final: bool) -> tuple[list[str], str]:
    """Whole lines of `text` and the part after the last line end (kept back unless final; a CR may precede an LF)."""
    lines = io.StringIO(text, newline="").readlines()
    if not final and lines and (not lines[-1].endswith(("\n", "\r")) or lines[-1].endswith("\r")):
        return lines[:-1], lines[-1]
    return lines, ""


def csv_rows(stream: BinaryIO, file: str, *, lenient: bool = False) -> Iterator[list[str]]:
    """The rows of the CSV file; a quote that opens a cell and never closes is refused, not the rest of the file."""
    encoding, skip = sniff(stream, file)
    csv.field_size_limit(2**31 - 1)  # an over-long cell is reported by the validator, naming its row
    rows = [0]
    reader = csv.reader(_lines(stream, file, encoding, skip, rows), strict=not lenient)
    try:
        for r in reader:
            rows[0] += 1
            yield r
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):  # the lenient reader would swallow every later row into one cell
            reason = (
                'opens a quoted cell (") that never closes, so every row after it would be read into that cell; '
                "close the quote or remove it"
            )
            refuse(file, reason, row=rows[0] + 1)
        if not lenient:
            raise Lenient from None
        refuse(file, f"is not a readable CSV file: {exc}", row=rows[0] + 1)


def encoding_name(stream: BinaryIO, file: str) -> str:
    """The encoding as an import reports it."""
    return {"utf-8-bom": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(sniff(stream, file)[0], "utf-8")
