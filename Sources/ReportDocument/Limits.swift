/// The resource limits a document must stay within (docs/FORMAT.md, "Limits").
///
/// Documents are untrusted: each limit bounds the memory, stack depth or time one input can
/// cost, and exceeding one is an error at the position where it is exceeded, reported before
/// any expensive work starts.
public enum DocumentLimits {
    /// Bytes of a document file (UTF-8).
    public static let documentBytes = 4 << 20
    /// Unicode scalars on one line of a document (cmark's table extension and the line breaker
    /// would otherwise cost more than linear time on a single huge line).
    public static let lineLength = 10_000
    /// Unicode scalars in one paragraph, heading, table cell or caption.
    public static let paragraphLength = 20_000
    /// Nesting of block quotes and lists inside each other.
    public static let blockNesting = 32
    /// Nesting of emphasis, strong emphasis and links inside each other.
    public static let inlineNesting = 32
    /// Nesting of math groups: `{…}`, `\frac`, `\sqrt`, `\left…\right` and scripts.
    public static let mathNesting = 32
    /// YAML nodes after alias expansion, in the front matter or one directive body.
    public static let yamlNodes = 20_000
    /// Nesting of YAML mappings and lists.
    public static let yamlNesting = 32

    /// Rows of one data file a document reads (CSV or JSON Lines), header not counted: enough for
    /// a fit to every logged checkpoint of a large study (10⁶ runs and more); the field and byte
    /// limits below bound its memory. A document with 10⁶ runs, two fits (one with 20 resamples)
    /// and four figures builds in about 35 s (Benchmarks/README.md).
    public static let dataRows = 2_000_000
    /// Rows of the file `reportgen fit` reads: the same as a document's.
    public static let fitCommandRows = dataRows
    /// Fields of one data file, rows × columns: with the row limit, this bounds the parsed table's
    /// memory (about 16 bytes per field plus 60 per row, some 250 MB at most) whatever the file's
    /// shape; a 10⁶-row file may have up to 10 columns. The parsers stop at the first row beyond.
    public static let dataFields = 10_000_000
    /// Bytes of one data file: 10⁶ rows of four full-precision numbers (about 75 bytes a row)
    /// fit. The file and its decoded text are held while parsing, so with `dataFields` a data file
    /// costs at most about 0.5 GB whatever it holds.
    public static let dataFileBytes = 128 << 20
    /// `smoothing-window` of an Approach 1 fit (points).
    public static let smoothingWindow = 1...1_000
    /// `envelope-points` of an Approach 1 fit (the paper uses 1500).
    public static let envelopePoints = 2...10_000
    /// `resamples` of `intervals` (the paper's Table 2 uses 1000 … a few thousand).
    public static let resamples = 1...10_000
    /// `huber-delta` of an Approach 3 fit (the paper uses 10⁻³): below 10⁻⁹ the Huber loss of
    /// every residual is its linear branch divided by δ, which overflows.
    public static let huberDelta = 1e-9...10.0
    /// Data sources of one comparison fit (`sources:`): each is a full fit and its resamples.
    public static let comparisonSources = 2...8
    /// `qc:` thresholds of an IsoFLOP fit (`IsoFLOPQCThresholds` in ScalingLaws says what each means).
    public static let qcNearDuplicate = 0.0...0.5
    public static let qcMinimumPoints = 3...1_000
    public static let qcEdgeFraction = 0.0...0.49
    public static let qcMinimumRise = 0.0...1.0
    public static let qcOutlierZ = 1.0...1_000.0
    public static let qcOutlierFloor = 0.0...0.1
    /// Bytes of all of a report's output files together.
    public static let reportBytes = 256 << 20
}
