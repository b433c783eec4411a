import Foundation
import ReportDocument

/// A table read from CSV: a header and rows of fields, with the line of every row.
///
/// RFC 4180 quoting (double quotes, doubled to escape); lines end at "\r\n", "\r" or "\n"; a
/// trailing newline is optional; blank lines are skipped.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    /// 1-based file line of each row.
    public var lines: [Int]

    ///
    /// At most `maxRows` rows and `maxFields` fields (rows × columns) are read: parsing stops at the
    /// first row beyond either, with an error at its line, so an oversized file costs no more memory
    /// than the limits allow (`DocumentLimits.dataRows`, `DocumentLimits.dataFields`).
    public static func parse(
        _ text: String, file: String, maxRows: Int = DocumentLimits.dataRows, maxFields: Int = DocumentLimits.dataFields
    ) throws(Diagnostic) -> CSVTable {
        var header: [String]? = nil
        var rows: [[String]] = []
        var lines: [Int] = []
        /// The line of the first row beyond the limits, if any.
        var overflowLine: Int? = nil
        /// The first row whose field count differs from the header's: (fields, line).
        var mismatch: (Int, Int)? = nil
        var rowCap = maxRows
        var record: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        // Scans UTF-8 bytes: the delimiters are ASCII, so fields are byte ranges of valid UTF-8. An
        // unquoted field is decoded straight from its range of the text; a field with quotes is
        // collected byte by byte (its quotes removed, doubled quotes undoubled).
        var text = text
        inQuotes = text.withUTF8 { bytes -> Bool in
            var field: [UInt8] = []
            var fieldIsEmpty = true
            /// Whether the current field had quotes, so that its bytes are in `field`.
            var buffered = false
            /// Where the current field's bytes start in `bytes` (when not buffered).
            var fieldStart = 0
            /// The field that ends before byte `end`.
            func take(endingAt end: Int) -> String {
                let s: String
                if buffered {
                    s = String(decoding: field, as: UTF8.self)
                    field.removeAll(keepingCapacity: true)
                } else {
                    // A "\r" before the "\n" that ends the line is not part of the field.
                    let stop = end > fieldStart && end < bytes.count && bytes[end] == 0x0A && bytes[end - 1] == 0x0D ? end - 1 : end
                    s = String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<Swift.max(fieldStart, stop)]), as: UTF8.self)
                }
                fieldIsEmpty = true
                buffered = false
                fieldStart = end + 1
                return s
            }
            /// Files a finished record; false when it is beyond the limits (parsing stops).
            func finish(_ record: [String]) -> Bool {
                if record.count == 1 && record[0].isEmpty { return true }
                guard let header else {
                    rowCap = Swift.min(maxRows, maxFields / Swift.max(1, record.count))
                    header = record
                    return true
                }
                if rows.count + 1 > rowCap {
                    overflowLine = recordLine
                    return false
                }
                if record.count != header.count, mismatch == nil { mismatch = (record.count, recordLine) }
                rows.append(record)
                lines.append(recordLine)
                return true
            }
            var i = 0
            let n = bytes.count
            while i < n {
                let c = bytes[i]
                if inQuotes {
                    if c == 0x22 {  // "
                        if i + 1 < n, bytes[i + 1] == 0x22 {
                            field.append(0x22)
                            i += 2
                            continue
                        }
                        inQuotes = false
                    } else {
                        // Lines end at "\r\n", "\r" or "\n", as the document's do.
                        if c == 0x0A || (c == 0x0D && !(i + 1 < n && bytes[i + 1] == 0x0A)) { line += 1 }
                        field.append(c)
                        fieldIsEmpty = false
                    }
                    i += 1
                    continue
                }
                switch c {
                case 0x22 where fieldIsEmpty:
                    inQuotes = true
                    buffered = true
                case 0x2C: record.append(take(endingAt: i))
                case 0x0D where i + 1 < n && bytes[i + 1] == 0x0A: break
                case 0x0A, 0x0D:
                    record.append(take(endingAt: i))
                    guard finish(record) else { return false }
                    record = []
                    record.reserveCapacity(header?.count ?? 0)
                    line += 1
                    recordLine = line
                default:
                    if buffered { field.append(c) }
                    fieldIsEmpty = false
                }
                i += 1
            }
            if !inQuotes, !fieldIsEmpty || !record.isEmpty {
                record.append(take(endingAt: n))
                _ = finish(record)
            }
            return inQuotes
        }
        if let overflowLine {
            throw tooLarge(
                file: file, line: overflowLine, rows: rowCap, columns: header?.count ?? 1, maxRows: maxRows, maxFields: maxFields)
        }
        if inQuotes { throw .error("a quoted field is never closed", file: file, at: SourceLocation(line: recordLine, column: 1)) }
        guard let header else {
            throw .error("the file is empty: expected a header line", file: file, at: SourceLocation(line: 1, column: 1))
        }
        if let (fields, l) = mismatch {
            throw .error("row has \(fields) fields but the header has \(header.count)", file: file, at: SourceLocation(line: l, column: 1))
        }
        return CSVTable(header: header.map { $0.trimmingCharacters(in: " ") }, rows: rows, lines: lines)
    }

    /// The error for the first row beyond the limits, at its line.
    static func tooLarge(file: String, line: Int, rows: Int, columns: Int, maxRows: Int, maxFields: Int) -> Diagnostic {
        .error(
            "'\(file)' has more rows than the limit of \(rows) for a data file of \(columns) column\(columns == 1 ? "" : "s") "
                + "(at most \(maxRows) rows and \(maxFields) fields, rows times columns)", file: file,
            at: SourceLocation(line: line, column: 1))
    }

    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// 1-based column of field `index` on the row's line (for diagnostics; exact when unquoted).
    public func column(ofField index: Int, row: Int) -> Int {
        1 + rows[row].prefix(index).reduce(0) { $0 + $1.count + 1 }
    }
}

extension CSVTable {
    /// Reads JSON Lines: one JSON object per line, values numbers or strings. Columns are the
    /// union of the objects' keys, sorted; a missing key reads as an empty field.
    /// The limits are `parse`'s: at most `maxRows` objects, and objects × keys at most `maxFields`
    /// (checked as the keys grow, so objects with ever new keys cannot build a huge table).
    public static func parseJSONLines(
        _ text: String, file: String, maxRows: Int = DocumentLimits.dataRows, maxFields: Int = DocumentLimits.dataFields
    ) throws(Diagnostic) -> CSVTable {
        var objects: [([String: String], Int)] = []
        var keys = Set<String>()
        // "\r\n" is one Character in Swift: split on each of the three line ends.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .enumerated()
        {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let data = trimmed.data(using: .utf8),
                let object = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any]
            else {
                throw .error("line is not a JSON object", file: file, at: SourceLocation(line: index + 1, column: 1))
            }
            var fields: [String: String] = [:]
            for (k, v) in object {
                switch v {
                case let n as NSNumber: fields[k] = "\(n.doubleValue)"
                case let s as String: fields[k] = s
                case is NSNull: fields[k] = ""
                default:
                    throw .error("field '\(k)' must be a number or a string", file: file, at: SourceLocation(line: index + 1, column: 1))
                }
                keys.insert(k)
            }
            objects.append((fields, index + 1))
            let rowCap = Swift.min(maxRows, maxFields / Swift.max(1, keys.count))
            if objects.count > rowCap {
                throw tooLarge(
                    file: file, line: index + 1, rows: rowCap, columns: Swift.max(1, keys.count), maxRows: maxRows, maxFields: maxFields)
            }
        }
        guard !objects.isEmpty else { throw .error("the file holds no JSON objects", file: file, at: SourceLocation(line: 1, column: 1)) }
        let header = keys.sorted()
        return CSVTable(header: header, rows: objects.map { o in header.map { o.0[$0] ?? "" } }, lines: objects.map(\.1))
    }
}
