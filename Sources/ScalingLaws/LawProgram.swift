import CApproach3Kernel
import Foundation

/// A law compiled to a flat register program and evaluated over all runs at once, with its exact
/// gradient by reverse-mode differentiation of the same program.
///
/// Every register is one of four kinds, known at compile time: a constant; a data register (one value
/// per run, depending on the inputs only, e.g. ln N), computed once when data are bound; a uniform
/// register (one value, depending on the parameters only, e.g. A = eᵃ); and a varying register (one
/// value per run, depending on both). An evaluation runs the uniform instructions once and each
/// varying instruction as one pass over the runs (exp and ln through the kernel's vector `FastMath`);
/// the reverse sweep runs the same instructions backwards, summing over runs where a uniform register
/// feeds a varying one.
///
/// The compiler rewrites powers as x^y = exp(y ln x) (y = 2 as x·x, y = ½ as √x), then
/// x / exp(y) → x · exp(−y), exp(p) · exp(q) → exp(p + q) and ln(exp(x)) → x, so Eq. 2 with
/// log-scale coefficients compiles to exp(a − α ln N) and exp(b − β ln D), the kernel's own form;
/// identical sub-expressions share one register.
public struct LawProgram: Sendable {
    enum Op: UInt8, Sendable {
        case constant, input, parameter
        case negate, add, subtract, multiply, divide, exp, log, sqrt, min, max
        /// a·b + c and c − a·b (fused from an add or subtract of a product used once; the same IEEE
        /// operations as unfused, one pass instead of two).
        case multiplyAdd, multiplySubtract
    }

    enum Kind: UInt8, Sendable {
        case constant, data, uniform, varying
        var perRun: Bool { self == .data || self == .varying }
    }

    struct Node: Hashable, Sendable {
        var op: Op
        var a: Int = -1
        var b: Int = -1
        /// The third operand of `multiplyAdd` and `multiplySubtract`.
        var c: Int = -1
        /// The constant's bits, or the input's or parameter's index.
        var payload: UInt64 = 0
    }

    /// The instructions in evaluation order (each operand precedes its use).
    var nodes: [Node] = []
    var kinds: [Kind] = []
    /// Constant registers' values (0 for others).
    var constants: [Double] = []
    /// The register holding the law's value.
    var output = 0
    /// How many instructions read each register.
    var uses: [Int] = []
    /// Number of inputs and parameters the program reads.
    public let inputCount: Int
    public let parameterCount: Int

    /// Compiles `expression` over `inputs` (named per run) and `parameters`; a parameter whose
    /// `logScale` is true is searched as its natural logarithm (the program's parameter k is ln p).
    /// `requireParameters: false` admits a law that depends on the inputs only (a feature of variable
    /// projection such as N^−0.3 with a fixed exponent).
    public init(
        _ expression: LawExpression, inputs: [String], parameters: [String], logScale: [Bool], requireParameters: Bool = true
    ) throws(LawError) {
        inputCount = inputs.count
        parameterCount = parameters.count
        var builder = Builder()
        var bindings: [String: Int] = [:]
        for (k, name) in inputs.enumerated() { bindings[name] = builder.add(Node(op: .input, payload: UInt64(k)), kind: .data) }
        for (k, name) in parameters.enumerated() {
            guard bindings[name] == nil else { throw LawError("'\(name)' is declared both as an input and as a parameter") }
            let raw = builder.add(Node(op: .parameter, payload: UInt64(k)), kind: .uniform)
            bindings[name] = k < logScale.count && logScale[k] ? builder.unary(.exp, raw) : raw
        }
        let root = try builder.lower(expression, bindings)
        var program = (nodes: builder.nodes, kinds: builder.kinds, constants: builder.constants, output: root)
        program = Self.pruned(program)
        program = Self.pruned(Self.fused(program))
        nodes = program.nodes
        kinds = program.kinds
        constants = program.constants
        output = program.output
        uses = [Int](repeating: 0, count: nodes.count)
        for node in nodes { for operand in [node.a, node.b, node.c] where operand >= 0 { uses[operand] += 1 } }
        if requireParameters, kinds[output] == .constant || kinds[output] == .data {
            throw LawError("the law does not depend on any parameter")
        }
    }

    typealias Listing = (nodes: [Node], kinds: [Kind], constants: [Double], output: Int)

    /// Only what the output uses: rewrites leave their intermediate forms behind (x^y's exp(y ln x)
    /// before exp(p)·exp(q) folds it away). Parameters stay, so that every index has its register.
    static func pruned(_ p: Listing) -> Listing {
        var live = [Bool](repeating: false, count: p.nodes.count)
        live[p.output] = true
        for r in stride(from: p.output, through: 0, by: -1) where live[r] {
            for operand in [p.nodes[r].a, p.nodes[r].b, p.nodes[r].c] where operand >= 0 { live[operand] = true }
        }
        for (r, node) in p.nodes.enumerated() where node.op == .parameter { live[r] = true }
        var index = [Int](repeating: -1, count: p.nodes.count)
        var out: Listing = ([], [], [], 0)
        for r in 0..<p.nodes.count where live[r] {
            var node = p.nodes[r]
            if node.a >= 0 { node.a = index[node.a] }
            if node.b >= 0 { node.b = index[node.b] }
            if node.c >= 0 { node.c = index[node.c] }
            index[r] = out.nodes.count
            out.nodes.append(node)
            out.kinds.append(p.kinds[r])
            out.constants.append(p.constants[r])
        }
        out.output = index[p.output]
        return out
    }

    /// Varying `x + a·b`, `a·b + x` and `x − a·b` whose product is used nowhere else become one
    /// `multiplyAdd` or `multiplySubtract` (Eq. 2's a − α ln N).
    static func fused(_ p: Listing) -> Listing {
        var uses = [Int](repeating: 0, count: p.nodes.count)
        for node in p.nodes { for operand in [node.a, node.b, node.c] where operand >= 0 { uses[operand] += 1 } }
        var out = p
        for r in 0..<p.nodes.count where p.kinds[r] == .varying {
            let node = p.nodes[r]
            func product(_ m: Int) -> Bool { m >= 0 && p.nodes[m].op == .multiply && uses[m] == 1 && m != p.output }
            switch node.op {
            case .add where product(node.b):
                out.nodes[r] = Node(op: .multiplyAdd, a: p.nodes[node.b].a, b: p.nodes[node.b].b, c: node.a)
            case .add where product(node.a):
                out.nodes[r] = Node(op: .multiplyAdd, a: p.nodes[node.a].a, b: p.nodes[node.a].b, c: node.b)
            case .subtract where product(node.b):
                out.nodes[r] = Node(op: .multiplySubtract, a: p.nodes[node.b].a, b: p.nodes[node.b].b, c: node.a)
            default: break
            }
        }
        return out
    }

    // MARK: - Building

    struct Builder {
        var nodes: [Node] = []
        var kinds: [Kind] = []
        var constants: [Double] = []
        /// Hash-consing table: lookups only, never iterated, so it cannot affect the program's order.
        var index: [Node: Int] = [:]

        mutating func add(_ node: Node, kind: Kind, value: Double = 0) -> Int {
            if let existing = index[node] { return existing }
            nodes.append(node)
            kinds.append(kind)
            constants.append(value)
            index[node] = nodes.count - 1
            return nodes.count - 1
        }

        mutating func constant(_ x: Double) -> Int {
            add(Node(op: .constant, payload: x.bitPattern), kind: .constant, value: x)
        }

        func isConstant(_ r: Int, _ x: Double) -> Bool { kinds[r] == .constant && constants[r] == x }

        func combined(_ a: Int, _ b: Int) -> Kind {
            let perRun = kinds[a].perRun || (b >= 0 && kinds[b].perRun)
            let parametric = [kinds[a], b >= 0 ? kinds[b] : .constant].contains { $0 == .uniform || $0 == .varying }
            switch (perRun, parametric) {
            case (false, false): return .constant
            case (true, false): return .data
            case (false, true): return .uniform
            case (true, true): return .varying
            }
        }

        static func fold(_ op: Op, _ x: Double, _ y: Double) -> Double {
            switch op {
            case .negate: return -x
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return x / y
            case .exp: return Foundation.exp(x)
            case .log: return Foundation.log(x)
            case .sqrt: return x.squareRoot()
            case .min: return Swift.min(x, y)
            case .max: return Swift.max(x, y)
            // Fused instructions only arise on varying registers, after building.
            case .constant, .input, .parameter, .multiplyAdd, .multiplySubtract: return x
            }
        }

        mutating func unary(_ op: Op, _ a: Int) -> Int {
            if kinds[a] == .constant { return constant(Self.fold(op, constants[a], 0)) }
            let node = nodes[a]
            if op == .log, node.op == .exp { return node.a }
            if op == .negate, node.op == .negate { return node.a }
            return add(Node(op: op, a: a), kind: combined(a, -1))
        }

        mutating func binary(_ op: Op, _ a: Int, _ b: Int) -> Int {
            if kinds[a] == .constant, kinds[b] == .constant { return constant(Self.fold(op, constants[a], constants[b])) }
            switch op {
            case .add:
                if isConstant(a, 0) { return b }
                if isConstant(b, 0) { return a }
                if nodes[b].op == .negate { return binary(.subtract, a, nodes[b].a) }
                if nodes[a].op == .negate { return binary(.subtract, b, nodes[a].a) }
            case .subtract:
                if isConstant(b, 0) { return a }
                if isConstant(a, 0) { return unary(.negate, b) }
                if nodes[b].op == .negate { return binary(.add, a, nodes[b].a) }
            case .multiply:
                if isConstant(a, 1) { return b }
                if isConstant(b, 1) { return a }
                if isConstant(a, -1) { return unary(.negate, b) }
                if isConstant(b, -1) { return unary(.negate, a) }
                if nodes[a].op == .exp, nodes[b].op == .exp { return unary(.exp, binary(.add, nodes[a].a, nodes[b].a)) }
                if nodes[a].op == .negate, nodes[b].op != .negate { return unary(.negate, binary(.multiply, nodes[a].a, b)) }
            case .divide:
                if isConstant(b, 1) { return a }
                if nodes[b].op == .exp { return binary(.multiply, a, unary(.exp, unary(.negate, nodes[b].a))) }
            default: break
            }
            return add(Node(op: op, a: a, b: b), kind: combined(a, b))
        }

        mutating func power(_ base: Int, _ exponent: Int) -> Int {
            if kinds[exponent] == .constant {
                let y = constants[exponent]
                if y == 1 { return base }
                if y == 2 { return binary(.multiply, base, base) }
                if y == 0.5 { return unary(.sqrt, base) }
                if y == 0 { return constant(1) }
            }
            if nodes[base].op == .exp { return unary(.exp, binary(.multiply, exponent, nodes[base].a)) }
            return unary(.exp, binary(.multiply, exponent, unary(.log, base)))
        }

        mutating func lower(_ e: LawExpression, _ bindings: [String: Int]) throws(LawError) -> Int {
            switch e {
            case .number(let x): return constant(x)
            case .name(let n, let offset):
                guard let r = bindings[n] else {
                    throw LawError("'\(n)' is neither an input nor a declared parameter of the law", offset: offset)
                }
                return r
            case .negate(let x): return unary(.negate, try lower(x, bindings))
            case .binary(let op, let x, let y):
                let a = try lower(x, bindings), b = try lower(y, bindings)
                switch op {
                case .add: return binary(.add, a, b)
                case .subtract: return binary(.subtract, a, b)
                case .multiply: return binary(.multiply, a, b)
                case .divide: return binary(.divide, a, b)
                case .power: return power(a, b)
                }
            case .call(let f, let args):
                var registers: [Int] = []
                for arg in args { registers.append(try lower(arg, bindings)) }
                switch f {
                case .exp: return unary(.exp, registers[0])
                case .log: return unary(.log, registers[0])
                case .sqrt: return unary(.sqrt, registers[0])
                case .min: return binary(.min, registers[0], registers[1])
                case .max: return binary(.max, registers[0], registers[1])
                }
            }
        }
    }

    /// Number of instructions run per run in each evaluation (the varying ones), for diagnostics.
    public var varyingInstructions: Int { kinds.filter { $0 == .varying }.count }

    // MARK: - Data

    /// The inputs bound to a program: its data registers, computed once.
    public struct BoundData: Sendable {
        /// Number of runs.
        public let count: Int
        /// Per-run values of each data register (empty for other registers).
        var data: [[Double]]
    }

    /// Binds per-run input columns (one array per input, in the program's input order).
    public func bind(_ columns: [[Double]]) -> BoundData {
        let n = columns.first?.count ?? 0
        var data = [[Double]](repeating: [], count: nodes.count)
        for (r, node) in nodes.enumerated() where kinds[r] == .data {
            switch node.op {
            case .input: data[r] = columns[Int(node.payload)]
            default:
                let x = data[node.a]
                let y: [Double] = node.b >= 0 ? (kinds[node.b] == .data ? data[node.b] : Array(repeating: constants[node.b], count: n)) : []
                let xs = kinds[node.a] == .data ? x : Array(repeating: constants[node.a], count: n)
                data[r] = (0..<n).map { i in Builder.fold(node.op, xs[i], y.isEmpty ? 0 : y[i]) }
            }
        }
        return BoundData(count: n, data: data)
    }

    // MARK: - Evaluation

    /// Scratch space for evaluations on one thread: a value and an adjoint per register and run.
    public final class Workspace: @unchecked Sendable {
        let count: Int
        let registers: Int
        let values: UnsafeMutablePointer<Double>
        let adjoints: UnsafeMutablePointer<Double>
        /// One value and one adjoint per register for the scalar (constant and uniform) registers.
        /// Raw buffers rather than arrays: no exclusivity or uniqueness checks in the passes.
        let scalars: UnsafeMutablePointer<Double>
        let scalarAdjoints: UnsafeMutablePointer<Double>
        /// Whether a varying register's adjoint row holds this reverse sweep's contributions yet.
        let written: UnsafeMutablePointer<Bool>
        /// The adjoint row each register's adjoint lives in: its own, unless the reverse sweep let an
        /// operand of an addition take over the row of the sum's adjoint (which it would otherwise
        /// copy). Reset to the identity at the start of each sweep.
        let adjointSlot: UnsafeMutablePointer<Int>
        /// Each data register's smallest and largest value over runs (0 for other registers).
        let dataLow: UnsafeMutablePointer<Double>
        let dataHigh: UnsafeMutablePointer<Double>

        init(program: LawProgram, data: BoundData) {
            count = data.count
            registers = program.nodes.count
            let size = Swift.max(1, registers * Swift.max(count, 1))
            values = .allocate(capacity: size)
            values.initialize(repeating: 0, count: size)
            adjoints = .allocate(capacity: size)
            adjoints.initialize(repeating: 0, count: size)
            scalars = .allocate(capacity: max(1, registers))
            scalars.initialize(repeating: 0, count: max(1, registers))
            for (r, c) in program.constants.enumerated() { scalars[r] = c }
            scalarAdjoints = .allocate(capacity: max(1, registers))
            scalarAdjoints.initialize(repeating: 0, count: max(1, registers))
            written = .allocate(capacity: max(1, registers))
            written.initialize(repeating: false, count: max(1, registers))
            adjointSlot = .allocate(capacity: max(1, registers))
            for r in 0..<max(1, registers) { (adjointSlot + r).initialize(to: r) }
            dataLow = .allocate(capacity: max(1, registers))
            dataLow.initialize(repeating: 0, count: max(1, registers))
            dataHigh = .allocate(capacity: max(1, registers))
            dataHigh.initialize(repeating: 0, count: max(1, registers))
            for r in 0..<registers where program.kinds[r] == .data {
                (values + r * count).update(from: data.data[r], count: count)
                dataLow[r] = data.data[r].min() ?? 0
                dataHigh[r] = data.data[r].max() ?? 0
            }
        }

        deinit {
            values.deallocate()
            adjoints.deallocate()
            scalars.deallocate()
            scalarAdjoints.deallocate()
            written.deallocate()
            adjointSlot.deallocate()
            dataLow.deallocate()
            dataHigh.deallocate()
        }

        func row(_ r: Int) -> UnsafeMutablePointer<Double> { values + r * count }
        func adjointRow(_ r: Int) -> UnsafeMutablePointer<Double> { adjoints + adjointSlot[r] * count }
    }

    public func workspace(_ data: BoundData) -> Workspace { Workspace(program: self, data: data) }

    /// Runs the forward program at `parameters`; afterwards the output's per-run values are in
    /// `workspace.row(output)` (or its scalar, for a law that does not vary over runs).
    func forward(_ parameters: UnsafePointer<Double>, _ w: Workspace) {
        let n = w.count
        for r in 0..<nodes.count {
            let node = nodes[r]
            switch kinds[r] {
            case .constant, .data: continue
            case .uniform:
                w.scalars[r] =
                    node.op == .parameter
                    ? parameters[Int(node.payload)]
                    : Builder.fold(node.op, w.scalars[node.a], node.b >= 0 ? w.scalars[node.b] : 0)
            case .varying:
                let out = w.row(r)
                let aRow = kinds[node.a].perRun
                let x = aRow ? UnsafePointer(w.row(node.a)) : nil
                let xs = aRow ? 0 : w.scalars[node.a]
                /// A unary instruction varies over runs only when its operand does, so its operand
                /// is a row.
                let operand = UnsafePointer(w.row(node.a))
                switch node.op {
                case .multiplyAdd, .multiplySubtract:
                    let y = kinds[node.b].perRun ? UnsafePointer(w.row(node.b)) : nil
                    let ys = kinds[node.b].perRun ? 0 : w.scalars[node.b]
                    let z = kinds[node.c].perRun ? UnsafePointer(w.row(node.c)) : nil
                    let zs = kinds[node.c].perRun ? 0 : w.scalars[node.c]
                    Self.fusedPass(node.op == .multiplyAdd, x, xs, y, ys, z, zs, out, n)
                case .negate: for i in 0..<n { out[i] = -operand[i] }
                case .exp:
                    // An affine operand whose range is known from its data row's extremes skips the scan.
                    if let range = affineRange(node.a, w), range.low >= -708, range.high <= 708 {
                        approach3_kernel_exp_normal(operand, out, n, approach3_kernel_automatic)
                    } else {
                        Self.vectorExp(operand, out, n)
                    }
                case .log: Self.vectorLog(operand, out, n)
                case .sqrt: for i in 0..<n { out[i] = operand[i].squareRoot() }
                default:
                    let bRow = kinds[node.b].perRun
                    let y = bRow ? UnsafePointer(w.row(node.b)) : nil
                    let ys = bRow ? 0 : w.scalars[node.b]
                    Self.binaryPass(node.op, x, xs, y, ys, out, n)
                }
            }
        }
    }

    /// The smallest and largest value over runs of `register` when it is a fused s·d + c or c − s·d
    /// with d a data register and s, c scalars: each run rounds s·d, then the sum, and both roundings
    /// are monotone in d, so the extremes are those at d's smallest and largest values, computed
    /// here by the same operations as the pass (the same bits, without reading the row). nil for
    /// any other register.
    func affineRange(_ register: Int, _ w: Workspace) -> (low: Double, high: Double)? {
        let node = nodes[register]
        guard node.op == .multiplyAdd || node.op == .multiplySubtract, kinds[register] == .varying, !kinds[node.c].perRun else {
            return nil
        }
        let data: Int, scale: Double
        if kinds[node.a] == .data, !kinds[node.b].perRun {
            data = node.a
            scale = w.scalars[node.b]
        } else if kinds[node.b] == .data, !kinds[node.a].perRun {
            data = node.b
            scale = w.scalars[node.a]
        } else {
            return nil
        }
        let c = w.scalars[node.c]
        let add = node.op == .multiplyAdd
        func value(_ d: Double) -> Double { add ? scale * d + c : c - scale * d }
        let first = value(w.dataLow[data]), second = value(w.dataHigh[data])
        return (Swift.min(first, second), Swift.max(first, second))
    }

    /// eˣ for every run through the kernel's vector exp: its normal-range copy when every |x| ≤ 708
    /// (the common case: no clamping, one power of two instead of two; the same bits there, since
    /// scaling by powers of two is exact while the result is normal), else the full one.
    @inline(__always)
    static func vectorExp(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        // A wrapping count rather than `inRange && …`, so that the scan has no branch and no
        // overflow check and vectorises.
        var outside = 0
        for i in 0..<n { outside &+= x[i] >= -708 && x[i] <= 708 ? 0 : 1 }
        if outside == 0 {
            approach3_kernel_exp_normal(x, out, n, approach3_kernel_automatic)
        } else {
            approach3_kernel_exp(x, out, n, approach3_kernel_automatic)
        }
    }

    /// ln x for every run: the kernel's copy for positive normal finite x when every x is one (the
    /// same bits as the full copy there, without its special-case selects), else the full one.
    @inline(__always)
    static func vectorLog(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        var abnormal = 0
        for i in 0..<n { abnormal &+= x[i] >= Double.leastNormalMagnitude && x[i] <= Double.greatestFiniteMagnitude ? 0 : 1 }
        if abnormal == 0 {
            approach3_kernel_log_normal(x, out, n, approach3_kernel_automatic)
        } else {
            approach3_kernel_log(x, out, n, approach3_kernel_automatic)
        }
    }

    /// a·b + c (`add`) or c − a·b for every run, each operand a row or a scalar.
    @inline(__always)
    static func fusedPass(
        _ add: Bool, _ x: UnsafePointer<Double>?, _ xs: Double, _ y: UnsafePointer<Double>?, _ ys: Double,
        _ z: UnsafePointer<Double>?, _ zs: Double, _ out: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        switch (add, x, y, z) {
        case (true, nil, let y?, nil): for i in 0..<n { out[i] = xs * y[i] + zs }
        case (false, nil, let y?, nil): for i in 0..<n { out[i] = zs - xs * y[i] }
        case (true, let x?, nil, nil): for i in 0..<n { out[i] = x[i] * ys + zs }
        case (false, let x?, nil, nil): for i in 0..<n { out[i] = zs - x[i] * ys }
        case (true, _, _, _):
            for i in 0..<n { out[i] = (x?[i] ?? xs) * (y?[i] ?? ys) + (z?[i] ?? zs) }
        case (false, _, _, _):
            for i in 0..<n { out[i] = (z?[i] ?? zs) - (x?[i] ?? xs) * (y?[i] ?? ys) }
        }
    }

    @inline(__always)
    static func binaryPass(
        _ op: Op, _ x: UnsafePointer<Double>?, _ xs: Double, _ y: UnsafePointer<Double>?, _ ys: Double,
        _ out: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        switch (op, x, y) {
        case (.add, let x?, let y?): for i in 0..<n { out[i] = x[i] + y[i] }
        case (.add, let x?, nil): for i in 0..<n { out[i] = x[i] + ys }
        case (.add, nil, let y?): for i in 0..<n { out[i] = xs + y[i] }
        case (.subtract, let x?, let y?): for i in 0..<n { out[i] = x[i] - y[i] }
        case (.subtract, let x?, nil): for i in 0..<n { out[i] = x[i] - ys }
        case (.subtract, nil, let y?): for i in 0..<n { out[i] = xs - y[i] }
        case (.multiply, let x?, let y?): for i in 0..<n { out[i] = x[i] * y[i] }
        case (.multiply, let x?, nil): for i in 0..<n { out[i] = x[i] * ys }
        case (.multiply, nil, let y?): for i in 0..<n { out[i] = xs * y[i] }
        case (.divide, let x?, let y?): for i in 0..<n { out[i] = x[i] / y[i] }
        case (.divide, let x?, nil): for i in 0..<n { out[i] = x[i] / ys }
        case (.divide, nil, let y?): for i in 0..<n { out[i] = xs / y[i] }
        case (.min, _, _):
            for i in 0..<n { out[i] = Swift.min(x?[i] ?? xs, y?[i] ?? ys) }
        case (.max, _, _):
            for i in 0..<n { out[i] = Swift.max(x?[i] ?? xs, y?[i] ?? ys) }
        default: break
        }
    }

    /// The law's value for every run at `parameters` (search scale), written to `out`.
    public func values(_ parameters: [Double], _ w: Workspace) -> [Double] {
        forward(parameters, w)
        if kinds[output].perRun { return Array(UnsafeBufferPointer(start: w.row(output), count: w.count)) }
        return Array(repeating: w.scalars[output], count: w.count)
    }

    /// The value and gradient (search scale) of a program that reads no per-run inputs, such as a
    /// law whose inputs are compiled as parameters.
    public func scalarValueAndGradient(_ parameters: [Double], _ w: Workspace) -> (value: Double, gradient: [Double]) {
        precondition(!kinds[output].perRun, "scalarValueAndGradient needs a program without per-run inputs")
        var gradient = [Double](repeating: 0, count: parameterCount)
        forward(parameters, w)
        w.scalarAdjoints[output] = 1
        reverse(&gradient, w)
        return (w.scalars[output], gradient)
    }

    /// Runs the reverse sweep after `forward`, given ∂f/∂output per run in `w.adjointRow(output)`
    /// (or the scalar adjoint, for a uniform output); adds ∂f/∂parameter to `gradient`.
    func reverse(_ gradient: UnsafeMutablePointer<Double>, _ w: Workspace) {
        let n = w.count
        // A varying register's adjoint row is assigned by its first contribution and added to by
        // the rest (`written`), so no pass clears the rows; a row nothing wrote is zero, and its
        // instruction is skipped.
        for r in 0..<nodes.count {
            w.written[r] = false
            w.adjointSlot[r] = r
        }
        w.written[output] = true
        for r in 0..<nodes.count where kinds[r] == .uniform && r != output { w.scalarAdjoints[r] = 0 }
        for r in stride(from: nodes.count - 1, through: 0, by: -1) {
            let node = nodes[r]
            switch kinds[r] {
            case .constant, .data: continue
            case .uniform:
                let g = w.scalarAdjoints[r]
                if node.op == .parameter {
                    gradient[Int(node.payload)] += g
                    continue
                }
                guard g != 0 else { continue }
                let x = w.scalars[node.a]
                let y = node.b >= 0 ? w.scalars[node.b] : 0
                let z = w.scalars[r]
                var gx = 0.0, gy = 0.0
                switch node.op {
                case .negate: gx = -g
                case .add: gx = g; gy = g
                case .subtract: gx = g; gy = -g
                case .multiply: gx = g * y; gy = g * x
                case .divide: gx = g / y; gy = -g * z / y
                case .exp: gx = g * z
                case .log: gx = g / x
                case .sqrt: gx = g * 0.5 / z
                case .min: if x <= y { gx = g } else { gy = g }
                case .max: if x >= y { gx = g } else { gy = g }
                case .constant, .input, .parameter, .multiplyAdd, .multiplySubtract: break
                }
                if kinds[node.a] == .uniform { w.scalarAdjoints[node.a] += gx }
                if node.b >= 0, kinds[node.b] == .uniform { w.scalarAdjoints[node.b] += gy }
            case .varying:
                guard w.written[r] else { continue }
                let g = UnsafePointer(w.adjointRow(r))
                let z = UnsafePointer(w.row(r))
                let aRow = kinds[node.a].perRun
                let x: UnsafePointer<Double>? = aRow ? UnsafePointer(w.row(node.a)) : nil
                let xs = aRow ? 0 : w.scalars[node.a]
                // Where an operand's adjoint goes: its row (varying; assigned by the first
                // contribution), a sum (uniform) or nowhere. An operand used twice by this
                // instruction (x·x) is assigned once, then added to.
                func target(_ operand: Int) -> Target {
                    switch kinds[operand] {
                    case .varying:
                        defer { w.written[operand] = true }
                        return w.written[operand] ? .row(w.adjointRow(operand)) : .fresh(w.adjointRow(operand))
                    case .uniform: return .sum
                    case .constant, .data: return .none
                    }
                }
                var aTarget = target(node.a)
                var bTarget: Target = .none
                var y: UnsafePointer<Double>? = nil
                var ys = 0.0
                if node.b >= 0 {
                    let bRow = kinds[node.b].perRun
                    y = bRow ? UnsafePointer(w.row(node.b)) : nil
                    ys = bRow ? 0 : w.scalars[node.b]
                    bTarget = target(node.b)
                }
                if node.b == node.a, case .fresh(let p) = bTarget { bTarget = .row(p) }
                /// An operand whose adjoint would start as a copy of this instruction's (g) takes
                /// over g's row instead: nothing reads this register's adjoint after this point, and
                /// only one operand may take it over (the other's contributions are its own).
                func takeOver(_ operand: Int, _ target: inout Target) {
                    guard case .fresh = target else { return }
                    w.adjointSlot[operand] = w.adjointSlot[r]
                    target = .none
                }
                var sumA = 0.0, sumB = 0.0
                switch node.op {
                case .multiplyAdd, .multiplySubtract:
                    // z = ±a·b + c: ∂a = ±g·b, ∂b = ±g·a, ∂c = g.
                    var cTarget = target(node.c)
                    if node.c == node.a || node.c == node.b, case .fresh(let p) = cTarget { cTarget = .row(p) }
                    if node.c != node.a, node.c != node.b { takeOver(node.c, &cTarget) }
                    let sign = node.op == .multiplyAdd ? 1.0 : -1.0
                    if case .sum = aTarget, case .none = bTarget, case .sum = cTarget, let y {
                        // Eq. 2's c − α·ln N with uniform c and α: both sums in one pass.
                        let sums = Self.sumTwo(n) { (sign * g[$0] * y[$0], g[$0]) }
                        w.scalarAdjoints[node.a] += sums.0
                        w.scalarAdjoints[node.c] += sums.1
                        continue
                    }
                    if let y {
                        sumA = Self.accumulate(aTarget, n) { sign * g[$0] * y[$0] }
                    } else {
                        sumA = Self.accumulate(aTarget, n) { sign * g[$0] * ys }
                    }
                    if let x {
                        sumB = Self.accumulate(bTarget, n) { sign * g[$0] * x[$0] }
                    } else {
                        sumB = Self.accumulate(bTarget, n) { sign * g[$0] * xs }
                    }
                    let sumC = Self.accumulate(cTarget, n) { g[$0] }
                    if case .sum = cTarget { w.scalarAdjoints[node.c] += sumC }
                case .negate: sumA = Self.accumulate(aTarget, n) { -g[$0] }
                case .exp:
                    if let affine = affineOfData(node.a) {
                        // exp(c ± α·x) of a data row x, read by nothing else (a power law's
                        // e^(a − α ln N)): the sums for α and c straight from g·eᵘ, in one pass and
                        // with the same bits as writing u's adjoint row and summing it after.
                        let data = UnsafePointer(w.row(affine.data))
                        let sign = affine.sign
                        let sums = Self.sumTwo(n) {
                            let t = g[$0] * z[$0]
                            return (sign * t * data[$0], t)
                        }
                        w.scalarAdjoints[affine.scale] += sums.0
                        w.scalarAdjoints[affine.offset] += sums.1
                        w.written[node.a] = false
                        continue
                    }
                    sumA = Self.accumulate(aTarget, n) { g[$0] * z[$0] }
                case .log:
                    // A log that varies over runs has a row for its operand.
                    let operand = UnsafePointer(w.row(node.a))
                    sumA = Self.accumulate(aTarget, n) { g[$0] / operand[$0] }
                case .sqrt: sumA = Self.accumulate(aTarget, n) { g[$0] * 0.5 / z[$0] }
                case .add:
                    if node.a != node.b {
                        if case .fresh = aTarget { takeOver(node.a, &aTarget) } else { takeOver(node.b, &bTarget) }
                    }
                    sumA = Self.accumulate(aTarget, n) { g[$0] }
                    sumB = Self.accumulate(bTarget, n) { g[$0] }
                case .subtract:
                    if node.a != node.b { takeOver(node.a, &aTarget) }
                    sumA = Self.accumulate(aTarget, n) { g[$0] }
                    sumB = Self.accumulate(bTarget, n) { -g[$0] }
                case .multiply:
                    if let y {
                        sumA = Self.accumulate(aTarget, n) { g[$0] * y[$0] }
                    } else {
                        sumA = Self.accumulate(aTarget, n) { g[$0] * ys }
                    }
                    if let x {
                        sumB = Self.accumulate(bTarget, n) { g[$0] * x[$0] }
                    } else {
                        sumB = Self.accumulate(bTarget, n) { g[$0] * xs }
                    }
                case .divide:
                    if let y {
                        sumA = Self.accumulate(aTarget, n) { g[$0] / y[$0] }
                        sumB = Self.accumulate(bTarget, n) { -g[$0] * z[$0] / y[$0] }
                    } else {
                        sumA = Self.accumulate(aTarget, n) { g[$0] / ys }
                        sumB = Self.accumulate(bTarget, n) { -g[$0] * z[$0] / ys }
                    }
                case .min:
                    sumA = Self.accumulate(aTarget, n) { (x?[$0] ?? xs) <= (y?[$0] ?? ys) ? g[$0] : 0 }
                    sumB = Self.accumulate(bTarget, n) { (x?[$0] ?? xs) <= (y?[$0] ?? ys) ? 0 : g[$0] }
                case .max:
                    sumA = Self.accumulate(aTarget, n) { (x?[$0] ?? xs) >= (y?[$0] ?? ys) ? g[$0] : 0 }
                    sumB = Self.accumulate(bTarget, n) { (x?[$0] ?? xs) >= (y?[$0] ?? ys) ? 0 : g[$0] }
                case .constant, .input, .parameter: break
                }
                if case .sum = aTarget { w.scalarAdjoints[node.a] += sumA }
                if case .sum = bTarget { w.scalarAdjoints[node.b] += sumB }
            }
        }
    }

    /// For a register `c ± α·x` (fused) with uniform c and α, a data row x, and one reader: the
    /// registers of α, x and c, and the sign; nil otherwise.
    func affineOfData(_ r: Int) -> (scale: Int, data: Int, offset: Int, sign: Double)? {
        let node = nodes[r]
        guard uses[r] == 1, r != output, node.op == .multiplyAdd || node.op == .multiplySubtract, kinds[node.c] == .uniform else {
            return nil
        }
        let sign = node.op == .multiplyAdd ? 1.0 : -1.0
        if kinds[node.a] == .uniform, kinds[node.b] == .data, node.a != node.c { return (node.a, node.b, node.c, sign) }
        if kinds[node.b] == .uniform, kinds[node.a] == .data, node.b != node.c { return (node.b, node.a, node.c, sign) }
        return nil
    }

    enum Target {
        /// Add to the row.
        case row(UnsafeMutablePointer<Double>)
        /// Assign the row (its first contribution).
        case fresh(UnsafeMutablePointer<Double>)
        case sum
        case none
    }

    /// Two sums over runs in one pass, each in `accumulate`'s order (so the same bits as two passes).
    @inline(__always)
    static func sumTwo(_ n: Int, _ contribution: (Int) -> (Double, Double)) -> (Double, Double) {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0
        var i = 0
        while i + 4 <= n {
            let c0 = contribution(i), c1 = contribution(i + 1), c2 = contribution(i + 2), c3 = contribution(i + 3)
            s0 += c0.0
            s1 += c1.0
            s2 += c2.0
            s3 += c3.0
            t0 += c0.1
            t1 += c1.1
            t2 += c2.1
            t3 += c3.1
            i += 4
        }
        while i < n {
            let c = contribution(i)
            s0 += c.0
            t0 += c.1
            i += 1
        }
        return ((s0 + s1) + (s2 + s3), (t0 + t1) + (t2 + t3))
    }

    /// Adds `contribution(i)` to each run's adjoint (`.row`), assigns it (`.fresh`), or returns its
    /// sum over runs (`.sum`).
    @inline(__always)
    static func accumulate(_ target: Target, _ n: Int, _ contribution: (Int) -> Double) -> Double {
        switch target {
        case .row(let p):
            for i in 0..<n { p[i] += contribution(i) }
            return 0
        case .fresh(let p):
            for i in 0..<n { p[i] = contribution(i) }
            return 0
        case .sum:
            // Four partial sums (runs i ≡ 0, 1, 2, 3 mod 4), added in a fixed order: the same bits
            // on every machine, without one long chain of dependent additions.
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var i = 0
            while i + 4 <= n {
                s0 += contribution(i)
                s1 += contribution(i + 1)
                s2 += contribution(i + 2)
                s3 += contribution(i + 3)
                i += 4
            }
            while i < n {
                s0 += contribution(i)
                i += 1
            }
            return (s0 + s1) + (s2 + s3)
        case .none:
            return 0
        }
    }

    /// Σ Huber_δ(rᵢ) with rᵢ = ln L̂ᵢ − ln Lᵢ (`logPrediction` holds ln L̂ on entry), and the
    /// adjoint of each prediction, clamp(rᵢ, ±δ) / L̂ᵢ, written over `logPrediction`; δ = ∞ is
    /// squared error. Four runs at a time with four partial sums (lane sums last, a fixed order),
    /// so the loop is not one chain of dependent additions.
    @inline(__always)
    static func huberPass(
        _ prediction: UnsafePointer<Double>, _ logPrediction: UnsafeMutablePointer<Double>, _ observed: UnsafePointer<Double>,
        delta: Double, _ n: Int
    ) -> Double {
        let d = SIMD4<Double>(repeating: delta), half = SIMD4<Double>(repeating: 0.5)
        var sums = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= n {
            let r =
                UnsafeRawPointer(logPrediction + i).loadUnaligned(as: SIMD4<Double>.self)
                - UnsafeRawPointer(observed + i).loadUnaligned(as: SIMD4<Double>.self)
            // Selects rather than the generic pointwise min and max, which are not inlined.
            let ar = r.replacing(with: -r, where: r .< 0)
            let quadratic = half * r * r
            sums += quadratic.replacing(with: d * (ar - half * d), where: ar .> d)
            let clamped = r.replacing(with: d, where: r .> d).replacing(with: -d, where: r .< -d)
            let adjoint = clamped / UnsafeRawPointer(prediction + i).loadUnaligned(as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(logPrediction + i).storeBytes(of: adjoint, as: SIMD4<Double>.self)
            i += 4
        }
        var f = (sums[0] + sums[1]) + (sums[2] + sums[3])
        while i < n {
            let r = logPrediction[i] - observed[i]
            let ar = Swift.abs(r)
            f += ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta)
            logPrediction[i] = Swift.min(Swift.max(r, -delta), delta) / prediction[i]
            i += 1
        }
        return f
    }

    /// Σᵢ objective(law(runᵢ), observedᵢ) at `parameters` (search scale), and its exact gradient in
    /// `gradient` when given. `observed` holds what the objective compares with: ln L for the log
    /// objectives, L for `mse` (`FitObjective.target`).
    public func objective(
        _ parameters: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>?, observed: UnsafePointer<Double>,
        objective: FitObjective, _ w: Workspace
    ) -> Double {
        forward(parameters, w)
        let n = w.count
        let perRun = kinds[output].perRun
        let prediction = w.row(output)
        if !perRun { for i in 0..<n { prediction[i] = w.scalars[output] } }
        let adjoint = w.adjointRow(output)
        var f = 0.0
        switch objective {
        case .mse:
            for i in 0..<n {
                let r = prediction[i] - observed[i]
                f += 0.5 * r * r
                adjoint[i] = r
            }
        case .mseLog, .huberLog:
            Self.vectorLog(prediction, adjoint, n)
            f = Self.huberPass(prediction, adjoint, observed, delta: objective.huberDelta ?? .infinity, n)
        }
        guard let gradient else { return f }
        for k in 0..<parameterCount { gradient[k] = 0 }
        guard f.isFinite else { return f }
        if !perRun {
            var s = 0.0
            for i in 0..<n { s += adjoint[i] }
            w.scalarAdjoints[output] = s
        }
        reverse(gradient, w)
        return f
    }
}
