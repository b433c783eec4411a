import ReportDocument
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

@Test(arguments: [
    (".3f", 0.45652, "0.457"), (".2e", 5.76e23, "5.76e23"), (".0e", 9.99e19, "1e20"), (".0e", 1e20, "1e20"),
    ("si", 63.2e9, "63B"), ("si", 1.43e12, "1.4T"), ("si", 400e6, "400M"), ("si", 5.176e15, "5.2P"), ("si", 999.7e12, "1.0P"),
    ("si", 1.23e18, "1.2×10¹⁸"), ("si", 999.7e15, "1.0×10¹⁸"), ("count", 4500, "4\u{2009}500"),
    ("pct", 0.0912, "9.1%"), ("", 0.456528, "0.4565"), ("", 0.50003, "0.5000"), ("", 116, "116"), ("", 375624, "375624"),
    ("", 1234.04, "1234"), ("", 62.817, "62.82"), ("", 2.7594e-4, "2.759×10⁻⁴"), ("", 6.91e11, "6.910×10¹¹"), ("", -0.0163, "−0.01630"),
])
func numberFormats(spec: String, value: Double, expected: String) throws {
    let format = try #require(NumberFormat(spec))
    #expect(format.format(value) == expected)
}

@Test func unknownFormatsAreRejected() {
    #expect(NumberFormat(".3x") == nil)
    #expect(NumberFormat("percent") == nil)
    #expect(NumberFormat(".f") == nil)
}
