import Foundation
import Inburgering
import RegieStorage

/// Who acts, within which scope, and when: everything a casework command needs from the door that
/// calls it (a web form, `/api/v1`, later a partner's or the newcomer's portal). Commands never see
/// HTTP; the door builds this from its request.
public struct CommandContext: Sendable {
    /// The people the principal may see (the access model's scope).
    public let scope: TenantScope
    /// The actor as the case timeline names them.
    public let actor: CaseActor
    /// The id stored as `created_by` (a user id, or `apikey:…` for a machine client).
    public let actorId: String
    /// Whether the actor is a case worker (a registration is then assigned to them).
    public let actsAsConsulent: Bool
    /// The municipalities the principal may register people in.
    public let municipalityCodes: [String]
    /// Their names by code, for messages that name a municipality.
    public let municipalityNames: [String: String]
    public let now: Date
    /// The audit entry for an action, stamped with the door's request (user, role, purpose, request id).
    public let audit: @Sendable (_ action: AuditAction, _ person: PersonRecord?, _ detail: String) -> AuditEvent

    public init(scope: TenantScope, actor: CaseActor, actorId: String, actsAsConsulent: Bool, municipalityCodes: [String],
                municipalityNames: [String: String] = [:], now: Date,
                audit: @escaping @Sendable (_ action: AuditAction, _ person: PersonRecord?, _ detail: String) -> AuditEvent) {
        self.scope = scope
        self.actor = actor
        self.actorId = actorId
        self.actsAsConsulent = actsAsConsulent
        self.municipalityCodes = municipalityCodes
        self.municipalityNames = municipalityNames
        self.now = now
        self.audit = audit
    }

    /// Today in the Netherlands, the day every legal term counts in.
    public var today: CalendarDate { CalendarDate.today(now: now) }

    /// A municipality's name, or its code when the principal's list does not name it.
    public func municipalityName(_ code: String) -> String { municipalityNames[code] ?? code }

    public static func newID() -> String { UUID().uuidString.lowercased() }
}

/// A case as a command acts on it: the person and their traject, found in the caller's scope.
public struct CaseFile: Sendable {
    public let person: PersonRecord
    public let traject: TrajectRecord

    public init(person: PersonRecord, traject: TrajectRecord) {
        self.person = person
        self.traject = traject
    }

    /// The case as it stands for the law's check of a step (`TrajectGebeurtenisRule`).
    public func stand(pipDagtekeningen: [CalendarDate] = []) -> TrajectStand {
        TrajectStand(categorie: person.doelgroep.categorie, afgesloten: traject.closedDate != nil,
                     pipDagtekeningen: pipDagtekeningen)
    }

    /// A closed case takes no new plan: no PIP, route decision or route start (the obligation this
    /// municipality directs has ended, or moved). Refused as a conflict on `field`.
    public func requireOpenForPlanning(field: String, labels: [String: String]) throws(CaseworkError) {
        do throws(TrajectError) {
            try TrajectGebeurtenisRule.controleerOpen(stand())
        } catch {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: field, rule: "close.errors.planClosed")], labels: labels)
        }
    }

    /// Why the law refuses `event` in this case as it stands (`TrajectGebeurtenisRule`), or nil.
    public func refusal(of event: TrajectEvent, pipDagtekeningen: [CalendarDate] = []) -> TrajectError? {
        do throws(TrajectError) {
            try TrajectGebeurtenisRule.controleer(event, in: stand(pipDagtekeningen: pipDagtekeningen))
            return nil
        } catch {
            return error
        }
    }
}

/// One problem with one input field: the field's name, the rule it broke (the catalogue key of the
/// message the door shows), and the values the message needs. The door localises it; the field's
/// label comes from the command's `labels`.
public struct FieldIssue: Sendable {
    public enum Argument: Sendable {
        case text(String)
        /// A catalogue key, shown in the reader's language.
        case label(String)
        case date(CalendarDate)
        /// A finding of the law module on a PIP, in the reader's words.
        case problem(PIPProblem)
        /// A month ("2026-12"), by its name in the reader's language.
        case month(String)
        /// Several arguments as one, separated by a space.
        indirect case words([Argument])
    }

    public let field: String
    public let rule: String
    public let arguments: [String: Argument]

    public init(field: String, rule: String, arguments: [String: Argument] = [:]) {
        self.field = field
        self.rule = rule
        self.arguments = arguments
    }
}

/// Why a command refused: the input is invalid (400), the actor may not do it themselves (403, e.g.
/// the four-eyes rule), it clashes with something recorded (409, with the existing record when the
/// caller may open it), or the law does not allow it now (422).
public struct CaseworkError: Error, Sendable {
    public enum Kind: Sendable, Equatable {
        case invalid
        /// This actor may not do it, though another may (403).
        case forbidden
        case conflict(existingId: String?)
        case rejected
        /// An upload over its limit (413).
        case tooLarge
    }

    public let kind: Kind
    public let issues: [FieldIssue]
    /// The command's field labels (field → catalogue key), for the messages.
    public let labels: [String: String]

    public init(_ kind: Kind = .invalid, _ issues: [FieldIssue], labels: [String: String] = [:]) {
        self.kind = kind
        self.issues = issues
        self.labels = labels
    }
}

/// The case or record the command acts on is not in the caller's scope (or does not exist).
public struct CaseNotFound: Error, Sendable {
    public init() {}

    /// The stored value, or this error when the store found no such person in scope (nil).
    static func unless<T>(_ stored: T?) throws -> T {
        guard let stored else { throw CaseNotFound() }
        return stored
    }
}
