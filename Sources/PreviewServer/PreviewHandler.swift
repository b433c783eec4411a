import FlyingFox
import Foundation

/// Answers the browser's requests: the report folder's files (report.html with the reload
/// script), the error page while the document does not build, the script and the long-poll
/// endpoint. GET and HEAD only; requests whose `Host` is not this loopback server are refused,
/// so a page elsewhere cannot read the report through a DNS name rebound to 127.0.0.1.
public struct PreviewHandler: HTTPHandler {
    public let session: PreviewSession
    /// The port the server listens on, for the `Host` check (known once it listens: port 0 asks
    /// the system for a free one).
    public let port: ListeningPort
    /// How long a long-poll request waits for a new generation before answering with the same one.
    public var waitLimit: Duration = .seconds(10)

    public init(session: PreviewSession, port: ListeningPort) {
        self.session = session
        self.port = port
    }

    public func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return Self.text(.methodNotAllowed, "only GET and HEAD\n", extra: [HTTPHeader("Allow"): "GET, HEAD"])
        }
        guard hostIsLoopback(request.headers[.host]) else {
            return Self.text(.forbidden, "preview answers only to 127.0.0.1 and localhost\n")
        }
        let rawPath = request.target.path(percentEncoded: true)
        if rawPath == PreviewPage.scriptPath {
            return Self.response(.ok, Data(PreviewPage.script.utf8), type: "text/javascript; charset=utf-8")
        }
        if rawPath == PreviewPage.waitPath {
            let after = request.query.first { $0.name == "after" }.flatMap { Int($0.value) } ?? -1
            let generation = await session.waitForGeneration(after: after, limit: waitLimit)
            let state: String
            switch session.content {
            case .report: state = "built"
            case .errors: state = "failed"
            }
            return Self.response(.ok, Data("{\"generation\":\(generation),\"state\":\"\(state)\"}\n".utf8), type: "application/json")
        }
        if rawPath.hasPrefix(PreviewPage.endpointPrefix) { return Self.text(.notFound, "not found\n") }
        let generation = session.generation
        let isPage = rawPath == "/" || rawPath == "/report.html"
        if isPage, case .errors(let page, _) = session.content {
            return Self.response(.ok, Data(page.utf8), type: "text/html; charset=utf-8")
        }
        switch ServedFile.resolve(rawPath: isPage ? "/report.html" : rawPath, in: session.folder) {
        case .failure(.forbidden(let path)):
            return Self.text(.forbidden, "the path '\(path)' is not allowed\n")
        case .failure(.notFound(let path)):
            return Self.text(.notFound, "no file '\(path)' in the report folder\n")
        case .success(let file):
            guard let bytes = FileManager.default.contents(atPath: file.path) else { return Self.text(.notFound, "not found\n") }
            let type = ServedFile.contentType(of: file)
            if file.pathExtension.lowercased() == "html" {
                let html = PreviewPage.injectingReload(into: String(decoding: bytes, as: UTF8.self), generation: generation)
                return Self.response(.ok, Data(html.utf8), type: type)
            }
            return Self.response(.ok, bytes, type: type)
        }
    }

    func hostIsLoopback(_ host: String?) -> Bool {
        guard let host, let port = port.value else { return false }
        return ["127.0.0.1:\(port)", "localhost:\(port)"].contains(host.lowercased())
    }

    static func response(_ status: HTTPStatusCode, _ body: Data, type: String, extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        for key in extra.keys.sorted(by: { $0.rawValue < $1.rawValue }) { headers[key] = extra[key] }
        return HTTPResponse(statusCode: status, headers: headers, body: body)
    }

    static func text(_ status: HTTPStatusCode, _ message: String, extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
        response(status, Data(message.utf8), type: "text/plain; charset=utf-8", extra: extra)
    }
}
