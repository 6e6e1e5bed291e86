import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RegieServer
import RegieStorage
import Testing

/// After the PIP: route start, progress meetings, hours, results, enforcement, closing; the team
/// lead's load and assignment; the municipality's settings. Today is 2026-11-18 (test clock).
@Suite("Casework after the PIP, team and settings")
struct CaseworkAfterPIPTests {
    /// Fixes a complete PIP for person A dated 2026-11-18 (term 19-11-2026 … 18-11-2029).
    static func fixPIP(_ browser: Browser, _ person: String, csrf: String) async throws {
        _ = try await browser.post("/personen/\(person)/pip", form: CaseworkTests.completeConcept, csrf: csrf)
        let fixed = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf)
        #expect(fixed.status == .seeOther)
    }

    @Test("A progress meeting restarts the clock for the next one (R5b); the route start moves the case on", arguments: Engine.available)
    func meetingsAndStart(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let early = try await browser.post("/personen/\(person)/voortgang/gesprekken", form: [("heldDate", "2026-11-18"), ("outcome", "opSchema")], csrf: csrf)
            #expect(early.status == .badRequest, "no meeting before there is a PIP")
            #expect(early.body.contains("stel eerst het PIP vast"))
            try await Self.fixPIP(browser, person, csrf: csrf)
            // The PIP sets a cadence of 3 months: the first meeting is due 18 February 2027.
            var page = try await browser.get("/personen/\(person)/voortgang")
            #expect(page.body.contains("uiterlijk 18 februari 2027"))
            app.clock.advance(86_400 * 40)  // 28 December 2026
            let csrf2 = try await browser.login(World.email(.consulent))
            let start = try await browser.post("/personen/\(person)/voortgang/start", form: [("startDate", "2026-12-01")], csrf: csrf2)
            #expect(start.status == .seeOther)
            let meeting = try await browser.post("/personen/\(person)/voortgang/gesprekken", form: [
                ("heldDate", "2026-12-20"), ("outcome", "vertraging"), ("meetingNote", "Mist lessen door ziekte kind."),
            ], csrf: csrf2)
            #expect(meeting.status == .seeOther)
            page = try await browser.get(try #require(meeting.location))
            #expect(page.body.contains("Het voortgangsgesprek is vastgelegd."))
            #expect(page.body.contains("uiterlijk 20 maart 2027"))
            #expect(page.body.contains("Mist lessen door ziekte kind."))
            let traject = try #require(try await CaseworkTests.traject(app, person: person))
            #expect(traject.phase == .inLeerroute)
            #expect(traject.routeStartDate == isoDay("2026-12-01"))
            #expect(traject.lastMeetingDate == isoDay("2026-12-20"))
            let sealed = try await app.database.sql.raw("SELECT note_sealed FROM voortgangsgesprekken").first()?.decode(column: "note_sealed", as: String.self)
            #expect(sealed?.contains("ziekte") == false)
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.progress.meeting"))
        }
    }

    static let progressErrors: [(path: String, form: [(String, String)], field: String, message: String)] = [
        ("uren", [("periodEnd", "2026-11-10"), ("uren-cursus", "0")], "uren-cursus", "Cursus (taal en KNM) moet een heel getal van 1 tot en met 2000 zijn."),
        ("uren", [("periodEnd", "2026-11-10"), ("uren-cursus", "")], "uren-cursus", "Vul bij ten minste één soort het aantal uren in."),
        ("uren", [("periodEnd", "2026-11-30"), ("uren-cursus", "4")], "periodEnd", "Tot en met kan niet na 18 november 2026 liggen."),
        ("resultaten", [("kind", "mapEindgesprek"), ("resultDate", "2026-11-10")], "kind", "Het MAP-eindgesprek kan pas na minstens 40 praktijkuren (R7d)."),
        ("resultaten", [("kind", "pvtOndertekend"), ("resultDate", "2026-11-10")], "kind", "na minstens 12 uur PVT"),
        ("start", [("startDate", "2026-11-10")], "startDate", "Een leerroute start pas na het vaststellen van het PIP."),
        ("gesprekken", [("heldDate", "2026-11-10")], "heldDate", "stel eerst het PIP vast"),
    ]

    @Test("Each progress error is named beside its field", arguments: progressErrors)
    func progressError(path: String, form: [(String, String)], field: String, message: String) async throws {
        try await TestSupport.withApp(.sqlite) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let result = try await browser.post("/personen/\(app.world.personA)/voortgang/\(path)", form: form, csrf: csrf)
            #expect(result.status == .badRequest)
            #expect(result.body.contains("href=\"#\(field)\""))
            #expect(result.body.contains(message))
            #expect(try await CaseworkTests.timeline(app, person: app.world.personA).isEmpty)
        }
    }

    @Test("Hours count against the norms; the MAP final interview follows 40 practice hours", arguments: Engine.available)
    func hours(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            for (kind, hours) in [("mapPraktijk", "24"), ("mapPraktijk", "16"), ("pvt", "12")] {
                let result = try await browser.post("/personen/\(person)/voortgang/uren", form: [("periodEnd", "2026-11-15"), ("uren-\(kind)", hours), ("aanbieder-\(kind)", "Werkplein")], csrf: csrf)
                #expect(result.status == .seeOther)
            }
            let page = try await browser.get("/personen/\(person)/voortgang")
            #expect(page.body.contains("40 van 40 uur"))
            #expect(page.body.contains("12 van 12 uur"))
            let done = try await browser.post("/personen/\(person)/voortgang/resultaten", form: [("kind", "mapEindgesprek"), ("resultDate", "2026-11-17")], csrf: csrf)
            #expect(done.status == .seeOther)
            #expect(try await CaseworkTests.timeline(app, person: person).contains("resultaat.mapEindgesprek"))
        }
    }

    @Test("The ladder gives a warning first; a fine needs a complete, culpable assessment (R9)", arguments: Engine.available)
    func enforcement(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            // Without a fixed PIP there are no agreements to breach (R9): refused, whatever the assessment.
            let noPIP = try await browser.post("/personen/\(person)/handhaving", form: [
                ("overtreding", "nietNakomenPIP"), ("decidedDate", "2026-11-10"), ("efforts", "Drie uitnodigingen met tolk."),
                ("circumstances", "Geen belemmeringen gevonden."), ("culpable", "ja"),
            ], csrf: csrf)
            #expect(noPIP.status == .unprocessableContent)
            #expect(noPIP.body.contains("Er is geen vastgesteld PIP, dus er zijn geen afspraken die niet zijn nagekomen."))
            let warning = try await browser.post("/personen/\(person)/handhaving", form: [("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-10")], csrf: csrf)
            #expect(warning.status == .seeOther)
            let bare = try await browser.post("/personen/\(person)/handhaving", form: [("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-17")], csrf: csrf)
            #expect(bare.status == .unprocessableContent)
            #expect(bare.body.contains("Geen boete zonder vastgelegde beoordeling van de omstandigheden en de verwijtbaarheid."))
            let notCulpable = try await browser.post("/personen/\(person)/handhaving", form: [
                ("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-17"), ("efforts", "Drie uitnodigingen met tolk."),
                ("circumstances", "Mantelzorg voor zieke moeder."), ("culpable", "nee"),
            ], csrf: csrf)
            #expect(notCulpable.status == .unprocessableContent)
            #expect(notCulpable.body.contains("niet verwijtbaar"))
            #expect(notCulpable.body.contains("Mantelzorg voor zieke moeder.</textarea>"))
            let fine = try await browser.post("/personen/\(person)/handhaving", form: [
                ("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-17"), ("efforts", "Drie uitnodigingen met tolk."),
                ("circumstances", "Geen belemmeringen gevonden."), ("culpable", "ja"),
            ], csrf: csrf)
            #expect(fine.status == .seeOther)
            let steps = try await app.services.casework.listHandhavingen(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(steps.map(\.step) == ["waarschuwing", "boete"])
            #expect(steps.last?.amountCents == 25_000)
            let page = try await browser.get("/personen/\(person)/handhaving")
            #expect(page.body.contains("Boete en PIP zonder inbreng € 250,00"), "the next step on the ladder is proposed")
        }
    }

    @Test("Closing a case stops its terms and takes it off the open caseload", arguments: Engine.available)
    func close(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let missing = try await browser.post("/personen/\(person)/afsluiten", form: [("closeDate", "2026-11-18")], csrf: csrf)
            #expect(missing.status == .badRequest)
            #expect(missing.body.contains("Kies een waarde bij Reden."))
            let closed = try await browser.post("/personen/\(person)/afsluiten", form: [("reason", "verhuisd"), ("closeDate", "2026-11-18")], csrf: csrf)
            #expect(closed.status == .seeOther)
            let traject = try #require(try await CaseworkTests.traject(app, person: person))
            #expect(traject.phase == .beeindigd)
            #expect(traject.closedReason == .verhuisd)
            let row = try #require(try await app.database.sql.raw("SELECT next_due_date FROM trajecten WHERE person_id = \(bind: person)").first())
            #expect(try row.decode(column: "next_due_date", as: String.self) == "9999-12-31")
            #expect(!(try await browser.get("/").body.contains("Haddad")))
            #expect(try await browser.get("/?afgesloten=ja").body.contains("Haddad"))
            let again = try await browser.post("/personen/\(person)/afsluiten", form: [("reason", "overleden"), ("closeDate", "2026-11-18")], csrf: csrf)
            #expect(again.status == .conflict, "a closed case cannot be closed again")
        }
    }

    @Test("A team lead sees load per case worker and assigns cases in bulk, in scope only", arguments: Engine.available)
    func team(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.teamleider))
            let page = try await browser.get("/team")
            #expect(page.status == .ok)
            #expect(page.body.contains("consulent A"))
            #expect(page.body.contains("1 van 80"))
            let assigned = try await browser.post("/team/toewijzen", form: [
                ("persoon", app.world.personA2), ("persoon", app.world.personB), ("naar", "a-consulent"), ("terug", "/"),
            ], csrf: csrf)
            #expect(assigned.location == "/?toegewezen=1", "only the case in scope is assigned, back on the list it was chosen from")
            #expect(try await CaseworkTests.traject(app, person: app.world.personA2)?.consulentId == "a-consulent")
            #expect(try await CaseworkTests.traject(app, person: app.world.personB)?.consulentId == "b-consulent")
            #expect(try await CaseworkTests.timeline(app, person: app.world.personA2) == ["toegewezen"])
            let foreign = try await browser.post("/team/toewijzen", form: [("persoon", app.world.personA), ("naar", "b-consulent")], csrf: csrf)
            #expect(foreign.location == "/?toewijzen=ongeldig&persoon=person-a-weert", "a case worker of another organisation is refused; the ticks are kept")
            let back = try await browser.get(try #require(foreign.location))
            #expect(back.body.contains("value=\"person-a-weert\" id=\"kies-person-a-weert\" checked"))
            #expect(Self.ticked(back.body) == ["person-a-weert"], "only the refused case stays ticked")
            let list = try await browser.get("/")
            #expect(Self.ticked(list.body).isEmpty && list.body.contains("name=\"persoon\""), "a fresh list ticks nothing")
            #expect(back.body.contains("Kies een of meer dossiers"))
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            #expect(try await consulent.get("/team").status == .forbidden)
        }
    }

    @Test("Settings change the norm, the cadence and the ladder; the letter uses the municipality's own text", arguments: Engine.available)
    func settings(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let admin = Browser(client)
            let csrf = try await admin.login(World.email(.functioneelBeheerder))
            let form = try await admin.get("/beheer/instellingen?gemeente=GM0988")
            #expect(form.status == .ok)
            #expect(form.body.contains("value=\"80\""))
            #expect(form.body.contains("van Weert, namens dezen"), "the letter's default text is shown with the municipality's name")
            var values: [(String, String)] = [("gemeente", "GM0988"), ("caseloadNorm", "60"), ("eersteJaar", "2"), ("daarna", "6"), ("step1", "waarschuwing"),
                                              ("step2", "boete"), ("amount2", "900"), ("topics", "Schulden\nWoonsituatie"), ("letter-signer", "Team Inburgering Weert")]
            for window in ["pipVaststelling", "inburgeringstermijn", "schakelVenster", "aanbodStart", "voortgangsgesprek", "ontzorgenEinde", "ontzorgenEvaluatie", "aowLeeftijd", "cbsLevering"] {
                values.append(("window-\(window)", "14"))
            }
            let tooHigh = try await admin.post("/beheer/instellingen", form: values, csrf: csrf)
            #expect(tooHigh.status == .badRequest)
            #expect(tooHigh.body.contains("Het bedrag moet een heel getal van 0 tot en met 800 zijn."))
            values = values.map { $0.0 == "amount2" ? ("amount2", "300") : $0 }
            let saved = try await admin.post("/beheer/instellingen", form: values, csrf: csrf)
            #expect(saved.status == .seeOther)
            let settings = try await app.services.settings.fetch("GM0988")
            #expect(settings.caseloadNorm == 60)
            #expect(settings.law.voortgang.eersteJaarMaanden == 2)
            #expect(settings.intakeTopics.map(\.key) == ["gm-schulden", "gm-woonsituatie"])
            #expect(try await app.services.settings.fetch("GM1706") == .defaults, "another municipality keeps its own")
            #expect(try await app.services.audit.search(.init(actorId: "a-functioneelBeheerder"), before: nil, limit: 5).rows.map(\.action).contains("settings.update"))

            let browser = Browser(client)
            let csrfC = try await browser.login(World.email(.consulent))
            let intake = try await browser.get("/personen/\(app.world.personA)/intake")
            #expect(intake.body.contains("Schulden"))
            #expect(try await browser.post("/personen/\(app.world.personA)/intake/onderwerpen/gm-schulden", form: [("notitie", "Huurachterstand")], csrf: csrfC).status == .seeOther)
            let step = try await browser.post("/personen/\(app.world.personA)/handhaving", form: [("overtreding", "nietMeewerkenBredeIntake"), ("decidedDate", "2026-11-10")], csrf: csrfC)
            #expect(step.status == .seeOther)
            #expect(try await browser.get("/personen/\(app.world.personA)/handhaving").body.contains("Boete € 300,00"))
            _ = try await browser.post("/personen/\(app.world.personA)/pip", form: CaseworkTests.completeConcept.filter { $0.0 != "cadansMaanden" }, csrf: csrfC)
            #expect(try await browser.get("/personen/\(app.world.personA)/pip/1/brief").body.contains("Team Inburgering Weert"))
            #expect(try await browser.get("/beheer/instellingen").status == .forbidden)

            // The same settings over the API, with the same validation.
            let key = try await APITests.createKey(client, role: "functioneelBeheerder")
            let got = try await APICaseworkTests.send(client, .get, "/api/v1/municipalities/GM0988/settings", key: key)
            #expect(got.json["caseloadNorm"] as? Int == 60)
            #expect(got.json["intakeTopics"] as? [String] == ["Schulden", "Woonsituatie"])
            var body = got.json
            body["caseloadNorm"] = 5
            let refused = try await APICaseworkTests.send(client, .put, "/api/v1/municipalities/GM0988/settings", key: key, body: body)
            #expect(refused.status == .badRequest)
            body["caseloadNorm"] = 90
            let put = try await APICaseworkTests.send(client, .put, "/api/v1/municipalities/GM0988/settings", key: key, body: body)
            #expect(put.status == .ok)
            #expect(try await app.services.settings.fetch("GM0988").caseloadNorm == 90)
            #expect(try await APICaseworkTests.send(client, .get, "/api/v1/municipalities/GM0957/settings", key: key).status == .notFound)
        }
    }

    @Test("The warm handover keeps COA's profile sealed, plans and records the three-way meeting", arguments: Engine.available)
    func handover(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let missing = try await browser.post("/personen/\(person)/overdracht", form: [("scenario", "azc"), ("meetingHeld", "2026-11-10"), ("gezondheid", "Diabetes")], csrf: csrf)
            #expect(missing.status == .badRequest)
            #expect(missing.body.contains("Geef aan wie bij het driegesprek aanwezig waren."))
            #expect(missing.body.contains(">Diabetes</textarea>"))
            let future = try await browser.post("/personen/\(person)/overdracht", form: [("meetingHeld", "2026-12-10"), ("attendees", "coa")], csrf: csrf)
            #expect(future.status == .badRequest)
            let saved = try await browser.post("/personen/\(person)/overdracht", form: [
                ("scenario", "gecombineerd"), ("azcLocatie", "Azc Budel"), ("gezondheid", "Diabetes"), ("meetingPlanned", "2026-11-10"),
                ("meetingHeld", "2026-11-10"), ("attendees", "coa"), ("attendees", "gemeente"), ("attendees", "inburgeraar"),
            ], csrf: csrf)
            #expect(saved.status == .seeOther)
            let page = try await browser.get(try #require(saved.location))
            #expect(page.body.contains("De warme overdracht is opgeslagen."))
            #expect(page.body.contains("value=\"Azc Budel\""))
            let sealed = try await app.database.sql.raw("SELECT profile_sealed FROM warme_overdrachten").first()?.decode(column: "profile_sealed", as: String.self)
            #expect(sealed?.contains("Diabetes") == false)
            #expect(Set(try await CaseworkTests.timeline(app, person: person)).isSuperset(of: ["overdracht.profiel", "overdracht.gepland", "overdracht.gehouden"]))
            #expect(try await CaseworkTests.traject(app, person: person) != nil)
            let key = try await APITests.createKey(client)
            let api = try await APICaseworkTests.send(client, .get, "/api/v1/cases/\(person)/handover", key: key)
            #expect(api.json["scenario"] as? String == "gecombineerd")
            #expect(api.json["attendees"] as? [String] == ["coa", "gemeente", "inburgeraar"])
            let put = try await APICaseworkTests.send(client, .put, "/api/v1/cases/\(person)/handover", key: key, body: ["scenario": "ergens"])
            #expect(put.status == .badRequest)
        }
    }

    @Test("Tasks: added to a case for its consulent, listed on their own page and the caseload tile, done once", arguments: Engine.available)
    func tasks(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let empty = try await browser.post("/personen/\(person)/taken", form: [("taskTitle", ""), ("taskDue", "2026-11-30")], csrf: csrf)
            #expect(empty.status == .badRequest)
            #expect(empty.body.contains("Vul Taak in."))
            #expect(empty.body.contains("value=\"2026-11-30\""))
            let past = try await browser.post("/personen/\(person)/taken", form: [("taskTitle", "Bel taalschool"), ("taskDue", "2026-11-01")], csrf: csrf)
            #expect(past.status == .badRequest)
            let added = try await browser.post("/personen/\(person)/taken", form: [("taskTitle", "Bel taalschool over startdatum"), ("taskDue", "2026-11-25")], csrf: csrf)
            #expect(added.status == .seeOther)
            let file = try await browser.get("/personen/\(person)")
            #expect(file.body.contains("Bel taalschool over startdatum"))
            let mine = try await browser.get("/taken")
            #expect(mine.body.contains("Bel taalschool over startdatum"))
            #expect(mine.body.contains("Haddad, Amal"))
            #expect(try await browser.get("/").body.contains("<span class=\"tile__count\">1</span> <span class=\"tile__label\">mijn open taken</span>"))
            let taak = try #require(try await app.services.casework.listTaken(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"])).first)
            #expect(taak.assigneeId == "a-consulent")
            let done = try await browser.post("/personen/\(person)/taken/\(taak.id)/afronden", form: [], csrf: csrf)
            #expect(done.status == .seeOther)
            #expect(try await browser.post("/personen/\(person)/taken/\(taak.id)/afronden", form: [], csrf: csrf).status == .notFound)
            #expect(try await browser.get("/taken").body.contains("U heeft geen open taken."))
            let timeline = try await CaseworkTests.timeline(app, person: person)
            #expect(Set(timeline) == ["taak.afgerond", "taak.nieuw"])
            let key = try await APITests.createKey(client)
            let api = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(person)/tasks", key: key, body: ["taskTitle": "Stuur brief", "taskDue": "2026-12-01"])
            #expect(api.status == .created)
            #expect(api.json["assigneeId"] as? String == "a-consulent")
            let list = try await APICaseworkTests.send(client, .get, "/api/v1/cases/\(person)/tasks", key: key)
            #expect((list.json["data"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("Documents: type-checked by content, size-limited, sealed at rest, downloaded as an audited attachment", arguments: Engine.available)
    func documents(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nDiploma lasser Aleppo\n%%EOF".utf8)
            let fake = try await browser.postFile("/personen/\(person)/documenten", form: [("title", "Diploma")],
                                                  file: ("file", "diploma.pdf", "application/pdf", Data("<script>alert(1)</script>".utf8)), csrf: csrf)
            #expect(fake.status == .badRequest)
            #expect(fake.body.contains("Dit soort bestand kan niet"))
            #expect(fake.body.contains("value=\"Diploma\""), "the title typed is kept")
            let big = try await browser.postFile("/personen/\(person)/documenten", form: [("title", "Groot")],
                                                 file: ("file", "groot.pdf", "application/pdf", Data("%PDF-".utf8) + Data(count: 20 * 1024 * 1024)), csrf: csrf)
            #expect(big.status == .contentTooLarge)
            let saved = try await browser.postFile("/personen/\(person)/documenten", form: [("title", "Diploma lasser, vertaald")],
                                                   file: ("file", "diploma lasser.pdf", "application/octet-stream", pdf), csrf: csrf)
            #expect(saved.status == .seeOther)
            let list = try await browser.get("/personen/\(person)/documenten")
            #expect(list.body.contains("Diploma lasser, vertaald"))
            // Through the web form the document streams in sealed chunks (the row's own content stays empty).
            let sealed = try await app.database.sql.raw("SELECT content_sealed FROM document_chunks").first()?.decode(column: "content_sealed", as: String.self)
            #expect(sealed?.hasPrefix("v1:") == true)
            let document = try #require(try await app.services.casework.listDocuments(personId: person, scope: TenantScope(municipalityCodes: ["GM0988"])).first)
            #expect(document.contentType == "application/pdf")
            let download = try await browser.get("/personen/\(person)/documenten/\(document.id)")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(download.body.contains("Diploma lasser Aleppo"))
            #expect(try await CaseworkTests.actions(app, person: person).contains("casework.document.download"))
            let key = try await APITests.createKey(client)
            let viaAPI = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(person)/documents", key: key,
                                                         body: ["title": "Scan", "filename": "scan.png", "content": Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2]).base64EncodedString()])
            #expect(viaAPI.status == .created)
            #expect(viaAPI.json["contentType"] as? String == "image/png")
            let wrong = try await APICaseworkTests.send(client, .post, "/api/v1/cases/\(person)/documents", key: key,
                                                        body: ["title": "Script", "filename": "x.pdf", "content": Data("MZ".utf8).base64EncodedString()])
            #expect(wrong.problems["body.content"]?.contains("Dit soort bestand kan niet") == true)
            let budget = Browser(client)
            _ = try await budget.login(World.email(.budgetbeheerder))
            #expect(try await budget.get("/personen/\(person)/documenten/\(document.id)").status == .forbidden)
        }
    }

    @Test("Afschalen to A2 needs the B1-route and 600 course hours outside the brede intake (R7a)", arguments: [Engine.sqlite])
    func afschalen(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            try await Self.fixPIP(browser, person, csrf: csrf)
            let lower = CaseworkTests.completeConcept.map { $0.0 == "niveau" ? ("niveau", "A2") : $0 } + [("niveau", "A2"), ("changeReason", "afschalen"), ("changeNote", "Leert langzaam.")]
            _ = try await browser.post("/personen/\(person)/voortgang/uren", form: [("periodEnd", "2026-11-15"), ("uren-cursus", "450")], csrf: csrf)
            let refused = try await browser.post("/personen/\(person)/pip", form: lower, csrf: csrf)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Afschalen naar A2 kan pas na ten minste 600 gevolgde cursusuren in de leerroute; nu 450."))
            // The reason explains, it does not select the checks (issue 22): the same content under "overig" is refused too.
            let asOther = lower.map { $0.0 == "changeReason" ? ("changeReason", "overig") : $0 }
            let refusedAsOther = try await browser.post("/personen/\(person)/pip", form: asOther, csrf: csrf)
            #expect(refusedAsOther.status == .unprocessableContent)
            #expect(refusedAsOther.body.contains("nu 450."))
            // 160 hours for the one day since the last period need the case worker's confirmation.
            let implausible = try await browser.post("/personen/\(person)/voortgang/uren", form: [("periodEnd", "2026-11-16"), ("uren-cursus", "160")], csrf: csrf)
            #expect(implausible.status == .badRequest)
            _ = try await browser.post("/personen/\(person)/voortgang/uren", form: [("periodEnd", "2026-11-16"), ("uren-cursus", "160"), ("bevestigd", "ja")], csrf: csrf)
            let allowed = try await browser.post("/personen/\(person)/pip", form: lower, csrf: csrf)
            #expect(allowed.status == .seeOther)
        }
    }

    /// Every casework page and action with the audit entry it must write, in the order a case runs.
    static let audited: [(method: HTTPRequest.Method, path: String, form: [(String, String)], action: String)] = [
        (.get, "/personen/person-a-weert/overdracht", [], "casework.handover.view"),
        (.post, "/personen/person-a-weert/overdracht", [("scenario", "azc")], "casework.handover.update"),
        (.get, "/personen/person-a-weert/derden", [], "casework.derden.view"),
        (.post, "/personen/person-a-weert/derden", [("party", "Huisarts"), ("subject", "Medische informatie"), ("requestedOn", "2026-11-10")], "casework.derden.request"),
        (.get, "/personen/person-a-weert/intake", [], "casework.intake.view"),
        (.get, "/personen/person-a-weert/brieven", [], "casework.letter.view"),
        (.post, "/personen/person-a-weert/intake/gesprekken", [("date", "2026-11-10"), ("attendees", "consulent")], "casework.intake.gesprek"),
        (.get, "/personen/person-a-weert/intake/onderwerpen/taalniveau", [], "casework.intake.view"),
        (.post, "/personen/person-a-weert/intake/onderwerpen/taalniveau", [("nederlands", "A1")], "casework.intake.topic"),
        (.get, "/personen/person-a-weert/lbt", [], "casework.lbt.view"),
        (.post, "/personen/person-a-weert/lbt", [("testDate", "2026-11-09"), ("administrator", "X"), ("score", "30")], "casework.lbt.record"),
        (.post, "/personen/person-a-weert/lbt/advies", [("adviceDate", "2026-11-12"), ("school", "Taalhuis"), ("adviesRoute", "b1")], "casework.advies.record"),
        (.get, "/personen/person-a-weert/route", [], "casework.route.view"),
        (.post, "/personen/person-a-weert/route", [("leerroute", "b1"), ("considerations", "Toets en advies.")], "casework.route.decide"),
        (.get, "/personen/person-a-weert/pip", [], "casework.pip.view"),
        (.post, "/personen/person-a-weert/pip", CaseworkTests.completeConcept, "casework.pip.concept"),
        (.get, "/personen/person-a-weert/pip/1/brief", [], "casework.pip.letter"),
        (.post, "/personen/person-a-weert/pip/vaststellen", [("dagtekening", "2026-11-18")], "casework.pip.fix"),
        (.get, "/personen/person-a-weert/voortgang", [], "casework.progress.view"),
        (.post, "/personen/person-a-weert/voortgang/start", [("startDate", "2026-11-18")], "casework.route.start"),
        (.post, "/personen/person-a-weert/voortgang/gesprekken", [("heldDate", "2026-11-18"), ("outcome", "opSchema")], "casework.progress.meeting"),
        (.post, "/personen/person-a-weert/voortgang/uren", [("periodEnd", "2026-11-18"), ("uren-pvt", "12")], "casework.progress.hours"),
        (.post, "/personen/person-a-weert/voortgang/resultaten", [("kind", "pvtOndertekend"), ("resultDate", "2026-11-18")], "casework.progress.result"),
        (.get, "/personen/person-a-weert/handhaving", [], "casework.enforcement.view"),
        (.post, "/personen/person-a-weert/handhaving", [("overtreding", "nietNakomenPIP"), ("decidedDate", "2026-11-18")], "casework.enforcement.step"),
        (.get, "/personen/person-a-weert/documenten", [], "casework.documents.view"),
        (.post, "/personen/person-a-weert/taken", [("taskTitle", "Bellen")], "casework.task.add"),
        (.get, "/taken", [], "tasks.view"),
        (.post, "/personen/person-a-weert/afsluiten", [("reason", "verhuisd"), ("closeDate", "2026-11-18")], "casework.close"),
    ]

    @Test("Every casework page and action writes its own audit entry, naming the person where there is one", arguments: [Engine.sqlite])
    func auditEntries(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            for step in Self.audited {
                let page = step.method == .get ? try await browser.get(step.path) : try await browser.post(step.path, form: step.form, csrf: csrf)
                #expect(page.status == .ok || page.status == .seeOther, "\(step.method) \(step.path): \(page.status)")
                let last = try #require(try await app.services.audit.search(.init(), before: nil, limit: 1).rows.first)
                #expect(last.action == step.action, "\(step.method) \(step.path)")
                #expect(last.actorId == "a-consulent")
                if step.path.hasPrefix("/personen/") { #expect(last.personId == app.world.personA, "\(step.path) names the person") }
            }
            // The team lead's and the administrator's pages.
            let lead = Browser(client)
            let leadCSRF = try await lead.login(World.email(.teamleider))
            _ = try await lead.get("/team")
            #expect(try await app.services.audit.search(.init(), before: nil, limit: 1).rows.first?.action == "team.view")
            _ = try await lead.post("/team/toewijzen", form: [("persoon", app.world.personA2), ("naar", "a-consulent")], csrf: leadCSRF)
            #expect(try await app.services.audit.search(.init(), before: nil, limit: 1).rows.first?.action == "team.assign")
            let admin = Browser(client)
            _ = try await admin.login(World.email(.functioneelBeheerder))
            _ = try await admin.get("/beheer/instellingen")
            #expect(try await app.services.audit.search(.init(), before: nil, limit: 1).rows.first?.action == "settings.view")
        }
    }

    /// The cases ticked for bulk assignment on a caseload page.
    static func ticked(_ html: String) -> [String] {
        html.components(separatedBy: "<input type=\"checkbox\" name=\"persoon\" value=\"").dropFirst().compactMap { tail in
            let tag = tail.prefix { $0 != ">" }
            return tag.hasSuffix(" checked") ? String(tag.prefix { $0 != "\"" }) : nil
        }
    }
}
