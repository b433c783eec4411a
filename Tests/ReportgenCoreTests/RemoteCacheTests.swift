import Foundation
import ReportDocument
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

#if canImport(Glibc)
    import Glibc
#endif

// The remote cache against a real server: nginx's WebDAV module on a loopback port, with a
// temporary configuration and prefix (Debian's `nginx` package; `make deps` installs it).

/// nginx serving one folder over WebDAV (GET, HEAD, PUT) on 127.0.0.1.
final class WebDAVServer: @unchecked Sendable {
    let prefix: URL
    let port: UInt16
    private let process = Process()
    private let lock = NSLock()
    private var stopped = false

    var url: URL { URL(string: "http://127.0.0.1:\(port)/cache")! }
    var store: URL { prefix.appendingPathComponent("store/cache") }

    /// `writeToken`: when given, PUT needs `Authorization: Bearer <token>` (reads stay open).
    init(writeToken: String? = nil) throws {
        let binary = "/usr/sbin/nginx"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestFailure("nginx is not installed (make deps installs Debian's nginx package)")
        }
        prefix = FileManager.default.temporaryDirectory.appendingPathComponent("reportgen-nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("store/cache"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("temp"), withIntermediateDirectories: true)
        port = try freeLoopbackPort()
        let p = prefix.path
        let auth =
            writeToken.map { token in
                """
                    map "$request_method:$http_authorization" $refused {
                        default 1;
                        "~^(GET|HEAD):" 0;
                        "PUT:Bearer \(token)" 0;
                    }
                """
            } ?? "    map $request_method $refused { default 0; }"
        let config = """
            \(getuid() == 0 ? "user root root;" : "")
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(p)/nginx.pid;
            error_log \(p)/error.log;
            events { worker_connections 64; }
            http {
                access_log \(p)/access.log;
                client_body_temp_path \(p)/temp/body;
                proxy_temp_path \(p)/temp/proxy;
                fastcgi_temp_path \(p)/temp/fastcgi;
                uwsgi_temp_path \(p)/temp/uwsgi;
                scgi_temp_path \(p)/temp/scgi;
                client_max_body_size 64m;
            \(auth)
                server {
                    listen 127.0.0.1:\(port);
                    root \(p)/store;
                    location /cache/ {
                        if ($refused) { return 401; }
                        dav_methods PUT DELETE;
                        create_full_put_path on;
                        dav_access user:rw group:r all:r;
                    }
                }
            }

            """
        let configURL = prefix.appendingPathComponent("nginx.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", p, "-e", "\(p)/error.log", "-c", configURL.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when the port accepts connections.
        for _ in 0..<200 {
            if canConnect(port: port) { return }
            if !process.isRunning { break }
            usleep(25_000)
        }
        let log = (try? String(contentsOf: prefix.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        stop()
        throw TestFailure("nginx did not start on port \(port): \(log)")
    }

    /// Stops the server (fast shutdown) and waits for it to exit; later calls do nothing.
    func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first, process.isRunning else { return }
        process.terminate()
        for _ in 0..<100 where process.isRunning { usleep(20_000) }
        // A child may inherit a blocked SIGTERM from the thread that started it.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func remove() {
        stop()
        try? FileManager.default.removeItem(at: prefix)
    }

    func file(_ path: String) -> URL { store.appendingPathComponent(path) }

    /// Entries on the server, as `ac/<key>` and `cas/<hash>` paths.
    func entries() -> [String] {
        var out: [String] = []
        for folder in ["ac", "cas"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: store.appendingPathComponent(folder).path)) ?? []
            out += names.filter { !$0.hasPrefix(".") }.map { "\(folder)/\($0)" }
        }
        return out.sorted()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A TCP socket bound to 127.0.0.1 on a port the kernel chooses, and that port.
func boundLoopbackSocket() throws -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
    var address = loopbackAddress(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else {
        close(fd)
        throw TestFailure("bind: \(errno)")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}

/// A port nothing listens on now.
func freeLoopbackPort() throws -> UInt16 {
    let (fd, port) = try boundLoopbackSocket()
    close(fd)
    return port
}

func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

func canConnect(port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = loopbackAddress(port: port)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// A server that never answers: a listening socket that nobody accepts on. Connections complete
/// (the kernel queues them) and requests are sent, but no reply ever comes.
final class SilentServer {
    let fd: Int32
    let port: UInt16

    init() throws {
        (fd, port) = try boundLoopbackSocket()
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw TestFailure("listen: \(errno)")
        }
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/cache")! }

    deinit { close(fd) }
}

/// Calls `action` once, when the first step finishes.
final class FirstStepHook: ProgressSink, @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private let action: @Sendable () -> Void
    init(_ action: @escaping @Sendable () -> Void) { self.action = action }
    func started(_ id: String, done: Int, total: Int) {}
    func finished(_ id: String, origin: StepOrigin, seconds: Double, done: Int, total: Int) {
        let first = lock.withLock {
            defer { fired = true }
            return !fired
        }
        if first { action() }
    }
    func note(_ message: String) {}
}

extension FixtureProject {
    func builder(remote: RemoteCacheSettings?, progress: any ProgressSink = SilentProgress()) -> Builder {
        Builder(paths: ProjectPaths(root: root), options: BuildOptions(jobs: 2, remoteCache: remote, progress: progress))
    }

    /// Every step's key in the last build, by step id.
    func stepKeys() throws -> [String: String] {
        let state = try #require(BuildState.load(from: root.appendingPathComponent(".reportgen/state/chinchilla.json")))
        return Dictionary(uniqueKeysWithValues: state.steps.map { ($0.id, $0.key) })
    }
}

/// Builds the fixture in a first clone with uploads on; returns its outputs and step keys.
private func seed(_ server: WebDAVServer) throws -> (outputs: [String: Data], keys: [String: String], summary: BuildSummary) {
    let first = try FixtureProject(name: "seed")
    defer { first.remove() }
    let summary = try first.builder(remote: RemoteCacheSettings(url: server.url, upload: true)).build(document: first.document)
    return (first.outputs(), try first.stepKeys(), summary)
}

@Test func actionResultsAreBazelsWireFormatAndMalformedOnesDoNotDecode() throws {
    // ActionResult{output_files: [OutputFile{path: "p", digest: Digest{hash: "h", size_bytes: 3}}]},
    // encoded by hand from remote_execution.proto's field numbers.
    let expected: [UInt8] = [0x12, 0x0A, 0x0A, 0x01, 0x70, 0x12, 0x05, 0x0A, 0x01, 0x68, 0x10, 0x03]
    #expect(ActionResultCoding.encode(path: "p", hash: "h", size: 3) == expected)
    #expect(ActionResultCoding.decode(expected) == [.init(path: "p", hash: "h", size: 3)])
    // Fields the cache does not use (exit_code = 4, a varint; stdout_raw = 5, bytes) are skipped.
    #expect(ActionResultCoding.decode([0x20, 0x00, 0x2A, 0x02, 0x41, 0x42] + expected) == [.init(path: "p", hash: "h", size: 3)])
    let long = ActionResultCoding.encode(
        path: "reportgen/steps/" + String(repeating: "a", count: 64), hash: String(repeating: "b", count: 64), size: 1 << 20)
    #expect(ActionResultCoding.decode(long)?.first?.size == 1 << 20)
    for cut in 1..<long.count { #expect(ActionResultCoding.decode(Array(long.prefix(cut))) == nil) }
    #expect(ActionResultCoding.decode(Array("<html>not found</html>".utf8)) == nil)
}

@Test func secondCloneBuildsFromTheRemoteWithNoStepRun() throws {
    let server = try WebDAVServer()
    defer { server.remove() }
    let (clean, keys, first) = try seed(server)
    #expect(first.uploaded == first.ran.count)
    #expect(server.entries().filter { $0.hasPrefix("ac/") }.count == keys.count)

    let clone = try FixtureProject(name: "clone")
    defer { clone.remove() }
    let before = server.entries()
    let settings = RemoteCacheSettings(url: server.url)
    let explained = try clone.builder(remote: settings).explain(document: clone.document)
    #expect(explained.components(separatedBy: "in the remote cache: would be fetched").count - 1 == keys.count)
    let second = try clone.builder(remote: settings).build(document: clone.document)
    #expect(second.ran.isEmpty)
    #expect(second.fromRemote.count == keys.count)
    #expect(second.uploaded == 0)
    #expect(server.entries() == before, "a read-only build wrote to the server")
    // The same bytes as a cold build, manifest included: where a step came from is not an output.
    #expect(clone.outputs() == clean)
    let state = try #require(BuildState.load(from: clone.root.appendingPathComponent(".reportgen/state/chinchilla.json")))
    #expect(state.steps.allSatisfy { $0.origin == .remote })
    #expect(try clone.builder(remote: settings).explain(document: clone.document).contains("last build fetched it from the remote cache"))
    // Fetched entries are now local: the next build without outputs reads them from the local store.
    try FileManager.default.removeItem(at: clone.root.appendingPathComponent("build"))
    server.stop()
    let third = try clone.builder(remote: nil).build(document: clone.document)
    #expect(third.ran.isEmpty && third.fromRemote.isEmpty)
}

@Test func corruptTruncatedAndForeignRemoteEntriesAreRecomputedWithNotes() throws {
    let server = try WebDAVServer()
    defer { server.remove() }
    let (clean, keys, _) = try seed(server)
    func blob(of step: String) throws -> URL {
        let entry = try Data(contentsOf: server.file("ac/\(try #require(keys[step]))"))
        let hash = try #require(ActionResultCoding.decode([UInt8](entry))?.first?.hash)
        return server.file("cas/\(hash)")
    }
    // A flipped byte, a cut blob, and a valid action result of another step under this one's key.
    var flipped = try Data(contentsOf: try blob(of: "figure:fig-isoflops"))
    flipped[flipped.count / 2] ^= 0x01
    try flipped.write(to: try blob(of: "figure:fig-isoflops"))
    let truncated = try Data(contentsOf: try blob(of: "results"))
    try truncated.prefix(truncated.count / 2).write(to: try blob(of: "results"))
    let foreign = try Data(contentsOf: server.file("ac/\(try #require(keys["render:fig-isoflops.png"]))"))
    try foreign.write(to: server.file("ac/\(try #require(keys["render:fig-isoflops.svg"]))"))

    let clone = try FixtureProject(name: "clone")
    defer { clone.remove() }
    let summary = try clone.builder(remote: RemoteCacheSettings(url: server.url)).build(document: clone.document)
    // Only the three damaged entries run: their outputs, hence their dependants' keys, are unchanged.
    #expect(Set(summary.ran) == ["figure:fig-isoflops", "results", "render:fig-isoflops.svg"])
    let notes = summary.diagnostics.map(\.message)
    #expect(notes.contains { $0.contains("figure:fig-isoflops") && $0.contains("checksum mismatch") })
    #expect(notes.contains { $0.contains("results") && $0.contains("truncated") })
    #expect(notes.contains { $0.contains("render:fig-isoflops.svg") && $0.contains("stored under another key") })
    #expect(clone.outputs() == clean)

    // A seeding build repairs the entries it found invalid; the next clone runs nothing.
    let repairer = try FixtureProject(name: "repair")
    defer { repairer.remove() }
    _ = try repairer.builder(remote: RemoteCacheSettings(url: server.url, upload: true)).build(document: repairer.document)
    let last = try FixtureProject(name: "last")
    defer { last.remove() }
    #expect(try last.builder(remote: RemoteCacheSettings(url: server.url)).build(document: last.document).ran.isEmpty)
}

@Test func serverStoppedMidBuildLeavesOneWarningAndALocalBuild() throws {
    let server = try WebDAVServer()
    defer { server.remove() }
    let (clean, keys, _) = try seed(server)
    let clone = try FixtureProject(name: "clone")
    defer { clone.remove() }
    let summary = try clone.builder(remote: RemoteCacheSettings(url: server.url, retries: 2), progress: FirstStepHook { server.stop() })
        .build(document: clone.document)
    #expect(!summary.fromRemote.isEmpty, "the first step came from the remote")
    #expect(!summary.ran.isEmpty, "the rest ran locally")
    #expect(summary.ran.count + summary.cached.count == keys.count)
    let warnings = summary.diagnostics.filter { $0.message.hasPrefix("warning: remote cache") }
    #expect(warnings.count == 1)
    #expect(warnings.first?.message.contains("building without it") == true)
    #expect(clone.outputs() == clean)
}

@Test func silentServerTimesOutAndTheBuildGoesOnLocally() throws {
    let silent = try SilentServer()
    let project = try FixtureProject()
    defer { project.remove() }
    let started = Date()
    let summary = try project.builder(remote: RemoteCacheSettings(url: silent.url, upload: true, timeout: 0.5, retries: 1)).build(
        document: project.document)
    let elapsed = Date().timeIntervalSince(started)
    #expect(summary.fromRemote.isEmpty)
    let warnings = summary.diagnostics.filter { $0.message.hasPrefix("warning: remote cache") }
    #expect(warnings.count == 1)
    // Two attempts of 0.5 s per request in flight (two jobs), then the cache is off: the build
    // costs a few seconds more at most, however many steps it has.
    let local = try FixtureProject()
    defer { local.remove() }
    let localStart = Date()
    _ = try local.builder(remote: nil).build(document: local.document)
    #expect(elapsed < Date().timeIntervalSince(localStart) + 5, "the silent server cost \(elapsed) s")
}

@Test func uploadsWithoutTheTokenAreRefusedOnceAndWithItTheyLand() throws {
    let server = try WebDAVServer(writeToken: "s3cret")
    defer { server.remove() }
    let anonymous = try FixtureProject(name: "anonymous")
    defer { anonymous.remove() }
    let refused = try anonymous.builder(remote: RemoteCacheSettings(url: server.url, upload: true)).build(document: anonymous.document)
    #expect(refused.uploaded == 0)
    #expect(server.entries().isEmpty)
    #expect(refused.diagnostics.filter { $0.message.contains("refused an upload") }.count == 1)

    let ci = try FixtureProject(name: "ci")
    defer { ci.remove() }
    let seeded = try ci.builder(remote: RemoteCacheSettings(url: server.url, upload: true, credentials: .bearer("s3cret"))).build(
        document: ci.document)
    #expect(seeded.uploaded == seeded.ran.count + seeded.cached.count)
    #expect(!server.entries().isEmpty)
    let reviewer = try FixtureProject(name: "reviewer")
    defer { reviewer.remove() }
    #expect(try reviewer.builder(remote: RemoteCacheSettings(url: server.url)).build(document: reviewer.document).ran.isEmpty)
}

@Test func localEntryCopiedUnderAnotherKeyIsRebuiltWithANote() throws {
    // Issue 19 item 4: before entries recorded their key, this copy was served as the SVG.
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.builder().build(document: project.document)
    let clean = project.outputs()
    let keys = try project.stepKeys()
    let store = ContentStore(directory: project.root.appendingPathComponent(".reportgen/cache"))
    let png = store.path(try #require(keys["render:fig-isoflops.png"]))
    let svg = store.path(try #require(keys["render:fig-isoflops.svg"]))
    try FileManager.default.removeItem(at: svg)
    try FileManager.default.copyItem(at: png, to: svg)
    try FileManager.default.removeItem(at: project.root.appendingPathComponent("build"))
    let summary = try project.builder().build(document: project.document)
    #expect(summary.ran == ["render:fig-isoflops.svg"])
    #expect(
        summary.diagnostics.contains { $0.message.contains("render:fig-isoflops.svg") && $0.message.contains("stored under another key") })
    #expect(project.outputs() == clean)
}

@Test func storeEntriesAreBoundToTheirKey() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reportgen-store-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = ContentStore(directory: directory)
    let a = SHA256.hex("a"), b = SHA256.hex("b")
    try store.write(a, Array("payload".utf8))
    #expect(store.read(a) == .hit(Array("payload".utf8)))
    try FileManager.default.createDirectory(at: store.path(b).deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: store.path(a), to: store.path(b))
    guard case .corrupt(let why) = store.read(b) else {
        Issue.record("an entry copied under another key was served")
        return
    }
    #expect(why.contains("another key"))
}

@Test func remoteCacheSettingsComeFromFlagEnvironmentOrProjectFileNeverTheDocument() throws {
    let project = try ProjectFile.parse("remote-cache:\n  url: http://team-cache:8080/reportgen/\n  timeout: 3\n  retries: 1\n")
    // The project file alone: read-only, anonymous, its timeout and retries.
    let fromFile = try #require(
        try RemoteCacheSettings.resolve(
            flagURL: nil, flagUpload: false, disabled: false, environment: ["REPORTGEN_REMOTE_CACHE_TOKEN": "t"], project: project))
    #expect(
        fromFile
            == RemoteCacheSettings(
                url: URL(string: "http://team-cache:8080/reportgen")!, upload: false, timeout: 3, retries: 1, credentials: nil))
    // The environment overrides it and may carry a token and uploads; the flag overrides both.
    let environment = [
        "REPORTGEN_REMOTE_CACHE": "https://ci-cache/r", "REPORTGEN_REMOTE_CACHE_TOKEN": "t", "REPORTGEN_REMOTE_CACHE_UPLOAD": "1",
    ]
    let fromEnvironment = try #require(
        try RemoteCacheSettings.resolve(flagURL: nil, flagUpload: false, disabled: false, environment: environment, project: project))
    #expect(
        fromEnvironment.url.absoluteString == "https://ci-cache/r" && fromEnvironment.upload && fromEnvironment.credentials == .bearer("t"))
    let fromFlag = try RemoteCacheSettings.resolve(
        flagURL: "http://other:1/x", flagUpload: false, disabled: false, environment: environment, project: project)
    #expect(fromFlag?.url.absoluteString == "http://other:1/x")
    #expect(
        try RemoteCacheSettings.resolve(
            flagURL: "http://other:1/x", flagUpload: true, disabled: true, environment: environment, project: project) == nil)
    #expect(
        try RemoteCacheSettings.resolve(flagURL: nil, flagUpload: false, disabled: false, environment: [:], project: ProjectFile()) == nil)

    // Uploads to a URL the checkout chose are refused, as are URLs with credentials or odd schemes.
    #expect(throws: BuildFailure.self) {
        try RemoteCacheSettings.resolve(flagURL: nil, flagUpload: true, disabled: false, environment: [:], project: project)
    }
    #expect(throws: BuildFailure.self) {
        try RemoteCacheSettings.resolve(
            flagURL: "http://u:p@host/x", flagUpload: false, disabled: false, environment: [:], project: ProjectFile())
    }
    #expect(throws: BuildFailure.self) {
        try RemoteCacheSettings.resolve(
            flagURL: "file:///etc", flagUpload: false, disabled: false, environment: [:], project: ProjectFile())
    }
    #expect(throws: BuildFailure.self) {
        try RemoteCacheSettings.resolve(flagURL: nil, flagUpload: true, disabled: false, environment: [:], project: ProjectFile())
    }

    // reportgen.yaml errors point at their line; uploads and tokens cannot be set there.
    do {
        _ = try ProjectFile.parse("remote-cache:\n  url: http://x\n  upload: true\n")
        Issue.record("upload in reportgen.yaml was accepted")
    } catch {
        #expect(error.diagnostics.first?.location?.line == 3)
        #expect(error.diagnostics.first?.file == "reportgen.yaml")
    }
    do {
        _ = try ProjectFile.parse("remote-cahce: http://x\n")
        Issue.record("a misspelt key was accepted")
    } catch {
        #expect(error.diagnostics.first?.message.contains("did you mean 'remote-cache'") == true)
    }
    do {
        _ = try ProjectFile.parse("remote-cache:\n  url: http://x\n  timeout: -1\n")
        Issue.record("a negative timeout was accepted")
    } catch {
        #expect(error.diagnostics.first?.location?.line == 3)
    }
    // Numbers in the project file are decimal, as in documents: `0x10` is not 16 seconds.
    for spelling in ["timeout: 0x10", "timeout: inf", "retries: 0x1"] {
        do {
            _ = try ProjectFile.parse("remote-cache:\n  url: http://x\n  \(spelling)\n")
            Issue.record("'\(spelling)' was accepted")
        } catch {
            #expect(error.diagnostics.first?.location?.line == 3, "\(spelling)")
        }
    }
    #expect(throws: BuildFailure.self) {
        try RemoteCacheSettings.resolve(
            flagURL: nil, flagUpload: false, disabled: false, environment: [:], project: try ProjectFile.parse("remote-cache: ftp://x\n"))
    }
}

@Test func aDocumentCannotChooseTheRemoteCache() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") {
        $0.replacingOccurrences(of: "date: 2022-03-29\n", with: "date: 2022-03-29\nremote-cache: http://attacker.example/\n")
    }
    do {
        _ = try project.builder().build(document: project.document)
        Issue.record("a document's front matter set the remote cache")
    } catch {
        #expect(error.diagnostics.contains { $0.message.contains("unknown key 'remote-cache'") && $0.location?.line == 5 })
    }
}

/// Runs the built command-line tool in `directory` with the remote-cache variables of this
/// process's environment replaced by `environment`; returns the exit status, stdout and stderr.
private func runTool(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> (
    status: Int32, out: String, err: String
) {
    let binary = FixtureProject.repositoryRoot.appendingPathComponent(".build/debug/reportgen")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        throw TestFailure("no \(binary.path): build it with swift build")
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("REPORTGEN_REMOTE_CACHE") }.merging(environment) {
        $1
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

@Test func commandLineTakesTheRemoteFromTheEnvironmentAndReportsBadSettingsAtTheirLine() throws {
    let server = try WebDAVServer()
    defer { server.remove() }
    let ci = try FixtureProject(name: "ci")
    defer { ci.remove() }
    let seeded = try runTool(
        ["build", "Reports/chinchilla.md", "--remote-cache-upload"], in: ci.root,
        environment: ["REPORTGEN_REMOTE_CACHE": server.url.absoluteString])
    #expect(seeded.status == 0, "\(seeded.err)")
    #expect(seeded.out.contains("(0 from the remote cache, 8 uploaded)"), "\(seeded.out)")

    // A reviewer's clone names the cache in reportgen.yaml and runs nothing.
    let reviewer = try FixtureProject(name: "reviewer")
    defer { reviewer.remove() }
    try "remote-cache:\n  url: \(server.url.absoluteString)\n".write(
        to: reviewer.root.appendingPathComponent("reportgen.yaml"), atomically: true, encoding: .utf8)
    let fetched = try runTool(["build", "Reports/chinchilla.md"], in: reviewer.root)
    #expect(fetched.status == 0, "\(fetched.err)")
    #expect(fetched.out.contains("0 steps ran, 8 cached (8 from the remote cache)"), "\(fetched.out)")
    #expect(fetched.err.isEmpty, "a quiet fetch printed \(fetched.err)")
    // `-v` says of each step where it came from.
    let second = try FixtureProject(name: "second")
    defer { second.remove() }
    let verbose = try runTool(["build", "Reports/chinchilla.md", "-v", "--remote-cache", server.url.absoluteString], in: second.root)
    #expect(verbose.err.components(separatedBy: "fetched from the remote cache").count - 1 == 8, "\(verbose.err)")
    let explained = try runTool(["explain", "Reports/chinchilla.md", "fit:isoflops"], in: reviewer.root)
    #expect(explained.out.contains("last build fetched it from the remote cache"), "\(explained.out)")

    // reportgen.yaml cannot turn uploads on; the error points at the line.
    try "remote-cache:\n  url: \(server.url.absoluteString)\n  upload: true\n".write(
        to: reviewer.root.appendingPathComponent("reportgen.yaml"), atomically: true, encoding: .utf8)
    let refused = try runTool(["build", "Reports/chinchilla.md"], in: reviewer.root)
    #expect(refused.status == 1)
    #expect(refused.err.contains("reportgen.yaml:3:3: error: remote-cache upload cannot be set in reportgen.yaml"), "\(refused.err)")
    let noURL = try runTool(["build", "Reports/chinchilla.md", "--remote-cache-upload"], in: ci.root)
    #expect(noURL.status == 1)
    #expect(noURL.err.contains("--remote-cache-upload needs a remote cache"), "\(noURL.err)")
}
