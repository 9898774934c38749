import Concord
import ConcordTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// One writer thread commits batches (flushing several segments, with tiered merges and a full
// merge every few batches) while two reader threads open and reload snapshots and query them.
// Commit k holds exactly the documents of batches 0...k; every document has the word `common`
// and the word of its batch, and some batches re-index documents of earlier ones (same words,
// new text), so a reader that saw an update without its delete would count too many. Each
// answer must match one committed state, the same state for every query of one snapshot, and a
// reader never goes back to an older commit.

/// The planned batches: sizes and re-indexed documents, from a fixed seed.
private struct BatchPlan: Sendable {
    /// Documents added by batch k (new ids only).
    let sizes: [Int]
    /// For batch k, ids of earlier batches re-indexed by it (with their batch word kept).
    let updates: [[(id: String, batch: Int)]]

    /// Live documents after commit k: the sizes of batches 0...k.
    var committedCounts: [Int] {
        var total = 0
        return sizes.map {
            total += $0
            return total
        }
    }

    init(batches: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var sizes: [Int] = []
        var updates: [[(id: String, batch: Int)]] = []
        for batch in 0..<batches {
            sizes.append(random.int(in: 8...30))
            var chosen: [(id: String, batch: Int)] = []
            if batch > 0 {
                for _ in 0..<random.int(in: 0...6) {
                    let earlier = random.below(batch)
                    let id = "b\(earlier)-\(random.below(sizes[earlier]))"
                    if !chosen.contains(where: { $0.id == id }) { chosen.append((id, earlier)) }
                }
            }
            updates.append(chosen)
        }
        self.sizes = sizes
        self.updates = updates
    }

    /// The word only documents of batch k contain.
    static func batchWord(_ batch: Int) -> String { "zqb" + CrashLoop.letters(batch) + "q" }
}

/// What the threads report, behind a lock.
private final class SharedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var problems: [String] = []
    private var queries = 0
    private var snapshots = 0
    private var statesSeen: Set<Int> = []
    private var writerFinished = false

    func problem(_ text: String) { lock.withLock { problems.append(text) } }
    func counted(queries newQueries: Int, snapshots newSnapshots: Int) {
        lock.withLock {
            queries += newQueries
            snapshots += newSnapshots
        }
    }
    func saw(state: Int) { _ = lock.withLock { statesSeen.insert(state) } }
    func finishWriter() { lock.withLock { writerFinished = true } }
    var isWriterFinished: Bool { lock.withLock { writerFinished } }
    var report: (problems: [String], queries: Int, snapshots: Int, states: Int) {
        lock.withLock { (problems, queries, snapshots, statesSeen.count) }
    }
}

@Suite("Readers and a writer at the same time")
struct ConcurrencyTests {
    @Test("readers always see one committed state while a writer commits and merges; a second writer is refused")
    func readersSeeCommittedStates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "concord-concurrency-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plan = BatchPlan(batches: 24, seed: 0xC0_4C07_2E47)
        let log = SharedLog()
        let finished = DispatchSemaphore(value: 0)
        let writerCounts = WriterCounts()

        // The first commit exists before the readers start (no index is not a state to test).
        let writer = try IndexWriter(
            directory: directory, options: .init(memoryBudget: 48 << 10, mergeFactor: 3, automaticMerges: true))
        try addBatch(0, plan: plan, to: writer)
        try writer.commit()
        let transfer = UncheckedBox(writer)
        Thread {
            defer {
                log.finishWriter()
                finished.signal()
            }
            do {
                try writeRemainingBatches(
                    transfer.value, plan: plan, directory: directory, log: log, counts: writerCounts)
            } catch {
                log.problem("writer: \(error)")
            }
            transfer.value.close()
        }.start()
        for reader in 0..<2 {
            Thread {
                defer { finished.signal() }
                readUntilWriterFinishes(reader: reader, plan: plan, directory: directory, log: log)
            }.start()
        }
        for _ in 0..<3 { finished.wait() }

        let (problems, queries, snapshots, states) = log.report
        print(
            "concurrency: \(queries) queries over \(snapshots) snapshots by 2 readers "
                + "(\(states) different commits seen), "
                + "\(writerCounts.commits) commits, \(writerCounts.merges) full merges, "
                + "\(writerCounts.segmentCounts.max() ?? 0) segments at most")
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(writerCounts.commits == plan.sizes.count + writerCounts.merges)
        #expect(states >= 2, "the readers saw too few commits to test anything")
        let final = try SearchIndex(path: directory)
        #expect(final.documentCount == plan.committedCounts.last)
    }
}

/// Commit and merge counts of the writer thread.
private final class WriterCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var storedCommits = 1
    private var storedMerges = 0
    private var storedSegmentCounts: [Int] = []

    var commits: Int { lock.withLock { storedCommits } }
    var merges: Int { lock.withLock { storedMerges } }
    var segmentCounts: [Int] { lock.withLock { storedSegmentCounts } }

    func committed(segments: Int, merge: Bool) {
        lock.withLock {
            storedCommits += 1
            if merge { storedMerges += 1 }
            storedSegmentCounts.append(segments)
        }
    }
}

/// Moves a value that is not `Sendable` to the one thread that uses it from then on.
private final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Adds batch `batch`: its new documents, then its re-indexed ones.
private func addBatch(_ batch: Int, plan: BatchPlan, to writer: IndexWriter) throws {
    var random = SplitMix64(seed: UInt64(batch) &* 0x9E37_79B9)
    func document(id: String, batch: Int) -> IndexDocument {
        let filler = (0..<random.int(in: 20...60)).map { _ in random.pick(RandomVocabulary.contentWords) }
        let text = "common \(BatchPlan.batchWord(batch)) " + filler.joined(separator: " ")
        return IndexDocument(
            id: id, title: "document \(id)", source: text,
            paragraphs: [IndexParagraph(label: "P1", kind: 7, verb: nil, text: text, sourceMap: [])], fields: [])
    }
    for number in 0..<plan.sizes[batch] { try writer.add(document(id: "b\(batch)-\(number)", batch: batch)) }
    for (id, earlier) in plan.updates[batch] { try writer.add(document(id: id, batch: earlier)) }
}

/// Batches 1… with a commit after each, a full merge after every fifth, and at the middle a
/// second writer (in-process, then `concord index`) that must be refused without effect.
private func writeRemainingBatches(
    _ writer: IndexWriter, plan: BatchPlan, directory: String, log: SharedLog, counts: WriterCounts
) throws {
    for batch in 1..<plan.sizes.count {
        try addBatch(batch, plan: plan, to: writer)
        counts.committed(segments: try writer.commit().segmentCount, merge: false)
        if batch % 5 == 0 {
            counts.committed(segments: try writer.mergeAll().segmentCount, merge: true)
        }
        if batch == plan.sizes.count / 2 {
            try checkSecondWriterRefused(directory: directory, log: log)
        }
    }
}

/// A second `IndexWriter` and a `concord index` run on the locked index fail with the lock
/// error naming this process, and the commit in force does not change.
private func checkSecondWriterRefused(directory: String, log: SharedLog) throws {
    let before = try IndexSnapshot(directory: directory).manifest.generation
    do {
        let second = try IndexWriter(directory: directory)
        second.close()
        log.problem("a second IndexWriter opened while the first was open")
    } catch let error as IndexOpenError {
        if error != .locked(path: directory, pid: getpid()) { log.problem("second writer: \(error)") }
    } catch {
        log.problem("second writer: unexpected error \(error)")
    }
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("concord-locked-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: input) }
    let file = input.appendingPathComponent("more.jsonl")
    try Data(#"{"id": "intruder", "text": "common words"}"#.utf8).write(to: file)
    let run = try ConcordProcess.run(["index", file.path, "--index", directory], in: input)
    if run.status != 1 || !run.stderr.contains("index is locked by pid \(getpid())") {
        log.problem("concord index on a locked index: status \(run.status), stderr \(run.stderr)")
    }
    let after = try IndexSnapshot(directory: directory).manifest.generation
    if after != before { log.problem("the refused writers changed the commit from \(before) to \(after)") }
}

/// Opens (or reloads) a snapshot and checks it until the writer is done, then once more.
private func readUntilWriterFinishes(reader: Int, plan: BatchPlan, directory: String, log: SharedLog) {
    var random = SplitMix64(seed: 0x5EAD + UInt64(reader))
    let committedCounts = plan.committedCounts
    var index: SearchIndex?
    var lastState = -1
    var options = SearchOptions()
    options.exactCount = true
    options.limit = 1
    var finalRound = false
    while !finalRound {
        finalRound = log.isWriterFinished
        var queries = 0
        defer { log.counted(queries: queries, snapshots: 1) }
        do {
            if let index, random.chance(0.5) {
                try index.reload()
            } else {
                index = try SearchIndex(path: directory)
            }
            let snapshot = index!
            func count(_ query: String) throws -> Int {
                queries += 1
                return try snapshot.search(query, options: options).totalHits
            }
            let common = try count("common")
            guard let state = committedCounts.firstIndex(of: common) else {
                log.problem("reader \(reader): \(common) documents match `common`, no commit had that many")
                continue
            }
            if state < lastState { log.problem("reader \(reader): went back from commit \(lastState) to \(state)") }
            lastState = state
            log.saw(state: state)
            if snapshot.documentCount != common {
                log.problem("reader \(reader): \(snapshot.documentCount) live documents, \(common) match `common`")
            }
            // Batch words: the newest batch of this state, the next one, and two at random.
            var batches = [state, random.below(plan.sizes.count), random.below(state + 1)]
            if state + 1 < plan.sizes.count { batches.append(state + 1) }
            for batch in batches {
                let expected = batch <= state ? plan.sizes[batch] : 0
                let word = BatchPlan.batchWord(batch)
                let found = try count(word)
                let both = try count("+common +\(word)")
                if found != expected || both != expected {
                    log.problem(
                        "reader \(reader): commit \(state) has \(expected) documents of batch \(batch); "
                            + "`\(word)` found \(found), with `common` \(both)")
                }
            }
        } catch {
            log.problem("reader \(reader): \(error)")
        }
    }
}
