using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain;

namespace Portal.Email.Templates;

/// <summary>
/// A firm's own wording of one email in one language; without one, the default (<see cref="DefaultEmailTemplates"/>)
/// is used. Written only through <see cref="EmailTemplates.SaveAsync"/>, which refuses a template that does not parse
/// or an invoice email that lost its pay link.
/// </summary>
public sealed class EmailTemplate : ITenantOwned
{
    public const int MaxSubjectLength = 300;
    public const int MaxTextLength = 20_000;
    public const int MaxHtmlLength = 40_000;

    private EmailTemplate() { }

    internal EmailTemplate(Guid firmId, EmailTemplateKind kind, string language, EmailTemplateText text, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Kind = kind;
        Language = language;
        Change(text, now);
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public EmailTemplateKind Kind { get; private set; }
    /// <summary>"en" or "fr".</summary>
    public string Language { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public string TextBody { get; private set; } = "";
    public string HtmlBody { get; private set; } = "";
    public DateTimeOffset UpdatedAt { get; private set; }

    public EmailTemplateText Text => new(Subject, TextBody, HtmlBody);

    internal void Change(EmailTemplateText text, DateTimeOffset now)
    {
        Subject = text.Subject;
        TextBody = text.Text;
        HtmlBody = text.Html;
        UpdatedAt = now;
    }
}

/// <summary>The three Liquid sources of one email: subject, plain text and HTML.</summary>
public sealed record EmailTemplateText(string Subject, string Text, string Html);

internal sealed class EmailTemplateConfiguration : IEntityTypeConfiguration<EmailTemplate>
{
    public void Configure(EntityTypeBuilder<EmailTemplate> template)
    {
        template.ToTable("EmailTemplates");
        template.HasKey(t => t.Id);
        template.Property(t => t.Language).HasMaxLength(5);
        template.Property(t => t.Subject).HasMaxLength(EmailTemplate.MaxSubjectLength);
        template.Property(t => t.TextBody).HasMaxLength(EmailTemplate.MaxTextLength);
        template.Property(t => t.HtmlBody).HasMaxLength(EmailTemplate.MaxHtmlLength);
        template.HasIndex(t => new { t.FirmId, t.Kind, t.Language }).IsUnique();
    }
}
