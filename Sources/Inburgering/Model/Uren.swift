/// Kinds of hours a case tracks (DUO GevolgdeUren and MAP/PVT/Z-route APIs).
public enum UrenSoort: String, CaseIterable, Codable, Sendable {
    /// Dutch as a second language and KNM at a course provider (Z-route: the 800 course hours).
    case cursus
    /// Participation activities (Z-route: the 800 participation hours; brede intake hours count, Besluit art. 3.14).
    case participatie
    /// School hours in praktijkonderwijs, vso or entree; count for the Z-route from 1-7-2025 (R7c).
    case schoolPraktijkVsoEntree
    /// Practice hours of the MAP (at least 40).
    case mapPraktijk
    /// Hours of the participatieverklaringstraject (at least 12).
    case pvt
}

/// Hours made on one day (or reported for a period ending on `datum`).
public struct UrenRegistratie: Hashable, Codable, Sendable {
    public var datum: CalendarDate
    public var soort: UrenSoort
    public var uren: Int
    /// Made during the brede intake. Course hours during the intake do not count towards the route
    /// (DUO GevolgdeUren: "De uren uit Brede Intake tellen niet mee"); participation hours do (Besluit art. 3.14).
    public var tijdensBredeIntake: Bool

    public init(datum: CalendarDate, soort: UrenSoort, uren: Int, tijdensBredeIntake: Bool = false) {
        self.datum = datum
        self.soort = soort
        self.uren = uren
        self.tijdensBredeIntake = tijdensBredeIntake
    }
}

/// Completion facts reported to DUO for MAP, PVT and Z-route.
public struct RouteAfronding: Hashable, Codable, Sendable {
    /// MAP final interview (`datumEindgesprekMap`).
    public var mapEindgesprek: CalendarDate?
    /// PVT signed (`datumOndertekeningPvt`).
    public var pvtOndertekend: CalendarDate?
    /// Z-route completed (`datumAfrondingZroute`).
    public var zRouteAfgerond: CalendarDate?

    public init(mapEindgesprek: CalendarDate? = nil, pvtOndertekend: CalendarDate? = nil, zRouteAfgerond: CalendarDate? = nil) {
        self.mapEindgesprek = mapEindgesprek
        self.pvtOndertekend = pvtOndertekend
        self.zRouteAfgerond = zRouteAfgerond
    }
}
