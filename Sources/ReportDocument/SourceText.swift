/// Checks on a document's raw text before anything parses it: valid UTF-8, no characters that
/// no font can draw (noncharacters, control characters), and the size limits of `DocumentLimits`.
public enum SourceText {
    /// The bytes decoded as UTF-8, or an error at the line and column of the first byte that
    /// is not valid UTF-8 (columns count the scalars before it on its line, plus one).
    public static func decode(_ bytes: [UInt8], path: String) -> Result<String, Diagnostic> {
        if bytes.count > DocumentLimits.documentBytes {
            return .failure(
                .error(
                    "the document is \(bytes.count) bytes, more than the limit of \(DocumentLimits.documentBytes)", file: path,
                    at: location(ofByte: DocumentLimits.documentBytes, in: bytes)))
        }
        return decodeUTF8(bytes, path: path, what: "the document")
    }

    /// The bytes decoded as UTF-8, or an error at the first invalid byte, which names `what`.
    public static func decodeUTF8(_ bytes: [UInt8], path: String, what: String) -> Result<String, Diagnostic> {
        if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
        // Invalid: walk the scalars to say where.
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var line = 1
        var column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                if s == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                return .success(String(decoding: bytes, as: UTF8.self))
            case .error:
                return .failure(
                    .error(
                        "\(what) is not valid UTF-8 here", file: path, at: SourceLocation(line: line, column: column),
                        notes: ["save the file as UTF-8"]))
            }
        }
    }

    /// The first problem with the document's lines: a line over the length limit, or a
    /// character that cannot be typeset. Nil when there is none.
    static func limitProblem(_ lines: [String], path: String) -> Diagnostic? {
        for (index, line) in lines.enumerated() {
            var column = 0
            for s in line.unicodeScalars {
                column += 1
                if let what = unprintable(s) {
                    return .error(
                        "\(what) U+\(String(s.value, radix: 16, uppercase: true).leftPadded(to: 4)) is not allowed in a document",
                        file: path, at: SourceLocation(line: index + 1, column: column))
                }
                if column > DocumentLimits.lineLength {
                    return .error(
                        "line longer than \(DocumentLimits.lineLength) characters", file: path,
                        at: SourceLocation(line: index + 1, column: column), notes: ["break it into several lines"])
                }
            }
        }
        return nil
    }

    /// Why a scalar may not appear in a document: Unicode noncharacters (U+FFFE, U+FFFF,
    /// U+FDD0…U+FDEF, …) and C0/C1 control characters other than tab.
    static func unprintable(_ s: Unicode.Scalar) -> String? {
        let v = s.value
        if (v & 0xFFFE) == 0xFFFE || (0xFDD0...0xFDEF).contains(v) { return "the noncharacter" }
        if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v) { return "the control character" }
        return nil
    }

    /// The line and column of byte `offset` (columns count scalars, approximately: one per
    /// byte that starts a UTF-8 sequence).
    static func location(ofByte offset: Int, in bytes: [UInt8]) -> SourceLocation {
        var line = 1
        var column = 1
        for b in bytes.prefix(offset) {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return SourceLocation(line: line, column: column)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
