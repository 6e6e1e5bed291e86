import Foundation

/// Reads what a ZIP file says it holds (the central directory's names), without unpacking it, to tell
/// an Office Open XML or OpenDocument text from any other ZIP renamed to `.docx` or `.odt`
/// (APPNOTE.TXT 6.3: end of central directory record 4.3.16, central directory header 4.3.12).
public enum ZipContainer {
    /// The entries' names, or nil when the central directory cannot be read. Needs only the file's
    /// last bytes (`tail`, the end of a file of `size` bytes): a document's central directory is a
    /// few kilobytes, so a large upload never has to be held whole.
    static func entryNames(tail data: Data, size: Int) -> [String]? {
        let bytes = [UInt8](data)
        let base = size - bytes.count   // the file offset of tail[0]
        // The end of central directory record: 22 bytes plus a comment of at most 65,535 bytes.
        let lowest = max(0, bytes.count - 22 - 65_535)
        var end = -1
        var position = bytes.count - 22
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4B, bytes[position + 2] == 0x05, bytes[position + 3] == 0x06 {
                end = position
                break
            }
            position -= 1
        }
        guard end >= 0 else { return nil }
        let count = Int(le16(bytes, end + 10))
        let length = Int(le32(bytes, end + 12))
        let offset = Int(le32(bytes, end + 16)) - base
        guard count > 0, count <= 10_000, offset >= 0, offset + length <= end else { return nil }
        var names: [String] = []
        var cursor = offset
        for _ in 0..<count {
            guard cursor + 46 <= end, le32(bytes, cursor) == 0x0201_4B50 else { return nil }
            let nameLength = Int(le16(bytes, cursor + 28))
            let extraLength = Int(le16(bytes, cursor + 30))
            let commentLength = Int(le16(bytes, cursor + 32))
            guard cursor + 46 + nameLength <= end else { return nil }
            names.append(String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        return names
    }

    /// The first local entry's name and its stored (uncompressed) content, as ODF requires of `mimetype`.
    static func firstStoredEntry(head data: Data) -> (name: String, content: String)? {
        let bytes = [UInt8](data.prefix(30 + 255 + 255))
        guard bytes.count >= 30, le32(bytes, 0) == 0x0403_4B50, le16(bytes, 8) == 0 else { return nil }
        let size = Int(le32(bytes, 18))
        let nameLength = Int(le16(bytes, 26))
        let extraLength = Int(le16(bytes, 28))
        let start = 30 + nameLength + extraLength
        guard size <= 200, start + size <= bytes.count else { return nil }
        return (String(decoding: bytes[30..<(30 + nameLength)], as: UTF8.self), String(decoding: bytes[start..<(start + size)], as: UTF8.self))
    }

    /// A Word document in Office Open XML (ECMA-376): `[Content_Types].xml` and the main part
    /// `word/document.xml`; no macros (`vbaProject.bin` makes it a .docm) and nothing executable.
    static func isWordDocument(tail: Data, size: Int) -> Bool {
        guard let names = entryNames(tail: tail, size: size) else { return false }
        return names.contains("[Content_Types].xml") && names.contains("word/document.xml") && !names.contains(where: isSuspicious)
    }

    /// An OpenDocument text (ODF 1.2 part 3, §3.3): the first entry is `mimetype`, stored, holding
    /// `application/vnd.oasis.opendocument.text`, with `content.xml`; nothing executable.
    static func isOpenDocumentText(head: Data, tail: Data, size: Int) -> Bool {
        guard let first = firstStoredEntry(head: head), first.name == "mimetype", first.content == "application/vnd.oasis.opendocument.text",
              let names = entryNames(tail: tail, size: size) else { return false }
        return names.contains("content.xml") && !names.contains(where: isSuspicious)
    }

    static func isSuspicious(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix("vbaproject.bin") || lower.hasPrefix("basic/")
            || [".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".js", ".vbs", ".ps1", ".msi", ".jar", ".sh", ".lnk"].contains(where: lower.hasSuffix)
    }

    private static func le16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        guard at + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at + 4 <= bytes.count else { return 0 }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
