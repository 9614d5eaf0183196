using Portal.Components.Layout;

namespace Portal.Tests.Components;

/// <summary>Whatever colour a firm picks, white text on it and it as text on the page read at WCAG AA contrast.</summary>
public sealed class PortalThemeTests
{
    private const string PageBackground = "#F6F7FB";

    [Theory]
    [InlineData("#FFD54F")] // a pale yellow
    [InlineData("#00C853")] // MudBlazor's bright green
    [InlineData("#90CAF9")] // a light blue
    [InlineData("#FFFFFF")]
    public void A_pale_brand_colour_is_darkened_until_text_on_it_reads(string brand)
    {
        var primary = PortalTheme.Readable(brand);

        PortalTheme.Contrast(primary, "#FFFFFF").ShouldBeGreaterThanOrEqualTo(4.5);
        PortalTheme.Contrast(primary, PageBackground).ShouldBeGreaterThanOrEqualTo(4.5);
        primary.ShouldNotBe(brand);
    }

    [Theory]
    [InlineData("#2E5E4E")]
    [InlineData(PortalTheme.DefaultPrimary)]
    public void A_dark_brand_colour_is_kept_as_the_firm_chose_it(string brand) =>
        PortalTheme.Readable(brand).ShouldBe(brand);

    [Fact]
    public void Every_colour_that_carries_text_in_the_theme_reads_on_white_and_on_the_page()
    {
        var palette = PortalTheme.Create(null).PaletteLight;
        foreach (var color in new[] { palette.Primary, palette.Secondary, palette.Tertiary, palette.Info, palette.Success, palette.Warning, palette.Error })
        {
            var hex = color.ToString(MudBlazor.Utilities.MudColorOutputFormats.Hex);
            PortalTheme.Contrast(hex, "#FFFFFF").ShouldBeGreaterThanOrEqualTo(4.5, hex);
            PortalTheme.Contrast(hex, PageBackground).ShouldBeGreaterThanOrEqualTo(4.5, hex);
        }
    }

    [Fact]
    public void A_colour_that_is_not_a_hex_colour_falls_back_to_the_default() =>
        PortalTheme.Readable("red").ShouldBe(PortalTheme.DefaultPrimary);
}
