import Concord

/// Renders search results for people (terminal) and programs (JSON, DESIGN §5).
package struct ResultFormatter {
    /// Whether to use ANSI styles.
    package var styled: Bool
    /// Whether to print explanations.
    package var explain: Bool

    /// Creates a formatter.
    package init(styled: Bool, explain: Bool) {
        self.styled = styled
        self.explain = explain
    }

    /// Human output: one block per hit, then the count and time.
    package func human(_ result: SearchResult, offset: Int) -> String {
        var lines: [String] = []
        for notice in result.notices { lines.append(Style.dim("note: " + notice, enabled: styled)) }
        for (rank, hit) in result.hits.enumerated() {
            var head = "\(offset + rank + 1). " + Style.bold(hit.symbol ?? hit.id, enabled: styled)
            if let year = hit.year { head += "  \(year)" }
            if let paragraph = hit.paragraph {
                head += "  " + Style.cyan(paragraph, enabled: styled)
                if hit.paragraphs.count > 1 {
                    let others = hit.paragraphs.filter { $0 != paragraph }
                    let shown = others.prefix(6).joined(separator: " ")
                    head += Style.dim(" (also \(shown)\(others.count > 6 ? " …" : ""))", enabled: styled)
                }
            }
            head += "  " + Style.dim("score " + formatScore(hit.score), enabled: styled)
            lines.append(head)
            if !hit.title.isEmpty && hit.title != hit.id { lines.append("   " + hit.title) }
            if !hit.snippet.isEmpty { lines.append("   " + highlighted(hit)) }
            if explain, let explanation = hit.explanation {
                for line in explanation.description.split(separator: "\n") { lines.append("     " + line) }
            }
        }
        let count = result.totalIsLowerBound ? "at least \(result.totalHits)" : "\(result.totalHits)"
        let shown = result.hits.isEmpty ? "" : ", showing \(offset + 1)–\(offset + result.hits.count)"
        lines.append(
            Style.dim(
                "\(count) hit\(result.totalHits == 1 ? "" : "s")\(shown) (\(formatMilliseconds(result.tookMilliseconds)))",
                enabled: styled))
        return lines.joined(separator: "\n")
    }

    /// The snippet with matched spans in bold (ANSI) or, unstyled, plain.
    private func highlighted(_ hit: SearchHit) -> String {
        guard styled else { return hit.snippet }
        let scalars = Array(hit.snippet.unicodeScalars)
        var out = ""
        var cursor = 0
        for range in hit.highlights where range.lowerBound >= cursor && range.upperBound <= scalars.count {
            out += String(String.UnicodeScalarView(scalars[cursor..<range.lowerBound]))
            out += Style.bold(String(String.UnicodeScalarView(scalars[range])), enabled: true)
            cursor = range.upperBound
        }
        out += String(String.UnicodeScalarView(scalars[cursor...]))
        return out
    }

    /// One JSON object for the whole result (DESIGN §5).
    package func json(_ result: SearchResult) -> String {
        let hits: [JSON.Value] = result.hits.map { hit in
            var members: [(String, JSON.Value)] = [
                ("id", .string(hit.id)), ("score", .number(rounded(hit.score))), ("title", .string(hit.title)),
                ("symbol", hit.symbol.map { .string($0) } ?? .null), ("year", hit.year.map { .integer($0) } ?? .null),
                ("paragraph", hit.paragraph.map { .string($0) } ?? .null),
                ("paragraphs", .array(hit.paragraphs.map { .string($0) })), ("snippet", .string(hit.snippet)),
                (
                    "highlights",
                    .array(
                        hit.highlights.map { .array([.integer(Int64($0.lowerBound)), .integer(Int64($0.upperBound))]) })
                ),
                (
                    "source_highlights",
                    .array(
                        hit.sourceHighlights.map {
                            .array([.integer(Int64($0.lowerBound)), .integer(Int64($0.upperBound))])
                        })
                ),
            ]
            if let explanation = hit.explanation { members.append(("explanation", jsonExplanation(explanation))) }
            return .object(members)
        }
        return JSON.encode(
            .object([
                ("query", .string(result.query)), ("total_hits", .integer(Int64(result.totalHits))),
                ("total_hits_is_lower_bound", .bool(result.totalIsLowerBound)),
                ("took_ms", .number(rounded(result.tookMilliseconds))),
                ("notices", .array(result.notices.map { .string($0) })),
                ("hits", .array(hits)),
            ]))
    }

    private func jsonExplanation(_ explanation: Explanation) -> JSON.Value {
        .object([
            ("value", .number(rounded(explanation.value))), ("description", .string(explanation.summary)),
            ("details", .array(explanation.details.map { jsonExplanation($0) })),
        ])
    }

    private func rounded(_ value: Double) -> Double {
        (value * 1_000_000).rounded() / 1_000_000
    }

    private func formatScore(_ value: Double) -> String {
        let scaled = Int64((value * 1000).rounded())
        let fraction = String(abs(scaled % 1000))
        return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    private func formatMilliseconds(_ value: Double) -> String {
        if value < 10 {
            let scaled = Int64((value * 100).rounded())
            let fraction = String(scaled % 100)
            return "\(scaled / 100).\(String(repeating: "0", count: 2 - fraction.count))\(fraction) ms"
        }
        return "\(Int64(value.rounded())) ms"
    }
}
