import Foundation
import Testing
import Inburgering
@testable import DUO
@testable import DUOClient
@testable import DUOSimulator

// The DUO simulator must refuse what DUO refuses and answer what DUO answers (DUO's published OpenAPI
// descriptions and its PIP validation rules, R6), so that Regie is tested against a faithful counterpart.

private let duoOIN = "00000009999999999000"
private let oin0988 = "00000009000009880000"
private let oin1706 = "00000009000017060000"
private let anyBerichtId = "8f14e45f-ceea-467f-a8a6-2f1d3c4b5a61"
/// 11:00 in Amsterdam on 10 March 2025.
private let simNow = Date(timeIntervalSince1970: 1_741_600_800)
private let simToday = day("2025-03-10")

private let fullBSN = DUOSimulator.bsn(seed: 1)
private let freshBSN = DUOSimulator.bsn(seed: 2)
private let migrantBSN = DUOSimulator.bsn(seed: 3)

private func day(_ iso: String) -> CalendarDate {
    guard let date = CalendarDate(iso: iso) else { fatalError("bad test date \(iso)") }
    return date
}

private func duoHeaders(bron: String? = oin0988, doel: String? = duoOIN, berichtId: String? = anyBerichtId) -> [String: String] {
    var headers: [String: String] = [:]
    if let bron { headers["Bron"] = bron }
    if let doel { headers["Doel"] = doel }
    if let berichtId { headers["BerichtId"] = berichtId }
    return headers
}

/// An asylum permit holder in 0988 with something registered for every pull.
private func fullPerson() -> SimPerson {
    let begin = day("2025-01-01")
    return SimPerson(
        bsn: fullBSN, vNummer: 9_000_000_042, gemeentecode: "0988", vestiging: day("2025-01-15"),
        plicht: Inburgeringsplicht(indicatorInburgeringsplicht: true, begindatum: begin, wijzigingsdatum: day("2025-01-04"),
                                   datumKennisgevingInburgeringsplicht: day("2025-01-04")),
        plichtHistorie: [PlichtHistorie(indicatorInburgeringsplicht: true, begindatum: begin)],
        doelgroep: DoelgroepInfo(indeling: "Asielstatushouder", begindatum: begin, gedetailleerdeDoelgroep: .asielstatushouder),
        doelgroepHistorie: [DoelgroepHistorie(indeling: "Asielstatushouder", begindatum: begin)],
        termijn: DUOTermijn(startdatum: day("2025-02-02"), einddatum: day("2028-02-02")),
        termijnHistorie: [DUOTermijnHistorie(einddatum: day("2028-02-02"), wijzigingsdatum: day("2025-02-01"))],
        lbt: [LBTResultaat(resultaat: "B1-route haalbaar", behaaldeScore: "30,00", benodigdeScore: "28,00", datumAfname: day("2025-01-20"))],
        examennummer: "LBT000000042",
        vrijstellingen: [DUOVrijstelling(GedeeltelijkeVrijstelling: .init(oordeel: .toekenning, reden: "GED", datumOordeel: day("2025-02-10"),
                                                                         examenonderdeel: "LE", examenniveau: "B1"))],
        ontheffingen: [DUOOntheffing(GedeeltelijkeOntheffing: .init(oordeel: .afwijzing, datumOordeel: day("2025-02-12"), grond: "MED",
                                                                   examenonderdeel: "SP"))],
        examens: [DUOExamenresultaat(examendatum: day("2025-03-01"), resultaat: "Geslaagd", onderdeel: "KNM")],
        pip: DUOGemeentePIP(gemeentecode: "0988", pip: DUOPIPBericht(dagtekeningPip: day("2025-02-01"), leerroute: "B", niveau: "B1")),
        initialPIPDate: day("2025-02-01"))
}

/// An asylum permit holder in 0988 without a PIP: obligation from 1 January, settled on 15 January.
private func freshPerson() -> SimPerson {
    let begin = day("2025-01-01")
    return SimPerson(bsn: freshBSN, gemeentecode: "0988", vestiging: day("2025-01-15"),
                     plicht: Inburgeringsplicht(indicatorInburgeringsplicht: true, begindatum: begin),
                     doelgroep: DoelgroepInfo(indeling: "Asielstatushouder", begindatum: begin, gedetailleerdeDoelgroep: .asielstatushouder))
}

/// A family migrant in 0988 without a PIP.
private func migrantPerson() -> SimPerson {
    let begin = day("2025-01-01")
    return SimPerson(bsn: migrantBSN, gemeentecode: "0988", vestiging: begin,
                     plicht: Inburgeringsplicht(indicatorInburgeringsplicht: true, begindatum: begin),
                     doelgroep: DoelgroepInfo(indeling: "Gezinsmigrant en overige migrant", begindatum: begin, gedetailleerdeDoelgroep: .gezinsvormer))
}

private func makeSimulator() async -> DUOSimulator {
    let simulator = DUOSimulator(duoOIN: duoOIN, municipalities: [oin0988: "0988", oin1706: "1706"], now: { simNow })
    await simulator.seed(fullPerson())
    await simulator.seed(freshPerson())
    await simulator.seed(migrantPerson())
    return simulator
}

private func call(_ simulator: DUOSimulator, _ method: String, _ path: String, headers: [String: String] = duoHeaders(), json: String? = nil) async -> SimResponse {
    await simulator.handle(method: method, path: path, headers: headers, body: json.map { Data($0.utf8) })
}

/// The rule codes DUO's texts start with ("R6.2: …").
private func ruleCodes(_ response: SimResponse) -> [String] {
    response.foutmeldingen.map { String($0.fouttekst.prefix { $0 != ":" }) }
}

/// What a pull of the seeded person must give, as Regie stores it.
private func seeded(_ pull: DUOPull, _ p: SimPerson) -> DUOPulled {
    var pulled = DUOPulled()
    switch pull {
    case .inburgeringsplicht: pulled.plicht = p.plicht
    case .plichtHistorie: pulled.plichtHistorie = p.plichtHistorie
    case .doelgroep: pulled.doelgroep = p.doelgroep
    case .doelgroepHistorie: pulled.doelgroepHistorie = p.doelgroepHistorie
    case .termijn: pulled.termijn = p.termijn
    case .termijnHistorie: pulled.termijnHistorie = p.termijnHistorie
    case .lbtResultaten: pulled.lbtResultaten = p.lbt
    case .lbtExamennummer: pulled.lbtExamennummer = p.examennummer.map(LBTExamennummer.init(examennummer:))
    case .vrijstellingen: pulled.vrijstellingen = p.vrijstellingen
    case .ontheffingen: pulled.ontheffingen = p.ontheffingen
    case .examens: pulled.examens = p.examens
    case .pip: pulled.pip = p.pip
    }
    return pulled
}

@Suite("DUO simulator — headers, paths and status codes as DUO's API descriptions give them")
struct SimulatorRequestTests {
    @Test("Bron, Doel, BerichtId: missing or malformed is 400, an unknown municipality or a Doel other than DUO is 403 (parameters of every DUO API)",
          arguments: [
              ("no Bron", duoHeaders(bron: nil), 400),
              ("Bron of 19 characters", duoHeaders(bron: String(oin0988.dropLast())), 400),
              ("no Doel", duoHeaders(doel: nil), 400),
              ("Doel of 21 characters", duoHeaders(doel: duoOIN + "0"), 400),
              ("no BerichtId", duoHeaders(berichtId: nil), 400),
              ("BerichtId not a UUID", duoHeaders(berichtId: "bericht-1"), 400),
              ("Bron not a known municipality", duoHeaders(bron: "00000001234567890000"), 403),
              ("Doel is a municipality, not DUO", duoHeaders(doel: oin1706), 403),
              ("header names in lower case", ["bron": oin0988, "doel": duoOIN, "berichtid": anyBerichtId], 200),
              ("header names in upper case", ["BRON": oin0988, "DOEL": duoOIN, "BERICHTID": anyBerichtId], 200),
          ])
    func headers(_ name: String, _ headers: [String: String], _ status: Int) async {
        let simulator = await makeSimulator()
        let response = await call(simulator, "GET", "/personen/\(fullBSN)/inburgeringsplicht", headers: headers)
        #expect(response.status == status, "\(name)")
        #expect(response.headers[DUOHeader.apiVersion] == "1.2.2", "every answer carries API-Version (\(name))")
    }

    @Test("A 403 carries DUO's Foutmeldingen only where the operation's description gives them (PIP POST yes, a GET no)")
    func forbiddenBodies() async {
        let simulator = await makeSimulator()
        let stranger = duoHeaders(bron: "00000001234567890000")
        let post = await call(simulator, "POST", "/personen/\(freshBSN)/PIP", headers: stranger, json: #"{"dagtekeningPip":"2025-02-01","leerroute":"B"}"#)
        #expect(post.status == 403)
        #expect(!post.foutmeldingen.isEmpty)
        let get = await call(simulator, "GET", "/personen/\(fullBSN)/PIP", headers: stranger)
        #expect(get.status == 403)
        #expect(get.body == nil)
    }

    @Test("The answer echoes the request's berichtId (parameter BerichtId)")
    func berichtIdEchoed() async {
        let response = await call(await makeSimulator(), "GET", "/personen/\(fullBSN)/doelgroep")
        #expect(response.headers[DUOHeader.berichtId] == anyBerichtId)
    }

    @Test("Path parameter bsn: not 9 digits is 400, an unknown BSN is 404, a person of another municipality is 403 (parameter Bsn)",
          arguments: [
              ("12345678", oin0988, 400),
              ("1234567890", oin0988, 400),
              ("12345678a", oin0988, 400),
              (DUOSimulator.bsn(seed: 99), oin0988, 404),
              (fullBSN, oin1706, 403),
              (fullBSN, oin0988, 200),
          ])
    func bsnParameter(_ bsn: String, _ bron: String, _ status: Int) async {
        let response = await call(await makeSimulator(), "GET", "/personen/\(bsn)/inburgeringsplicht", headers: duoHeaders(bron: bron))
        #expect(response.status == status)
    }

    @Test("An unknown path is 404; a known path with a method DUO does not offer is 405 with the API's version")
    func unknownPathsAndMethods() async {
        let simulator = await makeSimulator()
        #expect(await call(simulator, "GET", "/personen/\(fullBSN)/onbekend").status == 404)
        #expect(await call(simulator, "GET", "/iets").status == 404)
        let wrongMethod = await call(simulator, "PUT", "/personen/\(fullBSN)/PIP", json: "{}")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers[DUOHeader.apiVersion] == "1.2.0")
    }

    @Test("Every pull answers 200 with what was seeded, in the shape Regie reads, with its API's version", arguments: DUOPull.allCases)
    func pullsReturnSeededState(_ pull: DUOPull) async throws {
        let response = await call(await makeSimulator(), "GET", pull.path(bsn: fullBSN))
        #expect(response.status == 200)
        #expect(response.headers[DUOHeader.apiVersion] == pull.api.version)
        #expect(response.headers["Content-Type"] == "application/json")
        var pulled = DUOPulled()
        try DUOClient.store(pull, from: try #require(response.body), into: &pulled)
        #expect(pulled == seeded(pull, fullPerson()))
    }

    @Test("Nothing registered is 404: no term, no examennummer, no PIP yet", arguments: [DUOPull.termijn, .lbtExamennummer, .pip])
    func nothingRegistered(_ pull: DUOPull) async {
        #expect(await call(await makeSimulator(), "GET", pull.path(bsn: freshBSN)).status == 404)
    }

    @Test("Down: every operation answers 503 with API-Version and no body, as the pulled and pushed APIs declare it; up again, it answers normally")
    func down() async {
        let simulator = await makeSimulator()
        await simulator.setDown(true)
        let refused = await call(simulator, "GET", "/personen/\(fullBSN)/inburgeringstermijn")
        #expect(refused.status == 503)
        #expect(refused.headers[DUOHeader.apiVersion] == "1.0.0")
        #expect(refused.body == nil)
        await simulator.setDown(false)
        #expect(await call(simulator, "GET", "/personen/\(fullBSN)/inburgeringstermijn").status == 200)
    }

    @Test("Every request is logged with its answer; the log can be cleared")
    func log() async {
        let simulator = await makeSimulator()
        _ = await call(simulator, "GET", "/personen/\(fullBSN)/doelgroep")
        _ = await call(simulator, "GET", "/personen/\(fullBSN)/doelgroep", headers: duoHeaders(bron: nil))
        let log = await simulator.exchanges()
        #expect(log.map(\.status) == [200, 400])
        #expect(log.allSatisfy { $0.direction == .inbound && $0.path == "/personen/\(fullBSN)/doelgroep" })
        #expect(log[1].reason != nil)
        await simulator.clearLog()
        #expect(await simulator.exchanges().isEmpty)
    }
}

@Suite("DUO simulator — the PIP: schema (400) and DUO's rules R6 (403)")
struct SimulatorPIPTests {
    @Test("A body outside the PIP schema is 400 (PIP API 1.2.0: PIP, Leerroute, NiveauPip, Alfabetiseringsonderwijs)", arguments: [
        ("not JSON", "pip"),
        ("empty object", "{}"),
        ("no leerroute", #"{"dagtekeningPip":"2025-02-01"}"#),
        ("impossible date", #"{"dagtekeningPip":"2025-02-30","leerroute":"B"}"#),
        ("unknown leerroute", #"{"dagtekeningPip":"2025-02-01","leerroute":"X"}"#),
        ("niveau B2", #"{"dagtekeningPip":"2025-02-01","leerroute":"B","niveau":"B2"}"#),
        ("intensiteit 0", #"{"dagtekeningPip":"2025-02-01","leerroute":"B","geschatteIntensiteitB1Route":0}"#),
        ("intensiteit 10000", #"{"dagtekeningPip":"2025-02-01","leerroute":"B","geschatteIntensiteitB1Route":10000}"#),
        ("intensiteit as text", #"{"dagtekeningPip":"2025-02-01","leerroute":"B","geschatteIntensiteitB1Route":"600"}"#),
        ("unknown alfabetisering", #"{"dagtekeningPip":"2025-02-01","leerroute":"B","indicatorAlfabetiseringsonderwijs":"X"}"#),
    ])
    func schema(_ name: String, _ json: String) async {
        let simulator = await makeSimulator()
        #expect(await call(simulator, "POST", "/personen/\(freshBSN)/PIP", json: json).status == 400, "\(name)")
        #expect(await call(simulator, "POST", "/personen/\(freshBSN)/PIP").status == 400, "no body")
        #expect(await simulator.person(bsn: freshBSN)?.pip == nil)
    }

    @Test("A PIP breaking one of DUO's rules is 403 with a Foutmelding naming the rule (R6 — DUO PIP API 1.2.0)", arguments: [
        ("R6.2", freshBSN, #"{"dagtekeningPip":"2025-01-10","leerroute":"B","niveau":"B1"}"#),
        ("R6.6", freshBSN, #"{"dagtekeningPip":"2025-02-01","leerroute":"O","niveau":"A2"}"#),
        ("R6.7", freshBSN, #"{"dagtekeningPip":"2025-02-01","leerroute":"Z","niveau":"B1"}"#),
        ("R6.8", freshBSN, #"{"dagtekeningPip":"2025-02-01","leerroute":"B","niveau":"A2"}"#),
        ("R6.9", freshBSN, #"{"dagtekeningPip":"2025-02-01","leerroute":"O","geschatteIntensiteitB1Route":600}"#),
        ("R6.10", migrantBSN, #"{"dagtekeningPip":"2025-02-01","leerroute":"B","geschatteIntensiteitB1Route":600}"#),
    ])
    func rules(_ code: String, _ bsn: String, _ json: String) async {
        let simulator = await makeSimulator()
        let response = await call(simulator, "POST", "/personen/\(bsn)/PIP", json: json)
        #expect(response.status == 403)
        #expect(ruleCodes(response) == [code])
        #expect(response.foutmeldingen.allSatisfy { $0.fouttekst.count <= 200 })
        #expect(response.headers[DUOHeader.apiVersion] == "1.2.0")
        #expect(await simulator.person(bsn: bsn)?.pip == nil)
    }

    @Test("R6.1 and R6.2 — a dagtekening before both the obligation and the settling names both rules")
    func twoRules() async {
        let response = await call(await makeSimulator(), "POST", "/personen/\(freshBSN)/PIP",
                                  json: #"{"dagtekeningPip":"2024-12-20","leerroute":"B"}"#)
        #expect(response.status == 403)
        #expect(ruleCodes(response) == ["R6.1", "R6.2"])
    }

    @Test("R2 — a valid first PIP is 201, is stored for the sender, and starts the 3-year term the day after its dagtekening; DUO signals SS102")
    func firstPIP() async throws {
        let simulator = await makeSimulator()
        let response = await call(simulator, "POST", "/personen/\(freshBSN)/PIP",
                                  json: #"{"dagtekeningPip":"2025-02-01","leerroute":"B","niveau":"B1","geschatteIntensiteitB1Route":600}"#)
        #expect(response.status == 201)
        #expect(response.body == nil)
        let person = try #require(await simulator.person(bsn: freshBSN))
        #expect(person.pip == DUOGemeentePIP(gemeentecode: "0988", pip: DUOPIPBericht(dagtekeningPip: day("2025-02-01"), leerroute: "B",
                                                                                      niveau: "B1", geschatteIntensiteitB1Route: 600)))
        #expect(person.initialPIPDate == day("2025-02-01"))
        // Wi2021 art. 11: 2 February 2025 up to and including 1 February 2028; DUO's einddatum is the day after.
        let termijn = try #require(person.termijn)
        #expect(termijn.startdatum == day("2025-02-02"))
        #expect(termijn.einddatum == day("2028-02-02"))
        #expect(termijn.laatsteDag == day("2028-02-01"))
        #expect(termijn.laatsteDag == InburgeringstermijnRule.basis(eerstePIPDagtekening: day("2025-02-01")).end)
        let followUps = await simulator.takeFollowUps()
        #expect(followUps.map(\.gebeurtenisId) == ["SS102"])
        #expect(followUps.map(\.municipalityOIN) == [oin0988])
        #expect(await simulator.takeFollowUps().isEmpty)

        let pulled = await call(simulator, "GET", "/personen/\(freshBSN)/inburgeringstermijn")
        #expect(pulled.status == 200)
        #expect(try DUOJSON.decode(DUOTermijn.self, from: try #require(pulled.body)) == termijn)
    }

    @Test("R6.3/R6.4 — a later PIP may not be dated before the first or current one; a later date replaces it without moving the term")
    func laterPIP() async throws {
        let simulator = await makeSimulator()
        #expect(await call(simulator, "POST", "/personen/\(freshBSN)/PIP", json: #"{"dagtekeningPip":"2025-02-01","leerroute":"B"}"#).status == 201)
        let termijn = await simulator.person(bsn: freshBSN)?.termijn
        _ = await simulator.takeFollowUps()

        let earlier = await call(simulator, "POST", "/personen/\(freshBSN)/PIP", json: #"{"dagtekeningPip":"2025-01-20","leerroute":"B"}"#)
        #expect(earlier.status == 403)
        #expect(ruleCodes(earlier) == ["R6.3", "R6.4"])

        let later = await call(simulator, "POST", "/personen/\(freshBSN)/PIP", json: #"{"dagtekeningPip":"2025-03-01","leerroute":"Z"}"#)
        #expect(later.status == 201)
        let person = try #require(await simulator.person(bsn: freshBSN))
        #expect(person.pip?.pip.leerroute == "Z")
        #expect(person.initialPIPDate == day("2025-02-01"))
        #expect(person.termijn == termijn)
        #expect(await simulator.takeFollowUps().isEmpty)
    }

    @Test("A forced refusal answers the next PIP with 403 and the given text, once")
    func forcedRefusal() async {
        let simulator = await makeSimulator()
        await simulator.setRejectNextPIP(reason: "Geweigerd voor de test.")
        let body = #"{"dagtekeningPip":"2025-02-01","leerroute":"B"}"#
        let refused = await call(simulator, "POST", "/personen/\(freshBSN)/PIP", json: body)
        #expect(refused.status == 403)
        #expect(refused.foutmeldingen == [Foutmelding(fouttekst: "Geweigerd voor de test.")])
        #expect(await call(simulator, "POST", "/personen/\(freshBSN)/PIP", json: body).status == 201)
    }

    @Test("R6.12 — a PIP cannot be deleted once the term is set")
    func deletion() async {
        let simulator = await makeSimulator()
        let response = await call(simulator, "DELETE", "/personen/\(fullBSN)/PIP")
        #expect(response.status == 403)
        #expect(ruleCodes(response) == ["R6.12"])
        #expect(await call(simulator, "DELETE", "/personen/\(freshBSN)/PIP").status == 404)
    }
}

@Suite("DUO simulator — pushes other than the PIP")
struct SimulatorPushTests {
    @Test("Hours: an integer 0…9999 is 200, anything else 400 (GevolgdeUren API 1.0.0)", arguments: [
        "uren/bredeintake/taallesknm", "uren/participatieactiviteiten", "uren/participatietaalles",
    ], [
        (#"{"uren":-1}"#, 400), (#"{"uren":10000}"#, 400), (#"{"uren":12.5}"#, 400), (#"{"uren":"12"}"#, 400), ("{}", 400),
        (#"{"uren":0}"#, 200), (#"{"uren":9999}"#, 200),
    ])
    func uren(_ path: String, _ testCase: (String, Int)) async {
        let (json, status) = testCase
        let simulator = await makeSimulator()
        let response = await call(simulator, "PUT", "/personen/\(fullBSN)/\(path)", json: json)
        #expect(response.status == status)
        #expect(response.headers[DUOHeader.apiVersion] == "1.0.0")
        let stored = await simulator.person(bsn: fullBSN)?.uren["0988"]
        #expect((stored != nil) == (status == 200))
    }

    @Test("MAP/PVT/Z-route: a result is stored; verwijtbaar other than Ja/Nee is 400 (MAP, PVT en Z-route API 1.0.0)")
    func results() async {
        let simulator = await makeSimulator()
        #expect(await call(simulator, "PUT", "/personen/\(fullBSN)/map", json: #"{"datumEindgesprekMap":"2025-03-01","verwijtbaar":"Misschien"}"#).status == 400)
        #expect(await call(simulator, "PUT", "/personen/\(fullBSN)/map", json: #"{"datumEindgesprekMap":"2025-03-01","verwijtbaar":"Nee"}"#).status == 200)
        #expect(await call(simulator, "PUT", "/personen/\(fullBSN)/pvt", json: #"{"datumOndertekeningPvt":"2025-03-02"}"#).status == 200)
        #expect(await call(simulator, "PUT", "/personen/\(fullBSN)/zroute", json: #"{"datumAfrondingZroute":"2025-03-03"}"#).status == 200)
        let person = await simulator.person(bsn: fullBSN)
        #expect(person?.map == DUOResultaatMAP(datumEindgesprekMap: day("2025-03-01"), verwijtbaar: "Nee"))
        #expect(person?.pvt == DUOResultaatPVT(datumOndertekeningPvt: day("2025-03-02")))
        #expect(person?.zroute == DUOResultaatZroute(datumAfrondingZroute: day("2025-03-03")))
    }

    @Test("Inburgeringsaanbod: instellingsnummer of 10 characters, a known alfabetisering code, and a PIP first (Inburgeringsaanbod API 1.2.0; Wi2021 art. 16)")
    func aanbod() async {
        let simulator = await makeSimulator()
        let body = #"{"datumInburgeringsaanbod":"2025-03-01","verwachteStartdatumOpleiding":"2025-04-01","indicatorAlfabetiseringsonderwijs":"NVT"}"#
        #expect(await call(simulator, "POST", "/personen/\(fullBSN)/Inburgeringsaanbod/12345", json: body).status == 400)
        #expect(await call(simulator, "POST", "/personen/\(fullBSN)/Inburgeringsaanbod/1234567890",
                           json: #"{"indicatorAlfabetiseringsonderwijs":"X"}"#).status == 400)
        let withoutPIP = await call(simulator, "POST", "/personen/\(freshBSN)/Inburgeringsaanbod/1234567890", json: body)
        #expect(withoutPIP.status == 403)
        #expect(withoutPIP.foutmeldingen.count == 1)
        let accepted = await call(simulator, "POST", "/personen/\(fullBSN)/Inburgeringsaanbod/1234567890", json: body)
        #expect(accepted.status == 201)
        #expect(accepted.headers[DUOHeader.apiVersion] == "1.2.0")
        #expect(await simulator.person(bsn: fullBSN)?.aanbod["1234567890"]?.indicatorAlfabetiseringsonderwijs == "NVT")
    }

    @Test("Contactpersoon: 201 with a new id, then linked to a person; schema violations 400, unknown id 404 (Contactpersoon API 1.0.0)")
    func contactpersoon() async throws {
        let simulator = await makeSimulator()
        let valid = #"{"naam":"Anne-Marie van 't Hof","email":"klantregie@gemeente.nl","telefoonnummer":"040 - 123 45 67"}"#
        #expect(await call(simulator, "POST", "/contactpersonen", json: #"{"naam":"Anne","email":"a@b","telefoonnummer":"0401234567"}"#).status == 400)
        #expect(await call(simulator, "POST", "/contactpersonen", json: #"{"naam":"Anne","email":"anne@gemeente.nl","telefoonnummer":"bellen"}"#).status == 400)
        #expect(await call(simulator, "POST", "/contactpersonen", json: #"{"naam":"Anne 2","email":"anne@gemeente.nl","telefoonnummer":"0401234567"}"#).status == 400)

        let created = await call(simulator, "POST", "/contactpersonen", json: valid)
        #expect(created.status == 201)
        #expect(created.headers[DUOHeader.apiVersion] == "1.0.0")
        let contact = try DUOJSON.decode(DUOContactpersoon.self, from: try #require(created.body))
        let id = try #require(contact.id)
        #expect(contact.contactpersoongegevens.naam == "Anne-Marie van 't Hof")

        #expect(await call(simulator, "POST", "/contactpersonen/0/personen/\(fullBSN)").status == 400)
        #expect(await call(simulator, "POST", "/contactpersonen/999/personen/\(fullBSN)").status == 404)
        #expect(await call(simulator, "POST", "/contactpersonen/\(id)/personen/\(fullBSN)").status == 201)
        #expect(await simulator.person(bsn: fullBSN)?.contactpersoon == contact)
    }
}

@Suite("DUO simulator — scenarios and identifiers")
struct SimulatorScenarioTests {
    @Test("Generated BSNs pass the 11-proef and are deterministic")
    func bsns() {
        let numbers = (0..<500).map { DUOSimulator.bsn(seed: UInt64($0)) }
        #expect(numbers.allSatisfy { BSN.isValid($0) && ($0.hasPrefix("99") || $0.hasPrefix("98")) })
        #expect(DUOSimulator.bsn(seed: 7) == DUOSimulator.bsn(seed: 7))
        #expect(Set(numbers).count == numbers.count)
        #expect(DUOSimulator.examennummer(seed: 42).count <= 12)
        #expect(VNummer.isValid(String(DUOSimulator.vNummer(seed: 42))))
    }

    @Test("nieuwe-statushouder: SS101 and SS139 now, SS137 after a week, SS131 (26 of 28: B1-route niet haalbaar) a week later")
    func nieuweStatushouder() async throws {
        let simulator = await makeSimulator()
        let run = try await simulator.run(.nieuweStatushouder, municipalityOIN: oin0988, week: .seconds(1), seed: 42)
        #expect(run.bsn == DUOSimulator.bsn(seed: 42))
        #expect(run.steps.map(\.gebeurtenisId) == ["SS101", "SS139", "SS137", "SS131"])
        #expect(run.steps.map(\.after) == [.zero, .zero, .seconds(1), .seconds(2)])
        #expect(run.steps.allSatisfy { $0.bsn == run.bsn && $0.municipalityOIN == oin0988 })

        let person = try #require(await simulator.person(bsn: run.bsn))
        #expect(person.plicht.begindatum == simToday.adding(days: -5))
        #expect(person.plicht.datumKennisgevingInburgeringsplicht == simToday.adding(days: -2))
        #expect(person.doelgroep.categorie == .asielstatushouder)
        #expect(person.gemeentecode == "0988")
        #expect(person.lbt.isEmpty && person.examennummer == nil, "the LBT arrives with its own notifications")

        var notifications: [Notificatie] = []
        for step in run.steps { notifications.append(await simulator.perform(step, at: simNow)) }
        #expect(notifications.map(\.gebeurtenisId) == ["SS101", "SS139", "SS137", "SS131"])
        #expect(notifications.allSatisfy { $0.bsn == run.bsn && $0.vNummer == person.vNummer && $0.registratieDatumTijd == "2025-03-10T10:00:00Z" })
        let after = try #require(await simulator.person(bsn: run.bsn))
        #expect(after.examennummer != nil)
        #expect(after.lbt == [LBTResultaat(resultaat: "B1-route niet haalbaar", behaaldeScore: "26,00", benodigdeScore: "28,00", datumAfname: simToday)])

        let again = try await makeSimulator().run(.nieuweStatushouder, municipalityOIN: oin0988, week: .seconds(1), seed: 42)
        #expect(again.bsn == run.bsn && again.steps == run.steps)
    }

    @Test("verhuizing: a person with the previous municipality's PIP settles here; SS121; only then may this municipality read them")
    func verhuizing() async throws {
        let simulator = await makeSimulator()
        let run = try await simulator.run(.verhuizing, municipalityOIN: oin0988, seed: 50)
        #expect(run.steps.map(\.gebeurtenisId) == ["SS121"])
        #expect(await call(simulator, "GET", "/personen/\(run.bsn)/PIP").status == 403)
        _ = await simulator.perform(run.steps[0], at: simNow)
        let pip = await call(simulator, "GET", "/personen/\(run.bsn)/PIP")
        #expect(pip.status == 200)
        #expect(try DUOJSON.decode(DUOGemeentePIP.self, from: try #require(pip.body)).gemeentecode == "1706")
        #expect(await simulator.person(bsn: run.bsn)?.vestiging == simToday)
    }

    @Test("verlenging: a new person is announced with SS101, then SS103 a week later extends the term by 3 months (R10)")
    func verlenging() async throws {
        let simulator = await makeSimulator()
        let run = try await simulator.run(.verlenging, municipalityOIN: oin0988, week: .seconds(1), seed: 60)
        #expect(run.steps.map(\.gebeurtenisId) == ["SS101", "SS103"])
        #expect(run.steps.map(\.after) == [.zero, .seconds(1)])
        let before = try #require(await simulator.person(bsn: run.bsn)?.termijn)
        for step in run.steps { _ = await simulator.perform(step, at: simNow) }
        let after = try #require(await simulator.person(bsn: run.bsn)?.termijn)
        #expect(after.startdatum == before.startdatum)
        #expect(after.laatsteDag == Termijn.months(3).period(afterTrigger: before.laatsteDag).end)
        #expect(after.verlengingsgrondcode == "AANBOD")
    }

    @Test("ontheffing on a known person: SS108 now; the obligation ends with 'Volledige ontheffing' (R11)")
    func ontheffing() async throws {
        let simulator = await makeSimulator()
        let run = try await simulator.run(.ontheffing, municipalityOIN: oin0988, bsn: fullBSN)
        #expect(run.steps.map(\.gebeurtenisId) == ["SS108"])
        #expect(run.steps.map(\.after) == [.zero])
        _ = await simulator.perform(run.steps[0], at: simNow)
        let plicht = try #require(await simulator.person(bsn: fullBSN)?.plicht)
        #expect(!plicht.indicatorInburgeringsplicht)
        #expect(plicht.redenGeenInburgeringsplicht == .volledigeOntheffing)
        #expect(plicht.einddatum == simToday)
    }

    @Test("Scenarios refuse an unknown municipality, an unknown person, and a BSN where they create their own person")
    func scenarioErrors() async {
        let simulator = await makeSimulator()
        await #expect(throws: SimScenarioError.unknownMunicipality("00000001234567890000")) {
            try await simulator.run(.lbtUitslag, municipalityOIN: "00000001234567890000")
        }
        await #expect(throws: SimScenarioError.unknownPerson) {
            try await simulator.run(.lbtUitslag, municipalityOIN: oin0988, bsn: DUOSimulator.bsn(seed: 99))
        }
        await #expect(throws: SimScenarioError.createsItsOwnPerson) {
            try await simulator.run(.nieuweStatushouder, municipalityOIN: oin0988, bsn: fullBSN)
        }
    }

    @Test("Demo persons: two per municipality, valid BSNs, one waiting for a PIP and one with a running term")
    func demo() async {
        let simulator = DUOSimulator(duoOIN: duoOIN, municipalities: [oin0988: "0988", oin1706: "1706"], now: { simNow })
        let seeded = await simulator.seedDemo()
        #expect(seeded.count == 4)
        #expect(seeded.allSatisfy { BSN.isValid($0.bsn) })
        #expect(seeded.filter { $0.pip == nil }.count == 2)
        #expect(seeded.filter { $0.termijn != nil }.count == 2)
    }

    @Test("A notification with any event id, as DUO writes it")
    func notification() async {
        let simulator = await makeSimulator()
        let n = simulator.notification(event: .nieuwePlicht, bsn: fullBSN, vNummer: 42, at: simNow)
        #expect(n == Notificatie(registratieDatumTijd: "2025-03-10T10:00:00Z", bsn: fullBSN, vNummer: 42, gebeurtenisId: "SS101"))
        #expect(simulator.notification(eventId: "SS999", bsn: fullBSN, vNummer: nil, at: simNow).gebeurtenisId == "SS999")
    }
}
