import Plotting

/// A unit of content to place on pages. Text is Pango markup.
public enum Block: Sendable, Equatable {
    case title(title: String, authors: String, date: String, abstract: String?)
    /// A numbered heading; `number` is "1", "2.3" or empty for unnumbered ones.
    case heading(level: Int, number: String, markup: String, anchor: String)
    case paragraph(markup: String)
    /// A figure: its drawing scaled to fit the text width and the caption set below it.
    case figure(drawing: DisplayList, caption: String, anchor: String)
}

/// Page geometry and fonts, in points.
public struct PageStyle: Sendable, Equatable {
    public var width: Double = 595.276  // A4
    public var height: Double = 841.89
    public var marginTop: Double = 72
    public var marginBottom: Double = 72
    public var marginInner: Double = 72
    public var marginOuter: Double = 72
    public var bodyFont = FontSpec(family: "DejaVu Serif", size: 10)
    public var headingFamily = "DejaVu Sans"
    public var lineSpacing: Double = 2
    public var paragraphSpacing: Double = 6
    public var runningHeader: String = ""

    public init() {}

    public var textWidth: Double { width - marginInner - marginOuter }
    public var textHeight: Double { height - marginTop - marginBottom }

    public static let a4 = PageStyle()
    public static var letter: PageStyle {
        var s = PageStyle()
        s.width = 612
        s.height = 792
        return s
    }
}

/// A laid-out page.
public struct Page: Sendable, Equatable {
    public var drawing: DisplayList
    /// The anchors placed on this page (for the outline and for tests).
    public var anchors: [String]
}
