import Foundation
import PreviewServer
import Testing

@Suite struct WatchSetTests {
    @Test func seesRewritesCreationAndDeletion() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a.csv")
        try Data("x,1\n".utf8).write(to: a)
        var watch = WatchSet(root: root, paths: ["b.md", "a.csv", "a.csv"])
        #expect(watch.paths == ["a.csv", "b.md"])
        #expect(watch.poll().isEmpty)
        // The same size, rewritten in place: the modification time (nanoseconds) tells.
        Thread.sleep(forTimeInterval: 0.01)
        let handle = try FileHandle(forWritingTo: a)
        try handle.write(contentsOf: Data("y,2\n".utf8))
        try handle.close()
        #expect(watch.poll() == ["a.csv"])
        #expect(watch.poll().isEmpty)
        try Data("new".utf8).write(to: root.appendingPathComponent("b.md"))
        #expect(watch.poll() == ["b.md"])
        try FileManager.default.removeItem(at: a)
        #expect(watch.poll() == ["a.csv"])
    }

    /// A file saved between the poll that started a build and the end of that build still counts.
    @Test func keptPathsKeepTheirFingerprint() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("1".utf8).write(to: root.appendingPathComponent("doc.md"))
        var watch = WatchSet(root: root, paths: ["doc.md"])
        try Data("22".utf8).write(to: root.appendingPathComponent("doc.md"))
        try Data("d".utf8).write(to: root.appendingPathComponent("data.csv"))
        watch.replacePaths(with: ["doc.md", "data.csv"])
        #expect(watch.poll() == ["doc.md"])
    }
}
