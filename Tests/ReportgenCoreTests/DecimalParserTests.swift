import Foundation
import ReportDocument
import RunData
import Testing

/// SplitMix64: a seeded stream of 64-bit words for generating test strings.
private struct Words {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// What the parser must return: `Double(String)` on the strings `DecimalNumber` accepts, nil on the others.
private func reference(_ s: String) -> Double? { DecimalNumber.isDecimal(s) ? Double(s) : nil }

private func expectSameBits(_ s: String) {
    let ours = DecimalParser.parse(s)
    let theirs = reference(s)
    #expect(ours?.bitPattern == theirs?.bitPattern, "'\(s)': \(String(describing: ours)) against \(String(describing: theirs))")
}

/// A random decimal string: sign, 1–25 digits (leading zeros likely), a point anywhere or none,
/// and an exponent from −350 to 350 or none.
private func randomDecimal(_ words: inout Words) -> String {
    var s = ""
    switch words.below(3) {
    case 0: s += "-"
    case 1 where words.below(4) == 0: s += "+"
    default: break
    }
    let digits = 1 + words.below(25)
    let point = words.below(digits + 2) - 1  // −1: no point; digits: a trailing point
    for k in 0..<digits {
        if k == point { s += "." }
        let zeroRun = words.below(5) == 0
        s += String(zeroRun ? 0 : words.below(10))
    }
    if point == digits { s += "." }
    if words.below(2) == 0 {
        s += words.below(2) == 0 ? "e" : "E"
        let e = words.below(701) - 350
        s += e < 0 ? "-" : (words.below(3) == 0 ? "+" : "")
        s += String(abs(e))
    }
    return s
}

@Test func decimalParserMatchesSwiftsParserOnRandomDecimals() {
    var words = Words(state: 1)
    for _ in 0..<200_000 { expectSameBits(randomDecimal(&words)) }
}

@Test func decimalParserRoundTripsPrintedDoubles() {
    // Random bit patterns printed with 17 digits (every double), with 10 (data files) and in
    // Swift's shortest form; the fast path's edges (w near 2⁵³, exponents near ±22 and 37).
    var words = Words(state: 2)
    for _ in 0..<50_000 {
        let x = Double(bitPattern: words.next())
        guard x.isFinite else { continue }
        for s in [String(format: "%.17g", x), String(format: "%.10g", x), "\(x)", String(format: "%.6e", x)] { expectSameBits(s) }
    }
    for s in [
        "9007199254740992", "9007199254740993", "9007199254740991e22", "9007199254740993e-22", "1e22", "1e23", "123e30", "1e37",
        "12345678901234567890", "1234567890123456789", "0.1", "0.3", "1.7976931348623157e308", "1.8e308", "4.9e-324", "2e-324",
        "2.2250738585072014e-308", "0", "-0", "0.000", "0e999999999", "1e-999999999", "00000000000000000000001.5", ".5", "5.",
        "+.5e-1",
    ] {
        expectSameBits(s)
    }
}

@Test func decimalParserRefusesWhatDocumentsRefuse() {
    for s in ["", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "inf", "nan", "Infinity", " 1", "1 ", "1,5", "١", "1e5.5", "--1"] {
        #expect(DecimalParser.parse(s) == nil, "'\(s)'")
        #expect(!DecimalNumber.isDecimal(s) || Double(s) == nil, "'\(s)'")
    }
}

@Test func csvWithCarriageReturnsQuotesAndNoFinalNewline() throws {
    // Unquoted fields are read from their byte ranges: "\r\n" ends lines without leaving a "\r".
    let table = try CSVTable.parse("a,b\r\n1,2\r\n\r\n\"x\"\"y\",3\r4,\"p\nq\"\n5,", file: "t.csv")
    #expect(table.header == ["a", "b"])
    #expect(table.rows == [["1", "2"], ["x\"y", "3"], ["4", "p\nq"], ["5", ""]])
    #expect(table.lines == [2, 4, 5, 7])
}
