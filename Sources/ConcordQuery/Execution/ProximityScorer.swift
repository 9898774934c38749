import ConcordIndex

/// Phrase and NEAR matching in two phases: a conjunction of the terms' postings proposes
/// documents, then their positions decide (ProximityMatcher's definitions) and give the
/// frequency that BM25 scores with the summed idf of the terms. Position lists live in
/// per-term buffers owned by the scorer (no arrays per document). In top-k mode a candidate
/// whose best possible score (frequency at most the smallest term frequency) cannot beat
/// the threshold is skipped before its positions are read.
final class ProximityScorer: DocScorer {
    enum Shape {
        case phrase(offsets: [Int], slop: Int)
        /// Terms grouped per operand: `groups[j]` are indices into the cursors, with offsets.
        case near(groups: [[(cursor: Int, offset: Int)]], lengths: [Int], distance: Int, ordered: Bool)
    }

    let cursors: [PostingsCursor]
    let shape: Shape
    let idf: Double
    let bm25: BM25
    let normalization: UnsafePointer<Double>
    let norms: UnsafeRawBufferPointer
    /// When set, candidates that cannot score above `threshold.pointee` are skipped.
    var threshold: UnsafePointer<Double>?
    /// Whether a candidate was skipped by the threshold (the count is then a lower bound).
    private(set) var pruned = false

    private let count: Int
    /// The cursors again, unretained: reading a class out of an array costs a retain/release
    /// pair per access in the verification loop; `cursors` keeps them alive.
    private let refs: UnsafeMutablePointer<Unmanaged<PostingsCursor>>
    private let order: UnsafeMutablePointer<Int>
    private let lists: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>>
    private let lengths: UnsafeMutablePointer<Int>
    private let capacities: UnsafeMutablePointer<Int>
    private let offsets: UnsafeMutablePointer<Int>
    /// Scratch: term indices ordered by the current document's frequency.
    private let byFrequency: UnsafeMutablePointer<Int>
    private let state: UnsafeMutablePointer<(frequency: Int, corrupt: Bool)>
    private let isSimplePhrase: Bool
    private let slop: Int
    /// Cursors whose frequencies bound the match frequency (see `next(from:)`).
    private let boundTerms: [Int]

    init(
        cursors: [PostingsCursor], shape: Shape, idf: Double, bm25: BM25, normalization: UnsafePointer<Double>,
        norms: UnsafeRawBufferPointer
    ) {
        self.cursors = cursors
        self.shape = shape
        self.idf = idf
        self.bm25 = bm25
        self.normalization = normalization
        self.norms = norms
        count = cursors.count
        refs = .allocate(capacity: cursors.count)
        for (i, cursor) in cursors.enumerated() { refs[i] = Unmanaged.passUnretained(cursor) }
        order = .allocate(capacity: count)
        let sorted = cursors.indices.sorted { cursors[$0].info.docFreq < cursors[$1].info.docFreq }
        for (i, index) in sorted.enumerated() { order[i] = index }
        lists = .allocate(capacity: count)
        lengths = .allocate(capacity: count)
        capacities = .allocate(capacity: count)
        offsets = .allocate(capacity: count)
        byFrequency = .allocate(capacity: count)
        for i in 0..<count {
            capacities[i] = 64
            lists[i] = .allocate(capacity: 64)
            lengths[i] = 0
            offsets[i] = 0
        }
        switch shape {
        case .phrase(let phraseOffsets, let phraseSlop):
            for i in 0..<count { offsets[i] = phraseOffsets[i] }
            isSimplePhrase = true
            slop = phraseSlop
            boundTerms = phraseSlop == 0 ? Array(0..<cursors.count) : [0]
        case .near(let groups, _, _, _):
            isSimplePhrase = false
            slop = 0
            boundTerms = groups[0].map(\.cursor)
        }
        state = .allocate(capacity: 1)
        state.initialize(to: (0, false))
        super.init()
        doc = next(from: cursors[order[0]].doc)
    }

    deinit {
        for i in 0..<count { lists[i].deallocate() }
        lists.deallocate()
        refs.deallocate()
        lengths.deallocate()
        capacities.deallocate()
        offsets.deallocate()
        byFrequency.deallocate()
        order.deallocate()
        state.deallocate()
    }

    var frequency: Int { state.pointee.frequency }
    override var cost: Int { Int(cursors[order[0]].info.docFreq) }
    override var isCorrupt: Bool { state.pointee.corrupt || cursors.contains { $0.isCorrupt } }

    /// Leapfrogs to a document holding every term, then verifies positions; repeats until one matches.
    private func next(from start: UInt32) -> UInt32 {
        var target = start
        let lead = cursors[order[0]]
        outer: while target != terminated {
            for i in 1..<count {
                let found = refs[order[i]]._withUnsafeGuaranteedRef { $0.seek(to: target) }
                if found != target {
                    target = lead.seek(to: found)
                    continue outer
                }
            }
            if let threshold {
                // The frequency cannot exceed the occurrences that start a match: for an exact
                // phrase every term's, for a sloppy phrase the first term's, for NEAR the first
                // operand's terms'.
                var minimum = UInt32.max
                for i in 0..<boundTerms.count {
                    minimum = min(minimum, refs[boundTerms[i]]._withUnsafeGuaranteedRef { $0.freq })
                }
                let best = bm25.score(
                    tf: Double(minimum), normalization: normalization[Int(norms[Int(target)])], idf: idf)
                if best * (1 + 1e-9) <= threshold.pointee {
                    pruned = true
                    target = lead.advance()
                    continue
                }
            }
            let frequency = verify()
            state.pointee.frequency = frequency
            if frequency > 0 { return target }
            target = lead.advance()
        }
        return terminated
    }

    /// Decodes every term's positions of the current document into its buffer.
    private func loadPositions() -> Bool {
        for index in 0..<count where !load(index) { return false }
        return true
    }

    /// Decodes one term's positions of the current document into its buffer.
    private func load(_ index: Int) -> Bool {
        refs[index]._withUnsafeGuaranteedRef { cursor in
            let count = Int(cursor.freq)
            if count > capacities[index] {
                lists[index].deallocate()
                capacities[index] = max(count, capacities[index] * 2)
                lists[index] = .allocate(capacity: capacities[index])
            }
            lengths[index] = count
            if cursor.decodePositions(into: lists[index]) { return true }
            state.pointee.corrupt = true
            return false
        }
    }

    private func verify() -> Int {
        if isSimplePhrase && slop == 0 { return exactPhraseFrequency() }
        if case .near(let groups, _, let distance, false) = shape, groups.count == 2, groups[0].count == 1,
            groups[1].count == 1
        {
            guard load(groups[0][0].cursor), load(groups[1][0].cursor) else { return 0 }
            return pairNearFrequency(groups[0][0].cursor, groups[1][0].cursor, distance: distance)
        }
        guard loadPositions() else { return 0 }
        if isSimplePhrase { return phraseFrequency() }
        guard case .near(let groups, let spanLengths, let distance, let ordered) = shape else { return 0 }
        let operands = groups.enumerated().map { j, group in
            ProximityMatcher.spanOccurrences(
                group.map { Array(UnsafeBufferPointer(start: lists[$0.cursor], count: lengths[$0.cursor])) },
                offsets: group.map(\.offset), length: spanLengths[j])
        }
        return ProximityMatcher.nearMatches(operands, distance: distance, ordered: ordered).count
    }

    /// Exact phrase: candidate starts from the term that is rarest in this document, narrowed
    /// by the others from rarer to more common; a term's positions are decoded only while some
    /// start survives, so a very common word ("of", "the") inside a phrase is rarely decoded.
    private func exactPhraseFrequency() -> Int {
        // Terms by this document's frequency (insertion sort: phrases are short).
        let byFrequency = self.byFrequency
        for i in 0..<count {
            let frequency = refs[i]._withUnsafeGuaranteedRef { $0.freq }
            var j = i
            while j > 0 && refs[byFrequency[j - 1]]._withUnsafeGuaranteedRef({ $0.freq }) > frequency {
                byFrequency[j] = byFrequency[j - 1]
                j -= 1
            }
            byFrequency[j] = i
        }
        let anchor = byFrequency[0]
        guard load(anchor) else { return 0 }
        var starts = lengths[anchor]
        // Surviving starts are kept in place in the anchor's buffer, as its positions.
        let first = lists[anchor]
        for rank in 1..<count {
            let i = byFrequency[rank]
            guard load(i) else { return 0 }
            let list = lists[i]
            let length = lengths[i]
            let shift = offsets[i] - offsets[anchor]
            var kept = 0
            var c = 0
            // Galloping pays only when the list is much longer than the starts.
            let shouldGallop = length > 8 * starts
            for k in 0..<starts {
                let wanted = Int(first[k]) + shift
                if shouldGallop && c < length && Int(list[c]) < wanted {
                    // Gallop: the list is often far longer than the starts.
                    c =
                        wanted > Int(UInt32.max)
                        ? length
                        : gallop(
                            to: UInt32(wanted), in: list, from: c, count: length)
                }
                while c < length && Int(list[c]) < wanted { c += 1 }
                if c == length { break }
                if Int(list[c]) == wanted {
                    first[kept] = first[k]
                    kept += 1
                }
            }
            starts = kept
            if starts == 0 { return 0 }
        }
        return starts
    }

    /// NEAR of two single terms: occurrences of the first with an occurrence of the second at
    /// another position at most `distance` tokens away (ProximityMatcher's definition).
    private func pairNearFrequency(_ a: Int, _ b: Int, distance: Int) -> Int {
        let left = lists[a]
        let right = lists[b]
        let rightCount = lengths[b]
        var c = 0
        var matches = 0
        for k in 0..<lengths[a] {
            let p = Int(left[k])
            while c < rightCount && Int(right[c]) < p - distance - 1 { c += 1 }
            var j = c
            while j < rightCount && Int(right[j]) <= p + distance + 1 {
                if Int(right[j]) != p {
                    matches += 1
                    break
                }
                j += 1
            }
        }
        return matches
    }

    /// ProximityMatcher.phraseStarts over the raw buffers, counting instead of collecting.
    private func phraseFrequency() -> Int {
        var cursorsInLists = [Int](repeating: 0, count: count)
        let span = offsets[count - 1] - offsets[0]
        var matches = 0
        let first = lists[0]
        for k in 0..<lengths[0] {
            let p0 = Int(first[k])
            var previous = p0
            var ok = true
            for i in 1..<count {
                let minimum = previous + (offsets[i] - offsets[i - 1])
                let list = lists[i]
                var c = cursorsInLists[i]
                let length = lengths[i]
                while c < length && Int(list[c]) < minimum { c += 1 }
                cursorsInLists[i] = c
                if c == length { return matches }
                previous = Int(list[c])
                if previous - p0 - span > slop {
                    ok = false
                    break
                }
            }
            if ok { matches += 1 }
        }
        return matches
    }

    override func advance() -> UInt32 {
        if doc == terminated { return doc }
        doc = next(from: cursors[order[0]].advance())
        return doc
    }

    override func seek(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        doc = next(from: cursors[order[0]].seek(to: target))
        return doc
    }

    override func score() -> Double {
        bm25.score(tf: Double(state.pointee.frequency), normalization: normalization[Int(norms[Int(doc)])], idf: idf)
    }
}
