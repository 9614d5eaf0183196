using System.Globalization;
using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>
/// Portal's look, in the firm's primary colour when it has set one. Every colour that carries text (buttons, chips,
/// links, alerts, secondary text) reaches WCAG AA contrast, 4.5:1, against white and the page background: MudBlazor's
/// defaults (a bright green, orange and red, grey text at 54 %) do not, and a firm may pick any brand colour.
/// </summary>
public static class PortalTheme
{
    public const string DefaultPrimary = "#1E4E8C";

    private const string Background = "#F6F7FB";

    /// <summary>Text on white and on the page background needs 4.5:1 (WCAG 1.4.3); a little above, for rounding.</summary>
    private const double MinimumContrast = 4.6;

    public static MudTheme Create(string? primaryColor)
    {
        var primary = Readable(primaryColor ?? DefaultPrimary);
        return new()
        {
            PaletteLight = new PaletteLight
            {
                Primary = primary,
                AppbarBackground = primary,
                Background = Background,
                Secondary = "#8E244D",
                Tertiary = "#00695C",
                Info = "#0B5CAD",
                Success = "#1B6E20",
                Warning = "#8A4B00",
                Error = "#B3261E",
                Dark = "#2B2B2B",
                TextPrimary = "rgba(0,0,0,0.87)",
                // 0.54 black on the page background is 4.3:1; 0.64 is above 5.5:1.
                TextSecondary = "rgba(0,0,0,0.64)",
                ActionDefault = "rgba(0,0,0,0.64)",
                DrawerIcon = "rgba(0,0,0,0.64)",
                TableLines = "#E0E0E0",
            },
            LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
        };
    }

    /// <summary>
    /// The firm's colour, darkened step by step until white text on it and it on the page background both read:
    /// a pale brand colour still shows its hue, and the app bar, buttons and links stay legible.
    /// </summary>
    public static string Readable(string color)
    {
        if (!TryParse(color, out var r, out var g, out var b))
            return DefaultPrimary;
        for (var step = 0; step < 40 && Contrast(r, g, b, Background) < MinimumContrast; step++)
            (r, g, b) = ((int)(r * 0.93), (int)(g * 0.93), (int)(b * 0.93));
        return $"#{r:X2}{g:X2}{b:X2}";
    }

    /// <summary>The contrast ratio between a colour and another given as #RRGGBB (WCAG 2 definition).</summary>
    public static double Contrast(string first, string second) =>
        TryParse(first, out var r, out var g, out var b) ? Contrast(r, g, b, second) : 1;

    private static double Contrast(int r, int g, int b, string other)
    {
        TryParse(other, out var r2, out var g2, out var b2);
        var (l1, l2) = (Luminance(r, g, b), Luminance(r2, g2, b2));
        return (Math.Max(l1, l2) + 0.05) / (Math.Min(l1, l2) + 0.05);
    }

    private static double Luminance(int r, int g, int b) => 0.2126 * Linear(r) + 0.7152 * Linear(g) + 0.0722 * Linear(b);

    private static double Linear(int channel)
    {
        var c = channel / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }

    private static bool TryParse(string color, out int r, out int g, out int b)
    {
        (r, g, b) = (0, 0, 0);
        if (color is not { Length: 7 } || color[0] != '#'
            || !int.TryParse(color.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb))
            return false;
        (r, g, b) = ((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
        return true;
    }
}
