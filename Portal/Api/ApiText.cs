namespace Portal.Api;

/// <summary>The API keys page's labels, in ApiText.resx (English) and ApiText.fr.resx (French).</summary>
public sealed class ApiText;
