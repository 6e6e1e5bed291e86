import Foundation
import Inburgering
import RegieStorage
import SQLKit
import Testing
@testable import RegieServer

/// The chain (issue 18 items 1–2) over HTTP: the functioneel beheerder keeps providers, offers and
/// start moments; the consulent refers a newcomer to an offer with consent per class of data, sees
/// the offers in the order that matters (the PIP's route first, then the earliest free place), and
/// records the provider's answer, the start and a change or revocation of consent — each with its
/// history, timeline line and audit entry. The test clock stands on 18 November 2026.
@Suite("Chain: providers, offers and referrals with consent")
struct ChainTests {
    /// Adds a provider through the beheer page; returns its id.
    static func addProvider(_ browser: Browser, _ csrf: String, name: String, municipality: String = "GM0988", kind: String = "taalschool") async throws -> String {
        let page = try await browser.post("/beheer/aanbieders", form: [
            ("municipality", municipality), ("name", name), ("kind", kind), ("kvk", "1234 5678"), ("qualityMark", "Blik op Werk"),
            ("qualityMarkUntil", "2027-06-30"), ("contractFrom", "2026-01-01"), ("priceHour", "62,50")], csrf: csrf)
        let location = try #require(page.location, "\(page.status) \(page.body.prefix(600))")
        #expect(location.hasSuffix("?melding=toegevoegd"))
        return String(location.dropFirst("/beheer/aanbieders/".count).prefix { $0 != "?" })
    }

    /// Adds an offer with one start moment; returns the offer's id.
    static func addOffer(_ browser: Browser, _ csrf: String, provider: String, name: String, route: String, level: String = "",
                         start: String, capacity: Int, app: AppContext) async throws -> String {
        #expect(try await browser.post("/beheer/aanbieders/\(provider)/aanbod", form: [
            ("offerName", name), ("leerroute", route), ("niveau", level), ("location", "Weert, Stationsplein 1"), ("schedule", "ma en wo 9.00–12.30 uur"),
            ("hoursPerWeek", "8")], csrf: csrf).status == .seeOther)
        let offer = try #require(try await app.database.sql.raw("SELECT id FROM provider_offers WHERE provider_id = \(bind: provider) AND name = \(bind: name)")
            .first()?.decode(column: "id", as: String.self))
        #expect(try await browser.post("/beheer/aanbieders/\(provider)/aanbod/\(offer)/startmomenten", form: [("startsOn", start), ("capacity", String(capacity))],
                                       csrf: csrf).status == .seeOther)
        return offer
    }

    static func audit(_ app: AppContext, _ action: String) async throws -> [AuditEntry] {
        try await app.services.audit.search(.init(action: action), before: nil, limit: 50).rows
    }

    @Test("The functioneel beheerder keeps providers, offers and start moments; bad input is named and kept", arguments: Engine.available)
    func providers(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let admin = Browser(client)
            let csrf = try await admin.login(World.email(.functioneelBeheerder))
            #expect(try await admin.get("/beheer/aanbieders").body.contains("Er zijn nog geen aanbieders vastgelegd."))
            // A KvK number of 3 digits and an end before the start: refused, every field keeps what was typed.
            let bad = try await admin.post("/beheer/aanbieders", form: [
                ("municipality", "GM0988"), ("name", "Taalschool Weert"), ("kind", "taalschool"), ("kvk", "123"), ("contractFrom", "2026-06-01"),
                ("contractUntil", "2026-01-01"), ("priceHour", "twaalf")], csrf: csrf)
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("Een KvK-nummer heeft 8 cijfers."))
            #expect(bad.body.contains("value=\"Taalschool Weert\"") && bad.body.contains("value=\"123\""), "what was typed is kept")
            #expect(try await app.database.sql.raw("SELECT COUNT(*) AS n FROM providers").first()?.decode(column: "n", as: Int.self) == 0)
            // A municipality the organisation does not serve is not a choice.
            #expect(try await admin.post("/beheer/aanbieders", form: [("municipality", "GM0957"), ("name", "Elders"), ("kind", "roc")], csrf: csrf).status == .badRequest)

            let provider = try await Self.addProvider(admin, csrf, name: "Taalschool Weert")
            #expect(try await admin.get("/beheer/aanbieders").body.contains("Blik op Werk (t/m 30 juni 2027)"), "the quality mark with its expiry")
            let stored = try #require(try await app.services.providers.fetchProvider(id: provider, scope: AccessScope(municipalityCodes: ["GM0988"], dataClasses: .organisation)))
            #expect(stored.kvk == "12345678" && stored.priceHourCents == 6250 && stored.qualityMarkUntil == CalendarDate(iso: "2027-06-30"))
            // The same name twice in one municipality is a conflict.
            let twice = try await admin.post("/beheer/aanbieders", form: [("municipality", "GM0988"), ("name", "taalschool weert"), ("kind", "taalschool")], csrf: csrf)
            #expect(twice.status == .conflict && twice.body.contains("al een aanbieder met deze naam"))

            // An offer of 0 hours a week is refused; a good one is kept with its start moment.
            let zero = try await admin.post("/beheer/aanbieders/\(provider)/aanbod", form: [
                ("offerName", "B1 dag"), ("leerroute", "b1"), ("location", "Weert"), ("schedule", "ma"), ("hoursPerWeek", "0")], csrf: csrf)
            #expect(zero.status == .badRequest && zero.body.contains("value=\"B1 dag\""))
            let offer = try await Self.addOffer(admin, csrf, provider: provider, name: "B1 dag", route: "b1", level: "B1", start: "2027-01-11", capacity: 12, app: app)
            let again = try await admin.post("/beheer/aanbieders/\(provider)/aanbod/\(offer)/startmomenten", form: [("startsOn", "2027-01-11"), ("capacity", "3")], csrf: csrf)
            #expect(again.status == .conflict && again.body.contains("al een startmoment op deze dag"))
            let page = try await admin.get("/beheer/aanbieders/\(provider)")
            #expect(page.status == .ok)
            #expect(page.body.contains("B1 dag") && page.body.contains("11 januari 2027") && page.body.contains("B1-route · B1"))
            // A start moment is cancelled with a reason.
            let start = try #require(try await app.database.sql.raw("SELECT id FROM offer_starts WHERE offer_id = \(bind: offer)").first()?.decode(column: "id", as: String.self))
            #expect(try await admin.post("/beheer/aanbieders/\(provider)/aanbod/\(offer)/startmomenten/\(start)", form: [
                ("capacity", "12"), ("cancelledReason", "te weinig aanmeldingen")], csrf: csrf).status == .seeOther)
            #expect(try await admin.get("/beheer/aanbieders/\(provider)").body.contains("geannuleerd: te weinig aanmeldingen"))
            for action in ["provider.save", "provider.offer.save", "provider.start.save", "providers.view"] {
                #expect(try await !Self.audit(app, action).isEmpty, "\(action) is audited")
            }
            // A case worker does not keep providers.
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            #expect(try await consulent.get("/beheer/aanbieders").status == .forbidden)
        }
    }

    @Test("A consulent refers with consent: the PIP's route first, then the earliest free place; full starts send to the waiting list",
          arguments: Engine.available)
    func referral(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let admin = Browser(client)
            let adminCSRF = try await admin.login(World.email(.functioneelBeheerder))
            let school = try await Self.addProvider(admin, adminCSRF, name: "Taalschool Weert")
            let other = try await Self.addProvider(admin, adminCSRF, name: "Taalhuis Cranendonck")
            let z = try await Self.addOffer(admin, adminCSRF, provider: school, name: "Z-route dichtbij", route: "z", start: "2026-12-01", capacity: 5, app: app)
            let b1Late = try await Self.addOffer(admin, adminCSRF, provider: other, name: "B1 avond", route: "b1", start: "2027-02-01", capacity: 3, app: app)
            let b1Soon = try await Self.addOffer(admin, adminCSRF, provider: school, name: "B1 dag", route: "b1", level: "B1", start: "2027-01-11", capacity: 1, app: app)
            _ = (z, b1Late)
            // The chosen route is the B1-route: B1 offers first, the soonest free place first, the Z-route last.
            try await app.database.sql.raw("UPDATE trajecten SET leerroute = 'b1' WHERE person_id = \(bind: app.world.personA)").run()
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let page = try await browser.get("/personen/\(person)/verwijzingen")
            #expect(page.status == .ok)
            let body = page.body
            let order = ["B1 dag", "B1 avond", "Z-route dichtbij"].compactMap { body.range(of: $0)?.lowerBound }
            #expect(order.count == 3 && order == order.sorted(), "B1 offers first, by earliest free start; the Z-route last")
            #expect(body.contains("Eerste start met plaats: 11 januari 2027 (1 vrij)"))

            // Consent without identity, or with health but no separate consent: refused, what was typed kept.
            let noIdentity = try await browser.post("/personen/\(person)/verwijzingen", form: [
                ("offer", b1Soon), ("consent", "route"), ("referredOn", "2026-11-18"), ("note", "Graag snel")], csrf: csrf)
            #expect(noIdentity.status == .badRequest && noIdentity.body.contains("Identiteit en contactgegevens horen bij elke verwijzing"))
            #expect(noIdentity.body.contains("Graag snel"), "the note is kept")
            let health = try await browser.post("/personen/\(person)/verwijzingen", form: [
                ("offer", b1Soon), ("consent", "identity"), ("consent", "health"), ("referredOn", "2026-11-18")], csrf: csrf)
            #expect(health.status == .badRequest && health.body.contains("aparte, uitdrukkelijke toestemming"))

            let referred = try await browser.post("/personen/\(person)/verwijzingen", form: [
                ("offer", b1Soon), ("consent", "identity"), ("consent", "route"), ("referredOn", "2026-11-16"), ("note", "Graag snel")], csrf: csrf)
            #expect(referred.location == "/personen/\(person)/verwijzingen?melding=verwezen")
            let referral = try #require(try await app.services.casework.listReferrals(personId: person, scope: AccessScope(municipalityCodes: ["GM0988"])).first)
            #expect(referral.referral.status == .referred && referral.startsOn == CalendarDate(iso: "2027-01-11"))
            #expect(referral.currentConsent?.classes == [.identity, .route])
            // The one place is taken: the next person referred to that offer waits on the list.
            let full = try await browser.get("/personen/\(person)/verwijzingen").body
            #expect(full.contains("Geen start met een vrije plaats: wachtlijst (0 wachtend)"))
            #expect(full.contains("Verwezen, wacht op antwoord") && full.contains("2 dagen (nog niet gestart)"))

            // The provider's answer, then the start; a step that does not follow is refused.
            let id = referral.referral.id
            #expect(try await browser.post("/personen/\(person)/verwijzingen/\(id)/accepteren", form: [("on", "2026-11-17"), ("plannedStart", "2027-01-11")],
                                           csrf: csrf).status == .seeOther)
            let twice = try await browser.post("/personen/\(person)/verwijzingen/\(id)/accepteren", form: [("on", "2026-11-17"), ("plannedStart", "2027-01-11")], csrf: csrf)
            #expect(twice.status == .conflict && twice.body.contains("Deze stap past niet"))
            #expect(try await browser.post("/personen/\(person)/verwijzingen/\(id)/starten", form: [("on", "2026-11-18")], csrf: csrf).status == .seeOther)
            #expect(try await browser.get("/personen/\(person)/verwijzingen").body.contains("2 dagen van verwijzing tot start"))
            // The providers' overview counts it: open, on the waiting list, and the average wait until the start.
            let overview = try await admin.get("/beheer/aanbieders").body
            #expect(overview.contains("1 lopend, waarvan 0 op de wachtlijst; 0 geweigerd, 0 beëindigd"))
            #expect(overview.contains("gemiddeld 2 dagen (over 1 gestart in de laatste 12 maanden)"))

            // The newcomer widens the consent, then withdraws it: both versions stay, with their reasons.
            let noReason = try await browser.post("/personen/\(person)/verwijzingen/\(id)/toestemming", form: [
                ("consent", "identity"), ("consent", "hours"), ("on", "2026-11-18")], csrf: csrf)
            #expect(noReason.status == .badRequest)
            #expect(try await browser.post("/personen/\(person)/verwijzingen/\(id)/toestemming", form: [
                ("consent", "identity"), ("consent", "route"), ("consent", "hours"), ("on", "2026-11-18"), ("reason", "uren delen met school")], csrf: csrf).status == .seeOther)
            #expect(try await browser.post("/personen/\(person)/verwijzingen/\(id)/toestemming-intrekken", form: [
                ("on", "2026-11-18"), ("reason", "inburgeraar trekt toestemming in")], csrf: csrf).status == .seeOther)
            let history = try #require(try await app.services.casework.listReferrals(personId: person, scope: AccessScope(municipalityCodes: ["GM0988"])).first)
            #expect(history.currentConsent == nil, "nothing is consented any more")
            #expect(history.consents.count == 2)
            #expect(history.consents.contains { $0.classes == [.identity, .route] && $0.endReason == "uren delen met school" })
            #expect(history.consents.contains { $0.classes == [.identity, .route, .hours] && $0.endReason == "inburgeraar trekt toestemming in" })
            let after = try await browser.get("/personen/\(person)/verwijzingen").body
            #expect(after.contains("Uren en aanwezigheid") && after.contains("inburgeraar trekt toestemming in"))

            // The timeline and the audit log keep every step.
            let events = try await app.services.casework.listEvents(personId: person, scope: AccessScope(municipalityCodes: ["GM0988"])).map(\.kind)
            for kind in ["verwijzing.verwezen", "verwijzing.accepted", "verwijzing.started", "verwijzing.toestemmingGewijzigd", "verwijzing.toestemmingIngetrokken"] {
                #expect(events.contains(kind), "\(kind) on the timeline")
            }
            #expect(try await Self.audit(app, "casework.referral.add").contains { $0.personId == person && $0.detail == "identity,route" })
            #expect(try await Self.audit(app, "casework.referral.consent").count == 2)
            #expect(try await Self.audit(app, "casework.referral.view").contains { $0.personId == person })
            #expect(try await browser.get("/personen/\(person)").body.contains("1 lopend"), "the case file counts the open referral")
        }
    }

    @Test("A provider reads of a referred person exactly what was consented; a change or revocation counts at once, another provider reads nothing",
          arguments: Engine.available)
    func consentIsAccess(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let admin = Browser(client)
            let adminCSRF = try await admin.login(World.email(.functioneelBeheerder))
            let school = try await Self.addProvider(admin, adminCSRF, name: "Taalschool Weert")
            let other = try await Self.addProvider(admin, adminCSRF, name: "VluchtelingenWerk", kind: "begeleiding")
            let offer = try await Self.addOffer(admin, adminCSRF, provider: school, name: "B1 dag", route: "b1", start: "2027-01-11", capacity: 10, app: app)
            _ = try await Self.addOffer(admin, adminCSRF, provider: other, name: "Begeleiding", route: "", start: "2027-01-04", capacity: 10, app: app)
            let person = app.world.personA
            try await app.database.sql.raw("UPDATE trajecten SET leerroute = 'b1' WHERE person_id = \(bind: person)").run()
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            #expect(try await browser.post("/personen/\(person)/verwijzingen", form: [
                ("offer", offer), ("consent", "identity"), ("consent", "route"), ("referredOn", "2026-11-18")], csrf: csrf).status == .seeOther)
            let referral = try #require(try await app.services.casework.listReferrals(personId: person, scope: AccessScope(municipalityCodes: ["GM0988"])).first).referral.id
            let today = CalendarDate(iso: "2026-11-18")!
            func scope(_ provider: String) async throws -> TenantScope {
                let grants = try await app.services.providers.partnerGrants(providerId: provider, today: today)
                return Policy.scope(for: .partner(PartnerUser(id: "docent", name: "Docent", organisationId: "partner", organisationName: "Partner",
                                                              municipalities: [Municipality(code: "GM0988", name: "Weert")], grants: grants)))
            }
            func reads(_ provider: String) async throws -> [String] {
                let s = try await scope(provider)
                var found: [String] = []
                if try await app.services.casework.partnerContact(personId: person, scope: s) != nil { found.append("identity") }
                if try await app.services.casework.partnerRoute(personId: person, scope: s) != nil { found.append("route") }
                if try await app.services.casework.partnerPlanGoals(personId: person, scope: s) != nil { found.append("pipGoals") }
                if try await !app.services.casework.partnerHours(personId: person, scope: s).isEmpty { found.append("hours") }
                if try await !app.services.casework.listEvents(personId: person, scope: s).isEmpty { found.append("timeline") }
                return found
            }
            try await app.database.sql.raw("""
                INSERT INTO uren (id, person_id, soort, period_end, hours, created_by, created_at) VALUES ('uren-a', \(bind: person), 'cursus', '2026-11-01', 12, 'test', 0)
                """).run()
            #expect(try await reads(school) == ["identity", "route"], "who they are and their route, as consented; never the case's timeline")
            #expect(try await reads(other) == [], "a provider the person was not referred to reads nothing")
            #expect(try await browser.post("/personen/\(person)/verwijzingen/\(referral)/toestemming", form: [
                ("consent", "identity"), ("consent", "hours"), ("on", "2026-11-18"), ("reason", "alleen uren")], csrf: csrf).status == .seeOther)
            #expect(try await reads(school) == ["identity", "hours"], "the new consent counts at once")
            #expect(try await browser.post("/personen/\(person)/verwijzingen/\(referral)/toestemming-intrekken", form: [
                ("on", "2026-11-18"), ("reason", "ingetrokken")], csrf: csrf).status == .seeOther)
            #expect(try await reads(school) == [], "a revoked consent leaves nothing to read")
        }
    }
}
