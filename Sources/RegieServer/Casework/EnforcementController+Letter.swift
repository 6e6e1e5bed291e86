import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The letter of an enforcement step, in the one letter frame and always in Dutch (Awb 2:6): a
/// warning says what was found and what follows if nothing changes; a fine is a decision (a
/// bestuurlijke boete of the college, Wi2021; Awb title 5.4) with the assessment it rests on — the
/// municipality's own efforts, the circumstances investigated, the culpability (Awb 5:41) — the
/// amount (Awb 5:46), the payment term (Awb 4:87) and the bezwaar clause (Awb 6:7).
extension EnforcementController {
    struct LetterView: Encodable {
        let frame: LetterFrame
        let name: String
        let bsn: String
        let dateOfBirth: String
        let heading: String
        let isWarning: Bool
        let paragraphs: [String]
        let reasons: [String]
        let withPIP: Bool
        let bezwaarAddress: String
    }

    func letter(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        let stepId = try context.parameters.require("stap")
        let records = try await services.casework.listHandhavingen(personId: loaded.person.id, scope: loaded.scope)
        guard let step = records.first(where: { $0.id == stepId }) else { throw AppError.notFound }
        try await services.record(.caseworkEnforcementLetter, context: context, permission: .readCasework, person: loaded.person, detail: step.id)
        let rendered = try await letterHTML(loaded, step: step, earlier: records.filter { $0.overtreding == step.overtreding && $0.decidedDate < step.decidedDate })
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: rendered.html)))
    }

    /// The rendered letter of one step, with its kenmerk and subject (for keeping it as sent).
    func letterHTML(_ loaded: CaseLoader.Loaded, step: HandhavingRecord, earlier: [HandhavingRecord]) async throws -> (html: String, reference: String, subject: String) {
        let l = UILocale.nl
        let t = Localizer(catalogue: services.catalogue, locale: l)
        let person = loaded.person
        let municipality = loaded.principal.municipalities.first { $0.code == person.municipalityCode }?.name ?? person.municipalityCode
        let parties = try await LetterFrame.parties(services, person: person, consulentId: loaded.traject.consulentId, municipalityName: municipality,
                                                    scope: loaded.scope)
        let isWarning = step.step == "waarschuwing"
        let offence = t("enforcementLetter.offences.\(step.overtreding)")
        let subject = isWarning ? t("enforcementLetter.warningSubject") : t("enforcementLetter.fineSubject")
        let reference = CaseReference.of(municipalityCode: person.municipalityCode, trajectId: loaded.traject.id) + "/HH-" + step.id.prefix(6).uppercased()
        let frame = LetterFrame.make(parties, title: t("enforcementLetter.title", ["name": person.displayName(t)]), subject: subject, reference: reference,
                                     date: DisplayDate.format(step.decidedDate, l), isConcept: false, backHref: SiteRoute.enforcement(person.id).path,
                                     backLabelKey: "enforcementLetter.back", localizer: t)
        let efforts = step.efforts.isEmpty ? nil : t("enforcementLetter.efforts", ["efforts": step.efforts])
        let before = earlier.map { t("enforcement.steps.\($0.step)") + " (" + DisplayDate.format($0.decidedDate, l) + ")" }
        var paragraphs: [String]
        var reasons: [String] = []
        if isWarning {
            paragraphs = [t("enforcementLetter.duty.\(step.overtreding)"), t("enforcementLetter.found", ["offence": offence])] + [efforts].compactMap { $0 }
                + [t("enforcementLetter.warning"), t("enforcementLetter.warningNext")]
        } else {
            let amount = Money.format(step.amountCents ?? 0, l)
            paragraphs = [t("enforcementLetter.fineDecision", ["amount": amount, "offence": offence])]
            reasons = [t("enforcementLetter.duty.\(step.overtreding)"), t("enforcementLetter.found", ["offence": offence])]
                + (before.isEmpty ? [] : [t("enforcementLetter.earlier", ["steps": before.joined(separator: ", ")])])
                + [efforts, step.circumstances.isEmpty ? nil : t("enforcementLetter.circumstances", ["circumstances": step.circumstances])].compactMap { $0 }
                + [t("enforcementLetter.culpable"), t("enforcementLetter.basis"), t("enforcementLetter.pay")]
        }
        let view = LetterView(
            frame: frame, name: person.displayName(t), bsn: person.bsn ?? "—", dateOfBirth: person.dateOfBirth.map { DisplayDate.format($0, l) } ?? "",
            heading: subject, isWarning: isWarning, paragraphs: paragraphs, reasons: reasons, withPIP: step.step == "boeteEnPIPZonderInbreng",
            bezwaarAddress: LetterFrame.bezwaarAddress(parties, localizer: t))
        return (try services.views.renderStandaloneHTML("enforcement-letter", content: view, locale: .nl), reference, subject)
    }
}
