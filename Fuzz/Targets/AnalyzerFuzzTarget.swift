// libFuzzer target: arbitrary bytes, valid UTF-8 or not, through the tokenizer, folding and the
// stemming analyzer, with the token invariants checked. Built by Fuzz/run.sh, not by SwiftPM.
import ConcordText

/// Checks each token against the input as it arrives.
private struct CheckingSink: AnalyzedTokenSink {
    let inputCount: Int
    var lastPartPosition = -1

    mutating func token(
        stem: UnsafeRawBufferPointer, surface: UnsafeRawBufferPointer, position: Int, start: Int, end: Int,
        isWhole: Bool
    ) {
        guard 0 <= start, start < end, end <= inputCount else {
            fatalError("token span \(start)..<\(end) outside the \(inputCount)-byte input")
        }
        guard !surface.isEmpty, surface.count <= Tokenizer.maxTermBytes, !stem.isEmpty else {
            fatalError("token of \(surface.count) bytes, stem of \(stem.count)")
        }
        guard String(validating: surface, as: UTF8.self) != nil, String(validating: stem, as: UTF8.self) != nil
        else {
            fatalError("token or stem is not valid UTF-8: \(Array(surface)) \(Array(stem))")
        }
        if isWhole {
            guard position <= lastPartPosition else { fatalError("whole token before its parts") }
        } else {
            guard position > lastPartPosition else { fatalError("part positions go backwards") }
            lastPartPosition = position
        }
    }
}

/// Runs one input through stemming and non-stemming analyzers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    for stemming in [true, false] {
        var analyzer = Analyzer(stemming: stemming)
        var sink = CheckingSink(inputCount: size)
        let next = analyzer.analyze(input, firstPosition: 0, into: &sink)
        guard next > sink.lastPartPosition else { fatalError("next position \(next) not after the last part") }
    }
    return 0
}
