/// Builds the term dictionary body (FORMAT.md §4): blocks of up to 32 front-coded entries in
/// key order, then a sparse index of each block's first key, then a fixed trailer. The blocks
/// stream to the file as they fill; only the sparse index (one key per 32) stays in memory.
package struct TermDictionaryWriter {
    /// Entries per block: small enough that a lookup scans little, large enough that front
    /// coding pays.
    package static let blockSize = 32

    private var body = ByteWriter()
    /// Body bytes already handed to the file.
    private var bodyFlushed = 0
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
            blockOffsets.append(UInt64(bodyFlushed + body.count))
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

    /// Moves the finished part of the body to `file` once it is large, to keep memory flat.
    package mutating func drainIfLarge(into file: ComponentFileWriter) throws {
        guard body.count >= 1 << 20 else { return }
        bodyFlushed += body.count
        try file.append(&body)
    }

    /// Appends the rest of the blocks, the index and the trailer to `file` (whose header and
    /// earlier drained blocks are already written).
    package mutating func finish(into file: ComponentFileWriter) throws {
        var out = ByteWriter()
        body.withUnsafeBytes { out.append(contentsOf: $0) }
        let indexStart = bodyFlushed + body.count
        for (block, offset) in blockOffsets.enumerated() {
            out.appendUInt64(offset)
            out.appendUInt64(firstKeyOffsets[block])
        }
        let keysStart = indexStart + blockOffsets.count * 16
        firstKeys.withUnsafeBytes { out.append(contentsOf: $0) }
        out.appendUInt64(UInt64(indexStart))
        out.appendUInt64(UInt64(keysStart))
        out.appendUInt32(UInt32(blockOffsets.count))
        out.appendUInt64(termCount)
        body.reset()
        try file.append(&out)
    }
}
