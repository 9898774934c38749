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

    /// Mutable state lives behind a pointer: class stored properties would pay a dynamic
    /// exclusivity check on every access in the decode loop (measured: ~15% of a term query).
    @usableFromInline
    struct State {
        // Skip pointer: the next block to decode, where its data starts, and the doc before it.
        var nextBlock = 0
        var nextDataOffset = 0
        var nextBase: UInt32 = 0
        @usableFromInline var bufferCount = 0
        @usableFromInline var bufferIndex = 0
        // Positions: where the decoded block's first position is (chunk offset, index in chunk),
        // the doc whose positions the read pointer is at, and the pointer itself.
        var bufferPositionsOffset = 0
        var bufferPositionsChunkIndex = 0
        var positionsIndex = 0
        var positionsOffset = 0
        var positionsChunkIndex = 0
        var positionCapacity = 64
        // The chunk currently decoded into `chunkValues` (offset, value count, byte size).
        var decodedChunkOffset = -1
        var decodedChunkCount = 0
        var decodedChunkSize = 0
        @usableFromInline var doc: UInt32 = 0
        var isCorrupt = false
        /// Block `shallowSeek` reached, or -1 for the decoded block. Separate from the skip
        /// pointer so that `advance()` after a shallow seek still visits every document.
        var shallowBlock = -1
        var currentBlockBound: (lastDoc: UInt32, maxFreq: UInt32, minNorm: UInt8) = (0, 0, 0)
    }

    @usableFromInline let state: UnsafeMutablePointer<State>
    @usableFromInline let docs: UnsafeMutablePointer<UInt32>
    @usableFromInline let freqs: UnsafeMutablePointer<UInt32>
    private var positionBuffer: UnsafeMutablePointer<UInt32>
    private let chunkValues: UnsafeMutablePointer<UInt32>
    /// One allocation holds the state and every buffer (a prefix query opens hundreds of
    /// cursors; five allocations each were a tenth of its time): the state, docs, freqs, then,
    /// for a term with positions, chunk values and the initial position buffer.
    /// `positionBuffer` points into it until a document needs more than its initial capacity.
    private let storage: UnsafeMutableRawPointer
    /// Whether the term has positions (and `storage` room for decoding them).
    private let hasPositions: Bool

    /// Current document, or `terminated`.
    @inlinable
    public var doc: UInt32 { state.pointee.doc }
    /// Whether inconsistent bytes were met (the cursor then terminated early).
    public var isCorrupt: Bool { state.pointee.isCorrupt }

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
        // Buffers sized to the term: a term with fewer than 128 documents decodes at most that
        // many, and only a term with positions (a nonzero positions offset, FORMAT.md §4)
        // needs the chunk and position buffers. Most prefix expansions are rare exact forms.
        let capacity =
            info.docFreq >= UInt32(PostingsLayout.blockSize)
            ? PostingsLayout.blockSize : (max(Int(info.docFreq), 1) + 15) & ~15
        hasPositions = info.positionsOffset != 0
        let buffers = (MemoryLayout<State>.stride + 63) & ~63
        let positionsArea = hasPositions ? 4 * (PostingsLayout.blockSize + Self.initialPositionCapacity) : 0
        storage = .allocate(byteCount: buffers + 8 * capacity + positionsArea, alignment: 64)
        state = storage.bindMemory(to: State.self, capacity: 1)
        state.initialize(to: State())
        state.pointee.nextDataOffset = skipStart &+ fullBlocks &* PostingsLayout.skipEntrySize
        docs = (storage + buffers).bindMemory(to: UInt32.self, capacity: capacity)
        freqs = (storage + buffers + 4 * capacity).bindMemory(to: UInt32.self, capacity: capacity)
        // Without positions these point at the freqs and are never used (`decodePositions`
        // refuses such a term first).
        let positionsStart = storage + buffers + (hasPositions ? 8 * capacity : 4 * capacity)
        chunkValues = positionsStart.bindMemory(to: UInt32.self, capacity: PostingsLayout.blockSize)
        positionBuffer = (positionsStart + 4 * PostingsLayout.blockSize).bindMemory(
            to: UInt32.self, capacity: Self.initialPositionCapacity)
        if info.docFreq == 0 || skipStart > postings.count || state.pointee.nextDataOffset > postings.count {
            state.pointee.isCorrupt = info.docFreq != 0
            terminate()
        } else {
            loadNextBlock()
        }
    }

    deinit {
        if state.pointee.positionCapacity > Self.initialPositionCapacity { positionBuffer.deallocate() }
        state.deinitialize(count: 1)
        storage.deallocate()
    }

    /// Capacity of the position buffer inside `storage`.
    private static let initialPositionCapacity = 64

    /// Frequency of the term in the current document.
    @inlinable
    public var freq: UInt32 { freqs[state.pointee.bufferIndex] }

    /// Moves to the next document and returns it. Inlined into query loops; only the step to
    /// the next block is a call.
    @inlinable
    @discardableResult
    public func advance() -> UInt32 {
        let s = state
        let next = s.pointee.bufferIndex &+ 1
        if next < s.pointee.bufferCount {
            s.pointee.bufferIndex = next
            let doc = docs[next]
            s.pointee.doc = doc
            return doc
        }
        return advanceToNextBlock()
    }

    /// `advance()` past the decoded block.
    @usableFromInline
    func advanceToNextBlock() -> UInt32 {
        state.pointee.bufferIndex += 1
        loadNextBlock()
        return doc
    }

    /// Calls `body` with every document before `end` and its frequency, from the current one,
    /// then leaves the cursor on the first document ≥ `end` (or terminated). The block API for
    /// bulk loops: inside a decoded block it is a plain loop over the arrays, no call per posting.
    @inlinable
    public func forEachPosting(before end: UInt32, _ body: (_ doc: UInt32, _ freq: UInt32) -> Void) {
        let s = state
        while s.pointee.doc < end {
            let count = s.pointee.bufferCount
            var i = s.pointee.bufferIndex
            while i < count && docs[i] < end {
                body(docs[i], freqs[i])
                i += 1
            }
            if i < count {
                s.pointee.bufferIndex = i
                s.pointee.doc = docs[i]
                return
            }
            s.pointee.bufferIndex = count - 1
            advance()
        }
    }

    /// Moves to the first document ≥ `target` and returns it. Inlined into query loops: a
    /// leapfrogging target is usually among the next few documents of the decoded block, which
    /// the inlined part checks; anything further is `seekBeyond`'s.
    @inlinable
    @discardableResult
    public func seek(to target: UInt32) -> UInt32 {
        let s = state
        let current = s.pointee.doc
        if current >= target { return current }
        let count = s.pointee.bufferCount
        var i = s.pointee.bufferIndex &+ 1
        let linearEnd = min(i &+ 4, count)
        while i < linearEnd {
            let doc = docs[i]
            if doc >= target {
                s.pointee.bufferIndex = i
                s.pointee.doc = doc
                return doc
            }
            i &+= 1
        }
        return seekBeyond(target)
    }

    /// `seek(to:)` when the target is not among the next four documents of the decoded block.
    @usableFromInline
    func seekBeyond(_ target: UInt32) -> UInt32 {
        if docs[state.pointee.bufferCount - 1] < target {
            skipBlocks(before: target)
            loadNextBlock()
            if doc >= target { return doc }
        }
        // The target lies within the decoded block. Leapfrogging targets are usually a few
        // documents ahead: look at the next four, then gallop and binary search the last step.
        let s = state
        let count = s.pointee.bufferCount
        var i = s.pointee.bufferIndex + 1
        let linearEnd = min(i + 4, count)
        while i < linearEnd && docs[i] < target { i += 1 }
        if i == linearEnd && i < count && docs[i] < target {
            i = gallop(to: target, in: docs, from: i, count: count)
        }
        if i < count {
            s.pointee.bufferIndex = i
            s.pointee.doc = docs[i]
            return docs[i]
        }
        s.pointee.bufferIndex = count - 1
        return advance()
    }

    /// Moves the skip pointer so that the block holding `target` is the next to decode (or the
    /// current one), without decoding anything.
    public func shallowSeek(to target: UInt32) {
        let s = state
        if s.pointee.bufferCount > 0 && docs[s.pointee.bufferCount - 1] >= target && s.pointee.doc != Self.terminated {
            s.pointee.shallowBlock = -1
            return
        }
        var block = max(s.pointee.shallowBlock, s.pointee.nextBlock)
        while block < fullBlocks {
            let entry = skipStart + block * PostingsLayout.skipEntrySize
            if postings.loadUnaligned(fromByteOffset: entry, as: UInt32.self) >= target { break }
            block += 1
        }
        s.pointee.shallowBlock = block
    }

    /// Upper-bound data of the block `shallowSeek` last reached: its last doc, the largest
    /// frequency and the smallest norm code in it (the tail block reports the term's bounds).
    public var blockUpperBound: (lastDoc: UInt32, maxFreq: UInt32, minNorm: UInt8) {
        let block = state.pointee.shallowBlock
        if block < 0 { return state.pointee.currentBlockBound }
        if block < fullBlocks {
            let entry = skipStart + block * PostingsLayout.skipEntrySize
            let lastDoc = postings.loadUnaligned(fromByteOffset: entry, as: UInt32.self)
            let maxFreq = postings.loadUnaligned(fromByteOffset: entry + 8, as: UInt32.self)
            let minNorm = postings.load(fromByteOffset: entry + 14, as: UInt8.self)
            return (lastDoc, maxFreq, minNorm)
        }
        if block == fullBlocks && state.pointee.nextBlock <= fullBlocks {
            return (Self.terminated - 1, info.maxFreq, info.minNorm)
        }
        return (Self.terminated, 0, 255)
    }

    private func skipBlocks(before target: UInt32) {
        while state.pointee.nextBlock < fullBlocks {
            let entry = skipStart + state.pointee.nextBlock * PostingsLayout.skipEntrySize
            let lastDoc = postings.loadUnaligned(fromByteOffset: entry, as: UInt32.self)
            if lastDoc >= target { break }
            let docBits = Int(postings.load(fromByteOffset: entry + 12, as: UInt8.self))
            let freqBits = Int(postings.load(fromByteOffset: entry + 13, as: UInt8.self))
            state.pointee.nextDataOffset &+= 16 &* (docBits &+ freqBits)
            state.pointee.nextBase = lastDoc
            state.pointee.nextBlock += 1
        }
    }

    private func fail() {
        state.pointee.isCorrupt = true
        terminate()
    }

    private func terminate() {
        state.pointee.doc = Self.terminated
        state.pointee.bufferCount = 1
        state.pointee.bufferIndex = 0
        docs[0] = Self.terminated
        freqs[0] = 0
        state.pointee.nextBlock = fullBlocks + 1
    }

    private func loadNextBlock() {
        state.pointee.shallowBlock = -1
        if state.pointee.nextBlock < fullBlocks {
            let entry = skipStart + state.pointee.nextBlock * PostingsLayout.skipEntrySize
            let lastDoc = postings.loadUnaligned(fromByteOffset: entry, as: UInt32.self)
            let positionsRelative = postings.loadUnaligned(fromByteOffset: entry + 4, as: UInt32.self)
            let maxFreq = postings.loadUnaligned(fromByteOffset: entry + 8, as: UInt32.self)
            let docBits = Int(postings.load(fromByteOffset: entry + 12, as: UInt8.self))
            let freqBits = Int(postings.load(fromByteOffset: entry + 13, as: UInt8.self))
            let minNorm = postings.load(fromByteOffset: entry + 14, as: UInt8.self)
            let size = 16 &* (docBits &+ freqBits)
            guard docBits <= 32, freqBits <= 32, state.pointee.nextDataOffset >= 0,
                state.pointee.nextDataOffset + size <= postings.count,
                lastDoc < documentCount
            else { return fail() }
            let data = postings.baseAddress! + state.pointee.nextDataOffset
            BitPacking.unpackDeltas(data, bitWidth: docBits, base: state.pointee.nextBase, into: docs)
            BitPacking.unpack(data + 16 * docBits, bitWidth: freqBits, into: freqs)
            // A block must increase strictly from the previous block and end at its skip entry.
            // Branch-free so both loops vectorize: this runs for every block a query touches.
            var descents: UInt32 = 0
            for i in 1..<PostingsLayout.blockSize { descents |= docs[i] <= docs[i - 1] ? 1 : 0 }
            for i in 0..<PostingsLayout.blockSize { freqs[i] &+= 1 }
            guard descents == 0, docs[PostingsLayout.blockSize - 1] == lastDoc,
                state.pointee.nextBlock == 0 || docs[0] > state.pointee.nextBase
            else { return fail() }
            state.pointee.currentBlockBound = (lastDoc, maxFreq, minNorm)
            state.pointee.bufferCount = PostingsLayout.blockSize
            state.pointee.bufferPositionsOffset = Int(clamping: info.positionsOffset) &+ Int(positionsRelative)
            state.pointee.bufferPositionsChunkIndex = Int(postings.load(fromByteOffset: entry + 15, as: UInt8.self))
            state.pointee.nextDataOffset += size
            state.pointee.nextBase = lastDoc
            state.pointee.nextBlock += 1
        } else if state.pointee.nextBlock == fullBlocks {
            let count = Int(info.docFreq) - fullBlocks * PostingsLayout.blockSize
            if count == 0 { return terminate() }
            var offset = state.pointee.nextDataOffset
            var previous = state.pointee.nextBase
            for i in 0..<count {
                guard let code = readVarInt(postings, &offset) else { return fail() }
                var freq: UInt64 = 1
                if code & 1 == 0 {
                    // The writer marks frequency 1 in the low bit, so an explicit frequency is at least 2.
                    guard let value = readVarInt(postings, &offset), value >= 2, value <= UInt64(UInt32.max) else {
                        return fail()
                    }
                    freq = value
                }
                let delta = code >> 1
                let value = UInt64(previous) + delta
                guard value < UInt64(documentCount), i == 0 && state.pointee.nextBlock == 0 || delta > 0 else {
                    return fail()
                }
                previous = UInt32(value)
                docs[i] = previous
                freqs[i] = UInt32(freq)
            }
            state.pointee.currentBlockBound = (Self.terminated - 1, info.maxFreq, info.minNorm)
            state.pointee.bufferCount = count
            state.pointee.bufferPositionsOffset = Int(
                clamping: fullBlocks > 0 ? info.tailPositionsOffset : info.positionsOffset)
            state.pointee.bufferPositionsChunkIndex = fullBlocks > 0 ? Int(info.tailPositionsIndex) : 0
            state.pointee.nextBlock += 1
        } else {
            return terminate()
        }
        state.pointee.bufferIndex = 0
        state.pointee.positionsIndex = 0
        state.pointee.positionsOffset = state.pointee.bufferPositionsOffset
        state.pointee.positionsChunkIndex = state.pointee.bufferPositionsChunkIndex
        state.pointee.doc = docs[0]
    }

    /// Decodes the positions of the current document (body terms only) and passes them to
    /// `body`: `freq` values, strictly increasing. Returns nil (and marks the cursor corrupt)
    /// if the positions bytes are inconsistent.
    public func withPositions<R>(_ body: (UnsafeBufferPointer<UInt32>) -> R) -> R? {
        guard hasPositions else {
            fail()
            return nil
        }
        let count = Int(freqs[state.pointee.bufferIndex])
        if count > state.pointee.positionCapacity {
            if state.pointee.positionCapacity > Self.initialPositionCapacity { positionBuffer.deallocate() }
            state.pointee.positionCapacity = max(count, state.pointee.positionCapacity * 2)
            positionBuffer = .allocate(capacity: state.pointee.positionCapacity)
        }
        guard decodePositions(into: positionBuffer) else { return nil }
        return body(UnsafeBufferPointer(start: positionBuffer, count: count))
    }

    /// Decodes the positions of the current document into `destination`, which must have room
    /// for `freq` values (callers that keep positions avoid a copy this way). Returns false
    /// (and marks the cursor corrupt) if the positions bytes are inconsistent.
    public func decodePositions(into destination: UnsafeMutablePointer<UInt32>) -> Bool {
        guard hasPositions else {
            fail()
            return false
        }
        let positionBuffer = destination
        let s = state
        // State in locals: the stores into `destination` would otherwise force reloads.
        let bufferIndex = s.pointee.bufferIndex
        var positionsIndex = s.pointee.positionsIndex
        var offset: Int
        var index: Int
        if positionsIndex > bufferIndex {
            positionsIndex = 0
            offset = s.pointee.bufferPositionsOffset
            index = s.pointee.bufferPositionsChunkIndex
        } else {
            offset = s.pointee.positionsOffset
            index = s.pointee.positionsChunkIndex
        }
        // Skip the positions of earlier documents of the block, whole chunks without decoding.
        while positionsIndex < bufferIndex {
            index += Int(freqs[positionsIndex])
            positionsIndex += 1
        }
        s.pointee.positionsIndex = positionsIndex
        while true {
            guard let (count, size) = chunkShape(at: offset) else { return false }
            if index < count { break }
            index -= count
            offset += size
        }
        let freq = Int(freqs[bufferIndex])
        // Fast path: the document's positions all lie in the chunk already decoded (a phrase
        // reads a few positions per document, mostly from the chunk the previous one used).
        if offset == s.pointee.decodedChunkOffset && freq > 0 && index + freq <= s.pointee.decodedChunkCount {
            let values = chunkValues + index
            var position = UInt64(values[0])
            positionBuffer[0] = UInt32(truncatingIfNeeded: position)
            var smallestLaterDelta = UInt32.max
            for j in 1..<freq {
                let delta = values[j]
                smallestLaterDelta = min(smallestLaterDelta, delta)
                position &+= UInt64(delta)
                positionBuffer[j] = UInt32(truncatingIfNeeded: position)
            }
            guard position <= UInt64(UInt32.max), smallestLaterDelta > 0 else {
                fail()
                return false
            }
            index += freq
            if index == s.pointee.decodedChunkCount {
                offset += s.pointee.decodedChunkSize
                index = 0
            }
            s.pointee.positionsOffset = offset
            s.pointee.positionsChunkIndex = index
            s.pointee.positionsIndex = bufferIndex + 1
            return true
        }
        let count = Int(freqs[s.pointee.bufferIndex])
        // Prefix sums in 64 bits with the checks folded into two values tested once at the end
        // (positions must rise strictly and fit 32 bits): no branch per position.
        var position: UInt64 = 0
        var smallestLaterDelta = UInt32.max
        var written = 0
        while written < count {
            guard decodeChunk(at: offset) else { return false }
            let available = s.pointee.decodedChunkCount
            let run = min(count - written, available - index)
            if written == 0 && run > 0 {
                position = UInt64(chunkValues[index])
                positionBuffer[0] = UInt32(truncatingIfNeeded: position)
                written = 1
                index += 1
            }
            let steps = min(count - written, available - index)
            let deltas = chunkValues + index
            let output = positionBuffer + written
            for j in 0..<steps {
                let delta = deltas[j]
                smallestLaterDelta = min(smallestLaterDelta, delta)
                position &+= UInt64(delta)
                output[j] = UInt32(truncatingIfNeeded: position)
            }
            written += steps
            index += steps
            if index == available {
                offset += s.pointee.decodedChunkSize
                index = 0
            }
        }
        guard position <= UInt64(UInt32.max), smallestLaterDelta > 0 else {
            fail()
            return false
        }
        s.pointee.positionsOffset = offset
        s.pointee.positionsChunkIndex = index
        s.pointee.positionsIndex = s.pointee.bufferIndex + 1
        return true
    }

    /// Value count and byte size of the chunk at `offset` (a full chunk's size comes from its
    /// width byte; the final varint chunk is decoded to learn its size).
    @inline(__always)
    private func chunkShape(at offset: Int) -> (Int, Int)? {
        if offset == state.pointee.decodedChunkOffset {
            return (state.pointee.decodedChunkCount, state.pointee.decodedChunkSize)
        }
        return otherChunkShape(at: offset)
    }

    /// `chunkShape(at:)` for a chunk not already decoded.
    private func otherChunkShape(at offset: Int) -> (Int, Int)? {
        guard offset >= 0, offset < positionsFile.count else {
            fail()
            return nil
        }
        let width = positionsFile[offset]
        if width <= 32 {
            guard offset + PostingsLayout.chunkHeaderSize <= positionsFile.count else {
                fail()
                return nil
            }
            let exceptionBytes = Int(positionsFile.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self))
            return (
                PostingsLayout.blockSize,
                PostingsLayout.chunkHeaderSize + BitPacking.packedByteCount(bitWidth: Int(width)) + exceptionBytes
            )
        }
        guard decodeChunk(at: offset) else { return nil }
        return (state.pointee.decodedChunkCount, state.pointee.decodedChunkSize)
    }

    /// Decodes the chunk at `offset` into `chunkValues` unless it is already there.
    @inline(__always)
    private func decodeChunk(at offset: Int) -> Bool {
        offset == state.pointee.decodedChunkOffset || decodeOtherChunk(at: offset)
    }

    /// `decodeChunk(at:)` for a chunk not already decoded.
    private func decodeOtherChunk(at offset: Int) -> Bool {
        let s = state
        guard offset >= 0, offset < positionsFile.count else {
            fail()
            return false
        }
        let width = positionsFile[offset]
        if width <= 32 {
            let header = PostingsLayout.chunkHeaderSize
            guard offset + header <= positionsFile.count else {
                fail()
                return false
            }
            let exceptionCount = Int(positionsFile[offset + 1])
            let exceptionBytes = Int(positionsFile.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self))
            let size = BitPacking.packedByteCount(bitWidth: Int(width))
            let end = offset + header + size + exceptionBytes
            guard end <= positionsFile.count, exceptionCount <= PostingsLayout.maxChunkExceptions else {
                fail()
                return false
            }
            BitPacking.unpack(positionsFile.baseAddress! + offset + header, bitWidth: Int(width), into: chunkValues)
            // Patch the exceptions: their high bits go above the packed low bits.
            var cursor = offset + header + size
            let limit = UnsafeRawBufferPointer(rebasing: positionsFile[0..<end])
            for _ in 0..<exceptionCount {
                guard cursor < end else {
                    fail()
                    return false
                }
                let index = Int(positionsFile[cursor])
                cursor += 1
                guard index < PostingsLayout.blockSize, width < 32, let high = readVarInt(limit, &cursor),
                    high > 0, high <= UInt64(UInt32.max >> UInt32(width))
                else {
                    fail()
                    return false
                }
                chunkValues[index] |= UInt32(high) << UInt32(width)
            }
            guard cursor == end else {
                fail()
                return false
            }
            s.pointee.decodedChunkCount = PostingsLayout.blockSize
            s.pointee.decodedChunkSize = end - offset
        } else {
            guard width == PostingsLayout.varintChunkMarker, offset + 1 < positionsFile.count else {
                fail()
                return false
            }
            let count = Int(positionsFile[offset + 1])
            guard count > 0, count < PostingsLayout.blockSize else {
                fail()
                return false
            }
            var cursor = offset + 2
            for i in 0..<count {
                guard let value = readVarInt(positionsFile, &cursor), value <= UInt64(UInt32.max) else {
                    fail()
                    return false
                }
                chunkValues[i] = UInt32(value)
            }
            s.pointee.decodedChunkCount = count
            s.pointee.decodedChunkSize = cursor - offset
        }
        s.pointee.decodedChunkOffset = offset
        return true
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
