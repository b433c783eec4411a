@_exported import Analyses
@_exported import BuildEngine
@_exported import Composition
import ReportDocument
@_exported import RunData

// ReportgenCore wires documents to the generic engine, the run data, the analyses and the
// composition; its users see their types too.

extension StepLocation {
    init(_ location: SourceLocation) { self.init(line: location.line, column: location.column) }
}

extension SourceLocation {
    init(_ location: StepLocation) { self.init(line: location.line, column: location.column) }
}
