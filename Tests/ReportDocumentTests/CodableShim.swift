import Foundation

@testable import ReportDocument

enum JSONEncoderShim {
    static func roundTrip(_ m: MathNode) throws -> MathNode {
        try JSONDecoder().decode(MathNode.self, from: JSONEncoder().encode(m))
    }
}

enum URLPath {
    /// The package folder: three levels above this test file.
    static func packageRoot(from file: String) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}
