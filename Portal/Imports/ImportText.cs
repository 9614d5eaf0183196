namespace Portal.Imports;

/// <summary>The import page's labels, in ImportText.resx (English) and ImportText.fr.resx (French).</summary>
public sealed class ImportText;
