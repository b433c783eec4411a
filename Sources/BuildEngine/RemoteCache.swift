import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where a step's output came from in a build.
public enum StepOrigin: String, Codable, Sendable {
    /// The step ran.
    case ran
    /// Read from `.reportgen/cache`.
    case local
    /// Fetched from the remote cache (and copied into the local store).
    case remote
}

/// Which remote cache a build uses, and how: from `--remote-cache`, else `REPORTGEN_REMOTE_CACHE`,
/// else `reportgen.yaml`. Never from a document.
public struct RemoteCacheSettings: Sendable, Equatable {
    public enum Credentials: Sendable, Equatable {
        case bearer(String)
        case basic(user: String, password: String)
    }

    /// The cache's base URL; entries live at `<url>/ac/<key>` and `<url>/cas/<sha256>`.
    public var url: URL
    /// Write entries for steps this build ran or read locally (CI seeds the cache this way).
    public var upload: Bool
    /// Seconds a request may wait without receiving anything before it fails.
    public var timeout: Double
    /// Further attempts after a failed request (connection error, timeout, HTTP 5xx).
    public var retries: Int
    public var credentials: Credentials?

    /// A server that accepts connections but never answers costs `timeout × (retries + 1)` plus
    /// 0.1 s once per build (about 10 s); one that refuses them, about 0.1 s.
    public static let defaultTimeout = 5.0
    public static let defaultRetries = 1

    public init(
        url: URL, upload: Bool = false, timeout: Double = defaultTimeout, retries: Int = defaultRetries, credentials: Credentials? = nil
    ) {
        self.url = url
        self.upload = upload
        self.timeout = timeout
        self.retries = retries
        self.credentials = credentials
    }
}

/// A cache shared by a team and its CI, behind Bazel's HTTP remote-cache protocol, so that any
/// server that speaks it (nginx's WebDAV module, bazel-remote, an S3 gateway) can hold it.
///
/// Mapping: a step's output is a blob in the content-addressable store at `cas/<sha256 of the
/// bytes>`; the step key (a SHA-256 hex string, standing in for Bazel's action digest) names an
/// action-cache entry at `ac/<key>`: a `build.bazel.remote.execution.v2.ActionResult` in protobuf
/// wire form with one output file, path `reportgen/steps/<key>`, whose digest is the blob's hash
/// and size. The path binds the entry to the key it was stored under.
///
/// The server is not trusted: an action result that does not decode, names another key, or names
/// a blob whose bytes do not have its size and SHA-256 is a miss with a note. Each request has a
/// timeout and a bounded number of retries; after a request fails them all, the cache is switched
/// off for the rest of the build with one warning and the build goes on locally. Uploads run in
/// the background, blob first and action result second, so that no reader ever sees an entry
/// whose content is not there yet.
public final class RemoteCache: @unchecked Sendable {
    public let settings: RemoteCacheSettings
    private let session: URLSession
    /// Held here: an operation queue does not keep its underlying queue alive.
    private let completionQueue = DispatchQueue(label: "reportgen.remote-cache.completions")
    private let lock = NSLock()
    /// Why the cache was switched off, once it has been.
    private var offline: String?
    private var uploadsRefused = false
    private var warnings: [String] = []
    private var uploaded = 0
    private let uploadQueue = DispatchQueue(label: "reportgen.remote-cache.upload")
    private let pendingUploads = DispatchGroup()

    /// Action results are a few hundred bytes; anything much larger is not ours.
    static let maxActionResultBytes = 64 << 10
    /// The largest blob accepted, the local store's size limit.
    static let maxBlobBytes = 1 << 30
    static let outputPathPrefix = "reportgen/steps/"

    public init(settings: RemoteCacheSettings) {
        self.settings = settings
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.timeout
        // A large blob on a slow link may take longer than one idle timeout, but not forever.
        configuration.timeoutIntervalForResource = settings.timeout * 6
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        // Completions are delivered on a queue of our own. Requests are waited for on the threads
        // that run steps, and on Linux the global queues run only as many threads as there are
        // cores, so completions queued there can wait behind those very threads.
        let delegateQueue = OperationQueue()
        delegateQueue.underlyingQueue = completionQueue
        session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: delegateQueue)
    }

    deinit { session.invalidateAndCancel() }

    /// What the remote holds for a key.
    public enum Lookup: Equatable, Sendable {
        case hit([UInt8])
        case miss
        /// The server answered with an entry that does not verify; the string says why.
        case rejected(String)
        /// The cache is switched off after network failures.
        case unavailable
    }

    /// The verified output stored under `key`.
    public func fetch(_ key: String) -> Lookup {
        let digest: (hash: String, size: Int)
        switch actionResult(for: key) {
        case .success(let found?): digest = found
        case .success(nil): return .miss
        case .failure(.unavailable): return .unavailable
        case .failure(.rejected(let why)): return .rejected(why)
        }
        guard let (status, body) = request("GET", "cas/\(digest.hash)") else { return .unavailable }
        guard status == 200 else {
            return .rejected(
                status == 404
                    ? "its content \(digest.hash.prefix(12)) is not on the server" : "the server answered HTTP \(status) for its content")
        }
        guard body.count == digest.size else { return .rejected("content truncated: \(body.count) of \(digest.size) bytes") }
        guard SHA256.hex(body) == digest.hash else { return .rejected("content checksum mismatch") }
        return .hit(body)
    }

    /// Whether the remote holds a valid-looking entry for `key`: its action result verifies and the
    /// server has a blob of the right size (for `explain`; the bytes are checked when fetched).
    public func contains(_ key: String) -> Bool {
        guard case .success(let found?) = actionResult(for: key) else { return false }
        guard let (status, _) = request("HEAD", "cas/\(found.hash)") else { return false }
        return status == 200
    }

    private enum LookupFailure: Error { case unavailable, rejected(String) }

    /// The blob digest that the action result under `key` names, nil when there is none.
    private func actionResult(for key: String) -> Result<(hash: String, size: Int)?, LookupFailure> {
        guard let (status, body) = request("GET", "ac/\(key)") else { return .failure(.unavailable) }
        if status == 404 { return .success(nil) }
        guard status == 200 else { return .failure(.rejected("the server answered HTTP \(status)")) }
        guard body.count <= Self.maxActionResultBytes, let outputs = ActionResultCoding.decode(body) else {
            return .failure(.rejected("not an action result"))
        }
        guard outputs.count == 1, let output = outputs.first, output.path.hasPrefix(Self.outputPathPrefix) else {
            return .failure(.rejected("not a reportgen entry"))
        }
        let storedKey = output.path.dropFirst(Self.outputPathPrefix.count)
        guard storedKey == key else { return .failure(.rejected("stored under another key, \(storedKey.prefix(12))")) }
        guard output.hash.count == 64, output.hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            return .failure(.rejected("names a malformed content hash"))
        }
        guard output.size >= 0, output.size <= Self.maxBlobBytes else {
            return .failure(.rejected("names content of \(output.size) bytes"))
        }
        return .success((output.hash, Int(output.size)))
    }

    /// Queues `payload` for upload under `key` when uploads are on; returns at once. `replace`
    /// writes the blob and the action result even when the server has them (the entry was missing
    /// or rejected when this build looked); otherwise an existing entry is left alone.
    public func upload(_ key: String, _ payload: [UInt8], replace: Bool) {
        guard settings.upload, isUsable(forUpload: true) else { return }
        pendingUploads.enter()
        uploadQueue.async { [self] in
            defer { pendingUploads.leave() }
            guard isUsable(forUpload: true) else { return }
            if !replace {
                guard let (status, _) = request("HEAD", "ac/\(key)") else { return }
                if status == 200 { return }
            }
            let hash = SHA256.hex(payload)
            // A replaced entry's blob may be the damaged one it replaces: send it again.
            let present = replace ? false : request("HEAD", "cas/\(hash)").map { $0.0 == 200 }
            guard let present else { return }
            if !present {
                guard let (status, _) = request("PUT", "cas/\(hash)", body: payload) else { return }
                guard (200..<300).contains(status) else { return refuseUploads("HTTP \(status) for a content upload") }
            }
            let entry = ActionResultCoding.encode(path: Self.outputPathPrefix + key, hash: hash, size: payload.count)
            guard let (status, _) = request("PUT", "ac/\(key)", body: entry) else { return }
            guard (200..<300).contains(status) else { return refuseUploads("HTTP \(status) for an action-result upload") }
            lock.withLock { uploaded += 1 }
        }
    }

    /// Waits for queued uploads (each request bounded by its timeout and retries) and returns how
    /// many entries this cache has written.
    public func finishUploads() -> Int {
        pendingUploads.wait()
        return lock.withLock { uploaded }
    }

    /// The warnings so far (at most one for the network, one for refused uploads), once each.
    public func takeWarnings() -> [String] {
        lock.withLock {
            defer { warnings.removeAll() }
            return warnings
        }
    }

    private func isUsable(forUpload: Bool) -> Bool {
        lock.withLock { offline == nil && !(forUpload && uploadsRefused) }
    }

    private func switchOff(_ why: String) {
        lock.withLock {
            guard offline == nil else { return }
            offline = why
            warnings.append("warning: remote cache \(settings.url.absoluteString): \(why); building without it")
        }
    }

    private func refuseUploads(_ why: String) {
        lock.withLock {
            guard !uploadsRefused else { return }
            uploadsRefused = true
            warnings.append("warning: remote cache \(settings.url.absoluteString) refused an upload (\(why)); not uploading more")
        }
    }

    /// One request with retries: the status and body, or nil when the cache is (or is now) off.
    /// Connection errors, timeouts and HTTP 5xx, 408 and 429 are retried after 0.1 s, 0.2 s, …;
    /// a refused authorization is not (for a read it switches the cache off; for an upload the
    /// caller stops uploading).
    private func request(_ method: String, _ path: String, body: [UInt8]? = nil) -> (Int, [UInt8])? {
        var lastProblem = ""
        for attempt in 0...settings.retries {
            guard isUsable(forUpload: false) else { return nil }
            if attempt > 0 { Thread.sleep(forTimeInterval: 0.1 * Double(1 << (attempt - 1))) }
            switch send(method, path, body: body) {
            case .answered(let status, let bytes) where (status == 401 || status == 403) && method == "PUT":
                // Reading may be open to all while writing needs a token: stop uploading only.
                return (status, bytes)
            case .answered(let status, _) where status == 401 || status == 403:
                let hint =
                    settings.credentials == nil
                    ? "; credentials (REPORTGEN_REMOTE_CACHE_TOKEN, or _USER and _PASSWORD) go only to a URL from --remote-cache or REPORTGEN_REMOTE_CACHE"
                    : ""
                switchOff("not authorized (HTTP \(status))\(hint)")
                return nil
            case .answered(let status, _) where status >= 500 || status == 408 || status == 429:
                lastProblem = "HTTP \(status)"
            case .answered(let status, let bytes):
                return (status, bytes)
            case .failed(let why):
                lastProblem = why
            }
        }
        let attempts = settings.retries + 1
        switchOff("\(lastProblem) (\(attempts) attempt\(attempts == 1 ? "" : "s"))")
        return nil
    }

    private enum Answer {
        case answered(Int, [UInt8])
        case failed(String)
    }

    /// One HTTP exchange through URLSession, waited for on the calling thread.
    private func send(_ method: String, _ path: String, body: [UInt8]?) -> Answer {
        var request = URLRequest(
            url: settings.url.appendingPathComponent(path), cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: settings.timeout)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        switch settings.credentials {
        case .bearer(let token): request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        case .basic(let user, let password):
            request.setValue("Basic \(Data("\(user):\(password)".utf8).base64EncodedString())", forHTTPHeaderField: "Authorization")
        case nil: break
        }
        let box = AnswerBox()
        let timeout = settings.timeout
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                let code = (error as? URLError)?.code
                box.set(.failed(code == .timedOut ? "no answer within \(timeout) s" : error.localizedDescription))
            } else if let http = response as? HTTPURLResponse {
                box.set(.answered(http.statusCode, data.map { [UInt8]($0) } ?? []))
            } else {
                box.set(.failed("no HTTP response"))
            }
        }
        task.resume()
        // The session's own timeouts end the task; this bound only guards against one that never ends.
        guard box.wait(seconds: settings.timeout * 6 + 1) else {
            task.cancel()
            return .failed("no answer within \(settings.timeout * 6 + 1) s")
        }
        return box.answer ?? .failed("no answer")
    }

    private final class AnswerBox: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var value: Answer?
        var answer: Answer? { lock.withLock { value } }
        func set(_ answer: Answer) {
            lock.withLock { value = answer }
            done.signal()
        }
        func wait(seconds: Double) -> Bool { done.wait(timeout: .now() + seconds) == .success }
    }

    /// A redirect could carry the Authorization header to another host; the cache never follows one.
    private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }
}

/// The few fields of Bazel's `ActionResult` message that the cache uses, in protobuf wire form
/// (remote_execution.proto: `ActionResult.output_files = 2`; `OutputFile.path = 1`,
/// `OutputFile.digest = 2`; `Digest.hash = 1`, `Digest.size_bytes = 2`). Other fields are skipped
/// when reading, so entries written by other clients decode.
enum ActionResultCoding {
    struct OutputFile: Equatable {
        var path: String
        var hash: String
        var size: Int64
    }

    static func encode(path: String, hash: String, size: Int) -> [UInt8] {
        var digest: [UInt8] = []
        appendField(1, bytes: Array(hash.utf8), to: &digest)
        appendTag(2, wireType: 0, to: &digest)
        appendVarint(UInt64(size), to: &digest)
        var file: [UInt8] = []
        appendField(1, bytes: Array(path.utf8), to: &file)
        appendField(2, bytes: digest, to: &file)
        var result: [UInt8] = []
        appendField(2, bytes: file, to: &result)
        return result
    }

    /// The output files of an action result, or nil when the bytes are not a well-formed message.
    static func decode(_ bytes: [UInt8]) -> [OutputFile]? {
        var files: [OutputFile] = []
        guard
            walk(
                bytes[...],
                { field, value in
                    guard field == 2 else { return true }
                    guard case .bytes(let message) = value, let file = outputFile(message) else { return false }
                    files.append(file)
                    return true
                })
        else { return nil }
        return files
    }

    private static func outputFile(_ bytes: ArraySlice<UInt8>) -> OutputFile? {
        var path: String?
        var digest: (String, Int64)?
        guard
            walk(
                bytes,
                { field, value in
                    switch (field, value) {
                    case (1, .bytes(let text)): path = String(validating: text, as: UTF8.self); return path != nil
                    case (2, .bytes(let message)): digest = self.digest(message); return digest != nil
                    case (1, _), (2, _): return false
                    default: return true
                    }
                }), let path, let digest
        else { return nil }
        return OutputFile(path: path, hash: digest.0, size: digest.1)
    }

    private static func digest(_ bytes: ArraySlice<UInt8>) -> (String, Int64)? {
        var hash: String?
        var size: Int64 = 0
        guard
            walk(
                bytes,
                { field, value in
                    switch (field, value) {
                    case (1, .bytes(let text)): hash = String(validating: text, as: UTF8.self); return hash != nil
                    case (2, .varint(let n)): size = Int64(bitPattern: n); return true
                    case (1, _), (2, _): return false
                    default: return true
                    }
                }), let hash
        else { return nil }
        return (hash, size)
    }

    private enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed
    }

    /// Calls `visit` with each field of a message; false when the bytes are malformed or `visit`
    /// refuses a field.
    private static func walk(_ bytes: ArraySlice<UInt8>, _ visit: (UInt64, Value) -> Bool) -> Bool {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            guard let tag = readVarint(bytes, &i) else { return false }
            let field = tag >> 3
            let value: Value
            switch tag & 7 {
            case 0:
                guard let n = readVarint(bytes, &i) else { return false }
                value = .varint(n)
            case 1, 5:
                let width = tag & 7 == 1 ? 8 : 4
                guard bytes.endIndex - i >= width else { return false }
                i += width
                value = .fixed
            case 2:
                guard let length = readVarint(bytes, &i), length <= UInt64(bytes.endIndex - i) else { return false }
                let end = i + Int(length)
                value = .bytes(bytes[i..<end])
                i = end
            default:
                return false
            }
            guard field > 0, visit(field, value) else { return false }
        }
        return true
    }

    private static func readVarint(_ bytes: ArraySlice<UInt8>, _ i: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.endIndex, shift < 64 {
            let byte = bytes[i]
            i += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }

    private static func appendTag(_ field: UInt64, wireType: UInt64, to out: inout [UInt8]) {
        appendVarint(field << 3 | wireType, to: &out)
    }

    private static func appendField(_ field: UInt64, bytes: [UInt8], to out: inout [UInt8]) {
        appendTag(field, wireType: 2, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
