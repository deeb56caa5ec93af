package io.sift.spark;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualNullSafe;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.sources.IsNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.apache.spark.sql.sources.StringContains;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;

/**
 * Spark's filters as Sift predicates ({@code spec/predicates.md}), for the filters Sift decides
 * exactly as Spark does; null for the others, which Spark then evaluates itself. The rules are
 * those of the Python source ({@code sift/spark.py}): integers within the column's range,
 * equality only for doubles (Spark orders NaN, IEEE does not) and for addresses (Spark compares
 * their text, so only the text Sift shows for an address is equal to it), timestamps as UTC.
 * Unlike Python sources, a JVM source is also handed AND, OR and NOT. Public for tests that
 * drive it through Spark's gateway.
 */
public final class FilterTranslator {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private final Map<String, String> kinds;

    /** A translator for columns of these Sift kinds (name to type name, as `sift plan --describe` gives them). */
    public FilterTranslator(Map<String, String> kinds) {
        this.kinds = kinds;
    }

    /** The Sift predicate deciding {@code f} exactly as Spark does, or null. */
    public String translate(Filter f) {
        if (f instanceof And) {
            String l = translate(((And) f).left()), r = translate(((And) f).right());
            return l == null || r == null ? null : "(" + l + ") and (" + r + ")";
        }
        if (f instanceof Or) {
            String l = translate(((Or) f).left()), r = translate(((Or) f).right());
            return l == null || r == null ? null : "(" + l + ") or (" + r + ")";
        }
        if (f instanceof Not) {
            String inner = translate(((Not) f).child());
            return inner == null ? null : "not (" + inner + ")";
        }
        String[] refs = f.references();
        if (refs.length != 1) return null;
        String column = refs[0], kind = kinds.get(column);
        if (kind == null || !plainName(column)) return null;
        if (f instanceof IsNull) return column + " is null";
        if (f instanceof IsNotNull) return column + " is not null";
        if (f instanceof EqualNullSafe) {
            Object value = ((EqualNullSafe) f).value();
            if (value == null) return column + " is null";
            String literal = literal(kind, value, true);
            return literal == null ? null : column + " = " + literal;
        }
        if (f instanceof EqualTo) {
            String literal = literal(kind, ((EqualTo) f).value(), true);
            return literal == null ? null : column + " = " + literal;
        }
        if (f instanceof In) {
            List<String> values = new ArrayList<>();
            for (Object v : ((In) f).values()) {
                // x IN (1, NULL) is null, not false, where x is not 1: under NOT that differs
                // from Sift's x IN (1). Spark folds such lists itself; left to it if one comes.
                if (v == null) return null;
                String literal = literal(kind, v, true);
                if (literal == null) return null;
                values.add(literal);
            }
            return values.isEmpty() ? null : column + " in (" + String.join(", ", values) + ")";
        }
        if (f instanceof GreaterThan) return comparison(column, kind, ">", ((GreaterThan) f).value());
        if (f instanceof GreaterThanOrEqual) return comparison(column, kind, ">=", ((GreaterThanOrEqual) f).value());
        if (f instanceof LessThan) return comparison(column, kind, "<", ((LessThan) f).value());
        if (f instanceof LessThanOrEqual) return comparison(column, kind, "<=", ((LessThanOrEqual) f).value());
        if (kind.equals("string")) {
            if (f instanceof StringStartsWith) return column + " starts_with " + quote(((StringStartsWith) f).value());
            if (f instanceof StringEndsWith) return column + " ends_with " + quote(((StringEndsWith) f).value());
            if (f instanceof StringContains) return column + " contains " + quote(((StringContains) f).value());
        }
        return null;
    }

    private static String comparison(String column, String kind, String op, Object value) {
        String literal = literal(kind, value, false);
        return literal == null ? null : column + " " + op + " " + literal;
    }

    /** A name Sift's predicate language takes bare. */
    private static boolean plainName(String column) {
        if (column.isEmpty() || Character.isDigit(column.charAt(0))) return false;
        for (char c : column.toCharArray()) {
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '.' && c != '-') return false;
        }
        return true;
    }

    static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A Spark literal as a Sift literal for a column of {@code kind}, or null. */
    static String literal(String kind, Object value, boolean equality) {
        if (value == null) return null;
        switch (kind) {
            case "int32": return integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "int64": return integer(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case "uint16": return integer(value, 0, 65535);
            case "uint32": return integer(value, 0, 4294967295L);
            case "float64": {
                if (!equality || !(value instanceof Double || value instanceof Float)) return null;
                double d = ((Number) value).doubleValue();
                if (!Double.isFinite(d)) return null;
                String text = new BigDecimal(d).toPlainString();
                return text.contains(".") ? text : text + ".0";
            }
            case "bool": return equality && value instanceof Boolean ? value.toString() : null;
            case "timestamp": {
                Instant moment;
                if (value instanceof java.sql.Timestamp) moment = ((java.sql.Timestamp) value).toInstant();
                else if (value instanceof Instant) moment = (Instant) value;
                else return null;
                return quote(TIME.format(moment));
            }
            case "string": return value instanceof String ? quote((String) value) : null;
            case "ipv4": case "ipv6": return equality && value instanceof String ? address(kind, (String) value) : null;
            default: return null;
        }
    }

    private static String integer(Object value, long lo, long hi) {
        if (!(value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte)) return null;
        long v = ((Number) value).longValue();
        return v >= lo && v <= hi ? Long.toString(v) : null;
    }

    /**
     * The literal when {@code text} is exactly the text Sift shows for an address (dotted quad;
     * RFC 5952 for IPv6), so that Sift's address equality and Spark's text equality agree.
     */
    static String address(String kind, String text) {
        if (canonicalIPv4(text)) return text;
        if (!kind.equals("ipv6") || text.indexOf(':') < 0) return null;
        for (char c : text.toCharArray()) {
            // Hex digits and colons only: a literal, never a host name to look up; no dotted
            // tail (Sift shows IPv4-mapped addresses dotted, and their text differs).
            if (Character.digit(c, 16) < 0 && c != ':') return null;
        }
        try {
            InetAddress parsed = InetAddress.getByName(text);
            if (!(parsed instanceof Inet6Address)) return null;
            return rfc5952(parsed.getAddress()).equals(text) ? text : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean canonicalIPv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) return false;
            for (char c : p.toCharArray()) if (c < '0' || c > '9') return false;
            if (Integer.parseInt(p) > 255) return false;
        }
        return true;
    }

    /** RFC 5952 text: lower-case hex, no leading zeros, the first longest run of two or more zero groups as "::". */
    static String rfc5952(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            s.append(Integer.toHexString(g[i]));
            if (i < 7) s.append(':');
        }
        return s.toString();
    }
}
