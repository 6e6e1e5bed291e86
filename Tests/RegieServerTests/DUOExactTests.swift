import DUO
import Foundation
import Inburgering
import RegieServer
import RegieStorage
import SQLKit
import Testing

/// Issue 22: the pulls DUO's events overview lists, the events' own dates, and a deterministic order.
@Suite("DUO exact: the overview's pulls, the events' own dates, one outcome in any order")
struct DUOExactTests {
    static let weertOIN = DUOEndToEndTests.weertOIN

    @Test("SS129 pulls the exam results and the exemptions (DUO's events overview) and the DUO tab shows them", arguments: Engine.available)
    func withdrawnExemptionPullsExamsAndExemptions(engine: Engine) async throws {
        try await DUOEndToEndTests.withHarness(engine) { h in
            let (run, person) = try await h.openCase()
            var atDUO = try #require(await h.simulator.person(bsn: run.bsn))
            atDUO.examens = [DUOExamenresultaat(examendatum: CalendarDate(iso: "2026-10-01")!, resultaat: "Geslaagd", onderdeel: "KNM"),
                             DUOExamenresultaat(examendatum: CalendarDate(iso: "2026-10-08")!, resultaat: "Geen", redenGeenResultaat: "Absent", onderdeel: "SP", niveau: "B1")]
            atDUO.vrijstellingen = [DUOVrijstelling(TijdelijkeVrijstelling: .init(oordeel: .toekenning, reden: "INS", datumOordeel: CalendarDate(iso: "2026-09-01")!,
                                                                                  startdatum: CalendarDate(iso: "2026-09-01")!, einddatum: CalendarDate(iso: "2026-11-10")!))]
            await h.simulator.seed(atDUO)
            await h.simulator.clearLog()
            #expect(await h.notify("SS129", bsn: run.bsn) == 201)
            try await h.drain()

            let asked = Set(await h.simulator.exchanges().filter { $0.method == "GET" }.map { DUOSimulatorPaths.template($0.path) })
            #expect(asked == ["/personen/{bsn}/inburgeringsplicht", "/personen/{bsn}/doelgroep", "/personen/{bsn}/examens/resultaten",
                              "/personen/{bsn}/vrijstellingen"])
            let browser = Browser(h.web)
            _ = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/\(person.id)/duo").body
            // Exam results: the part, the result and why there is none, in Dutch.
            #expect(page.contains("Kennis van de Nederlandse Maatschappij"))
            #expect(page.contains("Geslaagd"))
            #expect(page.contains("Spreken") && page.contains("Geen resultaat") && page.contains("afwezig"))
            // The exemption: its kind, DUO's decision, its reason and period.
            #expect(page.contains("Tijdelijke vrijstelling"))
            #expect(page.contains("Toegekend"))
            #expect(page.contains("inschrijving bij een opleiding"))
            #expect(page.contains("1 september 2026 tot en met 10 november 2026"))
            #expect(!page.contains(">INS<") && !page.contains(">KNM<"), "codes are shown in words")
        }
    }
}

/// Paths with the BSN replaced, to compare what was asked of DUO.
enum DUOSimulatorPaths {
    static func template(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.count == 9 && $0.allSatisfy(\.isNumber) ? "{bsn}" : String($0) }.joined(separator: "/")
    }
}
