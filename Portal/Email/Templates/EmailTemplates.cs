using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Domain;
using Portal.Localization;

namespace Portal.Email.Templates;

/// <summary>An email ready to queue: its subject, plain-text part and HTML part.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>
/// Renders the emails firms can edit (Liquid, with Fluid), and keeps the firms' own templates: saves only what
/// parses and, for an invoice email, what still shows the pay link; resets to the default. Templates see only the
/// variables of <see cref="EmailModel"/>; the HTML part is rendered with HTML encoding, so a client's name cannot
/// inject markup, and the plain-text part and subject without it.
/// </summary>
public sealed class EmailTemplates(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, IStringLocalizer<Text> T)
{
    private static readonly FluidParser Parser = new();
    // Templates change rarely and are few (kinds × languages × firms): parsed once per source text.
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new(StringComparer.Ordinal);

    /// <summary>A placeholder pay link for checking that an invoice template shows it.</summary>
    private const string PayLinkProbe = "https://portal.invalid/pay/probe-7f3a";

    /// <summary>The language a culture's emails are written in: "fr" for any French culture, otherwise "en".</summary>
    public static string LanguageOf(CultureInfo culture) => culture.TwoLetterISOLanguageName == "fr" ? "fr" : "en";

    /// <summary>The culture amounts and dates are shown in, for an email in that language.</summary>
    public static CultureInfo CultureOf(string language) => CultureInfo.GetCultureInfo(language == "fr" ? "fr-FR" : "en-GB");

    /// <summary>Renders the firm's template of that kind (or the default) for the culture's language.</summary>
    public async Task<RenderedEmail> RenderAsync(Guid firmId, EmailTemplateKind kind, CultureInfo culture, EmailModel model, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RenderAsync(db, firmId, kind, culture, model, cancellationToken);
    }

    /// <summary>As <see cref="RenderAsync(Guid, EmailTemplateKind, CultureInfo, EmailModel, CancellationToken)"/>, reading the template through the caller's unit of work.</summary>
    public async Task<RenderedEmail> RenderAsync(PortalDbContext db, Guid firmId, EmailTemplateKind kind, CultureInfo culture, EmailModel model, CancellationToken cancellationToken = default)
    {
        var text = await TextAsync(db, firmId, kind, LanguageOf(culture), cancellationToken);
        return await RenderAsync(text, culture, model);
    }

    /// <summary>The template the firm uses now (its own or the default), and whether it is its own.</summary>
    public async Task<(EmailTemplateText Text, bool Custom)> CurrentAsync(Guid firmId, EmailTemplateKind kind, string language, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var own = await Own(db, firmId, kind, language).AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        return own is null ? (DefaultEmailTemplates.For(kind, language), false) : (own.Text, true);
    }

    /// <summary>Renders a template as it stands in the editor, unsaved: the live preview.</summary>
    public async Task<RenderedEmail> PreviewAsync(EmailTemplateKind kind, EmailTemplateText text, CultureInfo culture, EmailModel model)
    {
        if (Problem(kind, text) is { } problem)
            throw problem;
        return await RenderAsync(text, culture, model);
    }

    /// <summary>Saves the firm's own wording. Refused, with nothing saved, when a part does not parse or an invoice email lost its pay link.</summary>
    public async Task SaveAsync(Guid firmId, EmailTemplateKind kind, string language, EmailTemplateText text, CancellationToken cancellationToken = default)
    {
        EnsureLanguage(language);
        text = new EmailTemplateText(text.Subject.Trim(), text.Text, text.Html);
        if (Problem(kind, text) is { } problem)
            throw problem;
        if (ShowsPayLink(kind))
            await EnsurePayLinkShownAsync(text, CultureOf(language));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var own = await Own(db, firmId, kind, language).SingleOrDefaultAsync(cancellationToken);
        if (own is null)
            db.Add(new EmailTemplate(firmId, kind, language, text, clock.GetUtcNow()));
        else
            own.Change(text, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Goes back to Portal's default wording for that email and language.</summary>
    public async Task ResetAsync(Guid firmId, EmailTemplateKind kind, string language, CancellationToken cancellationToken = default)
    {
        EnsureLanguage(language);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await Own(db, firmId, kind, language).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>What is wrong with a template, as the editor shows it; null when it can be saved.</summary>
    public static DomainException? Problem(EmailTemplateKind kind, EmailTemplateText text)
    {
        if (string.IsNullOrWhiteSpace(text.Subject) || string.IsNullOrWhiteSpace(text.Text) || string.IsNullOrWhiteSpace(text.Html))
            return new DomainException("An email needs a subject, a plain-text part and an HTML part.");
        if (text.Subject.Length > EmailTemplate.MaxSubjectLength || text.Text.Length > EmailTemplate.MaxTextLength || text.Html.Length > EmailTemplate.MaxHtmlLength)
            return new DomainException("This template is too long.");
        if (!Parser.TryParse(text.Subject, out _, out var error))
            return new DomainException($"The subject is not a valid template: {error}");
        if (!Parser.TryParse(text.Text, out _, out error))
            return new DomainException($"The plain-text part is not a valid template: {error}");
        if (!Parser.TryParse(text.Html, out _, out error))
            return new DomainException($"The HTML part is not a valid template: {error}");
        if (ShowsPayLink(kind) && !(text.Text.Contains("pay_link", StringComparison.Ordinal) && text.Html.Contains("pay_link", StringComparison.Ordinal)))
            return new DomainException(PayLinkRequired);
        return null;
    }

    /// <summary>The emails whose whole point is the pay link: the invoice and every reminder of it.</summary>
    public static bool ShowsPayLink(EmailTemplateKind kind) => kind is EmailTemplateKind.InvoiceIssued or EmailTemplateKind.ReminderUpcoming
        or EmailTemplateKind.ReminderDueToday or EmailTemplateKind.ReminderOverdue or EmailTemplateKind.ReminderSecondNotice or EmailTemplateKind.ReminderFinalNotice;

    private const string PayLinkRequired = "An invoice email must show the pay link ({{ pay_link }}) in both its plain-text and HTML parts.";

    // The pay link must not only be named but come out: a link inside {% if false %} is as lost as a deleted one.
    private async Task EnsurePayLinkShownAsync(EmailTemplateText text, CultureInfo culture)
    {
        var sample = new EmailModel().Firm("Firm").Client("Client").PortalLink("https://portal.invalid/")
            .Invoice("INV-00001", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), new Money(100_00, Currency.FromCode("EUR")), new Money(100_00, Currency.FromCode("EUR")))
            .Amount(new Money(100_00, Currency.FromCode("EUR"))).PayLink(PayLinkProbe);
        var rendered = await RenderAsync(text, culture, sample);
        if (!rendered.Text.Contains(PayLinkProbe, StringComparison.Ordinal) || !rendered.Html.Contains(PayLinkProbe, StringComparison.Ordinal))
            throw new DomainException(PayLinkRequired);
    }

    private async Task<RenderedEmail> RenderAsync(EmailTemplateText text, CultureInfo culture, EmailModel model)
    {
        var values = model.ForTemplate(culture, T);
        var context = new TemplateContext(TemplateOptions.Default, StringComparer.Ordinal) { CultureInfo = culture };
        foreach (var (name, value) in values)
            context.SetValue(name, value ?? "");
        var subject = await Template(text.Subject).RenderAsync(context, NullEncoder.Default);
        var plain = await Template(text.Text).RenderAsync(context, NullEncoder.Default);
        var html = await Template(text.Html).RenderAsync(context, HtmlEncoder.Default);
        // A subject is one line, whatever a variable held.
        return new RenderedEmail(subject.ReplaceLineEndings(" ").Trim(), plain, html);
    }

    private static IFluidTemplate Template(string source)
    {
        if (Parsed.TryGetValue(source, out var template))
            return template;
        if (!Parser.TryParse(source, out template, out var error))
            throw new DomainException($"The template is not valid: {error}");
        if (Parsed.Count > 2_000)
            Parsed.Clear();
        return Parsed[source] = template;
    }

    private static async Task<EmailTemplateText> TextAsync(PortalDbContext db, Guid firmId, EmailTemplateKind kind, string language, CancellationToken cancellationToken)
    {
        var own = await Own(db, firmId, kind, language).AsNoTracking().Select(t => new EmailTemplateText(t.Subject, t.TextBody, t.HtmlBody)).SingleOrDefaultAsync(cancellationToken);
        return own ?? DefaultEmailTemplates.For(kind, language);
    }

    // Background senders (webhooks, jobs) may hold a context without a tenant: the firm id says whose template it is.
    private static IQueryable<EmailTemplate> Own(PortalDbContext db, Guid firmId, EmailTemplateKind kind, string language) =>
        db.Set<EmailTemplate>().IgnoreQueryFilters().Where(t => t.FirmId == firmId && t.Kind == kind && t.Language == language);

    private static void EnsureLanguage(string language)
    {
        if (!DefaultEmailTemplates.Languages.Contains(language))
            throw new DomainException("Emails are written in English (en) or French (fr).");
    }
}

public static class EmailTemplatesSetup
{
    public static IServiceCollection AddEmailTemplates(this IServiceCollection services) => services.AddScoped<EmailTemplates>();
}
