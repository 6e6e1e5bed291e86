import Foundation
import Inburgering
import RegieStorage

/// SplitMix64: a small, fast, seedable generator, so demo data is the same on every machine.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Newcomers spread over every phase of the chain, in households, with dates that
/// fit their phase relative to `today`.
enum DemoPeople {
    struct Origin {
        let language: String
        let givenWomen: [String]
        let givenMen: [String]
        let family: [String]
    }

    static let asylumOrigins: [Origin] = [
        Origin(language: "Arabisch", givenWomen: ["Amal", "Rasha", "Lina", "Noor", "Hiba", "Dima", "Rania", "Reem", "Yasmin", "Ghalia", "Salma", "Nour", "Layla", "Farah"], givenMen: ["Ahmad", "Omar", "Khaled", "Yousef", "Mahmoud", "Bilal", "Samer", "Hussam", "Tarek", "Rami", "Fadi", "Ziad", "Anas", "Majd"], family: ["Al-Hassan", "Haddad", "Khalil", "Al-Ahmad", "Darwish", "Mansour", "Saleh", "Nasser", "Al-Masri", "Hamdan", "Shami", "Aziz", "Othman", "Suleiman", "Hijazi", "Kassab"]),
        Origin(language: "Tigrinya", givenWomen: ["Selam", "Helen", "Senait", "Yordanos", "Luwam", "Saba", "Rahel", "Winta", "Feven", "Mebrat"], givenMen: ["Dawit", "Yonas", "Tesfay", "Filmon", "Merhawi", "Samuel", "Robel", "Aman", "Henok", "Kibrom"], family: ["Tesfamariam", "Gebremedhin", "Habte", "Kidane", "Berhane", "Tekle", "Woldu", "Ghebreab", "Asmerom", "Haile"]),
        Origin(language: "Dari", givenWomen: ["Zahra", "Mariam", "Fereshta", "Shabnam", "Parwana", "Nilofar", "Mursal", "Sahar"], givenMen: ["Ahmad Shah", "Mohammad", "Farid", "Naveed", "Jawad", "Habib", "Sami", "Wahid"], family: ["Ahmadi", "Rahimi", "Hakimi", "Sultani", "Noori", "Karimi", "Popal", "Stanikzai"]),
        Origin(language: "Turks", givenWomen: ["Elif", "Zeynep", "Ayşe", "Merve", "Hatice", "Derya", "Sibel"], givenMen: ["Mehmet", "Emre", "Murat", "Hakan", "Yusuf", "Kemal", "Ali"], family: ["Yılmaz", "Demir", "Kaya", "Çelik", "Şahin", "Doğan", "Kurt", "Aksoy"]),
        Origin(language: "Arabisch (Jemen)", givenWomen: ["Afrah", "Bushra", "Arwa", "Huda", "Samah"], givenMen: ["Abdullah", "Fuad", "Nabil", "Waleed", "Hamza"], family: ["Al-Yamani", "Saeed", "Qasem", "Al-Hakimi", "Ba-Wazir"]),
        Origin(language: "Somalisch", givenWomen: ["Hodan", "Ayaan", "Faadumo", "Sahra", "Idil", "Hamdi"], givenMen: ["Abdi", "Mohamed", "Liban", "Ahmed", "Yusuf", "Abdullahi"], family: ["Warsame", "Farah", "Jama", "Abdirahman", "Hassan", "Osman", "Ali"]),
    ]

    static let familyOrigins: [Origin] = [
        Origin(language: "Berbers (Tamazight)", givenWomen: ["Nadia", "Samira", "Khadija"], givenMen: ["Karim", "Mustafa", "Rachid"], family: ["El Idrissi", "Benali", "Azzouzi", "Boukhari"]),
        Origin(language: "Turks", givenWomen: ["Esra", "Büşra", "Gizem"], givenMen: ["Burak", "Serkan", "Onur"], family: ["Aydın", "Öztürk", "Arslan"]),
        Origin(language: "Engels", givenWomen: ["Priya", "Ananya", "Grace"], givenMen: ["Arjun", "Rahul", "Samuel"], family: ["Sharma", "Patel", "Reddy", "Okafor"]),
        Origin(language: "Tagalog", givenWomen: ["Maricel", "Jocelyn", "Rowena"], givenMen: ["Jomar", "Ramil"], family: ["Santos", "Reyes", "Dela Cruz"]),
        Origin(language: "Portugees", givenWomen: ["Fernanda", "Juliana", "Camila"], givenMen: ["Rafael", "Thiago"], family: ["Silva", "Oliveira", "Souza"]),
        Origin(language: "Thai", givenWomen: ["Siriporn", "Nittaya", "Kanya"], givenMen: ["Somchai"], family: ["Srisuk", "Chaiyaporn", "Boonmee"]),
    ]

    /// Phases with their share of the demo (weights), in chain order.
    static let phaseWeights: [(TrajectFase, Int)] = [
        (.signaal, 8), (.gekoppeld, 10), (.gehuisvest, 12), (.bredeIntake, 14),
        (.pipVastgesteld, 12), (.inLeerroute, 30), (.afgerond, 9), (.beeindigd, 5),
    ]

    /// People that do not fit one BSN range go to the next one down (99, 98, 97, ...): one range
    /// holds about 909,000 valid numbers, and drawing stays quick while it is at most a third full.
    static let peoplePerBSNRange = 300_000
    /// The most people a demo region can have (the BSN ranges 99 down to 10).
    static let maximumCount = peoplePerBSNRange * 90

    /// Generates the region household by household, in batches, so a large region never has to be
    /// in memory at once. The batches concatenated are the same people whatever their size: one
    /// random sequence runs through the whole region, and a batch always ends with a whole household.
    struct Generator {
        let count: Int
        let today: Date
        let municipalities: [String]
        let consulentIds: [String]
        private var rng: SeededGenerator
        private var usedBSN = Set<Int>()
        private var usedVNummer = Set<Int>()
        private var usedNames = Set<String>()
        /// How many people the batches so far have held.
        private(set) var generated = 0

        init(count: Int, seed: UInt64, today: Date, municipalities: [String], consulentIds: [String]) {
            self.count = count
            self.today = today
            self.municipalities = municipalities
            self.consulentIds = consulentIds
            rng = SeededGenerator(seed: seed)
        }

        var isFinished: Bool { generated >= count }

        /// The next households, at least `size` people (or the rest of the region), whole households only.
        mutating func next(_ size: Int) -> [PersonStore.NewPerson] {
            var people: [PersonStore.NewPerson] = []
            people.reserveCapacity(min(size, count - generated) + 5)
            while people.count < size && generated < count {
                people.append(contentsOf: household())
            }
            return people
        }

        private mutating func household() -> [PersonStore.NewPerson] {
            var people: [PersonStore.NewPerson] = []
            let asylum = Int.random(in: 0..<100, using: &rng) < 65
            let origin = (asylum ? asylumOrigins : familyOrigins).randomElement(using: &rng)!
            let municipality = municipalities[Int.random(in: 0..<100, using: &rng) < 55 ? 0 : Int.random(in: 1..<municipalities.count, using: &rng)]
            let size = asylum ? [1, 1, 2, 2, 3, 4, 5].randomElement(using: &rng)! : [1, 1, 1, 2].randomElement(using: &rng)!
            let members = min(size, count - generated)
            let householdId = members > 1 ? uuid(&rng) : nil
            let family = origin.family.randomElement(using: &rng)!
            let phase = weightedPhase(&rng)
            let consulent = consulentIds.isEmpty ? nil : consulentIds.randomElement(using: &rng)
            for member in 0..<members {
                let isWoman = member == 0 ? Bool.random(using: &rng) : member == 1 ? true : Bool.random(using: &rng)
                let adultAge = Int.random(in: 18...58, using: &rng)
                let age = member < 2 ? adultAge : Int.random(in: 18...24, using: &rng)
                let doelgroep: Doelgroep
                if asylum {
                    // The first member came as asylum seeker; the others joined (nareizigers) or came along.
                    doelgroep = member == 0 || Bool.random(using: &rng) ? .asielstatushouder
                        : [Doelgroep.gezinsherenigerMetAsielstatushouder, .gezinsvormerMetAsielstatushouder].randomElement(using: &rng)!
                } else {
                    doelgroep = [Doelgroep.gezinsvormer, .gezinsvormer, .gezinshereniger, .overig, .geestelijkBedienaar].randomElement(using: &rng)!
                }
                let personId = uuid(&rng)
                let range = 99 - generated / peoplePerBSNRange
                var bsn = makeBSN(&rng, range: range)
                while usedBSN.contains(bsn) { bsn = makeBSN(&rng, range: range) }
                usedBSN.insert(bsn)
                // V-nummers are unique too; a repeat (rare below a million people) draws again.
                var vNummer = Int.random(in: 1_000_000_000...9_999_999_999, using: &rng)
                while usedVNummer.contains(vNummer) { vNummer = Int.random(in: 1_000_000_000...9_999_999_999, using: &rng) }
                usedVNummer.insert(vNummer)
                let birth = DisplayDate.amsterdamCalendar.date(byAdding: .day, value: -(age * 365 + Int.random(in: 0..<365, using: &rng)), to: today)!
                var given = (isWoman ? origin.givenWomen : origin.givenMen).randomElement(using: &rng)!
                for _ in 0..<8 where usedNames.contains(given + family) {
                    given = (isWoman ? origin.givenWomen : origin.givenMen).randomElement(using: &rng)!
                }
                if usedNames.contains(given + family) {
                    // A second given name, never the first one again ("Somchai Somchai").
                    let second = (isWoman ? origin.givenWomen : origin.givenMen).filter { $0 != given }.randomElement(using: &rng) ?? given
                    given += second == given ? "" : " " + second
                }
                usedNames.insert(given + family)
                let person = PersonRecord(
                    id: personId, municipalityCode: municipality, householdId: householdId, bsn: String(bsn), vNummer: String(vNummer),
                    givenNames: given, familyName: family,
                    dateOfBirth: CalendarDate.today(now: birth), gender: isWoman ? .vrouw : .man, doelgroep: doelgroep, language: origin.language,
                    interpreterNeeded: Int.random(in: 0..<100, using: &rng) < 55,
                    phone: Int.random(in: 0..<100, using: &rng) < 70 ? String(format: "06 %08d", Int.random(in: 10_000_000...99_999_999, using: &rng)) : nil,
                    email: nil)
                let traject = makeTraject(personId: personId, municipality: municipality, phase: phase, asylum: asylum,
                                          consulent: phase == .signaal && Bool.random(using: &rng) ? nil : consulent, today: today, rng: &rng)
                people.append(.init(person: person, traject: traject))
                generated += 1
            }
            return people
        }
    }

    static func weightedPhase(_ rng: inout SeededGenerator) -> TrajectFase {
        let total = phaseWeights.reduce(0) { $0 + $1.1 }
        var pick = Int.random(in: 0..<total, using: &rng)
        for (phase, weight) in phaseWeights {
            if pick < weight { return phase }
            pick -= weight
        }
        return .inLeerroute
    }

    /// Dates consistent with the phase: each step some days after the previous one, ending in the past.
    static func makeTraject(personId: String, municipality: String, phase: TrajectFase, asylum: Bool, consulent: String?, today: Date, rng: inout SeededGenerator) -> TrajectRecord {
        let order = phaseWeights.map(\.0)
        let reached = order.firstIndex(of: phase)!
        // How long ago the chain started grows with the phase reached.
        let spans = [20, 50, 100, 160, 230, 600, 1100, 700]
        var day = -Int.random(in: spans[reached] / 2...spans[reached], using: &rng)
        func step(_ minDays: Int, _ maxDays: Int) -> CalendarDate {
            day = min(day + Int.random(in: minDays...maxDays, using: &rng), -1)
            return CalendarDate.today(now: DisplayDate.amsterdamCalendar.date(byAdding: .day, value: day, to: today)!)
        }
        let kennisgeving = step(0, 0)
        let koppeling = asylum && reached >= 1 ? step(3, 14) : nil
        let housing = reached >= 2 ? step(asylum ? 40 : 5, asylum ? 110 : 20) : nil
        let brp = reached >= 2 ? step(1, 10) : nil
        let intake = reached >= 3 ? step(7, 30) : nil
        let pip = reached >= 4 ? step(20, 55) : nil
        let routeStart = reached >= 5 ? step(20, 100) : nil
        let closed = reached >= 6 ? step(300, 900) : nil
        let route = reached >= 4 ? [Leerroute.b1, .b1, .b1, .onderwijs, .z].randomElement(using: &rng)! : nil
        let reason: TrajectEinde? = switch phase {
        case .afgerond: [TrajectEinde.examenBehaald, .examenBehaald, .zRouteAfgerond, .volledigeVrijstelling, .volledigeOntheffing].randomElement(using: &rng)!
        case .beeindigd: [TrajectEinde.verhuisd, .verhuisd, .plichtVervallen, .vertrokken, .verblijfsdoelGewijzigd].randomElement(using: &rng)!
        default: nil
        }
        var traject = TrajectRecord(
            id: uuid(&rng), personId: personId, municipalityCode: municipality, phase: phase, consulentId: consulent,
            kennisgevingDate: kennisgeving, koppelingDate: koppeling, housingDate: housing, brpDate: brp, intakeDate: intake,
            pipDate: pip, routeStartDate: routeStart, leerroute: route, closedDate: closed, closedReason: reason)
        // A first PIP after the 10 weeks (R1) has the reason the case worker gave; chosen from the id,
        // so the random sequence (and every other demo value) stays as it was.
        if let pip,
           let trigger = PIPDeadlineRule.trigger(kennisgeving: kennisgeving, brpInschrijving: brp,
                                                 categorie: asylum ? .asielstatushouder : .gezinsmigrantEnOverig),
           pip > PIPDeadlineRule.deadline(trigger: trigger, wachtenOpDerden: []).deadline {
            let reasons: [PIPDelayReason] = [.nietBereikbaar, .lbt, .tolk, .derden, .capaciteit, .ziekte, .overig]
            traject.pipDelayReason = reasons[personId.unicodeScalars.reduce(0) { $0 + Int($1.value) } % reasons.count]
        }
        return traject
    }

    /// A BSN in a test range (99 unless a large region needs more) that passes the 11-proef:
    /// weights 9..2 and −1. As a number: its nine digits, the range first.
    static func makeBSN(_ rng: inout SeededGenerator, range: Int) -> Int {
        while true {
            var digits = [range / 10, range % 10] + (0..<6).map { _ in Int.random(in: 0...9, using: &rng) }
            let partial = zip(digits, [9, 8, 7, 6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 }
            let last = partial % 11
            if last <= 9 {
                digits.append(last)
                return digits.reduce(0) { $0 * 10 + $1 }
            }
        }
    }

    static func uuid(_ rng: inout SeededGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        // Lower-case hex in the 8-4-4-4-12 form, without a formatter per byte (millions of ids in a large region).
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
