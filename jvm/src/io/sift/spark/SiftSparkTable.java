package io.sift.spark;

import java.util.EnumSet;
import java.util.Set;

import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** A Sift table folder as Spark sees it: a schema and batch reads. */
final class SiftSparkTable implements SupportsRead {
    private final SiftOptions options;
    private final StructType schema;
    private final TableDescription description;

    SiftSparkTable(SiftOptions options, StructType schema, TableDescription description) {
        this.options = options;
        this.schema = schema;
        this.description = description;
    }

    @Override
    public String name() {
        return "sift:" + options.path;
    }

    @Override
    @SuppressWarnings("deprecation")
    public StructType schema() {
        return schema;
    }

    @Override
    public Set<TableCapability> capabilities() {
        return EnumSet.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
        return new SiftScanBuilder(options, schema, description);
    }
}
