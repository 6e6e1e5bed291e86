import Foundation
import HTTPTypes
import RegieServer
import RegieStorage
import Testing

/// What one action costs in statements sent to the database: a bound, so a change that doubles the
/// round trips of the busiest actions is seen (the count is deterministic; no timing is asserted).
@Suite("Statements per action")
struct StatementCountTests {
    @Test("Fixing a first PIP, the whole request (session, case, checks, change, terms, audit, outbox)", arguments: Engine.available)
    func fixPIP(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let person = app.world.personA
            let browser = Browser(client)
            let csrf = try await browser.login(World.email(.consulent))
            let concept = try await browser.post("/personen/\(person)/pip", form: CaseworkTests.completeConcept, csrf: csrf)
            #expect(concept.status == .seeOther)
            let before = app.database.statements.count
            app.database.statements.record()
            let fixed = try await browser.post("/personen/\(person)/pip/vaststellen", form: [("dagtekening", "2026-11-18")], csrf: csrf)
            let statements = app.database.statements.count - before
            #expect(fixed.status == .seeOther)
            print("statements for fixing a PIP on \(engine): \(statements)")
            #expect(statements <= StatementCountTests.fixPIPBound,
                    "fixing a PIP ran \(statements) statements:\n\(app.database.statements.recorded.joined(separator: "\n"))")
        }
    }

    /// 34 when issue 13 was filed; 17 now: authentication 1 (session, user, roles and municipalities
    /// in one read), the case 1 (person and traject joined) and its PIP versions 1, the checks 2 (LBT;
    /// what DUO last said), and one transaction of 12: BEGIN, the case with its law settings, the
    /// concept fixed (UPDATE … RETURNING), the traject (UPDATE … RETURNING), the outbox message, the
    /// task to register an asylum permit holder with the provider (R12, issue 15), the timeline
    /// lines, the law facts and recorded work kept in other tables (one union), the recomputed terms
    /// and next step, the audit head and entry (the head follows by trigger), COMMIT.
    static let fixPIPBound = 17
}
