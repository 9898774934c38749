/// Position-level matching of phrases and NEAR, shared by the scorers and the highlighter.
/// Inputs are strictly increasing position lists. Definitions (DESIGN §4, FORMAT-independent):
/// - Phrase with offsets q and slop s: positions p_0 < p_1 < … with p_i − p_(i−1) ≥ q_i − q_(i−1)
///   and (p_last − p_0) − (q_last − q_0) ≤ s. Its frequency is the number of distinct p_0 that
///   start such a match (the greedy earliest continuation is optimal, so one pass suffices).
/// - NEAR/N over spans (each an exact phrase): one occurrence per operand, pairwise
///   non-overlapping; sorted by start, the gap start_(k+1) − end_k − 1 between neighbours is
///   at most N; ONEAR also requires the sorted order to be the written order. Its frequency
///   is the number of occurrences of the first operand that take part in some valid choice.
enum ProximityMatcher {
    /// Starts of matches of a phrase (see the type's definition).
    static func phraseStarts(_ lists: [[UInt32]], offsets: [Int], slop: Int) -> [UInt32] {
        guard let first = lists.first else { return [] }
        var cursors = [Int](repeating: 0, count: lists.count)
        var starts: [UInt32] = []
        let span = offsets.last! - offsets[0]
        for p0 in first {
            var previous = Int(p0)
            var ok = true
            for i in 1..<lists.count {
                let minimum = previous + (offsets[i] - offsets[i - 1])
                let list = lists[i]
                var c = cursors[i]
                // Lists only move forward as p0 grows, so each cursor advances monotonically.
                while c < list.count && Int(list[c]) < minimum { c += 1 }
                cursors[i] = c
                if c == list.count {
                    return starts
                }
                previous = Int(list[c])
                if previous - Int(p0) - span > slop {
                    ok = false
                    break
                }
            }
            if ok { starts.append(p0) }
        }
        return starts
    }

    /// Occurrences (start, end inclusive) of one NEAR operand, from its terms' position lists.
    static func spanOccurrences(_ lists: [[UInt32]], offsets: [Int], length: Int) -> [(UInt32, UInt32)] {
        if lists.count == 1 { return lists[0].map { ($0, $0) } }
        return phraseStarts(lists, offsets: offsets, slop: 0).map { start in
            let origin = UInt32(Int(start) - offsets[0])
            return (origin, origin + UInt32(length - 1))
        }
    }

    /// Occurrences of operand 0 that take part in a valid NEAR choice.
    static func nearMatches(_ operands: [[(UInt32, UInt32)]], distance: Int, ordered: Bool) -> [(UInt32, UInt32)] {
        guard let first = operands.first, operands.allSatisfy({ !$0.isEmpty }) else { return [] }
        if operands.count == 1 { return first }
        var result: [(UInt32, UInt32)] = []
        let maxLength = operands.flatMap { $0.map { Int($0.1 - $0.0) + 1 } }.max() ?? 1
        let window = (operands.count - 1) * (distance + maxLength + 1)
        for occurrence in first {
            let matched: Bool
            if ordered {
                matched = orderedMatch(operands, from: occurrence, distance: distance)
            } else {
                var chosen = [occurrence]
                matched = unorderedSearch(operands, index: 1, chosen: &chosen, distance: distance, window: window)
            }
            if matched { result.append(occurrence) }
        }
        return result
    }

    private static func orderedMatch(_ operands: [[(UInt32, UInt32)]], from start: (UInt32, UInt32), distance: Int)
        -> Bool
    {
        orderedSearch(operands, index: 1, previousEnd: Int(start.1), distance: distance)
    }

    /// Tries every occurrence of operand `index` that starts after the previous span within
    /// `distance` tokens (the earliest is not always right: a later one may leave the next
    /// operand close enough, an earlier one may leave room for it).
    private static func orderedSearch(_ operands: [[(UInt32, UInt32)]], index: Int, previousEnd: Int, distance: Int)
        -> Bool
    {
        if index == operands.count { return true }
        for candidate in operands[index] where Int(candidate.0) > previousEnd {
            if Int(candidate.0) - previousEnd - 1 > distance { break }
            if orderedSearch(operands, index: index + 1, previousEnd: Int(candidate.1), distance: distance) {
                return true
            }
        }
        return false
    }

    private static func unorderedSearch(
        _ operands: [[(UInt32, UInt32)]], index: Int, chosen: inout [(UInt32, UInt32)], distance: Int, window: Int
    ) -> Bool {
        if index == operands.count { return isChain(chosen, distance: distance) }
        let anchor = chosen[0]
        let low = Int(anchor.0) - window
        let high = Int(anchor.1) + window
        for candidate in operands[index] where Int(candidate.0) >= low && Int(candidate.0) <= high {
            if chosen.contains(where: { overlaps($0, candidate) }) { continue }
            chosen.append(candidate)
            if unorderedSearch(operands, index: index + 1, chosen: &chosen, distance: distance, window: window) {
                chosen.removeLast()
                return true
            }
            chosen.removeLast()
        }
        return false
    }

    private static func overlaps(_ a: (UInt32, UInt32), _ b: (UInt32, UInt32)) -> Bool {
        a.0 <= b.1 && b.0 <= a.1
    }

    private static func isChain(_ spans: [(UInt32, UInt32)], distance: Int) -> Bool {
        let sorted = spans.sorted { $0.0 < $1.0 }
        for i in 1..<sorted.count where Int(sorted[i].0) - Int(sorted[i - 1].1) - 1 > distance {
            return false
        }
        return true
    }
}
