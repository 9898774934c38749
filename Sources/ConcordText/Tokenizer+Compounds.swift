// Compound bookkeeping for `TokenScanner`: parts, the whole compound, and numeric runs.
//
// A compound's folded bytes accumulate in the scanner's buffer, joiners included, so each
// part and each whole is a slice of it: no copying per token. Once the compound is too long
// to be emitted whole, the buffer restarts (keeping a numeric run still in progress), which
// bounds it however long the compound grows.

/// Where the compound being scanned and its current part began.
struct CompoundState {
    /// Input offset of the compound's first byte.
    var startOffset = 0
    /// Position of the compound's first part.
    var firstPosition = 0
    /// Parts finished so far, skipped long ones included.
    var partCount = 0
    /// Input offset of the current part's first byte.
    var partStartOffset = 0
    /// Buffer index (in `TokenScanner.length` units) of the current part's first folded byte.
    var partBufferStart = 0
    /// Class of the joiner before the current part; 0 for the first part.
    var joinerBeforePart: UInt8 = 0
    /// Input offset just past the last finished part.
    var endOffset = 0
    /// The buffer was restarted because the compound outgrew `Tokenizer.maxTermBytes`.
    var isTooLong = false
}

/// The slash-joined run of numeric parts ending at the last finished part (`70/153`).
struct NumericRun {
    var partCount = 0
    var bufferStart = 0
    var bufferEnd = 0
    var position = 0
    var startOffset = 0
    var endOffset = 0
}

extension TokenScanner {
    /// Starts a compound whose first part begins at input `offset` (and at buffer index 0).
    mutating func beginCompound(at offset: Int) {
        compound = CompoundState(startOffset: offset, firstPosition: nextPosition, partStartOffset: offset)
        numericRun = NumericRun()
    }

    /// Starts the next part at input `offset`, after a hyphen, slash or period of `joinerClass`.
    mutating func beginPart(at offset: Int, after joinerClass: UInt8) {
        if length > Tokenizer.maxTermBytes {
            compound.isTooLong = true
            restartBufferKeepingNumericRun()
        }
        appendByte(Folding.joinerBytes[Int(joinerClass)])
        compound.partStartOffset = offset
        compound.partBufferStart = length
        compound.joinerBeforePart = joinerClass
    }

    /// Emits the current part, which ends at input offset `end`, and extends or flushes the
    /// numeric run. A part too long to emit still consumes its position.
    mutating func finishPart<Sink: TokenSink>(end: Int, hasLetter: Bool, into sink: inout Sink) {
        let partLength = length &- compound.partBufferStart
        let position = nextPosition
        nextPosition &+= 1
        compound.partCount &+= 1
        compound.endOffset = end
        let fits = partLength <= Tokenizer.maxTermBytes
        // A numeric run this part ends is emitted before the part, right after its own last part.
        if compound.partCount > 1 || !hasLetter {
            trackNumericRun(partIsNumeric: fits && !hasLetter, position: position, end: end, into: &sink)
        }
        if fits {
            sink.token(
                UnsafeRawBufferPointer(start: buffer + compound.partBufferStart, count: partLength),
                position: position, start: compound.partStartOffset, end: end, isWhole: false)
        } else {
            skippedLongTerms &+= 1
        }
    }

    /// Emits what the compound adds to its parts: a pending numeric run, then the whole.
    mutating func finishCompound<Sink: TokenSink>(into sink: inout Sink) {
        guard compound.partCount > 1 else { return }
        flushNumericRun(into: &sink)
        guard !compound.isTooLong, length <= Tokenizer.maxTermBytes else {
            skippedLongTerms &+= 1
            return
        }
        emitWhole(
            bufferRange: 0..<length, position: compound.firstPosition,
            start: compound.startOffset, end: compound.endOffset, into: &sink)
    }

    /// A numeric part continues the run after a slash; it starts a new one when it opens the
    /// compound or follows a slash (in `S-1/1`, the `1` after the hyphen belongs to `S-1`).
    private mutating func trackNumericRun<Sink: TokenSink>(
        partIsNumeric: Bool, position: Int, end: Int, into sink: inout Sink
    ) {
        let followsSlash = compound.joinerBeforePart == ScalarClass.slash
        if partIsNumeric, followsSlash, numericRun.partCount > 0 {
            numericRun.partCount &+= 1
            numericRun.bufferEnd = length
            numericRun.endOffset = end
            return
        }
        flushNumericRun(into: &sink)
        if partIsNumeric, followsSlash || compound.partCount == 1 {
            numericRun = NumericRun(
                partCount: 1, bufferStart: compound.partBufferStart, bufferEnd: length,
                position: position, startOffset: compound.partStartOffset, endOffset: end)
        }
    }

    /// Emits the run whole if it has two or more parts, is not the whole compound and fits in
    /// `maxTermBytes` (a run is an extra view of its parts, so a long one is not counted as
    /// skipped), then clears it.
    private mutating func flushNumericRun<Sink: TokenSink>(into sink: inout Sink) {
        defer { numericRun.partCount = 0 }
        guard numericRun.partCount > 1, numericRun.partCount < compound.partCount,
            numericRun.bufferEnd &- numericRun.bufferStart <= Tokenizer.maxTermBytes
        else { return }
        emitWhole(
            bufferRange: numericRun.bufferStart..<numericRun.bufferEnd, position: numericRun.position,
            start: numericRun.startOffset, end: numericRun.endOffset, into: &sink)
    }

    private func emitWhole<Sink: TokenSink>(
        bufferRange: Range<Int>, position: Int, start: Int, end: Int, into sink: inout Sink
    ) {
        sink.token(
            UnsafeRawBufferPointer(start: buffer + bufferRange.lowerBound, count: bufferRange.count),
            position: position, start: start, end: end, isWhole: true)
    }

    /// Drops the buffered compound, which can no longer be emitted whole, but moves a numeric
    /// run that ends at the last part to the front: the next part may still extend it.
    private mutating func restartBufferKeepingNumericRun() {
        let runLength = numericRun.bufferEnd &- numericRun.bufferStart
        guard numericRun.partCount > 0, numericRun.bufferEnd == length, runLength <= Tokenizer.maxTermBytes
        else {
            numericRun.partCount = 0
            length = 0
            return
        }
        // The destination precedes the source, so a forward copy is safe despite the overlap.
        for index in 0..<runLength { buffer[index] = buffer[numericRun.bufferStart &+ index] }
        numericRun.bufferStart = 0
        numericRun.bufferEnd = runLength
        length = runLength
    }
}
