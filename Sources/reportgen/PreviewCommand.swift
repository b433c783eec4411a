import ArgumentParser
import Foundation
import PreviewServer
import ReportDocument
import ReportgenCore

/// `reportgen preview DOC`: build, serve the report on 127.0.0.1, rebuild on every save and
/// reload the page; Ctrl-C stops it (exit 0).
struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a document, serve its HTML report on 127.0.0.1, and rebuild and reload the page on every save.")

    @OptionGroup var options: DocumentOptions

    @Option(help: "The port to listen on (default: a free one, printed at start).")
    var port: Int = 0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
    }

    mutating func run() throws {
        let (builder, url) = try options.builder()
        let paths = builder.paths
        let session = PreviewSession(builder: builder, document: url) { outcome in
            Self.announce(outcome, paths: paths)
        }
        // Ctrl-C and SIGTERM end the wait below instead of killing the process, so the socket is closed first.
        let interrupted = try InterruptSignal()

        let started = Waiter<Result<PreviewServer, any Error>>()
        let requested = UInt16(port)
        Task {
            do { started.put(.success(try await PreviewServer.start(session: session, port: requested))) } catch {
                started.put(.failure(error))
            }
        }
        let server: PreviewServer
        switch started.take() {
        case .success(let s): server = s
        case .failure(let error):
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        Self.say("serving \(paths.relative(session.folder))/ at http://127.0.0.1:\(server.port)/ (Ctrl-C stops)")
        let watcher = Thread { session.run() }
        watcher.name = "preview watcher"
        watcher.start()

        interrupted.wait()
        session.stop()
        let stopped = DispatchSemaphore(value: 0)
        Task {
            await server.stop()
            stopped.signal()
        }
        stopped.wait()
        Self.say("stopped")
    }

    /// One line per finished build on standard output (unbuffered, for whoever reads it), errors on standard error.
    static func announce(_ outcome: PreviewSession.Outcome, paths: ProjectPaths) {
        let cause = outcome.changed.isEmpty ? "" : " after a change to \(outcome.changed.joined(separator: ", "))"
        if let failure = outcome.failure {
            let printer = DiagnosticPrinter(sources: failure.sources)
            for d in failure.diagnostics { FileHandle.standardError.write(Data(printer.render(d).utf8)) }
            let count = failure.diagnostics.filter { $0.severity == .error }.count
            say(
                String(
                    format: "generation %d: %d error%@%@, shown in the page (%.2f s)", outcome.generation, count, count == 1 ? "" : "s",
                    cause, outcome.seconds))
        } else if let s = outcome.summary {
            say(
                String(
                    format: "generation %d: built %@/%@: %d steps ran, %d cached (%.2f s)", outcome.generation,
                    paths.relative(s.outputDirectory), cause, s.ran.count, s.cached.count, outcome.seconds))
        }
    }

    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}

/// The write end of the pipe SIGINT and SIGTERM are reported through (a signal handler may only
/// do async-signal-safe things: it writes one byte).
nonisolated(unsafe) private var interruptWriteEnd: Int32 = -1

/// Waits for SIGINT or SIGTERM. The handlers are installed even where the shell started the
/// process with SIGINT ignored (a background job), so `kill -INT` stops it too.
final class InterruptSignal {
    private let readEnd: Int32

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            FileHandle.standardError.write(Data("error: cannot create a pipe for Ctrl-C: \(String(cString: strerror(errno)))\n".utf8))
            throw ExitCode(1)
        }
        readEnd = ends[0]
        interruptWriteEnd = ends[1]
        for number in [SIGINT, SIGTERM] {
            signal(number) { _ in
                var byte: UInt8 = 1
                _ = write(interruptWriteEnd, &byte, 1)
            }
        }
    }

    /// Blocks until one of the signals has arrived.
    func wait() {
        var byte: UInt8 = 0
        while read(readEnd, &byte, 1) < 0 && errno == EINTR {}
    }
}

/// Hands one value from an asynchronous task to a thread that waits for it.
final class Waiter<Value: Sendable>: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var value: Value?
    func put(_ v: Value) {
        lock.withLock { value = v }
        ready.signal()
    }
    /// Waits until `put` has been called.
    func take() -> Value {
        while true {
            ready.wait()
            if let v = lock.withLock({ value }) { return v }
        }
    }
}
