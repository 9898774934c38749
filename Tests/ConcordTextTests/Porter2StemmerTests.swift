import ConcordText
import Foundation
import Testing

/// Snowball English (current) reference data, located from this file so the tests need nothing outside
/// the repository. Line N of `output.txt` is the stem of line N of `voc.txt`.
private let porter2Resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Resources/porter2-current")

private func referenceLines(_ name: String) throws -> [Substring] {
    let text = try String(contentsOf: porter2Resources.appendingPathComponent(name), encoding: .utf8)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
        .map { $0 }
}

/// Stems through the byte API, as the analyzer does.
private func stemBytes(_ word: String, stemmer: Porter2Stemmer = Porter2Stemmer()) -> String {
    let bytes = Array(word.utf8)
    var output = [UInt8](repeating: 0, count: bytes.count)
    let length = bytes.withUnsafeBytes { source in
        output.withUnsafeMutableBytes { target in stemmer.stem(source, into: target) }
    }
    return String(decoding: output[0..<length], as: UTF8.self)
}

@Suite("Porter2 stemmer")
struct Porter2StemmerTests {
    @Test("whole Snowball vocabulary matches output.txt byte for byte")
    func wholeVocabulary() throws {
        let words = try referenceLines("voc.txt")
        let stems = try referenceLines("output.txt")
        #expect(words.count == 42_649)
        try #require(words.count == stems.count)
        let stemmer = Porter2Stemmer()
        var mismatches: [String] = []
        for (word, expected) in zip(words, stems) {
            let got = stemBytes(String(word), stemmer: stemmer)
            if got != expected { mismatches.append("\(word): expected \(expected), got \(got)") }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) mismatches, first: \(mismatches.prefix(20))")
    }

    /// Expected stems from Snowball's `output.txt` or PyPI snowballstemmer 3.1.1 (the reference).
    @Test(
        "notable words",
        arguments: [
            // Special cases the algorithm lists.
            ("generously", "generous"), ("generate", "generat"), ("communism", "communism"), ("arsenal", "arsenal"),
            ("skis", "ski"), ("skies", "sky"), ("sky", "sky"), ("dying", "die"), ("lying", "lie"),
            ("tying", "tie"), ("vying", "vie"), ("news", "news"), ("howe", "howe"), ("atlas", "atlas"),
            ("cosmos", "cosmos"), ("bias", "bias"), ("andes", "andes"), ("gently", "gentl"), ("early", "earli"),
            ("only", "onli"), ("singly", "singl"), ("ugly", "ugli"), ("idly", "idl"),
            ("succeed", "succeed"), ("proceed", "proceed"), ("exceed", "exceed"), ("succeeded", "succeed"),
            ("exceedingly", "exceed"), ("agreed", "agre"), ("feed", "feed"),
            ("inning", "inning"), ("innings", "inning"), ("outing", "outing"), ("canning", "canning"),
            ("herring", "herring"), ("earring", "earring"), ("evening", "evening"), ("evenings", "evening"),
            // 2023–2025 changes: prefixes fixing R1, -ogist, undoubling.
            ("pasted", "paste"), ("pasting", "paste"), ("past", "past"), ("universe", "univers"),
            ("university", "universiti"), ("universal", "universal"), ("lateral", "lateral"),
            ("emergency", "emergenc"), ("organic", "organic"), ("organize", "organiz"),
            ("international", "internat"), ("internal", "internal"), ("archaeologists", "archaeolog"),
            ("biologist", "biolog"), ("added", "add"), ("ebbing", "ebb"), ("hopping", "hop"), ("hoping", "hope"),
            // Plurals, -ed/-ing, y.
            ("cried", "cri"), ("cries", "cri"), ("ties", "tie"), ("ponies", "poni"), ("caresses", "caress"),
            ("gas", "gas"), ("gaps", "gap"), ("kiwis", "kiwi"), ("bled", "bled"), ("sing", "sing"),
            ("luxuriating", "luxuri"), ("happy", "happi"), ("sayings", "say"), ("yes", "yes"), ("youth", "youth"),
            ("boys", "boy"), ("cry", "cri"), ("crying", "cri"), ("hopefulness", "hope"),
            ("rationalize", "ration"), ("fluently", "fluentli"),
            // Apostrophes.
            ("don't", "don't"), ("'s", "'s"), ("it's", "it"), ("dogs'", "dog"), ("'", "'"), ("''", "''"),
            ("'''", "'"), ("'as'", "as"), ("there's'", "there"),
            // Fewer than three characters stay as they are.
            ("", ""), ("a", "a"), ("is", "is"), ("as", "as"), ("by", "by"), ("éy", "éy"), ("sé", "sé"),
            // Non-ASCII letters are non-vowels; rules that count characters count them whole.
            ("café", "café"), ("cafés", "café"), ("naïvely", "naïv"), ("fiancées", "fiancé"),
            ("résumés", "résumé"), ("réserved", "réserv"), ("façades", "façad"), ("pâtisseries", "pâtisseri"),
            ("jalapeños", "jalapeño"), ("ångströms", "ångströms"), ("éying", "éie"), ("ñying", "ñie"),
            ("éies", "éie"), ("ñied", "ñie"), ("aéy", "aéi"), ("séy", "séi"), ("tañed", "tañe"),
            ("béed", "béed"), ("ébbing", "ébbing"), ("'éé", "éé"), ("é's", "é"), ("éss", "éss"),
            // Long words take the same path as short ones.
            ("antidisestablishmentarianism", "antidisestablishmentarian"),
            ("pneumonoultramicroscopicsilicovolcanoconiosis", "pneumonoultramicroscopicsilicovolcanoconiosi"),
            ("internationalizations", "internation"),
        ]
    )
    func notableWord(word: String, expected: String) {
        #expect(stemBytes(word) == expected)
        #expect(Porter2Stemmer().stem(word) == expected)
    }

    @Test("a word longer than any fixed scratch buffer is stemmed whole")
    func veryLongWord() {
        let part = "supercalifragilisticexpialidocious"
        let word = String(repeating: part, count: 4) + "nesses"
        let expected = String(repeating: part, count: 3) + "supercalifragilisticexpialidoci"
        #expect(stemBytes(word) == expected)
    }

    @Test("stems in place when output is the word's own buffer")
    func inPlace() {
        let cases = [("'generously", "generous"), ("hopping", "hop"), ("'s", "'s"), ("dogs'", "dog")]
        for (word, expected) in cases {
            var bytes = Array(word.utf8)
            let length = bytes.withUnsafeMutableBytes { buffer in
                Porter2Stemmer().stem(UnsafeRawBufferPointer(buffer), into: buffer)
            }
            #expect(String(decoding: bytes[0..<length], as: UTF8.self) == expected)
        }
    }

    @Test("writes nothing past word.count bytes")
    func staysWithinWordLength() {
        let stemmer = Porter2Stemmer()
        for word in ["luxuriating", "hoping", "enci", "ugly", "dying", "'s'", "cafés"] {
            let bytes = Array(word.utf8)
            var output = [UInt8](repeating: 0xEE, count: bytes.count + 8)
            let length = bytes.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { target in
                    let exactRoom = UnsafeMutableRawBufferPointer(rebasing: target[0..<bytes.count])
                    return stemmer.stem(source, into: exactRoom)
                }
            }
            #expect(length <= bytes.count)
            #expect(output[bytes.count...].allSatisfy { $0 == 0xEE }, "\(word)")
        }
    }
}
