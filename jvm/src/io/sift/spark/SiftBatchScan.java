package io.sift.spark;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.connector.read.SupportsReportStatistics;
import org.apache.spark.sql.types.StructType;

/**
 * A planned scan: {@code sift plan} on the driver, its units grouped into tasks of about
 * {@code target_partition_bytes} of the query's columns (a unit larger than that is split by row
 * groups), as the Python source does.
 */
final class SiftBatchScan implements Scan, Batch, SupportsReportStatistics {
    private final SiftOptions options;
    private final StructType schema;
    private final List<String> columns;
    private final String where;
    private final TableDescription description;
    /** Spark asks more than once per query; one plan (one `sift plan`) answers every time. */
    private InputPartition[] planned;
    /** The plan's upper bounds: rows and bytes of the units left (for Spark's join choices). */
    private long plannedRows, plannedBytes;
    /** The planner's skip report, for Spark's metrics of the scan. */
    private CustomTaskMetric[] plannedMetrics = new CustomTaskMetric[0];

    /** The scan answers count(*): each task returns one row of its count (in each column). */
    private final boolean counting;

    SiftBatchScan(SiftOptions options, StructType schema, List<String> columns, String where, TableDescription description,
                  boolean counting) {
        this.counting = counting;
        this.options = options;
        this.schema = schema;
        this.columns = columns;
        this.where = where;
        this.description = description;
    }

    @Override
    public StructType readSchema() {
        return schema;
    }

    @Override
    public String description() {
        return "sift " + options.path + (where == null ? "" : " where " + where) + (counting ? " count(*)" : "");
    }

    @Override
    public Batch toBatch() {
        return this;
    }

    /** The columns Sift reads: Spark's, or one narrow column when Spark needs only a row count. */
    List<String> readColumns() {
        if (!columns.isEmpty()) return columns;
        String narrowest = null;
        for (var e : description.kinds.entrySet()) {
            if (narrowest == null || width(e.getValue()) < width(description.kinds.get(narrowest))) narrowest = e.getKey();
        }
        return List.of(narrowest);
    }

    private static int width(String kind) {
        switch (kind) {
            case "bool": return 1;
            case "uint16": return 2;
            case "int32": case "uint32": case "ipv4": return 4;
            case "int64": case "float64": case "timestamp": return 8;
            default: return 16;
        }
    }

    @Override
    public synchronized InputPartition[] planInputPartitions() {
        if (planned == null) planned = plan();
        return planned.clone();
    }

    @Override
    public CustomMetric[] supportedCustomMetrics() {
        return SiftMetrics.supported();
    }

    /** The planner's skip report (Spark posts it once the scan's tasks are planned). */
    @Override
    public synchronized CustomTaskMetric[] reportDriverMetrics() {
        return plannedMetrics.clone();
    }

    /**
     * What the plan leaves, at most: the rows and bytes of the units Sift could not rule out.
     * A needle's few units make Spark broadcast it into a join instead of shuffling both sides.
     */
    @Override
    public synchronized Statistics estimateStatistics() {
        if (planned == null) planned = plan();
        final long rows = plannedRows, bytes = plannedBytes;
        return new Statistics() {
            @Override
            public java.util.OptionalLong sizeInBytes() {
                return java.util.OptionalLong.of(bytes);
            }

            @Override
            public java.util.OptionalLong numRows() {
                return java.util.OptionalLong.of(rows);
            }
        };
    }

    private InputPartition[] plan() {
        List<String> read = readColumns();
        JsonNode plan = SiftProcess.run(options.siftBin, options.command("plan", where, options.asOf, "--columns", String.join(",", read)));
        plannedMetrics = SiftMetrics.of(plan);
        for (JsonNode unit : plan.get("units")) {
            plannedRows += unit.get("rows").asLong();
            plannedBytes += unit.get("bytes").asLong();
        }
        List<List<JsonNode>> tasks = group(plan.get("units"), taskBytes(plan.get("units")), cores());
        if (options.explain) System.err.println(explainLine(plan, tasks.size()));
        long version = plan.get("version").asLong();
        if (tasks.isEmpty() && options.asOf == null) {
            // Spark keeps a DataFrame's planned tasks: one task that reads nothing unless the
            // table has moved on since this plan (then it plans again: `sift query --units`).
            tasks.add(new ArrayList<>());
        }
        InputPartition[] partitions = new InputPartition[tasks.size()];
        for (int i = 0; i < tasks.size(); i++) {
            ObjectNode doc = SiftProcess.JSON.createObjectNode();
            doc.put("version", version);
            ArrayNode units = doc.putArray("units");
            tasks.get(i).forEach(units::add);
            doc.put("index", i);
            doc.put("count", tasks.size());
            partitions[i] = new SiftPartition(options, read, columns.isEmpty(), counting ? schema.size() : 0, where, version,
                    doc.toString());
        }
        return partitions;
    }

    /**
     * Bytes per task: {@code target_partition_bytes}; for a scan without a predicate no more than
     * an even share of the plan per core Spark has (and no less than 4 MiB), so a scan of a few
     * narrow columns still keeps every core busy, as Spark sizes its own file splits. With a
     * predicate the units' bytes overstate the read (pages and page filters prune inside them:
     * a needle's 31 MiB of row groups reads 1.7 MiB), and a task per core costs more than it saves.
     */
    private long taskBytes(JsonNode units) {
        if (where != null) return options.targetPartitionBytes;
        long total = 0;
        for (JsonNode u : units) total += u.get("bytes").asLong();
        int cores = cores();
        return Math.min(options.targetPartitionBytes, Math.max(4L << 20, (total + cores - 1) / cores));
    }

    /** The cores Spark runs tasks on (its default parallelism); 1 when planning outside a session. */
    private static int cores() {
        try {
            return Math.max(1, org.apache.spark.sql.SparkSession.active().sparkContext().defaultParallelism());
        } catch (RuntimeException noSession) {
            return 1;
        }
    }

    /**
     * Units into tasks of about {@code target} bytes, in plan order, balanced by bytes. When that
     * makes more tasks than {@code cores}, their number is rounded down to whole waves of
     * {@code cores} (each task then a little over the target): three tasks on two cores end in
     * two rounds, the third alone on one core, where two tasks of half the plan end in one and a
     * half (a busy host's 447k rows, 20M-row table, two workers: 490 ms in three tasks, 397 ms in
     * two). A unit larger than a task's share is split by row groups (bytes spread evenly).
     */
    static List<List<JsonNode>> group(JsonNode units, long target, int cores) {
        long total = 0;
        for (JsonNode unit : units) total += Math.max(0, unit.get("bytes").asLong());
        List<List<JsonNode>> tasks = new ArrayList<>();
        if (units.size() == 0) return tasks;
        long count = Math.max(1, (total + target - 1) / Math.max(1, target));
        if (count > cores) count = count / cores * cores;
        long share = Math.max(1, (total + count - 1) / count);
        // Each piece goes to the task its middle byte falls in, so tasks are runs of the plan
        // of about `share` bytes each (a task no piece's middle fell in is dropped).
        long before = 0;
        for (JsonNode unit : units) {
            JsonNode groups = unit.get("row_groups");
            int n = Math.max(groups.size(), 1);
            double perGroup = Math.max(0, unit.get("bytes").asDouble()) / n;
            int step = (int) Math.max(1, Math.floor(share / Math.max(perGroup, 1)));
            for (int i = 0; i < groups.size(); i += step) {
                ObjectNode piece = ((ObjectNode) unit).deepCopy();
                ArrayNode slice = piece.putArray("row_groups");
                int end = Math.min(groups.size(), i + step);
                for (int g = i; g < end; g++) slice.add(groups.get(g));
                long bytes = (long) (perGroup * (end - i));
                piece.put("bytes", bytes);
                long middle = before + bytes / 2;
                int task = (int) Math.min(count - 1, total == 0 ? 0 : middle * count / total);
                while (tasks.size() <= task) tasks.add(new ArrayList<>());
                tasks.get(task).add(piece);
                before += bytes;
            }
        }
        tasks.removeIf(List::isEmpty);
        return tasks;
    }

    /** What Sift's planner skipped, in the words of the Python source's explain line. */
    private String explainLine(JsonNode plan, int tasks) {
        JsonNode r = plan.get("report");
        long read = r.get("bytes_read").asLong(), total = r.get("bytes_total").asLong();
        JsonNode skipped = r.get("files_skipped_by");
        int groups = 0;
        for (JsonNode u : plan.get("units")) groups += u.get("row_groups").size();
        return String.format("sift: %s version %d, where %s: %d files, %d skipped by partition, %d by file statistics, "
                + "%d by the table index, %d opened; row groups %d of %d in opened files left (skipped by min_max %d, bloom %d); "
                + "planning read %d of %d bytes (%.3f%%); %d units in %d tasks%s",
                options.path, plan.get("version").asLong(), where == null ? "(none)" : where, r.get("files_total").asLong(),
                skipped.get("partition").asLong(), skipped.get("file_stats").asLong(), skipped.path("table_index").asLong(),
                r.get("files_read").asLong(), groups, r.get("row_groups_total").asLong(),
                r.get("row_groups_skipped_by").get("min_max").asLong(), r.get("row_groups_skipped_by").get("bloom").asLong(),
                read, total, total > 0 ? 100.0 * read / total : 0.0, plan.get("units").size(), tasks,
                tasks == 0 && options.asOf == null ? " (and one that only checks the table's version)" : "");
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        return new SiftReaderFactory();
    }
}
