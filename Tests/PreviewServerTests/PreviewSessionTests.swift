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
}
