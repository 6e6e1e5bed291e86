import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RegieServer
import RegieStorage
import Testing

/// Casework over HTTP on a real database: registration, brede intake, LBT, route decision, PIP.
/// Today is 2026-11-18 (the test clock); the world's person A (Haddad, Weert) has a kennisgeving of
/// 2026-09-01 and BRP registration 2026-09-15, so the PIP is due 2026-11-24.
@Suite("Casework")
struct CaseworkTests {
    static func actions(_ app: AppContext, person: String) async throws -> [String] {
        try await app.services.audit.search(.init(personId: person), before: nil, limit: 50).rows.map(\.action)
    }

    static func timeline(_ app: AppContext, person: String) async throws -> [String] {
        try await app.services.casework.listEvents(personId: person, scope: TenantScope(municipalityCodes: ["GM0988", "GM1706"])).map(\.kind)
    }

    static func traject(_ app: AppContext, person: String) async throws -> TrajectRecord? {
        try await app.services.persons.fetchTraject(personId: person, scope: TenantScope(municipalityCodes: ["GM0988", "GM1706", "GM0957"]))
    }

    // MARK: Registration

    static let validRegistration: [String: String] = [
        "givenNames": "Yonas", "familyName": "Tesfay", "dateOfBirth": "1998-03-14", "gender": "man", "bsn": "111222333",
        "vNummer": "", "doelgroep": "Asielstatushouder", "municipality": "GM0988", "language": "Tigrinya", "interpreter": "ja",
        "kennisgeving": "2026-10-20", "koppeling": "2026-10-01", "housing": "", "brp": "2026-11-02", "household": "",
    ]

    static func form(_ values: [String: String]) -> [(String, String)] {
        values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    @Test("Registering by hand stores the person and traject with its nearest term, a timeline line and an audit entry", arguments: Engine.available)
    func register(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.get("/personen/nieuw").status == .ok)
            let result = try await browser.post("/personen/nieuw", form: Self.form(Self.validRegistration), csrf: csrf)
            #expect(result.status == .seeOther)
            let location = try #require(result.location)
            #expect(location.hasSuffix("?melding=geregistreerd"))
            let id = String(location.dropFirst("/personen/".count).prefix { $0 != "?" })
            let traject = try #require(try await Self.traject(app, person: id))
            // BRP (2 Nov) is later than the kennisgeving (20 Oct): the PIP is due 70 days after it (R1).
            #expect(traject.phase == .gehuisvest)
            #expect(traject.consulentId == "a-consulent")
            let row = try #require(try await app.database.sql.raw("SELECT next_due_date, next_due_kind FROM trajecten WHERE person_id = \(bind: id)").first())
            #expect(try row.decode(column: "next_due_date", as: String.self) == "2027-01-11")
            #expect(try row.decode(column: "next_due_kind", as: String.self) == "pipVaststelling")
            #expect(try await Self.timeline(app, person: id) == ["registered"])
            #expect(try await Self.actions(app, person: id) == ["person.register"])
            let page = try await browser.get(location)
            #expect(page.body.contains("De inburgeraar is geregistreerd."))
            #expect(page.body.contains("Yonas Tesfay"))
        }
    }

    /// Each invalid value, the field it belongs to and the message beside it.
    static let registrationErrors: [(field: String, value: String, message: String)] = [
        ("bsn", "111222334", "Dit BSN klopt niet (elfproef): controleer de 9 cijfers."),
        ("bsn", "12345", "Het BSN heeft 9 cijfers: controleer het nummer."),
        ("bsn", "12345678a", "Het BSN bestaat alleen uit cijfers."),
        ("vNummer", "12345678901", "Het V-nummer bestaat uit hoogstens 10 cijfers en is niet 0."),
        ("familyName", "", "Vul Achternaam in."),
        ("dateOfBirth", "2027-01-01", "Geboortedatum kan niet na 18 november 2026 liggen."),
        ("dateOfBirth", "1998-02-30", "Geboortedatum is geen bestaande datum"),
        ("doelgroep", "Toerist", "Kies een waarde bij Doelgroep."),
        ("municipality", "GM0957", "Kies een waarde bij Gemeente."),
        ("gender", "", "Kies een waarde bij Geslacht."),
        ("doelgroep", "Gezinsvormer", "Alleen asielstatushouders worden door het COA aan een gemeente gekoppeld"),
        ("kennisgeving", "2026-12-01", "Kennisgeving DUO kan niet na 18 november 2026 liggen."),
        ("household", "999990032", "Er is geen (of meer dan één) inburgeraar met dit BSN of V-nummer in uw gemeenten gevonden."),
    ]

    @Test("Each registration error is named beside its field and in the summary, and what was typed stays", arguments: registrationErrors)
    func registrationError(field: String, value: String, message: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            var values = Self.validRegistration
            values[field] = value
            let result = try await browser.post("/personen/nieuw", form: Self.form(values), csrf: csrf)
            #expect(result.status == .badRequest)
            #expect(result.body.contains("class=\"error-summary\""))
            #expect(result.body.contains("href=\"#\(field == "doelgroep" && value == "Gezinsvormer" ? "koppeling" : field)\""))
            #expect(result.body.contains(message), "message for \(field)=\(value)")
            #expect(result.body.contains("value=\"Tesfay\"") || field == "familyName", "typed values are kept")
            let count = try await app.database.sql.raw("SELECT COUNT(*) AS n FROM persons").first()?.decode(column: "n", as: Int.self)
            #expect(count == 3, "nothing stored")
        }
    }

    @Test("Neither BSN nor V-nummer: the registration asks for one", arguments: [Engine.sqlite])
    func registrationNeedsANumber(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            var values = Self.validRegistration
            values["bsn"] = ""
            let result = try await browser.post("/personen/nieuw", form: Self.form(values), csrf: csrf)
            #expect(result.status == .badRequest)
            #expect(result.body.contains("Vul het BSN of het V-nummer in"))
        }
    }

    @Test("A known BSN links to the existing file in scope; another organisation's is refused without saying where, and both organisations' audit logs record the attempt", arguments: Engine.available)
    func duplicates(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            var values = Self.validRegistration
            values["bsn"] = "999990019"  // Haddad, Weert: in scope
            let own = try await browser.post("/personen/nieuw", form: Self.form(values), csrf: csrf)
            #expect(own.status == .conflict)
            #expect(own.body.contains("Deze inburgeraar staat al in Regie."))
            #expect(own.body.contains("href=\"/personen/\(app.world.personA)\""))
            values["bsn"] = "999990032"  // Mansour, Roermond: organisation B
            let other = try await browser.post("/personen/nieuw", form: Self.form(values), csrf: csrf)
            #expect(other.status == .conflict)
            #expect(other.body.contains("Met dit nummer kan hier geen dossier worden aangemaakt"))
            #expect(!other.body.contains("andere gemeente"))
            #expect(!other.body.contains(app.world.personB))
            #expect(!other.body.contains("Mansour"))
            let asking = try await app.services.audit.search(.init(organisationId: app.world.orgA), before: nil, limit: 50).rows
            #expect(asking.contains { $0.action == "person.registerRefused" && $0.personId == nil && $0.actorId == "a-consulent" })
            let holder = try await app.services.audit.search(.init(personId: app.world.personB, organisationId: app.world.orgB), before: nil, limit: 50).rows
            let probe = try #require(holder.first { $0.action == "person.registerProbe" })
            #expect(probe.actorId == "a-consulent")
            #expect(probe.detail.contains("van Organisatie A"), "the holder sees which organisation asked")
        }
    }

    @Test("Dates outside a field's plausible range are refused with the range named: events 2000–2049, a birth date from 1900", arguments: [
        ("kennisgeving", "1999-12-31", "ligt niet tussen 2000 en 2049"), ("kennisgeving", "0224-10-20", "ligt niet tussen 2000 en 2049"),
        ("dateOfBirth", "1899-12-31", "ligt niet tussen 1900 en 2100"),
    ])
    func implausibleDates(field: String, value: String, message: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            var values = Self.validRegistration
            values[field] = value
            let page = try await browser.post("/personen/nieuw", form: Self.form(values), csrf: csrf)
            #expect(page.status == .badRequest)
            #expect(page.body.contains(message))
            #expect(page.body.contains("value=\"\(value)\""), "what was typed is kept")
            let task = try await browser.post("/personen/person-a-weert/taken", form: [("taskTitle", "Bel"), ("taskDue", "2224-11-30")], csrf: csrf)
            #expect(task.status == .badRequest)
        }
    }

    @Test("A household member found by BSN shares the new person's household", arguments: Engine.available)
    func household(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            var values = Self.validRegistration
            values["household"] = "999990019"
            let result = try await browser.post("/personen/nieuw", form: Self.form(values), csrf: csrf)
            #expect(result.status == .seeOther)
            let page = try await browser.get("/personen/\(app.world.personA)")
            #expect(page.body.contains("Yonas Tesfay"))
        }
    }

    // MARK: Roles

    /// Every casework page and action with the role that may not use it.
    static let forbidden: [(role: Role, method: HTTPRequest.Method, path: String)] = [
        (.budgetbeheerder, .get, "/personen/person-a-weert/intake"),
        (.budgetbeheerder, .get, "/personen/person-a-weert/lbt"),
        (.budgetbeheerder, .get, "/personen/person-a-weert/route"),
        (.budgetbeheerder, .get, "/personen/person-a-weert/pip"),
        (.budgetbeheerder, .get, "/personen/person-a-weert/pip/1/brief"),
        (.budgetbeheerder, .post, "/personen/person-a-weert/intake/gesprekken"),
        (.budgetbeheerder, .post, "/personen/person-a-weert/lbt"),
        (.budgetbeheerder, .post, "/personen/person-a-weert/pip"),
        (.budgetbeheerder, .get, "/personen/nieuw"),
        (.beleidsmedewerker, .get, "/personen/person-a-weert/intake"),
        (.beleidsmedewerker, .post, "/personen/nieuw"),
        (.functioneelBeheerder, .post, "/personen/person-a-weert/route"),
        (.functioneelBeheerder, .post, "/personen/person-a-weert/pip/vaststellen"),
        (.budgetbeheerder, .get, "/personen/person-a-weert/voortgang"),
        (.budgetbeheerder, .post, "/personen/person-a-weert/voortgang/uren"),
        (.budgetbeheerder, .get, "/personen/person-a-weert/handhaving"),
        (.budgetbeheerder, .post, "/personen/person-a-weert/handhaving"),
        (.budgetbeheerder, .get, "/personen/person-a-weert/overdracht"),
        (.budgetbeheerder, .post, "/personen/person-a-weert/overdracht"),
        (.budgetbeheerder, .get, "/personen/person-a-weert/documenten"),
        (.budgetbeheerder, .post, "/personen/person-a-weert/taken"),
        (.budgetbeheerder, .post, "/personen/person-a-weert/afsluiten"),
        (.beleidsmedewerker, .get, "/personen/person-a-weert/lbt"),
        (.beleidsmedewerker, .post, "/personen/person-a-weert/intake/onderwerpen/taalniveau"),
        (.functioneelBeheerder, .post, "/personen/person-a-weert/lbt/advies"),
        (.functioneelBeheerder, .post, "/personen/person-a-weert/voortgang/gesprekken"),
        (.consulent, .get, "/team"),
        (.consulent, .post, "/team/toewijzen"),
        (.consulent, .get, "/beheer/instellingen"),
        (.teamleider, .post, "/beheer/instellingen"),
        (.beleidsmedewerker, .get, "/taken"),
    ]

    @Test("A role without casework rights gets 403 and nothing is recorded", arguments: forbidden)
    func roles(role: Role, method: HTTPRequest.Method, path: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(role))
            let page = method == .get ? try await browser.get(path) : try await browser.post(path, form: [("date", "2026-11-17")], csrf: csrf)
            #expect(page.status == .forbidden)
            #expect(!page.body.contains("Haddad"))
            #expect(try await Self.timeline(app, person: app.world.personA).isEmpty)
        }
    }

    // MARK: Brede intake

    @Test("An intake conversation is listed, sealed at rest, moves the case on and is audited", arguments: Engine.available)
    func intakeConversation(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA2  // Khalil, Cranendonck: no intake date yet is not needed; phase moves at most forward
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let note = "Werkte als verpleegkundige in Aleppo; slaapt slecht."
            let result = try await browser.post("/personen/\(person)/intake/gesprekken", form: [
                ("date", "2026-11-16"), ("attendees", "inburgeraar, consulent, tolk"), ("interpreter", "ja"), ("withoutPartner", "ja"),
                ("topics", "opleidingEnWerkervaring"), ("topics", "taalniveau"), ("note", note),
            ], csrf: csrf)
            #expect(result.status == .seeOther)
            #expect(result.location == "/personen/\(person)/intake?melding=gesprek")
            let page = try await browser.get(try #require(result.location))
            #expect(page.body.contains("Het gesprek is vastgelegd."))
            #expect(page.body.contains("16 november 2026"))
            #expect(page.body.contains(note))
            #expect(page.body.contains("Gesprek zonder partner"))
            // The note is not readable in the database without the key.
            let sealed = try await app.database.sql.raw("SELECT note_sealed FROM intake_gesprekken").first()?.decode(column: "note_sealed", as: String.self)
            #expect(sealed?.hasPrefix("v1:") == true)
            #expect(sealed?.contains("Aleppo") == false)
            let traject = try #require(try await Self.traject(app, person: person))
            #expect(traject.intakeDate == isoDay("2026-10-01"), "an earlier intake date stays")
            #expect(try await Self.timeline(app, person: person) == ["intake.gesprek"])
            #expect(try await Self.actions(app, person: person).contains("casework.intake.gesprek"))
            #expect(try await Self.actions(app, person: person).contains("casework.intake.view"))
        }
    }

    static let intakeErrors: [(form: [(String, String)], field: String, message: String)] = [
        ([("date", "2026-11-19"), ("attendees", "x")], "date", "Datum van het gesprek kan niet na 18 november 2026 liggen."),
        ([("date", ""), ("attendees", "x")], "date", "Vul de datum in bij Datum van het gesprek."),
        ([("date", "2026-11-10"), ("attendees", "")], "attendees", "Vul Aanwezig in."),
        ([("date", "2026-11-10"), ("attendees", "x"), ("noShow", "ja"), ("topics", "taalniveau")], "topics", "Bij een gemist gesprek zijn geen onderwerpen besproken"),
        ([("date", "2026-11-10"), ("attendees", "x"), ("topics", "astrologie")], "topics", "Kies een waarde bij Besproken onderwerpen."),
    ]

    @Test("Each intake error is shown beside its field and nothing is stored", arguments: intakeErrors)
    func intakeError(form: [(String, String)], field: String, message: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let result = try await browser.post("/personen/\(app.world.personA)/intake/gesprekken", form: form + [("note", "bewaard")], csrf: csrf)
            #expect(result.status == .badRequest)
            #expect(result.body.contains("href=\"#\(field)\""))
            #expect(result.body.contains(message))
            #expect(result.body.contains(">bewaard</textarea>"), "the typed note is kept")
            #expect(try await Self.timeline(app, person: app.world.personA).isEmpty)
        }
    }

    @Test("Health details are recorded only with consent; with it, the topic counts as covered", arguments: Engine.available)
    func healthConsent(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let path = "/personen/\(app.world.personA)/intake/onderwerpen/persoonlijkeOmstandighedenEnGezondheid"
            let refused = try await browser.post(path, form: [("beperkingLeren", "ja"), ("notitie", "PTSS")], csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Noteer dat de inburgeraar toestemming gaf"))
            #expect(refused.body.contains(">PTSS</textarea>"))
            let saved = try await browser.post(path, form: [("beperkingLeren", "ja"), ("notitie", "PTSS"), ("toestemmingGezondheid", "ja")], csrf: csrf)
            #expect(saved.status == .seeOther)
            let stored = try await app.database.sql.raw("SELECT content_sealed FROM intake_onderwerpen").first()?.decode(column: "content_sealed", as: String.self)
            #expect(stored?.contains("PTSS") == false)
            let page = try await browser.get("/personen/\(app.world.personA)/intake")
            #expect(!page.body.contains("<a class=\"tag\" href=\"\(path)\">"), "no longer listed as missing")
            #expect(page.body.contains("<a class=\"tag\" href=\"/personen/\(app.world.personA)/intake/onderwerpen/opleidingEnWerkervaring\">Opleiding en werkervaring</a>"))
        }
    }

    // MARK: LBT and route

    @Test("An LBT of 26/40 after 12 April 2023 reads 'B1-route niet haalbaar' at threshold 28 (R3)", arguments: Engine.available)
    func lbtVerdict(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let result = try await browser.post("/personen/\(app.world.personA)/lbt", form: [
                ("invitedDate", "2026-11-02"), ("testDate", "2026-11-09"), ("administrator", "J. de Vries"), ("score", "26"),
            ], csrf: csrf)
            #expect(result.status == .seeOther)
            let page = try await browser.get("/personen/\(app.world.personA)/lbt")
            #expect(page.body.contains("26/40"))
            #expect(page.body.contains("B1-route niet haalbaar (drempel 28)"))
            #expect(page.body.contains("20-27"))
            #expect(try await Self.timeline(app, person: app.world.personA) == ["lbt.afgenomen"])
            #expect(try await Self.actions(app, person: app.world.personA).contains("casework.lbt.record"))
        }
    }

    static let lbtErrors: [(form: [(String, String)], field: String, message: String)] = [
        ([("testDate", "2026-11-09"), ("administrator", "X"), ("score", "41")], "score", "moet een heel getal van 0 tot en met 40 zijn"),
        ([("administrator", "X"), ("score", "30")], "testDate", "Vul de datum van afname in bij een score."),
        ([("testDate", "2026-11-09"), ("score", "30")], "administrator", "Vul de afnemer in bij een score."),
        ([("testDate", "2026-11-09"), ("administrator", "X"), ("score", "30"), ("exemption", "visueleBeperking")], "exemption", "Kies een score of een vrijstelling, niet allebei."),
        ([("invitedDate", "2026-11-10"), ("testDate", "2026-11-09")], "testDate", "kan niet vóór 10 november 2026 liggen"),
        ([], "invitedDate", "Vul een uitnodigingsdatum, een afname met score of een vrijstelling in."),
    ]

    @Test("Each LBT error is shown beside its field", arguments: lbtErrors)
    func lbtError(form: [(String, String)], field: String, message: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let result = try await browser.post("/personen/\(app.world.personA)/lbt", form: form, csrf: csrf)
            #expect(result.status == .badRequest)
            #expect(result.body.contains("href=\"#\(field)\""))
            #expect(result.body.contains(message))
            #expect(try await app.services.casework.listLBT(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"])).isEmpty)
        }
    }

    @Test("A B1-route against an LBT of 26/40 cannot be saved without a reason (R4); with one, it is recorded as a deviation", arguments: Engine.available)
    func routeDeviation(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(person)/lbt", form: [("testDate", "2026-11-09"), ("administrator", "X"), ("score", "26")], csrf: csrf)
            let considered = [("leerroute", "b1"), ("considered", "z"), ("considerations", "Advies taalschool: B1 haalbaar met extra uren.")]
            let refused = try await browser.post("/personen/\(person)/route", form: considered, csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("De gekozen route is hoger dan de leerbaarheidstoets aangeeft: geef de reden (R4)."))
            #expect(refused.body.contains("Advies taalschool: B1 haalbaar met extra uren.</textarea>"))
            let level = try await browser.post("/personen/\(person)/route", form: [("leerroute", "onderwijs"), ("niveau", "A2"), ("considerations", "x"), ("deviationReason", "y")], csrf: csrf)
            #expect(level.status == .badRequest)
            #expect(level.body.contains("Niveau A2 past niet bij de Onderwijsroute in een PIP (R6)."))
            let saved = try await browser.post("/personen/\(person)/route", form: considered + [("deviationReason", "Hoog opgeleid, snelle leerder.")], csrf: csrf)
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/personen/\(person)/pip?melding=route")
            let decision = try #require(try await app.services.casework.listRouteBesluiten(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"])).first)
            #expect(decision.deviation == "omhoog")
            #expect(decision.considered == "b1,z")
            #expect(decision.lbtScore == 26)
            // The PIP concept starts from the decision.
            let pip = try await browser.get("/personen/\(person)/pip")
            #expect(pip.body.contains("Hoog opgeleid, snelle leerder.</textarea>"))
        }
    }

    // MARK: PIP

    static let completeConcept: [(String, String)] = [
        ("leerroute", "b1"), ("einddoel", "werk"), ("begeleiding", "Maandelijks gesprek met de consulent."),
        ("ondersteuning", "Kinderopvang tijdens de lessen."), ("pvt", "Groepstraject bij de bibliotheek."), ("pvtUren", "12"),
        ("map", "Werkervaringsplek in de zorg."), ("mapUren", "64"), ("vveNvt", "ja"), ("voortgangsgesprekken", "4"), ("cadansMaanden", "3"),
    ]

    @Test("A concept starts no term; fixing it starts the 3-year term (R2); a second version keeps the start", arguments: Engine.available)
    func fixPIP(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let concept = try await browser.post("/personen/\(person)/pip", form: Self.completeConcept, csrf: csrf)
            #expect(concept.status == .seeOther)
            #expect(try await Self.traject(app, person: person)?.pipDate == nil, "a concept is not a beschikking")
            // The consequence is stated before the click.
            let confirm = try await browser.get("/personen/\(person)/pip/vaststellen")
            #expect(confirm.body.contains("Vaststellen start de inburgeringstermijn van 3 jaar (Wi2021 art. 11): van 19 november 2026 tot en met 18 november 2029."))
            #expect(!confirm.body.contains("notice--warning"), "a complete concept has no problems")
            let future = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-19")], csrf: csrf)
            #expect(future.status == .badRequest)
            let fixed = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf)
            #expect(fixed.status == .seeOther)
            #expect(fixed.location == "/personen/\(person)?melding=pip")
            let traject = try #require(try await Self.traject(app, person: person))
            #expect(traject.pipDate == isoDay("2026-11-18"))
            #expect(traject.phase == .pipVastgesteld)
            #expect(traject.leerroute == .b1)
            let file = try await browser.get(try #require(fixed.location))
            #expect(file.body.contains("Het PIP is vastgesteld."))
            #expect(file.body.contains("Inburgeringstermijn"))
            #expect(file.body.contains("18 november 2029"))
            #expect(file.body.contains("PIP vastgesteld (versie 1)"))
            #expect(try await Self.actions(app, person: person).contains("casework.pip.fix"))

            // Version 2 needs a reason, and fixing it does not move the term (Wi2021 art. 11).
            let noReason = try await browser.post("/personen/\(person)/pip", form: Self.completeConcept, csrf: csrf)
            #expect(noReason.status == .badRequest)
            #expect(noReason.body.contains("Kies een waarde bij Reden van de wijziging."))
            let second = try await browser.post("/personen/\(person)/pip", form: Self.completeConcept + [("changeReason", "overig"), ("changeNote", "Andere werkervaringsplek.")], csrf: csrf)
            #expect(second.status == .seeOther)
            let laterConfirm = try await browser.get("/personen/\(person)/pip/vaststellen")
            #expect(laterConfirm.body.contains("de inburgeringstermijn blijft zoals hij is"))
            app.clock.advance(86_400 * 30)
            let csrfLater = try await browser.login(World.email(.consulent))
            // A later version is not dated before the version in force (TrajectGebeurtenisRule).
            let backdated = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-17")], csrf: csrfLater)
            #expect(backdated.status == .badRequest)
            #expect(backdated.body.contains("De dagtekening kan niet vóór die van het PIP dat nu geldt liggen (18 november 2026)."))
            #expect(try await app.services.casework.listPIPs(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"])).filter(\.isFixed).count == 1)
            let secondFix = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-12-18")], csrf: csrfLater)
            #expect(secondFix.status == .seeOther)
            #expect(try await Self.traject(app, person: person)?.pipDate == isoDay("2026-11-18"))
            let versions = try await app.services.casework.listPIPs(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions.map { $0.dagtekening?.iso } == ["2026-11-18", "2026-12-18"])
        }
    }

    @Test("A PIP with content gaps cannot be fixed: each gap is named with its rule", arguments: Engine.available)
    func incompletePIP(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(person)/pip", form: [("leerroute", "b1"), ("pvtUren", "8")], csrf: csrf)
            let confirm = try await browser.get("/personen/\(person)/pip/vaststellen")
            #expect(confirm.body.contains("Het PVT duurt minimaal 12 uur; het PIP noemt 8 uur."))
            #expect(confirm.body.contains("Het PIP noemt geen einddoel"))
            let refused = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Het PIP kan nog niet worden vastgesteld"))
            #expect(try await Self.traject(app, person: person)?.pipDate == nil)
        }
    }

    @Test("The decision letter carries the bezwaar clause and the term; a concept letter is marked as concept", arguments: Engine.available)
    func letter(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            _ = try await browser.post("/personen/\(person)/pip", form: Self.completeConcept, csrf: csrf)
            let draft = try await browser.get("/personen/\(person)/pip/1/brief")
            #expect(draft.status == .ok)
            #expect(draft.body.contains("CONCEPT — dit is nog geen beschikking"))
            _ = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf)
            let letter = try await browser.get("/personen/\(person)/pip/1/brief")
            #expect(!letter.body.contains("CONCEPT"))
            #expect(letter.body.contains("Bent u het niet eens met dit besluit?"))
            #expect(letter.body.contains("binnen zes weken"))
            #expect(letter.body.contains("Uw inburgeringstermijn loopt van 19 november 2026 tot en met 18 november 2029."))
            #expect(letter.body.contains("B1-route"))
            #expect(letter.body.contains("Gemeente Weert"))
            #expect(try await browser.get("/personen/\(person)/pip/7/brief").status == .notFound)
            #expect(try await Self.actions(app, person: person).contains("casework.pip.letter"))
        }
    }

    // MARK: Caseload

    @Test("The caseload leads with the nearest term and filters by term status", arguments: Engine.available)
    func caseloadOrder(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.teamleider))
            // A new registration whose PIP term runs to January comes after the world's people (due 24 November).
            _ = try await browser.post("/personen/nieuw", form: Self.form(Self.validRegistration), csrf: csrf)
            let page = try await browser.get("/")
            let haddad = try #require(page.body.range(of: "Haddad"))
            let tesfay = try #require(page.body.range(of: "Tesfay"))
            #expect(haddad.lowerBound < tesfay.lowerBound)
            #expect(page.body.contains("<span class=\"tile__count\">2</span> <span class=\"tile__label\">termijn binnen 14 dagen</span>"))
            let soon = try await browser.get("/?termijn=binnenkort")
            #expect(soon.body.contains("Haddad"))
            #expect(!soon.body.contains("Tesfay"))
            let later = try await browser.get("/?termijn=later")
            #expect(later.body.contains("Tesfay"))
            #expect(!later.body.contains("Haddad"))
            let byName = try await browser.get("/?sort=naam")
            let h = try #require(byName.body.range(of: "Haddad")), k = try #require(byName.body.range(of: "Khalil")), t = try #require(byName.body.range(of: "Tesfay"))
            #expect(h.lowerBound < k.lowerBound && k.lowerBound < t.lowerBound)
            let unassigned = try await browser.get("/?consulent=geen")
            #expect(unassigned.body.contains("Khalil"))
            #expect(!unassigned.body.contains("Haddad"))
            #expect(!page.body.contains("Mansour"), "never another organisation's people")
        }
    }

    @Test("Search ignores case and diacritics on both engines: 'ozturk' and 'ÖZTÜRK' find Öztürk", arguments: Engine.available)
    func searchFolds(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.teamleider))
            var values = Self.validRegistration
            values["familyName"] = "Öztürk"
            values["givenNames"] = "Zeynep Ayşe"
            #expect(try await browser.post("/personen/nieuw", form: Self.form(values), csrf: csrf).status == .seeOther)
            for query in ["ozturk", "ÖZTÜRK", "öztürk", "ayse", "Zeynep Ay"] {
                let page = try await browser.get("/?q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query))
                #expect(page.body.contains("Öztürk, Zeynep Ayşe"), "query \(query)")
                #expect(!page.body.contains("Haddad"))
                // The strip counts the workload, not the search, and its tiles lead there.
                #expect(page.body.contains(#"<li class="tile tile--overdue"><a href="/?termijn=verlopen">"#), "query \(query)")
            }
        }
    }
}
