import ArgumentParser
import Foundation

/// `--color auto|always|never`: colour on a terminal only. `auto` colours a stream when it is a
/// terminal and `NO_COLOR` is unset or empty (https://no-color.org: any non-empty value disables).
enum ColourMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, always, never
}

struct ColourOptions: ParsableArguments {
    @Option(name: .customLong("color"), help: "Colour diagnostics: auto (a terminal, unless NO_COLOR is set), always or never.")
    var colour: ColourMode = .auto

    /// Applies the choice to standard output and standard error.
    func apply() { TerminalColour.mode = colour }
}

/// ANSI colours for what reportgen prints: severities and carets of diagnostics, drift rows.
enum TerminalColour {
    nonisolated(unsafe) static var mode: ColourMode = .auto

    /// Whether the stream with this descriptor gets colour.
    static func enabled(for descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .auto:
            if let value = environment["NO_COLOR"], !value.isEmpty { return false }
            return isatty(descriptor) != 0 && environment["TERM"] != "dumb"
        }
    }

    static var standardError: Bool { enabled(for: STDERR_FILENO) }
    static var standardOutput: Bool { enabled(for: STDOUT_FILENO) }

    static let reset = "\u{1B}[0m"
    static let boldRed = "\u{1B}[1;31m", boldYellow = "\u{1B}[1;33m", boldCyan = "\u{1B}[1;36m", boldGreen = "\u{1B}[1;32m",
        bold = "\u{1B}[1m"

    /// A rendered diagnostic (`path:line:col: error: message`, the source line, the caret, notes)
    /// with its location bold, its severity coloured (errors red, warnings yellow, notes cyan)
    /// and its caret green.
    static func diagnostic(_ rendered: String) -> String {
        var lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first else { return rendered }
        for (word, colour) in [("error:", boldRed), ("warning:", boldYellow), ("note:", boldCyan)] {
            let marker = first.hasPrefix(word) ? first.range(of: word) : first.range(of: " " + word)
            guard let range = marker else { continue }
            let location = String(first[..<range.lowerBound])
            let severity = String(first[range]).trimmingCharacters(in: .whitespaces)
            let gap = first[range].hasPrefix(" ") ? " " : ""
            lines[0] =
                (location.isEmpty ? "" : bold + location + reset) + gap + colour + severity + reset + String(first[range.upperBound...])
            break
        }
        for i in lines.indices.dropFirst() {
            let trimmed = lines[i].trimmingCharacters(in: .whitespaces)
            if trimmed == "^" {
                lines[i] = lines[i].replacingOccurrences(of: "^", with: boldGreen + "^" + reset)
            } else if trimmed.hasPrefix("note:") {
                lines[i] = lines[i].replacingOccurrences(of: "note:", with: boldCyan + "note:" + reset)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Writes a rendered diagnostic to standard error, coloured when it is a terminal.
    static func writeDiagnostic(_ rendered: String) {
        FileHandle.standardError.write(Data((standardError ? diagnostic(rendered) : rendered).utf8))
    }

    /// `word` in `colour` on standard output when it is coloured.
    static func onStandardOutput(_ word: String, _ colour: String) -> String {
        standardOutput ? colour + word + reset : word
    }
}
