/// Assigns dense ids to byte strings (dictionary keys) in first-seen order. Open addressing
/// with linear probing over an arena of key bytes: no `String`, no per-key allocation.
package struct TermInterner {
    private var arena: [UInt8] = []
    private var offsets: [UInt32] = []  // start of key i in `arena`; key i ends at offsets[i + 1]
    private var slots: [UInt32]  // term id + 1, 0 = empty
    private var hashes: [UInt32] = []
    private var mask: Int

    /// Number of distinct keys.
    package var count: Int { hashes.count }

    /// Bytes used by keys and tables (for the writer's memory budget).
    package var memoryUsage: Int { arena.capacity + offsets.capacity * 4 + slots.count * 4 + hashes.capacity * 4 }

    /// Creates an empty interner.
    package init(initialCapacity: Int = 1 << 16) {
        var size = 16
        while size < initialCapacity * 2 { size <<= 1 }
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        offsets.append(0)
    }

    /// Multiply-xorshift over 8-byte words (keys are short; one multiply per word).
    @inline(__always)
    private static func hash(_ key: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        let count = key.count
        while i + 8 <= count {
            let word = key.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            tail |= UInt64(key[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// The id of `key`, inserting it if new. `isNew` tells which.
    package mutating func intern(_ key: UnsafeRawBufferPointer) -> (id: UInt32, isNew: Bool) {
        let h = Self.hash(key)
        var slot = Int(h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let id = Int(entry - 1)
            if hashes[id] == h && equals(id, key) { return (UInt32(id), false) }
            slot = (slot + 1) & mask
        }
        let id = UInt32(hashes.count)
        arena.append(contentsOf: key)
        offsets.append(UInt32(arena.count))
        hashes.append(h)
        slots[slot] = id + 1
        if hashes.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The id of `key` if present.
    package func lookup(_ key: UnsafeRawBufferPointer) -> UInt32? {
        let h = Self.hash(key)
        var slot = Int(h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            let id = Int(entry - 1)
            if hashes[id] == h && equals(id, key) { return UInt32(id) }
            slot = (slot + 1) & mask
        }
    }

    /// Calls `body` with the bytes of key `id`.
    package func withKey<R>(_ id: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = Int(offsets[Int(id)])
        let end = Int(offsets[Int(id) + 1])
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Key ids sorted by their bytes (unsigned lexicographic), for writing the dictionary.
    package func sortedIds() -> [UInt32] {
        arena.withUnsafeBytes { bytes in
            var ids = Array(0..<UInt32(count))
            ids.sort { a, b in
                let aStart = Int(offsets[Int(a)])
                let aEnd = Int(offsets[Int(a) + 1])
                let bStart = Int(offsets[Int(b)])
                let bEnd = Int(offsets[Int(b) + 1])
                let common = min(aEnd - aStart, bEnd - bStart)
                let order = memcmpBytes(bytes.baseAddress! + aStart, bytes.baseAddress! + bStart, common)
                if order != 0 { return order < 0 }
                return aEnd - aStart < bEnd - bStart
            }
            return ids
        }
    }

    private func equals(_ id: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = Int(offsets[id])
        let length = Int(offsets[id + 1]) - start
        guard length == key.count else { return false }
        if length == 0 { return true }
        return arena.withUnsafeBytes { memcmpBytes($0.baseAddress! + start, key.baseAddress!, length) == 0 }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        for id in 0..<hashes.count {
            var slot = Int(hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(id + 1)
        }
    }
}

/// Unsigned byte comparison of two ranges of equal length: negative, zero or positive.
@inline(__always)
package func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Int {
    var i = 0
    while i + 8 <= count {
        let x = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        let y = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        if x != y { return x < y ? -1 : 1 }
        i += 8
    }
    while i < count {
        let x = a.load(fromByteOffset: i, as: UInt8.self)
        let y = b.load(fromByteOffset: i, as: UInt8.self)
        if x != y { return x < y ? -1 : 1 }
        i += 1
    }
    return 0
}
