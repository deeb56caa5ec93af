package io.sift.spark;

import java.io.File;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The options of one read, checked on the driver: the table's absolute path (executors run in
 * folders of their own), time travel, the {@code where} and {@code columns} options, task sizing,
 * and where the {@code sift} command is.
 */
final class SiftOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    final String path;
    /** A version number or ISO-8601 time ({@code version} / {@code timestamp}), or null. */
    final String asOf;
    final String where;
    final List<String> columns;
    final long targetPartitionBytes;
    final int threads;
    final boolean explain;
    final String siftBin;

    private SiftOptions(String path, String asOf, String where, List<String> columns, long targetPartitionBytes, int threads,
                        boolean explain, String siftBin) {
        this.path = path;
        this.asOf = asOf;
        this.where = where;
        this.columns = columns;
        this.targetPartitionBytes = targetPartitionBytes;
        this.threads = threads;
        this.explain = explain;
        this.siftBin = siftBin;
    }

    static SiftOptions from(CaseInsensitiveStringMap options) {
        String path = options.get("path");
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("give the table folder: spark.read.format(\"sift-jvm\").load(PATH)");
        }
        String version = options.get("version"), timestamp = options.get("timestamp");
        if (version != null && timestamp != null) {
            throw new IllegalArgumentException("give the version option or the timestamp option, not both");
        }
        List<String> columns = null;
        String wanted = options.get("columns");
        if (wanted != null && !wanted.trim().isEmpty()) {
            columns = new ArrayList<>();
            for (String c : wanted.split(",")) {
                if (!c.trim().isEmpty()) columns.add(c.trim());
            }
        }
        String where = options.get("where");
        return new SiftOptions(new File(path).getAbsolutePath(), version != null ? version : timestamp,
                where == null || where.trim().isEmpty() ? null : where,
                columns, positiveLong(options, "target_partition_bytes", 64L << 20), (int) positiveLong(options, "threads", 1),
                "true".equalsIgnoreCase(options.getOrDefault("explain", "false")), siftBinary(options));
    }

    private static long positiveLong(CaseInsensitiveStringMap options, String key, long fallback) {
        String text = options.get(key);
        if (text == null) return fallback;
        try {
            long value = Long.parseLong(text.trim());
            if (value > 0) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("the " + key + " option must be a whole number above 0, not '" + text + "'");
    }

    /** The option, then Spark's conf, then the environment, then the PATH. */
    private static String siftBinary(CaseInsensitiveStringMap options) {
        String explicit = options.get("sift_bin");
        if (explicit != null) return explicit;
        try {
            String conf = SparkSession.active().conf().get("spark.sift.bin", null);
            if (conf != null) return conf;
        } catch (RuntimeException noSession) {
            // planning outside a session (tests): fall through
        }
        String env = System.getenv("SIFT_BIN");
        return env != null ? env : "sift";
    }

    /** The same table, version and projection (so the same description). */
    boolean sameTable(SiftOptions other) {
        return other != null && path.equals(other.path) && java.util.Objects.equals(asOf, other.asOf)
                && java.util.Objects.equals(columns, other.columns) && siftBin.equals(other.siftBin);
    }

    /** The table's version, schema and column kinds ({@code sift plan --describe}). */
    TableDescription describe() {
        return new TableDescription(SiftProcess.run(siftBin, command("plan", null, asOf, "--describe")), columns, path);
    }

    /**
     * {@code sift VERB PATH ARGS... [--where WHERE] [--as-of AS_OF]}: the arguments of a
     * {@code sift} command on this table (each task's command, the plan, the description).
     */
    List<String> command(String verb, String where, String asOf, String... args) {
        List<String> command = new ArrayList<>(List.of(verb, path));
        command.addAll(List.of(args));
        if (where != null) command.addAll(List.of("--where", where));
        if (asOf != null) command.addAll(List.of("--as-of", asOf));
        return command;
    }
}
