import Foundation

/// Progress on standard error: a live line on a terminal, plain lines otherwise.
public final class TerminalProgress: ProgressSink, @unchecked Sendable {
    private let lock = NSLock()
    private let interactive: Bool
    private let verbose: Bool
    private var running: [String] = []

    public init(verbose: Bool = false) {
        interactive = isatty(STDERR_FILENO) != 0
        self.verbose = verbose
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    public func started(_ id: String, done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        running.append(id)
        if interactive { redraw(done: done, total: total) }
    }

    public func finished(_ id: String, cached: Bool, seconds: Double, done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        running.removeAll { $0 == id }
        if interactive {
            redraw(done: done, total: total)
            if done == total { write("\r\u{1B}[K") }
        } else if verbose || !cached {
            write(String(format: "[%d/%d] %@ %@ (%.2f s)\n", done, total, id, cached ? "cached" : "ran", seconds))
        }
    }

    public func note(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        write((interactive ? "\r\u{1B}[K" : "") + message + "\n")
    }

    private func redraw(done: Int, total: Int) {
        let width = 24
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        write("\r\u{1B}[K[\(bar)] \(done)/\(total) \(running.first ?? "")")
    }
}
