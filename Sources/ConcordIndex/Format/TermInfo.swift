/// What the dictionary records about one term (FORMAT.md §4): where its postings and
/// positions start and the statistics that scoring and pruning need.
public struct TermInfo: Sendable, Equatable {
    /// Documents containing the term (deleted ones included until a merge drops them).
    public var docFreq: UInt32
    /// Sum of the term's frequencies over those documents.
    public var totalFreq: UInt64
    /// Absolute offset of the term's data in the postings file.
    public var postingsOffset: UInt64
    /// Absolute offset of the term's positions in the positions file (body terms only).
    public var positionsOffset: UInt64
    /// Absolute offset of the positions of the term's varint tail (when docFreq ≥ 128).
    public var tailPositionsOffset: UInt64
    /// Largest frequency of the term in any document.
    public var maxFreq: UInt32
    /// Smallest norm code among documents containing it (with `maxFreq`, an upper bound of its BM25 score).
    public var minNorm: UInt8

    /// Creates a term info.
    public init(
        docFreq: UInt32, totalFreq: UInt64, postingsOffset: UInt64, positionsOffset: UInt64,
        tailPositionsOffset: UInt64, maxFreq: UInt32, minNorm: UInt8
    ) {
        self.docFreq = docFreq
        self.totalFreq = totalFreq
        self.postingsOffset = postingsOffset
        self.positionsOffset = positionsOffset
        self.tailPositionsOffset = tailPositionsOffset
        self.maxFreq = maxFreq
        self.minNorm = minNorm
    }
}

/// Layout constants of the postings file (FORMAT.md §5).
package enum PostingsLayout {
    /// Documents per bit-packed block.
    package static let blockSize = 128
    /// Bytes of one skip entry.
    package static let skipEntrySize = 16
}
