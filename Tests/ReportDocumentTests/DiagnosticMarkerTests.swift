import Testing

@testable import ReportDocument

/// Each input holds one breakage and a `¦` marker where the diagnostic must point.
@Suite struct DiagnosticMarkerTests {
    static let frontMatter = """
        ---
        title: Test
        data:
          sweep:
            path: Data/sweep.csv
            columns: {params: params, flops: flops, loss: loss}
        bibliography:
          - key: hoffmann2022
            authors: ["Hoffmann, Jordan", "Borgeaud, Sebastian"]
            year: 2022
            title: Training Compute-Optimal Large Language Models
            venue: NeurIPS
        ---

        """

    static let fit = """
        ```{fit} iso
        approach: 2
        data: sweep
        ```

        """

    func expectDiagnostic(_ text: String, containing fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let (source, at) = marked(text)
        let (_, _, diagnostics) = diagnose(source)
        let hit = diagnostics.first { $0.message.contains(fragment) }
        #expect(hit != nil, "no diagnostic containing '\(fragment)' in \(diagnostics)", sourceLocation: sourceLocation)
        #expect(hit?.location == at, "\(hit.map(\.description) ?? "-") should be at \(at)", sourceLocation: sourceLocation)
        #expect(hit?.file == "doc.md", sourceLocation: sourceLocation)
    }

    @Test func cleanDocumentHasNoDiagnostics() {
        let source =
            Self.frontMatter + Self.fit + """
                # Results {#sec:results}

                The exponent is `=iso.a:.3f` [@hoffmann2022], shown in @fig:profiles; see @sec:results and @eq:law.

                $$ N_{\\text{opt}} \\propto C^{a} $$ {#eq:law}

                ```{figure} profiles
                kind: isoflop
                fit: iso
                caption: Profiles.
                ```
                """
        let (_, typed, diagnostics) = diagnose(source)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(typed.map(\.id) == ["iso", "profiles"])
    }

    @Test func unknownKey() {
        expectDiagnostic(
            Self.frontMatter + "```{fit} iso\napproach: 2\n¦dta: sweep\n```\n",
            containing: "unknown key 'dta' in {fit} iso; did you mean 'data'?")
    }

    @Test func unknownFrontMatterKey() {
        expectDiagnostic("---\ntitle: x\n¦autors: [a]\n---\n", containing: "did you mean 'authors'?")
    }

    @Test func badYAML() {
        expectDiagnostic("---\ntitle: a¦: b\n---\n\nText.\n", containing: "invalid YAML")
    }

    @Test func undefinedReferenceInACaption() {
        expectDiagnostic(
            Self.frontMatter + Self.fit + "```{figure} profiles\nkind: isoflop\nfit: iso\ncaption: \"Minima, as in ¦@fig:profile.\"\n```\n",
            containing: "undefined reference '@fig:profile'")
        expectDiagnostic(
            Self.frontMatter + Self.fit + "```{figure} profiles\nkind: isoflop\nfit: iso\ncaption: See ¦[@hofmann2022].\n```\n",
            containing: "hofmann2022")
    }

    @Test func captionsAreInlineMarkdown() {
        let source =
            Self.frontMatter + Self.fit + """
                ```{figure} profiles
                kind: isoflop
                fit: iso
                caption: "*Profiles* with $N_{\\\\mathrm{opt}}$ at `=iso.a:.3f`, as @fig:profiles [@hoffmann2022]; costs \\\\$5."
                ```

                ```{table} t
                kind: exponents
                fits: [iso]
                caption: "# not a heading"
                ```
                """
        let (doc, _, diagnostics) = diagnose(source)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let captions = doc.directives.map(\.caption)
        guard captions.count == 3 else { Issue.record("\(captions)"); return }
        let figure = captions[1]
        #expect(figure.contains { if case .emphasis = $0 { return true } else { return false } })
        #expect(figure.contains { if case .math = $0 { return true } else { return false } })
        #expect(figure.contains { if case .value(let r) = $0 { return r.key == "iso.a" } else { return false } })
        #expect(figure.contains { if case .crossRef("fig:profiles", _) = $0 { return true } else { return false } })
        #expect(figure.contains { if case .citation(let keys, _) = $0 { return keys == ["hoffmann2022"] } else { return false } })
        #expect(
            figure.contains { if case .text(let t) = $0 { return t.contains("$5") } else { return false } }, "an escaped dollar stays text")
        #expect(captions[2] == [.text("# not a heading")])
    }

    @Test func undefinedReference() {
        expectDiagnostic(
            Self.frontMatter + Self.fit + "As ¦@fig:profile shows.\n\n```{figure} profiles\nkind: isoflop\nfit: iso\n```\n",
            containing: "undefined reference '@fig:profile'; did you mean '@fig:profiles'?")
    }

    @Test func duplicateID() {
        expectDiagnostic(Self.frontMatter + Self.fit + "¦```{fit} iso\napproach: 3\ndata: sweep\n```\n", containing: "duplicate id 'iso'")
    }

    @Test func badNumberFormat() {
        expectDiagnostic(Self.frontMatter + Self.fit + "The exponent is `¦=iso.a:.3x`.\n", containing: "unknown number format '.3x'")
    }

    @Test func unknownFigureKind() {
        expectDiagnostic(
            Self.frontMatter + Self.fit + "```{figure} f\nkind: ¦isoflp\nfit: iso\n```\n",
            containing: "unknown figure kind 'isoflp'; did you mean 'isoflop'?")
    }

    @Test func citationNotInBibliography() {
        expectDiagnostic(Self.frontMatter + "As shown by ¦[@hofmann2022], compute matters.\n", containing: "did you mean '@hoffmann2022'?")
    }

    @Test func unclosedFence() {
        expectDiagnostic(Self.frontMatter + "Text.\n\n¦```{fit} iso\napproach: 2\ndata: sweep\n", containing: "never closed")
    }

    @Test func unknownMathCommand() {
        expectDiagnostic(
            "Loss $L = E + \\frac{A}{N^{¦\\alhpa}}$ here.\n", containing: "unknown math command '\\alhpa'; did you mean '\\alpha'?")
    }

    @Test func unknownMathCommandOnAContinuationLine() {
        expectDiagnostic("Loss $L = E +\n¦\\fracc{A}{N}$ here.\n", containing: "unknown math command '\\fracc'")
    }

    @Test func unclosedDollar() {
        expectDiagnostic("It costs ¦$5 to train, and more.\n", containing: "unclosed '$'")
    }

    @Test func duplicateHeadingLabels() {
        expectDiagnostic("# A {#sec:a}\n\n¦# B {#sec:a}\n", containing: "duplicate label 'sec:a'")
    }

    @Test func badBibliographyEntry() {
        expectDiagnostic(
            "---\nbibliography:\n  - key: k\n    authors: [\"A, B\"]\n    year: ¦twenty\n    title: T\n    venue: V\n---\n",
            containing: "'year' must be a whole number")
    }

    @Test func equationLabelWithoutPrefix() {
        expectDiagnostic("$$ x = 1 $$ ¦{#law}\n", containing: "equation label")
    }

    @Test func printerShowsTheCaretUnderTheMarker() {
        let (source, at) = marked("It costs ¦$5.\n")
        let (_, _, diagnostics) = diagnose(source)
        let text = DiagnosticPrinter(sources: ["doc.md": source]).render(diagnostics[0])
        #expect(text.hasPrefix("doc.md:\(at.line):\(at.column): error: unclosed '$'"))
        #expect(text.contains("    It costs $5.\n    " + String(repeating: " ", count: at.column - 1) + "^\n"))
    }
}
