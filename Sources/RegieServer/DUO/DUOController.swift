import DUO
import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The DUO koppeling for staff: what DUO signalled and how it was processed, every message to DUO
/// (waiting, sent, refused with DUO's reasons, stopped by the law) with "retry now", a person's
/// DUO tab with what DUO last reported, and the reconciliation of Regie against DUO.
struct DUOController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.duo.path), use: overview)
        router.post(RouterPath(SiteRoute.duoRetryPattern), use: retry)
        router.get(RouterPath(SiteRoute.duoReconciliation.path), use: reconciliation)
        router.get(RouterPath(SiteRoute.personDUOPattern), use: personTab)
        router.post(RouterPath(SiteRoute.personDUORefreshPattern), use: refresh)
        router.post(RouterPath(SiteRoute.personDUOContactPattern), use: contact)
    }

    // MARK: View models

    struct MessageRow: Encodable {
        let id: String
        let personHref: String
        let kind: String
        let status: String
        let statusKey: String
        let created: String
        let sent: String?
        let reasons: [String]
        let hasReasons: Bool
        let lastError: String?
        let attempts: Int
        let canRetry: Bool
        let retryAction: String
    }

    struct NotificationRow: Encodable {
        let received: String
        let event: String
        let eventText: String
        let status: String
        let statusKey: String
        let personHref: String?
        let error: String?
    }

    struct Count: Encodable { let label: String; let count: Int; let key: String }

    func messageRows(_ records: [DUOOutboxRecord], context: RegieRequestContext) -> [MessageRow] {
        let t = services.localizer(context), l = t.locale
        return records.map { m in
            MessageRow(id: m.id, personHref: SiteRoute.personDUO(m.personId).path, kind: t("duo.kinds.\(m.kind)"),
                       status: t("duo.outboxStatus.\(m.status)"), statusKey: m.status,
                       created: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(m.createdAt))), sent: m.sentAt.map { DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval($0))) },
                       reasons: m.foutTeksten, hasReasons: !m.foutTeksten.isEmpty,
                       lastError: m.status == "pending" ? m.lastError.map { t("duo.errors.\(Self.errorKey($0))") } : nil,
                       attempts: m.attempts, canRetry: m.status != "sent" && m.status != "sending",
                       retryAction: SiteRoute.duoRetry(m.id).path)
        }
    }

    func notificationRows(_ records: [DUONotificationRecord], context: RegieRequestContext) -> [NotificationRow] {
        let t = services.localizer(context), l = t.locale
        return records.map { n in
            let known = Gebeurtenis(id: n.gebeurtenisId) != nil
            return NotificationRow(
                received: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(n.receivedAt))), event: n.gebeurtenisId,
                eventText: known ? t("duo.events.\(n.gebeurtenisId)") : t("duo.unknownEvent"),
                status: t("duo.notificationStatus.\(n.status)"), statusKey: n.status,
                personHref: n.personId.map { SiteRoute.person($0).path },
                error: n.lastError.map { t("duo.errors.\(Self.errorKey($0))") })
        }
    }

    /// Stored errors are codes, or DUO's own words after "HTTP nnn"; codes are translated.
    static func errorKey(_ stored: String) -> String {
        ["noBSN", "noConnection", "unavailable", "noCase", "otherOrganisation", "internal"].contains(stored) ? stored : "other"
    }

    // MARK: Pages

    struct OverviewView: Encodable {
        let notificationCounts: [Count]
        let outboxCounts: [Count]
        let messages: [MessageRow]
        let hasMessages: Bool
        let notifications: [NotificationRow]
        let hasNotifications: Bool
        let showAll: Bool
        let connected: Bool
        let personTab = false
        let reconciliationHref: String
    }

    func overview(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.readCasework)
        let scope = Policy.scope(for: principal)
        let showAll = request.uri.queryParameters.get("berichten") == "alle"
        let store = services.duoStore
        let outbox = try await store.listOutbox(scope: scope, statuses: showAll ? nil : ["pending", "sending", "rejected", "stopped"])
        let notifications = try await store.listNotifications(scope: scope)
        let ids = Set(outbox.map(\.personId) + notifications.compactMap(\.personId)).sorted()
        if !ids.isEmpty {
            try await services.record(.duoView, context: context, permission: .readCasework, detail: "personen: " + ids.joined(separator: ","))
        }
        let t = services.localizer(context), l = t.locale
        let nCounts = try await store.countNotifications(scope: scope)
        let oCounts = try await store.countOutbox(scope: scope)
        let view = OverviewView(
            notificationCounts: ["received", "waiting", "processed", "unknown", "failed"].map { Count(label: t("duo.notificationStatus.\($0)"), count: nCounts[$0] ?? 0, key: $0) },
            outboxCounts: ["pending", "sending", "sent", "rejected", "stopped"].map { Count(label: t("duo.outboxStatus.\($0)"), count: oCounts[$0] ?? 0, key: $0) },
            messages: messageRows(outbox, context: context), hasMessages: !outbox.isEmpty,
            notifications: notificationRows(notifications, context: context), hasNotifications: !notifications.isEmpty,
            showAll: showAll, connected: services.duoClient != nil, reconciliationHref: SiteRoute.duoReconciliation.path)
        let notice = request.uri.queryParameters.get("melding") == "opnieuw" ? t("duo.retried") : nil
        return try services.views.render("duo", titleKey: "duo.title", content: view, context: context, current: SiteRoute.duo.path, notice: notice)
    }

    func retry(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.editPersons)
        let id = try context.parameters.require("id")
        let event = services.auditEvent(.duoRetry, context: context, permission: .editPersons, detail: id)
        guard let message = try await services.duoStore.retryNow(id, scope: Policy.scope(for: principal), audit: event, now: services.clock.now()) else {
            throw AppError.notFound
        }
        let back = context.form["terug"] == "dossier" ? SiteRoute.personDUO(message.personId).path : SiteRoute.duo.path
        return Response(status: .seeOther, headers: [.location: back + "?melding=opnieuw"])
    }

    struct Fact: Encodable { let label: String; let value: String }
    struct SnapshotView: Encodable { let title: String; let fetched: String; let facts: [Fact]; let hasFacts: Bool }
    struct PersonTabView: Encodable {
        let name: String
        let backHref: String
        let refreshAction: String
        let snapshots: [SnapshotView]
        let hasSnapshots: Bool
        let messages: [MessageRow]
        let hasMessages: Bool
        let notifications: [NotificationRow]
        let hasNotifications: Bool
        let canEdit: Bool
        let summary: ErrorSummary
        let contactFields: [FieldView]
        let contactAction: String
        let personTab = true
        let exempt: String?
        let tenWeeks: String?
        let term: String?
    }

    func personTab(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        return try await renderPersonTab(loaded, request: request, contactInput: nil, contactErrors: [], context: context, status: .ok)
    }

    func renderPersonTab(_ loaded: CaseLoader.Loaded, request: Request, contactInput: FormData?, contactErrors: [AppError.FieldError],
                         context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        try await services.record(.duoPersonView, context: context, permission: .readCasework, person: loaded.person)
        let store = services.duoStore
        let t = services.localizer(context), l = t.locale
        let snapshots = try await store.snapshots(personId: loaded.person.id, scope: loaded.scope).map { snapshot in
            let facts = facts(snapshot, context: context)
            return SnapshotView(title: t("duo.snapshots.\(snapshot.kind)"), fetched: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(snapshot.fetchedAt))),
                                facts: facts, hasFacts: !facts.isEmpty)
        }
        let messages = try await store.listOutbox(scope: loaded.scope, personId: loaded.person.id)
        let notifications = try await store.listNotifications(scope: loaded.scope, personId: loaded.person.id)
        let notice: String? = switch request.uri.queryParameters.get("melding") {
        case "opgehaald": t("duo.refreshed")
        case "opnieuw": t("duo.retried")
        case "geenVerbinding": t("duo.errors.noConnection")
        case "onbereikbaar": t("duo.errors.unavailable")
        case "geenBSN": t("duo.errors.noBSN")
        case "contactpersoon": t("duo.contact.saved")
        default: nil
        }
        let traject = loaded.traject
        // The case's consulent is the natural contact person; the phone number is typed (Regie keeps none for users).
        var input = contactInput ?? FormData()
        if contactInput == nil, let consulentId = traject.consulentId, let consulent = try await services.users.fetchUser(id: consulentId) {
            input = FormData(pairs: [("naam", consulent.name), ("email", consulent.email)])
        }
        let value = { (name: String) in input.raw(name) ?? "" }
        let contactFields = [
            FieldView(.input("text"), name: "naam", label: t("duo.contact.naam"), value: value("naam"), required: true, errors: contactErrors),
            FieldView(.input("email"), name: "email", label: t("duo.contact.email"), value: value("email"), required: true, errors: contactErrors),
            FieldView(.input("tel"), name: "telefoonnummer", label: t("duo.contact.telefoonnummer"), hint: t("duo.contact.telefoonnummerHint"),
                      value: value("telefoonnummer"), required: true, errors: contactErrors),
        ]
        let view = PersonTabView(
            name: loaded.person.displayName(services.localizer(context)), backHref: SiteRoute.person(loaded.person.id).path,
            refreshAction: SiteRoute.personDUORefresh(loaded.person.id).path,
            snapshots: snapshots, hasSnapshots: !snapshots.isEmpty,
            messages: messageRows(messages, context: context), hasMessages: !messages.isEmpty,
            notifications: notificationRows(notifications, context: context), hasNotifications: !notifications.isEmpty,
            canEdit: Policy.allows(loaded.principal, .editPersons),
            summary: ErrorSummary(contactErrors), contactFields: contactFields, contactAction: SiteRoute.personDUOContact(loaded.person.id).path,
            exempt: traject.duoExempt ? (traject.duoExemptUntil.map { t("duo.exemptUntil", ["date": DisplayDate.format($0, l)]) } ?? t("duo.exempt")) : nil,
            tenWeeks: traject.duoTenWeeksStart.map { DisplayDate.format($0, l) },
            term: traject.duoTermStart.flatMap { start in traject.duoTermEnd.map { t("duo.termRange", ["from": DisplayDate.format(start, l), "to": DisplayDate.format($0, l)]) } })
        return try services.views.render("person-duo", titleKey: "duo.personTitle", titleArguments: ["name": loaded.person.displayName(services.localizer(context))],
                                          content: view, context: context, notice: notice, status: status)
    }

    /// The facts of one snapshot, labelled from the catalogue.
    func facts(_ snapshot: DUOStore.Snapshot, context: RegieRequestContext) -> [Fact] {
        let t = services.localizer(context), l = t.locale
        let data = Data(snapshot.body.utf8)
        func date(_ d: CalendarDate?) -> String { d.map { DisplayDate.format($0.iso, l) } ?? "—" }
        func fact(_ key: String, _ value: String?) -> Fact { Fact(label: t("duo.facts.\(key)"), value: value ?? "—") }
        /// One of DUO's codes in words; a code DUO added later is shown as DUO sent it.
        func code(_ group: String, _ value: String) -> String {
            let key = "duo.facts.\(group).\(value)"
            let text = t(key)
            return text == key ? value : text
        }
        switch snapshot.kind {
        case "inburgeringsplicht":
            guard let p = try? DUOJSON.decode(Inburgeringsplicht.self, from: data) else { return [] }
            return [fact("plicht", t(p.indicatorInburgeringsplicht ? "common.yes" : "common.no")), fact("begindatum", date(p.begindatum)),
                    fact("kennisgeving", date(p.datumKennisgevingInburgeringsplicht)), fact("einddatum", date(p.einddatum)),
                    fact("reden", p.redenGeenInburgeringsplicht?.rawValue)]
        case "doelgroep":
            guard let d = try? DUOJSON.decode(DoelgroepInfo.self, from: data) else { return [] }
            return [fact("doelgroep", d.gedetailleerdeDoelgroep.map { t("doelgroepen.\($0.rawValue)") } ?? d.indeling), fact("begindatum", date(d.begindatum))]
        case "termijn":
            guard let d = try? DUOJSON.decode(DUOTermijn.self, from: data) else { return [] }
            return [fact("startdatum", date(d.startdatum)), fact("laatsteDag", date(d.laatsteDag)), fact("verlenging", d.verlengingsgrondomschrijving)]
        case "pip":
            guard let d = try? DUOJSON.decode(DUOGemeentePIP.self, from: data) else { return [] }
            return [fact("dagtekening", date(d.pip.dagtekeningPip)), fact("leerroute", Leerroute(duoCode: d.pip.leerroute).map { t("routes.\($0.rawValue)") }),
                    fact("niveau", d.pip.niveau), fact("gemeente", d.gemeentecode)]
        case "lbt":
            guard let results = try? DUOJSON.decode([LBTResultaat].self, from: data) else { return [] }
            return results.map { Fact(label: date($0.datumAfname), value: "\($0.behaaldeScore) / \($0.benodigdeScore) — \($0.resultaat)") }
        case "examens":
            // Examen API 1.0.0, Examenresultaat: the part, the result, the level, why there is no result.
            guard let results = try? DUOJSON.decode([DUOExamenresultaat].self, from: data) else { return [] }
            return results.sorted { ($0.examendatum, $0.onderdeel) < ($1.examendatum, $1.onderdeel) }.map { r in
                Fact(label: "\(date(r.examendatum)) — \(code("onderdelen", r.onderdeel))",
                     value: [code("examenresultaten", r.resultaat), r.niveau, r.redenGeenResultaat.map { code("redenenGeenResultaat", $0) }]
                        .compactMap { $0 }.joined(separator: ", "))
            }
        case "vrijstellingen":
            // Vrijstelling API 1.0.0: each decision is a whole, temporary or partial exemption.
            guard let decisions = try? DUOJSON.decode([DUOVrijstelling].self, from: data) else { return [] }
            return decisions.compactMap { v -> Fact? in
                let (kind, b): (String, DUOVrijstelling.Beslissing)
                if let whole = v.GeheleVrijstelling { (kind, b) = ("gehele", whole) }
                else if let temporary = v.TijdelijkeVrijstelling { (kind, b) = ("tijdelijke", temporary) }
                else if let partial = v.GedeeltelijkeVrijstelling { (kind, b) = ("gedeeltelijke", partial) }
                else { return nil }
                var parts = [code("oordelen", b.oordeel.rawValue), code("vrijstellingRedenen", b.reden)]
                if let part = b.examenonderdeel { parts.append([code("onderdelen", part), b.examenniveau].compactMap { $0 }.joined(separator: " ")) }
                if b.startdatum != nil || b.einddatum != nil {
                    parts.append(t("duo.termRange", ["from": date(b.startdatum), "to": date(b.einddatum)]))
                }
                if let decided = b.datumOordeel { parts.append(t("duo.facts.decided", ["date": date(decided)])) }
                return Fact(label: t("duo.facts.vrijstellingSoorten.\(kind)"), value: parts.joined(separator: ", "))
            }
        case "ontheffingen":
            // Ontheffing API 1.0.0: a whole or partial ontheffing on medical or BIO grounds.
            guard let decisions = try? DUOJSON.decode([DUOOntheffing].self, from: data) else { return [] }
            return decisions.compactMap { o -> Fact? in
                let (kind, b): (String, DUOOntheffing.Beslissing)
                if let whole = o.GeheleOntheffing { (kind, b) = ("gehele", whole) }
                else if let partial = o.GedeeltelijkeOntheffing { (kind, b) = ("gedeeltelijke", partial) }
                else { return nil }
                var parts = [code("oordelen", b.oordeel.rawValue), code("gronden", b.grond)]
                if let part = b.examenonderdeel { parts.append(code("onderdelen", part)) }
                if let hours = b.urenBelastbaarheidParticipatieactiviteit {
                    parts.append(t("duo.facts.urenBelastbaarheid", ["hours": String(hours)]))
                }
                parts.append(t("duo.facts.decided", ["date": date(b.datumOordeel)]))
                return Fact(label: t("duo.facts.ontheffingSoorten.\(kind)"), value: parts.joined(separator: ", "))
            }
        default:
            return [Fact(label: t("duo.facts.registered"), value: t("common.yes"))]
        }
    }

    /// Reports the case's contact person to DUO (Contactpersoon API): validated as DUO's schema
    /// describes the fields, then sent through the outbox.
    func contact(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            try await recordContact(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await renderPersonTab(loaded, request: request, contactInput: context.form, contactErrors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.personDUO(loaded.person.id).path + "?melding=contactpersoon"])
    }

    func recordContact(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws {
        var v = Validator(services.localizer(context))
        // Contactpersoon API 1.0.0: naam ≤ 100 letters, spaces, apostrophes, dots and dashes; e-mail 4–241; phone 3–22 characters.
        let naam = v.text("naam", input["naam"], label: "duo.contact.naam", maxLength: 100, characters: .name)
        if let naam, naam.range(of: #"^[\s'‘.\p{L}\p{Pd}]{1,100}$"#, options: .regularExpression) == nil { v.fail("naam", "duo.contact.errors.naam") }
        let email = v.text("email", input["email"], label: "duo.contact.email", maxLength: 241)
        if let email, TextLength.of(email) < 4 || !email.contains("@") { v.fail("email", "duo.contact.errors.email") }
        let phone = v.text("telefoonnummer", input["telefoonnummer"], label: "duo.contact.telefoonnummer", maxLength: 22)
        if let phone, TextLength.of(phone) < 3 || phone.range(of: #"^(\+|[0-9])((\s|\s?(-|\(0\))\s?)?[0-9]){2,15}([,][1-9][0-9]{1,8})?$"#, options: .regularExpression) == nil {
            v.fail("telefoonnummer", "duo.contact.errors.telefoonnummer")
        }
        guard v.isValid, let naam, let email, let phone else { throw FormErrors(v.errors) }
        let event = services.auditEvent(.duoContact, context: context, permission: .editPersons, person: loaded.person)
        guard try await services.duoStore.enqueueContactpersoon(personId: loaded.person.id, DUOContactpersoonGegevens(naam: naam, email: email, telefoonnummer: phone),
                                                                scope: loaded.scope, actor: CaseLoader.actor(loaded.principal), audit: event,
                                                                now: services.clock.now()) != nil else { throw AppError.notFound }
    }

    /// Pulls the person's current state from DUO now (plicht, doelgroep, termijn, PIP, LBT, exams, exemptions, ontheffingen).
    func refresh(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let back = SiteRoute.personDUO(loaded.person.id).path
        guard let bsn = loaded.person.bsn else { return Response(status: .seeOther, headers: [.location: back + "?melding=geenBSN"]) }
        guard let client = services.duoClient, let bron = services.config.duo.oin(for: loaded.person.municipalityCode, mode: services.config.mode) else {
            return Response(status: .seeOther, headers: [.location: back + "?melding=geenVerbinding"])
        }
        let pulled: DUOPulled
        do {
            pulled = try await client.pull([.inburgeringsplicht, .doelgroep, .termijn, .pip, .lbtResultaten, .examens, .vrijstellingen, .ontheffingen],
                                           bsn: bsn, bron: bron)
        } catch {
            return Response(status: .seeOther, headers: [.location: back + "?melding=onbereikbaar"])
        }
        let event = services.auditEvent(.duoPersonRefresh, context: context, permission: .editPersons, person: loaded.person)
        try await services.duoStore.saveRefresh(pulled, personId: loaded.person.id, audit: event, now: services.clock.now())
        return Response(status: .seeOther, headers: [.location: back + "?melding=opgehaald"])
    }

    struct DifferenceRow: Encodable { let href: String; let name: String; let municipality: String; let what: String; let regie: String; let duo: String }
    struct ReconciliationView: Encodable { let rows: [DifferenceRow]; let hasRows: Bool; let backHref: String }

    func reconciliation(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.readCasework)
        let rows = try await services.duoStore.reconciliation(scope: Policy.scope(for: principal))
        if !rows.isEmpty {
            try await services.record(.duoReconciliationView, context: context, permission: .readCasework,
                                      detail: "personen: " + rows.map(\.personId).joined(separator: ","))
        }
        let view = ReconciliationView(rows: differenceRows(rows, locale: context.locale), hasRows: !rows.isEmpty, backHref: SiteRoute.duo.path)
        return try services.views.render("duo-reconciliation", titleKey: "duo.reconciliation.title", content: view, context: context, current: SiteRoute.duo.path)
    }

    func differenceRows(_ rows: [DUOStore.ReconciliationRow], locale l: UILocale) -> [DifferenceRow] {
        let t = Localizer(catalogue: services.catalogue, locale: l)
        let none = t("duo.reconciliation.none")
        func date(_ d: CalendarDate?) -> String { d.map { DisplayDate.format($0.iso, l) } ?? none }
        func group(_ g: Doelgroep?) -> String { g.map { t("doelgroepen.\($0.rawValue)") } ?? none }
        func route(_ r: Leerroute?) -> String { r.map { t("routes.\($0.rawValue)") } ?? "" }
        return rows.flatMap { row in
            row.verschillen.map { difference -> DifferenceRow in
                let (regie, duo): (String, String) = switch difference {
                case .plicht(let open, let plicht):
                    (t(open ? "duo.reconciliation.caseOpen" : "duo.reconciliation.caseClosed"),
                     t(plicht ? "duo.reconciliation.obliged" : "duo.reconciliation.notObliged"))
                case .doelgroep(let regie, let duo): (group(regie), group(duo))
                case .pip(let regie, let regieRoute, let duo, let duoRoute):
                    ("\(date(regie)) \(route(regieRoute))".trimmingCharacters(in: .whitespaces), "\(date(duo)) \(route(duoRoute))".trimmingCharacters(in: .whitespaces))
                case .termijn(let regie, let duo): (date(regie), date(duo))
                }
                return DifferenceRow(href: SiteRoute.personDUO(row.personId).path, name: row.name.isEmpty ? t("person.namePending") : row.name,
                                     municipality: row.municipalityCode, what: t("duo.reconciliation.kinds.\(difference.key)"), regie: regie, duo: duo)
            }
        }
    }
}
