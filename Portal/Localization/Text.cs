namespace Portal.Localization;

/// <summary>The portal's texts, in Text.resx (English) and Text.fr.resx (French).</summary>
public sealed class Text;
