import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The provider's own pages (issue 18 item 3), for its staff signed in with their own accounts
/// (second factor required): `/aanbieder` lists the open referrals to the provider's offers of the
/// people whose consent runs; a referral's page shows of that person only the classes they
/// consented to (who they are and how to reach them always; route and level, the PIP's goals,
/// hours one by one), and lets the provider answer (accept with a start date, refuse with a
/// reason) and report the start and the end. Everything it reads and records is in the
/// municipality's audit log and the case's timeline.
struct PartnerController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.partnerHome.path), use: list)
        router.get(RouterPath(SiteRoute.partnerReferralPattern), use: show)
        router.post(RouterPath(SiteRoute.partnerReferralActionPattern), use: act)
        router.get(RouterPath(SiteRoute.partnerAccounts.path), use: accounts)
        router.post(RouterPath(SiteRoute.partnerAccounts.path), use: changeAccounts)
    }

    /// The steps the provider records, by their path segment (withdrawing is the municipality's).
    static let actions: [String: StepReferral.Step] = ["accepteren": .accept, "weigeren": .refuse, "starten": .start, "beeindigen": .end]

    func partner(_ context: RegieRequestContext) throws -> (Principal, PartnerUser) {
        guard let principal = context.principal else { throw AppError.unauthenticated }
        // These pages exist only for a provider's staff; for anyone else there is nothing here.
        guard case .partner(let partner) = principal else { throw AppError.notFound }
        return (principal, partner)
    }

    struct Row: Encodable {
        let href: String
        let name: String
        let offer: String
        let start: String
        let status: String
        let referred: String
    }

    struct ListView: Encodable {
        let organisation: String
        let rows: [Row]
        let hasRows: Bool
    }

    func list(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, partner) = try partner(context)
        let t = services.localizer(context)
        let l = context.locale
        let referrals = try await services.providers.partnerReferrals(providerId: partner.providerId, scope: Policy.scope(for: principal))
        try await services.record(.partnerReferralsView, context: context, permission: .readPersons, detail: "\(referrals.count) verwijzingen")
        let rows = referrals.map { r in
            Row(href: SiteRoute.partnerReferral(r.referral.id).path, name: "\(r.givenNames) \(r.familyName)", offer: r.offerName,
                start: r.startsOn.map { DisplayDate.format($0, l) } ?? t("referrals.waitingList"), status: t("referrals.statuses.\(r.referral.status.rawValue)"),
                referred: DisplayDate.format(r.referral.referredOn, l))
        }
        return try services.views.render("partner", titleKey: "partner.title",
                                         content: ListView(organisation: partner.organisationName, rows: rows, hasRows: !rows.isEmpty),
                                         context: context, current: SiteRoute.partnerHome.path)
    }

    struct StepForm: Encodable { let label: String; let action: String; let fields: [FieldView]; let secondary: Bool }

    struct DetailView: Encodable {
        let name: String
        let backHref: String
        let offer: String
        let status: String
        let facts: [ProvidersController.Fact]
        let contact: [ProvidersController.Fact]
        let route: [ProvidersController.Fact]
        let hasRoute: Bool
        let goals: [ProvidersController.Fact]
        let hasGoals: Bool
        let hours: [ProvidersController.Fact]
        let hasHours: Bool
        let notShared: String
        let hasNotShared: Bool
        let steps: [StepForm]
        let hasSteps: Bool
        let summary: ErrorSummary
        /// The provider's own progress reports on this referral, and the form for a new one (started referrals).
        let reports: [ReportRow]
        let hasReports: Bool
        let reportForm: StepForm?
    }

    struct ReportRow: Encodable { let date: String; let levels: String; let advice: String; let note: String }

    /// A progress report as a line: the levels per skill, in the skills' order.
    static func levelsText(_ levels: [Taalvaardigheid: Taalniveau], _ t: Localizer) -> String {
        let parts = Taalvaardigheid.allCases.compactMap { skill in levels[skill].map { "\(t("reports.skills.\(skill.rawValue)")) \($0.rawValue)" } }
        return parts.isEmpty ? "—" : parts.joined(separator: ", ")
    }

    /// The referral and its person, or 404: not a referral to this provider, not open, or the person's consent does not run.
    func load(_ context: RegieRequestContext) async throws -> (Principal, PartnerUser, PartnerReferral, PersonRecord, TrajectRecord) {
        let (principal, partner) = try partner(context)
        let scope = Policy.scope(for: principal)
        guard let referral = try await services.providers.partnerReferral(id: try context.parameters.require("referral"), providerId: partner.providerId, scope: scope),
              let file = try await services.persons.fetchCase(personId: referral.referral.personId, scope: scope) else { throw AppError.notFound }
        return (principal, partner, referral, file.person, file.traject)
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, partner, referral, person, _) = try await load(context)
        try await services.record(.partnerReferralView, context: context, permission: .readPersons, person: person,
                                  detail: "verwijzing \(referral.referral.id)")
        return try await render(principal, partner, referral, person, input: FormData(), failed: nil, errors: [], context: context, status: .ok)
    }

    private func render(_ principal: Principal, _ partner: PartnerUser, _ referral: PartnerReferral, _ person: PersonRecord, input: FormData, failed: String?,
                        errors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let scope = Policy.scope(for: principal)
        let granted = partner.grants[person.id] ?? []
        let r = referral.referral
        typealias Fact = ProvidersController.Fact
        func date(_ d: CalendarDate?) -> String { d.map { DisplayDate.format($0, l) } ?? "—" }
        var facts = [Fact(label: t("referrals.referredOn"), value: date(r.referredOn)),
                     Fact(label: t("referrals.startMoment"), value: referral.startsOn.map { DisplayDate.format($0, l) } ?? t("referrals.waitingList"))]
        if let planned = r.plannedStartOn { facts.append(Fact(label: t("referrals.plannedStart"), value: date(planned))) }
        if let started = r.startedOn { facts.append(Fact(label: t("referrals.startedOn"), value: date(started))) }
        if let note = r.note { facts.append(Fact(label: t("referrals.note"), value: note)) }
        var contact: [Fact] = []
        if let c = try await services.casework.partnerContact(personId: person.id, scope: scope) {
            contact = [Fact(label: t("register.dateOfBirth"), value: date(c.dateOfBirth)), Fact(label: t("partner.phone"), value: c.phone ?? "—"),
                       Fact(label: t("partner.email"), value: c.email ?? "—"),
                       Fact(label: t("partner.language"), value: c.language + (c.interpreterNeeded ? " (\(t("partner.interpreter")))" : ""))]
        }
        var route: [Fact] = []
        if let found = try await services.casework.partnerRoute(personId: person.id, scope: scope) {
            route = [Fact(label: t("providers.offer.leerroute"), value: found.leerroute.map { t("routes.\($0.rawValue)") } ?? "—"),
                     Fact(label: t("providers.offer.niveau"), value: found.niveau?.rawValue ?? "—")]
        }
        var goals: [Fact] = []
        if let plan = try await services.casework.partnerPlanGoals(personId: person.id, scope: scope) {
            goals = [Fact(label: t("partner.pip"), value: t("partner.pipVersion", ["version": String(plan.version), "date": date(plan.dagtekening)])),
                     Fact(label: t("partner.begeleiding"), value: plan.begeleiding.isEmpty ? "—" : plan.begeleiding),
                     Fact(label: t("partner.ondersteuning"), value: plan.ondersteuning.isEmpty ? "—" : plan.ondersteuning),
                     Fact(label: t("partner.pvt"), value: plan.pvt.isEmpty ? "—" : plan.pvt),
                     Fact(label: t("partner.map"), value: plan.map.isEmpty ? "—" : plan.map)]
        }
        var hours: [Fact] = []
        if granted.contains(.hours) {
            hours = try await services.casework.partnerHours(personId: person.id, scope: scope).sorted { $0.key < $1.key }
                .map { Fact(label: t("progress.kinds.\($0.key)"), value: t("providers.offer.hoursTotal", ["n": String($0.value)])) }
        }
        let notShared = ConsentClass.allCases.filter { !granted.contains($0.dataClasses) }.map { t("referrals.classes.\($0.rawValue)") }.joined(separator: "; ")
        let today = CalendarDate.today(now: services.clock.now())
        let steps: [StepForm] = StepReferral.Step.allCases.filter { $0 != .withdraw && r.status.next.contains($0.status) }.map { step in
            let key = step.rawValue
            let fields = ReferralsController.stepFields(step, key: key, input: failed == key ? input : nil, errors: errors, plannedStart: referral.startsOn,
                                                        today: today, t)
            let segment = Self.actions.first { $0.value == step }?.key ?? step.rawValue
            return StepForm(label: t("partner.steps.\(step.rawValue)"), action: SiteRoute.partnerReferralAction(r.id, segment).path, fields: fields,
                            secondary: step == .refuse)
        }
        let reports = try await services.casework.listProgressReports(personId: person.id, scope: scope, providerId: partner.providerId)
            .filter { $0.referralId == r.id }
            .map { ReportRow(date: DisplayDate.format($0.reportedOn, l), levels: Self.levelsText($0.levels, t), advice: t("reports.advices.\($0.advice.rawValue)"),
                             note: $0.note) }
        let mine = failed == "rapportage"
        func value(_ name: String, _ fallback: String = "") -> String { mine ? input.raw(name) ?? "" : fallback }
        let reportForm: StepForm? = r.status == .started ? StepForm(
            label: t("reports.submit"), action: SiteRoute.partnerReferralAction(r.id, "rapportage").path,
            fields: [FieldView(.input("date"), name: "reportedOn", label: t("reports.reportedOn"), value: value("reportedOn", today.iso), required: true,
                               errors: mine ? errors : [])]
                + Taalvaardigheid.allCases.map { skill in
                    FieldView(.select, name: "level-\(skill.rawValue)", label: t("reports.skills.\(skill.rawValue)"), value: value("level-\(skill.rawValue)"),
                              options: [("", t("reports.noLevel"))] + Taalniveau.allCases.map { ($0.rawValue, $0.rawValue) }, errors: mine ? errors : [])
                }
                + [FieldView(.radios, name: "advice", label: t("reports.advice"), value: value("advice"),
                             options: ProviderAdvice.allCases.map { ($0.rawValue, t("reports.advices.\($0.rawValue)")) }, required: true, errors: mine ? errors : []),
                   FieldView(.textarea, name: "reportNote", label: t("reports.note"), hint: t("reports.noteHint"), value: value("reportNote"), errors: mine ? errors : [])],
            secondary: false) : nil
        return try services.views.render(
            "partner-referral", titleKey: "partner.referralTitle", titleArguments: ["name": "\(referral.givenNames) \(referral.familyName)"],
            content: DetailView(
                name: "\(referral.givenNames) \(referral.familyName)", backHref: SiteRoute.partnerHome.path, offer: referral.offerName,
                status: t("referrals.statuses.\(r.status.rawValue)"), facts: facts, contact: contact, route: route, hasRoute: !route.isEmpty, goals: goals,
                hasGoals: !goals.isEmpty, hours: hours, hasHours: !hours.isEmpty, notShared: notShared, hasNotShared: !notShared.isEmpty, steps: steps,
                hasSteps: !steps.isEmpty, summary: ErrorSummary(errors, idSuffix: failed.map { $0 == "rapportage" ? "" : "-" + $0 } ?? ""),
                reports: reports, hasReports: !reports.isEmpty, reportForm: reportForm),
            context: context, current: SiteRoute.partnerHome.path,
            notice: FormNotice.text(context, prefix: "partner.saved", keys: ["stap", "rapportage"], t), status: status)
    }

    func act(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, partner, referral, person, traject) = try await load(context)
        let input = context.form
        var r = InputReader()
        if try context.parameters.require("action") == "rapportage" {
            var levels: [Taalvaardigheid: Taalniveau] = [:]
            for skill in Taalvaardigheid.allCases {
                if let level = r.choice("level-\(skill.rawValue)", input["level-\(skill.rawValue)"], as: Taalniveau.self) { levels[skill] = level }
            }
            let command = ReportProgress(file: CaseFile(person: person, traject: traject), referralId: referral.referral.id, providerId: partner.providerId,
                                         reportedOn: r.date("reportedOn", input["reportedOn"]), levels: levels,
                                         advice: r.choice("advice", input["advice"], as: ProviderAdvice.self), note: r.text(input["reportNote"]), read: r.issues)
            do {
                try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .readPersons, context: context)
            } catch let invalid as FormErrors {
                return try await render(principal, partner, referral, person, input: input, failed: "rapportage", errors: invalid.fields, context: context,
                                        status: invalid.status)
            }
            return Response(status: .seeOther, headers: [.location: SiteRoute.partnerReferral(referral.referral.id).path + "?melding=rapportage#rapportages"])
        }
        guard let step = Self.actions[try context.parameters.require("action")] else { throw AppError.notFound }
        let command = StepReferral(file: CaseFile(person: person, traject: traject), referralId: referral.referral.id, step: step, on: r.date("on", input["on"]),
                                   plannedStart: r.date("plannedStart", input["plannedStart"]), reason: r.text(input["reason"]), providerId: partner.providerId,
                                   read: r.issues)
        do {
            _ = try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .readPersons, context: context)
        } catch let invalid as FormErrors {
            return try await render(principal, partner, referral, person, input: input, failed: step.rawValue, errors: invalid.fields, context: context,
                                    status: invalid.status)
        }
        // Ended or refused: no longer open, so the list is where to go.
        let stillOpen = step == .accept || step == .start
        return Response(status: .seeOther, headers: [.location: (stillOpen ? SiteRoute.partnerReferral(referral.referral.id).path : SiteRoute.partnerHome.path)
                                                     + "?melding=stap"])
    }

    // MARK: The provider's own accounts (its administrators only)

    struct AccountsView: Encodable {
        let accounts: [ProvidersController.AccountRow]
        let hasAccounts: Bool
        let limit: String
        let canAdd: Bool
        let fields: [FieldView]
        let action: String
        let summary: ErrorSummary
        let newLink: String?
        let newLinkMailed: String?
    }

    func admin(_ context: RegieRequestContext) async throws -> (Principal, PartnerUser, ProviderRecord) {
        let (principal, partner) = try partner(context)
        guard partner.isAdmin, let home = try await services.providers.partnerHome(providerId: partner.providerId) else { throw AppError.notFound }
        return (principal, partner, home.provider)
    }

    func accounts(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, partner, provider) = try await admin(context)
        return try await renderAccounts(principal, partner, provider, input: FormData(), failed: nil, errors: [], link: nil, context: context, status: .ok)
    }

    private func renderAccounts(_ principal: Principal, _ partner: PartnerUser, _ provider: ProviderRecord, input: FormData, failed: String?,
                                errors: [AppError.FieldError], link: (url: String, mailed: String?)?, context: RegieRequestContext,
                                status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let rows = try await ProvidersController.accountRows(services, provider: provider, except: partner.id, input: input, failed: failed, errors: errors, t)
        let active = rows.filter(\.active).count + 1
        let new = failed == "new"
        return try services.views.render(
            "partner-accounts", titleKey: "partner.accounts.title",
            content: AccountsView(
                accounts: rows, hasAccounts: !rows.isEmpty,
                limit: t("partner.accounts.limit", ["active": String(active), "max": String(provider.maxAccounts)]), canAdd: active < provider.maxAccounts || new,
                fields: [
                    FieldView(.input("text"), name: "accountName", label: t("providers.accounts.name"), value: new ? input.raw("accountName") ?? "" : "",
                              required: true, errors: new ? errors : []),
                    FieldView(.input("email"), name: "accountEmail", label: t("providers.accounts.email"), value: new ? input.raw("accountEmail") ?? "" : "",
                              required: true, errors: new ? errors : []),
                ],
                action: SiteRoute.partnerAccounts.path,
                summary: failed.map { $0 == "new" ? ErrorSummary(errors) : ErrorSummary(errors, idSuffix: "-" + $0) } ?? ErrorSummary([]),
                newLink: link.flatMap { $0.url.isEmpty ? nil : $0.url }, newLinkMailed: link?.mailed),
            context: context, current: SiteRoute.partnerAccounts.path,
            notice: FormNotice.text(context, prefix: "providers.saved", keys: ["uitgezet", "tweedeFactorHersteld"], t), status: status)
    }

    func changeAccounts(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, partner, provider) = try await admin(context)
        let accounts = PartnerAccounts(services: services)
        if context.form["actie"] == "tweede-factor-herstellen" {
            try await accounts.resetSecondFactor(provider: provider, except: partner.id, permission: .readPersons, context: context)
            return Response(status: .seeOther, headers: [.location: SiteRoute.partnerAccounts.path + "?melding=tweedeFactorHersteld"])
        }
        if context.form["actie"] == "uitzetten" {
            // Not one's own account: an administrator does not lock themselves out.
            switch try await accounts.switchOff(provider: provider, except: partner.id, permission: .readPersons, context: context) {
            case .invalid(let errors):
                return try await renderAccounts(principal, partner, provider, input: context.form, failed: context.form["account"], errors: errors, link: nil,
                                                context: context, status: .badRequest)
            case .done:
                return Response(status: .seeOther, headers: [.location: SiteRoute.partnerAccounts.path + "?melding=uitgezet"])
            }
        }
        switch try await accounts.add(provider: provider, municipalityName: partner.municipalities.first?.name ?? provider.municipalityCode, admin: false,
                                      principal: principal, permission: .readPersons, request: request, context: context) {
        case .invalid(let errors):
            return try await renderAccounts(principal, partner, provider, input: context.form, failed: "new", errors: errors, link: nil, context: context,
                                            status: .badRequest)
        case .done(let link):
            return try await renderAccounts(principal, partner, provider, input: FormData(), failed: nil, errors: [], link: link, context: context, status: .created)
        }
    }
}
