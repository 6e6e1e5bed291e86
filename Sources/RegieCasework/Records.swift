import Foundation
import Inburgering
import RegieStorage

/// The warm handover from COA (asylum permit holders only): the profile COA hands over and the
/// meeting with the newcomer.
public struct SaveHandover: CaseworkCommand {
    public static let profileFields: [(key: String, long: Bool)] = [
        ("verblijfsvergunning", false), ("azcLocatie", false), ("coaContact", false), ("gezin", true), ("opleiding", true),
        ("werkervaring", true), ("talen", false), ("gezondheid", true), ("bijzonderheden", true),
    ]

    public enum Scenario: String, CaseIterable, Sendable { case azc, gecombineerd, naVerhuizing }
    public enum Attendee: String, CaseIterable, Sendable { case coa, gemeente, inburgeraar, tolk, begeleiding }

    public let file: CaseFile
    /// The profile by field key (`profileFields`); other keys are ignored.
    public var profile: [String: String]
    public var scenario: Scenario?
    public var meetingPlanned: CalendarDate?
    public var meetingHeld: CalendarDate?
    public var attendees: [Attendee]
    public var read: [FieldIssue]

    public init(file: CaseFile, profile: [String: String], scenario: Scenario?, meetingPlanned: CalendarDate?, meetingHeld: CalendarDate?,
                attendees: [Attendee], read: [FieldIssue] = []) {
        self.file = file
        self.profile = profile
        self.scenario = scenario
        self.meetingPlanned = meetingPlanned
        self.meetingHeld = meetingHeld
        self.attendees = attendees
        self.read = read
    }

    public static let labels = Dictionary(uniqueKeysWithValues: profileFields.map { ($0.key, "handover.fields.\($0.key)") })
        .merging(["scenario": "handover.scenario", "meetingPlanned": "handover.planned", "meetingHeld": "handover.held", "attendees": "handover.attendees"]) { a, _ in a }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> WarmeOverdrachtRecord {
        var v = Checks(labels: Self.labels, read: read)
        // The warm handover belongs to the koppeling, which is for asylum permit holders only; a
        // closed case may still have its handover completed (TrajectGebeurtenisRule, category only).
        var stand = file.stand()
        stand.afgesloten = false
        if (try? TrajectGebeurtenisRule.controleer(.gekoppeld(context.today), in: stand)) == nil { v.fail("scenario", "handover.errors.notAsylum") }
        var stored: [String: String] = [:]
        let reader = InputReader()
        for field in Self.profileFields {
            stored[field.key] = v.text(field.key, reader.text(profile[field.key]), required: false, maxLength: field.long ? 5000 : 200)
        }
        v.read("scenario")
        let koppeling = file.traject.koppelingDate
        let planned = v.date("meetingPlanned", meetingPlanned, required: false, notBefore: koppeling)
        let held = v.date("meetingHeld", meetingHeld, required: false, notAfter: context.today, notBefore: koppeling)
        v.read("attendees")
        if held != nil && attendees.isEmpty { v.fail("attendees", "handover.errors.attendees") }
        guard v.isValid else { throw v.error() }
        let record = WarmeOverdrachtRecord(
            personId: file.person.id, scenario: scenario?.rawValue, profile: stored, meetingPlanned: planned?.iso, meetingHeld: held?.iso,
            meetingAttendees: Attendee.allCases.filter(attendees.contains).map(\.rawValue).joined(separator: ","), updatedBy: context.actorId,
            updatedAt: context.now.epochSeconds)
        let event = context.audit(.caseworkHandoverUpdate, file.person, "scenario: \(scenario?.rawValue ?? "-")")
        guard let saved = try await stores.casework.saveOverdracht(record, scope: context.scope, actor: context.actor, audit: event, now: context.now) else {
            throw CaseNotFound()
        }
        return saved
    }
}

/// A task on the case (assigned to the case's consulent).
public struct AddTask: CaseworkCommand {
    public let file: CaseFile
    public var title: String?
    public var due: CalendarDate?
    public var read: [FieldIssue]

    public init(file: CaseFile, title: String?, due: CalendarDate?, read: [FieldIssue] = []) {
        self.file = file
        self.title = title
        self.due = due
        self.read = read
    }

    public static let labels = ["taskTitle": "tasks.title", "taskDue": "tasks.due"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> TaakRecord {
        var v = Checks(labels: Self.labels, read: read)
        let title = v.text("taskTitle", title, maxLength: 200)
        let due = v.date("taskDue", due, required: false, notBefore: context.today)
        if file.traject.closedDate != nil { v.fail("taskTitle", "tasks.errors.closed") }
        guard v.isValid, let title else { throw v.error() }
        let taak = TaakRecord(id: CommandContext.newID(), personId: file.person.id, title: title, dueDate: due, assigneeId: nil, source: "handmatig",
                              createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkTaskAdd, file.person, "")
        guard let saved = try await stores.casework.insertTaak(taak, scope: context.scope, actor: context.actor, audit: event, now: context.now) else {
            throw CaseNotFound()
        }
        return saved
    }
}

/// Corrects an open task in place: its title and due date (the timeline keeps the old values).
public struct EditTask: CaseworkCommand {
    public let file: CaseFile
    public let taskId: String
    public var title: String?
    public var due: CalendarDate?
    public var read: [FieldIssue]

    public init(file: CaseFile, taskId: String, title: String?, due: CalendarDate?, read: [FieldIssue] = []) {
        self.file = file
        self.taskId = taskId
        self.title = title
        self.due = due
        self.read = read
    }

    public static let labels = AddTask.labels

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> TaakRecord {
        var v = Checks(labels: Self.labels, read: read)
        let title = v.text("taskTitle", title, maxLength: 200)
        let due = v.date("taskDue", due, required: false)
        guard v.isValid, let title else { throw v.error() }
        let event = context.audit(.caseworkTaskEdit, file.person, "")
        do {
            return try CaseNotFound.unless(try await stores.casework.updateTaak(personId: file.person.id, taakId: taskId, title: title, dueDate: due,
                                                                              assigneeId: nil, scope: context.scope, actor: context.actor, audit: event,
                                                                              now: context.now))
        } catch CaseworkStore.TaakError.notOpen {
            throw CaseNotFound()
        }
    }
}

/// Marks an open task of the case as done.
public struct CompleteTask: CaseworkCommand {
    public let file: CaseFile
    public let taskId: String

    public init(file: CaseFile, taskId: String) {
        self.file = file
        self.taskId = taskId
    }

    public static var labels: [String: String] { [:] }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        let event = context.audit(.caseworkTaskDone, file.person, "")
        do {
            guard try await stores.casework.completeTaak(personId: file.person.id, taakId: taskId, by: context.actorId, scope: context.scope,
                                                         actor: context.actor, audit: event, now: context.now) != nil else { throw CaseNotFound() }
        } catch CaseworkStore.TaakError.notOpen {
            throw CaseNotFound()
        }
    }
}

/// The kinds of document a case file accepts, recognised by their first bytes (never by the name or
/// the browser's claim).
public enum DocumentKind: String, CaseIterable, Sendable {
    case pdf, png, jpeg, docx, odt

    public var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .odt: "application/vnd.oasis.opendocument.text"
        }
    }

    /// From the file's first bytes (`head`) and, for a ZIP, its last ones (`tail`, the central directory).
    public static func detect(head: Data, tail: Data, size: Int) -> DocumentKind? {
        let bytes = [UInt8](head.prefix(8))
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            // A ZIP is whatever it holds, never what its name says: a zip of anything named .docx is refused.
            if ZipContainer.isWordDocument(tail: tail, size: size) { return .docx }
            if ZipContainer.isOpenDocumentText(head: head, tail: tail, size: size) { return .odt }
        }
        return nil
    }
}

/// A file as a door received it: its name and size, its first and last bytes (to tell its kind),
/// the limit it was received under, and its content (nil when it was larger than the limit).
public struct UploadedFile: Sendable {
    public let filename: String
    public let size: Int
    public let head: Data
    public let tail: Data
    public let limit: Int
    public let content: DocumentContent?

    public init(filename: String, size: Int, head: Data, tail: Data, limit: Int, content: DocumentContent?) {
        self.filename = filename
        self.size = size
        self.head = head
        self.tail = tail
        self.limit = limit
        self.content = content
    }

    /// A file whose bytes arrived whole (an API body).
    public init(filename: String, bytes: Data, limit: Int) {
        self.init(filename: filename, size: bytes.count, head: Data(bytes.prefix(1024)), tail: Data(bytes.suffix(256 * 1024)), limit: limit,
                  content: bytes.count > limit ? nil : .data(bytes))
    }

    /// "20 MB", "1,4 MB" (Dutch decimal comma), "12 kB".
    public static func size(_ bytes: Int) -> String {
        guard bytes >= 1024 * 1024 else { return "\(max(1, bytes / 1024)) kB" }
        if bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024)) MB" }
        let tenths = Int((Double(bytes) / 104_857.6).rounded())
        return "\(tenths / 10),\(tenths % 10) MB"
    }
}

/// A document in the case file: size-limited, type-checked by content, sealed at rest.
public struct AddDocument: CaseworkCommand {
    /// Largest document the API accepts (7 MiB: in base64 it still fits a JSON body under the 10 MiB limit).
    public static let maximumBytes = 7 * 1024 * 1024
    /// Largest document the web form accepts: a scanned letter of several pages, streamed to sealed
    /// chunks as it arrives, never held whole in memory.
    public static let maximumStreamedBytes = 20 * 1024 * 1024

    public let file: CaseFile
    public var title: String?
    public var upload: UploadedFile?

    public init(file: CaseFile, title: String?, upload: UploadedFile?) {
        self.file = file
        self.title = title
        self.upload = upload
    }

    public static let labels = ["title": "documents.titleField", "file": "documents.file"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> DocumentRecord {
        var v = Checks(labels: Self.labels)
        let title = v.text("title", title, maxLength: 200)
        var kind: DocumentKind?
        var tooLarge = false
        if let upload, upload.size > 0 {
            if upload.content == nil {
                v.fail("file", "documents.errors.tooLarge", ["max": .text(UploadedFile.size(upload.limit))])
                tooLarge = true
            } else if let detected = DocumentKind.detect(head: upload.head, tail: upload.tail, size: upload.size) {
                kind = detected
            } else {
                v.fail("file", "documents.errors.type")
            }
        } else {
            v.fail("file", "documents.errors.missing")
        }
        guard v.isValid, let title, let upload, let kind, let content = upload.content else { throw v.error(tooLarge ? .tooLarge : .invalid) }
        let safeName = String(upload.filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "document")
            .filter { !$0.isNewline && $0 != "\"" }.prefix(120)
        let record = DocumentRecord(id: CommandContext.newID(), personId: file.person.id, title: title, filename: String(safeName), contentType: kind.contentType,
                                    sizeBytes: upload.size, uploadedBy: context.actorId, uploadedAt: context.now.epochSeconds)
        let event = context.audit(.caseworkDocumentUpload, file.person, "document: \(record.id)")
        guard let saved = try await stores.casework.insertDocument(record, content: content, scope: context.scope, actor: context.actor,
                                                                   audit: event, now: context.now) else { throw CaseNotFound() }
        return saved
    }
}

/// Corrects the person's details (name, birth date, gender, language, BRP registration date); the
/// timeline keeps the old values.
public struct CorrectDetails: CaseworkCommand {
    public let file: CaseFile
    public var givenNames: String?
    public var familyName: String?
    public var dateOfBirth: CalendarDate?
    public var gender: PersonGender?
    public var language: String?
    public var interpreterNeeded: Bool
    public var brp: CalendarDate?
    public var read: [FieldIssue]

    public init(file: CaseFile, givenNames: String?, familyName: String?, dateOfBirth: CalendarDate?, gender: PersonGender?, language: String?,
                interpreterNeeded: Bool, brp: CalendarDate?, read: [FieldIssue] = []) {
        self.file = file
        self.givenNames = givenNames
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.language = language
        self.interpreterNeeded = interpreterNeeded
        self.brp = brp
        self.read = read
    }

    public static let labels = ["givenNames": "register.givenNames", "familyName": "register.familyName", "dateOfBirth": "register.dateOfBirth",
                                "gender": "register.gender", "language": "register.language", "brp": "person.brp"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels, read: read)
        let today = context.today
        let givenNames = v.text("givenNames", givenNames, maxLength: 100, characters: .name)
        let familyName = v.text("familyName", familyName, maxLength: 100, characters: .name)
        let dateOfBirth = v.date("dateOfBirth", dateOfBirth, notAfter: today, plausible: .birth)
        let gender = v.choice("gender", gender)
        let language = v.text("language", language, maxLength: 60)
        let brp = v.date("brp", brp, required: false, notAfter: today)
        if let dateOfBirth, let brp, brp < dateOfBirth { v.fail("brp", "register.errors.beforeBirth") }
        guard v.isValid, let givenNames, let familyName, let dateOfBirth, let gender, let language else { throw v.error() }
        let details = PersonDetails(givenNames: givenNames, familyName: familyName, dateOfBirth: dateOfBirth.iso, gender: gender.rawValue, language: language,
                                    interpreterNeeded: interpreterNeeded, brpDate: brp?.iso)
        let event = context.audit(.personDetailsUpdate, file.person, "")
        guard try await stores.casework.updateDetails(personId: file.person.id, details, scope: context.scope, actor: context.actor,
                                                      audit: event, now: context.now) != nil else { throw CaseNotFound() }
    }
}

/// A request for information to a third party (R1a: the PIP term waits while it is out).
public struct RequestFromThirdParty: CaseworkCommand {
    public let file: CaseFile
    public var party: String?
    public var subject: String?
    public var requestedOn: CalendarDate?
    public var read: [FieldIssue]

    public init(file: CaseFile, party: String?, subject: String?, requestedOn: CalendarDate?, read: [FieldIssue] = []) {
        self.file = file
        self.party = party
        self.subject = subject
        self.requestedOn = requestedOn
        self.read = read
    }

    public static let labels = ["party": "derden.party", "subject": "derden.subject", "requestedOn": "derden.requestedOn"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> DerdenVerzoekRecord {
        var v = Checks(labels: Self.labels, read: read)
        let party = v.text("party", party, maxLength: 200)
        let subject = v.text("subject", subject, maxLength: 500)
        let requested = v.date("requestedOn", requestedOn, notAfter: context.today)
        if file.refusal(of: .derdenInformatieGevraagd(requested ?? context.today)) == .trajectAfgesloten { v.fail("party", "close.errors.alreadyClosed") }
        guard v.isValid, let party, let subject, let requested else { throw v.error() }
        let record = DerdenVerzoekRecord(id: CommandContext.newID(), personId: file.person.id, party: party, subject: subject, requestedOn: requested.iso,
                                         createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkDerdenRequest, file.person, party)
        guard let saved = try await stores.casework.insertDerdenVerzoek(record, scope: context.scope, actor: context.actor, audit: event,
                                                                         now: context.now) else { throw CaseNotFound() }
        return saved
    }
}

/// The answer to a third-party request arrived, or the request is withdrawn with a reason.
public struct SettleThirdPartyRequest: CaseworkCommand {
    public enum Outcome: Sendable {
        case received(CalendarDate?)
        case withdrawn(reason: String?)
    }

    public let file: CaseFile
    public let requestId: String
    public var outcome: Outcome
    public var read: [FieldIssue]

    public init(file: CaseFile, requestId: String, outcome: Outcome, read: [FieldIssue] = []) {
        self.file = file
        self.requestId = requestId
        self.outcome = outcome
        self.read = read
    }

    public static let labels = ["receivedOn": "derden.receivedOn", "reason": "derden.reason"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels, read: read)
        let stored: Bool?
        do {
            switch outcome {
            case .received(let date):
                let day = v.date("receivedOn", date, notAfter: context.today)
                guard v.isValid, let day else { throw v.error() }
                let event = context.audit(.caseworkDerdenReceive, file.person, day.iso)
                stored = try await stores.casework.receiveDerdenVerzoek(personId: file.person.id, requestId: requestId, receivedOn: day,
                                                                        scope: context.scope, actor: context.actor, audit: event, now: context.now)
            case .withdrawn(let reason):
                let reason = v.text("reason", reason, maxLength: 500)
                guard v.isValid, let reason else { throw v.error() }
                let event = context.audit(.caseworkDerdenWithdraw, file.person, reason)
                stored = try await stores.casework.withdrawDerdenVerzoek(personId: file.person.id, requestId: requestId, reason: reason,
                                                                         scope: context.scope, actor: context.actor, audit: event, now: context.now)
            }
        } catch CaseworkStore.DerdenStoreError.unknownRequest {
            throw CaseNotFound()
        } catch CaseworkStore.DerdenStoreError.receivedBeforeRequested {
            throw CaseworkError(.rejected, [FieldIssue(field: "receivedOn", rule: "derden.errors.beforeRequested")], labels: Self.labels)
        }
        guard stored != nil else { throw CaseNotFound() }
    }
}

/// Withdraws an intake conversation or a progress meeting recorded by mistake, with a reason; the
/// right one is then recorded anew (issue 15 item 3).
public struct WithdrawRecord: CaseworkCommand {
    public let file: CaseFile
    public var kind: WithdrawableRecord
    public var recordId: String
    public var reason: String?

    public init(file: CaseFile, kind: WithdrawableRecord, recordId: String, reason: String?) {
        self.file = file
        self.kind = kind
        self.recordId = recordId
        self.reason = reason
    }

    public static let labels = ["reason": "withdraw.reason"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels)
        let reason = v.text("reason", reason, required: true, maxLength: 500)
        guard v.isValid, let reason else { throw v.error() }
        let event = context.audit(.caseworkRecordWithdraw, file.person, "\(kind.rawValue) \(recordId); reden: \(reason)")
        do {
            guard try await stores.casework.withdraw(kind, personId: file.person.id, id: recordId, reason: reason, scope: context.scope,
                                                     actor: context.actor, audit: event, now: context.now) != nil else { throw CaseNotFound() }
        } catch CaseworkStore.WithdrawError.notCurrent {
            throw CaseNotFound()
        }
    }
}
