import ConcordText

/// Verifies an index the way Lucene's CheckIndex and FTS5's integrity check do: every file's
/// header, footer and CRC; term order; postings order, range and frequencies; positions;
/// norms and stored documents; and, in deep mode, an order-independent checksum over
/// (term, doc, position) recomputed by re-analyzing the stored text.
public struct IndexChecker {
    /// Result of one segment.
    public struct SegmentReport: Sendable {
        /// Segment id.
        public var id: UInt64
        /// Documents (deleted included).
        public var documents: Int
        /// Terms checked.
        public var terms: Int
        /// Postings checked.
        public var postings: Int
        /// Problems found (empty when healthy).
        public var problems: [String]
    }

    /// Result of a whole check.
    public struct Report: Sendable {
        /// Commit generation checked.
        public var generation: UInt64
        /// Per-segment results.
        public var segments: [SegmentReport]
        /// Problems outside any segment (manifest, unreadable files).
        public var problems: [String]
        /// Whether nothing was wrong.
        public var isHealthy: Bool { problems.isEmpty && segments.allSatisfy { $0.problems.isEmpty } }
    }

    /// Checks the index in `directory`; `deep` also re-analyzes stored text.
    /// `progress` is called after each segment with the documents checked so far and in all.
    public static func check(
        directory: String, deep: Bool, progress: (_ documents: Int, _ total: Int) -> Void = { _, _ in }
    ) -> Report {
        let manifest: Manifest
        do {
            manifest = try Manifest.read(directory: directory)
        } catch {
            return Report(generation: 0, segments: [], problems: ["\(error)"])
        }
        var reports: [SegmentReport] = []
        let total = manifest.segments.reduce(0) { $0 + Int($1.documentCount) }
        var done = 0
        for entry in manifest.segments {
            reports.append(checkSegment(directory: directory, entry: entry, deep: deep))
            done += Int(entry.documentCount)
            progress(done, total)
        }
        return Report(generation: manifest.generation, segments: reports, problems: [])
    }

    private static func checkSegment(directory: String, entry: Manifest.Segment, deep: Bool) -> SegmentReport {
        var report = SegmentReport(
            id: entry.id, documents: Int(entry.documentCount), terms: 0, postings: 0, problems: [])
        let segment: SegmentReader
        do {
            segment = try SegmentReader(directory: directory, entry: entry, verifyChecksums: true)
        } catch {
            report.problems.append("\(error)")
            return report
        }
        let postingsName = IndexFileNames.segmentFile(entry.id, .postings)
        // Which documents stored their text (a merge can mix segments built with and without):
        // only those take part in the deep checksum.
        var hasText = [Bool](repeating: false, count: Int(segment.documentCount))
        if deep {
            for doc in 0..<segment.documentCount {
                hasText[Int(doc)] = (try? segment.document(doc, includeText: false).hasText) ?? false
            }
        }
        var indexChecksum: UInt64 = 0
        var previousKey: [UInt8]? = nil
        var totalBody: UInt64 = 0
        do {
            try segment.terms.forEach(withPrefix: UnsafeRawBufferPointer(start: nil, count: 0)) { key, info in
                report.terms += 1
                let current = Array(key)
                if let previousKey, !previousKey.lexicographicallyPrecedes(current) {
                    report.problems.append("\(IndexFileNames.segmentFile(entry.id, .terms)): terms out of order")
                }
                previousKey = current
                let withPositions = key.first == 0
                let cursor = segment.cursor(info)
                var count: UInt32 = 0
                var total: UInt64 = 0
                var maxFreq: UInt32 = 0
                while cursor.doc != PostingsCursor.terminated {
                    count += 1
                    let freq = cursor.freq
                    total += UInt64(freq)
                    maxFreq = max(maxFreq, freq)
                    if withPositions {
                        let doc = cursor.doc
                        let ok = cursor.withPositions { positions in
                            if hasText[Int(doc)] {
                                for position in positions {
                                    indexChecksum ^= entryChecksum(key: current, doc: doc, position: position)
                                }
                            }
                            return positions.count == Int(freq)
                        }
                        if ok != true {
                            report.problems.append(
                                "\(IndexFileNames.segmentFile(entry.id, .positions)): positions of a term are inconsistent"
                            )
                            break
                        }
                    } else if key.first == 1 && hasText[Int(cursor.doc)] {
                        indexChecksum ^= entryChecksum(key: current, doc: cursor.doc, position: UInt32.max - freq)
                    }
                    cursor.advance()
                }
                if cursor.isCorrupt {
                    report.problems.append("\(postingsName): postings of a term are inconsistent")
                } else if count != info.docFreq || total != info.totalFreq || maxFreq != info.maxFreq {
                    report.problems.append("\(postingsName): a term's statistics disagree with its postings")
                }
                report.postings += Int(count)
                return report.problems.count < 20
            }
        } catch {
            report.problems.append("\(error)")
        }
        var storedChecksum: UInt64 = 0
        var analyzer = Analyzer(stemming: true)
        for doc in 0..<segment.documentCount {
            do {
                let stored = try segment.document(doc, includeText: deep)
                totalBody += stored.paragraphs.reduce(0) { $0 + UInt64($1.endPosition &- $1.firstPosition) }
                if deep && stored.hasText {
                    for paragraph in stored.paragraphs {
                        for token in analyzer.tokens(paragraph.text, firstPosition: Int(paragraph.firstPosition)) {
                            let key = [UInt8(0)] + Array(token.stem.utf8)
                            storedChecksum ^= entryChecksum(key: key, doc: doc, position: UInt32(token.position))
                        }
                    }
                    var exact: [String: UInt32] = [:]
                    for paragraph in stored.paragraphs {
                        for token in analyzer.tokens(paragraph.text) { exact[token.surface, default: 0] += 1 }
                    }
                    for (surface, freq) in exact {
                        storedChecksum ^= entryChecksum(
                            key: [1] + Array(surface.utf8), doc: doc, position: UInt32.max - freq)
                    }
                }
            } catch {
                report.problems.append("\(error)")
                break
            }
        }
        if totalBody != entry.totalBodyLength {
            report.problems.append(
                "\(IndexFileNames.segmentFile(entry.id, .stored)): paragraph lengths disagree with the manifest")
        }
        if deep && storedChecksum != indexChecksum && report.problems.isEmpty {
            report.problems.append(
                "\(postingsName): postings differ from the re-analyzed stored text (checksum mismatch)")
        }
        return report
    }

    /// FNV-1a over (key, doc, position), mixed; XOR-combined so order does not matter.
    private static func entryChecksum(key: [UInt8], doc: UInt32, position: UInt32) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ UInt64(doc)) &* 0x100_0000_01b3
        hash = (hash ^ UInt64(position)) &* 0x100_0000_01b3
        hash ^= hash >> 29
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        return hash ^ (hash >> 32)
    }
}
