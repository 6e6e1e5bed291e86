/// The attendance register (issue 18 item 4): per lesson, each present participant confirms with a
/// personal login and the teacher confirms the list; only a confirmed list counts. The course
/// hours of the Z-route must be followed at a provider with the quality mark (Wi2021 art. 12), and
/// the mark requires attendance registered per lesson in this way; the hours a confirmed lesson
/// gives flow into the case and DUO's hours messages (GevolgdeUren) like hours typed by hand.

/// Where a lesson stands.
public enum LessonStatus: String, CaseIterable, Codable, Sendable {
    /// Opened by the teacher: participants confirm their presence.
    case open
    /// The teacher confirmed the list: its hours count.
    case confirmed
    /// Did not take place (with a reason): counts nothing, nobody is absent.
    case cancelled
}

/// How a participant confirmed their presence.
public enum PresenceChannel: String, CaseIterable, Codable, Sendable {
    /// On their own phone, signed in, with the lesson's code shown in the classroom.
    case phone
    /// On the classroom screen, with their own login name and password.
    case classroom
    /// Registered in the provider's own administration system, which meets the quality mark itself,
    /// and delivered with the teacher's confirmed list through the provider API.
    case providerSystem
}

/// When absence becomes a signal for the consulent: this many lessons missed within this many
/// weeks (the municipality sets both; default 3 in 4 weeks).
public struct AanwezigheidSettings: Hashable, Codable, Sendable {
    public var afwezigLessen: Int
    public var periodeWeken: Int

    public init(afwezigLessen: Int = 3, periodeWeken: Int = 4) {
        self.afwezigLessen = afwezigLessen
        self.periodeWeken = periodeWeken
    }

    public static let lessenRange = 1...20
    public static let wekenRange = 1...26
}

public enum AttendanceRule {
    /// Only a lesson whose list the teacher confirmed counts: its presences become hours and its
    /// absences count towards the signal. An open or cancelled lesson counts nothing.
    public static func counts(_ status: LessonStatus) -> Bool { status == .confirmed }

    /// The hours a participant present at a counted lesson followed: the lesson's hours; nothing
    /// for anyone else.
    public static func hours(lesson: Int, status: LessonStatus, present: Bool) -> Int {
        counts(status) && present ? lesson : 0
    }

    /// Whether the absences (the days of counted lessons missed) make a signal: at least the
    /// municipality's number within some window of its weeks, counting only absences after the last
    /// signal (`since`), so one run of absence makes one signal, whatever order the lists were
    /// confirmed in. A signal is the first step towards enforcement, never a fine by itself (Awb
    /// art. 5:41: no fine without blame, so the case worker first finds out why).
    public static func isSignal(absences: [CalendarDate], since: CalendarDate?, settings: AanwezigheidSettings) -> Bool {
        let counted = absences.filter { absent in since.map { absent > $0 } ?? true }.sorted()
        guard settings.afwezigLessen > 0, counted.count >= settings.afwezigLessen else { return false }
        let span = 7 * settings.periodeWeken
        return counted.indices.dropFirst(settings.afwezigLessen - 1).contains { last in
            counted[last - settings.afwezigLessen + 1].days(until: counted[last]) < span
        }
    }

    /// A participant confirms their own presence only while the lesson is open and on its day.
    public static func mayConfirm(status: LessonStatus, lessonDay: CalendarDate, today: CalendarDate) -> Bool {
        status == .open && lessonDay == today
    }
}
