import AsyncHTTPClient
import DUO
import DUOClient
import DUOSimulator
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inburgering
import Logging
import RegieServer
import RegieStorage
import SQLKit
import Synchronization
import Testing

/// Regie against the DUO simulator over real HTTP: the simulator sends notifications to Regie's
/// Notificatie API, Regie's worker pulls from and pushes to the simulator.
@Suite("DUO end to end against the simulator")
struct DUOEndToEndTests {
    static let weertOIN = DUOConfig.developmentOIN(for: "GM0988")

    struct Harness: Sendable {
        let services: AppServices
        let world: World
        let clock: TestClock
        let simulator: DUOSimulator
        let server: DUOSimulatorServer
        let worker: DUOWorker
        let web: any TestClientProtocol

        /// Sends a notification from the simulator to Regie and returns Regie's status.
        func notify(_ event: String, bsn: String) async -> Int? {
            let notificatie = simulator.notification(eventId: event, bsn: bsn, vNummer: nil, at: clock.now)
            return await deliver(notificatie, to: DUOEndToEndTests.weertOIN)
        }

        func perform(_ step: SimStep) async -> Int? {
            let notificatie = await simulator.perform(step, at: clock.now)
            return await deliver(notificatie, to: step.municipalityOIN)
        }

        /// Like DUO, sends a notification again when it got no answer: on a machine running the whole
        /// suite beside a build a send can time out, and one lost send failed a test by chance
        /// (Regie takes a repeated notification once).
        func deliver(_ notificatie: Notificatie, to oin: String) async -> Int? {
            for _ in 0..<3 {
                if let status = await server.send(notificatie, to: oin)?.status, status != 0 { return status }
            }
            return nil
        }

        /// Runs the worker until it finds nothing due.
        func drain() async throws {
            for _ in 0..<10 where try await worker.runOnce() > 0 {}
        }

        /// A new asylum permit holder at DUO whose SS101 has been processed: the scenario and the case.
        func openCase() async throws -> (SimScenarioRun, PersonRecord) {
            let run = try await simulator.run(.nieuweStatushouder, municipalityOIN: DUOEndToEndTests.weertOIN, week: .seconds(1))
            _ = await perform(run.steps[0])
            try await drain()
            return (run, try #require(try await person(bsn: run.bsn)))
        }

        var scope: TenantScope { TenantScope(municipalityCodes: ["GM0988", "GM1706"]) }

        func person(bsn: String) async throws -> PersonRecord? {
            try await services.database.sql.raw("SELECT * FROM persons WHERE bsn = \(bind: bsn)")
                .first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        }

        func outbox(_ personId: String) async throws -> [DUOOutboxRecord] {
            try await services.duoStore.listOutbox(scope: scope, personId: personId)
        }

        /// Fixes a PIP for the person in Regie (a concept, then fixed): the outbox gets the message.
        func fixPIP(_ personId: String, on day: CalendarDate, route: Leerroute = .b1, level: Taalniveau = .b1) async throws {
            let now = clock.now
            let audit = AuditEvent(actorId: "a-consulent", actorName: "consulent A", actorRole: "consulent", organisationId: world.orgA,
                                   action: "casework.pip.fix", personId: personId, purpose: "inburgering", requestId: "test")
            let actor = CaseActor(id: "a-consulent", name: "consulent A")
            let concept = PIPRecord(id: UUID().uuidString.lowercased(), personId: personId, version: 1, status: .concept, dagtekening: nil,
                                    leerroute: route, niveau: level, begeleiding: "", ondersteuning: "", pvt: "", pvtUren: nil, map: "", mapUren: nil,
                                    vve: .none, voortgangsgesprekken: nil, cadansMaanden: nil, einddoel: nil, redenAfwijking: nil, intensiteitB1: nil,
                                    changeReason: nil, changeNote: nil, createdBy: "a-consulent", createdAt: now.epochSeconds, updatedAt: now.epochSeconds)
            _ = try await services.casework.saveConcept(concept, scope: scope, actor: actor, audit: audit, now: now)
            _ = try await services.casework.fixPIP(personId: personId, dagtekening: day, scope: scope, actor: actor, audit: audit, now: now)
        }
    }

    /// `timeout`: how long Regie waits for the simulator. 60 s by default: the whole suite beside a
    /// build made a 15 s pull time out, the notification went to a later retry and the case was not
    /// there yet (three tests failed that way in one fresh-clone run).
    static func withHarness(_ engine: Engine, timeout: Duration = .seconds(60), _ body: @Sendable (Harness) async throws -> Void) async throws {
        try await TestDatabase.with(engine) { database in
            let clock = TestClock()
            let world = try await World.seed(database, now: clock.now)
            let simulator = DUOSimulator(duoOIN: DUOConfig.developmentDUOOIN,
                                         municipalities: [weertOIN: "0988", DUOConfig.developmentOIN(for: "GM1706"): "1706"],
                                         now: { clock.now })
            let simServer = DUOSimulatorServer(simulator: simulator, regieNotifyURL: nil, duoOIN: DUOConfig.developmentDUOOIN,
                                               municipalityOINs: [:], tls: nil, logger: Logger(label: "sim"))
            try await Application(router: simServer.router()).test(.live) { duo in
                let port = try #require(duo.port)
                let logger = { var l = Logger(label: "duo"); l.logLevel = .critical; return l }()
                let client = try DUOClient(endpoint: DUOEndpoint(baseURL: "http://127.0.0.1:\(port)/v1", duoOIN: DUOConfig.developmentDUOOIN,
                                                                       timeout: timeout), logger: logger)
                let views = try await Views.load()
                let services = AppServices(config: try TestSupport.config(), database: database, clock: clock.appClock, views: views,
                                           catalogue: views.catalogue, metrics: RegieMetrics(), bcryptCost: 4, duoClient: client)
                let api = NotificationAPI(services: services, logger: logger)
                do {
                    try await Application(router: api.router()).test(.live) { regieListener in
                        let listenerPort = try #require(regieListener.port)
                        let server = DUOSimulatorServer(simulator: simulator, regieNotifyURL: "http://127.0.0.1:\(listenerPort)\(NotificationAPI.path)",
                                                        duoOIN: DUOConfig.developmentDUOOIN, municipalityOINs: [weertOIN: "0988"], tls: nil, logger: logger,
                                                        // A full suite on two busy cores can hold a request past the production 10 s.
                                                        sendTimeout: .seconds(60))
                        try await Application(router: try buildRouter(services: services)).test(.router) { web in
                            try await body(Harness(services: services, world: world, clock: clock, simulator: simulator, server: server,
                                                   worker: DUOWorker(services: services, client: client, workerId: "test", logger: logger), web: web))
                        }
                        ExchangeLog.append(await simulator.exchanges())
                    }
                } catch {
                    await client.shutdown()
                    throw error
                }
                await client.shutdown()
            }
        }
    }

    @Test("A new asylum permit holder: notification → pull → case with the PIP term → LBT result → PIP fixed → pushed → at DUO", arguments: Engine.available)
    func newcomerJourney(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let run = try await h.simulator.run(.nieuweStatushouder, municipalityOIN: Self.weertOIN, week: .seconds(1))
            // SS101 and SS139 arrive, are stored and acknowledged (201), and processed afterwards.
            #expect(await h.perform(run.steps[0]) == 201)
            #expect(await h.perform(run.steps[1]) == 201)
            #expect(try await h.person(bsn: run.bsn) == nil, "stored first, processed later")
            try await h.drain()

            let person = try #require(try await h.person(bsn: run.bsn))
            #expect(person.municipalityCode == "GM0988")
            #expect(person.detailsPending, "name and birth date follow from the BRP")
            #expect(person.doelgroep == .asielstatushouder)
            let traject = try #require(try await h.services.persons.fetchTraject(personId: person.id, scope: h.scope))
            let duoPerson = try #require(await h.simulator.person(bsn: run.bsn))
            let kennisgeving = try #require(duoPerson.plicht.datumKennisgevingInburgeringsplicht)
            #expect(traject.kennisgevingDate == kennisgeving)
            #expect(traject.duoTenWeeksStart == CalendarDate.today(now: h.clock.now))
            // R1: an asylum permit holder's 10 weeks wait for housing (no BRP date yet); SS139 says DUO started
            // them today, so the PIP is due 10 weeks from today, and that is the case's nearest term.
            let today = CalendarDate.today(now: h.clock.now)
            let terms = StatutoryClock.terms(for: traject.lawFacts(person: person), on: today)
            let pipTerm = try #require(terms.first { $0.rule == .r1 })
            #expect(pipTerm.due == Termijn.weeks(10).period(afterTrigger: today).end)
            let nextDue = try await h.services.database.sql.raw("SELECT next_due_date FROM trajecten WHERE person_id = \(bind: person.id)").first()!
                .decode(column: "next_due_date", as: String.self)
            #expect(nextDue == pipTerm.due.iso)
            // Where a person must act, a task: plan the intake.
            let tasks = try await h.services.casework.listTaken(personId: person.id, scope: h.scope)
            #expect(tasks.contains { $0.title == h.services.catalogue.text("duo.task.planIntake", .nl) && $0.source == "duo" })
            let events = try await h.services.casework.listEvents(personId: person.id, scope: h.scope).map(\.kind)
            #expect(events.contains("duo.SS101") && events.contains("duo.SS139"))

            // The case worker completes the details from the BRP: refused without a name (typed values kept), then saved.
            let browser = Browser(h.web)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.get("/").body.contains("<span class=\"tile__count\">2</span> <span class=\"tile__label\">DUO-signalen (7 dagen)"))
            let file = try await browser.get("/personen/\(person.id)")
            #expect(file.body.contains("Naam volgt uit de BRP") && file.body.contains("nog aanvullen uit de BRP"))
            let refused = try await browser.post("/personen/\(person.id)/gegevens", form: [("familyName", "Tesfaye"), ("gender", "vrouw")], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("href=\"#givenNames\"") && refused.body.contains("value=\"Tesfaye\""))
            let brp = CalendarDate.today(now: h.clock.now).adding(days: -1)
            let saved = try await browser.post("/personen/\(person.id)/gegevens", form: [
                ("givenNames", "Selam"), ("familyName", "Tesfaye"), ("dateOfBirth", "1996-03-04"), ("gender", "vrouw"), ("language", "Tigrinya"),
                ("interpreter", "ja"), ("brp", brp.iso)], csrf: csrf)
            #expect(saved.location == "/personen/\(person.id)?melding=gegevens")
            #expect(try await h.services.audit.search(.init(personId: person.id), before: nil, limit: 50).rows.map(\.action).contains("person.details.update"))
            let completed = try #require(try await h.person(bsn: run.bsn))
            #expect(!completed.detailsPending && completed.fullName == "Selam Tesfaye" && completed.dateOfBirth == isoDay("1996-03-04"))
            let housed = try #require(try await h.services.persons.fetchTraject(personId: person.id, scope: h.scope))
            #expect(housed.brpDate == brp && housed.phase == .gehuisvest)
            // R1: with both the kennisgeving and the BRP date known, the later starts the 10 weeks.
            let housedFacts = housed.lawFacts(person: completed)
            let r1 = try #require(StatutoryClock.terms(for: housedFacts, on: today).first { $0.rule == .r1 })
            #expect(r1.due == Termijn.weeks(10).period(afterTrigger: max(kennisgeving, brp)).end)
            #expect(try await h.services.persons.listPersons(scope: h.scope, filter: .init(search: "tesfaye"), after: nil, limit: 10, today: today).rows.map(\.id) == [person.id])

            // A week later: registered for the LBT; then the result (26 of 28).
            #expect(await h.perform(run.steps[2]) == 201)
            #expect(await h.perform(run.steps[3]) == 201)
            try await h.drain()
            let lbt = try await h.services.casework.listLBT(personId: person.id, scope: h.scope)
            #expect(lbt.map(\.score) == [26])

            // The PIP is fixed in Regie; the outbox sends it; DUO holds it and starts the term.
            let day = CalendarDate.today(now: h.clock.now)
            try await h.fixPIP(person.id, on: day)
            let pending = try await h.outbox(person.id)
            #expect(pending.map(\.status) == ["pending"], "written with the PIP, in the same transaction")
            try await h.drain()
            #expect(try await h.outbox(person.id).map(\.status) == ["sent"])
            let atDUO = try #require(await h.simulator.person(bsn: run.bsn)?.pip)
            #expect(atDUO.pip.dagtekeningPip == day)
            #expect(atDUO.pip.leerroute == "B")
            #expect(atDUO.gemeentecode == "0988")
            #expect(try await h.services.casework.listEvents(personId: person.id, scope: h.scope).contains { $0.kind == "duo.sent" })
            // The PIP page shows each version's state at DUO.
            let pipPage = try await browser.get("/personen/\(person.id)/pip")
            #expect(pipPage.body.contains("status--sent") && pipPage.body.contains("Verstuurd en ontvangen"))
        }
    }

    @Test("The same notification twice changes nothing; a repeated event adds no second LBT", arguments: Engine.available)
    func duplicates(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let run = try await h.simulator.run(.nieuweStatushouder, municipalityOIN: Self.weertOIN, week: .seconds(1))
            for step in run.steps { #expect(await h.perform(step) == 201) }
            // The same BerichtId twice: stored once.
            let id = UUID().uuidString
            let body = ByteBuffer(data: try DUOJSON.encode(h.simulator.notification(eventId: "SS131", bsn: run.bsn, vNummer: nil, at: h.clock.now)))
            let headers: HTTPFields = [HTTPField.Name("bron")!: DUOConfig.developmentDUOOIN, HTTPField.Name("doel")!: Self.weertOIN,
                                       HTTPField.Name("berichtId")!: id, .contentType: "application/json"]
            let api = NotificationAPI(services: h.services, logger: Logger(label: "t"))
            try await Application(router: api.router()).test(.router) { client in
                for _ in 0..<2 {
                    let response = try await client.execute(uri: NotificationAPI.path, method: .post, headers: headers, body: body)
                    #expect(response.status == .created)
                }
            }
            // And the same event again with a new BerichtId (DUO resends).
            #expect(await h.notify("SS131", bsn: run.bsn) == 201)
            try await h.drain()
            let person = try #require(try await h.person(bsn: run.bsn))
            let notifications = try await h.services.duoStore.listNotifications(scope: h.scope, personId: person.id)
            #expect(notifications.count == 6, "SS101, SS139, SS137, SS131 ×2 with distinct BerichtIds; the repeated BerichtId once")
            #expect(notifications.allSatisfy { $0.status == "processed" })
            #expect(try await h.services.casework.listLBT(personId: person.id, scope: h.scope).count == 1)
        }
    }

    @Test("Out of order: an LBT result before the new obligation waits, and ends in the same state as in order", arguments: Engine.available)
    func outOfOrder(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let inOrder = try await h.simulator.run(.nieuweStatushouder, municipalityOIN: Self.weertOIN, week: .seconds(1))
            let reversed = try await h.simulator.run(.nieuweStatushouder, municipalityOIN: Self.weertOIN, week: .seconds(1))
            for step in inOrder.steps { _ = await h.perform(step) }
            try await h.drain()
            // The other person's notifications arrive in reverse; the state changes at DUO still happen first.
            for step in reversed.steps { _ = await h.simulator.perform(step, at: h.clock.now) }
            for step in reversed.steps.reversed() { _ = await h.notify(step.gebeurtenisId, bsn: step.bsn) }
            try await h.drain()
            h.clock.advance(120)  // the waiting ones are due again (they were also made due when the case was created)
            try await h.drain()

            func state(_ bsn: String) async throws -> [String] {
                let person = try #require(try await h.person(bsn: bsn))
                let traject = try #require(try await h.services.persons.fetchTraject(personId: person.id, scope: h.scope))
                let lbt = try await h.services.casework.listLBT(personId: person.id, scope: h.scope).map { "\($0.testDate?.iso ?? "") \($0.score ?? -1)" }
                let tasks = try await h.services.casework.listTaken(personId: person.id, scope: h.scope).map(\.title).sorted()
                return [person.doelgroep.rawValue, traject.kennisgevingDate?.iso ?? "", traject.phase.rawValue, lbt.joined(separator: ","), tasks.joined(separator: "|")]
            }
            #expect(try await state(inOrder.bsn) == (try await state(reversed.bsn)))
            let person = try #require(try await h.person(bsn: reversed.bsn))
            #expect(try await h.services.duoStore.listNotifications(scope: h.scope, personId: person.id).allSatisfy { $0.status == "processed" })
        }
    }

    @Test("DUO down: the PIP waits and is retried with backoff, then sent once; nothing is lost", arguments: Engine.available)
    func duoDown(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let (run, person) = try await h.openCase()
            await h.simulator.setDown(true)
            // A notification while DUO is down: stored; its pull fails and is retried.
            #expect(await h.perform(run.steps[1]) == 201)
            try await h.fixPIP(person.id, on: CalendarDate.today(now: h.clock.now))
            _ = try await h.worker.runOnce()
            let waiting = try #require(try await h.outbox(person.id).first)
            #expect(waiting.status == "pending")
            #expect(waiting.attempts == 1)
            #expect(waiting.lastError?.contains("unavailable") == true)
            let notification = try #require(try await h.services.duoStore.listNotifications(scope: h.scope, personId: nil).first { $0.gebeurtenisId == "SS139" })
            #expect(notification.status == "received" && notification.lastError == "unavailable")
            // Still down a little later: a second attempt, still waiting.
            h.clock.advance(6)
            _ = try await h.worker.runOnce()
            #expect(try await h.outbox(person.id).first?.attempts == 2)
            // Up again: after the backoff it goes, once.
            await h.simulator.setDown(false)
            _ = try await h.worker.runOnce()
            #expect(try await h.outbox(person.id).first?.status == "pending", "not before the backoff has passed")
            h.clock.advance(11)
            try await h.drain()
            #expect(try await h.outbox(person.id).map(\.status) == ["sent"])
            let accepted = await h.simulator.exchanges().filter { $0.method == "POST" && $0.path.hasSuffix("/PIP") && $0.status == 201 }
            #expect(accepted.count == 1)
            #expect(try await h.services.duoStore.listNotifications(scope: h.scope, personId: person.id).allSatisfy { $0.status == "processed" })
        }
    }

    @Test("DUO refuses a PIP: the message is marked refused with DUO's reason, the case worker gets a task and sees it", arguments: Engine.available)
    func refused(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let (_, person) = try await h.openCase()
            _ = try await h.services.casework.assign(personIds: [person.id], to: "a-consulent", consulentName: "consulent A", scope: h.scope,
                                                     actor: CaseActor(id: "a-teamleider", name: "teamleider A"),
                                                     audit: AuditEvent(actorId: "a-teamleider", actorName: "teamleider A", actorRole: "teamleider", organisationId: h.world.orgA,
                                                                       action: "team.assign", purpose: "inburgering", requestId: "t"),
                                                     now: h.clock.now)
            await h.simulator.setRejectNextPIP(reason: "Het PIP is al geregistreerd door een andere gemeente.")
            try await h.fixPIP(person.id, on: CalendarDate.today(now: h.clock.now))
            try await h.drain()
            let message = try #require(try await h.outbox(person.id).first)
            #expect(message.status == "rejected")
            #expect(message.foutTeksten == ["Het PIP is al geregistreerd door een andere gemeente."])
            let tasks = try await h.services.casework.listTaken(personId: person.id, scope: h.scope)
            #expect(tasks.contains { $0.source == "duo" && $0.title.contains("PIP") && $0.assigneeId == "a-consulent" })

            let browser = Browser(h.web)
            let csrf = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/\(person.id)/duo")
            #expect(page.status == .ok)
            #expect(page.body.contains("Afgewezen door DUO"))
            #expect(page.body.contains("Het PIP is al geregistreerd door een andere gemeente."))
            // Retry now: back in the queue, sent this time, and the retry is audited.
            let retried = try await browser.post("/duo/berichten/\(message.id)/opnieuw", form: [("terug", "dossier")], csrf: csrf)
            #expect(retried.status == .seeOther)
            try await h.drain()
            #expect(try await h.outbox(person.id).first?.status == "sent")
            let audit = try await h.services.audit.search(.init(personId: person.id), before: nil, limit: 50).rows.map(\.action)
            #expect(audit.contains("duo.retry"))
            #expect(audit.contains("duo.person.view"))
        }
    }

    @Test("A PIP cannot be fixed for a person whose BRP details are still missing (a beschikking names its addressee)", arguments: Engine.available)
    func noPIPWithoutDetails(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let (_, person) = try await h.openCase()
            let browser = Browser(h.web)
            let csrf = try await browser.login(World.email(.consulent))
            let concept = try await browser.post("/personen/\(person.id)/pip", form: [("leerroute", "z")], csrf: csrf)
            #expect(concept.status == .seeOther)
            let refused = try await browser.post("/personen/\(person.id)/pip/vaststellen", form: [("dagtekening", CalendarDate.today(now: h.clock.now).iso)], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Vul eerst de persoonsgegevens aan uit de BRP"))
            #expect(try await h.outbox(person.id).isEmpty)
        }
    }

    @Test("A PIP that breaks DUO's rules is stopped before sending, with the rule named", arguments: Engine.available)
    func stoppedByTheLaw(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let (run, person) = try await h.openCase()
            let start = try #require(await h.simulator.person(bsn: run.bsn)?.plicht.begindatum)
            // Dated before the obligation started (as DUO last reported it): DUO would refuse it (R6.1).
            try await h.fixPIP(person.id, on: start.adding(days: -3))
            try await h.drain()
            let message = try #require(try await h.outbox(person.id).first)
            #expect(message.status == "stopped")
            #expect(message.foutTeksten.count == 1)
            #expect(message.foutTeksten.first?.contains(DisplayDateProbe.dutch(start)) == true)
            let sent = await h.simulator.exchanges().filter { $0.method == "POST" && $0.path.hasSuffix("/PIP") }
            #expect(sent.isEmpty, "nothing reached DUO")
        }
    }

    @Test("Reconciliation: after a fresh pull the page and the API list where Regie and DUO disagree", arguments: Engine.available)
    func reconciliation(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let (run, person) = try await h.openCase()
            let browser = Browser(h.web)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.get("/duo/afstemming").body.contains(h.services.catalogue.text("duo.reconciliation.empty", .nl)))
            // DUO changes the target group without telling Regie; a case worker fetches DUO's data again.
            var atDUO = try #require(await h.simulator.person(bsn: run.bsn))
            atDUO.doelgroep = DoelgroepInfo(indeling: "Gezinsmigrant en overige migrant", begindatum: atDUO.doelgroep.begindatum, gedetailleerdeDoelgroep: .gezinsvormer)
            await h.simulator.seed(atDUO)
            let refreshed = try await browser.post("/personen/\(person.id)/duo/ophalen", form: [], csrf: csrf)
            #expect(refreshed.location == "/personen/\(person.id)/duo?melding=opgehaald")
            let page = try await browser.get("/duo/afstemming")
            #expect(page.body.contains("/personen/\(person.id)/duo"))
            #expect(page.body.contains("Gezinsvormer") && page.body.contains("Asielstatushouder"))

            let key = try await APITests.createKey(h.web)
            let api = try await APITests.call(h.web, "/api/v1/duo/discrepancies?municipality=GM0988", key: key)
            #expect(api.status == .ok)
            let rows = try #require(api.json["data"] as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["kind"] as? String == "doelgroep")
            #expect(rows.first?["regie"] as? String == "Asielstatushouder")
            #expect(rows.first?["duo"] as? String == "Gezinsvormer")
            #expect(try await APITests.call(h.web, "/api/v1/duo/discrepancies?municipality=GM0957", key: key).json["data"] as? [Any] != nil)
            #expect(try await APITests.call(h.web, "/api/v1/duo/discrepancies?municipality=Weert", key: key).status == .badRequest)
            let audit = try await h.services.audit.search(.init(personId: nil), before: nil, limit: 100).rows.map(\.action)
            #expect(audit.contains("duo.person.refresh") && audit.contains("duo.reconciliation.view"))
        }
    }

    @Test("The offer at route start and the contact person reach DUO through the outbox; bad input is refused and kept", arguments: Engine.available)
    func offerAndContact(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let (run, person) = try await h.openCase()
            let today = CalendarDate.today(now: h.clock.now)
            try await h.fixPIP(person.id, on: today)
            try await h.drain()
            let browser = Browser(h.web)
            let csrf = try await browser.login(World.email(.consulent))
            // Route start with an institution number of 9 characters: refused, the typed value kept.
            let refused = try await browser.post("/personen/\(person.id)/voortgang/start", form: [("startDate", today.iso), ("instellingsnummer", "12AB34567")], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("value=\"12AB34567\""))
            let started = try await browser.post("/personen/\(person.id)/voortgang/start",
                                                 form: [("startDate", today.iso), ("instellingsnummer", "12AB345678"), ("expectedEndDate", today.adding(days: 300).iso), ("literacy", "AA")], csrf: csrf)
            #expect(started.status == .seeOther)
            // The contact person: a phone number DUO would refuse, then a good one.
            let badPhone = try await browser.post("/personen/\(person.id)/duo/contactpersoon", form: [("naam", "Fatima el Amrani"), ("email", "f@weert.nl"), ("telefoonnummer", "bel mij")], csrf: csrf)
            #expect(badPhone.status == .badRequest)
            #expect(badPhone.body.contains("href=\"#telefoonnummer\"") && badPhone.body.contains("value=\"bel mij\""))
            let reported = try await browser.post("/personen/\(person.id)/duo/contactpersoon", form: [("naam", "Fatima el Amrani"), ("email", "f@weert.nl"), ("telefoonnummer", "0495 575 000")], csrf: csrf)
            #expect(reported.location == "/personen/\(person.id)/duo?melding=contactpersoon")
            #expect(try await h.services.audit.search(.init(personId: person.id), before: nil, limit: 50).rows.map(\.action).contains("duo.contact"))
            // Hours of language and KNM during the brede intake: DUO registers the total (GevolgdeUren).
            for hours in ["6", "4"] {
                let booked = try await browser.post("/personen/\(person.id)/voortgang/uren",
                                                    form: [("periodEnd", today.iso), ("uren-cursus", hours), ("duringIntake", "ja")], csrf: csrf)
                #expect(booked.status == .seeOther)
            }
            try await h.drain()
            #expect(try await h.outbox(person.id).map(\.kind) == ["uren.taallesknm", "uren.taallesknm", "contactpersoon", "inburgeringsaanbod", "pip"])
            #expect(await h.simulator.person(bsn: run.bsn)?.uren["0988"]?.taallesKNM == 10, "the total, not the last booking")
            #expect(try await h.outbox(person.id).allSatisfy { $0.status == "sent" })
            let atDUO = try #require(await h.simulator.person(bsn: run.bsn))
            #expect(atDUO.aanbod["12AB345678"]?.indicatorAlfabetiseringsonderwijs == "AA")
            #expect(atDUO.aanbod["12AB345678"]?.verwachteEinddatumOpleiding == today.adding(days: 300))
            let contactLinks = await h.simulator.exchanges().filter { $0.method == "POST" && $0.path.hasPrefix("/contactpersonen") }
            #expect(contactLinks.map(\.status) == [201, 201], "created, then linked to the BSN")
        }
    }

    @Test("A move within the organisation (SS121) takes the file along; a person of another organisation is not touched", arguments: Engine.available)
    func move(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            let cranendonck = DUOConfig.developmentOIN(for: "GM1706")
            let run = try await h.simulator.run(.nieuweStatushouder, municipalityOIN: cranendonck, week: .seconds(1))
            let first = await h.simulator.perform(run.steps[0], at: h.clock.now)
            #expect(await h.server.send(first, to: cranendonck)?.status == 201)
            try await h.drain()
            let before = try #require(try await h.person(bsn: run.bsn))
            #expect(before.municipalityCode == "GM1706")
            // At DUO the person now lives in Weert; DUO tells Weert.
            var moved = try #require(await h.simulator.person(bsn: run.bsn))
            moved.gemeentecode = "0988"
            await h.simulator.seed(moved)
            #expect(await h.notify("SS121", bsn: run.bsn) == 201)
            try await h.drain()
            let after = try #require(try await h.person(bsn: run.bsn))
            #expect(after.id == before.id, "the same file, not a second one")
            #expect(after.municipalityCode == "GM0988")
            #expect(try await h.services.persons.fetchTraject(personId: after.id, scope: h.scope)?.municipalityCode == "GM0988")
            let tasks = try await h.services.casework.listTaken(personId: after.id, scope: h.scope).map(\.title)
            #expect(tasks.contains(h.services.catalogue.text("duo.task.overgenomenMetPIP", .nl)))

            // Roermond (organisation B) is served by this instance too, but B's person is B's: a notification
            // for Weert about that BSN fails with the reason and changes nothing.
            #expect(await h.notify("SS124", bsn: "999990032") == 201)
            try await h.drain()
            let failed = try await h.services.duoStore.listNotifications(scope: h.scope).first { $0.bsn == "999990032" }
            #expect(failed?.status == "failed" && failed?.lastError == "otherOrganisation")
        }
    }

    @Test("An unknown event is kept and shown, not dropped", arguments: Engine.available)
    func unknownEvent(engine: Engine) async throws {
        try await Self.withHarness(engine) { h in
            #expect(await h.notify("SS777", bsn: "999990019") == 201)
            try await h.drain()
            let stored = try await h.services.duoStore.listNotifications(scope: h.scope)
            #expect(stored.map(\.status) == ["unknown"])
            let browser = Browser(h.web)
            _ = try await browser.login(World.email(.teamleider))
            let page = try await browser.get("/duo")
            #expect(page.status == .ok)
            #expect(page.body.contains("SS777"))
            #expect(page.body.contains("Onbekende gebeurtenis"))
            // The page lists a notification about a known person (World's person A has this BSN): the view is audited.
            #expect(try await h.services.audit.search(.init(personId: nil), before: nil, limit: 50).rows.contains { $0.action == "duo.view" })
        }
    }
}

/// Every request Regie sent to the simulator and every answer of Regie's Notificatie API, written as
/// JSON lines to `REGIE_DUO_EXCHANGES` when set, so `e2e/duo_spec_check.py` can check them against
/// DUO's published specs.
/// The exchanges of every DUO test, one JSON line each, for `e2e/duo_spec_check.py`. Tests run in
/// parallel (and the SQLite and PostgreSQL runs share the file): the writes are serialised in this
/// process by a lock, and the file is opened with `O_APPEND`, so every write lands at the end as a
/// whole even when another process appends too — no two tests can seek to the same end.
enum ExchangeLog {
    private static let lock = Mutex<Void>(())

    static func append(_ exchanges: [SimExchange]) {
        guard let path = ProcessInfo.processInfo.environment["REGIE_DUO_EXCHANGES"], !exchanges.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let lines = exchanges.compactMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) + "\n" }.joined()
        lock.withLock { _ in
            do {
                try appendAtomically(Array(lines.utf8), to: path)
            } catch {
                // A lost line would make the spec check pass on less than was exchanged: say so loudly.
                Issue.record("Could not append to the DUO exchange log \(path): \(error)")
            }
        }
    }

    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// One `write` on a descriptor opened with `O_APPEND` (retried for the rest after a short write).
    static func appendAtomically(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(description: "open: errno \(errno)") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(description: "write: errno \(errno)")
            }
            offset += written
        }
    }
}

/// Dates as the law's Dutch texts write them ("18 november 2026"), to find a date in a reason.
enum DisplayDateProbe {
    static let months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
    static func dutch(_ date: CalendarDate) -> String { "\(date.day) \(months[date.month - 1]) \(date.year)" }
}
