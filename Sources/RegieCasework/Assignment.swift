import Foundation
import Inburgering
import RegieStorage

/// Assigns cases to one case worker of the organisation (of one team in it, when the door says so),
/// or to nobody: the team lead's action on the caseload. Cases outside the actor's scope are left
/// alone and not counted.
public struct AssignCases: CaseworkCommand {
    public var caseIds: [String]
    /// The case worker's user id; nil assigns the cases to nobody.
    public var consulentId: String?
    /// The organisation whose case workers may take cases.
    public let organisationId: String
    /// The team whose case workers may take cases (the web's team lead works with their own team);
    /// nil for the whole organisation.
    public let teamId: String?
    /// What the case timeline says when the cases go to nobody, in the door's words.
    public var nobody: String
    /// How the audit entry names the door ("api"); nil for the web.
    public var door: String?
    /// Also the other members of each case's household with an open case (in scope).
    public var withHousehold: Bool

    public init(caseIds: [String], consulentId: String?, organisationId: String, teamId: String? = nil, nobody: String, door: String? = nil,
                withHousehold: Bool = false) {
        self.withHousehold = withHousehold
        self.caseIds = caseIds
        self.consulentId = consulentId
        self.organisationId = organisationId
        self.teamId = teamId
        self.nobody = nobody
        self.door = door
    }

    public static let labels = ["caseIds": "team.cases", "consulentId": "team.consulent"]

    /// The number of cases assigned.
    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> Int {
        var v = Checks(labels: Self.labels)
        let chosen = caseIds.filter { !$0.isEmpty }
        if chosen.isEmpty { v.fail("caseIds", "team.errors.noCases") }
        let ids = withHousehold ? try await stores.persons.withHouseholds(chosen, scope: context.scope) : chosen
        var worker: (id: String, name: String)?
        if let consulentId {
            worker = try await stores.users.fetchCaseWorker(id: consulentId, organisationId: organisationId, teamId: teamId)
            if worker == nil { v.fail("consulentId", "team.errors.unknownConsulent") }
        }
        guard v.isValid else { throw v.error() }
        let detail = (door.map { "\($0); " } ?? "") + "naar: \(worker?.id ?? "niemand"); personen: " + ids.joined(separator: ",")
        return try await stores.casework.assign(personIds: ids, to: worker?.id, consulentName: worker?.name ?? nobody, scope: context.scope,
                                                actor: context.actor, audit: context.audit(.teamAssign, nil, detail), now: context.now)
    }
}
