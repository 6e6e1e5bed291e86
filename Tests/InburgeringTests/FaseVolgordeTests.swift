import Testing
@testable import Inburgering

@Suite("The phase never goes back (Wi2021 art. 11, 14, 15)")
struct FaseVolgordeTests {
    @Test("A step moves the case forward only; an earlier or equal step, or any step in a closed case, changes nothing", arguments: [
        (TrajectFase.signaal, TrajectFase.gehuisvest, TrajectFase?.some(.gehuisvest)),
        (.signaal, .bredeIntake, .bredeIntake),
        (.gekoppeld, .gehuisvest, .gehuisvest),
        (.gehuisvest, .bredeIntake, .bredeIntake),
        (.bredeIntake, .pipVastgesteld, .pipVastgesteld),
        (.bredeIntake, .inLeerroute, .inLeerroute),
        (.pipVastgesteld, .inLeerroute, .inLeerroute),
        // A late housing date or intake conversation after the PIP: the case stays where it is.
        (.pipVastgesteld, .gehuisvest, nil),
        (.pipVastgesteld, .bredeIntake, nil),
        (.inLeerroute, .pipVastgesteld, nil),
        (.bredeIntake, .bredeIntake, nil),
        (.signaal, .signaal, nil),
        // A closed case is not reopened by a late step.
        (.afgerond, .inLeerroute, nil),
        (.afgerond, .beeindigd, nil),
        (.beeindigd, .pipVastgesteld, nil),
        (.beeindigd, .afgerond, nil),
    ])
    func volgende(huidig: TrajectFase, bereikt: TrajectFase, expected: TrajectFase?) {
        #expect(FaseVolgordeRule.volgende(huidig: huidig, bereikt: bereikt) == expected)
    }

    @Test("Every pair: the result is never behind the current phase")
    func neverBack() {
        for huidig in TrajectFase.allCases {
            for bereikt in TrajectFase.allCases {
                let next = FaseVolgordeRule.volgende(huidig: huidig, bereikt: bereikt) ?? huidig
                #expect(next >= huidig)
            }
        }
    }
}
