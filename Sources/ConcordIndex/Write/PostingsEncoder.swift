/// Encodes one term's postings and positions (FORMAT.md §5): a skip entry per full block of
/// 128 documents, the bit-packed blocks (doc deltas, then frequencies minus one), a varint
/// tail, and the positions as per-document delta varints.
package struct PostingsEncoder {
    private var docs = [UInt32](repeating: 0, count: PostingsLayout.blockSize)
    private var freqs = [UInt32](repeating: 0, count: PostingsLayout.blockSize)
    private var packed = [UInt8](repeating: 0, count: 16 * 33)
    private var blocks = ByteWriter()
    private var skips = ByteWriter()

    /// Creates an encoder (reusable across terms).
    package init() {}

    /// Encodes the postings at `indices` of `buffer`'s log (ascending docs).
    package mutating func encode(
        postings indices: ArraySlice<UInt32>, buffer: SegmentBuffer, withPositions: Bool, postingsOut: inout ByteWriter,
        positionsOut: inout ByteWriter, postingsBase: Int, positionsBase: Int
    ) -> TermInfo {
        let termStart = UInt64(postingsOut.count)
        let positionsStart = UInt64(positionsOut.count)
        let norms = normsFor(buffer: buffer, indices: indices)
        var totalFreq: UInt64 = 0
        var maxFreq: UInt32 = 0
        var minNorm: UInt8 = 255
        blocks.reset()
        skips.reset()

        let count = indices.count
        let fullBlocks = count / PostingsLayout.blockSize
        var previousDoc: UInt32 = 0
        var cursor = indices.startIndex
        for _ in 0..<fullBlocks {
            var blockMaxFreq: UInt32 = 0
            var blockMinNorm: UInt8 = 255
            let blockPositions = UInt64(positionsOut.count) - positionsStart
            for i in 0..<PostingsLayout.blockSize {
                let posting = Int(indices[cursor])
                cursor += 1
                let doc = buffer.postingDoc[posting]
                let freq = buffer.postingFreq[posting]
                docs[i] = doc
                freqs[i] = freq - 1
                blockMaxFreq = max(blockMaxFreq, freq)
                blockMinNorm = min(blockMinNorm, norms[Int(doc)])
                totalFreq += UInt64(freq)
                if withPositions { appendPositions(posting, buffer: buffer, to: &positionsOut) }
            }
            let docBits = docs.withUnsafeBufferPointer { BitPacking.deltaBitWidth(of: $0.baseAddress!, base: previousDoc) }
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
            skips.appendUInt8(0)
            previousDoc = docs[PostingsLayout.blockSize - 1]
            maxFreq = max(maxFreq, blockMaxFreq)
            minNorm = min(minNorm, blockMinNorm)
        }
        let tailPositions = UInt64(positionsOut.count)
        while cursor < indices.endIndex {
            let posting = Int(indices[cursor])
            cursor += 1
            let doc = buffer.postingDoc[posting]
            let freq = buffer.postingFreq[posting]
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
            if withPositions { appendPositions(posting, buffer: buffer, to: &positionsOut) }
        }
        skips.withUnsafeBytes { postingsOut.append(contentsOf: $0) }
        blocks.withUnsafeBytes { postingsOut.append(contentsOf: $0) }
        return TermInfo(
            docFreq: UInt32(count), totalFreq: totalFreq, postingsOffset: termStart,
            positionsOffset: withPositions ? positionsStart : 0,
            tailPositionsOffset: withPositions ? tailPositions : 0, maxFreq: maxFreq, minNorm: minNorm)
    }

    private func normsFor(buffer: SegmentBuffer, indices: ArraySlice<UInt32>) -> [UInt8] {
        guard let first = indices.first else { return buffer.bodyNorms }
        let isTitle = buffer.interner.withKey(buffer.postingTerm[Int(first)]) { $0.first == TermField.title.rawValue }
        return isTitle ? buffer.titleNorms : buffer.bodyNorms
    }

    private func appendPositions(_ posting: Int, buffer: SegmentBuffer, to out: inout ByteWriter) {
        let start = Int(buffer.postingPositionStart[posting])
        let freq = Int(buffer.postingFreq[posting])
        var previous: UInt32 = 0
        for i in start..<(start + freq) {
            let position = buffer.positions[i]
            out.appendVarUInt64(UInt64(position - previous))
            previous = position
        }
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
