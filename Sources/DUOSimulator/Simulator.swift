import Foundation
import Inburgering
import DUO

// The DUO simulator: plays DUO's side of the koppeling for development, demos, training and tests.
// It answers the requests Regie makes (paths below `/v{major}`, headers `Bron`/`Doel`/`BerichtId`,
// status codes and bodies as DUO's published OpenAPI descriptions give them), applies
// DUO's PIP rules through the law module (R6), and scripts the notifications DUO would send.
// No web framework here: `SimulatorServer.swift` beside it binds it to HTTP.

// MARK: - State

/// Hours one municipality reported for a person (GevolgdeUren API 1.0.0: a total per kind, 0…9999).
public struct SimUren: Codable, Hashable, Sendable {
    public var taallesKNM: Int?
    public var participatieactiviteiten: Int?
    public var participatietaalles: Int?

    public init(taallesKNM: Int? = nil, participatieactiviteiten: Int? = nil, participatietaalles: Int? = nil) {
        self.taallesKNM = taallesKNM
        self.participatieactiviteiten = participatieactiviteiten
        self.participatietaalles = participatietaalles
    }
}

/// Everything DUO knows about one person: what the simulator answers from, and what municipalities pushed.
public struct SimPerson: Codable, Hashable, Sendable {
    public var bsn: String
    public var vNummer: Int64?
    /// The municipality the person lives in (4 digits). Only that municipality's OIN may read or change the person.
    public var gemeentecode: String
    /// The day the person settled in that municipality (BRP); a PIP may not be dated before it (R6.2).
    public var vestiging: CalendarDate?
    public var plicht: Inburgeringsplicht
    public var plichtHistorie: [PlichtHistorie]
    public var doelgroep: DoelgroepInfo
    public var doelgroepHistorie: [DoelgroepHistorie]
    public var termijn: DUOTermijn?
    public var termijnHistorie: [DUOTermijnHistorie]
    public var lbt: [LBTResultaat]
    public var examennummer: String?
    public var vrijstellingen: [DUOVrijstelling]
    public var ontheffingen: [DUOOntheffing]
    public var examens: [DUOExamenresultaat]
    /// The current PIP, with the municipality that registered it.
    public var pip: DUOGemeentePIP?
    /// Dagtekening of the person's first PIP at DUO (any municipality); it started the term (R2).
    public var initialPIPDate: CalendarDate?
    /// Course offers by institution number: one current offer per institution (Inburgeringsaanbod API 1.2.0).
    public var aanbod: [String: DUOInburgeringsaanbod]
    public var map: DUOResultaatMAP?
    public var pvt: DUOResultaatPVT?
    public var zroute: DUOResultaatZroute?
    /// Reported hours by municipality code.
    public var uren: [String: SimUren]
    /// The contact person the municipality linked to this person last.
    public var contactpersoon: DUOContactpersoon?

    public init(bsn: String, vNummer: Int64? = nil, gemeentecode: String, vestiging: CalendarDate? = nil,
                plicht: Inburgeringsplicht = Inburgeringsplicht(indicatorInburgeringsplicht: true), plichtHistorie: [PlichtHistorie] = [],
                doelgroep: DoelgroepInfo = DoelgroepInfo(), doelgroepHistorie: [DoelgroepHistorie] = [],
                termijn: DUOTermijn? = nil, termijnHistorie: [DUOTermijnHistorie] = [], lbt: [LBTResultaat] = [], examennummer: String? = nil,
                vrijstellingen: [DUOVrijstelling] = [], ontheffingen: [DUOOntheffing] = [], examens: [DUOExamenresultaat] = [],
                pip: DUOGemeentePIP? = nil, initialPIPDate: CalendarDate? = nil, aanbod: [String: DUOInburgeringsaanbod] = [:],
                map: DUOResultaatMAP? = nil, pvt: DUOResultaatPVT? = nil, zroute: DUOResultaatZroute? = nil,
                uren: [String: SimUren] = [:], contactpersoon: DUOContactpersoon? = nil) {
        self.bsn = bsn
        self.vNummer = vNummer
        self.gemeentecode = gemeentecode
        self.vestiging = vestiging
        self.plicht = plicht
        self.plichtHistorie = plichtHistorie
        self.doelgroep = doelgroep
        self.doelgroepHistorie = doelgroepHistorie
        self.termijn = termijn
        self.termijnHistorie = termijnHistorie
        self.lbt = lbt
        self.examennummer = examennummer
        self.vrijstellingen = vrijstellingen
        self.ontheffingen = ontheffingen
        self.examens = examens
        self.pip = pip
        self.initialPIPDate = initialPIPDate
        self.aanbod = aanbod
        self.map = map
        self.pvt = pvt
        self.zroute = zroute
        self.uren = uren
        self.contactpersoon = contactpersoon
    }

    /// Only `bsn` and `gemeentecode` are required, so a test or a demo can seed a person with a few lines of JSON.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            bsn: try c.decode(String.self, forKey: .bsn),
            vNummer: try c.decodeIfPresent(Int64.self, forKey: .vNummer),
            gemeentecode: try c.decode(String.self, forKey: .gemeentecode),
            vestiging: try c.decodeIfPresent(CalendarDate.self, forKey: .vestiging),
            plicht: try c.decodeIfPresent(Inburgeringsplicht.self, forKey: .plicht) ?? Inburgeringsplicht(indicatorInburgeringsplicht: true),
            plichtHistorie: try c.decodeIfPresent([PlichtHistorie].self, forKey: .plichtHistorie) ?? [],
            doelgroep: try c.decodeIfPresent(DoelgroepInfo.self, forKey: .doelgroep) ?? DoelgroepInfo(),
            doelgroepHistorie: try c.decodeIfPresent([DoelgroepHistorie].self, forKey: .doelgroepHistorie) ?? [],
            termijn: try c.decodeIfPresent(DUOTermijn.self, forKey: .termijn),
            termijnHistorie: try c.decodeIfPresent([DUOTermijnHistorie].self, forKey: .termijnHistorie) ?? [],
            lbt: try c.decodeIfPresent([LBTResultaat].self, forKey: .lbt) ?? [],
            examennummer: try c.decodeIfPresent(String.self, forKey: .examennummer),
            vrijstellingen: try c.decodeIfPresent([DUOVrijstelling].self, forKey: .vrijstellingen) ?? [],
            ontheffingen: try c.decodeIfPresent([DUOOntheffing].self, forKey: .ontheffingen) ?? [],
            examens: try c.decodeIfPresent([DUOExamenresultaat].self, forKey: .examens) ?? [],
            pip: try c.decodeIfPresent(DUOGemeentePIP.self, forKey: .pip),
            initialPIPDate: try c.decodeIfPresent(CalendarDate.self, forKey: .initialPIPDate),
            aanbod: try c.decodeIfPresent([String: DUOInburgeringsaanbod].self, forKey: .aanbod) ?? [:],
            map: try c.decodeIfPresent(DUOResultaatMAP.self, forKey: .map),
            pvt: try c.decodeIfPresent(DUOResultaatPVT.self, forKey: .pvt),
            zroute: try c.decodeIfPresent(DUOResultaatZroute.self, forKey: .zroute),
            uren: try c.decodeIfPresent([String: SimUren].self, forKey: .uren) ?? [:],
            contactpersoon: try c.decodeIfPresent(DUOContactpersoon.self, forKey: .contactpersoon))
    }
}

// MARK: - Requests and the log

/// The simulator's answer to one request.
public struct SimResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data?
    /// DUO handled the request, but its answer is held this long (a test of an answer lost on the
    /// way: the caller gives up first). Nil for a normal answer.
    public var withheld: Duration?

    public init(status: Int, headers: [String: String] = [:], body: Data? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// DUO's error texts in the body: a list (403) or a single one (503); empty when there are none.
    public var foutmeldingen: [Foutmelding] {
        guard let body else { return [] }
        return (try? JSONDecoder().decode([Foutmelding].self, from: body))
            ?? (try? JSONDecoder().decode(Foutmelding.self, from: body)).map { [$0] } ?? []
    }
}

/// One request the simulator answered ("in"), or one notification it sent to Regie with Regie's answer ("out").
public struct SimExchange: Codable, Sendable, Hashable {
    public enum Direction: String, Codable, Sendable {
        case inbound = "in"
        case outbound = "out"
    }

    public var direction: Direction
    public var method: String
    /// Below the version prefix for "in"; the full URL for "out".
    public var path: String
    public var headers: [String: String]
    public var body: String?
    /// 0 when Regie could not be reached.
    public var status: Int
    public var responseHeaders: [String: String]
    public var responseBody: String?
    /// Why the simulator refused the request, or why sending failed (English; not part of DUO's answer).
    public var reason: String?
    public var at: Date

    public init(direction: Direction, method: String, path: String, headers: [String: String], body: String?, status: Int,
                responseHeaders: [String: String] = [:], responseBody: String? = nil, reason: String? = nil, at: Date) {
        self.direction = direction
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.status = status
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.reason = reason
        self.at = at
    }
}

// MARK: - Scenarios

/// A scripted story: the simulator changes its state and sends the notifications DUO would send.
public enum SimScenario: String, CaseIterable, Codable, Sendable {
    case nieuweStatushouder = "nieuwe-statushouder"
    case gezinsmigrant
    case lbtUitslag = "lbt-uitslag"
    case verhuizing
    case verlenging
    case ontheffing

    public var summary: String {
        switch self {
        case .nieuweStatushouder: "new asylum permit holder: SS101 and SS139 now, LBT registration SS137 after a week, result SS131 (26/28) a week later"
        case .gezinsmigrant: "new family migrant: SS101 and SS139 now, SS137 after a week, SS131 (31/28) a week later"
        case .lbtUitslag: "LBT registration SS137, and a week later the result SS131 (33/28)"
        case .verhuizing: "the person settles in this municipality: SS121 (with the previous municipality's PIP) or SS120"
        case .verlenging: "DUO extends the term ex officio by 3 months (offer not started in time): SS103"
        case .ontheffing: "DUO grants a full ontheffing on medical grounds and ends the obligation: SS108"
        }
    }

    /// Scenarios that can act on a person the simulator already knows (the others always create one).
    public var acceptsExistingPerson: Bool {
        switch self {
        case .nieuweStatushouder, .gezinsmigrant: false
        case .lbtUitslag, .verhuizing, .verlenging, .ontheffing: true
        }
    }
}

/// What changes at DUO just before a scripted notification goes out (the notification tells; the pull shows it).
public enum SimChange: Codable, Hashable, Sendable {
    case lbtAanmelding(examennummer: String)
    /// A learnability test taken on the day of the change; verdict and threshold by the law on that day (R3).
    case lbtResultaat(score: Int)
    /// The person settles in another municipality on the day of the change.
    case verhuizing(gemeentecode: String)
    /// DUO extends the term by a number of months after its current last day (R10).
    case verlenging(grond: VerlengingsGrond, maanden: Int)
    /// DUO grants a full ontheffing ("MED" or "BIO"), which ends the obligation (R11).
    case geheleOntheffing(grond: String)
}

/// One notification of a scenario: when (offset from the scenario's start), which event, about whom, to which municipality.
public struct SimStep: Codable, Hashable, Sendable {
    public var after: Duration
    public var gebeurtenisId: String
    public var bsn: String
    /// The receiving municipality's OIN: the `doel` of the notification.
    public var municipalityOIN: String
    public var change: SimChange?

    public init(after: Duration, gebeurtenisId: String, bsn: String, municipalityOIN: String, change: SimChange? = nil) {
        self.after = after
        self.gebeurtenisId = gebeurtenisId
        self.bsn = bsn
        self.municipalityOIN = municipalityOIN
        self.change = change
    }
}

/// A started scenario: the person it is about and its steps, in time order.
public struct SimScenarioRun: Sendable, Hashable {
    public var scenario: SimScenario
    public var bsn: String
    public var steps: [SimStep]
}

public enum SimScenarioError: Error, Equatable, Sendable {
    case unknownMunicipality(String)
    case unknownPerson
    /// The scenario always creates its own person; leave out the BSN.
    case createsItsOwnPerson
}

// MARK: - The simulator

/// DUO, simulated: state per BSN, DUO's validation of every request, DUO's PIP rules (R6), and scenarios.
public actor DUOSimulator {
    public let duoOIN: String
    /// Municipality OIN (20 digits) → DUO gemeentecode (4 digits).
    public let municipalities: [String: String]
    let now: @Sendable () -> Date

    var persons: [String: SimPerson] = [:]
    var contacts: [Int: (gemeentecode: String, contact: DUOContactpersoon)] = [:]
    var nextContactId = 1
    var nextSeed: UInt64 = 1
    var down = false
    var rejectNextPIPReason: String?
    var withhold: (method: String, pathSuffix: String, hold: Duration)?
    var log: [SimExchange] = []
    var followUps: [SimStep] = []

    /// The log keeps this many exchanges; older ones are dropped.
    public static let logLimit = 5_000

    public init(duoOIN: String, municipalities: [String: String], now: @escaping @Sendable () -> Date = { Date() }) {
        self.duoOIN = duoOIN
        self.municipalities = municipalities
        self.now = now
    }

    public func seed(_ person: SimPerson) { persons[person.bsn] = person }
    public func person(bsn: String) -> SimPerson? { persons[bsn] }
    public func allPersons() -> [SimPerson] { persons.values.sorted { $0.bsn < $1.bsn } }

    public func setDown(_ down: Bool) { self.down = down }
    /// The next PIP that passes the schema is refused (403) with this text; nil clears it.
    public func setRejectNextPIP(reason: String?) { rejectNextPIPReason = reason }

    /// The next request with this method and a path ending in `pathSuffix` is handled as usual (DUO
    /// stores what it stores), but its answer is held for `hold` before it goes out: a caller with a
    /// shorter timeout never sees it, as when a connection drops after DUO processed a request.
    public func withholdNextAnswer(method: String, pathSuffix: String, for hold: Duration) {
        withhold = (method.uppercased(), pathSuffix, hold)
    }

    public func exchanges() -> [SimExchange] { log }
    public func clearLog() { log.removeAll() }
    public func record(_ exchange: SimExchange) {
        log.append(exchange)
        if log.count > Self.logLimit { log.removeFirst(log.count - Self.logLimit) }
    }

    /// Notifications DUO sends on its own after a request (SS102 when a first PIP starts the term).
    /// The caller sends them; each is returned once.
    public func takeFollowUps() -> [SimStep] {
        defer { followUps.removeAll() }
        return followUps
    }

    /// The OIN of a municipality code (the first one configured for it).
    public func oin(forGemeentecode code: String) -> String? {
        municipalities.filter { $0.value == code }.keys.sorted().first
    }

    // MARK: Notifications

    public nonisolated func notification(event: Gebeurtenis, bsn: String, vNummer: Int64?, at date: Date) -> Notificatie {
        notification(eventId: event.id, bsn: bsn, vNummer: vNummer, at: date)
    }

    /// A notification with any id, known to Regie or not (DUO may add events; Regie must store unknown ones).
    public nonisolated func notification(eventId: String, bsn: String, vNummer: Int64?, at date: Date) -> Notificatie {
        Notificatie(registratieDatumTijd: ISO8601DateFormatter().string(from: date), bsn: bsn, vNummer: vNummer, gebeurtenisId: eventId)
    }

    /// Applies a step's change (when the person is known) and returns the notification to send now.
    public func perform(_ step: SimStep, at date: Date) -> Notificatie {
        if var person = persons[step.bsn], let change = step.change {
            Self.apply(change, to: &person, today: CalendarDate.today(now: date))
            persons[step.bsn] = person
        }
        return notification(eventId: step.gebeurtenisId, bsn: step.bsn, vNummer: persons[step.bsn]?.vNummer, at: date)
    }

    // MARK: Handling a request

    /// Answers one request to DUO. `path` is below the version prefix (`/personen/123456782/PIP`);
    /// header names are case-insensitive.
    public func handle(method: String, path: String, headers: [String: String], body: Data?) -> SimResponse {
        let method = method.uppercased()
        let path = String(path.prefix { $0 != "?" })
        var fields: [String: String] = [:]
        for (name, value) in headers { fields[name.lowercased()] = value }
        let route = Self.route(method: method, path: path)

        let answer: Answer
        do {
            answer = try respond(method: method, route: route, headers: fields, body: body)
        } catch let refusal as Refusal {
            answer = refusal.answer(explains403: route?.endpoint?.explains403 ?? false)
        } catch {
            answer = Answer(status: 500, reason: "unexpected: \(error)")
        }

        var responseHeaders: [String: String] = [:]
        // Every answer carries the full version of the API that gave it (each description, `API-Version` header).
        if let api = route?.api { responseHeaders[DUOHeader.apiVersion] = api.version }
        // The answer carries the request's berichtId (parameter BerichtId, every description).
        if let id = fields["berichtid"], UUID(uuidString: id) != nil { responseHeaders[DUOHeader.berichtId] = id }
        if answer.body != nil { responseHeaders["Content-Type"] = "application/json" }
        var response = SimResponse(status: answer.status, headers: responseHeaders, body: answer.body)
        if let rule = withhold, rule.method == method, path.hasSuffix(rule.pathSuffix) {
            withhold = nil
            response.withheld = rule.hold
        }
        record(SimExchange(direction: .inbound, method: method, path: path, headers: headers, body: body.map { String(decoding: $0, as: UTF8.self) },
                           status: response.status, responseHeaders: responseHeaders, responseBody: answer.body.map { String(decoding: $0, as: UTF8.self) },
                           reason: response.withheld == nil ? answer.reason : "answer withheld (lost on the way)", at: now()))
        return response
    }

    func respond(method: String, route: Route?, headers: [String: String], body: Data?) throws -> Answer {
        guard let route else { throw Refusal(status: 404, reason: "no DUO operation on this path") }
        if down {
            // 503 (planned maintenance): the APIs Regie calls declare it with the API-Version header and no body.
            return Answer(status: 503, reason: "simulator is down")
        }
        guard let endpoint = route.endpoint else { throw Refusal(status: 405, reason: "\(method) is not offered on this path") }
        let sender = try checkHeaders(headers)
        let bsn = route.bsn ?? ""
        // Path parameter bsn: string, exactly 9 digits (parameter Bsn, every description).
        if route.bsn != nil, !Self.isNineDigits(bsn) {
            throw Refusal(status: 400, reason: "bsn is not 9 digits")
        }

        switch endpoint {
        case .pull(let pull):
            return try answerPull(pull, person: lookup(bsn, for: sender))
        case .postPIP:
            return try registerPIP(bsn: bsn, body: body, sender: sender)
        case .deletePIP:
            return try deletePIP(bsn: bsn, sender: sender)
        case .map:
            let result = try Self.decode(DUOResultaatMAP.self, body)
            try Self.check(result.verwijtbaar, in: Self.jaNee, "verwijtbaar")
            try change(bsn, for: sender) { $0.map = result }
            return Answer(status: 200)
        case .pvt:
            let result = try Self.decode(DUOResultaatPVT.self, body)
            try Self.check(result.verwijtbaar, in: Self.jaNee, "verwijtbaar")
            try change(bsn, for: sender) { $0.pvt = result }
            return Answer(status: 200)
        case .zroute:
            let result = try Self.decode(DUOResultaatZroute.self, body)
            try change(bsn, for: sender) { $0.zroute = result }
            return Answer(status: 200)
        case .uren(let kind):
            let uren = try Self.decode(DUOUren.self, body)
            // uren: integer, minimum 0, maximum 9999 (GevolgdeUren API 1.0.0, all three schemas)
            guard (0...9999).contains(uren.uren) else { throw Refusal(status: 400, reason: "uren outside 0…9999") }
            try change(bsn, for: sender) { person in
                var totals = person.uren[sender.gemeentecode] ?? SimUren()
                switch kind {
                case .taallesKNM: totals.taallesKNM = uren.uren
                case .participatieactiviteiten: totals.participatieactiviteiten = uren.uren
                case .participatietaalles: totals.participatietaalles = uren.uren
                }
                person.uren[sender.gemeentecode] = totals
            }
            return Answer(status: 200)
        case .aanbod(let instellingsnummer):
            return try registerAanbod(bsn: bsn, instellingsnummer: instellingsnummer, body: body, sender: sender)
        case .newContact:
            let gegevens = try Self.decode(DUOContactpersoonGegevens.self, body)
            try Self.checkContact(gegevens)
            let contact = DUOContactpersoon(id: nextContactId, contactpersoongegevens: gegevens)
            contacts[nextContactId] = (sender.gemeentecode, contact)
            nextContactId += 1
            return Answer(status: 201, body: Self.encode(contact))
        case .linkContact(let idText):
            // Path parameter id: integer 1…99999 (Contactpersoon API 1.0.0, parameter Id).
            guard let id = Int(idText), (1...99_999).contains(id) else { throw Refusal(status: 400, reason: "id is not an integer 1…99999") }
            guard let entry = contacts[id] else { throw Refusal(status: 404, reason: "no contact person with this id") }
            var person = try lookup(bsn, for: sender)
            guard entry.gemeentecode == sender.gemeentecode else {
                throw Refusal(status: 403, reason: "contact person belongs to another municipality")
            }
            person.contactpersoon = entry.contact
            persons[bsn] = person
            return Answer(status: 201)
        }
    }

    /// The sending municipality, once `Bron`, `Doel` and `BerichtId` pass.
    struct Sender { let oin: String; let gemeentecode: String }

    func checkHeaders(_ headers: [String: String]) throws -> Sender {
        // Header parameters bron and doel: required, exactly 20 characters; berichtId: required, format uuid
        // (parameters Bron, Doel, BerichtId in every description). Missing or malformed: 400 "Fout verzoek".
        guard let bron = headers["bron"], bron.count == 20 else { throw Refusal(status: 400, reason: "header bron missing or not 20 characters") }
        guard let doel = headers["doel"], doel.count == 20 else { throw Refusal(status: 400, reason: "header doel missing or not 20 characters") }
        guard let berichtId = headers["berichtid"], UUID(uuidString: berichtId) != nil else {
            throw Refusal(status: 400, reason: "header berichtId missing or not a UUID")
        }
        // 403 "Niet geautoriseerd": the sender is not a known municipality, or the message is not meant for DUO.
        guard let code = municipalities[bron] else {
            throw Refusal(status: 403, reason: "bron is not a known municipality",
                          fouten: [Foutmelding(fouttekst: "De bron is geen bij DUO bekende gemeente.")])
        }
        guard doel == duoOIN else {
            throw Refusal(status: 403, reason: "doel is not DUO's OIN", fouten: [Foutmelding(fouttekst: "Het doel van het bericht is niet DUO.")])
        }
        return Sender(oin: bron, gemeentecode: code)
    }

    /// The person, when known (404) and living in the sender's municipality (403).
    func lookup(_ bsn: String, for sender: Sender) throws -> SimPerson {
        guard let person = persons[bsn] else { throw Refusal(status: 404, reason: "no person with this BSN") }
        // A municipality may read and change only the persons registered in it (403 "Niet geautoriseerd";
        // simulator's reading of DUO's authorisation: Bron must be the person's municipality).
        guard person.gemeentecode == sender.gemeentecode else {
            throw Refusal(status: 403, reason: "person lives in municipality \(person.gemeentecode)",
                          fouten: [Foutmelding(fouttekst: "Deze persoon staat niet ingeschreven in uw gemeente.")])
        }
        return person
    }

    func change(_ bsn: String, for sender: Sender, _ update: (inout SimPerson) -> Void) throws {
        var person = try lookup(bsn, for: sender)
        update(&person)
        persons[bsn] = person
    }

    func answerPull(_ pull: DUOPull, person: SimPerson) throws -> Answer {
        func found<T: Encodable>(_ value: T?) throws -> Answer {
            guard let value else { throw Refusal(status: 404, reason: "nothing registered (\(pull.rawValue))") }
            return Answer(status: 200, body: Self.encode(value))
        }
        switch pull {
        case .inburgeringsplicht: return try found(person.plicht)
        case .plichtHistorie: return try found(person.plichtHistorie)
        case .doelgroep: return try found(person.doelgroep)
        case .doelgroepHistorie: return try found(person.doelgroepHistorie)
        case .termijn: return try found(person.termijn)
        case .termijnHistorie: return try found(person.termijnHistorie)
        case .lbtResultaten: return try found(person.lbt)
        case .lbtExamennummer: return try found(person.examennummer.map(LBTExamennummer.init(examennummer:)))
        case .vrijstellingen: return try found(person.vrijstellingen)
        case .ontheffingen: return try found(person.ontheffingen)
        case .examens: return try found(person.examens)
        case .pip: return try found(person.pip)
        }
    }

    // MARK: PIP

    func registerPIP(bsn: String, body: Data?, sender: Sender) throws -> Answer {
        let bericht = try Self.decode(DUOPIPBericht.self, body)
        // Schema PIP (PIP API 1.2.0): leerroute B/O/Z, NiveauPip A2/B1, geschatteIntensiteitB1Route 1…9999,
        // Alfabetiseringsonderwijs A/AA/NVT. Outside the schema: 400.
        try Self.check(bericht.leerroute, in: ["B", "O", "Z"], "leerroute")
        try Self.check(bericht.niveau, in: ["A2", "B1"], "niveau")
        try Self.check(bericht.indicatorAlfabetiseringsonderwijs, in: Self.alfabetisering, "indicatorAlfabetiseringsonderwijs")
        if let hours = bericht.geschatteIntensiteitB1Route, !(1...9999).contains(hours) {
            throw Refusal(status: 400, reason: "geschatteIntensiteitB1Route outside 1…9999")
        }
        guard let submission = bericht.submission else { throw Refusal(status: 400, reason: "PIP does not map onto the law's types") }
        var person = try lookup(bsn, for: sender)

        if let reason = rejectNextPIPReason {
            rejectNextPIPReason = nil
            throw Refusal(status: 403, reason: "forced refusal", fouten: [Foutmelding(fouttekst: Self.limit(reason))])
        }
        // A PIP is set for a person with the obligation (Wi2021 art. 15 lid 1); DUO refuses one for anybody else.
        guard person.plicht.indicatorInburgeringsplicht else {
            throw Refusal(status: 403, reason: "no obligation", fouten: [Foutmelding(fouttekst: "Voor deze persoon geldt geen inburgeringsplicht; een PIP kan niet worden geregistreerd.")])
        }
        // R6 — DUO PIP API 1.2.0 validatieregels: the law module's rules against DUO's own state.
        let context = PIPValidationContext(
            startInburgeringsplicht: person.plicht.begindatum, vestigingInGemeente: person.vestiging,
            dagtekeningInitielePIP: person.initialPIPDate, dagtekeningHuidigePIP: person.pip?.pip.dagtekeningPip,
            categorie: person.doelgroep.categorie ?? .gezinsmigrantEnOverig)
        let violations = PIPValidator.validate(submission, context: context)
        guard violations.isEmpty else {
            throw Refusal(status: 403, reason: violations.map(\.code).joined(separator: ", "), fouten: violations.map(Self.foutmelding))
        }

        let today = CalendarDate.today(now: now())
        person.pip = DUOGemeentePIP(gemeentecode: sender.gemeentecode, pip: bericht)
        if person.initialPIPDate == nil {
            person.initialPIPDate = bericht.dagtekeningPip
            if person.termijn == nil {
                // R2 — Wi2021 art. 11: the first PIP starts the 3-year term (from the day after its dagtekening);
                // DUO's einddatum is the first day after the term (Inburgeringstermijn API 1.0.0; Period.exclusiveEnd).
                let period = InburgeringstermijnRule.basis(eerstePIPDagtekening: bericht.dagtekeningPip)
                person.termijn = DUOTermijn(startdatum: period.start, einddatum: period.exclusiveEnd, wijzigingsdatum: today)
                person.termijnHistorie.append(DUOTermijnHistorie(einddatum: period.exclusiveEnd, wijzigingsdatum: today))
                // SS102 — DUO signals the start of the term (DUO's events overview).
                followUps.append(SimStep(after: .zero, gebeurtenisId: Gebeurtenis.termijnGestart.id, bsn: bsn, municipalityOIN: sender.oin))
            }
        }
        persons[bsn] = person
        return Answer(status: 201)
    }

    func deletePIP(bsn: String, sender: Sender) throws -> Answer {
        var person = try lookup(bsn, for: sender)
        guard person.pip != nil else { throw Refusal(status: 404, reason: "no PIP registered") }
        // R6.12 — DUO PIP API 1.2.0: a PIP can be deleted only while the term has not been set.
        let violations = PIPValidator.validateDeletion(termijnVastgesteld: person.termijn != nil)
        guard violations.isEmpty else {
            throw Refusal(status: 403, reason: "R6.12", fouten: violations.map(Self.foutmelding))
        }
        person.pip = nil
        persons[bsn] = person
        return Answer(status: 200)
    }

    /// DUO's refusal of a PIP in the simulator's own words, naming the rule (at most 200 characters).
    static func foutmelding(_ violation: PIPViolation) -> Foutmelding {
        let text: String = switch violation {
        case let .dagtekeningVoorStartInburgeringsplicht(d, start):
            "De dagtekening van het PIP (\(d.iso)) valt vóór de begindatum van de inburgeringsplicht (\(start.iso))."
        case let .dagtekeningVoorVestiging(d, vestiging):
            "De dagtekening van het PIP (\(d.iso)) valt vóór de datum van vestiging in de gemeente (\(vestiging.iso))."
        case let .dagtekeningVoorInitielePIP(d, initieel):
            "De dagtekening van het PIP (\(d.iso)) valt vóór de dagtekening van het eerste PIP (\(initieel.iso))."
        case let .dagtekeningVoorHuidigePIP(d, huidig):
            "De dagtekening van het PIP (\(d.iso)) valt vóór de dagtekening van het geldende PIP (\(huidig.iso))."
        case .niveauNietToegestaan(let niveau):
            "Niveau \(niveau.rawValue) is in een PIP niet mogelijk; toegestaan zijn A2 en B1."
        case .a2BijOnderwijsroute:
            "Bij de onderwijsroute is niveau A2 niet toegestaan."
        case .b1BijZRoute:
            "Bij de Z-route is niveau B1 niet toegestaan."
        case .a2BijB1RouteEerstePIP:
            "In een eerste PIP met de B1-route is niveau A2 niet toegestaan."
        case .intensiteitAlleenBijB1Route:
            "Een geschatte intensiteit mag alleen bij de B1-route worden opgegeven."
        case .intensiteitAlleenVoorAsielstatushouder:
            "Een geschatte intensiteit mag alleen voor een asielstatushouder worden opgegeven."
        case .intensiteitBuitenBereik(let uren):
            "De geschatte intensiteit (\(uren)) moet tussen 1 en 9999 uur liggen."
        case .verwijderenNaStartTermijn:
            "Het PIP kan niet worden verwijderd: de inburgeringstermijn is al vastgesteld."
        }
        return Foutmelding(fouttekst: limit("\(violation.code): \(text)"))
    }

    // MARK: Inburgeringsaanbod

    func registerAanbod(bsn: String, instellingsnummer: String, body: Data?, sender: Sender) throws -> Answer {
        // Path parameter instellingsnummer: exactly 10 characters (Inburgeringsaanbod API 1.2.0).
        guard instellingsnummer.count == 10 else { throw Refusal(status: 400, reason: "instellingsnummer is not 10 characters") }
        let aanbod = try Self.decode(DUOInburgeringsaanbod.self, body)
        try Self.check(aanbod.indicatorAlfabetiseringsonderwijs, in: Self.alfabetisering, "indicatorAlfabetiseringsonderwijs")
        var person = try lookup(bsn, for: sender)
        // The offer lets the person follow the route set in the PIP (Wi2021 art. 16; Inburgeringsaanbod API
        // 1.2.0 description): without a registered PIP the simulator refuses it.
        guard person.pip != nil else {
            throw Refusal(status: 403, reason: "no PIP", fouten: [Foutmelding(fouttekst: "Er is geen PIP geregistreerd; een inburgeringsaanbod hoort bij de leerroute uit het PIP.")])
        }
        // Simulator's sanity rule: the expected course cannot end before it starts.
        if let start = aanbod.verwachteStartdatumOpleiding, let end = aanbod.verwachteEinddatumOpleiding, end < start {
            throw Refusal(status: 403, reason: "end before start",
                          fouten: [Foutmelding(fouttekst: "De verwachte einddatum van de opleiding ligt vóór de verwachte startdatum.")])
        }
        // One current offer per institution (Inburgeringsaanbod API 1.2.0): a new one replaces it.
        person.aanbod[instellingsnummer] = aanbod
        persons[bsn] = person
        return Answer(status: 201)
    }

    // MARK: Scenarios

    /// Starts a scenario for the municipality with this OIN: changes the state that holds from now and
    /// returns the notifications to send, each at its offset (`week` is the length of a simulated week).
    /// Deterministic: the same seed gives the same person. `bsn` picks a known person for the scenarios
    /// that accept one; without it a new person is created and announced first (SS101, a `week` earlier).
    public func run(_ scenario: SimScenario, municipalityOIN: String, week: Duration = .seconds(604_800),
                    seed: UInt64? = nil, bsn existing: String? = nil) throws -> SimScenarioRun {
        guard let code = municipalities[municipalityOIN] else { throw SimScenarioError.unknownMunicipality(municipalityOIN) }
        let today = CalendarDate.today(now: now())
        func step(_ after: Duration, _ event: Gebeurtenis, _ bsn: String, _ change: SimChange? = nil) -> SimStep {
            SimStep(after: after, gebeurtenisId: event.id, bsn: bsn, municipalityOIN: municipalityOIN, change: change)
        }

        let bsn: String
        var steps: [SimStep] = []
        var start: Duration = .zero
        let number = seed ?? takeSeed()
        if let existing {
            guard scenario.acceptsExistingPerson else { throw SimScenarioError.createsItsOwnPerson }
            guard persons[existing] != nil else { throw SimScenarioError.unknownPerson }
            bsn = existing
        } else {
            let person = Self.freshPerson(for: scenario, seed: number, gemeentecode: code, origin: otherMunicipality(than: code), today: today)
            persons[person.bsn] = person
            bsn = person.bsn
            if scenario != .verhuizing {
                // A new person reaches the municipality first through SS101 (new obligation), which opens the case.
                steps.append(step(.zero, .nieuwePlicht, bsn))
                if scenario.acceptsExistingPerson { start = week }
            }
        }

        switch scenario {
        case .nieuweStatushouder, .gezinsmigrant:
            let score = scenario == .nieuweStatushouder ? 26 : 31
            steps.append(step(.zero, .pipTermijnGestart, bsn))
            steps.append(step(week, .aangemeldVoorLBT, bsn, .lbtAanmelding(examennummer: Self.examennummer(seed: number))))
            steps.append(step(week * 2, .lbtResultaat, bsn, .lbtResultaat(score: score)))
        case .lbtUitslag:
            steps.append(step(start, .aangemeldVoorLBT, bsn, .lbtAanmelding(examennummer: Self.examennummer(seed: number))))
            steps.append(step(start + week, .lbtResultaat, bsn, .lbtResultaat(score: 33)))
        case .verhuizing:
            let event: Gebeurtenis = persons[bsn]?.pip == nil ? .gevestigdZonderPIP : .gevestigdMetPIPVorigeGemeente
            steps.append(step(start, event, bsn, .verhuizing(gemeentecode: code)))
        case .verlenging:
            steps.append(step(start, .termijnAmbtshalveVerlengd, bsn, .verlenging(grond: .aanbodNietTijdigGestart, maanden: 3)))
        case .ontheffing:
            steps.append(step(start, .geheleOntheffing, bsn, .geheleOntheffing(grond: "MED")))
        }
        return SimScenarioRun(scenario: scenario, bsn: bsn, steps: steps)
    }

    /// Seeds two persons per municipality: one awaiting a PIP, one with a PIP, a running term and an LBT result.
    @discardableResult
    public func seedDemo() -> [SimPerson] {
        let today = CalendarDate.today(now: now())
        var seeded: [SimPerson] = []
        for (index, code) in Set(municipalities.values).sorted().enumerated() {
            let base = UInt64(900_000 + index * 10)
            let waiting = Self.makePerson(seed: base, gemeentecode: code, doelgroep: .asielstatushouder, plichtDaysAgo: 30, today: today)
            var running = Self.makePerson(seed: base + 1, gemeentecode: code, doelgroep: .gezinsvormer, plichtDaysAgo: 300, today: today,
                                          pip: (daysAgo: 230, leerroute: "B", niveau: "B1", gemeentecode: code))
            running.examennummer = Self.examennummer(seed: base + 1)
            running.lbt = [Self.lbtResultaat(score: 31, on: today.adding(days: -260))]
            seeded += [waiting, running]
        }
        for person in seeded { persons[person.bsn] = person }
        return seeded
    }

    func takeSeed() -> UInt64 {
        while persons[Self.bsn(seed: nextSeed)] != nil { nextSeed += 1 }
        defer { nextSeed += 1 }
        return nextSeed
    }

    func otherMunicipality(than code: String) -> String {
        // 0363 (Amsterdam) stands in when the simulator knows only one municipality.
        Set(municipalities.values).sorted().first { $0 != code } ?? "0363"
    }

    static func freshPerson(for scenario: SimScenario, seed: UInt64, gemeentecode: String, origin: String, today: CalendarDate) -> SimPerson {
        switch scenario {
        case .nieuweStatushouder:
            return makePerson(seed: seed, gemeentecode: gemeentecode, doelgroep: .asielstatushouder, plichtDaysAgo: 5, today: today)
        case .gezinsmigrant:
            return makePerson(seed: seed, gemeentecode: gemeentecode, doelgroep: .gezinsvormer, plichtDaysAgo: 10, today: today)
        case .lbtUitslag:
            return makePerson(seed: seed, gemeentecode: gemeentecode, doelgroep: .asielstatushouder, plichtDaysAgo: 20, today: today)
        case .verhuizing:
            // Lives in another municipality, which already set a PIP; the move happens in the scenario's step.
            return makePerson(seed: seed, gemeentecode: origin, doelgroep: .asielstatushouder, plichtDaysAgo: 120, today: today,
                              pip: (daysAgo: 60, leerroute: "B", niveau: "B1", gemeentecode: origin))
        case .verlenging:
            return makePerson(seed: seed, gemeentecode: gemeentecode, doelgroep: .asielstatushouder, plichtDaysAgo: 500, today: today,
                              pip: (daysAgo: 430, leerroute: "B", niveau: "B1", gemeentecode: gemeentecode))
        case .ontheffing:
            return makePerson(seed: seed, gemeentecode: gemeentecode, doelgroep: .asielstatushouder, plichtDaysAgo: 200, today: today,
                              pip: (daysAgo: 140, leerroute: "Z", niveau: nil, gemeentecode: gemeentecode))
        }
    }

    /// A person whose obligation started `plichtDaysAgo` days ago (kennisgeving 3 days later, settled on the
    /// start day), optionally with a PIP that started the term.
    static func makePerson(seed: UInt64, gemeentecode: String, doelgroep: Doelgroep, plichtDaysAgo: Int, today: CalendarDate,
                           pip: (daysAgo: Int, leerroute: String, niveau: String?, gemeentecode: String)? = nil) -> SimPerson {
        let begin = today.adding(days: -plichtDaysAgo)
        let kennisgeving = begin.adding(days: 3)
        let indeling = doelgroep.categorie.duoIndeling
        var person = SimPerson(
            bsn: bsn(seed: seed), vNummer: vNummer(seed: seed), gemeentecode: gemeentecode, vestiging: begin,
            plicht: Inburgeringsplicht(indicatorInburgeringsplicht: true, begindatum: begin, wijzigingsdatum: kennisgeving,
                                       datumKennisgevingInburgeringsplicht: kennisgeving),
            plichtHistorie: [PlichtHistorie(indicatorInburgeringsplicht: true, begindatum: begin, wijzigingsdatum: kennisgeving)],
            doelgroep: DoelgroepInfo(indeling: indeling, begindatum: begin, gedetailleerdeDoelgroep: doelgroep),
            doelgroepHistorie: [DoelgroepHistorie(indeling: indeling, begindatum: begin)])
        if let pip {
            let dagtekening = today.adding(days: -pip.daysAgo)
            person.pip = DUOGemeentePIP(gemeentecode: pip.gemeentecode,
                                        pip: DUOPIPBericht(dagtekeningPip: dagtekening, leerroute: pip.leerroute, niveau: pip.niveau))
            person.initialPIPDate = dagtekening
            // R2 — Wi2021 art. 11: the term as the first PIP started it; DUO's einddatum is exclusive.
            let period = InburgeringstermijnRule.basis(eerstePIPDagtekening: dagtekening)
            person.termijn = DUOTermijn(startdatum: period.start, einddatum: period.exclusiveEnd, wijzigingsdatum: dagtekening)
            person.termijnHistorie = [DUOTermijnHistorie(einddatum: period.exclusiveEnd, wijzigingsdatum: dagtekening)]
        }
        return person
    }

    static func apply(_ change: SimChange, to person: inout SimPerson, today: CalendarDate) {
        switch change {
        case .lbtAanmelding(let nummer):
            person.examennummer = nummer
        case .lbtResultaat(let score):
            person.lbt.append(lbtResultaat(score: score, on: today))
        case .verhuizing(let code):
            person.gemeentecode = code
            person.vestiging = today
        case let .verlenging(grond, maanden):
            guard let termijn = person.termijn else { return }
            // R10 — Wi2021 art. 11 lid 2; the extension counts from the day after the current last day.
            let laatsteDag = TermijnVerlenging(besluitdatum: today, grond: grond, omvang: .duur(.months(maanden))).toegepast(op: termijn.laatsteDag)
            let (code, omschrijving) = verlengingsgrond(grond)
            person.termijn = DUOTermijn(startdatum: termijn.startdatum, einddatum: laatsteDag.adding(days: 1), wijzigingsdatum: today,
                                        verlengingsgrondcode: code, verlengingsgrondomschrijving: omschrijving)
            person.termijnHistorie.append(DUOTermijnHistorie(einddatum: laatsteDag.adding(days: 1), wijzigingsdatum: today,
                                                             verlengingsgrondcode: code, verlengingsgrondomschrijving: omschrijving))
        case .geheleOntheffing(let grond):
            // R11 — a full ontheffing is DUO's decision and ends the obligation ("Volledige ontheffing").
            person.ontheffingen.append(DUOOntheffing(GeheleOntheffing: .init(oordeel: .toekenning, datumOordeel: today, grond: grond)))
            person.plicht = Inburgeringsplicht(indicatorInburgeringsplicht: false, begindatum: person.plicht.begindatum, einddatum: today,
                                               wijzigingsdatum: today, datumKennisgevingInburgeringsplicht: person.plicht.datumKennisgevingInburgeringsplicht,
                                               redenGeenInburgeringsplicht: .volledigeOntheffing)
            person.plichtHistorie.append(PlichtHistorie(indicatorInburgeringsplicht: false, begindatum: person.plicht.begindatum,
                                                        einddatum: today, wijzigingsdatum: today))
        }
    }

    /// The simulator's own codes for DUO's verlengingsgronden (DUO publishes its list at GET /verlengingsgronden).
    static func verlengingsgrond(_ grond: VerlengingsGrond) -> (String, String) {
        switch grond {
        case .ziekte: ("ZIEKTE", "Ziekte of medische omstandigheden langer dan drie maanden")
        case .alfabetisering: ("ALFA", "Deelname aan alfabetiseringsonderwijs")
        case .aanbodNietTijdigGestart: ("AANBOD", "Inburgeringsaanbod niet tijdig gestart")
        case .overig: ("OVERIG", "Overige omstandigheden")
        }
    }

    /// An LBT result as DUO reports it: scores as "nn,00", verdict and threshold by the law on the test date (R3).
    public static func lbtResultaat(score: Int, on day: CalendarDate) -> LBTResultaat {
        let threshold = LeerbaarheidstoetsRule.drempel(op: day)
        let verdict = LBTScore(score).flatMap { achieved in threshold.map { _ in LeerbaarheidstoetsRule.uitslag(score: achieved, afname: day) } }
        return LBTResultaat(resultaat: (verdict ?? .onbekend).rawValue, behaaldeScore: DUOScore.format(score),
                            benodigdeScore: DUOScore.format((threshold?.hundredths ?? 0) / 100), datumAfname: day)
    }

    // MARK: Deterministic identifiers

    /// A fictitious BSN for a seed: "99", six digits from the seed, and the check digit of the 11-proef
    /// (9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 mod 11). Where that check digit would be 10 the
    /// prefix is "98" instead (which makes it 2), so different seeds below 1 000 000 give different BSNs.
    public static func bsn(seed: UInt64) -> String {
        let body = padded(seed % 1_000_000, width: 6)
        for prefix in ["99", "98"] {
            let digits = (prefix + body).compactMap(\.wholeNumberValue)
            let check = zip(digits, [9, 8, 7, 6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 } % 11
            if check < 10 { return prefix + body + String(check) }
        }
        preconditionFailure("unreachable: a change of 1 in d2 changes the check digit")
    }

    /// A v-nummer for a seed: 10 digits starting with 9 (Notificatie API: 0…9999999999).
    public static func vNummer(seed: UInt64) -> Int64 {
        9_000_000_000 + Int64(seed % 999_999_999) + 1
    }

    /// An LBT examennummer for a seed (Leerbaarheidstoets API: at most 12 characters).
    public static func examennummer(seed: UInt64) -> String {
        "LBT" + padded(seed % 1_000_000_000, width: 9)
    }

    static func padded(_ value: UInt64, width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

// MARK: - Routing and validation helpers

extension DUOSimulator {
    enum UrenKind: Sendable { case taallesKNM, participatieactiviteiten, participatietaalles }

    /// One operation of DUO's APIs the simulator answers.
    enum Endpoint: Sendable {
        case pull(DUOPull)
        case postPIP, deletePIP
        case map, pvt, zroute
        case uren(UrenKind)
        case aanbod(instellingsnummer: String)
        case newContact
        case linkContact(id: String)

        /// The operation's description gives its 403 a list of `Foutmelding`s (PIP POST/DELETE,
        /// Inburgeringsaanbod POST, MAP/PVT/Z-route PUT, Contactpersoon POST); elsewhere a 403 has no body.
        var explains403: Bool {
            switch self {
            case .postPIP, .deletePIP, .map, .pvt, .zroute, .aanbod, .newContact: true
            case .pull, .uren, .linkContact: false
            }
        }
    }

    /// A path DUO serves; `endpoint` is nil when the path exists but not with this method.
    struct Route: Sendable {
        let api: DUOAPI
        let endpoint: Endpoint?
        let bsn: String?
    }

    static func route(method: String, path: String) -> Route? {
        let parts = path.split(separator: "/").map(String.init)
        if parts.first == "contactpersonen" {
            if parts.count == 1 { return Route(api: .contactpersoon, endpoint: method == "POST" ? .newContact : nil, bsn: nil) }
            if parts.count == 4, parts[2] == "personen" {
                return Route(api: .contactpersoon, endpoint: method == "POST" ? .linkContact(id: parts[1]) : nil, bsn: parts[3])
            }
            return nil
        }
        guard parts.count >= 3, parts[0] == "personen" else { return nil }
        let bsn = parts[1]
        let normalized = "/" + parts.joined(separator: "/")
        if let pull = DUOPull.allCases.first(where: { $0.path(bsn: bsn) == normalized }) {
            let endpoint: Endpoint? = switch (method, pull) {
            case ("GET", _): .pull(pull)
            case ("POST", .pip): .postPIP
            case ("DELETE", .pip): .deletePIP
            default: nil
            }
            return Route(api: pull.api, endpoint: endpoint, bsn: bsn)
        }
        let rest = parts.dropFirst(2).joined(separator: "/")
        let operations: (DUOAPI, String, Endpoint)
        switch rest {
        case "map": operations = (.mapPvtZroute, "PUT", .map)
        case "pvt": operations = (.mapPvtZroute, "PUT", .pvt)
        case "zroute": operations = (.mapPvtZroute, "PUT", .zroute)
        case "uren/bredeintake/taallesknm": operations = (.gevolgdeUren, "PUT", .uren(.taallesKNM))
        case "uren/participatieactiviteiten": operations = (.gevolgdeUren, "PUT", .uren(.participatieactiviteiten))
        case "uren/participatietaalles": operations = (.gevolgdeUren, "PUT", .uren(.participatietaalles))
        default:
            guard parts.count == 4, parts[2] == "Inburgeringsaanbod" else { return nil }
            operations = (.inburgeringsaanbod, "POST", .aanbod(instellingsnummer: parts[3]))
        }
        return Route(api: operations.0, endpoint: method == operations.1 ? operations.2 : nil, bsn: bsn)
    }

    /// A request DUO does not accept, with the reason for the log and DUO's texts where the API gives them.
    struct Refusal: Error {
        var status: Int
        var reason: String
        var fouten: [Foutmelding] = []

        func answer(explains403: Bool) -> Answer {
            let body = status == 403 && explains403 && !fouten.isEmpty ? DUOSimulator.encode(fouten) : nil
            return Answer(status: status, body: body, reason: reason)
        }
    }

    struct Answer: Sendable {
        var status: Int
        var body: Data?
        var reason: String?

        init(status: Int, body: Data? = nil, reason: String? = nil) {
            self.status = status
            self.body = body
            self.reason = reason
        }
    }

    static func isNineDigits(_ text: String) -> Bool {
        text.utf8.count == 9 && text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    }

    static let jaNee: Set<String> = ["Ja", "Nee"]
    static let alfabetisering: Set<String> = Set(Alfabetiseringsonderwijs.allCases.map(\.rawValue))

    static func encode<T: Encodable>(_ value: T) -> Data? { try? DUOJSON.encode(value) }

    /// The body decoded into DUO's schema; a missing body, invalid JSON, a missing required field, a wrong
    /// type or an impossible date is 400 "Fout verzoek".
    static func decode<T: Decodable>(_ type: T.Type, _ body: Data?) throws -> T {
        guard let body, !body.isEmpty else { throw Refusal(status: 400, reason: "body missing") }
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw Refusal(status: 400, reason: "body does not match \(T.self): \(error)")
        }
    }

    /// An enumerated value of DUO's schema: anything else is 400.
    static func check(_ value: String?, in allowed: Set<String>, _ field: String) throws {
        if let value, !allowed.contains(value) { throw Refusal(status: 400, reason: "\(field) '\(value)' is not allowed") }
    }

    /// Schema Contactpersoongegevens (Contactpersoon API 1.0.0): naam at most 100 letters, spaces,
    /// apostrophes, dots and dashes; email 4…241 characters; telefoonnummer 3…22 characters in DUO's pattern.
    static func checkContact(_ gegevens: DUOContactpersoonGegevens) throws {
        let naamAllowed = gegevens.naam.allSatisfy { ch in
            ch.isLetter || ch.isWhitespace || ch == "'" || ch == "\u{2018}" || ch == "."
                || ch.unicodeScalars.allSatisfy { $0.properties.generalCategory == .dashPunctuation }
        }
        guard TextLength.fits(gegevens.naam, within: 100), naamAllowed else { throw Refusal(status: 400, reason: "naam outside the schema") }
        guard (4...241).contains(TextLength.of(gegevens.email)) else { throw Refusal(status: 400, reason: "email length outside 4…241") }
        let telefoon = gegevens.telefoonnummer
        let matches = (try? Regex(telefoonPattern)).map { telefoon.wholeMatch(of: $0) != nil } ?? false
        guard (3...22).contains(TextLength.of(telefoon)), matches else { throw Refusal(status: 400, reason: "telefoonnummer outside the schema") }
    }

    static let telefoonPattern = #"^(\+|[0-9])((\s|\s?(-|\(0\))\s?)?[0-9]){2,15}([,][1-9][0-9]{1,8})?$"#

    /// DUO's texts are at most 200 characters (schema Foutmelding).
    static func limit(_ text: String) -> String {
        guard !TextLength.fits(text, within: 200) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(199))) + "…"
    }
}
