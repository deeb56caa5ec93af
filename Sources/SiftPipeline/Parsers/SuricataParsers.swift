import SiftFormat

/// Suricata EVE JSON records of event types flow, dns and alert (`spec/pipeline.md` §5.3).

func suricataEndpoints(_ f: RawFields, _ row: inout RowWriter) throws {
    guard f.text("src_ip") != nil, f.text("dest_ip") != nil else { throw ParseFailure("no src_ip / dest_ip: not a Suricata EVE record") }
    row.string("uid", f.text("flow_id"))
    row.string("src_ip", f.text("src_ip"))
    row.number("src_port", f.text("src_port"))
    row.string("dst_ip", f.text("dest_ip"))
    row.number("dst_port", f.text("dest_port"))
    row.string("proto", f.text("proto")?.lowercased())
}

public struct SuricataFlowParser: EventParser {
    public var eventType: String { "suricata.flow" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .conn }
    public init() {}

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try suricataEndpoints(f, &row)
        row.string("service", f.text("app_proto"))
        if let start = f.text("flow.start").flatMap({ TextForms.parseTimestamp(Array($0.utf8)) }),
           let end = f.text("flow.end").flatMap({ TextForms.parseTimestamp(Array($0.utf8)) }) {
            row.number("duration", String(Double(end - start) / 1_000_000))
        }
        row.number("bytes_out", f.text("flow.bytes_toserver"))
        row.number("bytes_in", f.text("flow.bytes_toclient"))
        row.number("packets_out", f.text("flow.pkts_toserver"))
        row.number("packets_in", f.text("flow.pkts_toclient"))
        row.string("conn_state", f.text("flow.state"))
    }
}

public struct SuricataDNSParser: EventParser {
    public var eventType: String { "suricata.dns" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .dns }
    public init() {}

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try suricataEndpoints(f, &row)
        // EVE version 1 has dns.rrname; version 2 answers also carry dns.queries / dns.answers.
        row.string("domain", f.text("dns.rrname"))
        row.string("qtype", f.text("dns.rrtype"))
        row.string("rcode", f.text("dns.rcode"))
        row.string("answers", f.text("dns.rdata"))
    }
}

public struct SuricataAlertParser: EventParser {
    public var eventType: String { "suricata.alert" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .alert }
    public init() {}

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try suricataEndpoints(f, &row)
        guard let signature = f.text("alert.signature") else { throw ParseFailure("no alert.signature: not an alert record") }
        row.string("domain", f.text("http.hostname", "tls.sni", "dns.rrname"))
        row.string("signature", signature)
        row.number("signature_id", f.text("alert.signature_id"))
        row.number("severity", f.text("alert.severity"))
        row.string("category", f.text("alert.category"))
        row.string("action", f.text("alert.action"))
    }
}

/// `sift gen conn` records (the demo's generated traffic).
public struct DemoConnParser: EventParser {
    public var eventType: String { "demo.conn" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .conn }
    public init() {}

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        guard f.text("src_ip") != nil, f.text("dst_ip") != nil else { throw ParseFailure("no src_ip / dst_ip") }
        for key in ["uid", "src_ip", "dst_ip", "proto", "service", "domain", "conn_state"] { row.string(key, f.text(key)) }
        for key in ["src_port", "dst_port", "duration", "bytes_out", "bytes_in"] { row.number(key, f.text(key)) }
    }
}

public struct SuricataHTTPParser: EventParser {
    public var eventType: String { "suricata.http" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .http }
    public init() {}

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try suricataEndpoints(f, &row)
        row.string("domain", f.text("http.hostname"))
        row.string("method", f.text("http.http_method"))
        row.string("uri", f.text("http.url"))
        row.string("user_agent", f.text("http.http_user_agent"))
        row.number("status", f.text("http.status"))
        row.number("bytes_in", f.text("http.length"))
    }
}

public struct SuricataTLSParser: EventParser {
    public var eventType: String { "suricata.tls" }
    public var version: Int { 1 }
    public var kind: RefinedKind { .ssl }
    public init() {}

    public func parse(_ f: RawFields, source: String, into row: inout RowWriter) throws {
        try suricataEndpoints(f, &row)
        row.string("domain", f.text("tls.sni"))
        row.string("version", f.text("tls.version"))
        row.string("subject", f.text("tls.subject"))
        row.string("issuer", f.text("tls.issuerdn"))
    }
}
