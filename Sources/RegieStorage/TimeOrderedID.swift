import Foundation

/// Ids for rows that only ever grow in number, such as timeline lines: a UUID of version 7
/// (RFC 9562), whose first 48 bits are the moment in milliseconds. A new row's key then lands at
/// the end of its table's primary-key index instead of on a random page of it — at a million cases
/// a random key costs a page write per line. The other 74 bits are random, so ids stay unguessable
/// and unique across processes; the id says when the row was made, which the row says anyway.
public enum TimeOrderedID {
    /// A new id for `now`, lower-case in the usual 8-4-4-4-12 form.
    public static func make(now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1_000)), random: (generator.next(), generator.next()))
    }

    /// The id of a moment and 128 random bits (of which 74 are used).
    static func make(milliseconds: UInt64, random: (UInt64, UInt64)) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        for index in 6..<8 { bytes[index] = UInt8(truncatingIfNeeded: random.0 >> (8 * (index - 6))) }
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: random.1 >> (8 * (index - 8))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // the RFC's variant
        return bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }.uuidString.lowercased()
    }
}
