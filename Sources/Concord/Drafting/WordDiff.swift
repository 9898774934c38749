import ConcordText

/// A text cut into words for word-level comparison: the analyzer's folded word forms
/// (case and diacritics folded, compounds as their parts, punctuation ignored) with the byte
/// range of each word, so results can be shown in the text's own spelling.
public struct WordSequence: Sendable {
    /// The text as given.
    public let text: String
    /// Folded words, the comparison keys.
    public let words: [String]
    /// UTF-8 byte range of each word in `text`.
    public let ranges: [Range<Int>]
    private let utf8: [UInt8]

    /// Cuts `text` into words with `analyzer` (stemming is irrelevant: folded surfaces are used).
    public init(_ text: String, analyzer: inout Analyzer) {
        self.text = text
        utf8 = Array(text.utf8)
        var words: [String] = []
        var ranges: [Range<Int>] = []
        for token in analyzer.tokens(text) where !token.isWhole {
            words.append(token.surface)
            ranges.append(token.start..<token.end)
        }
        self.words = words
        self.ranges = ranges
    }

    /// Cuts `text` into words with a fresh, non-stemming analyzer.
    public init(_ text: String) {
        var analyzer = Analyzer(stemming: false)
        self.init(text, analyzer: &analyzer)
    }

    /// Number of words.
    public var count: Int { words.count }

    /// The original text from the first to the last word of `words` (punctuation between them kept).
    public func passage(_ words: Range<Int>) -> String {
        guard !words.isEmpty, words.lowerBound >= 0, words.upperBound <= ranges.count else { return "" }
        return String(
            decoding: utf8[ranges[words.lowerBound].lowerBound..<ranges[words.upperBound - 1].upperBound], as: UTF8.self
        )
    }

    /// The original text between the start of word `from` and the start of word `to` (or the
    /// end of word `to - 1` when `to` is `count`): context around a passage, spacing kept.
    public func span(from: Int, to: Int, endingAtWord: Bool) -> String {
        guard from < to, from >= 0, to <= ranges.count else { return "" }
        let end = endingAtWord || to == ranges.count ? ranges[to - 1].upperBound : ranges[to].lowerBound
        return String(decoding: utf8[ranges[from].lowerBound..<end], as: UTF8.self)
    }

    /// The original text from the end of word `index - 1` to the start of word `index`.
    public func gap(before index: Int) -> String {
        guard index > 0, index < ranges.count else { return "" }
        return String(decoding: utf8[ranges[index - 1].upperBound..<ranges[index].lowerBound], as: UTF8.self)
    }

    /// The original text of `words` with what follows the last one up to the next word (its
    /// punctuation and space); the first word also takes any text before it.
    func units(_ words: Range<Int>) -> String {
        guard !words.isEmpty else { return "" }
        let start = words.lowerBound == 0 ? 0 : ranges[words.lowerBound].lowerBound
        let end = words.upperBound < ranges.count ? ranges[words.upperBound].lowerBound : utf8.count
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}

/// What a piece of a word diff is.
public enum WordDiffOperation: String, Sendable {
    /// Words in both texts.
    case equal
    /// Words only in the new text.
    case inserted
    /// Words only in the old text.
    case deleted
}

/// A run of words of one operation, in the original spelling (trailing space removed).
public struct WordDiffSegment: Sendable, Equatable {
    /// Whether the words were kept, inserted or deleted.
    public var operation: WordDiffOperation
    /// The words as written, with their punctuation.
    public var text: String
    /// How many words the run holds.
    public var wordCount: Int
}

/// A word-level comparison of two texts (Myers' O(ND) shortest edit script over folded words).
/// Similarity is the Dice ratio 2·kept / (old + new words), as difflib's `ratio`.
public struct WordDiff: Sendable {
    /// Runs of kept, deleted and inserted words, in reading order (deletions before insertions).
    public var segments: [WordDiffSegment]
    /// Words in both texts (length of the common subsequence).
    public var matched: Int
    /// Words of the old text.
    public var oldCount: Int
    /// Words of the new text.
    public var newCount: Int

    /// Edit distances above this are not searched; the texts are then reported as replaced whole.
    public static let maxEditDistance = 1_000

    /// The edit script the segments were made from.
    let edits: [Edit]

    /// Compares `old` with `new`.
    public init(from old: WordSequence, to new: WordSequence) {
        let (a, b) = WordDiff.intern(old.words, new.words)
        let script = WordDiff.editScript(a, b)
        edits = script
        oldCount = a.count
        newCount = b.count
        matched = script.reduce(0) { $0 + ($1.operation == .equal ? $1.length : 0) }
        segments = script.map { edit in
            let text: String
            switch edit.operation {
            case .equal, .inserted: text = new.units(edit.newStart..<(edit.newStart + edit.length))
            case .deleted: text = old.units(edit.oldStart..<(edit.oldStart + edit.length))
            }
            return WordDiffSegment(operation: edit.operation, text: text, wordCount: edit.length)
        }
    }

    /// Compares two texts.
    public init(from old: String, to new: String) {
        var analyzer = Analyzer(stemming: false)
        self.init(from: WordSequence(old, analyzer: &analyzer), to: WordSequence(new, analyzer: &analyzer))
    }

    /// Dice similarity in 0...1 (1 when both texts have no words).
    public var similarity: Double {
        oldCount + newCount == 0 ? 1 : Double(2 * matched) / Double(oldCount + newCount)
    }

    /// Dice similarity with each word weighted (by its rarity, say): twice the weight of the kept
    /// words over the weight of all words. `old` and `new` must be the sequences compared.
    public func weightedSimilarity(old: WordSequence, new: WordSequence, weight: (String) -> Double) -> Double {
        var kept = 0.0
        for edit in edits where edit.operation == .equal {
            for index in edit.oldStart..<(edit.oldStart + edit.length) { kept += weight(old.words[index]) }
        }
        let total = old.words.reduce(0) { $0 + weight($1) } + new.words.reduce(0) { $0 + weight($1) }
        return total > 0 ? 2 * kept / total : similarity
    }

    /// Whether both texts have the same words (punctuation and case aside).
    public var isIdentical: Bool { matched == oldCount && matched == newCount }

    /// Words deleted from the old text.
    public var deletedWords: Int { oldCount - matched }

    /// Words inserted into the new text.
    public var insertedWords: Int { newCount - matched }

    /// The new text with changes marked: `[-deleted-]` and `{+inserted+}` (git's word-diff
    /// notation), or through `mark` (for colours).
    public func rendered(
        mark: (WordDiffOperation, String) -> String = { operation, text in
            switch operation {
            case .equal: text
            case .deleted: "[-" + text + "-]"
            case .inserted: "{+" + text + "+}"
            }
        }
    ) -> String {
        var out = ""
        for segment in segments {
            let body = segment.text
            var trimmed = Substring(body)
            while let last = trimmed.last, last.isWhitespace { trimmed = trimmed.dropLast() }
            let trailing = body[trimmed.endIndex...]
            if segment.operation == .equal {
                out += body
            } else {
                out += mark(segment.operation, String(trimmed)) + (trailing.isEmpty ? "" : " ")
            }
        }
        while let last = out.last, last.isWhitespace { out.removeLast() }
        return out
    }

    // MARK: Algorithms on interned words

    /// One run of the edit script: `length` words at `oldStart` / `newStart`.
    struct Edit: Equatable {
        var operation: WordDiffOperation
        var oldStart: Int
        var newStart: Int
        var length: Int
    }

    /// Maps both word lists to small integers (equal words, equal ids).
    static func intern(_ a: [String], _ b: [String]) -> ([Int], [Int]) {
        var ids: [String: Int] = [:]
        func id(_ word: String) -> Int {
            if let known = ids[word] { return known }
            let next = ids.count
            ids[word] = next
            return next
        }
        return (a.map(id), b.map(id))
    }

    /// The shortest edit script from `a` to `b`, as runs; deletions come before insertions at
    /// each change. Falls back to delete-all + insert-all past `maxEditDistance`.
    static func editScript(_ a: [Int], _ b: [Int]) -> [Edit] {
        // Common prefix and suffix first: most compared paragraphs differ in a few words.
        var prefix = 0
        while prefix < a.count && prefix < b.count && a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix && suffix < b.count - prefix
            && a[a.count - 1 - suffix] == b[b.count - 1 - suffix]
        {
            suffix += 1
        }
        let middleA = Array(a[prefix..<(a.count - suffix)])
        let middleB = Array(b[prefix..<(b.count - suffix)])
        var steps: [(WordDiffOperation, Int, Int)] = []  // single-word steps (op, old index, new index)
        for i in 0..<prefix { steps.append((.equal, i, i)) }
        if let middle = myers(middleA, middleB) {
            for (operation, x, y) in middle { steps.append((operation, x + prefix, y + prefix)) }
        } else {
            for x in 0..<middleA.count { steps.append((.deleted, x + prefix, prefix)) }
            for y in 0..<middleB.count { steps.append((.inserted, prefix + middleA.count, y + prefix)) }
        }
        for i in 0..<suffix { steps.append((.equal, a.count - suffix + i, b.count - suffix + i)) }
        return runs(reorder(steps))
    }

    /// Within each change (between two kept words), deletions first, then insertions.
    private static func reorder(_ steps: [(WordDiffOperation, Int, Int)]) -> [(WordDiffOperation, Int, Int)] {
        var out: [(WordDiffOperation, Int, Int)] = []
        var deleted: [(WordDiffOperation, Int, Int)] = []
        var inserted: [(WordDiffOperation, Int, Int)] = []
        func flush() {
            out += deleted
            out += inserted
            deleted.removeAll()
            inserted.removeAll()
        }
        for step in steps {
            switch step.0 {
            case .equal:
                flush()
                out.append(step)
            case .deleted: deleted.append(step)
            case .inserted: inserted.append(step)
            }
        }
        flush()
        return out
    }

    private static func runs(_ steps: [(WordDiffOperation, Int, Int)]) -> [Edit] {
        var edits: [Edit] = []
        for (operation, x, y) in steps {
            if var last = edits.last, last.operation == operation,
                operation == .inserted ? last.newStart + last.length == y : last.oldStart + last.length == x
            {
                last.length += 1
                edits[edits.count - 1] = last
            } else {
                edits.append(Edit(operation: operation, oldStart: x, newStart: y, length: 1))
            }
        }
        return edits
    }

    /// Myers' greedy algorithm with a trace of the furthest-reaching paths; nil past `maxEditDistance`.
    private static func myers(_ a: [Int], _ b: [Int]) -> [(WordDiffOperation, Int, Int)]? {
        let n = a.count
        let m = b.count
        if n == 0 { return (0..<m).map { (.inserted, 0, $0) } }
        if m == 0 { return (0..<n).map { (.deleted, $0, 0) } }
        let limit = min(n + m, maxEditDistance)
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []  // trace[d] = v over k in -d...d before round d
        var found: Int?
        rounds: for d in 0...limit {
            trace.append(Array(v[(offset - d)...(offset + d)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n && y < m && a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m {
                    found = d
                    break rounds
                }
            }
        }
        guard let distance = found else { return nil }
        var steps: [(WordDiffOperation, Int, Int)] = []
        var x = n
        var y = m
        for d in stride(from: distance, through: 0, by: -1) {
            let k = x - y
            let previous = trace[d]  // indices k + d
            func value(_ kk: Int) -> Int { kk >= -d && kk <= d ? previous[kk + d] : 0 }
            let prevK: Int
            if d == 0 {
                prevK = k
            } else if k == -d || (k != d && value(k - 1) < value(k + 1)) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = d == 0 ? 0 : value(prevK)
            let prevY = d == 0 ? 0 : prevX - prevK
            while x > prevX && y > prevY {
                steps.append((.equal, x - 1, y - 1))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == prevX {
                    steps.append((.inserted, x, y - 1))
                    y -= 1
                } else {
                    steps.append((.deleted, x - 1, y))
                    x -= 1
                }
            }
        }
        return steps.reversed()
    }

    /// The window of `text` closest to `query` (approximate substring matching, Sellers 1980:
    /// word edit distance with free start and end in `text`). Nil when either is empty.
    static func closestWindow(of query: [Int], in text: [Int]) -> (range: Range<Int>, distance: Int)? {
        let n = query.count
        let length = text.count
        guard n > 0, length > 0 else { return nil }
        var previous = [Int](repeating: 0, count: length + 1)
        var previousStart = Array(0...length)
        var current = [Int](repeating: 0, count: length + 1)
        var currentStart = [Int](repeating: 0, count: length + 1)
        for i in 1...n {
            current[0] = i
            currentStart[0] = 0
            let word = query[i - 1]
            for j in 1...length {
                var best = previous[j - 1] + (word == text[j - 1] ? 0 : 1)
                var start = previousStart[j - 1]
                if previous[j] + 1 < best {
                    best = previous[j] + 1
                    start = previousStart[j]
                }
                if current[j - 1] + 1 < best {
                    best = current[j - 1] + 1
                    start = currentStart[j - 1]
                }
                current[j] = best
                currentStart[j] = start
            }
            swap(&previous, &current)
            swap(&previousStart, &currentStart)
        }
        var bestEnd = 1
        for j in 1...length {
            let better = previous[j] < previous[bestEnd]
            // On a tie the longer window holds more of the query's words (a higher Dice ratio).
            let tieLonger = previous[j] == previous[bestEnd] && j - previousStart[j] > bestEnd - previousStart[bestEnd]
            if better || tieLonger { bestEnd = j }
        }
        return (previousStart[bestEnd]..<bestEnd, previous[bestEnd])
    }

    /// The longest run of consecutive words both lists share: (start in a, start in b, length).
    static func longestCommonRun(_ a: [Int], _ b: [Int]) -> (aStart: Int, bStart: Int, length: Int) {
        guard !a.isEmpty, !b.isEmpty else { return (0, 0, 0) }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = [Int](repeating: 0, count: b.count + 1)
        var best = (aStart: 0, bStart: 0, length: 0)
        for i in 1...a.count {
            for j in 1...b.count {
                if a[i - 1] == b[j - 1] && a[i - 1] >= 0 {
                    current[j] = previous[j - 1] + 1
                    if current[j] > best.length { best = (i - current[j], j - current[j], current[j]) }
                } else {
                    current[j] = 0
                }
            }
            swap(&previous, &current)
        }
        return best
    }
}
