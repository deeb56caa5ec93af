"""Builds the same rows in every layout the report compares: Sift tables (arrival order,
z-order, Hilbert, with and without bloom filters) and the peers (Parquet written by pyarrow in
arrival order, the same with bloom filters, a Delta table z-ordered by delta-rs). Every layout
is partitioned by day, uses zstd and row groups of 131,072 rows, so what differs is the order
of the rows and the indexes."""
import os
import shutil
import subprocess
import time

import pyarrow.compute as pc
import pyarrow.parquet as pq

ROW_GROUP_ROWS = 131072
TARGET_FILE_MB = 64


class SiftLayout:
    def __init__(self, name, cluster=None, blooms=True):
        self.name, self.cluster, self.blooms = name, cluster, blooms
        self.kind = "sift"

    def build(self, sift, root, ndjson, sample):
        """Creates the table, appends the rows (arrival order) and, when clustered, rewrites
        every file in clustering order. Returns seconds spent."""
        shutil.rmtree(root, ignore_errors=True)
        started = time.monotonic()
        create = [sift, "table", "create", root, "--infer-from", sample, "--partition-by", "date(ts)"]
        if self.cluster:
            create += ["--cluster-by", self.cluster]
        if not self.blooms:
            create += ["--bloom", "none"]
        subprocess.run(create, check=True, stderr=subprocess.DEVNULL)
        subprocess.run([sift, "table", "append", root, ndjson], check=True, stderr=subprocess.DEVNULL)
        if self.cluster:
            subprocess.run([sift, "table", "optimize", root, "--full", "--target-file-mb", str(TARGET_FILE_MB)],
                           check=True, stderr=subprocess.DEVNULL)
        self.root = root
        return time.monotonic() - started

    def reuse(self, root, seconds):
        self.root = root
        return seconds


class ParquetLayout:
    """One Parquet file per day (pyarrow, zstd), rows in arrival order."""

    def __init__(self, name, bloom_columns=()):
        self.name, self.bloom_columns = name, list(bloom_columns)
        self.kind = "parquet"

    def build(self, table, root):
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        started = time.monotonic()
        blooms = {c: {"ndv": ROW_GROUP_ROWS, "fpp": 0.01} for c in self.bloom_columns} or None
        for day in sorted(pc.unique(table["day"]).to_pylist()):
            part = table.filter(pc.equal(table["day"], day)).drop_columns(["day"])
            pq.write_table(part, os.path.join(root, f"day={day}.parquet"), compression="zstd",
                           row_group_size=ROW_GROUP_ROWS, bloom_filter_options=blooms)
        self.files = sorted(os.path.join(root, f) for f in os.listdir(root))
        return time.monotonic() - started

    def reuse(self, root, seconds):
        self.files = sorted(os.path.join(root, f) for f in os.listdir(root))
        return seconds


class DeltaLayout:
    """A Delta table partitioned by day, z-ordered by delta-rs (OPTIMIZE ZORDER BY)."""

    def __init__(self, name, zorder):
        self.name, self.zorder = name, zorder
        self.kind = "delta"

    def build(self, table, root):
        from deltalake import DeltaTable, WriterProperties, write_deltalake
        shutil.rmtree(root, ignore_errors=True)
        started = time.monotonic()
        props = WriterProperties(max_row_group_size=ROW_GROUP_ROWS, compression="ZSTD")
        write_deltalake(root, table, partition_by=["day"], writer_properties=props)
        dt = DeltaTable(root)
        dt.optimize.z_order(self.zorder, target_size=TARGET_FILE_MB << 20, writer_properties=props)
        self.reuse(root, 0)
        return time.monotonic() - started

    def reuse(self, root, seconds):
        from deltalake import DeltaTable
        self.files = sorted(u.removeprefix("file://") for u in DeltaTable(root).file_uris())
        return seconds
