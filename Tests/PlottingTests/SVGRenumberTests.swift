import Testing

@testable import CairoBackend

@Test func svgSurfaceIDsAreRenumberedInOrderOfFirstAppearance() {
    let input = ##"<g id="surface12"><use xlink:href="#surface7"/><use xlink:href="#surface12"/> surfaces surface"##
    let expected = ##"<g id="surface1"><use xlink:href="#surface2"/><use xlink:href="#surface1"/> surfaces surface"##
    #expect(String(decoding: CairoRenderer.renumberSurfaceIDs(Array(input.utf8)), as: UTF8.self) == expected)
    #expect(CairoRenderer.renumberSurfaceIDs([]) == [])
    #expect(CairoRenderer.renumberSurfaceIDs(Array("surface9".utf8)) == Array("surface1".utf8))
}
