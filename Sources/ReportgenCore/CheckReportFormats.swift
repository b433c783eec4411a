import BuildEngine
import Foundation
import ReportDocument

/// Where a locked value comes from in the document, for CI annotations.
public struct ValueLocation: Sendable, Equatable {
    public var file: String
    public var location: SourceLocation
}

extension Builder {
    /// The best place to point at for each result key: the first prose or caption reference
    /// `` `=fit.x` `` that shows it, else the `{expect}` entry that checks it, else the line of the
    /// directive that produces it (`{fit} id`). Keys that none of these name (values the lock holds
    /// and the build no longer makes) point at their line in the lock file.
    public func valueLocations(document url: URL, keys: [String], lockPath: URL) -> [String: ValueLocation] {
        var out: [String: ValueLocation] = [:]
        guard let planned = try? plan(document: url) else { return out }
        let file = planned.document.path
        var references: [String: SourceLocation] = [:]
        for inline in planned.document.allInlines {
            if case .value(let r) = inline, references[r.key] == nil { references[r.key] = r.location }
        }
        var expectations: [String: SourceLocation] = [:]
        for d in planned.analysis.expects {
            for e in d.expectations where expectations[e.key] == nil { expectations[e.key] = e.keyLocation }
        }
        var directives: [String: SourceLocation] = [:]
        for f in planned.analysis.fits { directives[f.id] = f.location }
        for d in planned.document.directives where directives[d.id] == nil { directives[d.id] = d.range.start }
        let lockFile = paths.relative(lockPath)
        let lockLines = (FileManager.default.contents(atPath: lockPath.path).map { String(decoding: $0, as: UTF8.self) } ?? "")
            .split(separator: "\n", omittingEmptySubsequences: false)
        for key in keys {
            if let at = references[key] ?? expectations[key] {
                out[key] = ValueLocation(file: file, location: at)
            } else if let id = key.split(separator: ".", maxSplits: 1).first, let at = directives[String(id)] {
                out[key] = ValueLocation(file: file, location: at)
            } else if let line = lockLines.firstIndex(where: { $0.hasPrefix("  " + JSONValue.string(key).serialized() + ":") }) {
                out[key] = ValueLocation(file: lockFile, location: SourceLocation(line: line + 1, column: 3))
            }
        }
        return out
    }
}

/// `reportgen check --format`: the outcome as text, JSON, JUnit XML or GitHub annotation lines.
public enum CheckReportFormat: String, CaseIterable, Sendable {
    case text, json, junit, github
}

/// What a check found, in the shape every format prints.
public struct CheckReport: Sendable {
    public enum Status: String, Sendable {
        /// Every value within tolerance and every `{expect}` met.
        case ok
        /// At least one value drifted (or an expectation failed).
        case drift
        /// `--update` rewrote the lock file.
        case updated
        /// The document did not build.
        case error
    }

    public var document: String
    public var lock: String
    public var status: Status
    /// Keys of the lock file's values, sorted.
    public var lockedKeys: [String]
    public var drifts: [LockFile.Drift]
    /// `{expect}` failures, and build errors when the status is `error`.
    public var diagnostics: [Diagnostic]
    public var locations: [String: ValueLocation]

    public init(
        document: String, lock: String, status: Status, lockedKeys: [String], drifts: [LockFile.Drift], diagnostics: [Diagnostic],
        locations: [String: ValueLocation]
    ) {
        self.document = document
        self.lock = lock
        self.status = status
        self.lockedKeys = lockedKeys
        self.drifts = drifts
        self.diagnostics = diagnostics
        self.locations = locations
    }

    /// One sentence per drift, as the annotations and test failures say it.
    public static func message(_ d: LockFile.Drift) -> String {
        // Nine significant digits: enough to tell the values apart, short enough to read (JSON keeps them exact).
        func f(_ x: Double?) -> String { x.map { String(format: "%.9g", $0) } ?? "none" }
        switch d.kind {
        case .changed:
            let change = d.locked.flatMap { l in d.current.map { String(format: "%.3g", $0 - l) } } ?? "none"
            return "\(d.key) drifted: locked \(f(d.locked)), now \(f(d.current)) (change \(change), tolerance \(f(d.tolerance)))"
        case .missing: return "\(d.key) is in the lock file (\(f(d.locked))) but the build no longer produces it"
        case .new: return "\(d.key) = \(f(d.current)) is not in the lock file; run reportgen check --update"
        }
    }

    // MARK: JSON

    /// Keys (sorted): `document`, `lock`, `status`, `values` (number of locked values), `drifts`
    /// (each `key`, `kind`, `locked`, `current`, `tolerance`, `file`, `line`, `column`), `diagnostics`
    /// (each `severity`, `message`, `file`, `line`, `column`).
    public func json() -> String {
        func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
        let drifts: [JSONValue] = drifts.map { d in
            let at = locations[d.key]
            return .object([
                "key": .string(d.key), "kind": .string(d.kind.rawValue), "locked": number(d.locked), "current": number(d.current),
                "tolerance": number(d.tolerance), "message": .string(Self.message(d)),
                "file": at.map { .string($0.file) } ?? .null,
                "line": at.map { .number(Double($0.location.line)) } ?? .null,
                "column": at.map { .number(Double($0.location.column)) } ?? .null,
            ])
        }
        let diagnostics: [JSONValue] = diagnostics.map { d in
            .object([
                "severity": .string(d.severity.rawValue), "message": .string(d.message),
                "file": d.file.map { .string($0) } ?? .null,
                "line": d.location.map { .number(Double($0.line)) } ?? .null,
                "column": d.location.map { .number(Double($0.column)) } ?? .null,
            ])
        }
        return JSONValue.object([
            "document": .string(document), "lock": .string(lock), "status": .string(status.rawValue),
            "values": .number(Double(lockedKeys.count)), "drifts": .array(drifts), "diagnostics": .array(diagnostics),
        ]).serialized() + "\n"
    }

    // MARK: JUnit XML

    /// One `<testcase>` per locked value (classname: the document), a `<failure>` for each that
    /// drifted; values the lock lacks and failed `{expect}` entries are failing test cases too, and
    /// a document that does not build is one failing `build` case.
    public func junit() -> String {
        let byKey = Dictionary(drifts.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var cases: [(name: String, failure: (message: String, detail: String)?)] = []
        for key in lockedKeys {
            cases.append((key, byKey[key].map { (Self.message($0), self.place($0.key)) }))
        }
        for d in drifts where d.kind == .new { cases.append((d.key, (Self.message(d), place(d.key)))) }
        for d in diagnostics where d.severity == .error {
            let name = status == .error ? "build" : "expect"
            cases.append((name, (d.message, d.description)))
        }
        let failures = cases.filter { $0.failure != nil }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"reportgen check\" tests=\"\(cases.count)\" failures=\"\(failures)\">\n"
        out += "  <testsuite name=\"\(Self.xml(document))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        for c in cases {
            let open = "    <testcase classname=\"\(Self.xml(document))\" name=\"\(Self.xml(c.name))\""
            if let f = c.failure {
                out +=
                    open
                    + ">\n      <failure message=\"\(Self.xml(f.message))\" type=\"drift\">\(Self.xml(f.detail))</failure>\n    </testcase>\n"
            } else {
                out += open + "/>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    func place(_ key: String) -> String {
        guard let at = locations[key] else { return lock }
        return "\(at.file):\(at.location.line):\(at.location.column)"
    }

    /// Text for XML attributes and content: the five special characters as entities, characters
    /// XML 1.0 cannot hold (controls other than tab and line ends) as U+FFFD.
    static func xml(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if let entity = xmlEntities[scalar] {
                out += entity
            } else if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Characters written as entities (line ends and tabs too, so attributes keep them).
    static let xmlEntities: [Unicode.Scalar: String] = [
        "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;",
    ]

    // MARK: GitHub annotations

    /// `::error file=…,line=…,col=…,title=…::message` per drift at the document line of the value,
    /// and per failed expectation or build error at its own place (GitHub's workflow commands).
    public func github() -> String {
        var out = ""
        for d in drifts {
            out += Self.annotation(
                at: locations[d.key], fallbackFile: lock, title: "reportgen check: \(d.key) \(d.kind.rawValue)", message: Self.message(d))
        }
        for d in diagnostics where d.severity != .note {
            let at = d.file.map { ValueLocation(file: $0, location: d.location ?? SourceLocation(line: 1, column: 1)) }
            out += Self.annotation(
                at: at, fallbackFile: document, title: "reportgen", message: d.message, severity: d.severity == .error ? "error" : "warning"
            )
        }
        return out
    }

    static func annotation(at: ValueLocation?, fallbackFile: String, title: String, message: String, severity: String = "error") -> String {
        let file = at?.file ?? fallbackFile
        var properties = "file=\(property(file))"
        if let l = at?.location { properties += ",line=\(l.line),col=\(l.column)" }
        properties += ",title=\(property(title))"
        return "::\(severity) \(properties)::\(data(message))\n"
    }

    /// GitHub's escaping of a command's message: `%`, CR and LF.
    static func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// …and of a property value, which also escapes `:` and `,`.
    static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
