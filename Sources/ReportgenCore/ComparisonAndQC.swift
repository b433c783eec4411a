import Analyses
import Foundation
import ReportDocument
import ScalingLaws

extension Analysis {
    /// The front-matter source a source name stands for (through `{data}` directives).
    func baseSource(of name: String) -> String {
        var current = name
        for _ in 0..<16 {
            guard let d = dataDirectives.first(where: { $0.id == current }) else { return current }
            current = d.source.name
        }
        return current
    }

    /// `data` with the data file and each run's line in it. Derived sources and
    /// `exclude-highest-loss` keep the file's row order, so each run is matched with the next
    /// equal run of the file (the first of equal runs when one was dropped, as the filters drop
    /// the later of tied rows); runs it cannot match leave the lines out.
    func withLines(_ data: FitInput, source: String) -> FitInput {
        let base = baseSource(of: source)
        guard let known = runLines[base], let all = runs[base], known.lines.count == all.count else { return data }
        var lines: [Int] = []
        var next = 0
        for run in data.runs {
            while next < all.count, all[next] != run { next += 1 }
            guard next < all.count else { return data }
            lines.append(known.lines[next])
            next += 1
        }
        var result = data
        result.file = known.file
        result.lines = lines
        return result
    }

    /// The sources of a comparison fit, each with the fit's own row options applied.
    func comparisonSources(of fit: FitDirective, qc: Bool) -> [ComparisonSource] {
        fit.sources.map { source in
            var r = runs[source.name] ?? []
            if let k = fit.excludeHighestLoss { r = RunLoader.excludingHighestLoss(r, k) }
            let data = FitInput(runs: r)
            return ComparisonSource(name: source.name, data: qc ? withLines(data, source: source.name) : data)
        }
    }

    /// A comparison's sources must exist; `comparison` tables and figures draw comparison fits
    /// and nothing else does; a `qc` table draws fits that declare `qc:`.
    func checkComparisonsAndQC(into bag: inout DiagnosticBag) {
        let sourceNames = document.frontMatter.data.map(\.name) + dataDirectives.map(\.id)
        for fit in fits {
            for source in fit.sources.dropFirst() where !sourceNames.contains(source.name) {
                var message =
                    "fit '\(fit.id)' reads data source '\(source.name)', which is not defined in the front matter or by a {data} directive"
                if let s = suggestion(for: source.name, among: sourceNames) { message += "; did you mean '\(s)'?" }
                bag.append(.error(message, file: file, at: source.location))
            }
        }
        let comparisons = Set(fits.filter { $0.sources.count > 1 }.map(\.id))
        let withQC = Set(fits.filter { $0.qc != nil }.map(\.id))
        func check(_ refs: [NameReference], kind: String, user: String) {
            for ref in refs where fits.contains(where: { $0.id == ref.name }) {
                let isComparison = comparisons.contains(ref.name)
                if kind == "comparison", !isComparison {
                    bag.append(
                        .error(
                            "\(user): a comparison draws a fit over several sources ('sources:'); '\(ref.name)' reads one", file: file,
                            at: ref.location))
                } else if kind != "comparison", kind != "qc", isComparison {
                    bag.append(
                        .error(
                            "\(user): '\(ref.name)' is a comparison ('sources:'); only comparison and qc \(user.hasPrefix("figure") ? "figures" : "tables") draw it",
                            file: file, at: ref.location))
                } else if kind == "qc", !withQC.contains(ref.name) {
                    bag.append(
                        .error(
                            "\(user): fit '\(ref.name)' declares no quality control; add 'qc: flag' (or 'qc: drop') to it", file: file,
                            at: ref.location))
                }
            }
        }
        for figure in figures {
            check(
                figure.fits.isEmpty ? [NameReference(name: figure.fit, location: figure.fitLocation)] : figure.fits, kind: figure.kind,
                user: "figure '\(figure.id)'")
        }
        for table in tables { check(table.fits, kind: table.kind, user: "table '\(table.id)'") }
    }
}
