import Testing

@testable import ReportDocument

/// `.bib` files through btparse: braces, quotes, `@string` macros, `#` concatenation, errors.
@Suite struct BibTeXTests {
    let bib = """
        @string{nips = "Advances in Neural " # "Information Processing Systems"}
        % a comment line between entries
        @inproceedings{hoffmann2022,
          author = {Hoffmann, Jordan and Sebastian Borgeaud and {Google DeepMind}},
          title = "Training Compute-Optimal {L}arge Language Models",
          booktitle = nips,
          year = 2022,
          url = {https://arxiv.org/abs/2203.15556},
        }
        @misc{kaplan2020, author = "Jared Kaplan and Sam McCandlish", title = {Scaling {Laws} for Neural {\\&} Language Models},
          year = {2020}, eprint = "2001." # "08361", archivePrefix = {arXiv}}
        @article{uncited, title = {No author, no year: never checked because never cited}}
        """

    func read(_ text: String, cited: Set<String>) -> ([BibEntry], [Diagnostic]) {
        var bag = DiagnosticBag()
        let entries = BibTeXFile.read(text, file: "refs.bib", cited: cited, into: &bag)
        return (entries, bag.diagnostics)
    }

    @Test func bracesQuotesMacrosAndConcatenation() throws {
        let (entries, diagnostics) = read(bib, cited: ["hoffmann2022", "kaplan2020"])
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
        #expect(entries.map(\.key) == ["hoffmann2022", "kaplan2020"])
        let h = try #require(entries.first)
        #expect(h.authors == ["Hoffmann, Jordan", "Borgeaud, Sebastian", "Google DeepMind"])
        #expect(h.title == "Training Compute-Optimal Large Language Models")
        #expect(h.venue == "Advances in Neural Information Processing Systems")
        #expect(h.year == 2022)
        #expect(h.url == "https://arxiv.org/abs/2203.15556")
        #expect(h.location == SourceLocation(line: 3, column: 1))
        let k = try #require(entries.last)
        #expect(k.authors == ["Kaplan, Jared", "McCandlish, Sam"])
        #expect(k.title == "Scaling Laws for Neural & Language Models")
        #expect(k.venue == "arXiv:2001.08361")
        #expect(k.url == nil)
    }

    @Test func onlyCitedEntriesAreKeptAndChecked() {
        let (entries, diagnostics) = read(bib, cited: ["kaplan2020"])
        #expect(entries.map(\.key) == ["kaplan2020"])
        #expect(diagnostics.isEmpty)
        let (_, problems) = read(bib, cited: ["uncited"])
        #expect(problems.map(\.description) == ["refs.bib:12:1: error: BibTeX entry 'uncited' needs an 'author' (or 'editor') field"])
    }

    @Test func syntaxErrorsAreAtTheBibLine() throws {
        let broken = """
            @article{good, author = {A, B}, title = {T}, journal = {J}, year = 2020}

            @article{bad,
              title = {Unclosed,
              year = 2021
            """
        let (entries, diagnostics) = read(broken, cited: ["good"])
        #expect(entries.isEmpty)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { $0.file == "refs.bib" && ($0.location?.line ?? 0) >= 3 }, "\(diagnostics.map(\.description))")
        #expect(errors.first?.message.contains("syntax error") == true)
    }

    @Test func anUndefinedMacroAndABadFieldAreLocated() throws {
        let text = """
            @article{a,
              author = {Doe, Jane},
              title = {Caf{\\'e} society},
              journal = {J},
              year = {twenty},
            }
            """
        let (entries, diagnostics) = read(text, cited: ["a"])
        #expect(entries.isEmpty)
        let descriptions = diagnostics.map(\.description)
        #expect(descriptions.contains("refs.bib:3:3: error: the TeX command '\\'' in the 'title' field of 'a'"), "\(descriptions)")
        #expect(descriptions.contains("refs.bib:5:3: error: the year of 'a' must be a four-digit number, not 'twenty'"), "\(descriptions)")
        let (_, macro) = read("@article{m, author = {X, Y}, title = {T}, journal = jmlr, year = 2020}", cited: ["m"])
        #expect(macro.contains { $0.location?.line == 1 && $0.message.contains("jmlr") }, "\(macro.map(\.description))")
    }

    @Test func duplicateKeysAndBadLinks() {
        let text = """
            @misc{x, author = {A, B}, title = {T}, howpublished = {web}, year = 2020, url = {javascript:alert(1)}}
            @misc{x, author = {A, B}, title = {T}, howpublished = {web}, year = 2021}
            """
        let (_, diagnostics) = read(text, cited: ["x"])
        let descriptions = diagnostics.map(\.description)
        #expect(descriptions.contains { $0.hasPrefix("refs.bib:2:1: error: duplicate BibTeX key 'x'") }, "\(descriptions)")
        #expect(descriptions.contains { $0.hasPrefix("refs.bib:1:1: error:") && $0.contains("url of 'x'") }, "\(descriptions)")
    }
}
