import Foundation
import ReportDocument

extension RemoteCacheSettings {
    /// The settings a build runs with. The URL comes from the flag, else the environment, else the
    /// project file. Uploads and credentials need a URL from the flag or the environment: the
    /// project file is part of the checkout, and a pull request must not be able to send CI's
    /// token or results to a server of its choosing.
    public static func resolve(
        flagURL: String?, flagUpload: Bool, disabled: Bool, environment: [String: String], project: ProjectFile
    ) throws(BuildFailure) -> RemoteCacheSettings? {
        if disabled { return nil }
        let uploadAsked = flagUpload || ["1", "true", "yes"].contains(environment["REPORTGEN_REMOTE_CACHE_UPLOAD"]?.lowercased() ?? "")
        let section = project.remoteCache
        let chosen: (text: String, origin: String, trusted: Bool)
        if let flagURL {
            chosen = (flagURL, "--remote-cache", true)
        } else if let env = environment["REPORTGEN_REMOTE_CACHE"], !env.isEmpty {
            chosen = (env, "REPORTGEN_REMOTE_CACHE", true)
        } else if let url = section?.url {
            chosen = (url, "remote-cache url", false)
        } else {
            if uploadAsked {
                throw BuildFailure(
                    diagnostics: [
                        .error("--remote-cache-upload needs a remote cache: give --remote-cache URL or set REPORTGEN_REMOTE_CACHE")
                    ], sources: [:])
            }
            return nil
        }
        func failure(_ message: String) -> BuildFailure {
            chosen.trusted
                ? BuildFailure(diagnostics: [.error(message)], sources: [:])
                : BuildFailure(diagnostics: [.error(message, file: ProjectFile.name, at: section?.location)], sources: [:])
        }
        guard let parsed = URLComponents(string: chosen.text), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty
        else { throw failure("\(chosen.origin) '\(chosen.text)' is not an http:// or https:// URL") }
        guard parsed.user == nil, parsed.password == nil else {
            throw failure(
                "\(chosen.origin) must not carry credentials; set REPORTGEN_REMOTE_CACHE_TOKEN, or REPORTGEN_REMOTE_CACHE_USER and REPORTGEN_REMOTE_CACHE_PASSWORD"
            )
        }
        guard parsed.query == nil, parsed.fragment == nil else { throw failure("\(chosen.origin) must not have a query or a fragment") }
        var base = chosen.text
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base) else { throw failure("\(chosen.origin) '\(chosen.text)' is not a valid URL") }
        if uploadAsked && !chosen.trusted {
            throw failure("uploads go only to a remote cache named by --remote-cache or REPORTGEN_REMOTE_CACHE, not by \(ProjectFile.name)")
        }
        var settings = RemoteCacheSettings(
            url: url, upload: uploadAsked, timeout: section?.timeout ?? Self.defaultTimeout,
            retries: section?.retries ?? Self.defaultRetries)
        if chosen.trusted {
            if let token = environment["REPORTGEN_REMOTE_CACHE_TOKEN"], !token.isEmpty {
                settings.credentials = .bearer(token)
            } else if let user = environment["REPORTGEN_REMOTE_CACHE_USER"], !user.isEmpty {
                settings.credentials = .basic(user: user, password: environment["REPORTGEN_REMOTE_CACHE_PASSWORD"] ?? "")
            }
        }
        return settings
    }
}
