// swift-tools-version:6.0
// Concord: a full-text search engine with no package dependencies.
//
// Data flows one way: ConcordIngest -> ConcordText -> ConcordIndex (write);
// ConcordQuery -> ConcordIndex (read). ConcordText imports nothing of ours.
import PackageDescription

let package = Package(
    name: "Concord",
    products: [
        .library(name: "Concord", targets: ["Concord"]),
        .executable(name: "concord", targets: ["concord"]),
        .executable(name: "concord-bench", targets: ["concord-bench"]),
    ],
    targets: [
        // bytes -> tokens: tokenizer, folding, Porter2 stemmer, analyzer. Pure, no I/O.
        .target(name: "ConcordText"),
        // files -> documents: readers, cleanup of conversion noise, paragraphs, metadata.
        .target(name: "ConcordIngest", dependencies: ["ConcordText"]),
        // documents -> segments on disk and back (FORMAT.md lives beside the code).
        .target(name: "ConcordIndex", dependencies: ["ConcordText"], exclude: ["FORMAT.md"]),
        // query text -> ranked hits over the mapped segments.
        .target(name: "ConcordQuery", dependencies: ["ConcordText", "ConcordIndex"]),
        // the library facade users import.
        .target(name: "Concord", dependencies: ["ConcordText", "ConcordIngest", "ConcordIndex", "ConcordQuery"]),
        // commands, REPL, line editor, output formats.
        .target(name: "ConcordCLI", dependencies: ["Concord"]),
        .executableTarget(name: "concord", dependencies: ["ConcordCLI"]),
        .executableTarget(
            name: "concord-bench",
            dependencies: ["Concord", "ConcordText", "ConcordIngest", "ConcordIndex", "ConcordQuery"],
            path: "Benchmarks/concord-bench"
        ),
        // brute-force reference engine and seeded generators for differential tests.
        .target(
            name: "ConcordTestSupport",
            dependencies: ["ConcordText", "ConcordIngest", "ConcordIndex", "ConcordQuery", "Concord"],
            path: "Tests/ConcordTestSupport"
        ),
        // The Porter2 vocabulary is read from the source tree (#filePath), not bundled.
        .testTarget(
            name: "ConcordTextTests", dependencies: ["ConcordText", "ConcordTestSupport"], exclude: ["Resources"]),
        .testTarget(name: "ConcordIngestTests", dependencies: ["ConcordIngest", "ConcordTestSupport"]),
        .testTarget(name: "ConcordIndexTests", dependencies: ["ConcordIndex", "ConcordTestSupport"]),
        .testTarget(name: "ConcordQueryTests", dependencies: ["ConcordQuery", "Concord", "ConcordTestSupport"]),
        .testTarget(name: "ConcordCLITests", dependencies: ["ConcordCLI", "ConcordTestSupport"]),
        .testTarget(name: "ConcordEndToEndTests", dependencies: ["Concord", "ConcordTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
