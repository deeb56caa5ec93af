package io.sift.spark;

import java.util.List;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One Spark task: the {@code sift query --units} document of its share of the plan (the
 * version planned, its units, its index among the plan's tasks), and how to run the query.
 */
final class SiftPartition implements InputPartition {
    private static final long serialVersionUID = 1L;

    final SiftOptions options;
    final List<String> columns;
    /** Spark needs only the row count (the one column read is not handed over). */
    final boolean countOnly;
    /** count(*) pushed down: the task returns one row of this many copies of its count. */
    final int counts;
    final String where;
    final long version;
    final String unitsDocument;

    /**
     * Starts this task's {@code sift query} ({@code args} say what it prints) with the task's
     * units document on standard input. Under time travel it reads the version the driver
     * planned (a time option was resolved to it once, there).
     */
    SiftProcess startQuery(String... args) {
        List<String> command = options.command("query", where, options.asOf == null ? null : Long.toString(version), args);
        command.addAll(List.of("--units", "-", "--threads", Integer.toString(options.threads)));
        return SiftProcess.start(options.siftBin, command, unitsDocument.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    SiftPartition(SiftOptions options, List<String> columns, boolean countOnly, int counts, String where, long version,
                  String unitsDocument) {
        this.counts = counts;
        this.options = options;
        this.columns = List.copyOf(columns);
        this.countOnly = countOnly;
        this.where = where;
        this.version = version;
        this.unitsDocument = unitsDocument;
    }
}
