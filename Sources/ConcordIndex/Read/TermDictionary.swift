/// Reads the term dictionary of a segment straight from its mapping (FORMAT.md §4): binary
/// search over the sparse index of block first keys, then a scan of one front-coded block.
package struct TermDictionary: @unchecked Sendable {
    private let file: MappedFile
    private let indexStart: Int
    private let keysStart: Int
    /// Number of blocks.
    package let blockCount: Int
    /// Number of terms.
    package let termCount: UInt64

    /// Validates the trailer and index of `file`.
    package init(file: MappedFile) throws {
        self.file = file
        let body = file.body
        guard body.count >= 28 else {
            throw IndexCorruption(file: file.name, offset: nil, reason: "term dictionary trailer is missing")
        }
        let trailer = body.count - 28
        // Clamp: corrupt 64-bit values must fail the checks below, not trap in the conversion.
        let indexStart = Int(clamping: body.loadUnaligned(fromByteOffset: trailer, as: UInt64.self))
        let keysStart = Int(clamping: body.loadUnaligned(fromByteOffset: trailer + 8, as: UInt64.self))
        let blockCount = Int(body.loadUnaligned(fromByteOffset: trailer + 16, as: UInt32.self))
        termCount = body.loadUnaligned(fromByteOffset: trailer + 20, as: UInt64.self)
        guard indexStart <= keysStart, keysStart <= trailer, (keysStart - indexStart) == blockCount * 16,
            UInt64(blockCount) <= termCount, termCount <= UInt64(indexStart)
        else {
            throw IndexCorruption(file: file.name, offset: nil, reason: "term dictionary trailer is inconsistent")
        }
        self.indexStart = indexStart
        self.keysStart = keysStart
        self.blockCount = blockCount
    }

    /// The first key of block `block`.
    private func firstKey(_ block: Int) throws -> UnsafeRawBufferPointer {
        let keyOffset = Int(
            clamping: file.body.loadUnaligned(fromByteOffset: indexStart + block * 16 + 8, as: UInt64.self))
        var reader = ByteReader(
            bytes: UnsafeRawBufferPointer(rebasing: file.body[keysStart..<(file.body.count - 28)]), file: file.name,
            fileOffset: file.bodyOffset + keysStart)
        try reader.seek(to: keyOffset)
        let length = Int(try reader.readVarUInt64())
        return try reader.readBytes(length)
    }

    private func blockOffset(_ block: Int) -> Int {
        Int(clamping: file.body.loadUnaligned(fromByteOffset: indexStart + block * 16, as: UInt64.self))
    }

    /// The last block whose first key is ≤ `key`, or nil if `key` sorts before every term.
    private func blockFor(_ key: UnsafeRawBufferPointer) throws -> Int? {
        var low = 0
        var high = blockCount - 1
        var found: Int?
        while low <= high {
            let mid = (low + high) / 2
            if compareKeys(try firstKey(mid), key) <= 0 {
                found = mid
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        return found
    }

    /// The term's info, or nil if absent.
    package func lookup(_ key: UnsafeRawBufferPointer) throws -> TermInfo? {
        guard let block = try blockFor(key) else { return nil }
        var result: TermInfo?
        try scanBlocks(from: block) { candidate, info in
            let order = compareKeys(candidate, key)
            if order == 0 { result = info }
            return order < 0
        }
        return result
    }

    /// The infos of `keys` (ascending byte order), nil where absent. Neighbouring keys are
    /// found by walking on from the previous one rather than by a fresh search.
    package func lookupAll(sorted keys: [[UInt8]]) throws -> [TermInfo?] {
        var result = [TermInfo?](repeating: nil, count: keys.count)
        var walker: Walker?
        var walkerValid = false
        for (i, key) in keys.enumerated() {
            try key.withUnsafeBytes { key in
                // Walk on when the key lies in the walker's block or the next one; search otherwise.
                var walkOn = false
                if let current = walker, walkerValid, current.key.withUnsafeBytes({ compareKeys($0, key) }) < 0 {
                    let next = current.block + 1
                    walkOn =
                        try next >= blockCount || compareKeys(firstKey(next), key) > 0 || next + 1 >= blockCount
                        || compareKeys(firstKey(next + 1), key) > 0
                }
                if !walkOn {
                    guard let block = try blockFor(key) else { return }
                    walker = Walker(self, block: block)
                    walkerValid = try walker!.next()
                }
                while walkerValid {
                    let order = walker!.key.withUnsafeBytes { compareKeys($0, key) }
                    if order == 0 { result[i] = walker!.info }
                    if order >= 0 { break }
                    walkerValid = try walker!.next()
                }
            }
        }
        return result
    }

    /// Calls `body` for every term whose key starts with `prefix`, in key order, until it returns false.
    package func forEach(
        withPrefix prefix: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, TermInfo) throws -> Bool
    ) throws {
        let start = try blockFor(prefix) ?? 0
        try scanBlocks(from: start) { candidate, info in
            if compareKeys(candidate, prefix) < 0 { return true }
            guard
                prefix.isEmpty
                    || (candidate.count >= prefix.count
                        && memcmpBytes(candidate.baseAddress!, prefix.baseAddress!, prefix.count) == 0)
            else { return false }
            return try body(candidate, info)
        }
    }

    /// Decodes blocks from `first` on, calling `visit` per term until it returns false.
    private func scanBlocks(from first: Int, _ visit: (UnsafeRawBufferPointer, TermInfo) throws -> Bool) throws {
        var walker = Walker(self, block: first)
        while try walker.next() {
            let keepGoing = try walker.key.withUnsafeBytes { try visit($0, walker.info) }
            if !keepGoing { return }
        }
    }

    /// A pull-style walk over the terms in key order from a block on, holding one key at a
    /// time: merges step several of these side by side without materializing dictionaries.
    package struct Walker {
        private let dictionary: TermDictionary
        /// The block of the current key.
        package private(set) var block: Int
        private var reader: ByteReader?
        private var previous: TermInfo?
        /// The current key (valid after `next()` returned true).
        package private(set) var key: [UInt8] = []
        /// The current term's info (valid after `next()` returned true).
        package private(set) var info = TermInfo(
            docFreq: 0, totalFreq: 0, postingsOffset: 0, positionsOffset: 0, tailPositionsOffset: 0,
            tailPositionsIndex: 0, maxFreq: 0, minNorm: 0)

        /// A walk starting at the first term of `block` (0: the whole dictionary).
        package init(_ dictionary: TermDictionary, block: Int = 0) {
            self.dictionary = dictionary
            self.block = block
        }

        /// Moves to the next term; false at the end. Corrupt bytes throw `IndexCorruption`.
        package mutating func next() throws -> Bool {
            while true {
                if reader == nil || reader!.isAtEnd {
                    if reader != nil { block += 1 }
                    guard block < dictionary.blockCount else { return false }
                    reader = try dictionary.blockReader(block)
                    previous = nil
                    key.removeAll(keepingCapacity: true)
                    if reader!.isAtEnd { continue }
                }
                info = try Self.decodeEntry(&reader!, key: &key, previous: previous)
                previous = info
                return true
            }
        }

        /// Decodes one front-coded entry (FORMAT.md §4), updating `key` in place.
        private static func decodeEntry(_ reader: inout ByteReader, key: inout [UInt8], previous: TermInfo?) throws
            -> TermInfo
        {
            let prefix = Int(try reader.readVarUInt64())
            let suffix = Int(try reader.readVarUInt64())
            guard prefix <= key.count else {
                throw reader.corruption("front-coding prefix longer than previous key")
            }
            key.removeSubrange(prefix...)
            // As typed bytes: appending a raw buffer goes element by element.
            let bytes = try reader.readBytes(suffix)
            key.append(
                contentsOf: UnsafeBufferPointer(
                    start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: suffix))
            let docFreq = try reader.readVarUInt32()
            let totalFreq = try reader.readVarUInt64()
            let postings = try reader.readVarUInt64() &+ (previous?.postingsOffset ?? 0)
            let positions = try reader.readVarUInt64() &+ (previous?.positionsOffset ?? 0)
            let maxFreq = try reader.readVarUInt32()
            let minNorm = try reader.readUInt8()
            var tail = positions
            var tailIndex: UInt8 = 0
            if docFreq >= UInt32(PostingsLayout.blockSize) {
                let packed = try reader.readVarUInt64()
                tail = (packed >> 7) &+ positions
                tailIndex = UInt8(packed & 127)
            }
            return TermInfo(
                docFreq: docFreq, totalFreq: totalFreq, postingsOffset: postings, positionsOffset: positions,
                tailPositionsOffset: tail, tailPositionsIndex: tailIndex, maxFreq: maxFreq, minNorm: minNorm)
        }
    }

    /// A reader over the entries of block `block`, checking that its bounds are in order.
    fileprivate func blockReader(_ block: Int) throws -> ByteReader {
        let start = blockOffset(block)
        let end = block + 1 < blockCount ? blockOffset(block + 1) : indexStart
        guard start <= end, end <= indexStart else {
            throw IndexCorruption(file: file.name, offset: nil, reason: "term block \(block) offsets out of order")
        }
        return ByteReader(
            bytes: UnsafeRawBufferPointer(rebasing: file.body[start..<end]), file: file.name,
            fileOffset: file.bodyOffset + start)
    }
}

/// Unsigned lexicographic order of two byte strings: negative, zero or positive.
package func compareKeys(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let common = min(a.count, b.count)
    if common > 0 {
        let order = memcmpBytes(a.baseAddress!, b.baseAddress!, common)
        if order != 0 { return order }
    }
    return a.count - b.count
}
