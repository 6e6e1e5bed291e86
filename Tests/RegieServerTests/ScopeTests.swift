import Foundation
import HTTPTypes
import RegieServer
import RegieStorage
import Testing

/// The scope never narrows silently: pages follow the header's municipality choice and say what
/// they show; a team's load is measured against each municipality's own norm.
@Suite("Scope: the header's choice is followed and stated")
struct ScopeTests {
    @Test("With 'Alle gemeenten' the figures show all municipalities; Team counts each case against its own municipality's norm",
          arguments: [Engine.sqlite])
    func allMunicipalities(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            // Weert's norm is 10, Cranendonck's 40; the consulent has one case in each.
            for (code, norm) in [("GM0988", 10), ("GM1706", 40)] {
                var settings = try await app.services.settings.fetch(code)
                settings.caseloadNorm = norm
                try await app.services.settings.save(code, settings, by: "a-functioneelBeheerder",
                                                     audit: AuditEvent(actorId: nil, actorName: "test", actorRole: "-", organisationId: nil, action: "settings.update",
                                                                       purpose: "-", requestId: "test"), now: app.clock.now)
            }
            try await app.services.database.sql.raw("UPDATE trajecten SET consulent_id = 'a-consulent' WHERE person_id = \(bind: app.world.personA2)").run()
            let lead = Browser(client)
            let csrf = try await lead.login(World.email(.teamleider))
            let figures = try await lead.get("/cijfers")
            #expect(figures.body.contains("Alle gemeenten van Organisatie A"), "no header choice: all municipalities, said so")
            let team = try await lead.get("/team").body
            #expect(team.contains("Alle 2 gemeenten van uw organisatie."))
            #expect(team.contains("Normen per consulent: Cranendonck 40, Weert 10."))
            // 1 of 10 in Weert and 1 of 40 in Cranendonck: 12.5% of the norm (one norm for both would give 2 of 10 or 2 of 40).
            #expect(team.contains("2 open · 13% van de norm"))
            #expect(team.contains("Cranendonck 1 van 40 · Weert 1 van 10"))
            // Choosing Cranendonck in the header: its cases and its norm only, and the figures follow.
            _ = try await lead.post("/gemeente", form: [("gemeente", "GM1706")], csrf: csrf)
            let one = try await lead.get("/team").body
            #expect(one.contains("Gemeente Cranendonck.") && one.contains("1 open · 3% van de norm"))
            #expect(try await lead.get("/cijfers").body.contains("Cranendonck, "))
        }
    }
}
