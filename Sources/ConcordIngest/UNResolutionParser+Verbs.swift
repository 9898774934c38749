/// The opening verb phrase of a resolution paragraph, as written.
///
/// Preamble ("Recalling also", "Deeply concerned", "Bearing in mind", "Noting with appreciation"): the
/// first word; with a leading adverb ("Deeply", "Gravely", "Further"...) also the word after it; the
/// fixed phrases "Bearing in mind", "Taking note", "Taking into account" and "Having <participle>"; then
/// any "also"/"further"/"again"/"moreover"; then "with [deep|grave|...] <concern|appreciation|...>".
///
/// Operative ("Reaffirms", "Also reaffirms", "Calls upon", "Takes note", "Once again urges"): an optional
/// adverb ("Also", "Further", "Again", "Once again", "Strongly"...), the verb, then a particle where the
/// verb needs one ("Calls upon"/"Calls on", "Takes note", "Takes into account", "Bears in mind") and the
/// same "with <noun>" tail as the preamble.
enum VerbPhrase {
    static let preambleAdverbs: Set<String> = [
        "deeply", "gravely", "seriously", "strongly", "firmly", "fully", "further", "also", "profoundly",
    ]
    static let operativeAdverbs: Set<String> = [
        "also", "further", "again", "strongly", "furthermore", "moreover", "firmly", "urgently", "hereby", "once",
        "deeply", "emphatically",
    ]
    static let repeats: Set<String> = ["also", "further", "again", "moreover", "furthermore"]
    static let intensifiers: Set<String> = ["deep", "grave", "serious", "great", "particular", "deepest"]
    static let attitudes: Set<String> = ["appreciation", "concern", "satisfaction", "interest", "regret", "alarm"]

    /// Opening participle/adjective phrase of a preambular paragraph, or nil when it does not open with a
    /// capitalised word.
    static func preamble(_ text: String) -> String? {
        let words = leadingWords(text)
        guard let first = words.first, first.first?.isUppercase == true else { return nil }
        var count = 1
        let lower = words.map { $0.lowercased() }
        if preambleAdverbs.contains(lower[0]) && words.count > 1 {
            count = 2
        } else if lower.starts(with: ["bearing", "in", "mind"]) || lower.starts(with: ["taking", "into", "account"]) {
            count = 3
        } else if lower.starts(with: ["taking", "note"]) || (lower[0] == "having" && words.count > 1) {
            count = 2
        }
        count = extend(count, lower)
        return phrase(text, words: count)
    }

    /// Opening verb phrase of an operative paragraph (text after its number), or nil.
    static func operative(_ text: String) -> String? {
        let words = leadingWords(text)
        guard let first = words.first, first.first?.isLetter == true else { return nil }
        let lower = words.map { $0.lowercased() }
        var index = 0
        if lower.starts(with: ["once", "again"]) || lower.starts(with: ["once", "more"]) {
            index = 2
        } else if operativeAdverbs.contains(lower[0]) && lower[0] != "once" {
            index = 1
        }
        guard index < words.count else { return phrase(text, words: words.count) }
        let verb = lower[index]
        var count = index + 1
        let rest = Array(lower[count...])
        if ["calls", "call"].contains(verb), let particle = rest.first, particle == "upon" || particle == "on" {
            count += 1
        } else if ["takes", "take"].contains(verb) && rest.starts(with: ["into", "account"]) {
            count += 2
        } else if ["takes", "take"].contains(verb) && rest.first == "note" {
            count += 1
        } else if ["bears", "bear"].contains(verb) && rest.starts(with: ["in", "mind"]) {
            count += 2
        }
        count = extend(count, lower)
        return phrase(text, words: count)
    }

    /// Adds trailing "also"/"further"... and a "with [intensifier] <attitude>" tail.
    private static func extend(_ count: Int, _ lower: [String]) -> Int {
        var count = count
        while count < lower.count && repeats.contains(lower[count]) { count += 1 }
        if count + 1 < lower.count && lower[count] == "with" {
            if attitudes.contains(lower[count + 1]) {
                count += 2
            } else if count + 2 < lower.count && intensifiers.contains(lower[count + 1])
                && attitudes.contains(lower[count + 2])
            {
                count += 3
            }
        }
        return count
    }

    /// Up to eight leading words, each cut at its first character that is not a letter or hyphen (so that
    /// "Convinced," gives "Convinced"); stops at the first word that had such a character.
    private static func leadingWords(_ text: String) -> [Substring] {
        var words: [Substring] = []
        for word in text.split(separator: " ", maxSplits: 8, omittingEmptySubsequences: true).prefix(8) {
            let letters = word.prefix { $0.isLetter || $0 == "-" }
            guard !letters.isEmpty else { break }
            words.append(letters)
            if letters.count < word.count { break }
        }
        return words
    }

    /// The first `words` words of `text` joined by single spaces, without trailing punctuation.
    private static func phrase(_ text: String, words count: Int) -> String? {
        let words = leadingWords(text).prefix(count)
        guard !words.isEmpty else { return nil }
        return words.joined(separator: " ")
    }
}
