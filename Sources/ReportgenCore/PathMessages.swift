import Foundation
import ReportDocument

extension Analysis {
    /// A refused path as an error at `location`: the message says where paths start (the project
    /// root, named by its folder) and, when the path exists relative to the document's folder
    /// instead, which root-relative path was meant.
    func pathError(_ error: ProjectPaths.PathError, path: String, at location: SourceLocation) -> Diagnostic {
        let root = "the project root '\(paths.root.path)' (the nearest folder above the document holding .git or reportgen.yaml)"
        var notes: [String] = []
        let message: String
        switch error {
        case .absolute(let p): message = "absolute path '\(p)' is not allowed: paths in a document are relative to \(root)"
        case .leavesRoot(let p): message = "path '\(p)' leaves \(root)"
        case .notFound(let p):
            message = "no file at '\(p)' relative to \(root)"
            let folder = (file as NSString).deletingLastPathComponent
            if !folder.isEmpty, let url = try? paths.resolve(folder + "/" + p) {
                notes.append("paths start at the project root, not at the document's folder: did you mean '\(paths.relative(url))'?")
            }
        case .linkedFolder, .notAFolder: message = error.description
        }
        return .error(message, file: file, at: location, notes: notes)
    }
}
