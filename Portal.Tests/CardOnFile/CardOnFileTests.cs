using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.CardOnFile;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Email;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tenancy;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Stripe;
using Invoice = Portal.Domain.Invoices.Invoice;
using PaymentMethod = Portal.Domain.Payments.PaymentMethod;

namespace Portal.Tests.CardOnFile;

/// <summary>
/// Card on file, through the real Stripe.net adapter against the sandbox: a client saves the card they pay with, the
/// next invoice is charged off-session on its due date once however many sweeps run, a decline is retried after a
/// wait, a card that needs its holder's authentication is not, and the client who removes the card or pays another
/// way stops what was planned.
/// </summary>
public sealed partial class CardOnFileTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private CardAutoCharges Sweep => app.Services.GetRequiredService<CardAutoCharges>();

    /// <summary>
    /// A client who paid a first invoice by card with "save this card" ticked (leaving an overdue one unpaid), and a
    /// second invoice due in 10 days.
    /// </summary>
    private async Task<(CardPaymentDriver Stripe, TestClient Client, SavedCard Card, Invoice Next)> AClientWithASavedCardAsync()
    {
        var firm = await app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        await app.AnInvoice(client).WithLine("Old balance", 1, 35_00).IssuedDaysAgo(40).DueInDays(30).IssuedAsync();
        var first = await app.AnInvoice(client).WithLine("Onboarding", 1, 90_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(first.Id, client.Amount(90_00))], saveCard: true);
        await stripe.ChooseAsync(checkout, "pay");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
        (await app.InvoiceAsync(firm, first.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var card = (await SavedCardsAsync(firm)).ShouldHaveSingleItem();
        var next = await app.AnInvoice(client).WithLine("Monthly bookkeeping", 1, 240_00).DueInDays(10).IssuedAsync();
        return (stripe, client, card, next);
    }

    private async Task<List<SavedCard>> SavedCardsAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.SavedCards.AsNoTracking().ToListAsync();
    }

    private async Task<List<CardCharge>> ChargesAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.CardCharges.AsNoTracking().OrderBy(c => c.Attempt).ToListAsync();
    }

    private async Task<List<Payment>> PaymentsOnAsync(TestFirm firm, Guid invoiceId)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Payments.AsNoTracking().Where(p => p.Allocations.Any(a => a.InvoiceId == invoiceId)).OrderBy(p => p.CreatedAt).ToListAsync();
    }

    private async Task<List<EmailMessage>> EmailsKeyedAsync(TestFirm firm, string key)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Set<EmailMessage>().AsNoTracking().Where(e => e.IdempotencyKey == key).ToListAsync();
    }

    private async Task<DateOnly> FirmTodayAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return (await db.Firms.AsNoTracking().SingleAsync()).LocalToday(app.Clock.GetUtcNow());
    }

    /// <summary>Moves the app's clock forward until the firm's own calendar shows <paramref name="day"/>.</summary>
    private async Task AdvanceToAsync(TestFirm firm, DateOnly day)
    {
        while (await FirmTodayAsync(firm) < day)
            ((TestClock)app.Clock).Advance(TimeSpan.FromHours(6));
    }

    private async Task<T> AsClientAsync<T>(TestClient client, Func<SavedCards, Task<T>> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(client.Firm.Id, client.Id);
        return await action(scope.ServiceProvider.GetRequiredService<SavedCards>());
    }

    [Fact]
    public async Task A_card_saved_while_paying_is_charged_once_on_the_next_invoices_due_date_however_many_sweeps_run()
    {
        var (stripe, client, card, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        (card.ClientAccountId, card.Brand, card.Last4, card.IsActive).ShouldBe((client.Id, "visa", "4242", true));
        // The card is attached to the client's own Stripe customer, which Stripe can charge without them.
        var atStripe = await stripe.Stripe.V1.PaymentMethods.GetAsync(card.PaymentMethodId);
        atStripe.CustomerId.ShouldBe(card.CustomerId);

        // Before the due date nothing is charged.
        (await Sweep.RunAsync()).ShouldBe(0);
        (await PaymentsOnAsync(firm, next.Id)).ShouldBeEmpty();

        await AdvanceToAsync(firm, next.DueDate);
        var charged = await Task.WhenAll(Sweep.RunAsync(), Sweep.RunAsync(), Sweep.RunAsync());
        await Sweep.RunAsync();

        charged.Sum().ShouldBeGreaterThanOrEqualTo(1);
        var payment = (await PaymentsOnAsync(firm, next.Id)).ShouldHaveSingleItem();
        (payment.Method, payment.Status, payment.Amount).ShouldBe((PaymentMethod.Card, PaymentStatus.Succeeded, client.Amount(240_00)));
        var intent = await stripe.Stripe.V1.PaymentIntents.GetAsync(payment.ProviderPaymentId, new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction"] });
        (intent.Status, intent.PaymentMethodId, intent.CustomerId, intent.Amount).ShouldBe(("succeeded", card.PaymentMethodId, card.CustomerId, 240_00L));
        payment.Fee.ShouldBe(Portal.Providers.Stripe.StripeAmounts.FromStripe(intent.LatestCharge.BalanceTransaction.Fee, intent.LatestCharge.BalanceTransaction.Currency));
        (await app.InvoiceAsync(firm, next.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await ChargesAsync(firm)).ShouldHaveSingleItem().Status.ShouldBe(CardChargeStatus.Paid);
        (await EmailsKeyedAsync(firm, $"receipt:{payment.Id:N}")).ShouldHaveSingleItem();

        // Stripe's webhooks about the same charge find it booked and change nothing.
        await stripe.ApplyWebhooksAsync(EventTypes.PaymentIntentSucceeded, EventTypes.PaymentIntentSucceeded);
        (await PaymentsOnAsync(firm, next.Id)).ShouldHaveSingleItem().Status.ShouldBe(PaymentStatus.Succeeded);
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.AmountDue(next.Id, client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task A_card_declined_for_want_of_funds_is_tried_again_the_next_day_and_pays_then()
    {
        var (stripe, client, card, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await stripe.CardDeclinesAsync(card.PaymentMethodId, "insufficient_funds");
        await AdvanceToAsync(firm, next.DueDate);

        (await Sweep.RunAsync()).ShouldBe(1);

        var today = await FirmTodayAsync(firm);
        var charges = await ChargesAsync(firm);
        charges.Count.ShouldBe(2);
        (charges[0].Status, charges[0].DeclineCode).ShouldBe((CardChargeStatus.Declined, "insufficient_funds"));
        (charges[1].Attempt, charges[1].Status, charges[1].PlannedFor).ShouldBe((2, CardChargeStatus.Planned, today.AddDays(CardRetryPolicy.DaysAfterDecline[0])));
        var declined = (await PaymentsOnAsync(firm, next.Id)).ShouldHaveSingleItem();
        declined.Status.ShouldBe(PaymentStatus.Failed);
        (await app.InvoiceAsync(firm, next.Id)).AmountPayable.ShouldBe(client.Amount(240_00));
        // The client was not there to see the decline: they are told once, however Stripe's webhook adds to it.
        await stripe.ApplyWebhooksAsync(EventTypes.PaymentIntentPaymentFailed);
        (await EmailsKeyedAsync(firm, $"payment-failed:{declined.Id:N}")).ShouldHaveSingleItem();

        // Not before its day.
        (await Sweep.RunAsync()).ShouldBe(0);
        await stripe.CardDeclinesAsync(card.PaymentMethodId, null);
        await AdvanceToAsync(firm, charges[1].PlannedFor);
        var made = (await Task.WhenAll(Sweep.RunAsync(), Sweep.RunAsync())).Sum();
        made.ShouldBeGreaterThanOrEqualTo(1);

        var payments = await PaymentsOnAsync(firm, next.Id);
        payments.Count.ShouldBe(2);
        payments[1].Status.ShouldBe(PaymentStatus.Succeeded);
        (await ChargesAsync(firm)).Select(c => c.Status).ShouldBe([CardChargeStatus.Declined, CardChargeStatus.Paid]);
        (await app.InvoiceAsync(firm, next.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task A_card_that_needs_its_holders_authentication_is_not_charged_again_and_the_client_pays_on_the_hosted_page()
    {
        var (stripe, client, card, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await stripe.CardDeclinesAsync(card.PaymentMethodId, "authentication_required");
        await AdvanceToAsync(firm, next.DueDate);

        (await Sweep.RunAsync()).ShouldBe(1);

        var charge = (await ChargesAsync(firm)).ShouldHaveSingleItem();
        (charge.Status, charge.DeclineCode).ShouldBe((CardChargeStatus.Declined, "authentication_required"));
        var declined = (await PaymentsOnAsync(firm, next.Id)).ShouldHaveSingleItem();
        var email = (await EmailsKeyedAsync(firm, $"payment-failed:{declined.Id:N}")).ShouldHaveSingleItem();
        email.TextBody.ShouldContain("requires authentication");
        email.TextBody.ShouldContain("/portal");
        ((TestClock)app.Clock).Advance(TimeSpan.FromDays(10));
        (await Sweep.RunAsync()).ShouldBe(0);

        // On the hosted page the client is there to confirm: the invoice is paid.
        var checkout = await stripe.StartAsync(client, [new(next.Id, client.Amount(240_00))]);
        await stripe.ChooseAsync(checkout, "pay");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionCompleted);
        (await app.InvoiceAsync(firm, next.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task Removing_the_card_detaches_it_at_Stripe_cancels_what_was_planned_and_nothing_more_is_charged()
    {
        var (stripe, client, card, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await AdvanceToAsync(firm, next.DueDate);
        (await app.AsStaffOfAsync<CardChargeRun, int>(firm, run => run.PlanDueAsync())).ShouldBe(1);

        await AsClientAsync(client, async cards => { await cards.RemoveAsync(client.Id); return true; });

        (await stripe.Stripe.V1.PaymentMethods.GetAsync(card.PaymentMethodId)).CustomerId.ShouldBeNull();
        (await SavedCardsAsync(firm)).ShouldHaveSingleItem().IsActive.ShouldBeFalse();
        var cancelled = (await ChargesAsync(firm)).ShouldHaveSingleItem();
        (cancelled.Status, cancelled.CancelledBecause).ShouldBe((CardChargeStatus.Cancelled, CardChargeCancellation.CardRemoved));
        (await Sweep.RunAsync()).ShouldBe(0);
        (await PaymentsOnAsync(firm, next.Id)).ShouldBeEmpty();
        // Nothing left to remove: a clear refusal, nothing changed.
        (await Should.ThrowAsync<DomainException>(() => AsClientAsync(client, async cards => { await cards.RemoveAsync(client.Id); return true; })))
            .Message.ShouldBe("There is no saved card to remove.");
    }

    [Fact]
    public async Task A_client_who_pays_another_way_before_the_retry_cancels_it()
    {
        var (stripe, client, card, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await stripe.CardDeclinesAsync(card.PaymentMethodId, "generic_decline");
        await AdvanceToAsync(firm, next.DueDate);
        (await Sweep.RunAsync()).ShouldBe(1);
        var retry = (await ChargesAsync(firm))[1];

        await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new ManualPaymentRequest(client.Id, PaymentMethod.BankTransfer,
            client.Amount(100_00), [new InvoiceAmount(next.Id, client.Amount(100_00))], false, null, MoneyChecks.NewKey())));
        await AdvanceToAsync(firm, retry.PlannedFor);
        (await Sweep.RunAsync()).ShouldBe(0);

        var cancelled = (await ChargesAsync(firm))[1];
        (cancelled.Status, cancelled.CancelledBecause, cancelled.PaymentId).ShouldBe((CardChargeStatus.Cancelled, CardChargeCancellation.PaidAnotherWay, (Guid?)null));
        (await app.InvoiceAsync(firm, next.Id)).AmountPayable.ShouldBe(client.Amount(140_00));
    }

    [Fact]
    public async Task A_charge_Stripe_later_says_needs_authentication_is_declined_once_and_not_made_again()
    {
        var (_, client, _, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await AdvanceToAsync(firm, next.DueDate);
        await app.AsStaffOfAsync<CardChargeRun, int>(firm, run => run.PlanDueAsync());
        // What an instance stopped after sending the charge leaves behind: the charge made, its payment waiting for Stripe.
        Guid paymentId;
        await using (var db = app.OpenDb(firm.Id))
        {
            var charge = await db.CardCharges.SingleAsync();
            charge.Claim();
            paymentId = (await app.AsStaffOfAsync<ProviderPayments, MoneyResult>(firm, p => p.InitiateAsync(new ProviderPaymentRequest(
                client.Id, PaymentMethod.Card, PaymentProvider.Stripe, [new InvoiceAmount(next.Id, client.Amount(240_00))], null, charge.RequestKey)))).Id!.Value;
            charge.Made(paymentId);
            await db.SaveChangesAsync();
        }
        var intent = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = "pi_" + Guid.NewGuid().ToString("N")[..20], ["object"] = "payment_intent", ["status"] = "requires_action",
            ["amount"] = 240_00, ["currency"] = "eur", ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["portal_payment_id"] = paymentId.ToString() },
        };
        var secret = await app.WebhookSigningSecretAsync(firm);
        foreach (var delivery in new[] { "evt_auth_1", "evt_auth_2" })
            (await app.PostStripeEventAsync(firm.Key, StripePortalApp.StripeEventJson(EventTypes.PaymentIntentRequiresAction, delivery + Guid.NewGuid().ToString("N")[..8], intent.DeepClone().AsObject()), secret))
                .StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        await app.ProcessWebhooksAsync();
        await Sweep.RunAsync();

        var closed = (await ChargesAsync(firm)).ShouldHaveSingleItem();
        (closed.Status, closed.DeclineCode).ShouldBe((CardChargeStatus.Declined, "authentication_required"));
        (await PaymentsOnAsync(firm, next.Id)).ShouldHaveSingleItem().Status.ShouldBe(PaymentStatus.Failed);
        (await EmailsKeyedAsync(firm, $"payment-failed:{paymentId:N}")).ShouldHaveSingleItem();
        (await app.InvoiceAsync(firm, next.Id)).Status.ShouldBe(InvoiceStatus.Open);
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task A_charge_claimed_by_an_instance_that_stopped_is_made_once_by_the_next_passes()
    {
        var (_, client, _, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await AdvanceToAsync(firm, next.DueDate);
        await app.AsStaffOfAsync<CardChargeRun, int>(firm, run => run.PlanDueAsync());
        // What an instance stopped between its claim and Stripe's answer leaves behind.
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.CardCharges.SingleAsync()).Claim();
            await db.SaveChangesAsync();
        }

        (await Task.WhenAll(Sweep.RunAsync(), Sweep.RunAsync())).Sum().ShouldBeGreaterThanOrEqualTo(1);
        await Sweep.RunAsync();

        (await PaymentsOnAsync(firm, next.Id)).ShouldHaveSingleItem().Status.ShouldBe(PaymentStatus.Succeeded);
        (await ChargesAsync(firm)).ShouldHaveSingleItem().Status.ShouldBe(CardChargeStatus.Paid);
        (await app.InvoiceAsync(firm, next.Id)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task The_client_sees_the_card_the_next_charge_and_its_outcome_on_the_dashboard_in_English_and_French()
    {
        var (stripe, client, card, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        using var session = await app.SignInAsync(client.Contact);

        var (_, before) = await session.GetPageAsync("/portal");
        before.ShouldContain("Visa card ending 4242");
        before.ShouldContain($"Next charge: ");
        before.ShouldContain(next.Number!);
        var (_, pay) = await session.GetPageAsync("/portal/pay");
        pay.ShouldContain("Save this card");

        await stripe.CardDeclinesAsync(card.PaymentMethodId, "insufficient_funds");
        await AdvanceToAsync(firm, next.DueDate);
        await Sweep.RunAsync();

        // Ten days on, the sign-in has lapsed as it would for the client: they sign in again.
        using var later = await app.SignInAsync(client.Contact);
        var (_, after) = await later.GetPageAsync("/portal");
        after.ShouldContain("Declined: insufficient funds");
        after.ShouldContain("Planned for");
        await later.GetAsync("/culture/fr?redirectUri=/portal");
        var (_, french) = await later.GetPageAsync("/portal");
        System.Net.WebUtility.HtmlDecode(french).ShouldContain("Carte Visa se terminant par 4242");
        System.Net.WebUtility.HtmlDecode(french).ShouldContain("Refusé : provision insuffisante");

        // Staff see the same card on the client's page and each try on the invoice's.
        using var staff = await app.SignInAsync(firm.Staff);
        var (_, clientPage) = await staff.GetPageAsync($"/staff/clients/{client.Id}");
        clientPage.ShouldContain("Visa card ending 4242");
        clientPage.ShouldNotContain("data-testid=\"remove-card\"");
        var (_, invoicePage) = await staff.GetPageAsync($"/staff/invoices/{next.Id}");
        invoicePage.ShouldContain("Try 1 · Declined: insufficient funds");
        invoicePage.ShouldContain("Try 2 · Planned for");
    }
}
