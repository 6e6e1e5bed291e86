import Testing
@testable import Inburgering

/// Issue 22: the places where the clock and the rules disagreed with the law or DUO.
@Suite("Law exactness — DUO's term, exemptions, first route, ontzorgen policy, PIP changes, closing, enforcement")
struct LawExactnessTests {
    static func term(_ kind: TermKind, _ facts: TrajectFacts, on day: String, settings: MunicipalityLawSettings = .standaard) -> Term? {
        StatutoryClock.terms(for: facts, settings: settings, on: d(day)).first { $0.kind == kind }
    }

    // MARK: R10 — DUO's extension counts from the day Regie learns it

    static let extended = TrajectFacts(
        categorie: .asielstatushouder, pips: [PIPFeit(dagtekening: d("2024-05-01"), leerroute: .b1)],
        duoTermijn: DUOTermijnFeit(start: d("2024-05-02"), laatsteDag: d("2027-11-01"), bekendSinds: d("2026-12-01"), verlengingsgrond: "Ziekte"))

    @Test("R10 — DUO's extended term is the term from the day it is known, not from its new last day (Wi2021 art. 11; DUO Inburgeringstermijn API)",
          arguments: [
            ("2026-11-30", "2027-05-01", false),   // before Regie knew: its own 3 years
            ("2026-12-01", "2027-11-01", true),    // the notification's day: DUO's end at once
            ("2027-06-01", "2027-11-01", true),    // after the old end: running, not overdue
          ])
    func duoExtension(day: String, due: String, duo: Bool) throws {
        let term = try #require(Self.term(.inburgeringstermijn, Self.extended, on: day))
        #expect(term.due == d(due))
        #expect(term.flags.contains(.volgensDUO) == duo)
        #expect(term.flags.contains(.verlengd) == duo)
        #expect(term.status != .overdue)
    }

    @Test("R10 — DUO's term is used even when Regie holds no PIP of its own (a PIP from the previous municipality, SS121)")
    func duoTermWithoutOwnPIP() throws {
        let facts = TrajectFacts(categorie: .gezinsmigrantEnOverig,
                                 duoTermijn: DUOTermijnFeit(start: d("2025-03-02"), laatsteDag: d("2028-03-01"), bekendSinds: d("2026-01-10")))
        let term = try #require(Self.term(.inburgeringstermijn, facts, on: "2026-12-05"))
        #expect(term.start == d("2025-03-02") && term.due == d("2028-03-01") && !term.flags.contains(.verlengd))
    }

    // MARK: R1b — a temporary exemption stops the PIP term; it resumes afterwards

    static func exempt(_ until: String?) -> TrajectFacts {
        TrajectFacts(categorie: .gezinsmigrantEnOverig, kennisgeving: d("2026-09-01"), brpInschrijving: d("2026-09-01"),
                     tijdelijkeVrijstellingen: [TijdelijkeVrijstellingFeit(vanaf: d("2026-10-01"), tot: until.map(d))])
    }

    @Test("R1b — while a temporary exemption runs the PIP term is held, never overdue (DUO Vrijstelling API; SS109)",
          arguments: ["2026-10-01", "2026-11-10", "2027-06-01"])
    func exemptionHoldsPIPTerm(day: String) throws {
        let term = try #require(Self.term(.pipVaststelling, Self.exempt(nil), on: day))
        #expect(term.flags.contains(.vrijgesteld))
        #expect(term.status == .open)
        #expect(Self.term(.voortgangsgesprek, Self.exempt(nil), on: day) == nil)
    }

    @Test("R1b — after the exemption the term resumes with the days that were left (SS129; DUO Vrijstelling API)")
    func exemptionResumes() throws {
        // 10 weeks from 1 September end on 10 November; 31 days exempt in October move it to 11 December.
        let term = try #require(Self.term(.pipVaststelling, Self.exempt("2026-10-31"), on: "2026-11-20"))
        #expect(term.due == d("2026-12-11"))
        #expect(term.flags.contains(.verlengdWegensVrijstelling) && !term.flags.contains(.vrijgesteld))
        #expect(term.status == .open)
        // Without the exemption the same day would be overdue.
        var plain = Self.exempt(nil)
        plain.tijdelijkeVrijstellingen = []
        #expect(Self.term(.pipVaststelling, plain, on: "2026-11-20")?.status == .overdue)
    }

    @Test("R1b — an exemption that ended before the term started moves nothing; a new start from DUO is a new trigger")
    func exemptionBeforeTerm() throws {
        var facts = Self.exempt("2026-10-31")
        facts.kennisgeving = d("2026-11-05")
        facts.brpInschrijving = d("2026-11-05")
        let term = try #require(Self.term(.pipVaststelling, facts, on: "2026-11-20"))
        #expect(term.due == d("2027-01-14"))
        #expect(!term.flags.contains(.verlengdWegensVrijstelling))
    }

    // MARK: R12 — the first PIP's route sets the late-offer window

    @Test("R12 — the window follows the route of the first PIP, not the current one (Wi2021 art. 16)",
          arguments: [(Leerroute.onderwijs, Leerroute.b1, "2025-07-01"), (.b1, .onderwijs, "2025-04-01")])
    func lateOfferFirstRoute(first: Leerroute, later: Leerroute, due: String) throws {
        let facts = TrajectFacts(categorie: .asielstatushouder,
                                 pips: [PIPFeit(dagtekening: d("2025-01-01"), leerroute: first), PIPFeit(dagtekening: d("2025-02-01"), leerroute: later)])
        #expect(try #require(Self.term(.aanbodStart, facts, on: "2025-03-01")).due == d(due))
    }

    // MARK: R8 — the ontzorgen policy in force on the first day of bijstand decides the terms

    @Test("R8 — a 3-month policy ends ontzorgen after 3 months, whatever the clock's default settings (Pw art. 56a; Verzamelbrief 6-4-2023)")
    func ontzorgenPolicy() throws {
        let facts = TrajectFacts(categorie: .asielstatushouder, bijstandStart: d("2026-01-01"), ontzorgenBesloten: true,
                                 ontzorgenBeleid: OntzorgenSettings(duurMaanden: 3, evaluatieNaMaanden: [2]))
        #expect(try #require(Self.term(.ontzorgenEinde, facts, on: "2026-02-01")).due == d("2026-03-31"))
        #expect(try #require(Self.term(.ontzorgenEvaluatie, facts, on: "2026-02-01")).due == d("2026-02-28"))
    }

    @Test("R8 — ontzorgen closed early ends on the closing day; later reviews no longer apply (Pw art. 56a, 57)")
    func ontzorgenClosedEarly() throws {
        let facts = TrajectFacts(categorie: .asielstatushouder, bijstandStart: d("2026-01-01"), ontzorgenBesloten: true,
                                 ontzorgenBeeindigd: d("2026-02-10"))
        let terms = StatutoryClock.terms(for: facts, on: d("2026-03-01"))
        let end = try #require(terms.first { $0.kind == .ontzorgenEinde })
        #expect(end.due == d("2026-02-10") && end.status == .met)
        #expect(terms.filter { $0.kind == .ontzorgenEvaluatie }.allSatisfy { $0.status == .notApplicable })
    }

    // MARK: R7a/R7b — a new PIP version is checked on its content, on its dagtekening

    @Test("R7a/R7b — the changes a version makes are found from its content, whatever reason is given",
          arguments: [
            (Leerroute.b1, Taalniveau?.none, Leerroute.b1, Taalniveau?.some(.a2), [PIPWijziging.afschalen]),
            (.b1, .b1, .z, .a2, [.schakelen(van: .b1, naar: .z)]),
            (.z, .a2, .b1, .a2, [.schakelen(van: .z, naar: .b1), .afschalen]),
            (.b1, .a2, .b1, .a2, []),
            (.b1, nil, .b1, .b1, []),
          ])
    func changes(fromRoute: Leerroute, fromLevel: Taalniveau?, toRoute: Leerroute, toLevel: Taalniveau?, expected: [PIPWijziging]) {
        #expect(PIPWijzigingRule.wijzigingen(vorigeRoute: fromRoute, vorigNiveau: fromLevel, nieuweRoute: toRoute, nieuwNiveau: toLevel) == expected)
    }

    @Test("R7b — the switching window is checked on the dagtekening of the version that switches (Wi2021 art. 15)",
          arguments: [("2025-01-01", true), ("2026-07-01", true), ("2026-07-02", false)])
    func switchWindowOnDagtekening(dagtekening: String, allowed: Bool) {
        // A term starting 2 January 2025 closes the window on 1 July 2026; a version on the first PIP's own day is inside it.
        let problems = PIPWijzigingRule.gebreken([.schakelen(van: .b1, naar: .z)], ingangsdatum: d(dagtekening),
                                                 termijnStart: d("2025-01-02"), routeCursusuren: 0)
        #expect(problems.isEmpty == allowed)
    }

    @Test("R7a — lowering to A2 needs 600 course hours in the route (Besluit inburgering 2021 art. 5.5)", arguments: [(599, false), (600, true)])
    func afschalenHours(hours: Int, allowed: Bool) {
        let problems = PIPWijzigingRule.gebreken([.afschalen], ingangsdatum: d("2025-06-01"), termijnStart: d("2025-01-02"), routeCursusuren: hours)
        #expect(problems.isEmpty == allowed)
    }

    // MARK: R11 — closing for AOW age only from the day it is reached

    @Test("R11 — closing for AOW age is refused before the AOW date Regie computes (Wi2021 art. 3; AOW art. 7a)",
          arguments: [
            (TrajectEinde.aowLeeftijd, "1990-03-15", "2026-12-05", false),
            (.aowLeeftijd, "1959-01-01", "2026-12-05", true),
            (.aowLeeftijd, "1959-01-01", "2025-12-31", false),
            (.verhuisd, "1990-03-15", "2026-12-05", true),
          ])
    func aowClosing(einde: TrajectEinde, born: String, day: String, allowed: Bool) {
        #expect((InburgeringsplichtRule.afsluiten(einde, op: d(day), geboortedatum: d(born)) == nil) == allowed)
    }

    // MARK: R9 — no fine for breaching a PIP that was never fixed

    @Test("R9 — 'niet nakomen PIP' without a fixed PIP is refused, whatever the assessment (Wi2021; Awb art. 5:41)",
          arguments: [(Overtreding.nietNakomenPIP, false, false), (.nietNakomenPIP, true, true), (.nietMeewerkenBredeIntake, false, true)])
    func noPIPNoBreach(offence: Overtreding, fixed: Bool, allowed: Bool) {
        let file = HandhavingsDossier(overtreding: offence, beoordeling: HandhavingTests.assessed)
        let result = HandhavingRule.volgendeStap(file, categorie: .gezinsmigrantEnOverig, pipVastgesteld: fixed)
        if allowed { #expect((try? result.get()) != nil) } else { #expect(throws: HandhavingsWeigering.geenPIP) { try result.get() } }
    }
}
