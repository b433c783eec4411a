import Analyses
import Composition
import ReportDocument

extension Composer {
    /// The composer of a checked document: its text, its paper style, its figure and table ids,
    /// and the format of every result its prose shows without one (from the result schema, so a
    /// function of the document's text like the rest).
    init(analysis: Analysis, creationDate: String) {
        var formats: [String: NumberFormat] = [:]
        let schemas = analysis.resultSchemas()
        for inline in analysis.document.allInlines {
            guard case .value(let reference) = inline, reference.format.isEmpty else { continue }
            let (id, name) = Analysis.split(reference.key)
            if let result = schemas[id]?.first(where: { $0.name == name }) { formats[reference.key] = result.format }
        }
        self.init(
            document: analysis.document, style: analysis.style, figureIDs: analysis.figures.map(\.id), tableIDs: analysis.tables.map(\.id),
            creationDate: creationDate, defaultFormats: formats)
    }
}
