import Testing
@testable import Inburgering

@Suite("R9 — enforcement by the municipality (Wi2021; Awb art. 5:41, 5:46)")
struct HandhavingTests {
    static let assessed = OmstandighedenBeoordeling(datum: d("2024-09-01"), beoordeeldDoor: "consulent",
                                                    inspanningenGemeente: "Drie uitnodigingen met tolk, huisbezoek",
                                                    omstandigheden: "Geen medische of gezinsredenen gevonden", verwijtbaar: true)

    static func file(steps: Int, assessment: OmstandighedenBeoordeling? = nil) -> HandhavingsDossier {
        let taken = HandhavingSettings().ladder.prefix(steps).enumerated().map {
            GezetteHandhavingsStap(datum: d("2024-06-01").adding(months: $0.offset), stap: $0.element)
        }
        return HandhavingsDossier(overtreding: .nietNakomenPIP, gezetteStappen: Array(taken), beoordeling: assessment)
    }

    @Test("R9 — the first step is a warning, which needs no assessment")
    func warningFirst() throws {
        let proposal = try HandhavingRule.volgendeStap(Self.file(steps: 0), categorie: .gezinsmigrantEnOverig, pipVastgesteld: true).get()
        #expect(proposal.stap == .waarschuwing && proposal.trede == 0 && !proposal.afgetopt)
    }

    @Test("R9 — no fine without a recorded, complete assessment finding culpability (Awb art. 5:41)", arguments: [
        (OmstandighedenBeoordeling?.none, HandhavingsWeigering.geenBeoordelingOmstandigheden),
        (OmstandighedenBeoordeling(datum: d("2024-09-01"), beoordeeldDoor: "c", inspanningenGemeente: " ", omstandigheden: "x", verwijtbaar: true), .beoordelingOnvolledig),
        (OmstandighedenBeoordeling(datum: d("2024-09-01"), beoordeeldDoor: "c", inspanningenGemeente: "x", omstandigheden: "", verwijtbaar: true), .beoordelingOnvolledig),
        (OmstandighedenBeoordeling(datum: d("2024-09-01"), beoordeeldDoor: "c", inspanningenGemeente: "x", omstandigheden: "ziek", verwijtbaar: false), .nietVerwijtbaar),
    ])
    func refusals(assessment: OmstandighedenBeoordeling?, reason: HandhavingsWeigering) {
        #expect(throws: reason) { try HandhavingRule.volgendeStap(Self.file(steps: 1, assessment: assessment), categorie: .gezinsmigrantEnOverig, pipVastgesteld: true).get() }
        #expect(!reason.melding.isEmpty)
    }

    @Test("R9 — with a culpable assessment the ladder climbs: €250, then €250 and PIP without input, then nothing")
    func ladder() throws {
        #expect(try HandhavingRule.volgendeStap(Self.file(steps: 1, assessment: Self.assessed), categorie: .gezinsmigrantEnOverig, pipVastgesteld: true).get().stap == .boete(bedragCent: 25_000))
        #expect(try HandhavingRule.volgendeStap(Self.file(steps: 2, assessment: Self.assessed), categorie: .gezinsmigrantEnOverig, pipVastgesteld: true).get().stap == .boeteEnPIPZonderInbreng(bedragCent: 25_000))
        #expect(throws: HandhavingsWeigering.ladderDoorlopen) {
            try HandhavingRule.volgendeStap(Self.file(steps: 3, assessment: Self.assessed), categorie: .gezinsmigrantEnOverig, pipVastgesteld: true).get()
        }
    }

    @Test("R9 — amounts are capped at the legal maximum of €800", arguments: [
        (100_000, 80_000, true), (80_000, 80_000, false), (80_001, 80_000, true), (25_000, 25_000, false),
    ])
    func cap(configured: Int, proposed: Int, capped: Bool) throws {
        let settings = HandhavingSettings(ladder: [.boete(bedragCent: configured)])
        let file = HandhavingsDossier(overtreding: .nietMeewerkenBredeIntake, beoordeling: Self.assessed)
        let proposal = try HandhavingRule.volgendeStap(file, categorie: .gezinsmigrantEnOverig, pipVastgesteld: true, settings: settings).get()
        #expect(proposal.stap.bedragCent == proposed)
        #expect(proposal.afgetopt == capped)
    }

    @Test("R9 — a municipality may suspend fines for asylum permit holders (a 2025 judgment of the EU Court of Justice)")
    func suspension() {
        let settings = HandhavingSettings(boetesAsielstatushoudersOpschorten: true)
        let file = Self.file(steps: 1, assessment: Self.assessed)
        #expect(throws: HandhavingsWeigering.boetesOpgeschortVoorAsielstatushouders) {
            try HandhavingRule.volgendeStap(file, categorie: .asielstatushouder, pipVastgesteld: true, settings: settings).get()
        }
        #expect((try? HandhavingRule.volgendeStap(file, categorie: .gezinsmigrantEnOverig, pipVastgesteld: true, settings: settings).get()) != nil)
        #expect((try? HandhavingRule.volgendeStap(Self.file(steps: 0), categorie: .asielstatushouder, pipVastgesteld: true, settings: settings).get())?.stap == .waarschuwing)
    }
}
