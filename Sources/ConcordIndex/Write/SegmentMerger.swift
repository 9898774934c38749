import ConcordText

/// Merges segments into one without holding it in memory: stored records are copied as raw
/// bytes, then the sources' dictionaries are merged in key order and each term's live
/// postings (doc ids remapped) are re-encoded and streamed to disk. Memory is bounded by the
/// largest single term plus the dictionaries, not by the merged segment.
package enum SegmentMerger {
    /// Title length as the writer counts it: positions consumed, skipped over-long parts included.
    private static func titleLength(_ title: String, analyzer: inout Analyzer) -> Int {
        struct Discard: AnalyzedTokenSink {
            mutating func token(
                stem: UnsafeRawBufferPointer, surface: UnsafeRawBufferPointer, position: Int, start: Int, end: Int,
                isWhole: Bool
            ) {}
        }
        if title.isEmpty { return 0 }
        var sink = Discard()
        var copy = title
        return copy.withUTF8 { analyzer.analyze(UnsafeRawBufferPointer($0), firstPosition: 0, into: &sink) }
    }

    /// Writes the live documents of `sources` as segment `segmentId`; nil if none is live.
    /// `progress(done, total)` reports dictionary keys merged (called every 4,096 keys and at the end).
    package static func merge(
        _ sources: [SegmentReader], segmentId: UInt64, directory: String,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws
        -> SegmentSerializer.Summary?
    {
        var output = SegmentOutput(directory: directory, segmentId: segmentId)
        var docMaps: [[UInt32]] = []
        var storedOffsets: [UInt64] = [0]
        var bodyNorms: [UInt8] = []
        var titleNorms: [UInt8] = []
        var totalBody: UInt64 = 0
        var totalTitle: UInt64 = 0
        var numbers: [String: [Int64]] = [:]
        var titleAnalyzer = Analyzer(stemming: true)
        var storedBytes: UInt64 = 0
        var opened = false
        for source in sources {
            var map = [UInt32](repeating: UInt32.max, count: Int(source.documentCount))
            let fields = source.numericFields
            for doc in 0..<source.documentCount where !source.isDeleted(doc) {
                if !opened {
                    try output.open()
                    opened = true
                }
                let newDoc = UInt32(bodyNorms.count)
                map[Int(doc)] = newDoc
                let stored = try source.document(doc, includeText: false)
                totalBody += stored.paragraphs.reduce(UInt64(0)) { $0 + UInt64($1.endPosition &- $1.firstPosition) }
                totalTitle += UInt64(titleLength(stored.title, analyzer: &titleAnalyzer))
                bodyNorms.append(source.bodyNorm(doc))
                titleNorms.append(source.titleNorm(doc))
                for field in fields {
                    if let value = source.number(field, doc: doc) {
                        numbers[field, default: [Int64](repeating: Int64.min, count: Int(newDoc))].append(value)
                    }
                }
                for name in numbers.keys where numbers[name]!.count == Int(newDoc) { numbers[name]!.append(Int64.min) }
                let record = try source.storedRecord(doc)
                try output.stored.append(bytes: record.bytes)
                storedBytes += UInt64(record.bytes.count)
                storedOffsets.append(storedBytes)
            }
            docMaps.append(map)
        }
        if !opened { return nil }

        // One dictionary walk per source, stepped in key order: a key at a time per source, so
        // memory does not grow with the dictionaries.
        var walkers = sources.map { TermDictionary.Walker($0.terms) }
        var live = [Bool](repeating: false, count: sources.count)
        for s in walkers.indices { live[s] = try walkers[s].next() }
        let totalKeys = sources.reduce(0) { $0 + Int($1.terms.termCount) }
        var keysDone = 0
        var docs: [UInt32] = []
        var freqs: [UInt32] = []
        var starts: [UInt32] = []
        var positions: [UInt32] = []
        var identity: [UInt32] = []
        var key: [UInt8] = []
        var matching: [Int] = []
        while true {
            // The smallest key among the sources' current entries, and the sources holding it.
            matching.removeAll(keepingCapacity: true)
            for s in walkers.indices where live[s] {
                if matching.isEmpty {
                    matching.append(s)
                    continue
                }
                let order = walkers[s].key.withUnsafeBytes { candidate in
                    walkers[matching[0]].key.withUnsafeBytes { compareKeys(candidate, $0) }
                }
                if order < 0 { matching.removeAll(keepingCapacity: true) }
                if order <= 0 { matching.append(s) }
            }
            guard let first = matching.first else { break }
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: walkers[first].key)
            if keysDone & 4095 == 0 { progress(keysDone, totalKeys) }
            let withPositions = key.first == TermField.body.rawValue
            docs.removeAll(keepingCapacity: true)
            freqs.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
            for s in matching {
                let info = walkers[s].info
                live[s] = try walkers[s].next()
                keysDone += 1
                let cursor = sources[s].cursor(info)
                let map = docMaps[s]
                while cursor.doc != PostingsCursor.terminated {
                    let newDoc = map[Int(cursor.doc)]
                    if newDoc != UInt32.max {
                        docs.append(newDoc)
                        freqs.append(cursor.freq)
                        starts.append(UInt32(truncatingIfNeeded: positions.count))
                        if withPositions {
                            let copied: Bool? = cursor.withPositions { values in
                                positions.append(contentsOf: values)
                                return true
                            }
                            if copied == nil { break }
                        }
                    }
                    cursor.advance()
                }
                if cursor.isCorrupt {
                    throw IndexCorruption(
                        file: IndexFileNames.segmentFile(sources[s].entry.id, .postings), offset: nil,
                        reason: "postings of a term are inconsistent (found while merging)")
                }
            }
            if docs.isEmpty { continue }
            while identity.count < docs.count { identity.append(UInt32(identity.count)) }
            try docs.withUnsafeBufferPointer { docs in
                try freqs.withUnsafeBufferPointer { freqs in
                    try starts.withUnsafeBufferPointer { starts in
                        try positions.withUnsafeBufferPointer { positions in
                            try bodyNorms.withUnsafeBufferPointer { body in
                                try titleNorms.withUnsafeBufferPointer { title in
                                    try identity.withUnsafeBufferPointer { identity in
                                        let placeholder = UnsafePointer<UInt32>(bitPattern: 4)!
                                        let log = PostingLog(
                                            docs: docs.baseAddress!, freqs: freqs.baseAddress!,
                                            positionStarts: starts.baseAddress!,
                                            positions: positions.baseAddress ?? placeholder,
                                            bodyNorms: body.baseAddress!,
                                            titleNorms: title.baseAddress!)
                                        try key.withUnsafeBytes { key in
                                            try output.addTerm(
                                                key: key,
                                                postings: UnsafeBufferPointer(rebasing: identity[0..<docs.count]),
                                                log: log)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        progress(totalKeys, totalKeys)
        return try output.finish(
            storedOffsets: storedOffsets, bodyNorms: bodyNorms, titleNorms: titleNorms, totalBodyLength: totalBody,
            totalTitleLength: totalTitle, numericColumns: numbers, deleted: [], documentCount: bodyNorms.count)
    }
}
