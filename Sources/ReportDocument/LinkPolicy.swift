/// Which link destinations a document may use: `http`, `https`, `mailto` and anchors inside the
/// report (`#…`). Anything else (`javascript:`, `data:`, `file:`, relative paths) would run
/// script in the HTML page, or open a local file from the PDF, so it never becomes a link.
public enum LinkPolicy {
    static let schemes = ["http", "https", "mailto"]
    public static let allowed = "links may point to http:, https: or mailto: addresses, or to #anchors in the report"

    /// Nil when `destination` may be a live link, else what is wrong with it.
    public static func problem(with destination: String) -> String? {
        let trimmed = destination.trimmingCharacters(in: " \t")
        if trimmed.hasPrefix("#") { return nil }
        guard let colon = trimmed.firstIndex(of: ":") else {
            return trimmed.isEmpty ? "an empty destination" : "a relative destination"
        }
        let scheme = trimmed[..<colon]
        guard scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else {
            return "a relative destination"
        }
        guard schemes.contains(scheme.lowercased()) else { return "the scheme '\(scheme):' is not allowed" }
        // Control characters or spaces could split the address in a PDF /URI string.
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "a control character" }
        return nil
    }
}
