@_exported import BuildEngine
import ReportDocument

// ReportgenCore wires documents to the generic engine; its users see the engine's types too.

extension StepLocation {
    init(_ location: SourceLocation) { self.init(line: location.line, column: location.column) }
}

extension SourceLocation {
    init(_ location: StepLocation) { self.init(line: location.line, column: location.column) }
}
