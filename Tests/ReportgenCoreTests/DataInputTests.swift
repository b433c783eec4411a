import Foundation
import ReportDocument
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

@Test func csvQuotingAndLines() throws {
    let table = try CSVTable.parse("a,b\n1,\"x,y\"\n\n2,\"he said \"\"hi\"\"\"\n", file: "t.csv")
    #expect(table.header == ["a", "b"])
    #expect(table.rows == [["1", "x,y"], ["2", "he said \"hi\""]])
    #expect(table.lines == [2, 4])
}

@Test func csvRowWithTooFewFieldsNamesItsLine() {
    do {
        _ = try CSVTable.parse("a,b\n1,2\n3\n", file: "t.csv")
        Issue.record("expected an error")
    } catch {
        #expect(error.file == "t.csv")
        #expect(error.location?.line == 3)
    }
}

@Test func jsonLinesBecomeATable() throws {
    let table = try CSVTable.parseJSONLines("{\"params\": 1e8, \"loss\": 3.1}\n{\"loss\": 2.9, \"params\": 2e8}\n", file: "t.jsonl")
    #expect(table.header == ["loss", "params"])
    #expect(table.rows.count == 2)
    #expect(Double(table.rows[1][1]) == 2e8)
}

@Test func badNumberInDataPointsAtRowAndColumn() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Data/isoflop-small.csv") { $0.replacingOccurrences(of: "7.61e+07,6e+18,3.09387", with: "7.61e+07,6e+18,NaN") }
    do {
        _ = try project.builder().build(document: project.document)
        Issue.record("expected an error")
    } catch {
        let d = try #require(error.diagnostics.first { $0.file == "Data/isoflop-small.csv" })
        #expect(d.location == SourceLocation(line: 3, column: 16))
        #expect(d.message.contains("'loss'"))
    }
}

@Test func excludingHighestLossDropsTheKLargestAndKeepsOrder() {
    let losses = [3.0, 5.0, 2.0, 5.0, 4.0]
    let runs = losses.map { Run(parameters: 1e9, flops: 1e20, loss: $0) }
    #expect(RunLoader.excludingHighestLoss(runs, 2).map(\.loss) == [3, 2, 4])
    #expect(RunLoader.excludingHighestLoss(runs, 0).map(\.loss) == losses)
}

@Test func commonColumnNamesAreRecognisedAndBadValuesNamed() throws {
    let table = try CSVTable.parse("Model Size,Training FLOP,loss\n1e9,1e20,2.5\n2e9,nan,2.4\n3e9,1e20,-1\n", file: "d.csv")
    guard case .success(let columns) = RunLoader.columns(of: table, mapping: [:], fileName: "d.csv") else {
        Issue.record("columns not found")
        return
    }
    let loaded = RunLoader.runs(from: table, columns: columns, fileName: "d.csv")
    #expect(loaded.runs.count == 1)
    #expect(abs(loaded.runs[0].tokens - 1e20 / 6e9) < 1)
    #expect(loaded.diagnostics.map { "\($0.location!.line):\($0.location!.column)" } == ["3:5", "4:10"])
    guard case .failure(let problem) = RunLoader.columns(of: table, mapping: ["loss": "los"], fileName: "d.csv") else {
        Issue.record("expected a missing-column problem")
        return
    }
    #expect(problem.message.contains("did you mean 'loss'"))
}
