import Foundation
@testable import ReportDocument

enum JSONEncoderShim {
    static func roundTrip(_ m: MathNode) throws -> MathNode {
        try JSONDecoder().decode(MathNode.self, from: JSONEncoder().encode(m))
    }
}
