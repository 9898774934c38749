import Concord
import ConcordTestSupport
import Foundation
import Testing

/// Highlights must land on the right characters of the original file, whatever cleanup did
/// to the text (Markdown, HTML, LaTeX, footnote marks, page furniture): every source range of
/// a hit, read from the file on disk, is the highlighted word of the snippet.
@Suite("snippet offsets map back to the source files")
struct SnippetSourceOffsetTests {
    @Test("every highlighted span of the sample corpus maps to the same word in the original bytes")
    func highlightsMapToSourceBytes() throws {
        let corpus = ConcordProcess.repositoryRoot.appendingPathComponent("index-data/corpus")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concord-offsets-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Indexer.index(paths: [corpus.path], into: directory.path)
        let index = try SearchIndex(path: directory.path)
        var checked = 0
        for query in [
            "cooperation", "\"genuine dialogue\"", "2000", "Durban", "NEAR/3(cooperation dialogue)", "\"human rights\"",
            "Charter", "self-determination", "Secretary-General", "footnote", "Reaffirms",
        ] {
            let result = try index.search(query, options: SearchOptions(limit: 10))
            for hit in result.hits {
                let source = try Data(contentsOf: corpus.appendingPathComponent(hit.id))
                let snippetBytes = Array(hit.snippet.utf8)
                #expect(hit.sourceHighlights.count == hit.byteHighlights.count, "\(query) in \(hit.id)")
                for (sourceRange, snippetRange) in zip(hit.sourceHighlights, hit.byteHighlights) {
                    #expect(sourceRange.upperBound <= source.count)
                    guard sourceRange.upperBound <= source.count else { continue }
                    let original = String(decoding: source[sourceRange], as: UTF8.self)
                    let shown = String(decoding: snippetBytes[snippetRange], as: UTF8.self)
                    #expect(
                        original.lowercased() == shown.lowercased(),
                        "\(query) in \(hit.id): source bytes \(sourceRange) read '\(original)', snippet shows '\(shown)'"
                    )
                    checked += 1
                }
            }
        }
        #expect(checked >= 50, "only \(checked) highlighted spans were checked")
    }
}
