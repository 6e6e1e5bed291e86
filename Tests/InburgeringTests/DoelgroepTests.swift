import Testing
@testable import Inburgering

@Suite("R0 — target groups and their rights (Wi2021 art. 1, 13–16)")
struct DoelgroepTests {
    @Test("R0 — DUO's detailed groups map to the statutory category (Wi2021 art. 1)", arguments: [
        ("Asielstatushouder", DoelgroepCategorie.asielstatushouder),
        ("Geestelijk bedienaar", .gezinsmigrantEnOverig),
        ("Gezinshereniger", .gezinsmigrantEnOverig),
        ("Gezinshereniger met Asielstatushouder", .asielstatushouder),
        ("Gezinsvormer", .gezinsmigrantEnOverig),
        ("Gezinsvormer met Asielstatushouder", .asielstatushouder),
        ("Overig", .gezinsmigrantEnOverig),
    ])
    func mapping(raw: String, categorie: DoelgroepCategorie) throws {
        let group = try #require(Doelgroep(rawValue: raw))
        #expect(group.categorie == categorie)
    }

    @Test("R0 — the enum holds exactly DUO's seven detailed groups (DUO Inburgeringsplicht API)")
    func allGroups() {
        #expect(Doelgroep.allCases.count == 7)
        #expect(DoelgroepCategorie(duoIndeling: "Gezinsmigrant en overige migrant") == .gezinsmigrantEnOverig)
        #expect(DoelgroepCategorie(duoIndeling: "Asielstatushouder") == .asielstatushouder)
        #expect(DoelgroepCategorie(duoIndeling: "Onbekend") == nil)
    }

    @Test("R0 — DUO's indeling and retained rights override the mapping (DUO AsielrechtenWijzigingVerblijfsdoel)")
    func overrides() {
        var person = Inburgeraar(bsn: bsn("111222333"), geboortedatum: d("1990-01-01"), doelgroep: .gezinsherenigerMetAsielstatushouder)
        #expect(person.categorie == .asielstatushouder)
        person.duoIndeling = .gezinsmigrantEnOverig
        #expect(person.categorie == .gezinsmigrantEnOverig)
        person.asielrechtenBijWijziging = .behoudAsielrechten
        #expect(person.categorie == .asielstatushouder)
    }

    @Test("R0 — asylum permit holders: municipal offer, guidance, ontzorgen, 800+800 Z-route hours")
    func asylumRights() {
        let rights = DoelgroepRechten.voor(.asielstatushouder)
        #expect(rights.bredeIntakeEnPIP && rights.inburgeringsaanbodDoorGemeente && rights.maatschappelijkeBegeleiding)
        #expect(rights.financieelOntzorgenBijBijstand && rights.mapVerplicht && rights.pvtVerplicht)
        #expect(!rights.leningDUO)
        #expect(rights.zRouteCursusuren == 800 && rights.zRouteParticipatieuren == 800)
        #expect(rights.geschatteIntensiteitInPIP && rights.signaalTeLaatAanbod)
    }

    @Test("R0 — family and other migrants: intake and PIP yes, offer/guidance/ontzorgen no, participation hours configurable")
    func familyRights() {
        let rights = DoelgroepRechten.voor(.gezinsmigrantEnOverig)
        #expect(rights.bredeIntakeEnPIP && rights.mapVerplicht && rights.pvtVerplicht && rights.leningDUO)
        #expect(!rights.inburgeringsaanbodDoorGemeente && !rights.maatschappelijkeBegeleiding && !rights.financieelOntzorgenBijBijstand)
        #expect(rights.zRouteCursusuren == 800 && rights.zRouteParticipatieuren == nil)
        #expect(!rights.geschatteIntensiteitInPIP && !rights.signaalTeLaatAanbod)
        let configured = DoelgroepRechten.voor(.gezinsmigrantEnOverig, settings: MunicipalityLawSettings(zRouteParticipatieurenGezinsmigrant: 400))
        #expect(configured.zRouteParticipatieuren == 400)
    }

    @Test("R0 — household: children under 4 prompt VVE in the intake (Wi2021 art. 14 lid 3)")
    func household() {
        let house = Huishouden(id: "h1", leden: [
            .init(bsn: bsn("111222333"), rol: .referent, geboortedatum: d("1990-01-01"), inburgeringsplichtig: true),
            .init(bsn: bsn("123456782"), rol: .kind, geboortedatum: d("2021-06-01"), inburgeringsplichtig: false),
            .init(bsn: bsn("999999990"), rol: .kind, geboortedatum: d("2015-06-01"), inburgeringsplichtig: false),
        ])
        #expect(house.kinderenVoorVVE(op: d("2025-05-31")).map(\.bsn) == [bsn("123456782")])
        #expect(house.kinderenVoorVVE(op: d("2025-06-01")).isEmpty)
    }
}
