import Foundation
import HummingbirdTesting
import Inburgering
import RegieStorage
import SQLKit
import Testing
@testable import RegieServer

/// The attendance register (issue 18 item 4) over HTTP: the teacher opens a lesson, participants
/// confirm with their own logins (phone with the lesson's code, or the classroom screen), the
/// teacher confirms the list; only then do hours reach the case and DUO, once; absence past the
/// municipality's threshold makes a signal and a task for the consulent.
@Suite("Attendance register: lessons, participants' own confirmation, hours and absence")
struct AttendanceTests {
    static let ownPassword = "mijn eigen geheime zin"

    /// The consulent issues a participant login for `person`; returns the login and start password.
    static func issueLogin(_ consulent: Browser, _ csrf: String, person: String) async throws -> (login: String, password: String) {
        let page = try await consulent.post("/personen/\(person)/deelnemerslogin", form: [("actie", "uitgeven")], csrf: csrf)
        #expect(page.status == .created, "\(page.status)")
        #expect(page.headers[.cacheControl] == "no-store", "the start password is not cached")
        let codes = page.body.components(separatedBy: "<code>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        try #require(codes.count == 2)
        return (codes[0], codes[1])
    }

    /// The participant's first sign-in on their phone: the start password, then a password of their own.
    static func participantSignIn(_ client: any TestClientProtocol, login: String, password: String) async throws -> (Browser, String) {
        let phone = Browser(client)
        let form = try await phone.get("/deelnemer/inloggen")
        #expect(form.status == .ok)
        let wrong = try await phone.post("/deelnemer/inloggen", form: [("login", login), ("password", "niet het wachtwoord")], csrf: form.csrf)
        #expect(wrong.status == .unauthorized && wrong.body.contains("value=\"\(login)\""), "a wrong password is refused, the login kept")
        let signIn = try await phone.post("/deelnemer/inloggen", form: [("login", login), ("password", password)], csrf: form.csrf)
        #expect(signIn.location == "/deelnemer/wachtwoord", "the start password must be replaced first")
        let choose = try await phone.get("/deelnemer")
        #expect(choose.location == "/deelnemer/wachtwoord")
        let page = try await phone.get("/deelnemer/wachtwoord")
        let csrf = try #require(page.csrf)
        #expect(try await phone.post("/deelnemer/wachtwoord", form: [("current", password), ("new", ownPassword), ("confirm", ownPassword)], csrf: csrf)
                .location == "/deelnemer?melding=wachtwoord")
        return (phone, csrf)
    }

    /// A partner whose referral of person A has started, a second started participant (person A2,
    /// seeded), and an open lesson today for the offer.
    static func lessonWithGroup(_ client: any TestClientProtocol, _ app: AppContext) async throws
        -> (s: (partner: Browser, csrf: String, provider: String, referral: String, consulent: Browser, consulentCSRF: String, admin: Browser, adminCSRF: String),
            offer: String, lesson: String, today: CalendarDate) {
        let s = try await PartnerTests.signedInPartner(client, app, consent: ["identity", "hours"])
        let today = CalendarDate.today(now: app.services.clock.now())
        let w = app.world
        #expect(try await s.partner.post("/aanbieder/verwijzingen/\(s.referral)/accepteren", form: [("on", today.iso), ("plannedStart", today.iso)],
                                         csrf: s.csrf).status == .seeOther)
        #expect(try await s.partner.post("/aanbieder/verwijzingen/\(s.referral)/starten", form: [("on", today.iso)], csrf: s.csrf).status == .seeOther)
        let offer = try #require(try await app.database.sql.raw("SELECT offer_id FROM referrals WHERE id = \(bind: s.referral)").first()?
            .decode(column: "offer_id", as: String.self))
        // The second participant lives in the provider's municipality too.
        try await app.database.sql.raw("UPDATE persons SET municipality_code = 'GM0988' WHERE id = \(bind: w.personA2)").run()
        try await app.database.sql.raw("UPDATE trajecten SET municipality_code = 'GM0988' WHERE person_id = \(bind: w.personA2)").run()
        try await app.database.sql.raw("""
            INSERT INTO referrals (id, person_id, offer_id, status, referred_on, started_on, created_by, created_at)
            VALUES ('referral-a2', \(bind: w.personA2), \(bind: offer), 'started', '2026-11-01', '2026-11-02', 'a-consulent', 0)
            """).run()
        try await app.database.sql.raw("""
            INSERT INTO referral_consents (id, referral_id, person_id, classes, given_on, recorded_by, recorded_at)
            VALUES ('consent-a2', 'referral-a2', \(bind: w.personA2), 'identity', '2026-11-01', 'test', 0)
            """).run()

        // A bad time is refused with what was typed kept.
        let bad = try await s.partner.post("/aanbieder/lessen", form: [("offer", offer), ("date", today.iso), ("startsAt", "9 uur"), ("hours", "3"),
                                                                      ("soort", "cursus")], csrf: s.csrf)
        #expect(bad.status == .badRequest && bad.body.contains("uu:mm") && bad.body.contains("value=\"9 uur\""))
        let opened = try await s.partner.post("/aanbieder/lessen", form: [("offer", offer), ("date", today.iso), ("startsAt", "09:00"), ("hours", "3"),
                                                                         ("soort", "cursus")], csrf: s.csrf)
        let location = try #require(opened.location)
        let lesson = String(location.dropFirst("/aanbieder/lessen/".count).prefix { $0 != "?" })
        return (s, offer, lesson, today)
    }

    /// Person's login issued by the consulent, their first sign-in on their phone, and the lesson's code as the classroom shows it.
    static func onThePhone(_ client: any TestClientProtocol, _ app: AppContext, _ consulent: Browser, _ consulentCSRF: String, person: String,
                           lesson: String) async throws -> (Browser, String, String) {
        let code = try #require(try await app.database.sql.raw("SELECT code FROM lessons WHERE id = \(bind: lesson)").first()?.decode(column: "code", as: String.self))
        let issued = try await issueLogin(consulent, consulentCSRF, person: person)
        let (phone, csrf) = try await participantSignIn(client, login: issued.login, password: issued.password)
        return (phone, csrf, code)
    }

    static func lessonHours(_ app: AppContext, _ person: String) async throws -> Int {
        try await app.database.sql.raw("SELECT COALESCE(SUM(hours), 0) AS n FROM uren WHERE person_id = \(bind: person) AND lesson_id IS NOT NULL")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    static func hourMessages(_ app: AppContext, _ person: String) async throws -> Int {
        try await app.database.sql.raw("SELECT COUNT(*) AS n FROM duo_outbox WHERE person_id = \(bind: person) AND kind LIKE 'uren%'")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    @Test("A lesson counts only once the teacher confirms it; each participant confirms only their own presence; hours reach the case and DUO once",
          arguments: Engine.available)
    func confirmedLessonCounts(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let (s, _, lesson, _) = try await Self.lessonWithGroup(client, app)
            let w = app.world
            let page = try await s.partner.get("/aanbieder/lessen/\(lesson)")
            #expect(page.status == .ok && page.body.contains("Haddad") && page.body.contains("Khalil") && page.body.contains("0 van 2 deelnemers"))
            // The provider reported the route's start: the consulent gets a task to record it (R12), the route start itself is theirs.
            let startTask = try await app.database.sql.raw("SELECT title, assignee_id FROM taken WHERE person_id = \(bind: w.personA) AND source = 'verwijzing'").all()
            #expect(startTask.count == 1)
            #expect(try startTask.first?.decode(column: "title", as: String.self).hasPrefix("Start leerroute vastleggen: Taalschool Weert meldt de start op ") == true)
            #expect(try startTask.first?.decode(column: "assignee_id", as: String?.self) == "a-consulent")
            #expect(try await app.database.sql.raw("SELECT route_start_date FROM trajecten WHERE person_id = \(bind: w.personA)").first()?
                .decode(column: "route_start_date", as: String?.self) == nil)

            // Person A on their phone: the wrong code is refused, the right one confirms A (and only A).
            let (phone, phoneCSRF, code) = try await Self.onThePhone(client, app, s.consulent, s.consulentCSRF, person: w.personA, lesson: lesson)
            let home = try await phone.get("/deelnemer")
            #expect(home.status == .ok && home.body.contains("B1 dag"))
            let casework = try await phone.get("/personen/\(w.personA)")
            #expect(!home.body.contains("Werkvoorraad") && casework.status != .ok, "a participant opens nothing of Regie's casework")
            let wrong = try await phone.post("/deelnemer/lessen/\(lesson)", form: [("code", "000000" == code ? "111111" : "000000")], csrf: phoneCSRF)
            #expect(wrong.status == .badRequest && wrong.body.contains("hoort niet bij de les"))
            #expect(try await phone.post("/deelnemer/lessen/\(lesson)", form: [("code", code), ("persoon", w.personA2)], csrf: phoneCSRF)
                    .location == "/deelnemer?melding=aanwezig")

            // On the classroom screen, a login with someone else's password confirms nobody.
            let issuedA2 = try await Self.issueLogin(s.consulent, s.consulentCSRF, person: w.personA2)
            let refused = try await s.partner.post("/aanbieder/lessen/\(lesson)/aanwezig", form: [("login", issuedA2.login), ("password", Self.ownPassword)],
                                                   csrf: s.csrf)
            #expect(refused.status == .unauthorized)
            let list = try await s.partner.get("/aanbieder/lessen/\(lesson)")
            #expect(list.body.contains("1 van 2 deelnemers") && list.body.contains("(telefoon)"))

            // Not confirmed by the teacher: nothing counts yet.
            #expect(try await Self.lessonHours(app, w.personA) == 0)
            let messagesBefore = try await Self.hourMessages(app, w.personA)

            #expect(try await s.partner.post("/aanbieder/lessen/\(lesson)/bevestigen", form: [], csrf: s.csrf).location?.hasSuffix("melding=bevestigd") == true)
            #expect(try await Self.lessonHours(app, w.personA) == 3, "present: the lesson's hours")
            #expect(try await Self.lessonHours(app, w.personA2) == 0, "absent: none")
            #expect(try await Self.hourMessages(app, w.personA) == messagesBefore + 1, "the new total goes to DUO")
            let attendance = try await app.database.sql.raw("SELECT person_id, present FROM lesson_attendance WHERE lesson_id = \(bind: lesson)").all()
            #expect(attendance.count == 2)

            // A second confirmation counts nothing twice; the participant can no longer confirm.
            let again = try await s.partner.post("/aanbieder/lessen/\(lesson)/bevestigen", form: [], csrf: s.csrf)
            #expect(again.status == .conflict)
            #expect(try await Self.lessonHours(app, w.personA) == 3)

            // The consulent sees the hours and the attendance, without typing them.
            let referrals = try await s.consulent.get("/personen/\(w.personA)/verwijzingen")
            #expect(referrals.body.contains("1 van 1 bevestigde lessen aanwezig, 3 uur"))
            let progress = try await s.consulent.get("/personen/\(w.personA)/voortgang")
            #expect(progress.body.contains("Taalschool Weert"))
            #expect(try await ChainTests.audit(app, "partner.lesson.confirm").count == 3, "one entry per participant and one for the list")
            #expect(try await ChainTests.audit(app, "participant.presence").contains { $0.personId == w.personA })
            #expect(try await ChainTests.audit(app, "partner.lesson.open").count == 1, "the opened lesson (the bad time stored nothing)")
            #expect(try await ChainTests.audit(app, "partner.lesson.view").count >= 2)
            #expect(try await ChainTests.audit(app, "participant.login").contains { $0.personId == w.personA })
            #expect(try await ChainTests.audit(app, "participant.password").contains { $0.personId == w.personA })
            #expect(try await ChainTests.audit(app, "casework.participant.login").filter { $0.detail.contains("startwachtwoord") }.count == 2)
        }
    }

    @Test("Absence past the municipality's threshold makes one signal and a task for the consulent; a cancelled lesson counts nothing",
          arguments: Engine.available)
    func absenceSignal(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let (s, offer, first, today) = try await Self.lessonWithGroup(client, app)
            let w = app.world
            var settings = try await app.services.settings.fetch("GM0988")
            settings.law.aanwezigheid = AanwezigheidSettings(afwezigLessen: 2, periodeWeken: 4)
            try await app.services.settings.save("GM0988", settings, by: "test",
                                                 audit: AuditEvent(actorId: "test", actorName: "test", actorRole: "-", organisationId: nil, action: "settings.update",
                                                                   purpose: "beheer", requestId: "-"), now: app.services.clock.now())
            func tasks() async throws -> [String] {
                try await app.database.sql.raw("SELECT title FROM taken WHERE person_id = \(bind: w.personA) AND source = 'aanwezigheid'").all()
                    .map { try $0.decode(column: "title", as: String.self) }
            }
            func open(_ day: CalendarDate) async throws -> String {
                let page = try await s.partner.post("/aanbieder/lessen", form: [("offer", offer), ("date", day.iso), ("startsAt", "13:00"), ("hours", "2"),
                                                                               ("soort", "cursus")], csrf: s.csrf)
                return String(try #require(page.location).dropFirst("/aanbieder/lessen/".count).prefix { $0 != "?" })
            }
            // A cancelled lesson: nobody absent, nothing counted.
            let cancelled = try await open(today)
            #expect(try await s.partner.post("/aanbieder/lessen/\(cancelled)/vervallen", form: [("reason", "")], csrf: s.csrf).status == .badRequest)
            #expect(try await s.partner.post("/aanbieder/lessen/\(cancelled)/vervallen", form: [("reason", "Docent ziek")], csrf: s.csrf).status == .seeOther)
            #expect(try await s.partner.post("/aanbieder/lessen/\(cancelled)/bevestigen", form: [], csrf: s.csrf).status == .conflict)
            #expect(try await ChainTests.audit(app, "partner.lesson.cancel").contains { $0.detail.contains("Docent ziek") })

            // Two confirmed lessons A missed: the second makes the signal.
            #expect(try await s.partner.post("/aanbieder/lessen/\(first)/bevestigen", form: [], csrf: s.csrf).status == .seeOther)
            #expect(try await tasks().isEmpty, "one absence is below the threshold")
            let second = try await open(today)
            #expect(try await s.partner.post("/aanbieder/lessen/\(second)/bevestigen", form: [], csrf: s.csrf).status == .seeOther)
            let signalled = try await tasks()
            #expect(signalled.count == 1 && signalled[0].contains("2 lessen gemist binnen 4 weken bij Taalschool Weert"))
            #expect(try await app.database.sql.raw("""
                SELECT assignee_id FROM taken WHERE person_id = \(bind: w.personA) AND source = 'aanwezigheid'
                """).first()?.decode(column: "assignee_id", as: String?.self) == "a-consulent", "the task is the person's consulent's")
            // A third absence right after makes no second signal for the same run.
            let third = try await open(today)
            #expect(try await s.partner.post("/aanbieder/lessen/\(third)/bevestigen", form: [], csrf: s.csrf).status == .seeOther)
            #expect(try await tasks().count == 1)
            #expect(try await Self.lessonHours(app, w.personA) == 0, "absence gives no hours, and a signal no fine")
            let timeline = try await app.database.sql.raw("SELECT kind FROM case_events WHERE person_id = \(bind: w.personA)").all()
                .map { try $0.decode(column: "kind", as: String.self) }
            #expect(timeline.contains("aanwezigheid.signaal") && timeline.filter { $0 == "les.afwezig" }.count == 3)
        }
    }

    @Test("The teacher strikes a confirmation with a reason; a switched-off login signs the participant out", arguments: Engine.available)
    func strikeAndSwitchOff(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let (s, _, lesson, _) = try await Self.lessonWithGroup(client, app)
            let w = app.world
            let issued = try await Self.issueLogin(s.consulent, s.consulentCSRF, person: w.personA)
            // The participant confirms on the classroom screen before choosing a password of their own.
            #expect(try await s.partner.post("/aanbieder/lessen/\(lesson)/aanwezig", form: [("login", issued.login), ("password", issued.password)],
                                             csrf: s.csrf).location?.hasSuffix("melding=aanwezig") == true)
            #expect(try await s.partner.post("/aanbieder/lessen/\(lesson)/doorhalen", form: [("persoon", w.personA), ("reason", "")], csrf: s.csrf)
                    .status == .badRequest)
            #expect(try await s.partner.post("/aanbieder/lessen/\(lesson)/doorhalen", form: [("persoon", w.personA), ("reason", "Na tien minuten vertrokken")],
                                             csrf: s.csrf).status == .seeOther)
            let again = try await s.partner.post("/aanbieder/lessen/\(lesson)/aanwezig", form: [("login", issued.login), ("password", issued.password)],
                                                 csrf: s.csrf)
            #expect(again.status == .conflict, "a struck confirmation cannot be made again")
            #expect(try await s.partner.post("/aanbieder/lessen/\(lesson)/bevestigen", form: [], csrf: s.csrf).status == .seeOther)
            #expect(try await Self.lessonHours(app, w.personA) == 0, "struck: absent")
            #expect(try await ChainTests.audit(app, "partner.presence.strike").contains { $0.personId == w.personA && $0.detail.contains("Na tien minuten") })

            let (phone, _) = try await Self.participantSignIn(client, login: issued.login, password: issued.password)
            #expect(try await phone.get("/deelnemer").status == .ok)
            #expect(try await s.consulent.post("/personen/\(w.personA)/deelnemerslogin", form: [("actie", "uitzetten"), ("reason", "Verhuisd")],
                                               csrf: s.consulentCSRF).status == .seeOther)
            #expect(try await phone.get("/deelnemer").location?.hasPrefix("/deelnemer/inloggen") == true, "the session ended with the login")
            #expect(try await ChainTests.audit(app, "casework.participant.login").contains { $0.detail.contains("uitgezet: Verhuisd") })
        }
    }

    @Test("A withdrawn consent takes the participant off the list: they cannot confirm, and the lesson does not count them", arguments: Engine.available)
    func withdrawnConsent(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let (s, _, lesson, today) = try await Self.lessonWithGroup(client, app)
            let w = app.world
            let (phone, phoneCSRF, code) = try await Self.onThePhone(client, app, s.consulent, s.consulentCSRF, person: w.personA, lesson: lesson)
            #expect(try await s.consulent.post("/personen/\(w.personA)/verwijzingen/\(s.referral)/toestemming-intrekken",
                                               form: [("on", today.iso), ("reason", "Wil niets meer delen")], csrf: s.consulentCSRF).status == .seeOther)
            #expect(!(try await phone.get("/deelnemer")).body.contains("B1 dag"), "no lesson of a group whose provider may no longer know them")
            #expect(try await phone.post("/deelnemer/lessen/\(lesson)", form: [("code", code)], csrf: phoneCSRF).status == .notFound)
            let page = try await s.partner.get("/aanbieder/lessen/\(lesson)")
            #expect(!page.body.contains("Haddad") && page.body.contains("0 van 1 deelnemers"))
            #expect(try await s.partner.post("/aanbieder/lessen/\(lesson)/bevestigen", form: [], csrf: s.csrf).status == .seeOther)
            #expect(try await app.database.sql.raw("SELECT COUNT(*) AS n FROM lesson_attendance WHERE person_id = \(bind: w.personA)").first()?
                .decode(column: "n", as: Int.self) == 0, "not on the list: neither present nor absent")
        }
    }

    @Test("A provider's progress report appears in the case and prefills the next progress meeting; only on a started referral", arguments: Engine.available)
    func progressReport(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let (s, _, _, today) = try await Self.lessonWithGroup(client, app)
            let w = app.world
            let form = try await s.partner.get("/aanbieder/verwijzingen/\(s.referral)")
            #expect(form.body.contains("Voortgangsrapportages") && form.body.contains("Rapportage versturen"))
            let missing = try await s.partner.post("/aanbieder/verwijzingen/\(s.referral)/rapportage",
                                                   form: [("reportedOn", today.iso), ("level-lezen", "A2"), ("reportNote", "Maakt goede stappen")], csrf: s.csrf)
            #expect(missing.status == .badRequest && missing.body.contains("Maakt goede stappen"), "no advice: refused, the note kept")
            #expect(try await s.partner.post("/aanbieder/verwijzingen/\(s.referral)/rapportage",
                                             form: [("reportedOn", today.iso), ("level-lezen", "A2"), ("level-spreken", "A1"), ("advice", "overstappen"),
                                                    ("reportNote", "Past beter in de Z-route")], csrf: s.csrf).status == .seeOther)
            let progress = try await s.consulent.get("/personen/\(w.personA)/voortgang")
            #expect(progress.body.contains("Voortgangsrapportages van aanbieders") && progress.body.contains("Overstappen naar een andere route"))
            #expect(progress.body.contains("Rapportage Taalschool Weert van") && progress.body.contains("Lezen A2, Spreken A1"), "the meeting's note is prefilled")
            #expect(progress.body.contains("value=\"zorgen\" selected"), "a switch of route starts the meeting as concerns")
            #expect(try await ChainTests.audit(app, "partner.progress.report").count == 1)
            let timeline = try await app.database.sql.raw("SELECT kind FROM case_events WHERE person_id = \(bind: w.personA)").all()
                .map { try $0.decode(column: "kind", as: String.self) }
            #expect(timeline.contains("voortgangsrapportage"))
            // After the meeting (the PIP fixed, so meetings are held), the next one starts empty again.
            try await app.database.sql.raw("UPDATE trajecten SET pip_date = '2026-11-01' WHERE person_id = \(bind: w.personA)").run()
            #expect(try await s.consulent.post("/personen/\(w.personA)/voortgang/gesprekken", form: [("heldDate", today.iso), ("outcome", "zorgen"),
                                                                                                    ("meetingNote", "Besproken")], csrf: s.consulentCSRF).status == .seeOther)
            #expect(!(try await s.consulent.get("/personen/\(w.personA)/voortgang")).body.contains("value=\"zorgen\" selected"))
        }
    }

    @Test("The contract view: per provider the hours offered, followed and absent, started, waiting and advice to switch; CSV; small cells hidden from figures-only roles",
          arguments: Engine.available)
    func contractView(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let (s, _, lesson, today) = try await Self.lessonWithGroup(client, app)
            let w = app.world
            let (phone, phoneCSRF, code) = try await Self.onThePhone(client, app, s.consulent, s.consulentCSRF, person: w.personA, lesson: lesson)
            #expect(try await phone.post("/deelnemer/lessen/\(lesson)", form: [("code", code)], csrf: phoneCSRF).status == .seeOther)
            #expect(try await s.partner.post("/aanbieder/lessen/\(lesson)/bevestigen", form: [], csrf: s.csrf).status == .seeOther)
            #expect(try await s.partner.post("/aanbieder/verwijzingen/\(s.referral)/rapportage", form: [("reportedOn", today.iso), ("advice", "overstappen")],
                                             csrf: s.csrf).status == .seeOther)
            let period = "gemeente=GM0988&van=\(today.adding(days: -30).iso)&tot=\(today.iso)"
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            let page = try await lead.get("/cijfers?" + period)
            #expect(page.status == .ok && page.body.contains("Aanbieders en contracten"))
            let csv = try await lead.get("/cijfers/csv?tabel=contracts&" + period)
            #expect(csv.status == .ok)
            // Two on the list, one present: 3 of 6 hours followed; nobody waiting without a start moment.
            let line = try #require(csv.body.split(separator: "\r\n").first { $0.hasPrefix("Taalschool Weert") }, Comment(rawValue: csv.body))
            #expect(line.hasPrefix("Taalschool Weert,2,6,3,3,50%,0,"), "\(line)")
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 13 && fields[8] == "2" && fields[9...] == ["0", "0", "1", "0"],
                    "both started in the period, none ended or refused, one advice to switch, no exam passed: \(line)")
            let policy = Browser(client)
            _ = try await policy.login(World.email(.beleidsmedewerker))
            let hidden = try await policy.get("/cijfers/csv?tabel=contracts&" + period)
            let hiddenLine = try #require(hidden.body.split(separator: "\r\n").first { $0.hasPrefix("Taalschool Weert") }, Comment(rawValue: hidden.body))
            #expect(hiddenLine.contains("< ") && !hiddenLine.contains(",6,3,3,"), "a figures-only role sees no small counts, nor the hours beside them: \(hiddenLine)")
        }
    }
}
