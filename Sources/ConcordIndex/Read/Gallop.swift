/// The first index in `start..<count` whose value is at least `target`, or `count` if there is
/// none, in ascending `values`, given `values[start] < target`. Doubling steps from `start`
/// find a range, a binary search the index within it: cost grows with the log of the distance,
/// so skipping far ahead in a long list stays cheap (posting seeks, phrase position matching).
@inline(__always)
package func gallop(to target: UInt32, in values: UnsafePointer<UInt32>, from start: Int, count: Int) -> Int {
    var below = start
    var step = 1
    var probe = start + 1
    while probe < count && values[probe] < target {
        below = probe
        step <<= 1
        probe = below + step
    }
    var low = below + 1
    var high = min(probe, count)
    while low < high {
        let middle = (low + high) >> 1
        if values[middle] < target { low = middle + 1 } else { high = middle }
    }
    return low
}
