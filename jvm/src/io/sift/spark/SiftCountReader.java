package io.sift.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
        SiftOptions o = partition.options;
        List<String> args = new ArrayList<>(List.of("query", o.path, "--count", "--units", "-", "--threads", Integer.toString(o.threads)));
        if (partition.where != null) {
            args.add("--where");
            args.add(partition.where);
        }
        if (o.asOf != null) {
            args.add("--as-of");
            args.add(Long.toString(partition.version));
        }
        String out;
        try (SiftProcess p = SiftProcess.start(o.siftBin, args, partition.unitsDocument.getBytes(StandardCharsets.UTF_8))) {
            out = new String(p.process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.finish();
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
