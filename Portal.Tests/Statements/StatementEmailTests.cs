using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Documents;
using Portal.Domain;
using Portal.Email;
using Portal.Statements;
using Portal.Tests.Documents;
using Portal.Tests.Email;
using Portal.Tests.Fixture;
using Portal.Tests.Reminders;

namespace Portal.Tests.Statements;

/// <summary>Statements of account by email, on demand and monthly, with their PDF, and the PDF downloads.</summary>
public sealed class StatementEmailTests(MailPortalApp app) : IClassFixture<MailPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        // Statements go out from a sweep, outside any request: with the configured public address, as in production.
        app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Portal:PublicBaseUrl"] = app.BaseUrl.ToString();
        return app.ResetAsync();
    }
    public Task DisposeAsync() => Task.CompletedTask;

    private TestClock Clock => (TestClock)app.Clock;

    [Fact]
    public async Task Staff_email_a_statement_the_client_gets_it_once_with_its_pdf_and_a_link_that_pays_the_balance()
    {
        var firm = await app.AFirmAsync();
        await Portal.Tests.Stripe.CardPaymentDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var billing = await app.BillingEmailAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).IssuedAsync();
        await app.PayByTransferAsync(client, invoice.Id, 100_00);
        var request = new StatementRequest(client.Id, Currency.EUR, app.Today.AddDays(-30), app.Today);

        // Pressed twice on the same page: one email.
        await app.AsStaffOfAsync<StatementEmails, bool>(firm, async s => { await s.SendNowAsync(request, "click-1"); return true; });
        await app.AsStaffOfAsync<StatementEmails, bool>(firm, async s => { await s.SendNowAsync(request, "click-1"); return true; });

        await app.DrainOutboxAsync(firm);
        var mail = Statements(billing).ShouldHaveSingleItem();
        mail.Subject.ShouldBe($"Your statement of account with Firm {firm.Key}, {Shown(request.From)} to {Shown(request.To)}");
        (mail.TextBody ?? "").ShouldContain($"Your balance on {Shown(request.To)} is €380.00. Pay it online, whatever way you usually pay:");
        (mail.TextBody ?? "").ShouldContain($"{app.BaseUrl.ToString().TrimEnd('/')}/portal/pay?select=all", customMessage: mail.TextBody);
        (mail.HtmlBody ?? "").ShouldContain(">Pay the balance</a>");
        // The link, once the client has signed in: every open invoice selected, the whole balance to pay.
        using (var session = await app.SignInAsync(client.Contact))
        {
            var (_, page) = await session.GetPageAsync("/portal/pay?select=all");
            WebUtility.HtmlDecode(page).ShouldContain("Total to pay: €380.00");
        }

        // The PDF, drawn from the ledger: opening, each movement in words, the running balance and the closing balance.
        var attachment = mail.Attachments.OfType<MimePart>().ShouldHaveSingleItem();
        attachment.ContentType.MimeType.ShouldBe("application/pdf");
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        var pdf = PdfReading.Of(content.ToArray());
        pdf.Shows("Statement of account").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Invoice — {invoice.Number}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Bank transfer — {invoice.Number}").ShouldBeTrue(pdf.Text);
        pdf.Shows("€480.00").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Balance on {Shown(request.To)} €380.00").ShouldBeTrue(pdf.Text);

        // Another press (a new page) is another email.
        await app.AsStaffOfAsync<StatementEmails, bool>(firm, async s => { await s.SendNowAsync(request, "click-2"); return true; });
        await app.DrainOutboxAsync(firm);
        Statements(billing).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Where_the_balance_cannot_be_paid_online_the_statement_gives_the_bank_details_and_an_epc_qr_code_for_it()
    {
        // An IBAN and no card provider: the client can only pay by transfer.
        var firm = await app.AFirmAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var client = await app.AClientAsync(firm);
        var billing = await app.BillingEmailAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).IssuedAsync();
        await app.PayByTransferAsync(client, invoice.Id, 100_00);
        var request = new StatementRequest(client.Id, Currency.EUR, app.Today.AddDays(-30), app.Today);

        await app.AsStaffOfAsync<StatementEmails, bool>(firm, async s => { await s.SendNowAsync(request, "click-1"); return true; });
        await app.DrainOutboxAsync(firm);

        var mail = Statements(billing).ShouldHaveSingleItem();
        var reference = $"{client.Name} {request.To:yyyy-MM-dd}";
        (mail.TextBody ?? "").ShouldContain($"Your balance on {Shown(request.To)} is €380.00.");
        (mail.TextBody ?? "").ShouldContain($"To pay by bank transfer: IBAN FR76 3000 6000 0112 3456 7890 189, BIC BNPAFRPPXXX, reference {reference}.", customMessage: mail.TextBody);
        (mail.TextBody ?? "").ShouldNotContain("Pay it online");
        (mail.HtmlBody ?? "").ShouldContain("<img src=\"cid:epc-qr@portal\"");
        var image = mail.BodyParts.OfType<MimePart>().Where(p => p.ContentId == "epc-qr@portal").ShouldHaveSingleItem();
        using var png = new MemoryStream();
        await image.Content!.DecodeToAsync(png);
        QrImages.Read(png.ToArray()).ShouldBe($"BCD\n002\n1\nSCT\nBNPAFRPPXXX\nCabinet Martin SAS\nFR7630006000011234567890189\nEUR380.00\n\n\n{reference}");
        // The statement PDF is still attached beside the picture.
        mail.Attachments.OfType<MimePart>().ShouldHaveSingleItem().ContentType.MimeType.ShouldBe("application/pdf");
    }

    [Fact]
    public async Task A_client_in_french_reads_the_email_and_the_pdf_in_french_and_one_in_credit_is_told_so_without_a_pay_link()
    {
        var firm = await app.AFirmAsync();
        await Portal.Tests.Stripe.CardPaymentDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var billing = await app.BillingEmailAsync(client);
        var reader = await app.AUserAsync(billing, "Comptabilité", Portal.Account.Roles.Client, firm.Id, client.Id);
        await using (var db = app.OpenDb())
            await db.Users.Where(u => u.Id == reader.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Culture, "fr"));
        await app.GiveCreditAsync(client, 250_00);
        var request = new StatementRequest(client.Id, Currency.EUR, app.Today.AddDays(-7), app.Today);

        await app.AsStaffOfAsync<StatementEmails, bool>(firm, async s => { await s.SendNowAsync(request, "click"); return true; });

        await app.DrainOutboxAsync(firm);
        var mail = Statements(billing).ShouldHaveSingleItem();
        var fr = System.Globalization.CultureInfo.GetCultureInfo("fr-FR");
        mail.Subject.ShouldStartWith($"Votre relevé de compte chez Firm {firm.Key}");
        (mail.TextBody ?? "").ShouldContain($"Vous disposez d'un avoir de {Portal.Components.Shared.MoneyFormat.Format(new Money(250_00, Currency.EUR), fr)}");
        (mail.TextBody ?? "").ShouldNotContain("select=all");
        using var content = new MemoryStream();
        await mail.Attachments.OfType<MimePart>().Single().Content!.DecodeToAsync(content);
        var pdf = PdfReading.Of(content.ToArray());
        pdf.Shows("Relevé de compte").ShouldBeTrue(pdf.Text);
        pdf.Shows("Votre avoir").ShouldBeTrue(pdf.Text);
    }

    [Fact]
    public async Task A_client_without_a_billing_email_is_refused_with_the_reason_and_nothing_is_queued()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        await using (var db = app.OpenDb(firm.Id))
        {
            var stored = await db.ClientAccounts.SingleAsync(c => c.Id == client.Id);
            stored.OptOutOfInvoiceEmails(true);
            await db.SaveChangesAsync();
        }
        var request = new StatementRequest(client.Id, Currency.EUR, app.Today.AddDays(-7), app.Today);

        var refused = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<StatementEmails, bool>(firm, async s => { await s.SendNowAsync(request, "click"); return true; }));
        refused.Message.ShouldBe("This client has no billing email to send a statement to.");
        await using var check = app.OpenDb(firm.Id);
        (await check.Set<EmailMessage>().CountAsync(m => m.IdempotencyKey!.StartsWith("statement:"))).ShouldBe(0);

        // Another firm's client is not found, as an unknown one.
        var other = await app.AFirmAsync();
        await Should.ThrowAsync<Portal.Data.NotFoundException>(() => app.AsStaffOfAsync<StatementEmails, bool>(other, async s => { await s.SendNowAsync(request, "click"); return true; }));
    }

    [Fact]
    public async Task Each_month_a_client_who_asked_gets_last_months_statement_once_even_with_two_sweeps_at_once()
    {
        var firm = await app.AFirmAsync();
        var monthly = await app.AClientAsync(firm);
        var quiet = await app.AClientAsync(firm);
        var notAsked = await app.AClientAsync(firm);
        foreach (var client in new[] { monthly, quiet })
            await app.AsStaffOfAsync<Portal.Reminders.ReminderSettings, bool>(firm, async s => { await s.SetMonthlyStatementsAsync(client.Id, true); return true; });

        // Mid next month, at noon UTC (the same day in Paris): invoices for the two clients with movements.
        var now = Clock.GetUtcNow();
        var nextMonth = new DateOnly(now.Year, now.Month, 1).AddMonths(1);
        AdvanceTo(nextMonth.AddDays(14));
        var invoice = await app.AnInvoice(monthly).WithLine("Bookkeeping", 1, 300_00).IssuedAsync();
        await app.AnInvoice(notAsked).WithLine("Bookkeeping", 1, 300_00).IssuedAsync();

        // Still that month: nothing goes out before it has ended.
        (await app.Services.GetRequiredService<MonthlyStatements>().SendAsync()).ShouldBe(0);

        // The 2nd of the month after: two instances' sweeps at once send last month's statement once, to the one client
        // with something to say who asked (the quiet client has neither movements nor a balance).
        AdvanceTo(nextMonth.AddMonths(1).AddDays(1));
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => app.Services.GetRequiredService<MonthlyStatements>().SendAsync())));
        sweeps.Sum().ShouldBe(1);
        await app.DrainOutboxAsync(firm);
        var mail = Statements(await app.BillingEmailAsync(monthly)).ShouldHaveSingleItem();
        mail.Subject.ShouldBe($"Your statement of account with Firm {firm.Key}, {Shown(nextMonth)} to {Shown(nextMonth.AddMonths(1).AddDays(-1))}");
        await using (var db = app.OpenDb(firm.Id))
            (await db.Set<EmailMessage>().Where(m => m.IdempotencyKey!.StartsWith("statement:")).Select(m => m.IdempotencyKey).ToListAsync())
                .ShouldBe([StatementEmails.MonthlyKey(monthly.Id, Currency.EUR, nextMonth)]);
        using (var content = new MemoryStream())
        {
            await mail.Attachments.OfType<MimePart>().Single().Content!.DecodeToAsync(content);
            PdfReading.Of(content.ToArray()).Shows($"Invoice — {invoice.Number}").ShouldBeTrue();
        }

        // A sweep later in the catch-up days sends nothing more; after them, nothing at all.
        AdvanceTo(nextMonth.AddMonths(1).AddDays(2));
        (await app.Services.GetRequiredService<MonthlyStatements>().SendAsync()).ShouldBe(0);
        app.Smtp.To(await app.BillingEmailAsync(notAsked)).ShouldBeEmpty();
        app.Smtp.To(await app.BillingEmailAsync(quiet)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_statement_pdf_downloads_for_staff_and_for_the_clients_own_contact_and_refuses_bad_ranges_and_other_firms()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 120_00).IssuedAsync();
        var range = $"currency=EUR&from={app.Today.AddDays(-10):yyyy-MM-dd}&to={app.Today:yyyy-MM-dd}";

        using var staff = await app.SignInAsync(firm.Staff);
        var download = await staff.GetAsync($"/staff/clients/{client.Id}/statement.pdf?{range}");
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var staffPdf = PdfReading.Of(await download.Content.ReadAsByteArrayAsync());
        staffPdf.Shows($"Invoice — {invoice.Number}").ShouldBeTrue(staffPdf.Text);

        (await staff.GetAsync($"/staff/clients/{client.Id}/statement.pdf?currency=EUR&from={app.Today:yyyy-MM-dd}&to={app.Today.AddDays(-1):yyyy-MM-dd}"))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await staff.GetAsync($"/staff/clients/{client.Id}/statement.pdf?currency=1&from={app.Today:yyyy-MM-dd}&to={app.Today:yyyy-MM-dd}"))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await staff.GetAsync($"/staff/clients/{client.Id}/statement.pdf")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var other = await app.AFirmAsync();
        using var otherStaff = await app.SignInAsync(other.Staff);
        (await otherStaff.GetAsync($"/staff/clients/{client.Id}/statement.pdf?{range}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var contact = await app.SignInAsync(client.Contact);
        var own = await contact.GetAsync($"/portal/statement.pdf?{range}");
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        PdfReading.Of(await own.Content.ReadAsByteArrayAsync()).Shows($"Invoice — {invoice.Number}").ShouldBeTrue();
        // A contact cannot reach the staff download, another client's included.
        var neighbour = await app.AClientAsync(firm);
        using var neighbourContact = await app.SignInAsync(neighbour.Contact);
        (await neighbourContact.GetAsync($"/staff/clients/{client.Id}/statement.pdf?{range}")).IsSuccessStatusCode.ShouldBeFalse();
        PdfReading.Of(await (await neighbourContact.GetAsync($"/portal/statement.pdf?{range}")).Content.ReadAsByteArrayAsync())
            .Shows(invoice.Number!).ShouldBeFalse();
    }

    // A manual payment or a prepayment also sends its receipt: the statements only.
    private List<MimeMessage> Statements(string address) =>
        [.. app.Smtp.To(address).Where(m => (m.Subject ?? "").StartsWith("Your statement", StringComparison.Ordinal) || (m.Subject ?? "").StartsWith("Votre relevé", StringComparison.Ordinal))];

    private static string Shown(DateOnly day) => Portal.Components.Shared.DateFormat.Show(day, System.Globalization.CultureInfo.GetCultureInfo("en-GB"));

    private void AdvanceTo(DateOnly day)
    {
        var target = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var now = Clock.GetUtcNow();
        target.ShouldBeGreaterThan(now, "the test clock only moves forward");
        Clock.Advance(target - now);
    }
}
