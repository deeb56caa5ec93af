package io.sift.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;

/**
 * One task of a {@code count(*)} pushed down: {@code sift query --count --units -} over the
 * task's share of the plan (no column is decoded), handed to Spark as one row; Spark adds the
 * tasks' rows.
 */
final class SiftCountReader implements PartitionReader<InternalRow> {
    private final SiftPartition partition;
    private InternalRow row;
    private boolean done;

    SiftCountReader(SiftPartition partition) {
        this.partition = partition;
    }

    @Override
    public boolean next() throws IOException {
        if (done) return false;
        done = true;
        String out;
        try (SiftProcess p = partition.startQuery("--count")) {
            out = new String(p.output(), StandardCharsets.UTF_8).trim();
        }
        long count;
        try {
            count = Long.parseLong(out);
        } catch (NumberFormatException e) {
            throw new IOException("sift query --count printed '" + out + "', not a count", e);
        }
        Object[] values = new Object[partition.counts];
        java.util.Arrays.fill(values, count);
        row = new GenericInternalRow(values);
        return true;
    }

    @Override
    public InternalRow get() {
        return row;
    }

    @Override
    public void close() {
        // the command has ended in next()
    }
}
