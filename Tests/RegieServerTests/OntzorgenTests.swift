import Foundation
import HummingbirdTesting
import HummingbirdBcrypt
import Inburgering
@testable import RegieServer
import RegieStorage
import SQLKit
import Testing

/// Financieel ontzorgen (issue 7) over HTTP, on both engines. Today is 2026-11-18 (test clock).
/// Weert's policy: "ja, tenzij", 6 months, reviews after 2 and 5 months, the first rent a gift.
/// Amal Haddad (person A, Weert) gets bijstand from 15 September 2026 — mid-month, so the paid
/// months are October to March (R8b); October's rent is the gift.
@Suite("Ontzorgen: arrangements, payment runs, four eyes, SEPA export, statements")
struct OntzorgenTests {
    static let landlordIBAN = "NL91ABNA0417164300"
    static let insurerIBAN = "NL44RABO0123456789"
    static let ownIBAN = "NL69INGB0123456789"
    static let municipalityIBAN = "NL14BNGH0285001234"

    /// The policy, a second budget manager in organisation A, a person whose benefit falls short,
    /// and a family migrant (not eligible).
    static func seed(_ app: AppContext) async throws {
        let users = UserStore(database: app.database)
        try await users.insertUser(.init(id: "a-budget2", organisationId: app.world.orgA, email: "budget2@a.example", name: "Tweede Budgetbeheerder",
                                         passwordHash: Bcrypt.hash(World.password, cost: 4), roles: [.budgetbeheerder]), now: app.clock.now)
        let policy = OntzorgenBeleidRecord(id: "beleid-weert", municipalityCode: "GM0988", effectiveFrom: "2024-01-01", beleid: "jaTenzij",
                                           soorten: OntzorgSoort.standaard, durationMonths: 6, reviewMonths: [2, 5], firstRentGift: true,
                                           debtorName: "Gemeente Weert", debtorIban: municipalityIBAN, debtorBic: "BNGHNL2G", createdBy: "test", createdAt: 0)
        try await app.services.ontzorgen.insertPolicy(policy, audit: AuditEvent(actorId: "test", actorName: "test", actorRole: "functioneelBeheerder", organisationId: app.world.orgA,
                                                                               action: "ontzorgen.policy.add", purpose: "beheer", requestId: "test", detail: ""), now: app.clock.now)
        func person(_ id: String, _ family: String, doelgroep: Doelgroep) -> PersonStore.NewPerson {
            .init(person: PersonRecord(id: id, municipalityCode: "GM0988", householdId: nil, bsn: nil, vNummer: nil, givenNames: "Test", familyName: family,
                                       dateOfBirth: isoDay("1991-05-05"), gender: .man, doelgroep: doelgroep, language: "Tigrinya", interpreterNeeded: true, phone: nil, email: nil),
                  traject: TrajectRecord(id: "traject-\(id)", personId: id, municipalityCode: "GM0988", phase: .bredeIntake, consulentId: "a-consulent",
                                         kennisgevingDate: isoDay("2026-08-01"), koppelingDate: nil, housingDate: nil, brpDate: isoDay("2026-09-10"), intakeDate: nil, pipDate: nil,
                                         routeStartDate: nil, leerroute: nil, closedDate: nil, closedReason: nil))
        }
        try await PersonStore(database: app.database).insertPersons([
            person("person-short", "Tesfay", doelgroep: .asielstatushouder),
            person("person-family", "Jansen", doelgroep: .gezinshereniger),
        ], now: app.clock.now)
    }

    /// A budget manager decides, records the benefit and the bills; returns the signed-in browser and its CSRF token.
    static func arrange(_ client: any TestClientProtocol, _ app: AppContext, person: String, benefit: String, rent: String,
                        signedIn: (Browser, String)? = nil) async throws -> (Browser, String) {
        let browser = signedIn?.0 ?? Browser(client)
        var csrf = signedIn?.1 ?? ""
        if signedIn == nil { csrf = try await browser.login(World.email(.budgetbeheerder)) }
        let base = "/personen/\(person)/ontzorgen"
        let decided = try await browser.post(base + "/besluit", form: [
            ("bijstandStart", "2026-09-15"), ("ontzorgd", "ja"), ("reason", "beleid"), ("decisionDate", "2026-09-16"), ("mandate", "2026-09-16"),
            ("leefgeldIban", "nl69 ingb 0123 4567 89"), ("leefgeldName", "T. Haddad")], csrf: csrf)
        #expect(decided.status == .seeOther, "\(decided.body.prefix(300))")
        #expect(try await browser.post(base + "/uitkering", form: [("benefitAmount", benefit), ("benefitFrom", "2026-09-15")], csrf: csrf).status == .seeOther)
        #expect(try await browser.post(base + "/post", form: [("soort", "huur"), ("payee", "Wonen Limburg"), ("iban", landlordIBAN), ("reference", "Huurcontract 4711"),
                                                             ("amount", rent), ("from", "2026-09-15")], csrf: csrf).status == .seeOther)
        #expect(try await browser.post(base + "/post", form: [("soort", "zorgverzekering"), ("payee", "CZ Zorgverzekeringen"), ("iban", insurerIBAN),
                                                             ("reference", "Polis 88001"), ("amount", "158,00"), ("from", "2026-09-15")], csrf: csrf).status == .seeOther)
        return (browser, csrf)
    }

    static func runID(_ page: Browser.Page) throws -> String {
        let location = try #require(page.location, "\(page.status) \(page.body.prefix(400))")
        return String(try #require(location.split(separator: "/").last))
    }

    @Test("Eligibility from the law: asylum permit holders with bijstand, the standard form before 6-4-2023, a policy after it", arguments: Engine.available)
    func eligibility(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.seed(app)
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.budgetbeheerder))
            func decide(_ person: String, start: String, ontzorgd: String = "ja", reason: String = "beleid") async throws -> Browser.Page {
                try await browser.post("/personen/\(person)/ontzorgen/besluit", form: [
                    ("bijstandStart", start), ("ontzorgd", ontzorgd), ("reason", reason), ("decisionDate", "2026-11-01")], csrf: csrf)
            }
            // A family migrant is never ontzorgd (R8: asylum permit holders only): outside a budget manager's scope altogether.
            #expect(try await decide("person-family", start: "2026-09-15").status == .notFound)
            // A budget manager who is also a consulent sees the file, and the law refuses the decision.
            try await app.services.database.sql.raw("INSERT INTO user_roles (user_id, role) VALUES ('a-budgetbeheerder', 'consulent')").run()
            let both = Browser(client)
            let csrfBoth = try await both.login(World.email(.budgetbeheerder))
            let family = try await both.post("/personen/person-family/ontzorgen/besluit", form: [
                ("bijstandStart", "2026-09-15"), ("ontzorgd", "ja"), ("reason", "beleid"), ("decisionDate", "2026-11-01")], csrf: csrfBoth)
            #expect(family.status == .unprocessableContent)
            #expect(family.body.contains("alleen voor asielstatushouders"))
            #expect(family.body.contains("value=\"2026-09-15\""), "the typed date is kept")
            // Bijstand before the Wi2021 (1-1-2022): the law does not apply.
            #expect(try await decide(app.world.personA, start: "2021-06-01").status == .unprocessableContent)
            // Before 6-4-2023 the municipality could not deviate: "nee" only when the newcomer opts out.
            let standard = try await decide(app.world.personA, start: "2023-03-01", ontzorgd: "nee", reason: "beleid")
            #expect(standard.status == .unprocessableContent)
            #expect(standard.body.contains("6 april 2023"))
            #expect(try await decide(app.world.personA, start: "2023-03-01", ontzorgd: "nee", reason: "eigenKeuze").status == .seeOther)
            // Cranendonck has no policy: after 6-4-2023 nothing can be decided yet.
            let noPolicy = try await decide(app.world.personA2, start: "2026-09-15")
            #expect(noPolicy.status == .unprocessableContent)
            #expect(noPolicy.body.contains("geen beleid ontzorgen"))
            // Weert: the period and the reviews come from the policy in force on the first day of bijstand.
            #expect(try await decide(app.world.personA, start: "2026-09-15").status == .seeOther)
            let dossier = try await app.services.ontzorgen.dossier(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(dossier.ontzorging?.plannedEnd == "2027-03-14")
            #expect(dossier.ontzorging?.beleidId == "beleid-weert")
            let tasks = try await app.services.casework.listTaken(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            // Reviews after 2 and 5 months (R8a): the first (14 November) has passed, so one task, for 14 February.
            #expect(tasks.filter { $0.source == "ontzorgen" }.map(\.dueDate) == [isoDay("2027-02-14")])
        }
    }

    @Test("Bad input keeps what was typed: a wrong IBAN is named, an amount must be an amount", arguments: Engine.available)
    func badInput(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.seed(app)
            let (browser, csrf) = try await Self.arrange(client, app, person: app.world.personA, benefit: "1.315,00", rent: "650")
            let wrong = try await browser.post("/personen/\(app.world.personA)/ontzorgen/post", form: [
                ("soort", "water"), ("payee", "WML"), ("iban", "NL91ABNA0417164301"), ("reference", "Debiteur 1"), ("amount", "21,5x"), ("from", "2026-10-01")], csrf: csrf)
            #expect(wrong.status == .badRequest)
            #expect(wrong.body.contains("Dit IBAN klopt niet"))
            #expect(wrong.body.contains("een bedrag in euro"))
            #expect(wrong.body.contains("value=\"NL91ABNA0417164301\""))
            #expect(wrong.body.contains("value=\"21,5x\""))
            let dossier = try await app.services.ontzorgen.dossier(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(dossier.posten.count == 2, "nothing stored")
            // Stopping needs the payee; then the line ends the day before and later months do not pay it.
            #expect(try await browser.post("/personen/\(app.world.personA)/ontzorgen/post", form: [("stop", "ja"), ("from", "2027-01-01")], csrf: csrf).status == .badRequest)
            let insurance = try #require(dossier.posten.first { $0.soort == "zorgverzekering" }).postId
            #expect(try await browser.post("/personen/\(app.world.personA)/ontzorgen/post", form: [("postId", insurance), ("stop", "ja"), ("from", "2027-01-01")],
                                           csrf: csrf).status == .seeOther)
            let stopped = try await app.services.ontzorgen.dossier(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(stopped.posten.first { $0.postId == insurance }?.validUntil == "2026-12-31")
            #expect(try await app.services.audit.search(.init(personId: app.world.personA), before: nil, limit: 100).rows.contains { $0.action == "ontzorgen.payee.end" })
            // A consulent reads the arrangement but cannot change it.
            let consulent = Browser(client)
            let consulentCSRF = try await consulent.login(World.email(.consulent))
            #expect(try await consulent.get("/personen/\(app.world.personA)/ontzorgen").status == .ok)
            #expect(try await consulent.post("/personen/\(app.world.personA)/ontzorgen/uitkering", form: [("benefitAmount", "1"), ("benefitFrom", "2026-10-01")],
                                             csrf: consulentCSRF).status == .forbidden)
            #expect(try await consulent.get("/ontzorgen").status == .forbidden)
        }
    }

    @Test("A run: amounts over time, the gift month, a shortfall held before paying, four eyes, one file however often exported, XSD-valid", arguments: Engine.available)
    func run(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.seed(app)
            let (browser, csrf) = try await Self.arrange(client, app, person: app.world.personA, benefit: "1.315,00", rent: "650,00")
            // From December the benefit rises (allowances arrived); from January the rent.
            let base = "/personen/\(app.world.personA)/ontzorgen"
            #expect(try await browser.post(base + "/uitkering", form: [("benefitAmount", "1400"), ("benefitFrom", "2026-12-01")], csrf: csrf).status == .seeOther)
            let dossier = try await app.services.ontzorgen.dossier(personId: app.world.personA, scope: TenantScope(municipalityCodes: ["GM0988"]))
            let rentLine = try #require(dossier.posten.first { $0.soort == "huur" }).postId
            #expect(try await browser.post(base + "/post", form: [("postId", rentLine), ("soort", "huur"), ("payee", "Wonen Limburg"), ("iban", Self.landlordIBAN),
                                                                 ("reference", "Huurcontract 4711"), ("amount", "675"), ("from", "2027-01-01")], csrf: csrf).status == .seeOther)
            // Tesfay's benefit (€ 700) does not cover rent and insurance (€ 808).
            _ = try await Self.arrange(client, app, person: "person-short", benefit: "700", rent: "650,00", signedIn: (browser, csrf))

            // October, the first paid month: the rent is paid as a gift, not deducted.
            let october = try await browser.post("/ontzorgen/runs", form: [("gemeente", "GM0988"), ("maand", "2026-10"), ("uitvoerdatum", "2026-11-20")], csrf: csrf)
            let octoberRun = try Self.runID(october)
            let octoberPersons = try await app.services.ontzorgen.runPersonen(runId: octoberRun)
            let haddad = try #require(octoberPersons.first { $0.record.personId == app.world.personA }).record
            #expect((haddad.benefitCents, haddad.deductedCents, haddad.giftCents, haddad.leefgeldCents) == (131_500, 15_800, 65_000, 115_700))
            #expect(try await browser.post("/ontzorgen/runs/\(octoberRun)/verwijderen", form: [], csrf: csrf).status == .seeOther)

            // December: the raised benefit, the old rent; Tesfay held with his shortfall, before anything is paid.
            let prepared = try await browser.post("/ontzorgen/runs", form: [("gemeente", "GM0988"), ("maand", "2026-12"), ("uitvoerdatum", "2026-11-27")], csrf: csrf)
            let runID = try Self.runID(prepared)
            // Recomputing a concept gives the same amounts (nothing changed in between).
            let firstComputed = try await app.services.ontzorgen.runBetalingen(runId: runID).map(\.amountCents).sorted()
            #expect(try await browser.post("/ontzorgen/runs/\(runID)/opnieuw-berekenen", form: [], csrf: csrf).status == .seeOther)
            #expect(try await app.services.ontzorgen.runBetalingen(runId: runID).map(\.amountCents).sorted() == firstComputed)
            #expect(try await browser.get("/ontzorgen").status == .ok)
            let page = try await browser.get("/ontzorgen/runs/\(runID)")
            #expect(page.body.contains("Eerst oplossen"))
            #expect(page.body.contains("Uitkering dekt de vaste lasten niet"))
            #expect(page.body.contains("€ 108,00"), "the shortfall: 650 + 158 − 700")
            let lines = try await app.services.ontzorgen.runBetalingen(runId: runID)
            let paid = lines.filter { $0.status == "klaar" }
            #expect(Set(paid.map(\.personId)) == [app.world.personA])
            #expect(paid.map(\.amountCents).sorted() == [15_800, 59_200, 65_000], "rent, insurance, leefgeld 1400 − 808")
            #expect(lines.filter { $0.personId == "person-short" }.allSatisfy { $0.status == "aangehouden" })
            // A second concept for the same municipality is refused while this one is open.
            #expect(try await browser.post("/ontzorgen/runs", form: [("gemeente", "GM0988"), ("maand", "2027-01"), ("uitvoerdatum", "2026-12-28")], csrf: csrf).status == .conflict)

            // Four eyes: no file before approval, the preparer cannot approve, a second budget manager can.
            #expect(try await browser.get("/ontzorgen/runs/\(runID)/betaalbestand.xml").status == .conflict)
            let own = try await browser.post("/ontzorgen/runs/\(runID)/goedkeuren", form: [], csrf: csrf)
            #expect(own.status == .forbidden)
            #expect(own.body.contains("vier-ogenprincipe"))
            let second = Browser(client)
            let secondCSRF = try await second.login("budget2@a.example")
            #expect(try await second.post("/ontzorgen/runs/\(runID)/goedkeuren", form: [], csrf: secondCSRF).status == .seeOther)
            #expect(try await second.post("/ontzorgen/runs/\(runID)/opnieuw-berekenen", form: [], csrf: secondCSRF).status == .conflict, "an approved run does not change")

            // The file: exported twice, the same bytes (same message id); counted.
            let first = try await second.get("/ontzorgen/runs/\(runID)/betaalbestand.xml")
            app.clock.advance(60)
            let again = try await second.get("/ontzorgen/runs/\(runID)/betaalbestand.xml")
            #expect(first.status == .ok)
            #expect(first.body == again.body)
            #expect(first.body.contains("<NbOfTxs>3</NbOfTxs>"))
            #expect(first.body.contains("<CtrlSum>1400.00</CtrlSum>"))
            #expect(first.body.contains("<IBAN>\(Self.municipalityIBAN)</IBAN>"))
            #expect(!first.body.contains("Tesfay"), "a held person is not in the file")
            let run = try #require(try await app.services.ontzorgen.fetchRun(id: runID, scope: TenantScope(municipalityCodes: ["GM0988"])))
            #expect(run.exportCount == 2)
            try SEPASchema.validate(first.body)

            // Paid once: December again pays nobody again, and leaves no empty run behind to block the next one.
            let rerun = try await browser.post("/ontzorgen/runs", form: [("gemeente", "GM0988"), ("maand", "2026-12"), ("uitvoerdatum", "2026-11-27")], csrf: csrf)
            #expect(rerun.status == .conflict)
            #expect(rerun.body.contains("niets (meer) te betalen"))
            #expect(rerun.body.contains("1 aangehouden"))
            #expect(try await app.services.ontzorgen.listRuns(scope: TenantScope(municipalityCodes: ["GM0988"])).count == 1)

            // The landlord's bank returns the rent: recorded, then paid again to a corrected account in January's run, once.
            let rent = try #require(paid.first { $0.soort == "huur" })
            // The bank's report names the payment by its EndToEndId; an unknown one is named back.
            let unknown = try await browser.post("/ontzorgen/runs/\(runID)/terugboeking", form: [("endToEndId", "RGO-ONBEKEND"), ("reason", "Rekening opgeheven"),
                                                                                                 ("failedOn", "2026-11-18")], csrf: csrf)
            #expect(unknown.status == .badRequest)
            #expect(unknown.body.contains("kenmerk RGO-ONBEKEND"))
            #expect(unknown.body.contains("value=\"RGO-ONBEKEND\""), "what was typed is kept")
            #expect(unknown.body.contains("value=\"Rekening opgeheven\""))
            #expect(try await browser.post("/ontzorgen/runs/\(runID)/terugboeking", form: [("endToEndId", rent.endToEndId), ("reason", "Rekening opgeheven"),
                                                                                       ("failedOn", "2026-11-18")], csrf: csrf).status == .seeOther)
            let returned = try await browser.get("/ontzorgen/runs/\(runID)")
            #expect(returned.body.contains("id=\"mislukt\""))
            #expect(returned.body.contains("Rekening opgeheven"))
            #expect(returned.body.contains("/ontzorgen/betalingen/\(rent.id)/opnieuw"))
            #expect(try await browser.post("/ontzorgen/runs/\(runID)/terugboeking", form: [("endToEndId", rent.endToEndId), ("reason", "Nogmaals"),
                                                                                       ("failedOn", "2026-11-18")], csrf: csrf).status == .conflict, "recorded once")
            let badIBAN = try await browser.post("/ontzorgen/betalingen/\(rent.id)/opnieuw", form: [("iban", "NL39RABO0300065265")], csrf: csrf)
            #expect(badIBAN.status == .badRequest)
            #expect(badIBAN.body.contains("Dit IBAN klopt niet"))
            #expect(badIBAN.body.contains("value=\"NL39RABO0300065265\""), "the typed IBAN is kept")
            #expect(try await browser.post("/ontzorgen/betalingen/\(rent.id)/opnieuw", form: [("iban", "NL39RABO0300065264")], csrf: csrf).status == .seeOther)
            let january = try Self.runID(try await browser.post("/ontzorgen/runs", form: [("gemeente", "GM0988"), ("maand", "2027-01"), ("uitvoerdatum", "2026-12-28")], csrf: csrf))
            let januaryLines = try await app.services.ontzorgen.runBetalingen(runId: january)
            let retry = try #require(januaryLines.first { $0.retryOf == rent.id })
            #expect((retry.month, retry.iban, retry.amountCents) == ("2026-12", "NL39RABO0300065264", 65_000))
            #expect(januaryLines.filter { $0.personId == app.world.personA && $0.retryOf == nil }.map(\.amountCents).sorted() == [15_800, 56_700, 67_500],
                    "January: the new rent, leefgeld 1400 − 833")
            #expect(try await browser.post("/ontzorgen/betalingen/\(rent.id)/opnieuw", form: [], csrf: csrf).status == .conflict, "repaid once")

            // The statement of December for the newcomer: benefit, each payment, leefgeld, in plain Dutch.
            let statement = try await browser.get("/personen/\(app.world.personA)/ontzorgen/overzicht?maand=2026-12")
            #expect(statement.status == .ok)
            for text in ["Uw geld in december 2026", "€ 1.400,00", "Wonen Limburg", "€ 650,00", "niet gelukt", "Uw leefgeld deze maand is", "€ 592,00", "NL69 INGB 0123 4567 89"] {
                #expect(statement.body.contains(text), "\(text)")
            }
            // Ready for translation: the same statement in English, whatever the user's own language.
            let english = try await browser.get("/personen/\(app.world.personA)/ontzorgen/overzicht?maand=2026-12&taal=en")
            #expect(english.body.contains("<html lang=\"en\">"))
            #expect(english.body.contains("Your money in December 2026"))
            #expect(english.body.contains("€1,400.00"))
            // Every step was audited, with the person where it concerns one.
            let actions = Set(try await app.services.audit.search(.init(), before: nil, limit: 200).rows.map(\.action))
            for action in ["ontzorgen.decide", "ontzorgen.benefit", "ontzorgen.payee.add", "ontzorgen.payee.change", "ontzorgen.run.prepare", "ontzorgen.run.approve",
                           "ontzorgen.run.recompute", "ontzorgen.run.view", "ontzorgen.overview",
                           "ontzorgen.run.export", "ontzorgen.payment.failed", "ontzorgen.payment.repay", "ontzorgen.statement", "ontzorgen.run.delete"] {
                #expect(actions.contains(action), "\(action)")
            }
        }
    }

    @Test("Policy versions: a change takes effect from a date, for the municipality it was entered for; a day twice is refused", arguments: Engine.available)
    func policy(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.seed(app)
            let admin = Browser(client)
            let csrf = try await admin.login(World.email(.functioneelBeheerder))
            let form: [(String, String)] = [("gemeente", "GM1706"), ("effectiveFrom", "2027-01-01"), ("beleid", "neeTenzij"), ("soorten", "huur"),
                                            ("soorten", "zorgverzekering"), ("extraSoorten", "Internet"), ("duration", "4"), ("reviews", "1, 3"),
                                            ("debtorName", "Gemeente Cranendonck"), ("debtorIban", "NL14BNGH0285001234")]
            // A bad IBAN: refused, the page stays Cranendonck's, what was typed is kept.
            let bad = try await admin.post("/ontzorgen/beleid?gemeente=GM1706", form: form.filter { $0.0 != "debtorIban" } + [("debtorIban", "NL91ABNA0417164301")], csrf: csrf)
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("Beleid ontzorgen Cranendonck"))
            #expect(bad.body.contains("value=\"NL91ABNA0417164301\""))
            #expect(try await admin.post("/ontzorgen/beleid?gemeente=GM1706", form: form, csrf: csrf).status == .seeOther)
            #expect(try await app.services.audit.search(.init(), before: nil, limit: 100).rows.contains { $0.action == "ontzorgen.policy.add" && $0.detail.contains("GM1706") })
            let cranendonck = try await app.services.ontzorgen.listPolicies(municipalityCode: "GM1706")
            #expect(cranendonck.count == 1)
            #expect(cranendonck.first?.soortenList.map(\.code) == ["huur", "zorgverzekering", "internet"])
            #expect(cranendonck.first?.lawSettings == OntzorgenSettings(beleid: .neeTenzij, rekeningen: [.huur, .zorgverzekering], duurMaanden: 4, evaluatieNaMaanden: [1, 3]))
            #expect(try await app.services.ontzorgen.listPolicies(municipalityCode: "GM0988").count == 1, "Weert's policy untouched")
            #expect(try await admin.post("/ontzorgen/beleid?gemeente=GM1706", form: form, csrf: csrf).status == .conflict, "the same day twice")
            // Bijstand before the new version keeps having no policy; from 1 January it is "nee, tenzij", 4 months.
            let budget = Browser(client)
            let budgetCSRF = try await budget.login(World.email(.budgetbeheerder))
            #expect(try await budget.post("/personen/\(app.world.personA2)/ontzorgen/besluit", form: [
                ("bijstandStart", "2027-01-04"), ("ontzorgd", "ja"), ("reason", "nodig"), ("decisionDate", "2026-11-18")], csrf: budgetCSRF).status == .seeOther)
            let record = try await app.services.ontzorgen.dossier(personId: app.world.personA2, scope: TenantScope(municipalityCodes: ["GM1706"])).ontzorging
            #expect(record?.plannedEnd == "2027-05-03")
            // Another organisation's municipality: no policy page, no run.
            #expect(try await budget.get("/ontzorgen/beleid?gemeente=GM0957").status == .notFound)
            #expect(try await admin.post("/ontzorgen/beleid?gemeente=GM0957", form: form.map { $0.0 == "gemeente" ? ($0.0, "GM0957") : $0 }, csrf: csrf).status == .notFound)
            let foreign = try await budget.post("/ontzorgen/runs", form: [("gemeente", "GM0957"), ("maand", "2026-12"), ("uitvoerdatum", "2026-11-27")], csrf: budgetCSRF)
            #expect(foreign.status == .badRequest)
            #expect(try await app.services.ontzorgen.listRuns(scope: TenantScope(municipalityCodes: ["GM0957"])).isEmpty)
            #expect(try await app.services.ontzorgen.listPolicies(municipalityCode: "GM0957").isEmpty)
            // A budget manager reads the policy but cannot add a version.
            #expect(try await budget.get("/ontzorgen/beleid?gemeente=GM1706").status == .ok)
            #expect(try await budget.post("/ontzorgen/beleid?gemeente=GM1706", form: form, csrf: budgetCSRF).status == .forbidden)
        }
    }

    @Test("Reviews, extension (art. 57 Pw), early end with handover, the course warning, and the figures", arguments: Engine.available)
    func lifecycle(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            try await Self.seed(app)
            let (browser, csrf) = try await Self.arrange(client, app, person: app.world.personA, benefit: "1315", rent: "650")
            let base = "/personen/\(app.world.personA)/ontzorgen"
            // No course planned: warned (R8c); a course ending after the relief: warned too.
            #expect(try await browser.get(base).body.contains("nog niet gepland"))
            #expect(try await browser.post(base + "/zelfredzaamheid", form: [("skillsIntake", "2026-10-01"), ("skillsResult", "deels"), ("courseName", "Geldzaken op orde"),
                                                                             ("courseStart", "2027-02-01"), ("courseEnd", "2027-04-01")], csrf: csrf).status == .seeOther)
            #expect(try await browser.get(base).body.contains("pas na het einde"))
            // Review held: the first open review task is done.
            #expect(try await browser.post(base + "/evaluatie", form: [("heldOn", "2026-11-14"), ("outcome", "verlengen")], csrf: csrf).status == .seeOther)
            // Extension until 14 June 2027: the March-ending course is now in time; paid months run to June.
            let extended = try await browser.post(base + "/verlenging", form: [("extendedUntil", "2027-06-14"), ("extensionReason", "Toeslagen nog niet toegekend"),
                                                                             ("extensionDecided", "2026-11-18")], csrf: csrf)
            #expect(extended.status == .seeOther)
            #expect(!(try await browser.get(base).body.contains("pas na het einde")))
            let scope = TenantScope(municipalityCodes: ["GM0988"])
            var record = try #require(try await app.services.ontzorgen.dossier(personId: app.world.personA, scope: scope).ontzorging)
            #expect(OntzorgenBetaalRule.betaalmaanden(try #require(record.periode)).count == 9)
            // An extension must end after the current end.
            #expect(try await browser.post(base + "/verlenging", form: [("extendedUntil", "2027-01-01"), ("extensionReason", "x"), ("extensionDecided", "2026-11-18")],
                                           csrf: csrf).status == .badRequest)
            // Early end on 10 January with the handover: paid months October to January.
            #expect(try await browser.post(base + "/beeindigen", form: [("closedOn", "2027-01-10"), ("closeReason", "zelfredzaam"),
                                                                        ("handover", "Huur en zorgverzekering per automatische incasso")], csrf: csrf).status == .seeOther)
            record = try #require(try await app.services.ontzorgen.dossier(personId: app.world.personA, scope: scope).ontzorging)
            #expect(OntzorgenBetaalRule.betaalmaanden(try #require(record.periode)).map(\.iso) == ["2026-10", "2026-11", "2026-12", "2027-01"])
            let tasks = try await app.services.casework.listTaken(personId: app.world.personA, scope: scope)
            #expect(tasks.filter { $0.source == "ontzorgen" }.isEmpty, "no open review after the end")
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            let timeline = try await consulent.get("/personen/\(app.world.personA)").body
            #expect(timeline.contains("Ontzorgen verlengd tot en met 14 juni 2027"))
            #expect(timeline.contains("Ontzorgen beëindigd — Zelfredzaam, eerder gestopt"))
            // Each step audited, with the person it concerns.
            let entries = try await app.services.audit.search(.init(personId: app.world.personA), before: nil, limit: 200).rows
            for action in ["ontzorgen.view", "ontzorgen.selfReliance", "ontzorgen.review", "ontzorgen.extend", "ontzorgen.close"] {
                #expect(entries.contains { $0.action == action }, "\(action)")
            }
            // Figures: bijstand started in the period (Q3–Q4 2026): one person, longer than six months? No: ended early — shorter.
            let figures = try await app.services.ontzorgen.figures(FiguresFilter(municipalityCodes: ["GM0988"], from: CalendarDate(iso: "2026-07-01")!,
                                                                                 to: CalendarDate(iso: "2026-12-31")!, today: CalendarDate(iso: "2026-11-18")!))
            #expect((figures.korter, figures.zesMaanden, figures.langer, figures.verlengingen, figures.nietOntzorgd) == (1, 0, 0, 1, 0))
            // The same numbers on the dashboard and in its CSV, for the team lead.
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let period = "gemeente=GM0988&van=2026-07-01&tot=2026-12-31"
            let dashboard = try await lead.get("/cijfers?" + period)
            #expect(dashboard.body.contains("Financieel ontzorgen"))
            let csv = try await lead.get("/cijfers/csv?tabel=ontzorgen&" + period)
            #expect(csv.status == .ok)
            #expect(csv.body.contains("Korter dan 6 maanden,1,100%"))
            #expect(csv.body.contains("Verlengingen (art. 57 Pw),1"))
        }
    }
}

/// Validates a pain.001.001.03 document against the ISO 20022 schema with xmllint. The schema
/// comes from the PyPI package sepaxml (or REGIE_SEPA_XSD); without the tools the check is skipped,
/// unless REGIE_REQUIRE_ALL=1 (CI), where a missing tool fails.
enum SEPASchema {
    static func schemaPath() -> String? {
        if let path = ProcessInfo.processInfo.environment["REGIE_SEPA_XSD"], FileManager.default.fileExists(atPath: path) { return path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sepaxml, os; print(os.path.join(os.path.dirname(sepaxml.__file__), 'schemas', 'pain.001.001.03.xsd'))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        let path = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// xmllint's verdict on `xml`, or nil when the tools are not installed here.
    static func lint(_ xml: String) throws -> (passed: Bool, output: String)? {
        guard let schema = schemaPath(), FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint") else { return nil }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pain-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--schema", schema, file.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus == 0, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    static func validate(_ xml: String) throws {
        guard let result = try lint(xml) else {
            #expect(ProcessInfo.processInfo.environment["REGIE_REQUIRE_ALL"] != "1",
                    "xmllint (libxml2-utils) and the sepaxml schema are needed to validate the SEPA file")
            return
        }
        #expect(result.passed, "pain.001.001.03 schema: \(result.output)")
        // The check itself can fail: the same file without its group header's count is refused.
        let broken = xml.replacingOccurrences(of: "<NbOfTxs>", with: "<NumberOfTransactions>").replacingOccurrences(of: "</NbOfTxs>", with: "</NumberOfTransactions>")
        #expect(try lint(broken)?.passed == false)
    }
}
