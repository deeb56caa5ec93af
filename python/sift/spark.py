"""Sift tables in Apache Spark (4.1+), through Spark's Python Data Source API.

    from sift.spark import register
    register(spark)
    df = spark.read.format("sift").load("/data/conn")
    df.where("dst_ip = '203.0.113.7'").show()              # pushed down: Sift plans the tasks
    spark.read.format("sift").option("where", "dst_ip in 203.0.113.0/24").load(path)
    df.write.format("sift").mode("append").option("txn", "etl:42").save("/data/conn")

Reading: Spark's filters that Sift decides exactly are pushed into Sift's predicate (with
`spark.sql.python.filterPushdown.enabled=true`); Sift's planner opens footers and bloom filters
on the driver and Spark gets one task per group of surviving row groups, in whole rounds of its
cores (an absent address: only the one empty task Spark always starts). Writing: each task
writes Sift files of the table and the driver commits every task's files in one commit, or none.
The mapping and the rules are in `spec/arrow.md` §8.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
import math
import os
import sys
from dataclasses import dataclass

from pyspark.sql.datasource import (DataSource, DataSourceArrowWriter, DataSourceReader, EqualNullSafe, EqualTo, GreaterThan,
                                    GreaterThanOrEqual, In, InputPartition, IsNotNull, IsNull, LessThan, LessThanOrEqual, Not,
                                    StringContains, StringEndsWith, StringStartsWith, WriterCommitMessage)
from pyspark.sql.types import (BinaryType, BooleanType, DoubleType, IntegerType, LongType, StringType, StructField, StructType,
                               TimestampType)

import sift

# Sift type -> Spark type. Addresses are their text (dotted quads, RFC 5952): equality pushes
# down, and they print.
_TYPES = {
    "bool": BooleanType(), "int32": IntegerType(), "int64": LongType(), "uint16": IntegerType(), "uint32": LongType(),
    "float64": DoubleType(), "timestamp": TimestampType(), "string": StringType(), "binary": BinaryType(),
    "ipv4": StringType(), "ipv6": StringType(),
}


def _arrow_type(kind: str):
    """The Arrow type Spark takes a Sift column of `kind` as (pyarrow is imported only by the
    tasks that move data; planning needs none of it)."""
    import pyarrow as pa
    return {"bool": pa.bool_(), "int32": pa.int32(), "int64": pa.int64(), "uint16": pa.int32(), "uint32": pa.int64(),
            "float64": pa.float64(), "timestamp": pa.timestamp("us", tz="UTC"), "string": pa.string(), "binary": pa.binary(),
            "ipv4": pa.string(), "ipv6": pa.string()}[kind]


_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1), "uint16": (0, 65535), "uint32": (0, 2**32 - 1)}
_COMPARISONS = {GreaterThan: ">", GreaterThanOrEqual: ">=", LessThan: "<", LessThanOrEqual: "<="}


def register(spark) -> None:
    """Registers the `sift` format with a SparkSession, telling it how many cores the session
    runs tasks on (its default parallelism), so plans are packed in whole rounds of them."""
    try:
        cores = max(1, int(spark.sparkContext.defaultParallelism))
    except Exception:  # Spark Connect has no SparkContext: tasks are packed as for one core
        cores = 1
    # Spark pickles the class it is given and plans in a Python worker: a subclass made here
    # travels by value, so the worker sees the cores (a class attribute set on SiftDataSource
    # itself would not: that class is pickled by name and imported afresh there).
    spark.dataSource.register(type("SiftDataSourceOnCores", (SiftDataSource,), {"cores": cores, "__module__": __name__}))


def jvm_jar() -> str | None:
    """The JVM reader's jar (`format("sift-jvm")`) shipped in this package, for `spark.jars`;
    None when the package was built without it (`make jvm` builds it)."""
    path = os.path.join(os.path.dirname(os.path.abspath(sift.__file__)), "_lib", "sift-spark.jar")
    return path if os.path.exists(path) else None


def _columns_of(info: dict, options) -> list[dict]:
    fields = info["schema"]
    wanted = options.get("columns")
    if not wanted:
        return fields
    names = [c.strip() for c in wanted.split(",") if c.strip()]
    by_name = {f["name"]: f for f in fields}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise sift.InvalidArgument(f"columns option names {missing}; the table has: {', '.join(by_name)}")
    return [by_name[n] for n in names]


def _as_of(options) -> str | None:
    if options.get("version") is not None and options.get("timestamp") is not None:
        raise sift.InvalidArgument("give the version option or the timestamp option, not both")
    return options.get("version") or options.get("timestamp")


class SiftDataSource(DataSource):
    """`spark.read.format("sift")` / `df.write.format("sift")`. Options: `version` or
    `timestamp` (time travel), `columns` (a projection: Spark pushes none to Python sources),
    `where` (a Sift predicate, for what Spark cannot push: CIDRs, OR), `target_partition_bytes`
    (bytes of the query's columns per task, default 64 MiB), `threads` (per task), `explain`
    ("true": the plan's skip report on the driver's standard error); for writes `txn`
    ("APP:VERSION", an idempotent job)."""

    cores = 1  # the session's cores, set by `register`

    @classmethod
    def name(cls) -> str:
        return "sift"

    def _path(self) -> str:
        path = self.options.get("path")
        if not path:
            raise sift.InvalidArgument("give the table folder: spark.read.format('sift').load(PATH)")
        # Executors run in folders of their own: a relative path is resolved here, on the driver.
        return os.path.abspath(path)

    def schema(self):
        t = sift.open(self._path(), as_of=_as_of(self.options))
        fields = _columns_of(t.info, self.options)
        return StructType([StructField(f["name"], _TYPES[f["type"]], f["nullable"]) for f in fields])

    def reader(self, schema):
        return SiftReader(self._path(), dict(self.options), schema, cores=self.cores)

    def writer(self, schema, overwrite: bool):
        return SiftWriter(self._path(), dict(self.options), overwrite)


class SiftPartition(InputPartition):
    """One Spark task: the table version and predicate it was planned for, its units (files
    and row groups), and its place among the plan's tasks (for re-planning, see `read`)."""

    def __init__(self, version, where, units, index: int, count: int):
        super().__init__(None)
        self.version, self.where, self.units, self.index, self.count = version, where, units, index, count


class SiftReader(DataSourceReader):
    def __init__(self, path: str, options: dict, schema: StructType, cores: int = 1):
        self.path = path
        self.options = options
        self.cores = max(1, cores)
        self.columns = [f.name for f in schema.fields]
        t = sift.open(path, as_of=_as_of(options))
        self.version = t.version
        self.types = {f["name"]: f["type"] for f in t.info["schema"]}
        self.pushed: list[str] = []

    # Filters ---------------------------------------------------------------------------------

    def pushFilters(self, filters):
        # Called once per scan with that scan's filters; start from none (a reused reader must
        # not keep another query's predicate).
        self.pushed = []
        for f in filters:
            text = self._translate(f)
            if text is None:
                yield f
            else:
                self.pushed.append(text)

    def _translate(self, f) -> str | None:
        if isinstance(f, Not):
            inner = self._translate(f.child)
            return None if inner is None else f"not ({inner})"
        column = ".".join(f.attribute)
        kind = self.types.get(column)
        if kind is None or not all(c.isalnum() or c in "_.-" for c in column) or column[0].isdigit():
            return None
        if isinstance(f, IsNull):
            return f"{column} is null"
        if isinstance(f, IsNotNull):
            return f"{column} is not null"
        if isinstance(f, EqualNullSafe):
            if f.value is None:
                return f"{column} is null"
            value = _literal(kind, f.value, equality=True)
            return None if value is None else f"{column} = {value}"
        if isinstance(f, EqualTo):
            value = _literal(kind, f.value, equality=True)
            return None if value is None else f"{column} = {value}"
        if isinstance(f, In):
            # x IN (1, NULL) is null, not false, where x is not 1: under NOT that differs from
            # Sift's x IN (1). Spark folds such lists itself; left to it if one comes.
            if any(v is None for v in f.value):
                return None
            values = [_literal(kind, v, equality=True) for v in f.value]
            if not values or any(v is None for v in values):
                return None
            return f"{column} in ({', '.join(values)})"
        if type(f) in _COMPARISONS:
            value = _literal(kind, f.value, equality=False)
            return None if value is None else f"{column} {_COMPARISONS[type(f)]} {value}"
        if isinstance(f, (StringStartsWith, StringEndsWith, StringContains)) and kind == "string":
            word = {StringStartsWith: "starts_with", StringEndsWith: "ends_with", StringContains: "contains"}[type(f)]
            return f"{column} {word} {_quote(f.value)}"
        return None

    def where(self) -> str | None:
        parts = list(self.pushed)
        if self.options.get("where"):
            parts.append(f"({self.options['where']})")
        return " and ".join(parts) if parts else None

    # Planning --------------------------------------------------------------------------------

    def partitions(self):
        t = sift.open(self.path, as_of=self.version)
        plan = t.plan(self.where(), self.columns)
        tasks = pack_units(plan["units"], self._task_bytes(plan["units"]), self.cores)
        if self.options.get("explain", "false").lower() == "true":
            # Planning runs in a Python worker of the driver; its standard error is the driver's.
            print(_explain_line(self.path, plan, len(tasks), self.where()), file=sys.stderr, flush=True)
        # Spark runs one task even for an empty plan; make it ours, so it can tell a stale plan.
        tasks = tasks or [[]]
        return [SiftPartition(plan["version"], self.where(), units, i, len(tasks)) for i, units in enumerate(tasks)]

    def _task_bytes(self, units) -> int:
        """`target_partition_bytes`; for a scan without a predicate no more than an even share of
        the plan per core (and no less than 4 MiB), so a scan of a few narrow columns keeps every
        core busy. With a predicate the units' bytes overstate the read (pages and page filters
        prune inside them), and a task per core would cost more than it saves."""
        target = int(self.options.get("target_partition_bytes", 64 << 20))
        if self.where() is not None:
            return target
        total = sum(u["bytes"] for u in units)
        return min(target, max(4 << 20, -(-total // self.cores)))

    # Reading ---------------------------------------------------------------------------------

    def read(self, partition: SiftPartition):
        where = self.where()
        pinned = _as_of(self.options) is not None
        t = sift.open(self.path, as_of=partition.version if pinned else None)
        units = partition.units
        if t.version != partition.version or partition.where != where:
            # Spark 4.3 keeps a DataFrame's planned partitions: run again after the table
            # changed (or with another predicate), they describe an older plan. Plan afresh
            # here, deterministically, and take this task's share of the new units, so the
            # tasks together still read every unit of the current version exactly once.
            units = t.plan(where, self.columns)["units"][partition.index::partition.count]
        if not units:
            return
        threads = int(self.options.get("threads", 1))
        scan = t.scan(where, self.columns, units=units, threads=threads, ips="text")
        import pyarrow as pa
        target = pa.schema([(c, _arrow_type(self.types[c])) for c in self.columns])
        for batch in scan.to_reader():
            yield batch.cast(target) if batch.schema != target else batch


def pack_units(units: list[dict], target: int, cores: int) -> list[list[dict]]:
    """A plan's units packed into tasks of about `target` bytes, in plan order, balanced by bytes
    (`spec/arrow.md` §8.3; the JVM reader packs the same way). A unit is split by row groups
    where it is larger than a task. When that makes more tasks than `cores`, their number is
    rounded down to whole rounds of the cores (each task a little over the target): three tasks
    on two cores would end with one core idle while the third runs."""
    total = sum(max(0, u["bytes"]) for u in units)
    if not units:
        return []
    count = max(1, -(-total // max(1, target)))
    if count > cores:
        count = count // cores * cores
    share = max(1, -(-total // count))
    tasks: list[list[dict]] = [[] for _ in range(count)]
    before = 0
    for unit in units:
        groups = unit["row_groups"]
        per_group = max(0, unit["bytes"]) / max(len(groups), 1)
        step = max(1, int(share // max(per_group, 1)))
        for i in range(0, len(groups), step):
            piece = dict(unit, row_groups=groups[i:i + step], bytes=int(per_group * len(groups[i:i + step])))
            # Each piece goes to the task its middle byte falls in: tasks are runs of the plan of
            # about `share` bytes each.
            middle = before + piece["bytes"] // 2
            tasks[min(count - 1, middle * count // total if total else 0)].append(piece)
            before += piece["bytes"]
    return [task for task in tasks if task]


def _explain_line(path: str, plan: dict, tasks: int, where: str | None) -> str:
    """What Sift's planner skipped for a Spark scan, in the words of `sift query --explain`."""
    r = plan["report"]
    percent = 100 * r["bytes_read"] / r["bytes_total"] if r["bytes_total"] else 0
    skipped = r["files_skipped_by"]
    return (f"sift: {path} version {plan['version']}, where {where or '(none)'}: {r['files_total']} files, "
            f"{skipped['partition']} skipped by partition, {skipped['file_stats']} by file statistics, "
            f"{skipped.get('table_index', 0)} by the table index, {r['files_read']} opened; "
            f"row groups {sum(len(u['row_groups']) for u in plan['units'])} of {r['row_groups_total']} in opened files left "
            f"(skipped by min_max {r['row_groups_skipped_by']['min_max']}, bloom {r['row_groups_skipped_by']['bloom']}); "
            f"planning read {r['bytes_read']} of {r['bytes_total']} bytes ({percent:.3f}%); {len(plan['units'])} units in {tasks} tasks")


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _literal(kind: str, value, *, equality: bool) -> str | None:
    """A Spark literal as a Sift literal for a column of `kind`, or None where Sift would not
    decide the comparison exactly as Spark does (then Spark keeps the filter)."""
    if value is None:
        return None
    if kind in _INT_RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        lo, hi = _INT_RANGES[kind]
        return str(value) if lo <= value <= hi else None
    if kind == "float64":
        # Spark orders NaN above every number and equal to itself; Sift follows IEEE. Only
        # equality with a finite number means the same in both.
        if not equality or isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if not math.isfinite(value):
            return None
        text = repr(float(value))
        return text if "e" not in text else None
    if kind == "bool":
        return ("true" if value else "false") if isinstance(value, bool) and equality else None
    if kind == "timestamp":
        if not isinstance(value, dt.datetime):
            return None
        moment = value.astimezone(dt.timezone.utc)  # naive datetimes are local time, as Spark hands them
        return _quote(moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    if kind == "string":
        return _quote(value) if isinstance(value, str) else None
    if kind in ("ipv4", "ipv6"):
        # Spark compares the text; Sift compares addresses. They agree on equality when the
        # literal is the text Sift shows for that address (ranges on text do not agree).
        if not equality or not isinstance(value, str):
            return None
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return None
        if kind == "ipv4" and address.version != 4:
            return None
        if address.version == 6 and address.ipv4_mapped is not None:
            return None  # Sift shows mapped addresses dotted
        return str(address) if str(address) == value else None
    return None


@dataclass
class SiftCommitMessage(WriterCommitMessage):
    files: list


class SiftWriter(DataSourceArrowWriter):
    """Each task writes data files of the table; the driver commits them all at once."""

    def __init__(self, path: str, options: dict, overwrite: bool):
        self.path = path
        self.options = options
        self.overwrite = overwrite
        sift.open(path).close()  # fail on the driver, before any task, if it is not a table

    def write(self, iterator):
        import pyarrow as pa
        batches = list(iterator)
        if not batches:
            return SiftCommitMessage(files=[])
        reader = pa.RecordBatchReader.from_batches(batches[0].schema, batches)
        return SiftCommitMessage(files=sift.write_files(self.path, reader)["files"])

    def commit(self, messages):
        files = [f for m in messages if m is not None for f in m.files]
        result = sift.commit_files(self.path, files, txn=self.options.get("txn"), mode="overwrite" if self.overwrite else "append")
        if result.get("already_applied"):
            self._remove(files)  # a retried job: its first run committed; these are spare copies

    def abort(self, messages):
        # Nothing was committed: the files of the tasks that finished are removed now (those of
        # tasks that died mid-write were never renamed into place; vacuum covers the rest).
        self._remove([f for m in messages if m is not None for f in m.files])

    def _remove(self, files):
        root = os.path.realpath(self.path)
        for f in files:
            target = os.path.realpath(os.path.join(root, f["path"]))
            if target.startswith(root + os.sep) and os.path.isfile(target):
                os.remove(target)
