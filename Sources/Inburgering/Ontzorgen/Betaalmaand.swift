/// A calendar month, the unit of a payment run ("2026-11").
public struct Maand: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1900...2100).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// "2026-11".
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public init(_ day: CalendarDate) {
        year = day.year
        month = day.month
    }

    public var first: CalendarDate { CalendarDate(unchecked: year, month, 1) }
    public var last: CalendarDate { first.lastDayOfMonth }
    public var next: Maand { Maand(first.adding(months: 1)) }
    public var previous: Maand { Maand(first.adding(months: -1)) }
    public var iso: String { String(format: "%04d-%02d", year, month) }
    public var description: String { iso }

    public static func < (lhs: Maand, rhs: Maand) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

/// One fixed cost paid from the benefit in a month: to whom, how much, and whether the
/// municipality pays it as a gift (the first month's rent, by policy) instead of deducting it.
public struct OntzorgPost: Hashable, Sendable {
    /// Stable id of the payee line, so one month's bill is paid once.
    public let sleutel: String
    public let soort: String
    public let categorie: OntzorgRekening?
    public let begunstigde: String
    public let iban: String
    public let kenmerk: String
    public let bedragCent: Int
    public let geschenk: Bool

    public init(sleutel: String, soort: String, categorie: OntzorgRekening?, begunstigde: String, iban: String, kenmerk: String,
                bedragCent: Int, geschenk: Bool = false) {
        self.sleutel = sleutel
        self.soort = soort
        self.categorie = categorie
        self.begunstigde = begunstigde
        self.iban = iban
        self.kenmerk = kenmerk
        self.bedragCent = bedragCent
        self.geschenk = geschenk
    }
}

/// What one person's benefit does in one month: the bills paid, what is deducted, the leefgeld, and
/// the shortfall when the benefit does not cover the deductions.
public struct Maandberekening: Hashable, Sendable {
    public let maand: Maand
    public let uitkeringCent: Int
    public let posten: [OntzorgPost]
    /// Deducted from the benefit: every bill that is not a gift.
    public let ingehoudenCent: Int
    /// Paid by the municipality on top of the benefit (the first month's rent, by policy).
    public let geschenkCent: Int
    /// Paid out to the newcomer; zero when there is a shortfall.
    public let leefgeldCent: Int
    /// How much the benefit falls short of the deductions; zero when it covers them.
    public let tekortCent: Int

    public var heeftTekort: Bool { tekortCent > 0 }
}

/// R8b: which months are paid under ontzorgen, and how a month's benefit is divided.
public enum OntzorgenBetaalRule: LegalRule {
    // R8b — Participatiewet art. 56a lid 1 (de gemeente betaalt vaste lasten uit de bijstand, de rest is leefgeld);
    // payment per calendar month in advance: a month is paid when ontzorgen runs on its first day, so
    // N months of ontzorgen are exactly N paid months whatever the start day
    public static func isBetaalmaand(_ maand: Maand, periode: Period) -> Bool {
        periode.contains(maand.first)
    }

    /// The paid months of a period, in order.
    public static func betaalmaanden(_ periode: Period) -> [Maand] {
        var months: [Maand] = []
        var month = Maand(periode.start)
        if !isBetaalmaand(month, periode: periode) { month = month.next }
        while isBetaalmaand(month, periode: periode) {
            months.append(month)
            month = month.next
        }
        return months
    }

    /// The first paid month of a period: the month whose rent a policy may pay as a gift.
    public static func isEersteBetaalmaand(_ maand: Maand, periode: Period) -> Bool {
        betaalmaanden(periode).first == maand
    }

    /// Divides `uitkeringCent` over the bills. A rent marked as a gift is paid but not deducted.
    /// When the deductions exceed the benefit there is no leefgeld and the shortfall is reported:
    /// nothing is paid for that person until someone resolves it (a known failure in practice: the benefit lower than the fixed costs until allowances arrive).
    public static func bereken(maand: Maand, uitkeringCent: Int, posten: [OntzorgPost]) -> Maandberekening {
        let deducted = posten.filter { !$0.geschenk }.reduce(0) { $0 + $1.bedragCent }
        let gift = posten.filter(\.geschenk).reduce(0) { $0 + $1.bedragCent }
        let shortfall = max(0, deducted - uitkeringCent)
        return Maandberekening(maand: maand, uitkeringCent: uitkeringCent, posten: posten, ingehoudenCent: deducted,
                               geschenkCent: gift, leefgeldCent: shortfall > 0 ? 0 : uitkeringCent - deducted, tekortCent: shortfall)
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r8b, title: "Betalen per maand en leefgeld",
            text: "Ontzorgen wordt per kalendermaand vooruit betaald: een maand telt mee als het ontzorgen op de eerste dag van die maand loopt. Zes maanden ontzorgen zijn zo altijd zes betaalmaanden, ook bij een start halverwege de maand. Per maand gaan de vaste lasten uit de uitkering naar de begunstigden; de rest is leefgeld. Dekt de uitkering de vaste lasten niet, dan wordt het tekort gemeld en wordt er voor die persoon niets betaald tot het is opgelost. Betaalt de gemeente de eerste huur als gift, dan wordt die betaald maar niet ingehouden.",
            textEnglish: "Unburdening is paid per calendar month in advance: a month counts when unburdening runs on its first day, so six months are always six paid months, even when it starts mid-month. Each month the fixed costs go from the benefit to the payees; the rest is living money. When the benefit does not cover the fixed costs the shortfall is reported and nothing is paid for that person until it is resolved. When the municipality pays the first rent as a gift, it is paid but not deducted.",
            source: "Participatiewet art. 56a lid 1"),
        RuleDescription(
            id: .r8c, title: "Cursus financiële zelfredzaamheid vóór het einde",
            text: "Wie ontzorgd wordt, leert in die tijd zelf de geldzaken te doen: een intake van de financiële vaardigheden, een cursus en een hertoets aan het eind. De cursus moet af zijn vóór het ontzorgen eindigt; Regie waarschuwt als hij niet gepland is of pas na het einde afloopt.",
            textEnglish: "Whoever is unburdened learns to manage their own money in that time: an intake of financial skills, a course and a re-test at the end. The course must finish before unburdening ends; Regie warns when it is not planned or ends after the end.",
            source: "Participatiewet art. 56a"),
    ]
}

/// R8c: the course in financial self-reliance finishes before the relief ends.
public enum CursusWaarschuwing: String, Sendable, Hashable {
    /// No course planned.
    case nietGepland
    /// The course ends after the last day of ontzorgen.
    case naEinde
}

extension OntzorgenBetaalRule {
    // R8c — cursus financiële zelfredzaamheid vóór het einde van het ontzorgen (Participatiewet art. 56a; in practice the course often ends too late)
    public static func cursusWaarschuwing(einde: CalendarDate, cursusEinde: CalendarDate?, afgerond: CalendarDate?) -> CursusWaarschuwing? {
        if afgerond != nil { return nil }
        guard let cursusEinde else { return .nietGepland }
        return cursusEinde > einde ? .naEinde : nil
    }
}

/// A kind of bill a municipality pays under ontzorgen: the statutory ones, split as bills arrive
/// (gas and electricity are separate bills), and any the municipality adds (`categorie` nil).
public struct OntzorgSoort: Hashable, Codable, Sendable {
    public var code: String
    public var label: String
    /// The statutory category (Pw art. 56a) it falls under; nil for a municipality's own addition.
    public var categorie: OntzorgRekening?

    public init(code: String, label: String, categorie: OntzorgRekening?) {
        self.code = code
        self.label = label
        self.categorie = categorie
    }

    /// Rent, gas, electricity, district heating, water, health insurance.
    public static let standaard: [OntzorgSoort] = [
        OntzorgSoort(code: "huur", label: "Huur", categorie: .huur),
        OntzorgSoort(code: "gas", label: "Gas", categorie: .energie),
        OntzorgSoort(code: "elektriciteit", label: "Elektriciteit", categorie: .energie),
        OntzorgSoort(code: "stadsverwarming", label: "Stadsverwarming", categorie: .energie),
        OntzorgSoort(code: "water", label: "Water", categorie: .water),
        OntzorgSoort(code: "zorgverzekering", label: "Zorgverzekering", categorie: .zorgverzekering),
    ]
}
