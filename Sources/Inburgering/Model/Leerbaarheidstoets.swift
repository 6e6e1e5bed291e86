/// A score on the leerbaarheidstoets, stored exactly in hundredths of a point (DUO sends `"28,00"`).
public struct LBTScore: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public static let maximumQuestions = 40

    /// Points × 100.
    public let hundredths: Int

    /// Whole correct answers, 0…40.
    public init?(_ correctAnswers: Int) {
        guard (0...LBTScore.maximumQuestions).contains(correctAnswers) else { return nil }
        hundredths = correctAnswers * 100
    }

    public init?(hundredths: Int) {
        guard (0...LBTScore.maximumQuestions * 100).contains(hundredths) else { return nil }
        self.hundredths = hundredths
    }

    /// Parses DUO's `behaaldeScore`/`benodigdeScore` strings: 1–3 digits, a comma, exactly 2 digits.
    public init?(duoString: String) {
        let parts = duoString.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...3).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
              let whole = Int(parts[0]), let fraction = Int(parts[1]) else { return nil }
        self.init(hundredths: whole * 100 + fraction)
    }

    /// DUO's notation, e.g. `28,00`.
    public var duoString: String {
        let fraction = hundredths % 100
        return "\(hundredths / 100)," + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
    }

    /// Shown as "28/40" (the raw score is shown, not only the verdict).
    public var description: String {
        hundredths % 100 == 0 ? "\(hundredths / 100)/40" : "\(duoString)/40"
    }

    public static func < (lhs: LBTScore, rhs: LBTScore) -> Bool { lhs.hundredths < rhs.hundredths }
}

/// DUO's `LeerbaarheidstoetsResultaat`.
public enum LBTUitslag: String, CaseIterable, Codable, Sendable {
    case b1RouteHaalbaar = "B1-route haalbaar"
    case b1RouteNietHaalbaar = "B1-route niet haalbaar"
    case onbekend = "Onbekend"
}

/// Why the municipality did not let the person take the LBT (R3a).
public enum LBTVrijstelling: String, CaseIterable, Codable, Sendable {
    case visueleBeperking
    case auditieveBeperking
}

/// One leerbaarheidstoets: 40 questions, taken digitally with a certified administrator.
public struct Leerbaarheidstoets: Hashable, Codable, Sendable {
    /// The day the test was taken (DUO: `datumAfname`); decides the threshold in force (R3).
    public var datumAfname: CalendarDate?
    public var score: LBTScore?
    /// The verdict as DUO reported it, kept beside our own computation.
    public var duoUitslag: LBTUitslag?
    /// The threshold as DUO reported it (`benodigdeScore`).
    public var duoBenodigdeScore: LBTScore?
    /// Set when the municipality exempted the person from the test.
    public var vrijstelling: LBTVrijstelling?

    public init(datumAfname: CalendarDate? = nil, score: LBTScore? = nil, duoUitslag: LBTUitslag? = nil,
                duoBenodigdeScore: LBTScore? = nil, vrijstelling: LBTVrijstelling? = nil) {
        self.datumAfname = datumAfname
        self.score = score
        self.duoUitslag = duoUitslag
        self.duoBenodigdeScore = duoBenodigdeScore
        self.vrijstelling = vrijstelling
    }
}

/// The language school's own intake and advice, which weighs most in practice.
public struct TaalschoolAdvies: Hashable, Codable, Sendable {
    public var datum: CalendarDate
    public var school: String
    public var geadviseerdeRoute: Leerroute
    public var geadviseerdNiveau: Taalniveau?
    public var toelichting: String

    public init(datum: CalendarDate, school: String, geadviseerdeRoute: Leerroute,
                geadviseerdNiveau: Taalniveau? = nil, toelichting: String = "") {
        self.datum = datum
        self.school = school
        self.geadviseerdeRoute = geadviseerdeRoute
        self.geadviseerdNiveau = geadviseerdNiveau
        self.toelichting = toelichting
    }
}
