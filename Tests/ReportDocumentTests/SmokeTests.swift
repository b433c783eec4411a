import Testing
@testable import ReportDocument

@Test func smoke() {
    let src = """
    # Intro {#sec:intro}

    We fit $L(N, D) = E + \\frac{A}{N^\\alpha} + B/D^{\\beta}$ (see @fig:iso and @eq:loss), costs \\$5, mail a@b.org [@hoffmann2022; @kaplan2020].
    Second line `=fit.a:.3f` and `code $x$` here $x_1
    continued$ ok.

    $$ N_{opt} \\propto C^{a} $$ {#eq:loss}

    > quote $b$
    """
    var bag = DiagnosticBag()
    let doc = DocumentParser.parse(src, path: "t.md", into: &bag)
    print(doc.dump())
    print(bag.diagnostics)
}
