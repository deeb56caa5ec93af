/// Zeek's conn, dns, http and ssl logs, as JSON objects or TSV lines (`spec/pipeline.md` §5.2).
/// Field names are Zeek's; the TSV defaults are the field lists of Zeek 6's logs.

/// Sets the connection columns every Zeek log shares.
func zeekEndpoints(_ f: RawFields, _ row: inout RowWriter) {
    row.string("uid", f.text("uid"))
    row.string("src_ip", f.text("id.orig_h"))
    row.number("src_port", f.text("id.orig_p"))
    row.string("dst_ip", f.text("id.resp_h"))
    row.number("dst_port", f.text("id.resp_p"))
    row.string("proto", f.text("proto"))
}

/// A Zeek event must at least name its endpoints.
func requireEndpoints(_ f: RawFields) throws {
    guard f.text("id.orig_h") != nil, f.text("id.resp_h") != nil else { throw ParseFailure("no id.orig_h / id.resp_h: not a Zeek connection record") }
}

public struct ZeekConnParser: EventParser {
    public var eventType: String { "zeek.conn" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .conn }
    public init() {}
    static let tsvFields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration",
                            "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history",
                            "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"]

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try requireEndpoints(f)
        zeekEndpoints(f, &row)
        row.string("service", f.text("service"))
        row.number("duration", f.text("duration"))
        row.number("bytes_out", f.text("orig_bytes"))
        row.number("bytes_in", f.text("resp_bytes"))
        row.number("packets_out", f.text("orig_pkts"))
        row.number("packets_in", f.text("resp_pkts"))
        row.string("conn_state", f.text("conn_state"))
    }
}

public struct ZeekDNSParser: EventParser {
    public var eventType: String { "zeek.dns" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .dns }
    public init() {}
    static let tsvFields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id", "rtt", "query",
                            "qclass", "qclass_name", "qtype", "qtype_name", "rcode", "rcode_name", "AA", "TC", "RD", "RA", "Z",
                            "answers", "TTLs", "rejected"]

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try requireEndpoints(f)
        zeekEndpoints(f, &row)
        row.string("domain", f.text("query"))
        row.string("qtype", f.text("qtype_name"))
        row.string("rcode", f.text("rcode_name"))
        row.string("answers", f.list("answers"))
    }
}

public struct ZeekHTTPParser: EventParser {
    public var eventType: String { "zeek.http" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .http }
    public init() {}
    static let tsvFields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "trans_depth", "method", "host", "uri",
                            "referrer", "version", "user_agent", "origin", "request_body_len", "response_body_len", "status_code",
                            "status_msg", "info_code", "info_msg", "tags", "username", "password", "proxied", "orig_fuids",
                            "orig_filenames", "orig_mime_types", "resp_fuids", "resp_filenames", "resp_mime_types"]

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try requireEndpoints(f)
        zeekEndpoints(f, &row)
        row.string("proto", "tcp")
        row.string("domain", f.text("host"))
        row.string("method", f.text("method"))
        row.string("uri", f.text("uri"))
        row.string("user_agent", f.text("user_agent"))
        row.number("status", f.text("status_code"))
        row.number("bytes_out", f.text("request_body_len"))
        row.number("bytes_in", f.text("response_body_len"))
    }
}

public struct ZeekSSLParser: EventParser {
    public var eventType: String { "zeek.ssl" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .ssl }
    public init() {}
    static let tsvFields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "version", "cipher", "curve",
                            "server_name", "resumed", "last_alert", "next_protocol", "established", "ssl_history",
                            "cert_chain_fps", "client_cert_chain_fps", "subject", "issuer", "sni_matches_cert", "validation_status"]

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try requireEndpoints(f)
        zeekEndpoints(f, &row)
        row.string("proto", "tcp")
        row.string("domain", f.text("server_name"))
        row.string("version", f.text("version"))
        row.string("cipher", f.text("cipher"))
        row.bool("established", f.bool("established"))
        row.string("subject", f.text("subject"))
        row.string("issuer", f.text("issuer"))
    }
}

/// The TSV field list a parser assumes when the wrapper's source does not give one.
func defaultTSVFields(_ eventType: String) -> [String] {
    switch eventType {
    case "zeek.conn": ZeekConnParser.tsvFields
    case "zeek.dns": ZeekDNSParser.tsvFields
    case "zeek.http": ZeekHTTPParser.tsvFields
    case "zeek.ssl": ZeekSSLParser.tsvFields
    default: []
    }
}
