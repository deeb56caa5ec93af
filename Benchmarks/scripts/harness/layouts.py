"""Builds the same rows in every layout the report compares: Sift tables (arrival order or
clustered, with or without bloom filters) and the peers (Parquet written by pyarrow in arrival
order, the same with bloom filters, a Delta table z-ordered by delta-rs, Parquet sorted by a
Morton key over rank-bucketed columns). Every layout uses zstd; the peers use row groups of
131,072 rows and Sift its defaults, so what differs is the order of the rows and the indexes."""
import os
import shutil
import subprocess
import time

import pyarrow.compute as pc
import pyarrow.parquet as pq

ROW_GROUP_ROWS = 131072
TARGET_FILE_MB = 64


def parquet_files(root):
    """The Parquet files a layout wrote into `root`, in name order."""
    return sorted(os.path.join(root, f) for f in os.listdir(root))


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
        self.files = parquet_files(root)
        return time.monotonic() - started

    def reuse(self, root, seconds):
        self.files = parquet_files(root)
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


class MortonParquetLayout:
    """Parquet sorted by a correct Morton key over rank-bucketed columns, as Spark-Delta's
    `OPTIMIZE ZORDER BY` builds it: each column's values mapped to one of 1,000 range ids by
    their quantiles (equal values share an id; exact quantiles here, where Spark samples), the
    ids' bits interleaved from the most significant down, first column first. `per_day` sorts
    within each day (one file a day, as a day-partitioned table); otherwise the whole table is
    sorted and cut into files of ~64 MiB (time pruning then rests on row-group statistics)."""

    RANGES = 1000
    BITS = 10  # 2^10 >= RANGES
    GLOBAL_FILE_ROWS = 12 * ROW_GROUP_ROWS

    def __init__(self, name, columns, per_day, bloom_columns=()):
        self.name, self.columns, self.per_day, self.bloom_columns = name, list(columns), per_day, list(bloom_columns)
        self.kind = "parquet"

    def morton_sql(self):
        """The key: bit i of column k's range id goes to bit (i * ncols + ncols - 1 - k)."""
        n = len(self.columns)
        # Parenthesised: SQL gives <<, >>, & and | one precedence, left to right.
        terms = [f"(((r{k} >> {i}) & 1) << {i * n + n - 1 - k})" for i in range(self.BITS) for k in range(n)]
        return " | ".join(terms)

    def build(self, table, root):
        import duckdb
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        started = time.monotonic()
        con = duckdb.connect()
        con.register("src", table)
        total = table.num_rows
        joins, selects = [], []
        for k, c in enumerate(self.columns):
            con.execute(f"""CREATE TABLE rank{k} AS SELECT v, CAST(floor((sum(n) OVER (ORDER BY v) - n) * {self.RANGES} / {total}) AS BIGINT) AS r{k}
                            FROM (SELECT {c} AS v, count(*) AS n FROM src GROUP BY 1)""")
            joins.append(f"LEFT JOIN rank{k} ON src.{c} IS NOT DISTINCT FROM rank{k}.v")
            selects.append(f"coalesce(r{k}, 0) AS r{k}")
        con.execute(f"CREATE TABLE keyed AS SELECT src.*, {', '.join(selects)} FROM src {' '.join(joins)}")
        con.execute(f"CREATE TABLE sorted AS SELECT * EXCLUDE ({', '.join(f'r{k}' for k in range(len(self.columns)))}), "
                    f"{self.morton_sql()} AS z FROM keyed")
        con.execute("DROP TABLE keyed")
        blooms = {c: {"ndv": ROW_GROUP_ROWS, "fpp": 0.01} for c in self.bloom_columns} or None
        if self.per_day:
            for (day,) in con.execute("SELECT DISTINCT day FROM sorted ORDER BY 1").fetchall():
                part = con.sql(f"SELECT * EXCLUDE (day, z) FROM sorted WHERE day = '{day}' ORDER BY z").to_arrow_table()
                pq.write_table(part, os.path.join(root, f"day={day}.parquet"), compression="zstd",
                               row_group_size=ROW_GROUP_ROWS, bloom_filter_options=blooms)
        else:
            whole = con.sql("SELECT * EXCLUDE (day, z) FROM sorted ORDER BY z").to_arrow_table()
            for i, start in enumerate(range(0, whole.num_rows, self.GLOBAL_FILE_ROWS)):
                pq.write_table(whole.slice(start, self.GLOBAL_FILE_ROWS), os.path.join(root, f"part-{i:04d}.parquet"),
                               compression="zstd", row_group_size=ROW_GROUP_ROWS, bloom_filter_options=blooms)
        con.close()
        self.files = parquet_files(root)
        return time.monotonic() - started

    def reuse(self, root, seconds):
        self.files = parquet_files(root)
        return seconds
