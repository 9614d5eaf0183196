using Microsoft.EntityFrameworkCore;
using Portal.Domain.Payments;
using Portal.Email;
using Portal.Payments;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Stripe;

namespace Portal.Tests.Email;

public sealed class ReceiptEmailTests(MailPortalApp app) : IClassFixture<MailPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> BillingEmailAsync(TestClient client)
    {
        await using var db = app.OpenDb(client.Firm.Id);
        return await db.ClientAccounts.Where(c => c.Id == client.Id).Select(c => c.BillingEmail).SingleAsync();
    }

    [Fact]
    public async Task Receipt_is_sent_once_when_the_card_payment_is_confirmed_never_while_processing_nor_on_replay()
    {
        var firm = await app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var billing = await BillingEmailAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Payroll, March", 1, 340_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(340_00))]);

        await stripe.ChooseAsync(checkout, "delayed_success");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);
        await app.DrainOutboxAsync(firm);
        app.Smtp.To(billing).ShouldBeEmpty("a payment still processing has no receipt");

        await stripe.SettleDelayedAsync(checkout);
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionAsyncPaymentSucceeded);
        var receipt = (await app.Smtp.WaitForAsync(billing)).Single();

        (receipt.Subject ?? "").ShouldContain("340.00");
        (receipt.TextBody ?? "").ShouldContain(invoice.Number!);
        (receipt.HtmlBody ?? "").ShouldContain(invoice.Number!);
        // The receipt PDF travels with it, rendered when the email left, and says what the payment paid.
        var attached = receipt.Attachments.OfType<MimeKit.MimePart>().ShouldHaveSingleItem();
        attached.ContentType.MimeType.ShouldBe("application/pdf");
        using var pdf = new MemoryStream();
        await attached.Content!.DecodeToAsync(pdf);
        var read = Portal.Tests.Documents.PdfReading.Of(pdf.ToArray());
        read.Shows(invoice.Number!).ShouldBeTrue(read.Text);
        read.Shows("340.00").ShouldBeTrue(read.Text);

        // The same outcome reported again: the webhooks once more, and the provider's report under another key.
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionAsyncPaymentSucceeded);
        await app.AsProviderForAsync<ProviderPayments, Portal.Ledger.MoneyResult>(firm, p => p.MarkSucceededAsync(checkout.PaymentId, null, "evt_replayed_" + Guid.NewGuid().ToString("N")));
        await app.DrainOutboxAsync(firm);

        app.Smtp.To(billing).Count.ShouldBe(1);
        var stored = (await app.StoredEmailsToAsync(billing)).ShouldHaveSingleItem();
        (stored.IdempotencyKey, stored.Status).ShouldBe(($"receipt:{checkout.PaymentId:N}", EmailStatus.Sent));
    }

    [Fact]
    public async Task A_lost_dispute_tells_the_client_what_to_do_next()
    {
        var firm = await app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var billing = await BillingEmailAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 90_00).IssuedAsync();
        var checkout = await stripe.PaidAsync(client, [new(invoice.Id, client.Amount(90_00))]);
        await app.Smtp.WaitForAsync(billing);

        var dispute = await stripe.OpenDisputeAsync(checkout.PaymentId);
        await stripe.ApplyWebhooksAsync(EventTypes.ChargeDisputeCreated);
        await stripe.CloseDisputeAsync(dispute, "lost");
        await stripe.ApplyWebhooksAsync(EventTypes.ChargeDisputeCreated, EventTypes.ChargeDisputeClosed);

        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Reversed);
        var emails = await app.Smtp.WaitForAsync(billing, 2);
        var reversed = emails[1];
        (reversed.Subject ?? "").ShouldContain("reversed");
        (reversed.TextBody ?? "").ShouldContain("What to do next");
        (reversed.TextBody ?? "").ShouldContain(invoice.Number!);
    }

    [Fact]
    public async Task A_transfer_recorded_by_staff_sends_a_receipt_and_a_prepayment_says_credit_added()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var billing = await BillingEmailAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Advice", 1, 75_00).IssuedAsync();

        await app.PayByTransferAsync(client, invoice.Id, 75_00);
        await app.GiveCreditAsync(client, 20_00);

        var emails = await app.Smtp.WaitForAsync(billing, 2);
        emails.Count.ShouldBe(2);
        emails.ShouldContain(m => (m.Subject ?? "").StartsWith("Payment received: €75.00", StringComparison.Ordinal));
        emails.ShouldContain(m => (m.Subject ?? "").StartsWith("€20.00 added to your credit", StringComparison.Ordinal) && (m.TextBody ?? "").Contains("€20.00", StringComparison.Ordinal));
    }
}
