import Foundation

/// One transformer configuration of the paper's Table A9 (App. J).
///
/// `printedMillions` is the parameter count exactly as the table prints it, in millions of
/// parameters (embeddings included). The other fields are the table's columns: model width
/// `dModel`, feed-forward width `ffw` (always 4·d_model), key/value size per head `kv`,
/// attention heads `heads` and transformer blocks `layers`.
public struct ModelConfiguration: Sendable, Equatable, Codable {
    public var printedMillions: Double
    public var dModel: Int
    public var ffw: Int
    public var kv: Int
    public var heads: Int
    public var layers: Int

    public init(printedMillions: Double, dModel: Int, ffw: Int, kv: Int, heads: Int, layers: Int) {
        self.printedMillions = printedMillions
        self.dModel = dModel
        self.ffw = ffw
        self.kv = kv
        self.heads = heads
        self.layers = layers
    }

    /// The printed count in parameters (millions × 10⁶).
    public var parameters: Double { printedMillions * 1e6 }
}

/// The 50 model configurations of the paper's Table A9, smallest first (44M to 16,183M parameters).
public enum ModelConfigurations {
    /// Vocabulary size of the paper's tokenizer (32,000 tokens, §4.1 and the model card).
    public static let vocabularySize = 32_000

    /// Table A9 as printed: (params in millions, d_model, ffw_size, kv_size, n_heads, n_layers).
    public static let tableA9: [ModelConfiguration] = [
        (44, 512, 2048, 64, 8, 8), (57, 576, 2304, 64, 9, 9), (74, 640, 2560, 64, 10, 10),
        (90, 640, 2560, 64, 10, 13), (106, 640, 2560, 64, 10, 16), (117, 768, 3072, 64, 12, 12),
        (140, 768, 3072, 64, 12, 15), (163, 768, 3072, 64, 12, 18), (175, 896, 3584, 64, 14, 14),
        (196, 896, 3584, 64, 14, 16), (217, 896, 3584, 64, 14, 18), (251, 1024, 4096, 64, 16, 16),
        (278, 1024, 4096, 64, 16, 18), (306, 1024, 4096, 64, 16, 20), (425, 1280, 5120, 128, 10, 18),
        (489, 1280, 5120, 128, 10, 21), (509, 1408, 5632, 128, 11, 18), (552, 1280, 5120, 128, 10, 24),
        (587, 1408, 5632, 128, 11, 21), (632, 1536, 6144, 128, 12, 19), (664, 1408, 5632, 128, 11, 24),
        (724, 1536, 6144, 128, 12, 22), (816, 1536, 6144, 128, 12, 25), (893, 1792, 7168, 128, 14, 20),
        (1018, 1792, 7168, 128, 14, 23), (1143, 1792, 7168, 128, 14, 26), (1266, 2048, 8192, 128, 16, 22),
        (1424, 2176, 8704, 128, 17, 22), (1429, 2048, 8192, 128, 16, 25), (1593, 2048, 8192, 128, 16, 28),
        (1609, 2176, 8704, 128, 17, 25), (1731, 2304, 9216, 128, 18, 24), (1794, 2176, 8704, 128, 17, 28),
        (2007, 2304, 9216, 128, 18, 28), (2283, 2304, 9216, 128, 18, 32), (2298, 2560, 10240, 128, 20, 26),
        (2639, 2560, 10240, 128, 20, 30), (2980, 2560, 10240, 128, 20, 34), (3530, 2688, 10752, 128, 22, 36),
        (3802, 2816, 11264, 128, 22, 36), (4084, 2944, 11776, 128, 22, 36), (4516, 3072, 12288, 128, 24, 36),
        (6796, 3584, 14336, 128, 28, 40), (9293, 4096, 16384, 128, 32, 42), (11452, 4352, 17408, 128, 32, 47),
        (12295, 4608, 18432, 128, 36, 44), (12569, 4608, 18432, 128, 32, 47), (13735, 4864, 19456, 128, 32, 47),
        (14940, 4992, 19968, 128, 32, 49), (16183, 5120, 20480, 128, 40, 47),
    ].map { ModelConfiguration(printedMillions: $0.0, dModel: $0.1, ffw: $0.2, kv: $0.3, heads: $0.4, layers: $0.5) }

    /// The parameter count of a configuration by N = V·d + L·(5·d·kv·h + 2·d·ffw), V = 32,000.
    ///
    /// This formula is derived, not stated in the paper: it is the one that reproduces Table A9's
    /// printed counts within 0.8% on every row: 0.80% on the 44M row (the formula gives 43.65M,
    /// which rounds to the printed 44M) and under 0.5% on every other row. The
    /// term V·d is one (shared) embedding matrix; each layer has five d × (kv·h) attention
    /// matrices and two d × ffw feed-forward matrices. Biases and layer norms are neglected.
    public static func parameterCount(_ config: ModelConfiguration) -> Double {
        let d = Double(config.dModel), kvh = Double(config.kv * config.heads)
        let perLayer = 5 * d * kvh + 2 * d * Double(config.ffw)
        return Double(vocabularySize) * d + Double(config.layers) * perLayer
    }

    /// The Table A9 configuration whose printed size is nearest to `parameters` on a log scale
    /// (ties go to the smaller model).
    public static func nearest(to parameters: Double) -> ModelConfiguration {
        var best = tableA9[0]
        for config in tableA9.dropFirst()
        where abs(log(config.parameters / parameters)) < abs(log(best.parameters / parameters)) {
            best = config
        }
        return best
    }
}
