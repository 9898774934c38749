import Concord
import ConcordTestSupport
import Foundation
import Testing

// The crash loop of `CrashLoop.swift` against the built binary. `swift test` runs a short loop;
// a long one runs with, for example,
//   CONCORD_CRASH_ITERATIONS=200 CONCORD_BINARY=$PWD/.build/release/concord \
//     swift test --filter CrashLoopTests
// and CONCORD_CRASH_SEED=S replays the documents, commands and kill delays of a printed seed.

@Suite("Killed writers never lose committed documents")
struct CrashLoopTests {
    @Test("the unique words are single tokens that no stemming rule changes")
    func uniqueWordsAnalyzeToThemselves() {
        var analyzer = Analyzer(stemming: true)
        let words =
            [CrashLoop.everyDocumentWord]
            + [0, 1, 25, 26, 27, 675, 676, 17_575, 123_456].flatMap {
                [CrashLoop.idWord($0), CrashLoop.versionWord($0)]
            }
        for word in words {
            let tokens = analyzer.tokens(word)
            #expect(tokens.map(\.stem) == [word], "\(word) analyzes to \(tokens.map(\.stem))")
        }
        #expect(CrashLoop.letters(0) == "a")
        #expect(CrashLoop.letters(25) == "z")
        #expect(CrashLoop.letters(26) == "ba")
        #expect(Set((0..<20_000).map(CrashLoop.letters)).count == 20_000)
    }

    @Test("index and merge runs killed at random moments leave a healthy index with every commit")
    func killedRuns() throws {
        let (iterations, seed) = CrashLoopConfiguration.fromEnvironment(defaultIterations: 8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "concord-crash-\(UUID().uuidString)"
        ).path
        let configuration = CrashLoopConfiguration(
            seed: seed, iterations: iterations, executable: ConcordProcess.executable("concord"),
            directory: directory)
        let summary = try CrashLoop(configuration: configuration).run()
        #expect(summary.failures.isEmpty, "seed 0x\(String(seed, radix: 16)): \(summary.failures)")
        #expect(summary.lostDocuments.isEmpty, "lost: \(summary.lostDocuments.prefix(20))")
        #expect(summary.iterations == iterations)
        #expect(summary.committedDocumentChecks > 0)
        if summary.failures.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
    }
}
