import Inburgering
import RegieStorage

/// Who is asking: a member of staff with a session, or a machine client with an API key.
public enum Principal: Sendable {
    case user(User, session: SessionRecord)
    case apiClient(APIKeyRecord, organisationName: String, municipalities: [Municipality])

    public var organisationId: String {
        switch self {
        case .user(let user, _): return user.organisationId
        case .apiClient(let key, _, _): return key.organisationId
        }
    }

    public var organisationName: String {
        switch self {
        case .user(let user, _): return user.organisationName
        case .apiClient(_, let name, _): return name
        }
    }

    /// The roles whose rights the principal has now. An API key that reads personal data has none
    /// until a second person holding its role approved it (`Policy.needsApproval`).
    public var roles: [Role] {
        switch self {
        case .user(let user, _): return user.roles
        case .apiClient(let key, _, _): return Policy.awaitsApproval(key) ? [] : [key.role]
        }
    }

    public var actorId: String {
        switch self {
        case .user(let user, _): return user.id
        case .apiClient(let key, _, _): return "apikey:\(key.id)"
        }
    }

    public var displayName: String {
        switch self {
        case .user(let user, _): return user.name
        case .apiClient(let key, _, _): return "API: \(key.name)" + (Policy.awaitsApproval(key) ? " (wacht op goedkeuring)" : "")
        }
    }

    public var municipalities: [Municipality] {
        switch self {
        case .user(let user, _): return user.municipalities
        case .apiClient(_, _, let municipalities): return municipalities
        }
    }

    public var user: User? {
        if case .user(let user, _) = self { return user }
        return nil
    }

    public var session: SessionRecord? {
        if case .user(_, let session) = self { return session }
        return nil
    }
}

/// What a request may want to do. Each capability adds its permissions here, and nowhere else.
public enum Permission: String, Sendable, CaseIterable {
    /// Read a newcomer's file (personal data).
    case readPersons
    /// Change a newcomer's file.
    case editPersons
    /// Read the content of casework (intake, LBT, route, PIP): the case worker's purpose only, so a
    /// budget manager who may see the person does not see their health or plan.
    case readCasework
    /// Register a newcomer by hand.
    case registerPersons
    /// See the team's load and (re)assign cases.
    case assignCases
    /// Change the municipality's settings.
    case manageSettings
    /// See figures without personal data.
    case viewFigures
    /// Search and export the audit log.
    case viewAuditLog
    /// Create and revoke API keys.
    case manageAPIKeys
    /// Create staff accounts of the organisation, set their roles and team, switch them off and on,
    /// and hand out password-set links (never any newcomer's data).
    case manageUsers
    /// See a person's ontzorgen arrangement and statements (R8).
    case readOntzorgen
    /// Decide and run ontzorgen: arrangements, payees, payment runs (the budget manager's purpose).
    case manageOntzorgen
}

/// Authorisation is decided here, in one place: which roles hold which permissions, which
/// municipalities a principal may see, and on which purpose (doelbinding) a role reads personal data.
public enum Policy {
    /// Roles per permission (issue 2 §5; domain.md §7 purpose limitation).
    static func roles(for permission: Permission) -> Set<Role> {
        switch permission {
        case .readPersons: return [.consulent, .teamleider, .budgetbeheerder]
        case .editPersons, .readCasework, .registerPersons: return [.consulent, .teamleider]
        // Beleidsmedewerkers see figures only, never a person.
        case .viewFigures: return [.beleidsmedewerker, .teamleider, .functioneelBeheerder]
        case .viewAuditLog: return [.functioneelBeheerder]
        case .assignCases: return [.teamleider]
        case .manageSettings: return [.functioneelBeheerder]
        case .manageAPIKeys: return [.functioneelBeheerder]
        case .manageUsers: return [.functioneelBeheerder]
        // Ontzorgen is its own purpose (Participatiewet, domain.md §7): the budget manager works on
        // it; the case worker and team lead see the arrangement beside the case.
        case .readOntzorgen: return [.budgetbeheerder, .consulent, .teamleider]
        case .manageOntzorgen: return [.budgetbeheerder]
        }
    }

    /// Whether a key of this role reads personal data, so a second person who holds the role must
    /// approve it before it works (four eyes; nobody grants a machine more than they hold themselves).
    public static func needsApproval(_ role: Role) -> Bool {
        [Permission.readPersons, .readCasework, .readOntzorgen].contains { roles(for: $0).contains(role) }
    }

    static func awaitsApproval(_ key: APIKeyRecord) -> Bool {
        key.approvedAt == nil && needsApproval(key.role)
    }

    /// Whether `principal` holds every right of `role` — what it takes to make a key of that role
    /// that needs no second person.
    public static func holdsAllRights(of role: Role, _ principal: Principal) -> Bool {
        Permission.allCases.filter { roles(for: $0).contains(role) }.allSatisfy { allows(principal, $0) }
    }

    public static func allows(_ principal: Principal, _ permission: Permission) -> Bool {
        !roles(for: permission).isDisjoint(with: principal.roles)
    }

    /// The municipalities whose people the principal may see: those its organisation serves.
    /// Without a permission to read persons the scope is empty, so every lookup finds nothing.
    public static func scope(for principal: Principal) -> TenantScope {
        guard allows(principal, .readPersons) else { return TenantScope(municipalityCodes: []) }
        let codes = principal.municipalities.map(\.code)
        // Reading persons only to run ontzorgen (a budget manager): only those who may be ontzorgd,
        // asylum permit holders (Participatiewet art. 56a); never family migrants.
        guard ontzorgenOnly(principal) else { return TenantScope(municipalityCodes: codes) }
        return TenantScope(municipalityCodes: codes, doelgroepen: Doelgroep.allCases.filter { $0.categorie == .asielstatushouder }.map(\.rawValue))
    }

    /// Reads persons for ontzorgen only: no casework role besides it.
    public static func ontzorgenOnly(_ principal: Principal) -> Bool {
        allows(principal, .manageOntzorgen) && !allows(principal, .readCasework)
    }

    /// The purpose on which the principal processes personal data, recorded with every audit entry.
    public static func purpose(for principal: Principal) -> String {
        let roles = Set(principal.roles)
        if !roles.isDisjoint(with: [.consulent, .teamleider]) { return "inburgering" }
        if roles.contains(.budgetbeheerder) { return "ontzorgen" }
        if roles.contains(.functioneelBeheerder) { return "beheer" }
        return "monitoring"
    }

    /// The role recorded in the audit log: the first role that grants what was done.
    public static func actingRole(for principal: Principal, permission: Permission?) -> Role? {
        guard let permission else { return principal.roles.first }
        return principal.roles.first { roles(for: permission).contains($0) } ?? principal.roles.first
    }
}
