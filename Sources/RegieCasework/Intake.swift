import Foundation
import Inburgering
import RegieStorage

/// A topic of the brede intake (Wi2021 art. 14): one of the law's,
/// or one the municipality added in its settings.
public enum IntakeTopic: Sendable {
    case law(IntakeOnderwerp)
    case municipal(CustomIntakeTopic)

    /// The structured part of each topic: answer keys and, for choices, their option keys. Labels
    /// come from the catalogue (`intake.fields.*`, `intake.options.*`). Every topic also has a note.
    public enum Fields {
        public enum Kind: Sendable { case text, number, longText, choice([String]), consent }
        public static func fields(_ topic: IntakeOnderwerp) -> [(String, Kind)] {
            let specific: [(String, Kind)] = switch topic {
            case .opleidingEnWerkervaring:
                [("hoogsteOpleiding", .choice(["geen", "basis", "voortgezet", "beroeps", "hoger", "universitair"])),
                 ("landOpleiding", .text), ("jarenOnderwijs", .number), ("werkervaring", .longText)]
            case .persoonlijkeOmstandighedenEnGezondheid:
                [("beperkingLeren", .choice(["nee", "ja", "onbekend"])), ("toestemmingGezondheid", .consent)]
            case .voorschoolseEducatie:
                [("kinderenVVE", .number), ("vveAfspraken", .longText)]
            case .taalniveau:
                [("alfabetisering", .choice(["gealfabetiseerd", "andersGealfabetiseerd", "analfabeet"])),
                 ("nederlands", .choice(["geen", "A1", "A2", "B1", "B2"])), ("andereTalen", .text)]
            case .arbeidsparticipatie:
                [("beroep", .text), ("werkwens", .longText)]
            case .digitaleVaardigheden:
                [("digitaalNiveau", .choice(["geen", "basis", "zelfstandig"]))]
            case .zelfredzaamheid, .gezinssituatie, .sociaalNetwerk, .motivatie:
                []
            }
            return specific + [("notitie", .longText)]
        }
    }

    public var key: String {
        switch self {
        case .law(let topic): topic.rawValue
        case .municipal(let topic): topic.key
        }
    }

    public var statutory: Bool { if case .law(let topic) = self { topic.isWettelijk } else { false } }

    public var fields: [(String, Fields.Kind)] {
        switch self {
        case .law(let topic): Fields.fields(topic)
        case .municipal: [("notitie", .longText)]
        }
    }

    /// Every topic for a municipality: the law's, then its own.
    public static func all(_ municipalityCode: String, settings: SettingsStore) async throws -> [IntakeTopic] {
        let custom = try await settings.fetch(municipalityCode).intakeTopics
        return IntakeOnderwerp.allCases.map(IntakeTopic.law) + custom.map(IntakeTopic.municipal)
    }
}

/// An intake conversation as a record (Wi2021 art. 14): who attended, with an interpreter or culture
/// mediator, the topics discussed, or that the newcomer did not come.
public struct RecordIntakeConversation: CaseworkCommand {
    public let file: CaseFile
    public var date: CalendarDate?
    public var attendees: String?
    public var interpreter: Bool
    public var cultureMediator: Bool
    public var withoutPartner: Bool
    public var noShow: Bool
    /// Topic keys (the law's and the municipality's own).
    public var topics: [String]
    public var note: String?
    public var read: [FieldIssue]
    /// Set when this record corrects an earlier one (which is withdrawn in the same change).
    public var correcting: Correcting? = nil

    public init(file: CaseFile, date: CalendarDate?, attendees: String?, interpreter: Bool, cultureMediator: Bool, withoutPartner: Bool,
                noShow: Bool, topics: [String], note: String?, read: [FieldIssue] = []) {
        self.file = file
        self.date = date
        self.attendees = attendees
        self.interpreter = interpreter
        self.cultureMediator = cultureMediator
        self.withoutPartner = withoutPartner
        self.noShow = noShow
        self.topics = topics
        self.note = note
        self.read = read
    }

    public static let labels = ["date": "intake.date", "attendees": "intake.attendees", "topics": "intake.topicsDiscussed", "note": "intake.note"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> IntakeGesprekRecord {
        var v = Checks(labels: Self.labels, read: read)
        let date = v.date("date", date, notAfter: context.today)
        let attendees = v.text("attendees", attendees, maxLength: 300)
        let known = Set(try await IntakeTopic.all(file.person.municipalityCode, settings: stores.settings).map(\.key))
        if topics.contains(where: { !known.contains($0) }) { v.fail("topics", "validation.choose") }
        if noShow && !topics.isEmpty { v.fail("topics", "intake.errors.noShowTopics") }
        let note = v.text("note", note, required: false, maxLength: 5000) ?? ""
        let replacement = v.replacement(correcting)
        guard v.isValid, let date, let attendees else { throw v.error() }
        let gesprek = IntakeGesprekRecord(
            id: CommandContext.newID(), personId: file.person.id, conversationDate: date.iso, attendees: attendees,
            interpreter: interpreter, cultureMediator: cultureMediator, withoutPartner: withoutPartner, noShow: noShow, topics: topics, note: note,
            createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkIntakeGesprek, file.person, "datum: \(date.iso)")
        return try CaseNotFound.unless(try await Correcting.refusedUnlessCurrent {
            try await stores.casework.insertGesprek(gesprek, replacing: replacement, scope: context.scope, actor: context.actor, audit: event, now: context.now)
        })
    }
}

/// The answers for one intake topic: the short structured part and a note, sealed at rest.
public struct SaveIntakeTopic: CaseworkCommand {
    public let file: CaseFile
    public let topic: IntakeTopic
    /// The answers as given, by field key; keys the topic does not have are ignored.
    public var answers: [String: String]
    /// Why answers already recorded are changed (required then; the earlier answers are kept).
    public var reason: String? = nil

    public init(file: CaseFile, topic: IntakeTopic, answers: [String: String]) {
        self.file = file
        self.topic = topic
        self.answers = answers
    }

    public static var labels: [String: String] { [:] }
    /// The field the reason for changing recorded answers is asked and reported on.
    public static let reasonField = "changeReason"

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> IntakeOnderwerpRecord {
        var v = Checks(labels: Dictionary(topic.fields.map { key, _ in (key, "intake.fields.\(key)") }, uniquingKeysWith: { a, _ in a }))
        var stored: [String: String] = [:]
        let reader = InputReader()
        for (key, kind) in topic.fields {
            let given = reader.text(answers[key])
            switch kind {
            case .text: stored[key] = v.text(key, given, required: false, maxLength: 200)
            case .longText: stored[key] = v.text(key, given, required: false, maxLength: 5000)
            case .number:
                if let given, Int(given) == nil { v.fail(key, "validation.numberRange", ["min": .text("0"), "max": .text("99")]) }
                stored[key] = v.integer(key, given.flatMap { Int($0) }, range: 0...99, required: false).map(String.init)
            case .consent:
                if let given, given != "ja" { v.fail(key, "validation.choose") }
                stored[key] = given == "ja" ? "ja" : nil
            case .choice(let options):
                if let given {
                    if options.contains(given) { stored[key] = given } else { v.fail(key, "validation.choose") }
                }
            }
        }
        // Health details are recorded only with the newcomer's consent noted (AVG art. 9).
        if case .law(.persoonlijkeOmstandighedenEnGezondheid) = topic, stored["toestemmingGezondheid"] == nil,
           stored["beperkingLeren"] == "ja" || !(stored["notitie"] ?? "").isEmpty {
            v.fail("toestemmingGezondheid", "intake.errors.consent")
        }
        // Answers once recorded are a recorded fact: changing them needs a reason (issue 15 item 3).
        let previous = try await stores.casework.listOnderwerpen(personId: file.person.id, scope: context.scope).first { $0.topic == topic.key }
        var changeReason = ""
        // The same answers again change nothing: nothing is written, no earlier version is kept.
        if let previous, previous.answers.filter({ !$0.value.isEmpty }) == stored.filter({ !$0.value.isEmpty }), v.isValid { return previous }
        if let previous, previous.isRecorded, previous.answers.filter({ !$0.value.isEmpty }) != stored {
            v.labels[Self.reasonField] = "intake.changeReason"
            changeReason = v.text(Self.reasonField, reason, maxLength: 500) ?? ""
        }
        guard v.isValid else { throw v.error() }
        let record = IntakeOnderwerpRecord(topic: topic.key, answers: stored, updatedBy: context.actorId, updatedAt: context.now.epochSeconds)
        let event = context.audit(.caseworkIntakeTopic, file.person, changeReason.isEmpty ? topic.key : "\(topic.key); reden: \(changeReason)")
        guard let saved = try await stores.casework.saveOnderwerp(personId: file.person.id, record, reason: changeReason, scope: context.scope,
                                                                  actor: context.actor, audit: event, now: context.now) else { throw CaseNotFound() }
        return saved
    }
}
