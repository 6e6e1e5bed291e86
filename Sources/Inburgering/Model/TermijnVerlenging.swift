/// Why DUO extended the inburgeringstermijn (R10).
public enum VerlengingsGrond: String, CaseIterable, Codable, Sendable {
    /// Illness longer than 3 months.
    case ziekte
    /// A literacy course (3–6 months).
    case alfabetisering
    /// The offer did not start in time (R12).
    case aanbodNietTijdigGestart
    case overig
}

/// An extension of the inburgeringstermijn decided by DUO (on request or ex officio; DUO events SS103/SS104).
public struct TermijnVerlenging: Hashable, Codable, Sendable {
    public enum Omvang: Hashable, Codable, Sendable {
        /// Extends the current end by a length (counted from the day after the current last day).
        case duur(Termijn)
        /// The new last day of the term, as DUO set it.
        case nieuweLaatsteDag(CalendarDate)
    }

    public var besluitdatum: CalendarDate
    public var grond: VerlengingsGrond
    public var omvang: Omvang
    /// DUO's `verlengingsgrondcode`, when known.
    public var duoGrondcode: String?

    public init(besluitdatum: CalendarDate, grond: VerlengingsGrond, omvang: Omvang, duoGrondcode: String? = nil) {
        self.besluitdatum = besluitdatum
        self.grond = grond
        self.omvang = omvang
        self.duoGrondcode = duoGrondcode
    }

    /// From DUO's Inburgeringstermijn API, whose `einddatum` is exclusive (the first day after the term).
    public static func fromDUO(besluitdatum: CalendarDate, einddatumExclusief: CalendarDate, grond: VerlengingsGrond,
                               duoGrondcode: String? = nil) -> TermijnVerlenging {
        TermijnVerlenging(besluitdatum: besluitdatum, grond: grond,
                          omvang: .nieuweLaatsteDag(einddatumExclusief.adding(days: -1)), duoGrondcode: duoGrondcode)
    }

    /// The last day after applying this extension to a term currently ending on `huidigeLaatsteDag`.
    public func toegepast(op huidigeLaatsteDag: CalendarDate) -> CalendarDate {
        switch omvang {
        case .duur(let termijn): termijn.period(afterTrigger: huidigeLaatsteDag).end
        case .nieuweLaatsteDag(let day): day
        }
    }
}
