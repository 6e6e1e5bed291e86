import Foundation
import Hummingbird
import HummingbirdBcrypt
import Inburgering
import NIOPosix
import RegieCasework
import RegieStorage

/// Referrals of a newcomer to a provider's offer (issue 18 item 2), on `/personen/{id}/verwijzingen`:
/// the offers of the municipality's contracted providers, the PIP's route and level first and then
/// by the earliest start with a free place; a referral records exactly which classes of data the
/// newcomer consents to share with the provider (health and the COA profile only separately); the
/// consent can be changed or revoked with a reason, and its history stays. The provider's answer
/// (a start date or a refusal with a reason), the start and the end are recorded on the referral;
/// the waiting time runs from the referral to the start.
struct ReferralsController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.referralsPattern), use: show)
        router.post(RouterPath(SiteRoute.referralsPattern), use: refer)
        router.post(RouterPath(SiteRoute.referralActionPattern), use: act)
        router.post(RouterPath(SiteRoute.participantAccountPattern), use: participantAccount)
    }

    /// The actions on one referral, by their path segment.
    static let actions: [String: StepReferral.Step] = ["accepteren": .accept, "weigeren": .refuse, "starten": .start, "beeindigen": .end, "intrekken": .withdraw]

    struct ConsentLine: Encodable { let text: String; let period: String; let current: Bool }
    struct StepForm: Encodable { let label: String; let action: String; let fields: [FieldView]; let secondary: Bool }

    struct ReferralBlock: Encodable {
        let id: String
        let title: String
        let status: String
        let facts: [ProvidersController.Fact]
        let consent: [ConsentLine]
        let steps: [StepForm]
        let hasSteps: Bool
        let consentAction: String?
        let consentFields: [FieldView]
        let revokeAction: String?
        let revokeFields: [FieldView]
        let summary: ErrorSummary
        let open: Bool
    }

    struct ReferralsView: Encodable {
        let name: String
        let backHref: String
        let routeLine: String
        let referrals: [ReferralBlock]
        let hasReferrals: Bool
        let canRefer: Bool
        let hasOffers: Bool
        let summary: ErrorSummary
        let offerField: FieldView
        let fields: [FieldView]
        let consentField: FieldView
        let separateField: FieldView
        let action: String
        let participant: ParticipantLoginView
    }

    /// The newcomer's own login for the attendance register, as the consulent issues and keeps it.
    struct ParticipantLoginView: Encodable {
        let state: String
        let canManage: Bool
        let action: String
        let issueLabel: String
        let canSwitchOff: Bool
        let reasonField: FieldView
        let issuedLogin: String?
        let issuedPassword: String?
        let summary: ErrorSummary
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record(.caseworkReferralView, context: context, permission: .readCasework, person: loaded.person)
        return try await render(loaded, input: FormData(), failed: nil, errors: [], context: context, status: .ok)
    }

    /// The route and level of the newest fixed PIP, which the offers are matched to.
    func planned(_ loaded: CaseLoader.Loaded) async throws -> (Leerroute, Taalniveau?)? {
        let pips = try await services.casework.listPIPs(personId: loaded.person.id, scope: loaded.scope)
        return pips.last { $0.status == .vastgesteld }.map { ($0.leerroute, $0.niveau) }
    }

    private func render(_ loaded: CaseLoader.Loaded, input: FormData, failed: String?, errors: [AppError.FieldError],
                        context: RegieRequestContext, status: HTTPResponse.Status, issued: (login: String, password: String)? = nil) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let person = loaded.person
        let today = loader.today
        let canEdit = Policy.allows(loaded.principal, .editPersons)
        let plan = try await planned(loaded)
        let choices = try await services.providers.offersForReferral(scope: loaded.scope, municipalityCode: person.municipalityCode,
                                                                     leerroute: plan?.0 ?? loaded.traject.leerroute, niveau: plan?.1, today: today)
        let referrals = try await services.casework.listReferrals(personId: person.id, scope: loaded.scope)
        let errorsFor = { (form: String) in failed == form ? errors : [] }
        let attendance = try await services.providers.attendance(personId: person.id, scope: loaded.scope)
        let blocks = referrals.map { view in
            block(view, attendance: attendance[view.referral.id], loaded: loaded, canEdit: canEdit, input: input, failed: failed, errors: errors, t, l)
        }
        let account = try await services.participants.account(personId: person.id, scope: loaded.scope)
        let accountState: String = if let account {
            !account.active ? t("participantAccount.off", ["login": account.login, "reason": account.deactivatedReason ?? ""])
                : account.mustChange ? t("participantAccount.waiting", ["login": account.login])
                : t("participantAccount.active", ["login": account.login,
                                                  "last": account.lastLoginAt.map { DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval($0))) } ?? "—"])
        } else { t("participantAccount.none") }
        let routeLine = plan.map { t("referrals.routeFromPIP", ["route": t("routes.\($0.0.rawValue)"), "level": $0.1?.rawValue ?? "B1"]) }
            ?? loaded.traject.leerroute.map { t("referrals.routeDecided", ["route": t("routes.\($0.rawValue)")]) }
            ?? t("referrals.noRoute")
        let new = failed == "new"
        let offerOptions = choices.map { choice in
            (choice.offer.id, Self.offerLabel(choice, today: today, t, l))
        }
        let chosenOffer = new ? input.raw("offer") ?? "" : ""
        return try services.views.render(
            "referrals", titleKey: "referrals.title", titleArguments: ["name": person.displayName(t)],
            content: ReferralsView(
                name: person.displayName(t), backHref: SiteRoute.person(person.id).path, routeLine: routeLine, referrals: blocks, hasReferrals: !blocks.isEmpty,
                canRefer: canEdit && loaded.traject.closedDate == nil, hasOffers: !choices.isEmpty, summary: ErrorSummary(new ? errors : []),
                offerField: FieldView(.radios, name: "offer", label: t("referrals.offer"), hint: t("referrals.offerHint"), value: chosenOffer,
                                      options: offerOptions, required: true, errors: errorsFor("new")),
                fields: [
                    FieldView(.input("date"), name: "referredOn", label: t("referrals.referredOn"), value: new ? input.raw("referredOn") ?? "" : today.iso,
                              required: true, errors: errorsFor("new")),
                    FieldView(.textarea, name: "note", label: t("referrals.note"), hint: t("referrals.noteHint"), value: new ? input.raw("note") ?? "" : "",
                              errors: errorsFor("new")),
                ],
                consentField: consentField(id: "consent", selected: new ? Set(input.all("consent")) : [ConsentClass.identity.rawValue], errors: errorsFor("new"), t),
                separateField: FieldView(.checkbox, name: "separately", label: t("referrals.separately"), hint: t("referrals.separatelyHint"),
                                         value: new && input.raw("separately") == "ja" ? "ja" : "", errors: errorsFor("new")),
                action: SiteRoute.referrals(person.id).path,
                participant: ParticipantLoginView(
                    state: accountState, canManage: canEdit && loaded.traject.closedDate == nil, action: SiteRoute.participantAccount(person.id).path,
                    issueLabel: t(account == nil ? "participantAccount.issue" : "participantAccount.reissue"), canSwitchOff: account?.active == true,
                    reasonField: FieldView(.input("text"), name: "reason", id: "reason-deelnemerslogin", label: t("participantAccount.reason"),
                                           value: failed == "deelnemerslogin" ? input.raw("reason") ?? "" : "", required: true,
                                           errors: failed == "deelnemerslogin" ? errors : []),
                    issuedLogin: issued?.login, issuedPassword: issued?.password,
                    summary: ErrorSummary(failed == "deelnemerslogin" ? errors : [], idSuffix: "-deelnemerslogin"))),
            context: context,
            notice: FormNotice.text(context, prefix: "referrals.saved", keys: ["verwezen", "stap", "toestemming", "ingetrokken", "loginUit"], t), status: status)
    }

    func consentField(id: String, selected: Set<String>, errors: [AppError.FieldError], _ t: Localizer) -> FieldView {
        FieldView(.checkboxes, name: "consent", id: id, label: t("referrals.consent"), hint: t("referrals.consentHint"),
                  values: Array(selected),
                  options: ConsentClass.allCases.map { ($0.rawValue, t("referrals.classes.\($0.rawValue)")) }, required: true, errors: errors)
    }

    static func offerLabel(_ choice: OfferChoice, today: CalendarDate, _ t: Localizer, _ l: UILocale) -> String {
        let o = choice.offer
        let route = o.leerroute == nil ? "" : ProvidersController.routeText(o, t) + ", "
        let base = "\(choice.provider.name) — \(o.name): \(route)\(o.location), \(o.schedule), " + t("providers.offer.hoursText", ["n": String(o.hoursPerWeek)])
        let start = choice.firstFree.map { t("referrals.firstFree", ["date": DisplayDate.format($0.startsOn, l), "n": String($0.free)]) }
            ?? t("referrals.noFreeStart", ["n": String(choice.waiting)])
        // A quality mark that ran out is said beside the offer, so nobody refers there unawares.
        let mark = choice.provider.qualityMarkUntil.flatMap { $0 < today ? " " + t("referrals.markExpired", ["date": DisplayDate.format($0, l)]) : nil } ?? ""
        return base + ". " + start + mark
    }

    func block(_ view: ReferralView, attendance: AttendanceSummary?, loaded: CaseLoader.Loaded, canEdit: Bool, input: FormData, failed: String?, errors: [AppError.FieldError],
               _ t: Localizer, _ l: UILocale) -> ReferralBlock {
        let r = view.referral
        let id = loaded.person.id
        let today = loader.today
        func date(_ d: CalendarDate?) -> String { d.map { DisplayDate.format($0, l) } ?? "—" }
        var facts = [
            ProvidersController.Fact(label: t("referrals.referredOn"), value: date(r.referredOn)),
            ProvidersController.Fact(label: t("referrals.startMoment"), value: view.startsOn.map { DisplayDate.format($0, l) } ?? t("referrals.waitingList")),
        ]
        if let planned = r.plannedStartOn { facts.append(.init(label: t("referrals.plannedStart"), value: date(planned))) }
        if let refused = r.refusedReason { facts.append(.init(label: t("referrals.refusedReason"), value: refused)) }
        if let started = r.startedOn { facts.append(.init(label: t("referrals.startedOn"), value: date(started))) }
        if let ended = r.endedOn, r.status == .ended { facts.append(.init(label: t("referrals.endedOn"), value: "\(date(ended)) (\(r.endReason ?? ""))")) }
        if let withdrawn = r.withdrawnReason { facts.append(.init(label: t("referrals.withdrawnReason"), value: withdrawn)) }
        if r.status != .refused && r.status != .withdrawn {
            let days = ReferralRule.waitingDays(referredOn: r.referredOn, startedOn: r.startedOn, today: today)
            facts.append(.init(label: t("referrals.waiting"), value: t(r.startedOn == nil ? "referrals.waitingSoFar" : "referrals.waitingDays", ["n": String(days)])))
        }
        if let note = r.note { facts.append(.init(label: t("referrals.note"), value: note)) }
        if let a = attendance {
            // The register as the provider's teachers confirmed it (only confirmed lessons count).
            facts.append(.init(label: t("referrals.attendance"), value: t("referrals.attendanceText", [
                "present": String(a.present), "lessons": String(a.lessons), "hours": String(a.hours)])))
            if let last = a.lastAbsent { facts.append(.init(label: t("referrals.lastAbsent"), value: date(last))) }
            if let signalled = a.signalledOn { facts.append(.init(label: t("referrals.absenceSignal"), value: date(signalled))) }
        }
        let consent = view.consents.map { c in
            ConsentLine(text: c.classes.isEmpty ? "—" : ConsentClass.allCases.filter(c.classes.contains).map { t("referrals.classes.\($0.rawValue)") }.joined(separator: ", "),
                        period: c.endedOn.map { t("referrals.consentEnded", ["from": date(c.givenOn), "until": date($0), "reason": c.endReason ?? ""]) }
                            ?? t("referrals.consentSince", ["from": date(c.givenOn), "by": c.recordedBy]),
                        current: c.isCurrent)
        }
        let open = canEdit && r.status.isOpen
        let steps: [StepForm] = open ? StepReferral.Step.allCases.filter { r.status.next.contains($0.status) }.map { step in
            let key = "\(r.id)-\(step.rawValue)"
            let fields = Self.stepFields(step, key: key, input: failed == key ? input : nil, errors: errors, plannedStart: view.startsOn, today: today, t)
            let segment = Self.actions.first { $0.value == step }?.key ?? step.rawValue
            return StepForm(label: t("referrals.steps.\(step.rawValue)"), action: SiteRoute.referralAction(id, r.id, segment).path, fields: fields,
                            secondary: step == .refuse || step == .withdraw)
        } : []
        let consentKey = "\(r.id)-toestemming"
        let revokeKey = "\(r.id)-toestemming-intrekken"
        let hasConsent = view.currentConsent != nil
        let current = view.currentConsent.map { Set($0.classes.map(\.rawValue)) } ?? []
        let consentFields = [
            consentField(id: "consent-\(consentKey)", selected: failed == consentKey ? Set(input.all("consent")) : current, errors: failed == consentKey ? errors : [], t),
            FieldView(.checkbox, name: "separately", id: "separately-\(consentKey)", label: t("referrals.separately"),
                      value: failed == consentKey ? (input.raw("separately") == "ja" ? "ja" : "") : (current.contains("health") || current.contains("coaProfile") ? "ja" : ""),
                      errors: failed == consentKey ? errors : []),
            FieldView(.input("date"), name: "on", id: "on-\(consentKey)", label: t("referrals.consentOn"),
                      value: failed == consentKey ? input.raw("on") ?? "" : today.iso, required: true, errors: failed == consentKey ? errors : []),
            FieldView(.input("text"), name: "reason", id: "reason-\(consentKey)", label: t("referrals.reason"),
                      value: failed == consentKey ? input.raw("reason") ?? "" : "", required: true, errors: failed == consentKey ? errors : []),
        ]
        let revokeFields = [
            FieldView(.input("date"), name: "on", id: "on-\(revokeKey)", label: t("referrals.consentOn"),
                      value: failed == revokeKey ? input.raw("on") ?? "" : today.iso, required: true, errors: failed == revokeKey ? errors : []),
            FieldView(.input("text"), name: "reason", id: "reason-\(revokeKey)", label: t("referrals.reason"), hint: t("referrals.revokeHint"),
                      value: failed == revokeKey ? input.raw("reason") ?? "" : "", required: true, errors: failed == revokeKey ? errors : []),
        ]
        let mineFailed = failed.map { $0.hasPrefix(r.id) } ?? false
        return ReferralBlock(
            id: r.id, title: t("referrals.blockTitle", ["provider": view.provider.name, "offer": view.offer.name, "date": date(r.referredOn)]), status: t("referrals.statuses.\(r.status.rawValue)"), facts: facts, consent: consent,
            steps: steps, hasSteps: !steps.isEmpty,
            consentAction: open && hasConsent ? SiteRoute.referralAction(id, r.id, "toestemming").path : nil, consentFields: consentFields,
            revokeAction: canEdit && hasConsent ? SiteRoute.referralAction(id, r.id, "toestemming-intrekken").path : nil, revokeFields: revokeFields,
            summary: ErrorSummary(mineFailed ? errors : [], idSuffix: "-" + (failed ?? "")), open: mineFailed)
    }

    /// The fields of one step's form (a date; for an acceptance the planned start, for a refusal, an
    /// end or a withdrawal the reason), with what was typed when `input` is the failed form's.
    static func stepFields(_ step: StepReferral.Step, key: String, input: FormData?, errors: [AppError.FieldError], plannedStart: CalendarDate?,
                           today: CalendarDate, _ t: Localizer) -> [FieldView] {
        let mine = input != nil
        func value(_ name: String, _ fallback: String = "") -> String { input.map { $0.raw(name) ?? "" } ?? fallback }
        var fields = [FieldView(.input("date"), name: "on", id: "on-\(key)", label: t("referrals.stepOn"), value: value("on", today.iso), required: true,
                                errors: mine ? errors : [])]
        switch step {
        case .accept:
            fields.append(FieldView(.input("date"), name: "plannedStart", id: "plannedStart-\(key)", label: t("referrals.plannedStart"),
                                    value: value("plannedStart", plannedStart?.iso ?? ""), required: true, errors: mine ? errors : []))
        case .refuse, .end, .withdraw:
            fields.append(FieldView(.input("text"), name: "reason", id: "reason-\(key)", label: t("referrals.reason"), value: value("reason"), required: true,
                                    errors: mine ? errors : []))
        case .start: break
        }
        return fields
    }

    func refer(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let input = context.form
        var r = InputReader()
        let offerId = r.text(input["offer"])
        // The earliest start moment with a free place now, as the list showed it; none: the waiting list.
        var startId: String?
        if let offerId, let offer = try await services.providers.fetchOffer(id: offerId, scope: loaded.scope) {
            startId = try await services.providers.listOffers(providerId: offer.provider.id, scope: loaded.scope, today: loader.today)
                .first { $0.offer.id == offerId }?.starts.first { $0.startsOn >= loader.today && $0.free > 0 }?.id
        }
        let command = ReferToOffer(file: loaded.file, offerId: offerId, startId: startId, referredOn: r.date("referredOn", input["referredOn"]),
                                   note: r.text(input["note"]), consent: Set(r.choices("consent", input.all("consent"), as: ConsentClass.self)),
                                   separatelyConfirmed: r.flag(input["separately"]), read: r.issues)
        do {
            _ = try await services.run(command, on: loaded, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, input: input, failed: "new", errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.referrals(loaded.person.id).path + "?melding=verwezen"])
    }

    func act(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let referralId = try context.parameters.require("referral")
        let action = try context.parameters.require("action")
        let input = context.form
        var r = InputReader()
        let step = Self.actions[action]
        guard step != nil || action == "toestemming" || action == "toestemming-intrekken" else { throw AppError.notFound }
        let failed = "\(referralId)-\(step?.rawValue ?? action)"
        do {
            if let step {
                _ = try await services.run(StepReferral(file: loaded.file, referralId: referralId, step: step, on: r.date("on", input["on"]),
                                                        plannedStart: r.date("plannedStart", input["plannedStart"]), reason: r.text(input["reason"]), read: r.issues),
                                           on: loaded, context: context)
            } else {
                let classes: Set<ConsentClass>? = action == "toestemming-intrekken" ? nil : Set(r.choices("consent", input.all("consent"), as: ConsentClass.self))
                try await services.run(ChangeConsent(file: loaded.file, referralId: referralId, classes: classes, separatelyConfirmed: r.flag(input["separately"]),
                                                     on: r.date("on", input["on"]), reason: r.text(input["reason"]), read: r.issues),
                                       on: loaded, context: context)
            }
        } catch let invalid as FormErrors {
            return try await render(loaded, input: input, failed: failed, errors: invalid.fields, context: context, status: invalid.status)
        }
        let notice = step != nil ? "stap" : action == "toestemming-intrekken" ? "ingetrokken" : "toestemming"
        return Response(status: .seeOther, headers: [.location: SiteRoute.referrals(loaded.person.id).path + "?melding=\(notice)#verwijzing-\(referralId)"])
    }

    /// Issues the newcomer's own login (or a new start password), or switches it off with a reason.
    /// The start password is shown once, on this answer, for the consulent to hand over.
    func participantAccount(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        guard loaded.traject.closedDate == nil else { throw AppError.forbidden }
        let t = services.localizer(context)
        let now = services.clock.now()
        let person = loaded.person
        if context.form["actie"] == "uitzetten" {
            guard let reason = context.form["reason"], !reason.isEmpty else {
                return try await render(loaded, input: context.form, failed: "deelnemerslogin",
                                        errors: [.init(name: "reason", message: t("validation.required", ["field": t("participantAccount.reason")]))],
                                        context: context, status: .badRequest)
            }
            guard try await services.participants.deactivate(
                personId: person.id, reason: String(reason.prefix(300)), scope: loaded.scope,
                audit: services.auditEvent(.caseworkParticipantLogin, context: context, permission: .editPersons, person: person, detail: "uitgezet: \(reason)"),
                now: now) else { throw AppError.notFound }
            return Response(status: .seeOther, headers: [.location: SiteRoute.referrals(person.id).path + "?melding=loginUit#deelnemerslogin"])
        }
        let password = Self.readableCode(groups: 3)
        let cost = services.bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        guard let login = try await services.participants.issue(
            personId: person.id, newLogin: Self.readableCode(groups: 2), passwordHash: hash, scope: loaded.scope, by: loaded.principal.actorId,
            audit: services.auditEvent(.caseworkParticipantLogin, context: context, permission: .editPersons, person: person, detail: "startwachtwoord uitgegeven"),
            now: now) else { throw AppError.notFound }
        var response = try await render(loaded, input: FormData(), failed: nil, errors: [], context: context, status: .created,
                                        issued: (login, password))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Random groups of four letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i).
    static func readableCode(groups: Int) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<groups).map { _ in String((0..<4).map { _ in alphabet.randomElement(using: &generator)! }) }.joined(separator: "-")
    }
}
