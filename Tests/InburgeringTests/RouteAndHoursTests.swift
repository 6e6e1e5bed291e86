import Testing
@testable import Inburgering

@Suite("R7 — routes, switching, afschalen and hours")
struct RouteAndHoursTests {
    @Test("R7 — what each route consists of (Wi2021 art. 7–9)")
    func components() {
        #expect(LeerrouteRules.onderdelen(.b1).examens == [.lezen, .luisteren, .schrijven, .spreken, .knm])
        #expect(LeerrouteRules.onderdelen(.b1).map && LeerrouteRules.onderdelen(.b1).pvt)
        #expect(!LeerrouteRules.onderdelen(.onderwijs).map && LeerrouteRules.onderdelen(.onderwijs).pvt)
        #expect(LeerrouteRules.onderdelen(.z).doelniveau == .a1 && LeerrouteRules.onderdelen(.z).examens.isEmpty)
        #expect(LeerrouteRules.toegestaneNiveaus(.b1, eerstePIP: true) == [.b1])
        #expect(LeerrouteRules.toegestaneNiveaus(.b1, eerstePIP: false) == [.a2, .b1])
    }

    @Test("R7a — afschalen to A2 only on the B1-route after ≥ 600 course hours (Besluit inburgering 2021 art. 5.5)", arguments: [
        (Leerroute.b1, 599, AfschalenOordeel.teWeinigCursusuren(gevolgd: 599, nodig: 600)),
        (.b1, 600, .toegestaan),
        (.b1, 950, .toegestaan),
        (.z, 900, .nietB1Route(.z)),
        (.onderwijs, 900, .nietB1Route(.onderwijs)),
    ])
    func afschalen(route: Leerroute, hours: Int, expected: AfschalenOordeel) {
        #expect(LeerrouteRules.afschalen(route: route, gevolgdeCursusuren: hours) == expected)
    }

    @Test("R7a — course hours during the brede intake do not count towards afschalen (DUO GevolgdeUren)")
    func intakeHoursDoNotCount() {
        let hours = [
            UrenRegistratie(datum: d("2024-03-01"), soort: .cursus, uren: 100, tijdensBredeIntake: true),
            UrenRegistratie(datum: d("2024-09-01"), soort: .cursus, uren: 550),
            UrenRegistratie(datum: d("2024-09-01"), soort: .participatie, uren: 80),
        ]
        #expect(UrenRules.routeCursusuren(hours) == 550)
        #expect(LeerrouteRules.afschalen(route: .b1, gevolgdeCursusuren: UrenRules.routeCursusuren(hours)) != .toegestaan)
    }

    @Test("R7b — switching route only within 18 months of the term's start (Wi2021 art. 15)", arguments: [
        ("2024-05-02", "2025-11-01", "2025-11-02"),
        ("2024-08-31", "2026-02-28", "2026-03-01"), // 31 Feb does not exist
        ("2024-03-01", "2025-08-31", "2025-09-01"),
    ])
    func switching(termStart: String, lastDay: String, firstDayTooLate: String) {
        #expect(LeerrouteRules.schakelVenster(termijnStart: d(termStart)).end == d(lastDay))
        let check = { (day: CalendarDate) in
            PIPWijzigingRule.gebreken([.schakelen(van: .b1, naar: .z)], ingangsdatum: day, termijnStart: d(termStart), routeCursusuren: 0).isEmpty
        }
        #expect(check(d(lastDay)))
        #expect(!check(d(firstDayTooLate)))
        // A version dated on the first PIP's own day (the day before the term starts) is not too late.
        #expect(check(d(termStart).adding(days: -1)))
    }

    @Test("R7e — onderwijsroute advised below the age limit, default 27, configurable", arguments: [
        ("2025-04-30", 27, true), ("2025-05-01", 27, false), ("2025-05-01", 30, true),
    ])
    func educationAge(day: String, limit: Int, advised: Bool) {
        let settings = MunicipalityLawSettings(onderwijsrouteLeeftijdsgrens: limit)
        #expect(LeerrouteRules.onderwijsrouteAanbevolen(geboortedatum: d("1998-05-01"), op: d(day), settings: settings) == advised)
    }

    @Test("R7c — Z-route for an asylum permit holder: 800 course + 800 participation hours (Wi2021 art. 9; Besluit art. 3.14)", arguments: [
        (800, 800, true), (799, 800, false), (800, 799, false), (1000, 900, true),
    ])
    func zRouteAsylum(course: Int, participation: Int, met: Bool) {
        let hours = [
            UrenRegistratie(datum: d("2024-06-01"), soort: .cursus, uren: course),
            UrenRegistratie(datum: d("2024-02-01"), soort: .participatie, uren: 100, tijdensBredeIntake: true), // counts
            UrenRegistratie(datum: d("2024-06-01"), soort: .participatie, uren: participation - 100),
        ]
        let progress = UrenRules.zRouteVoortgang(hours, categorie: .asielstatushouder)
        #expect(progress.participatieNorm == 800 && progress.cursusNorm == 800)
        #expect(progress.participatieuren == participation)
        #expect(progress.urenVoldaan == met)
    }

    @Test("R7c — Z-route for a gezinsmigrant: 800 course hours; participation hours only when the municipality requires them", arguments: [
        (Int?.none, 0, true), (Int?.some(400), 399, false), (Int?.some(400), 400, true),
    ])
    func zRouteFamily(required: Int?, participation: Int, met: Bool) {
        let hours = [UrenRegistratie(datum: d("2024-06-01"), soort: .cursus, uren: 800),
                     UrenRegistratie(datum: d("2024-06-01"), soort: .participatie, uren: participation)]
        let settings = MunicipalityLawSettings(zRouteParticipatieurenGezinsmigrant: required)
        let progress = UrenRules.zRouteVoortgang(hours, categorie: .gezinsmigrantEnOverig, settings: settings)
        #expect(progress.participatieNorm == required)
        #expect(progress.urenVoldaan == met)
    }

    @Test("R7c — school hours (praktijkonderwijs/vso/entree) count from 1-7-2025, not the day before (law by date)", arguments: [
        ("2025-06-30", 0, 100), ("2025-07-01", 100, 0), ("2026-01-15", 100, 0),
    ])
    func schoolHours(day: String, counted: Int, excluded: Int) {
        let hours = [UrenRegistratie(datum: d(day), soort: .schoolPraktijkVsoEntree, uren: 100)]
        let progress = UrenRules.zRouteVoortgang(hours, categorie: .asielstatushouder)
        #expect(progress.cursusuren == counted)
        #expect(progress.nietMeetellendeSchooluren == excluded)
    }

    @Test("R7c — a medical ontheffing caps participation hours; 0 means none required (DUO Ontheffing API)", arguments: [
        (Int?.some(200), Int?.some(200)), (Int?.some(0), Int?.none), (Int?.some(1200), Int?.some(800)), (Int?.none, Int?.some(800)),
    ])
    func ontheffingCap(cap: Int?, norm: Int?) {
        #expect(UrenRules.zRouteVoortgang([], categorie: .asielstatushouder, participatieMaximum: cap).participatieNorm == norm)
    }

    @Test("R7d — MAP needs ≥ 40 practice hours and a final interview; PVT ≥ 12 hours and signing")
    func mapPvt() {
        let hours = [UrenRegistratie(datum: d("2024-06-01"), soort: .mapPraktijk, uren: 40),
                     UrenRegistratie(datum: d("2024-06-01"), soort: .pvt, uren: 11)]
        #expect(!UrenRules.mapVoortgang(hours).voldaan)
        #expect(UrenRules.mapVoortgang(hours).urenVoldaan)
        #expect(UrenRules.mapVoortgang(hours, afronding: RouteAfronding(mapEindgesprek: d("2024-07-01"))).voldaan)
        #expect(!UrenRules.mapVoortgang(Array(hours.prefix(0)), afronding: RouteAfronding(mapEindgesprek: d("2024-07-01"))).voldaan)
        #expect(!UrenRules.pvtVoortgang(hours, afronding: RouteAfronding(pvtOndertekend: d("2024-07-01"))).voldaan)
        let twelve = hours + [UrenRegistratie(datum: d("2024-06-02"), soort: .pvt, uren: 1)]
        #expect(UrenRules.pvtVoortgang(twelve, afronding: RouteAfronding(pvtOndertekend: d("2024-07-01"))).voldaan)
    }
}
