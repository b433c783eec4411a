import ReportDocument
import ScalingLaws

extension Analysis {
    /// Every `{table}` option is used by its kind or is an error at its key: `published: true` for
    /// a kind with no published column, `parameters` for a kind without model-size rows, and a
    /// fit the kind cannot show (a coefficients table of an Approach 2 fit, an extrapolation of
    /// Approach 1). Nothing a table is asked for is left out without a word.
    func checkTables(into bag: inout DiagnosticBag) {
        for table in tables {
            guard let kind = kinds.table(named: table.kind) else { continue }
            if table.published, !kind.showsPublished, let at = table.publishedLocation {
                let showing = kinds.tables.filter(\.showsPublished).map(\.name).joined(separator: ", ")
                bag.append(
                    .error(
                        "a '\(table.kind)' table has no published values to show; 'published: true' applies to \(showing) tables",
                        file: file, at: at))
            }
            if !kind.readsParameters, let at = table.parametersLocation {
                let reading = kinds.tables.filter(\.readsParameters).map(\.name).joined(separator: ", ")
                bag.append(
                    .error("a '\(table.kind)' table has no model-size rows; 'parameters' applies to \(reading) tables", file: file, at: at))
            }
            for reference in table.fits {
                guard let fit = fits.first(where: { $0.id == reference.name }), let approach = self.approach(of: fit) else { continue }
                if let why = kind.cannotShow(shape(of: fit, approach: approach), published: table.published) {
                    bag.append(.error("table '\(table.id)': \(why)", file: file, at: reference.location))
                }
            }
        }
    }

    /// What a table can know of a fit before it runs.
    func shape(of fit: FitDirective, approach: any ApproachKind) -> TableFitShape {
        // The declared-law engine: a law, variable projection or another objective (options only
        // Approach 3 reads; the schema refuses them elsewhere).
        let declaredEngine = approach.reads(.law) && fit.options(ParametricOptions.self).usesDeclaredEngine
        let isEquation2 = fit.law == nil || laws[fit.id]?.name == LawForm.chinchilla.name
        return TableFitShape(id: fit.id, kind: approach, declaredEngine: declaredEngine, isEquation2: isEquation2)
    }
}
