import Foundation
import HTTPTypes
import RegieServer
import RegieStorage
import Testing

/// "Who saw my file?" (AVG art. 15) answered from a BSN or V-nummer, a name or an action, with an
/// export in words for the subject-access request.
@Suite("Audit search by BSN, name and action; the subject-access export")
struct AuditSearchTests {
    @Test("A BSN finds the person's entries in the organisation only; the search is itself recorded on that person", arguments: Engine.available)
    func byBSN(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            _ = try await consulent.get("/personen/\(app.world.personA)")
            _ = try await consulent.get("/personen/\(app.world.personA)/bsn")
            let beheer = Browser(client)
            _ = try await beheer.login(World.email(.functioneelBeheerder))
            let found = try await beheer.get("/beheer/audit?bsn=999990019")
            #expect(found.status == .ok)
            #expect(found.body.contains("<td>Dossier ingezien</td>") && found.body.contains("<td>BSN getoond</td>"))
            #expect(found.body.contains("Overzicht voor inzageverzoek (CSV)"))
            #expect(!found.body.contains("999990019</td>"), "the page shows ids, never the BSN")
            let onlyReveal = try await beheer.get("/beheer/audit?bsn=999990019&actie=person.bsn.reveal")
            #expect(onlyReveal.body.contains("<td>BSN getoond</td>") && !onlyReveal.body.contains("<td>Dossier ingezien</td>"))
            // The search is on the person's own record, without the BSN in its detail.
            let searches = try await app.services.audit.search(.init(personId: app.world.personA, action: "audit.search"), before: nil, limit: 5).rows
            #expect(searches.count == 2)
            #expect(searches.allSatisfy { !$0.detail.contains("999990019") })
            // Organisation B's person, a typo and letters: the same refusal, nothing found, nothing leaked.
            for query in ["999990032", "12345", "12ab"] {
                let refused = try await beheer.get("/beheer/audit?bsn=\(query)")
                #expect(refused.status == .badRequest)
                #expect(!refused.body.contains("<td>Dossier ingezien</td>"))
            }
            #expect(try await beheer.get("/beheer/audit?bsn=999990032").body.contains("Er is geen inburgeraar met dit BSN of V-nummer"))
            #expect(try await beheer.get("/beheer/audit?actie=bestaat.niet").status == .badRequest)
        }
    }

    @Test("The subject-access export names who did what and why in words, without hashes or ids", arguments: [Engine.sqlite])
    func accessExport(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let consulent = Browser(client)
            _ = try await consulent.login(World.email(.consulent))
            _ = try await consulent.get("/personen/\(app.world.personA)")
            let beheer = Browser(client)
            _ = try await beheer.login(World.email(.functioneelBeheerder))
            let csv = try await beheer.get("/beheer/audit.csv?bsn=999990019&vorm=inzage")
            #expect(csv.status == .ok)
            let lines = csv.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "Datum,Tijd,Medewerker,Rol,Organisatie,Handeling,Doel")
            #expect(lines.contains { $0.contains(",consulent A,Consulent,Organisatie A,Dossier ingezien,inburgering") })
            #expect(!csv.body.contains("a-consulent") && !csv.body.contains(app.world.personA), "no internal ids")
            // Without a person there is no subject-access overview.
            #expect(try await beheer.get("/beheer/audit.csv?vorm=inzage").status == .badRequest)
        }
    }

    @Test("By name only for a beheerder who may also look up persons; the matches lead to the person's entries", arguments: [Engine.sqlite])
    func byName(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let beheer = Browser(client)
            _ = try await beheer.login(World.email(.functioneelBeheerder))
            let plain = try await beheer.get("/beheer/audit?naam=Haddad")
            #expect(!plain.body.contains("id=\"naam\""), "a beheerder without the right to look up persons has no name search")
            #expect(!plain.body.contains("Haddad"))
            // The same beheerder with the consulent role as well.
            try await app.services.database.sql.raw("INSERT INTO user_roles (user_id, role) VALUES ('a-functioneelBeheerder', 'consulent')").run()
            let both = Browser(client)
            _ = try await both.login(World.email(.functioneelBeheerder))
            let found = try await both.get("/beheer/audit?naam=Haddad")
            #expect(found.body.contains("Haddad, Amal — 28 februari 1990"))
            #expect(found.body.contains("href=\"/beheer/audit?persoon=\(app.world.personA)\""))
        }
    }
}
