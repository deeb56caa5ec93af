package io.sift.spark;

import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Sift's uint16 and uint32 columns (Arrow's unsigned vectors, which Spark's ArrowColumnVector
 * does not take) as Spark's int and long: each value widened as it is read, no copy.
 */
final class UnsignedColumnVector extends ColumnVector {
    private final ValueVector vector;

    UnsignedColumnVector(ValueVector vector, DataType type) {
        super(type);
        this.vector = vector;
    }

    @Override public void close() { /* the stream reader's root owns the vector */ }
    @Override public boolean hasNull() { return vector.getNullCount() > 0; }
    @Override public int numNulls() { return vector.getNullCount(); }
    @Override public boolean isNullAt(int rowId) { return vector.isNull(rowId); }
    @Override public int getInt(int rowId) { return ((UInt2Vector) vector).get(rowId); }
    @Override public long getLong(int rowId) { return Integer.toUnsignedLong(((UInt4Vector) vector).get(rowId)); }

    private UnsupportedOperationException notThisType() {
        return new UnsupportedOperationException("an unsigned column is read as " + dataType().simpleString());
    }

    @Override public boolean getBoolean(int rowId) { throw notThisType(); }
    @Override public byte getByte(int rowId) { throw notThisType(); }
    @Override public short getShort(int rowId) { throw notThisType(); }
    @Override public float getFloat(int rowId) { throw notThisType(); }
    @Override public double getDouble(int rowId) { throw notThisType(); }
    @Override public Decimal getDecimal(int rowId, int precision, int scale) { throw notThisType(); }
    @Override public UTF8String getUTF8String(int rowId) { throw notThisType(); }
    @Override public byte[] getBinary(int rowId) { throw notThisType(); }
    @Override public ColumnarArray getArray(int rowId) { throw notThisType(); }
    @Override public ColumnarMap getMap(int ordinal) { throw notThisType(); }
    @Override public ColumnVector getChild(int ordinal) { throw notThisType(); }
}
