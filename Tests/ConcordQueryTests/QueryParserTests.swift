import ConcordQuery
import Testing

// Expected trees are written by hand from DESIGN §4; helpers only shorten the spelling.

private func term(_ word: String) -> QueryNode { .term(word) }

private func bool(
    must: [QueryNode] = [], should: [QueryNode] = [], mustNot: [QueryNode] = [],
    filter: [QueryNode] = []
) -> QueryNode {
    .boolean(must: must, should: should, mustNot: mustNot, filter: filter)
}

/// A should-only boolean: `a OR b`.
private func anyOf(_ nodes: QueryNode...) -> QueryNode { bool(should: nodes) }

/// A must-only boolean: `a AND b`.
private func allOf(_ nodes: QueryNode...) -> QueryNode { bool(must: nodes) }

private func year(_ lower: Int64?, _ upper: Int64?) -> QueryNode {
    .range(field: "year", lower: lower, upper: upper)
}

private func field(_ name: String, _ value: String) -> QueryNode { .field(name: name, value: value) }

/// A query and the tree it must parse to.
struct ParserTreeCase: Sendable, CustomTestStringConvertible {
    let query: String
    let expected: QueryNode
    var defaultOperator: DefaultOperator = .or

    var testDescription: String { "\(query) [\(defaultOperator)]" }
}

private let designTableCases: [ParserTreeCase] = [
    ParserTreeCase(query: "human rights", expected: anyOf(term("human"), term("rights"))),
    ParserTreeCase(
        query: "+human +rights -torture",
        expected: bool(must: [term("human"), term("rights")], mustNot: [term("torture")])),
    ParserTreeCase(query: "a AND b", expected: allOf(term("a"), term("b"))),
    ParserTreeCase(query: "a OR b", expected: anyOf(term("a"), term("b"))),
    ParserTreeCase(query: "NOT a", expected: bool(mustNot: [term("a")])),
    ParserTreeCase(query: "(a OR b) AND c", expected: allOf(anyOf(term("a"), term("b")), term("c"))),
    ParserTreeCase(query: "\"right to development\"", expected: .phrase(["right", "to", "development"], slop: 0)),
    ParserTreeCase(query: "\"human rights\"~3", expected: .phrase(["human", "rights"], slop: 3)),
    ParserTreeCase(
        query: "NEAR/5(cooperation dialogue)",
        expected: .near([term("cooperation"), term("dialogue")], distance: 5, ordered: false)),
    ParserTreeCase(
        query: "ONEAR/5(cooperation dialogue)",
        expected: .near([term("cooperation"), term("dialogue")], distance: 5, ordered: true)),
    ParserTreeCase(query: "=rights", expected: .exact("rights")),
    ParserTreeCase(query: "cooperat*", expected: .prefix("cooperat")),
    ParserTreeCase(query: "title:cooperation", expected: field("title", "cooperation")),
    ParserTreeCase(query: "symbol:A/RES/70/153", expected: bool(filter: [field("symbol", "A/RES/70/153")])),
    ParserTreeCase(query: "symbol:A/RES/7*", expected: bool(filter: [field("symbol", "A/RES/7*")])),
    ParserTreeCase(query: "year:2015", expected: bool(filter: [year(2015, 2015)])),
    ParserTreeCase(query: "year:2010..2015", expected: bool(filter: [year(2010, 2015)])),
    ParserTreeCase(query: "session:70", expected: bool(filter: [.range(field: "session", lower: 70, upper: 70)])),
    ParserTreeCase(query: "para:op", expected: bool(filter: [field("para", "op")])),
    ParserTreeCase(query: "para:pp", expected: bool(filter: [field("para", "pp")])),
    ParserTreeCase(query: "verb:urges", expected: bool(filter: [field("verb", "urges")])),
]

private let precedenceCases: [ParserTreeCase] = [
    ParserTreeCase(query: "a OR b AND c", expected: anyOf(term("a"), allOf(term("b"), term("c")))),
    ParserTreeCase(
        query: "a OR b AND c", expected: anyOf(term("a"), allOf(term("b"), term("c"))),
        defaultOperator: .and),
    ParserTreeCase(query: "a b AND c", expected: anyOf(term("a"), allOf(term("b"), term("c")))),
    ParserTreeCase(query: "a b AND c", expected: allOf(term("a"), term("b"), term("c")), defaultOperator: .and),
    ParserTreeCase(query: "a b OR c", expected: anyOf(term("a"), term("b"), term("c"))),
    ParserTreeCase(
        query: "a b OR c", expected: anyOf(allOf(term("a"), term("b")), term("c")), defaultOperator: .and),
    ParserTreeCase(
        query: "a AND b OR c AND d",
        expected: anyOf(allOf(term("a"), term("b")), allOf(term("c"), term("d")))),
    ParserTreeCase(query: "human rights", expected: allOf(term("human"), term("rights")), defaultOperator: .and),
    ParserTreeCase(query: "a AND b AND c", expected: allOf(term("a"), term("b"), term("c"))),
    ParserTreeCase(query: "a OR b OR c", expected: anyOf(term("a"), term("b"), term("c"))),
]

private let markAndNotCases: [ParserTreeCase] = [
    ParserTreeCase(query: "a -b", expected: bool(should: [term("a")], mustNot: [term("b")])),
    ParserTreeCase(query: "a +b", expected: bool(must: [term("b")], should: [term("a")])),
    ParserTreeCase(query: "-a -b", expected: bool(mustNot: [term("a"), term("b")])),
    ParserTreeCase(query: "+a", expected: term("a")),
    ParserTreeCase(query: "-\"human rights\"", expected: bool(mustNot: [.phrase(["human", "rights"], slop: 0)])),
    ParserTreeCase(
        query: "+(a b) c", expected: bool(must: [anyOf(term("a"), term("b"))], should: [term("c")])),
    ParserTreeCase(
        query: "a -b", expected: bool(must: [term("a")], mustNot: [term("b")]), defaultOperator: .and),
    ParserTreeCase(query: "a NOT b", expected: bool(should: [term("a")], mustNot: [term("b")])),
    ParserTreeCase(query: "a AND NOT b", expected: bool(must: [term("a")], mustNot: [term("b")])),
    ParserTreeCase(query: "NOT a b", expected: bool(should: [term("b")], mustNot: [term("a")])),
    ParserTreeCase(query: "a OR NOT b", expected: anyOf(term("a"), bool(mustNot: [term("b")]))),
    ParserTreeCase(query: "NOT (a OR b)", expected: bool(mustNot: [anyOf(term("a"), term("b"))])),
    ParserTreeCase(query: "NOT NOT a", expected: bool(mustNot: [bool(mustNot: [term("a")])])),
    ParserTreeCase(query: "a (NOT b)", expected: bool(should: [term("a")], mustNot: [term("b")])),
    ParserTreeCase(query: "-a AND b", expected: bool(must: [term("b")], mustNot: [term("a")])),
]

private let nestingCases: [ParserTreeCase] = [
    ParserTreeCase(query: "((a))", expected: term("a")),
    ParserTreeCase(query: "((a b) (c d))", expected: anyOf(term("a"), term("b"), term("c"), term("d"))),
    ParserTreeCase(
        query: "(a (b AND (c OR d)))",
        expected: anyOf(term("a"), allOf(term("b"), anyOf(term("c"), term("d"))))),
    ParserTreeCase(
        query: "a AND (b AND NOT c)", expected: bool(must: [term("a"), term("b")], mustNot: [term("c")])),
    ParserTreeCase(query: "(a)(b)", expected: anyOf(term("a"), term("b"))),
]

private let filterCases: [ParserTreeCase] = [
    ParserTreeCase(
        query: "cooperation year:2015", expected: bool(should: [term("cooperation")], filter: [year(2015, 2015)])),
    ParserTreeCase(
        query: "cooperation AND year:2015", expected: bool(must: [term("cooperation")], filter: [year(2015, 2015)])),
    ParserTreeCase(
        query: "cooperation year:2015", expected: bool(must: [term("cooperation")], filter: [year(2015, 2015)]),
        defaultOperator: .and),
    ParserTreeCase(
        query: "human rights symbol:A/RES/70/153 para:op",
        expected: bool(
            should: [term("human"), term("rights")],
            filter: [field("symbol", "A/RES/70/153"), field("para", "op")])),
    ParserTreeCase(query: "a OR year:2015", expected: anyOf(term("a"), bool(filter: [year(2015, 2015)]))),
    ParserTreeCase(
        query: "cooperation (year:2015 OR year:2016)",
        expected: bool(
            should: [term("cooperation")],
            filter: [anyOf(bool(filter: [year(2015, 2015)]), bool(filter: [year(2016, 2016)]))])),
    ParserTreeCase(query: "year:2015 -torture", expected: bool(mustNot: [term("torture")], filter: [year(2015, 2015)])),
    ParserTreeCase(query: "+year:2015 a", expected: bool(should: [term("a")], filter: [year(2015, 2015)])),
    ParserTreeCase(query: "-year:2015 a", expected: bool(should: [term("a")], mustNot: [year(2015, 2015)])),
    ParserTreeCase(query: "-(year:2015)", expected: bool(mustNot: [year(2015, 2015)])),
    ParserTreeCase(
        query: "title:cooperation year:2015",
        expected: bool(should: [field("title", "cooperation")], filter: [year(2015, 2015)])),
    ParserTreeCase(query: "country:FRA a", expected: bool(should: [term("a")], filter: [field("country", "FRA")])),
    ParserTreeCase(
        query: "x a AND year:2015",
        expected: anyOf(term("x"), bool(must: [term("a")], filter: [year(2015, 2015)]))),
    ParserTreeCase(
        query: "(year:2015 session:70) peace",
        expected: bool(
            should: [term("peace")],
            filter: [year(2015, 2015), .range(field: "session", lower: 70, upper: 70)])),
]

private let phraseAndNearCases: [ParserTreeCase] = [
    ParserTreeCase(query: "\"human rights\"~0", expected: .phrase(["human", "rights"], slop: 0)),
    ParserTreeCase(
        query: "NEAR/3(a \"human rights\"~1 =b)",
        expected: .near(
            [term("a"), .phrase(["human", "rights"], slop: 1), .exact("b")], distance: 3, ordered: false)),
    ParserTreeCase(
        query: "ONEAR/2(\"right to\" development)",
        expected: .near([.phrase(["right", "to"], slop: 0), term("development")], distance: 2, ordered: true)),
    ParserTreeCase(query: "NEAR(a b)", expected: .near([term("a"), term("b")], distance: 10, ordered: false)),
    ParserTreeCase(query: "ONEAR(a b)", expected: .near([term("a"), term("b")], distance: 10, ordered: true)),
    ParserTreeCase(query: "NEAR/0(a b)", expected: .near([term("a"), term("b")], distance: 0, ordered: false)),
    ParserTreeCase(
        query: "peace -NEAR/5(war crimes)",
        expected: bool(
            should: [term("peace")],
            mustNot: [.near([term("war"), term("crimes")], distance: 5, ordered: false)])),
    ParserTreeCase(query: "“right to development”", expected: .phrase(["right", "to", "development"], slop: 0)),
    ParserTreeCase(
        query: "\"self-determination of peoples,\"",
        expected: .phrase(["self-determination", "of", "peoples,"], slop: 0)),
    ParserTreeCase(query: "\"  spaced   words \"", expected: .phrase(["spaced", "words"], slop: 0)),
    ParserTreeCase(query: "\"a (b) *\"", expected: .phrase(["a", "(b)", "*"], slop: 0)),
    ParserTreeCase(query: "\"a b\"c", expected: anyOf(.phrase(["a", "b"], slop: 0), term("c"))),
]

private let wordCases: [ParserTreeCase] = [
    ParserTreeCase(query: "=Rights", expected: .exact("Rights")),
    ParserTreeCase(query: "=cooperat*", expected: .prefix("cooperat")),
    ParserTreeCase(query: "A/RES/7*", expected: .prefix("A/RES/7")),
    ParserTreeCase(query: "year:..2015", expected: bool(filter: [year(nil, 2015)])),
    ParserTreeCase(query: "year:2010..", expected: bool(filter: [year(2010, nil)])),
    ParserTreeCase(query: "year:2015..2015", expected: bool(filter: [year(2015, 2015)])),
    ParserTreeCase(query: "year:\"2015\"", expected: bool(filter: [year(2015, 2015)])),
    ParserTreeCase(query: "year:-5..5", expected: bool(filter: [year(-5, 5)])),
    ParserTreeCase(
        query: "self-determination don't 70/153 A/70/489/Add.2 don’t",
        expected: anyOf(
            term("self-determination"), term("don't"), term("70/153"), term("A/70/489/Add.2"), term("don’t"))),
    ParserTreeCase(query: "coopération développement", expected: anyOf(term("coopération"), term("développement"))),
    ParserTreeCase(query: "and or not", expected: anyOf(term("and"), term("or"), term("not"))),
    ParserTreeCase(query: "ANDROID ORACLE NOTE", expected: anyOf(term("ANDROID"), term("ORACLE"), term("NOTE"))),
    ParserTreeCase(query: "NEAR east", expected: anyOf(term("NEAR"), term("east"))),
    ParserTreeCase(query: "C++ a=b 12:30", expected: anyOf(term("C++"), term("a=b"), term("12:30"))),
    ParserTreeCase(query: "a\tb\u{00A0}c", expected: anyOf(term("a"), term("b"), term("c"))),
    ParserTreeCase(query: "title:\"human rights\"", expected: field("title", "human rights")),
    ParserTreeCase(query: "a:b:c", expected: bool(filter: [field("a", "b:c")])),
    ParserTreeCase(query: "  padded  ", expected: term("padded")),
]

@Suite("Query parser: text to tree")
struct QueryParserTests {
    static let allCases =
        designTableCases + precedenceCases + markAndNotCases + nestingCases + filterCases
        + phraseAndNearCases + wordCases

    @Test("the case table is large enough to cover DESIGN §4")
    func tableSize() {
        #expect(Self.allCases.count >= 60)
    }

    @Test("parses to the hand-written tree", arguments: allCases)
    func parsesToExpectedTree(_ testCase: ParserTreeCase) throws {
        let parser = QueryParser(defaultOperator: testCase.defaultOperator)
        let root = try parser.parse(testCase.query).root
        #expect(root == testCase.expected, "got \(root), want \(testCase.expected)")
    }

    @Test("numeric and scored fields are configurable")
    func configurableFields() throws {
        let parser = QueryParser(numericFields: ["pages"], scoredFields: ["title", "abstract"])
        #expect(
            try parser.parse("pages:10..20 abstract:dialogue year:x").root
                == bool(
                    should: [field("abstract", "dialogue")],
                    filter: [.range(field: "pages", lower: 10, upper: 20), field("year", "x")]))
    }

    @Test("description shows the structure")
    func description() throws {
        let root = try QueryParser().parse("+a b -\"c d\"~2 year:2010.. NEAR/3(e =f) g*").root
        #expect(root.description == "(+a b NEAR/3(e =f) g* -\"c d\"~2 #year:2010..)")
    }
}

/// A query that must be refused, with the exact message and column.
struct ParserErrorCase: Sendable, CustomTestStringConvertible {
    let query: String
    let message: String
    let column: Int

    var testDescription: String { query.debugDescription }
}

private let errorCases: [ParserErrorCase] = [
    ParserErrorCase(query: "", message: "query is empty", column: 1),
    ParserErrorCase(query: "   ", message: "query is empty", column: 1),
    ParserErrorCase(query: "(a b", message: "unclosed '('", column: 1),
    ParserErrorCase(query: "a (", message: "unclosed '('", column: 3),
    ParserErrorCase(query: "coopération (", message: "unclosed '('", column: 13),
    ParserErrorCase(query: "a b)", message: "unmatched ')'", column: 4),
    ParserErrorCase(query: "(a))", message: "unmatched ')'", column: 4),
    ParserErrorCase(query: "\"abc", message: "unterminated phrase: no closing quote", column: 1),
    ParserErrorCase(query: "a \"b c", message: "unterminated phrase: no closing quote", column: 3),
    ParserErrorCase(query: "\"\"", message: "empty phrase", column: 1),
    ParserErrorCase(query: "a \"  \"", message: "empty phrase", column: 3),
    ParserErrorCase(query: "\"a b\"~", message: "'~' must be followed by a number, as in \"a b\"~3", column: 6),
    ParserErrorCase(query: "\"a b\"~x", message: "phrase slop must be a whole number", column: 7),
    ParserErrorCase(query: "\"a b\"~3x", message: "phrase slop must be a whole number", column: 8),
    ParserErrorCase(query: "\"a b\"~999999", message: "phrase slop must be at most 100000", column: 7),
    ParserErrorCase(
        query: "\"a b\" ~2", message: "'~' is only allowed right after a closing quote, as in \"a b\"~3",
        column: 7),
    ParserErrorCase(
        query: "co~op", message: "'~' is only allowed right after a closing quote, as in \"a b\"~3", column: 3),
    ParserErrorCase(
        query: "NEAR/(a b)", message: "'NEAR/' must be followed by a distance, as in NEAR/5(a b)", column: 5),
    ParserErrorCase(query: "NEAR/5 (a b)", message: "'NEAR/5' must be directly followed by '('", column: 1),
    ParserErrorCase(query: "a ONEAR/5", message: "'ONEAR/5' must be directly followed by '('", column: 3),
    ParserErrorCase(query: "NEAR/x(a b)", message: "NEAR distance must be a whole number", column: 6),
    ParserErrorCase(query: "NEAR (a b)", message: "write 'NEAR(' with no space before '('", column: 1),
    ParserErrorCase(query: "NEAR/5(a)", message: "NEAR needs at least two words or phrases", column: 1),
    ParserErrorCase(query: "x ONEAR/5()", message: "ONEAR needs at least two words or phrases", column: 3),
    ParserErrorCase(
        query: "NEAR/5(a b*)", message: "NEAR(...) accepts only words, =exact words and phrases", column: 10),
    ParserErrorCase(
        query: "NEAR/5(a title:b)", message: "NEAR(...) accepts only words, =exact words and phrases", column: 10),
    ParserErrorCase(
        query: "NEAR/5(a (b c))", message: "NEAR(...) accepts only words, =exact words and phrases", column: 10),
    ParserErrorCase(
        query: "ONEAR/5(a NEAR/2(b c))", message: "ONEAR(...) accepts only words, =exact words and phrases",
        column: 11),
    ParserErrorCase(
        query: "NEAR/5(a -b)", message: "NEAR(...) accepts only words, =exact words and phrases", column: 10),
    ParserErrorCase(
        query: "NEAR/5(a OR b)", message: "NEAR(...) accepts only words, =exact words and phrases", column: 10),
    ParserErrorCase(query: "NEAR/5(a b", message: "unclosed '('", column: 7),
    ParserErrorCase(query: "()", message: "empty group '()'", column: 1),
    ParserErrorCase(query: "a ( ) b", message: "empty group '()'", column: 3),
    ParserErrorCase(query: "a AND", message: "'AND' has no right-hand operand", column: 3),
    ParserErrorCase(query: "a AND OR b", message: "'AND' has no right-hand operand", column: 3),
    ParserErrorCase(query: "(a AND) b", message: "'AND' has no right-hand operand", column: 4),
    ParserErrorCase(query: "OR b", message: "'OR' has no left-hand operand", column: 1),
    ParserErrorCase(query: "AND", message: "'AND' has no left-hand operand", column: 1),
    ParserErrorCase(query: "a (AND b)", message: "'AND' has no left-hand operand", column: 4),
    ParserErrorCase(query: "a OR", message: "'OR' has no right-hand operand", column: 3),
    ParserErrorCase(query: "NOT", message: "'NOT' has no operand", column: 1),
    ParserErrorCase(query: "a NOT", message: "'NOT' has no operand", column: 3),
    ParserErrorCase(query: "NOT -a", message: "'NOT' cannot be combined with '+' or '-'", column: 5),
    ParserErrorCase(query: "+", message: "'+' must be directly followed by a word, phrase or group", column: 1),
    ParserErrorCase(query: "a - b", message: "'-' must be directly followed by a word, phrase or group", column: 3),
    ParserErrorCase(query: "-NOT a", message: "'-' must be directly followed by a word, phrase or group", column: 1),
    ParserErrorCase(query: "--a", message: "a clause can carry only one '+' or '-'", column: 2),
    ParserErrorCase(query: "year:", message: "field 'year' has no value", column: 5),
    ParserErrorCase(query: "a title: b", message: "field 'title' has no value", column: 8),
    ParserErrorCase(query: "title:\"\"", message: "field 'title' has an empty value", column: 7),
    ParserErrorCase(query: "symbol:\"x\"~2", message: "'~' applies to phrases, not to field values", column: 11),
    ParserErrorCase(
        query: "verb:(urges requests)",
        message: "grouping after 'verb:' is not supported; write verb:a OR verb:b", column: 6),
    ParserErrorCase(query: "year:2015..2010", message: "empty range: 2015 is greater than 2010", column: 6),
    ParserErrorCase(
        query: "year:abc", message: "'year' expects a whole number or a range such as year:2010..2015", column: 6),
    ParserErrorCase(
        query: "session:70..7x", message: "'session' expects a whole number or a range such as session:2010..2015",
        column: 13),
    ParserErrorCase(
        query: "year:..", message: "range of 'year' needs at least one bound, as in year:2010..2015", column: 6),
    ParserErrorCase(query: "year:99999999999999999999", message: "number 99999999999999999999 is too large", column: 6),
    ParserErrorCase(query: "*", message: "'*' needs at least one character before it", column: 1),
    ParserErrorCase(query: "symbol:*", message: "'*' needs at least one character before it", column: 8),
    ParserErrorCase(query: "a **", message: "'**' is not a valid wildcard", column: 3),
    ParserErrorCase(query: "a**", message: "'**' is not a valid wildcard", column: 2),
    ParserErrorCase(query: "a*b", message: "'*' is only allowed at the end of a word", column: 2),
    ParserErrorCase(query: "*a", message: "'*' is only allowed at the end of a word", column: 1),
    ParserErrorCase(query: "=", message: "'=' must be directly followed by a word", column: 1),
    ParserErrorCase(query: "=\"a b\"", message: "'=' applies to a single word, not to a phrase", column: 1),
    ParserErrorCase(query: "=title:x", message: "'=' cannot be applied to a field", column: 1),
    ParserErrorCase(query: "a\u{1}b", message: "control character U+0001 is not allowed in a query", column: 2),
    ParserErrorCase(query: "é\nb", message: "control character U+000A is not allowed in a query", column: 2),
    ParserErrorCase(query: "ab \u{7F}", message: "control character U+007F is not allowed in a query", column: 4),
]

@Suite("Query parser: errors and limits")
struct QueryParserErrorTests {
    @Test("refuses with the exact message and column", arguments: errorCases)
    func refuses(_ testCase: ParserErrorCase) {
        #expect(throws: QuerySyntaxError(message: testCase.message, column: testCase.column)) {
            try QueryParser().parse(testCase.query)
        }
    }

    @Test("renders message, query and caret")
    func rendered() throws {
        let query = "human (rights OR dignity"
        let error = try #require(throws: QuerySyntaxError.self) { try QueryParser().parse(query) }
        #expect(
            error.rendered(query: query) == """
                query error: unclosed '(' at column 7
                  human (rights OR dignity
                        ^
                """)
    }

    @Test("rendering keeps the caret aligned past tabs, wide characters and control bytes")
    func renderedAlignment() {
        let error = QuerySyntaxError(message: "m", column: 5)
        #expect(error.rendered(query: "a\t人\u{1}b") == "query error: m at column 5\n  a\t人\u{FFFD}b\n   \t   ^")
    }

    @Test("rendering a long query shows a window around the column")
    func renderedWindow() {
        let query = String(repeating: "a ", count: 500) + ")"
        let error = QuerySyntaxError(message: "unmatched ')'", column: 1001)
        let lines = error.rendered(query: query).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].count <= 104)
        #expect(lines[1].hasSuffix(")"))
        #expect(lines[2].count == lines[1].count)  // the caret sits under the last character
        #expect(lines[2].hasSuffix("^"))
    }

    @Test("a query of exactly the byte limit parses; one byte more does not")
    func lengthLimit() throws {
        let limit = QueryParser.maxQueryBytes
        #expect(
            try QueryParser().parse(String(repeating: "a", count: limit)).root
                == term(String(repeating: "a", count: limit)))
        #expect(throws: QuerySyntaxError(message: "query is longer than 16384 bytes", column: limit + 1)) {
            try QueryParser().parse(String(repeating: "a", count: limit + 1))
        }
        // Two bytes per scalar: byte 16384 lies in scalar 8193.
        #expect(throws: QuerySyntaxError(message: "query is longer than 16384 bytes", column: 8193)) {
            try QueryParser().parse(String(repeating: "é", count: limit / 2 + 1))
        }
    }

    @Test("nesting up to the depth limit parses; one level more does not")
    func depthLimit() throws {
        let depth = QueryParser.maxDepth
        let nested = String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
        #expect(try QueryParser().parse(nested).root == term("a"))
        let tooDeep = "(" + nested + ")"
        #expect(throws: QuerySyntaxError(message: "query nests deeper than 64 levels", column: depth + 1)) {
            try QueryParser().parse(tooDeep)
        }
        let nots = String(repeating: "NOT ", count: depth) + "a"
        #expect(throws: Never.self) { try QueryParser().parse(nots) }
        #expect(throws: QuerySyntaxError(message: "query nests deeper than 64 levels", column: 4 * depth + 1)) {
            try QueryParser().parse("NOT " + nots)
        }
    }

    @Test("clauses up to the limit parse; one more does not")
    func clauseLimit() throws {
        let limit = QueryParser.maxClauses
        let words = String(repeating: "a ", count: limit)
        #expect(throws: Never.self) { try QueryParser().parse(words) }
        #expect(throws: QuerySyntaxError(message: "query has more than 1024 clauses", column: 2 * limit + 1)) {
            try QueryParser().parse(words + "b")
        }
        let nearOperands = "NEAR(" + String(repeating: "a ", count: limit) + "b)"
        #expect(throws: QuerySyntaxError(message: "query has more than 1024 clauses", column: 6 + 2 * limit)) {
            try QueryParser().parse(nearOperands)
        }
    }
}
