import Composition

extension Composer {
    /// The composer of a checked document: its text, its paper style and its figure and table ids.
    init(analysis: Analysis, creationDate: String) {
        self.init(
            document: analysis.document, style: analysis.style, figureIDs: analysis.figures.map(\.id), tableIDs: analysis.tables.map(\.id),
            creationDate: creationDate)
    }
}
