import SiftFormat

/// The refined tables and their common schemas (`spec/pipeline.md` §5), with OCSF-inspired
/// names: the same column means the same thing in every table, so one hunt spans them all.
public enum RefinedKind: String, Sendable, CaseIterable {
    case conn, dns, http, ssl, alert

    /// Columns every refined table has, first.
    static let common: [Field] = [
        Field("time", .timestamp, nullable: false), Field("event_type", .string, nullable: false),
        Field("source", .string), Field("uid", .string),
        Field("src_ip", .ipv6), Field("src_port", .uint16), Field("dst_ip", .ipv6), Field("dst_port", .uint16),
        Field("proto", .string), Field("domain", .string, hint: .domain),
    ]
    /// Columns every refined table has, last: which parser wrote the row.
    static let provenance: [Field] = [Field("parser", .string, nullable: false), Field("parser_version", .int32, nullable: false)]

    public var schema: Schema {
        let specific: [Field]
        switch self {
        case .conn:
            specific = [Field("service", .string), Field("duration", .float64), Field("bytes_out", .int64), Field("bytes_in", .int64),
                        Field("packets_out", .int64), Field("packets_in", .int64), Field("conn_state", .string)]
        case .dns:
            specific = [Field("qtype", .string), Field("rcode", .string), Field("answers", .string)]
        case .http:
            specific = [Field("method", .string), Field("uri", .string), Field("user_agent", .string), Field("status", .int32),
                        Field("bytes_out", .int64), Field("bytes_in", .int64)]
        case .ssl:
            specific = [Field("version", .string), Field("cipher", .string), Field("established", .bool), Field("subject", .string),
                        Field("issuer", .string)]
        case .alert:
            specific = [Field("signature", .string), Field("signature_id", .int64), Field("severity", .int32),
                        Field("category", .string), Field("action", .string)]
        }
        return try! Schema(Self.common + specific + Self.provenance)
    }

    /// What optimize clusters by: addresses, and the name for tables about names.
    var clusterColumns: [String] {
        switch self {
        // conn: Hilbert order on the two addresses, as README recommends for connection logs
        // (BENCHMARKS.md §11, §12): a third dimension for `domain` halved suffix reads but
        // doubled every IP needle's, and page bloom filters now find a rare name's pages in an
        // IP-ordered table (0.66% of 20M rows); names have their own domain-ordered tables.
        case .conn: ["src_ip", "dst_ip"]
        case .alert: ["src_ip", "dst_ip"]
        case .dns, .http, .ssl: ["domain", "dst_ip"]
        }
    }
}
