import Foundation
import Inburgering
import RegieCasework
@testable import RegieServer
import RegieStorage
import Testing

/// Assigning cases to a case worker as a command, whatever door calls it.
@Suite("Casework commands: assignment")
struct AssignmentCommandTests {
    @Test("Assigning cases: nothing ticked or a stranger as case worker is refused; cases out of scope are not counted", arguments: Engine.available)
    func assignment(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            let none = try await CommandTesting.refusal(AssignCases(caseIds: ["", ""], consulentId: "a-consulent", organisationId: app.world.orgA, nobody: "niemand"), app)
            #expect(none?.issues == ["caseIds: team.errors.noCases"])
            let stranger = try await CommandTesting.refusal(AssignCases(caseIds: [app.world.personA], consulentId: "b-consulent", organisationId: app.world.orgA,
                                                              nobody: "niemand"), app)
            #expect(stranger?.kind == .invalid)
            #expect(stranger?.issues == ["consulentId: team.errors.unknownConsulent"])
            let both = try await CommandTesting.refusal(AssignCases(caseIds: [], consulentId: "b-consulent", organisationId: app.world.orgA, nobody: "niemand"), app)
            #expect(both?.issues == ["caseIds: team.errors.noCases", "consulentId: team.errors.unknownConsulent"])
            let count = try await AssignCases(caseIds: [app.world.personA2, app.world.personB], consulentId: "a-consulent", organisationId: app.world.orgA,
                                              nobody: "niemand").run(CommandTesting.context(app, actor: "a-teamleider"), stores: app.services.stores)
            #expect(count == 1, "Roermond's case is not organisation A's")
            let traject = try await app.services.persons.fetchTraject(personId: app.world.personA2, scope: TenantScope(municipalityCodes: ["GM1706"]))
            #expect(traject?.consulentId == "a-consulent")
            _ = try await AssignCases(caseIds: [app.world.personA2], consulentId: nil, organisationId: app.world.orgA, nobody: "niemand")
                .run(CommandTesting.context(app, actor: "a-teamleider"), stores: app.services.stores)
            #expect(try await app.services.persons.fetchTraject(personId: app.world.personA2, scope: TenantScope(municipalityCodes: ["GM1706"]))?.consulentId == nil)
        }
    }
}
