import ConcordIndex

/// Phrase and NEAR matching in two phases: a conjunction of the terms' postings proposes
/// documents, then their positions decide (ProximityMatcher) and give the frequency that
/// BM25 scores with the summed idf of the terms.
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
    private let order: [Int]
    private var lists: [[UInt32]]
    private(set) var frequency = 0
    private var corrupt = false

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
        order = cursors.indices.sorted { cursors[$0].info.docFreq < cursors[$1].info.docFreq }
        lists = [[UInt32]](repeating: [], count: cursors.count)
        super.init()
        doc = next(from: cursors[order[0]].doc)
    }

    override var cost: Int { Int(cursors[order[0]].info.docFreq) }
    override var isCorrupt: Bool { corrupt || cursors.contains { $0.isCorrupt } }

    /// Leapfrogs to a document holding every term, then verifies positions; repeats until one matches.
    private func next(from start: UInt32) -> UInt32 {
        var target = start
        while target != terminated {
            var aligned = true
            for index in order {
                let found = cursors[index].seek(to: target)
                if found != target {
                    target = found
                    aligned = false
                    break
                }
            }
            if !aligned { continue }
            frequency = verify()
            if frequency > 0 { return target }
            target = cursors[order[0]].advance()
        }
        return terminated
    }

    private func verify() -> Int {
        for index in cursors.indices {
            let copied: Bool? = cursors[index].withPositions { positions in
                lists[index].removeAll(keepingCapacity: true)
                lists[index].append(contentsOf: positions)
                return true
            }
            if copied == nil {
                corrupt = true
                return 0
            }
        }
        switch shape {
        case .phrase(let offsets, let slop):
            return ProximityMatcher.phraseFrequency(lists, offsets: offsets, slop: slop)
        case .near(let groups, let lengths, let distance, let ordered):
            let operands = groups.enumerated().map { j, group in
                ProximityMatcher.spanOccurrences(group.map { lists[$0.cursor] }, offsets: group.map(\.offset), length: lengths[j])
            }
            return ProximityMatcher.nearMatches(operands, distance: distance, ordered: ordered).count
        }
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
        bm25.score(tf: Double(frequency), normalization: normalization[Int(norms[Int(doc)])], idf: idf)
    }
}
