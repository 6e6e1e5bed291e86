import Foundation
import Inburgering
import HTTPTypes
import RegieServer
import RegieStorage
import SQLKit
import Testing

@Suite("Tenancy and roles: nobody sees a person of a municipality their organisation does not serve")
struct TenancyTests {
    /// A request to a route that takes an id, aimed at something of organisation B.
    struct Probe: Sendable, CustomTestStringConvertible {
        let pattern: String
        let method: HTTPRequest.Method
        let path: @Sendable (World, String) -> String
        let form: [(String, String)]
        var testDescription: String { "\(method) \(pattern)" }
    }

    static let probes: [Probe] = [
        Probe(pattern: "/personen/{id}", method: .get, path: { w, _ in "/personen/\(w.personB)" }, form: []),
        Probe(pattern: "/personen/{id}/bsn", method: .get, path: { w, _ in "/personen/\(w.personB)/bsn" }, form: []),
        Probe(pattern: "/personen/{id}/contact", method: .get, path: { w, _ in "/personen/\(w.personB)/contact" }, form: []),
        Probe(pattern: "/personen/{id}/contact", method: .post, path: { w, _ in "/personen/\(w.personB)/contact" }, form: [("language", "Frans")]),
        Probe(pattern: "/personen/{id}/brieven", method: .post, path: { w, _ in "/personen/\(w.personB)/brieven" }, form: [("soort", "pip"), ("versie", "1")]),
        Probe(pattern: "/personen/{id}/brieven/{letter}", method: .get, path: { w, _ in "/personen/\(w.personB)/brieven/onbekend" }, form: []),
        Probe(pattern: "/personen/{id}/brieven/{letter}/stijl.css", method: .get, path: { w, _ in "/personen/\(w.personB)/brieven/onbekend/stijl.css" }, form: []),
        Probe(pattern: "/personen/{id}/adres", method: .get, path: { w, _ in "/personen/\(w.personB)/adres" }, form: []),
        Probe(pattern: "/personen/{id}/adres", method: .post, path: { w, _ in "/personen/\(w.personB)/adres" },
              form: [("woon-straat", "Markt"), ("woon-huisnummer", "1"), ("woon-postcode", "6041 EM"), ("woon-plaats", "Roermond")]),
        Probe(pattern: "/beheer/api-sleutels/{id}/intrekken", method: .post, path: { _, keyB in "/beheer/api-sleutels/\(keyB)/intrekken" }, form: []),
        Probe(pattern: "/beheer/gebruikers/{id}", method: .get, path: { _, _ in "/beheer/gebruikers/b-consulent" }, form: []),
        Probe(pattern: "/beheer/gebruikers/{id}", method: .post, path: { _, _ in "/beheer/gebruikers/b-consulent" },
              form: [("roles", "teamleider"), ("team", "")]),
        Probe(pattern: "/beheer/gebruikers/{id}/{action}", method: .post, path: { _, _ in "/beheer/gebruikers/b-consulent/deactiveren" },
              form: [("reason", "Uit dienst")]),
        Probe(pattern: "/beheer/gebruikers/{id}/{action}", method: .post, path: { _, _ in "/beheer/gebruikers/b-consulent/wachtwoordlink" }, form: []),
        Probe(pattern: "/account/api-sleutels/{id}/goedkeuren", method: .post, path: { _, keyB in "/account/api-sleutels/\(keyB)/goedkeuren" }, form: []),
        Probe(pattern: "/personen/{id}/intake", method: .get, path: { w, _ in "/personen/\(w.personB)/intake" }, form: []),
        Probe(pattern: "/personen/{id}/intake/gesprekken", method: .post, path: { w, _ in "/personen/\(w.personB)/intake/gesprekken" },
              form: [("date", "2026-11-17"), ("attendees", "consulent")]),
        Probe(pattern: "/personen/{id}/intake/onderwerpen/{topic}", method: .post, path: { w, _ in "/personen/\(w.personB)/intake/onderwerpen/taalniveau" },
              form: [("notitie", "x")]),
        Probe(pattern: "/personen/{id}/lbt", method: .post, path: { w, _ in "/personen/\(w.personB)/lbt" },
              form: [("testDate", "2026-11-09"), ("administrator", "X"), ("score", "30")]),
        Probe(pattern: "/personen/{id}/lbt/advies", method: .post, path: { w, _ in "/personen/\(w.personB)/lbt/advies" },
              form: [("adviceDate", "2026-11-09"), ("school", "X"), ("adviesRoute", "b1")]),
        Probe(pattern: "/personen/{id}/route", method: .post, path: { w, _ in "/personen/\(w.personB)/route" },
              form: [("leerroute", "b1"), ("considerations", "x")]),
        Probe(pattern: "/personen/{id}/pip", method: .post, path: { w, _ in "/personen/\(w.personB)/pip" }, form: [("leerroute", "b1")]),
        Probe(pattern: "/personen/{id}/pip/vaststellen", method: .get, path: { w, _ in "/personen/\(w.personB)/pip/vaststellen" }, form: []),
        Probe(pattern: "/personen/{id}/pip/{version}/brief", method: .get, path: { w, _ in "/personen/\(w.personB)/pip/1/brief" }, form: []),
        Probe(pattern: "/personen/{id}/voortgang", method: .get, path: { w, _ in "/personen/\(w.personB)/voortgang" }, form: []),
        Probe(pattern: "/personen/{id}/voortgang/start", method: .post, path: { w, _ in "/personen/\(w.personB)/voortgang/start" }, form: [("startDate", "2026-11-17")]),
        Probe(pattern: "/personen/{id}/voortgang/gesprekken", method: .post, path: { w, _ in "/personen/\(w.personB)/voortgang/gesprekken" },
              form: [("heldDate", "2026-11-17"), ("outcome", "opSchema")]),
        Probe(pattern: "/personen/{id}/voortgang/uren", method: .post, path: { w, _ in "/personen/\(w.personB)/voortgang/uren" },
              form: [("periodEnd", "2026-11-17"), ("uren-cursus", "4")]),
        Probe(pattern: "/personen/{id}/voortgang/uren/{uren}", method: .post, path: { w, _ in "/personen/\(w.personB)/voortgang/uren/onbekend" },
              form: [("actie", "intrekken"), ("reason", "x")]),
        Probe(pattern: "/personen/{id}/intrekken/{soort}/{record}", method: .post, path: { w, _ in "/personen/\(w.personB)/intrekken/intakegesprek/onbekend" },
              form: [("reason", "x")]),
        Probe(pattern: "/personen/{id}/voortgang/resultaten", method: .post, path: { w, _ in "/personen/\(w.personB)/voortgang/resultaten" },
              form: [("kind", "zRouteAfgerond"), ("resultDate", "2026-11-17")]),
        Probe(pattern: "/personen/{id}/brieven", method: .get, path: { w, _ in "/personen/\(w.personB)/brieven" }, form: []),
        Probe(pattern: "/personen/{id}/brp", method: .get, path: { w, _ in "/personen/\(w.personB)/brp" }, form: []),
        Probe(pattern: "/personen/{id}/brp", method: .post, path: { w, _ in "/personen/\(w.personB)/brp" }, form: []),
        Probe(pattern: "/personen/{id}/brp/overnemen", method: .post, path: { w, _ in "/personen/\(w.personB)/brp/overnemen" }, form: []),
        Probe(pattern: "/personen/{id}/handhaving/{stap}/brief", method: .get, path: { w, _ in "/personen/\(w.personB)/handhaving/x/brief" }, form: []),
        Probe(pattern: "/personen/{id}/handhaving", method: .post, path: { w, _ in "/personen/\(w.personB)/handhaving" },
              form: [("overtreding", "nietNakomenPIP"), ("decidedDate", "2026-11-17")]),
        Probe(pattern: "/personen/{id}/overdracht", method: .post, path: { w, _ in "/personen/\(w.personB)/overdracht" }, form: [("scenario", "azc")]),
        Probe(pattern: "/personen/{id}/derden", method: .post, path: { w, _ in "/personen/\(w.personB)/derden" },
              form: [("party", "Huisarts"), ("subject", "Medische informatie"), ("requestedOn", "2026-11-17")]),
        Probe(pattern: "/personen/{id}/derden/{request}/{action}", method: .post, path: { w, _ in "/personen/\(w.personB)/derden/x/ontvangen" },
              form: [("receivedOn", "2026-11-17")]),
        Probe(pattern: "/personen/{id}/taken", method: .post, path: { w, _ in "/personen/\(w.personB)/taken" }, form: [("taskTitle", "Bellen")]),
        Probe(pattern: "/personen/{id}/taken/{task}/afronden", method: .post, path: { w, _ in "/personen/\(w.personB)/taken/x/afronden" }, form: []),
        Probe(pattern: "/personen/{id}/taken/{task}", method: .get, path: { w, _ in "/personen/\(w.personB)/taken/x" }, form: []),
        Probe(pattern: "/personen/{id}/taken/{task}", method: .post, path: { w, _ in "/personen/\(w.personB)/taken/x" }, form: [("taskTitle", "Bellen")]),
        Probe(pattern: "/personen/{id}/afspraken", method: .get, path: { w, _ in "/personen/\(w.personB)/afspraken" }, form: []),
        Probe(pattern: "/personen/{id}/afspraken", method: .post, path: { w, _ in "/personen/\(w.personB)/afspraken" },
              form: [("kind", "intakegesprek"), ("date", "2026-12-01"), ("time", "10:00"), ("duration", "60"), ("place", "Stadhuis")]),
        Probe(pattern: "/personen/{id}/afspraken/{afspraak}", method: .get, path: { w, _ in "/personen/\(w.personB)/afspraken/x" }, form: []),
        Probe(pattern: "/personen/{id}/afspraken/{afspraak}/{action}", method: .post, path: { w, _ in "/personen/\(w.personB)/afspraken/x/annuleren" },
              form: [("cancelReason", "x")]),
        Probe(pattern: "/personen/{id}/afspraken/{afspraak}/uitnodiging", method: .get, path: { w, _ in "/personen/\(w.personB)/afspraken/x/uitnodiging" }, form: []),
        Probe(pattern: "/personen/{id}/documenten", method: .get, path: { w, _ in "/personen/\(w.personB)/documenten" }, form: []),
        Probe(pattern: "/personen/{id}/documenten/{document}", method: .get, path: { w, _ in "/personen/\(w.personB)/documenten/x" }, form: []),
        Probe(pattern: "/personen/{id}/verwijzingen", method: .get, path: { w, _ in "/personen/\(w.personB)/verwijzingen" }, form: []),
        Probe(pattern: "/personen/{id}/verwijzingen", method: .post, path: { w, _ in "/personen/\(w.personB)/verwijzingen" },
              form: [("offer", "offer-b"), ("consent", "identity"), ("referredOn", "2026-11-17")]),
        Probe(pattern: "/personen/{id}/verwijzingen/{referral}/{action}", method: .post, path: { w, _ in "/personen/\(w.personB)/verwijzingen/referral-b/intrekken" },
              form: [("on", "2026-11-17"), ("reason", "x")]),
        Probe(pattern: "/beheer/aanbieders/{id}", method: .get, path: { _, _ in "/beheer/aanbieders/provider-b" }, form: []),
        Probe(pattern: "/beheer/aanbieders/{id}", method: .post, path: { _, _ in "/beheer/aanbieders/provider-b" },
              form: [("municipality", "GM0988"), ("name", "Overgenomen"), ("kind", "roc"), ("active", "ja")]),
        Probe(pattern: "/beheer/aanbieders/{id}/aanbod", method: .post, path: { _, _ in "/beheer/aanbieders/provider-b/aanbod" },
              form: [("offerName", "X"), ("location", "X"), ("schedule", "X"), ("hoursPerWeek", "4")]),
        Probe(pattern: "/beheer/aanbieders/{id}/aanbod/{offer}", method: .post, path: { _, _ in "/beheer/aanbieders/provider-b/aanbod/offer-b" },
              form: [("offerName", "Overgenomen"), ("location", "X"), ("schedule", "X"), ("hoursPerWeek", "4"), ("active", "ja")]),
        Probe(pattern: "/beheer/aanbieders/{id}/aanbod/{offer}/startmomenten", method: .post,
              path: { _, _ in "/beheer/aanbieders/provider-b/aanbod/offer-b/startmomenten" }, form: [("startsOn", "2027-03-01"), ("capacity", "4")]),
        Probe(pattern: "/beheer/aanbieders/{id}/aanbod/{offer}/startmomenten/{start}", method: .post,
              path: { _, _ in "/beheer/aanbieders/provider-b/aanbod/offer-b/startmomenten/start-b" }, form: [("capacity", "0"), ("cancelledReason", "x")]),
        Probe(pattern: "/beheer/aanbieders/{id}/accounts", method: .post, path: { _, _ in "/beheer/aanbieders/provider-b/accounts" },
              form: [("actie", "toevoegen"), ("accountName", "Indringer"), ("accountEmail", "indringer@a.example")]),
        Probe(pattern: "/beheer/aanbieders/{id}/sleutels", method: .post, path: { _, _ in "/beheer/aanbieders/provider-b/sleutels" },
              form: [("actie", "maken"), ("keyName", "Indringer")]),
        Probe(pattern: "/aanbieder/verwijzingen/{referral}", method: .get, path: { _, _ in "/aanbieder/verwijzingen/referral-b" }, form: []),
        Probe(pattern: "/aanbieder/verwijzingen/{referral}/{action}", method: .post, path: { _, _ in "/aanbieder/verwijzingen/referral-b/accepteren" },
              form: [("on", "2026-11-17"), ("plannedStart", "2027-01-04")]),
        Probe(pattern: "/aanbieder/lessen/{lesson}", method: .get, path: { _, _ in "/aanbieder/lessen/lesson-b" }, form: []),
        Probe(pattern: "/aanbieder/lessen/{lesson}/{action}", method: .post, path: { _, _ in "/aanbieder/lessen/lesson-b/bevestigen" }, form: []),
        Probe(pattern: "/deelnemer/lessen/{lesson}", method: .post, path: { _, _ in "/deelnemer/lessen/lesson-b" }, form: [("code", "123456")]),
        Probe(pattern: "/personen/{id}/deelnemerslogin", method: .post, path: { w, _ in "/personen/\(w.personB)/deelnemerslogin" }, form: [("actie", "uitgeven")]),
        Probe(pattern: "/duo/berichten/{id}/opnieuw", method: .post, path: { _, _ in "/duo/berichten/outbox-b/opnieuw" }, form: []),
        Probe(pattern: "/personen/{id}/duo", method: .get, path: { w, _ in "/personen/\(w.personB)/duo" }, form: []),
        Probe(pattern: "/personen/{id}/duo/ophalen", method: .post, path: { w, _ in "/personen/\(w.personB)/duo/ophalen" }, form: []),
        Probe(pattern: "/personen/{id}/gegevens", method: .get, path: { w, _ in "/personen/\(w.personB)/gegevens" }, form: []),
        Probe(pattern: "/personen/{id}/gegevens", method: .post, path: { w, _ in "/personen/\(w.personB)/gegevens" },
              form: [("givenNames", "X"), ("familyName", "Y"), ("dateOfBirth", "1990-01-01"), ("gender", "man"), ("language", "Frans")]),
        Probe(pattern: "/personen/{id}/duo/contactpersoon", method: .post, path: { w, _ in "/personen/\(w.personB)/duo/contactpersoon" },
              form: [("naam", "A. Jansen"), ("email", "a@b.nl"), ("telefoonnummer", "0495575000")]),
        Probe(pattern: "/personen/{id}/afsluiten", method: .post, path: { w, _ in "/personen/\(w.personB)/afsluiten" }, form: [("reason", "verhuisd"), ("closeDate", "2026-11-17")]),
        Probe(pattern: "/personen/{id}/ontzorgen", method: .get, path: { w, _ in "/personen/\(w.personB)/ontzorgen" }, form: []),
        Probe(pattern: "/personen/{id}/ontzorgen/{form}", method: .post, path: { w, _ in "/personen/\(w.personB)/ontzorgen/besluit" },
              form: [("bijstandStart", "2026-09-15"), ("ontzorgd", "ja"), ("reason", "beleid"), ("decisionDate", "2026-11-01")]),
        Probe(pattern: "/personen/{id}/ontzorgen/overzicht", method: .get, path: { w, _ in "/personen/\(w.personB)/ontzorgen/overzicht?maand=2026-11" }, form: []),
        Probe(pattern: "/ontzorgen/runs/{id}", method: .get, path: { _, _ in "/ontzorgen/runs/run-b" }, form: []),
        Probe(pattern: "/ontzorgen/runs/{id}/{action}", method: .post, path: { _, _ in "/ontzorgen/runs/run-b/terugboeking" },
              form: [("endToEndId", "E2E-B"), ("reason", "Onbekend"), ("failedOn", "2026-11-17")]),
        Probe(pattern: "/ontzorgen/runs/{id}/betaalbestand.xml", method: .get, path: { _, _ in "/ontzorgen/runs/run-b/betaalbestand.xml" }, form: []),
        Probe(pattern: "/ontzorgen/betalingen/{id}/{action}", method: .post, path: { _, _ in "/ontzorgen/betalingen/betaling-b/opnieuw" },
              form: [("iban", "NL39RABO0300065264")]),
    ]

    @Test("Every route that takes an id has a probe below")
    func everyIDRouteIsProbed() {
        #expect(Set(Self.probes.map(\.pattern)) == Set(SiteRoute.patternsWithID))
    }

    @Test("A person or key of another organisation answers 404 and leaves no trace of it", arguments: Engine.available, probes)
    func otherOrganisationIsNotFound(engine: Engine, probe: Probe) async throws {
        try await TestSupport.withApp(engine) { client, app in
            // Organisation B's functioneel beheerder creates an API key to aim at.
            let owner = Browser(client)
            let ownerCSRF = try await owner.login(World.email(.functioneelBeheerder, "b"))
            _ = try await owner.post("/beheer/api-sleutels", form: [("name", "B's koppeling"), ("role", "consulent")], csrf: ownerCSRF)
            let keyB = try #require(try await app.services.apiKeys.listKeys(organisationId: app.world.orgB).first).id
            // A message to DUO about B's person, to aim the retry at.
            try await app.database.sql.raw("""
                INSERT INTO duo_outbox (id, seq, person_id, municipality_code, kind, bsn, body, bericht_id, status, next_attempt_at, created_by, created_at)
                VALUES ('outbox-b', 1, \(bind: app.world.personB), 'GM0957', 'pip', '999990032', '{}', 'b1', 'rejected', 0, 'test', 0)
                """).run()

            // A payment run of B's municipality with one payment to B's person, to aim the ontzorgen routes at.
            try await app.database.sql.raw("""
                INSERT INTO ontzorgen_runs (id, municipality_code, month, status, execution_date, prepared_by, prepared_by_name, prepared_at, message_id,
                    export_count, total_cents, payments)
                VALUES ('run-b', 'GM0957', '2026-11', 'concept', '2026-11-27', 'b-budgetbeheerder', 'B', 0, 'RGO-B', 1, 1000, 1)
                """).run()
            try await app.database.sql.raw("""
                INSERT INTO ontzorgen_betalingen (id, run_id, person_id, month, post_key, soort, payee_name, iban, reference, amount_cents, end_to_end_id, status)
                VALUES ('betaling-b', 'run-b', \(bind: app.world.personB), '2026-11', 'p', 'huur', 'Verhuurder B', 'NL91ABNA0417164300', 'x', 1000, 'E2E-B', 'klaar')
                """).run()

            // A provider of B's municipality with an offer, a start moment and a referral of B's person, to aim the chain's routes at.
            try await app.database.sql.raw("""
                INSERT INTO providers (id, municipality_code, name, kind, created_by, created_at) VALUES ('provider-b', 'GM0957', 'Taalschool Roermond', 'taalschool', 'b', 0)
                """).run()
            try await app.database.sql.raw("""
                INSERT INTO provider_offers (id, provider_id, name, location, schedule, hours_per_week, created_by, created_at)
                VALUES ('offer-b', 'provider-b', 'B1 Roermond', 'Roermond', 'ma', 8, 'b', 0)
                """).run()
            try await app.database.sql.raw("""
                INSERT INTO offer_starts (id, offer_id, starts_on, capacity, created_by, created_at) VALUES ('start-b', 'offer-b', '2027-01-04', 10, 'b', 0)
                """).run()
            try await app.database.sql.raw("""
                INSERT INTO referrals (id, person_id, offer_id, start_id, status, referred_on, created_by, created_at)
                VALUES ('referral-b', \(bind: app.world.personB), 'offer-b', 'start-b', 'started', '2026-11-10', 'b-consulent', 0)
                """).run()
            try await app.database.sql.raw("UPDATE referrals SET started_on = '2026-11-10' WHERE id = 'referral-b'").run()
            // An open lesson of B's provider today, for B's person, to aim the attendance register's routes at.
            let today = CalendarDate.today(now: app.services.clock.now())
            try await app.database.sql.raw("""
                INSERT INTO lessons (id, provider_id, offer_id, start_id, lesson_date, starts_at, hours, soort, code, status, opened_by, opened_at)
                VALUES ('lesson-b', 'provider-b', 'offer-b', 'start-b', \(bind: today.iso), '09:00', 3, 'cursus', '123456', 'open', 'b', 0)
                """).run()

            // A user of organisation A who holds the role the route needs.
            let role: Role = probe.pattern.hasPrefix("/beheer") ? .functioneelBeheerder
                : probe.pattern.hasPrefix("/account") ? .consulent
                : probe.pattern.contains("ontzorgen") ? .budgetbeheerder : .teamleider
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(role, "a"))
            if probe.pattern.hasPrefix("/deelnemer") {
                // The attendance register's own pages: a participant of organisation A, signed in with their own login.
                let issued = try await AttendanceTests.issueLogin(browser, csrf, person: app.world.personA)
                let (phone, phoneCSRF) = try await AttendanceTests.participantSignIn(client, login: issued.login, password: issued.password)
                let before = try await app.services.audit.search(.init(personId: app.world.personB), before: nil, limit: 10).rows.count
                let page = try await phone.post(probe.path(app.world, keyB), form: probe.form, csrf: phoneCSRF)
                #expect(page.status == .notFound)
                #expect(!page.body.contains("Mansour"))
                #expect(try await app.database.sql.raw("SELECT COUNT(*) AS n FROM lesson_presences").first()?.decode(column: "n", as: Int.self) == 0)
                #expect(try await app.services.audit.search(.init(personId: app.world.personB), before: nil, limit: 10).rows.count == before)
                return
            }
            let before = try await app.services.audit.search(.init(personId: app.world.personB), before: nil, limit: 10).rows.count
            let page = probe.method == .get
                ? try await browser.get(probe.path(app.world, keyB))
                : try await browser.post(probe.path(app.world, keyB), form: probe.form, csrf: csrf)
            #expect(page.status == .notFound)
            #expect(!page.body.contains("Mansour"), "no name of B's person leaks")
            #expect(!page.body.contains("999990032"), "no BSN of B's person leaks")
            // Nothing changed and nothing about B's person was logged as read.
            let person = try await app.services.persons.fetchPerson(id: app.world.personB, scope: TenantScope(municipalityCodes: ["GM0957"]))
            #expect(person?.language == "Arabisch")
            #expect(try await app.services.apiKeys.listKeys(organisationId: app.world.orgB).first?.revokedAt == nil)
            #expect(try await app.services.apiKeys.listKeys(organisationId: app.world.orgB).first?.approvedAt == nil, "B's key stays unapproved")
            #expect(try await app.services.duoStore.fetchOutbox("outbox-b")?.status == "rejected")
            let userB = try await app.services.users.fetchUser(id: "b-consulent")
            #expect(userB?.active == true && userB?.roles == [.consulent], "B's account is untouched")
            #expect(try await app.services.ontzorgen.fetchRun(id: "run-b", scope: TenantScope(municipalityCodes: ["GM0957"]))?.status == "concept")
            #expect(try await app.services.ontzorgen.fetchBetaling(id: "betaling-b", scope: TenantScope(municipalityCodes: ["GM0957"]))?.status == "klaar")
            #expect(try await app.database.sql.raw("SELECT status FROM lessons WHERE id = 'lesson-b'").first()?.decode(column: "status", as: String.self) == "open")
            #expect(try await app.services.audit.search(.init(personId: app.world.personB), before: nil, limit: 10).rows.count == before)
            let chain = try #require(try await app.database.sql.raw("""
                SELECT v.name AS provider, o.name AS offer, s.capacity, s.cancelled_reason, r.status,
                       (SELECT COUNT(*) FROM provider_offers) AS offers, (SELECT COUNT(*) FROM offer_starts) AS starts, (SELECT COUNT(*) FROM referrals) AS referrals
                FROM providers v JOIN provider_offers o ON o.provider_id = v.id JOIN offer_starts s ON s.offer_id = o.id JOIN referrals r ON r.offer_id = o.id
                WHERE v.id = 'provider-b'
                """).first())
            #expect(try chain.decode(column: "provider", as: String.self) == "Taalschool Roermond" && chain.decode(column: "offer", as: String.self) == "B1 Roermond")
            #expect(try chain.decode(column: "capacity", as: Int.self) == 10 && chain.decode(column: "cancelled_reason", as: String?.self) == nil)
            #expect(try chain.decode(column: "status", as: String.self) == "started")
            #expect(try chain.decode(column: "offers", as: Int.self) == 1 && chain.decode(column: "starts", as: Int.self) == 1 && chain.decode(column: "referrals", as: Int.self) == 1,
                    "nothing was added to B's provider or for B's person")
        }
    }

    @Test("The same routes work for the organisation that serves the municipality", arguments: Engine.available)
    func ownOrganisationSees(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent, "b"))
            let page = try await browser.get("/personen/\(app.world.personB)")
            #expect(page.status == .ok)
            #expect(page.body.contains("Mansour"))
            #expect(page.body.contains("*****0032"), "the BSN is masked until revealed")
            #expect(!page.body.contains("999990032"))
            let revealed = try await browser.get("/personen/\(app.world.personB)/bsn")
            #expect(revealed.body.contains("999990032"))
        }
    }

    @Test("The case file shows the running terms from the statutory clock, with rule and source", arguments: Engine.available)
    func termsOnCaseFile(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            // Asylum permit holder, kennisgeving 1 Sep, BRP 15 Sep 2026, no PIP, today 18 Nov 2026:
            // R1 runs from the later date, so the PIP is due 24 Nov 2026, 6 days from now.
            let page = try await browser.get("/personen/\(app.world.personA)")
            #expect(page.body.contains("PIP vaststellen"))
            #expect(page.body.contains("24 november 2026"))
            #expect(page.body.contains("nog 6 dagen"))
            #expect(page.body.contains("Bijna verlopen"))
            #expect(page.body.contains("href=\"/regels#R1\""))
            #expect(page.body.contains("Besluit inburgering 2021 art. 5.3"))
            app.clock.advance(7 * 86_400)
            let nextWeek = Browser(client)
            _ = try await nextWeek.login(World.email(.consulent))
            let later = try await nextWeek.get("/personen/\(app.world.personA)")
            #expect(later.body.contains("1 dag te laat"))
            #expect(later.body.contains("term--overdue"))
        }
    }

    @Test("Every caseload row shows its next term from the statutory clock", arguments: Engine.available)
    func nextTermInCaseload(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.consulent))
            let home = try await browser.get("/")
            let row = try #require(home.body.components(separatedBy: "<tr>").first { $0.contains("Haddad") })
            #expect(row.contains(">PIP <span class=\"nowrap\">24-11-2026</span>"))
            #expect(row.contains("nog 6 d<"))
            #expect(row.contains("term--dueSoon"))
            // The next step, by the same day (R1), and the birth date and BSN ending that tell namesakes apart.
            #expect(row.contains("<span>Brede intake plannen</span>"))
            #expect(row.contains(">28-02-1990<") && row.contains(">…019<"))
        }
    }

    @Test("A caseload never lists people of another organisation's municipalities", arguments: Engine.available)
    func caseloadIsScoped(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.teamleider, "a"))
            let home = try await browser.get("/")
            #expect(home.body.contains("Haddad"))
            #expect(home.body.contains("Khalil"))
            #expect(!home.body.contains("Mansour"))
            // Searching for B's person by BSN finds nothing either.
            let search = try await browser.get("/?q=999990032")
            #expect(!search.body.contains("Mansour"))
        }
    }

    @Test("The municipality switcher narrows the caseload to one served municipality and refuses others", arguments: Engine.available)
    func municipalitySwitcher(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, _ in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.teamleider))
            let all = try await browser.get("/")
            #expect(all.body.contains("Haddad") && all.body.contains("Khalil"))
            #expect(try await browser.post("/gemeente", form: [("gemeente", "GM1706"), ("terug", "/")], csrf: csrf).status == .seeOther)
            let cranendonck = try await browser.get("/")
            #expect(cranendonck.body.contains("Khalil"))
            #expect(!cranendonck.body.contains("Haddad"))
            #expect(cranendonck.body.contains("brand__municipality\">Cranendonck"))
            #expect(try await browser.post("/gemeente", form: [("gemeente", "GM0957")], csrf: csrf).status == .notFound, "Roermond is not served")
            #expect(try await browser.post("/gemeente", form: [("gemeente", "")], csrf: csrf).status == .seeOther)
            #expect(try await browser.get("/").body.contains("Haddad"))
        }
    }

    @Test("Roles: each page is open to the roles that need it and closed (403) to the others", arguments: [
        (Role.beleidsmedewerker, "/personen/person-a-weert", HTTPResponse.Status.forbidden),
        (.functioneelBeheerder, "/personen/person-a-weert", .forbidden),
        (.budgetbeheerder, "/personen/person-a-weert", .ok),
        (.budgetbeheerder, "/personen/person-a-weert/contact", .forbidden),
        (.consulent, "/personen/person-a-weert/contact", .ok),
        (.consulent, "/beheer/audit", .forbidden),
        (.teamleider, "/beheer/api-sleutels", .forbidden),
        (.functioneelBeheerder, "/beheer/audit", .ok),
        (.functioneelBeheerder, "/beheer/api-sleutels", .ok),
        (.beleidsmedewerker, "/cijfers", .ok),
        (.consulent, "/cijfers", .forbidden),
    ])
    func rolePermissions(role: Role, path: String, expected: HTTPResponse.Status) async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let browser = Browser(client)
            _ = try await browser.login(World.email(role, "a"))
            #expect(try await browser.get(path).status == expected)
        }
    }

    @Test("A beleidsmedewerker's home page leads to figures, which name no person")
    func figuresOnly() async throws {
        try await TestSupport.withApp(.sqlite) { client, _ in
            let browser = Browser(client)
            _ = try await browser.login(World.email(.beleidsmedewerker, "a"))
            let home = try await browser.get("/")
            #expect(home.status == .seeOther)
            #expect(home.location == "/cijfers")
            let figures = try await browser.get("/cijfers")
            #expect(figures.body.contains("Weert"))
            #expect(!figures.body.contains("Haddad"))
            #expect(!figures.body.contains("Roermond"), "only the organisation's own municipalities")
        }
    }

    @Test("Policy: only roles that work with people get a tenant scope; the scope is the organisation's municipalities")
    func policyScope() {
        let session = SessionRecord(tokenHash: "h", userId: "u", csrfToken: "c", municipalityCode: nil, createdAt: .now, lastSeenAt: .now, expiresAt: .now)
        func principal(_ role: Role) -> Principal {
            .user(User(id: "u", organisationId: "o", organisationName: "O", teamId: nil, email: "e", name: "n", locale: "nl", active: true,
                       roles: [role], municipalities: [.init(code: "GM0988", name: "Weert")], passwordChangedAt: .now), session: session)
        }
        #expect(Policy.scope(for: principal(.consulent)).municipalityCodes == ["GM0988"])
        #expect(Policy.scope(for: principal(.beleidsmedewerker)).municipalityCodes.isEmpty)
        #expect(Policy.scope(for: principal(.functioneelBeheerder)).municipalityCodes.isEmpty)
        #expect(Policy.purpose(for: principal(.budgetbeheerder)) == "ontzorgen")
        #expect(Policy.purpose(for: principal(.consulent)) == "inburgering")
    }
}
