import ConcordTestSupport
import Foundation
import Testing

@Suite("concord search end to end")
struct SearchCommandTests {
    @Test("first run builds the default index and the phrase finds all five resolutions with paragraph labels")
    func firstRunPhrase() throws {
        let workspace = try ConcordProcess.sampleWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let result = try ConcordProcess.run(
            ["search", "--json", "\"international cooperation in the field of human rights\""], in: workspace)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("building index-data/index"))
        #expect(
            FileManager.default.fileExists(atPath: workspace.appendingPathComponent("index-data/index/MANIFEST").path))
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let hits = object?["hits"] as? [[String: Any]] ?? []
        let symbols = Set(hits.compactMap { $0["symbol"] as? String })
        #expect(
            symbols == ["A/RES/65/218", "A/RES/68/160", "A/RES/70/153", "A/RES/74/153", "A/RES/76/159"],
            "got \(symbols)")
        #expect(object?["total_hits"] as? Int == 5)
        for hit in hits {
            #expect(hit["paragraph"] is String, "hit without paragraph label: \(hit)")
            let highlights = hit["highlights"] as? [[Int]] ?? []
            #expect(!highlights.isEmpty)
        }
    }

    @Test("exit codes: usage 2, syntax 2, missing index 1, zero hits 0")
    func exitCodes() throws {
        let workspace = try ConcordProcess.sampleWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let unknown = try ConcordProcess.run(["search", "--bogus", "x"], in: workspace)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown option '--bogus'"))
        let missingValue = try ConcordProcess.run(["search", "-k"], in: workspace)
        #expect(missingValue.status == 2)
        let missing = try ConcordProcess.run(
            ["stats", "--index", workspace.appendingPathComponent("nowhere").path], in: workspace)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no index at"))
        #expect(!FileManager.default.fileExists(atPath: workspace.appendingPathComponent("nowhere").path))
        let syntax = try ConcordProcess.run(["search", "(human rights"], in: workspace)
        #expect(syntax.status == 2)
        #expect(syntax.stderr.contains("^"))
        let none = try ConcordProcess.run(["search", "zzzxqy"], in: workspace)
        #expect(none.status == 0)
        #expect(none.stdout.contains("0 hits"))
    }

    @Test("piped REPL prints one result block per query")
    func pipedRepl() throws {
        let workspace = try ConcordProcess.sampleWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let result = try ConcordProcess.run(
            ["repl"], in: workspace, input: "human rights\n\"genuine dialogue\"\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let blocks = result.stdout.split(separator: "\n").filter { $0.contains(" hits") || $0.contains(" hit ") }
        #expect(blocks.count == 2, "stdout: \(result.stdout)")
        #expect(!result.stdout.contains("concord>"))
    }
}
