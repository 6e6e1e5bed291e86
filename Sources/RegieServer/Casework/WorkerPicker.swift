import Foundation
import RegieStorage

/// How a team lead names a case worker on the caseload (the filter and the bulk-assignment
/// target), without JavaScript: a select when the team is small, else a text field whose typed
/// (part of a) name the server resolves. Only active case workers of the principal's organisation
/// (and team, when they have one) are offered or accepted.
struct WorkerPicker {
    /// Up to this many case workers the caseload keeps its selects; above it, the picker.
    static let selectLimit = 40
    /// The most matches a typed name lists.
    static let matchLimit = 20

    typealias Worker = (id: String, name: String)

    enum Found {
        case one(Worker)
        /// The first `matchLimit` matches; `more` when there are others.
        case several([Worker], more: Bool)
        case none
    }

    let users: UserStore
    let organisationId: String
    let teamId: String?

    init(users: UserStore, principal: Principal) {
        self.users = users
        organisationId = principal.organisationId
        teamId = principal.user?.teamId
    }

    /// Every case worker when there are at most `selectLimit`; nil when the picker is needed.
    /// Reads at most `selectLimit + 1` rows.
    func smallTeam() async throws -> [Worker]? {
        let first = try await users.listCaseWorkers(organisationId: organisationId, teamId: teamId, limit: Self.selectLimit + 1)
        return first.count > Self.selectLimit ? nil : first
    }

    /// The case worker with this id, if the picker may offer them.
    func worker(id: String) async throws -> Worker? {
        try await users.fetchCaseWorker(id: id, organisationId: organisationId, teamId: teamId)
    }

    /// Resolves a typed name: a worker whose whole name it is (ignoring case and spacing), else the
    /// only worker whose name contains it, else the matches.
    func find(_ typed: String) async throws -> Found {
        let found = try await users.findCaseWorkers(organisationId: organisationId, teamId: teamId, named: typed, limit: Self.matchLimit + 1)
        let key = PersonStore.searchKey(typed)
        let exact = found.filter { PersonStore.searchKey($0.name) == key }
        if exact.count == 1 { return .one(exact[0]) }
        switch found.count {
        case 0: return .none
        case 1: return .one(found[0])
        default: return .several(Array(found.prefix(Self.matchLimit)), more: found.count > Self.matchLimit)
        }
    }
}

/// One picker on the page: the select (every worker for a small team; only the special values and
/// the chosen worker above the limit), the text field, and what a typed name found.
struct WorkerPickerView: Encodable {
    let select: FieldView
    let search: FieldView?
    /// The filter's matches: links that keep the rest of the query.
    let links: [Link]
    let hasLinks: Bool
    let linksMessage: String
    /// The assignment's matches: radio buttons in the assignment form (which keeps the ticks).
    let choices: FieldView?
    let more: String
    let hasMore: Bool

    struct Link: Encodable { let label: String; let href: String }

    init(select: FieldView, search: FieldView? = nil, links: [Link] = [], linksMessage: String = "", choices: FieldView? = nil, more: String = "") {
        self.select = select
        self.search = search
        self.links = links
        hasLinks = !links.isEmpty
        self.linksMessage = linksMessage
        self.choices = choices
        self.more = more
        hasMore = !more.isEmpty
    }
}
