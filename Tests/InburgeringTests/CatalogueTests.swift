import Foundation
import Testing
@testable import Inburgering

@Suite("Catalogue — every rule described once, from the code")
struct CatalogueTests {
    @Test("Catalogue — every RuleID is described exactly once (issue 3 item 8)")
    func everyRuleOnce() {
        let ids = RuleDescription.catalogue.map(\.id)
        #expect(ids.count == RuleID.allCases.count)
        #expect(Set(ids) == Set(RuleID.allCases))
        #expect(ids == RuleID.allCases) // sorted in RuleID order
    }

    @Test("Catalogue — each description has a Dutch title and text, an English text and a source (issue 3 item 8)", arguments: RuleID.allCases)
    func complete(id: RuleID) {
        let rule = id.ruleDescription
        #expect(rule.id == id)
        #expect(!rule.title.isEmpty && rule.text.count > 40 && rule.textEnglish.count > 40 && !rule.source.isEmpty)
    }

    @Test("Catalogue — every term kind points to a described rule (issue 3 item 8)")
    func termKinds() {
        for kind in TermKind.allCases {
            #expect(RuleDescription.catalogue.contains { $0.id == kind.rule }, "\(kind)")
            #expect(!kind.titel.isEmpty)
        }
    }

    @Test("Catalogue — the Markdown rendering lists every rule with its source (issue 3 item 8)")
    func markdown() {
        let markdown = RuleDescription.catalogueMarkdown()
        for rule in RuleDescription.catalogue {
            #expect(markdown.contains("| \(rule.id.rawValue) | \(rule.title) |"))
        }
        #expect(markdown.split(separator: "\n").count == RuleID.allCases.count + 2)
    }
}

@Suite("Catalogue — docs/law.md carries the generated catalogue")
struct CatalogueDocumentTests {
    static let begin = "<!-- catalogue:begin (generated from RuleDescription.catalogueMarkdown(); do not edit) -->"
    static let end = "<!-- catalogue:end -->"

    /// `docs/law.md` next to `Tests/`, found from this file's path (symlinks are resolved by the file system).
    static var documentPath: String {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/law.md").path
    }

    @Test("Catalogue — docs/law.md contains exactly the catalogue the code generates (set REGIE_WRITE_CATALOGUE=1 to regenerate; issue 3 item 8)")
    func documentMatches() throws {
        let path = Self.documentPath
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let beginRange = try #require(text.range(of: Self.begin))
        let endRange = try #require(text.range(of: Self.end))
        let generated = "\n" + RuleDescription.catalogueMarkdown()
        if ProcessInfo.processInfo.environment["REGIE_WRITE_CATALOGUE"] == "1" {
            let updated = text.replacingCharacters(in: beginRange.upperBound..<endRange.lowerBound, with: generated)
            try updated.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[beginRange.upperBound..<endRange.lowerBound]) == generated)
    }
}

/// What users read as a rule's source is the law or DUO's published interface, never the team's
/// working documents (the seed documents, domain.md) — on the Regels page, beside every term, in docs/law.md.
/// The Swift sources and tests do not cite them either, comments included: they cite the law.
@Suite("Sources cite the law, not working documents")
struct SourceCitationTests {
    static var working: Regex<Substring> { #/seed \d{3}|\d{3}:\d{2,4}|domain\.md/# }

    @Test("No rule in the catalogue cites a seed document or domain.md")
    func catalogue() {
        #expect(RuleDescription.catalogueMarkdown().firstMatch(of: Self.working) == nil)
    }

    @Test("No string literal in Sources cites a seed document or domain.md")
    func literals() throws {
        let sources = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" } ?? []
        #expect(files.count > 50, "the sources were found: \(sources.path)")
        var found: [String] = []
        for file in files {
            for (number, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces).hasPrefix("//") ? "" : String(line.split(separator: "//", maxSplits: 1).first ?? "")
                for literal in code.matches(of: #/"[^"]*"/#) where literal.output.firstMatch(of: Self.working) != nil {
                    found.append("\(file.lastPathComponent):\(number + 1): \(literal.output)")
                }
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test("No page template, translation catalogue or the API's OpenAPI document cites a seed document, domain.md or a line number")
    func resources() throws {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let resources = root.appendingPathComponent("Sources/RegieServer/Resources")
        let files = (FileManager.default.enumerator(at: resources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
            .filter { ["json", "mustache"].contains($0.pathExtension) } ?? []) + [root.appendingPathComponent("Sources/RegieAPI/openapi.json")]
        #expect(files.count > 20, "the templates and catalogues were found: \(resources.path)")
        var found: [String] = []
        for file in files {
            for (number, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.firstMatch(of: Self.working) != nil || line.contains("domain.md") {
                found.append("\(file.lastPathComponent):\(number + 1): \(line.prefix(120))")
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test("No Swift file in Sources or Tests, comments included, cites a seed document, domain.md or a line number")
    func swiftFiles() throws {
        let this = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        let root = this.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var found: [String] = []
        var scanned = 0
        for folder in ["Sources", "Tests"] {
            // This file is left out: it holds the patterns it searches for.
            let files = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
                .filter { $0.pathExtension == "swift" && $0.resolvingSymlinksInPath().path != this.path } ?? []
            #expect(files.count > (folder == "Sources" ? 150 : 50), "the Swift files were found: \(root.appendingPathComponent(folder).path)")
            scanned += files.count
            for file in files {
                let path = file.path.hasPrefix(root.path + "/") ? String(file.path.dropFirst(root.path.count + 1)) : file.lastPathComponent
                for (number, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where line.firstMatch(of: Self.working) != nil {
                    found.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces).prefix(120))")
                }
            }
        }
        #expect(scanned > 250, "every Swift source and test was scanned, not only some: \(scanned)")
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }
}
