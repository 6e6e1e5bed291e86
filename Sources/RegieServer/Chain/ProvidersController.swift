import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The providers the municipalities work with (issue 18 item 1), kept by the functioneel
/// beheerder: `/beheer/aanbieders` lists them and adds one; a provider's page changes its details
/// (KvK number, quality mark and its expiry, contract period, agreed prices) and keeps its offers
/// (route and level, location, schedule, hours a week) with their start moments and capacity.
/// A form that fails keeps what was typed; every change is audited.
struct ProvidersController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.providers.path), use: list)
        router.post(RouterPath(SiteRoute.providers.path), use: add)
        router.get(RouterPath(SiteRoute.providerPattern), use: show)
        router.post(RouterPath(SiteRoute.providerPattern), use: save)
        router.post(RouterPath(SiteRoute.providerOffersPattern), use: addOffer)
        router.post(RouterPath(SiteRoute.providerOfferPattern), use: saveOffer)
        router.post(RouterPath(SiteRoute.providerStartsPattern), use: addStart)
        router.post(RouterPath(SiteRoute.providerStartPattern), use: changeStart)
        router.post(RouterPath(SiteRoute.providerAccountsPattern), use: accounts)
        router.post(RouterPath(SiteRoute.providerKeysPattern), use: keys)
    }

    struct ProviderRow: Encodable {
        let href: String
        let name: String
        let kind: String
        let municipality: String
        let kvk: String
        let qualityMark: String
        let markWarning: String?
        let contract: String
        let inactive: Bool
        let referrals: String
        let waiting: String
    }

    struct ListView: Encodable {
        let rows: [ProviderRow]
        let hasRows: Bool
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
    }

    struct StartRow: Encodable {
        let date: String
        let capacity: String
        let taken: String
        let free: String
        let cancelled: String?
        let action: String
        let capacityField: FieldView
        let reasonField: FieldView
        let open: Bool
    }

    struct OfferBlock: Encodable {
        let id: String
        let name: String
        let route: String
        let location: String
        let schedule: String
        let hours: String
        let waiting: String?
        let inactive: Bool
        let starts: [StartRow]
        let hasStarts: Bool
        let editAction: String
        let editFields: [FieldView]
        let startAction: String
        let startFields: [FieldView]
        let summary: ErrorSummary
    }

    struct ProviderView: Encodable {
        let name: String
        let backHref: String
        let facts: [Fact]
        let markWarning: String?
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let offers: [OfferBlock]
        let hasOffers: Bool
        let offerFields: [FieldView]
        let offerAction: String
        let accounts: [AccountRow]
        let hasAccounts: Bool
        let accountFields: [FieldView]
        let accountsAction: String
        let accountSummary: ErrorSummary
        let newLink: String?
        let newLinkMailed: String?
        let keys: [KeyRow]
        let hasKeys: Bool
        let keysIntro: String
        let keyFields: [FieldView]
        let keysAction: String
        let keySummary: ErrorSummary
        /// A key just made: shown once.
        let newKey: String?
    }

    /// A provider's link key, with the reason field of its revoke form (unrevoked keys).
    struct KeyRow: Encodable {
        let id: String
        let name: String
        let prefix: String
        let created: String
        let state: String
        let active: Bool
        /// The revoke form stays unfolded after it was refused, so the summary's link reaches its field.
        let open: Bool
        let reasonField: FieldView
    }

    struct AccountRow: Encodable {
        let id: String
        let name: String
        let email: String
        let state: String
        let active: Bool
        /// The switch-off form stays unfolded after it was refused, so the summary's link reaches its field.
        let open: Bool
        let reasonField: FieldView
    }

    /// The provider's accounts (without `except`, one's own), each with the reason field of its switch-off form.
    static func accountRows(_ services: AppServices, provider: ProviderRecord, except: String?, input: FormData, failed: String?,
                            errors: [AppError.FieldError], _ t: Localizer) async throws -> [AccountRow] {
        guard let organisation = try await services.users.partnerOrganisation(providerId: provider.id) else { return [] }
        let admins = try await services.users.partnerAdmins(organisationId: organisation)
        return try await services.users.listAccounts(organisationId: organisation).filter { $0.id != except }.map { a in
            let state = a.active ? (a.lastLoginAt.map { t("providers.accounts.lastLogin", ["when": DisplayDate.formatMoment($0)]) } ?? t("providers.accounts.neverIn"))
                : t("providers.accounts.off", ["reason": a.deactivationReason ?? ""])
            return AccountRow(id: a.id, name: a.name, email: a.email, state: state + (admins.contains(a.id) ? " · " + t("providers.accounts.admin") : ""),
                              active: a.active, open: failed == a.id,
                              reasonField: FieldView(.input("text"), name: "reason", id: "reason-\(a.id)", label: t("providers.accounts.reason"),
                                                     value: failed == a.id ? input.raw("reason") ?? "" : "", required: true, errors: failed == a.id ? errors : []))
        }
    }

    struct Fact: Encodable { let label: String; let value: String }

    /// Which form failed, so only it shows the typed values and the errors.
    enum Failed: Equatable {
        case provider, newOffer, offer(String), newStart(String), start(String), account(String), key(String)
    }

    // MARK: List

    func list(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        try await services.record(.providersView, context: context, permission: .manageSettings)
        return try await renderList(principal, input: FormData(), errors: [], context: context, status: .ok)
    }

    private func renderList(_ principal: Principal, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                            status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let today = CalendarDate.today(now: services.clock.now())
        let names = Dictionary(principal.municipalities.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let providers = try await services.providers.listProviders(scope: Policy.organisationScope(for: principal))
        let figures = try await services.providers.referralFigures(scope: Policy.organisationScope(for: principal), today: today)
        let rows = providers.map { p in
            let f = figures[p.id] ?? ProviderReferralFigures()
            return ProviderRow(href: SiteRoute.provider(p.id).path, name: p.name, kind: t("providers.kinds.\(p.kind.rawValue)"),
                        municipality: names[p.municipalityCode] ?? p.municipalityCode, kvk: p.kvk ?? "—",
                        qualityMark: Self.markText(p, t, l),
                        markWarning: Self.markWarning(p, today: today, t, l), contract: Self.contract(p, t, l), inactive: !p.active,
                        referrals: t("providers.figures.referrals", ["open": String(f.open), "waiting": String(f.waitingList), "refused": String(f.refused),
                                                                   "ended": String(f.ended)]),
                        waiting: f.averageWaitDays.map { t("providers.figures.wait", ["days": String($0), "n": String(f.startedLastYear)]) } ?? "—")
        }
        return try services.views.render(
            "providers", titleKey: "providers.title",
            content: ListView(rows: rows, hasRows: !rows.isEmpty, summary: ErrorSummary(errors),
                              fields: providerFields(nil, principal: principal, input: errors.isEmpty ? nil : input, errors: errors, t, l),
                              action: SiteRoute.providers.path),
            context: context, current: SiteRoute.providers.path,
            notice: FormNotice.text(context, prefix: "providers.saved", keys: ["toegevoegd"], t), status: status)
    }

    func add(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.manageSettings)
        do {
            let saved = try await services.run(saveCommand(id: nil, context.form), principal: principal, scope: Policy.organisationScope(for: principal),
                                               permission: .manageSettings, context: context)
            return Response(status: .seeOther, headers: [.location: SiteRoute.provider(saved.id).path + "?melding=toegevoegd"])
        } catch let invalid as FormErrors {
            return try await renderList(principal, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
    }

    func saveCommand(id: String?, _ input: FormData) -> SaveProvider {
        var r = InputReader()
        return SaveProvider(id: id, municipalityCode: r.text(input["municipality"]), name: r.text(input["name"]),
                            kind: r.choice("kind", input["kind"], as: ProviderKind.self), kvk: r.text(input["kvk"]?.replacingOccurrences(of: " ", with: "")),
                            qualityMark: r.text(input["qualityMark"]), qualityMarkUntil: r.date("qualityMarkUntil", input["qualityMarkUntil"]),
                            contractFrom: r.date("contractFrom", input["contractFrom"]), contractUntil: r.date("contractUntil", input["contractUntil"]),
                            priceHourCents: r.amount("priceHour", input["priceHour"]), priceRouteCents: r.amount("priceRoute", input["priceRoute"]),
                            contactEmail: r.text(input["contactEmail"]), active: id == nil || r.flag(input["active"]),
                            maxAccounts: r.integer("maxAccounts", input["maxAccounts"], range: 0...200), read: r.issues)
    }

    /// The provider form, filled from `provider` or (after a failed post) from what was typed.
    func providerFields(_ provider: ProviderRecord?, principal: Principal, input: FormData?, errors: [AppError.FieldError],
                        _ t: Localizer, _ l: UILocale) -> [FieldView] {
        func value(_ name: String, _ stored: String?) -> String { input.map { $0.raw(name) ?? "" } ?? stored ?? "" }
        // A new provider's municipality: the one the user works in now, or a choice to make.
        let working = principal.municipalities.count == 1 ? principal.municipalities.first?.code : Self.sessionMunicipality(principal)
        let municipality = value("municipality", provider?.municipalityCode ?? working)
        let kind = value("kind", provider?.kind.rawValue)
        var fields = [
            FieldView(.input("text"), name: "name", label: t("providers.name"), value: value("name", provider?.name), required: true, errors: errors),
            FieldView(.select, name: "kind", label: t("providers.kind"), value: kind,
                      options: [("", t("providers.choose"))] + ProviderKind.allCases.map { ($0.rawValue, t("providers.kinds.\($0.rawValue)")) },
                      required: true, errors: errors),
            FieldView(.input("text"), name: "kvk", label: t("providers.kvk"), hint: t("providers.kvkHint"), value: value("kvk", provider?.kvk), errors: errors,
                      extra: "inputmode=\"numeric\" autocomplete=\"off\""),
            FieldView(.input("text"), name: "qualityMark", label: t("providers.qualityMark"), hint: t("providers.qualityMarkHint"),
                      value: value("qualityMark", provider?.qualityMark), errors: errors),
            FieldView(.input("date"), name: "qualityMarkUntil", label: t("providers.qualityMarkUntil"), value: value("qualityMarkUntil", provider?.qualityMarkUntil?.iso),
                      errors: errors),
            FieldView(.input("date"), name: "contractFrom", label: t("providers.contractFrom"), value: value("contractFrom", provider?.contractFrom?.iso), errors: errors),
            FieldView(.input("date"), name: "contractUntil", label: t("providers.contractUntil"), hint: t("providers.contractUntilHint"),
                      value: value("contractUntil", provider?.contractUntil?.iso), errors: errors),
            FieldView(.input("text"), name: "priceHour", label: t("providers.priceHour"), hint: t("providers.priceHint"),
                      value: value("priceHour", provider?.priceHourCents.map(Money.field)), errors: errors, extra: "inputmode=\"decimal\""),
            FieldView(.input("text"), name: "priceRoute", label: t("providers.priceRoute"), hint: t("providers.priceHint"),
                      value: value("priceRoute", provider?.priceRouteCents.map(Money.field)), errors: errors, extra: "inputmode=\"decimal\""),
            FieldView(.input("email"), name: "contactEmail", label: t("providers.contactEmail"), value: value("contactEmail", provider?.contactEmail), errors: errors),
            FieldView(.input("number"), name: "maxAccounts", label: t("providers.maxAccounts"), hint: t("providers.maxAccountsHint"),
                      value: value("maxAccounts", String(provider?.maxAccounts ?? 10)), errors: errors, extra: "min=\"0\" max=\"200\""),
        ]
        let choose: [(String, String)] = principal.municipalities.count > 1 ? [("", t("providers.chooseMunicipality"))] : []
        fields.insert(FieldView(.select, name: "municipality", label: t("providers.municipality"), value: municipality,
                                options: choose + principal.municipalities.map { ($0.code, $0.name) }, required: true, errors: errors), at: 0)
        if provider != nil {
            fields.append(FieldView(.checkbox, name: "active", label: t("providers.active"), hint: t("providers.activeHint"),
                                    value: input.map { $0.raw("active") == "ja" ? "ja" : "" } ?? (provider?.active == true ? "ja" : ""), errors: errors))
        }
        return fields
    }

    /// The errors of the accounts' forms: the new account's fields, or a switch-off's reason (its id suffixed).
    static func accountSummary(_ failed: Failed?, _ errors: [AppError.FieldError]) -> ErrorSummary {
        guard case .account(let id) = failed else { return ErrorSummary([]) }
        return id == "new" ? ErrorSummary(errors) : ErrorSummary(errors, idSuffix: "-" + id)
    }

    static func sessionMunicipality(_ principal: Principal) -> String? {
        if case .user(_, let session) = principal { return session.municipalityCode }
        return nil
    }

    static func contract(_ p: ProviderRecord, _ t: Localizer, _ l: UILocale) -> String {
        switch (p.contractFrom, p.contractUntil) {
        case let (from?, until?): return t("providers.contractPeriod", ["from": DisplayDate.format(from, l), "until": DisplayDate.format(until, l)])
        case let (from?, nil): return t("providers.contractOpen", ["from": DisplayDate.format(from, l)])
        case let (nil, until?): return t("providers.until", ["date": DisplayDate.format(until, l)])
        case (nil, nil): return "—"
        }
    }

    /// The quality mark with the day it runs until, or a dash.
    static func markText(_ p: ProviderRecord, _ t: Localizer, _ l: UILocale) -> String {
        guard let mark = p.qualityMark else { return "—" }
        return mark + (p.qualityMarkUntil.map { " (" + t("providers.until", ["date": DisplayDate.format($0, l)]) + ")" } ?? "")
    }

    /// A warning when the quality mark has expired or expires within 60 days.
    static func markWarning(_ p: ProviderRecord, today: CalendarDate, _ t: Localizer, _ l: UILocale) -> String? {
        guard let until = p.qualityMarkUntil else { return nil }
        if until < today { return t("providers.markExpired", ["date": DisplayDate.format(until, l)]) }
        if until <= today.adding(days: 60) { return t("providers.markExpires", ["date": DisplayDate.format(until, l)]) }
        return nil
    }

    // MARK: One provider

    func load(_ context: RegieRequestContext) async throws -> (Principal, ProviderRecord) {
        let principal = try context.require(.manageSettings)
        guard let provider = try await services.providers.fetchProvider(id: try context.parameters.require("id"), scope: Policy.organisationScope(for: principal))
        else { throw AppError.notFound }
        return (principal, provider)
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, provider) = try await load(context)
        return try await render(principal, provider, input: FormData(), failed: nil, errors: [], context: context, status: .ok)
    }

    private func render(_ principal: Principal, _ provider: ProviderRecord, input: FormData, failed: Failed?, errors: [AppError.FieldError],
                        link: (url: String, mailed: String?)? = nil, newKey: String? = nil, context: RegieRequestContext,
                        status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let today = CalendarDate.today(now: services.clock.now())
        let scope = Policy.organisationScope(for: principal)
        let offers = try await services.providers.listOffers(providerId: provider.id, scope: scope, today: today)
        let errorsFor = { (form: Failed) in failed == form ? errors : [] }
        let names = Dictionary(principal.municipalities.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let blocks = offers.map { choice in
            let offer = choice.offer
            let starts = choice.starts.map { start in
                let form = Failed.start(start.id)
                return StartRow(
                    date: DisplayDate.format(start.startsOn, l), capacity: String(start.capacity), taken: String(start.taken), free: String(start.free),
                    cancelled: start.cancelledReason.map { t("providers.start.cancelled", ["reason": $0]) },
                    action: SiteRoute.providerStart(provider.id, offer.id, start.id).path,
                    capacityField: FieldView(.input("number"), name: "capacity", id: "capacity-\(start.id)", label: t("providers.start.capacity"),
                                             value: failed == form ? input.raw("capacity") ?? "" : String(start.capacity), errors: errorsFor(form),
                                             extra: "min=\"0\" max=\"500\""),
                    reasonField: FieldView(.input("text"), name: "cancelledReason", id: "cancelledReason-\(start.id)", label: t("providers.start.cancelledReason"),
                                           hint: t("providers.start.cancelHint"), value: failed == form ? input.raw("cancelledReason") ?? "" : "", errors: errorsFor(form)),
                    open: start.cancelledReason == nil && start.startsOn >= today)
            }
            let editing = failed == .offer(offer.id)
            let adding = failed == .newStart(offer.id)
            return OfferBlock(
                id: offer.id, name: offer.name, route: Self.routeText(offer, t), location: offer.location, schedule: offer.schedule,
                hours: t("providers.offer.hoursText", ["n": String(offer.hoursPerWeek)]),
                waiting: choice.waiting > 0 ? t("providers.offer.waiting", ["n": String(choice.waiting)]) : nil, inactive: !offer.active,
                starts: starts, hasStarts: !starts.isEmpty, editAction: SiteRoute.providerOffer(provider.id, offer.id).path,
                editFields: offerFields(offer, input: editing ? input : nil, errors: errorsFor(.offer(offer.id)), idSuffix: "-" + offer.id, t),
                startAction: SiteRoute.providerStarts(provider.id, offer.id).path,
                startFields: [
                    FieldView(.input("date"), name: "startsOn", id: "startsOn-new-\(offer.id)", label: t("providers.start.startsOn"),
                              value: adding ? input.raw("startsOn") ?? "" : "", required: true, errors: errorsFor(.newStart(offer.id))),
                    FieldView(.input("number"), name: "capacity", id: "capacity-new-\(offer.id)", label: t("providers.start.capacity"),
                              value: adding ? input.raw("capacity") ?? "" : "", required: true, errors: errorsFor(.newStart(offer.id)), extra: "min=\"1\" max=\"500\""),
                ],
                summary: Self.blockSummary(offer: offer.id, starts: choice.starts.map(\.id), failed: failed, errors: errors))
        }
        var facts = [
            Fact(label: t("providers.kind"), value: t("providers.kinds.\(provider.kind.rawValue)")),
            Fact(label: t("providers.municipality"), value: names[provider.municipalityCode] ?? provider.municipalityCode),
            Fact(label: t("providers.kvk"), value: provider.kvk ?? "—"),
            Fact(label: t("providers.qualityMark"), value: Self.markText(provider, t, l)),
            Fact(label: t("providers.contract"), value: Self.contract(provider, t, l)),
        ]
        if let hour = provider.priceHourCents { facts.append(Fact(label: t("providers.priceHour"), value: Money.format(hour, l))) }
        if let route = provider.priceRouteCents { facts.append(Fact(label: t("providers.priceRoute"), value: Money.format(route, l))) }
        facts.append(Fact(label: t("providers.maxAccounts"), value: String(provider.maxAccounts)))
        if !provider.active { facts.append(Fact(label: t("providers.status"), value: t("providers.inactive"))) }
        let summaryErrors = failed == .provider || failed == .newOffer ? errors : []
        let failedAccount: String? = { if case .account(let id) = failed { return id } else { return nil } }()
        let accountRows = try await Self.accountRows(services, provider: provider, except: nil, input: input, failed: failedAccount, errors: errors, t)
        let newAccount = failed == .account("new")
        let keyRows = try await services.providers.apiKeys(providerId: provider.id).map { key in
            let failedHere = failed == .key(key.id)
            let state = key.revokedAt.map { t("providers.keys.revoked", ["date": DisplayDate.formatMoment($0), "reason": key.revokedReason ?? ""]) }
                ?? key.lastUsedAt.map { t("providers.keys.activeUsed", ["moment": DisplayDate.formatMoment($0)]) } ?? t("providers.keys.activeUnused")
            return KeyRow(id: key.id, name: key.name, prefix: key.prefix, created: DisplayDate.formatMoment(key.createdAt), state: state,
                          active: key.revokedAt == nil, open: failedHere,
                          reasonField: FieldView(.input("text"), name: "reason", id: "reason-key-\(key.id)", label: t("providers.keys.revokeReason"),
                                                 value: failedHere ? input.raw("reason") ?? "" : "", required: true, errors: failedHere ? errors : []))
        }
        let newKeyForm = failed == .key("new")
        return try services.views.render(
            "provider", titleKey: "providers.providerTitle", titleArguments: ["name": provider.name],
            content: ProviderView(
                name: provider.name, backHref: SiteRoute.providers.path, facts: facts, markWarning: Self.markWarning(provider, today: today, t, l),
                summary: ErrorSummary(summaryErrors),
                fields: providerFields(provider, principal: principal, input: failed == .provider ? input : nil, errors: errorsFor(.provider), t, l),
                action: SiteRoute.provider(provider.id).path, offers: blocks, hasOffers: !blocks.isEmpty,
                offerFields: offerFields(nil, input: failed == .newOffer ? input : nil, errors: errorsFor(.newOffer), idSuffix: "", t),
                offerAction: SiteRoute.providerOffers(provider.id).path, accounts: accountRows, hasAccounts: !accountRows.isEmpty,
                accountFields: [
                    FieldView(.input("text"), name: "accountName", label: t("providers.accounts.name"), value: newAccount ? input.raw("accountName") ?? "" : "",
                              required: true, errors: newAccount ? errors : []),
                    FieldView(.input("email"), name: "accountEmail", label: t("providers.accounts.email"),
                              value: newAccount ? input.raw("accountEmail") ?? "" : "", required: true, errors: newAccount ? errors : []),
                    FieldView(.checkbox, name: "partnerAdmin", label: t("providers.accounts.makeAdmin"), hint: t("providers.accounts.makeAdminHint"),
                              value: newAccount && input.raw("partnerAdmin") == "ja" ? "ja" : "", errors: []),
                ],
                accountsAction: SiteRoute.providerAccounts(provider.id).path,
                accountSummary: Self.accountSummary(failed, errors),
                newLink: link.flatMap { $0.url.isEmpty ? nil : $0.url }, newLinkMailed: link?.mailed,
                keys: keyRows, hasKeys: !keyRows.isEmpty, keysIntro: t("providers.keys.intro", ["path": APIDoor.provider.documentPath]),
                keyFields: [FieldView(.input("text"), name: "keyName", label: t("providers.keys.name"), hint: t("providers.keys.nameHint"),
                                      value: newKeyForm ? input.raw("keyName") ?? "" : "", required: true, errors: newKeyForm ? errors : [])],
                keysAction: SiteRoute.providerKeys(provider.id).path,
                keySummary: { if case .key(let id) = failed { return ErrorSummary(errors, idSuffix: id == "new" ? "" : "-key-" + id) }; return ErrorSummary([]) }(),
                newKey: newKey),
            context: context, current: SiteRoute.providers.path,
            notice: FormNotice.text(context, prefix: "providers.saved", keys: ["toegevoegd", "opgeslagen", "aanbod", "startmoment", "uitgezet", "tweedeFactorHersteld"], t)
                ?? FormNotice.text(context, prefix: "providers.keys.saved", keys: ["ingetrokken"], t),
            status: status)
    }

    /// The errors of a form inside an offer's block, linked to that form's fields.
    static func blockSummary(offer: String, starts: [String], failed: Failed?, errors: [AppError.FieldError]) -> ErrorSummary {
        switch failed {
        case .offer(offer): return ErrorSummary(errors, idSuffix: "-" + offer)
        case .newStart(offer): return ErrorSummary(errors, idSuffix: "-new-" + offer)
        case .start(let id) where starts.contains(id): return ErrorSummary(errors, idSuffix: "-" + id)
        default: return ErrorSummary([])
        }
    }

    static func routeText(_ offer: OfferRecord, _ t: Localizer) -> String {
        guard let route = offer.leerroute else { return t("providers.offer.noRoute") }
        return t("routes.\(route.rawValue)") + (offer.niveau.map { " · " + $0.rawValue } ?? "")
    }

    func offerFields(_ offer: OfferRecord?, input: FormData?, errors: [AppError.FieldError], idSuffix: String, _ t: Localizer) -> [FieldView] {
        func value(_ name: String, _ stored: String?) -> String { input.map { $0.raw(name) ?? "" } ?? stored ?? "" }
        var fields = [
            FieldView(.input("text"), name: "offerName", id: "offerName" + idSuffix, label: t("providers.offer.name"), hint: t("providers.offer.nameHint"),
                      value: value("offerName", offer?.name), required: true, errors: errors),
            FieldView(.select, name: "leerroute", id: "leerroute" + idSuffix, label: t("providers.offer.leerroute"), value: value("leerroute", offer?.leerroute?.rawValue),
                      options: [("", t("providers.offer.noRoute"))] + Leerroute.allCases.map { ($0.rawValue, t("routes.\($0.rawValue)")) }, errors: errors),
            FieldView(.select, name: "niveau", id: "niveau" + idSuffix, label: t("providers.offer.niveau"), value: value("niveau", offer?.niveau?.rawValue),
                      options: [("", t("providers.offer.anyLevel"))] + Taalniveau.allCases.map { ($0.rawValue, $0.rawValue) }, errors: errors),
            FieldView(.input("text"), name: "location", id: "location" + idSuffix, label: t("providers.offer.location"), value: value("location", offer?.location),
                      required: true, errors: errors),
            FieldView(.input("text"), name: "schedule", id: "schedule" + idSuffix, label: t("providers.offer.schedule"), hint: t("providers.offer.scheduleHint"),
                      value: value("schedule", offer?.schedule), required: true, errors: errors),
            FieldView(.input("number"), name: "hoursPerWeek", id: "hoursPerWeek" + idSuffix, label: t("providers.offer.hoursPerWeek"),
                      value: value("hoursPerWeek", offer.map { String($0.hoursPerWeek) }), required: true, errors: errors, extra: "min=\"1\" max=\"40\""),
        ]
        if offer != nil {
            fields.append(FieldView(.checkbox, name: "active", id: "active" + idSuffix, label: t("providers.offer.active"),
                                    value: input.map { $0.raw("active") == "ja" ? "ja" : "" } ?? (offer?.active == true ? "ja" : ""), errors: errors))
        }
        return fields
    }

    func save(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, provider) = try await load(context)
        do {
            var command = saveCommand(id: provider.id, context.form)
            command.municipalityCode = command.municipalityCode ?? provider.municipalityCode
            _ = try await services.run(command, principal: principal, scope: Policy.organisationScope(for: principal), permission: .manageSettings, context: context)
        } catch let invalid as FormErrors {
            return try await render(principal, provider, input: context.form, failed: .provider, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.provider(provider.id).path + "?melding=opgeslagen"])
    }

    func offerCommand(providerId: String, id: String?, _ input: FormData) -> SaveOffer {
        var r = InputReader()
        return SaveOffer(providerId: providerId, id: id, name: r.text(input["offerName"]), leerroute: r.choice("leerroute", input["leerroute"], as: Leerroute.self),
                         niveau: r.choice("niveau", input["niveau"], as: Taalniveau.self), location: r.text(input["location"]), schedule: r.text(input["schedule"]),
                         hoursPerWeek: r.integer("hoursPerWeek", input["hoursPerWeek"], range: 1...40), active: id == nil || r.flag(input["active"]), read: r.issues)
    }

    func addOffer(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, provider) = try await load(context)
        do {
            _ = try await services.run(offerCommand(providerId: provider.id, id: nil, context.form), principal: principal,
                                       scope: Policy.organisationScope(for: principal), permission: .manageSettings, context: context)
        } catch let invalid as FormErrors {
            return try await render(principal, provider, input: context.form, failed: .newOffer, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.provider(provider.id).path + "?melding=aanbod"])
    }

    func saveOffer(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, provider) = try await load(context)
        let offerId = try context.parameters.require("offer")
        do {
            _ = try await services.run(offerCommand(providerId: provider.id, id: offerId, context.form), principal: principal,
                                       scope: Policy.organisationScope(for: principal), permission: .manageSettings, context: context)
        } catch let invalid as FormErrors {
            return try await render(principal, provider, input: context.form, failed: .offer(offerId), errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.provider(provider.id).path + "?melding=aanbod#aanbod-\(offerId)"])
    }

    func addStart(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, provider) = try await load(context)
        let offerId = try context.parameters.require("offer")
        guard try await services.providers.fetchOffer(id: offerId, scope: Policy.organisationScope(for: principal))?.provider.id == provider.id else { throw AppError.notFound }
        var r = InputReader()
        let command = SaveOfferStart(offerId: offerId, startId: nil, startsOn: r.date("startsOn", context.form["startsOn"]),
                                     capacity: r.integer("capacity", context.form["capacity"], range: 1...500), cancelledReason: nil, read: r.issues)
        do {
            try await services.run(command, principal: principal, scope: Policy.organisationScope(for: principal), permission: .manageSettings, context: context)
        } catch let invalid as FormErrors {
            return try await render(principal, provider, input: context.form, failed: .newStart(offerId), errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.provider(provider.id).path + "?melding=startmoment#aanbod-\(offerId)"])
    }

    func changeStart(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, provider) = try await load(context)
        let offerId = try context.parameters.require("offer")
        let startId = try context.parameters.require("start")
        guard try await services.providers.fetchOffer(id: offerId, scope: Policy.organisationScope(for: principal))?.provider.id == provider.id else { throw AppError.notFound }
        var r = InputReader()
        let command = SaveOfferStart(offerId: offerId, startId: startId, startsOn: nil, capacity: r.integer("capacity", context.form["capacity"], range: 0...500),
                                     cancelledReason: r.text(context.form["cancelledReason"]), read: r.issues)
        do {
            try await services.run(command, principal: principal, scope: Policy.organisationScope(for: principal), permission: .manageSettings, context: context)
        } catch let invalid as FormErrors {
            return try await render(principal, provider, input: context.form, failed: .start(startId), errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.provider(provider.id).path + "?melding=startmoment#aanbod-\(offerId)"])
    }

    /// The provider's staff accounts: added by the functioneel beheerder (a one-time link to set a
    /// password, by e-mail when a mail server is set, else shown once), each with a second factor
    /// required at sign-in; switched off with a reason (their sessions end at once).
    func accounts(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, provider) = try await load(context)
        let accounts = PartnerAccounts(services: services)
        if context.form["actie"] == "tweede-factor-herstellen" {
            try await accounts.resetSecondFactor(provider: provider, permission: .manageSettings, context: context)
            return Response(status: .seeOther, headers: [.location: SiteRoute.provider(provider.id).path + "?melding=tweedeFactorHersteld#accounts"])
        }
        if context.form["actie"] == "uitzetten" {
            switch try await accounts.switchOff(provider: provider, permission: .manageSettings, context: context) {
            case .invalid(let errors):
                return try await render(principal, provider, input: context.form, failed: .account(context.form["account"] ?? ""), errors: errors,
                                        context: context, status: .badRequest)
            case .done:
                return Response(status: .seeOther, headers: [.location: SiteRoute.provider(provider.id).path + "?melding=uitgezet#accounts"])
            }
        }
        let municipality = principal.municipalities.first { $0.code == provider.municipalityCode }?.name ?? provider.municipalityCode
        switch try await accounts.add(provider: provider, municipalityName: municipality, admin: context.form["partnerAdmin"] == "ja", principal: principal,
                                      permission: .manageSettings, request: request, context: context) {
        case .invalid(let errors):
            return try await render(principal, provider, input: context.form, failed: .account("new"), errors: errors, context: context, status: .badRequest)
        case .done(let link):
            return try await render(principal, provider, input: FormData(), failed: nil, errors: [], link: link, context: context, status: .created)
        }
    }

    /// The provider's link keys for its administration system (the provider API): made by the
    /// functioneel beheerder, the secret shown once and stored as its HMAC only; revoked with a
    /// reason, after which the key opens nothing.
    func keys(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, provider) = try await load(context)
        let t = services.localizer(context)
        let now = services.clock.now()
        if context.form["actie"] == "intrekken" {
            let id = context.form["key"] ?? ""
            var v = Validator(t)
            guard let reason = v.text("reason", context.form["reason"], label: "providers.keys.revokeReason", maxLength: 300), v.isValid else {
                return try await render(principal, provider, input: context.form, failed: .key(id), errors: v.errors, context: context, status: .badRequest)
            }
            guard try await services.providers.revokeAPIKey(
                id: id, providerId: provider.id, reason: reason, by: principal.actorId,
                audit: services.auditEvent(.providerKeyRevoke, context: context, permission: .manageSettings, detail: "aanbieder \(provider.id), sleutel \(id): \(reason)"),
                now: now) else { throw AppError.notFound }
            return Response(status: .seeOther, headers: [.location: SiteRoute.provider(provider.id).path + "?melding=ingetrokken#sleutels"])
        }
        var v = Validator(t)
        guard let name = v.text("keyName", context.form["keyName"], label: "providers.keys.name", maxLength: 100, characters: .name), v.isValid else {
            return try await render(principal, provider, input: context.form, failed: .key("new"), errors: v.errors, context: context, status: .badRequest)
        }
        let prefix = String(TokenHasher.randomToken(bytes: 9).prefix(12)).replacingOccurrences(of: "_", with: "x")
        let secret = TokenHasher.randomToken()
        let key = ProviderAPIKeyRecord(id: UUID().uuidString.lowercased(), providerId: provider.id, name: name, prefix: prefix, createdBy: principal.actorId,
                                       createdAt: now)
        try await services.providers.insertAPIKey(
            key, secretHash: services.hasher.digest(secret),
            audit: services.auditEvent(.providerKeyCreate, context: context, permission: .manageSettings, detail: "aanbieder \(provider.id), sleutel \(key.id) (\(prefix))"),
            now: now)
        return try await render(principal, provider, input: FormData(), failed: nil, errors: [], newKey: ProviderAPIKeyToken.token(prefix: prefix, secret: secret),
                                context: context, status: .created)
    }
}
