import Foundation
import Inburgering
import RegieStorage

/// The fields of an appointment as a door typed them, shared by planning and moving.
public struct AfspraakInput: Sendable {
    public var kind: AfspraakSoort?
    public var date: CalendarDate?
    public var time: String?
    public var duration: Int?
    public var place: String?
    public var videoLink: String?
    public var interpreter: String?
    public var attendees: String?

    public init(kind: AfspraakSoort?, date: CalendarDate?, time: String?, duration: Int?, place: String?, videoLink: String?, interpreter: String?,
                attendees: String?) {
        self.kind = kind
        self.date = date
        self.time = time
        self.duration = duration
        self.place = place
        self.videoLink = videoLink
        self.interpreter = interpreter
        self.attendees = attendees
    }
}

/// The checks every appointment's moment passes: a real date and time, in the future, of a sane length.
struct AfspraakMoment {
    static let durations = 5...480

    static func check(_ v: inout Checks, date: CalendarDate?, time: String?, duration: Int?, context: CommandContext) -> (LocalDateTime, Int)? {
        let day = v.date("date", date, notBefore: context.today)
        var start: LocalDateTime?
        if !v.failed("time") {
            let typed = InputReader().text(time)
            if typed == nil { v.fail("time", "validation.required") }
            else if let day, let parsed = LocalDateTime(date: day, time: typed!) { start = parsed }
            else if day != nil { v.fail("time", "agenda.errors.time") }
        }
        // An appointment is planned ahead: a moment already passed is recorded on its own form.
        if let moment = start, moment <= LocalDateTime.at(context.now) {
            v.fail("time", "agenda.errors.past")
            start = nil
        }
        let minutes = v.integer("duration", duration, range: durations)
        guard let start, let minutes else { return nil }
        return (start, minutes)
    }
}

/// Plans an appointment on a case, in the agenda of the case's consulent (or the planner's own).
public struct PlanAfspraak: CaseworkCommand {
    public let file: CaseFile
    public var input: AfspraakInput
    public var read: [FieldIssue]

    public init(file: CaseFile, input: AfspraakInput, read: [FieldIssue] = []) {
        self.file = file
        self.input = input
        self.read = read
    }

    public static let labels = ["kind": "agenda.kind", "date": "agenda.date", "time": "agenda.time", "duration": "agenda.duration",
                                "place": "agenda.place", "videoLink": "agenda.videoLink", "interpreter": "agenda.interpreter", "attendees": "agenda.attendees"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> AfspraakRecord {
        var v = Checks(labels: Self.labels, read: read)
        let kind = v.choice("kind", input.kind)
        if file.traject.closedDate != nil { v.fail("kind", "agenda.errors.closed") }
        // The warm handover belongs to the koppeling, for asylum permit holders only (as `SaveHandover`).
        var stand = file.stand()
        stand.afgesloten = false
        if kind == .warmeOverdracht, (try? TrajectGebeurtenisRule.controleer(.gekoppeld(context.today), in: stand)) == nil {
            v.fail("kind", "handover.errors.notAsylum")
        }
        let moment = AfspraakMoment.check(&v, date: input.date, time: input.time, duration: input.duration, context: context)
        let reader = InputReader()
        let place = v.text("place", reader.text(input.place), required: false, maxLength: 200)
        let link = v.text("videoLink", reader.text(input.videoLink), required: false, maxLength: 500, characters: .name)
        if let link, !(link.lowercased().hasPrefix("https://") || link.lowercased().hasPrefix("http://")) || link.contains(" ") {
            v.fail("videoLink", "agenda.errors.link")
        }
        if place == nil, reader.text(input.videoLink) == nil, !v.failed("place") { v.fail("place", "agenda.errors.where") }
        let interpreter = v.text("interpreter", reader.text(input.interpreter), required: false, maxLength: 100, characters: .name)
        let attendees = v.text("attendees", reader.text(input.attendees), required: false, maxLength: 1000)
        guard v.isValid, let kind, let moment else { throw v.error() }
        let (start, minutes) = moment
        let owner = file.traject.consulentId ?? (context.actsAsConsulent ? context.actorId : nil)
        let afspraak = AfspraakRecord(id: CommandContext.newID(), personId: file.person.id, kind: kind, startsAt: start, durationMinutes: minutes,
                                      place: place, videoLink: link, interpreterLanguage: interpreter, attendees: attendees ?? "", ownerId: owner,
                                      createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkAfspraakPlan, file.person, "\(kind.rawValue) \(start.iso)")
        guard let saved = try await stores.casework.insertAfspraak(afspraak, scope: context.scope, actor: context.actor, audit: event, now: context.now) else {
            throw CaseNotFound()
        }
        return saved
    }
}

/// Finds a planned appointment of the case, or refuses: not in scope (404), no longer planned (409).
func plannedAfspraak(_ id: String, of file: CaseFile, context: CommandContext, stores: CaseworkStores, field: String) async throws -> AfspraakRecord {
    guard let afspraak = try await stores.casework.fetchAfspraak(personId: file.person.id, id: id, scope: context.scope) else { throw CaseNotFound() }
    guard afspraak.status == .gepland else {
        throw CaseworkError(.conflict(existingId: afspraak.movedToId), [FieldIssue(field: field, rule: "agenda.errors.notPlanned")], labels: PlanAfspraak.labels)
    }
    return afspraak
}

/// Moves a planned appointment to another moment: a new appointment with the same kind, place and
/// attendees; the old one stays as "verplaatst", linked to the new one.
public struct MoveAfspraak: CaseworkCommand {
    public let file: CaseFile
    public let afspraakId: String
    public var date: CalendarDate?
    public var time: String?
    public var reason: String?
    public var read: [FieldIssue]

    public init(file: CaseFile, afspraakId: String, date: CalendarDate?, time: String?, reason: String?, read: [FieldIssue] = []) {
        self.file = file
        self.afspraakId = afspraakId
        self.date = date
        self.time = time
        self.reason = reason
        self.read = read
    }

    public static let labels = PlanAfspraak.labels.merging(["reason": "agenda.reason"]) { a, _ in a }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> AfspraakRecord {
        let old = try await plannedAfspraak(afspraakId, of: file, context: context, stores: stores, field: "date")
        var v = Checks(labels: Self.labels, read: read)
        let moment = AfspraakMoment.check(&v, date: date, time: time, duration: old.durationMinutes, context: context)
        let reason = v.text("reason", InputReader().text(reason), required: false, maxLength: 500)
        guard v.isValid, let moment else { throw v.error() }
        let (start, minutes) = moment
        let new = AfspraakRecord(id: CommandContext.newID(), personId: file.person.id, kind: old.kind, startsAt: start, durationMinutes: minutes,
                                 place: old.place, videoLink: old.videoLink, interpreterLanguage: old.interpreterLanguage, attendees: old.attendees,
                                 ownerId: old.ownerId, createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkAfspraakMove, file.person, "\(old.id) → \(start.iso)")
        do {
            guard let saved = try await stores.casework.moveAfspraak(id: old.id, to: new, reason: reason, scope: context.scope, actor: context.actor,
                                                                     audit: event, now: context.now) else { throw CaseNotFound() }
            return saved
        } catch CaseworkStore.AfspraakError.notPlanned {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "date", rule: "agenda.errors.notPlanned")], labels: Self.labels)
        }
    }
}

/// How a planned appointment ends: held or not attended (after its start), or cancelled with a reason.
public struct CloseAfspraak: CaseworkCommand {
    public enum Outcome: String, Sendable { case gehouden, nietVerschenen, geannuleerd }

    public let file: CaseFile
    public let afspraakId: String
    public let outcome: Outcome
    public var reason: String?

    public init(file: CaseFile, afspraakId: String, outcome: Outcome, reason: String?) {
        self.file = file
        self.afspraakId = afspraakId
        self.outcome = outcome
        self.reason = reason
    }

    public static let labels = ["reason": "agenda.reason", "outcome": "agenda.outcome"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> AfspraakRecord {
        let afspraak = try await plannedAfspraak(afspraakId, of: file, context: context, stores: stores, field: "outcome")
        var v = Checks(labels: Self.labels)
        let reason = v.text("reason", InputReader().text(reason), required: outcome == .geannuleerd, maxLength: 500)
        // Whether it was held or missed is known only once it has begun.
        if outcome != .geannuleerd, afspraak.startsAt > LocalDateTime.at(context.now) { v.fail("outcome", "agenda.errors.notYet") }
        guard v.isValid else { throw v.error() }
        let status: AfspraakStatus = switch outcome {
        case .gehouden: .gehouden
        case .nietVerschenen: .nietVerschenen
        case .geannuleerd: .geannuleerd
        }
        // A no-show needs a new appointment: a task for the consulent (issue 15), due within a week.
        let task = outcome == .nietVerschenen
            ? TaakRecord(id: CommandContext.newID(), personId: file.person.id, title: "Nieuwe afspraak maken: \(afspraak.kind.naam) (niet verschenen)",
                         dueDate: context.today.adding(days: 7), assigneeId: nil, source: "agenda", createdBy: context.actorId,
                         createdAt: context.now.epochSeconds)
            : nil
        let action: AuditAction = outcome == .geannuleerd ? .caseworkAfspraakCancel : .caseworkAfspraakOutcome
        let event = context.audit(action, file.person, "\(afspraak.id): \(status.rawValue)")
        do {
            guard let saved = try await stores.casework.closeAfspraak(personId: file.person.id, id: afspraak.id, status: status, reason: reason, task: task,
                                                                      by: context.actorId, scope: context.scope, actor: context.actor, audit: event,
                                                                      now: context.now) else { throw CaseNotFound() }
            return saved
        } catch CaseworkStore.AfspraakError.notPlanned {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "outcome", rule: "agenda.errors.notPlanned")], labels: Self.labels)
        }
    }
}
