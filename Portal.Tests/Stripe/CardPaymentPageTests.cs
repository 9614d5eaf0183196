using System.Net;
using Portal.Domain.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.Stripe;

public sealed class CardPaymentPageTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Pay_page_lists_the_clients_open_invoices_once_stripe_is_connected()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 120_00).IssuedAsync();
        using var contact = await app.SignInAsync(client.Contact);

        var (_, before) = await contact.GetPageAsync("/portal/pay");
        await CardPaymentDriver.ConnectAsync(app, firm);
        var (status, after) = await contact.GetPageAsync("/portal/pay");

        before.ShouldContain("data-testid=\"card-unavailable\"");
        status.ShouldBe(HttpStatusCode.OK);
        after.ShouldNotContain("data-testid=\"card-unavailable\"");
        after.ShouldContain(invoice.Number!);
    }

    [Fact]
    public async Task Return_page_shows_paid_once_the_webhook_is_applied_and_hides_other_clients_payments()
    {
        var firm = await app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var neighbour = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 80_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(80_00))]);
        using var contact = await app.SignInAsync(client.Contact);
        using var other = await app.SignInAsync(neighbour.Contact);

        var backTo = await stripe.ChooseAsync(checkout, "pay");
        var (_, processing) = await contact.GetPageAsync(backTo!.PathAndQuery);
        await stripe.ApplyWebhooksAsync(global::Stripe.EventTypes.CheckoutSessionCompleted);
        var (_, paid) = await contact.GetPageAsync(backTo.PathAndQuery);
        var (neighbourStatus, _) = await other.GetPageAsync(backTo.PathAndQuery);

        processing.ShouldContain("This page updates by itself");
        paid.ShouldContain("Paid. Thank you!");
        neighbourStatus.ShouldBe(HttpStatusCode.NotFound);
        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
    }
}
