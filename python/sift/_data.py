"""Turning what a user hands to `write` and `append` into one Arrow stream Sift takes."""
from __future__ import annotations

import pyarrow as pa

from ._types import IPv4Type, IPv6Type


def to_reader(data) -> pa.RecordBatchReader:
    """A RecordBatchReader over a pyarrow Table, RecordBatch or reader, a pandas DataFrame, or
    anything with `__arrow_c_stream__` (Polars, DuckDB relations, Sift scans)."""
    if isinstance(data, pa.RecordBatchReader):
        return data
    if isinstance(data, pa.Table):
        return data.to_reader()
    if isinstance(data, pa.RecordBatch):
        return pa.RecordBatchReader.from_batches(data.schema, [data])
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data)
    module = type(data).__module__
    if module.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False).to_reader()
    raise TypeError(f"cannot write a {type(data).__name__}: pass a pyarrow Table, RecordBatch or RecordBatchReader, "
                    "a pandas or Polars DataFrame, or an object with __arrow_c_stream__")


def _storable(t: pa.DataType) -> pa.DataType:
    """The Arrow type Sift stores a column of type `t` as, when no target type is known."""
    if isinstance(t, (IPv4Type, IPv6Type)) or isinstance(t, pa.ExtensionType):
        return t
    if pa.types.is_dictionary(t):
        return _storable(t.value_type)
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return pa.binary()
    if pa.types.is_int8(t) or pa.types.is_int16(t):
        return pa.int32()
    if pa.types.is_uint8(t):
        return pa.uint16()
    if pa.types.is_uint64(t):
        return pa.int64()
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return pa.float64()
    if pa.types.is_date(t):
        return pa.timestamp("us", tz="UTC")
    return t


def _target(field: pa.Field, target: pa.Field | None) -> pa.DataType:
    """The Arrow type to hand Sift for `field`, given the table's field when appending."""
    t = field.type
    if target is None:
        return _storable(t)
    want = target.type
    if isinstance(want, (IPv4Type, IPv6Type)):
        # Sift takes addresses as its storage, as uint32 (ipv4 into ipv6) or as text.
        if pa.types.is_dictionary(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
            return pa.string()
        return t
    if pa.types.is_timestamp(want) and pa.types.is_timestamp(t):
        return t  # any unit; Sift converts to microseconds
    if pa.types.is_timestamp(want) and pa.types.is_date(t):
        return pa.timestamp("us", tz="UTC")
    return want


def normalized(reader: pa.RecordBatchReader, target: pa.Schema | None = None) -> pa.RecordBatchReader:
    """`reader` with each column cast to a type Sift stores (to the table's, when appending);
    casts that lose data raise pyarrow's error."""
    names = {f.name: f for f in target} if target is not None else {}
    fields = [pa.field(f.name, _target(f, names.get(f.name)), nullable=f.nullable, metadata=f.metadata) for f in reader.schema]
    schema = pa.schema(fields, metadata=reader.schema.metadata)
    if schema.equals(reader.schema):
        return reader

    def batches():
        for batch in reader:
            columns = [c if c.type == f.type else c.cast(f.type) for c, f in zip(batch.columns, fields)]
            yield pa.RecordBatch.from_arrays(columns, schema=schema)

    return pa.RecordBatchReader.from_batches(schema, batches())
