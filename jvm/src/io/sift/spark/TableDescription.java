package io.sift.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table's columns as {@code sift plan --describe} names them, and the Spark types they read as
 * (the mapping of {@code spec/arrow.md} §8, the same as the Python source's): addresses are their
 * text, so equality on them pushes down and they print; unsigned integers widen to the next
 * signed type.
 */
final class TableDescription {
    /** Sift kind by column name, in table order. */
    final Map<String, String> kinds = new LinkedHashMap<>();
    final Map<String, Boolean> nullable = new LinkedHashMap<>();
    private final List<String> projection;

    TableDescription(JsonNode described, List<String> projection, String path) {
        if (!"table".equals(described.path("kind").asText())) {
            throw new IllegalArgumentException(path + " is a single Sift file; the sift-jvm source reads table folders "
                    + "(read a file with format(\"sift\"))");
        }
        for (JsonNode field : described.get("schema")) {
            kinds.put(field.get("name").asText(), field.get("type").asText());
            nullable.put(field.get("name").asText(), field.get("nullable").asBoolean());
        }
        if (projection != null) {
            for (String name : projection) {
                if (!kinds.containsKey(name)) {
                    throw new IllegalArgumentException("columns option names '" + name + "'; the table " + path + " has: "
                            + String.join(", ", kinds.keySet()));
                }
            }
        }
        this.projection = projection;
    }

    StructType sparkSchema() {
        StructType schema = new StructType();
        for (String name : projection != null ? projection : List.copyOf(kinds.keySet())) {
            schema = schema.add(new StructField(name, sparkType(kinds.get(name)), nullable.get(name), org.apache.spark.sql.types.Metadata.empty()));
        }
        return schema;
    }

    static DataType sparkType(String kind) {
        switch (kind) {
            case "bool": return DataTypes.BooleanType;
            case "int32": case "uint16": return DataTypes.IntegerType;
            case "int64": case "uint32": return DataTypes.LongType;
            case "float64": return DataTypes.DoubleType;
            case "timestamp": return DataTypes.TimestampType;
            case "binary": return DataTypes.BinaryType;
            case "string": case "ipv4": case "ipv6": return DataTypes.StringType;
            default: throw new IllegalArgumentException("a column of Sift type '" + kind + "' has no Spark type in this reader");
        }
    }
}
