import Foundation

// QR Code Model 2 encoder following ISO/IEC 18004 (2015 edition) (byte mode, versions 1–40, levels L/M/Q/H).

/// A QR Code symbol: a square grid of dark and light modules, without the quiet zone.
///
/// Used to show a TOTP enrolment URI as an inline SVG. Only byte mode is encoded; the smallest
/// version that holds the data at the requested error-correction level is chosen, and of the eight
/// masks the one with the lowest penalty score.
public struct QRCode: Sendable {
    /// Error-correction level: roughly 7, 15, 25 and 30 % of the codewords can be restored.
    public enum Correction: Sendable, CaseIterable {
        case low, medium, quartile, high

        /// Row in the block tables below.
        fileprivate var tableIndex: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .quartile: 2
            case .high: 3
            }
        }

        /// The two bits of this level in the format information (the standard's order is L=01, M=00, Q=11, H=10).
        var formatBits: Int {
            switch self {
            case .low: 1
            case .medium: 0
            case .quartile: 3
            case .high: 2
            }
        }
    }

    public enum Error: Swift.Error, Equatable, Sendable {
        /// The data does not fit a version 40 symbol at the requested error-correction level.
        case tooLong
    }

    /// Version 1–40; the symbol is `4 * version + 17` modules wide.
    public let version: Int
    public let correction: Correction
    /// The mask pattern (0–7) applied to the data modules.
    public let mask: Int
    /// Width and height in modules.
    public let size: Int
    /// Row-major, `true` is dark.
    private let modules: [Bool]

    /// Whether the module at column `x`, row `y` is dark; coordinates outside the symbol are light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    // MARK: Encoding

    /// Encodes the UTF-8 bytes of `text`.
    public static func encode(text: String, correction: Correction = .medium) throws(Error) -> QRCode {
        try encode(Array(text.utf8), correction: correction)
    }

    /// Encodes `bytes` in byte mode in the smallest version that fits.
    public static func encode(_ bytes: [UInt8], correction: Correction = .medium) throws(Error) -> QRCode {
        let fitting = (1...40).first { version in
            4 + characterCountBits(version) + 8 * bytes.count <= 8 * dataCodewordCount(version, correction)
        }
        guard let version = fitting else { throw .tooLong }

        let data = dataCodewords(bytes, version: version, correction: correction)
        var matrix = SymbolMatrix(version: version)
        matrix.drawFunctionPatterns()
        matrix.drawCodewords(interleavedWithErrorCorrection(data, version: version, correction: correction))

        // Try every mask; applying a mask twice undoes it.
        var bestMask = 0
        var bestPenalty = Int.max
        for mask in 0..<8 {
            matrix.applyMask(mask)
            matrix.drawFormatBits(correction, mask: mask)
            let penalty = matrix.penalty()
            if penalty < bestPenalty {
                bestMask = mask
                bestPenalty = penalty
            }
            matrix.applyMask(mask)
        }
        matrix.applyMask(bestMask)
        matrix.drawFormatBits(correction, mask: bestMask)
        return QRCode(version: version, correction: correction, mask: bestMask, size: matrix.size, modules: matrix.dark)
    }

    /// Mode indicator, character count, data, terminator and padding, as codewords of the version's capacity.
    static func dataCodewords(_ bytes: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let capacityBits = 8 * dataCodewordCount(version, correction)
        var bits: [Bool] = []
        func append(_ value: Int, count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, count: 4)  // byte mode
        append(bytes.count, count: characterCountBits(version))
        for byte in bytes { append(Int(byte), count: 8) }
        append(0, count: min(4, capacityBits - bits.count))  // terminator
        append(0, count: (8 - bits.count % 8) % 8)

        var codewords: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count < capacityBits / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into blocks, appends each block's Reed–Solomon codewords and interleaves them.
    static func interleavedWithErrorCorrection(_ data: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let blockCount = errorCorrectionBlocks[correction.tableIndex][version]
        let eccLength = eccCodewordsPerBlock[correction.tableIndex][version]
        let rawCodewords = rawDataModules(version) / 8
        let shortBlockCount = blockCount - rawCodewords % blockCount
        let shortBlockLength = rawCodewords / blockCount  // data plus ECC of a short block
        let generator = reedSolomonGenerator(degree: eccLength)

        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for block in 0..<blockCount {
            let length = shortBlockLength - eccLength + (block < shortBlockCount ? 0 : 1)
            let slice = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(slice)
            eccBlocks.append(reedSolomonRemainder(slice, generator: generator))
        }

        // Data codewords column by column (long blocks have one more), then the ECC codewords.
        var result: [UInt8] = []
        result.reserveCapacity(rawCodewords)
        for column in 0..<(shortBlockLength - eccLength + 1) {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<eccLength {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }

    // MARK: Reed–Solomon over GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D)

    /// Product of two field elements.
    static func gfMultiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var product = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            if (y >> UInt8(bit)) & 1 == 1 { product ^= Int(x) }
        }
        return UInt8(product)
    }

    /// Coefficients of the generator polynomial (x − α^0)(x − α^1)…(x − α^(degree−1)), highest power
    /// first, without the leading 1.
    static func reedSolomonGenerator(degree: Int) -> [UInt8] {
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                coefficients[index] = gfMultiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = gfMultiply(root, 0x02)
        }
        return coefficients
    }

    /// The error-correction codewords: the remainder of data(x)·x^degree divided by the generator.
    static func reedSolomonRemainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder.removeFirst()
            remainder.append(0)
            for index in remainder.indices { remainder[index] ^= gfMultiply(generator[index], factor) }
        }
        return remainder
    }

    // MARK: Capacity tables

    /// Bits of the character count indicator in byte mode.
    static func characterCountBits(_ version: Int) -> Int { version < 10 ? 8 : 16 }

    /// Modules left for codewords (data and ECC, with remainder bits) after the function patterns.
    static func rawDataModules(_ version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignmentCount = version / 7 + 2
            modules -= (25 * alignmentCount - 10) * alignmentCount - 55
            if version >= 7 { modules -= 36 }
        }
        return modules
    }

    /// Data codewords (without ECC) of a version at a level.
    static func dataCodewordCount(_ version: Int, _ correction: Correction) -> Int {
        let row = correction.tableIndex
        return rawDataModules(version) / 8 - eccCodewordsPerBlock[row][version] * errorCorrectionBlocks[row][version]
    }

    /// ISO/IEC 18004 table 9, indexed [level L/M/Q/H][version]; index 0 is unused.
    private static let eccCodewordsPerBlock: [[Int]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    private static let errorCorrectionBlocks: [[Int]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    // MARK: SVG

    /// A compact SVG of the symbol with a light quiet zone, safe to embed inline in HTML.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String) -> String {
        let extent = size + 2 * quietZone
        let pixels = extent * moduleSize
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size, isDark(x: x, y: y) { x += 1 }
                let run = x - start
                path += "M\(start + quietZone) \(y + quietZone)h\(run)v1h-\(run)z"
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(extent) \(extent)\" width=\"\(pixels)\" height=\"\(pixels)\""
            + " role=\"img\" shape-rendering=\"crispEdges\"><title>\(Self.xmlEscaped(title))</title>"
            + "<rect width=\"\(extent)\" height=\"\(extent)\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
    }

    static func xmlEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

/// The symbol while it is being drawn: modules plus which of them belong to function patterns.
private struct SymbolMatrix {
    let version: Int
    let size: Int
    var dark: [Bool]
    var isFunction: [Bool]

    init(version: Int) {
        self.version = version
        size = 4 * version + 17
        dark = [Bool](repeating: false, count: size * size)
        isFunction = dark
    }

    subscript(x: Int, y: Int) -> Bool { dark[y * size + x] }

    mutating func setFunction(_ x: Int, _ y: Int, _ isDark: Bool) {
        dark[y * size + x] = isDark
        isFunction[y * size + x] = true
    }

    mutating func drawFunctionPatterns() {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
        // Finder patterns with their light separators.
        for (centerX, centerY) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(centerX + dx) && (0..<size).contains(centerY + dy) {
                    let ring = max(abs(dx), abs(dy))
                    setFunction(centerX + dx, centerY + dy, ring != 2 && ring != 4)
                }
            }
        }
        // Alignment patterns, except where they would overlap a finder.
        let centers = alignmentCenters()
        for (i, centerX) in centers.enumerated() {
            for (j, centerY) in centers.enumerated() {
                let last = centers.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(centerX + dx, centerY + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(.medium, mask: 0)  // reserves the area; redrawn once the mask is chosen
        drawVersionBits()
    }

    /// Row/column coordinates of the alignment pattern centres (ISO/IEC 18004 annex E).
    func alignmentCenters() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        return [6] + (0..<count - 1).map { size - 7 - $0 * step }.reversed()
    }

    /// 15 format bits: level and mask, a BCH(15,5) remainder, XORed with 0x5412; two copies plus the dark module.
    mutating func drawFormatBits(_ correction: QRCode.Correction, mask: Int) {
        let data = correction.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }

        for i in 0...5 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }

        for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
        setFunction(8, size - 8, true)
    }

    /// 18 version bits for versions 7 and up: the version and a BCH(18,6) remainder, in two 6×3 blocks.
    mutating func drawVersionBits() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for i in 0..<18 {
            let isDark = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3
            let b = i / 3
            setFunction(a, b, isDark)
            setFunction(b, a, isDark)
        }
    }

    /// Places the codewords in the zigzag order: two-module columns from the right, alternately up and down.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }  // skip the vertical timing pattern
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                let y = upward ? size - 1 - vertical : vertical
                for x in [right, right - 1] where !isFunction[y * size + x] && bitIndex < codewords.count * 8 {
                    dark[y * size + x] = (codewords[bitIndex >> 3] >> (7 - UInt8(bitIndex & 7))) & 1 == 1
                    bitIndex += 1
                }
                // Remainder bits, if any, stay light.
            }
            right -= 2
        }
    }

    /// XORs the data modules with mask pattern `mask`.
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let invert = switch mask {
                case 0: (x + y) % 2 == 0
                case 1: y % 2 == 0
                case 2: x % 3 == 0
                case 3: (x + y) % 3 == 0
                case 4: (x / 3 + y / 2) % 2 == 0
                case 5: x * y % 2 + x * y % 3 == 0
                case 6: (x * y % 2 + x * y % 3) % 2 == 0
                default: ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { dark[y * size + x].toggle() }
            }
        }
    }

    /// The standard's penalty score (rules N1–N4); lower is better.
    func penalty() -> Int {
        var score = 0
        let rows = (0..<size).map { y in (0..<size).map { x in self[x, y] } }
        let columns = (0..<size).map { x in (0..<size).map { y in self[x, y] } }
        let finderLike: [Bool] = [true, false, true, true, true, false, true]
        for line in rows + columns {
            // N1: runs of five or more modules of one colour.
            var runLength = 1
            for i in 1...line.count {
                if i < line.count && line[i] == line[i - 1] {
                    runLength += 1
                } else {
                    if runLength >= 5 { score += runLength - 2 }
                    runLength = 1
                }
            }
            // N3: 1:1:3:1:1 finder-like patterns with four light modules on either side (outside counts as light).
            func isLight(_ range: Range<Int>) -> Bool {
                range.clamped(to: 0..<line.count).allSatisfy { !line[$0] }
            }
            for start in 0...(line.count - 7) where line[start..<start + 7].elementsEqual(finderLike) {
                if isLight(start - 4..<start) || isLight(start + 7..<start + 11) { score += 40 }
            }
        }
        // N2: 2×2 blocks of one colour.
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let color = self[x, y]
                if color == self[x + 1, y] && color == self[x, y + 1] && color == self[x + 1, y + 1] { score += 3 }
            }
        }
        // N4: 10 points per 5 % that the dark share deviates from 50 %.
        let total = size * size
        let darkCount = dark.count(where: { $0 })
        score += abs(darkCount * 20 - total * 10) / total * 10
        return score
    }
}
