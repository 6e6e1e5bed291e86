import Foundation
import Hummingbird
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

    struct Option { let value: String; let label: String; let selected: Bool }
    struct Row {
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

    struct AuditView {
        let person: String
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

    /// The filter from the query, or the field errors that make it unusable.
    private func filter(_ context: RegieRequestContext, organisationId: String) -> (AuditFilter, [AppError.FieldError]) {
        var errors: [AppError.FieldError] = []
        let t = services.catalogue
        var filter = AuditFilter(personId: context.form["persoon"], actorId: context.form["gebruiker"], organisationId: organisationId)
        if let from = context.form["van"] {
            if let date = DisplayDate.startOfDay(from) { filter.from = date } else {
                errors.append(.init(name: "van", message: t.text("audit.errors.from", context.locale)))
            }
        }
        if let until = context.form["tot"] {
            // "tot en met": the whole last day counts.
            if let date = DisplayDate.startOfDay(until) { filter.until = date.addingTimeInterval(86_400) } else {
                errors.append(.init(name: "tot", message: t.text("audit.errors.until", context.locale)))
            }
        }
        if let from = filter.from, let until = filter.until, until <= from {
            errors.append(.init(name: "tot", message: t.text("audit.errors.order", context.locale)))
        }
        return (filter, errors)
    }

    private var filterQuery: (RegieRequestContext) -> String {
        { context in
            ["persoon", "gebruiker", "van", "tot"].compactMap { name in
                context.form[name].map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            }.joined(separator: "&")
        }
    }

    func search(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewAuditLog)
        let (filter, errors) = filter(context, organisationId: principal.organisationId)
        let users = try await services.users.listUsers(organisationId: principal.organisationId)
        var rows: [Row] = []
        var next: String?
        if errors.isEmpty {
            let page = try await services.audit.search(filter, before: context.form["voor"].flatMap { Int64($0) }, limit: Self.pageSize)
            let t = services.catalogue
            rows = page.rows.map { entry in
                Row(seq: entry.seq, time: DisplayDate.formatMoment(entry.occurredDate), actor: entry.actorName,
                    role: Role(rawValue: entry.actorRole).map { t.text("roles.\($0.rawValue)", context.locale) } ?? entry.actorRole,
                    action: t.text("auditActions.\(entry.action)", context.locale), person: entry.personId ?? "", purpose: entry.purpose,
                    requestId: entry.requestId, detail: entry.detail)
            }
            let query = filterQuery(context)
            next = page.next.map { "?" + (query.isEmpty ? "" : query + "&") + "voor=\($0)" }
            try await services.record("audit.search", context: context, permission: .viewAuditLog, detail: query)
        }
        let query = filterQuery(context)
        return try services.views.render(
            "audit", titleKey: "audit.title",
            content: AuditView(
                person: context.form["persoon"] ?? "",
                users: users.map { Option(value: $0.id, label: "\($0.name) (\($0.email))", selected: $0.id == filter.actorId) },
                from: context.form["van"] ?? "", until: context.form["tot"] ?? "",
                rows: rows, hasRows: !rows.isEmpty, nextHref: next,
                csvHref: SiteRoute.auditLogCSV.path + (query.isEmpty ? "" : "?" + query), action: SiteRoute.auditLog.path,
                errors: errors.map(\.message), hasErrors: !errors.isEmpty),
            context: context, current: SiteRoute.auditLog.path, status: errors.isEmpty ? .ok : .badRequest)
    }

    func export(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.viewAuditLog)
        let (filter, errors) = filter(context, organisationId: principal.organisationId)
        guard errors.isEmpty else { throw AppError.invalid(detail: errors.map(\.message).joined(separator: " "), fields: errors) }
        var csv = "seq,tijdstip,gebruiker_id,gebruiker,rol,organisatie_id,actie,persoon_id,gemeente,doel,request_id,details,vorige_hash,hash\r\n"
        try await services.audit.export(filter) { entries in
            for e in entries {
                let fields: [String] = [
                    String(e.seq), ISO8601DateFormatter().string(from: e.occurredDate), e.actorId ?? "", e.actorName, e.actorRole,
                    e.organisationId ?? "", e.action, e.personId ?? "", e.municipalityCode ?? "", e.purpose, e.requestId, e.detail,
                    e.previousHash, e.hash,
                ]
                csv += fields.map(CSV.escape).joined(separator: ",") + "\r\n"
            }
        }
        try await services.record("audit.export", context: context, permission: .viewAuditLog, detail: filterQuery(context))
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"auditlog.csv\"", .cacheControl: "no-store"],
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
    public static let all: Set<String> = [
        "login", "logout", "caseload.view", "person.view", "person.bsn.reveal", "person.contact.view", "person.contact.update",
        "account.password.change", "audit.search", "audit.export", "apikey.create", "apikey.revoke", "apikey.approve",
        "person.register", "person.registerRefused", "person.registerProbe", "casework.intake.view", "casework.intake.gesprek", "casework.intake.topic", "casework.lbt.view",
        "casework.lbt.record", "casework.advies.record", "casework.route.view", "casework.route.decide", "casework.pip.view",
        "casework.pip.concept", "casework.pip.fix", "casework.pip.letter", "casework.progress.view", "casework.route.start",
        "casework.progress.meeting", "casework.progress.hours", "casework.progress.result", "casework.enforcement.view",
        "casework.enforcement.step", "casework.close", "team.view", "team.assign", "settings.view", "settings.update", "casework.handover.view", "casework.handover.update", "casework.derden.view", "casework.derden.request", "casework.derden.receive", "casework.derden.withdraw", "casework.task.add", "casework.task.done", "tasks.view", "casework.documents.view", "casework.document.upload", "casework.document.download",
        "person.details.update", "figures.view", "figures.cases", "figures.export", "figures.council", "duo.view", "duo.retry", "duo.contact", "duo.person.view", "duo.person.refresh", "duo.reconciliation.view", "duo.notification.process",
        "ontzorgen.view", "ontzorgen.decide", "ontzorgen.benefit", "ontzorgen.payee.add", "ontzorgen.payee.change", "ontzorgen.payee.end",
        "ontzorgen.review", "ontzorgen.extend", "ontzorgen.close", "ontzorgen.selfReliance", "ontzorgen.statement", "ontzorgen.overview",
        "ontzorgen.run.prepare", "ontzorgen.run.view", "ontzorgen.run.recompute", "ontzorgen.run.delete", "ontzorgen.run.approve",
        "ontzorgen.run.export", "ontzorgen.payment.failed", "ontzorgen.payment.repay", "ontzorgen.policy.add",
    ]
}
