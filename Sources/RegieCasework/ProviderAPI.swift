import Foundation
import Inburgering
import RegieStorage

/// A lesson the provider's own administration registered, delivered through the provider API with
/// who was present: opened, registered and confirmed at once, so it counts whole or not at all
/// (issue 18 item 5). The provider's system stands for the quality mark's per-participant
/// registration; Regie books the hours of those present and signals absence as for a lesson
/// confirmed in Regie itself.
public struct RecordLesson: CaseworkCommand {
    public let providerId: String
    /// The lesson's id (the door answers with it, and stores it with the provider's message id).
    public let id: String
    public var offerId: String?
    public var startId: String?
    public var date: CalendarDate?
    public var startsAt: String?
    public var hours: Int?
    public var soort: UrenSoort?
    /// The referrals of the participants who were present; everyone else in the group is absent.
    public var present: [String]
    public let absence: AanwezigheidSettings
    public let signalTitle: String

    public init(providerId: String, id: String, offerId: String?, startId: String?, date: CalendarDate?, startsAt: String?, hours: Int?, soort: UrenSoort?,
                present: [String], absence: AanwezigheidSettings, signalTitle: String) {
        self.providerId = providerId
        self.id = id
        self.offerId = offerId
        self.startId = startId
        self.date = date
        self.startsAt = startsAt
        self.hours = hours
        self.soort = soort
        self.present = present
        self.absence = absence
        self.signalTitle = signalTitle
    }

    public static let labels = ["offerId": "lessons.offer", "date": "lessons.date", "startsAt": "lessons.startsAt", "hours": "lessons.hours",
                                "soort": "lessons.soort", "present": "lessons.presence"]
    /// How far back a provider's system may deliver a lesson: a month's administration, so the
    /// hours reach the case and DUO's GevolgdeUren soon after; a register kept months later is not
    /// a register. A policy of Regie, not a term of the law.
    public static let deliveryWindowDays = 31

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> LessonConfirmation {
        var v = Checks(labels: Self.labels)
        let offer = v.choice("offerId", offerId)
        // Delivered after it took place (a lesson counts once held), within the window.
        let day = v.date("date", date, notAfter: context.today, notBefore: context.today.adding(days: -Self.deliveryWindowDays))
        let (time, hours, soort) = OpenLesson.check(&v, startsAt: startsAt, hours: hours, soort: soort)
        guard v.isValid, let offer, let day, let time, let hours, let soort else { throw v.error() }
        let lesson = LessonRecord(id: id, providerId: providerId, offerId: offer, startId: startId, date: day, startsAt: time, hours: hours, soort: soort,
                                  code: "", openedBy: context.actorId)
        do {
            return try await stores.providers.recordLesson(
                lesson, present: present, scope: context.scope, actor: context.actor, absence: absence, signalTitle: signalTitle,
                audit: context.audit(.partnerLessonConfirm, nil, "les \(id) \(day.iso) \(time) \(hours) \(soort.rawValue), via de koppeling"), now: context.now)
        } catch AttendanceError.unknownOffer {
            throw CaseworkError(.invalid, [FieldIssue(field: "offerId", rule: "validation.choose")], labels: Self.labels)
        } catch AttendanceError.notInGroup {
            throw CaseworkError(.invalid, [FieldIssue(field: "present", rule: "lessons.errors.notInGroup")], labels: Self.labels)
        }
    }
}

/// A provider reports an exam result of a participant whose route with it started (DUO reports the
/// result too, and DUO's is decisive; the provider's shows it in the case before DUO's arrives).
public struct RecordExamResult: CaseworkCommand {
    public let file: CaseFile
    public let referralId: String
    public let providerId: String
    public let id: String
    public var onderdeel: Examenonderdeel?
    public var niveau: Taalniveau?
    public var examDate: CalendarDate?
    public var passed: Bool?

    public init(file: CaseFile, referralId: String, providerId: String, id: String = CommandContext.newID(), onderdeel: Examenonderdeel?,
                niveau: Taalniveau?, examDate: CalendarDate?, passed: Bool?) {
        self.file = file
        self.referralId = referralId
        self.providerId = providerId
        self.id = id
        self.onderdeel = onderdeel
        self.niveau = niveau
        self.examDate = examDate
        self.passed = passed
    }

    public static let labels = ["onderdeel": "exams.onderdeel", "niveau": "exams.niveau", "examDate": "exams.date", "passed": "exams.passed"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels)
        let onderdeel = v.choice("onderdeel", onderdeel)
        let niveau = v.choice("niveau", niveau)
        let day = v.date("examDate", examDate, notAfter: context.today)
        let passed = v.choice("passed", passed)
        guard v.isValid, let onderdeel, let niveau, let day, let passed else { throw v.error() }
        let result = ExamResultRecord(id: id, personId: file.person.id, referralId: referralId, providerId: providerId, onderdeel: onderdeel, niveau: niveau,
                                      examDate: day, passed: passed)
        do {
            guard try await stores.casework.insertExamResult(
                result, scope: context.scope, actor: context.actor,
                audit: context.audit(.partnerExamResult, file.person, "\(onderdeel.rawValue) \(niveau.rawValue) \(passed ? "behaald" : "niet behaald")"),
                now: context.now) != nil else { throw CaseNotFound() }
        } catch ExamResultError.noRoute {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "examDate", rule: "exams.errors.noRoute")], labels: Self.labels)
        }
    }
}
