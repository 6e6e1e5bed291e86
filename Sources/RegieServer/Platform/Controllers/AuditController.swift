import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The functioneel beheerder's view of the audit log: search by person, user and period, and
/// export as CSV. Only entries of the beheerder's own organisation are shown.
struct AuditController {
    let services: AppServices
    static let pageSize = 100

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.auditLog.path), use: search)
        router.get(RouterPath(SiteRoute.auditLogCSV.path), use: export)
    }

    struct Option: Encodable { let value: String; let label: String; let selected: Bool }
    struct Row: Encodable {
        let seq: Int64
        let time: String
        let actor: String
        let role: String
        let action: String
        let person: String
        let purpose: String
        let requestId: String
        let detail: String
    }

    /// A person found by name, to pick (only for roles that may look up persons).
    struct Match: Encodable { let label: String; let href: String }

    struct AuditView: Encodable {
        let person: String
        let identifier: String
        let name: String
        let canSearchName: Bool
        let matches: [Match]
        let hasMatches: Bool
        let actions: [Option]
        let accessHref: String?
        let users: [Option]
        let from: String
        let until: String
        let rows: [Row]
        let hasRows: Bool
        let nextHref: String?
        let csvHref: String
        let action: String
        let errors: [String]
        let hasErrors: Bool
    }

    /// The filter from the query, or the field errors that make it unusable. A BSN or V-nummer is
    /// resolved to the people it names in the organisation's municipalities (AVG art. 15: "who saw my
    /// file"); only their ids enter the filter, so no personal data is shown.
    private func filter(_ context: RegieRequestContext, principal: Principal) async throws -> (AuditFilter, [AppError.FieldError]) {
        var errors: [AppError.FieldError] = []
        let t = services.localizer(context)
        let action = context.form["actie"].flatMap { AuditActions.all.contains($0) ? $0 : nil }
        if context.form["actie"] != nil && action == nil { errors.append(.init(name: "actie", message: t("audit.errors.action"))) }
        var filter = AuditFilter(personId: context.form["persoon"], actorId: context.form["gebruiker"], organisationId: principal.organisationId,
                                 action: action)
        // What the providers' staff read and recorded about the municipalities' people is shown too.
        filter.partnersOf = Policy.organisationScope(for: principal)
        if let identifier = context.form["bsn"] {
            if identifier.count > 10 || !identifier.allSatisfy(\.isASCII) || !identifier.allSatisfy(\.isNumber) {
                errors.append(.init(name: "bsn", message: t("audit.errors.identifier")))
            } else {
                let ids = try await services.persons.ids(identifier: identifier, municipalityCodes: principal.municipalities.map(\.code))
                if ids.isEmpty { errors.append(.init(name: "bsn", message: t("audit.errors.notFound"))) }
                if filter.personId == nil { filter.personIds = ids }
            }
        }
        if let from = context.form["van"] {
            if let date = DisplayDate.startOfDay(from) { filter.from = date } else {
                errors.append(.init(name: "van", message: t("audit.errors.from")))
            }
        }
        if let until = context.form["tot"] {
            // "tot en met": the whole last day counts.
            if let date = DisplayDate.startOfDay(until) { filter.until = date.addingTimeInterval(86_400) } else {
                errors.append(.init(name: "tot", message: t("audit.errors.until")))
            }
        }
        if let from = filter.from, let until = filter.until, until <= from {
            errors.append(.init(name: "tot", message: t("audit.errors.order")))
        }
        return (filter, errors)
    }

    static let queryNames = ["persoon", "bsn", "actie", "gebruiker", "van", "tot"]

    private var filterQuery: (RegieRequestContext) -> String {
        { context in
            Self.queryNames.compactMap { name in
                context.form[name].map { "\(name)=\(QueryValue.encode($0))" }
            }.joined(separator: "&")
        }
    }

    /// What the audit entry of a search says: the filter without a BSN or V-nummer (the entry names
    /// the person instead, so the search shows up in that person's own "who saw my file").
    private func auditDetail(_ context: RegieRequestContext) -> String {
        Self.queryNames.filter { $0 != "bsn" }.compactMap { name in context.form[name].map { "\(name)=\($0)" } }.joined(separator: "&")
            + (context.form["bsn"] != nil ? " (gezocht op BSN/V-nummer)" : "")
    }

    /// One audit entry per person the search was about, or one without a person.
    private func recordSearch(_ action: AuditAction, _ filter: AuditFilter, context: RegieRequestContext) async throws {
        let people = filter.personId.map { [$0] } ?? filter.personIds ?? []
        if people.isEmpty {
            try await services.record(action, context: context, permission: .viewAuditLog, detail: auditDetail(context))
        }
        for id in people {
            try await services.record(action, context: context, permission: .viewAuditLog, personId: id, detail: auditDetail(context))
        }
    }

    func search(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewAuditLog)
        let (filter, errors) = try await filter(context, principal: principal)
        let users = try await services.users.listUsers(organisationId: principal.organisationId)
        let t = services.localizer(context)
        let l = context.locale
        var rows: [Row] = []
        var next: String?
        if errors.isEmpty {
            let page = try await services.audit.search(filter, before: context.form["voor"].flatMap { Int64($0) }, limit: Self.pageSize)
            rows = page.rows.map { entry in
                Row(seq: entry.seq, time: DisplayDate.formatMoment(entry.occurredDate), actor: entry.actorName,
                    role: entry.role.map { t("roles.\($0.rawValue)") } ?? entry.actorRole,
                    action: t("auditActions.\(entry.action)"), person: entry.personId ?? "", purpose: entry.purpose,
                    requestId: entry.requestId, detail: entry.detail)
            }
            let query = filterQuery(context)
            next = page.next.map { "?" + (query.isEmpty ? "" : query + "&") + "voor=\($0)" }
            try await recordSearch(.auditSearch, filter, context: context)
        }
        // By name only for a beheerder who may also look up persons: the matches show names.
        let canSearchName = Policy.allows(principal, .readPersons)
        var matches: [Match] = []
        if canSearchName, let name = context.form["naam"], !name.isEmpty {
            let found = try await services.persons.listPersons(scope: Policy.scope(for: principal), filter: .init(includeClosed: true, search: name, sort: .naam),
                                                               after: nil, limit: 20, today: CalendarDate.today(now: services.clock.now()))
            matches = found.rows.map { p in
                Match(label: "\(p.familyName), \(p.givenNames) — \(p.dateOfBirth.map { DisplayDate.format($0, l) } ?? "")", href: SiteRoute.auditLog.path + "?persoon=\(p.id)")
            }
            try await services.record(.auditSearch, context: context, permission: .viewAuditLog, detail: "naam (\(matches.count) gevonden)")
        }
        let query = filterQuery(context)
        let onePerson = errors.isEmpty && (filter.personId != nil || filter.personIds?.isEmpty == false)
        let actions = AuditActions.all.sorted().map { Option(value: $0, label: t("auditActions.\($0)"), selected: $0 == filter.action) }
            .sorted { $0.label < $1.label }
        return try services.views.render(
            "audit", titleKey: "audit.title",
            content: AuditView(
                person: context.form["persoon"] ?? "", identifier: context.form["bsn"] ?? "", name: context.form["naam"] ?? "",
                canSearchName: canSearchName, matches: matches, hasMatches: !matches.isEmpty, actions: actions,
                accessHref: onePerson ? SiteRoute.auditLogCSV.path + "?" + query + "&vorm=inzage" : nil,
                users: users.map { Option(value: $0.id, label: "\($0.name) (\($0.email))", selected: $0.id == filter.actorId) },
                from: context.form["van"] ?? "", until: context.form["tot"] ?? "",
                rows: rows, hasRows: !rows.isEmpty, nextHref: next,
                csvHref: SiteRoute.auditLogCSV.path + (query.isEmpty ? "" : "?" + query), action: SiteRoute.auditLog.path,
                errors: errors.map(\.message), hasErrors: !errors.isEmpty),
            context: context, current: SiteRoute.auditLog.path, status: errors.isEmpty ? .ok : .badRequest)
    }

    func export(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewAuditLog)
        let (filter, errors) = try await filter(context, principal: principal)
        guard errors.isEmpty else { throw AppError.invalid(detail: errors.map(\.message).joined(separator: " "), fields: errors) }
        let access = context.form["vorm"] == "inzage"
        guard !access || filter.personId != nil || filter.personIds?.isEmpty == false else {
            throw AppError.invalid(detail: services.catalogue.text("audit.errors.accessNeedsPerson", context.locale), fields: [])
        }
        let dutch = Localizer(catalogue: services.catalogue, locale: .nl)
        // For a subject-access request (AVG art. 15): who, in which role and organisation, did what and
        // why, in words — without hashes or internal ids. The full export keeps every column.
        var csv = access ? "Datum,Tijd,Medewerker,Rol,Organisatie,Handeling,Doel\r\n"
            : "seq,tijdstip,gebruiker_id,gebruiker,rol,organisatie_id,actie,persoon_id,gemeente,doel,request_id,details,vorige_hash,hash\r\n"
        try await services.audit.export(filter) { entries in
            for e in entries {
                let fields: [String] = access
                    ? DisplayDate.formatMoment(e.occurredDate).split(separator: " ").map(String.init) + [e.actorName,
                       e.role.map { dutch("roles.\($0.rawValue)") } ?? e.actorRole, principal.organisationName,
                       dutch("auditActions.\(e.action)"), e.purpose]
                    : [String(e.seq), ISO8601DateFormatter().string(from: e.occurredDate), e.actorId ?? "", e.actorName, e.actorRole,
                       e.organisationId ?? "", e.action, e.personId ?? "", e.municipalityCode ?? "", e.purpose, e.requestId, e.detail,
                       e.previousHash, e.hash]
                csv += fields.map(CSV.escape).joined(separator: ",") + "\r\n"
            }
        }
        try await recordSearch(.auditExport, filter, context: context)
        let filename = access ? "inzage-auditlog.csv" : "auditlog.csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }
}

public enum CSV {
    /// RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula.
    public static func escape(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}

/// Every action the audit log records; the catalogue names each, and a test checks that every
/// action recorded in the code is listed here.
public enum AuditActions {
    public static let all: Set<String> = Set(AuditAction.allCases.map(\.rawValue))
}
