import Foundation
import Mustache
@testable import RegieServer
import Testing

@Suite("Views reach Mustache as plain values: no reflection, the same HTML")
struct ViewTreeTests {
    enum Colour: String, Encodable { case rood, groen }
    struct Item: Encodable { let label: String; let count: Int; let share: Double; let marked: Bool; let note: String? }
    struct Page: Encodable {
        let title: String
        let colour: Colour
        let items: [Item]
        let empty: [Item]
        let missing: String?
        let showCount: Bool
        let nested: [[String]]
        let lookup: [String: String]
    }

    static let page = Page(
        title: "Overzicht", colour: .groen,
        items: [Item(label: "a & b", count: 3, share: 0.5, marked: true, note: nil), Item(label: "c", count: 0, share: 1, marked: false, note: "n")],
        empty: [], missing: nil, showCount: true, nested: [["x", "y"], []], lookup: ["k": "v"])

    @Test("Structs become dictionaries, arrays lists, enums their raw value; a nil is left out as Mustache treated it")
    func shape() throws {
        let tree = try #require(try ViewTree.make(Self.page) as? [String: Any])
        #expect(ViewTree.reflected(in: tree) == nil)
        #expect(tree["title"] as? String == "Overzicht")
        #expect(tree["colour"] as? String == "groen")
        #expect(tree["missing"] == nil)
        let items = try #require(tree["items"] as? [Any])
        let first = try #require(items.first as? [String: Any])
        #expect(first["count"] as? Int == 3 && first["share"] as? Double == 0.5 && first["marked"] as? Bool == true)
        #expect(first.keys.sorted() == ["count", "label", "marked", "share"], "the nil note is absent, not NSNull")
        #expect((tree["empty"] as? [Any])?.isEmpty == true)
        #expect((tree["nested"] as? [Any])?.count == 2)
        #expect((tree["lookup"] as? [String: Any])?["k"] as? String == "v")
    }

    @Test("A dictionary view loses its nils and turns its encodable values into trees")
    func dictionary() throws {
        let next: [String: Any]? = nil
        let tree = try #require(try ViewTree.make(["page": Self.page, "next": next as Any, "rows": [["a": 1]], "flag": true]) as? [String: Any])
        #expect(ViewTree.reflected(in: tree) == nil)
        #expect(tree["next"] == nil)
        #expect(((tree["page"] as? [String: Any])?["colour"]) as? String == "groen")
    }

    @Test("What Mustache would reflect on is named with its path")
    func reflected() {
        struct Opaque {}
        #expect(ViewTree.reflected(in: ["rows": [["cell": Opaque()]]] as [String: Any]) == ".rows[].cell: Opaque")
        #expect(ViewTree.reflected(in: ["n": 1, "s": "x"] as [String: Any]) == nil)
    }

    @Test("Rendered from the tree, a template reads the same as from the reflected struct, including a row asking for its page's flag")
    func sameHTML() throws {
        let template = try MustacheTemplate(string: """
            <h1>{{title}} {{colour}}</h1>{{#items}}<p>{{label}}{{#showCount}} {{count}}{{/showCount}}{{#marked}}!{{/marked}}{{#note}} ({{.}}){{/note}}</p>{{/items}}\
            {{^empty}}leeg{{/empty}}{{^missing}} geen{{/missing}}{{#nested}}[{{#.}}{{.}}{{/.}}]{{/nested}}{{lookup.k}}
            """)
        let reflected = template.render(Self.page)
        #expect(reflected.contains("a &amp; b 3!"), "the struct renders the parent's flag inside a row")
        #expect(template.render(try ViewTree.make(Self.page)) == reflected)
    }

    @Test("Our HTML escaping gives exactly what Mustache's own gives", arguments: [
        "", "plain", "a < b", "<script>alert('x')</script>", "Tom & Jerry", "\"quoted\"", "l'été", "Zoë Öztürk-Nguyễn",
        "emoji 👩🏽‍⚕️ & <b>", "&amp; already", "&", "<>&\"'", "e\u{301} combining", "tab\tnew\nline",
    ])
    func escaping(input: String) throws {
        let theirs = try MustacheTemplate(string: "{{v}}").render(["v": input])
        #expect(HTMLEscaping().escapeText(input) == theirs)
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        #expect(try MustacheTemplate(string: "{{% CONTENT_TYPE: \(HTMLEscaping.name) }}{{v}}").render(["v": input]) == theirs)
    }
}
