extension DirectiveSchema {
    /// Options that apply to the approach but not together: `huber-delta` is δ of `huber-log` only,
    /// and `optimizer` chooses the Eq. 2 kernel's L-BFGS, which the declared-law engine does not
    /// run. Which options an approach reads at all is `checkApproachOptions`.
    static func checkOptionsApply(options: Set<FitOption>, objective: String?, usesDeclaredEngine: Bool, _ r: inout FieldReader) {
        func key(_ name: String) -> SourceLocation? { r.node.entries?.first { $0.key == name }?.keyLocation }
        if options.contains(.huberDelta), options.contains(.objective), let objective, objective != "huber-log",
            let at = key("huber-delta")
        {
            r.error("'huber-delta' is δ of the objective huber-log; this fit minimises '\(objective)'", at: at)
        }
        if options.contains(.optimizer), usesDeclaredEngine, let at = key("optimizer") {
            r.error(
                "'optimizer' chooses the L-BFGS of the Eq. 2 kernel; a fit with 'law', 'solver: varpro' or another objective runs the declared-law engine, which has its own",
                at: at)
        }
    }
}
