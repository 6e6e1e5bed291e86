import BRP
import BRPSimulator
import Foundation
import HTTPTypes
import Hummingbird
import Inburgering
import HummingbirdTesting
import Logging
import RegieStorage
import Synchronization
import Testing
@testable import RegieServer

/// The BRP link against the BRP simulator over HTTP: a case opened on a DUO signal completed by the
/// worker, differences shown before they are taken over, a move, a death and secrecy turned into a
/// task and a mark, an unreachable BRP retried, every lookup audited with its purpose. Every
/// exchange is written to `REGIE_BRP_EXCHANGES` for `e2e/brp_spec_check.py`.
@Suite("BRP link: completing, comparing, signals, retries")
struct BRPTests {
    static let apiKey = "test-brp-key"
    static let bsnA = "999990019"

    /// Person A as the BRP holds them (the file says Amal Haddad, born 28 February 1990, BRP 15 September 2026).
    static var personA: BRPPersoon {
        BRPPersoon(burgerservicenummer: bsnA, naam: BRPNaam(voornamen: "Amal Noor", voorvoegsel: nil, geslachtsnaam: "Haddad"),
                   geboorte: BRPGeboorte(datum: BRPDatum(iso: "1990-02-28")), geslacht: BRPWaarde(code: "V", omschrijving: "vrouw"),
                   verblijfplaats: BRPVerblijfplaats(type: "Adres", verblijfadres: BRPVerblijfadres(
                       officieleStraatnaam: "Maasstraat", korteStraatnaam: "Maasstraat", huisnummer: 12, huisletter: "a", postcode: "6001 AB", woonplaats: "Weert"),
                       datumVan: BRPDatum(iso: "2026-09-20")),
                   gemeenteVanInschrijving: BRPWaarde(code: "0988", omschrijving: "Weert"), datumInschrijvingInGemeente: BRPDatum(iso: "2026-09-20"),
                   partners: [BRPGerelateerde(burgerservicenummer: "999990020", naam: BRPNaam(voornamen: "Omar", geslachtsnaam: "Khalil"),
                                              geboorte: BRPGeboorte(datum: BRPDatum(iso: "1988-05-01")))],
                   kinderen: [BRPGerelateerde(burgerservicenummer: "999990044", naam: BRPNaam(voornamen: "Sami", geslachtsnaam: "Khalil"),
                                              geboorte: BRPGeboorte(datum: BRPDatum(iso: "2024-01-10")))])
    }

    /// Runs `body` with a BRP simulator on a port of its own and an app whose BRP_URL points there.
    static func withBRP(_ engine: Engine, reachable: Bool = true,
                        _ body: @Sendable (any TestClientProtocol, AppContext, BRPSimulator) async throws -> Void) async throws {
        let simulator = BRPSimulator(apiKey: apiKey)
        await simulator.add([personA])
        try await Application(router: BRPSimulatorServer(simulator: simulator).router()).test(.live) { brp in
            let port = try #require(brp.port)
            let url = reachable ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:9"
            let logger = { var l = Logger(label: "brp"); l.logLevel = .critical; return l }()
            let client = try BRPClient(endpoint: BRPEndpoint(baseURL: url, apiKey: apiKey, timeout: .seconds(30)), logger: logger)
            do {
                try await TestSupport.withApp(engine, config: ["BRP_URL": url], brpClient: client) { web, app in
                    try await body(web, app, simulator)
                }
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        }
        BRPExchangeLog.append(await simulator.recordedExchanges())
    }

    static func worker(_ app: AppContext) throws -> BRPWorker {
        try BRPWorker(services: app.services, client: #require(app.services.brpClient), logger: Logger(label: "brp-worker"))
    }

    static func audit(_ app: AppContext, _ action: String) async throws -> [AuditEntry] {
        try await app.services.audit.search(.init(action: action), before: nil, limit: 50).rows
    }

    @Test("A case opened on a DUO signal is completed from the BRP by the worker: name, birth date, gender, address, registration date",
          arguments: Engine.available)
    func completesPending(engine: Engine) async throws {
        try await Self.withBRP(engine) { _, app, _ in
            let person = app.world.personA
            try await app.database.sql.raw("UPDATE persons SET details_pending = 1, given_names = '', family_name = '', date_of_birth = '' WHERE id = \(bind: person)").run()
            let worker = try Self.worker(app)
            try await worker.scan(now: app.clock.now)
            #expect(try await app.services.brp.waiting(personId: person)?.purpose == "aanvullen")
            #expect(try await worker.runOnce() >= 1)
            let scope = AccessScope(municipalityCodes: ["GM0988"])
            let completed = try #require(try await app.services.persons.fetchPerson(id: person, scope: scope))
            #expect(!completed.detailsPending)
            #expect(completed.givenNames == "Amal Noor" && completed.familyName == "Haddad")
            #expect(completed.dateOfBirth == CalendarDate(iso: "1990-02-28") && completed.gender == .vrouw)
            #expect(try await app.services.persons.currentAddresses(personId: person, scope: scope)[.woon]?.singleLine.contains("Maasstraat 12a") == true)
            #expect(try await app.services.persons.fetchTraject(personId: person, scope: scope)?.brpDate == CalendarDate(iso: "2026-09-20"))
            #expect(try await app.services.brp.flags(personId: person).detailsFromBRP)
            let left = try await app.services.brp.waiting(personId: person)
            #expect(left == nil, "done and out of the queue: \(String(describing: left))")
            let lookups = try await Self.audit(app, "person.brp.lookup")
            #expect(lookups.contains { $0.personId == person && $0.detail.contains("doel: aanvullen") && $0.actorName == "BRP-koppeling" })
        }
    }

    @Test("Differences are shown before they are taken over; taking over keeps the old values in the history; the household is listed",
          arguments: Engine.available)
    func differences(engine: Engine) async throws {
        try await Self.withBRP(engine) { web, app, _ in
            let person = app.world.personA
            let browser = Browser(web)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.get("/personen/\(person)").body.contains("Nog niet opgevraagd uit de BRP."))
            let asked = try await browser.post("/personen/\(person)/brp", form: [], csrf: csrf)
            #expect(asked.location == "/personen/\(person)/brp?melding=opgehaald")
            let page = try await browser.get("/personen/\(person)/brp")
            #expect(page.status == .ok)
            #expect(page.body.contains("Verschillen met het dossier"))
            #expect(page.body.contains("Amal Noor") && page.body.contains("Maasstraat 12a"))
            #expect(page.body.contains("<a href=\"/personen/\(app.world.personA2)\">Omar Khalil</a>"), "the partner's own file in this organisation, linked")
            #expect(page.body.contains("Sami Khalil") && page.body.contains("jonger dan 4: voorschoolse educatie bespreken"), "a child under 4: VVE in the intake")
            #expect(page.body.contains("Geen plicht (jonger dan 16)"), "the child has no obligation")
            #expect(page.body.contains("Asielstatushouder · Brede intake"), "where the partner's case stands")
            #expect(page.body.contains("Nog geen besluit"), "nobody in the household has an ontzorgen decision yet")
            // The budget manager decides on ontzorgen for the person; the household then shows the arrangement, linked.
            try await OntzorgenTests.seed(app)
            let budget = Browser(web)
            let budgetCSRF = try await budget.login(World.email(.budgetbeheerder))
            #expect(try await budget.post("/personen/\(person)/ontzorgen/besluit", form: [
                ("bijstandStart", "2026-09-15"), ("ontzorgd", "ja"), ("reason", "beleid"), ("decisionDate", "2026-09-16")], csrf: budgetCSRF).status == .seeOther)
            let arranged = try await browser.get("/personen/\(person)/brp").body
            #expect(arranged.contains("<a href=\"/personen/\(person)/ontzorgen\">Ontzorgd van 15 september 2026 t/m"), "the arrangement, linked to its page")
            // Nothing was taken over yet: the file still says what was typed.
            let scope = AccessScope(municipalityCodes: ["GM0988"])
            #expect(try await app.services.persons.fetchPerson(id: person, scope: scope)?.givenNames == "Amal")
            #expect(try await browser.post("/personen/\(person)/brp/overnemen", form: [], csrf: csrf).location == "/personen/\(person)/brp?melding=overgenomen")
            #expect(try await app.services.persons.fetchPerson(id: person, scope: scope)?.givenNames == "Amal Noor")
            #expect(!(try await browser.get("/personen/\(person)/brp").body.contains("Verschillen met het dossier")), "no differences left")
            let events = try await app.services.casework.listEvents(personId: person, scope: scope)
            #expect(events.contains { $0.kind == "adres.woon" && $0.detail.contains("Maasstraat") })
            #expect(try await Self.audit(app, "person.brp.apply").contains { $0.personId == person })
            #expect(try await Self.audit(app, "person.brp.lookup").contains { $0.personId == person && $0.detail.contains("doel: opvragen") && $0.actorName != "BRP-koppeling" })
            #expect(try await Self.audit(app, "person.brp.view").contains { $0.personId == person })
        }
    }

    @Test("A move out of the municipality, a death and secrecy each make one task and a mark on the file", arguments: Engine.available)
    func signals(engine: Engine) async throws {
        try await Self.withBRP(engine) { web, app, simulator in
            let person = app.world.personA
            let browser = Browser(web)
            let csrf = try await browser.login(World.email(.consulent))
            _ = await simulator.move(bsn: Self.bsnA, to: BRPWaarde(code: "0957", omschrijving: "Roermond"),
                                     address: BRPVerblijfadres(officieleStraatnaam: "Markt", korteStraatnaam: "Markt", huisnummer: 3, postcode: "6041 EL", woonplaats: "Roermond"),
                                     on: "2026-11-10")
            _ = await simulator.setSecrecy(bsn: Self.bsnA, true)
            _ = try await browser.post("/personen/\(person)/brp", form: [], csrf: csrf)
            _ = try await browser.post("/personen/\(person)/brp", form: [], csrf: csrf)
            let scope = AccessScope(municipalityCodes: ["GM0988"])
            var tasks = try await app.services.casework.listTaken(personId: person, scope: scope).filter { $0.source == "brp" }
            #expect(tasks.count == 2, "one task per signal, not one per lookup: \(tasks.map(\.title))")
            #expect(tasks.contains { $0.title.hasPrefix("Verhuisd naar Roermond volgens de BRP per 10 november 2026") && $0.assigneeId == "a-consulent" })
            #expect(tasks.contains { $0.title.hasPrefix("Geheimhouding persoonsgegevens") })
            let file = try await browser.get("/personen/\(person)").body
            #expect(file.contains("woont deze persoon nu in Roermond"))
            #expect(file.contains("verstrek geen gegevens van deze persoon aan derden"))

            _ = await simulator.die(bsn: Self.bsnA, on: "2026-11-15")
            _ = try await browser.post("/personen/\(person)/brp", form: [], csrf: csrf)
            tasks = try await app.services.casework.listTaken(personId: person, scope: scope).filter { $0.source == "brp" }
            #expect(tasks.count == 3)
            #expect(tasks.contains { $0.title.hasPrefix("Overleden volgens de BRP op 15 november 2026") })
            #expect(try await browser.get("/personen/\(person)").body.contains("overleden op 15 november 2026"))
        }
    }

    @Test("An unreachable BRP: the lookup waits in the queue and is tried again later, with what went wrong", arguments: [Engine.sqlite])
    func unreachable(engine: Engine) async throws {
        try await Self.withBRP(engine, reachable: false) { web, app, _ in
            let person = app.world.personA
            let browser = Browser(web)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.post("/personen/\(person)/brp", form: [], csrf: csrf).location == "/personen/\(person)/brp?melding=wachtrij")
            #expect(try await app.services.brp.waiting(personId: person)?.purpose == "opvragen")
            app.clock.advance(120)
            #expect(try await Self.worker(app).runOnce() == 1)
            let waiting = try #require(try await app.services.brp.waiting(personId: person))
            #expect(waiting.attempts == 1 && waiting.lastError == "unavailable")
            #expect(waiting.dueAt > app.clock.now, "tried again later, not dropped")
            #expect(try await browser.get("/personen/\(person)/brp").body.contains("De BRP was niet bereikbaar"))
            // Stored as a code, so each reader gets their own language.
            let english = Localizer(catalogue: app.services.catalogue, locale: .en)
            #expect(BRPController.errorText("unavailable", english) == "unreachable")
            #expect(BRPController.errorText("rejected:403", english) == "unusable: the request was refused (HTTP 403)")
            #expect(BRPController.errorText("niet bereikbaar", english) == "niet bereikbaar", "a text stored before the codes is shown as it is")
        }
    }

    @Test("A role that may not change the file sees the BRP page without buttons; another organisation gets 404", arguments: [Engine.sqlite])
    func access(engine: Engine) async throws {
        try await Self.withBRP(engine) { web, app, _ in
            let person = app.world.personA
            let lead = Browser(web)
            let leadCSRF = try await lead.login(World.email(.teamleider))
            #expect(try await lead.get("/personen/\(person)/brp").status == .ok)
            let other = Browser(web)
            let otherCSRF = try await other.login(World.email(.consulent, "b"))
            #expect(try await other.get("/personen/\(person)/brp").status == .notFound)
            #expect(try await other.post("/personen/\(person)/brp", form: [], csrf: otherCSRF).status == .notFound)
            #expect(try await other.post("/personen/\(person)/brp/overnemen", form: [], csrf: otherCSRF).status == .notFound)
            _ = leadCSRF
        }
    }

    @Test("The BRP and identity-provider settings are checked at start: personal data only over https in production")
    func configuration() throws {
        #expect(try TestSupport.config().brp.endpoint == nil, "no BRP_URL: no BRP link, details are typed")
        let brp = try #require(try TestSupport.config(["BRP_URL": "https://brp.gemeente.example/haalcentraal/api/brp/", "BRP_API_KEY": "k"]).brp.endpoint)
        #expect(brp.baseURL == "https://brp.gemeente.example/haalcentraal/api/brp" && brp.apiKeyHeader == "X-API-KEY" && brp.apiKey == "k")
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(["BRP_URL": "ftp://brp.example"]) }
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(["BRP_URL": "https://brp.example", "BRP_TLS_CERT": "/c.pem"]) }
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(["BRP_PER_MINUTE": "0"]) }
        let production = ["REGIE_ENV": "production", "FIELD_KEY": Data(repeating: 7, count: 32).base64EncodedString()]
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(production.merging(["BRP_URL": "http://brp.gemeente.example"]) { $1 }) }
        #expect(try TestSupport.config(production.merging(["BRP_URL": "http://127.0.0.1:8200"]) { $1 }).brp.endpoint != nil, "a local proxy may be plain http")
        let oidc = ["OIDC_ISSUER": "https://login.gemeente.example/", "OIDC_CLIENT_ID": "regie", "OIDC_ORGANISATION": "Gemeente",
                    "OIDC_ROLE_MAP": "g-consulent=consulent, g-beheer=functioneelBeheerder", "OIDC_BREAK_GLASS": "Beheer@Gemeente.example"]
        let config = try #require(try TestSupport.config(oidc).oidc.first)
        #expect(config.issuer == "https://login.gemeente.example" && config.roleMap["g-beheer"] == "functioneelBeheerder")
        #expect(config.breakGlass == ["beheer@gemeente.example"] && config.passwordLogin)
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(oidc.merging(["OIDC_ORGANISATION": ""]) { $1 }) }
        // A provider per organisation: the unnamed one and named ones; two for one organisation are refused.
        let venlo = ["OIDC_PROVIDERS": "venlo", "OIDC_VENLO_ISSUER": "https://login.venlo.example", "OIDC_VENLO_CLIENT_ID": "regie",
                     "OIDC_VENLO_ORGANISATION": "Venlo", "OIDC_VENLO_PASSWORD_LOGIN": "false"]
        let both = try TestSupport.config(oidc.merging(venlo) { $1 }).oidc
        #expect(both.map(\.key) == ["default", "venlo"] && both[1].organisation == "Venlo" && !both[1].passwordLogin)
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(oidc.merging(venlo) { $1 }.merging(["OIDC_VENLO_ORGANISATION": "Gemeente"]) { $1 }) }
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(["OIDC_PROVIDERS": "venlo"]) }
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(oidc.merging(["OIDC_ROLE_MAP": "zonder-rol"]) { $1 }) }
        #expect(throws: AppConfig.ConfigError.self, "a role Regie does not have") { try TestSupport.config(oidc.merging(["OIDC_ROLE_MAP": "g=baas"]) { $1 }) }
        #expect(throws: AppConfig.ConfigError.self) {
            try TestSupport.config(production.merging(oidc) { $1 }.merging(["OIDC_ISSUER": "http://login.gemeente.example"]) { $1 })
        }
    }

    // MARK: The simulator speaks the interface

    @Test("The simulator refuses what the interface refuses and answers only the fields asked for")
    func simulator() async throws {
        let simulator = BRPSimulator(apiKey: Self.apiKey)
        await simulator.add([Self.personA])
        func ask(_ query: BRPQuery, key: String? = Self.apiKey) async -> (Int, String) {
            let answer = await simulator.answer(body: try! JSONEncoder().encode(query), headers: key.map { ["x-api-key": $0] } ?? [:])
            return (answer.status, String(decoding: answer.body, as: UTF8.self))
        }
        #expect(await ask(BRPQuery(burgerservicenummers: [Self.bsnA]), key: nil).0 == 401)
        #expect(await ask(BRPQuery(burgerservicenummers: ["12345678"])).0 == 400)
        #expect(await ask(BRPQuery(burgerservicenummers: [Self.bsnA], fields: ["naam.bestaatNiet"])).0 == 400)
        #expect(await ask(BRPQuery(burgerservicenummers: [Self.bsnA], fields: ["geheimhoudingPersoonsgegevens"])).0 == 400)
        #expect(await ask(BRPQuery(burgerservicenummers: [Self.bsnA], fields: [])).0 == 400)
        let (status, body) = await ask(BRPQuery(burgerservicenummers: [Self.bsnA, "999990032"], fields: ["naam.geslachtsnaam", "geboorte"]))
        #expect(status == 200)
        let answer = try JSONDecoder().decode(BRPQueryResponse.self, from: Data(body.utf8))
        #expect(answer.personen?.count == 1, "an unknown BSN is simply not in the answer")
        let only = try #require(answer.personen?.first)
        #expect(only.naam?.geslachtsnaam == "Haddad" && only.naam?.voornamen == nil, "only the fields asked for")
        #expect(only.geboorte?.datum?.iso == "1990-02-28" && only.verblijfplaats == nil && only.burgerservicenummer == nil)
        #expect(BRPFields.regie.allSatisfy { BRPSimulator.known.contains($0) }, "Regie asks only what the simulator (and the interface) knows")
    }

    @Test("Facts from an answer: the prefix before the family name, an address only when complete, the municipality as GM code")
    func facts() {
        var persoon = Self.personA
        persoon.naam = BRPNaam(voornamen: "Jan", voorvoegsel: "van der", geslachtsnaam: "Berg")
        persoon.verblijfplaats = BRPVerblijfplaats(type: "VerblijfplaatsBuitenland")
        let facts = BRPFacts(persoon)
        #expect(facts.familyName == "van der Berg")
        #expect(facts.address == nil && facts.residenceKind == "VerblijfplaatsBuitenland")
        #expect(facts.municipalityCode == "GM0988" && facts.registeredOn == CalendarDate(iso: "2026-09-20"))
        #expect(facts.partners.first?.name == "Omar Khalil" && facts.children.first?.dateOfBirth == CalendarDate(iso: "2024-01-10"))
    }
}

/// The exchanges of every BRP test, one JSON line each, for `e2e/brp_spec_check.py` (appended like
/// the DUO tests' log: one `O_APPEND` write per test).
enum BRPExchangeLog {
    private static let lock = Mutex<Void>(())

    static func append(_ exchanges: [BRPExchange]) {
        guard let path = ProcessInfo.processInfo.environment["REGIE_BRP_EXCHANGES"], !exchanges.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let lines = exchanges.compactMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) + "\n" }.joined()
        lock.withLock { _ in
            do {
                try ExchangeLog.appendAtomically(Array(lines.utf8), to: path)
            } catch {
                Issue.record("Could not append to the BRP exchange log \(path): \(error)")
            }
        }
    }
}
