import DUO
import Foundation
import Inburgering
import Testing

@Suite("DUO events: what each one changes in a case")
struct VerwerkingTests {
    static let day = CalendarDate(iso: "2026-11-20")!
    static let plichtig = Inburgeringsplicht(indicatorInburgeringsplicht: true, begindatum: CalendarDate(iso: "2026-11-10"),
                                             datumKennisgevingInburgeringsplicht: CalendarDate(iso: "2026-11-12"))
    static let statushouder = DoelgroepInfo(indeling: "Asielstatushouder", gedetailleerdeDoelgroep: .asielstatushouder)
    static let open = DUOCaseState(exists: true, doelgroep: .asielstatushouder, kennisgeving: CalendarDate(iso: "2026-11-12"))

    static func pulled(plicht: Inburgeringsplicht? = plichtig, doelgroep: DoelgroepInfo? = statushouder) -> DUOPulled {
        var p = DUOPulled()
        p.plicht = plicht
        p.doelgroep = doelgroep
        return p
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let event: Gebeurtenis
        let pulled: DUOPulled
        let current: DUOCaseState
        let expected: DUOPlan
        var testDescription: String { event.rawValue }
    }

    static let cases: [Case] = [
        // SS101: a new obligation opens the case, sets the kennisgeving (R1's start) and asks for an intake.
        Case(event: .nieuwePlicht, pulled: pulled(), current: .none,
             expected: .apply([.openCase(.asielstatushouder), .setKennisgeving(CalendarDate(iso: "2026-11-12")!), .task(.planIntake)])),
        // The same event again on the existing case changes nothing but the task (idempotent state).
        Case(event: .nieuwePlicht, pulled: pulled(), current: open, expected: .apply([.task(.planIntake)])),
        // SS139 starts the 10-week PIP term on the notified day (R1).
        Case(event: .pipTermijnGestart, pulled: pulled(), current: open, expected: .apply([.setTienWekenStart(day), .task(.planIntake)])),
        // SS128: AOW within 6 months: a case, and a task to assess.
        Case(event: .plichtMetAOWBinnenZesMaanden, pulled: pulled(), current: .none,
             expected: .apply([.openCase(.asielstatushouder), .setKennisgeving(CalendarDate(iso: "2026-11-12")!), .task(.aowBinnenZesMaanden)])),
        // SS124: the target group changed (R0: rights change).
        Case(event: .doelgroepNaarGezinsmigrant, pulled: pulled(doelgroep: DoelgroepInfo(indeling: "Gezinsmigrant en overige migrant", gedetailleerdeDoelgroep: .gezinsvormer)),
             current: open, expected: .apply([.setDoelgroep(.gezinsvormer), .task(.doelgroepGewijzigd)])),
        // SS110: obligation withdrawn closes the case on DUO's end date.
        Case(event: .plichtIngetrokken,
             pulled: pulled(plicht: Inburgeringsplicht(indicatorInburgeringsplicht: false, einddatum: CalendarDate(iso: "2026-11-18"), redenGeenInburgeringsplicht: .overig)),
             current: open, expected: .apply([.close(.plichtVervallen, datum: CalendarDate(iso: "2026-11-18")!), .task(.dossierAfronden)])),
        // SS111: deceased.
        Case(event: .overleden, pulled: pulled(plicht: Inburgeringsplicht(indicatorInburgeringsplicht: false, redenGeenInburgeringsplicht: .overleden)),
             current: open, expected: .apply([.close(.overleden, datum: day), .task(.dossierAfronden)])),
        // SS106 on a Z-route case ends as "Z-route completed".
        Case(event: .diplomaBehaald, pulled: pulled(plicht: Inburgeringsplicht(indicatorInburgeringsplicht: false, einddatum: day, redenGeenInburgeringsplicht: .voldaan), doelgroep: nil),
             current: DUOCaseState(exists: true, doelgroep: .asielstatushouder, kennisgeving: CalendarDate(iso: "2026-11-12"), leerroute: .z),
             expected: .apply([.close(.zRouteAfgerond, datum: day), .task(.dossierAfronden)])),
        // SS131 before the case exists waits (out of order); it never creates a case.
        Case(event: .lbtResultaat, pulled: DUOPulled(), current: .none, expected: .waitForCase),
        // SS101 for someone DUO says is not obliged: nothing to do.
        Case(event: .nieuwePlicht, pulled: pulled(plicht: Inburgeringsplicht(indicatorInburgeringsplicht: false)), current: .none, expected: .nothingToDo),
        // SS126: 10 weeks without a route: an urgent task.
        Case(event: .tienWekenZonderLeerroute, pulled: DUOPulled(), current: open, expected: .apply([.task(.pipTeLaat)])),
        // SS102: the term as DUO registered it (einddatum exclusive → last day the day before).
        Case(event: .termijnGestart, pulled: { var p = DUOPulled(); p.termijn = DUOTermijn(startdatum: CalendarDate(iso: "2026-11-20")!, einddatum: CalendarDate(iso: "2029-11-20")!); return p }(),
             current: open, expected: .apply([.setTermijn(start: CalendarDate(iso: "2026-11-20")!, laatsteDag: CalendarDate(iso: "2029-11-19")!)])),
    ]

    @Test("Each event gives its updates", arguments: cases)
    func plans(_ c: Case) {
        #expect(DUOVerwerking.plan(c.event, notified: Self.day, pulled: c.pulled, current: c.current) == c.expected)
    }

    @Test("An LBT result is recorded once, by its test date (SS131)")
    func lbtOnce() {
        var pulled = DUOPulled()
        pulled.lbtResultaten = [LBTResultaat(resultaat: "B1-route niet haalbaar", behaaldeScore: "26,00", benodigdeScore: "28,00", datumAfname: CalendarDate(iso: "2026-11-18")!)]
        let fresh = DUOVerwerking.plan(.lbtResultaat, notified: Self.day, pulled: pulled, current: Self.open)
        #expect(fresh == .apply([.recordLBT(datum: CalendarDate(iso: "2026-11-18")!, score: 26), .task(.leerrouteKiezen)]))
        var known = Self.open
        known.lbtDates = [CalendarDate(iso: "2026-11-18")!]
        #expect(DUOVerwerking.plan(.lbtResultaat, notified: Self.day, pulled: pulled, current: known) == .apply([.task(.leerrouteKiezen)]))
    }

    @Test("DUO's scores read as whole points", arguments: [("26,00", 26), ("7,50", 7), ("100,00", 100)] as [(String, Int)])
    func scores(text: String, score: Int) {
        #expect(DUOScore.parse(text) == score)
    }

    @Test("Malformed scores are refused", arguments: ["26", "26.00", ",00", "1234,00", "ab,cd"])
    func badScores(text: String) {
        #expect(DUOScore.parse(text) == nil)
    }

    @Test("Every event DUO's overview lists is known, and every event names what to pull")
    func catalogue() {
        let overview = ["SS101", "SS128", "SS139", "SS102", "SS103", "SS104", "SS106", "SS107", "SS108", "SS109", "SS110", "SS111", "SS113",
                        "SS114", "SS115", "SS116", "SS117", "SS118", "SS119", "SS120", "SS121", "SS124", "SS125", "SS129", "SS130", "SS131", "SS137"]
        for id in overview { #expect(Gebeurtenis(id: id) != nil, "\(id)") }
        #expect(Gebeurtenis(id: "SS999") == nil)
        for event in Gebeurtenis.allCases where event != .tienWekenZonderLeerroute && event != .adviesBIOGevraagd {
            #expect(!event.pulls.isEmpty, "\(event.rawValue)")
        }
    }

    @Test("Reconciliation names each difference and nothing that matches")
    func reconciliation() {
        let regie = RegieFacts(open: true, doelgroep: .asielstatushouder, pipDagtekening: CalendarDate(iso: "2026-12-01"), pipLeerroute: .b1,
                               termijnStart: CalendarDate(iso: "2026-12-01"))
        let same = DUOGemeentePIP(gemeentecode: "0988", pip: DUOPIPBericht(dagtekeningPip: CalendarDate(iso: "2026-12-01")!, leerroute: "B", niveau: "B1"))
        #expect(DUOAfstemming.compare(regie, plicht: Self.plichtig, doelgroep: Self.statushouder, pip: same, pipPulled: true,
                                      termijn: DUOTermijn(startdatum: CalendarDate(iso: "2026-12-01")!, einddatum: CalendarDate(iso: "2029-12-01")!)).isEmpty)
        let differences = DUOAfstemming.compare(
            regie, plicht: Inburgeringsplicht(indicatorInburgeringsplicht: false), doelgroep: DoelgroepInfo(gedetailleerdeDoelgroep: .gezinsvormer),
            pip: nil, pipPulled: true, termijn: DUOTermijn(startdatum: CalendarDate(iso: "2026-11-01")!, einddatum: CalendarDate(iso: "2029-11-01")!))
        #expect(differences.map(\.key) == ["plicht", "doelgroep", "pip", "termijn"])
        // A PIP never pulled is not a difference.
        #expect(DUOAfstemming.compare(regie, plicht: nil, doelgroep: nil, pip: nil, pipPulled: false, termijn: nil).isEmpty)
    }

    @Test("A PIP message round-trips to the law module's submission for DUO's rules (R6)")
    func pipMessage() throws {
        let submission = PIPSubmission(dagtekening: CalendarDate(iso: "2026-12-01")!, leerroute: .b1, niveau: .b1, geschatteIntensiteitB1Route: 600)
        let bericht = DUOPIPBericht(submission)
        #expect(bericht.leerroute == "B")
        let json = String(decoding: try DUOJSON.encode(bericht), as: UTF8.self)
        #expect(json == #"{"dagtekeningPip":"2026-12-01","geschatteIntensiteitB1Route":600,"leerroute":"B","niveau":"B1"}"#)
        #expect(try DUOJSON.decode(DUOPIPBericht.self, from: Data(json.utf8)).submission == submission)
    }
}
