package io.sift.spark;

import java.util.ArrayList;
import java.util.List;

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

    /** Files in the snapshot planned. */
    public static final class FilesTotal extends CustomSumMetric {
        public FilesTotal() {}
        @Override public String name() { return "sift_files_total"; }
        @Override public String description() { return "sift: files in the table"; }
    }

    /** Files ruled out by partition values. */
    public static final class FilesSkippedByPartition extends CustomSumMetric {
        public FilesSkippedByPartition() {}
        @Override public String name() { return "sift_files_skipped_partition"; }
        @Override public String description() { return "sift: files skipped by partition"; }
    }

    /** Files ruled out by the log's per-file statistics. */
    public static final class FilesSkippedByFileStats extends CustomSumMetric {
        public FilesSkippedByFileStats() {}
        @Override public String name() { return "sift_files_skipped_file_stats"; }
        @Override public String description() { return "sift: files skipped by file statistics"; }
    }

    /** Files ruled out by the table index without opening them. */
    public static final class FilesSkippedByTableIndex extends CustomSumMetric {
        public FilesSkippedByTableIndex() {}
        @Override public String name() { return "sift_files_skipped_table_index"; }
        @Override public String description() { return "sift: files skipped by the table index"; }
    }

    /** Files whose footers planning opened. */
    public static final class FilesOpened extends CustomSumMetric {
        public FilesOpened() {}
        @Override public String name() { return "sift_files_opened"; }
        @Override public String description() { return "sift: files opened by planning"; }
    }

    /** Row groups left to read after min/max and bloom filters. */
    public static final class RowGroupsLeft extends CustomSumMetric {
        public RowGroupsLeft() {}
        @Override public String name() { return "sift_row_groups_left"; }
        @Override public String description() { return "sift: row groups left to read"; }
    }

    /** Bytes planning read (footers, bloom filters, the table index). */
    public static final class PlanningBytesRead extends CustomSumMetric {
        public PlanningBytesRead() {}
        @Override public String name() { return "sift_planning_bytes_read"; }
        @Override public String description() { return "sift: bytes read by planning"; }
    }

    /** Every metric the scan declares. */
    static CustomMetric[] supported() {
        return new CustomMetric[] {new FilesTotal(), new FilesSkippedByPartition(), new FilesSkippedByFileStats(),
                new FilesSkippedByTableIndex(), new FilesOpened(), new RowGroupsLeft(), new PlanningBytesRead()};
    }

    /** The driver's values, from a plan of {@code sift plan}. */
    static CustomTaskMetric[] of(JsonNode plan) {
        JsonNode r = plan.get("report"), skipped = r.get("files_skipped_by");
        long groups = 0;
        for (JsonNode u : plan.get("units")) groups += u.get("row_groups").size();
        List<CustomTaskMetric> out = new ArrayList<>();
        out.add(value(new FilesTotal(), r.get("files_total").asLong()));
        out.add(value(new FilesSkippedByPartition(), skipped.get("partition").asLong()));
        out.add(value(new FilesSkippedByFileStats(), skipped.get("file_stats").asLong()));
        out.add(value(new FilesSkippedByTableIndex(), skipped.path("table_index").asLong()));
        out.add(value(new FilesOpened(), r.get("files_read").asLong()));
        out.add(value(new RowGroupsLeft(), groups));
        out.add(value(new PlanningBytesRead(), r.get("bytes_read").asLong()));
        return out.toArray(new CustomTaskMetric[0]);
    }

    private static CustomTaskMetric value(CustomMetric metric, long v) {
        return new CustomTaskMetric() {
            @Override public String name() { return metric.name(); }
            @Override public long value() { return v; }
        };
    }
}
