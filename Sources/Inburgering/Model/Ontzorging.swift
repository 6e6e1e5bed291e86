/// Bills the municipality may pay from the benefit under ontzorgen.
public enum OntzorgRekening: String, CaseIterable, Codable, Sendable {
    case huur
    case energie
    case water
    case zorgverzekering

    /// The statutory standard set: rent, gas/water/electricity and health insurance (Pw art. 56a).
    public static let wettelijkeStandaard: Set<OntzorgRekening> = Set(allCases)
}

/// A payee and amount paid from the benefit.
public struct OntzorgBetaling: Hashable, Codable, Sendable {
    public var rekening: OntzorgRekening
    public var begunstigde: String
    /// IBAN of the payee.
    public var iban: String
    public var bedragCent: Int
    public var machtigingGetekendOp: CalendarDate?

    public init(rekening: OntzorgRekening, begunstigde: String, iban: String, bedragCent: Int, machtigingGetekendOp: CalendarDate? = nil) {
        self.rekening = rekening
        self.begunstigde = begunstigde
        self.iban = iban
        self.bedragCent = bedragCent
        self.machtigingGetekendOp = machtigingGetekendOp
    }
}

/// Financieel ontzorgen for one person (R8).
public struct Ontzorging: Hashable, Codable, Sendable {
    /// First day of bijstand; ontzorgen starts on that day.
    public var bijstandStart: CalendarDate
    public var periode: Period
    public var rekeningen: Set<OntzorgRekening>
    public var betalingen: [OntzorgBetaling]
    /// Reviews held (extension decision), by date.
    public var evaluaties: [CalendarDate]
    /// Extended until (art. 57 Pw), when decided.
    public var verlengdTot: CalendarDate?
    /// Financial self-reliance course followed on.
    public var cursusFinancieleZelfredzaamheid: CalendarDate?

    public init(bijstandStart: CalendarDate, periode: Period, rekeningen: Set<OntzorgRekening>,
                betalingen: [OntzorgBetaling] = [], evaluaties: [CalendarDate] = [], verlengdTot: CalendarDate? = nil,
                cursusFinancieleZelfredzaamheid: CalendarDate? = nil) {
        self.bijstandStart = bijstandStart
        self.periode = periode
        self.rekeningen = rekeningen
        self.betalingen = betalingen
        self.evaluaties = evaluaties
        self.verlengdTot = verlengdTot
        self.cursusFinancieleZelfredzaamheid = cursusFinancieleZelfredzaamheid
    }

    /// The last day of ontzorgen, including an extension.
    public var einddatum: CalendarDate { max(periode.end, verlengdTot ?? periode.end) }

    /// Known failure in practice: the course only after ontzorgen ended.
    public var cursusNaEinde: Bool {
        guard let cursus = cursusFinancieleZelfredzaamheid else { return false }
        return cursus > einddatum
    }
}
