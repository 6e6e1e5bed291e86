import Testing
@testable import Inburgering

/// A PIP with every R5 element filled in.
func completePIP(_ route: Leerroute = .b1, on date: String = "2024-05-01") -> PIP {
    PIP(dagtekening: d(date), leerroute: route, niveau: route == .z ? nil : .b1,
        begeleiding: "Klantregisseur, maandelijks contact", ondersteuning: "Kinderopvang tijdens lessen",
        pvt: PVTAfspraak(invulling: "Groepstraject met excursie", uren: 12),
        map: route == .onderwijs ? nil : MAPAfspraak(invulling: "Werkstage", praktijkuren: 40),
        vve: .nietVanToepassing, aantalVoortgangsgesprekken: 6, einddoel: .werk, bevatBezwaarclausule: true)
}

@Suite("R5/R6 — PIP content and DUO's PIP validation")
struct PIPTests {
    @Test("R5 — a complete PIP has no gaps, for every route (Wi2021 art. 15; Besluit art. 5.3)", arguments: Leerroute.allCases)
    func complete(route: Leerroute) {
        #expect(PIPContentRule.gebreken(completePIP(route), toets: nil).isEmpty)
    }

    @Test("R5 — an empty PIP lacks guidance, PVT, MAP, VVE, meetings, goal and the bezwaar clause (Wi2021 art. 15)")
    func empty() {
        let gaps = PIPContentRule.gebreken(PIP(dagtekening: d("2024-05-01"), leerroute: .b1), toets: nil)
        #expect(gaps == [.geenBegeleidingOfOndersteuning, .geenPVT, .geenMAP, .geenVVEAfspraak,
                         .geenVoortgangsgesprekken, .geenEinddoel, .geenBezwaarclausule])
        #expect(gaps.allSatisfy { $0.rule == .r5 && !$0.melding.isEmpty })
    }

    @Test("R7d — PVT under 12 hours, MAP under 40 practice hours, MAP on the onderwijsroute")
    func hoursInPIP() {
        var pip = completePIP(.b1)
        pip.pvt = PVTAfspraak(invulling: "kort", uren: 11)
        pip.map = MAPAfspraak(invulling: "kort", praktijkuren: 39)
        #expect(PIPContentRule.gebreken(pip, toets: nil) == [.pvtMinderDanMinimum(uren: 11), .mapMinderDanMinimum(praktijkuren: 39)])
        var education = completePIP(.onderwijs)
        education.map = MAPAfspraak(invulling: "stage", praktijkuren: 40)
        #expect(PIPContentRule.gebreken(education, toets: nil) == [.mapBijOnderwijsroute])
        #expect(PIPInhoudGebrek.mapBijOnderwijsroute.rule == .r7d)
    }

    @Test("R4 — a Z-route despite a feasible LBT without a reason is a content gap (Besluit, nvt art. 2.3.3)")
    func deviationGap() {
        let toets = Leerbaarheidstoets(datumAfname: d("2024-02-01"), score: LBTScore(33))
        let gaps = PIPContentRule.gebreken(completePIP(.z), toets: toets)
        #expect(gaps == [.afwijkingZonderMotivering(.omlaag)])
        #expect(gaps.first?.rule == .r4)
    }

    @Test("R5 — a missing level means B1 for the B1- and onderwijsroute (DUO PIP API)", arguments: [
        (Leerroute.b1, Taalniveau?.none, Taalniveau?.some(.b1)), (.onderwijs, nil, .b1), (.z, nil, nil), (.b1, .a2, .a2),
    ])
    func effectiveLevel(route: Leerroute, niveau: Taalniveau?, expected: Taalniveau?) {
        #expect(PIP(dagtekening: d("2024-05-01"), leerroute: route, niveau: niveau).effectiefNiveau == expected)
    }

    @Test("R5a — statutory intake topics missing; VVE only with young children (Wi2021 art. 14 lid 3; Besluit art. 5.2)")
    func intakeTopics() {
        let intake = BredeIntake(gesprekken: [
            IntakeGesprek(datum: d("2024-02-01"), onderwerpen: [.opleidingEnWerkervaring, .taalniveau, .gezinssituatie]),
            IntakeGesprek(datum: d("2024-02-01"), onderwerpen: [.arbeidsparticipatie], metTolk: true),
        ])
        #expect(BredeIntakeRule.ontbrekendeOnderwerpen(intake, heeftJongeKinderen: false) == [.persoonlijkeOmstandighedenEnGezondheid, .zelfredzaamheid])
        #expect(BredeIntakeRule.ontbrekendeOnderwerpen(intake, heeftJongeKinderen: true) == [.persoonlijkeOmstandighedenEnGezondheid, .voorschoolseEducatie, .zelfredzaamheid])
        #expect(!IntakeOnderwerp.sociaalNetwerk.isWettelijk)
    }

    // MARK: R6

    static let asylumFirst = PIPValidationContext(startInburgeringsplicht: d("2024-01-10"), vestigingInGemeente: d("2024-02-01"), categorie: .asielstatushouder)

    @Test("R6 — DUO's date rules: not before the obligation or the settling in the municipality (DUO PIP API)", arguments: [
        ("2024-01-09", ["R6.1", "R6.2"]), ("2024-01-10", ["R6.2"]), ("2024-01-31", ["R6.2"]), ("2024-02-01", []), ("2024-06-01", []),
    ])
    func firstPIPDates(date: String, codes: [String]) {
        let pip = PIPSubmission(dagtekening: d(date), leerroute: .b1)
        #expect(PIPValidator.validate(pip, context: Self.asylumFirst).map(\.code) == codes)
    }

    @Test("R6 — a new version may not be dated before the initial or current PIP; same day is allowed (DUO PIP API)", arguments: [
        ("2024-03-31", ["R6.3", "R6.4"]), ("2024-04-30", ["R6.4"]), ("2024-05-01", []), ("2024-09-01", []),
    ])
    func laterVersionDates(date: String, codes: [String]) {
        var context = Self.asylumFirst
        context.dagtekeningInitielePIP = d("2024-04-01")
        context.dagtekeningHuidigePIP = d("2024-05-01")
        #expect(PIPValidator.validate(PIPSubmission(dagtekening: d(date), leerroute: .b1), context: context).map(\.code) == codes)
    }

    @Test("R6 — route/level combinations (DUO PIP API: NiveauPip A2/B1)", arguments: [
        (Leerroute.onderwijs, Taalniveau.a2, true, ["R6.6"]),
        (.onderwijs, .b1, true, []),
        (.z, .b1, true, ["R6.7"]),
        (.z, .a2, true, []),
        (.b1, .a2, true, ["R6.8"]),  // first PIP: no A2 on the B1-route
        (.b1, .a2, false, []),        // a later PIP may lower to A2
        (.b1, .b1, true, []),
        (.b1, .a1, true, ["R6.5"]),
        (.onderwijs, .b2, false, ["R6.5"]),
    ])
    func levels(route: Leerroute, niveau: Taalniveau, first: Bool, codes: [String]) {
        var context = Self.asylumFirst
        if !first { context.dagtekeningInitielePIP = d("2024-03-01"); context.dagtekeningHuidigePIP = d("2024-03-01") }
        let pip = PIPSubmission(dagtekening: d("2024-05-01"), leerroute: route, niveau: niveau)
        #expect(PIPValidator.validate(pip, context: context).map(\.code) == codes)
    }

    @Test("R6 — geschatteIntensiteitB1Route only for the B1-route and asylum permit holders, 1…9999 (DUO PIP API)", arguments: [
        (Leerroute.b1, DoelgroepCategorie.asielstatushouder, 600, [String]()),
        (.b1, .gezinsmigrantEnOverig, 600, ["R6.10"]),
        (.z, .asielstatushouder, 600, ["R6.9"]),
        (.onderwijs, .gezinsmigrantEnOverig, 600, ["R6.9", "R6.10"]),
        (.b1, .asielstatushouder, 0, ["R6.11"]),
        (.b1, .asielstatushouder, 10000, ["R6.11"]),
        (.b1, .asielstatushouder, 9999, []),
        (.b1, .asielstatushouder, 1, []),
    ])
    func intensity(route: Leerroute, categorie: DoelgroepCategorie, hours: Int, codes: [String]) {
        var context = Self.asylumFirst
        context.categorie = categorie
        let pip = PIPSubmission(dagtekening: d("2024-05-01"), leerroute: route, geschatteIntensiteitB1Route: hours)
        #expect(PIPValidator.validate(pip, context: context).map(\.code) == codes)
    }

    @Test("R6 — a PIP can be deleted only before the term is set (DUO PIP API, DELETE)")
    func deletion() {
        #expect(PIPValidator.validateDeletion(termijnVastgesteld: false).isEmpty)
        #expect(PIPValidator.validateDeletion(termijnVastgesteld: true) == [.verwijderenNaStartTermijn])
    }

    @Test("R6 — every violation names rule R6, a unique code, a Dutch and an English message (DUO PIP API)")
    func messages() {
        let all: [PIPViolation] = [
            .dagtekeningVoorStartInburgeringsplicht(dagtekening: d("2024-01-01"), start: d("2024-01-02")),
            .dagtekeningVoorVestiging(dagtekening: d("2024-01-01"), vestiging: d("2024-01-02")),
            .dagtekeningVoorInitielePIP(dagtekening: d("2024-01-01"), initieel: d("2024-01-02")),
            .dagtekeningVoorHuidigePIP(dagtekening: d("2024-01-01"), huidig: d("2024-01-02")),
            .niveauNietToegestaan(.a1), .a2BijOnderwijsroute, .b1BijZRoute, .a2BijB1RouteEerstePIP,
            .intensiteitAlleenBijB1Route(.z), .intensiteitAlleenVoorAsielstatushouder, .intensiteitBuitenBereik(0),
            .verwijderenNaStartTermijn,
        ]
        #expect(Set(all.map(\.code)).count == all.count)
        #expect(all.allSatisfy { $0.rule == .r6 && !$0.melding.isEmpty && !$0.message.isEmpty && $0.source.contains("DUO") })
        #expect(all[0].melding.contains("2024-01-01") && all[0].melding.contains("2024-01-02"))
    }

    @Test("R6 — a PIPSubmission carries exactly the DUO fields of a PIP version (DUO PIP API)")
    func submission() {
        var pip = completePIP(.b1)
        pip.geschatteIntensiteitB1Route = 700
        pip.alfabetisering = .nietVanToepassing
        let submission = PIPSubmission(pip)
        #expect(submission == PIPSubmission(dagtekening: d("2024-05-01"), leerroute: .b1, niveau: .b1,
                                            geschatteIntensiteitB1Route: 700, alfabetisering: .nietVanToepassing))
        #expect(Leerroute(duoCode: "O") == .onderwijs && Leerroute.z.duoCode == "Z" && Leerroute(duoCode: "X") == nil)
    }
}

@Suite("R5a — brede intake topics")
struct BredeIntakeTopicTests {
    static let day = CalendarDate(year: 2026, month: 11, day: 18)!

    @Test("A child under 4 makes pre-school education a statutory topic; a 4-year-old or an unborn date does not (Wi2021 art. 14 lid 3)",
          arguments: [("2022-11-19", true), ("2022-11-18", false), ("2025-01-01", true), ("2026-11-19", false), ("2010-05-05", false)])
    func youngChildren(birth: String, expected: Bool) {
        #expect(BredeIntakeRule.heeftJongeKinderen(geboortedata: [CalendarDate(iso: birth)!], op: Self.day) == expected)
    }

    @Test("Topics covered by answers count like topics discussed; VVE only with young children")
    func missingFromCovered() {
        let covered: Set<IntakeOnderwerp> = [.opleidingEnWerkervaring, .taalniveau, .arbeidsparticipatie]
        #expect(BredeIntakeRule.ontbrekendeOnderwerpen(besproken: covered, heeftJongeKinderen: false) == [.persoonlijkeOmstandighedenEnGezondheid, .zelfredzaamheid])
        #expect(BredeIntakeRule.ontbrekendeOnderwerpen(besproken: covered, heeftJongeKinderen: true).contains(.voorschoolseEducatie))
    }
}
