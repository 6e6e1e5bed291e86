import Foundation
import Inburgering
import RegieStorage

/// The chain of the demo region (issue 18 item 8): two language schools and an organisation for
/// maatschappelijke begeleiding in Weert, with offers and start moments around today, and the first
/// consulent's people referred to them in every state — waiting for an answer, accepted, started,
/// refused, ended, withdrawn, and one whose consent was withdrawn.
enum DemoChain {
    struct Offer {
        let name: String
        let route: Leerroute?
        let level: Taalniveau?
        let location: String
        let schedule: String
        let hours: Int
        /// Start moments in days from today, with their capacity.
        let starts: [(Int, Int)]
    }

    /// One member of staff per provider, its administrator, who signs in with the demo password and
    /// sets up two-step verification on the first sign-in (a provider's organisation always asks for it).
    static let partnerLogins: [(email: String, name: String)] = [
        ("docent@taalhuisweert.example", "Els Vermeulen"), ("docent@taalschoolml.example", "Ahmed Bakkali"),
        ("begeleider@vluchtelingenwerk.example", "Lotte Wuts"),
    ]

    /// Participants with a login of their own for the attendance register (`/deelnemer`), signed in
    /// with the demo password: the people of the started referrals whose consent runs.
    static let participantLogins = ["weert-0001", "weert-0002"]

    static let providers: [(name: String, kind: ProviderKind, kvk: String, mark: String?, offers: [Offer])] = [
        ("Taalhuis Weert", .taalschool, "14071234", "Blik op Werk", [
            Offer(name: "B1-route dagprogramma", route: .b1, level: .b1, location: "Weert, Stationsplein 9", schedule: "ma, wo en do 9.00–12.30 uur", hours: 12,
                  starts: [(-35, 12), (21, 12), (49, 12)]),
            Offer(name: "Z-route dichtbij", route: .z, level: .a1, location: "Weert, Wijkcentrum Moesel", schedule: "di en do 13.00–15.00 uur", hours: 6,
                  starts: [(-28, 8), (14, 8)]),
        ]),
        ("Taalschool Midden-Limburg", .taalschool, "14089912", "Blik op Werk", [
            Offer(name: "B1-route avond (A2)", route: .b1, level: .a2, location: "Roermond, Kapellerlaan 30", schedule: "ma en do 18.30–21.30 uur", hours: 6,
                  starts: [(35, 10)]),
            Offer(name: "Onderwijsroute, voorbereiding mbo", route: .onderwijs, level: .b1, location: "Weert, Drakesteinlaan 2", schedule: "ma t/m vr 9.00–13.00 uur",
                  hours: 20, starts: [(-21, 15), (63, 15)]),
        ]),
        ("VluchtelingenWerk Zuid-Nederland", .begeleiding, "41181003", nil, [
            Offer(name: "Maatschappelijke begeleiding", route: nil, level: nil, location: "Weert, Wilhelminasingel 15", schedule: "in overleg, wekelijks", hours: 2,
                  starts: [(-14, 20), (7, 20)]),
        ]),
    ]

    static func load(providers store: ProviderStore, casework: CaseworkStore, users: UserStore, database: Database, consulent: (id: String, name: String),
                     administrator: (id: String, name: String), organisationId: String, passwordHash: String, today: Date) async throws {
        let day = CalendarDate.today(now: today)
        let scope = TenantScope(municipalityCodes: DemoData.municipalities.map(\.code))
        func audit(_ action: AuditAction, by who: (id: String, name: String), role: Role, person: String? = nil, _ detail: String) -> AuditEvent {
            AuditEvent(actorId: who.id, actorName: who.name, actorRole: role.rawValue, organisationId: organisationId, action: action.rawValue,
                       personId: person, municipalityCode: person == nil ? nil : "GM0988", purpose: role == .consulent ? "inburgering" : "beheer",
                       requestId: "demo", detail: detail)
        }
        // Offers by route, with their start moments (the first free one matters for referring).
        var offers: [(id: String, route: Leerroute?, starts: [(id: String, on: CalendarDate)])] = []
        for (number, p) in providers.enumerated() {
            let provider = ProviderRecord(id: DemoData.id("provider", number + 1), municipalityCode: "GM0988", name: p.name, kind: p.kind, kvk: p.kvk,
                                          qualityMark: p.mark, qualityMarkUntil: p.mark == nil ? nil : day.adding(days: number == 1 ? 45 : 400),
                                          contractFrom: CalendarDate(year: day.year, month: 1, day: 1), contractUntil: CalendarDate(year: day.year + 1, month: 12, day: 31),
                                          priceHourCents: p.kind == .taalschool ? 6_250 : nil, priceRouteCents: nil,
                                          contactEmail: "verwijzingen@\(p.name.lowercased().filter { $0.isLetter }).example")
            _ = try await store.saveProvider(provider, isNew: true, scope: scope, actorId: administrator.id,
                                             audit: audit(.providerSave, by: administrator, role: .functioneelBeheerder, p.name), now: today)
            let partnerOrganisation = try await users.ensurePartnerOrganisation(providerId: provider.id, name: "\(p.name) (aanbieder, Weert)", now: today)
            let login = partnerLogins[number]
            try await users.insertUser(.init(id: DemoData.id("partner", number + 1), organisationId: partnerOrganisation, teamId: nil, email: login.email,
                                             name: login.name, passwordHash: passwordHash, roles: []), now: today)
            try await users.setPartnerAdmin(userId: DemoData.id("partner", number + 1), organisationId: partnerOrganisation, true)
            for o in p.offers {
                let offer = OfferRecord(id: UUID().uuidString.lowercased(), providerId: provider.id, name: o.name, leerroute: o.route, niveau: o.level,
                                        location: o.location, schedule: o.schedule, hoursPerWeek: o.hours)
                _ = try await store.saveOffer(offer, isNew: true, scope: scope, actorId: administrator.id,
                                              audit: audit(.providerOfferSave, by: administrator, role: .functioneelBeheerder, o.name), now: today)
                var starts: [(id: String, on: CalendarDate)] = []
                for (offset, capacity) in o.starts {
                    let on = day.adding(days: offset)
                    if let id = try await store.addStart(offerId: offer.id, startsOn: on, capacity: capacity, scope: scope, actorId: administrator.id,
                                                         audit: audit(.providerStartSave, by: administrator, role: .functioneelBeheerder, on.iso), now: today) {
                        starts.append((id, on))
                    }
                }
                offers.append((offer.id, o.route, starts))
            }
        }
        // The first consulent's people with a route, each referred in one of the states.
        let people = try await database.sql.raw("""
            SELECT t.person_id, t.leerroute FROM trajecten t JOIN persons p ON p.id = t.person_id
            WHERE t.consulent_id = \(bind: consulent.id) AND t.closed_date IS NULL AND t.leerroute IS NOT NULL AND p.municipality_code = 'GM0988'
            ORDER BY t.pip_date DESC, t.person_id LIMIT 11
            """).all()
        let who = CaseActor(id: consulent.id, name: consulent.name)
        let plan: [(ReferralStatus, consent: Set<ConsentClass>, revoked: Bool)] = [
            (.referred, [.identity, .route], false), (.referred, [.identity, .route, .pipGoals], false), (.accepted, [.identity, .route, .hours], false),
            (.accepted, [.identity, .route], false), (.started, [.identity, .route, .pipGoals, .hours], false), (.started, [.identity, .route, .hours], false),
            (.started, [.identity, .route], true), (.refused, [.identity], false), (.ended, [.identity, .route, .hours], false),
            (.withdrawn, [.identity, .route], false), (.referred, [.identity], false),
        ]
        let guidance = offers.last
        var started: [(personId: String, offerId: String, referralId: String, startedOn: CalendarDate)] = []
        for (index, row) in people.enumerated() where index < plan.count {
            let personId = try row.decode(column: "person_id", as: String.self)
            let route = try row.decode(column: "leerroute", as: String?.self).flatMap(Leerroute.init(rawValue:))
            let (status, consent, revoked) = plan[index]
            // The last one goes to guidance; the others to an offer of their route.
            guard let offer = index == plan.count - 1 ? guidance : offers.first(where: { $0.route == route }) ?? guidance else { continue }
            let startedBefore = status == .started || status == .ended
            let start = startedBefore ? offer.starts.first { $0.on < day } : offer.starts.first { $0.on >= day }
            let referredOn = startedBefore ? (start?.on ?? day).adding(days: -30 - index) : day.adding(days: -2 - index)
            guard let referral = try await casework.refer(
                personId: personId, offerId: offer.id, startId: start?.id, referredOn: referredOn, note: nil, consent: consent, scope: scope, actor: who,
                audit: audit(.caseworkReferralAdd, by: consulent, role: .consulent, person: personId, ConsentRecord.stored(consent)), now: today) else { continue }
            func step(_ s: CaseworkStore.ReferralStep) async throws {
                _ = try await casework.stepReferral(personId: personId, referralId: referral, s, scope: scope, actor: who,
                                                    audit: audit(.caseworkReferralStep, by: consulent, role: .consulent, person: personId, s.status.rawValue), now: today)
            }
            let answered = referredOn.adding(days: 3)
            switch status {
            case .referred: break
            case .accepted: try await step(.accept(on: min(answered, day), plannedStart: start?.on ?? day.adding(days: 28)))
            case .refused: try await step(.refuse(on: min(answered, day), reason: "Niveau past niet bij de groep; advies: B1-route avond"))
            case .withdrawn: try await step(.withdraw(on: day.adding(days: -1), reason: "Inburgeraar verhuist naar Roermond"))
            case .started, .ended:
                let startedOn = start?.on ?? referredOn.adding(days: 21)
                try await step(.accept(on: answered, plannedStart: startedOn))
                try await step(.start(on: startedOn))
                // In the register only while the consent runs: the provider no longer knows someone who withdrew it.
                if status == .started && !revoked { started.append((personId, offer.id, referral, startedOn)) }
                if status == .ended { try await step(.end(on: day.adding(days: -3), reason: "Route afgerond")) }
            }
            if revoked {
                _ = try await casework.changeConsent(personId: personId, referralId: referral, classes: nil, on: day.adding(days: -1),
                                                     reason: "Inburgeraar wil geen gegevens meer laten delen", scope: scope, actor: who,
                                                     audit: audit(.caseworkReferralConsent, by: consulent, role: .consulent, person: personId, "ingetrokken"), now: today)
            }
        }
            try await loadLessons(started, store: store, casework: casework, database: database, organisationId: organisationId, passwordHash: passwordHash,
                              today: today)
    }

    /// The attendance register: the last three weeks' lessons of each group with started participants,
    /// confirmed by the teacher (one participant absent often enough for a signal), a lesson open today
    /// with one participant already confirmed, and a login of their own for the first participants.
    static func loadLessons(_ started: [(personId: String, offerId: String, referralId: String, startedOn: CalendarDate)], store: ProviderStore,
                            casework: CaseworkStore, database: Database, organisationId: String, passwordHash: String, today: Date) async throws {
        let day = CalendarDate.today(now: today)
        let db = database.sql
        let participants = ParticipantAccountStore(database: database)
        for (index, login) in participantLogins.enumerated() where index < started.count {
            let personId = started[index].personId
            _ = try await participants.issue(personId: personId, newLogin: login, passwordHash: passwordHash, scope: TenantScope(municipalityCodes: ["GM0988"]),
                                             by: "demo", audit: AuditEvent(actorId: "demo", actorName: "Demo", actorRole: Role.consulent.rawValue,
                                                                           organisationId: organisationId, action: AuditAction.caseworkParticipantLogin.rawValue,
                                                                           personId: personId, municipalityCode: "GM0988", purpose: "inburgering", requestId: "demo",
                                                                           detail: "startwachtwoord uitgegeven"), now: today)
            // The demo participants chose their password already: they land on their lessons.
            try await db.raw("UPDATE participant_accounts SET must_change = 0, password_set_at = \(bind: today.epochSeconds) WHERE person_id = \(bind: personId)").run()
        }
        let often = started.last?.personId
        // The groups in the order of their first participant (the offers' ids are random; the demo is not).
        var groups: [String] = []
        for member in started where !groups.contains(member.offerId) { groups.append(member.offerId) }
        var lessonNumber = 0
        for offerId in groups {
            guard let providerRow = try await db.raw("""
                SELECT o.provider_id, v.name FROM provider_offers o JOIN providers v ON v.id = o.provider_id WHERE o.id = \(bind: offerId)
                """).first() else { continue }
            let providerId = try providerRow.decode(column: "provider_id", as: String.self)
            let providerName = try providerRow.decode(column: "name", as: String.self)
            // The provider's own member of staff keeps the register.
            guard let staff = try await db.raw("""
                SELECT u.id, u.name FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE o.provider_id = \(bind: providerId) ORDER BY u.id LIMIT 1
                """).first() else { continue }
            let teacher = CaseActor(id: try staff.decode(column: "id", as: String.self), name: try staff.decode(column: "name", as: String.self))
            let group = started.filter { $0.offerId == offerId }
            // Two lessons a week for three weeks, then today's.
            for (number, offset) in [-20, -18, -13, -11, -6, -4, 0].enumerated() {
                let date = day.adding(days: offset)
                lessonNumber += 1
                let lesson = LessonRecord(id: DemoData.id("lesson", lessonNumber), providerId: providerId, offerId: offerId, startId: nil, date: date,
                                          startsAt: "09:00", hours: 3, soort: .cursus, code: String(format: "%06d", (number * 7919 + 104_729) % 1_000_000),
                                          openedBy: teacher.id ?? "")
                let audit = AuditEvent(actorId: teacher.id, actorName: teacher.name, actorRole: "-", organisationId: nil, action: AuditAction.partnerLessonOpen.rawValue,
                                       purpose: "inburgering", requestId: "demo", detail: date.iso)
                try await store.openLesson(lesson, audit: audit, now: today)
                for (position, member) in group.enumerated() where member.startedOn <= date {
                    // The last started participant misses most lessons of the last two weeks; the others one now and then.
                    let absent = member.personId == often ? offset >= -13 : (number + position) % 5 == 4
                    if absent || (offset == 0 && position > 0) { continue }
                    try await db.raw("""
                        INSERT INTO lesson_presences (lesson_id, person_id, channel, confirmed_at)
                        VALUES (\(bind: lesson.id), \(bind: member.personId), \(bind: position % 2 == 0 ? "phone" : "classroom"), \(bind: today.epochSeconds))
                        """).run()
                }
                if offset < 0 {
                    var confirm = audit
                    confirm.action = AuditAction.partnerLessonConfirm.rawValue
                    _ = try await store.confirmLesson(lessonId: lesson.id, providerId: providerId, scope: TenantScope(municipalityCodes: ["GM0988"]), actor: teacher,
                                                      absence: AanwezigheidSettings(),
                                                      signalTitle: "Afwezigheid bespreken: 3 lessen gemist binnen 4 weken bij \(providerName)", audit: confirm, now: today)
                }
            }
        }
        // Each participant's progress report of ten days ago: the one often absent advised to lower the level.
        for (index, member) in started.enumerated() {
            guard let staff = try await db.raw("""
                SELECT u.id, u.name, o.provider_id FROM users u JOIN organisations o ON o.id = u.organisation_id
                JOIN provider_offers f ON f.provider_id = o.provider_id WHERE f.id = \(bind: member.offerId) ORDER BY u.id LIMIT 1
                """).first() else { continue }
            let teacher = CaseActor(id: try staff.decode(column: "id", as: String.self), name: try staff.decode(column: "name", as: String.self))
            let often = member.personId == started.last?.personId && started.count > 1
            let report = ProgressReportRecord(
                id: DemoData.id("report", index + 1), referralId: member.referralId, personId: member.personId,
                providerId: try staff.decode(column: "provider_id", as: String.self), reportedOn: day.adding(days: -10),
                levels: often ? [.lezen: .a1, .luisteren: .a2, .spreken: .a1, .schrijven: .a1] : [.lezen: .a2, .luisteren: .a2, .spreken: .a2, .schrijven: .a1],
                advice: often ? .verlagen : .doorgaan,
                note: often ? "Mist veel lessen; haalt B1 niet binnen de termijn. Bespreek A2 als einddoel." : "Goede vooruitgang, vooral bij spreken.")
            _ = try await casework.insertProgressReport(
                report, scope: TenantScope(municipalityCodes: ["GM0988"]), actor: teacher,
                audit: AuditEvent(actorId: teacher.id, actorName: teacher.name, actorRole: "-", organisationId: nil, action: AuditAction.partnerProgressReport.rawValue,
                                  personId: member.personId, municipalityCode: "GM0988", purpose: "inburgering", requestId: "demo", detail: report.advice.rawValue),
                now: today)
            // The first one doing well passed the reading exam at A2 last week, as the school reports.
            guard index == 0, !often else { continue }
            let exam = ExamResultRecord(id: DemoData.id("exam", 1), personId: member.personId, referralId: member.referralId, providerId: report.providerId,
                                        onderdeel: .lezen, niveau: .a2, examDate: day.adding(days: -7), passed: true)
            _ = try await casework.insertExamResult(
                exam, scope: TenantScope(municipalityCodes: ["GM0988"]), actor: teacher,
                audit: AuditEvent(actorId: teacher.id, actorName: teacher.name, actorRole: "-", organisationId: nil, action: AuditAction.partnerExamResult.rawValue,
                                  personId: member.personId, municipalityCode: "GM0988", purpose: "inburgering", requestId: "demo", detail: "LE A2 behaald"),
                now: today)
        }
    }
}
