/// Builds the term dictionary body (FORMAT.md §4): blocks of up to 32 front-coded entries in
/// key order, then a sparse index of each block's first key, then a fixed trailer.
package struct TermDictionaryWriter {
    /// Entries per block: small enough that a lookup scans little, large enough that front
    /// coding pays.
    package static let blockSize = 32

    private var body = ByteWriter()
    private var blockOffsets: [UInt64] = []
    private var firstKeys = ByteWriter()
    private var firstKeyOffsets: [UInt64] = []
    private var previousKey: [UInt8] = []
    private var inBlock = 0
    private var previousInfo: TermInfo?
    private var termCount: UInt64 = 0

    /// Creates an empty dictionary.
    package init() {}

    /// Adds the next key (keys must come in strictly increasing byte order).
    package mutating func add(key: UnsafeRawBufferPointer, info: TermInfo) {
        if inBlock == Self.blockSize || blockOffsets.isEmpty {
            blockOffsets.append(UInt64(body.count))
            firstKeyOffsets.append(UInt64(firstKeys.count))
            firstKeys.appendVarUInt64(UInt64(key.count))
            firstKeys.append(contentsOf: key)
            inBlock = 0
            previousKey.removeAll(keepingCapacity: true)
            previousInfo = nil
        }
        var prefix = 0
        let limit = min(previousKey.count, key.count)
        while prefix < limit && previousKey[prefix] == key[prefix] { prefix += 1 }
        body.appendVarUInt64(UInt64(prefix))
        body.appendVarUInt64(UInt64(key.count - prefix))
        body.append(contentsOf: UnsafeRawBufferPointer(rebasing: key[prefix...]))
        body.appendVarUInt64(UInt64(info.docFreq))
        body.appendVarUInt64(info.totalFreq)
        body.appendVarUInt64(info.postingsOffset - (previousInfo?.postingsOffset ?? 0))
        body.appendVarUInt64(info.positionsOffset &- (previousInfo?.positionsOffset ?? 0))
        body.appendVarUInt64(UInt64(info.maxFreq))
        body.appendUInt8(info.minNorm)
        if info.docFreq >= UInt32(PostingsLayout.blockSize) {
            // Chunk offset relative to the term's positions, and the index within the chunk.
            body.appendVarUInt64(
                (info.tailPositionsOffset &- info.positionsOffset) << 7 | UInt64(info.tailPositionsIndex & 127))
        }
        previousKey.removeAll(keepingCapacity: true)
        previousKey.append(contentsOf: key)
        previousInfo = info
        inBlock += 1
        termCount += 1
    }

    /// Appends blocks, index and trailer to `out` (whose header is already written).
    package func finish(into out: inout ByteWriter) {
        let bodyStart = out.count
        body.withUnsafeBytes { out.append(contentsOf: $0) }
        let indexStart = out.count - bodyStart
        for (block, offset) in blockOffsets.enumerated() {
            out.appendUInt64(offset)
            out.appendUInt64(firstKeyOffsets[block])
        }
        let keysStart = out.count - bodyStart
        firstKeys.withUnsafeBytes { out.append(contentsOf: $0) }
        out.appendUInt64(UInt64(indexStart))
        out.appendUInt64(UInt64(keysStart))
        out.appendUInt32(UInt32(blockOffsets.count))
        out.appendUInt64(termCount)
    }
}
