import ReportDocument
import ScalingLaws

/// The `{fit}` options that more than one approach reads (the IsoFLOP profiles and the
/// parametric fit both group runs by budget and may leave out the highest losses). An option one
/// approach alone reads is defined in that approach's file.
extension FitOptionSchema {
    /// `budget-tolerance`: runs whose budgets lie within this many log10 FLOPs form one budget
    /// (0 to 10); without it runs group by exactly equal FLOPs, or by their `budget` column.
    public static let budgetTolerance = FitOptionSchema("budget-tolerance") { r, fit in
        fit.budgetTolerance = r.double("budget-tolerance", required: false, allowed: 0...10)
    }

    /// `budgets: [6e18, …]`: nominal budgets (FLOPs) to snap runs to, within `budget-tolerance`
    /// (default 0.1 in log10 FLOPs); `budgets: paper` names the paper's nine, 6e18 … 3e21 (§3.2).
    public static let budgets = FitOptionSchema("budgets") { r, fit in
        if let node = r.node["budgets"], node.scalar == "paper" {
            _ = r.string("budgets", required: false)
            fit.budgets = FitDirective.paperBudgets
        } else {
            fit.budgets = r.doubleList("budgets", positive: true)
        }
    }

    /// `exclude-highest-loss: n`: leave out the n runs with the highest loss before fitting (the
    /// paper's Approach 3 leaves out outliers).
    public static let excludeHighestLoss = FitOptionSchema("exclude-highest-loss") { r, fit in
        fit.excludeHighestLoss = r.int("exclude-highest-loss", required: false, allowed: 0...DocumentLimits.dataRows)
    }
}
