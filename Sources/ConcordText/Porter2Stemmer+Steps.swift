// Steps 1a–5 of the Snowball English (Porter2) stemmer, current algorithm.
//
// Each step looks for the longest listed ending and then applies that ending's rule only; when the
// rule's condition fails (say, the ending is not in R1) the step does nothing rather than trying a
// shorter ending. The `if`/`else if` chains below therefore test longer endings first.

extension Porter2Word {
    /// Whether an ending that starts at `start` lies in R1.
    @inline(__always)
    private func inR1(_ start: Int) -> Bool { start >= r1 }

    /// Whether an ending that starts at `start` lies in R2.
    @inline(__always)
    private func inR2(_ start: Int) -> Bool { start >= r2 }

    /// Whether the word up to `end` ends in a short syllable: non-vowel, vowel, non-vowel other than
    /// `w`, `x` or `Y`; or vowel, non-vowel at the very start; or `past` (pasted, pasting).
    func endsInShortSyllable(at end: Int) -> Bool {
        guard end >= 2 else { return false }
        let last = bytes[end - 1]
        let vowelEnd: Int
        if last < 0x80 {
            if Self.isVowel(last) { return has(suffix: "past", endingAt: end) }
            vowelEnd = end - 1
        } else {
            vowelEnd = characterStart(before: end)
        }
        if vowelEnd > 0 && Self.isVowel(bytes[vowelEnd - 1]) {
            let vowelStart = vowelEnd - 1
            if vowelStart == 0 { return true }
            if !Self.isVowelWXY(last) && !Self.isVowel(bytes[vowelStart - 1]) { return true }
        }
        return has(suffix: "past", endingAt: end)
    }

    // MARK: Step 1a: possessives and plurals

    /// Removes `'`, `'s`, `'s'`; then `sses` → `ss`, `ied`/`ies` → `i` or `ie`, and a plural `s`.
    mutating func step1a() {
        if ends(with: "'s'") {
            count -= 3
        } else if ends(with: "'s") {
            count -= 2
        } else if count > 0 && bytes[count - 1] == Porter2Byte.apostrophe {
            count -= 1
        }
        guard count > 0 else { return }
        switch bytes[count - 1] {
        case Porter2Byte.s:
            if ends(with: "sses") {
                count -= 2
            } else if ends(with: "ies") {
                shortenIesOrIed()
            } else if ends(with: "ss") || ends(with: "us") {
                return
            } else if count >= 2 && hasVowel(before: count - 2) {
                // The character just before the `s` does not count: "gas" stays, "gaps" loses its s.
                count -= 1
            }
        case UInt8(ascii: "d"):
            if ends(with: "ied") { shortenIesOrIed() }
        default:
            return
        }
    }

    /// `ies`/`ied` becomes `i` after two or more characters (cries → cri), else `ie` (ties → tie).
    private mutating func shortenIesOrIed() {
        let stemEnd = count - 3
        if hasAtLeastCharacters(2, before: stemEnd) {
            count = stemEnd + 1
        } else {
            bytes[stemEnd + 1] = Porter2Byte.e
            count = stemEnd + 2
        }
    }

    // MARK: Step 1b: -eed, -ed, -ing

    /// `eed`/`eedly` → `ee` in R1 (but proceed, exceed, succeed stay); `ed`, `edly`, `ing`, `ingly` are
    /// removed after a vowel, then the stem is tidied (hop → hop, luxuriat → luxuriate, hop(p) → hop).
    mutating func step1b() {
        guard count >= 2 else { return }
        let suffixStart: Int
        switch bytes[count - 1] {
        case UInt8(ascii: "d"):
            if ends(with: "eed") {
                replaceEedInR1(suffixStart: count - 3)
                return
            }
            guard ends(with: "ed") else { return }
            suffixStart = count - 2
        case UInt8(ascii: "y"):
            if ends(with: "eedly") {
                replaceEedInR1(suffixStart: count - 5)
                return
            }
            if ends(with: "ingly") {
                suffixStart = count - 5
            } else if ends(with: "edly") {
                suffixStart = count - 4
            } else {
                return
            }
        case UInt8(ascii: "g"):
            guard ends(with: "ing") else { return }
            suffixStart = count - 3
            if keepsIngException(suffixStart: suffixStart) { return }
        default:
            return
        }
        guard hasVowel(before: suffixStart) else { return }
        count = suffixStart
        tidyAfterRemovingEdOrIng()
    }

    private mutating func replaceEedInR1(suffixStart: Int) {
        guard inR1(suffixStart) else { return }
        if prefix(upTo: suffixStart, is: "proc") || prefix(upTo: suffixStart, is: "exc")
            || prefix(upTo: suffixStart, is: "succ")
        {
            return
        }
        count = suffixStart + 2
    }

    /// Handles the `-ing` words the general rule would spoil: dying → die, and inning, outing,
    /// canning, herring, earring, evening, which stay whole. Returns whether the step is done.
    private mutating func keepsIngException(suffixStart: Int) -> Bool {
        guard suffixStart > 0 else { return false }
        let beforeSuffix = bytes[suffixStart - 1]
        if beforeSuffix == Porter2Byte.y {
            // A single non-vowel character then "ying": dying → die, vying → vie.
            let yPosition = suffixStart - 1
            guard yPosition > 0 else { return false }
            let consonantStart = characterStart(before: yPosition)
            guard consonantStart == 0 && !Self.isVowel(bytes[0]) else { return false }
            bytes[yPosition] = Porter2Byte.i
            bytes[yPosition + 1] = Porter2Byte.e
            count = yPosition + 2
            return true
        }
        switch suffixStart {
        case 3:
            return prefix(upTo: 3, is: "inn") || prefix(upTo: 3, is: "out")
        case 4:
            return prefix(upTo: 4, is: "cann") || prefix(upTo: 4, is: "herr") || prefix(upTo: 4, is: "earr")
                || prefix(upTo: 4, is: "even")
        default:
            return false
        }
    }

    /// After `ed`/`ing` removal: add `e` after `at`, `bl`, `iz` or a short word's short syllable;
    /// undouble a final bb, dd, ff, gg, mm, nn, pp, rr, tt, except in three-letter words such as add, egg.
    private mutating func tidyAfterRemovingEdOrIng() {
        // A vowel precedes the removed ending, and one byte cannot hold a short syllable.
        guard count >= 2 else { return }
        let last = bytes[count - 1]
        let previous = bytes[count - 2]
        if (previous == Porter2Byte.a && last == Porter2Byte.t)
            || (previous == UInt8(ascii: "b") && last == Porter2Byte.l)
            || (previous == Porter2Byte.i && last == UInt8(ascii: "z"))
        {
            appendE()
            return
        }
        if last == previous && Self.isUndoubledLetter(last) {
            if count == 3 && (bytes[0] == Porter2Byte.a || bytes[0] == Porter2Byte.e || bytes[0] == Porter2Byte.o) {
                return
            }
            count -= 1
            return
        }
        if count == r1 && endsInShortSyllable(at: count) { appendE() }
    }

    @inline(__always)
    private static func isUndoubledLetter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "b"), UInt8(ascii: "d"), UInt8(ascii: "f"), UInt8(ascii: "g"), UInt8(ascii: "m"),
            UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        default:
            return false
        }
    }

    /// Appends `e`; only after a removal of two or more bytes, so it stays within the word's length.
    @inline(__always)
    private mutating func appendE() {
        bytes[count] = Porter2Byte.e
        count += 1
    }

    // MARK: Step 1c

    /// A final `y` or `Y` after a non-vowel that is not the first character becomes `i` (cry → cri).
    mutating func step1c() {
        guard count >= 3 else { return }
        let yPosition = count - 1
        let last = bytes[yPosition]
        guard last == Porter2Byte.y || last == Porter2Byte.consonantY else { return }
        let consonantStart = characterStart(before: yPosition)
        guard consonantStart > 0 && !Self.isVowel(bytes[consonantStart]) else { return }
        bytes[yPosition] = Porter2Byte.i
    }

    // MARK: Step 2

    /// Maps derivational endings in R1 to shorter ones (ization → ize, fulness → ful, ogist → og, ...).
    mutating func step2() {
        guard count >= 3 else { return }
        switch bytes[count - 1] {
        case Porter2Byte.i:
            step2EndingInI()
        case Porter2Byte.l:
            if ends(with: "ational") {
                replaceInR1(length: 7, with: "ate")
            } else if ends(with: "tional") {
                replaceInR1(length: 6, with: "tion")
            }
        case UInt8(ascii: "m"):
            if ends(with: "alism") { replaceInR1(length: 5, with: "al") }
        case UInt8(ascii: "n"):
            if ends(with: "ization") {
                replaceInR1(length: 7, with: "ize")
            } else if ends(with: "ation") {
                replaceInR1(length: 5, with: "ate")
            }
        case UInt8(ascii: "r"):
            if ends(with: "izer") {
                replaceInR1(length: 4, with: "ize")
            } else if ends(with: "ator") {
                replaceInR1(length: 4, with: "ate")
            }
        case Porter2Byte.s:
            if ends(with: "iveness") {
                replaceInR1(length: 7, with: "ive")
            } else if ends(with: "fulness") {
                replaceInR1(length: 7, with: "ful")
            } else if ends(with: "ousness") {
                replaceInR1(length: 7, with: "ous")
            }
        case Porter2Byte.t:
            if ends(with: "ogist") { replaceInR1(length: 5, with: "og") }
        default:
            return
        }
    }

    private mutating func step2EndingInI() {
        switch bytes[count - 2] {
        case Porter2Byte.l:
            if ends(with: "lessli") {
                replaceInR1(length: 6, with: "less")
            } else if ends(with: "fulli") {
                replaceInR1(length: 5, with: "ful")
            } else if ends(with: "ousli") {
                replaceInR1(length: 5, with: "ous")
            } else if ends(with: "entli") {
                replaceInR1(length: 5, with: "ent")
            } else if ends(with: "abli") {
                replaceInR1(length: 4, with: "able")
            } else if ends(with: "alli") {
                replaceInR1(length: 4, with: "al")
            } else if ends(with: "bli") {
                replaceInR1(length: 3, with: "ble")
            } else {
                let start = count - 2
                if inR1(start) && Self.isValidLIEnding(bytes[start - 1]) { count = start }
            }
        case Porter2Byte.t:
            if ends(with: "biliti") {
                replaceInR1(length: 6, with: "ble")
            } else if ends(with: "aliti") {
                replaceInR1(length: 5, with: "al")
            } else if ends(with: "iviti") {
                replaceInR1(length: 5, with: "ive")
            }
        case UInt8(ascii: "c"):
            if ends(with: "anci") {
                replaceInR1(length: 4, with: "ance")
            } else if ends(with: "enci") {
                replaceInR1(length: 4, with: "ence")
            }
        case UInt8(ascii: "g"):
            // logi → log: the `l` must precede the ending but is not part of it.
            if ends(with: "ogi") {
                let start = count - 3
                if inR1(start) && start > 0 && bytes[start - 1] == Porter2Byte.l { count = start + 2 }
            }
        default:
            return
        }
    }

    /// Replaces the final `length` bytes with `replacement` when they lie in R1.
    @inline(__always)
    private mutating func replaceInR1(length: Int, with replacement: StaticString) {
        let start = count - length
        if inR1(start) { replace(from: start, with: replacement) }
    }

    // MARK: Step 3

    /// Further endings in R1: ational → ate, alize → al, icate/iciti/ical → ic, ful/ness removed,
    /// ative removed in R2.
    mutating func step3() {
        guard count >= 3 else { return }
        switch bytes[count - 1] {
        case Porter2Byte.l:
            if ends(with: "ational") {
                replaceInR1(length: 7, with: "ate")
            } else if ends(with: "tional") {
                replaceInR1(length: 6, with: "tion")
            } else if ends(with: "ical") {
                replaceInR1(length: 4, with: "ic")
            } else if ends(with: "ful") {
                replaceInR1(length: 3, with: "")
            }
        case Porter2Byte.e:
            if ends(with: "icate") {
                replaceInR1(length: 5, with: "ic")
            } else if ends(with: "ative") {
                if inR2(count - 5) { replaceInR1(length: 5, with: "") }
            } else if ends(with: "alize") {
                replaceInR1(length: 5, with: "al")
            }
        case Porter2Byte.i:
            if ends(with: "iciti") { replaceInR1(length: 5, with: "ic") }
        case Porter2Byte.s:
            if ends(with: "ness") { replaceInR1(length: 4, with: "") }
        default:
            return
        }
    }

    // MARK: Step 4

    /// Removes residual endings in R2 (al, ance, er, ic, ement, ism, ...), and `ion` after `s` or `t`.
    mutating func step4() {
        guard count >= 2 else { return }
        let length: Int
        switch bytes[count - 1] {
        case Porter2Byte.l:
            guard ends(with: "al") else { return }
            length = 2
        case Porter2Byte.e:
            if ends(with: "ance") || ends(with: "ence") || ends(with: "able") || ends(with: "ible") {
                length = 4
            } else if ends(with: "ate") || ends(with: "ive") || ends(with: "ize") {
                length = 3
            } else {
                return
            }
        case UInt8(ascii: "r"):
            guard ends(with: "er") else { return }
            length = 2
        case UInt8(ascii: "c"):
            guard ends(with: "ic") else { return }
            length = 2
        case Porter2Byte.t:
            if ends(with: "ement") {
                length = 5
            } else if ends(with: "ment") {
                length = 4
            } else if ends(with: "ant") || ends(with: "ent") {
                length = 3
            } else {
                return
            }
        case UInt8(ascii: "m"):
            guard ends(with: "ism") else { return }
            length = 3
        case Porter2Byte.i:
            guard ends(with: "iti") else { return }
            length = 3
        case Porter2Byte.s:
            guard ends(with: "ous") else { return }
            length = 3
        case UInt8(ascii: "n"):
            guard ends(with: "ion") else { return }
            let start = count - 3
            if inR2(start) && start > 0 && (bytes[start - 1] == Porter2Byte.s || bytes[start - 1] == Porter2Byte.t) {
                count = start
            }
            return
        default:
            return
        }
        if inR2(count - length) { count -= length }
    }

    // MARK: Step 5

    /// Removes a final `e` in R2, or in R1 unless it follows a short syllable; removes `l` of a final
    /// `ll` in R2.
    mutating func step5() {
        guard count >= 1 else { return }
        let start = count - 1
        switch bytes[start] {
        case Porter2Byte.e:
            if inR2(start) || (inR1(start) && !endsInShortSyllable(at: start)) { count = start }
        case Porter2Byte.l:
            if inR2(start) && start > 0 && bytes[start - 1] == Porter2Byte.l { count = start }
        default:
            return
        }
    }
}
