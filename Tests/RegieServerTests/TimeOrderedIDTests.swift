import Foundation
@testable import RegieStorage
import Testing

@Suite("Time-ordered ids for rows that only grow")
struct TimeOrderedIDTests {
    @Test("A version-7 UUID: the moment in its first 48 bits, the RFC's version and variant, the rest random")
    func layout() {
        let id = TimeOrderedID.make(milliseconds: 0x0193_8A2B_3C4D, random: (0xFFFF_FFFF_FFFF_FFFF, 0))
        #expect(id == "01938a2b-3c4d-7fff-8000-000000000000")
        let other = TimeOrderedID.make(milliseconds: 1, random: (0, 0xFFFF_FFFF_FFFF_FFFF))
        #expect(other == "00000000-0001-7000-bfff-ffffffffffff")
        #expect(UUID(uuidString: TimeOrderedID.make()) != nil)
    }

    @Test("Ids of later moments sort after earlier ones, as text; ids of one moment differ")
    func order() {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        // Half a millisecond in, so no step lands on a boundary that floating point may round down.
        let ids = (0..<200).map { TimeOrderedID.make(now: start.addingTimeInterval(Double($0) / 1_000 + 0.0005)) }
        #expect(ids == ids.sorted())
        let same = Set((0..<1_000).map { _ in TimeOrderedID.make(now: start) })
        #expect(same.count == 1_000)
        #expect(same.allSatisfy { $0.hasPrefix(ids[0].prefix(13)) })
    }
}
