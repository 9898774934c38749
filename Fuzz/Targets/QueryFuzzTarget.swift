// libFuzzer target: arbitrary bytes as query text through the parser, the planner and the
// searcher of a small index built once per process. Built by Fuzz/run.sh, not by SwiftPM.
import Concord

#if canImport(Glibc)
    import Glibc
#endif

/// A searcher over a few documents that exercise every planner path: stemmed and exact words,
/// compounds, titles, keyword and numeric fields, paragraph kinds and verbs.
private let fixtureSearcher: Searcher = {
    var template = Array("/tmp/concord-fuzz-query-XXXXXX".utf8CString)
    guard let directory = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        fatalError("fuzz fixture: mkdtemp failed")
    }
    let path = String(cString: directory)
    do {
        let writer = try IndexWriter(directory: path)
        for (index, source) in fixtureSources.enumerated() {
            let document = TextDocumentParser.parse(id: "doc\(index)", source: source, markdown: true)
            try writer.add(Indexer.indexDocument(from: document))
        }
        let jsonDocument = IngestDocument(
            id: "json", title: "Cooperation in the field of human rights",
            source: "Self-determination and COVID-19 recovery, A/RES/70/153.",
            paragraphs: TextDocumentParser.genericParagraphs(
                "Self-determination and COVID-19 recovery, A/RES/70/153.", sourceOffset: 0),
            fields: ["year": .number(2015), "symbol": .keyword("A/RES/70/153"), "lang": .keyword("en")])
        try writer.add(Indexer.indexDocument(from: jsonDocument))
        _ = try writer.commit()
        writer.close()
        return Searcher(snapshot: try IndexSnapshot(directory: path))
    } catch {
        fatalError("fuzz fixture: \(error)")
    }
}()

private let fixtureSources = [
    """
    70/153. Enhancement of international cooperation in the field of human rights

    The General Assembly,

    *Reaffirming* its commitment to promoting international cooperation, as set forth in the Charter,

    *Recalling* its resolution 69/172 of 18 December 2014,

    1. *Reaffirms* that it is one of the purposes of the United Nations to achieve cooperation;

    2. *Urges* all actors on the international scene to build an international order based on inclusion, justice, equality and equity, human dignity, mutual understanding and respect for cultural diversity;

    (a) genuine dialogue among Member States;

    80th plenary meeting 17 December 2015
    """,
    """
    # Right to development

    The right to development is an inalienable human right. Don't stop cooperating; coöperation and naïve résumés.

    12. Numbered paragraphs, self-determination, peace-keeping and 2030 Agenda for Sustainable Development.
    """,
]

/// Runs one input. Every query must parse or fail with a `QuerySyntaxError` whose column lies
/// in the query; a parsed query must plan, or fail with a `QueryPlanError`, and then run.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let query = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let scalarCount = query.unicodeScalars.count
    for defaultOperator in [DefaultOperator.or, .and] {
        do {
            _ = try QueryParser(defaultOperator: defaultOperator).parse(query)
        } catch {
            guard error.column >= 1 && error.column <= max(1, scalarCount), !error.message.isEmpty else {
                fatalError("bad syntax error \(error) for \(query.debugDescription)")
            }
            _ = error.rendered(query: query)
            continue
        }
        do {
            let options = SearchOptions(limit: 3, defaultOperator: defaultOperator, explain: true)
            _ = try fixtureSearcher.search(query, options: options)
        } catch is QueryPlanError {
            // A clear refusal (NEAR distance too large, bad para: value...).
        } catch {
            fatalError("unexpected error \(error) for \(query.debugDescription)")
        }
    }
    return 0
}
