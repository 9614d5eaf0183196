using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Invoices.Delivery;
using Portal.Ledger;
using Portal.PayLinks;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Email;
using Portal.Tests.Fixture;
using Portal.Tests.Reminders;

namespace Portal.Tests.PayLinks;

/// <summary>
/// The "pay everything overdue" link of a reminder where the firm lets guests pay: over real SMTP and HTTP, with Stripe
/// through the sandbox. It lists the client's overdue invoices as they are when opened, pays the ticked ones in one
/// card payment, and never reaches another client's invoice.
/// </summary>
public sealed partial class GuestPayAllTests(MailPortalApp app) : IClassFixture<MailPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_reminders_guest_link_lists_both_overdue_invoices_and_pays_them_in_one_card_payment()
    {
        var (firm, client, driver) = await AFirmThatLetsGuestsPayAsync();
        var first = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Payroll", 1, 120_00).DueInLocalDays(app, -15, issuedDaysAgo: 45).IssuedAsync();
        var notYet = await app.AnInvoice(client).WithLine("Next month", 1, 30_00).DueInLocalDays(app, 10).IssuedAsync();
        var other = await app.AClientAsync(firm);
        var othersOverdue = await app.AnInvoice(other).WithLine("Audit", 1, 200_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();

        (await app.Sweeper().SweepAsync()).ShouldBe((3, 3));
        var link = await PayAllLinkAsync(client);
        link.ShouldNotContain("select=overdue");

        using var guest = app.AnonymousSession();
        (await guest.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.GuestInvoicesPage);
        var (status, page) = await guest.GetPageAsync(PayLinkEndpoints.GuestInvoicesPage);
        status.ShouldBe(HttpStatusCode.OK);
        ListedNumbers(page).ShouldBe([second.Number!, first.Number!]);
        WebUtility.HtmlDecode(page).ShouldContain("€600.00");
        page.ShouldNotContain(notYet.Number!);
        page.ShouldNotContain(othersOverdue.Number!);
        (await TimelineKindsAsync(first.Id)).ShouldContain(InvoiceTimelineKind.LinkOpened);

        // Both ticked, one card payment through the sandbox's hosted page.
        var checkout = await PayTickedAsync(guest, page, [first.Id, second.Id]);
        checkout.Headers.Location!.OriginalString.ShouldContain("/sandbox/stripe/pay/");
        using (var hosted = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            using var back = await hosted.PostAsync(checkout.Headers.Location, new FormUrlEncodedContent([new("action", "pay")]));
            back.Headers.Location!.AbsolutePath.ShouldStartWith("/pay/guest/all/payments/");
            await driver.ApplyWebhooksAsync(global::Stripe.EventTypes.CheckoutSessionCompleted);
            var paid = (await guest.GetPageAsync(back.Headers.Location.PathAndQuery)).Html;
            paid.ShouldContain("Paid. Thank you!");
            paid.ShouldContain("data-testid=\"nothing-left\"");
        }
        await using (var db = app.OpenDb(firm.Id))
        {
            var statuses = await db.Invoices.Where(i => i.Id == first.Id || i.Id == second.Id || i.Id == notYet.Id).ToDictionaryAsync(i => i.Id, i => i.Status);
            statuses[first.Id].ShouldBe(InvoiceStatus.Paid);
            statuses[second.Id].ShouldBe(InvoiceStatus.Paid);
            statuses[notYet.Id].ShouldBe(InvoiceStatus.Open);
            (await db.Payments.Include(p => p.Allocations).SingleAsync()).Allocations.Select(a => (a.InvoiceId, a.AmountMinor))
                .ShouldBe([(first.Id, 480_00L), (second.Id, 120_00L)], ignoreOrder: true);
        }
        // The client's account: the 600.00 paid leaves the one invoice not yet due.
        var statement = await app.AsStaffOfAsync<StatementOfAccount, Statement>(firm, s => s.ForClientAsync(client.Id, Currency.EUR, app.Today.AddDays(-60), app.Today));
        statement.Closing.ShouldBe(new Money(30_00, Currency.EUR));

        // Opened again, the link says nothing is left to pay.
        using var later = app.AnonymousSession();
        (await later.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.GuestInvoicesPage);
        (await later.GetPageAsync(PayLinkEndpoints.GuestInvoicesPage)).Html.ShouldContain("data-testid=\"nothing-left\"");
    }

    [Fact]
    public async Task An_invoice_paid_since_the_email_is_not_listed_another_clients_cannot_be_paid_and_revoking_ends_the_link()
    {
        var (firm, client, _) = await AFirmThatLetsGuestsPayAsync();
        var first = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Payroll", 1, 120_00).DueInLocalDays(app, -15, issuedDaysAgo: 45).IssuedAsync();
        var (_, elsewhere) = await app.AFirmWithAClientAsync();
        var othersInvoice = await app.AnInvoice(elsewhere).WithLine("Audit", 1, 200_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var neighbour = await app.AClientAsync(firm);
        var neighboursInvoice = await app.AnInvoice(neighbour).WithLine("Audit", 1, 200_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();

        (await app.Sweeper().SweepAsync()).ShouldBe((3, 3));
        var link = await PayAllLinkAsync(client);
        await app.PayByTransferAsync(client, first.Id, 480_00);

        using var guest = app.AnonymousSession();
        await guest.GetAsync(link);
        var (_, page) = await guest.GetPageAsync(PayLinkEndpoints.GuestInvoicesPage);
        ListedNumbers(page).ShouldBe([second.Number!]);

        // Ids the link does not list (paid, another client's, another firm's) start no payment.
        foreach (var id in new[] { first.Id, neighboursInvoice.Id, othersInvoice.Id })
            (await PayTickedAsync(guest, page, [second.Id, id])).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.GuestInvoicesPage + "?card=changed");
        (await PayTickedAsync(guest, page, [])).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.GuestInvoicesPage + "?card=none");
        await using (var db = app.OpenDb())
            (await db.Payments.IgnoreQueryFilters().CountAsync(p => p.Method == Portal.Domain.Payments.PaymentMethod.Card)).ShouldBe(0);
        // The one-invoice guest page does not open with this link's session.
        (await guest.GetAsync(PayLinkEndpoints.GuestPage)).Headers.Location!.OriginalString.ShouldEndWith(PayLinkEndpoints.InvalidPage);

        await app.AsStaffOfAsync<Portal.PayLinks.PayLinks, int>(firm, p => p.RevokeAllForClientAsync(client.Id));
        (await guest.GetAsync(PayLinkEndpoints.GuestInvoicesPage)).Headers.Location!.OriginalString.ShouldEndWith(PayLinkEndpoints.InvalidPage);
        using var fresh = app.AnonymousSession();
        (await fresh.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.InvalidPage);
    }

    [Fact]
    public async Task With_paypal_connected_the_guest_pays_the_ticked_invoices_with_paypal_and_no_other_clients_payment_is_captured()
    {
        var (firm, client, _) = await AFirmThatLetsGuestsPayAsync();
        var paypal = await Portal.Tests.Providers.PayPal.PayPalPaymentDriver.ConnectAsync(app, firm);
        var first = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Payroll", 1, 120_00).DueInLocalDays(app, -15, issuedDaysAgo: 45).IssuedAsync();
        (await app.Sweeper().SweepAsync()).ShouldBe((2, 2));
        var link = await PayAllLinkAsync(client);
        // A neighbour's PayPal payment, approved on PayPal and waiting for the portal to capture it.
        var neighbour = await app.AClientAsync(firm);
        var neighboursInvoice = await app.AnInvoice(neighbour).WithLine("Audit", 1, 200_00).IssuedAsync();
        var neighbours = await paypal.StartAsync(neighbour, [new(neighboursInvoice.Id, neighbour.Amount(200_00))]);
        await Portal.Tests.Providers.PayPal.PayPalPaymentDriver.ChooseAsync(neighbours, "approve");

        using var guest = app.AnonymousSession();
        await guest.GetAsync(link);
        var (_, page) = await guest.GetPageAsync(PayLinkEndpoints.GuestInvoicesPage);
        page.ShouldContain("data-testid=\"guest-pay-selected\"");
        page.ShouldContain("data-testid=\"guest-pay-selected-with-paypal\"");
        var checkout = await PayTickedAsync(guest, page, [first.Id, second.Id], "paypal");
        var approve = checkout.Headers.Location.ShouldNotBeNull();
        approve.AbsolutePath.ShouldBe("/sandbox/paypal/checkoutnow");

        // PayPal sends the guest back to the guest pages, where the order is captured.
        var back = await Portal.Tests.Providers.PayPal.PayPalPaymentDriver.ChooseAsync(approve, "approve");
        back.AbsolutePath.ShouldStartWith("/pay/guest/all/paypal/return/");
        // Without the guest's session the way back captures nothing; with it, another client's payment is not found.
        using (var stranger = app.AnonymousSession())
            (await stranger.GetAsync(back.PathAndQuery)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.InvalidPage);
        (await guest.GetAsync($"/pay/guest/all/paypal/return/{neighbours.PaymentId}")).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.GuestInvoicesPage);
        (await paypal.PaymentAsync(neighbours.PaymentId)).Status.ShouldBe(Portal.Domain.Payments.PaymentStatus.Initiated);

        var returned = await guest.GetAsync(back.PathAndQuery);
        var paymentId = Guid.Parse(back.Segments[^1]);
        returned.Headers.Location!.OriginalString.ShouldBe($"{PayLinkEndpoints.GuestInvoicesPage}/payments/{paymentId}");
        await paypal.ApplyWebhooksAsync("PAYMENT.CAPTURE.COMPLETED");
        var paid = (await guest.GetPageAsync(returned.Headers.Location.OriginalString)).Html;
        paid.ShouldContain("Paid. Thank you!");
        paid.ShouldContain("data-testid=\"nothing-left\"");
        var payment = await paypal.PaymentAsync(paymentId);
        (payment.Provider, payment.Status).ShouldBe((Portal.Domain.Payments.PaymentProvider.PayPal, Portal.Domain.Payments.PaymentStatus.Succeeded));
        (await app.InvoiceAsync(firm, first.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await app.InvoiceAsync(firm, second.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task Without_guest_pay_the_reminder_keeps_the_sign_in_link()
    {
        var firm = await app.AFirmAsync();
        await Portal.Tests.Stripe.CardPaymentDriver.ConnectAsync(app, firm);
        await app.TurnOnRemindersAsync(firm);
        var client = await app.AClientAsync(firm);
        await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        await app.AnInvoice(client).WithLine("Payroll", 1, 120_00).DueInLocalDays(app, -15, issuedDaysAgo: 45).IssuedAsync();

        (await app.Sweeper().SweepAsync()).ShouldBe((2, 2));

        (await PayAllLinkAsync(client)).ShouldBe($"{app.BaseUrl.ToString().TrimEnd('/')}/portal/pay?select=overdue");
        await using var db = app.OpenDb();
        (await db.Set<PayLink>().IgnoreQueryFilters().CountAsync(l => l.ClientAccountId == client.Id && l.InvoiceId == null)).ShouldBe(0);
    }

    [Fact]
    public async Task With_guest_pay_a_statements_link_lists_the_clients_open_invoices_without_a_sign_in()
    {
        app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Portal:PublicBaseUrl"] = app.BaseUrl.ToString();
        var (firm, client, _) = await AFirmThatLetsGuestsPayAsync();
        var partly = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).IssuedAsync();
        await app.PayByTransferAsync(client, partly.Id, 100_00);
        var later = await app.AnInvoice(client).WithLine("Payroll", 1, 50_00).DueInLocalDays(app, 20).IssuedAsync();
        var request = new Portal.Documents.StatementRequest(client.Id, Currency.EUR, app.Today.AddDays(-30), app.Today);

        // Pressed twice on the same page: one email, and one link.
        await app.AsStaffOfAsync<Portal.Statements.StatementEmails, bool>(firm, async s => { await s.SendNowAsync(request, "click-1"); return true; });
        await app.AsStaffOfAsync<Portal.Statements.StatementEmails, bool>(firm, async s => { await s.SendNowAsync(request, "click-1"); return true; });
        await app.DrainOutboxAsync(firm);

        // The transfer's receipt, and the statement.
        var mail = (await app.Smtp.WaitForAsync(await app.BillingEmailAsync(client), count: 2))
            .Where(m => (m.Subject ?? "").Contains("statement of account", StringComparison.Ordinal)).ShouldHaveSingleItem();
        var link = StatementLink().Match(mail.TextBody ?? "").Groups[1].Value;
        link.ShouldContain("/pay/", customMessage: mail.TextBody);
        await using (var db = app.OpenDb())
            (await db.Set<PayLink>().IgnoreQueryFilters().CountAsync(l => l.ClientAccountId == client.Id && l.Scope == PayLinkScope.OpenInvoices)).ShouldBe(1);
        using var guest = app.AnonymousSession();
        (await guest.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.GuestInvoicesPage);
        var page = (await guest.GetPageAsync(PayLinkEndpoints.GuestInvoicesPage)).Html;
        ListedNumbers(page).ShouldBe([partly.Number!, later.Number!], ignoreOrder: true);
        WebUtility.HtmlDecode(page).ShouldContain("€430.00");
    }

    private async Task<(TestFirm Firm, TestClient Client, Portal.Tests.Stripe.CardPaymentDriver Driver)> AFirmThatLetsGuestsPayAsync()
    {
        var firm = await app.AFirmAsync();
        var driver = await Portal.Tests.Stripe.CardPaymentDriver.ConnectAsync(app, firm);
        await app.TurnOnRemindersAsync(firm);
        await app.AsStaffOfAsync<DeliverySettings>(firm, s => s.SaveAsync(emailInvoicesWhenIssued: false, guestPayAllowed: true));
        return (firm, await app.AClientAsync(firm), driver);
    }

    /// <summary>The "pay them all at once" link of the client's reminders (every reminder of the sweep carries the same offer).</summary>
    private async Task<string> PayAllLinkAsync(TestClient client)
    {
        var mails = await app.Smtp.WaitForAsync(await app.BillingEmailAsync(client), count: 2);
        var links = mails.Select(m => PayAllLink().Match(m.TextBody ?? "")).Select(m => m.Success ? m.Groups[1].Value : null).ToList();
        links.ShouldAllBe(l => l != null);
        return links[0]!;
    }

    private static async Task<HttpResponseMessage> PayTickedAsync(PortalSession guest, string page, IEnumerable<Guid> ticked, string method = "card")
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", WebUtility.HtmlDecode(Antiforgery().Match(page).Groups[1].Value)),
            new("requestKey", RequestKey().Match(page).Groups[1].Value),
        };
        fields.AddRange(ticked.Select(id => new KeyValuePair<string, string>("invoice", id.ToString())));
        return await guest.Http.PostAsync($"/pay/guest/all/{method}", new FormUrlEncodedContent(fields));
    }

    private static List<string> ListedNumbers(string page) =>
        Number().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    private async Task<List<InvoiceTimelineKind>> TimelineKindsAsync(Guid invoiceId)
    {
        await using var db = app.OpenDb();
        return await db.Set<InvoiceTimelineEntry>().IgnoreQueryFilters().Where(e => e.InvoiceId == invoiceId).Select(e => e.Kind).ToListAsync();
    }

    [GeneratedRegex(@"Pay it online, whatever way you usually pay:\s*(\S+)")]
    private static partial Regex StatementLink();

    [GeneratedRegex(@"Pay them all at once:\s*(\S+)")]
    private static partial Regex PayAllLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("name=\"requestKey\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex RequestKey();

    [GeneratedRegex("data-testid=\"guest-invoice-number\">([^<]+)<")]
    private static partial Regex Number();
}
