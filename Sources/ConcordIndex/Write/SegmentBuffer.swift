import ConcordText

/// Dictionary key namespaces: the first byte of every term key (FORMAT.md §4).
package enum TermField: UInt8, Sendable {
    /// Stemmed body terms, with positions.
    case body = 0
    /// Exact (folded, unstemmed) surface forms of body tokens; doc and frequency only.
    case exact = 1
    /// Stemmed title terms; doc and frequency only.
    case title = 2
    /// Keyword metadata: the lowercased field name, a 0 byte, the lowercased value.
    case keyword = 3
    /// External document id, exact bytes.
    case id = 4
}

/// The in-memory inverted buffer of one segment being built: documents are analyzed as they
/// arrive and their postings appended to flat logs; `SegmentSerializer` sorts and writes them.
package struct SegmentBuffer {
    package private(set) var interner = TermInterner()
    /// For an exact-field term id, the body term id of its stem (UInt32.max if not an exact term).
    private var stemOfExact: [UInt32] = []
    // Per-term scratch for grouping one document's occurrences.
    private var stampOfTerm: [UInt32] = []
    private var slotOfTerm: [UInt32] = []
    private var docStamp: UInt32 = 0

    // The document being analyzed: one slot per distinct term, positions chained per slot.
    private var slotTerm: [UInt32] = []
    private var slotFreq: [UInt32] = []
    private var slotHead: [Int32] = []
    private var slotTail: [Int32] = []
    private var chainValue: [UInt32] = []
    private var chainNext: [Int32] = []

    /// Posting log, in document order: term id (until `groupByTerm()` turns it into the local
    /// doc id, see there), frequency, start in `positions`. Postings of document `d` are
    /// `firstPosting[d] ..< firstPosting[d + 1]`, so the doc id needs no column of its own
    /// while documents are added.
    package private(set) var postingTerm: [UInt32] = []
    private var firstPosting: [UInt32] = []
    /// Set by `groupByTerm()`, which has then rewritten `postingTerm` into doc ids.
    private var grouping: (order: [UInt32], starts: [Int])?
    /// Whether `postingTerm` holds doc ids (grouped for a flush) rather than term ids.
    package var isGrouped: Bool { grouping != nil }
    package private(set) var postingFreq: [UInt32] = []
    package private(set) var postingPositionStart: [UInt32] = []
    /// Body positions of all postings, concatenated in log order.
    package private(set) var positions: [UInt32] = []

    /// One byte per document: quantized body length, and title length.
    package private(set) var bodyNorms: [UInt8] = []
    package private(set) var titleNorms: [UInt8] = []
    /// Sum of exact body lengths (tokens), for the average length in BM25.
    package private(set) var totalBodyLength: UInt64 = 0
    /// Sum of exact title lengths.
    package private(set) var totalTitleLength: UInt64 = 0
    /// Stored records, concatenated; `storedOffsets[doc] ..< storedOffsets[doc + 1]`.
    package private(set) var stored = ByteWriter()
    package private(set) var storedOffsets: [UInt64] = [0]
    /// Numeric columns by field name; `Int64.min` marks a document without the field.
    package private(set) var numericColumns: [String: [Int64]] = [:]
    /// External ids by local doc id, and the reverse map (for replacing within the buffer).
    package private(set) var externalIds: [String] = []
    private var localDocOfId: [String: UInt32] = [:]
    /// Local docs replaced by a later document with the same id before the flush.
    package private(set) var deletedInBuffer: Set<UInt32> = []

    private let analyzerBox = AnalyzerBox()
    private var keyScratch: [UInt8] = []
    /// Tokens longer than the maximum term length that were skipped.
    package var skippedLongTerms: Int { analyzerBox.tokenizer.skippedLongTerms + analyzerBox.analyzer.skippedLongTerms }

    /// Whether texts are stored (see `StoredRecord.encode`).
    package let storeText: Bool

    /// Creates an empty buffer.
    package init(storeText: Bool = true) {
        self.storeText = storeText
    }

    /// Groups the posting log by term for the flush with a stable counting sort: returns the
    /// posting indices ordered by term id (documents ascending within a term) and each term's
    /// range in them. The same pass overwrites `postingTerm[i]` with posting `i`'s doc id,
    /// which the serializer reads as the doc column: the log never holds a term column and a
    /// doc column at once, 4 bytes per posting less at the peak of a build.
    package mutating func groupByTerm() -> (order: [UInt32], starts: [Int]) {
        if let grouping { return grouping }
        let termCount = interner.count
        var starts = [Int](repeating: 0, count: termCount + 1)
        for term in postingTerm { starts[Int(term) + 1] += 1 }
        for i in 0..<termCount { starts[i + 1] += starts[i] }
        var fill = starts
        var order = [UInt32](repeating: 0, count: postingTerm.count)
        var doc = 0
        let postingCount = postingTerm.count
        postingTerm.withUnsafeMutableBufferPointer { log in
            firstPosting.withUnsafeBufferPointer { first in
                for index in 0..<postingCount {
                    while doc + 1 < first.count && Int(first[doc + 1]) <= index { doc += 1 }
                    let term = Int(log[index])
                    order[fill[term]] = UInt32(index)
                    fill[term] += 1
                    log[index] = UInt32(doc)
                }
            }
        }
        grouping = (order, starts)
        return (order, starts)
    }

    /// Puts the term ids back into `postingTerm` after a flush that failed, so that documents
    /// can be added again and the flush retried.
    private mutating func ungroup() {
        guard let (order, starts) = grouping else { return }
        postingTerm.withUnsafeMutableBufferPointer { log in
            for term in 0..<(starts.count - 1) {
                for k in starts[term]..<starts[term + 1] { log[Int(order[k])] = UInt32(term) }
            }
        }
        grouping = nil
    }

    /// Number of documents added (including replaced ones).
    package var documentCount: Int { externalIds.count }

    /// Approximate bytes held, compared with the writer's memory budget.
    package var memoryUsage: Int {
        interner.memoryUsage + postingTerm.capacity * 16 + positions.capacity * 4 + stored.count
            + stemOfExact.capacity * 12 + externalIds.count * 48 + bodyNorms.count * 2
            + numericColumns.values.reduce(0) { $0 + $1.capacity * 8 }
    }

    /// Analyzes and adds one document; returns its local doc id. A document whose id is already
    /// in this buffer replaces it (the earlier one is marked deleted).
    @discardableResult
    package mutating func add(_ document: IndexDocument) -> UInt32 {
        ungroup()
        let doc = UInt32(externalIds.count)
        if let previous = localDocOfId[document.id] { deletedInBuffer.insert(previous) }
        localDocOfId[document.id] = doc
        externalIds.append(document.id)
        beginDocument()

        // Body: paragraphs with a gap at each boundary so phrases never span two of them.
        var position = 0
        var bodyLength = 0
        var paragraphRanges: [(Int, Int)] = []
        for (index, paragraph) in document.paragraphs.enumerated() {
            if index > 0 { position += IndexLimits.paragraphGap }
            let start = position
            position = analyzeBody(paragraph.text, firstPosition: position)
            bodyLength += position - start
            paragraphRanges.append((start, position))
        }
        // Title: its own field for `title:` queries, without positions.
        let titleLength = analyzeTitle(document.title)
        for (name, value) in document.fields {
            if case .keyword(let text) = value { addKeyword(name: name, value: text) }
        }
        addKey(field: .id, Array(document.id.utf8), position: nil)
        endDocument(doc)

        bodyNorms.append(FieldNorm.encode(bodyLength))
        titleNorms.append(FieldNorm.encode(titleLength))
        totalBodyLength += UInt64(bodyLength)
        totalTitleLength += UInt64(titleLength)
        for (name, value) in document.fields {
            if case .number(let number) = value {
                var column = numericColumns[name] ?? [Int64](repeating: Int64.min, count: Int(doc))
                column.append(number)
                numericColumns[name] = column
            }
        }
        for name in numericColumns.keys where numericColumns[name]!.count == Int(doc) {
            numericColumns[name]!.append(Int64.min)
        }
        StoredRecord.encode(document, paragraphRanges: paragraphRanges, storeText: storeText, into: &stored)
        storedOffsets.append(UInt64(stored.count))
        return doc
    }

    /// Marks the buffered document with `id` deleted; returns whether there was one.
    package mutating func removeBuffered(id: String) -> Bool {
        guard let doc = localDocOfId[id], !deletedInBuffer.contains(doc) else { return false }
        deletedInBuffer.insert(doc)
        localDocOfId[id] = nil
        return true
    }

    // MARK: Analysis

    /// Body tokens come straight from the tokenizer: a surface form is stemmed only the first
    /// time this buffer sees it (its exact id then remembers the stem's id), so running text
    /// costs one hash lookup per token and no stem-cache lookup.
    private struct BodySink: TokenSink {
        var buffer: UnsafeMutablePointer<SegmentBuffer>
        mutating func token(_ term: UnsafeRawBufferPointer, position: Int, start: Int, end: Int, isWhole: Bool) {
            buffer.pointee.addBodyToken(surface: term, isWhole: isWhole, position: UInt32(truncatingIfNeeded: position))
        }
    }

    private struct TitleSink: AnalyzedTokenSink {
        var buffer: UnsafeMutablePointer<SegmentBuffer>
        var count = 0
        var last = -1
        mutating func token(
            stem: UnsafeRawBufferPointer, surface: UnsafeRawBufferPointer, position: Int, start: Int, end: Int,
            isWhole: Bool
        ) {
            buffer.pointee.addKeyBytes(field: .title, stem, position: nil)
        }
    }

    private mutating func analyzeBody(_ text: String, firstPosition: Int) -> Int {
        var copy = text
        return copy.withUTF8 { utf8 in
            let box = analyzerBox
            return withUnsafeMutablePointer(to: &self) { me in
                var sink = BodySink(buffer: me)
                return box.tokenizer.tokenize(UnsafeRawBufferPointer(utf8), firstPosition: firstPosition, into: &sink)
            }
        }
    }

    private mutating func analyzeTitle(_ title: String) -> Int {
        if title.isEmpty { return 0 }
        var copy = title
        return copy.withUTF8 { utf8 in
            let box = analyzerBox
            return withUnsafeMutablePointer(to: &self) { me in
                var sink = TitleSink(buffer: me)
                return box.analyzer.analyze(UnsafeRawBufferPointer(utf8), firstPosition: 0, into: &sink)
            }
        }
    }

    private mutating func addBodyToken(surface: UnsafeRawBufferPointer, isWhole: Bool, position: UInt32) {
        let exact = internKey(field: .exact, surface)
        var stemId: UInt32
        if !exact.isNew, stemOfExact[Int(exact.id)] != UInt32.max {
            stemId = stemOfExact[Int(exact.id)]
        } else {
            if Analyzer.stems(surface, isWhole: isWhole) {
                let length = analyzerBox.stem(surface)
                stemId = analyzerBox.stemBuffer.withUnsafeBytes {
                    internKey(field: .body, UnsafeRawBufferPointer(rebasing: $0[0..<length])).id
                }
            } else {
                stemId = internKey(field: .body, surface).id
            }
            setStem(of: exact.id, to: stemId)
        }
        occurrence(of: exact.id, position: nil)
        occurrence(of: stemId, position: position)
    }

    private mutating func addKeyword(name: String, value: String) {
        // Field names match case-insensitively, like the values (the planner lowercases both).
        var key = Array(name.lowercased().utf8)
        key.append(0)
        key.append(contentsOf: value.lowercased().utf8)
        addKey(field: .keyword, key, position: nil)
    }

    private mutating func addKey(field: TermField, _ bytes: [UInt8], position: UInt32?) {
        bytes.withUnsafeBytes { addKeyBytes(field: field, $0, position: position) }
    }

    fileprivate mutating func addKeyBytes(field: TermField, _ bytes: UnsafeRawBufferPointer, position: UInt32?) {
        let id = internKey(field: field, bytes).id
        occurrence(of: id, position: position)
    }

    private mutating func internKey(field: TermField, _ bytes: UnsafeRawBufferPointer) -> (id: UInt32, isNew: Bool) {
        keyScratch.removeAll(keepingCapacity: true)
        keyScratch.append(field.rawValue)
        keyScratch.append(contentsOf: bytes)
        let result = keyScratch.withUnsafeBytes { interner.intern($0) }
        if result.isNew {
            stampOfTerm.append(0)
            slotOfTerm.append(0)
            stemOfExact.append(UInt32.max)
        }
        return result
    }

    private mutating func setStem(of exactId: UInt32, to stemId: UInt32) {
        stemOfExact[Int(exactId)] = stemId
    }

    // MARK: Per-document grouping

    private mutating func beginDocument() {
        docStamp &+= 1
        if docStamp == 0 {
            // Wrapped around: clear stamps so no stale entry matches.
            for i in stampOfTerm.indices { stampOfTerm[i] = 0 }
            docStamp = 1
        }
        slotTerm.removeAll(keepingCapacity: true)
        slotFreq.removeAll(keepingCapacity: true)
        slotHead.removeAll(keepingCapacity: true)
        slotTail.removeAll(keepingCapacity: true)
        chainValue.removeAll(keepingCapacity: true)
        chainNext.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private mutating func occurrence(of term: UInt32, position: UInt32?) {
        let t = Int(term)
        var slot: Int
        if stampOfTerm[t] == docStamp {
            slot = Int(slotOfTerm[t])
            slotFreq[slot] &+= 1
        } else {
            stampOfTerm[t] = docStamp
            slot = slotTerm.count
            slotOfTerm[t] = UInt32(slot)
            slotTerm.append(term)
            slotFreq.append(1)
            slotHead.append(-1)
            slotTail.append(-1)
        }
        if let position {
            let link = Int32(chainValue.count)
            chainValue.append(position)
            chainNext.append(-1)
            if slotTail[slot] >= 0 { chainNext[Int(slotTail[slot])] = link } else { slotHead[slot] = link }
            slotTail[slot] = link
        }
    }

    private mutating func endDocument(_ doc: UInt32) {
        firstPosting.append(UInt32(postingTerm.count))
        for slot in slotTerm.indices {
            postingTerm.append(slotTerm[slot])
            postingPositionStart.append(UInt32(truncatingIfNeeded: positions.count))
            var link = slotHead[slot]
            if link < 0 {
                postingFreq.append(slotFreq[slot])
                continue
            }
            let first = positions.count
            while link >= 0 {
                positions.append(chainValue[Int(link)])
                link = chainNext[Int(link)]
            }
            normalizePositions(from: first)
            postingFreq.append(UInt32(positions.count - first))
        }
    }

    /// Positions of one posting must be strictly increasing; whole-compound tokens may arrive
    /// after their parts, so sort and drop duplicates when needed.
    private mutating func normalizePositions(from first: Int) {
        var sorted = true
        var i = first + 1
        while i < positions.count {
            if positions[i] <= positions[i - 1] {
                sorted = false
                break
            }
            i += 1
        }
        if sorted { return }
        var tail = Array(positions[first...])
        tail.sort()
        var unique: [UInt32] = []
        for value in tail where unique.last != value { unique.append(value) }
        positions.removeSubrange(first...)
        positions.append(contentsOf: unique)
    }
}

/// Holds the analyzer outside the buffer's value so the token sink can mutate the buffer
/// through a pointer while the analyzer runs.
private final class AnalyzerBox {
    var analyzer = Analyzer(stemming: true)
    var tokenizer = Tokenizer()
    let stemmer = Porter2Stemmer()
    var stemBuffer = [UInt8](repeating: 0, count: Tokenizer.maxTermBytes + 1)

    /// Stems `word` into `stemBuffer`; returns the stem's length.
    func stem(_ word: UnsafeRawBufferPointer) -> Int {
        if stemBuffer.count < word.count { stemBuffer = [UInt8](repeating: 0, count: word.count) }
        return stemBuffer.withUnsafeMutableBytes { stemmer.stem(word, into: $0) }
    }
}
