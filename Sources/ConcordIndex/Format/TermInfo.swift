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
    /// Absolute offset of the positions chunk holding the first position of the term's
    /// varint doc tail (when docFreq ≥ 128), and the index of that position in the chunk.
    public var tailPositionsOffset: UInt64
    /// Index within the chunk at `tailPositionsOffset` (0...127).
    public var tailPositionsIndex: UInt8
    /// Largest frequency of the term in any document.
    public var maxFreq: UInt32
    /// Smallest norm code among documents containing it (with `maxFreq`, an upper bound of its BM25 score).
    public var minNorm: UInt8

    /// Creates a term info.
    public init(
        docFreq: UInt32, totalFreq: UInt64, postingsOffset: UInt64, positionsOffset: UInt64,
        tailPositionsOffset: UInt64, tailPositionsIndex: UInt8 = 0, maxFreq: UInt32, minNorm: UInt8
    ) {
        self.docFreq = docFreq
        self.totalFreq = totalFreq
        self.postingsOffset = postingsOffset
        self.positionsOffset = positionsOffset
        self.tailPositionsOffset = tailPositionsOffset
        self.tailPositionsIndex = tailPositionsIndex
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
    /// First byte of the final, varint-coded positions chunk (bit widths are 0...32).
    package static let varintChunkMarker: UInt8 = 0xFF
    /// Header bytes of a full positions chunk: width, exception count, exception bytes (u16).
    package static let chunkHeaderSize = 4
    /// Most exceptions a PFOR positions chunk may carry.
    package static let maxChunkExceptions = 32
}
