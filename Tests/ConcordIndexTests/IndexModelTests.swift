import ConcordIndex
import ConcordText
import Glibc
import Testing

// The writer against an in-memory model (STYLE-ANCHORS §7 items 5 and 8): random sequences of
// add / update / delete / commit / mergeAll / reopen, compared after every commit with a fresh
// snapshot and `IndexChecker`; the writer lock; snapshot isolation; and storage faults injected
// through `Syscalls.arm` that must leave the previous commit intact. `CONCORD_SEED` replays a run.

/// SplitMix64 (seeded; the seed is named in every failure message).
private struct SeededRandom: RandomNumberGenerator {
    static let seed: UInt64 = {
        if let text = getenv("CONCORD_SEED"), let value = UInt64(String(cString: text)) { return value }
        return 0x4D0D_E15E_ED00
    }()

    private var state: UInt64

    init(stream: UInt64) { state = Self.seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

/// `Syscalls.arm` counts calls process-wide, so a test that arms a fault takes this lock
/// exclusively and tests of this module that write indexes take it shared: an armed fault is
/// then never consumed by (or sprung on) another test of these files.
enum StorageFaultLock {
    nonisolated(unsafe) private static var lock: pthread_rwlock_t = {
        var lock = pthread_rwlock_t()
        pthread_rwlock_init(&lock, nil)
        return lock
    }()

    /// Runs `body` while no fault can be armed.
    static func shared<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body()
    }

    /// Runs `body` alone among the tests that take the lock.
    static func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body()
    }
}

/// A temporary index directory, removed on deinit.
private final class TemporaryDirectory {
    let path: String

    init(_ label: String) {
        var template = Array("/tmp/concord-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
    }

    deinit {
        for name in fileNames(path) { unlink(path + "/" + name) }
        rmdir(path)
    }
}

/// Names in a directory (no "." or "..").
private func fileNames(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

/// What the model keeps of a document: what was added, and what reading it back must give.
private struct ModelDocument {
    var id: String
    var title: String
    var paragraphs: [String]
    var keyword: String? = nil
    var number: Int64? = nil

    var indexDocument: IndexDocument {
        var fields: [(name: String, value: IndexFieldValue)] = []
        if let keyword { fields.append(("kind", .keyword(keyword))) }
        if let number { fields.append(("n", .number(number))) }
        return IndexDocument(
            id: id, title: title, source: paragraphs.joined(separator: "\n\n"),
            paragraphs: paragraphs.enumerated().map {
                IndexParagraph(label: "P\($0.offset + 1)", kind: 1, verb: nil, text: $0.element, sourceMap: [])
            }, fields: fields)
    }

    /// Body postings (stem → positions) and exact-form frequencies, by the same analyzer the
    /// writer uses, with the paragraph gap between paragraphs.
    func analyzed() -> (body: [String: [UInt32]], exact: [String: UInt32]) {
        var analyzer = Analyzer(stemming: true)
        var body: [String: Set<UInt32>] = [:]
        var exact: [String: UInt32] = [:]
        var position = 0
        for (index, text) in paragraphs.enumerated() {
            if index > 0 { position += IndexLimits.paragraphGap }
            var end = position
            for token in analyzer.tokens(text, firstPosition: position) {
                body[token.stem, default: []].insert(UInt32(token.position))
                exact[token.surface, default: 0] += 1
                if !token.isWhole { end = max(end, token.position + 1) }
            }
            position = end
        }
        return (body.mapValues { $0.sorted() }, exact)
    }
}

/// Builds random documents over a small vocabulary (stems shared by several surface forms,
/// compounds, numbers) so that terms repeat across documents and segments.
private struct DocumentFactory {
    static let vocabulary = [
        "walk", "walks", "walked", "walking", "kalo", "mipe", "nuro", "sati", "vuze", "loka", "resolution",
        "resolutions", "council", "e-mail", "state-of-the-art", "1945", "70/153", "zebra", "quartz", "yak",
        "assembly", "général", "naïve", "x",
    ]
    var next = 0

    mutating func make(id: String, random: inout SeededRandom) -> ModelDocument {
        func words(_ count: Int) -> String {
            (0..<count).map { _ in Self.vocabulary.randomElement(using: &random)! }.joined(separator: " ")
        }
        let paragraphCount = random.chance(0.1) ? 0 : Int.random(in: 1...3, using: &random)
        let paragraphs = (0..<paragraphCount).map { _ in words(Int.random(in: 0...12, using: &random)) }
        return ModelDocument(
            id: id, title: words(Int.random(in: 0...3, using: &random)), paragraphs: paragraphs,
            keyword: random.chance(0.7) ? Self.vocabulary.randomElement(using: &random)! : nil,
            number: random.chance(0.7) ? Int64.random(in: -1_000_000...Int64.max / 2, using: &random) : nil)
    }

    mutating func freshId() -> String {
        next += 1
        return "doc-\(next)"
    }
}

/// Compares the index at `directory` with `model` (the live documents by id): live ids via
/// `locate(id:)` and a scan of every segment, stored documents and numbers, the live
/// postings of every term of the vocabulary, and a deep `IndexChecker` run.
private func verify(
    directory: String, model: [String: ModelDocument], absentIds: [String], comment: Comment,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let snapshot = try IndexSnapshot(directory: directory)
    #expect(snapshot.liveDocumentCount == model.count, comment, sourceLocation: sourceLocation)

    // Every live document, once, with its stored content.
    var liveIds: [String] = []
    for segment in snapshot.segments {
        for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
            liveIds.append(try segment.document(doc, includeText: false).id)
        }
    }
    #expect(liveIds.sorted() == model.keys.sorted(), comment, sourceLocation: sourceLocation)
    for (id, expected) in model {
        guard let (segmentIndex, doc) = try snapshot.locate(id: id) else {
            Issue.record("document \(id) not found: \(comment)", sourceLocation: sourceLocation)
            continue
        }
        let segment = snapshot.segments[segmentIndex]
        let stored = try segment.document(doc)
        #expect(stored.id == id, comment, sourceLocation: sourceLocation)
        #expect(stored.title == expected.title, "\(id): \(comment)", sourceLocation: sourceLocation)
        #expect(
            stored.paragraphs.map(\.text) == expected.paragraphs, "\(id): \(comment)", sourceLocation: sourceLocation)
        #expect(stored.field("kind") == expected.keyword.map { .keyword($0) }, "\(id)", sourceLocation: sourceLocation)
        #expect(stored.field("n") == expected.number.map { .number($0) }, "\(id)", sourceLocation: sourceLocation)
        #expect(segment.number("n", doc: doc) == expected.number, "\(id): \(comment)", sourceLocation: sourceLocation)
    }
    for id in absentIds where model[id] == nil {
        #expect(try snapshot.locate(id: id) == nil, "\(id) should be gone: \(comment)", sourceLocation: sourceLocation)
    }

    // Live postings of every body stem and exact form the model knows.
    var expectedBody: [String: [String: [UInt32]]] = [:]
    var expectedExact: [String: [String: UInt32]] = [:]
    for (id, document) in model {
        let (body, exact) = document.analyzed()
        for (stem, positions) in body { expectedBody[stem, default: [:]][id] = positions }
        for (surface, freq) in exact { expectedExact[surface, default: [:]][id] = freq }
    }
    var analyzer = Analyzer(stemming: true)
    var stems = Set(expectedBody.keys)
    var surfaces = Set(expectedExact.keys)
    for word in DocumentFactory.vocabulary {
        for token in analyzer.tokens(word) {
            stems.insert(token.stem)
            surfaces.insert(token.surface)
        }
    }
    for stem in stems {
        var actual: [String: [UInt32]] = [:]
        for segment in snapshot.segments {
            guard let info = try segment.termInfo([TermField.body.rawValue] + Array(stem.utf8)) else { continue }
            let cursor = segment.cursor(info)
            while cursor.doc != PostingsCursor.terminated {
                if !segment.isDeleted(cursor.doc) {
                    let id = try segment.document(cursor.doc, includeText: false).id
                    #expect(
                        actual[id] == nil, "\(id) has two live postings for \(stem)", sourceLocation: sourceLocation)
                    actual[id] = cursor.withPositions { Array($0) }
                }
                cursor.advance()
            }
            #expect(!cursor.isCorrupt, comment, sourceLocation: sourceLocation)
        }
        #expect(actual == expectedBody[stem] ?? [:], "stem \(stem): \(comment)", sourceLocation: sourceLocation)
    }
    for surface in surfaces {
        var actual: [String: UInt32] = [:]
        for segment in snapshot.segments {
            guard let info = try segment.termInfo([TermField.exact.rawValue] + Array(surface.utf8)) else { continue }
            let cursor = segment.cursor(info)
            while cursor.doc != PostingsCursor.terminated {
                if !segment.isDeleted(cursor.doc) {
                    actual[try segment.document(cursor.doc, includeText: false).id] = cursor.freq
                }
                cursor.advance()
            }
        }
        #expect(actual == expectedExact[surface] ?? [:], "exact \(surface): \(comment)", sourceLocation: sourceLocation)
    }

    let report = IndexChecker.check(directory: directory, deep: true)
    #expect(
        report.isHealthy, "check: \(report.problems) \(report.segments.flatMap(\.problems)): \(comment)",
        sourceLocation: sourceLocation)
}

/// The seeds of the random-sequence test: `CONCORD_SEED` alone when set.
private let modelSeeds: [UInt64] = getenv("CONCORD_SEED") != nil ? [0] : [0, 1, 2, 3, 4, 5]

@Suite("Index writer against a model")
struct IndexModelTests {
    @Test("random add / update / delete / commit / mergeAll / reopen sequences", arguments: modelSeeds)
    func randomSequences(stream: UInt64) throws {
        try StorageFaultLock.shared {
            var random = SeededRandom(stream: 77 + stream)
            let directory = TemporaryDirectory("model")
            var factory = DocumentFactory()
            var committed: [String: ModelDocument] = [:]
            var pending: [String: ModelDocument] = [:]
            var everUsed: [String] = []
            var log: [String] = []
            let storeText = true

            func openWriter() throws -> IndexWriter {
                let budget = [1, 2048, 1 << 20].randomElement(using: &random)!
                let factor = [2, 3, 10].randomElement(using: &random)!
                let merges = random.chance(0.7)
                log.append("open(budget \(budget), mergeFactor \(factor), merges \(merges))")
                return try IndexWriter(
                    directory: directory.path,
                    options: .init(
                        memoryBudget: budget, mergeFactor: factor, automaticMerges: merges, storeText: storeText))
            }

            var writer = try openWriter()
            for step in 0..<90 {
                let roll = Int.random(in: 0..<100, using: &random)
                let comment: Comment =
                    "CONCORD_SEED=\(SeededRandom.seed) stream \(stream) step \(step): \(log.suffix(8))"
                switch roll {
                case 0..<35:
                    let document = factory.make(id: factory.freshId(), random: &random)
                    log.append("add \(document.id)")
                    everUsed.append(document.id)
                    try writer.add(document.indexDocument)
                    pending[document.id] = document
                case 35..<55:
                    // Update: an id that is live, deleted, or only pending.
                    guard let id = everUsed.randomElement(using: &random) else { continue }
                    let document = factory.make(id: id, random: &random)
                    log.append("update \(id)")
                    try writer.add(document.indexDocument)
                    pending[id] = document
                case 55..<67:
                    let id = random.chance(0.85) ? everUsed.randomElement(using: &random) ?? "none" : "missing-\(step)"
                    log.append("delete \(id)")
                    let existed = try writer.delete(id: id)
                    #expect(existed == (pending[id] != nil), "delete(\(id)) returned \(existed): \(comment)")
                    pending[id] = nil
                case 67..<82:
                    log.append("commit")
                    try writer.commit()
                    committed = pending
                    try verify(directory: directory.path, model: committed, absentIds: everUsed, comment: comment)
                case 82..<89:
                    log.append("mergeAll")
                    let summary = try writer.mergeAll()
                    committed = pending
                    #expect(summary.segmentCount <= 1, comment)
                    try verify(directory: directory.path, model: committed, absentIds: everUsed, comment: comment)
                case 89..<95:
                    log.append("reopen (dropping \(writer.bufferedDocuments) buffered)")
                    writer.close()
                    writer = try openWriter()
                    pending = committed
                    if Syscalls.exists(directory.path + "/MANIFEST") {
                        try verify(directory: directory.path, model: committed, absentIds: everUsed, comment: comment)
                    }
                default:
                    // Same id twice in a row: the second replaces the first inside one buffer.
                    let id = factory.freshId()
                    log.append("add \(id) twice")
                    everUsed.append(id)
                    try writer.add(factory.make(id: id, random: &random).indexDocument)
                    let second = factory.make(id: id, random: &random)
                    try writer.add(second.indexDocument)
                    pending[id] = second
                }
            }
            log.append("final commit")
            try writer.commit()
            try verify(
                directory: directory.path, model: pending, absentIds: everUsed,
                comment: "CONCORD_SEED=\(SeededRandom.seed) stream \(stream) final: \(log.suffix(8))")
            writer.close()
        }
    }

    @Test("a second writer fails at once with the holder's pid; the lock is released on close")
    func secondWriterIsLocked() throws {
        try StorageFaultLock.shared {
            let directory = TemporaryDirectory("lock")
            var first: IndexWriter? = try IndexWriter(directory: directory.path)
            try first!.add(ModelDocument(id: "a", title: "", paragraphs: ["walk"]).indexDocument)
            try first!.commit()
            #expect(throws: IndexOpenError.locked(path: directory.path, pid: getpid())) {
                _ = try IndexWriter(directory: directory.path)
            }
            // Readers never block on the writer.
            #expect(try IndexSnapshot(directory: directory.path).liveDocumentCount == 1)
            first!.close()
            let second = try IndexWriter(directory: directory.path)
            #expect(throws: IndexOpenError.self) { _ = try IndexWriter(directory: directory.path) }
            second.close()
            // Dropping a writer without close() releases the lock too.
            first = try IndexWriter(directory: directory.path)
            first = nil
            let third = try IndexWriter(directory: directory.path)
            third.close()
        }
    }

    @Test("a snapshot keeps its documents across later commits and merges; a new one sees the new documents")
    func snapshotIsolation() throws {
        try StorageFaultLock.shared {
            var random = SeededRandom(stream: 9)
            let directory = TemporaryDirectory("snapshot")
            var factory = DocumentFactory()
            let writer = try IndexWriter(directory: directory.path, options: .init(automaticMerges: false))
            var model: [String: ModelDocument] = [:]
            for round in 0..<3 {
                for _ in 0..<15 {
                    let document = factory.make(id: factory.freshId(), random: &random)
                    try writer.add(document.indexDocument)
                    model[document.id] = document
                }
                if round == 1 {
                    try writer.delete(id: "doc-2")
                    model["doc-2"] = nil
                }
                try writer.commit()
            }
            let firstModel = model
            let first = try IndexSnapshot(directory: directory.path)
            let firstFiles = first.segments.flatMap(\.fileNames)
            #expect(first.segments.count == 3)

            // Update, delete and add, then commit: the old snapshot answers as before.
            for id in ["doc-1", "doc-20", "doc-40"] {
                let document = factory.make(id: id, random: &random)
                try writer.add(document.indexDocument)
                model[id] = document
            }
            try writer.delete(id: "doc-3")
            model["doc-3"] = nil
            for _ in 0..<10 {
                let document = factory.make(id: factory.freshId(), random: &random)
                try writer.add(document.indexDocument)
                model[document.id] = document
            }
            try writer.commit()
            try checkSnapshot(first, model: firstModel, comment: "after a commit")

            // mergeAll deletes every file the old snapshot mapped; it still reads them.
            try writer.mergeAll()
            let remaining = Set(fileNames(directory.path))
            #expect(firstFiles.allSatisfy { !remaining.contains($0) }, "merged files remain: \(remaining)")
            try checkSnapshot(first, model: firstModel, comment: "after mergeAll")

            let second = try IndexSnapshot(directory: directory.path)
            #expect(second.segments.count == 1)
            try checkSnapshot(second, model: model, comment: "new snapshot")
            try verify(directory: directory.path, model: model, absentIds: ["doc-2", "doc-3"], comment: "final")
            writer.close()
        }
    }

    @Test("merging segments written with and without stored text keeps the index healthy")
    func mergeOfStoredAndUnstoredText() throws {
        try StorageFaultLock.shared {
            var random = SeededRandom(stream: 12)
            let directory = TemporaryDirectory("storetext")
            var factory = DocumentFactory()
            var model: [String: ModelDocument] = [:]
            for storeText in [true, false] {
                let writer = try IndexWriter(
                    directory: directory.path, options: .init(automaticMerges: false, storeText: storeText))
                for _ in 0..<6 {
                    let document = factory.make(id: factory.freshId(), random: &random)
                    try writer.add(document.indexDocument)
                    model[document.id] = document
                }
                try writer.commit()
                writer.close()
            }
            #expect(IndexChecker.check(directory: directory.path, deep: true).isHealthy, "two segments")
            let writer = try IndexWriter(directory: directory.path)
            try writer.mergeAll()
            writer.close()
            let snapshot = try IndexSnapshot(directory: directory.path)
            #expect(snapshot.liveDocumentCount == model.count)
            let report = IndexChecker.check(directory: directory.path, deep: true)
            #expect(report.isHealthy, "\(report.segments.flatMap(\.problems))")

        }
    }

    /// A storage fault during a commit, a mergeAll with pending changes, or a mergeAll alone.
    struct FaultCase: Sendable, CustomTestStringConvertible {
        enum Stage: String, Sendable {
            case commit
            case mergeAllWithPending = "mergeAll with pending changes"
            case mergeOnly = "mergeAll of committed segments"
        }

        var operation: String
        var callNumber: Int
        var code: Int32
        var shortWrite = false
        var stage = Stage.commit

        var testDescription: String {
            "\(shortWrite ? "short " : "")\(operation) #\(callNumber) errno \(code) during \(stage.rawValue)"
        }

        static let all: [FaultCase] = [
            FaultCase(operation: "write", callNumber: 1, code: ENOSPC),
            FaultCase(operation: "write", callNumber: 3, code: ENOSPC),
            FaultCase(operation: "write", callNumber: 7, code: ENOSPC),
            FaultCase(operation: "write", callNumber: 2, code: EIO, shortWrite: true),
            FaultCase(operation: "write", callNumber: 6, code: ENOSPC, shortWrite: true),
            FaultCase(operation: "fsync", callNumber: 1, code: EIO),
            FaultCase(operation: "fsync", callNumber: 4, code: EIO),
            FaultCase(operation: "open", callNumber: 2, code: EMFILE),
            FaultCase(operation: "rename", callNumber: 1, code: EIO),
            FaultCase(operation: "rename", callNumber: 1, code: EXDEV),
            FaultCase(operation: "write", callNumber: 1, code: ENOSPC, stage: .mergeAllWithPending),
            FaultCase(
                operation: "write", callNumber: 9, code: ENOSPC, shortWrite: true, stage: .mergeAllWithPending),
            FaultCase(operation: "rename", callNumber: 1, code: ENOSPC, stage: .mergeAllWithPending),
            FaultCase(operation: "write", callNumber: 1, code: ENOSPC, stage: .mergeOnly),
            FaultCase(
                operation: "write", callNumber: 4, code: ENOSPC, shortWrite: true, stage: .mergeOnly),
            FaultCase(operation: "fsync", callNumber: 2, code: EIO, stage: .mergeOnly),
            FaultCase(operation: "write", callNumber: 7, code: ENOSPC, stage: .mergeOnly),
            FaultCase(operation: "rename", callNumber: 1, code: EIO, stage: .mergeOnly),
        ]
    }

    @Test(
        "a failed commit throws, the previous commit still opens whole, and a retry publishes everything",
        arguments: FaultCase.all)
    func storageFaults(_ fault: FaultCase) throws {
        try StorageFaultLock.exclusive {
            var random = SeededRandom(stream: 300)
            let directory = TemporaryDirectory("fault")
            var factory = DocumentFactory()
            let writer = try IndexWriter(directory: directory.path, options: .init(automaticMerges: false))
            var committed: [String: ModelDocument] = [:]
            for batch in 0..<2 {
                for _ in 0..<12 {
                    let document = factory.make(id: factory.freshId(), random: &random)
                    try writer.add(document.indexDocument)
                    committed[document.id] = document
                }
                if batch == 1 {
                    try writer.delete(id: "doc-4")
                    committed["doc-4"] = nil
                }
                try writer.commit()
            }
            // Pending: new documents, an update and a delete of committed ones.
            var pending = committed
            for _ in 0..<8 {
                let document = factory.make(id: factory.freshId(), random: &random)
                try writer.add(document.indexDocument)
                pending[document.id] = document
            }
            let updated = factory.make(id: "doc-2", random: &random)
            try writer.add(updated.indexDocument)
            pending["doc-2"] = updated
            try writer.delete(id: "doc-15")
            pending["doc-15"] = nil
            let ids = Array(pending.keys) + ["doc-4", "doc-15"]
            if fault.stage == .mergeOnly {
                try writer.commit()
                committed = pending
            }

            Syscalls.arm(
                Syscalls.Fault(
                    operation: fault.operation, callNumber: fault.callNumber, code: fault.code,
                    shortWrite: fault.shortWrite, pathPrefix: directory.path))
            var thrown: (any Error)?
            do {
                if fault.stage == .commit { try writer.commit() } else { try writer.mergeAll() }
            } catch {
                thrown = error
            }
            Syscalls.arm(nil)
            let comment: Comment = "\(fault.testDescription)"
            let storageError = try #require(thrown as? StorageError, "the commit did not fail: \(comment)")
            #expect(storageError.operation == fault.operation && storageError.code == fault.code, comment)

            // The previous commit opens with all its documents, and checks healthy.
            try verify(directory: directory.path, model: committed, absentIds: ids, comment: comment)

            // The same writer retries and publishes everything pending (a failed merge once lost the
            // merge's source segments here).
            try writer.commit()
            let live = try IndexSnapshot(directory: directory.path).liveDocumentCount
            try #require(live == pending.count, "the retry published \(live) of \(pending.count) documents: \(comment)")
            try verify(directory: directory.path, model: pending, absentIds: ids, comment: "retry: \(comment)")
            writer.close()

            // A new writer removes leftovers: only referenced files remain.
            let reopened = try IndexWriter(directory: directory.path)
            let snapshot = try IndexSnapshot(directory: directory.path)
            let referenced = Set(snapshot.segments.flatMap(\.fileNames) + ["MANIFEST", "LOCK"])
            #expect(Set(fileNames(directory.path)) == referenced, "leftover files: \(comment)")
            reopened.close()
        }
    }
}

/// Compares a snapshot with a model without reopening the directory.
private func checkSnapshot(_ snapshot: IndexSnapshot, model: [String: ModelDocument], comment: Comment) throws {
    #expect(snapshot.liveDocumentCount == model.count, comment)
    for (id, expected) in model {
        guard let (segmentIndex, doc) = try snapshot.locate(id: id) else {
            Issue.record("document \(id) not found: \(comment)")
            continue
        }
        let stored = try snapshot.segments[segmentIndex].document(doc)
        #expect(stored.paragraphs.map(\.text) == expected.paragraphs, "\(id): \(comment)")
    }
    // Postings of every stem, live documents only.
    var expected: [String: Set<String>] = [:]
    for (id, document) in model {
        for stem in document.analyzed().body.keys { expected[stem, default: []].insert(id) }
    }
    for (stem, ids) in expected {
        var actual: Set<String> = []
        for segment in snapshot.segments {
            guard let info = try segment.termInfo([TermField.body.rawValue] + Array(stem.utf8)) else { continue }
            let cursor = segment.cursor(info)
            while cursor.doc != PostingsCursor.terminated {
                if !segment.isDeleted(cursor.doc) {
                    actual.insert(try segment.document(cursor.doc, includeText: false).id)
                }
                cursor.advance()
            }
        }
        #expect(actual == ids, "stem \(stem): \(comment)")
    }
}
