import Foundation
import HTTPTypes
import HummingbirdTesting
import Inburgering
import NIOCore
import RegieProviderAPI
import RegieStorage
import SQLKit
import Testing
@testable import RegieServer

/// The provider API (issue 18 item 5) over HTTP: a provider's own link key reads only the people
/// referred to it with a running consent and only the classes consented; every change is idempotent
/// by the provider's message id, so a repeated delivery never counts hours twice.
@Suite("Provider API: link keys, consented reads, idempotent deliveries")
struct ProviderAPITests {
    typealias Setup = (partner: Browser, csrf: String, provider: String, referral: String, consulent: Browser, consulentCSRF: String, admin: Browser,
                       adminCSRF: String)

    /// The functioneel beheerder makes a link key on the provider's page; returns it as shown (once).
    static func makeKey(_ admin: Browser, _ csrf: String, provider: String) async throws -> String {
        let bad = try await admin.post("/beheer/aanbieders/\(provider)/sleutels", form: [("actie", "maken"), ("keyName", "")], csrf: csrf)
        #expect(bad.status == .badRequest)
        let long = try await admin.post("/beheer/aanbieders/\(provider)/sleutels", form: [("actie", "maken"), ("keyName", String(repeating: "x", count: 101))],
                                        csrf: csrf)
        #expect(long.status == .badRequest && long.body.contains("Naam van de sleutel is te lang: gebruik hoogstens 100 tekens."))
        let page = try await admin.post("/beheer/aanbieders/\(provider)/sleutels", form: [("actie", "maken"), ("keyName", "Eduarte")], csrf: csrf)
        #expect(page.status == .created && page.headers[.cacheControl] == "no-store")
        let range = try #require(page.body.range(of: #"regie-aanbieder_[A-Za-z0-9-]{12}_[A-Za-z0-9_-]+"#, options: .regularExpression))
        return String(page.body[range])
    }

    struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let json: [String: Any]
        var problemFields: [String] { (json["invalidParams"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? [] }
    }

    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, key: String?, body: [String: Any]? = nil) async throws -> Answer {
        try await call(client, method, path, key: key, json: try body.map { try JSONSerialization.data(withJSONObject: $0) })
    }

    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, key: String?, json: Data?) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        var buffer: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: json)
        }
        let response = try await client.execute(uri: ProviderAPISpec.basePath + path, method: method, headers: headers, body: buffer)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return Answer(status: response.status, headers: response.headers, json: json)
    }

    /// A second started participant (person A2) of the same offer with a consent, and a referral of
    /// person A2 to another provider's offer (which this provider's key must never see).
    static func secondParticipantAndOtherProvider(_ app: AppContext, referral: String) async throws -> (offer: String, other: String) {
        let w = app.world
        let offer = try #require(try await app.database.sql.raw("SELECT offer_id FROM referrals WHERE id = \(bind: referral)").first()?
            .decode(column: "offer_id", as: String.self))
        let sql = app.database.sql
        try await sql.raw("UPDATE persons SET municipality_code = 'GM0988' WHERE id = \(bind: w.personA2)").run()
        try await sql.raw("UPDATE trajecten SET municipality_code = 'GM0988' WHERE person_id = \(bind: w.personA2)").run()
        try await sql.raw("""
            INSERT INTO referrals (id, person_id, offer_id, status, referred_on, started_on, created_by, created_at)
            VALUES ('referral-a2', \(bind: w.personA2), \(bind: offer), 'started', '2026-11-01', '2026-11-02', 'a-consulent', 0)
            """).run()
        try await sql.raw("""
            INSERT INTO referral_consents (id, referral_id, person_id, classes, given_on, recorded_by, recorded_at)
            VALUES ('consent-a2', 'referral-a2', \(bind: w.personA2), 'identity', '2026-11-01', 'test', 0)
            """).run()
        // Another provider of the same municipality, with person A2 referred to it.
        try await sql.raw("""
            INSERT INTO providers (id, municipality_code, name, kind, active, max_accounts, created_by, created_at, updated_at)
            VALUES ('provider-other', 'GM0988', 'Andere school', 'taalschool', 1, 5, 'test', 0, 0)
            """).run()
        try await sql.raw("""
            INSERT INTO provider_offers (id, provider_id, name, location, schedule, hours_per_week, active, created_by, created_at, updated_at)
            VALUES ('offer-other', 'provider-other', 'Avond', 'Weert', 'di', 4, 1, 'test', 0, 0)
            """).run()
        try await sql.raw("""
            INSERT INTO referrals (id, person_id, offer_id, status, referred_on, created_by, created_at)
            VALUES ('referral-other', \(bind: w.personA2), 'offer-other', 'referred', '2026-11-01', 'a-consulent', 0)
            """).run()
        try await sql.raw("""
            INSERT INTO referral_consents (id, referral_id, person_id, classes, given_on, recorded_by, recorded_at)
            VALUES ('consent-other', 'referral-other', \(bind: w.personA2), 'identity', '2026-11-01', 'test', 0)
            """).run()
        return (offer, "referral-other")
    }

    typealias S = Components.Schemas

    /// Every value of the provider API's enums is one the law module knows, both ways where Regie
    /// answers with it (so a request never falls back to a default, and an answer never lacks a value).
    static let values: [APIValueTests.Pair] = [
        APIValueTests.specToLaw(S.Level.self, Taalniveau.self, "Level"), APIValueTests.lawToSpec(Taalniveau.self, S.Level.self, "Level"),
        APIValueTests.specToLaw(S.Leerroute.self, Leerroute.self, "Leerroute"), APIValueTests.lawToSpec(Leerroute.self, S.Leerroute.self, "Leerroute"),
        APIValueTests.lawToSpec(ReferralStatus.self, S.ReferralStatus.self, "ReferralStatus"),
        APIValueTests.lawToSpec(ConsentClass.self, S.ConsentClass.self, "ConsentClass"),
        APIValueTests.lawToSpec(UrenSoort.self, S.HoursTotal.KindPayload.self, "HoursTotal.kind"),
        APIValueTests.specToLaw(S.LessonInput.KindPayload.self, UrenSoort.self, "LessonInput.kind"),
        APIValueTests.specToLaw(S.ProgressReportInput.AdvicePayload.self, ProviderAdvice.self, "ProgressReportInput.advice"),
        APIValueTests.specToLaw(S.ExamResultInput.ComponentPayload.self, Examenonderdeel.self, "ExamResultInput.component"),
    ]

    @Test("The provider API's enums and the law module's carry the same values", arguments: values)
    func enumValues(pair: APIValueTests.Pair) {
        #expect(pair.unmapped.isEmpty, "\(pair.name): \(pair.unmapped)")
    }

    @Test("A link key reads only the provider's referrals with a running consent, only the classes consented, audited per person; revoked, it opens nothing",
          arguments: Engine.available)
    func keyAndReads(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let s = try await PartnerTests.signedInPartner(client, app, consent: ["identity", "hours"])
            let (_, other) = try await Self.secondParticipantAndOtherProvider(app, referral: s.referral)
            let key = try await Self.makeKey(s.admin, s.adminCSRF, provider: s.provider)
            // Without a key, with a staff key's shape, or a wrong secret: 401 problem+json.
            for wrong in [nil, "regie_abcdefghijkl_geheim", key + "x"] as [String?] {
                let answer = try await Self.call(client, .get, "/referrals", key: wrong)
                #expect(answer.status == .unauthorized && answer.headers[.contentType] == "application/problem+json")
                #expect(answer.headers[.wwwAuthenticate] == "Bearer" && answer.headers[HTTPField.Name("API-Version")!] == ProviderAPISpec.version)
            }
            // The secret is stored as its hash only.
            let secret = String(key.split(separator: "_", maxSplits: 2)[2])
            let stored = try await app.database.sql.raw("SELECT secret_hash FROM provider_api_keys").all().map { try $0.decode(column: "secret_hash", as: String.self) }
            #expect(stored.count == 1 && !stored[0].contains(secret))

            // Page by page (keyset): both of the provider's referrals, never the other provider's.
            let first = try await Self.call(client, .get, "/referrals?limit=1", key: key)
            #expect(first.status == .ok)
            let firstData = try #require(first.json["data"] as? [[String: Any]])
            let next = try #require(first.json["next"] as? String)
            let second = try await Self.call(client, .get, String(next.dropFirst(ProviderAPISpec.basePath.count)), key: key)
            let secondData = try #require(second.json["data"] as? [[String: Any]])
            #expect(second.json["next"] == nil)
            let ids = (firstData + secondData).compactMap { $0["id"] as? String }
            #expect(Set(ids) == [s.referral, "referral-a2"])

            // Only the consented classes: identity and hours, no route, no PIP goals.
            let mine = try #require((firstData + secondData).first { $0["id"] as? String == s.referral })
            #expect((mine["person"] as? [String: Any])?["familyName"] as? String == "Haddad")
            #expect(mine["consent"] as? [String] == ["identity", "hours"])
            #expect(mine["route"] == nil && mine["planGoals"] == nil && mine["hours"] != nil)
            let onlyIdentity = try #require((firstData + secondData).first { $0["id"] as? String == "referral-a2" })
            #expect(onlyIdentity["hours"] == nil)

            // Another provider's referral, or one that does not exist: 404, reading and answering alike.
            #expect(try await Self.call(client, .get, "/referrals/\(other)", key: key).status == .notFound)
            let foreign = try await Self.call(client, .post, "/referrals/\(other)/answer", key: key,
                                              body: ["messageId": "x-1", "decision": "accept", "on": "2026-11-20", "plannedStart": "2027-01-11"])
            #expect(foreign.status == .notFound)
            #expect(try await app.database.sql.raw("SELECT status FROM referrals WHERE id = 'referral-other'").first()?
                .decode(column: "status", as: String.self) == "referred")

            // Every person read is in the municipality's audit log.
            let reads = try await ChainTests.audit(app, "partner.api.referrals.view")
            #expect(reads.count == 2 && Set(reads.compactMap(\.personId)) == [app.world.personA, app.world.personA2])

            // Withdrawing the consent takes the person away at once.
            try await app.database.sql.raw("UPDATE referral_consents SET ended_on = '2026-11-20' WHERE referral_id = 'referral-a2'").run()
            #expect(try await Self.call(client, .get, "/referrals/referral-a2", key: key).status == .notFound)

            // Revoked (a reason is required), the key opens nothing.
            let keyId = try #require(try await app.database.sql.raw("SELECT id FROM provider_api_keys").first()?.decode(column: "id", as: String.self))
            let noReason = try await s.admin.post("/beheer/aanbieders/\(s.provider)/sleutels", form: [("actie", "intrekken"), ("key", keyId), ("reason", "")],
                                                  csrf: s.adminCSRF)
            #expect(noReason.status == .badRequest)
            // The refused revoke form is unfolded, so the summary's link reaches its field.
            #expect(noReason.body.contains("<details class=\"disclosure\" open>"))
            let longReason = try await s.admin.post("/beheer/aanbieders/\(s.provider)/sleutels",
                                                    form: [("actie", "intrekken"), ("key", keyId), ("reason", String(repeating: "r", count: 301))], csrf: s.adminCSRF)
            #expect(longReason.status == .badRequest && longReason.body.contains("Reden van intrekken is te lang: gebruik hoogstens 300 tekens."))
            #expect(try await Self.call(client, .get, "/referrals/\(s.referral)", key: key).status == .ok)
            let revoked = try await s.admin.post("/beheer/aanbieders/\(s.provider)/sleutels", form: [("actie", "intrekken"), ("key", keyId),
                                                                                                   ("reason", "Nieuw systeem")], csrf: s.adminCSRF)
            #expect(revoked.location?.contains("melding=ingetrokken") == true)
            #expect(try await Self.call(client, .get, "/referrals/\(s.referral)", key: key).status == .unauthorized)
            #expect(try await ChainTests.audit(app, "provider.key.revoke").count == 1)
            #expect(try await ChainTests.audit(app, "provider.key.create").count == 1, "the refused empty name made no key")
        }
    }

    /// A valid body per operation that takes a referral id, so a 404 comes from the tenancy, not from the shape.
    nonisolated(unsafe) static let probes: [String: [String: Any]] = [
        "GET /referrals/{referralId}": [:],
        "POST /referrals/{referralId}/answer": ["messageId": "p-1", "decision": "accept", "on": "2026-11-20", "plannedStart": "2027-01-11"],
        "POST /referrals/{referralId}/start": ["messageId": "p-2", "on": "2026-11-20"],
        "POST /referrals/{referralId}/end": ["messageId": "p-3", "on": "2026-11-20", "reason": "Klaar"],
        "POST /referrals/{referralId}/progress-reports": ["messageId": "p-4", "reportedOn": "2026-11-20", "advice": "doorgaan"],
        "POST /referrals/{referralId}/exam-results": ["messageId": "p-5", "component": "LE", "level": "A2", "examDate": "2026-11-20", "passed": true],
    ]

    @Test("Every operation that takes a referral id answers 404 for another provider's referral and changes nothing", arguments: Engine.available)
    func otherProvidersReferral(engine: Engine) async throws {
        // Every such operation of the document has a probe, so a new one cannot go unprobed.
        let document = try JSONSerialization.jsonObject(with: try ProviderAPISpec.document()) as? [String: Any]
        let documented = ((document?["paths"] as? [String: Any]) ?? [:]).flatMap { path, item in
            ((item as? [String: Any]) ?? [:]).keys.map { "\($0.uppercased()) \(path)" }
        }.filter { $0.contains("{referralId}") }
        #expect(Set(documented) == Set(Self.probes.keys))
        try await TestSupport.withApp(engine) { client, app in
            let s = try await PartnerTests.signedInPartner(client, app, consent: ["identity", "hours"])
            let (_, other) = try await Self.secondParticipantAndOtherProvider(app, referral: s.referral)
            // The other provider's referral started, so every step and report would apply to it.
            try await app.database.sql.raw("UPDATE referrals SET status = 'started', started_on = '2026-11-02' WHERE id = \(bind: other)").run()
            let key = try await Self.makeKey(s.admin, s.adminCSRF, provider: s.provider)
            for (operation, body) in Self.probes.sorted(by: { $0.key < $1.key }) {
                let parts = operation.split(separator: " ")
                let path = parts[1].replacingOccurrences(of: "{referralId}", with: other)
                let answer = try await Self.call(client, parts[0] == "GET" ? .get : .post, path, key: key, body: parts[0] == "GET" ? nil : body)
                #expect(answer.status == .notFound && answer.headers[.contentType] == "application/problem+json", "\(operation): \(answer.status)")
            }
            let counts = try await app.database.sql.raw("""
                SELECT (SELECT status FROM referrals WHERE id = \(bind: other)) AS status, (SELECT COUNT(*) FROM progress_reports) AS reports,
                    (SELECT COUNT(*) FROM exam_results) AS exams, (SELECT COUNT(*) FROM provider_messages) AS messages
                """).first()
            #expect(try counts?.decode(column: "status", as: String.self) == "started")
            #expect(try counts?.decode(column: "reports", as: Int.self) == 0 && counts?.decode(column: "exams", as: Int.self) == 0)
            #expect(try counts?.decode(column: "messages", as: Int.self) == 0)
        }
    }

    @Test("Answer, start, a lesson with who was present, a report, an exam result and the end: a repeated delivery changes nothing, another message under a used id is refused",
          arguments: Engine.available)
    func idempotentDeliveries(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let s = try await PartnerTests.signedInPartner(client, app, consent: ["identity", "hours"])
            let key = try await Self.makeKey(s.admin, s.adminCSRF, provider: s.provider)
            let w = app.world
            let today = CalendarDate.today(now: app.services.clock.now())
            let base = "/referrals/\(s.referral)"

            // Accept: refused without a planned start; then recorded; delivered again: the same answer, nothing changed.
            let noStart = try await Self.call(client, .post, base + "/answer", key: key, body: ["messageId": "m-1", "decision": "accept", "on": today.iso])
            #expect(noStart.status == .badRequest && noStart.problemFields == ["body.plannedStart"])
            let accept: [String: Any] = ["messageId": "m-1", "decision": "accept", "on": today.iso, "plannedStart": today.iso]
            let accepted = try await Self.call(client, .post, base + "/answer", key: key, body: accept)
            #expect(accepted.status == .ok && accepted.json["status"] as? String == "accepted" && accepted.json["replayed"] as? Bool == false)
            let again = try await Self.call(client, .post, base + "/answer", key: key, body: accept)
            #expect(again.status == .ok && again.json["status"] as? String == "accepted" && again.json["replayed"] as? Bool == true)
            let reused = try await Self.call(client, .post, base + "/answer", key: key, body: ["messageId": "m-1", "decision": "refuse", "on": today.iso,
                                                                                               "reason": "Vol"])
            #expect(reused.status == .conflict && reused.problemFields == ["body.messageId"])
            #expect(try await ChainTests.audit(app, "casework.referral.step").count == 1, "one step, however often delivered")

            // A step that does not follow from the status (accepted → ended): 409, and nothing stored under its id.
            let early = try await Self.call(client, .post, base + "/end", key: key, body: ["messageId": "m-x", "on": today.iso, "reason": "Klaar"])
            #expect(early.status == .conflict)
            #expect(try await app.services.providers.message(providerId: s.provider, messageId: "m-x") == nil)
            let started = try await Self.call(client, .post, base + "/start", key: key, body: ["messageId": "m-2", "on": today.iso])
            #expect(started.status == .ok && started.json["status"] as? String == "started")
            _ = try await Self.secondParticipantAndOtherProvider(app, referral: s.referral)

            // A lesson with who was present: A present, A2 absent; counted at once, and once.
            let offers = try await Self.call(client, .get, "/offers", key: key)
            let offer = try #require((offers.json["data"] as? [[String: Any]])?.first?["id"] as? String)
            let stranger = try await Self.call(client, .post, "/lessons", key: key, body: [
                "messageId": "les-0", "offerId": offer, "date": today.iso, "startsAt": "09:00", "hours": 3, "kind": "cursus", "present": ["referral-other"]])
            #expect(stranger.status == .badRequest && stranger.problemFields == ["body.present"])
            #expect(try await app.database.sql.raw("SELECT COUNT(*) AS n FROM lessons").first()?.decode(column: "n", as: Int.self) == 0,
                    "a refused lesson stores nothing")
            let messagesBefore = try await AttendanceTests.hourMessages(app, w.personA)
            let lesson: [String: Any] = ["messageId": "les-1", "offerId": offer, "date": today.iso, "startsAt": "09:00", "hours": 3, "kind": "cursus",
                                         "present": [s.referral]]
            let recorded = try await Self.call(client, .post, "/lessons", key: key, body: lesson)
            #expect(recorded.status == .created && recorded.json["present"] as? Int == 1 && recorded.json["absent"] as? Int == 1)
            let repeated = try await Self.call(client, .post, "/lessons", key: key, body: lesson)
            #expect(repeated.status == .created && repeated.json["replayed"] as? Bool == true && repeated.json["id"] as? String == recorded.json["id"] as? String)
            #expect(try await AttendanceTests.lessonHours(app, w.personA) == 3, "a repeated delivery never counts hours twice")
            #expect(try await AttendanceTests.hourMessages(app, w.personA) == messagesBefore + 1, "one hours message to DUO")
            #expect(try await AttendanceTests.lessonHours(app, w.personA2) == 0)
            let channel = try await app.database.sql.raw("SELECT channel FROM lesson_presences").all().map { try $0.decode(column: "channel", as: String.self) }
            #expect(channel == ["providerSystem"])
            // The same lesson delivered twice at once still counts once.
            let racing = try JSONSerialization.data(withJSONObject: lesson.merging(["messageId": "les-2", "startsAt": "13:00"]) { $1 })
            async let one = Self.call(client, .post, "/lessons", key: key, json: racing)
            async let two = Self.call(client, .post, "/lessons", key: key, json: racing)
            let (r1, r2) = try await (one, two)
            #expect(r1.status == .created && r2.status == .created && r1.json["id"] as? String == r2.json["id"] as? String)
            #expect(try await AttendanceTests.lessonHours(app, w.personA) == 6)

            // A progress report and an exam result reach the case; delivered again, stored once.
            let report: [String: Any] = ["messageId": "r-1", "reportedOn": today.iso, "levels": ["lezen": "A2", "spreken": "B1"], "advice": "doorgaan"]
            #expect(try await Self.call(client, .post, base + "/progress-reports", key: key, body: report).status == .created)
            #expect(try await Self.call(client, .post, base + "/progress-reports", key: key, body: report).json["replayed"] as? Bool == true)
            let exam: [String: Any] = ["messageId": "e-1", "component": "LE", "level": "B1", "examDate": today.iso, "passed": true]
            #expect(try await Self.call(client, .post, base + "/exam-results", key: key, body: exam).status == .created)
            #expect(try await Self.call(client, .post, base + "/exam-results", key: key, body: exam).json["replayed"] as? Bool == true)
            let unknown = try await Self.call(client, .post, base + "/exam-results", key: key, body: exam.merging(["messageId": "e-2", "level": "C1"]) { $1 })
            #expect(unknown.status == .badRequest)
            let counts = try await app.database.sql.raw("""
                SELECT (SELECT COUNT(*) FROM progress_reports) AS reports, (SELECT COUNT(*) FROM exam_results) AS exams
                """).first()
            #expect(try counts?.decode(column: "reports", as: Int.self) == 1 && counts?.decode(column: "exams", as: Int.self) == 1)
            let progress = try await s.consulent.get("/personen/\(w.personA)/voortgang")
            #expect(progress.body.contains("Lezen B1: behaald (Taalschool Weert)"))
            // The contract view counts the exam passed; withdrawn, it no longer counts.
            let period = FiguresFilter(municipalityCodes: ["GM0988"], from: today.adding(days: -30), to: today, today: today)
            let passed = { try await FiguresStore(database: app.database).contractFigures(period).first { $0.providerId == s.provider }?.examsPassed }
            #expect(try await passed() == 1)
            // The same with a target-group filter that takes everyone (the query then joins each row's person).
            var everyone = period
            everyone.doelgroepen = Doelgroep.allCases
            let filtered = try await FiguresStore(database: app.database).contractFigures(everyone).first { $0.providerId == s.provider }
            #expect(filtered?.examsPassed == 1 && filtered?.hoursFollowed == 6 && filtered?.participants == 2, "\(String(describing: filtered))")
            // The consulent withdraws it with a reason; it stays, struck through.
            let examId = try #require(try await app.database.sql.raw("SELECT id FROM exam_results").first()?.decode(column: "id", as: String.self))
            #expect(try await s.consulent.post("/personen/\(w.personA)/intrekken/examenuitslag/\(examId)", form: [("reason", "Verkeerde persoon")],
                                               csrf: s.consulentCSRF).location?.contains("melding=ingetrokken") == true)
            #expect(try await s.consulent.get("/personen/\(w.personA)/voortgang").body.contains("ingetrokken: Verkeerde persoon"))
            #expect(try await passed() == 0)
            #expect(try await ChainTests.audit(app, "casework.record.withdraw").contains { $0.personId == w.personA && $0.detail.contains("examenuitslag") })
            #expect(try await ChainTests.audit(app, "partner.exam.result").count == 1, "one exam result, however often delivered")

            // The end: the consent ends with it; delivered again, the same answer although the referral is no longer open.
            let end: [String: Any] = ["messageId": "m-3", "on": today.iso, "reason": "Examen gehaald"]
            let ended = try await Self.call(client, .post, base + "/end", key: key, body: end)
            #expect(ended.status == .ok && ended.json["status"] as? String == "ended")
            #expect(try await Self.call(client, .get, base, key: key).status == .notFound)
            let endedAgain = try await Self.call(client, .post, base + "/end", key: key, body: end)
            #expect(endedAgain.status == .ok && endedAgain.json["status"] as? String == "ended" && endedAgain.json["replayed"] as? Bool == true)

            // Every change is audited as the link key's.
            let steps = try await ChainTests.audit(app, "casework.referral.step")
            #expect(steps.allSatisfy { $0.actorId?.hasPrefix("partner:apikey:") == true })
        }
    }
}
