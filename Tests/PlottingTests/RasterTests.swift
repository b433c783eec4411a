import CairoBackend
import Foundation
import Plotting
import Testing

/// A figure's PDF, rasterised by poppler, and its PNG, rasterised by cairo, must look alike: the
/// same size and nearly the same grey levels everywhere (antialiasing differs slightly).
@Test(arguments: ["contours", "panels"])
func pdfAndPNGOfAFigureAgree(_ which: String) throws {
    let measurer = PangoTextMeasurer()
    let spec: FigureSpec
    if which == "contours" {
        let grid = ContourGrid(xs: (0...40).map { Double($0) / 10 }, ys: (0...40).map { Double($0) / 10 }) { x, y in
            (x - 2) * (x - 2) + (y - 2) * (y - 2)
        }
        spec = FigureSpec(
            width: 300, height: 220,
            panels: [
                ChartSpec(
                    title: "Contours", xAxis: AxisSpec(label: "x"), yAxis: AxisSpec(label: "y"),
                    layers: [
                        .contours(
                            grid: grid, levels: [0.5, 1, 2, 3], colormap: .viridis, norm: ColorNorm(min: 0, max: 3), labelled: true,
                            width: 1.2)
                    ])
            ])
    } else {
        let xs = (1...20).map { pow(10, 17 + Double($0) / 4) }
        spec = FigureSpec(
            width: 420, height: 170,
            panels: [
                ChartSpec(
                    xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen),
                    yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount),
                    layers: [
                        .markers(
                            points: xs.map { Point($0, 1e-2 * pow($0, 0.5)) }, shape: .circle, size: 4, fill: .black, edge: nil,
                            label: "runs")
                    ]),
                ChartSpec(
                    xAxis: AxisSpec(label: "α"), yAxis: AxisSpec(label: "β"),
                    layers: [
                        .line(
                            points: [Point(0, 0), Point(1, 1)], color: Color(hex: 0xD62728), width: 1.5, dash: Dash.dashed,
                            label: "fit ± 1σ")
                    ]),
            ])
    }
    let drawing = FigureRenderer(measurer: measurer).render(spec)
    let renderer = CairoRenderer()
    let pdf = try renderer.render(drawing, as: .pdf)
    let png = try renderer.render(drawing, as: .png(dpi: 144))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("raster-\(which)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data(pdf).write(to: folder.appendingPathComponent("f.pdf"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "pdftoppm", "-r", "144", "-gray", "-singlefile", folder.appendingPathComponent("f.pdf").path,
        folder.appendingPathComponent("f").path,
    ]
    do { try process.run() } catch { return }  // poppler-utils not installed: nothing to compare with
    process.waitUntilExit()
    guard process.terminationStatus == 0, let pgmData = FileManager.default.contents(atPath: folder.appendingPathComponent("f.pgm").path)
    else { return }
    let poppler = try #require(GrayImage.pgm([UInt8](pgmData)))
    let cairo = try #require(GrayImage.png(png))
    #expect(abs(poppler.width - cairo.width) <= 1 && abs(poppler.height - cairo.height) <= 1)
    let w = min(poppler.width, cairo.width), h = min(poppler.height, cairo.height)
    var total = 0.0
    var inked = 0
    for y in 0..<h {
        for x in 0..<w {
            let a = Int(poppler.pixels[y * poppler.width + x]), b = Int(cairo.pixels[y * cairo.width + x])
            total += Double(abs(a - b))
            if b < 200 { inked += 1 }
        }
    }
    let meanDifference = total / Double(w * h)
    #expect(inked > w * h / 200, "the PNG is nearly blank")
    #expect(meanDifference < 4, "mean grey-level difference \(meanDifference)")
}
