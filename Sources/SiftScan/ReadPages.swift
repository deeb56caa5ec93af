import SiftFormat

/// The pages of one row group a scan has read, kept while it serves the group's candidate
/// ranges (a page is read once however many ranges touch it). A page is kept decoded, except a
/// dictionary page of strings or binaries that so far only had rows gathered from it: that one
/// is kept as its entries and codes, so gathering a few of its rows copies only their values
/// (a busy host's rows are a quarter of the pages they sit in; materialising every value first
/// was a fifth of its `select *`).
struct ReadPages {
    private enum Page {
        case vector(ColumnVector)
        /// `EncodedPage.Values.dictionary` of string or binary entries, and the column's type.
        case dictionary(EncodedPage, ColumnType)
    }

    private var pages: [Int: Page] = [:]

    private static func key(_ column: Int, _ page: Int) -> Int { column << 32 | page }

    /// The whole page, decoded (a kept dictionary page is materialised once, and kept so).
    mutating func vector(column: Int, page: Int) throws(FormatError) -> ColumnVector? {
        let k = Self.key(column, page)
        switch pages[k] {
        case .vector(let v)?: return v
        case .dictionary(let encoded, let type)?:
            let v = try Self.lookUp(encoded, type, rows: nil)
            pages[k] = .vector(v)
            return v
        case nil: return nil
        }
    }

    /// Rows `rows` of the page, when it has been read.
    func gather(column: Int, page: Int, rows: [Int]) throws(FormatError) -> ColumnVector? {
        switch pages[Self.key(column, page)] {
        case .vector(let v)?: return v.gather(rows)
        case .dictionary(let encoded, let type)?: return try Self.lookUp(encoded, type, rows: rows)
        case nil: return nil
        }
    }

    /// Keeps a decoded page.
    mutating func keep(column: Int, page: Int, _ vector: ColumnVector) {
        pages[Self.key(column, page)] = .vector(vector)
    }

    /// Keeps a page read by `SiftReader.readEncodedPage` (to gather rows, or by a filter on
    /// pages as stored) in the form gathering can use: a dictionary of strings or binaries as it
    /// is, a decoded page decoded; a page of codes or offsets of integers is not kept (gathering
    /// decodes it whole). A page kept already stays as it was.
    mutating func offer(column: Int, page: Int, _ encoded: EncodedPage, type: ColumnType) {
        let k = Self.key(column, page)
        guard pages[k] == nil else { return }
        switch encoded.values {
        case .dictionary(let entries, _) where entries.type == .string || entries.type == .binary:
            pages[k] = .dictionary(encoded, type)
        case .decoded(let v):
            pages[k] = .vector(v)
        default:
            break
        }
    }

    /// A dictionary page of strings or binaries kept as stored, for a filter on it.
    func encoded(column: Int, page: Int) -> EncodedPage? {
        if case .dictionary(let encoded, _)? = pages[Self.key(column, page)] { return encoded }
        return nil
    }

    /// The values of `rows` (nil: every row) of a kept dictionary page, as `SiftReader.readPage`
    /// then `gather` would give them: a null row is empty. The values are bounded as a whole
    /// page's are.
    private static func lookUp(_ encoded: EncodedPage, _ type: ColumnType, rows: [Int]?) throws(FormatError) -> ColumnVector {
        guard case .dictionary(let entries, let codes) = encoded.values else { preconditionFailure("not a dictionary page") }
        let d: VarBytes
        switch entries.values {
        case .string(let v), .binary(let v): d = v
        default: preconditionFailure("not a dictionary of strings or binaries")
        }
        guard let values = VarBytes.lookUp(d, codes: codes, rows: rows, validity: encoded.validity, limit: FormatLimits.maxPageBytes) else {
            throw FormatError(.limitExceeded, "dictionary page expands past the \(FormatLimits.maxPageBytes)-byte page limit")
        }
        let validity = rows.map { encoded.validity?.gathered($0) } ?? encoded.validity
        return ColumnVector(type == .string ? .string(values) : .binary(values), validity: validity)
    }
}
