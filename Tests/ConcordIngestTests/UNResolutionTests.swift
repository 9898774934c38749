import ConcordIngest
import Foundation
import Testing

/// The five sample resolutions committed in `index-data/corpus/`, located from this file's path.
enum ResolutionCorpus {
    static let fileNames = [
        "A-RES-65-218.md", "A-RES-68-160.txt", "A-RES-70-153.md", "A-RES-74-153.md", "A-RES-76-159.md",
    ]

    static var directory: URL {
        // Tests/ConcordIngestTests/<file>.swift -> repository root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("index-data/corpus")
    }

    static func source(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func document(_ name: String) throws -> IngestDocument {
        TextDocumentParser.parse(id: name, source: try source(name), markdown: name.hasSuffix(".md"))
    }
}

/// What a reader of the file expects of one paragraph: its label, verb and opening words.
struct ExpectedParagraph: Sendable {
    var label: String
    var verb: String?
    var opening: String

    init(_ label: String, _ verb: String?, _ opening: String) {
        self.label = label
        self.verb = verb
        self.opening = opening
    }
}

/// Metadata and paragraphs of one resolution, written down from reading the file.
struct ExpectedResolution: Sendable, CustomTestStringConvertible {
    var file: String
    var symbol: String
    var session: Int64
    var year: Int64
    var date: String
    var agenda: String
    var report: String
    var head: String
    var title: String
    var paragraphs: [ExpectedParagraph]
    /// Phrases that only a correct cleanup (marks removed, page breaks re-joined) produces.
    var phrases: [String: String]

    var testDescription: String { file }
}

let resolutionTitle = "Enhancement of international cooperation in the field of human rights"

/// Preamble verbs of the 2019 and 2021 texts (fifteen paragraphs each).
private let laterPreamble: [ExpectedParagraph] = [
    .init("PP1", "Reaffirming", "Reaffirming its commitment to promoting international cooperation,"),
    .init("PP2", "Recalling", "Recalling its resolution 70/1 of 25 September 2015,"),
    .init("PP3", "Recalling also", "Recalling also its adoption of the United Nations"),
    .init("PP4", "Recalling further", "Recalling further the World Conference against Racism,"),
    .init("PP5", "Recognizing", "Recognizing that the enhancement of international cooperation in the field"),
    .init("PP6", "Recognizing also", "Recognizing also that the promotion and protection"),
    .init("PP7", "Underlining", "Underlining that cooperation is not just"),
    .init("PP8", "Stressing", "Stressing the importance of international cooperation"),
    .init("PP9", "Reaffirming", "Reaffirming that dialogue among religions, cultures"),
    .init("PP10", "Reiterating", "Reiterating the important role that genuine"),
    .init("PP11", "Recognizing", "Recognizing that the enhancement of international cooperation and genuine"),
    .init("PP12", "Emphasizing", "Emphasizing that human rights dialogue should"),
    .init("PP13", "Emphasizing also", "Emphasizing also the need for further progress"),
    .init("PP14", "Underlining", "Underlining the fact that mutual understanding,"),
    .init("PP15", "Recalling", "Recalling the adoption of resolution 2000/22"),
]

/// Operative verbs of the 2019 and 2021 texts (seventeen paragraphs each).
private let laterOperative: [ExpectedParagraph] = [
    .init("OP1", "Reaffirms", "Reaffirms that it is one of the"),
    .init("OP2", "Recognizes", "Recognizes that, in addition to their"),
    .init("OP3", "Reaffirms", "Reaffirms that dialogue among cultures and"),
    .init("OP4", "Also reaffirms", "Also reaffirms the duty of States to cooperate"),
    .init("OP5", "Urges", "Urges all actors on the international scene"),
    .init("OP6", "Reaffirms", "Reaffirms the importance of the enhancement"),
    .init("OP7", "Considers", "Considers that international cooperation in the field"),
    .init("OP8", "Reaffirms", "Reaffirms that the promotion, protection and full"),
    .init("OP9", "Emphasizes", "Emphasizes the importance of the universal periodic review"),
    .init("OP10", "Also emphasizes", "Also emphasizes the need for a cooperative"),
    .init("OP11", "Further emphasizes", "Further emphasizes the role of international cooperation"),
    .init("OP12", "Calls upon", "Calls upon Member States, the specialized agencies"),
    .init("OP13", "Urges", "Urges States to take measures necessary"),
    .init("OP14", "Invites", "Invites States and relevant United Nations"),
    .init("OP15", "Encourages", "Encourages all Member States and the United"),
    .init("OP16", "Requests", "Requests the Secretary-General, in collaboration with"),
    .init("OP17", "Decides", "Decides to continue its consideration of"),
]

private let footnoteVienna = ExpectedParagraph("FN1", nil, "A/CONF.157/24 (Part I), chap. III.")
private let footnoteMillennium = ExpectedParagraph("FN2", nil, "Resolution 55/2.")

let expectedResolutions: [ExpectedResolution] = [
    ExpectedResolution(
        file: "A-RES-65-218.md", symbol: "A/RES/65/218", session: 65, year: 2010, date: "2010-12-21",
        agenda: "68 (b)", report: "A/65/456/Add.2",
        head: "Distr.: General 31 March 2011 Sixty-fifth session Agenda item 68 (b) Resolution adopted",
        title: "65/218. " + resolutionTitle,
        paragraphs: [
            .init("PP1", "Reaffirming", "Reaffirming its commitment to promoting international cooperation,"),
            .init("PP2", "Recalling", "Recalling its adoption of the United Nations"),
            .init("PP3", "Recalling also", "Recalling also the World Conference against Racism,"),
            .init("PP4", "Recognizing", "Recognizing that the enhancement of international cooperation"),
            .init("PP5", "Recognizing also", "Recognizing also that the promotion and protection"),
            .init("PP6", "Reaffirming", "Reaffirming that dialogue among religions, cultures"),
            .init("PP7", "Emphasizing", "Emphasizing the need for further progress"),
            .init("PP8", "Underlining", "Underlining the fact that mutual understanding,"),
            .init("PP9", "Recalling", "Recalling the adoption of resolution 2000/22"),
            .init("OP1", "Reaffirms", "Reaffirms that it is one of the"),
            .init("OP2", "Recognizes", "Recognizes that, in addition to their"),
            .init("OP3", "Reaffirms", "Reaffirms that dialogue among cultures and"),
            .init("OP4", "Urges", "Urges all actors on the international scene"),
            .init("OP5", "Reaffirms", "Reaffirms the importance of the enhancement"),
            .init("OP6", "Considers", "Considers that international cooperation in the field"),
            .init("OP7", "Reaffirms", "Reaffirms that the promotion, protection and full"),
            .init("OP8", "Emphasizes", "Emphasizes the role of international cooperation"),
            .init("OP9", "Calls upon", "Calls upon Member States, the specialized agencies"),
            .init("OP10", "Invites", "Invites States and relevant United Nations"),
            .init("OP11", "Requests", "Requests the Secretary-General, in collaboration with"),
            .init("OP12", "Decides", "Decides to continue its consideration of"),
            .init("END", nil, "71st plenary meeting 21 December 2010"),
            footnoteVienna,
            .init("FN2", nil, "See resolution 55/2."),
            .init(
                "FN3", nil,
                "See Official Records of the General Assembly, Sixty-fifth Session, Supplement No. 53 and corrigendum"),
            .init("FN4", nil, "See E/CN.4/2001/2-E/CN.4/Sub.2/2000/46, chap. II, sect. A."),
        ],
        phrases: [
            "PP1": "25 June 1993 for enhancing genuine cooperation",
            "PP2": "8 September 2000 and of its resolution 64/171",
            "OP8": "their cooperation with human rights mechanisms, including through",
        ]),
    ExpectedResolution(
        file: "A-RES-68-160.txt", symbol: "A/RES/68/160", session: 68, year: 2013, date: "2013-12-18",
        agenda: "69 (b)", report: "A/68/456/Add.2",
        head:
            "Resolution adopted by the General Assembly on 18 December 2013 [on the report of the Third Committee (A/68/456/Add.2)]",
        title: "68/160. " + resolutionTitle,
        paragraphs: [
            .init("PP1", "Reaffirming", "Reaffirming its commitment to promoting international cooperation,"),
            .init("PP2", "Recalling", "Recalling its adoption of the United Nations"),
            .init("PP3", "Recalling also", "Recalling also the World Conference against Racism,"),
            .init("PP4", "Recognizing", "Recognizing that the enhancement of international cooperation"),
            .init("PP5", "Recognizing also", "Recognizing also that the promotion and protection"),
            .init("PP6", "Reaffirming", "Reaffirming that dialogue among religions, cultures"),
            .init("PP7", "Emphasizing", "Emphasizing the need for further progress"),
            .init("PP8", "Underlining", "Underlining the fact that mutual understanding,"),
            .init("PP9", "Recalling", "Recalling the adoption of resolution 2000/22"),
            .init("OP1", "Reaffirms", "Reaffirms that it is one of the"),
            .init("OP2", "Recognizes", "Recognizes that, in addition to their"),
            .init("OP3", "Reaffirms", "Reaffirms that dialogue among cultures and"),
            .init("OP4", "Urges", "Urges all actors on the international scene"),
            .init("OP5", "Reaffirms", "Reaffirms the importance of the enhancement"),
            .init("OP6", "Considers", "Considers that international cooperation in the field"),
            .init("OP7", "Reaffirms", "Reaffirms that the promotion, protection and full"),
            .init("OP8", "Emphasizes", "Emphasizes the role of international cooperation"),
            .init("OP9", "Calls upon", "Calls upon Member States, the specialized agencies"),
            .init("OP10", "Urges", "Urges States to take measures necessary"),
            .init("OP11", "Invites", "Invites States and relevant United Nations"),
            .init("OP12", "Takes note", "Takes note of the holding of the seminar"),
            .init("OP13", "Requests", "Requests the Secretary-General, in collaboration with"),
            .init("OP14", "Decides", "Decides to continue its consideration of"),
            .init("END", nil, "70th plenary meeting 18 December 2013"),
            footnoteVienna,
            footnoteMillennium,
            .init(
                "FN3", nil,
                "See Official Records of the General Assembly, Sixty-seventh Session, Supplement No. 53 and corrigendum"
            ),
            .init("FN4", nil, "Resolution 66/3."),
            .init("FN5", nil, "See E/CN.4/2001/2-E/CN.4/Sub.2/2000/46, chap. II, sect. A."),
        ],
        phrases: [
            "PP1": "25 June 1993 for enhancing genuine cooperation",
            "PP2":
                "8 September 2000 and its resolution 67/169 of 20 December 2012, Human Rights Council resolution 19/33 of 23 March 2012 and the resolutions",
            "PP3": "Durban Declaration and Programme of Action, and their role",
            "PP9": "at its fifty-second session,",
        ]),
    ExpectedResolution(
        file: "A-RES-70-153.md", symbol: "A/RES/70/153", session: 70, year: 2015, date: "2015-12-17",
        agenda: "72 (b)", report: "A/70/489/Add.2",
        head: "General Assembly Distr.: General 2 March 2016 Seventieth session Agenda item 72 (b)",
        title: "70/153. " + resolutionTitle,
        paragraphs: [
            .init("PP1", "Reaffirming", "Reaffirming its commitment to promoting international cooperation,"),
            .init("PP2", "Recalling", "Recalling its adoption of the United Nations"),
            .init("PP3", "Recalling also", "Recalling also the World Conference against Racism,"),
            .init("PP4", "Recognizing", "Recognizing that the enhancement of international cooperation"),
            .init("PP5", "Recognizing also", "Recognizing also that the promotion and protection"),
            .init("PP6", "Stressing", "Stressing the importance of international cooperation"),
            .init("PP7", "Reaffirming", "Reaffirming that dialogue among religions, cultures"),
            .init("PP8", "Emphasizing", "Emphasizing the need for further progress"),
            .init("PP9", "Underlining", "Underlining the fact that mutual understanding,"),
            .init("PP10", "Recalling", "Recalling the adoption of resolution 2000/22"),
            .init("OP1", "Reaffirms", "Reaffirms that it is one of the"),
            .init("OP2", "Recognizes", "Recognizes that, in addition to their"),
            .init("OP3", "Reaffirms", "Reaffirms that dialogue among cultures and"),
            .init("OP4", "Urges", "Urges all actors on the international scene"),
            .init("OP5", "Reaffirms", "Reaffirms the importance of the enhancement"),
            .init("OP6", "Considers", "Considers that international cooperation in the field"),
            .init("OP7", "Reaffirms", "Reaffirms that the promotion, protection and full"),
            .init("OP8", "Emphasizes", "Emphasizes the need for a cooperative approach"),
            .init("OP9", "Also emphasizes", "Also emphasizes the role of international cooperation"),
            .init("OP10", "Calls upon", "Calls upon Member States, the specialized agencies"),
            .init("OP11", "Urges", "Urges States to take measures necessary"),
            .init("OP12", "Invites", "Invites States and relevant United Nations"),
            .init("OP13", "Recalls", "Recalls the seminar on the enhancement"),
            .init("OP14", "Also recalls", "Also recalls the high-level panel discussion"),
            .init("OP15", "Requests", "Requests the Secretary-General, in collaboration with"),
            .init("OP16", "Decides", "Decides to continue its consideration of"),
            .init("END", nil, "80th plenary meeting 17 December 2015"),
            footnoteVienna,
            footnoteMillennium,
            .init(
                "FN3", nil,
                "See Official Records of the General Assembly, Seventieth Session, Supplement No. 53 (A/70/53), chap. III, sect. A."
            ),
            .init("FN4", nil, "Resolution 66/3."),
            .init("FN5", nil, "See E/CN.4/2001/2-E/CN.4/Sub.2/2000/46, chap. II, sect. A."),
        ],
        phrases: [
            "PP1": "25 June 1993, for enhancing genuine cooperation",
            "PP2":
                "8 September 2000, its resolution 69/179 of 18 December 2014, Human Rights Council resolution 28/2 of 26 March 2015 and the resolutions",
            "PP5": "genuine dialogue and aimed at strengthening the capacity of Member States",
            "OP7": "the principles of universality, non-selectivity, cooperation and genuine dialogue",
        ]),
    ExpectedResolution(
        file: "A-RES-74-153.md", symbol: "A/RES/74/153", session: 74, year: 2019, date: "2019-12-18",
        agenda: "70 (b)", report: "A/74/399/Add.2",
        head: "General Assembly Distr.: General 21 January 2020 Seventy-fourth session Agenda item 70 (b) Promotion",
        title: "74/153. " + resolutionTitle,
        paragraphs: laterPreamble + laterOperative + [
            .init("END", nil, "50th plenary meeting 18 December 2019"),
            footnoteVienna,
            footnoteMillennium,
            .init(
                "FN3", nil,
                "See Official Records of the General Assembly, Seventy-third Session, Supplement No. 53 (A/73/53), chap. VI, sect. A."
            ),
            .init("FN4", nil, "Resolution 66/3."),
            .init("FN5", nil, "See E/CN.4/2001/2-E/CN.4/Sub.2/2000/46, chap. II, sect. A."),
        ],
        phrases: [
            "PP2": "Recalling its resolution 70/1 of 25 September 2015, entitled",
            "PP3":
                "8 September 2000, its resolution 72/169 of 19 December 2017, Human Rights Council resolution 38/3 of 5 July 2018 and the",
            "PP4": "held in Geneva from 20 to 24 April 2009, and the political declaration",
        ]),
    ExpectedResolution(
        file: "A-RES-76-159.md", symbol: "A/RES/76/159", session: 76, year: 2021, date: "2021-12-16",
        agenda: "74 (b)", report: "A/76/462/Add.2",
        head: "United Nations A/RES/76/159 Distr.: General 7 January 2022 Seventy-sixth session Agenda item 74 (b)",
        title: "76/159. " + resolutionTitle,
        paragraphs: laterPreamble + laterOperative + [
            .init("END", nil, "53rd plenary meeting 16 December 2021"),
            footnoteVienna,
            footnoteMillennium,
            .init(
                "FN3", nil,
                "See Official Records of the General Assembly, Seventy-sixth Session, Supplement No. 53 (A/76/53), chap. VII, sect. A."
            ),
            .init("FN4", nil, "Resolution 66/3."),
            .init("FN5", nil, "Resolution 76/1."),
            .init("FN6", nil, "See E/CN.4/2001/2-E/CN.4/Sub.2/2000/46, chap. II, sect. A."),
        ],
        phrases: [
            "PP3":
                "8 September 2000, its resolution 75/180 of 16 December 2020, Human Rights Council resolution 47/9 of 12 July 2021 and the",
            "PP4":
                "from 20 to 24 April 2009, and the political declarations of the high-level meetings of the General Assembly to commemorate the tenth and twentieth anniversaries",
            "OP13": "adverse impact of consecutive and compounded global crises",
        ]),
]

@Suite("UN resolutions of the sample corpus")
struct UNResolutionTests {
    @Test("metadata fields", arguments: expectedResolutions)
    func metadata(_ expected: ExpectedResolution) throws {
        let document = try ResolutionCorpus.document(expected.file)
        #expect(document.id == expected.file)
        #expect(document.title == resolutionTitle)
        #expect(document.fields["symbol"] == .keyword(expected.symbol))
        #expect(document.fields["session"] == .number(expected.session))
        #expect(document.fields["year"] == .number(expected.year))
        #expect(document.fields["date"] == .keyword(expected.date))
        #expect(document.fields["agenda"] == .keyword(expected.agenda))
        #expect(document.fields["report"] == .keyword(expected.report))
        #expect(document.fields["committee"] == .keyword("Third Committee"))
    }

    @Test("HEAD and TITLE paragraphs", arguments: expectedResolutions)
    func headAndTitle(_ expected: ExpectedResolution) throws {
        let document = try ResolutionCorpus.document(expected.file)
        try #require(document.paragraphs.count >= 2)
        let head = document.paragraphs[0]
        let title = document.paragraphs[1]
        #expect(head.label == "HEAD" && head.kind == .head)
        #expect(head.text.hasPrefix(expected.head), "HEAD was: \(head.text)")
        #expect(title.label == "TITLE" && title.kind == .title)
        #expect(title.text == expected.title)
    }

    @Test("label sequence, verbs and openings", arguments: expectedResolutions)
    func paragraphs(_ expected: ExpectedResolution) throws {
        let document = try ResolutionCorpus.document(expected.file)
        let body = Array(document.paragraphs.dropFirst(2))
        #expect(body.map(\.label) == expected.paragraphs.map(\.label))
        for (actual, wanted) in zip(body, expected.paragraphs) {
            #expect(actual.verb == wanted.verb, "verb of \(wanted.label)")
            #expect(actual.text.hasPrefix(wanted.opening), "\(wanted.label) was: \(actual.text)")
            let kind: ParagraphKind
            switch wanted.label.prefix(2) {
            case "PP": kind = .preamble
            case "OP": kind = .operative
            case "FN": kind = .footnote
            default: kind = .closing
            }
            #expect(actual.kind == kind, "kind of \(wanted.label)")
        }
        let closing = body.first { $0.label == "END" }
        #expect(closing?.text == expected.paragraphs.first { $0.label == "END" }?.opening)
    }

    @Test("marks removed and page breaks re-joined", arguments: expectedResolutions)
    func phrases(_ expected: ExpectedResolution) throws {
        let document = try ResolutionCorpus.document(expected.file)
        for (label, phrase) in expected.phrases {
            let paragraph = document.paragraphs.first { $0.label == label }
            #expect(paragraph?.text.contains(phrase) == true, "\(label) lacks “\(phrase)”: \(paragraph?.text ?? "-")")
        }
    }

    @Test("no conversion noise survives", arguments: ResolutionCorpus.fileNames)
    func noNoise(_ file: String) throws {
        let document = try ResolutionCorpus.document(file)
        let forbidden = [
            "[DU1]", "*1344905*", "Please recycle", "21-19201", "<sup", "$", "**", "](#)", "ы", "П", "\t", "20002",
            "20123", "&lt;", "<<ODS", "3/3", "¹", "²", "³", "⁴", "⁵", "\\(", "  ",
        ]
        for paragraph in document.paragraphs {
            for noise in forbidden {
                #expect(!paragraph.text.contains(noise), "\(file) \(paragraph.label) contains \(noise)")
            }
            #expect(paragraph.text == paragraph.text.trimmingCharacters(in: .whitespaces))
            #expect(!paragraph.text.isEmpty)
        }
    }

    @Test(
        "8 September 2000 keeps 2000 searchable",
        arguments: ["A-RES-65-218.md", "A-RES-68-160.txt", "A-RES-70-153.md"])
    func millenniumYear(_ file: String) throws {
        let document = try ResolutionCorpus.document(file)
        let recalling = try #require(document.paragraphs.first { $0.label == "PP2" })
        let words = recalling.text.split(separator: " ").map { $0.trimmingCharacters(in: .punctuationCharacters) }
        #expect(recalling.text.contains("8 September 2000"))
        #expect(words.contains("2000"))
        #expect(!words.contains { $0.hasPrefix("2000") && $0.count > 4 })
    }

    @Test("a resolution is recognised from its content whatever the extension")
    func recognisedWithoutMarkdownFlag() throws {
        let source = try ResolutionCorpus.source("A-RES-70-153.md")
        let document = TextDocumentParser.parse(id: "renamed.txt", source: source, markdown: false)
        #expect(document.fields["symbol"] == .keyword("A/RES/70/153"))
        #expect(document.paragraphs.filter { $0.kind == .operative }.count == 16)
        #expect(!document.paragraphs.contains { $0.text.contains("*") })
    }
}
