import ArgumentParser
import Foundation
import ReportDocument
import ReportgenCore

/// `reportgen build` without a document: the project of the current folder, from `reportgen.yaml`.
func buildProject(_ options: DocumentOptions, verbose: Bool) throws {
    let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let paths = ProjectPaths.locate(document: here.appendingPathComponent(ProjectFile.name))
    guard FileManager.default.fileExists(atPath: paths.root.appendingPathComponent(ProjectFile.name).path) else {
        throw ValidationError(
            "missing the document: name one, e.g. Reports/chinchilla.md, or list the project's documents in \(ProjectFile.name) at its root"
        )
    }
    let project: ProjectFile
    do { project = try ProjectFile.load(root: paths.root) } catch { throw report(error, outputs: false) }
    guard project.documents != nil else {
        throw ValidationError("missing the document: \(ProjectFile.name) has no 'documents:' list, so name one, e.g. Reports/chinchilla.md")
    }
    // Documents build side by side, so their step progress would interleave: only summaries are printed.
    let buildOptions = try options.buildOptions(paths: paths, progress: SilentProgress())
    let outcome: ProjectBuild.Outcome
    do {
        outcome = try ProjectBuild(paths: paths, project: project, options: buildOptions).run()
    } catch {
        throw report(error, outputs: false)
    }
    var failed = 0
    for entry in outcome.entries {
        switch entry.outcome {
        case .success(let s):
            let state = s.wroteOutputs ? "" : ", outputs unchanged"
            print(
                String(
                    format: "built %@/ in %.2f s: %d steps ran, %d cached%@", paths.relative(s.outputDirectory), s.seconds, s.ran.count,
                    s.cached.count, state))
            if verbose {
                for id in s.ran { print("  ran     \(id)") }
                for id in s.cached { print("  cached  \(id)") }
            }
        case .failure(let failure):
            failed += 1
            print("\(entry.document): failed")
            _ = report(failure, outputs: false)
        }
    }
    if let index = outcome.index {
        print(
            String(
                format: "wrote %@ (%d report%@) in %.2f s", paths.relative(index), outcome.entries.count,
                outcome.entries.count == 1 ? "" : "s", outcome.seconds))
    } else {
        let folder = project.outputFolder
        FileHandle.standardError.write(
            Data("\(failed) of \(outcome.entries.count) documents failed; \(folder)/index.html was not written\n".utf8))
        throw ExitCode(1)
    }
}
