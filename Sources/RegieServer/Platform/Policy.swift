import Inburgering
import RegieStorage

/// A member of a partner organisation (a language school, social guidance) that works for the
/// municipality on the people it referred there, and on nobody else (AVG art. 28: a processor acts
/// on the controller's instructions only; Wi2021 art. 7–9 and 13: the routes and the guidance the
/// municipality offers, often through such a partner). Signing in is issue 18; the policy already knows it.
public struct PartnerUser: Sendable, Hashable {
    public let id: String
    public let name: String
    public let organisationId: String
    public let organisationName: String
    /// The municipalities whose people were referred to the partner.
    public let municipalities: [Municipality]
    /// The people referred to the partner with a consent that runs, each with the classes of data
    /// they consented to (`ProviderStore.partnerGrants`): identity always, the rest one by one.
    public let grants: [String: DataClasses]

    /// The provider the partner's staff work for.
    public let providerId: String
    /// One of the provider's own administrators: keeps its staff's accounts within the municipality's limit.
    public let isAdmin: Bool
    /// The signed-in account and its session (nil for a partner built without one, e.g. in a test of
    /// the policy): what the account pages and the session's CSRF token use.
    public let account: User?
    public let session: SessionRecord?

    /// The people referred to the partner (person ids).
    public var referredPersonIds: [String] { grants.keys.sorted() }

    public init(id: String, name: String, organisationId: String, organisationName: String, municipalities: [Municipality], grants: [String: DataClasses],
                providerId: String = "", isAdmin: Bool = false, account: User? = nil, session: SessionRecord? = nil) {
        self.id = id
        self.name = name
        self.organisationId = organisationId
        self.organisationName = organisationName
        self.municipalities = municipalities
        self.grants = grants
        self.providerId = providerId
        self.isAdmin = isAdmin
        self.account = account
        self.session = session
    }
}

/// Who is asking: a member of staff with a session, a machine client with an API key, a partner's
/// user, or a newcomer looking at their own file.
public enum Principal: Sendable {
    case user(User, session: SessionRecord)
    case apiClient(APIKeyRecord, organisationName: String, municipalities: [Municipality])
    /// A partner's user: the people referred to its organisation only.
    case partner(PartnerUser)
    /// A newcomer (inburgeraar) reading their own file in the municipality that keeps it (AVG art. 15:
    /// the data subject's right of access). Signing in with DigiD is issue 17.
    case newcomer(personId: String, municipality: Municipality)

    public var organisationId: String {
        switch self {
        case .user(let user, _): return user.organisationId
        case .apiClient(let key, _, _): return key.organisationId
        case .partner(let partner): return partner.organisationId
        // A newcomer belongs to no organisation.
        case .newcomer: return ""
        }
    }

    public var organisationName: String {
        switch self {
        case .user(let user, _): return user.organisationName
        case .apiClient(_, let name, _): return name
        case .partner(let partner): return partner.organisationName
        case .newcomer: return ""
        }
    }

    /// The roles whose rights the principal has now. An API key that reads personal data has none
    /// until a second person holding its role approved it (`Policy.needsApproval`).
    public var roles: [Role] {
        switch self {
        case .user(let user, _): return user.roles
        case .apiClient(let key, _, _): return Policy.awaitsApproval(key) ? [] : [key.role]
        // Staff roles are the municipality's; partners and newcomers hold none (see `Policy.allows`).
        case .partner, .newcomer: return []
        }
    }

    public var actorId: String {
        switch self {
        case .user(let user, _): return user.id
        case .apiClient(let key, _, _): return "apikey:\(key.id)"
        case .partner(let partner): return "partner:\(partner.id)"
        case .newcomer(let personId, _): return "inburgeraar:\(personId)"
        }
    }

    public var displayName: String {
        switch self {
        case .user(let user, _): return user.name
        case .apiClient(let key, _, _): return "API: \(key.name)" + (Policy.awaitsApproval(key) ? " (wacht op goedkeuring)" : "")
        case .partner(let partner): return "\(partner.name) (\(partner.organisationName))"
        case .newcomer: return "Inburgeraar"
        }
    }

    public var municipalities: [Municipality] {
        switch self {
        case .user(let user, _): return user.municipalities
        case .apiClient(_, _, let municipalities): return municipalities
        case .partner(let partner): return partner.municipalities
        case .newcomer(_, let municipality): return [municipality]
        }
    }

    /// The signed-in account: a member of staff's, or a partner's (who signs in the same way).
    public var user: User? {
        switch self {
        case .user(let user, _): return user
        case .partner(let partner): return partner.account
        case .apiClient, .newcomer: return nil
        }
    }

    public var session: SessionRecord? {
        switch self {
        case .user(_, let session): return session
        case .partner(let partner): return partner.session
        case .apiClient, .newcomer: return nil
        }
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
    /// Roles per permission (issue 2 §5; AVG art. 5(1)(b) purpose limitation).
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
        // Ontzorgen is its own purpose (Participatiewet art. 56a): the budget manager works on
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
        switch principal {
        case .user, .apiClient: return !roles(for: permission).isDisjoint(with: principal.roles)
        // A partner reads the file of the people referred to it, to do what it was asked to do; it
        // changes no casework, decides nothing and sees no figures (AVG art. 28(3)(a): a processor
        // acts on the controller's instructions only).
        case .partner: return permission == .readPersons
        // A newcomer reads their own file: who they are, their case, their plan and their ontzorgen
        // statement (AVG art. 15: the data subject's right of access); they change nothing here.
        case .newcomer: return [.readPersons, .readCasework, .readOntzorgen].contains(permission)
        }
    }

    /// What the principal may see (`AccessScope`, compiled to SQL in RegieStorage): the municipalities
    /// its organisation serves, for a partner or a newcomer only some persons, and the classes of data
    /// its permissions need. Without a permission to read persons the scope is empty, so every lookup
    /// finds nothing.
    public static func scope(for principal: Principal) -> TenantScope {
        guard allows(principal, .readPersons) else { return .empty }
        let codes = principal.municipalities.map(\.code)
        switch principal {
        case .partner(let partner):
            // Only the people the municipality referred to the partner, and of each only what they
            // consented to (AVG art. 6(1)(a), 7 and 9(2)(a); art. 5(1)(c) data minimisation): a
            // revoked consent is gone from the grants, and so from every read, at once.
            return TenantScope(municipalityCodes: codes, grants: partner.grants)
        case .newcomer(let personId, _):
            // Their own file only (AVG art. 15).
            return TenantScope(municipalityCodes: codes, personIds: [personId], dataClasses: dataClasses(for: principal))
        case .user, .apiClient:
            // Reading persons only to run ontzorgen (a budget manager): only those who may be ontzorgd,
            // asylum permit holders (Participatiewet art. 56a); never family migrants.
            let groups = ontzorgenOnly(principal) ? DoelgroepRechten.doelgroepen(met: \.financieelOntzorgenBijBijstand).map(\.rawValue) : nil
            return TenantScope(municipalityCodes: codes, doelgroepen: groups, dataClasses: dataClasses(for: principal))
        }
    }

    /// The classes of data a principal's permissions let it read: who a person is with any right to
    /// read persons; the content of casework, with its special categories (AVG art. 9: health in the
    /// brede intake), only for the case worker's purpose (Wi2021 art. 14–16); the ontzorgen file for
    /// that purpose (Participatiewet art. 56a); figures without personal data (AVG art. 89).
    static func dataClasses(for principal: Principal) -> DataClasses {
        var classes: DataClasses = []
        if allows(principal, .readPersons) { classes.insert(.identity) }
        if allows(principal, .readCasework) { classes.formUnion([.casework, .specialCategory, .caseworkParts]) }
        if allows(principal, .readOntzorgen) { classes.insert(.ontzorgen) }
        if allows(principal, .viewFigures) { classes.insert(.figures) }
        if case .user = principal, allows(principal, .editPersons) { classes.insert(.organisation) }
        return classes
    }

    /// The scope of a staff member or machine client over the rows about organisations its
    /// municipalities work with (providers and their offers; no personal data): every member of
    /// staff may read them, so that case workers can refer and beheerders keep them.
    public static func organisationScope(for principal: Principal) -> TenantScope {
        switch principal {
        case .user, .apiClient: return TenantScope(municipalityCodes: principal.municipalities.map(\.code), dataClasses: .organisation)
        case .partner, .newcomer: return .empty
        }
    }

    /// Reads persons for ontzorgen only: no casework role besides it.
    public static func ontzorgenOnly(_ principal: Principal) -> Bool {
        allows(principal, .manageOntzorgen) && !allows(principal, .readCasework)
    }

    /// The purpose on which the principal processes personal data, recorded with every audit entry.
    public static func purpose(for principal: Principal) -> String {
        switch principal {
        // A partner works on the newcomer's route or guidance: the purpose is integration.
        case .partner: return "inburgering"
        // The data subject reading their own data (AVG art. 15).
        case .newcomer: return "inzage"
        case .user, .apiClient: break
        }
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
