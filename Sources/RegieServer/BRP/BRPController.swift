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
    struct Relative: Encodable {
        let role: String
        let name: String
        let born: String
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
        let household: [Relative]
        let hasHousehold: Bool
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
              ["purpose": t("brp.purposes.\(w.purpose)"), "error": w.lastError ?? "", "attempts": String(w.attempts),
               "when": DisplayDate.formatMoment(w.dueAt)])
        }
        var rows: [Row] = []
        var differences: [DifferenceRow] = []
        var household: [Relative] = []
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
            let today = loader.today
            for (role, relatives) in [("partner", facts.partners), ("kind", facts.children)] {
                for relative in relatives {
                    var own: String?
                    if let bsn = relative.bsn { own = try await services.persons.ids(identifier: bsn, municipalityCodes: loaded.scope.municipalityCodes).first }
                    let age = relative.dateOfBirth.map { Inburgeraar.age(born: $0, on: today) }
                    var notes: [String] = []
                    if relative.ended { notes.append(t("brp.partnershipEnded")) }
                    if role == "kind", let age, (2...3).contains(age) { notes.append(t("brp.vveAge")) }
                    if own != nil { notes.append(t("brp.ownFile")) }
                    household.append(Relative(role: t("brp.roles.\(role)"), name: relative.name.isEmpty ? "—" : relative.name,
                                              born: relative.dateOfBirth.map { DisplayDate.format($0, l) + (age.map { " (\(t("brp.years", ["n": String($0)])))" } ?? "") } ?? "—",
                                              note: notes.isEmpty ? nil : notes.joined(separator: " · "), href: own.map { SiteRoute.person($0).path }))
                }
            }
        }
        let flags = try await services.brp.flags(personId: person.id)
        return try services.views.render(
            "person-brp", titleKey: "brp.title", titleArguments: ["name": person.displayName(t)],
            content: BRPView(
                name: person.displayName(t), backHref: SiteRoute.person(person.id).path, configured: services.brpClient != nil,
                fetched: latest.map { t("brp.fetched", ["when": DisplayDate.formatMoment($0.record.fetchedAt), "purpose": t("brp.purposes.\($0.record.purpose)")]) },
                notFound: latest != nil && facts == nil, waiting: waiting, rows: rows, hasRows: !rows.isEmpty, differences: differences, hasDifferences: !differences.isEmpty,
                household: household, hasHousehold: !household.isEmpty, canEdit: Policy.allows(loaded.principal, .editPersons) && services.brpClient != nil,
                refreshAction: SiteRoute.personBRP(person.id).path, applyAction: SiteRoute.personBRPApply(person.id).path,
                warnings: Self.warnings(flags, t, l)),
            context: context, current: SiteRoute.home.path,
            notice: context.form["melding"].flatMap { ["opgehaald": "brp.fetchedNotice", "wachtrij": "brp.queuedNotice", "overgenomen": "brp.appliedNotice",
                                                        "geweigerd": "brp.refusedNotice", "onbekend": "brp.notFoundNotice"][$0] }.map { t($0) })
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
