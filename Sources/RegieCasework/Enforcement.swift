import Foundation
import Inburgering
import RegieStorage

/// The enforcement file as the law module reads it, and the stored names of its steps.
public enum Enforcement {
    /// The steps taken for one offence.
    public static func dossier(_ records: [HandhavingRecord], _ overtreding: Overtreding) -> HandhavingsDossier {
        let own = records.filter { $0.overtreding == overtreding.rawValue }
        let steps = own.compactMap { r -> GezetteHandhavingsStap? in
            guard let date = CalendarDate(iso: r.decidedDate) else { return nil }
            let stap: HandhavingsStap = switch r.step {
            case "boete": .boete(bedragCent: r.amountCents ?? 0)
            case "boeteEnPIPZonderInbreng": .boeteEnPIPZonderInbreng(bedragCent: r.amountCents ?? 0)
            default: .waarschuwing
            }
            return GezetteHandhavingsStap(datum: date, stap: stap)
        }
        return HandhavingsDossier(overtreding: overtreding, gezetteStappen: steps)
    }

    public static func stepKey(_ stap: HandhavingsStap) -> String {
        switch stap {
        case .waarschuwing: "waarschuwing"
        case .boete: "boete"
        case .boeteEnPIPZonderInbreng: "boeteEnPIPZonderInbreng"
        }
    }
}

extension HandhavingsWeigering {
    /// The catalogue key of the reason a step is refused.
    public var messageKey: String {
        let key = switch self {
        case .ladderDoorlopen: "ladderDone"
        case .geenBeoordelingOmstandigheden: "noAssessment"
        case .beoordelingOnvolledig: "assessmentIncomplete"
        case .nietVerwijtbaar: "notCulpable"
        case .boetesOpgeschortVoorAsielstatushouders: "suspended"
        case .geenPIP: "noPIP"
        }
        return "law.enforcement.\(key)"
    }
}

/// The next step on the enforcement ladder (R9): a fine only with a complete, culpable assessment
/// of the circumstances (Wi2021, the college's bestuurlijke boete; Awb art. 5:41 and 5:46).
public struct RecordEnforcementStep: CaseworkCommand {
    public let file: CaseFile
    public var overtreding: Overtreding?
    public var decidedDate: CalendarDate?
    public var efforts: String?
    public var circumstances: String?
    /// The assessment: culpable or not; nil when not assessed.
    public var culpable: Bool?
    /// Who assessed the circumstances, as the record names them.
    public var assessedBy: String
    public var read: [FieldIssue]

    public init(file: CaseFile, overtreding: Overtreding?, decidedDate: CalendarDate?, efforts: String?, circumstances: String?, culpable: Bool?,
                assessedBy: String, read: [FieldIssue] = []) {
        self.file = file
        self.overtreding = overtreding
        self.decidedDate = decidedDate
        self.efforts = efforts
        self.circumstances = circumstances
        self.culpable = culpable
        self.assessedBy = assessedBy
        self.read = read
    }

    public static let labels = ["overtreding": "enforcement.offence", "decidedDate": "enforcement.date", "efforts": "enforcement.efforts",
                                "circumstances": "enforcement.circumstances", "culpable": "enforcement.culpable"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> HandhavingRecord {
        var v = Checks(labels: Self.labels, read: read)
        let offence = v.choice("overtreding", overtreding)
        let date = v.date("decidedDate", decidedDate, notAfter: context.today)
        let efforts = v.text("efforts", efforts, required: false, maxLength: 5000) ?? ""
        let circumstances = v.text("circumstances", circumstances, required: false, maxLength: 5000) ?? ""
        var proposal: HandhavingsVoorstel?
        if let offence, let date {
            let records = try await stores.casework.listHandhavingen(personId: file.person.id, scope: context.scope)
            let settings = try await stores.settings.fetch(file.person.municipalityCode)
            var dossier = Enforcement.dossier(records, offence)
            if let culpable {
                dossier.beoordeling = OmstandighedenBeoordeling(datum: date, beoordeeldDoor: assessedBy, inspanningenGemeente: efforts,
                                                                omstandigheden: circumstances, verwijtbaar: culpable)
            }
            let categorie = file.person.doelgroep.categorie
            switch HandhavingRule.volgendeStap(dossier, categorie: categorie, pipVastgesteld: file.traject.pipDate != nil, settings: settings.law.handhaving) {
            case .success(let voorstel): proposal = voorstel
            case .failure(let refusal):
                // A fine without a recorded, complete and culpable assessment is refused (R9; Awb 5:41).
                let field = switch refusal { case .geenBeoordelingOmstandigheden, .nietVerwijtbaar: "culpable"; case .beoordelingOnvolledig: "circumstances"; default: "overtreding" }
                v.fail(field, "enforcement.errors.refused", ["reason": .label(refusal.messageKey)])
            }
        }
        guard v.isValid, let offence, let date, let proposal else { throw v.error(.rejected) }
        let record = HandhavingRecord(id: CommandContext.newID(), personId: file.person.id, overtreding: offence.rawValue, step: Enforcement.stepKey(proposal.stap),
                                      amountCents: proposal.stap.bedragCent, decidedDate: date.iso, efforts: efforts, circumstances: circumstances,
                                      culpable: culpable, createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkEnforcementStep, file.person, "\(offence.rawValue): \(record.step)")
        guard let saved = try await stores.casework.insertHandhaving(record, scope: context.scope, actor: context.actor, audit: event, now: context.now) else {
            throw CaseNotFound()
        }
        return saved
    }
}
