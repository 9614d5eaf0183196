using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>Portal's look, in the firm's primary colour when it has set one.</summary>
public static class PortalTheme
{
    public const string DefaultPrimary = "#1E4E8C";

    public static MudTheme Create(string? primaryColor) => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = primaryColor ?? DefaultPrimary,
            AppbarBackground = primaryColor ?? DefaultPrimary,
            Background = "#F6F7FB",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}
