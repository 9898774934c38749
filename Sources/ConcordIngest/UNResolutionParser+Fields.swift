extension UNResolutionParser {
    /// Metadata of a resolution, from its cleaned header text (`head`), its title number ("70/153"), the
    /// closing line (for the date when the header lacks it) and other leftover lines (a header that a Word
    /// export moved to the end of the file).
    ///
    /// Fields: `symbol` (`A/RES/70/153`, from the header or derived from the title number), `session`
    /// (number), `date` (ISO keyword) and `year` (number) of adoption, `agenda` (`72 (b)`), `report`
    /// (`A/70/489/Add.2`, the first symbol in the report reference) and `committee` (`Third Committee`).
    static func fields(
        head: String, resolutionNumber: (session: Int, number: Int), closing: String, otherLines: [String]
    ) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        let symbol = explicitSymbol(in: head) ?? "A/RES/\(resolutionNumber.session)/\(resolutionNumber.number)"
        fields["symbol"] = .keyword(symbol)
        let symbolParts = symbol.split(separator: "/")
        let session =
            symbolParts.count == 4 ? Int(symbolParts[2]) ?? resolutionNumber.session : resolutionNumber.session
        fields["session"] = .number(Int64(session))

        let adoption = head.firstRange(of: "adopted by the General Assembly on ").flatMap {
            DateText.firstDate(in: head[$0.upperBound...])
        }
        if let date = adoption ?? DateText.firstDate(in: Substring(closing)) {
            fields["date"] = .keyword(date.iso)
            fields["year"] = .number(Int64(date.year))
        }
        if let agenda = ([head] + otherLines).lazy.compactMap(agendaItem).first {
            fields["agenda"] = .keyword(agenda)
        }
        if let (committee, report) = reportReference(in: head) {
            if let committee { fields["committee"] = .keyword(committee) }
            fields["report"] = .keyword(report)
        }
        return fields
    }

    /// `A/RES/76/159` when the header spells it out.
    static func explicitSymbol(in text: String) -> String? {
        guard let start = text.firstRange(of: "A/RES/") else { return nil }
        let tail = text[start.upperBound...].prefix { $0.isASCII && ($0.isNumber || $0 == "/") }
        let trimmed = tail.hasSuffix("/") ? tail.dropLast() : tail
        guard trimmed.contains("/") else { return nil }
        return "A/RES/" + trimmed
    }

    /// "Agenda item 72 (b)" → `72 (b)`; "Agenda items 12 and 68" → `12 and 68`.
    static func agendaItem(in text: String) -> String? {
        guard let start = text.firstRange(of: "Agenda item") else { return nil }
        var words = text[start.upperBound...].split(separator: " ")
        if words.first == "s" { words.removeFirst() }
        if let first = words.first, first.hasPrefix("s"), first.dropFirst().first?.isNumber == true {
            words[0] = first.dropFirst()
        }
        var kept: [Substring] = []
        for word in words {
            let bare = word.hasSuffix(",") ? word.dropLast() : word
            let isNumber = !bare.isEmpty && bare.allSatisfy { $0.isNumber }
            let isLetter =
                bare.count >= 3 && bare.first == "(" && bare.last == ")"
                && bare.dropFirst().dropLast().allSatisfy { $0.isLetter }
            let isJoin = bare == "and" && !kept.isEmpty
            guard isNumber || isLetter || isJoin else { break }
            kept.append(word)
            if word.hasSuffix(",") && !isNumber { break }
        }
        while let last = kept.last, last == "and" { kept.removeLast() }
        guard let first = kept.first, first.first?.isNumber == true else { return nil }
        var result = kept.joined(separator: " ")
        if result.hasSuffix(",") { result.removeLast() }
        return result
    }

    /// From "[on the report of the Third Committee (A/70/489/Add.2)]": (`Third Committee`, `A/70/489/Add.2`).
    /// The report is the first symbol inside the parentheses ("A/65/456/Add.2 (Part II)" keeps `A/65/456/Add.2`).
    static func reportReference(in text: String) -> (committee: String?, report: String)? {
        guard let start = text.firstRange(of: "report of the ") else { return nil }
        let rest = text[start.upperBound...]
        guard let open = rest.firstIndex(of: "(") else { return nil }
        let committeeText = rest[..<open].trimming([" "])
        let committee = committeeText.isEmpty || committeeText.count > 60 ? nil : String(committeeText)
        let report = rest[rest.index(after: open)...].prefix { $0 != " " && $0 != "," && $0 != ")" }
        guard report.contains("/") else { return nil }
        return (committee, String(report))
    }
}

extension Substring {
    /// The substring without leading and trailing `characters`.
    fileprivate func trimming(_ characters: Set<Character>) -> Substring {
        var result = self
        while let first = result.first, characters.contains(first) { result = result.dropFirst() }
        while let last = result.last, characters.contains(last) { result = result.dropLast() }
        return result
    }
}

/// Dates written as "17 December 2015".
enum DateText {
    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    /// 1-based month of an English month name (any case), or nil.
    static func monthNumber(_ word: String) -> Int? {
        monthNames.firstIndex(of: word.lowercased()).map { $0 + 1 }
    }

    /// A calendar date.
    struct Day {
        var year: Int
        var month: Int
        var day: Int

        /// `2015-12-17`.
        var iso: String {
            func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(year)-\(pad(month))-\(pad(day))"
        }
    }

    /// The first "D Month YYYY" in `text`.
    static func firstDate(in text: Substring) -> Day? {
        let words = text.split(separator: " ").map { $0.trimming([",", ".", ";"]) }
        guard words.count >= 3 else { return nil }
        for index in 0..<(words.count - 2) {
            guard let day = Int(words[index]), (1...31).contains(day),
                let month = monthNumber(String(words[index + 1])),
                words[index + 2].count == 4, let year = Int(words[index + 2])
            else { continue }
            return Day(year: year, month: month, day: day)
        }
        return nil
    }
}
