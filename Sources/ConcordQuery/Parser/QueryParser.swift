/// Turns query text into a `QueryNode` tree (DESIGN §4). It does not analyse words or
/// touch an index.
///
/// Grammar, loosest binding first:
///
///     query        := alternatives
///     alternatives := group ("OR" group)*
///     group        := clauses joined by the default operator (adjacency) and by "AND"
///     unary        := "NOT" unary | ("+" | "-") primary | primary
///     primary      := word | =word | word* | "phrase"[~N] | name:value
///                   | NEAR[/N]( operands ) | ONEAR[/N]( operands ) | "(" alternatives ")"
///
/// With the default operator OR, a group is a Lucene-style clause list whose items are
/// `AND` chains; with AND, adjacency is just an implicit `AND`. In a clause list, `+x` is
/// required, `-x` and `NOT x` are excluded, and filters (every `name:value` but the scored
/// fields, and numeric ranges) always restrict, whatever the operator. Explicit `OR` is a
/// plain logical or: each side is complete on its own, so `a OR NOT b` is "a, or anything
/// but b", and `a OR year:2015` does not turn the year into a filter of `a`.
///
/// Lexical rules: a word runs up to whitespace, a parenthesis or a quote, so `A/RES/70/153`,
/// `self-determination` and `don't` are single words; `+`/`-` are marks only at the start
/// of a clause. `AND`, `OR`, `NOT`, `NEAR`, `ONEAR` are operators only in upper case;
/// `NEAR(...)` without `/N` means `NEAR/10`. A field is `[A-Za-z_][A-Za-z0-9_]*:` directly
/// followed by a word or a quoted value. Typographic quotes (“…”) work like `"`. `=word*` is
/// a prefix (prefixes already match surface forms). `*` anywhere but at the end of a word,
/// `~` anywhere but after a phrase, and control characters are errors, never ignored.
///
/// The parser never recurses more than `maxDepth` levels (parentheses and `NOT`s), so
/// hostile nesting yields an error, not a stack overflow.
public struct QueryParser: Sendable {
    /// Longest accepted query, in UTF-8 bytes.
    public static let maxQueryBytes = 16_384
    /// Deepest accepted nesting of parentheses and `NOT`s.
    public static let maxDepth = 64
    /// Most words, phrases, fields and NEAR operands one query may hold.
    public static let maxClauses = 1_024
    /// Distance of `NEAR(...)` and `ONEAR(...)` written without `/N`.
    public static let defaultNearDistance = QueryLexer.defaultNearDistance

    /// How adjacent clauses without an operator combine.
    public var defaultOperator: DefaultOperator
    /// Fields whose values are numbers or ranges (`year:2010..2015`).
    public var numericFields: Set<String>
    /// Fields searched like text and scored (`title:cooperation`); every other field is a
    /// filter.
    public var scoredFields: Set<String>

    /// Creates a parser; the defaults fit the UN corpus.
    public init(
        defaultOperator: DefaultOperator = .or,
        numericFields: Set<String> = ["year", "session"],
        scoredFields: Set<String> = ["title"]
    ) {
        self.defaultOperator = defaultOperator
        self.numericFields = numericFields
        self.scoredFields = scoredFields
    }

    /// Parses `text`, or throws the first error found from the left, with its column.
    /// Never traps; a query over `maxQueryBytes` is refused before any other work.
    public func parse(_ text: String) throws(QuerySyntaxError) -> ParsedQuery {
        let byteCount = text.utf8.count
        if byteCount > Self.maxQueryBytes {
            throw QuerySyntaxError(
                message: "query is longer than \(Self.maxQueryBytes) bytes",
                column: Self.column(ofByte: Self.maxQueryBytes, in: text))
        }
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(byteCount)
        for scalar in text.unicodeScalars {
            if QuerySyntaxError.isRefusedControl(scalar) {
                throw QuerySyntaxError(
                    message: "control character \(Self.codePoint(scalar)) is not allowed in a query",
                    column: scalars.count + 1)
            }
            scalars.append(scalar)
        }
        var run = try ParseRun(parser: self, lexer: QueryLexer(scalars: scalars))
        return ParsedQuery(root: try run.parseQuery())
    }

    /// Column of the scalar holding UTF-8 byte `offset` (0-based).
    private static func column(ofByte offset: Int, in text: String) -> Int {
        var bytes = 0
        var column = 1
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > offset {
                break
            }
            column += 1
        }
        return column
    }

    /// `U+001B`.
    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

/// How a clause of a clause list takes part in it.
private enum Occurrence {
    /// No mark: `should` under OR, `must` under AND.
    case plain
    /// `+x`.
    case required
    /// `-x` or `NOT x`.
    case excluded
}

/// A clause of a clause list, before it is placed in a boolean.
private struct Clause {
    var occurrence: Occurrence
    var node: QueryNode
}

/// The state of one `parse` call: a token lookahead and the clause budget.
private struct ParseRun {
    let parser: QueryParser
    var lexer: QueryLexer
    var current: QueryToken
    var clauseCount = 0

    init(parser: QueryParser, lexer: QueryLexer) throws(QuerySyntaxError) {
        var lexer = lexer
        let first = try lexer.next()
        self.parser = parser
        self.lexer = lexer
        self.current = first
    }

    mutating func parseQuery() throws(QuerySyntaxError) -> QueryNode {
        if current.kind == .end {
            throw QuerySyntaxError(message: "query is empty", column: 1)
        }
        let root = try parseAlternatives(depth: 0)
        if current.kind == .closeParen {
            throw QuerySyntaxError(message: "unmatched ')'", column: current.column)
        }
        return root
    }

    // MARK: - Grammar

    /// Stops at the end of the query or at a `)`, which the caller checks.
    private mutating func parseAlternatives(depth: Int) throws(QuerySyntaxError) -> QueryNode {
        var alternatives = [try parseGroup(depth: depth)]
        while current.kind == .or {
            let operatorToken = current
            try advance()
            try requireOperand(after: operatorToken, name: "OR")
            alternatives.append(try parseGroup(depth: depth))
        }
        return ClauseListBuilder(parser: parser).alternatives(alternatives)
    }

    private mutating func parseGroup(depth: Int) throws(QuerySyntaxError) -> QueryNode {
        var clauses: [Clause] = []
        switch parser.defaultOperator {
        case .or:
            repeat {
                clauses.append(try parseAndChain(depth: depth))
            } while startsClause(current.kind)
        case .and:
            clauses.append(try parseUnary(depth: depth))
            while true {
                if current.kind == .and {
                    let operatorToken = current
                    try advance()
                    try requireOperand(after: operatorToken, name: "AND")
                } else if !startsClause(current.kind) {
                    break
                }
                clauses.append(try parseUnary(depth: depth))
            }
        }
        return ClauseListBuilder(parser: parser).combine(clauses, as: parser.defaultOperator)
    }

    /// `x AND y AND z` under the default operator OR; a lone clause keeps its mark.
    private mutating func parseAndChain(depth: Int) throws(QuerySyntaxError) -> Clause {
        let first = try parseUnary(depth: depth)
        guard current.kind == .and else {
            return first
        }
        var chain = [first]
        while current.kind == .and {
            let operatorToken = current
            try advance()
            try requireOperand(after: operatorToken, name: "AND")
            chain.append(try parseUnary(depth: depth))
        }
        return Clause(occurrence: .plain, node: ClauseListBuilder(parser: parser).combine(chain, as: .and))
    }

    private mutating func parseUnary(depth: Int) throws(QuerySyntaxError) -> Clause {
        let token = current
        switch token.kind {
        case .not:
            let innerDepth = try deeper(depth, at: token)
            try advance()
            if current.kind == .plus || current.kind == .minus {
                throw QuerySyntaxError(
                    message: "'NOT' cannot be combined with '+' or '-'", column: current.column)
            }
            try requireOperand(after: token, name: "NOT")
            let inner = try parseUnary(depth: innerDepth)
            return Clause(occurrence: .excluded, node: ClauseListBuilder.standalone(inner))
        case .plus, .minus:
            let mark = token.kind == .plus ? "+" : "-"
            try advance()
            if current.kind == .plus || current.kind == .minus {
                throw QuerySyntaxError(
                    message: "a clause can carry only one '+' or '-'", column: current.column)
            }
            guard startsPrimary(current.kind) else {
                throw QuerySyntaxError(
                    message: "'\(mark)' must be directly followed by a word, phrase or group",
                    column: token.column)
            }
            let node = try parsePrimary(depth: depth)
            return Clause(occurrence: token.kind == .plus ? .required : .excluded, node: node)
        default:
            return Clause(occurrence: .plain, node: try parsePrimary(depth: depth))
        }
    }

    private mutating func parsePrimary(depth: Int) throws(QuerySyntaxError) -> QueryNode {
        let token = current
        switch token.kind {
        case .word(let word):
            try countClause(token)
            try advance()
            return .term(word)
        case .exact(let word):
            try countClause(token)
            try advance()
            return .exact(word)
        case .prefix(let text):
            try countClause(token)
            try advance()
            return .prefix(text)
        case .phrase(let words, let slop):
            try countClause(token)
            try advance()
            return .phrase(words, slop: slop)
        case .field(let name, let value, let valueColumn):
            try countClause(token)
            let node = try fieldNode(name: name, value: value, valueColumn: valueColumn)
            try advance()
            return node
        case .near(let distance, let ordered, let parenColumn):
            try advance()
            return try parseNear(
                distance: distance, ordered: ordered, nearColumn: token.column,
                parenColumn: parenColumn)
        case .openParen:
            let innerDepth = try deeper(depth, at: token)
            try advance()
            if current.kind == .closeParen {
                throw QuerySyntaxError(message: "empty group '()'", column: token.column)
            }
            if current.kind == .end {
                throw QuerySyntaxError(message: "unclosed '('", column: token.column)
            }
            let inner = try parseAlternatives(depth: innerDepth)
            guard current.kind == .closeParen else {
                throw QuerySyntaxError(message: "unclosed '('", column: token.column)
            }
            try advance()
            return inner
        case .and, .or:
            let name = token.kind == .and ? "AND" : "OR"
            throw QuerySyntaxError(message: "'\(name)' has no left-hand operand", column: token.column)
        case .closeParen:
            throw QuerySyntaxError(message: "unmatched ')'", column: token.column)
        case .not, .plus, .minus, .end:
            // Callers check these before asking for a primary; kept as a safe answer.
            throw QuerySyntaxError(message: "expected a word, phrase or group", column: token.column)
        }
    }

    private mutating func parseNear(
        distance: Int, ordered: Bool, nearColumn: Int, parenColumn: Int
    ) throws(QuerySyntaxError) -> QueryNode {
        let keyword = ordered ? "ONEAR" : "NEAR"
        var operands: [QueryNode] = []
        while true {
            let token = current
            switch token.kind {
            case .word(let word):
                operands.append(.term(word))
            case .exact(let word):
                operands.append(.exact(word))
            case .phrase(let words, let slop):
                operands.append(.phrase(words, slop: slop))
            case .closeParen:
                try advance()
                guard operands.count >= 2 else {
                    throw QuerySyntaxError(
                        message: "\(keyword) needs at least two words or phrases", column: nearColumn)
                }
                return .near(operands, distance: distance, ordered: ordered)
            case .end:
                throw QuerySyntaxError(message: "unclosed '('", column: parenColumn)
            default:
                throw QuerySyntaxError(
                    message: "\(keyword)(...) accepts only words, =exact words and phrases",
                    column: token.column)
            }
            try countClause(token)
            try advance()
        }
    }

    // MARK: - Values

    private func fieldNode(
        name: String, value: String, valueColumn: Int
    ) throws(QuerySyntaxError) -> QueryNode {
        guard parser.numericFields.contains(name) else {
            return .field(name: name, value: value)
        }
        let scalars = Array(value.unicodeScalars)
        var dots: Int?
        for index in scalars.indices.dropLast() where scalars[index] == "." && scalars[index + 1] == "." {
            dots = index
            break
        }
        guard let dots else {
            let number = try bound(scalars[...], field: name, column: valueColumn)
            return .range(field: name, lower: number, upper: number)
        }
        let lowerText = scalars[..<dots]
        let upperText = scalars[(dots + 2)...]
        if lowerText.isEmpty && upperText.isEmpty {
            throw QuerySyntaxError(
                message: "range of '\(name)' needs at least one bound, as in \(name):2010..2015",
                column: valueColumn)
        }
        let lower = lowerText.isEmpty ? nil : try bound(lowerText, field: name, column: valueColumn)
        let upper =
            upperText.isEmpty
            ? nil : try bound(upperText, field: name, column: valueColumn + dots + 2)
        if let lower, let upper, lower > upper {
            throw QuerySyntaxError(
                message: "empty range: \(lower) is greater than \(upper)", column: valueColumn)
        }
        return .range(field: name, lower: lower, upper: upper)
    }

    /// One bound of a numeric value: an optionally signed decimal integer.
    private func bound(
        _ scalars: ArraySlice<Unicode.Scalar>, field: String, column: Int
    ) throws(QuerySyntaxError) -> Int64 {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        if let number = Int64(text) {
            return number
        }
        let isDigitString = !scalars.isEmpty && scalars.allSatisfy { $0.value >= 0x30 && $0.value <= 0x39 }
        throw QuerySyntaxError(
            message: isDigitString
                ? "number \(text) is too large"
                : "'\(field)' expects a whole number or a range such as \(field):2010..2015",
            column: column)
    }

    // MARK: - Token helpers

    private mutating func advance() throws(QuerySyntaxError) {
        current = try lexer.next()
    }

    private func startsPrimary(_ kind: QueryToken.Kind) -> Bool {
        switch kind {
        case .word, .exact, .prefix, .phrase, .field, .near, .openParen:
            return true
        case .and, .or, .not, .closeParen, .plus, .minus, .end:
            return false
        }
    }

    private func startsClause(_ kind: QueryToken.Kind) -> Bool {
        startsPrimary(kind) || kind == .not || kind == .plus || kind == .minus
    }

    /// After an operator, the current token must begin its right-hand operand.
    private func requireOperand(after operatorToken: QueryToken, name: String) throws(QuerySyntaxError) {
        guard startsClause(current.kind) else {
            let side = name == "NOT" ? "operand" : "right-hand operand"
            throw QuerySyntaxError(message: "'\(name)' has no \(side)", column: operatorToken.column)
        }
    }

    /// One level deeper, or the depth error pointing at the token that opened it.
    private func deeper(_ depth: Int, at token: QueryToken) throws(QuerySyntaxError) -> Int {
        guard depth < QueryParser.maxDepth else {
            throw QuerySyntaxError(
                message: "query nests deeper than \(QueryParser.maxDepth) levels", column: token.column)
        }
        return depth + 1
    }

    private mutating func countClause(_ token: QueryToken) throws(QuerySyntaxError) {
        clauseCount += 1
        if clauseCount > QueryParser.maxClauses {
            throw QuerySyntaxError(
                message: "query has more than \(QueryParser.maxClauses) clauses", column: token.column)
        }
    }
}

/// Places clauses into normalised booleans: filters lifted into `filter`, nested booleans
/// of the same kind flattened when that changes neither matching nor scores, and a lone
/// scored clause unwrapped.
private struct ClauseListBuilder {
    let parser: QueryParser

    /// Combines a clause list joined by adjacency or by `operation`.
    func combine(_ clauses: [Clause], as operation: DefaultOperator) -> QueryNode {
        var must: [QueryNode] = []
        var should: [QueryNode] = []
        var mustNot: [QueryNode] = []
        var filter: [QueryNode] = []
        for clause in clauses {
            let node = clause.node
            if clause.occurrence == .excluded {
                mustNot.append(Self.unwrappedForExclusion(node))
            } else if isRestriction(node) {
                // Filters restrict even under OR: `cooperation year:2015` is about 2015 only.
                if case .boolean(let innerMust, let innerShould, let innerMustNot, let innerFilter) = node,
                    innerMust.isEmpty, innerShould.isEmpty
                {
                    filter += innerFilter
                    mustNot += innerMustNot
                } else {
                    filter.append(node)
                }
            } else if clause.occurrence == .required || operation == .and {
                if case .boolean(let innerMust, let innerShould, let innerMustNot, let innerFilter) = node,
                    innerShould.isEmpty
                {
                    must += innerMust
                    mustNot += innerMustNot
                    filter += innerFilter
                } else {
                    must.append(node)
                }
            } else {
                should += Self.shouldClauses(of: node)
            }
        }
        if mustNot.isEmpty, filter.isEmpty, must.count + should.count == 1 {
            return must.first ?? should[0]
        }
        return .boolean(must: must, should: should, mustNot: mustNot, filter: filter)
    }

    /// Combines the sides of explicit `OR`s; each side is already a complete query.
    func alternatives(_ sides: [QueryNode]) -> QueryNode {
        if sides.count == 1 {
            return sides[0]
        }
        return .boolean(must: [], should: sides.flatMap(Self.shouldClauses), mustNot: [], filter: [])
    }

    /// Whether the node only narrows the result and never scores: filters, and booleans whose
    /// scored slots hold nothing else (`NOT x`, `(year:2015 OR year:2016)`).
    func isRestriction(_ node: QueryNode) -> Bool {
        switch node {
        case .range, .matchAll:
            return true
        case .field(let name, _):
            return !parser.scoredFields.contains(name)
        case .boolean(let must, let should, _, _):
            return must.allSatisfy(isRestriction) && should.allSatisfy(isRestriction)
        case .term, .exact, .prefix, .phrase, .near:
            return false
        }
    }

    /// A clause as a query of its own: `NOT x` outside a list becomes "all but x".
    static func standalone(_ clause: Clause) -> QueryNode {
        switch clause.occurrence {
        case .plain, .required:
            return clause.node
        case .excluded:
            return .boolean(must: [], should: [], mustNot: [unwrappedForExclusion(clause.node)], filter: [])
        }
    }

    /// The alternatives a node contributes to a `should` list: an OR-only boolean is spliced,
    /// since `a OR (b OR c)` matches and scores as `a OR b OR c`.
    private static func shouldClauses(of node: QueryNode) -> [QueryNode] {
        if case .boolean(let must, let should, let mustNot, let filter) = node,
            must.isEmpty, mustNot.isEmpty, filter.isEmpty
        {
            return should
        }
        return [node]
    }

    /// `-(year:2015)` excludes the range itself rather than a one-filter boolean.
    private static func unwrappedForExclusion(_ node: QueryNode) -> QueryNode {
        if case .boolean(let must, let should, let mustNot, let filter) = node,
            should.isEmpty, mustNot.isEmpty, must.count + filter.count == 1
        {
            return must.first ?? filter[0]
        }
        return node
    }
}
