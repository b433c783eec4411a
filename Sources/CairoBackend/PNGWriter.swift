import CZlib

/// Writes opaque RGB images as PNG (8 bits per channel, no alpha: pages and figures are drawn
/// on white). Rows use the "Up" filter and zlib level 3, which compresses plots (large flat
/// areas, thin lines) nearly as well as libpng's default at a fraction of its time. Output is a
/// pure function of the pixels, so it is byte-identical from run to run.
enum PNGWriter {
    /// `pixels` holds cairo RGB24 data: 32 bits per pixel, native-endian 0x00RRGGBB, `stride`
    /// bytes per row. `dpi` is recorded in a pHYs chunk (as pixels per metre, the only unit PNG
    /// knows) so that a 200 dpi figure imports at its size in points.
    static func encode(width: Int, height: Int, stride: Int, pixels: UnsafePointer<UInt8>, dpi: Double, level: Int32 = 3) -> [UInt8]? {
        let rowBytes = 3 * width
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        raw.withUnsafeMutableBufferPointer { out in
            // Each byte minus the byte above it ("Up"), read straight from cairo's rows; the row
            // above the first is zero.
            for y in 0..<height {
                let row = UnsafeRawPointer(pixels + y * stride).assumingMemoryBound(to: UInt32.self)
                let above = y > 0 ? UnsafeRawPointer(pixels + (y - 1) * stride).assumingMemoryBound(to: UInt32.self) : nil
                let base = y * (rowBytes + 1)
                out[base] = 2  // filter type Up
                var o = base + 1
                for x in 0..<width {
                    let p = row[x]
                    let q = above?[x] ?? 0
                    out[o] = UInt8(truncatingIfNeeded: p >> 16) &- UInt8(truncatingIfNeeded: q >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: p >> 8) &- UInt8(truncatingIfNeeded: q >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: p) &- UInt8(truncatingIfNeeded: q)
                    o += 3
                }
            }
        }
        var compressedLength = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
        let status = compressed.withUnsafeMutableBufferPointer { dest in
            raw.withUnsafeBufferPointer { src in
                compress2(dest.baseAddress, &compressedLength, src.baseAddress, uLong(src.count), level)
            }
        }
        guard status == Z_OK else { return nil }
        compressed.removeSubrange(Int(compressedLength)...)

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ data: [UInt8]) {
            let typeBytes = Array(type.utf8)
            png += be32(UInt32(data.count))
            png += typeBytes
            png += data
            var crc = crc32(0, nil, 0)
            crc = typeBytes.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
            crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
            png += be32(UInt32(crc))
        }
        // IHDR: width, height, bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
        chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        // pHYs: pixels per metre in x and y, unit 1 (metre); 200 dpi is 7874 px/m (1 in = 0.0254 m).
        let pixelsPerMetre = UInt32(max(1, (dpi / 0.0254).rounded()))
        chunk("pHYs", be32(pixelsPerMetre) + be32(pixelsPerMetre) + [1])
        chunk("IDAT", compressed)
        chunk("IEND", [])
        return png
    }
}
