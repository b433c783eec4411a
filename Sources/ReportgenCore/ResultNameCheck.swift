import ReportDocument
import ScalingLaws

extension Analysis {
    /// Every result a fit publishes, by fit id (from the schemas of the approaches).
    func resultSchemas() -> [String: [ResultName]] {
        var out: [String: [ResultName]] = [:]
        for fit in fits {
            guard let approach = self.approach(of: fit) else { continue }
            let spec = Planner.spec(fit, approach: approach, runs: [], law: laws[fit.id])
            // A law with errors of its own (reported where they are) has no schema.
            if fit.law != nil, laws[fit.id] == nil { continue }
            var names = ResultSchema.names(
                approach: approach, spec: spec,
                targets: ProjectionTarget.keys(declared: document.frontMatter.targets.map(ProjectionTarget.init)), truth: fit.truth != nil,
                holdOut: fit.sources.count < 2,
                intervals: fit.intervals != nil)
            if let qc = fit.qc { names += ResultSchema.qualityControl(audit: qc.audit) }
            if fit.sources.count > 1 {
                names = ResultSchema.comparison(
                    sources: fit.sources.map(\.name), perSource: names,
                    statistics: fit.intervals == nil ? [] : approach.comparedStatistics(spec))
            }
            out[fit.id] = names
        }
        return out
    }

    func resultNames() -> [String: [String]] { resultSchemas().mapValues { $0.map(\.name) } }

    /// A result key `<fit>.<name>` as its fit id and its name (the id ends at the first dot).
    static func split(_ key: String) -> (fit: String, name: String) {
        let id = String(key.prefix { $0 != "." })
        return (id, String(key.dropFirst(id.count + 1)))
    }

    /// `<fit>.<name>` of every result the lock file leaves out.
    func unlockedResultKeys() -> Set<String> {
        var keys: Set<String> = []
        for (id, names) in resultSchemas() {
            for name in names where !name.locked { keys.insert("\(id).\(name.name)") }
        }
        return keys
    }

    /// The note listing a fit's results under an unknown name: all of them when there are at
    /// most 24, else the 24 that share the longest beginning with the name written (a comparison
    /// of three sources publishes over a hundred), with how many are left out.
    static func resultList(_ published: [String], near name: String) -> String {
        let sorted = published.sorted()
        let shown = 24
        guard sorted.count > shown else { return "its results: \(sorted.joined(separator: ", "))" }
        func shared(_ candidate: String) -> Int { zip(candidate, name).prefix { $0 == $1 }.count }
        let nearest = sorted.enumerated().sorted { x, y in
            let a = shared(x.element), b = shared(y.element)
            return a != b ? a > b : x.offset < y.offset
        }.prefix(shown).map(\.element).sorted()
        return
            "\(shown) of its \(sorted.count) results, those nearest '\(name)': \(nearest.joined(separator: ", ")); and \(sorted.count - shown) more"
    }

    /// `=fit.name` in the prose and `{expect}` keys must name a result the fit publishes: a
    /// misspelt name is an error at its place, with the nearest real name.
    func checkResultNames(into bag: inout DiagnosticBag) {
        let names = resultNames()
        let declared = document.directives.filter { $0.kind == "fit" }.map(\.id)
        func check(_ key: String, at location: SourceLocation, what: String) {
            let (id, name) = Self.split(key)
            guard let published = names[id] else {
                // Unknown fits in {expect} keys are reported by `checkNames`; a fit with errors of its own has no schema.
                guard what == "value", !declared.contains(id) else { return }
                var message = "value '\(key)' names fit '\(id)', which is not defined"
                if let s = suggestion(for: id, among: declared) { message += "; did you mean '\(s)'?" }
                bag.append(.error(message, file: file, at: location))
                return
            }
            guard !published.contains(name) else { return }
            var message = "\(what) '\(key)': fit '\(id)' has no result '\(name)'"
            var notes = [Self.resultList(published, near: name)]
            if let s = suggestion(for: name, among: published) {
                message += "; did you mean '\(id).\(s)'?"
            } else if ResultSchema.perTargetPrefixes.contains(where: name.hasPrefix) {
                // A projection named after a target the document does not declare.
                let targets = document.frontMatter.targets
                notes.insert(
                    targets.isEmpty
                        ? "projections are named after the front matter's 'targets' (e.g. targets: {Gopher: 5.76e23} gives n_opt_gopher); without targets they are named after the default target: n_opt_target"
                        : "projections are named after the front matter's 'targets': \(targets.map(\.key).joined(separator: ", "))", at: 0)
            }
            bag.append(.error(message, file: file, at: location, notes: notes))
        }
        for inline in document.allInlines {
            if case .value(let ref) = inline { check(ref.key, at: ref.location, what: "value") }
        }
        for expect in expects {
            for e in expect.expectations { check(e.key, at: e.keyLocation, what: "expectation") }
        }
    }
}
