import ConcordIndex

/// One ranked result.
public struct SearchHit: Sendable {
    /// External id.
    public var id: String
    /// BM25 score.
    public var score: Double
    /// Title.
    public var title: String
    /// UN symbol, if the document has one.
    public var symbol: String?
    /// Year, if the document has one.
    public var year: Int64?
    /// Label of the best-matching paragraph (`OP3`), if any paragraph matched.
    public var paragraph: String?
    /// Labels of every paragraph with a matched token, in document order.
    public var paragraphs: [String]
    /// Text of the best paragraph (or a window of it), cleaned.
    public var snippet: String
    /// Matched spans in `snippet`, half-open, in Unicode scalar offsets.
    public var highlights: [Range<Int>]
    /// Matched spans in `snippet`, half-open, in UTF-8 byte offsets.
    public var byteHighlights: [Range<Int>]
    /// Matched spans mapped back to the original source bytes (where cleanup kept them).
    public var sourceHighlights: [Range<Int>]
    /// Score explanation, when asked for.
    public var explanation: Explanation?
    /// Segment number within the snapshot and local document (for `show` and debugging).
    public var segment: Int
    /// Local document id.
    public var doc: UInt32
}

/// The answer to one query.
public struct SearchResult: Sendable {
    /// The query as given.
    public var query: String
    /// Hits of the requested page, best first.
    public var hits: [SearchHit]
    /// Total matching documents (exact unless `totalIsLowerBound`).
    public var totalHits: Int
    /// True when pruning skipped documents without counting them.
    public var totalIsLowerBound: Bool
    /// Wall time of parse, plan, execution and hit assembly, in milliseconds.
    public var tookMilliseconds: Double
    /// Notes for the user (prefix expansion capped).
    public var notices: [String]
}

/// A score explained as a tree (value, what it is, parts).
public struct Explanation: Sendable, CustomStringConvertible {
    /// Value of this node.
    public var value: Double
    /// What the value is.
    public var summary: String
    /// Parts it is computed from.
    public var details: [Explanation]

    /// Creates a node.
    public init(value: Double, summary: String, details: [Explanation] = []) {
        self.value = value
        self.summary = summary
        self.details = details
    }

    /// Indented tree, one node per line.
    public var description: String {
        var lines: [String] = []
        func walk(_ node: Explanation, depth: Int) {
            let value =
                node.value == node.value.rounded() && abs(node.value) < 1e15
                ? String(Int64(node.value)) : formatNumber(node.value)
            lines.append(String(repeating: "  ", count: depth) + value + "  " + node.summary)
            for detail in node.details { walk(detail, depth: depth + 1) }
        }
        walk(self, depth: 0)
        return lines.joined(separator: "\n")
    }
}

/// Fixed 4-decimal rendering without Foundation.
func formatNumber(_ value: Double) -> String {
    if !value.isFinite { return String(value) }
    let scaled = (abs(value) * 10_000).rounded()
    let whole = Int64(scaled / 10_000)
    let fraction = Int64(scaled) - whole * 10_000
    let digits = String(fraction)
    return (value < 0 ? "-" : "") + String(whole) + "." + String(repeating: "0", count: 4 - digits.count) + digits
}
