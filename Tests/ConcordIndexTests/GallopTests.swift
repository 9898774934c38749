import ConcordIndex
import ConcordTestSupport
import Testing

@Suite("Galloping search against a linear scan")
struct GallopTests {
    @Test("every start and target of random ascending lists, at list edges and past the end")
    func matchesLinearScan() {
        let seed: UInt64 = 0x6A11_0905
        var random = SplitMix64(seed: seed)
        for round in 0..<300 {
            let count = [1, 2, 3, 127, 128, 129, 1000][round % 7] + random.below(4)
            var values: [UInt32] = []
            var value: UInt32 = UInt32(random.below(3))
            for _ in 0..<count {
                values.append(value)
                value += 1 + UInt32(random.below(round % 2 == 0 ? 3 : 400))
            }
            values.withUnsafeBufferPointer { list in
                for _ in 0..<40 {
                    let start = random.below(count)
                    let target = values[start] + 1 + UInt32(random.below(Int(value - values[start]) + 50))
                    var expected = start
                    while expected < count && values[expected] < target { expected += 1 }
                    let found = gallop(to: target, in: list.baseAddress!, from: start, count: count)
                    #expect(found == expected, "seed \(seed) round \(round) start \(start) target \(target)")
                }
            }
        }
    }
}
