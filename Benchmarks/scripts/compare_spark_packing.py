"""The Python source's task packing before and after spec/arrow.md §8.3's rule (balanced by
bytes, whole rounds of the cores, unpredicated scans spread over the cores), interleaved in one
Spark session on the project's cluster: `siftold` is the greedy in-order packing it replaced.

    .venv/bin/python Benchmarks/scripts/compare_spark_packing.py SIFT_TABLE MASTER_URL RUNS BUSY_SRC_IP
"""
import os, sys, time, statistics
os.environ["PYSPARK_PYTHON"] = sys.executable
from pyspark.sql import SparkSession, functions as F
import sift
from sift.spark import register, SiftDataSource, SiftReader, SiftPartition, _explain_line

TABLE = sys.argv[1]; MASTER = sys.argv[2]; RUNS = int(sys.argv[3])

class OldReader(SiftReader):
    def partitions(self):  # the packing before this change: greedy, in order, no cores
        t = sift.open(self.path, as_of=self.version)
        plan = t.plan(self.where(), self.columns)
        target = int(self.options.get("target_partition_bytes", 64 << 20))
        tasks, size = [], 0
        for unit in plan["units"]:
            groups = unit["row_groups"]
            per_group = unit["bytes"] / max(len(groups), 1)
            step = max(1, int(target // max(per_group, 1)))
            for i in range(0, len(groups), step):
                piece = dict(unit, row_groups=groups[i:i + step], bytes=int(per_group * len(groups[i:i + step])))
                if not tasks or size + piece["bytes"] > target:
                    tasks.append([]); size = 0
                tasks[-1].append(piece); size += piece["bytes"]
        tasks = tasks or [[]]
        return [SiftPartition(plan["version"], self.where(), units, i, len(tasks)) for i, units in enumerate(tasks)]

class OldSource(SiftDataSource):
    @classmethod
    def name(cls): return "siftold"
    def reader(self, schema): return OldReader(self._path(), dict(self.options), schema)

s = (SparkSession.builder.master(MASTER).appName("waves")
     .config("spark.sql.python.filterPushdown.enabled", "true").config("spark.sql.session.timeZone", "UTC")
     .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
     .config("spark.ui.enabled", "false").config("spark.executor.memory", "1536m").getOrCreate())
s.sparkContext.setLogLevel("ERROR")
register(s); s.dataSource.register(OldSource)
busy = sys.argv[4]
cases = [
    ("busy host", lambda fmt: s.read.format(fmt).load(TABLE).where(f"src_ip = '{busy}'").write.format("noop").mode("overwrite").save(),
     lambda fmt: s.read.format(fmt).load(TABLE).where(f"src_ip = '{busy}'").rdd.getNumPartitions()),
    ("aggregate, columns", lambda fmt: s.read.format(fmt).option("columns", "proto,bytes_out").load(TABLE).groupBy("proto").agg(F.count("*"), F.sum("bytes_out")).collect(),
     lambda fmt: s.read.format(fmt).option("columns", "proto,bytes_out").load(TABLE).rdd.getNumPartitions()),
    ("dst_port = 53", lambda fmt: s.read.format(fmt).load(TABLE).where("dst_port = 53").write.format("noop").mode("overwrite").save(),
     lambda fmt: s.read.format(fmt).load(TABLE).where("dst_port = 53").rdd.getNumPartitions()),
]
for name, run, tasks in cases:
    for fmt in ("siftold", "sift"):
        for _ in range(2): run(fmt)
    t = {"siftold": [], "sift": []}
    for _ in range(RUNS):
        for fmt in ("siftold", "sift"):
            a = time.perf_counter(); run(fmt); t[fmt].append((time.perf_counter() - a) * 1000)
    print(f"{name:20s} old {statistics.median(t['siftold']):7.0f} ms ({tasks('siftold')} tasks) {sorted(round(x) for x in t['siftold'])}; "
          f"new {statistics.median(t['sift']):7.0f} ms ({tasks('sift')} tasks) {sorted(round(x) for x in t['sift'])}", flush=True)
s.stop()
