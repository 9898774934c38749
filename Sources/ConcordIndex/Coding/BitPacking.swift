// Fixed-width bit packing of 128-value blocks: the codec for doc-id deltas, term
// frequencies and positions.
//
// Block layout (vertical, 4 lanes, as in SIMD-BP128): value i of the block sits in
// row i / 4, lane i % 4. Each lane packs its 32 values into a little-endian bit stream of
// `b`-bit fields held in `b` 32-bit words, the first value in the lowest bits. Word w of
// lane j is stored at byte 16 * w + 4 * j, so a packed block is `b` 16-byte rows and one
// SIMD4<UInt32> load yields the same word of all four lanes. A block at width b takes
// exactly 16 * b bytes; width 0 takes none, width 32 stores the values unchanged.
//
// Delta scheme: plain differences, d[i] = x[i] - x[i-1] with x[-1] = base, computed with
// wrapping arithmetic. Decoding restores them with an in-register prefix sum per row
// (`inclusivePrefixSums`) plus a running total. Per-lane differences (x[i] - x[i-4]) would
// decode about 20% faster but span four gaps: a block's width grows by about one bit
// (at most two), 10-40% more doc-id bytes for typical gaps.
//
// The straight-line kernels, one per width, are generated into BitPacking+Generated.swift
// by Scripts/generate-bitpacking.py.

#if _endian(big)
    #error("the packed layout is little-endian and is loaded with native SIMD loads")
#endif

/// Four lanes of 32-bit words: one row of a packed block.
typealias Lanes = SIMD4<UInt32>

/// Packs and unpacks blocks of 128 unsigned 32-bit values at a fixed bit width.
///
/// Every function works on exactly `blockSize` values. The caller guarantees that the
/// pointers cover a whole block; readers of untrusted bytes go through
/// `ByteReader.readPackedBlock`, which checks the bit width and the byte count first.
package enum BitPacking {
    /// Number of values in one block.
    package static let blockSize = 128

    /// Largest bit width a block can use.
    package static let maximumBitWidth = 32

    /// Bits needed to represent the largest of `count` values (0 when all are zero).
    package static func bitWidth(of values: UnsafePointer<UInt32>, count: Int) -> Int {
        precondition(count >= 0, "negative value count \(count)")
        var combined: UInt32 = 0
        for index in 0..<count {
            combined |= values[index]
        }
        return UInt32.bitWidth - combined.leadingZeroBitCount
    }

    /// Byte size of one packed block of 128 values at width `bitWidth` (0...32): 16 * bitWidth.
    package static func packedByteCount(bitWidth: Int) -> Int {
        precondition((0...maximumBitWidth).contains(bitWidth), "bit width \(bitWidth) outside 0...32")
        return bitWidth * MemoryLayout<Lanes>.size
    }

    /// Packs exactly 128 values at width `bitWidth` (0...32) into
    /// `packedByteCount(bitWidth:)` bytes at `output` (unaligned is fine).
    ///
    /// Each value must be below 2^bitWidth; higher bits are dropped (and caught by an
    /// assertion in debug builds).
    package static func pack(
        _ values: UnsafePointer<UInt32>, bitWidth: Int, into output: UnsafeMutableRawPointer
    ) {
        precondition((0...maximumBitWidth).contains(bitWidth), "bit width \(bitWidth) outside 0...32")
        assert(self.bitWidth(of: values, count: blockSize) <= bitWidth, "value wider than bit width")
        packBlock(UnsafeRawPointer(values), bitWidth: bitWidth, into: output)
    }

    /// Unpacks 128 values packed at width `bitWidth` (0...32).
    ///
    /// `input` must have `packedByteCount(bitWidth:)` readable bytes (unaligned is fine);
    /// `output` receives exactly 128 values. Any input bytes decode to some values: there
    /// is no invalid packed block.
    package static func unpack(
        _ input: UnsafeRawPointer, bitWidth: Int, into output: UnsafeMutablePointer<UInt32>
    ) {
        precondition((0...maximumBitWidth).contains(bitWidth), "bit width \(bitWidth) outside 0...32")
        unpackBlock(input, bitWidth: bitWidth, into: UnsafeMutableRawPointer(output))
    }

    /// Bits needed for the deltas of 128 values: the widest of x[i] - x[i-1], with
    /// x[-1] = `base` and wrapping subtraction.
    ///
    /// Intended for strictly increasing doc ids (or positions) whose first value is at
    /// least `base`, where every delta is the true gap. Other sequences still round-trip
    /// exactly, since deltas and their sums both wrap.
    package static func deltaBitWidth(of values: UnsafePointer<UInt32>, base: UInt32) -> Int {
        var combined = Lanes()
        forEachDeltaRow(of: values, base: base) { _, deltas in combined |= deltas }
        let reduced = combined[0] | combined[1] | combined[2] | combined[3]
        return UInt32.bitWidth - reduced.leadingZeroBitCount
    }

    /// Packs the deltas x[i] - x[i-1] of exactly 128 values (x[-1] = `base`, wrapping) at
    /// width `bitWidth` (0...32), which must be at least `deltaBitWidth(of:base:)`.
    package static func packDeltas(
        _ values: UnsafePointer<UInt32>, base: UInt32, bitWidth: Int,
        into output: UnsafeMutableRawPointer
    ) {
        precondition((0...maximumBitWidth).contains(bitWidth), "bit width \(bitWidth) outside 0...32")
        assert(deltaBitWidth(of: values, base: base) <= bitWidth, "delta wider than bit width")
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: blockSize / Lanes.scalarCount) {
            deltaRows in
            forEachDeltaRow(of: values, base: base) { row, deltas in deltaRows[row] = deltas }
            packBlock(UnsafeRawPointer(deltaRows.baseAddress!), bitWidth: bitWidth, into: output)
        }
    }

    /// Unpacks a block written by `packDeltas` and restores the 128 absolute values,
    /// starting from `base` (the value before the block, e.g. the previous block's last
    /// doc id). Arithmetic wraps, so corrupt input yields garbage values but never traps.
    package static func unpackDeltas(
        _ input: UnsafeRawPointer, bitWidth: Int, base: UInt32,
        into output: UnsafeMutablePointer<UInt32>
    ) {
        precondition((0...maximumBitWidth).contains(bitWidth), "bit width \(bitWidth) outside 0...32")
        unpackDeltaBlock(input, bitWidth: bitWidth, base: base, into: UnsafeMutableRawPointer(output))
    }

    /// Calls `body` with each row index and that row's four deltas x[i] - x[i-1].
    @inline(__always)
    private static func forEachDeltaRow(
        of values: UnsafePointer<UInt32>, base: UInt32, _ body: (Int, Lanes) -> Void
    ) {
        let raw = UnsafeRawPointer(values)
        let firstRow = raw.loadUnaligned(as: Lanes.self)
        body(0, firstRow &- Lanes(base, firstRow[0], firstRow[1], firstRow[2]))
        let rowCount = blockSize / Lanes.scalarCount
        let rowBytes = MemoryLayout<Lanes>.size
        let valueBytes = MemoryLayout<UInt32>.size
        for row in 1..<rowCount {
            let current = raw.loadUnaligned(fromByteOffset: row * rowBytes, as: Lanes.self)
            // The four values before this row's: one value back, still inside the block.
            let previous = raw.loadUnaligned(
                fromByteOffset: row * rowBytes - valueBytes, as: Lanes.self)
            body(row, current &- previous)
        }
    }
}

/// The inclusive prefix sums of one row: (d0, d0+d1, d0+d1+d2, d0+d1+d2+d3), wrapping.
///
/// Written so that LLVM emits two whole-register byte shifts (`pslldq`) and two adds; the
/// more obvious `Lanes(0, d[0], d[1], d[2])` gets scalarized when `d` comes from a load.
@inline(__always)
func inclusivePrefixSums(_ deltas: Lanes) -> Lanes {
    // Shift the 128-bit row up by one lane, as two 64-bit halves.
    let halves = unsafeBitCast(deltas, to: SIMD2<UInt64>.self)
    let shiftedHalves = (halves &<< 32) | (SIMD2(0, halves[0]) &>> 32)
    let pairSums = deltas &+ unsafeBitCast(shiftedHalves, to: Lanes.self)
    return pairSums &+ Lanes(0, 0, pairSums[0], pairSums[1])
}
