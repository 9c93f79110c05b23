"""A hardened, streaming XML event source: the only way the CommerceML reader touches bytes.

Files come from the network (1C posts them), so the parser is set up for hostile input:

* no DTD at all: a DOCTYPE in the prolog is refused before libxml2 sees it, which also rules
  out every ENTITY declaration (billion laughs, XXE, external DTDs);
* libxml2 itself runs with entity resolution, DTD loading and network access off and without
  `huge_tree`, and a resolver that refuses any URL, as a second line of defence;
* nesting depth (MAX_DEPTH here, and libxml2's own 256 within a single chunk), text node
  size, and the input and elements held between two releases are capped, so memory stays
  bounded whatever the file holds.

Every problem surfaces as a `FormatError` with a message fit for a user (and a line number
when libxml2 knows one).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree

from accord.exchange.formats.errors import FormatError

MAX_DEPTH = 64
"""Deepest element nesting accepted; real CommerceML stays below 15."""

MAX_TEXT_BYTES = 10_000_000
"""libxml2's own cap on one text node or attribute value without `huge_tree` (10 MB)."""

MAX_PROLOG_BYTES = 64 * 1024
"""How far the root element may start: the prolog is an XML declaration and comments."""

CHUNK_BYTES = 256 * 1024

MAX_UNRELEASED_BYTES = 32 * 2**20
"""Input that may arrive before the reader frees anything: bounds the tree held in memory."""

MAX_OPEN_ELEMENTS = 1_000_000
"""Elements held at once (an order with thousands of lines stays far below)."""

_COUNT_AFTER_BYTES = 2**20  # below this much unreleased input, counting is not worth it
_COUNT_ELEMENTS = etree.XPath("count(//*)")

Source = str | os.PathLike[str] | IO[bytes]
"""A path, or a binary file object open for reading."""

_UTF8_BOM = b"\xef\xbb\xbf"
_ENCODING_RE = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_WHITESPACE = b" \t\r\n"
_NAME_END = re.compile(rb"[\s/>]")


@dataclass(frozen=True, slots=True)
class Prolog:
    """What the bytes before the root element tell: the encoding and where the root starts."""

    encoding: str  # lower case, as declared; "utf-8" when undeclared
    root_offset: int
    root_name: str  # local name of the root element


class _RefusingResolver(etree.Resolver):
    """Never fetch anything: no DTD, no entity, no XInclude, local or remote."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        raise FormatError("External references are not allowed in an exchange file")


def make_parser(tags: list[str] | None = None) -> Any:
    """The libxml2 pull parser with every external access and expansion switched off."""
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    parser.resolvers.add(_RefusingResolver())
    return parser


def scan_prolog(head: bytes, *, final: bool) -> Prolog | None:
    """Check the bytes before the root element; None when more bytes are needed.

    Raises FormatError for a DOCTYPE (and so any ENTITY declaration), for bytes that are not
    XML, and for encodings that are not ASCII-compatible (UTF-16/32): 1C writes UTF-8 and
    sites write windows-1251.
    """
    if not head and final:
        raise FormatError("The file is empty")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:2]:
        raise FormatError("Unsupported encoding: only UTF-8 and windows-1251 files are read")
    pos = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
    encoding = "utf-8"
    while True:
        while pos < len(head) and head[pos] in _WHITESPACE:
            pos += 1
        end = _markup_end(head, pos, final)
        if end is None:
            if len(head) > MAX_PROLOG_BYTES:
                raise FormatError("The root element does not start within the first 64 KB")
            return None
        if end == pos:
            name = _root_name(head, pos, encoding, final)
            return None if name is None else Prolog(encoding, pos, name)
        declared = _ENCODING_RE.search(head, pos, end)
        if head.startswith(b"<?xml", pos) and declared:
            encoding = declared.group(1).decode("ascii").lower()
        pos = end


def _root_name(head: bytes, pos: int, encoding: str, final: bool) -> str | None:
    """The local name of the root tag starting at `pos`; None until its end has arrived."""
    match = _NAME_END.search(head, pos + 1)
    if match is None and not final:
        return None
    raw = head[pos + 1 : match.start() if match else len(head)]
    try:
        name = raw.decode(encoding, errors="replace")
    except LookupError:  # an encoding Python does not know: libxml2 will judge it
        name = raw.decode("utf-8", errors="replace")
    return name.rpartition(":")[2]


def _markup_end(head: bytes, pos: int, final: bool) -> int | None:
    """Where the prolog item at `pos` ends; `pos` itself for the root element; None: unknown yet."""
    if len(head) - pos < 9 and not final:
        return None  # too few bytes to tell a comment or a DOCTYPE from the root element
    if pos >= len(head):
        raise FormatError("The file has no root element")
    if head[pos : pos + 1] != b"<":
        raise FormatError("The file is not XML: it does not start with '<'", line=1)
    for opener, closer in ((b"<?", b"?>"), (b"<!--", b"-->")):
        if head.startswith(opener, pos):
            end = head.find(closer, pos + len(opener))
            if end >= 0:
                return end + len(closer)
            if final:
                raise FormatError("The file ends inside its XML declaration or a comment")
            return None
    if head.startswith(b"<!", pos):
        raise FormatError(
            "A DTD is not allowed in an exchange file (DOCTYPE and ENTITY declarations "
            "are refused)",
            line=head.count(b"\n", 0, pos) + 1,
        )
    return pos


def _syntax_error(err: etree.XMLSyntaxError) -> FormatError:
    """Turn libxml2's message into one a person can act on."""
    message = " ".join(str(err.msg or err).split())
    line = err.lineno or None
    if "Excessive depth" in message:
        return FormatError(f"XML nesting is deeper than {MAX_DEPTH} levels", line=line)
    if any(sign in message for sign in _SIZE_LIMIT_SIGNS):
        return FormatError(
            f"A value in the file is larger than {MAX_TEXT_BYTES // 1_000_000} MB", line=line
        )
    message = re.sub(r",? line \d+, column \d+$", "", message)
    return FormatError(f"Malformed XML: {message}", line=line)


_SIZE_LIMIT_SIGNS = ("Text node too long", "Buffer size limit", "AttValue length too long")


@contextmanager
def open_source(source: Source) -> Iterator[IO[bytes]]:
    """A binary stream for a path or an open file object (which stays open for its owner)."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    else:
        yield source


class EventStream:
    """Start/end events of one file for the given tags, parsed safely and incrementally.

    The root element must be named `root` (checked on the raw bytes, before any parsing).
    Only elements whose tag matches `tags` (lxml patterns such as `{*}Товар`) produce events,
    which keeps Python out of the inner loop; the tree is still built for everything in
    between. The consumer frees what it has read with `release`. Two guards keep memory
    bounded whatever the file holds: the open element path may not get deeper than
    MAX_DEPTH, and at most MAX_UNRELEASED_BYTES of input may arrive between two releases.
    `prolog` is known once the first event has been produced.
    """

    def __init__(self, stream: IO[bytes], *, root: str, tags: Sequence[str] | None = None) -> None:
        self._stream = stream
        self._root_name = root
        # The root always reports its events: the memory guards start from it.
        self._tags = [*tags, f"{{*}}{root}"] if tags is not None else None
        self._unreleased = 0
        self.prolog: Prolog | None = None

    def release(self, element: Any) -> None:
        """Free a finished element, and any finished siblings before it."""
        parent = element.getparent()
        element.clear(keep_tail=False)
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
            del parent[0]
        self._unreleased = 0

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        parser = make_parser(self._tags)
        head = b""
        while self.prolog is None:
            chunk = self._stream.read(CHUNK_BYTES)
            head += chunk
            self.prolog = scan_prolog(head, final=not chunk)
        if self.prolog.root_name != self._root_name:
            # Refused before parsing: an HTML error page or a foreign file is never built.
            raise FormatError(
                f"Not a CommerceML file: the root element is <{self.prolog.root_name}>, "
                f"expected <{self._root_name}>",
                line=head.count(b"\n", 0, self.prolog.root_offset) + 1,
            )
        chunk = head
        root: Any = None
        while chunk:
            failure: etree.XMLSyntaxError | None = None
            try:
                parser.feed(chunk)
            except etree.XMLSyntaxError as err:
                failure = err
            for event in parser.read_events():
                if root is None:
                    root = event[1].getroottree().getroot()
                yield event
            if failure is not None:
                raise _syntax_error(failure)
            self._unreleased += len(chunk)
            if root is not None:
                self._check(root)
            chunk = self._stream.read(CHUNK_BYTES)
        try:
            parser.close()
        except etree.XMLSyntaxError as err:
            raise _syntax_error(err) from None
        yield from parser.read_events()

    def _check(self, root: Any) -> None:
        if self._unreleased > MAX_UNRELEASED_BYTES:
            raise FormatError(
                f"One object of the file is larger than {MAX_UNRELEASED_BYTES // 2**20} MB"
            )
        # Tiny elements cost far more memory than their bytes: count them when input piles up.
        if self._unreleased > _COUNT_AFTER_BYTES and _COUNT_ELEMENTS(root) > MAX_OPEN_ELEMENTS:
            raise FormatError(
                f"One object of the file holds more than {MAX_OPEN_ELEMENTS} elements"
            )
        # The rightmost path of the partial tree is the parser's stack of open elements.
        depth, node = 1, root
        while len(node):
            node = node[-1]
            depth += 1
            if depth > MAX_DEPTH:
                raise FormatError(
                    f"XML nesting is deeper than {MAX_DEPTH} levels", line=node.sourceline
                )
