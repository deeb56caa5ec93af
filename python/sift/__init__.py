"""Sift for Python: read and write Sift files and tables as Arrow.

    import sift
    t = sift.open("conn")                                    # a table folder or a .sift file
    reader = t.scan(where="dst_ip = 203.0.113.7", columns=["ts", "src_ip", "dst_ip"])
    duckdb.sql("select src_ip, count(*) from reader group by 1")
    t.append(pandas_frame, txn="etl:42")

Scans are Arrow C streams straight from Sift's scanner (pruned by partitions, statistics, bloom
filters and zone maps before any page is read); fixed-width columns reach pyarrow without a copy.
`spec/arrow.md` in the repository specifies the type mapping and the C API underneath.
"""
from __future__ import annotations

import ctypes
import json
from typing import Any, Iterable

from . import _native
from ._native import (CommitConflict, CorruptData, InvalidArgument, NotFound, SchemaMismatch, SiftError, SiftIOError)

# pyarrow (and the extension types registered with it) is imported on first use, not here:
# opening and planning need none of it, and Spark's planning workers import this package for
# every query (pyarrow and numpy take ~70 ms to import).
_ARROW_NAMES = {"IPv4Type", "IPv6Type", "ipv4", "ipv4_array", "ipv6", "ipv6_array"}


def __getattr__(name: str):
    if name in _ARROW_NAMES:
        from . import _types
        return getattr(_types, name)
    raise AttributeError(f"module 'sift' has no attribute {name!r}")


def _arrow():
    """pyarrow, with Sift's extension types registered."""
    import pyarrow

    from . import _types  # noqa: F401  (registers sift.ipv4 / sift.ipv6)
    return pyarrow


def normalized(reader, target=None):
    from ._data import normalized as convert
    return convert(reader, target)


def to_reader(data):
    _arrow()
    from ._data import to_reader as convert
    return convert(data)

__all__ = [
    "open", "write", "create_table", "write_files", "commit_files", "Table", "Scan", "version",
    "SiftError", "InvalidArgument", "NotFound", "CorruptData", "CommitConflict", "SchemaMismatch", "SiftIOError",
    "ipv4", "ipv6", "IPv4Type", "IPv6Type", "ipv4_array", "ipv6_array",
]


def version() -> str:
    """The library's version and the format version it reads and writes."""
    return _native.version()


_IP_FORMS = {"plain": 0, "extension": 1, "text": 2}


def _ip_form(ips: str) -> int:
    try:
        return _IP_FORMS[ips]
    except KeyError:
        raise InvalidArgument(f"ips must be one of {', '.join(_IP_FORMS)}, not {ips!r}") from None


def _columns(columns: Iterable[str] | None) -> bytes | None:
    if columns is None:
        return None
    if isinstance(columns, str):
        raise TypeError("columns must be a list of names, not a string")
    return json.dumps(list(columns)).encode()


class Scan:
    """A scan of a Sift file or table, not started until read. It is an Arrow stream source:
    `pyarrow.table(scan)`, `polars.DataFrame(scan)`, `duckdb.sql("... from scan")` read it
    through `__arrow_c_stream__`; `to_reader()` and `to_table()` give pyarrow objects. Each
    read runs the scan afresh (so a Scan can be read several times)."""

    def __init__(self, table: "Table", where: str | None, columns, units, threads: int | None, ips: str):
        self._table = table
        self.where = where
        self.columns = None if columns is None else list(columns)
        self.units = units
        self.threads = threads or 0
        self.ips = ips

    def to_reader(self) -> pa.RecordBatchReader:
        stream = _native.new_stream_struct()
        units = None if self.units is None else json.dumps(self.units).encode()
        _native.call("sift_scan", self._table._handle_checked(), _native.encode(self.where), _columns(self.columns), units,
                     self.threads, _ip_form(self.ips), _native.address(stream))
        return _arrow().RecordBatchReader._import_from_c(_native.address(stream))

    def __arrow_c_stream__(self, requested_schema=None):
        return self.to_reader().__arrow_c_stream__(requested_schema)

    def to_table(self) -> pa.Table:
        return self.to_reader().read_all()

    def read_all(self) -> pa.Table:
        """As `pyarrow.RecordBatchReader.read_all`: every row, as a pyarrow Table."""
        return self.to_table()

    @property
    def schema(self) -> pa.Schema:
        return self._table._arrow_schema(self.columns, self.ips)

    def __iter__(self):
        return iter(self.to_reader())


class Table:
    """An open Sift table (pinned at one version) or a single Sift file. Use `sift.open`."""

    def __init__(self, path: str, as_of: str | int | None = None):
        self.path = str(path)
        self._as_of = None if as_of is None else str(as_of)
        handle = ctypes.c_void_p()
        _native.call("sift_open", _native.encode(self.path), _native.encode(self._as_of), ctypes.byref(handle))
        self._handle = handle
        self._described = None

    @property
    def _info(self) -> dict:
        # Described on first use: a needle query needs none of it (it costs a JSON round trip).
        if self._described is None:
            self._described = json.loads(self._string("sift_describe"))
        return self._described

    def _handle_checked(self):
        if self._handle is None or not self._handle.value:
            raise InvalidArgument(f"{self.path}: the table is closed")
        return self._handle

    def _string(self, name: str, *args) -> str:
        out = ctypes.c_void_p()
        _native.call(name, self._handle_checked(), *args, ctypes.byref(out))
        return _native.take_string(out) or ""

    def close(self) -> None:
        """Releases the snapshot (also done when the object is collected)."""
        if getattr(self, "_handle", None) is not None and self._handle.value:
            _native.lib.sift_close(self._handle)
        self._handle = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"sift.Table({self.path!r}, kind={self.kind}, version={self.version}, rows={self.num_rows})"

    @property
    def kind(self) -> str:
        """"table" or "file"."""
        return self._info["kind"]

    @property
    def version(self) -> int | None:
        """The table version this object reads (None for a single file)."""
        return self._info["version"]

    @property
    def num_rows(self) -> int:
        return self._info["rows"]

    @property
    def info(self) -> dict:
        """What `sift table describe` shows: schema, rows, bytes, files, partitioning, clustering."""
        return dict(self._info)

    def _arrow_schema(self, columns=None, ips: str = "extension") -> pa.Schema:
        struct = _native.new_schema_struct()
        _native.call("sift_get_schema", self._handle_checked(), _columns(columns), _ip_form(ips), _native.address(struct))
        return _arrow().Schema._import_from_c(_native.address(struct))

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema (IP columns as sift.ipv4 / sift.ipv6 extension types)."""
        return self._arrow_schema()

    def scan(self, where: str | None = None, columns: Iterable[str] | None = None, *, threads: int | None = None,
             units: list[dict] | None = None, ips: str = "extension") -> Scan:
        """The rows `where` accepts (Sift's predicate language, spec/predicates.md), with
        `columns` (default all). `units` (from `plan`) restricts the scan to one task's share.
        `ips` is how IP columns come out: "extension" (sift.ipv4 / sift.ipv6), "plain"
        (uint32 / fixed_size_binary(16)) or "text" (strings, for SQL and dataframes)."""
        if where is not None and not isinstance(where, str):
            raise TypeError("where must be a predicate string such as \"dst_ip = 203.0.113.7\"")
        _ip_form(ips)
        return Scan(self, where, columns, units, threads, ips)

    def to_table(self, where: str | None = None, columns: Iterable[str] | None = None, **kwargs) -> pa.Table:
        """`scan(...)` read whole into a pyarrow Table."""
        return self.scan(where, columns, **kwargs).to_table()

    def explain(self, where: str | None = None, columns: Iterable[str] | None = None, *, threads: int | None = None) -> dict:
        """Runs the scan without returning rows and reports what it read and what each index
        skipped (the fields of `sift query --explain --json`)."""
        return json.loads(self._string("sift_explain", _native.encode(where), _columns(columns), threads or 0))

    def plan(self, where: str | None = None, columns: Iterable[str] | None = None) -> dict:
        """The units (files and row groups) a scan must read, without reading data pages:
        {"version", "units": [{"path", "row_groups", "bytes", "rows"}], "report": {...}}."""
        return json.loads(self._string("sift_plan", _native.encode(where), _columns(columns)))

    def history(self) -> list[dict]:
        """The table's commits up to this version, oldest first."""
        return json.loads(self._string("sift_history"))

    def append(self, data, *, txn: str | None = None, **options) -> dict:
        """Appends `data` (anything `write` takes) in one atomic commit, converted to the
        table's schema; with `txn="APP:VERSION"` a retried append commits once. This object
        then reads the new version. Returns {"version", "files", "rows", "bytes", "already_applied"}."""
        if self.kind != "table":
            raise InvalidArgument(f"{self.path} is a single file; files are written once (use sift.write)")
        reader = normalized(to_reader(data), self.schema)
        if txn is not None:
            options["txn"] = txn
        stream = _native.new_stream_struct()
        reader._export_to_c(_native.address(stream))
        out = ctypes.c_void_p()
        _native.call("sift_table_append", _native.encode(self.path), _native.address(stream), json.dumps(options).encode(), ctypes.byref(out))
        result = json.loads(_native.take_string(out))
        self._reopen()
        return result

    def _reopen(self) -> None:
        self.close()
        handle = ctypes.c_void_p()
        _native.call("sift_open", _native.encode(self.path), _native.encode(self._as_of), ctypes.byref(handle))
        self._handle = handle
        self._described = None


def open(path, as_of: str | int | None = None) -> Table:
    """Opens a Sift table folder (at its latest version, a version number, or an ISO-8601 time)
    or a single .sift file."""
    return Table(path, as_of)


def write(path, data, *, types: dict[str, str] | None = None, cluster: str | None = None, bloom: list[str] | str | None = None,
          compression: str | None = None, zstd_level: int | None = None, row_group_rows: int | None = None,
          page_rows: int | None = None) -> dict:
    """Writes `data` (a pyarrow Table/RecordBatch/reader, a pandas or Polars DataFrame, or any
    `__arrow_c_stream__` source) to a new Sift file. `types` stores columns as Sift types the
    Arrow type does not imply, e.g. {"src_ip": "ipv4", "query": "string:domain"}; `cluster`
    orders rows along a curve ("hilbert:src_ip,dst_ip"). Refuses an existing path."""
    options = {k: v for k, v in dict(types=types, cluster=cluster, bloom=bloom, compression=compression, zstd_level=zstd_level,
                                      row_group_rows=row_group_rows, page_rows=page_rows).items() if v is not None}
    reader = normalized(to_reader(data))
    stream = _native.new_stream_struct()
    reader._export_to_c(_native.address(stream))
    out = ctypes.c_void_p()
    _native.call("sift_write_file", _native.encode(str(path)), _native.address(stream), json.dumps(options).encode(), ctypes.byref(out))
    return json.loads(_native.take_string(out))


def create_table(path, schema_or_data, *, partition_by: list[str] | None = None, cluster_by: str | None = None,
                 bloom: list[str] | str | None = None, types: dict[str, str] | None = None) -> Table:
    """Creates a table. Its schema comes from a pyarrow Schema, or from data (which is then
    appended as the first commit). `partition_by` takes Sift's expressions (["date(ts)"]),
    `cluster_by` the clustering optimize applies ("hilbert:src_ip,dst_ip")."""
    pa = _arrow()
    data = None
    if isinstance(schema_or_data, pa.Schema):
        schema = schema_or_data
    else:
        data = normalized(to_reader(schema_or_data))
        schema = data.schema
    schema = pa.schema([pa.field(f.name, normalized_type(f.type), f.nullable, f.metadata) for f in schema])
    options = {k: v for k, v in dict(partition_by=partition_by, cluster_by=cluster_by, bloom=bloom, types=types).items() if v is not None}
    struct = _native.new_schema_struct()
    schema._export_to_c(_native.address(struct))
    _native.call("sift_table_create", _native.encode(str(path)), _native.address(struct), json.dumps(options).encode())
    table = Table(path)
    if data is not None:
        table.append(data)
    return table


def write_files(path, data, **options) -> dict:
    """Writes `data` as data files of the table at `path` without committing them (one task's
    share of a job): {"files": [add actions], "rows"}. Commit them with `commit_files`."""
    t = Table(path)
    reader = normalized(to_reader(data), t.schema)
    t.close()
    stream = _native.new_stream_struct()
    reader._export_to_c(_native.address(stream))
    out = ctypes.c_void_p()
    _native.call("sift_table_write_files", _native.encode(str(path)), _native.address(stream), json.dumps(options).encode(), ctypes.byref(out))
    return json.loads(_native.take_string(out))


def commit_files(path, files: list[dict], *, txn: str | None = None, mode: str = "append") -> dict:
    """Commits files from `write_files` (from any number of tasks) in one atomic commit;
    mode "overwrite" replaces every file live at commit time."""
    options = {"mode": mode}
    if txn is not None:
        options["txn"] = txn
    out = ctypes.c_void_p()
    _native.call("sift_table_commit", _native.encode(str(path)), json.dumps(files).encode(), json.dumps(options).encode(), ctypes.byref(out))
    return json.loads(_native.take_string(out))


def normalized_type(t):
    from ._data import _storable
    return _storable(t)
