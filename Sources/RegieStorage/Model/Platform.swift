import Foundation
import Inburgering
import SQLKit

/// The roles a member of staff can hold (issue 2 §5). A user may hold several.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case consulent
    case teamleider
    case beleidsmedewerker
    case budgetbeheerder
    case functioneelBeheerder

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public struct Municipality: Codable, Sendable, Hashable {
    /// CBS gemeentecode, e.g. `GM0772` (Eindhoven).
    public let code: String
    public let name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

public struct Organisation: Codable, Sendable, Hashable {
    public let id: String
    public let name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

public struct Team: Codable, Sendable, Hashable {
    public let id: String
    public let organisationId: String
    public let name: String

    public init(id: String, organisationId: String, name: String) {
        self.id = id
        self.organisationId = organisationId
        self.name = name
    }
}

/// A member of staff, with the organisation they belong to and the municipalities it serves.
public struct User: Codable, Sendable, Hashable {
    public let id: String
    public let organisationId: String
    public let organisationName: String
    public let teamId: String?
    public let email: String
    public let name: String
    public let locale: String
    public let active: Bool
    public let roles: [Role]
    public let municipalities: [Municipality]
    public let passwordChangedAt: Date
    /// Set for the staff of a provider (a partner organisation, M0031): the provider they work for.
    /// They serve no municipality; what they see follows from referrals and consent.
    public var providerId: String? = nil
    /// A provider's own administrator, who keeps its staff's accounts (M0031).
    public var partnerAdmin: Bool = false

    public init(id: String, organisationId: String, organisationName: String, teamId: String?, email: String, name: String, locale: String, active: Bool, roles: [Role], municipalities: [Municipality], passwordChangedAt: Date) {
        self.id = id
        self.organisationId = organisationId
        self.organisationName = organisationName
        self.teamId = teamId
        self.email = email
        self.name = name
        self.locale = locale
        self.active = active
        self.roles = roles
        self.municipalities = municipalities
        self.passwordChangedAt = passwordChangedAt
    }
}

/// A stored session: the cookie holds a random token, the database only its SHA-256.
public struct SessionRecord: Sendable, Hashable {
    public let tokenHash: String
    public let userId: String
    public let csrfToken: String
    public let municipalityCode: String?
    public let createdAt: Date
    public let lastSeenAt: Date
    public let expiresAt: Date

    public init(tokenHash: String, userId: String, csrfToken: String, municipalityCode: String?, createdAt: Date, lastSeenAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.userId = userId
        self.csrfToken = csrfToken
        self.municipalityCode = municipalityCode
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}

public struct APIKeyRecord: Sendable, Hashable, Codable {
    public let id: String
    public let organisationId: String
    public let name: String
    public let prefix: String
    public let role: Role
    public let createdBy: String
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?
    /// Who approved the key (a second person holding its role), and when; nil while it waits.
    public let approvedBy: String?
    public let approvedAt: Date?

    public init(id: String, organisationId: String, name: String, prefix: String, role: Role, createdBy: String, createdAt: Date, lastUsedAt: Date?,
                revokedAt: Date?, approvedBy: String? = nil, approvedAt: Date? = nil) {
        self.id = id
        self.organisationId = organisationId
        self.name = name
        self.prefix = prefix
        self.role = role
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
    }
}

/// A person's gender as Regie records it; "x" where the BRP records neither.
public enum PersonGender: String, CaseIterable, Codable, Sendable {
    case vrouw, man, x
}

/// A newcomer as far as the platform needs them: identity, tenancy, and contact details.
public struct PersonRecord: Codable, Sendable, Hashable {
    public let id: String
    public let municipalityCode: String
    public let householdId: String?
    public let bsn: String?
    public let vNummer: String?
    public let givenNames: String
    public let familyName: String
    /// Nil while the details are pending (the column holds an empty text until the BRP tells).
    public let dateOfBirth: CalendarDate?
    public let gender: PersonGender
    public let doelgroep: Doelgroep
    public let language: String
    public let interpreterNeeded: Bool
    public let phone: String?
    public let email: String?
    /// Created from a DUO signal (M0003): name, birth date and gender still to come from the BRP.
    public var detailsPending: Bool = false
    /// The language an interpreter speaks with the person (M0010), when one is needed.
    public var interpreterLanguage: String? = nil

    public init(id: String, municipalityCode: String, householdId: String?, bsn: String?, vNummer: String?, givenNames: String, familyName: String,
                dateOfBirth: CalendarDate?, gender: PersonGender, doelgroep: Doelgroep, language: String, interpreterNeeded: Bool, phone: String?, email: String?) {
        self.id = id
        self.municipalityCode = municipalityCode
        self.householdId = householdId
        self.bsn = bsn
        self.vNummer = vNummer
        self.givenNames = givenNames
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.doelgroep = doelgroep
        self.language = language
        self.interpreterNeeded = interpreterNeeded
        self.phone = phone
        self.email = email
    }

    /// A `persons` row: flags are 0/1 integers on both engines, an unknown birth date is empty text.
    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try row.decode(String.self, forKey: .id), municipalityCode: try row.decode(String.self, forKey: .municipalityCode),
                  householdId: try row.decodeIfPresent(String.self, forKey: .householdId), bsn: try row.decodeIfPresent(String.self, forKey: .bsn),
                  vNummer: try row.decodeIfPresent(String.self, forKey: .vNummer), givenNames: try row.decode(String.self, forKey: .givenNames),
                  familyName: try row.decode(String.self, forKey: .familyName), dateOfBirth: try row.storedDate(.dateOfBirth),
                  gender: try row.decode(PersonGender.self, forKey: .gender), doelgroep: try row.decode(Doelgroep.self, forKey: .doelgroep),
                  language: try row.decode(String.self, forKey: .language), interpreterNeeded: try row.storedFlag(.interpreterNeeded),
                  phone: try row.decodeIfPresent(String.self, forKey: .phone), email: try row.decodeIfPresent(String.self, forKey: .email))
        detailsPending = try row.storedFlag(.detailsPending)
        interpreterLanguage = try row.decodeIfPresent(String.self, forKey: .interpreterLanguage)
    }

    public var fullName: String { "\(givenNames) \(familyName)" }

    /// The same person in another household.
    public init(copying p: PersonRecord, householdId: String?) {
        self.init(id: p.id, municipalityCode: p.municipalityCode, householdId: householdId, bsn: p.bsn, vNummer: p.vNummer,
                  givenNames: p.givenNames, familyName: p.familyName, dateOfBirth: p.dateOfBirth, gender: p.gender,
                  doelgroep: p.doelgroep, language: p.language, interpreterNeeded: p.interpreterNeeded, phone: p.phone, email: p.email)
    }
}

/// A row of a caseload list: the person, the phase of their traject and the dates the statutory
/// clock needs to say which term is next.
public struct PersonSummary: Sendable, Hashable {
    public let id: String
    public let municipalityCode: String
    public let givenNames: String
    public let familyName: String
    public let doelgroep: Doelgroep
    /// Nil while the details are pending.
    public let dateOfBirth: CalendarDate?
    /// Nil for a person without a traject.
    public let phase: TrajectFase?
    public let consulentName: String?
    public let kennisgevingDate: CalendarDate?
    public let koppelingDate: CalendarDate?
    public let brpDate: CalendarDate?
    public let pipDate: CalendarDate?
    public let routeStartDate: CalendarDate?
    public let leerroute: Leerroute?
    public let closedDate: CalendarDate?
    public let closedReason: TrajectEinde?
    /// The stored due date of the nearest running term (the sort key); nil when no term runs.
    public let nextDueDate: CalendarDate?
    public let lastContactDate: CalendarDate?
    public let lastMeetingDate: CalendarDate?
    public let pipCadenceMonths: Int?
    public var duoTenWeeksStart: CalendarDate? = nil
    public var duoTermEnd: CalendarDate? = nil
    /// Created from a DUO signal: name and birth date still to come from the BRP.
    public var detailsPending: Bool = false
    /// The case's law facts as stored with the traject (M0007).
    public var factsJson: String? = nil
    /// M0018: the recorded work the next step needs, and the step as stored at the last change.
    public var handoverHeld = false
    public var intakeConversations = 0
    public var intakeOpenTopics = 0
    public var lbtDone = false
    public var routeDecided = false
    public var nextStep: NextStepKind? = nil
    public var nextStepDate: CalendarDate? = nil
    /// The last three digits of the BSN, to tell namesakes apart in a list.
    public var bsnEnd: String? = nil
    public var householdId: String? = nil

    /// A row of `PersonStore.summaryColumns`, read column by column: no keyed decoding container and
    /// no conformance look-up per column, as `Decodable` would cost (the caseload reads 51 rows per
    /// page: issue 14).
    init(row: some SQLRow) throws {
        let c = ColumnReader(row: row)
        id = try c.required("id")
        municipalityCode = try c.required("municipalityCode")
        givenNames = try c.required("givenNames")
        familyName = try c.required("familyName")
        doelgroep = try c.required("doelgroep", as: Doelgroep.self)
        dateOfBirth = try c.date("dateOfBirth")
        phase = try c.choice("phase", as: TrajectFase.self)
        consulentName = try c.text("consulentName")
        kennisgevingDate = try c.date("kennisgevingDate")
        koppelingDate = try c.date("koppelingDate")
        brpDate = try c.date("brpDate")
        pipDate = try c.date("pipDate")
        routeStartDate = try c.date("routeStartDate")
        leerroute = try c.choice("leerroute", as: Leerroute.self)
        closedDate = try c.date("closedDate")
        closedReason = try c.choice("closedReason", as: TrajectEinde.self)
        nextDueDate = try c.date("nextDueDate")
        lastContactDate = try c.date("lastContactDate")
        lastMeetingDate = try c.date("lastMeetingDate")
        pipCadenceMonths = try c.integer("pipCadenceMonths")
        duoTenWeeksStart = try c.date("duoTenWeeksStart")
        duoTermEnd = try c.date("duoTermEnd")
        detailsPending = try c.flag("detailsPending")
        factsJson = try c.text("factsJson")
        handoverHeld = try c.flag("handoverHeld")
        intakeConversations = try c.integer("intakeConversations") ?? 0
        intakeOpenTopics = try c.integer("intakeOpenTopics") ?? 0
        lbtDone = try c.flag("lbtDone")
        routeDecided = try c.flag("routeDecided")
        nextStep = try c.text("nextStep").flatMap(NextStepKind.init(rawValue:))
        nextStepDate = try c.date("nextStepDate").flatMap { $0.iso == M0002_Casework.noDueDate ? nil : $0 }
        bsnEnd = try c.text("bsnEnd")
        householdId = try c.text("householdId")
    }

    /// The recorded work the next step reads (`NextStepRule`); nil for a person without a traject.
    public var progress: NextStepRule.Progress? {
        phase.map { NextStepRule.Progress(fase: $0, warmeOverdracht: handoverHeld, intakeGesprekken: intakeConversations,
                                          openOnderwerpen: intakeOpenTopics, lbtAfgerond: lbtDone, leerrouteBesloten: routeDecided) }
    }
}

/// The traject's key dates as stored; the law module computes terms from them.
public struct TrajectRecord: Codable, Sendable, Hashable {
    public let id: String
    public let personId: String
    public let municipalityCode: String
    public let phase: TrajectFase
    public let consulentId: String?
    public let kennisgevingDate: CalendarDate?
    public let koppelingDate: CalendarDate?
    public let housingDate: CalendarDate?
    public let brpDate: CalendarDate?
    public let intakeDate: CalendarDate?
    public let pipDate: CalendarDate?
    public let routeStartDate: CalendarDate?
    public let leerroute: Leerroute?
    public let closedDate: CalendarDate?
    public let closedReason: TrajectEinde?
    /// The last progress meeting held and the current PIP's cadence: what the clock needs for the next one.
    public let lastMeetingDate: CalendarDate?
    public let pipCadenceMonths: Int?
    public let lastContactDate: CalendarDate?
    /// DUO's facts (M0003): SS139's start of the 10-week term, the term as DUO registered it (last
    /// day inclusive), and a temporary exemption.
    public var duoTenWeeksStart: CalendarDate? = nil
    public var duoTermStart: CalendarDate? = nil
    public var duoTermEnd: CalendarDate? = nil
    public var duoExemptUntil: CalendarDate? = nil
    public var duoExempt: Bool = false
    /// The last day of the 10-week PIP term (R1) and why the first PIP came later (M0004).
    public var pipDueDate: CalendarDate? = nil
    public var pipDelayReason: PIPDelayReason? = nil
    /// M0011: what "another reason" (`overig`) was.
    public var pipDelayNote: String? = nil
    /// M0007: the day Regie learned DUO's term and DUO's description of its extension ground (its own
    /// words, `verlengingsgrondomschrijving`); the first day of a temporary exemption; every law fact
    /// of the case as JSON (`TrajectFacts`), rebuilt with each change.
    public var duoTermKnown: CalendarDate? = nil
    public var duoTermGround: String? = nil
    public var duoExemptFrom: CalendarDate? = nil
    public var factsJson: String? = nil
    /// M0018: the work recorded on the case that its next step needs, and the step with its date as
    /// computed at the last change (the werkvoorraad's sort key).
    public var handoverHeld = false
    public var intakeConversations = 0
    public var intakeOpenTopics = 0
    public var lbtDone = false
    public var routeDecided = false
    public var nextStep: NextStepKind? = nil
    public var nextStepDate: CalendarDate? = nil

    public init(id: String, personId: String, municipalityCode: String, phase: TrajectFase, consulentId: String?, kennisgevingDate: CalendarDate?,
                koppelingDate: CalendarDate?, housingDate: CalendarDate?, brpDate: CalendarDate?, intakeDate: CalendarDate?, pipDate: CalendarDate?,
                routeStartDate: CalendarDate?, leerroute: Leerroute?, closedDate: CalendarDate?, closedReason: TrajectEinde?,
                lastMeetingDate: CalendarDate? = nil, pipCadenceMonths: Int? = nil, lastContactDate: CalendarDate? = nil) {
        self.id = id
        self.personId = personId
        self.municipalityCode = municipalityCode
        self.phase = phase
        self.consulentId = consulentId
        self.kennisgevingDate = kennisgevingDate
        self.koppelingDate = koppelingDate
        self.housingDate = housingDate
        self.brpDate = brpDate
        self.intakeDate = intakeDate
        self.pipDate = pipDate
        self.routeStartDate = routeStartDate
        self.leerroute = leerroute
        self.closedDate = closedDate
        self.closedReason = closedReason
        self.lastMeetingDate = lastMeetingDate
        self.pipCadenceMonths = pipCadenceMonths
        self.lastContactDate = lastContactDate
    }

    /// A `trajecten` row: flags are 0/1 integers on both engines.
    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try row.decode(String.self, forKey: .id), personId: try row.decode(String.self, forKey: .personId),
                  municipalityCode: try row.decode(String.self, forKey: .municipalityCode), phase: try row.decode(TrajectFase.self, forKey: .phase),
                  consulentId: try row.decodeIfPresent(String.self, forKey: .consulentId), kennisgevingDate: try row.storedDate(.kennisgevingDate),
                  koppelingDate: try row.storedDate(.koppelingDate), housingDate: try row.storedDate(.housingDate), brpDate: try row.storedDate(.brpDate),
                  intakeDate: try row.storedDate(.intakeDate), pipDate: try row.storedDate(.pipDate), routeStartDate: try row.storedDate(.routeStartDate),
                  leerroute: try row.decodeIfPresent(Leerroute.self, forKey: .leerroute), closedDate: try row.storedDate(.closedDate),
                  closedReason: try row.decodeIfPresent(TrajectEinde.self, forKey: .closedReason), lastMeetingDate: try row.storedDate(.lastMeetingDate),
                  pipCadenceMonths: try row.decodeIfPresent(Int.self, forKey: .pipCadenceMonths), lastContactDate: try row.storedDate(.lastContactDate))
        duoTenWeeksStart = try row.storedDate(.duoTenWeeksStart)
        duoTermStart = try row.storedDate(.duoTermStart)
        duoTermEnd = try row.storedDate(.duoTermEnd)
        duoExemptUntil = try row.storedDate(.duoExemptUntil)
        duoExempt = try row.storedFlag(.duoExempt)
        pipDueDate = try row.storedDate(.pipDueDate)
        pipDelayReason = try row.decodeIfPresent(PIPDelayReason.self, forKey: .pipDelayReason)
        pipDelayNote = try row.decodeIfPresent(String.self, forKey: .pipDelayNote)
        duoTermKnown = try row.storedDate(.duoTermKnown)
        duoTermGround = try row.decodeIfPresent(String.self, forKey: .duoTermGround)
        duoExemptFrom = try row.storedDate(.duoExemptFrom)
        factsJson = try row.decodeIfPresent(String.self, forKey: .factsJson)
        handoverHeld = try row.storedFlag(.handoverHeld)
        intakeConversations = try row.decodeIfPresent(Int.self, forKey: .intakeConversations) ?? 0
        intakeOpenTopics = try row.decodeIfPresent(Int.self, forKey: .intakeOpenTopics) ?? 0
        lbtDone = try row.storedFlag(.lbtDone)
        routeDecided = try row.storedFlag(.routeDecided)
        nextStep = try row.decodeIfPresent(String.self, forKey: .nextStep).flatMap(NextStepKind.init(rawValue:))
        nextStepDate = try row.storedDate(.nextStepDate).flatMap { $0.iso == M0002_Casework.noDueDate ? nil : $0 }
    }

    /// The recorded work the next step reads (`NextStepRule`).
    public var progress: NextStepRule.Progress {
        NextStepRule.Progress(fase: phase, warmeOverdracht: handoverHeld, intakeGesprekken: intakeConversations,
                              openOnderwerpen: intakeOpenTopics, lbtAfgerond: lbtDone, leerrouteBesloten: routeDecided)
    }
}

/// Reads a row's columns by name with the conventions of the stored records (`storedDate`,
/// `storedFlag`): NULL is nil, a date is ISO text (empty for "not known yet"), a flag an integer.
struct ColumnReader<Row: SQLRow> {
    let row: Row

    struct Unreadable: Error, CustomStringConvertible {
        let column: String
        let value: String
        var description: String { "column \(column): unreadable value \(value)" }
    }

    func text(_ column: String) throws -> String? {
        try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
    }

    func required(_ column: String) throws -> String {
        try row.decode(column: column, as: String.self)
    }

    func integer(_ column: String) throws -> Int? {
        try row.decodeNil(column: column) ? nil : row.decode(column: column, as: Int.self)
    }

    func flag(_ column: String) throws -> Bool {
        (try integer(column) ?? 0) != 0
    }

    func date(_ column: String) throws -> CalendarDate? {
        guard let text = try text(column), !text.isEmpty else { return nil }
        guard let date = CalendarDate(iso: text) else { throw Unreadable(column: column, value: text) }
        return date
    }

    func choice<E: RawRepresentable>(_ column: String, as type: E.Type) throws -> E? where E.RawValue == String {
        guard let text = try text(column) else { return nil }
        guard let value = E(rawValue: text) else { throw Unreadable(column: column, value: text) }
        return value
    }

    func required<E: RawRepresentable>(_ column: String, as type: E.Type) throws -> E where E.RawValue == String {
        let text = try required(column)
        guard let value = E(rawValue: text) else { throw Unreadable(column: column, value: text) }
        return value
    }
}

extension KeyedDecodingContainer {
    /// A flag column: an integer 0/1 on both engines (a boolean would not decode from an integer
    /// column on PostgreSQL). Absent or NULL reads as false.
    func storedFlag(_ key: Key) throws -> Bool {
        (try decodeIfPresent(Int.self, forKey: key) ?? 0) != 0
    }

    /// A date column (ISO text). NULL, absent or the empty text of a NOT NULL column not known yet
    /// read as nil; anything else must be a date.
    func storedDate(_ key: Key) throws -> CalendarDate? {
        guard let text = try decodeIfPresent(String.self, forKey: key), !text.isEmpty else { return nil }
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a date: \(text)")
        }
        return date
    }
}

extension TrajectRecord {
    /// The columns of `trajecten` a record reads, for a join that names them apart from the person's
    /// (`PersonStore.fetchCase`). A test holds this list to the table.
    public static let columns = [
        "id", "person_id", "municipality_code", "phase", "consulent_id", "kennisgeving_date", "koppeling_date", "housing_date", "brp_date",
        "intake_date", "pip_date", "route_start_date", "leerroute", "closed_date", "closed_reason", "last_meeting_date", "pip_cadence_months",
        "last_contact_date", "duo_ten_weeks_start", "duo_term_start", "duo_term_end", "duo_exempt_until", "duo_exempt", "pip_due_date",
        "pip_delay_reason", "pip_delay_note", "duo_term_known", "duo_term_ground", "duo_exempt_from", "facts_json",
        "handover_held", "intake_conversations", "intake_open_topics", "lbt_done", "route_decided", "next_step", "next_step_date",
    ]
}

/// A keyset page: the rows and the cursor for the next page, if there is one.
public struct Page<Row: Sendable>: Sendable {
    public let rows: [Row]
    public let next: String?
}

extension Date {
    public var epochSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    init(epochSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(epochSeconds)) }
}
