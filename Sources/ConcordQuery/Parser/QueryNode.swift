/// How adjacent clauses written without an operator combine (`human rights`).
public enum DefaultOperator: Sendable, Equatable {
    /// Adjacent clauses are alternatives; documents matching more of them rank higher.
    case or
    /// Adjacent clauses are all required.
    case and
}

/// A parsed query, before analysis and execution.
///
/// Words are kept as the user typed them: the executor runs them through the analyzer
/// (folding, stemming), so one word of the tree may become several index terms.
///
/// Trees built by `QueryParser` keep these invariants, which the executor may rely on:
/// - `.field` nodes of non-scored fields (anything but `title` by default) and `.range`
///   nodes appear only inside the `filter` or `mustNot` arrays of a `.boolean`.
/// - A `.boolean` is never empty, and never holds a single `must` or `should` clause
///   and nothing else (such a clause is unwrapped).
/// - `.near` has at least two operands, each a `.term`, `.exact` or `.phrase`.
/// - `.matchAll` is never produced; it exists for callers that list every document.
public indirect enum QueryNode: Sendable, Equatable {
    /// One word as typed (`human`), matched through the analyzer (stemmed).
    case term(String)
    /// One word matched by its exact surface form, without stemming (`=rights`).
    case exact(String)
    /// Surface forms starting with the text (`cooperat*` holds `cooperat`); never empty.
    case prefix(String)
    /// Words in order at consecutive positions within one paragraph (`"right to development"`).
    /// `slop` is the number of extra positions allowed in total (`"human rights"~3`); 0 is exact.
    /// Words are split at whitespace only; punctuation is left for the analyzer.
    case phrase([String], slop: Int)
    /// All operands within one paragraph, at most `distance` tokens between neighbours
    /// (`NEAR/5(a b)`); `ordered` (`ONEAR`) also requires the written order.
    case near([QueryNode], distance: Int, ordered: Bool)
    /// `name:value`. The value is kept as typed (a quoted value without its quotes; a
    /// trailing `*` kept, as in `symbol:A/RES/7*`). A scored field (`title`) is matched
    /// like words of that field; any other field is an exact keyword filter.
    case field(name: String, value: String)
    /// A numeric filter: `year:2015` has both bounds 2015, `year:2010..2015` is inclusive,
    /// `year:..2015` and `year:2010..` are open on one side. At least one bound is set,
    /// and `lower <= upper` when both are.
    case range(field: String, lower: Int64?, upper: Int64?)
    /// A combination of clauses. A document matches when it matches every `must` and every
    /// `filter` clause, none of the `mustNot` clauses, and, when `must` is empty and `should`
    /// is not, at least one `should` clause (filters never make `should` optional). With
    /// `must` and `should` both empty, every document passing `filter` and `mustNot`
    /// matches. The score is the sum of the matching `must` and `should` clauses;
    /// `filter` and `mustNot` never score.
    case boolean(must: [QueryNode], should: [QueryNode], mustNot: [QueryNode], filter: [QueryNode])
    /// Every document, unscored.
    case matchAll
}

/// The result of `QueryParser.parse`: the tree the executor runs.
public struct ParsedQuery: Sendable, Equatable {
    /// The whole query.
    public var root: QueryNode

    /// Wraps a tree, for callers that build queries without text.
    public init(root: QueryNode) {
        self.root = root
    }
}

extension QueryNode: CustomStringConvertible {
    /// A compact, Lucene-like rendering for explanations and test failures:
    /// `(+must should -mustNot #filter)`. It shows structure; it is not guaranteed to parse
    /// back to the same tree.
    public var description: String {
        switch self {
        case .term(let word):
            return word
        case .exact(let word):
            return "=" + word
        case .prefix(let text):
            return text + "*"
        case .phrase(let words, let slop):
            let quoted = "\"" + words.joined(separator: " ") + "\""
            return slop == 0 ? quoted : quoted + "~" + String(slop)
        case .near(let operands, let distance, let ordered):
            let inner = operands.map(\.description).joined(separator: " ")
            return (ordered ? "ONEAR/" : "NEAR/") + String(distance) + "(" + inner + ")"
        case .field(let name, let value):
            let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0.properties.isWhitespace }
            return name + ":" + (needsQuotes ? "\"" + value + "\"" : value)
        case .range(let field, let lower, let upper):
            if let lower, let upper, lower == upper {
                return field + ":" + String(lower)
            }
            return field + ":" + (lower.map { String($0) } ?? "") + ".." + (upper.map { String($0) } ?? "")
        case .boolean(let must, let should, let mustNot, let filter):
            let parts =
                must.map { "+" + $0.description } + should.map(\.description)
                + mustNot.map { "-" + $0.description } + filter.map { "#" + $0.description }
            return "(" + parts.joined(separator: " ") + ")"
        case .matchAll:
            return "*:*"
        }
    }
}
