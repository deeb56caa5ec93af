package io.sift.spark;

import java.util.Map;

import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("sift-jvm").load(path)}: Sift tables read by Spark's JVM, with Sift's
 * planner deciding the tasks.
 *
 * <p>The Python data source ({@code format("sift")}, {@code sift.spark}) moves rows through a
 * Python worker and gets neither column pruning nor OR from Spark. This one is a DataSource V2
 * reader: Spark prunes columns and pushes filters (AND, OR, NOT of the comparisons Sift decides
 * exactly), the driver plans with {@code sift plan}, and each task runs {@code sift query --units}
 * with the task's share of the plan, reading its Arrow IPC stream as columnar batches. The
 * {@code sift} command does all reading; no Sift code runs inside the JVM, so hostile data cannot
 * crash an executor. Options are those of the Python source (see README, "Scaling out"), plus
 * {@code sift_bin}: the command's path on every node (default: Spark conf {@code spark.sift.bin},
 * then the environment's {@code SIFT_BIN}, then {@code sift} on the PATH).
 */
public final class SiftJvmSource implements TableProvider, DataSourceRegister {
    /** What inferSchema found, for the getTable that follows it (one `sift` run, not two). */
    private SiftOptions inferredFor;
    private TableDescription inferred;

    @Override
    public String shortName() {
        return "sift-jvm";
    }

    @Override
    public synchronized StructType inferSchema(CaseInsensitiveStringMap options) {
        inferredFor = SiftOptions.from(options);
        inferred = inferredFor.describe();
        return inferred.sparkSchema();
    }

    @Override
    public synchronized Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        SiftOptions options = SiftOptions.from(new CaseInsensitiveStringMap(properties));
        TableDescription description = inferred != null && options.sameTable(inferredFor) ? inferred : options.describe();
        return new SiftSparkTable(options, schema, description);
    }
}
