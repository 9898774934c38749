import Concord
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// `concord-bench synth` and `concord-bench scale` (issue 8): a seeded synthetic corpus with a Zipfian
// vocabulary, and build/query figures measured at growing corpus sizes, each size in its own process.

/// SplitMix64 (Steele, Lea, Flood 2014): the only source of randomness of `synth` and `scale`, so a seed
/// gives the same corpus and queries on every machine and run.
struct SynthSplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The SplitMix64 output function; also a good 64-bit hash.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform in 0..<bound (multiply-high, no modulo bias worth measuring).
    mutating func below(_ bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u1 = 1 - unit()
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Log-uniform integer in lower..<upper.
    mutating func logUniform(_ lower: Int, _ upper: Int) -> Int {
        let value = exp(log(Double(lower)) + unit() * log(Double(upper) / Double(lower)))
        return min(upper - 1, max(lower, Int(value)))
    }
}

/// Word types made of syllables, frequent ranks short (Zipf's law of abbreviation), with an alias
/// table that samples ranks with probability proportional to 1 / (rank + 1)^exponent.
struct SynthVocabulary {
    let count: Int
    let exponent: Double
    /// Concatenated lowercase ASCII words; word `r` is `bytes[starts[r]..<starts[r + 1]]`.
    private(set) var bytes: [UInt8] = []
    private(set) var starts: [Int] = [0]
    /// Alias table (Vose): slot `i` keeps itself when the low 32 random bits are below `threshold[i]`.
    private var threshold: [UInt64]
    private var alias: [Int32]

    private static let onsets: [String] = [
        "", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
    ]
    private static let clusterOnsets: [String] = [
        "br", "cr", "dr", "fr", "gr", "pr", "tr", "bl", "cl", "fl", "gl", "pl", "sl", "ch", "sh", "th", "st", "sp",
        "sk", "sn", "qu", "str",
    ]
    private static let vowels: [String] = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "y"]
    private static let diphthongs: [String] = ["ai", "ea", "ou", "oo", "ie", "au", "io", "ee"]
    private static let codas: [String] = ["n", "r", "s", "t", "l", "m", "d", "x", "g", "p", "k"]
    private static let clusterCodas: [String] = ["nd", "st", "rk", "ng", "ck", "th", "rn", "lt", "mp", "sh", "nt"]
    private static let suffixes: [String] = [
        "s", "ed", "ing", "er", "ly", "tion", "ment", "al", "ity", "ness", "es", "ous",
    ]

    init(types: Int, exponent: Double, seed: UInt64) {
        count = types
        self.exponent = exponent
        var random = SynthSplitMix64(seed: seed ^ 0x766F_6361_6275_6C61)
        var seen = Set<[UInt8]>()
        seen.reserveCapacity(types)
        bytes.reserveCapacity(types * 9)
        starts.reserveCapacity(types + 1)
        for rank in 0..<types {
            var word: [UInt8]
            repeat { word = Self.makeWord(rank: rank, random: &random) } while !seen.insert(word).inserted
            bytes += word
            starts.append(bytes.count)
        }
        // Vose's alias method over the Zipf weights.
        var weights = (0..<types).map { 1 / pow(Double($0 + 1), exponent) }
        let total = weights.reduce(0, +)
        for index in weights.indices { weights[index] *= Double(types) / total }
        threshold = [UInt64](repeating: 1 << 32, count: types)
        alias = [Int32](repeating: 0, count: types)
        var small: [Int] = []
        var large: [Int] = []
        for (index, weight) in weights.enumerated() {
            if weight < 1 { small.append(index) } else { large.append(index) }
        }
        while let low = small.popLast(), let high = large.last {
            threshold[low] = UInt64(weights[low] * 4_294_967_296)
            alias[low] = Int32(high)
            weights[high] -= 1 - weights[low]
            if weights[high] < 1 {
                large.removeLast()
                small.append(high)
            }
        }
        // What is left (in `large`, or in `small` by rounding) keeps its slot: threshold 2^32.
        for index in small + large { threshold[index] = 1 << 32 }
    }

    private static func makeWord(rank: Int, random: inout SynthSplitMix64) -> [UInt8] {
        let syllables: Int
        switch rank {
        case ..<150: syllables = 1
        case ..<2000: syllables = random.chance(0.4) ? 1 : 2
        case ..<20000: syllables = random.chance(0.6) ? 2 : 3
        default:
            let draw = random.unit()
            syllables = draw < 0.35 ? 2 : draw < 0.8 ? 3 : 4
        }
        func pick(_ list: [String], _ random: inout SynthSplitMix64) -> [UInt8] {
            Array(list[random.below(list.count)].utf8)
        }
        var word: [UInt8] = []
        for syllable in 0..<syllables {
            if random.chance(0.15) {
                word += pick(clusterOnsets, &random)
            } else {
                var onset = pick(onsets, &random)
                while syllable > 0 && onset.isEmpty { onset = pick(onsets, &random) }
                word += onset
            }
            word += pick(random.chance(0.2) ? diphthongs : vowels, &random)
            let coda = random.unit()
            if coda < 0.15 {
                word += pick(clusterCodas, &random)
            } else if coda < 0.5 {
                word += pick(codas, &random)
            }
        }
        if rank >= 500 && random.chance(0.25) { word += pick(suffixes, &random) }
        return word
    }

    /// A rank drawn from the Zipf distribution, from 64 random bits.
    @inline(__always)
    func sample(_ bits: UInt64) -> Int {
        let slot = Int(truncatingIfNeeded: ((bits >> 32) &* UInt64(count)) >> 32)
        return (bits & 0xFFFF_FFFF) < threshold[slot] ? slot : Int(alias[slot])
    }

    func word(_ rank: Int) -> String { String(decoding: bytes[starts[rank]..<starts[rank + 1]], as: UTF8.self) }
}

/// Generates one document at a time into reusable buffers. Document lengths (in tokens) are
/// log-normal; bodies are paragraphs of sentences of Zipfian words with some fixed collocations,
/// commas, and numbers (integers, years, decimals).
struct SynthGenerator {
    static let meanTokens = 400.0
    static let lengthSigma = 1.0
    static let minTokens = 8
    static let maxTokens = 50_000
    static let numberRate = 0.02
    static let collocationRate = 0.2
    static let commaRate = 0.07

    let vocabulary: SynthVocabulary
    private var random: SynthSplitMix64
    private let collocationSalt: UInt64
    private let mu: Double

    /// The current document's title and text (raw: real newlines, no JSON escaping).
    private(set) var title: [UInt8] = []
    private(set) var text: [UInt8] = []
    /// Word ranks of the current document in order; -1 stands for a number or a sentence break.
    private(set) var words: [Int32] = []
    /// Tokens (word positions) of the current document, title included.
    private(set) var tokens = 0
    /// Occurrences of each rank over every document so far.
    private(set) var counts: [Int]
    private(set) var numbers = 0

    init(vocabulary: SynthVocabulary, seed: UInt64) {
        self.vocabulary = vocabulary
        random = SynthSplitMix64(seed: seed ^ 0x636F_7270_7573_0001)
        collocationSalt = SynthSplitMix64.mix(seed ^ 0x636F_6C6C_6F63_0002)
        mu = log(Self.meanTokens) - Self.lengthSigma * Self.lengthSigma / 2
        counts = [Int](repeating: 0, count: vocabulary.count)
        text.reserveCapacity(1 << 16)
        words.reserveCapacity(1 << 13)
    }

    mutating func nextDocument() {
        title.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        tokens = 0
        // Title: 2-9 content-ish words (the 100 most frequent ranks are redrawn once), in title case.
        let titleWords = 2 + random.below(8)
        for index in 0..<titleWords {
            var rank = vocabulary.sample(random.next())
            if rank < 100 { rank = vocabulary.sample(random.next()) }
            if index > 0 { title.append(0x20) }
            appendWord(rank, capitalized: true, toTitle: true)
        }
        if random.chance(0.1) {
            title.append(0x20)
            SynthCorpus.appendDecimal(1950 + random.below(76), to: &title)
            tokens += 1
            numbers += 1
        }
        words.append(-1)
        // Body.
        let drawn = exp(mu + Self.lengthSigma * random.normal())
        var remaining = min(Self.maxTokens, max(Self.minTokens, Int(drawn)))
        var firstParagraph = true
        while remaining > 0 {
            if !firstParagraph { text += [0x0A, 0x0A] }
            firstParagraph = false
            let sentences = 1 + random.below(6)
            var sentence = 0
            while sentence < sentences && remaining > 0 {
                if sentence > 0 { text.append(0x20) }
                remaining -= appendSentence(length: min(remaining, 4 + random.below(27)))
                sentence += 1
            }
        }
    }

    /// Appends a sentence of at least `length` tokens; returns the tokens appended.
    private mutating func appendSentence(length: Int) -> Int {
        var emitted = 0
        var previous = -1
        while emitted < length {
            if emitted > 0 {
                if previous >= 0 && random.chance(Self.commaRate) { text.append(0x2C) }
                text.append(0x20)
            }
            if random.chance(Self.numberRate) {
                emitted += appendRandomNumber()
                words.append(-1)
                previous = -1
                continue
            }
            let rank: Int
            if previous >= 0 && random.chance(Self.collocationRate) {
                // One of three fixed followers of the previous word, itself Zipfian.
                let key = collocationSalt ^ (UInt64(previous) &* 0x9E37_79B9_7F4A_7C15) &+ UInt64(random.below(3))
                let follower = vocabulary.sample(SynthSplitMix64.mix(key))
                rank = follower != previous ? follower : vocabulary.sample(random.next())
            } else {
                rank = vocabulary.sample(random.next())
            }
            appendWord(rank, capitalized: emitted == 0)
            words.append(Int32(rank))
            emitted += 1
            previous = rank
        }
        text.append(random.chance(0.05) ? 0x3F : 0x2E)
        words.append(-1)
        return emitted
    }

    private mutating func appendWord(_ rank: Int, capitalized: Bool, toTitle: Bool = false) {
        let start = vocabulary.starts[rank]
        let end = vocabulary.starts[rank + 1]
        let first = capitalized ? vocabulary.bytes[start] &- 0x20 : vocabulary.bytes[start]
        if toTitle {
            title.append(first)
            title += vocabulary.bytes[(start + 1)..<end]
        } else {
            text.append(first)
            text += vocabulary.bytes[(start + 1)..<end]
        }
        counts[rank] += 1
        tokens += 1
    }

    /// A number: small integers, years, large integers, decimals (two tokens: `3.5` is `3`, `5`).
    private mutating func appendRandomNumber() -> Int {
        numbers += 1
        let kind = random.below(20)
        switch kind {
        case 0..<10: SynthCorpus.appendDecimal(1 + random.below(100), to: &text)
        case 10..<15: SynthCorpus.appendDecimal(1950 + random.below(76), to: &text)
        case 15..<18: SynthCorpus.appendDecimal(100 + random.below(99_900), to: &text)
        default:
            SynthCorpus.appendDecimal(random.below(100), to: &text)
            text.append(0x2E)
            SynthCorpus.appendDecimal(random.below(10), to: &text)
            tokens += 2
            return 2
        }
        tokens += 1
        return 1
    }
}

/// What `SynthCorpus.write` produced.
struct SynthSummary {
    var documents = 0
    var bytes = 0
    var tokens = 0
    var numbers = 0
    var longestDocument = 0
    var typesUsed = 0
    var seconds = 0.0
    var counts: [Int] = []
}

/// Streams a synthetic JSONL corpus (`{"id","title","text"}` a line) to a file descriptor.
enum SynthCorpus {
    static let defaultTypes = 200_000
    static let defaultExponent = 1.05

    /// Writes `documents` records to `path` (stdout when nil). `observe` sees each generated document
    /// (its index and the generator) before it is written. Checks every document's token count with
    /// the engine's tokenizer.
    static func write(
        documents: Int, seed: UInt64, types: Int = defaultTypes, exponent: Double = defaultExponent, path: String?,
        observe: (Int, SynthGenerator) -> Void = { _, _ in }
    ) throws -> SynthSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        let descriptor: Int32
        if let path {
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw BenchError("cannot create \(path): errno \(errno)") }
        } else {
            descriptor = 1
        }
        defer { if path != nil { close(descriptor) } }
        var generator = SynthGenerator(
            vocabulary: SynthVocabulary(types: types, exponent: exponent, seed: seed), seed: seed)
        var summary = SynthSummary()
        var output: [UInt8] = []
        output.reserveCapacity(1 << 21)
        var tokenizer = Tokenizer()
        for index in 0..<documents {
            generator.nextDocument()
            observe(index, generator)
            // The engine's tokenizer must see exactly the tokens the generator counted.
            var counter = SynthPartCounter()
            let titleEnd = generator.title.withUnsafeBytes {
                tokenizer.tokenize($0, firstPosition: 0, into: &counter)
            }
            let textEnd = generator.text.withUnsafeBytes {
                tokenizer.tokenize($0, firstPosition: 0, into: &counter)
            }
            guard titleEnd + textEnd == generator.tokens, counter.parts == generator.tokens else {
                throw BenchError(
                    "synth: document \(index) has \(generator.tokens) generated tokens, the tokenizer sees "
                        + "\(titleEnd + textEnd) positions and \(counter.parts) parts")
            }
            output += Array(#"{"id":"syn-"#.utf8)
            appendDecimal(index, to: &output)
            output += Array(#"","title":""#.utf8)
            output += generator.title
            output += Array(#"","text":""#.utf8)
            for byte in generator.text {
                if byte == 0x0A {
                    output += [0x5C, 0x6E]
                } else {
                    output.append(byte)
                }
            }
            output += Array("\"}\n".utf8)
            summary.tokens += generator.tokens
            summary.longestDocument = max(summary.longestDocument, generator.tokens)
            if output.count >= 1 << 20 {
                try writeAll(descriptor, output)
                summary.bytes += output.count
                output.removeAll(keepingCapacity: true)
            }
        }
        try writeAll(descriptor, output)
        summary.bytes += output.count
        summary.documents = documents
        summary.numbers = generator.numbers
        summary.counts = generator.counts
        summary.typesUsed = generator.counts.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return summary
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw BenchError("synth: write failed: errno \(errno)")
                }
                offset += written
            }
        }
    }

    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &buffer) }
        buffer.append(UInt8(0x30 + value % 10))
    }
}

/// Counts part tokens (positions), not whole compounds.
private struct SynthPartCounter: TokenSink {
    var parts = 0
    mutating func token(_ term: UnsafeRawBufferPointer, position: Int, start: Int, end: Int, isWhole: Bool) {
        if !isWhole { parts += 1 }
    }
}

/// `concord-bench synth` and `concord-bench scale`.
enum ScaleBenchmark {
    static let classes = ["term-hi", "term-mid", "and2", "or2", "phrase2", "near5", "prefix"]

    static func number(_ text: String?, _ name: String) throws -> Int? {
        guard let text else { return nil }
        let cleaned = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
        if let value = Int(cleaned) { return value }
        if let value = Double(cleaned), value >= 0, value < 1e15, value == value.rounded() { return Int(value) }
        throw BenchError("--\(name) needs a number, not \(text)")
    }

    // MARK: synth

    /// `synth --docs N [--seed S] [--out FILE] [--types N] [--zipf X]`.
    static func synth(_ arguments: [String]) throws -> Int32 {
        let options = try BenchArguments(arguments)
        guard let documents = try number(options.value("docs"), "docs"), documents > 0 else {
            throw BenchError("usage: concord-bench synth --docs N [--seed S] [--out FILE] [--types N] [--zipf X]")
        }
        let seed = UInt64(try number(options.value("seed"), "seed") ?? 42)
        let types = try number(options.value("types"), "types") ?? SynthCorpus.defaultTypes
        let exponent = Double(options.value("zipf") ?? "") ?? SynthCorpus.defaultExponent
        let out = options.value("out").flatMap { $0.isEmpty || $0 == "-" ? nil : $0 }
        let summary = try SynthCorpus.write(
            documents: documents, seed: seed, types: types, exponent: exponent, path: out)
        let report = [
            "synth \(out ?? "stdout") (seed \(seed), \(types) types, zipf \(exponent))",
            "  docs      \(summary.documents)",
            "  bytes     \(summary.bytes) (\(fmt(Double(summary.bytes) / 1e6)) MB)",
            "  tokens    \(summary.tokens) (mean \(fmt(Double(summary.tokens) / Double(documents))) a document, "
                + "longest \(summary.longestDocument); checked with the tokenizer)",
            "  types     \(summary.typesUsed) used; \(summary.numbers) numbers",
            "  time      \(fmt(summary.seconds)) s (\(fmt(Double(summary.bytes) / 1e6 / summary.seconds)) MB/s)",
        ]
        let result: [String: Any] = [
            "benchmark": "synth", "docs": summary.documents, "bytes": summary.bytes, "tokens": summary.tokens,
            "seed": seed, "types": types, "zipf": exponent, "types_used": summary.typesUsed,
            "numbers": summary.numbers, "longest_doc_tokens": summary.longestDocument, "seconds": summary.seconds,
            "tokens_checked": true,
        ]
        let json = String(
            decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self)
        let text = (report + [json]).joined(separator: "\n") + "\n"
        // With the corpus on stdout, the report goes to stderr.
        if out == nil {
            FileHandle.standardError.write(Data(text.utf8))
        } else {
            print(text, terminator: "")
        }
        return 0
    }

    // MARK: scale

    /// `scale [--sizes 10000,100000,1000000] [--seed S] [--work DIR] [--mem-mb N] [--queries N] [--runs N]
    /// [--k N] [--keep]`: each size runs in a child process (`scale --one SIZE --result FILE ...`).
    static func scale(_ arguments: [String]) throws -> Int32 {
        let options = try BenchArguments(arguments)
        if options.value("one") != nil { return try one(options) }
        let sizes = try (options.value("sizes") ?? "10000,100000,1000000").split(separator: ",").map {
            guard let size = try number(String($0), "sizes"), size > 0 else { throw BenchError("bad size \($0)") }
            return size
        }
        let seed = try number(options.value("seed"), "seed") ?? 42
        let memory = try number(options.value("mem-mb"), "mem-mb") ?? 256
        let queries = try number(options.value("queries"), "queries") ?? 100
        let ownWork = options.value("work") == nil
        let work = options.value("work") ?? NSTemporaryDirectory() + "concord-scale-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var passOn: [String] = ["--seed", String(seed), "--work", work, "--mem-mb", String(memory)]
        passOn += ["--queries", String(queries)]
        for name in ["runs", "warmup", "k", "types", "zipf"] {
            if let value = options.value(name) { passOn += ["--" + name, value] }
        }
        if options.flag("keep") { passOn.append("--keep") }

        var rows: [[String: Any]] = []
        var failed = false
        for size in sizes {
            let resultPath = work + "/result-\(size).json"
            try? FileManager.default.removeItem(atPath: resultPath)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: executable)
            child.arguments = ["scale", "--one", String(size), "--result", resultPath] + passOn
            try child.run()
            child.waitUntilExit()
            guard child.terminationStatus == 0,
                let data = FileManager.default.contents(atPath: resultPath),
                let row = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            else {
                FileHandle.standardError.write(
                    Data("scale: size \(size) failed (status \(child.terminationStatus))\n".utf8))
                if !options.flag("keep") { try? FileManager.default.removeItem(atPath: work + "/size-\(size)") }
                failed = true
                break
            }
            if !options.flag("keep") { try? FileManager.default.removeItem(atPath: resultPath) }
            rows.append(row)
        }
        if ownWork && !options.flag("keep") { try? FileManager.default.removeItem(atPath: work) }
        printTable(rows, seed: seed, memory: memory, queries: queries)
        let result: [String: Any] = [
            "benchmark": "scale", "seed": seed, "mem_mb": memory, "queries_per_class": queries, "sizes": rows,
            "ok": !failed,
        ]
        print(
            String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        return failed ? 1 : 0
    }

    private static func printTable(_ rows: [[String: Any]], seed: Int, memory: Int, queries: Int) {
        func double(_ row: [String: Any], _ key: String) -> Double { (row[key] as? NSNumber)?.doubleValue ?? 0 }
        func cell(_ row: [String: Any], _ mode: String, _ queryClass: String) -> String {
            let latency = (row["latency_us"] as? [String: Any])?[mode] as? [String: Any]
            guard let stats = latency?[queryClass] as? [String: Any] else { return "-" }
            func short(_ value: Double) -> String {
                value >= 10_000 ? String(format: "%.0fk", value / 1000) : String(format: "%.0f", value)
            }
            return short(double(stats, "p50")) + "/" + short(double(stats, "p99"))
        }
        func pad(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        print("")
        print(
            "scale: seed \(seed), writer \(memory) MB, no stored text, merged to 1 segment; "
                + "\(queries) queries a class; latency µs p50/p99 (k = 10 top-k, then exact count); "
                + "RSS = build peak ru_maxrss (mapped files included), anon = sampled peak anonymous memory")
        var header =
            pad("docs", 9) + pad("build s", 9) + pad("MB/s", 7) + pad("RSS MB", 8) + pad("anon MB", 8)
            + pad("index MB", 10)
        header += " " + pad("mode", 6)
        for queryClass in classes { header += pad(queryClass, 13) }
        print(header)
        for row in rows {
            for mode in ["top10", "count"] {
                var line: String
                if mode == "top10" {
                    line =
                        pad(String(Int(double(row, "docs"))), 9)
                        + pad(String(format: "%.1f", double(row, "build_s")), 9)
                    line += pad(String(format: "%.1f", double(row, "mb_per_s")), 7)
                    line += pad(String(format: "%.0f", double(row, "peak_rss_build_mb")), 8)
                    let anonymous = max(double(row, "peak_anon_index_mb"), double(row, "peak_anon_merge_mb"))
                    line += pad(String(format: "%.0f", anonymous), 8)
                    line += pad(String(format: "%.1f", double(row, "index_bytes") / 1e6), 10)
                } else {
                    line = String(repeating: " ", count: 51)
                }
                line += " " + pad(mode, 6)
                for queryClass in classes { line += pad(cell(row, mode, queryClass), 13) }
                print(line)
            }
        }
    }

    /// One size, in its own process: synth, build, merge, query; the figures go to `--result`.
    private static func one(_ options: BenchArguments) throws -> Int32 {
        guard let size = try number(options.value("one"), "one"), size > 0 else { throw BenchError("bad --one") }
        let resultPath = try options.required("result")
        let seed = UInt64(try number(options.value("seed"), "seed") ?? 42)
        let memory = try number(options.value("mem-mb"), "mem-mb") ?? 256
        let perClass = try number(options.value("queries"), "queries") ?? 100
        let runs = try number(options.value("runs"), "runs") ?? 3
        let warmup = try number(options.value("warmup"), "warmup") ?? 1
        let k = try number(options.value("k"), "k") ?? 10
        let types = try number(options.value("types"), "types") ?? SynthCorpus.defaultTypes
        let exponent = Double(options.value("zipf") ?? "") ?? SynthCorpus.defaultExponent
        let keep = options.flag("keep")
        let directory = try options.required("work") + "/size-\(size)"
        let corpus = directory + "/corpus.jsonl"
        let indexPath = directory + "/index"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func say(_ text: String) {
            print("[\(size)] " + text)
            fflush(nil)
        }

        // 1. Corpus, with a sample of real bigrams and near pairs for the queries.
        var sampler = QuerySampler(seed: seed, documents: size, wanted: perClass)
        let synth = try SynthCorpus.write(
            documents: size, seed: seed, types: types, exponent: exponent, path: corpus,
            observe: { index, generator in sampler.observe(index: index, words: generator.words) })
        say(
            "synth: \(synth.documents) docs, \(fmt(Double(synth.bytes) / 1e6)) MB, \(synth.tokens) tokens, "
                + "\(synth.typesUsed) types in \(fmt(synth.seconds)) s")

        // 2. Build and merge to one segment.
        let cpuBefore = cpuSeconds()
        let anonymous = AnonymousMemoryPeak()
        anonymous.start()
        let started = DispatchTime.now().uptimeNanoseconds
        let summary = try Indexer.index(
            paths: [corpus], into: indexPath, options: IndexingOptions(memoryMegabytes: memory, storeText: false))
        let indexed = DispatchTime.now().uptimeNanoseconds
        let indexRSS = peakRSSMegabytes()
        let indexAnonymous = anonymous.takePeak()
        let writer = try IndexWriter(
            directory: indexPath, options: IndexWriter.Options(memoryBudget: memory << 20, storeText: false))
        try writer.mergeAll()
        writer.close()
        let merged = DispatchTime.now().uptimeNanoseconds
        let mergeAnonymous = anonymous.takePeak()
        anonymous.stop()
        let buildCPU = cpuSeconds() - cpuBefore
        let indexSeconds = Double(indexed - started) / 1e9
        let mergeSeconds = Double(merged - indexed) / 1e9
        let buildSeconds = indexSeconds + mergeSeconds
        let buildRSS = peakRSSMegabytes()
        guard summary.indexed == size, summary.skipped == 0 else {
            throw BenchError("indexed \(summary.indexed) of \(size) documents, \(summary.skipped) skipped")
        }
        let indexBytes = treeSize(indexPath)
        say(
            "build: \(fmt(indexSeconds)) s index (\(summary.segments) segments) + \(fmt(mergeSeconds)) s merge, "
                + "cpu \(fmt(buildCPU)) s, \(fmt(Double(summary.bytes) / 1e6 / buildSeconds)) MB/s, "
                + "peak RSS \(fmt(buildRSS)) MB (\(fmt(indexRSS)) MB before the merge; anonymous memory peaks "
                + "\(fmt(indexAnonymous)) MB indexing, \(fmt(mergeAnonymous)) MB merging), "
                + "index \(fmt(Double(indexBytes) / 1e6)) MB")
        if !keep { try FileManager.default.removeItem(atPath: corpus) }

        // 3. Queries.
        let queryFile = directory + "/queries.tsv"
        let lines = sampler.queries(
            vocabulary: SynthVocabulary(types: types, exponent: exponent, seed: seed), counts: synth.counts)
        try (lines.joined(separator: "\n") + "\n").write(toFile: queryFile, atomically: true, encoding: .utf8)
        let queries = try NeutralQuery.load(queryFile)
        let openStarted = DispatchTime.now().uptimeNanoseconds
        let index = try SearchIndex(path: indexPath)
        let openSeconds = Double(DispatchTime.now().uptimeNanoseconds - openStarted) / 1e9
        guard index.documentCount == size, index.snapshot.segments.count == 1 else {
            throw BenchError(
                "index holds \(index.documentCount) documents in \(index.snapshot.segments.count) segments")
        }
        var latency: [String: Any] = [:]
        for mode in ["top10", "count"] {
            var searchOptions = SearchOptions(limit: k)
            searchOptions.exactCount = mode == "count"
            var samples: [String: [Double]] = [:]
            var reference: [Int: [String]] = [:]
            for run in 0..<(warmup + runs) {
                for query in queries where query.plan != nil {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let plan = try query.makePlan(index: index)
                    let top = try index.topDocs(plan, count: k, options: searchOptions)
                    let ids = try top.entries.map { try index.externalId(segment: $0.segment, doc: $0.doc) }
                    let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
                    if run >= warmup { samples[query.queryClass, default: []].append(micros) }
                    if let previous = reference[query.qid], previous != ids {
                        throw BenchError("query \(query.qid) returned different hits between runs")
                    }
                    reference[query.qid] = ids
                }
            }
            var table: [String: Any] = [:]
            for (queryClass, values) in samples {
                let sorted = values.sorted()
                table[queryClass] = [
                    "n": Double(sorted.count), "p50": QueryBenchmark.percentile(sorted, 0.5),
                    "p95": QueryBenchmark.percentile(sorted, 0.95), "p99": QueryBenchmark.percentile(sorted, 0.99),
                    "mean": sorted.reduce(0, +) / Double(sorted.count),
                ]
            }
            latency[mode] = table
        }
        // Exact hit counts; every phrase and near query comes from the corpus, so none may be empty.
        var exact = SearchOptions(limit: k)
        exact.exactCount = true
        var hitsByClass: [String: [Int]] = [:]
        var empty: [String] = []
        for query in queries where query.plan != nil {
            let hits = try index.topDocs(try query.makePlan(index: index), count: k, options: exact).totalHits
            hitsByClass[query.queryClass, default: []].append(hits)
            if hits == 0 && (query.queryClass == "phrase2" || query.queryClass == "near5") {
                empty.append("\(query.queryClass) \(query.words.joined(separator: " "))")
            }
        }
        var hitTable: [String: Any] = [:]
        for (queryClass, values) in hitsByClass {
            let sorted = values.sorted()
            hitTable[queryClass] = [
                "n": sorted.count, "min": sorted.first ?? 0, "median": sorted[sorted.count / 2],
                "max": sorted.last ?? 0, "zero": sorted.filter { $0 == 0 }.count,
            ]
        }
        let finalRSS = peakRSSMegabytes()
        let mbPerSecond = Double(summary.bytes) / 1e6 / buildSeconds
        let result: [String: Any] = [
            "docs": size, "seed": seed, "corpus_bytes": synth.bytes, "text_bytes": summary.bytes,
            "tokens": synth.tokens, "types_used": synth.typesUsed, "synth_s": synth.seconds,
            "index_s": indexSeconds, "merge_s": mergeSeconds, "build_s": buildSeconds, "build_cpu_s": buildCPU,
            "mb_per_s": mbPerSecond, "corpus_mb_per_s": Double(synth.bytes) / 1e6 / buildSeconds,
            "docs_per_s": Double(size) / buildSeconds, "peak_rss_build_mb": buildRSS,
            "peak_rss_index_mb": indexRSS, "peak_anon_index_mb": indexAnonymous, "peak_anon_merge_mb": mergeAnonymous,
            "peak_rss_mb": finalRSS,
            "index_bytes": indexBytes, "segments_before_merge": summary.segments, "open_s": openSeconds,
            "mem_mb": memory, "k": k, "runs": runs, "latency_us": latency, "hits": hitTable,
            "empty_phrase_or_near": empty,
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: resultPath))
        for queryClass in classes {
            guard let stats = (latency["top10"] as? [String: Any])?[queryClass] as? [String: Double],
                let hits = hitTable[queryClass] as? [String: Int]
            else { continue }
            say(
                queryClass.padding(toLength: 9, withPad: " ", startingAt: 0)
                    + String(format: "top10 p50 %8.1f p99 %8.1f µs", stats["p50"]!, stats["p99"]!)
                    + "  hits median \(hits["median"]!) zero \(hits["zero"]!)")
        }
        say("peak RSS \(fmt(finalRSS)) MB after queries (mapped index pages count)")
        if !keep { try? FileManager.default.removeItem(atPath: directory) }
        guard empty.isEmpty else {
            throw BenchError("\(empty.count) corpus phrase/near queries found nothing, e.g. \(empty[0])")
        }
        return 0
    }

    private static func treeSize(_ path: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        while let name = walker.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
            if attributes?[.type] as? FileAttributeType == .typeRegular {
                total += (attributes?[.size] as? NSNumber)?.intValue ?? 0
            }
        }
        return total
    }
}

/// Peak anonymous resident memory (resident minus file-backed and shared pages, from /proc/self/statm)
/// sampled every 10 ms on a thread of its own: unlike ru_maxrss it leaves out mapped index files, whose
/// pages the kernel can drop at will. Zero where /proc is missing.
private final class AnonymousMemoryPeak: @unchecked Sendable {
    private let lock = NSLock()
    private var peakPages = 0
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    func start() {
        let thread = Thread { [self] in
            while true {
                let pages = Self.anonymousPages()
                lock.lock()
                peakPages = max(peakPages, pages)
                let stop = stopped
                lock.unlock()
                if stop { break }
                usleep(10_000)
            }
            finished.signal()
        }
        thread.start()
    }

    /// The peak in MB since `start` or the previous call, which resets it to the current value.
    func takePeak() -> Double {
        let current = Self.anonymousPages()
        lock.lock()
        let peak = max(peakPages, current)
        peakPages = current
        lock.unlock()
        return Double(peak * pageSize) / 1_048_576
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        finished.wait()
    }

    private static func anonymousPages() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return fields.count >= 3 ? fields[1] - fields[2] : 0
    }
}

/// Samples real bigrams and near pairs from the generated documents (spread over the whole corpus)
/// and draws the other query classes from the vocabulary by rank.
private struct QuerySampler {
    private var random: SynthSplitMix64
    private let stride: Int
    private let wanted: Int
    private var bigrams: [(Int32, Int32)] = []
    private var nearPairs: [(Int32, Int32)] = []

    init(seed: UInt64, documents: Int, wanted: Int) {
        random = SynthSplitMix64(seed: seed ^ 0x7175_6572_7900_0003)
        self.wanted = wanted
        stride = max(1, documents / max(1, 2 * wanted))
    }

    mutating func observe(index: Int, words: [Int32]) {
        guard index % stride == 0, words.count >= 6 else { return }
        for _ in 0..<16 {
            let at = random.below(words.count - 1)
            let (first, second) = (words[at], words[at + 1])
            if first >= 0 && second >= 0 && first != second {
                bigrams.append((first, second))
                break
            }
        }
        for _ in 0..<16 {
            let distance = 2 + random.below(3)
            let at = random.below(words.count - distance)
            let window = words[at...(at + distance)]
            if !window.contains(where: { $0 < 0 }) && words[at] != words[at + distance] {
                // NEAR is unordered: half the pairs are written backwards.
                nearPairs.append(
                    random.chance(0.5) ? (words[at], words[at + distance]) : (words[at + distance], words[at]))
                break
            }
        }
    }

    /// Up to `wanted` queries a class, in the neutral `CLASS<TAB>OP:WORDS` format.
    mutating func queries(vocabulary: SynthVocabulary, counts: [Int]) -> [String] {
        var lines: [String] = []
        func word(_ rank: Int32) -> String { vocabulary.word(Int(rank)) }
        func seenRank(_ draw: (inout SynthSplitMix64) -> Int) -> Int {
            for _ in 0..<1000 {
                let rank = draw(&random)
                if rank < counts.count && counts[rank] > 0 { return rank }
            }
            return 0
        }
        let upper = vocabulary.count
        for _ in 0..<wanted {
            lines.append("term-hi\tterm:" + vocabulary.word(seenRank { 10 + $0.below(190) }))
        }
        for _ in 0..<wanted {
            lines.append("term-mid\tterm:" + vocabulary.word(seenRank { $0.logUniform(1000, min(upper, 10_000)) }))
        }
        for queryClass in ["and2", "or2"] {
            for _ in 0..<wanted {
                let first = seenRank { $0.logUniform(20, min(upper, 5000)) }
                var second = first
                while second == first { second = seenRank { $0.logUniform(20, min(upper, 5000)) } }
                let op = queryClass.dropLast()
                lines.append("\(queryClass)\t\(op):\(vocabulary.word(first)) \(vocabulary.word(second))")
            }
        }
        for (queryClass, op, pairs) in [("phrase2", "phrase", bigrams), ("near5", "near5", nearPairs)] {
            var pool = pairs
            for index in 0..<min(wanted, pool.count) {
                pool.swapAt(index, index + random.below(pool.count - index))
                lines.append("\(queryClass)\t\(op):\(word(pool[index].0)) \(word(pool[index].1))")
            }
        }
        var prefixes = 0
        while prefixes < wanted {
            let rank = seenRank { $0.logUniform(50, min(upper, 20_000)) }
            let text = vocabulary.word(rank)
            let length = 3 + random.below(3)
            guard text.count > length else { continue }
            lines.append("prefix\tprefix:" + String(text.prefix(length)))
            prefixes += 1
        }
        return lines
    }
}
