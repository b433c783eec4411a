/// A law in a file of its own (`reportgen fit --law-file FILE`): the file holds what a document's
/// fit takes under `law:`, read by the same schema, so every key has one name and one type:
///
///     form: 'E + \frac{A}{N^{\alpha}} + \frac{B}{D^{\beta}}'
///     parameters:
///       A: {scale: log, starts: [0, 10, 20]}
///       …
///     inputs: {R: epochs}          # optional: law inputs read from named data columns
///     definitions: {…}             # optional
///     frontier: {…}                # optional
///
/// A file holding only a shipped law's name (`kaplan`) selects that law.
public enum LawFile {
    /// The declaration in `text` (the contents of `file`), or nil and every problem found, each at
    /// its line and column of the file.
    public static func parse(_ text: String, file: String) -> (declaration: LawDeclaration?, diagnostics: [Diagnostic]) {
        var bag = DiagnosticBag()
        guard let root = YAMLReader.parse(text, file: file, lineOffset: 0, into: &bag) else { return (nil, bag.diagnostics) }
        if root.entries?.isEmpty ?? false || root.scalar?.isEmpty ?? false {
            let empty = Diagnostic.error(
                "the law file is empty; it holds what a fit's 'law:' takes (a shipped law's name, or form and parameters)", file: file,
                at: root.location)
            return (nil, [empty])
        }
        // The schema reads `law:` from a fit's body; the file's root is that value.
        let wrapper = YAMLNode(.mapping([YAMLEntry(key: "law", keyLocation: root.location, value: root)]), at: root.location)
        var reader = FieldReader(node: wrapper, file: file, context: "the law file")
        let declaration = DirectiveSchema.lawDeclaration(&reader)
        reader.finish()
        let errors = reader.diagnostics.filter { $0.severity == .error }
        guard let declaration, errors.isEmpty else {
            return (nil, errors.isEmpty ? [.error("the law file declares no law", file: file, at: root.location)] : errors)
        }
        return (declaration, [])
    }
}
