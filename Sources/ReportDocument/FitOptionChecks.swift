extension DirectiveSchema {
    /// Every `{fit}` option must be one its approach (and its engine) reads: an option the fit
    /// would not use is an error at its key, never silently ignored.
    static func checkOptionsApply(approach: Int, objective: String?, usesDeclaredEngine: Bool, _ r: inout FieldReader) {
        func key(_ name: String) -> SourceLocation? { r.node.entries?.first { $0.key == name }?.keyLocation }
        let onlyFor: [(String, Set<Int>, String)] = [
            ("huber-delta", [3], "approach 3 (parametric fit)"),
            ("optimizer", [3], "approach 3 (parametric fit)"),
            ("smoothing-window", [1], "approach 1 (training-curve envelope)"),
            ("envelope-points", [1], "approach 1 (training-curve envelope)"),
            ("schedules", [1], "approach 1 (training-curve envelope)"),
            ("bad-budget", [2], "approach 2 (IsoFLOP profiles)"),
            ("budget-tolerance", [2, 3], "approaches 2 and 3 (IsoFLOP budgets; approach 3 uses them for its hold-out refit)"),
            ("budgets", [2, 3], "approaches 2 and 3 (IsoFLOP budgets; approach 3 uses them for its hold-out refit)"),
            ("exclude-highest-loss", [2, 3], "approaches 2 and 3 (final losses of runs; approach 1 reads loss curves)"),
        ]
        for (name, approaches, what) in onlyFor where !approaches.contains(approach) {
            if let at = key(name) { r.error("'\(name)' only applies to \(what); this fit is approach \(approach)", at: at) }
        }
        guard approach == 3 else { return }
        if let objective, objective != "huber-log", let at = key("huber-delta") {
            r.error("'huber-delta' is δ of the objective huber-log; this fit minimises '\(objective)'", at: at)
        }
        if usesDeclaredEngine, let at = key("optimizer") {
            r.error(
                "'optimizer' chooses the L-BFGS of the Eq. 2 kernel; a fit with 'law', 'solver: varpro' or another objective runs the declared-law engine, which has its own",
                at: at)
        }
    }
}
