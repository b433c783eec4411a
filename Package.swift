// swift-tools-version:6.0
//
// reportgen: declarative analysis documents → reproducible scientific reports.
//
// Data flows one way: ReportDocument (parse) → ReportgenCore (check, plan) → BuildEngine
// (execute, cache) → Analyses on ScalingLaws (fit, figure specs, tables) → Plotting (figure →
// display list) → Composition on Typesetting (the numbered report, pages as display lists,
// the HTML page) → CairoBackend (PDF/PNG/SVG bytes). Only the back end, the optimiser and its
// objective kernel touch C.

import PackageDescription

let package = Package(
    name: "reportgen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "reportgen", targets: ["reportgen"]),
        .library(name: "ReportgenCore", targets: ["ReportgenCore"]),
        .library(name: "ScalingLaws", targets: ["ScalingLaws"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The preview server's HTTP (reportgen preview only; built reports never depend on it).
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
    ],
    targets: [
        // MARK: C libraries (system-library targets; `make deps` installs the Debian packages)
        .systemLibrary(
            name: "CCairo", pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(
            name: "CPango", pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CCmark", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(
            name: "CNLopt", pkgConfig: "nlopt",
            providers: [.apt(["libnlopt-dev"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // libhyphen has no pkg-config file; its header and library are in the default paths.
        .systemLibrary(
            name: "CHyphen",
            providers: [.apt(["libhyphen-dev", "hyphen-en-us"])]),

        // btparse (the BibTeX parser) has no pkg-config file; its header and library are in the default paths.
        .systemLibrary(
            name: "CBTParse",
            providers: [.apt(["libbtparse-dev"])]),

        // MARK: Swift modules, lowest first
        // The fits and the Approach 3 kernel are optimised in debug builds too, so that the test
        // suite, which runs the paper's 4500-start grid, stays quick.
        .target(
            name: "ScalingLaws", dependencies: ["CNLopt", "CApproach3Kernel"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Approach 3's objective and gradient (vector exp/log over runs), compiled for the baseline
        // instruction set and for AVX2 from one source, chosen at run time; both give the same bits.
        .target(name: "CApproach3Kernel", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        .target(
            name: "ReportDocument",
            // Plotting: the SI suffixes that tick labels and prose numbers share; CBTParse: .bib files;
            // ScalingLaws: the option types documents share with the fitting code (`BadBudgetPolicy`).
            dependencies: ["CCmark", "CBTParse", "Plotting", "ScalingLaws", .product(name: "Yams", package: "Yams")]),
        .target(name: "Plotting"),
        .target(name: "Typesetting", dependencies: ["Plotting"]),
        .target(name: "CairoBackend", dependencies: ["CCairo", "CPango", "CZlib", "Plotting"]),
        // The generic build engine: steps and their keys, the content store, the executor, lock
        // files, build state and output sets. It knows nothing of documents or scaling laws.
        .target(name: "BuildEngine", dependencies: ["CCrypto"]),
        // Run data: CSV and JSON Lines tables, the run and loss-curve loaders, simulated sweeps.
        .target(name: "RunData", dependencies: ["ReportDocument", "ScalingLaws", "BuildEngine"]),
        // The analysis kinds: the approaches and their result names, the figure kinds and table
        // kinds with their registry, the fit steps and the paper's published values.
        .target(name: "Analyses", dependencies: ["ScalingLaws", "Plotting", "ReportDocument", "RunData", "BuildEngine"]),
        // Hyphenation points from pattern dictionaries, as soft hyphens for Pango.
        .target(name: "Hyphenation", dependencies: ["CHyphen"]),
        // Composition: the report assembled from the document, the values, the figures' drawings and
        // the tables: one numbered outline, the prose, the paper style, the PDF's blocks and the HTML page.
        .target(
            name: "Composition",
            dependencies: [
                "ReportDocument", "Analyses", "BuildEngine", "Plotting", "Typesetting", "CairoBackend", "Hyphenation",
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
        .target(
            name: "ReportgenCore",
            dependencies: [
                "BuildEngine", "RunData", "Analyses", "Composition", "CBuildID", "ScalingLaws", "ReportDocument", "Plotting", "Typesetting",
                "CairoBackend",
            ]),
        // `reportgen preview`: serves one report folder over HTTP on loopback, watches every file the
        // build read and pushes a reload to the page after each rebuild.
        .target(
            name: "PreviewServer",
            dependencies: ["ReportgenCore", "BuildEngine", .product(name: "FlyingFox", package: "FlyingFox")]),
        // The executable's GNU build ID, part of every step key (a C target: dl_iterate_phdr).
        .target(name: "CBuildID"),
        .executableTarget(
            name: "reportgen",
            dependencies: [
                "ReportgenCore", "BuildEngine", "PreviewServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Tests
        // Helpers shared by the test targets: throwaway projects, a fake text measurer, a seeded generator.
        .target(name: "TestSupport", dependencies: ["ReportgenCore", "Plotting"], path: "Tests/TestSupport"),
        .testTarget(name: "ScalingLawsTests", dependencies: ["ScalingLaws"]),
        .testTarget(name: "ReportDocumentTests", dependencies: ["ReportDocument", "Analyses", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "CairoBackend", "TestSupport"]),
        .testTarget(name: "TypesettingTests", dependencies: ["Typesetting", "Plotting", "CairoBackend"]),
        .testTarget(name: "HyphenationTests", dependencies: ["Hyphenation"]),
        .testTarget(name: "CompositionTests", dependencies: ["Composition", "Analyses", "ReportDocument", "Typesetting", "Plotting"]),
        .testTarget(
            name: "ReportgenCoreTests",
            dependencies: ["ReportgenCore", "BuildEngine", "Analyses", "ReportDocument", "ScalingLaws", "Plotting", "TestSupport"],
            exclude: ["Fixtures"]),
        // The command line end to end: it runs the built `reportgen` binary.
        .testTarget(name: "ReportgenCLITests", dependencies: ["reportgen", "ReportgenCore", "TestSupport"]),
        .testTarget(name: "PreviewServerTests", dependencies: ["PreviewServer", "ReportgenCore", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
