import Foundation
import Testing
@testable import RegieServer

/// The QR Code encoder (ISO/IEC 18004) used for TOTP enrolment: capacity, function patterns, format
/// and version information read back from the grid, Reed–Solomon, errors and the SVG.
@Suite("QR Code: byte-mode encoder and inline SVG")
struct QRCodeTests {
    /// `count` bytes of printable ASCII, so the length in bytes is exact.
    static func payload(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(0x41 + $0 % 26) }
    }

    static let otpauth = "otpauth://totp/Regie:user@example?secret=JBSWY3DPEHPK3PXP&issuer=Regie&algorithm=SHA1&digits=6&period=30"

    struct Capacity: Sendable, CustomTestStringConvertible {
        let correction: QRCode.Correction
        let bytes: Int
        let version: Int
        var testDescription: String { "\(bytes) bytes at \(correction) → version \(version)" }
    }

    /// Byte-mode capacities from ISO/IEC 18004 table 7: each row is the last length that fits a
    /// version, or the first that needs the next.
    static let capacities: [Capacity] = [
        (QRCode.Correction.medium, 1, 1), (.medium, 14, 1), (.medium, 15, 2), (.medium, 26, 2), (.medium, 27, 3),
        (.medium, 42, 3), (.medium, 43, 4), (.medium, 62, 4), (.medium, 63, 5), (.medium, 84, 5), (.medium, 85, 6),
        (.medium, 106, 6), (.medium, 107, 7), (.medium, 122, 7), (.medium, 123, 8), (.medium, 152, 8),
        (.medium, 153, 9), (.medium, 180, 9), (.medium, 181, 10), (.medium, 200, 10), (.medium, 213, 10),
        (.medium, 214, 11), (.medium, 2331, 40),
        (.low, 17, 1), (.low, 18, 2), (.low, 2953, 40),
        (.quartile, 11, 1), (.quartile, 12, 2), (.quartile, 1663, 40),
        (.high, 7, 1), (.high, 8, 2), (.high, 1273, 40),
    ].map { Capacity(correction: $0.0, bytes: $0.1, version: $0.2) }

    @Test("The smallest version that holds the data is chosen", arguments: capacities)
    func smallestVersion(_ row: Capacity) throws {
        let code = try QRCode.encode(Self.payload(row.bytes), correction: row.correction)
        #expect(code.version == row.version)
        #expect(code.size == 4 * row.version + 17)
        #expect(code.correction == row.correction)
    }

    @Test("Sizes for the TOTP case: 14 bytes is 21 modules, 120 is 45 (v7), 200 is 57 (v10)")
    func sizes() throws {
        #expect(try QRCode.encode(Self.payload(14)).size == 21)
        #expect(try QRCode.encode(Self.payload(15)).size == 25)
        #expect(try QRCode.encode(Self.payload(120)).size == 45)
        #expect(try QRCode.encode(Self.payload(200)).size == 57)
        #expect(try QRCode.encode(text: Self.otpauth).version == try QRCode.encode(Array(Self.otpauth.utf8)).version)
    }

    @Test("Data that does not fit version 40 throws tooLong", arguments: [
        (QRCode.Correction.high, 3000), (.high, 1274), (.quartile, 1664), (.medium, 2332), (.low, 2954),
    ])
    func tooLong(_ correction: QRCode.Correction, _ count: Int) {
        #expect(throws: QRCode.Error.tooLong) { try QRCode.encode(Self.payload(count), correction: correction) }
    }

    @Test("Finder patterns in three corners, with light separators; timing patterns alternate", arguments: [1, 14, 120, 200, 600])
    func functionPatterns(_ count: Int) throws {
        let code = try QRCode.encode(Self.payload(count))
        let size = code.size
        for (left, top) in [(0, 0), (size - 7, 0), (0, size - 7)] {
            for dy in 0..<7 {
                for dx in 0..<7 {
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    #expect(code.isDark(x: left + dx, y: top + dy) == (ring != 2), "finder at \(left),\(top) module \(dx),\(dy)")
                }
            }
        }
        for i in 0..<8 {
            #expect(!code.isDark(x: i, y: 7) && !code.isDark(x: 7, y: i), "top-left separator")
            #expect(!code.isDark(x: size - 1 - i, y: 7) && !code.isDark(x: size - 8, y: i), "top-right separator")
            #expect(!code.isDark(x: i, y: size - 8) && !code.isDark(x: 7, y: size - 1 - i), "bottom-left separator")
        }
        for i in 8..<(size - 8) {
            #expect(code.isDark(x: i, y: 6) == (i % 2 == 0), "horizontal timing at \(i)")
            #expect(code.isDark(x: 6, y: i) == (i % 2 == 0), "vertical timing at \(i)")
        }
        #expect(code.isDark(x: 8, y: size - 8), "the dark module")
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: size))
    }

    /// The 15 format bits read back from one copy, bit 14 first.
    static func formatBits(_ code: QRCode, copy: Int) -> Int {
        let size = code.size
        let positions: [(Int, Int)] = copy == 1
            ? (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
            : (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
        return positions.enumerated().reduce(0) { bits, entry in
            bits | (code.isDark(x: entry.element.0, y: entry.element.1) ? 1 << entry.offset : 0)
        }
    }

    /// Whether `codeword` (data bits followed by `checkBits` check bits) is divisible by `generator`.
    static func isBCHValid(_ codeword: Int, generator: Int, checkBits: Int) -> Bool {
        var remainder = codeword
        let degree = generator.bitWidth - generator.leadingZeroBitCount - 1
        #expect(degree == checkBits)
        for shift in stride(from: remainder.bitWidth - remainder.leadingZeroBitCount - 1, through: degree, by: -1)
        where (remainder >> shift) & 1 == 1 {
            remainder ^= generator << (shift - degree)
        }
        return remainder == 0
    }

    @Test("Format information in both copies is BCH-valid and names the level and the mask", arguments: QRCode.Correction.allCases)
    func formatInformation(_ correction: QRCode.Correction) throws {
        let expectedLevel = switch correction {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
        for text in ["otp", Self.otpauth, String(repeating: "x", count: 300)] {
            let code = try QRCode.encode(text: text, correction: correction)
            let first = Self.formatBits(code, copy: 1)
            #expect(first == Self.formatBits(code, copy: 2))
            let unmasked = first ^ 0x5412
            #expect(Self.isBCHValid(unmasked, generator: 0x537, checkBits: 10))
            #expect(unmasked >> 13 == expectedLevel)
            #expect((unmasked >> 10) & 0b111 == code.mask)
            #expect((0..<8).contains(code.mask))
        }
    }

    @Test("Version information (v7 and up) in both blocks is BCH-valid and names the version", arguments: [107, 300, 1000, 2331])
    func versionInformation(_ count: Int) throws {
        let code = try QRCode.encode(Self.payload(count))
        #expect(code.version >= 7)
        var bottomLeft = 0
        var topRight = 0
        for i in 0..<18 {
            let a = code.size - 11 + i % 3
            let b = i / 3
            if code.isDark(x: b, y: a) { bottomLeft |= 1 << i }
            if code.isDark(x: a, y: b) { topRight |= 1 << i }
        }
        #expect(bottomLeft == topRight)
        #expect(bottomLeft >> 12 == code.version)
        #expect(Self.isBCHValid(bottomLeft, generator: 0x1F25, checkBits: 12))
    }

    @Test("Versions below 7 have no version information: those areas hold data, not fixed bits")
    func noVersionInformation() throws {
        let code = try QRCode.encode(Self.payload(100))
        #expect(code.version == 6)
    }

    @Test("Reed–Solomon: the ISO/IEC 18004 annex example \"01234567\" at 1-M")
    func reedSolomon() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let ecc = QRCode.reedSolomonRemainder(data, generator: QRCode.reedSolomonGenerator(degree: 10))
        #expect(ecc == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test("Reed–Solomon: the generator of degree 7 has the standard's exponents (α^87, α^229, …)")
    func generator() {
        // (x − α^0)…(x − α^6) = x^7 + α^87 x^6 + α^229 x^5 + α^146 x^4 + α^149 x^3 + α^238 x^2 + α^102 x + α^21
        var powers: [UInt8] = [1]
        for _ in 1..<255 { powers.append(QRCode.gfMultiply(powers[powers.count - 1], 2)) }
        let expected = [87, 229, 146, 149, 238, 102, 21].map { powers[$0] }
        #expect(QRCode.reedSolomonGenerator(degree: 7) == expected)
    }

    @Test("Data codewords: mode, count, data, terminator and alternating 0xEC 0x11 padding")
    func dataCodewords() {
        let codewords = QRCode.dataCodewords(Array("Hi".utf8), version: 1, correction: .medium)
        #expect(codewords.count == 16)
        // 0100 00000010 01001000 01101001 0000 → 0x40 0x24 0x86 0x90, then padding.
        #expect(Array(codewords.prefix(6)) == [0x40, 0x24, 0x86, 0x90, 0xEC, 0x11])
        #expect(codewords.last == 0x11)
    }

    @Test("The SVG: escaped title, size in px, one path whose runs redraw exactly the dark modules")
    func svg() throws {
        let code = try QRCode.encode(text: Self.otpauth)
        let svg = code.svg(moduleSize: 4, quietZone: 4, title: "Regie & <user@example> \"2FA\"")
        let extent = code.size + 8
        #expect(!svg.contains("<?xml"))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("viewBox=\"0 0 \(extent) \(extent)\""))
        #expect(svg.contains("width=\"\(extent * 4)\" height=\"\(extent * 4)\""))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.contains("<title>Regie &amp; &lt;user@example&gt; &quot;2FA&quot;</title>"))
        #expect(svg.contains("fill=\"#000\""))
        #expect(svg.components(separatedBy: "<path").count == 2)

        let start = try #require(svg.range(of: " d=\""))
        let end = try #require(svg[start.upperBound...].firstIndex(of: "\""))
        var drawn = Set<Int>()
        for segment in svg[start.upperBound..<end].split(separator: "M") {
            // "x yhNv1h-Nz"
            let parts = segment.split(separator: " ")
            let rest = try #require(parts.last).split(separator: "h")
            let x = try #require(Int(parts[0])) - 4
            let y = try #require(Int(rest[0])) - 4
            let run = try #require(Int(rest[1].dropLast(2)))
            #expect(rest[2] == "-\(run)z")
            for dx in 0..<run { drawn.insert(y * code.size + x + dx) }
        }
        let dark = Set((0..<code.size * code.size).filter { code.isDark(x: $0 % code.size, y: $0 / code.size) })
        #expect(drawn == dark)

        let small = try QRCode.encode(text: "x").svg(moduleSize: 3, quietZone: 2, title: "t")
        #expect(small.contains("width=\"75\" height=\"75\""))
    }
}
