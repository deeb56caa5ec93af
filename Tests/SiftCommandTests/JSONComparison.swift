import Foundation
import SiftFormat

/// Compares an input NDJSON record with what `sift cat` printed for it: the same keys (a null
/// and an absent key are the same), equal numbers, equal nested JSON, and timestamps that name
/// the same instant (cat prints them in UTC), IPs that name the same address (cat prints
/// RFC 5952 text; Suricata writes IPv6 uncompressed).
func sameRecord(_ input: [String: Any], _ output: [String: Any]) -> String? {
    for key in Set(input.keys).union(output.keys) {
        let a = input[key].flatMap { $0 is NSNull ? nil : $0 }
        let b = output[key].flatMap { $0 is NSNull ? nil : $0 }
        switch (a, b) {
        case (nil, nil): continue
        case (nil, _), (_, nil): return "key \(key): \(String(describing: a)) vs \(String(describing: b))"
        case (let x as String, let y as String):
            if x == y { continue }
            if let tx = TextForms.parseTimestamp(Array(x.utf8)), let ty = TextForms.parseTimestamp(Array(y.utf8)), tx == ty { continue }
            if let ix = TextForms.parseIP(Array(x.utf8)), let iy = TextForms.parseIP(Array(y.utf8)), ix == iy { continue }
            return "key \(key): \"\(x)\" vs \"\(y)\""
        case (let x as NSNumber, let y as String) where key == "ts":
            // Zeek's epoch seconds come back as the timestamp they mean (microseconds).
            if let t = TextForms.parseTimestamp(Array(y.utf8)), Int64((Double(x.description)! * 1_000_000).rounded()) == t { continue }
            return "key \(key): \(x) vs \"\(y)\""
        case (let x as NSNumber, let y as NSNumber):
            // Foundation may hold a parsed number as a decimal: compare the doubles their texts
            // round to, which is what `sift write` stores.
            if x.isEqual(to: y) || Double(x.description) == Double(y.description) { continue }
            return "key \(key): \(x) vs \(y)"
        default:
            if let x = a as? NSObject, let y = b as? NSObject, x.isEqual(y) { continue }
            return "key \(key): \(a!) vs \(b!)"
        }
    }
    return nil
}

func parseLines(_ bytes: [UInt8]) throws -> [[String: Any]] {
    try String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
}
