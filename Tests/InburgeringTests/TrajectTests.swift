import Foundation
import Testing
@testable import Inburgering

@Suite("Traject — phases and the events that move them")
struct TrajectTests {
    static let asylumPerson = Inburgeraar(bsn: bsn("111222333"), vNummer: try? VNummer("12345678"), geboortedatum: d("1990-04-01"),
                                          geslacht: .vrouw, doelgroep: .asielstatushouder)
    static let familyPerson = Inburgeraar(bsn: bsn("123456782"), geboortedatum: d("1992-07-12"), doelgroep: .gezinsvormer)

    @Test("Chain — phases follow the furthest event; both end phases are terminal", arguments: [
        ([TrajectEvent](), TrajectFase.signaal),
        ([.kennisgeving(d("2024-01-10"))], .signaal),
        ([.kennisgeving(d("2024-01-10")), .gekoppeld(d("2024-01-20"))], .gekoppeld),
        ([.kennisgeving(d("2024-01-10")), .gekoppeld(d("2024-01-20")), .brpInschrijving(d("2024-02-01"))], .gehuisvest),
        // early start in the azc: intake and PIP before housing; housing later does not move the phase back
        ([.gekoppeld(d("2024-01-20")), .bredeIntakeGestart(d("2024-01-25")), .pipVastgesteld(PIP(dagtekening: d("2024-03-01"), leerroute: .b1)),
          .brpInschrijving(d("2024-04-01"))], .pipVastgesteld),
        ([.pipVastgesteld(PIP(dagtekening: d("2024-03-01"), leerroute: .b1)), .leerrouteGestart(d("2024-04-01"))], .inLeerroute),
        ([.pipVastgesteld(PIP(dagtekening: d("2024-03-01"), leerroute: .b1)), .afgesloten(d("2026-01-01"), .examenBehaald)], .afgerond),
        ([.kennisgeving(d("2024-01-10")), .afgesloten(d("2024-02-01"), .verhuisd)], .beeindigd),
    ])
    func phases(events: [TrajectEvent], fase: TrajectFase) throws {
        #expect(try Traject(inburgeraar: Self.asylumPerson, events: events).fase == fase)
    }

    @Test("Chain — the phase order runs signaal → … → afgerond/beëindigd")
    func order() {
        #expect(TrajectFase.allCases.map(\.order) == Array(0...7))
        #expect(TrajectFase.allCases.sorted() == TrajectFase.allCases)
        #expect(TrajectFase.afgerond.isAfgesloten && TrajectFase.beeindigd.isAfgesloten && !TrajectFase.inLeerroute.isAfgesloten)
        #expect(TrajectEinde.allCases.filter(\.isVoldaan) == [.examenBehaald, .zRouteAfgerond, .volledigeVrijstelling, .volledigeOntheffing])
    }

    @Test("Chain — events that cannot happen are refused with a typed error", arguments: [
        ([TrajectEvent.afgesloten(d("2024-02-01"), .overleden), .kennisgeving(d("2024-03-01"))], TrajectError.trajectAfgesloten),
        ([.leerrouteGestart(d("2024-03-01"))], .leerrouteZonderPIP),
        ([.pipVastgesteld(PIP(dagtekening: d("2024-05-01"), leerroute: .b1)), .pipVastgesteld(PIP(dagtekening: d("2024-04-30"), leerroute: .z))],
         .pipDagtekeningVoorVorige(vorige: d("2024-05-01"))),
        ([.derdenInformatieOntvangen(d("2024-03-01"))], .derdenInformatieNietGevraagd),
    ])
    func refused(events: [TrajectEvent], error: TrajectError) {
        #expect(throws: error) { try Traject(inburgeraar: Self.asylumPerson, events: events) }
    }

    @Test("R0 — koppeling and ontzorgen are for asylum permit holders only")
    func familyRefusals() {
        #expect(throws: TrajectError.koppelingAlleenVoorAsielstatushouder) {
            try Traject(inburgeraar: Self.familyPerson, events: [.gekoppeld(d("2024-01-20"))])
        }
        #expect(throws: TrajectError.ontzorgenAlleenVoorAsielstatushouder) {
            try Traject(inburgeraar: Self.familyPerson, events: [.bijstandGestart(d("2024-01-20"))])
        }
    }

    @Test("R2 — events on the same day are fine; PIP versions are numbered and only the first starts the term (Wi2021 art. 11)")
    func sameDayAndVersions() throws {
        var traject = try Traject(inburgeraar: Self.asylumPerson, events: [
            .kennisgeving(d("2024-02-01")), .brpInschrijving(d("2024-02-01")), .bredeIntakeGestart(d("2024-02-01")),
            .pipVastgesteld(PIP(versie: 7, dagtekening: d("2024-05-01"), leerroute: .b1)),
        ])
        try traject.record(.pipVastgesteld(PIP(dagtekening: d("2024-05-01"), leerroute: .b1, niveau: .b1, wijzigingsreden: .bezwaar)))
        try traject.record(.pipVastgesteld(PIP(dagtekening: d("2024-10-01"), leerroute: .z, wijzigingsreden: .schakelen)))
        #expect(traject.pipVersies.map(\.versie) == [1, 2, 3])
        #expect(traject.eerstePIP?.dagtekening == d("2024-05-01"))
        #expect(traject.huidigePIP?.leerroute == .z)
        #expect(InburgeringstermijnRule.termijn(for: traject.facts) == Period(start: d("2024-05-02"), end: d("2027-05-01")))
    }

    @Test("Chain — the facts for the clock are derived from the events")
    func facts() throws {
        let traject = try Traject(inburgeraar: Self.asylumPerson, events: [
            .kennisgeving(d("2024-01-10")), .tienWekenTermijnGestart(d("2024-02-02")), .gekoppeld(d("2024-01-20")),
            .brpInschrijving(d("2024-02-01")), .derdenInformatieGevraagd(d("2024-03-01")), .derdenInformatieOntvangen(d("2024-03-20")),
            .bijstandGestart(d("2024-02-01")), .ontzorgenBesluit(d("2024-02-01"), ontzorgen: true), .ontzorgenEvaluatie(d("2024-04-01")),
            .ontzorgenVerlengd(besluit: d("2024-07-01"), tot: d("2024-12-31")),
            .pipVastgesteld(PIP(dagtekening: d("2024-04-05"), leerroute: .b1)), .leerrouteGestart(d("2024-06-01")),
            .voortgangsgesprek(d("2024-07-01")),
            .termijnVerlengd(TermijnVerlenging(besluitdatum: d("2025-01-01"), grond: .ziekte, omvang: .duur(.months(4)))),
        ])
        let facts = traject.facts
        #expect(facts.categorie == .asielstatushouder && facts.geboortedatum == d("1990-04-01"))
        #expect(facts.kennisgeving == d("2024-01-10") && facts.brpInschrijving == d("2024-02-01") && facts.duoTienWekenStart == d("2024-02-02"))
        #expect(facts.wachtenOpDerden == [WachtenOpDerden(gevraagd: d("2024-03-01"), ontvangen: d("2024-03-20"))])
        #expect(facts.pips.map(\.dagtekening) == [d("2024-04-05")] && facts.leerrouteStart == d("2024-06-01"))
        #expect(facts.bijstandStart == d("2024-02-01") && facts.ontzorgenBesloten == true && facts.ontzorgenVerlengdTot == d("2024-12-31"))
        #expect(facts.ontzorgenEvaluaties == [d("2024-04-01")] && facts.voortgangsgesprekken == [d("2024-07-01")])
        #expect(facts.verlengingen.count == 1 && facts.afgesloten == nil)
        #expect(traject.fase == .inLeerroute)
    }

    @Test("R0 — a change of target group changes the rights that apply (Wi2021 art. 1; DUO SS124/SS125)")
    func groupChange() throws {
        var traject = try Traject(inburgeraar: Self.familyPerson)
        #expect(traject.categorie == .gezinsmigrantEnOverig)
        try traject.record(.doelgroepGewijzigd(d("2024-03-01"), .gezinsvormerMetAsielstatushouder))
        #expect(traject.categorie == .asielstatushouder)
        try traject.record(.gekoppeld(d("2024-03-05")))
    }

    @Test("Chain — a Traject round-trips through JSON")
    func codable() throws {
        let traject = try Traject(inburgeraar: Self.asylumPerson, events: [
            .kennisgeving(d("2024-01-10")), .pipVastgesteld(PIP(dagtekening: d("2024-04-05"), leerroute: .b1, vve: .afspraken("Peuterspeelzaal 2 dagdelen"))),
            .afgesloten(d("2026-01-01"), .zRouteAfgerond),
        ])
        let data = try JSONEncoder().encode(traject)
        #expect(try JSONDecoder().decode(Traject.self, from: data) == traject)
        #expect(traject.eindDatum == d("2026-01-01") && traject.einde == .zRouteAfgerond)
    }
}

@Suite("R6 — the validation context comes from the case")
struct TrajectPIPContextTests {
    @Test("R6 — a later PIP of a recorded case is checked against its first and current PIP (DUO PIP API)")
    func context() throws {
        let traject = try Traject(inburgeraar: TrajectTests.asylumPerson, events: [
            .kennisgeving(d("2024-01-10")), .brpInschrijving(d("2024-02-01")),
            .pipVastgesteld(PIP(dagtekening: d("2024-04-05"), leerroute: .b1)),
            .pipVastgesteld(PIP(dagtekening: d("2024-06-01"), leerroute: .b1)),
        ])
        let context = traject.pipValidationContext(startInburgeringsplicht: d("2024-01-10"))
        #expect(context == PIPValidationContext(startInburgeringsplicht: d("2024-01-10"), vestigingInGemeente: d("2024-02-01"),
                                                dagtekeningInitielePIP: d("2024-04-05"), dagtekeningHuidigePIP: d("2024-06-01"),
                                                categorie: .asielstatushouder))
        #expect(!context.isEerstePIP)
        // A later version may lower the B1-route to A2, but not be dated before the current PIP.
        let violations = PIPValidator.validate(PIPSubmission(dagtekening: d("2024-05-31"), leerroute: .b1, niveau: .a2), context: context)
        #expect(violations.map(\.code) == ["R6.4"])
        #expect(StatutoryClock.terms(for: traject, on: d("2024-06-02")).contains { $0.kind == .inburgeringstermijn && $0.start == d("2024-04-06") })
    }
}

@Suite("Chain — a step is checked against the case as it stands (TrajectGebeurtenisRule)")
struct TrajectGebeurtenisRuleTests {
    static let pip = PIP(dagtekening: d("2024-05-01"), leerroute: .b1)

    @Test("Each step on each kind of case: allowed, or refused with the reason", arguments: [
        (TrajectEvent.kennisgeving(d("2024-01-10")), TrajectStand(categorie: .asielstatushouder, afgesloten: false), TrajectError?.none),
        (.kennisgeving(d("2024-01-10")), TrajectStand(categorie: .asielstatushouder, afgesloten: true), .trajectAfgesloten),
        (.afgesloten(d("2024-06-01"), .verhuisd), TrajectStand(categorie: .gezinsmigrantEnOverig, afgesloten: true), .trajectAfgesloten),
        (.gekoppeld(d("2024-01-20")), TrajectStand(categorie: .asielstatushouder, afgesloten: false), nil),
        (.gekoppeld(d("2024-01-20")), TrajectStand(categorie: .gezinsmigrantEnOverig, afgesloten: false), .koppelingAlleenVoorAsielstatushouder),
        (.ontzorgenBesluit(d("2024-02-01"), ontzorgen: true), TrajectStand(categorie: .gezinsmigrantEnOverig, afgesloten: false),
         .ontzorgenAlleenVoorAsielstatushouder),
        (.ontzorgenEvaluatie(d("2024-02-01")), TrajectStand(categorie: .asielstatushouder, afgesloten: false), nil),
        (.leerrouteGestart(d("2024-06-01")), TrajectStand(categorie: .asielstatushouder, afgesloten: false), .leerrouteZonderPIP),
        (.leerrouteGestart(d("2024-06-01")), TrajectStand(categorie: .asielstatushouder, afgesloten: false, pipDagtekeningen: [d("2024-05-01")]), nil),
        (.pipVastgesteld(pip), TrajectStand(categorie: .asielstatushouder, afgesloten: false), nil),
        (.pipVastgesteld(pip), TrajectStand(categorie: .asielstatushouder, afgesloten: false, pipDagtekeningen: [d("2024-05-01")]), nil),
        (.pipVastgesteld(pip), TrajectStand(categorie: .asielstatushouder, afgesloten: false, pipDagtekeningen: [d("2024-04-01"), d("2024-05-02")]),
         .pipDagtekeningVoorVorige(vorige: d("2024-05-02"))),
        (.derdenInformatieOntvangen(d("2024-03-20")), TrajectStand(categorie: .gezinsmigrantEnOverig, afgesloten: false), .derdenInformatieNietGevraagd),
        (.derdenInformatieOntvangen(d("2024-03-20")), TrajectStand(categorie: .gezinsmigrantEnOverig, afgesloten: false, derdenInformatieGevraagd: true), nil),
    ])
    func check(event: TrajectEvent, stand: TrajectStand, refused: TrajectError?) {
        if let refused {
            #expect(throws: refused) { try TrajectGebeurtenisRule.controleer(event, in: stand) }
        } else {
            #expect(throws: Never.self) { try TrajectGebeurtenisRule.controleer(event, in: stand) }
        }
    }
}
