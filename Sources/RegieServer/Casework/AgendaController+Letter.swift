import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// The invitation letter of an appointment: always Dutch (whatever the reader's interface language),
/// in plain language (B1): what it is about, when, where or which video link, the interpreter, what
/// to bring, and whom to call when the newcomer cannot come. Printed in the one letter frame.
extension AgendaController {
    struct LetterView: Encodable {
        let frame: LetterFrame
        let heading: String
        let about: String
        let when: String
        let duration: String
        let place: String?
        let videoLink: String?
        let interpreter: String?
        let bring: [String]
        let cannotCome: String
    }

    /// What to bring, per kind (the documents the conversation needs).
    static func bring(_ kind: AfspraakSoort) -> [String] {
        let own: [String] = switch kind {
        case .warmeOverdracht: ["coaPapers", "residencePermit"]
        case .intakegesprek: ["residencePermit", "diplomas", "workPapers", "duoLetters"]
        case .lbt: ["glasses"]
        case .pipGesprek: ["duoLetters", "municipalityLetters"]
        case .voortgangsgesprek: ["schoolPapers", "duoLetters"]
        }
        return ["identity"] + own
    }

    func letter(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        let a = try await find(loaded, context)
        try await services.record(.caseworkAfspraakLetter, context: context, permission: .readCasework, person: loaded.person, detail: a.id)
        let html = try await letterHTML(loaded, a).html
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The rendered invitation, with its kenmerk and subject (for keeping it as sent).
    func letterHTML(_ loaded: CaseLoader.Loaded, _ a: AfspraakRecord) async throws -> (html: String, reference: String, subject: String) {
        // An invitation is Dutch, whatever the reader's interface language (Awb 2:6, as the PIP letter).
        let t = Localizer(catalogue: services.catalogue, locale: .nl)
        let person = loaded.person
        let municipality = loaded.principal.municipalities.first { $0.code == person.municipalityCode }?.name ?? person.municipalityCode
        let consulent = a.ownerId ?? loaded.traject.consulentId
        let parties = try await LetterFrame.parties(services, person: person, consulentId: consulent, municipalityName: municipality, scope: loaded.scope)
        let kind = t("invitation.kinds.\(a.kind.rawValue)")
        let reference = CaseReference.of(municipalityCode: person.municipalityCode, trajectId: loaded.traject.id) + "/AFS-" + a.id.prefix(6).uppercased()
        let subject = t("invitation.subject", ["kind": kind])
        let frame = LetterFrame.make(parties, title: t("invitation.title", ["kind": kind, "name": person.displayName(t)]), subject: subject,
                                     reference: reference, date: DisplayDate.format(loader.today, .nl), isConcept: false,
                                     backHref: SiteRoute.afspraak(person.id, a.id).path, backLabelKey: "invitation.back", localizer: t)
        let phone = parties.contact?.phone ?? parties.letterhead.phone
        let caller = parties.contact?.name ?? municipality
        let view = LetterView(
            frame: frame, heading: subject, about: t("invitation.about.\(a.kind.rawValue)"),
            when: t("invitation.when", ["day": t("agenda.weekdays.\(a.startsAt.date.isoWeekday)"), "date": DisplayDate.format(a.startsAt.date, .nl),
                                        "time": a.startsAt.time]),
            duration: t("invitation.duration", ["minutes": String(a.durationMinutes)]),
            place: a.place.map { t("invitation.place", ["place": $0]) }, videoLink: a.videoLink,
            interpreter: a.interpreterLanguage.map { t("invitation.interpreter", ["language": $0]) },
            bring: Self.bring(a.kind).map { t("invitation.bring.\($0)") },
            cannotCome: phone.isEmpty ? t("invitation.cannotComeNoPhone", ["name": caller]) : t("invitation.cannotCome", ["name": caller, "phone": phone]))
        return (try services.views.renderStandaloneHTML("afspraak-letter", content: view, locale: .nl), reference, subject)
    }
}
