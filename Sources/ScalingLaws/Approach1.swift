import Foundation

/// Settings of Approach 1 (§3.1, App. D.1).
public struct Approach1Options: Sendable, Equatable, Codable {
    /// Width of the Gaussian smoothing window, in logged steps. The kernel has σ = window / 4 steps
    /// and is truncated at ±window / 2 steps (±2σ); it is renormalised where it overhangs a curve's ends.
    public var smoothingWindow: Int
    /// Number of log-spaced FLOP values at which the envelope is taken (the paper uses 1500).
    public var envelopePoints: Int
    /// An envelope point is "in the final fraction" of its run when its tokens are at least
    /// (1 − finalFraction) × the run's last logged tokens (the paper's footnote 4 uses 15%).
    public var finalFraction: Double

    /// Fit the power laws only to envelope points whose model size is neither the smallest nor
    /// the largest of the sweep. At those two sizes the minimum is not bracketed (a smaller or
    /// larger model might do better but was not trained), so the envelope flattens there and
    /// would bias a and b toward zero; such points stay in `envelope`, marked not interior.
    public var interiorOnly: Bool = true

    public init(smoothingWindow: Int = 10, envelopePoints: Int = 1500, finalFraction: Double = 0.15) {
        self.smoothingWindow = smoothingWindow
        self.envelopePoints = envelopePoints
        self.finalFraction = finalFraction
    }
}

/// One point of the loss envelope: the run with the lowest loss at a FLOP value.
public struct EnvelopePoint: Sendable, Equatable, Codable {
    /// Compute C in FLOPs.
    public var flops: Double
    /// The winning run's model size N.
    public var parameters: Double
    /// Tokens D = C / (6N).
    public var tokens: Double
    /// The winning run's interpolated smoothed loss (nats per token).
    public var loss: Double
    /// Index of the winning run in the input.
    public var curve: Int
    /// Whether the point lies in the final `finalFraction` of its run.
    public var inFinalFraction: Bool
    /// Whether the point's model size lies strictly inside the sweep's range of sizes.
    public var interior: Bool = true

    public init(flops: Double, parameters: Double, tokens: Double, loss: Double, curve: Int, inFinalFraction: Bool) {
        self.flops = flops
        self.parameters = parameters
        self.tokens = tokens
        self.loss = loss
        self.curve = curve
        self.inFinalFraction = inFinalFraction
    }
}

/// Result of Approach 1: the envelope of training curves and power laws through it.
public struct Approach1Result: Sendable, Equatable {
    public var envelope: [EnvelopePoint]
    /// N_opt = k · C^a fitted to every envelope point.
    public var parametersLaw: PowerLaw
    /// D_opt = k · C^b fitted to every envelope point.
    public var tokensLaw: PowerLaw
    /// Share of envelope points in the final fraction of their run.
    public var shareInFinalFraction: Double
    /// The smoothed curves (same tokens, smoothed losses), for figures.
    public var smoothed: [TrainingCurve]
    public var a: Double { parametersLaw.exponent }
    public var b: Double { tokensLaw.exponent }

    public init(
        envelope: [EnvelopePoint], parametersLaw: PowerLaw, tokensLaw: PowerLaw, shareInFinalFraction: Double,
        smoothed: [TrainingCurve]
    ) {
        self.envelope = envelope
        self.parametersLaw = parametersLaw
        self.tokensLaw = tokensLaw
        self.shareInFinalFraction = shareInFinalFraction
        self.smoothed = smoothed
    }
}

/// The fit's output is decoded by every figure, table and results step that uses it, so its
/// bulk (1500 envelope points and every smoothed curve) is stored compactly: the envelope column
/// by column, and long arrays of numbers as `PackedDoubles` rather than JSON numbers.
extension Approach1Result: Codable {
    private enum CodingKeys: String, CodingKey {
        case envelope, parametersLaw, tokensLaw, shareInFinalFraction, smoothed
    }

    private struct EnvelopeColumns: Codable {
        var flops: PackedDoubles, parameters: PackedDoubles, tokens: PackedDoubles, loss: PackedDoubles
        /// Winning curve indices (exact as doubles below 2⁵³).
        var curve: PackedDoubles
        /// One digit per point: 1 if in the final fraction of its run, plus 2 if interior.
        var flags: String
    }

    private struct PackedCurve: Codable {
        var parameters: Double, horizonTokens: Double
        var tokens: PackedDoubles, losses: PackedDoubles
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let columns = try c.decode(EnvelopeColumns.self, forKey: .envelope)
        let flags = Array(columns.flags.utf8)
        let n = columns.flops.values.count
        guard [columns.parameters, columns.tokens, columns.loss, columns.curve].allSatisfy({ $0.values.count == n }),
            flags.count == n, flags.allSatisfy({ (48...51).contains($0) })
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .envelope, in: c, debugDescription: "envelope columns differ in length or hold bad flags")
        }
        envelope = (0..<n).map { i in
            let flag = flags[i] - 48
            var point = EnvelopePoint(
                flops: columns.flops.values[i], parameters: columns.parameters.values[i],
                tokens: columns.tokens.values[i], loss: columns.loss.values[i], curve: Int(columns.curve.values[i]),
                inFinalFraction: flag & 1 != 0)
            point.interior = flag & 2 != 0
            return point
        }
        parametersLaw = try c.decode(PowerLaw.self, forKey: .parametersLaw)
        tokensLaw = try c.decode(PowerLaw.self, forKey: .tokensLaw)
        shareInFinalFraction = try c.decode(Double.self, forKey: .shareInFinalFraction)
        smoothed = try c.decode([PackedCurve].self, forKey: .smoothed).map {
            TrainingCurve(
                parameters: $0.parameters, horizonTokens: $0.horizonTokens, tokens: $0.tokens.values,
                losses: $0.losses.values)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let flags = envelope.map { Character(String((($0.inFinalFraction ? 1 : 0) + ($0.interior ? 2 : 0)))) }
        let columns = EnvelopeColumns(
            flops: PackedDoubles(envelope.map(\.flops)), parameters: PackedDoubles(envelope.map(\.parameters)),
            tokens: PackedDoubles(envelope.map(\.tokens)), loss: PackedDoubles(envelope.map(\.loss)),
            curve: PackedDoubles(envelope.map { Double($0.curve) }), flags: String(flags))
        try c.encode(columns, forKey: .envelope)
        try c.encode(parametersLaw, forKey: .parametersLaw)
        try c.encode(tokensLaw, forKey: .tokensLaw)
        try c.encode(shareInFinalFraction, forKey: .shareInFinalFraction)
        let curves = smoothed.map {
            PackedCurve(
                parameters: $0.parameters, horizonTokens: $0.horizonTokens, tokens: PackedDoubles($0.tokens),
                losses: PackedDoubles($0.losses))
        }
        try c.encode(curves, forKey: .smoothed)
    }
}

/// An array of doubles coded as one base64 string of their little-endian IEEE bit patterns:
/// exact, and decoded far faster than the same numbers written out as JSON text.
struct PackedDoubles: Codable, Equatable, Sendable {
    var values: [Double]

    init(_ values: [Double]) { self.values = values }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let data = Data(base64Encoded: try container.decode(String.self)), data.count % 8 == 0 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a packed array of doubles")
        }
        values = data.withUnsafeBytes { raw in
            (0..<raw.count / 8).map {
                Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
            }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * values.count)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        var container = encoder.singleValueContainer()
        try container.encode(Data(bytes).base64EncodedString())
    }
}

/// Approach 1 (§3.1, App. D.1): smooth each training curve, interpolate loss against FLOPs, take
/// the lowest loss over runs at log-spaced FLOP values, and fit N_opt ∝ C^a and D_opt ∝ C^b
/// through all envelope points.
public enum Approach1 {
    public static func fit(_ curves: [TrainingCurve], options: Approach1Options = .init()) throws(FitError)
        -> Approach1Result
    {
        guard curves.count >= 2 else {
            throw .tooFewRuns(needed: 2, got: curves.count, context: "Approach 1 (training curves)")
        }
        try validate(curves)
        let smoothed = curves.map { curve in
            TrainingCurve(
                parameters: curve.parameters, horizonTokens: curve.horizonTokens, tokens: curve.tokens,
                losses: smooth(curve.losses, window: options.smoothingWindow))
        }
        let logFlops = smoothed.map { curve in curve.tokens.map { log(6 * curve.parameters * $0) } }
        guard let low = logFlops.compactMap(\.first).min(), let high = logFlops.compactMap(\.last).max() else {
            throw .tooFewRuns(needed: 2, got: 0, context: "Approach 1 (training curves with points)")
        }
        let count = max(2, options.envelopePoints)
        var envelope: [EnvelopePoint] = []
        envelope.reserveCapacity(count)
        for k in 0..<count {
            let g = k == count - 1 ? high : low + (high - low) * Double(k) / Double(count - 1)
            var best = -1
            var bestLoss = Double.infinity
            for (index, x) in logFlops.enumerated() {
                guard let loss = interpolate(x, smoothed[index].losses, at: g), loss < bestLoss else { continue }
                best = index
                bestLoss = loss
            }
            guard best >= 0 else { continue }
            let c = exp(g)
            let n = curves[best].parameters
            let d = c / (6 * n)
            let runLength = curves[best].tokens[curves[best].tokens.count - 1]
            envelope.append(
                EnvelopePoint(
                    flops: c, parameters: n, tokens: d, loss: bestLoss, curve: best,
                    inFinalFraction: d >= (1 - options.finalFraction) * runLength))
        }
        let sizes = curves.map(\.parameters)
        let smallest = sizes.min() ?? 0, largest = sizes.max() ?? 0
        for k in envelope.indices {
            envelope[k].interior = envelope[k].parameters > smallest && envelope[k].parameters < largest
        }
        let fitted = options.interiorOnly ? envelope.filter(\.interior) : envelope
        guard fitted.count >= 2 else {
            throw .tooFewRuns(needed: 2, got: fitted.count, context: "Approach 1 envelope points at interior model sizes")
        }
        let flops = fitted.map(\.flops)
        return Approach1Result(
            envelope: envelope,
            parametersLaw: try PowerLaw.fit(x: flops, y: fitted.map(\.parameters)),
            tokensLaw: try PowerLaw.fit(x: flops, y: fitted.map(\.tokens)),
            shareInFinalFraction: Double(envelope.filter(\.inFinalFraction).count) / Double(max(1, envelope.count)),
            smoothed: smoothed)
    }

    /// Checks each curve: positive finite size, at least two steps, positive finite increasing
    /// tokens, positive finite losses.
    static func validate(_ curves: [TrainingCurve]) throws(FitError) {
        for (index, curve) in curves.enumerated() {
            guard curve.parameters.isFinite, curve.parameters > 0 else {
                throw .invalidValue(run: index, field: "parameters", value: curve.parameters)
            }
            guard curve.tokens.count >= 2, curve.tokens.count == curve.losses.count else {
                throw .tooFewRuns(
                    needed: 2, got: min(curve.tokens.count, curve.losses.count),
                    context: "training curve \(index + 1) (logged steps with tokens and loss)")
            }
            for (step, value) in curve.tokens.enumerated()
            where !(value.isFinite && value > 0 && (step == 0 || value > curve.tokens[step - 1])) {
                throw .invalidValue(run: index, field: "tokens (increasing)", value: value)
            }
            for value in curve.losses where !(value.isFinite && value > 0) {
                throw .invalidValue(run: index, field: "loss", value: value)
            }
        }
    }

    /// Gaussian smoothing over logged steps: σ = window / 4, truncated at ±window / 2 steps,
    /// weights renormalised near the ends. A window below 2 leaves the values unchanged.
    static func smooth(_ values: [Double], window: Int) -> [Double] {
        let half = window / 2
        guard half >= 1 else { return values }
        let sigma = Double(window) / 4
        let kernel = (-half...half).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        return values.indices.map { i in
            var sum = 0.0
            var weight = 0.0
            for j in max(0, i - half)...min(values.count - 1, i + half) {
                let w = kernel[j - i + half]
                sum += w * values[j]
                weight += w
            }
            return sum / weight
        }
    }

    /// Linear interpolation of `y` at `g` on increasing abscissae `x`; nil outside [x₀, x_last].
    static func interpolate(_ x: [Double], _ y: [Double], at g: Double) -> Double? {
        guard g >= x[0], g <= x[x.count - 1] else { return nil }
        var lo = 0
        var hi = x.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if x[mid] <= g { lo = mid } else { hi = mid }
        }
        if x[hi] == x[lo] { return y[lo] }
        let t = (g - x[lo]) / (x[hi] - x[lo])
        return y[lo] + t * (y[hi] - y[lo])
    }
}
