/// Progress on the Z-route's hours (R7c).
public struct ZRouteVoortgang: Hashable, Sendable {
    public let cursusuren: Int
    public let cursusNorm: Int
    public let participatieuren: Int
    /// Nil when no participation hours are required.
    public let participatieNorm: Int?
    /// School hours made before 1-7-2025, which do not count.
    public let nietMeetellendeSchooluren: Int

    public var cursusVoldaan: Bool { cursusuren >= cursusNorm }
    public var participatieVoldaan: Bool { participatieNorm.map { participatieuren >= $0 } ?? true }
    public var urenVoldaan: Bool { cursusVoldaan && participatieVoldaan }
}

/// Progress on a module with a minimum of hours and a closing act (MAP: final interview; PVT: signing).
public struct ModuleVoortgang: Hashable, Sendable {
    public let uren: Int
    public let minimum: Int
    public let afgerondOp: CalendarDate?

    public var urenVoldaan: Bool { uren >= minimum }
    public var voldaan: Bool { urenVoldaan && afgerondOp != nil }
}

/// R7c/R7d: hour norms for the Z-route, MAP and PVT.
public enum UrenRules: LegalRule {
    public static let zRouteCursusNorm = 800
    public static let zRouteParticipatieNorm = 800
    public static let mapMinimumPraktijkuren = 40
    public static let pvtMinimumUren = 12

    /// Whether hours followed now count as followed during the brede intake: while the case has not
    /// passed the intake (no PIP fixed yet). Course hours then do not count towards the route (R7a),
    /// and go to DUO as the intake's own total; participation hours count (Besluit art. 3.14).
    public static func tijdensBredeIntake(fase: TrajectFase) -> Bool { fase <= .bredeIntake }

    /// The most hours of one kind a period can plausibly hold: eight hours on every working day
    /// (Monday to Friday) from `van` through `tot`. Not a rule of law but a guard against a typing
    /// error (2000 hours in a quarter): more needs the case worker's explicit confirmation.
    public static func plausibelMaximum(van: CalendarDate, tot: CalendarDate) -> Int {
        guard van <= tot else { return 0 }
        var day = van, workingDays = 0
        while day <= tot {
            if day.isoWeekday <= 5 { workingDays += 1 }
            day = day.adding(days: 1)
        }
        return workingDays * 8
    }

    /// School hours in praktijkonderwijs, vso and entree count for the Z-route from 1-7-2025 (law by date).
    // R7c — Z-route schooluren tellen mee vanaf 1-7-2025 (wijziging Besluit inburgering 2021)
    public static let schoolurenTellenMee = LawTimeline<Bool>([
        .init(from: LawDates.wi2021, value: false, source: "Wi2021 art. 9 zoals ingevoerd"),
        .init(from: LawDates.zRouteSchoolHours, value: true, source: "Wijziging Besluit inburgering 2021, per 1-7-2025"),
    ])

    /// Course hours that count for the route and for afschalen: course hours outside the brede intake.
    // R7a — DUO GevolgdeUren: uren uit de brede intake tellen niet mee voor de leerroute
    public static func routeCursusuren(_ uren: [UrenRegistratie]) -> Int {
        uren.filter { $0.soort == .cursus && !$0.tijdensBredeIntake }.reduce(0) { $0 + $1.uren }
    }

    /// Z-route hours against the norm for the person's group. `participatieMaximum` is the cap DUO sets
    /// with a partial medical ontheffing (`urenBelastbaarheidParticipatieactiviteit`; 0 = none possible).
    // R7c — Wi2021 art. 9; Besluit inburgering 2021 art. 3.14 (participatie-uren, brede intake telt mee)
    public static func zRouteVoortgang(_ uren: [UrenRegistratie], categorie: DoelgroepCategorie,
                                       settings: MunicipalityLawSettings = .standaard,
                                       participatieMaximum: Int? = nil) -> ZRouteVoortgang {
        var course = routeCursusuren(uren)
        var excluded = 0
        for entry in uren where entry.soort == .schoolPraktijkVsoEntree {
            if schoolurenTellenMee.value(on: entry.datum) == true { course += entry.uren } else { excluded += entry.uren }
        }
        let participation = uren.filter { $0.soort == .participatie }.reduce(0) { $0 + $1.uren }
        var norm = DoelgroepRechten.voor(categorie, settings: settings).zRouteParticipatieuren
        if let cap = participatieMaximum, let current = norm { norm = min(current, max(0, cap)) }
        if norm == 0 { norm = nil }
        return ZRouteVoortgang(cursusuren: course, cursusNorm: zRouteCursusNorm, participatieuren: participation,
                               participatieNorm: norm, nietMeetellendeSchooluren: excluded)
    }

    // R7d — MAP: ten minste 40 praktijkuren en een eindgesprek (DUO MAP API datumEindgesprekMap)
    public static func mapVoortgang(_ uren: [UrenRegistratie], afronding: RouteAfronding = RouteAfronding()) -> ModuleVoortgang {
        ModuleVoortgang(uren: uren.filter { $0.soort == .mapPraktijk }.reduce(0) { $0 + $1.uren },
                        minimum: mapMinimumPraktijkuren, afgerondOp: afronding.mapEindgesprek)
    }

    // R7d — PVT: ten minste 12 uur en ondertekening (DUO PVT API datumOndertekeningPvt)
    public static func pvtVoortgang(_ uren: [UrenRegistratie], afronding: RouteAfronding = RouteAfronding()) -> ModuleVoortgang {
        ModuleVoortgang(uren: uren.filter { $0.soort == .pvt }.reduce(0) { $0 + $1.uren },
                        minimum: pvtMinimumUren, afgerondOp: afronding.pvtOndertekend)
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r7c, title: "Uren in de Z-route",
            text: "De Z-route vraagt 800 cursusuren (taal en KNM) van iedereen en 800 participatie-uren van asielstatushouders; voor gezinsmigranten bepaalt de gemeente of participatie-uren nodig zijn (standaard niet). Participatie-uren tijdens de brede intake tellen mee. Schooluren in praktijkonderwijs, vso of entree tellen mee vanaf 1 juli 2025. Een medische ontheffing kan de participatie-uren begrenzen.",
            textEnglish: "The Z-route requires 800 course hours (language and KNM) from everyone and 800 participation hours from asylum permit holders; for family migrants the municipality decides whether participation hours are required (default not). Participation hours during the broad intake count. School hours in praktijkonderwijs, vso or entree count from 1 July 2025. A medical exemption may cap the participation hours.",
            source: "Wi2021 art. 9; Besluit inburgering 2021 art. 3.14; DUO GevolgdeUren en Ontheffing API"),
        RuleDescription(
            id: .r7d, title: "MAP en PVT",
            text: "De MAP heeft minstens 40 praktijkuren en eindigt met een eindgesprek; de onderwijsroute heeft geen MAP. Het PVT duurt minstens 12 uur en eindigt met het ondertekenen van de participatieverklaring. Beide gelden voor asielstatushouders én gezinsmigranten.",
            textEnglish: "The MAP has at least 40 practice hours and ends with a final interview; the education route has no MAP. The PVT lasts at least 12 hours and ends with signing the participation statement. Both apply to asylum permit holders and family migrants.",
            source: "Wi2021 art. 6; DUO MAP, PVT, Z-route API"),
    ]
}
