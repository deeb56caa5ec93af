package io.sift.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownAggregates;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One query's scan: the filters Sift takes from Spark, the columns Spark needs, and
 * {@code count(*)} (each task counts its share with {@code sift query --count}; Spark adds the
 * tasks' counts).
 */
final class SiftScanBuilder implements ScanBuilder, SupportsPushDownFilters, SupportsPushDownRequiredColumns, SupportsPushDownAggregates {
    private final SiftOptions options;
    private StructType required;
    private final TableDescription description;
    private final List<String> predicates = new ArrayList<>();
    private Filter[] pushed = new Filter[0];
    /** How many count(*) Spark asked for (one column of counts each), or 0. */
    private int counts;

    SiftScanBuilder(SiftOptions options, StructType schema, TableDescription description) {
        this.options = options;
        this.required = schema;
        this.description = description;
    }

    @Override
    public Filter[] pushFilters(Filter[] filters) {
        FilterTranslator translator = new FilterTranslator(description.kinds);
        List<Filter> kept = new ArrayList<>(), taken = new ArrayList<>();
        predicates.clear();
        for (Filter f : filters) {
            String text = translator.translate(f);
            if (text == null) {
                kept.add(f);
            } else {
                predicates.add(text);
                taken.add(f);
            }
        }
        pushed = taken.toArray(new Filter[0]);
        return kept.toArray(new Filter[0]);
    }

    @Override
    public Filter[] pushedFilters() {
        return pushed;
    }

    /**
     * Takes aggregates that are only {@code count(*)} with no grouping (Spark offers them only
     * once every filter was pushed); anything else stays with Spark.
     */
    @Override
    public boolean pushAggregation(Aggregation aggregation) {
        if (aggregation.groupByExpressions().length != 0 || aggregation.aggregateExpressions().length == 0) return false;
        for (AggregateFunc f : aggregation.aggregateExpressions()) {
            if (!(f instanceof CountStar)) return false;
        }
        counts = aggregation.aggregateExpressions().length;
        return true;
    }

    @Override
    public void pruneColumns(StructType requiredSchema) {
        required = requiredSchema;
    }

    @Override
    public Scan build() {
        List<String> parts = new ArrayList<>();
        for (String p : predicates) parts.add("(" + p + ")");
        if (options.where != null) parts.add("(" + options.where + ")");
        List<String> columns = new ArrayList<>();
        for (StructField f : required.fields()) columns.add(f.name());
        String where = parts.isEmpty() ? null : String.join(" and ", parts);
        if (counts > 0) {
            StructType schema = new StructType();
            for (int i = 0; i < counts; i++) schema = schema.add("count_" + i, org.apache.spark.sql.types.DataTypes.LongType, false);
            return new SiftBatchScan(options, schema, List.of(), where, description, true);
        }
        return new SiftBatchScan(options, required, columns, where, description, false);
    }
}
