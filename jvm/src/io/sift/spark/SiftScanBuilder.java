package io.sift.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** One query's scan: the filters Sift takes from Spark and the columns Spark needs. */
final class SiftScanBuilder implements ScanBuilder, SupportsPushDownFilters, SupportsPushDownRequiredColumns {
    private final SiftOptions options;
    private StructType required;
    private final TableDescription description;
    private final List<String> predicates = new ArrayList<>();
    private Filter[] pushed = new Filter[0];

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
        return new SiftBatchScan(options, required, columns, parts.isEmpty() ? null : String.join(" and ", parts), description);
    }
}
