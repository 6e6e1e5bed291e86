import Foundation
import Inburgering
import RegieStorage

// The attendance register (issue 18 item 4): the teacher opens a lesson, each present participant
// confirms with their own login, the teacher confirms the list, and only then do its hours count.

/// The teacher opens a lesson of one of the provider's offers for a day, a time and a number of hours.
public struct OpenLesson: CaseworkCommand {
    public let providerId: String
    public var offerId: String?
    public var startId: String?
    public var date: CalendarDate?
    public var startsAt: String?
    public var hours: Int?
    public var soort: UrenSoort?
    public var read: [FieldIssue]

    public init(providerId: String, offerId: String?, startId: String?, date: CalendarDate?, startsAt: String?, hours: Int?, soort: UrenSoort?,
                read: [FieldIssue] = []) {
        self.providerId = providerId
        self.offerId = offerId
        self.startId = startId
        self.date = date
        self.startsAt = startsAt
        self.hours = hours
        self.soort = soort
        self.read = read
    }

    public static let labels = ["offer": "lessons.offer", "date": "lessons.date", "startsAt": "lessons.startsAt", "hours": "lessons.hours",
                                "soort": "lessons.soort"]
    /// A lesson lasts one to eight hours (a day at most); hours are whole, as DUO counts them.
    public static let hoursRange = 1...8

    /// `HH:MM` on a 24-hour clock.
    public static func isTime(_ value: String) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }), let h = Int(parts[0]), let m = Int(parts[1]) else { return false }
        return (0...23).contains(h) && (0...59).contains(m)
    }

    /// The lesson's time (`HH:MM`), whole hours and kind of hours, as every door gives them.
    static func check(_ v: inout Checks, startsAt: String?, hours: Int?, soort: UrenSoort?) -> (String?, Int?, UrenSoort?) {
        var time = v.text("startsAt", startsAt, maxLength: 5)
        if let value = time, !isTime(value) {
            v.fail("startsAt", "lessons.errors.time")
            time = nil
        }
        return (time, v.integer("hours", hours, range: hoursRange), v.choice("soort", soort))
    }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> LessonRecord {
        var v = Checks(labels: Self.labels, read: read)
        let offer = v.choice("offer", offerId)
        // A lesson is registered on its day, or planned ahead; never long after (the register is kept as it happens).
        let day = v.date("date", date, notBefore: context.today.adding(days: -7))
        let (time, hours, soort) = Self.check(&v, startsAt: startsAt, hours: hours, soort: soort)
        guard v.isValid, let offer, let day, let time, let hours, let soort else { throw v.error() }
        let lesson = LessonRecord(id: CommandContext.newID(), providerId: providerId, offerId: offer, startId: startId, date: day, startsAt: time, hours: hours,
                                  soort: soort, code: String(format: "%06d", Int.random(in: 0...999_999)), openedBy: context.actorId)
        do {
            try await stores.providers.openLesson(lesson, audit: context.audit(.partnerLessonOpen, nil, "\(day.iso) \(time) \(hours) \(soort.rawValue)"),
                                                  now: context.now)
        } catch AttendanceError.unknownOffer {
            throw CaseworkError(.invalid, [FieldIssue(field: "offer", rule: "validation.choose")], labels: Self.labels)
        }
        return lesson
    }
}

/// A participant confirms their own presence: on their phone (signed in, with the code shown in the
/// classroom) or on the classroom screen (with their own login name and password, checked by the door).
public struct ConfirmPresence: CaseworkCommand {
    public let lessonId: String
    /// The participant: the person whose login was checked, never one chosen in a form.
    public let personId: String
    public let channel: PresenceChannel
    /// On the phone: the code the participant typed, which must be the lesson's.
    public var code: String?

    public init(lessonId: String, personId: String, channel: PresenceChannel, code: String? = nil) {
        self.lessonId = lessonId
        self.personId = personId
        self.channel = channel
        self.code = code
    }

    public static let labels = ["code": "participant.code", "login": "participant.login"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        let field = channel == .phone ? "code" : "login"
        if channel == .phone {
            guard let lesson = try await stores.providers.participantLessons(personId: personId, today: context.today).today
                .first(where: { $0.0.lesson.id == lessonId }) else { throw CaseNotFound() }
            let typed = (code ?? "").filter { !$0.isWhitespace }
            guard !typed.isEmpty else { throw CaseworkError(.invalid, [FieldIssue(field: "code", rule: "validation.required")], labels: Self.labels) }
            guard typed == lesson.0.lesson.code else { throw CaseworkError(.invalid, [FieldIssue(field: "code", rule: "participant.errors.code")], labels: Self.labels) }
        }
        do {
            try await stores.providers.confirmPresence(lessonId: lessonId, personId: personId, channel: channel, today: context.today,
                                                       audit: context.audit(.participantPresence, nil, "les \(lessonId) (\(channel.rawValue))"), now: context.now)
        } catch AttendanceError.unknownLesson {
            throw CaseNotFound()
        } catch let error as AttendanceError {
            let rule = switch error {
            case .notInGroup: "participant.errors.notInGroup"
            case .struck: "participant.errors.struck"
            default: "participant.errors.notOpen"
            }
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: field, rule: rule)], labels: Self.labels)
        }
    }
}

/// The teacher strikes a participant's confirmation (not there, or left early), with the reason.
public struct StrikePresence: CaseworkCommand {
    public let providerId: String
    public let lesson: LessonRecord
    public let person: PersonRecord
    public var reason: String?

    public init(providerId: String, lesson: LessonRecord, person: PersonRecord, reason: String?) {
        self.providerId = providerId
        self.lesson = lesson
        self.person = person
        self.reason = reason
    }

    public static let labels = ["reason": "lessons.strikeReason"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels)
        let reason = v.text("reason", reason, maxLength: 300)
        guard v.isValid, let reason else { throw v.error() }
        do {
            try await stores.providers.strikePresence(lessonId: lesson.id, providerId: providerId, personId: person.id, reason: reason, by: context.actorId,
                                                      audit: context.audit(.partnerPresenceStrike, person, "les \(lesson.id): \(reason)"), now: context.now)
        } catch let error as AttendanceError {
            let rule = error == .notOpen ? "lessons.errors.notOpen" : "lessons.errors.notConfirmed"
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "reason", rule: rule)], labels: Self.labels)
        }
    }
}

/// The teacher confirms the list: the lesson counts, its hours reach the cases and DUO, and absence
/// past the municipality's threshold makes a signal and a task for the consulent.
public struct ConfirmLesson: CaseworkCommand {
    public let providerId: String
    public let lesson: LessonRecord
    /// The municipality's threshold.
    public let absence: AanwezigheidSettings
    /// The task's title, in the municipality's language.
    public let signalTitle: String

    public init(providerId: String, lesson: LessonRecord, absence: AanwezigheidSettings, signalTitle: String) {
        self.providerId = providerId
        self.lesson = lesson
        self.absence = absence
        self.signalTitle = signalTitle
    }

    public static let labels = ["confirm": "lessons.confirm"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> LessonConfirmation {
        // A lesson is confirmed on its day or after it, never before it took place.
        guard lesson.date <= context.today else {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "confirm", rule: "lessons.errors.notYet")], labels: Self.labels)
        }
        do {
            return try await stores.providers.confirmLesson(lessonId: lesson.id, providerId: providerId, scope: context.scope, actor: context.actor,
                                                            absence: absence, signalTitle: signalTitle,
                                                            audit: context.audit(.partnerLessonConfirm, nil, "les \(lesson.id) \(lesson.date.iso)"), now: context.now)
        } catch AttendanceError.notOpen {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "confirm", rule: "lessons.errors.notOpen")], labels: Self.labels)
        }
    }
}

/// The teacher cancels a lesson that did not take place, with the reason: it counts nothing.
public struct CancelLesson: CaseworkCommand {
    public let providerId: String
    public let lesson: LessonRecord
    public var reason: String?

    public init(providerId: String, lesson: LessonRecord, reason: String?) {
        self.providerId = providerId
        self.lesson = lesson
        self.reason = reason
    }

    public static let labels = ["reason": "lessons.cancelReason"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels)
        let reason = v.text("reason", reason, maxLength: 300)
        guard v.isValid, let reason else { throw v.error() }
        do {
            try await stores.providers.cancelLesson(lessonId: lesson.id, providerId: providerId, reason: reason, by: context.actorId,
                                                    audit: context.audit(.partnerLessonCancel, nil, "les \(lesson.id): \(reason)"), now: context.now)
        } catch AttendanceError.notOpen {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "reason", rule: "lessons.errors.notOpen")], labels: Self.labels)
        }
    }
}

/// A provider reports a started participant's progress: the level per skill, its advice and a
/// note. It appears in the case and prefills the consulent's next progress meeting; an advice to
/// switch route or lower the level asks for a new PIP, which only the municipality decides.
public struct ReportProgress: CaseworkCommand {
    public let file: CaseFile
    public let referralId: String
    public let providerId: String
    public var reportedOn: CalendarDate?
    public var levels: [Taalvaardigheid: Taalniveau]
    public var advice: ProviderAdvice?
    public var note: String?
    public var read: [FieldIssue]
    /// The report's id (a door that answers with it chooses it).
    public let id: String

    public init(file: CaseFile, referralId: String, providerId: String, reportedOn: CalendarDate?, levels: [Taalvaardigheid: Taalniveau],
                advice: ProviderAdvice?, note: String?, read: [FieldIssue] = [], id: String = CommandContext.newID()) {
        self.id = id
        self.file = file
        self.referralId = referralId
        self.providerId = providerId
        self.reportedOn = reportedOn
        self.levels = levels
        self.advice = advice
        self.note = note
        self.read = read
    }

    public static let labels: [String: String] = {
        var labels = ["reportedOn": "reports.reportedOn", "advice": "reports.advice", "reportNote": "reports.note"]
        for skill in Taalvaardigheid.allCases { labels["level-\(skill.rawValue)"] = "reports.skills.\(skill.rawValue)" }
        return labels
    }()

    /// The outcome the consulent's progress meeting starts from: on schedule when the provider
    /// advises to go on, behind when it advises a lower level, concerns when the route does not fit.
    public static func meetingOutcome(_ advice: ProviderAdvice) -> MeetingOutcome {
        switch advice {
        case .doorgaan: .opSchema
        case .verlagen: .vertraging
        case .overstappen: .zorgen
        }
    }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws {
        var v = Checks(labels: Self.labels, read: read)
        let day = v.date("reportedOn", reportedOn, notAfter: context.today)
        let advice = v.choice("advice", advice)
        let note = v.text("reportNote", note, required: false, maxLength: 2000)
        guard v.isValid, let day, let advice else { throw v.error() }
        let report = ProgressReportRecord(id: id, referralId: referralId, personId: file.person.id, providerId: providerId, reportedOn: day,
                                          levels: levels, advice: advice, note: note ?? "")
        do {
            guard try await stores.casework.insertProgressReport(
                report, scope: context.scope, actor: context.actor,
                audit: context.audit(.partnerProgressReport, file.person, "\(ProgressReportRecord.stored(levels)) \(advice.rawValue)"), now: context.now) != nil
            else { throw CaseNotFound() }
        } catch ProgressReportError.notStarted {
            throw CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "reportedOn", rule: "reports.errors.notStarted")], labels: Self.labels)
        }
    }
}
