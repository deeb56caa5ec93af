import SiftPlatform

/// Reads and writes schema files (`spec/format.md` §3.4):
///
/// ```json
/// {"columns": [
///   {"name": "ts", "type": "timestamp", "nullable": false},
///   {"name": "query", "type": "string", "hint": "domain"}
/// ]}
/// ```
/// `nullable` defaults to true and `hint` to none.
public enum SchemaFile {
    /// The schema a schema file describes (`spec/format.md` §3.5).
    /// - Throws: `FormatError.invalidSchema` naming `file` and what is wrong.
    public static func parse(_ data: [UInt8], file: String) throws(FormatError) -> Schema {
        func bad(_ message: String) -> FormatError { FormatError(.invalidSchema, message, file: file) }
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw bad("not valid JSON: \(error)") }
        guard let columns = root["columns"]?.array else {
            throw bad("expected an object with a \"columns\" array")
        }
        var fields: [Field] = []
        for (i, c) in columns.enumerated() {
            guard c.object != nil else { throw bad("column \(i) is not an object") }
            guard let name = c["name"]?.string else { throw bad("column \(i) has no \"name\"") }
            guard let typeName = c["type"]?.string else { throw bad("column \"\(name)\" has no \"type\"") }
            guard let type = ColumnType(name: typeName) else {
                throw bad("column \"\(name)\": unknown type \"\(typeName)\" (expected one of \(ColumnType.allCases.map(\.name).joined(separator: ", ")))")
            }
            let nullable = c["nullable"]?.bool ?? true
            var hint = ColumnHint.none
            if let hintName = c["hint"]?.string {
                guard let h = ColumnHint(name: hintName) else { throw bad("column \"\(name)\": unknown hint \"\(hintName)\"") }
                hint = h
            }
            fields.append(Field(name, type, nullable: nullable, hint: hint))
        }
        do { return try Schema(fields) } catch { throw error.located(file: file) }
    }

    /// The schema as a schema file.
    public static func render(_ schema: Schema) -> String {
        let lines = schema.fields.map { f -> String in
            var name: [UInt8] = []
            TextForms.appendJSONString(Array(f.name.utf8), to: &name)
            var s = "  {\"name\": \(String(decoding: name, as: UTF8.self)), \"type\": \"\(f.type.name)\", \"nullable\": \(f.nullable)"
            if f.hint != .none { s += ", \"hint\": \"\(f.hint.name)\"" }
            return s + "}"
        }
        return "{\"columns\": [\n" + lines.joined(separator: ",\n") + "\n]}\n"
    }
}
