import BuildEngine
import Foundation

/// Progress on standard error: a live line on a terminal, plain lines otherwise.
public final class TerminalProgress: ProgressSink, @unchecked Sendable {
    private let lock = NSLock()
    private let interactive: Bool
    private let verbose: Bool
    private var running: [String] = []
    private var fractions: [String: Double] = [:]
    private var counts = (done: 0, total: 0)

    public init(verbose: Bool = false) {
        interactive = isatty(STDERR_FILENO) != 0
        self.verbose = verbose
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    public func started(_ id: String, done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        running.append(id)
        counts = (done, total)
        if interactive { redraw(done: done, total: total) }
    }

    public func finished(_ id: String, origin: StepOrigin, seconds: Double, done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        running.removeAll { $0 == id }
        fractions[id] = nil
        counts = (done, total)
        if interactive {
            redraw(done: done, total: total)
            if done == total { write("\r\u{1B}[K") }
        } else if verbose || origin == .ran {
            let how = origin == .ran ? "ran" : origin == .local ? "cached" : "fetched from the remote cache"
            write(String(format: "[%d/%d] %@ %@ (%.3f s)\n", done, total, id, how, seconds))
        }
    }

    public func note(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        write((interactive ? "\r\u{1B}[K" : "") + message + "\n")
    }

    public func advanced(_ id: String, done: Int, total: Int) {
        guard interactive, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let fraction = Double(done) / Double(total)
        // Redraw at most every 1% of a long step.
        if let old = fractions[id], fraction - old < 0.01, done < total { return }
        fractions[id] = fraction
        redraw(done: counts.done, total: counts.total)
    }

    private func redraw(done: Int, total: Int) {
        var line = "\r\u{1B}[K[\(Self.bar(done: done, total: total, width: 24))] \(done)/\(total) \(running.first ?? "")"
        if let id = running.first(where: { fractions[$0] != nil }), let f = fractions[id] {
            line += "  \(id) [\(Self.bar(done: Int(f * 1000), total: 1000, width: 16))] \(Int(f * 100))%"
        }
        write(line)
    }

    static func bar(done: Int, total: Int, width: Int) -> String {
        let filled = total == 0 ? width : min(width, width * done / total)
        return String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    }

    /// A progress callback for one long computation outside a build (`reportgen fit`): a bar on a
    /// terminal, nothing otherwise.
    public static func bar(label: String) -> (@Sendable (Int, Int) -> Void)? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        let sink = TerminalProgress()
        sink.running = [label]
        return { done, total in sink.advanced(label, done: done, total: total) }
    }

    /// Clears the line a `bar(label:)` drew.
    public static func finishBar() {
        if isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
