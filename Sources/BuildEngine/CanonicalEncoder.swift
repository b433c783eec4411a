/// The canonical bytes of an `Encodable` value, for step keys: equal values give equal bytes, and
/// any change of any field changes them.
///
/// The form is a tagged binary tree, not JSON: doubles are written as their IEEE-754 bits (so
/// `0.1` and the next double differ, and no decimal printing is involved), strings with their
/// byte length, keyed containers (structs and dictionaries alike) with their entries sorted by
/// the key's UTF-8 bytes, so that a `Dictionary`'s iteration order never reaches a key. `[Double]`
/// takes a fast path (the tag, the count and the bits), since run data is most of a fit's input.
public enum CanonicalEncoding {
    /// The value's canonical bytes.
    public static func bytes<Value: Encodable>(of value: Value) throws -> [UInt8] {
        let root = CanonicalNode.Box()
        try CanonicalNodeEncoder(box: root).encodeValue(value)
        var out: [UInt8] = []
        root.node.write(into: &out)
        return out
    }

    /// SHA-256 of the value's canonical bytes, as hex.
    public static func digest<Value: Encodable>(of value: Value) throws -> String {
        SHA256.hex(try bytes(of: value))
    }
}

/// The tree an encoding builds before it is written out.
enum CanonicalNode {
    case absent
    case null
    case bool(Bool)
    case string(String)
    case double(Double)
    case signed(Int64)
    case unsigned(UInt64)
    case doubles([Double])
    case keyed([(String, Box)])
    case unkeyed([Box])

    /// A slot a container fills in later (nested containers and super encoders).
    final class Box {
        var node: CanonicalNode = .absent
    }

    private enum Tag: UInt8 {
        case null = 0, bool, string, double, signed, unsigned, doubles, keyed, unkeyed
    }

    func write(into out: inout [UInt8]) {
        func count(_ n: Int) { Self.append(UInt64(n), to: &out) }
        switch self {
        case .absent, .null: out.append(Tag.null.rawValue)
        case .bool(let b):
            out.append(Tag.bool.rawValue)
            out.append(b ? 1 : 0)
        case .string(let s):
            out.append(Tag.string.rawValue)
            count(s.utf8.count)
            out.append(contentsOf: s.utf8)
        case .double(let x):
            out.append(Tag.double.rawValue)
            Self.append(x.bitPattern, to: &out)
        case .signed(let i):
            out.append(Tag.signed.rawValue)
            Self.append(UInt64(bitPattern: i), to: &out)
        case .unsigned(let u):
            out.append(Tag.unsigned.rawValue)
            Self.append(u, to: &out)
        case .doubles(let xs):
            out.append(Tag.doubles.rawValue)
            count(xs.count)
            out.reserveCapacity(out.count + 8 * xs.count)
            for x in xs { Self.append(x.bitPattern, to: &out) }
        case .keyed(let entries):
            out.append(Tag.keyed.rawValue)
            // Later entries for the same key replace earlier ones, as in a keyed container.
            var latest: [String: CanonicalNode] = [:]
            for (key, box) in entries { latest[key] = box.node }
            let keys = latest.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            count(keys.count)
            for key in keys {
                count(key.utf8.count)
                out.append(contentsOf: key.utf8)
                latest[key, default: .absent].write(into: &out)
            }
        case .unkeyed(let items):
            out.append(Tag.unkeyed.rawValue)
            count(items.count)
            for item in items { item.node.write(into: &out) }
        }
    }

    private static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
    }
}

private struct CanonicalCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

private struct CanonicalNodeEncoder: Encoder {
    let box: CanonicalNode.Box
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func encodeValue<T: Encodable>(_ value: T) throws {
        if let xs = value as? [Double] {
            box.node = .doubles(xs)
        } else if let x = value as? Double {
            box.node = .double(x)
        } else if let s = value as? String {
            box.node = .string(s)
        } else {
            try value.encode(to: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let storage = KeyedStorage()
        if case .keyed(let existing) = box.node { storage.entries = existing }
        storage.owner = box
        box.node = .keyed(storage.entries)
        return KeyedEncodingContainer(KeyedContainer<Key>(storage: storage, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let storage = UnkeyedStorage()
        storage.owner = box
        box.node = .unkeyed([])
        return UnkeyedContainer(storage: storage, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(box: box, codingPath: codingPath)
    }
}

/// Entries of a keyed container; every change is written back to the owning box.
private final class KeyedStorage {
    var entries: [(String, CanonicalNode.Box)] = []
    var owner: CanonicalNode.Box?

    func add(_ key: String) -> CanonicalNode.Box {
        let box = CanonicalNode.Box()
        // Release the owner's copy first so the append happens in place: otherwise every append
        // copies the array, and encoding n runs costs O(n²).
        owner?.node = .null
        entries.append((key, box))
        owner?.node = .keyed(entries)
        return box
    }
}

private final class UnkeyedStorage {
    var items: [CanonicalNode.Box] = []
    var owner: CanonicalNode.Box?

    func add() -> CanonicalNode.Box {
        let box = CanonicalNode.Box()
        owner?.node = .null  // as in `KeyedStorage.add`: keeps the append in place
        items.append(box)
        owner?.node = .unkeyed(items)
        return box
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: KeyedStorage
    var codingPath: [any CodingKey]

    func encoder(for key: Key) -> CanonicalNodeEncoder {
        CanonicalNodeEncoder(box: storage.add(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws { storage.add(key.stringValue).node = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { storage.add(key.stringValue).node = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { storage.add(key.stringValue).node = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { storage.add(key.stringValue).node = .double(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { storage.add(key.stringValue).node = .double(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { storage.add(key.stringValue).node = .signed(Int64(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { storage.add(key.stringValue).node = .signed(Int64(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { storage.add(key.stringValue).node = .signed(Int64(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { storage.add(key.stringValue).node = .signed(Int64(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { storage.add(key.stringValue).node = .signed(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { storage.add(key.stringValue).node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { storage.add(key.stringValue).node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { storage.add(key.stringValue).node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { storage.add(key.stringValue).node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { storage.add(key.stringValue).node = .unsigned(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder(for: key).encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<
        NestedKey
    > {
        encoder(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { encoder(for: key).unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { CanonicalNodeEncoder(box: storage.add("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder(for: key) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let storage: UnkeyedStorage
    var codingPath: [any CodingKey]
    var count: Int { storage.items.count }

    func encoder() -> CanonicalNodeEncoder {
        CanonicalNodeEncoder(box: storage.add(), codingPath: codingPath + [CanonicalCodingKey(intValue: storage.items.count)])
    }

    mutating func encodeNil() throws { storage.add().node = .null }
    mutating func encode(_ value: Bool) throws { storage.add().node = .bool(value) }
    mutating func encode(_ value: String) throws { storage.add().node = .string(value) }
    mutating func encode(_ value: Double) throws { storage.add().node = .double(value) }
    mutating func encode(_ value: Float) throws { storage.add().node = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { storage.add().node = .signed(Int64(value)) }
    mutating func encode(_ value: Int8) throws { storage.add().node = .signed(Int64(value)) }
    mutating func encode(_ value: Int16) throws { storage.add().node = .signed(Int64(value)) }
    mutating func encode(_ value: Int32) throws { storage.add().node = .signed(Int64(value)) }
    mutating func encode(_ value: Int64) throws { storage.add().node = .signed(value) }
    mutating func encode(_ value: UInt) throws { storage.add().node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { storage.add().node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { storage.add().node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { storage.add().node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { storage.add().node = .unsigned(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder().encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { encoder() }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let box: CanonicalNode.Box
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.node = .null }
    mutating func encode(_ value: Bool) throws { box.node = .bool(value) }
    mutating func encode(_ value: String) throws { box.node = .string(value) }
    mutating func encode(_ value: Double) throws { box.node = .double(value) }
    mutating func encode(_ value: Float) throws { box.node = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { box.node = .signed(Int64(value)) }
    mutating func encode(_ value: Int8) throws { box.node = .signed(Int64(value)) }
    mutating func encode(_ value: Int16) throws { box.node = .signed(Int64(value)) }
    mutating func encode(_ value: Int32) throws { box.node = .signed(Int64(value)) }
    mutating func encode(_ value: Int64) throws { box.node = .signed(value) }
    mutating func encode(_ value: UInt) throws { box.node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { box.node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { box.node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { box.node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { box.node = .unsigned(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try CanonicalNodeEncoder(box: box, codingPath: codingPath).encodeValue(value) }
}
