"""OLE2 compound files: what an .xlsx that is not a zip usually is.

A workbook saved with a password is not a zip but an OLE2 container holding the encrypted
package (``EncryptionInfo``, ``EncryptedPackage``); an old Excel 97-2003 file is one holding a
``Workbook`` (or ``Book``) stream. Telling them apart needs only the directory's names, read
with olefile's public API. A container too damaged for olefile is searched for those names as
UTF-16 bytes instead, so a broken encrypted file is still called encrypted.
"""
from __future__ import annotations

from typing import BinaryIO

__all__ = ["MAGIC", "ENCRYPTED_STREAMS", "LEGACY_WORKBOOK_STREAMS", "stream_names"]

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # every OLE2 compound file starts with these
ENCRYPTED_STREAMS = frozenset({"encryptioninfo", "encryptedpackage"})
LEGACY_WORKBOOK_STREAMS = frozenset({"workbook", "book"})
_WANTED = ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book")
_SEARCH_BLOCK = 4 << 20


def stream_names(fh: BinaryIO) -> list[str]:
    """Names of the storages and streams in an OLE2 file's directory (leaf names). The file
    object is left open; its position is not kept."""
    import olefile  # here: a container is rare, and every process imports this module

    try:
        fh.seek(0)
        ole = olefile.OleFileIO(fh)
        try:
            names = [path[-1] for path in ole.listdir(streams=True, storages=True) if path]
        finally:
            ole.close()
        if names:
            return names
    except Exception:  # noqa: BLE001 -- any damage: fall back to the byte search below
        pass
    return _names_in_bytes(fh)


def _names_in_bytes(fh: BinaryIO) -> list[str]:
    """The wanted names found anywhere in the file as NUL-terminated UTF-16 (bounded blocks)."""
    found: list[str] = []
    patterns = {w: w.encode("utf-16-le") + b"\x00\x00" for w in _WANTED}
    fh.seek(0)
    tail = b""
    while True:
        block = fh.read(_SEARCH_BLOCK)
        if not block:
            break
        data = tail + block
        for w, p in patterns.items():
            if w not in found and p in data:
                found.append(w)
        tail = data[-64:]
    return found
