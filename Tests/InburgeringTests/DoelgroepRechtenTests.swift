import Testing
@testable import Inburgering

@Suite("R0 — rights per target group, for every DUO detailed group (Wi2021 art. 13–16; Participatiewet art. 56a)")
struct DoelgroepRechtenTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let doelgroep: Doelgroep
        let aanbodDoorGemeente: Bool
        let leningDUO: Bool
        let begeleiding: Bool
        let ontzorgen: Bool
        let participatieuren: Int?
        let intensiteitInPIP: Bool
        let teLaatAanbod: Bool
        var testDescription: String { doelgroep.rawValue }
    }

    static func asiel(_ g: Doelgroep) -> Row {
        Row(doelgroep: g, aanbodDoorGemeente: true, leningDUO: false, begeleiding: true, ontzorgen: true, participatieuren: 800,
            intensiteitInPIP: true, teLaatAanbod: true)
    }
    static func gezin(_ g: Doelgroep) -> Row {
        Row(doelgroep: g, aanbodDoorGemeente: false, leningDUO: true, begeleiding: false, ontzorgen: false, participatieuren: nil,
            intensiteitInPIP: false, teLaatAanbod: false)
    }

    static let table: [Row] = [
        asiel(.asielstatushouder), asiel(.gezinsherenigerMetAsielstatushouder), asiel(.gezinsvormerMetAsielstatushouder),
        gezin(.gezinshereniger), gezin(.gezinsvormer), gezin(.geestelijkBedienaar), gezin(.overig),
    ]

    @Test("Each group's rights; intake, PIP, MAP, PVT and 800 Z-route course hours for everyone", arguments: table)
    func rights(_ row: Row) {
        let r = DoelgroepRechten.voor(row.doelgroep.categorie)
        #expect(r.bredeIntakeEnPIP && r.mapVerplicht && r.pvtVerplicht)
        #expect(r.zRouteCursusuren == 800)
        #expect(r.inburgeringsaanbodDoorGemeente == row.aanbodDoorGemeente)
        #expect(r.leningDUO == row.leningDUO)
        #expect(r.maatschappelijkeBegeleiding == row.begeleiding)
        #expect(r.financieelOntzorgenBijBijstand == row.ontzorgen)
        #expect(r.zRouteParticipatieuren == row.participatieuren)
        #expect(r.geschatteIntensiteitInPIP == row.intensiteitInPIP)
        #expect(r.signaalTeLaatAanbod == row.teLaatAanbod)
    }

    @Test("The table covers every DUO detailed group exactly once")
    func complete() {
        #expect(Set(Self.table.map(\.doelgroep)) == Set(Doelgroep.allCases))
        #expect(Self.table.count == Doelgroep.allCases.count)
    }

    @Test("The groups that hold a right: ontzorgen for the three asylum groups only")
    func groupsWithRight() {
        #expect(Set(DoelgroepRechten.doelgroepen(met: \.financieelOntzorgenBijBijstand))
                == [.asielstatushouder, .gezinsherenigerMetAsielstatushouder, .gezinsvormerMetAsielstatushouder])
        #expect(Set(DoelgroepRechten.doelgroepen(met: \.bredeIntakeEnPIP)) == Set(Doelgroep.allCases))
        #expect(Set(DoelgroepRechten.doelgroepen(met: \.leningDUO)) == [.gezinshereniger, .gezinsvormer, .geestelijkBedienaar, .overig])
    }
}
