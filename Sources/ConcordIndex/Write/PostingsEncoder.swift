/// The posting log of a segment buffer as raw pointers, valid during serialization (no
/// array retains or bounds checks per posting).
package struct PostingLog {
    package var docs: UnsafePointer<UInt32>
    package var freqs: UnsafePointer<UInt32>
    package var positionStarts: UnsafePointer<UInt32>
    package var positions: UnsafePointer<UInt32>
    package var bodyNorms: UnsafePointer<UInt8>
    package var titleNorms: UnsafePointer<UInt8>
}

/// Encodes one term's postings and positions (FORMAT.md §5): a skip entry per full block of
/// 128 documents, the bit-packed blocks (doc deltas, then frequencies minus one), a varint
/// tail, and the positions as a stream of PFOR chunks of 128 per-document deltas.
package struct PostingsEncoder {
    private var docs = [UInt32](repeating: 0, count: PostingsLayout.blockSize)
    private var freqs = [UInt32](repeating: 0, count: PostingsLayout.blockSize)
    private var packed = [UInt8](repeating: 0, count: 16 * 33)
    private var blocks = ByteWriter()
    private var skips = ByteWriter()
    /// Position values waiting for a full chunk of 128.
    private var chunk = [UInt32](repeating: 0, count: PostingsLayout.blockSize)
    private var chunkCount = 0

    /// Creates an encoder (reusable across terms).
    package init() {}

    /// Encodes the postings at `indices` of `buffer`'s log (ascending docs).
    package mutating func encode(
        postings indices: UnsafeBufferPointer<UInt32>, log: PostingLog, withPositions: Bool, isTitle: Bool,
        postingsOut: inout ByteWriter, positionsOut: inout ByteWriter, postingsFlushed: Int = 0,
        positionsFlushed: Int = 0
    ) -> TermInfo {
        // Offsets are absolute in the files: bytes already flushed plus what the writers hold.
        let termStart = UInt64(postingsFlushed + postingsOut.count)
        let positionsStart = UInt64(positionsFlushed + positionsOut.count)
        let norms = isTitle ? log.titleNorms : log.bodyNorms
        var totalFreq: UInt64 = 0
        var maxFreq: UInt32 = 0
        var minNorm: UInt8 = 255
        blocks.reset()
        skips.reset()
        chunkCount = 0

        let count = indices.count
        let fullBlocks = count / PostingsLayout.blockSize
        var previousDoc: UInt32 = 0
        var cursor = indices.startIndex
        for _ in 0..<fullBlocks {
            var blockMaxFreq: UInt32 = 0
            var blockMinNorm: UInt8 = 255
            // Where this block's first position lies: the chunk being filled, and the index in it.
            let blockPositions = UInt64(positionsFlushed + positionsOut.count) - positionsStart
            let blockChunkIndex = UInt8(chunkCount)
            for i in 0..<PostingsLayout.blockSize {
                let posting = Int(indices[cursor])
                cursor += 1
                let doc = log.docs[posting]
                let freq = log.freqs[posting]
                docs[i] = doc
                freqs[i] = freq - 1
                blockMaxFreq = max(blockMaxFreq, freq)
                blockMinNorm = min(blockMinNorm, norms[Int(doc)])
                totalFreq += UInt64(freq)
                if withPositions { appendPositions(posting, log: log, to: &positionsOut) }
            }
            let docBits = docs.withUnsafeBufferPointer {
                BitPacking.deltaBitWidth(of: $0.baseAddress!, base: previousDoc)
            }
            let freqBits = freqs.withUnsafeBufferPointer {
                BitPacking.bitWidth(of: $0.baseAddress!, count: PostingsLayout.blockSize)
            }
            appendPacked(deltasFrom: previousDoc, docBits: docBits)
            appendPacked(freqBits: freqBits)
            skips.appendUInt32(docs[PostingsLayout.blockSize - 1])
            skips.appendUInt32(UInt32(truncatingIfNeeded: blockPositions))
            skips.appendUInt32(blockMaxFreq)
            skips.appendUInt8(UInt8(docBits))
            skips.appendUInt8(UInt8(freqBits))
            skips.appendUInt8(blockMinNorm)
            skips.appendUInt8(withPositions ? blockChunkIndex : 0)
            previousDoc = docs[PostingsLayout.blockSize - 1]
            maxFreq = max(maxFreq, blockMaxFreq)
            minNorm = min(minNorm, blockMinNorm)
        }
        let tailPositions = UInt64(positionsFlushed + positionsOut.count)
        let tailChunkIndex = UInt8(chunkCount)
        while cursor < indices.endIndex {
            let posting = Int(indices[cursor])
            cursor += 1
            let doc = log.docs[posting]
            let freq = log.freqs[posting]
            let delta = UInt64(doc - previousDoc)
            if freq == 1 {
                blocks.appendVarUInt64(delta << 1 | 1)
            } else {
                blocks.appendVarUInt64(delta << 1)
                blocks.appendVarUInt64(UInt64(freq))
            }
            previousDoc = doc
            totalFreq += UInt64(freq)
            maxFreq = max(maxFreq, freq)
            minNorm = min(minNorm, norms[Int(doc)])
            if withPositions { appendPositions(posting, log: log, to: &positionsOut) }
        }
        if withPositions { finishPositions(to: &positionsOut) }
        skips.withUnsafeBytes { postingsOut.append(contentsOf: $0) }
        blocks.withUnsafeBytes { postingsOut.append(contentsOf: $0) }
        return TermInfo(
            docFreq: UInt32(count), totalFreq: totalFreq, postingsOffset: termStart,
            positionsOffset: withPositions ? positionsStart : 0,
            tailPositionsOffset: withPositions ? tailPositions : 0,
            tailPositionsIndex: withPositions ? tailChunkIndex : 0,
            maxFreq: maxFreq, minNorm: minNorm)
    }

    /// Appends a document's positions (first absolute, then deltas) to the term's chunk stream:
    /// full chunks of 128 values are bit-packed behind a width byte (FORMAT.md §5).
    private mutating func appendPositions(_ posting: Int, log: PostingLog, to out: inout ByteWriter) {
        let start = Int(log.positionStarts[posting])
        let freq = Int(log.freqs[posting])
        var previous: UInt32 = 0
        for i in start..<(start + freq) {
            let position = log.positions[i]
            chunk[chunkCount] = position - previous
            chunkCount += 1
            previous = position
            if chunkCount == PostingsLayout.blockSize { flushChunk(to: &out) }
        }
    }

    /// Writes a full chunk as patched frame-of-reference (PFOR): the width that minimises the
    /// size, low bits of every value bit-packed, and the few larger values' high bits as
    /// exceptions (FORMAT.md §5). Header: width u8, exception count u8, exception bytes u16.
    private mutating func flushChunk(to out: inout ByteWriter) {
        var lengthCounts = [Int](repeating: 0, count: 33)
        for i in 0..<PostingsLayout.blockSize {
            let value = chunk[i]
            lengthCounts[value == 0 ? 0 : 32 - value.leadingZeroBitCount] += 1
        }
        var bestWidth = 32
        var bestCost = Int.max
        for width in 0...32 {
            var exceptions = 0
            var exceptionBytes = 0
            for length in (width + 1)..<33 where lengthCounts[length] > 0 {
                exceptions += lengthCounts[length]
                exceptionBytes += lengthCounts[length] * (1 + (length - width + 6) / 7)
            }
            if exceptions > PostingsLayout.maxChunkExceptions { continue }
            let cost = 16 * width + exceptionBytes
            if cost < bestCost {
                bestCost = cost
                bestWidth = width
            }
        }
        let width = bestWidth
        let mask: UInt32 = width == 32 ? UInt32.max : (1 << UInt32(width)) &- 1
        var exceptions = ByteWriter()
        var exceptionCount = 0
        var low = chunk
        for i in 0..<PostingsLayout.blockSize where width < 32 && chunk[i] > mask {
            exceptions.appendUInt8(UInt8(i))
            exceptions.appendVarUInt64(UInt64(chunk[i] >> UInt32(width)))
            low[i] = chunk[i] & mask
            exceptionCount += 1
        }
        out.appendUInt8(UInt8(width))
        out.appendUInt8(UInt8(exceptionCount))
        out.appendUInt16(UInt16(exceptions.count))
        let size = BitPacking.packedByteCount(bitWidth: width)
        low.withUnsafeBufferPointer { values in
            packed.withUnsafeMutableBytes { bytes in
                BitPacking.pack(values.baseAddress!, bitWidth: width, into: bytes.baseAddress!)
            }
        }
        packed.withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<size])) }
        exceptions.withUnsafeBytes { out.append(contentsOf: $0) }
        chunkCount = 0
    }

    /// The last, partial chunk: marker 0xFF, its value count, then varints.
    private mutating func finishPositions(to out: inout ByteWriter) {
        guard chunkCount > 0 else { return }
        out.appendUInt8(PostingsLayout.varintChunkMarker)
        out.appendUInt8(UInt8(chunkCount))
        for i in 0..<chunkCount { out.appendVarUInt64(UInt64(chunk[i])) }
        chunkCount = 0
    }

    private mutating func appendPacked(deltasFrom base: UInt32, docBits: Int) {
        let size = BitPacking.packedByteCount(bitWidth: docBits)
        docs.withUnsafeBufferPointer { values in
            packed.withUnsafeMutableBytes { out in
                BitPacking.packDeltas(values.baseAddress!, base: base, bitWidth: docBits, into: out.baseAddress!)
            }
        }
        packed.withUnsafeBytes { blocks.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<size])) }
    }

    private mutating func appendPacked(freqBits: Int) {
        let size = BitPacking.packedByteCount(bitWidth: freqBits)
        freqs.withUnsafeBufferPointer { values in
            packed.withUnsafeMutableBytes { out in
                BitPacking.pack(values.baseAddress!, bitWidth: freqBits, into: out.baseAddress!)
            }
        }
        packed.withUnsafeBytes { blocks.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<size])) }
    }
}
