/// One lexical unit of a query. `column` is the 1-based scalar position of its first
/// character.
struct QueryToken: Equatable {
    enum Kind: Equatable {
        /// A plain word (`human`, `A/RES/70/153`, `don't`).
        case word(String)
        /// `=word`.
        case exact(String)
        /// `word*` (or `=word*`), without the star.
        case prefix(String)
        /// `"…"` with its optional `~N`.
        case phrase([String], slop: Int)
        /// `name:value`; `valueColumn` is where the value's text starts.
        case field(name: String, value: String, valueColumn: Int)
        case and
        case or
        case not
        /// `NEAR/N(` or `ONEAR/N(`, the parenthesis included.
        case near(distance: Int, ordered: Bool, parenColumn: Int)
        case openParen
        case closeParen
        /// `+` at the start of a clause.
        case plus
        /// `-` at the start of a clause.
        case minus
        /// End of the query.
        case end
    }

    var kind: Kind
    var column: Int
}

/// Splits a query into tokens on demand, so that the parser meets errors from left to
/// right. Works on Unicode scalars so that columns match what a terminal shows.
///
/// Words are maximal runs of characters other than whitespace, parentheses and quotes;
/// `*` and `~` are accepted only where they have a meaning (a trailing `*`, `~` after a
/// closing quote) and are errors elsewhere, so no query is silently read differently.
struct QueryLexer {
    /// Distance of `NEAR(...)` written without `/N`, the customary window (as in Xapian).
    static let defaultNearDistance = 10
    /// Largest slop or NEAR distance accepted; larger values are surely typing mistakes.
    static let maxDistance = 100_000

    private let scalars: [Unicode.Scalar]
    private var position = 0

    /// `scalars` must already be free of control characters.
    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    /// The next token, `.end` once the query is exhausted (and on every call after).
    mutating func next() throws(QuerySyntaxError) -> QueryToken {
        while position < scalars.count, scalars[position].properties.isWhitespace {
            position += 1
        }
        guard position < scalars.count else {
            return QueryToken(kind: .end, column: max(1, scalars.count))
        }
        let start = position
        let scalar = scalars[start]
        switch scalar {
        case "(":
            position += 1
            return QueryToken(kind: .openParen, column: start + 1)
        case ")":
            position += 1
            return QueryToken(kind: .closeParen, column: start + 1)
        case "+", "-":
            return try lexClauseMark(at: start)
        case "=":
            return try lexExact(at: start)
        default:
            if isQuote(scalar) {
                return try lexPhrase(at: start)
            }
            return try lexWord(at: start)
        }
    }

    // MARK: - Token forms

    private mutating func lexClauseMark(at start: Int) throws(QuerySyntaxError) -> QueryToken {
        let mark = scalars[start]
        let following = start + 1
        if following == scalars.count || scalars[following].properties.isWhitespace
            || scalars[following] == ")"
        {
            throw error("'\(mark)' must be directly followed by a word, phrase or group", at: start)
        }
        position = following
        return QueryToken(kind: mark == "+" ? .plus : .minus, column: start + 1)
    }

    private mutating func lexExact(at start: Int) throws(QuerySyntaxError) -> QueryToken {
        let wordStart = start + 1
        if wordStart < scalars.count, isQuote(scalars[wordStart]) {
            throw error("'=' applies to a single word, not to a phrase", at: start)
        }
        let wordEnd = endOfRun(from: wordStart)
        guard wordEnd > wordStart else {
            throw error("'=' must be directly followed by a word", at: start)
        }
        if fieldColon(in: wordStart..<wordEnd) != nil {
            throw error("'=' cannot be applied to a field", at: start)
        }
        position = wordEnd
        let column = start + 1
        // A prefix already matches surface forms, which is what '=' asks for.
        if try endsWithStar(wordStart..<wordEnd) {
            return QueryToken(kind: .prefix(text(wordStart..<wordEnd - 1)), column: column)
        }
        return QueryToken(kind: .exact(text(wordStart..<wordEnd)), column: column)
    }

    private mutating func lexWord(at start: Int) throws(QuerySyntaxError) -> QueryToken {
        let end = endOfRun(from: start)
        let word = text(start..<end)
        let column = start + 1
        position = end
        switch word {
        case "AND":
            return QueryToken(kind: .and, column: column)
        case "OR":
            return QueryToken(kind: .or, column: column)
        case "NOT":
            return QueryToken(kind: .not, column: column)
        default:
            break
        }
        if let near = try lexNear(word, start: start, end: end) {
            return near
        }
        if let colon = fieldColon(in: start..<end) {
            return try lexField(name: text(start..<colon), colon: colon, runEnd: end)
        }
        if try endsWithStar(start..<end) {
            return QueryToken(kind: .prefix(text(start..<end - 1)), column: column)
        }
        return QueryToken(kind: .word(word), column: column)
    }

    /// `NEAR(`, `NEAR/N(`, `ONEAR(`, `ONEAR/N(`; nil when `word` is no proximity operator
    /// (a bare `NEAR` not followed by `(` is an ordinary word).
    private mutating func lexNear(
        _ word: String, start: Int, end: Int
    ) throws(QuerySyntaxError) -> QueryToken? {
        let keyword: String
        if word.hasPrefix("NEAR") {
            keyword = "NEAR"
        } else if word.hasPrefix("ONEAR") {
            keyword = "ONEAR"
        } else {
            return nil
        }
        let keywordEnd = start + keyword.unicodeScalars.count
        let opensGroup = end < scalars.count && scalars[end] == "("
        var distance = Self.defaultNearDistance
        if keywordEnd == end {
            guard opensGroup else {
                if nextNonWhitespace(from: end) == "(" {
                    throw error("write '\(keyword)(' with no space before '('", at: start)
                }
                return nil
            }
        } else {
            guard scalars[keywordEnd] == "/" else {
                return nil  // NEARBY, NEARLY...
            }
            let digitsStart = keywordEnd + 1
            guard digitsStart < end else {
                throw error(
                    "'\(keyword)/' must be followed by a distance, as in \(keyword)/5(a b)",
                    at: keywordEnd)
            }
            distance = try number(in: digitsStart..<end, what: "\(keyword) distance")
            guard opensGroup else {
                throw error("'\(word)' must be directly followed by '('", at: start)
            }
        }
        position = end + 1
        let kind = QueryToken.Kind.near(
            distance: distance, ordered: keyword == "ONEAR", parenColumn: end + 1)
        return QueryToken(kind: kind, column: start + 1)
    }

    private mutating func lexField(
        name: String, colon: Int, runEnd: Int
    ) throws(QuerySyntaxError) -> QueryToken {
        let column = colon - name.unicodeScalars.count + 1
        let valueStart = colon + 1
        if valueStart < runEnd {
            _ = try endsWithStar(valueStart..<runEnd)  // validates '*' and '~'; value keeps them
            let kind = QueryToken.Kind.field(
                name: name, value: text(valueStart..<runEnd), valueColumn: valueStart + 1)
            return QueryToken(kind: kind, column: column)
        }
        guard valueStart < scalars.count else {
            throw error("field '\(name)' has no value", at: colon)
        }
        if scalars[valueStart] == "(" {
            throw error(
                "grouping after '\(name):' is not supported; write \(name):a OR \(name):b",
                at: valueStart)
        }
        guard isQuote(scalars[valueStart]) else {
            throw error("field '\(name)' has no value", at: colon)
        }
        let close = try closingQuote(openedAt: valueStart)
        let contentRange = valueStart + 1..<close
        if contentRange.allSatisfy({ scalars[$0].properties.isWhitespace }) {
            throw error("field '\(name)' has an empty value", at: valueStart)
        }
        position = close + 1
        if position < scalars.count, scalars[position] == "~" {
            throw error("'~' applies to phrases, not to field values", at: position)
        }
        let kind = QueryToken.Kind.field(
            name: name, value: text(contentRange), valueColumn: valueStart + 2)
        return QueryToken(kind: kind, column: column)
    }

    private mutating func lexPhrase(at start: Int) throws(QuerySyntaxError) -> QueryToken {
        let close = try closingQuote(openedAt: start)
        var words: [String] = []
        var wordStart: Int?
        for index in start + 1...close {
            let isBreak = index == close || scalars[index].properties.isWhitespace
            if isBreak, let begun = wordStart {
                words.append(text(begun..<index))
                wordStart = nil
            } else if !isBreak, wordStart == nil {
                wordStart = index
            }
        }
        guard !words.isEmpty else {
            throw error("empty phrase", at: start)
        }
        position = close + 1
        var slop = 0
        if position < scalars.count, scalars[position] == "~" {
            let tilde = position
            let digitsEnd = endOfRun(from: tilde + 1)
            guard digitsEnd > tilde + 1 else {
                throw error("'~' must be followed by a number, as in \"a b\"~3", at: tilde)
            }
            slop = try number(in: tilde + 1..<digitsEnd, what: "phrase slop")
            position = digitsEnd
        }
        return QueryToken(kind: .phrase(words, slop: slop), column: start + 1)
    }

    // MARK: - Helpers

    /// Index of the quote closing the one at `open`; any straight or typographic quote closes.
    private func closingQuote(openedAt open: Int) throws(QuerySyntaxError) -> Int {
        var index = open + 1
        while index < scalars.count {
            if isQuote(scalars[index]) {
                return index
            }
            index += 1
        }
        throw error("unterminated phrase: no closing quote", at: open)
    }

    /// End of the word starting at `start`: the first whitespace, parenthesis or quote.
    private func endOfRun(from start: Int) -> Int {
        var index = start
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace || scalar == "(" || scalar == ")" || isQuote(scalar) {
                break
            }
            index += 1
        }
        return index
    }

    private func nextNonWhitespace(from start: Int) -> Unicode.Scalar? {
        var index = start
        while index < scalars.count, scalars[index].properties.isWhitespace {
            index += 1
        }
        return index < scalars.count ? scalars[index] : nil
    }

    /// Position of the `:` when the run starts with `[A-Za-z_][A-Za-z0-9_]*:`.
    private func fieldColon(in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        guard index < range.upperBound, isIdentifierStart(scalars[index]) else {
            return nil
        }
        index += 1
        while index < range.upperBound, isIdentifierStart(scalars[index]) || isDigit(scalars[index]) {
            index += 1
        }
        return index < range.upperBound && scalars[index] == ":" ? index : nil
    }

    /// Whether the run ends with a single `*`; throws where `*` or `~` appears anywhere else.
    private func endsWithStar(_ range: Range<Int>) throws(QuerySyntaxError) -> Bool {
        for index in range {
            switch scalars[index] {
            case "~":
                throw error(
                    "'~' is only allowed right after a closing quote, as in \"a b\"~3", at: index)
            case "*":
                if index + 1 < range.upperBound, scalars[index + 1] == "*" {
                    throw error("'**' is not a valid wildcard", at: index)
                }
                if index + 1 < range.upperBound {
                    throw error("'*' is only allowed at the end of a word", at: index)
                }
                if index == range.lowerBound {
                    throw error("'*' needs at least one character before it", at: index)
                }
                return true
            default:
                continue
            }
        }
        return false
    }

    /// A non-negative decimal number filling `range` exactly, at most `maxDistance`.
    private func number(in range: Range<Int>, what: String) throws(QuerySyntaxError) -> Int {
        var value = 0
        for index in range {
            guard isDigit(scalars[index]) else {
                throw error("\(what) must be a whole number", at: index)
            }
            value = value * 10 + Int(scalars[index].value - 0x30)
            if value > Self.maxDistance {
                throw error("\(what) must be at most \(Self.maxDistance)", at: range.lowerBound)
            }
        }
        return value
    }

    private func text(_ range: Range<Int>) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[range])
        return result
    }

    private func error(_ message: String, at index: Int) -> QuerySyntaxError {
        QuerySyntaxError(message: message, column: index + 1)
    }
}

/// Straight and typographic double quotes, so that text pasted from a word processor
/// (“right to development”) is still a phrase.
private func isQuote(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\"" || scalar == "\u{201C}" || scalar == "\u{201D}" || scalar == "\u{201E}"
}

private func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value >= 0x30 && scalar.value <= 0x39
}

private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
        || scalar == "_"
}
