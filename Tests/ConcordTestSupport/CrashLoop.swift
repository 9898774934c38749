import Concord
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// The crash loop (reliability issue): `concord index` and `concord merge` run as child processes
// and are killed with SIGKILL at random moments; after every iteration the index must check
// healthy, every committed document must be there with its latest content, and a killed batch
// must be entirely visible or entirely absent. Kill moments depend on wall-clock timing, so a
// seed replays the documents, the commands and the kill delays, not exactly where a kill lands.

/// Settings of a crash loop.
package struct CrashLoopConfiguration: Sendable {
    /// Everything random (documents, commands, kill delays) derives from this seed.
    package var seed: UInt64
    /// Iterations to run; each runs one command (killed or not) and verifies the index.
    package var iterations: Int
    /// The `concord` binary to run and kill.
    package var executable: String
    /// A scratch directory the loop owns: the index, batch files and the children's output go
    /// there. Kept after a failure for inspection.
    package var directory: String
    /// Documents written per `index` run (new ids and re-indexed existing ones).
    package var documentsPerBatch: ClosedRange<Int> = 50...300
    /// Once this many documents are live, batches only re-index existing ids, which bounds the
    /// verification cost of long runs.
    package var maximumLiveDocuments = 3_000
    /// Probability that an iteration runs `concord merge` instead of `concord index`.
    package var mergeChance = 0.2
    /// Probability that an iteration schedules a kill (once its command has been timed).
    package var killChance = 0.85
    /// Kill delays are drawn uniformly from zero to this multiple of the expected run time, so
    /// some kills land early, some mid-way and some after the run finished.
    package var killWindow = 1.3
    /// Probability that an `index` run gets `--memory-mb 1`, so the budget flushes several
    /// segments during the run (and commits may run tiered merges).
    package var smallBudgetChance = 0.5
    /// Committed documents also checked through `concord show --json` and `concord search --json`
    /// per iteration (every document is checked in-process through `SearchIndex`).
    package var commandLineSpotChecks = 2
    /// Progress and failure lines go here (flushed at once, so a long run shows its progress).
    package var log: @Sendable (String) -> Void = {
        print($0)
        fflush(nil)
    }

    /// A configuration with the defaults above.
    package init(seed: UInt64, iterations: Int, executable: String, directory: String) {
        self.seed = seed
        self.iterations = iterations
        self.executable = executable
        self.directory = directory
    }

    /// Iterations and seed from the environment: `CONCORD_CRASH_ITERATIONS=N` (default
    /// `defaultIterations`) and `CONCORD_CRASH_SEED=S` (decimal or 0x-hex; default a fresh
    /// random seed, printed so the run can be replayed).
    package static func fromEnvironment(defaultIterations: Int) -> (iterations: Int, seed: UInt64) {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["CONCORD_CRASH_ITERATIONS"].flatMap { Int($0) } ?? defaultIterations
        let seed = environment["CONCORD_CRASH_SEED"].flatMap(parseSeed) ?? UInt64.random(in: 1...UInt64.max)
        return (iterations, seed)
    }

    /// A seed written in decimal or with a `0x` prefix in hexadecimal.
    package static func parseSeed(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }
}

/// What a crash loop did; `lostDocuments` and `failures` must be empty for a pass.
package struct CrashLoopSummary: Sendable, CustomStringConvertible {
    /// The seed of the run.
    package var seed: UInt64
    /// Iterations completed (including the one that failed, if any).
    package var iterations = 0
    /// Kills that landed while the child was still running.
    package var killsWhileRunning = 0
    /// Of those, kills in the first third, the middle third and the rest of the expected run time.
    package var earlyKills = 0
    /// Kills in the middle third of the expected run time.
    package var midwayKills = 0
    /// Kills after two thirds of the expected run time.
    package var lateKills = 0
    /// Runs that exited on their own with status 0.
    package var completedRuns = 0
    /// Of those, runs that had a kill scheduled but finished first.
    package var runsFinishedBeforeTheirKill = 0
    /// Runs that started right after a killed one (stale `LOCK` left behind) and were not
    /// themselves killed: each one succeeded, or the loop failed.
    package var runsAfterAKill = 0
    /// Killed `index` runs whose batch turned out committed as a whole.
    package var killedBatchesCommitted = 0
    /// Killed `index` runs whose batch was absent as a whole.
    package var killedBatchesAbsent = 0
    /// Killed `merge` runs.
    package var killedMerges = 0
    /// Document verifications (by id and by unique words, latest content), summed over iterations.
    package var committedDocumentChecks = 0
    /// Documents live (committed) at the end.
    package var liveDocuments = 0
    /// Committed documents missing or holding stale content: must be empty.
    package var lostDocuments: [String] = []
    /// What went wrong (the loop stops at the first failing iteration).
    package var failures: [String] = []
    /// Wall-clock duration in seconds.
    package var seconds = 0.0

    /// The one-line summary printed at the end.
    package var description: String {
        "crash loop: seed 0x\(String(seed, radix: 16)), \(iterations) iterations, "
            + "\(killsWhileRunning) kills landed while running (\(earlyKills) early, \(midwayKills) mid-way, "
            + "\(lateKills) late; \(killedMerges) in merges), \(completedRuns) runs completed "
            + "(\(runsFinishedBeforeTheirKill) finished before their kill, \(runsAfterAKill) right after a kill), "
            + "killed batches \(killedBatchesCommitted) committed / \(killedBatchesAbsent) absent, "
            + "\(committedDocumentChecks) committed-document checks (\(liveDocuments) live at the end), "
            + "\(lostDocuments.count) lost documents, \(failures.count) failures, "
            + String(format: "%.1f s", seconds)
    }
}

/// Runs the crash loop of `CrashLoopConfiguration`: one child process per iteration, killed
/// or not, then full verification of the index. Single-threaded; not `Sendable`.
package final class CrashLoop {
    /// Which command an iteration runs.
    private enum Command: String {
        case index, merge
    }

    /// One version of a document: its id number and the serial that determines its content.
    private struct Version {
        var idNumber: Int
        var serial: Int
    }

    private let configuration: CrashLoopConfiguration
    private var random: SplitMix64
    private let filler: [String]
    private let fillerSampler: ZipfSampler
    /// Latest committed version of every live id.
    private var committed: [String: Version] = [:]
    private var nextIdNumber = 0
    private var nextSerial = 0
    /// Seconds per document of `index` runs and per live document of `merge` runs, from runs
    /// that completed; nil until one has.
    private var secondsPerUnit: [Command: Double] = [:]
    /// Generated contents by serial (regenerating thousands per iteration is slow in debug);
    /// superseded and absent versions are dropped after each verification.
    private var contentCache: [Int: (title: String, text: String)] = [:]
    private var summary: CrashLoopSummary

    private var indexPath: String { configuration.directory + "/index" }

    /// A loop over `configuration`; `run()` starts it.
    package init(configuration: CrashLoopConfiguration) {
        self.configuration = configuration
        random = SplitMix64(seed: configuration.seed)
        filler = RandomVocabulary.contentWords + RandomVocabulary.syntheticWords(count: 3_000)
        fillerSampler = ZipfSampler(count: filler.count)
        summary = CrashLoopSummary(seed: configuration.seed)
    }

    /// The word only documents of id number `number` contain (all their versions): letters only,
    /// ending in `q` so that no stemming rule applies.
    package static func idWord(_ number: Int) -> String { "zqx" + letters(number) + "q" }

    /// The word only version `serial` of a document contains.
    package static func versionWord(_ serial: Int) -> String { "zqv" + letters(serial) + "q" }

    /// The word every document contains (its hit count is the number of live documents).
    package static let everyDocumentWord = "zqallq"

    /// `number` in base 26 with digits `a`…`z` (0 is `a`, 26 is `ba`): distinct numbers give
    /// distinct strings, and no digits reach the analyzer.
    package static func letters(_ number: Int) -> String {
        var value = number
        var scalars: [Character] = []
        repeat {
            scalars.append(Character(UnicodeScalar(UInt8(97 + value % 26))))
            value /= 26
        } while value > 0
        return String(scalars.reversed())
    }

    /// Runs every iteration (stopping at the first failure) and returns the summary; the
    /// summary line is logged too.
    package func run() throws -> CrashLoopSummary {
        let started = monotonicSeconds()
        try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        configuration.log(
            "crash loop: seed 0x\(String(configuration.seed, radix: 16)) (CONCORD_CRASH_SEED), "
                + "\(configuration.iterations) iterations, binary \(configuration.executable), "
                + "directory \(configuration.directory)")
        var previousWasKilled = false
        for iteration in 0..<configuration.iterations {
            summary.iterations = iteration + 1
            previousWasKilled = try runIteration(iteration, afterKill: previousWasKilled)
            if !summary.failures.isEmpty {
                configuration.log(
                    "crash loop FAILED: seed 0x\(String(configuration.seed, radix: 16)), iteration \(iteration): "
                        + summary.failures.joined(separator: "; ") + "; index kept at \(indexPath)")
                break
            }
            if (iteration + 1) % 25 == 0 {
                configuration.log(
                    "crash loop: \(iteration + 1) iterations, \(committed.count) live documents, "
                        + String(format: "%.0f s", monotonicSeconds() - started))
            }
        }
        summary.liveDocuments = committed.count
        summary.seconds = monotonicSeconds() - started
        configuration.log(summary.description)
        return summary
    }

    /// The documents of one `index` run and the versions it supersedes.
    private struct Batch {
        /// Lines of the JSONL file in order; an id may appear twice (the first one wins).
        var documents: [(id: String, version: Version)] = []
        /// Serials of the committed versions of re-indexed ids.
        var replacedSerials: [Int] = []
        /// Serials of the second version of ids written twice in the file, which `concord index`
        /// skips as duplicates: never visible.
        var repeatedSerials: [Int] = []

        /// The version of each id that wins (the first one in the file), in file order.
        var finalVersions: [(id: String, version: Version)] {
            let repeated = Set(repeatedSerials)
            return documents.filter { !repeated.contains($0.version.serial) }
        }
    }

    /// One iteration; returns whether its run was killed.
    private func runIteration(_ iteration: Int, afterKill: Bool) throws -> Bool {
        let command: Command = iteration > 0 && random.chance(configuration.mergeChance) ? .merge : .index
        var arguments: [String]
        var batch = Batch()
        if command == .index {
            batch = makeBatch()
            let batchPath = configuration.directory + "/batch.jsonl"
            try writeBatch(batch, to: batchPath)
            arguments = ["index", batchPath, "--index", indexPath]
            if random.chance(configuration.smallBudgetChance) { arguments += ["--memory-mb", "1"] }
        } else {
            arguments = ["merge", "--index", indexPath]
        }
        let units = Double(command == .index ? batch.documents.count : max(committed.count, 1))
        // The first run of each command is timed, not killed: it calibrates the delays.
        let expectedSeconds = secondsPerUnit[command].map { $0 * units }
        var killDelay: Double?
        if let expectedSeconds, random.chance(configuration.killChance) {
            killDelay = random.unit() * configuration.killWindow * expectedSeconds
        }
        let outcome = try ChildProcess.run(
            configuration.executable, arguments: arguments, outputPrefix: configuration.directory + "/child",
            killAfter: killDelay)
        let context =
            "iteration \(iteration): concord \(arguments.joined(separator: " "))"
            + (killDelay.map { String(format: " (kill at %.3f s)", $0) } ?? "")
        switch outcome {
        case .exited(let status, let seconds):
            guard status == 0 else {
                let stderr =
                    (try? String(contentsOfFile: configuration.directory + "/child.stderr", encoding: .utf8)) ?? ""
                let stale = stderr.contains("locked") ? " (a stale LOCK blocked it)" : ""
                summary.failures.append("\(context) exited with status \(status)\(stale): \(stderr)")
                return false
            }
            summary.completedRuns += 1
            if killDelay != nil { summary.runsFinishedBeforeTheirKill += 1 }
            if afterKill { summary.runsAfterAKill += 1 }
            let observed = seconds / units
            secondsPerUnit[command] = secondsPerUnit[command].map { 0.7 * $0 + 0.3 * observed } ?? observed
            for (id, version) in batch.finalVersions { committed[id] = version }
            try verify(superseded: batch.replacedSerials + batch.repeatedSerials, context: context)
            return false
        case .killed(let seconds):
            summary.killsWhileRunning += 1
            let fraction = seconds / max(expectedSeconds ?? seconds, 1e-9)
            if fraction < 1.0 / 3 {
                summary.earlyKills += 1
            } else if fraction < 2.0 / 3 {
                summary.midwayKills += 1
            } else {
                summary.lateKills += 1
            }
            if command == .merge { summary.killedMerges += 1 }
            try verify(killedBatch: command == .index ? batch : nil, context: context)
            return true
        case .signaled(let signal):
            summary.failures.append("\(context) died of signal \(signal) (not our kill)")
            return false
        }
    }

    /// A batch of new documents and re-indexed existing ids; once the index holds
    /// `maximumLiveDocuments`, only re-indexed ones.
    private func makeBatch() -> Batch {
        let size = random.int(in: configuration.documentsPerBatch)
        let existing = committed.keys.sorted()
        var updateCount = existing.isEmpty ? 0 : Int(Double(size) * random.unit() * 0.4)
        if committed.count + size - updateCount > configuration.maximumLiveDocuments { updateCount = size }
        updateCount = min(updateCount, existing.count)
        var batch = Batch()
        var chosen = Set<String>()
        while chosen.count < updateCount {
            let id = random.pick(existing)
            guard chosen.insert(id).inserted, let old = committed[id] else { continue }
            batch.replacedSerials.append(old.serial)
            batch.documents.append((id, Version(idNumber: old.idNumber, serial: takeSerial())))
        }
        while batch.documents.count < size {
            let number = nextIdNumber
            nextIdNumber += 1
            batch.documents.append(("doc-\(number)", Version(idNumber: number, serial: takeSerial())))
        }
        // Sometimes an id twice in one file: the reader reports the second as a duplicate and
        // skips it, so the first must win, committed or not.
        if random.chance(0.15) {
            let firstCount = batch.documents.count
            var repeated = Set<String>()
            for _ in 0..<random.int(in: 1...3) {
                let (id, version) = batch.documents[random.below(firstCount)]
                guard repeated.insert(id).inserted else { continue }
                let duplicate = Version(idNumber: version.idNumber, serial: takeSerial())
                batch.repeatedSerials.append(duplicate.serial)
                batch.documents.append((id, duplicate))
            }
        }
        return batch
    }

    private func takeSerial() -> Int {
        defer { nextSerial += 1 }
        return nextSerial
    }

    /// Writes the batch as JSONL (`id`, `title`, `text`).
    private func writeBatch(_ batch: Batch, to path: String) throws {
        var data = Data()
        for (id, version) in batch.documents {
            let content = document(version)
            data.append(
                try JSONSerialization.data(
                    withJSONObject: ["id": id, "title": content.title, "text": content.text], options: [.sortedKeys]))
            data.append(0x0A)
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The title and text of a version, a function of the seed and the serial: 3 to 6
    /// paragraphs of filler (a few KB) holding the id word, the version word and the word every
    /// document has.
    private func document(_ version: Version) -> (title: String, text: String) {
        if let cached = contentCache[version.serial] { return cached }
        let content = generateDocument(version)
        contentCache[version.serial] = content
        return content
    }

    private func generateDocument(_ version: Version) -> (title: String, text: String) {
        var generator = SplitMix64(seed: configuration.seed).derived(UInt64(version.serial))
        let paragraphCount = generator.int(in: 3...6)
        var paragraphs: [[String]] = (0..<paragraphCount).map { _ in
            (0..<generator.int(in: 60...140)).map { _ in fillerSampler.word(from: filler, using: &generator) }
        }
        let markers = [Self.everyDocumentWord, Self.idWord(version.idNumber), Self.versionWord(version.serial)]
        for marker in markers {
            let paragraph = generator.below(paragraphCount)
            paragraphs[paragraph].insert(marker, at: generator.below(paragraphs[paragraph].count + 1))
        }
        let title =
            "Record \(Self.idWord(version.idNumber)) " + fillerSampler.word(from: filler, using: &generator) + " "
            + fillerSampler.word(from: filler, using: &generator)
        return (title, paragraphs.map { $0.joined(separator: " ") }.joined(separator: "\n\n"))
    }

    /// After an iteration: `concord check --deep` passes; a killed batch is all visible or all
    /// absent (and counts as committed when visible); every committed document is found by id
    /// and by its id and version words with its latest content; superseded versions are gone.
    private func verify(killedBatch: Batch? = nil, superseded: [Int] = [], context: String) throws {
        let check = try ConcordProcess.run(
            ["check", "--deep", "--index", indexPath], in: URL(fileURLWithPath: configuration.directory))
        guard check.status == 0 else {
            summary.failures.append(
                "after \(context): check --deep exited \(check.status): \(check.stdout)\(check.stderr)")
            return
        }
        let index = try SearchIndex(path: indexPath)
        var superseded = superseded
        if let killedBatch {
            let finals = killedBatch.finalVersions
            var visible: [String] = []
            var invisible: [String] = []
            for (id, version) in finals {
                if try soleHit(index, Self.versionWord(version.serial)) == id {
                    visible.append(id)
                } else {
                    invisible.append(id)
                }
            }
            if invisible.isEmpty {
                summary.killedBatchesCommitted += 1
                for (id, version) in finals { committed[id] = version }
                superseded = killedBatch.replacedSerials + killedBatch.repeatedSerials
            } else if visible.isEmpty {
                // The versions it would have replaced stay current.
                summary.killedBatchesAbsent += 1
                superseded = finals.map(\.version.serial) + killedBatch.repeatedSerials
            } else {
                summary.failures.append(
                    "after \(context): killed batch half visible: \(visible.count) of \(finals.count) documents "
                        + "(visible \(visible.prefix(5)), missing \(invisible.prefix(5)))")
                return
            }
        }
        try verifyCommitted(index, context: context)
        for serial in superseded {
            let hits = try index.search(Self.versionWord(serial), options: countingOptions(limit: 1)).totalHits
            if hits != 0 {
                summary.failures.append(
                    "after \(context): superseded version \(Self.versionWord(serial)) still found (\(hits) hits)")
            }
        }
        try spotCheckCommandLine(context: context)
        let current = Set(committed.values.map(\.serial))
        contentCache = contentCache.filter { current.contains($0.key) }
    }

    /// Every committed document: by id with its latest title and text, as the only hit of its
    /// version word and of its id word; and the live count equal to the committed count.
    private func verifyCommitted(_ index: SearchIndex, context: String) throws {
        var lost: [String] = []
        for (id, version) in committed.sorted(by: { $0.value.serial < $1.value.serial }) {
            summary.committedDocumentChecks += 1
            let expected = document(version)
            guard let stored = try index.document(id) else {
                lost.append("\(id) (not found by id)")
                continue
            }
            if stored.title != expected.title || stored.source != expected.text {
                lost.append("\(id) (stale content: expected version \(Self.versionWord(version.serial)))")
                continue
            }
            if try soleHit(index, Self.versionWord(version.serial)) != id {
                lost.append("\(id) (not the only hit of \(Self.versionWord(version.serial)))")
            } else if try soleHit(index, Self.idWord(version.idNumber)) != id {
                lost.append("\(id) (not the only hit of \(Self.idWord(version.idNumber)))")
            }
        }
        if !lost.isEmpty {
            summary.lostDocuments += lost
            summary.failures.append("after \(context): \(lost.count) committed documents lost: \(lost.prefix(10))")
        }
        let live = index.documentCount
        let everyDocument = try index.search(Self.everyDocumentWord, options: countingOptions(limit: 0)).totalHits
        if live != committed.count || everyDocument != committed.count {
            summary.failures.append(
                "after \(context): \(live) live documents and \(everyDocument) hits of \(Self.everyDocumentWord), "
                    + "expected \(committed.count)")
        }
    }

    /// The id of the only hit of `word`, or nil when there are none or several. Planned and
    /// executed without hit assembly (snippets dominate the cost of thousands of queries per
    /// iteration); the command-line spot checks run the whole `search` path.
    private func soleHit(_ index: SearchIndex, _ word: String) throws -> String? {
        let options = countingOptions(limit: 2)
        let top = try index.topDocs(try index.plan(word, options: options), count: 2, options: options)
        guard top.totalHits == 1, top.entries.count == 1, let entry = top.entries.first else { return nil }
        return try index.externalId(segment: entry.segment, doc: entry.doc)
    }

    private func countingOptions(limit: Int) -> SearchOptions {
        var options = SearchOptions()
        options.limit = limit
        options.exactCount = true
        return options
    }

    /// A few committed documents through the binary: `show ID --json` gives the latest title and
    /// a paragraph with the version word; `search --json VERSIONWORD` finds exactly that id.
    private func spotCheckCommandLine(context: String) throws {
        let ids = committed.keys.sorted()
        guard !ids.isEmpty else { return }
        let workingDirectory = URL(fileURLWithPath: configuration.directory)
        for _ in 0..<configuration.commandLineSpotChecks {
            let id = random.pick(ids)
            let version = committed[id]!
            let word = Self.versionWord(version.serial)
            let shown = try ConcordProcess.run(["show", id, "--json", "--index", indexPath], in: workingDirectory)
            let object = (try? JSONSerialization.jsonObject(with: Data(shown.stdout.utf8))) as? [String: Any]
            let paragraphs = object?["paragraphs"] as? [[String: Any]] ?? []
            if shown.status != 0 || object?["id"] as? String != id
                || object?["title"] as? String != document(version).title
                || !paragraphs.contains(where: { ($0["text"] as? String)?.contains(word) == true })
            {
                summary.lostDocuments.append("\(id) (concord show)")
                summary.failures.append(
                    "after \(context): concord show \(id) gave \(shown.status): \(shown.stdout)\(shown.stderr)")
            }
            let searched = try ConcordProcess.run(
                ["search", "--json", word, "--index", indexPath], in: workingDirectory)
            let result = (try? JSONSerialization.jsonObject(with: Data(searched.stdout.utf8))) as? [String: Any]
            let hits = result?["hits"] as? [[String: Any]] ?? []
            if searched.status != 0 || result?["total_hits"] as? Int != 1 || hits.first?["id"] as? String != id {
                summary.lostDocuments.append("\(id) (concord search)")
                summary.failures.append(
                    "after \(context): concord search \(word) gave \(searched.status): \(searched.stdout)\(searched.stderr)"
                )
            }
        }
    }
}

/// How a child process ended.
private enum ChildOutcome {
    /// It exited on its own with `status` after `seconds`.
    case exited(status: Int32, seconds: Double)
    /// Our SIGKILL ended it after `seconds`.
    case killed(seconds: Double)
    /// Another signal ended it (a crash).
    case signaled(Int32)
}

/// Starts a child with `posix_spawn` and reaps it with `waitpid`, so a kill can never hit a
/// reaped (and possibly reused) pid: the pid stays ours until we reap it.
private enum ChildProcess {
    static func run(
        _ executable: String, arguments: [String], outputPrefix: String, killAfter delay: Double?
    ) throws -> ChildOutcome {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["CONCORD_INDEX"] = nil
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPrefix + ".stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, outputPrefix + ".stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var pid: pid_t = 0
        let started = monotonicSeconds()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw CrashLoopError("posix_spawn \(executable) failed: errno \(spawned)") }
        // No run may hang: ten minutes is far beyond any batch of the loop.
        let deadline = started + (delay ?? 600)
        var status: Int32 = 0
        var reaped = false
        var sentKill = false
        while !reaped {
            let result = waitpid(pid, &status, sentKill ? 0 : WNOHANG)
            if result == pid {
                reaped = true
            } else if result == -1 && errno != EINTR {
                throw CrashLoopError("waitpid \(pid) failed: errno \(errno)")
            } else if !sentKill && monotonicSeconds() >= deadline {
                kill(pid, SIGKILL)
                sentKill = true
            } else if !sentKill {
                usleep(500)
            }
        }
        let seconds = monotonicSeconds() - started
        let signal = status & 0x7F
        if signal == 0 { return .exited(status: (status >> 8) & 0xFF, seconds: seconds) }
        if signal == SIGKILL && sentKill && delay != nil { return .killed(seconds: seconds) }
        return .signaled(signal)
    }
}

/// A failure of the loop's own machinery (not of the index).
package struct CrashLoopError: Error, CustomStringConvertible {
    /// What failed.
    package var description: String

    /// An error saying `description`.
    package init(_ description: String) { self.description = description }
}

/// Seconds on the monotonic clock.
private func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
