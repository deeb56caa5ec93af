package io.sift.spark;

import java.io.IOException;
import java.util.List;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One task: {@code sift query --units -} with the task's share of the plan on its standard
 * input, its Arrow IPC stream (addresses as text) read batch by batch into Spark's columnar
 * batches without a row-by-row copy. A failed command fails the task with its message; a task
 * that stops early (a LIMIT) stops the command.
 */
final class SiftColumnarReader implements PartitionReader<ColumnarBatch> {
    private final SiftPartition partition;
    private final SiftProcess process;
    private final BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE);
    private final ArrowStreamReader reader;
    private ColumnVector[] vectors;
    private ColumnarBatch batch;

    SiftColumnarReader(SiftPartition partition) {
        this.partition = partition;
        process = partition.startQuery("--columns", String.join(",", partition.columns), "--format", "arrow", "--arrow-ips", "text",
                "--order-by", "none");
        reader = new ArrowStreamReader(process.process.getInputStream(), allocator);
    }

    @Override
    public boolean next() throws IOException {
        boolean loaded;
        try {
            loaded = reader.loadNextBatch();
        } catch (IOException | RuntimeException broken) {
            // A stream cut short: the command's own message says why, when it failed.
            process.finishAfter(broken);
            throw broken;
        }
        if (!loaded) {
            batch = null;
            process.finish();
            return false;
        }
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        if (vectors == null) vectors = wrap(root);
        if (batch == null) batch = new ColumnarBatch(vectors);
        batch.setNumRows(root.getRowCount());
        return true;
    }

    /** Spark's views of the root's vectors (the reader loads every batch into the same ones). */
    private ColumnVector[] wrap(VectorSchemaRoot root) {
        if (partition.countOnly) return new ColumnVector[0];
        List<FieldVector> fields = root.getFieldVectors();
        ColumnVector[] out = new ColumnVector[fields.size()];
        for (int i = 0; i < out.length; i++) {
            FieldVector v = fields.get(i);
            if (v instanceof UInt2Vector) out[i] = new UnsignedColumnVector(v, DataTypes.IntegerType);
            else if (v instanceof UInt4Vector) out[i] = new UnsignedColumnVector(v, DataTypes.LongType);
            else out[i] = new ArrowColumnVector(v);
        }
        return out;
    }

    @Override
    public ColumnarBatch get() {
        return batch;
    }

    @Override
    public void close() throws IOException {
        process.close();
        try {
            reader.close();
        } finally {
            allocator.close();
        }
    }
}
