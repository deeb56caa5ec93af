import CSiftABI
import SiftPlatform
import SiftArrow
import SiftFormat
import SiftIndex
import SiftScan
import SiftTable


// The functions `sift.h` declares. Each is a thin shell: arguments checked, the work done by
// Dataset or ArrowWrites, errors turned into a status and a message by `guarded`.

public typealias ErrorOut = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

nonisolated(unsafe) private let versionText = strdup("sift \(FileLayout.majorVersion).\(FileLayout.minorVersion) (format \(FileLayout.majorVersion).\(FileLayout.minorVersion), Arrow C data and stream interfaces)")!

@_cdecl("sift_version")
public func siftVersion() -> UnsafePointer<CChar> { UnsafePointer(versionText) }

@_cdecl("sift_string_free")
public func siftStringFree(_ s: UnsafeMutablePointer<CChar>?) { free(s) }

@_cdecl("sift_open")
public func siftOpen(_ path: UnsafePointer<CChar>?, _ asOf: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) {
        guard let out else { throw CArgumentError("the output handle pointer is NULL") }
        let dataset = try Dataset(path: try required(path, "path"), asOf: text(asOf))
        out.pointee = OpaquePointer(Unmanaged.passRetained(dataset).toOpaque())
    }
}

@_cdecl("sift_close")
public func siftClose(_ handle: OpaquePointer?) {
    guard let handle else { return }
    Unmanaged<Dataset>.fromOpaque(UnsafeRawPointer(handle)).release()
}

private func dataset(_ handle: OpaquePointer?) throws -> Dataset {
    guard let handle else { throw CArgumentError("the dataset handle is NULL") }
    return Unmanaged<Dataset>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
}

private func predicate(_ pointer: UnsafePointer<CChar>?) throws -> RowPredicate? {
    guard let text = text(pointer), !text.trimmingWhitespace().isEmpty else { return nil }
    return try RowPredicate.parse(text)
}

private func ips(_ form: Int32) throws -> IPForm {
    guard let ips = IPForm(rawValue: form) else { throw CArgumentError("ip_form must be 0 (plain), 1 (extension types) or 2 (text), not \(form)") }
    return ips
}

@_cdecl("sift_describe")
public func siftDescribe(_ handle: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) { try give(try dataset(handle).describe(), to: json) }
}

@_cdecl("sift_history")
public func siftHistory(_ handle: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) { try give(try dataset(handle).history(), to: json) }
}

@_cdecl("sift_get_schema")
public func siftGetSchema(_ handle: OpaquePointer?, _ columns: UnsafePointer<CChar>?, _ ipForm: Int32,
                          _ out: UnsafeMutablePointer<ArrowSchema>?, _ error: ErrorOut) -> Int32 {
    guarded(error) {
        guard let out else { throw CArgumentError("the output schema pointer is NULL") }
        let schema = try dataset(handle).outputSchema(try columnList(columns))
        ArrowExport.exportSchema(schema, options: ArrowExportOptions(ips: try ips(ipForm)), into: out)
    }
}

@_cdecl("sift_plan")
public func siftPlan(_ handle: OpaquePointer?, _ where_: UnsafePointer<CChar>?, _ columns: UnsafePointer<CChar>?,
                     _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) { try give(try dataset(handle).plan(predicate: try predicate(where_), columns: try columnList(columns)), to: json) }
}

@_cdecl("sift_scan")
public func siftScan(_ handle: OpaquePointer?, _ where_: UnsafePointer<CChar>?, _ columns: UnsafePointer<CChar>?, _ unitsJSON: UnsafePointer<CChar>?,
                     _ threads: Int32, _ ipForm: Int32, _ out: UnsafeMutablePointer<ArrowArrayStream>?, _ error: ErrorOut) -> Int32 {
    guarded(error) {
        guard let out else { throw CArgumentError("the output stream pointer is NULL") }
        var units: [ScanUnit]?
        if let text = text(unitsJSON) {
            do { units = try JSONDecoder().decode([ScanUnit].self, from: Data(text.utf8)) } catch {
                throw CArgumentError("units must be a JSON array of {path, row_groups, bytes, rows} from sift_plan: \(error)")
            }
        }
        let (schema, puller) = try dataset(handle).scan(predicate: try predicate(where_), columns: try columnList(columns), units: units, threads: Int(threads))
        ArrowStreamExport.export(schema: schema, options: ArrowExportOptions(ips: try ips(ipForm)),
                                 next: { try puller.next() }, close: { puller.close() }, into: out)
    }
}

@_cdecl("sift_explain")
public func siftExplain(_ handle: OpaquePointer?, _ where_: UnsafePointer<CChar>?, _ columns: UnsafePointer<CChar>?, _ threads: Int32,
                        _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) {
        let (_, puller) = try dataset(handle).scan(predicate: try predicate(where_), columns: try columnList(columns), units: nil, threads: Int(threads))
        while try puller.next() != nil {}
        try give(puller.summary ?? "{}", to: json)
    }
}

@_cdecl("sift_write_file")
public func siftWriteFile(_ path: UnsafePointer<CChar>?, _ data: UnsafeMutablePointer<ArrowArrayStream>?, _ optionsJSON: UnsafePointer<CChar>?,
                          _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) {
        guard let data else { throw CArgumentError("the input stream pointer is NULL") }
        try give(try ArrowWrites.writeFile(path: try required(path, "path"), stream: data, options: try jsonObject(optionsJSON, "options")), to: result)
    }
}

@_cdecl("sift_table_create")
public func siftTableCreate(_ path: UnsafePointer<CChar>?, _ schema: UnsafeMutablePointer<ArrowSchema>?, _ optionsJSON: UnsafePointer<CChar>?,
                            _ error: ErrorOut) -> Int32 {
    guarded(error) {
        guard let schema else { throw CArgumentError("the schema pointer is NULL") }
        defer { if let release = schema.pointee.release { release(schema) } }
        try ArrowWrites.createTable(path: try required(path, "path"), schema: schema, options: try jsonObject(optionsJSON, "options"))
    }
}

@_cdecl("sift_table_append")
public func siftTableAppend(_ path: UnsafePointer<CChar>?, _ data: UnsafeMutablePointer<ArrowArrayStream>?, _ optionsJSON: UnsafePointer<CChar>?,
                            _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) {
        guard let data else { throw CArgumentError("the input stream pointer is NULL") }
        try give(try ArrowWrites.append(path: try required(path, "path"), stream: data, options: try jsonObject(optionsJSON, "options")), to: result)
    }
}

@_cdecl("sift_table_write_files")
public func siftTableWriteFiles(_ path: UnsafePointer<CChar>?, _ data: UnsafeMutablePointer<ArrowArrayStream>?, _ optionsJSON: UnsafePointer<CChar>?,
                                _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) {
        guard let data else { throw CArgumentError("the input stream pointer is NULL") }
        try give(try ArrowWrites.writeFiles(path: try required(path, "path"), stream: data, options: try jsonObject(optionsJSON, "options")), to: result)
    }
}

@_cdecl("sift_table_commit")
public func siftTableCommit(_ path: UnsafePointer<CChar>?, _ filesJSON: UnsafePointer<CChar>?, _ optionsJSON: UnsafePointer<CChar>?,
                            _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: ErrorOut) -> Int32 {
    guarded(error) {
        try give(try ArrowWrites.commitFiles(path: try required(path, "path"), files: try required(filesJSON, "files"),
                                             options: try jsonObject(optionsJSON, "options")), to: result)
    }
}
