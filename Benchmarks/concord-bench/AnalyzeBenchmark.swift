import ConcordText
import Foundation

/// `concord-bench analyze --corpus FILE|- [--runs N]`: throughput of text analysis.
///
/// Reads a JSONL corpus (one object per line with a `"text"` string field; `-` reads stdin),
/// then times over all texts (1) the tokenizer with folding alone and (2) the full analyzer
/// (tokenizer, folding, Porter2 stemmer, stem cache). Each pass runs `--runs` times (default 3)
/// and the fastest run is reported, as MB/s of text and words/s (part tokens; whole compounds
/// are counted in tokens only), by wall clock and by the thread's CPU time. Fails if the two passes disagree on token or word counts.
/// Prints a human summary, then one JSON line.
enum AnalyzeBenchmark {
    /// Runs the benchmark; `arguments` are those after the subcommand (a leading `analyze` is
    /// accepted too). Returns the process exit status: 0, or 2 for a usage error.
    static func run(arguments: [String]) throws -> Int32 {
        var corpusPath: String?
        var runs = 3
        var remaining = arguments.drop(while: { $0 == "analyze" })[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": corpusPath = remaining.popFirst()
            case "--runs": runs = remaining.popFirst().flatMap { Int($0) } ?? 0
            default:
                corpusPath = nil
                remaining.removeAll()
            }
        }
        guard let corpusPath, runs > 0 else {
            FileHandle.standardError.write(Data("usage: concord-bench analyze --corpus FILE|- [--runs N]\n".utf8))
            return 2
        }
        let data =
            corpusPath == "-"
            ? FileHandle.standardInput.readDataToEndOfFile()
            : try Data(contentsOf: URL(fileURLWithPath: corpusPath))
        let corpus = JSONLTexts(jsonl: data)
        print("analyze: \(corpus.ranges.count) texts, \(corpus.bytes.count) bytes of text, best of \(runs) runs")

        let tokenizerPass = corpus.measure(runs: runs) { text, sink in
            var tokenizer = Tokenizer()
            return tokenizer.tokenize(text, firstPosition: 0, into: &sink)
        }
        var analyzer = Analyzer()
        let analyzerPass = corpus.measure(runs: runs) { text, sink in
            analyzer.analyze(text, firstPosition: 0, into: &sink)
        }
        let cacheCounts = analyzer.stemCacheCounts
        let hitRate = Double(cacheCounts.hits) / Double(max(1, cacheCounts.hits + cacheCounts.misses))

        let stemmerPass = try measureStemmerAlone(corpus: corpus, runs: runs, expectedWords: tokenizerPass.words)

        let megabytes = Double(corpus.bytes.count) / 1e6
        for (name, pass) in [("tokenizer+folding", tokenizerPass), ("analyzer (+stemming)", analyzerPass)] {
            print(
                "  \(name): \(fixed(megabytes / pass.seconds, 1)) MB/s, "
                    + "\(fixed(Double(pass.words) / pass.seconds / 1e6, 2)) M words/s, "
                    + "\(fixed(Double(pass.tokens) / pass.seconds / 1e6, 2)) M tokens/s "
                    + "(by CPU time: \(fixed(megabytes / pass.cpuSeconds, 1)) MB/s, "
                    + "\(fixed(Double(pass.words) / pass.cpuSeconds / 1e6, 2)) M words/s); "
                    + "\(pass.tokens) tokens, \(pass.words) words, \(fixed(pass.seconds * 1000, 1)) ms")
        }
        print("  stem cache hit rate: \(fixed(hitRate * 100, 2))%")
        print(
            "  Porter2 alone, no cache: \(fixed(Double(stemmerPass.words) / stemmerPass.seconds / 1e6, 2)) M words/s "
                + "(\(stemmerPass.words) words stemmed, \(stemmerPass.stemBytes) stem bytes)")
        let countsAgree = tokenizerPass.tokens == analyzerPass.tokens && tokenizerPass.words == analyzerPass.words
        let json = """
            {"benchmark":"analyze","texts":\(corpus.ranges.count),"bytes":\(corpus.bytes.count),\
            "tokens":\(tokenizerPass.tokens),"words":\(tokenizerPass.words),\
            "tokenizer_mb_per_s":\(fixed(megabytes / tokenizerPass.seconds, 1)),\
            "tokenizer_words_per_s":\(Int(Double(tokenizerPass.words) / tokenizerPass.seconds)),\
            "analyzer_mb_per_s":\(fixed(megabytes / analyzerPass.seconds, 1)),\
            "analyzer_words_per_s":\(Int(Double(analyzerPass.words) / analyzerPass.seconds)),\
            "tokenizer_cpu_mb_per_s":\(fixed(megabytes / tokenizerPass.cpuSeconds, 1)),\
            "analyzer_cpu_mb_per_s":\(fixed(megabytes / analyzerPass.cpuSeconds, 1)),\
            "analyzer_cpu_words_per_s":\(Int(Double(analyzerPass.words) / analyzerPass.cpuSeconds)),\
            "stem_cache_hit_rate":\(fixed(hitRate, 4)),\
            "stemmer_uncached_words_per_s":\(Int(Double(stemmerPass.words) / stemmerPass.seconds)),\
            "counts_agree":\(countsAgree)}
            """
        print(json)
        guard countsAgree else {
            FileHandle.standardError.write(Data("analyze: token counts of the two passes differ\n".utf8))
            return 1
        }
        return 0
    }

    /// Times Porter2 on every word token of the corpus without the stem cache (the words are
    /// collected first, so only stemming is timed); checks the word count against the tokenizer's.
    private static func measureStemmerAlone(corpus: JSONLTexts, runs: Int, expectedWords: Int) throws
        -> (words: Int, seconds: Double, stemBytes: Int)
    {
        struct WordCollector: TokenSink {
            var bytes: [UInt8] = []
            var ends: [Int] = []
            mutating func token(_ term: UnsafeRawBufferPointer, position: Int, start: Int, end: Int, isWhole: Bool) {
                guard !isWhole, Analyzer.stems(term, isWhole: false) else { return }
                bytes.append(contentsOf: term)
                ends.append(bytes.count)
            }
        }
        var collector = WordCollector()
        var tokenizer = Tokenizer()
        corpus.bytes.withUnsafeBytes { all in
            for range in corpus.ranges {
                _ = tokenizer.tokenize(UnsafeRawBufferPointer(rebasing: all[range]), firstPosition: 0, into: &collector)
            }
        }
        let stemmer = Porter2Stemmer()
        var best = Double.infinity
        var stemBytes = 0
        var output = [UInt8](repeating: 0, count: 512)
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            var total = 0
            collector.bytes.withUnsafeBytes { words in
                output.withUnsafeMutableBytes { out in
                    var previous = 0
                    for end in collector.ends {
                        total &+= stemmer.stem(UnsafeRawBufferPointer(rebasing: words[previous..<end]), into: out)
                        previous = end
                    }
                }
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            stemBytes = total
        }
        // Words with letters are a subset of the tokenizer's words (numbers are not stemmed).
        guard collector.ends.count <= expectedWords, stemBytes > 0 else {
            throw BenchError(
                "stemmer pass saw \(collector.ends.count) words, more than the tokenizer's \(expectedWords)")
        }
        return (collector.ends.count, best, stemBytes)
    }

    private static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

/// Counts tokens and words (part tokens) and folds every term byte count into a checksum, so
/// the optimizer cannot drop the work.
private struct CountingSink: TokenSink, AnalyzedTokenSink {
    var tokens = 0
    var words = 0
    var checksum = 0

    mutating func token(_ term: UnsafeRawBufferPointer, position: Int, start: Int, end: Int, isWhole: Bool) {
        record(term, isWhole: isWhole)
    }

    mutating func token(
        stem: UnsafeRawBufferPointer, surface: UnsafeRawBufferPointer, position: Int, start: Int, end: Int,
        isWhole: Bool
    ) {
        record(stem, isWhole: isWhole)
    }

    @inline(__always)
    private mutating func record(_ term: UnsafeRawBufferPointer, isWhole: Bool) {
        tokens &+= 1
        words &+= isWhole ? 0 : 1
        checksum &+= term.count &+ Int(term[0])
    }
}

/// The `"text"` values of a JSONL file, unescaped into one byte array.
private struct JSONLTexts {
    var bytes: [UInt8] = []
    var ranges: [Range<Int>] = []

    init(jsonl: Data) {
        let input = [UInt8](jsonl)
        var lineStart = 0
        while lineStart < input.count {
            let lineEnd = input[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? input.count
            let textStart = bytes.count
            if JSONTextField.appendText(of: input[lineStart..<lineEnd], to: &bytes) {
                ranges.append(textStart..<bytes.count)
            }
            lineStart = lineEnd + 1
        }
    }

    /// Runs `pass` over every text `runs` times; returns the fastest run and its counts.
    func measure(
        runs: Int, _ pass: (UnsafeRawBufferPointer, inout CountingSink) -> Int
    ) -> PassResult {
        var best = PassResult()
        let clock = ContinuousClock()
        bytes.withUnsafeBytes { all in
            for _ in 0..<runs {
                var sink = CountingSink()
                var positions = 0
                let cpuStart = threadCPUSeconds()
                let elapsed = clock.measure {
                    for range in ranges {
                        positions += pass(UnsafeRawBufferPointer(rebasing: all[range]), &sink)
                    }
                }
                let cpuSeconds = threadCPUSeconds() - cpuStart
                precondition(positions == sink.words, "positions returned and part tokens disagree")
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                if seconds < best.seconds { best.seconds = seconds }
                if cpuSeconds < best.cpuSeconds { best.cpuSeconds = cpuSeconds }
                (best.tokens, best.words) = (sink.tokens, sink.words)
                if sink.checksum == 42 { print("") }  // keeps the checksum alive
            }
        }
        return best
    }
}

/// The fastest run of a pass, by wall clock and by the thread's CPU time (which a machine
/// shared with other work disturbs less), and the counts of the last run.
private struct PassResult {
    var seconds = Double.infinity
    var cpuSeconds = Double.infinity
    var tokens = 0
    var words = 0
}

/// CPU time consumed by the calling thread.
private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Just enough JSON to pull one string field out of a flat object.
private enum JSONTextField {
    /// Appends the unescaped UTF-8 of the top-level `"text"` string of `line`, if any.
    static func appendText(of line: ArraySlice<UInt8>, to output: inout [UInt8]) -> Bool {
        var index = line.startIndex
        skipWhitespace(line, &index)
        guard index < line.endIndex, line[index] == UInt8(ascii: "{") else { return false }
        index += 1
        while true {
            skipWhitespace(line, &index)
            guard index < line.endIndex, line[index] == UInt8(ascii: "\"") else { return false }
            let keyStart = index + 1
            skipString(line, &index)
            let key = line[keyStart..<index - 1]
            skipWhitespace(line, &index)
            guard index < line.endIndex, line[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace(line, &index)
            guard index < line.endIndex else { return false }
            if key.elementsEqual("text".utf8), line[index] == UInt8(ascii: "\"") {
                return unescapeString(line, from: index, to: &output)
            }
            skipValue(line, &index)
            skipWhitespace(line, &index)
            guard index < line.endIndex, line[index] == UInt8(ascii: ",") else { return false }
            index += 1
        }
    }

    private static func skipWhitespace(_ line: ArraySlice<UInt8>, _ index: inout Int) {
        while index < line.endIndex, [0x20, 0x09, 0x0D, 0x0A].contains(line[index]) { index += 1 }
    }

    /// Moves past the string whose opening quote is at `index`.
    private static func skipString(_ line: ArraySlice<UInt8>, _ index: inout Int) {
        index += 1
        while index < line.endIndex {
            let byte = line[index]
            index += byte == UInt8(ascii: "\\") ? 2 : 1
            if byte == UInt8(ascii: "\"") { return }
        }
        index = line.endIndex
    }

    /// Moves past a value: a string, a nested object or array, or a literal.
    private static func skipValue(_ line: ArraySlice<UInt8>, _ index: inout Int) {
        var depth = 0
        while index < line.endIndex {
            switch line[index] {
            case UInt8(ascii: "\""):
                skipString(line, &index)
                if depth == 0 { return }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return }
                depth -= 1
                if depth == 0 {
                    index += 1
                    return
                }
            case UInt8(ascii: ","): if depth == 0 { return }
            default: break
            }
            index += 1
        }
    }

    private static func unescapeString(_ line: ArraySlice<UInt8>, from start: Int, to output: inout [UInt8]) -> Bool {
        var index = start + 1
        while index < line.endIndex {
            let byte = line[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return true }
            guard byte == UInt8(ascii: "\\"), index < line.endIndex else {
                output.append(byte)
                continue
            }
            let escape = line[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = hexQuad(line, &index) else { return false }
                if (0xD800..<0xDC00).contains(scalar), line[index...].starts(with: "\\u".utf8) {
                    var lowIndex = index + 2
                    if let low = hexQuad(line, &lowIndex), (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                        index = lowIndex
                    }
                }
                output.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
            default: output.append(escape)  // \" \\ \/
            }
        }
        return false
    }

    private static func hexQuad(_ line: ArraySlice<UInt8>, _ index: inout Int) -> UInt32? {
        guard index + 4 <= line.endIndex,
            let value = UInt32(String(decoding: line[index..<index + 4], as: UTF8.self), radix: 16)
        else { return nil }
        index += 4
        return value
    }
}
