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
    static let capacities: [Capacity] = ([
        (.medium, 1, 1), (.medium, 14, 1), (.medium, 15, 2), (.medium, 26, 2), (.medium, 27, 3),
        (.medium, 42, 3), (.medium, 43, 4), (.medium, 62, 4), (.medium, 63, 5), (.medium, 84, 5), (.medium, 85, 6),
        (.medium, 106, 6), (.medium, 107, 7), (.medium, 122, 7), (.medium, 123, 8), (.medium, 152, 8),
        (.medium, 153, 9), (.medium, 180, 9), (.medium, 181, 10), (.medium, 200, 10), (.medium, 213, 10),
        (.medium, 214, 11), (.medium, 2331, 40),
        (.low, 17, 1), (.low, 18, 2), (.low, 2953, 40),
        (.quartile, 11, 1), (.quartile, 12, 2), (.quartile, 1663, 40),
        (.high, 7, 1), (.high, 8, 2), (.high, 1273, 40),
    ] as [(QRCode.Correction, Int, Int)]).map { Capacity(correction: $0.0, bytes: $0.1, version: $0.2) }

    @Test("The smallest version that holds the data is chosen", arguments: capacities)
    func smallestVersion(_ row: Capacity) throws {
        let code = try QRCode.encode(Self.payload(row.bytes), correction: row.correction)
        #expect(code.version == row.version)
        #expect(code.size == 4 * row.version + 17)
        #expect(code.correction == row.correction)
    }

    @Test("Sizes for the TOTP case: 14 bytes is 21 modules, 120 is 45 (v7), 200 is 57 (v10)")
    func sizes() throws {
        let sizes = try [14, 15, 120, 200].map { try QRCode.encode(Self.payload($0)).size }
        #expect(sizes == [21, 25, 45, 57])
        let fromText = try QRCode.encode(text: Self.otpauth)
        let fromBytes = try QRCode.encode(Array(Self.otpauth.utf8))
        #expect(fromText.version == fromBytes.version)
        #expect(fromText.svg(title: "t") == fromBytes.svg(title: "t"))
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

    struct Alignment: Sendable, CustomTestStringConvertible {
        let bytes: Int
        let version: Int
        let centers: [Int]
        var testDescription: String { "version \(version)" }
    }

    /// ISO/IEC 18004 annex E; `bytes` is the shortest payload that needs the version at level L.
    static let alignments: [Alignment] = [
        Alignment(bytes: 18, version: 2, centers: [6, 18]),
        Alignment(bytes: 135, version: 7, centers: [6, 22, 38]),
        Alignment(bytes: 426, version: 14, centers: [6, 26, 46, 66]),
        Alignment(bytes: 930, version: 22, centers: [6, 26, 50, 74, 98]),
        Alignment(bytes: 1841, version: 32, centers: [6, 34, 60, 86, 112, 138]),
        Alignment(bytes: 2304, version: 36, centers: [6, 24, 50, 76, 102, 128, 154]),
        Alignment(bytes: 2810, version: 40, centers: [6, 30, 58, 86, 114, 142, 170]),
    ]

    @Test("Alignment patterns sit at the annex E centres, except where a finder is", arguments: alignments)
    func alignmentPatterns(_ row: Alignment) throws {
        let code = try QRCode.encode(Self.payload(row.bytes), correction: .low)
        #expect(code.version == row.version)
        let last = row.centers.count - 1
        for (i, x) in row.centers.enumerated() {
            for (j, y) in row.centers.enumerated() where !((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)) {
                for dy in -2...2 {
                    for dx in -2...2 {
                        #expect(code.isDark(x: x + dx, y: y + dy) == (max(abs(dx), abs(dy)) != 1), "alignment at \(x),\(y)")
                    }
                }
            }
        }
    }

    struct Reference: Sendable, CustomTestStringConvertible {
        let bytes: [UInt8]
        let correction: QRCode.Correction
        let version: Int
        let mask: Int
        let fingerprint: UInt64
        var testDescription: String { "\(bytes.count) bytes at \(correction)" }
    }

    /// Symbols from an independent encoder (segno 1.6.6). The payloads fill their version exactly, so
    /// no pad codewords are needed: segno pads with an extra 0x00 where the standard has the
    /// terminator end on a byte boundary, and would differ there. The masks are segno's own choice
    /// but for 17 bytes at L: segno scores the masks before drawing the format information and takes
    /// 7; scored on the finished symbol, as Nayuki's reference implementation and ZXing do, mask 6 is
    /// lower (1036 against 1086, by segno's own scoring function), so that row is segno's mask 6.
    static let references: [Reference] = [
        Reference(bytes: Array("HELLO WORLD!!!".utf8), correction: .medium, version: 1, mask: 3, fingerprint: 0xE480_48A9_6303_7F25),
        Reference(bytes: payload(17), correction: .low, version: 1, mask: 6, fingerprint: 0xB65B_D1A0_DE61_5517),
        Reference(bytes: payload(7), correction: .high, version: 1, mask: 0, fingerprint: 0xB376_76AB_538B_4201),
        Reference(bytes: payload(60), correction: .quartile, version: 5, mask: 0, fingerprint: 0x5BA2_40AD_4B7D_B165),
        Reference(bytes: payload(122), correction: .medium, version: 7, mask: 4, fingerprint: 0x0DC8_E76C_DA62_76E5),
        Reference(bytes: payload(2953), correction: .low, version: 40, mask: 1, fingerprint: 0x8E70_30F2_5953_46E8),
    ]

    @Test("Bit for bit the symbol, mask included, of a reference encoder", arguments: references)
    func matchesReference(_ reference: Reference) throws {
        let code = try QRCode.encode(reference.bytes, correction: reference.correction)
        #expect(code.version == reference.version)
        #expect(code.mask == reference.mask)
        // FNV-1a over the modules in row-major order, one byte (0 or 1) each.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for y in 0..<code.size {
            for x in 0..<code.size {
                hash = (hash ^ (code.isDark(x: x, y: y) ? 1 : 0)) &* 0x0000_0100_0000_01B3
            }
        }
        #expect(hash == reference.fingerprint)
    }

    @Test("\"HELLO WORLD!!!\" at M, row by row, as the reference encoder draws it")
    func smallSymbol() throws {
        let rows = [
            "111111101110101111111", "100000101000001000001", "101110100001101011101", "101110101101001011101",
            "101110100001001011101", "100000100010001000001", "111111101010101111111", "000000001000000000000",
            "101101110110001001011", "000100010100011101100", "010001101101010100011", "111101011001000101010",
            "011011100100110000101", "000000001001101100101", "111111101010011110000", "100000101001110101101",
            "101110100001001001010", "101110101110101001110", "101110101110100100100", "100000100111011110001",
            "111111101011010100000",
        ]
        let code = try QRCode.encode(text: "HELLO WORLD!!!")
        let drawn = (0..<code.size).map { y in String((0..<code.size).map { code.isDark(x: $0, y: y) ? "1" : "0" }) }
        #expect(drawn == rows)
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
