import Foundation
import PreviewServer
import ReportgenCore
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A session on a fixture project, served for real on a free loopback port.
@Suite(.serialized) struct PreviewSessionTests {
    private func get(_ port: UInt16, _ path: String) async throws -> (Int, String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func rebuildsOnSaveShowsErrorsAndRecovers() async throws {
        let project = try FixtureProject(name: "preview")
        defer { project.remove() }
        let session = PreviewSession(builder: project.builder(), document: project.document, pollInterval: .milliseconds(20)) { _ in }
        let server = try await PreviewServer.start(session: session, port: 0)
        let watcher = Thread { session.run() }
        watcher.start()
        defer { session.stop() }

        #expect(await session.waitForGeneration(after: 0, limit: .seconds(120)) == 1)
        // What the first build read: the document and its data file.
        #expect(session.watchedPaths.contains("Reports/chinchilla.md"))
        #expect(session.watchedPaths.contains("Data/isoflop-small.csv"))
        let (status, page) = try await get(server.port, "/")
        #expect(status == 200)
        #expect(page.contains("For each of the nine compute budgets"))
        #expect(page.contains("src=\"/__reportgen/preview.js\" data-generation=\"1\""))
        // The file on disk is the report as built: no script.
        let built = String(decoding: try #require(project.bytes("build/chinchilla/report.html")), as: UTF8.self)
        #expect(!built.contains("__reportgen"))

        // A broken directive: the page is the located error.
        try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "approach: 2", with: "approach: 9") }
        #expect(await session.waitForGeneration(after: 1, limit: .seconds(60)) == 2)
        let (_, failed) = try await get(server.port, "/report.html")
        #expect(failed.contains("Reports/chinchilla.md:"))
        #expect(failed.contains("approach: 9"))
        let (_, state) = try await get(server.port, "/__reportgen/wait?after=1")
        #expect(state == "{\"generation\":2,\"state\":\"failed\"}\n")

        // A data change while the document is broken is still watched; fixing the document brings the report back.
        try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "approach: 9", with: "approach: 2") }
        #expect(await session.waitForGeneration(after: 2, limit: .seconds(60)) == 3)
        let (_, fixed) = try await get(server.port, "/")
        #expect(fixed.contains("For each of the nine compute budgets"))
        #expect(fixed.contains("data-generation=\"3\""))

        let (missing, _) = try await get(server.port, "/__reportgen/other")
        #expect(missing == 404)
        await server.stop()
    }

    /// A save written in pieces over several polls (a script, an editor writing a large file) is
    /// built once, when it is finished: no generation builds half a document.
    @Test func aSaveInPiecesIsBuiltWhenFinished() async throws {
        let project = try FixtureProject(name: "preview-pieces")
        defer { project.remove() }
        let outcomes = OutcomeLog()
        // Polls every 100 ms (the command's interval); a change settles when a poll 50 ms later finds nothing new.
        let session = PreviewSession(builder: project.builder(), document: project.document, pollInterval: .milliseconds(100)) {
            outcomes.append($0)
        }
        let watcher = Thread { session.run() }
        watcher.start()
        defer { session.stop() }
        #expect(await session.waitForGeneration(after: 0, limit: .seconds(120)) == 1)

        // The edited document, written in ten pieces 15 ms apart: 150 ms, more than a poll.
        let text = String(decoding: try #require(project.bytes("Reports/chinchilla.md")), as: UTF8.self)
            .replacingOccurrences(
                of: "For each of the nine compute budgets", with: "Written in pieces: for each of the nine compute budgets")
        let bytes = Array(text.utf8)
        let handle = try FileHandle(forWritingTo: project.document)
        try handle.truncate(atOffset: 0)
        let piece = bytes.count / 10 + 1
        for start in stride(from: 0, to: bytes.count, by: piece) {
            try handle.write(contentsOf: bytes[start..<min(start + piece, bytes.count)])
            try handle.synchronize()
            try await Task.sleep(for: .milliseconds(15))
        }
        try handle.close()
        #expect(await session.waitForGeneration(after: 1, limit: .seconds(60)) == 2)
        // Another poll's worth of time: nothing more to build.
        try await Task.sleep(for: .milliseconds(300))
        let built = outcomes.all.filter { $0.generation > 1 }
        #expect(built.count == 1, "\(built.map(\.generation))")
        #expect(built.allSatisfy { $0.failure == nil })
        let page = String(decoding: try #require(project.bytes("build/chinchilla/report.html")), as: UTF8.self)
        #expect(page.contains("Written in pieces"))
    }
}

/// The outcomes a session reports, collected across its watcher thread.
private final class OutcomeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [PreviewSession.Outcome] = []
    func append(_ outcome: PreviewSession.Outcome) { lock.withLock { outcomes.append(outcome) } }
    var all: [PreviewSession.Outcome] { lock.withLock { outcomes } }
}
