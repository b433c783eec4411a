import ArgumentParser
import BuildEngine
import Foundation
import ReportgenCore

/// `reportgen version`: the version and the executable's build identity (its GNU build ID, the
/// hash that every step key records), the same on every run of the same binary.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version and the build identity of this executable.")

    @Flag(help: "Print the version and identity as a JSON object.")
    var json = false

    /// The GNU build ID part of `ToolVersion.identity`, when the executable has one.
    static let buildID = ToolVersion.identity.split(separator: "+", maxSplits: 1).dropFirst().first.map(String.init)

    /// What `reportgen version` and `reportgen --version` print.
    static let text = "reportgen \(ToolVersion.string)\nbuild \(buildID ?? "(the executable has no GNU build ID)")"

    mutating func run() throws {
        let buildID = Self.buildID
        if json {
            let fields: [String: JSONValue] = [
                "version": .string(ToolVersion.string), "identity": .string(ToolVersion.identity),
                "build_id": buildID.map { .string($0) } ?? .null,
            ]
            print(JSONValue.object(fields).serialized())
        } else {
            print(Self.text)
        }
    }
}

/// `reportgen completion bash|zsh|fish`: the shell completion script, from swift-argument-parser.
struct Completion: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a shell completion script for bash, zsh or fish.",
        discussion: """
            bash: reportgen completion bash > ~/.local/share/bash-completion/completions/reportgen
            zsh:  reportgen completion zsh > ~/.zfunc/_reportgen   (with fpath+=(~/.zfunc) before compinit)
            fish: reportgen completion fish > ~/.config/fish/completions/reportgen.fish
            """)

    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash, zsh, fish
    }

    @Argument(help: "bash, zsh or fish.")
    var shell: Shell

    mutating func run() throws {
        let kind: CompletionShell
        switch shell {
        case .bash: kind = .bash
        case .zsh: kind = .zsh
        case .fish: kind = .fish
        }
        print(Root.completionScript(for: kind), terminator: "")
    }
}
