using Portal.Components.Shared;
using System.Net;
using Portal.Domain.Payments;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.DirectDebit;

/// <summary>What staff and clients see of direct debit, as the server renders it.</summary>
public sealed class DirectDebitPageTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Integrations_page_shows_gocardless_masked_with_the_firms_webhook_url()
    {
        var firm = await app.AFirmAsync();
        await DirectDebitDriver.ConnectAsync(app, firm);

        using var owner = await app.SignInAsync(firm.Owner);
        var (status, encoded) = await owner.GetPageAsync("/staff/integrations");

        status.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(encoded);
        html.ShouldContain("data-testid=\"gocardless-card\"");
        html.ShouldContain($"/webhooks/gocardless/{firm.Key}");
        html.ShouldContain("sandbox_…");
        html.ShouldNotContain(DirectDebitDriver.WebhookSecret);
    }

    [Fact]
    public async Task Client_sees_the_scheduled_direct_debit_as_processing_not_paid_and_its_mandate_on_the_dashboard()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var mandate = await gc.ActiveMandateAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 64_00).DueInDays(21).IssuedAsync();
        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(64_00))]);
        (await gc.PaymentAsync(started.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);

        using var session = await app.SignInAsync(client.Contact);
        var (_, invoicePage) = await session.GetPageAsync($"/portal/invoices/{invoice.Id}");
        var (_, dashboard) = await session.GetPageAsync("/portal");

        var invoiceHtml = WebUtility.HtmlDecode(invoicePage);
        invoiceHtml.ShouldContain("data-testid=\"direct-debit-scheduled\"");
        invoiceHtml.ShouldContain(DateFormat.Show(started.ChargeDate!.Value, System.Globalization.CultureInfo.GetCultureInfo("en-GB")));
        invoiceHtml.ShouldNotContain("data-testid=\"pay-by-direct-debit-button\"");
        var dashboardHtml = WebUtility.HtmlDecode(dashboard);
        dashboardHtml.ShouldContain("data-testid=\"mandate\"");
        dashboardHtml.ShouldContain("••" + mandate.AccountNumberEnding);
        dashboardHtml.ShouldContain("data-testid=\"cancel-mandate\"");
    }

    [Fact]
    public async Task Staff_previewing_the_client_see_the_mandate_without_cancel_prepay_or_set_up()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var mandate = await gc.ActiveMandateAsync(client);

        using var staff = await app.SignInAsync(firm.Staff);
        var (status, preview) = await staff.GetPageAsync($"/staff/clients/{client.Id}/preview");
        using var session = await app.SignInAsync(client.Contact);
        var (_, dashboard) = await session.GetPageAsync("/portal");

        status.ShouldBe(HttpStatusCode.OK);
        var previewHtml = WebUtility.HtmlDecode(preview);
        previewHtml.ShouldContain("data-testid=\"mandate\"");
        previewHtml.ShouldContain("••" + mandate.AccountNumberEnding);
        foreach (var action in new[] { "cancel-mandate", "dd-prepay", "set-up-direct-debit" })
            previewHtml.ShouldNotContain($"data-testid=\"{action}", Case.Sensitive, action);
        // The same panel on the client's own dashboard offers the actions the preview leaves out.
        WebUtility.HtmlDecode(dashboard).ShouldContain("data-testid=\"cancel-mandate\"");
    }

    [Fact]
    public async Task Returning_from_the_hosted_flow_stores_the_mandate_and_schedules_the_payment_before_any_webhook_is_applied()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Tax return", 1, 150_00).DueInDays(15).IssuedAsync();
        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(150_00))]);
        var backTo = await gc.ApproveAsync(started.SignMandateAt.ShouldNotBeNull());

        using var session = await app.SignInAsync(client.Contact);
        var (status, page) = await session.GetPageAsync(backTo!.PathAndQuery);

        status.ShouldBe(HttpStatusCode.OK);
        WebUtility.HtmlDecode(page).ShouldContain("data-testid=\"direct-debit-return-status\"");
        (await gc.MandatesAsync(client)).ShouldHaveSingleItem().IsUsable.ShouldBeTrue();
        (await gc.PaymentAsync(started.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);
        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(Portal.Domain.Invoices.InvoiceStatus.Open);

        // The webhooks arriving afterwards change nothing more.
        await gc.ApplyWebhooksAsync("billing_requests.fulfilled", "payments.created");
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
        (await gc.MandatesAsync(client)).ShouldHaveSingleItem();
    }
}
