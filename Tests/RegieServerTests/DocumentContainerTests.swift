import Foundation
import HTTPTypes
@testable import RegieServer
import RegieStorage
import Testing

/// ZIP-based documents are accepted for what they hold, not for their name: an Office Open XML Word
/// document or an OpenDocument text, and nothing else.
@Suite("Documents: ZIP containers checked by their content")
struct DocumentContainerTests {
    /// A ZIP with the entries stored (not compressed), enough for a container check: local headers,
    /// the central directory and its end record (APPNOTE.TXT 4.3). The CRCs are left zero.
    static func zip(_ entries: [(name: String, content: String)]) -> Data {
        var out = Data()
        var central = Data()
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        for entry in entries {
            let name = [UInt8](entry.name.utf8), content = [UInt8](entry.content.utf8)
            let offset = out.count
            var local: [UInt8] = le32(0x0403_4B50)
            local += le16(20) + le16(0) + le16(0)              // version, flags, method: stored
            local += le16(0) + le16(0) + le32(0)               // time, date, CRC
            local += le32(content.count) + le32(content.count)
            local += le16(name.count) + le16(0)
            out.append(contentsOf: local + name + content)
            var header: [UInt8] = le32(0x0201_4B50)
            header += le16(20) + le16(20) + le16(0) + le16(0)  // made by, needed, flags, method
            header += le16(0) + le16(0) + le32(0)              // time, date, CRC
            header += le32(content.count) + le32(content.count)
            header += le16(name.count) + le16(0) + le16(0)     // name, extra, comment lengths
            header += le16(0) + le16(0) + le32(0) + le32(offset)
            central.append(contentsOf: header + name)
        }
        let start = out.count
        out.append(central)
        var end: [UInt8] = le32(0x0605_4B50)
        end += le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
        end += le32(central.count) + le32(start) + le16(0)
        out.append(contentsOf: end)
        return out
    }

    static let word: [(name: String, content: String)] = [
        ("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w:document/>"),
    ]
    static let odt: [(name: String, content: String)] = [
        ("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document-content/>"), ("META-INF/manifest.xml", "<manifest/>"),
    ]

    @Test("Each upload is judged by its content", arguments: [
        ("verslag.docx", Self.word, 303, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("brief.odt", Self.odt, 303, "application/vnd.oasis.opendocument.text"),
        ("verslag.odt", Self.word, 303, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),  // the content decides, not the name
        ("verslag.docx", [("setup.exe", "MZ")], 400, nil),                                                            // a zip of a program, named .docx
        ("verslag.docx", [("[Content_Types].xml", "<Types/>"), ("notes.txt", "x")], 400, nil),                      // no main part
        ("macro.docx", Self.word + [("word/vbaProject.bin", "macros")], 400, nil),                                  // a .docm in disguise
        ("brief.odt", [("content.xml", "<x/>"), ("mimetype", "application/vnd.oasis.opendocument.text")], 400, nil), // mimetype not first
        ("brief.odt", Self.odt + [("Basic/Standard/Module1.xml", "macro")], 400, nil),
        ("brief.odt", [("mimetype", "application/zip"), ("content.xml", "<x/>")], 400, nil),
        ("kapot.docx", [], 400, nil),
    ] as [(String, [(name: String, content: String)], Int, String?)])
    func containers(filename: String, entries: [(name: String, content: String)], status: Int, contentType: String?) async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let data = entries.isEmpty ? Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0]) : Self.zip(entries)
            let page = try await browser.postFile("/personen/\(person)/documenten", form: [("title", "Verslag")],
                                                  file: ("file", filename, "application/octet-stream", data), csrf: csrf)
            #expect(page.status.code == status)
            let documents = try await app.services.casework.listDocuments(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(documents.first?.contentType == contentType)
            if status == 400 { #expect(page.body.contains("Dit soort bestand kan niet")) }
        }
    }

    static func uploadFiles() -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)) ?? []).filter { $0.hasPrefix("regie-upload-") })
    }

    @Test("A scanned letter of 12 MiB streams in: stored in sealed chunks of 1 MiB, downloaded byte for byte, no temporary file left", arguments: Engine.available)
    func largeLetter(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            // 12 MiB that do not repeat within a chunk: 4 KiB of random bytes (seed 20), each copy shifted by its number.
            var generator = SeededGenerator(seed: 20)
            let block = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var body = Data(capacity: 12 * 1024 * 1024)
            for copy in 0..<(12 * 256) { body.append(contentsOf: block.map { $0 &+ UInt8(truncatingIfNeeded: copy) }) }
            let letter = Data("%PDF-1.7\n".utf8) + body + Data("\nBeschikking gemeente Weert\n%%EOF".utf8)
            let before = Self.uploadFiles()
            let saved = try await browser.postFile("/personen/\(person)/documenten", form: [("title", "Brief DUO, gescand")],
                                                   file: ("file", "brief.pdf", "application/pdf", letter), csrf: csrf)
            #expect(saved.status == .seeOther)
            let document = try #require(try await app.services.casework.listDocuments(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"])).first)
            #expect(document.sizeBytes == letter.count)
            let chunks = try await app.database.sql.raw("SELECT content_sealed FROM document_chunks WHERE document_id = \(bind: document.id) ORDER BY seq").all()
            #expect(chunks.count == 13, "12 MiB and a little: 13 chunks of at most 1 MiB")
            #expect(try chunks.allSatisfy { try $0.decode(column: "content_sealed", as: String.self).hasPrefix("v1:") }, "sealed at rest")
            let download = try await client.execute(uri: "/personen/\(person)/documenten/\(document.id)", method: .get,
                                                    headers: [.cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")], body: nil)
            #expect(download.status == .ok)
            #expect(Data(buffer: download.body) == letter, "byte for byte")
            // Another test may be uploading at this moment: its file is gone once its request ends too.
            var left = Self.uploadFiles().subtracting(before)
            for _ in 0..<120 where !left.isEmpty {
                try await Task.sleep(for: .milliseconds(500))
                left = left.intersection(Self.uploadFiles())
            }
            #expect(left.isEmpty, "the temporary file of sealed chunks is gone")
        }
    }
}
