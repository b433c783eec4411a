import Foundation
import PreviewServer
import Testing

/// Which request paths reach which files: only regular files inside the report folder.
@Suite struct ServedFileTests {
    /// A report folder with a figure, a secret beside the folder, a link leading out of it and one inside it.
    private func makeFolder() throws -> (root: URL, folder: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("served-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("build/report")
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("figures"), withIntermediateDirectories: true)
        try Data("<html></html>".utf8).write(to: folder.appendingPathComponent("report.html"))
        try Data("<svg/>".utf8).write(to: folder.appendingPathComponent("figures/a b.svg"))
        try Data("secret".utf8).write(to: root.appendingPathComponent("secret.txt"))
        try fm.createSymbolicLink(
            atPath: folder.appendingPathComponent("out.txt").path, withDestinationPath: root.appendingPathComponent("secret.txt").path)
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("up").path, withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("inside.html").path, withDestinationPath: "report.html")
        return (root, folder)
    }

    @Test func servesFilesOfTheFolder() throws {
        let (root, folder) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let real = URL(fileURLWithPath: folder.path).resolvingSymlinksInPath()
        #expect(try ServedFile.resolve(rawPath: "/report.html", in: folder).get().lastPathComponent == "report.html")
        #expect(try ServedFile.resolve(rawPath: "/figures/a%20b.svg", in: folder).get().path.hasSuffix("/figures/a b.svg"))
        // A link that stays inside the folder is its target.
        #expect(try ServedFile.resolve(rawPath: "/inside.html", in: folder).get().path == real.appendingPathComponent("report.html").path)
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/figures/..%2F..%2Fsecret.txt",
        "/./report.html", "/figures\\..\\..\\secret.txt", "/report.html%00.png", "/%ZZ",
    ])
    func refusesStepsOutOfTheFolder(path: String) throws {
        let (root, folder) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        guard case .failure(.forbidden) = ServedFile.resolve(rawPath: path, in: folder) else {
            Issue.record("\(path) was not refused as forbidden")
            return
        }
    }

    @Test(arguments: ["/out.txt", "/up/secret.txt", "/figures", "/", "/missing.html"])
    func findsNothingOutsideOrMissing(path: String) throws {
        let (root, folder) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        guard case .failure(.notFound) = ServedFile.resolve(rawPath: path, in: folder) else {
            Issue.record("\(path) was served")
            return
        }
    }

    /// An absolute path in the request is read inside the folder, never as a path of the machine.
    @Test func absolutePathsStayInTheFolder() throws {
        let (root, folder) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let secret = root.appendingPathComponent("secret.txt").path
        #expect(throws: ServedFile.Refusal.self) { try ServedFile.resolve(rawPath: secret, in: folder).get() }
        #expect(throws: ServedFile.Refusal.self) { try ServedFile.resolve(rawPath: "/" + secret, in: folder).get() }
    }
}
