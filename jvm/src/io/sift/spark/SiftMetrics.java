package io.sift.spark;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * What Sift's planner skipped, as metrics of the scan node in Spark's SQL tab (and in the
 * executed plan's metrics): the skip report of {@code sift query --explain} next to Spark's own
 * numbers. Spark creates each metric class by name to add values up, hence one public class with
 * a public constructor per metric.
 */
public final class SiftMetrics {
    private SiftMetrics() {}

    /** A summed metric with its name and description. */
    abstract static class Sum extends CustomSumMetric {
        private final String name, description;

        Sum(String name, String description) {
            this.name = name;
            this.description = description;
        }

        @Override public String name() { return name; }
        @Override public String description() { return description; }
    }

    /** Files in the snapshot planned. */
    public static final class FilesTotal extends Sum {
        public FilesTotal() { super("sift_files_total", "sift: files in the table"); }
    }

    /** Files ruled out by partition values. */
    public static final class FilesSkippedByPartition extends Sum {
        public FilesSkippedByPartition() { super("sift_files_skipped_partition", "sift: files skipped by partition"); }
    }

    /** Files ruled out by the log's per-file statistics. */
    public static final class FilesSkippedByFileStats extends Sum {
        public FilesSkippedByFileStats() { super("sift_files_skipped_file_stats", "sift: files skipped by file statistics"); }
    }

    /** Files ruled out by the table index without opening them. */
    public static final class FilesSkippedByTableIndex extends Sum {
        public FilesSkippedByTableIndex() { super("sift_files_skipped_table_index", "sift: files skipped by the table index"); }
    }

    /** Files whose footers planning opened. */
    public static final class FilesOpened extends Sum {
        public FilesOpened() { super("sift_files_opened", "sift: files opened by planning"); }
    }

    /** Row groups left to read after min/max and bloom filters. */
    public static final class RowGroupsLeft extends Sum {
        public RowGroupsLeft() { super("sift_row_groups_left", "sift: row groups left to read"); }
    }

    /** Bytes planning read (footers, bloom filters, the table index). */
    public static final class PlanningBytesRead extends Sum {
        public PlanningBytesRead() { super("sift_planning_bytes_read", "sift: bytes read by planning"); }
    }

    /** Every metric the scan declares. */
    static CustomMetric[] supported() {
        return new CustomMetric[] {new FilesTotal(), new FilesSkippedByPartition(), new FilesSkippedByFileStats(),
                new FilesSkippedByTableIndex(), new FilesOpened(), new RowGroupsLeft(), new PlanningBytesRead()};
    }

    /** The driver's values, from a plan of {@code sift plan}, in the order of {@link #supported()}. */
    static CustomTaskMetric[] of(JsonNode plan) {
        JsonNode r = plan.get("report"), skipped = r.get("files_skipped_by");
        long groups = 0;
        for (JsonNode u : plan.get("units")) groups += u.get("row_groups").size();
        long[] values = {r.get("files_total").asLong(), skipped.get("partition").asLong(), skipped.get("file_stats").asLong(),
                skipped.path("table_index").asLong(), r.get("files_read").asLong(), groups, r.get("bytes_read").asLong()};
        CustomMetric[] metrics = supported();
        CustomTaskMetric[] out = new CustomTaskMetric[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            String name = metrics[i].name();
            long value = values[i];
            out[i] = new CustomTaskMetric() {
                @Override public String name() { return name; }
                @Override public long value() { return value; }
            };
        }
        return out;
    }
}
