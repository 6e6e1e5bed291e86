import Foundation
import Inburgering
import RegieCasework
@testable import RegieServer
import RegieStorage

/// Running casework commands as any door runs them: a `CommandContext` and the stores, no HTTP.
/// Today is 2026-11-18 (test clock); organisation A serves Weert (GM0988) and Cranendonck (GM1706).
enum CommandTesting {
    static let today = CalendarDate(year: 2026, month: 11, day: 18)!

    /// A principal of organisation A acting through a door.
    static func context(_ app: AppContext, actor: String = "a-budgetbeheerder", municipalities: [String] = ["GM0988", "GM1706"]) -> CommandContext {
        CommandContext(
            scope: TenantScope(municipalityCodes: municipalities), actor: CaseActor(id: actor, name: "Actor \(actor)"), actorId: actor,
            actsAsConsulent: false, municipalityCodes: municipalities, municipalityNames: ["GM0988": "Weert", "GM1706": "Cranendonck"], now: app.clock.now,
            audit: { action, person, detail in
                AuditEvent(actorId: actor, actorName: "Actor \(actor)", actorRole: "test", organisationId: app.world.orgA, action: action.rawValue,
                           personId: person?.id, municipalityCode: person?.municipalityCode, purpose: "test", requestId: "test", detail: detail)
            })
    }

    /// The refusal a command throws: its kind and "field: rule" per issue; nil when it ran.
    static func refusal<C: CaseworkCommand>(_ command: C, _ app: AppContext, actor: String = "a-budgetbeheerder") async throws
        -> (kind: CaseworkError.Kind, issues: [String])? {
        do {
            _ = try await command.run(context(app, actor: actor), stores: app.services.stores)
            return nil
        } catch let error as CaseworkError {
            return (error.kind, error.issues.map { "\($0.field): \($0.rule)" })
        }
    }
}
