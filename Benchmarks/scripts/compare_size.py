"""Sizes of the same rows as Sift and as Parquet written by pyarrow, printed as a table.

Parquet is written the way a user would: pyarrow's JSON reader infers the schema (IPs stay
strings, ISO-8601 timestamps become timestamps), dictionary encoding on, zstd, at pyarrow's
default level and at level 3 (Sift's default), and with 128k-row row groups like Sift's.
"""
import os
import sys
import tempfile

import pyarrow.json as pj
import pyarrow.parquet as pq

ndjson, sift = sys.argv[1], sys.argv[2]
table = pj.read_json(ndjson)
rows = table.num_rows
out = tempfile.mkdtemp()
results = [("NDJSON input", os.path.getsize(ndjson)), ("Sift, zstd level 3 (default)", os.path.getsize(sift))]
for label, kwargs in [
    ("Parquet, zstd (pyarrow default level)", dict(compression="zstd")),
    ("Parquet, zstd level 3", dict(compression="zstd", compression_level=3)),
    ("Parquet, zstd level 3, 128k-row groups", dict(compression="zstd", compression_level=3, row_group_size=131072)),
]:
    path = os.path.join(out, label.replace(" ", "_").replace(",", "") + ".parquet")
    pq.write_table(table, path, **kwargs)
    results.append((label, os.path.getsize(path)))

sift_size = os.path.getsize(sift)
print(f"{rows} rows, schema inferred by each tool\n")
print(f"| file | bytes | bytes/row | Sift / this |")
print(f"|---|---:|---:|---:|")
for label, size in results:
    print(f"| {label} | {size:,} | {size / rows:.1f} | {sift_size / size:.3f} |")
