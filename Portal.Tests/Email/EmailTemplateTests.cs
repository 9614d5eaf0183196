using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Components.Shared;
using Portal.Domain;
using Portal.Email;
using Portal.Email.Templates;
using Portal.Tests.Fixture;

namespace Portal.Tests.Email;

public sealed class EmailTemplateTests(MailPortalApp app) : IClassFixture<MailPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private const string PayLink = "https://pay.portal.test/i/3b1f0c9a?sig=abc123";

    private async Task<RenderedEmail> RenderInvoiceEmailAsync(TestFirm firm, string culture)
    {
        var model = new EmailModel().Firm("Cabinet Martin").Client("Maison Dupont").PortalLink("https://portal.test/portal")
            .Invoice("INV-00007", new DateOnly(2026, 3, 2), new DateOnly(2026, 4, 1), new Money(1_234_50, Currency.FromCode("EUR")), new Money(1_234_50, Currency.FromCode("EUR")))
            .Amount(new Money(1_234_50, Currency.FromCode("EUR"))).PayLink(PayLink);
        return await app.AsStaffOfAsync<EmailTemplates, RenderedEmail>(firm, templates =>
            templates.RenderAsync(firm.Id, EmailTemplateKind.InvoiceIssued, CultureInfo.GetCultureInfo(culture), model));
    }

    /// <summary>Queues a rendered email as the links flow does, and returns it as the mail server received it.</summary>
    private async Task<MimeMessage> SendAsync(TestFirm firm, RenderedEmail email, string to)
    {
        await using (var db = app.OpenDb(firm.Id))
        {
            db.Add(new EmailMessage(firm.Id, to, email.Subject, email.Text, email.Html, app.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        app.Services.GetRequiredService<EmailSignal>().Notify();
        return (await app.Smtp.WaitForAsync(to)).Single();
    }

    [Fact]
    public async Task Invoice_email_renders_the_pay_link_and_amounts_per_culture_in_both_parts()
    {
        var firm = await app.AFirmAsync();

        var received = await SendAsync(firm, await RenderInvoiceEmailAsync(firm, "fr-FR"), "chloe@maison-dupont.test");

        var french = CultureInfo.GetCultureInfo("fr-FR");
        var amount = MoneyFormat.Format(new Money(1_234_50, Currency.FromCode("EUR")), french);
        received.Subject.ShouldBe($"Facture INV-00007 de Cabinet Martin : {amount} à régler avant le {DateFormat.Show(new DateOnly(2026, 4, 1), french)}");
        amount.ShouldContain("234,50");
        (received.TextBody ?? "").ShouldContain(PayLink);
        (received.HtmlBody ?? "").ShouldContain($"href=\"{PayLink.Replace("&", "&amp;", StringComparison.Ordinal)}\"");
        (received.TextBody ?? "").ShouldContain("Bonjour Maison Dupont");
        (received.TextBody ?? "").ShouldContain(amount);
    }

    [Fact]
    public async Task Html_part_encodes_what_a_client_typed()
    {
        var firm = await app.AFirmAsync();
        var model = new EmailModel().Firm("F").Client("<script>alert(1)</script>").PortalLink("https://portal.test").PayLink(PayLink)
            .Invoice("INV-1", null, null, new Money(1_00, Currency.FromCode("EUR")), new Money(1_00, Currency.FromCode("EUR")));

        var email = await app.AsStaffOfAsync<EmailTemplates, RenderedEmail>(firm, t => t.RenderAsync(firm.Id, EmailTemplateKind.InvoiceIssued, CultureInfo.GetCultureInfo("en-GB"), model));

        email.Html.ShouldNotContain("<script>");
        email.Html.ShouldContain("&lt;script&gt;");
        email.Text.ShouldContain("<script>alert(1)</script>", customMessage: "plain text is not HTML and is sent as typed");
    }

    [Fact]
    public async Task A_firm_edits_its_template_in_french_and_english_and_the_next_email_uses_it()
    {
        var firm = await app.AFirmAsync();
        var other = await app.AFirmAsync();
        await app.AsStaffOfAsync<EmailTemplates>(firm, t => t.SaveAsync(firm.Id, EmailTemplateKind.InvoiceIssued, "fr",
            new EmailTemplateText("Votre facture {{ invoice.number }}", "Chère cliente {{ client.name }}, réglez ici : {{ pay_link }}", "<p>Réglez <a href=\"{{ pay_link }}\">ici</a></p>")));
        await app.AsStaffOfAsync<EmailTemplates>(firm, t => t.SaveAsync(firm.Id, EmailTemplateKind.InvoiceIssued, "en",
            new EmailTemplateText("Your invoice {{ invoice.number }}", "Dear {{ client.name }}, pay here: {{ pay_link }}", "<p>Pay <a href=\"{{ pay_link }}\">here</a></p>")));

        var french = await SendAsync(firm, await RenderInvoiceEmailAsync(firm, "fr-FR"), "fr@client.test");
        var english = await SendAsync(firm, await RenderInvoiceEmailAsync(firm, "en-GB"), "en@client.test");
        var untouched = await RenderInvoiceEmailAsync(other, "en-GB");

        (french.Subject, (french.TextBody ?? "").Trim()).ShouldBe(("Votre facture INV-00007", $"Chère cliente Maison Dupont, réglez ici : {PayLink}"));
        (english.Subject, (english.TextBody ?? "").Trim()).ShouldBe(("Your invoice INV-00007", $"Dear Maison Dupont, pay here: {PayLink}"));
        (english.HtmlBody ?? "").ShouldContain("here</a>");
        untouched.Subject.ShouldStartWith("Invoice INV-00007 from Cabinet Martin", customMessage: "another firm keeps the default");
    }

    [Theory]
    [InlineData("Your invoice {{ invoice.number", "Dear {{ client.name }} {{ pay_link }}", "<p>{{ pay_link }}</p>", "The subject is not a valid template")]
    [InlineData("Your invoice", "Dear {% if client.name %} {{ pay_link }}", "<p>{{ pay_link }}</p>", "The plain-text part is not a valid template")]
    [InlineData("Your invoice", "Dear {{ client.name }}, see you soon", "<p>{{ pay_link }}</p>", "must show the pay link")]
    [InlineData("Your invoice", "Dear {% if false %}{{ pay_link }}{% endif %}", "<p>{{ pay_link }}</p>", "must show the pay link")]
    public async Task A_template_that_does_not_parse_or_drops_the_pay_link_is_refused_and_nothing_is_saved(string subject, string text, string html, string error)
    {
        var firm = await app.AFirmAsync();

        var refused = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<EmailTemplates>(firm, t =>
            t.SaveAsync(firm.Id, EmailTemplateKind.InvoiceIssued, "en", new EmailTemplateText(subject, text, html))));

        refused.Message.ShouldContain(error);
        await using var db = app.OpenDb(firm.Id);
        (await db.Set<EmailTemplate>().CountAsync()).ShouldBe(0);
        (await RenderInvoiceEmailAsync(firm, "en-GB")).Subject.ShouldStartWith("Invoice INV-00007 from");
    }

    [Fact]
    public async Task Reset_to_default_goes_back_to_portals_wording()
    {
        var firm = await app.AFirmAsync();
        await app.AsStaffOfAsync<EmailTemplates>(firm, t => t.SaveAsync(firm.Id, EmailTemplateKind.InvoiceIssued, "en",
            new EmailTemplateText("Pay {{ invoice.number }} now", "{{ pay_link }}", "<a href=\"{{ pay_link }}\">pay</a>")));
        (await RenderInvoiceEmailAsync(firm, "en-GB")).Subject.ShouldBe("Pay INV-00007 now");

        await app.AsStaffOfAsync<EmailTemplates>(firm, t => t.ResetAsync(firm.Id, EmailTemplateKind.InvoiceIssued, "en"));

        var email = await RenderInvoiceEmailAsync(firm, "en-GB");
        (email.Subject ?? "").ShouldBe(DefaultEmailTemplates.For(EmailTemplateKind.InvoiceIssued, "en").Subject
            .Replace("{{ invoice.number }}", "INV-00007", StringComparison.Ordinal).Replace("{{ firm.name }}", "Cabinet Martin", StringComparison.Ordinal)
            .Replace("{{ invoice.amount_due }}", "€1,234.50", StringComparison.Ordinal).Replace("{{ invoice.due_date }}", "1 Apr 2026", StringComparison.Ordinal));
        var (_, custom) = await app.AsStaffOfAsync<EmailTemplates, (EmailTemplateText, bool)>(firm, t => t.CurrentAsync(firm.Id, EmailTemplateKind.InvoiceIssued, "en"));
        custom.ShouldBeFalse();
    }

    [Fact]
    public async Task Every_default_template_renders_in_both_languages_and_the_invoice_one_shows_the_pay_link()
    {
        var firm = await app.AFirmAsync();
        var eur = Currency.FromCode("EUR");
        var model = new EmailModel().Firm("F").Client("C").Recipient("R").PortalLink("https://portal.test").PayLink(PayLink).Amount(new Money(5_00, eur))
            .Invoice("INV-1", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), new Money(5_00, eur), new Money(5_00, eur))
            .Payment(new Money(5_00, eur), new DateOnly(2026, 1, 2), Portal.Domain.Payments.PaymentMethod.Card, null, "insufficient_funds", ["INV-1"])
            .Credit(new Money(5_00, eur), new Money(5_00, eur)).Collection(new Money(5_00, eur), new DateOnly(2026, 1, 9), "MD-1", "F", ["INV-1"])
            .Digest(new DateOnly(2026, 1, 1), [new DigestLine("C", new Money(5_00, eur), "Paid")]);
        foreach (var kind in Enum.GetValues<EmailTemplateKind>())
            foreach (var language in DefaultEmailTemplates.Languages)
            {
                EmailTemplates.Problem(kind, DefaultEmailTemplates.For(kind, language)).ShouldBeNull($"{kind}.{language}");
                var email = await app.AsStaffOfAsync<EmailTemplates, RenderedEmail>(firm, t => t.RenderAsync(firm.Id, kind, EmailTemplates.CultureOf(language), model));
                (email.Subject ?? "").ShouldNotBeNullOrWhiteSpace();
                email.Text.ShouldNotContain("{{");
                if (kind == EmailTemplateKind.InvoiceIssued)
                    (email.Text + email.Html).ShouldContain(PayLink);
            }
    }
}
