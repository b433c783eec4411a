import Foundation

extension Builder {
    /// The plan of a document and, for each step, whether it is cached and why it would rebuild:
    /// which parts of its key (directive, files, upstream, environment, tool, kind) changed since the
    /// last build, and whether that build ran it, read it from the local store or fetched it from the
    /// remote cache. With a remote cache, a step missing locally is looked up there too.
    public func explain(document url: URL, step only: String? = nil) throws(BuildFailure) -> String {
        let planned = try plan(document: url)
        let last = BuildState.load(from: stateDirectory.appendingPathComponent("\(planned.stem).json"))
        let store = ContentStore(directory: cacheDirectory)
        let remote = options.useCache ? options.remoteCache.map(RemoteCache.init) : nil
        var lines: [String] = []
        var matched = false
        for keyed in planned.plan.keyedSteps() {
            let (step, key, components) = (keyed.step, keyed.key, keyed.components)
            if let only, step.id != only { continue }
            matched = true
            var status: String
            let previous = last?.steps.first { $0.id == step.id }
            if case .hit = store.read(key) {
                status = "up to date"
            } else if remote?.contains(key) == true {
                status = "in the remote cache: would be fetched"
            } else if let previous {
                let changed = Set(components.keys).union(previous.components.keys).filter { components[$0] != previous.components[$0] }
                    .sorted()
                status = changed.isEmpty ? "would run: not in the cache" : "would run: \(changed.joined(separator: ", ")) changed"
            } else {
                status = "would run: never built"
            }
            if let previous {
                switch previous.origin {
                case .ran: status += "; last build ran it"
                case .local: status += "; last build read it from the cache"
                case .remote: status += "; last build fetched it from the remote cache"
                }
            }
            lines.append("\(step.id)  [\(key.prefix(12))]  \(status)")
            if !step.dependencies.isEmpty { lines.append("    after: \(step.dependencies.joined(separator: ", "))") }
            for (path, sha) in step.files.sorted(by: { $0.key < $1.key }) { lines.append("    reads: \(path) [\(sha.prefix(12))]") }
        }
        if let only, !matched {
            throw BuildFailure(
                diagnostics: [.error("no step named '\(only)'; steps: \(planned.plan.steps.map(\.id).joined(separator: ", "))")],
                sources: [:])
        }
        lines += remote?.takeWarnings() ?? []
        return lines.joined(separator: "\n") + "\n"
    }

    /// Removes the step cache.
    /// Waits for running builds to finish (they hold the store lock shared) and keeps new ones
    /// waiting until the cache is gone, so that a build never sees its cache vanish mid-write.
    public func clean() throws {
        for folder in [".reportgen/cache", ".reportgen/state", ".reportgen/locks"] { try paths.checkWritableFolder(folder) }
        let lock = try BuildLock(directory: paths.root.appendingPathComponent(".reportgen/locks"), name: BuildLock.storeLockName) {}
        defer { withExtendedLifetime(lock) {} }
        try ContentStore(directory: cacheDirectory).clean()
        try? FileManager.default.removeItem(at: stateDirectory)
    }
}
