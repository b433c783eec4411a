import Analyses

@testable import ReportDocument

/// The caret marker of diagnostics tests: `¦` stands just before the character a diagnostic
/// must point at. `marked` removes it and returns its line and column (columns count scalars).
func marked(_ text: String) -> (source: String, at: SourceLocation) {
    var line = 1
    var column = 1
    var found: SourceLocation?
    var out = ""
    for s in text.unicodeScalars {
        if s == "¦" {
            found = SourceLocation(line: line, column: column)
            continue
        }
        out.unicodeScalars.append(s)
        if s == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }
    precondition(found != nil, "test input has no ¦ marker")
    return (out, found!)
}

/// Everything the document layer checks: parse, directive schemas, references, value formats.
func diagnose(_ source: String) -> (Document, [TypedDirective], [Diagnostic]) {
    var bag = DiagnosticBag()
    let doc = DocumentParser.parse(source, path: "doc.md", into: &bag)
    var typed: [TypedDirective] = []
    for d in doc.directives {
        if let t = DirectiveSchema.check(d, file: doc.path, vocabulary: testVocabulary, into: &bag) { typed.append(t) }
    }
    References.check(doc, typed: typed, into: &bag)
    ValueFormat.check(doc, into: &bag)
    return (doc, typed, bag.sorted)
}

/// A directive body checked alone: `body` is the YAML between the fences (fence on line 1).
func checkDirective(_ kind: String, _ body: String) -> (TypedDirective?, [Diagnostic]) {
    let source = "```{\(kind)} d1\n" + body + "\n```\n"
    var bag = DiagnosticBag()
    let doc = DocumentParser.parse(source, path: "doc.md", into: &bag)
    guard let d = doc.directives.first else { return (nil, bag.diagnostics) }
    let typed = DirectiveSchema.check(d, file: "doc.md", vocabulary: testVocabulary, into: &bag)
    return (typed, bag.diagnostics)
}

/// The kinds the schema tests name, and the registry's approaches with the options each reads
/// (the application's registry supplies the real lists of kinds).
let testVocabulary: DirectiveVocabulary = {
    var vocabulary = DirectiveVocabulary(
        figureKinds: ["isoflop", "envelope", "parametric", "overlay", "allocation", "curvature", "residuals", "bootstrap", "ratio"],
        multiFitFigureKinds: ["overlay", "allocation", "bootstrap", "ratio"],
        tableKinds: ["exponents", "projections", "coefficients", "diagnostics", "extrapolation", "warnings"])
    vocabulary.publishedFigureKinds = ["overlay"]
    vocabulary.approaches = AnalysisKinds.standard.vocabulary.approaches
    return vocabulary
}()
