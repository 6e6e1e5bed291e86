import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The enforcement ladder (R9): the steps taken per offence, what the ladder proposes next, and a
/// new step (a fine only with a complete, culpable assessment of the circumstances).
struct EnforcementController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.enforcementPattern), use: showEnforcement)
        router.post(RouterPath(SiteRoute.enforcementPattern), use: addEnforcement)
        router.get(RouterPath(SiteRoute.enforcementLetterPattern), use: letter)
    }

    struct EnforcementRow: Encodable {
        let date: String; let offence: String; let step: String; let assessment: String; let withdraw: WithdrawView?; let letterHref: String; let id: String
    }
    struct EnforcementView: Encodable {
        let name: String
        let backHref: String
        let steps: [EnforcementRow]
        let hasSteps: Bool
        let proposals: [String]
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        /// Steps withdrawn with a reason (issue 15 item 3): the ladder counts only the others.
        let withdrawn: [WithdrawnRow]
        let hasWithdrawn: Bool
        let canEdit: Bool
        /// Where "Markeer als verzonden" posts a step's letter.
        let sendAction: String
    }


    func showEnforcement(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record(.caseworkEnforcementView, context: context, permission: .readCasework, person: loaded.person)
        return try await renderEnforcement(loaded, input: FormData(), errors: [], context: context, status: .ok)
    }

    private func renderEnforcement(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                                   status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let records = try await services.casework.listHandhavingen(personId: loaded.person.id, scope: loaded.scope)
        let withdrawn = try await services.casework.listWithdrawn(.handhaving, personId: loaded.person.id, scope: loaded.scope).map { WithdrawnRow($0, t) }
        let canEdit = Policy.allows(loaded.principal, .editPersons)
        let settings = try await services.settings.fetch(loaded.person.municipalityCode)
        let categorie = loaded.person.doelgroep.categorie
        // What the ladder proposes next per offence, assuming a complete, culpable assessment.
        let proposals = Overtreding.allCases.map { offence -> String in
            var dossier = Enforcement.dossier(records, offence)
            dossier.beoordeling = OmstandighedenBeoordeling(datum: loader.today, beoordeeldDoor: "-", inspanningenGemeente: "x", omstandigheden: "x", verwijtbaar: true)
            let label = t("enforcement.offences.\(offence.rawValue)")
            switch HandhavingRule.volgendeStap(dossier, categorie: categorie, pipVastgesteld: loaded.traject.pipDate != nil, settings: settings.law.handhaving) {
            case .success(let voorstel):
                return label + ": " + t("enforcement.steps.\(Enforcement.stepKey(voorstel.stap))") + (voorstel.stap.bedragCent.map { " " + Money.format($0, l) } ?? "")
            case .failure(let refusal): return label + ": " + LawText.refusal(refusal, t)
            }
        }
        let value = { (name: String) in input.raw(name) ?? "" }
        let fields: [FieldView] = [
            FieldView(.select, name: "overtreding", label: t("enforcement.offence"), value: value("overtreding"),
                      options: Choices.withEmpty(Overtreding.allCases.map { ($0.rawValue, t("enforcement.offences.\($0.rawValue)")) }, t), required: true, errors: errors),
            FieldView(.input("date"), name: "decidedDate", label: t("enforcement.date"), value: input.raw("decidedDate") ?? loader.today.iso, required: true, errors: errors),
            FieldView(.textarea, name: "efforts", label: t("enforcement.efforts"), hint: t("enforcement.effortsHint"), value: value("efforts"), errors: errors),
            FieldView(.textarea, name: "circumstances", label: t("enforcement.circumstances"), hint: t("enforcement.circumstancesHint"), value: value("circumstances"), errors: errors),
            FieldView(.radios, name: "culpable", label: t("enforcement.culpable"), hint: t("enforcement.culpableHint"), value: value("culpable"),
                      options: [("ja", t("common.yes")), ("nee", t("common.no"))], errors: errors),
        ]
        let rows = records.reversed().map { r in
            EnforcementRow(date: DisplayDate.format(r.decidedDate, l), offence: t("enforcement.offences.\(r.overtreding)"),
                           step: t("enforcement.steps.\(r.step)") + (r.amountCents.map { " " + Money.format($0, l) } ?? ""),
                           assessment: r.culpable.map { t($0 == 1 ? "enforcement.culpableYes" : "enforcement.culpableNo") } ?? "",
                           withdraw: canEdit ? WithdrawView(.handhaving, personId: loaded.person.id, recordId: r.id, form: context.form) : nil,
                           letterHref: SiteRoute.enforcementLetter(loaded.person.id, r.id).path, id: r.id)
        }
        return try services.views.render(
            "enforcement", titleKey: "enforcement.title", titleArguments: ["name": loaded.person.displayName(services.localizer(context))],
            content: EnforcementView(name: loaded.person.displayName(services.localizer(context)), backHref: SiteRoute.person(loaded.person.id).path, steps: rows, hasSteps: !rows.isEmpty,
                                     proposals: proposals, summary: ErrorSummary(errors), fields: fields, action: SiteRoute.enforcement(loaded.person.id).path,
                                     withdrawn: withdrawn, hasWithdrawn: !withdrawn.isEmpty, canEdit: canEdit,
                                     sendAction: SiteRoute.sentLetters(loaded.person.id).path),
            context: context, notice: FormNotice.text(context, prefix: "enforcement.saved", keys: ["stap", "ingetrokken", "verzonden"], services.localizer(context)),
            status: status)
    }

    func addEnforcement(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordEnforcement(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await renderEnforcement(loaded, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.enforcement(loaded.person.id).path + "?melding=stap"])
    }

    /// The next step on the ladder from the form (R9); throws `FormErrors`.
    func recordEnforcement(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> HandhavingRecord {
        var r = InputReader()
        let command = RecordEnforcementStep(
            file: loaded.file, overtreding: r.choice("overtreding", input["overtreding"], as: Overtreding.self), decidedDate: r.date("decidedDate", input["decidedDate"]),
            efforts: input["efforts"], circumstances: input["circumstances"], culpable: input["culpable"].map { $0 == "ja" },
            assessedBy: loaded.principal.displayName, read: r.issues)
        return try await services.run(command, on: loaded, context: context)
    }
}
