import SiftIndex
import SiftTable

/// The scan plan of a file or table as JSON: what `sift_plan` returns and `sift plan` prints
/// (`spec/arrow.md` §5.3, §9). Engines that plan with Sift and read through another process (Spark's
/// JVM reader) take it from the command.
public enum ScanPlanJSON {
    /// `{"version", "schema", "units", "report"}` for the rows of `path` (a table folder or one
    /// file, `asOf` a version or time for tables) that `predicate` may accept, reading `columns`
    /// (nil: all).
    public static func plan(path: String, asOf: String?, predicate: RowPredicate?, columns: [String]?) throws -> String {
        try Dataset(path: path, asOf: asOf).plan(predicate: predicate, columns: columns)
    }

    /// `{"kind", "version", "schema", "rows", ...}`: what `sift_describe` returns.
    public static func describe(path: String, asOf: String?) throws -> String {
        try Dataset(path: path, asOf: asOf).describe()
    }
}
