import BRP
import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The person's details as the BRP holds them (`/personen/{id}/brp`): the latest answer, where the
/// file differs (taken over with one button), the household (partner and children, linked to their
/// own files where they have one, children of VVE age marked), and a button to ask the BRP again.
/// Every view and lookup is audited; a lookup says its purpose.
struct BRPController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.personBRPPattern), use: show)
        router.post(RouterPath(SiteRoute.personBRPPattern), use: refresh)
        router.post(RouterPath(SiteRoute.personBRPApplyPattern), use: apply)
    }

    struct Row: Encodable { let label: String; let value: String }
    struct DifferenceRow: Encodable { let field: String; let file: String; let brp: String }
    /// One member of the household: who, whether they have a file here and where it stands, their
    /// ontzorgen arrangement, and what to mind (VVE, an ended partnership).
    struct Member: Encodable {
        let role: String
        let name: String
        let born: String
        let duty: String
        let ontzorgen: String
        let ontzorgenHref: String?
        let note: String?
        let href: String?
    }

    struct BRPView: Encodable {
        let name: String
        let backHref: String
        let configured: Bool
        let fetched: String?
        let notFound: Bool
        let waiting: String?
        let rows: [Row]
        let hasRows: Bool
        let differences: [DifferenceRow]
        let hasDifferences: Bool
        let household: [Member]
        let hasHousehold: Bool
        let showOntzorgen: Bool
        let canEdit: Bool
        let refreshAction: String
        let applyAction: String
        let warnings: [String]
    }

    func who(_ loaded: CaseLoader.Loaded, _ context: RegieRequestContext) -> BRPService.Who {
        let services = self.services
        return BRPService.Who(actor: CaseLoader.actor(loaded.principal)) { action, person, detail in
            services.auditEvent(action, context: context, permission: .editPersons, person: person, detail: detail)
        }
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readPersons)
        let t = services.localizer(context)
        let l = context.locale
        let person = loaded.person
        try await services.record(.personBRPView, context: context, permission: .readPersons, person: person)
        let latest = try await BRPService.latest(services, personId: person.id, scope: loaded.scope)
        let facts = latest?.facts
        let waiting = try await services.brp.waiting(personId: person.id).map { w in
            t(w.lastError == nil ? "brp.waiting" : "brp.waitingError",
              ["purpose": t("brp.purposes.\(w.purpose)"), "error": w.lastError.map { Self.errorText($0, t) } ?? "", "attempts": String(w.attempts),
               "when": DisplayDate.formatMoment(w.dueAt)])
        }
        var rows: [Row] = []
        var differences: [DifferenceRow] = []
        var household: [Member] = []
        if let facts {
            func date(_ d: CalendarDate?) -> String { d.map { DisplayDate.format($0, l) } ?? "—" }
            rows = [
                Row(label: t("register.givenNames"), value: facts.givenNames ?? "—"),
                Row(label: t("register.familyName"), value: facts.familyName ?? "—"),
                Row(label: t("register.dateOfBirth"), value: date(facts.dateOfBirth)),
                Row(label: t("register.gender"), value: facts.gender.map { t("genders.\($0.rawValue)") } ?? "—"),
                Row(label: t("address.kinds.woon"), value: facts.address?.singleLine ?? t("brp.residence.\(facts.residenceKind ?? "VerblijfplaatsOnbekend")")),
                Row(label: t("brp.municipality"), value: facts.municipalityName ?? facts.municipalityCode ?? "—"),
                Row(label: t("brp.registeredOn"), value: date(facts.registeredOn)),
            ]
            if let died = facts.deceasedOn { rows.append(Row(label: t("brp.deceasedOn"), value: date(died))) }
            let address = try await services.persons.currentAddresses(personId: person.id, scope: loaded.scope)[.woon]
            differences = facts.differences(person: person, address: address, brpDate: loaded.traject.brpDate, t, l)
                .map { DifferenceRow(field: $0.field, file: $0.file, brp: $0.brp) }
            household = try await members(of: loaded, facts: facts, t, l)
        }
        let flags = try await services.brp.flags(personId: person.id)
        return try services.views.render(
            "person-brp", titleKey: "brp.title", titleArguments: ["name": person.displayName(t)],
            content: BRPView(
                name: person.displayName(t), backHref: SiteRoute.person(person.id).path, configured: services.brpClient != nil,
                fetched: latest.map { t("brp.fetched", ["when": DisplayDate.formatMoment($0.record.fetchedAt), "purpose": t("brp.purposes.\($0.record.purpose)")]) },
                notFound: latest != nil && facts == nil, waiting: waiting, rows: rows, hasRows: !rows.isEmpty, differences: differences, hasDifferences: !differences.isEmpty,
                household: household, hasHousehold: !household.isEmpty, showOntzorgen: loaded.scope.reads(.ontzorgen), canEdit: Policy.allows(loaded.principal, .editPersons) && services.brpClient != nil,
                refreshAction: SiteRoute.personBRP(person.id).path, applyAction: SiteRoute.personBRPApply(person.id).path,
                warnings: Self.warnings(flags, t, l)),
            context: context, current: SiteRoute.home.path,
            notice: context.form["melding"].flatMap { ["opgehaald": "brp.fetchedNotice", "wachtrij": "brp.queuedNotice", "overgenomen": "brp.appliedNotice",
                                                        "geweigerd": "brp.refusedNotice", "onbekend": "brp.notFoundNotice"][$0] }.map { t($0) })
    }

    /// The household as the BRP holds it, the person first: each partner and child linked to their
    /// own file where the organisation has one, with where that case stands and the member's
    /// ontzorgen arrangement (bijstand and ontzorgen go per household, Participatiewet art. 56a);
    /// children younger than 4 marked, for voorschoolse educatie in the intake and the PIP.
    func members(of loaded: CaseLoader.Loaded, facts: BRPFacts, _ t: Localizer, _ l: UILocale) async throws -> [Member] {
        let today = loader.today
        let scope = loaded.scope
        var rows: [(role: String, name: String, born: CalendarDate?, ended: Bool, file: (person: PersonRecord, traject: TrajectRecord)?)] = [
            (t("brp.roles.zelf"), loaded.person.displayName(t), loaded.person.dateOfBirth, false, (loaded.person, loaded.traject)),
        ]
        for (role, relatives) in [("partner", facts.partners), ("kind", facts.children)] {
            for relative in relatives {
                var file: (person: PersonRecord, traject: TrajectRecord)?
                if let bsn = relative.bsn, let id = try await services.persons.ids(identifier: bsn, municipalityCodes: scope.municipalityCodes).first {
                    file = try await services.persons.fetchCase(personId: id, scope: scope)
                }
                rows.append((t("brp.roles.\(role)"), relative.name.isEmpty ? "—" : relative.name, relative.dateOfBirth, relative.ended, file))
            }
        }
        guard rows.count > 1 else { return [] }
        let arrangements = try await services.ontzorgen.arrangements(personIds: rows.compactMap { $0.file?.person.id }, scope: scope)
        let mayOpenOntzorgen = Policy.allows(loaded.principal, .readOntzorgen)
        return rows.map { row in
            let age = row.born.map { Inburgeraar.age(born: $0, on: today) }
            var notes: [String] = []
            if row.ended { notes.append(t("brp.partnershipEnded")) }
            if let born = row.born, BredeIntakeRule.heeftJongeKinderen(geboortedata: [born], op: today) { notes.append(t("brp.vveAge")) }
            let duty: String
            var ontzorgen = "—"
            var ontzorgenHref: String?
            if let file = row.file {
                let stand = file.traject.closedDate != nil ? t("brp.duty.closed") : t("phases.\(file.traject.phase.rawValue)")
                duty = t("doelgroepen.\(file.person.doelgroep.rawValue)") + " · " + stand
                if file.person.doelgroep.categorie != .asielstatushouder {
                    ontzorgen = t("brp.ontzorgen.notApplicable")
                } else if let arrangement = arrangements[file.person.id] {
                    ontzorgen = Self.arrangementText(arrangement, today: today, t, l)
                    if mayOpenOntzorgen { ontzorgenHref = SiteRoute.personOntzorgen(file.person.id).path }
                } else {
                    ontzorgen = t("brp.ontzorgen.undecided")
                }
            } else if let born = row.born, !InburgeringsplichtRule.heeftPlichtigeLeeftijd(geboortedatum: born, op: today) {
                duty = t((age ?? 0) < InburgeringsplichtRule.minimumLeeftijd ? "brp.duty.tooYoung" : "brp.duty.pensionAge")
            } else {
                duty = t("brp.duty.noFile")
            }
            return Member(role: row.role, name: row.name,
                          born: row.born.map { DisplayDate.format($0, l) + (age.map { " (\(t("brp.years", ["n": String($0)])))" } ?? "") } ?? "—",
                          duty: duty, ontzorgen: ontzorgen, ontzorgenHref: ontzorgenHref,
                          note: notes.isEmpty ? nil : notes.joined(separator: " · "),
                          href: row.file.flatMap { $0.person.id == loaded.person.id ? nil : SiteRoute.person($0.person.id).path })
        }
    }

    /// One line on an ontzorgen arrangement: not ontzorgd, running until its last day, or ended.
    static func arrangementText(_ arrangement: OntzorgingRecord, today: CalendarDate, _ t: Localizer, _ l: UILocale) -> String {
        guard let period = arrangement.periode else {
            let decided = CalendarDate(iso: arrangement.decisionDate).map { DisplayDate.format($0, l) } ?? arrangement.decisionDate
            return t("brp.ontzorgen.no", ["date": decided])
        }
        let dates = ["start": DisplayDate.format(period.start, l), "end": DisplayDate.format(period.end, l)]
        return t(period.end < today ? "brp.ontzorgen.ended" : "brp.ontzorgen.running", dates)
    }

    /// What went wrong with a lookup (`BRPWorker.describe`'s code) in the reader's words; a text stored
    /// before the codes is shown as it is.
    static func errorText(_ code: String, _ t: Localizer) -> String {
        let parts = code.split(separator: ":", maxSplits: 1).map(String.init)
        guard let kind = parts.first, ["unavailable", "rejected", "unreadable", "other"].contains(kind) else { return code }
        return t("brp.errors.\(kind)", ["status": parts.count > 1 ? parts[1] : ""])
    }

    /// What the BRP said that changes what Regie shows and sends, as banners for the file.
    static func warnings(_ flags: BRPStore.Flags, _ t: Localizer, _ l: UILocale) -> [String] {
        var result: [String] = []
        if let died = flags.deceasedOn, let day = CalendarDate(iso: died) { result.append(t("brp.warnings.deceased", ["date": DisplayDate.format(day, l)])) }
        if let place = flags.movedTo { result.append(t("brp.warnings.moved", ["place": place])) }
        if flags.secret { result.append(t("brp.warnings.secret")) }
        return result
    }

    /// Asks the BRP now. When it cannot be reached the lookup waits in the queue and is tried again.
    func refresh(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        guard let client = services.brpClient else { throw AppError.notFound }
        let back = SiteRoute.personBRP(loaded.person.id).path + "?melding="
        do {
            let outcome = try await BRPService(services: services, client: client)
                .lookup(personId: loaded.person.id, purpose: "opvragen", who: who(loaded, context), scope: loaded.scope)
            try await services.brp.done(personId: loaded.person.id)
            return Response(status: .seeOther, headers: [.location: back + (outcome == .notFound ? "onbekend" : "opgehaald")])
        } catch let error as BRPCallError where error.isRetryable {
            try await services.brp.enqueue(personId: loaded.person.id, purpose: "opvragen", dueAt: services.clock.now().addingTimeInterval(60),
                                           now: services.clock.now())
            return Response(status: .seeOther, headers: [.location: back + "wachtrij"])
        } catch is BRPCallError {
            return Response(status: .seeOther, headers: [.location: back + "geweigerd"])
        }
    }

    /// Takes the BRP's details over into the file (the differences the page showed).
    func apply(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        guard let client = services.brpClient else { throw AppError.notFound }
        let service = BRPService(services: services, client: client)
        guard let facts = try await BRPService.latest(services, personId: loaded.person.id, scope: loaded.scope)?.facts else { throw AppError.notFound }
        try await service.apply(person: loaded.person, facts: facts, who: who(loaded, context), scope: loaded.scope)
        return Response(status: .seeOther, headers: [.location: SiteRoute.personBRP(loaded.person.id).path + "?melding=overgenomen"])
    }
}
