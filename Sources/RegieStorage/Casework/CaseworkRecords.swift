import Foundation
import Inburgering

/// Who did something in a case, as the timeline shows it.
public struct CaseActor: Sendable, Hashable {
    public let id: String?
    public let name: String

    public init(id: String?, name: String) {
        self.id = id
        self.name = name
    }
}

/// One line of a case's timeline: what happened (a `kind` the interface translates), on which date,
/// who did it, and a short detail: a code, a count, or a title the worker gave (a task, a document);
/// never the notes themselves, which stay sealed in their own tables.
public struct CaseEventRecord: Codable, Sendable, Hashable {
    public let id: String
    public let personId: String
    public let occurredAt: Int64
    public let eventDate: String
    public let kind: String
    public let actorId: String?
    public let actorName: String
    public let detail: String
}

/// What a change adds to the timeline.
public struct CaseChange: Sendable, Hashable {
    public var kind: String
    public var date: String
    public var detail: String

    public init(kind: String, date: String, detail: String = "") {
        self.kind = kind
        self.date = date
        self.detail = detail
    }
}

/// One conversation of the brede intake (Wi2021 art. 14). The note is sealed at rest.
public struct IntakeGesprekRecord: Sendable, Hashable {
    public var id: String
    public var personId: String
    public var conversationDate: String
    public var attendees: String
    public var interpreter: Bool
    public var cultureMediator: Bool
    /// The newcomer spoke without their partner present (a right: each partner has their own file and may speak for themselves).
    public var withoutPartner: Bool
    public var noShow: Bool
    /// Topic keys discussed: the law's and the municipality's own.
    public var topics: [String]
    public var note: String
    public var createdBy: String
    public var createdAt: Int64

    public init(id: String, personId: String, conversationDate: String, attendees: String, interpreter: Bool, cultureMediator: Bool,
                withoutPartner: Bool, noShow: Bool, topics: [String], note: String, createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.conversationDate = conversationDate
        self.attendees = attendees
        self.interpreter = interpreter
        self.cultureMediator = cultureMediator
        self.withoutPartner = withoutPartner
        self.noShow = noShow
        self.topics = topics
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// The topics discussed that the law names (R5a); a municipality's own topics are left out.
    public var lawTopics: [IntakeOnderwerp] { topics.compactMap(IntakeOnderwerp.init(rawValue:)) }
}

/// What is recorded for one intake topic: its structured answers and a note, sealed together.
public struct IntakeOnderwerpRecord: Sendable, Hashable {
    /// The law's topic key or one of the municipality's own.
    public var topic: String
    public var answers: [String: String]
    public var updatedBy: String
    public var updatedAt: Int64

    public init(topic: String, answers: [String: String], updatedBy: String, updatedAt: Int64) {
        self.topic = topic
        self.answers = answers
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }

    /// The topic as the law names it (R5a); nil for one of the municipality's own.
    public var lawTopic: IntakeOnderwerp? { IntakeOnderwerp(rawValue: topic) }
    /// Something is written for the topic: an empty save does not cover it (R5a).
    public var isRecorded: Bool { answers.values.contains { !$0.isEmpty } }
}

/// A leerbaarheidstoets: invitation, administration and score (R3).
public struct LBTRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var invitedDate: CalendarDate?
    public var testDate: CalendarDate?
    public var administrator: String
    public var conditions: String
    /// Correct answers out of 40.
    public var score: Int?
    /// Why no test was taken (a visual or hearing impairment), when exempted.
    public var exemption: String?
    public var createdBy: String
    public var createdAt: Int64

    public init(id: String, personId: String, invitedDate: CalendarDate?, testDate: CalendarDate?, administrator: String, conditions: String,
                score: Int?, exemption: String?, createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.invitedDate = invitedDate
        self.testDate = testDate
        self.administrator = administrator
        self.conditions = conditions
        self.score = score
        self.exemption = exemption
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// The language school's intake advice (in practice it weighs heavily in the route choice).
public struct TaalschoolAdviesRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var adviceDate: String
    public var school: String
    public var leerroute: String
    public var niveau: String?
    public var note: String
    public var createdBy: String
    public var createdAt: Int64

    public init(id: String, personId: String, adviceDate: String, school: String, leerroute: String, niveau: String?, note: String,
                createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.adviceDate = adviceDate
        self.school = school
        self.leerroute = leerroute
        self.niveau = niveau
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// The route decision (R4): the route chosen, the routes considered and why, and the reason for
/// deviating from the LBT where the law requires one.
public struct RouteBesluitRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var decidedDate: String
    public var leerroute: String
    public var niveau: String?
    /// Comma-separated route keys.
    public var considered: String
    public var considerations: String
    /// `RouteAfwijking` raw value.
    public var deviation: String
    public var deviationReason: String?
    public var lbtScore: Int?
    public var createdBy: String
    public var createdAt: Int64

    public init(id: String, personId: String, decidedDate: String, leerroute: String, niveau: String?, considered: String,
                considerations: String, deviation: String, deviationReason: String?, lbtScore: Int?, createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.decidedDate = decidedDate
        self.leerroute = leerroute
        self.niveau = niveau
        self.considered = considered
        self.considerations = considerations
        self.deviation = deviation
        self.deviationReason = deviationReason
        self.lbtScore = lbtScore
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// Why a first PIP came after its 10 weeks (R1), for the figures.
public enum PIPDelayReason: String, CaseIterable, Codable, Sendable {
    case derden, nietBereikbaar, lbt, tolk, ziekte, capaciteit, overig
}

/// One version of the PIP, a concept or fixed as a beschikking (Wi2021 art. 15; R5). Every
/// version is kept.
/// A PIP version's state: a concept starts no term; a fixed version is a beschikking.
public enum PIPStatus: String, Codable, Sendable, Hashable {
    case concept, vastgesteld
}

/// What a PIP says about voorschoolse educatie (VVE) for the newcomer's children: nothing yet, that
/// it does not apply, or the agreements made. Stored in one text column (the marker for "does not
/// apply" never leaves this type).
public enum PIPVVE: Codable, Sendable, Hashable {
    case none
    case notApplicable
    case agreements(String)

    static let notApplicableMarker = "__nvt__"

    public init(stored: String) {
        self = stored.isEmpty ? .none : (stored == Self.notApplicableMarker ? .notApplicable : .agreements(stored))
    }

    /// The column's value.
    public var stored: String {
        switch self {
        case .none: ""
        case .notApplicable: Self.notApplicableMarker
        case .agreements(let text): text
        }
    }

    /// The agreements, when there are any.
    public var text: String? { if case .agreements(let text) = self { text } else { nil } }

    public init(from decoder: any Decoder) throws { self.init(stored: try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(stored)
    }
}

/// One version of a person's PIP (Wi2021 art. 15), typed as the law module reads it.
public struct PIPRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var version: Int
    public var status: PIPStatus
    public var dagtekening: CalendarDate?
    public var leerroute: Leerroute
    public var niveau: Taalniveau?
    public var begeleiding: String
    public var ondersteuning: String
    public var pvt: String
    public var pvtUren: Int?
    public var map: String
    public var mapUren: Int?
    public var vve: PIPVVE
    public var voortgangsgesprekken: Int?
    public var cadansMaanden: Int?
    public var einddoel: Einddoel?
    public var redenAfwijking: String?
    public var intensiteitB1: Int?
    /// For versions after the first.
    public var changeReason: PIPWijzigingsreden?
    public var changeNote: String?
    public var createdBy: String
    public var createdAt: Int64
    public var updatedAt: Int64
    public var fixedBy: String?
    public var fixedAt: Int64?

    public init(id: String, personId: String, version: Int, status: PIPStatus, dagtekening: CalendarDate?, leerroute: Leerroute, niveau: Taalniveau?,
                begeleiding: String, ondersteuning: String, pvt: String, pvtUren: Int?, map: String, mapUren: Int?, vve: PIPVVE,
                voortgangsgesprekken: Int?, cadansMaanden: Int?, einddoel: Einddoel?, redenAfwijking: String?, intensiteitB1: Int?,
                changeReason: PIPWijzigingsreden?, changeNote: String?, createdBy: String, createdAt: Int64, updatedAt: Int64,
                fixedBy: String? = nil, fixedAt: Int64? = nil) {
        self.id = id
        self.personId = personId
        self.version = version
        self.status = status
        self.dagtekening = dagtekening
        self.leerroute = leerroute
        self.niveau = niveau
        self.begeleiding = begeleiding
        self.ondersteuning = ondersteuning
        self.pvt = pvt
        self.pvtUren = pvtUren
        self.map = map
        self.mapUren = mapUren
        self.vve = vve
        self.voortgangsgesprekken = voortgangsgesprekken
        self.cadansMaanden = cadansMaanden
        self.einddoel = einddoel
        self.redenAfwijking = redenAfwijking
        self.intensiteitB1 = intensiteitB1
        self.changeReason = changeReason
        self.changeNote = changeNote
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.fixedBy = fixedBy
        self.fixedAt = fixedAt
    }

    public var isFixed: Bool { status == .vastgesteld }
}

/// A progress meeting held (or missed) after the PIP (R5b). The note is sealed at rest.
public struct VoortgangsgesprekRecord: Sendable, Hashable {
    public var id: String
    public var personId: String
    public var heldDate: String
    /// `opSchema`, `vertraging` or `zorgen`.
    public var outcome: String
    public var noShow: Bool
    public var note: String
    public var createdBy: String
    public var createdAt: Int64

    public init(id: String, personId: String, heldDate: String, outcome: String, noShow: Bool, note: String, createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.heldDate = heldDate
        self.outcome = outcome
        self.noShow = noShow
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// Hours followed, as reported by a provider or recorded by the case worker (DUO GevolgdeUren).
public struct UrenRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    /// `UrenSoort` raw value.
    public var soort: String
    public var periodEnd: String
    public var hours: Int
    public var provider: String
    public var duringIntake: Int
    public var createdBy: String
    public var createdAt: Int64
    /// M0019: withdrawn (corrected or taken back) — when, by whom, why, and the row that replaced it.
    public var withdrawnAt: Int64? = nil
    public var withdrawnBy: String? = nil
    public var withdrawnReason: String? = nil
    public var replacedBy: String? = nil

    public var isWithdrawn: Bool { withdrawnAt != nil }

    public init(id: String, personId: String, soort: String, periodEnd: String, hours: Int, provider: String, duringIntake: Bool,
                createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.soort = soort
        self.periodEnd = periodEnd
        self.hours = hours
        self.provider = provider
        self.duringIntake = duringIntake ? 1 : 0
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// A completed part of the route: MAP final interview, PVT signed, Z-route completed.
public struct RouteResultaatRecord: Codable, Sendable, Hashable {
    public var personId: String
    public var kind: String
    public var resultDate: CalendarDate

    public init(personId: String, kind: String, resultDate: CalendarDate) {
        self.personId = personId
        self.kind = kind
        self.resultDate = resultDate
    }
}

/// One step of enforcement taken (R9), with the assessment a fine requires.
public struct HandhavingRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    /// `Overtreding` raw value.
    public var overtreding: String
    /// `waarschuwing`, `boete` or `boeteEnPIPZonderInbreng`.
    public var step: String
    public var amountCents: Int?
    public var decidedDate: String
    public var efforts: String
    public var circumstances: String
    public var culpable: Int?
    public var createdBy: String
    public var createdAt: Int64

    public init(id: String, personId: String, overtreding: String, step: String, amountCents: Int?, decidedDate: String, efforts: String,
                circumstances: String, culpable: Bool?, createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.overtreding = overtreding
        self.step = step
        self.amountCents = amountCents
        self.decidedDate = decidedDate
        self.efforts = efforts
        self.circumstances = circumstances
        self.culpable = culpable.map { $0 ? 1 : 0 }
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// The warm handover from COA: the client profile from COA's system as
/// structured fields (sealed at rest), the chosen scenario and the three-way meeting.
public struct WarmeOverdrachtRecord: Sendable, Hashable {
    public var personId: String
    /// `azc` (start in the azc), `gecombineerd`, `naVerhuizing`.
    public var scenario: String?
    public var profile: [String: String]
    public var meetingPlanned: String?
    public var meetingHeld: String?
    /// Comma-separated: coa, gemeente, inburgeraar, tolk, begeleiding.
    public var meetingAttendees: String
    public var updatedBy: String
    public var updatedAt: Int64

    public init(personId: String, scenario: String?, profile: [String: String], meetingPlanned: String?, meetingHeld: String?,
                meetingAttendees: String, updatedBy: String, updatedAt: Int64) {
        self.personId = personId
        self.scenario = scenario
        self.profile = profile
        self.meetingPlanned = meetingPlanned
        self.meetingHeld = meetingHeld
        self.meetingAttendees = meetingAttendees
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// A task in a case: made by a case worker, or by Regie or DUO where a person must act.
public struct TaakRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var title: String
    public var dueDate: CalendarDate?
    public var assigneeId: String?
    /// `handmatig`, `regie` or `duo`.
    public var source: String
    public var doneAt: Int64?
    public var doneBy: String?
    public var createdBy: String
    public var createdAt: Int64
    /// M0022: withdrawn (closed without being done) — why.
    public var withdrawnReason: String? = nil

    public init(id: String, personId: String, title: String, dueDate: CalendarDate?, assigneeId: String?, source: String, createdBy: String, createdAt: Int64) {
        self.id = id
        self.personId = personId
        self.title = title
        self.dueDate = dueDate
        self.assigneeId = assigneeId
        self.source = source
        self.doneAt = nil
        self.doneBy = nil
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// An open task with the name of the person it concerns, for a worker's task list.
public struct OpenTaak: Codable, Sendable, Hashable {
    public let id: String
    public let personId: String
    public let title: String
    public let dueDate: CalendarDate?
    public let givenNames: String
    public let familyName: String
}

/// A document in a case file (a letter, a certificate, a report); its content is sealed at rest.
public struct DocumentRecord: Codable, Sendable, Hashable {
    public var id: String
    public var personId: String
    public var title: String
    public var filename: String
    public var contentType: String
    public var sizeBytes: Int
    public var uploadedBy: String
    public var uploadedAt: Int64

    public init(id: String, personId: String, title: String, filename: String, contentType: String, sizeBytes: Int, uploadedBy: String, uploadedAt: Int64) {
        self.id = id
        self.personId = personId
        self.title = title
        self.filename = filename
        self.contentType = contentType
        self.sizeBytes = sizeBytes
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }
}
