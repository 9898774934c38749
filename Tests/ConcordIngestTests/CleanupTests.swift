import ConcordIngest
import Testing

/// Texts of the paragraphs of a Markdown document.
private func markdownTexts(_ source: String) -> [String] {
    TextDocumentParser.parse(id: "t.md", source: source, markdown: true).paragraphs.map(\.text)
}

/// A minimal resolution around the given body lines (blank-line separated, as the Markdown exports are).
private func resolution(body: [String], footnotes: [String] = []) -> IngestDocument {
    let lines =
        [
            "Resolution adopted by the General Assembly on 18 December 2013", "", "68/160. Small title", "",
            "The General Assembly,", "",
        ] + body.flatMap { [$0, ""] } + ["70th plenary meeting, 18 December 2013", ""]
        + footnotes.flatMap { [$0, ""] }
    return TextDocumentParser.parse(id: "r.md", source: lines.joined(separator: "\n"), markdown: true)
}

private func paragraph(_ document: IngestDocument, _ label: String) -> IngestParagraph? {
    document.paragraphs.first { $0.label == label }
}

@Suite("Cleanup of conversion noise")
struct CleanupTests {
    @Test("headings, emphasis and bold go; the first heading is the title")
    func headingsAndEmphasis() {
        let document = TextDocumentParser.parse(
            id: "t.md", source: "## **Report** of the *meeting*\n\nSome *emphasis* and **bold** text, 2 * 3.\n",
            markdown: true)
        #expect(document.title == "Report of the meeting")
        #expect(document.paragraphs.map(\.text) == ["Report of the meeting", "Some emphasis and bold text, 2 * 3."])
        #expect(document.paragraphs.map(\.label) == ["P1", "P2"])
        #expect(document.paragraphs.allSatisfy { $0.kind == .body })
    }

    @Test("links keep their text, escapes their character")
    func links() {
        #expect(
            markdownTexts("See [70/1](#) and [A/CONF.157/24 \\(Part I\\)](#), ![a chart](c.png).")
                == ["See 70/1 and A/CONF.157/24 (Part I), a chart."])
    }

    @Test("list markers before numbered paragraphs go")
    func listMarkers() {
        #expect(
            markdownTexts("- 2. Recognizes that\n- 3. Reaffirms that") == ["2. Recognizes that", "3. Reaffirms that"])
    }

    @Test("HTML footnote marks go whole, other tags leave their content")
    func html() {
        #expect(
            markdownTexts("to commemorate the tenth<sup>4</sup> and twentieth<sup>5</sup> anniversaries")
                == ["to commemorate the tenth and twentieth anniversaries"])
        #expect(
            markdownTexts("on 8 September 2000, <sup>2</sup> its resolution") == ["on 8 September 2000, its resolution"]
        )
        #expect(markdownTexts("<sup>&</sup>lt;sup>3</sup> See Official Records") == ["See Official Records"])
        #expect(markdownTexts("a <b>bold</b> word &amp; more") == ["a bold word & more"])
    }

    @Test("LaTeX keeps its content; a superscript number is a footnote mark, never part of the year")
    func latex() {
        #expect(
            markdownTexts("Declaration on 8 September  $2000^2$  and of resolution 13/23 of 26 March  $2010^3$  and")
                == ["Declaration on 8 September 2000 and of resolution 13/23 of 26 March 2010 and"])
        #expect(markdownTexts("costs $5 and $10 in total") == ["costs $5 and $10 in total"])
    }

    @Test("Unicode superscript marks after a word or comma go; other content stays")
    func superscripts() {
        #expect(
            markdownTexts("adopted on 25 June 1993,¹ for enhancing, of 26 March 2015³ and the session,⁵")
                == ["adopted on 25 June 1993, for enhancing, of 26 March 2015 and the session,"])
        #expect(markdownTexts("the value x ² here") == ["the value x ² here"])
    }

    @Test("editor marks go")
    func editorMarks() {
        #expect(markdownTexts("[DU1]Resolution adopted [DU12] here") == ["Resolution adopted here"])
    }

    @Test("page furniture lines go")
    func furniture() {
        let source = """
            Text one continues

            *1344905*Please recycle

            2/4 21-19201

            21-19201 3/4

            13-44905 (E)

            [DU1]<<ODS JOB NO>>N1344905E<<ODS JOB NO>>

            _______________

            ------------------------------------------------------------

            3/3

            Text two
            """
        #expect(markdownTexts(source) == ["Text one continues", "Text two"])
    }

    @Test("OCR garbage lines go, short real lines stay")
    func garbage() {
        #expect(markdownTexts("Before\n\nы..... ... П\n\nAfter\n\n(a)\n\nUN") == ["Before", "After", "(a)", "UN"])
    }

    @Test("tabs become single spaces")
    func tabs() {
        #expect(markdownTexts("\t1.\tReaffirms\t\tthat") == ["1. Reaffirms that"])
        #expect(TextDocumentParser.genericParagraphs("a\tb \t c", sourceOffset: 0).map(\.text) == ["a b c"])
    }

    @Test("line-end hyphenation is undone; real hyphens stay")
    func hyphenation() {
        #expect(
            markdownTexts("international coopera-\ntion and non-\nselectivity and self-determination, South-\nSouth")
                == ["international cooperation and non-selectivity and self-determination, South- South"])
    }

    @Test("Word-export marks fused to numbers: split only where the document has that footnote")
    func fusedMarks() {
        let source = [
            "Resolution adopted by the General Assembly on 18 December 2013",
            "68/160.\tSmall title",
            "\tThe General Assembly,",
            "\tRecalling the Declaration of 25 June 19931 and of 8 September 20002, resolution 19/33 of 23 March 20123,"
                + " the Programme of Action,4 and 10000 meetings on 1 May 20009,",
            "\t1.\tDecides to hold 2 meetings in 20002 rooms;",
            "70th plenary meeting",
            "18 December 2013",
            "1 First.",
            "2 Second.",
            "3 Third.",
            "4 Fourth.",
            "21 February 2014Sixty-eighth session",
        ].joined(separator: "\n")
        let document = TextDocumentParser.parse(id: "r.txt", source: source, markdown: false)
        #expect(
            paragraph(document, "PP1")?.text
                == "Recalling the Declaration of 25 June 1993 and of 8 September 2000, resolution 19/33 of 23 March 2012,"
                + " the Programme of Action, and 10000 meetings on 1 May 20009,")
        #expect(paragraph(document, "OP1")?.text == "Decides to hold 2 meetings in 20002 rooms;")
        #expect(document.paragraphs.map(\.label) == ["HEAD", "TITLE", "PP1", "OP1", "END", "FN1", "FN2", "FN3", "FN4"])
        #expect(paragraph(document, "END")?.text == "70th plenary meeting 18 December 2013")
        #expect(paragraph(document, "FN4")?.text == "Fourth.")
        #expect(!document.paragraphs.contains { $0.text.contains("February") })
    }

    @Test("a paragraph broken by a page break is re-joined around footnotes and footers")
    func pageBreak() {
        let document = resolution(
            body: [
                "Recognizing also that cooperation is aimed at",
                "¹ A/CONF.157/24 (Part I), chap. III.",
                "2/4 21-19201",
                "strengthening the capacity of States,",
                "Recalling further the Conference held from 20 to",
                "<sup>2</sup> Resolution 55/2.",
                "24 April 2009, and its role,",
                "Noting the report,",
                "1. Reaffirms that the principles of universality,",
                "21-19201 3/4",
                "non-selectivity and transparency;",
            ])
        #expect(document.paragraphs.map(\.label) == ["HEAD", "TITLE", "PP1", "PP2", "PP3", "OP1", "END", "FN1", "FN2"])
        #expect(
            paragraph(document, "PP1")?.text
                == "Recognizing also that cooperation is aimed at strengthening the capacity of States,")
        #expect(
            paragraph(document, "PP2")?.text
                == "Recalling further the Conference held from 20 to 24 April 2009, and its role,")
        #expect(
            paragraph(document, "OP1")?.text
                == "Reaffirms that the principles of universality, non-selectivity and transparency;")
        #expect(paragraph(document, "FN1")?.text == "A/CONF.157/24 (Part I), chap. III.")
        #expect(paragraph(document, "FN2")?.text == "Resolution 55/2.")
        #expect(paragraph(document, "END")?.text == "70th plenary meeting, 18 December 2013")
    }

    @Test("lettered sub-paragraphs are labelled under their operative paragraph")
    func subparagraphs() {
        let document = resolution(body: [
            "Noting the report,", "3. Requests the Secretary-General:", "(a) To report on progress;",
            "(b) To consult States;", "4. Decides to remain seized of the matter.",
        ])
        #expect(
            document.paragraphs.map(\.label) == ["HEAD", "TITLE", "PP1", "OP3", "OP3(a)", "OP3(b)", "OP4", "END"])
        #expect(paragraph(document, "OP3(a)")?.text == "To report on progress;")
        #expect(paragraph(document, "OP3(b)")?.kind == .subparagraph)
    }

    @Test("verb phrases of preambular and operative paragraphs")
    func verbs() {
        let document = resolution(body: [
            "Deeply concerned about the situation,", "Bearing in mind the Charter,",
            "Noting with appreciation the work,",
            "Noting also with deep concern the report,", "Convinced that dialogue matters,",
            "Taking note of the report,",
            "1. Once again urges States to act;", "2. Takes note of the report;", "3. Calls on States to cooperate;",
            "4. Strongly condemns the attacks;", "5. Further requests the Secretary-General to report;",
        ])
        let verbs = document.paragraphs.filter { $0.kind == .preamble || $0.kind == .operative }.map(\.verb)
        #expect(
            verbs == [
                "Deeply concerned", "Bearing in mind", "Noting with appreciation", "Noting also with deep concern",
                "Convinced", "Taking note", "Once again urges", "Takes note", "Calls on", "Strongly condemns",
                "Further requests",
            ])
    }

    @Test("generic text: paragraphs at blank lines and numbered starts, whitespace folded")
    func genericParagraphs() {
        let text = "  First para line one\nline two  \n\n\nSecond  para\t end\n12. Numbered start\n 13. Another\n"
        let paragraphs = TextDocumentParser.genericParagraphs(text, sourceOffset: 0)
        #expect(
            paragraphs.map(\.text) == [
                "First para line one line two", "Second para end", "12. Numbered start", "13. Another",
            ])
        #expect(paragraphs.map(\.label) == ["P1", "P2", "P3", "P4"])
        #expect(TextDocumentParser.genericParagraphs(" \n\n \t", sourceOffset: 0).isEmpty)
    }

    @Test("generic documents: title from the first heading, else the first line")
    func genericTitles() {
        let plain = TextDocumentParser.parse(
            id: "a.txt", source: "\n\n  Speech by the   delegate\nof Chile\n", markdown: false)
        #expect(plain.title == "Speech by the delegate")
        #expect(plain.paragraphs.map(\.text) == ["Speech by the delegate of Chile"])
        #expect(plain.fields.isEmpty)
        let markdown = TextDocumentParser.parse(
            id: "b.md", source: "Intro line\n\n# The *heading*\n\nBody", markdown: true)
        #expect(markdown.title == "The heading")
        let long = String(repeating: "word ", count: 100)
        let truncated = TextDocumentParser.parse(id: "c.txt", source: long, markdown: false).title
        #expect(truncated.count <= 200 && truncated.hasPrefix("word word"))
    }

    @Test("Markdown numbered paragraphs start new paragraphs")
    func markdownNumbered() {
        #expect(
            markdownTexts("Intro text\n78. Paragraph seventy-eight\ncontinues") == [
                "Intro text", "78. Paragraph seventy-eight continues",
            ])
    }
}
