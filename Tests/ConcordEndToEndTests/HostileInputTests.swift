import Foundation
import Testing

/// Inputs sized to hurt: the index command must stay within its memory budget by flushing
/// segments, whatever the vocabulary.
@Suite("hostile input end to end")
struct HostileInputTests {
    /// Distinct terms indexed: 300,000 by default, 3 million with `CONCORD_LONG_TESTS=1`.
    static let distinctTerms = ProcessInfo.processInfo.environment["CONCORD_LONG_TESTS"] == "1" ? 3_000_000 : 300_000

    /// Letters the stemmer leaves alone (no vowels, no `s`), so every word is its own term.
    static let consonants = Array("bcdfghjklmnpqrtvwxz".utf8)

    /// The `index`-th distinct six-letter word.
    static func word(_ index: Int) -> String {
        var remaining = index
        var letters = [UInt8](repeating: 0, count: 6)
        for slot in letters.indices.reversed() {
            letters[slot] = consonants[remaining % consonants.count]
            remaining /= consonants.count
        }
        return String(decoding: letters, as: UTF8.self)
    }

    @Test("hundreds of thousands of distinct terms under --memory-mb 16 flush several segments and stay searchable")
    func distinctTermsFlushSegments() throws {
        let workspace = try CLIWorkspace()
        let termsPerDocument = 1_000
        let documentCount = Self.distinctTerms / termsPerDocument
        let file = workspace.path("terms.jsonl")
        #expect(FileManager.default.createFile(atPath: file, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        for document in 0..<documentCount {
            let first = document * termsPerDocument
            let text = (first..<first + termsPerDocument).map(Self.word).joined(separator: " ")
            handle.write(Data(#"{"id": "d\#(document)", "text": "\#(text)"}"#.utf8 + [0x0A]))
        }
        try handle.close()

        let clock = ContinuousClock()
        let started = clock.now
        let indexed = try workspace.runOnIndex(["index", "terms.jsonl", "--memory-mb", "16"])
        print("HostileInputTests: \(Self.distinctTerms) distinct terms indexed in \(clock.now - started)")
        #expect(indexed.status == 0, "stderr: \(indexed.stderr)")

        let stats = try parseObject(try workspace.runOnIndex(["stats", "--json"]).stdout)
        #expect(stats["documents"] as? Int == documentCount)
        let segments = try #require(stats["segments"] as? Int)
        // The buffer costs about 50 bytes per distinct term and namespace (stemmed and exact):
        // 300,000 terms overflow 16 MB twice, so the writer must have flushed at least twice.
        #expect(segments >= 3, "the writer must flush whenever the budget is exceeded: \(stats)")
        #expect((stats["terms"] as? Int ?? 0) >= Self.distinctTerms)
        for index in [0, Self.distinctTerms / 2, Self.distinctTerms - 1] {
            let found = try parseObject(try workspace.runOnIndex(["search", "--json", Self.word(index)]).stdout)
            let ids = (found["hits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == ["d\(index / termsPerDocument)"], "\(Self.word(index)): \(found)")
        }
    }
}
