"""What a file really is, whatever its name says, and how its text is encoded."""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

# Magic numbers of things people upload by mistake, named for the error message.
_NOT_TABLES = [
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"%PDF", "pdf"),
    (b"RIFF", "media"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
]
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # binary .xls (and old .doc)


def sniff_format(head: bytes) -> str:
    """'xlsx', 'xls', 'zip', 'html', 'text', or 'binary:<what it looks like>' (an i18n
    code: what.png, what.pdf, …).

    Decided from the first bytes, never from the file name: exporters call HTML and
    tab-separated text ".xls".
    """
    if head.startswith(_OLE2):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(head)).namelist()
        except zipfile.BadZipFile:
            names = []  # only the head was read; the caller re-checks with the whole file
        return "xlsx" if "[Content_Types].xml" in names else "zip"
    for magic, what in _NOT_TABLES:
        if head.startswith(magic):
            return f"binary:{what}"
    text = _strip_bom(head)[:2048].lstrip().lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<meta", b"<?xml")) or (
        b"<table" in text and b"<tr" in text
    ):
        return "html"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary:binary"
    return "text"


# An archive that inflates more than this is refused before it is read: real exports compress
# 5-20 times, a decompression bomb thousands of times.
MAX_INFLATION = 100


def archive_problem(path: Path, limit_bytes: float) -> tuple[str, dict] | None:
    """(message key, fields) when a ZIP or xlsx declares more than `limit_bytes` uncompressed,
    inflates more than MAX_INFLATION:1, or inflates to something else than its directory
    declares; None when it may be read.

    The directory is checked first (cheap), then every member is inflated once, 1 MB at a
    time, and thrown away: an xlsx goes to calamine, which sizes its buffers by what the
    directory claims, so a directory that understates (1 MB declaring 250 MB) must be caught
    here. Python's reader stops at the declared size and checks the member's CRC, so a
    member that inflates to more (or less) than declared fails that check."""
    with zipfile.ZipFile(path) as z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        problem = _declared_problem(infos, limit_bytes)
        if problem is None and not _inflates_as_declared(z, infos):
            problem = "err.archive_lies", {}
    return problem


def _inflates_as_declared(z: zipfile.ZipFile, infos) -> bool:
    try:
        for info in infos:
            with z.open(info) as member:
                while member.read(1 << 20):
                    pass
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
        # A wrong CRC or size, a broken stream, an encrypted or unsupported member.
        return False
    return True


def _declared_problem(infos, limit_bytes: float) -> tuple[str, dict] | None:
    inflated = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if inflated > limit_bytes:
        return "err.archive_too_large", {
            "size_mb": inflated / 1_000_000,  # the uploader's megabytes (reader.MB)
            "limit_mb": limit_bytes / 1_000_000,
        }
    if inflated / packed > MAX_INFLATION:
        return "err.archive_ratio", {"ratio": inflated / packed, "max_ratio": MAX_INFLATION}
    return None


def extract_bounded(z: zipfile.ZipFile, member: str, dst: Path, limit_bytes: float) -> bool:
    """Stream `member` to `dst`, 1 MB at a time; False (and `dst` removed) as soon as more
    than `limit_bytes` came out, whatever the directory declared."""
    written = 0
    with z.open(member) as src, open(dst, "wb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > limit_bytes:
                break
            out.write(chunk)
    if written > limit_bytes:
        dst.unlink()
        return False
    return True


def zip_member_kind(path: Path) -> str:
    """'xlsx' or 'zip' for a file starting with PK, by looking at its directory."""
    with zipfile.ZipFile(path) as z:
        return "xlsx" if "[Content_Types].xml" in z.namelist() else "zip"


def _strip_bom(head: bytes) -> bytes:
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def detect_encoding(sample: bytes, at_eof: bool) -> str:
    """BOM first, then strict UTF-8, then GB18030 (what Chinese Excel's "save as CSV" writes),
    then Windows-1252 (Western Excel: `£` is byte 0xA3) when the GB18030 reading is
    implausible: a byte sequence GB18030 does not have, or not one Chinese character.

    `sample` is the start of the file; unless `at_eof`, a multi-byte character cut at its end
    is forgiven.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=at_eof)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    text = codecs.getincrementaldecoder("gb18030")("replace").decode(sample, final=at_eof)
    # Chinese text read as GB18030 is nearly all valid characters (a stray byte is an error to
    # report, not a reason to switch); Western bytes read as GB18030 give many invalid pairs.
    chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    if chinese and text.count("\ufffd") * 20 < chinese:
        return "gb18030"
    return "cp1252"


class UndecodableText(Exception):
    """A file's bytes stop being `encoding` at byte `offset` (0-based): the user's file mixes
    encodings (a GBK line pasted into a UTF-8 file), which no reading can fix."""

    def __init__(self, offset: int, encoding: str):
        super().__init__(f"not {encoding} at byte {offset}")
        self.offset, self.encoding = offset, encoding


def first_undecodable(path: Path, encoding: str, chunk_bytes: int = 8 << 20) -> int | None:
    """The offset of the first byte of `path` that is not valid `encoding`, or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    done = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(chunk_bytes)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return done + exc.start
            if not chunk:
                return None
            done += len(chunk)


def transcode_to_utf8(src: Path, dst: Path, encoding: str, chunk_bytes: int = 8 << 20) -> None:
    """Stream `src` in `encoding` to UTF-8 at `dst`, 8 MB at a time (never one big string).

    Raises UndecodableText where a byte is not `encoding` (Windows-1252, the last resort,
    keeps its five unassigned bytes as replacement characters instead).
    """
    errors = "replace" if encoding == "cp1252" else "strict"
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    done = 0
    with open(src, "rb") as fin, open(dst, "w", encoding="utf-8", newline="") as fout:
        while True:
            chunk = fin.read(chunk_bytes)
            try:
                fout.write(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError as exc:
                raise UndecodableText(done + exc.start, encoding) from None
            if not chunk:
                return
            done += len(chunk)


class _TableParser(HTMLParser):
    """Collects the cells of every <tr> of an HTML page (the '.xls' some exporters write)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_table_rows(text: str) -> list[list[str]]:
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    return parser.rows
