import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The brede intake (Wi2021 art. 14; Besluit 5.2): conversations as records, and per topic a short
/// structured part and a note, sealed at rest. Shows which statutory topics are still empty.
struct IntakeController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.intakePattern), use: show)
        router.post(RouterPath(SiteRoute.intakeGesprekPattern), use: addGesprek)
        router.get(RouterPath(SiteRoute.intakeTopicPattern), use: editTopic)
        router.post(RouterPath(SiteRoute.intakeTopicPattern), use: saveTopic)
    }

    typealias TopicRef = IntakeTopic

    /// Every topic for a municipality: the law's, then its own.
    func topics(_ municipalityCode: String) async throws -> [TopicRef] {
        try await IntakeTopic.all(municipalityCode, settings: services.settings)
    }

    struct Missing: Encodable { let title: String; let href: String }
    struct TopicRow: Encodable { let href: String; let title: String; let statutory: Bool; let filled: Bool; let status: String }
    struct GesprekRow: Encodable {
        let date: String; let attendees: String; let flags: String?; let topics: String?; let note: String?; let noShow: Bool
        let withdraw: WithdrawView?
    }

    struct IntakeView: Encodable {
        let name: String
        let backHref: String
        let gesprekken: [GesprekRow]
        let hasGesprekken: Bool
        let topics: [TopicRow]
        let missing: [Missing]
        let hasMissing: Bool
        /// "4 van 6 wettelijke onderwerpen nog niet vastgelegd" or "Alle 6 … vastgelegd".
        let count: String
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let canEdit: Bool
        /// Conversations withdrawn with a reason (issue 15 item 3).
        let withdrawn: [WithdrawnRow]
        let hasWithdrawn: Bool
        /// The form corrects a conversation (`?corrigeer=`): its heading says so, with a way back.
        let correcting: String?
        let cancelHref: String
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record(.caseworkIntakeView, context: context, permission: .readCasework, person: loaded.person)
        // A held appointment leads here with its date (`?date=`, the agenda).
        var input = FormData()
        if let date = context.form.date("date") { input.values["date"] = [date.iso] }
        return try await render(loaded, input: input, errors: [], context: context, status: .ok, correct: CorrectionForm.requested(context))
    }

    /// Statutory topics still empty (R5a), counting a topic as covered when a conversation
    /// discussed it or its answers are recorded.
    static func missingTopics(gesprekken: [IntakeGesprekRecord], onderwerpen: [IntakeOnderwerpRecord], youngChildren: Bool) -> [IntakeOnderwerp] {
        var covered = Set(onderwerpen.filter(\.isRecorded).compactMap(\.lawTopic))
        for gesprek in gesprekken where !gesprek.noShow { covered.formUnion(gesprek.lawTopics) }
        return BredeIntakeRule.ontbrekendeOnderwerpen(besproken: covered, heeftJongeKinderen: youngChildren)
    }

    /// Whether the household has a child of pre-school age, by the law module's reading (R5a).
    func hasYoungChildren(_ loaded: CaseLoader.Loaded) async throws -> Bool {
        let members = try await services.persons.listHouseholdMembers(of: loaded.person, scope: loaded.scope)
        return BredeIntakeRule.heeftJongeKinderen(geboortedata: members.compactMap(\.dateOfBirth), op: loader.today)
    }

    private func render(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext,
                        status: HTTPResponse.Status, correct: String? = nil) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let person = loaded.person
        let gesprekken = try await services.casework.listGesprekken(personId: person.id, scope: loaded.scope)
        var input = input
        CorrectionForm.prefill(&input, requested: correct, in: gesprekken.filter { _ in Policy.allows(loaded.principal, .editPersons) }, id: \.id) { g in
            [("date", g.conversationDate), ("attendees", g.attendees), ("interpreter", g.interpreter ? "ja" : ""),
             ("cultureMediator", g.cultureMediator ? "ja" : ""), ("withoutPartner", g.withoutPartner ? "ja" : ""), ("noShow", g.noShow ? "ja" : ""),
             ("note", g.note)] + g.topics.map { ("topics", $0) }
        }
        let onderwerpen = try await services.casework.listOnderwerpen(personId: person.id, scope: loaded.scope)
        let youngChildren = try await hasYoungChildren(loaded)
        let withdrawn = try await services.casework.listWithdrawn(.intakegesprek, personId: person.id, scope: loaded.scope).map { WithdrawnRow($0, t) }
        let missing = Self.missingTopics(gesprekken: gesprekken, onderwerpen: onderwerpen, youngChildren: youngChildren)
        let allTopics = try await topics(person.municipalityCode)
        let titles = Dictionary(uniqueKeysWithValues: allTopics.map { ($0.key, $0.title(t)) })
        let topicTitle = { (key: String) in titles[key] ?? key }
        let rows = gesprekken.reversed().map { g in
            var flags: [String] = []
            if g.noShow { flags.append(t("intake.noShow")) }
            if g.interpreter { flags.append(t("intake.interpreter")) }
            if g.cultureMediator { flags.append(t("intake.cultureMediator")) }
            if g.withoutPartner { flags.append(t("intake.withoutPartner")) }
            return GesprekRow(date: DisplayDate.format(g.conversationDate, l), attendees: g.attendees, flags: flags.joined(separator: " · ").nonEmpty,
                              topics: g.topics.map(topicTitle).joined(separator: ", ").nonEmpty, note: g.note.nonEmpty, noShow: g.noShow,
                              withdraw: Policy.allows(loaded.principal, .editPersons) ? WithdrawView(.intakegesprek, personId: person.id, recordId: g.id, form: context.form) : nil)
        }
        // One status per topic, the same one the count above the table uses (R5a): its answers are
        // recorded, or a held conversation records it as discussed, or it is not recorded yet.
        let answered = Set(onderwerpen.filter(\.isRecorded).map(\.topic))
        var discussedOn: [String: String] = [:]
        for gesprek in gesprekken where !gesprek.noShow {
            for topic in gesprek.topics where discussedOn[topic].map({ gesprek.conversationDate < $0 }) ?? true {
                discussedOn[topic] = gesprek.conversationDate
            }
        }
        let topics = allTopics.map { topic in
            let status = answered.contains(topic.key) ? t("intake.filled")
                : discussedOn[topic.key].map { t("intake.filledInConversation", ["date": DisplayDate.format($0, l)]) } ?? t("intake.empty")
            return TopicRow(href: SiteRoute.intakeTopic(person.id, topic.key).path, title: topic.title(t), statutory: topic.statutory,
                            filled: answered.contains(topic.key) || discussedOn[topic.key] != nil, status: status)
        }
        let statutoryCount = BredeIntakeRule.ontbrekendeOnderwerpen(besproken: [], heeftJongeKinderen: youngChildren).count
        let value = { (name: String) in input.raw(name) ?? "" }
        let fields: [FieldView] = CorrectionForm.fields(input, t, errors: errors) + [
            FieldView(.input("date"), name: "date", label: t("intake.date"), value: input.raw("date") ?? loader.today.iso, required: true, errors: errors),
            FieldView(.input("text"), name: "attendees", label: t("intake.attendees"), hint: t("intake.attendeesHint"), value: value("attendees"), required: true, errors: errors),
            FieldView(.checkbox, name: "interpreter", label: t("intake.interpreter"), value: value("interpreter"), errors: errors),
            FieldView(.checkbox, name: "cultureMediator", label: t("intake.cultureMediator"), value: value("cultureMediator"), errors: errors),
            FieldView(.checkbox, name: "withoutPartner", label: t("intake.withoutPartner"), hint: t("intake.withoutPartnerHint"), value: value("withoutPartner"), errors: errors),
            FieldView(.checkbox, name: "noShow", label: t("intake.noShow"), hint: t("intake.noShowHint"), value: value("noShow"), errors: errors),
            FieldView(.checkboxes, name: "topics", label: t("intake.topicsDiscussed"), values: input.all("topics"),
                      options: allTopics.map { ($0.key, $0.title(t)) }, errors: errors),
            FieldView(.textarea, name: "note", label: t("intake.note"), hint: t("intake.noteHint"), value: value("note"), errors: errors),
        ]
        return try services.views.render(
            "intake", titleKey: "intake.title", titleArguments: ["name": person.displayName(services.localizer(context))],
            content: IntakeView(
                name: person.displayName(services.localizer(context)), backHref: SiteRoute.person(person.id).path, gesprekken: rows, hasGesprekken: !rows.isEmpty,
                topics: topics, missing: missing.map { Missing(title: topicTitle($0.rawValue), href: SiteRoute.intakeTopic(person.id, $0.rawValue).path) },
                hasMissing: !missing.isEmpty,
                count: missing.isEmpty ? t("intake.complete", ["total": String(statutoryCount)])
                    : t("intake.missingCount", ["missing": String(missing.count), "total": String(statutoryCount)]),
                summary: ErrorSummary(errors), fields: fields, action: SiteRoute.intakeGesprek(person.id).path,
                canEdit: Policy.allows(loaded.principal, .editPersons), withdrawn: withdrawn, hasWithdrawn: !withdrawn.isEmpty,
                correcting: input["correcting"], cancelHref: SiteRoute.intake(person.id).path),
            context: context, notice: FormNotice.text(context, prefix: "intake.saved", keys: ["gesprek", "onderwerp", "ingetrokken", "gecorrigeerd", "afspraak"], t),
            status: status)
    }

    func addGesprek(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        do {
            _ = try await recordGesprek(loaded, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        let notice = context.form["correcting"] == nil ? "gesprek" : "gecorrigeerd"
        return Response(status: .seeOther, headers: [.location: SiteRoute.intake(loaded.person.id).path + "?melding=\(notice)"])
    }

    /// The form's values as the intake-conversation command reads them.
    static func conversation(_ loaded: CaseLoader.Loaded, _ input: FormData) -> RecordIntakeConversation {
        var r = InputReader()
        var command = RecordIntakeConversation(
            file: loaded.file, date: r.date("date", input["date"]), attendees: input["attendees"], interpreter: r.flag(input["interpreter"]),
            cultureMediator: r.flag(input["cultureMediator"]), withoutPartner: r.flag(input["withoutPartner"]), noShow: r.flag(input["noShow"]),
            topics: input.all("topics"), note: input["note"], read: r.issues)
        command.correcting = CorrectionForm.read(input)
        return command
    }

    /// Stores an intake conversation from the form; throws `FormErrors`.
    func recordGesprek(_ loaded: CaseLoader.Loaded, _ input: FormData, context: RegieRequestContext) async throws -> IntakeGesprekRecord {
        try await services.run(Self.conversation(loaded, input), on: loaded, context: context)
    }

    // MARK: One topic

    struct TopicView: Encodable {
        let name: String
        let title: String
        let statutory: Bool
        let backHref: String
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        /// Earlier answers, kept when recorded answers were changed (with the reason).
        let versions: [Version]
        let hasVersions: Bool
    }
    struct Version: Encodable { let when: String; let reason: String?; let answers: String }

    private func topic(_ context: RegieRequestContext, municipality: String) async throws -> TopicRef {
        try await topic(key: try context.parameters.require("topic"), municipality: municipality)
    }

    func editTopic(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let topic = try await topic(context, municipality: loaded.person.municipalityCode)
        try await services.record(.caseworkIntakeView, context: context, permission: .readCasework, person: loaded.person, detail: topic.key)
        return try await renderTopic(loaded, topic: topic, answers: nil, errors: [], context: context, status: .ok)
    }

    /// `answers`: as typed (after a refusal); nil shows what is saved.
    private func renderTopic(_ loaded: CaseLoader.Loaded, topic: TopicRef, answers typed: [String: String]?, errors: [AppError.FieldError],
                             context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let saved = try await services.casework.listOnderwerpen(personId: loaded.person.id, scope: loaded.scope).first { $0.topic == topic.key }
        let answers = typed ?? saved?.answers ?? [:]
        let versions = try await services.casework.listOnderwerpVersies(personId: loaded.person.id, topic: topic.key, scope: loaded.scope)
            .filter { $0.answers.values.contains { !$0.isEmpty } }
            .map { v in
                Version(when: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(v.replacedAt))), reason: v.reason.nonEmpty,
                        answers: topic.fields.compactMap { key, kind in
                            v.answers[key].flatMap(\.nonEmpty).map { "\(t("intake.fields.\(key)")): \(Self.shown($0, key: key, kind: kind, t))" }
                        }
                            .joined(separator: " · "))
            }
        let reasonField = saved?.isRecorded == true
            ? [FieldView(.input("text"), name: SaveIntakeTopic.reasonField, label: t("intake.changeReason"), hint: t("intake.changeReasonHint"),
                         value: typed == nil ? "" : (context.form.raw(SaveIntakeTopic.reasonField) ?? ""), errors: errors, extra: "maxlength=\"500\"")]
            : []
        let fields = topic.fields.map { key, kind -> FieldView in
            let label = t("intake.fields.\(key)")
            let value = answers[key] ?? ""
            switch kind {
            case .text: return FieldView(.input("text"), name: key, label: label, value: value, errors: errors)
            case .number: return FieldView(.input("number"), name: key, label: label, value: value, errors: errors, extra: "min=\"0\" max=\"99\"")
            case .longText: return FieldView(.textarea, name: key, label: label, value: value, errors: errors)
            case .consent: return FieldView(.checkbox, name: key, label: label, hint: t("intake.consentHint"), value: value, errors: errors)
            case .choice(let options):
                return FieldView(.select, name: key, label: label, value: value,
                                 options: Choices.withEmpty(options.map { ($0, t("intake.options.\(key).\($0)")) }, t), errors: errors)
            }
        }
        return try services.views.render(
            "intake-topic", titleKey: "intake.topicTitle", titleArguments: ["topic": topic.title(t), "name": loaded.person.displayName(services.localizer(context))],
            content: TopicView(name: loaded.person.displayName(services.localizer(context)), title: topic.title(t), statutory: topic.statutory,
                               backHref: SiteRoute.intake(loaded.person.id).path, summary: ErrorSummary(errors), fields: fields + reasonField,
                               action: SiteRoute.intakeTopic(loaded.person.id, topic.key).path, versions: versions, hasVersions: !versions.isEmpty),
            context: context, status: status)
    }

    /// An earlier answer as the form showed it: a choice by its label, consent in words.
    static func shown(_ value: String, key: String, kind: IntakeTopic.Fields.Kind, _ t: Localizer) -> String {
        switch kind {
        case .choice: return t("intake.options.\(key).\(value)")
        case .consent: return t(value == "ja" ? "common.yes" : "common.no")
        case .text, .number, .longText: return value
        }
    }

    func saveTopic(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let topic = try await topic(context, municipality: loaded.person.municipalityCode)
        do {
            _ = try await recordTopic(loaded, topic: topic, context.form, context: context)
        } catch let invalid as FormErrors {
            let typed = Dictionary(uniqueKeysWithValues: topic.fields.map { ($0.0, context.form.raw($0.0) ?? "") })
            return try await renderTopic(loaded, topic: topic, answers: typed, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.intake(loaded.person.id).path + "?melding=onderwerp"])
    }

    /// The topic named `key` for the person's municipality, or 404.
    func topic(key: String, municipality: String) async throws -> TopicRef {
        guard let topic = try await topics(municipality).first(where: { $0.key == key }) else { throw AppError.notFound }
        return topic
    }

    /// Stores the answers for one topic from the form; throws `FormErrors`.
    func recordTopic(_ loaded: CaseLoader.Loaded, topic: TopicRef, _ input: FormData, context: RegieRequestContext) async throws -> IntakeOnderwerpRecord {
        let answers = Dictionary(topic.fields.compactMap { key, _ in input[key].map { (key, $0) } }, uniquingKeysWith: { a, _ in a })
        var command = SaveIntakeTopic(file: loaded.file, topic: topic, answers: answers)
        command.reason = input[SaveIntakeTopic.reasonField]
        return try await services.run(command, on: loaded, context: context)
    }
}

extension IntakeTopic {
    func title(_ t: Localizer) -> String {
        switch self {
        case .law(let topic): t("intake.topics.\(topic.rawValue)")
        case .municipal(let topic): topic.label
        }
    }
}
