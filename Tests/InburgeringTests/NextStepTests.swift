import Testing
@testable import Inburgering

@Suite("The next step of a case follows the chain and its terms (Wi2021 art. 14–15; R1, R5b, R8a, R12)")
struct NextStepTests {
    typealias P = NextStepRule.Progress

    /// An asylum permit holder linked on 5 January 2026 and registered in the BRP on 2 March 2026.
    static func asylum(brp: Bool = true) -> TrajectFacts {
        TrajectFacts(categorie: .asielstatushouder, geboortedatum: d("1990-06-01"), kennisgeving: d("2026-01-10"),
                     brpInschrijving: brp ? d("2026-03-02") : nil, koppeling: d("2026-01-05"))
    }

    static func step(_ facts: TrajectFacts, _ progress: P, on day: String) -> (NextStep?, [Term]) {
        let terms = StatutoryClock.terms(for: facts, on: d(day))
        return (NextStepRule.next(facts: facts, progress: progress, terms: terms), terms)
    }

    static let intakeDone = P(fase: .bredeIntake, warmeOverdracht: true, intakeGesprekken: 2, openOnderwerpen: 0, lbtAfgerond: true, leerrouteBesloten: true)

    @Test("Before the PIP the chain's order decides, every step due by the PIP term (R1)", arguments: [
        (P(fase: .gehuisvest), NextStepKind.bredeIntakePlannen),
        (P(fase: .gehuisvest, warmeOverdracht: true), .bredeIntakePlannen),
        (P(fase: .bredeIntake, intakeGesprekken: 1, openOnderwerpen: 2), .bredeIntakeAfronden),
        (P(fase: .bredeIntake, intakeGesprekken: 1, openOnderwerpen: 0), .lbtAfnemen),
        (P(fase: .bredeIntake, intakeGesprekken: 1, openOnderwerpen: 0, lbtAfgerond: true), .routeKiezen),
        (P(fase: .bredeIntake, intakeGesprekken: 3, openOnderwerpen: 0, lbtAfgerond: true, leerrouteBesloten: true), .pipVaststellen),
        // A route decided before the LBT does not skip the test.
        (P(fase: .bredeIntake, intakeGesprekken: 1, openOnderwerpen: 0, lbtAfgerond: false, leerrouteBesloten: true), .lbtAfnemen),
    ])
    func beforePIP(progress: P, expected: NextStepKind) throws {
        let (step, terms) = Self.step(Self.asylum(), progress, on: "2026-03-20")
        let next = try #require(step)
        let pipTerm = try #require(terms.first { $0.kind == .pipVaststelling })
        #expect(next.kind == expected)
        #expect(next.due == pipTerm.due && next.due == d("2026-05-11"))
        #expect(next.rule == .r1 && next.status == .open)
    }

    @Test("A PIP step after the term's last day is overdue")
    func pipOverdue() throws {
        let next = try #require(Self.step(Self.asylum(), Self.intakeDone, on: "2026-05-20").0)
        #expect(next.kind == .pipVaststellen && next.status == .overdue)
    }

    @Test("Linked to the municipality, not yet housed: the warme overdracht first, without a date")
    func linked() throws {
        let next = try #require(Self.step(Self.asylum(brp: false), P(fase: .gekoppeld), on: "2026-01-20").0)
        #expect(next.kind == .warmeOverdracht)
        let after = try #require(Self.step(Self.asylum(brp: false), P(fase: .gekoppeld, warmeOverdracht: true), on: "2026-01-20").0)
        #expect(after.kind == .bredeIntakePlannen)
    }

    @Test("R1b — while DUO's temporary exemption runs, the step is to wait for it")
    func exempt() throws {
        var facts = Self.asylum()
        facts.tijdelijkeVrijstellingen = [TijdelijkeVrijstellingFeit(vanaf: d("2026-03-10"), tot: d("2026-09-30"))]
        let next = try #require(Self.step(facts, P(fase: .gehuisvest), on: "2026-04-01").0)
        #expect(next.kind == .vrijstellingAfwachten)
    }

    @Test("R12 — after an asylum permit holder's PIP: register with the provider, due when the offer window closes")
    func registerWithProvider() throws {
        var facts = Self.asylum()
        facts.pips = [PIPFeit(dagtekening: d("2026-04-15"), leerroute: .b1)]
        let (step, terms) = Self.step(facts, P(fase: .pipVastgesteld), on: "2026-05-01")
        let next = try #require(step)
        #expect(next.kind == .aanmeldenAanbieder)
        #expect(next.due == terms.first { $0.kind == .aanbodStart }?.due)
        #expect(next.rule == .r12)
    }

    @Test("R5b — a family migrant's PIP, or a route that started: the next progress meeting", arguments: [
        (DoelgroepCategorie.gezinsmigrantEnOverig, false), (.asielstatushouder, true),
    ])
    func progressMeeting(categorie: DoelgroepCategorie, started: Bool) throws {
        var facts = Self.asylum()
        facts.categorie = categorie
        facts.pips = [PIPFeit(dagtekening: d("2026-04-15"), leerroute: .b1)]
        if started { facts.leerrouteStart = d("2026-06-01") }
        let (step, terms) = Self.step(facts, P(fase: started ? .inLeerroute : .pipVastgesteld), on: "2026-06-10")
        let next = try #require(step)
        #expect(next.kind == .voortgangsgesprek && next.rule == .r5b)
        #expect(next.due == terms.first { $0.kind == .voortgangsgesprek }?.due)
    }

    @Test("R8a — an ontzorgen review due soon comes before a step due later; not yet due, it waits", arguments: [
        ("2026-03-10", NextStepKind.bredeIntakePlannen),
        ("2026-04-20", .ontzorgenEvalueren),
    ])
    func reviewBeforePhaseStep(day: String, expected: NextStepKind) throws {
        var facts = Self.asylum()
        facts.bijstandStart = d("2026-03-01")
        let next = try #require(Self.step(facts, P(fase: .gehuisvest), on: day).0)
        #expect(next.kind == expected)
    }

    @Test("In the route the earlier of the next meeting and the next ontzorgen review is next")
    func earliestPeriodic() throws {
        var facts = Self.asylum()
        facts.pips = [PIPFeit(dagtekening: d("2026-04-15"), leerroute: .b1)]
        facts.leerrouteStart = d("2026-05-01")
        facts.bijstandStart = d("2026-04-20")
        let (step, terms) = Self.step(facts, P(fase: .inLeerroute), on: "2026-05-05")
        let next = try #require(step)
        let review = try #require(terms.first { $0.kind == .ontzorgenEvaluatie && $0.status != .met })
        let meeting = try #require(terms.first { $0.kind == .voortgangsgesprek })
        #expect(next.due == min(review.due, meeting.due))
        #expect(next.kind == (review.due < meeting.due ? .ontzorgenEvalueren : .voortgangsgesprek))
    }

    @Test("A closed case has no next step", arguments: [TrajectFase.afgerond, .beeindigd])
    func closed(fase: TrajectFase) {
        var facts = Self.asylum()
        facts.afgesloten = TrajectAfsluiting(datum: d("2026-04-01"), einde: fase == .afgerond ? .volledigeVrijstelling : .verhuisd)
        #expect(Self.step(facts, P(fase: fase), on: "2026-05-01").0 == nil)
    }
}
