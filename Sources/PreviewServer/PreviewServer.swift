import FlyingFox
import FlyingSocks
import Foundation

/// The port a server listens on, set once it does.
public final class ListeningPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port: UInt16?
    public init() {}
    public var value: UInt16? { lock.withLock { port } }
    func set(_ value: UInt16) { lock.withLock { port = value } }
}

/// Why the server's task ended, when it failed.
final class RunFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    var value: String? { lock.withLock { reason } }
    func set(_ value: String) { lock.withLock { reason = value } }
}

/// The preview's HTTP server: FlyingFox on 127.0.0.1 only, serving one `PreviewSession`.
public final class PreviewServer: Sendable {
    public enum StartError: Error, CustomStringConvertible {
        case cannotListen(port: UInt16, reason: String)
        public var description: String {
            switch self {
            case .cannotListen(let port, let reason):
                return port == 0
                    ? "cannot listen on 127.0.0.1: \(reason)" : "cannot listen on 127.0.0.1:\(port): \(reason) (choose another with --port)"
            }
        }
    }

    private let server: HTTPServer
    private let task: Task<Void, any Error>
    /// The port it listens on (the one asked for, or the free one the system chose for port 0).
    public let port: UInt16

    private init(server: HTTPServer, task: Task<Void, any Error>, port: UInt16) {
        self.server = server
        self.task = task
        self.port = port
    }

    /// Starts listening on 127.0.0.1:`port` (0: a free port) and returns once it does.
    public static func start(session: PreviewSession, port requested: UInt16) async throws -> PreviewServer {
        let listening = ListeningPort()
        let address: sockaddr_in
        do { address = try .inet(ip4: "127.0.0.1", port: requested) } catch {
            throw StartError.cannotListen(port: requested, reason: "\(error)")
        }
        let server = HTTPServer(
            address: address, timeout: 30, logger: .disabled, handler: PreviewHandler(session: session, port: listening))
        let failure = RunFailure()
        let task = Task {
            do { try await server.run() } catch {
                failure.set("\(error)")
                throw error
            }
        }
        // Listening, or the reason it cannot (a port in use fails at once), within ten seconds.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while await !server.isListening {
            if let reason = failure.value {
                throw StartError.cannotListen(port: requested, reason: reason)
            }
            if clock.now >= deadline {
                task.cancel()
                throw StartError.cannotListen(port: requested, reason: "the server did not start within 10 s")
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard let bound = await server.listeningAddress, case .ip4(_, let port) = bound else {
            await server.stop()
            throw StartError.cannotListen(port: requested, reason: "the server reports no IPv4 address")
        }
        listening.set(port)
        return PreviewServer(server: server, task: task, port: port)
    }

    /// Closes the listening socket and every connection (open long polls included), and waits
    /// until the server has stopped, so the port is free when this returns.
    public func stop() async {
        await server.stop(timeout: 0.5)
        task.cancel()
        _ = await task.result
    }
}
