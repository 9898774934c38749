/// A bounded memo of `Porter2Stemmer` results keyed by folded surface bytes.
///
/// Running text repeats a small vocabulary (on UN debates the 10,000 most frequent words cover
/// ~99% of tokens), so stemming each distinct word once turns the ~200 ns stemmer into a hash
/// probe. Open addressing with linear probing over slots that point into one byte arena
/// (surface bytes, then stem bytes): no `String`, no `Dictionary`, no allocation per lookup.
/// Both grow by doubling up to `maximumSlotCount` / `maximumArenaBytes`; when either is full
/// the cache empties and refills, so memory stays bounded on any vocabulary.
///
/// A struct of pointers so the per-token path touches no reference counts; the memory is owned
/// by a `StemCacheOwner`, which frees it. A copy is a view of the same memory: only one copy
/// may be used at a time, and the one used last must be stored back into the owner.
struct StemCache {
    /// The largest slot table, a power of two (12 bytes each).
    static let maximumSlotCount = 1 << 16
    /// The largest arena: room for the entries a full slot table holds at typical word lengths.
    static let maximumArenaBytes = 1 << 21

    private struct Slot {
        /// `StemCache.hash` of the surface; a slot is empty when `surfaceLength` is 0.
        var hash: UInt32 = 0
        var arenaOffset: UInt32 = 0
        var surfaceLength: UInt8 = 0
        var stemLength: UInt8 = 0
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var slotMask: Int
    private var entryCount = 0
    private var arena: UnsafeMutableRawPointer
    private var arenaCapacity: Int
    private var arenaUsed = 0

    /// Lookups answered from the cache.
    private(set) var hits = 0
    /// Lookups that ran the stemmer.
    private(set) var misses = 0

    /// Creates an empty cache with `initialSlotCount` slots (a power of two).
    init(initialSlotCount: Int = 1 << 10) {
        precondition(initialSlotCount > 0 && initialSlotCount & (initialSlotCount - 1) == 0)
        slotMask = initialSlotCount - 1
        slots = .allocate(capacity: initialSlotCount)
        slots.initialize(repeating: Slot(), count: initialSlotCount)
        arenaCapacity = initialSlotCount * 16
        arena = .allocate(byteCount: arenaCapacity, alignment: 8)
    }

    /// Frees the memory; the cache (and every copy) must not be used afterwards.
    func deallocate() {
        slots.deallocate()
        arena.deallocate()
    }

    /// The stem of `surface` (1...255 bytes), computed with `stemmer` on a miss. The returned
    /// bytes live in the cache and stay valid until the next call.
    mutating func stem(_ surface: UnsafeRawBufferPointer, using stemmer: Porter2Stemmer) -> UnsafeRawBufferPointer {
        // Slots store lengths in a byte; the tokenizer never emits longer terms.
        precondition(!surface.isEmpty && surface.count <= Tokenizer.maxTermBytes)
        let hash = Self.hash(surface)
        var index = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let slot = slots[index]
            if slot.surfaceLength == 0 { break }
            if slot.hash == hash, Int(slot.surfaceLength) == surface.count,
                Self.bytesEqual(arena + Int(slot.arenaOffset), surface.baseAddress!, count: surface.count)
            {
                hits &+= 1
                return UnsafeRawBufferPointer(
                    start: arena + Int(slot.arenaOffset) + surface.count, count: Int(slot.stemLength))
            }
            index = (index &+ 1) & slotMask
        }
        misses &+= 1
        return insert(surface, hash: hash, stemmer: stemmer)
    }

    /// Stems `surface` into the arena and records it; makes room first by growing or emptying.
    private mutating func insert(_ surface: UnsafeRawBufferPointer, hash: UInt32, stemmer: Porter2Stemmer)
        -> UnsafeRawBufferPointer
    {
        let entryBytes = surface.count * 2  // the stem is never longer than the surface
        if (entryCount + 1) * 4 > (slotMask + 1) * 3 || arenaUsed + entryBytes > arenaCapacity {
            makeRoom(forEntryBytes: entryBytes)
        }
        let entry = arena + arenaUsed
        entry.copyMemory(from: surface.baseAddress!, byteCount: surface.count)
        let stemStart = entry + surface.count
        let stemLength = stemmer.stem(
            UnsafeRawBufferPointer(start: entry, count: surface.count),
            into: UnsafeMutableRawBufferPointer(start: stemStart, count: surface.count))
        var index = Int(truncatingIfNeeded: hash) & slotMask
        while slots[index].surfaceLength != 0 { index = (index &+ 1) & slotMask }
        slots[index] = Slot(
            hash: hash, arenaOffset: UInt32(truncatingIfNeeded: arenaUsed),
            surfaceLength: UInt8(truncatingIfNeeded: surface.count),
            stemLength: UInt8(truncatingIfNeeded: stemLength))
        entryCount += 1
        arenaUsed += surface.count + stemLength
        return UnsafeRawBufferPointer(start: stemStart, count: stemLength)
    }

    /// Doubles the slot table and the arena while below their maximums; at the maximum, empties
    /// the cache instead (the working vocabulary refills it within a few pages of text).
    private mutating func makeRoom(forEntryBytes entryBytes: Int) {
        let slotCount = slotMask + 1
        let slotsFull = (entryCount + 1) * 4 > slotCount * 3
        let arenaFull = arenaUsed + entryBytes > arenaCapacity
        if (slotsFull && slotCount == Self.maximumSlotCount) || (arenaFull && arenaCapacity == Self.maximumArenaBytes) {
            slots.update(repeating: Slot(), count: slotCount)
            entryCount = 0
            arenaUsed = 0
            return
        }
        if arenaFull {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: arenaCapacity * 2, alignment: 8)
            grown.copyMemory(from: arena, byteCount: arenaUsed)
            arena.deallocate()
            arena = grown
            arenaCapacity *= 2
        }
        if slotsFull { rehash(into: slotCount * 2) }
    }

    private mutating func rehash(into newSlotCount: Int) {
        let oldSlots = slots
        let oldCount = slotMask + 1
        slots = .allocate(capacity: newSlotCount)
        slots.initialize(repeating: Slot(), count: newSlotCount)
        slotMask = newSlotCount - 1
        for oldIndex in 0..<oldCount where oldSlots[oldIndex].surfaceLength != 0 {
            var index = Int(truncatingIfNeeded: oldSlots[oldIndex].hash) & slotMask
            while slots[index].surfaceLength != 0 { index = (index &+ 1) & slotMask }
            slots[index] = oldSlots[oldIndex]
        }
        oldSlots.deallocate()
    }

    /// A multiply-xorshift hash over 8-byte words, the tail read as (possibly overlapping)
    /// loads inside the key: a few cycles for a word, where a byte-serial hash costs ~4 per byte.
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        let count = bytes.count
        let base = bytes.baseAddress!
        var hash = UInt64(truncatingIfNeeded: count) &* multiplier
        var offset = 0
        while offset &+ 8 <= count {
            hash = (hash ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
            hash ^= hash >> 29
            offset &+= 8
        }
        let remaining = count &- offset
        var tail: UInt64
        if remaining >= 4 {
            tail = UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            tail |= UInt64(base.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)) << 32
        } else if remaining > 0 {
            tail = UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
            tail |= UInt64(base.load(fromByteOffset: offset &+ remaining / 2, as: UInt8.self)) << 8
            tail |= UInt64(base.load(fromByteOffset: count &- 1, as: UInt8.self)) << 16
        } else {
            tail = 0
        }
        hash = (hash ^ tail) &* multiplier
        return UInt32(truncatingIfNeeded: hash >> 32 ^ hash)
    }

    @inline(__always)
    private static func bytesEqual(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        while offset &+ 8 <= count {
            let leftWord = left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let rightWord = right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            if leftWord != rightWord { return false }
            offset &+= 8
        }
        while offset < count {
            if left.load(fromByteOffset: offset, as: UInt8.self) != right.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            offset &+= 1
        }
        return true
    }
}

/// Owns a `StemCache`'s memory for `Analyzer`, whose copy-on-write check needs a reference.
final class StemCacheOwner {
    /// The cache; `Analyzer` lends it to one analysis at a time and stores it back afterwards.
    var cache: StemCache

    init(slots: Int) { cache = StemCache(initialSlotCount: slots) }

    deinit { cache.deallocate() }
}
