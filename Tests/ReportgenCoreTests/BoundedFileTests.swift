import BuildEngine
import Foundation
import ReportgenCore
import TestSupport
import Testing

/// Input files are read only when they are regular files within their limit, and an oversized
/// one is refused before a byte of it is read.
@Suite struct BoundedFileTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bounded-\(ProcessInfo.processInfo.processIdentifier)")

    init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

    @Test func readsSmallFilesAndRefusesLargeOnesByTheirSize() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let small = folder.appendingPathComponent("small.csv")
        try Data("a,b\n1,2\n".utf8).write(to: small)
        #expect(BoundedFile.read(small.path, limit: 8) == .bytes(Array("a,b\n1,2\n".utf8)))
        #expect(BoundedFile.read(small.path, limit: 7) == .tooLarge(bytes: 8))
        // A sparse file of 3 GiB: refused by its size at once, with nothing read.
        let huge = folder.appendingPathComponent("huge.csv")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 3 << 30)
        try handle.close()
        #expect(BoundedFile.read(huge.path, limit: 128 << 20) == .tooLarge(bytes: 3 << 30))
        #expect(BoundedFile.read(folder.appendingPathComponent("missing.csv").path, limit: 8) == .unreadable)
        #expect(BoundedFile.read(folder.path, limit: 8) == .notARegularFile)
        // A named pipe would block the build until a writer came: it is refused unopened.
        let pipe = folder.appendingPathComponent("pipe.csv")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        #expect(BoundedFile.read(pipe.path, limit: 8) == .notARegularFile)
    }

    @Test func anOversizedDataSourceIsALocatedErrorThatReadsNothing() throws {
        let project = try FixtureProject(name: "bounded")
        defer { project.remove() }
        let huge = project.root.appendingPathComponent("Data/huge.csv")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "Data/isoflop-small.csv", with: "Data/huge.csv") }
        do {
            _ = try project.build()
            Issue.record("an oversized data file built")
        } catch let failure as BuildFailure {
            let d = try #require(failure.diagnostics.first { $0.message.contains("huge.csv") }, "\(failure.diagnostics)")
            #expect(d.message.contains("is 1\u{2009}073\u{2009}741\u{2009}824 bytes (1024 MiB), more than the limit"), "\(d.message)")
            #expect(d.message.contains("nothing of it was read"))
            #expect(d.location != nil && d.file == "Reports/chinchilla.md")
        }
    }
}
