import Testing
@testable import Inburgering

func term(_ kind: TermKind, in terms: [Term], sequence: Int? = nil) -> Term? {
    terms.first { $0.kind == kind && (sequence == nil || $0.sequence == sequence) }
}

@Suite("Statutory clock — every running term with its status on a given day")
struct StatutoryClockTests {
    static let asylum = TrajectFacts(categorie: .asielstatushouder, kennisgeving: d("2024-01-10"), brpInschrijving: d("2024-02-01"))

    // MARK: R1

    @Test("R1 — 10 weeks from the later of kennisgeving and BRP registration (Besluit art. 5.3; SS139)", arguments: [
        ("2024-01-10", "2024-02-01", "2024-02-01", "2024-04-11"), // BRP after the kennisgeving
        ("2024-02-01", "2024-01-10", "2024-02-01", "2024-04-11"), // BRP before the kennisgeving
        ("2024-02-01", "2024-02-01", "2024-02-01", "2024-04-11"), // same day
        ("2023-12-22", "2024-02-29", "2024-02-29", "2024-05-09"), // leap day
    ])
    func pipTrigger(kennisgeving: String, brp: String, trigger: String, due: String) throws {
        let facts = TrajectFacts(categorie: .asielstatushouder, kennisgeving: d(kennisgeving), brpInschrijving: d(brp))
        #expect(PIPDeadlineRule.deadline(for: facts)?.trigger == d(trigger))
        let pip = try #require(term(.pipVaststelling, in: StatutoryClock.terms(for: facts, on: d("2024-03-01"))))
        #expect(pip.start == d(trigger).adding(days: 1))
        #expect(pip.due == d(due))
        #expect(pip.rule == .r1 && pip.source == RuleID.r1.source && pip.source.contains("5.3"))
    }

    @Test("R1 — an asylum permit holder's clock waits for BRP registration; a gezinsmigrant's runs from the kennisgeving; SS139 as fallback (Wi2021 art. 15 lid 5; Besluit inburgering 2021 art. 5.3)")
    func pipTriggerMissing() {
        #expect(PIPDeadlineRule.trigger(kennisgeving: d("2024-01-10"), brpInschrijving: nil, categorie: .asielstatushouder) == nil)
        #expect(PIPDeadlineRule.trigger(kennisgeving: d("2024-01-10"), brpInschrijving: nil, categorie: .gezinsmigrantEnOverig) == d("2024-01-10"))
        #expect(PIPDeadlineRule.trigger(kennisgeving: nil, brpInschrijving: d("2024-01-10"), categorie: .asielstatushouder, duoTienWekenStart: d("2024-01-12")) == d("2024-01-12"))
        let waiting = TrajectFacts(categorie: .asielstatushouder, kennisgeving: d("2024-01-10"))
        #expect(term(.pipVaststelling, in: StatutoryClock.terms(for: waiting, on: d("2024-05-01"))) == nil)
    }

    @Test("R1 — status by day: open, due soon within 14 days, overdue after the due date (Besluit inburgering 2021 art. 5.3; window: settings)", arguments: [
        ("2024-03-27", TermStatus.open, 15), ("2024-03-28", .dueSoon, 14), ("2024-04-11", .dueSoon, 0), ("2024-04-12", .overdue, -1),
        ("2024-02-02", .open, 69),
    ])
    func pipStatus(day: String, status: TermStatus, daysLeft: Int) throws {
        let pip = try #require(term(.pipVaststelling, in: StatutoryClock.terms(for: Self.asylum, on: d(day))))
        #expect(pip.status == status)
        #expect(pip.daysLeft == daysLeft)
    }

    @Test("R1 — the due-soon window is a municipality setting (Wi2021 art. 15 lid 5; Besluit inburgering 2021 art. 5.3)")
    func dueSoonSetting() throws {
        let settings = MunicipalityLawSettings(dueSoon: DueSoonWindows(pipVaststelling: 30))
        let pip = try #require(term(.pipVaststelling, in: StatutoryClock.terms(for: Self.asylum, settings: settings, on: d("2024-03-13"))))
        #expect(pip.status == .dueSoon)
    }

    @Test("R1 — a PIP on the due date is met; a day later it is met but late; the PIP itself may be on the trigger day (Wi2021 art. 15 lid 5; Besluit inburgering 2021 art. 5.3)", arguments: [
        ("2024-04-11", false), ("2024-04-12", true), ("2024-02-01", false),
    ])
    func pipMet(pipDate: String, late: Bool) throws {
        var facts = Self.asylum
        facts.pips = [PIPFeit(dagtekening: d(pipDate), leerroute: .b1)]
        let pip = try #require(term(.pipVaststelling, in: StatutoryClock.terms(for: facts, on: d("2024-05-01"))))
        #expect(pip.status == .met)
        #expect(pip.completedOn == d(pipDate))
        #expect(pip.flags.contains(.teLaat) == late)
    }

    @Test("R1a — third-party information: at most 2 weeks after it arrives; early answers and late requests change nothing (Besluit inburgering 2021 art. 5.3)", arguments: [
        ("2024-03-20", "2024-04-05", "2024-04-19", true),  // arrives late: due = arrival + 14
        ("2024-03-01", "2024-03-25", "2024-04-11", false), // arrives early: base deadline holds
        ("2024-04-12", "2024-04-20", "2024-04-11", false), // asked after the deadline: ignored
        ("2024-04-11", "2024-04-11", "2024-04-25", true),  // asked and answered on the due date itself
    ])
    func thirdParty(asked: String, received: String, due: String, extended: Bool) throws {
        var facts = Self.asylum
        facts.wachtenOpDerden = [WachtenOpDerden(gevraagd: d(asked), ontvangen: d(received))]
        let pip = try #require(term(.pipVaststelling, in: StatutoryClock.terms(for: facts, on: d("2024-04-21"))))
        #expect(pip.due == d(due))
        #expect(pip.flags.contains(.verlengdWegensDerden) == extended)
    }

    @Test("R1a — while third-party information is awaited the term is on hold, not overdue (Besluit inburgering 2021 art. 5.3)")
    func awaiting() throws {
        var facts = Self.asylum
        facts.wachtenOpDerden = [WachtenOpDerden(gevraagd: d("2024-03-20"))]
        let waiting = try #require(term(.pipVaststelling, in: StatutoryClock.terms(for: facts, on: d("2024-04-15"))))
        #expect(waiting.status == .open && waiting.flags.contains(.wachtOpDerden))
        let plain = try #require(term(.pipVaststelling, in: StatutoryClock.terms(for: Self.asylum, on: d("2024-04-15"))))
        #expect(plain.status == .overdue && plain.daysLeft == -4)
    }

    // MARK: R2 / R10 / R7b

    static let withPIP: TrajectFacts = {
        var facts = asylum
        facts.pips = [PIPFeit(dagtekening: d("2024-05-01"), leerroute: .b1)]
        return facts
    }()

    @Test("R2 — the term runs from the day after the first PIP; a second PIP does not move it (Wi2021 art. 11)")
    func secondPIP() throws {
        var facts = Self.withPIP
        facts.pips.append(PIPFeit(dagtekening: d("2024-09-15"), leerroute: .z))
        let termijn = try #require(term(.inburgeringstermijn, in: StatutoryClock.terms(for: facts, on: d("2024-10-01"))))
        #expect(termijn.start == d("2024-05-02") && termijn.due == d("2027-05-01"))
        #expect(termijn.rule == .r2 && termijn.status == .open)
    }

    @Test("R2 — a PIP dated 29 February 2024 gives a term until 28 February 2027")
    func leapDayPIP() throws {
        var facts = Self.asylum
        facts.pips = [PIPFeit(dagtekening: d("2024-02-29"), leerroute: .b1)]
        let termijn = try #require(term(.inburgeringstermijn, in: StatutoryClock.terms(for: facts, on: d("2024-03-01"))))
        #expect(termijn.start == d("2024-03-01") && termijn.due == d("2027-02-28"))
    }

    @Test("R10 — DUO's extensions move the end, in the order decided; decisions after the day asked are not yet known (SS103/SS104; Wi2021 art. 11; DUO Inburgeringstermijn API)", arguments: [
        ("2026-06-01", "2027-05-01", false),
        ("2026-12-01", "2027-11-01", true),   // +6 months from 2 May 2027
        ("2027-03-01", "2027-12-31", true),   // DUO's new exclusive einddatum 2028-01-01
    ])
    func extensions(day: String, due: String, extended: Bool) throws {
        var facts = Self.withPIP
        facts.verlengingen = [
            TermijnVerlenging.fromDUO(besluitdatum: d("2027-02-01"), einddatumExclusief: d("2028-01-01"), grond: .ziekte, duoGrondcode: "1A"),
            TermijnVerlenging(besluitdatum: d("2026-11-15"), grond: .alfabetisering, omvang: .duur(.months(6))),
        ]
        let termijn = try #require(term(.inburgeringstermijn, in: StatutoryClock.terms(for: facts, on: d(day))))
        #expect(termijn.due == d(due))
        #expect(termijn.flags.contains(.verlengd) == extended)
        #expect(termijn.start == d("2024-05-02"))
    }

    @Test("R2 — term status: overdue after the end, met when the obligation was met, not applicable when the case ended otherwise (Wi2021 art. 11)", arguments: [
        (TrajectEinde?.none, "2027-05-02", TermStatus.overdue),
        (TrajectEinde?.none, "2027-05-01", .dueSoon),
        (TrajectEinde?.some(.examenBehaald), "2027-06-01", .met),
        (TrajectEinde?.some(.zRouteAfgerond), "2026-06-01", .met),
        (TrajectEinde?.some(.verhuisd), "2026-06-01", .notApplicable),
        (TrajectEinde?.some(.overleden), "2027-06-01", .notApplicable),
    ])
    func termStatus(einde: TrajectEinde?, day: String, status: TermStatus) throws {
        var facts = Self.withPIP
        if let einde { facts.afgesloten = TrajectAfsluiting(datum: d("2026-03-01"), einde: einde) }
        let termijn = try #require(term(.inburgeringstermijn, in: StatutoryClock.terms(for: facts, on: d(day))))
        #expect(termijn.status == status)
    }

    @Test("R7b — the 18-month switching window closes on the last day (Wi2021 art. 15)", arguments: [
        ("2025-11-01", TermStatus.dueSoon), ("2025-11-02", .notApplicable), ("2024-06-01", .open),
    ])
    func switchWindow(day: String, status: TermStatus) throws {
        let window = try #require(term(.schakelVenster, in: StatutoryClock.terms(for: Self.withPIP, on: d(day))))
        #expect(window.start == d("2024-05-02") && window.due == d("2025-11-01"))
        #expect(window.status == status)
    }

    // MARK: R12

    @Test("R12 — late-offer signal at 3 months (6 for the onderwijsroute), asylum permit holders only", arguments: [
        (Leerroute.b1, DoelgroepCategorie.asielstatushouder, "2024-08-01", String?.none, TermStatus.dueSoon),
        (.b1, .asielstatushouder, "2024-08-02", nil, .overdue),
        (.b1, .asielstatushouder, "2024-09-01", "2024-08-01", .met),
        (.z, .asielstatushouder, "2024-08-02", nil, .overdue),
        (.onderwijs, .asielstatushouder, "2024-08-02", nil, .open),
        (.onderwijs, .asielstatushouder, "2024-11-02", nil, .overdue),
    ])
    func lateOffer(route: Leerroute, categorie: DoelgroepCategorie, day: String, start: String?, status: TermStatus) throws {
        var facts = Self.withPIP
        facts.categorie = categorie
        facts.pips = [PIPFeit(dagtekening: d("2024-05-01"), leerroute: route)]
        facts.leerrouteStart = start.map(d)
        let offer = try #require(term(.aanbodStart, in: StatutoryClock.terms(for: facts, on: d(day))))
        #expect(offer.due == (route == .onderwijs ? d("2024-11-01") : d("2024-08-01")))
        #expect(offer.status == status)
        #expect(offer.rule == .r12)
    }

    @Test("R12 — gezinsmigranten get no late-offer signal; a start after the window is met but flagged late")
    func lateOfferEdges() throws {
        var family = Self.withPIP
        family.categorie = .gezinsmigrantEnOverig
        #expect(term(.aanbodStart, in: StatutoryClock.terms(for: family, on: d("2024-09-01"))) == nil)
        var late = Self.withPIP
        late.leerrouteStart = d("2024-08-02")
        let offer = try #require(term(.aanbodStart, in: StatutoryClock.terms(for: late, on: d("2024-09-01"))))
        #expect(offer.status == .met && offer.flags.contains(.teLaat))
        #expect(LateOfferRule.isTeLaat(eerstePIPDagtekening: d("2024-05-01"), route: .b1, start: d("2024-08-02"), categorie: .asielstatushouder, op: d("2024-09-01")))
        #expect(!LateOfferRule.isTeLaat(eerstePIPDagtekening: d("2024-05-01"), route: .b1, start: d("2024-08-01"), categorie: .asielstatushouder, op: d("2024-09-01")))
        #expect(!LateOfferRule.isTeLaat(eerstePIPDagtekening: d("2024-05-01"), route: .b1, start: nil, categorie: .gezinsmigrantEnOverig, op: d("2025-01-01")))
    }

    @Test("R12 — month ends: a PIP on 30 August gives a window until 30 November", arguments: [
        ("2024-08-30", "2024-11-30"), ("2024-11-30", "2025-02-28"), ("2024-02-29", "2024-05-31"),
    ])
    func lateOfferMonthEnds(pip: String, due: String) {
        #expect(LateOfferRule.venster(eerstePIPDagtekening: d(pip), route: .b1).end == d(due))
    }

    // MARK: R8

    static let onBijstand: TrajectFacts = {
        var facts = withPIP
        facts.bijstandStart = d("2024-03-15")
        return facts
    }()

    @Test("R8 — ontzorgen ends 6 months after bijstand started; reviews before it (Pw art. 56a, 57)", arguments: [
        ("2024-05-01", TermStatus.dueSoon, TermStatus.open, TermStatus.open),
        ("2024-05-15", .overdue, .open, .open),
        ("2024-09-01", .overdue, .overdue, .dueSoon),
        ("2024-09-15", .overdue, .overdue, .met),
    ])
    func ontzorgen(day: String, review1: TermStatus, review2: TermStatus, end: TermStatus) throws {
        let terms = StatutoryClock.terms(for: Self.onBijstand, on: d(day))
        let einde = try #require(term(.ontzorgenEinde, in: terms))
        #expect(einde.start == d("2024-03-15") && einde.due == d("2024-09-14"))
        #expect(einde.status == end)
        #expect(term(.ontzorgenEvaluatie, in: terms, sequence: 1)?.due == d("2024-05-14"))
        #expect(term(.ontzorgenEvaluatie, in: terms, sequence: 1)?.status == review1)
        #expect(term(.ontzorgenEvaluatie, in: terms, sequence: 2)?.start == d("2024-05-15"))
        #expect(term(.ontzorgenEvaluatie, in: terms, sequence: 2)?.status == review2)
    }

    @Test("R8a — held reviews are met; an art. 57 extension moves the end (Pw art. 57)")
    func ontzorgenHeld() throws {
        var facts = Self.onBijstand
        facts.ontzorgenEvaluaties = [d("2024-05-10"), d("2024-08-20")]
        facts.ontzorgenVerlengdTot = d("2024-12-31")
        let terms = StatutoryClock.terms(for: facts, on: d("2024-10-01"))
        #expect(term(.ontzorgenEvaluatie, in: terms, sequence: 1)?.status == .met)
        let second = try #require(term(.ontzorgenEvaluatie, in: terms, sequence: 2))
        #expect(second.status == .met && second.flags.contains(.teLaat))
        let einde = try #require(term(.ontzorgenEinde, in: terms))
        #expect(einde.due == d("2024-12-31") && einde.flags.contains(.verlengd) && einde.status == .open)
    }

    @Test("R8 — policy 'nee, tenzij' (after 6-4-2023): not applicable unless decided for the person (Pw art. 56a; Verzamelbrief 6-4-2023)")
    func ontzorgenPolicy() throws {
        let settings = MunicipalityLawSettings(ontzorgen: OntzorgenSettings(beleid: .neeTenzij))
        let off = StatutoryClock.terms(for: Self.onBijstand, settings: settings, on: d("2024-04-01"))
        #expect(term(.ontzorgenEinde, in: off)?.status == .notApplicable)
        #expect(term(.ontzorgenEvaluatie, in: off) == nil)
        var decided = Self.onBijstand
        decided.ontzorgenBesloten = true
        #expect(term(.ontzorgenEinde, in: StatutoryClock.terms(for: decided, settings: settings, on: d("2024-04-01")))?.status == .open)
        var family = Self.onBijstand
        family.categorie = .gezinsmigrantEnOverig
        #expect(term(.ontzorgenEinde, in: StatutoryClock.terms(for: family, on: d("2024-04-01"))) == nil)
    }

    // MARK: R5b

    @Test("R5b — next progress meeting: every 3 months in year 1, then 6; the PIP's cadence wins", arguments: [
        ([String](), Int?.none, "2024-05-02", "2024-08-01"),
        (["2024-07-15"], nil, "2024-07-16", "2024-10-15"),
        (["2024-07-15", "2025-06-10"], nil, "2025-06-11", "2025-12-10"),
        (["2025-05-01"], nil, "2025-05-02", "2025-08-01"), // last day of year 1: still 3 months
        (["2024-07-15"], 2, "2024-07-16", "2024-09-15"),
    ])
    func meetings(held: [String], cadence: Int?, start: String, due: String) throws {
        var facts = Self.withPIP
        facts.pips = [PIPFeit(dagtekening: d("2024-05-01"), leerroute: .b1, voortgangCadansMaanden: cadence)]
        facts.voortgangsgesprekken = held.map(d)
        let meeting = try #require(term(.voortgangsgesprek, in: StatutoryClock.terms(for: facts, on: d("2025-07-01"))))
        #expect(meeting.start == d(start) && meeting.due == d(due))
        #expect(meeting.rule == .r5b)
    }

    @Test("R5b — the municipality's cadence setting applies when the PIP is silent (Besluit inburgering 2021 art. 5.3)")
    func meetingSetting() throws {
        let settings = MunicipalityLawSettings(voortgang: VoortgangCadans(eersteJaarMaanden: 1, daarnaMaanden: 4))
        let meeting = try #require(term(.voortgangsgesprek, in: StatutoryClock.terms(for: Self.withPIP, settings: settings, on: d("2024-05-10"))))
        #expect(meeting.due == d("2024-06-01"))
    }

    // MARK: R11

    @Test("R11 — AOW age ends the obligation: shown when it falls in the horizon, met once reached (AOW art. 7a; SS128)")
    func aow() throws {
        var facts = Self.withPIP
        facts.geboortedatum = d("1960-10-01")
        let before = try #require(term(.aowLeeftijd, in: StatutoryClock.terms(for: facts, on: d("2027-05-01"))))
        #expect(before.start == d("2027-04-01") && before.due == d("2027-10-01") && before.status == .dueSoon)
        let after = try #require(term(.aowLeeftijd, in: StatutoryClock.terms(for: facts, on: d("2027-10-01"))))
        #expect(after.status == .met)
        facts.geboortedatum = d("1995-01-01")
        #expect(term(.aowLeeftijd, in: StatutoryClock.terms(for: facts, on: d("2027-05-01"))) == nil)
    }

    // MARK: whole case

    @Test("Clock — a family migrant's case has PIP, term, switching window and meetings; no R12 or R8 terms")
    func familyCase() {
        var facts = Self.withPIP
        facts.categorie = .gezinsmigrantEnOverig
        facts.bijstandStart = d("2024-03-15")
        let kinds = Set(StatutoryClock.terms(for: facts, on: d("2024-06-01")).map(\.kind))
        #expect(kinds == [.pipVaststelling, .inburgeringstermijn, .schakelVenster, .voortgangsgesprek])
    }

    @Test("Clock — asking about a past day uses only what had happened by then, and terms are sorted by due date")
    func asOf() throws {
        var facts = Self.onBijstand
        facts.pips.append(PIPFeit(dagtekening: d("2024-09-15"), leerroute: .z))
        facts.leerrouteStart = d("2024-07-01")
        let early = StatutoryClock.terms(for: facts, on: d("2024-04-20"))
        #expect(term(.inburgeringstermijn, in: early) == nil)
        #expect(term(.pipVaststelling, in: early)?.status == .overdue)
        let later = StatutoryClock.terms(for: facts, on: d("2024-06-01"))
        #expect(term(.aanbodStart, in: later)?.status == .open)
        #expect(later.map(\.due) == later.map(\.due).sorted())
        #expect(later.allSatisfy { $0.source == $0.rule.source && !$0.source.isEmpty })
    }

    // MARK: R13

    @Test("R13 — CBS delivery within 4 weeks after each quarter", arguments: [
        (2024, 1, "2024-04-01", "2024-04-28"), (2024, 2, "2024-07-01", "2024-07-28"), (2024, 3, "2024-10-01", "2024-10-28"),
        (2024, 4, "2025-01-01", "2025-01-28"),
    ])
    func cbsWindow(year: Int, quarter: Int, start: String, due: String) throws {
        let window = CBSLeveringRule.leverVenster(try #require(Kwartaal(jaar: year, nummer: quarter)))
        #expect(window == Period(start: d(start), end: d(due)))
    }

    @Test("R13 — the municipality's CBS terms: delivered quarters met, missed ones overdue, the current one due soon")
    func cbsTerms() throws {
        let q4 = try #require(Kwartaal(jaar: 2023, nummer: 4))
        let q1 = try #require(Kwartaal(jaar: 2024, nummer: 1))
        let q3 = try #require(Kwartaal(jaar: 2023, nummer: 3))
        let terms = StatutoryClock.cbsTerms(geleverd: [q3: d("2023-10-20")], vanaf: q3, on: d("2024-04-20"))
        #expect(terms.map(\.kwartaal) == [q3, q4, q1])
        #expect(terms.map(\.status) == [.met, .overdue, .dueSoon])
        #expect(terms.allSatisfy { $0.rule == .r13 })
        #expect(Kwartaal(containing: d("2024-04-20")).vorige == q1)
        #expect(Kwartaal(jaar: 2024, nummer: 5) == nil)
    }
}
