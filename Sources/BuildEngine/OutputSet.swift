import Foundation

/// The files of one build, held in memory until all exist, then written together.
public struct OutputSet {
    private var files: [String: [UInt8]] = [:]

    public init() {}

    public mutating func add(_ name: String, _ bytes: [UInt8]) { files[name] = bytes }
    public func bytes(_ name: String) -> [UInt8]? { files[name] }
    public var names: [String] { files.keys.sorted() }
    /// Every file's name and bytes, sorted by name.
    public var entries: [(name: String, bytes: [UInt8])] { files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    public var totalBytes: Int { files.values.reduce(0) { $0 + $1.count } }

    /// The `count` largest files as "name (bytes)", largest first (ties by name).
    public func largest(_ count: Int) -> [String] {
        files.map { ($0.key, $0.value.count) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(count).map {
            "\($0.0) (\($0.1) bytes)"
        }
    }

    /// Whether `directory` already holds exactly these files with these bytes.
    public func matches(_ directory: URL) -> Bool {
        let fm = FileManager.default
        guard let enumerator = fm.enumerator(atPath: directory.path) else { return false }
        var existing: [String] = []
        for case let path as String in enumerator {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDir), !isDir.boolValue {
                existing.append(path)
            }
        }
        guard existing.sorted() == names else { return false }
        return names.allSatisfy { name in
            fm.contents(atPath: directory.appendingPathComponent(name).path).map { [UInt8]($0) == files[name] } ?? false
        }
    }

    /// Writes every file into a fresh sibling folder, then exchanges it with the old folder in
    /// one `renameat2(RENAME_EXCHANGE)`, so that at every instant `directory` holds either the
    /// whole previous set or the whole new one, whenever the process is killed. Leftover
    /// staging folders of earlier, killed builds are removed first (the caller holds the
    /// document's build lock, so no other build is using them).
    public func writeAtomically(to directory: URL) throws {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let name = directory.lastPathComponent
        for entry in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? []
        where entry.hasPrefix(".\(name).staging-") || entry.hasPrefix(".\(name).retired-") {
            try? fm.removeItem(at: parent.appendingPathComponent(entry))
        }
        let staging = parent.appendingPathComponent(".\(name).staging-\(ProcessInfo.processInfo.processIdentifier)")
        for (index, (name, bytes)) in files.sorted(by: { $0.key < $1.key }).enumerated() {
            let url = staging.appendingPathComponent(name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: url)
            if index == 0 { SwapHook.reached(.firstFileStaged) }
        }
        SwapHook.reached(.staged)
        if fm.fileExists(atPath: directory.path) {
            guard AtomicExchange.exchange(staging.path, directory.path) else {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(at: staging)
                throw OutputError.cannotSwap(reason)
            }
            SwapHook.reached(.exchanged)
            // `staging` now holds the previous outputs.
            try? fm.removeItem(at: staging)
        } else {
            try fm.moveItem(at: staging, to: directory)
            SwapHook.reached(.exchanged)
        }
        SwapHook.reached(.retiredRemoved)
    }

    enum OutputError: Error, CustomStringConvertible {
        case cannotSwap(String)
        var description: String { "cannot swap the new outputs into place: \(reason)" }
        var reason: String {
            switch self {
            case .cannotSwap(let r): return r
            }
        }
    }
}

/// Stops the process at one step of the output swap, for the test that kills a build at every
/// step: `REPORTGEN_STOP_AFTER_SWAP_STEP=<n>` sends SIGKILL to the process itself right after
/// step n (1: the first file is staged, 2: every file is staged, 3: the folders are exchanged,
/// 4: the old outputs are removed). Unset in normal use.
enum SwapHook {
    enum Step: Int { case firstFileStaged = 1, staged, exchanged, retiredRemoved }

    static let stopAfter: Int? = ProcessInfo.processInfo.environment["REPORTGEN_STOP_AFTER_SWAP_STEP"].flatMap { Int($0) }

    static func reached(_ step: Step) {
        if stopAfter == step.rawValue { kill(getpid(), SIGKILL) }
    }
}

/// `renameat2(…, RENAME_EXCHANGE)`: swaps two paths in one step (Linux ≥ 3.15). Looked up at run
/// time because Swift's Glibc module declares it only with `_GNU_SOURCE`.
enum AtomicExchange {
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameExchange: UInt32 = 1 << 1
    private static let atCurrentDirectory: Int32 = -100

    private static let function: RenameAt2? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2").map {
        unsafeBitCast($0, to: RenameAt2.self)
    }

    /// Whether the exchange happened; on failure `errno` says why.
    static func exchange(_ a: String, _ b: String) -> Bool {
        guard let function else {
            errno = ENOSYS
            return false
        }
        return function(atCurrentDirectory, a, atCurrentDirectory, b, renameExchange) == 0
    }
}
