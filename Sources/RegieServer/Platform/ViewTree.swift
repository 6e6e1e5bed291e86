import Mustache

/// A page's view model as the plain values Mustache reads without reflection: structs become
/// `[String: Any]`, arrays `[Any]`, and leaves `String`, `Bool`, `Int` or `Double`.
///
/// swift-mustache looks a name up in a value it does not know with `Mirror` — and a section's row
/// asks for names that live on the page (`content.canAssign`, `t.…`), so each row reflected over
/// every struct up the stack. A dictionary answers the same question with one hash look-up. The
/// view models stay typed structs: they are `Encodable`, and one encoding pass per page turns them
/// into the tree (the compiler writes the encoding, so no field can be forgotten). A `nil` optional
/// is left out, which Mustache treats exactly as it treated the reflected `nil`: as absent.
enum ViewTree {
    /// The tree of an encodable view model.
    static func make<Value: Encodable>(_ value: Value) throws -> Any {
        let node = Node()
        try value.encode(to: NodeEncoder(node: node, codingPath: []))
        return node.value ?? [String: Any]()
    }

    /// A view model written as a dictionary: its encodable values become trees too, and a `nil`
    /// is left out.
    static func make(_ dictionary: [String: Any]) throws -> Any {
        try dictionary.compactMapValues(plain)
    }

    private static func plain(_ value: Any) throws -> Any? {
        if let optional = value as? any OptionalValue {
            guard let wrapped = optional.wrapped else { return nil }
            return try plain(wrapped)
        }
        switch value {
        case is String, is Bool, is Int, is Double, is Catalogue.Node:
            return value
        case let dictionary as [String: Any]:
            return try dictionary.compactMapValues(plain)
        case let array as [Any]:
            return try array.compactMap(plain)
        case let encodable as any Encodable:
            return try make(encodable)
        default:
            return value
        }
    }

    /// The path of the first value in `value` that Mustache would read by reflection, or nil when
    /// there is none (checked on every page rendered in a debug build, so the tests, which render
    /// every page, keep it so).
    static func reflected(in value: Any, at path: String = "") -> String? {
        switch value {
        case is String, is Bool, is Int, is Double, is Catalogue.Node:
            return nil
        case let dictionary as [String: Any]:
            return dictionary.lazy.compactMap { reflected(in: $0.value, at: path + "." + $0.key) }.first
        case let array as [Any]:
            return array.lazy.compactMap { reflected(in: $0, at: path + "[]") }.first
        default:
            return path + ": " + String(describing: type(of: value))
        }
    }
}

/// An optional seen through `Any`.
private protocol OptionalValue { var wrapped: Any? { get } }
extension Optional: OptionalValue {
    fileprivate var wrapped: Any? { map { $0 as Any } }
}

// MARK: - The encoder

/// One value under construction: a scalar, an object or a list. Nested containers are nodes of
/// their own until `value` resolves them.
private final class Node {
    var scalar: Any?
    var object: [String: Any]?
    var list: [Any]?

    var value: Any? {
        if var object {
            for (key, member) in object {
                if let node = member as? Node { object[key] = node.value }
            }
            return object
        }
        if let list {
            var values: [Any] = []
            values.reserveCapacity(list.count)
            for member in list {
                if let node = member as? Node {
                    if let value = node.value { values.append(value) }
                } else {
                    values.append(member)
                }
            }
            return values
        }
        return scalar
    }

    /// The plain value of `value`, encoding it into a child node when it is not a leaf.
    static func leaf<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws -> Any {
        switch value {
        case let string as String: return string
        case let bool as Bool: return bool
        case let int as Int: return int
        case let double as Double: return double
        default:
            let node = Node()
            try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
            return node
        }
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.object == nil { node.object = [:] }
        return KeyedEncodingContainer(KeyedNode<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.list == nil { node.list = [] }
        return UnkeyedNode(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNode(node: node, codingPath: codingPath)
    }
}

private struct KeyedNode<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    private func put(_ value: Any, _ key: Key) { node.object![key.stringValue] = value }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(Double(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(Int(value), key) }
    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        put(try Node.leaf(value, codingPath: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = Node()
        put(child, key)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = Node()
        put(child, key)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = Node()
        put(child, key)
        return NodeEncoder(node: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedNode: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.list!.count }

    private func append(_ value: Any) { node.list!.append(value) }

    mutating func encodeNil() throws {}
    mutating func encode(_ value: Bool) throws { append(value) }
    mutating func encode(_ value: String) throws { append(value) }
    mutating func encode(_ value: Double) throws { append(value) }
    mutating func encode(_ value: Float) throws { append(Double(value)) }
    mutating func encode(_ value: Int) throws { append(value) }
    mutating func encode(_ value: Int8) throws { append(Int(value)) }
    mutating func encode(_ value: Int16) throws { append(Int(value)) }
    mutating func encode(_ value: Int32) throws { append(Int(value)) }
    mutating func encode(_ value: Int64) throws { append(Int(value)) }
    mutating func encode(_ value: UInt) throws { append(Int(value)) }
    mutating func encode(_ value: UInt8) throws { append(Int(value)) }
    mutating func encode(_ value: UInt16) throws { append(Int(value)) }
    mutating func encode(_ value: UInt32) throws { append(Int(value)) }
    mutating func encode(_ value: UInt64) throws { append(Int(value)) }
    mutating func encode<Value: Encodable>(_ value: Value) throws {
        append(try Node.leaf(value, codingPath: codingPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = Node()
        append(child)
        return NodeEncoder(node: child, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = Node()
        append(child)
        return NodeEncoder(node: child, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = Node()
        append(child)
        return NodeEncoder(node: child, codingPath: codingPath)
    }
}

private struct SingleNode: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {}
    mutating func encode(_ value: Bool) throws { node.scalar = value }
    mutating func encode(_ value: String) throws { node.scalar = value }
    mutating func encode(_ value: Double) throws { node.scalar = value }
    mutating func encode(_ value: Float) throws { node.scalar = Double(value) }
    mutating func encode(_ value: Int) throws { node.scalar = value }
    mutating func encode(_ value: Int8) throws { node.scalar = Int(value) }
    mutating func encode(_ value: Int16) throws { node.scalar = Int(value) }
    mutating func encode(_ value: Int32) throws { node.scalar = Int(value) }
    mutating func encode(_ value: Int64) throws { node.scalar = Int(value) }
    mutating func encode(_ value: UInt) throws { node.scalar = Int(value) }
    mutating func encode(_ value: UInt8) throws { node.scalar = Int(value) }
    mutating func encode(_ value: UInt16) throws { node.scalar = Int(value) }
    mutating func encode(_ value: UInt32) throws { node.scalar = Int(value) }
    mutating func encode(_ value: UInt64) throws { node.scalar = Int(value) }
    mutating func encode<Value: Encodable>(_ value: Value) throws {
        let leaf = try Node.leaf(value, codingPath: codingPath)
        if let child = leaf as? Node { node.scalar = child.value } else { node.scalar = leaf }
    }
}
