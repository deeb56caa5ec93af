"""ctypes bindings to libSiftC (Sources/CSiftABI/include/sift.h): loading, signatures, errors."""
from __future__ import annotations

import ctypes
import os
from pathlib import Path

_NAMES = ("libSiftC.so", "libSiftC.dylib")


class SiftError(Exception):
    """An error reported by Sift; `code` is the status from sift.h."""

    code = 7

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidArgument(SiftError, ValueError):
    """A bad predicate, option, column name or scan unit."""

    code = 1


class NotFound(SiftError, FileNotFoundError):
    """No such file, table or version."""

    code = 2


class CorruptData(SiftError):
    """A damaged file or table log."""

    code = 3


class CommitConflict(SiftError):
    """A concurrent commit this one cannot be reconciled with."""

    code = 4


class SchemaMismatch(SiftError, TypeError):
    """Arrow data that does not fit the target schema."""

    code = 5


class SiftIOError(SiftError, OSError):
    """The operating system refused a read or write."""

    code = 6


_ERRORS = {cls.code: cls for cls in (InvalidArgument, NotFound, CorruptData, CommitConflict, SchemaMismatch, SiftIOError, SiftError)}


def _find_library() -> str:
    explicit = os.environ.get("SIFT_LIBRARY")
    if explicit:
        return explicit
    here = Path(__file__).resolve().parent
    for name in _NAMES:
        packaged = here / "_lib" / name
        if packaged.exists():
            return str(packaged)
    # A development checkout: python/sift -> the repository's release build.
    for name in _NAMES:
        built = here.parent.parent / ".build" / "release" / name
        if built.exists():
            return str(built)
    raise ImportError("libSiftC was not found: run `make python` in the Sift repository, or set SIFT_LIBRARY")


lib = ctypes.CDLL(_find_library())

_c = ctypes.c_char_p
_p = ctypes.c_void_p
_pp = ctypes.POINTER(ctypes.c_void_p)
_i = ctypes.c_int

lib.sift_version.restype = _c
lib.sift_version.argtypes = []
lib.sift_string_free.restype = None
lib.sift_string_free.argtypes = [_p]
lib.sift_close.restype = None
lib.sift_close.argtypes = [_p]
_SIGNATURES = {
    "sift_open": [_c, _c, _pp, _pp],
    "sift_describe": [_p, _pp, _pp],
    "sift_history": [_p, _pp, _pp],
    "sift_get_schema": [_p, _c, _i, _p, _pp],
    "sift_plan": [_p, _c, _c, _pp, _pp],
    "sift_scan": [_p, _c, _c, _c, _i, _i, _p, _pp],
    "sift_explain": [_p, _c, _c, _i, _pp, _pp],
    "sift_write_file": [_c, _p, _c, _pp, _pp],
    "sift_table_create": [_c, _p, _c, _pp],
    "sift_table_append": [_c, _p, _c, _pp, _pp],
    "sift_table_write_files": [_c, _p, _c, _pp, _pp],
    "sift_table_commit": [_c, _c, _c, _pp, _pp],
}
for _name, _args in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.argtypes = _args
    _fn.restype = _i


def take_string(pointer: ctypes.c_void_p) -> str | None:
    """Reads a string Sift allocated and frees it."""
    if not pointer.value:
        return None
    try:
        return ctypes.string_at(pointer.value).decode("utf-8", "replace")
    finally:
        lib.sift_string_free(pointer.value)


def call(name: str, *args) -> None:
    """Calls a sift.h function whose last argument is `char **error`; raises on failure."""
    error = ctypes.c_void_p()
    status = getattr(lib, name)(*args, ctypes.byref(error))
    message = take_string(error)
    if status != 0:
        raise _ERRORS.get(status, SiftError)(message or f"{name} failed with status {status}")


def encode(text: str | None) -> bytes | None:
    return None if text is None else text.encode("utf-8")


def version() -> str:
    return lib.sift_version().decode()


# The Arrow C structs are allocated here and filled by Sift or pyarrow; their sizes are fixed
# by the Arrow C data interface (ArrowSchema: 9 words, ArrowArrayStream: 5).
def new_schema_struct():
    return (ctypes.c_void_p * 9)()


def new_stream_struct():
    return (ctypes.c_void_p * 5)()


def address(struct) -> int:
    return ctypes.addressof(struct)
