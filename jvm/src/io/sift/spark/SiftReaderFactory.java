package io.sift.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/** Tasks read columnar batches (Arrow vectors straight from the command's IPC stream). */
final class SiftReaderFactory implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;

    /** Rows only for count(*) pushed down: one row per task. */
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
        SiftPartition p = (SiftPartition) partition;
        if (p.counts == 0) throw new UnsupportedOperationException("the sift-jvm source reads columnar batches, not rows");
        return new SiftCountReader(p);
    }

    @Override
    public boolean supportColumnarReads(InputPartition partition) {
        return ((SiftPartition) partition).counts == 0;
    }

    @Override
    public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
        return new SiftColumnarReader((SiftPartition) partition);
    }
}
