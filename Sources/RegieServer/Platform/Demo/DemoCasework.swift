import Foundation
import Inburgering
import RegieStorage

/// The recorded history behind the demo's cases, consistent with each traject's dates and phase:
/// the warm handover, intake conversations and topics, the LBT and the school's advice, the route
/// decision, the fixed PIP, progress meetings, hours, results, tasks and the timeline of it all.
/// Every screen of the casework then shows realistic content.
enum DemoCasework {
    static let schools = ["Taalhuis Weert", "Taalschool Midden-Limburg", "ROC Leeuwenborgh Inburgering"]
    static let administrators = ["J. de Vries (gecertificeerd)", "M. Lenders (gecertificeerd)", "S. Bakker (gecertificeerd)"]

    /// Adds the history batch by batch: one random sequence runs through the whole region, so the
    /// histories are the same whatever the batch size.
    struct Enricher {
        let consulentNames: [String: String]
        let today: CalendarDate
        /// Who a task of a case without a consulent is created by: the first consulent by id.
        let fallbackConsulent: String
        private var rng: SeededGenerator

        init(consulentNames: [String: String], seed: UInt64, today: Date) {
            self.consulentNames = consulentNames
            self.today = CalendarDate.today(now: today)
            fallbackConsulent = consulentNames.keys.min() ?? "import"
            rng = SeededGenerator(seed: seed ^ 0xCA5E)
        }

        /// The people with their trajecten completed (meeting, cadence and contact dates) and their history.
        mutating func enrich(_ people: [PersonStore.NewPerson]) -> ([PersonStore.NewPerson], CaseHistory) {
            var history = CaseHistory()
            var enriched: [PersonStore.NewPerson] = []
            enriched.reserveCapacity(people.count)
            for item in people {
                let traject = add(item, to: &history, names: consulentNames, fallbackConsulent: fallbackConsulent, today: today, rng: &rng)
                enriched.append(.init(person: item.person, traject: traject ?? item.traject))
            }
            return (enriched, history)
        }
    }

    static func epoch(_ day: CalendarDate, hour: Int = 10) -> Int64 {
        let date = DisplayDate.startOfDay(day.iso) ?? Date(timeIntervalSince1970: 0)
        return Int64(date.timeIntervalSince1970) + Int64(hour * 3600)
    }

    /// Adds one case's history; returns the traject with the meeting, cadence and contact dates set.
    static func add(_ item: PersonStore.NewPerson, to h: inout CaseHistory, names: [String: String], fallbackConsulent: String,
                    today: CalendarDate, rng: inout SeededGenerator) -> TrajectRecord? {
        let t = item.traject
        let p = item.person
        let id = p.id
        let consulentId = t.consulentId ?? fallbackConsulent
        let actor = CaseActor(id: t.consulentId, name: t.consulentId.flatMap { names[$0] } ?? "Regie (import)")
        let by = t.consulentId ?? "import"
        func event(_ kind: String, _ day: CalendarDate, _ detail: String = "") {
            h.events.append(.init(personId: id, change: CaseChange(kind: kind, date: day.iso, detail: detail), actor: actor, at: epoch(day)))
        }
        let closed = t.closedDate
        let end = min(closed ?? today, today)
        var contact: CalendarDate?
        func touch(_ day: CalendarDate) { if contact.map({ day > $0 }) ?? true { contact = day } }
        guard let kennisgeving = t.kennisgevingDate else { return nil }
        event("registered", kennisgeving)
        let asylum = p.doelgroep.categorie == .asielstatushouder

        // Warm handover (asylum permit holders linked by COA).
        if asylum, let koppeling = t.koppelingDate {
            let planned = koppeling.adding(days: Int.random(in: 7...21, using: &rng))
            let held = t.housingDate != nil && planned <= end && Int.random(in: 0..<100, using: &rng) < 75 ? planned : nil
            h.overdrachten.append(WarmeOverdrachtRecord(
                personId: id, scenario: ["azc", "gecombineerd", "naVerhuizing", "naVerhuizing"].randomElement(using: &rng),
                profile: ["azcLocatie": ["Azc Budel-Cranendonck", "Azc Weert", "Azc Venlo", "Azc Sweikhuizen"].randomElement(using: &rng)!,
                          "coaContact": ["R. Jacobs (COA)", "L. Verhoeven (COA)", "K. Smeets (COA)"].randomElement(using: &rng)!,
                          "talen": p.language + (Bool.random(using: &rng) ? ", Engels (basis)" : ""),
                          "opleiding": ["Middelbare school afgerond", "Basisschool, 6 jaar", "Universiteit (bachelor), niet afgerond", "Beroepsopleiding elektricien"].randomElement(using: &rng)!,
                          "bijzonderheden": ["Wil graag snel aan het werk.", "Zorgt voor twee jonge kinderen.", "Volgt al Nederlandse les via vrijwilligers in het azc."].randomElement(using: &rng)!],
                meetingPlanned: planned.iso, meetingHeld: held?.iso, meetingAttendees: held == nil ? "" : "coa,gemeente,inburgeraar,tolk",
                updatedBy: by, updatedAt: epoch(koppeling.adding(days: 3))))
            event("overdracht.profiel", koppeling.adding(days: 3))
            if let held { event("overdracht.gehouden", held); touch(held) }
        }

        // Brede intake: conversations and topics.
        let pipDate = t.pipDate
        var lbt: LBTRecord?
        if let intake = t.intakeDate {
            let first = ["opleidingEnWerkervaring", "persoonlijkeOmstandighedenEnGezondheid", "taalniveau", "motivatie"]
            h.gesprekken.append(IntakeGesprekRecord(
                id: DemoPeople.uuid(&rng), personId: id, conversationDate: intake.iso, attendees: "inburgeraar, consulent" + (p.interpreterNeeded ? ", tolk" : ""),
                interpreter: p.interpreterNeeded, cultureMediator: false, withoutPartner: false, noShow: false, topics: first,
                note: "Kennismaking. Verteld over opleiding en werk in het land van herkomst; eerste indruk van het taalniveau.", createdBy: by, createdAt: epoch(intake)))
            event("intake.gesprek", intake, "\(first.count)")
            touch(intake)
            let second = intake.adding(days: Int.random(in: 7...21, using: &rng))
            if second <= (pipDate ?? end), second <= end {
                let topics = ["arbeidsparticipatie", "zelfredzaamheid", "gezinssituatie", "sociaalNetwerk", "voorschoolseEducatie", "digitaleVaardigheden"]
                h.gesprekken.append(IntakeGesprekRecord(
                    id: DemoPeople.uuid(&rng), personId: id, conversationDate: second.iso, attendees: "inburgeraar, consulent",
                    interpreter: p.interpreterNeeded, cultureMediator: false, withoutPartner: p.gender == .vrouw && Bool.random(using: &rng),
                    noShow: false, topics: topics, note: "Vervolggesprek over werk, zelfredzaamheid en het gezin.", createdBy: by, createdAt: epoch(second)))
                event("intake.gesprek", second, "\(topics.count)")
                touch(second)
            }
            h.onderwerpen.append((id, IntakeOnderwerpRecord(
                topic: "opleidingEnWerkervaring",
                answers: ["hoogsteOpleiding": ["basis", "voortgezet", "beroeps", "hoger", "universitair"].randomElement(using: &rng)!,
                          "jarenOnderwijs": String(Int.random(in: 4...16, using: &rng)),
                          "werkervaring": ["Kapper, 6 jaar eigen zaak.", "Lasser in een scheepswerf.", "Verpleegkundige in een ziekenhuis.", "Boer op het familiebedrijf.", "Geen betaald werk; zorg voor het gezin."].randomElement(using: &rng)!,
                          "notitie": "Diploma's zijn niet meegenomen; verklaring aangevraagd."],
                updatedBy: by, updatedAt: epoch(intake))))
            h.onderwerpen.append((id, IntakeOnderwerpRecord(
                topic: "taalniveau",
                answers: ["alfabetisering": ["gealfabetiseerd", "gealfabetiseerd", "andersGealfabetiseerd", "analfabeet"].randomElement(using: &rng)!,
                          "nederlands": ["geen", "A1", "A1", "A2"].randomElement(using: &rng)!, "andereTalen": p.language],
                updatedBy: by, updatedAt: epoch(intake))))
            event("intake.onderwerp", intake, "opleidingEnWerkervaring")

            // Leerbaarheidstoets and the school's advice, before the route decision.
            let route = t.leerroute
            if pipDate != nil || Bool.random(using: &rng) {
                let tested = intake.adding(days: Int.random(in: 5...20, using: &rng))
                if tested <= end {
                    let score = route == .z ? Int.random(in: 8...30, using: &rng) : Int.random(in: 22...39, using: &rng)
                    let record = LBTRecord(id: DemoPeople.uuid(&rng), personId: id, invitedDate: intake.adding(days: 2), testDate: tested,
                                           administrator: administrators.randomElement(using: &rng)!, conditions: "Digitale afname op tablet, voorbereid met oefentoets.",
                                           score: score, exemption: nil, createdBy: by, createdAt: epoch(tested))
                    h.toetsen.append(record)
                    lbt = record
                    event("lbt.afgenomen", tested, "\(score)/40")
                    if let route {
                        let advice = tested.adding(days: Int.random(in: 3...14, using: &rng))
                        h.adviezen.append(TaalschoolAdviesRecord(id: DemoPeople.uuid(&rng), personId: id, adviceDate: min(advice, end).iso,
                                                                 school: schools.randomElement(using: &rng)!, leerroute: route.rawValue,
                                                                 niveau: route == .z ? "A1" : "B1", note: "Op basis van de eigen intake van de school.",
                                                                 createdBy: by, createdAt: epoch(min(advice, end))))
                        event("advies", min(advice, end), route.rawValue)
                    }
                }
            }
        }

        // Route decision and the fixed PIP.
        var lastMeeting: CalendarDate?
        var cadence: Int?
        if let pipDate, let route = t.leerroute {
            let toets = lbt.map { Leerbaarheidstoets(datumAfname: $0.testDate, score: $0.score.flatMap { LBTScore($0) }) }
            let deviation = RouteDeviationRule.afwijking(route: route, toets: toets)
            let reason = deviation.vereistMotivering
                ? (deviation == .omhoog ? "De taalschool ziet in de eigen intake een snelle leerder; de motivatie is hoog." : "Door gezondheidsklachten is een intensieve route nu niet haalbaar.")
                : nil
            let decided = pipDate.adding(days: -Int.random(in: 2...10, using: &rng))
            h.besluiten.append(RouteBesluitRecord(id: DemoPeople.uuid(&rng), personId: id, decidedDate: decided.iso, leerroute: route.rawValue, niveau: nil,
                                                  considered: route == .z ? "b1,z" : "b1,onderwijs,z", considerations: "Leerbaarheidstoets, advies taalschool en de wensen van de inburgeraar gewogen.",
                                                  deviation: deviation.rawValue, deviationReason: reason, lbtScore: lbt?.score, createdBy: by, createdAt: epoch(decided)))
            event("route.besluit", decided, route.rawValue)
            cadence = 3
            h.pips.append(PIPRecord(
                id: DemoPeople.uuid(&rng), personId: id, version: 1, status: .vastgesteld, dagtekening: pipDate, leerroute: route, niveau: nil,
                begeleiding: "Maandelijks contact met de consulent; maatschappelijke begeleiding door VluchtelingenWerk.",
                ondersteuning: "Kinderopvang tijdens de lessen; reiskosten naar de taalschool.",
                pvt: "Groepstraject bij de bibliotheek, met tolk waar nodig.", pvtUren: 12,
                map: route == .onderwijs ? "" : "Oriëntatie op werk via het Werkplein, met werkervaringsplaats.", mapUren: route == .onderwijs ? nil : 64,
                vve: .notApplicable, voortgangsgesprekken: 6, cadansMaanden: 3,
                einddoel: route == .onderwijs ? .onderwijs : (route == .z ? .zelfredzaamheid : .werk), redenAfwijking: reason,
                intensiteitB1: nil, changeReason: nil, changeNote: nil, createdBy: by, createdAt: epoch(decided), updatedAt: epoch(pipDate),
                fixedBy: t.consulentId, fixedAt: epoch(pipDate)))
            event("pip.vastgesteld", pipDate, "versie 1")

            // Progress meetings every 3 months until today (or the end); some cases fall behind.
            var meeting = pipDate.adding(months: 3).adding(days: -Int.random(in: 0...14, using: &rng))
            let behind = Int.random(in: 0..<100, using: &rng) < 15
            while meeting <= end {
                if behind && meeting.adding(months: 3) > end { break }
                let outcome = ["opSchema", "opSchema", "opSchema", "vertraging", "zorgen"].randomElement(using: &rng)!
                h.voortgang.append(VoortgangsgesprekRecord(id: DemoPeople.uuid(&rng), personId: id, heldDate: meeting.iso, outcome: outcome, noShow: false,
                                                           note: outcome == "opSchema" ? "Gaat goed; aanwezigheid boven 90%." : "Afspraken gemaakt over aanwezigheid en extra oefenen.",
                                                           createdBy: by, createdAt: epoch(meeting)))
                event("voortgang.gesprek", meeting, outcome)
                touch(meeting)
                lastMeeting = meeting
                meeting = meeting.adding(months: 3).adding(days: -Int.random(in: 0...10, using: &rng))
            }
        }

        // Hours and results once the route runs.
        if let start = t.routeStartDate, let route = t.leerroute {
            event("route.start", start)
            var quarterEnd = start.adding(months: 3).adding(days: -1)
            var map = 0, pvt = 0
            while quarterEnd <= end {
                h.uren.append(UrenRecord(id: DemoPeople.uuid(&rng), personId: id, soort: "cursus", periodEnd: quarterEnd.iso, hours: Int.random(in: 60...130, using: &rng),
                                         provider: schools.randomElement(using: &rng)!, duringIntake: false, createdBy: by, createdAt: epoch(quarterEnd)))
                if route == .z {
                    h.uren.append(UrenRecord(id: DemoPeople.uuid(&rng), personId: id, soort: "participatie", periodEnd: quarterEnd.iso, hours: Int.random(in: 40...120, using: &rng),
                                             provider: "Werkplein Weert", duringIntake: false, createdBy: by, createdAt: epoch(quarterEnd)))
                }
                if route != .onderwijs && map < 48 {
                    let hours = Int.random(in: 8...24, using: &rng)
                    map += hours
                    h.uren.append(UrenRecord(id: DemoPeople.uuid(&rng), personId: id, soort: "mapPraktijk", periodEnd: quarterEnd.iso, hours: hours,
                                             provider: "Werkplein Weert", duringIntake: false, createdBy: by, createdAt: epoch(quarterEnd)))
                }
                if pvt < 12 {
                    pvt += 6
                    h.uren.append(UrenRecord(id: DemoPeople.uuid(&rng), personId: id, soort: "pvt", periodEnd: quarterEnd.iso, hours: 6,
                                             provider: "Bibliotheek Weert", duringIntake: false, createdBy: by, createdAt: epoch(quarterEnd)))
                }
                quarterEnd = quarterEnd.adding(months: 3)
            }
            let signed = start.adding(months: 6), interview = start.adding(months: 12)
            if pvt >= 12, signed <= end {
                h.resultaten.append(RouteResultaatRecord(personId: id, kind: "pvtOndertekend", resultDate: signed))
                event("resultaat.pvtOndertekend", signed)
            }
            if map >= 40, interview <= end {
                h.resultaten.append(RouteResultaatRecord(personId: id, kind: "mapEindgesprek", resultDate: interview))
                event("resultaat.mapEindgesprek", interview)
            }
        }
        if let closed, let reason = t.closedReason { event("afgesloten", closed, reason.rawValue) }

        // An open task now and then, for the case worker.
        if closed == nil, t.consulentId != nil, Int.random(in: 0..<100, using: &rng) < 18 {
            let title = ["Taalschool bellen over de startdatum", "Vertaling diploma opvragen", "Huisbezoek plannen met tolk", "Kinderopvang regelen voor de lesdagen",
                         "Verklaring voor DUO opstellen (verlenging)"].randomElement(using: &rng)!
            let taak = TaakRecord(id: DemoPeople.uuid(&rng), personId: id, title: title, dueDate: today.adding(days: Int.random(in: -5...25, using: &rng)),
                                  assigneeId: t.consulentId, source: "handmatig", createdBy: consulentId, createdAt: epoch(today.adding(days: -7)))
            h.taken.append(taak)
        }
        var traject = TrajectRecord(
            id: t.id, personId: t.personId, municipalityCode: t.municipalityCode, phase: t.phase, consulentId: t.consulentId,
            kennisgevingDate: t.kennisgevingDate, koppelingDate: t.koppelingDate, housingDate: t.housingDate, brpDate: t.brpDate,
            intakeDate: t.intakeDate, pipDate: t.pipDate, routeStartDate: t.routeStartDate, leerroute: t.leerroute, closedDate: t.closedDate,
            closedReason: t.closedReason, lastMeetingDate: lastMeeting, pipCadenceMonths: cadence, lastContactDate: contact)
        traject.pipDelayReason = t.pipDelayReason
        // The recorded work the next step reads, as `LawFactsLoader` would count it (no household
        // child is young enough for pre-school education to be a topic here).
        let mine = h.gesprekken.suffix(2).filter { $0.personId == id && !$0.noShow }
        var covered = Set(mine.flatMap(\.lawTopics))
        covered.formUnion(h.onderwerpen.suffix(2).filter { $0.personId == id && $0.record.isRecorded }.compactMap(\.record.lawTopic))
        traject.handoverHeld = h.overdrachten.last.map { $0.personId == id && $0.meetingHeld != nil } ?? false
        traject.intakeConversations = mine.count
        traject.intakeOpenTopics = mine.isEmpty ? 0 : BredeIntakeRule.ontbrekendeOnderwerpen(besproken: covered, heeftJongeKinderen: false).count
        traject.lbtDone = lbt != nil
        traject.routeDecided = h.besluiten.last?.personId == id
        return traject
    }
}
