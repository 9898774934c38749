/// Iterates one term's postings in a segment, decoding straight from the mapped files
/// (FORMAT.md §5). The contract, as in tantivy's `DocSet`:
/// - `doc` is the current document, `PostingsCursor.terminated` once exhausted; a new cursor
///   is positioned on its first document.
/// - `advance()` moves to the next document; `seek(to:)` moves to the first document ≥ target,
///   where target must be ≥ `doc` (seeking past the end is legal and terminates).
/// - `shallowSeek(to:)` moves only the skip pointer, so `blockUpperBound` describes the block
///   that would hold `target`, without decoding it (for block-max pruning).
/// - Corrupt bytes never trap: the cursor terminates and sets `isCorrupt`; callers check it.
public final class PostingsCursor {
    /// The `doc` value of an exhausted cursor.
    public static let terminated = UInt32.max

    private let postings: UnsafeRawBufferPointer
    private let positionsFile: UnsafeRawBufferPointer
    /// The term's dictionary entry.
    public let info: TermInfo
    private let documentCount: UInt32
    private let fullBlocks: Int
    private let skipStart: Int

    // Skip pointer: the next block to decode, where its data starts, and the doc before it.
    private var nextBlock = 0
    private var nextDataOffset: Int
    private var nextBase: UInt32 = 0

    private let docs: UnsafeMutablePointer<UInt32>
    private let freqs: UnsafeMutablePointer<UInt32>
    private var bufferCount = 0
    private var bufferIndex = 0
    private var bufferPositionsOffset = 0
    private var positionsIndex = 0
    private var positionsOffset = 0
    private var positionBuffer: UnsafeMutablePointer<UInt32>
    private var positionCapacity = 64

    /// Current document, or `terminated`.
    public private(set) var doc: UInt32 = 0
    /// Whether inconsistent bytes were met (the cursor then terminated early).
    public private(set) var isCorrupt = false

    /// Creates a cursor over `info`'s postings; `documentCount` bounds valid doc ids.
    package init(
        postings: UnsafeRawBufferPointer, positions: UnsafeRawBufferPointer, info: TermInfo, documentCount: UInt32
    ) {
        self.postings = postings
        self.positionsFile = positions
        self.info = info
        self.documentCount = documentCount
        fullBlocks = Int(info.docFreq) / PostingsLayout.blockSize
        skipStart = Int(clamping: info.postingsOffset)
        nextDataOffset = skipStart &+ fullBlocks &* PostingsLayout.skipEntrySize
        docs = .allocate(capacity: PostingsLayout.blockSize)
        freqs = .allocate(capacity: PostingsLayout.blockSize)
        positionBuffer = .allocate(capacity: positionCapacity)
        if info.docFreq == 0 || skipStart > postings.count || nextDataOffset > postings.count {
            isCorrupt = info.docFreq != 0
            terminate()
        } else {
            loadNextBlock()
        }
    }

    deinit {
        docs.deallocate()
        freqs.deallocate()
        positionBuffer.deallocate()
    }

    /// Frequency of the term in the current document.
    @inline(__always)
    public var freq: UInt32 { freqs[bufferIndex] }

    /// Moves to the next document and returns it.
    @discardableResult
    public func advance() -> UInt32 {
        bufferIndex += 1
        if bufferIndex < bufferCount {
            doc = docs[bufferIndex]
        } else {
            loadNextBlock()
        }
        return doc
    }

    /// Moves to the first document ≥ `target` and returns it.
    @discardableResult
    public func seek(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        if docs[bufferCount - 1] < target {
            skipBlocks(before: target)
            loadNextBlock()
            if doc >= target { return doc }
        }
        // The target lies within the decoded block: scan forward.
        var i = bufferIndex + 1
        while i < bufferCount && docs[i] < target { i += 1 }
        if i < bufferCount {
            bufferIndex = i
            doc = docs[i]
            return doc
        }
        bufferIndex = bufferCount - 1
        return advance()
    }

    /// Moves the skip pointer so that the block holding `target` is the next to decode (or the
    /// current one), without decoding anything.
    public func shallowSeek(to target: UInt32) {
        if bufferCount > 0 && docs[bufferCount - 1] >= target { return }
        skipBlocks(before: target)
    }

    /// Upper-bound data of the block `shallowSeek` last reached: its last doc, the largest
    /// frequency and the smallest norm code in it (the tail block reports the term's bounds).
    public var blockUpperBound: (lastDoc: UInt32, maxFreq: UInt32, minNorm: UInt8) {
        if bufferCount > 0 && doc != Self.terminated && nextBlockIsAfterBuffer {
            return currentBlockBound
        }
        return pendingBlockBound
    }

    private var nextBlockIsAfterBuffer = true
    private var currentBlockBound: (lastDoc: UInt32, maxFreq: UInt32, minNorm: UInt8) = (0, 0, 0)

    private var pendingBlockBound: (lastDoc: UInt32, maxFreq: UInt32, minNorm: UInt8) {
        if nextBlock < fullBlocks {
            let entry = skipStart + nextBlock * PostingsLayout.skipEntrySize
            let lastDoc = postings.loadUnaligned(fromByteOffset: entry, as: UInt32.self)
            let maxFreq = postings.loadUnaligned(fromByteOffset: entry + 8, as: UInt32.self)
            let minNorm = postings.load(fromByteOffset: entry + 14, as: UInt8.self)
            return (lastDoc, maxFreq, minNorm)
        }
        if nextBlock == fullBlocks { return (Self.terminated - 1, info.maxFreq, info.minNorm) }
        return (Self.terminated, 0, 255)
    }

    private func skipBlocks(before target: UInt32) {
        while nextBlock < fullBlocks {
            let entry = skipStart + nextBlock * PostingsLayout.skipEntrySize
            let lastDoc = postings.loadUnaligned(fromByteOffset: entry, as: UInt32.self)
            if lastDoc >= target { break }
            let docBits = Int(postings.load(fromByteOffset: entry + 12, as: UInt8.self))
            let freqBits = Int(postings.load(fromByteOffset: entry + 13, as: UInt8.self))
            nextDataOffset &+= 16 &* (docBits &+ freqBits)
            nextBase = lastDoc
            nextBlock += 1
        }
        nextBlockIsAfterBuffer = false
    }

    private func fail() {
        isCorrupt = true
        terminate()
    }

    private func terminate() {
        doc = Self.terminated
        bufferCount = 1
        bufferIndex = 0
        docs[0] = Self.terminated
        freqs[0] = 0
        nextBlock = fullBlocks + 1
    }

    private func loadNextBlock() {
        nextBlockIsAfterBuffer = true
        if nextBlock < fullBlocks {
            let entry = skipStart + nextBlock * PostingsLayout.skipEntrySize
            let lastDoc = postings.loadUnaligned(fromByteOffset: entry, as: UInt32.self)
            let positionsRelative = postings.loadUnaligned(fromByteOffset: entry + 4, as: UInt32.self)
            let maxFreq = postings.loadUnaligned(fromByteOffset: entry + 8, as: UInt32.self)
            let docBits = Int(postings.load(fromByteOffset: entry + 12, as: UInt8.self))
            let freqBits = Int(postings.load(fromByteOffset: entry + 13, as: UInt8.self))
            let minNorm = postings.load(fromByteOffset: entry + 14, as: UInt8.self)
            let size = 16 &* (docBits &+ freqBits)
            guard docBits <= 32, freqBits <= 32, nextDataOffset >= 0, nextDataOffset + size <= postings.count,
                lastDoc < documentCount
            else { return fail() }
            let data = postings.baseAddress! + nextDataOffset
            BitPacking.unpackDeltas(data, bitWidth: docBits, base: nextBase, into: docs)
            BitPacking.unpack(data + 16 * docBits, bitWidth: freqBits, into: freqs)
            // A block must increase strictly from the previous block and end at its skip entry.
            var previous = nextBase
            var valid = docs[PostingsLayout.blockSize - 1] == lastDoc && (nextBlock == 0 || docs[0] > nextBase)
            for i in 0..<PostingsLayout.blockSize {
                freqs[i] &+= 1
                let value = docs[i]
                valid = valid && (i == 0 || value > previous)
                previous = value
            }
            guard valid else { return fail() }
            currentBlockBound = (lastDoc, maxFreq, minNorm)
            bufferCount = PostingsLayout.blockSize
            bufferPositionsOffset = Int(clamping: info.positionsOffset) &+ Int(positionsRelative)
            nextDataOffset += size
            nextBase = lastDoc
            nextBlock += 1
        } else if nextBlock == fullBlocks {
            let count = Int(info.docFreq) - fullBlocks * PostingsLayout.blockSize
            if count == 0 { return terminate() }
            var offset = nextDataOffset
            var previous = nextBase
            for i in 0..<count {
                guard let code = readVarInt(postings, &offset) else { return fail() }
                var freq: UInt64 = 1
                if code & 1 == 0 {
                    guard let value = readVarInt(postings, &offset), value >= 1, value <= UInt64(UInt32.max) else {
                        return fail()
                    }
                    freq = value
                }
                let delta = code >> 1
                let value = UInt64(previous) + delta
                guard value < UInt64(documentCount), i == 0 && nextBlock == 0 || delta > 0 else { return fail() }
                previous = UInt32(value)
                docs[i] = previous
                freqs[i] = UInt32(freq)
            }
            currentBlockBound = (Self.terminated - 1, info.maxFreq, info.minNorm)
            bufferCount = count
            bufferPositionsOffset = Int(clamping: fullBlocks > 0 ? info.tailPositionsOffset : info.positionsOffset)
            nextBlock += 1
        } else {
            return terminate()
        }
        bufferIndex = 0
        positionsIndex = 0
        positionsOffset = bufferPositionsOffset
        doc = docs[0]
    }

    /// Decodes the positions of the current document (body terms only) and passes them to
    /// `body`; `freq` values, strictly increasing. Returns nil (and marks the cursor corrupt)
    /// if the positions bytes are inconsistent.
    public func withPositions<R>(_ body: (UnsafeBufferPointer<UInt32>) -> R) -> R? {
        if positionsIndex > bufferIndex {
            positionsIndex = 0
            positionsOffset = bufferPositionsOffset
        }
        // Skip the positions of earlier documents of the block: count varint terminators.
        while positionsIndex < bufferIndex {
            var remaining = Int(freqs[positionsIndex])
            while remaining > 0 {
                guard positionsOffset < positionsFile.count else {
                    fail()
                    return nil
                }
                if positionsFile[positionsOffset] < 0x80 { remaining -= 1 }
                positionsOffset += 1
            }
            positionsIndex += 1
        }
        let count = Int(freqs[bufferIndex])
        if count > positionCapacity {
            positionBuffer.deallocate()
            positionCapacity = max(count, positionCapacity * 2)
            positionBuffer = .allocate(capacity: positionCapacity)
        }
        var offset = positionsOffset
        var position: UInt64 = 0
        for i in 0..<count {
            guard let delta = readVarInt(positionsFile, &offset) else {
                fail()
                return nil
            }
            position += delta
            guard position <= UInt64(UInt32.max), i == 0 || delta > 0 else {
                fail()
                return nil
            }
            positionBuffer[i] = UInt32(position)
        }
        positionsOffset = offset
        positionsIndex = bufferIndex + 1
        return body(UnsafeBufferPointer(start: positionBuffer, count: count))
    }
}

/// Reads one LEB128 varint at `offset` (advancing it); nil if it runs past the end or is too long.
@inline(__always)
package func readVarInt(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64? {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while offset < bytes.count {
        let byte = bytes[offset]
        offset += 1
        result |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return result }
        shift += 7
        if shift > 63 { return nil }
    }
    return nil
}
